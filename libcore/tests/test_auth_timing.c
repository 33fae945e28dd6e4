/* test_auth_timing.c: what an unknown user or domain costs (vp_auth.c's
 * timing policy, cfg->auth_fast_unknown). */
#include "t.h"
#include "tree.h"

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

int main(void)
{
	(void)compare_step;
	RUN(unknown_user_timing_policy);
	return T_SUMMARY();
}
