/*
 * vp_vpasswd.c: vpasswd + vpasswd.cdb, the cdb auth module's user store
 * (spec 6.4, 6.5, 11).
 *
 * Writers hold <domaindir>/.vpasswd.lock (the file vpopmail locks) for the
 * whole read-modify-write.  A rewrite streams: the old vpasswd is read line
 * by line through a bounded buffer while the new vpasswd and the new
 * vpasswd.cdb are written side by side, so memory does not grow with the
 * number of users (tinycdb keeps 8 bytes of index per record, as any cdb
 * writer must).  Both files are complete and fsynced before either is
 * renamed into place; vpasswd goes first, being the file every rebuild
 * starts from.  Should the cdb rename then fail, vpasswd.cdb is removed so
 * that the next lookup rebuilds it from the new vpasswd: the two never
 * disagree for longer than that.
 *
 * Lookups only ever read vpasswd.cdb (mmap'd by tinycdb), as vpopmail's do.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_vpasswd.h"
#include "vp_store.h"

#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

/* Largest cdb value we accept: a line of VP_VPW_READ_LINE bytes at most. */
#define VP_VPW_MAX_VALUE VP_VPW_READ_LINE

static int dom_path(char *dst, size_t size, const vp_domain_info *dom, const char *name)
{
	return vp_path_join(dst, size, dom->dir, name);
}

int vp_vpw_lock(const vp_config *cfg, const vp_domain_info *dom, vp_lock *lock, vp_error *err)
{
	/* the domain's writers' lock, which also finds a domain deleted meanwhile */
	return vp_domain_lock(cfg, dom, lock, err);
}

/* ---- parsing and formatting ---- */

