/* check.h: whole-tree consistency checker for the stress tests (header-only).
 *
 * chk_tree() walks a sandbox and reports (stderr) every way the tree is not a
 * state a sequence of complete operations could have produced:
 *  - users/assign parses (one "+name-:real:uid:gid:dir:-::" line per name,
 *    final "."), and users/cdb holds exactly the records qmail-newu would
 *    compile from it (an independent re-implementation of spec 2.2);
 *  - every assign name is in rcpthosts or morercpthosts (once), and in
 *    virtualdomains; morercpthosts.cdb holds exactly morercpthosts' lines;
 *  - for every real domain: its directory exists, vpasswd parses (7 or 8
 *    fields, names strictly increasing in strcmp order, so no duplicate),
 *    vpasswd.cdb opens with tinycdb and holds exactly vpasswd's records in
 *    order (key = name, value = the rest of the line), every home exists
 *    and lies at <domaindir>/[bucket/]<name>;
 *  - .dir-control counts: vpopmail only ever increments cur_users on an add
 *    and decrements it on a delete, so after complete operations on a domain
 *    created empty cur_users == number of users (domains/.dir-control ==
 *    number of real domains).  A killed add or delete leaves the counter
 *    ahead (the counter moves before vpasswd on add, after it on delete), so
 *    after a crash cur_users >= users.  At most 99 homes sit directly in the
 *    domain dir (the "" bucket holds entries 1-99 only);
 *  - aliases: vp_alias_get_all lists exactly the .qmail-<name> files whose
 *    name holds no '.', with their lines; temp files ("*.tmp.*") are never
 *    listed, never read as data, and (without a crash) never left behind;
  *  - no deleted domain's tree set aside (domains/.deleted.*) outlives its delete.
 *
 * CHK_CRASHED relaxes what a kill -9 between two files of one operation may
 * leave (counted in chk_stats, not failures): users/cdb one domain behind or
 * ahead of assign (they are renamed one after the other; the next domain write
 * recompiles users/cdb from assign), control files lagging assign, an orphan
 * domain dir or home, counters ahead, stale temp files.  Every file must
 * still parse and every vpasswd.cdb must match its vpasswd.
 */
#ifndef VP_CHECK_H
#define VP_CHECK_H
#include <cdb.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tree.h"
#include "vp_vpasswd.h"
#include "vpcore.h"

#define CHK_EXACT 0
#define CHK_CRASHED 1

typedef struct chk_stats {
	unsigned long domains, aliases_domains, users, aliases, temps;
	unsigned long users_cdb_lag;   /* users/cdb != compile(assign) (crash only) */
	unsigned long control_lag;     /* rcpthosts/virtualdomains behind assign (crash only) */
	unsigned long cdb_rebuilt;     /* a missing vpasswd.cdb rebuilt by a lookup */
	unsigned long asides;          /* domains/.deleted.*: a killed delete's tree (crash only) */
} chk_stats;

static int chk_problems;

static void chk_bad(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "    check: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	chk_problems++;
}

typedef struct chk_lines {
	char **v;
	size_t n, cap;
} chk_lines;

static void chk_push(chk_lines *l, const char *s, size_t n)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
	}
	char *c = malloc(n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	l->v[l->n++] = c;
}

static void chk_lines_free(chk_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static int chk_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int chk_has(const chk_lines *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

/* Lines of a text file (missing: none). -1 when it cannot be read. */
static int chk_read_lines(const char *path, chk_lines *out, int *exists)
{
	char *d;
	size_t len;
	vp_error e;
	int rc = vp_read_file(path, &d, &len, 64u << 20, &e);
	*exists = rc == 0;
	if (rc == -1)
		return 0;
	if (rc != 0)
		return -1;
	const char *p = d, *end = d + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			chk_bad("%s: last line without newline", path);
			nl = end;
		}
		chk_push(out, p, (size_t)(nl - p));
		p = nl + 1;
	}
	free(d);
	return 0;
}

