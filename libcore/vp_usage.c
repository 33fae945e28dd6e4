/*
 * vp_usage.c: what a domain uses next to what its limits allow, and the
 * checks qmailadmin makes before it creates something (cfg->enforce_limits).
 *
 * Counting follows qmailadmin 1.2 over the aliases vp_alias_get_all lists
 * (its valias_select_all): an alias whose first line starts with '#' is a
 * blackhole; any other is a forward unless one of its lines runs a program
 * whose path holds "/ezmlm-" or the line holds "/autorespond " (count_forwards);
 * every line holding "/autorespond " is an autoresponder (count_autoresponders
 * counts lines, so a robot is one); an alias whose first line holds
 * "ezmlm-reject" is a mailing list (count_mailinglists; qmailadmin reads every
 * .qmail-* file for it, but the names valias skips are ones qmail never
 * delivers to).  "aliases" is every alias of any kind: the cap maxaliases
 * applies to.
 *
 * Disk: the sum over vpasswd (mysql: the domain's rows) of each mailbox's Maildir++ usage, read as
 * vp_home_usage does: the maildirsize of a mailbox with a quota (what
 * vdelivermail enforces; trusted whatever its age), a scan of the Maildir for
 * one without (vpopmail removes its maildirsize) or when it has none.  No
 * lock, no write: a report must not rebuild 100k maildirsize files.  The
 * mailboxes are visited by a few threads (the Maildir reads are many small
 * independent waits).
 *
 * Enforcement (each check a no-op unless cfg->enforce_limits):
 *  - a new mailbox past maxpopaccounts, a new alias past maxaliases, one more
 *    forward / autoresponder / mailing list past its max* is refused with
 *    VA_LIMIT_REACHED (qmailadmin: "Cur >= Max", -1 unlimited, 0 none);
 *  - the domain's quota (MB) and maxmsgcount cap mailbox quotas: an explicit
 *    quota above them, or unlimited, is refused with VA_QUOTA_OVER_DOMAIN;
 *    the default quota of a new mailbox is lowered to them instead.
 * qmailadmin checks nothing about quotas; the cap is ours, as the limit a
 * hosting panel sells.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_limits.h"
#include "vp_quota.h"
#include "vp_store.h"
#include "vp_user_int.h"
#include "vp_store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

/* ---- classifying one alias ---- */

typedef struct alias_kind {
	int lines;           /* lines seen */
	int blackhole;       /* first line a comment */
	int not_forward;     /* a line running ezmlm or autorespond */
	int list;            /* first line runs ezmlm-reject */
	unsigned long autoresponders;
} alias_kind;

static int has(const char *line, size_t len, const char *needle)
{
	return memmem(line, len, needle, strlen(needle)) != NULL;
}

static void kind_line(alias_kind *k, const char *line, size_t len)
{
	if (k->lines++ == 0) {
		k->blackhole = len > 0 && line[0] == '#';
		k->list = has(line, len, "ezmlm-reject");
	}
	const char *ez = memmem(line, len, "/ezmlm-", 7);
	const char *sp = memchr(line, ' ', len);
	if (ez && (!sp || ez < sp))
		k->not_forward = 1;
	if (has(line, len, "/autorespond ")) {
		k->not_forward = 1;
		k->autoresponders++;
	}
}

static void kind_text(alias_kind *k, const char *data, size_t len)
{
	size_t pos = 0;
	memset(k, 0, sizeof *k);
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;
		kind_line(k, data + pos, end - pos);
		pos = end + 1;
	}
}

/* ---- counting every alias of a domain ---- */

typedef struct alias_counts {
	unsigned long aliases, forwards, blackholes, autoresponders, mailinglists;
	alias_kind cur;
	int open;
} alias_counts;

static void counts_close(alias_counts *c)
{
	if (!c->open)
		return;
	c->aliases++;
	if (c->cur.blackhole)
		c->blackholes++;
	else if (!c->cur.not_forward)
		c->forwards++;
	c->autoresponders += c->cur.autoresponders;
	if (c->cur.list)
		c->mailinglists++;
	c->open = 0;
}

static int count_name(void *ctx, const char *name)
{
	alias_counts *c = ctx;
	(void)name;
	counts_close(c);
	memset(&c->cur, 0, sizeof c->cur);
	c->open = 1;
	return 0;
}

static int count_line(void *ctx, const char *line, size_t len)
{
	kind_line(&((alias_counts *)ctx)->cur, line, len);
	return 0;
}

