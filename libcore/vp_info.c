/*
 * vp_info.c: the read side, what vuserinfo and vdominfo report (spec 6.4,
 * 6.9, 9.1-9.3, 2.1).
 *
 * Nothing here takes a lock.  vpasswd, vpasswd.cdb and users/assign are
 * only ever replaced by rename, so one open descriptor sees one complete
 * version of a file however long we read it.  (vp_user_info_get goes
 * through vp_get_user, which may rebuild a missing vpasswd.cdb under the
 * domain's lock, as every lookup does.)
 *
 * Listing users streams <domaindir>/vpasswd through a fixed buffer:
 *   pass 1 reads the whole file once, checks that the names are in strcmp
 *          order (as every writer keeps them) and remembers where the
 *          offset-th entry starts;
 *   pass 2 seeks there and hands `limit` entries to the callback.
 * Memory does not depend on the number of users.  A vpasswd that is not
 * sorted (edited by hand) is still listed sorted: then, and only then, an
 * index of (name, position) for every entry is built and sorted, and the
 * requested entries are read back by position.
 *
 * Lines are skipped as the cdb builder and vgetent would trip on them:
 * empty, no ':' or an empty name, NUL bytes, longer than VP_VPW_READ_LINE,
 * a field too long for vp_user_entry.
 *
 * Counting users reads the 2048-byte header of vpasswd.cdb: every record
 * has two slots in its hash table, so the records are half the sum of the
 * 256 table lengths, O(1) whatever the size.  That is the number of
 * records lookups see (duplicates of a hand-edited file included).  When
 * vpasswd.cdb is missing or its header does not add up, the lines of
 * vpasswd are counted instead.  vdominfo's "users:" agrees with both on
 * every fixture.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_store.h"
#include "vp_vpasswd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

#define ASSIGN_MAX (64u << 20)
#define RD_CHUNK 65536

/* ---- password scheme ---- */

static int des_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '/';
}

static void hash_scheme(const char *h, char *out, size_t size)
{
	static const struct { const char *prefix, *name; } map[] = {
		{ "$6$", "SHA-512" }, { "$5$", "SHA-256" }, { "$1$", "MD5" }, { "$2a$", "bcrypt" },
		{ "$2b$", "bcrypt" }, { "$2y$", "bcrypt" }, { "$2x$", "bcrypt" }, { "$y$", "yescrypt" },
	};
	const char *name = "unknown";
	size_t len = strlen(h);
	if (len == 0) {
		name = "";
	} else if (h[0] == '{') {
		/* Dovecot-style "{SHA512-CRYPT}$6$...": the prefix names the scheme. */
		const char *close = strchr(h, '}');
		if (close && (size_t)(close - h) + 1 < size) {
			snprintf(out, size, "%.*s", (int)(close - h) + 1, h);
			return;
		}
	} else {
		for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
			if (strncmp(h, map[i].prefix, strlen(map[i].prefix)) == 0) {
				name = map[i].name;
				break;
			}
		if (strcmp(name, "unknown") == 0 && len == 13) {
			size_t i = 0;
			while (i < len && des_char(h[i]))
				i++;
			if (i == len)
				name = "DES";
		}
	}
	snprintf(out, size, "%s", name);
}

/* ---- quota ---- */

