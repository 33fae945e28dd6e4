/* test_delivery.c: vp_delivery.c: a user's .qmail and vacation, domain
 * autoresponders, checked against the files the real qmailadmin 1.2.27 wrote
 * (tests/fixtures/qmailadmin-1.2) and against hostile input. */
#include "t.h"
#include "tree.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "vp_vpasswd.h"

#include "fixture.h"

#define QA "qmailadmin-1.2"
#define BASE "main/05-vadduser-dave"

/* The qmailadmin base tree (example.com, postmaster alice bob carol dave)
 * with the homes moved into the sandbox. */
static int qa_sandbox(sandbox *s)
{
	char dd[2048], p[4096];
	size_t len, nl;
	vp_error e;
	if (sandbox_from_fixture(s, QA, BASE) != 0)
		return -1;
	domain_dir(dd, sizeof dd, s, "example.com");
	snprintf(p, sizeof p, "%s/vpasswd", dd);
	char *text = slurp(p, &len);
	if (!text)
		return -1;
	char *mapped = replace_all(text, len, "/home/vpopmail", s->home, &nl);
	free(text);
	int rc = write_text(p, mapped);
	free(mapped);
	vp_domain_info d;
	if (rc == 0 && vp_domain_lookup(&s->cfg, "example.com", &d, &e) == 1)
		rc = vp_vpw_update(&s->cfg, &d, VP_VPW_REBUILD, NULL, NULL, 0, &e);
	return rc;
}

/* Our file equals the fixture's (paths mapped), or both are missing. */
static int same_as_fixture(const sandbox *s, const char *step, const char *rel)
{
	char ours[4096], fix[4096];
	size_t ol = 0, fl = 0, nl;
	snprintf(ours, sizeof ours, "%s/domains/example.com/%s", s->home, rel);
	snprintf(fix, sizeof fix, "%s/" QA "/%s/vpopmail/domains/example.com/%s", fixtures_dir(), step, rel);
	char *o = slurp(ours, &ol), *f = slurp(fix, &fl);
	int ok;
	if (!o || !f) {
		ok = !o && !f;
	} else {
		char *n = normalize(s, rel, o, ol, &nl);
		ok = nl == fl && memcmp(n, f, fl) == 0;
		if (!ok)
			fprintf(stderr, "    %s: ours\n%s\n    fixture %s:\n%s\n", rel, n, step, f);
		free(n);
	}
	if (!ok && (!o || !f))
		fprintf(stderr, "    %s: ours %s, fixture %s %s\n", rel, o ? "present" : "missing", step,
		        f ? "present" : "missing");
	free(o);
	free(f);
	return ok;
}

static void path_of(char *dst, size_t size, const sandbox *s, const char *rel)
{
	snprintf(dst, size, "%s/domains/example.com/%s", s->home, rel);
}

static int exists(const sandbox *s, const char *rel)
{
	char p[4096];
	struct stat st;
	path_of(p, sizeof p, s, rel);
	return lstat(p, &st) == 0;
}

static int text_is(const sandbox *s, const char *rel, const char *expect)
{
	char p[4096];
	path_of(p, sizeof p, s, rel);
	size_t len, nl;
	char *d = slurp(p, &len);
	if (!d) {
		fprintf(stderr, "    %s missing\n", rel);
		return 0;
	}
	char *n = normalize(s, rel, d, len, &nl);
	int ok = nl == strlen(expect) && memcmp(n, expect, nl) == 0;
	if (!ok)
		fprintf(stderr, "    %s:\n%s\n    expected:\n%s\n", rel, n, expect);
	free(d);
	free(n);
	return ok;
}

static vp_delivery_change mode_change(enum vp_delivery_mode m, const char *const *fw, size_t n, int keep)
{
	vp_delivery_change c;
	memset(&c, 0, sizeof c);
	c.set_mode = 1;
	c.mode = m;
	c.forward = fw;
	c.forward_count = n;
	c.keep_copy = keep;
	return c;
}

static vp_delivery_change vacation_change(int on, const char *subject, const char *body, const char *cs)
{
	vp_delivery_change c;
	memset(&c, 0, sizeof c);
	c.set_vacation = 1;
	c.vacation = on;
	c.subject = subject;
	c.body = body;
	c.charset = cs;
	return c;
}

/* Every file and dir under the sandbox: path, mode, size, a byte sum. */
static void snapshot(const char *dir, char *out, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	char names[256][256];
	int n = 0;
	while ((de = readdir(d)) && n < 256)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			snprintf(names[n++], 256, "%s", de->d_name);
	closedir(d);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (strcmp(names[i], names[j]) > 0) {
				char t[256];
				memcpy(t, names[i], 256);
				memcpy(names[i], names[j], 256);
				memcpy(names[j], t, 256);
			}
	for (int i = 0; i < n; i++) {
		char p[4096];
		struct stat st;
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		if (lstat(p, &st) != 0)
			continue;
		unsigned long sum = 0;
		if (S_ISREG(st.st_mode)) {
			size_t l;
			char *data = slurp(p, &l);
			for (size_t k = 0; data && k < l; k++)
				sum = sum * 31 + (unsigned char)data[k];
			free(data);
		}
		size_t used = strlen(out);
		snprintf(out + used, size - used, "%s %o %ld %lu\n", p, (unsigned)st.st_mode,
		         (long)st.st_size, sum);
		if (S_ISDIR(st.st_mode))
			snapshot(p, out, size);
	}
}

/* ---- the fixture's per-user steps, byte for byte ---- */

