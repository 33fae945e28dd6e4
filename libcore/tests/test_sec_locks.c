/* test_sec_locks.c: deleting a domain while its users are written (issue 12,
 * class 3).
 *
 *  - writer_waits_on_vpopmail_lock: a vpopmail tool holds the domain's
 *    .vpasswd.lock (a classic fcntl lock); one writer that has already looked
 *    the domain up waits on it; another process deletes the domain and adds
 *    it again; then the lock is released.  For every kind of writer: del and
 *    re-add succeed, the writer either wrote into the old domain (before the
 *    delete) or failed with VA_DOMAIN_DOES_NOT_EXIST, and the re-added domain
 *    is exactly what its own set-up made.
 *  - batch_begun_before_readd: a batch looks the domain up, the domain is
 *    deleted and added again (on ext4 the new directory mostly gets the old
 *    inode number back), then the batch commits: VA_DOMAIN_DOES_NOT_EXIST,
 *    nothing written into the new domain.
 *  - killed_delete_leftover: a tree a killed delete left set aside never
 *    blocks adding the name again and goes with the next add or delete.
 *  - rounds_tmpfs, rounds_disk: writer processes (add_user, passwd,
 *    alias_add, batch, set_catchall, gecos) in a loop while a deleter deletes
 *    and re-adds the domain hundreds of times.  A shared generation counter
 *    says what the domain was doing when a call began and ended; see the
 *    comment above rounds_run for what must hold.
 */
#include "t.h"
#include "tree.h"
#include "check.h"
#include "fixture.h"

#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#pragma GCC diagnostic ignored "-Wformat-truncation"

static const char *const DOM = "locks.test";
#define QBASE 1000000 /* generation g's limits give new users the quota "<QBASE+g>S" */

#ifndef LOCK_ROUNDS
#define LOCK_ROUNDS 300
#endif
#ifndef LOCK_ROUNDS_DISK
#define LOCK_ROUNDS_DISK 30
#endif

