/* test_limits.c: domain limits (spec 13): the reader on vmoddomlimits'
 * format, the writer's bytes, set/delete, the fallback to vlimits.default,
 * enforcement (enforce_limits) and the usage report. */
#include "t.h"
#include "tree.h"

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vp_limits.h"

#include "fixture.h"

/* What vmoddomlimits -P 10 -A 5 -q 10M writes (vlimits_write_limits_file). */
static const char vmod_file[] =
	"maxpopaccounts: 10\n"
	"maxaliases: 5\n"
	"maxforwards: -1\n"
	"maxautoresponders: -1\n"
	"maxmailinglists: -1\n"
	"quota: 0\n"
	"maxmsgcount: 0\n"
	"default_quota: 10485760\n"
	"default_maxmsgcount: 0\n"
	"perm_account: 0\n"
	"perm_alias: 0\n"
	"perm_forward: 0\n"
	"perm_autoresponder: 0\n"
	"perm_maillist: 0\n"
	"perm_quota: 0\n"
	"perm_defaultquota: 0\n";

/* Every key, every flag word, in the writer's order. */
static const char every_key[] =
	"maxpopaccounts: 100\n"
	"maxaliases: 20\n"
	"maxforwards: 30\n"
	"maxautoresponders: 4\n"
	"maxmailinglists: 2\n"
	"quota: 500\n"
	"maxmsgcount: 10000\n"
	"default_quota: 52428800\n"
	"default_maxmsgcount: 1000\n"
	"disable_pop\n"
	"disable_imap\n"
	"disable_dialup\n"
	"disable_password_changing\n"
	"disable_webmail\n"
	"disable_external_relay\n"
	"disable_smtp\n"
	"disable_spamassassin\n"
	"delete_spam\n"
	"disable_maildrop\n"
	"perm_account: 1\n"
	"perm_alias: 2\n"
	"perm_forward: 4\n"
	"perm_autoresponder: 3\n"
	"perm_maillist: 7\n"
	"perm_quota: 5\n"
	"perm_defaultquota: 6\n";

TEST(reads_every_key)
{
	vp_limits l;
	vp_limits_parse(every_key, strlen(every_key), &l);
	CHECK_EQ_INT(l.max_popaccounts, 100);
	CHECK_EQ_INT(l.max_aliases, 20);
	CHECK_EQ_INT(l.max_forwards, 30);
	CHECK_EQ_INT(l.max_autoresponders, 4);
	CHECK_EQ_INT(l.max_mailinglists, 2);
	CHECK_EQ_INT(l.quota_mb, 500);
	CHECK_EQ_INT(l.maxmsgcount, 10000);
	CHECK_EQ_INT(l.default_quota, 52428800);
	CHECK_EQ_INT(l.default_maxmsgcount, 1000);
	CHECK_EQ_INT(l.flag_mask, VP_LIMITS_FLAG_BITS);
	CHECK_EQ_INT(l.perm_account, 1);
	CHECK_EQ_INT(l.perm_alias, 2);
	CHECK_EQ_INT(l.perm_forward, 4);
	CHECK_EQ_INT(l.perm_autoresponder, 3);
	CHECK_EQ_INT(l.perm_maillist, 7);
	CHECK_EQ_INT(l.perm_maillist_users, 0);
	CHECK_EQ_INT(l.perm_maillist_moderators, 0);
	CHECK_EQ_INT(l.perm_quota, 5);
	CHECK_EQ_INT(l.perm_defaultquota, 6);
	/* and writes it back byte for byte */
	char out[2048];
	size_t n = vp_limits_format(&l, out, sizeof out);
	CHECK_EQ_INT(n, strlen(every_key));
	CHECK_EQ_STR(out, every_key);
	/* each flag word alone maps to its user flag */
	static const struct { const char *w; unsigned long f; } words[] = {
		{ "disable_pop", VP_NO_POP }, { "disable_imap", VP_NO_IMAP },
		{ "disable_dialup", VP_NO_DIALUP }, { "disable_password_changing", VP_NO_PASSWD_CHNG },
		{ "disable_webmail", VP_NO_WEBMAIL }, { "disable_external_relay", VP_NO_RELAY },
		{ "disable_smtp", VP_NO_SMTP }, { "disable_spamassassin", VP_NO_SPAMASSASSIN },
		{ "delete_spam", VP_DELETE_SPAM }, { "disable_maildrop", VP_NO_MAILDROP },
	};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		vp_limits_parse(words[i].w, strlen(words[i].w), &l);
		CHECK_EQ_INT(l.flag_mask, words[i].f);
	}
}

