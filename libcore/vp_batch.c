/*
 * vp_batch.c: many changes to one domain's users, one rewrite, all or nothing.
 *
 * Operations are queued (and their arguments checked, as the single calls
 * check them) without touching the tree.  vp_batch_commit then:
 *   1. hashes every new password, in parallel threads, before any lock;
 *   2. refuses a name that appears twice in the batch;
 *   3. under <domaindir>/.vpasswd.lock, checks every operation against the
 *      current store (one open of vpasswd.cdb), in operation order, so the
 *      first failing operation is the one reported;
 *   4. places the new users (the free list, then the .dir-control counter,
 *      in operation order, exactly as the same adds one by one), writes
 *      .dir-control and .dir_control_free once, creates the homes;
 *   5. rewrites vpasswd + vpasswd.cdb once (vp_vpw_merge);
 *   6. only then moves the deleted users' homes aside and removes them (as
 *      vp_del_user does) and updates maildirsize.
 * A failure in 1-5 puts .dir-control and the free list back, removes the
 * homes the batch created, and leaves vpasswd and vpasswd.cdb untouched.
 * In 6 the store is already changed: a home that cannot be removed entirely
 * stays aside unreported (as for vp_del_user), a maildirsize that cannot be
 * written is reported after everything else was attempted.  A stored home
 * that is not safely inside the domain (vp_home_check; for a delete also:
 * named after the user) fails the batch in 3 (VA_UNSAFE_PATH), before
 * anything is written.
 *
 * Each user may appear in one operation only: the batch is a set of
 * changes, not a script (add takes a quota for the common "add with quota").
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_limits.h"
#include "vp_password.h"
#include "vp_quota.h"
#include "vp_user_int.h"
#include "vp_store.h"
#include "vp_vpasswd.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { OP_ADD = 1, OP_DEL, OP_PASSWD, OP_QUOTA };

typedef struct batch_op {
	int kind;
	char name[VP_MAX_PW_NAME + 1];
	char *password;                       /* ADD, PASSWD: clear text, wiped on free */
	char gecos[VP_MAX_PW_GECOS + 1];
	int apop;
	int has_quota;
	char quota[VP_MAX_PW_QUOTA + 64];     /* normalised */
	char hash[VP_HASH_BUF];
	char bucket[16];
	char *home;                           /* ADD: new home; DEL, QUOTA: the stored one */
	char *line;                           /* ADD, PASSWD, QUOTA: the new vpasswd line */
	size_t linelen;
	int created;                          /* ADD: home made by this batch */
	int hash_rc;
	vp_error hash_err;
} batch_op;

struct vp_batch {
	const vp_config *cfg;
	vp_domain_info dom;
	vp_limits lim;
	char initq[VP_MAX_PW_QUOTA + 64];
	batch_op *ops;
	size_t n, cap;
	vp_batch_stats *stats;                /* optional, caller-owned */
};

void vp_batch_set_stats(vp_batch *b, vp_batch_stats *stats)
{
	if (b)
		b->stats = stats;
	if (stats)
		memset(stats, 0, sizeof *stats);
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Time since *t into the stats field, then restart the clock. */
#define LAP(b, field, t) do { if ((b)->stats) { double n_ = mono(); \
	(b)->stats->field += n_ - (t); (t) = n_; } } while (0)

static const char *kind_name(int kind)
{
	switch (kind) {
	case OP_ADD: return "add";
	case OP_DEL: return "del";
	case OP_PASSWD: return "passwd";
	default: return "quota";
	}
}

/* "operation N (add x): <the message>" */
static int op_fail(vp_error *err, size_t idx, int kind, const char *name, int code)
{
	if (err) {
		char msg[sizeof err->msg], head[VP_MAX_PW_NAME + 48];
		if (!err->msg[0] || err->code != code)
			vp_fail(err, code, NULL);
		snprintf(head, sizeof head, "operation %zu (%s %s): ", idx, kind_name(kind),
		         name && name[0] ? name : "?");
		size_t hl = strlen(head), ml = strlen(err->msg);
		if (hl + ml >= sizeof msg)
			ml = sizeof msg - hl - 1;
		memcpy(msg, head, hl);
		memcpy(msg + hl, err->msg, ml);
		msg[hl + ml] = '\0';
		memcpy(err->msg, msg, sizeof msg);
		err->code = code;
	}
	return code;
}

