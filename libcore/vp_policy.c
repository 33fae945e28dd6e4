/*
 * vp_policy.c: the password strength policy of vpopmail 5.6 (spec 6.3 step
 * 12, 8 step 3, 12.1): <vpopmail>/etc/password_strength.conf.
 *
 * The file: lines "<rule> <op> <value>" ('#' to the end of a line is a
 * comment, CR ends a line), rules Length, Alphabet, Numeric, Other and
 * UpperLower (any case), ops < <= = > >=; "Policy <any> <text>" sets the
 * description.  The last line for a rule wins.  A missing file means no
 * policy.  Rules are checked in vpopmail's order: Length (the byte count,
 * VA_PWSTR_LENGTH), then the ratios to the length of letters (Alphabet,
 * -71), digits (Numeric, -72), everything else (Other, -73), then
 * |upper - lower| / letters (UpperLower, -74; 0 is balanced, 1 one case
 * only).  A ratio of an empty password, or UpperLower without letters, is
 * undefined and fails any rule on it, as vpopmail's NaN does.  The message
 * is vpopmail's pw_strength_error text, trailing space included.
 *
 * Where we differ from pw_strength, on purpose:
 *  - letters are A-Z and a-z only (vpopmail also counts [ \ ] ^ _ ` as
 *    lowercase letters, a range typo);
 *  - a malformed file (a line without its three fields, an unknown rule or
 *    op, a value that is not a plain decimal number) or an unreadable one is
 *    VA_BAD_CONFIG and every password is refused until it is fixed; vpopmail
 *    prints a warning and goes on with whatever rules it read so far;
 *  - numbers are parsed without the C locale (strtod would follow PHP's
 *    LC_NUMERIC);
 *  - the file is read on every call (no global state): it is small.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vpcore.h"

#include <math.h> /* NAN */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define POLICY_MAX_FILE (64 * 1024)

enum { OP_NONE = 0, OP_LT, OP_LE, OP_EQ, OP_GT, OP_GE };
enum { R_LENGTH = 0, R_ALPHA, R_NUMERIC, R_OTHER, R_DELTA, R_COUNT };

typedef struct rule {
	int op;
	double value;
} rule;

typedef struct policy {
	rule r[R_COUNT];
	char desc[512];
	int nrules;
} policy;

