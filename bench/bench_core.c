/*
 * bench_core.c: what each mailbox operation costs against libcore, by domain
 * size, beside the physical limit of the format; never pass/fail.
 *
 *   bench_core <sandbox> [--sizes=1000,10000,50000,100000] [--reps=11]
 *              [--scheme=sha512|md5] [--batch=10000] [--no-homes]
 *              [--login-rounds=151]
 *
 * For each size N a domain n<N>.bench is made by vp_add_domain_ex and filled
 * to N users synthetically (the vpasswd, vpasswd.cdb, .dir-control and homes
 * N-1 vp_add_user calls would leave, one shared hash; see bench/README.md),
 * then each operation is timed `reps` times, each call alone, and the median
 * printed in microseconds:
 *   add_user, passwd, set_quota, del_user     (x<k> users added on top of N)
 *   physical limit: copy vpasswd + tinycdb build, with and without fsync
 *   auth_user ok / unknown user (default, and auth_fast_unknown) / wrong pw
 *   logins with and without auth_logging (lastauth, same address / a new one)
 *   against crypt_r, call by call; del_user beside the physical limit, call by call
 *   crypt_r alone of the same stored hash (libxcrypt, crypt_data reused)
 *   alias_get_all (100 aliases in the domain)
 * Peak memory: each operation once more in a forked child, whose peak RSS
 * is reset first (/proc/self/clear_refs 5); the figure is VmHWM minus the
 * VmRSS before the call: what the call made resident, libcore's mallocs,
 * tinycdb's index and the stack included.
 * Then the batch: (batch) adds in one vp_batch onto a domain of
 * N_final - batch users, split by phase, against one add at N_final.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vpcore.h"

#include <cdb.h>
#include <crypt.h>
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double physlimit_once(const char *src, const char *outdir, int do_fsync);

static vp_config cfg;
static int use_reaper = 1;
#define LOGIN_ROUNDS_DEFAULT 151
#define LOGIN_ROUNDS_MAX 2001
static int reps = 11, homes = 1, keep = 0, login_rounds = LOGIN_ROUNDS_DEFAULT;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmpd);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, const vp_error *e)
{
	fprintf(stderr, "bench_core: %s: %s\n", what, e ? e->msg : strerror(errno));
	exit(1);
}

/* ---- memory ---- */

static long status_kb(const char *field)
{
	char buf[4096];
	FILE *f = fopen("/proc/self/status", "r");
	long v = -1;
	size_t fl = strlen(field);
	while (f && fgets(buf, sizeof buf, f)) {
		if (strncmp(buf, field, fl) == 0 && buf[fl] == ':') {
			v = strtol(buf + fl + 1, NULL, 10);
			break;
		}
	}
	if (f)
		fclose(f);
	return v;
}

typedef void (*op_fn)(void *arg, int k);

/* KiB the call made resident, measured in a child (op k). */
static long peak_kb(op_fn fn, void *arg, int k)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		/* free heap inherited from the parent would hide the call's growth */
		malloc_trim(0);
		int fd = open("/proc/self/clear_refs", O_WRONLY);
		if (fd >= 0) {
			if (write(fd, "5", 1) != 1) {
				/* an old kernel: the figure includes the parent's peak */
			}
			close(fd);
		}
		long base = status_kb("VmRSS");
		fn(arg, k);
		long d = status_kb("VmHWM") - base;
		if (write(p[1], &d, sizeof d) != (ssize_t)sizeof d)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	long d = -1;
	if (read(p[0], &d, sizeof d) != (ssize_t)sizeof d)
		d = -1;
	close(p[0]);
	waitpid(pid, NULL, 0);
	return d;
}

/* ---- synthetic population ---- */

static void dom_dir(char *dst, size_t size, const char *domain)
{
	snprintf(dst, size, "%s/domains/%s", cfg.vpopmail_dir, domain);
}

