/*
 * vpcore.h: public interface of libcore, a vpopmail-compatible core
 * (cdb auth module, vpopmail 5.4/5.6 on-disk formats).
 *
 * No PHP, no global state, no chdir/umask: every call takes the caller's
 * configuration and an error struct the caller owns, so threads may call
 * concurrently with separate error structs.
 *
 * Return convention: 0 on success, a negative VA_* code on failure with
 * err->code and err->msg filled in.  Lookups return 1 found / 0 not found /
 * negative VA_* code, as tinycdb does.
 */
#ifndef VPCORE_H
#define VPCORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VPCORE_VERSION "0.1.0"

/* vpopmail's error codes (verror() texts live in vp_error.c). */
enum {
	VA_SUCCESS = 0,
	VA_ILLEGAL_USERNAME = -1,
	VA_USERNAME_EXISTS = -2,
	VA_BAD_DIR = -3,
	VA_BAD_U_DIR = -4,
	VA_BAD_D_DIR = -5,
	VA_BAD_V_DIR = -6,
	VA_EXIST_U_DIR = -7,
	VA_BAD_U_DIR2 = -8,
	VA_SUBDIR_CREATION = -9,
	VA_USER_DOES_NOT_EXIST = -10,
	VA_DOMAIN_DOES_NOT_EXIST = -11,
	VA_INVALID_DOMAIN_NAME = -12,
	VA_DOMAIN_ALREADY_EXISTS = -13,
	VA_COULD_NOT_MAKE_DOMAIN_DIR = -14,
	VA_COULD_NOT_OPEN_QMAIL_DEFAULT = -15,
	VA_CAN_NOT_MAKE_DOMAINS_DIR = -16,
	VA_COULD_NOT_UPDATE_FILE = -17,
	VA_CRYPT_FAILED = -18,
	VA_COULD_NOT_OPEN_DOT_QMAIL = -19,
	VA_BAD_CHAR = -20,
	VA_SQWEBMAIL_PASS_FAIL = -21,
	VA_BAD_UID = -22,
	VA_NO_AUTH_CONNECTION = -23,
	VA_MEMORY_ALLOC_ERR = -24,
	VA_USER_NAME_TOO_LONG = -25,
	VA_DOMAIN_NAME_TOO_LONG = -26,
	VA_PASSWD_TOO_LONG = -27,
	VA_GECOS_TOO_LONG = -28,
	VA_QUOTA_TOO_LONG = -29,
	VA_DIR_TOO_LONG = -30,
	VA_CLEAR_PASSWD_TOO_LONG = -31,
	VA_ALIAS_LINE_TOO_LONG = -32,
	VA_NULL_POINTER = -33,
	VA_INVALID_EMAIL_CHAR = -34,
	VA_PARSE_ERROR = -35,
	VA_CANNOT_READ_LIMITS = -36,
	VA_CANNOT_READ_ASSIGN = -37,
	VA_CANNOT_DELETE_CATCHALL = -55,
	VA_PWSTR_EMPTY = -69,
	VA_PWSTR_LENGTH = -70,
	VA_PWSTR_ALPHA = -71,        /* password_strength.conf: Alphabet rule */
	VA_PWSTR_NUMERIC = -72,      /* Numeric rule */
	VA_PWSTR_OTHER = -73,        /* Other rule */
	VA_PWSTR_DELTA = -74,        /* UpperLower rule */
	/* Codes below -100 are ours (spec 16.2): more precise than the originals. */
	VA_INVALID_QUOTA = -101,     /* a quota string vsetuserquota would mangle */
	VA_FILE_BUSY = -102,         /* lock not obtained within the timeout */
	VA_CORRUPT_FILE = -103,      /* a data file does not parse */
	VA_BAD_CONFIG = -104,        /* directory, uid or gid not acceptable */
	VA_ALIAS_DOES_NOT_EXIST = -105,
	VA_ALIAS_LINE_EXISTS = -106, /* exact duplicate delivery line */
	VA_PROGRAM_ALIAS_DENIED = -107,
	VA_INVALID_ALIAS_NAME = -108,
	VA_INVALID_ALIAS_LINE = -109,
	VA_PASSWD_CHANGE_DENIED = -110, /* NO_PASSWD_CHNG flag */
	VA_WRONG_PASSWORD = -111,    /* auth: the only silent "no" besides unknown user */
	VA_ACCOUNT_DISABLED = -112,  /* auth: a flag denies the requested service */
	VA_NO_SPACE = -113,          /* ENOSPC / EDQUOT while writing */
	VA_DOMAIN_NAME_CONFLICT = -114, /* name is another users/assign entry + "-..." or the reverse */
	VA_HOST_DOMAIN = -115,       /* control/me or control/locals (see allow_host_domains) */
	/* a stored directory outside its domain, or a directory on the way that
	 * is a symlink or (running as root) writable by others */
	VA_UNSAFE_PATH = -116,
	VA_LIMIT_REACHED = -120,     /* enforce_limits: a domain maximum (maxpopaccounts, ...) */
	VA_QUOTA_OVER_DOMAIN = -121  /* enforce_limits: a mailbox quota above the domain's quota */
};

#define VP_MAX_PW_NAME 64
#define VP_MAX_PW_DOMAIN 96
#define VP_MAX_PW_PASS 128
#define VP_MAX_PW_GECOS 64
#define VP_MAX_PW_CLEAR_PASSWD 128
#define VP_MAX_PW_DIR 160
#define VP_MAX_PW_QUOTA 20
#define VP_MAX_ALIAS_LINE 160
/* vgetent reads 300-byte lines: never write a vpasswd line past this (spec 6.1). */
#define VP_MAX_VPASSWD_LINE 298

/* User flags, the vpasswd "gid" field (spec 6.7). */
#define VP_NO_PASSWD_CHNG 0x01
#define VP_NO_POP 0x02
#define VP_NO_WEBMAIL 0x04
#define VP_NO_IMAP 0x08
#define VP_BOUNCE_MAIL 0x10
#define VP_NO_RELAY 0x20
#define VP_NO_DIALUP 0x40
#define VP_V_USER0 0x80
#define VP_V_USER1 0x100
#define VP_V_USER2 0x200
#define VP_V_USER3 0x400
#define VP_NO_SMTP 0x800
#define VP_QA_ADMIN 0x1000
#define VP_V_OVERRIDE 0x2000
#define VP_NO_SPAMASSASSIN 0x4000
#define VP_DELETE_SPAM 0x8000
#define VP_SA_ADMIN 0x10000
#define VP_SA_EXPERT 0x20000
#define VP_NO_MAILDROP 0x40000

typedef struct vp_error {
	int code;
	char msg[256];
} vp_error;