static int copy_field(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

/* atoi-like, as vpopmail reads fields 3 and 4 (bounded, never overflows). */
static unsigned long lead_ulong(const char *s, size_t len)
{
	unsigned long v = 0;
	for (size_t i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > 0xFFFFFFFFUL)
			break;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v;
}

int vp_vpw_parse_value(const char *name, const char *val, size_t len, vp_user_entry *out)
{
	const char *f[7];
	size_t fl[7];
	int nf = 0;
	const char *p = val, *end = val + len;

	memset(out, 0, sizeof *out);
	if (copy_field(out->name, sizeof out->name, name, strlen(name)) != 0)
		return -1;
	/* Fields 2..8; a missing trailing field is empty, anything past the
	 * 8th is ignored (vpopmail splits the same way). */
	while (nf < 7) {
		const char *c = memchr(p, ':', (size_t)(end - p));
		const char *fe = c ? c : end;
		f[nf] = p;
		fl[nf] = (size_t)(fe - p);
		nf++;
		if (!c)
			break;
		p = c + 1;
	}
	for (int i = nf; i < 7; i++) {
		f[i] = "";
		fl[i] = 0;
	}
	if (copy_field(out->passwd, sizeof out->passwd, f[0], fl[0]) != 0)
		return -1;
	/* Clamped: a value past INT_MAX would be written back negative and then
	 * read as 0. */
	unsigned long uid = lead_ulong(f[1], fl[1]);
	out->uid_flag = uid > INT_MAX ? INT_MAX : (int)uid;
	out->flags = lead_ulong(f[2], fl[2]);
	if (copy_field(out->gecos, sizeof out->gecos, f[3], fl[3]) != 0 ||
	    copy_field(out->dir, sizeof out->dir, f[4], fl[4]) != 0 ||
	    copy_field(out->quota, sizeof out->quota, f[5], fl[5]) != 0)
		return -1;
	if (nf >= 7) {
		out->has_clear = 1;
		if (copy_field(out->clear, sizeof out->clear, f[6], fl[6]) != 0)
			return -1;
	}
	return 0;
}

static int bad_chars(const char *s)
{
	return strpbrk(s, ":\r\n") != NULL;
}

int vp_vpw_format(const vp_user_entry *e, char *buf, size_t size, vp_error *err)
{
	size_t nl = strlen(e->name), pl = strlen(e->passwd), gl = strlen(e->gecos);
	size_t dl = strlen(e->dir), ql = strlen(e->quota), cl = e->has_clear ? strlen(e->clear) : 0;

	if (nl == 0 || bad_chars(e->name))
		return vp_fail(err, VA_ILLEGAL_USERNAME, NULL);
	if (nl > VP_MAX_PW_NAME)
		return vp_fail(err, VA_USER_NAME_TOO_LONG, NULL);
	if (bad_chars(e->passwd))
		return vp_fail(err, VA_BAD_CHAR, "in the password hash");
	if (pl > VP_MAX_PW_PASS)
		return vp_fail(err, VA_PASSWD_TOO_LONG, NULL);
	if (bad_chars(e->gecos))
		return vp_fail(err, VA_BAD_CHAR, "in gecos");
	if (gl > VP_MAX_PW_GECOS)
		return vp_fail(err, VA_GECOS_TOO_LONG, NULL);
	if (bad_chars(e->dir))
		return vp_fail(err, VA_BAD_CHAR, "in the directory");
	if (dl > VP_MAX_PW_DIR)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	if (bad_chars(e->quota))
		return vp_fail(err, VA_BAD_CHAR, "in the quota");
	if (ql > VP_MAX_PW_QUOTA)
		return vp_fail(err, VA_QUOTA_TOO_LONG, NULL);
	if (e->has_clear && bad_chars(e->clear))
		return vp_fail(err, VA_BAD_CHAR, "in the clear-text password");
	if (cl > VP_MAX_PW_CLEAR_PASSWD)
		return vp_fail(err, VA_CLEAR_PASSWD_TOO_LONG, NULL);

	int n;
	if (e->has_clear)
		n = snprintf(buf, size, "%s:%s:%d:%lu:%s:%s:%s:%s\n", e->name, e->passwd, e->uid_flag,
		             e->flags, e->gecos, e->dir, e->quota, e->clear);
	else
		n = snprintf(buf, size, "%s:%s:%d:%lu:%s:%s:%s\n", e->name, e->passwd, e->uid_flag,
		             e->flags, e->gecos, e->dir, e->quota);
	if (n < 0)
		return vp_fail(err, VA_COULD_NOT_UPDATE_FILE, "cannot format the vpasswd line");
	size_t len = (size_t)n - 1; /* without the '\n' */
	if ((size_t)n >= size || len > VP_MAX_VPASSWD_LINE) {
		/* Blame the field whose length the caller controls and which, once
		 * dropped, would make the line fit: clear text, then a gecos the
		 * caller gave (the default gecos is the name itself), else the name,
		 * which the line holds twice (field 1 and the directory). */
		size_t excess = len > VP_MAX_VPASSWD_LINE ? len - VP_MAX_VPASSWD_LINE : len;
		if (e->has_clear && cl >= excess)
			return vp_fail(err, VA_CLEAR_PASSWD_TOO_LONG,
			               "the vpasswd line would be %zu bytes (max %d)", len, VP_MAX_VPASSWD_LINE);
		if (gl >= excess && strcmp(e->gecos, e->name) != 0)
			return vp_fail(err, VA_GECOS_TOO_LONG,
			               "the vpasswd line would be %zu bytes (max %d)", len, VP_MAX_VPASSWD_LINE);
		return vp_fail(err, VA_USER_NAME_TOO_LONG,
		               "with this domain's directory the vpasswd line would be %zu bytes (max %d)",
		               len, VP_MAX_VPASSWD_LINE);
	}
	return n;
}

/* ---- streaming rewrite ---- */

/* Big buffers: a 50k-user vpasswd is 7 MB, and every syscall saved is
 * saved on every write (the job is on the heap, never the stack). */
#define VPW_IOBUF (256 * 1024)

typedef struct vpw_reader {
	int fd;
	size_t pos, len;
	int eof;
	char buf[VPW_IOBUF];
} vpw_reader;

/* 1 line (without '\n') in *line/len, 0 end of file, -1 read error,
 * -2 line longer than cap (its remainder is consumed).  A line that lies
 * whole in the buffer is returned in place (no copy); one that straddles
 * a refill is assembled in spill. */
static int read_line(vpw_reader *r, char *spill, size_t cap, const char **line, size_t *outlen)
{
	size_t n = 0;
	int too_long = 0, any = 0, spilled = 0;
	for (;;) {
		if (r->pos == r->len) {
			if (r->eof)
				break;
			ssize_t got = read(r->fd, r->buf, sizeof r->buf);
			if (got < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			if (got == 0) {
				r->eof = 1;
				break;
			}
			r->pos = 0;
			r->len = (size_t)got;
		}
		any = 1;
		const char *start = r->buf + r->pos;
		size_t avail = r->len - r->pos;
		const char *nl = memchr(start, '\n', avail);
		size_t take = nl ? (size_t)(nl - start) : avail;
		if (nl && !spilled) {
			/* the common case: the whole line is in the buffer */
			r->pos += take + 1;
			if (take > cap)
				return -2;
			*line = start;
			*outlen = take;
			return 1;
		}
		spilled = 1;
		if (!too_long) {
			if (n + take > cap)
				too_long = 1;
			else
				memcpy(spill + n, start, take);
			n += take;
		}
		r->pos += take + (nl ? 1 : 0);
		if (nl)
			break;
	}
	if (!any)
		return 0;
	if (too_long)
		return -2;
	*line = spill;
	*outlen = n;
	return 1;
}

typedef struct vpw_job {
	vp_atomic txt;
	vp_atomic cdbf;
	struct cdb_make cm;
	size_t outlen;
	char out[VPW_IOBUF];      /* vpasswd text, written in large blocks */
	vpw_reader rd;
	char line[VP_VPW_READ_LINE + 2];
} vpw_job;

static int out_flush(vpw_job *j)
{
	if (j->outlen == 0)
		return 0;
	/* vp_atomic_write sends blocks larger than its own buffer straight to the fd. */
	int rc = vp_atomic_write(&j->txt, j->out, j->outlen);
	j->outlen = 0;
	return rc;
}

/* One line into the new files: text (unless rebuilding) and cdb record. */
static int emit(vpw_job *j, int write_text, const char *line, size_t len)
{
	const char *colon = memchr(line, ':', len);
	size_t klen = (size_t)(colon - line);
	if (write_text) {
		if (j->outlen + len + 1 > sizeof j->out && out_flush(j) != 0)
			return -1;
		memcpy(j->out + j->outlen, line, len);
		j->out[j->outlen + len] = '\n';
		j->outlen += len + 1;
	}
	if (cdb_make_add(&j->cm, line, (unsigned)klen, colon + 1, (unsigned)(len - klen - 1)) != 0)
		return -2;
	return 0;
}

static int line_ok(const char *line, size_t len)
{
	if (len == 0 || memchr(line, '\0', len))
		return 0;
	const char *colon = memchr(line, ':', len);
	return colon && colon != line;
}

/* strcmp order of a (alen bytes) and the NUL-terminated b of blen bytes. */
static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t m = alen < blen ? alen : blen;
	int c = memcmp(a, b, m);
	if (c == 0)
		c = (alen > blen) - (alen < blen);
	return c;
}

/* The change for name (sorted, unique names), or -1. */
static long find_change(const vp_vpw_change *ch, const size_t *chlen, size_t n, const char *name,
                        size_t len)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(name, len, ch[mid].name, chlen[mid]);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

static int fail_change(vp_error *err, const vp_vpw_change *c, size_t *failed, int code)
{
	if (failed)
		*failed = c->index;
	return vp_fail(err, code, "%s", c->name);
}

static int merge(const vp_config *cfg, const vp_domain_info *dom, const vp_vpw_change *ch,
                 size_t n, size_t *failed, int dirsync, vp_atomic *const *also, size_t nalso,
                 vp_closer *keep, vp_error *err);

static int update(const vp_config *cfg, const vp_domain_info *dom, enum vp_vpw_op op,
                  const char *name, const char *line, size_t linelen, int dirsync,
                  vp_atomic *const *also, size_t nalso, vp_closer *keep, vp_error *err)
{
	if (op == VP_VPW_REBUILD)
		return merge(cfg, dom, NULL, 0, NULL, dirsync, also, nalso, keep, err);
	if (!name || !name[0])
		return vp_fail(err, VA_ILLEGAL_USERNAME, NULL);
	vp_vpw_change c = { name, op, line, linelen, 0 };
	int rc = merge(cfg, dom, &c, 1, NULL, dirsync, also, nalso, keep, err);
	/* The single calls keep their historical messages (no name). */
	if (rc == VA_USERNAME_EXISTS || rc == VA_USER_DOES_NOT_EXIST)
		vp_fail(err, rc, NULL);
	return rc;
}

int vp_vpw_update(const vp_config *cfg, const vp_domain_info *dom, enum vp_vpw_op op,
                  const char *name, const char *line, size_t linelen, vp_error *err)
{
	return update(cfg, dom, op, name, line, linelen, 1, NULL, 0, NULL, err);
}

int vp_vpw_update_deferred(const vp_config *cfg, const vp_domain_info *dom, enum vp_vpw_op op,
                           const char *name, const char *line, size_t linelen,
                           vp_atomic *const *also, size_t nalso, vp_closer *keep,
                           vp_error *err)
{
	return update(cfg, dom, op, name, line, linelen, 0, also, nalso, keep, err);
}

int vp_vpw_merge(const vp_config *cfg, const vp_domain_info *dom, const vp_vpw_change *ch,
                 size_t n, size_t *failed, vp_error *err)
{
	return merge(cfg, dom, ch, n, failed, 1, NULL, 0, NULL, err);
}

static int merge(const vp_config *cfg, const vp_domain_info *dom, const vp_vpw_change *ch,
                 size_t n, size_t *failed, int dirsync, vp_atomic *const *also, size_t nalso,
                 vp_closer *keep, vp_error *err)
{
	char txtpath[4096], cdbpath[4096];
	int rc = 0, cdb_started = 0, txt_open = 0, cdb_open = 0, dfd = -1;
	int write_text = n > 0;
	size_t *chlen = NULL, next = 0;
	unsigned char *found = NULL;

	if (failed)
		*failed = (size_t)-1;
	if (dom_path(txtpath, sizeof txtpath, dom, "vpasswd") != 0 ||
	    dom_path(cdbpath, sizeof cdbpath, dom, "vpasswd.cdb") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	if (n > 0) {
		chlen = malloc(n * sizeof *chlen);
		found = calloc(n, 1);
		if (!chlen || !found) {
			free(chlen);
			free(found);
			return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
		}
	}
	for (size_t i = 0; i < n; i++) {
		const vp_vpw_change *c = &ch[i];
		size_t nl = c->name ? strlen(c->name) : 0;
		chlen[i] = nl;
		if (nl == 0 || (c->op != VP_VPW_ADD && c->op != VP_VPW_DEL && c->op != VP_VPW_REPLACE)) {
			rc = fail_change(err, c, failed, VA_ILLEGAL_USERNAME);
			goto early;
		}
		if (i > 0 && strcmp(ch[i - 1].name, c->name) >= 0) {
			if (failed)
				*failed = c->index;
			rc = vp_fail(err, VA_COULD_NOT_UPDATE_FILE, "changes not sorted or not unique");
			goto early;
		}
		if (c->op == VP_VPW_DEL)
			continue;
		/* The new line: "name:...\n", well formed. */
		const char *l = c->line;
		size_t ll = c->linelen;
		if (!l || ll < nl + 3 || l[ll - 1] != '\n' || memcmp(l, c->name, nl) != 0 ||
		    l[nl] != ':' || memchr(l, '\n', ll - 1) || !line_ok(l, ll - 1)) {
			if (failed)
				*failed = c->index;
			rc = vp_fail(err, VA_COULD_NOT_UPDATE_FILE, "malformed vpasswd line");
			goto early;
		}
	}

	/* Everything below happens in the domain dir's one descriptor. */
	dfd = vp_dir_open(cfg, dom->dir, err);
	if (dfd < 0) {
		rc = vp_dir_fail_as(err, dfd, VA_COULD_NOT_UPDATE_FILE);
		goto early;
	}
	vpw_job *j = malloc(sizeof *j);
	if (!j) {
		rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
		goto early;
	}
	j->outlen = 0;
	j->rd.pos = j->rd.len = 0;
	j->rd.eof = 0;
	j->rd.fd = openat(dfd, "vpasswd", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (j->rd.fd < 0) {
		if (errno != ENOENT) {
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot open", txtpath);
			goto out;
		}
		j->rd.eof = 1; /* no vpasswd yet: an empty one */
	} else {
		posix_fadvise(j->rd.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}

	if (write_text) {
		if ((rc = vp_atomic_open_at(&j->txt, dfd, txtpath, 0600, err)) != 0)
			goto out;
		txt_open = 1;
	}
	if ((rc = vp_atomic_open_at(&j->cdbf, dfd, cdbpath, 0600, err)) != 0)
		goto out;
	cdb_open = 1;
	vp_atomic_flush(&j->cdbf);
	if (cdb_make_start(&j->cm, j->cdbf.fd) != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot start", cdbpath);
		goto out;
	}
	cdb_started = 1;

	for (;;) {
		size_t len = 0;
		const char *cur = NULL;
		int r = j->rd.fd >= 0 ? read_line(&j->rd, j->line, VP_VPW_READ_LINE, &cur, &len) : 0;
		if (r == 0)
			break;
		if (r == -1) {
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot read", txtpath);
			goto out;
		}
		if (r == -2) {
			rc = vp_fail(err, VA_CORRUPT_FILE, "%s has a line longer than %d bytes", txtpath,
			             VP_VPW_READ_LINE);
			goto out;
		}
		if (!line_ok(cur, len))
			continue; /* blank or colon-less: vpopmail's builder would overrun on it */
		size_t klen = (size_t)((const char *)memchr(cur, ':', len) - cur);
		if (n > 0) {
			/* New names sorting before this one go first (the single
			 * ADD's "before the first greater name", for each in turn). */
			while (next < n && (ch[next].op != VP_VPW_ADD ||
			                    name_cmp(cur, klen, ch[next].name, chlen[next]) > 0)) {
				if (ch[next].op == VP_VPW_ADD) {
					r = emit(j, 1, ch[next].line, ch[next].linelen - 1);
					if (r != 0)
						goto emitted;
					found[next] = 1;
				}
				next++;
			}
			long k = find_change(ch, chlen, n, cur, klen);
			if (k >= 0) {
				const vp_vpw_change *c = &ch[k];
				if (c->op == VP_VPW_ADD) {
					rc = fail_change(err, c, failed, VA_USERNAME_EXISTS);
					goto out;
				}
				found[k] = 1;
				if (c->op == VP_VPW_DEL)
					continue;
				r = emit(j, 1, c->line, c->linelen - 1); /* REPLACE */
				goto emitted;
			}
		}
		r = emit(j, write_text, cur, len);
	emitted:
		if (r == -1) {
			errno = j->txt.saved_errno;
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot write", txtpath);
			goto out;
		}
		if (r == -2) {
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot write", cdbpath);
			goto out;
		}
	}
	for (; next < n; next++) {
		if (ch[next].op != VP_VPW_ADD)
			continue;
		int r = emit(j, 1, ch[next].line, ch[next].linelen - 1);
		if (r != 0) {
			if (r == -1)
				errno = j->txt.saved_errno;
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot write",
			                   r == -1 ? txtpath : cdbpath);
			goto out;
		}
		found[next] = 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!found[i]) {
			rc = fail_change(err, &ch[i], failed, VA_USER_DOES_NOT_EXIST);
			goto out;
		}
	}
	/* vpasswd's last byte goes out before the cdb's: a cdb older than its
	 * vpasswd is one a lookup must rebuild. */
	if (write_text && (out_flush(j) != 0 || vp_atomic_flush(&j->txt) != 0)) {
		errno = j->txt.saved_errno;
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot write", txtpath);
		goto out;
	}
	if (write_text)
		vp_writeback_start(j->txt.fd); /* under way while the cdb is built */
	cdb_started = 0;
	if (cdb_make_finish(&j->cm) != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot write", cdbpath);
		goto out;
	}
	if ((cfg->chown_files && fchown(j->cdbf.fd, dom->uid, dom->gid) != 0) ||
	    (write_text && cfg->chown_files && fchown(j->txt.fd, dom->uid, dom->gid) != 0)) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot chown", cdbpath);
		goto out;
	}
	/* Both files complete and durable before either is renamed: after the
	 * vpasswd rename only the cdb rename can still fail.  Their fsyncs, and
	 * those of the caller's staged files (also), run at once: one journal
	 * commit and one cache flush for all instead of one each. */
	int fds[2 + VP_VPW_ALSO_MAX];
	const char *names[2 + VP_VPW_ALSO_MAX];
	size_t nf = 0, bad = 0;
	fds[nf] = j->cdbf.fd;
	names[nf++] = cdbpath;
	if (write_text) {
		fds[nf] = j->txt.fd;
		names[nf++] = txtpath;
	}
	for (size_t i = 0; i < nalso && i < VP_VPW_ALSO_MAX; i++) {
		fds[nf] = also[i]->fd;
		names[nf++] = also[i]->path;
	}
	if (vp_fsync_all(fds, nf, &bad) != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot fsync", names[bad]);
		goto out;
	}
	for (size_t i = 0; i < nalso && i < VP_VPW_ALSO_MAX; i++)
		also[i]->synced = 1;
	/* The two renames cannot be one: a writer killed between them would
	 * leave a new vpasswd beside the old vpasswd.cdb, which lookups would
	 * believe.  So the old cdb goes first: a crash now leaves no cdb, which
	 * the next lookup rebuilds (under the lock) from whichever vpasswd is in
	 * place.  (keep: the old files are freed later, beside the caller's work.) */
	if (write_text)
		vp_closer_hold(keep, dfd, "vpasswd.cdb");
	if (write_text && unlinkat(dfd, "vpasswd.cdb", 0) != 0 && errno != ENOENT) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot replace", cdbpath);
		goto out;
	}
	if (write_text) {
		if (renameat(dfd, vp_path_base(j->txt.tmp), dfd, "vpasswd") != 0) {
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot rename to", txtpath);
			goto out;
		}
		txt_open = 0;
		close(j->txt.fd);
		j->txt.fd = -1;
		vp_atomic_abort(&j->txt); /* its directory descriptor; the temp is renamed */
	}
	if (renameat(dfd, vp_path_base(j->cdbf.tmp), dfd, "vpasswd.cdb") != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot rename to", cdbpath);
		/* vpasswd is already the new one: a missing cdb is rebuilt from it
		 * by the next lookup, a stale one would not be. */
		if (write_text && (unlinkat(dfd, "vpasswd.cdb", 0) == 0 || errno == ENOENT)) {
			vp_error_clear(err);
			rc = 0;
		}
	} else {
		cdb_open = 0;
		close(j->cdbf.fd);
		j->cdbf.fd = -1;
		vp_atomic_abort(&j->cdbf);
	}
	/* One directory fsync makes both renames durable (the caller's, when
	 * it renames more files there first). */
	if (dirsync)
		fsync(dfd);

out:
	if (cdb_started)
		cdb_make_finish(&j->cm); /* frees its index; the file is discarded */
	if (txt_open)
		vp_atomic_abort(&j->txt);
	if (cdb_open)
		vp_atomic_abort(&j->cdbf);
	if (j->rd.fd >= 0) {
		if (rc == 0)
			vp_closer_add(keep, j->rd.fd); /* the old vpasswd (closed now without keep) */
		else
			close(j->rd.fd);
	}
	explicit_bzero(j->line, sizeof j->line);
	explicit_bzero(j->out, sizeof j->out);
	free(j);
early:
	if (dfd >= 0)
		close(dfd);
	free(chlen);
	free(found);
	return rc;
}