static void fill(const char *domain, long n, const char *hash)
{
	vp_error e;
	char dir[4096], p[4600], home[4400], line[1024];
	if (vp_add_domain_ex(&cfg, domain, "BenchPost1", NULL, NULL, 0, &e) != 0)
		die("add domain", &e);
	dom_dir(dir, sizeof dir, domain);
	/* the postmaster line, as vadddomain wrote it */
	snprintf(p, sizeof p, "%s/vpasswd", dir);
	FILE *f = fopen(p, "r");
	char pm[1024] = "";
	if (!f || !fgets(pm, sizeof pm, f))
		die("read vpasswd", NULL);
	fclose(f);
	snprintf(p, sizeof p, "%s/.dir-control", dir);
	char dcbuf[512];
	f = fopen(p, "r");
	size_t dl = f ? fread(dcbuf, 1, sizeof dcbuf - 1, f) : 0;
	if (f)
		fclose(f);
	vp_dir_control dc;
	if (vp_dirc_parse(dcbuf, dl, &dc) != 0)
		die("parse .dir-control", NULL);

	char tp[4400], cp[4400];
	snprintf(tp, sizeof tp, "%s/vpasswd.bench", dir);
	snprintf(cp, sizeof cp, "%s/vpasswd.cdb.bench", dir);
	FILE *t = fopen(tp, "w");
	int cf = open(cp, O_RDWR | O_CREAT | O_TRUNC, 0600);
	struct cdb_make cm;
	cdb_make_start(&cm, cf);
	/* "postmaster" < "u...": it goes first */
	fputs(pm, t);
	char *colon = strchr(pm, ':');
	size_t pl = strlen(pm) - 1;
	cdb_make_add(&cm, pm, (unsigned)(colon - pm), colon + 1, (unsigned)(pl - (size_t)(colon - pm) - 1));
	char last_bucket[16] = "";
	for (long i = 2; i <= n; i++) {
		char name[32];
		snprintf(name, sizeof name, "u%07ld", i);
		vp_dirc_inc(&dc);
		if (dc.bucket[0] && strcmp(dc.bucket, last_bucket) != 0) {
			for (size_t k = 0; k < strlen(dc.bucket); k += 2) {
				snprintf(p, sizeof p, "%s/%.*s", dir, (int)(k + 1), dc.bucket);
				mkdir(p, 0700);
			}
			snprintf(last_bucket, sizeof last_bucket, "%s", dc.bucket);
		}
		if (dc.bucket[0])
			snprintf(home, sizeof home, "%s/%s/%s", dir, dc.bucket, name);
		else
			snprintf(home, sizeof home, "%s/%s", dir, name);
		if (homes) {
			static const char *const subs[] = { "", "/Maildir", "/Maildir/new", "/Maildir/cur",
			                                    "/Maildir/tmp" };
			for (int s = 0; s < 5; s++) {
				snprintf(p, sizeof p, "%s%s", home, subs[s]);
				mkdir(p, 0700);
			}
			snprintf(p, sizeof p, "%s/lastauth", home);
			int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd >= 0) {
				if (write(fd, "0.0.0.0", 7) != 7)
					die("lastauth", NULL);
				close(fd);
			}
		}
		int len = snprintf(line, sizeof line, "%s:%s:1:0:%s:%s:NOQUOTA", name, hash, name, home);
		fprintf(t, "%s\n", line);
		size_t nl = strlen(name);
		cdb_make_add(&cm, name, (unsigned)nl, line + nl + 1, (unsigned)((size_t)len - nl - 1));
	}
	fclose(t);
	cdb_make_finish(&cm);
	close(cf);
	char dst[4400];
	snprintf(dst, sizeof dst, "%s/vpasswd", dir);
	rename(tp, dst);
	snprintf(dst, sizeof dst, "%s/vpasswd.cdb", dir);
	rename(cp, dst);
	char out[256];
	size_t ol = vp_dirc_format(&dc, out, sizeof out);
	snprintf(p, sizeof p, "%s/.dir-control", dir);
	if (vp_write_file_atomic(&cfg, p, out, ol, 0600, cfg.uid, cfg.gid, 0, &e) != 0)
		die(".dir-control", &e);
	/* the fill's dirty pages on disk before anything is timed */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		syncfs(dfd);
		close(dfd);
	}
}

/* ---- the operations ---- */

