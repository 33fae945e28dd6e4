/* test_auth_timing.c: what an unknown user or domain costs (vp_auth.c's
 * timing policy, cfg->auth_fast_unknown), and what recording a login does
 * to lastauth (issue 17: only the time when the address is the same). */
#include "t.h"
#include "tree.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#define OK(call) do { vp_error e_; int rc_ = (call); \
	if (rc_) { fprintf(stderr, "  %s:%d: %s: %d %s\n", __FILE__, __LINE__, #call, rc_, e_.msg); } \
	CHECK_EQ_INT(rc_, 0); } while (0)
#define E (&e_)

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Fastest of 7 calls (the least disturbed by the machine), in microseconds. */
static double cost(const vp_config *cfg, const char *user, const char *domain, int expect)
{
	double best = 1e12;
	for (int i = 0; i < 7; i++) {
		vp_error e;
		double t = now_us();
		int rc = vp_auth_user(cfg, user, domain, "some-password", NULL, &e);
		t = now_us() - t;
		CHECK_EQ_INT(rc, expect);
		if (t < best)
			best = t;
	}
	return best;
}

TEST(unknown_user_timing_policy)
{
	sandbox s;
	sandbox_init(&s);
	s.cfg.hash_scheme = VP_HASH_SHA512;
	OK(vp_add_domain_ex(&s.cfg, "example.com", "Secret123", NULL, NULL, 0, E));
	OK(vp_add_user(&s.cfg, "alice", "example.com", "right-one", NULL, 0, E));

	double wrong = cost(&s.cfg, "alice", "example.com", VA_WRONG_PASSWORD);
	double unknown = cost(&s.cfg, "bob", "example.com", VA_USER_DOES_NOT_EXIST);
	double nodomain = cost(&s.cfg, "bob", "nowhere.test", VA_DOMAIN_DOES_NOT_EXIST);
	double badname = cost(&s.cfg, "b:b", "example.com", VA_USER_DOES_NOT_EXIST);
	s.cfg.auth_fast_unknown = 1;
	double fast = cost(&s.cfg, "bob", "example.com", VA_USER_DOES_NOT_EXIST);
	double wrong_fast = cost(&s.cfg, "alice", "example.com", VA_WRONG_PASSWORD);
	fprintf(stderr, "    us: wrong %.0f, unknown %.0f, no domain %.0f, bad name %.0f, "
	        "fast unknown %.0f, wrong (fast on) %.0f\n", wrong, unknown, nodomain, badname, fast,
	        wrong_fast);
	/* by default an unknown user costs a crypt, as a wrong password does */
	CHECK(unknown > wrong * 0.5);
	/* a public fact (the domain, the name rules) and the fast mode: no crypt */
	CHECK(nodomain < wrong * 0.25);
	CHECK(badname < wrong * 0.25);
	CHECK(fast < wrong * 0.25);
	/* the fast mode never skips a real verification */
	CHECK(wrong_fast > wrong * 0.5);
	sandbox_free(&s);
}


/* ---- lastauth ---- */

static int write_text_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static struct stat st_of(const char *path)
{
	struct stat st;
	memset(&st, 0, sizeof st);
	if (lstat(path, &st) != 0)
		st.st_ino = 0;
	return st;
}

static int content_is(const char *path, const char *want)
{
	char buf[128];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf);
	close(fd);
	return n == (ssize_t)strlen(want) && memcmp(buf, want, (size_t)n) == 0;
}

static void set_old_mtime(const char *path)
{
	struct timespec t[2] = { { 1600000000, 0 }, { 1600000000, 0 } };
	CHECK_EQ_INT(utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW), 0);
}

static int login(const vp_config *cfg, const char *ip)
{
	vp_error e;
	return vp_auth_user_ex(cfg, "alice", "example.com", "right-one", VP_SERVICE_IMAP, ip, NULL, &e);
}

/*
 * The same address as last time: the file (same inode) keeps its bytes and
 * only its mtime moves.  A new address: a new file renamed in (new inode).
 * Whatever is in lastauth's place that is not a plain 0600 file with one
 * link (a symlink, a hard link to a file elsewhere, a FIFO, another mode)
 * is replaced, never followed or touched: the file it led to keeps its time.
 */