/* ---- lookups ---- */

#define LOOKUP_MISSING 2
#define LOOKUP_REBUILD 3 /* unreadable, or older than vpasswd: never trusted */

static int newer(const struct stat *a, const struct stat *b)
{
	return a->st_mtim.tv_sec > b->st_mtim.tv_sec ||
	       (a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec > b->st_mtim.tv_nsec);
}

/* 1 / 0 / <0, LOOKUP_MISSING when vpasswd.cdb does not exist, LOOKUP_REBUILD
 * when it does not parse or vpasswd changed after it was written (a hand
 * edit; our writers finish vpasswd first).  trusted: a cdb just rebuilt,
 * whose faults are reported rather than rebuilt again.
 * One lookup reads the few bytes it needs with cdb_seek (a handful of
 * small reads) rather than mmap'ing the whole file: at 50k users the
 * munmap of a 7 MB mapping cost more than everything else in an auth
 * besides the hash (TLB shootdowns on every CPU). */
static int cdb_lookup(const char *cdbpath, const char *txtpath, const char *name,
                      vp_user_entry *out, int trusted, vp_error *err)
{
	int fd = open(cdbpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return LOOKUP_MISSING;
		return vp_fail_errno(err, VA_NO_AUTH_CONNECTION, "cannot open", cdbpath);
	}
	struct stat cs, ts;
	/* cdb_seek does not check the file holds its 2048-byte header. */
	if (fstat(fd, &cs) != 0 || cs.st_size < 2048) {
		close(fd);
		return trusted ? vp_fail(err, VA_CORRUPT_FILE, "%s", cdbpath) : LOOKUP_REBUILD;
	}
	if (!trusted && stat(txtpath, &ts) == 0 && newer(&ts, &cs)) {
		close(fd);
		return LOOKUP_REBUILD;
	}
	unsigned vlen = 0;
	char v[VP_VPW_MAX_VALUE + 1];
	int rc = cdb_seek(fd, name, (unsigned)strlen(name), &vlen);
	if (rc < 0) {
		rc = trusted ? vp_fail(err, VA_CORRUPT_FILE, "%s", cdbpath) : LOOKUP_REBUILD;
	} else if (rc > 0) {
		if (vlen > VP_VPW_MAX_VALUE || cdb_bread(fd, v, (int)vlen) != 0 ||
		    memchr(v, '\n', vlen) || memchr(v, '\0', vlen))
			rc = trusted ? vp_fail(err, VA_CORRUPT_FILE, "%s: bad record", cdbpath) : LOOKUP_REBUILD;
		else if (out && vp_vpw_parse_value(name, v, vlen, out) != 0)
			rc = vp_fail(err, VA_CORRUPT_FILE, "%s: oversized field", cdbpath);
		else
			rc = 1;
		explicit_bzero(v, vlen < sizeof v ? vlen : sizeof v);
	}
	close(fd);
	return rc;
}

