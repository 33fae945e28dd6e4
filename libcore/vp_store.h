/*
 * vp_store.h: where accounts live (vpopmail's "auth module"), behind one
 * driver table.
 *
 * Everything that depends on the backend goes through a vp_store: user
 * records, the directory-hashing counters (.dir-control files / dir_control
 * rows), the last-login record (lastauth files / rows), the alias-domain
 * table, the store's part of creating and deleting a domain, and the
 * transaction around one operation.  The qmail side (assign, users/cdb,
 * rcpthosts, ...), domain directories, Maildirs and .qmail files are not the
 * store's business: callers resolve a domain through users/assign as today
 * and hand the store the resolved vp_domain_info (real domain, dir, uid, gid).
 *
 * Shape (after SQLite's VFS and Dovecot's passdb drivers): a driver is a
 * static const table of function pointers with its name first; a handle
 * (vp_store) pairs the table with the driver's private state.  Callers use
 * the vp_store_*() wrappers only, never the slots: the wrappers refuse a
 * closed handle, answer for a NULL slot, and keep the transaction flag.
 *
 * Ownership and threads:
 *  - vp_store_open copies nothing it does not need later: cfg and opt must
 *    outlive the handle.  The handle owns its connection; vp_store_close
 *    frees everything (and wipes the password it read).
 *  - A handle is used by one thread at a time: one handle per thread (ZTS)
 *    or per process.  There is no global state in libcore; the client
 *    library's own one-time init is vp_store_library_init/_end (call them
 *    from MINIT/MSHUTDOWN, or let the first open do the init).
 *  - Never share a handle across fork(): the child opens its own.
 *  - Opening does no I/O; the first call connects (after php-fpm forked).
 *  - Output structs and buffers belong to the caller.  Callbacks get
 *    pointers valid for the duration of the call only, and must not call
 *    the same handle (a listing streams rows off its connection).
 *
 * Return convention as in vpcore.h: 0 (or 1 found / 0 not found for
 * lookups), negative VA_* code with err filled.  A store that cannot be
 * reached answers VA_NO_AUTH_CONNECTION quickly (a connect timeout), never
 * hangs.  Names given to the store are already normalised (lowercase, valid)
 * by the caller; the store compares them byte for byte (a database collation
 * that would equate "Bob", "bob" and "bob " is not allowed to).
 */
#ifndef VP_STORE_H
#define VP_STORE_H

#include "vpcore.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vp_store vp_store;
typedef struct vp_store_driver vp_store_driver;

/* Driver settings that vp_config does not carry (yet). */
enum vp_store_layout {
	VP_STORE_LAYOUT_AUTO = 0,    /* follow the tables that exist; an empty database: MANY */
	VP_STORE_LAYOUT_MANY,        /* one `vpopmail` table for all domains (vpopmail's default) */
	VP_STORE_LAYOUT_PER_DOMAIN   /* --disable-many-domains: one table per domain */
};
/* vpopmail's --enable-mysql-limits: domain limits in the `limits` table
 * instead of <domaindir>/.qmailadmin-limits. */
enum vp_store_limits {
	VP_STORE_LIMITS_AUTO = 0,    /* the table when it exists (such a build creates it at its
	                                first vadddomain), else the files */
	VP_STORE_LIMITS_TABLE,       /* always the table (created, as vpopmail does, when missing) */
	VP_STORE_LIMITS_FILES        /* never the table: .qmailadmin-limits as on cdb */
};
typedef struct vp_store_options {
	const char *mysql_config;    /* vpopmail.mysql; NULL: <vpopmail_dir>/etc/vpopmail.mysql */
	const char *mysql_socket;    /* socket path for host localhost and port 0; NULL:
	                                Connector/C's default (MYSQL_UNIX_PORT, else compiled in) */
	int connect_timeout;         /* seconds; 0: 5.  Also bounds each read and write */
	enum vp_store_layout layout; /* a stated layout that contradicts the tables is refused */
	enum vp_store_limits limits; /* where domain limits live (vp_store_limits_* below) */
	/* vpopmail.mysql with a second line (replication): how a read that
	 * follows a write of the same request sees it */
	enum vp_store_raw {
		VP_STORE_RAW_PRIMARY = 0, /* reads go to the update server until end_request */
		VP_STORE_RAW_GTID         /* the replica waits for the write's GTID (at most
		                             gtid_wait_ms, then the update server answers) */
	} read_after_write;
	int gtid_wait_ms;            /* 0: 1000 */
} vp_store_options;

