/*
 * vp_store.c: the handle and the wrappers every caller goes through
 * (vp_store.h).  They refuse a closed handle, keep the transaction flag,
 * and answer for slots a driver leaves NULL, so no driver invents those
 * answers.
 */
#include "vp_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct vp_store {
	const vp_store_driver *drv;
	void *st;
	int in_txn;
};

static const vp_store_driver *const drivers[] = { &vp_store_mysql_driver, NULL };

const vp_store_driver *vp_store_find(const char *name)
{
	for (size_t i = 0; name && drivers[i]; i++)
		if (strcmp(drivers[i]->name, name) == 0)
			return drivers[i];
	return NULL;
}

int vp_store_open(const vp_store_driver *drv, const vp_config *cfg, const vp_store_options *opt,
                  vp_store **out, vp_error *err)
{
	if (!out)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	*out = NULL;
	if (!drv || !cfg || !drv->open)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	vp_store *s = calloc(1, sizeof *s);
	if (!s)
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	static const vp_store_options defaults;
	int rc = drv->open(cfg, opt ? opt : &defaults, &s->st, err);
	if (rc != 0) {
		free(s);
		return rc;
	}
	s->drv = drv;
	*out = s;
	return 0;
}

void vp_store_close(vp_store *s)
{
	if (!s)
		return;
	if (s->in_txn && s->drv->rollback) {
		vp_error ignored;
		s->drv->rollback(s->st, &ignored);
	}
	if (s->drv->close)
		s->drv->close(s->st);
	free(s);
}

static int unsupported(const vp_store *s, vp_error *err, const char *what)
{
	return vp_fail(err, VA_BAD_CONFIG, "the %s store cannot %s", s->drv->name, what);
}

/* Every wrapper starts here: a handle that was opened. */
#define CHECK_HANDLE(s, err) do { if (!(s) || !(s)->st) \
	return vp_fail((err), VA_NULL_POINTER, "no store handle"); } while (0)

void vp_store_info_get(vp_store *s, vp_store_info *out)
{
	memset(out, 0, sizeof *out);
	out->clear_column = -1;
	if (!s)
		return;
	out->driver = s->drv->name;
	if (s->drv->info)
		s->drv->info(s->st, out);
}

int vp_store_ping(vp_store *s, vp_error *err)
{
	CHECK_HANDLE(s, err);
	return s->drv->ping ? s->drv->ping(s->st, err) : 0;
}

unsigned vp_store_caps(const vp_store *s)
{
	return s ? s->drv->caps : 0;
}

int vp_store_new_uid_flag(const vp_store *s, int apop)
{
	return (s ? s->drv->uid_flag_pop : 1) + (apop ? 1 : 0);
}

/* ---- transactions ---- */

int vp_store_begin(vp_store *s, const vp_domain_info *dom, unsigned need, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (s->in_txn)
		return vp_fail(err, VA_BAD_CONFIG, "a transaction is already open");
	int rc = s->drv->begin ? s->drv->begin(s->st, dom, need, err) : 0;
	if (rc == 0)
		s->in_txn = 1;
	return rc;
}

int vp_store_commit(vp_store *s, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!s->in_txn)
		return vp_fail(err, VA_BAD_CONFIG, "commit without a transaction");
	s->in_txn = 0; /* a failed commit leaves nothing open either */
	return s->drv->commit ? s->drv->commit(s->st, err) : 0;
}

int vp_store_rollback(vp_store *s, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!s->in_txn)
		return 0;
	s->in_txn = 0;
	return s->drv->rollback ? s->drv->rollback(s->st, err) : 0;
}

int vp_store_commit_unknown(vp_store *s)
{
	return s && s->st && s->drv->commit_unknown ? s->drv->commit_unknown(s->st) : 0;
}

int vp_store_recheck_user(vp_store *s, const vp_domain_info *dom, const char *name,
                          vp_user_entry *out, vp_error *err)
{
	int rc = VA_NO_AUTH_CONNECTION;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0;; i++) {
		vp_error ignored;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (i > 0 && (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > 3000)
			break;
		if (i > 0) {
			struct timespec ts = { 0, 100 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		if ((rc = vp_store_begin(s, NULL, 0, err)) != 0)
			continue;
		rc = vp_store_user_get(s, dom, name, 0, out, err);
		vp_store_rollback(s, &ignored);
		if (rc >= 0)
			break;
	}
	return rc;
}

void vp_store_end_request(vp_store *s)
{
	if (s && s->st && s->drv->end_request)
		s->drv->end_request(s->st);
}

int vp_store_in_txn(const vp_store *s)
{
	return s && s->in_txn;
}

/* ---- user records ---- */

int vp_store_user_get(vp_store *s, const vp_domain_info *dom, const char *name, unsigned flags,
                      vp_user_entry *out, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!dom || !name || !out)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (!s->drv->user_get)
		return unsupported(s, err, "look users up");
	return s->drv->user_get(s->st, dom, name, flags, out, err);
}

int vp_store_user_auth_get(vp_store *s, const vp_domain_info *dom, const char *name,
                           vp_user_entry *out, char *decoy, size_t dsize, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!dom || !name || !out || (decoy && dsize == 0))
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (decoy)
		decoy[0] = '\0';
	if (!s->drv->user_auth_get || !decoy)
		return vp_store_user_get(s, dom, name, 0, out, err);
	return s->drv->user_auth_get(s->st, dom, name, out, decoy, dsize, err);
}

