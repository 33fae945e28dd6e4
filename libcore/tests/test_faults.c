/*
 * test_faults.c: libcore under faults (issue 6 part 3).
 *
 *  - missing, truncated, garbage or stale vpasswd.cdb and users/cdb: the
 *    text file answers and the cdb is rebuilt, or the fault is reported;
 *  - a corrupt .dir-control: a clear error, nothing written;
 *  - a full disk (a 512 KiB tmpfs in a private mount namespace): every
 *    write fails with VA_NO_SPACE, the tree stays byte for byte as it was,
 *    no temp file is left, and the next write after space is freed works;
 *  - the same tmpfs remounted read-only: writes fail clearly, reads work;
 *  - a tree the caller may not read (uid 65534 against a root 0700 tree):
 *    every call fails with a message, nothing crashes.
 * The mount and uid parts need root; without it they print a note and the
 * rest still runs.
 */
#include "t.h"
#include "tree.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

static int faults; /* faults injected, for the summary */

static char *slurp(const char *path, size_t *len)
{
	char *d = NULL;
	*len = 0;
	if (read_all(path, &d, len) != 0)
		return NULL;
	return d;
}

static int write_bytes(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	int ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -1;
}

/* Set path's mtime `delta` seconds away from ref's. */
static void age(const char *path, const char *ref, long delta)
{
	struct stat st;
	if (stat(ref, &st) != 0)
		return;
	struct timespec t[2] = { { 0, UTIME_OMIT }, { st.st_mtim.tv_sec + delta, 0 } };
	utimensat(AT_FDCWD, path, t, 0);
}

static uint64_t fnv(const char *d, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)d[i]) * 1099511628211ULL;
	return h;
}

typedef struct snap {
	char *s;
	size_t len, cap;
	int temps; /* files named *.tmp.* */
} snap;

static void snap_add(snap *sn, const char *text)
{
	size_t n = strlen(text);
	if (sn->len + n + 1 > sn->cap) {
		sn->cap = (sn->len + n + 1) * 2;
		sn->s = realloc(sn->s, sn->cap);
	}
	memcpy(sn->s + sn->len, text, n + 1);
	sn->len += n;
}

/* Every path below dir with its type, mode, size and content hash. */
static void snap_walk(snap *sn, const char *dir, const char *rel)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	char names[512][256];
	int n = 0;
	while ((de = readdir(d)) && n < 512) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			snprintf(names[n++], 256, "%s", de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
	for (int i = 0; i < n; i++) {
		char p[4096], r[4096], line[4400];
		struct stat st;
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		snprintf(r, sizeof r, "%s/%s", rel, names[i]);
		if (lstat(p, &st) != 0)
			continue;
		if (strstr(names[i], ".tmp."))
			sn->temps++;
		if (S_ISDIR(st.st_mode)) {
			snprintf(line, sizeof line, "%s d %o\n", r, (unsigned)(st.st_mode & 07777));
			snap_add(sn, line);
			snap_walk(sn, p, r);
		} else {
			size_t len;
			char *data = S_ISREG(st.st_mode) ? slurp(p, &len) : NULL;
			snprintf(line, sizeof line, "%s f %o %lld %llx\n", r, (unsigned)(st.st_mode & 07777),
			         (long long)st.st_size, data ? (unsigned long long)fnv(data, len) : 0ULL);
			free(data);
			snap_add(sn, line);
		}
	}
}

static snap take(const char *root)
{
	snap sn = { 0 };
	snap_add(&sn, "");
	snap_walk(&sn, root, "");
	return sn;
}

