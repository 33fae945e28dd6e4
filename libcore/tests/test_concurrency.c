/* test_concurrency.c: many writer processes on shared domains at once.
 *
 * NCHILD children each run OPS random operations (add/del user, passwd,
 * quota, alias add/del, add/del domain, auth) with a per-child seed on two
 * shared domains, checking every return code against their own model (their
 * names are theirs alone, so each knows what must happen), and all of them
 * race for the same RACE user and domain names, where exactly one add must
 * win.  A "foreign" child writes the way real vpopmail does: a classic
 * fcntl(F_SETLKW) lock on the same .vpasswd.lock / users/assign.lock files,
 * then a hand-made read-modify-write with rename.  Afterwards the parent
 * checks that the final tree is exactly what the successful operations
 * predict (no lost, no duplicated update) and runs check.h over it. */
#include "t.h"
#include "tree.h"
#include "check.h"

#include <crypt.h>
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

/* test names are short; truncation of the bounded buffers is harmless here */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define NCHILD 8
#define OPS 160
#define RACE 5
#define NUSERS 10   /* user names per child and shared domain */
#define NALIAS 3    /* alias names per child and shared domain */
#define NDOM 3      /* own domains per child */
#define FW_USERS 24
#define FW_DOMAINS 5

static sandbox S;
static const char *const SH[2] = { "shared1.test", "shared2.test" };