/* Capabilities (vp_store_driver.caps). */
#define VP_STORE_CAP_TXN 0x01     /* rollback undoes everything since begin */
#define VP_STORE_CAP_ALIASES 0x02 /* keeps an alias-domain table of its own */

/* Which fields vp_store_user_update writes. */
#define VP_STORE_F_PASSWD 0x01
#define VP_STORE_F_UID 0x02       /* uid_flag (pw_uid / vpasswd field 3) */
#define VP_STORE_F_FLAGS 0x04     /* flags (pw_gid / field 4) */
#define VP_STORE_F_GECOS 0x08
#define VP_STORE_F_DIR 0x10
#define VP_STORE_F_QUOTA 0x20     /* pw_shell / field 7 */
#define VP_STORE_F_CLEAR 0x40     /* clear / has_clear (written only where it can be) */
#define VP_STORE_F_ALL 0x7F

/* vp_store_user_get flags. */
#define VP_STORE_GET_LOCK 0x01    /* inside a transaction: lock the record until commit */

/* Tables (or files) an operation will touch: vp_store_begin makes sure they
 * exist before the transaction starts (SQL DDL would commit it). */
#define VP_STORE_NEED_DIRC 0x01
#define VP_STORE_NEED_LASTAUTH 0x02
#define VP_STORE_NEED_ALIASES 0x04
#define VP_STORE_NEED_LIMITS 0x08  /* the `limits` table (only when it is used) */

/* A directory-hashing counter: a domain's user counter, or (dom NULL) the
 * domains counter of one owner (cdb: domains/.dir-control, mysql: the
 * dom_<uid> row). */
typedef struct vp_store_counter {
	const vp_domain_info *dom;
	uid_t uid;
	gid_t gid;
} vp_store_counter;

/* The last-login record, as vp_user_info reports it. */
typedef struct vp_store_lastauth {
	int state;               /* 0 none, 1 created ("0.0.0.0"), 2 logged in */
	long long time;          /* unix time */
	char ip[64];
} vp_store_lastauth;

/* What phpinfo and the tests want to know. */
typedef struct vp_store_info {
	const char *driver;      /* "mysql" */
	char server[300];        /* "localhost via socket /path", "db.example:3306" */
	char database[128];
	enum vp_store_layout layout; /* AUTO until the first connect */
	int clear_column;        /* -1 unknown, 0 no pw_clear_passwd, 1 present */
	int connected;
	unsigned long connects;  /* successful connects so far (1 + reconnects) */
	unsigned long sent_ahead; /* statements sent without waiting (a login's lastauth) */
	/* replication (a second line in vpopmail.mysql): server is the one for
	 * reads, write_server the one for updates; "" without a second line */
	char write_server[300];
	int read_up, write_up;   /* -1 not tried yet, 0 the last connect failed, 1 connected */
} vp_store_info;

/* Change a counter in place (vp_dirc_inc, a decrement, ...).  existed: the
 * store had the counter (else dc is vp_dirc_init's state).  Returns 0 to
 * write dc back, VP_STORE_DIRC_KEEP to write nothing, or a VA code (nothing
 * is written). */
#define VP_STORE_DIRC_KEEP 1
typedef int (*vp_store_dirc_fn)(void *ctx, vp_dir_control *dc, int existed, vp_error *err);
typedef int (*vp_store_name_cb)(void *ctx, const char *name);
/* One valias row: its alias and delivery line. */
typedef int (*vp_store_valias_cb)(void *ctx, const char *alias, const char *line, size_t len);

/* One login-log row (vpopmail's vlog).  error is vchkpw's VLOG_* code. */
#define VP_VLOG_INTERNAL 0   /* something else went wrong */
#define VP_VLOG_LOGON 1      /* no such user or domain */
#define VP_VLOG_AUTH 2       /* logged in */
#define VP_VLOG_PASSWD 3     /* wrong password */
#define VP_VLOG_ACCESS 4     /* the service is disabled for the user */
typedef struct vp_store_vlog {
	const char *user, *domain, *logon, *remoteip, *message;
	int error;
	long long time;
} vp_store_vlog;

/*
 * The driver table.  `st` is the driver's state from open.  A NULL slot
 * means "this store has no such thing"; the wrapper answers (see each).
 * Drivers are reached only through the wrappers below.
 */
