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


/* ---- class 1: the catch-all, the one sh-run value a caller chooses ---- */

typedef struct { const char *action; int code; } action_case;

/* Refused everywhere: paths (a directory's .qmail would run), '..', globs
 * that sh expands into another mailbox, '#' (sh drops the rest as a
 * comment), quotes and separators.  code: what vp_catchall_check answers. */
static const action_case bad_actions[] = {
	{ "/home/vpopmail/domains/victim.test/ceo", VA_BAD_CHAR },
	{ "/tmp/evil@dir", VA_INVALID_EMAIL_CHAR },
	{ "/home/vpopmail/domains/victim.test/ce[!@]", VA_INVALID_EMAIL_CHAR },
	{ "/home/vpopmail/domains/victim.test/ce*", VA_BAD_CHAR },
	{ "../victim.test/ceo", VA_BAD_CHAR },
	{ "..", VA_ILLEGAL_USERNAME },
	{ "#x@y.com", VA_INVALID_EMAIL_CHAR },
	{ "x#y@y.com", VA_INVALID_EMAIL_CHAR },
	{ "*@victim.test", VA_INVALID_EMAIL_CHAR },
	{ "ce?@victim.test", VA_INVALID_EMAIL_CHAR },
	{ "c[e]o@victim.test", VA_INVALID_EMAIL_CHAR },
	{ "!x@y.com", VA_INVALID_EMAIL_CHAR },
	{ "x@y.com/../z", VA_INVALID_EMAIL_CHAR },
	{ "x@victim.test/ce[!@]", VA_INVALID_EMAIL_CHAR },
	{ "x@*.test", VA_INVALID_EMAIL_CHAR },
	{ "x@y.com;id", VA_INVALID_EMAIL_CHAR },
	{ "$(id)@y.com", VA_INVALID_EMAIL_CHAR },
	{ "`id`@y.com", VA_INVALID_EMAIL_CHAR },
	{ "x'@y.com", VA_INVALID_EMAIL_CHAR },
	{ "~x@y.com", VA_INVALID_EMAIL_CHAR },
	{ "&x@y.com", VA_INVALID_EMAIL_CHAR },
	{ "-x@y.com", VA_INVALID_EMAIL_CHAR },
	{ ".x@y.com", VA_INVALID_EMAIL_CHAR },
	{ "x@", VA_INVALID_EMAIL_CHAR },
	{ "@y.com", VA_INVALID_EMAIL_CHAR },
	{ "x@@y.com", VA_INVALID_EMAIL_CHAR },
	{ "a b@y.com", VA_BAD_CHAR },
	{ "x@y.com\n| /bin/sh", VA_BAD_CHAR },
	{ "delete\t", VA_BAD_CHAR },
	{ "", VA_BAD_CHAR },
	{ "/", VA_BAD_CHAR },
	{ "*", VA_ILLEGAL_USERNAME },
	{ "$(id)", VA_ILLEGAL_USERNAME },
	{ "a/b", VA_BAD_CHAR },
};

TEST(catchall_check_is_a_whitelist)
{
	vp_error e;
	enum vp_catchall_kind k;
	char user[VP_MAX_PW_NAME + 1];
	for (size_t i = 0; i < sizeof bad_actions / sizeof bad_actions[0]; i++) {
		int rc = vp_catchall_check(bad_actions[i].action, &k, user, &e);
		if (rc != bad_actions[i].code)
			fprintf(stderr, "  \"%s\": %d\n", bad_actions[i].action, rc);
		CHECK_EQ_INT(rc, bad_actions[i].code);
	}
	char longer[300];
	memset(longer, 'a', 256);
	longer[256] = '\0';
	CHECK_EQ_INT(vp_catchall_check(longer, &k, user, &e), VA_ALIAS_LINE_TOO_LONG);
	CHECK_EQ_INT(vp_catchall_check(NULL, &k, user, &e), VA_NULL_POINTER);
	OK(vp_catchall_check("delete", &k, user, E));
	CHECK_EQ_INT(k, VP_CATCHALL_DELETE);
	OK(vp_catchall_check("bounce-no-mailbox", &k, user, E));
	CHECK_EQ_INT(k, VP_CATCHALL_BOUNCE);
	OK(vp_catchall_check("Sales+x=y@Other.Test", &k, user, E));
	CHECK_EQ_INT(k, VP_CATCHALL_FORWARD);
	OK(vp_catchall_check("Alice", &k, user, E));
	CHECK_EQ_INT(k, VP_CATCHALL_MAILBOX);
	CHECK_EQ_STR(user, "alice");
	/* a user name may hold bytes sh would read: only its home is ever written */
	OK(vp_catchall_check("#x", &k, user, E));
	CHECK_EQ_INT(k, VP_CATCHALL_MAILBOX);
}