TEST(writer_matches_vmoddomlimits)
{
	vp_limits l;
	vp_limits_init(&l);
	l.max_popaccounts = 10;
	l.max_aliases = 5;
	l.default_quota = 10485760;
	char out[2048];
	vp_limits_format(&l, out, sizeof out);
	CHECK_EQ_STR(out, vmod_file);
	/* vmoddomlimits' file reads back as what it said (-S in the fixture) */
	vp_limits r;
	vp_limits_parse(vmod_file, strlen(vmod_file), &r);
	CHECK_EQ_INT(r.max_popaccounts, 10);
	CHECK_EQ_INT(r.max_aliases, 5);
	CHECK_EQ_INT(r.max_forwards, -1);
	CHECK_EQ_INT(r.quota_mb, 0);
	CHECK_EQ_INT(r.default_quota, 10485760);
	CHECK_EQ_INT(r.flag_mask, 0);
	/* the flags go between the numbers and the permissions, in its order */
	l.flag_mask = VP_NO_SMTP | VP_NO_POP;
	vp_limits_format(&l, out, sizeof out);
	CHECK(strstr(out, "default_maxmsgcount: 0\ndisable_pop\ndisable_smtp\nperm_account: 0\n") != NULL);
	/* measuring */
	CHECK_EQ_INT(vp_limits_format(&l, NULL, 0), strlen(out));
}

TEST(maillist_permissions)
{
	vp_limits l;
	/* vmoddomlimits writes the users/moderators groups into perm_quota */
	char buf[256];
	snprintf(buf, sizeof buf, "perm_maillist: 1\nperm_quota: %d\n", 4 | (2 << 3) | (5 << 6));
	vp_limits_parse(buf, strlen(buf), &l);
	CHECK_EQ_INT(l.perm_maillist, 1);
	CHECK_EQ_INT(l.perm_maillist_users, 2);
	CHECK_EQ_INT(l.perm_maillist_moderators, 5);
	CHECK_EQ_INT(l.perm_quota, 4);
	/* we write them where vpopmail's reader looks */
	char out[2048];
	vp_limits_format(&l, out, sizeof out);
	snprintf(buf, sizeof buf, "perm_maillist: %d\nperm_quota: 4\n", 1 | (2 << 3) | (5 << 6));
	CHECK(strstr(out, buf) != NULL);
	vp_limits r;
	vp_limits_parse(out, strlen(out), &r);
	CHECK_EQ_INT(r.perm_maillist, 1);
	CHECK_EQ_INT(r.perm_maillist_users, 2);
	CHECK_EQ_INT(r.perm_maillist_moderators, 5);
	CHECK_EQ_INT(r.perm_quota, 4);
	/* a packed perm_maillist wins over stray high bits of perm_quota */
	snprintf(buf, sizeof buf, "perm_maillist: %d\nperm_quota: %d\n", 3 << 3, 7 << 3);
	vp_limits_parse(buf, strlen(buf), &l);
	CHECK_EQ_INT(l.perm_maillist_users, 3);
	CHECK_EQ_INT(l.perm_maillist_moderators, 0);
	CHECK_EQ_INT(l.perm_quota, 0);
	/* perm_* are masked to 3 bits, as atoi() & 7 */
	vp_limits_parse("perm_account: 15\nperm_alias: -1\n", 32, &l);
	CHECK_EQ_INT(l.perm_account, 7);
	CHECK_EQ_INT(l.perm_alias, 7);
}