/* cdb records as "key=value" lines (NUL shown as '0' in keys, '|' in values,
 * as tree.h's cdb_dump does); -1 when the file does not open as a cdb. */
static int chk_cdb_records(const char *path, chk_lines *out)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	struct cdb c;
	if (cdb_init(&c, fd) != 0) {
		close(fd);
		return -2;
	}
	unsigned pos;
	cdb_seqinit(&pos, &c);
	int r;
	while ((r = cdb_seqnext(&pos, &c)) > 0) {
		unsigned kl = cdb_keylen(&c), dl = cdb_datalen(&c);
		const char *k = cdb_get(&c, kl, cdb_keypos(&c));
		const char *d = cdb_get(&c, dl, cdb_datapos(&c));
		if (!k || !d) {
			r = -1;
			break;
		}
		char *buf = malloc((size_t)kl + dl + 2);
		size_t n = 0;
		for (unsigned i = 0; i < kl; i++)
			buf[n++] = k[i] ? k[i] : '0';
		buf[n++] = '=';
		for (unsigned i = 0; i < dl; i++)
			buf[n++] = d[i] ? d[i] : '|';
		chk_push(out, buf, n);
		free(buf);
	}
	cdb_free(&c);
	close(fd);
	return r < 0 ? -3 : 0;
}

/* Same multiset of lines?  Prints up to a few differences when not. */
static int chk_same_set(const char *what, chk_lines *a, chk_lines *b, int report)
{
	if (a->n)
		qsort(a->v, a->n, sizeof *a->v, chk_strcmp);
	if (b->n)
		qsort(b->v, b->n, sizeof *b->v, chk_strcmp);
	int same = a->n == b->n;
	for (size_t i = 0; same && i < a->n; i++)
		same = strcmp(a->v[i], b->v[i]) == 0;
	if (!same && report) {
		chk_bad("%s: %zu expected records, %zu found", what, a->n, b->n);
		int shown = 0;
		for (size_t i = 0; i < a->n && shown < 4; i++)
			if (!chk_has(b, a->v[i]))
				fprintf(stderr, "      missing: %s\n", a->v[i]), shown++;
		for (size_t i = 0; i < b->n && shown < 8; i++)
			if (!chk_has(a, b->v[i]))
				fprintf(stderr, "      extra:   %s\n", b->v[i]), shown++;
	}
	return same;
}

static int chk_is_temp(const char *name)
{
	return strstr(name, ".tmp.") != NULL;
}