int vp_batch_begin(const vp_config *cfg, const char *domain, vp_batch **out, vp_error *err)
{
	char dname[VP_MAX_PW_DOMAIN + 1];
	int rc;
	vp_error_clear(err);
	if (!out)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	*out = NULL;
	if (!cfg || !domain)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	if (strlen(domain) > VP_MAX_PW_DOMAIN)
		return vp_fail(err, VA_DOMAIN_NAME_TOO_LONG, NULL);
	if ((rc = vp_domain_normalize(domain, strlen(domain), dname, err)) != 0)
		return rc;
	vp_batch *b = calloc(1, sizeof *b);
	if (!b)
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	b->cfg = cfg;
	rc = vp_domain_lookup(cfg, dname, &b->dom, err);
	if (rc == 0)
		rc = vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "%s", dname);
	if (rc >= 0)
		rc = vp_limits_read(cfg, &b->dom, &b->lim, err);
	if (rc == 0)
		rc = vp_limits_initial_quota(&b->lim, b->initq, sizeof b->initq, err);
	if (rc == 0)
		rc = vp_limits_enforce_quota(cfg, &b->lim, b->initq, sizeof b->initq, 1, err);
	if (rc != 0) {
		free(b);
		return rc;
	}
	*out = b;
	return 0;
}

static batch_op *new_op(vp_batch *b, int kind, vp_error *err)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		batch_op *ops = realloc(b->ops, cap * sizeof *ops);
		if (!ops) {
			vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
			return NULL;
		}
		b->ops = ops;
		b->cap = cap;
	}
	batch_op *o = &b->ops[b->n];
	memset(o, 0, sizeof *o);
	o->kind = kind;
	return o;
}

/* Queue o (already filled) or fail with the operation's index. */
static int queue(vp_batch *b, batch_op *o, const char *password, int rc, vp_error *err)
{
	if (rc == 0 && password && !(o->password = strdup(password)))
		rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	if (rc != 0)
		return op_fail(err, b->n, o->kind, o->name, rc);
	b->n++;
	return 0;
}

int vp_batch_add_user(vp_batch *b, const char *user, const char *password, const char *gecos,
                      int apop, const char *quota, vp_error *err)
{
	vp_error_clear(err);
	if (!b || !user || !password)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	batch_op *o = new_op(b, OP_ADD, err);
	if (!o)
		return VA_MEMORY_ALLOC_ERR;
	if (!gecos)
		gecos = "";
	snprintf(o->name, sizeof o->name, "%s", user);
	/* vp_add_user's validators, in its order (the domain is already checked). */
	int rc = vp_new_user_check(b->cfg, user, NULL, password, gecos, o->name, err);
	if (rc == 0 && quota)
		rc = vp_quota_check(quota, o->quota, sizeof o->quota, err);
	if (rc == 0 && quota)
		rc = vp_limits_enforce_quota(b->cfg, &b->lim, o->quota, sizeof o->quota, 0, err);
	if (rc == 0) {
		snprintf(o->gecos, sizeof o->gecos, "%s", gecos);
		o->apop = apop;
		o->has_quota = quota != NULL;
	}
	return queue(b, o, password, rc, err);
}

int vp_batch_del_user(vp_batch *b, const char *user, vp_error *err)
{
	vp_error_clear(err);
	if (!b || !user)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	batch_op *o = new_op(b, OP_DEL, err);
	if (!o)
		return VA_MEMORY_ALLOC_ERR;
	snprintf(o->name, sizeof o->name, "%s", user);
	int rc = user[0] ? vp_user_normalize(user, strlen(user), o->name, err)
	                 : vp_fail(err, VA_ILLEGAL_USERNAME, "empty");
	return queue(b, o, NULL, rc, err);
}

int vp_batch_set_password(vp_batch *b, const char *user, const char *password, vp_error *err)
{
	vp_error_clear(err);
	if (!b || !user || !password)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	batch_op *o = new_op(b, OP_PASSWD, err);
	if (!o)
		return VA_MEMORY_ALLOC_ERR;
	snprintf(o->name, sizeof o->name, "%s", user);
	int rc = vp_user_normalize(user, strlen(user), o->name, err);
	if (rc == 0)
		rc = vp_password_check(b->cfg, password, err);
	return queue(b, o, password, rc, err);
}

int vp_batch_set_quota(vp_batch *b, const char *user, const char *quota, vp_error *err)
{
	vp_error_clear(err);
	if (!b || !user || !quota)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	batch_op *o = new_op(b, OP_QUOTA, err);
	if (!o)
		return VA_MEMORY_ALLOC_ERR;
	snprintf(o->name, sizeof o->name, "%s", user);
	int rc = vp_user_normalize(user, strlen(user), o->name, err);
	if (rc == 0)
		rc = vp_quota_check(quota, o->quota, sizeof o->quota, err);
	if (rc == 0)
		rc = vp_limits_enforce_quota(b->cfg, &b->lim, o->quota, sizeof o->quota, 0, err);
	o->has_quota = 1;
	return queue(b, o, NULL, rc, err);
}

