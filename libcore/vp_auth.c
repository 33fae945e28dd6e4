/*
 * vp_auth.c: vauth_user() for the cdb module (spec 7.1).
 *
 * user@domain, both lowercased; an alias domain resolves to its real domain
 * through users/cdb; the user is looked up in vpasswd.cdb (rebuilt first if
 * only vpasswd exists); the password must crypt(3) to the stored hash.  As
 * in vpopmail there is no flag check (a NO_POP user still authenticates: the
 * caller decides per service), no clear-text comparison and no lastauth
 * update.
 *
 * The answer says why it failed (VA_DOMAIN_DOES_NOT_EXIST,
 * VA_USER_DOES_NOT_EXIST, VA_WRONG_PASSWORD) but nothing more, and never
 * the password.
 *
 * Timing, by what a remote client could learn from it:
 *  - An unknown or malformed domain is answered at once: which domains a
 *    server hosts is public anyway (MX records, rcpthosts, the SMTP
 *    greeting's RCPT answers), so hashing would only hand out free CPU.
 *  - A malformed user name (empty, too long, a byte vpopmail cannot store)
 *    is answered at once too: the rules are public, no mailbox is revealed.
 *  - An unknown user in a hosted domain pays one crypt over a fixed setting
 *    of the configured scheme at its default cost, like a wrong password,
 *    so the time does not tell which mailboxes exist (user enumeration).
 *    cfg->auth_fast_unknown drops that crypt (answer in microseconds) for
 *    sites where the mailbox list is not a secret or where the front end
 *    already rate-limits and answers uniformly.
 *  - An existing user with an empty stored hash also pays the dummy crypt.
 * A stored hash with a non-default cost takes what it takes, as it would
 * for any verification.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_password.h"
#include "vp_vpasswd.h"

#include <string.h>

static int lower_name(const char *src, char *dst, size_t max)
{
	size_t len = strlen(src);
	if (len == 0 || len > max)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c <= 32 || c >= 127 || c == ':')
			return -1;
		dst[i] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
	}
	dst[len] = '\0';
	return 0;
}

int vp_auth_user(const vp_config *cfg, const char *user, const char *domain,
                 const char *password, vp_user_entry *out, vp_error *err)
{
	char uname[VP_MAX_PW_NAME + 1], dname[VP_MAX_PW_DOMAIN + 1];
	vp_domain_info dom;
	vp_user_entry e;
	int rc;

	vp_error_clear(err);
	if (out)
		memset(out, 0, sizeof *out);
	if (!cfg || !user || !domain || !password)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	enum vp_hash_scheme scheme = cfg->hash_scheme;

	if (strlen(domain) > VP_MAX_PW_DOMAIN ||
	    vp_domain_normalize(domain, strlen(domain), dname, NULL) != 0)
		return vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, NULL);
	rc = vp_domain_lookup(cfg, dname, &dom, err);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "%s", dname);
	if (lower_name(user, uname, VP_MAX_PW_NAME) != 0)
		return vp_fail(err, VA_USER_DOES_NOT_EXIST, NULL);
	rc = vp_vpw_get(cfg, &dom, uname, &e, err);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (!cfg->auth_fast_unknown)
			vp_password_burn(scheme, password);
		return vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", uname, dom.realdomain);
	}
	int ok;
	if (e.passwd[0] == '\0') {
		vp_password_burn(scheme, password);
		ok = 0; /* an empty hash never matches */
	} else {
		ok = vp_password_verify(password, e.passwd);
	}
	if (!ok) {
		explicit_bzero(&e, sizeof e);
		return vp_fail(err, VA_WRONG_PASSWORD, "%s@%s", uname, dom.realdomain);
	}
	if (out)
		*out = e;
	explicit_bzero(&e, sizeof e);
	return 0;
}
