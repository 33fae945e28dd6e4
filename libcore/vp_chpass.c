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
 * or what the policy says about the new one.  The write is vp_set_password's,
 * i.e. what vpasswd does, made one step with the check: under the domain's
 * lock (mysql: in its transaction, the row read FOR UPDATE) the record must
 * still hold the hash the old password was checked against, or the old
 * password must match the hash it holds now (a passwd or another change in
 * between); so a change never overwrites a newer password and is never
 * granted on a stale record.  The check itself stays vp_auth_user's, outside
 * the lock, so its timing is a login's.  An unknown domain is VA_DOMAIN_DOES_NOT_EXIST:
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
	char checked[sizeof e.passwd];
	rc = vp_auth_user(cfg, user, domain, oldpw, &e, err);
	unsigned long flags = e.flags;
	memcpy(checked, e.passwd, sizeof checked);
	explicit_bzero(&e, sizeof e);
	if (rc == VA_USER_DOES_NOT_EXIST || rc == VA_WRONG_PASSWORD) {
		explicit_bzero(checked, sizeof checked);
		vp_error_clear(err);
		return vp_fail(err, VA_WRONG_PASSWORD, NULL);
	}
	if (rc == 0)
		rc = vp_user_resolve_domain(cfg, domain, &dom, err);
	if (rc != 0) {
		explicit_bzero(checked, sizeof checked);
		return rc;
	}
	/* unreadable limits: the stored bits alone, as vpopmail's pw_flags */
	if (vp_limits_read(cfg, &dom, &lim, NULL) == 0)
		flags = vp_effective_flags(flags, &lim);
	if (flags & VP_NO_PASSWD_CHNG)
		rc = vp_fail(err, VA_PASSWD_CHANGE_DENIED, NULL);
	else
		rc = vp_user_set_password_checked(cfg, user, domain, newpw, checked, oldpw, err);
	explicit_bzero(checked, sizeof checked);
	/* gone since the check: to the caller, the old password matches nothing */
	if (rc == VA_USER_DOES_NOT_EXIST) {
		vp_error_clear(err);
		rc = vp_fail(err, VA_WRONG_PASSWORD, NULL);
	}
	return rc;
}
