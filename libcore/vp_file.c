/*
 * vp_file.c: the only ways libcore changes a file.
 *
 * Locks are fcntl write locks on the same *.lock files vpopmail uses, so the
 * real tools and we serialise each other.  We take open-file-description
 * locks where the kernel has them: they conflict with vpopmail's classic
 * fcntl locks, and unlike those they also exclude other threads of this
 * process (ZTS / threaded SAPIs) without any process-wide table.
 *
 * Every rewrite goes to a temp file in the same directory, is fsynced and
 * renamed over the target, and the directory is fsynced: readers see the old
 * file or the new one, never a torn one.  A caller that renames several
 * files into one directory may defer that last fsync (the _deferred calls)
 * and make all the renames durable with one vp_fsync_dir before it returns.
 */
#include "vpcore.h"

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

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

int vp_path_join(char *dst, size_t size, const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	int n = snprintf(dst, size, "%.*s/%s", (int)la, a, b);
	return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int try_lock(int fd)
{
	struct flock fl;
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
#ifdef F_OFD_SETLK
	if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
		return 0;
	if (errno != EINVAL)
		return -1;
#endif
	return fcntl(fd, F_SETLK, &fl);
}

int vp_lock_acquire(const vp_config *cfg, const char *lockpath, vp_lock *lock, vp_error *err)
{
	lock->fd = -1;
	/* A lock file we create is 0600 whatever the umask (open's mode is masked). */
	int fd = -1;
	for (int tries = 0; fd < 0 && tries < 3; tries++) {
		fd = open(lockpath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0)
			(void)fchmod(fd, 0600);
		else if (errno == EEXIST)
			fd = open(lockpath, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 && errno != ENOENT)
			break;
	}
	if (fd < 0)
		return vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot open lock", lockpath);
	long timeout = (cfg && cfg->lock_timeout_ms > 0) ? cfg->lock_timeout_ms : 20000;
	long waited = 0, step = 1;
	while (try_lock(fd) != 0) {
		if (errno != EAGAIN && errno != EACCES && errno != ENOLCK && errno != EINTR) {
			vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot lock", lockpath);
			close(fd);
			return err ? err->code : VA_COULD_NOT_UPDATE_FILE;
		}
		if (waited >= timeout) {
			close(fd);
			return vp_fail(err, VA_FILE_BUSY, "%s", lockpath);
		}
		sleep_ms(step);
		waited += step;
		if (step < 50)
			step *= 2;
	}
	lock->fd = fd;
	return 0;
}

void vp_lock_release(vp_lock *lock)
{
	if (lock && lock->fd >= 0) {
		/* Closing drops both lock kinds; the lock file itself stays, as in vpopmail. */
		close(lock->fd);
		lock->fd = -1;
	}
}

static int fsync_parent(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	if (!slash)
		return 0;
	size_t n = (size_t)(slash - path);
	if (n == 0)
		n = 1;
	if (n >= sizeof dir)
		return -1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int vp_atomic_open(vp_atomic *a, const char *path, mode_t mode, vp_error *err)
{
	a->fd = -1;
	a->failed = 0;
	a->saved_errno = 0;
	a->buflen = 0;
	a->mode = mode;
	if (snprintf(a->path, sizeof a->path, "%s", path) >= (int)sizeof a->path)
		return vp_fail(err, VA_DIR_TOO_LONG, "%s", path);
	/* "<dir>/.tmp.<name>.<random>": a stale temp from a killed writer never
	 * collides, and its name never starts like the file it replaces, so
	 * valias, qmailadmin and qmail-local (which look for ".qmail-*") never
	 * take a leftover ".qmail-x" temp for an alias. */
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	const char *base = path + dirlen;
	for (int tries = 0; tries < 16; tries++) {
		unsigned long r = 0;
		if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
			r = ((unsigned long)getpid() << 20) ^ (unsigned long)(uintptr_t)a ^
			    (unsigned long)time(NULL) ^ (unsigned long)tries;
		if (snprintf(a->tmp, sizeof a->tmp, "%.*s.tmp.%s.%lx", dirlen, path, base, r) >=
		    (int)sizeof a->tmp)
			return vp_fail(err, VA_DIR_TOO_LONG, "%s", path);
		a->fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
		if (a->fd >= 0)
			break;
		if (errno != EEXIST)
			return vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot create", a->tmp);
	}
	if (a->fd < 0)
		return vp_fail(err, VA_COULD_NOT_UPDATE_FILE, "no temp name for %s", path);
	/* The mode is explicit, whatever the caller's umask. */
	if (fchmod(a->fd, mode) != 0) {
		int rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot chmod", a->tmp);
		vp_atomic_abort(a);
		return rc;
	}
	return 0;
}

int vp_atomic_flush(vp_atomic *a)
{
	size_t off = 0;
	while (off < a->buflen) {
		ssize_t w = write(a->fd, a->buf + off, a->buflen - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			a->failed = 1;
			a->saved_errno = errno;
			a->buflen = 0;
			return -1;
		}
		off += (size_t)w;
	}
	a->buflen = 0;
	return a->failed ? -1 : 0;
}

int vp_atomic_write(vp_atomic *a, const void *data, size_t len)
{
	if (a->failed)
		return -1;
	if (a->buflen + len > sizeof a->buf && vp_atomic_flush(a) != 0)
		return -1;
	if (len > sizeof a->buf) {
		const char *p = data;
		while (len > 0) {
			ssize_t w = write(a->fd, p, len);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				a->failed = 1;
				a->saved_errno = errno;
				return -1;
			}
			p += w;
			len -= (size_t)w;
		}
		return 0;
	}
	memcpy(a->buf + a->buflen, data, len);
	a->buflen += len;
	return 0;
}

int vp_atomic_puts(vp_atomic *a, const char *s)
{
	return vp_atomic_write(a, s, strlen(s));
}

void vp_atomic_abort(vp_atomic *a)
{
	if (a->fd >= 0) {
		close(a->fd);
		a->fd = -1;
		unlink(a->tmp);
	}
}

int vp_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int commit(vp_atomic *a, uid_t uid, gid_t gid, int chown_it, int dirsync, vp_error *err)
{
	int rc = 0;
	if (vp_atomic_flush(a) != 0) {
		errno = a->saved_errno;
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot write", a->tmp);
	} else if (chown_it && fchown(a->fd, uid, gid) != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot chown", a->tmp);
	} else if (fsync(a->fd) != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot fsync", a->tmp);
	}
	if (rc != 0) {
		vp_atomic_abort(a);
		return rc;
	}
	int fd = a->fd;
	a->fd = -1;
	if (close(fd) != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot close", a->tmp);
		unlink(a->tmp);
		return rc;
	}
	if (rename(a->tmp, a->path) != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot rename to", a->path);
		unlink(a->tmp);
		return rc;
	}
	if (dirsync)
		fsync_parent(a->path);
	return 0;
}

int vp_atomic_commit(vp_atomic *a, uid_t uid, gid_t gid, int chown_it, vp_error *err)
{
	return commit(a, uid, gid, chown_it, 1, err);
}

int vp_read_file(const char *path, char **data, size_t *len, size_t max, vp_error *err)
{
	*data = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return -1;
		return vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot open", path);
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return vp_fail(err, VA_CORRUPT_FILE, "%s is not a regular file", path);
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return vp_fail(err, VA_CORRUPT_FILE, "%s is too large", path);
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	}
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot read", path);
			free(buf);
			close(fd);
			return rc;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {
			/* The file grew under us (no rename-replace writer does that; be safe). */
			if (cap > max) {
				free(buf);
				close(fd);
				return vp_fail(err, VA_CORRUPT_FILE, "%s is too large", path);
			}
			char *nb = realloc(buf, cap * 2 + 1);
			if (!nb) {
				free(buf);
				close(fd);
				return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
			}
			buf = nb;
			cap *= 2;
		}
	}
	close(fd);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

