/*
 * vp_alias.c: aliases and forwards of the cdb module, i.e. the
 * <domaindir>/.qmail-<name'> files (spec 10), with the recommended safe
 * semantics of 10.5 and 15.2/15.4/15.25.
 *
 * Names: lowercased; the user-name bytes of spec 6.2 minus '/'; 1-64 chars;
 * no leading '.' or '-'; never "default" (the catch-all); "*-default" (a
 * qmail wildcard) is refused for add/del and allowed for reading.  name' is
 * the name with every '.' written as ':', as qmail-local looks it up.  Since
 * ':' and '/' are not in the charset, a name can never leave the domain dir
 * and the mapping is reversible; hence a file whose suffix after ".qmail-"
 * contains a '.' (a lock, a temp file) can never be an alias qmail delivers
 * to, and the listings ignore it.  An alias may share its name with a
 * mailbox, as in vpopmail (qmail-local then prefers the .qmail file).
 *
 * Lines (add): ASCII 0x20-0x7e only, no leading/trailing space, < 160 bytes.
 * "addr" and "&addr" must be local@domain without spaces or RFC specials;
 * "./..." and "/..." deliveries must be a Maildir ('/' at the end), inside
 * the domain dir and without a ".." component; "|program" needs
 * cfg->allow_program_aliases, which also allows mbox file lines (an mbox
 * line can append message text to vpasswd or .qmail-default, as much power
 * as a program line).  "#comment" and "+list" lines are refused.  An exact
 * duplicate line is refused (VA_ALIAS_LINE_EXISTS), as the valias CLI does.
 *
 * Locking: writers hold the fcntl lock on <domaindir>/.vpasswd.lock, the
 * per-domain lock file vpopmail itself creates and keeps, through
 * vp_domain_lock (which fails for a domain deleted since dom_open).  A per-alias
 * ".qmail-<name'>.lock" would leave an empty file that real vpopmail lists
 * as an alias named "<name>.lock", and an empty alias file makes the real
 * valias_select_all stop its listing early (spec 10.4), so such files would
 * break `valias -s` and make our trees differ from real ones.  Readers take
 * no lock: writers replace files with rename() (spec 11.1).
 *
 * Symlinks (ezmlm lists) are never written through or replaced by add, may
 * be unlinked by del, are never touched by del_domain, and are read only
 * when they resolve inside the domain dir.
 *
 * Callbacks: a non-zero return stops the walk; a negative one is returned
 * as the call's error code (err says "stopped by the caller").
 *
 * No global state; every buffer is bounded; files are untrusted input.
 */
#include "vpcore.h"
#include "vp_limits.h"
#include "vp_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define ALIAS_PREFIX ".qmail-"
#define ALIAS_PREFIX_LEN 7
#define ALIAS_MAX_FILE (1024 * 1024) /* a .qmail file larger than this is refused */
#define ALIAS_MAX_ENTRIES 1000000    /* directory entries considered by a listing */

typedef struct alias_dom {
	vp_domain_info info;
	char dir[VP_MAX_PW_DIR + 256]; /* info.dir without trailing slashes */
	int dfd;                       /* O_DIRECTORY fd of dir, -1 when closed */
} alias_dom;

/* ---- names ---- */

