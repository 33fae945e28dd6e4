/* test_safety.c: no shell, no surprises (issue 6, part 7).
 *  - no source calls system, popen, an exec* or names /bin/sh;
 *  - a symlink planted where an attacker could (the domain's files, a
 *    user's home, users/assign, control files, lock files) is refused or
 *    replaced, never written through;
 *  - everything we create is 0700 / 0600 (qmail's files 0644, as the real
 *    tools leave them) under umask 0 and umask 0777 alike;
 *  - no error message ever holds the password. */
#include "t.h"
#include "tree.h"
#include "check.h"

#include <errno.h>
#include <sys/wait.h>

#pragma GCC diagnostic ignored "-Wformat-truncation"

static char *slurp(const char *path, size_t *len)
{
	char *d = NULL;
	size_t l = 0;
	if (read_all(path, &d, &l) != 0)
		return NULL;
	if (len)
		*len = l;
	return d;
}

/* ---- no shell ---- */

/* The source with comments blanked (strings kept: "/bin/sh" would be one). */
static void strip_comments(char *s)
{
	for (char *p = s; *p; p++) {
		if (p[0] == '"' || p[0] == '\'') {
			char q = *p++;
			while (*p && *p != q) {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			if (!*p)
				return;
		} else if (p[0] == '/' && p[1] == '*') {
			while (*p && !(p[0] == '*' && p[1] == '/'))
				*p++ = ' ';
			if (*p)
				p[0] = p[1] = ' ';
		} else if (p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				*p++ = ' ';
			if (!*p)
				return;
		}
	}
}

static int ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int scan_source(const char *path)
{
	static const char *const banned[] = { "system", "popen", "execl", "execlp", "execle",
	                                      "execv", "execvp", "execvpe", "execve", "fexecve",
	                                      "posix_spawn", "posix_spawnp", "wordexp", NULL };
	char *src = slurp(path, NULL);
	if (!src) {
		fprintf(stderr, "    cannot read %s\n", path);
		return 1;
	}
	strip_comments(src);
	int bad = 0;
	for (const char *p = src; *p; p++) {
		if (!strncmp(p, "/bin/sh", 7) || !strncmp(p, "/bin/bash", 9)) {
			fprintf(stderr, "    %s: names a shell\n", path);
			bad++;
		}
		if (p > src && ident_char(p[-1]))
			continue;
		for (int i = 0; banned[i]; i++) {
			size_t n = strlen(banned[i]);
			if (strncmp(p, banned[i], n) != 0)
				continue;
			const char *q = p + n;
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '(') {
				int line = 1;
				for (const char *c = src; c < p; c++)
					line += *c == '\n';
				fprintf(stderr, "    %s:%d: calls %s\n", path, line, banned[i]);
				bad++;
			}
		}
	}
	free(src);
	return bad;
}

TEST(no_shell_anywhere)
{
	const char *srcdir = getenv("VP_SRCDIR");
	if (!srcdir)
		srcdir = ".";
	char dir[2048], p[4096];
	snprintf(dir, sizeof dir, "%s/libcore", srcdir);
	DIR *d = opendir(dir);
	CHECK(d != NULL);
	int files = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 3 || (strcmp(de->d_name + n - 2, ".c") && strcmp(de->d_name + n - 2, ".h")))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		CHECK_EQ_INT(scan_source(p), 0);
		files++;
	}
	if (d)
		closedir(d);
	snprintf(p, sizeof p, "%s/php_vpopmail.c", srcdir);
	CHECK_EQ_INT(scan_source(p), 0);
	CHECK(files >= 10);
	/* the scanner itself finds what it must */
	snprintf(p, sizeof p, "%s/probe.c", getenv("VP_TMP") ? getenv("VP_TMP") : "/tmp");
	FILE *f = fopen(p, "w");
	fputs("/* system() in a comment is fine */\nint f(void){ return system (\"ls\") + popen(\"/bin/sh\",\"r\") != 0; }\n", f);
	fclose(f);
	CHECK_EQ_INT(scan_source(p), 3);
	unlink(p);
}

