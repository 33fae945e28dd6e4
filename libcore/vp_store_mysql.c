/*
 * vp_store_mysql.c: the mysql driver of vp_store.h, on vpopmail 5.6's SQL
 * tables (MariaDB Connector/C).
 *
 * Rows are written as vpopmail 5.6's mysql module writes them (see the
 * fixtures' MANIFEST): tables vpopmail (or one per domain), dir_control,
 * lastauth, aliasdomains.  Where it is weak we differ in how, not in what:
 *  - prepared statements with bound parameters only, no escaping anywhere.
 *    The one name built into SQL text is the per-domain table, made from a
 *    normalised domain by vp_mysql_domain_table ([a-z0-9_] only) and
 *    backquoted;
 *  - dir_control is read FOR UPDATE inside a transaction and written back
 *    before it ends, so concurrent adds never lose an increment (vpopmail
 *    reads and REPLACEs without a lock).  The session runs READ COMMITTED,
 *    so two first inserts of a missing row collide on the key (one waits,
 *    then reads the other's row) instead of deadlocking on gap locks;
 *  - tables are created on an empty database with vpopmail's own CREATE
 *    TABLE text (they inherit the database's charset, as vpopmail's do) and
 *    only when vpopmail would have them; an existing schema is never
 *    altered: a value longer than its column is refused before it is sent;
 *  - the connection is opened on first use, with a connect timeout that
 *    also bounds every read and write; a lost one (2006, 2013, 1927) is
 *    reopened once and the statement retried, unless a transaction was
 *    open or the statement might have run already (2013 on a write that is
 *    not idempotent): then VA_NO_AUTH_CONNECTION and the caller redoes the
 *    operation.
 * Lookups compare the stored name with the asked one byte for byte: the
 * tables' collation (utf8mb4_general_ci) would equate "Bob", "bob" and
 * "bob ".  Listings sort bytewise (CAST(... AS BINARY)), as the cdb side.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_store.h"

#include <errmsg.h>
#include <limits.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int vp_mysql_conf_parse(const char *text, size_t len, vp_mysql_conf *out, vp_error *err)
{
	const char *p = text, *end = text + len;
	unsigned lineno = 0;
	memset(out, 0, sizeof *out);
	while (p < end) {
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
		out->port = (unsigned)port;
		if (copy_field(out->host, sizeof out->host, f[0], fl[0]) != 0 ||
		    copy_field(out->user, sizeof out->user, f[2], fl[2]) != 0 ||
		    copy_field(out->password, sizeof out->password, f[3], fl[3]) != 0 ||
		    copy_field(out->database, sizeof out->database, f[4], fl[4]) != 0) {
			explicit_bzero(out, sizeof *out);
			return vp_fail(err, VA_PARSE_ERROR, "vpopmail.mysql line %u: a field is too long",
			               lineno);
		}
		return 0;
	}
	return vp_fail(err, VA_PARSE_ERROR, "vpopmail.mysql: no server|port|user|password|database line");
}

int vp_mysql_conf_read(const char *path, vp_mysql_conf *out, vp_error *err)
{
	char *data;
	size_t len;
	int rc = vp_read_file(path, &data, &len, 64 * 1024, err);
	if (rc == -1)
		return vp_fail(err, VA_NO_AUTH_CONNECTION, "%s: no such file", path);
	if (rc < 0)
		return rc;
	rc = vp_mysql_conf_parse(data, len, out, err);
	explicit_bzero(data, len);
	free(data);
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
	S_PROBE, S_DETECT,
	S_USER_GET, S_USER_GET_LOCK, S_USER_ADD, S_USER_DEL, S_USER_UPDATE, S_USER_LIST,
	S_USER_COUNT,
	S_DIRC_GET, S_DIRC_GET_LOCK, S_DIRC_INSERT, S_DIRC_UPDATE, S_DIRC_DEL,
	S_LA_SET, S_LA_GET, S_LA_DEL, S_LA_DEL_DOMAIN,
	S_AL_ADD, S_AL_DEL, S_AL_GET, S_AL_LIST, S_AL_DEL_DOMAIN,
	S_DOM_DEL_USERS,
	S_VA_GET, S_VA_GET_LOCK, S_VA_ALL, S_VA_ADD, S_VA_COPY, S_VA_DEL, S_VA_DEL_DOM, S_VL_ADD,
	S_COUNT
};

typedef struct mstate {
	const vp_config *cfg;
	vp_store_options opt;
	char conf_path[4096];
	vp_mysql_conf conf;
	int conf_loaded;

	MYSQL *m;
	int in_txn;
	int txn_lost;            /* the connection died inside the transaction */
	unsigned long connects;
	unsigned int last_errno; /* of the last failed statement */

	enum vp_store_layout layout; /* AUTO until probed */
	table_info many;         /* `vpopmail` */
	int have_dirc, have_lastauth, have_aliases;
	colinfo la[L_N], al[A_N], dc[D_N];
	table_slot tables[TABLE_CACHE];
	unsigned long tick;

	MYSQL_STMT *stmt[S_COUNT];
	char *stmt_sql[S_COUNT];

	char pending_drop[4][65]; /* per-domain tables to drop after the commit */
	int npending;

	/* valias / vlog (issue 14, section at the end): probed on first use */
	int va_probed, have_valias, have_vlog, vl_probed;
	colinfo va[5], vl[6];
} mstate;