/* Bytes of spec 6.2 minus '/': 33 35 36 38 39 42 43 45-57 61 63 65-90 94-126. */
static int name_char_ok(unsigned char c)
{
	if (c == '/')
		return 0;
	return c == 33 || c == 35 || c == 36 || c == 38 || c == 39 || c == 42 || c == 43 ||
	       (c >= 45 && c <= 57) || c == 61 || c == 63 || (c >= 65 && c <= 90) ||
	       (c >= 94 && c <= 126);
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/*
 * Lowercase and check an alias name; lname gets the name, fname the file
 * name suffix ('.' -> ':').  Both buffers hold VP_MAX_PW_NAME + 1 bytes.
 * "default" is always refused; "*-default" unless allow_wild (read-only use).
 */
static int alias_name(const char *src, int allow_wild, char *lname, char *fname, vp_error *err)
{
	size_t len, i;

	if (src == NULL)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	len = strnlen(src, VP_MAX_PW_NAME + 1);
	if (len == 0)
		return vp_fail(err, VA_INVALID_ALIAS_NAME, "empty name");
	if (len > VP_MAX_PW_NAME)
		return vp_fail(err, VA_USER_NAME_TOO_LONG, NULL);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		if (!name_char_ok(c))
			return vp_fail(err, VA_INVALID_ALIAS_NAME,
			               "invalid character in the name");
		lname[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		fname[i] = lname[i] == '.' ? ':' : lname[i];
	}
	lname[len] = fname[len] = '\0';
	if (lname[0] == '.' || lname[0] == '-')
		return vp_fail(err, VA_INVALID_ALIAS_NAME,
		               "name starts with '.' or '-'");
	if (strcmp(lname, "default") == 0)
		return vp_fail(err, VA_INVALID_ALIAS_NAME,
		               "'default' is the domain's catch-all");
	if (!allow_wild && ends_with(lname, len, "-default"))
		return vp_fail(err, VA_INVALID_ALIAS_NAME,
		               "'%s' is a qmail wildcard (-default)", lname);
	return 0;
}

/* ---- domain ---- */

static void dom_close(alias_dom *d)
{
	if (d->dfd >= 0)
		close(d->dfd);
	d->dfd = -1;
}

/* Normalise and look the domain up (alias domains give the real dir); open its dir. */
static int dom_open(const vp_config *cfg, const char *domain, alias_dom *d, vp_error *err)
{
	char name[VP_MAX_PW_DOMAIN + 1];
	size_t n;
	int rc;

	d->dfd = -1;
	if (cfg == NULL || domain == NULL)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	rc = vp_domain_normalize(domain, strnlen(domain, VP_MAX_PW_DOMAIN + 2), name, err);
	if (rc < 0)
		return rc;
	rc = vp_domain_lookup(cfg, name, &d->info, err);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "%s", name);
	n = strnlen(d->info.dir, sizeof d->info.dir);
	while (n > 1 && d->info.dir[n - 1] == '/')
		n--;
	if (n == 0 || n >= sizeof d->info.dir || d->info.dir[0] != '/')
		return vp_fail(err, VA_BAD_V_DIR, "%s has no usable directory", name);
	memcpy(d->dir, d->info.dir, n);
	d->dir[n] = '\0';
	/* Reached from the vpopmail home without following a symlink. */
	d->dfd = vp_dir_open(cfg, d->dir, err);
	if (d->dfd == VA_BAD_DIR && errno == ENOENT) {
		/* looked up, then deleted before we got here */
		d->dfd = -1;
		return vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "%s (deleted meanwhile)", name);
	}
	if (d->dfd < 0) {
		rc = vp_dir_fail_as(err, d->dfd, VA_BAD_V_DIR);
		d->dfd = -1;
		return rc;
	}
	return 0;
}

/*
 * Lock the domain's .vpasswd.lock (created owned by the domain, so that
 * vpopmail running as the domain uid can open it later), and find out under
 * it whether the domain was deleted or made again since dom_open.
 */
static int dom_lock(const vp_config *cfg, alias_dom *d, vp_lock *lock, vp_error *err)
{
	return vp_domain_lock(cfg, &d->info, lock, err);
}

/* ---- reading ---- */

/*
 * Read a whole small regular file at fd into a malloc'd NUL-terminated
 * buffer.  Returns 0, 1 when fd is not a regular file, or a VA code.
 */