static int count_aliases(const vp_config *cfg, const char *domain, alias_counts *c, vp_error *err)
{
	memset(c, 0, sizeof *c);
	int rc = vp_alias_get_all(cfg, domain, count_name, count_line, c, err);
	counts_close(c);
	return rc;
}

/* ---- the report ---- */

/* One vpasswd line: field 6 (home) and 7 (quota) into the buffers; 0 or -1. */
static int home_and_quota(const char *l, size_t ll, char *home, size_t hsize, char *quota,
                          size_t qsize)
{
	const char *f[8];
	size_t fl[8];
	int n = 0;
	const char *p = l, *end = l + ll;
	if (ll == 0 || l[0] == ':' || memchr(l, '\0', ll))
		return -1;
	while (n < 8) {
		const char *c = memchr(p, ':', (size_t)(end - p));
		f[n] = p;
		fl[n] = (size_t)((c ? c : end) - p);
		n++;
		if (!c)
			break;
		p = c + 1;
	}
	if (n < 7 || fl[5] >= hsize || fl[6] >= qsize)
		return -1;
	memcpy(home, f[5], fl[5]);
	home[fl[5]] = '\0';
	memcpy(quota, f[6], fl[6]);
	quota[fl[6]] = '\0';
	return 0;
}

#define USAGE_CHUNK (256 * 1024)
#define USAGE_MAX_LINE 4096
#define USAGE_MAX_THREADS 8

/* What one thread adds up over its share of a chunk's lines. */
typedef struct usage_part {
	const char *dir;                      /* the domain dir: homes under it are opened */
	size_t dirlen;                        /* relative to dirfd */
	int dirfd;
	int flags;
	const char *const *lines;             /* a chunk's complete lines, or (quotas set) homes */
	const size_t *lens;
	const char *const *quotas;            /* store rows: the quota of each home */
	size_t start, n, stride;
	unsigned long long bytes, messages, allocated;
	unsigned long unlimited, scanned;
} usage_part;

static void usage_entry(usage_part *p, const char *home, const char *quota)
{
	long long qb = -1, qc = -1;
	if (vp_quota_parse(quota, &qb, &qc) != 0)
		qb = -1;
	if (qb >= 0)
		p->allocated += (unsigned long long)qb;
	else
		p->unlimited++;
	if (p->flags & VP_USAGE_NO_DISK)
		return;
	unsigned long long b = 0, c = 0;
	int scanned = 0;
	/* a Maildir that cannot be opened counts as empty: one bad mailbox must
	 * not take the overview down */
	/* maildirsize only for a mailbox with a quota: the MDA keeps that one up
	 * to date; for NOQUOTA vpopmail removes it, and one left over is stale */
	int exact = (p->flags & VP_USAGE_EXACT) || (qb < 0 && qc < 0);
	int base = -1;
	if (p->dirfd >= 0 && strncmp(home, p->dir, p->dirlen) == 0 && home[p->dirlen] == '/' &&
	    home[p->dirlen + 1] != '\0') {
		base = p->dirfd;
		home += p->dirlen + 1;
	}
	if (vp_home_usage(base, home, exact, &b, &c, &scanned) == 0) {
		p->bytes += b;
		p->messages += c;
		p->scanned += (unsigned long)scanned;
	}
}

static void *usage_worker(void *arg)
{
	usage_part *p = arg;
	char home[VP_MAX_PW_DIR + 256], quota[VP_MAX_PW_QUOTA + 64];
	for (size_t i = p->start; i < p->n; i += p->stride)
		if (p->quotas)
			usage_entry(p, p->lines[i], p->quotas[i]);
		else if (home_and_quota(p->lines[i], p->lens[i], home, sizeof home, quota, sizeof quota) == 0)
			usage_entry(p, home, quota);
	return NULL;
}

/* One chunk's lines over up to `threads` threads (the Maildirs are many
 * small independent reads: the wait for each one overlaps), summed into out. */
