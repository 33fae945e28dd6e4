/* test_store_repl.c: the mysql store with replication (vpopmail.mysql line 1
 * the server for reads, line 2 the one for updates) against a real primary +
 * replica pair with GTID replication on loopback (scripts/mariadb-pair.sh).
 * Where a statement went is seen by stopping replication: a read the
 * replica answers does not see a write made on the primary after the stop. */
#include <mysql.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sqltest.h"
#include "t.h"
#include "vp_store.h"

static char srcdir[2048], tmpdir[2048], pairdir[2300], conffile[2400], cmd[8192];
static vp_config cfg;

#define OK(call) do { vp_error e_; memset(&e_, 0, sizeof e_); int rc_ = (call); \
	if (rc_ != 0) fprintf(stderr, "  %s:%d: %s: %d %s\n", __FILE__, __LINE__, #call, rc_, e_.msg); \
	CHECK_EQ_INT(rc_, 0); } while (0)

static int pair(const char *what, const char *which)
{
	snprintf(cmd, sizeof cmd, "'%s/scripts/mariadb-pair.sh' %s '%s' %s >/dev/null", srcdir, what, pairdir,
	         which);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
}

/* root on one server over its socket (which: "p" or "r"); 0 or -1 */
static int root_sql(const char *which, const char *sql)
{
	snprintf(cmd, sizeof cmd, "mariadb --no-defaults -S '%s/%s/sock' -uroot -N -B -e \"%s\" >/dev/null",
	         pairdir, which, sql);
	return system(cmd) == 0 ? 0 : -1;
}

static vp_user_entry mkuser(const char *name, const char *passwd)
{
	vp_user_entry e;
	memset(&e, 0, sizeof e);
	snprintf(e.name, sizeof e.name, "%s", name);
	snprintf(e.passwd, sizeof e.passwd, "%s", passwd);
	snprintf(e.gecos, sizeof e.gecos, "%s", name);
	snprintf(e.dir, sizeof e.dir, "/d/%s", name);
	snprintf(e.quota, sizeof e.quota, "NOQUOTA");
	return e;
}

static vp_store *open_store(enum vp_store_raw raw, int wait_ms)
{
	static vp_store_options o[4];
	static int n;
	vp_store_options *op = &o[n++ % 4];
	memset(op, 0, sizeof *op);
	op->mysql_config = conffile;
	op->connect_timeout = 2;
	op->read_after_write = raw;
	op->gtid_wait_ms = wait_ms;
	vp_store *s = NULL;
	vp_error e;
	if (vp_store_open(&vp_store_mysql_driver, &cfg, op, &s, &e) != 0)
		fprintf(stderr, "  open: %s\n", e.msg);
	return s;
}

TEST(conf_two_lines)
{
	vp_mysql_conf c[2];
	vp_error e;
	int n = 0;
	const char *one = "# one server\nlocalhost|0|u|p|vpopmail\n";
	CHECK_EQ_INT(vp_mysql_conf_parse_all(one, strlen(one), c, &n, &e), 0);
	CHECK_EQ_INT(n, 1);
	const char *two = "# reads\nreplica.local|3306|ro|rpw|vpopmail\n\n# updates\r\n"
	                  "primary.example|3307|rw|wpw|vpopmail\nthird|1|x|y|z\n";
	CHECK_EQ_INT(vp_mysql_conf_parse_all(two, strlen(two), c, &n, &e), 0);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_STR(c[0].host, "replica.local");
	CHECK_EQ_STR(c[0].user, "ro");
	CHECK_EQ_INT(c[0].port, 3306);
	CHECK_EQ_STR(c[1].host, "primary.example");
	CHECK_EQ_STR(c[1].password, "wpw");
	CHECK_EQ_INT(c[1].port, 3307); /* the third line is ignored, as vpopmail does */
	const char *bad = "replica|0|u|p|db\nprimary|0|u|p\n";
	e.msg[0] = '\0';
	CHECK_EQ_INT(vp_mysql_conf_parse_all(bad, strlen(bad), c, &n, &e), VA_PARSE_ERROR);
	CHECK(strstr(e.msg, "line 2") != NULL);
	vp_mysql_conf one_c;
	CHECK_EQ_INT(vp_mysql_conf_parse(two, strlen(two), &one_c, &e), 0); /* line 1 */
	CHECK_EQ_STR(one_c.host, "replica.local");
}