static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static unsigned long long rnd(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The lock vpopmail's tools take: fcntl(F_SETLKW), process-associated. */
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

static int dom_dir(const sandbox *s, char *out, size_t size)
{
	vp_domain_info d;
	vp_error e;
	if (vp_domain_lookup(&s->cfg, DOM, &d, &e) != 1)
		return -1;
	snprintf(out, size, "%s", d.dir);
	return 0;
}

static void sb_init(sandbox *s)
{
	sandbox_init(s);
	s->cfg.lock_timeout_ms = 30000;
	s->cfg.clear_passwords = 1; /* the 8th field shows which call set a password */
}

/* Generation g of DOM: limits that tag new users' quota with g, three users
 * with the password "init<g>", the alias al.  1: the add itself failed
 * (re-adding refused), 2: the set-up after it failed. */
static int make_gen(const sandbox *s, int g, vp_error *e)
{
	char dir[2048], p[2200], text[64];
	if (vp_add_domain(&s->cfg, DOM, NULL, s->cfg.uid, s->cfg.gid, e) != 0)
		return 1;
	if (dom_dir(s, dir, sizeof dir) != 0)
		return 2;
	snprintf(p, sizeof p, "%s/.qmailadmin-limits", dir);
	int n = snprintf(text, sizeof text, "default_quota: %d\n", QBASE + g);
	if (vp_write_file_atomic(&s->cfg, p, text, (size_t)n, 0600, s->cfg.uid, s->cfg.gid, 0, e) != 0)
		return 2;
	char pw[32];
	snprintf(pw, sizeof pw, "init%d", g);
	if (vp_add_user(&s->cfg, "pw1", DOM, pw, NULL, 0, e) != 0 ||
	    vp_add_user(&s->cfg, "pw2", DOM, pw, NULL, 0, e) != 0 ||
	    vp_add_user(&s->cfg, "pw3", DOM, pw, NULL, 0, e) != 0 ||
	    vp_alias_add(&s->cfg, "al", DOM, "&init@example.org", e) != 0)
		return 2;
	return 0;
}

/* ---- what a writer does, and how to see that it did it ---- */

enum { K_ADD, K_PASSWD, K_ALIAS_ADD, K_BATCH, K_CATCHALL, K_GECOS, /* the rounds use these */
       K_QUOTA, K_FLAGS, K_DEL_USER, K_ALIAS_DEL, NK };
static const char *const KNAME[NK] = { "add_user", "passwd", "alias_add", "batch", "set_catchall",
	"set_gecos", "set_quota", "set_flags", "del_user", "alias_del" };

static int do_op(const vp_config *cfg, int k, int i, vp_error *e)
{
	char a[64], b[64], c[64];
	switch (k) {
	case K_ADD:
		snprintf(a, sizeof a, "a%d", i);
		return vp_add_user(cfg, a, DOM, "apw", NULL, 0, e);
	case K_PASSWD:
		snprintf(a, sizeof a, "p%d", i);
		return vp_set_password(cfg, "pw1", DOM, a, e);
	case K_ALIAS_ADD:
		snprintf(a, sizeof a, "&l%d@example.org", i);
		return vp_alias_add(cfg, "al", DOM, a, e);
	case K_BATCH: {
		vp_batch *bt;
		int rc = vp_batch_begin(cfg, DOM, &bt, e);
		if (rc != 0)
			return rc;
		snprintf(a, sizeof a, "b%dx", i);
		snprintf(b, sizeof b, "b%dy", i);
		snprintf(c, sizeof c, "q%d", i);
		if ((rc = vp_batch_add_user(bt, a, "bpw", NULL, 0, NULL, e)) != 0 ||
		    (rc = vp_batch_add_user(bt, b, "bpw", NULL, 0, NULL, e)) != 0 ||
		    (rc = vp_batch_set_password(bt, "pw2", c, e)) != 0) {
			vp_batch_free(bt);
			return rc;
		}
		return vp_batch_commit(bt, NULL, e);
	}
	case K_CATCHALL:
		snprintf(a, sizeof a, "c%d@example.org", i);
		return vp_set_catchall(cfg, DOM, a, e);
	case K_GECOS:
		snprintf(a, sizeof a, "g%d", i);
		return vp_set_user_gecos(cfg, "pw3", DOM, a, e);
	case K_QUOTA:
		return vp_set_quota(cfg, "pw1", DOM, "5M", e);
	case K_FLAGS:
		return vp_set_user_flags(cfg, "pw1", DOM, VP_FLAGS_ADD, VP_NO_POP, NULL, e);
	case K_DEL_USER:
		return vp_del_user(cfg, "pw1", DOM, e);
	case K_ALIAS_DEL:
		return vp_alias_del(cfg, "al", DOM, e);
	}
	return -999;
}

static int user_field(const vp_config *cfg, const char *user, vp_user_entry *u)
{
	vp_error e;
	return vp_get_user(cfg, user, DOM, u, NULL, &e) == 1;
}

typedef struct lines_ctx {
	int n, has;
	const char *want;
} lines_ctx;

static int count_line(void *ctx, const char *line, size_t len)
{
	lines_ctx *c = ctx;
	c->n++;
	if (c->want && strlen(c->want) == len && memcmp(c->want, line, len) == 0)
		c->has = 1;
	return 0;
}

/* 1 when the current tree shows the write of do_op(k, i). */
static int visible(const vp_config *cfg, int k, int i)
{
	char a[64], b[64];
	vp_user_entry u;
	vp_error e;
	switch (k) {
	case K_ADD:
		snprintf(a, sizeof a, "a%d", i);
		return user_field(cfg, a, &u);
	case K_PASSWD:
		snprintf(a, sizeof a, "p%d", i);
		return user_field(cfg, "pw1", &u) && strcmp(u.clear, a) == 0;
	case K_ALIAS_ADD: {
		snprintf(a, sizeof a, "&l%d@example.org", i);
		lines_ctx c = { 0, 0, a };
		return vp_alias_get(cfg, "al", DOM, count_line, &c, &e) == 0 && c.has;
	}
	case K_BATCH:
		snprintf(a, sizeof a, "b%dx", i);
		snprintf(b, sizeof b, "q%d", i);
		if (!user_field(cfg, a, &u))
			return 0;
		snprintf(a, sizeof a, "b%dy", i);
		return user_field(cfg, a, &u) && user_field(cfg, "pw2", &u) && strcmp(u.clear, b) == 0;
	case K_CATCHALL: {
		vp_catchall ca;
		snprintf(a, sizeof a, "c%d@example.org", i);
		return vp_get_catchall(cfg, DOM, &ca, &e) == 0 && ca.kind == VP_CATCHALL_FORWARD &&
		       strcmp(ca.target, a) == 0;
	}
	case K_GECOS:
		snprintf(a, sizeof a, "g%d", i);
		return user_field(cfg, "pw3", &u) && strcmp(u.gecos, a) == 0;
	}
	return 0;
}

/* Is generation g exactly as make_gen left it, as far as writer k could have
 * changed it (k's fixed write of writer_waits_on_vpopmail_lock)? */
static int gen_untouched(const vp_config *cfg, int k, int g)
{
	char want[64];
	vp_user_entry u;
	vp_error e;
	snprintf(want, sizeof want, "init%d", g);
	switch (k) {
	case K_ADD:
	case K_BATCH:
		if (user_field(cfg, "a0", &u) || user_field(cfg, "b0x", &u) || user_field(cfg, "b0y", &u))
			return 0;
		return user_field(cfg, "pw2", &u) && strcmp(u.clear, want) == 0;
	case K_PASSWD:
	case K_QUOTA:
	case K_FLAGS:
	case K_DEL_USER: {
		char q[32];
		snprintf(q, sizeof q, "%dS", QBASE + g);
		return user_field(cfg, "pw1", &u) && strcmp(u.clear, want) == 0 &&
		       strcmp(u.quota, q) == 0 && u.flags == 0;
	}
	case K_GECOS:
		return user_field(cfg, "pw3", &u) && strcmp(u.gecos, "pw3") == 0;
	case K_ALIAS_ADD:
	case K_ALIAS_DEL: {
		lines_ctx c = { 0, 0, "&init@example.org" };
		return vp_alias_get(cfg, "al", DOM, count_line, &c, &e) == 0 && c.n == 1 && c.has;
	}
	case K_CATCHALL: {
		vp_catchall ca;
		return vp_get_catchall(cfg, DOM, &ca, &e) == 0 && ca.kind == VP_CATCHALL_DELETE;
	}
	}
	return 0;
}

/* Every entry of <home>/domains is the counter, a bucket or a registered
 * domain: no directory set aside by a delete stays behind. */
static int leftovers(const sandbox *s)
{
	char p[1300];
	snprintf(p, sizeof p, "%s/domains", s->home);
	DIR *d = opendir(p);
	struct dirent *de;
	int n = 0;
	while (d && (de = readdir(d))) {
		vp_domain_info di;
		vp_error e;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, ".dir-control") || strlen(de->d_name) == 1 ||
		    vp_domain_lookup(&s->cfg, de->d_name, &di, &e) == 1)
			continue;
		fprintf(stderr, "    left in domains/: %s\n", de->d_name);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* ---- a writer waits on vpopmail's lock while the domain goes and comes back ---- */

typedef struct waits_shared {
	int w_rc, del_rc, gen_rc;
	char w_msg[256], d_msg[256];
} waits_shared;

static int waits_bad; /* kinds whose check failed (old code: the write lands in the new domain) */

static void waits_one(int k)
{
	sandbox s;
	vp_error e;
	char dir[2048], lp[2200];
	sb_init(&s);
	CHECK_EQ_INT(make_gen(&s, 1, &e), 0);
	CHECK_EQ_INT(dom_dir(&s, dir, sizeof dir), 0);
	vp_domain_info first;
	CHECK_EQ_INT(vp_domain_lookup(&s.cfg, DOM, &first, &e), 1);
	snprintf(lp, sizeof lp, "%s/.vpasswd.lock", dir);
	waits_shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	                        -1, 0);
	memset(sh, 0, sizeof *sh);
	int lk = classic_lock(lp);
	CHECK(lk >= 0);
	fflush(NULL);
	pid_t w = fork();
	if (w == 0) {
		vp_error we;
		sh->w_rc = do_op(&s.cfg, k, 0, &we);
		snprintf(sh->w_msg, sizeof sh->w_msg, "%s", sh->w_rc ? we.msg : "");
		_exit(0);
	}
	msleep(150); /* the writer has looked the domain up and waits on the lock */
	pid_t d = fork();
	if (d == 0) {
		vp_error de;
		sh->del_rc = vp_del_domain(&s.cfg, DOM, &de);
		snprintf(sh->d_msg, sizeof sh->d_msg, "%s", sh->del_rc ? de.msg : "");
		sh->gen_rc = make_gen(&s, 2, &de);
		_exit(0);
	}
	msleep(300);
	/* del_domain waits for the vpopmail tool: the first generation still stands */
	vp_domain_info now;
	int waited = vp_domain_lookup(&s.cfg, DOM, &now, &e) == 1 && vp_dir_id_same(&now.id, &first.id);
	close(lk); /* the vpopmail tool is done */
	int st;
	waitpid(w, &st, 0);
	waitpid(d, &st, 0);
	int ok = waited && sh->del_rc == 0 && sh->gen_rc == 0 &&
	         (sh->w_rc == 0 || sh->w_rc == VA_DOMAIN_DOES_NOT_EXIST) && gen_untouched(&s.cfg, k, 2);
	chk_stats cs;
	int problems = chk_tree(&s, CHK_EXACT, &cs) + leftovers(&s);
	printf("  %-12s writer %d%s%s, del_domain %s vpopmail's lock, then %d%s%s, re-add %s, "
	       "new domain %s, tree %s\n",
	       KNAME[k], sh->w_rc, sh->w_rc ? " " : "", sh->w_msg, waited ? "waited for" : "DID NOT WAIT for",
	       sh->del_rc, sh->del_rc ? " " : "", sh->d_msg, sh->gen_rc ? "FAILED" : "ok",
	       gen_untouched(&s.cfg, k, 2) ? "untouched" : "CHANGED", problems ? "BAD" : "ok");
	CHECK(ok);
	CHECK_EQ_INT(problems, 0);
	if (!ok || problems)
		waits_bad++;
	munmap(sh, sizeof *sh);
	sandbox_free(&s);
}