size_t vp_batch_count(const vp_batch *b)
{
	return b ? b->n : 0;
}

void vp_batch_free(vp_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		batch_op *o = &b->ops[i];
		if (o->password) {
			explicit_bzero(o->password, strlen(o->password));
			free(o->password);
		}
		if (o->line) {
			explicit_bzero(o->line, o->linelen);
			free(o->line);
		}
		free(o->home);
		explicit_bzero(o->hash, sizeof o->hash);
	}
	free(b->ops);
	free(b);
}

/* ---- 1. hashing, in parallel ---- */

typedef struct hash_job {
	vp_batch *b;
	size_t start, stride;
} hash_job;

static void *hash_worker(void *arg)
{
	hash_job *h = arg;
	for (size_t i = h->start; i < h->b->n; i += h->stride) {
		batch_op *o = &h->b->ops[i];
		if (!o->password)
			continue;
		o->hash_rc = vp_password_hash(h->b->cfg->hash_scheme, o->password, o->hash,
		                              sizeof o->hash, &o->hash_err);
	}
	return NULL;
}

static int hash_all(vp_batch *b, size_t *failed, vp_error *err)
{
	size_t nhash = 0;
	for (size_t i = 0; i < b->n; i++)
		nhash += b->ops[i].password != NULL;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t threads = cpus > 1 ? (size_t)cpus : 1;
	if (threads > 8)
		threads = 8;
	if (threads > nhash / 16 + 1)
		threads = nhash / 16 + 1; /* a thread is not worth it for a few hashes */
	hash_job jobs[8];
	pthread_t tid[8];
	size_t started = 0;
	for (size_t t = 0; t < threads; t++)
		jobs[t] = (hash_job){ b, t, threads };
	if (b->stats)
		b->stats->threads = (unsigned)threads;
	/* Threads 1..T-1 in the background, thread 0's share here; should a
	 * thread not start, its share is done here too. */
	for (size_t t = 1; t < threads; t++) {
		if (vp_thread_start(&tid[t], hash_worker, &jobs[t], 0) != 0)
			break;
		started = t;
	}
	if (started + 1 < threads) {
		for (size_t t = started + 1; t < threads; t++)
			hash_worker(&jobs[t]);
	}
	hash_worker(&jobs[0]);
	for (size_t t = 1; t <= started; t++)
		pthread_join(tid[t], NULL);
	for (size_t i = 0; i < b->n; i++) {
		batch_op *o = &b->ops[i];
		if (o->password && o->hash_rc != 0) {
			*failed = i;
			if (err)
				*err = o->hash_err;
			return op_fail(err, i, o->kind, o->name, o->hash_rc);
		}
	}
	return 0;
}

/* ---- 2. names sorted, duplicates ---- */

static int cmp_change(const void *a, const void *c)
{
	const vp_vpw_change *x = a, *y = c;
	int r = strcmp(x->name, y->name);
	if (r == 0)
		r = (x->index > y->index) - (x->index < y->index);
	return r;
}

/* ---- 4. placement: .dir-control and .dir_control_free ---- */

typedef struct placement {
	char dcpath[4096], freepath[4096], freelock[4096];
	char *dirc_orig;      /* previous .dir-control, NULL when missing */
	size_t dirc_len;
	char *free_orig;      /* previous .dir_control_free, NULL when missing */
	size_t free_len;
	int dirc_written, free_written;
} placement;

static void placement_free(placement *p)
{
	free(p->dirc_orig);
	free(p->free_orig);
}

/* Put both files back as they were (best effort, never masks the caller's error). */
static void placement_undo(const vp_batch *b, placement *p)
{
	vp_error ignored;
	const vp_domain_info *dom = &b->dom;
	if (p->dirc_written) {
		if (p->dirc_orig)
			vp_write_file_atomic(b->cfg, p->dcpath, p->dirc_orig, p->dirc_len, 0600, dom->uid,
			                     dom->gid, b->cfg->chown_files, &ignored);
		else
			vp_unlink_walked(b->cfg, p->dcpath);
	}
	if (p->free_written) {
		vp_lock lock;
		if (vp_lock_acquire(b->cfg, p->freelock, &lock, &ignored) == 0) {
			if (p->free_orig)
				vp_write_file_atomic(b->cfg, p->freepath, p->free_orig, p->free_len, 0600,
				                     dom->uid, dom->gid, b->cfg->chown_files, &ignored);
			else
				vp_unlink_walked(b->cfg, p->freepath);
			vp_lock_release(&lock);
		}
	}
}

static int place_core(vp_batch *b, placement *p, vp_dir_control *dc, int *exists, int *dirty,
                      size_t ndel, vp_error *err);