static unsigned long long rnd(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int mismatches;

static void expect(int got, int want, const char *what, const char *name, int op)
{
	if (got != want) {
		fprintf(stderr, "  [pid %d op %d] %s %s: %d, expected %d\n", (int)getpid(), op, what,
		        name, got, want);
		mismatches++;
	}
}

typedef struct model {
	int present[2][NUSERS];
	char pw[2][NUSERS][48];
	char quota[2][NUSERS][48];
	int nlines[2][NALIAS];
	char lines[2][NALIAS][64][80];
	int dom[NDOM];
	int race_user[RACE], race_dom[RACE];
} model;

static const char *const QUOTAS[] = { "1000000S", "2048000S,500C", "NOQUOTA", "50M", "7000" };

static void child(int id, const char *out)
{
	model *m = calloc(1, sizeof *m);
	unsigned long long seed = 0x9e3779b97f4a7c15ULL * (unsigned long long)(id + 1);
	char name[128], dname[128], line[128];
	vp_error e;
	int lineno = 0;
	for (int op = 0; op < OPS; op++) {
		if (op % (OPS / RACE) == 0 && op / (OPS / RACE) < RACE) {
			int r = op / (OPS / RACE);
			snprintf(name, sizeof name, "race%d", r);
			m->race_user[r] = vp_add_user(&S.cfg, name, SH[0], "racepw", NULL, 0, &e);
			snprintf(dname, sizeof dname, "race%d.test", r);
			m->race_dom[r] = vp_add_domain(&S.cfg, dname, NULL, S.cfg.uid, S.cfg.gid, &e);
			continue;
		}
		int k = (int)(rnd(&seed) % 2), u = (int)(rnd(&seed) % NUSERS);
		int a = (int)(rnd(&seed) % NALIAS), d = (int)(rnd(&seed) % NDOM);
		int kind = (int)(rnd(&seed) % 100);
		snprintf(name, sizeof name, "c%du%d", id, u);
		int *pres = &m->present[k][u];
		if (kind < 24) {
			char pw[48];
			snprintf(pw, sizeof pw, "pw-%d-%d", id, op);
			int rc = vp_add_user(&S.cfg, name, SH[k], pw, NULL, 0, &e);
			expect(rc, *pres ? VA_USERNAME_EXISTS : 0, "add_user", name, op);
			if (rc == 0) {
				*pres = 1;
				snprintf(m->pw[k][u], sizeof m->pw[k][u], "%s", pw);
				snprintf(m->quota[k][u], sizeof m->quota[k][u], "NOQUOTA");
			}
		} else if (kind < 36) {
			int rc = vp_del_user(&S.cfg, name, SH[k], &e);
			expect(rc, *pres ? 0 : VA_USER_DOES_NOT_EXIST, "del_user", name, op);
			if (rc == 0)
				*pres = 0;
		} else if (kind < 50) {
			char pw[48];
			snprintf(pw, sizeof pw, "new-%d-%d", id, op);
			int rc = vp_set_password(&S.cfg, name, SH[k], pw, &e);
			expect(rc, *pres ? 0 : VA_USER_DOES_NOT_EXIST, "passwd", name, op);
			if (rc == 0)
				snprintf(m->pw[k][u], sizeof m->pw[k][u], "%s", pw);
		} else if (kind < 60) {
			const char *q = QUOTAS[rnd(&seed) % (sizeof QUOTAS / sizeof QUOTAS[0])];
			char norm[64];
			vp_quota_normalize(q, norm, sizeof norm, &e);
			int rc = vp_set_quota(&S.cfg, name, SH[k], q, &e);
			expect(rc, *pres ? 0 : VA_USER_DOES_NOT_EXIST, "set_quota", name, op);
			if (rc == 0)
				snprintf(m->quota[k][u], sizeof m->quota[k][u], "%s", norm);
		} else if (kind < 76) {
			snprintf(name, sizeof name, "c%da%d", id, a);
			int n = m->nlines[k][a];
			if (n > 0 && rnd(&seed) % 4 == 0) {
				/* the same line again: refused, nothing changes */
				int rc = vp_alias_add(&S.cfg, name, SH[k], m->lines[k][a][0], &e);
				expect(rc, VA_ALIAS_LINE_EXISTS, "alias_add dup", name, op);
			} else if (n < 64) {
				snprintf(line, sizeof line, "&c%dt%d@example.org", id, lineno++);
				int rc = vp_alias_add(&S.cfg, name, SH[k], line, &e);
				expect(rc, 0, "alias_add", name, op);
				if (rc == 0)
					snprintf(m->lines[k][a][m->nlines[k][a]++], 80, "%s", line);
			}
		} else if (kind < 82) {
			snprintf(name, sizeof name, "c%da%d", id, a);
			int rc = vp_alias_del(&S.cfg, name, SH[k], &e);
			expect(rc, m->nlines[k][a] ? 0 : VA_ALIAS_DOES_NOT_EXIST, "alias_del", name, op);
			if (rc == 0)
				m->nlines[k][a] = 0;
		} else if (kind < 88) {
			snprintf(dname, sizeof dname, "c%dd%d.test", id, d);
			int rc = vp_add_domain(&S.cfg, dname, NULL, S.cfg.uid, S.cfg.gid, &e);
			expect(rc, m->dom[d] ? VA_DOMAIN_ALREADY_EXISTS : 0, "add_domain", dname, op);
			if (rc == 0) {
				m->dom[d] = 1;
				/* a user in it, so that deleting it removes a populated tree */
				expect(vp_add_user(&S.cfg, "someone", dname, "x1", NULL, 0, &e), 0,
				       "add_user in own domain", dname, op);
			}
		} else if (kind < 92) {
			snprintf(dname, sizeof dname, "c%dd%d.test", id, d);
			int rc = vp_del_domain(&S.cfg, dname, &e);
			expect(rc, m->dom[d] ? 0 : VA_DOMAIN_DOES_NOT_EXIST, "del_domain", dname, op);
			if (rc == 0)
				m->dom[d] = 0;
		} else {
			/* a reader amid the writers: sees the last password we set */
			int rc = vp_auth_user(&S.cfg, name, SH[k], *pres ? m->pw[k][u] : "nope", NULL, &e);
			expect(rc, *pres ? 0 : VA_USER_DOES_NOT_EXIST, "auth", name, op);
		}
	}
	FILE *f = fopen(out, "w");
	for (int k = 0; k < 2; k++) {
		for (int u = 0; u < NUSERS; u++)
			if (m->present[k][u])
				fprintf(f, "U %s c%du%d %s %s\n", SH[k], id, u, m->pw[k][u], m->quota[k][u]);
		for (int a = 0; a < NALIAS; a++)
			for (int i = 0; i < m->nlines[k][a]; i++)
				fprintf(f, "A %s c%da%d %s\n", SH[k], id, a, m->lines[k][a][i]);
	}
	for (int d = 0; d < NDOM; d++)
		if (m->dom[d])
			fprintf(f, "D c%dd%d.test\n", id, d);
	for (int r = 0; r < RACE; r++)
		fprintf(f, "R %d %d %d\n", r, m->race_user[r], m->race_dom[r]);
	fclose(f);
	free(m);
	_exit(mismatches > 100 ? 100 : mismatches);
}

/* ---- a writer that locks the way vpopmail does ---- */

static int classic_lock(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0600);
	if (fd < 0)
		return -1;
	struct flock fl;
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	while (fcntl(fd, F_SETLKW, &fl) != 0)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

static int put_file(const char *path, const char *data, size_t len)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.%d", path, (int)getpid()); /* vpopmail's temp names */
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || fsync(fd) != 0 || close(fd) != 0)
		return -1;
	return rename(tmp, path);
}

