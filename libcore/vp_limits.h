/*
 * vp_limits.h: domain limits (spec 13) as they affect users (internal).
 */
#ifndef VP_LIMITS_H
#define VP_LIMITS_H

#include "vpcore.h"

/* The user flag bits (VP_NO_POP, ...) are public: see vpcore.h. */

typedef struct vp_limits {
	long max_popaccounts, max_aliases, max_forwards, max_autoresponders, max_mailinglists;
	long quota_mb, maxmsgcount;              /* domain-wide (not enforced here) */
	unsigned long long default_quota;        /* bytes for new users, 0 = none */
	unsigned long long default_maxmsgcount;  /* messages for new users, 0 = none */
	unsigned long flag_mask;                 /* user flags the disable_* words imply */
	int source;                              /* 0 built-in, 1 .qmailadmin-limits, 2 vlimits.default */
} vp_limits;

/* <domaindir>/.qmailadmin-limits, else <vpopmail>/etc/vlimits.default, else
 * built-in defaults (-1 everywhere, no flags: spec 15.27).  Never chmods or
 * chowns what it reads.  0, or VA_CANNOT_READ_LIMITS when a file exists but
 * cannot be read. */
int vp_limits_read(const vp_config *cfg, const char *domaindir, vp_limits *out, vp_error *err);
/* Parse limits text (exposed for the tests). */
void vp_limits_parse(const char *text, size_t len, vp_limits *out);
void vp_limits_init(vp_limits *out);
/* pw_flags: the stored bits, plus the domain's unless V_OVERRIDE is set. */
unsigned long vp_effective_flags(unsigned long stored, const vp_limits *lim);
/* The initial quota of a new user (spec 6.3 step 16): "NOQUOTA", "<q>S",
 * "<c>C" or "<q>S,<c>C".  0, or VA_QUOTA_TOO_LONG when it would not fit. */
int vp_limits_initial_quota(const vp_limits *lim, char *out, size_t size, vp_error *err);

#endif