/* The mysql backend: the counter is the domain's dir_control row, read
 * locked in the batch's transaction and written back by the store. */
typedef struct place_ctx {
	vp_batch *b;
	placement *p;
	size_t ndel;
} place_ctx;

static int place_store_fn(void *ctx, vp_dir_control *dc, int existed, vp_error *err)
{
	place_ctx *c = ctx;
	int exists = existed, dirty = 0;
	int rc = place_core(c->b, c->p, dc, &exists, &dirty, c->ndel, err);
	if (rc != 0)
		return rc;
	return dirty ? 0 : VP_STORE_DIRC_KEEP;
}

/* Buckets for the adds (free list first, then the counter, in operation
 * order) and the deletes' buckets back on the free list; both files written
 * once.  Same results as the single calls in sequence, adds first. */
static int place(vp_batch *b, placement *p, size_t *failed, vp_error *err)
{
	const vp_config *cfg = b->cfg;
	const vp_domain_info *dom = &b->dom;
	size_t nadd = 0, ndel = 0, first = (size_t)-1;
	for (size_t i = 0; i < b->n; i++) {
		if (b->ops[i].kind == OP_ADD || b->ops[i].kind == OP_DEL) {
			nadd += b->ops[i].kind == OP_ADD;
			ndel += b->ops[i].kind == OP_DEL;
			if (first == (size_t)-1)
				first = i;
		}
	}
	if (nadd + ndel == 0)
		return 0;
	if (vp_path_join(p->dcpath, sizeof p->dcpath, dom->dir, ".dir-control") != 0 ||
	    vp_path_join(p->freepath, sizeof p->freepath, dom->dir, ".dir_control_free") != 0 ||
	    vp_path_join(p->freelock, sizeof p->freelock, dom->dir, ".dir_control_free.lock") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);

	vp_dir_control dc;
	int rc;
	vp_store *s = vp_cfg_store(cfg);
	if (s) {
		vp_store_counter c = { dom, dom->uid, dom->gid };
		place_ctx ctx = { b, p, ndel };
		if ((rc = vp_store_dirc_update(s, &c, place_store_fn, &ctx, NULL, err)) == 0)
			return 0;
		placement_undo(b, p);
		goto fail;
	}
	rc = vp_read_file(p->dcpath, &p->dirc_orig, &p->dirc_len, 4096, err);
	if (rc < -1)
		goto fail;
	int exists = rc == 0, dirty = 0;
	if (exists && vp_dirc_parse(p->dirc_orig, p->dirc_len, &dc) != 0) {
		rc = vp_fail(err, VA_CORRUPT_FILE, "%s", p->dcpath);
		goto fail;
	}
	if (!exists)
		vp_dirc_init(&dc);
	if ((rc = place_core(b, p, &dc, &exists, &dirty, ndel, err)) == 0 && dirty) {
		char buf[256];
		size_t n = vp_dirc_format(&dc, buf, sizeof buf);
		if (n == 0) {
			rc = vp_fail(err, VA_CORRUPT_FILE, "%s", p->dcpath);
		} else {
			rc = vp_write_file_atomic(cfg, p->dcpath, buf, n, 0600, dom->uid, dom->gid,
			                          cfg->chown_files, err);
			p->dirc_written = rc == 0;
		}
	}
	if (rc == 0)
		return 0;
	placement_undo(b, p);
fail:
	*failed = first;
	return op_fail(err, first, b->ops[first].kind, b->ops[first].name, rc);
}

/* The free list (read, the adds' buckets taken, the deletes' put back,
 * written once) and the counter dc changed to match; *dirty when dc did. */
