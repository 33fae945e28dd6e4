/*
 * vp_store_mysql.c: the mysql driver of vp_store.h, on vpopmail 5.6's SQL
 * tables (MariaDB Connector/C).
 *
 * Rows are written as vpopmail 5.6's mysql module writes them (see the
 * fixtures' MANIFEST): tables vpopmail (or one per domain), dir_control,
 * lastauth, aliasdomains.  Where it is weak we differ in how, not in what:
 *  - prepared statements with bound parameters only, no escaping anywhere.
 *    Every SQL text is a constant, or a constant template into which
 *    sql_for_table, the one place to audit, puts a name it checks
 *    ([a-z0-9_]{1,64}) and backquotes: the per-domain table
 *    (vp_mysql_domain_table of a normalised domain), or a DBA's index on
 *    pw_domain that the count names;
 *  - dir_control is read FOR UPDATE inside a transaction and written back
 *    before it ends, so concurrent adds never lose an increment (vpopmail
 *    reads and REPLACEs without a lock).  The session runs READ COMMITTED,
 *    so two first inserts of a missing row collide on the key (one waits,
 *    then reads the other's row) instead of deadlocking on gap locks;
 *  - tables are created on an empty database with vpopmail's own CREATE
 *    TABLE text (they inherit the database's charset, as vpopmail's do) and
 *    only when vpopmail would have them; an existing schema is never
 *    altered: a value longer than its column is refused before it is sent;
 *  - a login's lastauth row is one autocommit statement sent without
 *    waiting (mysql_stmt_execute_start); settle reads its answer before the
 *    connection's next statement;
 *  - the connection is opened on first use, with a connect timeout that
 *    also bounds every read and write (deleting a domain's rows: 60 times
 *    it); a lost one (2006, 2013, 1927) is
 *    reopened once and the statement retried, unless a transaction was
 *    open or the statement might have run already (2013 on a write that is
 *    not idempotent): then VA_NO_AUTH_CONNECTION and the caller redoes the
 *    operation;
 *  - with a second line in vpopmail.mysql (replication) writes and
 *    transactions go to that server, reads to the first; a request reads
 *    its own writes (route), a server that is down is skipped for reads and
 *    refuses writes at once (connect_for); a COMMIT without an answer is
 *    flagged (commit_unknown) for the caller to re-read.
 * Lookups compare the stored name with the asked one byte for byte: the
 * tables' collation (utf8mb4_general_ci) would equate "Bob", "bob" and
 * "bob ".  User listings follow the key's collation, as vpopmail's do (an
 * index order: a page costs its offset, not the domain); the cdb side sorts
 * bytewise.  Of the bytes a new name may hold, only '^', '_' and '`' sort
 * differently: after the letters here, before them there.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_store.h"
#include "vp_limits.h"

#include <errmsg.h>
#include <limits.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef ER_CONNECTION_KILLED
#define ER_CONNECTION_KILLED 1927
#endif

#define DEFAULT_TIMEOUT 5

/* ---- vpopmail.mysql ---- */

static int copy_field(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* The servers of vpopmail.mysql: the first line that is not blank or a
 * comment (reads), then the next one if any (updates); later lines are
 * ignored, as vpopmail does.  *n: how many lines were found. */
int vp_mysql_conf_parse_all(const char *text, size_t len, vp_mysql_conf out[2], int *n_out,
                            vp_error *err)
{
	const char *p = text, *end = text + len;
	unsigned lineno = 0;
	int found = 0;
	memset(out, 0, 2 * sizeof *out);
	*n_out = 0;
	while (p < end && found < 2) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *next = nl ? nl + 1 : end;
		lineno++;
		while (le > p && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
			le--;
		const char *s = p;
		while (s < le && (*s == ' ' || *s == '\t'))
			s++;
		if (s == le || *s == '#') {
			p = next;
			continue;
		}
		if (memchr(s, '\0', (size_t)(le - s)))
			return vp_fail(err, VA_PARSE_ERROR, "vpopmail.mysql line %u: NUL byte", lineno);
		const char *f[5];
		size_t fl[5];
		int n = 0;
		const char *q = s;
		for (;;) {
			const char *bar = memchr(q, '|', (size_t)(le - q));
			const char *fe = bar ? bar : le;
			if (n == 5)
				return vp_fail(err, VA_PARSE_ERROR,
				               "vpopmail.mysql line %u: more than 5 fields", lineno);
			f[n] = q;
			fl[n] = (size_t)(fe - q);
			n++;
			if (!bar)
				break;
			q = bar + 1;
		}
		if (n != 5)
			return vp_fail(err, VA_PARSE_ERROR,
			               "vpopmail.mysql line %u: %d fields, expected server|port|user|password|database",
			               lineno, n);
		if (fl[0] == 0)
			return vp_fail(err, VA_PARSE_ERROR, "vpopmail.mysql line %u: no server", lineno);
		if (fl[2] == 0 || fl[4] == 0)
			return vp_fail(err, VA_PARSE_ERROR, "vpopmail.mysql line %u: no %s", lineno,
			               fl[2] == 0 ? "user" : "database");
		unsigned long port = 0;
		for (size_t i = 0; i < fl[1]; i++) {
			if (f[1][i] < '0' || f[1][i] > '9' || port > 6553)
				return vp_fail(err, VA_PARSE_ERROR, "vpopmail.mysql line %u: bad port", lineno);
			port = port * 10 + (unsigned long)(f[1][i] - '0');
		}
		if (port > 65535)
			return vp_fail(err, VA_PARSE_ERROR, "vpopmail.mysql line %u: bad port", lineno);
		vp_mysql_conf *o = &out[found];
		o->port = (unsigned)port;
		if (copy_field(o->host, sizeof o->host, f[0], fl[0]) != 0 ||
		    copy_field(o->user, sizeof o->user, f[2], fl[2]) != 0 ||
		    copy_field(o->password, sizeof o->password, f[3], fl[3]) != 0 ||
		    copy_field(o->database, sizeof o->database, f[4], fl[4]) != 0) {
			explicit_bzero(out, 2 * sizeof *out);
			return vp_fail(err, VA_PARSE_ERROR, "vpopmail.mysql line %u: a field is too long",
			               lineno);
		}
		found++;
		p = next;
	}
	if (found == 0)
		return vp_fail(err, VA_PARSE_ERROR,
		               "vpopmail.mysql: no server|port|user|password|database line");
	*n_out = found;
	return 0;
}

int vp_mysql_conf_parse(const char *text, size_t len, vp_mysql_conf *out, vp_error *err)
{
	vp_mysql_conf two[2];
	int n;
	int rc = vp_mysql_conf_parse_all(text, len, two, &n, err);
	if (rc == 0)
		*out = two[0];
	explicit_bzero(two, sizeof two);
	return rc;
}

int vp_mysql_conf_read_all(const char *path, vp_mysql_conf out[2], int *n, vp_error *err)
{
	char *data;
	size_t len;
	int rc = vp_read_file(path, &data, &len, 64 * 1024, err);
	if (rc == -1)
		return vp_fail(err, VA_NO_AUTH_CONNECTION, "%s: no such file", path);
	if (rc < 0)
		return rc;
	rc = vp_mysql_conf_parse_all(data, len, out, n, err);
	explicit_bzero(data, len);
	free(data);
	return rc;
}

int vp_mysql_conf_read(const char *path, vp_mysql_conf *out, vp_error *err)
{
	vp_mysql_conf two[2];
	int n;
	int rc = vp_mysql_conf_read_all(path, two, &n, err);
	if (rc == 0)
		*out = two[0];
	explicit_bzero(two, sizeof two);
	return rc;
}

int vp_mysql_domain_table(const char *domain, char *out, size_t size, vp_error *err)
{
	size_t len = strlen(domain);
	if (len == 0)
		return vp_fail(err, VA_INVALID_DOMAIN_NAME, "empty domain");
	if (len > 64 || len >= size)
		return vp_fail(err, VA_DOMAIN_NAME_TOO_LONG, "a table name has at most 64 characters");
	for (size_t i = 0; i < len; i++) {
		char c = domain[i];
		if (c == '.' || c == '-')
			c = '_';
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return vp_fail(err, VA_INVALID_DOMAIN_NAME, "not a normalised domain name");
		out[i] = c;
	}
	out[len] = '\0';
	return 0;
}

/* ---- vpopmail's tables ---- */

/* vpopmail 5.6's CREATE TABLE statements, verbatim (fixture queries.sql). */
#define TBL_MANY_COLS "pw_name VARCHAR(64) not null, pw_domain VARCHAR(96) not null, " \
	"pw_passwd VARCHAR(128), pw_uid int, pw_gid int, pw_gecos VARCHAR(64), " \
	"pw_dir VARCHAR(160), pw_shell VARCHAR(20)"
#define TBL_ONE_COLS "pw_name VARCHAR(64) not null, pw_passwd VARCHAR(128), pw_uid int, " \
	"pw_gid int, pw_gecos VARCHAR(64), pw_dir VARCHAR(160), pw_shell VARCHAR(20)"
/* --enable-clear-passwd adds this after pw_shell. */
#define TBL_CLEAR_COL ", pw_clear_passwd VARCHAR(128)"
static const char sql_create_dirc[] =
	"CREATE TABLE IF NOT EXISTS dir_control ( domain VARCHAR(96) not null, cur_users int, "
	"level_cur int, level_max int, level_start0 int, level_start1 int, level_start2 int, "
	"level_end0 int, level_end1 int, level_end2 int, level_mod0 int, level_mod1 int, "
	"level_mod2 int, level_index0 int , level_index1 int, level_index2 int, "
	"the_dir VARCHAR(160), primary key (domain)  )";
static const char sql_create_lastauth[] =
	"CREATE TABLE IF NOT EXISTS lastauth ( user VARCHAR(32) NOT NULL, domain VARCHAR(96) "
	"NOT NULL,remote_ip VARCHAR(39) not null,  timestamp INT default 0 NOT NULL, "
	"primary key (user, domain) )";
static const char sql_create_aliases[] =
	"CREATE TABLE IF NOT EXISTS aliasdomains ( alias VARCHAR(100) NOT NULL,       "
	"domain VARCHAR(100) NOT NULL,       PRIMARY KEY (alias) )";

/* Columns we read or write, and how wide the table made them. */
enum { C_NAME, C_DOMAIN, C_PASSWD, C_UID, C_GID, C_GECOS, C_DIR, C_SHELL, C_CLEAR, C_USER_N };
static const char *const user_cols[C_USER_N] = { "pw_name", "pw_domain", "pw_passwd", "pw_uid",
	"pw_gid", "pw_gecos", "pw_dir", "pw_shell", "pw_clear_passwd" };
enum { L_USER, L_DOMAIN, L_IP, L_TIME, L_N };
static const char *const lastauth_cols[L_N] = { "user", "domain", "remote_ip", "timestamp" };
enum { A_ALIAS, A_DOMAIN, A_N };
static const char *const alias_cols[A_N] = { "alias", "domain" };
enum { D_DOMAIN, D_THE_DIR, D_N };
static const char *const dirc_cols[D_N] = { "domain", "the_dir" };

typedef struct colinfo {
	int present;
	unsigned long maxlen; /* characters; 0 for numbers */
} colinfo;

typedef struct table_info {
	int exists;
	colinfo col[C_USER_N];
} table_info;

/* Per-domain tables seen on this connection (small LRU). */
#define TABLE_CACHE 8
typedef struct table_slot {
	char name[65];
	unsigned long used;
	table_info t;
} table_slot;

/* Prepared statements, one slot each; per-domain ones are re-prepared when
 * the table changes. */
enum {
	S_PROBE, S_DETECT, S_DETECT_INDEX,
	S_USER_GET, S_USER_GET_LOCK, S_USER_AUTH_GET, S_USER_ADD, S_USER_DEL, S_USER_UPDATE, S_USER_LIST,
	S_USER_COUNT,
	S_DIRC_GET, S_DIRC_GET_LOCK, S_DIRC_INSERT, S_DIRC_UPDATE, S_DIRC_DEL,
	S_LA_SET, S_LA_GET, S_LA_DEL, S_LA_DEL_DOMAIN,
	S_AL_ADD, S_AL_DEL, S_AL_GET, S_AL_LIST, S_AL_DEL_DOMAIN,
	S_DOM_DEL_USERS,
	S_LIM_GET, S_LIM_GET_LOCK, S_LIM_PUT, S_LIM_DEL, /* the limits section */
	S_GTID_WAIT,
	S_VA_GET, S_VA_GET_LOCK, S_VA_ALL, S_VA_ADD, S_VA_COPY, S_VA_DEL, S_VA_DEL_DOM, S_VL_ADD,
	S_COUNT
};

/* Replication (a second line in vpopmail.mysql): two servers, one
 * connection each.  The statement code works on st->m and st->stmt[]; the
 * other server's connection waits in st->parked and use_server swaps them,
 * so nothing else has to know there are two. */
enum { R_READ, R_WRITE };
typedef struct mconn {
	MYSQL *m;
	MYSQL_STMT *stmt[S_COUNT];
	char *stmt_sql[S_COUNT];
} mconn;

typedef struct mstate {
	const vp_config *cfg;
	vp_store_options opt;
	char conf_path[4096];
	vp_mysql_conf conf;      /* line 1: reads (and everything without line 2) */
	vp_mysql_conf wconf;     /* line 2: updates */
	int conf_loaded;
	int split;               /* line 2 names another server */
	int role;                /* the server st->m talks to */
	mconn parked;            /* the other one's connection */
	int up[2];               /* -1 not tried, 0 the last connect failed, 1 connected */
	double down_at[2];       /* when its last connect failed (monotonic s) */
	int probing;             /* the schema probe runs on the connection just made */
	int wrote;               /* this request wrote: its reads must see that */
	int waited;              /* gtid: the replica has this request's writes */
	char gtid[64];           /* gtid: the last write's, from the session tracker */
	int commit_unknown;

	MYSQL *m;
	int in_txn;
	int txn_lost;            /* the connection died inside the transaction */
	unsigned long connects;
	unsigned int last_errno; /* of the last failed statement */

	enum vp_store_layout layout; /* AUTO until probed */
	table_info many;         /* `vpopmail` */
	int have_dirc, have_lastauth, have_aliases;
	char dom_index[65];      /* m_user_count: a DBA's index starting with pw_domain, or "" */
	colinfo la[L_N], al[A_N], dc[D_N];
	table_slot tables[TABLE_CACHE];
	unsigned long tick;

	MYSQL_STMT *stmt[S_COUNT];
	char *stmt_sql[S_COUNT];

	char pending_drop[4][65]; /* per-domain tables to drop after the commit */
	int npending;

	/* the `limits` table (the limits section at the end) */
	unsigned long lim_probed;     /* st->connects when probed; 0: not yet */
	int have_limits;
	colinfo lim[27];
	/* A login's lastauth statement sent, its answer not read yet (settle). */
	MYSQL_STMT *async;
	MYSQL *async_conn;       /* the connection it went out on (replication: either) */
	int async_wait;          /* what Connector/C waits for (MYSQL_WAIT_*) */
	unsigned long async_sent; /* so far (vp_store_info) */
	/* valias / vlog (issue 14, section at the end): probed on first use */
	int va_probed, have_valias, have_vlog, vl_probed;
	colinfo va[5], vl[6];
} mstate;

/* ---- errors ---- */

/* ER_SERVER_SHUTDOWN: a clean shutdown kills the statement it finds running
 * and closes the connection, so it is a lost connection too. */
static int conn_lost(unsigned int e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == ER_CONNECTION_KILLED ||
	       e == ER_SERVER_SHUTDOWN;
}

/* The statement may have been applied before the answer was lost (or before
 * the shutdown's kill reached it): only an idempotent one is sent again. */
static int outcome_unknown(unsigned int e)
{
	return e == CR_SERVER_LOST || e == ER_SERVER_SHUTDOWN;
}

static void drop_conn(mstate *st)
{
	if (st->async_conn == st->m)
		st->async = NULL; /* its answer dies with the connection */
	for (int i = 0; i < S_COUNT; i++) {
		if (st->stmt[i])
			mysql_stmt_close(st->stmt[i]);
		st->stmt[i] = NULL;
		free(st->stmt_sql[i]);
		st->stmt_sql[i] = NULL;
	}
	if (st->m)
		mysql_close(st->m);
	st->m = NULL;
	if (st->in_txn)
		st->txn_lost = 1;
}

/* Make the connection to server role the current one (see mconn). */
static void use_server(mstate *st, int role)
{
	if (!st->split || role == st->role)
		return;
	mconn t = st->parked;
	st->parked.m = st->m;
	memcpy(st->parked.stmt, st->stmt, sizeof st->stmt);
	memcpy(st->parked.stmt_sql, st->stmt_sql, sizeof st->stmt_sql);
	st->m = t.m;
	memcpy(st->stmt, t.stmt, sizeof st->stmt);
	memcpy(st->stmt_sql, t.stmt_sql, sizeof st->stmt_sql);
	st->role = role;
}

static double mono_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A server answer to a VA code: connection trouble, busy, or code. */
static int sql_fail(mstate *st, unsigned int e, const char *msg, int code, vp_error *err,
                    const char *what)
{
	st->last_errno = e;
	if (conn_lost(e) || e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR)
		code = VA_NO_AUTH_CONNECTION;
	else if (e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT)
		code = VA_FILE_BUSY;
	else if (e == ER_TABLEACCESS_DENIED_ERROR || e == ER_DBACCESS_DENIED_ERROR ||
	         e == ER_ACCESS_DENIED_ERROR)
		code = VA_BAD_CONFIG;
	return vp_fail(err, code, "mysql %s: %u %s", what, e, msg);
}

/* ---- connection ---- */

static int load_conf(mstate *st, vp_error *err)
{
	if (st->conf_loaded)
		return 0;
	vp_mysql_conf two[2];
	int n;
	int rc = vp_mysql_conf_read_all(st->conf_path, two, &n, err);
	if (rc == 0) {
		st->conf = two[0];
		st->wconf = two[n == 2 ? 1 : 0];
		/* the same server twice is one server: one connection */
		st->split = n == 2 && (strcmp(two[0].host, two[1].host) != 0 || two[0].port != two[1].port ||
		                       strcmp(two[0].user, two[1].user) != 0 ||
		                       strcmp(two[0].database, two[1].database) != 0);
		st->conf_loaded = 1;
	}
	explicit_bzero(two, sizeof two);
	return rc;
}

/* A server whose connect failed is tried again only after this long
 * (seconds): a dead one then costs one connect timeout a second, not one
 * per statement; reads meanwhile go to the other server. */
#define DOWN_RETRY 1.0
/* A login's lastauth row (best effort) waits longer for a dead primary. */
#define DOWN_RETRY_LASTAUTH 10.0

static int probe(mstate *st, vp_error *err);
static int sql_for_table(char *buf, size_t size, const char *tmpl, const char *table,
                         vp_error *err);

static unsigned timeout_ms(const mstate *st)
{
	return (unsigned)(st->opt.connect_timeout > 0 ? st->opt.connect_timeout : DEFAULT_TIMEOUT) *
	       1000u;
}

/* Drive a statement started with mysql_stmt_execute_start (wait: what it
 * waits for) to its end: 0 and *ret its result, or -1 when the server said
 * nothing for ms (the connection is then dropped, s with it).  With
 * lib_timeout the library's own read timeout applies; without, only ms. */
static int wait_async(mstate *st, MYSQL_STMT *s, int wait, unsigned ms, int lib_timeout, int *ret)
{
	while (wait != 0) {
		struct pollfd pfd = { (int)mysql_get_socket(st->m), 0, 0 };
		if (wait & MYSQL_WAIT_READ)
			pfd.events |= POLLIN;
		if (wait & MYSQL_WAIT_WRITE)
			pfd.events |= POLLOUT;
		if (wait & MYSQL_WAIT_EXCEPT)
			pfd.events |= POLLPRI;
		int lib = lib_timeout && (wait & MYSQL_WAIT_TIMEOUT);
		int r = poll(&pfd, 1, lib ? (int)mysql_get_timeout_value_ms(st->m) : (int)ms);
		if (r < 0 && errno == EINTR)
			continue;
		int ready = 0;
		if (r > 0) {
			if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
				ready |= MYSQL_WAIT_READ;
			if (pfd.revents & POLLOUT)
				ready |= MYSQL_WAIT_WRITE;
			if (pfd.revents & POLLPRI)
				ready |= MYSQL_WAIT_EXCEPT;
		} else if (lib) {
			ready = MYSQL_WAIT_TIMEOUT;
		} else {
			drop_conn(st);
			return -1;
		}
		wait = mysql_stmt_execute_cont(ret, s, ready);
	}
	return 0;
}

/* Read the answer of the lastauth statement a login sent (m_lastauth_set):
 * the protocol is one statement at a time, so every use of the connection
 * comes here first.  Best effort as the statement was: an error is dropped
 * (a lost connection too, which the caller then reopens); a server silent
 * past the read timeout costs the connection, never a hang. */
static void settle(mstate *st)
{
	MYSQL_STMT *s = st->async;
	int ret = 0;
	if (!s)
		return;
	/* read it on the connection it went out on, which may be the parked one */
	int other = st->async_conn != st->m;
	if (other)
		use_server(st, !st->role);
	st->async = NULL;
	if (st->async_conn == st->m && st->m &&
	    wait_async(st, s, st->async_wait, timeout_ms(st), 1, &ret) == 0 && ret != 0 &&
	    conn_lost(mysql_stmt_errno(s)))
		drop_conn(st);
	if (other)
		use_server(st, !st->role);
}

static int connect_role(mstate *st, vp_error *err)
{
	if (st->async)
		settle(st);
	if (st->m)
		return 0;
	/* A new connection would run the rest of the operation outside its
	 * transaction: the caller must roll back first. */
	if (st->in_txn)
		return vp_fail(err, VA_NO_AUTH_CONNECTION, "the connection was lost in the transaction");
	int rc = load_conf(st, err);
	if (rc != 0)
		return rc;
	const vp_mysql_conf *cf = st->split && st->role == R_WRITE ? &st->wconf : &st->conf;
	if (st->split && st->up[st->role] == 0 && mono_now() - st->down_at[st->role] < DOWN_RETRY)
		return vp_fail(err, VA_NO_AUTH_CONNECTION, "mysql %s server %s:%u is down (its last "
		               "connect failed under %.0f s ago)", st->role == R_WRITE ? "update" : "read",
		               cf->host, cf->port, DOWN_RETRY);
	MYSQL *m = mysql_init(NULL);
	if (!m)
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, "mysql_init");
	unsigned int timeout = (unsigned)(st->opt.connect_timeout > 0 ? st->opt.connect_timeout
	                                                               : DEFAULT_TIMEOUT);
	my_bool no = 0;
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_RECONNECT, &no); /* we reconnect ourselves, re-preparing */
	/* Allows the _start/_cont calls (a login's lastauth); blocking calls
	 * work as before. */
	mysql_options(m, MYSQL_OPT_NONBLOCK, 0);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* Strict: a too long value fails instead of being cut.  READ COMMITTED:
	 * see the top of the file. */
	mysql_options(m, MYSQL_INIT_COMMAND,
	              "SET SESSION sql_mode='STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'");
	mysql_options(m, MYSQL_INIT_COMMAND, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
	/* gtid: each commit's OK packet carries its GTID (no extra round trip) */
	if (st->split && st->role == R_WRITE && st->opt.read_after_write == VP_STORE_RAW_GTID)
		mysql_options(m, MYSQL_INIT_COMMAND,
		              "SET SESSION session_track_system_variables = 'last_gtid'");
	const char *socket = NULL;
	if (strcmp(cf->host, "localhost") == 0)
		socket = st->opt.mysql_socket; /* NULL: Connector/C's default */
	if (!mysql_real_connect(m, cf->host, cf->user, cf->password, cf->database, cf->port, socket,
	                        CLIENT_FOUND_ROWS)) {
		unsigned int e = mysql_errno(m);
		rc = vp_fail(err, VA_NO_AUTH_CONNECTION, "mysql connect to %s%s: %u %s", cf->host,
		             st->split ? (st->role == R_WRITE ? " (update server)" : " (read server)") : "",
		             e, mysql_error(m));
		st->last_errno = e;
		st->up[st->role] = 0;
		st->down_at[st->role] = mono_now();
		mysql_close(m);
		return rc;
	}
	st->m = m;
	st->connects++;
	st->up[st->role] = 1;
	st->probing = 1;
	rc = probe(st, err);
	st->probing = 0;
	if (rc != 0)
		drop_conn(st);
	return rc;
}

