/* test_sec_lines.c: what reaches a line qmail runs through sh, or a vpasswd
 * field, passes one whitelist (issue 12, classes 1, 7 and 9): the configured
 * directories, the catch-all action, and the fields the single calls and
 * vp_batch share. */
#include "t.h"
#include "tree.h"
#include "fixture.h"

#include <ftw.h>
#include <stdint.h>

/* ---- a digest of a whole tree: paths, types, modes, sizes, bytes ---- */

static uint64_t digest_acc;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 1099511628211ULL;
	return h;
}

static int digest_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	uint64_t h = fnv(14695981039346656037ULL, path, strlen(path));
	unsigned long meta[3] = { (unsigned long)type, (unsigned long)st->st_mode,
		                  (unsigned long)st->st_size };
	h = fnv(h, meta, sizeof meta);
	if (type == FTW_F) {
		char *d = NULL;
		size_t len = 0;
		if (read_all(path, &d, &len) == 0)
			h = fnv(h, d, len);
		free(d);
	}
	digest_acc += h; /* order-independent */
	return 0;
}

static uint64_t tree_digest(const char *root)
{
	digest_acc = 0;
	nftw(root, digest_one, 16, FTW_PHYS);
	return digest_acc;
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* ---- class 9: the configured directories ---- */

TEST(config_dir_whitelist)
{
	static const char *const bad[] = {
		"", "relative", "./x", "/a b", "/a;b", "/a$b", "/a:b", "/a'b", "/a\"b", "/a`b`",
		"/a|b", "/a&b", "/a\\b", "/a*b", "/a?b", "/a[b]", "/a!b", "/a#b", "/a~b", "/a(b)",
		"/a{b}", "/a<b", "/a>b", "/a=b", "/a@b", "/a,b", "/a%b", "/a\nb", "/a\rb", "/a\tb",
		"/a\x01", "/a\x7f", "/caf\xc3\xa9", "/a/../b", "/a/..", "/..", "/a/./b", "/.", "/a//b",
		"//a",
	};
	static const char *const good[] = {
		"/", "/home/vpopmail", "/home/vpopmail/", "/home/vpopmail//", "/var/qmail", "/a.b/c_d/e+f-g",
		"/A/Z/0/9", "/.hidden/x", "/x/...", "/x/..a", "/x/a..",
	};
	vp_error e;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = vp_config_dir_check("d", bad[i], &e);
		if (rc != VA_BAD_CONFIG)
			fprintf(stderr, "  bad #%zu accepted\n", i);
		CHECK_EQ_INT(rc, VA_BAD_CONFIG);
		CHECK(strstr(e.msg, ": d") != NULL);
	}
	char longer[1100];
	memset(longer, 'a', sizeof longer - 1);
	longer[0] = '/';
	longer[sizeof longer - 1] = '\0';
	CHECK_EQ_INT(vp_config_dir_check("d", longer, &e), VA_BAD_CONFIG);
	CHECK_EQ_INT(vp_config_dir_check("d", NULL, &e), VA_BAD_CONFIG);
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int rc = vp_config_dir_check("d", good[i], &e);
		if (rc != 0)
			fprintf(stderr, "  good %s refused: %s\n", good[i], e.msg);
		CHECK_EQ_INT(rc, 0);
	}
	/* vp_config_check holds both directories to it */
	vp_config cfg = { .vpopmail_dir = "/home/vpopmail", .qmail_dir = "/var/qmail", .uid = 89, .gid = 89 };
	CHECK_EQ_INT(vp_config_check(&cfg, &e), 0);
	cfg.vpopmail_dir = "/home/vp;id";
	CHECK_EQ_INT(vp_config_check(&cfg, &e), VA_BAD_CONFIG);
	CHECK(strstr(e.msg, "vpopmail_dir") != NULL);
	cfg.vpopmail_dir = "/home/vpopmail";
	cfg.qmail_dir = "/var/q mail";
	CHECK_EQ_INT(vp_config_check(&cfg, &e), VA_BAD_CONFIG);
	CHECK(strstr(e.msg, "qmail_dir") != NULL);
}

/*
 * The attack: a vpopmail home whose path holds ';' (or ' ', '$', ':') really
 * exists.  Every call refuses it and writes nothing, so no .qmail-default can
 * read "| /x/vp;id/bin/vdelivermail ..." and no assign line gets a stray ':'.
 */
TEST(config_dir_attack_writes_nothing)
{
	static const char *const names[] = { "vp;touch pwned", "vp$(id)", "vp:x", "vp x", "vp'x", "vp*" };
	sandbox s;
	sandbox_init(&s);
	OK(vp_add_domain_ex(&s.cfg, "example.com", "Secret123", NULL, NULL, 0, E));
	OK(vp_add_user(&s.cfg, "alice", "example.com", "alicepw", NULL, 0, E));
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char home[2048], p[4096];
		snprintf(home, sizeof home, "%s/%s", s.root, names[i]);
		CHECK(mkdir(home, 0755) == 0);
		snprintf(p, sizeof p, "%s/domains", home);
		CHECK(mkdir(p, 0755) == 0);
		vp_config bad = s.cfg, badq = s.cfg;
		bad.vpopmail_dir = home;
		badq.qmail_dir = home;
		uint64_t before = tree_digest(s.root);
		vp_error e;
		vp_batch *b = NULL;
		vp_domain_info d;
		CHECK(vp_domain_lookup(&s.cfg, "example.com", &d, &e) == 1);
		for (int k = 0; k < 2; k++) {
			const vp_config *c = k ? &badq : &bad;
			CHECK_EQ_INT(vp_add_domain(c, "new.test", NULL, 89, 89, &e), VA_BAD_CONFIG);
			CHECK_EQ_INT(vp_add_domain_ex(c, "new.test", "pw12345", NULL, NULL, 0, &e), VA_BAD_CONFIG);
			CHECK_EQ_INT(vp_add_user(c, "joe", "example.com", "pw12345", NULL, 0, &e), VA_BAD_CONFIG);
			CHECK_EQ_INT(vp_set_catchall(c, "example.com", "delete", &e), VA_BAD_CONFIG);
			CHECK_EQ_INT(vp_write_qmail_default(c, &d, "delete", &e), VA_BAD_CONFIG);
			CHECK_EQ_INT(vp_alias_add(c, "sales", "example.com", "alice@example.com", &e), VA_BAD_CONFIG);
			CHECK_EQ_INT(vp_batch_begin(c, "example.com", &b, &e), VA_BAD_CONFIG);
			CHECK(b == NULL);
			vp_batch_free(b);
			b = NULL;
			CHECK_EQ_INT(vp_del_domain(c, "example.com", &e), VA_BAD_CONFIG);
		}
		CHECK(tree_digest(s.root) == before);
		snprintf(p, sizeof p, "%s/domains/new.test", home);
		CHECK(!exists(p));
		snprintf(p, sizeof p, "%s/pwned", s.root);
		CHECK(!exists(p));
	}
	sandbox_free(&s);
}

int main(void)
{
	(void)compare_step;
	RUN(config_dir_whitelist);
	RUN(config_dir_attack_writes_nothing);
	return T_SUMMARY();
}