enum vp_hash_scheme {
	VP_HASH_SHA512 = 0, /* $6$, 5.6 default */
	VP_HASH_MD5,        /* $1$, 5.4 default */
	VP_HASH_SHA256,     /* $5$ */
	VP_HASH_BCRYPT,     /* $2b$ */
	VP_HASH_YESCRYPT    /* $y$ */
};

enum vp_reload_mode {
	VP_RELOAD_NONE = 0, /* leave it to the operator */
	VP_RELOAD_PIDFILE,  /* SIGHUP the pid written in reload_target */
	VP_RELOAD_SVC       /* daemontools: 'h' into <reload_target>/supervise/control */
};

/* Where accounts live (vp_store.h). */
enum vp_backend {
	VP_BACKEND_CDB = 0, /* vpasswd + vpasswd.cdb files, as vpopmail's cdb module */
	VP_BACKEND_MYSQL    /* vpopmail's SQL tables, through cfg->store */
};
struct vp_store;

/* Everything a call needs to know about the installation; owned by the caller. */
typedef struct vp_config {
	const char *vpopmail_dir; /* vpopmail home: domains/, bin/vdelivermail */
	const char *qmail_dir;    /* qmail root: users/, control/ */
	uid_t uid;                /* owner of new domains (vpopmail user) */
	gid_t gid;                /* group of new domains (vchkpw) */
	int chown_files;          /* chown to uid:gid (only meaningful as root) */
	int compat54;             /* 5.4 defaults: bounce-no-mailbox .qmail-default */
	enum vp_hash_scheme hash_scheme;
	int clear_passwords;      /* write the 8th vpasswd field */
	int allow_program_aliases;
	enum vp_reload_mode reload_mode;
	const char *reload_target;
	int lock_timeout_ms;      /* 0: 20000, as vpopmail's 10 x 2 s */
	int auth_logging;         /* a successful vp_auth_user_ex writes <home>/lastauth */
	int auth_fast_unknown;    /* unknown user: answer at once (0: pay one crypt, like a wrong password) */
	int allow_host_domains;   /* a name of control/me or locals may become a domain (leaves locals) */
	const char *autoresponder; /* program of vacation/robot lines; NULL: VP_AUTORESPONDER_DEFAULT */
	int enforce_limits;       /* refuse what the domain's limits forbid, as qmailadmin does */
	enum vp_backend backend;
	struct vp_store *store;   /* VP_BACKEND_MYSQL: the caller's open handle, used by one
	                             thread at a time (vp_store.h); ignored for cdb */
	int valias;               /* mysql: aliases in table valias, not .qmail-<alias> files */
	int sql_logging;          /* mysql: vp_auth_user_ex writes a vlog row per call */
	struct vp_reaper *reaper; /* or NULL: where a delete's freed inodes are closed (vp_closer) */
} vp_config;