/* A connection for the statement about to run: the current server's, or
 * for a read the other one's when this one is down (replica down: reads
 * from the primary; primary down: reads, logins too, from the replica). */
static int connect_for(mstate *st, int may_fall_back, vp_error *err)
{
	if (st->async)
		settle(st); /* one statement at a time: a login's answer first */
	if (st->m)
		return 0;
	int rc = connect_role(st, err);
	if (rc == 0 || !st->split || st->in_txn || st->probing || !may_fall_back ||
	    rc != VA_NO_AUTH_CONNECTION)
		return rc;
	int was = st->role;
	vp_error e2;
	use_server(st, !was);
	if (connect_role(st, &e2) == 0) {
		vp_error_clear(err);
		return 0;
	}
	use_server(st, was);
	return rc;
}

static int connect_now(mstate *st, vp_error *err)
{
	return connect_for(st, 1, err);
}

/* The GTID the server reported for the statement just run (gtid mode). */
static void note_gtid(mstate *st)
{
	const char *d;
	size_t l;
	if (!st->split || st->opt.read_after_write != VP_STORE_RAW_GTID || !st->m ||
	    st->role != R_WRITE)
		return;
	if (mysql_session_track_get_first(st->m, SESSION_TRACK_SYSTEM_VARIABLES, &d, &l) != 0)
		return;
	do {
		int is_gtid = l == 9 && memcmp(d, "last_gtid", 9) == 0;
		if (mysql_session_track_get_next(st->m, SESSION_TRACK_SYSTEM_VARIABLES, &d, &l) != 0)
			break;
		if (is_gtid && l > 0 && l < sizeof st->gtid) {
			memcpy(st->gtid, d, l);
			st->gtid[l] = '\0';
			st->waited = 0;
		}
	} while (mysql_session_track_get_next(st->m, SESSION_TRACK_SYSTEM_VARIABLES, &d, &l) == 0);
}

static int wait_gtid(mstate *st);

/* Which server the next statement goes to: writes, transactions (and so
 * SELECT ... FOR UPDATE) to the primary; reads to the replica, except
 * after a write of this request: then the primary, or (gtid) the replica
 * once it has applied the write. */
static void route(mstate *st, int write)
{
	if (!st->split || st->probing)
		return;
	if (write || st->in_txn) {
		st->wrote = 1;
		use_server(st, R_WRITE);
		return;
	}
	if (!st->wrote || st->waited) {
		use_server(st, R_READ);
		return;
	}
	if (st->opt.read_after_write == VP_STORE_RAW_GTID && st->gtid[0]) {
		use_server(st, R_READ);
		if (wait_gtid(st) == 0) {
			st->waited = 1;
			return;
		}
		st->gtid[0] = '\0'; /* timed out or no replica: the primary answers */
	}
	use_server(st, R_WRITE);
}

/* A plain statement (no parameters: DDL, transaction control, probes). */
static int query(mstate *st, const char *sql, int retry_ok, vp_error *err)
{
	route(st, 1); /* DDL and transaction control: the primary's */
	for (int attempt = 0;; attempt++) {
		int rc = connect_for(st, 0, err);
		if (rc != 0)
			return rc;
		if (mysql_real_query(st->m, sql, strlen(sql)) == 0) {
			MYSQL_RES *res = mysql_store_result(st->m);
			if (res)
				mysql_free_result(res);
			if (!st->in_txn)
				note_gtid(st);
			return 0;
		}
		unsigned int e = mysql_errno(st->m);
		if (conn_lost(e)) {
			int was_txn = st->in_txn;
			drop_conn(st);
			if (!was_txn && attempt == 0 && (retry_ok || !outcome_unknown(e)))
				continue;
			return sql_fail(st, e, "connection lost", VA_NO_AUTH_CONNECTION, err, "query");
		}
		return sql_fail(st, e, mysql_error(st->m), VA_COULD_NOT_UPDATE_FILE, err, "query");
	}
}

/* ---- bound parameters and results ---- */

enum { B_STR, B_INT, B_NULL };
typedef struct bparam {
	int t;
	const char *s;
	long long i;
} bparam;
#define PS(x) ((bparam){ B_STR, (x), 0 })
#define PI(x) ((bparam){ B_INT, NULL, (long long)(x) })
#define PNULL ((bparam){ B_NULL, NULL, 0 })

typedef struct rcol {
	char *buf;            /* string column: buf[size], NUL-terminated after fetch */
	size_t size;
	long long *num;       /* or a number */
	unsigned long len;
	my_bool is_null;
	my_bool error;
} rcol;
#define RS(b) ((rcol){ (b), sizeof(b), NULL, 0, 0, 0 })
#define RN(p) ((rcol){ NULL, 0, (p), 0, 0, 0 })

#define MAX_PARAMS 32

/* Prepare (or reuse) statement id for sql; execute it with p.  Retries once
 * after a lost connection when that is safe (see the top).  On success the
 * statement is returned, executed, results not yet bound. */
#define RUN_IDEMPOTENT 0x01
/* Send only: the answer is read by settle at the next use of the connection
 * (*out is NULL then).  Never inside a transaction. */
#define RUN_ASYNC 0x02
/* Work that grows with the domain (a domain's rows deleted): the answer may
 * take LONG_TIMEOUTS read timeouts, not one. */