TEST(replays_qmailadmin_user_steps)
{
	sandbox s;
	CHECK_EQ_INT(qa_sandbox(&s), 0);
	const char *one[] = { "alice@remote.example" };
	const char *two[] = { "alice@remote.example", " alice.backup@other.example" };
	vp_delivery_change c;

	c = mode_change(VP_DELIVERY_FORWARD, one, 1, 0);
	OK(vp_set_delivery(&s.cfg, "alice", "example.com", &c, E));
	CHECK(same_as_fixture(&s, "main/07-alice-forward-one", "alice/.qmail"));
	c = mode_change(VP_DELIVERY_FORWARD, two, 2, 1);
	OK(vp_set_delivery(&s.cfg, "alice", "example.com", &c, E));
	CHECK(same_as_fixture(&s, "main/08-alice-forward-two-savecopy", "alice/.qmail"));
	c = mode_change(VP_DELIVERY_MAILBOX, NULL, 0, 0);
	OK(vp_set_delivery(&s.cfg, "alice", "example.com", &c, E));
	CHECK(!exists(&s, "alice/.qmail"));

	c = vacation_change(1, "Out of office", "I am away until Monday.\r\nYour mail will be read when I am back.", NULL);
	OK(vp_set_delivery(&s.cfg, "bob", "example.com", &c, E));
	CHECK(same_as_fixture(&s, "main/10-bob-vacation-on", "bob/.qmail"));
	CHECK(same_as_fixture(&s, "main/10-bob-vacation-on", "bob/vacation/message"));
	char p[4096];
	path_of(p, sizeof p, &s, "bob/vacation");
	CHECK_EQ_INT(mode_of(p), 0700);
	path_of(p, sizeof p, &s, "bob/vacation/message");
	CHECK_EQ_INT(mode_of(p), 0600);
	c = vacation_change(0, NULL, NULL, NULL);
	OK(vp_set_delivery(&s.cfg, "bob", "example.com", &c, E));
	CHECK(!exists(&s, "bob/.qmail"));
	CHECK(!exists(&s, "bob/vacation"));
	c = mode_change(VP_DELIVERY_DELETE, NULL, 0, 0);
	OK(vp_set_delivery(&s.cfg, "bob", "example.com", &c, E));
	CHECK(same_as_fixture(&s, "main/12-bob-blackhole", "bob/.qmail"));

	/* carol: Latin-1 text; forward + vacation, then blackhole + vacation */
	const char *cf[] = { "carol@remote.example", "bob" };
	c = mode_change(VP_DELIVERY_FORWARD, cf, 2, 1);
	c.set_vacation = 1;
	c.vacation = 1;
	c.subject = "Out of office";
	c.body = "Hello";
	OK(vp_set_delivery(&s.cfg, "carol", "example.com", &c, E));
	CHECK(same_as_fixture(&s, "main/15-carol-forward-copy-vacation", "carol/.qmail"));
	c = mode_change(VP_DELIVERY_DELETE, NULL, 0, 0);
	OK(vp_set_delivery(&s.cfg, "carol", "example.com", &c, E));
	CHECK(same_as_fixture(&s, "main/17-carol-blackhole-vacation", "carol/.qmail"));
	sandbox_free(&s);
}

