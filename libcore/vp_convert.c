/*
 * vp_convert.c: move a site between the cdb files and the SQL tables, as
 * vpopmail's `vconvert -c -m` (cdb -> mysql) and `-m -c` do, natively.
 *
 * Both sides are reached at once: the cdb side is the file code (a copy of
 * the configuration with the cdb backend), the SQL side the store handle the
 * caller opened (vp_store.h), whichever backend the site runs.  The qmail
 * side (users/assign, users/cdb, ...), the domain directories and Maildirs
 * are shared by both and not touched.
 *
 * Per real domain (alias domains go with theirs) everything a user has:
 * the record (hash, uid field, flags, gecos, home, quota, clear password),
 * the last login, the domain's dir_control counter, its alias domains
 * (aliasdomains rows; users/assign already names them) and, with
 * cfg->valias, its aliases (.qmail-<alias> files <-> valias rows).  The
 * uid field is translated as each module writes it for a POP user (cdb 1,
 * mysql 0; APOP one more).  The target ends up holding what the source
 * holds: records it has and the source lacks are removed, so reading both
 * sides gives the same answers.
 *
 * All or nothing per domain, and safe to run again:
 *  - to SQL: one transaction per domain (rows upserted, valias rows of the
 *    domain replaced); an interrupted run leaves the domain as it was;
 *  - to cdb: under the domain's .vpasswd.lock, lastauth files, .dir-control
 *    and alias files first, then vpasswd + vpasswd.cdb in one merge (temp,
 *    fsync, rename): the rename is the commit point, and a run interrupted
 *    before it is completed by the next (every step rewrites, none appends).
 * The domains counter (domains/.dir-control <-> dom_<uid>) is copied when
 * the whole site is converted.
 *
 * Memory: the names of one domain (and, to cdb, its lines) are held at once.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_convert.h"
#include "vp_vpasswd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct strv {
	char **v;
	size_t n, cap;
	int failed;
} strv;

static int strv_push(strv *s, const char *a, size_t len)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **v = realloc(s->v, cap * sizeof *v);
		if (!v) {
			s->failed = 1;
			return -1;
		}
		s->v = v;
		s->cap = cap;
	}
	char *c = malloc(len + 1);
	if (!c) {
		s->failed = 1;
		return -1;
	}
	memcpy(c, a, len);
	c[len] = '\0';
	s->v[s->n++] = c;
	return 0;
}

static void strv_free(strv *s)
{
	for (size_t i = 0; i < s->n; i++) {
		explicit_bzero(s->v[i], strlen(s->v[i]));
		free(s->v[i]);
	}
	free(s->v);
	memset(s, 0, sizeof *s);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int in_sorted(const strv *s, const char *name)
{
	return s->n && bsearch(&name, s->v, s->n, sizeof *s->v, str_cmp) != NULL;
}

/* ---- the two sides ---- */

typedef struct conv {
	vp_config cdb;            /* the file code */
	vp_config sql;            /* the store */
	vp_store *s;
	int aliases;              /* cfg->valias: aliases move too */
} conv;

/* uid field: cdb writes 1 for POP (2 APOP), the store its own. */
static int uid_to_sql(const conv *c, int uid)
{
	if (uid == 1 || uid == 2)
		return vp_store_new_uid_flag(c->s, uid == 2);
	return uid;
}

static int uid_to_cdb(const conv *c, int uid)
{
	int pop = vp_store_new_uid_flag(c->s, 0), apop = vp_store_new_uid_flag(c->s, 1);
	if (uid == pop)
		return 1;
	if (uid == apop)
		return 2;
	return uid;
}

