/*
 * vp_user.c: mailboxes of the cdb module: add, delete, look up, change
 * password and quota (spec 1.4-1.6, 6, 8, 9, 15).
 *
 * Every change to a domain's users runs under <domaindir>/.vpasswd.lock,
 * from the existence check to the last file, so two concurrent adds of one
 * name cannot both succeed.  The user counter (.dir-control) and its free
 * list (.dir_control_free, under its own .dir_control_free.lock as vpopmail
 * takes it) are updated inside that lock too.  Lock order, everywhere:
 * .vpasswd.lock, then .dir_control_free.lock (the whole order: vpcore.h).
 * .vpasswd.lock is taken through vp_vpw_lock = vp_domain_lock, which fails
 * with VA_DOMAIN_DOES_NOT_EXIST when the domain was deleted (or deleted and
 * added again) since vp_user_resolve_domain looked it up.
 *
 * Files and directories get explicit modes (dirs 0700, files 0600) whatever
 * the caller's umask, and belong to the domain's uid:gid when
 * cfg->chown_files is set.
 *
 * Choices where vpopmail leaves room:
 *  - An empty password is refused with VA_PWSTR_LENGTH, as by 5.6 under its
 *    installed policy ("Length >= 1"): an empty hash field can never log in.
 *  - The clear-text 8th field follows cfg->clear_passwords on every line we
 *    (re)write: set when on (add and set_password store the new password),
 *    dropped when off, as 5.6 built without CLEAR_PASS does.  set_quota keeps
 *    a line's existing 8th field untouched either way.  A clear password
 *    holding ':' CR or LF is refused (VA_BAD_CHAR) when it would be stored.
 *  - Lookups (vp_get_user) accept any name vpopmail could have stored (1..64
 *    printable bytes, no ':'), so legacy accounts still resolve; adding,
 *    deleting and changing go through the strict vp_user_normalize.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_limits.h"
#include "vp_password.h"
#include "vp_quota.h"
#include "vp_store.h"
#include "vp_user_int.h"
#include "vp_vpasswd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

static const char bucket_alphabet[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* ---- names ---- */

/* Lowercase a name for a lookup only: 1..64 bytes, printable ASCII, no ':'. */
static int lookup_name(const char *src, char *dst, vp_error *err)
{
	size_t len = strlen(src);
	if (len == 0)
		return vp_fail(err, VA_ILLEGAL_USERNAME, "empty");
	if (len > VP_MAX_PW_NAME)
		return vp_fail(err, VA_USER_NAME_TOO_LONG, NULL);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c <= 32 || c >= 127 || c == ':')
			return vp_fail(err, VA_ILLEGAL_USERNAME, "invalid character");
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		dst[i] = (char)c;
	}
	dst[len] = '\0';
	return 0;
}

int vp_user_resolve_domain(const vp_config *cfg, const char *domain, vp_domain_info *dom,
                           vp_error *err)
{
	char dname[VP_MAX_PW_DOMAIN + 1];
	int rc = vp_domain_normalize(domain, strlen(domain), dname, err);
	if (rc != 0)
		return rc;
	rc = vp_domain_lookup(cfg, dname, dom, err);
	if (rc == 0)
		return vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "%s", dname);
	return rc < 0 ? rc : 0;
}

/* The common front of del/passwd/quota: the configuration, a strict user
 * name and the domain's length (the domain itself is looked up after the
 * caller's own argument checks, in vpopmail's order). */
static int check_names(const vp_config *cfg, const char *user, const char *domain, char *uname,
                       vp_error *err)
{
	int rc;
	if (!cfg || !user || !domain)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	if ((rc = vp_user_normalize(user, strlen(user), uname, err)) != 0)
		return rc;
	if (strlen(domain) > VP_MAX_PW_DOMAIN)
		return vp_fail(err, VA_DOMAIN_NAME_TOO_LONG, NULL);
	return 0;
}

/* "X", "X/Y" or "X/Y/Z" over the hashing alphabet. */
int vp_user_bucket_valid(const char *s, size_t len)
{
	if (len == 0 || len > 5 || len % 2 == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (i % 2 == 1 ? s[i] != '/' : (s[i] == '\0' || !strchr(bucket_alphabet, s[i])))
			return 0;
	}
	return 1;
}

/* ---- .dir-control / .dir_control_free ---- */

static int dom_file(char *dst, size_t size, const vp_domain_info *dom, const char *name,
                    vp_error *err)
{
	if (vp_path_join(dst, size, dom->dir, name) != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	return 0;
}

int vp_user_free_line(const char *line, const char *le, const char **bucket, const char **bucket_end)
{
	const char *s = line, *e = le;
	const char *hash = memchr(s, '#', (size_t)(e - s));
	if (hash)
		e = hash;
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*bucket = s;
	*bucket_end = e;
	return e > s && vp_user_bucket_valid(s, (size_t)(e - s));
}

/* Backfill (spec 1.4): take the first usable line of .dir_control_free.
 * 1 with the bucket in out, 0 when there is none, <0 on error.  When the
 * file was rewritten, *orig gets its previous content (malloc'd). */
static int free_list_take(const vp_config *cfg, const vp_domain_info *dom, char *out,
                          size_t size, char **orig, size_t *orig_len, vp_error *err)
{
	char path[4096], lockpath[4096];
	char *data = NULL;
	size_t len = 0;
	int rc;
	if ((rc = dom_file(path, sizeof path, dom, ".dir_control_free", err)) != 0 ||
	    (rc = dom_file(lockpath, sizeof lockpath, dom, ".dir_control_free.lock", err)) != 0)
		return rc;
	struct stat st;
	if (lstat(path, &st) != 0)
		return 0; /* the usual case: nothing was ever freed */
	vp_lock lock;
	if ((rc = vp_lock_acquire(cfg, lockpath, &lock, err)) != 0)
		return rc;
	rc = vp_read_file(path, &data, &len, 1024 * 1024, err);
	if (rc == -1) {
		vp_lock_release(&lock);
		return 0;
	}
	if (rc < 0) {
		/* An unreadable free list only costs a hole: use the counter. */
		vp_error_clear(err);
		vp_lock_release(&lock);
		return 0;
	}
	/* Rebuild the file without the line we take (and without lines that
	 * can never be used); blank and comment lines stay. */
	char *keep = malloc(len + 1);
	if (!keep) {
		free(data);
		vp_lock_release(&lock);
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	}
	size_t klen = 0;
	int taken = 0, dropped = 0;
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s, *e;
		int usable = vp_user_free_line(p, le, &s, &e);
		if (e > s && !taken && usable && (size_t)(e - s) < size) {
			memcpy(out, s, (size_t)(e - s));
			out[e - s] = '\0';
			taken = 1;
		} else if (e > s && !usable) {
			dropped = 1;
		} else {
			memcpy(keep + klen, p, (size_t)(le - p));
			klen += (size_t)(le - p);
			keep[klen++] = '\n';
		}
		p = nl ? nl + 1 : end;
	}
	rc = 0;
	if (taken || dropped) {
		rc = vp_write_file_atomic(cfg, path, keep, klen, 0600, dom->uid, dom->gid,
		                          cfg->chown_files, err);
		if (rc == 0) {
			*orig = data;
			*orig_len = len;
			data = NULL;
		}
	}
	free(data);
	free(keep);
	if (lock.fd >= 0 && cfg->chown_files && fchown(lock.fd, dom->uid, dom->gid) != 0) {
		/* cosmetic */
	}
	vp_lock_release(&lock);
	if (rc != 0)
		return rc;
	return taken;
}

