/*
 * vp_file.c: the only ways libcore changes a file.
 *
 * Locks are fcntl write locks on the same *.lock files vpopmail uses, so the
 * real tools and we serialise each other.  We take open-file-description
 * locks where the kernel has them: they conflict with vpopmail's classic
 * fcntl locks, and unlike those they also exclude other threads of this
 * process (ZTS / threaded SAPIs) without any process-wide table.
 *
 * Lock order (also in vpcore.h): users/assign.lock, then a domain's
 * .vpasswd.lock, then one leaf (.dir_control_free.lock or a control/ file's
 * lock).  vp_del_domain holds the first two while the domain goes, so every
 * writer, which holds the domain's lock (vp_domain_lock) for its whole
 * change, either finishes before the domain goes or finds it gone.
 *
 * Every rewrite goes to a temp file in the same directory, is fsynced and
 * renamed over the target, and the directory is fsynced: readers see the old
 * file or the new one, never a torn one.  Temp file, rename and fsync all go
 * through one open descriptor of that directory.
 *
 * Directories are reached as qmail reaches a home (vp_dir_open): the
 * configured vpopmail home is opened by its name, it being trusted
 * configuration, and every component below it with
 * openat(O_NOFOLLOW | O_DIRECTORY), so a symlink planted anywhere on the way
 * is refused (VA_UNSAFE_PATH) instead of followed, and a directory swapped
 * after we passed it no longer matters: we hold its descriptor.  A path
 * naming '.', '..' or an empty component is refused before any of that.
 * Where the kernel has openat2 the same walk is one call (RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS: no symlink at any step, nothing leads out of the
 * home even with a rename racing it), and the step-by-step walk runs only
 * when that fails, to say exactly what is wrong: a home n levels down then
 * costs 3 + n syscalls as root, 3 otherwise, instead of 1 + 3n (every
 * login that records itself reaches one).
 * When running as root, a directory on the way (below the home, the target
 * included) that others may write is refused too: one writable by "other",
 * or by its group unless that group is root's (0) or the configured vchkpw
 * gid.  Its owner is not judged: vpopmail's tree belongs to the vpopmail user
 * or to a domain's owner, and a mode 0700 directory of any owner gives no one
 * else a way in.  Below the qmail dir (users/, control/: root's own files,
 * which the vpopmail user cannot swap) the components are opened following
 * symlinks, as distributions lay that tree out; writes there still happen
 * in the one directory descriptor.
 *
 * A caller that renames several files into one directory may defer the
 * directory fsync (vp_atomic_stage / vp_atomic_commit_staged,
 * vp_vpw_update_deferred) and make all the renames durable with one
 * vp_fsync_dir before it returns; their fsyncs may run at once
 * (vp_fsync_all).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* statx */
#endif
#include "vpcore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif
#endif
#ifndef RESOLVE_BENEATH
#undef SYS_openat2 /* headers without struct open_how: the walk only */
#endif
/* valgrind 3.19 (Debian 12's) does not know openat2: it fails it with
 * ENOSYS and prints a warning each time, which the phpt run under it would
 * take for a leak report.  Under valgrind the walk alone runs. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define VP_ON_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef VP_ON_VALGRIND
#define VP_ON_VALGRIND() 0
#endif

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

int vp_lock_acquire_at(const vp_config *cfg, int dirfd, const char *lockpath, vp_lock *lock,
                       vp_error *err)
{
	lock->fd = -1;
	const char *name = vp_path_base(lockpath);
	/* A lock file we create is 0600 whatever the umask (open's mode is masked). */
	int fd = -1;
	for (int tries = 0; fd < 0 && tries < 3; tries++) {
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0)
			(void)fchmod(fd, 0600);
		else if (errno == EEXIST)
			fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
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

int vp_lock_acquire(const vp_config *cfg, const char *lockpath, vp_lock *lock, vp_error *err)
{
	lock->fd = -1;
	int dfd = vp_parent_open(cfg, lockpath, err);
	if (dfd < 0)
		return dfd;
	int rc = vp_lock_acquire_at(cfg, dfd, lockpath, lock, err);
	close(dfd);
	return rc;
}

void vp_lock_release(vp_lock *lock)
{
	if (lock && lock->fd >= 0) {
		/* Closing drops both lock kinds; the lock file itself stays, as in vpopmail. */
		close(lock->fd);
		lock->fd = -1;
	}
}

int vp_dir_id_get(const char *path, vp_dir_id *id)
{
	memset(id, 0, sizeof *id);
#ifdef STATX_BTIME
	struct statx sx;
	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_INO | STATX_BTIME, &sx) == 0) {
		id->dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
		id->ino = (ino_t)sx.stx_ino;
		if (sx.stx_mask & STATX_BTIME)
			id->birth_ns = (long long)sx.stx_btime.tv_sec * 1000000000LL + sx.stx_btime.tv_nsec;
		return 0;
	}
	if (errno == ENOENT || errno == ENOTDIR)
		return -1;
	/* no statx (old kernel, seccomp): dev/inode only */
