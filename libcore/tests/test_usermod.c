/* test_usermod.c: vmoduser (flags, gecos), the catch-all, quota usage from
 * maildirsize, and service-aware authentication with lastauth; checked
 * against trees written by the real vpopmail 5.6.13 and 5.4.33 tools. */
#include "t.h"
#include "tree.h"

#include <errno.h>
#include <sys/time.h>

#include "vp_quota.h"
#include "vp_vpasswd.h"

#include "fixture.h"

/* The fixture's vpasswd of a domain with its homes moved into the sandbox
 * (and vpasswd.cdb rebuilt), for tests that touch the homes. */
static int map_homes(sandbox *s, const char *domain)
{
	char dd[2048], p[4096];
	size_t len, nl;
	vp_error e;
	domain_dir(dd, sizeof dd, s, domain);
	snprintf(p, sizeof p, "%s/vpasswd", dd);
	char *text = slurp(p, &len);
	if (!text)
		return -1;
	char *mapped = replace_all(text, len, "/home/vpopmail", s->home, &nl);
	free(text);
	int rc = write_text(p, mapped);
	free(mapped);
	vp_domain_info d;
	if (rc == 0 && vp_domain_lookup(&s->cfg, domain, &d, &e) == 1)
		rc = vp_vpw_update(&s->cfg, &d, VP_VPW_REBUILD, NULL, NULL, 0, &e);
	return rc;
}

/* Two files hold the same bytes. */
static int same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *da = slurp(a, &la), *db = slurp(b, &lb);
	int ok = da && db && la == lb && memcmp(da, db, la) == 0;
	if (!ok)
		fprintf(stderr, "    %s differs from %s\n", a, b);
	free(da);
	free(db);
	return ok;
}

static void fixture_file(char *dst, size_t size, const char *version, const char *step,
                         const char *rel)
{
	snprintf(dst, size, "%s/%s/%s/vpopmail/domains/%s", fixtures_dir(), version, step, rel);
}

/* ---- flags ---- */

TEST(flags_like_vmoduser)
{
	sandbox s;
	char dd[2048], p[4096], fx[4096], f[64];
	vp_error e;
	unsigned long fl = 99;
	for (int v = 0; v < 2; v++) {
		const char *ver = v ? "vpopmail-5.4" : "vpopmail-5.6";
		CHECK_EQ_INT(sandbox_from_fixture(&s, ver, "14-passwd-alice"), 0);
		const vp_config *c = &s.cfg;
		domain_dir(dd, sizeof dd, &s, "example.com");
		OK(vp_get_user_flags(c, "bob", "example.com", &fl, E));
		CHECK_EQ_INT(fl, 0);
		/* step 15: vmoduser -p bob@example.com */
		OK(vp_set_user_flags(c, "bob", "example.com", VP_FLAGS_ADD, VP_NO_POP, &fl, E));
		CHECK_EQ_INT(fl, VP_NO_POP);
		snprintf(p, sizeof p, "%s/vpasswd", dd);
		fixture_file(fx, sizeof fx, ver, "15-moduser-bob-nopop", "example.com/vpasswd");
		CHECK(same_file(p, fx)); /* byte for byte, hashes and (5.4) clear text included */
		snprintf(p, sizeof p, "%s/vpasswd.cdb", dd);
		fixture_file(fx, sizeof fx, ver, "15-moduser-bob-nopop", "example.com/vpasswd.cdb");
		CHECK(same_file(p, fx));
		CHECK(cdb_matches_vpasswd(dd));
		CHECK_EQ_INT(mode_of(p), 0600);
		OK(vp_get_user_flags(c, "BOB", "alias.example", &fl, E));
		CHECK_EQ_INT(fl, VP_NO_POP);
		sandbox_free(&s);
	}

	/* step 27: vmoduser -x bob@example.com clears every flag */
	CHECK_EQ_INT(sandbox_from_fixture(&s, "vpopmail-5.6", "26-valias-delete-sales"), 0);
	const vp_config *c = &s.cfg;
	domain_dir(dd, sizeof dd, &s, "example.com");
	OK(vp_get_user_flags(c, "bob", "example.com", &fl, E));
	CHECK_EQ_INT(fl, VP_NO_POP);
	OK(vp_set_user_flags(c, "bob", "example.com", VP_FLAGS_REPLACE, 0, &fl, E));
	CHECK_EQ_INT(fl, 0);
	snprintf(p, sizeof p, "%s/vpasswd", dd);
	fixture_file(fx, sizeof fx, "vpopmail-5.6", "27-moduser-bob-clearflags", "example.com/vpasswd");
	CHECK(same_file(p, fx));
	snprintf(p, sizeof p, "%s/vpasswd.cdb", dd);
	fixture_file(fx, sizeof fx, "vpopmail-5.6", "27-moduser-bob-clearflags", "example.com/vpasswd.cdb");
	CHECK(same_file(p, fx));

	/* add / remove / replace */
	OK(vp_set_user_flags(c, "bob", "example.com", VP_FLAGS_ADD, VP_NO_IMAP | VP_QA_ADMIN, &fl, E));
	CHECK_EQ_INT(fl, VP_NO_IMAP | VP_QA_ADMIN);
	OK(vp_set_user_flags(c, "bob", "example.com", VP_FLAGS_ADD, VP_NO_POP, &fl, E));
	CHECK_EQ_INT(fl, 4106);
	char *l = vpasswd_line(dd, "bob");
	CHECK(l && strcmp(field(l, 3, f, sizeof f), "4106") == 0);
	free(l);
	OK(vp_set_user_flags(c, "bob", "example.com", VP_FLAGS_REMOVE, VP_NO_IMAP | VP_NO_SMTP, &fl, E));
	CHECK_EQ_INT(fl, VP_QA_ADMIN | VP_NO_POP);
	OK(vp_set_user_flags(c, "bob", "example.com", VP_FLAGS_REPLACE, VP_FLAGS_KNOWN, &fl, E));
	CHECK_EQ_INT(fl, VP_FLAGS_KNOWN);
	OK(vp_get_user_flags(c, "bob", "example.com", &fl, E));
	CHECK_EQ_INT(fl, 0x7FFFF);
	OK(vp_set_user_flags(c, "bob", "example.com", VP_FLAGS_REPLACE, 0, NULL, E));

	/* refusals leave vpasswd as it was */
	char *before = slurp(p, NULL);
	snprintf(p, sizeof p, "%s/vpasswd", dd);
	free(before);
	before = slurp(p, NULL);
	CHECK_EQ_INT(vp_set_user_flags(c, "bob", "example.com", VP_FLAGS_ADD, 0x80000, &fl, &e), VA_PARSE_ERROR);
	CHECK_EQ_INT(vp_set_user_flags(c, "bob", "example.com", VP_FLAGS_REPLACE, ~0UL, &fl, &e), VA_PARSE_ERROR);
	CHECK_EQ_INT(vp_set_user_flags(c, "bob", "example.com", (enum vp_flags_mode)7, 1, &fl, &e), VA_PARSE_ERROR);
	CHECK_EQ_INT(vp_set_user_flags(c, "nobody", "example.com", VP_FLAGS_ADD, 1, &fl, &e), VA_USER_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_set_user_flags(c, "bob", "nowhere.test", VP_FLAGS_ADD, 1, &fl, &e), VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_set_user_flags(c, "../bob", "example.com", VP_FLAGS_ADD, 1, &fl, &e), VA_ILLEGAL_USERNAME);
	CHECK_EQ_INT(vp_set_user_flags(c, NULL, "example.com", VP_FLAGS_ADD, 1, &fl, &e), VA_NULL_POINTER);
	CHECK_EQ_INT(vp_get_user_flags(c, "nobody", "example.com", &fl, &e), VA_USER_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_get_user_flags(c, "bob", "nowhere.test", &fl, &e), VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_get_user_flags(c, "bob", "example.com", NULL, &e), VA_NULL_POINTER);
	CHECK(before && file_is(p, before));
	free(before);
	CHECK(cdb_matches_vpasswd(dd));
	sandbox_free(&s);
}