/* A freed bucket appended to .dir_control_free (spec 1.4, fixture
 * extra-bigdir/05), staged (vp_atomic_stage) under its lock, which the caller
 * releases after commit_staged or abort; the directory fsync is the caller's
 * too (vp_del_user's one for all its files).  1, or a VA code (nothing
 * staged, the lock released). */
static int free_list_stage(const vp_config *cfg, const vp_domain_info *dom, const char *bucket,
                           vp_atomic *a, vp_lock *lock, vp_error *err)
{
	char path[4096], lockpath[4096];
	char *data = NULL;
	size_t len = 0;
	int rc;
	if ((rc = dom_file(path, sizeof path, dom, ".dir_control_free", err)) != 0 ||
	    (rc = dom_file(lockpath, sizeof lockpath, dom, ".dir_control_free.lock", err)) != 0)
		return rc;
	if ((rc = vp_lock_acquire(cfg, lockpath, lock, err)) != 0)
		return rc;
	if (lock->fd >= 0 && cfg->chown_files && fchown(lock->fd, dom->uid, dom->gid) != 0) {
		/* cosmetic */
	}
	rc = vp_read_file(path, &data, &len, 1024 * 1024, err);
	if (rc >= -1)
		rc = vp_atomic_open(cfg, a, path, 0600, err);
	if (rc == 0) {
		/* the list as it was (a last line without its newline ended), then bucket */
		if (data && len && (vp_atomic_write(a, data, len) != 0 ||
		                    (data[len - 1] != '\n' && vp_atomic_write(a, "\n", 1) != 0))) {
			/* stage reports the saved errno */
		}
		vp_atomic_puts(a, bucket);
		vp_atomic_write(a, "\n", 1);
		rc = vp_atomic_stage(a, dom->uid, dom->gid, cfg->chown_files, err);
	}
	free(data);
	if (rc != 0) {
		vp_lock_release(lock);
		return rc;
	}
	return 1;
}

/* A backfilled entry still counts: cur_users + 1 unless it is 0 (vpopmail). */
static int dirc_count_one(const vp_config *cfg, const vp_domain_info *dom, const char *path,
                          const char *data, size_t len, vp_error *err)
{
	char buf[256];
	vp_dir_control dc;
	if (vp_dirc_parse(data, len, &dc) != 0)
		return vp_fail(err, VA_CORRUPT_FILE, "%s", path);
	if (dc.cur_users == 0)
		return 0;
	dc.cur_users++;
	size_t n = vp_dirc_format(&dc, buf, sizeof buf);
	if (n == 0)
		return vp_fail(err, VA_CORRUPT_FILE, "%s", path);
	return vp_write_file_atomic(cfg, path, buf, n, 0600, dom->uid, dom->gid, cfg->chown_files,
	                            err);
}

/* What a placement changed, so that a failed add can put it back exactly. */
typedef struct slot {
	char bucket[16];
	int taken;          /* .dir-control (maybe) changed */
	int in_store;       /* the counter is the store's (rolled back with its transaction) */
	char *dirc;         /* its previous content, NULL when it did not exist */
	size_t dirc_len;
	char *freelist;     /* previous .dir_control_free when we rewrote it */
	size_t free_len;
} slot;

static void slot_free(slot *sl)
{
	free(sl->dirc);
	free(sl->freelist);
	sl->dirc = sl->freelist = NULL;
}

/* The store's counterpart of dirc_count_one. */
static int store_count_one(void *ctx, vp_dir_control *dc, int existed, vp_error *err)
{
	(void)ctx;
	(void)err;
	if (!existed || dc->cur_users == 0)
		return VP_STORE_DIRC_KEEP;
	dc->cur_users++;
	return 0;
}

/* The mysql backend: the free list stays a file (as vpopmail keeps it), the
 * counter is the domain's dir_control row, inside the caller's transaction. */
static int take_slot_store(const vp_config *cfg, vp_store *s, const vp_domain_info *dom,
                           slot *sl, vp_error *err)
{
	vp_store_counter c = { dom, dom->uid, dom->gid };
	vp_dir_control dc;
	int rc = free_list_take(cfg, dom, sl->bucket, sizeof sl->bucket, &sl->freelist,
	                        &sl->free_len, err);
	if (rc < 0)
		return rc;
	sl->taken = 1;
	sl->in_store = 1;
	if (rc == 1)
		return vp_store_dirc_update(s, &c, store_count_one, NULL, NULL, err);
	if ((rc = vp_store_dirc_next(s, &c, &dc, err)) != 0)
		return rc;
	snprintf(sl->bucket, sizeof sl->bucket, "%s", dc.bucket);
	return 0;
}

