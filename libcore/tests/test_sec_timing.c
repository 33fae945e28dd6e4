/* test_sec_timing.c: user enumeration by timing (issue 12, class 4).
 *
 * An attacker times vp_auth_user for a name with a wrong password: a known
 * user costs one verification of its own stored hash, so an unknown name of
 * the same domain must cost the same, whatever schemes and cost parameters
 * the domain holds.  The configuration says SHA-512 (5.6's default) while
 * the trees hold other schemes, as an upgraded 5.4 site does.
 *
 * Every figure is a ratio measured within one run: known-user and
 * unknown-name calls come in pairs, in random order within a pair (a load
 * burst hits both alike), and the medians are compared.  Bounds: 10% (the requirement). */
#include "t.h"
#include "tree.h"

#include <crypt.h>
#include <stdlib.h>
#include <time.h>

#include "vp_vpasswd.h"

#include "fixture.h"

#define WRONG "not-the-password"

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmpd);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Which of a pair goes first: a coin, not the parity (a periodic order
 * beats in time with the allocator's own period and biases one side by 5%). */
static int coin(unsigned long long *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int)(*state >> 63);
}

/* One wrong-password call, microseconds; the answer must be `expect`. */
static double one(const vp_config *cfg, const char *user, const char *domain, int expect)
{
	vp_error e;
	double t = now_us();
	int rc = vp_auth_user(cfg, user, domain, WRONG, NULL, &e);
	t = now_us() - t;
	if (rc != expect) {
		fprintf(stderr, "    %s@%s: %d (%s), expected %d\n", user, domain, rc, e.msg, expect);
		t_failed_checks++;
	}
	return t;
}

/* A crypt(3) hash of "right-<i>" for a setting prefix and cost (libxcrypt's
 * gensalt: "" is DES), or the literal text when prefix starts with '='. */
static void make_hash(char *out, size_t size, const char *prefix, unsigned long count, int i)
{
	if (prefix[0] == '=') {
		snprintf(out, size, "%s", prefix + 1);
		return;
	}
	char setting[CRYPT_GENSALT_OUTPUT_SIZE], pw[32];
	struct crypt_data d;
	memset(&d, 0, sizeof d);
	snprintf(pw, sizeof pw, "right-%d", i);
	if (!crypt_gensalt_rn(prefix, count, NULL, 0, setting, (int)sizeof setting)) {
		fprintf(stderr, "    gensalt %s %lu failed\n", prefix, count);
		exit(2);
	}
	const char *h = crypt_rn(pw, setting, &d, (int)sizeof d);
	if (!h || h[0] == '*') {
		fprintf(stderr, "    crypt %s failed\n", setting);
		exit(2);
	}
	snprintf(out, size, "%s", h);
}

typedef struct kind {
	const char *prefix; /* gensalt prefix, or "=literal" */
	unsigned long count;
	const char *tag;    /* "{X}" prepended when set */
} kind;

/* A hosted domain whose vpasswd holds users u00.. with these hashes (the
 * cdb is rebuilt from it by the first lookup). */
static void make_domain(sandbox *s, const char *domain, const kind *kinds, size_t n)
{
	vp_error e_;
	vp_domain_info dom;
	OK(vp_add_domain(&s->cfg, domain, NULL, s->cfg.uid, s->cfg.gid, E));
	CHECK_EQ_INT(vp_domain_lookup(&s->cfg, domain, &dom, E), 1);
	char p[4096], h[256];
	snprintf(p, sizeof p, "%s/vpasswd", dom.dir);
	FILE *f = fopen(p, "w");
	for (size_t i = 0; i < n; i++) {
		make_hash(h, sizeof h, kinds[i].prefix, kinds[i].count, (int)i);
		fprintf(f, "u%02zu:%s%s:1:0:u%02zu:%s/u%02zu:NOQUOTA\n", i,
		        kinds[i].tag ? kinds[i].tag : "", h, i, dom.dir, i);
	}
	fclose(f);
	snprintf(p, sizeof p, "%s/vpasswd.cdb", dom.dir);
	unlink(p);
}