#define RUN_LONG 0x04
#define LONG_TIMEOUTS 60
#define RUN_WRITE 0x08      /* to the primary */
#define RUN_HERE 0x10       /* on the current connection, whatever route says */
static int run(mstate *st, int id, const char *sql, const bparam *p, int np, int flags,
               MYSQL_STMT **out, vp_error *err)
{
	MYSQL_BIND b[MAX_PARAMS];
	unsigned long lens[MAX_PARAMS];
	my_bool nulls[MAX_PARAMS];
	if (np > MAX_PARAMS)
		return vp_fail(err, VA_BAD_CONFIG, "too many parameters");
	if (!(flags & RUN_HERE))
		route(st, flags & RUN_WRITE); /* (gtid: may wait on the replica first) */
	st->last_errno = 0;
	int to_primary = (flags & RUN_WRITE) || st->in_txn;
	int tried = -1; /* a read that fell back to the other server may meet its dead link too */
	for (int attempt = 0;; attempt++) {
		int rc = connect_for(st, !to_primary && !(flags & RUN_HERE), err);
		if (rc != 0)
			return rc;
		if (attempt == 1 && tried >= 0 && st->role != tried)
			attempt = 0, tried = 2; /* once */
		else if (tried != 2)
			tried = st->role;
		MYSQL_STMT *s = st->stmt[id];
		if (s && strcmp(st->stmt_sql[id], sql) != 0) {
			mysql_stmt_close(s);
			free(st->stmt_sql[id]);
			st->stmt[id] = s = NULL;
			st->stmt_sql[id] = NULL;
		}
		unsigned int e = 0;
		const char *emsg = NULL;
		if (!s) {
			s = mysql_stmt_init(st->m);
			if (!s)
				return vp_fail(err, VA_MEMORY_ALLOC_ERR, "mysql_stmt_init");
			if (mysql_stmt_prepare(s, sql, strlen(sql)) != 0) {
				e = mysql_stmt_errno(s);
				if (!conn_lost(e)) {
					rc = sql_fail(st, e, mysql_stmt_error(s), VA_COULD_NOT_UPDATE_FILE, err,
					              "prepare");
					mysql_stmt_close(s);
					return rc;
				}
				mysql_stmt_close(s);
				s = NULL;
			} else {
				st->stmt_sql[id] = strdup(sql);
				if (!st->stmt_sql[id]) {
					mysql_stmt_close(s);
					return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
				}
				st->stmt[id] = s;
			}
		}
		if (s) {
			memset(b, 0, sizeof(MYSQL_BIND) * (size_t)(np ? np : 1));
			for (int i = 0; i < np; i++) {
				nulls[i] = 0;
				b[i].is_null = &nulls[i];
				if (p[i].t == B_STR) {
					lens[i] = (unsigned long)strlen(p[i].s);
					b[i].buffer_type = MYSQL_TYPE_STRING;
					b[i].buffer = (void *)p[i].s;
					b[i].buffer_length = lens[i];
					b[i].length = &lens[i];
				} else if (p[i].t == B_INT) {
					b[i].buffer_type = MYSQL_TYPE_LONGLONG;
					b[i].buffer = (void *)&p[i].i;
				} else {
					b[i].buffer_type = MYSQL_TYPE_NULL;
					nulls[i] = 1;
				}
			}
			int ret = 0, wait = 0;
			if (np > 0 && mysql_stmt_bind_param(s, b) != 0)
				ret = 1;
			else if (flags & RUN_LONG) {
				if ((wait = mysql_stmt_execute_start(&ret, s)) != 0 &&
				    wait_async(st, s, wait, timeout_ms(st) * LONG_TIMEOUTS, 0, &ret) != 0)
					return sql_fail(st, CR_SERVER_LOST, "no answer", VA_NO_AUTH_CONNECTION,
					                err, "execute");
			} else if (!(flags & RUN_ASYNC))
				ret = mysql_stmt_execute(s);
			else if ((wait = mysql_stmt_execute_start(&ret, s)) != 0) {
				/* the request is in Connector/C's buffer: b may go */
				st->async = s;
				st->async_conn = st->m;
				st->async_wait = wait;
				st->async_sent++;
				*out = NULL;
				return 0;
			}
			if (ret != 0) {
				e = mysql_stmt_errno(s);
				emsg = mysql_stmt_error(s);
			} else {
				if ((flags & RUN_WRITE) && !st->in_txn)
					note_gtid(st);
				*out = s;
				return 0;
			}
		}
		if (conn_lost(e)) {
			int was_txn = st->in_txn;
			drop_conn(st);
			if (!was_txn && attempt == 0 && ((flags & RUN_IDEMPOTENT) || !outcome_unknown(e)))
				continue;
			return sql_fail(st, e, "connection lost", VA_NO_AUTH_CONNECTION, err, "execute");
		}
		return sql_fail(st, e, emsg ? emsg : "", VA_COULD_NOT_UPDATE_FILE, err, "execute");
	}
}

/* Bind result columns and buffer the (small) result: lookups. */
static int bind_result(mstate *st, MYSQL_STMT *s, rcol *r, int nr, MYSQL_BIND *b, int store,
                       vp_error *err)
{
	memset(b, 0, sizeof(MYSQL_BIND) * (size_t)nr);
	for (int i = 0; i < nr; i++) {
		if (r[i].buf) {
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = r[i].buf;
			b[i].buffer_length = r[i].size - 1;
			b[i].length = &r[i].len;
		} else {
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = r[i].num;
		}
		b[i].is_null = &r[i].is_null;
		b[i].error = &r[i].error;
	}
	if (mysql_stmt_bind_result(s, b) != 0 || (store && mysql_stmt_store_result(s) != 0)) {
		unsigned int e = mysql_stmt_errno(s);
		int rc = sql_fail(st, e, mysql_stmt_error(s), VA_NO_AUTH_CONNECTION, err, "result");
		if (conn_lost(e))
			drop_conn(st);
		return rc;
	}
	return 0;
}

/* 1 a row, 0 none, <0 error (a value wider than our buffer: corrupt). */
static int fetch(mstate *st, MYSQL_STMT *s, rcol *r, int nr, vp_error *err)
{
	int f = mysql_stmt_fetch(s);
	if (f == MYSQL_NO_DATA)
		return 0;
	if (f == 1) {
		unsigned int e = mysql_stmt_errno(s);
		int rc = sql_fail(st, e, mysql_stmt_error(s), VA_NO_AUTH_CONNECTION, err, "fetch");
		if (conn_lost(e))
			drop_conn(st);
		return rc;
	}
	for (int i = 0; i < nr; i++) {
		if (r[i].buf) {
			if (r[i].is_null)
				r[i].len = 0;
			if (r[i].len >= r[i].size)
				return vp_fail(err, VA_CORRUPT_FILE, "a stored value is longer than %zu bytes",
				               r[i].size - 1);
			r[i].buf[r[i].len] = '\0';
		} else if (r[i].is_null) {
			*r[i].num = 0;
		}
	}
	return 1;
}

static void done(MYSQL_STMT *s)
{
	mysql_stmt_free_result(s);
}

/* One small SELECT: 1 row (columns filled) / 0 / <0. */
static int select_one(mstate *st, int id, const char *sql, const bparam *p, int np, rcol *r,
                      int nr, vp_error *err)
{
	MYSQL_STMT *s;
	MYSQL_BIND b[20];
	int rc = run(st, id, sql, p, np, RUN_IDEMPOTENT, &s, err);
	if (rc != 0)
		return rc;
	if ((rc = bind_result(st, s, r, nr, b, 1, err)) != 0)
		return rc;
	rc = fetch(st, s, r, nr, err);
	if (st->stmt[id] == s)
		done(s);
	return rc;
}

/* gtid: 0 once the replica (the current connection) has applied st->gtid,
 * -1 when it did not within gtid_wait_ms, or cannot say (not a replica:
 * NULL; down). */
static int wait_gtid(mstate *st)
{
	vp_error e;
	MYSQL_STMT *s;
	MYSQL_BIND b[1];
	long long r = -1;
	rcol res[1] = { RN(&r) };
	bparam prm[2] = { PS(st->gtid), PI(st->opt.gtid_wait_ms > 0 ? st->opt.gtid_wait_ms : 1000) };
	if (connect_for(st, 0, &e) != 0 ||
	    run(st, S_GTID_WAIT, "SELECT MASTER_GTID_WAIT(?, ? / 1000)", prm, 2,
	        RUN_HERE | RUN_IDEMPOTENT, &s, &e) != 0 ||
	    bind_result(st, s, res, 1, b, 1, &e) != 0)
		return -1;
	int f = fetch(st, s, res, 1, &e);
	if (st->stmt[S_GTID_WAIT] == s)
		done(s);
	return f == 1 && !res[0].is_null && r == 0 ? 0 : -1;
}

/* A write: the number of rows it matched, or <0. */
static long long write_rows(mstate *st, int id, const char *sql, const bparam *p, int np,
                            int flags, vp_error *err)
{
	MYSQL_STMT *s;
	int rc = run(st, id, sql, p, np, flags | RUN_WRITE, &s, err);
	if (rc != 0)
		return rc;
	return s ? (long long)mysql_stmt_affected_rows(s) : 1; /* sent (RUN_ASYNC) */
}

/* ---- schema ---- */

static int probe_table(mstate *st, const char *table, const char *const *names, colinfo *cols,
                       int n, int *exists, vp_error *err)
{
	static const char sql[] =
		"SELECT COLUMN_NAME, CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS "
		"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?";
	bparam p[1] = { PS(table) };
	MYSQL_STMT *s;
	MYSQL_BIND b[2];
	char cname[80];
	long long maxlen;
	rcol r[2] = { RS(cname), RN(&maxlen) };
	memset(cols, 0, sizeof(colinfo) * (size_t)n);
	*exists = 0;
	int rc = run(st, S_PROBE, sql, p, 1, RUN_IDEMPOTENT, &s, err);
	if (rc != 0 || (rc = bind_result(st, s, r, 2, b, 1, err)) != 0)
		return rc;
	while ((rc = fetch(st, s, r, 2, err)) == 1) {
		*exists = 1;
		for (int i = 0; i < n; i++) {
			if (strcmp(cname, names[i]) == 0) {
				cols[i].present = 1;
				cols[i].maxlen = r[1].is_null || maxlen < 0 ? 0 : (unsigned long)maxlen;
			}
		}
	}
	done(s);
	return rc < 0 ? rc : 0;
}

/* The user table's columns must all be there (pw_domain only for MANY). */
static int check_user_table(const char *table, const table_info *t, int many, vp_error *err)
{
	for (int i = 0; i < C_USER_N; i++) {
		if (i == C_CLEAR || (i == C_DOMAIN && !many))
			continue;
		if (!t->col[i].present)
			return vp_fail(err, VA_BAD_CONFIG, "table `%s` has no column %s", table, user_cols[i]);
	}
	return 0;
}

static int probe(mstate *st, vp_error *err)
{
	int rc;
	if ((rc = probe_table(st, "vpopmail", user_cols, st->many.col, C_USER_N, &st->many.exists,
	                      err)) != 0 ||
	    (rc = probe_table(st, "dir_control", dirc_cols, st->dc, D_N, &st->have_dirc, err)) != 0 ||
	    (rc = probe_table(st, "lastauth", lastauth_cols, st->la, L_N, &st->have_lastauth,
	                      err)) != 0 ||
	    (rc = probe_table(st, "aliasdomains", alias_cols, st->al, A_N, &st->have_aliases,
	                      err)) != 0)
		return rc;
	memset(st->tables, 0, sizeof st->tables);
	/* Per-domain tables: any other table with a pw_passwd column. */
	static const char detect[] =
		"SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
		"AND COLUMN_NAME = 'pw_passwd' AND TABLE_NAME <> 'vpopmail'";
	long long per_domain = 0;
	rcol r[1] = { RN(&per_domain) };
	if ((rc = select_one(st, S_DETECT, detect, NULL, 0, r, 1, err)) < 0)
		return rc;
	enum vp_store_layout found = VP_STORE_LAYOUT_AUTO;
	if (st->many.exists && st->many.col[C_DOMAIN].present)
		found = VP_STORE_LAYOUT_MANY;
	else if (per_domain > 0)
		found = VP_STORE_LAYOUT_PER_DOMAIN;
	if (found != VP_STORE_LAYOUT_AUTO && st->opt.layout != VP_STORE_LAYOUT_AUTO &&
	    st->opt.layout != found)
		return vp_fail(err, VA_BAD_CONFIG,
		               "the database has %s, the configuration says %s",
		               found == VP_STORE_LAYOUT_MANY ? "one `vpopmail` table (many-domains)"
		                                             : "one table per domain",
		               st->opt.layout == VP_STORE_LAYOUT_MANY ? "many-domains"
		                                                       : "one table per domain");
	if (found == VP_STORE_LAYOUT_AUTO)
		found = st->opt.layout != VP_STORE_LAYOUT_AUTO ? st->opt.layout : VP_STORE_LAYOUT_MANY;
	st->layout = found;
	if (found == VP_STORE_LAYOUT_MANY && st->many.exists &&
	    (rc = check_user_table("vpopmail", &st->many, 1, err)) != 0)
		return rc;
	return 0;
}

/* The user table of a domain: its name and what it looks like. */
typedef struct utable {
	char name[65];
	int many;
	const table_info *t;
} utable;

static int user_table(mstate *st, const vp_domain_info *dom, utable *u, vp_error *err)
{
	int rc = connect_now(st, err);
	if (rc != 0)
		return rc;
	if (st->layout == VP_STORE_LAYOUT_MANY) {
		strcpy(u->name, "vpopmail");
		u->many = 1;
		u->t = &st->many;
		return 0;
	}
	u->many = 0;
	if ((rc = vp_mysql_domain_table(dom->realdomain[0] ? dom->realdomain : dom->name, u->name,
	                                sizeof u->name, err)) != 0)
		return rc;
	table_slot *slot = NULL, *oldest = &st->tables[0];
	for (int i = 0; i < TABLE_CACHE; i++) {
		if (st->tables[i].name[0] && strcmp(st->tables[i].name, u->name) == 0)
			slot = &st->tables[i];
		if (st->tables[i].used < oldest->used)
			oldest = &st->tables[i];
	}
	if (!slot) {
		slot = oldest;
		memset(slot, 0, sizeof *slot);
		if ((rc = probe_table(st, u->name, user_cols, slot->t.col, C_USER_N, &slot->t.exists,
		                      err)) != 0)
			return rc;
		if (slot->t.exists && (rc = check_user_table(u->name, &slot->t, 0, err)) != 0)
			return rc;
		strcpy(slot->name, u->name);
	}
	slot->used = ++st->tick;
	u->t = &slot->t;
	return 0;
}

static void forget_table(mstate *st, const char *name)
{
	for (int i = 0; i < TABLE_CACHE; i++)
		if (strcmp(st->tables[i].name, name) == 0)
			memset(&st->tables[i], 0, sizeof st->tables[i]);
}

/* DDL commits an open transaction: never inside one. */
static int create(mstate *st, const char *sql, vp_error *err)
{
	if (st->in_txn)
		return vp_fail(err, VA_BAD_CONFIG, "a table is missing inside a transaction "
		                                   "(begin must name it in need)");
	return query(st, sql, 1, err);
}

/* A table of vpopmail's beside the user table: created (vpopmail's text)
 * when missing, then probed. */
static int ensure(mstate *st, int *have, const char *create_sql, const char *table,
                  const char *const *cols, colinfo *info, int n, vp_error *err)
{
	int rc;
	if (*have)
		return 0;
	if ((rc = create(st, create_sql, err)) != 0)
		return rc;
	return probe_table(st, table, cols, info, n, have, err);
}

#define ensure_dirc(st, err) \
	ensure(st, &(st)->have_dirc, sql_create_dirc, "dir_control", dirc_cols, (st)->dc, D_N, err)
#define ensure_lastauth(st, err) \
	ensure(st, &(st)->have_lastauth, sql_create_lastauth, "lastauth", lastauth_cols, (st)->la, \
	       L_N, err)
#define ensure_aliases(st, err) \
	ensure(st, &(st)->have_aliases, sql_create_aliases, "aliasdomains", alias_cols, (st)->al, \
	       A_N, err)