/* ---- gecos ---- */

TEST(gecos)
{
	sandbox s;
	char dd[2048], p[4096], f[256];
	vp_error e;
	CHECK_EQ_INT(sandbox_from_fixture(&s, "vpopmail-5.4", "14-passwd-alice"), 0);
	const vp_config *c = &s.cfg;
	domain_dir(dd, sizeof dd, &s, "example.com");
	char *old = vpasswd_line(dd, "bob");
	OK(vp_set_user_gecos(c, "bob", "example.com", "Robert B. Builder, Esq.", E));
	char *l = vpasswd_line(dd, "bob");
	CHECK(l && strcmp(field(l, 4, f, sizeof f), "Robert B. Builder, Esq.") == 0);
	/* every other field as it was, the 5.4 clear-text one included */
	for (int i = 0; i < 8; i++) {
		char a[256], b[256];
		if (i != 4 && l && old)
			CHECK_EQ_STR(field(l, i, a, sizeof a), field(old, i, b, sizeof b));
	}
	free(l);
	free(old);
	OK(vp_set_user_gecos(c, "bob", "alias.example", "", E));
	l = vpasswd_line(dd, "bob");
	CHECK(l && strcmp(field(l, 4, f, sizeof f), "bob") == 0);
	free(l);
	char g64[65];
	memset(g64, 'g', 64);
	g64[64] = '\0';
	OK(vp_set_user_gecos(c, "bob", "example.com", g64, E));
	OK(vp_set_user_gecos(c, "bob", "example.com", "Zo\xc3\xab \xc3\x89lise", E)); /* UTF-8 is fine */
	snprintf(p, sizeof p, "%s/vpasswd", dd);
	char *before = slurp(p, NULL);
	char g65[66];
	memset(g65, 'g', 65);
	g65[65] = '\0';
	CHECK_EQ_INT(vp_set_user_gecos(c, "bob", "example.com", g65, &e), VA_GECOS_TOO_LONG);
	CHECK_EQ_INT(vp_set_user_gecos(c, "bob", "example.com", "a:b", &e), VA_BAD_CHAR);
	CHECK_EQ_INT(vp_set_user_gecos(c, "bob", "example.com", "a\nevil::0:0::/:", &e), VA_BAD_CHAR);
	CHECK_EQ_INT(vp_set_user_gecos(c, "bob", "example.com", "a\rb", &e), VA_BAD_CHAR);
	CHECK_EQ_INT(vp_set_user_gecos(c, "bob", "example.com", "a\tb", &e), VA_BAD_CHAR);
	CHECK_EQ_INT(vp_set_user_gecos(c, "bob", "example.com", "a\x7f", &e), VA_BAD_CHAR);
	CHECK_EQ_INT(vp_set_user_gecos(c, "bob", "example.com", NULL, &e), VA_NULL_POINTER);
	CHECK_EQ_INT(vp_set_user_gecos(c, "nobody", "example.com", "x", &e), VA_USER_DOES_NOT_EXIST);
	CHECK(before && file_is(p, before));
	free(before);
	CHECK(cdb_matches_vpasswd(dd));
	vp_user_entry u;
	CHECK_EQ_INT(vp_get_user(c, "bob", "example.com", &u, NULL, &e), 1);
	CHECK_EQ_STR(u.gecos, "Zo\xc3\xab \xc3\x89lise");
	sandbox_free(&s);
}

