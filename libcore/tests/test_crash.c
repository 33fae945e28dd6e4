/* test_crash.c: kill -9 writers at random moments, many times.
 *
 * Each round forks a child that writes without pause (add/del user, passwd,
 * quota, alias add/del, add/del domain on a small pool of names), kills it
 * after a seeded random delay, and then checks the tree with check.h in its
 * CHK_CRASHED mode: every file parses, every vpasswd.cdb opens and matches
 * its vpasswd, no temp file is listed or read as data.  Then the next writes
 * must succeed (locks die with their process; stale "<dir>/.tmp.<file>.<hex>" temps
 * are ignored, never swept: no reader opens them, the alias listing skips
 * every name with a '.', and their random suffix never collides), and once a
 * domain write has run, users/cdb is exactly what assign compiles to again.
 */
#include "t.h"
#include "tree.h"
#include "check.h"

#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#pragma GCC diagnostic ignored "-Wformat-truncation"

#ifndef CRASH_KILLS
#define CRASH_KILLS 250
#endif
#ifndef CRASH_KILLS_DISK
#define CRASH_KILLS_DISK 60
#endif
#define POOL_USERS 12
#define POOL_ALIAS 4
#define POOL_DOMS 3

static const char *const DOM = "crash.test";

typedef struct shared {
	volatile long ops;          /* operations completed by all children */
	volatile long unexpected;   /* return codes no complete history explains */
	volatile int last_rc, last_kind;
	volatile long orphan_home;  /* VA_EXIST_U_DIR: a killed add left the home */
	volatile long orphan_dir;   /* VA_COULD_NOT_MAKE_DOMAIN_DIR: a killed add/del left the dir */
} shared;

