/* test_sec_names.c: security issue 12, class 2: a domain name that takes
 * another domain's mail through qmail-lspawn's longest-prefix match, and
 * the host's own names (control/me, control/locals) as domains. */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "t.h"
#include "tree.h"
#include "fixture.h"

/* The users/cdb entry qmail-lspawn picks for a local part ("<domain>-<user>"
 * after virtualdomains): "!local\0" exact, else the longest "!prefix" that
 * ends in a wildcard char (the cdb's "" record), else "!" alone.  Written
 * from qmail-lspawn's documented behaviour; out gets the realdomain field. */
static int lspawn_pick(const sandbox *s, const char *local, char *out, size_t size)
{
	char path[2048], key[512], wild[256];
	snprintf(path, sizeof path, "%s/users/cdb", s->qmail);
	int fd = open(path, O_RDONLY);
	struct cdb c;
	out[0] = '\0';
	if (fd < 0 || cdb_init(&c, fd) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	size_t nw = 0;
	if (cdb_find(&c, "", 0) > 0 && (nw = cdb_datalen(&c)) < sizeof wild)
		cdb_read(&c, wild, (unsigned)nw, cdb_datapos(&c));
	size_t n = (size_t)snprintf(key, sizeof key, "!%s", local);
	for (size_t i = 1; i < n; i++)
		if (key[i] >= 'A' && key[i] <= 'Z')
			key[i] = (char)(key[i] - 'A' + 'a');
	int found = 0;
	key[n] = '\0';
	if (cdb_find(&c, key, (unsigned)n + 1) > 0)
		found = 1;
	for (size_t i = n; !found && i >= 1; i--)
		if ((i == 1 || memchr(wild, key[i - 1], nw)) && cdb_find(&c, key, (unsigned)i) > 0)
			found = 1;
	if (found) {
		unsigned dl = cdb_datalen(&c);
		char val[1024];
		if (dl >= sizeof val)
			dl = sizeof val - 1;
		cdb_read(&c, val, dl, cdb_datapos(&c));
		val[dl] = '\0';
		snprintf(out, size, "%s", val); /* up to the first NUL: the realdomain */
	}
	cdb_free(&c);
	close(fd);
	return found;
}

/* The domain that receives user@domain, or "" when nothing does. */
static const char *receiver(const sandbox *s, const char *user, const char *domain)
{
	static char out[256];
	char local[512];
	snprintf(local, sizeof local, "%s-%s", domain, user);
	lspawn_pick(s, local, out, sizeof out);
	return out;
}

/* Every path under dir with type, mode, inode, size, mtime and a content
 * hash: "byte-identical" and "never rewritten" at once. */
static void snap_walk(const char *dir, const char *rel, FILE *out)
{
	char p[4096];
	snprintf(p, sizeof p, "%s%s", dir, rel);
	struct stat st;
	if (lstat(p, &st) != 0)
		return;
	fprintf(out, "%s %o %lu %lld %lld.%09ld", rel[0] ? rel : "/", (unsigned)st.st_mode,
	        (unsigned long)st.st_ino, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
	        st.st_mtim.tv_nsec);
	if (S_ISREG(st.st_mode)) {
		size_t len;
		char *d = slurp(p, &len);
		unsigned long h = 5381;
		for (size_t i = 0; d && i < len; i++)
			h = h * 33 + (unsigned char)d[i];
		fprintf(out, " %lx", h);
		free(d);
	}
	fputc('\n', out);
	if (!S_ISDIR(st.st_mode))
		return;
	DIR *dd = opendir(p);
	struct dirent *de;
	char *names[512];
	int n = 0;
	while (dd && (de = readdir(dd)) && n < 512)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	if (dd)
		closedir(dd);
	for (int i = 0; i < n; i++) /* readdir order is not stable across rewrites: sort */
		for (int j = i + 1; j < n; j++)
			if (strcmp(names[i], names[j]) > 0) {
				char *t = names[i];
				names[i] = names[j];
				names[j] = t;
			}
	for (int i = 0; i < n; i++) {
		char r[4096];
		snprintf(r, sizeof r, "%s/%s", rel, names[i]);
		snap_walk(dir, r, out);
		free(names[i]);
	}
}

static char *snapshot(const sandbox *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	snap_walk(s->root, "", f);
	fclose(f);
	return buf;
}

#define SAME_TREE(before) do { char *now_ = snapshot(&s); \
	if (strcmp(now_, before) != 0) fprintf(stderr, "  %s:%d: tree changed\n--- before\n%s--- after\n%s", \
	    __FILE__, __LINE__, before, now_); \
	CHECK(strcmp(now_, before) == 0); free(now_); } while (0)