/* ---- symlinks ---- */

typedef struct planted {
	sandbox s;
	char dom[2048];      /* example.com's dir */
	char out[2048];      /* the attacker's target dir, outside the tree */
	char target[2100];   /* a file in it */
} planted;

static void plant_setup(planted *t)
{
	vp_error e;
	sandbox_init(&t->s);
	t->s.cfg.hash_scheme = VP_HASH_MD5;
	t->s.cfg.lock_timeout_ms = 500;
	CHECK_EQ_INT(vp_add_domain(&t->s.cfg, "example.com", NULL, t->s.cfg.uid, t->s.cfg.gid, &e), 0);
	CHECK_EQ_INT(vp_add_user(&t->s.cfg, "alice", "example.com", "pw-a", NULL, 0, &e), 0);
	CHECK_EQ_INT(vp_alias_add(&t->s.cfg, "sales", "example.com", "&alice@example.com", &e), 0);
	snprintf(t->dom, sizeof t->dom, "%s/domains/example.com", t->s.home);
	snprintf(t->out, sizeof t->out, "%s/outside", t->s.root);
	mkdir(t->out, 0755);
	snprintf(t->target, sizeof t->target, "%s/victim", t->out);
	FILE *f = fopen(t->target, "w");
	fputs("ORIGINAL\n", f);
	fclose(f);
}

/* Replace path by a symlink to `to`. */
static void plant(const char *path, const char *to)
{
	vp_error e;
	char parent[4096];
	snprintf(parent, sizeof parent, "%s", path);
	*strrchr(parent, '/') = '\0';
	struct stat st;
	if (lstat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			vp_remove_tree(parent, path, &e);
		else
			unlink(path);
	}
	CHECK_EQ_INT(symlink(to, path), 0);
}

