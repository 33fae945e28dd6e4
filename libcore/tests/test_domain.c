/* test_domain.c: .dir-control, the qmail files and domain operations,
 * checked against trees written by the real vpopmail 5.6.13 tools. */
#include <signal.h>
#include <sys/wait.h>

#include "t.h"
#include "tree.h"

static const char *bucket_after(unsigned long n)
{
	static vp_dir_control dc;
	vp_dirc_init(&dc);
	for (unsigned long i = 0; i < n; i++)
		vp_dirc_inc(&dc);
	return dc.bucket;
}

TEST(dirc_sequence)
{
	CHECK_EQ_STR(bucket_after(1), "");
	CHECK_EQ_STR(bucket_after(99), "");
	CHECK_EQ_STR(bucket_after(100), "0");
	CHECK_EQ_STR(bucket_after(199), "0");
	CHECK_EQ_STR(bucket_after(200), "1");
	CHECK_EQ_STR(bucket_after(1000), "9");
	CHECK_EQ_STR(bucket_after(1100), "A");
	CHECK_EQ_STR(bucket_after(6200), "z");
	CHECK_EQ_STR(bucket_after(6300), "0/0");
	CHECK_EQ_STR(bucket_after(6400), "0/1");
	CHECK_EQ_STR(bucket_after(12400), "0/z");
	CHECK_EQ_STR(bucket_after(12500), "1/0");
	CHECK_EQ_STR(bucket_after(390600), "z/z");
	CHECK_EQ_STR(bucket_after(390700), "0/0/0");
}

TEST(dirc_format_fresh_and_rewritten)
{
	vp_dir_control dc;
	char buf[256];
	vp_dirc_init(&dc);
	vp_dirc_inc(&dc);
	size_t n = vp_dirc_format(&dc, buf, sizeof buf);
	CHECK_EQ_INT(n, 34);
	CHECK_EQ_STR(buf, "1\n0\n3\n0 0 0\n61 61 61\n0 2 4\n0 0 0\n\n");
	/* a file vpopmail rewrote reads back and rewrites byte for byte */
	const char *real = "102\n0\n3\n0 0 0\n61 61 61\n0 2 2\n0 0 0\n0\n";
	CHECK_EQ_INT(vp_dirc_parse(real, strlen(real), &dc), 0);
	vp_dirc_format(&dc, buf, sizeof buf);
	CHECK_EQ_STR(buf, real);
	CHECK_EQ_INT(dc.level_mod[2], 4); /* computed with the real mods */
	const char *bad[] = { "", "x\n", "1\n0\n3\n0 0\n61 61 61\n0 2 4\n0 0 0\n\n",
	                      "1\n0\n3\n0 0 0\n61 61 61\n0 2 4\n0 0 0\n../\n",
	                      "1\n9\n3\n0 0 0\n61 61 61\n0 2 4\n0 0 0\n\n", NULL };
	for (int i = 0; bad[i]; i++)
		CHECK_EQ_INT(vp_dirc_parse(bad[i], strlen(bad[i]), &dc), -1);
}

TEST(domain_names)
{
	char out[VP_MAX_PW_DOMAIN + 1];
	vp_error e;
	CHECK_EQ_INT(vp_domain_normalize("Example.COM", 11, out, &e), 0);
	CHECK_EQ_STR(out, "example.com");
	const char *bad[] = { "", "ab", "localhost", "a..b.com", ".ab.com", "-a.com", "a-.com",
	                      "a.c", "a/b.com", "../x.com", "a b.com", "a\n.com", "ex\xc3\xa9.com",
	                      "a.com-", "a.com.", NULL };
	for (int i = 0; bad[i]; i++) {
		int rc = vp_domain_normalize(bad[i], strlen(bad[i]), out, &e);
		CHECK(rc == VA_INVALID_DOMAIN_NAME);
		CHECK_EQ_INT(e.code, rc);
	}
	char longname[200];
	memset(longname, 'a', 97);
	memcpy(longname + 93, ".com", 5);
	CHECK_EQ_INT(vp_domain_normalize(longname, 97, out, &e), VA_DOMAIN_NAME_TOO_LONG);
	CHECK_EQ_INT(vp_domain_normalize("a\0b.com", 7, out, &e), VA_INVALID_DOMAIN_NAME);
}