/* Characters of s as the server counts them (UTF-8; ASCII is one each). */
static unsigned long chars(const char *s)
{
	unsigned long n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Refuse what the column could not hold (the schema is the site's). */
static int fits(const colinfo *c, const char *table, const char *col, const char *v, int code,
                vp_error *err)
{
	unsigned long n = chars(v);
	if (c->present && c->maxlen > 0 && n > c->maxlen)
		return vp_fail(err, code, "column %s.%s holds %lu characters, the value has %lu "
		                          "(the table is left as it is: widen the column)",
		               table, col, c->maxlen, n);
	return 0;
}

/* ---- the driver ---- */

static int m_open(const vp_config *cfg, const vp_store_options *opt, void **out, vp_error *err)
{
	mstate *st = calloc(1, sizeof *st);
	if (!st)
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	st->cfg = cfg;
	st->opt = *opt;
	st->up[R_READ] = st->up[R_WRITE] = -1;
	int n;
	if (opt->mysql_config)
		n = snprintf(st->conf_path, sizeof st->conf_path, "%s", opt->mysql_config);
	else
		n = snprintf(st->conf_path, sizeof st->conf_path, "%s/etc/vpopmail.mysql",
		             cfg->vpopmail_dir ? cfg->vpopmail_dir : "");
	if (n < 0 || (size_t)n >= sizeof st->conf_path) {
		free(st);
		return vp_fail(err, VA_DIR_TOO_LONG, "vpopmail.mysql path");
	}
	*out = st;
	return 0;
}

static void m_close(void *p)
{
	mstate *st = p;
	if (!st)
		return;
	if (st->async && st->m)
		settle(st); /* the login's row is written before we hang up */
	drop_conn(st);
	use_server(st, !st->role);
	drop_conn(st);
	explicit_bzero(&st->conf, sizeof st->conf);
	explicit_bzero(&st->wconf, sizeof st->wconf);
	free(st);
}

static void server_text(const mstate *st, const vp_mysql_conf *c, char *out, size_t size)
{
	if (strcmp(c->host, "localhost") == 0 && c->port == 0)
		snprintf(out, size, "localhost via socket %s",
		         st->opt.mysql_socket ? st->opt.mysql_socket : "(default)");
	else
		snprintf(out, size, "%s:%u", c->host, c->port ? c->port : 3306);
}

static void m_info(void *p, vp_store_info *out)
{
	mstate *st = p;
	vp_error ignored;
	if (load_conf(st, &ignored) == 0) {
		server_text(st, &st->conf, out->server, sizeof out->server);
		if (st->split)
			server_text(st, &st->wconf, out->write_server, sizeof out->write_server);
		snprintf(out->database, sizeof out->database, "%s", st->conf.database);
	}
	out->read_up = st->conf_loaded && st->split ? st->up[R_READ] : (st->m ? 1 : -1);
	out->write_up = st->conf_loaded && st->split ? st->up[R_WRITE] : out->read_up;
	out->layout = st->m ? st->layout : VP_STORE_LAYOUT_AUTO;
	out->clear_column = !st->m ? -1 : st->layout == VP_STORE_LAYOUT_MANY
		? st->many.col[C_CLEAR].present : -1;
	out->connected = st->m != NULL;
	out->connects = st->connects;
	out->sent_ahead = st->async_sent;
}

static int ping_one(mstate *st, int fall_back, vp_error *err);

/* Both servers with replication (phpinfo shows each): the first failure. */
static int m_ping(void *p, vp_error *err)
{
	mstate *st = p;
	vp_error e2;
	if (load_conf(st, err) != 0 || !st->split || st->in_txn)
		return ping_one(st, 1, err);
	int was = st->role;
	use_server(st, R_READ);
	int r1 = ping_one(st, 0, err); /* no fallback: this server's answer */
	use_server(st, R_WRITE);
	int r2 = ping_one(st, 0, r1 ? &e2 : err);
	use_server(st, was);
	return r1 ? r1 : r2;
}

static int ping_one(mstate *st, int fall_back, vp_error *err)
{
	int rc = connect_for(st, fall_back, err);
	if (rc != 0)
		return rc;
	if (mysql_ping(st->m) == 0)
		return 0;
	if (st->in_txn)
		return sql_fail(st, mysql_errno(st->m), mysql_error(st->m), VA_NO_AUTH_CONNECTION, err,
		                "ping");
	drop_conn(st);
	return connect_for(st, fall_back, err);
}

static int ensure_limits(mstate *st, vp_error *err); /* the limits section */

static int m_begin(void *p, const vp_domain_info *dom, unsigned need, vp_error *err)
{
	mstate *st = p;
	int rc;
	(void)dom;
	if (st->in_txn)
		return vp_fail(err, VA_BAD_CONFIG, "a transaction is already open");
	if ((rc = connect_now(st, err)) != 0 ||
	    ((need & VP_STORE_NEED_DIRC) && (rc = ensure_dirc(st, err)) != 0) ||
	    ((need & VP_STORE_NEED_LASTAUTH) && (rc = ensure_lastauth(st, err)) != 0) ||
	    ((need & VP_STORE_NEED_ALIASES) && (rc = ensure_aliases(st, err)) != 0) ||
	    ((need & VP_STORE_NEED_LIMITS) && (rc = ensure_limits(st, err)) != 0))
		return rc;
	if ((rc = query(st, "START TRANSACTION", 1, err)) != 0)
		return rc;
	st->in_txn = 1;
	st->txn_lost = 0;
	st->npending = 0;
	return 0;
}

static void end_txn(mstate *st)
{
	st->in_txn = 0;
	st->txn_lost = 0;
}

static int m_commit(void *p, vp_error *err)
{
	mstate *st = p;
	if (!st->in_txn)
		return vp_fail(err, VA_BAD_CONFIG, "commit without a transaction");
	st->commit_unknown = 0; /* a lost connection took the transaction with it */
	if (st->txn_lost || !st->m) {
		end_txn(st);
		st->npending = 0;
		return vp_fail(err, VA_NO_AUTH_CONNECTION, "the connection was lost in the transaction");
	}
	int rc = 0;
	st->commit_unknown = 0;
	if (mysql_commit(st->m) != 0) {
		unsigned int e = mysql_errno(st->m);
		rc = sql_fail(st, e, mysql_error(st->m), VA_COULD_NOT_UPDATE_FILE, err, "commit");
		if (conn_lost(e)) {
			/* no answer: it may have committed; the caller must find out */
			st->commit_unknown = 1;
			st->gtid[0] = '\0'; /* read it back from the primary */
			drop_conn(st);
		}
		end_txn(st);
		st->npending = 0;
		return rc;
	}
	note_gtid(st);
	end_txn(st);
	/* Emptied in the transaction; an empty table left behind is harmless. */
	for (int i = 0; i < st->npending; i++) {
		char sql[128];
		vp_error ignored;
		if (sql_for_table(sql, sizeof sql, "DROP TABLE IF EXISTS %T", st->pending_drop[i],
		                  &ignored) == 0 &&
		    query(st, sql, 1, &ignored) == 0)
			forget_table(st, st->pending_drop[i]);
	}
	st->npending = 0;
	return 0;
}

static int m_rollback(void *p, vp_error *err)
{
	mstate *st = p;
	int rc = 0;
	if (st->in_txn && !st->txn_lost && st->m && mysql_rollback(st->m) != 0) {
		unsigned int e = mysql_errno(st->m);
		rc = sql_fail(st, e, mysql_error(st->m), VA_NO_AUTH_CONNECTION, err, "rollback");
		drop_conn(st); /* the server drops what it did not commit */
	}
	end_txn(st);
	st->npending = 0;
	return rc;
}

/* ---- user records ---- */

static const char *dom_name(const vp_domain_info *dom)
{
	return dom->realdomain[0] ? dom->realdomain : dom->name;
}

/* ---- SQL text of the user tables ----
 * Each statement is a constant template of the sets below, indexed
 * [many][clear]: the shared `vpopmail` table (pw_domain in the key) or a
 * per-domain one, without or with a pw_clear_passwd column.  The table name
 * goes in by sql_for_table only; every value is a bound parameter. */

#define UCOLS "pw_name, pw_passwd, pw_uid, pw_gid, pw_gecos, pw_dir, pw_shell"
#define UCOLS_C UCOLS ", pw_clear_passwd"
#define UVALS "?, ?, ?, ?, ?, ?, ?"
#define UVALS_C UVALS ", ?"
#define W_ONE " WHERE pw_name = ?"
#define W_MANY " WHERE pw_name = ? AND pw_domain = ?"
/* The key column compared bytewise too (the index still finds the row). */
#define NAME_EXACT "CAST(pw_name AS BINARY) = CAST(? AS BINARY)"
#define USET(ONE, MANY) { { ONE(UCOLS), ONE(UCOLS_C) }, { MANY(UCOLS), MANY(UCOLS_C) } }

#define GET_ONE(c) "SELECT " c " FROM %T" W_ONE
#define GET_MANY(c) "SELECT " c " FROM %T" W_MANY
static const char *const t_get[2][2] = USET(GET_ONE, GET_MANY);
#define LOCK_ONE(c) "SELECT " c " FROM %T" W_ONE " FOR UPDATE"
#define LOCK_MANY(c) "SELECT " c " FROM %T" W_MANY " FOR UPDATE"
static const char *const t_get_lock[2][2] = USET(LOCK_ONE, LOCK_MANY);
/* the name's row and the postmaster's (m_user_auth_get) */
#define AUTH_ONE(c) "SELECT " c " FROM %T WHERE pw_name IN (?, 'postmaster')"
#define AUTH_MANY(c) "SELECT " c " FROM %T WHERE pw_name IN (?, 'postmaster') AND pw_domain = ?"
static const char *const t_auth_get[2][2] = USET(AUTH_ONE, AUTH_MANY);
/* The index order (the collation's, as vpopmail lists): a page reads
 * offset + limit keys, never sorts the domain.  On the shared table the
 * page's names come first from a key-only scan (the PRIMARY KEY, or a DBA's
 * index on pw_domain when there is one), then only those rows. */
#define LIST_ONE(c) "SELECT " c " FROM %T ORDER BY pw_name LIMIT ? OFFSET ?"
#define LIST_MANY(c) "SELECT " c " FROM %T v JOIN (SELECT pw_name AS k FROM `vpopmail` " \
	"WHERE pw_domain = ? ORDER BY pw_name LIMIT ? OFFSET ?) p ON v.pw_name = p.k " \
	"WHERE v.pw_domain = ? ORDER BY v.pw_name"
static const char *const t_list[2][2] = USET(LIST_ONE, LIST_MANY);
static const char *const t_add[2][2] = {
	{ "INSERT INTO %T ( " UCOLS " ) VALUES ( " UVALS " )",
	  "INSERT INTO %T ( " UCOLS_C " ) VALUES ( " UVALS_C " )" },
	{ "INSERT INTO %T ( pw_domain, " UCOLS " ) VALUES ( ?, " UVALS " )",
	  "INSERT INTO %T ( pw_domain, " UCOLS_C " ) VALUES ( ?, " UVALS_C " )" },
};
/* Every column as IF(changed, value, itself): one text for any set of
 * changed fields. */
#define USETS "pw_passwd = IF(?, ?, pw_passwd), pw_uid = IF(?, ?, pw_uid), " \
	"pw_gid = IF(?, ?, pw_gid), pw_gecos = IF(?, ?, pw_gecos), pw_dir = IF(?, ?, pw_dir), " \
	"pw_shell = IF(?, ?, pw_shell)"
#define USETS_C USETS ", pw_clear_passwd = IF(?, ?, pw_clear_passwd)"
static const char *const t_update[2][2] = {
	{ "UPDATE %T SET " USETS W_ONE " AND " NAME_EXACT,
	  "UPDATE %T SET " USETS_C W_ONE " AND " NAME_EXACT },
	{ "UPDATE %T SET " USETS W_ONE " AND " NAME_EXACT " AND pw_domain = ?",
	  "UPDATE %T SET " USETS_C W_ONE " AND " NAME_EXACT " AND pw_domain = ?" },
};
/* The exact name: the collation alone would also match "Bob " for "bob". */
static const char *const t_del[2] = { "DELETE FROM %T" W_ONE " AND " NAME_EXACT,
	"DELETE FROM %T" W_ONE " AND " NAME_EXACT " AND pw_domain = ?" };
static const char *const t_count[2] = { "SELECT COUNT(*) FROM %T",
	"SELECT COUNT(*) FROM %T WHERE pw_domain = ?" };
/* vpopmail 5.6's CREATE TABLEs (the name backquoted) */
static const char *const t_create[2][2] = {
	{ "CREATE TABLE IF NOT EXISTS %T ( " TBL_ONE_COLS ", primary key (pw_name )  )",
	  "CREATE TABLE IF NOT EXISTS %T ( " TBL_ONE_COLS TBL_CLEAR_COL ", primary key (pw_name )  )" },
	{ "CREATE TABLE IF NOT EXISTS %T ( " TBL_MANY_COLS ", primary key (pw_name, pw_domain )  )",
	  "CREATE TABLE IF NOT EXISTS %T ( " TBL_MANY_COLS TBL_CLEAR_COL
	  ", primary key (pw_name, pw_domain )  )" },
};

/* The one place a name enters SQL text: tmpl with its one "%T" replaced by
 * the backquoted name, which must be 1-64 of [a-z0-9_]: a table
 * (vp_mysql_domain_table's output, or "vpopmail"), or the DBA's index on
 * pw_domain as information_schema names it. */
static int sql_for_table(char *buf, size_t size, const char *tmpl, const char *table,
                         vp_error *err)
{
	size_t tl = strlen(table);
	const char *at = strstr(tmpl, "%T");
	if (tl == 0 || tl > 64 || strspn(table, "abcdefghijklmnopqrstuvwxyz0123456789_") != tl)
		return vp_fail(err, VA_INVALID_DOMAIN_NAME, "not a table name");
	if (!at || strstr(at + 2, "%T") || strlen(tmpl) + tl + 1 > size)
		return vp_fail(err, VA_BAD_CONFIG, "SQL template");
	size_t n = (size_t)(at - tmpl);
	memcpy(buf, tmpl, n);
	buf[n++] = '`';
	memcpy(buf + n, table, tl);
	n += tl;
	buf[n++] = '`';
	strcpy(buf + n, at + 2);
	return 0;
}

/* The domain's user table and the text of one statement of set on it:
 * 0, or 1 when the table does not exist (nothing built), or <0. */
static int user_sql(mstate *st, const vp_domain_info *dom, utable *u, const char *const set[2][2],
                    char *sql, size_t size, vp_error *err)
{
	int rc = user_table(st, dom, u, err);
	if (rc != 0)
		return rc;
	if (!u->t->exists)
		return 1;
	return sql_for_table(sql, size, set[u->many][u->t->col[C_CLEAR].present], u->name, err);
}

/* Result columns of UCOLS[_C] into e. */
typedef struct urow {
	long long uid, gid;
	rcol r[8];
	int n;
} urow;

static void urow_init(urow *w, const utable *u, vp_user_entry *e)
{
	memset(e, 0, sizeof *e);
	w->r[0] = RS(e->name);
	w->r[1] = RS(e->passwd);
	w->r[2] = RN(&w->uid);
	w->r[3] = RN(&w->gid);
	w->r[4] = RS(e->gecos);
	w->r[5] = RS(e->dir);
	w->r[6] = RS(e->quota);
	w->r[7] = RS(e->clear);
	w->n = u->t->col[C_CLEAR].present ? 8 : 7;
}

static void urow_done(urow *w, vp_user_entry *e)
{
	e->uid_flag = (int)w->uid;
	e->flags = (unsigned long)(w->gid < 0 ? 0 : w->gid);
	e->has_clear = w->n == 8 && !w->r[7].is_null;
}

static int m_user_get(void *p, const vp_domain_info *dom, const char *name, unsigned flags,
                      vp_user_entry *out, vp_error *err)
{
	mstate *st = p;
	utable u;
	char sql[512];
	int lock = (flags & VP_STORE_GET_LOCK) && st->in_txn;
	memset(out, 0, sizeof *out);
	int rc = user_sql(st, dom, &u, lock ? t_get_lock : t_get, sql, sizeof sql, err);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	bparam prm[2] = { PS(name), PS(dom_name(dom)) };
	urow w;
	urow_init(&w, &u, out);
	rc = select_one(st, lock ? S_USER_GET_LOCK : S_USER_GET, sql, prm, u.many ? 2 : 1, w.r, w.n,
	                err);
	if (rc == 1) {
		urow_done(&w, out);
		if (strcmp(out->name, name) != 0) /* the collation's idea of equal */
			rc = 0;
	}
	if (rc != 1)
		explicit_bzero(out, sizeof *out);
	if (rc < 0 && st->last_errno == ER_NO_SUCH_TABLE && !u.many) {
		forget_table(st, u.name); /* dropped by another host: no such user */
		vp_error_clear(err);
		rc = 0;
	}
	return rc;
}

/* The row of name and the postmaster's in one statement: two key lookups
 * whether name exists or not, so that an unknown name costs what a known
 * one does, and its decoy hash is one this domain really holds (the site's
 * scheme and cost, whatever the configured scheme is). */
static int m_user_auth_get(void *p, const vp_domain_info *dom, const char *name,
                           vp_user_entry *out, char *decoy, size_t dsize, vp_error *err)
{
	mstate *st = p;
	utable u;
	char sql[512];
	memset(out, 0, sizeof *out);
	int rc = user_sql(st, dom, &u, t_auth_get, sql, sizeof sql, err);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	bparam prm[2] = { PS(name), PS(dom_name(dom)) };
	vp_user_entry *row = malloc(sizeof *row);
	if (!row)
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	urow w;
	urow_init(&w, &u, row);
	MYSQL_STMT *s;
	MYSQL_BIND b[8];
	int found = 0;
	if ((rc = run(st, S_USER_AUTH_GET, sql, prm, u.many ? 2 : 1, RUN_IDEMPOTENT, &s, err)) == 0 &&
	    (rc = bind_result(st, s, w.r, w.n, b, 1, err)) == 0) {
		while ((rc = fetch(st, s, w.r, w.n, err)) == 1) {
			urow_done(&w, row);
			if (!found && strcmp(row->name, name) == 0) {
				*out = *row;
				found = 1;
			} else if (strlen(row->passwd) < dsize) {
				strcpy(decoy, row->passwd); /* the postmaster (or a twin by collation) */
			}
		}
		if (st->stmt[S_USER_AUTH_GET] == s)
			done(s);
	}
	explicit_bzero(row, sizeof *row);
	free(row);
	if (found && strcmp(name, "postmaster") == 0 && strlen(out->passwd) < dsize)
		strcpy(decoy, out->passwd);
	if (rc < 0) {
		explicit_bzero(out, sizeof *out);
		explicit_bzero(decoy, dsize);
		if (st->last_errno == ER_NO_SUCH_TABLE && !u.many) {
			forget_table(st, u.name);
			vp_error_clear(err);
			return 0;
		}
		return rc;
	}
	return found;
}

/* Well-formed UTF-8 (RFC 3629: no overlong form, surrogate or value past
 * U+10FFFF)?  The connection speaks utf8mb4, as vpopmail's own does
 * (Connector/C's default): the server refuses anything else (1366). */
static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned n, cp;
		if (*p < 0x80) {
			p++;
			continue;
		} else if (*p >= 0xC2 && *p <= 0xDF) {
			n = 1, cp = *p & 0x1F;
		} else if (*p >= 0xE0 && *p <= 0xEF) {
			n = 2, cp = *p & 0x0F;
		} else if (*p >= 0xF0 && *p <= 0xF4) {
			n = 3, cp = *p & 0x07;
		} else {
			return 0;
		}
		for (unsigned i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* Every value of e the row gets must fit its column. */
static int user_fits(const utable *u, const vp_domain_info *dom, const vp_user_entry *e,
                     unsigned fields, int clear, vp_error *err)
{
	const colinfo *c = u->t->col;
	const char *t = u->name;
	int rc;
	/* cdb takes any bytes there; here a clear refusal before any write,
	 * not the server's "Incorrect string value" mid-transaction */
	if ((fields & VP_STORE_F_GECOS) && !utf8_ok(e->gecos))
		return vp_fail(err, VA_BAD_CHAR, "in gecos: not UTF-8, which the connection to the "
		                                 "server (utf8mb4) carries");
	if (clear && !utf8_ok(e->clear))
		return vp_fail(err, VA_BAD_CHAR, "in the password (stored in clear text): not UTF-8, "
		                                 "which the connection to the server (utf8mb4) carries");
	if ((rc = fits(&c[C_NAME], t, "pw_name", e->name, VA_USER_NAME_TOO_LONG, err)) != 0 ||
	    (u->many &&
	     (rc = fits(&c[C_DOMAIN], t, "pw_domain", dom_name(dom), VA_DOMAIN_NAME_TOO_LONG, err)) != 0) ||
	    ((fields & VP_STORE_F_PASSWD) &&
	     (rc = fits(&c[C_PASSWD], t, "pw_passwd", e->passwd, VA_PASSWD_TOO_LONG, err)) != 0) ||
	    ((fields & VP_STORE_F_GECOS) &&
	     (rc = fits(&c[C_GECOS], t, "pw_gecos", e->gecos, VA_GECOS_TOO_LONG, err)) != 0) ||
	    ((fields & VP_STORE_F_DIR) &&
	     (rc = fits(&c[C_DIR], t, "pw_dir", e->dir, VA_DIR_TOO_LONG, err)) != 0) ||
	    ((fields & VP_STORE_F_QUOTA) &&
	     (rc = fits(&c[C_SHELL], t, "pw_shell", e->quota, VA_QUOTA_TOO_LONG, err)) != 0) ||
	    (clear && (rc = fits(&c[C_CLEAR], t, "pw_clear_passwd", e->clear,
	                         VA_CLEAR_PASSWD_TOO_LONG, err)) != 0))
		return rc;
	return 0;
}

/* The clear column: written (value or NULL) when the table has it and the
 * change touches the password; a value only when the caller gave one. */
static int clear_written(const utable *u, unsigned fields)
{
	return u->t->col[C_CLEAR].present && (fields & (VP_STORE_F_CLEAR | VP_STORE_F_PASSWD));
}

static int missing_table(const utable *u, const vp_domain_info *dom, vp_error *err)
{
	return vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST,
	               "no table `%s` for %s: the domain was not created in this store", u->name,
	               dom_name(dom));
}

static int m_user_add(void *p, const vp_domain_info *dom, const vp_user_entry *e, vp_error *err)
{
	mstate *st = p;
	utable u;
	char sql[512];
	int rc = user_sql(st, dom, &u, t_add, sql, sizeof sql, err);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return missing_table(&u, dom, err);
	int clear = u.t->col[C_CLEAR].present;
	int clear_val = clear && e->has_clear;
	if ((rc = user_fits(&u, dom, e, VP_STORE_F_ALL, clear_val, err)) != 0)
		return rc;
	bparam prm[9];
	int n = 0;
	if (u.many)
		prm[n++] = PS(dom_name(dom));
	prm[n++] = PS(e->name);
	prm[n++] = PS(e->passwd);
	prm[n++] = PI(e->uid_flag);
	prm[n++] = PI(e->flags);
	prm[n++] = PS(e->gecos);
	prm[n++] = PS(e->dir);
	prm[n++] = PS(e->quota);
	if (clear)
		prm[n++] = clear_val ? PS(e->clear) : PNULL;
	long long r = write_rows(st, S_USER_ADD, sql, prm, n, 0, err);
	if (r < 0 && st->last_errno == ER_DUP_ENTRY)
		return vp_fail(err, VA_USERNAME_EXISTS, "%s@%s", e->name, dom_name(dom));
	return r < 0 ? (int)r : 0;
}

static int m_user_del(void *p, const vp_domain_info *dom, const char *name, vp_error *err)
{
	mstate *st = p;
	utable u;
	char sql[256];
	int rc = user_table(st, dom, &u, err);
	if (rc != 0)
		return rc;
	if (!u.t->exists)
		return vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", name, dom_name(dom));
	if ((rc = sql_for_table(sql, sizeof sql, t_del[u.many], u.name, err)) != 0)
		return rc;
	bparam prm[3] = { PS(name), PS(name), PS(dom_name(dom)) };
	long long r = write_rows(st, S_USER_DEL, sql, prm, u.many ? 3 : 2, 0, err);
	if (r < 0)
		return (int)r;
	if (r == 0)
		return vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", name, dom_name(dom));
	return 0;
}

static int m_user_update(void *p, const vp_domain_info *dom, const vp_user_entry *e,
                         unsigned fields, vp_error *err)
{
	mstate *st = p;
	utable u;
	char sql[1024];
	int rc = user_sql(st, dom, &u, t_update, sql, sizeof sql, err);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", e->name, dom_name(dom));
	int clear = clear_written(&u, fields);
	int clear_val = clear && e->has_clear;
	if ((rc = user_fits(&u, dom, e, fields, clear_val, err)) != 0)
		return rc;
	if (!(fields & (VP_STORE_F_PASSWD | VP_STORE_F_UID | VP_STORE_F_FLAGS | VP_STORE_F_GECOS |
	                VP_STORE_F_DIR | VP_STORE_F_QUOTA)) && !clear)
		return 0; /* only a clear password, and nowhere to put it */
	/* (changed?, value) for each column of t_update, in its order */
	bparam prm[17];
	int n = 0;
#define SETP(flag, value) \
	do { \
		int on_ = (fields & (flag)) != 0; \
		prm[n++] = PI(on_); \
		prm[n++] = on_ ? (value) : PNULL; \
	} while (0)
	SETP(VP_STORE_F_PASSWD, PS(e->passwd));
	SETP(VP_STORE_F_UID, PI(e->uid_flag));
	SETP(VP_STORE_F_FLAGS, PI(e->flags));
	SETP(VP_STORE_F_GECOS, PS(e->gecos));
	SETP(VP_STORE_F_DIR, PS(e->dir));
	SETP(VP_STORE_F_QUOTA, PS(e->quota));
#undef SETP
	if (u.t->col[C_CLEAR].present) {
		prm[n++] = PI(clear);
		prm[n++] = clear_val ? PS(e->clear) : PNULL;
	}
	prm[n++] = PS(e->name);
	prm[n++] = PS(e->name);
	if (u.many)
		prm[n++] = PS(dom_name(dom));
	/* CLIENT_FOUND_ROWS: matched rows, also when nothing changed. */
	long long r = write_rows(st, S_USER_UPDATE, sql, prm, n, RUN_IDEMPOTENT, err);
	if (r < 0)
		return (int)r;
	if (r == 0)
		return vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", e->name, dom_name(dom));
	return 0;
}

static int m_user_list(void *p, const vp_domain_info *dom, unsigned long offset,
                       unsigned long limit, vp_user_cb cb, void *ctx, vp_error *err)
{
	mstate *st = p;
	utable u;
	char sql[512];
	int rc = user_sql(st, dom, &u, t_list, sql, sizeof sql, err);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	bparam prm[4];
	int n = 0;
	if (u.many)
		prm[n++] = PS(dom_name(dom));
	prm[n++] = PI(limit ? (long long)limit : LLONG_MAX);
	prm[n++] = PI(offset > (unsigned long)LLONG_MAX ? LLONG_MAX : (long long)offset);
	if (u.many)
		prm[n++] = PS(dom_name(dom));
	MYSQL_STMT *s;
	MYSQL_BIND b[8];
	vp_user_entry *e = malloc(sizeof *e);
	if (!e)
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	urow w;
	urow_init(&w, &u, e);
	/* Streamed (no store_result): memory stays flat in the domain's size. */
	if ((rc = run(st, S_USER_LIST, sql, prm, n, RUN_IDEMPOTENT, &s, err)) == 0 &&
	    (rc = bind_result(st, s, w.r, w.n, b, 0, err)) == 0) {
		while ((rc = fetch(st, s, w.r, w.n, err)) == 1) {
			urow_done(&w, e);
			if (cb(ctx, e) != 0) {
				rc = 0;
				break;
			}
		}
		if (st->stmt[S_USER_LIST] == s)
			done(s);
	}
	explicit_bzero(e, sizeof *e);
	free(e);
	return rc < 0 ? rc : 0;
}

static int m_user_count(void *p, const vp_domain_info *dom, unsigned long *count, vp_error *err)
{
	mstate *st = p;
	utable u;
	char sql[160];
	*count = 0;
	int rc = user_table(st, dom, &u, err);
	if (rc != 0 || !u.t->exists)
		return rc;
	bparam prm[1] = { PS(dom_name(dom)) };
	long long n = 0;
	rcol r[1] = { RN(&n) };
	vp_error ignored;
	/* We never create one (no INDEX privilege), but a DBA may add (or drop)
	 * one at any time: looked up for each count (a key lookup, against a
	 * count that scans the domain).  Named, since the optimizer takes the
	 * table scan when one domain is most of the table. */
	static const char dom_index[] =
		"SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
		"AND TABLE_NAME = 'vpopmail' AND SEQ_IN_INDEX = 1 AND COLUMN_NAME = 'pw_domain' "
		"ORDER BY INDEX_NAME LIMIT 1";
	rcol ri[1] = { RS(st->dom_index) };
	st->dom_index[0] = '\0';
	if (u.many && (rc = select_one(st, S_DETECT_INDEX, dom_index, NULL, 0, ri, 1, err)) < 0)
		return rc;
	/* with the DBA's index named (an index name sql_for_table refuses, or
	 * one dropped since: the plain count) */
	if (!u.many || !st->dom_index[0] ||
	    sql_for_table(sql, sizeof sql, "SELECT COUNT(*) FROM `vpopmail` FORCE INDEX (%T) "
	                  "WHERE pw_domain = ?", st->dom_index, &ignored) != 0 ||
	    select_one(st, S_USER_COUNT, sql, prm, 1, r, 1, &ignored) < 0) {
		st->dom_index[0] = '\0';
		if ((rc = sql_for_table(sql, sizeof sql, t_count[u.many], u.name, err)) != 0)
			return rc;
		rc = select_one(st, S_USER_COUNT, sql, prm, u.many ? 1 : 0, r, 1, err);
	}
	if (rc < 0)
		return rc;
	*count = n > 0 ? (unsigned long)n : 0;
	return 0;
}

/* ---- dir_control ---- */

#define DIRC_COLS "cur_users, level_cur, level_max, level_start0, level_start1, level_start2, " \
	"level_end0, level_end1, level_end2, level_mod0, level_mod1, level_mod2, level_index0, " \
	"level_index1, level_index2, the_dir"

static const char *counter_key(const vp_store_counter *c, char *buf, size_t size)
{
	if (c->dom)
		return dom_name(c->dom);
	snprintf(buf, size, "dom_%lu", (unsigned long)c->uid);
	return buf;
}

static int bucket_ok(const char *s)
{
	static const char alphabet[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	size_t len = strlen(s);
	if (len > 5 || (len > 0 && len % 2 == 0))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (i % 2 == 1 ? s[i] != '/' : !strchr(alphabet, s[i]))
			return 0;
	return 1;
}

/* 1 row into dc, 0 none (dc = vp_dirc_init), <0. */
static int dirc_read(mstate *st, const char *key, int lock, vp_dir_control *dc, vp_error *err)
{
	long long v[15];
	rcol r[16];
	char dir[sizeof dc->bucket];
	for (int i = 0; i < 15; i++)
		r[i] = RN(&v[i]);
	r[15] = RS(dir);
	bparam prm[1] = { PS(key) };
	vp_dirc_init(dc);
	int rc = select_one(st, lock ? S_DIRC_GET_LOCK : S_DIRC_GET,
	                    lock ? "SELECT " DIRC_COLS " FROM dir_control WHERE domain = ? FOR UPDATE"
	                         : "SELECT " DIRC_COLS " FROM dir_control WHERE domain = ?",
	                    prm, 1, r, 16, err);
	if (rc != 1)
		return rc;
	/* The same bounds as a .dir-control file (vp_dirc_parse). */
	int ok = v[0] >= 0 && v[0] <= INT_MAX && v[1] >= 0 && v[1] <= 2 && v[2] >= 0 && v[2] <= 3 &&
	         bucket_ok(dir);
	for (int i = 0; i < 3 && ok; i++) {
		ok = v[3 + i] >= 0 && v[3 + i] <= 61 && v[6 + i] >= 0 && v[6 + i] <= 61 &&
		     v[3 + i] <= v[6 + i] && v[9 + i] >= 0 && v[9 + i] <= 64 && v[12 + i] >= 0 &&
		     v[12 + i] <= 61;
	}
	if (!ok)
		return vp_fail(err, VA_CORRUPT_FILE, "dir_control row '%s' is out of range "
		                                     "(delete it to restart the counter)", key);
	dc->cur_users = (unsigned long)v[0];
	dc->level_cur = (int)v[1];
	dc->level_max = (int)v[2];
	for (int i = 0; i < 3; i++) {
		dc->level_start[i] = (int)v[3 + i];
		dc->level_end[i] = (int)v[6 + i];
		dc->level_mod[i] = (int)v[9 + i];
		dc->level_index[i] = (int)v[12 + i];
	}
	memcpy(dc->bucket, dir, sizeof dc->bucket);
	dc->mod_line_bug = 0; /* the row keeps "0 2 4" */
	return 1;
}

static int m_dirc_get(void *p, const vp_store_counter *c, vp_dir_control *out, vp_error *err)
{
	mstate *st = p;
	char buf[32];
	int rc = connect_now(st, err);
	if (rc != 0)
		return rc;
	if (!st->have_dirc) {
		vp_dirc_init(out);
		return 0;
	}
	return dirc_read(st, counter_key(c, buf, sizeof buf), 0, out, err);
}

static int dirc_write(mstate *st, const char *key, const vp_dir_control *dc, int insert,
                      vp_error *err)
{
	if (dc->cur_users > INT_MAX)
		return vp_fail(err, VA_CORRUPT_FILE, "dir_control '%s': more than %d entries", key, INT_MAX);
	int rc = fits(&st->dc[D_DOMAIN], "dir_control", "domain", key, VA_DOMAIN_NAME_TOO_LONG, err);
	if (rc != 0)
		return rc;
	bparam prm[17];
	int n = 0;
	if (insert)
		prm[n++] = PS(key);
	prm[n++] = PI(dc->cur_users);
	prm[n++] = PI(dc->level_cur);
	prm[n++] = PI(dc->level_max);
	for (int i = 0; i < 3; i++)
		prm[n++] = PI(dc->level_start[i]);
	for (int i = 0; i < 3; i++)
		prm[n++] = PI(dc->level_end[i]);
	for (int i = 0; i < 3; i++)
		prm[n++] = PI(dc->level_mod[i]);
	for (int i = 0; i < 3; i++)
		prm[n++] = PI(dc->level_index[i]);
	prm[n++] = PS(dc->bucket);
	if (!insert)
		prm[n++] = PS(key);
	long long r;
	if (insert)
		r = write_rows(st, S_DIRC_INSERT, "INSERT INTO dir_control ( domain, " DIRC_COLS " ) "
		               "VALUES ( ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? )", prm, n, 0, err);
	else
		r = write_rows(st, S_DIRC_UPDATE, "UPDATE dir_control SET cur_users = ?, level_cur = ?, "
		               "level_max = ?, level_start0 = ?, level_start1 = ?, level_start2 = ?, "
		               "level_end0 = ?, level_end1 = ?, level_end2 = ?, level_mod0 = ?, "
		               "level_mod1 = ?, level_mod2 = ?, level_index0 = ?, level_index1 = ?, "
		               "level_index2 = ?, the_dir = ? WHERE domain = ?", prm, n, 0, err);
	return r < 0 ? (int)r : 0;
}

static int m_dirc_update(void *p, const vp_store_counter *c, vp_store_dirc_fn fn, void *ctx,
                         vp_dir_control *out, vp_error *err)
{
	mstate *st = p;
	char buf[32];
	const char *key = counter_key(c, buf, sizeof buf);
	int own = !st->in_txn;
	int rc = connect_now(st, err);
	if (rc != 0)
		return rc;
	if ((rc = ensure_dirc(st, err)) != 0)
		return rc;
	vp_dir_control dc;
	/* A transaction of our own that InnoDB chose as a deadlock victim (two
	 * first inserts of the same row meet on its gap lock) is tried again. */
	for (int attempt = 0;; attempt++) {
	if (own && (rc = m_begin(st, NULL, 0, err)) != 0)
		return rc;
	for (int round = 0; round < 2; round++) {
		int existed = dirc_read(st, key, 1, &dc, err);
		if (existed < 0) {
			rc = existed;
			break;
		}
		rc = fn(ctx, &dc, existed, err);
		if (rc < 0)
			break;
		if (rc == VP_STORE_DIRC_KEEP) {
			rc = 0;
			break;
		}
		rc = dirc_write(st, key, &dc, !existed, err);
		/* Another worker inserted the row since our read: it is there and
		 * locked for us now; do the change on its value. */
		if (rc != 0 && !existed && st->last_errno == ER_DUP_ENTRY && round == 0)
			continue;
		break;
	}
	if (own) {
		vp_error e2;
		if (rc == 0)
			rc = m_commit(st, err);
		else
			m_rollback(st, &e2);
		if (rc != 0 && st->last_errno == ER_LOCK_DEADLOCK && attempt < 4)
			continue;
	}
	break;
	}
	if (rc == 0 && out)
		*out = dc;
	return rc;
}

static int m_dirc_del(void *p, const vp_store_counter *c, vp_error *err)
{
	mstate *st = p;
	char buf[32];
	int rc = connect_now(st, err);
	if (rc != 0 || !st->have_dirc)
		return rc;
	bparam prm[1] = { PS(counter_key(c, buf, sizeof buf)) };
	long long r = write_rows(st, S_DIRC_DEL, "DELETE FROM dir_control WHERE domain = ?", prm, 1,
	                         RUN_IDEMPOTENT, err);
	return r < 0 ? (int)r : 0;
}

/* ---- lastauth ---- */

static int m_lastauth_set(void *p, const vp_domain_info *dom, const vp_user_entry *e,
                          const char *ip, long long when, vp_error *err)
{
	mstate *st = p;
	/* A login's record (outside a transaction) is best effort: with the
	 * primary down it is skipped at once, the login goes on from the replica. */
	if (st->split && !st->in_txn && st->up[R_WRITE] == 0 &&
	    mono_now() - st->down_at[R_WRITE] < DOWN_RETRY_LASTAUTH)
		return vp_fail(err, VA_NO_AUTH_CONNECTION, "the update server is down: lastauth skipped");
	int rc = connect_now(st, err);
	if (rc != 0 || (rc = ensure_lastauth(st, err)) != 0)
		return rc;
	/* vpopmail's lastauth.user is VARCHAR(32) beside pw_name's 64: a longer
	 * name (or domain) gets no row, as vpopmail's own insert fails there
	 * and the user is made all the same; a cut key could be another user's */
	const colinfo *lu = &st->la[L_USER], *ld = &st->la[L_DOMAIN];
	if ((lu->present && lu->maxlen > 0 && chars(e->name) > lu->maxlen) ||
	    (ld->present && ld->maxlen > 0 && chars(dom_name(dom)) > ld->maxlen))
		return 0;
	if ((rc = fits(&st->la[L_IP], "lastauth", "remote_ip", ip, VA_PARSE_ERROR, err)) != 0)
		return rc;
	bparam prm[4] = { PS(e->name), PS(dom_name(dom)), PS(ip), PI(when) };
	/* A login's row (outside a transaction) is one autocommit statement whose
	 * commit waits for the server's log flush: sent now, its answer read at
	 * the next use of the connection, so the login does not wait for it.
	 * In a transaction (add_user) it is part of what commits.  It is
	 * bookkeeping: the request's reads stay where they were (a webmail
	 * request after its login keeps reading the replica). */
	int wrote = st->wrote, waited = st->waited;
	char gtid[sizeof st->gtid];
	memcpy(gtid, st->gtid, sizeof gtid);
	long long r = write_rows(st, S_LA_SET,
	                         "INSERT INTO lastauth ( user, domain, remote_ip, timestamp ) "
	                         "VALUES ( ?, ?, ?, ? ) ON DUPLICATE KEY UPDATE "
	                         "remote_ip = VALUES(remote_ip), timestamp = VALUES(timestamp)",
	                         prm, 4, RUN_IDEMPOTENT | (st->in_txn ? 0 : RUN_ASYNC), err);
	if (!st->in_txn) {
		st->wrote = wrote;
		st->waited = waited;
		memcpy(st->gtid, gtid, sizeof gtid);
	}
	return r < 0 ? (int)r : 0;
}

static int m_lastauth_get(void *p, const vp_domain_info *dom, const vp_user_entry *e,
                          vp_store_lastauth *out, vp_error *err)
{
	mstate *st = p;
	int rc = connect_now(st, err);
	if (rc != 0 || !st->have_lastauth)
		return rc;
	char user[128];
	long long t = 0;
	rcol r[3] = { RS(user), RS(out->ip), RN(&t) };
	bparam prm[2] = { PS(e->name), PS(dom_name(dom)) };
	rc = select_one(st, S_LA_GET, "SELECT user, remote_ip, timestamp FROM lastauth "
	                "WHERE user = ? AND domain = ?", prm, 2, r, 3, err);
	if (rc == 1 && strcmp(user, e->name) != 0)
		rc = 0;
	if (rc != 1) {
		out->ip[0] = '\0';
		return rc;
	}
	out->time = t;
	out->state = (out->ip[0] == '\0' || strcmp(out->ip, "0.0.0.0") == 0) ? 1 : 2;
	return 1;
}

static int m_lastauth_del(void *p, const vp_domain_info *dom, const char *name, vp_error *err)
{
	mstate *st = p;
	int rc = connect_now(st, err);
	if (rc != 0 || !st->have_lastauth)
		return rc;
	bparam prm[2] = { PS(name), PS(dom_name(dom)) };
	long long r = write_rows(st, S_LA_DEL, "DELETE FROM lastauth WHERE user = ? AND domain = ?",
	                         prm, 2, RUN_IDEMPOTENT, err);
	return r < 0 ? (int)r : 0;
}

/* ---- aliasdomains ---- */

/* vpopmail creates the table before touching it; so do we, outside a
 * transaction (inside one, begin's need had to name it). */
static int aliases_ready(mstate *st, vp_error *err)
{
	int rc = connect_now(st, err);
	if (rc != 0 || st->have_aliases || st->in_txn)
		return rc;
	return ensure_aliases(st, err);
}

static int m_alias_add(void *p, const char *realdomain, const char *alias, vp_error *err)
{
	mstate *st = p;
	int rc = connect_now(st, err);
	if (rc == 0)
		rc = ensure_aliases(st, err); /* inside a transaction: begin's need */
	if (rc != 0)
		return rc;
	if ((rc = fits(&st->al[A_ALIAS], "aliasdomains", "alias", alias, VA_DOMAIN_NAME_TOO_LONG,
	               err)) != 0 ||
	    (rc = fits(&st->al[A_DOMAIN], "aliasdomains", "domain", realdomain,
	               VA_DOMAIN_NAME_TOO_LONG, err)) != 0)
		return rc;
	bparam prm[2] = { PS(realdomain), PS(alias) };
	/* users/assign is the truth: an old row for the alias follows it. */
	long long r = write_rows(st, S_AL_ADD, "INSERT INTO aliasdomains (domain,alias) VALUES (?, ?) "
	                         "ON DUPLICATE KEY UPDATE domain = VALUES(domain)", prm, 2,
	                         RUN_IDEMPOTENT, err);
	return r < 0 ? (int)r : 0;
}

static int m_alias_del(void *p, const char *alias, vp_error *err)
{
	mstate *st = p;
	int rc = aliases_ready(st, err);
	if (rc != 0 || !st->have_aliases)
		return rc;
	bparam prm[1] = { PS(alias) };
	long long r = write_rows(st, S_AL_DEL, "DELETE FROM aliasdomains WHERE alias = ?", prm, 1,
	                         RUN_IDEMPOTENT, err);
	return r < 0 ? (int)r : 0;
}

static int m_alias_get(void *p, const char *alias, char *real, size_t size, vp_error *err)
{
	mstate *st = p;
	int rc = connect_now(st, err);
	if (rc != 0 || !st->have_aliases)
		return rc;
	char a[128], d[128];
	rcol r[2] = { RS(a), RS(d) };
	bparam prm[1] = { PS(alias) };
	rc = select_one(st, S_AL_GET, "SELECT alias, domain FROM aliasdomains WHERE alias = ?", prm, 1,
	                r, 2, err);
	if (rc != 1 || strcmp(a, alias) != 0)
		return rc < 0 ? rc : 0;
	if (strlen(d) >= size)
		return vp_fail(err, VA_DOMAIN_NAME_TOO_LONG, NULL);
	strcpy(real, d);
	return 1;
}

static int m_alias_list(void *p, const char *realdomain, vp_store_name_cb cb, void *ctx,
                        vp_error *err)
{
	mstate *st = p;
	int rc = connect_now(st, err);
	if (rc != 0 || !st->have_aliases)
		return rc;
	char a[128];
	rcol r[1] = { RS(a) };
	MYSQL_BIND b[1];
	MYSQL_STMT *s;
	bparam prm[1] = { PS(realdomain) };
	if ((rc = run(st, S_AL_LIST, "SELECT alias FROM aliasdomains WHERE domain = ? "
	              "ORDER BY CAST(alias AS BINARY)", prm, 1, RUN_IDEMPOTENT, &s, err)) != 0 ||
	    (rc = bind_result(st, s, r, 1, b, 1, err)) != 0)
		return rc;
	while ((rc = fetch(st, s, r, 1, err)) == 1)
		if (cb(ctx, a) != 0) {
			rc = 0;
			break;
		}
	if (st->stmt[S_AL_LIST] == s)
		done(s);
	return rc < 0 ? rc : 0;
}

/* ---- domains ---- */

static int m_domain_create(void *p, const vp_domain_info *dom, vp_error *err)
{
	mstate *st = p;
	char sql[512];
	int rc = connect_now(st, err);
	if (rc != 0)
		return rc;
	if (st->in_txn)
		return vp_fail(err, VA_BAD_CONFIG, "domain_create inside a transaction");
	int clear = st->cfg->clear_passwords != 0;
	if (st->layout == VP_STORE_LAYOUT_MANY) {
		if ((rc = sql_for_table(sql, sizeof sql, t_create[1][clear], "vpopmail", err)) != 0 ||
		    (rc = query(st, sql, 1, err)) != 0 ||
		    (rc = probe_table(st, "vpopmail", user_cols, st->many.col, C_USER_N,
		                      &st->many.exists, err)) != 0 ||
		    (rc = check_user_table("vpopmail", &st->many, 1, err)) != 0)
			return rc;
		/* vpopmail's many-domains vadddomain creates it too. */
		return ensure_aliases(st, err);
	}
	char table[65];
	if ((rc = vp_mysql_domain_table(dom_name(dom), table, sizeof table, err)) != 0)
		return rc;
	if ((rc = sql_for_table(sql, sizeof sql, t_create[0][clear], table, err)) != 0 ||
	    (rc = query(st, sql, 1, err)) != 0)
		return rc;
	forget_table(st, table);
	return 0;
}

static long long valias_drop_domain(mstate *st, const char *domain, vp_error *err);

static int m_domain_drop(void *p, const vp_domain_info *dom, vp_error *err)
{
	mstate *st = p;
	const char *d = dom_name(dom);
	bparam prm[2] = { PS(d), PS(d) };
	utable u;
	int own = !st->in_txn;
	int rc = user_table(st, dom, &u, err);
	if (rc != 0)
		return rc;
	if ((rc = aliases_ready(st, err)) != 0)
		return rc;
	if (own && (rc = m_begin(st, NULL, 0, err)) != 0)
		return rc;
	long long r = 0;
	if (u.t->exists) {
		if (u.many)
			r = write_rows(st, S_DOM_DEL_USERS, "DELETE FROM vpopmail WHERE pw_domain = ?", prm, 1,
			               RUN_IDEMPOTENT | RUN_LONG, err);
		else {
			char sql[128];
			r = sql_for_table(sql, sizeof sql, "DELETE FROM %T", u.name, err);
			if (r == 0)
				r = write_rows(st, S_DOM_DEL_USERS, sql, NULL, 0, RUN_IDEMPOTENT | RUN_LONG, err);
			if (r >= 0 && st->npending < 4)
				strcpy(st->pending_drop[st->npending++], u.name);
		}
	}
	if (r >= 0 && st->have_lastauth)
		r = write_rows(st, S_LA_DEL_DOMAIN, "DELETE FROM lastauth WHERE domain = ?", prm, 1,
		               RUN_IDEMPOTENT | RUN_LONG, err);
	if (r >= 0 && st->have_dirc)
		r = write_rows(st, S_DIRC_DEL, "DELETE FROM dir_control WHERE domain = ?", prm, 1,
		               RUN_IDEMPOTENT, err);
	if (r >= 0)
		r = valias_drop_domain(st, d, err);
	if (r >= 0 && st->have_aliases)
		r = write_rows(st, S_AL_DEL_DOMAIN,
		               "DELETE FROM aliasdomains WHERE alias = ? OR domain = ?", prm, 2,
		               RUN_IDEMPOTENT, err);
	rc = r < 0 ? (int)r : 0;
	if (own) {
		vp_error e2;
		if (rc == 0)
			rc = m_commit(st, err);
		else
			m_rollback(st, &e2);
	}
	return rc;
}

/* ==== domain limits: vpopmail's --enable-mysql-limits `limits` table ====
 *
 * Kept apart from the rest of the driver.  Columns are read and written by
 * name: the SELECT and REPLACE list the columns the table has (probed once
 * per connection), so a row is never read by position (vpopmail's own
 * vget_limits reads three permission columns one place off) and an older
 * table lacking a column still works (a value it cannot hold is refused).
 * perm_maillist packs list, users << 3 and moderators << 6 as the file does;
 * its TINYINT holds only 0..127, so moderator bits past the first are refused
 * (vpopmail's REPLACE fails there too on a strict server). */

enum {
	LM_DOMAIN, LM_MAXPOP, LM_MAXALIAS, LM_MAXFWD, LM_MAXAUTO, LM_MAXLIST,
	LM_DISKQUOTA, LM_MAXMSG, LM_DEFQUOTA, LM_DEFMAXMSG,
	LM_FLAG0, /* the ten flag columns, in flag_cols' order */
	LM_PERM0 = LM_FLAG0 + 10, /* perm_account, alias, forward, autoresponder */
	LM_PERM_MAILLIST = LM_PERM0 + 4, LM_PERM_QUOTA, LM_PERM_DEFQUOTA,
	LM_N
};
_Static_assert(LM_N == sizeof(((mstate *)0)->lim) / sizeof(colinfo), "mstate.lim size");
static const char *const lim_cols[LM_N] = { "domain", "maxpopaccounts", "maxaliases",
	"maxforwards", "maxautoresponders", "maxmailinglists", "diskquota", "maxmsgcount",
	"defaultquota", "defaultmaxmsgcount", "disable_pop", "disable_imap", "disable_dialup",
	"disable_passwordchanging", "disable_webmail", "disable_relay", "disable_smtp",
	"disable_spamassassin", "delete_spam", "disable_maildrop", "perm_account", "perm_alias",
	"perm_forward", "perm_autoresponder", "perm_maillist", "perm_quota", "perm_defaultquota" };
static const unsigned long lim_flags[10] = { VP_NO_POP, VP_NO_IMAP, VP_NO_DIALUP,
	VP_NO_PASSWD_CHNG, VP_NO_WEBMAIL, VP_NO_RELAY, VP_NO_SMTP, VP_NO_SPAMASSASSIN,
	VP_DELETE_SPAM, VP_NO_MAILDROP };

/* vpopmail 5.6's statement, verbatim (fixture queries.sql, tab included). */
static const char sql_create_limits[] =
	"CREATE TABLE IF NOT EXISTS limits ( domain VARCHAR(96) PRIMARY KEY,       "
	"maxpopaccounts           INT(10) NOT NULL DEFAULT -1,       "
	"maxaliases               INT(10) NOT NULL DEFAULT -1,       "
	"maxforwards              INT(10) NOT NULL DEFAULT -1,       "
	"maxautoresponders        INT(10) NOT NULL DEFAULT -1,       "
	"maxmailinglists          INT(10) NOT NULL DEFAULT -1,       "
	"diskquota                BIGINT UNSIGNED NOT NULL DEFAULT 0,       "
	"maxmsgcount              BIGINT UNSIGNED NOT NULL DEFAULT 0,       "
	"defaultquota             BIGINT UNSIGNED NOT NULL DEFAULT 0,       "
	"defaultmaxmsgcount       BIGINT UNSIGNED NOT NULL DEFAULT 0,       "
	"disable_pop              TINYINT(1) NOT NULL DEFAULT 0,       "
	"disable_imap             TINYINT(1) NOT NULL DEFAULT 0,       "
	"disable_dialup           TINYINT(1) NOT NULL DEFAULT 0,       "
	"disable_passwordchanging TINYINT(1) NOT NULL DEFAULT 0,       "
	"disable_webmail          TINYINT(1) NOT NULL DEFAULT 0,       "
	"disable_relay            TINYINT(1) NOT NULL DEFAULT 0,       "
	"disable_smtp             TINYINT(1) NOT NULL DEFAULT 0,       "
	"disable_spamassassin     TINYINT(1) NOT NULL DEFAULT 0,       "
	"delete_spam              TINYINT(1) NOT NULL DEFAULT 0,       "
	"disable_maildrop\t       TINYINT(1) NOT NULL DEFAULT 0,       "
	"perm_account             TINYINT(2) NOT NULL DEFAULT 0,       "
	"perm_alias               TINYINT(2) NOT NULL DEFAULT 0,       "
	"perm_forward             TINYINT(2) NOT NULL DEFAULT 0,       "
	"perm_autoresponder       TINYINT(2) NOT NULL DEFAULT 0,       "
	"perm_maillist            TINYINT(4) NOT NULL DEFAULT 0,       "
	"perm_quota               TINYINT(2) NOT NULL DEFAULT 0,       "
	"perm_defaultquota        TINYINT(2) NOT NULL DEFAULT 0 )";

/* Does the table exist, and with which columns?  Once per connection: a
 * site that starts using the table restarts its PHP processes anyway. */
static int limits_probe(mstate *st, vp_error *err)
{
	int rc = connect_now(st, err);
	if (rc != 0 || st->lim_probed == st->connects)
		return rc;
	if ((rc = probe_table(st, "limits", lim_cols, st->lim, LM_N, &st->have_limits, err)) != 0)
		return rc;
	if (st->have_limits && !st->lim[LM_DOMAIN].present)
		return vp_fail(err, VA_BAD_CONFIG, "table `limits` has no column domain");
	st->lim_probed = st->connects;
	return 0;
}

static int ensure_limits(mstate *st, vp_error *err)
{
	int rc = limits_probe(st, err);
	if (rc != 0 || st->have_limits || st->opt.limits != VP_STORE_LIMITS_TABLE)
		return rc;
	if ((rc = create(st, sql_create_limits, err)) != 0)
		return rc;
	st->lim_probed = 0;
	return limits_probe(st, err);
}

static int m_limits_used(void *p, vp_error *err)
{
	mstate *st = p;
	if (st->opt.limits == VP_STORE_LIMITS_FILES)
		return 0;
	if (st->opt.limits == VP_STORE_LIMITS_TABLE)
		return 1;
	int rc = limits_probe(st, err);
	return rc != 0 ? rc : st->have_limits;
}

/* "c1, c2, ..." of the columns the table has, from `from` on. */
/* The limits statements: column names only from lim_cols (constants),
 * those the table has, in its order; every value a bound parameter.
 * get: SELECT <cols> FROM limits WHERE domain = ? [FOR UPDATE];
 * put: REPLACE INTO limits (<cols>) VALUES (?, ...).  *n: the columns. */
static void limits_sql(const mstate *st, int put, int lock, char *out, size_t size, int *n)
{
	size_t len = 0;
#define APPEND(t) do { size_t l_ = strlen(t); \
	if (len + l_ < size) { memcpy(out + len, (t), l_); len += l_; } } while (0)
	*n = 0;
	APPEND(put ? "REPLACE INTO limits (" : "SELECT ");
	for (int i = LM_DOMAIN; i < LM_N; i++) {
		if (!st->lim[i].present)
			continue;
		if ((*n)++)
			APPEND(", ");
		APPEND(lim_cols[i]);
	}
	if (put) {
		APPEND(") VALUES (?");
		for (int i = 1; i < *n; i++)
			APPEND(", ?");
		APPEND(")");
	} else {
		APPEND(" FROM limits WHERE domain = ?");
		if (lock)
			APPEND(" FOR UPDATE");
	}
#undef APPEND
	out[len] = '\0';
}

static long lim_max(long long v)
{
	return v < 0 ? -1 : v > INT_MAX ? INT_MAX : (long)v;
}

static unsigned long long lim_num(long long v)
{
	return v < 0 ? 0 : (unsigned long long)v;
}

static int limits_get_once(mstate *st, const vp_domain_info *dom, unsigned flags, vp_limits *out,
                           vp_error *err)
{
	char sql[1000], dname[128];
	long long v[LM_N];
	rcol r[LM_N];
	int n, rc;
	vp_limits_init(out);
	if ((rc = limits_probe(st, err)) != 0 || !st->have_limits)
		return rc;
	int lock = (flags & VP_STORE_GET_LOCK) && st->in_txn;
	limits_sql(st, 0, lock, sql, sizeof sql, &n);
	for (int i = 0, k = 0; i < LM_N; i++) {
		if (!st->lim[i].present)
			continue;
		v[i] = 0;
		r[k++] = i == LM_DOMAIN ? RS(dname) : RN(&v[i]);
	}
	bparam prm[1] = { PS(dom_name(dom)) };
	MYSQL_STMT *s;
	MYSQL_BIND b[LM_N];
	int id = lock ? S_LIM_GET_LOCK : S_LIM_GET;
	if ((rc = run(st, id, sql, prm, 1, RUN_IDEMPOTENT, &s, err)) != 0) {
		if (st->last_errno == ER_NO_SUCH_TABLE) { /* dropped since the probe */
			st->lim_probed = 0;
			vp_error_clear(err);
			return 0;
		}
		return rc;
	}
	if ((rc = bind_result(st, s, r, n, b, 1, err)) != 0)
		return rc;
	rc = fetch(st, s, r, n, err);
	if (st->stmt[id] == s)
		done(s);
	if (rc != 1 || strcmp(dname, dom_name(dom)) != 0) /* the collation's idea of equal */
		return rc < 0 ? rc : 0;
	unsigned long long pm = 0;
	for (int i = 1; i < LM_N; i++) {
		if (!st->lim[i].present)
			continue;
		long long x = v[i];
		switch (i) {
		case LM_MAXPOP: out->max_popaccounts = lim_max(x); break;
		case LM_MAXALIAS: out->max_aliases = lim_max(x); break;
		case LM_MAXFWD: out->max_forwards = lim_max(x); break;
		case LM_MAXAUTO: out->max_autoresponders = lim_max(x); break;
		case LM_MAXLIST: out->max_mailinglists = lim_max(x); break;
		case LM_DISKQUOTA: out->quota_mb = lim_num(x); break;
		case LM_MAXMSG: out->maxmsgcount = lim_num(x); break;
		case LM_DEFQUOTA: out->default_quota = lim_num(x); break;
		case LM_DEFMAXMSG: out->default_maxmsgcount = lim_num(x); break;
		case LM_PERM0: out->perm_account = (unsigned)(x & VP_PERM_ALL); break;
		case LM_PERM0 + 1: out->perm_alias = (unsigned)(x & VP_PERM_ALL); break;
		case LM_PERM0 + 2: out->perm_forward = (unsigned)(x & VP_PERM_ALL); break;
		case LM_PERM0 + 3: out->perm_autoresponder = (unsigned)(x & VP_PERM_ALL); break;
		case LM_PERM_MAILLIST: pm = (unsigned long long)x; break;
		case LM_PERM_QUOTA: out->perm_quota = (unsigned)(x & VP_PERM_ALL); break;
		case LM_PERM_DEFQUOTA: out->perm_defaultquota = (unsigned)(x & VP_PERM_ALL); break;
		default: /* the flags */
			if (x != 0)
				out->flag_mask |= lim_flags[i - LM_FLAG0];
		}
	}
	out->perm_maillist = (unsigned)(pm & VP_PERM_ALL);
	out->perm_maillist_users = (unsigned)((pm >> 3) & VP_PERM_ALL);
	out->perm_maillist_moderators = (unsigned)((pm >> 6) & VP_PERM_ALL);
	out->source = VP_LIMITS_TABLE;
	return 1;
}

/* The value of column i for lim. */
static long long limits_value(const vp_limits *l, int i)
{
	switch (i) {
	case LM_MAXPOP: return l->max_popaccounts;
	case LM_MAXALIAS: return l->max_aliases;
	case LM_MAXFWD: return l->max_forwards;
	case LM_MAXAUTO: return l->max_autoresponders;
	case LM_MAXLIST: return l->max_mailinglists;
	case LM_DISKQUOTA: return (long long)l->quota_mb;
	case LM_MAXMSG: return (long long)l->maxmsgcount;
	case LM_DEFQUOTA: return (long long)l->default_quota;
	case LM_DEFMAXMSG: return (long long)l->default_maxmsgcount;
	case LM_PERM0: return l->perm_account;
	case LM_PERM0 + 1: return l->perm_alias;
	case LM_PERM0 + 2: return l->perm_forward;
	case LM_PERM0 + 3: return l->perm_autoresponder;
	case LM_PERM_MAILLIST:
		return (long long)((l->perm_maillist & VP_PERM_ALL) |
		                   (l->perm_maillist_users & VP_PERM_ALL) << 3 |
		                   (l->perm_maillist_moderators & VP_PERM_ALL) << 6);
	case LM_PERM_QUOTA: return l->perm_quota;
	case LM_PERM_DEFQUOTA: return l->perm_defaultquota;
	default: return (l->flag_mask & lim_flags[i - LM_FLAG0]) != 0;
	}
}

static int limits_put_once(mstate *st, const vp_domain_info *dom, const vp_limits *lim,
                           vp_error *err)
{
	char sql[1200];
	bparam prm[LM_N];
	int n, rc;
	vp_limits dflt;
	if ((rc = connect_now(st, err)) != 0 ||
	    (!st->in_txn && (rc = ensure_limits(st, err)) != 0) ||
	    (rc = limits_probe(st, err)) != 0)
		return rc;
	if (!st->have_limits)
		return vp_fail(err, VA_BAD_CONFIG, "there is no table `limits` (begin must name it "
		                                   "in need)");
	if ((rc = fits(&st->lim[LM_DOMAIN], "limits", "domain", dom_name(dom),
	               VA_DOMAIN_NAME_TOO_LONG, err)) != 0)
		return rc;
	vp_limits_init(&dflt);
	for (int i = 1; i < LM_N; i++) {
		long long x = limits_value(lim, i);
		if (!st->lim[i].present && x != limits_value(&dflt, i))
			return vp_fail(err, VA_PARSE_ERROR, "table `limits` has no column %s for %lld",
			               lim_cols[i], x);
		if (i == LM_PERM_MAILLIST && x > 127)
			return vp_fail(err, VA_PARSE_ERROR, "perm_maillist %lld (moderators %u) does not "
			               "fit the TINYINT column of table `limits` (0..127)", x,
			               lim->perm_maillist_moderators);
	}
	limits_sql(st, 1, 0, sql, sizeof sql, &n);
	int k = 0;
	prm[k++] = PS(dom_name(dom));
	for (int i = 1; i < LM_N; i++)
		if (st->lim[i].present)
			prm[k++] = PI(limits_value(lim, i));
	long long w = write_rows(st, S_LIM_PUT, sql, prm, k, RUN_IDEMPOTENT, err);
	return w < 0 ? (int)w : 0;
}

/* Columns added, dropped or moved since the probe (error 1054): probe again, once. */
static int schema_changed(mstate *st, int rc, vp_error *err)
{
	if (rc >= 0 || st->last_errno != ER_BAD_FIELD_ERROR)
		return 0;
	st->lim_probed = 0;
	vp_error_clear(err);
	return 1;
}

static int m_limits_get(void *p, const vp_domain_info *dom, unsigned flags, vp_limits *out,
                        vp_error *err)
{
	int rc = limits_get_once(p, dom, flags, out, err);
	return schema_changed(p, rc, err) ? limits_get_once(p, dom, flags, out, err) : rc;
}

static int m_limits_put(void *p, const vp_domain_info *dom, const vp_limits *lim, vp_error *err)
{
	int rc = limits_put_once(p, dom, lim, err);
	return schema_changed(p, rc, err) ? limits_put_once(p, dom, lim, err) : rc;
}

static int m_limits_del(void *p, const vp_domain_info *dom, vp_error *err)
{
	mstate *st = p;
	int rc = limits_probe(st, err);
	if (rc != 0 || !st->have_limits)
		return rc;
	bparam prm[1] = { PS(dom_name(dom)) };
	long long w = write_rows(st, S_LIM_DEL, "DELETE FROM limits WHERE domain = ?", prm, 1,
	                         RUN_IDEMPOTENT, err);
	if (w < 0 && st->last_errno == ER_NO_SUCH_TABLE) {
		st->lim_probed = 0;
		vp_error_clear(err);
		return 0;
	}
	return w < 0 ? (int)w : 0;
}

/* ---- requests ---- */

static void m_end_request(void *p)
{
	mstate *st = p;
	st->wrote = 0;
	st->waited = 0;
	st->gtid[0] = '\0';
}

static int m_commit_unknown(void *p)
{
	return ((mstate *)p)->commit_unknown;
}

/* ---- library ---- */

void vp_store_library_init(void)
{
	mysql_library_init(0, NULL, NULL);
}

void vp_store_library_end(void)
{
	mysql_library_end();
}

/* valias and vlog (issue 14): the section after the driver table. */
static int m_valias_ensure(void *p, vp_error *err);
static int m_valias_get(void *p, const char *domain, const char *alias, unsigned flags,
                        vp_store_valias_cb cb, void *ctx, vp_error *err);
static int m_valias_add(void *p, const char *domain, const char *alias, const char *line,
                        vp_error *err);
static int m_valias_del(void *p, const char *domain, const char *alias, vp_error *err);
static int m_vlog_add(void *p, const vp_store_vlog *r, vp_error *err);

const vp_store_driver vp_store_mysql_driver = {
	.name = "mysql",
	.caps = VP_STORE_CAP_TXN | VP_STORE_CAP_ALIASES,
	.uid_flag_pop = 0, /* vauth_adduser's apop argument: USE_POP */
	.open = m_open,
	.close = m_close,
	.info = m_info,
	.ping = m_ping,
	.begin = m_begin,
	.commit = m_commit,
	.rollback = m_rollback,
	.user_get = m_user_get,
	.user_auth_get = m_user_auth_get,
	.user_add = m_user_add,
	.user_del = m_user_del,
	.user_update = m_user_update,
	.user_list = m_user_list,
	.user_count = m_user_count,
	.dirc_get = m_dirc_get,
	.dirc_update = m_dirc_update,
	.dirc_del = m_dirc_del,
	.lastauth_set = m_lastauth_set,
	.lastauth_get = m_lastauth_get,
	.lastauth_del = m_lastauth_del,
	.alias_add = m_alias_add,
	.alias_del = m_alias_del,
	.alias_get = m_alias_get,
	.alias_list = m_alias_list,
	.domain_create = m_domain_create,
	.domain_drop = m_domain_drop,
	.limits_used = m_limits_used,
	.limits_get = m_limits_get,
	.limits_put = m_limits_put,
	.limits_del = m_limits_del,
	.end_request = m_end_request,
	.commit_unknown = m_commit_unknown,
	.valias_ensure = m_valias_ensure,
	.valias_get = m_valias_get,
	.valias_add = m_valias_add,
	.valias_del = m_valias_del,
	.vlog_add = m_vlog_add,
};

/* ==== valias and vlog (issue 14: --enable-valias, --enable-sql-logging) ====
 * vpopmail's tables, created with its own text when first needed.  The
 * defaultdelivery layout of valias (valias_type, copy) is followed when the
 * table has those columns (column probe, as for pw_clear_passwd). */

static const char sql_create_valias[] =
	"CREATE TABLE IF NOT EXISTS valias ( id int(11) PRIMARY KEY AUTO_INCREMENT, alias VARCHAR(32) "
	"NOT NULL, domain VARCHAR(96) NOT NULL, valias_line text NOT NULL, INDEX (alias, domain) )";
static const char sql_create_vlog[] =
	"CREATE TABLE IF NOT EXISTS vlog ( id BIGINT PRIMARY KEY AUTO_INCREMENT,       user VARCHAR(32), "
	"passwd VARCHAR(32),       domain VARCHAR(96), logon VARCHAR(200),       remoteip VARCHAR(39), "
	"message VARCHAR(255),       timestamp INT default 0 NOT NULL, error TINYINT(1),       "
	"INDEX user_idx (user),       INDEX domain_idx (domain), INDEX remoteip_idx (remoteip),       "
	"INDEX error_idx (error), INDEX message_idx (message),       INDEX (timestamp) )";

enum { VA_ALIAS, VA_DOMAIN, VA_LINE, VA_TYPE, VA_COPY, VA_N };
static const char *const valias_cols[VA_N] = { "alias", "domain", "valias_line", "valias_type",
                                               "copy" };
enum { VL_USER, VL_DOMAIN, VL_LOGON, VL_IP, VL_MESSAGE, VL_PASSWD, VL_N };
static const char *const vlog_cols[VL_N] = { "user", "domain", "logon", "remoteip", "message",
                                             "passwd" };

static int valias_probe(mstate *st, vp_error *err)
{
	int rc = connect_now(st, err);
	if (rc != 0 || st->va_probed)
		return rc;
	if ((rc = probe_table(st, "valias", valias_cols, st->va, VA_N, &st->have_valias, err)) != 0)
		return rc;
	st->va_probed = 1;
	return 0;
}

static int valias_typed(const mstate *st)
{
	return st->va[VA_TYPE].present && st->va[VA_COPY].present;
}

static int m_valias_ensure(void *p, vp_error *err)
{
	mstate *st = p;
	int rc = valias_probe(st, err);
	if (rc != 0 || st->have_valias)
		return rc;
	if ((rc = create(st, sql_create_valias, err)) != 0)
		return rc;
	st->va_probed = 0;
	return valias_probe(st, err);
}

/* A forward ("addr", "&addr") or a local delivery ('/', '.', '|'). */
static int line_is_delivery(const char *line)
{
	return line[0] == '/' || line[0] == '.' || line[0] == '|';
}

typedef struct va_row {
	char *alias, *line;
	size_t len;
} va_row;

static void va_rows_free(va_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].alias);
		free(v[i].line);
	}
	free(v);
}

