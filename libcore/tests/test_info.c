/* test_info.c: the read side (vp_info.c): user info, listing and counting
 * users, listing domains, against the real 5.6/5.4 trees and synthetic
 * vpasswd files (sorted, unsorted, malformed, hashed dirs). */
#include "t.h"
#include "tree.h"

#include <errno.h>
#include <sys/time.h>

#include "vp_vpasswd.h"

#include "fixture.h"

/* Rewrite /home/vpopmail to the sandbox in a text file. */
static int map_paths(const sandbox *s, const char *path)
{
	size_t len, nl;
	char *data = slurp(path, &len);
	if (!data)
		return -1;
	char *mapped = replace_all(data, len, "/home/vpopmail", s->home, &nl);
	int rc = write_text(path, mapped);
	free(data);
	free(mapped);
	return rc;
}

/* A fixture step in a sandbox (fixture.h) whose every vpasswd(.cdb) points
 * into the sandbox too, so homes (lastauth) resolve. */
static int sandbox_with_homes(sandbox *s, const char *version, const char *step)
{
	char p[4096];
	vp_error e;
	int rc = sandbox_from_fixture(s, version, step);
	if (rc)
		return rc;
	snprintf(p, sizeof p, "%s/domains", s->home);
	DIR *d = opendir(p);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char vp[4500];
		snprintf(vp, sizeof vp, "%s/%s/vpasswd", p, de->d_name);
		if (access(vp, F_OK) != 0)
			continue;
		vp_domain_info dom;
		if (vp_domain_lookup(&s->cfg, de->d_name, &dom, &e) != 1 || map_paths(s, vp) != 0 ||
		    vp_vpw_update(&s->cfg, &dom, VP_VPW_REBUILD, NULL, NULL, 0, &e) != 0)
			rc = -1;
	}
	if (d)
		closedir(d);
	return rc;
}

/* A fresh domain t.test whose vpasswd is `text` (vpasswd.cdb built from it). */
static void domain_with_vpasswd(sandbox *s, const char *text, vp_domain_info *dom)
{
	char p[4096];
	vp_error e;
	sandbox_init(s);
	CHECK_EQ_INT(vp_add_domain(&s->cfg, "t.test", NULL, s->cfg.uid, s->cfg.gid, &e), 0);
	CHECK_EQ_INT(vp_domain_lookup(&s->cfg, "t.test", dom, &e), 1);
	snprintf(p, sizeof p, "%s/vpasswd", dom->dir);
	CHECK_EQ_INT(write_text(p, text), 0);
	CHECK_EQ_INT(vp_vpw_update(&s->cfg, dom, VP_VPW_REBUILD, NULL, NULL, 0, &e), 0);
}

typedef struct collect {
	char names[4096];
	int n;
	int stop_after;
	vp_user_entry last;
} collect;

static int collect_cb(void *ctx, const vp_user_entry *e)
{
	collect *c = ctx;
	if (c->n)
		strncat(c->names, " ", sizeof c->names - strlen(c->names) - 1);
	strncat(c->names, e->name, sizeof c->names - strlen(c->names) - 1);
	c->n++;
	c->last = *e;
	return c->stop_after && c->n >= c->stop_after;
}

static const char *list(sandbox *s, const char *domain, unsigned long off, unsigned long lim,
                        collect *c)
{
	vp_error e;
	memset(c, 0, sizeof *c);
	int rc = vp_list_users(&s->cfg, domain, off, lim, collect_cb, c, &e);
	if (rc) {
		fprintf(stderr, "    list_users: %d %s\n", rc, e.msg);
		return "(error)";
	}
	return c->names;
}

/* ---- quota ---- */

