/*
 * vp_quota.c: quota strings (spec 9.1) and maildirsize (spec 9.3).
 *
 * vp_quota_normalize accepts every form vsetuserquota accepts and stores it
 * normalised as 5.6 does ("NOQUOTA", "<bytes>S", "<n>C", "<bytes>S,<n>C"),
 * but strictly: where format_maildirquota would quietly store something the
 * caller did not mean (an empty field, "1G" as one byte, "2.5M" as 2 MiB, a
 * negative number wrapped round, trailing junk) we refuse with
 * VA_INVALID_QUOTA instead.  Differences from the original, on purpose:
 *   - "noquota" in any case is NOQUOTA (the CLI uppercases its argument);
 *   - G/g multiplies by 2^30 (a documented extension; the stored "<n>S" is
 *     what every reader understands);
 *   - the count suffix is an uppercase C only, as in the original, but a
 *     lowercase "c" part is refused instead of being read as a size;
 *   - both parts zero ("0", "0S,0C") is refused: use NOQUOTA.
 * Later parts of the same kind override earlier ones, as in the original.
 *
 * vp_get_quota_usage reads Maildir/maildirsize (Maildir++: the quota line,
 * then "<bytes> <count>" lines to sum, deliveries append, removals may be
 * negative) and trusts it only while vpopmail would: smaller than 5120 bytes,
 * younger than 15 minutes, naming the quota vpasswd holds, with totals >= 0.
 * Otherwise the Maildir is scanned (vp_maildir_usage) and the file rewritten
 * under the domain's .vpasswd.lock, as vp_set_quota writes it; a file that
 * cannot be rewritten does not fail the report.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_quota.h"
#include "vp_vpasswd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

/* All digits, at least one, no overflow past LLONG_MAX / mult. */
static int parse_digits(const char *s, size_t len, unsigned long long mult,
                        unsigned long long *out)
{
	unsigned long long v = 0, lim = (unsigned long long)LLONG_MAX / mult;
	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v * mult;
	return 0;
}

int vp_quota_normalize(const char *in, char *out, size_t size, vp_error *err)
{
	if (!in || !out)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (size)
		out[0] = '\0';
	size_t len = strlen(in);
	if (len > VP_MAX_PW_QUOTA)
		return vp_fail(err, VA_QUOTA_TOO_LONG, NULL);
	if (len == 0)
		return vp_fail(err, VA_INVALID_QUOTA, "empty");
	int n;
	if (strcasecmp(in, "NOQUOTA") == 0) {
		n = snprintf(out, size, "NOQUOTA");
		if (n < 0 || (size_t)n >= size) {
			if (size)
				out[0] = '\0'; /* never a truncated "NOQU" */
			return vp_fail(err, VA_QUOTA_TOO_LONG, NULL);
		}
		return 0;
	}
	unsigned long long bytes = 0, count = 0;
	const char *p = in, *end = in + len;
	for (;;) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		const char *pe = c ? c : end;
		size_t pl = (size_t)(pe - p);
		if (pl == 0)
			return vp_fail(err, VA_INVALID_QUOTA, "empty part");
		if (p[pl - 1] == 'C') {
			if (parse_digits(p, pl - 1, 1, &count) != 0)
				return vp_fail(err, VA_INVALID_QUOTA, "bad message count");
		} else {
			unsigned long long mult = 1;
			if (p[pl - 1] == 'S' || p[pl - 1] == 's')
				pl--;
			if (pl > 0 && (p[pl - 1] == 'B' || p[pl - 1] == 'b'))
				pl--;
			if (pl > 0) {
				switch (p[pl - 1]) {
				case 'K': case 'k': mult = 1024ULL; pl--; break;
				case 'M': case 'm': mult = 1048576ULL; pl--; break;
				case 'G': case 'g': mult = 1073741824ULL; pl--; break;
				default: break;
				}
			}
			if (parse_digits(p, pl, mult, &bytes) != 0)
				return vp_fail(err, VA_INVALID_QUOTA, "bad size");
		}
		if (!c)
			break;
		p = c + 1;
	}
	if (bytes > 0 && count > 0)
		n = snprintf(out, size, "%lluS,%lluC", bytes, count);
	else if (bytes > 0)
		n = snprintf(out, size, "%lluS", bytes);
	else if (count > 0)
		n = snprintf(out, size, "%lluC", count);
	else
		return vp_fail(err, VA_INVALID_QUOTA, "zero quota (use NOQUOTA)");
	if (n < 0 || (size_t)n >= size || n > VP_MAX_PW_QUOTA) {
		if (size)
			out[0] = '\0';
		return vp_fail(err, VA_QUOTA_TOO_LONG, NULL);
	}
	return 0;
}

