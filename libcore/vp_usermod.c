/*
 * vp_usermod.c: vmoduser for the cdb module: a user's flags (the vpasswd
 * "gid" field, spec 6.7) and gecos.
 *
 * Every change is one read-modify-write of the user's vpasswd line under
 * <domaindir>/.vpasswd.lock (modify_user below): look the line up under the
 * lock, let a callback change the entry, format it (vp_vpw_format checks every
 * field and the line length) and replace it in vpasswd + vpasswd.cdb.  Fields
 * the change does not touch, the clear-text 8th field included, are written
 * back as they were.  vp_set_password and vp_set_quota (vp_user.c) go through
 * the same vp_vpw_edit_locked.
 *
 * Choices where vpopmail leaves room:
 *  - Flag bits outside VP_FLAGS_KNOWN are refused (VA_PARSE_ERROR), so a
 *    typo never stores a bit no tool knows; bits already stored are kept by
 *    ADD and REMOVE.
 *  - vp_get_user_flags reports the stored bits, not the effective ones (the
 *    domain's limits may add more: spec 6.7).
 *  - A gecos holding ':' CR LF or any other control byte is refused
 *    (VA_BAD_CHAR); an empty one becomes the user name, as vadduser stores it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_user_int.h"
#include "vp_vpasswd.h"

#include <stdio.h>
#include <string.h>

/*
 * The shared front: user and domain are raw (normalised here, strictly, as
 * every writer does); an alias domain resolves to its real domain.  The edit
 * runs under the domain's lock with the current line (vp_vpw_edit_locked).
 */
static int modify_user(const vp_config *cfg, const char *user, const char *domain,
                       vp_vpw_edit_fn edit, void *ctx, vp_error *err)
{
	char uname[VP_MAX_PW_NAME + 1];
	vp_domain_info dom;
	vp_user_entry e;
	vp_lock lock = { -1 };
	int rc;

	if (!cfg || !user || !domain)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	if ((rc = vp_user_normalize(user, strlen(user), uname, err)) != 0)
		return rc;
	if ((rc = vp_user_resolve_domain(cfg, domain, &dom, err)) != 0)
		return rc;
	if ((rc = vp_vpw_lock(cfg, &dom, &lock, err)) != 0)
		return rc;
	rc = vp_vpw_edit_locked(cfg, &dom, uname, edit, ctx, &e, err);
	vp_lock_release(&lock);
	explicit_bzero(&e, sizeof e);
	return rc;
}

/* ---- flags ---- */

int vp_get_user_flags(const vp_config *cfg, const char *user, const char *domain,
                      unsigned long *flags, vp_error *err)
{
	vp_user_entry e;
	vp_error_clear(err);
	if (!flags)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	*flags = 0;
	int rc = vp_get_user(cfg, user, domain, &e, NULL, err);
	if (rc == 0)
		rc = vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", user, domain);
	if (rc < 0)
		return rc;
	*flags = e.flags;
	explicit_bzero(&e, sizeof e);
	return 0;
}

typedef struct flags_ctx {
	enum vp_flags_mode mode;
	unsigned long bits;
	unsigned long result;
} flags_ctx;

static int apply_flags(void *ctx, vp_user_entry *e, vp_error *err)
{
	flags_ctx *c = ctx;
	(void)err;
	switch (c->mode) {
	case VP_FLAGS_ADD:
		e->flags |= c->bits;
		break;
	case VP_FLAGS_REMOVE:
		e->flags &= ~c->bits;
		break;
	case VP_FLAGS_REPLACE:
		e->flags = c->bits;
		break;
	}
	c->result = e->flags;
	return 0;
}

int vp_set_user_flags(const vp_config *cfg, const char *user, const char *domain,
                      enum vp_flags_mode mode, unsigned long bits, unsigned long *result,
                      vp_error *err)
{
	flags_ctx c = { mode, bits, 0 };
	vp_error_clear(err);
	if (mode != VP_FLAGS_ADD && mode != VP_FLAGS_REMOVE && mode != VP_FLAGS_REPLACE)
		return vp_fail(err, VA_PARSE_ERROR, "unknown flags mode %d", (int)mode);
	if (bits & ~VP_FLAGS_KNOWN)
		return vp_fail(err, VA_PARSE_ERROR, "unknown flag bits 0x%lx", bits & ~VP_FLAGS_KNOWN);
	int rc = modify_user(cfg, user, domain, apply_flags, &c, err);
	if (rc == 0 && result)
		*result = c.result;
	return rc;
}

/* ---- gecos ---- */

static int apply_gecos(void *ctx, vp_user_entry *e, vp_error *err)
{
	const char *gecos = ctx;
	/* vadduser's rule: no comment, the user name (already checked to fit). */
	int n = snprintf(e->gecos, sizeof e->gecos, "%s", gecos[0] ? gecos : e->name);
	if (n < 0 || (size_t)n >= sizeof e->gecos)
		return vp_fail(err, VA_GECOS_TOO_LONG, NULL);
	return 0;
}

int vp_set_user_gecos(const vp_config *cfg, const char *user, const char *domain,
                      const char *gecos, vp_error *err)
{
	vp_error_clear(err);
	if (!gecos)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	int rc = vp_gecos_check(gecos, err);
	if (rc != 0)
		return rc;
	return modify_user(cfg, user, domain, apply_gecos, (void *)gecos, err);
}