static int read_fd(int fd, const char *what, char **data, size_t *len, vp_error *err)
{
	struct stat st;
	size_t cap, n = 0;
	char *buf;

	*data = NULL;
	*len = 0;
	if (fstat(fd, &st) != 0)
		return vp_fail_errno(err, VA_COULD_NOT_OPEN_DOT_QMAIL, "fstat", what);
	if (!S_ISREG(st.st_mode))
		return 1;
	if (st.st_size > ALIAS_MAX_FILE)
		return vp_fail(err, VA_CORRUPT_FILE, "%s is larger than %d bytes", what,
		               ALIAS_MAX_FILE);
	cap = (size_t)st.st_size + 2; /* room to see EOF without growing */
	buf = malloc(cap);
	if (buf == NULL)
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, "reading %s", what);
	for (;;) {
		ssize_t r;
		if (n + 1 == cap) { /* the file grew while we read it */
			char *nb;
			if (cap > ALIAS_MAX_FILE) {
				free(buf);
				return vp_fail(err, VA_CORRUPT_FILE, "%s is larger than %d bytes",
				               what, ALIAS_MAX_FILE);
			}
			nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				free(buf);
				return vp_fail(err, VA_MEMORY_ALLOC_ERR, "reading %s",
				               what);
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			errno = e;
			return vp_fail_errno(err, VA_COULD_NOT_OPEN_DOT_QMAIL, "read", what);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

/* Is path (already resolved) strictly inside dir (already resolved)? */
static int path_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/' && path[1] != '\0';
	return strncmp(path, dir, n) == 0 && path[n] == '/' && path[n + 1] != '\0';
}

/*
 * Contents of <dir>/<fname> for reading.  A symlink (an ezmlm list) is
 * followed only when its target resolves inside the domain dir, so that a
 * planted link cannot make a privileged reader disclose other files.
 * Returns 0 with data (NULL and len 0 when missing or not a regular file),
 * 1 when the name is a symlink leading outside, or a VA code.
 */
static int read_alias(const alias_dom *d, const char *fname, char **data, size_t *len,
                      vp_error *err)
{
	struct stat st;
	int fd, rc;

	*data = NULL;
	*len = 0;
	if (fstatat(d->dfd, fname, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return vp_fail_errno(err, VA_COULD_NOT_OPEN_DOT_QMAIL, "stat", fname);
	}
	if (S_ISLNK(st.st_mode)) {
		char link[PATH_MAX + 1], real[PATH_MAX], realdir[PATH_MAX];
		if (vp_path_join(link, sizeof link, d->dir, fname) != 0)
			return 1;
		if (realpath(d->dir, realdir) == NULL)
			return vp_fail_errno(err, VA_BAD_V_DIR, "realpath", d->dir);
		if (realpath(link, real) == NULL)
			return (errno == ENOENT || errno == ENOTDIR) ? 0 : 1; /* dangling: no lines */
		if (!path_inside(real, realdir))
			return 1;
		fd = open(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	} else if (S_ISREG(st.st_mode)) {
		fd = openat(d->dfd, fname, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	} else {
		return 0; /* directory, fifo...: never an alias with lines */
	}
	if (fd < 0) {
		if (errno == ENOENT || errno == ELOOP)
			return 0; /* vanished or replaced meanwhile */
		return vp_fail_errno(err, VA_COULD_NOT_OPEN_DOT_QMAIL, "open", fname);
	}
	rc = read_fd(fd, fname, data, len, err);
	close(fd);
	if (rc == 1)
		rc = 0;
	return rc;
}

/*
 * Feed each line (newline stripped, full length) to cb.  A callback's
 * non-zero return stops the walk: negative values are errors and are
 * returned (err filled with the code's text), positive ones stop quietly.
 */
static int cb_result(int r, vp_error *err)
{
	if (r < 0)
		return vp_fail(err, r, "stopped by the caller");
	return 0;
}

static int emit_lines(const char *data, size_t len, vp_alias_line_cb cb, void *ctx, int *stop,
                      vp_error *err)
{
	size_t pos = 0;

	*stop = 0;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;
		int r = cb(ctx, data + pos, end - pos);
		if (r != 0) {
			*stop = 1;
			return cb_result(r, err);
		}
		pos = end + 1;
	}
	return 0;
}

/* ---- line validation (spec 10.3, 10.5, 15.4) ---- */

static int has_dotdot_component(const char *p)
{
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		if (!slash)
			break;
		p = slash + 1;
	}
	return 0;
}

/* Forward target: local@domain, printable ASCII, no spaces or RFC specials. */
static int address_ok(const char *a)
{
	const char *at = strchr(a, '@');
	size_t i;

	if (at == NULL || at == a || at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return 0;
	if (a[0] == '.' || a[0] == '|' || a[0] == '/' || a[0] == '#' || a[0] == '&')
		return 0;
	for (i = 0; a[i]; i++) {
		unsigned char c = (unsigned char)a[i];
		if (c <= ' ' || c >= 0x7f || strchr("<>()[]\\,;:\"", c) != NULL)
			return 0;
	}
	return 1;
}

/* Checks that need no domain: length, bytes, kind. */
static int line_check_syntax(const vp_config *cfg, const char *line, vp_error *err)
{
	size_t len, i;

	if (line == NULL)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	len = strnlen(line, VP_MAX_ALIAS_LINE);
	if (len >= VP_MAX_ALIAS_LINE)
		return vp_fail(err, VA_ALIAS_LINE_TOO_LONG, NULL);
	if (len == 0)
		return vp_fail(err, VA_INVALID_ALIAS_LINE, "empty line");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c < 0x20 || c >= 0x7f)
			return vp_fail(err, VA_INVALID_ALIAS_LINE,
			               "control or non-ASCII character");
	}
	if (line[0] == ' ' || line[len - 1] == ' ')
		return vp_fail(err, VA_INVALID_ALIAS_LINE,
		               "line starts or ends with a space");
	switch (line[0]) {
	case '|':
		if (!cfg->allow_program_aliases)
			return vp_fail(err, VA_PROGRAM_ALIAS_DENIED,
			               "enable vpopmail.allow_program_aliases to add '|' lines");
		if (len == 1)
			return vp_fail(err, VA_INVALID_ALIAS_LINE, "no program after '|'");
		return 0;
	case '/':
	case '.':
		if (has_dotdot_component(line))
			return vp_fail(err, VA_INVALID_ALIAS_LINE,
			               "path contains '..'");
		/* Only Maildir ('/' at the end): an mbox line appends message text
		 * to a file, e.g. vpasswd or .qmail-default, which program lines
		 * could then be smuggled into.  Allowed only where programs are. */
		if (line[len - 1] != '/' && !cfg->allow_program_aliases)
			return vp_fail(err, VA_PROGRAM_ALIAS_DENIED,
			               "an mbox line needs vpopmail.allow_program_aliases, as '|' lines do "
			               "(a Maildir ends in '/')");
		return 0;
	case '#':
		return vp_fail(err, VA_INVALID_ALIAS_LINE, "comment line");
	case '+':
		return vp_fail(err, VA_INVALID_ALIAS_LINE, "not a delivery instruction");
	case '&':
		line++;
		/* fall through */
	default:
		if (!address_ok(line))
			return vp_fail(err, VA_INVALID_ALIAS_LINE,
			               "not an e-mail address");
		return 0;
	}
}

/* Absolute file deliveries must lie inside the domain dir (relative ones already do). */
static int line_check_dir(const char *line, const alias_dom *d, vp_error *err)
{
	if (line[0] != '/')
		return 0;
	if (!path_inside(line, d->dir))
		return vp_fail(err, VA_INVALID_ALIAS_LINE,
		               "path is outside the domain directory");
	return 0;
}

typedef struct name_list {
	char **v;
	size_t n, cap;
} name_list;

static void names_free(name_list *l)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int names_push(name_list *l, const char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **v = realloc(l->v, cap * sizeof *v);
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if ((l->v[l->n] = strdup(s)) == NULL)
		return -1;
	l->n++;
	return 0;
}

/* ---- aliases in SQL (cfg->valias on the mysql backend: vpopmail's
 * --enable-valias, table valias; vp_store.h) ----
 * Names and lines are checked exactly as for files; the domain must exist
 * on disk as for files (dom_open), and writers hold the same
 * .vpasswd.lock, so one host's writers of a domain never interleave; the
 * rows of one call change in one transaction.  Rows hold the name as given
 * (lowercased, '.' kept: no ':' mapping). */

static vp_store *valias_store(const vp_config *cfg)
{
	return cfg->valias ? vp_cfg_store(cfg) : NULL;
}

static const char *dom_real(const alias_dom *d)
{
	return d->info.realdomain[0] ? d->info.realdomain : d->info.name;
}

typedef struct line_buf {
	char *data;
	size_t len, cap;
	int failed;
} line_buf;

static int collect_line(void *ctx, const char *alias, const char *line, size_t len)
{
	line_buf *b = ctx;
	(void)alias;
	if (b->len + len + 2 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 256) + len + 2;
		char *n = realloc(b->data, cap);
		if (!n) {
			b->failed = 1;
			return 1;
		}
		b->data = n;
		b->cap = cap;
	}
	memcpy(b->data + b->len, line, len);
	b->len += len;
	b->data[b->len++] = '\n';
	b->data[b->len] = '\0';
	return 0;
}

