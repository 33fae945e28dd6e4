/* test_policy.c: password_strength.conf as vpopmail 5.6 reads it (rules,
 * codes -69..-74, pw_strength_error's texts), the writers that apply it,
 * and the self-service change (vp_change_password). */
#include "t.h"
#include "tree.h"

#include <locale.h>
#include <sys/stat.h>

#include "vp_limits.h"

#include "fixture.h"

static void policy_file(const sandbox *s, const char *text)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/etc", s->home);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/etc/password_strength.conf", s->home);
	if (text)
		write_text(p, text);
	else
		unlink(p);
}

/* code and message of one candidate */
static int try_pw(const sandbox *s, const char *pw, char *msg, size_t size)
{
	vp_policy_result r;
	vp_error e;
	int rc = vp_policy_test(&s->cfg, pw, &r, &e);
	if (rc != 0) {
		snprintf(msg, size, "%s", e.msg);
		return rc;
	}
	snprintf(msg, size, "%s", r.message);
	return r.code;
}

#define EXPECT(s, pw, code, text) do { char m_[256]; int c_ = try_pw((s), (pw), m_, sizeof m_); \
	CHECK_EQ_INT(c_, (code)); CHECK_EQ_STR(m_, (text)); } while (0)

TEST(no_file_no_policy)
{
	sandbox s;
	vp_policy_result r;
	vp_error e;
	sandbox_init(&s);
	OK(vp_policy_test(&s.cfg, "", &r, E));
	CHECK_EQ_INT(r.code, 0);
	CHECK_EQ_INT(r.rules, 0);
	CHECK_EQ_STR(r.message, "password suitable");
	CHECK_EQ_STR(r.policy, "");
	OK(vp_policy_check(&s.cfg, "x", E));
	/* NULL is vpopmail's -69 */
	OK(vp_policy_test(&s.cfg, NULL, &r, E));
	CHECK_EQ_INT(r.code, VA_PWSTR_EMPTY);
	CHECK_EQ_INT(vp_policy_check(&s.cfg, NULL, &e), VA_PWSTR_EMPTY);
	sandbox_free(&s);
}

TEST(installed_default)
{
	/* the file vpopmail 5.6 installs: comments, a Policy line, Length >= 1 */
	sandbox s;
	vp_policy_result r;
	vp_error e;
	sandbox_init(&s);
	policy_file(&s, "#\n# This file defines password strength requirements\n#\n\n"
	                "Policy = Passwords must be at least one character long\nLength >= 1\n\n"
	                "# Alphabet < 0.84\n");
	OK(vp_policy_test(&s.cfg, "", &r, E));
	CHECK_EQ_INT(r.code, VA_PWSTR_LENGTH);
	CHECK_EQ_STR(r.message, "password requires more characters ");
	CHECK_EQ_STR(r.policy, "Passwords must be at least one character long");
	CHECK_EQ_INT(r.rules, 1);
	CHECK_EQ_INT(vp_policy_check(&s.cfg, "", &e), VA_PWSTR_LENGTH);
	CHECK_EQ_STR(e.msg, "password requires more characters ");
	OK(vp_policy_check(&s.cfg, "a", E));
	sandbox_free(&s);
}