TEST(reader_quirks)
{
	vp_limits l;
	/* a numeric key with no separator is ignored, with one it is 0 */
	const char *t1 = "maxpopaccounts\nmaxaliases:\nmaxforwards \t\n";
	vp_limits_parse(t1, strlen(t1), &l);
	CHECK_EQ_INT(l.max_popaccounts, -1);
	CHECK_EQ_INT(l.max_aliases, 0);
	CHECK_EQ_INT(l.max_forwards, 0);
	/* CR ends a line; leading digits only; tabs and runs of ':' separate */
	const char *t2 = "maxpopaccounts: 7\r\nquota\t::\t250MB\r\nmaxmsgcount 12abc\n# maxaliases: 3\n";
	vp_limits_parse(t2, strlen(t2), &l);
	CHECK_EQ_INT(l.max_popaccounts, 7);
	CHECK_EQ_INT(l.quota_mb, 250);
	CHECK_EQ_INT(l.maxmsgcount, 12);
	CHECK_EQ_INT(l.max_aliases, -1);
	/* normalised: a negative max is unlimited, a negative quota none */
	const char *t3 = "maxaliases: -7\nquota: -5\ndefault_quota: -1\nmaxforwards: 99999999999\n";
	vp_limits_parse(t3, strlen(t3), &l);
	CHECK_EQ_INT(l.max_aliases, -1);
	CHECK_EQ_INT(l.quota_mb, 0);
	CHECK_EQ_INT(l.default_quota, 0);
	CHECK_EQ_INT(l.max_forwards, 2147483647);
	/* a flag word counts whatever follows it, as in vpopmail */
	vp_limits_parse("disable_pop: 0\n", 15, &l);
	CHECK_EQ_INT(l.flag_mask, VP_NO_POP);
	/* the last line for a key wins; unknown keys are ignored */
	const char *t4 = "maxaliases: 1\nfrobnicate: 9\nmaxaliases: 2";
	vp_limits_parse(t4, strlen(t4), &l);
	CHECK_EQ_INT(l.max_aliases, 2);
}

static int has_user(const char *dd, const char *name)
{
	char *l = vpasswd_line(dd, name);
	free(l);
	return l != NULL;
}

static void make_domain(sandbox *s, char *dd, size_t size)
{
	vp_error e;
	sandbox_init(s);
	s->cfg.uid = 89;
	s->cfg.gid = 89;
	if (vp_add_domain_ex(&s->cfg, "example.com", "Secret123", NULL, NULL, 0, &e) != 0)
		fprintf(stderr, "  add_domain: %s\n", e.msg);
	domain_dir(dd, size, s, "example.com");
}

static int lim_edit(void *ctx, vp_limits *lim, vp_error *err)
{
	(void)err;
	lim->max_forwards = *(long *)ctx;
	return 0;
}