TEST(writer_waits_on_vpopmail_lock)
{
	waits_bad = 0;
	for (int k = 0; k < NK; k++)
		waits_one(k);
	printf("  writer waits on the lock: %d of %d kinds wrong\n", waits_bad, NK);
}

/* ---- a batch begun in one generation, committed in the next ---- */

TEST(batch_begun_before_readd)
{
	sandbox s;
	vp_error e;
	char dir[2048];
	struct stat st1, st2;
	sb_init(&s);
	CHECK_EQ_INT(make_gen(&s, 1, &e), 0);
	CHECK_EQ_INT(dom_dir(&s, dir, sizeof dir), 0);
	CHECK(stat(dir, &st1) == 0);
	vp_batch *b;
	CHECK_EQ_INT(vp_batch_begin(&s.cfg, DOM, &b, &e), 0);
	CHECK_EQ_INT(vp_batch_add_user(b, "b0x", "bpw", NULL, 0, NULL, &e), 0);
	CHECK_EQ_INT(vp_batch_set_password(b, "pw2", "q0", &e), 0);
	CHECK_EQ_INT(vp_del_domain(&s.cfg, DOM, &e), 0);
	CHECK_EQ_INT(make_gen(&s, 2, &e), 0);
	CHECK(stat(dir, &st2) == 0);
	int rc = vp_batch_commit(b, NULL, &e);
	printf("  commit into the re-added domain: %d (%s); its directory %s the old inode number\n",
	       rc, rc ? e.msg : "", st1.st_ino == st2.st_ino ? "reuses" : "does not reuse");
	CHECK_EQ_INT(rc, VA_DOMAIN_DOES_NOT_EXIST);
	CHECK(gen_untouched(&s.cfg, K_BATCH, 2));
	CHECK_EQ_INT(chk_tree(&s, CHK_EXACT, NULL), 0);
	sandbox_free(&s);
}