/* ---- errors ---- */

static int conn_lost(unsigned int e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == ER_CONNECTION_KILLED;
}

static void drop_conn(mstate *st)
{
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
	int rc = vp_mysql_conf_read(st->conf_path, &st->conf, err);
	if (rc == 0)
		st->conf_loaded = 1;
	return rc;
}

static int probe(mstate *st, vp_error *err);

static int connect_now(mstate *st, vp_error *err)
{
	if (st->m)
		return 0;
	/* A new connection would run the rest of the operation outside its
	 * transaction: the caller must roll back first. */
	if (st->in_txn)
		return vp_fail(err, VA_NO_AUTH_CONNECTION, "the connection was lost in the transaction");
	int rc = load_conf(st, err);
	if (rc != 0)
		return rc;
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
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* Strict: a too long value fails instead of being cut.  READ COMMITTED:
	 * see the top of the file. */
	mysql_options(m, MYSQL_INIT_COMMAND,
	              "SET SESSION sql_mode='STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'");
	mysql_options(m, MYSQL_INIT_COMMAND, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
	const char *socket = NULL;
	if (strcmp(st->conf.host, "localhost") == 0)
		socket = st->opt.mysql_socket; /* NULL: Connector/C's default */
	if (!mysql_real_connect(m, st->conf.host, st->conf.user, st->conf.password,
	                        st->conf.database, st->conf.port, socket, CLIENT_FOUND_ROWS)) {
		unsigned int e = mysql_errno(m);
		rc = vp_fail(err, VA_NO_AUTH_CONNECTION, "mysql connect to %s: %u %s", st->conf.host, e,
		             mysql_error(m));
		st->last_errno = e;
		mysql_close(m);
		return rc;
	}
	st->m = m;
	st->connects++;
	rc = probe(st, err);
	if (rc != 0)
		drop_conn(st);
	return rc;
}

/* A plain statement (no parameters: DDL, transaction control, probes). */
static int query(mstate *st, const char *sql, int retry_ok, vp_error *err)
{
	for (int attempt = 0;; attempt++) {
		int rc = connect_now(st, err);
		if (rc != 0)
			return rc;
		if (mysql_real_query(st->m, sql, strlen(sql)) == 0) {
			MYSQL_RES *res = mysql_store_result(st->m);
			if (res)
				mysql_free_result(res);
			return 0;
		}
		unsigned int e = mysql_errno(st->m);
		if (conn_lost(e)) {
			int was_txn = st->in_txn;
			drop_conn(st);
			if (!was_txn && attempt == 0 && (retry_ok || e != CR_SERVER_LOST))
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

#define MAX_PARAMS 20

/* Prepare (or reuse) statement id for sql; execute it with p.  Retries once
 * after a lost connection when that is safe (see the top).  On success the
 * statement is returned, executed, results not yet bound. */
#define RUN_IDEMPOTENT 0x01
static int run(mstate *st, int id, const char *sql, const bparam *p, int np, int flags,
               MYSQL_STMT **out, vp_error *err)
{
	MYSQL_BIND b[MAX_PARAMS];
	unsigned long lens[MAX_PARAMS];
	my_bool nulls[MAX_PARAMS];
	if (np > MAX_PARAMS)
		return vp_fail(err, VA_BAD_CONFIG, "too many parameters");
	st->last_errno = 0;
	for (int attempt = 0;; attempt++) {
		int rc = connect_now(st, err);
		if (rc != 0)
			return rc;
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
			if ((np > 0 && mysql_stmt_bind_param(s, b) != 0) || mysql_stmt_execute(s) != 0) {
				e = mysql_stmt_errno(s);
				emsg = mysql_stmt_error(s);
			} else {
				*out = s;
				return 0;
			}
		}
		if (conn_lost(e)) {
			int was_txn = st->in_txn;
			drop_conn(st);
			if (!was_txn && attempt == 0 && ((flags & RUN_IDEMPOTENT) || e != CR_SERVER_LOST))
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

/* A write: the number of rows it matched, or <0. */
static long long write_rows(mstate *st, int id, const char *sql, const bparam *p, int np,
                            int flags, vp_error *err)
{
	MYSQL_STMT *s;
	int rc = run(st, id, sql, p, np, flags, &s, err);
	if (rc != 0)
		return rc;
	return (long long)mysql_stmt_affected_rows(s);
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

static int ensure_dirc(mstate *st, vp_error *err)
{
	int rc;
	if (st->have_dirc)
		return 0;
	if ((rc = create(st, sql_create_dirc, err)) != 0)
		return rc;
	return probe_table(st, "dir_control", dirc_cols, st->dc, D_N, &st->have_dirc, err);
}

static int ensure_lastauth(mstate *st, vp_error *err)
{
	int rc;
	if (st->have_lastauth)
		return 0;
	if ((rc = create(st, sql_create_lastauth, err)) != 0)
		return rc;
	return probe_table(st, "lastauth", lastauth_cols, st->la, L_N, &st->have_lastauth, err);
}

static int ensure_aliases(mstate *st, vp_error *err)
{
	int rc;
	if (st->have_aliases)
		return 0;
	if ((rc = create(st, sql_create_aliases, err)) != 0)
		return rc;
	return probe_table(st, "aliasdomains", alias_cols, st->al, A_N, &st->have_aliases, err);
}

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
	drop_conn(st);
	explicit_bzero(&st->conf, sizeof st->conf);
	free(st);
}

static void m_info(void *p, vp_store_info *out)
{
	mstate *st = p;
	vp_error ignored;
	if (load_conf(st, &ignored) == 0) {
		if (strcmp(st->conf.host, "localhost") == 0 && st->conf.port == 0)
			snprintf(out->server, sizeof out->server, "localhost via socket %s",
			         st->opt.mysql_socket ? st->opt.mysql_socket : "(default)");
		else
			snprintf(out->server, sizeof out->server, "%s:%u", st->conf.host,
			         st->conf.port ? st->conf.port : 3306);
		snprintf(out->database, sizeof out->database, "%s", st->conf.database);
	}
	out->layout = st->m ? st->layout : VP_STORE_LAYOUT_AUTO;
	out->clear_column = !st->m ? -1 : st->layout == VP_STORE_LAYOUT_MANY
		? st->many.col[C_CLEAR].present : -1;
	out->connected = st->m != NULL;
	out->connects = st->connects;
}

static int m_ping(void *p, vp_error *err)
{
	mstate *st = p;
	int rc = connect_now(st, err);
	if (rc != 0)
		return rc;
	if (mysql_ping(st->m) == 0)
		return 0;
	if (st->in_txn)
		return sql_fail(st, mysql_errno(st->m), mysql_error(st->m), VA_NO_AUTH_CONNECTION, err,
		                "ping");
	drop_conn(st);
	return connect_now(st, err);
}

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
	    ((need & VP_STORE_NEED_ALIASES) && (rc = ensure_aliases(st, err)) != 0))
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
	if (st->txn_lost || !st->m) {
		end_txn(st);
		st->npending = 0;
		return vp_fail(err, VA_NO_AUTH_CONNECTION, "the connection was lost in the transaction");
	}
	int rc = 0;
	if (mysql_commit(st->m) != 0) {
		unsigned int e = mysql_errno(st->m);
		rc = sql_fail(st, e, mysql_error(st->m), VA_COULD_NOT_UPDATE_FILE, err, "commit");
		if (conn_lost(e))
			drop_conn(st);
		end_txn(st);
		st->npending = 0;
		return rc;
	}
	end_txn(st);
	/* Emptied in the transaction; an empty table left behind is harmless. */
	for (int i = 0; i < st->npending; i++) {
		char sql[128];
		vp_error ignored;
		snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS `%s`", st->pending_drop[i]);
		if (query(st, sql, 1, &ignored) == 0)
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

/* The key column compared bytewise too (the index still finds the row). */
#define NAME_EXACT "CAST(pw_name AS BINARY) = CAST(? AS BINARY)"

static const char *dom_name(const vp_domain_info *dom)
{
	return dom->realdomain[0] ? dom->realdomain : dom->name;
}

/* "pw_name, pw_passwd, ... [, pw_clear_passwd]" as this table has them. */
static void select_cols(const utable *u, char *out, size_t size)
{
	snprintf(out, size, "pw_name, pw_passwd, pw_uid, pw_gid, pw_gecos, pw_dir, pw_shell%s",
	         u->t->col[C_CLEAR].present ? ", pw_clear_passwd" : "");
}

/* Result columns of select_cols into e. */
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
	char cols[160], sql[512];
	int rc = user_table(st, dom, &u, err);
	memset(out, 0, sizeof *out);
	if (rc != 0)
		return rc;
	if (!u.t->exists)
		return 0;
	int lock = (flags & VP_STORE_GET_LOCK) && st->in_txn;
	select_cols(&u, cols, sizeof cols);
	bparam prm[2] = { PS(name), PS(dom_name(dom)) };
	if (u.many)
		snprintf(sql, sizeof sql, "SELECT %s FROM `vpopmail` WHERE pw_name = ? AND pw_domain = ?%s",
		         cols, lock ? " FOR UPDATE" : "");
	else
		snprintf(sql, sizeof sql, "SELECT %s FROM `%s` WHERE pw_name = ?%s", cols, u.name,
		         lock ? " FOR UPDATE" : "");
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

/* Every value of e the row gets must fit its column. */
static int user_fits(const utable *u, const vp_domain_info *dom, const vp_user_entry *e,
                     unsigned fields, int clear, vp_error *err)
{
	const colinfo *c = u->t->col;
	const char *t = u->name;
	int rc;
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
	int rc = user_table(st, dom, &u, err);
	if (rc != 0)
		return rc;
	if (!u.t->exists)
		return missing_table(&u, dom, err);
	int clear = u.t->col[C_CLEAR].present;
	int clear_val = clear && e->has_clear;
	if ((rc = user_fits(&u, dom, e, VP_STORE_F_ALL, clear_val, err)) != 0)
		return rc;
	bparam prm[9];
	int n = 0;
	prm[n++] = PS(e->name);
	if (u.many)
		prm[n++] = PS(dom_name(dom));
	prm[n++] = PS(e->passwd);
	prm[n++] = PI(e->uid_flag);
	prm[n++] = PI(e->flags);
	prm[n++] = PS(e->gecos);
	prm[n++] = PS(e->dir);
	prm[n++] = PS(e->quota);
	if (clear)
		prm[n++] = clear_val ? PS(e->clear) : PNULL;
	snprintf(sql, sizeof sql,
	         "INSERT INTO `%s` ( pw_name, %spw_passwd, pw_uid, pw_gid, pw_gecos, pw_dir, pw_shell%s ) "
	         "VALUES ( ?, %s?, ?, ?, ?, ?, ?%s )",
	         u.name, u.many ? "pw_domain, " : "", clear ? ", pw_clear_passwd" : "",
	         u.many ? "?, " : "", clear ? ", ?" : "");
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
	/* The exact name: the collation alone would also match "Bob " for "bob". */
	bparam prm[3] = { PS(name), PS(name), PS(dom_name(dom)) };
	snprintf(sql, sizeof sql, "DELETE FROM `%s` WHERE pw_name = ? AND " NAME_EXACT "%s", u.name,
	         u.many ? " AND pw_domain = ?" : "");
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
	char sql[640];
	int rc = user_table(st, dom, &u, err);
	if (rc != 0)
		return rc;
	if (!u.t->exists)
		return vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", e->name, dom_name(dom));
	int clear = clear_written(&u, fields);
	int clear_val = clear && e->has_clear;
	if ((rc = user_fits(&u, dom, e, fields, clear_val, err)) != 0)
		return rc;
	bparam prm[11];
	int n = 0;
	size_t len = (size_t)snprintf(sql, sizeof sql, "UPDATE `%s` SET ", u.name);
	static const struct { unsigned f; const char *col; } map[] = {
		{ VP_STORE_F_PASSWD, "pw_passwd" }, { VP_STORE_F_UID, "pw_uid" },
		{ VP_STORE_F_FLAGS, "pw_gid" }, { VP_STORE_F_GECOS, "pw_gecos" },
		{ VP_STORE_F_DIR, "pw_dir" }, { VP_STORE_F_QUOTA, "pw_shell" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (!(fields & map[i].f))
			continue;
		len += (size_t)snprintf(sql + len, sizeof sql - len, "%s%s = ?", n ? ", " : "",
		                        map[i].col);
		switch (map[i].f) {
		case VP_STORE_F_PASSWD: prm[n++] = PS(e->passwd); break;
		case VP_STORE_F_UID: prm[n++] = PI(e->uid_flag); break;
		case VP_STORE_F_FLAGS: prm[n++] = PI(e->flags); break;
		case VP_STORE_F_GECOS: prm[n++] = PS(e->gecos); break;
		case VP_STORE_F_DIR: prm[n++] = PS(e->dir); break;
		default: prm[n++] = PS(e->quota); break;
		}
	}
	if (clear) {
		len += (size_t)snprintf(sql + len, sizeof sql - len, "%spw_clear_passwd = ?",
		                        n ? ", " : "");
		prm[n++] = clear_val ? PS(e->clear) : PNULL;
	}
	if (n == 0)
		return 0; /* only a clear password, and nowhere to put it */
	prm[n++] = PS(e->name);
	prm[n++] = PS(e->name);
	snprintf(sql + len, sizeof sql - len, " WHERE pw_name = ? AND " NAME_EXACT "%s",
	         u.many ? " AND pw_domain = ?" : "");
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
	char cols[160], sql[512];
	int rc = user_table(st, dom, &u, err);
	if (rc != 0)
		return rc;
	if (!u.t->exists)
		return 0;
	select_cols(&u, cols, sizeof cols);
	if (u.many)
		snprintf(sql, sizeof sql, "SELECT %s FROM `vpopmail` WHERE pw_domain = ? "
		         "ORDER BY CAST(pw_name AS BINARY) LIMIT ? OFFSET ?", cols);
	else
		snprintf(sql, sizeof sql, "SELECT %s FROM `%s` ORDER BY CAST(pw_name AS BINARY) "
		         "LIMIT ? OFFSET ?", cols, u.name);
	bparam prm[3];
	int n = 0;
	if (u.many)
		prm[n++] = PS(dom_name(dom));
	prm[n++] = PI(limit ? (long long)limit : LLONG_MAX);
	prm[n++] = PI(offset > (unsigned long)LLONG_MAX ? LLONG_MAX : (long long)offset);
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
	if (u.many)
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM `vpopmail` WHERE pw_domain = ?");
	else
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM `%s`", u.name);
	long long n = 0;
	rcol r[1] = { RN(&n) };
	rc = select_one(st, S_USER_COUNT, sql, prm, u.many ? 1 : 0, r, 1, err);
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
	int rc = connect_now(st, err);
	if (rc != 0 || (rc = ensure_lastauth(st, err)) != 0)
		return rc;
	if ((rc = fits(&st->la[L_USER], "lastauth", "user", e->name, VA_USER_NAME_TOO_LONG, err)) != 0 ||
	    (rc = fits(&st->la[L_DOMAIN], "lastauth", "domain", dom_name(dom),
	               VA_DOMAIN_NAME_TOO_LONG, err)) != 0 ||
	    (rc = fits(&st->la[L_IP], "lastauth", "remote_ip", ip, VA_PARSE_ERROR, err)) != 0)
		return rc;
	bparam prm[4] = { PS(e->name), PS(dom_name(dom)), PS(ip), PI(when) };
	long long r = write_rows(st, S_LA_SET,
	                         "INSERT INTO lastauth ( user, domain, remote_ip, timestamp ) "
	                         "VALUES ( ?, ?, ?, ? ) ON DUPLICATE KEY UPDATE "
	                         "remote_ip = VALUES(remote_ip), timestamp = VALUES(timestamp)",
	                         prm, 4, RUN_IDEMPOTENT, err);
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
	const char *clear = st->cfg->clear_passwords ? TBL_CLEAR_COL : "";
	if (st->layout == VP_STORE_LAYOUT_MANY) {
		snprintf(sql, sizeof sql, "CREATE TABLE IF NOT EXISTS vpopmail ( " TBL_MANY_COLS
		         "%s, primary key (pw_name, pw_domain )  )", clear);
		if ((rc = query(st, sql, 1, err)) != 0 ||
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
	snprintf(sql, sizeof sql, "CREATE TABLE IF NOT EXISTS %s ( " TBL_ONE_COLS
	         "%s, primary key (pw_name )  )", table, clear);
	if ((rc = query(st, sql, 1, err)) != 0)
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
			               RUN_IDEMPOTENT, err);
		else {
			char sql[128];
			snprintf(sql, sizeof sql, "DELETE FROM `%s`", u.name);
			r = write_rows(st, S_DOM_DEL_USERS, sql, NULL, 0, RUN_IDEMPOTENT, err);
			if (r >= 0 && st->npending < 4)
				strcpy(st->pending_drop[st->npending++], u.name);
		}
	}
	if (r >= 0 && st->have_lastauth)
		r = write_rows(st, S_LA_DEL_DOMAIN, "DELETE FROM lastauth WHERE domain = ?", prm, 1,
		               RUN_IDEMPOTENT, err);
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
	/* passwd: never the attempted password (vpopmail stores it in clear) */
	long long n = write_rows(st, S_VL_ADD, "INSERT INTO vlog ( user, passwd, domain, logon, "
	                         "remoteip, message, error, timestamp ) VALUES ( ?, '', ?, ?, ?, ?, ?, ? )",
	                         prm, 7, 0, err);
	return n < 0 ? (int)n : 0;
}