/* <home>/lastauth of the cdb side: 1 with ip/time, 0 none, <0 trouble. */
static int cdb_lastauth_get(const conv *c, const vp_domain_info *dom, const char *home,
                            char *ip, size_t size, long long *when)
{
	vp_error ignored;
	int hfd = vp_home_open(&c->cdb, dom, home, &ignored);
	if (hfd < 0)
		return 0; /* no usable home: no record, as the read side says */
	int fd = openat(hfd, "lastauth", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(hfd);
	if (fd < 0)
		return 0;
	struct stat st;
	ssize_t n = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = read(fd, ip, size - 1);
	close(fd);
	if (n < 0)
		return 0;
	ip[n] = '\0';
	ip[strcspn(ip, "\r\n")] = '\0';
	*when = (long long)st.st_mtime;
	return 1;
}

/* <home>/lastauth = ip with mtime when.  As vp_auth writes it: a hint, not
 * fsynced (a sync per user made mysql -> cdb 10x slower); a file that
 * already says ip only gets its mtime; else a temp file renamed over it.
 * The vpasswd rename after it is the domain's commit point. */
static int cdb_lastauth_set(const conv *c, const vp_domain_info *dom, const char *home,
                            const char *ip, long long when, vp_error *err)
{
	int hfd = vp_home_open(&c->cdb, dom, home, err);
	if (hfd < 0)
		return hfd == VA_BAD_DIR && errno == ENOENT ? 0 : hfd; /* no home: nothing to keep */
	struct timespec ts[2] = { { (time_t)when, 0 }, { (time_t)when, 0 } };
	size_t len = strlen(ip);
	char old[64], tmp[64];
	int fd = openat(hfd, "lastauth", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		struct stat st;
		int same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
		           (st.st_mode & 07777) == 0600 &&
		           (!c->cdb.chown_files || (st.st_uid == dom->uid && st.st_gid == dom->gid)) &&
		           st.st_size == (off_t)len && len < sizeof old &&
		           pread(fd, old, sizeof old, 0) == (ssize_t)len && memcmp(old, ip, len) == 0;
		if (same && futimens(fd, ts) == 0) {
			close(fd);
			close(hfd);
			return 0;
		}
		close(fd);
	}
	snprintf(tmp, sizeof tmp, "lastauth.%ld.convert.tmp", (long)getpid());
	unlinkat(hfd, tmp, 0); /* ours, from a run of this pid that died */
	fd = openat(hfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc = 0;
	if (fd < 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "create", tmp);
	} else {
		int ok = write(fd, ip, len) == (ssize_t)len && fchmod(fd, 0600) == 0 &&
		         (!c->cdb.chown_files || fchown(fd, dom->uid, dom->gid) == 0) &&
		         futimens(fd, ts) == 0;
		if (close(fd) != 0)
			ok = 0;
		if (!ok || renameat(hfd, tmp, hfd, "lastauth") != 0) {
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "write", "lastauth");
			unlinkat(hfd, tmp, 0);
		}
	}
	close(hfd);
	return rc;
}

static void cdb_lastauth_del(const conv *c, const vp_domain_info *dom, const char *home)
{
	vp_error ignored;
	int hfd = vp_home_open(&c->cdb, dom, home, &ignored);
	if (hfd >= 0) {
		unlinkat(hfd, "lastauth", 0);
		close(hfd);
	}
}