TEST(quota_parse_table)
{
	static const struct {
		const char *in;
		long long bytes, count;
		int rc;
	} t[] = {
		{ "NOQUOTA", -1, -1, 0 },
		{ "", -1, -1, 0 },
		{ "NOTHING", -1, -1, 0 },          /* vdelivermail: anything "NO..." */
		{ "20971520S", 20971520, -1, 0 },
		{ "50000000S", 50000000, -1, 0 },
		{ "1000C", -1, 1000, 0 },
		{ "10485760S,1000C", 10485760, 1000, 0 },
		{ "1000C,10485760S", 10485760, 1000, 0 },
		{ "50000000", 50000000, -1, 0 },   /* legacy forms */
		{ "50M", 52428800, -1, 0 },
		{ "50m", 52428800, -1, 0 },
		{ "50MB", 52428800, -1, 0 },
		{ "1024K", 1048576, -1, 0 },
		{ "1024KB", 1048576, -1, 0 },
		{ "2.5M", 2097152, -1, 0 },        /* strtoll stops at '.': as vdelivermail */
		{ "1G", 1, -1, 0 },                /* no G in format_maildirquota */
		{ "0S", -1, -1, 0 },
		{ "0S,0C", -1, -1, 0 },
		{ "5S,0C", 5, -1, 0 },
		{ "abc", -1, -1, -1 },
		{ "-1", -1, -1, -1 },
		{ "S", -1, -1, -1 },
		{ "99999999999999999999S", -1, -1, -1 },
		{ "9999999999999M", -1, -1, -1 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		long long b = 7, c = 7;
		int rc = vp_quota_parse(t[i].in, &b, &c);
		if (rc != t[i].rc || b != t[i].bytes || c != t[i].count)
			fprintf(stderr, "    \"%s\": rc %d bytes %lld count %lld\n", t[i].in, rc, b, c);
		CHECK_EQ_INT(rc, t[i].rc);
		CHECK_EQ_INT(b, t[i].bytes);
		CHECK_EQ_INT(c, t[i].count);
	}
	long long b, c;
	CHECK_EQ_INT(vp_quota_parse(NULL, &b, &c), 0);
	CHECK_EQ_INT(b, -1);
}

/* ---- user info ---- */

TEST(user_info_56_step15)
{
	sandbox s;
	vp_user_info ui;
	vp_error e;
	CHECK_EQ_INT(sandbox_with_homes(&s, "vpopmail-5.6", "15-moduser-bob-nopop"), 0);
	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "bob", "example.com", &ui, &e), 1);
	CHECK_EQ_STR(ui.e.name, "bob");
	CHECK_EQ_STR(ui.domain, "example.com");
	CHECK_EQ_STR(ui.e.gecos, "Bob Builder");
	CHECK_EQ_INT(ui.e.flags, VP_NO_POP);
	CHECK_EQ_INT(ui.e.uid_flag, 1);
	CHECK_EQ_STR(ui.e.quota, "20971520S");
	CHECK_EQ_INT(ui.quota_bytes, 20971520);
	CHECK_EQ_INT(ui.quota_count, -1);
	CHECK_EQ_STR(ui.scheme, "SHA-512");
	CHECK_EQ_INT(ui.e.has_clear, 0);
	CHECK_EQ_INT(ui.lastauth_state, 1);
	CHECK_EQ_STR(ui.lastauth_ip, "0.0.0.0");
	CHECK(ui.lastauth_time > 0);
	char want[4096];
	snprintf(want, sizeof want, "%s/domains/example.com/bob", s.home);
	CHECK_EQ_STR(ui.e.dir, want);

	/* through the alias domain, any case */
	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "BOB", "Alias.Example", &ui, &e), 1);
	CHECK_EQ_STR(ui.e.name, "bob");
	CHECK_EQ_STR(ui.domain, "example.com");

	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "postmaster", "second.test", &ui, &e), 1);
	CHECK_EQ_INT(ui.quota_bytes, 50000000);
	CHECK_EQ_STR(ui.e.gecos, "Postmaster");

	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "Nobody", "example.com", &ui, &e), 0);
	CHECK_EQ_INT(e.code, VA_USER_DOES_NOT_EXIST);
	CHECK(strstr(e.msg, "nobody@example.com") != NULL);
	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "bob", "nowhere.test", &ui, &e), VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "bob", "bad..domain", &ui, &e) < 0, 1);
	sandbox_free(&s);
}

TEST(user_info_54_md5_clear)
{
	sandbox s;
	vp_user_info ui;
	vp_error e;
	CHECK_EQ_INT(sandbox_with_homes(&s, "vpopmail-5.4", "24-adduser-uppercase-dotted"), 0);
	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "alice", "example.com", &ui, &e), 1);
	CHECK_EQ_STR(ui.scheme, "MD5");
	CHECK_EQ_INT(ui.e.has_clear, 1);
	CHECK_EQ_STR(ui.e.clear, "newpw");
	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "First.Last", "Example.COM", &ui, &e), 1);
	CHECK_EQ_STR(ui.e.name, "first.last");
	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "dave", "alias.example", &ui, &e), 1);
	CHECK_EQ_STR(ui.domain, "example.com");
	sandbox_free(&s);
}

