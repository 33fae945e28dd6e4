/*
 * vp_limits.h: domain limits (spec 13) as they affect users (internal).
 * The vp_limits struct and the read/set/delete calls are public: vpcore.h.
 */
#ifndef VP_LIMITS_H
#define VP_LIMITS_H

#include "vpcore.h"

/* <domaindir>/.qmailadmin-limits (on mysql with the `limits` table: the
 * domain's row instead), else <vpopmail>/etc/vlimits.default, else built-in
 * defaults (-1 everywhere, no flags: spec 15.27).  Never chmods or chowns
 * what it reads.  0, or VA_CANNOT_READ_LIMITS when a file exists but cannot
 * be read, or the store's error. */
int vp_limits_read(const vp_config *cfg, const vp_domain_info *dom, vp_limits *out, vp_error *err);
/* Parse limits text (exposed for the tests). */
void vp_limits_parse(const char *text, size_t len, vp_limits *out);
void vp_limits_init(vp_limits *out);
/* pw_flags: the stored bits, plus the domain's unless V_OVERRIDE is set. */
unsigned long vp_effective_flags(unsigned long stored, const vp_limits *lim);
/* The initial quota of a new user (spec 6.3 step 16): "NOQUOTA", "<q>S",
 * "<c>C" or "<q>S,<c>C".  0, or VA_QUOTA_TOO_LONG when it would not fit. */
int vp_limits_initial_quota(const vp_limits *lim, char *out, size_t size, vp_error *err);

/* ---- enforcement (vp_usage.c); each is a no-op unless cfg->enforce_limits ---- */
/* May the domain get `more` mailboxes (more <= 0: always)?  0 or
 * VA_LIMIT_REACHED.  The caller holds the domain's .vpasswd.lock. */
int vp_limits_enforce_mailboxes(const vp_config *cfg, const vp_domain_info *dom,
                                const vp_limits *lim, long more, vp_error *err);
/* A mailbox's quota (normalised, in quota[size]) against the domain's quota
 * and maxmsgcount: the default one (is_default) is lowered to them in place;
 * an explicit one is refused with VA_QUOTA_OVER_DOMAIN when a part it gives
 * is above them or it is NOQUOTA, and a part it leaves out gets the cap. */
int vp_limits_enforce_quota(const vp_config *cfg, const vp_limits *lim, char *quota, size_t size,
                            int is_default, vp_error *err);
/* vp_set_quota's check: reads the domain's limits itself. */
int vp_limits_enforce_user_quota(const vp_config *cfg, const vp_domain_info *dom, char *quota,
                                 size_t size, vp_error *err);
/* vp_alias_add's check, under the domain's lock: the alias file's content
 * before (old, oldlen; NULL/0 when new) and the line being appended. */
int vp_limits_enforce_alias(const vp_config *cfg, const vp_domain_info *dom, const char *old,
                            size_t oldlen, const char *line, vp_error *err);

#endif