/* ---- errors (vp_error.c) ---- */
const char *vp_strerror(int code);                 /* vpopmail's verror() text */
int vp_fail(vp_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;                                              /* fills err, returns code */
int vp_fail_errno(vp_error *err, int code, const char *what, const char *path);
void vp_error_clear(vp_error *err);

/* ---- validation (vp_validate.c) ---- */
/* Lowercases src into dst (size >= VP_MAX_PW_DOMAIN+1) and checks spec 3.1 + 15. */
int vp_domain_normalize(const char *src, size_t len, char *dst, vp_error *err);
/* Lowercases a user name into dst (size >= VP_MAX_PW_NAME+1), spec 6.2 + 15.1. */
int vp_user_normalize(const char *src, size_t len, char *dst, vp_error *err);
/* One validator per vpasswd field, shared by the single calls and vp_batch:
 * gecos (no ':' or control byte, <= 64 bytes), password (1..128 bytes; no
 * ':' CR LF when stored in clear), quota (<= 20 bytes, then
 * vp_quota_normalize into out).  vp_new_user_check: all of vp_add_user's
 * argument checks in vadduser's order (domain may be NULL: not checked),
 * the normalised name in uname (VP_MAX_PW_NAME+1). */
int vp_gecos_check(const char *gecos, vp_error *err);
int vp_password_check(const vp_config *cfg, const char *password, vp_error *err);
int vp_quota_check(const char *quota, char *out, size_t size, vp_error *err);
int vp_new_user_check(const vp_config *cfg, const char *user, const char *domain,
                      const char *password, const char *gecos, char *uname, vp_error *err);
/* Directories, uid, gid; every entry point calls it (VA_BAD_CONFIG). */
int vp_config_check(const vp_config *cfg, vp_error *err);
/* One configured directory (what names it in the message): absolute, only
 * [A-Za-z0-9/._+-], no empty, "." or ".." component; 0 or VA_BAD_CONFIG. */
int vp_config_dir_check(const char *what, const char *dir, vp_error *err);

/* ---- locking and atomic replacement (vp_file.c) ---- */
/*
 * Lock order.  A process that holds one of these locks and waits for another
 * takes them in this order, so no two writers ever wait on each other:
 *   1. <qmail>/users/assign.lock   the domain registry (add/del/alias a domain;
 *                                  also guards <home>/domains/.dir-control)
 *   2. <domaindir>/.vpasswd.lock   everything inside one domain's directory
 *                                  (users, aliases, catch-all, its .dir-control);
 *                                  taken through vp_domain_lock by every writer
 *   3. leaves, never held together: <domaindir>/.dir_control_free.lock (under 2),
 *      <qmail>/control/<file>.lock (under 1)
 * vp_del_domain holds 1 and then 2 while the domain goes; writers hold only 2
 * and never wait for 1 (a lookup under 2 only tries 1 and gives up at once).
 */
/*
 * Every write below the vpopmail home or the qmail dir reaches its directory
 * through vp_dir_open: the configured directory opened by name, each
 * component below it with O_NOFOLLOW | O_DIRECTORY.  The *_at variants work
 * in a directory so opened; their `path` names the file in messages and its
 * last component is the name used in dirfd.
 */
/* fd of dir, which must be cfg->vpopmail_dir or cfg->qmail_dir or lie below
 * one of them, reached as above (below the qmail dir, root's configuration,
 * symlinks are followed).  <0: VA_UNSAFE_PATH when dir is outside both,
 * names '.', '..' or an empty component, or, below the vpopmail home, meets
 * a symlink or (as root) a directory others may write; otherwise VA_BAD_DIR
 * with errno kept (ENOENT: a component is missing). */
int vp_dir_open(const vp_config *cfg, const char *dir, vp_error *err);
/* The directory holding path (its last component is the file). */
int vp_parent_open(const vp_config *cfg, const char *path, vp_error *err);
/* One more step: the last component of path, in dirfd, checked as vp_dir_open does. */
int vp_dir_openat(const vp_config *cfg, int dirfd, const char *path, vp_error *err);
const char *vp_path_base(const char *path);  /* the last component */

typedef struct vp_lock {
	int fd;
} vp_lock;
/* fcntl write lock on lockpath (created 0600), same files vpopmail locks. */
int vp_lock_acquire(const vp_config *cfg, const char *lockpath, vp_lock *lock, vp_error *err);
int vp_lock_acquire_at(const vp_config *cfg, int dirfd, const char *lockpath, vp_lock *lock,
                       vp_error *err);
void vp_lock_release(vp_lock *lock);

/* Which directory a path named when it was looked at.  A directory made again
 * under the same name differs in its birth time where the file system records
 * one (ext4, xfs, btrfs, tmpfs): a freed inode number is soon handed out
 * again, so dev/inode alone may not tell them apart. */
typedef struct vp_dir_id {
	dev_t dev;
	ino_t ino;
	long long birth_ns; /* 0: not recorded */
} vp_dir_id;
/* 0, or -1 with errno (id zeroed); a symlink is not followed. */
int vp_dir_id_get(const char *path, vp_dir_id *id);
int vp_dir_id_same(const vp_dir_id *a, const vp_dir_id *b);

/* A replacement file: tmp in the same dir, written, fsynced, renamed. */
typedef struct vp_atomic {
	int fd;
	int dirfd;           /* the directory (its own descriptor, closed by commit/abort) */
	int failed;          /* a write failed: commit refuses */
	int saved_errno;
	mode_t mode;
	char path[4096];
	char tmp[4096];
	char buf[8192];      /* write buffer */
	size_t buflen;
	int synced;          /* staged and fsynced already (vp_fsync_all): commit skips it */
} vp_atomic;
int vp_atomic_open(const vp_config *cfg, vp_atomic *a, const char *path, mode_t mode,
                   vp_error *err);
int vp_atomic_open_at(vp_atomic *a, int dirfd, const char *path, mode_t mode, vp_error *err);
int vp_atomic_write(vp_atomic *a, const void *data, size_t len);  /* 0 / -1 */
int vp_atomic_puts(vp_atomic *a, const char *s);
int vp_atomic_flush(vp_atomic *a);                  /* before handing a->fd to cdb_make */
/* owner: chown when cfg->chown_files and uid != (uid_t)-1. */
int vp_atomic_commit(vp_atomic *a, uid_t uid, gid_t gid, int chown_it, vp_error *err);
void vp_atomic_abort(vp_atomic *a);
/* Commit in two steps, so that several files share one journal commit:
 * stage writes the data out (chowned) and starts its writeback, no fsync;
 * commit_staged fsyncs, closes and renames (the directory fsync is the
 * caller's, vp_fsync_dir).  A file is durable only after commit_staged;
 * abort discards a staged one. */
int vp_atomic_stage(vp_atomic *a, uid_t uid, gid_t gid, int chown_it, vp_error *err);
int vp_atomic_commit_staged(vp_atomic *a, vp_error *err);
struct vp_closer;
/* The same; the file it replaces is held in keep (may be NULL) and freed later. */
int vp_atomic_commit_staged_keep(vp_atomic *a, struct vp_closer *keep, vp_error *err);
void vp_writeback_start(int fd);  /* sync_file_range(SYNC_FILE_RANGE_WRITE), no wait */
/* pthread_create with every signal blocked in the new thread (stack: its
 * size, 0 for the default): a process-wide signal (PHP's SIGPROF timeout,
 * pcntl's handlers) is then always taken by a thread of the caller's, never
 * by one of libcore's helpers.  0, or pthread_create's error. */
int vp_thread_start(void *tid, void *(*fn)(void *), void *arg, size_t stack);
/* fsync of n files at once, from up to n threads: concurrent fsyncs share
 * the journal commit and the device cache flush that sequential ones pay
 * each.  0 when every one succeeded, else -1 with errno of the first failure
 * (*failed: its index). */
int vp_fsync_all(const int *fds, size_t n, size_t *failed);
/* Descriptors whose last close frees an inode: a file renamed over or
 * unlinked, a removed directory.  On ext4 that freeing (blocks, bitmaps,
 * the orphan list) costs ~0.1 ms each, so a delete holds such entries open
 * (O_PATH, no side effects) while it unlinks them, then hands them to a
 * reaper (vp_closer_finish_to) or closes them on helper threads that
 * vp_closer_finish joins before the call returns.  Where a hold is
 * impossible (full, no fd) the entry is simply freed at its unlink. */
#define VP_CLOSER_MAX 32
#define VP_CLOSER_THREADS 3
typedef struct vp_closer {
	int fd[VP_CLOSER_MAX];
	size_t n;
	void *job[VP_CLOSER_THREADS]; /* running batches */
	size_t njobs;
} vp_closer;
void vp_closer_init(vp_closer *c);
void vp_closer_add(vp_closer *c, int fd);                    /* takes fd; NULL c: closed now */
void vp_closer_hold(vp_closer *c, int dirfd, const char *name); /* before name's unlink */
void vp_closer_detach(vp_closer *c);  /* what is held so far: closed on a thread from now */
void vp_closer_finish(vp_closer *c);  /* the rest closed (half on a thread), all joined */
/* A reaper: one thread that closes such descriptors after the call that
 * handed them over has returned (cfg->reaper; the caller owns it, one per
 * process or ZTS thread, and frees it at shutdown, which waits for it).  The
 * entries are already gone from the tree and every write is durable; only
 * the freeing of their inodes runs on.  A forked child never uses its
 * parent's reaper thread (it closes in the call). */
typedef struct vp_reaper vp_reaper;
vp_reaper *vp_reaper_new(void);
void vp_reaper_free(vp_reaper *r);    /* drains, then stops and joins its thread */
void vp_reaper_drain(vp_reaper *r);   /* waits until everything handed over is closed */
/* vp_closer_finish, handing what is held to r (NULL r: vp_closer_finish). */
void vp_closer_finish_to(vp_closer *c, vp_reaper *r);
/* Whole small file into malloc'd NUL-terminated buffer; 0 ok, -1 ENOENT, <-1 VA code. */
int vp_read_file(const char *path, char **data, size_t *len, size_t max, vp_error *err);
int vp_read_file_at(int dirfd, const char *path, char **data, size_t *len, size_t max,
                    vp_error *err);
int vp_write_file_atomic(const vp_config *cfg, const char *path, const char *data, size_t len,
                         mode_t mode, uid_t uid, gid_t gid, int chown_it, vp_error *err);
int vp_write_file_at(int dirfd, const char *path, const char *data, size_t len, mode_t mode,
                     uid_t uid, gid_t gid, int chown_it, vp_error *err);
/* mkdirat with an exact mode (umask-proof) and owner; the new dir's fd, or -1 with errno. */
int vp_mkdirat_owned(int dirfd, const char *name, mode_t mode, uid_t uid, gid_t gid, int chown_it);
/* Remove name in dirfd and everything below it, at any depth, never following
 * a symlink (one is unlinked as an entry).  0, or -1 with errno. */
int vp_remove_tree_at(int dirfd, const char *name);
/* Rename name in dirfd to ".deleted.<name>.<random>" (aside gets it): out of
 * the way at once, under a name no account, alias or domain can take.  0, or
 * -1 with errno (ENOENT: nothing there). */
int vp_move_aside_at(int dirfd, const char *name, char *aside, size_t size);
/* vp_move_aside_at, then vp_remove_tree_at of the aside name (where the
 * rename fails, the tree is removed in place).  0, or -1 with errno when
 * something is left. */
int vp_discard_at(int dirfd, const char *name);
/* The same, the removed entries held in keep (may be NULL) while they go. */
int vp_discard_at_keep(int dirfd, const char *name, struct vp_closer *keep);
/* Remove every ".deleted.*" entry of dirfd: what killed deletes left (best
 * effort; the caller holds the lock every delete there holds). */
void vp_sweep_aside_at(int dirfd);
/* The last component of path removed as vp_remove_tree_at does, in its
 * directory reached by vp_parent_open (a missing directory: nothing to do). */
int vp_remove_walked(const vp_config *cfg, const char *path, vp_error *err);
/* unlinkat in the directory of path reached by vp_parent_open; 0 / -1 errno. */
int vp_unlink_walked(const vp_config *cfg, const char *path);
/* A VA_BAD_DIR from vp_dir_open & co. re-coded as code (the detail kept); any
 * other rc (VA_UNSAFE_PATH above all) is returned as it is. */
int vp_dir_fail_as(vp_error *err, int rc, int code);
/* A caller renaming several files into one directory (vp_atomic_stage /
 * commit_staged) makes them durable with one fsync of it. */
int vp_fsync_dir(const char *dir);  /* 0 / -1 */
/* Recursively remove path, which must lie strictly inside `inside` (no symlink is followed). */
int vp_remove_tree(const char *inside, const char *path, vp_error *err);
int vp_path_join(char *dst, size_t size, const char *a, const char *b);

/* ---- .dir-control hashing (vp_dircontrol.c) ---- */
typedef struct vp_dir_control {
	unsigned long cur_users;
	int level_cur;
	int level_max;
	int level_start[3];
	int level_end[3];
	int level_mod[3];
	int level_index[3];
	char bucket[16];  /* "", "0", "0/7", "0/0/Q" */
	int mod_line_bug; /* third mod written as the second, as vpopmail's reader does */
} vp_dir_control;
void vp_dirc_init(vp_dir_control *dc);
int vp_dirc_parse(const char *data, size_t len, vp_dir_control *dc);   /* 0 / -1 */
size_t vp_dirc_format(const vp_dir_control *dc, char *out, size_t size);
void vp_dirc_inc(vp_dir_control *dc);  /* advance for one new entry */
/* Locked read-modify-write of a .dir-control file; bucket of the new entry in out. */
int vp_dirc_next(const vp_config *cfg, const char *path, uid_t uid, gid_t gid,
                 char *bucket_out, size_t size, vp_error *err);
int vp_dirc_dec(const vp_config *cfg, const char *path, uid_t uid, gid_t gid, vp_error *err);
/* vp_dirc_dec staged (vp_atomic_stage): 1 and a to commit_staged or abort,
 * 0 when there is no counter (nothing to write), or a VA code. */
int vp_dirc_dec_stage(const vp_config *cfg, const char *path, uid_t uid, gid_t gid, vp_atomic *a,
                      vp_error *err);

/* ---- qmail files (vp_qmail.c) ---- */
typedef struct vp_domain_info {
	char name[VP_MAX_PW_DOMAIN + 1];     /* as asked (lowercased) */
	char realdomain[VP_MAX_PW_DOMAIN + 1];
	char dir[VP_MAX_PW_DIR + 256];
	uid_t uid;
	gid_t gid;
	int is_alias;
	vp_dir_id id;                        /* dir as the lookup found it (zero: not there) */
} vp_domain_info;
/* (vp_file.c) */
/* A stored home (vpasswd's directory field) must lie strictly inside the
 * domain's directory: dom->dir, '/', then components that are not '.', '..'
 * or empty (trailing slashes ignored).  0 or VA_UNSAFE_PATH. */
int vp_home_check(const vp_domain_info *dom, const char *home, vp_error *err);
/* vp_home_check, then vp_dir_open of the home. */
int vp_home_open(const vp_config *cfg, const vp_domain_info *dom, const char *home, vp_error *err);
/* Lookup in users/cdb as vget_assign does (domain already normalised). */
int vp_domain_lookup(const vp_config *cfg, const char *domain, vp_domain_info *out, vp_error *err);
/* Sort key of spec 2.8 ("extract_domain"); assign lines drop the + and trailing -. */
void vp_line_key(const char *line, size_t len, int is_assign, char *key, size_t size);
/* Rebuild users/cdb from assign text, exactly as qmail-newu (caller holds assign lock). */
int vp_build_users_cdb(const vp_config *cfg, const char *assign, size_t len, vp_error *err);
int vp_build_morercpthosts_cdb(const vp_config *cfg, const char *text, size_t len, vp_error *err);
/* Add the domain (real or alias) to assign + users/cdb, rcpthosts or morercpthosts,
 * virtualdomains, and remove it from locals: spec 2.1-2.5. Caller holds assign lock. */
int vp_qmail_add_domain(const vp_config *cfg, const char *name, const char *realdomain,
                        const char *dir, uid_t uid, gid_t gid, vp_error *err);
/* May `name` (normalised) be registered?  VA_DOMAIN_NAME_CONFLICT when its
 * users/assign key "+name-" and another entry's key are one a proper prefix
 * of the other (qmail-lspawn would give one's mail to the other),
 * VA_DOMAIN_ALREADY_EXISTS for the same key in another case, VA_HOST_DOMAIN
 * for a name of control/me or control/locals unless cfg->allow_host_domains.
 * One pass over users/assign; the caller holds assign lock. */
int vp_qmail_check_name(const vp_config *cfg, const char *name, vp_error *err);
/* Remove names from every qmail file (assign by "+name-:" prefix). Caller holds assign lock. */
int vp_qmail_del_domains(const vp_config *cfg, const char *const *names, size_t count,
                         vp_error *err);
/* Names whose assign line points at realdomain (the real one first). malloc'd, free with vp_free_names. */
int vp_assign_names_for(const vp_config *cfg, const char *realdomain, char ***names,
                        size_t *count, vp_error *err);
void vp_free_names(char **names, size_t count);
/* Tell qmail-send to reread its control files; never fatal (returns 0 or -1). */
int vp_qmail_reload(const vp_config *cfg);

/* ---- domains (vp_domain.c) ---- */
/* vadddomain(): dir may be NULL for cfg->vpopmail_dir; must equal it otherwise. */
int vp_add_domain(const vp_config *cfg, const char *domain, const char *dir, uid_t uid, gid_t gid,
                  vp_error *err);
/* Holds assign.lock, then the domain's locks (waiting for its writers), takes
 * the domain out of qmail's files and renames its directory aside in one step
 * (<home>/domains/.del.<domain>.<random>, a name no lookup resolves and no add
 * makes) before removing that tree.  Leftovers of a killed delete are removed
 * by the next add or delete of any domain. */
int vp_del_domain(const vp_config *cfg, const char *domain, vp_error *err);
/* The lock of every writer of a domain's files: <dir>/.vpasswd.lock, the file
 * vpopmail locks, chowned to the domain.  d comes from a lookup made without
 * a lock; under the lock the domain must still be registered with the same
 * directory, and that directory must be the one looked up (not a re-added
 * domain's of the same name).  Otherwise the lock is not held and the result
 * is VA_DOMAIN_DOES_NOT_EXIST: the caller must write nothing. */
int vp_domain_lock(const vp_config *cfg, const vp_domain_info *d, vp_lock *lock, vp_error *err);
int vp_add_alias_domain(const vp_config *cfg, const char *alias, const char *real, vp_error *err);
/* vaddaliasdomain CLI semantics: whichever of the two exists is the real one. */
int vp_add_alias_domain_either(const vp_config *cfg, const char *a, const char *b, vp_error *err);
/* vadddomain CLI: domain + postmaster (+ quota, + catch-all from bounce). */
int vp_add_domain_ex(const vp_config *cfg, const char *domain, const char *password,
                     const char *quota, const char *bounce, int apop, vp_error *err);
/* Write <domaindir>/.qmail-default with "| <vpopmail>/bin/vdelivermail '' <action>";
 * action must pass vp_catchall_line_check (VA_BAD_CHAR otherwise, nothing written). */
int vp_write_qmail_default(const vp_config *cfg, const vp_domain_info *d, const char *action,
                           vp_error *err);

/* ---- users (vp_user.c, vp_vpasswd.c, vp_password.c, vp_quota.c, vp_auth.c) ---- */
typedef struct vp_user_entry {
	char name[VP_MAX_PW_NAME + 1];
	char passwd[VP_MAX_PW_PASS + 64];   /* crypted (may carry a {SCHEME} prefix) */
	int uid_flag;                       /* field 3: 1 POP, 2 APOP */
	unsigned long flags;                /* field 4: the gid bitmask */
	char gecos[VP_MAX_PW_GECOS + 1];
	char dir[VP_MAX_PW_DIR + 256];
	char quota[VP_MAX_PW_QUOTA + 64];
	char clear[VP_MAX_PW_CLEAR_PASSWD + 1];
	int has_clear;                      /* an 8th field was present */
} vp_user_entry;

int vp_add_user(const vp_config *cfg, const char *user, const char *domain, const char *password,
                const char *gecos, int apop, vp_error *err);
/* The stored home must lie strictly inside the domain and be named after the
 * user (else VA_UNSAFE_PATH, nothing changed).  Once the vpasswd line is
 * gone the call succeeds: the home is moved aside at once (vp_discard_at)
 * and removed at any depth; what cannot be removed stays under a dot-name no
 * add collides with (".deleted.<name>.<hex>"). */
int vp_del_user(const vp_config *cfg, const char *user, const char *domain, vp_error *err);
int vp_set_password(const vp_config *cfg, const char *user, const char *domain,
                    const char *password, vp_error *err);
int vp_set_quota(const vp_config *cfg, const char *user, const char *domain, const char *quota,
                 vp_error *err);
/* 0 authenticated; VA_USER_DOES_NOT_EXIST, VA_DOMAIN_DOES_NOT_EXIST, VA_WRONG_PASSWORD,
 * VA_ACCOUNT_DISABLED are the expected "no"s; anything else is real trouble. */
int vp_auth_user(const vp_config *cfg, const char *user, const char *domain,
                 const char *password, vp_user_entry *out, vp_error *err);
/* 1 found / 0 not found / <0 error; user and domain raw (normalised inside). */
int vp_get_user(const vp_config *cfg, const char *user, const char *domain,
                vp_user_entry *out, vp_domain_info *dom, vp_error *err);
/* vsetuserquota's format_maildirquota, strict: 0 and normalised text, or VA_INVALID_QUOTA. */
int vp_quota_normalize(const char *in, char *out, size_t size, vp_error *err);

/* ---- aliases (vp_alias.c) ---- */
typedef int (*vp_alias_line_cb)(void *ctx, const char *line, size_t len);
typedef int (*vp_alias_name_cb)(void *ctx, const char *name);
int vp_alias_add(const vp_config *cfg, const char *alias, const char *domain, const char *line,
                 vp_error *err);
int vp_alias_del(const vp_config *cfg, const char *alias, const char *domain, vp_error *err);
int vp_alias_del_domain(const vp_config *cfg, const char *domain, vp_error *err);
/* Lines of one alias in file order; a missing alias yields no lines and returns 0. */
int vp_alias_get(const vp_config *cfg, const char *alias, const char *domain,
                 vp_alias_line_cb cb, void *ctx, vp_error *err);
/* Every alias, sorted as valias -s lists them: name_cb then its lines. */
int vp_alias_get_all(const vp_config *cfg, const char *domain, vp_alias_name_cb name_cb,
                     vp_alias_line_cb line_cb, void *ctx, vp_error *err);

/* ---- the read side (vp_info.c): what vuserinfo / vdominfo report ---- */
typedef struct vp_user_info {
	vp_user_entry e;                     /* the vpasswd record */
	char domain[VP_MAX_PW_DOMAIN + 1];   /* the real domain it lives in */
	char scheme[16];                     /* "SHA-512" "SHA-256" "MD5" "DES" "bcrypt"
	                                        "yescrypt" "{X}" prefix, "" empty hash */
	long long quota_bytes;               /* parsed quota, -1 = no limit */
	long long quota_count;               /* -1 = no limit */
	int lastauth_state;                  /* 0 no lastauth file, 1 never logged in
	                                        ("0.0.0.0": created), 2 logged in */
	long long lastauth_time;             /* mtime of lastauth (unix time) */
	char lastauth_ip[64];                /* content of lastauth, "" when missing */
} vp_user_info;
/* 1 found / 0 no such user / <0 VA code (unknown domain: VA_DOMAIN_DOES_NOT_EXIST).
 * A stored home not safely inside the domain (vp_home_open) is reported as
 * stored, with no lastauth data (nothing is read from where it points). */
int vp_user_info_get(const vp_config *cfg, const char *user, const char *domain,
                     vp_user_info *out, vp_error *err);
/* A stored quota string as vdelivermail reads it (legacy "50M"/"5000000" forms
 * included): bytes and count, -1 for no limit.  0, or -1 when it does not parse. */
int vp_quota_parse(const char *quota, long long *bytes, long long *count);

/* Users sorted by name (strcmp), `limit` of them (0: all) after skipping
 * `offset`; streams the domain's vpasswd, memory independent of its size.
 * cb returns nonzero to stop early.  Returns 0 or a VA code. */
typedef int (*vp_user_cb)(void *ctx, const vp_user_entry *e);
int vp_list_users(const vp_config *cfg, const char *domain, unsigned long offset,
                  unsigned long limit, vp_user_cb cb, void *ctx, vp_error *err);
int vp_count_users(const vp_config *cfg, const char *domain, unsigned long *count,
                   vp_error *err);

/* Every domain of users/assign sorted by name; alias domains carry their
 * real domain (is_alias set).  users: the real domain's user count. */
typedef int (*vp_domain_cb)(void *ctx, const vp_domain_info *d, unsigned long users);
int vp_list_domains(const vp_config *cfg, vp_domain_cb cb, void *ctx, vp_error *err);
/* 1 / 0 / <0; users as vdominfo counts them. */
int vp_domain_info_get(const vp_config *cfg, const char *domain, vp_domain_info *out,
                       unsigned long *users, vp_error *err);

/* ---- modify a user (vp_usermod.c): vmoduser ---- */
enum vp_flags_mode {
	VP_FLAGS_ADD = 0,   /* flags |= bits   (vmoduser -p, -s, ...) */
	VP_FLAGS_REMOVE,    /* flags &= ~bits */
	VP_FLAGS_REPLACE    /* flags = bits    (vmoduser -x then the options) */
};
#define VP_FLAGS_KNOWN 0x7FFFFUL
int vp_get_user_flags(const vp_config *cfg, const char *user, const char *domain,
                      unsigned long *flags, vp_error *err);
/* Bits outside VP_FLAGS_KNOWN are refused (VA_PARSE_ERROR); *result: the new flags. */
int vp_set_user_flags(const vp_config *cfg, const char *user, const char *domain,
                      enum vp_flags_mode mode, unsigned long bits, unsigned long *result,
                      vp_error *err);
int vp_set_user_gecos(const vp_config *cfg, const char *user, const char *domain,
                      const char *gecos, vp_error *err);

/* ---- catch-all (vp_catchall.c): <domaindir>/.qmail-default ---- */
enum vp_catchall_kind {
	VP_CATCHALL_NONE = 0,   /* no .qmail-default */
	VP_CATCHALL_BOUNCE,     /* bounce-no-mailbox */
	VP_CATCHALL_DELETE,     /* delete */
	VP_CATCHALL_FORWARD,    /* an address: forward */
	VP_CATCHALL_MAILBOX,    /* a local user's home (vdelivermail path form) */
	VP_CATCHALL_OTHER       /* not a vdelivermail line we recognise */
};
typedef struct vp_catchall {
	enum vp_catchall_kind kind;
	char target[VP_MAX_ALIAS_LINE + 256]; /* address, user name or raw line */
	char line[VP_MAX_ALIAS_LINE + 256];   /* the first line, verbatim */
} vp_catchall;
int vp_get_catchall(const vp_config *cfg, const char *domain, vp_catchall *out, vp_error *err);
/* action: "bounce-no-mailbox", "delete", "user@domain" (forward) or a local
 * user name (deliver to that mailbox). */
int vp_set_catchall(const vp_config *cfg, const char *domain, const char *action,
                    vp_error *err);
/* The one definition of an acceptable catch-all (a whitelist; the line runs
 * through sh): what vp_set_catchall and vp_add_domain_ex accept.  0 with
 * *kind BOUNCE, DELETE, FORWARD or MAILBOX (then the normalised name in
 * user, VP_MAX_PW_NAME+1 bytes, if not NULL), or a VA code. */
int vp_catchall_check(const char *action, enum vp_catchall_kind *kind, char *user,
                      vp_error *err);
/* The action as written: a keyword, a forward address or a home
 * <domaindir>/[bucket/]name of safe bytes; vp_write_qmail_default's gate. */
int vp_catchall_line_check(const vp_domain_info *dom, const char *action, vp_error *err);

/* ---- quota usage (vp_quota.c): Maildir++ maildirsize ---- */
typedef struct vp_quota_usage {
	long long bytes_used, count_used;
	long long bytes_limit, count_limit;  /* -1 = no limit */
	int recomputed;                      /* maildirsize was missing/stale and rebuilt */
} vp_quota_usage;
/* VA_UNSAFE_PATH for a home not safely inside the domain (nothing read or written). */
int vp_get_quota_usage(const vp_config *cfg, const char *user, const char *domain,
                       vp_quota_usage *out, vp_error *err);

/* ---- service-aware authentication (vp_auth.c) ---- */
enum vp_service {
	VP_SERVICE_ANY = 0, /* vauth_user: no flag check */
	VP_SERVICE_POP,     /* denied by VP_NO_POP */
	VP_SERVICE_IMAP,    /* VP_NO_IMAP */
	VP_SERVICE_SMTP,    /* VP_NO_SMTP */
	VP_SERVICE_WEBMAIL  /* VP_NO_WEBMAIL */
};
/* As vp_auth_user; a flag that denies svc gives VA_ACCOUNT_DISABLED (after the
 * password was checked).  On success with cfg->auth_logging, <home>/lastauth
 * is rewritten with remote_ip (NULL or "": "0.0.0.0"), as vchkpw does; a
 * home not safely inside the domain then refuses the login with
 * VA_UNSAFE_PATH (after the password matched; nothing is written). */
int vp_auth_user_ex(const vp_config *cfg, const char *user, const char *domain,
                    const char *password, enum vp_service svc, const char *remote_ip,
                    vp_user_entry *out, vp_error *err);

/* ---- batches (vp_batch.c): many changes, one rewrite, all or nothing ---- */
typedef struct vp_batch vp_batch;
/* Resolves the domain (an alias domain means its real one) and reads its
 * limits; locks nothing yet.  cfg must outlive the batch. */
int vp_batch_begin(const vp_config *cfg, const char *domain, vp_batch **out, vp_error *err);
/* Queue one operation.  Its arguments are checked now, as the single call
 * checks them (a refused operation is not queued; the batch stays usable).
 * Each user may appear in one operation only (checked at commit).
 * quota: NULL for the domain's default (vp_add_user's), else as vp_set_quota. */
int vp_batch_add_user(vp_batch *b, const char *user, const char *password, const char *gecos,
                      int apop, const char *quota, vp_error *err);
int vp_batch_del_user(vp_batch *b, const char *user, vp_error *err);
int vp_batch_set_password(vp_batch *b, const char *user, const char *password, vp_error *err);
int vp_batch_set_quota(vp_batch *b, const char *user, const char *quota, vp_error *err);
size_t vp_batch_count(const vp_batch *b);
/* Hashes the new passwords (in parallel threads), then under the domain's
 * lock checks every operation against the current store and applies them
 * with one vpasswd + vpasswd.cdb rewrite and one .dir-control update.  On
 * failure nothing is applied: vpasswd, vpasswd.cdb, .dir-control and the
 * free list are as they were and the homes it created are gone; *failed
 * (may be NULL) gets the 0-based index of the failing operation ((size_t)-1
 * when none is to blame) and err->msg starts "operation N (op user): ".
 * (Once the store is rewritten, removing the deleted users' homes and
 * writing maildirsize can still fail: reported the same way, as
 * vp_del_user does.)  Frees b in every case. */
int vp_batch_commit(vp_batch *b, size_t *failed, vp_error *err);
void vp_batch_free(vp_batch *b);
/* Where a commit spends its time (seconds, CLOCK_MONOTONIC), for benchmarks:
 * filled by vp_batch_commit when set; owned by the caller. */
typedef struct vp_batch_stats {
	double hash_s;    /* new password hashes (threads) */
	double check_s;   /* lock + every operation checked against the store */
	double homes_s;   /* .dir-control, free list, the new homes */
	double store_s;   /* the one vpasswd + vpasswd.cdb rewrite */
	double after_s;   /* homes of deleted users, maildirsize */
	unsigned threads; /* hashing threads used */
} vp_batch_stats;
void vp_batch_set_stats(vp_batch *b, vp_batch_stats *stats);

/* ==== mail settings users change themselves (vp_delivery.c) ====
 *
 * A user's <home>/.qmail as qmailadmin 1.2 writes it (forwards, keep a copy,
 * vacation, delete all mail) and a domain's autoresponders ("mail robots":
 * <domaindir>/.qmail-<name> + <domaindir>/<NAME>/message).  Lines this API
 * does not manage are kept where they are.  Writers hold the domain's
 * .vpasswd.lock.  Texts are bytes; lengths are given because a message file
 * written by another tool may hold any byte. */
#define VP_AUTORESPONDER_DEFAULT "/usr/local/bin/autorespond"
#define VP_MAX_FORWARDS 50          /* forward addresses of one user */
#define VP_MAX_ADDRESS 254          /* one forward / copy address */
#define VP_MAX_SUBJECT 255          /* a vacation or robot subject, before encoding */
#define VP_MAX_MESSAGE_BODY 65536   /* a vacation or robot text */
#define VP_MAX_CHARSET 40

enum vp_delivery_mode {
	VP_DELIVERY_MAILBOX = 0, /* to the mailbox: no .qmail, or its own Maildir line */
	VP_DELIVERY_FORWARD,     /* forwarded; keep_copy: the mailbox gets a copy */
	VP_DELIVERY_DELETE,      /* "# delete", or nothing in the file delivers */
	VP_DELIVERY_OTHER        /* read only: only lines this API does not manage deliver */
};

/* A vacation or robot message as read back. */
typedef struct vp_message {
	int present;             /* the message file exists */
	char *subject;           /* decoded (RFC 2047), malloc'd, NUL-terminated */
	size_t subject_len;
	char *body;              /* after the first empty line, as stored */
	size_t body_len;
	char charset[VP_MAX_CHARSET + 1]; /* "" when the file names none */
} vp_message;

typedef struct vp_delivery {
	enum vp_delivery_mode mode;
	char **forward;          /* addresses in file order (without '&') */
	size_t forward_count;
	int keep_copy;           /* FORWARD: the own Maildir line is there too */
	int vacation;            /* an autoresponder line is there */
	vp_message message;      /* <home>/vacation/message (read whatever the line names) */
	char **other;            /* lines kept as they are, in file order */
	size_t other_count;
} vp_delivery;

/* What to change; a group left unset keeps its lines as they are. */
typedef struct vp_delivery_change {
	int set_mode;
	enum vp_delivery_mode mode;     /* MAILBOX, FORWARD or DELETE */
	const char *const *forward;     /* FORWARD: 1..VP_MAX_FORWARDS; "name" means name@domain */
	size_t forward_count;
	int keep_copy;                  /* FORWARD */
	int set_vacation;
	int vacation;                   /* on / off (off removes <home>/vacation) */
	const char *subject;            /* on: required */
	const char *body;               /* on: NULL is "" */
	const char *charset;            /* of subject and body; NULL: "UTF-8" */
} vp_delivery_change;

int vp_get_delivery(const vp_config *cfg, const char *user, const char *domain, vp_delivery *out,
                    vp_error *err);
int vp_set_delivery(const vp_config *cfg, const char *user, const char *domain,
                    const vp_delivery_change *change, vp_error *err);
void vp_delivery_free(vp_delivery *d);

typedef struct vp_autoresponder {
	char name[VP_MAX_PW_NAME + 1];  /* "info", "team.lead" */
	vp_message message;             /* <domaindir>/<NAME>/message */
	char *copy_to;                  /* the first forward line, NULL when none */
	char **other;                   /* other lines of .qmail-<name>, kept */
	size_t other_count;
} vp_autoresponder;

typedef struct vp_autoresponder_settings {
	const char *subject;            /* required */
	const char *body;               /* NULL is "" */
	const char *copy_to;            /* NULL or "": no copy */
	const char *charset;            /* NULL: "UTF-8" */
} vp_autoresponder_settings;

/* add: the name must be free (no user, alias, list or robot of that name);
 * update: it must be a robot, whose files are rewritten (other lines kept). */
int vp_autoresponder_add(const vp_config *cfg, const char *name, const char *domain,
                         const vp_autoresponder_settings *s, vp_error *err);
int vp_autoresponder_update(const vp_config *cfg, const char *name, const char *domain,
                            const vp_autoresponder_settings *s, vp_error *err);
int vp_autoresponder_del(const vp_config *cfg, const char *name, const char *domain,
                         vp_error *err);
/* 1 found / 0 no such robot / <0 VA code. */
int vp_autoresponder_get(const vp_config *cfg, const char *name, const char *domain,
                         vp_autoresponder *out, vp_error *err);
/* Every robot of the domain, sorted by name; cb returns nonzero to stop. */
typedef int (*vp_autoresponder_cb)(void *ctx, const vp_autoresponder *a);
int vp_autoresponder_list(const vp_config *cfg, const char *domain, vp_autoresponder_cb cb,
                          void *ctx, vp_error *err);
void vp_autoresponder_free(vp_autoresponder *a);
/* ---- domain limits (vp_limits.c): <domaindir>/.qmailadmin-limits (spec 13) ---- */
enum vp_limits_source {
	VP_LIMITS_BUILTIN = 0,  /* neither file: -1 everywhere, no flags (spec 15.27) */
	VP_LIMITS_DOMAIN = 1,   /* <domaindir>/.qmailadmin-limits */
	VP_LIMITS_DEFAULT = 2,  /* <vpopmail>/etc/vlimits.default */
	VP_LIMITS_TABLE = 3     /* the mysql backend's `limits` table (vp_store.h) */
};
/* qmailadmin's permissions for admins other than postmaster: a set bit denies. */
#define VP_PERM_DENY_CREATE 1
#define VP_PERM_DENY_MODIFY 2
#define VP_PERM_DENY_DELETE 4
#define VP_PERM_ALL 7
/* The user flags a limits file can carry (its disable_* words and delete_spam). */
#define VP_LIMITS_FLAG_BITS (VP_NO_POP | VP_NO_IMAP | VP_NO_DIALUP | VP_NO_PASSWD_CHNG | \
                             VP_NO_WEBMAIL | VP_NO_RELAY | VP_NO_SMTP | VP_NO_SPAMASSASSIN | \
                             VP_DELETE_SPAM | VP_NO_MAILDROP)