/* Reads from the replica, writes to the primary, the request's own writes
 * visible until it ends, both servers in the info. */
TEST(split_and_read_your_writes)
{
	vp_store *s = open_store(VP_STORE_RAW_PRIMARY, 0);
	vp_domain_info d = mkdom("split.test");
	vp_user_entry u = mkuser("alice", "h1"), v;
	vp_error e;
	OK(vp_store_domain_create(s, &d, &e));
	OK(vp_store_user_add(s, &d, &u, &e));
	OK(vp_store_lastauth_set(s, &d, &u, NULL, 1, &e)); /* its table made (DDL is a write) */
	vp_store_end_request(s);
	CHECK_EQ_INT(root_sql("r", "STOP SLAVE"), 0);
	u = mkuser("bob", "h2");
	OK(vp_store_user_add(s, &d, &u, &e));
	CHECK_EQ_INT(vp_store_user_get(s, &d, "bob", 0, &v, &e), 1);   /* this request: the primary */
	vp_store_end_request(s);
	CHECK_EQ_INT(vp_store_user_get(s, &d, "bob", 0, &v, &e), 0);   /* the next: the stale replica */
	CHECK_EQ_INT(vp_store_user_get(s, &d, "alice", 0, &v, &e), 1);
	/* a transaction reads the primary (FOR UPDATE too) */
	OK(vp_store_begin(s, &d, 0, &e));
	CHECK_EQ_INT(vp_store_user_get(s, &d, "bob", VP_STORE_GET_LOCK, &v, &e), 1);
	OK(vp_store_rollback(s, &e));
	vp_store_end_request(s);
	/* a login's lastauth row goes to the primary and the reads stay on the replica */
	OK(vp_store_lastauth_set(s, &d, &u, "192.0.2.1", 100, &e));
	CHECK_EQ_INT(vp_store_user_get(s, &d, "bob", 0, &v, &e), 0);
	vp_store_info in;
	vp_store_info_get(s, &in);
	CHECK(strstr(in.server, "127.0.0.1:") != NULL);
	CHECK(strstr(in.write_server, "127.0.0.1:") != NULL);
	CHECK(strcmp(in.server, in.write_server) != 0);
	CHECK_EQ_INT(in.read_up, 1);
	CHECK_EQ_INT(in.write_up, 1);
	OK(vp_store_ping(s, &e));
	CHECK_EQ_INT(root_sql("r", "START SLAVE"), 0);
	vp_store_close(s);
}

/* gtid: after a write the replica waits for its GTID; with replication
 * stopped the wait times out and the primary answers. */
TEST(gtid_wait)
{
	vp_store *s = open_store(VP_STORE_RAW_GTID, 200);
	vp_domain_info d = mkdom("split.test");
	vp_user_entry u = mkuser("carol", "h3"), v;
	vp_error e;
	OK(vp_store_user_add(s, &d, &u, &e));
	CHECK_EQ_INT(vp_store_user_get(s, &d, "carol", 0, &v, &e), 1);
	vp_store_end_request(s);
	CHECK_EQ_INT(root_sql("r", "STOP SLAVE"), 0);
	u = mkuser("dave", "h4");
	OK(vp_store_user_add(s, &d, &u, &e));
	double t = now_s();
	CHECK_EQ_INT(vp_store_user_get(s, &d, "dave", 0, &v, &e), 1);
	t = now_s() - t;
	CHECK(t >= 0.15 && t < 2.0); /* the 200 ms wait, then the primary */
	t = now_s();
	CHECK_EQ_INT(vp_store_user_get(s, &d, "dave", 0, &v, &e), 1);
	CHECK(now_s() - t < 0.15);    /* given up on the replica for this request */
	CHECK_EQ_INT(root_sql("r", "START SLAVE"), 0);
	vp_store_close(s);
}