/*
 * A domain whose users all hold the same scheme: known users (wrong
 * password) and unknown names, alternating call by call, `rounds` times;
 * the ratio of the medians of all the calls of each kind.
 */
static double uniform_ratio(const vp_config *cfg, const char *domain, const char *const *known,
                            size_t nk, int rounds, double *mk_out, double *mu_out)
{
	enum { NU = 16 };
	size_t per = nk > NU ? nk : NU, total = per * (size_t)rounds;
	double *k = malloc(total * sizeof *k), *u = malloc(total * sizeof *u);
	char name[64];
	size_t c = 0;
	unsigned long long rnd = 12;
	for (int r = 0; r < rounds; r++) {
		for (size_t i = 0; i < per; i++, c++) {
			snprintf(name, sizeof name, "nobody.%02zu", i % NU);
			if (coin(&rnd)) {
				k[c] = one(cfg, known[i % nk], domain, VA_WRONG_PASSWORD);
				u[c] = one(cfg, name, domain, VA_USER_DOES_NOT_EXIST);
			} else {
				u[c] = one(cfg, name, domain, VA_USER_DOES_NOT_EXIST);
				k[c] = one(cfg, known[i % nk], domain, VA_WRONG_PASSWORD);
			}
		}
	}
	double mk = median(k, total), mu = median(u, total);
	free(k);
	free(u);
	*mk_out = mk;
	*mu_out = mu;
	return mu / mk;
}

static const char *const uu[] = { "u00", "u01", "u02", "u03", "u04", "u05", "u06", "u07" };

static void check_uniform(const char *what, const vp_config *cfg, const char *domain,
                          const char *const *known, size_t nk, int rounds)
{
	double mk, mu;
	/* one warm-up pass: cdb rebuild, page cache */
	uniform_ratio(cfg, domain, known, nk, 1, &mk, &mu);
	double r = uniform_ratio(cfg, domain, known, nk, rounds, &mk, &mu);
	fprintf(stderr, "    %-28s known %8.1f us, unknown %8.1f us, ratio %.3f\n", what, mk, mu, r);
	CHECK(r > 0.90 && r < 1.10);
}

/* The 5.4 tree: MD5 hashes written by vpopmail 5.4 itself. */
TEST(md5_tree_of_vpopmail_54)
{
	sandbox s;
	CHECK_EQ_INT(sandbox_from_fixture(&s, "vpopmail-5.4", "27-moduser-bob-clearflags"), 0);
	s.cfg.hash_scheme = VP_HASH_SHA512;
	static const char *const known[] = { "alice", "bob", "dave", "first.last", "postmaster" };
	check_uniform("5.4 tree (all MD5)", &s.cfg, "example.com", known, 5, 60);
	sandbox_free(&s);
}

TEST(single_scheme_domains)
{
	sandbox s;
	sandbox_init(&s);
	s.cfg.hash_scheme = VP_HASH_SHA512;
	static const struct {
		const char *what, *domain;
		kind k;
		int rounds;
	} doms[] = {
		{ "all DES", "des.test", { "", 0, NULL }, 150 },
		{ "all SHA-512", "sha512.test", { "$6$", 0, NULL }, 12 },
		{ "all bcrypt $2b$04$", "bcrypt.test", { "$2b$", 4, NULL }, 20 },
		{ "all yescrypt (low cost)", "yescrypt.test", { "$y$", 1, NULL }, 20 },
	};
	for (size_t d = 0; d < sizeof doms / sizeof doms[0]; d++) {
		kind ks[8];
		for (size_t i = 0; i < 8; i++)
			ks[i] = doms[d].k;
		make_domain(&s, doms[d].domain, ks, 8);
		check_uniform(doms[d].what, &s.cfg, doms[d].domain, uu, 8, doms[d].rounds);
	}
	sandbox_free(&s);
}