/* Where the next user goes: a backfilled bucket, else the counter's.  The
 * caller holds .vpasswd.lock, which guards the user counter. */
static int take_slot(const vp_config *cfg, const vp_domain_info *dom, slot *sl, vp_error *err)
{
	char path[4096];
	memset(sl, 0, sizeof *sl);
	vp_store *s = vp_cfg_store(cfg);
	if (s)
		return take_slot_store(cfg, s, dom, sl, err);
	int rc = dom_file(path, sizeof path, dom, ".dir-control", err);
	if (rc != 0)
		return rc;
	rc = vp_read_file(path, &sl->dirc, &sl->dirc_len, 4096, err);
	if (rc < -1)
		return rc;
	rc = free_list_take(cfg, dom, sl->bucket, sizeof sl->bucket, &sl->freelist, &sl->free_len,
	                    err);
	if (rc < 0)
		return rc;
	sl->taken = 1;
	if (rc == 1)
		return sl->dirc ? dirc_count_one(cfg, dom, path, sl->dirc, sl->dirc_len, err) : 0;
	return vp_dirc_next(cfg, path, dom->uid, dom->gid, sl->bucket, sizeof sl->bucket, err);
}

/* Undo take_slot after a failed add: both files as they were (best effort,
 * never masks the caller's error). */
static void give_back_slot(const vp_config *cfg, const vp_domain_info *dom, slot *sl)
{
	vp_error ignored;
	char path[4096], lockpath[4096];
	if (!sl->taken)
		return;
	if (!sl->in_store && dom_file(path, sizeof path, dom, ".dir-control", &ignored) == 0) {
		if (sl->dirc)
			vp_write_file_atomic(cfg, path, sl->dirc, sl->dirc_len, 0600, dom->uid, dom->gid,
			                     cfg->chown_files, &ignored);
		else
			vp_unlink_walked(cfg, path);
	}
	if (sl->freelist && dom_file(path, sizeof path, dom, ".dir_control_free", &ignored) == 0 &&
	    dom_file(lockpath, sizeof lockpath, dom, ".dir_control_free.lock", &ignored) == 0) {
		vp_lock lock;
		if (vp_lock_acquire(cfg, lockpath, &lock, &ignored) == 0) {
			vp_write_file_atomic(cfg, path, sl->freelist, sl->free_len, 0600, dom->uid,
			                     dom->gid, cfg->chown_files, &ignored);
			vp_lock_release(&lock);
		}
	}
}

/* ---- the user's directory ---- */

/* The bucket's directories, which may exist already (real directories only). */
int vp_user_make_bucket_dirs(const vp_config *cfg, const vp_domain_info *dom, const char *bucket,
                            vp_error *err)
{
	char path[4096];
	size_t bl = strlen(bucket);
	int fd = vp_dir_open(cfg, dom->dir, err);
	if (fd < 0)
		return vp_dir_fail_as(err, fd, VA_BAD_U_DIR);
	for (size_t i = 0; i < bl; i += 2) {
		int n = snprintf(path, sizeof path, "%s/%.*s", dom->dir, (int)(i + 1), bucket);
		if (n < 0 || (size_t)n >= sizeof path) {
			close(fd);
			return vp_fail(err, VA_DIR_TOO_LONG, NULL);
		}
		char name[2] = { bucket[i], '\0' };
		int sub = vp_mkdirat_owned(fd, name, 0700, dom->uid, dom->gid, cfg->chown_files);
		if (sub < 0 && errno != EEXIST) {
			int rc = vp_fail_errno(err, VA_BAD_U_DIR, "cannot create", path);
			close(fd);
			return rc;
		}
		if (sub >= 0)
			close(sub);
		sub = vp_dir_openat(cfg, fd, path, err);
		close(fd);
		if (sub < 0)
			return sub == VA_BAD_DIR && errno == ENOTDIR
			           ? vp_fail(err, VA_BAD_U_DIR, "%s is not a directory", path)
			           : vp_dir_fail_as(err, sub, VA_BAD_U_DIR);
		fd = sub;
	}
	close(fd);
	return 0;
}

/* A small file put in place by rename (not fsynced: lastauth is a hint), so
 * that a login still in flight for a user of that name deleted a moment ago,
 * writing its lastauth here, never makes the add fail. */
static int write_new_file(const vp_config *cfg, const vp_domain_info *dom, int dirfd,
                          const char *name, const char *data, size_t len)
{
	char tmp[NAME_MAX + 1];
	unsigned long r = 0;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
		r = (unsigned long)getpid() ^ (unsigned long)(uintptr_t)&r;
	snprintf(tmp, sizeof tmp, ".tmp.%s.%lx", name, r);
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	size_t off = 0;
	int rc = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = -1;
			break;
		}
		off += (size_t)w;
	}
	if (rc == 0 && fchmod(fd, 0600) != 0)
		rc = -1;
	if (rc == 0 && cfg->chown_files && fchown(fd, dom->uid, dom->gid) != 0)
		rc = -1;
	int e = errno;
	if (close(fd) != 0 && rc == 0)
		rc = -1;
	else
		errno = e;
	if (rc == 0 && renameat(dirfd, tmp, dirfd, name) != 0)
		rc = -1;
	if (rc != 0) {
		e = errno;
		unlinkat(dirfd, tmp, 0);
		errno = e;
	}
	return rc;
}

/* Does directory fd hold only entries that `allowed` accepts?  Consumes fd. */
static int holds_only(int fd, int (*allowed)(int dirfd, const char *name, const struct stat *st))
{
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	int ok = 1;
	struct dirent *de;
	while (ok && (de = readdir(d)) != NULL) {
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		ok = fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		     allowed(dirfd(d), de->d_name, &st);
	}
	closedir(d);
	return ok;
}

static int empty_dir_at(int dirfd, const char *name, const struct stat *st);

