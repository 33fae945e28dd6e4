/* test_crash_mysql.c: kill -9 writers of the mysql backend at random moments,
 * hundreds of times, against a real private MariaDB (scripts/mariadb.sh).
 *
 * Each round forks a child that opens its own connection and writes without
 * pause (add/del user, passwd, quota, add/del domain on small pools of
 * names), kills it after a seeded random delay, then checks what issue 13
 * asks of a crash: the rows, the dir_control counters and the Maildirs agree.
 *  - every user row of a domain has its home with Maildir/{new,cur,tmp} and
 *    its lastauth row; no lastauth row is left without its user;
 *  - a domain's cur_users moves with its rows (the counter, the row and the
 *    lastauth row commit in one transaction);
 *  - a home on disk without a row is only ever a killed add's fresh leftover
 *    (nothing but the empty Maildir), which the next add of the name removes;
 *  - a home a killed delete set aside (".deleted.*") is gone after the next
 *    delete there; a domain directory a killed delete left is removed by the
 *    next add of the name;
 *  - no vpasswd or vpasswd.cdb appears: on mysql the table is the only store;
 *  - the next add, passwd, login, del and add/del domain succeed.
 * The server sees the killed client's socket close and rolls its open
 * transaction back; what the child had committed stays. */
#include <dirent.h>
#include <errno.h>
#include <mysql.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sqltest.h"
#include "t.h"
#include "tree.h"
#include "vp_store.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"

#ifndef CRASH_KILLS
#define CRASH_KILLS 200
#endif
#define POOL_USERS 10
#define POOL_DOMS 2

static const char *const DOM = "crash.test";
static char srcdir[2048], dbdir[2300], sock[2400], conffile[2400];
static MYSQL *root;

typedef struct shared {
	volatile long ops;         /* operations completed by all children */
	volatile long unexpected;  /* return codes no history explains */
	volatile int last_rc, last_kind;
	volatile long opened;      /* children that got a connection */
} shared;