/* ---- catch-all ---- */

static void qd_line(char *dst, size_t size, const sandbox *s, const char *action)
{
	snprintf(dst, size, "| %s/bin/vdelivermail '' %s\n", s->home, action);
}

TEST(catchall_round_trips)
{
	sandbox s;
	char dd[2048], p[4096], want[4096], home[4096];
	vp_error e;
	vp_catchall ca;
	sandbox_init(&s);
	s.cfg.uid = 89;
	s.cfg.gid = 89;
	const vp_config *c = &s.cfg;
	OK(vp_add_domain_ex(c, "example.com", "Secret123", NULL, NULL, 0, E));
	OK(vp_add_alias_domain(c, "alias.example", "example.com", E));
	OK(vp_add_user(c, "alice", "example.com", "alicepw", "", 0, E));
	domain_dir(dd, sizeof dd, &s, "example.com");
	snprintf(p, sizeof p, "%s/.qmail-default", dd);

	OK(vp_get_catchall(c, "example.com", &ca, E));
	CHECK_EQ_INT(ca.kind, VP_CATCHALL_DELETE);
	CHECK_EQ_STR(ca.target, "");
	qd_line(want, sizeof want, &s, "delete");
	want[strlen(want) - 1] = '\0';
	CHECK_EQ_STR(ca.line, want);

	OK(vp_set_catchall(c, "example.com", "bounce-no-mailbox", E));
	qd_line(want, sizeof want, &s, "bounce-no-mailbox");
	CHECK(file_is(p, want));
	CHECK_EQ_INT(mode_of(p), 0600);
	OK(vp_get_catchall(c, "Alias.Example", &ca, E));
	CHECK_EQ_INT(ca.kind, VP_CATCHALL_BOUNCE);

	OK(vp_set_catchall(c, "alias.example", "Catch.All+x@Other.Test", E));
	qd_line(want, sizeof want, &s, "Catch.All+x@Other.Test");
	CHECK(file_is(p, want));
	OK(vp_get_catchall(c, "example.com", &ca, E));
	CHECK_EQ_INT(ca.kind, VP_CATCHALL_FORWARD);
	CHECK_EQ_STR(ca.target, "Catch.All+x@Other.Test");

	OK(vp_set_catchall(c, "example.com", "ALICE", E));
	snprintf(home, sizeof home, "%s/alice", dd);
	qd_line(want, sizeof want, &s, home);
	CHECK(file_is(p, want));
	OK(vp_get_catchall(c, "example.com", &ca, E));
	CHECK_EQ_INT(ca.kind, VP_CATCHALL_MAILBOX);
	CHECK_EQ_STR(ca.target, "alice");
	/* vdeluser's catch-all protection sees it */
	CHECK_EQ_INT(vp_del_user(c, "alice", "example.com", &e), VA_CANNOT_DELETE_CATCHALL);

	OK(vp_set_catchall(c, "example.com", "delete", E));
	qd_line(want, sizeof want, &s, "delete");
	CHECK(file_is(p, want));

	/* hostile or malformed actions: refused, the file untouched */
	static const struct { const char *a; int rc; } bad[] = {
		{ "", VA_BAD_CHAR },
		{ "a b@x.com", VA_BAD_CHAR },
		{ "x@y.com;reboot", VA_INVALID_EMAIL_CHAR },
		{ "x@y.com|sh", VA_INVALID_EMAIL_CHAR },
		{ "x@y.com&&id", VA_INVALID_EMAIL_CHAR },
		{ "`id`@x.com", VA_INVALID_EMAIL_CHAR },
		{ "$(id)@x.com", VA_INVALID_EMAIL_CHAR },
		{ "${IFS}@x.com", VA_INVALID_EMAIL_CHAR },
		{ "'x'@y.com", VA_INVALID_EMAIL_CHAR },
		{ "\"x\"@y.com", VA_INVALID_EMAIL_CHAR },
		{ "x\\@y.com", VA_INVALID_EMAIL_CHAR },
		{ "x*@y.com", VA_INVALID_EMAIL_CHAR },
		{ "x@y.com>/tmp/f", VA_INVALID_EMAIL_CHAR },
		{ "x@y.com\n| /bin/sh", VA_BAD_CHAR },
		{ "x@y.com\t", VA_BAD_CHAR },
		{ "delete\n", VA_BAD_CHAR },
		{ "x@@y.com", VA_INVALID_EMAIL_CHAR },
		{ "-x@y.com", VA_INVALID_EMAIL_CHAR },
		{ ".x@y.com", VA_INVALID_EMAIL_CHAR },
		{ "x@", VA_INVALID_EMAIL_CHAR },
		{ "@y.com", VA_INVALID_EMAIL_CHAR },
		{ "x@y", VA_INVALID_EMAIL_CHAR },
		{ "x@-y.com", VA_INVALID_EMAIL_CHAR },
		{ "x/y@z.com", VA_INVALID_EMAIL_CHAR },
		{ "/etc/passwd", VA_BAD_CHAR },
		{ "../alice", VA_BAD_CHAR },
		{ "nobody", VA_USER_DOES_NOT_EXIST },
		{ "a", VA_ILLEGAL_USERNAME },
		{ "al`id`", VA_ILLEGAL_USERNAME + 0 * 0 }, /* replaced below: no such user */
		{ "caf\xc3\xa9@x.com", VA_BAD_CHAR },
	};
	char *before = slurp(p, NULL);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = vp_set_catchall(c, "example.com", bad[i].a, &e);
		int expect = strcmp(bad[i].a, "al`id`") == 0 ? VA_USER_DOES_NOT_EXIST : bad[i].rc;
		if (rc != expect)
			fprintf(stderr, "    action \"%s\": %d (%s), expected %d\n", bad[i].a, rc, e.msg, expect);
		CHECK_EQ_INT(rc, expect);
	}
	char longa[300];
	memset(longa, 'a', sizeof longa - 1);
	longa[sizeof longa - 1] = '\0';
	CHECK_EQ_INT(vp_set_catchall(c, "example.com", longa, &e), VA_ALIAS_LINE_TOO_LONG);
	CHECK_EQ_INT(vp_set_catchall(c, "nowhere.test", "delete", &e), VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_set_catchall(c, "example.com", NULL, &e), VA_NULL_POINTER);
	/* vpopmail allows '`' and '$' in user names: such a home never reaches sh */
	OK(vp_add_user(c, "al`id`", "example.com", "pw", "", 0, E));
	CHECK_EQ_INT(vp_set_catchall(c, "example.com", "al`id`", &e), VA_BAD_CHAR);
	OK(vp_add_user(c, "x$y", "example.com", "pw", "", 0, E));
	CHECK_EQ_INT(vp_set_catchall(c, "example.com", "x$y", &e), VA_BAD_CHAR);
	CHECK(before && file_is(p, before));
	free(before);
	CHECK_EQ_INT(vp_get_catchall(c, "nowhere.test", &ca, &e), VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_get_catchall(c, "example.com", NULL, &e), VA_NULL_POINTER);
	sandbox_free(&s);
}