TEST(user_names)
{
	char out[VP_MAX_PW_NAME + 1];
	vp_error e;
	CHECK_EQ_INT(vp_user_normalize("First.Last", 10, out, &e), 0);
	CHECK_EQ_STR(out, "first.last");
	const char *bad[] = { "", "a", "../x", "a/b", ".qmail-x", "-x", "a:b", "a b", "a@b",
	                      "vpasswd", "VPASSWD.cdb", "x\n", NULL };
	for (int i = 0; bad[i]; i++)
		CHECK(vp_user_normalize(bad[i], strlen(bad[i]), out, &e) == VA_ILLEGAL_USERNAME);
}

/* users/cdb and morercpthosts.cdb hold the records qmail-newu/-newmrh write. */
TEST(qmail_cdbs_match_the_real_compilers)
{
	sandbox s;
	char fp[4096], ours[4096];
	char *text;
	size_t len, al, bl;
	vp_error e;
	sandbox_init(&s);
	snprintf(fp, sizeof fp, "%s/vpopmail-5.6/06-aliasdomain-alias.example/qmail/users/assign", fixtures_dir());
	CHECK_EQ_INT(read_all(fp, &text, &len), 0);
	CHECK_EQ_INT(vp_build_users_cdb(&s.cfg, text, len, &e), 0);
	free(text);
	snprintf(fp, sizeof fp, "%s/vpopmail-5.6/06-aliasdomain-alias.example/qmail/users/cdb", fixtures_dir());
	snprintf(ours, sizeof ours, "%s/users/cdb", s.qmail);
	char *a = cdb_dump(fp, &al), *b = cdb_dump(ours, &bl);
	CHECK(al > 0 && al == bl && memcmp(a, b, al) == 0);
	free(a);
	free(b);

	snprintf(fp, sizeof fp, "%s/vpopmail-5.6/extra-morercpthosts/03-adddomain-d52-52nd-domain/qmail/control/morercpthosts", fixtures_dir());
	CHECK_EQ_INT(read_all(fp, &text, &len), 0);
	CHECK_EQ_INT(vp_build_morercpthosts_cdb(&s.cfg, text, len, &e), 0);
	free(text);
	strcat(fp, ".cdb");
	snprintf(ours, sizeof ours, "%s/control/morercpthosts.cdb", s.qmail);
	a = cdb_dump(fp, &al);
	b = cdb_dump(ours, &bl);
	CHECK(al > 0 && al == bl && memcmp(a, b, al) == 0);
	free(a);
	free(b);

	/* an assign qmail-newu would reject is refused */
	const char *broken = "+x.com-:x.com:89:89:/d:-:\n.\n";
	CHECK_EQ_INT(vp_build_users_cdb(&s.cfg, broken, strlen(broken), &e), VA_CANNOT_READ_ASSIGN);
	sandbox_free(&s);
}

TEST(sort_keys)
{
	char k[300];
	vp_line_key("+sub.example.com-:x", 19, 1, k, sizeof k);
	CHECK_EQ_STR(k, "example.com.sub");
	vp_line_key("www.example.co.uk", 17, 0, k, sizeof k);
	CHECK_EQ_STR(k, "co.uk.www.example");
	vp_line_key("example.com:example.com", 23, 0, k, sizeof k);
	CHECK_EQ_STR(k, "example.com");
}

#define STEP(v, name) do { int d_ = compare_step(&s, v, name); \
	if (d_) { fprintf(stderr, "  step %s: %d difference(s)\n", name, d_); } \
	CHECK_EQ_INT(d_, 0); } while (0)