static int sql_alias_add(const vp_config *cfg, vp_store *s, alias_dom *d, const char *lname,
                         const char *line, vp_error *err)
{
	vp_lock lock;
	line_buf old = { 0 };
	vp_error e2;
	size_t linelen = strlen(line), pos;
	int rc;

	if ((rc = vp_store_valias_ensure(s, err)) != 0)
		return rc;
	if ((rc = dom_lock(cfg, d, &lock, err)) < 0)
		return rc;
	if ((rc = vp_store_begin(s, NULL, 0, err)) != 0)
		goto unlock;
	rc = vp_store_valias_get(s, dom_real(d), lname, VP_STORE_VALIAS_LOCK, collect_line, &old, err);
	if (rc == 0 && old.failed)
		rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	for (pos = 0; rc == 0 && pos < old.len;) {
		const char *nl = memchr(old.data + pos, '\n', old.len - pos);
		size_t end = nl ? (size_t)(nl - old.data) : old.len;
		if (end - pos == linelen && memcmp(old.data + pos, line, linelen) == 0)
			rc = vp_fail(err, VA_ALIAS_LINE_EXISTS, "%s@%s already delivers to %s",
			             lname, d->info.name, line);
		pos = end + 1;
	}
	if (rc == 0)
		rc = vp_limits_enforce_alias(cfg, &d->info, old.data, old.len, line, err);
	if (rc == 0)
		rc = vp_store_valias_add(s, dom_real(d), lname, line, err);
	if (rc == 0)
		rc = vp_store_commit(s, err);
	else
		vp_store_rollback(s, &e2);
unlock:
	vp_lock_release(&lock);
	free(old.data);
	return rc;
}