TEST(set_get_delete)
{
	sandbox s;
	char dd[2048], p[4096], q[4096];
	vp_error e;
	vp_limits l;
	make_domain(&s, dd, sizeof dd);
	const vp_config *c = &s.cfg;
	snprintf(p, sizeof p, "%s/.qmailadmin-limits", dd);
	/* nothing yet: built-in */
	OK(vp_get_domain_limits(c, "example.com", &l, E));
	CHECK_EQ_INT(l.source, VP_LIMITS_BUILTIN);
	CHECK_EQ_INT(l.max_popaccounts, -1);
	/* vlimits.default applies to every domain without a file */
	snprintf(q, sizeof q, "%s/etc", s.home);
	mkdir(q, 0755);
	snprintf(q, sizeof q, "%s/etc/vlimits.default", s.home);
	write_text(q, "maxpopaccounts 50\ndisable_imap\n");
	OK(vp_get_domain_limits(c, "EXAMPLE.com", &l, E));
	CHECK_EQ_INT(l.source, VP_LIMITS_DEFAULT);
	CHECK_EQ_INT(l.max_popaccounts, 50);
	CHECK_EQ_INT(l.flag_mask, VP_NO_IMAP);
	/* set writes the whole file, vmoddomlimits' bytes, 0600 */
	vp_limits_init(&l);
	l.max_popaccounts = 10;
	l.max_aliases = 5;
	l.default_quota = 10485760;
	OK(vp_set_domain_limits(c, "example.com", &l, E));
	CHECK(file_is(p, vmod_file));
	CHECK_EQ_INT(mode_of(p), 0600);
	OK(vp_get_domain_limits(c, "example.com", &l, E));
	CHECK_EQ_INT(l.source, VP_LIMITS_DOMAIN);
	CHECK_EQ_INT(l.max_popaccounts, 10);
	CHECK_EQ_INT(l.flag_mask, 0); /* the default's disable_imap no longer applies */
	/* edit: read-modify-write of one field */
	long fwd = 3;
	OK(vp_edit_domain_limits(c, "example.com", lim_edit, &fwd, E));
	OK(vp_get_domain_limits(c, "example.com", &l, E));
	CHECK_EQ_INT(l.max_forwards, 3);
	CHECK_EQ_INT(l.max_popaccounts, 10);
	/* out of range: refused, file unchanged */
	char *before = slurp(p, NULL);
	l.max_aliases = -2;
	CHECK_EQ_INT(vp_set_domain_limits(c, "example.com", &l, &e), VA_PARSE_ERROR);
	l.max_aliases = 5;
	l.perm_quota = 8;
	CHECK_EQ_INT(vp_set_domain_limits(c, "example.com", &l, &e), VA_PARSE_ERROR);
	l.perm_quota = 0;
	l.flag_mask = VP_QA_ADMIN;
	CHECK_EQ_INT(vp_set_domain_limits(c, "example.com", &l, &e), VA_PARSE_ERROR);
	CHECK(before && file_is(p, before));
	free(before);
	CHECK_EQ_INT(vp_set_domain_limits(c, "nowhere.test", &l, &e), VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_set_domain_limits(c, "example.com", NULL, &e), VA_NULL_POINTER);
	/* an alias domain is its real domain */
	OK(vp_add_alias_domain(c, "alias.test", "example.com", E));
	OK(vp_get_domain_limits(c, "alias.test", &l, E));
	CHECK_EQ_INT(l.max_forwards, 3);
	/* delete: back to vlimits.default; deleting again is fine */
	OK(vp_del_domain_limits(c, "example.com", E));
	CHECK(access(p, F_OK) != 0 && errno == ENOENT);
	OK(vp_get_domain_limits(c, "example.com", &l, E));
	CHECK_EQ_INT(l.source, VP_LIMITS_DEFAULT);
	OK(vp_del_domain_limits(c, "example.com", E));
	CHECK_EQ_INT(vp_del_domain_limits(c, "nowhere.test", &e), VA_DOMAIN_DOES_NOT_EXIST);
	/* unreadable domain file: an error, not a silent fallback */
	mkdir(p, 0700);
	CHECK_EQ_INT(vp_get_domain_limits(c, "example.com", &l, &e), VA_CANNOT_READ_LIMITS);
	rmdir(p);
	sandbox_free(&s);
}

TEST(enforce_mailboxes)
{
	sandbox s;
	char dd[2048], p[4096];
	vp_error e;
	make_domain(&s, dd, sizeof dd);
	vp_config *c = &s.cfg;
	snprintf(p, sizeof p, "%s/.qmailadmin-limits", dd);
	write_text(p, "maxpopaccounts: 2\n"); /* postmaster is one */
	/* off (the default): the limit is only data */
	OK(vp_add_user(c, "ann", "example.com", "pw1", "", 0, E));
	OK(vp_add_user(c, "ben", "example.com", "pw1", "", 0, E));
	c->enforce_limits = 1;
	CHECK_EQ_INT(vp_add_user(c, "cid", "example.com", "pw1", "", 0, &e), VA_LIMIT_REACHED);
	CHECK(strstr(e.msg, "has 3 mailboxes, maxpopaccounts is 2") != NULL);
	CHECK(!has_user(dd, "cid"));
	char home[4096];
	snprintf(home, sizeof home, "%s/cid", dd);
	CHECK(access(home, F_OK) != 0);
	/* a batch is judged by what it adds minus what it deletes */
	write_text(p, "maxpopaccounts: 4\n");
	vp_batch *b;
	OK(vp_batch_begin(c, "example.com", &b, E));
	OK(vp_batch_add_user(b, "dan", "pw1", NULL, 0, NULL, E));
	OK(vp_batch_add_user(b, "eve", "pw1", NULL, 0, NULL, E));
	CHECK_EQ_INT(vp_batch_commit(b, NULL, &e), VA_LIMIT_REACHED);
	CHECK(!has_user(dd, "dan"));
	OK(vp_batch_begin(c, "example.com", &b, E));
	OK(vp_batch_del_user(b, "ann", E));
	OK(vp_batch_add_user(b, "dan", "pw1", NULL, 0, NULL, E));
	OK(vp_batch_add_user(b, "eve", "pw1", NULL, 0, NULL, E));
	OK(vp_batch_commit(b, NULL, E));
	CHECK(cdb_matches_vpasswd(dd));
	/* 0 means none at all; -1 unlimited */
	write_text(p, "maxpopaccounts: 0\n");
	CHECK_EQ_INT(vp_add_user(c, "fay", "example.com", "pw1", "", 0, &e), VA_LIMIT_REACHED);
	write_text(p, "maxpopaccounts: -1\n");
	OK(vp_add_user(c, "fay", "example.com", "pw1", "", 0, E));
	sandbox_free(&s);
}