#define OK(call) do { vp_error e_; int rc_ = (call); \
	if (rc_) { fprintf(stderr, "  %s: %s\n", #call, e_.msg); } \
	CHECK_EQ_INT(rc_, 0); } while (0)
#define E (&e_)

/* The fixture scenario as far as the public API reaches, step by step. */
TEST(scenario_56)
{
	sandbox s;
	sandbox_init(&s);
	s.cfg.uid = 89;
	s.cfg.gid = 89;
	const vp_config *c = &s.cfg;
	const char *v = "vpopmail-5.6";
	OK(vp_add_domain_ex(c, "example.com", "Secret123", NULL, NULL, 0, E));
	STEP(v, "01-adddomain-example.com");
	OK(vp_add_domain_ex(c, "second.test", "Second123", "50000000", "catchall@example.com", 0, E));
	STEP(v, "02-adddomain-second.test");
	OK(vp_add_domain_ex(c, "bounce.test", "Bounce123", NULL, "bounce", 0, E));
	STEP(v, "03-adddomain-bounce.test");
	OK(vp_add_user(c, "alice", "example.com", "alicepw", "", 0, E));
	STEP(v, "04-adduser-alice");
	OK(vp_add_user(c, "bob", "example.com", "bobpw", "Bob Builder", 0, E));
	OK(vp_set_quota(c, "bob", "example.com", "10000000", E));
	STEP(v, "05-adduser-bob");
	OK(vp_add_alias_domain_either(c, "example.com", "alias.example", E));
	STEP(v, "06-aliasdomain-alias.example");
	OK(vp_alias_add(c, "sales", "example.com", "alice@example.com", E));
	STEP(v, "07-valias-sales-to-alice");
	OK(vp_alias_add(c, "sales", "example.com", "bob@example.com", E));
	STEP(v, "08-valias-sales-to-bob");
	OK(vp_alias_add(c, "info", "example.com", "&external@other.org", E));
	STEP(v, "09-valias-info-to-external");
	OK(vp_set_quota(c, "bob", "example.com", "20M", E));
	STEP(v, "13-setquota-bob-20M");
	OK(vp_set_password(c, "alice", "example.com", "newpw", E));
	STEP(v, "14-passwd-alice");

	vp_error e;
	CHECK_EQ_INT(vp_add_domain_ex(c, "example.com", "otherpw", NULL, NULL, 0, &e), VA_DOMAIN_ALREADY_EXISTS);
	CHECK_EQ_INT(vp_add_user(c, "alice", "example.com", "otherpw", "", 0, &e), VA_USERNAME_EXISTS);
	CHECK_EQ_INT(vp_del_user(c, "nobody", "example.com", &e), VA_USER_DOES_NOT_EXIST);
	STEP(v, "14-passwd-alice"); /* refusals change nothing */
	sandbox_free(&s);
}

/* Domain deletion: only the qmail side and the domain counter are compared,
 * since the user flags of step 15 are outside this API. */
TEST(scenario_56_deletions)
{
	sandbox s;
	char fp[4096], ours[4096];
	sandbox_init(&s);
	s.cfg.uid = 89;
	s.cfg.gid = 89;
	const vp_config *c = &s.cfg;
	OK(vp_add_domain_ex(c, "example.com", "Secret123", NULL, NULL, 0, E));
	OK(vp_add_domain_ex(c, "second.test", "Second123", "50000000", "catchall@example.com", 0, E));
	OK(vp_add_domain_ex(c, "bounce.test", "Bounce123", NULL, NULL, 0, E));
	OK(vp_add_alias_domain(c, "alias.example", "example.com", E));
	OK(vp_del_domain(c, "bounce.test", E));
	snprintf(fp, sizeof fp, "%s/vpopmail-5.6/18-deldomain-bounce.test/qmail", fixtures_dir());
	CHECK_EQ_INT(compare_tree(&s, fp, s.qmail), 0);
	snprintf(fp, sizeof fp, "%s/vpopmail-5.6/18-deldomain-bounce.test/vpopmail/domains/.dir-control", fixtures_dir());
	snprintf(ours, sizeof ours, "%s/domains/.dir-control", s.home);
	CHECK_EQ_INT(compare_file(&s, fp, ours, ".dir-control"), 0);
	snprintf(ours, sizeof ours, "%s/domains/bounce.test", s.home);
	CHECK(access(ours, F_OK) != 0);

	OK(vp_del_domain(c, "alias.example", E));
	snprintf(fp, sizeof fp, "%s/vpopmail-5.6/28-deldomain-aliasdomain/qmail", fixtures_dir());
	CHECK_EQ_INT(compare_tree(&s, fp, s.qmail), 0);
	snprintf(ours, sizeof ours, "%s/domains/example.com/vpasswd", s.home);
	CHECK(access(ours, F_OK) == 0); /* the real domain is untouched */

	/* a real domain takes its aliases with it */
	vp_error e;
	OK(vp_add_alias_domain(c, "alias.example", "example.com", E));
	OK(vp_add_alias_domain(c, "alias2.example", "alias.example", E)); /* no chains */
	vp_domain_info d;
	CHECK_EQ_INT(vp_domain_lookup(c, "alias2.example", &d, &e), 1);
	CHECK_EQ_STR(d.realdomain, "example.com");
	OK(vp_del_domain(c, "example.com", E));
	CHECK_EQ_INT(vp_domain_lookup(c, "alias.example", &d, &e), 0);
	CHECK_EQ_INT(vp_domain_lookup(c, "alias2.example", &d, &e), 0);
	CHECK_EQ_INT(vp_domain_lookup(c, "second.test", &d, &e), 1);
	CHECK_EQ_INT(vp_del_domain(c, "example.com", &e), VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_add_alias_domain(c, "x.example", "nope.test", &e), VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_add_alias_domain(c, "second.test", "second.test", &e), VA_DOMAIN_ALREADY_EXISTS);
	CHECK_EQ_INT(vp_add_alias_domain_either(c, "nope.test", "nope2.test", &e), VA_DOMAIN_DOES_NOT_EXIST);
	/* the swapped order works as vaddaliasdomain's does */
	OK(vp_add_alias_domain_either(c, "alias3.example", "second.test", E));
	CHECK_EQ_INT(vp_domain_lookup(c, "alias3.example", &d, &e), 1);
	CHECK_EQ_STR(d.realdomain, "second.test");
	sandbox_free(&s);
}

/* rcpthosts spills into morercpthosts(.cdb) at 50 lines; deletes clean both. */
TEST(morercpthosts_scenario)
{
	sandbox s;
	char fp[4096], name[64], pw[16];
	sandbox_init(&s);
	s.cfg.uid = 89;
	s.cfg.gid = 89;
	const vp_config *c = &s.cfg;
	for (int i = 1; i <= 49; i++) {
		snprintf(name, sizeof name, "d%02d.test", i);
		snprintf(pw, sizeof pw, "pw%02d", i);
		OK(vp_add_domain_ex(c, name, pw, NULL, NULL, 0, E));
	}
	static const char *steps[] = { "01-adddomain-d50-50th-domain", "02-adddomain-d51-51st-domain",
	                               "03-adddomain-d52-52nd-domain" };
	for (int i = 50; i <= 52; i++) {
		snprintf(name, sizeof name, "d%02d.test", i);
		snprintf(pw, sizeof pw, "pw%02d", i);
		OK(vp_add_domain_ex(c, name, pw, NULL, NULL, 0, E));
		snprintf(fp, sizeof fp, "%s/vpopmail-5.6/extra-morercpthosts/%s/qmail", fixtures_dir(), steps[i - 50]);
		CHECK_EQ_INT(compare_tree(&s, fp, s.qmail), 0);
	}
	OK(vp_del_domain(c, "d51.test", E));
	snprintf(fp, sizeof fp, "%s/vpopmail-5.6/extra-morercpthosts/04-deldomain-d51/qmail", fixtures_dir());
	CHECK_EQ_INT(compare_tree(&s, fp, s.qmail), 0);
	OK(vp_del_domain(c, "d01.test", E));
	snprintf(fp, sizeof fp, "%s/vpopmail-5.6/extra-morercpthosts/05-deldomain-d01/qmail", fixtures_dir());
	CHECK_EQ_INT(compare_tree(&s, fp, s.qmail), 0);
	char ours[4096];
	snprintf(fp, sizeof fp, "%s/vpopmail-5.6/extra-morercpthosts/05-deldomain-d01/vpopmail/domains/.dir-control", fixtures_dir());
	snprintf(ours, sizeof ours, "%s/domains/.dir-control", s.home);
	CHECK_EQ_INT(compare_file(&s, fp, ours, ".dir-control"), 0);
	/* the last morercpthosts domain gone: both files go, unlike vpopmail's leftovers */
	OK(vp_del_domain(c, "d52.test", E));
	snprintf(ours, sizeof ours, "%s/control/morercpthosts", s.qmail);
	CHECK(access(ours, F_OK) != 0);
	snprintf(ours, sizeof ours, "%s/control/morercpthosts.cdb", s.qmail);
	CHECK(access(ours, F_OK) != 0);
	sandbox_free(&s);
}

/* Input that could leave the tree never reaches a path; nothing is written. */
TEST(hostile_domain_input)
{
	sandbox s;
	vp_error e;
	sandbox_init(&s);
	const char *bad[] = { "../etc.com", "a/b.com", "..", "x.com/../../y", "a\nb.com", "", NULL };
	for (int i = 0; bad[i]; i++) {
		CHECK(vp_add_domain(&s.cfg, bad[i], NULL, s.cfg.uid, s.cfg.gid, &e) < 0);
		CHECK(vp_del_domain(&s.cfg, bad[i], &e) < 0);
	}
	CHECK_EQ_INT(vp_add_domain(&s.cfg, "ok.test", "/etc", s.cfg.uid, s.cfg.gid, &e), VA_BAD_V_DIR);
	CHECK_EQ_INT(vp_add_domain(&s.cfg, "ok.test", NULL, 0, 0, &e), VA_BAD_UID);
	char p[4096];
	snprintf(p, sizeof p, "%s/users/assign", s.qmail);
	CHECK(access(p, F_OK) != 0);
	snprintf(p, sizeof p, "%s/domains", s.home);
	CHECK(access(p, F_OK) != 0);
	/* a trailing slash on the configured dir is the same dir */
	char home_slash[1200];
	snprintf(home_slash, sizeof home_slash, "%s/", s.home);
	CHECK_EQ_INT(vp_add_domain(&s.cfg, "ok.test", home_slash, s.cfg.uid, s.cfg.gid, &e), 0);
	vp_domain_info d;
	CHECK_EQ_INT(vp_domain_lookup(&s.cfg, "ok.test", &d, &e), 1);
	snprintf(p, sizeof p, "%s/domains/ok.test", s.home);
	CHECK_EQ_STR(d.dir, p);
	sandbox_free(&s);
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* An add killed before users/assign leaves a domain dir with no users in it:
 * the next add of that name takes it back; one holding anything more stays. */
TEST(add_domain_after_crashed_add)
{
	sandbox s;
	vp_error e;
	char dir[4096], p[4200];
	sandbox_init(&s);
	snprintf(dir, sizeof dir, "%s/domains", s.home);
	mkdir(dir, 0700);
	snprintf(dir, sizeof dir, "%s/domains/left.test", s.home);
	mkdir(dir, 0700);
	put_file(dir, ".qmail-default", "| /x/bin/vdelivermail '' delete\n");
	put_file(dir, "vpasswd", "");
	put_file(dir, ".tmp.vpasswd.cdb.1f", "junk");
	CHECK_EQ_INT(vp_add_domain(&s.cfg, "left.test", NULL, s.cfg.uid, s.cfg.gid, &e), 0);
	snprintf(p, sizeof p, "%s/.tmp.vpasswd.cdb.1f", dir);
	CHECK(access(p, F_OK) != 0);
	vp_domain_info d;
	CHECK_EQ_INT(vp_domain_lookup(&s.cfg, "left.test", &d, &e), 1);

	snprintf(dir, sizeof dir, "%s/domains/kept.test", s.home);
	mkdir(dir, 0700);
	put_file(dir, ".qmail-default", "| /x/bin/vdelivermail '' delete\n");
	put_file(dir, "vpasswd", "joe:x:1:0:joe:/x/joe:NOQUOTA\n"); /* a user: never adopted */
	CHECK_EQ_INT(vp_add_domain(&s.cfg, "kept.test", NULL, s.cfg.uid, s.cfg.gid, &e),
	             VA_COULD_NOT_MAKE_DOMAIN_DIR);
	snprintf(p, sizeof p, "%s/vpasswd", dir);
	CHECK(access(p, F_OK) == 0);
	CHECK_EQ_INT(vp_domain_lookup(&s.cfg, "kept.test", &d, &e), 0);
	sandbox_free(&s);
}

/* A symlink planted inside the tree never redirects a recursive removal. */
TEST(remove_tree_never_follows_links)
{
	sandbox s;
	vp_error e;
	char victim[2048], inside[2048], link[2100], p[2200];
	sandbox_init(&s);
	snprintf(victim, sizeof victim, "%s/victim", s.root);
	snprintf(inside, sizeof inside, "%s/inside", s.root);
	mkdir(victim, 0700);
	mkdir(inside, 0700);
	snprintf(p, sizeof p, "%s/user", victim);
	mkdir(p, 0700);
	snprintf(link, sizeof link, "%s/0", inside);
	CHECK_EQ_INT(symlink(victim, link), 0);
	snprintf(p, sizeof p, "%s/0/user", inside);
	vp_remove_tree(inside, p, &e);
	snprintf(p, sizeof p, "%s/user", victim);
	CHECK(access(p, F_OK) == 0);
	/* the link itself, as a last component, is unlinked, not followed */
	CHECK_EQ_INT(vp_remove_tree(inside, link, &e), 0);
	CHECK(access(p, F_OK) == 0);
	CHECK(access(link, F_OK) != 0);
	snprintf(p, sizeof p, "%s/../victim", inside);
	CHECK_EQ_INT(vp_remove_tree(inside, p, &e), VA_BAD_DIR);
	CHECK_EQ_INT(vp_remove_tree(inside, "/etc/passwd", &e), VA_BAD_DIR);
	sandbox_free(&s);
}

static volatile sig_atomic_t got_hup;
static void on_hup(int sig) { (void)sig; got_hup = 1; }

/* qmail-send is told by pidfile (SIGHUP) or daemontools' control fifo; never fatal. */
TEST(qmail_reload_modes)
{
	sandbox s;
	char pidfile[2048], fifo[2100], svc[2048];
	sandbox_init(&s);
	int pfd[2];
	CHECK_EQ_INT(pipe(pfd), 0);
	pid_t child = fork();
	if (child == 0) {
		signal(SIGHUP, on_hup);
		if (write(pfd[1], "r", 1) != 1) _exit(3);
		for (int i = 0; i < 500 && !got_hup; i++) usleep(10000);
		_exit(got_hup ? 0 : 1);
	}
	char ready;
	CHECK_EQ_INT(read(pfd[0], &ready, 1), 1);
	snprintf(pidfile, sizeof pidfile, "%s/qmail-send.pid", s.root);
	FILE *f = fopen(pidfile, "w");
	fprintf(f, "%d\n", (int)child);
	fclose(f);
	s.cfg.reload_mode = VP_RELOAD_PIDFILE;
	s.cfg.reload_target = pidfile;
	CHECK_EQ_INT(vp_qmail_reload(&s.cfg), 0);
	int status = -1;
	waitpid(child, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(pfd[0]);
	close(pfd[1]);

	/* svc -h: an 'h' into <service>/supervise/control */
	snprintf(svc, sizeof svc, "%s/qmail-send", s.root);
	mkdir(svc, 0755);
	snprintf(fifo, sizeof fifo, "%s/supervise", svc);
	mkdir(fifo, 0755);
	strcat(fifo, "/control");
	CHECK_EQ_INT(mkfifo(fifo, 0600), 0);
	s.cfg.reload_mode = VP_RELOAD_SVC;
	s.cfg.reload_target = svc;
	CHECK_EQ_INT(vp_qmail_reload(&s.cfg), -1); /* nobody reading: fails at once, no hang */
	int rfd = open(fifo, O_RDONLY | O_NONBLOCK);
	CHECK_EQ_INT(vp_qmail_reload(&s.cfg), 0);
	char c = 0;
	CHECK_EQ_INT(read(rfd, &c, 1), 1);
	CHECK_EQ_INT(c, 'h');
	close(rfd);

	/* a missing or bogus pidfile is reported, never fatal to the caller */
	s.cfg.reload_mode = VP_RELOAD_PIDFILE;
	s.cfg.reload_target = "/nonexistent/pid";
	CHECK_EQ_INT(vp_qmail_reload(&s.cfg), -1);
	f = fopen(pidfile, "w");
	fprintf(f, "1\n"); /* init is never signalled */
	fclose(f);
	s.cfg.reload_target = pidfile;
	CHECK_EQ_INT(vp_qmail_reload(&s.cfg), -1);
	sandbox_free(&s);
}

int main(void)
{
	RUN(dirc_sequence);
	RUN(dirc_format_fresh_and_rewritten);
	RUN(domain_names);
	RUN(user_names);
	RUN(qmail_cdbs_match_the_real_compilers);
	RUN(sort_keys);
	RUN(scenario_56);
	RUN(scenario_56_deletions);
	RUN(morercpthosts_scenario);
	RUN(hostile_domain_input);
	RUN(add_domain_after_crashed_add);
	RUN(remove_tree_never_follows_links);
	RUN(qmail_reload_modes);
	return T_SUMMARY();
}