/* Count "*.tmp.*" files under dir (recursively, no symlink followed). */
static unsigned long chk_count_temps(const char *dir, int depth)
{
	unsigned long n = 0;
	DIR *d = opendir(dir);
	if (!d || depth > 12) {
		if (d)
			closedir(d);
		return 0;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		struct stat st;
		if (lstat(p, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			n += chk_count_temps(p, depth + 1);
		else if (chk_is_temp(de->d_name))
			n++;
	}
	closedir(d);
	return n;
}

static int chk_dirc_users(const char *path, unsigned long *cur, int *exists)
{
	char *d;
	size_t len;
	vp_error e;
	*cur = 0;
	*exists = 0;
	int rc = vp_read_file(path, &d, &len, 4096, &e);
	if (rc == -1)
		return 0;
	if (rc != 0) {
		chk_bad("%s: unreadable", path);
		return -1;
	}
	*exists = 1;
	vp_dir_control dc;
	rc = vp_dirc_parse(d, len, &dc);
	free(d);
	if (rc != 0) {
		chk_bad("%s: does not parse", path);
		return -1;
	}
	*cur = dc.cur_users;
	return 0;
}

typedef struct chk_alias_ctx {
	chk_lines names, lines;
	char cur[128];
} chk_alias_ctx;

static int chk_alias_name_cb(void *ctx, const char *name)
{
	chk_alias_ctx *c = ctx;
	chk_push(&c->names, name, strlen(name));
	snprintf(c->cur, sizeof c->cur, "%s", name);
	return 0;
}

static int chk_alias_line_cb(void *ctx, const char *line, size_t len)
{
	chk_alias_ctx *c = ctx;
	char buf[600];
	snprintf(buf, sizeof buf, "%s=%.*s", c->cur, (int)len, line);
	chk_push(&c->lines, buf, strlen(buf));
	return 0;
}

/* One real domain: vpasswd, vpasswd.cdb, homes, .dir-control, aliases. */
static void chk_domain(sandbox *s, const char *name, const char *dir, int mode, chk_stats *st)
{
	char p[4096];
	struct stat sb;
	if (lstat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		chk_bad("%s: domain dir %s missing", name, dir);
		return;
	}
	/* vpasswd */
	chk_lines txt = { 0 }, want = { 0 }, got = { 0 };
	int exists;
	snprintf(p, sizeof p, "%s/vpasswd", dir);
	if (chk_read_lines(p, &txt, &exists) != 0) {
		chk_bad("%s: unreadable", p);
		return;
	}
	unsigned long nusers = 0, flat = 0;
	const char *prev = NULL;
	for (size_t i = 0; i < txt.n; i++) {
		char *l = txt.v[i];
		const char *c = strchr(l, ':');
		int nf = 1;
		for (const char *q = l; *q; q++)
			nf += *q == ':';
		if (!c || c == l || (nf != 7 && nf != 8)) {
			chk_bad("%s: bad line %zu: %s", p, i + 1, l);
			continue;
		}
		size_t kl = (size_t)(c - l);
		char uname[128];
		snprintf(uname, sizeof uname, "%.*s", (int)kl, l);
		if (prev && strcmp(prev, uname) >= 0)
			chk_bad("%s: %s not after %s (order or duplicate)", p, uname, prev);
		prev = txt.v[i];
		/* prev points at the whole line: compare names only next time */
		txt.v[i][kl] = '\0';
		char rec[1200];
		snprintf(rec, sizeof rec, "%s=%s", uname, c + 1);
		chk_push(&want, rec, strlen(rec));
		vp_user_entry e;
		if (vp_vpw_parse_value(uname, c + 1, strlen(c + 1), &e) != 0) {
			chk_bad("%s: %s does not parse", p, uname);
			continue;
		}
		nusers++;
		/* home = <dir>/[bucket/]<name> and exists */
		size_t dl = strlen(dir), hl = strlen(e.dir), ul = strlen(uname);
		if (hl < dl + ul + 1 || strncmp(e.dir, dir, dl) != 0 || e.dir[dl] != '/' ||
		    strcmp(e.dir + hl - ul, uname) != 0 || e.dir[hl - ul - 1] != '/') {
			chk_bad("%s: home %s of %s not in the domain", p, e.dir, uname);
		} else {
			size_t bl = hl - ul - 1 == dl ? 0 : hl - ul - 1 - (dl + 1);
			if (bl == 0)
				flat++;
			else if (bl != 1 && bl != 3 && bl != 5)
				chk_bad("%s: odd bucket in %s", p, e.dir);
		}
		char md[4400];
		snprintf(md, sizeof md, "%s/Maildir/new", e.dir);
		if (lstat(md, &sb) != 0 || !S_ISDIR(sb.st_mode))
			chk_bad("%s: %s has no %s", p, uname, md);
		if (strcmp(e.quota, "NOQUOTA") != 0 &&
		    (!e.quota[0] || strspn(e.quota, "0123456789SC,") != strlen(e.quota)))
			chk_bad("%s: quota %s of %s does not parse", p, e.quota, uname);
	}
	st->users += nusers;
	if (flat > 99)
		chk_bad("%s: %lu homes directly in the domain dir (max 99)", name, flat);

	/* vpasswd.cdb: exactly vpasswd's records, in file order */
	snprintf(p, sizeof p, "%s/vpasswd.cdb", dir);
	int r = chk_cdb_records(p, &got);
	if (r == -1 && exists) {
		/* a legal state (spec 6.5): the next lookup rebuilds it */
		vp_domain_info dom;
		vp_user_entry e;
		vp_error err;
		if (vp_domain_lookup(&s->cfg, name, &dom, &err) != 1)
			chk_bad("%s: lookup failed: %s", name, err.msg);
		else if (vp_vpw_get(&s->cfg, &dom, "no-such-user", &e, &err) < 0)
			chk_bad("%s: missing and not rebuilt: %s", p, err.msg);
		st->cdb_rebuilt++;
		r = chk_cdb_records(p, &got);
	}
	if (r != 0 && (exists || r != -1)) {
		chk_bad("%s: does not open as a cdb (%d)", p, r);
	} else {
		int same = got.n == want.n;
		for (size_t i = 0; same && i < got.n; i++)
			same = strcmp(got.v[i], want.v[i]) == 0;
		if (!same) /* not the same records in the same order: say which */
			if (chk_same_set(p, &want, &got, 1))
				chk_bad("%s: records out of vpasswd's order", p);
	}
	chk_lines_free(&txt);
	chk_lines_free(&want);
	chk_lines_free(&got);

	/* .dir-control */
	unsigned long cur;
	snprintf(p, sizeof p, "%s/.dir-control", dir);
	if (chk_dirc_users(p, &cur, &exists) == 0) {
		if (mode == CHK_EXACT && cur != nusers && (exists || nusers))
			chk_bad("%s: cur_users %lu, vpasswd has %lu users", p, cur, nusers);
		if (mode == CHK_CRASHED && cur < nusers)
			chk_bad("%s: cur_users %lu below the %lu users", p, cur, nusers);
	}

	/* aliases: what vp_alias_get_all lists == the .qmail-<name> files */
	chk_alias_ctx ac;
	memset(&ac, 0, sizeof ac);
	vp_error err;
	if (vp_alias_get_all(&s->cfg, name, chk_alias_name_cb, chk_alias_line_cb, &ac, &err) != 0)
		chk_bad("%s: alias listing failed: %s", name, err.msg);
	chk_lines files = { 0 };
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, ".qmail-", 7) != 0 || !strcmp(de->d_name, ".qmail-default"))
			continue;
		if (strchr(de->d_name + 7, '.'))
			continue; /* a temp or a lock: never an alias */
		char an[300];
		snprintf(an, sizeof an, "%s", de->d_name + 7);
		for (char *q = an; *q; q++)
			if (*q == ':')
				*q = '.';
		chk_push(&files, an, strlen(an));
	}
	if (d)
		closedir(d);
	for (size_t i = 0; i < ac.names.n; i++)
		if (chk_is_temp(ac.names.v[i]) || strchr(ac.names.v[i], '/'))
			chk_bad("%s: listing shows %s", name, ac.names.v[i]);
	chk_same_set("alias names", &files, &ac.names, 1);
	st->aliases += ac.names.n;
	chk_lines_free(&files);
	chk_lines_free(&ac.names);
	chk_lines_free(&ac.lines);
}