TEST(enforce_quota)
{
	sandbox s;
	char dd[2048], p[4096], fl[256];
	vp_error e;
	make_domain(&s, dd, sizeof dd);
	vp_config *c = &s.cfg;
	snprintf(p, sizeof p, "%s/.qmailadmin-limits", dd);
	write_text(p, "quota: 100\nmaxmsgcount: 500\ndefault_quota: 209715200\n");
	/* off: the default quota as vadduser gives it */
	OK(vp_add_user(c, "ann", "example.com", "pw1", "", 0, E));
	char *l = vpasswd_line(dd, "ann");
	CHECK(l && strcmp(field(l, 6, fl, sizeof fl), "209715200S") == 0);
	free(l);
	c->enforce_limits = 1;
	/* on: the default is lowered to the domain's caps */
	OK(vp_add_user(c, "ben", "example.com", "pw1", "", 0, E));
	l = vpasswd_line(dd, "ben");
	CHECK(l && strcmp(field(l, 6, fl, sizeof fl), "104857600S,500C") == 0);
	free(l);
	snprintf(p, sizeof p, "%s/ben/Maildir/maildirsize", dd);
	CHECK(file_is(p, "104857600S,500C\n0 0\n"));
	snprintf(p, sizeof p, "%s/.qmailadmin-limits", dd);
	/* an explicit quota above the cap, or unlimited, is refused */
	CHECK_EQ_INT(vp_set_quota(c, "ben", "example.com", "200M", &e), VA_QUOTA_OVER_DOMAIN);
	CHECK(strstr(e.msg, "100 MB") != NULL);
	CHECK_EQ_INT(vp_set_quota(c, "ben", "example.com", "NOQUOTA", &e), VA_QUOTA_OVER_DOMAIN);
	CHECK_EQ_INT(vp_set_quota(c, "ben", "example.com", "50M,600C", &e), VA_QUOTA_OVER_DOMAIN);
	OK(vp_set_quota(c, "ben", "example.com", "100M,500C", E));
	/* a part left out gets the cap */
	OK(vp_set_quota(c, "ben", "example.com", "5M", E));
	l = vpasswd_line(dd, "ben");
	CHECK(l && strcmp(field(l, 6, fl, sizeof fl), "5242880S,500C") == 0);
	free(l);
	vp_batch *b;
	OK(vp_batch_begin(c, "example.com", &b, E));
	CHECK_EQ_INT(vp_batch_add_user(b, "cid", "pw1", NULL, 0, "1G", &e), VA_QUOTA_OVER_DOMAIN);
	CHECK_EQ_INT(vp_batch_set_quota(b, "ann", "NOQUOTA", &e), VA_QUOTA_OVER_DOMAIN);
	OK(vp_batch_add_user(b, "cid", "pw1", NULL, 0, "10M", E));
	OK(vp_batch_add_user(b, "dan", "pw1", NULL, 0, NULL, E));
	OK(vp_batch_commit(b, NULL, E));
	l = vpasswd_line(dd, "cid");
	CHECK(l && strcmp(field(l, 6, fl, sizeof fl), "10485760S,500C") == 0);
	free(l);
	l = vpasswd_line(dd, "dan");
	CHECK(l && strcmp(field(l, 6, fl, sizeof fl), "104857600S,500C") == 0);
	free(l);
	/* no domain quota: nothing capped */
	write_text(p, "default_quota: 209715200\n");
	OK(vp_add_user(c, "eve", "example.com", "pw1", "", 0, E));
	l = vpasswd_line(dd, "eve");
	CHECK(l && strcmp(field(l, 6, fl, sizeof fl), "209715200S") == 0);
	free(l);
	OK(vp_set_quota(c, "eve", "example.com", "NOQUOTA", E));
	/* a domain quota without a default gives new mailboxes the cap */
	write_text(p, "quota: 10\n");
	OK(vp_add_user(c, "fay", "example.com", "pw1", "", 0, E));
	l = vpasswd_line(dd, "fay");
	CHECK(l && strcmp(field(l, 6, fl, sizeof fl), "10485760S") == 0);
	free(l);
	sandbox_free(&s);
}