typedef struct ctx {
	const char *domain;
	char dir[4096];
	const char *prefix; /* user names: <prefix><k> */
} ctx;

static void name_of(char *dst, size_t size, const ctx *c, int k)
{
	snprintf(dst, size, "%s%03d", c->prefix, k);
}

#define OP(fnname, call) \
	static void fnname(void *arg, int k) \
	{ \
		ctx *c = arg; \
		char u[64]; \
		vp_error e; \
		name_of(u, sizeof u, c, k); \
		if ((call) != 0) \
			die(#fnname, &e); \
	}

OP(op_add, vp_add_user(&cfg, u, c->domain, "pw-bench", NULL, 0, &e))
OP(op_del, vp_del_user(&cfg, u, c->domain, &e))
OP(op_passwd, vp_set_password(&cfg, u, c->domain, "pw-bench2", &e))
OP(op_quota, vp_set_quota(&cfg, u, c->domain, "50M", &e))

static void op_phys(void *arg, int k)
{
	ctx *c = arg;
	char src[4400], out[4400];
	snprintf(src, sizeof src, "%s/vpasswd", c->dir);
	snprintf(out, sizeof out, "%s/phys", c->dir);
	mkdir(out, 0700);
	if (physlimit_once(src, out, k >= 0) < 0)
		die("physlimit", NULL);
}

static int count_cb(void *ctx, const char *s)
{
	(void)s;
	(*(long *)ctx)++;
	return 0;
}
static int count_line_cb(void *ctx, const char *s, size_t l)
{
	(void)s;
	(void)l;
	(*(long *)ctx)++;
	return 0;
}

static void op_alias_all(void *arg, int k)
{
	ctx *c = arg;
	vp_error e;
	long n = 0;
	(void)k;
	if (vp_alias_get_all(&cfg, c->domain, count_cb, count_line_cb, &n, &e) != 0)
		die("alias_get_all", &e);
}

/* Median microseconds of reps single calls k = 0..reps-1. */
static double timed(op_fn fn, void *arg, int k0)
{
	double v[1000];
	for (int k = 0; k < reps; k++) {
		double t = now();
		fn(arg, k0 + k);
		v[k] = now() - t;
	}
	return median(v, reps) * 1e6;
}

/* How a login is recorded (issue 17): not at all, or with auth_logging from
 * the address of the last login, or from a new address every time. */
enum logmode { UNLOGGED = 0, LOGGED_SAME_IP, LOGGED_NEW_IP };

/* The mean of 20 auth calls, microseconds. */
static double auth_run(const char *user, const char *domain, const char *pw, int expect)
{
	double t = now();
	for (int i = 0; i < 20; i++) {
		vp_error e;
		int rc = vp_auth_user(&cfg, user, domain, pw, NULL, &e);
		if (rc != expect)
			die("auth: unexpected answer", &e);
	}
	return (now() - t) / 20 * 1e6;
}

/* The mean of 20 crypt_r of the stored hash alone (crypt_data reused). */
static double crypt_run(const char *pw, const char *hash)
{
	static struct crypt_data *d;
	if (!d)
		d = calloc(1, sizeof *d);
	double t = now();
	for (int i = 0; i < 20; i++) {
		const char *h = crypt_r(pw, hash, d);
		if (!h || strcmp(h, hash) != 0)
			die("crypt_r", NULL);
	}
	return (now() - t) / 20 * 1e6;
}

/* Auth and crypt alone alternate run by run (a loaded machine slows both
 * alike); *ratio is the median of the per-run ratios. */
static double auth_cost(const char *user, const char *domain, const char *pw, int expect,
                        const char *hash, double *crypt_us, double *ratio)
{
	double a[9], c[9], r[9];
	for (int i = 0; i < 9; i++) {
		c[i] = crypt_run("pw-bench2", hash);
		a[i] = auth_run(user, domain, pw, expect);
		r[i] = a[i] / c[i];
	}
	*ratio = median(r, 9);
	if (crypt_us)
		*crypt_us = median(c, 9);
	return median(a, 9);
}

/* One call of each, microseconds. */
static double one_crypt(const char *pw, const char *hash)
{
	static struct crypt_data *d;
	if (!d)
		d = calloc(1, sizeof *d);
	double t = now();
	const char *h = crypt_r(pw, hash, d);
	t = now() - t;
	if (!h || strcmp(h, hash) != 0)
		die("crypt_r", NULL);
	return t * 1e6;
}

static double one_login(const char *user, const char *domain, enum logmode mode)
{
	static const char *const ips[2] = { "192.0.2.1", "198.51.100.22" };
	static unsigned flip;
	vp_config lc = cfg;
	vp_error e;
	lc.auth_logging = mode != UNLOGGED;
	const char *ip = mode == LOGGED_NEW_IP ? ips[flip++ & 1] : ips[0];
	double t = now();
	int rc = vp_auth_user_ex(&lc, user, domain, "pw-bench2", VP_SERVICE_ANY, ip, NULL, &e);
	t = now() - t;
	if (rc != 0)
		die("login", &e);
	return t * 1e6;
}

/* same_user's lastauth timed a minute back (not timed): the next logged
 * login from its address must set the time, not find it in this second. */
static void age_lastauth(const char *path)
{
	struct timespec t[2] = { { time(NULL) - 60, 0 }, { time(NULL) - 60, 0 } };
	if (utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW) != 0)
		die("utimensat lastauth", NULL);
}