/* qmail-newu's records for assign lines (spec 2.2), in cdb_dump notation. */
static void chk_expected_users_cdb(const chk_lines *assign, chk_lines *out)
{
	char wild[64];
	size_t nw = 0;
	for (size_t i = 0; i < assign->n; i++) {
		const char *l = assign->v[i];
		if (l[0] == '.')
			break;
		const char *c = strchr(l, ':');
		if (!c || (l[0] != '+' && l[0] != '='))
			continue;
		char rec[2048];
		size_t n = 0;
		rec[n++] = '!';
		for (const char *q = l + 1; q < c; q++)
			rec[n++] = (*q >= 'A' && *q <= 'Z') ? (char)(*q - 'A' + 'a') : *q;
		if (l[0] == '=')
			rec[n++] = '0';
		else if (!memchr(wild, c[-1], nw))
			wild[nw++] = c[-1];
		rec[n++] = '=';
		int f = 0;
		for (const char *q = c + 1; *q && f < 6; q++) {
			if (*q == ':') {
				f++;
				if (f == 6)
					break;
				rec[n++] = '|';
			} else {
				rec[n++] = *q;
			}
		}
		chk_push(out, rec, n);
	}
	char rec[80];
	snprintf(rec, sizeof rec, "=%.*s", (int)nw, wild);
	chk_push(out, rec, strlen(rec));
}