static int place_core(vp_batch *b, placement *p, vp_dir_control *dcp, int *existsp, int *dirtyp,
                      size_t ndel, vp_error *err)
{
	const vp_config *cfg = b->cfg;
	const vp_domain_info *dom = &b->dom;
	vp_dir_control dc = *dcp;
	int exists = *existsp, dirty = 0, rc = 0;
	vp_lock flock = { -1 };
	char *freedata = NULL;
	size_t freelen = 0;
	/* The free list's lock only when there is a list to read or a bucket
	 * to put back (a lock file is all a batch may leave behind). */
	size_t nfree = 0;
	for (size_t i = 0; i < b->n; i++) {
		char bucket[16];
		const batch_op *o = &b->ops[i];
		if (o->kind == OP_DEL && o->home && o->home[0] &&
		    vp_user_home_bucket(dom, o->home, o->name, bucket, sizeof bucket))
			nfree++;
	}
	int have_free = access(p->freepath, F_OK) == 0;
	if (have_free || nfree > 0) {
		/* a leaf under .vpasswd.lock (lock order: vpcore.h) */
		if ((rc = vp_lock_acquire(cfg, p->freelock, &flock, err)) != 0)
			goto fail_locked;
		if (cfg->chown_files && fchown(flock.fd, dom->uid, dom->gid) != 0) {
			/* cosmetic */
		}
		rc = vp_read_file(p->freepath, &freedata, &freelen, 1024 * 1024, err);
		if (rc < -1) {
			if (nfree > 0)
				goto fail_locked;
			vp_error_clear(err); /* unreadable: the adds just use the counter */
			freedata = NULL;
			freelen = 0;
		}
		rc = 0;
	}

	/* The free list without the lines the adds take (and the unusable
	 * ones, as free_list_take drops them), then the deletes' buckets. */
	size_t cap = freelen + ndel * 8 + 2;
	char *keep = malloc(cap);
	if (!keep) {
		rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
		goto fail_locked;
	}
	size_t klen = 0, addi = 0;
	int free_changed = 0;
	const char *q = freedata, *end = freedata ? freedata + freelen : NULL;
	while (q && q < end) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		const char *le = nl ? nl : end;
		const char *s, *e;
		int usable = vp_user_free_line(q, le, &s, &e) && (size_t)(e - s) < 16;
		while (addi < b->n && b->ops[addi].kind != OP_ADD)
			addi++;
		if (e > s && usable && addi < b->n) {
			batch_op *o = &b->ops[addi++];
			memcpy(o->bucket, s, (size_t)(e - s));
			o->bucket[e - s] = '\0';
			/* a backfilled entry still counts, unless the counter is 0 */
			if (exists && dc.cur_users != 0) {
				dc.cur_users++;
				dirty = 1;
			}
			free_changed = 1;
		} else if (e > s && !usable) {
			free_changed = 1;
		} else {
			memcpy(keep + klen, q, (size_t)(le - q));
			klen += (size_t)(le - q);
			keep[klen++] = '\n';
		}
		q = nl ? nl + 1 : end;
	}
	for (; addi < b->n; addi++) {
		batch_op *o = &b->ops[addi];
		if (o->kind != OP_ADD)
			continue;
		vp_dirc_inc(&dc);
		exists = dirty = 1;
		snprintf(o->bucket, sizeof o->bucket, "%s", dc.bucket);
	}
	for (size_t i = 0; i < b->n; i++) {
		batch_op *o = &b->ops[i];
		char bucket[16];
		if (o->kind != OP_DEL)
			continue;
		if (exists) {
			if (dc.cur_users > 0)
				dc.cur_users--;
			dirty = 1;
		}
		if (o->home && o->home[0] &&
		    vp_user_home_bucket(dom, o->home, o->name, bucket, sizeof bucket)) {
			size_t bl = strlen(bucket);
			memcpy(keep + klen, bucket, bl);
			klen += bl;
			keep[klen++] = '\n';
			free_changed = 1;
		}
	}
	if (rc == 0 && free_changed) {
		rc = vp_write_file_atomic(cfg, p->freepath, keep, klen, 0600, dom->uid, dom->gid,
		                          cfg->chown_files, err);
		if (rc == 0) {
			p->free_written = 1;
			p->free_orig = freedata;
			p->free_len = freelen;
			freedata = NULL;
		}
	}
	free(keep);
fail_locked:
	free(freedata);
	vp_lock_release(&flock);
	*dcp = dc;
	*existsp = exists;
	*dirtyp = dirty;
	return rc;
}

/* ---- commit ---- */

static int fmt_line(batch_op *o, const vp_user_entry *e, vp_error *err)
{
	char line[1024];
	int len = vp_vpw_format(e, line, sizeof line, err);
	if (len < 0)
		return len;
	o->line = malloc((size_t)len + 1);
	if (!o->line)
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	memcpy(o->line, line, (size_t)len + 1);
	o->linelen = (size_t)len;
	explicit_bzero(line, sizeof line);
	return 0;
}

/* Check one operation against the store; prepare its line.  mysql: the
 * record is read locked in the batch's transaction. */