static int dirc_path(const vp_domain_info *dom, char *path, size_t size, vp_error *err)
{
	if (vp_path_join(path, size, dom->dir, ".dir-control") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	return 0;
}

/* A .dir-control file: 1 and dc, 0 none. */
static int cdb_dirc_read(const char *path, vp_dir_control *dc, vp_error *err)
{
	char *data = NULL;
	size_t len = 0;
	int rc = vp_read_file(path, &data, &len, 4096, err);
	if (rc == -1)
		return 0;
	if (rc < 0)
		return rc;
	rc = vp_dirc_parse(data, len, dc) == 0 ? 1 : vp_fail(err, VA_CORRUPT_FILE, "%s", path);
	free(data);
	return rc;
}

static int cdb_dirc_write(const conv *c, const char *path, const vp_dir_control *dc, uid_t uid,
                          gid_t gid, vp_error *err)
{
	char buf[512];
	vp_dir_control out = *dc;
	vp_error ignored;
	char *data = NULL;
	size_t len = 0;
	int form = -1; /* the mods line of the file there: 1 "0 2 2", 0 "0 2 4" */
	if (vp_read_file(path, &data, &len, 4096, &ignored) == 0) {
		const char *p = data;
		for (int line = 0; line < 5 && p; line++)
			if ((p = memchr(p, '\n', len - (size_t)(p - data))) != NULL)
				p++;
		if (p && (size_t)(data + len - p) >= 5)
			form = strncmp(p, "0 2 2\n", 6) == 0 ? 1 : strncmp(p, "0 2 4\n", 6) == 0 ? 0 : -1;
		free(data);
	}
	/* The row keeps "0 2 4"; vpopmail's cdb module writes the third mod as
	 * the second once it has rewritten the file: keep the form the file
	 * has, else the one a counter past its first entry has. */
	out.mod_line_bug = form >= 0 ? form : dc->cur_users > 1;
	size_t n = vp_dirc_format(&out, buf, sizeof buf);
	return vp_write_file_atomic(&c->cdb, path, buf, n, 0600, uid, gid, c->cdb.chown_files, err);
}

static int set_dirc(void *ctx, vp_dir_control *dc, int existed, vp_error *err)
{
	(void)existed;
	(void)err;
	*dc = *(const vp_dir_control *)ctx;
	return 0;
}

/* ---- cdb -> SQL ---- */

typedef struct to_sql {
	conv *c;
	const vp_domain_info *dom;
	strv names;
	vp_convert_counts *n;
	int rc;
	vp_error *err;
} to_sql;

static int user_to_sql(void *ctx, const vp_user_entry *src)
{
	to_sql *t = ctx;
	vp_user_entry e = *src, old;
	vp_error *err = t->err;
	char ip[64];
	long long when = 0;
	int rc;

	e.uid_flag = uid_to_sql(t->c, src->uid_flag);
	if (strv_push(&t->names, e.name, strlen(e.name)) != 0) {
		rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
		goto out;
	}
	rc = vp_store_user_get(t->c->s, t->dom, e.name, VP_STORE_GET_LOCK, &old, err);
	explicit_bzero(&old, sizeof old);
	if (rc == 1)
		rc = vp_store_user_update(t->c->s, t->dom, &e, VP_STORE_F_ALL, err);
	else if (rc == 0)
		rc = vp_store_user_add(t->c->s, t->dom, &e, err);
	if (rc != 0)
		goto out;
	t->n->users++;
	if (cdb_lastauth_get(t->c, t->dom, e.dir, ip, sizeof ip, &when) == 1) {
		rc = vp_store_lastauth_set(t->c->s, t->dom, &e, ip[0] ? ip : NULL, when, err);
		t->n->lastauth++;
	} else {
		rc = vp_store_lastauth_del(t->c->s, t->dom, e.name, err);
	}
out:
	explicit_bzero(&e, sizeof e);
	if (rc != 0) {
		t->rc = rc;
		return 1;
	}
	return 0;
}

static int collect_name(void *ctx, const vp_user_entry *e)
{
	strv *s = ctx;
	return strv_push(s, e->name, strlen(e->name)) != 0;
}

typedef struct alias_rows {
	strv alias, line;
	char cur[256];
} alias_rows;

static int rows_name(void *ctx, const char *name)
{
	alias_rows *r = ctx;
	snprintf(r->cur, sizeof r->cur, "%s", name);
	return 0;
}

static int rows_line(void *ctx, const char *line, size_t len)
{
	alias_rows *r = ctx;
	if (len == 0)
		return 0;
	if (strv_push(&r->alias, r->cur, strlen(r->cur)) != 0 || strv_push(&r->line, line, len) != 0)
		return 1;
	return 0;
}

static int rows_sql(void *ctx, const char *alias, const char *line, size_t len)
{
	alias_rows *r = ctx;
	if (strv_push(&r->alias, alias, strlen(alias)) != 0 || strv_push(&r->line, line, len) != 0)
		return 1;
	return 0;
}

static void rows_free(alias_rows *r)
{
	strv_free(&r->alias);
	strv_free(&r->line);
}

static int domain_to_sql(conv *c, const vp_domain_info *dom, vp_convert_counts *n, vp_error *err)
{
	to_sql t = { c, dom, { 0 }, n, 0, err };
	strv extra = { 0 }, aliases = { 0 };
	alias_rows rows;
	char path[4096];
	vp_dir_control dc;
	vp_error e2;
	int rc, have_dc;

	memset(&rows, 0, sizeof rows);
	if ((rc = vp_store_domain_create(c->s, dom, err)) != 0)
		return rc;
	if (c->aliases && (rc = vp_store_valias_ensure(c->s, err)) != 0)
		return rc;
	/* what comes from files is read before the transaction */
	if ((rc = dirc_path(dom, path, sizeof path, err)) != 0 ||
	    (have_dc = cdb_dirc_read(path, &dc, err)) < 0)
		return rc ? rc : have_dc;
	char **names = NULL;
	size_t count = 0;
	if ((rc = vp_assign_names_for(&c->cdb, dom->realdomain, &names, &count, err)) != 0)
		return rc;
	for (size_t i = 0; i < count; i++)
		if (strcmp(names[i], dom->realdomain) != 0 && strv_push(&aliases, names[i], strlen(names[i])))
			rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	vp_free_names(names, count);
	if (rc == 0 && c->aliases) {
		rc = vp_alias_get_all(&c->cdb, dom->realdomain, rows_name, rows_line, &rows, err);
		if (rc == 0 && (rows.alias.failed || rows.line.failed))
			rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	}
	if (rc != 0)
		goto out;

	if ((rc = vp_store_begin(c->s, dom, VP_STORE_NEED_DIRC | VP_STORE_NEED_LASTAUTH |
	                         VP_STORE_NEED_ALIASES, err)) != 0)
		goto out;
	rc = vp_list_users(&c->cdb, dom->realdomain, 0, 0, user_to_sql, &t, err);
	if (rc == 0 && t.rc != 0)
		rc = t.rc;
	/* records the source does not have */
	if (rc == 0)
		rc = vp_store_user_list(c->s, dom, 0, 0, collect_name, &extra, err);
	if (rc == 0 && extra.failed)
		rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	if (rc == 0 && t.names.n > 1)
		qsort(t.names.v, t.names.n, sizeof *t.names.v, str_cmp);
	for (size_t i = 0; rc == 0 && i < extra.n; i++) {
		if (in_sorted(&t.names, extra.v[i]))
			continue;
		if ((rc = vp_store_user_del(c->s, dom, extra.v[i], err)) == 0 &&
		    (rc = vp_store_lastauth_del(c->s, dom, extra.v[i], err)) == 0)
			n->removed++;
	}
	vp_store_counter ctr = { dom, dom->uid, dom->gid };
	if (rc == 0 && have_dc)
		rc = vp_store_dirc_update(c->s, &ctr, set_dirc, &dc, NULL, err);
	for (size_t i = 0; rc == 0 && i < aliases.n; i++) {
		if ((rc = vp_store_alias_add(c->s, dom->realdomain, aliases.v[i], err)) == 0)
			n->alias_domains++;
	}
	if (rc == 0 && c->aliases) {
		/* the domain's rows replaced, unless they are already these (a
		 * second run then writes nothing, ids kept) */
		alias_rows cur;
		memset(&cur, 0, sizeof cur);
		rc = vp_store_valias_get(c->s, dom->realdomain, NULL, VP_STORE_VALIAS_LOCK, rows_sql, &cur,
		                         err);
		int same = rc == 0 && !cur.alias.failed && !cur.line.failed && cur.alias.n == rows.alias.n;
		for (size_t i = 0; same && i < rows.alias.n; i++)
			same = strcmp(cur.alias.v[i], rows.alias.v[i]) == 0 &&
			       strcmp(cur.line.v[i], rows.line.v[i]) == 0;
		rows_free(&cur);
		if (rc == 0 && !same && (rc = vp_store_valias_del(c->s, dom->realdomain, NULL, err)) > 0)
			rc = 0;
		for (size_t i = 0; rc == 0 && i < rows.alias.n; i++) {
			if (!same)
				rc = vp_store_valias_add(c->s, dom->realdomain, rows.alias.v[i], rows.line.v[i],
				                         err);
			if (rc == 0 && (i == 0 || strcmp(rows.alias.v[i], rows.alias.v[i - 1]) != 0))
				n->aliases++;
		}
		n->alias_lines = rows.alias.n;
	}
	if (rc == 0)
		rc = vp_store_commit(c->s, err);
	else
		vp_store_rollback(c->s, &e2);
out:
	strv_free(&t.names);
	strv_free(&extra);
	strv_free(&aliases);
	rows_free(&rows);
	return rc;
}

/* ---- SQL -> cdb ---- */

typedef struct src_user {
	char *name, *line, *dir;
	size_t linelen;
} src_user;

typedef struct from_sql {
	conv *c;
	src_user *v;
	size_t n, cap;
	int rc;
	vp_error *err;
} from_sql;

static int user_from_sql(void *ctx, const vp_user_entry *src)
{
	from_sql *f = ctx;
	vp_user_entry e = *src;
	char line[VP_MAX_VPASSWD_LINE + 64];
	e.uid_flag = uid_to_cdb(f->c, src->uid_flag);
	int len = vp_vpw_format(&e, line, sizeof line, f->err);
	explicit_bzero(&e, sizeof e);
	if (len < 0) {
		f->rc = len;
		return 1;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		src_user *v = realloc(f->v, cap * sizeof *v);
		if (!v)
			goto oom;
		f->v = v;
		f->cap = cap;
	}
	src_user *u = &f->v[f->n];
	u->name = strdup(src->name);
	u->dir = strdup(src->dir);
	u->line = malloc((size_t)len + 1);
	if (!u->name || !u->dir || !u->line) {
		free(u->name);
		free(u->dir);
		free(u->line);
		goto oom;
	}
	memcpy(u->line, line, (size_t)len + 1);
	u->linelen = (size_t)len;
	f->n++;
	explicit_bzero(line, sizeof line);
	return 0;
oom:
	explicit_bzero(line, sizeof line);
	f->rc = vp_fail(f->err, VA_MEMORY_ALLOC_ERR, NULL);
	return 1;
}

static void from_sql_free(from_sql *f)
{
	for (size_t i = 0; i < f->n; i++) {
		explicit_bzero(f->v[i].line, f->v[i].linelen);
		free(f->v[i].line);
		free(f->v[i].name);
		free(f->v[i].dir);
	}
	free(f->v);
}

static int change_cmp(const void *a, const void *b)
{
	return strcmp(((const vp_vpw_change *)a)->name, ((const vp_vpw_change *)b)->name);
}

/* An alias name from a row must make a .qmail file qmail-local finds. */
static int row_name_ok(const char *a)
{
	size_t n = strlen(a);
	if (n == 0 || n > VP_MAX_PW_NAME || a[0] == '.' || a[0] == '-' || strcmp(a, "default") == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)a[i];
		if (ch <= ' ' || ch >= 0x7f || ch == '/' || ch == ':' || (ch >= 'A' && ch <= 'Z'))
			return 0;
	}
	return 1;
}