int vp_store_user_add(vp_store *s, const vp_domain_info *dom, const vp_user_entry *e,
                      vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!dom || !e)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (!s->drv->user_add)
		return unsupported(s, err, "add users");
	return s->drv->user_add(s->st, dom, e, err);
}

int vp_store_user_del(vp_store *s, const vp_domain_info *dom, const char *name, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!dom || !name)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (!s->drv->user_del)
		return unsupported(s, err, "delete users");
	return s->drv->user_del(s->st, dom, name, err);
}

int vp_store_user_update(vp_store *s, const vp_domain_info *dom, const vp_user_entry *e,
                         unsigned fields, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!dom || !e)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (!s->drv->user_update)
		return unsupported(s, err, "change users");
	if ((fields & VP_STORE_F_ALL) == 0)
		return 0;
	return s->drv->user_update(s->st, dom, e, fields & VP_STORE_F_ALL, err);
}

int vp_store_user_list(vp_store *s, const vp_domain_info *dom, unsigned long offset,
                       unsigned long limit, vp_user_cb cb, void *ctx, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!dom || !cb)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (!s->drv->user_list)
		return unsupported(s, err, "list users");
	return s->drv->user_list(s->st, dom, offset, limit, cb, ctx, err);
}

int vp_store_user_count(vp_store *s, const vp_domain_info *dom, unsigned long *count,
                        vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!dom || !count)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (!s->drv->user_count)
		return unsupported(s, err, "count users");
	return s->drv->user_count(s->st, dom, count, err);
}

/* ---- counters ---- */

int vp_store_dirc_get(vp_store *s, const vp_store_counter *c, vp_dir_control *out,
                      vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!c || !out)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (!s->drv->dirc_get)
		return unsupported(s, err, "read counters");
	return s->drv->dirc_get(s->st, c, out, err);
}

int vp_store_dirc_update(vp_store *s, const vp_store_counter *c, vp_store_dirc_fn fn, void *ctx,
                         vp_dir_control *out, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!c || !fn)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (!s->drv->dirc_update)
		return unsupported(s, err, "change counters");
	return s->drv->dirc_update(s->st, c, fn, ctx, out, err);
}

static int dirc_next_fn(void *ctx, vp_dir_control *dc, int existed, vp_error *err)
{
	(void)ctx;
	(void)existed;
	(void)err;
	vp_dirc_inc(dc);
	return 0;
}

static int dirc_dec_fn(void *ctx, vp_dir_control *dc, int existed, vp_error *err)
{
	(void)ctx;
	(void)err;
	if (!existed)
		return VP_STORE_DIRC_KEEP;
	if (dc->cur_users > 0)
		dc->cur_users--;
	return 0;
}

int vp_store_dirc_next(vp_store *s, const vp_store_counter *c, vp_dir_control *out,
                       vp_error *err)
{
	return vp_store_dirc_update(s, c, dirc_next_fn, NULL, out, err);
}

int vp_store_dirc_dec(vp_store *s, const vp_store_counter *c, vp_error *err)
{
	return vp_store_dirc_update(s, c, dirc_dec_fn, NULL, NULL, err);
}

int vp_store_dirc_del(vp_store *s, const vp_store_counter *c, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!c)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	return s->drv->dirc_del ? s->drv->dirc_del(s->st, c, err) : 0;
}

/* ---- last login ---- */

int vp_store_lastauth_set(vp_store *s, const vp_domain_info *dom, const vp_user_entry *e,
                          const char *ip, long long when, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!dom || !e)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (!s->drv->lastauth_set)
		return 0; /* a store without last-login records */
	return s->drv->lastauth_set(s->st, dom, e, (ip && *ip) ? ip : "0.0.0.0", when, err);
}