static const struct {
	const char *name;
	int code;
	const char *what;
} rules[R_COUNT] = {
	[R_LENGTH] = { "length", VA_PWSTR_LENGTH, "characters" },
	[R_ALPHA] = { "alphabet", VA_PWSTR_ALPHA, "alphabetical characters" },
	[R_NUMERIC] = { "numeric", VA_PWSTR_NUMERIC, "numbers" },
	[R_OTHER] = { "other", VA_PWSTR_OTHER, "punctuation, symbols, or other characters" },
	[R_DELTA] = { "upperlower", VA_PWSTR_DELTA, "uppercase and lowercase character diversity" },
};

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* [+-]digits[.digits] or [+-].digits, the whole token; 0 or -1. */
static int parse_number(const char *s, size_t len, double *out)
{
	size_t i = 0;
	int neg = 0, digits = 0, frac = 0, dot = 0;
	unsigned long long m = 0;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	for (; i < len; i++) {
		if (s[i] == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return -1;
		digits++;
		if (m > 100000000000000ULL) /* beyond 15 digits: further ones do not matter */
			continue;
		m = m * 10 + (unsigned long long)(s[i] - '0');
		if (dot)
			frac++;
	}
	if (digits == 0)
		return -1;
	double v = (double)m; /* exact below 2^53, so v / 10^k is correctly rounded */
	for (int k = 0; k < frac; k++)
		v /= 10.0;
	*out = neg ? -v : v;
	return 0;
}

static int policy_load(const vp_config *cfg, policy *pol, vp_error *err)
{
	char path[4096];
	char *data = NULL;
	size_t len = 0;
	memset(pol, 0, sizeof *pol);
	if (!cfg || !cfg->vpopmail_dir)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	int n = snprintf(path, sizeof path, "%s/etc/password_strength.conf", cfg->vpopmail_dir);
	if (n < 0 || (size_t)n >= sizeof path)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	int rc = vp_read_file(path, &data, &len, POLICY_MAX_FILE, err);
	if (rc == -1)
		return 0; /* no file, no policy */
	if (rc < 0)
		return vp_fail(err, VA_BAD_CONFIG, "password policy %s cannot be read", path);
	const char *p = data, *end = data + len;
	for (int lineno = 1; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s = p;
		p = nl ? nl + 1 : end;
		/* a comment or a CR ends the line */
		for (const char *q = s; q < le; q++)
			if (*q == '#' || *q == '\r') {
				le = q;
				break;
			}
		while (s < le && is_ws(*s))
			s++;
		while (le > s && is_ws(le[-1]))
			le--;
		if (s == le)
			continue;
		const char *name = s;
		while (s < le && !is_ws(*s))
			s++;
		size_t nlen = (size_t)(s - name);
		while (s < le && is_ws(*s))
			s++;
		const char *op = s;
		while (s < le && !is_ws(*s))
			s++;
		size_t olen = (size_t)(s - op);
		while (s < le && is_ws(*s))
			s++;
		const char *val = s;
		if (olen == 0 || val == le) {
			rc = vp_fail(err, VA_BAD_CONFIG, "%s line %d: expected <rule> <op> <value>", path,
			             lineno);
			goto out;
		}
		if (nlen == 6 && strncasecmp(name, "policy", 6) == 0) {
			snprintf(pol->desc, sizeof pol->desc, "%.*s", (int)(le - val), val);
			continue;
		}
		int r = -1;
		for (int i = 0; i < R_COUNT; i++)
			if (strlen(rules[i].name) == nlen && strncasecmp(name, rules[i].name, nlen) == 0)
				r = i;
		if (r < 0) {
			rc = vp_fail(err, VA_BAD_CONFIG, "%s line %d: unknown rule %.*s", path, lineno,
			             (int)(nlen > 40 ? 40 : nlen), name);
			goto out;
		}
		int o = OP_NONE;
		if (olen == 1 && op[0] == '<')
			o = OP_LT;
		else if (olen == 2 && op[0] == '<' && op[1] == '=')
			o = OP_LE;
		else if (olen == 1 && op[0] == '=')
			o = OP_EQ;
		else if (olen == 1 && op[0] == '>')
			o = OP_GT;
		else if (olen == 2 && op[0] == '>' && op[1] == '=')
			o = OP_GE;
		if (o == OP_NONE) {
			rc = vp_fail(err, VA_BAD_CONFIG, "%s line %d: invalid test %.*s", path, lineno,
			             (int)(olen > 8 ? 8 : olen), op);
			goto out;
		}
		/* the value is the next word; vpopmail ignores what follows it too */
		const char *ve = val;
		while (ve < le && !is_ws(*ve))
			ve++;
		double v;
		if (parse_number(val, (size_t)(ve - val), &v) != 0) {
			rc = vp_fail(err, VA_BAD_CONFIG, "%s line %d: %.*s is not a number", path, lineno,
			             (int)(ve - val > 20 ? 20 : ve - val), val);
			goto out;
		}
		if (pol->r[r].op == OP_NONE)
			pol->nrules++;
		pol->r[r].op = o;
		pol->r[r].value = v;
	}
	rc = 0;
out:
	free(data);
	return rc;
}

/* vpopmail's rule_is_true: no rule is always true; NaN fails every test. */
static int rule_ok(const rule *r, double v)
{
	switch (r->op) {
	case OP_LT: return v < r->value;
	case OP_LE: return v <= r->value;
	case OP_EQ: return v == r->value;
	case OP_GT: return v > r->value;
	case OP_GE: return v >= r->value;
	default: return 1;
	}
}

/* pw_strength_error for rule i: "password <condition> <what> ". */
static void rule_message(const policy *pol, int i, char *out, size_t size)
{
	const rule *r = &pol->r[i];
	int less = r->op == OP_LT || r->op == OP_LE, eq = r->op == OP_EQ;
	const char *cond = less ? "should have less" : eq ? "can only be" : "requires more";
	if (i == R_DELTA) {
		/* the delta falls as diversity rises: the sense is the other way round */
		cond = less ? "requires more" : "should have less";
	} else if (i == R_LENGTH && eq) {
		snprintf(out, size, "password must always be %d characters long ", (int)r->value);
		return;
	}
	snprintf(out, size, "password %s %s ", cond, rules[i].what);
}

int vp_policy_test(const vp_config *cfg, const char *password, vp_policy_result *out,
                   vp_error *err)
{
	policy pol;
	vp_error_clear(err);
	if (!out)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	memset(out, 0, sizeof *out);
	int rc = policy_load(cfg, &pol, err);
	if (rc != 0)
		return rc;
	snprintf(out->policy, sizeof out->policy, "%s", pol.desc);
	out->rules = pol.nrules;
	snprintf(out->message, sizeof out->message, "password suitable");
	if (!password) {
		out->code = VA_PWSTR_EMPTY;
		snprintf(out->message, sizeof out->message, "%s", vp_strerror(VA_PWSTR_EMPTY));
		return 0;
	}
	double len = 0, upper = 0, lower = 0, digit = 0, other = 0;
	for (const unsigned char *c = (const unsigned char *)password; *c; c++) {
		if (*c >= 'A' && *c <= 'Z')
			upper++;
		else if (*c >= 'a' && *c <= 'z')
			lower++;
		else if (*c >= '0' && *c <= '9')
			digit++;
		else
			other++;
		len++;
	}
	double alpha = upper + lower;
	double v[R_COUNT];
	v[R_LENGTH] = len;
	v[R_ALPHA] = len > 0 ? alpha / len : NAN;
	v[R_NUMERIC] = len > 0 ? digit / len : NAN;
	v[R_OTHER] = len > 0 ? other / len : NAN;
	double delta = upper > lower ? upper - lower : lower - upper;
	v[R_DELTA] = alpha > 0 ? delta / alpha : NAN;
	for (int i = 0; i < R_COUNT; i++) {
		if (!rule_ok(&pol.r[i], v[i])) {
			out->code = rules[i].code;
			rule_message(&pol, i, out->message, sizeof out->message);
			break;
		}
	}
	return 0;
}

int vp_policy_check(const vp_config *cfg, const char *password, vp_error *err)
{
	vp_policy_result res;
	int rc = vp_policy_test(cfg, password, &res, err);
	if (rc != 0)
		return rc;
	if (res.code != 0 && err) {
		err->code = res.code;
		snprintf(err->msg, sizeof err->msg, "%s", res.message);
	}
	return res.code;
}