/* ---- maildirsize ---- */

static unsigned long long size_tag(const char *name)
{
	/* ",S=<n>" in the unique part, before any ":2,..." info */
	const char *colon = strchr(name, ':');
	size_t lim = colon ? (size_t)(colon - name) : strlen(name);
	for (size_t i = 0; i + 3 <= lim; i++) {
		if (name[i] == ',' && name[i + 1] == 'S' && name[i + 2] == '=') {
			unsigned long long v = 0;
			size_t j = i + 3;
			if (j >= lim || name[j] < '0' || name[j] > '9')
				return (unsigned long long)-1;
			for (; j < lim && name[j] >= '0' && name[j] <= '9'; j++) {
				if (v > ULLONG_MAX / 10 - 10)
					return (unsigned long long)-1;
				v = v * 10 + (unsigned long long)(name[j] - '0');
			}
			return v;
		}
	}
	return (unsigned long long)-1;
}

static int trashed(const char *name)
{
	const char *info = strrchr(name, ':');
	return info && strncmp(info, ":2,", 3) == 0 && strchr(info + 3, 'T') != NULL;
}

/*
 * Every entry of the directory open at fd, read with getdents64 rather than
 * a DIR: fdopendir costs an fstat and an fcntl per directory, and a domain
 * report visits three directories per mailbox.  fn gets the entry's name and
 * d_type (DT_UNKNOWN when the filesystem does not say).
 */
typedef void (*entry_fn)(void *ctx, int dfd, const char *name, unsigned char type);