/* .dir-control +1 as vadduser/vadddomain do; the bucket of the new entry. */
static int bump(const char *path, char *bucket)
{
	vp_dir_control dc;
	char *d;
	size_t len;
	vp_error e;
	if (vp_read_file(path, &d, &len, 4096, &e) == 0) {
		if (vp_dirc_parse(d, len, &dc) != 0) {
			free(d);
			return -1;
		}
		free(d);
	} else {
		vp_dirc_init(&dc);
	}
	vp_dirc_inc(&dc);
	char buf[256];
	size_t n = vp_dirc_format(&dc, buf, sizeof buf);
	strcpy(bucket, dc.bucket);
	return put_file(path, buf, n);
}

static int mkdirs(const char *base, const char *bucket)
{
	char p[4096];
	for (size_t i = 0; bucket[i]; i += 2) {
		snprintf(p, sizeof p, "%s/%.*s", base, (int)i + 1, bucket);
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			return -1;
		if (!bucket[i + 1])
			break;
	}
	return 0;
}

static int fw_add_user(const char *domdir, const char *name, const char *hash)
{
	char p[4096], home[4096], bucket[16], sub[4200];
	snprintf(p, sizeof p, "%s/.vpasswd.lock", domdir);
	int lk = classic_lock(p);
	if (lk < 0)
		return -1;
	snprintf(p, sizeof p, "%s/.dir-control", domdir);
	int rc = bump(p, bucket);
	if (rc == 0 && bucket[0])
		rc = mkdirs(domdir, bucket);
	snprintf(home, sizeof home, "%s%s%s/%s", domdir, bucket[0] ? "/" : "", bucket, name);
	const char *subs[] = { "", "/Maildir", "/Maildir/new", "/Maildir/cur", "/Maildir/tmp" };
	for (int i = 0; rc == 0 && i < 5; i++) {
		snprintf(sub, sizeof sub, "%s%s", home, subs[i]);
		rc = mkdir(sub, 0700);
	}
	/* read-modify-write of vpasswd, sorted insert, then the cdb */
	char *old = NULL;
	size_t len = 0;
	vp_error e;
	snprintf(p, sizeof p, "%s/vpasswd", domdir);
	if (rc == 0 && vp_read_file(p, &old, &len, 1 << 24, &e) < -1)
		rc = -1;
	char line[1024];
	snprintf(line, sizeof line, "%s:%s:1:0:%s:%s:NOQUOTA\n", name, hash, name, home);
	char *nw = malloc(len + strlen(line) + 1);
	size_t n = 0;
	int done = 0;
	const char *q = old ? old : "", *end = q + len;
	while (q < end) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		size_t ll = (size_t)(nl - q) + 1;
		const char *c = memchr(q, ':', ll);
		size_t kl = (size_t)(c - q);
		char key[256];
		snprintf(key, sizeof key, "%.*s", (int)kl, q);
		if (!done && strcmp(key, name) > 0) {
			memcpy(nw + n, line, strlen(line));
			n += strlen(line);
			done = 1;
		}
		memcpy(nw + n, q, ll);
		n += ll;
		q += ll;
	}
	if (!done) {
		memcpy(nw + n, line, strlen(line));
		n += strlen(line);
	}
	if (rc == 0)
		rc = put_file(p, nw, n);
	if (rc == 0) {
		char tmp[4200], cdbp[4200];
		snprintf(tmp, sizeof tmp, "%s/cdb.tmp", domdir);
		snprintf(cdbp, sizeof cdbp, "%s/vpasswd.cdb", domdir);
		int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
		struct cdb_make cm;
		cdb_make_start(&cm, fd);
		for (const char *r = nw; r < nw + n;) {
			const char *nl = memchr(r, '\n', (size_t)(nw + n - r));
			const char *c = memchr(r, ':', (size_t)(nl - r));
			cdb_make_add(&cm, r, (unsigned)(c - r), c + 1, (unsigned)(nl - c - 1));
			r = nl + 1;
		}
		rc = cdb_make_finish(&cm);
		close(fd);
		if (rc == 0)
			rc = rename(tmp, cdbp);
	}
	free(old);
	free(nw);
	close(lk); /* drops the lock */
	return rc;
}