TEST(schemes_and_lastauth)
{
	sandbox s;
	vp_domain_info dom;
	vp_user_info ui;
	vp_error e;
	char text[8192] = "", line[512], p[4096];
	static const struct { const char *name, *hash, *scheme; } h[] = {
		{ "a6", "$6$abcdefgh$0123456789", "SHA-512" },
		{ "a5", "$5$abcdefgh$0123456789", "SHA-256" },
		{ "a1", "$1$abcdefgh$0123456789", "MD5" },
		{ "b2a", "$2a$04$abcdefghijklmnopqrstuu", "bcrypt" },
		{ "b2b", "$2b$04$abcdefghijklmnopqrstuu", "bcrypt" },
		{ "b2y", "$2y$04$abcdefghijklmnopqrstuu", "bcrypt" },
		{ "y", "$y$j9T$abc$def", "yescrypt" },
		{ "des", "abJnggxhB/yWI", "DES" },
		{ "dove", "{SHA512-CRYPT}$6$abc$def", "{SHA512-CRYPT}" },
		{ "empty", "", "" },
		{ "locked", "!$6$abc$def", "unknown" },
		{ "star", "*", "unknown" },
	};
	sandbox_init(&s);
	CHECK_EQ_INT(vp_add_domain(&s.cfg, "t.test", NULL, s.cfg.uid, s.cfg.gid, &e), 0);
	CHECK_EQ_INT(vp_domain_lookup(&s.cfg, "t.test", &dom, &e), 1);
	for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) {
		snprintf(line, sizeof line, "%s:%s:1:0:%s:%s/%s:NOQUOTA\n", h[i].name, h[i].hash,
		         h[i].name, dom.dir, h[i].name);
		strcat(text, line);
	}
	snprintf(p, sizeof p, "%s/vpasswd", dom.dir);
	CHECK_EQ_INT(write_text(p, text), 0);
	OK(vp_vpw_update(&s.cfg, &dom, VP_VPW_REBUILD, NULL, NULL, 0, E));
	for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) {
		CHECK_EQ_INT(vp_user_info_get(&s.cfg, h[i].name, "t.test", &ui, &e), 1);
		CHECK_EQ_STR(ui.scheme, h[i].scheme);
	}

	/* lastauth: missing (0), created (1), logged in (2), symlink and fifo ignored */
	char home[4096], la[4200];
	snprintf(home, sizeof home, "%s/a6", dom.dir);
	snprintf(la, sizeof la, "%s/lastauth", home);
	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "a6", "t.test", &ui, &e), 1);
	CHECK_EQ_INT(ui.lastauth_state, 0);
	CHECK_EQ_STR(ui.lastauth_ip, "");
	mkdir(home, 0700);
	CHECK_EQ_INT(write_text(la, "0.0.0.0"), 0);
	struct timeval tv[2] = { { 1700000000, 0 }, { 1700000000, 0 } };
	CHECK_EQ_INT(utimes(la, tv), 0);
	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "a6", "t.test", &ui, &e), 1);
	CHECK_EQ_INT(ui.lastauth_state, 1);
	CHECK_EQ_INT(ui.lastauth_time, 1700000000);
	CHECK_EQ_INT(write_text(la, "192.0.2.7"), 0);
	tv[0].tv_sec = tv[1].tv_sec = 1710000000;
	CHECK_EQ_INT(utimes(la, tv), 0);
	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "a6", "t.test", &ui, &e), 1);
	CHECK_EQ_INT(ui.lastauth_state, 2);
	CHECK_EQ_STR(ui.lastauth_ip, "192.0.2.7");
	CHECK_EQ_INT(ui.lastauth_time, 1710000000);
	CHECK_EQ_INT(write_text(la, "2001:db8::1\n"), 0);
	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "a6", "t.test", &ui, &e), 1);
	CHECK_EQ_STR(ui.lastauth_ip, "2001:db8::1");
	unlink(la);
	CHECK_EQ_INT(symlink("/etc/hostname", la), 0);
	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "a6", "t.test", &ui, &e), 1);
	CHECK_EQ_INT(ui.lastauth_state, 0);
	unlink(la);
	CHECK_EQ_INT(mkfifo(la, 0600), 0);
	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "a6", "t.test", &ui, &e), 1);
	CHECK_EQ_INT(ui.lastauth_state, 0);
	sandbox_free(&s);
}

