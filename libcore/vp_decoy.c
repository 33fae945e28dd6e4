/*
 * vp_decoy.c: the user lookup of an authentication, and the stored hash an
 * unknown user's login is checked against (issue 12, class 4: user
 * enumeration by timing).
 *
 * A wrong password costs one verification of the user's own hash, whose
 * scheme and cost (DES, $1$, $5$/$6$ rounds=, $2b$NN$, $y$ params) are
 * whatever the domain holds.  An unknown name must cost the same, so it is
 * checked against the hash of a real user of the same domain: the decoy.
 * The decoy is chosen from the attempted name by SipHash-2-4 under a key
 * derived from the domain directory's identity (device, inode, birth time:
 * stable for the life of the domain, unknown to a remote client), so a
 * repeated probe of one unknown name always meets the same user and behaves
 * like one real account, and the unknown names of a domain spread over its
 * users as the known names do.
 *
 * The choice reads vpasswd.cdb, never vpasswd: its 2 KiB header, one window
 * of one hash table and one record, whatever the size of the domain.  A
 * table is drawn uniformly among the non-empty ones (by rejection, so that
 * adding or removing a user moves only the names of that user's table, not
 * every name), then a record uniformly among the table's slots.  Users in
 * crowded tables are drawn a little less often, independently of their hash
 * scheme.
 *
 * vp_vpw_auth_get does the lookup and the choice in one pass over one open
 * cdb, with the same reads whether the name exists or not: the header, the
 * name's probe, the decoy's slots, and one record (the user's own, or the
 * decoy's).  With a cheap scheme (DES: a few microseconds) the lookup is
 * most of a login, so a found name must not read more than a missing one.
 * Anything unusual (no cdb, a stale or damaged one, a record over 1 KiB)
 * goes to vp_vpw_get, which rebuilds or reports it as every lookup does.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_store.h"
#include "vp_vpasswd.h"

#include <cdb.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define SIPROUND \
	do { \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
	} while (0)

/* SipHash-2-4 (Aumasson and Bernstein), 64-bit output. */
static uint64_t siphash(uint64_t k0, uint64_t k1, const void *data, size_t len)
{
	const unsigned char *in = data;
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
	size_t full = len & ~(size_t)7;
	for (size_t i = 0; i < full; i += 8) {
		uint64_t m = le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	uint64_t b = (uint64_t)len << 56;
	for (size_t i = 0; i < (len & 7); i++)
		b |= (uint64_t)in[full + i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* splitmix64: the draws that follow from one keyed hash. */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The per-domain key: what identifies this directory on this machine. */
static void domain_key(const vp_domain_info *dom, uint64_t *k0, uint64_t *k1)
{
	struct {
		uint64_t dev, ino, birth_ns;
	} id;
	/* the directory as the lookup found it (no second statx per login) */
	vp_dir_id d = dom->id;
	if (d.ino == 0)
		vp_dir_id_get(dom->dir, &d);
	memset(&id, 0, sizeof id);
	id.dev = (uint64_t)d.dev;
	id.ino = (uint64_t)d.ino;
	id.birth_ns = (uint64_t)d.birth_ns;
	/* fixed, arbitrary constants: the secret is in id */
	*k0 = siphash(0x76706f706d61696cULL, 0x6465636f79206b30ULL, &id, sizeof id);
	*k1 = siphash(0x76706f706d61696cULL, 0x6465636f79206b31ULL, &id, sizeof id);
	explicit_bzero(&id, sizeof id);
	explicit_bzero(&d, sizeof d);
}

#define WINDOW 256 /* slots read from one table at most */
#define PROBE 16   /* slots read at once when looking a name up */
#define REC 1024   /* one record read (a vpasswd line is at most 298 bytes) */

/* The decoy's record position: a non-empty table by rejection (a linear scan
 * after many misses), then one occupied slot uniformly in a window of it.
 * 0 when the cdb holds no record or its slots cannot be read. */
static uint32_t pick_slot(int fd, off_t size, const unsigned char *hdr, uint64_t *s)
{
	unsigned char slots[WINDOW * 8];
	unsigned t = 256;
	for (int i = 0; i < 4096 && t == 256; i++) {
		unsigned c = (unsigned)(next(s) & 255);
		if (le32(hdr + 8 * c + 4) != 0)
			t = c;
	}
	for (unsigned c = 0; c < 256 && t == 256; c++)
		if (le32(hdr + 8 * c + 4) != 0)
			t = c;
	if (t == 256)
		return 0; /* no user at all */
	uint32_t tpos = le32(hdr + 8 * t), n = le32(hdr + 8 * t + 4), first = 0;
	if (n > WINDOW) {
		first = (uint32_t)(next(s) % (n - WINDOW + 1));
		n = WINDOW;
	}
	off_t at = (off_t)tpos + (off_t)first * 8;
	if (at < 2048 || at + (off_t)n * 8 > size || pread(fd, slots, (size_t)n * 8, at) != (ssize_t)(n * 8))
		return 0;
	uint32_t occupied = 0;
	for (uint32_t i = 0; i < n; i++)
		occupied += le32(slots + 8 * i + 4) != 0;
	if (occupied == 0)
		return 0;
	uint32_t pick = (uint32_t)(next(s) % occupied);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t p = le32(slots + 8 * i + 4);
		if (p != 0 && pick-- == 0)
			return p;
	}
	return 0;
}

/* The record at rpos, whole, into rec: 0 with key and value, -1 otherwise. */
static int read_record(int fd, off_t size, uint32_t rpos, unsigned char *rec, const char **key,
                       uint32_t *klen, const char **val, uint32_t *vlen)
{
	if (rpos < 2048 || (off_t)rpos + 8 > size)
		return -1;
	ssize_t got = pread(fd, rec, REC, rpos);
	if (got < 8)
		return -1;
	uint32_t kl = le32(rec), dl = le32(rec + 4);
	if (kl > REC || dl > REC || (size_t)got < 8 + (size_t)kl + dl)
		return -1;
	*key = (const char *)rec + 8;
	*klen = kl;
	*val = (const char *)rec + 8 + kl;
	*vlen = dl;
	return 0;
}

/* Field 2 of a cdb value (the hash, possibly ""), into passwd: 1, or 0. */
static int value_hash(const char *v, uint32_t vlen, char *passwd, size_t size)
{
	const char *colon = memchr(v, ':', vlen);
	size_t hl = colon ? (size_t)(colon - v) : vlen;
	if (hl >= size || memchr(v, '\0', hl) || memchr(v, '\n', hl))
		return 0;
	memcpy(passwd, v, hl);
	passwd[hl] = '\0';
	return 1;
}

static int open_cdb(const vp_domain_info *dom, struct stat *st, unsigned char *hdr)
{
	char path[4096];
	if (vp_path_join(path, sizeof path, dom->dir, "vpasswd.cdb") != 0)
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || st->st_size < 2048 || pread(fd, hdr, 2048, 0) != 2048) {
		close(fd);
		return -1;
	}
	return fd;
}

static uint64_t seed_for(const vp_domain_info *dom, const char *name)
{
	uint64_t k0, k1;
	domain_key(dom, &k0, &k1);
	return siphash(k0, k1, name, strlen(name));
}

int vp_vpw_decoy(const vp_domain_info *dom, const char *name, char *passwd, size_t size)
{
	unsigned char hdr[2048], rec[REC];
	struct stat st;
	int found = 0;

	if (size == 0)
		return 0;
	passwd[0] = '\0';
	uint64_t s = seed_for(dom, name);
	int fd = open_cdb(dom, &st, hdr);
	if (fd < 0)
		return 0;
	const char *k, *v;
	uint32_t kl, vl, rpos = pick_slot(fd, st.st_size, hdr, &s);
	if (rpos && read_record(fd, st.st_size, rpos, rec, &k, &kl, &v, &vl) == 0)
		found = value_hash(v, vl, passwd, size);
	explicit_bzero(rec, sizeof rec);
	close(fd);
	return found;
}

#define AUTH_SLOW 2 /* leave it to vp_vpw_get */

static int newer(const struct stat *a, const struct stat *b)
{
	return a->st_mtim.tv_sec > b->st_mtim.tv_sec ||
	       (a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec > b->st_mtim.tv_nsec);
}

/* The name's record position in the cdb (djb's layout: table hash & 255,
 * first slot (hash >> 8) mod length, linear probing): a position to check,
 * 0 for none, -1 on a read failure.  A table without slots still costs one
 * read, as the first probe of any other name does. */
static int64_t probe(int fd, off_t size, const unsigned char *hdr, uint32_t h, uint32_t *from,
                  uint32_t *left)
{
	unsigned char sl[PROBE * 8];
	uint32_t tpos = le32(hdr + 8 * (h & 255)), n = le32(hdr + 8 * (h & 255) + 4);
	if (n == 0) {
		if (*left == UINT32_MAX && pread(fd, sl, 8, 2040) != 8) /* the header's last entry */
			return -1;
		return 0;
	}
	if (*left == UINT32_MAX) {
		*from = (h >> 8) % n;
		*left = n;
	}
	while (*left > 0) {
		uint32_t i = *from, cnt = n - i < PROBE ? n - i : PROBE;
		if (cnt > *left)
			cnt = *left;
		off_t at = (off_t)tpos + (off_t)i * 8;
		if (at < 2048 || at + (off_t)cnt * 8 > size || pread(fd, sl, (size_t)cnt * 8, at) != (ssize_t)(cnt * 8))
			return -1;
		for (uint32_t j = 0; j < cnt; j++) {
			uint32_t sh = le32(sl + 8 * j), sp = le32(sl + 8 * j + 4);
			*from = (i + j + 1) % n;
			(*left)--;
			if (sp == 0) {
				*left = 0;
				return 0;
			}
			if (sh == h)
				return sp;
		}
	}
	return 0;
}

static int auth_read(const vp_domain_info *dom, const char *name, vp_user_entry *out,
                     char *decoy, size_t dsize)
{
	unsigned char hdr[2048], rec[REC];
	char txt[4096];
	struct stat cs, ts;
	int rc = AUTH_SLOW;

	uint64_t s = decoy ? seed_for(dom, name) : 0;
	if (vp_path_join(txt, sizeof txt, dom->dir, "vpasswd") != 0)
		return AUTH_SLOW;
	int fd = open_cdb(dom, &cs, hdr);
	if (fd < 0)
		return AUTH_SLOW;
	if (stat(txt, &ts) == 0 && newer(&ts, &cs))
		goto out; /* a hand edit: rebuild */

	size_t nl = strlen(name);
	uint32_t h = cdb_hash(name, (unsigned)nl), from = 0, left = UINT32_MAX;
	const char *k = NULL, *v = NULL;
	uint32_t kl = 0, vl = 0;
	int found = 0;
	for (;;) {
		int64_t p = probe(fd, cs.st_size, hdr, h, &from, &left);
		if (p < 0)
			goto out;
		if (p == 0)
			break;
		if (read_record(fd, cs.st_size, (uint32_t)p, rec, &k, &kl, &v, &vl) != 0)
			goto out;
		if (kl == nl && memcmp(k, name, nl) == 0) {
			found = 1;
			break;
		}
	}
	if (decoy) {
		decoy[0] = '\0';
		uint32_t rpos = pick_slot(fd, cs.st_size, hdr, &s);
		/* the user's own record is read already: the decoy's only when absent */
		if (!found && rpos) {
			const char *dk, *dv;
			uint32_t dkl, dvl;
			vp_user_entry scratch;
			if (read_record(fd, cs.st_size, rpos, rec, &dk, &dkl, &dv, &dvl) == 0 &&
			    vp_vpw_parse_value("", dv, dvl, &scratch) == 0)
				value_hash(dv, dvl, decoy, dsize);
			explicit_bzero(&scratch, sizeof scratch);
		}
	}
	if (!found) {
		rc = 0;
		goto out;
	}
	if (memchr(v, '\n', vl) || memchr(v, '\0', vl) || (out && vp_vpw_parse_value(name, v, vl, out) != 0))
		goto out; /* damaged: vp_vpw_get says so */
	rc = 1;
out:
	explicit_bzero(rec, sizeof rec);
	close(fd);
	return rc;
}

int vp_vpw_auth_get(const vp_config *cfg, const vp_domain_info *dom, const char *name,
                    vp_user_entry *out, char *decoy, size_t dsize, vp_error *err)
{
	if (decoy && dsize == 0)
		decoy = NULL;
	if (vp_cfg_store(cfg)) {
		/* mysql: the table is the only truth; a vpasswd.cdb left from the
		 * days of the cdb module must never answer.  The decoy is the
		 * postmaster's hash, read by the same statement (none: the
		 * configured scheme's dummy crypt). */
		vp_user_entry tmp;
		int rc = vp_store_user_auth_get(vp_cfg_store(cfg), dom, name, out ? out : &tmp, decoy,
		                                dsize, err);
		if (!out)
			explicit_bzero(&tmp, sizeof tmp);
		return rc;
	}
	int rc = auth_read(dom, name, out, decoy, dsize);
	if (rc != AUTH_SLOW)
		return rc;
	if (decoy)
		decoy[0] = '\0';
	rc = vp_vpw_get(cfg, dom, name, out, err);
	if (rc == 0 && decoy)
		vp_vpw_decoy(dom, name, decoy, dsize);
	return rc;
}