static unsigned long long rnd(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void note(shared *sh, int kind, int rc, int ok1, int ok2)
{
	if (rc == 0 || rc == ok1 || rc == ok2)
		return;
	if (rc == VA_EXIST_U_DIR) {
		__sync_fetch_and_add(&sh->orphan_home, 1);
		return;
	}
	if (rc == VA_COULD_NOT_MAKE_DOMAIN_DIR) {
		__sync_fetch_and_add(&sh->orphan_dir, 1);
		return;
	}
	__sync_fetch_and_add(&sh->unexpected, 1);
	sh->last_rc = rc;
	sh->last_kind = kind;
}

static void writer(sandbox *s, shared *sh, unsigned long long seed, int users_only)
{
	char name[64], line[128];
	vp_error e;
	for (long n = 0;; n++) {
		int kind = (int)(rnd(&seed) % 100), rc;
		if (users_only) /* mostly vpasswd rewrites: passwd and quota */
			kind = kind < 80 ? 38 + kind % 22 : kind % 38;
		snprintf(name, sizeof name, "u%d", (int)(rnd(&seed) % POOL_USERS));
		if (kind < 22) {
			rc = vp_add_user(&s->cfg, name, DOM, "secret-1", NULL, 0, &e);
			note(sh, kind, rc, VA_USERNAME_EXISTS, 0);
		} else if (kind < 38) {
			rc = vp_del_user(&s->cfg, name, DOM, &e);
			note(sh, kind, rc, VA_USER_DOES_NOT_EXIST, 0);
		} else if (kind < 50) {
			rc = vp_set_password(&s->cfg, name, DOM, "secret-2", &e);
			note(sh, kind, rc, VA_USER_DOES_NOT_EXIST, 0);
		} else if (kind < 60) {
			rc = vp_set_quota(&s->cfg, name, DOM, (n & 1) ? "1000000S" : "NOQUOTA", &e);
			note(sh, kind, rc, VA_USER_DOES_NOT_EXIST, 0);
		} else if (kind < 74) {
			snprintf(name, sizeof name, "a%d", (int)(rnd(&seed) % POOL_ALIAS));
			snprintf(line, sizeof line, "&t%d@example.org", (int)(rnd(&seed) % 6));
			rc = vp_alias_add(&s->cfg, name, DOM, line, &e);
			note(sh, kind, rc, VA_ALIAS_LINE_EXISTS, 0);
		} else if (kind < 82) {
			snprintf(name, sizeof name, "a%d", (int)(rnd(&seed) % POOL_ALIAS));
			rc = vp_alias_del(&s->cfg, name, DOM, &e);
			note(sh, kind, rc, VA_ALIAS_DOES_NOT_EXIST, 0);
		} else if (kind < 92) {
			snprintf(name, sizeof name, "t%d.test", (int)(rnd(&seed) % POOL_DOMS));
			rc = vp_add_domain(&s->cfg, name, NULL, s->cfg.uid, s->cfg.gid, &e);
			note(sh, kind, rc, VA_DOMAIN_ALREADY_EXISTS, 0);
			if (rc == 0) {
				rc = vp_add_user(&s->cfg, "pm", name, "secret-3", NULL, 0, &e);
				note(sh, kind, rc, 0, 0);
			}
		} else {
			snprintf(name, sizeof name, "t%d.test", (int)(rnd(&seed) % POOL_DOMS));
			rc = vp_del_domain(&s->cfg, name, &e);
			note(sh, kind, rc, VA_DOMAIN_DOES_NOT_EXIST, 0);
		}
		__sync_fetch_and_add(&sh->ops, 1);
	}
}

static void crash_rounds(const char *where, int rounds, int users_only, long max_delay_us)
{
	sandbox s;
	vp_error e;
	sandbox_init(&s);
	s.cfg.hash_scheme = VP_HASH_MD5;
	s.cfg.lock_timeout_ms = 30000;
	CHECK_EQ_INT(vp_add_domain(&s.cfg, DOM, NULL, s.cfg.uid, s.cfg.gid, &e), 0);
	for (int i = 0; users_only && i < POOL_USERS; i += 2) {
		char u[16];
		snprintf(u, sizeof u, "u%d", i);
		CHECK_EQ_INT(vp_add_user(&s.cfg, u, DOM, "secret-0", NULL, 0, &e), 0);
	}
	shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED);
	if (sh == MAP_FAILED)
		return;
	memset(sh, 0, sizeof *sh);

	unsigned long long seed = 0x5eed0fc4a5bULL;
	const char *env = getenv("VP_CRASH_SEED");
	if (env)
		seed = strtoull(env, NULL, 0);
	unsigned long kills = 0, bad_rounds = 0, lag = 0, ctl_lag = 0, rebuilt = 0, temps = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int round = 0; round < rounds; round++) {
		unsigned long long child_seed = rnd(&seed);
		long delay_us = 200 + (long)(rnd(&seed) % (unsigned long long)max_delay_us);
		pid_t pid = fork();
		if (pid == 0) {
			writer(&s, sh, child_seed | 1, users_only);
			_exit(0);
		}
		struct timespec ts = { 0, delay_us * 1000L };
		nanosleep(&ts, NULL);
		CHECK_EQ_INT(kill(pid, SIGKILL), 0);
		int st;
		waitpid(pid, &st, 0);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		kills++;

		/* old or new state: everything parses, every vpasswd.cdb matches */
		chk_stats cs;
		int problems = chk_tree(&s, CHK_CRASHED, &cs);
		lag += cs.users_cdb_lag;
		ctl_lag += cs.control_lag != 0;
		rebuilt += cs.cdb_rebuilt;
		temps = cs.temps;

		/* the next writes succeed */
		char probe[64], pdom[64];
		snprintf(probe, sizeof probe, "probe%d", round);
		int rc = vp_add_user(&s.cfg, probe, DOM, "probe-pw", NULL, 0, &e);
		if (rc) fprintf(stderr, "  round %d add_user: %d %s\n", round, rc, e.msg);
		CHECK_EQ_INT(rc, 0);
		CHECK_EQ_INT(vp_set_password(&s.cfg, probe, DOM, "probe-pw2", &e), 0);
		CHECK_EQ_INT(vp_auth_user(&s.cfg, probe, DOM, "probe-pw2", NULL, &e), 0);
		CHECK_EQ_INT(vp_del_user(&s.cfg, probe, DOM, &e), 0);
		rc = vp_alias_add(&s.cfg, probe, DOM, "&probe@example.org", &e);
		if (rc) fprintf(stderr, "  round %d alias_add: %d %s\n", round, rc, e.msg);
		CHECK_EQ_INT(rc, 0);
		CHECK_EQ_INT(vp_alias_del(&s.cfg, probe, DOM, &e), 0);
		snprintf(pdom, sizeof pdom, "probe%d.test", round);
		rc = vp_add_domain(&s.cfg, pdom, NULL, s.cfg.uid, s.cfg.gid, &e);
		if (rc) fprintf(stderr, "  round %d add_domain: %d %s\n", round, rc, e.msg);
		CHECK_EQ_INT(rc, 0);
		CHECK_EQ_INT(vp_del_domain(&s.cfg, pdom, &e), 0);

		/* a domain write recompiled users/cdb from assign */
		if (!chk_users_cdb(&s, 1)) {
			chk_bad("users/cdb still differs from assign after a domain write");
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
	if (sh->unexpected)
		fprintf(stderr, "  %ld unexpected return codes in the writers (last: %d, kind %d)\n",
		        sh->unexpected, sh->last_rc, sh->last_kind);
	CHECK_EQ_INT(sh->unexpected, 0);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("crash (%s): %lu kill -9 survived in %.1f s, %ld writer operations completed between them; "
	       "after kills: users/cdb one write behind assign %lu times, control files behind "
	       "%lu times, vpasswd.cdb missing and rebuilt %lu times; re-adds refused by a "
	       "killed add's leftovers: %ld homes, %ld domain dirs; %lu stale temp files ignored\n",
	       where, kills, secs, sh->ops, lag, ctl_lag, rebuilt, sh->orphan_home, sh->orphan_dir, temps);
	munmap(sh, sizeof *sh);
	sandbox_free(&s);
}

/* A kill -9 leaves the page cache as it was: what a killed process leaves
 * behind is the same on tmpfs, where fsync costs nothing and hundreds of
 * rounds fit in seconds; but there the windows between two renames are
 * microseconds wide.  On disk each fsync widens them to milliseconds, so a
 * shorter run there aims at them with the user store's writers. */
TEST(kill_dash_nine_writers_tmpfs)
{
	char shm[] = "/dev/shm/vp-crashXXXXXX";
	char *keep = getenv("VP_TMP") ? strdup(getenv("VP_TMP")) : NULL;
	int on_shm = mkdtemp(shm) != NULL;
	if (on_shm)
		setenv("VP_TMP", shm, 1);
	crash_rounds(on_shm ? "tmpfs" : "disk", CRASH_KILLS, 0, 20000);
	if (on_shm) {
		rmdir(shm);
		if (keep)
			setenv("VP_TMP", keep, 1);
		else
			unsetenv("VP_TMP");
	}
	free(keep);
}

TEST(kill_dash_nine_writers_disk)
{
	crash_rounds("disk, user store", CRASH_KILLS_DISK, 1, 30000);
}

int main(void)
{
	(void)compare_step;
	RUN(kill_dash_nine_writers_tmpfs);
	RUN(kill_dash_nine_writers_disk);
	return T_SUMMARY();
}