/*
 * The login costs of issue 17, call by call: crypt_r alone, an unlogged
 * login, two logged ones from the address of the last login (user
 * same_user): again within the second of the one before (its lastauth
 * already says this second: nothing is written), and the first of its
 * second (the file's time set a minute back first, untimed: futimens), and
 * a logged one from a new address each time (new_user, so as not to
 * change same_user's address), in a shuffled order in each of login_rounds
 * (--login-rounds, 151 by default);
 * the medians of each kind.  A load burst then hits all five alike.
 */
#define LOGIN_KINDS 5
static void login_costs(const char *same_user, const char *new_user, const char *domain,
                        const char *hash, double out[LOGIN_KINDS])
{
	static double v[LOGIN_KINDS][LOGIN_ROUNDS_MAX];
	unsigned long long r = 17;
	vp_user_entry u;
	vp_error e;
	char la[4096];
	if (vp_get_user(&cfg, same_user, domain, &u, NULL, &e) != 1)
		die("get_user", &e);
	snprintf(la, sizeof la, "%s/lastauth", u.dir);
	one_login(same_user, domain, LOGGED_SAME_IP); /* lastauth holds that address */
	for (int i = 0; i < login_rounds; i++) {
		int order[LOGIN_KINDS] = { 0, 1, 2, 3, 4 };
		for (int k = LOGIN_KINDS - 1; k > 0; k--) {
			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			int j = (int)((r >> 33) % (unsigned long long)(k + 1)), tmp = order[k];
			order[k] = order[j];
			order[j] = tmp;
		}
		for (int k = 0; k < LOGIN_KINDS; k++) {
			switch (order[k]) {
			case 0: v[0][i] = one_crypt("pw-bench2", hash); break;
			case 1: v[1][i] = one_login(same_user, domain, UNLOGGED); break;
			case 2:
				one_login(same_user, domain, LOGGED_SAME_IP); /* this second's time */
				v[2][i] = one_login(same_user, domain, LOGGED_SAME_IP);
				break;
			case 3:
				age_lastauth(la);
				v[3][i] = one_login(same_user, domain, LOGGED_SAME_IP);
				break;
			default: v[4][i] = one_login(new_user, domain, LOGGED_NEW_IP); break;
			}
		}
	}
	for (int k = 0; k < LOGIN_KINDS; k++)
		out[k] = median(v[k], login_rounds);
}

/* del_user k and the physical limit, one after the other, reps times: the
 * medians of each (the limit measured beside the deletes it is compared to). */
static void del_costs(ctx *c, double *del, double *del_all, double *phys)
{
	double d[1000], da[1000], p[1000];
	for (int k = 0; k < reps; k++) {
		double t = now();
		op_del(c, k);
		d[k] = (now() - t) * 1e6;
		/* what the reaper still frees after the call, waited for here so
		 * that it never runs into the limit measured next */
		vp_reaper_drain(cfg.reaper);
		da[k] = (now() - t) * 1e6;
		t = now();
		op_phys(c, 0);
		p[k] = (now() - t) * 1e6;
	}
	*del = median(d, reps);
	*del_all = median(da, reps);
	*phys = median(p, reps);
}

