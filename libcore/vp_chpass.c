/*
 * vp_chpass.c: a user changes their own password (webmail, vchangepw).
 *
 * The old password goes through vp_auth_user, the path every login takes,
 * so an unknown user costs the same crypt as a known one (unless the site
 * set auth_fast_unknown) and both answers are the one VA_WRONG_PASSWORD:
 * neither the time nor the code tells whether the mailbox exists.  Only
 * someone who knows the old password learns anything more: that changes are
 * disabled (the user's NO_PASSWD_CHNG or the domain's
 * disable_password_changing, V_OVERRIDE honoured: VA_PASSWD_CHANGE_DENIED)
 * or what the policy says about the new one.  The write is vp_set_password,
 * i.e. what vpasswd does.  An unknown domain is VA_DOMAIN_DOES_NOT_EXIST:
 * which domains a server hosts is public (see vp_auth.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_limits.h"
#include "vp_user_int.h"

#include <string.h>

int vp_change_password(const vp_config *cfg, const char *user, const char *domain,
                       const char *oldpw, const char *newpw, vp_error *err)
{
	vp_user_entry e;
	vp_domain_info dom;
	vp_limits lim;
	int rc;

	vp_error_clear(err);
	if (!cfg || !user || !domain || !oldpw || !newpw)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	rc = vp_auth_user(cfg, user, domain, oldpw, &e, err);
	unsigned long flags = e.flags;
	explicit_bzero(&e, sizeof e);
	if (rc == VA_USER_DOES_NOT_EXIST || rc == VA_WRONG_PASSWORD) {
		vp_error_clear(err);
		return vp_fail(err, VA_WRONG_PASSWORD, NULL);
	}
	if (rc != 0)
		return rc;
	if ((rc = vp_user_resolve_domain(cfg, domain, &dom, err)) != 0)
		return rc;
	/* unreadable limits: the stored bits alone, as vpopmail's pw_flags */
	if (vp_limits_read(cfg, &dom, &lim, NULL) == 0)
		flags = vp_effective_flags(flags, &lim);
	if (flags & VP_NO_PASSWD_CHNG)
		return vp_fail(err, VA_PASSWD_CHANGE_DENIED, NULL);
	return vp_set_password(cfg, user, domain, newpw, err);
}