static int sql_alias_del(const vp_config *cfg, vp_store *s, alias_dom *d, const char *lname,
                         vp_error *err)
{
	vp_lock lock;
	int rc;

	if ((rc = dom_lock(cfg, d, &lock, err)) < 0)
		return rc;
	rc = vp_store_valias_del(s, dom_real(d), lname, err);
	if (rc == 0)
		rc = vp_fail(err, VA_ALIAS_DOES_NOT_EXIST, "%s@%s", lname, d->info.name);
	vp_lock_release(&lock);
	return rc < 0 ? rc : 0;
}

/* One alias's lines, to the caller's line callback. */
typedef struct line_fwd {
	vp_alias_line_cb cb;
	void *ctx;
} line_fwd;

static int fwd_line(void *ctx, const char *alias, const char *line, size_t len)
{
	line_fwd *f = ctx;
	(void)alias;
	return f->cb(f->ctx, line, len);
}

/* The whole domain: a name callback whenever the alias changes. */
typedef struct all_fwd {
	vp_alias_name_cb name_cb;
	vp_alias_line_cb line_cb;
	void *ctx;
	char cur[256];
	int have;
} all_fwd;

static int fwd_all(void *ctx, const char *alias, const char *line, size_t len)
{
	all_fwd *f = ctx;
	int r;
	if (!f->have || strcmp(f->cur, alias) != 0) {
		snprintf(f->cur, sizeof f->cur, "%s", alias);
		f->have = 1;
		if ((r = f->name_cb(f->ctx, alias)) != 0)
			return r;
	}
	return f->line_cb(f->ctx, line, len);
}

/* del_domain: every alias but the mailing lists and autoresponders, as
 * the file code leaves their .qmail files. */
typedef struct robot_scan {
	name_list keep, all;
	char cur[256];
	int have, failed;
} robot_scan;

static int scan_robots(void *ctx, const char *alias, const char *line, size_t len)
{
	robot_scan *r = ctx;
	(void)len;
	if (r->have && strcmp(r->cur, alias) == 0)
		return 0; /* only the first line tells */
	snprintf(r->cur, sizeof r->cur, "%s", alias);
	r->have = 1;
	int robot = line[0] == '|' && (strstr(line, "ezmlm-") != NULL ||
	                              strstr(line, "autorespond") != NULL);
	if (names_push(robot ? &r->keep : &r->all, alias) != 0)
		r->failed = 1;
	return 0;
}

static int sql_alias_del_domain(const vp_config *cfg, vp_store *s, alias_dom *d, vp_error *err)
{
	vp_lock lock;
	robot_scan r;
	vp_error e2;
	size_t i;
	int rc;

	memset(&r, 0, sizeof r);
	if ((rc = dom_lock(cfg, d, &lock, err)) < 0)
		return rc;
	if ((rc = vp_store_begin(s, NULL, 0, err)) != 0)
		goto unlock;
	rc = vp_store_valias_get(s, dom_real(d), NULL, 0, scan_robots, &r, err);
	if (rc == 0 && r.failed)
		rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	for (i = 0; rc == 0 && i < r.all.n; i++) {
		int x = vp_store_valias_del(s, dom_real(d), r.all.v[i], err);
		if (x < 0)
			rc = x;
	}
	if (rc == 0)
		rc = vp_store_commit(s, err);
	else
		vp_store_rollback(s, &e2);
unlock:
	names_free(&r.keep);
	names_free(&r.all);
	vp_lock_release(&lock);
	return rc < 0 ? rc : 0;
}