/* vp_set_catchall and vp_add_domain_ex answer every value alike. */
TEST(catchall_same_for_set_and_add_domain_ex)
{
	sandbox s;
	sandbox_init(&s);
	OK(vp_add_domain_ex(&s.cfg, "victim.test", "Secret123", NULL, NULL, 0, E));
	OK(vp_add_user(&s.cfg, "ceo", "victim.test", "pw12345", NULL, 0, E));
	uint64_t before = tree_digest(s.root);
	vp_error e1, e2;
	for (size_t i = 0; i < sizeof bad_actions / sizeof bad_actions[0]; i++) {
		const char *a = bad_actions[i].action;
		int r1 = vp_set_catchall(&s.cfg, "victim.test", a, &e1);
		int r2 = a[0] ? vp_add_domain_ex(&s.cfg, "new.test", "pw12345", NULL, a, 0, &e2)
		              : bad_actions[i].code; /* "" keeps add_domain_ex's default */
		if (r1 != bad_actions[i].code || r2 != r1)
			fprintf(stderr, "  \"%s\": set %d, add_domain_ex %d\n", a, r1, r2);
		CHECK_EQ_INT(r1, bad_actions[i].code);
		CHECK_EQ_INT(r2, r1);
	}
	/* names that are not (yet) users of the domain */
	static const char *const nouser[] = { "nobody", "#ceo", "~root", "delete-", "**", "`id`", "Delete" };
	for (size_t i = 0; i < sizeof nouser / sizeof nouser[0]; i++) {
		CHECK_EQ_INT(vp_set_catchall(&s.cfg, "victim.test", nouser[i], &e1), VA_USER_DOES_NOT_EXIST);
		CHECK_EQ_INT(vp_add_domain_ex(&s.cfg, "new.test", "pw12345", NULL, nouser[i], 0, &e2),
		             VA_USER_DOES_NOT_EXIST);
	}
	CHECK(tree_digest(s.root) == before);
	sandbox_free(&s);
}

/* Whatever reaches vp_write_qmail_default must be a keyword, an address or
 * a home of this domain, of harmless bytes; nothing else is written. */