/* All rows first, callbacks after: a callback may use the handle again. */
static int m_valias_get(void *p, const char *domain, const char *alias, unsigned flags,
                        vp_store_valias_cb cb, void *ctx, vp_error *err)
{
	mstate *st = p;
	int rc = valias_probe(st, err);
	if (rc == 0 && !st->have_valias) {
		st->va_probed = 0; /* another host may have made it since */
		rc = valias_probe(st, err);
	}
	if (rc != 0 || !st->have_valias)
		return rc;
	int lock = (flags & VP_STORE_VALIAS_LOCK) && st->in_txn;
	char a[256], line[VP_MAX_ALIAS_LINE * 8];
	rcol r[2] = { RS(a), RS(line) };
	MYSQL_BIND b[2];
	MYSQL_STMT *s;
	bparam prm[2] = { PS(domain), PS(alias ? alias : "") };
	int id;
	const char *sql;
	if (alias) {
		id = lock ? S_VA_GET_LOCK : S_VA_GET;
		sql = lock ? "SELECT alias, valias_line FROM valias WHERE domain = ? AND alias = ? "
		             "ORDER BY id FOR UPDATE"
		           : "SELECT alias, valias_line FROM valias WHERE domain = ? AND alias = ? "
		             "ORDER BY id";
	} else {
		id = S_VA_ALL;
		sql = "SELECT alias, valias_line FROM valias WHERE domain = ? "
		      "ORDER BY CAST(alias AS BINARY), id";
	}
	if ((rc = run(st, id, sql, prm, alias ? 2 : 1, RUN_IDEMPOTENT, &s, err)) != 0 ||
	    (rc = bind_result(st, s, r, 2, b, 1, err)) != 0)
		return rc;
	va_row *v = NULL;
	size_t n = 0, cap = 0;
	while ((rc = fetch(st, s, r, 2, err)) == 1) {
		/* the collation's idea of equal ("Sales", "sales ") is not ours */
		if (alias && strcmp(a, alias) != 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			va_row *nv = realloc(v, nc * sizeof *nv);
			if (!nv) {
				rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
				break;
			}
			v = nv;
			cap = nc;
		}
		v[n].alias = strdup(a);
		v[n].line = malloc(r[1].len + 1);
		if (!v[n].alias || !v[n].line) {
			free(v[n].alias);
			free(v[n].line);
			rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
			break;
		}
		memcpy(v[n].line, line, r[1].len + 1);
		v[n].len = r[1].len;
		n++;
	}
	if (st->stmt[id] == s)
		done(s);
	if (rc < 0) {
		va_rows_free(v, n);
		return rc;
	}
	rc = 0;
	for (size_t i = 0; i < n; i++) {
		int c = cb(ctx, v[i].alias, v[i].line, v[i].len);
		if (c != 0) {
			rc = c < 0 ? vp_fail(err, c, "stopped by the caller") : 0;
			break;
		}
	}
	va_rows_free(v, n);
	return rc;
}