static int check_op(vp_batch *b, vp_vpw_reader *rd, batch_op *o, vp_user_entry *e, vp_error *err)
{
	const vp_config *cfg = b->cfg;
	vp_store *st = vp_cfg_store(cfg);
	int rc = st ? vp_store_user_get(st, &b->dom, o->name, VP_STORE_GET_LOCK, e, err)
	            : vp_vpw_find(rd, o->name, e, err);
	if (rc < 0)
		return rc;
	if (o->kind == OP_ADD)
		return rc > 0 ? vp_fail(err, VA_USERNAME_EXISTS, "%s@%s", o->name, b->dom.realdomain) : 0;
	if (rc == 0)
		return vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", o->name, b->dom.realdomain);
	if (o->kind == OP_DEL) {
		if (vp_user_is_catchall(cfg, &b->dom, o->name))
			return vp_fail(err, VA_CANNOT_DELETE_CATCHALL, "%s@%s", o->name, b->dom.realdomain);
		for (size_t hl = strlen(e->dir); hl > 1 && e->dir[hl - 1] == '/';)
			e->dir[--hl] = '\0';
		if (e->dir[0] && (rc = vp_home_check(&b->dom, e->dir, err)) != 0)
			return rc;
		if (e->dir[0] && strcmp(vp_path_base(e->dir), o->name) != 0)
			return vp_fail(err, VA_UNSAFE_PATH, "not removing %s: not named after %s", e->dir,
			               o->name);
		if (e->dir[0]) { /* its directory must be reachable (or missing) */
			int pfd = vp_parent_open(cfg, e->dir, err);
			if (pfd >= 0)
				close(pfd);
			else if (pfd != VA_BAD_DIR || errno != ENOENT)
				return pfd;
			vp_error_clear(err);
		}
		return (o->home = strdup(e->dir)) ? 0 : vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	}
	if (o->kind == OP_PASSWD) {
		if (vp_effective_flags(e->flags, &b->lim) & VP_NO_PASSWD_CHNG)
			return vp_fail(err, VA_PASSWD_CHANGE_DENIED, "%s@%s", o->name, b->dom.realdomain);
		snprintf(e->passwd, sizeof e->passwd, "%s", o->hash);
		e->has_clear = cfg->clear_passwords ? 1 : 0;
		if (e->has_clear)
			snprintf(e->clear, sizeof e->clear, "%s", o->password);
		else
			e->clear[0] = '\0';
		return fmt_line(o, e, err);
	}
	/* OP_QUOTA: field 7 only; an existing 8th field is kept.  Its Maildir
	 * must be reachable safely (or missing) before anything is written. */
	if (e->dir[0]) {
		char path[4096];
		int md = vp_maildir_open(cfg, &b->dom, e->dir, path, sizeof path, err);
		if (md < -1)
			return md;
		if (md >= 0)
			close(md);
	}
	snprintf(e->quota, sizeof e->quota, "%s", o->quota);
	if (!(o->home = strdup(e->dir)))
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	return fmt_line(o, e, err);
}

/* The new user's line and home, once its bucket is known. */
static int prepare_add(vp_batch *b, batch_op *o, vp_user_entry *e, vp_error *err)
{
	const vp_config *cfg = b->cfg;
	char home[VP_MAX_PW_DIR + 256];
	if (strlen(b->dom.dir) + strlen(o->bucket) + strlen(o->name) > VP_MAX_PW_DIR)
		return vp_fail(err, VA_BAD_U_DIR, "home directory path too long");
	int n = o->bucket[0] ? snprintf(home, sizeof home, "%s/%s/%s", b->dom.dir, o->bucket, o->name)
	                     : snprintf(home, sizeof home, "%s/%s", b->dom.dir, o->name);
	if (n < 0 || (size_t)n >= sizeof home)
		return vp_fail(err, VA_BAD_U_DIR, "home directory path too long");
	memset(e, 0, sizeof *e);
	snprintf(e->name, sizeof e->name, "%s", o->name);
	snprintf(e->passwd, sizeof e->passwd, "%s", o->hash);
	vp_store *st = vp_cfg_store(cfg);
	e->uid_flag = st ? vp_store_new_uid_flag(st, o->apop) : o->apop ? 2 : 1;
	snprintf(e->gecos, sizeof e->gecos, "%s", o->gecos[0] ? o->gecos : o->name);
	snprintf(e->dir, sizeof e->dir, "%s", home);
	snprintf(e->quota, sizeof e->quota, "%s", o->has_quota ? o->quota : b->initq);
	if (cfg->clear_passwords) {
		e->has_clear = 1;
		snprintf(e->clear, sizeof e->clear, "%s", o->password);
	}
	if (!(o->home = strdup(home)))
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	return fmt_line(o, e, err);
}

/* Mailboxes the batch adds minus those it deletes (enforce_limits). */
static long net_adds(const vp_batch *b)
{
	long n = 0;
	for (size_t i = 0; i < b->n; i++)
		n += b->ops[i].kind == OP_ADD ? 1 : b->ops[i].kind == OP_DEL ? -1 : 0;
	return n;
}

/* mysql: step 5 as rows, in operation order, inside the batch's
 * transaction (the counter was written by place): the entry each line
 * holds, with its lastauth row for an add. */