/* users/cdb == what qmail-newu compiles from users/assign?  1 / 0. */
__attribute__((unused)) static int chk_users_cdb(sandbox *s, int report)
{
	char p[4096];
	chk_lines assign = { 0 }, want = { 0 }, got = { 0 };
	int exists, same = 1;
	snprintf(p, sizeof p, "%s/users/assign", s->qmail);
	if (chk_read_lines(p, &assign, &exists) != 0)
		chk_bad("users/assign unreadable");
	chk_expected_users_cdb(&assign, &want);
	snprintf(p, sizeof p, "%s/users/cdb", s->qmail);
	int r = chk_cdb_records(p, &got);
	if (r != 0 && (r != -1 || exists)) {
		chk_bad("users/cdb does not open (%d)", r);
		same = 0;
	} else if (exists) {
		same = chk_same_set("users/cdb vs users/assign", &want, &got, report);
	}
	chk_lines_free(&assign);
	chk_lines_free(&want);
	chk_lines_free(&got);
	return same;
}

__attribute__((unused)) static int chk_tree(sandbox *s, int mode, chk_stats *st)
{
	chk_stats local;
	if (!st)
		st = &local;
	memset(st, 0, sizeof *st);
	int before = chk_problems;
	char p[4096];
	chk_lines assign = { 0 }, want = { 0 }, got = { 0 };
	int exists;

	snprintf(p, sizeof p, "%s/users/assign", s->qmail);
	if (chk_read_lines(p, &assign, &exists) != 0)
		chk_bad("users/assign unreadable");
	if (exists && (assign.n == 0 || strcmp(assign.v[assign.n - 1], ".") != 0))
		chk_bad("users/assign does not end with \".\"");

	/* users/cdb == compile(assign) */
	chk_expected_users_cdb(&assign, &want);
	snprintf(p, sizeof p, "%s/users/cdb", s->qmail);
	int r = chk_cdb_records(p, &got);
	if (r != 0 && (r != -1 || exists))
		chk_bad("users/cdb does not open (%d)", r);
	else if (exists && !chk_same_set("users/cdb vs users/assign", &want, &got, mode == CHK_EXACT))
		st->users_cdb_lag++;

	/* control files */
	chk_lines rcpt = { 0 }, more = { 0 }, vdom = { 0 }, mcdb = { 0 }, mwant = { 0 };
	int e1, e2, e3;
	snprintf(p, sizeof p, "%s/control/rcpthosts", s->qmail);
	if (chk_read_lines(p, &rcpt, &e1) != 0)
		chk_bad("rcpthosts unreadable");
	snprintf(p, sizeof p, "%s/control/morercpthosts", s->qmail);
	if (chk_read_lines(p, &more, &e2) != 0)
		chk_bad("morercpthosts unreadable");
	snprintf(p, sizeof p, "%s/control/virtualdomains", s->qmail);
	if (chk_read_lines(p, &vdom, &e3) != 0)
		chk_bad("virtualdomains unreadable");
	if (e2) {
		snprintf(p, sizeof p, "%s/control/morercpthosts.cdb", s->qmail);
		for (size_t i = 0; i < more.n; i++) {
			char rec[300];
			snprintf(rec, sizeof rec, "%s=", more.v[i]);
			chk_push(&mwant, rec, strlen(rec));
		}
		if (chk_cdb_records(p, &mcdb) != 0)
			chk_bad("morercpthosts.cdb does not open");
		else if (!chk_same_set("morercpthosts.cdb", &mwant, &mcdb, mode == CHK_EXACT))
			st->control_lag++;
	}

	/* every assign line: parse, no duplicate, the qmail files know it */
	chk_lines names = { 0 };
	for (size_t i = 0; i < assign.n; i++) {
		char *l = assign.v[i];
		if (!strcmp(l, "."))
			break;
		char nm[200], real[200], dir[2048];
		unsigned long uid, gid;
		int n = 0;
		if (sscanf(l, "+%199[^:]:%199[^:]:%lu:%lu:%2047[^:]:-::%n", nm, real, &uid, &gid, dir,
		           &n) != 5 || l[n] != '\0' || strlen(nm) < 2 || nm[strlen(nm) - 1] != '-') {
			chk_bad("users/assign: bad line %s", l);
			continue;
		}
		nm[strlen(nm) - 1] = '\0';
		if (chk_has(&names, nm))
			chk_bad("users/assign: %s twice", nm);
		chk_push(&names, nm, strlen(nm));
		int in_r = chk_has(&rcpt, nm), in_m = chk_has(&more, nm);
		char vd[420];
		snprintf(vd, sizeof vd, "%s:%s", nm, nm);
		int ok = (in_r + in_m == 1) && chk_has(&vdom, vd);
		if (!ok && mode == CHK_EXACT)
			chk_bad("%s: rcpthosts %d morercpthosts %d virtualdomains %d", nm, in_r, in_m,
			        chk_has(&vdom, vd));
		if (!ok)
			st->control_lag++;
		if (strcmp(nm, real) == 0) {
			st->domains++;
			chk_domain(s, nm, dir, mode, st);
		} else {
			st->aliases_domains++;
		}
	}
	/* no control entry without its domain (the lag of a killed delete is counted) */
	for (size_t i = 0; i < rcpt.n + more.n; i++) {
		const char *h = i < rcpt.n ? rcpt.v[i] : more.v[i - rcpt.n];
		if (!chk_has(&names, h)) {
			if (mode == CHK_EXACT)
				chk_bad("rcpthosts/morercpthosts: %s is no domain", h);
			st->control_lag++;
		}
	}

	/* the domain counter */
	unsigned long cur;
	snprintf(p, sizeof p, "%s/domains/.dir-control", s->home);
	if (chk_dirc_users(p, &cur, &exists) == 0 && exists) {
		if (mode == CHK_EXACT && cur != st->domains)
			chk_bad("domains/.dir-control: cur_users %lu, %lu real domains", cur, st->domains);
		if (mode == CHK_CRASHED && cur < st->domains)
			chk_bad("domains/.dir-control: cur_users %lu < %lu domains", cur, st->domains);
	}

	/* a deleted domain's tree set aside is gone once its delete returned */
	snprintf(p, sizeof p, "%s/domains", s->home);
	DIR *dd = opendir(p);
	struct dirent *de;
	while (dd && (de = readdir(dd))) {
		if (strncmp(de->d_name, ".deleted.", 9) == 0) {
			if (mode == CHK_EXACT)
				chk_bad("domains/%s: a deleted domain's tree left behind", de->d_name);
			st->asides++;
		}
	}
	if (dd)
		closedir(dd);

	st->temps = chk_count_temps(s->home, 0) + chk_count_temps(s->qmail, 0);
	if (mode == CHK_EXACT && st->temps)
		chk_bad("%lu temp files left behind", st->temps);

	chk_lines_free(&assign);
	chk_lines_free(&want);
	chk_lines_free(&got);
	chk_lines_free(&rcpt);
	chk_lines_free(&more);
	chk_lines_free(&vdom);
	chk_lines_free(&mcdb);
	chk_lines_free(&mwant);
	chk_lines_free(&names);
	return chk_problems - before;
}
#endif