/* ---- what a killed delete leaves ---- */

/* A delete killed after it set the tree aside leaves domains/.deleted.<name>.<hex>:
 * adding the name again works, and the next add or delete takes it away. */
TEST(killed_delete_leftover)
{
	sandbox s;
	vp_error e;
	char dir[2048], aside[1400], p[1500], cmd[5000];
	sb_init(&s);
	CHECK_EQ_INT(make_gen(&s, 1, &e), 0);
	CHECK_EQ_INT(dom_dir(&s, dir, sizeof dir), 0);
	/* a tree with users, as a delete killed after its rename leaves it */
	snprintf(aside, sizeof aside, "%s/domains/.deleted.%s.deadbeef", s.home, DOM);
	snprintf(cmd, sizeof cmd, "cp -a '%s' '%s/copy'", dir, s.root);
	CHECK_EQ_INT(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "cp -a '%s/copy' '%s'", s.root, aside);
	CHECK_EQ_INT(system(cmd), 0);
	CHECK_EQ_INT(vp_del_domain(&s.cfg, DOM, &e), 0);
	CHECK(access(aside, F_OK) != 0); /* the next delete took it away */
	CHECK_EQ_INT(system(cmd), 0);
	CHECK_EQ_INT(make_gen(&s, 2, &e), 0); /* the name is free, and the add takes it away too */
	CHECK(access(aside, F_OK) != 0);
	snprintf(p, sizeof p, "%s/vpasswd", dir);
	CHECK(access(p, F_OK) == 0);
	CHECK_EQ_INT(chk_tree(&s, CHK_EXACT, NULL), 0);
	CHECK_EQ_INT(leftovers(&s), 0);
	sandbox_free(&s);
}