TEST(catchall_parse)
{
	sandbox s;
	char dd[2048], p[4096], line[4096];
	vp_error e;
	vp_catchall ca;
	sandbox_init(&s);
	s.cfg.uid = 89;
	s.cfg.gid = 89;
	const vp_config *c = &s.cfg;
	OK(vp_add_domain_ex(c, "example.com", "Secret123", NULL, NULL, 0, E));
	domain_dir(dd, sizeof dd, &s, "example.com");
	snprintf(p, sizeof p, "%s/.qmail-default", dd);
	struct { const char *fmt; int kind; const char *target; } t[] = {
		{ "| %s/bin/vdelivermail '' bounce-no-mailbox\n", VP_CATCHALL_BOUNCE, "" },
		{ "|%s/bin/vdelivermail  ''\tdelete  \r\n# more\n", VP_CATCHALL_DELETE, "" },
		{ "| %s/bin/vdelivermail '' a@b.example\n", VP_CATCHALL_FORWARD, "a@b.example" },
		{ "| %s/bin/vdelivermail '' @D@/0/bob/\n", VP_CATCHALL_MAILBOX, "bob" },
		{ "| %s/bin/vdelivermail '' @D@/bob/Maildir/\n", VP_CATCHALL_MAILBOX, "bob" },
		{ "| %s/bin/vdelivermail '' @D@/A/b/c/first.last\n", VP_CATCHALL_MAILBOX, "first.last" },
		{ "| %s/bin/vdelivermail '' @D@/../x/bob\n", VP_CATCHALL_OTHER, NULL },
		{ "| %s/bin/vdelivermail '' /var/mail/bob\n", VP_CATCHALL_OTHER, NULL },
		{ "| %s/bin/vdelivermail '' delete-no-mailbox\n", VP_CATCHALL_OTHER, NULL },
		{ "| %s/bin/vdelivermail '' a@b.example extra\n", VP_CATCHALL_OTHER, NULL },
		{ "| %s/bin/vdelivermail '' a@b.example;id\n", VP_CATCHALL_OTHER, NULL },
		{ "| %s/bin/vdelivermail delete\n", VP_CATCHALL_OTHER, NULL },
		{ "| %s/bin/vdelivermailx '' delete\n", VP_CATCHALL_OTHER, NULL },
		{ "%s/Maildir/\n", VP_CATCHALL_OTHER, NULL },
		{ "| /usr/bin/true\n", VP_CATCHALL_OTHER, NULL },
		{ "", VP_CATCHALL_OTHER, NULL },
		{ "| vdelivermail ''", VP_CATCHALL_OTHER, NULL },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char tmp[4096];
		snprintf(tmp, sizeof tmp, t[i].fmt, s.home);
		size_t tl;
		char *mapped = replace_all(tmp, strlen(tmp), "@D@", dd, &tl);
		write_text(p, mapped);
		memset(&ca, 0x55, sizeof ca);
		OK(vp_get_catchall(c, "example.com", &ca, E));
		if ((int)ca.kind != t[i].kind)
			fprintf(stderr, "    case %zu: kind %d, expected %d\n", i, (int)ca.kind, t[i].kind);
		CHECK_EQ_INT(ca.kind, t[i].kind);
		size_t fl = strcspn(mapped, "\n");
		if (fl && mapped[fl - 1] == '\r')
			fl--;
		snprintf(line, sizeof line, "%.*s", (int)fl, mapped);
		CHECK_EQ_STR(ca.line, line);
		CHECK_EQ_STR(ca.target, t[i].target ? t[i].target : line);
		free(mapped);
	}
	unlink(p);
	OK(vp_get_catchall(c, "example.com", &ca, E));
	CHECK_EQ_INT(ca.kind, VP_CATCHALL_NONE);
	CHECK_EQ_STR(ca.line, "");
	/* a symlink is not followed */
	CHECK_EQ_INT(symlink("/etc/passwd", p), 0);
	CHECK(vp_get_catchall(c, "example.com", &ca, &e) < 0);
	sandbox_free(&s);

	/* the real trees: step 02's forward (second.test), 01's delete */
	CHECK_EQ_INT(sandbox_from_fixture(&s, "vpopmail-5.6", "03-adddomain-bounce.test"), 0);
	OK(vp_get_catchall(&s.cfg, "second.test", &ca, E));
	CHECK_EQ_INT(ca.kind, VP_CATCHALL_FORWARD);
	CHECK_EQ_STR(ca.target, "catchall@example.com");
	CHECK_EQ_STR(ca.line, "| /home/vpopmail/bin/vdelivermail '' catchall@example.com");
	OK(vp_get_catchall(&s.cfg, "bounce.test", &ca, E));
	CHECK_EQ_INT(ca.kind, VP_CATCHALL_DELETE);
	sandbox_free(&s);
	CHECK_EQ_INT(sandbox_from_fixture(&s, "vpopmail-5.4", "03-adddomain-bounce.test"), 0);
	OK(vp_get_catchall(&s.cfg, "bounce.test", &ca, E));
	CHECK_EQ_INT(ca.kind, VP_CATCHALL_BOUNCE);
	sandbox_free(&s);
}