int vp_store_lastauth_get(vp_store *s, const vp_domain_info *dom, const vp_user_entry *e,
                          vp_store_lastauth *out, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!dom || !e || !out)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	memset(out, 0, sizeof *out);
	return s->drv->lastauth_get ? s->drv->lastauth_get(s->st, dom, e, out, err) : 0;
}

int vp_store_lastauth_del(vp_store *s, const vp_domain_info *dom, const char *name,
                          vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!dom || !name)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	return s->drv->lastauth_del ? s->drv->lastauth_del(s->st, dom, name, err) : 0;
}

/* ---- alias domains ---- */

int vp_store_alias_add(vp_store *s, const char *realdomain, const char *alias, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!realdomain || !alias)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	return s->drv->alias_add ? s->drv->alias_add(s->st, realdomain, alias, err) : 0;
}

int vp_store_alias_del(vp_store *s, const char *alias, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!alias)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	return s->drv->alias_del ? s->drv->alias_del(s->st, alias, err) : 0;
}

int vp_store_alias_get(vp_store *s, const char *alias, char *real, size_t size, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!alias || !real || size == 0)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	real[0] = '\0';
	return s->drv->alias_get ? s->drv->alias_get(s->st, alias, real, size, err) : 0;
}

int vp_store_alias_list(vp_store *s, const char *realdomain, vp_store_name_cb cb, void *ctx,
                        vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!realdomain || !cb)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	return s->drv->alias_list ? s->drv->alias_list(s->st, realdomain, cb, ctx, err) : 0;
}

/* ---- domains ---- */

int vp_store_domain_create(vp_store *s, const vp_domain_info *dom, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!dom)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (s->in_txn)
		return vp_fail(err, VA_BAD_CONFIG, "domain_create inside a transaction");
	return s->drv->domain_create ? s->drv->domain_create(s->st, dom, err) : 0;
}

int vp_store_domain_drop(vp_store *s, const vp_domain_info *dom, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!dom)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	return s->drv->domain_drop ? s->drv->domain_drop(s->st, dom, err) : 0;
}

/* ---- domain limits ---- */

int vp_store_limits_used(vp_store *s, vp_error *err)
{
	CHECK_HANDLE(s, err);
	return s->drv->limits_used ? s->drv->limits_used(s->st, err) : 0;
}

int vp_store_limits_get(vp_store *s, const vp_domain_info *dom, unsigned flags, vp_limits *out,
                        vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!s->drv->limits_get)
		return 0;
	return s->drv->limits_get(s->st, dom, s->in_txn ? flags : flags & ~VP_STORE_GET_LOCK, out,
	                          err);
}

int vp_store_limits_put(vp_store *s, const vp_domain_info *dom, const vp_limits *lim,
                        vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!s->drv->limits_put)
		return unsupported(s, err, "keep domain limits");
	return s->drv->limits_put(s->st, dom, lim, err);
}

int vp_store_limits_del(vp_store *s, const vp_domain_info *dom, vp_error *err)
{
	CHECK_HANDLE(s, err);
	return s->drv->limits_del ? s->drv->limits_del(s->st, dom, err) : 0;
}

/* ---- valias and vlog (issue 14) ---- */

int vp_store_valias_ensure(vp_store *s, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (s->in_txn)
		return vp_fail(err, VA_BAD_CONFIG, "valias_ensure inside a transaction");
	return s->drv->valias_ensure ? s->drv->valias_ensure(s->st, err)
	                             : unsupported(s, err, "keep aliases (valias)");
}

int vp_store_valias_get(vp_store *s, const char *domain, const char *alias, unsigned flags,
                        vp_store_valias_cb cb, void *ctx, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!domain || !cb)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	return s->drv->valias_get ? s->drv->valias_get(s->st, domain, alias, flags, cb, ctx, err)
	                          : unsupported(s, err, "keep aliases (valias)");
}

int vp_store_valias_add(vp_store *s, const char *domain, const char *alias, const char *line,
                        vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!domain || !alias || !line)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	return s->drv->valias_add ? s->drv->valias_add(s->st, domain, alias, line, err)
	                          : unsupported(s, err, "keep aliases (valias)");
}

int vp_store_valias_del(vp_store *s, const char *domain, const char *alias, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!domain)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	return s->drv->valias_del ? s->drv->valias_del(s->st, domain, alias, err)
	                          : unsupported(s, err, "keep aliases (valias)");
}

int vp_store_vlog_add(vp_store *s, const vp_store_vlog *r, vp_error *err)
{
	CHECK_HANDLE(s, err);
	if (!r)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	return s->drv->vlog_add ? s->drv->vlog_add(s->st, r, err)
	                        : unsupported(s, err, "log logins (vlog)");
}