typedef struct vp_limits {
	long max_popaccounts, max_aliases, max_forwards, max_autoresponders, max_mailinglists;
	                                         /* -1 unlimited (the default), 0 none allowed */
	unsigned long long quota_mb;             /* domain quota ("quota", MB), 0 = none */
	unsigned long long maxmsgcount;          /* domain message count, 0 = none */
	unsigned long long default_quota;        /* bytes for new users, 0 = none */
	unsigned long long default_maxmsgcount;  /* messages for new users, 0 = none */
	unsigned long flag_mask;                 /* the flag words as user flags (VP_LIMITS_FLAG_BITS) */
	unsigned perm_account, perm_alias, perm_forward, perm_autoresponder, perm_maillist,
	         perm_maillist_users, perm_maillist_moderators, perm_quota, perm_defaultquota;
	                                         /* VP_PERM_* bits, 0..7 each */
	int source;                              /* enum vp_limits_source */
} vp_limits;
/* The domain's limits as vpopmail's vget_limits finds them (the domain file,
 * else vlimits.default, else built-in).  0 or a VA code. */
int vp_get_domain_limits(const vp_config *cfg, const char *domain, vp_limits *out, vp_error *err);
/* Write <domaindir>/.qmailadmin-limits as vmoddomlimits does (its keys, order
 * and format; see vp_limits.c for the maillist permissions), 0600, owned by
 * the domain, atomically under <domaindir>/.vpasswd.lock.  Values out of
 * range (max* below -1 or above INT_MAX, perm_* above 7, flags outside
 * VP_LIMITS_FLAG_BITS) are refused with VA_PARSE_ERROR. */