TEST(enforce_aliases)
{
	sandbox s;
	char dd[2048], p[4096];
	vp_error e;
	make_domain(&s, dd, sizeof dd);
	vp_config *c = &s.cfg;
	c->allow_program_aliases = 1;
	snprintf(p, sizeof p, "%s/.qmailadmin-limits", dd);
	write_text(p, "maxaliases: 4\nmaxforwards: 2\nmaxautoresponders: 1\n");
	c->enforce_limits = 1;
	OK(vp_alias_add(c, "sales", "example.com", "&a@remote.test", E));
	OK(vp_alias_add(c, "sales", "example.com", "&b@remote.test", E)); /* same forward */
	OK(vp_alias_add(c, "info", "example.com", "&c@remote.test", E));
	CHECK_EQ_INT(vp_alias_add(c, "team", "example.com", "&d@remote.test", &e), VA_LIMIT_REACHED);
	CHECK(strstr(e.msg, "has 2 forwards, maxforwards is 2") != NULL);
	snprintf(p, sizeof p, "%s/.qmail-team", dd);
	CHECK(access(p, F_OK) != 0);
	/* an autoresponder is not a forward */
	const char *robot = "|/usr/local/bin/autorespond 10000 5 /x/ROBOT/message /x/ROBOT";
	OK(vp_alias_add(c, "robot", "example.com", robot, E));
	/* its copy address keeps it a robot */
	OK(vp_alias_add(c, "robot", "example.com", "&owner@remote.test", E));
	CHECK_EQ_INT(vp_alias_add(c, "robot2", "example.com", robot, &e), VA_LIMIT_REACHED);
	/* turning a forward into a robot needs a free autoresponder */
	CHECK_EQ_INT(vp_alias_add(c, "info", "example.com", robot, &e), VA_LIMIT_REACHED);
	/* the fourth alias of any kind is fine, the fifth is not */
	OK(vp_alias_add(c, "list", "example.com", "|/usr/bin/ezmlm-reject '/x/list'", E));
	CHECK_EQ_INT(vp_alias_add(c, "more", "example.com", "|/usr/bin/true", &e), VA_LIMIT_REACHED);
	CHECK(strstr(e.msg, "has 4 aliases, maxaliases is 4") != NULL);
	/* enforcement off: the same adds pass */
	c->enforce_limits = 0;
	OK(vp_alias_add(c, "team", "example.com", "&d@remote.test", E));
	OK(vp_alias_add(c, "robot2", "example.com", robot, E));
	sandbox_free(&s);
}

static void put(const char *dir, const char *name, const char *text)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	write_text(p, text);
}