/* ---- quota usage ---- */

TEST(maildirsize_parser)
{
	char q[64];
	long long b, n;
	static const struct { const char *in; int rc; const char *q; long long b, n; } t[] = {
		{ "20971520S\n0 0\n", 0, "20971520S", 0, 0 },
		{ "10S,5C\n100 2\n-40 -1\n 7  1 \n", 0, "10S,5C", 67, 2 },
		{ "10S\n", 0, "10S", 0, 0 },
		{ "10S\n0 0\n\n5 1\n", 0, "10S", 5, 1 },
		{ "10S\n-5 -1\n", 0, "10S", -5, -1 },
		{ "10S\n+5 1\n", 0, "10S", 5, 1 },
		{ "10S\n0 0", -1, NULL, 0, 0 },      /* unterminated */
		{ "10S", -1, NULL, 0, 0 },
		{ "", -1, NULL, 0, 0 },
		{ "\n0 0\n", -1, NULL, 0, 0 },
		{ "10S\n0\n", -1, NULL, 0, 0 },
		{ "10S\n0 0 0\n", -1, NULL, 0, 0 },
		{ "10S\nx 0\n", -1, NULL, 0, 0 },
		{ "10S\n0x1 0\n", -1, NULL, 0, 0 },
		{ "10S\n- 0\n", -1, NULL, 0, 0 },
		{ "10S\n9223372036854775808 0\n", -1, NULL, 0, 0 },
		{ "10S\n9223372036854775807 0\n1 0\n", -1, NULL, 0, 0 },
		{ "10S\r\n0 0\n", -1, NULL, 0, 0 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int rc = vp_maildirsize_parse(t[i].in, strlen(t[i].in), q, sizeof q, &b, &n);
		if (rc != t[i].rc)
			fprintf(stderr, "    case %zu: %d\n", i, rc);
		CHECK_EQ_INT(rc, t[i].rc);
		if (rc == 0 && t[i].q) {
			CHECK_EQ_STR(q, t[i].q);
			CHECK_EQ_INT(b, t[i].b);
			CHECK_EQ_INT(n, t[i].n);
		}
	}
	/* NUL bytes, a quota line too long for the buffer, NULL outputs */
	CHECK_EQ_INT(vp_maildirsize_parse("10S\n1\0 0\n", 9, q, sizeof q, &b, &n), -1);
	CHECK_EQ_INT(vp_maildirsize_parse("1\0S\n1 0\n", 8, q, sizeof q, &b, &n), -1);
	CHECK_EQ_INT(vp_maildirsize_parse("123456S\n1 0\n", 12, q, 4, &b, &n), -1);
	CHECK_EQ_INT(vp_maildirsize_parse("123456S\n1 0\n", 12, NULL, 0, NULL, NULL), 0);
	CHECK_EQ_INT(vp_maildirsize_parse(NULL, 0, q, sizeof q, &b, &n), -1);
}

static void put(const char *dir, const char *rel, const char *body)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	CHECK_EQ_INT(write_text(p, body), 0);
}

static void age(const char *path, int seconds)
{
	struct timeval tv[2];
	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec -= seconds;
	tv[1] = tv[0];
	CHECK_EQ_INT(utimes(path, tv), 0);
}

