/*
 * vp_qmail.c: qmail's side of a virtual domain (spec 2): users/assign and the
 * users/cdb qmail-newu would compile from it, control/rcpthosts,
 * morercpthosts(.cdb), virtualdomains and locals.
 *
 * Domains are registered under users/assign.lock, which the callers in
 * vp_domain.c hold across the existence check and every file below, so two
 * writers can never both add the same domain.  Each control file is also
 * rewritten under its own <file>.lock, as vpopmail does.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vpcore.h"

#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vp_buf.h"

#define QMAIL_FILE_MAX (64u << 20)
#define RCPTHOSTS_LIMIT 50

static void sb_line(vp_buf *b, const char *s, size_t n)
{
	vp_buf_add(b, s, n);
	vp_buf_add(b, "\n", 1);
}

/* Iterate over the lines of a buffer (the last one may lack its newline). */
static int next_line(const char **p, const char *end, const char **line, size_t *len)
{
	if (*p >= end)
		return 0;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*len = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	*p = nl ? nl + 1 : end;
	return 1;
}

/* "extract_domain" of spec 2.8: the last two labels first, then the rest. */
void vp_line_key(const char *line, size_t len, int is_assign, char *key, size_t size)
{
	const char *colon = memchr(line, ':', len);
	size_t n = colon ? (size_t)(colon - line) : len;
	const char *s = line;
	if (is_assign && n > 0 && (s[0] == '+' || s[0] == '=')) {
		s++;
		n--;
		if (n > 0)
			n--; /* the trailing '-' of the wildcard */
	}
	const char *label[10];
	size_t label_len[10];
	int count = 0;
	const char *start = s, *end = s + n;
	for (const char *q = s; q <= end && count < 10; q++) {
		if (q == end || *q == '.') {
			label[count] = start;
			label_len[count] = (size_t)(q - start);
			count++;
			start = q + 1;
		}
	}
	if (count > 0 && start < end) /* more than 10 labels: the tail stays in the last */
		label_len[count - 1] = (size_t)(end - label[count - 1]);
	vp_buf b = { 0 };
	if (count >= 2) {
		int order[10], k = 0;
		order[k++] = count - 2;
		order[k++] = count - 1;
		for (int i = 0; i < count - 2; i++)
			order[k++] = i;
		for (int i = 0; i < k; i++) {
			if (i)
				vp_buf_add(&b, ".", 1);
			vp_buf_add(&b, label[order[i]], label_len[order[i]]);
		}
	} else {
		vp_buf_add(&b, s, n);
	}
	if (size > 0) {
		size_t m = (b.p && !b.oom) ? b.len : 0;
		if (m >= size)
			m = size - 1;
		if (m)
			memcpy(key, b.p, m);
		key[m] = '\0';
	}
	free(b.p);
}

static int key_cmp(const char *a, size_t alen, const char *b, size_t blen, int is_assign)
{
	char ka[300], kb[300];
	vp_line_key(a, alen, is_assign, ka, sizeof ka);
	vp_line_key(b, blen, is_assign, kb, sizeof kb);
	return strncmp(ka, kb, sizeof ka);
}

static int lower_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = a[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != b[i])
			return 0;
	}
	return 1;
}

/* A line of control/me or locals names `name` (lowercase) as qmail reads
 * it: blanks cut (leading ones too, which only ever matches more), '#'
 * comments and empty lines never a name, case ignored. */
static int control_line_is(const char *line, size_t len, const char *name)
{
	size_t a = 0, nl = strlen(name);
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r' ||
	                   line[len - 1] == '\n'))
		len--;
	while (a < len && (line[a] == ' ' || line[a] == '\t'))
		a++;
	return len > a && line[a] != '#' && len - a == nl && lower_eq(line + a, name, nl);
}

enum remove_mode { REMOVE_EXACT, REMOVE_ASSIGN_NAME, REMOVE_KEY, REMOVE_CONTROL_NAME };

static int line_matches(const char *line, size_t len, const char *s, enum remove_mode mode)
{
	size_t sl = strlen(s);
	switch (mode) {
	case REMOVE_EXACT:
		return len == sl && memcmp(line, s, sl) == 0;
	case REMOVE_ASSIGN_NAME: /* "+<name>-:" */
		return len >= sl + 3 && line[0] == '+' && memcmp(line + 1, s, sl) == 0 &&
		       line[sl + 1] == '-' && line[sl + 2] == ':';
	case REMOVE_KEY: /* "<name>:" as in virtualdomains */
		return len > sl && memcmp(line, s, sl) == 0 && line[sl] == ':';
	case REMOVE_CONTROL_NAME: /* locals: any line qmail takes for the name */
		return control_line_is(line, len, s);
	}
	return 0;
}