static int fw_append(const char *path, const char *lockpath, const char *line)
{
	int lk = lockpath ? classic_lock(lockpath) : -1;
	char *old = NULL;
	size_t len = 0;
	vp_error e;
	int rc = vp_read_file(path, &old, &len, 1 << 24, &e) < -1 ? -1 : 0;
	char *nw = malloc(len + strlen(line) + 2);
	memcpy(nw, old ? old : "", len);
	memcpy(nw + len, line, strlen(line));
	nw[len + strlen(line)] = '\n';
	if (rc == 0)
		rc = put_file(path, nw, len + strlen(line) + 1);
	if (rc == 0 && path[strlen(path) - 1] != 'n')
		chmod(path, 0644);
	free(old);
	free(nw);
	if (lk >= 0)
		close(lk);
	return rc;
}

static int fw_add_domain(const char *name)
{
	char p[4096], dir[4096], bucket[16];
	snprintf(p, sizeof p, "%s/users/assign.lock", S.qmail);
	int lk = classic_lock(p);
	if (lk < 0)
		return -1;
	snprintf(p, sizeof p, "%s/domains/.dir-control", S.home);
	int rc = bump(p, bucket);
	snprintf(p, sizeof p, "%s/domains", S.home);
	if (rc == 0)
		rc = mkdirs(p, bucket);
	snprintf(dir, sizeof dir, "%s%s%s/%s", p, bucket[0] ? "/" : "", bucket, name);
	if (rc == 0)
		rc = mkdir(dir, 0700);
	/* assign: the new line before the final "." */
	char *old = NULL;
	size_t len = 0;
	vp_error e;
	snprintf(p, sizeof p, "%s/users/assign", S.qmail);
	if (rc == 0 && vp_read_file(p, &old, &len, 1 << 24, &e) != 0)
		rc = -1;
	if (rc == 0) {
		char line[4400];
		int ll = snprintf(line, sizeof line, "+%s-:%s:%lu:%lu:%s:-::\n.\n", name, name,
		                  (unsigned long)S.cfg.uid, (unsigned long)S.cfg.gid, dir);
		char *nw = malloc(len + (size_t)ll);
		memcpy(nw, old, len - 2); /* drop ".\n" */
		memcpy(nw + len - 2, line, (size_t)ll);
		rc = put_file(p, nw, len - 2 + (size_t)ll);
		chmod(p, 0644);
		/* qmail-newu */
		if (rc == 0)
			rc = vp_build_users_cdb(&S.cfg, nw, len - 2 + (size_t)ll, &e);
		free(nw);
	}
	free(old);
	char lp[4200], vd[400];
	snprintf(p, sizeof p, "%s/control/rcpthosts", S.qmail);
	snprintf(lp, sizeof lp, "%s.lock", p);
	if (rc == 0)
		rc = fw_append(p, lp, name);
	snprintf(p, sizeof p, "%s/control/virtualdomains", S.qmail);
	snprintf(lp, sizeof lp, "%s.lock", p);
	snprintf(vd, sizeof vd, "%s:%s", name, name);
	if (rc == 0)
		rc = fw_append(p, lp, vd);
	close(lk);
	return rc;
}