/* The victim is untouched, nothing new appeared outside. */
static int outside_intact(planted *t, const char *what)
{
	char *d = slurp(t->target, NULL);
	int ok = d && strcmp(d, "ORIGINAL\n") == 0;
	free(d);
	int n = 0;
	DIR *dir = opendir(t->out);
	struct dirent *de;
	while (dir && (de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	if (dir)
		closedir(dir);
	if (!ok || n != 1)
		fprintf(stderr, "    %s: a write landed outside (victim %s, %d entries)\n", what,
		        ok ? "intact" : "changed", n);
	return ok && n == 1;
}

static const char *outcome(const char *path, int rc)
{
	struct stat st;
	if (rc != 0)
		return "refused";
	if (lstat(path, &st) != 0)
		return "removed";
	return S_ISLNK(st.st_mode) ? "link kept, not followed" : "replaced";
}

TEST(planted_symlinks_are_not_followed)
{
	vp_error e;
	char p[4096], q[4200];
	struct { const char *where; int rc; const char *how; } res[16];
	int nres = 0;
#define RESULT(w, path, r) do { res[nres].where = (w); res[nres].rc = (r); \
	res[nres].how = outcome(path, r); nres++; } while (0)

	/* the domain's own files: each written by an add */
	static const char *const domfiles[] = { "vpasswd", "vpasswd.cdb", ".dir-control",
	                                        ".vpasswd.lock" };
	for (size_t i = 0; i < 4; i++) {
		planted t;
		plant_setup(&t);
		snprintf(p, sizeof p, "%s/%s", t.dom, domfiles[i]);
		/* a lock link points at a file that does not exist yet: creating it is the attack */
		if (!strcmp(domfiles[i], ".vpasswd.lock"))
			snprintf(q, sizeof q, "%s/newfile", t.out);
		else
			snprintf(q, sizeof q, "%s", t.target);
		plant(p, q);
		int rc = vp_add_user(&t.s.cfg, "bob", "example.com", "pw-b", NULL, 0, &e);
		RESULT(domfiles[i], p, rc);
		rc = vp_set_password(&t.s.cfg, "alice", "example.com", "pw-a2", &e);
		rc = vp_del_user(&t.s.cfg, "alice", "example.com", &e);
		CHECK(outside_intact(&t, domfiles[i]));
		sandbox_free(&t.s);
	}
	/* an alias file (an ezmlm list looks the same): add refuses, del unlinks the link */
	{
		planted t;
		plant_setup(&t);
		snprintf(p, sizeof p, "%s/.qmail-sales", t.dom);
		plant(p, t.target);
		int rc = vp_alias_add(&t.s.cfg, "sales", "example.com", "&bob@example.com", &e);
		CHECK(rc != 0);
		RESULT(".qmail-sales (add)", p, rc);
		CHECK(outside_intact(&t, ".qmail-sales add"));
		rc = vp_alias_del(&t.s.cfg, "sales", "example.com", &e);
		RESULT(".qmail-sales (del)", p, rc);
		CHECK(outside_intact(&t, ".qmail-sales del"));
		sandbox_free(&t.s);
	}
	/* a user's home: Maildir and lastauth */
	{
		planted t;
		plant_setup(&t);
		snprintf(p, sizeof p, "%s/alice/Maildir", t.dom);
		plant(p, t.out);
		int rc = vp_set_quota(&t.s.cfg, "alice", "example.com", "1000000S", &e);
		RESULT("<home>/Maildir (quota)", p, rc);
		CHECK(outside_intact(&t, "Maildir"));
		snprintf(p, sizeof p, "%s/alice/lastauth", t.dom);
		plant(p, t.target);
		rc = vp_del_user(&t.s.cfg, "alice", "example.com", &e);
		RESULT("<home> with links (del)", p, rc);
		CHECK(outside_intact(&t, "home removal"));
		sandbox_free(&t.s);
	}
	/* qmail's files: written by add_domain */
	static const char *const qfiles[] = { "users/assign", "control/rcpthosts",
	                                      "control/virtualdomains", "users/assign.lock",
	                                      "users/cdb" };
	for (size_t i = 0; i < 5; i++) {
		planted t;
		plant_setup(&t);
		snprintf(p, sizeof p, "%s/%s", t.s.qmail, qfiles[i]);
		if (strstr(qfiles[i], ".lock"))
			snprintf(q, sizeof q, "%s/newfile", t.out);
		else
			snprintf(q, sizeof q, "%s", t.target);
		plant(p, q);
		int rc = vp_add_domain(&t.s.cfg, "second.test", NULL, t.s.cfg.uid, t.s.cfg.gid, &e);
		RESULT(qfiles[i], p, rc);
		CHECK(outside_intact(&t, qfiles[i]));
		sandbox_free(&t.s);
	}
	printf("symlinks:");
	for (int i = 0; i < nres; i++)
		printf(" %s: %s%s", res[i].where, res[i].how, i + 1 < nres ? ";" : "\n");
#undef RESULT
}

/* ---- modes ---- */

/* Mode of ./qmail/... or ./vpopmail/... in the 5.6 fixture, -1 when not there. */
static int fixture_mode(const char *rel)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/vpopmail-5.6/05-adduser-bob/_meta/modes.txt", fixtures_dir());
	FILE *f = fopen(p, "r");
	if (!f)
		return -1;
	char line[1024];
	int mode = -1;
	while (fgets(line, sizeof line, f)) {
		unsigned m;
		char path[900];
		if (sscanf(line, "%o %*s %*s %*s %*s %899s", &m, path) == 2 && !strcmp(path, rel)) {
			mode = (int)m;
			break;
		}
	}
	fclose(f);
	return mode;
}

static int fixture_rows;

/* Every entry below dir: fixture mode when the fixture has the path, else
 * dirs 0700 and files 0600 (qmail's non-lock files 0644). */