TEST(each_rule_and_code)
{
	sandbox s;
	sandbox_init(&s);
	/* Length, every op */
	policy_file(&s, "Length > 7\n");
	EXPECT(&s, "1234567", VA_PWSTR_LENGTH, "password requires more characters ");
	EXPECT(&s, "12345678", 0, "password suitable");
	policy_file(&s, "Length <= 8\n");
	EXPECT(&s, "123456789", VA_PWSTR_LENGTH, "password should have less characters ");
	EXPECT(&s, "12345678", 0, "password suitable");
	policy_file(&s, "length < 3");
	EXPECT(&s, "abc", VA_PWSTR_LENGTH, "password should have less characters ");
	policy_file(&s, "LENGTH = 6\n");
	EXPECT(&s, "abcde", VA_PWSTR_LENGTH, "password must always be 6 characters long ");
	EXPECT(&s, "abcdef", 0, "password suitable");
	/* Alphabet: share of letters (-71) */
	policy_file(&s, "Alphabet >= 0.5\n");
	EXPECT(&s, "ab123", VA_PWSTR_ALPHA, "password requires more alphabetical characters ");
	EXPECT(&s, "abc12", 0, "password suitable");
	policy_file(&s, "Alphabet < 0.84\n");
	EXPECT(&s, "abcdefg1", VA_PWSTR_ALPHA, "password should have less alphabetical characters ");
	policy_file(&s, "Alphabet = 0\n");
	EXPECT(&s, "1a", VA_PWSTR_ALPHA, "password can only be alphabetical characters ");
	/* Numeric (-72) */
	policy_file(&s, "Numeric > 0.08\n");
	EXPECT(&s, "abcdefghijklm1", VA_PWSTR_NUMERIC, "password requires more numbers ");
	EXPECT(&s, "abcdefghij12", 0, "password suitable");
	policy_file(&s, "Numeric = 1.00\n");
	EXPECT(&s, "1234a", VA_PWSTR_NUMERIC, "password can only be numbers ");
	EXPECT(&s, "12345", 0, "password suitable");
	/* Other (-73): anything not a letter or digit, bytes >= 0x80 too */
	policy_file(&s, "Other >= 0.25\n");
	EXPECT(&s, "abc1", VA_PWSTR_OTHER,
	       "password requires more punctuation, symbols, or other characters ");
	EXPECT(&s, "abc!", 0, "password suitable");
	EXPECT(&s, "ab\xc3\xbc", 0, "password suitable");
	/* UpperLower (-74): |upper-lower|/letters, the sense of the text inverted */
	policy_file(&s, "UpperLower < 0.51\n");
	EXPECT(&s, "abcdef", VA_PWSTR_DELTA,
	       "password requires more uppercase and lowercase character diversity ");
	EXPECT(&s, "abcDEF", 0, "password suitable");
	EXPECT(&s, "abCDEF1", 0, "password suitable"); /* 2/6 = 0.33 */
	EXPECT(&s, "12345", VA_PWSTR_DELTA,           /* no letters: undefined, fails */
	       "password requires more uppercase and lowercase character diversity ");
	policy_file(&s, "UpperLower > 0.5\n");
	EXPECT(&s, "aB", VA_PWSTR_DELTA,
	       "password should have less uppercase and lowercase character diversity ");
	policy_file(&s, "UpperLower = 1\n");
	EXPECT(&s, "aB", VA_PWSTR_DELTA,
	       "password should have less uppercase and lowercase character diversity ");
	EXPECT(&s, "ab", 0, "password suitable");
	/* our letters are A-Z a-z only (vpopmail's range typo counts _ as one) */
	policy_file(&s, "Other >= 0.5\n");
	EXPECT(&s, "a_", 0, "password suitable");
	sandbox_free(&s);
}