/* ---- public ---- */

int vp_alias_add(const vp_config *cfg, const char *alias, const char *domain, const char *line,
                 vp_error *err)
{
	char lname[VP_MAX_PW_NAME + 1], fname[ALIAS_PREFIX_LEN + VP_MAX_PW_NAME + 1];
	char path[VP_MAX_PW_DIR + 256 + sizeof fname + 1];
	alias_dom d;
	vp_lock lock;
	vp_atomic *a = NULL;
	struct stat st;
	char *old = NULL;
	size_t oldlen = 0, linelen, pos;
	int rc, fd;

	vp_error_clear(err);
	if (cfg == NULL)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	memcpy(fname, ALIAS_PREFIX, ALIAS_PREFIX_LEN);
	if ((rc = alias_name(alias, 0, lname, fname + ALIAS_PREFIX_LEN, err)) < 0)
		return rc;
	if ((rc = line_check_syntax(cfg, line, err)) < 0)
		return rc;
	if ((rc = dom_open(cfg, domain, &d, err)) < 0) {
		dom_close(&d);
		return rc;
	}
	if ((rc = line_check_dir(line, &d, err)) < 0)
		goto out;
	if (valias_store(cfg)) {
		rc = sql_alias_add(cfg, valias_store(cfg), &d, lname, line, err);
		goto out;
	}
	if (vp_path_join(path, sizeof path, d.dir, fname) != 0) {
		rc = vp_fail(err, VA_DIR_TOO_LONG, NULL);
		goto out;
	}
	if ((rc = dom_lock(cfg, &d, &lock, err)) < 0)
		goto out;

	if (fstatat(d.dfd, fname, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		/* A symlink is an ezmlm list, anything else not ours: never rewrite it. */
		if (!S_ISREG(st.st_mode)) {
			rc = vp_fail(err, VA_COULD_NOT_OPEN_DOT_QMAIL,
			             "%s is not a regular file (mailing list?); not changed", fname);
			goto unlock;
		}
		fd = openat(d.dfd, fname, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd < 0) {
			rc = vp_fail_errno(err, VA_COULD_NOT_OPEN_DOT_QMAIL, "open", path);
			goto unlock;
		}
		rc = read_fd(fd, fname, &old, &oldlen, err);
		close(fd);
		if (rc == 1)
			rc = vp_fail(err, VA_COULD_NOT_OPEN_DOT_QMAIL, "%s is not a regular file",
			             fname);
		if (rc < 0)
			goto unlock;
	} else if (errno != ENOENT) {
		rc = vp_fail_errno(err, VA_COULD_NOT_OPEN_DOT_QMAIL, "stat", path);
		goto unlock;
	}

	/* Refuse an exact duplicate line (the valias CLI refuses it too). */
	linelen = strlen(line);
	for (pos = 0; pos < oldlen;) {
		const char *nl = memchr(old + pos, '\n', oldlen - pos);
		size_t end = nl ? (size_t)(nl - old) : oldlen;
		if (end - pos == linelen && memcmp(old + pos, line, linelen) == 0) {
			rc = vp_fail(err, VA_ALIAS_LINE_EXISTS, "%s@%s already delivers to %s",
			             lname, d.info.name, line);
			goto unlock;
		}
		pos = end + 1;
	}
	if ((rc = vp_limits_enforce_alias(cfg, &d.info, old, oldlen, line, err)) < 0)
		goto unlock;

	a = malloc(sizeof *a);
	if (a == NULL) {
		rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
		goto unlock;
	}
	if ((rc = vp_atomic_open_at(a, d.dfd, path, 0600, err)) < 0)
		goto unlock;
	/* Old content (completed to a whole last line, spec 15.26), then ours.
	 * A failed write marks a->failed and commit reports it. */
	if (oldlen > 0) {
		vp_atomic_write(a, old, oldlen);
		if (old[oldlen - 1] != '\n')
			vp_atomic_write(a, "\n", 1);
	}
	vp_atomic_write(a, line, linelen);
	vp_atomic_write(a, "\n", 1);
	rc = vp_atomic_commit(a, d.info.uid, d.info.gid, cfg->chown_files, err);

unlock:
	vp_lock_release(&lock);
out:
	free(a);
	free(old);
	dom_close(&d);
	return rc < 0 ? rc : 0;
}

int vp_alias_del(const vp_config *cfg, const char *alias, const char *domain, vp_error *err)
{
	char lname[VP_MAX_PW_NAME + 1], fname[ALIAS_PREFIX_LEN + VP_MAX_PW_NAME + 1];
	alias_dom d;
	vp_lock lock;
	struct stat st;
	int rc;

	vp_error_clear(err);
	if (cfg == NULL)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	memcpy(fname, ALIAS_PREFIX, ALIAS_PREFIX_LEN);
	if ((rc = alias_name(alias, 0, lname, fname + ALIAS_PREFIX_LEN, err)) < 0)
		return rc;
	if ((rc = dom_open(cfg, domain, &d, err)) < 0) {
		dom_close(&d);
		return rc;
	}
	if (valias_store(cfg)) {
		rc = sql_alias_del(cfg, valias_store(cfg), &d, lname, err);
		dom_close(&d);
		return rc;
	}
	if ((rc = dom_lock(cfg, &d, &lock, err)) < 0) {
		dom_close(&d);
		return rc;
	}
	if (fstatat(d.dfd, fname, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			rc = vp_fail(err, VA_ALIAS_DOES_NOT_EXIST, "%s@%s",
			             lname, d.info.name);
		else
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "stat", fname);
	} else if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		rc = vp_fail(err, VA_COULD_NOT_UPDATE_FILE, "%s is not an alias file", fname);
	} else if (unlinkat(d.dfd, fname, 0) != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "unlink", fname);
	}
	vp_lock_release(&lock);
	dom_close(&d);
	return rc < 0 ? rc : 0;
}

