/*
 * vp_domain.c: adding, aliasing and deleting virtual domains (spec 3-5).
 *
 * Every operation holds users/assign.lock from its existence check to its
 * last qmail file, so concurrent writers (ours or vpopmail's) serialise.
 */
#include "vpcore.h"

#include <cdb.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	if (!ok || vp_remove_tree(domains, dir, &ignored) != 0) {
		errno = EEXIST;
		return -1;
	}
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

int vp_del_domain(const vp_config *cfg, const char *domain, vp_error *err)
{
	char name[VP_MAX_PW_DOMAIN + 1];
	vp_domain_info d;
	vp_lock lock;
	int rc;

	if ((rc = begin(cfg, domain, name, err)) != 0)
		return rc;
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
	char domains[4096], counter[4096];
	vp_path_join(domains, sizeof domains, cfg->vpopmail_dir, "domains");
	rc = vp_remove_tree(domains, d.dir, err);
	vp_path_join(counter, sizeof counter, domains, ".dir-control");
	if (rc == 0)
		rc = vp_dirc_dec(cfg, counter, d.uid, d.gid, err);
out:
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