TEST(order_and_file_syntax)
{
	sandbox s;
	vp_policy_result r;
	vp_error e;
	sandbox_init(&s);
	/* vpopmail's "very strong" example: Length first, then the ratios in order */
	policy_file(&s, "Policy = Passwords must contain upper and lowercase characters, numbers, "
	                "punctuation, and be at least eight characters in length\n"
	                "Alphabet < 0.84\nUpperLower < 0.51 \nNumeric > 0.08\nOther >= 0.04\n"
	                "Length > 7\n");
	EXPECT(&s, "aB1!", VA_PWSTR_LENGTH, "password requires more characters ");
	EXPECT(&s, "abcdefghij", VA_PWSTR_ALPHA, "password should have less alphabetical characters ");
	EXPECT(&s, "abcdefg!!", VA_PWSTR_NUMERIC, "password requires more numbers ");
	EXPECT(&s, "abcdefg12", VA_PWSTR_OTHER,
	       "password requires more punctuation, symbols, or other characters ");
	EXPECT(&s, "abcdef1!", VA_PWSTR_DELTA,
	       "password requires more uppercase and lowercase character diversity ");
	EXPECT(&s, "abcDEF1!", 0, "password suitable");
	OK(vp_policy_test(&s.cfg, "x", &r, E));
	CHECK_EQ_INT(r.rules, 5);
	/* comments after values, CRLF, tabs, the last line for a rule wins,
	 * words after the value are ignored (as vpopmail) */
	policy_file(&s, "Length >= 2 # two\r\n\tLength\t>=\t4 chars\r\n");
	EXPECT(&s, "abc", VA_PWSTR_LENGTH, "password requires more characters ");
	EXPECT(&s, "abcd", 0, "password suitable");
	/* locale-independent numbers */
	const char *old = setlocale(LC_NUMERIC, NULL);
	char saved[64];
	snprintf(saved, sizeof saved, "%s", old ? old : "C");
	setlocale(LC_NUMERIC, "de_DE.UTF-8");
	policy_file(&s, "Numeric >= .5\n");
	EXPECT(&s, "ab12", 0, "password suitable");
	EXPECT(&s, "abc1", VA_PWSTR_NUMERIC, "password requires more numbers ");
	setlocale(LC_NUMERIC, saved);
	/* malformed files refuse every password (vpopmail goes on half-read) */
	static const char *bad[] = {
		"Length\n", "Length >=\n", "Lenght >= 8\n", "Length => 8\n", "Length >= eight\n",
		"Length >= 8x\n", "Policy\n", "Length >= 1.2.3\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		policy_file(&s, bad[i]);
		CHECK_EQ_INT(vp_policy_test(&s.cfg, "Abcdef12!", &r, &e), VA_BAD_CONFIG);
		CHECK(strstr(e.msg, "password_strength.conf line 1") != NULL);
		CHECK_EQ_INT(vp_policy_check(&s.cfg, "Abcdef12!", &e), VA_BAD_CONFIG);
	}
	/* an unreadable file too */
	policy_file(&s, NULL);
	char p[4096];
	snprintf(p, sizeof p, "%s/etc/password_strength.conf", s.home);
	mkdir(p, 0700);
	CHECK_EQ_INT(vp_policy_check(&s.cfg, "Abcdef12!", &e), VA_BAD_CONFIG);
	rmdir(p);
	sandbox_free(&s);
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

TEST(writers_apply_it)
{
	sandbox s;
	char dd[2048];
	vp_error e;
	size_t failed;
	make_domain(&s, dd, sizeof dd);
	const vp_config *c = &s.cfg;
	OK(vp_add_user(c, "ann", "example.com", "weak", "", 0, E));
	policy_file(&s, "Length >= 8\nNumeric > 0\n");
	char *before = vpasswd_line(dd, "ann");
	/* add_user */
	CHECK_EQ_INT(vp_add_user(c, "ben", "example.com", "short1", "", 0, &e), VA_PWSTR_LENGTH);
	CHECK_EQ_STR(e.msg, "password requires more characters ");
	CHECK_EQ_INT(vp_add_user(c, "ben", "example.com", "longenough", "", 0, &e), VA_PWSTR_NUMERIC);
	char *l = vpasswd_line(dd, "ben");
	CHECK(l == NULL);
	free(l);
	OK(vp_add_user(c, "ben", "example.com", "longenough1", "", 0, E));
	/* passwd */
	CHECK_EQ_INT(vp_set_password(c, "ann", "example.com", "weak", &e), VA_PWSTR_LENGTH);
	l = vpasswd_line(dd, "ann");
	CHECK(l && before && strcmp(l, before) == 0);
	free(l);
	OK(vp_set_password(c, "ann", "example.com", "stronger1", E));
	/* batch: refused when queued, as the single calls */
	vp_batch *b;
	OK(vp_batch_begin(c, "example.com", &b, E));
	CHECK_EQ_INT(vp_batch_add_user(b, "cid", "weak", NULL, 0, NULL, &e), VA_PWSTR_LENGTH);
	CHECK(strstr(e.msg, "operation 0 (add cid): password requires more characters ") != NULL);
	CHECK_EQ_INT(vp_batch_set_password(b, "ann", "nodigitshere", &e), VA_PWSTR_NUMERIC);
	OK(vp_batch_add_user(b, "cid", "cidpassw0rd", NULL, 0, NULL, E));
	OK(vp_batch_set_password(b, "ann", "annpassw0rd", E));
	OK(vp_batch_commit(b, &failed, E));
	vp_user_entry u;
	OK(vp_auth_user(c, "ann", "example.com", "annpassw0rd", &u, E));
	/* a broken policy file stops every writer */
	policy_file(&s, "Length >= many\n");
	CHECK_EQ_INT(vp_add_user(c, "dan", "example.com", "danpassw0rd", "", 0, &e), VA_BAD_CONFIG);
	CHECK_EQ_INT(vp_set_password(c, "ann", "example.com", "whatever1", &e), VA_BAD_CONFIG);
	free(before);
	sandbox_free(&s);
}

TEST(change_password)
{
	sandbox s;
	char dd[2048], p[4096];
	vp_error e;
	vp_user_entry u;
	make_domain(&s, dd, sizeof dd);
	vp_config *c = &s.cfg;
	OK(vp_add_user(c, "ann", "example.com", "oldpw", "", 0, E));
	/* wrong old password and unknown user: one answer */
	CHECK_EQ_INT(vp_change_password(c, "ann", "example.com", "nope", "newpw1", &e),
	             VA_WRONG_PASSWORD);
	char msg1[256];
	snprintf(msg1, sizeof msg1, "%s", e.msg);
	CHECK_EQ_INT(vp_change_password(c, "nobody", "example.com", "nope", "newpw1", &e),
	             VA_WRONG_PASSWORD);
	CHECK_EQ_STR(e.msg, msg1);
	CHECK_EQ_INT(vp_change_password(c, "a:b", "example.com", "nope", "newpw1", &e),
	             VA_WRONG_PASSWORD);
	CHECK_EQ_STR(e.msg, msg1);
	CHECK_EQ_INT(vp_change_password(c, "ann", "nowhere.test", "oldpw", "newpw1", &e),
	             VA_DOMAIN_DOES_NOT_EXIST);
	/* the right one */
	OK(vp_change_password(c, "ANN", "Example.COM", "oldpw", "newpw1", E));
	OK(vp_auth_user(c, "ann", "example.com", "newpw1", &u, E));
	CHECK_EQ_INT(vp_auth_user(c, "ann", "example.com", "oldpw", &u, &e), VA_WRONG_PASSWORD);
	CHECK(cdb_matches_vpasswd(dd));
	/* the policy, after the old password */
	policy_file(&s, "Length >= 8\n");
	CHECK_EQ_INT(vp_change_password(c, "ann", "example.com", "newpw1", "short", &e),
	             VA_PWSTR_LENGTH);
	CHECK_EQ_STR(e.msg, "password requires more characters ");
	CHECK_EQ_INT(vp_change_password(c, "ann", "example.com", "wrong", "short", &e),
	             VA_WRONG_PASSWORD);
	OK(vp_change_password(c, "ann", "example.com", "newpw1", "longer-pw", E));
	/* NO_PASSWD_CHNG on the user */
	unsigned long fl;
	OK(vp_set_user_flags(c, "ann", "example.com", VP_FLAGS_ADD, VP_NO_PASSWD_CHNG, &fl, E));
	char *before = vpasswd_line(dd, "ann");
	CHECK_EQ_INT(vp_change_password(c, "ann", "example.com", "longer-pw", "another-pw", &e),
	             VA_PASSWD_CHANGE_DENIED);
	/* ... but a wrong old password still says only that */
	CHECK_EQ_INT(vp_change_password(c, "ann", "example.com", "wrong", "another-pw", &e),
	             VA_WRONG_PASSWORD);
	char *l = vpasswd_line(dd, "ann");
	CHECK(l && before && strcmp(l, before) == 0);
	free(l);
	free(before);
	OK(vp_set_user_flags(c, "ann", "example.com", VP_FLAGS_REMOVE, VP_NO_PASSWD_CHNG, &fl, E));
	/* the domain's disable_password_changing, and V_OVERRIDE against it */
	snprintf(p, sizeof p, "%s/.qmailadmin-limits", dd);
	write_text(p, "disable_password_changing\n");
	CHECK_EQ_INT(vp_change_password(c, "ann", "example.com", "longer-pw", "another-pw", &e),
	             VA_PASSWD_CHANGE_DENIED);
	OK(vp_set_user_flags(c, "ann", "example.com", VP_FLAGS_ADD, VP_V_OVERRIDE, &fl, E));
	OK(vp_change_password(c, "ann", "example.com", "longer-pw", "another-pw", E));
	OK(vp_auth_user(c, "ann", "example.com", "another-pw", &u, E));
	/* an alias domain is the real one */
	OK(vp_add_alias_domain(c, "alias.test", "example.com", E));
	OK(vp_change_password(c, "ann", "alias.test", "another-pw", "third-pw1", E));
	OK(vp_auth_user(c, "ann", "example.com", "third-pw1", &u, E));
	CHECK_EQ_INT(vp_change_password(c, "ann", "example.com", NULL, "x", &e), VA_NULL_POINTER);
	sandbox_free(&s);
}

int main(void)
{
	(void)compare_step;
	RUN(no_file_no_policy);
	RUN(installed_default);
	RUN(each_rule_and_code);
	RUN(order_and_file_syntax);
	RUN(writers_apply_it);
	RUN(change_password);
	return T_SUMMARY();
}
