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
	char path[4096];
	if (dom_path(path, sizeof path, dom, ".vpasswd.lock") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	int rc = vp_lock_acquire(cfg, path, lock, err);
	if (rc != 0)
		return rc;
	/* vpopmail chowns the lock file with the files it guards. */
	if (cfg->chown_files && lock->fd >= 0 && fchown(lock->fd, dom->uid, dom->gid) != 0) {
		/* not fatal: the lock is held either way */
	}
	return 0;
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

typedef struct vpw_reader {
	int fd;
	size_t pos, len;
	int eof;
	char buf[8192];
} vpw_reader;

/* 1 line (without '\n') in line/len, 0 end of file, -1 read error,
 * -2 line longer than cap (its remainder is consumed). */
static int read_line(vpw_reader *r, char *line, size_t cap, size_t *outlen)
{
	size_t n = 0;
	int too_long = 0, any = 0;
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
		if (!too_long) {
			if (n + take > cap)
				too_long = 1;
			else
				memcpy(line + n, start, take);
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
	*outlen = n;
	return 1;
}

typedef struct vpw_job {
	vp_atomic txt;
	vp_atomic cdbf;
	struct cdb_make cm;
	vpw_reader rd;
	char line[VP_VPW_READ_LINE + 2];
} vpw_job;

/* One line into the new files: text (unless rebuilding) and cdb record. */
static int emit(vpw_job *j, int write_text, const char *line, size_t len)
{
	const char *colon = memchr(line, ':', len);
	size_t klen = (size_t)(colon - line);
	if (write_text &&
	    (vp_atomic_write(&j->txt, line, len) != 0 || vp_atomic_write(&j->txt, "\n", 1) != 0))
		return -1;
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

int vp_vpw_update(const vp_config *cfg, const vp_domain_info *dom, enum vp_vpw_op op,
                  const char *name, const char *line, size_t linelen, vp_error *err)
{
	char txtpath[4096], cdbpath[4096];
	int rc = 0, found = 0, inserted = 0, cdb_started = 0, txt_open = 0, cdb_open = 0;
	int write_text = op != VP_VPW_REBUILD;
	size_t namelen = name ? strlen(name) : 0;
	const char *newline = NULL;
	size_t newlen = 0;

	if (dom_path(txtpath, sizeof txtpath, dom, "vpasswd") != 0 ||
	    dom_path(cdbpath, sizeof cdbpath, dom, "vpasswd.cdb") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	if (op == VP_VPW_ADD || op == VP_VPW_REPLACE) {
		/* The new line: "name:...\n", well formed. */
		if (!line || linelen < namelen + 3 || line[linelen - 1] != '\n' ||
		    memcmp(line, name, namelen) != 0 || line[namelen] != ':' ||
		    memchr(line, '\n', linelen - 1) || !line_ok(line, linelen - 1))
			return vp_fail(err, VA_COULD_NOT_UPDATE_FILE, "malformed vpasswd line");
		newline = line;
		newlen = linelen - 1;
	}
	if (op != VP_VPW_REBUILD && namelen == 0)
		return vp_fail(err, VA_ILLEGAL_USERNAME, NULL);

	vpw_job *j = malloc(sizeof *j);
	if (!j)
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	j->rd.pos = j->rd.len = 0;
	j->rd.eof = 0;
	j->rd.fd = open(txtpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (j->rd.fd < 0) {
		if (errno != ENOENT) {
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot open", txtpath);
			goto out;
		}
		j->rd.eof = 1; /* no vpasswd yet: an empty one */
	}

	if (write_text) {
		if ((rc = vp_atomic_open(&j->txt, txtpath, 0600, err)) != 0)
			goto out;
		txt_open = 1;
	}
	if ((rc = vp_atomic_open(&j->cdbf, cdbpath, 0600, err)) != 0)
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
		int r = j->rd.fd >= 0 ? read_line(&j->rd, j->line, VP_VPW_READ_LINE, &len) : 0;
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
		if (!line_ok(j->line, len))
			continue; /* blank or colon-less: vpopmail's builder would overrun on it */
		size_t klen = (size_t)((const char *)memchr(j->line, ':', len) - j->line);
		int same = name && klen == namelen && memcmp(j->line, name, namelen) == 0;
		int cmp = 0;
		if (op == VP_VPW_ADD && !inserted) {
			/* strcmp order of the names: compare the name bytes, then length. */
			size_t m = klen < namelen ? klen : namelen;
			cmp = memcmp(j->line, name, m);
			if (cmp == 0)
				cmp = (klen > namelen) - (klen < namelen);
		}
		if (same) {
			found = 1;
			if (op == VP_VPW_ADD) {
				rc = vp_fail(err, VA_USERNAME_EXISTS, NULL);
				goto out;
			}
			if (op == VP_VPW_DEL)
				continue;
			if (op == VP_VPW_REPLACE) {
				r = emit(j, write_text, newline, newlen);
				goto emitted;
			}
		}
		if (op == VP_VPW_ADD && !inserted && cmp > 0) {
			inserted = 1;
			if ((r = emit(j, write_text, newline, newlen)) != 0)
				goto emitted;
		}
		r = emit(j, write_text, j->line, len);
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
	if (op == VP_VPW_ADD && !inserted) {
		int r = emit(j, write_text, newline, newlen);
		if (r != 0) {
			if (r == -1)
				errno = j->txt.saved_errno;
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot write",
			                   r == -1 ? txtpath : cdbpath);
			goto out;
		}
	}
	if ((op == VP_VPW_DEL || op == VP_VPW_REPLACE) && !found) {
		rc = vp_fail(err, VA_USER_DOES_NOT_EXIST, NULL);
		goto out;
	}
	/* vpasswd's last byte goes out before the cdb's: a cdb older than its
	 * vpasswd is one a lookup must rebuild. */
	if (write_text && vp_atomic_flush(&j->txt) != 0) {
		errno = j->txt.saved_errno;
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot write", txtpath);
		goto out;
	}
	cdb_started = 0;
	if (cdb_make_finish(&j->cm) != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot write", cdbpath);
		goto out;
	}
	/* Make the cdb durable now, so that after vpasswd is renamed only a
	 * rename can still fail. */
	if ((cfg->chown_files && fchown(j->cdbf.fd, dom->uid, dom->gid) != 0) ||
	    fsync(j->cdbf.fd) != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot finish", cdbpath);
		goto out;
	}
	if (write_text) {
		/* The two renames cannot be one: a writer killed between them would
		 * leave a new vpasswd beside the old vpasswd.cdb, which lookups
		 * believe until the next write.  So the old cdb goes first: a crash
		 * now leaves no cdb, which the next lookup rebuilds (under the lock)
		 * from whichever vpasswd is in place.  vpasswd's data is made durable
		 * before, to keep that window to the renames. */
		if (vp_atomic_flush(&j->txt) != 0 || fsync(j->txt.fd) != 0) {
			if (j->txt.failed)
				errno = j->txt.saved_errno;
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot write", txtpath);
			goto out;
		}
		if (unlink(cdbpath) != 0 && errno != ENOENT) {
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot replace", cdbpath);
			goto out;
		}
		txt_open = 0;
		if ((rc = vp_atomic_commit(&j->txt, dom->uid, dom->gid, cfg->chown_files, err)) != 0)
			goto out;
	}
	cdb_open = 0;
	rc = vp_atomic_commit(&j->cdbf, dom->uid, dom->gid, cfg->chown_files, err);
	if (rc != 0 && write_text) {
		/* vpasswd is already the new one: a missing cdb is rebuilt from it
		 * by the next lookup, a stale one would not be. */
		if (unlink(cdbpath) == 0 || errno == ENOENT) {
			vp_error_clear(err);
			rc = 0;
		}
	}

out:
	if (cdb_started)
		cdb_make_finish(&j->cm); /* frees its index; the file is discarded */
	if (txt_open)
		vp_atomic_abort(&j->txt);
	if (cdb_open)
		vp_atomic_abort(&j->cdbf);
	if (j->rd.fd >= 0)
		close(j->rd.fd);
	explicit_bzero(j->line, sizeof j->line);
	free(j);
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
 * whose faults are reported rather than rebuilt again. */
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
	if (!trusted && fstat(fd, &cs) == 0 && stat(txtpath, &ts) == 0 && newer(&ts, &cs)) {
		close(fd);
		return LOOKUP_REBUILD;
	}
	struct cdb c;
	if (cdb_init(&c, fd) != 0) {
		close(fd);
		return trusted ? vp_fail(err, VA_CORRUPT_FILE, "%s", cdbpath) : LOOKUP_REBUILD;
	}
	int rc = cdb_find(&c, name, (unsigned)strlen(name));
	if (rc < 0) {
		rc = trusted ? vp_fail(err, VA_CORRUPT_FILE, "%s", cdbpath) : LOOKUP_REBUILD;
	} else if (rc > 0) {
		unsigned vlen = cdb_datalen(&c);
		const char *v = vlen <= VP_VPW_MAX_VALUE ? cdb_get(&c, vlen, cdb_datapos(&c)) : NULL;
		if (!v || memchr(v, '\n', vlen) || memchr(v, '\0', vlen))
			rc = trusted ? vp_fail(err, VA_CORRUPT_FILE, "%s: bad record", cdbpath) : LOOKUP_REBUILD;
		else if (out && vp_vpw_parse_value(name, v, vlen, out) != 0)
			rc = vp_fail(err, VA_CORRUPT_FILE, "%s: oversized field", cdbpath);
		else
			rc = 1;
	}
	cdb_free(&c);
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
				utimensat(AT_FDCWD, cdbpath, t, 0);
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

int vp_vpw_get(const vp_config *cfg, const vp_domain_info *dom, const char *name,
               vp_user_entry *out, vp_error *err)
{
	return lookup(cfg, dom, name, out, 0, err);
}

int vp_vpw_get_locked(const vp_config *cfg, const vp_domain_info *dom, const char *name,
                      vp_user_entry *out, vp_error *err)
{
	return lookup(cfg, dom, name, out, 1, err);
}