static void qfile(const sandbox *s, const char *rel, const char *text)
{
	char p[2048];
	snprintf(p, sizeof p, "%s/%s", s->qmail, rel);
	CHECK_EQ_INT(write_text(p, text), 0);
}

static int add(const sandbox *s, const char *domain, vp_error *e)
{
	return vp_add_domain(&s->cfg, domain, NULL, (uid_t)-1, (gid_t)-1, e);
}

/* The attack's premise, on the registry alone (no check there): a domain
 * "victim.test-john.doe" takes john.doe-...@victim.test from its owner. */
TEST(lspawn_longest_prefix_is_the_threat)
{
	sandbox s;
	vp_error e;
	sandbox_init(&s);
	OK(add(&s, "victim.test", E));
	CHECK_EQ_STR(receiver(&s, "john.doe-news", "victim.test"), "victim.test");
	OK(vp_qmail_add_domain(&s.cfg, "victim.test-john.doe", "victim.test-john.doe", "/x", 89, 89, E));
	CHECK_EQ_STR(receiver(&s, "john.doe-news", "victim.test"), "victim.test-john.doe");
	CHECK_EQ_STR(receiver(&s, "john.doe", "victim.test"), "victim.test"); /* the bare name stays */
	/* and the other way round: the longer one, there first, takes from the shorter */
	OK(vp_qmail_add_domain(&s.cfg, "shop.example-eu.test", "shop.example-eu.test", "/y", 89, 89, E));
	OK(vp_qmail_add_domain(&s.cfg, "shop.example", "shop.example", "/z", 89, 89, E));
	CHECK_EQ_STR(receiver(&s, "eu.test-sales", "shop.example"), "shop.example-eu.test");
	(void)e;
	sandbox_free(&s);
}

/* victim.test with john.doe; every way of adding victim.test-john.doe is
 * refused and leaves every file (assign, cdb, rcpthosts, virtualdomains,
 * domains/) as it was, not even rewritten. */
TEST(new_domain_extending_an_existing_one_is_refused)
{
	sandbox s;
	vp_error e;
	sandbox_init(&s);
	OK(vp_add_domain_ex(&s.cfg, "victim.test", "Secret123", NULL, NULL, 0, E));
	OK(vp_add_user(&s.cfg, "john.doe", "victim.test", "johnpw", "John", 0, E));
	OK(vp_add_domain_ex(&s.cfg, "attacker.test", "Attack123", NULL, NULL, 0, E));
	char *before = snapshot(&s);
	const char *evil[] = { "victim.test-john.doe", "Victim.Test-John.Doe", "victim.test-j.com",
	                       "victim.test-john.doe.example", NULL };
	for (int i = 0; evil[i]; i++) {
		CHECK_EQ_INT(add(&s, evil[i], &e), VA_DOMAIN_NAME_CONFLICT);
		CHECK_EQ_INT(e.code, VA_DOMAIN_NAME_CONFLICT);
		CHECK(strstr(e.msg, "+victim.test-") != NULL);
		CHECK_EQ_INT(vp_add_domain_ex(&s.cfg, evil[i], "pw123456", NULL, NULL, 0, &e),
		             VA_DOMAIN_NAME_CONFLICT);
		/* as an alias of the attacker's domain, of the victim's own, either order */
		CHECK_EQ_INT(vp_add_alias_domain(&s.cfg, evil[i], "attacker.test", &e), VA_DOMAIN_NAME_CONFLICT);
		CHECK_EQ_INT(vp_add_alias_domain(&s.cfg, evil[i], "victim.test", &e), VA_DOMAIN_NAME_CONFLICT);
		CHECK_EQ_INT(vp_add_alias_domain_either(&s.cfg, "attacker.test", evil[i], &e),
		             VA_DOMAIN_NAME_CONFLICT);
		CHECK_EQ_INT(vp_add_alias_domain_either(&s.cfg, evil[i], "attacker.test", &e),
		             VA_DOMAIN_NAME_CONFLICT);
	}
	SAME_TREE(before);
	CHECK_EQ_STR(receiver(&s, "john.doe-news", "victim.test"), "victim.test");
	free(before);
	sandbox_free(&s);
}

/* The reverse: shop.example-eu.test is there; shop.example (real or alias)
 * would lose every eu.test-...@shop.example to it, so it is refused too. */