int vp_set_domain_limits(const vp_config *cfg, const char *domain, const vp_limits *lim,
                         vp_error *err);
/* Read-modify-write under the same lock: edit gets the current limits (the
 * domain file, else vlimits.default, else built-in) and changes them, or
 * returns a VA code and nothing is written. */
typedef int (*vp_limits_edit_fn)(void *ctx, vp_limits *lim, vp_error *err);
int vp_edit_domain_limits(const vp_config *cfg, const char *domain, vp_limits_edit_fn edit,
                          void *ctx, vp_error *err);
/* vdel_limits: remove the domain file (missing is success); the domain then
 * falls back to vlimits.default. */
int vp_del_domain_limits(const vp_config *cfg, const char *domain, vp_error *err);
/* The file text vp_set_domain_limits writes; its length (out may be NULL to measure). */
size_t vp_limits_format(const vp_limits *lim, char *out, size_t size);

/* ---- domain usage (vp_usage.c): counts, disk and limits side by side ---- */
typedef struct vp_domain_usage {
	char domain[VP_MAX_PW_DOMAIN + 1];   /* the real domain */
	unsigned long mailboxes;             /* as vp_count_users */
	unsigned long aliases;               /* every .qmail-<name> alias valias -s lists */
	unsigned long forwards;              /* qmailadmin's count_forwards */
	unsigned long blackholes;            /* first line a '#' comment */
	unsigned long autoresponders;        /* lines running autorespond (count_autoresponders) */
	unsigned long mailinglists;          /* first line runs ezmlm-reject (count_mailinglists) */
	unsigned long long bytes, messages;  /* sum of the mailboxes' Maildir++ usage */
	unsigned long long quota_allocated;  /* sum of the mailboxes' byte quotas */
	unsigned long unlimited;             /* mailboxes without a byte quota */
	unsigned long scanned;               /* Maildirs counted by a scan (no usable maildirsize) */
	vp_limits limits;
} vp_domain_usage;
#define VP_USAGE_EXACT 1    /* scan every Maildir instead of trusting maildirsize */
#define VP_USAGE_NO_DISK 2  /* counts and limits only: no Maildir is opened */
/* Reads only: takes no lock, writes nothing (a stale maildirsize is not rebuilt). */
int vp_domain_usage_get(const vp_config *cfg, const char *domain, int flags,
                        vp_domain_usage *out, vp_error *err);