struct vp_store_driver {
	const char *name;
	unsigned caps;
	int uid_flag_pop;        /* what the module writes as the uid field for a POP
	                            user (cdb 1, mysql 0); APOP is one more */
	int (*open)(const vp_config *cfg, const vp_store_options *opt, void **st, vp_error *err);
	void (*close)(void *st);
	void (*info)(void *st, vp_store_info *out);
	int (*ping)(void *st, vp_error *err);

	int (*begin)(void *st, const vp_domain_info *dom, unsigned need, vp_error *err);
	int (*commit)(void *st, vp_error *err);
	int (*rollback)(void *st, vp_error *err);

	int (*user_auth_get)(void *st, const vp_domain_info *dom, const char *name,
	                     vp_user_entry *out, char *decoy, size_t dsize, vp_error *err);
	int (*user_get)(void *st, const vp_domain_info *dom, const char *name, unsigned flags,
	                vp_user_entry *out, vp_error *err);
	int (*user_add)(void *st, const vp_domain_info *dom, const vp_user_entry *e, vp_error *err);
	int (*user_del)(void *st, const vp_domain_info *dom, const char *name, vp_error *err);
	int (*user_update)(void *st, const vp_domain_info *dom, const vp_user_entry *e,
	                   unsigned fields, vp_error *err);
	int (*user_list)(void *st, const vp_domain_info *dom, unsigned long offset,
	                 unsigned long limit, vp_user_cb cb, void *ctx, vp_error *err);
	int (*user_count)(void *st, const vp_domain_info *dom, unsigned long *count, vp_error *err);

	int (*dirc_get)(void *st, const vp_store_counter *c, vp_dir_control *out, vp_error *err);
	int (*dirc_update)(void *st, const vp_store_counter *c, vp_store_dirc_fn fn, void *ctx,
	                   vp_dir_control *out, vp_error *err);
	int (*dirc_del)(void *st, const vp_store_counter *c, vp_error *err);

	int (*lastauth_set)(void *st, const vp_domain_info *dom, const vp_user_entry *e,
	                    const char *ip, long long when, vp_error *err);
	int (*lastauth_get)(void *st, const vp_domain_info *dom, const vp_user_entry *e,
	                    vp_store_lastauth *out, vp_error *err);
	int (*lastauth_del)(void *st, const vp_domain_info *dom, const char *name, vp_error *err);

	int (*alias_add)(void *st, const char *realdomain, const char *alias, vp_error *err);
	int (*alias_del)(void *st, const char *alias, vp_error *err);
	int (*alias_get)(void *st, const char *alias, char *real, size_t size, vp_error *err);
	int (*alias_list)(void *st, const char *realdomain, vp_store_name_cb cb, void *ctx,
	                  vp_error *err);

	int (*domain_create)(void *st, const vp_domain_info *dom, vp_error *err);
	int (*domain_drop)(void *st, const vp_domain_info *dom, vp_error *err);

	int (*limits_used)(void *st, vp_error *err);
	int (*limits_get)(void *st, const vp_domain_info *dom, unsigned flags, vp_limits *out,
	                  vp_error *err);
	int (*limits_put)(void *st, const vp_domain_info *dom, const vp_limits *lim, vp_error *err);
	int (*limits_del)(void *st, const vp_domain_info *dom, vp_error *err);
	/* the request (PHP: RSHUTDOWN) is over: its reads-after-writes state goes */
	void (*end_request)(void *st);
	/* 1: the last commit got no answer (it may have happened) */
	int (*commit_unknown)(void *st);

	/* valias and vlog (issue 14; see "aliases and the login log" below) */
	int (*valias_ensure)(void *st, vp_error *err);
	int (*valias_get)(void *st, const char *domain, const char *alias, unsigned flags,
	                  vp_store_valias_cb cb, void *ctx, vp_error *err);
	int (*valias_add)(void *st, const char *domain, const char *alias, const char *line,
	                  vp_error *err);
	int (*valias_del)(void *st, const char *domain, const char *alias, vp_error *err);
	int (*vlog_add)(void *st, const vp_store_vlog *r, vp_error *err);
};

/* The handle the operations use: cfg->store for the mysql backend, NULL for
 * cdb (whose code paths stay the file code they were).  Each operation asks
 * this once and branches there. */