static int check_modes(const sandbox *s, const char *dir, const char *rel, int in_qmail)
{
	int bad = 0;
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char p[4096], r[4096];
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		snprintf(r, sizeof r, "%s/%s", rel, de->d_name);
		struct stat st;
		if (lstat(p, &st) != 0)
			continue;
		int mode = (int)(st.st_mode & 07777);
		int want = fixture_mode(r);
		if (want >= 0)
			fixture_rows++;
		else if (S_ISDIR(st.st_mode))
			want = 0700;
		else if (in_qmail && !strstr(de->d_name, ".lock"))
			want = 0644;
		else
			want = 0600;
		if (mode != want) {
			fprintf(stderr, "    %s: mode %o, expected %o\n", r, mode, want);
			bad++;
		}
		if (S_ISDIR(st.st_mode))
			bad += check_modes(s, p, r, in_qmail);
	}
	if (d)
		closedir(d);
	return bad;
}

TEST(modes_whatever_the_umask)
{
	static const mode_t masks[] = { 0, 0777, 022 };
	for (size_t i = 0; i < 3; i++) {
		sandbox s;
		vp_error e;
		sandbox_init(&s);
		s.cfg.hash_scheme = VP_HASH_MD5;
		mode_t old = umask(masks[i]);
		/* the fixture's names, so that its modes.txt applies */
		CHECK_EQ_INT(vp_add_domain_ex(&s.cfg, "example.com", "pw-pm", NULL, NULL, 0, &e), 0);
		CHECK_EQ_INT(vp_add_domain_ex(&s.cfg, "bounce.test", "pw-pm", NULL, "bounce-no-mailbox", 0, &e), 0);
		CHECK_EQ_INT(vp_add_user(&s.cfg, "alice", "example.com", "pw-a", NULL, 0, &e), 0);
		CHECK_EQ_INT(vp_add_user(&s.cfg, "bob", "example.com", "pw-b", NULL, 0, &e), 0);
		CHECK_EQ_INT(vp_set_quota(&s.cfg, "bob", "example.com", "20M", &e), 0);
		CHECK_EQ_INT(vp_set_password(&s.cfg, "alice", "example.com", "pw-a2", &e), 0);
		CHECK_EQ_INT(vp_alias_add(&s.cfg, "sales", "example.com", "&alice@example.com", &e), 0);
		CHECK_EQ_INT(vp_add_user(&s.cfg, "carol", "example.com", "pw-c", NULL, 0, &e), 0);
		CHECK_EQ_INT(vp_del_user(&s.cfg, "carol", "example.com", &e), 0);
		umask(old);
		fixture_rows = 0;
		int bad = check_modes(&s, s.qmail, "./qmail", 1) + check_modes(&s, s.home, "./vpopmail", 0);
		if (bad)
			fprintf(stderr, "    (umask %03o)\n", (unsigned)masks[i]);
		CHECK_EQ_INT(bad, 0);
		CHECK(fixture_rows > 30);
		CHECK_EQ_INT(chk_tree(&s, CHK_EXACT, NULL), 0);
		sandbox_free(&s);
	}
}

/* ---- passwords in messages ---- */

#define LEAK "Zq9LEAKpw"

static int leak_count;

static void no_leak(int rc, const vp_error *e, const char *what)
{
	if (rc == 0)
		fprintf(stderr, "    %s: expected a failure\n", what);
	CHECK(rc != 0);
	if (strstr(e->msg, "LEAK") || strstr(e->msg, "Zq9")) {
		fprintf(stderr, "    %s: message holds the password: %s\n", what, e->msg);
		CHECK(0);
	}
	leak_count++;
}