static void stored_hash(const char *domain, const char *user, char *out, size_t size)
{
	vp_user_entry u;
	vp_error e;
	if (vp_get_user(&cfg, user, domain, &u, NULL, &e) != 1)
		die("get_user", &e);
	snprintf(out, size, "%s", u.passwd);
}

static void kb_cell(char *dst, size_t size, long kb)
{
	if (kb < 0)
		snprintf(dst, size, "?");
	else if (kb >= 10240)
		snprintf(dst, size, "%.1fM", kb / 1024.0);
	else
		snprintf(dst, size, "%ldK", kb);
}

int main(int argc, char **argv)
{
	const char *sizes = "1000,10000,50000,100000";
	const char *scheme = "sha512";
	long batch_n = 10000, batch_final = 50000;
	if (argc < 2) {
		fprintf(stderr, "usage: bench_core <sandbox> [--sizes=..] [--reps=11] [--scheme=sha512|md5] "
		                "[--batch=10000] [--batch-final=50000] [--no-homes] [--no-reaper] [--login-rounds=151]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strncmp(argv[i], "--sizes=", 8) == 0)
			sizes = argv[i] + 8;
		else if (strncmp(argv[i], "--reps=", 7) == 0)
			reps = atoi(argv[i] + 7);
		else if (strncmp(argv[i], "--login-rounds=", 15) == 0)
			login_rounds = atoi(argv[i] + 15);
		else if (strncmp(argv[i], "--scheme=", 9) == 0)
			scheme = argv[i] + 9;
		else if (strncmp(argv[i], "--batch=", 8) == 0)
			batch_n = atol(argv[i] + 8);
		else if (strncmp(argv[i], "--batch-final=", 14) == 0)
			batch_final = atol(argv[i] + 14);
		else if (strcmp(argv[i], "--no-homes") == 0)
			homes = 0;
		else if (strcmp(argv[i], "--no-reaper") == 0)
			use_reaper = 0;
		else if (strcmp(argv[i], "--keep") == 0)
			keep = 1;
	}
	if (reps < 3 || reps > 500)
		reps = 11;
	if (login_rounds < 3 || login_rounds > LOGIN_ROUNDS_MAX)
		login_rounds = LOGIN_ROUNDS_DEFAULT;
	static char vp[4096], qm[4096];
	snprintf(vp, sizeof vp, "%s/vpopmail", argv[1]);
	snprintf(qm, sizeof qm, "%s/qmail", argv[1]);
	cfg.vpopmail_dir = vp;
	cfg.qmail_dir = qm;
	cfg.uid = getuid() ? getuid() : 89;
	cfg.gid = getgid() ? getgid() : 89;
	cfg.chown_files = getuid() == 0;
	cfg.hash_scheme = strcmp(scheme, "md5") == 0 ? VP_HASH_MD5 : VP_HASH_SHA512;
	cfg.reaper = use_reaper ? vp_reaper_new() : NULL; /* as the PHP binding has it */
	umask(077);

	/* one hash of the scheme for the synthetic users, made by libcore */
	char shared[256];
	{
		vp_error e;
		if (vp_add_domain_ex(&cfg, "probe.bench", "BenchPost1", NULL, NULL, 0, &e) != 0)
			die("probe domain", &e);
		stored_hash("probe.bench", "postmaster", shared, sizeof shared);
		vp_del_domain(&cfg, "probe.bench", &e);
	}

	printf("libcore bench: scheme %s, %d calls per write figure (median, each call alone), "
	       "auth: median of 9 runs of 20 calls, each after a run of crypt_r alone\n\n", scheme, reps);
	printf("microseconds per call; [x] = ratio to the physical limit with fsync (writes) "
	       "or to crypt_r alone (auth: median of the per-run ratios)\n\n");
	printf("| users | fill s | add_user | del_user | passwd | set_quota | phys fsync | phys no fsync "
	       "| auth ok | auth unknown | auth unknown fast | auth bad pw | crypt_r | alias_get_all |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	char memrows[8][512], logrows[8][512];
	int nmem = 0, nlog = 0;

	char *list = strdup(sizes);
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		long n = atol(tok);
		char domain[64];
		snprintf(domain, sizeof domain, "n%ld.bench", n);
		ctx c = { domain, "", "x" };
		dom_dir(c.dir, sizeof c.dir, domain);
		double t = now();
		fprintf(stderr, "bench_core: filling %s\n", domain);
		fill(domain, n, shared);
		double fill_s = now() - t;
		fprintf(stderr, "bench_core: %s filled in %.1f s, timing\n", domain, fill_s);
		for (int a = 0; a < 100; a++) {
			char al[32];
			vp_error e;
			snprintf(al, sizeof al, "alias%03d", a);
			if (vp_alias_add(&cfg, al, domain, "someone@example.org", &e) != 0)
				die("alias_add", &e);
		}

		double add = timed(op_add, &c, 0);
		double passwd = timed(op_passwd, &c, 0);
		double quota = timed(op_quota, &c, 0);
		double phys = timed(op_phys, &c, 0);
		double phys_nf = timed(op_phys, &c, -100000);
		char hash[256];
		stored_hash(domain, "x000", hash, sizeof hash);
		double cr, r_ok, r_unknown, r_fast, r_bad;
		double auth_ok = auth_cost("x000", domain, "pw-bench2", 0, hash, &cr, &r_ok);
		double auth_unknown = auth_cost("nobody", domain, "pw-bench2", VA_USER_DOES_NOT_EXIST,
		                                hash, NULL, &r_unknown);
		cfg.auth_fast_unknown = 1;
		double auth_fast = auth_cost("nobody", domain, "pw-bench2", VA_USER_DOES_NOT_EXIST, hash,
		                             NULL, &r_fast);
		cfg.auth_fast_unknown = 0;
		double auth_bad = auth_cost("x000", domain, "wrong", VA_WRONG_PASSWORD, hash, NULL, &r_bad);
		double aga = timed(op_alias_all, &c, 0);

		/* memory: one more call of each in a child */
		long m_add = peak_kb(op_add, &c, 900);
		long m_passwd = peak_kb(op_passwd, &c, 0);
		long m_quota = peak_kb(op_quota, &c, 0);
		long m_del = peak_kb(op_del, &c, 900);
		long m_phys = peak_kb(op_phys, &c, 0);
		long m_aga = peak_kb(op_alias_all, &c, 0);

		double lg[LOGIN_KINDS], del, del_all, phys_del;
		login_costs("x000", "x001", domain, hash, lg);
		del_costs(&c, &del, &del_all, &phys_del);
		if (nlog < 8)
			snprintf(logrows[nlog++], sizeof logrows[0],
			         "| %ld | %.0f | %.0f [%.3f] | %.0f [%.3f] | %.0f [%.3f] | %.0f [%.3f] | %.0f "
			         "| %.0f [%.2f] | %.0f [%.2f] |",
			         n, lg[0], lg[1], lg[1] / lg[0], lg[2], lg[2] / lg[0], lg[3], lg[3] / lg[0],
			         lg[4], lg[4] / lg[0], phys_del, del, del / phys_del, del_all,
			         del_all / phys_del);
		printf("| %ld | %.1f | %.0f [%.2f] | %.0f [%.2f] | %.0f [%.2f] | %.0f [%.2f] | %.0f | %.0f "
		       "| %.0f [%.3f] | %.0f [%.3f] | %.1f | %.0f [%.3f] | %.0f | %.0f |\n",
		       n, fill_s, add, add / phys, del, del / phys_del, passwd, passwd / phys, quota,
		       quota / phys, phys, phys_nf, auth_ok, r_ok, auth_unknown, r_unknown,
		       auth_fast, auth_bad, r_bad, cr, aga);
		fflush(stdout);
		char a[6][32];
		kb_cell(a[0], 32, m_add);
		kb_cell(a[1], 32, m_del);
		kb_cell(a[2], 32, m_passwd);
		kb_cell(a[3], 32, m_quota);
		kb_cell(a[4], 32, m_phys);
		kb_cell(a[5], 32, m_aga);
		if (nmem < 8)
			snprintf(memrows[nmem++], sizeof memrows[0], "| %ld | %s | %s | %s | %s | %s | %s |", n,
			         a[0], a[1], a[2], a[3], a[4], a[5]);
		vp_error e;
		if (!keep)
			vp_del_domain(&cfg, domain, &e);
	}
	free(list);

	printf("\nrecorded logins and del_user (issue 17). Logins: medians of %d rounds, each "
	       "one call of crypt_r alone, an unlogged login (vp_auth_user_ex, auth_logging=0), "
	       "logged ones from the address of the last login, again within the second of the one "
	       "before (nothing written) and the first in its second (lastauth's time set a minute "
	       "back first, untimed: futimens), and a logged one from a new address (another user), "
	       "in shuffled order; us [x crypt_r]. del_user: median of %d calls, "
	       "each followed by one of the physical limit with fsync; us [x that limit]; "
	       "\"+ freeing\": until the reaper has also closed the inodes the call freed "
	       "(%s):\n\n",
	       login_rounds, reps, cfg.reaper ? "vp_reaper" : "--no-reaper: closed in the call");
	printf("| users | crypt_r | unlogged | logged, same IP, same second | logged, same IP "
	       "| logged, new IP | phys fsync | del_user | del_user + freeing |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int i = 0; i < nlog; i++)
		printf("%s\n", logrows[i]);

	printf("\npeak memory of one call (VmHWM - VmRSS before, forked child):\n\n");
	printf("| users | add_user | del_user | passwd | set_quota | phys limit | alias_get_all |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int i = 0; i < nmem; i++)
		printf("%s\n", memrows[i]);

	if (batch_n > 0 && batch_final > batch_n) {
		char domain[64];
		snprintf(domain, sizeof domain, "b%ld.bench", batch_final);
		ctx c = { domain, "", "x" };
		dom_dir(c.dir, sizeof c.dir, domain);
		fill(domain, batch_final - batch_n, shared);
		vp_batch *b;
		vp_batch_stats st;
		vp_error e;
		double t = now();
		if (vp_batch_begin(&cfg, domain, &b, &e) != 0)
			die("batch begin", &e);
		vp_batch_set_stats(b, &st);
		for (long i = 0; i < batch_n; i++) {
			char u[32];
			snprintf(u, sizeof u, "b%07ld", i);
			if (vp_batch_add_user(b, u, "pw-batch", NULL, 0, NULL, &e) != 0)
				die("batch add", &e);
		}
		double queued = now() - t;
		if (vp_batch_commit(b, NULL, &e) != 0)
			die("batch commit", &e);
		double total = now() - t;
		/* one single add at the final size, and the physical limit there */
		double single = timed(op_add, &c, 0);
		double phys = timed(op_phys, &c, 0);
		printf("\nbatch: %ld adds in one vp_batch onto %ld users (final %ld), %u hashing thread(s):\n\n",
		       batch_n, batch_final - batch_n, batch_final, st.threads);
		printf("| part | seconds | x one add at %ld (%.0f us) |\n|---|---:|---:|\n", batch_final, single);
		double parts[6] = { queued, st.hash_s, st.check_s, st.homes_s, st.store_s, total };
		const char *names[6] = { "queue (argument checks)", "hashing", "lock + checks",
		                         ".dir-control + homes", "store rewrite (vpasswd + cdb)", "total" };
		for (int i = 0; i < 6; i++)
			printf("| %s | %.3f | %.2f |\n", names[i], parts[i], parts[i] / (single / 1e6));
		printf("\nsingle add at %ld: %.0f us = %.2f x the physical limit (%.0f us); "
		       "the batch's store rewrite = %.2f x the physical limit\n",
		       batch_final, single, single / phys, phys, st.store_s / (phys / 1e6));
		vp_del_domain(&cfg, domain, &e);
	}
	vp_reaper_free(cfg.reaper);
	return 0;
}