static inline vp_store *vp_cfg_store(const vp_config *cfg)
{
	return cfg && cfg->backend == VP_BACKEND_MYSQL ? cfg->store : NULL;
}

/* ---- drivers and handles (vp_store.c) ---- */
extern const vp_store_driver vp_store_mysql_driver;  /* vp_store_mysql.c */
/* "mysql" (later "cdb"); NULL when unknown. */
const vp_store_driver *vp_store_find(const char *name);
void vp_store_library_init(void);  /* once per process, before threads (MINIT) */
void vp_store_library_end(void);   /* once, when no handle is left (MSHUTDOWN) */

/* Parses the configuration (no connection yet). */
int vp_store_open(const vp_store_driver *drv, const vp_config *cfg, const vp_store_options *opt,
                  vp_store **out, vp_error *err);
void vp_store_close(vp_store *s);  /* rolls back an open transaction; NULL is fine */
void vp_store_info_get(vp_store *s, vp_store_info *out);
/* Connect now if needed and check the schema: 0 or VA_NO_AUTH_CONNECTION / VA code. */
int vp_store_ping(vp_store *s, vp_error *err);
unsigned vp_store_caps(const vp_store *s);
/* The uid field a new user gets (vadduser's apop argument). */
int vp_store_new_uid_flag(const vp_store *s, int apop);

/* ---- one operation's transaction ----
 * begin: dom is the domain whose records the operation changes (cdb takes
 * its .vpasswd.lock; NULL: none), need the VP_STORE_NEED_* tables it will
 * touch.  Without VP_STORE_CAP_TXN, rollback undoes nothing: the caller
 * keeps its own undo steps; with it, the caller must NOT undo by hand (a
 * restored old value would clobber a concurrent change).  A lost connection
 * inside a transaction is not retried: VA_NO_AUTH_CONNECTION, the caller
 * rolls back and may redo the whole operation.  A deadlock or lock wait
 * timeout gives VA_FILE_BUSY (the transaction is gone: roll back, redo).
 * Calls outside begin/commit run on their own (autocommit). */
int vp_store_begin(vp_store *s, const vp_domain_info *dom, unsigned need, vp_error *err);
int vp_store_commit(vp_store *s, vp_error *err);
int vp_store_rollback(vp_store *s, vp_error *err);
int vp_store_in_txn(const vp_store *s);
/* After a failed commit: 1 when it got no answer (the connection was lost
 * while it ran), so it may have committed; the caller must then not undo
 * what it did outside the store (a row would lose its Maildir) and should
 * re-read to learn the outcome.  0: it surely did not commit. */
int vp_store_commit_unknown(vp_store *s);
/* After an unknown commit: the record as the primary has it now, read in a
 * transaction of its own (never from a lagging replica), tried again for
 * about 3 s while the server comes back.  1 found (out filled), 0 not
 * there, <0 still cannot tell. */
int vp_store_recheck_user(vp_store *s, const vp_domain_info *dom, const char *name,
                          vp_user_entry *out, vp_error *err);
/* The end of one request on a handle kept across requests: a later read no
 * longer has to see this request's writes (replication: it may go back to
 * the replica).  NULL is fine. */
void vp_store_end_request(vp_store *s);

/* ---- user records ----
 * uid_flag, flags, quota and the rest are stored as given.  clear/has_clear
 * is written only when the store can hold it (mysql: a pw_clear_passwd
 * column) and the caller set has_clear; otherwise no clear text is written
 * (mysql: the column, when present, is set NULL).  An update of the
 * password always rewrites the clear field too (so no stale clear text
 * outlives a password change).  get: 1 / 0 / <0.  add:
 * VA_USERNAME_EXISTS for a duplicate.  del and update: VA_USER_DOES_NOT_EXIST
 * when there is no such record.  A value longer than the store's column is
 * refused with the field's VA_*_TOO_LONG and a message naming the column;
 * nothing is written then (the schema is never altered). */
int vp_store_user_get(vp_store *s, const vp_domain_info *dom, const char *name, unsigned flags,
                      vp_user_entry *out, vp_error *err);
/* A login's lookup: as vp_store_user_get, and in the same statement (the
 * same reads whether the name exists or not) the stored hash of the
 * domain's postmaster into decoy, what an unknown name is checked against
 * ("" when there is none).  Without the driver's: user_get, decoy "". */