static int same(const snap *a, const snap *b)
{
	return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

static void domdir(char *dst, size_t size, const sandbox *s, const char *domain)
{
	snprintf(dst, size, "%s/domains/%s", s->home, domain);
}

/* A tree with example.com, two users and an alias. */
static int populate(sandbox *s)
{
	vp_error err;
	return vp_add_domain(&s->cfg, "example.com", NULL, s->cfg.uid, s->cfg.gid, &err) ||
	       vp_add_user(&s->cfg, "alice", "example.com", "alicepw", "Alice", 0, &err) ||
	       vp_add_user(&s->cfg, "bob", "example.com", "bobpw", "", 0, &err) ||
	       vp_alias_add(&s->cfg, "sales", "example.com", "alice@example.com", &err);
}

static int cdb_records(const char *path)
{
	int fd = open(path, O_RDONLY), n = 0;
	struct cdb c;
	unsigned pos;
	if (fd < 0)
		return -1;
	if (cdb_init(&c, fd) == 0) {
		cdb_seqinit(&pos, &c);
		while (cdb_seqnext(&pos, &c) > 0)
			n++;
		cdb_free(&c);
	} else {
		n = -2;
	}
	close(fd);
	return n;
}

/* A valid cdb holding only "mallory" (a record vpasswd does not have). */
static void write_foreign_cdb(const char *path, const char *key, const char *val)
{
	struct cdb_make cm;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	cdb_make_start(&cm, fd);
	cdb_make_add(&cm, key, (unsigned)strlen(key), val, (unsigned)strlen(val));
	cdb_make_finish(&cm);
	close(fd);
}

TEST(vpasswd_cdb_rebuilt_from_vpasswd)
{
	sandbox s;
	vp_error err;
	char d[2048], cdb[2200], txt[2200];
	sandbox_init(&s);
	CHECK_EQ_INT(populate(&s), 0);
	domdir(d, sizeof d, &s, "example.com");
	snprintf(cdb, sizeof cdb, "%s/vpasswd.cdb", d);
	snprintf(txt, sizeof txt, "%s/vpasswd", d);
	/* Our own writes leave the cdb no older than vpasswd: no rebuild needed. */
	struct stat a, b;
	CHECK(stat(txt, &a) == 0 && stat(cdb, &b) == 0);
	CHECK(a.st_mtim.tv_sec < b.st_mtim.tv_sec ||
	      (a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec <= b.st_mtim.tv_nsec));

	static const struct { const char *what; size_t len; int fill; } bad[] = {
		{ "missing", 0, -1 }, { "empty", 0, 0 }, { "truncated", 10, 'x' },
		{ "2047 bytes", 2047, 0 }, { "garbage", 3000, 0xab }, { "huge pointers", 2048, 0xff },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unlink(cdb);
		if (bad[i].fill >= 0) {
			char *junk = malloc(bad[i].len + 1);
			memset(junk, bad[i].fill, bad[i].len);
			write_bytes(cdb, junk, bad[i].len);
			free(junk);
			age(cdb, txt, 5); /* newer than vpasswd: only its content is wrong */
		}
		faults++;
		int rc = vp_auth_user(&s.cfg, "alice", "example.com", "alicepw", NULL, &err);
		if (rc != 0)
			fprintf(stderr, "  %s vpasswd.cdb: rc %d %s\n", bad[i].what, rc, err.msg);
		CHECK_EQ_INT(rc, 0);
		CHECK_EQ_INT(cdb_records(cdb), 2); /* a postmaster-less domain: alice, bob */
	}
	/* A valid cdb whose records differ, older than vpasswd (a hand edit, or a
	 * writer that died between the two renames): rebuilt, mallory is gone. */
	write_foreign_cdb(cdb, "mallory", "$1$x$y:1:0:M:/tmp/mallory:NOQUOTA");
	age(cdb, txt, -10);
	faults++;
	CHECK_EQ_INT(vp_auth_user(&s.cfg, "mallory", "example.com", "x", NULL, &err), VA_USER_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_auth_user(&s.cfg, "bob", "example.com", "bobpw", NULL, &err), 0);
	CHECK_EQ_INT(cdb_records(cdb), 2);
	/* vpasswd dated in the future: rebuilt once, then trusted. */
	struct timespec fut[2] = { { 0, UTIME_OMIT }, { time(NULL) + 3600, 0 } };
	utimensat(AT_FDCWD, txt, fut, 0);
	faults++;
	CHECK_EQ_INT(vp_auth_user(&s.cfg, "bob", "example.com", "bobpw", NULL, &err), 0);
	CHECK(stat(cdb, &b) == 0);
	CHECK(b.st_mtim.tv_sec >= time(NULL) + 3000);
	/* A cdb that cannot be rebuilt (the lock cannot be taken) is reported, never trusted. */
	char lockp[2300];
	snprintf(lockp, sizeof lockp, "%s/.vpasswd.lock", d);
	unlink(lockp);
	mkdir(lockp, 0700);
	write_foreign_cdb(cdb, "alice", "$1$x$y:1:0:M:/tmp/alice:NOQUOTA");
	age(cdb, txt, -10);
	faults++;
	int rc = vp_auth_user(&s.cfg, "alice", "example.com", "alicepw", NULL, &err);
	CHECK_EQ_INT(rc, VA_CORRUPT_FILE);
	CHECK(strstr(err.msg, "vpasswd.cdb") && strstr(err.msg, "cannot rebuild"));
	rmdir(lockp);
	CHECK_EQ_INT(vp_auth_user(&s.cfg, "alice", "example.com", "alicepw", NULL, &err), 0);
	sandbox_free(&s);
}

TEST(users_cdb_rebuilt_from_assign)
{
	sandbox s;
	vp_error err;
	vp_domain_info di;
	char ucdb[1200], assign[1200], good[1];
	(void)good;
	sandbox_init(&s);
	CHECK_EQ_INT(populate(&s), 0);
	CHECK_EQ_INT(vp_add_domain(&s.cfg, "other.test", NULL, s.cfg.uid, s.cfg.gid, &err), 0);
	snprintf(ucdb, sizeof ucdb, "%s/users/cdb", s.qmail);
	snprintf(assign, sizeof assign, "%s/users/assign", s.qmail);
	size_t glen;
	char *golden = slurp(ucdb, &glen);
	CHECK(golden != NULL);

	for (int i = 0; i < 4; i++) {
		unlink(ucdb);
		if (i == 1)
			write_bytes(ucdb, "garbage", 7);
		if (i == 2) {
			char junk[4096];
			memset(junk, 0xee, sizeof junk);
			write_bytes(ucdb, junk, sizeof junk);
		}
		if (i == 3) { /* valid, but older than assign and without example.com */
			write_foreign_cdb(ucdb, "!nothere.test-", "nothere.test\0" "89\0" "89\0/x\0-\0\0");
			age(ucdb, assign, -10);
		}
		if (i >= 1 && i <= 2)
			age(ucdb, assign, 5);
		faults++;
		CHECK_EQ_INT(vp_domain_lookup(&s.cfg, "example.com", &di, &err), 1);
		CHECK_EQ_INT(vp_domain_lookup(&s.cfg, "nothere.test", &di, &err), 0);
		CHECK_EQ_INT(vp_auth_user(&s.cfg, "alice", "example.com", "alicepw", NULL, &err), 0);
		size_t len;
		char *now = slurp(ucdb, &len);
		CHECK(now && len == glen && memcmp(now, golden, len) == 0); /* as qmail-newu makes it */
		free(now);
	}
	/* assign.lock held by someone else: assign answers, the cdb is left to the holder. */
	char lockp[1300];
	vp_lock held;
	snprintf(lockp, sizeof lockp, "%s.lock", assign);
	CHECK_EQ_INT(vp_lock_acquire(&s.cfg, lockp, &held, &err), 0);
	write_bytes(ucdb, "garbage", 7);
	faults++;
	CHECK_EQ_INT(vp_domain_lookup(&s.cfg, "other.test", &di, &err), 1);
	CHECK_EQ_STR(di.realdomain, "other.test");
	CHECK_EQ_INT(vp_domain_lookup(&s.cfg, "nothere.test", &di, &err), 0);
	vp_lock_release(&held);
	CHECK_EQ_INT(vp_domain_lookup(&s.cfg, "other.test", &di, &err), 1);
	size_t len;
	char *now = slurp(ucdb, &len);
	CHECK(now && len == glen && memcmp(now, golden, len) == 0);
	free(now);
	/* Our writers leave users/cdb no older than assign. */
	CHECK_EQ_INT(vp_del_domain(&s.cfg, "other.test", &err), 0);
	struct stat a, b;
	CHECK(stat(assign, &a) == 0 && stat(ucdb, &b) == 0);
	CHECK(a.st_mtim.tv_sec < b.st_mtim.tv_sec ||
	      (a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec <= b.st_mtim.tv_nsec));
	free(golden);
	sandbox_free(&s);
}

TEST(corrupt_dir_control_is_an_error)
{
	sandbox s;
	vp_error err;
	char d[2048], dc[2200], top[1300];
	sandbox_init(&s);
	CHECK_EQ_INT(populate(&s), 0);
	domdir(d, sizeof d, &s, "example.com");
	snprintf(dc, sizeof dc, "%s/.dir-control", d);
	snprintf(top, sizeof top, "%s/domains/.dir-control", s.home);
	static const char *const bad[] = { "", "garbage\n", "99999999999999\n0\n3\n0 0 0\n61 61 61\n0 2 4\n0 0 0\n\n",
		"1\n0\n3\n0 0 0\n61 61 61\n0 2 4\n0 0 0\n../../x\n", "1\n9\n3\n0 0 0\n61 61 61\n0 2 4\n0 0 0\n\n",
		"1\n0\n3\n0 0 0\n61 61 61\n0 2 4\n70 0 0\n\n", "1\n0\n3\n5 0 0\n1 61 61\n0 2 4\n0 0 0\n\n", NULL };
	for (int i = 0; bad[i]; i++) {
		write_bytes(dc, bad[i], strlen(bad[i]));
		snap before = take(s.root);
		faults++;
		int rc = vp_add_user(&s.cfg, "carol", "example.com", "pw", "", 0, &err);
		CHECK_EQ_INT(rc, VA_CORRUPT_FILE);
		CHECK(strstr(err.msg, ".dir-control") != NULL);
		snap after = take(s.root);
		CHECK(same(&before, &after));
		free(before.s);
		free(after.s);
		/* the domain counter too */
		write_bytes(top, bad[i], strlen(bad[i]));
		before = take(s.root);
		faults++;
		CHECK_EQ_INT(vp_add_domain(&s.cfg, "new.test", NULL, s.cfg.uid, s.cfg.gid, &err), VA_CORRUPT_FILE);
		after = take(s.root);
		CHECK(same(&before, &after));
		free(before.s);
		free(after.s);
	}
	/* Existing users still work: the counter only places new homes. */
	CHECK_EQ_INT(vp_auth_user(&s.cfg, "alice", "example.com", "alicepw", NULL, &err), 0);
	sandbox_free(&s);
}

/* ---- full disk, read-only tree, no permission: in children ---- */

static int child_fail; /* checks failed in a child */
#define CCHECK(cond) do { if (!(cond)) { fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", \
	__FILE__, __LINE__, #cond); child_fail++; } } while (0)

/* One write operation against the tree; rc. */
static int write_op(const vp_config *cfg, int which, int n, vp_error *err)
{
	char name[64];
	snprintf(name, sizeof name, "user%d", n);
	switch (which) {
	case 0: return vp_add_user(cfg, name, "example.com", "pw12345", "A gecos long enough to fill", 0, err);
	case 1: return vp_set_password(cfg, "alice", "example.com", "newpassword", err);
	case 2: return vp_set_quota(cfg, "alice", "example.com", "10M", err);
	case 3: return vp_alias_add(cfg, "sales", "example.com", "bob@example.com", err);
	case 4: return vp_alias_add(cfg, name, "example.com", "bob@example.com", err);
	case 5: return vp_add_domain(cfg, "new.test", NULL, cfg->uid, cfg->gid, err);
	case 6: return vp_add_alias_domain(cfg, "alias.test", "example.com", err);
	case 7: return vp_add_domain_ex(cfg, "new2.test", "pw12345", "5M", "delete", 0, err);
	case 8: return vp_del_user(cfg, "bob", "example.com", err);
	case 9: return vp_alias_del(cfg, "sales", "example.com", err);
	case 10: return vp_del_domain(cfg, "example.com", err);
	}
	return 0;
}
#define WRITE_OPS 11

static int reads_work(const vp_config *cfg)
{
	vp_error err;
	vp_user_entry e;
	vp_domain_info di;
	int ok = vp_auth_user(cfg, "alice", "example.com", "alicepw", NULL, &err) == 0 &&
	         vp_get_user(cfg, "bob", "example.com", &e, &di, &err) == 1;
	if (!ok)
		fprintf(stderr, "  read failed: %s\n", err.msg);
	return ok;
}

static void full_disk_child(const char *mnt)
{
	sandbox s;
	vp_error err;
	char filler[1200];
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tmpfs", mnt, "tmpfs", MS_NOSUID | MS_NODEV, "size=512k,mode=0755") != 0) {
		printf("  note: cannot mount a tmpfs here (%s): full-disk and read-only cases skipped\n",
		       strerror(errno));
		fflush(stdout);
		_exit(0);
	}
	setenv("VP_TMP", mnt, 1);
	sandbox_init(&s);
	CCHECK(populate(&s) == 0);
	/* Fill the disk to the last byte. */
	snprintf(filler, sizeof filler, "%s/filler", mnt);
	int fd = open(filler, O_WRONLY | O_CREAT, 0600);
	char block[4096];
	memset(block, 'f', sizeof block);
	while (write(fd, block, sizeof block) > 0)
		;
	while (write(fd, block, 1) > 0)
		;
	close(fd);
	int injected = 0;
	for (int round = 0; round < 2; round++) {
		for (int op = 0; op < WRITE_OPS; op++) {
			if (op == 9)
				continue; /* deleting an alias is an unlink: it needs no space */
			snap before = take(s.root);
			int rc = write_op(&s.cfg, op, 100 + op, &err);
			snap after = take(s.root);
			injected++;
			if (rc != VA_NO_SPACE)
				fprintf(stderr, "  full disk, op %d: rc %d (%s)\n", op, rc, err.msg);
			CCHECK(rc == VA_NO_SPACE);
			CCHECK(strstr(err.msg, "No space left") != NULL);
			if (!same(&before, &after))
				fprintf(stderr, "  full disk, op %d changed the tree:\n%s---\n%s", op, before.s, after.s);
			CCHECK(same(&before, &after));
			CCHECK(after.temps == 0);
			free(before.s);
			free(after.s);
			CCHECK(reads_work(&s.cfg));
		}
	}
	/* Space again: the next writes succeed and the tree is consistent. */
	unlink(filler);
	for (int op = 0; op < WRITE_OPS - 1; op++) {
		int rc = write_op(&s.cfg, op, 200 + op, &err);
		if (rc != 0)
			fprintf(stderr, "  after freeing space, op %d: rc %d (%s)\n", op, rc, err.msg);
		CCHECK(rc == 0);
	}
	CCHECK(vp_auth_user(&s.cfg, "user200", "example.com", "pw12345", NULL, &err) == 0);
	CCHECK(vp_auth_user(&s.cfg, "alice", "example.com", "newpassword", NULL, &err) == 0);

	/* Read-only: every write fails with a clear error and changes nothing; reads work. */
	if (mount(NULL, mnt, NULL, MS_REMOUNT | MS_RDONLY, NULL) != 0) {
		printf("  note: cannot remount read-only (%s)\n", strerror(errno));
	} else {
		snap before = take(s.root);
		for (int op = 0; op < WRITE_OPS; op++) {
			int rc = write_op(&s.cfg, op, 300 + op, &err);
			injected++;
			CCHECK(rc < 0);
			CCHECK(strstr(err.msg, "Read-only") != NULL || rc == VA_USERNAME_EXISTS ||
			       rc == VA_ALIAS_LINE_EXISTS || rc == VA_DOMAIN_ALREADY_EXISTS);
			if (rc >= 0 || !strstr(err.msg, "Read-only"))
				fprintf(stderr, "  read-only, op %d: rc %d (%s)\n", op, rc, err.msg);
		}
		snap after = take(s.root);
		CCHECK(same(&before, &after));
		free(before.s);
		free(after.s);
		CCHECK(vp_auth_user(&s.cfg, "alice", "example.com", "newpassword", NULL, &err) == 0);
		CCHECK(vp_auth_user(&s.cfg, "user200", "example.com", "pw12345", NULL, &err) == 0);
	}
	printf("  full disk / read-only: %d faults injected\n", injected);
	fflush(stdout);
	_exit(child_fail ? 1 : 0);
}