/* Leading decimal digits (at least one) into *v; the count of digits, or -1 on overflow/none. */
static long lead_digits(const char *s, size_t len, long long *v)
{
	long long x = 0;
	size_t i = 0;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		int d = s[i] - '0';
		if (x > (0x7fffffffffffffffLL - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	if (i == 0)
		return -1;
	*v = x;
	return (long)i;
}

/*
 * vdelivermail: empty or "NO..." is no limit; anything else goes through
 * format_maildirquota (spec 9.1): per ','-part, a trailing 'C' makes a
 * message count, else a size: one trailing S/s then B/b dropped, the
 * leading integer, times 2^20 or 2^10 when the last remaining character is
 * M/m or K/k (so a legacy "50M" reads as 52428800 and "1G" as 1 byte,
 * exactly as vdelivermail enforces them).  Zero means no limit.
 */
int vp_quota_parse(const char *quota, long long *bytes, long long *count)
{
	long long b = 0, c = 0;
	*bytes = -1;
	*count = -1;
	if (!quota || !quota[0] || strncmp(quota, "NO", 2) == 0)
		return 0;
	const char *p = quota, *end = quota + strlen(quota);
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *pe = comma ? comma : end;
		size_t pl = (size_t)(pe - p);
		long long v;
		if (pl > 0 && p[pl - 1] == 'C') {
			if (lead_digits(p, pl - 1, &v) < 0)
				return -1;
			c = v;
		} else {
			if (pl > 0 && (p[pl - 1] == 'S' || p[pl - 1] == 's'))
				pl--;
			if (pl > 0 && (p[pl - 1] == 'B' || p[pl - 1] == 'b'))
				pl--;
			long n = lead_digits(p, pl, &v);
			if (n < 0)
				return -1;
			long long mult = 1;
			char last = p[pl - 1];
			if ((size_t)n < pl && (last == 'M' || last == 'm'))
				mult = 1048576;
			else if ((size_t)n < pl && (last == 'K' || last == 'k'))
				mult = 1024;
			if (v > 0x7fffffffffffffffLL / mult)
				return -1;
			b = v * mult;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	*bytes = b > 0 ? b : -1;
	*count = c > 0 ? c : -1;
	return 0;
}

/* ---- lastauth ---- */

/* A home that is not safely inside the domain (vp_home_open) shows no
 * lastauth at all: the record is reported as stored, nothing is read from
 * where its directory field points. */
static void read_lastauth(const vp_config *cfg, const vp_domain_info *dom, const char *home,
                          vp_user_info *out)
{
	out->lastauth_state = 0;
	out->lastauth_time = 0;
	out->lastauth_ip[0] = '\0';
	if (!home[0])
		return;
	int hfd = vp_home_open(cfg, dom, home, NULL);
	if (hfd < 0)
		return;
	/* No symlink, no fifo: a home is user-writable territory. */
	int fd = openat(hfd, "lastauth", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(hfd);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	char buf[sizeof out->lastauth_ip];
	ssize_t n;
	do
		n = read(fd, buf, sizeof buf - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return;
	/* The address as written (no newline); stop at anything unprintable. */
	size_t len = 0;
	while (len < (size_t)n && buf[len] > ' ' && buf[len] < 127)
		len++;
	memcpy(out->lastauth_ip, buf, len);
	out->lastauth_ip[len] = '\0';
	out->lastauth_time = (long long)st.st_mtime;
	out->lastauth_state = (len == 0 || strcmp(out->lastauth_ip, "0.0.0.0") == 0) ? 1 : 2;
}

int vp_user_info_get(const vp_config *cfg, const char *user, const char *domain,
                     vp_user_info *out, vp_error *err)
{
	vp_domain_info dom;
	if (!out)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	memset(out, 0, sizeof *out);
	out->quota_bytes = out->quota_count = -1;
	int rc = vp_get_user(cfg, user, domain, &out->e, &dom, err);
	if (rc == 0) {
		/* Say who, as the writers do (the name lowercased as looked up). */
		char name[VP_MAX_PW_NAME + 1];
		size_t i = 0;
		for (; user[i] && i < VP_MAX_PW_NAME; i++)
			name[i] = (user[i] >= 'A' && user[i] <= 'Z') ? (char)(user[i] - 'A' + 'a') : user[i];
		name[i] = '\0';
		vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", name, dom.realdomain);
		return 0;
	}
	if (rc != 1)
		return rc;
	snprintf(out->domain, sizeof out->domain, "%s", dom.realdomain);
	hash_scheme(out->e.passwd, out->scheme, sizeof out->scheme);
	vp_quota_parse(out->e.quota, &out->quota_bytes, &out->quota_count);
	vp_store *s = vp_cfg_store(cfg);
	if (s) {
		/* mysql: the lastauth row; none reads as the cdb file missing */
		vp_store_lastauth la;
		memset(&la, 0, sizeof la);
		if ((rc = vp_store_lastauth_get(s, &dom, &out->e, &la, err)) < 0)
			return rc;
		out->lastauth_state = la.state;
		out->lastauth_time = la.time;
		snprintf(out->lastauth_ip, sizeof out->lastauth_ip, "%s", la.ip);
	} else {
		read_lastauth(cfg, &dom, out->e.dir, out);
	}
	return 1;
}

/* ---- streaming vpasswd ---- */

typedef struct rd {
	int fd;
	off_t base;       /* file offset of buf[0] */
	size_t pos, len;
	int eof;
	char buf[RD_CHUNK + VP_VPW_READ_LINE + 2];
} rd;

static void rd_reset(rd *r, off_t at)
{
	r->base = at;
	r->pos = r->len = 0;
	r->eof = 0;
}

/* 1: a line (without '\n') at *line, *len, starting at file offset *at;
 * 0: end; -1: read error.  Over-long lines come back with *len past
 * VP_VPW_READ_LINE and *line NULL. */
static int rd_line(rd *r, const char **line, size_t *len, off_t *at)
{
	for (;;) {
		char *start = r->buf + r->pos;
		size_t avail = r->len - r->pos;
		char *nl = memchr(start, '\n', avail);
		if (nl || (r->eof && avail > 0)) {
			*line = start;
			*len = nl ? (size_t)(nl - start) : avail;
			*at = r->base + (off_t)r->pos;
			r->pos += *len + (nl ? 1 : 0);
			return 1;
		}
		if (r->eof)
			return 0;
		if (avail > VP_VPW_READ_LINE) {
			/* Far too long: swallow it up to its newline. */
			off_t lstart = r->base + (off_t)r->pos;
			size_t total = avail;
			for (;;) {
				ssize_t got;
				do
					got = read(r->fd, r->buf, RD_CHUNK);
				while (got < 0 && errno == EINTR);
				if (got < 0)
					return -1;
				r->base += (off_t)r->len;
				r->pos = 0;
				r->len = (size_t)got;
				if (got == 0) {
					r->eof = 1;
					break;
				}
				char *e = memchr(r->buf, '\n', (size_t)got);
				if (e) {
					r->pos = (size_t)(e - r->buf) + 1;
					total += (size_t)(e - r->buf);
					break;
				}
				total += (size_t)got;
			}
			*line = NULL;
			*len = total;
			*at = lstart;
			return 1;
		}
		/* Keep the partial line, refill behind it. */
		memmove(r->buf, start, avail);
		r->base += (off_t)r->pos;
		r->pos = 0;
		r->len = avail;
		ssize_t got;
		do
			got = read(r->fd, r->buf + r->len, RD_CHUNK);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return -1;
		if (got == 0)
			r->eof = 1;
		r->len += (size_t)got;
	}
}

/* The name length of a line we list, or 0 for a line we skip. */
static size_t entry_ok(const char *line, size_t len)
{
	static const size_t cap[7] = {
		sizeof(((vp_user_entry *)0)->passwd), 0, 0, sizeof(((vp_user_entry *)0)->gecos),
		sizeof(((vp_user_entry *)0)->dir), sizeof(((vp_user_entry *)0)->quota),
		sizeof(((vp_user_entry *)0)->clear)
	};
	if (!line || len == 0 || len > VP_VPW_READ_LINE || memchr(line, '\0', len))
		return 0;
	const char *colon = memchr(line, ':', len);
	if (!colon || colon == line || (size_t)(colon - line) > VP_MAX_PW_NAME)
		return 0;
	size_t klen = (size_t)(colon - line);
	const char *p = colon + 1, *end = line + len;
	for (int f = 0; f < 7; f++) {
		const char *c = memchr(p, ':', (size_t)(end - p));
		const char *fe = c ? c : end;
		if (cap[f] && (size_t)(fe - p) >= cap[f])
			return 0;
		if (!c)
			break;
		p = c + 1;
	}
	return klen;
}

static int name_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	size_t m = al < bl ? al : bl;
	int c = memcmp(a, b, m);
	return c ? c : (al > bl) - (al < bl);
}

static int deliver(const char *line, size_t len, size_t klen, vp_user_cb cb, void *ctx)
{
	char name[VP_MAX_PW_NAME + 1];
	vp_user_entry e;
	memcpy(name, line, klen);
	name[klen] = '\0';
	if (vp_vpw_parse_value(name, line + klen + 1, len - klen - 1, &e) != 0)
		return 0; /* entry_ok said it fits: cannot happen */
	int stop = cb(ctx, &e);
	explicit_bzero(&e, sizeof e);
	return stop;
}

typedef struct idx_ent {
	char name[VP_MAX_PW_NAME + 1];
	unsigned len;
	off_t at;
} idx_ent;

static int idx_cmp(const void *a, const void *b)
{
	const idx_ent *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return (x->at > y->at) - (x->at < y->at); /* duplicates in file order */
}

/* The unsorted case: index every entry, sort, read the page back by position. */
static int list_unsorted(rd *r, const char *path, unsigned long count, unsigned long offset,
                         unsigned long limit, vp_user_cb cb, void *ctx, vp_error *err)
{
	idx_ent *idx = count ? malloc(count * sizeof *idx) : NULL;
	if (count && !idx)
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	unsigned long n = 0;
	int rc = 0;
	const char *line;
	size_t len;
	off_t at;
	if (lseek(r->fd, 0, SEEK_SET) != 0) {
		rc = vp_fail_errno(err, VA_NO_AUTH_CONNECTION, "cannot read", path);
		goto out;
	}
	rd_reset(r, 0);
	while (n < count && rd_line(r, &line, &len, &at) == 1) {
		size_t klen = entry_ok(line, len);
		if (!klen)
			continue;
		memcpy(idx[n].name, line, klen);
		idx[n].name[klen] = '\0';
		idx[n].len = (unsigned)len;
		idx[n].at = at;
		n++;
	}
	if (n < count) {
		rc = vp_fail(err, VA_NO_AUTH_CONNECTION, "%s changed while read", path);
		goto out;
	}
	qsort(idx, n, sizeof *idx, idx_cmp);
	char buf[VP_VPW_READ_LINE + 1];
	for (unsigned long i = offset; i < n && (limit == 0 || i - offset < limit); i++) {
		ssize_t g;
		do
			g = pread(r->fd, buf, idx[i].len, idx[i].at);
		while (g < 0 && errno == EINTR);
		if (g != (ssize_t)idx[i].len) {
			rc = vp_fail_errno(err, VA_NO_AUTH_CONNECTION, "cannot read", path);
			break;
		}
		if (deliver(buf, idx[i].len, strlen(idx[i].name), cb, ctx))
			break;
	}
	explicit_bzero(buf, sizeof buf);
out:
	free(idx);
	return rc;
}

static int open_domain(const vp_config *cfg, const char *domain, vp_domain_info *dom,
                       vp_error *err)
{
	char dname[VP_MAX_PW_DOMAIN + 1];
	int rc;
	if (!cfg || !domain)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	if ((rc = vp_domain_normalize(domain, strlen(domain), dname, err)) != 0)
		return rc;
	rc = vp_domain_lookup(cfg, dname, dom, err);
	if (rc == 0)
		return vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "%s", dname);
	return rc < 0 ? rc : 0;
}

int vp_list_users(const vp_config *cfg, const char *domain, unsigned long offset,
                  unsigned long limit, vp_user_cb cb, void *ctx, vp_error *err)
{
	vp_domain_info dom;
	char path[4096], prev[VP_MAX_PW_NAME];
	size_t prevlen = 0;
	int rc;

	vp_error_clear(err);
	if (!cb)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = open_domain(cfg, domain, &dom, err)) != 0)
		return rc;
	vp_store *s = vp_cfg_store(cfg);
	if (s)
		return vp_store_user_list(s, &dom, offset, limit, cb, ctx, err);
	if (vp_path_join(path, sizeof path, dom.dir, "vpasswd") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	rd *r = malloc(sizeof *r);
	if (!r)
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	r->fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (r->fd < 0) {
		free(r);
		if (errno == ENOENT)
			return 0; /* no users yet */
		return vp_fail_errno(err, VA_NO_AUTH_CONNECTION, "cannot open", path);
	}
	rd_reset(r, 0);

	/* Pass 1: order, count, and where the page starts. */
	unsigned long count = 0;
	off_t page_at = -1;
	int sorted = 1, got;
	const char *line;
	size_t len;
	off_t at;
	while ((got = rd_line(r, &line, &len, &at)) == 1) {
		size_t klen = entry_ok(line, len);
		if (!klen)
			continue;
		if (count > 0 && name_cmp(prev, prevlen, line, klen) > 0)
			sorted = 0;
		memcpy(prev, line, klen);
		prevlen = klen;
		if (count == offset)
			page_at = at;
		count++;
	}
	if (got < 0) {
		rc = vp_fail_errno(err, VA_NO_AUTH_CONNECTION, "cannot read", path);
		goto out;
	}
	if (!sorted) {
		rc = list_unsorted(r, path, count, offset, limit, cb, ctx, err);
		goto out;
	}
	if (page_at < 0)
		goto out; /* offset at or past the end */

	/* Pass 2: the page itself. */
	if (lseek(r->fd, page_at, SEEK_SET) != page_at) {
		rc = vp_fail_errno(err, VA_NO_AUTH_CONNECTION, "cannot read", path);
		goto out;
	}
	rd_reset(r, page_at);
	unsigned long sent = 0;
	while ((limit == 0 || sent < limit) && (got = rd_line(r, &line, &len, &at)) == 1) {
		size_t klen = entry_ok(line, len);
		if (!klen)
			continue;
		sent++;
		if (deliver(line, len, klen, cb, ctx))
			break;
	}
	if (got < 0)
		rc = vp_fail_errno(err, VA_NO_AUTH_CONNECTION, "cannot read", path);
out:
	close(r->fd);
	explicit_bzero(r->buf, sizeof r->buf);
	free(r);
	return rc;
}

/* ---- counting ---- */

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Records of a cdb from its header: 1 and *count, or 0 when it does not add up. */
static int cdb_records(int fd, unsigned long *count)
{
	unsigned char h[2048];
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 2048 ||
	    pread(fd, h, sizeof h, 0) != (ssize_t)sizeof h)
		return 0;
	unsigned long long slots = 0;
	for (int i = 0; i < 256; i++) {
		uint32_t pos = le32(h + i * 8), n = le32(h + i * 8 + 4);
		if (n % 2 != 0 || (n && (pos < 2048 || (unsigned long long)pos + 8ULL * n >
		                                      (unsigned long long)st.st_size)))
			return 0;
		slots += n;
	}
	*count = (unsigned long)(slots / 2);
	return 1;
}

/* Users of the domain living in dir. */
static int count_dir(const char *dir, unsigned long *count, vp_error *err)
{
	char path[4096];
	*count = 0;
	if (vp_path_join(path, sizeof path, dir, "vpasswd.cdb") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		int ok = cdb_records(fd, count);
		close(fd);
		if (ok)
			return 0;
	} else if (errno != ENOENT) {
		return vp_fail_errno(err, VA_NO_AUTH_CONNECTION, "cannot open", path);
	}
	/* No usable cdb: count the lines of vpasswd. */
	if (vp_path_join(path, sizeof path, dir, "vpasswd") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	rd *r = malloc(sizeof *r);
	if (!r)
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	r->fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int rc = 0;
	if (r->fd < 0) {
		if (errno != ENOENT)
			rc = vp_fail_errno(err, VA_NO_AUTH_CONNECTION, "cannot open", path);
		free(r);
		return rc;
	}
	rd_reset(r, 0);
	const char *line;
	size_t len;
	off_t at;
	int got;
	while ((got = rd_line(r, &line, &len, &at)) == 1)
		if (entry_ok(line, len))
			(*count)++;
	if (got < 0)
		rc = vp_fail_errno(err, VA_NO_AUTH_CONNECTION, "cannot read", path);
	close(r->fd);
	explicit_bzero(r->buf, sizeof r->buf);
	free(r);
	return rc;
}

/* Users of the domain d: its files, or its rows (mysql). */
static int count_domain(const vp_config *cfg, const vp_domain_info *d, unsigned long *count,
                        vp_error *err)
{
	vp_store *s = vp_cfg_store(cfg);
	*count = 0;
	return s ? vp_store_user_count(s, d, count, err) : count_dir(d->dir, count, err);
}

int vp_count_users(const vp_config *cfg, const char *domain, unsigned long *count,
                   vp_error *err)
{
	vp_domain_info dom;
	int rc;
	vp_error_clear(err);
	if (!count)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	*count = 0;
	if ((rc = open_domain(cfg, domain, &dom, err)) != 0)
		return rc;
	return count_domain(cfg, &dom, count, err);
}

/* ---- domains ---- */

/* One "+NAME-:REAL:UID:GID:DIR:-::" line of users/assign; 0, or -1 to skip it. */
static int parse_assign_line(const char *l, size_t ll, vp_domain_info *d)
{
	const char *f[5];
	size_t fl[5];
	const char *p = l, *end = l + ll;
	if (ll < 4 || l[0] != '+')
		return -1;
	for (int i = 0; i < 5; i++) {
		const char *c = memchr(p, ':', (size_t)(end - p));
		if (!c)
			return -1;
		f[i] = p;
		fl[i] = (size_t)(c - p);
		p = c + 1;
	}
	/* field 1 is "+name-" */
	if (fl[0] < 3 || f[0][fl[0] - 1] != '-' || fl[0] - 2 > VP_MAX_PW_DOMAIN ||
	    fl[1] == 0 || fl[1] > VP_MAX_PW_DOMAIN || fl[4] == 0 || fl[4] >= sizeof d->dir ||
	    f[4][0] != '/' || fl[2] == 0 || fl[2] > 10 || fl[3] == 0 || fl[3] > 10)
		return -1;
	unsigned long long uid = 0, gid = 0;
	for (size_t i = 0; i < fl[2]; i++) {
		if (f[2][i] < '0' || f[2][i] > '9')
			return -1;
		uid = uid * 10 + (unsigned)(f[2][i] - '0');
	}
	for (size_t i = 0; i < fl[3]; i++) {
		if (f[3][i] < '0' || f[3][i] > '9')
			return -1;
		gid = gid * 10 + (unsigned)(f[3][i] - '0');
	}
	memset(d, 0, sizeof *d);
	memcpy(d->name, f[0] + 1, fl[0] - 2);
	memcpy(d->realdomain, f[1], fl[1]);
	memcpy(d->dir, f[4], fl[4]);
	if (memchr(d->name, '\0', fl[0] - 2) || memchr(d->realdomain, '\0', fl[1]) ||
	    memchr(d->dir, '\0', fl[4]))
		return -1;
	d->uid = (uid_t)uid;
	d->gid = (gid_t)gid;
	d->is_alias = strcmp(d->name, d->realdomain) != 0;
	return 0;
}

static int dom_cmp(const void *a, const void *b)
{
	return strcmp(((const vp_domain_info *)a)->name, ((const vp_domain_info *)b)->name);
}

int vp_list_domains(const vp_config *cfg, vp_domain_cb cb, void *ctx, vp_error *err)
{
	char path[4096];
	char *data = NULL;
	size_t len = 0;
	int rc;

	vp_error_clear(err);
	if (!cfg || !cb)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	if (vp_path_join(path, sizeof path, cfg->qmail_dir, "users/assign") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	rc = vp_read_file(path, &data, &len, ASSIGN_MAX, err);
	if (rc == -1)
		return 0; /* a fresh install: no domain yet */
	if (rc < 0)
		return rc;
	vp_domain_info *list = NULL;
	size_t n = 0, cap = 0;
	rc = 0;
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *l = p;
		p = nl ? nl + 1 : end;
		if (ll == 1 && l[0] == '.')
			break; /* qmail-newu stops here too */
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			vp_domain_info *nlist = realloc(list, ncap * sizeof *nlist);
			if (!nlist) {
				rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
				goto out;
			}
			list = nlist;
			cap = ncap;
		}
		if (parse_assign_line(l, ll, &list[n]) == 0)
			n++;
	}
	if (n)
		qsort(list, n, sizeof *list, dom_cmp);
	for (size_t i = 0; i < n; i++) {
		unsigned long users = 0;
		if ((rc = count_domain(cfg, &list[i], &users, err)) != 0)
			break;
		if (cb(ctx, &list[i], users))
			break;
	}
out:
	free(list);
	free(data);
	return rc;
}

int vp_domain_info_get(const vp_config *cfg, const char *domain, vp_domain_info *out,
                       unsigned long *users, vp_error *err)
{
	char dname[VP_MAX_PW_DOMAIN + 1];
	vp_domain_info d;
	int rc;

	vp_error_clear(err);
	if (!cfg || !domain)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	if ((rc = vp_domain_normalize(domain, strlen(domain), dname, err)) != 0)
		return rc;
	rc = vp_domain_lookup(cfg, dname, &d, err);
	if (rc == 0)
		vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "%s", dname); /* for the caller's message */
	if (rc != 1)
		return rc;
	unsigned long n = 0;
	if ((rc = count_domain(cfg, &d, &n, err)) != 0)
		return rc;
	if (out)
		*out = d;
	if (users)
		*users = n;
	return 1;
}
