/*
 * vp_domain.c: adding, aliasing and deleting virtual domains (spec 3-5).
 *
 * Every operation holds users/assign.lock from its existence check to its
 * last qmail file, so concurrent writers (ours or vpopmail's) serialise.
 * Deleting a domain also takes the domain's own locks (lock order in
 * vpcore.h), so that it never runs beside a writer of the domain's files;
 * those writers hold vp_domain_lock, which finds a deleted or re-made domain.
 */
#include "vp_store.h"

#include <cdb.h>
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

static size_t base_len(const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return n;
}

/* Every entry point: a clean error, a usable configuration, a valid name. */
static int begin(const vp_config *cfg, const char *domain, char name[VP_MAX_PW_DOMAIN + 1],
                 vp_error *err)
{
	int rc;
	vp_error_clear(err);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	if (!domain)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	return vp_domain_normalize(domain, strlen(domain), name, err);
}

static int lock_registry(const vp_config *cfg, vp_lock *lock, vp_error *err)
{
	char path[4096];
	if (vp_path_join(path, sizeof path, cfg->qmail_dir, "users/assign.lock") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	return vp_lock_acquire(cfg, path, lock, err);
}

/* 1: d is still what a lookup finds now; 0: deleted, re-made or moved;
 * <0: the lookup failed.  lockfd (or -1): the lock we hold must still be
 * the file at lockpath (it is pinned by the fd, so its inode is not reused). */
static int still_same(const vp_config *cfg, const vp_domain_info *d, int lockfd,
                      const char *lockpath, vp_error *err)
{
	vp_domain_info now;
	int rc = vp_domain_lookup(cfg, d->realdomain, &now, err);
	if (rc <= 0)
		return rc;
	if (now.is_alias || strcmp(now.dir, d->dir) != 0 || !vp_dir_id_same(&now.id, &d->id))
		return 0;
	struct stat a, b;
	if (lockfd >= 0 && (fstat(lockfd, &a) != 0 || lstat(lockpath, &b) != 0 ||
	                    a.st_dev != b.st_dev || a.st_ino != b.st_ino))
		return 0;
	return 1;
}

int vp_domain_lock(const vp_config *cfg, const vp_domain_info *d, vp_lock *lock, vp_error *err)
{
	char path[4096];
	lock->fd = -1;
	if (!d->realdomain[0])
		return vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "no domain looked up");
	if (vp_path_join(path, sizeof path, d->dir, ".vpasswd.lock") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	int rc = vp_lock_acquire(cfg, path, lock, err);
	if (rc == VA_FILE_BUSY)
		return rc;
	/* Also when the lock could not be opened: its directory may be gone. */
	vp_error tmp;
	int same = still_same(cfg, d, lock->fd, path, &tmp);
	if (same != 1) {
		vp_lock_release(lock);
		if (same < 0) {
			if (err)
				*err = tmp;
			return same;
		}
		return vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "%s (deleted meanwhile)", d->realdomain);
	}
	if (rc != 0)
		return rc;
	/* vpopmail chowns the lock file with the files it guards. */
	if (cfg->chown_files && fchown(lock->fd, d->uid, d->gid) != 0) {
		/* not fatal: the lock is held either way */
	}
	return 0;
}

/* ---- directories set aside ---- */

/* Deletes move a domain's tree aside (vp_move_aside_at: ".deleted.<name>.<hex>")
 * before removing it.  What a killed delete left there in domains/ is taken
 * away by the next add or delete (best effort; the caller holds assign.lock,
 * which every delete holds while it sets a tree aside and removes it). */

static void sweep_aside(const vp_config *cfg)
{
	char domains[4096];
	vp_error ignored;
	if (vp_path_join(domains, sizeof domains, cfg->vpopmail_dir, "domains") != 0)
		return;
	int fd = vp_dir_open(cfg, domains, &ignored);
	if (fd < 0)
		return;
	vp_sweep_aside_at(fd);
	close(fd);
}

