/* php_vpopmail.h: the vpopmail extension's module entry and globals. */
#ifndef PHP_VPOPMAIL_H
#define PHP_VPOPMAIL_H

#define PHP_VPOPMAIL_VERSION "0.2.0"

#include "vpcore.h"

extern zend_module_entry vpopmail_module_entry;
#define phpext_vpopmail_ptr &vpopmail_module_entry

ZEND_BEGIN_MODULE_GLOBALS(vpopmail)
	char *directory;              /* vpopmail.directory */
	char *qmail_dir;              /* vpopmail.qmail_dir */
	char *uid;                    /* vpopmail.uid: number, user name or "" (vpopmail) */
	char *gid;                    /* vpopmail.gid: number, group name or "" (vchkpw) */
	char *password_scheme;        /* vpopmail.password_scheme */
	char *compat;                 /* vpopmail.compat: "5.6" or "5.4" */
	char *qmail_reload;           /* vpopmail.qmail_reload */
	bool clear_passwords;         /* vpopmail.clear_passwords */
	bool allow_program_aliases;   /* vpopmail.allow_program_aliases */
	zend_long lock_timeout;       /* vpopmail.lock_timeout, milliseconds */
	bool auth_logging;            /* vpopmail.auth_logging: a successful auth writes lastauth */
	bool auth_fast_unknown;       /* vpopmail.auth_fast_unknown */
	bool allow_host_domains;      /* vpopmail.allow_host_domains: control/me, locals may be domains */
	char *autoresponder;          /* vpopmail.autoresponder: the program of vacation and robot lines */
	bool enforce_limits;          /* vpopmail.enforce_limits: the site's default */
	int enforce_override;         /* vpopmail_enforce_limits() for this request: -1 none, 0, 1 */
	char *backend;                /* vpopmail.backend: cdb or mysql */
	char *mysql_config;           /* vpopmail.mysql_config: "" = <directory>/etc/vpopmail.mysql */
	char *mysql_socket;           /* vpopmail.mysql_socket: "" = Connector/C's default */
	zend_long mysql_connect_timeout; /* vpopmail.mysql_connect_timeout, seconds */
	char *mysql_limits;           /* vpopmail.mysql_limits: auto, table, files */
	char *mysql_layout;           /* vpopmail.mysql_layout: auto, many-domains, disable-many-domains */
	char *mysql_read_after_write; /* vpopmail.mysql_read_after_write: primary or gtid */
	zend_long mysql_gtid_wait_ms; /* vpopmail.mysql_gtid_wait_ms */
	bool valias;                  /* vpopmail.valias: mysql aliases in table valias (--enable-valias) */
	bool sql_logging;             /* vpopmail.sql_logging: auth calls logged in vlog (--enable-sql-logging) */
	struct vp_store *store;       /* mysql: this thread's handle, opened on first use, kept */
	vp_config store_cfg;          /* the configuration the handle was opened with (outlives it) */
	struct vp_reaper *reaper;     /* closes a delete's freed inodes after the call (vp_closer) */
	bool ids_resolved;            /* uid/gid looked up once: the settings are PHP_INI_SYSTEM */
	int ids_error;                /* 0, or 1 (uid) / 2 (gid) naming the setting that failed */
	zend_long uid_value;
	zend_long gid_value;
	zend_long last_errno;
	char last_error[256];
ZEND_END_MODULE_GLOBALS(vpopmail)

ZEND_EXTERN_MODULE_GLOBALS(vpopmail)
#define VPOPMAIL_G(v) ZEND_MODULE_GLOBALS_ACCESSOR(vpopmail, v)

#if defined(ZTS) && defined(COMPILE_DL_VPOPMAIL)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

#endif