static int write_file(const char *path, const char *data, size_t len, mode_t mode, uid_t uid,
                      gid_t gid, int chown_it, int dirsync, vp_error *err)
{
	vp_atomic a;
	int rc = vp_atomic_open(&a, path, mode, err);
	if (rc != 0)
		return rc;
	if (vp_atomic_write(&a, data, len) != 0) {
		/* commit reports the saved errno and removes the temp file */
	}
	return commit(&a, uid, gid, chown_it, dirsync, err);
}

int vp_write_file_atomic(const vp_config *cfg, const char *path, const char *data, size_t len,
                         mode_t mode, uid_t uid, gid_t gid, int chown_it, vp_error *err)
{
	(void)cfg;
	return write_file(path, data, len, mode, uid, gid, chown_it, 1, err);
}

int vp_write_file_deferred(const vp_config *cfg, const char *path, const char *data, size_t len,
                           mode_t mode, uid_t uid, gid_t gid, int chown_it, vp_error *err)
{
	(void)cfg;
	return write_file(path, data, len, mode, uid, gid, chown_it, 0, err);
}

/* mkdir with an explicit mode (umask-proof) and owner; an existing dir is fine. */
int vp_mkdir_owned(const char *path, mode_t mode, uid_t uid, gid_t gid, int chown_it)
{
	if (mkdir(path, mode) != 0)
		return -1;
	if (chmod(path, mode) != 0)
		return -1;
	if (chown_it && lchown(path, uid, gid) != 0)
		return -1;
	return 0;
}

/* Depth-first removal relative to an open dir fd: symlinks are unlinked, never followed. */
static int remove_at(int parent_fd, const char *name, int depth)
{
	if (depth > 64) {
		errno = ELOOP;
		return -1;
	}
	int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOTDIR || errno == ELOOP)
			return unlinkat(parent_fd, name, 0);
		return errno == ENOENT ? 0 : -1;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (remove_at(dirfd(d), de->d_name, depth + 1) != 0)
			rc = -1;
	}
	closedir(d);
	if (rc == 0 && unlinkat(parent_fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		rc = -1;
	return rc;
}

int vp_remove_tree(const char *inside, const char *path, vp_error *err)
{
	size_t n = strlen(inside);
	while (n > 1 && inside[n - 1] == '/')
		n--;
	if (strncmp(path, inside, n) != 0 || path[n] != '/' || path[n + 1] == '\0')
		return vp_fail(err, VA_BAD_DIR, "refusing to remove %s", path);
	char rel[4096];
	if (snprintf(rel, sizeof rel, "%s", path + n + 1) >= (int)sizeof rel)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	/* Walk down from the trusted dir one component at a time, never through a
	 * symlink: a planted link cannot redirect the removal. */
	int fd = open(inside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : vp_fail_errno(err, VA_BAD_DIR, "cannot open", inside);
	char *save = NULL, *comp = strtok_r(rel, "/", &save);
	int rc = 0;
	while (comp) {
		char *next = strtok_r(NULL, "/", &save);
		if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
			rc = vp_fail(err, VA_BAD_DIR, "refusing to remove %s", path);
			break;
		}
		if (!next) {
			if (remove_at(fd, comp, 0) != 0)
				rc = vp_fail_errno(err, VA_BAD_DIR, "cannot remove", path);
			break;
		}
		int sub = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			if (errno != ENOENT)
				rc = vp_fail_errno(err, VA_BAD_DIR, "cannot open", path);
			break;
		}
		close(fd);
		fd = sub;
		comp = next;
	}
	close(fd);
	return rc;
}