/* ---- rounds ---- */

/* Phases of the shared generation counter: 4g stable (generation g complete),
 * 4g+1 del_domain running, 4g+2 deleted (nothing registered), 4g+3 adding
 * generation g+1. */
#define PH(x) ((x) % 4)
#define NW 6           /* writers: K_ADD .. K_GECOS */
#define MAXREC 20000

typedef struct rec {
	int g1, g2, g3; /* the counter before the call, after it, after the read-back */
	int rc;
	int seen;       /* the read-back found the write */
} rec;

typedef struct rounds_shared {
	volatile int gen, stop;
	int n[NW];
	int del_fail, enotempty, readd_fail, setup_fail;
	char del_msg[256], readd_msg[256], setup_msg[256];
	rec r[NW][MAXREC];
} rounds_shared;

static int gen_now(rounds_shared *sh)
{
	return __atomic_load_n(&sh->gen, __ATOMIC_SEQ_CST);
}

static void gen_next(rounds_shared *sh)
{
	__atomic_add_fetch(&sh->gen, 1, __ATOMIC_SEQ_CST);
}

static void rounds_writer(sandbox *s, rounds_shared *sh, int k)
{
	unsigned long long seed = 0x2545f4914f6cdd1dULL * (unsigned long long)(k + 3);
	for (int i = 0; i < MAXREC && !sh->stop; i++) {
		rec *r = &sh->r[k][i];
		vp_error e;
		r->g1 = gen_now(sh);
		r->rc = do_op(&s->cfg, k, i, &e);
		r->g2 = gen_now(sh);
		r->seen = r->rc == 0 ? visible(&s->cfg, k, i) : 0;
		r->g3 = gen_now(sh);
		if (r->rc != 0 && r->rc != VA_DOMAIN_DOES_NOT_EXIST && r->rc != VA_USER_DOES_NOT_EXIST)
			fprintf(stderr, "    %s %d: %d %s\n", KNAME[k], i, r->rc, e.msg);
		__atomic_store_n(&sh->n[k], i + 1, __ATOMIC_SEQ_CST);
		if (rnd(&seed) % 2)
			msleep(1);
	}
	_exit(0);
}

static void rounds_deleter(sandbox *s, rounds_shared *sh, int rounds)
{
	unsigned long long seed = 0x9e3779b97f4a7c15ULL;
	char domains[1300], dir[1400];
	snprintf(domains, sizeof domains, "%s/domains", s->home);
	for (int g = 1; g <= rounds; g++) {
		vp_error e;
		msleep((long)(rnd(&seed) % 6)); /* stable */
		gen_next(sh);                   /* 4g+1: deleting */
		int rc = vp_del_domain(&s->cfg, DOM, &e);
		if (rc != 0) {
			if (!sh->del_fail++)
				snprintf(sh->del_msg, sizeof sh->del_msg, "%d %s", rc, e.msg);
			if (strstr(e.msg, "not empty"))
				sh->enotempty++;
			vp_del_domain(&s->cfg, DOM, &e); /* still registered?  make sure it is not */
		}
		gen_next(sh); /* 4g+2: deleted */
		msleep(1);
		gen_next(sh); /* 4g+3: adding the next generation */
		rc = make_gen(s, g, &e);
		if (rc == 1) {
			if (!sh->readd_fail++)
				snprintf(sh->readd_msg, sizeof sh->readd_msg, "%s", e.msg);
			/* what blocks the name: clear it by hand so that the rounds go on */
			snprintf(dir, sizeof dir, "%s/%s", domains, DOM);
			vp_remove_tree(domains, dir, &e);
			rc = make_gen(s, g, &e);
		}
		if (rc != 0 && !sh->setup_fail++)
			snprintf(sh->setup_msg, sizeof sh->setup_msg, "%d %s", rc, e.msg);
		gen_next(sh); /* 4(g+1): stable */
	}
	_exit(0);
}