static int no_entry(int dirfd, const char *name, const struct stat *st)
{
	(void)dirfd, (void)name, (void)st;
	return 0;
}

static int empty_dir_at(int dirfd, const char *name, const struct stat *st)
{
	if (!S_ISDIR(st->st_mode))
		return 0;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd >= 0 && holds_only(fd, no_entry);
}

static int maildirsize_temp(int dirfd, const char *name, const struct stat *st)
{
	(void)dirfd;
	return S_ISREG(st->st_mode) && strstr(name, "_NeWmAiLdIrSiZe.") != NULL;
}

static int fresh_maildir_entry(int dirfd, const char *name, const struct stat *st)
{
	if (strcmp(name, "new") == 0 || strcmp(name, "cur") == 0)
		return empty_dir_at(dirfd, name, st);
	if (strcmp(name, "tmp") == 0) {
		int fd = S_ISDIR(st->st_mode)
		             ? openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
		return fd >= 0 && holds_only(fd, maildirsize_temp);
	}
	return strcmp(name, "maildirsize") == 0 && S_ISREG(st->st_mode);
}

static int fresh_home_entry(int dirfd, const char *name, const struct stat *st)
{
	if (strcmp(name, "Maildir") == 0) {
		int fd = S_ISDIR(st->st_mode)
		             ? openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
		return fd >= 0 && holds_only(fd, fresh_maildir_entry);
	}
	if (strcmp(name, "lastauth") == 0 || strncmp(name, ".tmp.", 5) == 0)
		return S_ISREG(st->st_mode);
	return 0;
}

/* A home left behind by an add that was killed before its vpasswd line was
 * written holds nothing but what the add creates (Maildir/{new,cur,tmp},
 * lastauth, maildirsize, temp files) and no mail.  Such a home is removed, so
 * the name can be added again; any other existing directory is never taken
 * over.  The caller holds the domain lock and knows the user does not exist. */
static int remove_crashed_add_home(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !holds_only(fd, fresh_home_entry) || vp_remove_tree_at(dirfd, name) != 0) {
		errno = EEXIST;
		return -1;
	}
	return 0;
}

/* <home>, Maildir/{new,cur,tmp} (in that order, spec 1.6), lastauth. */
int vp_user_make_home(const vp_config *cfg, const vp_domain_info *dom, const char *home,
                     int *created, vp_error *err)
{
	static const char *const subs[] = { "new", "cur", "tmp" };
	char path[4096];
	int rc = 0;
	*created = 0;
	if ((rc = vp_home_check(dom, home, err)) != 0)
		return rc;
	int pfd = vp_parent_open(cfg, home, err);
	if (pfd < 0)
		return vp_dir_fail_as(err, pfd, VA_EXIST_U_DIR);
	const char *name = vp_path_base(home);
	uid_t uid = dom->uid;
	gid_t gid = dom->gid;
	int own = cfg->chown_files;
	int hfd = vp_mkdirat_owned(pfd, name, 0700, uid, gid, own);
	if (hfd < 0 && errno == EEXIST && remove_crashed_add_home(pfd, name) == 0)
		hfd = vp_mkdirat_owned(pfd, name, 0700, uid, gid, own);
	if (hfd < 0) {
		/* vpopmail reports any failure here as "directory exists" (1.6);
		 * *created tells the caller whether the home itself is there. */
		int e = errno;
		struct stat st;
		*created = e != EEXIST && fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
		close(pfd);
		errno = e;
		return vp_fail_errno(err, *created ? VA_BAD_U_DIR : VA_EXIST_U_DIR,
		                     *created ? "cannot set up" : "cannot create", home);
	}
	close(pfd);
	*created = 1;
	if (vp_path_join(path, sizeof path, home, "Maildir") != 0) {
		rc = vp_fail(err, VA_DIR_TOO_LONG, NULL);
		goto out;
	}
	int mfd = vp_mkdirat_owned(hfd, "Maildir", 0700, uid, gid, own);
	if (mfd < 0) {
		rc = vp_fail_errno(err, VA_SUBDIR_CREATION, "cannot create", path);
		goto out;
	}
	for (size_t i = 0; i < sizeof subs / sizeof subs[0] && rc == 0; i++) {
		int sfd = vp_mkdirat_owned(mfd, subs[i], 0700, uid, gid, own);
		if (sfd >= 0)
			close(sfd);
		else if (snprintf(path, sizeof path, "%s/Maildir/%s", home, subs[i]) < (int)sizeof path)
			rc = vp_fail_errno(err, VA_SUBDIR_CREATION, "cannot create", path);
		else
			rc = vp_fail(err, VA_DIR_TOO_LONG, NULL);
	}
	close(mfd);
	if (rc != 0)
		goto out;
	/* "0.0.0.0", no newline: created, never logged in (spec 6.9).  The
	 * mysql backend keeps it as a lastauth row instead. */
	if (vp_cfg_store(cfg))
		; /* nothing on disk */
	else if (vp_path_join(path, sizeof path, home, "lastauth") != 0)
		rc = vp_fail(err, VA_DIR_TOO_LONG, NULL);
	else if (write_new_file(cfg, dom, hfd, "lastauth", "0.0.0.0", 7) != 0)
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot write", path);
out:
	close(hfd);
	return rc;
}

/* ---- add ---- */

