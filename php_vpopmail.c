/*
 * php_vpopmail.c: the PHP binding.  Each function parses its arguments,
 * builds a vp_config from the INI settings, calls one libcore function and
 * maps the result: false + E_WARNING + vpopmail_error() for failures,
 * ValueError for NUL bytes and out-of-range ids.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "php_ini.h"
#include "ext/standard/info.h"
#include "zend_attributes.h"
#include "zend_exceptions.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stddef.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "php_vpopmail.h"
#include "vpcore.h"
#include "vp_store.h"
#include "vp_convert.h"
#include "vpopmail_arginfo.h"

ZEND_DECLARE_MODULE_GLOBALS(vpopmail)

PHP_INI_BEGIN()
	STD_PHP_INI_ENTRY("vpopmail.directory", "/home/vpopmail", PHP_INI_SYSTEM, OnUpdateStringUnempty,
	                  directory, zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_ENTRY("vpopmail.qmail_dir", "/var/qmail", PHP_INI_SYSTEM, OnUpdateStringUnempty,
	                  qmail_dir, zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_ENTRY("vpopmail.uid", "", PHP_INI_SYSTEM, OnUpdateString, uid,
	                  zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_ENTRY("vpopmail.gid", "", PHP_INI_SYSTEM, OnUpdateString, gid,
	                  zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_ENTRY("vpopmail.password_scheme", "sha512", PHP_INI_SYSTEM, OnUpdateStringUnempty,
	                  password_scheme, zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_ENTRY("vpopmail.compat", "5.6", PHP_INI_SYSTEM, OnUpdateStringUnempty, compat,
	                  zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_ENTRY("vpopmail.qmail_reload", "none", PHP_INI_SYSTEM, OnUpdateStringUnempty,
	                  qmail_reload, zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_BOOLEAN("vpopmail.clear_passwords", "0", PHP_INI_SYSTEM, OnUpdateBool,
	                    clear_passwords, zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_BOOLEAN("vpopmail.allow_program_aliases", "0", PHP_INI_SYSTEM, OnUpdateBool,
	                    allow_program_aliases, zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_BOOLEAN("vpopmail.auth_fast_unknown", "0", PHP_INI_SYSTEM, OnUpdateBool,
		auth_fast_unknown, zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_BOOLEAN("vpopmail.allow_host_domains", "0", PHP_INI_SYSTEM, OnUpdateBool,
	                    allow_host_domains, zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_ENTRY("vpopmail.autoresponder", VP_AUTORESPONDER_DEFAULT, PHP_INI_SYSTEM,
	                  OnUpdateStringUnempty, autoresponder, zend_vpopmail_globals, vpopmail_globals)
	/* System only: a tenant's .user.ini must not switch its own limits off. */
	STD_PHP_INI_BOOLEAN("vpopmail.enforce_limits", "0", PHP_INI_SYSTEM, OnUpdateBool,
	                    enforce_limits, zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_ENTRY("vpopmail.lock_timeout", "20000", PHP_INI_SYSTEM, OnUpdateLong, lock_timeout,
	                  zend_vpopmail_globals, vpopmail_globals)
	/* Per script: whether a login is recorded changes nothing else in the tree. */
	STD_PHP_INI_BOOLEAN("vpopmail.auth_logging", "1", PHP_INI_ALL, OnUpdateBool, auth_logging,
	                    zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_ENTRY("vpopmail.backend", "cdb", PHP_INI_SYSTEM, OnUpdateStringUnempty, backend,
	                  zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_ENTRY("vpopmail.mysql_config", "", PHP_INI_SYSTEM, OnUpdateString, mysql_config,
	                  zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_ENTRY("vpopmail.mysql_socket", "", PHP_INI_SYSTEM, OnUpdateString, mysql_socket,
	                  zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_ENTRY("vpopmail.mysql_connect_timeout", "5", PHP_INI_SYSTEM, OnUpdateLong,
	                  mysql_connect_timeout, zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_ENTRY("vpopmail.mysql_layout", "auto", PHP_INI_SYSTEM, OnUpdateStringUnempty,
	                  mysql_layout, zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_ENTRY("vpopmail.mysql_limits", "auto", PHP_INI_SYSTEM, OnUpdateStringUnempty,
	                  mysql_limits, zend_vpopmail_globals, vpopmail_globals)
	/* replication (vpopmail.mysql line 2): how a request reads its own writes */
	STD_PHP_INI_ENTRY("vpopmail.mysql_read_after_write", "primary", PHP_INI_SYSTEM,
	                  OnUpdateStringUnempty, mysql_read_after_write, zend_vpopmail_globals,
	                  vpopmail_globals)
	STD_PHP_INI_ENTRY("vpopmail.mysql_gtid_wait_ms", "1000", PHP_INI_SYSTEM, OnUpdateLong,
	                  mysql_gtid_wait_ms, zend_vpopmail_globals, vpopmail_globals)
	/* Site properties (vpopmail's --enable-valias, --enable-sql-logging): mysql only. */
	STD_PHP_INI_BOOLEAN("vpopmail.valias", "0", PHP_INI_SYSTEM, OnUpdateBool, valias,
	                    zend_vpopmail_globals, vpopmail_globals)
	STD_PHP_INI_BOOLEAN("vpopmail.sql_logging", "0", PHP_INI_SYSTEM, OnUpdateBool, sql_logging,
	                    zend_vpopmail_globals, vpopmail_globals)
PHP_INI_END()

/* A numeric id, a name looked up with the reentrant getpw*_r calls, or the default. */
static bool resolve_id(const char *setting, const char *default_name, bool is_group, zend_long *out)
{
	const char *name = (setting && *setting) ? setting : default_name;
	char *end;
	errno = 0;
	long v = strtol(name, &end, 10);
	/* Digits only: strtol would also take " 89", "+89" and wrap huge values. */
	if (*name >= '0' && *name <= '9' && *end == '\0') {
		if (errno == ERANGE)
			return false;
		*out = v;
		return v > 0 && v <= 0x7fffffffL;
	}
	char buf[4096];
	if (is_group) {
		struct group gr, *res = NULL;
		if (getgrnam_r(name, &gr, buf, sizeof buf, &res) == 0 && res) {
			*out = (zend_long)res->gr_gid;
			return res->gr_gid != 0;
		}
	} else {
		struct passwd pw, *res = NULL;
		if (getpwnam_r(name, &pw, buf, sizeof buf, &res) == 0 && res) {
			*out = (zend_long)res->pw_uid;
			return res->pw_uid != 0;
		}
	}
	if (setting && *setting)
		return false;
	*out = 89; /* vpopmail's customary ids when no vpopmail user exists */
	return true;
}

static int scheme_from_name(const char *name)
{
	static const struct { const char *name; enum vp_hash_scheme scheme; } map[] = {
		{ "sha512", VP_HASH_SHA512 }, { "md5", VP_HASH_MD5 }, { "sha256", VP_HASH_SHA256 },
		{ "bcrypt", VP_HASH_BCRYPT }, { "yescrypt", VP_HASH_YESCRYPT },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcasecmp(name, map[i].name) == 0)
			return (int)map[i].scheme;
	return -1;
}

static void set_error(const vp_error *err)
{
	VPOPMAIL_G(last_errno) = err->code;
	snprintf(VPOPMAIL_G(last_error), sizeof VPOPMAIL_G(last_error), "%s",
	         err->msg[0] ? err->msg : vp_strerror(err->code));
}

static void clear_error(void)
{
	VPOPMAIL_G(last_errno) = 0;
	VPOPMAIL_G(last_error)[0] = '\0';
}

static void warn_error(const vp_error *err)
{
	set_error(err);
	php_error_docref(NULL, E_WARNING, "%s", VPOPMAIL_G(last_error));
}

/* The two directories, named by their INI settings in the message. */
static bool check_dirs(vp_error *err)
{
	return vp_config_dir_check("vpopmail.directory", VPOPMAIL_G(directory), err) == 0 &&
	       vp_config_dir_check("vpopmail.qmail_dir", VPOPMAIL_G(qmail_dir), err) == 0;
}

/* The configuration of this call; false (with the error set) on a bad INI value. */
/* This thread's mysql handle (vpopmail.mysql_* settings), opened on first use
 * and kept; cfg is copied for it (the handle keeps a pointer to the copy). */
static bool ensure_store(const vp_config *cfg, vp_error *err)
{
	/* One handle per process (per thread under ZTS), kept across requests;
	 * opening does no I/O, the first statement connects. */
	if (!VPOPMAIL_G(store)) {
		vp_store_options opt;
		memset(&opt, 0, sizeof opt);
		opt.mysql_config = *VPOPMAIL_G(mysql_config) ? VPOPMAIL_G(mysql_config) : NULL;
		opt.mysql_socket = *VPOPMAIL_G(mysql_socket) ? VPOPMAIL_G(mysql_socket) : NULL;
		opt.connect_timeout = (int)MIN(MAX(VPOPMAIL_G(mysql_connect_timeout), 1), 600);
		/* vpopmail's configure names: --enable-many-domains (default) or not */
		const char *layout = VPOPMAIL_G(mysql_layout);
		if (strcmp(layout, "many-domains") == 0)
			opt.layout = VP_STORE_LAYOUT_MANY;
		else if (strcmp(layout, "disable-many-domains") == 0)
			opt.layout = VP_STORE_LAYOUT_PER_DOMAIN;
		else if (strcmp(layout, "auto") != 0) {
			vp_fail(err, VA_BAD_CONFIG, "vpopmail.mysql_layout: expected auto, many-domains "
			        "or disable-many-domains");
			return false;
		}
		/* --enable-mysql-limits: the `limits` table */
		const char *ml = VPOPMAIL_G(mysql_limits);
		if (strcmp(ml, "table") == 0)
			opt.limits = VP_STORE_LIMITS_TABLE;
		else if (strcmp(ml, "files") == 0)
			opt.limits = VP_STORE_LIMITS_FILES;
		else if (strcmp(ml, "auto") != 0) {
			vp_fail(err, VA_BAD_CONFIG, "vpopmail.mysql_limits: expected auto, table or files");
			return false;
		}
		const char *raw = VPOPMAIL_G(mysql_read_after_write);
		if (strcmp(raw, "gtid") == 0)
			opt.read_after_write = VP_STORE_RAW_GTID;
		else if (strcmp(raw, "primary") != 0) {
			vp_fail(err, VA_BAD_CONFIG, "vpopmail.mysql_read_after_write: expected primary or gtid");
			return false;
		}
		opt.gtid_wait_ms = (int)MIN(MAX(VPOPMAIL_G(mysql_gtid_wait_ms), 1), 60000);
		VPOPMAIL_G(store_cfg) = *cfg;
		if (vp_store_open(&vp_store_mysql_driver, &VPOPMAIL_G(store_cfg), &opt,
		                  &VPOPMAIL_G(store), err) != 0)
			return false;
	}
	return true;
}

static bool load_config(vp_config *cfg, vp_error *err)
{
	memset(cfg, 0, sizeof *cfg);
	vp_error_clear(err);
	if (!check_dirs(err))
		return false;
	cfg->vpopmail_dir = VPOPMAIL_G(directory);
	cfg->qmail_dir = VPOPMAIL_G(qmail_dir);
	/* Name lookups can cost a trip through NSS: once per thread is enough. */
	if (!VPOPMAIL_G(ids_resolved)) {
		VPOPMAIL_G(ids_error) = 0;
		if (!resolve_id(VPOPMAIL_G(uid), "vpopmail", false, &VPOPMAIL_G(uid_value)))
			VPOPMAIL_G(ids_error) = 1;
		else if (!resolve_id(VPOPMAIL_G(gid), "vchkpw", true, &VPOPMAIL_G(gid_value)))
			VPOPMAIL_G(ids_error) = 2;
		VPOPMAIL_G(ids_resolved) = true;
	}
	if (VPOPMAIL_G(ids_error) == 1) {
		vp_fail(err, VA_BAD_CONFIG, "vpopmail.uid: %s is not a user other than root",
		        VPOPMAIL_G(uid));
		return false;
	}
	if (VPOPMAIL_G(ids_error) == 2) {
		vp_fail(err, VA_BAD_CONFIG, "vpopmail.gid: %s is not a group other than root",
		        VPOPMAIL_G(gid));
		return false;
	}
	cfg->uid = (uid_t)VPOPMAIL_G(uid_value);
	cfg->gid = (gid_t)VPOPMAIL_G(gid_value);
	cfg->chown_files = geteuid() == 0;
	int scheme = scheme_from_name(VPOPMAIL_G(password_scheme));
	if (scheme < 0) {
		vp_fail(err, VA_BAD_CONFIG, "vpopmail.password_scheme: unknown scheme %s",
		        VPOPMAIL_G(password_scheme));
		return false;
	}
	cfg->hash_scheme = (enum vp_hash_scheme)scheme;
	cfg->compat54 = strcmp(VPOPMAIL_G(compat), "5.4") == 0;
	cfg->clear_passwords = VPOPMAIL_G(clear_passwords);
	cfg->allow_program_aliases = VPOPMAIL_G(allow_program_aliases);
	cfg->lock_timeout_ms = (int)MIN(MAX(VPOPMAIL_G(lock_timeout), 1), 600000);
	cfg->auth_logging = VPOPMAIL_G(auth_logging);
	cfg->auth_fast_unknown = VPOPMAIL_G(auth_fast_unknown);
	cfg->allow_host_domains = VPOPMAIL_G(allow_host_domains);
	cfg->autoresponder = VPOPMAIL_G(autoresponder);
	cfg->enforce_limits = VPOPMAIL_G(enforce_override) >= 0 ? VPOPMAIL_G(enforce_override)
	                                                         : VPOPMAIL_G(enforce_limits);
	if (!VPOPMAIL_G(reaper))
		VPOPMAIL_G(reaper) = vp_reaper_new(); /* NULL: deletes close in the call */
	cfg->reaper = VPOPMAIL_G(reaper);
	const char *reload = VPOPMAIL_G(qmail_reload);
	if (strncmp(reload, "pidfile:", 8) == 0) {
		cfg->reload_mode = VP_RELOAD_PIDFILE;
		cfg->reload_target = reload + 8;
	} else if (strncmp(reload, "svc:", 4) == 0) {
		cfg->reload_mode = VP_RELOAD_SVC;
		cfg->reload_target = reload + 4;
	} else if (strcmp(reload, "none") != 0) {
		vp_fail(err, VA_BAD_CONFIG, "vpopmail.qmail_reload: expected none, pidfile:PATH or svc:DIR");
		return false;
	}
	if (strcmp(VPOPMAIL_G(backend), "mysql") == 0) {
		cfg->backend = VP_BACKEND_MYSQL;
		if (!ensure_store(cfg, err))
			return false;
		cfg->store = VPOPMAIL_G(store);
		cfg->valias = VPOPMAIL_G(valias);
		cfg->sql_logging = VPOPMAIL_G(sql_logging);
	} else if (strcmp(VPOPMAIL_G(backend), "cdb") != 0) {
		vp_fail(err, VA_BAD_CONFIG, "vpopmail.backend: expected cdb or mysql");
		return false;
	}
	return vp_config_check(cfg, err) == 0;
}

/* Strings reach C as NUL-terminated: an embedded NUL would silently truncate. */
static bool check_nul(zend_string *s, uint32_t arg)
{
	if (memchr(ZSTR_VAL(s), '\0', ZSTR_LEN(s))) {
		zend_argument_value_error(arg, "must not contain any null bytes");
		return false;
	}
	return true;
}

#define CHECK_STR(s, n) do { if (!check_nul((s), (n))) RETURN_THROWS(); } while (0)

/* Run a libcore call that returns 0 or a VA code; false + warning on failure. */
#define VP_CALL(call) do { \
		vp_config cfg_; vp_error err_; \
		clear_error(); \
		if (!load_config(&cfg_, &err_)) { warn_error(&err_); RETURN_FALSE; } \
		const vp_config *cfg = &cfg_; vp_error *err = &err_; \
		if ((call) != 0) { warn_error(err); RETURN_FALSE; } \
		RETURN_TRUE; \
	} while (0)

/* The same, running the statements after `call` (which set the return value) on success. */
#define VP_CALL_THEN(call, ...) do { \
		vp_config cfg_; vp_error err_; \
		clear_error(); \
		if (!load_config(&cfg_, &err_)) { warn_error(&err_); RETURN_FALSE; } \
		const vp_config *cfg = &cfg_; vp_error *err = &err_; \
		if ((call) != 0) { warn_error(err); RETURN_FALSE; } \
		__VA_ARGS__; \
	} while (0)

static bool check_id(zend_long id, uint32_t arg)
{
	if (id < -1 || id > 0x7fffffffL) {
		zend_argument_value_error(arg, "must be between -1 and 2147483647");
		return false;
	}
	return true;
}

PHP_FUNCTION(vpopmail_add_domain)
{
	zend_string *domain, *dir;
	zend_long uid, gid;

	ZEND_PARSE_PARAMETERS_START(4, 4)
		Z_PARAM_STR(domain)
		Z_PARAM_STR(dir)
		Z_PARAM_LONG(uid)
		Z_PARAM_LONG(gid)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	CHECK_STR(dir, 2);
	if (!check_id(uid, 3) || !check_id(gid, 4))
		RETURN_THROWS();
	VP_CALL(vp_add_domain(cfg, ZSTR_VAL(domain), ZSTR_VAL(dir), (uid_t)uid, (gid_t)gid, err));
}

PHP_FUNCTION(vpopmail_add_domain_ex)
{
	zend_string *domain, *passwd, *quota = NULL, *bounce = NULL;
	bool apop = false;

	ZEND_PARSE_PARAMETERS_START(2, 5)
		Z_PARAM_STR(domain)
		Z_PARAM_STR(passwd)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(quota)
		Z_PARAM_STR_OR_NULL(bounce)
		Z_PARAM_BOOL(apop)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	CHECK_STR(passwd, 2);
	if (quota)
		CHECK_STR(quota, 3);
	if (bounce)
		CHECK_STR(bounce, 4);
	VP_CALL(vp_add_domain_ex(cfg, ZSTR_VAL(domain), ZSTR_VAL(passwd), quota ? ZSTR_VAL(quota) : NULL,
	                         bounce ? ZSTR_VAL(bounce) : NULL, apop, err));
}

static void del_domain(INTERNAL_FUNCTION_PARAMETERS)
{
	zend_string *domain;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	VP_CALL(vp_del_domain(cfg, ZSTR_VAL(domain), err));
}

PHP_FUNCTION(vpopmail_del_domain)
{
	del_domain(INTERNAL_FUNCTION_PARAM_PASSTHRU);
}

PHP_FUNCTION(vpopmail_del_domain_ex)
{
	del_domain(INTERNAL_FUNCTION_PARAM_PASSTHRU);
}

PHP_FUNCTION(vpopmail_add_alias_domain)
{
	zend_string *domain, *alias;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(domain)
		Z_PARAM_STR(alias)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	CHECK_STR(alias, 2);
	VP_CALL(vp_add_alias_domain(cfg, ZSTR_VAL(alias), ZSTR_VAL(domain), err));
}

PHP_FUNCTION(vpopmail_add_alias_domain_ex)
{
	zend_string *olddomain, *newdomain;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(olddomain)
		Z_PARAM_STR(newdomain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(olddomain, 1);
	CHECK_STR(newdomain, 2);
	VP_CALL(vp_add_alias_domain_either(cfg, ZSTR_VAL(newdomain), ZSTR_VAL(olddomain), err));
}

PHP_FUNCTION(vpopmail_add_user)
{
	zend_string *user, *domain, *password, *gecos = NULL;
	bool apop = false;

	ZEND_PARSE_PARAMETERS_START(3, 5)
		Z_PARAM_STR(user)
		Z_PARAM_STR(domain)
		Z_PARAM_STR(password)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR(gecos)
		Z_PARAM_BOOL(apop)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(user, 1);
	CHECK_STR(domain, 2);
	CHECK_STR(password, 3);
	if (gecos)
		CHECK_STR(gecos, 4);
	VP_CALL(vp_add_user(cfg, ZSTR_VAL(user), ZSTR_VAL(domain), ZSTR_VAL(password),
	                    gecos ? ZSTR_VAL(gecos) : "", apop, err));
}

PHP_FUNCTION(vpopmail_del_user)
{
	zend_string *user, *domain;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(user)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(user, 1);
	CHECK_STR(domain, 2);
	VP_CALL(vp_del_user(cfg, ZSTR_VAL(user), ZSTR_VAL(domain), err));
}

PHP_FUNCTION(vpopmail_passwd)
{
	zend_string *user, *domain, *password;
	bool apop = false;

	ZEND_PARSE_PARAMETERS_START(3, 4)
		Z_PARAM_STR(user)
		Z_PARAM_STR(domain)
		Z_PARAM_STR(password)
		Z_PARAM_OPTIONAL
		Z_PARAM_BOOL(apop)
	ZEND_PARSE_PARAMETERS_END();
	(void)apop; /* vpopmail ignores it too: the POP/APOP field is left as it is */
	CHECK_STR(user, 1);
	CHECK_STR(domain, 2);
	CHECK_STR(password, 3);
	VP_CALL(vp_set_password(cfg, ZSTR_VAL(user), ZSTR_VAL(domain), ZSTR_VAL(password), err));
}

PHP_FUNCTION(vpopmail_set_user_quota)
{
	zend_string *user, *domain, *quota;

	ZEND_PARSE_PARAMETERS_START(3, 3)
		Z_PARAM_STR(user)
		Z_PARAM_STR(domain)
		Z_PARAM_STR(quota)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(user, 1);
	CHECK_STR(domain, 2);
	CHECK_STR(quota, 3);
	VP_CALL(vp_set_quota(cfg, ZSTR_VAL(user), ZSTR_VAL(domain), ZSTR_VAL(quota), err));
}

/* $_SERVER['REMOTE_ADDR'] when the request has one: the script's $_SERVER (it
 * may have been changed, e.g. by a trusted-proxy rewrite), armed if JIT. */
static const char *server_remote_addr(void)
{
	zend_is_auto_global_str(ZEND_STRL("_SERVER"));
	zval *server = zend_hash_str_find(&EG(symbol_table), ZEND_STRL("_SERVER"));
	if (server)
		ZVAL_DEREF(server);
	if (!server || Z_TYPE_P(server) != IS_ARRAY)
		server = &PG(http_globals)[TRACK_VARS_SERVER];
	if (Z_TYPE_P(server) != IS_ARRAY)
		return NULL;
	zval *addr = zend_hash_str_find(Z_ARRVAL_P(server), ZEND_STRL("REMOTE_ADDR"));
	if (!addr || Z_TYPE_P(addr) != IS_STRING || memchr(Z_STRVAL_P(addr), '\0', Z_STRLEN_P(addr)))
		return NULL;
	return Z_STRVAL_P(addr);
}

static bool ip_literal(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* ---- vpopmail_batch ---- */

enum { BF_OP, BF_USER, BF_PASSWORD, BF_GECOS, BF_APOP, BF_QUOTA, BF_COUNT };
static const char *const batch_keys[BF_COUNT] = { "op", "user", "password", "gecos", "apop", "quota" };

/* Fields of each kind, in list order after the op: 1 = required, 2 = optional. */
static const struct {
	const char *name;
	unsigned char need[BF_COUNT];
	int order[5];           /* BF_* of list positions 1.. (-1 ends) */
} batch_ops[] = {
	{ "add", { 1, 1, 1, 2, 2, 2 }, { BF_USER, BF_PASSWORD, BF_GECOS, BF_APOP, BF_QUOTA } },
	{ "del", { 1, 1, 0, 0, 0, 0 }, { BF_USER, -1 } },
	{ "passwd", { 1, 1, 1, 0, 0, 0 }, { BF_USER, BF_PASSWORD, -1 } },
	{ "quota", { 1, 1, 0, 0, 0, 1 }, { BF_USER, BF_QUOTA, -1 } },
};

/* One operation's fields (list or keyed form) into f[], checked; false after
 * a TypeError/ValueError naming the operation. */
static bool batch_fields(uint32_t idx, zval *opz, int *kind, zval *f[BF_COUNT])
{
	memset(f, 0, sizeof(zval *) * BF_COUNT);
	if (Z_TYPE_P(opz) != IS_ARRAY) {
		zend_argument_type_error(2, "must contain only arrays, %s given at index %u",
		                         zend_zval_type_name(opz), idx);
		return false;
	}
	HashTable *ht = Z_ARRVAL_P(opz);
	zval *op = zend_hash_str_find(ht, "op", 2);
	if (!op)
		op = zend_hash_index_find(ht, 0);
	if (!op || Z_TYPE_P(op) != IS_STRING) {
		zend_argument_value_error(2, "operation %u must start with its kind: \"add\", \"del\", "
		                          "\"passwd\" or \"quota\"", idx);
		return false;
	}
	*kind = -1;
	for (int k = 0; k < (int)(sizeof batch_ops / sizeof batch_ops[0]); k++) {
		if (strcmp(Z_STRVAL_P(op), batch_ops[k].name) == 0)
			*kind = k;
	}
	if (*kind < 0) {
		zend_argument_value_error(2, "operation %u: unknown kind \"%s\" (expected \"add\", "
		                          "\"del\", \"passwd\" or \"quota\")", idx, Z_STRVAL_P(op));
		return false;
	}
	f[BF_OP] = op;
	zend_string *key;
	zend_ulong num;
	zval *val;
	ZEND_HASH_FOREACH_KEY_VAL(ht, num, key, val) {
		int field = -1;
		if (key) {
			for (int i = 0; i < BF_COUNT; i++)
				if (zend_string_equals_cstr(key, batch_keys[i], strlen(batch_keys[i])))
					field = i;
			if (field < 0 || !batch_ops[*kind].need[field]) {
				zend_argument_value_error(2, "operation %u (%s): unexpected key \"%s\"", idx,
				                          batch_ops[*kind].name, ZSTR_VAL(key));
				return false;
			}
		} else if (num == 0) {
			field = BF_OP;
		} else {
			int pos = num <= 5 ? batch_ops[*kind].order[num - 1] : -1;
			for (zend_ulong p = 1; p < num && pos >= 0; p++)
				if (batch_ops[*kind].order[p - 1] < 0)
					pos = -1;
			if (pos < 0) {
				zend_argument_value_error(2, "operation %u (%s): too many elements", idx,
				                          batch_ops[*kind].name);
				return false;
			}
			field = pos;
		}
		if (f[field] && f[field] != val) {
			zend_argument_value_error(2, "operation %u (%s): \"%s\" given twice", idx,
			                          batch_ops[*kind].name, batch_keys[field]);
			return false;
		}
		f[field] = val;
	} ZEND_HASH_FOREACH_END();
	for (int i = 1; i < BF_COUNT; i++) {
		if (batch_ops[*kind].need[i] == 1 && !f[i]) {
			zend_argument_value_error(2, "operation %u (%s): missing \"%s\"", idx,
			                          batch_ops[*kind].name, batch_keys[i]);
			return false;
		}
		if (!f[i] || (i == BF_QUOTA && Z_TYPE_P(f[i]) == IS_NULL && *kind == 0)) {
			f[i] = NULL;
			continue;
		}
		if (i == BF_APOP) {
			if (Z_TYPE_P(f[i]) != IS_TRUE && Z_TYPE_P(f[i]) != IS_FALSE) {
				zend_argument_type_error(2, "operation %u (%s): \"apop\" must be of type bool, "
				                         "%s given", idx, batch_ops[*kind].name,
				                         zend_zval_type_name(f[i]));
				return false;
			}
			continue;
		}
		if (Z_TYPE_P(f[i]) != IS_STRING) {
			zend_argument_type_error(2, "operation %u (%s): \"%s\" must be of type string, %s "
			                         "given", idx, batch_ops[*kind].name, batch_keys[i],
			                         zend_zval_type_name(f[i]));
			return false;
		}
		if (memchr(Z_STRVAL_P(f[i]), '\0', Z_STRLEN_P(f[i]))) {
			zend_argument_value_error(2, "operation %u (%s): \"%s\" must not contain any null "
			                          "bytes", idx, batch_ops[*kind].name, batch_keys[i]);
			return false;
		}
	}
	return true;
}

PHP_FUNCTION(vpopmail_batch)
{
	zend_string *domain;
	HashTable *ops;
	vp_config cfg;
	vp_error err;
	vp_batch *b = NULL;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(domain)
		Z_PARAM_ARRAY_HT(ops)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	if (!zend_array_is_list(ops)) {
		zend_argument_value_error(2, "must be a list");
		RETURN_THROWS();
	}
	/* Every operation's shape first: a malformed one throws before anything runs. */
	zval *opz;
	uint32_t idx = 0;
	ZEND_HASH_FOREACH_VAL(ops, opz) {
		zval *f[BF_COUNT];
		int kind;
		if (!batch_fields(idx++, opz, &kind, f))
			RETURN_THROWS();
	} ZEND_HASH_FOREACH_END();

	clear_error();
	if (!load_config(&cfg, &err) || vp_batch_begin(&cfg, ZSTR_VAL(domain), &b, &err) != 0) {
		warn_error(&err);
		RETURN_FALSE;
	}
	idx = 0;
	ZEND_HASH_FOREACH_VAL(ops, opz) {
		zval *f[BF_COUNT];
		int kind, rc = 0;
		batch_fields(idx++, opz, &kind, f);
		const char *user = Z_STRVAL_P(f[BF_USER]);
		switch (kind) {
		case 0:
			rc = vp_batch_add_user(b, user, Z_STRVAL_P(f[BF_PASSWORD]),
			                       f[BF_GECOS] ? Z_STRVAL_P(f[BF_GECOS]) : "",
			                       f[BF_APOP] && Z_TYPE_P(f[BF_APOP]) == IS_TRUE,
			                       f[BF_QUOTA] ? Z_STRVAL_P(f[BF_QUOTA]) : NULL, &err);
			break;
		case 1:
			rc = vp_batch_del_user(b, user, &err);
			break;
		case 2:
			rc = vp_batch_set_password(b, user, Z_STRVAL_P(f[BF_PASSWORD]), &err);
			break;
		default:
			rc = vp_batch_set_quota(b, user, Z_STRVAL_P(f[BF_QUOTA]), &err);
			break;
		}
		if (rc != 0) {
			vp_batch_free(b);
			warn_error(&err);
			RETURN_FALSE;
		}
	} ZEND_HASH_FOREACH_END();
	if (vp_batch_commit(b, NULL, &err) != 0) {
		warn_error(&err);
		RETURN_FALSE;
	}
	RETURN_TRUE;
}

PHP_FUNCTION(vpopmail_auth_user)
{
	zend_string *user, *domain, *password, *apop = NULL, *service = NULL, *remote_ip = NULL;
	enum vp_service svc = VP_SERVICE_ANY;
	vp_config cfg;
	vp_error err;

	ZEND_PARSE_PARAMETERS_START(3, 6)
		Z_PARAM_STR(user)
		Z_PARAM_STR(domain)
		Z_PARAM_STR(password)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(apop)
		Z_PARAM_STR_OR_NULL(service)
		Z_PARAM_STR_OR_NULL(remote_ip)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(user, 1);
	CHECK_STR(domain, 2);
	CHECK_STR(password, 3);
	if (apop) /* ignored, as by vpopmail's vauth_user(), but held to the same rule */
		CHECK_STR(apop, 4);
	if (service) {
		static const struct { const char *name; enum vp_service svc; } map[] = {
			{ "pop", VP_SERVICE_POP }, { "imap", VP_SERVICE_IMAP },
			{ "smtp", VP_SERVICE_SMTP }, { "webmail", VP_SERVICE_WEBMAIL },
		};
		size_t i = 0;
		while (i < sizeof map / sizeof map[0] && strcasecmp(ZSTR_VAL(service), map[i].name) != 0)
			i++;
		if (i == sizeof map / sizeof map[0] || memchr(ZSTR_VAL(service), '\0', ZSTR_LEN(service))) {
			zend_argument_value_error(5, "must be one of \"pop\", \"imap\", \"smtp\", \"webmail\", or null");
			RETURN_THROWS();
		}
		svc = map[i].svc;
	}
	if (remote_ip) {
		CHECK_STR(remote_ip, 6);
		if (ZSTR_LEN(remote_ip) && !ip_literal(ZSTR_VAL(remote_ip))) {
			zend_argument_value_error(6, "must be an IPv4 or IPv6 address, or null");
			RETURN_THROWS();
		}
	}
	clear_error();
	if (!load_config(&cfg, &err)) {
		warn_error(&err);
		RETURN_FALSE;
	}
	/* Only needed (and only looked up) when the login is recorded. */
	const char *ip = remote_ip ? ZSTR_VAL(remote_ip)
	               : (cfg.auth_logging || cfg.sql_logging ? server_remote_addr() : NULL);
	int rc = vp_auth_user_ex(&cfg, ZSTR_VAL(user), ZSTR_VAL(domain), ZSTR_VAL(password), svc, ip,
	                         NULL, &err);
	if (rc == 0)
		RETURN_TRUE;
	/* The expected "no"s are silent, like password_verify(); real trouble warns. */
	if (rc == VA_USER_DOES_NOT_EXIST || rc == VA_DOMAIN_DOES_NOT_EXIST ||
	    rc == VA_WRONG_PASSWORD || rc == VA_ACCOUNT_DISABLED || rc == VA_ILLEGAL_USERNAME ||
	    rc == VA_INVALID_DOMAIN_NAME || rc == VA_USER_NAME_TOO_LONG ||
	    rc == VA_DOMAIN_NAME_TOO_LONG)
		set_error(&err);
	else
		warn_error(&err);
	RETURN_FALSE;
}

PHP_FUNCTION(vpopmail_get_user_flags)
{
	zend_string *user, *domain;
	unsigned long flags = 0;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(user)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(user, 1);
	CHECK_STR(domain, 2);
	VP_CALL_THEN(vp_get_user_flags(cfg, ZSTR_VAL(user), ZSTR_VAL(domain), &flags, err),
	             RETURN_LONG((zend_long)flags));
}

PHP_FUNCTION(vpopmail_set_user_flags)
{
	zend_string *user, *domain;
	zend_long flags, mode = VP_FLAGS_ADD;
	unsigned long result = 0;

	ZEND_PARSE_PARAMETERS_START(3, 4)
		Z_PARAM_STR(user)
		Z_PARAM_STR(domain)
		Z_PARAM_LONG(flags)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(mode)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(user, 1);
	CHECK_STR(domain, 2);
	if (flags < 0 || ((unsigned long)flags & ~VP_FLAGS_KNOWN)) {
		zend_argument_value_error(3, "must be a combination of the VPOPMAIL_* flag constants");
		RETURN_THROWS();
	}
	if (mode != VP_FLAGS_ADD && mode != VP_FLAGS_REMOVE && mode != VP_FLAGS_REPLACE) {
		zend_argument_value_error(4, "must be VPOPMAIL_FLAGS_ADD, VPOPMAIL_FLAGS_REMOVE or VPOPMAIL_FLAGS_REPLACE");
		RETURN_THROWS();
	}
	VP_CALL_THEN(vp_set_user_flags(cfg, ZSTR_VAL(user), ZSTR_VAL(domain), (enum vp_flags_mode)mode,
	                               (unsigned long)flags, &result, err),
	             RETURN_LONG((zend_long)result));
}

PHP_FUNCTION(vpopmail_set_user_gecos)
{
	zend_string *user, *domain, *gecos;

	ZEND_PARSE_PARAMETERS_START(3, 3)
		Z_PARAM_STR(user)
		Z_PARAM_STR(domain)
		Z_PARAM_STR(gecos)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(user, 1);
	CHECK_STR(domain, 2);
	CHECK_STR(gecos, 3);
	VP_CALL(vp_set_user_gecos(cfg, ZSTR_VAL(user), ZSTR_VAL(domain), ZSTR_VAL(gecos), err));
}

PHP_FUNCTION(vpopmail_get_catchall)
{
	static const char *const types[] = {
		[VP_CATCHALL_NONE] = "none", [VP_CATCHALL_BOUNCE] = "bounce",
		[VP_CATCHALL_DELETE] = "delete", [VP_CATCHALL_FORWARD] = "forward",
		[VP_CATCHALL_MAILBOX] = "mailbox", [VP_CATCHALL_OTHER] = "other",
	};
	zend_string *domain;
	vp_catchall ca;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	VP_CALL_THEN(vp_get_catchall(cfg, ZSTR_VAL(domain), &ca, err), {
		array_init(return_value);
		add_assoc_string(return_value, "type", types[ca.kind]);
		if (ca.kind == VP_CATCHALL_FORWARD || ca.kind == VP_CATCHALL_MAILBOX)
			add_assoc_string(return_value, "target", ca.target);
		else
			add_assoc_null(return_value, "target");
		if (ca.kind == VP_CATCHALL_NONE)
			add_assoc_null(return_value, "line");
		else
			add_assoc_string(return_value, "line", ca.line);
		return;
	});
}

PHP_FUNCTION(vpopmail_set_catchall)
{
	zend_string *domain, *action;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(domain)
		Z_PARAM_STR(action)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	CHECK_STR(action, 2);
	VP_CALL(vp_set_catchall(cfg, ZSTR_VAL(domain), ZSTR_VAL(action), err));
}

PHP_FUNCTION(vpopmail_quota_usage)
{
	zend_string *user, *domain;
	vp_quota_usage u;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(user)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(user, 1);
	CHECK_STR(domain, 2);
	VP_CALL_THEN(vp_get_quota_usage(cfg, ZSTR_VAL(user), ZSTR_VAL(domain), &u, err), {
		double pct = -1;
		array_init(return_value);
		add_assoc_long(return_value, "bytes", (zend_long)u.bytes_used);
		add_assoc_long(return_value, "messages", (zend_long)u.count_used);
		if (u.bytes_limit >= 0) {
			add_assoc_long(return_value, "bytes_limit", (zend_long)u.bytes_limit);
			if (u.bytes_limit > 0)
				pct = 100.0 * (double)u.bytes_used / (double)u.bytes_limit;
		} else {
			add_assoc_null(return_value, "bytes_limit");
		}
		if (u.count_limit >= 0) {
			add_assoc_long(return_value, "messages_limit", (zend_long)u.count_limit);
			if (u.count_limit > 0)
				pct = MAX(pct, 100.0 * (double)u.count_used / (double)u.count_limit);
		} else {
			add_assoc_null(return_value, "messages_limit");
		}
		if (pct >= 0)
			add_assoc_double(return_value, "percent", pct);
		else
			add_assoc_null(return_value, "percent");
		add_assoc_bool(return_value, "recomputed", u.recomputed != 0);
		return;
	});
}

PHP_FUNCTION(vpopmail_alias_add)
{
	zend_string *user, *domain, *alias;

	ZEND_PARSE_PARAMETERS_START(3, 3)
		Z_PARAM_STR(user)
		Z_PARAM_STR(domain)
		Z_PARAM_STR(alias)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(user, 1);
	CHECK_STR(domain, 2);
	CHECK_STR(alias, 3);
	VP_CALL(vp_alias_add(cfg, ZSTR_VAL(user), ZSTR_VAL(domain), ZSTR_VAL(alias), err));
}

PHP_FUNCTION(vpopmail_alias_del)
{
	zend_string *user, *domain;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(user)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(user, 1);
	CHECK_STR(domain, 2);
	VP_CALL(vp_alias_del(cfg, ZSTR_VAL(user), ZSTR_VAL(domain), err));
}

PHP_FUNCTION(vpopmail_alias_del_domain)
{
	zend_string *domain;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	VP_CALL(vp_alias_del_domain(cfg, ZSTR_VAL(domain), err));
}

static int collect_line(void *ctx, const char *line, size_t len)
{
	add_next_index_stringl((zval *)ctx, line, len);
	return 0;
}

PHP_FUNCTION(vpopmail_alias_get)
{
	zend_string *alias, *domain;
	vp_config cfg;
	vp_error err;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(alias)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(alias, 1);
	CHECK_STR(domain, 2);
	clear_error();
	array_init(return_value);
	if (!load_config(&cfg, &err) ||
	    vp_alias_get(&cfg, ZSTR_VAL(alias), ZSTR_VAL(domain), collect_line, return_value, &err) != 0) {
		/* The signature promises an array: the failure is the warning and the error state. */
		zend_hash_clean(Z_ARRVAL_P(return_value));
		warn_error(&err);
	}
}

typedef struct alias_all_ctx {
	zval *result;
	zval current; /* the lines array of the alias being filled */
} alias_all_ctx;

static int collect_name(void *ctx, const char *name)
{
	alias_all_ctx *c = ctx;
	zval lines;
	array_init(&lines);
	zval *slot = zend_symtable_str_update(Z_ARRVAL_P(c->result), name, strlen(name), &lines);
	ZVAL_COPY_VALUE(&c->current, slot);
	return 0;
}

static int collect_all_line(void *ctx, const char *line, size_t len)
{
	alias_all_ctx *c = ctx;
	if (Z_TYPE(c->current) == IS_ARRAY)
		add_next_index_stringl(&c->current, line, len);
	return 0;
}

PHP_FUNCTION(vpopmail_alias_get_all)
{
	zend_string *domain;
	vp_config cfg;
	vp_error err;
	alias_all_ctx ctx;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	clear_error();
	array_init(return_value);
	ctx.result = return_value;
	ZVAL_UNDEF(&ctx.current);
	if (!load_config(&cfg, &err) ||
	    vp_alias_get_all(&cfg, ZSTR_VAL(domain), collect_name, collect_all_line, &ctx, &err) != 0) {
		zend_hash_clean(Z_ARRVAL_P(return_value));
		warn_error(&err);
	}
}

/* ---- mail settings users change themselves ---- */

static const char *const delivery_modes[] = {
	[VP_DELIVERY_MAILBOX] = "mailbox", [VP_DELIVERY_FORWARD] = "forward",
	[VP_DELIVERY_DELETE] = "delete", [VP_DELIVERY_OTHER] = "other",
};

static void add_bytes_or_null(zval *arr, const char *key, const char *s, size_t len)
{
	if (s)
		add_assoc_stringl(arr, key, s, len);
	else
		add_assoc_null(arr, key);
}

static void add_lines(zval *arr, const char *key, char **v, size_t n)
{
	zval list;
	array_init_size(&list, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		add_next_index_string(&list, v[i]);
	add_assoc_zval(arr, key, &list);
}

static void message_fields(zval *arr, const vp_message *m)
{
	add_bytes_or_null(arr, "subject", m->present ? m->subject : NULL, m->subject_len);
	add_bytes_or_null(arr, "body", m->present ? m->body : NULL, m->body_len);
	if (m->present && m->charset[0])
		add_assoc_string(arr, "charset", m->charset);
	else
		add_assoc_null(arr, "charset");
}

PHP_FUNCTION(vpopmail_get_delivery)
{
	zend_string *user, *domain;
	vp_delivery d;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(user)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(user, 1);
	CHECK_STR(domain, 2);
	VP_CALL_THEN(vp_get_delivery(cfg, ZSTR_VAL(user), ZSTR_VAL(domain), &d, err), {
		array_init(return_value);
		add_assoc_string(return_value, "mode", delivery_modes[d.mode]);
		add_lines(return_value, "forward", d.forward, d.forward_count);
		add_assoc_bool(return_value, "keep_copy", d.keep_copy != 0);
		if (d.vacation) {
			zval vac;
			array_init(&vac);
			message_fields(&vac, &d.message);
			add_assoc_zval(return_value, "vacation", &vac);
		} else {
			add_assoc_null(return_value, "vacation");
		}
		add_lines(return_value, "other", d.other, d.other_count);
		vp_delivery_free(&d);
		return;
	});
}

/* A string entry of a settings array: NULL when absent; false (exception
 * thrown) when it is not a string or holds a NUL byte. */
static bool setting_str(HashTable *ht, const char *key, uint32_t arg, bool nullable, zend_string **out)
{
	zval *z = zend_hash_str_find(ht, key, strlen(key));
	*out = NULL;
	if (!z || (nullable && Z_TYPE_P(z) == IS_NULL))
		return true;
	if (Z_TYPE_P(z) != IS_STRING) {
		zend_argument_type_error(arg, "key \"%s\" must be of type string%s, %s given", key,
		                         nullable ? " or null" : "", zend_zval_type_name(z));
		return false;
	}
	if (memchr(Z_STRVAL_P(z), '\0', Z_STRLEN_P(z))) {
		zend_argument_value_error(arg, "key \"%s\" must not contain any null bytes", key);
		return false;
	}
	*out = Z_STR_P(z);
	return true;
}

/* Every key of ht is one of the NULL-terminated names. */
static bool known_keys(HashTable *ht, uint32_t arg, const char *const *names)
{
	zend_string *k;
	zend_ulong idx;
	ZEND_HASH_FOREACH_KEY(ht, idx, k) {
		bool ok = false;
		for (size_t i = 0; k && names[i]; i++)
			ok = ok || zend_string_equals_cstr(k, names[i], strlen(names[i]));
		if (!ok) {
			if (k)
				zend_argument_value_error(arg, "has an unknown key \"%s\"", ZSTR_VAL(k));
			else
				zend_argument_value_error(arg, "has an unknown key " ZEND_LONG_FMT, (zend_long)idx);
			return false;
		}
	} ZEND_HASH_FOREACH_END();
	return true;
}

static bool split_char(char c)
{
	return c == ' ' || c == ',' || c == ';' || c == '\t' || c == '\r' || c == '\n';
}

/* 'forward' as a list of C strings (emalloc'd array; for a string, its
 * pieces are emalloc'd too and *owned says so). */
static bool forward_list(zval *z, uint32_t arg, const char ***out, size_t *count, bool *owned)
{
	*out = NULL;
	*count = 0;
	*owned = false;
	if (Z_TYPE_P(z) == IS_STRING) {
		const char *s = Z_STRVAL_P(z), *end = s + Z_STRLEN_P(z);
		if (memchr(s, '\0', Z_STRLEN_P(z))) {
			zend_argument_value_error(arg, "key \"forward\" must not contain any null bytes");
			return false;
		}
		size_t cap = 0;
		*owned = true;
		while (s < end) {
			while (s < end && split_char(*s))
				s++;
			const char *t = s;
			while (s < end && !split_char(*s))
				s++;
			if (s == t)
				continue;
			if (*count == cap) {
				cap = cap ? cap * 2 : 8;
				*out = erealloc((void *)*out, cap * sizeof **out);
			}
			(*out)[(*count)++] = estrndup(t, (size_t)(s - t));
		}
		return true;
	}
	if (Z_TYPE_P(z) != IS_ARRAY) {
		zend_argument_type_error(arg, "key \"forward\" must be of type array or string, %s given",
		                         zend_zval_type_name(z));
		return false;
	}
	HashTable *ht = Z_ARRVAL_P(z);
	zval *e;
	*out = safe_emalloc(zend_hash_num_elements(ht) + 1, sizeof **out, 0);
	ZEND_HASH_FOREACH_VAL(ht, e) {
		if (Z_TYPE_P(e) != IS_STRING) {
			zend_argument_type_error(arg, "key \"forward\" must hold strings, %s given",
			                         zend_zval_type_name(e));
			efree((void *)*out);
			*out = NULL;
			return false;
		}
		if (memchr(Z_STRVAL_P(e), '\0', Z_STRLEN_P(e))) {
			zend_argument_value_error(arg, "key \"forward\" must not contain any null bytes");
			efree((void *)*out);
			*out = NULL;
			return false;
		}
		(*out)[(*count)++] = Z_STRVAL_P(e);
	} ZEND_HASH_FOREACH_END();
	return true;
}

static void forward_list_free(const char **v, size_t n, bool owned)
{
	if (owned)
		for (size_t i = 0; i < n; i++)
			efree((void *)v[i]);
	if (v)
		efree((void *)v);
}

PHP_FUNCTION(vpopmail_set_delivery)
{
	static const char *const keys[] = { "mode", "forward", "keep_copy", "vacation", NULL };
	static const char *const vac_keys[] = { "subject", "body", "charset", NULL };
	zend_string *user, *domain, *mode = NULL, *subject = NULL, *body = NULL, *charset = NULL;
	HashTable *settings;
	vp_delivery_change c;
	const char **fw = NULL;
	size_t nfw = 0;
	bool owned = false;

	ZEND_PARSE_PARAMETERS_START(3, 3)
		Z_PARAM_STR(user)
		Z_PARAM_STR(domain)
		Z_PARAM_ARRAY_HT(settings)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(user, 1);
	CHECK_STR(domain, 2);
	memset(&c, 0, sizeof c);
	if (!known_keys(settings, 3, keys) || !setting_str(settings, "mode", 3, false, &mode))
		RETURN_THROWS();
	zval *zfw = zend_hash_str_find(settings, "forward", 7);
	zval *zkeep = zend_hash_str_find(settings, "keep_copy", 9);
	zval *zvac = zend_hash_str_find(settings, "vacation", 8);
	if (mode) {
		c.set_mode = 1;
		if (zend_string_equals_literal(mode, "mailbox"))
			c.mode = VP_DELIVERY_MAILBOX;
		else if (zend_string_equals_literal(mode, "forward"))
			c.mode = VP_DELIVERY_FORWARD;
		else if (zend_string_equals_literal(mode, "delete"))
			c.mode = VP_DELIVERY_DELETE;
		else {
			zend_argument_value_error(3, "key \"mode\" must be \"mailbox\", \"forward\" or \"delete\"");
			RETURN_THROWS();
		}
	}
	if ((zfw || zkeep) && c.mode != VP_DELIVERY_FORWARD) {
		zend_argument_value_error(3, "keys \"forward\" and \"keep_copy\" go with \"mode\" => \"forward\"");
		RETURN_THROWS();
	}
	if (c.set_mode && c.mode == VP_DELIVERY_FORWARD && !zfw) {
		zend_argument_value_error(3, "\"mode\" => \"forward\" needs the key \"forward\"");
		RETURN_THROWS();
	}
	if (zkeep) {
		if (Z_TYPE_P(zkeep) != IS_TRUE && Z_TYPE_P(zkeep) != IS_FALSE) {
			zend_argument_type_error(3, "key \"keep_copy\" must be of type bool, %s given",
			                         zend_zval_type_name(zkeep));
			RETURN_THROWS();
		}
		c.keep_copy = Z_TYPE_P(zkeep) == IS_TRUE;
	}
	if (zvac) {
		c.set_vacation = 1;
		if (Z_TYPE_P(zvac) == IS_ARRAY) {
			HashTable *vh = Z_ARRVAL_P(zvac);
			if (!known_keys(vh, 3, vac_keys) || !setting_str(vh, "subject", 3, false, &subject) ||
			    !setting_str(vh, "body", 3, false, &body) || !setting_str(vh, "charset", 3, true, &charset))
				RETURN_THROWS();
			if (!subject) {
				zend_argument_value_error(3, "key \"vacation\" needs a \"subject\"");
				RETURN_THROWS();
			}
			c.vacation = 1;
			c.subject = ZSTR_VAL(subject);
			c.body = body ? ZSTR_VAL(body) : NULL;
			c.charset = charset ? ZSTR_VAL(charset) : NULL;
		} else if (Z_TYPE_P(zvac) != IS_FALSE && Z_TYPE_P(zvac) != IS_NULL) {
			zend_argument_type_error(3, "key \"vacation\" must be of type array, false or null, %s given",
			                         zend_zval_type_name(zvac));
			RETURN_THROWS();
		}
	}
	if (zfw) {
		if (!forward_list(zfw, 3, &fw, &nfw, &owned))
			RETURN_THROWS();
		c.forward = fw;
		c.forward_count = nfw;
	}
	vp_config cfg;
	vp_error err;
	clear_error();
	bool ok = load_config(&cfg, &err) && vp_set_delivery(&cfg, ZSTR_VAL(user), ZSTR_VAL(domain), &c, &err) == 0;
	forward_list_free(fw, nfw, owned);
	if (!ok) {
		warn_error(&err);
		RETURN_FALSE;
	}
	RETURN_TRUE;
}

/* The settings of vpopmail_autoresponder_add/_update. */
static bool robot_settings(HashTable *ht, uint32_t arg, vp_autoresponder_settings *s)
{
	static const char *const keys[] = { "subject", "body", "copy_to", "charset", NULL };
	zend_string *subject, *body, *copy, *charset;
	if (!known_keys(ht, arg, keys) || !setting_str(ht, "subject", arg, false, &subject) ||
	    !setting_str(ht, "body", arg, false, &body) || !setting_str(ht, "copy_to", arg, true, &copy) ||
	    !setting_str(ht, "charset", arg, true, &charset))
		return false;
	if (!subject) {
		zend_argument_value_error(arg, "needs the key \"subject\"");
		return false;
	}
	s->subject = ZSTR_VAL(subject);
	s->body = body ? ZSTR_VAL(body) : NULL;
	s->copy_to = copy ? ZSTR_VAL(copy) : NULL;
	s->charset = charset ? ZSTR_VAL(charset) : NULL;
	return true;
}

static void robot_write(INTERNAL_FUNCTION_PARAMETERS, bool create)
{
	zend_string *name, *domain;
	HashTable *settings;
	vp_autoresponder_settings s;

	ZEND_PARSE_PARAMETERS_START(3, 3)
		Z_PARAM_STR(name)
		Z_PARAM_STR(domain)
		Z_PARAM_ARRAY_HT(settings)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(name, 1);
	CHECK_STR(domain, 2);
	if (!robot_settings(settings, 3, &s))
		RETURN_THROWS();
	if (create)
		VP_CALL(vp_autoresponder_add(cfg, ZSTR_VAL(name), ZSTR_VAL(domain), &s, err));
	VP_CALL(vp_autoresponder_update(cfg, ZSTR_VAL(name), ZSTR_VAL(domain), &s, err));
}

PHP_FUNCTION(vpopmail_autoresponder_add)
{
	robot_write(INTERNAL_FUNCTION_PARAM_PASSTHRU, true);
}

PHP_FUNCTION(vpopmail_autoresponder_update)
{
	robot_write(INTERNAL_FUNCTION_PARAM_PASSTHRU, false);
}

PHP_FUNCTION(vpopmail_autoresponder_del)
{
	zend_string *name, *domain;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(name)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(name, 1);
	CHECK_STR(domain, 2);
	VP_CALL(vp_autoresponder_del(cfg, ZSTR_VAL(name), ZSTR_VAL(domain), err));
}

static void robot_row(zval *row, const vp_autoresponder *a)
{
	array_init(row);
	add_assoc_string(row, "name", a->name);
	message_fields(row, &a->message);
	if (a->copy_to)
		add_assoc_string(row, "copy_to", a->copy_to);
	else
		add_assoc_null(row, "copy_to");
	add_lines(row, "other", a->other, a->other_count);
}

PHP_FUNCTION(vpopmail_autoresponder_get)
{
	zend_string *name, *domain;
	vp_autoresponder a;
	vp_config cfg;
	vp_error err;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(name)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(name, 1);
	CHECK_STR(domain, 2);
	clear_error();
	if (!load_config(&cfg, &err)) {
		warn_error(&err);
		RETURN_FALSE;
	}
	int rc = vp_autoresponder_get(&cfg, ZSTR_VAL(name), ZSTR_VAL(domain), &a, &err);
	if (rc == 0)
		vp_fail(&err, VA_ALIAS_DOES_NOT_EXIST, "no autoresponder %s@%s", ZSTR_VAL(name), ZSTR_VAL(domain));
	if (rc != 1) {
		warn_error(&err);
		RETURN_FALSE;
	}
	robot_row(return_value, &a);
	vp_autoresponder_free(&a);
}

static int collect_robot(void *ctx, const vp_autoresponder *a)
{
	zval row;
	robot_row(&row, a);
	zend_symtable_str_update(Z_ARRVAL_P((zval *)ctx), a->name, strlen(a->name), &row);
	return 0;
}

PHP_FUNCTION(vpopmail_autoresponder_list)
{
	zend_string *domain;
	vp_config cfg;
	vp_error err;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	clear_error();
	if (!load_config(&cfg, &err)) {
		warn_error(&err);
		RETURN_FALSE;
	}
	array_init(return_value);
	if (vp_autoresponder_list(&cfg, ZSTR_VAL(domain), collect_robot, return_value, &err) != 0) {
		zval_ptr_dtor(return_value);
		warn_error(&err);
		RETURN_FALSE;
	}
}

/* ---- the read side ---- */

static const struct { const char *name; unsigned long bit; } user_flags[] = {
	{ "no_passwd_chng", VP_NO_PASSWD_CHNG }, { "no_pop", VP_NO_POP },
	{ "no_webmail", VP_NO_WEBMAIL }, { "no_imap", VP_NO_IMAP },
	{ "bounce_mail", VP_BOUNCE_MAIL }, { "no_relay", VP_NO_RELAY },
	{ "no_dialup", VP_NO_DIALUP }, { "v_user0", VP_V_USER0 }, { "v_user1", VP_V_USER1 },
	{ "v_user2", VP_V_USER2 }, { "v_user3", VP_V_USER3 }, { "no_smtp", VP_NO_SMTP },
	{ "qa_admin", VP_QA_ADMIN }, { "v_override", VP_V_OVERRIDE },
	{ "no_spamassassin", VP_NO_SPAMASSASSIN }, { "delete_spam", VP_DELETE_SPAM },
	{ "sa_admin", VP_SA_ADMIN }, { "sa_expert", VP_SA_EXPERT }, { "no_maildrop", VP_NO_MAILDROP },
};

static void add_long_or_null(zval *arr, const char *key, long long v, bool present)
{
	if (present)
		add_assoc_long(arr, key, (zend_long)v);
	else
		add_assoc_null(arr, key);
}

PHP_FUNCTION(vpopmail_user_info)
{
	zend_string *user, *domain;
	bool with_hash = false;
	vp_config cfg;
	vp_error err;

	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_STR(user)
		Z_PARAM_STR(domain)
		Z_PARAM_OPTIONAL
		Z_PARAM_BOOL(with_hash)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(user, 1);
	CHECK_STR(domain, 2);
	clear_error();
	if (!load_config(&cfg, &err)) {
		warn_error(&err);
		RETURN_FALSE;
	}
	vp_user_info *ui = emalloc(sizeof *ui);
	int rc = vp_user_info_get(&cfg, ZSTR_VAL(user), ZSTR_VAL(domain), ui, &err);
	if (rc != 1) {
		if (rc == 0 && err.code == 0)
			vp_fail(&err, VA_USER_DOES_NOT_EXIST, NULL);
		warn_error(&err);
		explicit_bzero(ui, sizeof *ui);
		efree(ui);
		RETURN_FALSE;
	}
	const vp_user_entry *e = &ui->e;
	zval flags;
	array_init(return_value);
	add_assoc_string(return_value, "name", e->name);
	add_assoc_string(return_value, "domain", ui->domain);
	add_assoc_string(return_value, "gecos", e->gecos);
	add_assoc_string(return_value, "dir", e->dir);
	add_assoc_string(return_value, "quota", e->quota);
	add_long_or_null(return_value, "quota_bytes", ui->quota_bytes, ui->quota_bytes >= 0);
	add_long_or_null(return_value, "quota_messages", ui->quota_count, ui->quota_count >= 0);
	add_assoc_long(return_value, "flags", (zend_long)e->flags);
	array_init(&flags);
	for (size_t i = 0; i < sizeof user_flags / sizeof user_flags[0]; i++)
		add_assoc_bool(&flags, user_flags[i].name, (e->flags & user_flags[i].bit) != 0);
	add_assoc_zval(return_value, "flag", &flags);
	add_assoc_long(return_value, "uid", e->uid_flag);
	add_assoc_string(return_value, "scheme", ui->scheme);
	add_assoc_bool(return_value, "has_clear_password", e->has_clear && e->clear[0]);
	if (with_hash)
		add_assoc_string(return_value, "hash", e->passwd);
	add_long_or_null(return_value, "last_auth", ui->lastauth_time, ui->lastauth_state == 2);
	if (ui->lastauth_state == 2)
		add_assoc_string(return_value, "last_auth_ip", ui->lastauth_ip);
	else
		add_assoc_null(return_value, "last_auth_ip");
	add_long_or_null(return_value, "created", ui->lastauth_time, ui->lastauth_state == 1);
	explicit_bzero(ui, sizeof *ui);
	efree(ui);
}

static int collect_user(void *ctx, const vp_user_entry *e)
{
	zval row;
	array_init_size(&row, 6);
	add_assoc_string(&row, "name", e->name);
	add_assoc_string(&row, "gecos", e->gecos);
	add_assoc_string(&row, "dir", e->dir);
	add_assoc_string(&row, "quota", e->quota);
	add_assoc_long(&row, "flags", (zend_long)e->flags);
	add_assoc_long(&row, "uid", e->uid_flag);
	add_next_index_zval((zval *)ctx, &row);
	return 0;
}

PHP_FUNCTION(vpopmail_list_users)
{
	zend_string *domain;
	zend_long offset = 0, limit = 0;
	vp_config cfg;
	vp_error err;

	ZEND_PARSE_PARAMETERS_START(1, 3)
		Z_PARAM_STR(domain)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(offset)
		Z_PARAM_LONG(limit)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	if (offset < 0) {
		zend_argument_value_error(2, "must be greater than or equal to 0");
		RETURN_THROWS();
	}
	if (limit < 0) {
		zend_argument_value_error(3, "must be greater than or equal to 0");
		RETURN_THROWS();
	}
	clear_error();
	if (!load_config(&cfg, &err)) {
		warn_error(&err);
		RETURN_FALSE;
	}
	array_init(return_value);
	if (vp_list_users(&cfg, ZSTR_VAL(domain), (unsigned long)offset, (unsigned long)limit,
	                  collect_user, return_value, &err) != 0) {
		zval_ptr_dtor(return_value);
		warn_error(&err);
		RETURN_FALSE;
	}
}

PHP_FUNCTION(vpopmail_count_users)
{
	zend_string *domain;
	vp_config cfg;
	vp_error err;
	unsigned long n = 0;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	clear_error();
	if (!load_config(&cfg, &err) || vp_count_users(&cfg, ZSTR_VAL(domain), &n, &err) != 0) {
		warn_error(&err);
		RETURN_FALSE;
	}
	RETURN_LONG((zend_long)n);
}

static void domain_row(zval *row, const vp_domain_info *d, unsigned long users)
{
	array_init(row);
	add_assoc_string(row, "domain", d->name);
	add_assoc_string(row, "real_domain", d->realdomain);
	add_assoc_bool(row, "is_alias", d->is_alias);
	add_assoc_string(row, "dir", d->dir);
	add_assoc_long(row, "uid", (zend_long)d->uid);
	add_assoc_long(row, "gid", (zend_long)d->gid);
	add_assoc_long(row, "users", (zend_long)users);
}

static int collect_domain(void *ctx, const vp_domain_info *d, unsigned long users)
{
	zval row;
	domain_row(&row, d, users);
	add_next_index_zval((zval *)ctx, &row);
	return 0;
}

PHP_FUNCTION(vpopmail_list_domains)
{
	vp_config cfg;
	vp_error err;

	ZEND_PARSE_PARAMETERS_NONE();
	clear_error();
	array_init(return_value);
	if (!load_config(&cfg, &err) || vp_list_domains(&cfg, collect_domain, return_value, &err) != 0) {
		/* The signature promises an array: the failure is the warning and the error state. */
		zend_hash_clean(Z_ARRVAL_P(return_value));
		warn_error(&err);
	}
}

PHP_FUNCTION(vpopmail_domain_info)
{
	zend_string *domain;
	vp_config cfg;
	vp_error err;
	vp_domain_info d;
	unsigned long users = 0;
	char **names = NULL;
	size_t count = 0;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	clear_error();
	if (!load_config(&cfg, &err)) {
		warn_error(&err);
		RETURN_FALSE;
	}
	int rc = vp_domain_info_get(&cfg, ZSTR_VAL(domain), &d, &users, &err);
	if (rc != 1 || vp_assign_names_for(&cfg, d.realdomain, &names, &count, &err) != 0) {
		warn_error(&err);
		RETURN_FALSE;
	}
	zval aliases;
	domain_row(return_value, &d, users);
	array_init(&aliases);
	for (size_t i = 0; i < count; i++)
		if (strcmp(names[i], d.realdomain) != 0)
			add_next_index_string(&aliases, names[i]);
	vp_free_names(names, count);
	add_assoc_zval(return_value, "aliases", &aliases);
}

PHP_FUNCTION(vpopmail_error)
{
	ZEND_PARSE_PARAMETERS_NONE();
	if (VPOPMAIL_G(last_errno) == 0)
		RETURN_STRING(vp_strerror(0));
	RETURN_STRING(VPOPMAIL_G(last_error));
}

PHP_FUNCTION(vpopmail_errno)
{
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_LONG(VPOPMAIL_G(last_errno));
}

/* ---- domain limits, usage, password policy, self-service change (issue 16) ---- */

enum { LK_MAX, LK_NUM, LK_FLAG, LK_PERM };

/* The keys of .qmailadmin-limits, in its order; perm_maillist_users and
 * _moderators are the two groups vpopmail packs into perm_maillist. */
static const struct {
	const char *key;
	int kind;
	size_t off;          /* LK_MAX: long, LK_NUM: unsigned long long, LK_PERM: unsigned */
	unsigned long flag;  /* LK_FLAG */
} limit_keys[] = {
	{ "maxpopaccounts", LK_MAX, offsetof(vp_limits, max_popaccounts), 0 },
	{ "maxaliases", LK_MAX, offsetof(vp_limits, max_aliases), 0 },
	{ "maxforwards", LK_MAX, offsetof(vp_limits, max_forwards), 0 },
	{ "maxautoresponders", LK_MAX, offsetof(vp_limits, max_autoresponders), 0 },
	{ "maxmailinglists", LK_MAX, offsetof(vp_limits, max_mailinglists), 0 },
	{ "quota", LK_NUM, offsetof(vp_limits, quota_mb), 0 },
	{ "maxmsgcount", LK_NUM, offsetof(vp_limits, maxmsgcount), 0 },
	{ "default_quota", LK_NUM, offsetof(vp_limits, default_quota), 0 },
	{ "default_maxmsgcount", LK_NUM, offsetof(vp_limits, default_maxmsgcount), 0 },
	{ "disable_pop", LK_FLAG, 0, VP_NO_POP },
	{ "disable_imap", LK_FLAG, 0, VP_NO_IMAP },
	{ "disable_dialup", LK_FLAG, 0, VP_NO_DIALUP },
	{ "disable_password_changing", LK_FLAG, 0, VP_NO_PASSWD_CHNG },
	{ "disable_webmail", LK_FLAG, 0, VP_NO_WEBMAIL },
	{ "disable_external_relay", LK_FLAG, 0, VP_NO_RELAY },
	{ "disable_smtp", LK_FLAG, 0, VP_NO_SMTP },
	{ "disable_spamassassin", LK_FLAG, 0, VP_NO_SPAMASSASSIN },
	{ "delete_spam", LK_FLAG, 0, VP_DELETE_SPAM },
	{ "disable_maildrop", LK_FLAG, 0, VP_NO_MAILDROP },
	{ "perm_account", LK_PERM, offsetof(vp_limits, perm_account), 0 },
	{ "perm_alias", LK_PERM, offsetof(vp_limits, perm_alias), 0 },
	{ "perm_forward", LK_PERM, offsetof(vp_limits, perm_forward), 0 },
	{ "perm_autoresponder", LK_PERM, offsetof(vp_limits, perm_autoresponder), 0 },
	{ "perm_maillist", LK_PERM, offsetof(vp_limits, perm_maillist), 0 },
	{ "perm_maillist_users", LK_PERM, offsetof(vp_limits, perm_maillist_users), 0 },
	{ "perm_maillist_moderators", LK_PERM, offsetof(vp_limits, perm_maillist_moderators), 0 },
	{ "perm_quota", LK_PERM, offsetof(vp_limits, perm_quota), 0 },
	{ "perm_defaultquota", LK_PERM, offsetof(vp_limits, perm_defaultquota), 0 },
};
#define LIMIT_KEYS (sizeof limit_keys / sizeof limit_keys[0])

static void limits_array(zval *arr, const vp_limits *l)
{
	static const char *const sources[] = { "builtin", "domain", "default", "table" };
	array_init_size(arr, LIMIT_KEYS + 1);
	for (size_t i = 0; i < LIMIT_KEYS; i++) {
		const char *base = (const char *)l + limit_keys[i].off;
		switch (limit_keys[i].kind) {
		case LK_MAX:
			add_assoc_long(arr, limit_keys[i].key, (zend_long) * (const long *)base);
			break;
		case LK_NUM:
			add_assoc_long(arr, limit_keys[i].key, (zend_long) * (const unsigned long long *)base);
			break;
		case LK_FLAG:
			add_assoc_bool(arr, limit_keys[i].key, (l->flag_mask & limit_keys[i].flag) != 0);
			break;
		default:
			add_assoc_long(arr, limit_keys[i].key, (zend_long) * (const unsigned *)base);
			break;
		}
	}
	add_assoc_string(arr, "source", sources[l->source >= 0 && l->source <= 3 ? l->source : 0]);
}

PHP_FUNCTION(vpopmail_get_domain_limits)
{
	zend_string *domain;
	vp_limits l;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	VP_CALL_THEN(vp_get_domain_limits(cfg, ZSTR_VAL(domain), &l, err), {
		limits_array(return_value, &l);
		return;
	});
}

/* Every key of $limits checked (TypeError / ValueError) before anything runs. */
static bool limits_args_ok(HashTable *ht, uint32_t arg)
{
	zend_string *key;
	zval *val;
	ZEND_HASH_FOREACH_STR_KEY_VAL(ht, key, val) {
		size_t i = 0;
		if (!key) {
			zend_argument_value_error(arg, "must have string keys (the .qmailadmin-limits keywords)");
			return false;
		}
		if (zend_string_equals_literal(key, "source"))
			continue; /* what vpopmail_get_domain_limits() adds: ignored */
		while (i < LIMIT_KEYS && !zend_string_equals_cstr(key, limit_keys[i].key, strlen(limit_keys[i].key)))
			i++;
		if (i == LIMIT_KEYS) {
			zend_argument_value_error(arg, "has an unknown key \"%s\"",
			                          memchr(ZSTR_VAL(key), '\0', ZSTR_LEN(key)) || ZSTR_LEN(key) > 64
			                              ? "(not printable)" : ZSTR_VAL(key));
			return false;
		}
		ZVAL_DEREF(val);
		if (limit_keys[i].kind == LK_FLAG) {
			if (Z_TYPE_P(val) != IS_TRUE && Z_TYPE_P(val) != IS_FALSE) {
				zend_argument_type_error(arg, "\"%s\" must be of type bool, %s given",
				                         limit_keys[i].key, zend_zval_type_name(val));
				return false;
			}
			continue;
		}
		if (Z_TYPE_P(val) != IS_LONG) {
			zend_argument_type_error(arg, "\"%s\" must be of type int, %s given", limit_keys[i].key,
			                         zend_zval_type_name(val));
			return false;
		}
		zend_long v = Z_LVAL_P(val);
		if (limit_keys[i].kind == LK_MAX && (v < -1 || v > INT_MAX)) {
			zend_argument_value_error(arg, "\"%s\" must be between -1 (unlimited) and %d",
			                          limit_keys[i].key, INT_MAX);
			return false;
		}
		if (limit_keys[i].kind == LK_NUM && v < 0) {
			zend_argument_value_error(arg, "\"%s\" must be 0 (none) or more", limit_keys[i].key);
			return false;
		}
		if (limit_keys[i].kind == LK_PERM && (v < 0 || v > VP_PERM_ALL)) {
			zend_argument_value_error(arg, "\"%s\" must be between 0 and 7 (VPOPMAIL_PERM_DENY_* bits)",
			                          limit_keys[i].key);
			return false;
		}
	} ZEND_HASH_FOREACH_END();
	return true;
}

/* vp_edit_domain_limits' callback: the checked array over the current limits. */
static int limits_apply(void *ctx, vp_limits *l, vp_error *err)
{
	zend_string *key;
	zval *val;
	(void)err;
	ZEND_HASH_FOREACH_STR_KEY_VAL((HashTable *)ctx, key, val) {
		for (size_t i = 0; i < LIMIT_KEYS; i++) {
			if (!zend_string_equals_cstr(key, limit_keys[i].key, strlen(limit_keys[i].key)))
				continue;
			char *base = (char *)l + limit_keys[i].off;
			ZVAL_DEREF(val);
			switch (limit_keys[i].kind) {
			case LK_MAX: *(long *)base = (long)Z_LVAL_P(val); break;
			case LK_NUM: *(unsigned long long *)base = (unsigned long long)Z_LVAL_P(val); break;
			case LK_PERM: *(unsigned *)base = (unsigned)Z_LVAL_P(val); break;
			default:
				if (Z_TYPE_P(val) == IS_TRUE)
					l->flag_mask |= limit_keys[i].flag;
				else
					l->flag_mask &= ~limit_keys[i].flag;
			}
		}
	} ZEND_HASH_FOREACH_END();
	return 0;
}

PHP_FUNCTION(vpopmail_set_domain_limits)
{
	zend_string *domain;
	HashTable *limits;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(domain)
		Z_PARAM_ARRAY_HT(limits)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	if (!limits_args_ok(limits, 2))
		RETURN_THROWS();
	VP_CALL(vp_edit_domain_limits(cfg, ZSTR_VAL(domain), limits_apply, limits, err));
}

PHP_FUNCTION(vpopmail_del_domain_limits)
{
	zend_string *domain;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(domain)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	VP_CALL(vp_del_domain_limits(cfg, ZSTR_VAL(domain), err));
}

static void usage_pair(zval *arr, const char *key, unsigned long count, long max)
{
	zval p;
	array_init_size(&p, 2);
	add_assoc_long(&p, "count", (zend_long)count);
	if (max >= 0)
		add_assoc_long(&p, "max", (zend_long)max);
	else
		add_assoc_null(&p, "max");
	add_assoc_zval(arr, key, &p);
}

static zend_long clamp_ull(unsigned long long v)
{
	return v > (unsigned long long)ZEND_LONG_MAX ? ZEND_LONG_MAX : (zend_long)v;
}

static int convert_count(void *ctx, const vp_convert_counts *n)
{
	zval row;
	array_init(&row);
	add_assoc_long(&row, "users", (zend_long)n->users);
	add_assoc_long(&row, "removed", (zend_long)n->removed);
	add_assoc_long(&row, "lastauth", (zend_long)n->lastauth);
	add_assoc_long(&row, "alias_domains", (zend_long)n->alias_domains);
	add_assoc_long(&row, "aliases", (zend_long)n->aliases);
	add_assoc_long(&row, "alias_lines", (zend_long)n->alias_lines);
	add_assoc_zval((zval *)ctx, n->domain, &row);
	return 0;
}

PHP_FUNCTION(vpopmail_convert)
{
	zend_string *from, *to, *domain = NULL;
	vp_config cfg;
	vp_error err;

	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_STR(from)
		Z_PARAM_STR(to)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(domain)
	ZEND_PARSE_PARAMETERS_END();
	int f_cdb = zend_string_equals_literal(from, "cdb"), f_sql = zend_string_equals_literal(from, "mysql");
	int t_cdb = zend_string_equals_literal(to, "cdb"), t_sql = zend_string_equals_literal(to, "mysql");
	if (!f_cdb && !f_sql) {
		zend_argument_value_error(1, "must be \"cdb\" or \"mysql\"");
		RETURN_THROWS();
	}
	if ((!t_cdb && !t_sql) || (f_cdb && t_cdb) || (f_sql && t_sql)) {
		zend_argument_value_error(2, "must be \"cdb\" or \"mysql\", and not the same as argument #1 ($from)");
		RETURN_THROWS();
	}
	if (domain)
		CHECK_STR(domain, 3);
	clear_error();
	if (!load_config(&cfg, &err) || !ensure_store(&cfg, &err)) {
		warn_error(&err);
		RETURN_FALSE;
	}
	/* both sides at once: the files through cfg, the tables through this handle */
	cfg.valias = VPOPMAIL_G(valias);
	array_init(return_value);
	if (vp_convert(&cfg, VPOPMAIL_G(store), t_sql, domain ? ZSTR_VAL(domain) : NULL, convert_count,
	               return_value, &err) != 0) {
		zval_ptr_dtor(return_value);
		warn_error(&err);
		RETURN_FALSE;
	}
}

PHP_FUNCTION(vpopmail_domain_usage)
{
	zend_string *domain;
	bool exact = false, disk_usage = true;
	vp_domain_usage *u;
	vp_config cfg;
	vp_error err;

	ZEND_PARSE_PARAMETERS_START(1, 3)
		Z_PARAM_STR(domain)
		Z_PARAM_OPTIONAL
		Z_PARAM_BOOL(exact)
		Z_PARAM_BOOL(disk_usage)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(domain, 1);
	clear_error();
	if (!load_config(&cfg, &err)) {
		warn_error(&err);
		RETURN_FALSE;
	}
	u = emalloc(sizeof *u);
	int flags = (exact ? VP_USAGE_EXACT : 0) | (disk_usage ? 0 : VP_USAGE_NO_DISK);
	if (vp_domain_usage_get(&cfg, ZSTR_VAL(domain), flags, u, &err) != 0) {
		efree(u);
		warn_error(&err);
		RETURN_FALSE;
	}
	const vp_limits *l = &u->limits;
	zval disk, lim;
	array_init(return_value);
	add_assoc_string(return_value, "domain", u->domain);
	usage_pair(return_value, "mailboxes", u->mailboxes, l->max_popaccounts);
	usage_pair(return_value, "aliases", u->aliases, l->max_aliases);
	usage_pair(return_value, "forwards", u->forwards, l->max_forwards);
	usage_pair(return_value, "autoresponders", u->autoresponders, l->max_autoresponders);
	usage_pair(return_value, "mailinglists", u->mailinglists, l->max_mailinglists);
	add_assoc_long(return_value, "blackholes", (zend_long)u->blackholes);
	array_init(&disk);
	if (disk_usage) {
		add_assoc_long(&disk, "bytes", clamp_ull(u->bytes));
		add_assoc_long(&disk, "messages", clamp_ull(u->messages));
	} else { /* not measured */
		add_assoc_null(&disk, "bytes");
		add_assoc_null(&disk, "messages");
	}
	if (l->quota_mb > 0)
		add_assoc_long(&disk, "quota_bytes", clamp_ull(l->quota_mb > (unsigned long long)ZEND_LONG_MAX / 1048576
		                                                   ? (unsigned long long)ZEND_LONG_MAX
		                                                   : l->quota_mb * 1048576ULL));
	else
		add_assoc_null(&disk, "quota_bytes");
	if (l->maxmsgcount > 0)
		add_assoc_long(&disk, "quota_messages", clamp_ull(l->maxmsgcount));
	else
		add_assoc_null(&disk, "quota_messages");
	add_assoc_long(&disk, "allocated_bytes", clamp_ull(u->quota_allocated));
	add_assoc_long(&disk, "unlimited_mailboxes", (zend_long)u->unlimited);
	if (disk_usage)
		add_assoc_long(&disk, "scanned", (zend_long)u->scanned);
	else
		add_assoc_null(&disk, "scanned");
	add_assoc_zval(return_value, "disk", &disk);
	limits_array(&lim, l);
	add_assoc_zval(return_value, "limits", &lim);
	efree(u);
}

PHP_FUNCTION(vpopmail_enforce_limits)
{
	bool enforce = false, is_null = true;

	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_BOOL_OR_NULL(enforce, is_null)
	ZEND_PARSE_PARAMETERS_END();
	bool before = VPOPMAIL_G(enforce_override) >= 0 ? VPOPMAIL_G(enforce_override) != 0
	                                                 : VPOPMAIL_G(enforce_limits);
	if (!is_null)
		VPOPMAIL_G(enforce_override) = enforce ? 1 : 0;
	RETURN_BOOL(before);
}

PHP_FUNCTION(vpopmail_password_strength)
{
	zend_string *password;
	vp_policy_result r;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(password)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(password, 1);
	VP_CALL_THEN(vp_policy_test(cfg, ZSTR_VAL(password), &r, err), {
		array_init_size(return_value, 5);
		add_assoc_bool(return_value, "ok", r.code == 0);
		add_assoc_long(return_value, "code", r.code);
		add_assoc_string(return_value, "message", r.message);
		if (r.policy[0])
			add_assoc_string(return_value, "policy", r.policy);
		else
			add_assoc_null(return_value, "policy");
		add_assoc_long(return_value, "rules", r.rules);
		return;
	});
}

PHP_FUNCTION(vpopmail_change_password)
{
	zend_string *user, *domain, *oldpw, *newpw;
	vp_config cfg;
	vp_error err;

	ZEND_PARSE_PARAMETERS_START(4, 4)
		Z_PARAM_STR(user)
		Z_PARAM_STR(domain)
		Z_PARAM_STR(oldpw)
		Z_PARAM_STR(newpw)
	ZEND_PARSE_PARAMETERS_END();
	CHECK_STR(user, 1);
	CHECK_STR(domain, 2);
	CHECK_STR(oldpw, 3);
	CHECK_STR(newpw, 4);
	clear_error();
	if (!load_config(&cfg, &err)) {
		warn_error(&err);
		RETURN_FALSE;
	}
	int rc = vp_change_password(&cfg, ZSTR_VAL(user), ZSTR_VAL(domain), ZSTR_VAL(oldpw),
	                            ZSTR_VAL(newpw), &err);
	if (rc == 0)
		RETURN_TRUE;
	/* What a user can get wrong is a silent false, as for auth_user; real trouble warns. */
	if (rc == VA_WRONG_PASSWORD || rc == VA_DOMAIN_DOES_NOT_EXIST || rc == VA_INVALID_DOMAIN_NAME ||
	    rc == VA_DOMAIN_NAME_TOO_LONG || rc == VA_PASSWD_CHANGE_DENIED || rc == VA_PASSWD_TOO_LONG ||
	    rc == VA_BAD_CHAR || (rc <= VA_PWSTR_EMPTY && rc >= VA_PWSTR_DELTA))
		set_error(&err);
	else
		warn_error(&err);
	RETURN_FALSE;
}

static PHP_GINIT_FUNCTION(vpopmail)
{
#if defined(COMPILE_DL_VPOPMAIL) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	memset(vpopmail_globals, 0, sizeof(*vpopmail_globals));
	vpopmail_globals->enforce_override = -1;
}

static PHP_GSHUTDOWN_FUNCTION(vpopmail)
{
	vp_store_close(vpopmail_globals->store);
	vpopmail_globals->store = NULL;
	vp_reaper_free(vpopmail_globals->reaper);
	vpopmail_globals->reaper = NULL;
}

static PHP_MINIT_FUNCTION(vpopmail)
{
	REGISTER_INI_ENTRIES();
	register_vpopmail_symbols(module_number);
	vp_store_library_init(); /* Connector/C's one-time init, before any thread */
	/* Said once at start-up; PHP still starts (a failing MINIT would take every
	 * other script down with it) and every call then fails with VA_BAD_CONFIG. */
	vp_error err;
	if (!check_dirs(&err))
		zend_error(E_CORE_WARNING, "vpopmail: %s; every vpopmail_* function will fail", err.msg);
	return SUCCESS;
}

static PHP_MSHUTDOWN_FUNCTION(vpopmail)
{
	/* this thread's handle before the library goes (GSHUTDOWN comes later) */
	vp_store_close(VPOPMAIL_G(store));
	VPOPMAIL_G(store) = NULL;
	vp_reaper_free(VPOPMAIL_G(reaper)); /* its thread runs this module's code */
	VPOPMAIL_G(reaper) = NULL;
	vp_store_library_end();
	UNREGISTER_INI_ENTRIES();
	return SUCCESS;
}

static PHP_RINIT_FUNCTION(vpopmail)
{
#if defined(COMPILE_DL_VPOPMAIL) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	clear_error();
	VPOPMAIL_G(enforce_override) = -1; /* vpopmail_enforce_limits() lasts one request */
	return SUCCESS;
}

static PHP_RSHUTDOWN_FUNCTION(vpopmail)
{
	/* A request cut short never leaves a transaction open on the kept connection. */
	if (VPOPMAIL_G(store) && vp_store_in_txn(VPOPMAIL_G(store))) {
		vp_error ignored;
		vp_store_rollback(VPOPMAIL_G(store), &ignored);
	}
	/* the next request may read from the replica again */
	vp_store_end_request(VPOPMAIL_G(store));
	return SUCCESS;
}

static void info_writable(const char *label, const char *path)
{
	char hint[512];
	if (access(path, W_OK) == 0)
		snprintf(hint, sizeof hint, "yes (%s)", path);
	else if (errno == ENOENT)
		snprintf(hint, sizeof hint, "no: %s does not exist", path);
	else
		snprintf(hint, sizeof hint, "no: %s is not writable by uid %ld; run PHP as root or the vpopmail user",
		         path, (long)geteuid());
	php_info_print_table_row(2, label, hint);
}

/* Backend rows: which store, and for mysql where it is and whether it answers. */
static void info_store(const vp_config *cfg)
{
	vp_store *s = vp_cfg_store(cfg);
	if (!s) {
		php_info_print_table_row(2, "Backend", "cdb (vpasswd files)");
		return;
	}
	vp_error err;
	char buf[512];
	int rc = vp_store_ping(s, &err);
	vp_store_info in;
	vp_store_info_get(s, &in);
	php_info_print_table_row(2, "Backend", "mysql");
	if (in.write_server[0]) {
		static const char *const up[] = { "not connected yet", "down (its last connect failed)",
		                                  "connected" };
		snprintf(buf, sizeof buf, "%s: %s", in.server, up[in.read_up + 1]);
		php_info_print_table_row(2, "MySQL server for reads (vpopmail.mysql line 1)", buf);
		snprintf(buf, sizeof buf, "%s: %s", in.write_server, up[in.write_up + 1]);
		php_info_print_table_row(2, "MySQL server for updates (line 2)", buf);
		php_info_print_table_row(2, "Reads after a write",
		                         strcmp(VPOPMAIL_G(mysql_read_after_write), "gtid") == 0
		                         ? "from the replica once it has the write's GTID (vpopmail.mysql_read_after_write)"
		                         : "from the primary until the request ends (vpopmail.mysql_read_after_write)");
	} else
		php_info_print_table_row(2, "MySQL server", in.server[0] ? in.server : "(vpopmail.mysql unreadable)");
	php_info_print_table_row(2, "MySQL database", in.database);
	php_info_print_table_row(2, "Schema variant",
	                         in.layout == VP_STORE_LAYOUT_MANY ? "many-domains (one vpopmail table)"
	                         : in.layout == VP_STORE_LAYOUT_PER_DOMAIN ? "disable-many-domains (one table per domain)"
	                         : "unknown (not connected)");
	if (rc == 0)
		snprintf(buf, sizeof buf, "yes");
	else
		snprintf(buf, sizeof buf, "no: %s", err.msg[0] ? err.msg : vp_strerror(rc));
	php_info_print_table_row(2, "MySQL connection works", buf);
	snprintf(buf, sizeof buf, "%lu", in.connects);
	php_info_print_table_row(2, "MySQL connects by this process", buf);
	php_info_print_table_row(2, "Aliases", cfg->valias ? "table valias (vpopmail.valias)"
	                                                   : ".qmail-<alias> files");
	php_info_print_table_row(2, "Logins logged in table vlog", cfg->sql_logging ? "yes" : "no");
}

static PHP_MINFO_FUNCTION(vpopmail)
{
	vp_config cfg;
	vp_error err;
	char buf[256], path[4096];

	php_info_print_table_start();
	php_info_print_table_row(2, "vpopmail support", "enabled");
	php_info_print_table_row(2, "Extension version", PHP_VPOPMAIL_VERSION);
	php_info_print_table_row(2, "Core (libcore) version", VPCORE_VERSION);
	php_info_print_table_row(2, "vpopmail directory", VPOPMAIL_G(directory));
	php_info_print_table_row(2, "qmail directory", VPOPMAIL_G(qmail_dir));
	if (load_config(&cfg, &err)) {
		snprintf(buf, sizeof buf, "%ld:%ld (this process runs as %ld:%ld)", (long)cfg.uid,
		         (long)cfg.gid, (long)geteuid(), (long)getegid());
		php_info_print_table_row(2, "Domain owner uid:gid", buf);
		php_info_print_table_row(2, "Password scheme", VPOPMAIL_G(password_scheme));
		php_info_print_table_row(2, "Logins recorded in lastauth",
		                         cfg.auth_logging ? "yes (vpopmail.auth_logging)" : "no");
		php_info_print_table_row(2, "Domain limits enforced",
		                         cfg.enforce_limits ? "yes (vpopmail.enforce_limits)" : "no");
		php_info_print_table_row(2, "Files chowned to the domain owner",
		                         cfg.chown_files ? "yes" : "no (not running as root)");
		info_writable("Can write the vpopmail tree", cfg.vpopmail_dir);
		info_store(&cfg);
		snprintf(path, sizeof path, "%s/users", cfg.qmail_dir);
		info_writable("Can write users/assign", path);
		snprintf(path, sizeof path, "%s/control", cfg.qmail_dir);
		info_writable("Can write qmail control files", path);
	} else {
		snprintf(path, sizeof path, "%s (every vpopmail_* function fails with "
		         "VPOPMAIL_VA_BAD_CONFIG until this is fixed)", err.msg);
		php_info_print_table_row(2, "Configuration error", path);
	}
	php_info_print_table_end();
	DISPLAY_INI_ENTRIES();
}

zend_module_entry vpopmail_module_entry = {
	STANDARD_MODULE_HEADER,
	"vpopmail",
	ext_functions,
	PHP_MINIT(vpopmail),
	PHP_MSHUTDOWN(vpopmail),
	PHP_RINIT(vpopmail),
	PHP_RSHUTDOWN(vpopmail),
	PHP_MINFO(vpopmail),
	PHP_VPOPMAIL_VERSION,
	PHP_MODULE_GLOBALS(vpopmail),
	PHP_GINIT(vpopmail),
	PHP_GSHUTDOWN(vpopmail),
	NULL,
	STANDARD_MODULE_PROPERTIES_EX
};

#ifdef COMPILE_DL_VPOPMAIL
#ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
#endif
ZEND_GET_MODULE(vpopmail)
#endif