int vp_store_user_auth_get(vp_store *s, const vp_domain_info *dom, const char *name,
                           vp_user_entry *out, char *decoy, size_t dsize, vp_error *err);
int vp_store_user_add(vp_store *s, const vp_domain_info *dom, const vp_user_entry *e,
                      vp_error *err);
int vp_store_user_del(vp_store *s, const vp_domain_info *dom, const char *name, vp_error *err);
int vp_store_user_update(vp_store *s, const vp_domain_info *dom, const vp_user_entry *e,
                         unsigned fields, vp_error *err);
/* Sorted by name in the store's own order (mysql: the column's collation,
 * as vpopmail lists), `limit` of them (0: all) after skipping `offset`; cb
 * returns nonzero to stop. */
int vp_store_user_list(vp_store *s, const vp_domain_info *dom, unsigned long offset,
                       unsigned long limit, vp_user_cb cb, void *ctx, vp_error *err);
int vp_store_user_count(vp_store *s, const vp_domain_info *dom, unsigned long *count,
                        vp_error *err);

/* ---- directory-hashing counters ----
 * get: 1 and the state / 0 and vp_dirc_init's state when there is none.
 * update: reads the counter (vp_dirc_init's state when missing), locked
 * until the end of the transaction (its own one outside begin/commit), lets
 * fn change it and writes it back: concurrent updates never lose one.  out
 * (may be NULL) gets the state written.  next/dec are the two updates the
 * operations use: vp_dirc_inc (bucket of the new entry in out->bucket), and
 * cur_users - 1 (floor 0; a missing counter stays missing). */
int vp_store_dirc_get(vp_store *s, const vp_store_counter *c, vp_dir_control *out,
                      vp_error *err);
int vp_store_dirc_update(vp_store *s, const vp_store_counter *c, vp_store_dirc_fn fn, void *ctx,
                         vp_dir_control *out, vp_error *err);
int vp_store_dirc_next(vp_store *s, const vp_store_counter *c, vp_dir_control *out,
                       vp_error *err);
int vp_store_dirc_dec(vp_store *s, const vp_store_counter *c, vp_error *err);
int vp_store_dirc_del(vp_store *s, const vp_store_counter *c, vp_error *err);

/* ---- last login ----
 * set: ip NULL or "" means "0.0.0.0" (the record written at creation).
 * e gives the name (and, for cdb, the home).  get: 1 / 0 (state 0). */
int vp_store_lastauth_set(vp_store *s, const vp_domain_info *dom, const vp_user_entry *e,
                          const char *ip, long long when, vp_error *err);
int vp_store_lastauth_get(vp_store *s, const vp_domain_info *dom, const vp_user_entry *e,
                          vp_store_lastauth *out, vp_error *err);
int vp_store_lastauth_del(vp_store *s, const vp_domain_info *dom, const char *name,
                          vp_error *err);

/* ---- alias domains (mysql: table aliasdomains; cdb: none, users/assign is
 * the only record and these are no-ops answering 0) ----
 * add: the alias now points at realdomain.  get: 1 and the real domain / 0. */
int vp_store_alias_add(vp_store *s, const char *realdomain, const char *alias, vp_error *err);
int vp_store_alias_del(vp_store *s, const char *alias, vp_error *err);
int vp_store_alias_get(vp_store *s, const char *alias, char *real, size_t size, vp_error *err);
int vp_store_alias_list(vp_store *s, const char *realdomain, vp_store_name_cb cb, void *ctx,
                        vp_error *err);

/* ---- a domain's part of the store ----
 * create: the tables a new domain needs (mysql: vpopmail's CREATE TABLE IF
 * NOT EXISTS; DDL, so never inside a transaction).  drop: every record of
 * the domain: users, lastauth, its dir_control row, its alias-domain rows
 * (as the alias and as the real domain).  The domains counter is the
 * caller's (vp_store_dirc_dec with dom NULL).  Inside a transaction the
 * rows go with it; a per-domain table is emptied there and dropped after
 * the commit. */
int vp_store_domain_create(vp_store *s, const vp_domain_info *dom, vp_error *err);
int vp_store_domain_drop(vp_store *s, const vp_domain_info *dom, vp_error *err);