TEST(new_domain_extended_by_an_existing_one_is_refused)
{
	sandbox s;
	vp_error e;
	sandbox_init(&s);
	OK(vp_add_domain_ex(&s.cfg, "shop.example-eu.test", "Secret123", NULL, NULL, 0, E));
	OK(vp_add_domain_ex(&s.cfg, "other.test", "Other1234", NULL, NULL, 0, E));
	OK(vp_add_alias_domain(&s.cfg, "a-b.test", "other.test", E)); /* an alias counts as well */
	char *before = snapshot(&s);
	CHECK_EQ_INT(add(&s, "shop.example", &e), VA_DOMAIN_NAME_CONFLICT);
	CHECK(strstr(e.msg, "+shop.example-eu.test-") != NULL);
	CHECK_EQ_INT(vp_add_domain_ex(&s.cfg, "shop.example", "pw123456", NULL, NULL, 0, &e),
	             VA_DOMAIN_NAME_CONFLICT);
	CHECK_EQ_INT(vp_add_alias_domain(&s.cfg, "shop.example", "other.test", &e), VA_DOMAIN_NAME_CONFLICT);
	CHECK_EQ_INT(vp_add_alias_domain_either(&s.cfg, "other.test", "shop.example", &e),
	             VA_DOMAIN_NAME_CONFLICT);
	/* extending the alias a-b.test, or being extended by it */
	CHECK_EQ_INT(add(&s, "a-b.test-c.test", &e), VA_DOMAIN_NAME_CONFLICT);
	CHECK_EQ_INT(vp_add_alias_domain(&s.cfg, "a-b.test-x.org", "shop.example-eu.test", &e),
	             VA_DOMAIN_NAME_CONFLICT);
	SAME_TREE(before);
	free(before);
	sandbox_free(&s);
}

/* Names that only share a prefix, without the '-' boundary, are fine, and
 * each one's mail still reaches only that domain. */
TEST(neighbours_without_a_dash_boundary_are_accepted)
{
	sandbox s;
	vp_error e;
	sandbox_init(&s);
	const char *names[] = { "victim.test", "victim.testing.com", "victim.test.com", "victim-test.com",
	                        "xvictim.test", "a.test", "aa.test", "a-b.test", "a-b.testx",
	                        "shop.example", "shop.example.eu.test", "test-victim.test", NULL };
	for (int i = 0; names[i]; i++)
		OK(add(&s, names[i], E));
	OK(vp_add_alias_domain(&s.cfg, "a.tests", "a.test", E));
	OK(vp_add_alias_domain_either(&s.cfg, "victim.test", "victim.tester.org", E));
	for (int i = 0; names[i]; i++) {
		CHECK_EQ_STR(receiver(&s, "john.doe", names[i]), names[i]);
		CHECK_EQ_STR(receiver(&s, "john.doe-x-y", names[i]), names[i]);
		CHECK_EQ_STR(receiver(&s, "test-a.b-c", names[i]), names[i]);
	}
	CHECK_EQ_STR(receiver(&s, "john-x", "a.tests"), "a.test");
	/* an existing name, in any case, is still "already exists" */
	CHECK_EQ_INT(add(&s, "VICTIM.test", &e), VA_DOMAIN_ALREADY_EXISTS);
	sandbox_free(&s);
}

/* assign lines written by other tools count: a mixed-case vpopmail line,
 * qmail-pw2u's "+user-" and "=user" lines, an exact address in the new
 * name's space, another wildcard char; "+:" and lines after "." do not. */
TEST(foreign_assign_lines_count)
{
	sandbox s;
	vp_error e;
	sandbox_init(&s);
	char assign[4096];
	snprintf(assign, sizeof assign,
	         "+Legacy.Test-:legacy.test:89:89:%s/domains/legacy.test:-::\n"
	         "=root:root:0:0:/root:::\n"
	         "+root-:root:0:0:/root:-::\n"
	         "=exact.test-postmaster:alias:7790:2108:/var/qmail/alias:-:postmaster:\n"
	         "+dot.:alias:7790:2108:/var/qmail/alias:-::\n"
	         "+:alias:7790:2108:/var/qmail/alias:-::\n"
	         ".\n"
	         "+after.test-:after.test:89:89:/nowhere:-::\n",
	         s.home);
	qfile(&s, "users/assign", assign);
	OK(vp_build_users_cdb(&s.cfg, assign, strlen(assign), E));
	qfile(&s, "users/assign.lock", ""); /* as any writer leaves it */
	char *before = snapshot(&s);
	CHECK_EQ_INT(add(&s, "legacy.test-x.com", &e), VA_DOMAIN_NAME_CONFLICT);
	CHECK_EQ_INT(add(&s, "root-mail.test", &e), VA_DOMAIN_NAME_CONFLICT);
	CHECK_EQ_INT(add(&s, "exact.test", &e), VA_DOMAIN_NAME_CONFLICT);
	CHECK(strstr(e.msg, "=exact.test-postmaster") != NULL);
	CHECK_EQ_INT(add(&s, "dot.test", &e), VA_DOMAIN_NAME_CONFLICT); /* "+dot." takes dot.test-* now */
	CHECK_EQ_INT(add(&s, "legacy.test", &e), VA_DOMAIN_ALREADY_EXISTS);
	SAME_TREE(before);
	free(before);
	OK(add(&s, "after.test-y.com", E)); /* qmail-newu stops at "." */
	OK(add(&s, "root.test", E));
	OK(add(&s, "exact.test.com", E));
	sandbox_free(&s);
}

