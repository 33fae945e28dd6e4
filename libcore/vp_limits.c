/*
 * vp_limits.c: vpopmail's domain limits (spec 13): the one reader, the
 * writer vmoddomlimits uses (vset_limits), and what users depend on.
 *
 * Reader syntax as vpopmail's: one keyword per line, '#' comment lines, blank
 * lines ignored, the value separated from the keyword by any run of spaces,
 * tabs or ':'.  Numbers are read like atoi/strtoll (leading digits; anything
 * else is 0); a numeric keyword with no separator at all after it is ignored,
 * as vpopmail does.  A flag word counts wherever it appears, whatever follows
 * it ("disable_pop: 0" disables POP, as in vpopmail).  Unknown keywords are
 * ignored.  Where vpopmail leaves room we normalise: a negative max* is -1
 * (unlimited), a negative quota or count is 0 (none).  Unlike vpopmail we
 * never chmod or chown the file we read, and a missing vlimits.default means
 * built-in defaults instead of a failed user creation (spec 15.27).
 *
 * Permissions: each perm_* is read & 7 (1 deny create, 2 deny modify, 4 deny
 * delete); perm_maillist packs three groups, the list itself, its users
 * (<< 3) and its moderators (<< 6), and that is how vpopmail's reader takes
 * it apart.  vpopmail's writer, though, writes the two sub-groups into
 * perm_quota instead (a bug: its own reader masks them off there and they are
 * lost).  We read a file vmoddomlimits wrote that way correctly (sub-groups
 * found only above bit 2 of perm_quota are taken from there), and we write
 * them where the reader looks, in perm_maillist.  Without maillist sub-group
 * permissions the bytes we write are exactly vmoddomlimits' bytes.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_limits.h"
#include "vp_user_int.h"
#include "vp_vpasswd.h"
#include "vp_store.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LIMITS_MAX_FILE (64 * 1024)
#define LIMITS_FILE ".qmailadmin-limits"

void vp_limits_init(vp_limits *out)
{
	memset(out, 0, sizeof *out);
	out->max_popaccounts = -1;
	out->max_aliases = -1;
	out->max_forwards = -1;
	out->max_autoresponders = -1;
	out->max_mailinglists = -1;
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

/* The writer's order (vlimits_write_limits_file). */
static const struct {
	const char *word;
	unsigned long flag;
} flag_words[] = {
	{ "disable_pop", VP_NO_POP },
	{ "disable_imap", VP_NO_IMAP },
	{ "disable_dialup", VP_NO_DIALUP },
	{ "disable_password_changing", VP_NO_PASSWD_CHNG },
	{ "disable_webmail", VP_NO_WEBMAIL },
	{ "disable_external_relay", VP_NO_RELAY },
	{ "disable_smtp", VP_NO_SMTP },
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

static long max_value(long long n)
{
	return n < 0 ? -1 : n > INT_MAX ? INT_MAX : (long)n;
}

/* The keys with a value: where each goes. */
enum { NK_MAX, NK_NUM, NK_PERM, NK_MAILLIST, NK_QUOTA };
typedef struct num_key {
	const char *word;
	int kind;
	size_t off;
} num_key;
static const num_key num_keys[] = {
	{ "maxpopaccounts", NK_MAX, offsetof(vp_limits, max_popaccounts) },
	{ "maxaliases", NK_MAX, offsetof(vp_limits, max_aliases) },
	{ "maxforwards", NK_MAX, offsetof(vp_limits, max_forwards) },
	{ "maxautoresponders", NK_MAX, offsetof(vp_limits, max_autoresponders) },
	{ "maxmailinglists", NK_MAX, offsetof(vp_limits, max_mailinglists) },
	{ "quota", NK_NUM, offsetof(vp_limits, quota_mb) },
	{ "maxmsgcount", NK_NUM, offsetof(vp_limits, maxmsgcount) },
	{ "default_quota", NK_NUM, offsetof(vp_limits, default_quota) },
	{ "default_maxmsgcount", NK_NUM, offsetof(vp_limits, default_maxmsgcount) },
	{ "perm_account", NK_PERM, offsetof(vp_limits, perm_account) },
	{ "perm_alias", NK_PERM, offsetof(vp_limits, perm_alias) },
	{ "perm_forward", NK_PERM, offsetof(vp_limits, perm_forward) },
	{ "perm_autoresponder", NK_PERM, offsetof(vp_limits, perm_autoresponder) },
	{ "perm_maillist", NK_MAILLIST, 0 }, /* unpacked at the end */
	{ "perm_quota", NK_QUOTA, 0 },       /* may carry vmoddomlimits' maillist groups */
	{ "perm_defaultquota", NK_PERM, offsetof(vp_limits, perm_defaultquota) },
};

void vp_limits_parse(const char *text, size_t len, vp_limits *out)
{
	unsigned long long pm = 0, pq = 0;
	vp_limits_init(out);
	const char *p = text, *end = text + len;
	while (p < end) {
		/* vpopmail ends a line at CR or LF */
		const char *le = p;
		while (le < end && *le != '\n' && *le != '\r')
			le++;
		const char *s = p;
		p = le < end ? le + 1 : end;
		while (s < le && (*s == ' ' || *s == '\t'))
			s++;
		if (s == le || *s == '#')
			continue;
		const char *k = s;
		while (s < le && !is_sep(*s))
			s++;
		size_t kl = (size_t)(s - k);
		int has_value = s < le; /* a separator followed the key */
		while (s < le && is_sep(*s))
			s++;
		const char *v = s;
		size_t vl = (size_t)(le - v);
		long long n = lead_number(v, vl);
		unsigned long long un = n > 0 ? (unsigned long long)n : 0;
		const num_key *nk = NULL;
		for (size_t i = 0; i < sizeof num_keys / sizeof num_keys[0] && !nk; i++)
			if (key_is(k, kl, num_keys[i].word))
				nk = &num_keys[i];
		if (nk) {
			if (!has_value)
				continue; /* no separator after the key: vpopmail ignores the line */
			char *f = (char *)out + nk->off;
			if (nk->kind == NK_MAX)
				*(long *)f = max_value(n);
			else if (nk->kind == NK_NUM)
				*(unsigned long long *)f = un;
			else if (nk->kind == NK_PERM)
				*(unsigned *)f = (unsigned)((unsigned long long)n & VP_PERM_ALL);
			else if (nk->kind == NK_MAILLIST)
				pm = (unsigned long long)n;
			else
				pq = (unsigned long long)n;
		} else {
			for (size_t i = 0; i < sizeof flag_words / sizeof flag_words[0]; i++)
				if (key_is(k, kl, flag_words[i].word))
					out->flag_mask |= flag_words[i].flag;
		}
	}
	out->perm_maillist = (unsigned)(pm & VP_PERM_ALL);
	out->perm_maillist_users = (unsigned)((pm >> 3) & VP_PERM_ALL);
	out->perm_maillist_moderators = (unsigned)((pm >> 6) & VP_PERM_ALL);
	out->perm_quota = (unsigned)(pq & VP_PERM_ALL);
	/* vmoddomlimits' writer put the maillist sub-groups into perm_quota */
	if ((pm >> 3) == 0 && (pq >> 3) != 0) {
		out->perm_maillist_users = (unsigned)((pq >> 3) & VP_PERM_ALL);
		out->perm_maillist_moderators = (unsigned)((pq >> 6) & VP_PERM_ALL);
	}
}

size_t vp_limits_format(const vp_limits *lim, char *out, size_t size)
{
	char buf[2048];
	size_t n = 0;
#define PUT(...) do { int k_ = snprintf(buf + n, sizeof buf - n, __VA_ARGS__); \
		if (k_ > 0) n = n + (size_t)k_ < sizeof buf ? n + (size_t)k_ : sizeof buf - 1; } while (0)
	PUT("maxpopaccounts: %ld\n", lim->max_popaccounts);
	PUT("maxaliases: %ld\n", lim->max_aliases);
	PUT("maxforwards: %ld\n", lim->max_forwards);
	PUT("maxautoresponders: %ld\n", lim->max_autoresponders);
	PUT("maxmailinglists: %ld\n", lim->max_mailinglists);
	PUT("quota: %llu\n", lim->quota_mb);
	PUT("maxmsgcount: %llu\n", lim->maxmsgcount);
	PUT("default_quota: %llu\n", lim->default_quota);
	PUT("default_maxmsgcount: %llu\n", lim->default_maxmsgcount);
	for (size_t i = 0; i < sizeof flag_words / sizeof flag_words[0]; i++)
		if (lim->flag_mask & flag_words[i].flag)
			PUT("%s\n", flag_words[i].word);
	PUT("perm_account: %u\n", lim->perm_account & VP_PERM_ALL);
	PUT("perm_alias: %u\n", lim->perm_alias & VP_PERM_ALL);
	PUT("perm_forward: %u\n", lim->perm_forward & VP_PERM_ALL);
	PUT("perm_autoresponder: %u\n", lim->perm_autoresponder & VP_PERM_ALL);
	PUT("perm_maillist: %u\n", (lim->perm_maillist & VP_PERM_ALL) |
	                           (lim->perm_maillist_users & VP_PERM_ALL) << 3 |
	                           (lim->perm_maillist_moderators & VP_PERM_ALL) << 6);
	PUT("perm_quota: %u\n", lim->perm_quota & VP_PERM_ALL);
	PUT("perm_defaultquota: %u\n", lim->perm_defaultquota & VP_PERM_ALL);
#undef PUT
	if (out && size) {
		size_t c = n < size ? n : size - 1;
		memcpy(out, buf, c);
		out[c] = '\0';
	}
	return n;
}