static int alias_file(const char *alias, char *fname, size_t size)
{
	int n = snprintf(fname, size, ".qmail-%s", alias);
	if (n < 0 || (size_t)n >= size)
		return -1;
	for (char *p = fname + 7; *p; p++)
		if (*p == '.')
			*p = ':';
	return 0;
}

typedef struct file_aliases {
	strv names;
	char cur[256];
	int first;
	strv robots;
} file_aliases;

static int fa_name(void *ctx, const char *name)
{
	file_aliases *f = ctx;
	snprintf(f->cur, sizeof f->cur, "%s", name);
	f->first = 1;
	return 0;
}

static int fa_line(void *ctx, const char *line, size_t len)
{
	file_aliases *f = ctx;
	if (!f->first)
		return 0;
	f->first = 0;
	int robot = len > 0 && line[0] == '|' &&
	            (memmem(line, len, "ezmlm-", 6) || memmem(line, len, "autorespond", 11));
	return strv_push(robot ? &f->robots : &f->names, f->cur, strlen(f->cur)) != 0;
}

/* .qmail-<alias> files = the valias rows (under the domain lock). */
static int aliases_to_cdb(conv *c, const vp_domain_info *dom, const alias_rows *rows,
                          const file_aliases *old, vp_convert_counts *n, vp_error *err)
{
	int dfd = vp_dir_open(&c->cdb, dom->dir, err);
	int rc = 0;
	if (dfd < 0)
		return vp_dir_fail_as(err, dfd, VA_BAD_V_DIR);
	for (size_t i = 0; rc == 0 && i < rows->alias.n;) {
		size_t j = i, len = 0;
		const char *a = rows->alias.v[i];
		char fname[VP_MAX_PW_NAME + 16];
		while (j < rows->alias.n && strcmp(rows->alias.v[j], a) == 0) {
			if (strchr(rows->line.v[j], '\n'))
				rc = vp_fail(err, VA_INVALID_ALIAS_LINE, "a valias line of %s@%s holds a newline",
				             a, dom->realdomain);
			len += strlen(rows->line.v[j]) + 1;
			j++;
		}
		if (rc == 0 && (!row_name_ok(a) || alias_file(a, fname, sizeof fname) != 0))
			rc = vp_fail(err, VA_INVALID_ALIAS_NAME, "valias row %s@%s", a, dom->realdomain);
		/* a symlink (an ezmlm list) is the list's own: never replaced */
		struct stat st;
		int link = rc == 0 && fstatat(dfd, fname, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		           S_ISLNK(st.st_mode);
		char *text = rc == 0 && !link ? malloc(len + 1) : NULL;
		if (link) {
			n->aliases++;
			n->alias_lines += j - i;
			i = j;
			continue;
		}
		if (rc == 0 && !text)
			rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
		if (rc == 0) {
			size_t p = 0;
			for (size_t k = i; k < j; k++) {
				size_t l = strlen(rows->line.v[k]);
				memcpy(text + p, rows->line.v[k], l);
				p += l;
				text[p++] = '\n';
			}
			rc = vp_write_file_at(dfd, fname, text, p, 0600, dom->uid, dom->gid,
			                      c->cdb.chown_files, err);
			n->aliases++;
			n->alias_lines += j - i;
		}
		free(text);
		i = j;
	}
	/* alias files the rows do not have */
	for (size_t i = 0; rc == 0 && i < old->names.n; i++) {
		char fname[VP_MAX_PW_NAME + 16];
		int found = 0;
		for (size_t k = 0; k < rows->alias.n && !found; k++)
			found = strcmp(rows->alias.v[k], old->names.v[i]) == 0;
		struct stat st;
		if (!found && alias_file(old->names.v[i], fname, sizeof fname) == 0 &&
		    fstatat(dfd, fname, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    unlinkat(dfd, fname, 0) != 0 && errno != ENOENT)
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "unlink", fname);
	}
	close(dfd);
	return rc;
}

static int domain_to_cdb(conv *c, const vp_domain_info *dom, vp_convert_counts *n, vp_error *err)
{
	from_sql f = { c, NULL, 0, 0, 0, err };
	strv old = { 0 };
	alias_rows rows;
	file_aliases fa;
	vp_vpw_change *ch = NULL;
	vp_lock lock;
	char path[4096];
	vp_dir_control dc;
	int rc, have_dc = 0, locked = 0;

	memset(&rows, 0, sizeof rows);
	memset(&fa, 0, sizeof fa);
	/* the SQL side first (a consistent read of each table) */
	rc = vp_store_user_list(c->s, dom, 0, 0, user_from_sql, &f, err);
	if (rc == 0 && f.rc)
		rc = f.rc;
	if (rc == 0)
		rc = have_dc = vp_store_dirc_get(c->s, &(vp_store_counter){ dom, dom->uid, dom->gid },
		                                  &dc, err);
	if (rc > 0)
		rc = 0;
	if (rc == 0 && c->aliases) {
		rc = vp_store_valias_get(c->s, dom->realdomain, NULL, 0, rows_sql, &rows, err);
		if (rc == 0 && (rows.alias.failed || rows.line.failed))
			rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
		if (rc == 0)
			rc = vp_alias_get_all(&c->cdb, dom->realdomain, fa_name, fa_line, &fa, err);
		if (rc == 0 && (fa.names.failed || fa.robots.failed))
			rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
		if (rc == 0 && fa.names.n > 1)
			qsort(fa.names.v, fa.names.n, sizeof *fa.names.v, str_cmp);
		if (rc == 0 && fa.robots.n > 1)
			qsort(fa.robots.v, fa.robots.n, sizeof *fa.robots.v, str_cmp);
	}
	if (rc != 0)
		goto out;
	if ((rc = vp_vpw_lock(&c->cdb, dom, &lock, err)) != 0)
		goto out;
	locked = 1;
	/* lastauth files, the counter, the alias files; then vpasswd */
	for (size_t i = 0; rc == 0 && i < f.n; i++) {
		vp_user_entry e;
		vp_store_lastauth la;
		memset(&e, 0, sizeof e);
		memset(&la, 0, sizeof la);
		snprintf(e.name, sizeof e.name, "%s", f.v[i].name);
		int r = vp_store_lastauth_get(c->s, dom, &e, &la, err);
		if (r < 0)
			rc = r;
		else if (r == 1) {
			rc = cdb_lastauth_set(c, dom, f.v[i].dir, la.state == 2 ? la.ip : "0.0.0.0",
			                      la.time, err);
			n->lastauth++;
		} else
			cdb_lastauth_del(c, dom, f.v[i].dir);
	}
	if (rc == 0 && have_dc && (rc = dirc_path(dom, path, sizeof path, err)) == 0)
		rc = cdb_dirc_write(c, path, &dc, dom->uid, dom->gid, err);
	if (rc == 0 && c->aliases)
		rc = aliases_to_cdb(c, dom, &rows, &fa, n, err);
	if (rc != 0)
		goto out;
	if ((rc = vp_list_users(&c->cdb, dom->realdomain, 0, 0, collect_name, &old, err)) != 0)
		goto out;
	if (old.failed) {
		rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
		goto out;
	}
	if (old.n > 1)
		qsort(old.v, old.n, sizeof *old.v, str_cmp);
	ch = calloc(f.n + old.n + 1, sizeof *ch);
	if (!ch) {
		rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
		goto out;
	}
	size_t nc = 0;
	strv have = { 0 };
	for (size_t i = 0; i < f.n; i++) {
		ch[nc] = (vp_vpw_change){ f.v[i].name, in_sorted(&old, f.v[i].name) ? VP_VPW_REPLACE
		                                                                  : VP_VPW_ADD,
		                          f.v[i].line, f.v[i].linelen, nc };
		nc++;
		if (strv_push(&have, f.v[i].name, strlen(f.v[i].name)) != 0)
			rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	}
	if (have.n > 1)
		qsort(have.v, have.n, sizeof *have.v, str_cmp);
	for (size_t i = 0; rc == 0 && i < old.n; i++)
		if (!in_sorted(&have, old.v[i])) {
			ch[nc] = (vp_vpw_change){ old.v[i], VP_VPW_DEL, NULL, 0, nc };
			nc++;
			n->removed++;
		}
	if (rc == 0) {
		size_t failed = 0;
		if (nc > 1)
			qsort(ch, nc, sizeof *ch, change_cmp);
		rc = vp_vpw_merge(&c->cdb, dom, ch, nc, &failed, err);
		if (rc == 0)
			n->users = f.n;
	}
	strv_free(&have);
out:
	if (locked)
		vp_lock_release(&lock);
	free(ch);
	from_sql_free(&f);
	strv_free(&old);
	rows_free(&rows);
	strv_free(&fa.names);
	strv_free(&fa.robots);
	return rc;
}

/* ---- the site ---- */

typedef struct dom_list {
	vp_domain_info *v;
	size_t n, cap;
	int failed;
} dom_list;

static int collect_domain(void *ctx, const vp_domain_info *d, unsigned long users)
{
	dom_list *l = ctx;
	(void)users;
	if (d->is_alias)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		vp_domain_info *v = realloc(l->v, cap * sizeof *v);
		if (!v) {
			l->failed = 1;
			return 1;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *d;
	return 0;
}

static int domains_counter(conv *c, int to_sql, vp_error *err)
{
	char domains[4096], path[4096], lockpath[4096];
	vp_store_counter ctr = { NULL, c->cdb.uid, c->cdb.gid };
	vp_dir_control dc;
	vp_lock lock;
	int rc;
	if (vp_path_join(domains, sizeof domains, c->cdb.vpopmail_dir, "domains") != 0 ||
	    vp_path_join(path, sizeof path, domains, ".dir-control") != 0 ||
	    vp_path_join(lockpath, sizeof lockpath, c->cdb.qmail_dir, "users/assign.lock") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	if ((rc = vp_lock_acquire(&c->cdb, lockpath, &lock, err)) != 0)
		return rc;
	if (to_sql) {
		rc = cdb_dirc_read(path, &dc, err);
		if (rc == 1)
			rc = vp_store_dirc_update(c->s, &ctr, set_dirc, &dc, NULL, err);
	} else {
		rc = vp_store_dirc_get(c->s, &ctr, &dc, err);
		if (rc == 1)
			rc = cdb_dirc_write(c, path, &dc, c->cdb.uid, c->cdb.gid, err);
	}
	vp_lock_release(&lock);
	return rc < 0 ? rc : 0;
}

int vp_convert(const vp_config *cfg, vp_store *sql, int to_sql, const char *domain,
               vp_convert_cb cb, void *ctx, vp_error *err)
{
	conv c;
	dom_list l = { 0 };
	int rc;

	vp_error_clear(err);
	if (!cfg || !sql || !cb)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	if (vp_store_in_txn(sql))
		return vp_fail(err, VA_BAD_CONFIG, "a transaction is open on the store");
	memset(&c, 0, sizeof c);
	c.cdb = *cfg;
	c.cdb.backend = VP_BACKEND_CDB;
	c.cdb.store = NULL;
	c.cdb.valias = 0;
	c.cdb.enforce_limits = 0; /* a conversion copies what is there */
	c.sql = *cfg;
	c.sql.backend = VP_BACKEND_MYSQL;
	c.sql.store = sql;
	c.sql.enforce_limits = 0;
	c.s = sql;
	c.aliases = cfg->valias;

	if (domain) {
		char name[VP_MAX_PW_DOMAIN + 1];
		vp_domain_info d;
		if ((rc = vp_domain_normalize(domain, strlen(domain), name, err)) != 0)
			return rc;
		if ((rc = vp_domain_lookup(&c.cdb, name, &d, err)) < 0)
			return rc;
		if (rc == 0)
			return vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "%s", name);
		if (d.is_alias && (rc = vp_domain_lookup(&c.cdb, d.realdomain, &d, err)) <= 0)
			return rc < 0 ? rc : vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "%s", d.realdomain);
		rc = collect_domain(&l, &d, 0);
		if (l.failed)
			rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	} else {
		rc = vp_list_domains(&c.cdb, collect_domain, &l, err);
		if (rc == 0 && l.failed)
			rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	}
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		vp_convert_counts n;
		memset(&n, 0, sizeof n);
		/* looked up again: the lock checks the directory the lookup found */
		if (!domain && (rc = vp_domain_lookup(&c.cdb, l.v[i].realdomain, &l.v[i], err)) <= 0) {
			if (rc == 0)
				rc = vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "%s", l.v[i].realdomain);
			break;
		}
		snprintf(n.domain, sizeof n.domain, "%s", l.v[i].realdomain);
		rc = to_sql ? domain_to_sql(&c, &l.v[i], &n, err) : domain_to_cdb(&c, &l.v[i], &n, err);
		if (rc == 0 && cb(ctx, &n) != 0)
			break;
	}
	if (rc == 0 && !domain)
		rc = domains_counter(&c, to_sql, err);
	free(l.v);
	return rc;
}