typedef struct va_kinds {
	int delivery, forward;
} va_kinds;

static int count_kinds(void *ctx, const char *alias, const char *line, size_t len)
{
	va_kinds *k = ctx;
	(void)alias;
	(void)len;
	if (line_is_delivery(line))
		k->delivery++;
	else
		k->forward++;
	return 0;
}

static int m_valias_add(void *p, const char *domain, const char *alias, const char *line,
                        vp_error *err)
{
	mstate *st = p;
	int rc = valias_probe(st, err);
	if (rc != 0)
		return rc;
	if (!st->have_valias)
		return vp_fail(err, VA_BAD_CONFIG, "no valias table (valias_ensure first)");
	if ((rc = fits(&st->va[VA_ALIAS], "valias", "alias", alias, VA_USER_NAME_TOO_LONG, err)) != 0 ||
	    (rc = fits(&st->va[VA_DOMAIN], "valias", "domain", domain, VA_DOMAIN_NAME_TOO_LONG,
	               err)) != 0)
		return rc;
	long long r;
	if (!valias_typed(st)) {
		bparam prm[3] = { PS(alias), PS(domain), PS(line) };
		r = write_rows(st, S_VA_ADD, "INSERT INTO valias ( alias, domain, valias_line ) "
		               "VALUES ( ?, ?, ? )", prm, 3, 0, err);
		return r < 0 ? (int)r : 0;
	}
	/* defaultdelivery layout: the type of the line, and copy on the forwards
	 * of an alias that also delivers locally. */
	va_kinds k = { 0, 0 };
	if ((rc = m_valias_get(st, domain, alias, VP_STORE_VALIAS_LOCK, count_kinds, &k, err)) != 0)
		return rc;
	int delivery = line_is_delivery(line);
	int copy = (k.delivery + delivery) > 0;
	bparam prm[5] = { PS(alias), PS(domain), PS(line), PI(delivery ? 0 : 1),
	                  PI(delivery ? 0 : copy) };
	r = write_rows(st, S_VA_ADD, "INSERT INTO valias ( alias, domain, valias_line, valias_type, "
	               "copy ) VALUES ( ?, ?, ?, ?, ? )", prm, 5, 0, err);
	if (r >= 0 && delivery && k.forward > 0) {
		bparam up[4] = { PI(copy), PS(alias), PS(domain), PS(alias) };
		r = write_rows(st, S_VA_COPY, "UPDATE valias SET copy = ? WHERE alias = ? AND domain = ? "
		               "AND CAST(alias AS BINARY) = CAST(? AS BINARY) AND valias_type = 1",
		               up, 4, RUN_IDEMPOTENT, err);
	}
	return r < 0 ? (int)r : 0;
}