#endif
	struct stat st;
	if (lstat(path, &st) != 0)
		return -1;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return 0;
}

int vp_dir_id_same(const vp_dir_id *a, const vp_dir_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->birth_ns == b->birth_ns;
}

/* ---- reaching directories (see the top of the file) ---- */

const char *vp_path_base(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Length of dir without its trailing slashes ("/" stays "/"). */
static size_t trimmed_len(const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return n;
}

/* Offset of what follows root in path ("" or "a/b"), -1 when path is
 * neither root nor below it (component-wise: /a/bc is not below /a/b). */
static long below_root(const char *path, size_t plen, const char *root)
{
	size_t n = trimmed_len(root);
	if (n == 1 && root[0] == '/')
		return path[0] == '/' ? 1 : -1;
	if (plen < n || strncmp(path, root, n) != 0)
		return -1;
	if (plen == n)
		return (long)n;
	return path[n] == '/' ? (long)n + 1 : -1;
}

/* Others may write it: "other", or a group that is neither root's nor ours. */
static int writable_by_others(const vp_config *cfg, const struct stat *st)
{
	if (st->st_mode & S_IWOTH)
		return 1;
	return (st->st_mode & S_IWGRP) && st->st_gid != 0 && st->st_gid != cfg->gid;
}

/* A failure that is not a safety refusal: VA_BAD_DIR, errno kept. */
static int dir_fail(vp_error *err, const char *what, const char *path, int len)
{
	int e = errno;
	char shown[4096];
	snprintf(shown, sizeof shown, "%.*s", len, path);
	vp_fail_errno(err, VA_BAD_DIR, what, shown);
	errno = e;
	return VA_BAD_DIR;
}

/* One step: name in dirfd; path[0..len) names it in messages. */
static int step_at(const vp_config *cfg, int dirfd, const char *name, const char *path, int len,
                   int root_check, vp_error *err)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		struct stat st;
		if ((e == ELOOP || e == ENOTDIR) && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode))
			return vp_fail(err, VA_UNSAFE_PATH, "%.*s is a symbolic link", len, path);
		errno = e;
		return dir_fail(err, "cannot open", path, len);
	}
	if (root_check) {
		struct stat st;
		if (fstat(fd, &st) != 0) {
			int rc = dir_fail(err, "cannot stat", path, len);
			close(fd);
			return rc;
		}
		if (writable_by_others(cfg, &st)) {
			close(fd);
			return vp_fail(err, VA_UNSAFE_PATH, "%.*s may be written by others (mode %03o, group %u)",
			               len, path, (unsigned)(st.st_mode & 07777), (unsigned)st.st_gid);
		}
	}
	return fd;
}

/*
 * The components of dir below the home (rel, len bytes: validated by the
 * caller's rules first, see vp_dir_open) in one openat2 from rootfd, then,
 * as root, each one's mode by fstatat (the target's by fstat): the same
 * refusals as the walk's, found on the names the kernel just resolved.  An
 * fd, or -1 for anything else (no openat2, a symlink, a refusal, ENOENT...):
 * the walk then runs and says what is wrong.
 */
static int open_beneath(const vp_config *cfg, int rootfd, const char *rel, size_t len,
                        int root_check)
{
#ifdef SYS_openat2
	char path[4096];
	if (len == 0 || len >= sizeof path || VP_ON_VALGRIND())
		return -1;
	memcpy(path, rel, len);
	path[len] = '\0';
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
	if (fd < 0 || !root_check)
		return fd;
	struct stat st;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && path[i] != '/')
			continue;
		int bad;
		if (i < len) {
			path[i] = '\0';
			bad = fstatat(rootfd, path, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode);
			path[i] = '/';
		} else {
			bad = fstat(fd, &st) != 0;
		}
		if (bad || writable_by_others(cfg, &st)) {
			close(fd);
			return -1;
		}
	}
	return fd;
#else
	(void)cfg, (void)rootfd, (void)rel, (void)len, (void)root_check;
	return -1;
#endif
}

/* The length of dir's component that starts at p (up to '/' or dlen). */
static size_t component_len(const char *dir, size_t p, size_t dlen)
{
	const char *slash = memchr(dir + p, '/', dlen - p);
	return slash ? (size_t)(slash - (dir + p)) : dlen - p;
}

/* A component no walk may take: empty, '.' or '..'. */
static int dot_or_empty(const char *c, size_t n)
{
	return n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.');
}