/* Does this regular file start with a line running ezmlm or autorespond? */
static int is_robot(int dfd, const char *fname)
{
	char buf[VP_MAX_ALIAS_LINE * 4];
	ssize_t n;
	char *nl;
	int fd = openat(dfd, fname, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return 1; /* cannot tell: leave it alone */
	do
		n = read(fd, buf, sizeof buf - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return 1;
	buf[n] = '\0';
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	return buf[0] == '|' && (strstr(buf, "ezmlm-") != NULL || strstr(buf, "autorespond") != NULL);
}

/* ---- directory listing ---- */

static int name_cmp(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	int r = strcasecmp(a, b);
	return r ? r : strcmp(a, b);
}

enum { LIST_NAMES, LIST_DELETABLE };

/*
 * Collect the file names (full ".qmail-..." names) of the domain dir:
 * LIST_NAMES as valias_select_names lists them (spec 10.4), minus names
 * with a '.' in the suffix; LIST_DELETABLE the regular-file aliases that
 * vp_alias_del_domain removes (spec 10.5).
 */
static int list_dir(const alias_dom *d, int mode, name_list *out, vp_error *err)
{
	int fd = dup(d->dfd);
	DIR *dir;
	struct dirent *de;
	size_t seen = 0;

	if (fd < 0)
		return vp_fail_errno(err, VA_BAD_V_DIR, "dup", d->dir);
	dir = fdopendir(fd);
	if (dir == NULL) {
		close(fd);
		return vp_fail_errno(err, VA_BAD_V_DIR, "opendir", d->dir);
	}
	rewinddir(dir);
	for (;;) {
		const char *suffix;
		struct stat st;
		errno = 0;
		de = readdir(dir);
		if (de == NULL) {
			if (errno != 0) {
				int e = errno;
				closedir(dir);
				names_free(out);
				errno = e;
				return vp_fail_errno(err, VA_BAD_V_DIR, "readdir", d->dir);
			}
			break;
		}
		if (++seen > ALIAS_MAX_ENTRIES)
			break;
		if (strncmp(de->d_name, ALIAS_PREFIX, ALIAS_PREFIX_LEN) != 0)
			continue;
		suffix = de->d_name + ALIAS_PREFIX_LEN;
		if (suffix[0] == '\0' || strcmp(suffix, "default") == 0 || strchr(suffix, '.'))
			continue;
		if (fstatat(d->dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue; /* vanished */
		if (mode == LIST_NAMES) {
			if (S_ISLNK(st.st_mode) &&
			    (strstr(suffix, "-default") != NULL || strstr(suffix, "-owner") != NULL))
				continue;
		} else {
			if (!S_ISREG(st.st_mode) || is_robot(d->dfd, de->d_name))
				continue;
		}
		if (names_push(out, de->d_name) != 0) {
			closedir(dir);
			names_free(out);
			return vp_fail(err, VA_MEMORY_ALLOC_ERR, "listing aliases");
		}
	}
	closedir(dir);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, name_cmp);
	return 0;
}

int vp_alias_del_domain(const vp_config *cfg, const char *domain, vp_error *err)
{
	alias_dom d;
	vp_lock lock;
	name_list l = {0};
	size_t i;
	int rc;

	vp_error_clear(err);
	if (cfg == NULL)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = dom_open(cfg, domain, &d, err)) < 0) {
		dom_close(&d);
		return rc;
	}
	if (valias_store(cfg)) {
		rc = sql_alias_del_domain(cfg, valias_store(cfg), &d, err);
		dom_close(&d);
		return rc;
	}
	if ((rc = dom_lock(cfg, &d, &lock, err)) < 0) {
		dom_close(&d);
		return rc;
	}
	rc = list_dir(&d, LIST_DELETABLE, &l, err);
	for (i = 0; rc == 0 && i < l.n; i++) {
		if (unlinkat(d.dfd, l.v[i], 0) != 0 && errno != ENOENT)
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "unlink", l.v[i]);
	}
	names_free(&l);
	vp_lock_release(&lock);
	dom_close(&d);
	return rc < 0 ? rc : 0;
}