static int m_valias_del(void *p, const char *domain, const char *alias, vp_error *err)
{
	mstate *st = p;
	int rc = valias_probe(st, err);
	if (rc != 0 || !st->have_valias)
		return rc;
	long long r;
	if (alias) {
		bparam prm[3] = { PS(alias), PS(domain), PS(alias) };
		r = write_rows(st, S_VA_DEL, "DELETE FROM valias WHERE alias = ? AND domain = ? "
		               "AND CAST(alias AS BINARY) = CAST(? AS BINARY)", prm, 3, RUN_IDEMPOTENT,
		               err);
	} else {
		r = valias_drop_domain(st, domain, err);
	}
	return r < 0 ? (int)r : r > 0;
}

/* Every row of a domain (vdeldomain); the table may be missing. */
static long long valias_drop_domain(mstate *st, const char *domain, vp_error *err)
{
	int rc = valias_probe(st, err);
	if (rc != 0)
		return rc;
	if (!st->have_valias)
		return 0;
	bparam prm[1] = { PS(domain) };
	return write_rows(st, S_VA_DEL_DOM, "DELETE FROM valias WHERE domain = ?", prm, 1,
	                  RUN_IDEMPOTENT, err);
}

/* A value cut to what its column holds (characters; a log never fails a
 * login for being long). */