/* Each component of dir[off, dlen) is one the walk takes (at most NAME_MAX). */
static int plain_components(const char *dir, size_t off, size_t dlen)
{
	for (size_t p = off; p < dlen;) {
		size_t n = component_len(dir, p, dlen);
		if (dot_or_empty(dir + p, n) || n > NAME_MAX)
			return 0;
		p += n + 1;
	}
	return 1;
}

int vp_dir_open(const vp_config *cfg, const char *dir, vp_error *err)
{
	if (!cfg || !cfg->vpopmail_dir || !cfg->qmail_dir || !dir)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	size_t dlen = trimmed_len(dir);
	long a = dir[0] == '/' ? below_root(dir, dlen, cfg->vpopmail_dir) : -1;
	long b = dir[0] == '/' ? below_root(dir, dlen, cfg->qmail_dir) : -1;
	if (a < 0 && b < 0)
		return vp_fail(err, VA_UNSAFE_PATH, "%s is outside %s and %s", dir, cfg->vpopmail_dir,
		               cfg->qmail_dir);
	/* the longer root, should one lie inside the other */
	const char *root = a >= b ? cfg->vpopmail_dir : cfg->qmail_dir;
	size_t off = (size_t)(a >= b ? a : b);
	char rootbuf[4096];
	size_t rl = trimmed_len(root);
	if (rl >= sizeof rootbuf)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	memcpy(rootbuf, root, rl);
	rootbuf[rl] = '\0';
	int fd = open(rootbuf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return dir_fail(err, "cannot open", rootbuf, (int)rl);
	/* qmail's own tree is root's configuration, out of the vpopmail user's
	 * reach; distributions link parts of it elsewhere (Debian's
	 * /var/qmail/control -> /etc/qmail), so there symlinks are followed. */
	int in_qmail = root == cfg->qmail_dir;
	int root_check = geteuid() == 0;
	if (!in_qmail && off < dlen && plain_components(dir, off, dlen)) {
		int sub = open_beneath(cfg, fd, dir + off, dlen - off, root_check);
		if (sub >= 0) {
			close(fd);
			return sub;
		}
	}
	for (size_t p = off; p < dlen;) {
		size_t n = component_len(dir, p, dlen);
		const char *c = dir + p;
		if (dot_or_empty(c, n)) {
			close(fd);
			return vp_fail(err, VA_UNSAFE_PATH, "%s names '.', '..' or an empty component", dir);
		}
		char name[NAME_MAX + 1];
		if (n > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return dir_fail(err, "cannot open", dir, (int)(p + n));
		}
		memcpy(name, c, n);
		name[n] = '\0';
		int sub = in_qmail ? openat(fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
		                   : step_at(cfg, fd, name, dir, (int)(p + n), root_check, err);
		if (sub < 0 && in_qmail)
			sub = dir_fail(err, "cannot open", dir, (int)(p + n));
		int e = errno;
		close(fd);
		errno = e;
		if (sub < 0)
			return sub;
		fd = sub;
		p += n + 1;
	}
	return fd;
}

int vp_dir_openat(const vp_config *cfg, int dirfd, const char *path, vp_error *err)
{
	const char *name = vp_path_base(path);
	if (!name[0] || !strcmp(name, ".") || !strcmp(name, ".."))
		return vp_fail(err, VA_UNSAFE_PATH, "%s names '.', '..' or an empty component", path);
	return step_at(cfg, dirfd, name, path, (int)strlen(path), geteuid() == 0, err);
}

int vp_parent_open(const vp_config *cfg, const char *path, vp_error *err)
{
	char dir[4096];
	const char *base = vp_path_base(path);
	if (base == path || !base[0] || !strcmp(base, ".") || !strcmp(base, ".."))
		return vp_fail(err, VA_UNSAFE_PATH, "%s names no file in a directory", path);
	size_t n = (size_t)(base - 1 - path);
	if (n == 0)
		n = 1; /* "/name" */
	if (n >= sizeof dir)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	memcpy(dir, path, n);
	dir[n] = '\0';
	return vp_dir_open(cfg, dir, err);
}

int vp_home_check(const vp_domain_info *dom, const char *home, vp_error *err)
{
	size_t dl = trimmed_len(dom->dir), hl = trimmed_len(home);
	if (hl <= dl + 1 || strncmp(home, dom->dir, dl) != 0 || home[dl] != '/')
		return vp_fail(err, VA_UNSAFE_PATH, "%s is not inside the domain's directory %.*s", home,
		               (int)dl, dom->dir);
	for (size_t p = dl + 1; p < hl;) {
		const char *slash = memchr(home + p, '/', hl - p);
		size_t n = slash ? (size_t)(slash - (home + p)) : hl - p;
		const char *c = home + p;
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return vp_fail(err, VA_UNSAFE_PATH, "%s names '.', '..' or an empty component", home);
		p += n + 1;
	}
	return 0;
}

int vp_home_open(const vp_config *cfg, const vp_domain_info *dom, const char *home, vp_error *err)
{
	int rc = vp_home_check(dom, home, err);
	return rc != 0 ? rc : vp_dir_open(cfg, home, err);
}

int vp_mkdirat_owned(int dirfd, const char *name, mode_t mode, uid_t uid, gid_t gid, int chown_it)
{
	if (mkdirat(dirfd, name, mode) != 0)
		return -1;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fchmod(fd, mode) != 0 || (chown_it && fchown(fd, uid, gid) != 0)) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* ---- replacement files ---- */

int vp_atomic_open_at(vp_atomic *a, int dirfd, const char *path, mode_t mode, vp_error *err)
{
	a->fd = -1;
	a->dirfd = -1;
	a->failed = 0;
	a->saved_errno = 0;
	a->buflen = 0;
	a->synced = 0;
	a->mode = mode;
	if (snprintf(a->path, sizeof a->path, "%s", path) >= (int)sizeof a->path)
		return vp_fail(err, VA_DIR_TOO_LONG, "%s", path);
	/* "<dir>/.tmp.<name>.<random>": a stale temp from a killed writer never
	 * collides, and its name never starts like the file it replaces, so
	 * valias, qmailadmin and qmail-local (which look for ".qmail-*") never
	 * take a leftover ".qmail-x" temp for an alias. */
	const char *base = vp_path_base(path);
	int dirlen = (int)(base - path);
	a->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	if (a->dirfd < 0)
		return vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot open the directory of", path);
	for (int tries = 0; tries < 16; tries++) {
		unsigned long r = 0;
		if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
			r = ((unsigned long)getpid() << 20) ^ (unsigned long)(uintptr_t)a ^
			    (unsigned long)time(NULL) ^ (unsigned long)tries;
		if (snprintf(a->tmp, sizeof a->tmp, "%.*s.tmp.%s.%lx", dirlen, path, base, r) >=
		    (int)sizeof a->tmp) {
			vp_atomic_abort(a);
			return vp_fail(err, VA_DIR_TOO_LONG, "%s", path);
		}
		a->fd = openat(a->dirfd, vp_path_base(a->tmp),
		               O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
		if (a->fd >= 0)
			break;
		if (errno != EEXIST) {
			int rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot create", a->tmp);
			vp_atomic_abort(a);
			return rc;
		}
	}
	if (a->fd < 0) {
		vp_atomic_abort(a);
		return vp_fail(err, VA_COULD_NOT_UPDATE_FILE, "no temp name for %s", path);
	}
	/* The mode is explicit, whatever the caller's umask. */
	if (fchmod(a->fd, mode) != 0) {
		int rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot chmod", a->tmp);
		vp_atomic_abort(a);
		return rc;
	}
	return 0;
}

int vp_atomic_open(const vp_config *cfg, vp_atomic *a, const char *path, mode_t mode,
                   vp_error *err)
{
	a->fd = -1;
	a->dirfd = -1;
	int dfd = vp_parent_open(cfg, path, err);
	if (dfd < 0)
		return dfd;
	int rc = vp_atomic_open_at(a, dfd, path, mode, err);
	close(dfd);
	return rc;
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
		unlinkat(a->dirfd, vp_path_base(a->tmp), 0);
	}
	if (a->dirfd >= 0) {
		close(a->dirfd);
		a->dirfd = -1;
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

/* Start writing a file's data out without waiting (no-op where unsupported):
 * the delayed allocation happens now, in the running journal transaction,
 * so the next fsync of any file commits it and a later fsync of this one
 * only waits for its data. */
void vp_writeback_start(int fd)
{
#ifdef SYNC_FILE_RANGE_WRITE
	sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)fd;
#endif
}

int vp_atomic_stage(vp_atomic *a, uid_t uid, gid_t gid, int chown_it, vp_error *err)
{
	int rc = 0;
	if (vp_atomic_flush(a) != 0) {
		errno = a->saved_errno;
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot write", a->tmp);
	} else if (chown_it && fchown(a->fd, uid, gid) != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot chown", a->tmp);
	}
	if (rc != 0)
		vp_atomic_abort(a);
	else
		vp_writeback_start(a->fd);
	return rc;
}

int vp_thread_start(void *tid, void *(*fn)(void *), void *arg, size_t stack)
{
	pthread_attr_t at;
	sigset_t all, old;
	int rc = pthread_attr_init(&at);
	if (rc != 0)
		return rc;
	if (stack)
		pthread_attr_setstacksize(&at, stack);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create((pthread_t *)tid, &at, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&at);
	return rc;
}

#define FSYNC_ALL_MAX 8
typedef struct fsync_job {
	int fd;
	int rc, err;
} fsync_job;

static void *fsync_one(void *arg)
{
	fsync_job *j = arg;
	j->rc = fsync(j->fd);
	j->err = j->rc != 0 ? errno : 0;
	return NULL;
}

int vp_fsync_all(const int *fds, size_t n, size_t *failed)
{
	fsync_job jobs[FSYNC_ALL_MAX];
	pthread_t tid[FSYNC_ALL_MAX];
	int started[FSYNC_ALL_MAX] = { 0 };
	size_t m = n < FSYNC_ALL_MAX ? n : FSYNC_ALL_MAX;
	for (size_t i = 0; i < m; i++)
		jobs[i] = (fsync_job){ fds[i], 0, 0 };
	for (size_t i = 1; i < m; i++)
		started[i] = vp_thread_start(&tid[i], fsync_one, &jobs[i], 65536) == 0;
	if (m)
		fsync_one(&jobs[0]);
	for (size_t i = 1; i < m; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			fsync_one(&jobs[i]); /* no thread: here, in turn */
	}
	for (size_t i = 0; i < n; i++) {
		int rc = i < m ? jobs[i].rc : fsync(fds[i]);
		if (rc != 0) {
			if (i < m)
				errno = jobs[i].err;
			if (failed)
				*failed = i;
			return -1;
		}
	}
	return 0;
}

/* ---- freeing inodes beside the work (vp_closer) ---- */

typedef struct closer_job {
	pthread_t tid;
	size_t n;
	int fd[VP_CLOSER_MAX];
} closer_job;

static void *close_all(void *arg)
{
	closer_job *j = arg;
	for (size_t i = 0; i < j->n; i++)
		close(j->fd[i]);
	return NULL;
}

void vp_closer_init(vp_closer *c)
{
	c->n = 0;
	c->njobs = 0;
}

void vp_closer_add(vp_closer *c, int fd)
{
	if (fd < 0)
		return;
	if (!c || c->n == VP_CLOSER_MAX)
		close(fd);
	else
		c->fd[c->n++] = fd;
}

void vp_closer_hold(vp_closer *c, int dirfd, const char *name)
{
	if (c && c->n < VP_CLOSER_MAX)
		vp_closer_add(c, openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC));
}

/* fd[from..n) on a thread of its own (a small stack: it only closes). */
static void detach_from(vp_closer *c, size_t from)
{
	if (from >= c->n || c->njobs == VP_CLOSER_THREADS)
		return;
	closer_job *j = malloc(sizeof *j);
	if (!j)
		return;
	j->n = c->n - from;
	memcpy(j->fd, c->fd + from, j->n * sizeof *j->fd);
	if (vp_thread_start(&j->tid, close_all, j, 65536) != 0) {
		free(j); /* closed here, in turn, at finish */
		return;
	}
	c->job[c->njobs++] = j;
	c->n = from;
}

void vp_closer_detach(vp_closer *c)
{
	if (c)
		detach_from(c, 0);
}

void vp_closer_finish(vp_closer *c)
{
	if (!c)
		return;
	if (c->n >= 2)
		detach_from(c, c->n / 2);
	for (size_t i = 0; i < c->n; i++)
		close(c->fd[i]);
	c->n = 0;
	for (size_t i = 0; i < c->njobs; i++) {
		closer_job *j = c->job[i];
		pthread_join(j->tid, NULL);
		free(j);
	}
	c->njobs = 0;
}

#define REAPER_MAX 512
struct vp_reaper {
	pthread_mutex_t mu;
	pthread_cond_t work, idle;
	pthread_t tid;
	pid_t owner;         /* the process the thread runs in */
	int started, stop, busy;
	size_t n;
	int fd[REAPER_MAX];
};

static void *reap(void *arg)
{
	vp_reaper *r = arg;
	int batch[REAPER_MAX];
	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (r->n == 0 && !r->stop)
			pthread_cond_wait(&r->work, &r->mu);
		if (r->n == 0)
			break;
		size_t n = r->n;
		memcpy(batch, r->fd, n * sizeof *batch);
		r->n = 0;
		r->busy = 1;
		pthread_mutex_unlock(&r->mu);
		for (size_t i = 0; i < n; i++)
			close(batch[i]);
		pthread_mutex_lock(&r->mu);
		r->busy = 0;
		pthread_cond_broadcast(&r->idle);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

vp_reaper *vp_reaper_new(void)
{
	vp_reaper *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	if (pthread_mutex_init(&r->mu, NULL) != 0) {
		free(r);
		return NULL;
	}
	pthread_cond_init(&r->work, NULL);
	pthread_cond_init(&r->idle, NULL);
	return r;
}

/* A forked child's copy: its mutex may be copied locked, its thread is not
 * there; it is never touched again (owner is set once, before the fork). */
static int foreign(const vp_reaper *r)
{
	return r->owner != 0 && r->owner != getpid();
}

void vp_reaper_drain(vp_reaper *r)
{
	if (!r || foreign(r))
		return;
	pthread_mutex_lock(&r->mu);
	while (r->started && (r->n > 0 || r->busy))
		pthread_cond_wait(&r->idle, &r->mu);
	pthread_mutex_unlock(&r->mu);
}

void vp_reaper_free(vp_reaper *r)
{
	if (!r)
		return;
	if (foreign(r)) {
		free(r); /* what it held is the parent's to close; our copies go at exit */
		return;
	}
	pthread_mutex_lock(&r->mu);
	int started = r->started;
	r->stop = 1;
	pthread_cond_signal(&r->work);
	pthread_mutex_unlock(&r->mu);
	if (started)
		pthread_join(r->tid, NULL); /* it closes what is left first */
	pthread_cond_destroy(&r->work);
	pthread_cond_destroy(&r->idle);
	pthread_mutex_destroy(&r->mu);
	free(r);
}

/* 0 when r took them all, -1 when they stay the caller's. */
static int reaper_take(vp_reaper *r, const int *fd, size_t n)
{
	int rc = -1;
	if (foreign(r) || pthread_mutex_trylock(&r->mu) != 0)
		return -1; /* busy for a moment, or a forked child's copy: closed in the call */
	if (!r->started && !r->stop) {
		if (vp_thread_start(&r->tid, reap, r, 65536) == 0) {
			r->started = 1;
			r->owner = getpid();
		}
	}
	if (r->started && !r->stop && r->n + n <= REAPER_MAX) {
		memcpy(r->fd + r->n, fd, n * sizeof *fd);
		r->n += n;
		pthread_cond_signal(&r->work);
		rc = 0;
	}
	pthread_mutex_unlock(&r->mu);
	return rc;
}

void vp_closer_finish_to(vp_closer *c, vp_reaper *r)
{
	if (c && r && c->n > 0 && reaper_take(r, c->fd, c->n) == 0)
		c->n = 0;
	vp_closer_finish(c);
}

static int finish(vp_atomic *a, int dirsync, vp_closer *keep, vp_error *err)
{
	int rc = 0;
	if (!a->synced && fsync(a->fd) != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot fsync", a->tmp);
		vp_atomic_abort(a);
		return rc;
	}
	int fd = a->fd;
	a->fd = -1;
	vp_closer_hold(keep, a->dirfd, vp_path_base(a->path));
	if (close(fd) != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot close", a->tmp);
	} else if (renameat(a->dirfd, vp_path_base(a->tmp), a->dirfd, vp_path_base(a->path)) != 0) {
		rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot rename to", a->path);
	} else {
		if (dirsync)
			fsync(a->dirfd);
		close(a->dirfd);
		a->dirfd = -1;
		return 0;
	}
	unlinkat(a->dirfd, vp_path_base(a->tmp), 0);
	close(a->dirfd);
	a->dirfd = -1;
	return rc;
}

int vp_atomic_commit_staged(vp_atomic *a, vp_error *err)
{
	return finish(a, 0, NULL, err);
}

int vp_atomic_commit_staged_keep(vp_atomic *a, vp_closer *keep, vp_error *err)
{
	return finish(a, 0, keep, err);
}

static int commit(vp_atomic *a, uid_t uid, gid_t gid, int chown_it, int dirsync, vp_error *err)
{
	int rc = vp_atomic_stage(a, uid, gid, chown_it, err);
	return rc != 0 ? rc : finish(a, dirsync, NULL, err);
}

int vp_atomic_commit(vp_atomic *a, uid_t uid, gid_t gid, int chown_it, vp_error *err)
{
	return commit(a, uid, gid, chown_it, 1, err);
}

/* name in dirfd (AT_FDCWD and the path itself for vp_read_file). */
static int read_file_at(int dirfd, const char *name, const char *path, char **data, size_t *len,
                        size_t max, vp_error *err)
{
	*data = NULL;
	*len = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
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

int vp_read_file(const char *path, char **data, size_t *len, size_t max, vp_error *err)
{
	return read_file_at(AT_FDCWD, path, path, data, len, max, err);
}

int vp_read_file_at(int dirfd, const char *path, char **data, size_t *len, size_t max,
                    vp_error *err)
{
	return read_file_at(dirfd, vp_path_base(path), path, data, len, max, err);
}

static int write_file_at(int dirfd, const char *path, const char *data, size_t len, mode_t mode,
                         uid_t uid, gid_t gid, int chown_it, int dirsync, vp_error *err)
{
	vp_atomic a;
	int rc = vp_atomic_open_at(&a, dirfd, path, mode, err);
	if (rc != 0)
		return rc;
	if (vp_atomic_write(&a, data, len) != 0) {
		/* commit reports the saved errno and removes the temp file */
	}
	return commit(&a, uid, gid, chown_it, dirsync, err);
}

int vp_write_file_at(int dirfd, const char *path, const char *data, size_t len, mode_t mode,
                     uid_t uid, gid_t gid, int chown_it, vp_error *err)
{
	return write_file_at(dirfd, path, data, len, mode, uid, gid, chown_it, 1, err);
}

static int write_file_walked(const vp_config *cfg, const char *path, const char *data, size_t len,
                             mode_t mode, uid_t uid, gid_t gid, int chown_it, int dirsync,
                             vp_error *err)
{
	int dfd = vp_parent_open(cfg, path, err);
	if (dfd < 0)
		return dfd;
	int rc = write_file_at(dfd, path, data, len, mode, uid, gid, chown_it, dirsync, err);
	close(dfd);
	return rc;
}

int vp_write_file_atomic(const vp_config *cfg, const char *path, const char *data, size_t len,
                         mode_t mode, uid_t uid, gid_t gid, int chown_it, vp_error *err)
{
	return write_file_walked(cfg, path, data, len, mode, uid, gid, chown_it, 1, err);
}


/* ---- removal ---- */

/*
 * No recursion and no depth limit: a directory's empty subdirectories are
 * removed, its others renamed up into the top directory being emptied
 * (".vp-rm.<n>"), its other entries unlinked, then it is removed; the
 * renamed ones are treated the same way in turn.  So no walk ever goes more than one level below the top,
 * never through '..', never through a symlink (a symlink is an entry like
 * any other: unlinked), and the number of open descriptors stays at three
 * whatever the depth.
 */
#define RM_PREFIX ".vp-rm."
#define RM_MAX_AGAIN 10000 /* directories taken again, should writers never stop */

typedef struct rm_state {
	unsigned long next;  /* the next .vp-rm.<n> */
	unsigned again;      /* directories queued once more */
	vp_closer *keep;     /* removed entries held there (or NULL) */
} rm_state;

static int is_dir_entry(int dirfd, const struct dirent *de)
{
	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	struct stat st;
	return fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* name (in from) becomes top/.vp-rm.<n>, for the next free n. */
static int move_up(int from, const char *name, int top, rm_state *rs)
{
	for (int tries = 0; tries < 1000; tries++) {
		char n[32];
		snprintf(n, sizeof n, RM_PREFIX "%lu", rs->next++);
		if (renameat(from, name, top, n) == 0)
			return 0;
		/* a name of that form was there already (and not an empty dir) */
		if (errno != EEXIST && errno != ENOTEMPTY && errno != ENOTDIR && errno != EISDIR)
			return -1;
	}
	return -1;
}

/* Directory name in top: its subdirectories up into top, the rest unlinked,
 * then itself removed.  0, or -1 with errno. */
static int flatten(int top, const char *name, rm_state *rs)
{
	int fd = openat(top, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ELOOP || errno == ENOTDIR) /* no longer a directory */
			return unlinkat(top, name, 0) == 0 || errno == ENOENT ? 0 : -1;
		return -1;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	int rc = 0, first = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (!is_dir_entry(dirfd(d), de)) {
			vp_closer_hold(rs->keep, dirfd(d), de->d_name);
			if (unlinkat(dirfd(d), de->d_name, 0) == 0 || errno == ENOENT)
				continue;
			if (errno != EISDIR) { /* else it became a directory meanwhile */
				if (!rc)
					first = errno;
				rc = -1;
				continue;
			}
		}
		/* an empty directory (a Maildir's new, cur, tmp) goes at once;
		 * one with entries is taken from the top later */
		vp_closer_hold(rs->keep, dirfd(d), de->d_name);
		if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			continue;
		if (move_up(dirfd(d), de->d_name, top, rs) != 0) {
			if (!rc)
				first = errno;
			rc = -1;
		}
	}
	closedir(d);
	vp_closer_hold(rs->keep, top, name);
	if (unlinkat(top, name, AT_REMOVEDIR) != 0 && errno != ENOENT) {
		/* something was written into it meanwhile: once more, later */
		if ((errno == ENOTEMPTY || errno == EEXIST) && !rc && rs->again < RM_MAX_AGAIN &&
		    move_up(top, name, top, rs) == 0) {
			rs->again++;
			return 0;
		}
		if (!rc)
			first = errno;
		rc = -1;
	}
	errno = first;
	return rc;
}

/* Everything in the open directory top. */
static int empty_dir(int top, vp_closer *keep)
{
	int fd = fcntl(top, F_DUPFD_CLOEXEC, 0);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	rm_state rs = { 0, 0, keep };
	unsigned long done = 0;
	int rc = 0, first = 0;
	struct dirent *de;
	/* top's own entries are handled in place (renaming them within top while
	 * reading it could return them again) */
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		int r;
		if (is_dir_entry(top, de))
			r = flatten(top, de->d_name, &rs);
		else if ((vp_closer_hold(keep, top, de->d_name), r = unlinkat(top, de->d_name, 0)) != 0 &&
		         errno == EISDIR)
			r = flatten(top, de->d_name, &rs);
		else if (r != 0 && errno == ENOENT)
			r = 0;
		if (r != 0 && !rc) {
			first = errno;
			rc = -1;
		}
	}
	closedir(d);
	while (done < rs.next) {
		char n[32];
		snprintf(n, sizeof n, RM_PREFIX "%lu", done++);
		if (flatten(top, n, &rs) != 0 && !rc) {
			first = errno;
			rc = -1;
		}
	}
	errno = first;
	return rc;
}

static int remove_tree_at(int dirfd, const char *name, vp_closer *keep)
{
	/* Rounds: something written into the tree while we emptied it (a login
	 * that opened the home just before) is taken by the next one. */
	for (int round = 0; round < 20; round++) {
		int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				return 0;
			if (errno == ELOOP || errno == ENOTDIR) /* a symlink or a file: the entry only */
				return unlinkat(dirfd, name, 0) == 0 || errno == ENOENT ? 0 : -1;
			return -1;
		}
		int rc = empty_dir(fd, keep), e = errno;
		vp_closer_add(keep, fd); /* the top's own inode, freed with the rest */
		if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (rc != 0) {
			errno = e;
			return -1;
		}
		if (errno != ENOTEMPTY && errno != EEXIST)
			return -1;
	}
	return -1;
}

int vp_remove_tree_at(int dirfd, const char *name)
{
	return remove_tree_at(dirfd, name, NULL);
}

int vp_move_aside_at(int dirfd, const char *name, char *aside, size_t size)
{
	for (int tries = 0; tries < 16; tries++) {
		unsigned long r = 0;
		if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
			r = ((unsigned long)getpid() << 24) ^ (unsigned long)time(NULL) ^
			    (unsigned long)(uintptr_t)aside ^ (unsigned long)tries;
		/* a leading '.': no user, alias or domain name can ever be this */
		if (snprintf(aside, size, ".deleted.%s.%lx", name, r) >= (int)size) {
			errno = ENAMETOOLONG;
			return -1;
		}
		struct stat st;
		if (fstatat(dirfd, aside, &st, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		if (renameat(dirfd, name, dirfd, aside) == 0)
			return 0;
		if (errno != EEXIST && errno != ENOTEMPTY)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

int vp_discard_at_keep(int dirfd, const char *name, vp_closer *keep)
{
	char aside[NAME_MAX + 1];
	if (vp_move_aside_at(dirfd, name, aside, sizeof aside) == 0)
		return remove_tree_at(dirfd, aside, keep);
	if (errno == ENOENT)
		return 0;
	return remove_tree_at(dirfd, name, keep); /* cannot rename: in place */
}

int vp_discard_at(int dirfd, const char *name)
{
	return vp_discard_at_keep(dirfd, name, NULL);
}

void vp_sweep_aside_at(int dirfd)
{
	int scan = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	DIR *d = scan >= 0 ? fdopendir(scan) : NULL;
	if (!d) {
		if (scan >= 0)
			close(scan);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, ".deleted.", 9) == 0)
			vp_remove_tree_at(dirfd, de->d_name);
	closedir(d);
}

int vp_remove_walked(const vp_config *cfg, const char *path, vp_error *err)
{
	int dfd = vp_parent_open(cfg, path, err);
	if (dfd < 0)
		return dfd == VA_BAD_DIR && errno == ENOENT ? 0 : dfd;
	int rc = 0;
	if (vp_remove_tree_at(dfd, vp_path_base(path)) != 0)
		rc = vp_fail_errno(err, VA_BAD_DIR, "cannot remove", path);
	close(dfd);
	return rc;
}

int vp_unlink_walked(const vp_config *cfg, const char *path)
{
	int dfd = vp_parent_open(cfg, path, NULL);
	if (dfd < 0)
		return -1;
	int rc = unlinkat(dfd, vp_path_base(path), 0), e = errno;
	close(dfd);
	errno = e;
	return rc;
}

int vp_dir_fail_as(vp_error *err, int rc, int code)
{
	if (rc != VA_BAD_DIR)
		return rc; /* a refusal (VA_UNSAFE_PATH) or a precise code stays */
	if (!err)
		return code;
	char detail[sizeof err->msg];
	size_t pl = strlen(vp_strerror(VA_BAD_DIR));
	snprintf(detail, sizeof detail, "%s", strncmp(err->msg, vp_strerror(VA_BAD_DIR), pl) == 0 &&
	                                          err->msg[pl] == ':' ? err->msg + pl + 2 : err->msg);
	return vp_fail(err, code, "%s", detail);
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
			if (vp_remove_tree_at(fd, comp) != 0)
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