TEST(usage_counts)
{
	sandbox s;
	char dd[2048], p[4096];
	vp_error e;
	vp_domain_usage u;
	make_domain(&s, dd, sizeof dd);
	vp_config *c = &s.cfg;
	snprintf(p, sizeof p, "%s/.qmailadmin-limits", dd);
	write_text(p, "maxpopaccounts: 10\nmaxforwards: 5\nquota: 100\n");
	OK(vp_add_user(c, "ann", "example.com", "pw1", "", 0, E));
	OK(vp_add_user(c, "ben", "example.com", "pw1", "", 0, E));
	OK(vp_add_user(c, "cid", "example.com", "pw1", "", 0, E));
	OK(vp_set_quota(c, "ann", "example.com", "10M", E));
	OK(vp_set_quota(c, "ben", "example.com", "20M,100C", E));
	/* ann: maildirsize says 3000 bytes in 2 messages (as deliveries append) */
	snprintf(p, sizeof p, "%s/ann/Maildir/maildirsize", dd);
	write_text(p, "10485760S\n0 0\n1000 1\n2000 1\n");
	/* ben: messages on disk, maildirsize says otherwise: trusted unless exact */
	snprintf(p, sizeof p, "%s/ben/Maildir/new", dd);
	put(p, "1700000000.1.host,S=500", "x");
	put(p, "1700000000.2.host,S=700", "x");
	snprintf(p, sizeof p, "%s/ben/Maildir/maildirsize", dd);
	write_text(p, "20971520S,100C\n0 0\n");
	/* cid: no quota: scanned, a maildirsize left over from a quota ignored */
	snprintf(p, sizeof p, "%s/cid/Maildir/cur", dd);
	put(p, "1700000000.3.host,S=4000:2,S", "x");
	snprintf(p, sizeof p, "%s/cid/Maildir/maildirsize", dd);
	write_text(p, "1000000S\n99999 99\n");
	/* aliases of every kind */
	put(dd, ".qmail-sales", "&a@remote.test\n&b@remote.test\n");
	put(dd, ".qmail-info", "&c@remote.test\n");
	put(dd, ".qmail-void", "# delete\n");
	put(dd, ".qmail-robot", "|/usr/local/bin/autorespond 10000 5 /x/R/message /x/R\n&o@remote.test\n");
	put(dd, ".qmail-list", "|/usr/local/bin/ezmlm/ezmlm-reject '/x/list'\n|/usr/local/bin/ezmlm/ezmlm-send '/x/list'\n");
	put(dd, ".qmail-shell", "| /usr/local/bin/ezmlm-manage\n"); /* a space before the path: a forward */
	put(dd, ".qmail-empty", "");                                   /* valias skips it */
	put(dd, ".qmail-x.lock", "&z@remote.test\n");                  /* never an alias */

	OK(vp_domain_usage_get(c, "example.com", 0, &u, E));
	CHECK_EQ_STR(u.domain, "example.com");
	CHECK_EQ_INT(u.mailboxes, 4);
	CHECK_EQ_INT(u.aliases, 6);
	CHECK_EQ_INT(u.forwards, 3);
	CHECK_EQ_INT(u.blackholes, 1);
	CHECK_EQ_INT(u.autoresponders, 1);
	CHECK_EQ_INT(u.mailinglists, 1);
	CHECK_EQ_INT(u.bytes, 3000 + 0 + 4000);
	CHECK_EQ_INT(u.messages, 2 + 0 + 1);
	CHECK_EQ_INT(u.scanned, 2); /* cid and postmaster */
	CHECK_EQ_INT(u.quota_allocated, 10485760 + 20971520);
	CHECK_EQ_INT(u.unlimited, 2);
	CHECK_EQ_INT(u.limits.max_popaccounts, 10);
	CHECK_EQ_INT(u.limits.quota_mb, 100);
	/* exact: every Maildir scanned */
	OK(vp_domain_usage_get(c, "example.com", VP_USAGE_EXACT, &u, E));
	CHECK_EQ_INT(u.bytes, 0 + 1200 + 4000);
	CHECK_EQ_INT(u.messages, 3);
	CHECK_EQ_INT(u.scanned, 4);
	/* the report writes nothing: ann's maildirsize is as it was */
	snprintf(p, sizeof p, "%s/ann/Maildir/maildirsize", dd);
	CHECK(file_is(p, "10485760S\n0 0\n1000 1\n2000 1\n"));
	/* counts only */
	OK(vp_domain_usage_get(c, "example.com", VP_USAGE_NO_DISK, &u, E));
	CHECK_EQ_INT(u.bytes, 0);
	CHECK_EQ_INT(u.mailboxes, 4);
	CHECK_EQ_INT(u.forwards, 3);
	/* more mailboxes than one thread takes: the same sums */
	vp_batch *b;
	OK(vp_batch_begin(c, "example.com", &b, E));
	for (int i = 0; i < 150; i++) {
		char n[32];
		snprintf(n, sizeof n, "m%03d", i);
		OK(vp_batch_add_user(b, n, "pw1", NULL, 0, i % 2 ? "1M" : NULL, E));
	}
	OK(vp_batch_commit(b, NULL, E));
	/* one message each: counted for the NOQUOTA ones (scanned), not for
	 * those with a quota (their maildirsize, written at the add, says 0) */
	for (int i = 0; i < 150; i++) {
		char n[32], name[64];
		vp_user_entry ue;
		snprintf(n, sizeof n, "m%03d", i);
		CHECK_EQ_INT(vp_get_user(c, n, "example.com", &ue, NULL, &e), 1);
		snprintf(p, sizeof p, "%s/Maildir/new", ue.dir);
		snprintf(name, sizeof name, "1700000000.%d.host,S=%d", i, i + 1);
		put(p, name, "x");
	}
	OK(vp_domain_usage_get(c, "example.com", 0, &u, E));
	CHECK_EQ_INT(u.mailboxes, 154);
	CHECK_EQ_INT(u.bytes, 3000 + 0 + 4000 + 75 * 75);
	CHECK_EQ_INT(u.messages, 3 + 75);
	CHECK_EQ_INT(u.quota_allocated, 10485760 + 20971520 + 75 * 1048576ULL);
	CHECK_EQ_INT(u.unlimited, 2 + 75);
	CHECK_EQ_INT(u.scanned, 2 + 75);
	/* a mailbox whose Maildir is gone counts as empty */
	snprintf(p, sizeof p, "%s/cid/Maildir", dd);
	vp_remove_tree(dd, p, &e);
	OK(vp_domain_usage_get(c, "example.com", 0, &u, E));
	CHECK_EQ_INT(u.bytes, 3000 + 75 * 75);
	CHECK_EQ_INT(vp_domain_usage_get(c, "nowhere.test", 0, &u, &e), VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_domain_usage_get(c, "example.com", 0, NULL, &e), VA_NULL_POINTER);
	sandbox_free(&s);
}