/* ---- listing and counting ---- */

static char *gen_vpasswd(const char *dir, int n, int shuffled, int junk)
{
	size_t cap = (size_t)n * 200 + 4096, len = 0;
	char *t = malloc(cap);
	t[0] = '\0';
	for (int k = 0; k < n; k++) {
		/* a permutation of 0..n-1 when shuffled (n prime to 7919) */
		int i = shuffled ? (int)(((long)k * 7919) % n) : k;
		len += (size_t)snprintf(t + len, cap - len, "u%04d:$6$x$y:1:%d:User %d:%s/u%04d:NOQUOTA\n", i,
		                        i % 3, i, dir, i);
		if (junk && k % 50 == 10)
			len += (size_t)snprintf(t + len, cap - len, "\n:nameless:1:0\nno colon here\n");
	}
	return t;
}

TEST(list_sorted_paging)
{
	sandbox s;
	vp_domain_info dom;
	collect c;
	vp_error e;
	char *text = gen_vpasswd("/nowhere", 250, 0, 1);
	domain_with_vpasswd(&s, text, &dom);
	free(text);

	CHECK_EQ_STR(list(&s, "t.test", 0, 3, &c), "u0000 u0001 u0002");
	CHECK_EQ_STR(list(&s, "T.Test", 100, 2, &c), "u0100 u0101");
	CHECK_EQ_INT(c.last.flags, 101 % 3);
	CHECK_EQ_STR(c.last.gecos, "User 101");
	CHECK_EQ_STR(c.last.quota, "NOQUOTA");
	CHECK_EQ_STR(list(&s, "t.test", 247, 10, &c), "u0247 u0248 u0249");
	CHECK_EQ_STR(list(&s, "t.test", 249, 0, &c), "u0249");
	CHECK_EQ_STR(list(&s, "t.test", 250, 10, &c), "");
	CHECK_EQ_STR(list(&s, "t.test", 100000, 0, &c), "");
	list(&s, "t.test", 0, 0, &c);
	CHECK_EQ_INT(c.n, 250);
	list(&s, "t.test", 10, 0, &c);
	CHECK_EQ_INT(c.n, 240);
	/* the callback stops early */
	memset(&c, 0, sizeof c);
	c.stop_after = 4;
	OK(vp_list_users(&s.cfg, "t.test", 5, 0, collect_cb, &c, E));
	CHECK_EQ_STR(c.names, "u0005 u0006 u0007 u0008");

	unsigned long n = 0;
	OK(vp_count_users(&s.cfg, "t.test", &n, E));
	CHECK_EQ_INT(n, 250);
	CHECK_EQ_INT(vp_list_users(&s.cfg, "none.test", 0, 0, collect_cb, &c, &e), VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_count_users(&s.cfg, "none.test", &n, &e), VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_list_users(&s.cfg, "t.test", 0, 0, NULL, &c, &e), VA_NULL_POINTER);
	sandbox_free(&s);
}

TEST(list_unsorted_falls_back)
{
	sandbox s;
	vp_domain_info dom;
	collect c;
	char *text = gen_vpasswd("/nowhere", 250, 1, 1);
	domain_with_vpasswd(&s, text, &dom);
	free(text);
	CHECK_EQ_STR(list(&s, "t.test", 0, 3, &c), "u0000 u0001 u0002");
	CHECK_EQ_STR(list(&s, "t.test", 100, 2, &c), "u0100 u0101");
	CHECK_EQ_STR(c.last.gecos, "User 101");
	CHECK_EQ_STR(list(&s, "t.test", 247, 10, &c), "u0247 u0248 u0249");
	CHECK_EQ_STR(list(&s, "t.test", 250, 10, &c), "");
	list(&s, "t.test", 0, 0, &c);
	CHECK_EQ_INT(c.n, 250);

	/* a small hand-edited file: one pair swapped, a duplicate, a last line without '\n' */
	char p[4096];
	snprintf(p, sizeof p, "%s/vpasswd", dom.dir);
	CHECK_EQ_INT(write_text(p, "b:x:1:0:B:/b:NOQUOTA\na:x:1:0:A:/a:NOQUOTA\nc:x:1:0:C1:/c:NOQUOTA\n"
	                           "c:x:1:0:C2:/c:NOQUOTA\nd:x:1:0:D:/d:NOQUOTA"), 0);
	CHECK_EQ_STR(list(&s, "t.test", 0, 0, &c), "a b c c d");
	CHECK_EQ_STR(list(&s, "t.test", 2, 1, &c), "c");
	CHECK_EQ_STR(c.last.gecos, "C1");
	CHECK_EQ_STR(list(&s, "t.test", 3, 5, &c), "c d");
	/* sorted, no final newline */
	CHECK_EQ_INT(write_text(p, "a:x:1:0:A:/a:NOQUOTA\nb:x:1:0:B:/b:NOQUOTA"), 0);
	CHECK_EQ_STR(list(&s, "t.test", 1, 0, &c), "b");
	CHECK_EQ_STR(c.last.quota, "NOQUOTA");
	/* strcmp order: uppercase before lowercase, "a" before "a.b" before "ab" */
	CHECK_EQ_INT(write_text(p, "ab:x:1:0::/x:\na.b:x:1:0::/x:\nZ:x:1:0::/x:\na:x:1:0::/x:\n"), 0);
	CHECK_EQ_STR(list(&s, "t.test", 0, 0, &c), "Z a a.b ab");
	sandbox_free(&s);
}