TEST(reads_every_fixture_state)
{
	static const struct {
		const char *step, *user;
		enum vp_delivery_mode mode;
		int keep, vacation;
		size_t nfw, nother;
	} cases[] = {
		{ "main/07-alice-forward-one", "alice", VP_DELIVERY_FORWARD, 0, 0, 1, 0 },
		{ "main/08-alice-forward-two-savecopy", "alice", VP_DELIVERY_FORWARD, 1, 0, 2, 0 },
		{ "main/09-alice-forward-off", "alice", VP_DELIVERY_MAILBOX, 0, 0, 0, 0 },
		{ "main/10-bob-vacation-on", "bob", VP_DELIVERY_MAILBOX, 0, 1, 0, 0 },
		{ "main/12-bob-blackhole", "bob", VP_DELIVERY_DELETE, 0, 0, 0, 0 },
		{ "main/14-carol-forward-vacation", "carol", VP_DELIVERY_FORWARD, 0, 1, 1, 0 },
		{ "main/15-carol-forward-copy-vacation", "carol", VP_DELIVERY_FORWARD, 1, 1, 2, 0 },
		/* qmailadmin shows "standard": but nothing delivers to the mailbox */
		{ "main/16-err-carol-forward-empty", "carol", VP_DELIVERY_DELETE, 0, 1, 0, 0 },
		{ "main/17-carol-blackhole-vacation", "carol", VP_DELIVERY_DELETE, 0, 1, 0, 0 },
		{ "main/43-alice-spamcheck-hidden-field", "alice", VP_DELIVERY_OTHER, 0, 0, 0, 1 },
		{ "main/45-dave-foreign-dotqmail", "dave", VP_DELIVERY_FORWARD, 1, 1, 2, 3 },
		{ "main/46-dave-mod-forward-copy", "dave", VP_DELIVERY_FORWARD, 1, 0, 1, 1 },
		{ "main/47-dave-mod-standard", "dave", VP_DELIVERY_MAILBOX, 0, 0, 0, 1 },
		{ "extra-modify-quota-spam/10-alice-spam-forward-copy", "alice", VP_DELIVERY_FORWARD, 0, 0, 1, 1 },
		{ "extra-modify-quota-spam/11-alice-spam-forward-nocopy", "alice", VP_DELIVERY_FORWARD, 0, 0, 1, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sandbox s;
			char src[4096], dst[2048];
		CHECK_EQ_INT(qa_sandbox(&s), 0);
		snprintf(src, sizeof src, "%s/" QA "/%s/vpopmail", fixtures_dir(), cases[i].step);
		struct stat st;
		if (stat(src, &st) == 0) {
			/* the step's delivery files, paths mapped as in the homes */
			snprintf(dst, sizeof dst, "%s/%s", s.root, "stepfiles");
			CHECK_EQ_INT(copy_tree(src, dst), 0);
			char from[8192], to[8192], q[8192];
			snprintf(from, sizeof from, "%s/domains/example.com/%s/.qmail", dst, cases[i].user);
			snprintf(to, sizeof to, "%s/domains/example.com/%s/.qmail", s.home, cases[i].user);
			size_t l, nl;
			char *d = slurp(from, &l);
			if (d) {
				char *m = replace_all(d, l, "/home/vpopmail", s.home, &nl);
				CHECK_EQ_INT(write_text(to, m), 0);
				free(m);
				free(d);
			}
			snprintf(from, sizeof from, "%s/domains/example.com/%s/vacation", dst, cases[i].user);
			snprintf(q, sizeof q, "%s/domains/example.com/%s/vacation", s.home, cases[i].user);
			if (stat(from, &st) == 0)
				CHECK_EQ_INT(copy_tree(from, q), 0);
		}
		vp_delivery d;
		OK(vp_get_delivery(&s.cfg, cases[i].user, "example.com", &d, E));
		if (d.mode != cases[i].mode || d.keep_copy != cases[i].keep || d.vacation != cases[i].vacation ||
		    d.forward_count != cases[i].nfw || d.other_count != cases[i].nother) {
			fprintf(stderr, "    %s: mode %d keep %d vacation %d forwards %zu other %zu\n",
			        cases[i].step, d.mode, d.keep_copy, d.vacation, d.forward_count, d.other_count);
			CHECK(0);
		}
		vp_delivery_free(&d);
		sandbox_free(&s);
	}
}

TEST(carol_latin1_subject_is_encoded)
{
	sandbox s;
	CHECK_EQ_INT(qa_sandbox(&s), 0);
	const char *cf[] = { "carol@remote.example" };
	vp_delivery_change c = mode_change(VP_DELIVERY_FORWARD, cf, 1, 0);
	c.set_vacation = 1;
	c.vacation = 1;
	c.subject = "Out of office: B\xfcro closed & back on Monday";
	c.body = "Hello,\r\nI am on holiday until 2 January.\r\nGr\xfc\xdf" "e, Carol\r\n";
	c.charset = "ISO-8859-1";
	OK(vp_set_delivery(&s.cfg, "carol", "example.com", &c, E));
	CHECK(same_as_fixture(&s, "main/14-carol-forward-vacation", "carol/.qmail"));
	CHECK(text_is(&s, "carol/vacation/message",
	              "From: carol@example.com\n"
	              "Subject: =?ISO-8859-1?Q?Out_of_office:_B=FCro_closed_&_back_on_Monday?=\n"
	              "MIME-Version: 1.0\n"
	              "Content-Type: text/plain; charset=ISO-8859-1\n"
	              "Content-Transfer-Encoding: 8bit\n"
	              "\n"
	              "Hello,\nI am on holiday until 2 January.\nGr\xfc\xdf" "e, Carol"));
	vp_delivery d;
	OK(vp_get_delivery(&s.cfg, "carol", "example.com", &d, E));
	CHECK_EQ_STR(d.message.subject, "Out of office: B\xfcro closed & back on Monday");
	CHECK_EQ_STR(d.message.charset, "ISO-8859-1");
	CHECK_EQ_STR(d.message.body, "Hello,\nI am on holiday until 2 January.\nGr\xfc\xdf" "e, Carol");
	vp_delivery_free(&d);
	/* a charset that is not what the bytes are: refused for UTF-8 */
	c.charset = NULL;
	vp_error e;
	CHECK_EQ_INT(vp_set_delivery(&s.cfg, "carol", "example.com", &c, &e), VA_BAD_CHAR);
	sandbox_free(&s);
}

/* Long UTF-8 subjects: words of at most 75 bytes, lines of at most 76, no
 * character split, and the same bytes read back. */
TEST(rfc2047_folding_round_trips)
{
	sandbox s;
	CHECK_EQ_INT(qa_sandbox(&s), 0);
	static const char *const pieces[] = { "a", " ", "\xc3\xbc", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "=", "?", "_", "x" };
	unsigned seed = 12345;
	for (int round = 0; round < 60; round++) {
		char subject[VP_MAX_SUBJECT + 8] = "";
		size_t want = 1 + (size_t)(round * 4) % VP_MAX_SUBJECT;
		while (strlen(subject) < want) {
			seed = seed * 1103515245u + 12345u;
			const char *pc = pieces[(seed >> 16) % 9];
			if (strlen(subject) + strlen(pc) > VP_MAX_SUBJECT)
				break;
			strcat(subject, pc);
		}
		/* the API trims blanks at the ends */
		size_t sl = strlen(subject);
		while (sl && subject[sl - 1] == ' ')
			subject[--sl] = '\0';
		if (!sl || subject[0] == ' ')
			subject[0] = 'x';
		if (!subject[0])
			strcpy(subject, "x");
		vp_delivery_change c = vacation_change(1, subject, "text \xe2\x82\xac", NULL);
		OK(vp_set_delivery(&s.cfg, "bob", "example.com", &c, E));
		char p[4096];
		path_of(p, sizeof p, &s, "bob/vacation/message");
		size_t len;
		char *m = slurp(p, &len);
		CHECK(m != NULL);
		/* header lines only */
		for (char *l = m; m && *l && *l != '\n';) {
			char *nl = strchr(l, '\n');
			size_t ll = nl ? (size_t)(nl - l) : strlen(l);
			if (ll > 76) {
				fprintf(stderr, "    line of %zu bytes: %.*s\n", ll, (int)ll, l);
				CHECK(0);
			}
			for (size_t k = 0; k < ll; k++)
				if ((unsigned char)l[k] >= 0x80 && strncmp(l, "Subject", 7) == 0) {
					fprintf(stderr, "    8-bit byte in the subject header\n");
					CHECK(0);
					break;
				}
			l = nl ? nl + 1 : l + ll;
		}
		free(m);
		vp_delivery d;
		OK(vp_get_delivery(&s.cfg, "bob", "example.com", &d, E));
		if (!d.message.subject || strcmp(d.message.subject, subject) != 0) {
			fprintf(stderr, "    round %d: \"%s\" read back as \"%s\"\n", round, subject,
			        d.message.subject ? d.message.subject : "(null)");
			CHECK(0);
		}
		vp_delivery_free(&d);
	}
	sandbox_free(&s);
}

/* ---- lines of other tools stay, in place ---- */

TEST(foreign_lines_kept_in_place)
{
	sandbox s;
	char p[4096], q[4096];
	CHECK_EQ_INT(qa_sandbox(&s), 0);
	/* step 45: dave's hand-written .qmail */
	snprintf(q, sizeof q, "%s/" QA "/main/45-dave-foreign-dotqmail/vpopmail/domains/example.com/dave/.qmail",
	         fixtures_dir());
	size_t l, nl;
	char *d = slurp(q, &l);
	CHECK(d != NULL);
	char *m = d ? replace_all(d, l, "/home/vpopmail", s.home, &nl) : NULL;
	path_of(p, sizeof p, &s, "dave/.qmail");
	CHECK_EQ_INT(write_text(p, m ? m : ""), 0);
	free(d);
	free(m);
	const char *fw[] = { "dave@remote.example" };
	vp_delivery_change c = mode_change(VP_DELIVERY_FORWARD, fw, 1, 1);
	OK(vp_set_delivery(&s.cfg, "dave", "example.com", &c, E));
	/* qmailadmin (step 46) keeps only the procmail line; we keep every
	 * line we do not manage, where it was */
	CHECK(text_is(&s, "dave/.qmail",
	              "# dave's own .qmail, written by hand\n"
	              "|/usr/bin/procmail -m /etc/procmailrc\n"
	              "| /usr/local/bin/autorespond 86400 3 /old/vacation/message /old/vacation\n"
	              "|preline /usr/local/bin/maildrop /etc/mailfilter\n"
	              "&dave@remote.example\n"
	              "/home/vpopmail/domains/example.com/dave/Maildir/\n"));
	c = mode_change(VP_DELIVERY_MAILBOX, NULL, 0, 0);
	OK(vp_set_delivery(&s.cfg, "dave", "example.com", &c, E));
	CHECK(text_is(&s, "dave/.qmail",
	              "# dave's own .qmail, written by hand\n"
	              "|/usr/bin/procmail -m /etc/procmailrc\n"
	              "| /usr/local/bin/autorespond 86400 3 /old/vacation/message /old/vacation\n"
	              "|preline /usr/local/bin/maildrop /etc/mailfilter\n"
	              "/home/vpopmail/domains/example.com/dave/Maildir/\n"));
	/* the vacation line is ours to change: it goes, the others stay */
	c = vacation_change(0, NULL, NULL, NULL);
	OK(vp_set_delivery(&s.cfg, "dave", "example.com", &c, E));
	CHECK(text_is(&s, "dave/.qmail",
	              "# dave's own .qmail, written by hand\n"
	              "|/usr/bin/procmail -m /etc/procmailrc\n"
	              "|preline /usr/local/bin/maildrop /etc/mailfilter\n"
	              "/home/vpopmail/domains/example.com/dave/Maildir/\n"));
	vp_delivery g;
	OK(vp_get_delivery(&s.cfg, "dave", "example.com", &g, E));
	CHECK_EQ_INT(g.mode, VP_DELIVERY_MAILBOX);
	CHECK_EQ_INT(g.other_count, 3);
	vp_delivery_free(&g);
	/* a change of nothing writes nothing */
	struct stat before, after;
	CHECK_EQ_INT(stat(p, &before), 0);
	vp_delivery_change none;
	memset(&none, 0, sizeof none);
	OK(vp_set_delivery(&s.cfg, "dave", "example.com", &none, E));
	c = mode_change(VP_DELIVERY_MAILBOX, NULL, 0, 0);
	OK(vp_set_delivery(&s.cfg, "dave", "example.com", &c, E));
	CHECK_EQ_INT(stat(p, &after), 0);
	CHECK_EQ_INT(before.st_ino, after.st_ino);
	sandbox_free(&s);
}

/* Routing left alone keeps what it says: vacation on in a user with no
 * .qmail adds the Maildir line, vacation off in a vacation-only file (mail
 * thrown away) writes "# delete" rather than starting to keep mail. */
TEST(vacation_change_keeps_the_mode)
{
	sandbox s;
	char p[4096];
	CHECK_EQ_INT(qa_sandbox(&s), 0);
	path_of(p, sizeof p, &s, "carol/.qmail");
	char line[4200];
	snprintf(line, sizeof line, "| /usr/local/bin/autorespond 86400 3 %s/domains/example.com/carol/vacation/message %s/domains/example.com/carol/vacation\n",
	         s.home, s.home);
	CHECK_EQ_INT(write_text(p, line), 0);
	vp_delivery d;
	OK(vp_get_delivery(&s.cfg, "carol", "example.com", &d, E));
	CHECK_EQ_INT(d.mode, VP_DELIVERY_DELETE);
	CHECK(d.vacation && !d.message.present);
	vp_delivery_free(&d);
	vp_delivery_change c = vacation_change(0, NULL, NULL, NULL);
	OK(vp_set_delivery(&s.cfg, "carol", "example.com", &c, E));
	CHECK(text_is(&s, "carol/.qmail", "# delete\n"));
	sandbox_free(&s);
}

/* ---- hostile input ---- */

TEST(refusals_change_nothing)
{
	sandbox s;
	vp_error e;
	CHECK_EQ_INT(qa_sandbox(&s), 0);
	static char before[1 << 16], after[1 << 16];
	before[0] = after[0] = '\0';
	snapshot(s.root, before, sizeof before);
	static const struct { const char *addr; int code; } bad_fw[] = {
		{ "", VA_INVALID_EMAIL_CHAR }, { "a b@x.com", VA_INVALID_EMAIL_CHAR },
		{ "|/bin/sh", VA_INVALID_EMAIL_CHAR }, { "/etc/passwd", VA_INVALID_EMAIL_CHAR },
		{ "x@y.com\n|/bin/sh", VA_INVALID_EMAIL_CHAR }, { "`id`@x.com", VA_INVALID_EMAIL_CHAR },
		{ "$(id)@x.com", VA_INVALID_EMAIL_CHAR }, { "x@y.com;reboot", VA_INVALID_EMAIL_CHAR },
		{ "-x@y.com", VA_INVALID_EMAIL_CHAR }, { "&x@y.com", VA_INVALID_EMAIL_CHAR },
		{ "#x@y.com", VA_INVALID_EMAIL_CHAR }, { "x@y@z.com", VA_INVALID_EMAIL_CHAR },
		{ "x@", VA_INVALID_EMAIL_CHAR }, { "@x.com", VA_INVALID_EMAIL_CHAR },
		{ "x@-y.com", VA_INVALID_EMAIL_CHAR }, { "caf\xc3\xa9@x.com", VA_INVALID_EMAIL_CHAR },
		{ "alice", VA_INVALID_EMAIL_CHAR } /* herself */,
		{ "ALICE@Example.COM", VA_INVALID_EMAIL_CHAR },
	};
	for (size_t i = 0; i < sizeof bad_fw / sizeof bad_fw[0]; i++) {
		const char *fw[] = { "ok@remote.example", bad_fw[i].addr };
		vp_delivery_change c = mode_change(VP_DELIVERY_FORWARD, fw, 2, 1);
		int rc = vp_set_delivery(&s.cfg, "alice", "example.com", &c, &e);
		if (rc != bad_fw[i].code) {
			fprintf(stderr, "    forward \"%s\": %d %s\n", bad_fw[i].addr, rc, e.msg);
			CHECK(0);
		}
	}
	char longaddr[400];
	memset(longaddr, 'a', 64);
	snprintf(longaddr + 64, sizeof longaddr - 64, "@%0190d.example", 0);
	for (char *q = longaddr + 65; *q; q++)
		if (*q == '0')
			*q = (q - longaddr) % 60 ? 'b' : '.';
	const char *fl[] = { longaddr };
	vp_delivery_change c = mode_change(VP_DELIVERY_FORWARD, fl, 1, 0);
	CHECK(vp_set_delivery(&s.cfg, "alice", "example.com", &c, &e) < 0);
	const char *many[VP_MAX_FORWARDS + 1];
	char store[VP_MAX_FORWARDS + 1][32];
	for (int i = 0; i <= VP_MAX_FORWARDS; i++) {
		snprintf(store[i], sizeof store[i], "u%d@remote.example", i);
		many[i] = store[i];
	}
	c = mode_change(VP_DELIVERY_FORWARD, many, VP_MAX_FORWARDS + 1, 0);
	CHECK_EQ_INT(vp_set_delivery(&s.cfg, "alice", "example.com", &c, &e), VA_ALIAS_LINE_TOO_LONG);
	c = mode_change(VP_DELIVERY_FORWARD, many, 0, 0);
	CHECK_EQ_INT(vp_set_delivery(&s.cfg, "alice", "example.com", &c, &e), VA_INVALID_EMAIL_CHAR);
	c = mode_change(VP_DELIVERY_OTHER, NULL, 0, 0);
	CHECK_EQ_INT(vp_set_delivery(&s.cfg, "alice", "example.com", &c, &e), VA_PARSE_ERROR);

	static const struct { const char *subject, *body, *cs; int code; } bad_text[] = {
		{ "a\nBcc: victim@x.com", "", NULL, VA_BAD_CHAR }, { "a\rb", "", NULL, VA_BAD_CHAR },
		{ "a\r\nb", "", NULL, VA_BAD_CHAR }, { "a\tb", "", NULL, VA_BAD_CHAR },
		{ "a\x7f", "", NULL, VA_BAD_CHAR }, { "", "x", NULL, VA_BAD_CHAR },
		{ "   ", "x", NULL, VA_BAD_CHAR }, { NULL, "x", NULL, VA_NULL_POINTER },
		{ "caf\xe9", "", NULL, VA_BAD_CHAR } /* Latin-1 is not UTF-8 */,
		{ "ok", "caf\xe9", "UTF-8", VA_BAD_CHAR }, { "\xc0\xaf", "", NULL, VA_BAD_CHAR },
		{ "\xed\xa0\x80", "", NULL, VA_BAD_CHAR }, { "ok", "", "", VA_BAD_CHAR },
		{ "ok", "", "utf 8", VA_BAD_CHAR }, { "ok", "", "x\n", VA_BAD_CHAR },
		{ "ok", "", "-x", VA_BAD_CHAR },
		{ "ok", "", "a1234567890123456789012345678901234567890", VA_BAD_CHAR },
	};
	for (size_t i = 0; i < sizeof bad_text / sizeof bad_text[0]; i++) {
		vp_delivery_change v = vacation_change(1, bad_text[i].subject, bad_text[i].body, bad_text[i].cs);
		int rc = vp_set_delivery(&s.cfg, "alice", "example.com", &v, &e);
		if (rc != bad_text[i].code) {
			fprintf(stderr, "    text %zu: %d %s\n", i, rc, e.msg);
			CHECK(0);
		}
	}
	char big[VP_MAX_MESSAGE_BODY + 10];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	vp_delivery_change v = vacation_change(1, "ok", big, NULL);
	CHECK_EQ_INT(vp_set_delivery(&s.cfg, "alice", "example.com", &v, &e), VA_ALIAS_LINE_TOO_LONG);
	char subj[VP_MAX_SUBJECT + 2];
	memset(subj, 's', sizeof subj - 1);
	subj[sizeof subj - 1] = '\0';
	v = vacation_change(1, subj, "", NULL);
	CHECK_EQ_INT(vp_set_delivery(&s.cfg, "alice", "example.com", &v, &e), VA_ALIAS_LINE_TOO_LONG);
	v = vacation_change(1, "ok", "", NULL);
	CHECK_EQ_INT(vp_set_delivery(&s.cfg, "nobody", "example.com", &v, &e), VA_USER_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_set_delivery(&s.cfg, "../alice", "example.com", &v, &e), VA_ILLEGAL_USERNAME);
	CHECK_EQ_INT(vp_set_delivery(&s.cfg, "alice", "nowhere.test", &v, &e), VA_DOMAIN_DOES_NOT_EXIST);

	/* the autoresponder program is configuration, checked like input */
	static const char *const bad_prog[] = { "autorespond", "/usr/bin/auto respond", "/usr/bin/x;id",
		"/usr/../bin/autorespond", "/usr/bin/", "/usr//bin/x", "/usr/bin/$(id)", "/a\nb", "/" };
	for (size_t i = 0; i < sizeof bad_prog / sizeof bad_prog[0]; i++) {
		vp_config cfg = s.cfg;
		cfg.autoresponder = bad_prog[i];
		CHECK_EQ_INT(vp_set_delivery(&cfg, "alice", "example.com", &v, &e), VA_BAD_CONFIG);
		vp_autoresponder_settings rs = { "s", "b", NULL, NULL };
		CHECK_EQ_INT(vp_autoresponder_add(&cfg, "info", "example.com", &rs, &e), VA_BAD_CONFIG);
	}
	snapshot(s.root, after, sizeof after);
	CHECK(strcmp(before, after) == 0);
	sandbox_free(&s);
}

/* A home outside the domain dir (a corrupt vpasswd), and a vacation dir that
 * is a symlink: nothing is written through either. */
TEST(no_write_outside_home)
{
	sandbox s;
	vp_error e;
	char p[8192], outside[4096];
	CHECK_EQ_INT(qa_sandbox(&s), 0);
	snprintf(outside, sizeof outside, "%s/outside", s.root);
	mkdir(outside, 0700);
	path_of(p, sizeof p, &s, "bob/vacation");
	CHECK_EQ_INT(symlink(outside, p), 0);
	vp_delivery_change v = vacation_change(1, "ok", "text", NULL);
	CHECK_EQ_INT(vp_set_delivery(&s.cfg, "bob", "example.com", &v, &e), VA_COULD_NOT_UPDATE_FILE);
	snprintf(p, sizeof p, "%s/message", outside);
	CHECK(access(p, F_OK) != 0);
	CHECK(!exists(&s, "bob/.qmail"));
	/* vacation off removes the link, never what it points at */
	v = vacation_change(0, NULL, NULL, NULL);
	CHECK_EQ_INT(vp_set_delivery(&s.cfg, "bob", "example.com", &v, &e), 0);
	CHECK(!exists(&s, "bob/vacation"));
	struct stat st;
	CHECK_EQ_INT(stat(outside, &st), 0);

	/* a .qmail that is a symlink is never read through or replaced */
	path_of(p, sizeof p, &s, "carol/.qmail");
	char target[4200];
	snprintf(target, sizeof target, "%s/victim", outside);
	CHECK_EQ_INT(write_text(target, "keep\n"), 0);
	CHECK_EQ_INT(symlink(target, p), 0);
	vp_delivery_change m = mode_change(VP_DELIVERY_DELETE, NULL, 0, 0);
	CHECK(vp_set_delivery(&s.cfg, "carol", "example.com", &m, &e) < 0);
	CHECK(file_is(target, "keep\n"));
	vp_delivery d;
	CHECK(vp_get_delivery(&s.cfg, "carol", "example.com", &d, &e) < 0);

	/* vpasswd naming a home outside the domain */
	char dd[2048];
	domain_dir(dd, sizeof dd, &s, "example.com");
	vp_domain_info di;
	CHECK_EQ_INT(vp_domain_lookup(&s.cfg, "example.com", &di, &e), 1);
	char lineb[4400];
	snprintf(lineb, sizeof lineb, "evil:x:1:0:evil:%s:NOQUOTA\n", outside);
	vp_lock lk;
	CHECK_EQ_INT(vp_vpw_lock(&s.cfg, &di, &lk, &e), 0);
	CHECK_EQ_INT(vp_vpw_update(&s.cfg, &di, VP_VPW_ADD, "evil", lineb, strlen(lineb), &e), 0);
	vp_lock_release(&lk);
	m = mode_change(VP_DELIVERY_DELETE, NULL, 0, 0);
	CHECK_EQ_INT(vp_set_delivery(&s.cfg, "evil", "example.com", &m, &e), VA_BAD_U_DIR2);
	CHECK_EQ_INT(vp_get_delivery(&s.cfg, "evil", "example.com", &d, &e), VA_BAD_U_DIR2);
	snprintf(p, sizeof p, "%s/.qmail", outside);
	CHECK(access(p, F_OK) != 0);
	sandbox_free(&s);
}

/* ---- autoresponders ---- */

TEST(robots_as_qmailadmin)
{
	sandbox s;
	CHECK_EQ_INT(qa_sandbox(&s), 0);
	vp_autoresponder_settings info = { "Thank you for your message",
		"We received your message and will answer within 24 hours.\r\n\r\nThe example.com team\r\n", NULL, NULL };
	OK(vp_autoresponder_add(&s.cfg, "info", "example.com", &info, E));
	CHECK(same_as_fixture(&s, "main/19-robot-add-info", ".qmail-info"));
	/* the message is qmailadmin's without the four lang/en error lines */
	CHECK(text_is(&s, "INFO/message",
	              "From: info@example.com\nSubject: Thank you for your message\n"
	              "Content-type: text/plain \nContent-transfer-encoding: 7bit\nMIME-Version: 1.0\n\n"
	              "We received your message and will answer within 24 hours.\n\nThe example.com team"));
	char p[4096];
	path_of(p, sizeof p, &s, "INFO");
	CHECK_EQ_INT(mode_of(p), 0700);
	path_of(p, sizeof p, &s, ".qmail-info");
	CHECK_EQ_INT(mode_of(p), 0600);
	vp_autoresponder_settings sup = { "Support ticket received",
		"Your request was forwarded to our helpdesk.\r\nGr\xfc\xdf" "e, Support", "helpdesk@remote.example", "ISO-8859-1" };
	OK(vp_autoresponder_add(&s.cfg, "Support", "example.com", &sup, E));
	CHECK(same_as_fixture(&s, "main/20-robot-add-support-copy", ".qmail-support"));
	CHECK(text_is(&s, "SUPPORT/message",
	              "From: support@example.com\nSubject: Support ticket received\n"
	              "Content-type: text/plain; charset=ISO-8859-1\nContent-transfer-encoding: 8bit\nMIME-Version: 1.0\n\n"
	              "Your request was forwarded to our helpdesk.\nGr\xfc\xdf" "e, Support"));
	vp_autoresponder_settings mod = { "Thanks - we will reply soon", "Updated text.\r\nSecond line.",
		"archive@remote.example", NULL };
	OK(vp_autoresponder_update(&s.cfg, "info", "example.com", &mod, E));
	CHECK(same_as_fixture(&s, "main/21-robot-mod-info", ".qmail-info"));
	vp_autoresponder a;
	vp_error ge;
	CHECK_EQ_INT(vp_autoresponder_get(&s.cfg, "info", "example.com", &a, &ge), 1);
	CHECK_EQ_STR(a.message.subject, "Thanks - we will reply soon");
	CHECK_EQ_STR(a.message.body, "Updated text.\nSecond line.");
	CHECK_EQ_STR(a.copy_to, "archive@remote.example");
	vp_autoresponder_free(&a);
	OK(vp_autoresponder_del(&s.cfg, "info", "example.com", E));
	CHECK(same_as_fixture(&s, "main/22-robot-del-info", ".qmail-info"));
	CHECK(!exists(&s, "INFO"));
	OK(vp_autoresponder_del(&s.cfg, "support", "example.com", E));
	CHECK(!exists(&s, "SUPPORT") && !exists(&s, ".qmail-support"));
	sandbox_free(&s);
}

TEST(robot_names_and_conflicts)
{
	sandbox s;
	vp_error e;
	char p[4096];
	CHECK_EQ_INT(qa_sandbox(&s), 0);
	vp_autoresponder_settings rs = { "s", "b", NULL, NULL };
	static const struct { const char *name; int code; } bad[] = {
		{ "alice", VA_USERNAME_EXISTS }, { "x", VA_INVALID_ALIAS_NAME }, { "12", VA_INVALID_ALIAS_NAME },
		{ "default", VA_INVALID_ALIAS_NAME }, { "list-default", VA_INVALID_ALIAS_NAME },
		{ ".info", VA_INVALID_ALIAS_NAME }, { "-info", VA_INVALID_ALIAS_NAME },
		{ "in/fo", VA_INVALID_ALIAS_NAME }, { "../info", VA_INVALID_ALIAS_NAME },
		{ "in fo", VA_INVALID_ALIAS_NAME }, { "in;fo", VA_INVALID_ALIAS_NAME },
		{ "in`fo", VA_INVALID_ALIAS_NAME }, { "in$fo", VA_INVALID_ALIAS_NAME },
		{ "in\nfo", VA_INVALID_ALIAS_NAME }, { "caf\xc3\xa9", VA_INVALID_ALIAS_NAME },
		{ "in:fo", VA_INVALID_ALIAS_NAME },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = vp_autoresponder_add(&s.cfg, bad[i].name, "example.com", &rs, &e);
		if (rc != bad[i].code) {
			fprintf(stderr, "    name \"%s\": %d %s\n", bad[i].name, rc, e.msg);
			CHECK(0);
		}
	}
	/* an alias, a list symlink, a foreign directory */
	path_of(p, sizeof p, &s, ".qmail-sales");
	CHECK_EQ_INT(write_text(p, "&alice@example.com\n"), 0);
	CHECK_EQ_INT(vp_autoresponder_add(&s.cfg, "sales", "example.com", &rs, &e), VA_USERNAME_EXISTS);
	CHECK_EQ_INT(vp_autoresponder_update(&s.cfg, "sales", "example.com", &rs, &e), VA_ALIAS_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_autoresponder_del(&s.cfg, "sales", "example.com", &e), VA_ALIAS_DOES_NOT_EXIST);
	CHECK(file_is(p, "&alice@example.com\n"));
	path_of(p, sizeof p, &s, ".qmail-news");
	CHECK_EQ_INT(symlink("/nonexistent/list", p), 0);
	CHECK_EQ_INT(vp_autoresponder_add(&s.cfg, "news", "example.com", &rs, &e), VA_USERNAME_EXISTS);
	path_of(p, sizeof p, &s, "DATA");
	mkdir(p, 0700);
	char sub[4200];
	snprintf(sub, sizeof sub, "%s/keep", p);
	mkdir(sub, 0700);
	CHECK_EQ_INT(vp_autoresponder_add(&s.cfg, "data", "example.com", &rs, &e), VA_EXIST_U_DIR);
	CHECK(exists(&s, "DATA/keep"));
	/* a leftover of a killed delete: reused */
	path_of(p, sizeof p, &s, "HELP");
	mkdir(p, 0700);
	snprintf(sub, sizeof sub, "%s/A123.456", p);
	CHECK_EQ_INT(write_text(sub, "x@y\n"), 0);
	OK(vp_autoresponder_add(&s.cfg, "help", "example.com", &rs, &e));
	CHECK(exists(&s, ".qmail-help") && exists(&s, "HELP/message"));
	/* dotted names: .qmail-team:lead and TEAM.LEAD, listed sorted */
	OK(vp_autoresponder_add(&s.cfg, "team.lead", "example.com", &rs, &e));
	CHECK(exists(&s, ".qmail-team:lead") && exists(&s, "TEAM.LEAD/message"));
	CHECK_EQ_INT(vp_autoresponder_add(&s.cfg, "team.lead", "example.com", &rs, &e), VA_USERNAME_EXISTS);
	vp_autoresponder_settings cp = { "s", "b", "help", NULL };
	CHECK_EQ_INT(vp_autoresponder_add(&s.cfg, "help2", "example.com", &cp, &e), 0);
	CHECK(text_is(&s, ".qmail-help2", "|/usr/local/bin/autorespond 10000 5 /home/vpopmail/domains/example.com/HELP2/message /home/vpopmail/domains/example.com/HELP2\n&help@example.com\n"));
	cp.copy_to = "help2";
	CHECK_EQ_INT(vp_autoresponder_update(&s.cfg, "help2", "example.com", &cp, &e), VA_INVALID_EMAIL_CHAR);
	cp.copy_to = "a|b@x.com";
	CHECK_EQ_INT(vp_autoresponder_update(&s.cfg, "help2", "example.com", &cp, &e), VA_INVALID_EMAIL_CHAR);
	sandbox_free(&s);
}

typedef struct names { char v[8][80]; int n; } names;
static int collect(void *ctx, const vp_autoresponder *a)
{
	names *n = ctx;
	if (n->n < 8)
		snprintf(n->v[n->n++], 80, "%s:%s", a->name, a->message.subject ? a->message.subject : "-");
	return 0;
}

TEST(robot_list_and_foreign_lines)
{
	sandbox s;
	char p[4096];
	CHECK_EQ_INT(qa_sandbox(&s), 0);
	vp_autoresponder_settings rs = { "Hello", "b", NULL, NULL };
	OK(vp_autoresponder_add(&s.cfg, "zeta", "example.com", &rs, E));
	OK(vp_autoresponder_add(&s.cfg, "alpha", "example.com", &rs, E));
	path_of(p, sizeof p, &s, ".qmail-sales");
	CHECK_EQ_INT(write_text(p, "&alice@example.com\n"), 0);
	/* a line an admin added to a robot is kept by update */
	path_of(p, sizeof p, &s, ".qmail-zeta");
	char buf2[8192];
	size_t l;
	char *old = slurp(p, &l);
	snprintf(buf2, sizeof buf2, "# note\n%s./Maildir/\n", old ? old : "");
	free(old);
	CHECK_EQ_INT(write_text(p, buf2), 0);
	vp_autoresponder_settings up = { "Bye", "c", "x@remote.example", NULL };
	OK(vp_autoresponder_update(&s.cfg, "zeta", "example.com", &up, E));
	CHECK(text_is(&s, ".qmail-zeta", "# note\n|/usr/local/bin/autorespond 10000 5 /home/vpopmail/domains/example.com/ZETA/message /home/vpopmail/domains/example.com/ZETA\n&x@remote.example\n./Maildir/\n"));
	names n = { .n = 0 };
	OK(vp_autoresponder_list(&s.cfg, "example.com", collect, &n, E));
	CHECK_EQ_INT(n.n, 2);
	CHECK_EQ_STR(n.v[0], "alpha:Hello");
	CHECK_EQ_STR(n.v[1], "zeta:Bye");
	/* del_domain takes the robots with it (the domain dir goes) */
	OK(vp_del_domain(&s.cfg, "example.com", E));
	CHECK(!exists(&s, "ZETA"));
	sandbox_free(&s);
}

/* The configured program, in both kinds of lines. */
TEST(custom_autoresponder_path)
{
	sandbox s;
	CHECK_EQ_INT(qa_sandbox(&s), 0);
	s.cfg.autoresponder = "/opt/qmail/bin/autorespond-2";
	vp_delivery_change v = vacation_change(1, "away", "", NULL);
	OK(vp_set_delivery(&s.cfg, "bob", "example.com", &v, E));
	CHECK(text_is(&s, "bob/.qmail", "/home/vpopmail/domains/example.com/bob/Maildir/\n"
	              "| /opt/qmail/bin/autorespond-2 86400 3 /home/vpopmail/domains/example.com/bob/vacation/message /home/vpopmail/domains/example.com/bob/vacation\n"));
	vp_delivery d;
	OK(vp_get_delivery(&s.cfg, "bob", "example.com", &d, E));
	CHECK(d.vacation && d.other_count == 0);
	CHECK_EQ_STR(d.message.subject, "away");
	vp_delivery_free(&d);
	vp_autoresponder_settings rs = { "s", "b", NULL, NULL };
	OK(vp_autoresponder_add(&s.cfg, "info", "example.com", &rs, E));
	CHECK(text_is(&s, ".qmail-info", "|/opt/qmail/bin/autorespond-2 10000 5 /home/vpopmail/domains/example.com/INFO/message /home/vpopmail/domains/example.com/INFO\n"));
	sandbox_free(&s);
}

/* Writers in parallel processes: each change is whole, no temp left. */
TEST(concurrent_writers)
{
	sandbox s;
	CHECK_EQ_INT(qa_sandbox(&s), 0);
	pid_t kids[4];
	for (int k = 0; k < 4; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			vp_error e;
			int bad = 0;
			for (int i = 0; i < 40; i++) {
				char a[64];
				snprintf(a, sizeof a, "k%d-%d@remote.example", k, i);
				const char *fw[] = { a };
				vp_delivery_change c = (k % 2) ? mode_change(VP_DELIVERY_FORWARD, fw, 1, i % 2)
				                               : vacation_change(i % 2, "away", "text", NULL);
				if (vp_set_delivery(&s.cfg, "alice", "example.com", &c, &e) != 0)
					bad++;
			}
			_exit(bad ? 1 : 0);
		}
	}
	for (int k = 0; k < 4; k++) {
		int st;
		waitpid(kids[k], &st, 0);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	vp_delivery d;
	OK(vp_get_delivery(&s.cfg, "alice", "example.com", &d, E));
	CHECK_EQ_INT(d.mode, VP_DELIVERY_FORWARD);
	CHECK_EQ_INT(d.forward_count, 1);
	CHECK_EQ_INT(d.other_count, 0);
	vp_delivery_free(&d);
	char p[4096];
	path_of(p, sizeof p, &s, "alice");
	DIR *dh = opendir(p);
	struct dirent *de;
	while (dh && (de = readdir(dh)))
		CHECK(strncmp(de->d_name, ".tmp.", 5) != 0);
	if (dh)
		closedir(dh);
	sandbox_free(&s);
}

/* The domain's lock (the one vpopmail's own writers take) is held: every
 * writer waits for it and gives up with VA_FILE_BUSY, writing nothing. */
TEST(waits_for_the_domain_lock)
{
	sandbox s;
	vp_error e;
	char p[4096];
	CHECK_EQ_INT(qa_sandbox(&s), 0);
	path_of(p, sizeof p, &s, ".vpasswd.lock");
	int ready[2];
	CHECK_EQ_INT(pipe(ready), 0);
	pid_t kid = fork();
	if (kid == 0) {
		int fd = open(p, O_WRONLY);
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		if (fd < 0 || fcntl(fd, F_SETLK, &fl) != 0)
			_exit(1);
		(void)!write(ready[1], "x", 1);
		sleep(3);
		_exit(0);
	}
	char c;
	CHECK_EQ_INT(read(ready[0], &c, 1), 1);
	s.cfg.lock_timeout_ms = 200;
	static char before[1 << 16], after[1 << 16];
	before[0] = after[0] = '\0';
	snapshot(s.root, before, sizeof before);
	vp_delivery_change v = vacation_change(1, "away", "", NULL);
	CHECK_EQ_INT(vp_set_delivery(&s.cfg, "alice", "example.com", &v, &e), VA_FILE_BUSY);
	vp_autoresponder_settings rs = { "s", "b", NULL, NULL };
	CHECK_EQ_INT(vp_autoresponder_add(&s.cfg, "info", "example.com", &rs, &e), VA_FILE_BUSY);
	CHECK_EQ_INT(vp_autoresponder_del(&s.cfg, "info", "example.com", &e), VA_FILE_BUSY);
	snapshot(s.root, after, sizeof after);
	CHECK(strcmp(before, after) == 0);
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	close(ready[0]);
	close(ready[1]);
	vp_error e2;
	CHECK_EQ_INT(vp_set_delivery(&s.cfg, "alice", "example.com", &v, &e2), 0);
	sandbox_free(&s);
}

int main(void)
{
	RUN(replays_qmailadmin_user_steps);
	RUN(reads_every_fixture_state);
	RUN(carol_latin1_subject_is_encoded);
	RUN(rfc2047_folding_round_trips);
	RUN(foreign_lines_kept_in_place);
	RUN(vacation_change_keeps_the_mode);
	RUN(refusals_change_nothing);
	RUN(no_write_outside_home);
	RUN(robots_as_qmailadmin);
	RUN(robot_names_and_conflicts);
	RUN(robot_list_and_foreign_lines);
	RUN(custom_autoresponder_path);
	RUN(concurrent_writers);
	RUN(waits_for_the_domain_lock);
	(void)compare_step;
	return T_SUMMARY();
}