TEST(passwords_never_in_messages)
{
	sandbox s;
	vp_error e;
	sandbox_init(&s);
	s.cfg.hash_scheme = VP_HASH_MD5;
	vp_config *c = &s.cfg;
	char longpw[300];
	memset(longpw, 'x', sizeof longpw);
	memcpy(longpw, LEAK, strlen(LEAK));
	longpw[200] = '\0';
	CHECK_EQ_INT(vp_add_domain(c, "example.com", NULL, c->uid, c->gid, &e), 0);
	CHECK_EQ_INT(vp_add_user(c, "alice", "example.com", LEAK, NULL, 0, &e), 0);

	no_leak(vp_add_user(c, "bob", "missing.test", LEAK, NULL, 0, &e), &e, "add to a missing domain");
	no_leak(vp_add_user(c, "b:b", "example.com", LEAK, NULL, 0, &e), &e, "add a bad name");
	no_leak(vp_add_user(c, "alice", "example.com", LEAK, NULL, 0, &e), &e, "add an existing user");
	no_leak(vp_add_user(c, "bob", "example.com", longpw, NULL, 0, &e), &e, "add a long password");
	no_leak(vp_add_user(c, "bob", "example.com", LEAK, "g:g", 0, &e), &e, "add a bad gecos");
	no_leak(vp_set_password(c, "nobody", "example.com", LEAK, &e), &e, "passwd of a missing user");
	no_leak(vp_set_password(c, "alice", "example.com", longpw, &e), &e, "passwd too long");
	no_leak(vp_auth_user(c, "alice", "example.com", LEAK "x", NULL, &e), &e, "auth wrong password");
	no_leak(vp_auth_user(c, "nobody", "example.com", LEAK, NULL, &e), &e, "auth unknown user");
	no_leak(vp_auth_user(c, "alice", "missing.test", LEAK, NULL, &e), &e, "auth unknown domain");
	no_leak(vp_add_domain_ex(c, "example.com", LEAK, NULL, NULL, 0, &e), &e, "add_domain_ex existing");
	no_leak(vp_add_domain_ex(c, "new.test", LEAK, "bogus-quota", NULL, 0, &e), &e, "add_domain_ex bad quota");
	no_leak(vp_add_domain_ex(c, "new.test", longpw, NULL, NULL, 0, &e), &e, "add_domain_ex long password");
	c->clear_passwords = 1;
	no_leak(vp_add_user(c, "bob", "example.com", LEAK ":x", NULL, 0, &e), &e, "clear password with ':'");
	no_leak(vp_set_password(c, "alice", "example.com", LEAK "\nx", &e), &e, "clear password with LF");
	/* a line too long only because of the clear text */
	char cl[129];
	memset(cl, 'y', 128);
	cl[128] = '\0';
	memcpy(cl, LEAK, strlen(LEAK));
	char g[65];
	memset(g, 'g', 64);
	g[64] = '\0';
	no_leak(vp_add_user(c, "carol-with-a-rather-long-name-to-fill-the-line-up", "example.com",
	                    cl, g, 0, &e), &e, "line too long with clear text");
	c->clear_passwords = 0;
	/* a wrong password and the lock busy */
	c->lock_timeout_ms = 50;
	char lp[4096];
	snprintf(lp, sizeof lp, "%s/domains/example.com/.vpasswd.lock", s.home);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(lp, O_WRONLY);
		struct flock fl;
		memset(&fl, 0, sizeof fl);
		fl.l_type = F_WRLCK;
		fcntl(fd, F_SETLKW, &fl);
		usleep(500000);
		_exit(0);
	}
	usleep(100000);
	no_leak(vp_set_password(c, "alice", "example.com", LEAK, &e), &e, "passwd with the lock busy");
	int st;
	waitpid(pid, &st, 0);
	printf("password leaks: %d failing calls checked, no message holds the password\n", leak_count);
	sandbox_free(&s);
}

int main(void)
{
	(void)compare_step;
	RUN(no_shell_anywhere);
	RUN(planted_symlinks_are_not_followed);
	RUN(modes_whatever_the_umask);
	RUN(passwords_never_in_messages);
	return T_SUMMARY();
}