int vp_add_user(const vp_config *cfg, const char *user, const char *domain, const char *password,
                const char *gecos, int apop, vp_error *err)
{
	char uname[VP_MAX_PW_NAME + 1], home[VP_MAX_PW_DIR + 256];
	char line[1024], initq[VP_MAX_PW_QUOTA + 64];
	vp_domain_info dom;
	vp_limits lim;
	vp_user_entry *e = NULL;
	vp_lock lock = { -1 };
	slot sl;
	int rc, have_home = 0, txn = 0, hashing = 0;
	vp_hash_job hash;
	vp_store *s = vp_cfg_store(cfg);

	memset(&sl, 0, sizeof sl);
	vp_error_clear(err);
	if (!cfg || !user || !domain || !password)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (!gecos)
		gecos = "";
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	/* vadduser's order of checks (spec 6.3), the same validator as vp_batch. */
	if ((rc = vp_new_user_check(cfg, user, domain, password, gecos, uname, err)) != 0)
		return rc;
	/* An alias domain resolves to its real domain: the user goes there. */
	if ((rc = vp_user_resolve_domain(cfg, domain, &dom, err)) != 0)
		return rc;
	if ((rc = vp_limits_read(cfg, &dom, &lim, err)) != 0)
		return rc;
	if ((rc = vp_limits_initial_quota(&lim, initq, sizeof initq, err)) != 0)
		return rc;
	if ((rc = vp_limits_enforce_quota(cfg, &lim, initq, sizeof initq, 1, err)) != 0)
		return rc;

	e = calloc(1, sizeof *e);
	if (!e)
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	/* crypt is the slow part and all CPU: it runs on a thread of its own
	 * while this one waits for the lock, the SQL round trips and the
	 * home's directories, and is needed only for the record itself. */
	vp_password_hash_start(&hash, cfg->hash_scheme, password, e->passwd, sizeof e->passwd);
	hashing = 1;

	if ((rc = vp_vpw_lock(cfg, &dom, &lock, err)) != 0)
		goto out;
	/* mysql: counter, user row and lastauth row in one transaction, which
	 * commits only once the home is made (a crash before leaves no row, and
	 * a home the next add of the name removes). */
	if (s && (rc = vp_store_begin(s, &dom, VP_STORE_NEED_DIRC | VP_STORE_NEED_LASTAUTH, err)) != 0)
		goto out;
	txn = s != NULL;
	rc = vp_vpw_get_locked(cfg, &dom, uname, NULL, err);
	if (rc < 0)
		goto out;
	if (rc > 0) {
		rc = vp_fail(err, VA_USERNAME_EXISTS, "%s@%s", uname, dom.realdomain);
		goto out;
	}
	if ((rc = vp_limits_enforce_mailboxes(cfg, &dom, &lim, 1, err)) != 0)
		goto out;
	const char *bucket = sl.bucket;
	if ((rc = take_slot(cfg, &dom, &sl, err)) != 0)
		goto out;
	/* vpopmail's guard: len(domaindir) + len(bucket) + len(user) <= 160. */
	if (strlen(dom.dir) + strlen(bucket) + strlen(uname) > VP_MAX_PW_DIR) {
		rc = vp_fail(err, VA_BAD_U_DIR, "home directory path too long");
		goto out;
	}
	int n = bucket[0] ? snprintf(home, sizeof home, "%s/%s/%s", dom.dir, bucket, uname)
	                  : snprintf(home, sizeof home, "%s/%s", dom.dir, uname);
	if (n < 0 || (size_t)n >= sizeof home) {
		rc = vp_fail(err, VA_BAD_U_DIR, "home directory path too long");
		goto out;
	}

	/* The home first: the record, row or line, is the last thing written
	 * (a crash before it leaves a fresh home the next add removes). */
	if (bucket[0] && (rc = vp_user_make_bucket_dirs(cfg, &dom, bucket, err)) != 0)
		goto out;
	if ((rc = vp_user_make_home(cfg, &dom, home, &have_home, err)) != 0)
		goto out;
	if (strcmp(initq, "NOQUOTA") != 0 &&
	    (rc = vp_maildirsize_update(cfg, &dom, home, initq, err)) != 0)
		goto out;

	/* the lastauth row needs no hash: its round trip runs beside crypt */
	snprintf(e->name, sizeof e->name, "%s", uname);
	if (s && (rc = vp_store_lastauth_set(s, &dom, e, NULL, (long long)time(NULL), err)) != 0)
		goto out;

	hashing = 0;
	if ((rc = vp_password_hash_finish(&hash, err)) != 0)
		goto out;
	e->uid_flag = s ? vp_store_new_uid_flag(s, apop) : apop ? 2 : 1;
	e->flags = 0;
	snprintf(e->gecos, sizeof e->gecos, "%s", gecos[0] ? gecos : uname);
	snprintf(e->dir, sizeof e->dir, "%s", home);
	snprintf(e->quota, sizeof e->quota, "%s", initq);
	if (cfg->clear_passwords) {
		e->has_clear = 1;
		snprintf(e->clear, sizeof e->clear, "%s", password);
	}
	int len = vp_vpw_format(e, line, sizeof line, err);
	if (len < 0) {
		rc = len;
		goto out;
	}

	if (s && (rc = vp_store_user_add(s, &dom, e, err)) != 0)
		goto out;
	if (s) {
		txn = 0;
		rc = vp_store_commit(s, err);
		/* No answer to the commit: the row may be there.  Our hash (its
		 * salt is new) says whether it is ours; undoing the home of a row
		 * that committed would leave an account without a Maildir, so
		 * when nobody can tell, the home stays (the next add of the name
		 * removes a home without a row). */
		if (rc != 0 && vp_store_commit_unknown(s)) {
			vp_user_entry *chk = calloc(1, sizeof *chk);
			vp_error e2;
			int r = chk ? vp_store_recheck_user(s, &dom, uname, chk, &e2) : -1;
			if (r == 1 && strcmp(chk->passwd, e->passwd) == 0) {
				rc = 0;
				vp_error_clear(err);
			} else if (r != 0) {
				have_home = 0;
				sl.taken = 0;
			}
			if (chk) {
				explicit_bzero(chk, sizeof *chk);
				free(chk);
			}
		}
	} else {
		rc = vp_vpw_update(cfg, &dom, VP_VPW_ADD, uname, line, (size_t)len, err);
	}

out:
	if (hashing)
		vp_password_hash_finish(&hash, NULL);
	if (txn) {
		vp_error ignored;
		vp_store_rollback(s, &ignored);
	}
	if (rc != 0) {
		vp_error keep = { 0, "" };
		if (err)
			keep = *err;
		if (have_home)
			vp_remove_walked(cfg, home, NULL);
		give_back_slot(cfg, &dom, &sl);
		if (err)
			*err = keep;
	}
	vp_lock_release(&lock);
	slot_free(&sl);
	explicit_bzero(line, sizeof line);
	if (e) {
		explicit_bzero(e, sizeof *e);
		free(e);
	}
	return rc;
}