/* ---- password policy (vp_policy.c): <vpopmail>/etc/password_strength.conf ---- */
typedef struct vp_policy_result {
	int code;            /* 0 suitable, else VA_PWSTR_* */
	char message[128];   /* vpopmail's pw_strength_error text ("password suitable") */
	char policy[512];    /* the file's "Policy = ..." description, "" when none */
	int rules;           /* rules in force (0: no file, or a file without rules) */
} vp_policy_result;
/* Test a candidate against the policy: 0 with out filled, or VA_BAD_CONFIG
 * (unreadable or malformed file: the writers then refuse every password). */
int vp_policy_test(const vp_config *cfg, const char *password, vp_policy_result *out,
                   vp_error *err);
/* What the writers call where they validate a password: 0, or VA_PWSTR_*
 * with err->msg exactly vpopmail's text, or VA_BAD_CONFIG. */
int vp_policy_check(const vp_config *cfg, const char *password, vp_error *err);

/* ---- self-service password change (vp_chpass.c) ---- */
/* The old password is checked through vp_auth_user (an unknown user pays the
 * same crypt and gets the same VA_WRONG_PASSWORD as a wrong password), then
 * NO_PASSWD_CHNG / disable_password_changing (VA_PASSWD_CHANGE_DENIED), then
 * vp_set_password (policy, hash, rewrite as vpasswd). */
int vp_change_password(const vp_config *cfg, const char *user, const char *domain,
                       const char *oldpw, const char *newpw, vp_error *err);

#ifdef __cplusplus
}
#endif
#endif