/*
 * For every call, with g1/g2 the counter before/after it:
 *  - it returns 0, VA_DOMAIN_DOES_NOT_EXIST, or (pw1..pw3 not made yet)
 *    VA_USER_DOES_NOT_EXIST while the domain was being re-made: any other
 *    code is an unclean failure;
 *  - begun and ended while one generation stood (g1 == g2, stable): it
 *    succeeds, and the read-back in that same generation shows its write;
 *  - begun and ended while the domain was deleted: VA_DOMAIN_DOES_NOT_EXIST;
 *  - a success that ended before the last generation was being made is not
 *    in the last generation's tree;
 *  - a user of the final tree carries the quota of its own generation's
 *    limits (a write prepared for an old generation never lands in a new one).
 * And for the deleter: del_domain and the re-add always succeed (never
 * "Directory not empty", never "File exists"); the final tree passes
 * check.h and nothing is left in domains/ but the domain and the counter.
 */
static void rounds_run(const char *where, int rounds)
{
	sandbox s;
	vp_error e;
	sb_init(&s);
	CHECK_EQ_INT(make_gen(&s, 0, &e), 0);
	rounds_shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	                         -1, 0);
	CHECK(sh != MAP_FAILED);
	if (sh == MAP_FAILED)
		return;
	memset(sh, 0, sizeof *sh);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fflush(NULL);
	pid_t pw[NW];
	for (int k = 0; k < NW; k++)
		if ((pw[k] = fork()) == 0)
			rounds_writer(&s, sh, k);
	pid_t pd = fork();
	if (pd == 0)
		rounds_deleter(&s, sh, rounds);
	int st;
	waitpid(pd, &st, 0);
	sh->stop = 1;
	for (int k = 0; k < NW; k++)
		waitpid(pw[k], &st, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	int G = gen_now(sh), last = G / 4;
	long calls = 0, ok = 0, gone = 0, unclean = 0, stable_fail = 0, lost = 0, into_deleted = 0,
	     leaked = 0;
	for (int k = 0; k < NW; k++) {
		for (int i = 0; i < sh->n[k]; i++) {
			rec *r = &sh->r[k][i];
			calls++;
			ok += r->rc == 0;
			gone += r->rc == VA_DOMAIN_DOES_NOT_EXIST;
			int remaking = r->g1 != r->g2 || PH(r->g1) == 3;
			if (r->rc != 0 && r->rc != VA_DOMAIN_DOES_NOT_EXIST &&
			    !(r->rc == VA_USER_DOES_NOT_EXIST && remaking))
				unclean++;
			if (r->g1 == r->g2 && PH(r->g1) == 0 && r->rc != 0)
				stable_fail++;
			if (r->rc == 0 && r->g1 == r->g3 && PH(r->g1) == 0 && !r->seen) {
				lost++;
				fprintf(stderr, "    %s %d: success in a standing domain, not seen\n", KNAME[k], i);
			}
			if (r->g1 == r->g2 && PH(r->g1) == 2 && r->rc != VA_DOMAIN_DOES_NOT_EXIST)
				into_deleted++;
			if (r->rc == 0 && r->g2 < G - 1 && visible(&s.cfg, k, i)) {
				leaked++;
				fprintf(stderr, "    %s %d (g %d..%d, final %d): in the last generation\n",
				        KNAME[k], i, r->g1, r->g2, G);
			}
		}
	}
	/* quota tags of the final users */
	long wrong_gen = 0, users = 0;
	char dir[2048], p[2200];
	CHECK_EQ_INT(dom_dir(&s, dir, sizeof dir), 0);
	snprintf(p, sizeof p, "%s/vpasswd", dir);
	FILE *f = fopen(p, "r");
	char line[1024];
	while (f && fgets(line, sizeof line, f)) {
		char q[64];
		field(line, 6, q, sizeof q);
		users++;
		if (strcmp(q, "NOQUOTA") != 0 && atoi(q) != QBASE + last) {
			wrong_gen++;
			fprintf(stderr, "    %.*s: quota %s, final generation %d\n", (int)strcspn(line, ":"),
			        line, q, last);
		}
	}
	if (f)
		fclose(f);
	chk_stats cs;
	int problems = chk_tree(&s, CHK_EXACT, &cs) + leftovers(&s);

	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("  %s: %d rounds of del_domain + re-add in %.1f s against %d writers: %ld calls, %ld ok, "
	       "%ld VA_DOMAIN_DOES_NOT_EXIST\n", where, rounds, secs, NW, calls, ok, gone);
	printf("  del_domain failed %d (ENOTEMPTY %d)%s%s; re-add refused %d%s%s; set-up failed %d%s%s\n",
	       sh->del_fail, sh->enotempty, sh->del_fail ? ": " : "", sh->del_msg, sh->readd_fail,
	       sh->readd_fail ? ": " : "", sh->readd_msg, sh->setup_fail, sh->setup_fail ? ": " : "",
	       sh->setup_msg);
	printf("  unclean failures %ld, failed in a standing domain %ld, success not seen %ld, "
	       "success while deleted %ld, old write in the last generation %ld, users with an old "
	       "generation's quota %ld of %ld, tree problems %d\n",
	       unclean, stable_fail, lost, into_deleted, leaked, wrong_gen, users, problems);
	CHECK_EQ_INT(sh->del_fail, 0);
	CHECK_EQ_INT(sh->readd_fail, 0);
	CHECK_EQ_INT(sh->setup_fail, 0);
	CHECK_EQ_INT(unclean, 0);
	CHECK_EQ_INT(stable_fail, 0);
	CHECK_EQ_INT(lost, 0);
	CHECK_EQ_INT(into_deleted, 0);
	CHECK_EQ_INT(leaked, 0);
	CHECK_EQ_INT(wrong_gen, 0);
	CHECK_EQ_INT(problems, 0);
	CHECK(ok > 0 && gone > 0); /* both outcomes happened: the race was run */
	munmap(sh, sizeof *sh);
	sandbox_free(&s);
}