/*
 * A domain of 18 users: 5 cheap (DES, a clear-text "hash" crypt reads as
 * DES, a "{SHA}" one crypt refuses at once), 8 MD5 (one "{CRYPT}"-tagged)
 * and 5 dear (SHA-512 rounds=2000, bcrypt $2b$04$, yescrypt at low cost,
 * SHA-256 rounds=3000, an empty hash: the configured scheme's dummy).
 * Unknown names cannot each cost the same as every user: each must cost
 * what one real user costs.  So, with 150 unknown names (each the median
 * of its calls) against the 18 users (each the median of its calls):
 *  - the median over the names is within 10% of the median over the users
 *    (the middle user is an MD5 one, the largest group, so the median
 *    does not sit on a boundary between two costs);
 *  - the names fall into the cheap / MD5 / dear groups (split at the
 *    geometric middle between the groups' known costs) in about the
 *    users' proportions (5/18, 8/18, 5/18, within 0.15): the unknown
 *    costs spread over the domain's users rather than all costing one
 *    fixed scheme.
 */
TEST(mixed_domain)
{
	sandbox s;
	sandbox_init(&s);
	s.cfg.hash_scheme = VP_HASH_SHA512;
	static const kind ks[] = {
		{ "", 0, NULL }, { "", 0, NULL }, { "", 0, NULL }, { "=secret12", 0, NULL },
		{ "=rLz8QvT3kPbm0a", 0, "{SHA}" },
		{ "$1$", 0, NULL }, { "$1$", 0, NULL }, { "$1$", 0, NULL }, { "$1$", 0, NULL },
		{ "$1$", 0, NULL }, { "$1$", 0, NULL }, { "$1$", 0, NULL }, { "$1$", 0, "{CRYPT}" },
		{ "$6$", 2000, NULL }, { "$2b$", 4, NULL }, { "$y$", 1, NULL }, { "$5$", 3000, NULL },
		{ "=", 0, NULL },
	};
	enum { NK = sizeof ks / sizeof ks[0], NU = 150, ROUNDS = 11 };
	static const int group[NK] = { 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2 };
	make_domain(&s, "mixed.test", ks, NK);
	char known[NK][8], unknown[NU][32];
	for (int i = 0; i < NK; i++)
		snprintf(known[i], sizeof known[i], "u%02d", i);
	for (int i = 0; i < NU; i++)
		snprintf(unknown[i], sizeof unknown[i], "probe%03d.x", i);

	/* per user and per name, the calls of each round */
	static double kt[NK][NU * ROUNDS], ut[NU][ROUNDS];
	size_t kn[NK] = { 0 };
	for (int i = 0; i < NK; i++)
		one(&s.cfg, known[i], "mixed.test", VA_WRONG_PASSWORD); /* warm up */
	unsigned long long rnd = 7;
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < NU; i++) {
			int k = (i + r * NU) % NK;
			if (coin(&rnd)) {
				ut[i][r] = one(&s.cfg, unknown[i], "mixed.test", VA_USER_DOES_NOT_EXIST);
				kt[k][kn[k]++] = one(&s.cfg, known[k], "mixed.test", VA_WRONG_PASSWORD);
			} else {
				kt[k][kn[k]++] = one(&s.cfg, known[k], "mixed.test", VA_WRONG_PASSWORD);
				ut[i][r] = one(&s.cfg, unknown[i], "mixed.test", VA_USER_DOES_NOT_EXIST);
			}
		}
	}
	double km[NK], um[NU], ks_sorted[NK];
	for (int i = 0; i < NK; i++)
		ks_sorted[i] = km[i] = median(kt[i], kn[i]);
	for (int i = 0; i < NU; i++)
		um[i] = median(ut[i], ROUNDS);
	/* group edges from the known users' own figures */
	double gmin[3] = { 1e30, 1e30, 1e30 }, gmax[3] = { 0, 0, 0 };
	for (int i = 0; i < NK; i++) {
		if (km[i] < gmin[group[i]])
			gmin[group[i]] = km[i];
		if (km[i] > gmax[group[i]])
			gmax[group[i]] = km[i];
	}
	/* the geometric middle between two groups: compare squares */
	double cut1 = gmax[0] * gmin[1], cut2 = gmax[1] * gmin[2];
	int in[3] = { 0, 0, 0 };
	for (int i = 0; i < NU; i++) {
		double sq = um[i] * um[i];
		in[sq < cut1 ? 0 : sq < cut2 ? 1 : 2]++;
	}
	double mk = median(ks_sorted, NK), mu = median(um, NU), r = mu / mk;
	fprintf(stderr, "    mixed domain: known users' median %.1f us, unknown names' median %.1f us, "
	        "ratio %.3f\n", mk, mu, r);
	fprintf(stderr, "    groups (cheap %.0f-%.0f, MD5 %.0f-%.0f, dear %.0f-%.0f us): known 5/8/5 "
	        "of 18, unknown %d/%d/%d of %d\n", gmin[0], gmax[0], gmin[1], gmax[1], gmin[2], gmax[2],
	        in[0], in[1], in[2], NU);
	CHECK(gmax[0] < gmin[1] && gmax[1] < gmin[2]); /* the groups are apart */
	CHECK(r > 0.90 && r < 1.10);
	static const double share[3] = { 5.0 / 18, 8.0 / 18, 5.0 / 18 };
	for (int g = 0; g < 3; g++)
		CHECK((double)in[g] / NU > share[g] - 0.15 && (double)in[g] / NU < share[g] + 0.15);
	sandbox_free(&s);
}