TEST(qmail_default_gate)
{
	sandbox s;
	sandbox_init(&s);
	OK(vp_add_domain_ex(&s.cfg, "victim.test", "Secret123", NULL, NULL, 0, E));
	OK(vp_add_domain_ex(&s.cfg, "tenant.test", "Secret123", NULL, NULL, 0, E));
	vp_domain_info d;
	vp_error e;
	CHECK(vp_domain_lookup(&s.cfg, "tenant.test", &d, &e) == 1);
	char qd[4096], other[2048], p[8192];
	snprintf(qd, sizeof qd, "%s/.qmail-default", d.dir);
	snprintf(other, sizeof other, "%s/domains/victim.test", s.home);
	uint64_t before = tree_digest(s.root);
	const char *bad[] = { "", "delete bounce-no-mailbox", "x@y.com;id", "/etc", "..", "#x@y.com",
		              "ce[!@]@x.com", "x@y.com'", "$HOME", "~/x", "nobody", "Delete", NULL, NULL, NULL,
		              NULL, NULL, NULL, NULL };
	size_t nb = 12;
	char b[7][4096];
	snprintf(b[0], sizeof b[0], "%s/postmaster", other);      /* another tenant's mailbox */
	snprintf(b[1], sizeof b[1], "%s/../victim.test/postmaster", d.dir);
	snprintf(b[2], sizeof b[2], "%s/ce[!@]", d.dir);
	snprintf(b[3], sizeof b[3], "%s/po*", d.dir);
	snprintf(b[4], sizeof b[4], "%s", d.dir);                 /* the domain itself */
	snprintf(b[5], sizeof b[5], "%s/./postmaster", d.dir);
	snprintf(b[6], sizeof b[6], "%s/postmaster/Maildir/", d.dir);
	for (int i = 0; i < 7; i++)
		bad[nb++] = b[i];
	for (size_t i = 0; i < nb; i++) {
		int rc = vp_write_qmail_default(&s.cfg, &d, bad[i], &e);
		if (rc != VA_BAD_CHAR && rc != VA_INVALID_EMAIL_CHAR)
			fprintf(stderr, "  \"%s\" written (%d)\n", bad[i], rc);
		CHECK(rc == VA_BAD_CHAR || rc == VA_INVALID_EMAIL_CHAR);
	}
	CHECK(tree_digest(s.root) == before);
	/* what the writers hand it */
	OK(vp_write_qmail_default(&s.cfg, &d, "bounce-no-mailbox", E));
	OK(vp_write_qmail_default(&s.cfg, &d, "x+y=z@Other.Test", E));
	snprintf(p, sizeof p, "%s/postmaster", d.dir);
	OK(vp_write_qmail_default(&s.cfg, &d, p, E));
	snprintf(p, sizeof p, "%s/0/ab/cd", d.dir);  /* shape only: no user check here */
	CHECK_EQ_INT(vp_write_qmail_default(&s.cfg, &d, p, &e), VA_BAD_CHAR);
	snprintf(p, sizeof p, "%s/0/alice", d.dir);
	OK(vp_write_qmail_default(&s.cfg, &d, p, E));
	char expect[8192];
	snprintf(expect, sizeof expect, "| %s/bin/vdelivermail '' %s/0/alice\n", s.home, d.dir);
	CHECK(file_is(qd, expect));
	sandbox_free(&s);
}

/* A vpasswd whose directory field points outside the domain (or through a
 * glob) is never turned into a catch-all line. */
TEST(catchall_home_from_vpasswd)
{
	sandbox s;
	sandbox_init(&s);
	OK(vp_add_domain_ex(&s.cfg, "tenant.test", "Secret123", NULL, NULL, 0, E));
	OK(vp_add_user(&s.cfg, "alice", "tenant.test", "pw12345", NULL, 0, E));
	vp_domain_info d;
	vp_error e;
	CHECK(vp_domain_lookup(&s.cfg, "tenant.test", &d, &e) == 1);
	char vp[4096], qd[4096];
	snprintf(vp, sizeof vp, "%s/vpasswd", d.dir);
	snprintf(qd, sizeof qd, "%s/.qmail-default", d.dir);
	size_t len;
	char *orig = slurp(vp, &len), *qorig = slurp(qd, NULL);
	CHECK(orig != NULL && qorig != NULL);
	const char *homes[] = { "/tmp/evil", "%s/../victim.test/ceo", "%s/ce*", "%s/bob", "%s/x/y/z/w/alice",
		                "%s/./alice", "%s/a;b/alice" };
	for (size_t i = 0; orig && i < sizeof homes / sizeof homes[0]; i++) {
		char home[1024], text[8192];
		snprintf(home, sizeof home, homes[i], d.dir);
		/* replace alice's directory field (the 6th) */
		char *line = strncmp(orig, "alice:", 6) == 0 ? orig : strstr(orig, "\nalice:");
		CHECK(line != NULL);
		if (!line)
			break;
		if (line != orig)
			line++;
		const char *f = line;
		for (int c = 0; c < 5; c++)
			f = strchr(f, ':') + 1;
		const char *fe = strchr(f, ':');
		snprintf(text, sizeof text, "%.*s%s%s", (int)(f - orig), orig, home, fe);
		CHECK(write_text(vp, text) == 0);
		/* lookups read vpasswd.cdb: a missing one is rebuilt from the text */
		char cdb[4200];
		snprintf(cdb, sizeof cdb, "%s.cdb", vp);
		unlink(cdb);
		vp_user_entry ue;
		CHECK(vp_get_user(&s.cfg, "alice", "tenant.test", &ue, NULL, &e) == 1 &&
		      strcmp(ue.dir, home) == 0);
		/* outside the domain: VA_UNSAFE_PATH (vp_home_check); inside but not
		 * alice's own harmless path: VA_BAD_CHAR */
		int crc = vp_set_catchall(&s.cfg, "tenant.test", "alice", &e);
		if (crc != VA_UNSAFE_PATH)
			CHECK_EQ_INT(crc, VA_BAD_CHAR);
		char *now = slurp(qd, NULL);
		CHECK(now && strcmp(now, qorig) == 0);
		free(now);
	}
	free(orig);
	free(qorig);
	sandbox_free(&s);
}