TEST(lastauth_same_address_sets_only_the_time)
{
	sandbox s;
	sandbox_init(&s);
	s.cfg.hash_scheme = VP_HASH_MD5;
	s.cfg.auth_logging = 1;
	OK(vp_add_domain_ex(&s.cfg, "example.com", "Secret123", NULL, NULL, 0, E));
	OK(vp_add_user(&s.cfg, "alice", "example.com", "right-one", NULL, 0, E));
	char la[4096], outside[4096];
	snprintf(la, sizeof la, "%s/domains/example.com/alice/lastauth", s.home);
	snprintf(outside, sizeof outside, "%s/outside", s.root);

	CHECK_EQ_INT(login(&s.cfg, "192.0.2.7"), 0);
	CHECK(content_is(la, "192.0.2.7"));
	struct stat a = st_of(la);
	set_old_mtime(la);
	CHECK_EQ_INT(login(&s.cfg, "192.0.2.7"), 0);
	struct stat b = st_of(la);
	CHECK(content_is(la, "192.0.2.7"));
	CHECK(b.st_ino == a.st_ino);              /* touched, not replaced */
	CHECK(b.st_mtime > 1600000000);           /* the time of this login */
	CHECK_EQ_INT(b.st_mode & 07777, 0600);

	/* a time already in this second stays as it is (readers take seconds);
	 * one of the second before moves */
	for (int tries = 0; tries < 3; tries++) {
		time_t now = time(NULL);
		struct timespec t[2] = { { now, 0 }, { now, 0 } };
		CHECK_EQ_INT(utimensat(AT_FDCWD, la, t, 0), 0);
		CHECK_EQ_INT(login(&s.cfg, "192.0.2.7"), 0);
		struct stat same_second = st_of(la);
		if (time(NULL) != now)
			continue; /* the second turned meanwhile: again */
		CHECK(same_second.st_mtim.tv_sec == now && same_second.st_mtim.tv_nsec == 0);
		t[0].tv_sec = t[1].tv_sec = now - 1;
		CHECK_EQ_INT(utimensat(AT_FDCWD, la, t, 0), 0);
		CHECK_EQ_INT(login(&s.cfg, "192.0.2.7"), 0);
		CHECK(st_of(la).st_mtim.tv_sec >= now);
		CHECK(content_is(la, "192.0.2.7"));
		break;
	}

	CHECK_EQ_INT(login(&s.cfg, "2001:db8::1"), 0);
	struct stat c = st_of(la);
	CHECK(content_is(la, "2001:db8::1"));
	CHECK(c.st_ino != b.st_ino);              /* a new address: a new file */

	/* a symlink to a file holding the same text */
	CHECK_EQ_INT(write_text_file(outside, "2001:db8::1"), 0);
	set_old_mtime(outside);
	unlink(la);
	CHECK_EQ_INT(symlink(outside, la), 0);
	CHECK_EQ_INT(login(&s.cfg, "2001:db8::1"), 0);
	CHECK(S_ISREG(st_of(la).st_mode));
	CHECK(content_is(la, "2001:db8::1"));
	CHECK(st_of(outside).st_mtime == 1600000000);
	CHECK(content_is(outside, "2001:db8::1"));

	/* a hard link to a file elsewhere */
	unlink(la);
	CHECK_EQ_INT(link(outside, la), 0);
	CHECK_EQ_INT(login(&s.cfg, "2001:db8::1"), 0);
	CHECK(st_of(outside).st_mtime == 1600000000);
	CHECK(st_of(la).st_ino != st_of(outside).st_ino);
	CHECK_EQ_INT((int)st_of(outside).st_nlink, 1);

	/* a FIFO (opening it for reading must not hang the login) */
	unlink(la);
	CHECK_EQ_INT(mkfifo(la, 0600), 0);
	CHECK_EQ_INT(login(&s.cfg, "192.0.2.8"), 0);
	CHECK(S_ISREG(st_of(la).st_mode));
	CHECK(content_is(la, "192.0.2.8"));

	/* the right text but another mode: rewritten 0600 */
	CHECK_EQ_INT(chmod(la, 0644), 0);
	CHECK_EQ_INT(login(&s.cfg, "192.0.2.8"), 0);
	CHECK_EQ_INT(st_of(la).st_mode & 07777, 0600);
	CHECK(content_is(la, "192.0.2.8"));
	sandbox_free(&s);
}

/*
 * A reader (vuserinfo, qmailadmin, vdeloldusers) never sees lastauth
 * missing, empty or holding part of an address while logins record it:
 * a child reads it in a loop while the parent logs in, mostly from the
 * same address, sometimes from another one (short and long, so that an
 * in-place rewrite would show a mix or a prefix).
 */
TEST(lastauth_readers_see_whole_addresses)
{
	sandbox s;
	sandbox_init(&s);
	s.cfg.hash_scheme = VP_HASH_MD5;
	s.cfg.auth_logging = 1;
	OK(vp_add_domain_ex(&s.cfg, "example.com", "Secret123", NULL, NULL, 0, E));
	OK(vp_add_user(&s.cfg, "alice", "example.com", "right-one", NULL, 0, E));
	char la[4096];
	snprintf(la, sizeof la, "%s/domains/example.com/alice/lastauth", s.home);
	static const char *const ips[] = { "10.0.0.1", "2001:db8:ffff:ffff:ffff:ffff:ffff:1" };
	CHECK_EQ_INT(login(&s.cfg, ips[0]), 0);
	volatile long *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(shared != MAP_FAILED);
	shared[0] = 0; /* stop */
	pid_t pid = fork();
	if (pid == 0) {
		long reads = 0, bad = 0;
		while (!shared[0]) {
			char buf[128];
			int fd = open(la, O_RDONLY | O_NOFOLLOW);
			ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
			if (fd >= 0)
				close(fd);
			int ok = 0;
			for (int i = 0; i < 2; i++)
				ok |= n == (ssize_t)strlen(ips[i]) && memcmp(buf, ips[i], (size_t)n) == 0;
			reads++;
			bad += !ok;
		}
		shared[1] = reads;
		shared[2] = bad;
		_exit(0);
	}
	for (int i = 0; i < 600; i++) /* each address 10 times in a row */
		CHECK_EQ_INT(login(&s.cfg, ips[(i / 10) % 2]), 0);
	shared[0] = 1;
	waitpid(pid, NULL, 0);
	fprintf(stderr, "    reader: %ld reads, %ld missing/empty/partial\n", shared[1], shared[2]);
	CHECK(shared[1] > 0);
	CHECK_EQ_INT(shared[2], 0);
	munmap((void *)shared, 4096);
	sandbox_free(&s);
}

int main(void)
{
	(void)compare_step;
	RUN(unknown_user_timing_policy);
	RUN(lastauth_same_address_sets_only_the_time);
	RUN(lastauth_readers_see_whole_addresses);
	return T_SUMMARY();
}