/* The decoy itself: a real user's stored hash, the same for the same name,
 * spread over the users; nothing for a domain without users. */
TEST(decoy_choice)
{
	sandbox s;
	sandbox_init(&s);
	vp_error e_;
	static const kind ks[] = {
		{ "$1$", 0, NULL }, { "$1$", 0, "{CRYPT}" }, { "", 0, NULL }, { "=", 0, NULL },
		{ "$1$", 0, NULL }, { "$1$", 0, NULL }, { "$1$", 0, NULL }, { "$1$", 0, NULL },
	};
	enum { NK = sizeof ks / sizeof ks[0] };
	make_domain(&s, "decoy.test", ks, NK);
	OK(vp_add_domain(&s.cfg, "empty.test", NULL, s.cfg.uid, s.cfg.gid, E));
	vp_domain_info dom, empty;
	CHECK_EQ_INT(vp_domain_lookup(&s.cfg, "decoy.test", &dom, E), 1);
	CHECK_EQ_INT(vp_domain_lookup(&s.cfg, "empty.test", &empty, E), 1);
	vp_user_entry u;
	CHECK_EQ_INT(vp_vpw_get(&s.cfg, &dom, "u00", &u, E), 1); /* builds the cdb */
	char stored[NK][256];
	for (int i = 0; i < NK; i++) {
		char n[8];
		snprintf(n, sizeof n, "u%02d", i);
		CHECK_EQ_INT(vp_vpw_get(&s.cfg, &dom, n, &u, E), 1);
		snprintf(stored[i], sizeof stored[i], "%s", u.passwd);
	}
	int hits[NK] = { 0 };
	for (int i = 0; i < 200; i++) {
		char name[32], a[256], b[256];
		snprintf(name, sizeof name, "someone%d", i);
		CHECK_EQ_INT(vp_vpw_decoy(&dom, name, a, sizeof a), 1);
		CHECK_EQ_INT(vp_vpw_decoy(&dom, name, b, sizeof b), 1);
		CHECK_EQ_STR(a, b);
		int which = -1;
		for (int k = 0; k < NK; k++)
			if (strcmp(a, stored[k]) == 0)
				which = k;
		CHECK(which >= 0);
		if (which >= 0)
			hits[which]++;
	}
	for (int k = 0; k < NK; k++)
		CHECK(hits[k] > 0); /* 200 draws over 8 users: every one is met */
	char h[256] = "x";
	CHECK_EQ_INT(vp_vpw_decoy(&empty, "someone", h, sizeof h), 0);
	CHECK_EQ_STR(h, "");
	/* and an unknown name there is still "no such user" */
	CHECK_EQ_INT(vp_auth_user(&s.cfg, "someone", "empty.test", WRONG, NULL, E),
	             VA_USER_DOES_NOT_EXIST);
	sandbox_free(&s);
}

int main(void)
{
	(void)compare_step;
	RUN(decoy_choice);
	RUN(md5_tree_of_vpopmail_54);
	RUN(single_scheme_domains);
	RUN(mixed_domain);
	return T_SUMMARY();
}