TEST(full_disk_and_read_only)
{
	if (geteuid() != 0) {
		printf("  note: not root: full-disk and read-only cases skipped\n");
		return;
	}
	char mnt[1024];
	const char *tmp = getenv("VP_TMP");
	snprintf(mnt, sizeof mnt, "%s/mntXXXXXX", tmp ? tmp : "/tmp");
	CHECK(mkdtemp(mnt) != NULL);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		full_disk_child(mnt);
	int st = 0;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	faults += 2 * (WRITE_OPS - 1) + WRITE_OPS;
	rmdir(mnt);
}

TEST(no_permission)
{
	if (geteuid() != 0) {
		printf("  note: not root: the unprivileged-caller cases skipped\n");
		return;
	}
	sandbox s;
	sandbox_init(&s);
	CHECK_EQ_INT(populate(&s), 0);
	chmod(s.root, 0700);
	snap before = take(s.root);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		vp_error err;
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(3);
		for (int op = 0; op < WRITE_OPS; op++) {
			int rc = write_op(&s.cfg, op, 400 + op, &err);
			CCHECK(rc < 0 && err.msg[0] != '\0');
		}
		int rc = vp_auth_user(&s.cfg, "alice", "example.com", "alicepw", NULL, &err);
		CCHECK(rc < 0 && strstr(err.msg, "Permission denied") != NULL);
		CCHECK(vp_alias_get(&s.cfg, "sales", "example.com", NULL, NULL, &err) < 0);
		fflush(stdout);
	_exit(child_fail ? 1 : 0);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	faults += WRITE_OPS + 2;
	snap after = take(s.root);
	CHECK(same(&before, &after));
	free(before.s);
	free(after.s);
	sandbox_free(&s);
}

int main(void)
{
	(void)compare_step; /* tree.h's fixture helper, unused here */
	RUN(vpasswd_cdb_rebuilt_from_vpasswd);
	RUN(users_cdb_rebuilt_from_assign);
	RUN(corrupt_dir_control_is_an_error);
	RUN(full_disk_and_read_only);
	RUN(no_permission);
	printf("  %d faults injected\n", faults);
	return T_SUMMARY();
}