static void each_entry(int fd, entry_fn fn, void *ctx)
{
	_Alignas(8) char buf[8192];
	for (;;) {
		ssize_t n = getdents64(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		for (size_t off = 0; off < (size_t)n;) {
			unsigned short reclen;
			unsigned char type;
			memcpy(&reclen, buf + off + offsetof(struct dirent64, d_reclen), sizeof reclen);
			memcpy(&type, buf + off + offsetof(struct dirent64, d_type), sizeof type);
			if (reclen == 0 || off + reclen > (size_t)n)
				return;
			fn(ctx, fd, buf + off + offsetof(struct dirent64, d_name), type);
			off += reclen;
		}
	}
}

typedef struct usage_sum {
	unsigned long long bytes, count;
} usage_sum;

static void count_message(void *ctx, int dfd, const char *name, unsigned char type)
{
	usage_sum *u = ctx;
	(void)type;
	if (name[0] == '.' || trashed(name))
		return;
	unsigned long long sz = size_tag(name);
	if (sz == (unsigned long long)-1) {
		struct stat st;
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			return;
		sz = (unsigned long long)st.st_size;
	}
	u->bytes += sz;
	u->count++;
}

static void scan_msgdir(int parent, const char *sub, usage_sum *u)
{
	int fd = openat(parent, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	each_entry(fd, count_message, u);
	close(fd);
}

static void scan_folder(void *ctx, int dfd, const char *n, unsigned char type)
{
	if (n[0] != '.' || strcmp(n, ".") == 0 || strcmp(n, "..") == 0 || strcmp(n, ".Trash") == 0 ||
	    (type != DT_UNKNOWN && type != DT_DIR))
		return;
	int sub = openat(dfd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return;
	scan_msgdir(sub, "new", ctx);
	scan_msgdir(sub, "cur", ctx);
	close(sub);
}

int vp_maildir_usage(int mdfd, unsigned long long *bytes, unsigned long long *count)
{
	usage_sum u = { 0, 0 };
	*bytes = 0;
	*count = 0;
	scan_msgdir(mdfd, "new", &u);
	scan_msgdir(mdfd, "cur", &u);
	/* the folders: mdfd's own entries, from the start whatever read it before */
	if (lseek(mdfd, 0, SEEK_SET) != 0)
		return -1;
	each_entry(mdfd, scan_folder, &u);
	*bytes = u.bytes;
	*count = u.count;
	return 0;
}

/*
 * Write "<quota>\n<bytes> <count>\n" to Maildir/tmp and rename it to
 * Maildir/maildirsize (md: the open Maildir, path: its name for messages).
 */
static int maildirsize_write(const vp_config *cfg, const vp_domain_info *dom, int md,
                             const char *path, const char *quota, unsigned long long bytes,
                             unsigned long long count, vp_error *err)
{
	char body[128];
	int rc = 0;
	int blen = snprintf(body, sizeof body, "%s\n%llu %llu\n", quota, bytes, count);
	if (blen < 0 || (size_t)blen >= sizeof body)
		return vp_fail(err, VA_QUOTA_TOO_LONG, NULL);
	int tmpd = openat(md, "tmp", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (tmpd < 0)
		return vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot open tmp of", path);
	char host[64] = "localhost", name[256];
	if (gethostname(host, sizeof host - 1) != 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	for (char *h = host; *h; h++)
		if (*h == '/' || *h == ':')
			*h = '_';
	int fd = -1;
	for (int tries = 0; tries < 8 && fd < 0; tries++) {
		unsigned long r = 0;
		if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
			r = (unsigned long)tries ^ (unsigned long)(uintptr_t)&r;
		snprintf(name, sizeof name, "%ld.%ld_%lx_NeWmAiLdIrSiZe.%s", (long)time(NULL),
		         (long)getpid(), r, host);
		fd = openat(tmpd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot create maildirsize in", path);
		goto out;
	}
	ssize_t w = 0;
	size_t off = 0;
	while (off < (size_t)blen) {
		w = write(fd, body + off, (size_t)blen - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off != (size_t)blen || fchmod(fd, 0600) != 0 ||
	    (cfg->chown_files && fchown(fd, dom->uid, dom->gid) != 0) || fsync(fd) != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot write maildirsize in", path);
		close(fd);
		unlinkat(tmpd, name, 0);
		goto out;
	}
	if (close(fd) != 0 || renameat(tmpd, name, md, "maildirsize") != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot rename maildirsize in", path);
		unlinkat(tmpd, name, 0);
	}
out:
	close(tmpd);
	return rc;
}

int vp_maildir_open(const vp_config *cfg, const vp_domain_info *dom, const char *home, char *path,
                    size_t size, vp_error *err)
{
	if (vp_path_join(path, size, home, "Maildir") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	/* The home comes from vpasswd: inside the domain, reached without a symlink. */
	int hfd = vp_home_open(cfg, dom, home, err);
	if (hfd == VA_BAD_DIR && errno == ENOENT) {
		vp_error_clear(err);
		return -1;
	}
	if (hfd < 0)
		return vp_dir_fail_as(err, hfd, VA_COULD_NOT_UPDATE_FILE);
	int md = vp_dir_openat(cfg, hfd, path, err);
	int e = errno;
	close(hfd);
	if (md == VA_BAD_DIR && e == ENOENT) {
		vp_error_clear(err);
		return -1;
	}
	if (md < 0)
		return vp_dir_fail_as(err, md, VA_COULD_NOT_UPDATE_FILE);
	return md;
}

static int is_noquota(const char *quota)
{
	return !quota || !quota[0] || strcmp(quota, "NOQUOTA") == 0;
}

int vp_maildirsize_update_md(const vp_config *cfg, const vp_domain_info *dom, int md,
                             const char *path, const char *quota, vp_error *err)
{
	int rc = 0;
	if (is_noquota(quota)) {
		if (unlinkat(md, "maildirsize", 0) != 0 && errno != ENOENT)
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot remove maildirsize in", path);
		return rc;
	}
	unsigned long long bytes, count;
	vp_maildir_usage(md, &bytes, &count);
	return maildirsize_write(cfg, dom, md, path, quota, bytes, count, err);
}

int vp_maildirsize_update(const vp_config *cfg, const vp_domain_info *dom, const char *home,
                          const char *quota, vp_error *err)
{
	char path[4096];
	if (!home || !home[0])
		return 0;
	int md = vp_maildir_open(cfg, dom, home, path, sizeof path, err);
	if (md == -1)
		return 0;
	if (md < 0)
		return md;
	int rc = vp_maildirsize_update_md(cfg, dom, md, path, quota, err);
	close(md);
	return rc;
}

/* ---- usage (vp_get_quota_usage) ---- */

/* One signed decimal at *p (p < end), advancing *p; 0 or -1 (none, overflow). */
static int parse_signed(const char **pp, const char *end, long long *out)
{
	const char *p = *pp;
	int neg = 0;
	if (p < end && (*p == '-' || *p == '+')) {
		neg = *p == '-';
		p++;
	}
	if (p == end || *p < '0' || *p > '9')
		return -1;
	long long v = 0;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		int d = *p - '0';
		if (v > (LLONG_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = neg ? -v : v;
	*pp = p;
	return 0;
}

int vp_maildirsize_parse(const char *data, size_t len, char *quota_out, size_t qsize,
                         long long *bytes, long long *count)
{
	long long tb = 0, tc = 0;
	if (quota_out && qsize)
		quota_out[0] = '\0';
	if (bytes)
		*bytes = 0;
	if (count)
		*count = 0;
	if (!data || len == 0)
		return -1;
	const char *end = data + len;
	const char *nl = memchr(data, '\n', len);
	if (!nl || nl == data)
		return -1;
	size_t ql = (size_t)(nl - data);
	for (size_t i = 0; i < ql; i++)
		if ((unsigned char)data[i] < 0x20 || (unsigned char)data[i] == 0x7f)
			return -1;
	if (quota_out) {
		if (ql >= qsize)
			return -1;
		memcpy(quota_out, data, ql);
		quota_out[ql] = '\0';
	}
	/* "<bytes> <count>" lines, each ended by '\n'; a line still being
	 * appended (no '\n' yet) makes the file unusable until rebuilt. */
	for (const char *p = nl + 1; p < end;) {
		const char *le = memchr(p, '\n', (size_t)(end - p));
		if (!le)
			return -1;
		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		if (p == le) { /* blank line */
			p = le + 1;
			continue;
		}
		long long b, c;
		if (parse_signed(&p, le, &b) != 0)
			return -1;
		if (p == le || (*p != ' ' && *p != '\t'))
			return -1;
		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		if (parse_signed(&p, le, &c) != 0)
			return -1;
		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		if (p != le)
			return -1;
		if (__builtin_add_overflow(tb, b, &tb) || __builtin_add_overflow(tc, c, &tc))
			return -1;
		p = le + 1;
	}
	if (bytes)
		*bytes = tb;
	if (count)
		*count = tc;
	return 0;
}

/*
 * Limits of a stored quota as the usage report gives them (vpcore.h has
 * vp_quota_parse for this in vp_info.c; this is a private twin, to be merged).
 * want gets what maildirsize's first line should say: the normalised quota,
 * "" when there is no limit (then there is no maildirsize), or the raw text
 * when it does not parse (as vpopmail writes it).
 */
static void usage_quota_limits(const char *q, long long *bl, long long *cl, char *want,
                               size_t wsize)
{
	char norm[VP_MAX_PW_QUOTA + 64];
	*bl = *cl = -1;
	want[0] = '\0';
	/* vdelivermail: empty, or anything starting with "NO", is no quota */
	if (!q || !q[0] || strncmp(q, "NO", 2) == 0)
		return;
	if (vp_quota_normalize(q, norm, sizeof norm, NULL) != 0) {
		snprintf(want, wsize, "%s", q);
		return;
	}
	snprintf(want, wsize, "%s", norm);
	if (vp_quota_parse(norm, bl, cl) != 0)
		*bl = *cl = -1;
}

#define MAILDIRSIZE_MAX_BYTES 5120 /* vpopmail rebuilds at this size (spec 9.3) */
#define MAILDIRSIZE_MAX_AGE 900    /* or when older than 15 minutes */

/* 1 when maildirsize in md is usable (bytes/count filled), 0 when it must be
 * rebuilt (missing, unparsable, negative; with want: naming another quota;
 * with check_age: stale, as vpopmail's rules in the header say). */
static int maildirsize_load(int md, const char *want, int check_age, long long *bytes,
                            long long *count)
{
	char data[MAILDIRSIZE_MAX_BYTES], quota[256];
	/* O_NONBLOCK: a FIFO planted as maildirsize must not hang the reader */
	int fd = openat(md, "maildirsize", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	/* Without the age rule the stat is skipped (a report opens 100k of
	 * these): the read below still refuses a directory (EISDIR), an empty
	 * FIFO (no quota line) and a file past the size limit. */
	struct stat st;
	if (check_age && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	                  st.st_size >= MAILDIRSIZE_MAX_BYTES ||
	                  st.st_mtime + MAILDIRSIZE_MAX_AGE < time(NULL))) {
		close(fd);
		return 0;
	}
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, data + n, sizeof data - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return 0;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == sizeof data) { /* grew past the limit while we read */
			close(fd);
			return 0;
		}
	}
	close(fd);
	if (vp_maildirsize_parse(data, n, quota, sizeof quota, bytes, count) != 0)
		return 0;
	return (!want || strcmp(quota, want) == 0) && *bytes >= 0 && *count >= 0;
}

static int maildirsize_fresh(int md, const char *want, long long *bytes, long long *count)
{
	return maildirsize_load(md, want, 1, bytes, count);
}

/* <home>/Maildir for reading only (a missing one: -1). */
static int open_maildir(const char *home, char *path, size_t size, vp_error *err)
{
	if (vp_path_join(path, size, home, "Maildir") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	int md = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (md < 0) {
		if (errno == ENOENT)
			return -1;
		return vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot open", path);
	}
	return md;
}

int vp_home_usage(int basefd, const char *home, int exact, unsigned long long *bytes,
                  unsigned long long *count, int *scanned)
{
	char path[4096];
	*bytes = *count = 0;
	*scanned = 0;
	if (!home || !home[0])
		return 0;
	int md;
	if (basefd >= 0) {
		/* relative to an open folder: the kernel walks a few components, not
		 * the whole absolute path, 100k times */
		if (vp_path_join(path, sizeof path, home, "Maildir") != 0)
			return VA_DIR_TOO_LONG;
		md = openat(basefd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (md < 0)
			return errno == ENOENT ? 0 : VA_COULD_NOT_UPDATE_FILE;
	} else {
		md = open_maildir(home, path, sizeof path, NULL);
		if (md == -1)
			return 0;
		if (md < 0)
			return md;
	}
	long long b, c;
	if (!exact && maildirsize_load(md, NULL, 0, &b, &c)) {
		*bytes = (unsigned long long)b;
		*count = (unsigned long long)c;
	} else {
		vp_maildir_usage(md, bytes, count);
		*scanned = 1;
	}
	close(md);
	return 0;
}

int vp_get_quota_usage(const vp_config *cfg, const char *user, const char *domain,
                       vp_quota_usage *out, vp_error *err)
{
	char path[4096], want[VP_MAX_PW_QUOTA + 64];
	vp_domain_info dom;
	vp_user_entry e;
	vp_lock lock = { -1 };
	int rc;

	vp_error_clear(err);
	if (!out)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	memset(out, 0, sizeof *out);
	out->bytes_limit = out->count_limit = -1;
	rc = vp_get_user(cfg, user, domain, &e, &dom, err);
	if (rc == 0)
		rc = vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", user, domain);
	if (rc < 0)
		return rc;
	usage_quota_limits(e.quota, &out->bytes_limit, &out->count_limit, want, sizeof want);
	int md = e.dir[0] ? vp_maildir_open(cfg, &dom, e.dir, path, sizeof path, err) : -1;
	if (md == -1) { /* no mailbox yet: nothing used */
		rc = 0;
		goto done;
	}
	if (md < 0) {
		rc = md;
		goto done;
	}
	long long b, c;
	if (want[0] && maildirsize_fresh(md, want, &b, &c)) {
		out->bytes_used = b;
		out->count_used = c;
		rc = 0;
		goto done;
	}
	/* Rebuild under the domain's lock, as set_quota writes it, with the
	 * quota as it is now (it may have changed since the lookup). */
	unsigned long long ub = 0, uc = 0;
	char uname[sizeof e.name];
	memcpy(uname, e.name, sizeof uname);
	int locked = vp_vpw_lock(cfg, &dom, &lock, err) == 0;
	if (locked && vp_vpw_get_locked(cfg, &dom, uname, &e, err) == 1)
		usage_quota_limits(e.quota, &out->bytes_limit, &out->count_limit, want, sizeof want);
	vp_error_clear(err);
	vp_maildir_usage(md, &ub, &uc);
	out->bytes_used = ub > (unsigned long long)LLONG_MAX ? LLONG_MAX : (long long)ub;
	out->count_used = uc > (unsigned long long)LLONG_MAX ? LLONG_MAX : (long long)uc;
	out->recomputed = 1;
	/* Best effort: the figures stand even if the cache cannot be written. */
	vp_error ignored;
	if (locked && is_noquota(want))
		unlinkat(md, "maildirsize", 0); /* no quota, no maildirsize (spec 9.3) */
	else if (locked)
		maildirsize_write(cfg, &dom, md, path, want, ub, uc, &ignored);
	rc = 0;
	vp_lock_release(&lock);
	close(md);
	explicit_bzero(&e, sizeof e);
	return rc;
done:
	if (md >= 0)
		close(md);
	explicit_bzero(&e, sizeof e);
	return rc;
}