/* Two writers adding victim.test and victim.test-x.com at the same moment:
 * the check runs under assign.lock, so never both get in. */
TEST(concurrent_adds_of_overlapping_names)
{
	sandbox s;
	sandbox_init(&s);
	int both = 0, one = 0;
	for (int round = 0; round < 12; round++) {
		char a[64], b[64];
		snprintf(a, sizeof a, "r%d.test", round);
		snprintf(b, sizeof b, "r%d.test-x.com", round);
		int go[2];
		CHECK_EQ_INT(pipe(go), 0);
		pid_t pid[2];
		for (int k = 0; k < 2; k++) {
			pid[k] = fork();
			if (pid[k] == 0) {
				char c;
				close(go[1]);
				if (read(go[0], &c, 1) != 0)
					_exit(3);
				vp_error e;
				int rc = add(&s, k ? b : a, &e);
				_exit(rc == 0 ? 0 : rc == VA_DOMAIN_NAME_CONFLICT ? 1 : 2);
			}
		}
		close(go[0]);
		close(go[1]); /* both start now */
		int ok = 0, refused = 0;
		for (int k = 0; k < 2; k++) {
			int st;
			waitpid(pid[k], &st, 0);
			int x = WIFEXITED(st) ? WEXITSTATUS(st) : 9;
			ok += x == 0;
			refused += x == 1;
		}
		both += ok == 2;
		one += ok == 1 && refused == 1;
	}
	CHECK_EQ_INT(both, 0);
	CHECK_EQ_INT(one, 12);
	sandbox_free(&s);
}

/* The host's own names: refused (nothing written, locals kept) unless
 * allow_host_domains, which keeps vadddomain's way (out of locals). */