int vp_alias_get(const vp_config *cfg, const char *alias, const char *domain,
                 vp_alias_line_cb cb, void *ctx, vp_error *err)
{
	char lname[VP_MAX_PW_NAME + 1], fname[ALIAS_PREFIX_LEN + VP_MAX_PW_NAME + 1];
	alias_dom d;
	char *data = NULL;
	size_t len = 0;
	int rc, stop;

	vp_error_clear(err);
	if (cfg == NULL || cb == NULL)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	memcpy(fname, ALIAS_PREFIX, ALIAS_PREFIX_LEN);
	if ((rc = alias_name(alias, 1, lname, fname + ALIAS_PREFIX_LEN, err)) < 0)
		return rc;
	if ((rc = dom_open(cfg, domain, &d, err)) < 0) {
		dom_close(&d);
		return rc;
	}
	if (valias_store(cfg)) {
		line_fwd f = { cb, ctx };
		rc = vp_store_valias_get(valias_store(cfg), dom_real(&d), lname, 0, fwd_line, &f, err);
		dom_close(&d);
		return rc < 0 ? rc : 0;
	}
	rc = read_alias(&d, fname, &data, &len, err);
	if (rc == 1)
		rc = vp_fail(err, VA_COULD_NOT_OPEN_DOT_QMAIL,
		             "%s is a symbolic link leading outside the domain directory", fname);
	if (rc == 0)
		rc = emit_lines(data, len, cb, ctx, &stop, err);
	free(data);
	dom_close(&d);
	return rc < 0 ? rc : 0;
}

int vp_alias_get_all(const vp_config *cfg, const char *domain, vp_alias_name_cb name_cb,
                     vp_alias_line_cb line_cb, void *ctx, vp_error *err)
{
	alias_dom d;
	name_list l = {0};
	size_t i;
	int rc;

	vp_error_clear(err);
	if (cfg == NULL || name_cb == NULL || line_cb == NULL)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = dom_open(cfg, domain, &d, err)) < 0) {
		dom_close(&d);
		return rc;
	}
	if (valias_store(cfg)) {
		all_fwd f = { name_cb, line_cb, ctx, "", 0 };
		rc = vp_store_valias_get(valias_store(cfg), dom_real(&d), NULL, 0, fwd_all, &f, err);
		dom_close(&d);
		return rc < 0 ? rc : 0;
	}
	rc = list_dir(&d, LIST_NAMES, &l, err);
	for (i = 0; rc == 0 && i < l.n; i++) {
		char name[256], *p;
		char *data = NULL;
		size_t len = 0;
		int stop = 0, r;

		r = read_alias(&d, l.v[i], &data, &len, err);
		if (r < 0) {
			rc = r;
			break;
		}
		if (r == 1 || len == 0) { /* outside link, empty or not a file: skip */
			free(data);
			continue;
		}
		snprintf(name, sizeof name, "%s", l.v[i] + ALIAS_PREFIX_LEN);
		for (p = name; *p; p++)
			if (*p == ':')
				*p = '.';
		r = name_cb(ctx, name);
		if (r != 0) {
			free(data);
			rc = cb_result(r, err);
			break;
		}
		rc = emit_lines(data, len, line_cb, ctx, &stop, err);
		free(data);
		if (stop)
			break;
	}
	names_free(&l);
	dom_close(&d);
	return rc < 0 ? rc : 0;
}