static unsigned long long rnd(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int sh(const char *fmt, const char *a)
{
	return sh_in(srcdir, fmt, a);
}

static vp_store_options opts(void)
{
	vp_store_options o;
	memset(&o, 0, sizeof o);
	o.mysql_config = conffile;
	o.mysql_socket = sock;
	o.connect_timeout = 10;
	return o;
}

/* One number from the root connection (-1 on error). */
static long long root_num(const char *fmt, const char *a)
{
	char q[1024];
	snprintf(q, sizeof q, fmt, a);
	if (mysql_query(root, q) != 0) {
		fprintf(stderr, "  root: %s: %s\n", q, mysql_error(root));
		return -1;
	}
	MYSQL_RES *r = mysql_store_result(root);
	MYSQL_ROW row = r ? mysql_fetch_row(r) : NULL;
	long long v = row && row[0] ? atoll(row[0]) : -1;
	if (r)
		mysql_free_result(r);
	return v;
}

static void note(shared *sh, int kind, int rc, int ok1)
{
	if (rc == 0 || rc == ok1)
		return;
	__sync_fetch_and_add(&sh->unexpected, 1);
	sh->last_rc = rc;
	sh->last_kind = kind;
}

static void writer(sandbox *s, shared *sh, unsigned long long seed)
{
	vp_config cfg = s->cfg;
	vp_store_options o = opts();
	vp_store *st = NULL;
	vp_error e;
	if (vp_store_open(&vp_store_mysql_driver, &cfg, &o, &st, &e) != 0 || vp_store_ping(st, &e) != 0)
		_exit(3);
	cfg.store = st;
	__sync_fetch_and_add(&sh->opened, 1);
	char name[64];
	for (long n = 0;; n++) {
		int kind = (int)(rnd(&seed) % 100), rc;
		snprintf(name, sizeof name, "u%d", (int)(rnd(&seed) % POOL_USERS));
		if (kind < 30) {
			rc = vp_add_user(&cfg, name, DOM, "secret-1", NULL, 0, &e);
			note(sh, kind, rc, VA_USERNAME_EXISTS);
		} else if (kind < 55) {
			rc = vp_del_user(&cfg, name, DOM, &e);
			note(sh, kind, rc, VA_USER_DOES_NOT_EXIST);
		} else if (kind < 72) {
			rc = vp_set_password(&cfg, name, DOM, "secret-2", &e);
			note(sh, kind, rc, VA_USER_DOES_NOT_EXIST);
		} else if (kind < 84) {
			rc = vp_set_quota(&cfg, name, DOM, (n & 1) ? "1000000S" : "NOQUOTA", &e);
			note(sh, kind, rc, VA_USER_DOES_NOT_EXIST);
		} else if (kind < 93) {
			snprintf(name, sizeof name, "t%d.test", (int)(rnd(&seed) % POOL_DOMS));
			rc = vp_add_domain(&cfg, name, NULL, cfg.uid, cfg.gid, &e);
			note(sh, kind, rc, VA_DOMAIN_ALREADY_EXISTS);
			if (rc == 0) {
				rc = vp_add_user(&cfg, "pm", name, "secret-3", NULL, 0, &e);
				note(sh, kind, rc, 0);
			}
		} else {
			snprintf(name, sizeof name, "t%d.test", (int)(rnd(&seed) % POOL_DOMS));
			rc = vp_del_domain(&cfg, name, &e);
			note(sh, kind, rc, VA_DOMAIN_DOES_NOT_EXIST);
		}
		__sync_fetch_and_add(&sh->ops, 1);
	}
}

static int is_dir_at(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A killed add's or delete's leftover, as vp_user_make_home may remove it
 * for the next add of the name: no mail, only the empty Maildir, a
 * maildirsize (a quota set before the delete) and temp files. */
static int names_only(const char *dir, const char *const *ok, size_t n, const char *pat)
{
	DIR *d = opendir(dir);
	if (!d)
		return 1; /* killed before this one was made */
	int good = 1;
	struct dirent *de;
	while (good && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		int hit = pat && strstr(de->d_name, pat) != NULL;
		for (size_t i = 0; i < n && !hit; i++)
			hit = strcmp(de->d_name, ok[i]) == 0;
		good = hit;
	}
	closedir(d);
	return good;
}

static int fresh_leftover(const char *home)
{
	static const char *const top[] = { "Maildir", "lastauth" };
	static const char *const md[] = { "new", "cur", "tmp", "maildirsize" };
	char p[4096];
	if (!names_only(home, top, 2, ".tmp."))
		return 0;
	snprintf(p, sizeof p, "%s/Maildir", home);
	if (!names_only(p, md, 4, NULL))
		return 0;
	snprintf(p, sizeof p, "%s/Maildir/new", home);
	int ok = names_only(p, NULL, 0, NULL);
	snprintf(p, sizeof p, "%s/Maildir/cur", home);
	ok = ok && names_only(p, NULL, 0, NULL);
	snprintf(p, sizeof p, "%s/Maildir/tmp", home);
	return ok && names_only(p, NULL, 0, "_NeWmAiLdIrSiZe.");
}

typedef struct agree {
	long leftovers; /* homes of killed adds (or deletes past their commit), no row */
	long asides;    /* .deleted.* homes of killed deletes */
} agree;

/* Rows, counter and disk of one domain agree; returns the problems found. */
static int check_domain(const sandbox *s, const char *dom, long long delta, agree *ag)
{
	char q[1024], p[4096], ddir[2048];
	int problems = 0;
	snprintf(ddir, sizeof ddir, "%s/domains/%s", s->home, dom);
	snprintf(q, sizeof q, "SELECT pw_name, pw_dir FROM vpopmail WHERE pw_domain = '%s' "
	         "ORDER BY pw_name", dom);
	if (mysql_query(root, q) != 0)
		return fprintf(stderr, "  %s\n", mysql_error(root)), 1;
	MYSQL_RES *r = mysql_store_result(root);
	MYSQL_ROW row;
	long rows = 0;
	char names[64][80];
	int nnames = 0;
	while ((row = mysql_fetch_row(r))) {
		rows++;
		if (nnames < 64)
			snprintf(names[nnames++], sizeof names[0], "%s", row[0]);
		const char *subs[] = { "", "/Maildir/new", "/Maildir/cur", "/Maildir/tmp" };
		for (int i = 0; i < 4; i++) {
			snprintf(p, sizeof p, "%s%s", row[1], subs[i]);
			if (!is_dir_at(p)) {
				fprintf(stderr, "  %s@%s: row without %s\n", row[0], dom, p);
				problems++;
			}
		}
		long long la = 0;
		snprintf(q, sizeof q, "SELECT COUNT(*) FROM lastauth WHERE user = '%s' AND domain = '%%s'",
		         row[0]);
		la = root_num(q, dom);
		if (la != 1) {
			fprintf(stderr, "  %s@%s: %lld lastauth rows\n", row[0], dom, la);
			problems++;
		}
	}
	mysql_free_result(r);
	long long orphans = root_num("SELECT COUNT(*) FROM lastauth l WHERE l.domain = '%s' AND NOT EXISTS "
	                             "(SELECT 1 FROM vpopmail v WHERE v.pw_name = l.user AND "
	                             "v.pw_domain = l.domain)", dom);
	if (orphans != 0) {
		fprintf(stderr, "  %s: %lld lastauth rows without their user\n", dom, orphans);
		problems++;
	}
	long long cur = root_num("SELECT cur_users FROM dir_control WHERE domain = '%s'", dom);
	if (delta != -1000 && cur - rows != delta) {
		fprintf(stderr, "  %s: cur_users %lld for %ld rows (expected a difference of %lld)\n", dom,
		        cur, rows, delta);
		problems++;
	}
	/* the disk: every home has its row, or is a killed add's fresh leftover */
	DIR *d = opendir(ddir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.') {
			if (strncmp(de->d_name, ".deleted.", 9) == 0)
				ag->asides++;
			continue;
		}
		if (!strcmp(de->d_name, "vpasswd") || !strcmp(de->d_name, "vpasswd.cdb")) {
			fprintf(stderr, "  %s: %s written on the mysql backend\n", dom, de->d_name);
			problems++;
			continue;
		}
		snprintf(p, sizeof p, "%s/%s", ddir, de->d_name);
		if (!is_dir_at(p))
			continue;
		int found = 0;
		for (int i = 0; i < nnames && !found; i++)
			found = strcmp(names[i], de->d_name) == 0;
		if (found)
			continue;
		if (fresh_leftover(p)) {
			ag->leftovers++;
		} else {
			fprintf(stderr, "  %s: home %s has no row and is not a fresh leftover\n", dom, p);
			problems++;
		}
	}
	if (d)
		closedir(d);
	return problems;
}

static long long counter_delta(const char *dom)
{
	long long cur = root_num("SELECT cur_users FROM dir_control WHERE domain = '%s'", dom);
	long long rows = root_num("SELECT COUNT(*) FROM vpopmail WHERE pw_domain = '%s'", dom);
	return cur - rows;
}

TEST(kill_dash_nine_mysql_writers)
{
	sandbox s;
	vp_error e;
	sandbox_init(&s);
	s.cfg.hash_scheme = VP_HASH_MD5;
	s.cfg.lock_timeout_ms = 30000;
	s.cfg.backend = VP_BACKEND_MYSQL;
	vp_store_options o = opts();
	vp_store *st = NULL;
	CHECK_EQ_INT(vp_store_open(&vp_store_mysql_driver, &s.cfg, &o, &st, &e), 0);
	if (!st)
		return;
	s.cfg.store = st;
	CHECK_EQ_INT(vp_add_domain(&s.cfg, DOM, NULL, s.cfg.uid, s.cfg.gid, &e), 0);
	for (int i = 0; i < POOL_USERS; i += 2) {
		char u[16];
		snprintf(u, sizeof u, "u%d", i);
		CHECK_EQ_INT(vp_add_user(&s.cfg, u, DOM, "secret-0", NULL, 0, &e), 0);
	}
	/* vpopmail's counter need not equal the rows (it starts where the
	 * domain's first add left it): what a crash must not do is move one
	 * without the other. */
	long long delta = counter_delta(DOM);
	CHECK(delta > -1000);

	shared *shm = mmap(NULL, sizeof *shm, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(shm != MAP_FAILED);
	if (shm == MAP_FAILED)
		return;
	memset(shm, 0, sizeof *shm);
	unsigned long long seed = 0x5eedc0ffeeULL;
	const char *env = getenv("VP_CRASH_SEED");
	if (env)
		seed = strtoull(env, NULL, 0);
	int rounds = CRASH_KILLS;
	if ((env = getenv("VP_CRASH_KILLS")))
		rounds = atoi(env);
	agree ag = { 0, 0 };
	unsigned long kills = 0, bad_rounds = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int round = 0; round < rounds; round++) {
		unsigned long long child_seed = rnd(&seed);
		long opened = shm->opened;
		long delay_us = 500 + (long)(rnd(&seed) % 25000);
		pid_t pid = fork();
		if (pid == 0) {
			/* the parent's handle is the parent's: never touch it here */
			writer(&s, shm, child_seed | 1);
			_exit(0);
		}
		/* the delay counts from the child's first connection */
		for (int w = 0; w < 5000 && shm->opened == opened; w++)
			usleep(1000);
		struct timespec ts = { 0, delay_us * 1000L };
		nanosleep(&ts, NULL);
		CHECK_EQ_INT(kill(pid, SIGKILL), 0);
		int stt;
		waitpid(pid, &stt, 0);
		CHECK(WIFSIGNALED(stt) && WTERMSIG(stt) == SIGKILL);
		kills++;

		int problems = check_domain(&s, DOM, delta, &ag);
		for (int i = 0; i < POOL_DOMS; i++) {
			char pd[64], ddir[2048];
			snprintf(pd, sizeof pd, "t%d.test", i);
			snprintf(ddir, sizeof ddir, "%s/domains/%s", s.home, pd);
			if (is_dir_at(ddir))
				problems += check_domain(&s, pd, -1000, &ag);
		}

		/* the next writes succeed */
		char probe[64], pdom[64];
		snprintf(probe, sizeof probe, "probe%d", round);
		int rc = vp_add_user(&s.cfg, probe, DOM, "probe-pw", NULL, 0, &e);
		if (rc)
			fprintf(stderr, "  round %d add_user: %d %s\n", round, rc, e.msg);
		CHECK_EQ_INT(rc, 0);
		CHECK_EQ_INT(vp_set_password(&s.cfg, probe, DOM, "probe-pw2", &e), 0);
		CHECK_EQ_INT(vp_auth_user(&s.cfg, probe, DOM, "probe-pw2", NULL, &e), 0);
		CHECK_EQ_INT(vp_del_user(&s.cfg, probe, DOM, &e), 0);
		snprintf(pdom, sizeof pdom, "probe%d.test", round);
		rc = vp_add_domain(&s.cfg, pdom, NULL, s.cfg.uid, s.cfg.gid, &e);
		if (rc)
			fprintf(stderr, "  round %d add_domain: %d %s\n", round, rc, e.msg);
		CHECK_EQ_INT(rc, 0);
		CHECK_EQ_INT(vp_del_domain(&s.cfg, pdom, &e), 0);
		/* every name of the pool can be added again (or exists) */
		for (int i = 0; i < POOL_USERS; i++) {
			char u[16];
			snprintf(u, sizeof u, "u%d", i);
			rc = vp_add_user(&s.cfg, u, DOM, "secret-4", NULL, 0, &e);
			if (rc != 0 && rc != VA_USERNAME_EXISTS) {
				fprintf(stderr, "  round %d re-add %s: %d %s\n", round, u, rc, e.msg);
				problems++;
			}
		}
		/* the probe's delete swept what killed deletes had set aside */
		agree after = { 0, 0 };
		problems += check_domain(&s, DOM, delta, &after);
		if (after.asides) {
			fprintf(stderr, "  round %d: %ld .deleted.* homes left after a delete\n", round,
			        after.asides);
			problems++;
		}
		if (problems) {
			fprintf(stderr, "  round %d (delay %ld us): %d problems\n", round, delay_us, problems);
			bad_rounds++;
			CHECK_EQ_INT(problems, 0);
			if (bad_rounds > 5)
				break;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (shm->unexpected)
		fprintf(stderr, "  %ld unexpected return codes in the writers (last: %d, kind %d)\n",
		        shm->unexpected, shm->last_rc, shm->last_kind);
	CHECK_EQ_INT(shm->unexpected, 0);
	CHECK(shm->ops > (long)kills); /* the children did write between the kills */
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("crash (mysql): %lu kill -9 survived in %.1f s, %ld writer operations completed "
	       "between them; killed adds' fresh homes seen %ld times (each removed by the next add), "
	       "killed deletes' .deleted.* homes %ld times\n",
	       kills, secs, shm->ops, ag.leftovers, ag.asides);
	munmap(shm, sizeof *shm);
	vp_store_close(st);
	sandbox_free(&s);
}

int main(void)
{
	(void)compare_step;
	const char *sd = getenv("VP_SRCDIR"), *td = getenv("VP_TMP");
	if (!sd || !td) {
		fprintf(stderr, "VP_SRCDIR and VP_TMP must be set (run me through scripts/libcore-tests.sh)\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	snprintf(srcdir, sizeof srcdir, "%s", sd);
	snprintf(dbdir, sizeof dbdir, "%s/crashdb", td);
	snprintf(sock, sizeof sock, "%s/sock", dbdir);
	snprintf(conffile, sizeof conffile, "%s/vpopmail.mysql", dbdir);
	if (system("command -v mariadbd >/dev/null 2>&1") != 0) {
		fprintf(stderr, "test_crash_mysql: mariadbd is not installed (scripts/deps.sh installs it). FAIL\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	char owner[32];
	snprintf(owner, sizeof owner, "%ld", (long)getpid());
	setenv("VP_MARIADB_OWNER", owner, 1);
	if (sh("'%s/scripts/mariadb.sh' start '%s'", dbdir) != 0) {
		fprintf(stderr, "test_crash_mysql: no server in %s. FAIL\n", dbdir);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	setenv("MYSQL_UNIX_PORT", sock, 1);
	vp_store_library_init();
	root = mysql_init(NULL);
	if (root && mysql_real_connect(root, NULL, "root", NULL, "vpopmail", 0, sock, 0)) {
		RUN(kill_dash_nine_mysql_writers);
	} else {
		fprintf(stderr, "  root connect: %s\n", root ? mysql_error(root) : "mysql_init");
		t_failed++;
	}
	if (root)
		mysql_close(root);
	sh("'%s/scripts/mariadb.sh' stop '%s'", dbdir);
	vp_store_library_end();
	return T_SUMMARY();
}