static int lookup(const vp_config *cfg, const vp_domain_info *dom, const char *name,
                  vp_user_entry *out, int locked, vp_error *err)
{
	char cdbpath[4096], txtpath[4096];
	if (dom_path(cdbpath, sizeof cdbpath, dom, "vpasswd.cdb") != 0 ||
	    dom_path(txtpath, sizeof txtpath, dom, "vpasswd") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	int rc = cdb_lookup(cdbpath, txtpath, name, out, 0, err);
	if (rc != LOOKUP_MISSING && rc != LOOKUP_REBUILD)
		return rc;
	struct stat st;
	if (lstat(txtpath, &st) != 0)
		return rc == LOOKUP_MISSING ? 0 : vp_fail(err, VA_CORRUPT_FILE, "%s", cdbpath);
	/* A vpasswd.cdb that is missing, unreadable or stale is rebuilt from
	 * vpasswd under the lock (vpopmail rebuilds a missing one the same way). */
	int why = rc;
	vp_lock lock = { -1 };
	if (!locked && (rc = vp_vpw_lock(cfg, dom, &lock, err)) != 0)
		goto failed;
	rc = cdb_lookup(cdbpath, txtpath, name, out, 0, err); /* someone may have beaten us to it */
	if (rc == LOOKUP_MISSING || rc == LOOKUP_REBUILD) {
		rc = vp_vpw_update(cfg, dom, VP_VPW_REBUILD, NULL, NULL, 0, err);
		if (rc == 0) {
			/* A vpasswd dated in the future must not make every lookup rebuild. */
			struct stat cs;
			if (stat(txtpath, &st) == 0 && stat(cdbpath, &cs) == 0 && newer(&st, &cs)) {
				struct timespec t[2] = { { 0, UTIME_OMIT }, st.st_mtim };
				int dfd = vp_dir_open(cfg, dom->dir, NULL);
				if (dfd >= 0) {
					utimensat(dfd, "vpasswd.cdb", t, AT_SYMLINK_NOFOLLOW);
					close(dfd);
				}
			}
			rc = cdb_lookup(cdbpath, txtpath, name, out, 1, err);
		}
		if (rc == LOOKUP_MISSING)
			rc = vp_fail(err, VA_COULD_NOT_UPDATE_FILE, "%s vanished", cdbpath);
	}
	if (!locked)
		vp_lock_release(&lock);
failed:
	if (rc < 0 && why == LOOKUP_REBUILD && err && err->code != VA_CORRUPT_FILE) {
		/* Never fall back on the suspect cdb: say what is wrong and why it stays so. */
		char cause[sizeof err->msg];
		snprintf(cause, sizeof cause, "%s", err->msg);
		rc = vp_fail(err, VA_CORRUPT_FILE, "%s, stale or unreadable (cannot rebuild it: %s)", cdbpath,
		             cause);
	}
	return rc;
}

/* The mysql backend: one select (outside a transaction, autocommit). */
static int store_get(vp_store *s, const vp_domain_info *dom, const char *name,
                     vp_user_entry *out, vp_error *err)
{
	vp_user_entry tmp;
	int rc = vp_store_user_get(s, dom, name, 0, out ? out : &tmp, err);
	if (!out)
		explicit_bzero(&tmp, sizeof tmp);
	return rc;
}

int vp_vpw_get(const vp_config *cfg, const vp_domain_info *dom, const char *name,
               vp_user_entry *out, vp_error *err)
{
	vp_store *s = vp_cfg_store(cfg);
	return s ? store_get(s, dom, name, out, err) : lookup(cfg, dom, name, out, 0, err);
}

int vp_vpw_get_locked(const vp_config *cfg, const vp_domain_info *dom, const char *name,
                      vp_user_entry *out, vp_error *err)
{
	vp_store *s = vp_cfg_store(cfg);
	return s ? store_get(s, dom, name, out, err) : lookup(cfg, dom, name, out, 1, err);
}

/* The fields edit changed: what the UPDATE writes. */
static unsigned changed_fields(const vp_user_entry *a, const vp_user_entry *b)
{
	unsigned f = 0;
	if (strcmp(a->passwd, b->passwd) != 0)
		f |= VP_STORE_F_PASSWD;
	if (a->uid_flag != b->uid_flag)
		f |= VP_STORE_F_UID;
	if (a->flags != b->flags)
		f |= VP_STORE_F_FLAGS;
	if (strcmp(a->gecos, b->gecos) != 0)
		f |= VP_STORE_F_GECOS;
	if (strcmp(a->dir, b->dir) != 0)
		f |= VP_STORE_F_DIR;
	if (strcmp(a->quota, b->quota) != 0)
		f |= VP_STORE_F_QUOTA;
	if (a->has_clear != b->has_clear || strcmp(a->clear, b->clear) != 0)
		f |= VP_STORE_F_CLEAR;
	return f;
}

/* The mysql backend: the row read FOR UPDATE, edited, the changed columns
 * written back, in one transaction (a concurrent edit of another field of
 * the same row waits and is not lost).  The entry passes vp_vpw_format, so
 * both backends refuse the same values. */
static int store_edit(vp_store *s, const vp_domain_info *dom, const char *name,
                      vp_vpw_edit_fn edit, void *ctx, vp_user_entry *e, vp_error *err)
{
	char line[1024];
	vp_user_entry old;
	memset(&old, 0, sizeof old);
	int rc = vp_store_begin(s, dom, 0, err);
	if (rc != 0)
		return rc;
	rc = vp_store_user_get(s, dom, name, VP_STORE_GET_LOCK, e, err);
	if (rc == 0)
		rc = vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", name, dom->realdomain);
	else if (rc > 0) {
		old = *e;
		rc = edit(ctx, e, err);
	}
	if (rc == 0) {
		int len = vp_vpw_format(e, line, sizeof line, err);
		rc = len < 0 ? len : 0;
	}
	unsigned fields = rc == 0 ? changed_fields(&old, e) : 0;
	if (fields)
		rc = vp_store_user_update(s, dom, e, fields, err);
	if (rc == 0) {
		rc = vp_store_commit(s, err);
		/* no answer to the commit: the row as we wrote it means it did */
		vp_user_entry chk;
		vp_error e2;
		if (rc != 0 && fields && vp_store_commit_unknown(s) &&
		    vp_store_recheck_user(s, dom, name, &chk, &e2) == 1 &&
		    strcmp(chk.passwd, e->passwd) == 0 && strcmp(chk.quota, e->quota) == 0 &&
		    chk.flags == e->flags && strcmp(chk.gecos, e->gecos) == 0) {
			rc = 0;
			vp_error_clear(err);
		}
		explicit_bzero(&chk, sizeof chk);
	} else {
		vp_error ignored;
		vp_store_rollback(s, &ignored);
	}
	explicit_bzero(line, sizeof line);
	explicit_bzero(&old, sizeof old);
	return rc;
}

int vp_vpw_edit_locked(const vp_config *cfg, const vp_domain_info *dom, const char *name,
                       vp_vpw_edit_fn edit, void *ctx, vp_user_entry *e, vp_error *err)
{
	vp_store *s = vp_cfg_store(cfg);
	if (s)
		return store_edit(s, dom, name, edit, ctx, e, err);
	char line[1024];
	int rc = lookup(cfg, dom, name, e, 1, err);
	if (rc == 0)
		return vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", name, dom->realdomain);
	if (rc < 0 || (rc = edit(ctx, e, err)) != 0)
		return rc;
	int len = vp_vpw_format(e, line, sizeof line, err);
	rc = len < 0 ? len : vp_vpw_update(cfg, dom, VP_VPW_REPLACE, name, line, (size_t)len, err);
	explicit_bzero(line, sizeof line);
	return rc;
}

/* ---- one cdb, many lookups (batches) ---- */

int vp_vpw_open_locked(const vp_config *cfg, const vp_domain_info *dom, vp_vpw_reader *r,
                       vp_error *err)
{
	r->fd = -1;
	r->empty = 0;
	r->cdb = NULL;
	if (dom_path(r->path, sizeof r->path, dom, "vpasswd.cdb") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	/* A lookup first: it rebuilds a missing cdb (or finds no users at all). */
	int rc = lookup(cfg, dom, "\x01", NULL, 1, err);
	if (rc < 0)
		return rc;
	r->fd = open(r->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (r->fd < 0) {
		if (errno == ENOENT) {
			r->empty = 1;
			return 0;
		}
		return vp_fail_errno(err, VA_NO_AUTH_CONNECTION, "cannot open", r->path);
	}
	struct cdb *c = malloc(sizeof *c);
	if (!c) {
		close(r->fd);
		r->fd = -1;
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	}
	if (cdb_init(c, r->fd) != 0) {
		free(c);
		close(r->fd);
		r->fd = -1;
		return vp_fail(err, VA_CORRUPT_FILE, "%s", r->path);
	}
	r->cdb = c;
	return 0;
}

int vp_vpw_find(vp_vpw_reader *r, const char *name, vp_user_entry *out, vp_error *err)
{
	if (r->empty)
		return 0;
	struct cdb *c = r->cdb;
	int rc = cdb_find(c, name, (unsigned)strlen(name));
	if (rc < 0)
		return vp_fail(err, VA_CORRUPT_FILE, "%s", r->path);
	if (rc == 0)
		return 0;
	unsigned vlen = cdb_datalen(c);
	const char *v = vlen <= VP_VPW_MAX_VALUE ? cdb_get(c, vlen, cdb_datapos(c)) : NULL;
	if (!v || memchr(v, '\n', vlen) || memchr(v, '\0', vlen))
		return vp_fail(err, VA_CORRUPT_FILE, "%s: bad record", r->path);
	if (out && vp_vpw_parse_value(name, v, vlen, out) != 0)
		return vp_fail(err, VA_CORRUPT_FILE, "%s: oversized field", r->path);
	return 1;
}

void vp_vpw_close(vp_vpw_reader *r)
{
	if (r->cdb) {
		cdb_free(r->cdb);
		free(r->cdb);
		r->cdb = NULL;
	}
	if (r->fd >= 0) {
		close(r->fd);
		r->fd = -1;
	}
}