static void usage_lines(vp_domain_usage *out, const vp_domain_info *dom, int dirfd, int flags,
                        const char *const *lines, const size_t *lens, const char *const *quotas,
                        size_t n, size_t threads)
{
	usage_part parts[USAGE_MAX_THREADS];
	pthread_t tid[USAGE_MAX_THREADS];
	int started[USAGE_MAX_THREADS] = { 0 };
	if (threads > n / 32 + 1)
		threads = n / 32 + 1; /* a thread is not worth it for a few mailboxes */
	for (size_t t = 0; t < threads; t++)
		parts[t] = (usage_part){ dom->dir, strlen(dom->dir), dirfd, flags, lines, lens, quotas, t, n,
		                         threads, 0, 0, 0, 0, 0 };
	for (size_t t = 1; t < threads; t++)
		started[t] = vp_thread_start(&tid[t], usage_worker, &parts[t], 0) == 0;
	usage_worker(&parts[0]);
	for (size_t t = 1; t < threads; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			usage_worker(&parts[t]); /* could not start: its share here */
	}
	for (size_t t = 0; t < threads; t++) {
		out->bytes += parts[t].bytes;
		out->messages += parts[t].messages;
		out->quota_allocated += parts[t].allocated;
		out->unlimited += parts[t].unlimited;
		out->scanned += parts[t].scanned;
	}
}