TEST(quota_usage)
{
	sandbox s;
	char dd[2048], md[3072], p[4096];
	vp_error e;
	vp_quota_usage u;
	sandbox_init(&s);
	s.cfg.uid = 89;
	s.cfg.gid = 89;
	const vp_config *c = &s.cfg;
	OK(vp_add_domain_ex(c, "example.com", "Secret123", NULL, NULL, 0, E));
	OK(vp_add_user(c, "bob", "example.com", "bobpw", "", 0, E));
	domain_dir(dd, sizeof dd, &s, "example.com");
	snprintf(md, sizeof md, "%s/bob/Maildir", dd);
	snprintf(p, sizeof p, "%s/maildirsize", md);

	/* NOQUOTA, empty Maildir: no limits, no maildirsize */
	OK(vp_get_quota_usage(c, "bob", "example.com", &u, E));
	CHECK_EQ_INT(u.bytes_used, 0);
	CHECK_EQ_INT(u.count_used, 0);
	CHECK_EQ_INT(u.bytes_limit, -1);
	CHECK_EQ_INT(u.count_limit, -1);
	CHECK(access(p, F_OK) != 0);

	const char *dirs[] = { ".Sent", ".Sent/cur", ".Sent/new", ".Trash", ".Trash/cur", ".Sent.2024", ".Sent.2024/cur" };
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		char d[4200];
		snprintf(d, sizeof d, "%s/%s", md, dirs[i]);
		CHECK_EQ_INT(mkdir(d, 0700), 0);
	}
	put(md, "new/1.M1.host,S=1000", "");
	put(md, "cur/2.M2.host,S=234:2,S", "");
	put(md, "cur/3.M3.host:2,S", "12345");          /* stat: 5 */
	put(md, "cur/4.M4.host,S=999:2,ST", "");       /* trashed */
	put(md, "cur/.hidden", "zzz");                  /* dot file */
	put(md, "tmp/5.M5.host,S=888", "");             /* tmp */
	put(md, ".Sent/cur/6.M6.host,S=50:2,S", "");
	put(md, ".Sent/new/7.M7.host,S=60", "");
	put(md, ".Sent.2024/cur/8.M8.host,S=70:2,", "");
	put(md, ".Trash/cur/9.M9.host,S=7777:2,S", ""); /* .Trash */
	OK(vp_get_quota_usage(c, "bob", "example.com", &u, E));
	CHECK_EQ_INT(u.bytes_used, 1419);
	CHECK_EQ_INT(u.count_used, 6);
	CHECK_EQ_INT(u.recomputed, 1);
	CHECK(access(p, F_OK) != 0); /* NOQUOTA: still none */

	OK(vp_set_quota(c, "bob", "example.com", "1M,100C", E));
	CHECK(file_is(p, "1048576S,100C\n1419 6\n"));
	OK(vp_get_quota_usage(c, "bob", "example.com", &u, E));
	CHECK_EQ_INT(u.bytes_used, 1419);
	CHECK_EQ_INT(u.count_used, 6);
	CHECK_EQ_INT(u.bytes_limit, 1048576);
	CHECK_EQ_INT(u.count_limit, 100);
	CHECK_EQ_INT(u.recomputed, 0);

	/* deliveries append, removals subtract: summed, not rescanned */
	CHECK_EQ_INT(write_text(p, "1048576S,100C\n1419 6\n500 1\n-234 -1\n"), 0);
	OK(vp_get_quota_usage(c, "bob", "example.com", &u, E));
	CHECK_EQ_INT(u.bytes_used, 1685);
	CHECK_EQ_INT(u.count_used, 6);
	CHECK_EQ_INT(u.recomputed, 0);

	/* stale by age (15 minutes) */
	age(p, 16 * 60);
	OK(vp_get_quota_usage(c, "bob", "example.com", &u, E));
	CHECK_EQ_INT(u.recomputed, 1);
	CHECK_EQ_INT(u.bytes_used, 1419);
	CHECK(file_is(p, "1048576S,100C\n1419 6\n"));
	CHECK_EQ_INT(mode_of(p), 0600);
	age(p, 14 * 60);
	OK(vp_get_quota_usage(c, "bob", "example.com", &u, E));
	CHECK_EQ_INT(u.recomputed, 0);

	/* stale by size (5120 bytes) */
	{
		char big[6000];
		size_t n = (size_t)snprintf(big, sizeof big, "1048576S,100C\n1419 6\n");
		while (n + 4 < 5120) {
			memcpy(big + n, "0 0\n", 4);
			n += 4;
		}
		memcpy(big + n, "0 0\n", 4);
		n += 4;
		big[n] = '\0';
		CHECK_EQ_INT(write_text(p, big), 0);
		OK(vp_get_quota_usage(c, "bob", "example.com", &u, E));
		CHECK_EQ_INT(u.recomputed, 1);
		CHECK(file_is(p, "1048576S,100C\n1419 6\n"));
	}
	/* another quota than vpasswd's, negative totals, garbage, unterminated */
	const char *stale[] = { "2048S\n1419 6\n", "1048576S,100C\n10 1\n-20 -2\n", "junk",
	                        "1048576S,100C\n1419 6", "1048576S,100C\n1419 six\n", "" };
	for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++) {
		CHECK_EQ_INT(write_text(p, stale[i]), 0);
		OK(vp_get_quota_usage(c, "bob", "example.com", &u, E));
		CHECK_EQ_INT(u.recomputed, 1);
		CHECK_EQ_INT(u.bytes_used, 1419);
		CHECK_EQ_INT(u.count_used, 6);
		CHECK(file_is(p, "1048576S,100C\n1419 6\n"));
	}
	/* missing */
	unlink(p);
	OK(vp_get_quota_usage(c, "BOB", "example.com", &u, E));
	CHECK_EQ_INT(u.recomputed, 1);
	CHECK(file_is(p, "1048576S,100C\n1419 6\n"));

	/* a legacy quota in vpasswd ("5M", as old tools stored it) */
	{
		vp_domain_info d;
		vp_user_entry ue;
		char line[1024];
		CHECK_EQ_INT(vp_get_user(c, "bob", "example.com", &ue, &d, &e), 1);
		snprintf(ue.quota, sizeof ue.quota, "5M");
		int n = vp_vpw_format(&ue, line, sizeof line, &e);
		CHECK(n > 0);
		vp_lock lk;
		OK(vp_vpw_lock(c, &d, &lk, E));
		OK(vp_vpw_update(c, &d, VP_VPW_REPLACE, "bob", line, (size_t)n, E));
		vp_lock_release(&lk);
		OK(vp_get_quota_usage(c, "bob", "example.com", &u, E));
		CHECK_EQ_INT(u.bytes_limit, 5242880);
		CHECK_EQ_INT(u.count_limit, -1);
		CHECK_EQ_INT(u.recomputed, 1);
		CHECK(file_is(p, "5242880S\n1419 6\n"));
	}
	/* count only */
	OK(vp_set_quota(c, "bob", "example.com", "50C", E));
	OK(vp_get_quota_usage(c, "bob", "example.com", &u, E));
	CHECK_EQ_INT(u.bytes_limit, -1);
	CHECK_EQ_INT(u.count_limit, 50);
	/* back to NOQUOTA: a leftover maildirsize is removed */
	OK(vp_set_quota(c, "bob", "example.com", "NOQUOTA", E));
	CHECK_EQ_INT(write_text(p, "1S\n0 0\n"), 0);
	OK(vp_get_quota_usage(c, "bob", "example.com", &u, E));
	CHECK_EQ_INT(u.recomputed, 1);
	CHECK_EQ_INT(u.bytes_used, 1419);
	CHECK(access(p, F_OK) != 0);
	/* a symlinked maildirsize is not read */
	OK(vp_set_quota(c, "bob", "example.com", "1M", E));
	unlink(p);
	CHECK_EQ_INT(symlink("/etc/passwd", p), 0);
	OK(vp_get_quota_usage(c, "bob", "example.com", &u, E));
	CHECK_EQ_INT(u.recomputed, 1);
	CHECK(file_is(p, "1048576S\n1419 6\n"));
	/* no Maildir at all: nothing used */
	vp_remove_tree(dd, md, &e);
	OK(vp_get_quota_usage(c, "bob", "example.com", &u, E));
	CHECK_EQ_INT(u.bytes_used, 0);
	CHECK_EQ_INT(u.recomputed, 0);
	CHECK_EQ_INT(vp_get_quota_usage(c, "nobody", "example.com", &u, &e), VA_USER_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_get_quota_usage(c, "bob", "nowhere.test", &u, &e), VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_get_quota_usage(c, "bob", "example.com", NULL, &e), VA_NULL_POINTER);
	CHECK(cdb_matches_vpasswd(dd));
	sandbox_free(&s);
}