/* ---- delete ---- */

/* Catch-all protection (spec 6.10 step 5, parsed safely: spec 15.22).
 * 1 when uname is the domain's catch-all, 0 otherwise. */
int vp_user_is_catchall(const vp_config *cfg, const vp_domain_info *dom, const char *uname)
{
	char path[4096], act[512];
	char *data = NULL;
	size_t len = 0;
	if (vp_path_join(path, sizeof path, dom->dir, ".qmail-default") != 0)
		return 0;
	if (vp_read_file(path, &data, &len, 64 * 1024, NULL) != 0)
		return 0;
	char *nl = memchr(data, '\n', len);
	if (nl)
		*nl = '\0';
	int result = 0;
	const char *v = strstr(data, "vdelivermail");
	const char *q = v ? strstr(v, "''") : NULL;
	if (!q)
		goto done;
	q += 2;
	while (*q == ' ' || *q == '\t')
		q++;
	size_t al = strlen(q);
	while (al > 0 && (q[al - 1] == ' ' || q[al - 1] == '\t' || q[al - 1] == '\r'))
		al--;
	if (al == 0 || al >= sizeof act)
		goto done;
	/* Paths compare as they are; addresses case-insensitively. */
	int is_path = q[0] == '/';
	for (size_t i = 0; i < al; i++)
		act[i] = (!is_path && q[i] >= 'A' && q[i] <= 'Z') ? (char)(q[i] - 'A' + 'a') : q[i];
	act[al] = '\0';
	if (strstr(act, "bounce-no-mailbox") || strstr(act, "delete-no-mailbox"))
		goto done;
	if (act[0] == '/') {
		/* A Maildir path in this domain: its user is the catch-all. */
		if (!strstr(act, dom->dir))
			goto done;
		size_t l = al;
		while (l > 1 && act[l - 1] == '/')
			l--;
		act[l] = '\0';
		char *last = strrchr(act, '/');
		if (last && strcmp(last, "/Maildir") == 0 && last != act) {
			*last = '\0';
			last = strrchr(act, '/');
		}
		result = last && strcmp(last + 1, uname) == 0;
		goto done;
	}
	char *at = strchr(act, '@');
	if (!at)
		goto done; /* a bare word such as "delete": no catch-all user */
	*at = '\0';
	const char *cdom = at + 1;
	if (strcmp(act, uname) != 0)
		goto done;
	if (strcmp(cdom, dom->name) == 0 || strcmp(cdom, dom->realdomain) == 0) {
		result = 1;
		goto done;
	}
	/* user@alias-of-this-domain is the same mailbox. */
	vp_domain_info other;
	char dn[VP_MAX_PW_DOMAIN + 1];
	if (strlen(cdom) <= VP_MAX_PW_DOMAIN &&
	    vp_domain_normalize(cdom, strlen(cdom), dn, NULL) == 0 &&
	    vp_domain_lookup(cfg, dn, &other, NULL) == 1 &&
	    strcmp(other.realdomain, dom->realdomain) == 0)
		result = 1;
done:
	free(data);
	return result;
}

/* The hash bucket between the domain dir and the user name, if any. */
int vp_user_home_bucket(const vp_domain_info *dom, const char *home, const char *uname, char *out,
                       size_t size)
{
	size_t dl = strlen(dom->dir), hl = strlen(home), ul = strlen(uname);
	out[0] = '\0';
	if (hl < dl + ul + 2 || strncmp(home, dom->dir, dl) != 0 || home[dl] != '/' ||
	    strcmp(home + hl - ul, uname) != 0 || home[hl - ul - 1] != '/')
		return 0;
	size_t bl = hl - ul - 1 - (dl + 1);
	if (bl == 0 || bl >= size || !vp_user_bucket_valid(home + dl + 1, bl))
		return 0;
	memcpy(out, home + dl + 1, bl);
	out[bl] = '\0';
	return 1;
}

/*
 * The home is checked before anything changes (strictly inside the domain,
 * named after the user: a corrupt or hostile dir field never takes a bucket,
 * another user, the domain or anything outside with it) and its directory
 * reached.  Once the vpasswd line is gone the call succeeds: the counter and
 * the free list are updated, the home is renamed aside to a dot-name no add
 * can collide with (the name is free again at once) and removed at any
 * depth; what fails of these is not reported (a leftover
 * ".deleted.<name>.<hex>" blocks nothing; the next delete in the same
 * directory, or the domain's, removes it).  A
 * login that had opened the home just before writes its lastauth into the
 * aside tree, which the removal takes too.  (The line goes first so that a
 * writer killed midway never leaves a user without a home.)
 */