/* The replica down: reads from the primary, then from the replica again
 * once it is back.  The primary down: writes refused at once, reads from
 * the replica. */
TEST(servers_down)
{
	vp_store *s = open_store(VP_STORE_RAW_PRIMARY, 0);
	vp_domain_info d = mkdom("split.test");
	vp_user_entry u = mkuser("erin", "h5"), v;
	vp_error e;
	CHECK_EQ_INT(vp_store_user_get(s, &d, "alice", 0, &v, &e), 1);
	CHECK_EQ_INT(pair("kill", "r"), 0);
	CHECK_EQ_INT(vp_store_user_get(s, &d, "alice", 0, &v, &e), 1);
	OK(vp_store_user_add(s, &d, &u, &e));
	vp_store_info in;
	vp_store_info_get(s, &in);
	CHECK_EQ_INT(in.read_up, 0);
	CHECK_EQ_INT(in.write_up, 1);
	CHECK_EQ_INT(pair("again", "r"), 0);
	usleep(1100 * 1000);
	vp_store_end_request(s);
	CHECK_EQ_INT(vp_store_user_get(s, &d, "alice", 0, &v, &e), 1);
	vp_store_info_get(s, &in);
	CHECK_EQ_INT(in.read_up, 1);
	CHECK_EQ_INT(pair("kill", "p"), 0);
	u = mkuser("fred", "h6");
	double t = now_s();
	CHECK_EQ_INT(vp_store_user_add(s, &d, &u, &e), VA_NO_AUTH_CONNECTION);
	CHECK_EQ_INT(vp_store_begin(s, &d, 0, &e), VA_NO_AUTH_CONNECTION);
	CHECK(now_s() - t < 1.0);
	CHECK_EQ_INT(vp_store_user_get(s, &d, "erin", 0, &v, &e), 1);  /* replicated before */
	t = now_s();
	CHECK_EQ_INT(vp_store_lastauth_set(s, &d, &v, "192.0.2.9", 200, &e), VA_NO_AUTH_CONNECTION);
	CHECK(now_s() - t < 0.1);
	CHECK_EQ_INT(pair("again", "p"), 0);
	usleep(1100 * 1000);
	u = mkuser("gina", "h7");
	OK(vp_store_user_add(s, &d, &u, &e));
	vp_store_close(s);
}

int main(void)
{
	const char *sd = getenv("VP_SRCDIR"), *td = getenv("VP_TMP");
	if (!sd || !td) {
		fprintf(stderr, "VP_SRCDIR and VP_TMP must be set (run me through scripts/libcore-tests.sh)\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	snprintf(srcdir, sizeof srcdir, "%s", sd);
	snprintf(tmpdir, sizeof tmpdir, "%s", td);
	snprintf(pairdir, sizeof pairdir, "%s/pair", tmpdir);
	snprintf(conffile, sizeof conffile, "%s/vpopmail.mysql", pairdir);
	char owner[32];
	snprintf(owner, sizeof owner, "%ld", (long)getpid());
	setenv("VP_MARIADB_OWNER", owner, 1);
	if (pair("start", "") != 0) {
		fprintf(stderr, "test_store_repl: scripts/mariadb-pair.sh could not start. FAIL\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	vp_store_library_init();
	memset(&cfg, 0, sizeof cfg);
	cfg.vpopmail_dir = "/home/vpopmail";
	RUN(conf_two_lines);
	RUN(split_and_read_your_writes);
	RUN(gtid_wait);
	RUN(servers_down);
	pair("stop", "");
	vp_store_library_end();
	return T_SUMMARY();
}