/* ---- domain limits (mysql: vpopmail's --enable-mysql-limits `limits` table) ----
 * used: 1 when this store keeps the domain limits (then .qmailadmin-limits
 * is not read), 0 when the files do (cdb; mysql without the table), <0.
 * get: 1 and the row (columns read by name; a column the table lacks keeps
 * vp_limits_init's value) / 0 no row (the caller falls back to
 * vlimits.default) / <0; VP_STORE_GET_LOCK inside a transaction locks it.
 * put: replaces the domain's row (a value its column cannot hold is refused
 * with VA_PARSE_ERROR naming the column; nothing is written).  del: no row
 * is success.  Inside a transaction put needs VP_STORE_NEED_LIMITS in begin
 * (the table is created outside it, as vpopmail creates it). */
int vp_store_limits_used(vp_store *s, vp_error *err);
int vp_store_limits_get(vp_store *s, const vp_domain_info *dom, unsigned flags, vp_limits *out,
                        vp_error *err);
int vp_store_limits_put(vp_store *s, const vp_domain_info *dom, const vp_limits *lim,
                        vp_error *err);
int vp_store_limits_del(vp_store *s, const vp_domain_info *dom, vp_error *err);

/* ---- aliases and the login log in SQL (issue 14: vpopmail's --enable-valias
 * and --enable-sql-logging; stores without them answer VA_BAD_CONFIG) ----
 * valias: one row per delivery line (alias as given, domain, the line
 * verbatim), insertion order kept (id).  Where the table has vpopmail's
 * defaultdelivery columns, valias_type is 1 for a forward ("addr",
 * "&addr") and 0 for a local delivery ('/', '.', '|'), and the forwards of
 * an alias get copy = 1 while it also delivers locally (copy and redirect),
 * else 0.
 * ensure: create the table (vpopmail's text) if missing; DDL, so outside a
 * transaction, before begin.  get: alias NULL lists the whole domain,
 * ordered by alias (bytewise) then insertion; the rows are read before the
 * first callback, so cb may call the store.  VP_STORE_VALIAS_LOCK inside a
 * transaction locks the rows read.  A missing table reads as empty.
 * add: appends one row.  del: the alias's rows (alias NULL: the domain's);
 * 1 when rows went, 0 when there were none.
 * vlog_add: one INSERT of r (vpopmail's columns; passwd is written as the
 * empty string, never the attempted password), the table created first when
 * missing and no transaction is open. */
#define VP_STORE_VALIAS_LOCK 0x01
int vp_store_valias_ensure(vp_store *s, vp_error *err);
int vp_store_valias_get(vp_store *s, const char *domain, const char *alias, unsigned flags,
                        vp_store_valias_cb cb, void *ctx, vp_error *err);
int vp_store_valias_add(vp_store *s, const char *domain, const char *alias, const char *line,
                        vp_error *err);
int vp_store_valias_del(vp_store *s, const char *domain, const char *alias, vp_error *err);
int vp_store_vlog_add(vp_store *s, const vp_store_vlog *r, vp_error *err);

/* ---- the mysql driver's pieces the tests reach (vp_store_mysql.c) ---- */
typedef struct vp_mysql_conf {
	char host[256];
	unsigned port;
	char user[128];
	char password[256];
	char database[128];
} vp_mysql_conf;
/* vpopmail.mysql: the first line that is neither blank nor a '#' comment,
 * server|port|user|password|database (5 fields; trailing blanks and CR
 * dropped; an empty port is 0).  0, VA_PARSE_ERROR (with the line number),
 * or the read error. */
int vp_mysql_conf_parse(const char *text, size_t len, vp_mysql_conf *out, vp_error *err);
int vp_mysql_conf_read(const char *path, vp_mysql_conf *out, vp_error *err);
/* Both servers (vpopmail's --enable-mysql-replication layout): out[0] the
 * first line (reads), out[1] the next one (updates) when *n is 2. */
int vp_mysql_conf_parse_all(const char *text, size_t len, vp_mysql_conf out[2], int *n,
                            vp_error *err);
int vp_mysql_conf_read_all(const char *path, vp_mysql_conf out[2], int *n, vp_error *err);
/* The per-domain table of --disable-many-domains: '.' and '-' become '_'.
 * Only [a-z0-9_] may result (a normalised domain gives nothing else), at
 * most 64 characters: 0, or VA_INVALID_DOMAIN_NAME / VA_DOMAIN_NAME_TOO_LONG. */
int vp_mysql_domain_table(const char *domain, char *out, size_t size, vp_error *err);

#ifdef __cplusplus
}
#endif
#endif