static const char *vl_cut(const mstate *st, int col, const char *v, char *buf, size_t size)
{
	unsigned long max = st->vl[col].maxlen, n = 0;
	size_t i;
	if (!v)
		return "";
	if (max == 0)
		return v;
	for (i = 0; v[i]; i++) {
		if (((unsigned char)v[i] & 0xC0) != 0x80 && ++n > max)
			break;
	}
	if (v[i] == '\0')
		return v;
	if (i >= size)
		i = size - 1;
	memcpy(buf, v, i);
	buf[i] = '\0';
	return buf;
}

static int m_vlog_add(void *p, const vp_store_vlog *r, vp_error *err)
{
	mstate *st = p;
	int rc = connect_now(st, err);
	if (rc != 0)
		return rc;
	if (!st->vl_probed) {
		if ((rc = probe_table(st, "vlog", vlog_cols, st->vl, VL_N, &st->have_vlog, err)) != 0)
			return rc;
		if (!st->have_vlog && !st->in_txn) {
			if ((rc = create(st, sql_create_vlog, err)) != 0 ||
			    (rc = probe_table(st, "vlog", vlog_cols, st->vl, VL_N, &st->have_vlog, err)) != 0)
				return rc;
		}
		if (!st->have_vlog)
			return vp_fail(err, VA_BAD_CONFIG, "no vlog table");
		st->vl_probed = 1;
	}
	char b[5][1024];
	bparam prm[7] = {
		PS(vl_cut(st, VL_USER, r->user, b[0], sizeof b[0])),
		PS(vl_cut(st, VL_DOMAIN, r->domain, b[1], sizeof b[1])),
		PS(vl_cut(st, VL_LOGON, r->logon, b[2], sizeof b[2])),
		PS(vl_cut(st, VL_IP, r->remoteip, b[3], sizeof b[3])),
		PS(vl_cut(st, VL_MESSAGE, r->message, b[4], sizeof b[4])),
		PI(r->error), PI(r->time),
	};
	/* passwd: never the attempted password (vpopmail stores it in clear).
	 * Sent ahead as the login's lastauth row is: the login does not wait
	 * for the commit's log flush; the next statement reads the answer. */
	long long n = write_rows(st, S_VL_ADD, "INSERT INTO vlog ( user, passwd, domain, logon, "
	                         "remoteip, message, error, timestamp ) VALUES ( ?, '', ?, ?, ?, ?, ?, ? )",
	                         prm, 7, st->in_txn ? 0 : RUN_ASYNC, err);
	return n < 0 ? (int)n : 0;
}