int vp_del_user(const vp_config *cfg, const char *user, const char *domain, vp_error *err)
{
	char uname[VP_MAX_PW_NAME + 1], path[4096], bucket[16], home[sizeof ((vp_user_entry *)0)->dir];
	vp_domain_info dom;
	vp_user_entry e;
	vp_lock lock = { -1 };
	vp_closer keep;
	int rc, pfd = -1, txn = 0;

	vp_closer_init(&keep);
	vp_error_clear(err);
	if (user && !user[0])
		return vp_fail(err, VA_ILLEGAL_USERNAME, "empty");
	if ((rc = check_names(cfg, user, domain, uname, err)) != 0 ||
	    (rc = vp_user_resolve_domain(cfg, domain, &dom, err)) != 0)
		return rc;
	vp_store *s = vp_cfg_store(cfg);
	memset(&e, 0, sizeof e);
	if ((rc = vp_vpw_lock(cfg, &dom, &lock, err)) != 0)
		return rc;
	/* mysql: row, lastauth row and counter in one transaction, then the home. */
	if (s && (rc = vp_store_begin(s, &dom, VP_STORE_NEED_DIRC | VP_STORE_NEED_LASTAUTH, err)) != 0)
		goto out;
	txn = s != NULL;
	rc = s ? vp_store_user_get(s, &dom, uname, VP_STORE_GET_LOCK, &e, err)
	       : vp_vpw_get_locked(cfg, &dom, uname, &e, err);
	if (rc == 0)
		rc = vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", uname, dom.realdomain);
	if (rc < 0)
		goto out;
	if (vp_user_is_catchall(cfg, &dom, uname)) {
		rc = vp_fail(err, VA_CANNOT_DELETE_CATCHALL, "%s@%s", uname, dom.realdomain);
		goto out;
	}
	rc = 0;
	snprintf(home, sizeof home, "%s", e.dir);
	for (size_t hl = strlen(home); hl > 1 && home[hl - 1] == '/';)
		home[--hl] = '\0';
	if (home[0]) {
		if ((rc = vp_home_check(&dom, home, err)) != 0)
			goto out;
		if (strcmp(vp_path_base(home), uname) != 0) {
			rc = vp_fail(err, VA_UNSAFE_PATH, "not removing %s: not named after %s", home, uname);
			goto out;
		}
		pfd = vp_parent_open(cfg, home, err);
		if (pfd == VA_BAD_DIR && errno == ENOENT) {
			rc = 0; /* no bucket, no home: nothing to remove */
			vp_error_clear(err);
		} else if (pfd < 0) {
			rc = pfd;
			goto out;
		}
	}
	/* cdb: vpasswd, vpasswd.cdb, .dir_control_free and .dir-control are each
	 * written to a temp file, fsynced and renamed, and one fsync of the
	 * domain directory then makes the four renames durable (issue 17).  The
	 * two hints are staged first (written, not yet renamed), so that the four
	 * fsyncs run at once, sharing one journal commit and one cache flush;
	 * the hints are renamed after vpasswd, as before, and thrown away when
	 * it fails.  A hint that cannot be staged is skipped, as a failed hint
	 * always was. */
	vp_atomic fl, dc;
	vp_lock fl_lock = { -1 };
	int fl_staged = 0, dc_staged = 0;
	vp_error ignored;
	if (!s) {
		if (home[0] && vp_user_home_bucket(&dom, home, uname, bucket, sizeof bucket))
			fl_staged = free_list_stage(cfg, &dom, bucket, &fl, &fl_lock, &ignored) == 1;
		if (dom_file(path, sizeof path, &dom, ".dir-control", &ignored) == 0)
			dc_staged = vp_dirc_dec_stage(cfg, path, dom.uid, dom.gid, &dc, &ignored) == 1;
	}
	if (s) {
		vp_store_counter c = { &dom, dom.uid, dom.gid };
		if ((rc = vp_store_user_del(s, &dom, uname, err)) != 0 ||
		    (rc = vp_store_lastauth_del(s, &dom, uname, err)) != 0 ||
		    (cfg->valias && (rc = vp_store_valias_del(s, dom.realdomain, uname, err)) < 0) ||
		    (rc = vp_store_dirc_dec(s, &c, err)) != 0)
			goto out;
		txn = 0;
		/* No answer to the commit: the row gone on the primary says it
		 * committed (then the home goes too); otherwise the home stays. */
		if ((rc = vp_store_commit(s, err)) != 0) {
			vp_user_entry chk;
			vp_error e2;
			if (!vp_store_commit_unknown(s) ||
			    vp_store_recheck_user(s, &dom, uname, &chk, &e2) != 0) {
				explicit_bzero(&chk, sizeof chk);
				goto out;
			}
			rc = 0;
			vp_error_clear(err);
		}
	} else {
		vp_atomic *also[2];
		size_t nalso = 0;
		if (fl_staged)
			also[nalso++] = &fl;
		if (dc_staged)
			also[nalso++] = &dc;
		rc = vp_vpw_update_deferred(cfg, &dom, VP_VPW_DEL, uname, NULL, 0, also, nalso, &keep,
		                            err);
	}
	if (!s && rc != 0) {
		if (fl_staged)
			vp_atomic_abort(&fl);
		if (dc_staged)
			vp_atomic_abort(&dc);
		vp_lock_release(&fl_lock);
		vp_fsync_dir(dom.dir); /* a failed rewrite may have renamed vpasswd already */
		goto out;
	}
	/* From here the user is gone: nothing below fails the call. */
	if (s && home[0] && vp_user_home_bucket(&dom, home, uname, bucket, sizeof bucket) &&
	    free_list_stage(cfg, &dom, bucket, &fl, &fl_lock, &ignored) == 1)
		fl_staged = 1; /* mysql: the hint stays a file */
	if (fl_staged)
		vp_atomic_commit_staged_keep(&fl, &keep, &ignored);
	vp_lock_release(&fl_lock);
	if (dc_staged)
		vp_atomic_commit_staged_keep(&dc, &keep, &ignored);
	/* Freeing the inodes of the replaced files and of the home costs more
	 * than their renames and unlinks (vp_closer): they are held, and closed
	 * by cfg->reaper after the call, or else on threads beside the rest. */
	if (!cfg->reaper)
		vp_closer_detach(&keep);
	vp_fsync_dir(dom.dir);
	if (pfd >= 0) {
		vp_discard_at_keep(pfd, uname, &keep);
		vp_sweep_aside_at(pfd); /* homes of deletes killed here before */
	}
out:
	vp_closer_finish_to(&keep, cfg->reaper);
	if (txn) {
		vp_error keep = { 0, "" };
		vp_store_rollback(s, &keep);
	}
	if (pfd >= 0)
		close(pfd);
	vp_lock_release(&lock);
	explicit_bzero(&e, sizeof e);
	return rc;
}

/* ---- lookups ---- */

