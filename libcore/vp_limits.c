/*
 * vp_limits.c: the parts of vpopmail's vlimits that users depend on (spec 13).
 *
 * Reader syntax as vpopmail's: one keyword per line, '#' comment lines, blank
 * lines ignored, the value separated from the keyword by any run of spaces,
 * tabs or ':'.  Numbers are read like atol/atoll (leading digits; anything
 * else is 0).  Unknown keywords are ignored.  Unlike vpopmail we never chmod
 * or chown the file we read, and a missing vlimits.default means built-in
 * defaults instead of a failed user creation (spec 15.27).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_limits.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMITS_MAX_FILE (64 * 1024)

void vp_limits_init(vp_limits *out)
{
	memset(out, 0, sizeof *out);
	out->max_popaccounts = -1;
	out->max_aliases = -1;
	out->max_forwards = -1;
	out->max_autoresponders = -1;
	out->max_mailinglists = -1;
	out->quota_mb = 0;
	out->maxmsgcount = 0;
}

static long long lead_number(const char *s, size_t len)
{
	size_t i = 0;
	int neg = 0;
	long long v = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (LLONG_MAX - 9) / 10)
			return neg ? LLONG_MIN : LLONG_MAX;
		v = v * 10 + (s[i] - '0');
	}
	return neg ? -v : v;
}

static const struct {
	const char *word;
	unsigned long flag;
} flag_words[] = {
	{ "disable_pop", VP_NO_POP },
	{ "disable_smtp", VP_NO_SMTP },
	{ "disable_imap", VP_NO_IMAP },
	{ "disable_external_relay", VP_NO_RELAY },
	{ "disable_webmail", VP_NO_WEBMAIL },
	{ "disable_password_changing", VP_NO_PASSWD_CHNG },
	{ "disable_dialup", VP_NO_DIALUP },
	{ "disable_spamassassin", VP_NO_SPAMASSASSIN },
	{ "delete_spam", VP_DELETE_SPAM },
	{ "disable_maildrop", VP_NO_MAILDROP },
};

static int is_sep(char c)
{
	return c == ' ' || c == '\t' || c == ':';
}

static int key_is(const char *k, size_t kl, const char *word)
{
	return strlen(word) == kl && memcmp(k, word, kl) == 0;
}

void vp_limits_parse(const char *text, size_t len, vp_limits *out)
{
	vp_limits_init(out);
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s = p;
		p = nl ? nl + 1 : end;
		while (le > s && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
			le--;
		while (s < le && (*s == ' ' || *s == '\t'))
			s++;
		if (s == le || *s == '#')
			continue;
		const char *k = s;
		while (s < le && !is_sep(*s))
			s++;
		size_t kl = (size_t)(s - k);
		while (s < le && is_sep(*s))
			s++;
		const char *v = s;
		size_t vl = (size_t)(le - v);
		long long n = lead_number(v, vl);
		long ln = n > LONG_MAX ? LONG_MAX : n < LONG_MIN ? LONG_MIN : (long)n;
		if (key_is(k, kl, "maxpopaccounts"))
			out->max_popaccounts = ln;
		else if (key_is(k, kl, "maxaliases"))
			out->max_aliases = ln;
		else if (key_is(k, kl, "maxforwards"))
			out->max_forwards = ln;
		else if (key_is(k, kl, "maxautoresponders"))
			out->max_autoresponders = ln;
		else if (key_is(k, kl, "maxmailinglists"))
			out->max_mailinglists = ln;
		else if (key_is(k, kl, "quota"))
			out->quota_mb = ln;
		else if (key_is(k, kl, "maxmsgcount"))
			out->maxmsgcount = ln;
		else if (key_is(k, kl, "default_quota"))
			out->default_quota = n > 0 ? (unsigned long long)n : 0;
		else if (key_is(k, kl, "default_maxmsgcount"))
			out->default_maxmsgcount = n > 0 ? (unsigned long long)n : 0;
		else {
			for (size_t i = 0; i < sizeof flag_words / sizeof flag_words[0]; i++)
				if (key_is(k, kl, flag_words[i].word))
					out->flag_mask |= flag_words[i].flag;
		}
	}
}

int vp_limits_read(const vp_config *cfg, const char *domaindir, vp_limits *out, vp_error *err)
{
	char path[4096];
	char *data = NULL;
	size_t len = 0;
	vp_limits_init(out);
	for (int which = 1; which <= 2; which++) {
		int n;
		if (which == 1)
			n = domaindir ? snprintf(path, sizeof path, "%s/.qmailadmin-limits", domaindir) : -1;
		else
			n = (cfg && cfg->vpopmail_dir)
			        ? snprintf(path, sizeof path, "%s/etc/vlimits.default", cfg->vpopmail_dir)
			        : -1;
		if (n < 0 || (size_t)n >= sizeof path)
			continue;
		int rc = vp_read_file(path, &data, &len, LIMITS_MAX_FILE, err);
		if (rc == -1)
			continue; /* missing: next candidate */
		if (rc < 0)
			return vp_fail(err, VA_CANNOT_READ_LIMITS, "%s", path);
		vp_limits_parse(data, len, out);
		out->source = which;
		free(data);
		return 0;
	}
	return 0;
}

unsigned long vp_effective_flags(unsigned long stored, const vp_limits *lim)
{
	if ((stored & VP_V_OVERRIDE) || !lim)
		return stored;
	return stored | lim->flag_mask;
}

int vp_limits_initial_quota(const vp_limits *lim, char *out, size_t size, vp_error *err)
{
	int n;
	if (lim && lim->default_quota > 0 && lim->default_maxmsgcount > 0)
		n = snprintf(out, size, "%lluS,%lluC", lim->default_quota, lim->default_maxmsgcount);
	else if (lim && lim->default_quota > 0)
		n = snprintf(out, size, "%lluS", lim->default_quota);
	else if (lim && lim->default_maxmsgcount > 0)
		n = snprintf(out, size, "%lluC", lim->default_maxmsgcount);
	else
		n = snprintf(out, size, "NOQUOTA");
	if (n < 0 || (size_t)n >= size || n > VP_MAX_PW_QUOTA) {
		if (size)
			out[0] = '\0';
		return vp_fail(err, VA_QUOTA_TOO_LONG, "default quota of the domain");
	}
	return 0;
}
