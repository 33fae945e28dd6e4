/*
 * vp_convert.h: vconvert natively (vp_convert.c): a site's accounts from the
 * cdb files to the SQL tables of a store handle, or back.
 */
#ifndef VP_CONVERT_H
#define VP_CONVERT_H

#include "vp_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What one domain's conversion wrote to the target. */
typedef struct vp_convert_counts {
	char domain[VP_MAX_PW_DOMAIN + 1];  /* the real domain */
	unsigned long users;                /* records written */
	unsigned long removed;              /* records the target had and the source not */
	unsigned long lastauth;             /* last-login records written */
	unsigned long alias_domains;        /* aliasdomains rows written (to SQL) */
	unsigned long aliases;              /* aliases (cfg->valias): names */
	unsigned long alias_lines;          /* and their lines */
} vp_convert_counts;
/* Called after each domain's commit; nonzero stops (the call returns 0). */
typedef int (*vp_convert_cb)(void *ctx, const vp_convert_counts *n);

/*
 * cdb -> SQL (to_sql 1) or SQL -> cdb (0), every real domain of users/assign
 * in name order, or only `domain` (an alias domain names its real one).
 * cfg is the site (its backend is not used: the cdb side is always the
 * files, the SQL side always `sql`); cfg->valias moves the aliases too.
 * Each domain is all or nothing and a second run redoes it; the first
 * domain that fails stops the call with its VA code (the domains before it
 * are converted, cb has seen them).
 */
int vp_convert(const vp_config *cfg, vp_store *sql, int to_sql, const char *domain,
               vp_convert_cb cb, void *ctx, vp_error *err);

#ifdef __cplusplus
}
#endif
#endif