/* The files: <domaindir>/.qmailadmin-limits (domaindir NULL: skipped), else
 * vlimits.default, else built-in. */
static int read_files(const vp_config *cfg, const char *domaindir, vp_limits *out, vp_error *err)
{
	char path[4096];
	char *data = NULL;
	size_t len = 0;
	vp_limits_init(out);
	for (int which = 1; which <= 2; which++) {
		int n;
		if (which == 1)
			n = domaindir ? snprintf(path, sizeof path, "%s/" LIMITS_FILE, domaindir) : -1;
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

/* The store keeps the limits (mysql with the `limits` table): 1, else 0, <0. */
static int table_used(const vp_config *cfg, vp_error *err)
{
	vp_store *s = vp_cfg_store(cfg);
	return s ? vp_store_limits_used(s, err) : 0;
}

int vp_limits_read(const vp_config *cfg, const vp_domain_info *dom, vp_limits *out, vp_error *err)
{
	int rc = table_used(cfg, err);
	vp_limits_init(out);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return read_files(cfg, dom ? dom->dir : NULL, out, err);
	/* as vpopmail built with --enable-mysql-limits: the row, else
	 * vlimits.default; .qmailadmin-limits is not read */
	if ((rc = vp_store_limits_get(vp_cfg_store(cfg), dom, 0, out, err)) != 0)
		return rc < 0 ? rc : 0;
	return read_files(cfg, NULL, out, err);
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

/* ---- the public read / write / delete ---- */

int vp_get_domain_limits(const vp_config *cfg, const char *domain, vp_limits *out, vp_error *err)
{
	vp_domain_info dom;
	int rc;
	vp_error_clear(err);
	if (!out)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	vp_limits_init(out);
	if (!cfg || !domain)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	if ((rc = vp_user_resolve_domain(cfg, domain, &dom, err)) != 0)
		return rc;
	return vp_limits_read(cfg, &dom, out, err);
}

static int check_max(const char *key, long v, vp_error *err)
{
	if (v < -1 || v > INT_MAX)
		return vp_fail(err, VA_PARSE_ERROR, "%s: %ld is not between -1 and %d", key, v, INT_MAX);
	return 0;
}

static int check_perm(const char *key, unsigned v, vp_error *err)
{
	if (v > VP_PERM_ALL)
		return vp_fail(err, VA_PARSE_ERROR, "%s: %u is not between 0 and 7", key, v);
	return 0;
}

/* What the reader reads back unchanged (vpopmail's strtoll: up to LLONG_MAX). */
static int limits_valid(const vp_limits *l, vp_error *err)
{
	int rc;
	if ((rc = check_max("maxpopaccounts", l->max_popaccounts, err)) != 0 ||
	    (rc = check_max("maxaliases", l->max_aliases, err)) != 0 ||
	    (rc = check_max("maxforwards", l->max_forwards, err)) != 0 ||
	    (rc = check_max("maxautoresponders", l->max_autoresponders, err)) != 0 ||
	    (rc = check_max("maxmailinglists", l->max_mailinglists, err)) != 0)
		return rc;
	if (l->quota_mb > LLONG_MAX || l->maxmsgcount > LLONG_MAX || l->default_quota > LLONG_MAX ||
	    l->default_maxmsgcount > LLONG_MAX)
		return vp_fail(err, VA_PARSE_ERROR, "a quota or message count above %lld", LLONG_MAX);
	if (l->flag_mask & ~(unsigned long)VP_LIMITS_FLAG_BITS)
		return vp_fail(err, VA_PARSE_ERROR, "flags 0x%lx are not limits flags",
		               l->flag_mask & ~(unsigned long)VP_LIMITS_FLAG_BITS);
	if ((rc = check_perm("perm_account", l->perm_account, err)) != 0 ||
	    (rc = check_perm("perm_alias", l->perm_alias, err)) != 0 ||
	    (rc = check_perm("perm_forward", l->perm_forward, err)) != 0 ||
	    (rc = check_perm("perm_autoresponder", l->perm_autoresponder, err)) != 0 ||
	    (rc = check_perm("perm_maillist", l->perm_maillist, err)) != 0 ||
	    (rc = check_perm("perm_maillist_users", l->perm_maillist_users, err)) != 0 ||
	    (rc = check_perm("perm_maillist_moderators", l->perm_maillist_moderators, err)) != 0 ||
	    (rc = check_perm("perm_quota", l->perm_quota, err)) != 0 ||
	    (rc = check_perm("perm_defaultquota", l->perm_defaultquota, err)) != 0)
		return rc;
	return 0;
}

/* The table's read-modify-write: one transaction, the row locked; a
 * deadlock between two first inserts of the row is tried again. */
static int edit_in_table(const vp_config *cfg, const vp_domain_info *dom, vp_limits_edit_fn edit,
                         void *ctx, vp_error *err)
{
	vp_store *s = vp_cfg_store(cfg);
	vp_limits lim;
	int rc;
	for (int attempt = 0;; attempt++) {
		vp_error ignored;
		if ((rc = vp_store_begin(s, dom, VP_STORE_NEED_LIMITS, err)) != 0)
			return rc;
		rc = vp_store_limits_get(s, dom, VP_STORE_GET_LOCK, &lim, err);
		if (rc == 0)
			rc = read_files(cfg, NULL, &lim, err);
		if (rc >= 0 && (rc = edit(ctx, &lim, err)) == 0 && (rc = limits_valid(&lim, err)) == 0 &&
		    (rc = vp_store_limits_put(s, dom, &lim, err)) == 0 &&
		    (rc = vp_store_commit(s, err)) == 0)
			return 0;
		if (vp_store_in_txn(s))
			vp_store_rollback(s, &ignored);
		if (rc != VA_FILE_BUSY || attempt == 2)
			return rc;
	}
}

/* What editing and deleting share: the domain resolved, the path of its
 * file, whether the table keeps its limits, and the domain's lock (adds that
 * enforce the limits read them under it) around op. */
typedef int (*locked_fn)(const vp_config *cfg, const vp_domain_info *dom, const char *path,
                         int table, void *ctx, vp_error *err);

static int domain_locked(const vp_config *cfg, const char *domain, locked_fn op, void *ctx,
                         vp_error *err)
{
	char path[4096];
	vp_domain_info dom;
	vp_lock lock = { -1 };
	int rc, table;

	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	if ((rc = vp_user_resolve_domain(cfg, domain, &dom, err)) != 0)
		return rc;
	if (vp_path_join(path, sizeof path, dom.dir, LIMITS_FILE) != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	if ((table = table_used(cfg, err)) < 0)
		return table;
	if ((rc = vp_vpw_lock(cfg, &dom, &lock, err)) != 0)
		return rc;
	rc = op(cfg, &dom, path, table, ctx, err);
	vp_lock_release(&lock);
	return rc;
}

typedef struct edit_call {
	vp_limits_edit_fn edit;
	void *ctx;
} edit_call;

static int edit_locked(const vp_config *cfg, const vp_domain_info *dom, const char *path,
                       int table, void *ctx, vp_error *err)
{
	const edit_call *c = ctx;
	char text[2048];
	vp_limits lim;
	int rc;
	if (table)
		return edit_in_table(cfg, dom, c->edit, c->ctx, err);
	if ((rc = read_files(cfg, dom->dir, &lim, err)) != 0 || (rc = c->edit(c->ctx, &lim, err)) != 0 ||
	    (rc = limits_valid(&lim, err)) != 0)
		return rc;
	size_t n = vp_limits_format(&lim, text, sizeof text);
	return vp_write_file_atomic(cfg, path, text, n, 0600, dom->uid, dom->gid, cfg->chown_files,
	                            err);
}

int vp_edit_domain_limits(const vp_config *cfg, const char *domain, vp_limits_edit_fn edit,
                          void *ctx, vp_error *err)
{
	vp_error_clear(err);
	if (!cfg || !domain || !edit)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	edit_call c = { edit, ctx };
	return domain_locked(cfg, domain, edit_locked, &c, err);
}

static int replace_all(void *ctx, vp_limits *lim, vp_error *err)
{
	(void)err;
	*lim = *(const vp_limits *)ctx;
	return 0;
}

int vp_set_domain_limits(const vp_config *cfg, const char *domain, const vp_limits *lim,
                         vp_error *err)
{
	if (!lim) {
		vp_error_clear(err);
		return vp_fail(err, VA_NULL_POINTER, NULL);
	}
	return vp_edit_domain_limits(cfg, domain, replace_all, (void *)lim, err);
}

static int del_locked(const vp_config *cfg, const vp_domain_info *dom, const char *path,
                      int table, void *ctx, vp_error *err)
{
	(void)ctx;
	if (table) /* vdel_limits of a mysql-limits build: the row only */
		return vp_store_limits_del(vp_cfg_store(cfg), dom, err);
	/* in the domain dir reached by the walk, never through a symlink */
	if (vp_unlink_walked(cfg, path) != 0 && errno != ENOENT)
		return vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot remove", path);
	return 0;
}

int vp_del_domain_limits(const vp_config *cfg, const char *domain, vp_error *err)
{
	vp_error_clear(err);
	if (!cfg || !domain)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	return domain_locked(cfg, domain, del_locked, NULL, err);
}