TEST(fifo_maildirsize_does_not_hang)
{
	sandbox s;
	char dd[2048], p[4096];
	vp_quota_usage q;
	vp_domain_usage u;
	make_domain(&s, dd, sizeof dd);
	vp_config *c = &s.cfg;
	OK(vp_add_user(c, "ann", "example.com", "pw1", "", 0, E));
	OK(vp_set_quota(c, "ann", "example.com", "1M", E));
	snprintf(p, sizeof p, "%s/ann/Maildir/maildirsize", dd);
	unlink(p);
	CHECK_EQ_INT(mkfifo(p, 0600), 0);
	/* a reader without O_NONBLOCK would wait for a writer forever */
	alarm(20);
	OK(vp_domain_usage_get(c, "example.com", 0, &u, E));
	CHECK_EQ_INT(u.bytes, 0);
	OK(vp_get_quota_usage(c, "ann", "example.com", &q, E));
	CHECK_EQ_INT(q.recomputed, 1);
	alarm(0);
	sandbox_free(&s);
}

int main(void)
{
	(void)compare_step;
	RUN(reads_every_key);
	RUN(writer_matches_vmoddomlimits);
	RUN(maillist_permissions);
	RUN(reader_quirks);
	RUN(set_get_delete);
	RUN(enforce_mailboxes);
	RUN(enforce_quota);
	RUN(enforce_aliases);
	RUN(usage_counts);
	RUN(fifo_maildirsize_does_not_hang);
	return T_SUMMARY();
}