static int store_apply(vp_batch *b, vp_store *st, vp_user_entry *e, size_t *failed, vp_error *err)
{
	for (size_t i = 0; i < b->n; i++) {
		batch_op *o = &b->ops[i];
		int rc = 0;
		if (o->line) {
			const char *colon = memchr(o->line, ':', o->linelen);
			size_t off = colon ? (size_t)(colon - o->line) + 1 : o->linelen;
			memset(e, 0, sizeof *e);
			if (!colon || vp_vpw_parse_value(o->name, o->line + off, o->linelen - off - 1, e) != 0)
				rc = vp_fail(err, VA_CORRUPT_FILE, "%s", o->name);
		}
		if (rc == 0) {
			if (o->kind == OP_ADD) {
				if ((rc = vp_store_user_add(st, &b->dom, e, err)) == 0)
					rc = vp_store_lastauth_set(st, &b->dom, e, NULL, (long long)time(NULL), err);
			} else if (o->kind == OP_DEL) {
				if ((rc = vp_store_user_del(st, &b->dom, o->name, err)) == 0)
					rc = vp_store_lastauth_del(st, &b->dom, o->name, err);
				/* valias: the user's own rows (its forwards) go with it */
				if (rc == 0 && b->cfg->valias &&
				    (rc = vp_store_valias_del(st, b->dom.realdomain, o->name, err)) > 0)
					rc = 0;
			} else {
				rc = vp_store_user_update(st, &b->dom, e, o->kind == OP_PASSWD
				                          ? VP_STORE_F_PASSWD | VP_STORE_F_CLEAR : VP_STORE_F_QUOTA, err);
			}
		}
		if (rc != 0) {
			*failed = i;
			return op_fail(err, i, o->kind, o->name, rc);
		}
	}
	return 0;
}

