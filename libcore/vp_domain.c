/*
 * vp_domain.c: adding, aliasing and deleting virtual domains (spec 3-5).
 *
 * Every operation holds users/assign.lock from its existence check to its
 * last qmail file, so concurrent writers (ours or vpopmail's) serialise.
 * Deleting a domain also takes the domain's own locks (lock order in
 * vpcore.h), so that it never runs beside a writer of the domain's files;
 * those writers hold vp_domain_lock, which finds a deleted or re-made domain.
 */
#include "vpcore.h"

#include <cdb.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

#define ASIDE_PREFIX ".del."

/* Rename dir (which lies under domains) to <domains>/.del.<name>.<random>:
 * one step after which no lookup, writer or add finds it under its name (a
 * domain name never starts with '.').  Walked by fd, never through a
 * symlink, like vp_remove_tree.  1 and the new path in aside, 0 when dir is
 * not there, -1 with errno when it cannot be renamed (a mount point...). */
static int set_aside(const char *domains, const char *dir, const char *name, char *aside,
                     size_t size)
{
	char rel[4096];
	size_t n = strlen(domains);
	if (strncmp(dir, domains, n) != 0 || dir[n] != '/' ||
	    snprintf(rel, sizeof rel, "%s", dir + n + 1) >= (int)sizeof rel) {
		errno = EINVAL;
		return -1;
	}
	int top = open(domains, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (top < 0)
		return errno == ENOENT ? 0 : -1;
	int parent = dup(top), rc = -1;
	char *last = rel, *slash;
	while (parent >= 0 && (slash = strchr(last, '/')) != NULL) {
		*slash = '\0';
		int sub = -1;
		if (last[0] && strcmp(last, ".") != 0 && strcmp(last, "..") != 0)
			sub = openat(parent, last, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		else
			errno = EINVAL;
		close(parent);
		parent = sub;
		last = slash + 1;
	}
	if (parent < 0) {
		rc = errno == ENOENT ? 0 : -1;
		goto done;
	}
	for (int tries = 0; tries < 8; tries++) {
		unsigned long long r = 0;
		if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
			r = ((unsigned long long)getpid() << 32) ^ (unsigned long long)time(NULL) ^
			    (unsigned long long)(uintptr_t)aside ^ (unsigned long long)tries;
		char base[256];
		if (snprintf(base, sizeof base, ASIDE_PREFIX "%s.%016llx", name, r) >= (int)sizeof base ||
		    vp_path_join(aside, size, domains, base) != 0) {
			errno = ENAMETOOLONG;
			break;
		}
		/* no RENAME_NOREPLACE everywhere: never rename onto an existing name */
		struct stat st;
		if (fstatat(top, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			errno = EEXIST;
			continue;
		}
		if (renameat(parent, last, top, base) == 0)
			rc = 1;
		else if (errno == ENOENT)
			rc = 0;
		break;
	}
done:
	if (parent >= 0)
		close(parent);
	close(top);
	return rc;
}

/* Remove a tree set aside.  A process that still had a file open in it (a
 * delivery, a login writing lastauth) may add an entry while we walk it:
 * walk it again. */
static int remove_aside(const char *domains, const char *aside, vp_error *err)
{
	int rc = 0;
	for (int tries = 0; tries < 4; tries++) {
		vp_error_clear(err);
		if ((rc = vp_remove_tree(domains, aside, err)) == 0)
			break;
	}
	return rc;
}

/* What killed deletes left set aside; best effort (the caller holds assign.lock,
 * which every delete holds while it sets a tree aside and removes it). */
static void sweep_aside(const char *domains)
{
	char path[4096];
	vp_error ignored;
	int fd = open(domains, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, ASIDE_PREFIX, strlen(ASIDE_PREFIX)) != 0)
			continue;
		if (vp_path_join(path, sizeof path, domains, de->d_name) == 0)
			vp_remove_tree(domains, path, &ignored);
	}
	closedir(d);
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
	if (rc != 0 && err && rc != VA_NO_SPACE)
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
	vp_lock lock;
	/* under assign.lock (the caller's): the order of vpcore.h; the domain is
	 * not registered yet, so no writer can be waiting for this lock */
	rc = vp_lock_acquire(cfg, path, &lock, err);
	if (rc != 0)
		return rc;
	if (cfg->chown_files && lchown(path, d->uid, d->gid) != 0) {
		vp_lock_release(&lock);
		return vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot chown", path);
	}
	vp_path_join(path, sizeof path, d->dir, "vpasswd");
	rc = vp_write_file_atomic(cfg, path, "", 0, 0600, d->uid, d->gid, cfg->chown_files, err);
	if (rc == 0) {
		vp_path_join(path, sizeof path, d->dir, "vpasswd.cdb");
		rc = vp_atomic_open(&a, path, 0600, err);
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
	return rc;
}

/* mkdir -p of the bucket components below domains/, each 0700 and owned. */
static int make_bucket(const vp_config *cfg, const char *domains, const char *bucket, uid_t uid,
                       gid_t gid)
{
	char path[4096];
	size_t n = (size_t)snprintf(path, sizeof path, "%s", domains);
	for (const char *p = bucket; *p; p++) {
		if (*p == '/')
			continue;
		if (n + 3 >= sizeof path)
			return -1;
		path[n++] = '/';
		path[n++] = *p;
		path[n] = '\0';
		if (vp_mkdir_owned(path, 0700, uid, gid, cfg->chown_files) != 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

/* A domain directory left by an add that was killed before the domain
 * reached users/assign holds only what the add writes first (.qmail-default,
 * an empty vpasswd, its cdb and lock, temp files).  Such a directory is
 * removed so the name can be added again; any other one is never adopted.
 * The caller holds assign.lock and knows the domain is not registered. */
static int remove_crashed_add_dir(const char *domains, const char *dir)
{
	vp_error ignored;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		errno = EEXIST;
		return -1;
	}
	int ok = 1;
	struct dirent *de;
	while (ok && (de = readdir(d)) != NULL) {
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
	char aside[4096];
	const char *name = strrchr(dir, '/');
	int set = ok ? set_aside(domains, dir, name ? name + 1 : dir, aside, sizeof aside) : -1;
	if (set < 0) {
		errno = EEXIST;
		return -1;
	}
	if (set > 0)
		vp_remove_tree(domains, aside, &ignored);
	return 0;
}

static int add_domain_locked(const vp_config *cfg, const char *domain, uid_t uid, gid_t gid,
                             vp_error *err)
{
	char domains[4096], counter[4096], bucket[16];
	vp_domain_info d;
	size_t blen = base_len(cfg->vpopmail_dir);
	int rc;

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
	struct stat st;
	if (stat(cfg->vpopmail_dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return vp_fail(err, VA_BAD_V_DIR, "%s", cfg->vpopmail_dir);
	if (vp_mkdir_owned(domains, 0700, uid, gid, cfg->chown_files) != 0 && errno != EEXIST)
		return vp_fail_errno(err, VA_CAN_NOT_MAKE_DOMAINS_DIR, "cannot create", domains);
	sweep_aside(domains);

	/* The per-uid domain counter of spec 1.3, always under our own home. */
	vp_path_join(counter, sizeof counter, domains, ".dir-control");
	rc = vp_dirc_next(cfg, counter, uid, gid, bucket, sizeof bucket, err);
	if (rc != 0)
		return rc;

	memset(&d, 0, sizeof d);
	snprintf(d.name, sizeof d.name, "%s", domain);
	snprintf(d.realdomain, sizeof d.realdomain, "%s", domain);
	d.uid = uid;
	d.gid = gid;
	size_t sub = strlen(bucket) + (bucket[0] ? 1 : 0) + strlen(domain);
	if (blen + strlen("domains") + sub > VP_MAX_PW_DIR) {
		vp_dirc_dec(cfg, counter, uid, gid, NULL);
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	}
	if (snprintf(d.dir, sizeof d.dir, "%s%s%s/%s", domains, bucket[0] ? "/" : "", bucket,
	             domain) >= (int)sizeof d.dir) {
		vp_dirc_dec(cfg, counter, uid, gid, NULL);
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	}
	if (make_bucket(cfg, domains, bucket, uid, gid) != 0 ||
	    (vp_mkdir_owned(d.dir, 0700, uid, gid, cfg->chown_files) != 0 &&
	     (errno != EEXIST || remove_crashed_add_dir(domains, d.dir) != 0 ||
	      vp_mkdir_owned(d.dir, 0700, uid, gid, cfg->chown_files) != 0))) {
		/* An existing directory is never adopted: it may belong to someone else. */
		rc = vp_fail_errno(err, VA_COULD_NOT_MAKE_DOMAIN_DIR, "cannot create", d.dir);
		vp_dirc_dec(cfg, counter, uid, gid, NULL);
		return rc;
	}
	rc = vp_write_qmail_default(cfg, &d, cfg->compat54 ? "bounce-no-mailbox" : "delete", err);
	if (rc == 0)
		rc = write_empty_vpasswd(cfg, &d, err);
	if (rc == 0)
		rc = vp_qmail_add_domain(cfg, domain, domain, d.dir, uid, gid, err);
	if (rc != 0) {
		const char *one[1] = { domain };
		vp_error ignored;
		vp_qmail_del_domains(cfg, one, 1, &ignored);
		vp_remove_tree(domains, d.dir, &ignored);
		vp_dirc_dec(cfg, counter, uid, gid, &ignored);
		return rc;
	}
	return 0;
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

/* The domain's locks, in the order of vpcore.h: what its writers hold while
 * they change its files.  A directory that is not there has no writers. */
static int lock_domain_dir(const vp_config *cfg, const vp_domain_info *d, vp_lock *vpw,
                           vp_error *err)
{
	char path[4096];
	struct stat st;
	vpw->fd = -1;
	if (lstat(d->dir, &st) != 0 && errno == ENOENT)
		return 0;
	if (vp_path_join(path, sizeof path, d->dir, ".vpasswd.lock") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	return vp_lock_acquire(cfg, path, vpw, err);
}

int vp_del_domain(const vp_config *cfg, const char *domain, vp_error *err)
{
	char name[VP_MAX_PW_DOMAIN + 1], domains[4096], path[4096], aside[4096];
	vp_domain_info d;
	vp_lock lock, vpw = { -1 }, dcf = { -1 };
	int rc;

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
	if (d.is_alias) {
		const char *one[1] = { name };
		rc = vp_qmail_del_domains(cfg, one, 1, err);
		goto out;
	}
	if (!domain_dir_is_ours(cfg, &d)) {
		rc = vp_fail(err, VA_BAD_DIR, "%s is outside %s/domains", d.dir, cfg->vpopmail_dir);
		goto out;
	}
	sweep_aside(domains);
	/* Wait for the writers in the domain (they hold its lock for a whole
	 * change) before anything changes; new ones find it gone under their lock. */
	if ((rc = lock_domain_dir(cfg, &d, &vpw, err)) != 0)
		goto out;
	char **names;
	size_t count;
	rc = vp_assign_names_for(cfg, name, &names, &count, err);
	if (rc != 0)
		goto out;
	/* qmail first: a crash after this leaves an orphaned directory, never a
	 * registered domain without its home. */
	rc = vp_qmail_del_domains(cfg, (const char *const *)names, count, err);
	vp_free_names(names, count);
	if (rc != 0)
		goto out;
	/* vpopmail's own tools take .dir_control_free.lock by itself (when the
	 * file is there at all): not in the middle of their write either. */
	if (vpw.fd >= 0 && vp_path_join(path, sizeof path, d.dir, ".dir_control_free.lock") == 0 &&
	    access(path, F_OK) == 0 && (rc = vp_lock_acquire(cfg, path, &dcf, err)) != 0)
		goto out;
	/* One rename makes the whole tree vanish for writers and lookups; it is
	 * removed from aside, where nothing can block adding the name again. */
	int set = set_aside(domains, d.dir, d.realdomain, aside, sizeof aside);
	vp_lock_release(&dcf);
	if (set < 0) {
		/* cannot move it (a mount point?): remove it where it is, as before */
		rc = vp_remove_tree(domains, d.dir, err);
	} else if (set > 0 && remove_aside(domains, aside, err) != 0) {
		/* The domain is gone and its name free: the next add or delete of
		 * a domain takes the rest away. */
		vp_error_clear(err);
	}
	vp_path_join(path, sizeof path, domains, ".dir-control");
	if (rc == 0)
		rc = vp_dirc_dec(cfg, path, d.uid, d.gid, err);
out:
	vp_lock_release(&dcf);
	vp_lock_release(&vpw);
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
	return vp_qmail_add_domain(cfg, alias, d.realdomain, d.dir, d.uid, d.gid, err);
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