static void foreign(const char *out)
{
	vp_domain_info d;
	vp_error e;
	int bad = 0;
	if (vp_domain_lookup(&S.cfg, SH[0], &d, &e) != 1)
		_exit(90);
	const char *hash = crypt("fwpass", "$1$fwsalt00$");
	FILE *f = fopen(out, "w");
	char name[64];
	for (int i = 0; i < FW_USERS; i++) {
		snprintf(name, sizeof name, "fw%d", i);
		if (fw_add_user(d.dir, name, hash) == 0)
			fprintf(f, "U %s %s fwpass NOQUOTA\n", SH[0], name);
		else
			bad++;
		if (i % (FW_USERS / FW_DOMAINS) == 0 && i / (FW_USERS / FW_DOMAINS) < FW_DOMAINS) {
			snprintf(name, sizeof name, "fw%d.test", i / (FW_USERS / FW_DOMAINS));
			if (fw_add_domain(name) == 0)
				fprintf(f, "D %s\n", name);
			else
				bad++;
		}
		usleep(2000);
	}
	fclose(f);
	_exit(bad);
}

/* ---- checks ---- */

typedef struct want_alias {
	char key[160];   /* domain alias */
	char lines[4096];
} want_alias;

static int users_of(const char *domain, chk_lines *names)
{
	vp_domain_info d;
	vp_error e;
	if (vp_domain_lookup(&S.cfg, domain, &d, &e) != 1)
		return -1;
	char p[4096];
	chk_lines txt = { 0 };
	int exists;
	snprintf(p, sizeof p, "%s/vpasswd", d.dir);
	chk_read_lines(p, &txt, &exists);
	for (size_t i = 0; i < txt.n; i++) {
		char *c = strchr(txt.v[i], ':');
		if (c)
			chk_push(names, txt.v[i], (size_t)(c - txt.v[i]));
	}
	chk_lines_free(&txt);
	return 0;
}

typedef struct lines_ctx {
	char buf[4096];
} lines_ctx;

static int collect_line(void *ctx, const char *line, size_t len)
{
	lines_ctx *c = ctx;
	size_t n = strlen(c->buf);
	snprintf(c->buf + n, sizeof c->buf - n, "%.*s\n", (int)len, line);
	return 0;
}

static int ignore_line(void *ctx, const char *line, size_t len)
{
	(void)ctx, (void)line, (void)len;
	return 0;
}

static int collect_name(void *ctx, const char *name)
{
	chk_lines *l = ctx;
	chk_push(l, name, strlen(name));
	return 0;
}

TEST(locks_conflict_with_classic_fcntl)
{
	/* Our OFD locks and vpopmail's process-associated fcntl locks exclude
	 * each other, both ways. */
	sandbox s;
	sandbox_init(&s);
	s.cfg.lock_timeout_ms = 200;
	char path[2048];
	/* in the vpopmail home: locks, as every write, are reached from it */
	snprintf(path, sizeof path, "%s/x.lock", s.home);
	int up[2], down[2];
	CHECK(pipe(up) == 0 && pipe(down) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = classic_lock(path);
		char c = fd >= 0 ? 'L' : 'E';
		(void)!write(up[1], &c, 1);
		(void)!read(down[0], &c, 1); /* hold until told */
		close(fd);
		c = 'U';
		(void)!write(up[1], &c, 1);
		(void)!read(down[0], &c, 1);
		/* now the parent holds ours: a classic try must fail */
		fd = open(path, O_WRONLY);
		struct flock fl;
		memset(&fl, 0, sizeof fl);
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		c = fcntl(fd, F_SETLK, &fl) != 0 && (errno == EAGAIN || errno == EACCES) ? 'B' : 'F';
		(void)!write(up[1], &c, 1);
		_exit(0);
	}
	char c = 0;
	vp_lock lk;
	vp_error e;
	CHECK(read(up[0], &c, 1) == 1 && c == 'L');
	CHECK_EQ_INT(vp_lock_acquire(&s.cfg, path, &lk, &e), VA_FILE_BUSY);
	(void)!write(down[1], "x", 1);
	CHECK(read(up[0], &c, 1) == 1 && c == 'U');
	CHECK_EQ_INT(vp_lock_acquire(&s.cfg, path, &lk, &e), 0);
	(void)!write(down[1], "x", 1);
	CHECK(read(up[0], &c, 1) == 1 && c == 'B');
	vp_lock_release(&lk);
	int st;
	waitpid(pid, &st, 0);
	close(up[0]); close(up[1]); close(down[0]); close(down[1]);
	sandbox_free(&s);
}