TEST(host_names_are_refused)
{
	sandbox s;
	vp_error e;
	sandbox_init(&s);
	OK(add(&s, "tenant.test", E));
	qfile(&s, "control/me", "Mail.Host.Test \n# not a comment for qmail, but not a name either\n");
	qfile(&s, "control/locals", "# the host\n\nlocalhost\nmail.host.test\n  Other.Host.TEST\t\n#x.host.test\n");
	char *before = snapshot(&s);
	const char *host[] = { "mail.host.test", "MAIL.HOST.TEST", "other.host.test", NULL };
	for (int i = 0; host[i]; i++) {
		CHECK_EQ_INT(add(&s, host[i], &e), VA_HOST_DOMAIN);
		CHECK_EQ_INT(e.code, VA_HOST_DOMAIN);
		CHECK_EQ_INT(vp_add_domain_ex(&s.cfg, host[i], "pw123456", NULL, NULL, 0, &e), VA_HOST_DOMAIN);
		CHECK_EQ_INT(vp_add_alias_domain(&s.cfg, host[i], "tenant.test", &e), VA_HOST_DOMAIN);
		CHECK_EQ_INT(vp_add_alias_domain_either(&s.cfg, "tenant.test", host[i], &e), VA_HOST_DOMAIN);
	}
	CHECK(strstr(e.msg, "control/locals") != NULL);
	CHECK_EQ_INT(add(&s, "mail.host.test", &e), VA_HOST_DOMAIN);
	CHECK(strstr(e.msg, "control/me") != NULL);
	SAME_TREE(before);
	free(before);
	OK(add(&s, "x.host.test", E)); /* only in a comment */
	OK(add(&s, "host.test", E));

	/* no control/me: only locals counts; no locals either: nothing to refuse */
	char p[2048];
	snprintf(p, sizeof p, "%s/control/me", s.qmail);
	unlink(p);
	OK(add(&s, "third.host.test", E));
	qfile(&s, "control/me", "third.host.test\n"); /* already a domain: exists wins */
	CHECK_EQ_INT(add(&s, "third.host.test", &e), VA_DOMAIN_ALREADY_EXISTS);
	unlink(p);
	CHECK_EQ_INT(add(&s, "other.host.test", &e), VA_HOST_DOMAIN);

	/* allowed: the old behaviour, the name leaves locals */
	s.cfg.allow_host_domains = 1;
	qfile(&s, "control/me", "mail.host.test\n");
	OK(add(&s, "mail.host.test", E));
	OK(vp_add_alias_domain(&s.cfg, "alias.host.test", "tenant.test", E));
	snprintf(p, sizeof p, "%s/control/locals", s.qmail);
	CHECK(file_is(p, "# the host\n\nlocalhost\n  Other.Host.TEST\t\n#x.host.test\n"));
	/* any line qmail would take for the name goes, whatever its case and blanks */
	OK(vp_add_alias_domain(&s.cfg, "other.host.test", "tenant.test", E));
	CHECK(file_is(p, "# the host\n\nlocalhost\n#x.host.test\n"));
	vp_domain_info d;
	CHECK_EQ_INT(vp_domain_lookup(&s.cfg, "mail.host.test", &d, &e), 1);
	/* the '-' rule holds whatever the setting */
	CHECK_EQ_INT(add(&s, "mail.host.test-root.com", &e), VA_DOMAIN_NAME_CONFLICT);
	sandbox_free(&s);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An assign of n domains d<i>.bench, sorted as we write it does not matter here. */
static void big_assign(sandbox *s, int n)
{
	char p[2048];
	snprintf(p, sizeof p, "%s/users/assign", s->qmail);
	FILE *f = fopen(p, "w");
	for (int i = 0; i < n; i++)
		fprintf(f, "+d%06d.bench-:d%06d.bench:89:89:%s/domains/x/d%06d.bench:-::\n", i, i, s->home, i);
	fputs(".\n", f);
	fclose(f);
}

static double check_time(sandbox *s, const char *name)
{
	double best = 1e9;
	vp_error e;
	for (int r = 0; r < 7; r++) {
		double t = now_s();
		int rc = vp_qmail_check_name(&s->cfg, name, &e);
		t = now_s() - t;
		CHECK_EQ_INT(rc, 0);
		if (t < best)
			best = t;
	}
	return best;
}

/* The check is one pass over assign: 10x the domains costs about 10x, not
 * 100x (a ratio within this run; best of 7 each). */
TEST(check_is_linear_in_assign)
{
	sandbox s;
	sandbox_init(&s);
	big_assign(&s, 5000);
	double small = check_time(&s, "new-domain.bench");
	big_assign(&s, 50000);
	double large = check_time(&s, "new-domain.bench");
	double ratio = large / (small > 0 ? small : 1e-9);
	printf("  check_name: 5k domains %.3f ms, 50k domains %.3f ms, ratio %.1f\n", small * 1e3,
	       large * 1e3, ratio);
	CHECK(ratio < 30);
	/* beside a whole add at 50k (assign + users/cdb rewritten and fsynced) */
	char p[2048];
	char *text;
	size_t len;
	vp_error e;
	snprintf(p, sizeof p, "%s/users/assign", s.qmail);
	CHECK_EQ_INT(read_all(p, &text, &len), 0);
	OK(vp_build_users_cdb(&s.cfg, text, len, E));
	free(text);
	double t = now_s();
	OK(add(&s, "new-domain.bench", E));
	t = now_s() - t;
	printf("  add_domain at 50k domains: %.3f ms, the check %.0f%% of it\n", t * 1e3,
	       100 * large / t);
	CHECK_EQ_INT(add(&s, "d000007.bench-x.com", &e), VA_DOMAIN_NAME_CONFLICT);
	sandbox_free(&s);
}

int main(void)
{
	RUN(lspawn_longest_prefix_is_the_threat);
	RUN(new_domain_extending_an_existing_one_is_refused);
	RUN(new_domain_extended_by_an_existing_one_is_refused);
	RUN(neighbours_without_a_dash_boundary_are_accepted);
	RUN(foreign_assign_lines_count);
	RUN(concurrent_adds_of_overlapping_names);
	RUN(host_names_are_refused);
	RUN(check_is_linear_in_assign);
	(void)compare_step;
	return T_SUMMARY();
}