/*
 * Rewrite a line file: drop lines matching `remove`, insert `add` before the
 * first line whose key is greater (spec 2.8).  Unknown lines are kept byte
 * for byte; assign keeps its final "." line.  The new text is returned.
 */
static int rewrite_lines(const vp_config *cfg, const char *path, int is_assign, const char *add,
                         const char *const *remove, size_t nremove, enum remove_mode mode,
                         size_t *removed, vp_buf *out, vp_error *err)
{
	char lockpath[4200];
	vp_lock lock;
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (removed)
		*removed = 0;
	/* a leaf: the caller holds assign.lock, and maybe a domain's .vpasswd.lock
	 * (vp_del_domain), never another control lock (lock order: vpcore.h) */
	snprintf(lockpath, sizeof lockpath, "%s.lock", path);
	rc = vp_lock_acquire(cfg, lockpath, &lock, err);
	if (rc != 0)
		return rc;
	rc = vp_read_file(path, &data, &len, QMAIL_FILE_MAX, err);
	if (rc < -1)
		goto done;
	rc = 0;

	const char *p = data ? data : "", *end = p + len, *line;
	size_t ll;
	int added = (add == NULL);
	while (next_line(&p, end, &line, &ll)) {
		if (is_assign && ll >= 1 && line[0] == '.')
			break; /* qmail-newu stops here; we write "." again at the end */
		if (add && ll == strlen(add) && memcmp(line, add, ll) == 0)
			added = 1; /* already present: no duplicate */
		int drop = 0;
		for (size_t i = 0; i < nremove && !drop; i++)
			drop = line_matches(line, ll, remove[i], mode);
		if (drop) {
			if (removed)
				(*removed)++;
			continue;
		}
		if (!added && key_cmp(line, ll, add, strlen(add), is_assign) > 0) {
			sb_line(out, add, strlen(add));
			added = 1;
		}
		sb_line(out, line, ll);
	}
	if (!added)
		sb_line(out, add, strlen(add));
	if (is_assign)
		sb_line(out, ".", 1);
	if (out->oom) {
		rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
		goto done;
	}
	/* An unchanged file is left alone, but a missing one is created (as vpopmail does). */
	if (data && len == out->len && memcmp(data, out->p ? out->p : "", len) == 0)
		goto done;
	rc = vp_write_file_atomic(cfg, path, out->p ? out->p : "", out->len, 0644, (uid_t)-1,
	                          (gid_t)-1, 0, err);
done:
	free(data);
	vp_lock_release(&lock);
	return rc;
}

/* A cdb written through the atomic primitive: begin, add records, end. */
static int cdb_begin(const vp_config *cfg, const char *path, vp_atomic *a, struct cdb_make *cdbm,
                     vp_error *err)
{
	int rc = vp_atomic_open(cfg, a, path, 0644, err);
	if (rc != 0)
		return rc;
	if (cdb_make_start(cdbm, a->fd) != 0) {
		vp_atomic_abort(a);
		return vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cdb_make_start", path);
	}
	return 0;
}

/* Finishes the cdb when rc is 0 (the temp file stays for the caller to
 * commit), otherwise discards the temp file; returns the result. */
static int cdb_finish(int rc, vp_atomic *a, struct cdb_make *cdbm, vp_error *err)
{
	int cdbm_done = 0;
	if (rc == 0) {
		cdbm_done = 1;
		if (cdb_make_finish(cdbm) != 0)
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cdb_make_finish", a->path);
	}
	if (rc != 0) {
		/* tinycdb frees its record index only in finish (there is no
		 * cdb_make_free); what it writes goes with the temp file. */
		if (!cdbm_done)
			cdb_make_finish(cdbm);
		vp_atomic_abort(a);
		return rc;
	}
	return 0;
}

/* Commits when rc is 0, otherwise discards the temp file; returns the result. */
static int cdb_end(int rc, vp_atomic *a, struct cdb_make *cdbm, vp_error *err)
{
	if ((rc = cdb_finish(rc, a, cdbm, err)) != 0)
		return rc;
	return vp_atomic_commit(a, (uid_t)-1, (gid_t)-1, 0, err);
}