int vp_batch_commit(vp_batch *b, size_t *failed_out, vp_error *err)
{
	size_t failed = (size_t)-1;
	vp_lock lock = { -1 };
	vp_vpw_reader rd = { -1, 0, NULL, "" };
	vp_vpw_change *ch = NULL;
	vp_user_entry *e = NULL;
	placement pl;
	int rc = 0, placed = 0, txn = 0;

	memset(&pl, 0, sizeof pl);
	vp_error_clear(err);
	if (failed_out)
		*failed_out = (size_t)-1;
	if (!b)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	const vp_config *cfg = b->cfg;
	const vp_domain_info *dom = &b->dom;
	if (b->n == 0)
		goto done;

	double t = b->stats ? mono() : 0;
	/* 1. the slow part, outside the lock */
	if ((rc = hash_all(b, &failed, err)) != 0)
		goto done;
	LAP(b, hash_s, t);

	/* 2. one operation per user */
	ch = calloc(b->n, sizeof *ch);
	e = malloc(sizeof *e);
	if (!ch || !e) {
		rc = vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
		goto done;
	}
	for (size_t i = 0; i < b->n; i++) {
		ch[i].name = b->ops[i].name;
		ch[i].index = i;
	}
	qsort(ch, b->n, sizeof *ch, cmp_change);
	for (size_t i = 1; i < b->n; i++) {
		if (strcmp(ch[i - 1].name, ch[i].name) != 0)
			continue;
		/* report the later one, as one-by-one calls would fail there */
		size_t later = ch[i].index, earlier = ch[i - 1].index;
		if (failed == (size_t)-1 || later < failed) {
			batch_op *o = &b->ops[later];
			int both_add = o->kind == OP_ADD && b->ops[earlier].kind == OP_ADD;
			failed = later;
			rc = vp_fail(err, both_add ? VA_USERNAME_EXISTS : VA_PARSE_ERROR,
			             "%s is also in operation %zu", o->name, earlier);
			op_fail(err, later, o->kind, o->name, rc);
		}
	}
	if (rc != 0)
		goto done;

	/* 3. under the lock: every operation against the store, in order
	 * (mysql: one transaction from here to the commit of step 5) */
	vp_store *st = vp_cfg_store(cfg);
	if ((rc = vp_vpw_lock(cfg, dom, &lock, err)) != 0)
		goto done;
	if (st) {
		if ((rc = vp_store_begin(st, dom, VP_STORE_NEED_DIRC | VP_STORE_NEED_LASTAUTH, err)) != 0)
			goto done;
		txn = 1;
	} else if ((rc = vp_vpw_open_locked(cfg, dom, &rd, err)) != 0)
		goto done;
	for (size_t i = 0; i < b->n; i++) {
		batch_op *o = &b->ops[i];
		if ((rc = check_op(b, &rd, o, e, err)) != 0) {
			failed = i;
			op_fail(err, i, o->kind, o->name, rc);
			goto done;
		}
	}
	vp_vpw_close(&rd);
	if ((rc = vp_limits_enforce_mailboxes(cfg, dom, &b->lim, net_adds(b), err)) != 0)
		goto done;
	LAP(b, check_s, t);

	/* 4. placement, lines and homes of the new users */
	if ((rc = place(b, &pl, &failed, err)) != 0)
		goto done;
	placed = 1;
	for (size_t i = 0; i < b->n; i++) {
		batch_op *o = &b->ops[i];
		if (o->kind != OP_ADD)
			continue;
		if ((rc = prepare_add(b, o, e, err)) != 0) {
			failed = i;
			op_fail(err, i, o->kind, o->name, rc);
			goto done;
		}
	}
	const char *last_bucket = NULL;
	for (size_t i = 0; i < b->n; i++) {
		batch_op *o = &b->ops[i];
		if (o->kind != OP_ADD)
			continue;
		rc = 0;
		if (o->bucket[0] && (!last_bucket || strcmp(last_bucket, o->bucket) != 0))
			rc = vp_user_make_bucket_dirs(cfg, dom, o->bucket, err);
		last_bucket = o->bucket;
		if (rc == 0)
			rc = vp_user_make_home(cfg, dom, o->home, &o->created, err);
		const char *q = o->has_quota ? o->quota : b->initq;
		if (rc == 0 && strcmp(q, "NOQUOTA") != 0)
			rc = vp_maildirsize_update(cfg, dom, o->home, q, err);
		if (rc != 0) {
			failed = i;
			op_fail(err, i, o->kind, o->name, rc);
			goto done;
		}
	}

	LAP(b, homes_s, t);

	/* 5. the one rewrite */
	for (size_t i = 0; i < b->n; i++) {
		batch_op *o = &b->ops[ch[i].index];
		ch[i].op = o->kind == OP_ADD ? VP_VPW_ADD : o->kind == OP_DEL ? VP_VPW_DEL : VP_VPW_REPLACE;
		ch[i].line = o->line;
		ch[i].linelen = o->line ? o->linelen : 0;
	}
	if (st) {
		if ((rc = store_apply(b, st, e, &failed, err)) != 0)
			goto done;
		txn = 0;
		if ((rc = vp_store_commit(st, err)) != 0) {
			/* No answer to the commit: it may have committed, and undoing
			 * the new homes would leave rows without Maildirs; they stay
			 * (a home without a row is removed by the next add of it). */
			if (vp_store_commit_unknown(st))
				placed = 0;
			goto done;
		}
	} else if ((rc = vp_vpw_merge(cfg, dom, ch, b->n, &failed, err)) != 0) {
		if (failed != (size_t)-1)
			op_fail(err, failed, b->ops[failed].kind, b->ops[failed].name, rc);
		goto done;
	}
	placed = 0; /* committed: nothing to undo any more */
	LAP(b, store_s, t);

	/* 6. after the store changed: homes of the deleted, maildirsize of the
	 * new quotas; everything is attempted, the first failure reported. */
	for (size_t i = 0; i < b->n; i++) {
		batch_op *o = &b->ops[i];
		vp_error tmp;
		int r = 0;
		o->created = 0;
		if (o->kind == OP_DEL && o->home && o->home[0]) {
			/* (the directory is opened for each: a batch may delete more
			 * homes than a process may hold descriptors) */
			int pfd = vp_parent_open(cfg, o->home, NULL);
			if (pfd >= 0) {
				vp_discard_at(pfd, o->name); /* a leftover stays aside */
				close(pfd);
			}
		} else if (o->kind == OP_QUOTA && o->home) {
			r = vp_maildirsize_update(cfg, dom, o->home, o->quota, &tmp);
		}
		if (r != 0 && rc == 0) {
			rc = r;
			failed = i;
			if (err)
				*err = tmp;
			op_fail(err, i, o->kind, o->name, r);
		}
	}

	LAP(b, after_s, t);

done:
	vp_vpw_close(&rd);
	if (txn) {
		vp_error ignored;
		vp_store_rollback(vp_cfg_store(cfg), &ignored);
	}
	if (rc != 0 && placed) {
		vp_error keep = { 0, "" };
		if (err)
			keep = *err;
		for (size_t i = 0; i < b->n; i++) {
			if (b->ops[i].kind == OP_ADD && b->ops[i].created)
				vp_remove_walked(cfg, b->ops[i].home, NULL);
		}
		placement_undo(b, &pl);
		if (err)
			*err = keep;
	}
	vp_lock_release(&lock);
	placement_free(&pl);
	free(ch);
	if (e) {
		explicit_bzero(e, sizeof *e);
		free(e);
	}
	if (failed_out)
		*failed_out = failed;
	vp_batch_free(b);
	return rc;
}