static int usage_dirfd(const vp_domain_info *dom, int flags)
{
	return (flags & VP_USAGE_NO_DISK) ? -1 : open(dom->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static size_t usage_threads(int flags)
{
	long cpus = (flags & VP_USAGE_NO_DISK) ? 1 : sysconf(_SC_NPROCESSORS_ONLN);
	size_t threads = cpus > 1 ? (size_t)cpus : 1;
	return threads > USAGE_MAX_THREADS ? USAGE_MAX_THREADS : threads;
}

/* Stream <dir>/vpasswd through a fixed buffer, a chunk of lines at a time. */
static int usage_vpasswd(const vp_domain_info *dom, int flags, vp_domain_usage *out, vp_error *err)
{
	char path[4096];
	if (vp_path_join(path, sizeof path, dom->dir, "vpasswd") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : vp_fail_errno(err, VA_NO_AUTH_CONNECTION, "cannot open", path);
	/* a line is at least 14 bytes ("a:b:1:0:g:/h:q"): the span arrays are bounded */
	size_t maxlines = USAGE_CHUNK / 14 + 2;
	char *buf = malloc(USAGE_CHUNK);
	const char **lines = malloc(maxlines * sizeof *lines);
	size_t *lens = malloc(maxlines * sizeof *lens);
	if (!buf || !lines || !lens) {
		free(buf);
		free(lines);
		free(lens);
		close(fd);
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	}
	int dirfd = usage_dirfd(dom, flags);
	size_t threads = usage_threads(flags);
	size_t have = 0;
	int skipping = 0, rc = 0;
	for (;;) {
		ssize_t r = read(fd, buf + have, USAGE_CHUNK - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = vp_fail_errno(err, VA_NO_AUTH_CONNECTION, "cannot read", path);
			break;
		}
		have += (size_t)r;
		size_t pos = 0, n = 0;
		for (;;) {
			char *nl = memchr(buf + pos, '\n', have - pos);
			if (!nl && r > 0)
				break;
			size_t end = nl ? (size_t)(nl - buf) : have;
			if (end > pos && !skipping && end - pos <= USAGE_MAX_LINE && n < maxlines) {
				lines[n] = buf + pos;
				lens[n++] = end - pos;
			}
			skipping = 0;
			pos = end + (nl ? 1 : 0);
			if (!nl)
				break;
		}
		usage_lines(out, dom, dirfd, flags, lines, lens, NULL, n, threads);
		memmove(buf, buf + pos, have - pos);
		have -= pos;
		if (r == 0)
			break;
		if (have == USAGE_CHUNK) { /* a line longer than the buffer: skip it */
			have = 0;
			skipping = 1;
		}
	}
	explicit_bzero(buf, USAGE_CHUNK);
	free(buf);
	free(lines);
	free(lens);
	if (dirfd >= 0)
		close(dirfd);
	close(fd);
	return rc;
}

/* The mysql backend: the rows' homes and quotas, a batch at a time (copied:
 * the listing's pointers last one callback). */
#define USAGE_BATCH 2048
typedef struct usage_rows {
	vp_domain_usage *out;
	const vp_domain_info *dom;
	int dirfd, flags;
	size_t threads, n;
	char (*home)[VP_MAX_PW_DIR + 256];   /* as vp_user_entry */
	char (*quota)[VP_MAX_PW_QUOTA + 64];
	const char *homes[USAGE_BATCH], *quotas[USAGE_BATCH];
} usage_rows;

static void usage_rows_flush(usage_rows *u)
{
	usage_lines(u->out, u->dom, u->dirfd, u->flags, u->homes, NULL, u->quotas, u->n, u->threads);
	u->n = 0;
}

static int usage_row(void *ctx, const vp_user_entry *e)
{
	usage_rows *u = ctx;
	snprintf(u->home[u->n], sizeof u->home[0], "%s", e->dir);
	snprintf(u->quota[u->n], sizeof u->quota[0], "%s", e->quota);
	u->homes[u->n] = u->home[u->n];
	u->quotas[u->n] = u->quota[u->n];
	if (++u->n == USAGE_BATCH)
		usage_rows_flush(u);
	return 0;
}

static int usage_store(vp_store *s, const vp_domain_info *dom, int flags, vp_domain_usage *out,
                       vp_error *err)
{
	usage_rows *u = calloc(1, sizeof *u);
	if (!u || !(u->home = calloc(USAGE_BATCH, sizeof u->home[0])) ||
	    !(u->quota = calloc(USAGE_BATCH, sizeof u->quota[0]))) {
		if (u)
			free(u->home);
		free(u);
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	}
	u->out = out;
	u->dom = dom;
	u->flags = flags;
	u->dirfd = usage_dirfd(dom, flags);
	u->threads = usage_threads(flags);
	int rc = vp_store_user_list(s, dom, 0, 0, usage_row, u, err);
	if (rc == 0 && u->n)
		usage_rows_flush(u);
	if (u->dirfd >= 0)
		close(u->dirfd);
	free(u->home);
	free(u->quota);
	free(u);
	return rc < 0 ? rc : 0;
}

int vp_domain_usage_get(const vp_config *cfg, const char *domain, int flags,
                        vp_domain_usage *out, vp_error *err)
{
	vp_domain_info dom;
	alias_counts ac;
	int rc;

	vp_error_clear(err);
	if (!out)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	memset(out, 0, sizeof *out);
	vp_limits_init(&out->limits);
	if (!cfg || !domain)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	if ((rc = vp_user_resolve_domain(cfg, domain, &dom, err)) != 0)
		return rc;
	snprintf(out->domain, sizeof out->domain, "%s", dom.realdomain);
	if ((rc = vp_limits_read(cfg, &dom, &out->limits, err)) != 0)
		return rc;
	if ((rc = vp_count_users(cfg, dom.realdomain, &out->mailboxes, err)) != 0)
		return rc;
	if ((rc = count_aliases(cfg, dom.realdomain, &ac, err)) != 0)
		return rc;
	out->aliases = ac.aliases;
	out->forwards = ac.forwards;
	out->blackholes = ac.blackholes;
	out->autoresponders = ac.autoresponders;
	out->mailinglists = ac.mailinglists;
	vp_store *s = vp_cfg_store(cfg);
	return s ? usage_store(s, &dom, flags, out, err) : usage_vpasswd(&dom, flags, out, err);
}

/* ---- enforcement ---- */

static int over(long max, unsigned long have, long more)
{
	return max >= 0 && more > 0 && (unsigned long long)have + (unsigned long long)more >
	                                   (unsigned long long)max;
}

int vp_limits_enforce_mailboxes(const vp_config *cfg, const vp_domain_info *dom,
                                const vp_limits *lim, long more, vp_error *err)
{
	unsigned long have = 0;
	int rc;
	if (!cfg->enforce_limits || !lim || lim->max_popaccounts < 0 || more <= 0)
		return 0;
	if ((rc = vp_count_users(cfg, dom->realdomain, &have, err)) != 0)
		return rc;
	if (over(lim->max_popaccounts, have, more))
		return vp_fail(err, VA_LIMIT_REACHED, "%s has %lu mailboxes, maxpopaccounts is %ld",
		               dom->realdomain, have, lim->max_popaccounts);
	return 0;
}

static unsigned long long cap_bytes(const vp_limits *lim)
{
	if (lim->quota_mb == 0)
		return 0;
	return lim->quota_mb > (unsigned long long)LLONG_MAX / 1048576ULL ? (unsigned long long)LLONG_MAX
	                                                                   : lim->quota_mb * 1048576ULL;
}

int vp_limits_enforce_quota(const vp_config *cfg, const vp_limits *lim, char *quota, size_t size,
                            int is_default, vp_error *err)
{
	if (!cfg->enforce_limits || !lim)
		return 0;
	unsigned long long cb = cap_bytes(lim), cc = lim->maxmsgcount;
	if (cb == 0 && cc == 0)
		return 0;
	long long b = -1, c = -1;
	if (vp_quota_parse(quota, &b, &c) != 0)
		b = c = -1;
	int bytes_over = cb && b >= 0 && (unsigned long long)b > cb;
	int count_over = cc && c >= 0 && (unsigned long long)c > cc;
	if (!is_default) {
		/* what the caller asked for must fit; a part left out gets the cap */
		if (b < 0 && c < 0 && cb)
			return vp_fail(err, VA_QUOTA_OVER_DOMAIN, "NOQUOTA, but the domain quota is %llu MB",
			               lim->quota_mb);
		if (b < 0 && c < 0)
			return vp_fail(err, VA_QUOTA_OVER_DOMAIN, "NOQUOTA, but the domain allows %llu "
			               "messages (maxmsgcount)", lim->maxmsgcount);
		if (bytes_over)
			return vp_fail(err, VA_QUOTA_OVER_DOMAIN, "%s is more than the domain quota of "
			               "%llu MB", quota, lim->quota_mb);
		if (count_over)
			return vp_fail(err, VA_QUOTA_OVER_DOMAIN, "%s is more than the domain's %llu "
			               "messages (maxmsgcount)", quota, lim->maxmsgcount);
	}
	if (!(cb && b < 0) && !(cc && c < 0) && !bytes_over && !count_over)
		return 0;
	/* lowered (the default) or completed (a part left out) to the caps */
	unsigned long long nb = cb && (b < 0 || bytes_over) ? cb : b > 0 ? (unsigned long long)b : 0;
	unsigned long long nc = cc && (c < 0 || count_over) ? cc : c > 0 ? (unsigned long long)c : 0;
	vp_limits q;
	vp_limits_init(&q);
	q.default_quota = nb;
	q.default_maxmsgcount = nc;
	return vp_limits_initial_quota(&q, quota, size, err);
}

int vp_limits_enforce_user_quota(const vp_config *cfg, const vp_domain_info *dom, char *quota,
                                 size_t size, vp_error *err)
{
	vp_limits lim;
	int rc;
	if (!cfg->enforce_limits)
		return 0;
	if ((rc = vp_limits_read(cfg, dom, &lim, err)) != 0)
		return rc;
	return vp_limits_enforce_quota(cfg, &lim, quota, size, 0, err);
}

int vp_limits_enforce_alias(const vp_config *cfg, const vp_domain_info *dom, const char *old,
                            size_t oldlen, const char *line, vp_error *err)
{
	vp_limits lim;
	alias_kind before, after;
	alias_counts ac;
	int rc;
	if (!cfg->enforce_limits)
		return 0;
	if ((rc = vp_limits_read(cfg, dom, &lim, err)) != 0)
		return rc;
	/* What the alias counts as before and after the new line: an empty file
	 * is no alias at all (valias does not list it). */
	kind_text(&before, old ? old : "", old ? oldlen : 0);
	after = before;
	if (after.lines == 0)
		kind_text(&after, line, strlen(line));
	else
		kind_line(&after, line, strlen(line));
	long d_alias = before.lines == 0;
	long d_fwd = (!after.blackhole && !after.not_forward) -
	             (before.lines && !before.blackhole && !before.not_forward);
	long d_ar = (long)after.autoresponders - (long)before.autoresponders;
	long d_list = after.list - (before.lines && before.list);
	if (!(lim.max_aliases >= 0 && d_alias > 0) && !(lim.max_forwards >= 0 && d_fwd > 0) &&
	    !(lim.max_autoresponders >= 0 && d_ar > 0) && !(lim.max_mailinglists >= 0 && d_list > 0))
		return 0;
	if ((rc = count_aliases(cfg, dom->realdomain, &ac, err)) != 0)
		return rc;
	if (over(lim.max_aliases, ac.aliases, d_alias))
		return vp_fail(err, VA_LIMIT_REACHED, "%s has %lu aliases, maxaliases is %ld",
		               dom->realdomain, ac.aliases, lim.max_aliases);
	if (over(lim.max_forwards, ac.forwards, d_fwd))
		return vp_fail(err, VA_LIMIT_REACHED, "%s has %lu forwards, maxforwards is %ld",
		               dom->realdomain, ac.forwards, lim.max_forwards);
	if (over(lim.max_autoresponders, ac.autoresponders, d_ar))
		return vp_fail(err, VA_LIMIT_REACHED, "%s has %lu autoresponders, "
		               "maxautoresponders is %ld", dom->realdomain, ac.autoresponders,
		               lim.max_autoresponders);
	if (over(lim.max_mailinglists, ac.mailinglists, d_list))
		return vp_fail(err, VA_LIMIT_REACHED, "%s has %lu mailing lists, "
		               "maxmailinglists is %ld", dom->realdomain, ac.mailinglists,
		               lim.max_mailinglists);
	return 0;
}