/* ---- class 7: one validator per field, for the single calls and vp_batch ---- */

/* The code vp_batch gives for one queued operation (then abandoned). */
static int batch_add(const vp_config *cfg, const char *user, const char *pw, const char *gecos,
                     const char *quota)
{
	vp_batch *b;
	vp_error e;
	int rc = vp_batch_begin(cfg, "example.com", &b, &e);
	if (rc == 0) {
		rc = vp_batch_add_user(b, user, pw, gecos, 0, quota, &e);
		vp_batch_free(b);
	}
	return rc;
}

static int batch_one(const vp_config *cfg, int kind, const char *user, const char *arg)
{
	vp_batch *b;
	vp_error e;
	int rc = vp_batch_begin(cfg, "example.com", &b, &e);
	if (rc == 0) {
		rc = kind == 0 ? vp_batch_set_password(b, user, arg, &e)
		   : kind == 1 ? vp_batch_set_quota(b, user, arg, &e)
		               : vp_batch_del_user(b, user, &e);
		vp_batch_free(b);
	}
	return rc;
}

TEST(fields_same_for_single_and_batch)
{
	sandbox s;
	sandbox_init(&s);
	OK(vp_add_domain_ex(&s.cfg, "example.com", "Secret123", NULL, NULL, 0, E));
	OK(vp_add_user(&s.cfg, "alice", "example.com", "alicepw", NULL, 0, E));
	uint64_t before = tree_digest(s.root);
	vp_error e;
	char g64[80], g65[80], u65[80], p129[140], q21[30];
	memset(g64, 'g', 64), g64[64] = '\0';
	memset(g65, 'g', 65), g65[65] = '\0';
	memset(u65, 'u', 65), u65[65] = '\0';
	memset(p129, 'p', 129), p129[129] = '\0';
	memset(q21, '9', 21), q21[21] = '\0';

	/* gecos: ESC BEL TAB DEL and the rest of C0, ':' , one byte over */
	static const char *const bad_gecos[] = { "Joe\x1b[31m", "Joe\x07", "Joe\tSmith", "Joe\x7f", "Joe\r",
		"Joe\n", "Joe\r\npostmaster:x:1:0:x:/tmp:NOQUOTA", "\x01", "J\x08oe", "\x1f", "Joe:Smith", ":" };
	for (size_t i = 0; i < sizeof bad_gecos / sizeof bad_gecos[0]; i++) {
		int r1 = vp_add_user(&s.cfg, "joe", "example.com", "pw12345", bad_gecos[i], 0, &e);
		int r2 = batch_add(&s.cfg, "joe", "pw12345", bad_gecos[i], NULL);
		int r3 = vp_set_user_gecos(&s.cfg, "alice", "example.com", bad_gecos[i], &e);
		if (r1 != VA_BAD_CHAR || r2 != r1 || r3 != r1)
			fprintf(stderr, "  gecos #%zu: add %d, batch %d, set_gecos %d\n", i, r1, r2, r3);
		CHECK(r1 == VA_BAD_CHAR && r2 == r1 && r3 == r1);
	}
	CHECK_EQ_INT(vp_add_user(&s.cfg, "joe", "example.com", "pw12345", g65, 0, &e), VA_GECOS_TOO_LONG);
	CHECK_EQ_INT(batch_add(&s.cfg, "joe", "pw12345", g65, NULL), VA_GECOS_TOO_LONG);
	CHECK_EQ_INT(vp_set_user_gecos(&s.cfg, "alice", "example.com", g65, &e), VA_GECOS_TOO_LONG);

	/* several faults at once: the same one is reported first */
	struct { const char *u, *p, *g; int code; } multi[] = {
		{ "x", "pw12345", "a:b", VA_BAD_CHAR },
		{ u65, "", "Joe", VA_USER_NAME_TOO_LONG },
		{ "x", "", "Joe", VA_ILLEGAL_USERNAME },
		{ "joe", p129, g65, VA_PASSWD_TOO_LONG },
		{ "joe", "", g65, VA_GECOS_TOO_LONG },
		{ "Bad/Name", "", "", VA_PWSTR_LENGTH },
		{ "Bad/Name", "pw12345", "", VA_ILLEGAL_USERNAME },
		{ "", "pw12345", "", VA_ILLEGAL_USERNAME },
		{ "alice", "pw12345", "", VA_USERNAME_EXISTS },
	};
	for (size_t i = 0; i < sizeof multi / sizeof multi[0]; i++) {
		int r1 = vp_add_user(&s.cfg, multi[i].u, "example.com", multi[i].p, multi[i].g, 0, &e);
		int r2 = batch_add(&s.cfg, multi[i].u, multi[i].p, multi[i].g, NULL);
		if (multi[i].code == VA_USERNAME_EXISTS) {
			/* found at commit time, under the lock */
			vp_batch *b;
			OK(vp_batch_begin(&s.cfg, "example.com", &b, E));
			OK(vp_batch_add_user(b, multi[i].u, multi[i].p, multi[i].g, 0, NULL, E));
			r2 = vp_batch_commit(b, NULL, &e);
		}
		if (r1 != multi[i].code || r2 != r1)
			fprintf(stderr, "  multi #%zu: add %d, batch %d\n", i, r1, r2);
		CHECK(r1 == multi[i].code && r2 == r1);
	}

	/* passwords, and names through passwd/quota/del */
	CHECK_EQ_INT(vp_set_password(&s.cfg, "alice", "example.com", "", &e), VA_PWSTR_LENGTH);
	CHECK_EQ_INT(batch_one(&s.cfg, 0, "alice", ""), VA_PWSTR_LENGTH);
	CHECK_EQ_INT(vp_set_password(&s.cfg, "alice", "example.com", p129, &e), VA_PASSWD_TOO_LONG);
	CHECK_EQ_INT(batch_one(&s.cfg, 0, "alice", p129), VA_PASSWD_TOO_LONG);
	static const char *const bad_names[] = { "x", "", ".a", "-a", "a/b", "a:b", "a b", "a\tb", "a\x1b" "b",
		"a\x7f" "b", "vpasswd", "caf\xc3\xa9" };
	for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
		const char *u = bad_names[i];
		int r[7] = {
			vp_set_password(&s.cfg, u, "example.com", "pw12345", &e), batch_one(&s.cfg, 0, u, "pw12345"),
			vp_set_quota(&s.cfg, u, "example.com", "1M", &e), batch_one(&s.cfg, 1, u, "1M"),
			vp_del_user(&s.cfg, u, "example.com", &e), batch_one(&s.cfg, 2, u, NULL),
			batch_add(&s.cfg, u, "pw12345", "", NULL),
		};
		for (int k = 0; k < 7; k++)
			CHECK_EQ_INT(r[k], VA_ILLEGAL_USERNAME);
	}
	CHECK_EQ_INT(vp_set_quota(&s.cfg, u65, "example.com", "1M", &e), VA_USER_NAME_TOO_LONG);
	CHECK_EQ_INT(batch_one(&s.cfg, 1, u65, "1M"), VA_USER_NAME_TOO_LONG);

	/* quotas: the single call, batch quota, batch add with a quota, add_domain_ex */
	static const char *const bad_q[] = { "", " ", "-1", "1.5M", "10T", "10S,", "1e9", "10M\n", "\x1b" };
	for (size_t i = 0; i < sizeof bad_q / sizeof bad_q[0]; i++) {
		int r1 = vp_set_quota(&s.cfg, "alice", "example.com", bad_q[i], &e);
		int r2 = batch_one(&s.cfg, 1, "alice", bad_q[i]);
		int r3 = batch_add(&s.cfg, "joe", "pw12345", "", bad_q[i]);
		int r4 = bad_q[i][0] ? vp_add_domain_ex(&s.cfg, "new.test", "pw12345", bad_q[i], NULL, 0, &e)
		                     : r1; /* "" is "no quota" there */
		if (r1 != VA_INVALID_QUOTA || r2 != r1 || r3 != r1 || r4 != r1)
			fprintf(stderr, "  quota #%zu: %d %d %d %d\n", i, r1, r2, r3, r4);
		CHECK(r1 == VA_INVALID_QUOTA && r2 == r1 && r3 == r1 && r4 == r1);
	}
	CHECK_EQ_INT(vp_set_quota(&s.cfg, "alice", "example.com", q21, &e), VA_QUOTA_TOO_LONG);
	CHECK_EQ_INT(batch_one(&s.cfg, 1, "alice", q21), VA_QUOTA_TOO_LONG);
	CHECK_EQ_INT(batch_add(&s.cfg, "joe", "pw12345", "", q21), VA_QUOTA_TOO_LONG);
	CHECK_EQ_INT(vp_add_domain_ex(&s.cfg, "new.test", "pw12345", q21, NULL, 0, &e), VA_QUOTA_TOO_LONG);
	CHECK(tree_digest(s.root) == before);

	/* clear-text passwords: ':' CR LF refused by all four */
	s.cfg.clear_passwords = 1;
	static const char *const bad_clear[] = { "a:b", "a\rb", "a\nb", ":" };
	for (size_t i = 0; i < sizeof bad_clear / sizeof bad_clear[0]; i++) {
		CHECK_EQ_INT(vp_add_user(&s.cfg, "joe", "example.com", bad_clear[i], "", 0, &e), VA_BAD_CHAR);
		CHECK_EQ_INT(batch_add(&s.cfg, "joe", bad_clear[i], "", NULL), VA_BAD_CHAR);
		CHECK_EQ_INT(vp_set_password(&s.cfg, "alice", "example.com", bad_clear[i], &e), VA_BAD_CHAR);
		CHECK_EQ_INT(batch_one(&s.cfg, 0, "alice", bad_clear[i]), VA_BAD_CHAR);
	}
	CHECK(tree_digest(s.root) == before);

	/* the limits themselves are accepted by both */
	s.cfg.clear_passwords = 0;
	OK(vp_add_user(&s.cfg, "joe", "example.com", "p", g64, 0, E));
	vp_batch *b;
	OK(vp_batch_begin(&s.cfg, "example.com", &b, E));
	OK(vp_batch_add_user(b, "ann", p129 + 1, g64, 1, "20971520S,1000C", E));
	OK(vp_batch_commit(b, NULL, E));
	OK(vp_set_user_gecos(&s.cfg, "alice", "example.com", "caf\xc3\xa9 \x9b", E));
	sandbox_free(&s);
}

int main(void)
{
	(void)compare_step;
	RUN(config_dir_whitelist);
	RUN(config_dir_attack_writes_nothing);
	RUN(catchall_check_is_a_whitelist);
	RUN(catchall_same_for_set_and_add_domain_ex);
	RUN(qmail_default_gate);
	RUN(catchall_home_from_vpasswd);
	RUN(fields_same_for_single_and_batch);
	return T_SUMMARY();
}