TEST(list_skips_malformed)
{
	sandbox s;
	vp_domain_info dom;
	collect c;
	char big[6000], p[4096];
	memset(big, 'g', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	domain_with_vpasswd(&s, "a:x:1:0:A:/a:NOQUOTA\n", &dom);
	snprintf(p, sizeof p, "%s/vpasswd", dom.dir);
	char *t = malloc(20000);
	snprintf(t, 20000,
	         "a:x:1:0:A:/a:NOQUOTA\n"
	         "\n"
	         ":x:1:0:noname:/x:NOQUOTA\n"
	         "nocolon\n"
	         "b:x:1:0:%.*s:/b:NOQUOTA\n"            /* gecos too long for the entry */
	         "c:%s\n"                               /* line past 4096 bytes */
	         "d:x:1:0:D:/d:NOQUOTA\n"
	         "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee:x:1:0::/e:\n"
	         "f:x\n",                               /* short: missing fields are empty */
	         100, big, big);
	CHECK_EQ_INT(write_text(p, t), 0);
	free(t);
	CHECK_EQ_STR(list(&s, "t.test", 0, 0, &c), "a d f");
	CHECK_EQ_STR(c.last.dir, "");
	CHECK_EQ_STR(list(&s, "t.test", 1, 1, &c), "d");
	/* counting without a cdb counts the same lines */
	snprintf(p, sizeof p, "%s/vpasswd.cdb", dom.dir);
	unlink(p);
	unsigned long n = 9;
	OK(vp_count_users(&s.cfg, "t.test", &n, E));
	CHECK_EQ_INT(n, 3);
	sandbox_free(&s);
}

TEST(count_from_cdb_header)
{
	sandbox s;
	vp_domain_info dom;
	char *text = gen_vpasswd("/nowhere", 1009, 0, 0);
	domain_with_vpasswd(&s, text, &dom);
	free(text);
	unsigned long n = 0;
	OK(vp_count_users(&s.cfg, "t.test", &n, E));
	CHECK_EQ_INT(n, 1009);
	/* the cdb is what counts: a vpasswd line added by hand is not seen until a rebuild */
	char p[4096], c[4096];
	snprintf(p, sizeof p, "%s/vpasswd", dom.dir);
	snprintf(c, sizeof c, "%s/vpasswd.cdb", dom.dir);
	int fd = open(p, O_WRONLY | O_APPEND);
	CHECK(write(fd, "zz:x:1:0::/zz:\n", 15) == 15);
	close(fd);
	OK(vp_count_users(&s.cfg, "t.test", &n, E));
	CHECK_EQ_INT(n, 1009);
	/* missing cdb: lines */
	unlink(c);
	OK(vp_count_users(&s.cfg, "t.test", &n, E));
	CHECK_EQ_INT(n, 1010);
	/* a cdb whose header does not add up: lines */
	CHECK_EQ_INT(write_text(c, "garbage"), 0);
	OK(vp_count_users(&s.cfg, "t.test", &n, E));
	CHECK_EQ_INT(n, 1010);
	/* an empty domain: no vpasswd, no cdb */
	unlink(c);
	unlink(p);
	OK(vp_count_users(&s.cfg, "t.test", &n, E));
	CHECK_EQ_INT(n, 0);
	collect col;
	CHECK_EQ_STR(list(&s, "t.test", 0, 0, &col), "");
	/* an empty cdb (built from an empty vpasswd) */
	CHECK_EQ_INT(write_text(p, ""), 0);
	OK(vp_vpw_update(&s.cfg, &dom, VP_VPW_REBUILD, NULL, NULL, 0, E));
	n = 5;
	OK(vp_count_users(&s.cfg, "t.test", &n, E));
	CHECK_EQ_INT(n, 0);
	sandbox_free(&s);
}

TEST(count_agrees_with_fixture_cdbs)
{
	/* The real tools' vpasswd.cdb files (as committed: qmail-era cdbmake layout). */
	static const struct { const char *ver, *step, *dom; unsigned long users; } t[] = {
		{ "vpopmail-5.6", "15-moduser-bob-nopop", "example.com", 3 },
		{ "vpopmail-5.6", "24-adduser-uppercase-dotted", "example.com", 5 },
		{ "vpopmail-5.4", "24-adduser-uppercase-dotted", "example.com", 5 },
		{ "vpopmail-5.6", "extra-bigdir/04-adduser-u101-102nd-user", "big.test", 102 },
		{ "vpopmail-5.6", "extra-bigdir/05-deluser-u100", "big.test", 101 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char p[4096];
		unsigned long n = 0;
		snprintf(p, sizeof p, "%s/%s/%s/vpopmail/domains/%s/vpasswd.cdb", fixtures_dir(), t[i].ver,
		         t[i].step, t[i].dom);
		int fd = open(p, O_RDONLY);
		CHECK(fd >= 0);
		/* through the public call on a sandbox copy */
		sandbox s;
		vp_error e;
		CHECK_EQ_INT(sandbox_with_homes(&s, t[i].ver, t[i].step), 0);
		CHECK_EQ_INT(vp_count_users(&s.cfg, t[i].dom, &n, &e), 0);
		CHECK_EQ_INT(n, t[i].users);
		/* the untouched fixture cdb too */
		snprintf(p, sizeof p, "%s/domains/%s/vpasswd.cdb", s.home, t[i].dom);
		unlink(p);
		char src[4096];
		snprintf(src, sizeof src, "%s/%s/%s/vpopmail/domains/%s/vpasswd.cdb", fixtures_dir(),
		         t[i].ver, t[i].step, t[i].dom);
		size_t len;
		char *data = slurp(src, &len);
		int out = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		CHECK(data && out >= 0 && write(out, data, len) == (ssize_t)len);
		close(out);
		free(data);
		snprintf(p, sizeof p, "%s/domains/%s/vpasswd", s.home, t[i].dom);
		unlink(p); /* so only the cdb can give the answer */
		CHECK_EQ_INT(vp_count_users(&s.cfg, t[i].dom, &n, &e), 0);
		CHECK_EQ_INT(n, t[i].users);
		if (fd >= 0)
			close(fd);
		sandbox_free(&s);
	}
}

TEST(list_hashed_dirs_bigdir)
{
	sandbox s;
	collect c;
	vp_error e;
	CHECK_EQ_INT(sandbox_with_homes(&s, "vpopmail-5.6", "extra-bigdir/04-adduser-u101-102nd-user"), 0);
	list(&s, "big.test", 0, 0, &c);
	CHECK_EQ_INT(c.n, 102);
	/* strcmp order: u100 and u101 sort between u10 and u11 */
	CHECK(strstr(c.names, "u10 u100 u101 u11") != NULL);
	CHECK_EQ_STR(list(&s, "big.test", 0, 3, &c), "postmaster u01 u02");
	CHECK_EQ_STR(list(&s, "big.test", 10, 3, &c), "u10 u100 u101");
	CHECK_EQ_STR(list(&s, "big.test", 100, 5, &c), "u98 u99");
	list(&s, "big.test", 0, 0, &c);
	CHECK(strstr(c.names, "u10 u100 u101 u11") != NULL);
	vp_user_info ui;
	CHECK_EQ_INT(vp_user_info_get(&s.cfg, "u100", "big.test", &ui, &e), 1);
	char want[4096];
	snprintf(want, sizeof want, "%s/domains/big.test/0/u100", s.home);
	CHECK_EQ_STR(ui.e.dir, want);
	CHECK_EQ_INT(ui.lastauth_state, 1);
	unsigned long n;
	OK(vp_count_users(&s.cfg, "big.test", &n, E));
	CHECK_EQ_INT(n, 102);
	sandbox_free(&s);
}

/* ---- domains ---- */

typedef struct dcollect {
	char text[4096];
	int n;
} dcollect;

static int dom_cb(void *ctx, const vp_domain_info *d, unsigned long users)
{
	dcollect *c = ctx;
	char line[512];
	snprintf(line, sizeof line, "%s%s%s:%lu:%d:%d:%s%s", c->n ? " " : "", d->name,
	         d->is_alias ? "->" : "", users, (int)d->uid, (int)d->gid,
	         d->is_alias ? d->realdomain : "", strrchr(d->dir, '/'));
	strncat(c->text, line, sizeof c->text - strlen(c->text) - 1);
	c->n++;
	return 0;
}

TEST(domains_with_aliases)
{
	sandbox s;
	dcollect c;
	vp_error e;
	vp_domain_info d;
	unsigned long users;
	CHECK_EQ_INT(sandbox_with_homes(&s, "vpopmail-5.6", "15-moduser-bob-nopop"), 0);
	memset(&c, 0, sizeof c);
	OK(vp_list_domains(&s.cfg, dom_cb, &c, E));
	CHECK_EQ_STR(c.text, "alias.example->:3:89:89:example.com/example.com "
	                     "bounce.test:1:89:89:/bounce.test example.com:3:89:89:/example.com "
	                     "second.test:1:89:89:/second.test");
	CHECK_EQ_INT(vp_domain_info_get(&s.cfg, "Alias.Example", &d, &users, &e), 1);
	CHECK_EQ_STR(d.name, "alias.example");
	CHECK_EQ_STR(d.realdomain, "example.com");
	CHECK_EQ_INT(d.is_alias, 1);
	CHECK_EQ_INT(users, 3);
	CHECK_EQ_INT(vp_domain_info_get(&s.cfg, "bounce.test", &d, &users, &e), 1);
	CHECK_EQ_INT(d.is_alias, 0);
	CHECK_EQ_INT(users, 1);
	CHECK_EQ_INT(vp_domain_info_get(&s.cfg, "nowhere.test", &d, &users, &e), 0);
	CHECK(vp_domain_info_get(&s.cfg, "bad domain", &d, &users, &e) < 0);
	/* the aliases of a domain, as vdominfo prints them */
	char **names;
	size_t n;
	OK(vp_assign_names_for(&s.cfg, "example.com", &names, &n, E));
	CHECK_EQ_INT(n, 2);
	if (n == 2) {
		CHECK_EQ_STR(names[0], "example.com");
		CHECK_EQ_STR(names[1], "alias.example");
	}
	vp_free_names(names, n);
	sandbox_free(&s);

	/* no users/assign at all (fresh install): no domains, no error */
	sandbox_init(&s);
	memset(&c, 0, sizeof c);
	OK(vp_list_domains(&s.cfg, dom_cb, &c, E));
	CHECK_EQ_INT(c.n, 0);
	sandbox_free(&s);
}

TEST(domains_many_sorted_by_name)
{
	sandbox s;
	dcollect c;
	CHECK_EQ_INT(sandbox_with_homes(&s, "vpopmail-5.6", "extra-morercpthosts/03-adddomain-d52-52nd-domain"), 0);
	memset(&c, 0, sizeof c);
	OK(vp_list_domains(&s.cfg, dom_cb, &c, E));
	CHECK_EQ_INT(c.n, 52);
	CHECK(strncmp(c.text, "d01.test:", 9) == 0);
	CHECK(strstr(c.text, " d52.test:") != NULL);
	sandbox_free(&s);
}

int main(void)
{
	(void)compare_step;
	RUN(quota_parse_table);
	RUN(user_info_56_step15);
	RUN(user_info_54_md5_clear);
	RUN(schemes_and_lastauth);
	RUN(list_sorted_paging);
	RUN(list_unsorted_falls_back);
	RUN(list_skips_malformed);
	RUN(count_from_cdb_header);
	RUN(count_agrees_with_fixture_cdbs);
	RUN(list_hashed_dirs_bigdir);
	RUN(domains_with_aliases);
	RUN(domains_many_sorted_by_name);
	return T_SUMMARY();
}