/* users/cdb exactly as qmail-newu compiles it (spec 2.2), left in a->tmp. */
static int users_cdb_make(const vp_config *cfg, const char *assign, size_t len, vp_atomic *ap,
                          vp_error *err)
{
	char path[4096];
	struct cdb_make cdbm;
	vp_atomic *a = ap;
	char wild[256];
	size_t nwild = 0;
	int rc;

	if (vp_path_join(path, sizeof path, cfg->qmail_dir, "users/cdb") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	if ((rc = cdb_begin(cfg, path, a, &cdbm, err)) != 0)
		return rc;
	const char *p = assign, *end = assign + len, *line;
	size_t ll;
	rc = 0;
	while (rc == 0 && next_line(&p, end, &line, &ll)) {
		if (ll >= 1 && line[0] == '.')
			break;
		const char *colon = memchr(line, ':', ll);
		if (ll == 0 || !colon || colon == line || memchr(line, '\0', ll) ||
		    (line[0] != '+' && line[0] != '=')) {
			rc = vp_fail(err, VA_CANNOT_READ_ASSIGN, "bad line in users/assign");
			break;
		}
		char key[1024], val[2048];
		size_t klen = 0, vlen = 0, nfield = 0;
		key[klen++] = '!';
		for (const char *q = line + 1; q < colon; q++) {
			if (klen >= sizeof key - 2)
				break;
			char c = *q;
			key[klen++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		}
		if (line[0] == '=')
			key[klen++] = '\0';
		else if (nwild < sizeof wild && !memchr(wild, colon[-1], nwild))
			wild[nwild++] = colon[-1];
		for (const char *q = colon + 1; q < line + ll && nfield < 6; q++) {
			if (vlen >= sizeof val) {
				nfield = 0;
				break;
			}
			if (*q == ':') {
				nfield++;
				if (nfield == 6)
					break;
				val[vlen++] = '\0';
			} else {
				val[vlen++] = *q;
			}
		}
		if (nfield < 6) {
			rc = vp_fail(err, VA_CANNOT_READ_ASSIGN, "bad line in users/assign");
			break;
		}
		if (cdb_make_add(&cdbm, key, (unsigned)klen, val, (unsigned)vlen) != 0)
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cdb_make_add", path);
	}
	if (rc == 0 && cdb_make_add(&cdbm, "", 0, wild, (unsigned)nwild) != 0)
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cdb_make_add", path);
	return cdb_finish(rc, a, &cdbm, err);
}

int vp_build_users_cdb(const vp_config *cfg, const char *assign, size_t len, vp_error *err)
{
	vp_atomic a;
	int rc = users_cdb_make(cfg, assign, len, &a, err);
	if (rc != 0)
		return rc;
	return vp_atomic_commit(&a, (uid_t)-1, (gid_t)-1, 0, err);
}

/* control/morercpthosts.cdb as qmail-newmrh compiles it (spec 2.3). */
int vp_build_morercpthosts_cdb(const vp_config *cfg, const char *text, size_t len, vp_error *err)
{
	char path[4096];
	struct cdb_make cdbm;
	vp_atomic a;
	int rc = 0;

	if (vp_path_join(path, sizeof path, cfg->qmail_dir, "control/morercpthosts.cdb") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	if ((rc = cdb_begin(cfg, path, &a, &cdbm, err)) != 0)
		return rc;
	const char *p = text, *end = text + len, *line;
	size_t ll;
	while (rc == 0 && next_line(&p, end, &line, &ll)) {
		if (ll > 0 && line[0] == '#')
			continue;
		while (ll > 0 && (line[ll - 1] == ' ' || line[ll - 1] == '\t'))
			ll--;
		char key[1024];
		if (ll >= sizeof key)
			ll = sizeof key - 1;
		for (size_t i = 0; i < ll; i++)
			key[i] = (line[i] >= 'A' && line[i] <= 'Z') ? (char)(line[i] - 'A' + 'a') : line[i];
		if (cdb_make_add(&cdbm, key, (unsigned)ll, "", 0) != 0)
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cdb_make_add", path);
	}
	return cdb_end(rc, &a, &cdbm, err);
}

static int control_path(const vp_config *cfg, const char *name, char *out, size_t size)
{
	char rel[256];
	snprintf(rel, sizeof rel, "control/%s", name);
	return vp_path_join(out, size, cfg->qmail_dir, rel);
}

/* Digits only (strtoul would take "-9" as a huge uid, or " +9"), and a
 * value that fits uid_t/gid_t: 0, or -1. */
static int assign_id(const char *s, size_t len, unsigned long *out)
{
	unsigned long v = 0;
	if (len == 0 || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 0xFFFFFFFFUL || (unsigned long)(uid_t)v != v || (unsigned long)(gid_t)v != v)
		return -1;
	*out = v;
	return 0;
}

static int parse_assign_value(const char *val, size_t vlen, const char *domain,
                              vp_domain_info *out, vp_error *err)
{
	const char *field[4];
	size_t flen[4];
	size_t f = 0;
	const char *start = val;
	for (const char *q = val; q < val + vlen && f < 4; q++) {
		if (*q == '\0') {
			field[f] = start;
			flen[f] = (size_t)(q - start);
			f++;
			start = q + 1;
		}
	}
	if (f < 4 || flen[0] == 0 || flen[0] > VP_MAX_PW_DOMAIN || flen[3] == 0 ||
	    flen[3] >= sizeof out->dir || field[3][0] != '/' || flen[1] > 10 || flen[2] > 10)
		return vp_fail(err, VA_CORRUPT_FILE, "bad users/cdb record for %s", domain);
	unsigned long uid, gid;
	if (assign_id(field[1], flen[1], &uid) != 0)
		return vp_fail(err, VA_CORRUPT_FILE, "bad uid for %s", domain);
	if (assign_id(field[2], flen[2], &gid) != 0)
		return vp_fail(err, VA_CORRUPT_FILE, "bad gid for %s", domain);
	snprintf(out->name, sizeof out->name, "%s", domain);
	memcpy(out->realdomain, field[0], flen[0]);
	out->realdomain[flen[0]] = '\0';
	memcpy(out->dir, field[3], flen[3]);
	out->dir[flen[3]] = '\0';
	out->uid = (uid_t)uid;
	out->gid = (gid_t)gid;
	out->is_alias = strcmp(out->name, out->realdomain) != 0;
	return 0;
}

#define USERS_CDB_STALE 2

static int newer(const struct stat *a, const struct stat *b)
{
	return a->st_mtim.tv_sec > b->st_mtim.tv_sec ||
	       (a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec > b->st_mtim.tv_nsec);
}

/* 1 / 0 / <0, or USERS_CDB_STALE: users/cdb is missing next to an assign,
 * does not parse, or is older than assign (edited without qmail-newu).
 * cdb_seek reads just the bytes of one lookup: mapping the file and
 * unmapping it again (a TLB shootdown on every CPU) cost more than the
 * lookup, and this runs on every authentication. */
static int users_cdb_find(const char *path, const char *assign, const char *domain,
                          vp_domain_info *out, vp_error *err)
{
	char key[VP_MAX_PW_DOMAIN + 3], val[4097];
	struct stat cs, as;
	size_t dl = strlen(domain);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return stat(assign, &as) == 0 ? USERS_CDB_STALE : 0;
		return vp_fail_errno(err, VA_CANNOT_READ_ASSIGN, "cannot open", path);
	}
	/* cdb_seek does not check the file holds its 2048-byte header. */
	if (fstat(fd, &cs) != 0 || cs.st_size < 2048 ||
	    (stat(assign, &as) == 0 && newer(&as, &cs))) {
		close(fd);
		return USERS_CDB_STALE;
	}
	key[0] = '!';
	memcpy(key + 1, domain, dl);
	key[dl + 1] = '-';
	unsigned vlen = 0;
	int rc = cdb_seek(fd, key, (unsigned)(dl + 2), &vlen);
	if (rc > 0) {
		if (vlen > 4096 || cdb_bread(fd, val, (int)vlen) != 0 ||
		    parse_assign_value(val, vlen, domain, out, NULL) != 0)
			rc = USERS_CDB_STALE;
		else
			rc = 1;
	} else if (rc < 0) {
		rc = USERS_CDB_STALE;
	}
	close(fd);
	return rc;
}

/* The answer from users/assign itself: the "+<domain>-:" line, as qmail-newu reads it. */
static int assign_find(const char *assign, const char *domain, vp_domain_info *out, vp_error *err)
{
	char *data;
	size_t len, dl = strlen(domain);
	int rc = vp_read_file(assign, &data, &len, QMAIL_FILE_MAX, err);
	if (rc == -1)
		return 0;
	if (rc < 0)
		return rc;
	const char *p = data, *end = data + len, *l;
	size_t ll;
	rc = 0;
	while (next_line(&p, end, &l, &ll)) {
		if (ll >= 1 && l[0] == '.')
			break;
		if (!line_matches(l, ll, domain, REMOVE_ASSIGN_NAME))
			continue;
		char val[4096];
		size_t vlen = ll - dl - 3;
		if (vlen >= sizeof val) {
			rc = vp_fail(err, VA_CANNOT_READ_ASSIGN, "bad line in users/assign");
			break;
		}
		for (size_t i = 0; i < vlen; i++)
			val[i] = l[dl + 3 + i] == ':' ? '\0' : l[dl + 3 + i];
		rc = parse_assign_value(val, vlen, domain, out, err) == 0 ? 1 : VA_CANNOT_READ_ASSIGN;
		if (rc < 0)
			vp_fail(err, VA_CANNOT_READ_ASSIGN, "bad line in users/assign for %s", domain);
		break;
	}
	free(data);
	return rc;
}

/*
 * qmail-lspawn gives a local part ("<domain>-<user>", via virtualdomains)
 * to the users/cdb entry with the longest key that is a prefix of it and
 * ends in a wildcard char ('-' on every vpopmail line), an exact "=" entry
 * first.  So "+victim.test-john.doe-" would take john.doe-...@victim.test,
 * and an existing "+shop.example-eu.test-" would take eu.test-...@ of a new
 * shop.example.  The new key "<name>-" must therefore be no proper prefix
 * of another key, nor another "+" key one of it; one pass over assign,
 * every line counts whoever wrote it (keys lowercased, as qmail-newu does).
 */
static int assign_conflict(const char *assign, const char *name, vp_error *err)
{
	char key[VP_MAX_PW_DOMAIN + 2];
	size_t kl = (size_t)snprintf(key, sizeof key, "%s-", name);
	if (kl >= sizeof key)
		return vp_fail(err, VA_DOMAIN_NAME_TOO_LONG, NULL);
	char *data;
	size_t len;
	int rc = vp_read_file(assign, &data, &len, QMAIL_FILE_MAX, err);
	if (rc == -1)
		return 0;
	if (rc < 0)
		return rc;
	const char *p = data, *end = data + len, *l;
	size_t ll;
	while (rc == 0 && next_line(&p, end, &l, &ll)) {
		if (ll >= 1 && l[0] == '.')
			break;
		const char *colon = ll ? memchr(l, ':', ll) : NULL;
		if (!colon || (l[0] != '+' && l[0] != '='))
			continue; /* qmail-newu refuses such an assign: no entry */
		const char *k = l + 1;
		size_t n = (size_t)(colon - k);
		if (l[0] == '=') {
			/* an exact address inside the new domain's space */
			if (n > kl && lower_eq(k, key, kl))
				rc = vp_fail(err, VA_DOMAIN_NAME_CONFLICT, "%s is extended by =%.*s in users/assign",
				             name, (int)n, k);
		} else if (n == kl && lower_eq(k, key, kl)) {
			rc = vp_fail(err, VA_DOMAIN_ALREADY_EXISTS, "%s", name);
		} else if (n > kl && lower_eq(k, key, kl)) {
			rc = vp_fail(err, VA_DOMAIN_NAME_CONFLICT, "%s is extended by +%.*s in users/assign",
			             name, (int)n, k);
		} else if (n > 0 && n < kl && lower_eq(k, key, n)) {
			/* "+:" (n == 0) takes whatever nothing else does: no one's mail */
			rc = vp_fail(err, VA_DOMAIN_NAME_CONFLICT, "%s extends +%.*s in users/assign", name,
			             (int)n, k);
		}
	}
	free(data);
	return rc;
}

/* 1 when a line of the control file is `name` (control_line_is); control/me
 * counts by its first line only.  Read as qmail does, following a symlink. */
static int control_has(const vp_config *cfg, const char *file, int first_only, const char *name,
                       vp_error *err)
{
	char path[4096];
	if (control_path(cfg, file, path, sizeof path) != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	/* a read: qmail's own files, a symlinked one followed as qmail does */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f && fd >= 0) {
		close(fd);
		return vp_fail_errno(err, VA_MEMORY_ALLOC_ERR, "cannot read", path);
	}
	if (!f)
		return errno == ENOENT ? 0 : vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot open", path);
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int found = 0;
	while (!found && (got = getline(&line, &cap, f)) >= 0) {
		found = control_line_is(line, (size_t)got, name);
		if (first_only)
			break;
	}
	int rc = found;
	if (!found && ferror(f))
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot read", path);
	free(line);
	fclose(f);
	return rc;
}

int vp_qmail_check_name(const vp_config *cfg, const char *name, vp_error *err)
{
	char assign[4096];
	if (vp_path_join(assign, sizeof assign, cfg->qmail_dir, "users/assign") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	int rc = assign_conflict(assign, name, err);
	if (rc != 0 || cfg->allow_host_domains)
		return rc;
	/* Registering the host's own name takes it out of locals: root@host
	 * would reach the tenant. */
	static const char *const files[2] = { "me", "locals" };
	for (int i = 0; i < 2; i++) {
		rc = control_has(cfg, files[i], i == 0, name, err);
		if (rc < 0)
			return rc;
		if (rc > 0)
			return vp_fail(err, VA_HOST_DOMAIN, "%s is in control/%s", name, files[i]);
	}
	return 0;
}

/* Best effort: users/cdb compiled afresh, if assign.lock is free right now
 * (a writer holding it rewrites users/cdb itself). */
static void users_cdb_refresh(const vp_config *cfg, const char *assign)
{
	char lockpath[4200];
	vp_config quick = *cfg;
	vp_lock lock;
	vp_error ignored;
	char *data;
	size_t len;
	/* Tried, never waited for: a writer holding a domain's lock may look a
	 * domain up, and assign.lock comes before that lock (vpcore.h). */
	quick.lock_timeout_ms = 1;
	snprintf(lockpath, sizeof lockpath, "%s.lock", assign);
	if (vp_lock_acquire(&quick, lockpath, &lock, &ignored) != 0)
		return;
	if (vp_read_file(assign, &data, &len, QMAIL_FILE_MAX, &ignored) == 0) {
		vp_build_users_cdb(cfg, data, len, &ignored);
		free(data);
	}
	vp_lock_release(&lock);
}

/* vget_assign: users/cdb decides whether a domain exists (spec 2.2), as long
 * as it agrees with users/assign; a cdb that is missing, unreadable or older
 * than assign is never trusted: assign answers and the cdb is rebuilt. */
int vp_domain_lookup(const vp_config *cfg, const char *domain, vp_domain_info *out, vp_error *err)
{
	char path[4096], assign[4096];

	if (vp_path_join(path, sizeof path, cfg->qmail_dir, "users/cdb") != 0 ||
	    vp_path_join(assign, sizeof assign, cfg->qmail_dir, "users/assign") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	if (strlen(domain) > VP_MAX_PW_DOMAIN)
		return vp_fail(err, VA_DOMAIN_NAME_TOO_LONG, NULL);
	int rc = users_cdb_find(path, assign, domain, out, err);
	if (rc == USERS_CDB_STALE) {
		struct stat st;
		if (stat(assign, &st) != 0 && errno == ENOENT) /* nothing to answer from instead */
			return vp_fail(err, VA_CORRUPT_FILE, "%s does not parse and there is no users/assign",
			               path);
		rc = assign_find(assign, domain, out, err);
		if (rc >= 0)
			users_cdb_refresh(cfg, assign);
	}
	/* which directory: a writer checks under its lock that it is still this one */
	if (rc == 1)
		vp_dir_id_get(out->dir, &out->id);
	return rc;
}

/*
 * Replace users/assign and users/cdb together.  Both are complete before
 * either is renamed, and assign (the source) is written and renamed first,
 * so a writer killed in between leaves an assign newer than users/cdb,
 * which lookups take as stale and answer from assign (then rebuild): never
 * a cdb ahead of its assign.  A cdb that fails to compile leaves both files
 * as they were; should the cdb rename fail after assign's, the cdb is
 * removed, to be rebuilt on demand.
 */
static int write_assign(const vp_config *cfg, const char *path, const char *text, size_t len,
                        vp_error *err)
{
	vp_atomic a;
	int rc = vp_atomic_open(cfg, &a, path, 0644, err);
	if (rc != 0)
		return rc;
	if (vp_atomic_write(&a, text, len) != 0 || vp_atomic_flush(&a) != 0) {
		errno = a.saved_errno;
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot write", a.tmp);
		vp_atomic_abort(&a);
		return rc;
	}
	vp_atomic c;
	if ((rc = users_cdb_make(cfg, text, len, &c, err)) != 0) {
		vp_atomic_abort(&a);
		return rc;
	}
	if ((rc = vp_atomic_commit(&a, (uid_t)-1, (gid_t)-1, 0, err)) != 0) {
		vp_atomic_abort(&c);
		return rc;
	}
	if ((rc = vp_atomic_commit(&c, (uid_t)-1, (gid_t)-1, 0, err)) != 0) {
		/* assign is the new one already: a missing cdb is rebuilt from it
		 * on demand, and an old one is outdated by assign's mtime. */
		if (vp_unlink_walked(cfg, c.path) == 0 || errno == ENOENT) {
			vp_error_clear(err);
			rc = 0;
		}
	}
	return rc;
}

static int count_lines(const char *path, size_t *count, vp_error *err)
{
	char *data;
	size_t len;
	*count = 0;
	int rc = vp_read_file(path, &data, &len, QMAIL_FILE_MAX, err);
	if (rc == -1)
		return 0;
	if (rc < 0)
		return rc;
	const char *p = data, *end = data + len, *line;
	size_t ll;
	/* vpopmail reads 300-byte chunks, so a very long line counts more than once. */
	while (next_line(&p, end, &line, &ll))
		*count += 1 + (ll + 1) / 300;
	free(data);
	return 0;
}

static int rewrite_simple(const vp_config *cfg, const char *name, const char *add,
                          const char *const *remove, size_t nremove, enum remove_mode mode,
                          size_t *removed, vp_buf *text, vp_error *err)
{
	char path[4096];
	vp_buf local = { 0 };
	if (control_path(cfg, name, path, sizeof path) != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	int rc = rewrite_lines(cfg, path, 0, add, remove, nremove, mode, removed,
	                       text ? text : &local, err);
	free(local.p);
	return rc;
}

int vp_qmail_add_domain(const vp_config *cfg, const char *name, const char *realdomain,
                        const char *dir, uid_t uid, gid_t gid, vp_error *err)
{
	char path[4096], line[4400];
	vp_buf assign = { 0 };
	int rc;

	if (vp_path_join(path, sizeof path, cfg->qmail_dir, "users/assign") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	snprintf(line, sizeof line, "+%s-:%s:%lu:%lu:%s:-::", name, realdomain, (unsigned long)uid,
	         (unsigned long)gid, dir);
	/* The caller holds assign.lock; rewrite_lines takes the same lock file
	 * again through a second description, so it must not: write directly. */
	char *data = NULL;
	size_t len = 0;
	rc = vp_read_file(path, &data, &len, QMAIL_FILE_MAX, err);
	if (rc < -1)
		return rc;
	const char *p = data ? data : "", *end = p + len, *l;
	size_t ll;
	int added = 0;
	while (next_line(&p, end, &l, &ll)) {
		if (ll >= 1 && l[0] == '.')
			break;
		if (line_matches(l, ll, name, REMOVE_ASSIGN_NAME)) {
			free(data);
			free(assign.p);
			return vp_fail(err, VA_DOMAIN_ALREADY_EXISTS, "%s", name);
		}
		if (!added && key_cmp(l, ll, line, strlen(line), 1) > 0) {
			sb_line(&assign, line, strlen(line));
			added = 1;
		}
		sb_line(&assign, l, ll);
	}
	if (!added)
		sb_line(&assign, line, strlen(line));
	sb_line(&assign, ".", 1);
	if (assign.oom) {
		free(data);
		free(assign.p);
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	}
	/* An assign qmail-newu would reject is never written. */
	rc = write_assign(cfg, path, assign.p, assign.len, err);
	free(data);
	free(assign.p);
	if (rc != 0)
		return rc;

	size_t count;
	char rcpt[4096];
	if (control_path(cfg, "rcpthosts", rcpt, sizeof rcpt) != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	rc = count_lines(rcpt, &count, err);
	if (rc != 0)
		return rc;
	if (count >= RCPTHOSTS_LIMIT) {
		vp_buf more = { 0 };
		rc = rewrite_simple(cfg, "morercpthosts", name, NULL, 0, REMOVE_EXACT, NULL, &more, err);
		if (rc == 0)
			rc = vp_build_morercpthosts_cdb(cfg, more.p ? more.p : "", more.len, err);
		free(more.p);
	} else {
		rc = rewrite_simple(cfg, "rcpthosts", name, NULL, 0, REMOVE_EXACT, NULL, NULL, err);
	}
	if (rc != 0)
		return rc;
	snprintf(line, sizeof line, "%s:%s", name, name);
	rc = rewrite_simple(cfg, "virtualdomains", line, NULL, 0, REMOVE_EXACT, NULL, NULL, err);
	if (rc != 0)
		return rc;
	const char *self[1] = { name };
	return rewrite_simple(cfg, "locals", NULL, self, 1, REMOVE_CONTROL_NAME, NULL, NULL, err);
}

int vp_qmail_del_domains(const vp_config *cfg, const char *const *names, size_t count,
                         vp_error *err)
{
	char path[4096];
	int rc;

	if (vp_path_join(path, sizeof path, cfg->qmail_dir, "users/assign") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	char *data = NULL;
	size_t len = 0;
	rc = vp_read_file(path, &data, &len, QMAIL_FILE_MAX, err);
	if (rc < -1)
		return rc;
	if (rc == 0) {
		vp_buf assign = { 0 };
		const char *p = data, *end = data + len, *l;
		size_t ll;
		while (next_line(&p, end, &l, &ll)) {
			if (ll >= 1 && l[0] == '.')
				break;
			int drop = 0;
			for (size_t i = 0; i < count && !drop; i++)
				drop = line_matches(l, ll, names[i], REMOVE_ASSIGN_NAME);
			if (!drop)
				sb_line(&assign, l, ll);
		}
		sb_line(&assign, ".", 1);
		if (assign.oom)
			rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
		else
			rc = write_assign(cfg, path, assign.p, assign.len, err);
		free(assign.p);
	}
	free(data);
	if (rc != 0)
		return rc;

	/* Both rcpthosts files every time: vpopmail's skip leaves stale entries (15.18). */
	rc = rewrite_simple(cfg, "rcpthosts", NULL, names, count, REMOVE_EXACT, NULL, NULL, err);
	if (rc != 0)
		return rc;
	char more[4096];
	struct stat st;
	if (control_path(cfg, "morercpthosts", more, sizeof more) != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	if (stat(more, &st) == 0) {
		vp_buf text = { 0 };
		size_t removed = 0;
		rc = rewrite_simple(cfg, "morercpthosts", NULL, names, count, REMOVE_EXACT, &removed,
		                    &text, err);
		if (rc == 0 && removed > 0) {
			if (text.len == 0) {
				char cdbpath[4096];
				control_path(cfg, "morercpthosts.cdb", cdbpath, sizeof cdbpath);
				vp_unlink_walked(cfg, more);
				vp_unlink_walked(cfg, cdbpath);
			} else {
				rc = vp_build_morercpthosts_cdb(cfg, text.p, text.len, err);
			}
		}
		free(text.p);
		if (rc != 0)
			return rc;
	}
	return rewrite_simple(cfg, "virtualdomains", NULL, names, count, REMOVE_KEY, NULL, NULL, err);
}

int vp_assign_names_for(const vp_config *cfg, const char *realdomain, char ***names,
                        size_t *count, vp_error *err)
{
	char path[4096];
	char *data = NULL;
	size_t len = 0;

	*names = NULL;
	*count = 0;
	if (vp_path_join(path, sizeof path, cfg->qmail_dir, "users/assign") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	int rc = vp_read_file(path, &data, &len, QMAIL_FILE_MAX, err);
	if (rc == -1)
		return vp_fail(err, VA_CANNOT_READ_ASSIGN, NULL);
	if (rc < 0)
		return rc;
	size_t rl = strlen(realdomain), cap = 0;
	char **list = NULL;
	const char *p = data, *end = data + len, *l;
	size_t ll;
	rc = 0;
	while (next_line(&p, end, &l, &ll)) {
		if (ll >= 1 && l[0] == '.')
			break;
		const char *colon = memchr(l, ':', ll);
		if (l[0] != '+' || !colon || colon - l < 3 || colon[-1] != '-')
			continue;
		const char *f2 = colon + 1;
		const char *c2 = memchr(f2, ':', (size_t)(l + ll - f2));
		if (!c2 || (size_t)(c2 - f2) != rl || memcmp(f2, realdomain, rl) != 0)
			continue;
		size_t nl = (size_t)(colon - l) - 2;
		char *name = malloc(nl + 1);
		if (name && *count == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			char **nlist = realloc(list, ncap * sizeof *nlist);
			if (nlist) {
				list = nlist;
				cap = ncap;
			}
		}
		if (!name || *count == cap) { /* the old list stays owned, freed below */
			free(name);
			rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
			break;
		}
		memcpy(name, l + 1, nl);
		name[nl] = '\0';
		/* the real domain goes first */
		if (strcmp(name, realdomain) == 0 && *count > 0) {
			memmove(list + 1, list, *count * sizeof *list);
			list[0] = name;
		} else {
			list[*count] = name;
		}
		(*count)++;
	}
	free(data);
	if (rc != 0) {
		vp_free_names(list, *count);
		*count = 0;
		return rc;
	}
	*names = list;
	return 0;
}

void vp_free_names(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

/* Never ps-and-grep (spec 15.17): a pidfile or a supervise control fifo. */
int vp_qmail_reload(const vp_config *cfg)
{
	if (cfg->reload_mode == VP_RELOAD_NONE || !cfg->reload_target || !*cfg->reload_target)
		return 0;
	if (cfg->reload_mode == VP_RELOAD_PIDFILE) {
		char *data;
		size_t len;
		if (vp_read_file(cfg->reload_target, &data, &len, 64, NULL) != 0)
			return -1;
		char *e;
		long pid = strtol(data, &e, 10);
		int ok = pid > 1 && (*e == '\0' || *e == '\n');
		free(data);
		return (ok && kill((pid_t)pid, SIGHUP) == 0) ? 0 : -1;
	}
	char path[4096];
	if (vp_path_join(path, sizeof path, cfg->reload_target, "supervise/control") != 0)
		return -1;
	/* O_NONBLOCK: with no supervise reading the fifo, open fails instead of hanging. */
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, "h", 1);
	close(fd);
	return w == 1 ? 0 : -1;
}