/* On tmpfs a round costs no fsync, so hundreds fit in seconds; on disk
 * (ext4 here) a re-made directory mostly gets the old inode number back and
 * every rename waits for the disk: fewer rounds, wider windows. */
TEST(rounds_tmpfs)
{
	char shm[] = "/dev/shm/vp-locksXXXXXX";
	char *keep = getenv("VP_TMP") ? strdup(getenv("VP_TMP")) : NULL;
	int on_shm = mkdtemp(shm) != NULL;
	if (on_shm)
		setenv("VP_TMP", shm, 1);
	int rounds = getenv("VP_LOCK_ROUNDS") ? atoi(getenv("VP_LOCK_ROUNDS")) : LOCK_ROUNDS;
	rounds_run(on_shm ? "tmpfs" : "disk", rounds);
	if (on_shm) {
		rmdir(shm);
		if (keep)
			setenv("VP_TMP", keep, 1);
		else
			unsetenv("VP_TMP");
	}
	free(keep);
}

TEST(rounds_disk)
{
	rounds_run("disk", getenv("VP_LOCK_ROUNDS_DISK") ? atoi(getenv("VP_LOCK_ROUNDS_DISK"))
	                                                 : LOCK_ROUNDS_DISK);
}

int main(void)
{
	(void)compare_step; /* tree.h's fixture helper, unused here */
	RUN(writer_waits_on_vpopmail_lock);
	RUN(batch_begun_before_readd);
	RUN(killed_delete_leftover);
	RUN(rounds_tmpfs);
	RUN(rounds_disk);
	return T_SUMMARY();
}