int vp_write_qmail_default(const vp_config *cfg, const vp_domain_info *d, const char *action,
                           vp_error *err)
{
	char path[4096], line[4400];
	int rc;
	/* The line runs through sh: both parts must be harmless words. */
	if ((rc = vp_config_check(cfg, err)) != 0 || (rc = vp_catchall_line_check(d, action, err)) != 0)
		return rc;
	if (vp_path_join(path, sizeof path, d->dir, ".qmail-default") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	int n = snprintf(line, sizeof line, "| %.*s/bin/vdelivermail '' %s\n",
	                 (int)base_len(cfg->vpopmail_dir), cfg->vpopmail_dir, action);
	if (n < 0 || (size_t)n >= sizeof line)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	rc = vp_write_file_atomic(cfg, path, line, (size_t)n, 0600, d->uid, d->gid,
	                          cfg->chown_files, err);
	if (rc != 0 && err && rc != VA_NO_SPACE && rc != VA_UNSAFE_PATH)
		err->code = rc = VA_COULD_NOT_OPEN_QMAIL_DEFAULT;
	return rc;
}

/* An empty vpasswd and vpasswd.cdb, so readers never find a half-made domain. */
static int write_empty_vpasswd(const vp_config *cfg, const vp_domain_info *d, vp_error *err)
{
	char path[4096];
	struct cdb_make cdbm;
	vp_atomic a;
	int rc;

	if (vp_path_join(path, sizeof path, d->dir, ".vpasswd.lock") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	int dfd = vp_dir_open(cfg, d->dir, err);
	if (dfd < 0)
		return vp_dir_fail_as(err, dfd, VA_COULD_NOT_UPDATE_FILE);
	vp_lock lock;
	/* under assign.lock (the caller's): the order of vpcore.h; the domain is
	 * not registered yet, so no writer can be waiting for this lock */
	rc = vp_lock_acquire_at(cfg, dfd, path, &lock, err);
	if (rc != 0) {
		close(dfd);
		return rc;
	}
	if (cfg->chown_files && fchown(lock.fd, d->uid, d->gid) != 0) {
		vp_lock_release(&lock);
		close(dfd);
		return vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot chown", path);
	}
	vp_path_join(path, sizeof path, d->dir, "vpasswd");
	rc = vp_write_file_at(dfd, path, "", 0, 0600, d->uid, d->gid, cfg->chown_files, err);
	if (rc == 0) {
		vp_path_join(path, sizeof path, d->dir, "vpasswd.cdb");
		rc = vp_atomic_open_at(&a, dfd, path, 0600, err);
	}
	if (rc == 0) {
		if (cdb_make_start(&cdbm, a.fd) != 0 || cdb_make_finish(&cdbm) != 0) {
			rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot build", path);
			vp_atomic_abort(&a);
		} else {
			rc = vp_atomic_commit(&a, d->uid, d->gid, cfg->chown_files, err);
		}
	}
	vp_lock_release(&lock);
	close(dfd);
	return rc;
}

/* mkdir -p of the bucket components below domains/ (dfd), each 0700 and
 * owned: the innermost one's fd; VA_UNSAFE_PATH (err filled) for a symlink
 * or an unsafe directory on the way; -1 with errno for any other failure. */
static int make_bucket(const vp_config *cfg, int dfd, const char *domains, const char *bucket,
                       uid_t uid, gid_t gid, vp_error *err)
{
	char path[4096];
	size_t n = (size_t)snprintf(path, sizeof path, "%s", domains);
	int fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
	for (const char *p = bucket; *p && fd >= 0; p++) {
		if (*p == '/')
			continue;
		if (n + 3 >= sizeof path) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		path[n++] = '/';
		path[n++] = *p;
		path[n] = '\0';
		char name[2] = { *p, '\0' };
		int sub = vp_mkdirat_owned(fd, name, 0700, uid, gid, cfg->chown_files);
		if (sub < 0 && errno != EEXIST) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (sub >= 0)
			close(sub);
		sub = vp_dir_openat(cfg, fd, path, err);
		int e = errno;
		close(fd);
		errno = e;
		if (sub == VA_UNSAFE_PATH)
			return sub;
		fd = sub < 0 ? -1 : sub;
	}
	return fd;
}

/* Written into a domain's directory by vp_del_domain before the domain
 * leaves users/assign: a delete killed after that left the directory of a
 * domain the caller asked to delete, which the next add of the name may
 * remove whatever it holds. */
#define DELETING_MARK ".vp-deleting"

/* A domain directory left by an add that was killed before the domain
 * reached users/assign holds only what the add writes first (.qmail-default,
 * an empty vpasswd, its cdb and lock, temp files); one left by a killed
 * delete holds DELETING_MARK.  Such a directory is removed so the name can be
 * added again; any other one is never adopted.  The caller holds assign.lock
 * and knows the domain is not registered. */
static int remove_crashed_add_dir(int pfd, const char *name)
{
	int fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		errno = EEXIST;
		return -1;
	}
	struct stat mark;
	int ok = 1;
	if (fstatat(dirfd(d), DELETING_MARK, &mark, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(mark.st_mode))
		ok = 2; /* a killed delete's: everything goes */
	struct dirent *de;
	while (ok == 1 && (de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		struct stat st;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
			continue;
		ok = fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		     (strcmp(n, ".qmail-default") == 0 || strcmp(n, "vpasswd.cdb") == 0 ||
		      strcmp(n, ".vpasswd.lock") == 0 || strncmp(n, ".tmp.", 5) == 0 ||
		      (strcmp(n, "vpasswd") == 0 && st.st_size == 0));
	}
	closedir(d);
	/* aside first: then the name is free even if the removal fails */
	char aside[NAME_MAX + 1];
	if (!ok || vp_move_aside_at(pfd, name, aside, sizeof aside) != 0) {
		errno = EEXIST;
		return -1;
	}
	vp_remove_tree_at(pfd, aside);
	return 0;
}

/* The per-uid domain counter: domains/.dir-control, or the store's dom_<uid>
 * row (mysql).  next: the bucket of the new domain. */
static int domains_counter_next(const vp_config *cfg, const char *path, uid_t uid, gid_t gid,
                                char *bucket, size_t size, vp_error *err)
{
	vp_store *s = vp_cfg_store(cfg);
	if (!s)
		return vp_dirc_next(cfg, path, uid, gid, bucket, size, err);
	vp_store_counter c = { NULL, uid, gid };
	vp_dir_control dc;
	int rc = vp_store_dirc_next(s, &c, &dc, err);
	if (rc == 0)
		snprintf(bucket, size, "%s", dc.bucket);
	return rc;
}

static int domains_counter_dec(const vp_config *cfg, const char *path, uid_t uid, gid_t gid,
                               vp_error *err)
{
	vp_store *s = vp_cfg_store(cfg);
	vp_store_counter c = { NULL, uid, gid };
	return s ? vp_store_dirc_dec(s, &c, err) : vp_dirc_dec(cfg, path, uid, gid, err);
}

static int add_domain_locked(const vp_config *cfg, const char *domain, uid_t uid, gid_t gid,
                             vp_error *err)
{
	char domains[4096], counter[4096], bucket[16];
	vp_domain_info d;
	size_t blen = base_len(cfg->vpopmail_dir);
	int rc, hfd = -1, dfd = -1, pfd = -1;

	rc = vp_domain_lookup(cfg, domain, &d, err);
	if (rc < 0)
		return rc;
	if (rc > 0)
		return vp_fail(err, VA_DOMAIN_ALREADY_EXISTS, "%s", domain);
	/* before anything is created, so a refusal leaves the tree as it was */
	if ((rc = vp_qmail_check_name(cfg, domain, err)) != 0)
		return rc;

	if (vp_path_join(domains, sizeof domains, cfg->vpopmail_dir, "domains") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	/* home, domains/, the bucket and the domain dir, each reached from the last */
	if ((hfd = vp_dir_open(cfg, cfg->vpopmail_dir, err)) < 0)
		return vp_fail(err, VA_BAD_V_DIR, "%s", cfg->vpopmail_dir);
	if ((dfd = vp_mkdirat_owned(hfd, "domains", 0700, uid, gid, cfg->chown_files)) >= 0)
		close(dfd);
	else if (errno != EEXIST)
		rc = vp_fail_errno(err, VA_CAN_NOT_MAKE_DOMAINS_DIR, "cannot create", domains);
	if (rc == 0 && (dfd = vp_dir_openat(cfg, hfd, domains, err)) < 0)
		rc = vp_dir_fail_as(err, dfd, VA_CAN_NOT_MAKE_DOMAINS_DIR);
	close(hfd);
	if (rc != 0)
		return rc;
	sweep_aside(cfg);

	/* The per-uid domain counter of spec 1.3, always under our own home. */
	vp_path_join(counter, sizeof counter, domains, ".dir-control");
	rc = domains_counter_next(cfg, counter, uid, gid, bucket, sizeof bucket, err);
	if (rc != 0)
		goto out;

	memset(&d, 0, sizeof d);
	snprintf(d.name, sizeof d.name, "%s", domain);
	snprintf(d.realdomain, sizeof d.realdomain, "%s", domain);
	d.uid = uid;
	d.gid = gid;
	size_t sub = strlen(bucket) + (bucket[0] ? 1 : 0) + strlen(domain);
	if (blen + strlen("domains") + sub > VP_MAX_PW_DIR) {
		domains_counter_dec(cfg, counter, uid, gid, NULL);
		rc = vp_fail(err, VA_DIR_TOO_LONG, NULL);
		goto out;
	}
	if (snprintf(d.dir, sizeof d.dir, "%s%s%s/%s", domains, bucket[0] ? "/" : "", bucket,
	             domain) >= (int)sizeof d.dir) {
		domains_counter_dec(cfg, counter, uid, gid, NULL);
		rc = vp_fail(err, VA_DIR_TOO_LONG, NULL);
		goto out;
	}
	pfd = make_bucket(cfg, dfd, domains, bucket, uid, gid, err);
	int ddfd = -1;
	if (pfd >= 0) {
		ddfd = vp_mkdirat_owned(pfd, domain, 0700, uid, gid, cfg->chown_files);
		if (ddfd < 0 && errno == EEXIST && remove_crashed_add_dir(pfd, domain) == 0)
			ddfd = vp_mkdirat_owned(pfd, domain, 0700, uid, gid, cfg->chown_files);
	}
	if (ddfd < 0) {
		/* An existing directory is never adopted: it may belong to someone else. */
		rc = pfd == VA_UNSAFE_PATH
		         ? pfd
		         : vp_fail_errno(err, VA_COULD_NOT_MAKE_DOMAIN_DIR, "cannot create", d.dir);
		domains_counter_dec(cfg, counter, uid, gid, NULL);
		goto out;
	}
	close(ddfd);
	rc = vp_write_qmail_default(cfg, &d, cfg->compat54 ? "bounce-no-mailbox" : "delete", err);
	/* the user store: empty vpasswd files, or the tables (mysql) */
	vp_store *s = vp_cfg_store(cfg);
	int made = 0;
	if (rc == 0) {
		rc = s ? vp_store_domain_create(s, &d, err) : write_empty_vpasswd(cfg, &d, err);
		made = rc == 0;
	}
	if (rc == 0)
		rc = vp_qmail_add_domain(cfg, domain, domain, d.dir, uid, gid, err);
	if (rc != 0) {
		const char *one[1] = { domain };
		vp_error ignored;
		vp_qmail_del_domains(cfg, one, 1, &ignored);
		if (s && made)
			vp_store_domain_drop(s, &d, &ignored);
		vp_remove_tree_at(pfd, domain);
		domains_counter_dec(cfg, counter, uid, gid, &ignored);
	}
out:
	if (pfd >= 0)
		close(pfd);
	close(dfd);
	return rc;
}

int vp_add_domain(const vp_config *cfg, const char *domain, const char *dir, uid_t uid, gid_t gid,
                  vp_error *err)
{
	char name[VP_MAX_PW_DOMAIN + 1];
	vp_lock lock;
	int rc;

	if ((rc = begin(cfg, domain, name, err)) != 0)
		return rc;
	/* Domains live only under the configured home (spec 15.7). */
	if (dir && *dir) {
		size_t a = base_len(dir), b = base_len(cfg->vpopmail_dir);
		if (a != b || strncmp(dir, cfg->vpopmail_dir, a) != 0)
			return vp_fail(err, VA_BAD_V_DIR, "only %s is allowed", cfg->vpopmail_dir);
	}
	if (uid == (uid_t)-1)
		uid = cfg->uid;
	if (gid == (gid_t)-1)
		gid = cfg->gid;
	if (uid == 0 || gid == 0)
		return vp_fail(err, VA_BAD_UID, "domains may not be owned by root");
	if ((rc = lock_registry(cfg, &lock, err)) != 0)
		return rc;
	rc = add_domain_locked(cfg, name, uid, gid, err);
	vp_lock_release(&lock);
	if (rc == 0)
		vp_qmail_reload(cfg);
	return rc;
}

/* The recorded dir must be <home>/domains/[H/]<domain> before we delete it. */
static int domain_dir_is_ours(const vp_config *cfg, const vp_domain_info *d)
{
	char domains[4096];
	if (vp_path_join(domains, sizeof domains, cfg->vpopmail_dir, "domains") != 0)
		return 0;
	size_t n = strlen(domains), dl = strlen(d->dir), nl = strlen(d->realdomain);
	if (dl <= n + nl || strncmp(d->dir, domains, n) != 0 || d->dir[n] != '/')
		return 0;
	if (strcmp(d->dir + dl - nl, d->realdomain) != 0 || d->dir[dl - nl - 1] != '/')
		return 0;
	/* what lies between is a bucket: single symbols separated by '/' */
	for (size_t i = n + 1; i < dl - nl - 1; i++)
		if (d->dir[i] == '.')
			return 0;
	return 1;
}

/* The domain's lock, in the order of vpcore.h: what its writers hold while
 * they change its files.  A directory that is not there has no writers. */
static int lock_domain_dir(const vp_config *cfg, int pfd, const char *dname,
                           const vp_domain_info *d, vp_lock *vpw, vp_error *err)
{
	char path[4096];
	struct stat st;
	vpw->fd = -1;
	if (pfd < 0 || (fstatat(pfd, dname, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT))
		return 0;
	if (vp_path_join(path, sizeof path, d->dir, ".vpasswd.lock") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	return vp_lock_acquire(cfg, path, vpw, err);
}

/* DELETING_MARK in pfd/dname, durable before assign changes (best effort:
 * without it a killed delete leaves a directory the next add refuses, as
 * before). */
static void mark_deleting(int pfd, const char *dname)
{
	int dfd = pfd < 0 ? -1 : openat(pfd, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return;
	int fd = openat(dfd, DELETING_MARK, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		fsync(dfd);
	}
	close(dfd);
}

static void mark_deleting_undo(int pfd, const char *dname)
{
	int dfd = pfd < 0 ? -1 : openat(pfd, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd >= 0) {
		unlinkat(dfd, DELETING_MARK, 0);
		close(dfd);
	}
}

int vp_del_domain(const vp_config *cfg, const char *domain, vp_error *err)
{
	char name[VP_MAX_PW_DOMAIN + 1], domains[4096], path[4096];
	vp_domain_info d;
	vp_lock lock, vpw = { -1 }, dcf = { -1 };
	int rc, pfd = -1;

	if ((rc = begin(cfg, domain, name, err)) != 0)
		return rc;
	if (vp_path_join(domains, sizeof domains, cfg->vpopmail_dir, "domains") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	if ((rc = lock_registry(cfg, &lock, err)) != 0)
		return rc;
	rc = vp_domain_lookup(cfg, name, &d, err);
	if (rc == 0)
		rc = vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "%s", name);
	if (rc < 0)
		goto out;
	vp_store *s = vp_cfg_store(cfg);
	if (d.is_alias) {
		const char *one[1] = { name };
		/* the store first: a failure there changes nothing */
		if (s && (rc = vp_store_alias_del(s, name, err)) != 0)
			goto out;
		rc = vp_qmail_del_domains(cfg, one, 1, err);
		goto out;
	}
	if (!domain_dir_is_ours(cfg, &d)) {
		rc = vp_fail(err, VA_BAD_DIR, "%s is outside %s/domains", d.dir, cfg->vpopmail_dir);
		goto out;
	}
	sweep_aside(cfg);
	/* The directory that holds the domain's, reached from the home (a
	 * symlink on the way refuses the call before anything changed); the
	 * removal below happens through this descriptor, whatever is renamed
	 * meanwhile. */
	char dir[sizeof d.dir];
	snprintf(dir, sizeof dir, "%.*s", (int)base_len(d.dir), d.dir);
	rc = 0;
	const char *dname = vp_path_base(dir);
	pfd = vp_parent_open(cfg, dir, err);
	if (pfd >= 0) {
		int fd = vp_dir_openat(cfg, pfd, dir, err);
		if (fd >= 0)
			close(fd);
		else if (fd != VA_BAD_DIR || errno != ENOENT)
			rc = fd;
	} else if (pfd != VA_BAD_DIR || errno != ENOENT) {
		rc = pfd; /* (a missing domains/ or bucket: nothing to remove) */
	}
	if (rc != 0)
		goto out;
	vp_error_clear(err);
	/* Wait for the writers in the domain (they hold its lock for a whole
	 * change) before anything changes; new ones find it gone under their lock. */
	if ((rc = lock_domain_dir(cfg, pfd, dname, &d, &vpw, err)) != 0)
		goto out;
	/* mysql: the domain's rows (users, lastauth, its counter, alias-domain
	 * rows) go in one transaction before the qmail files: a crash after it
	 * leaves a registered domain without users, which deleting it again
	 * finishes, never rows that would block adding the name again. */
	if (s) {
		vp_error ignored;
		if ((rc = vp_store_begin(s, NULL, VP_STORE_NEED_DIRC, err)) != 0)
			goto out;
		if ((rc = vp_store_domain_drop(s, &d, err)) != 0 ||
		    (rc = vp_store_commit(s, err)) != 0) {
			vp_store_rollback(s, &ignored);
			goto out;
		}
	}
	char **names;
	size_t count;
	rc = vp_assign_names_for(cfg, name, &names, &count, err);
	if (rc != 0)
		goto out;
	mark_deleting(pfd, dname);
	/* qmail first: a crash after this leaves an orphaned directory (marked:
	 * the next add of the name removes it), never a registered domain
	 * without its home. */
	rc = vp_qmail_del_domains(cfg, (const char *const *)names, count, err);
	vp_free_names(names, count);
	if (rc != 0) {
		mark_deleting_undo(pfd, dname); /* still registered: as it was */
		goto out;
	}
	/* vpopmail's own tools take .dir_control_free.lock by itself (when the
	 * file is there at all): not in the middle of their write either. */
	if (vpw.fd >= 0 && vp_path_join(path, sizeof path, d.dir, ".dir_control_free.lock") == 0 &&
	    access(path, F_OK) == 0 && (rc = vp_lock_acquire(cfg, path, &dcf, err)) != 0)
		goto out;
	/* One rename makes the whole tree vanish for writers and lookups (the
	 * name can be added again whatever the removal meets); then it is
	 * removed at any depth.  A part that cannot be removed stays under its
	 * dot-name, which the next add or delete sweeps: the domain is gone all
	 * the same. */
	char aside[NAME_MAX + 1];
	if (pfd < 0) {
		; /* nothing there */
	} else if (vp_move_aside_at(pfd, dname, aside, sizeof aside) == 0) {
		vp_lock_release(&dcf);
		vp_remove_tree_at(pfd, aside);
	} else if (errno != ENOENT && vp_remove_tree_at(pfd, dname) != 0) {
		/* cannot move it (a mount point?) nor remove it where it is */
		rc = vp_fail_errno(err, VA_BAD_DIR, "cannot remove", d.dir);
		goto out;
	}
	vp_path_join(path, sizeof path, domains, ".dir-control");
	rc = domains_counter_dec(cfg, path, d.uid, d.gid, err);
out:
	vp_lock_release(&dcf);
	vp_lock_release(&vpw);
	if (pfd >= 0)
		close(pfd);
	vp_lock_release(&lock);
	if (rc == 0)
		vp_qmail_reload(cfg);
	return rc;
}

static int add_alias_locked(const vp_config *cfg, const char *alias, const char *real,
                            vp_error *err)
{
	vp_domain_info d;
	int rc = vp_domain_lookup(cfg, alias, &d, err);
	if (rc < 0)
		return rc;
	if (rc > 0)
		return vp_fail(err, VA_DOMAIN_ALREADY_EXISTS, "%s", alias);
	rc = vp_domain_lookup(cfg, real, &d, err);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "%s", real);
	/* An alias of an alias points at the underlying real domain: no chains. */
	if (strcmp(alias, d.realdomain) == 0)
		return vp_fail(err, VA_DOMAIN_ALREADY_EXISTS, "%s", alias);
	if ((rc = vp_qmail_check_name(cfg, alias, err)) != 0)
		return rc;
	if ((rc = vp_qmail_add_domain(cfg, alias, d.realdomain, d.dir, d.uid, d.gid, err)) != 0)
		return rc;
	/* mysql: also a row of aliasdomains, as vaddaliasdomain writes it */
	vp_store *s = vp_cfg_store(cfg);
	if (s && (rc = vp_store_alias_add(s, d.realdomain, alias, err)) != 0) {
		const char *one[1] = { alias };
		vp_error ignored;
		vp_qmail_del_domains(cfg, one, 1, &ignored);
	}
	return rc;
}

static int alias_common(const vp_config *cfg, const char *a, const char *b, int either,
                        vp_error *err)
{
	char na[VP_MAX_PW_DOMAIN + 1], nb[VP_MAX_PW_DOMAIN + 1];
	vp_lock lock;
	int rc;

	if ((rc = begin(cfg, a, na, err)) != 0 || (rc = begin(cfg, b, nb, err)) != 0)
		return rc;
	if (strcmp(na, nb) == 0)
		return vp_fail(err, VA_DOMAIN_ALREADY_EXISTS, "%s", na);
	if ((rc = lock_registry(cfg, &lock, err)) != 0)
		return rc;
	const char *alias = na, *real = nb;
	if (either) {
		/* vaddaliasdomain: whichever of the two exists is the real domain */
		vp_domain_info d;
		int ea = vp_domain_lookup(cfg, na, &d, err);
		int eb = ea < 0 ? 0 : vp_domain_lookup(cfg, nb, &d, err);
		if (ea < 0 || eb < 0)
			rc = err ? err->code : VA_CORRUPT_FILE;
		else if (ea && eb)
			rc = vp_fail(err, VA_DOMAIN_ALREADY_EXISTS, "both %s and %s exist", na, nb);
		else if (!ea && !eb)
			rc = vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "neither %s nor %s exists", na, nb);
		else if (ea) {
			alias = nb;
			real = na;
		}
	}
	if (rc == 0)
		rc = add_alias_locked(cfg, alias, real, err);
	vp_lock_release(&lock);
	if (rc == 0)
		vp_qmail_reload(cfg);
	return rc;
}

int vp_add_alias_domain(const vp_config *cfg, const char *alias, const char *real, vp_error *err)
{
	return alias_common(cfg, alias, real, 0, err);
}

int vp_add_alias_domain_either(const vp_config *cfg, const char *a, const char *b, vp_error *err)
{
	return alias_common(cfg, a, b, 1, err);
}

/*
 * The catch-all of vpopmail_add_domain_ex(): exactly what vp_set_catchall
 * accepts (vp_catchall_check), checked before anything is created; a user
 * can only be the postmaster, the new domain's one user.  An empty value
 * and "bounce" (the original binding's "-b", a no-op of vadddomain) keep
 * the default.  1: set it, 0: keep the default, or a VA code.
 */
static int catchall_wanted(const char *bounce, vp_error *err)
{
	enum vp_catchall_kind kind;
	char user[VP_MAX_PW_NAME + 1];
	int rc;
	if (!bounce || !*bounce || strcmp(bounce, "bounce") == 0)
		return 0;
	if ((rc = vp_catchall_check(bounce, &kind, user, err)) != 0)
		return rc;
	if (kind == VP_CATCHALL_MAILBOX && strcmp(user, "postmaster") != 0)
		return vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s (a new domain has only its postmaster)",
		               user);
	return 1;
}

int vp_add_domain_ex(const vp_config *cfg, const char *domain, const char *password,
                     const char *quota, const char *bounce, int apop, vp_error *err)
{
	char qbuf[64];
	int rc, want;

	vp_error_clear(err);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	/* Check everything first, so a bad quota or catch-all creates nothing. */
	if (quota && *quota && (rc = vp_quota_check(quota, qbuf, sizeof qbuf, err)) != 0)
		return rc;
	if ((want = catchall_wanted(bounce, err)) < 0)
		return want;
	if ((rc = vp_add_domain(cfg, domain, NULL, cfg->uid, cfg->gid, err)) != 0)
		return rc;
	rc = vp_add_user(cfg, "postmaster", domain, password, "Postmaster", apop, err);
	if (rc == 0 && quota && *quota)
		rc = vp_set_quota(cfg, "postmaster", domain, quota, err);
	if (rc == 0 && want)
		rc = vp_set_catchall(cfg, domain, bounce, err);
	if (rc != 0) {
		/* Unlike the vadddomain CLI, a failed postmaster is never reported as success. */
		vp_error ignored;
		vp_del_domain(cfg, domain, &ignored);
		return rc;
	}
	return 0;
}