int vp_get_user(const vp_config *cfg, const char *user, const char *domain, vp_user_entry *out,
                vp_domain_info *dom, vp_error *err)
{
	char uname[VP_MAX_PW_NAME + 1];
	vp_domain_info d;
	int rc;

	vp_error_clear(err);
	if (out)
		memset(out, 0, sizeof *out);
	if (!cfg || !user || !domain)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	if ((rc = lookup_name(user, uname, err)) != 0)
		return rc;
	if ((rc = vp_user_resolve_domain(cfg, domain, &d, err)) != 0)
		return rc;
	if (dom)
		*dom = d;
	return vp_vpw_get(cfg, &d, uname, out, err);
}

/* ---- password ---- */

typedef struct password_edit {
	const vp_config *cfg;
	const vp_domain_info *dom;
	const vp_limits *lim;
	const char *hash, *password;
	const char *checked, *oldpw; /* vp_change_password: the hash oldpw was checked against */
} password_edit;

static int apply_password(void *ctx, vp_user_entry *e, vp_error *err)
{
	const password_edit *p = ctx;
	/* Under the lock (mysql: the row locked): the record oldpw was checked
	 * against must still be the one written over.  Changed meanwhile (a
	 * passwd, another change): oldpw against the new hash, so a change never
	 * overwrites one made after its check.  Only the owner gets here. */
	if (p->checked && strcmp(e->passwd, p->checked) != 0 &&
	    vp_password_verify(p->oldpw, e->passwd) != 1)
		return vp_fail(err, VA_WRONG_PASSWORD, NULL);
	if (vp_effective_flags(e->flags, p->lim) & VP_NO_PASSWD_CHNG)
		return vp_fail(err, VA_PASSWD_CHANGE_DENIED, "%s@%s", e->name, p->dom->realdomain);
	/* Field 3 (POP/APOP) stays as it is.  The 8th field follows the
	 * configuration: the new clear text when on, dropped when off (as 5.6
	 * without CLEAR_PASS rewrites the line). */
	snprintf(e->passwd, sizeof e->passwd, "%s", p->hash);
	e->has_clear = p->cfg->clear_passwords ? 1 : 0;
	if (e->has_clear)
		snprintf(e->clear, sizeof e->clear, "%s", p->password);
	else
		e->clear[0] = '\0';
	return 0;
}

int vp_user_set_password_checked(const vp_config *cfg, const char *user, const char *domain,
                                 const char *password, const char *checked, const char *oldpw,
                                 vp_error *err)
{
	char uname[VP_MAX_PW_NAME + 1], hash[VP_HASH_BUF];
	vp_domain_info dom;
	vp_limits lim;
	vp_user_entry e;
	vp_lock lock = { -1 };
	int rc;

	vp_error_clear(err);
	if (!password)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = check_names(cfg, user, domain, uname, err)) != 0)
		return rc;
	if ((rc = vp_password_check(cfg, password, err)) != 0)
		return rc;
	if ((rc = vp_user_resolve_domain(cfg, domain, &dom, err)) != 0)
		return rc;
	if ((rc = vp_limits_read(cfg, &dom, &lim, err)) != 0)
		return rc;
	/* the slow part before the lock */
	if ((rc = vp_password_hash(cfg->hash_scheme, password, hash, sizeof hash, err)) != 0)
		return rc;

	password_edit edit = { cfg, &dom, &lim, hash, password, checked, oldpw };
	if ((rc = vp_vpw_lock(cfg, &dom, &lock, err)) == 0) {
		rc = vp_vpw_edit_locked(cfg, &dom, uname, apply_password, &edit, &e, err);
		vp_lock_release(&lock);
	}
	explicit_bzero(hash, sizeof hash);
	explicit_bzero(&e, sizeof e);
	return rc;
}

int vp_set_password(const vp_config *cfg, const char *user, const char *domain,
                    const char *password, vp_error *err)
{
	return vp_user_set_password_checked(cfg, user, domain, password, NULL, NULL, err);
}

/* ---- quota ---- */

typedef struct quota_edit {
	const vp_config *cfg;
	const vp_domain_info *dom;
	const char *quota;
	int md;               /* the Maildir, reached before anything is written; -1 none */
	char path[4096];
} quota_edit;

/* Only field 7 changes; an existing 8th field is kept as it is.  A home that
 * is not safely inside the domain refuses the change (nothing written). */
static int apply_quota(void *ctx, vp_user_entry *e, vp_error *err)
{
	quota_edit *q = ctx;
	if (e->dir[0]) {
		int md = vp_maildir_open(q->cfg, q->dom, e->dir, q->path, sizeof q->path, err);
		if (md < -1)
			return md;
		q->md = md;
	}
	snprintf(e->quota, sizeof e->quota, "%s", q->quota);
	return 0;
}

int vp_set_quota(const vp_config *cfg, const char *user, const char *domain, const char *quota,
                 vp_error *err)
{
	char uname[VP_MAX_PW_NAME + 1], q[VP_MAX_PW_QUOTA + 64];
	vp_domain_info dom;
	vp_user_entry e;
	vp_lock lock = { -1 };
	int rc;

	vp_error_clear(err);
	if (!quota)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = check_names(cfg, user, domain, uname, err)) != 0)
		return rc;
	if ((rc = vp_quota_check(quota, q, sizeof q, err)) != 0)
		return rc;
	if ((rc = vp_user_resolve_domain(cfg, domain, &dom, err)) != 0)
		return rc;
	if ((rc = vp_limits_enforce_user_quota(cfg, &dom, q, sizeof q, err)) != 0)
		return rc;

	if ((rc = vp_vpw_lock(cfg, &dom, &lock, err)) != 0)
		return rc;
	quota_edit edit = { cfg, &dom, q, -1, "" };
	rc = vp_vpw_edit_locked(cfg, &dom, uname, apply_quota, &edit, &e, err);
	/* maildirsize under the same lock, so it always matches field 7. */
	if (rc == 0 && edit.md >= 0)
		rc = vp_maildirsize_update_md(cfg, &dom, edit.md, edit.path, q, err);
	if (edit.md >= 0)
		close(edit.md);
	vp_lock_release(&lock);
	explicit_bzero(&e, sizeof e);
	return rc;
}