/* ---- authentication per service, lastauth ---- */

TEST(auth_per_service)
{
	sandbox s;
	char dd[2048], p[4096], la[4096];
	vp_error e;
	vp_user_entry u;
	/* step 15: bob has NO_POP */
	CHECK_EQ_INT(sandbox_from_fixture(&s, "vpopmail-5.6", "15-moduser-bob-nopop"), 0);
	CHECK_EQ_INT(map_homes(&s, "example.com"), 0);
	vp_config cfg = s.cfg;
	const vp_config *c = &cfg;
	domain_dir(dd, sizeof dd, &s, "example.com");
	CHECK_EQ_INT(vp_auth_user_ex(c, "bob", "example.com", "bobpw", VP_SERVICE_POP, NULL, &u, &e), VA_ACCOUNT_DISABLED);
	CHECK(strstr(e.msg, "POP") != NULL);
	CHECK_EQ_STR(u.name, "");  /* nothing handed out */
	OK(vp_auth_user_ex(c, "bob", "example.com", "bobpw", VP_SERVICE_IMAP, NULL, &u, E));
	CHECK_EQ_STR(u.name, "bob");
	OK(vp_auth_user_ex(c, "bob", "alias.example", "bobpw", VP_SERVICE_SMTP, NULL, NULL, E));
	OK(vp_auth_user_ex(c, "bob", "example.com", "bobpw", VP_SERVICE_WEBMAIL, NULL, NULL, E));
	OK(vp_auth_user_ex(c, "bob", "example.com", "bobpw", VP_SERVICE_ANY, NULL, NULL, E));
	OK(vp_auth_user(c, "bob", "example.com", "bobpw", NULL, E));
	/* a wrong password says nothing about the flags */
	CHECK_EQ_INT(vp_auth_user_ex(c, "bob", "example.com", "wrong", VP_SERVICE_POP, NULL, NULL, &e), VA_WRONG_PASSWORD);
	CHECK_EQ_INT(vp_auth_user_ex(c, "nobody", "example.com", "x", VP_SERVICE_POP, NULL, NULL, &e), VA_USER_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_auth_user_ex(c, "bob", "example.com", "bobpw", (enum vp_service)9, NULL, NULL, &e), VA_PARSE_ERROR);

	/* each service's flag */
	static const struct { unsigned long flag; enum vp_service svc; } m[] = {
		{ VP_NO_IMAP, VP_SERVICE_IMAP }, { VP_NO_SMTP, VP_SERVICE_SMTP },
		{ VP_NO_WEBMAIL, VP_SERVICE_WEBMAIL }, { VP_NO_POP, VP_SERVICE_POP },
	};
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
		OK(vp_set_user_flags(c, "alice", "example.com", VP_FLAGS_REPLACE, m[i].flag, NULL, E));
		for (size_t j = 0; j < sizeof m / sizeof m[0]; j++) {
			int rc = vp_auth_user_ex(c, "alice", "example.com", "newpw", m[j].svc, NULL, NULL, &e);
			CHECK_EQ_INT(rc, i == j ? VA_ACCOUNT_DISABLED : 0);
		}
	}
	OK(vp_set_user_flags(c, "alice", "example.com", VP_FLAGS_REPLACE, 0, NULL, E));
	/* the domain's limits add flags, unless V_OVERRIDE */
	snprintf(p, sizeof p, "%s/.qmailadmin-limits", dd);
	CHECK_EQ_INT(write_text(p, "disable_imap\n"), 0);
	CHECK_EQ_INT(vp_auth_user_ex(c, "alice", "example.com", "newpw", VP_SERVICE_IMAP, NULL, NULL, &e), VA_ACCOUNT_DISABLED);
	OK(vp_auth_user_ex(c, "alice", "example.com", "newpw", VP_SERVICE_POP, NULL, NULL, E));
	OK(vp_set_user_flags(c, "alice", "example.com", VP_FLAGS_ADD, VP_V_OVERRIDE, NULL, E));
	OK(vp_auth_user_ex(c, "alice", "example.com", "newpw", VP_SERVICE_IMAP, NULL, NULL, E));
	unlink(p);

	/* lastauth: only vp_auth_user_ex with auth_logging, only on success */
	snprintf(la, sizeof la, "%s/alice/lastauth", dd);
	CHECK(file_is(la, "0.0.0.0"));
	age(la, 3600);
	struct stat st0, st1;
	CHECK_EQ_INT(stat(la, &st0), 0);
	cfg.auth_logging = 0;
	OK(vp_auth_user_ex(c, "alice", "example.com", "newpw", VP_SERVICE_IMAP, "192.0.2.7", NULL, E));
	cfg.auth_logging = 1;
	OK(vp_auth_user(c, "alice", "example.com", "newpw", NULL, E));
	CHECK_EQ_INT(vp_auth_user_ex(c, "alice", "example.com", "bad", VP_SERVICE_IMAP, "192.0.2.7", NULL, &e), VA_WRONG_PASSWORD);
	CHECK_EQ_INT(vp_auth_user_ex(c, "bob", "example.com", "bobpw", VP_SERVICE_POP, "192.0.2.7", NULL, &e), VA_ACCOUNT_DISABLED);
	CHECK_EQ_INT(stat(la, &st1), 0);
	CHECK(st0.st_mtime == st1.st_mtime);
	CHECK(file_is(la, "0.0.0.0"));
	snprintf(p, sizeof p, "%s/bob/lastauth", dd);
	CHECK(file_is(p, "0.0.0.0"));

	static const struct { const char *ip, *want; } ips[] = {
		{ "192.0.2.7", "192.0.2.7" },
		{ "2001:DB8:0:0::1", "2001:db8::1" },
		{ "::ffff:192.0.2.1", "::ffff:192.0.2.1" },
		{ NULL, "0.0.0.0" },
		{ "", "0.0.0.0" },
		{ "1.2.3.4\n5.6.7.8", "0.0.0.0" },
		{ "1.2.3.4 ", "0.0.0.0" },
		{ "fe80::1%eth0", "0.0.0.0" },
		{ "host.example", "0.0.0.0" },
		{ "../../etc/passwd", "0.0.0.0" },
		{ "01.2.3.4", "0.0.0.0" },
		{ "10.0.0.1", "10.0.0.1" },
	};
	for (size_t i = 0; i < sizeof ips / sizeof ips[0]; i++) {
		OK(vp_auth_user_ex(c, "Alice", "Alias.Example", "newpw", VP_SERVICE_IMAP, ips[i].ip, NULL, E));
		CHECK(file_is(la, ips[i].want));
		CHECK_EQ_INT(mode_of(la), 0600);
	}
	CHECK_EQ_INT(stat(la, &st1), 0);
	CHECK(st1.st_mtime > st0.st_mtime);
	/* no temp files left in the home */
	char home[4096];
	snprintf(home, sizeof home, "%s/alice", dd);
	DIR *d = opendir(home);
	int entries = 0;
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			entries++;
	if (d)
		closedir(d);
	CHECK_EQ_INT(entries, 2); /* Maildir, lastauth */
	/* a home that vanished: the login still succeeds */
	vp_remove_tree(dd, home, &e);
	OK(vp_auth_user_ex(c, "alice", "example.com", "newpw", VP_SERVICE_IMAP, "192.0.2.9", NULL, E));
	sandbox_free(&s);
}