TEST(eight_writers_and_a_foreign_one)
{
	vp_error e;
	sandbox_init(&S);
	S.cfg.hash_scheme = VP_HASH_MD5; /* crypt is not what is tested here */
	S.cfg.lock_timeout_ms = 120000;
	for (int k = 0; k < 2; k++)
		CHECK_EQ_INT(vp_add_domain(&S.cfg, SH[k], NULL, S.cfg.uid, S.cfg.gid, &e), 0);

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pids[NCHILD + 1];
	char out[NCHILD + 1][2048];
	for (int i = 0; i <= NCHILD; i++) {
		snprintf(out[i], sizeof out[i], "%s/result.%d", S.root, i);
		pids[i] = fork();
		if (pids[i] == 0) {
			if (i == NCHILD)
				foreign(out[i]);
			child(i, out[i]);
		}
	}
	for (int i = 0; i <= NCHILD; i++) {
		int st;
		waitpid(pids[i], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fprintf(stderr, "  child %d: status %d\n", i, st);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	/* what the successful operations predict */
	chk_lines want_users[2] = { { 0 }, { 0 } }, want_domains = { 0 };
	want_alias *wa = calloc(NCHILD * 2 * NALIAS, sizeof *wa);
	size_t nwa = 0;
	int race_user_wins[RACE] = { 0 }, race_dom_wins[RACE] = { 0 };
	unsigned long checked_users = 0;
	for (int k = 0; k < 2; k++)
		chk_push(&want_domains, SH[k], strlen(SH[k]));
	for (int i = 0; i <= NCHILD; i++) {
		FILE *f = fopen(out[i], "r");
		CHECK(f != NULL);
		char l[512];
		while (f && fgets(l, sizeof l, f)) {
			char a[128], b[128], c[128], d[128];
			int r, ru, rd;
			if (sscanf(l, "U %127s %127s %127s %127s", a, b, c, d) == 4) {
				chk_push(&want_users[strcmp(a, SH[0]) == 0 ? 0 : 1], b, strlen(b));
				vp_user_entry ent;
				int rc = vp_auth_user(&S.cfg, b, a, c, &ent, &e);
				if (rc != 0)
					fprintf(stderr, "  %s@%s: auth with the last password: %d %s\n", b, a, rc, e.msg);
				CHECK_EQ_INT(rc, 0);
				if (rc == 0 && strcmp(ent.quota, d) != 0) {
					fprintf(stderr, "  %s@%s: quota %s, last set %s\n", b, a, ent.quota, d);
					CHECK(0);
				}
				checked_users++;
			} else if (sscanf(l, "A %127s %127s %127[^\n]", a, b, c) == 3) {
				size_t j;
				char key[160];
				snprintf(key, sizeof key, "%s %s", a, b);
				for (j = 0; j < nwa && strcmp(wa[j].key, key); j++)
					;
				if (j == nwa)
					snprintf(wa[nwa++].key, sizeof wa[0].key, "%s", key);
				size_t n = strlen(wa[j].lines);
				snprintf(wa[j].lines + n, sizeof wa[j].lines - n, "%s\n", c);
			} else if (sscanf(l, "D %127s", a) == 1) {
				chk_push(&want_domains, a, strlen(a));
			} else if (sscanf(l, "R %d %d %d", &r, &ru, &rd) == 3) {
				CHECK(ru == 0 || ru == VA_USERNAME_EXISTS);
				CHECK(rd == 0 || rd == VA_DOMAIN_ALREADY_EXISTS);
				race_user_wins[r] += ru == 0;
				race_dom_wins[r] += rd == 0;
			}
		}
		if (f)
			fclose(f);
	}
	char nm[64];
	for (int r = 0; r < RACE; r++) {
		if (race_user_wins[r] != 1 || race_dom_wins[r] != 1)
			fprintf(stderr, "  race %d: %d user wins, %d domain wins\n", r, race_user_wins[r],
			        race_dom_wins[r]);
		CHECK_EQ_INT(race_user_wins[r], 1);
		CHECK_EQ_INT(race_dom_wins[r], 1);
		snprintf(nm, sizeof nm, "race%d", r);
		chk_push(&want_users[0], nm, strlen(nm));
		CHECK_EQ_INT(vp_auth_user(&S.cfg, nm, SH[0], "racepw", NULL, &e), 0);
		snprintf(nm, sizeof nm, "race%d.test", r);
		chk_push(&want_domains, nm, strlen(nm));
	}
	/* users: exactly the predicted ones (no lost add, no resurrected delete) */
	for (int k = 0; k < 2; k++) {
		chk_lines got = { 0 };
		CHECK_EQ_INT(users_of(SH[k], &got), 0);
		CHECK(chk_same_set(SH[k], &want_users[k], &got, 1));
		chk_lines_free(&got);
	}
	/* aliases: every line once, in the order added; no other alias */
	for (int k = 0; k < 2; k++) {
		chk_lines names = { 0 }, wnames = { 0 };
		CHECK_EQ_INT(vp_alias_get_all(&S.cfg, SH[k], collect_name, ignore_line, &names, &e), 0);
		for (size_t j = 0; j < nwa; j++) {
			if (strncmp(wa[j].key, SH[k], strlen(SH[k])) != 0 || wa[j].key[strlen(SH[k])] != ' ')
				continue;
			const char *an = wa[j].key + strlen(SH[k]) + 1;
			chk_push(&wnames, an, strlen(an));
			lines_ctx lc;
			lc.buf[0] = '\0';
			CHECK_EQ_INT(vp_alias_get(&S.cfg, an, SH[k], collect_line, &lc, &e), 0);
			if (strcmp(lc.buf, wa[j].lines) != 0) {
				fprintf(stderr, "  alias %s@%s:\n%s  expected:\n%s", an, SH[k], lc.buf, wa[j].lines);
				CHECK(0);
			}
		}
		CHECK(chk_same_set("alias names", &wnames, &names, 1));
		chk_lines_free(&names);
		chk_lines_free(&wnames);
	}
	/* domains */
	chk_lines assign = { 0 }, got_domains = { 0 };
	char p[2048];
	int exists;
	snprintf(p, sizeof p, "%s/users/assign", S.qmail);
	chk_read_lines(p, &assign, &exists);
	for (size_t i = 0; i < assign.n; i++) {
		char *m = strstr(assign.v[i], "-:");
		if (assign.v[i][0] == '+' && m)
			chk_push(&got_domains, assign.v[i] + 1, (size_t)(m - assign.v[i] - 1));
	}
	CHECK(chk_same_set("domains", &want_domains, &got_domains, 1));
	chk_lines_free(&assign);
	chk_lines_free(&got_domains);

	chk_stats st;
	CHECK_EQ_INT(chk_tree(&S, CHK_EXACT, &st), 0);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("concurrency: %d writer processes x %d operations + foreign writer (%d users, %d "
	       "domains) in %.1f s; final tree: %lu domains, %lu users (%lu checked by auth), "
	       "%lu aliases\n",
	       NCHILD, OPS, FW_USERS, FW_DOMAINS, secs, st.domains, st.users, checked_users,
	       st.aliases);
	for (int k = 0; k < 2; k++)
		chk_lines_free(&want_users[k]);
	chk_lines_free(&want_domains);
	free(wa);
	sandbox_free(&S);
}

int main(void)
{
	(void)compare_step;
	signal(SIGPIPE, SIG_IGN);
	RUN(locks_conflict_with_classic_fcntl);
	RUN(eight_writers_and_a_foreign_one);
	return T_SUMMARY();
}