TEST(lastauth_owner_as_root)
{
	if (geteuid() != 0)
		return;
	sandbox s;
	char la[4096];
	CHECK_EQ_INT(sandbox_from_fixture(&s, "vpopmail-5.6", "15-moduser-bob-nopop"), 0);
	CHECK_EQ_INT(map_homes(&s, "example.com"), 0);
	s.cfg.chown_files = 1;
	s.cfg.auth_logging = 1;
	OK(vp_auth_user_ex(&s.cfg, "alice", "example.com", "newpw", VP_SERVICE_POP, "198.51.100.1", NULL, E));
	snprintf(la, sizeof la, "%s/domains/example.com/alice/lastauth", s.home);
	struct stat st;
	CHECK_EQ_INT(stat(la, &st), 0);
	CHECK(st.st_uid == 89 && st.st_gid == 89);
	CHECK_EQ_INT(st.st_mode & 07777, 0600);
	CHECK(file_is(la, "198.51.100.1"));
	/* and the catch-all and maildirsize too */
	OK(vp_set_catchall(&s.cfg, "example.com", "alice", E));
	snprintf(la, sizeof la, "%s/domains/example.com/.qmail-default", s.home);
	CHECK_EQ_INT(stat(la, &st), 0);
	CHECK(st.st_uid == 89 && st.st_gid == 89);
	vp_quota_usage u;
	snprintf(la, sizeof la, "%s/domains/example.com/bob/Maildir/maildirsize", s.home);
	age(la, 3600);
	OK(vp_get_quota_usage(&s.cfg, "bob", "example.com", &u, E));
	CHECK_EQ_INT(u.recomputed, 1);
	CHECK_EQ_INT(stat(la, &st), 0);
	CHECK(st.st_uid == 89 && st.st_gid == 89);
	sandbox_free(&s);
}

int main(void)
{
	(void)compare_step;
	RUN(flags_like_vmoduser);
	RUN(gecos);
	RUN(catchall_round_trips);
	RUN(catchall_parse);
	RUN(maildirsize_parser);
	RUN(quota_usage);
	RUN(auth_per_service);
	RUN(lastauth_owner_as_root);
	return T_SUMMARY();
}
