/* test_alias.c: vp_alias.c against the real vpopmail fixtures and every rejection path. */
#include "vpcore.h"
#include "t.h"
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpbase[1024];
static char root[2048], vpdir[2100], qmdir[2100], domdir[2200];
static vp_config cfg;
static uid_t dom_uid;
static gid_t dom_gid;
static char fixtures[2048];

/* ---- small file helpers ---- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = (size_t)n;
	return buf;
}

static void spit(const char *path, const char *data)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(2);
	}
	fputs(data, f);
	fclose(f);
}

static void spitf(const char *dir, const char *name, const char *data)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	spit(p, data);
}

static int exists_in(const char *dir, const char *name)
{
	char p[4096];
	struct stat st;
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return lstat(p, &st) == 0;
}

static char *read_in(const char *dir, const char *name)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return slurp(p, NULL);
}

/* Sorted, newline-joined top-level names of dir (skipping . and ..). */
static char *listing(const char *dir, const char *prefix)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), i;
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		if (strcmp(nm, ".") && strcmp(nm, "..") &&
		    (!prefix || strncmp(nm, prefix, strlen(prefix)) == 0)) {
			size_t l = strlen(nm);
			if (len + l + 2 > cap)
				out = realloc(out, cap *= 2);
			memcpy(out + len, nm, l);
			len += l;
			out[len++] = '\n';
			out[len] = '\0';
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	return out;
}

static const char *fixture_step(const char *ver, const char *step)
{
	static char p[4096];
	snprintf(p, sizeof p, "%s/vpopmail-%s/%s", fixtures, ver, step);
	return p;
}

/* ---- tree setup ---- */

static void rm_tree(const char *path)
{
	vp_error err;
	if (vp_remove_tree(tmpbase, path, &err) != 0)
		fprintf(stderr, "cleanup of %s failed: %s\n", path, err.msg);
}

/* A fresh root with example.com (+ alias.example) registered in users/cdb. */
static void new_tree(void)
{
	char assign[8192], p[4096];
	vp_error err;

	snprintf(root, sizeof root, "%s/vp-alias-XXXXXX", tmpbase);
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(vpdir, sizeof vpdir, "%s/vpopmail", root);
	snprintf(qmdir, sizeof qmdir, "%s/qmail", root);
	snprintf(domdir, sizeof domdir, "%s/domains/example.com", vpdir);
	mkdir(vpdir, 0755);
	snprintf(p, sizeof p, "%s/domains", vpdir);
	mkdir(p, 0700);
	mkdir(domdir, 0700);
	mkdir(qmdir, 0755);
	snprintf(p, sizeof p, "%s/users", qmdir);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/control", qmdir);
	mkdir(p, 0755);

	memset(&cfg, 0, sizeof cfg);
	cfg.vpopmail_dir = vpdir;
	cfg.qmail_dir = qmdir;
	cfg.uid = dom_uid;
	cfg.gid = dom_gid;
	cfg.chown_files = geteuid() == 0;
	cfg.lock_timeout_ms = 5000;

	snprintf(assign, sizeof assign,
	         "+alias.example-:example.com:%u:%u:%s:-::\n"
	         "+example.com-:example.com:%u:%u:%s:-::\n"
	         "+slash.test-:slash.test:%u:%u:%s/:-::\n"
	         ".\n",
	         (unsigned)dom_uid, (unsigned)dom_gid, domdir, (unsigned)dom_uid,
	         (unsigned)dom_gid, domdir, (unsigned)dom_uid, (unsigned)dom_gid, domdir);
	snprintf(p, sizeof p, "%s/users/assign", qmdir);
	spit(p, assign);
	if (vp_build_users_cdb(&cfg, assign, strlen(assign), &err) != 0) {
		fprintf(stderr, "vp_build_users_cdb: %s\n", err.msg);
		exit(2);
	}
}

/* Copy the regular top-level files of a fixture domain dir into ours. */
static void copy_fixture_domain(const char *ver, const char *step, const char *only_prefix)
{
	char src[4096], sp[8192], dp[8192];
	DIR *d;
	struct dirent *de;

	snprintf(src, sizeof src, "%s/vpopmail/domains/example.com", fixture_step(ver, step));
	d = opendir(src);
	if (!d) {
		fprintf(stderr, "missing fixture %s\n", src);
		t_failed_checks++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char *data;
		size_t len;
		FILE *f;
		snprintf(sp, sizeof sp, "%s/%s", src, de->d_name);
		if (lstat(sp, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (only_prefix && strncmp(de->d_name, only_prefix, strlen(only_prefix)) != 0)
			continue;
		data = slurp(sp, &len);
		snprintf(dp, sizeof dp, "%s/%s", domdir, de->d_name);
		f = fopen(dp, "wb");
		fwrite(data, 1, len, f);
		fclose(f);
		chmod(dp, 0600);
		free(data);
	}
	closedir(d);
}

/* ---- callbacks ---- */

typedef struct collect {
	char out[16384];
	char cur[256];
	const char *domain;
	int names_only;
	int stop_after;  /* stop (return stop_ret) at this line count; 0 = never */
	int stop_ret;
	int lines;
} collect;

static void cat(collect *c, const char *s, size_t n)
{
	size_t l = strlen(c->out);
	if (l + n + 1 < sizeof c->out) {
		memcpy(c->out + l, s, n);
		c->out[l + n] = '\0';
	}
}

static int on_name(void *ctx, const char *name)
{
	collect *c = ctx;
	snprintf(c->cur, sizeof c->cur, "%s", name);
	if (c->names_only) {
		cat(c, name, strlen(name));
		cat(c, "\n", 1);
	}
	return 0;
}

/* Formats like `valias -s`: "name@domain -> line". */
static int on_line(void *ctx, const char *line, size_t len)
{
	collect *c = ctx;
	c->lines++;
	if (!c->names_only) {
		cat(c, c->cur, strlen(c->cur));
		cat(c, "@", 1);
		cat(c, c->domain, strlen(c->domain));
		cat(c, " -> ", 4);
		cat(c, line, len);
		cat(c, "\n", 1);
	}
	if (c->stop_after && c->lines >= c->stop_after)
		return c->stop_ret;
	return 0;
}

static void collect_init(collect *c, const char *domain, const char *name)
{
	memset(c, 0, sizeof *c);
	c->domain = domain;
	if (name)
		snprintf(c->cur, sizeof c->cur, "%s", name);
}

/* ---- checks ---- */

static void check_mode_owner(const char *name)
{
	char p[4096];
	struct stat st;
	snprintf(p, sizeof p, "%s/%s", domdir, name);
	CHECK(lstat(p, &st) == 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ_INT(st.st_mode & 07777, 0600);
	if (cfg.chown_files) {
		CHECK_EQ_INT(st.st_uid, dom_uid);
		CHECK_EQ_INT(st.st_gid, dom_gid);
	}
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted union of two newline-joined name lists, the first one without its .qmail-* names. */
static char *merge_names(const char *base, const char *qmail)
{
	char *copy = malloc(strlen(base) + strlen(qmail) + 1), *v[512], *out, *p;
	size_t n = 0, len = 0;

	strcpy(copy, base);
	strcat(copy, qmail);
	for (p = copy; *p && n < 512;) {
		char *nl = strchr(p, '\n');
		*nl = '\0';
		if (strncmp(p, ".qmail-", 7) != 0 || p >= copy + strlen(base))
			v[n++] = p;
		p = nl + 1;
	}
	qsort(v, n, sizeof *v, str_cmp);
	out = malloc(strlen(base) + strlen(qmail) + 1);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		len += (size_t)sprintf(out + len, "%s\n", v[i]);
	}
	free(copy);
	return out;
}

/* Our .qmail-* files equal the fixture step's, byte for byte, and no stray file exists. */
static void check_against_step(const char *ver, const char *step, const char *base_listing)
{
	char src[4096];
	char *ours, *theirs, *all, *want;

	snprintf(src, sizeof src, "%s/vpopmail/domains/example.com", fixture_step(ver, step));
	ours = listing(domdir, ".qmail-");
	theirs = listing(src, ".qmail-");
	CHECK_EQ_STR(ours, theirs);
	for (char *p = theirs; *p;) {
		char *nl = strchr(p, '\n');
		*nl = '\0';
		char *a = read_in(domdir, p), *b = read_in(src, p);
		CHECK_EQ_STR(a, b);
		if (strcmp(p, ".qmail-default") != 0)
			check_mode_owner(p);
		free(a);
		free(b);
		*nl = '\n';
		p = nl + 1;
	}
	/* Nothing but the files we started with plus the fixture's aliases:
	 * no lock or temp file of ours is left behind. */
	all = listing(domdir, NULL);
	want = merge_names(base_listing, theirs);
	CHECK_EQ_STR(all, want);
	free(want);
	free(all);
	free(ours);
	free(theirs);
}

/* ---- tests ---- */

static void fixture_sequence(const char *ver)
{
	vp_error err;
	char *base;

	new_tree();
	/* Start from the domain dir as real vpopmail left it just before step 07. */
	copy_fixture_domain(ver, "06-aliasdomain-alias.example", NULL);
	base = listing(domdir, NULL);

	CHECK_EQ_INT(vp_alias_add(&cfg, "sales", "example.com", "alice@example.com", &err), 0);
	check_against_step(ver, "07-valias-sales-to-alice", base);
	CHECK_EQ_INT(vp_alias_add(&cfg, "sales", "example.com", "bob@example.com", &err), 0);
	check_against_step(ver, "08-valias-sales-to-bob", base);
	CHECK_EQ_INT(vp_alias_add(&cfg, "info", "example.com", "&external@other.org", &err), 0);
	check_against_step(ver, "09-valias-info-to-external", base);
	CHECK_EQ_INT(vp_alias_add(&cfg, "team.lead", "example.com", "alice@example.com", &err), 0);
	check_against_step(ver, "25-valias-dotted-name", base);
	CHECK_EQ_INT(vp_alias_del(&cfg, "sales", "example.com", &err), 0);
	check_against_step(ver, "26-valias-delete-sales", base);
	free(base);
	rm_tree(root);
}

TEST(fixture_bytes_56) { fixture_sequence("5.6"); }
TEST(fixture_bytes_54) { fixture_sequence("5.4"); }

/* What `valias -s` and `valias -n` printed for the real trees (steps 10, 11, 12, 25). */
static void fixture_listing(const char *ver)
{
	vp_error err;
	collect c;
	char p[4096], *want;

	new_tree();
	copy_fixture_domain(ver, "10-valias-list-domain", NULL);

	collect_init(&c, "example.com", NULL);
	CHECK_EQ_INT(vp_alias_get_all(&cfg, "example.com", on_name, on_line, &c, &err), 0);
	snprintf(p, sizeof p, "%s/_meta/stdout.txt", fixture_step(ver, "10-valias-list-domain"));
	want = slurp(p, NULL);
	CHECK_EQ_STR(c.out, want);
	free(want);

	collect_init(&c, "example.com", "sales");
	CHECK_EQ_INT(vp_alias_get(&cfg, "sales", "example.com", on_line, &c, &err), 0);
	snprintf(p, sizeof p, "%s/_meta/stdout.txt", fixture_step(ver, "11-valias-list-sales"));
	want = slurp(p, NULL);
	CHECK_EQ_STR(c.out, want);
	free(want);

	collect_init(&c, "example.com", NULL);
	c.names_only = 1;
	CHECK_EQ_INT(vp_alias_get_all(&cfg, "example.com", on_name, on_line, &c, &err), 0);
	snprintf(p, sizeof p, "%s/_meta/stdout.txt", fixture_step(ver, "12-valias-names-domain"));
	want = slurp(p, NULL);
	CHECK_EQ_STR(c.out, want);
	free(want);
	rm_tree(root);

	/* The dotted name comes back with its '.' (step 26 tree: info, team.lead). */
	new_tree();
	copy_fixture_domain(ver, "26-valias-delete-sales", ".qmail-");
	collect_init(&c, "example.com", NULL);
	CHECK_EQ_INT(vp_alias_get_all(&cfg, "example.com", on_name, on_line, &c, &err), 0);
	CHECK_EQ_STR(c.out, "info@example.com -> &external@other.org\n"
	                    "team.lead@example.com -> alice@example.com\n");
	collect_init(&c, "example.com", "team.lead");
	CHECK_EQ_INT(vp_alias_get(&cfg, "Team.Lead", "EXAMPLE.COM", on_line, &c, &err), 0);
	CHECK_EQ_STR(c.out, "team.lead@example.com -> alice@example.com\n");
	rm_tree(root);
}

TEST(fixture_listing_56) { fixture_listing("5.6"); }
TEST(fixture_listing_54) { fixture_listing("5.4"); }

TEST(bad_names)
{
	vp_error err;
	char long_name[80];
	static const char *const bad[] = {
		"", "a/b", "../x", ".x", "-x", "default", "DEFAULT", "foo-default", "a b", "a:b",
		"a@b", "a\"b", "a,b", "a%b", "a(b", "\xc3\xa9t\xc3\xa9", "a\tb", NULL
	};

	new_tree();
	spitf(domdir, ".qmail-default", "| /x/bin/vdelivermail '' delete\n");
	for (int i = 0; bad[i]; i++) {
		int rc = vp_alias_add(&cfg, bad[i], "example.com", "alice@example.com", &err);
		if (rc != VA_INVALID_ALIAS_NAME)
			fprintf(stderr, "  name #%d: rc %d\n", i, rc);
		CHECK_EQ_INT(rc, VA_INVALID_ALIAS_NAME);
		CHECK_EQ_INT(err.code, VA_INVALID_ALIAS_NAME);
		CHECK(strncmp(err.msg, "invalid alias name", 18) == 0);
	}
	memset(long_name, 'a', 65);
	long_name[65] = '\0';
	CHECK_EQ_INT(vp_alias_add(&cfg, long_name, "example.com", "a@b.c", &err),
	             VA_USER_NAME_TOO_LONG);
	long_name[64] = '\0';
	CHECK_EQ_INT(vp_alias_add(&cfg, long_name, "example.com", "a@b.c", &err), 0);
	CHECK_EQ_INT(vp_alias_add(&cfg, NULL, "example.com", "a@b.c", &err), VA_NULL_POINTER);
	CHECK_EQ_INT(vp_alias_del(&cfg, "default", "example.com", &err), VA_INVALID_ALIAS_NAME);
	CHECK_EQ_INT(vp_alias_del(&cfg, "x-default", "example.com", &err), VA_INVALID_ALIAS_NAME);
	CHECK_EQ_INT(vp_alias_del(&cfg, "../../x", "example.com", &err), VA_INVALID_ALIAS_NAME);
	CHECK(exists_in(domdir, ".qmail-default"));
	/* Nothing but the 64-char alias and the lock were created. */
	char *l = listing(domdir, NULL);
	char want[256];
	snprintf(want, sizeof want, ".qmail-%s\n.qmail-default\n.vpasswd.lock\n", long_name);
	CHECK_EQ_STR(l, want);
	free(l);
	/* Odd but legal names: lowercased, '.' stored as ':'. */
	CHECK_EQ_INT(vp_alias_add(&cfg, "John.Doe", "example.com", "a@b.c", &err), 0);
	CHECK(exists_in(domdir, ".qmail-john:doe"));
	CHECK_EQ_INT(vp_alias_add(&cfg, "x", "example.com", "a@b.c", &err), 0);
	CHECK_EQ_INT(vp_alias_add(&cfg, "a+b_c=d~e{f}|g`h'i$j&k*l!m#n?o^p", "example.com", "a@b.c", &err), 0);
	CHECK(exists_in(domdir, ".qmail-a+b_c=d~e{f}|g`h'i$j&k*l!m#n?o^p"));
	/* A name equal to a mailbox is allowed, as vpopmail allows it. */
	mkdir(strcat(strcpy(want, domdir), "/alice"), 0700);
	CHECK_EQ_INT(vp_alias_add(&cfg, "alice", "example.com", "a@b.c", &err), 0);
	rm_tree(root);
}

TEST(bad_lines)
{
	vp_error err;
	char line[4096], p[8192];
	static const char *const bad[] = {
		"", " ", "   ", "a@b\nc@d", "a@b\rx", "a@b\tx", " a@b.c", "a@b.c ", "a b@c.d",
		"#comment", "+list", "alice", "@b.c", "a@", "a@b@c", "&", "&&a@b.c", "&|x@y",
		"a<b@c.d", "x@y\x7f", "caf\xc3\xa9@b.c", "/etc/",
		"./../x/", "./a/../../b/", "..", "../x/", NULL
	};

	new_tree();
	for (int i = 0; bad[i]; i++) {
		int rc = vp_alias_add(&cfg, "x", "example.com", bad[i], &err);
		if (rc != VA_INVALID_ALIAS_LINE)
			fprintf(stderr, "  line #%d: rc %d (%s)\n", i, rc, err.msg);
		CHECK_EQ_INT(rc, VA_INVALID_ALIAS_LINE);
	}
	/* Outside the domain dir, also via a prefix that only looks alike. */
	snprintf(line, sizeof line, "%s/../other/Maildir/", domdir);
	CHECK_EQ_INT(vp_alias_add(&cfg, "x", "example.com", line, &err), VA_INVALID_ALIAS_LINE);
	snprintf(line, sizeof line, "%sX/Maildir/", domdir);
	CHECK_EQ_INT(vp_alias_add(&cfg, "x", "example.com", line, &err), VA_INVALID_ALIAS_LINE);
	snprintf(line, sizeof line, "%s/", domdir);
	CHECK_EQ_INT(vp_alias_add(&cfg, "x", "example.com", line, &err), VA_INVALID_ALIAS_LINE);
	/* mbox lines are as powerful as programs: the same switch, the same code. */
	snprintf(line, sizeof line, "%s/alice/mbox", domdir);
	CHECK_EQ_INT(vp_alias_add(&cfg, "x", "example.com", line, &err), VA_PROGRAM_ALIAS_DENIED);
	CHECK_EQ_INT(vp_alias_add(&cfg, "x", "example.com", "/etc/passwd", &err), VA_PROGRAM_ALIAS_DENIED);
	CHECK_EQ_INT(vp_alias_add(&cfg, "x", "example.com", "./vpasswd", &err), VA_PROGRAM_ALIAS_DENIED);
	CHECK_EQ_INT(vp_alias_add(&cfg, "x", "example.com", "./alice/mbox", &err), VA_PROGRAM_ALIAS_DENIED);
	CHECK_EQ_INT(vp_alias_add(&cfg, "x", "example.com", NULL, &err), VA_NULL_POINTER);
	/* Program lines need the switch. */
	CHECK_EQ_INT(vp_alias_add(&cfg, "x", "example.com", "|/bin/sh -c 'rm -rf /'", &err),
	             VA_PROGRAM_ALIAS_DENIED);
	CHECK(strstr(err.msg, "allow_program_aliases") != NULL);
	/* Length: 159 is fine, 160 is vpopmail's "too long". */
	memset(line, 'a', 159);
	memcpy(line + 159 - 6, "@b.com", 6);
	line[159] = '\0';
	CHECK_EQ_INT(vp_alias_add(&cfg, "long", "example.com", line, &err), 0);
	line[159] = 'm';
	line[160] = '\0';
	memmove(line + 1, line, 160);
	line[0] = 'a';
	line[160] = '\0';
	CHECK_EQ_INT(vp_alias_add(&cfg, "long", "example.com", line, &err), VA_ALIAS_LINE_TOO_LONG);
	CHECK(!exists_in(domdir, ".qmail-x"));

	/* The accepted kinds. */
	CHECK_EQ_INT(vp_alias_add(&cfg, "ok", "example.com", "alice@example.com", &err), 0);
	CHECK_EQ_INT(vp_alias_add(&cfg, "ok", "example.com", "&bob@example.org", &err), 0);
	CHECK_EQ_INT(vp_alias_add(&cfg, "ok", "example.com", "./alice/Maildir/", &err), 0);
	snprintf(line, sizeof line, "%s/bob/Maildir/", domdir);
	CHECK_EQ_INT(vp_alias_add(&cfg, "ok", "example.com", line, &err), 0);
	char *got = read_in(domdir, ".qmail-ok");
	snprintf(p, sizeof p, "alice@example.com\n&bob@example.org\n./alice/Maildir/\n%s\n", line);
	CHECK_EQ_STR(got, p);
	free(got);
	/* Exact duplicates are refused and leave the file alone. */
	CHECK_EQ_INT(vp_alias_add(&cfg, "ok", "example.com", "alice@example.com", &err),
	             VA_ALIAS_LINE_EXISTS);
	CHECK_EQ_INT(err.code, VA_ALIAS_LINE_EXISTS);
	got = read_in(domdir, ".qmail-ok");
	CHECK_EQ_STR(got, p);
	free(got);
	/* ... but a different spelling is a different line (as in vpopmail). */
	CHECK_EQ_INT(vp_alias_add(&cfg, "ok", "example.com", "&alice@example.com", &err), 0);

	/* With the switch, program and mbox lines are accepted (still inside the domain). */
	cfg.allow_program_aliases = 1;
	CHECK_EQ_INT(vp_alias_add(&cfg, "prog", "example.com", "|/usr/bin/true", &err), 0);
	CHECK_EQ_INT(vp_alias_add(&cfg, "prog", "example.com", "./alice/mbox", &err), 0);
	CHECK_EQ_INT(vp_alias_add(&cfg, "prog", "example.com", "|", &err), VA_INVALID_ALIAS_LINE);
	CHECK_EQ_INT(vp_alias_add(&cfg, "prog", "example.com", "/etc/passwd", &err),
	             VA_INVALID_ALIAS_LINE);
	CHECK_EQ_INT(vp_alias_add(&cfg, "prog", "example.com", "|a\nb", &err), VA_INVALID_ALIAS_LINE);
	got = read_in(domdir, ".qmail-prog");
	CHECK_EQ_STR(got, "|/usr/bin/true\n./alice/mbox\n");
	free(got);
	cfg.allow_program_aliases = 0;
	rm_tree(root);
}

TEST(domains)
{
	vp_error err;
	collect c;

	new_tree();
	CHECK_EQ_INT(vp_alias_add(&cfg, "x", "nowhere.test", "a@b.c", &err), VA_DOMAIN_DOES_NOT_EXIST);
	CHECK(strstr(err.msg, "Domain does not exist") == err.msg);
	CHECK_EQ_INT(vp_alias_add(&cfg, "x", "bad", "a@b.c", &err), VA_INVALID_DOMAIN_NAME);
	CHECK_EQ_INT(vp_alias_add(&cfg, "x", "../../etc", "a@b.c", &err), VA_INVALID_DOMAIN_NAME);
	CHECK_EQ_INT(vp_alias_add(&cfg, "x", NULL, "a@b.c", &err), VA_NULL_POINTER);
	CHECK_EQ_INT(vp_alias_del(&cfg, "x", "nowhere.test", &err), VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_alias_del_domain(&cfg, "nowhere.test", &err), VA_DOMAIN_DOES_NOT_EXIST);
	collect_init(&c, "x", "x");
	CHECK_EQ_INT(vp_alias_get(&cfg, "x", "nowhere.test", on_line, &c, &err),
	             VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_alias_get_all(&cfg, "nowhere.test", on_name, on_line, &c, &err),
	             VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(c.lines, 0);

	/* An alias domain writes into the real domain's dir; case does not matter. */
	CHECK_EQ_INT(vp_alias_add(&cfg, "x", "ALIAS.Example", "a@b.c", &err), 0);
	char *got = read_in(domdir, ".qmail-x");
	CHECK_EQ_STR(got, "a@b.c\n");
	free(got);
	/* A dir given with a trailing slash in assign works too. */
	CHECK_EQ_INT(vp_alias_add(&cfg, "y", "slash.test", "a@b.c", &err), 0);
	char line[4096];
	snprintf(line, sizeof line, "%s/alice/Maildir/", domdir);
	CHECK_EQ_INT(vp_alias_add(&cfg, "y", "slash.test", line, &err), 0);
	collect_init(&c, "example.com", NULL);
	CHECK_EQ_INT(vp_alias_get_all(&cfg, "alias.example", on_name, on_line, &c, &err), 0);
	snprintf(line, sizeof line, "x@example.com -> a@b.c\ny@example.com -> a@b.c\n"
	         "y@example.com -> %s/alice/Maildir/\n", domdir);
	CHECK_EQ_STR(c.out, line);
	CHECK_EQ_INT(vp_alias_del(&cfg, "x", "alias.example", &err), 0);
	CHECK(!exists_in(domdir, ".qmail-x"));
	rm_tree(root);
}

TEST(get_and_del)
{
	vp_error err;
	collect c;

	new_tree();
	/* A missing alias has no lines and is no error. */
	collect_init(&c, "example.com", "nobody");
	CHECK_EQ_INT(vp_alias_get(&cfg, "nobody", "example.com", on_line, &c, &err), 0);
	CHECK_EQ_INT(c.lines, 0);
	CHECK_EQ_INT(err.code, 0);
	/* Deleting it is. */
	CHECK_EQ_INT(vp_alias_del(&cfg, "nobody", "example.com", &err), VA_ALIAS_DOES_NOT_EXIST);
	CHECK_EQ_INT(err.code, VA_ALIAS_DOES_NOT_EXIST);
	CHECK_EQ_STR(err.msg, "alias does not exist: nobody@example.com");
	/* Full-length lines (vpopmail split them at 158), file order, no final newline. */
	char big[600];
	memset(big, 'x', 500);
	big[500] = '\0';
	char content[1200];
	snprintf(content, sizeof content, "first@a.b\n%s\n\nlast@a.b", big);
	spitf(domdir, ".qmail-raw", content);
	collect_init(&c, "example.com", "raw");
	CHECK_EQ_INT(vp_alias_get(&cfg, "RAW", "example.com", on_line, &c, &err), 0);
	CHECK_EQ_INT(c.lines, 4);
	snprintf(content, sizeof content,
	         "raw@example.com -> first@a.b\nraw@example.com -> %s\nraw@example.com -> \n"
	         "raw@example.com -> last@a.b\n", big);
	CHECK_EQ_STR(c.out, content);
	/* Appending to a file without a final newline completes the last line first. */
	CHECK_EQ_INT(vp_alias_add(&cfg, "raw", "example.com", "new@a.b", &err), 0);
	char *got = read_in(domdir, ".qmail-raw");
	snprintf(content, sizeof content, "first@a.b\n%s\n\nlast@a.b\nnew@a.b\n", big);
	CHECK_EQ_STR(got, content);
	free(got);
	/* "last@a.b" without its newline still counts as a duplicate. */
	spitf(domdir, ".qmail-nonl", "last@a.b");
	CHECK_EQ_INT(vp_alias_add(&cfg, "nonl", "example.com", "last@a.b", &err), VA_ALIAS_LINE_EXISTS);
	/* get accepts the wildcard names the listing shows, not the catch-all. */
	spitf(domdir, ".qmail-list-default", "x@y.z\n");
	collect_init(&c, "example.com", "list-default");
	CHECK_EQ_INT(vp_alias_get(&cfg, "list-default", "example.com", on_line, &c, &err), 0);
	CHECK_EQ_INT(c.lines, 1);
	CHECK_EQ_INT(vp_alias_get(&cfg, "default", "example.com", on_line, &c, &err),
	             VA_INVALID_ALIAS_NAME);
	CHECK_EQ_INT(vp_alias_get(&cfg, "../vpasswd", "example.com", on_line, &c, &err),
	             VA_INVALID_ALIAS_NAME);
	/* Callback results: negative is an error, positive stops quietly. */
	collect_init(&c, "example.com", "raw");
	c.stop_after = 2;
	c.stop_ret = VA_MEMORY_ALLOC_ERR;
	CHECK_EQ_INT(vp_alias_get(&cfg, "raw", "example.com", on_line, &c, &err), VA_MEMORY_ALLOC_ERR);
	CHECK_EQ_INT(err.code, VA_MEMORY_ALLOC_ERR);
	CHECK_EQ_INT(c.lines, 2);
	collect_init(&c, "example.com", "raw");
	c.stop_after = 1;
	c.stop_ret = 1;
	CHECK_EQ_INT(vp_alias_get(&cfg, "raw", "example.com", on_line, &c, &err), 0);
	CHECK_EQ_INT(c.lines, 1);
	collect_init(&c, "example.com", NULL);
	c.stop_after = 1;
	c.stop_ret = 1;
	CHECK_EQ_INT(vp_alias_get_all(&cfg, "example.com", on_name, on_line, &c, &err), 0);
	CHECK_EQ_INT(c.lines, 1);
	/* Delete removes the file; a symlink alias (a list) is unlinked, its target kept. */
	CHECK_EQ_INT(vp_alias_del(&cfg, "raw", "example.com", &err), 0);
	CHECK(!exists_in(domdir, ".qmail-raw"));
	char p[4096];
	snprintf(p, sizeof p, "%s/list", domdir);
	mkdir(p, 0700);
	spitf(p, "editor", "|/usr/bin/ezmlm-send '/x/list'\n");
	snprintf(p, sizeof p, "%s/.qmail-list", domdir);
	CHECK(symlink("list/editor", p) == 0);
	/* Adding to a list link is refused: it would turn the link into a copy. */
	CHECK_EQ_INT(vp_alias_add(&cfg, "list", "example.com", "a@b.c", &err),
	             VA_COULD_NOT_OPEN_DOT_QMAIL);
	struct stat st;
	CHECK(lstat(p, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK_EQ_INT(vp_alias_del(&cfg, "list", "example.com", &err), 0);
	CHECK(lstat(p, &st) != 0);
	snprintf(p, sizeof p, "%s/list", domdir);
	CHECK(exists_in(p, "editor"));
	/* A directory is never an alias file. */
	snprintf(p, sizeof p, "%s/.qmail-adir", domdir);
	mkdir(p, 0700);
	CHECK_EQ_INT(vp_alias_del(&cfg, "adir", "example.com", &err), VA_COULD_NOT_UPDATE_FILE);
	CHECK_EQ_INT(vp_alias_add(&cfg, "adir", "example.com", "a@b.c", &err),
	             VA_COULD_NOT_OPEN_DOT_QMAIL);
	rm_tree(root);
}

TEST(listing_rules)
{
	vp_error err;
	collect c;
	char p[4096];

	new_tree();
	spitf(domdir, ".qmail-default", "| /x/vdelivermail '' delete\n");
	spitf(domdir, ".qmail-zeta", "z@a.b\n");
	spitf(domdir, ".qmail-Beta", "b@a.b\n");           /* uppercase: listed as is */
	spitf(domdir, ".qmail-empty", "");                  /* empty: skipped, no early stop */
	spitf(domdir, ".qmail-x-default", "xd@a.b\n");      /* regular -default: listed */
	spitf(domdir, ".qmail-team:lead", "t@a.b\n");       /* ':' comes back as '.' */
	spitf(domdir, ".qmail-foo.lock", "");               /* '.' in suffix: not an alias */
	spitf(domdir, ".qmail-bar.tmp.1f", "junk@a.b\n");   /* someone's temp file */
	spitf(domdir, ".qmail-", "nameless@a.b\n");         /* no name */
	spitf(domdir, ".qmailadmin-limits", "x\n");
	spitf(domdir, "vpasswd", "");
	snprintf(p, sizeof p, "%s/list", domdir);
	mkdir(p, 0700);
	spitf(p, "editor", "|/usr/bin/ezmlm-send '/x/list'\n");
	spitf(p, "owner", "owner@a.b\n");
	snprintf(p, sizeof p, "%s/.qmail-list", domdir);
	CHECK(symlink("list/editor", p) == 0);              /* list symlink: listed */
	snprintf(p, sizeof p, "%s/.qmail-list-default", domdir);
	CHECK(symlink("list/editor", p) == 0);              /* -default link: not listed */
	snprintf(p, sizeof p, "%s/.qmail-list-owner", domdir);
	CHECK(symlink("list/owner", p) == 0);               /* -owner link: not listed */
	snprintf(p, sizeof p, "%s/.qmail-evil", domdir);
	CHECK(symlink("/etc/passwd", p) == 0);              /* leads outside: skipped */
	snprintf(p, sizeof p, "%s/.qmail-evil2", domdir);
	CHECK(symlink("../../../../../../../../etc/hostname", p) == 0);
	snprintf(p, sizeof p, "%s/.qmail-dangling", domdir);
	CHECK(symlink("list/nothing", p) == 0);             /* dangling: no lines */
	snprintf(p, sizeof p, "%s/.qmail-adir", domdir);
	mkdir(p, 0700);                                     /* a directory: no lines */
	snprintf(p, sizeof p, "%s/.qmail-fifo", domdir);
	CHECK(mkfifo(p, 0600) == 0);                        /* must not block */
	snprintf(p, sizeof p, "%s/.qmail-fifolink", domdir);
	CHECK(symlink(".qmail-fifo", p) == 0);              /* nor through a link */

	collect_init(&c, "example.com", NULL);
	CHECK_EQ_INT(vp_alias_get_all(&cfg, "example.com", on_name, on_line, &c, &err), 0);
	CHECK_EQ_STR(c.out, "Beta@example.com -> b@a.b\n"
	                    "list@example.com -> |/usr/bin/ezmlm-send '/x/list'\n"
	                    "team.lead@example.com -> t@a.b\n"
	                    "x-default@example.com -> xd@a.b\n"
	                    "zeta@example.com -> z@a.b\n");
	/* get follows the list link, and the -owner link, but not out of the domain. */
	collect_init(&c, "example.com", "list-owner");
	CHECK_EQ_INT(vp_alias_get(&cfg, "list-owner", "example.com", on_line, &c, &err), 0);
	CHECK_EQ_STR(c.out, "list-owner@example.com -> owner@a.b\n");
	collect_init(&c, "example.com", "evil");
	CHECK_EQ_INT(vp_alias_get(&cfg, "evil", "example.com", on_line, &c, &err),
	             VA_COULD_NOT_OPEN_DOT_QMAIL);
	CHECK_EQ_INT(c.lines, 0);
	CHECK_EQ_INT(vp_alias_get(&cfg, "dangling", "example.com", on_line, &c, &err), 0);
	CHECK_EQ_INT(vp_alias_get(&cfg, "fifo", "example.com", on_line, &c, &err), 0);
	CHECK_EQ_INT(vp_alias_get(&cfg, "fifolink", "example.com", on_line, &c, &err), 0);
	CHECK_EQ_INT(vp_alias_get(&cfg, "adir", "example.com", on_line, &c, &err), 0);
	CHECK_EQ_INT(c.lines, 0);
	/* A file grown past the bound is refused, not read. */
	FILE *f;
	snprintf(p, sizeof p, "%s/.qmail-huge", domdir);
	f = fopen(p, "wb");
	for (int i = 0; i < 70000; i++)
		fputs("abcdefghijklmno@q\n", f);
	fclose(f);
	collect_init(&c, "example.com", "huge");
	CHECK_EQ_INT(vp_alias_get(&cfg, "huge", "example.com", on_line, &c, &err), VA_CORRUPT_FILE);
	CHECK_EQ_INT(vp_alias_add(&cfg, "huge", "example.com", "a@b.c", &err), VA_CORRUPT_FILE);
	rm_tree(root);
}

TEST(del_domain)
{
	vp_error err;
	char p[4096], *l;

	new_tree();
	spitf(domdir, ".qmail-default", "| /x/vdelivermail '' delete\n");
	spitf(domdir, ".qmail-sales", "a@b.c\n");
	spitf(domdir, ".qmail-team:lead", "a@b.c\n");
	spitf(domdir, ".qmail-x-default", "a@b.c\n");
	spitf(domdir, ".qmail-empty", "");
	spitf(domdir, ".qmail-robot", "| /usr/bin/autorespond 86400 3 ./robot/message ./robot\n");
	spitf(domdir, ".qmail-list2", "|/usr/bin/ezmlm-reject '/x/list2'\n|/usr/bin/ezmlm-send '/x/list2'\n");
	spitf(domdir, ".qmail-foo.lock", "");
	spitf(domdir, "vpasswd", "");
	snprintf(p, sizeof p, "%s/list", domdir);
	mkdir(p, 0700);
	spitf(p, "editor", "|/usr/bin/ezmlm-send '/x/list'\n");
	snprintf(p, sizeof p, "%s/.qmail-list", domdir);
	CHECK(symlink("list/editor", p) == 0);
	snprintf(p, sizeof p, "%s/.qmail-adir", domdir);
	mkdir(p, 0700);

	CHECK_EQ_INT(vp_alias_del_domain(&cfg, "alias.example", &err), 0);
	l = listing(domdir, NULL);
	CHECK_EQ_STR(l, ".qmail-adir\n.qmail-default\n.qmail-foo.lock\n.qmail-list\n.qmail-list2\n"
	                ".qmail-robot\n.vpasswd.lock\nlist\nvpasswd\n");
	free(l);
	/* Nothing left to delete is fine. */
	CHECK_EQ_INT(vp_alias_del_domain(&cfg, "example.com", &err), 0);
	CHECK_EQ_INT(vp_alias_del_domain(&cfg, "bad", &err), VA_INVALID_DOMAIN_NAME);
	rm_tree(root);
}

TEST(lock_file)
{
	vp_error err;
	struct stat st;
	char p[4096];

	new_tree();
	/* The domain's .vpasswd.lock is created owned by the domain when missing. */
	CHECK_EQ_INT(vp_alias_add(&cfg, "a", "example.com", "a@b.c", &err), 0);
	snprintf(p, sizeof p, "%s/.vpasswd.lock", domdir);
	CHECK(lstat(p, &st) == 0 && S_ISREG(st.st_mode));
	CHECK_EQ_INT(st.st_mode & 07777, 0600);
	CHECK_EQ_INT(st.st_size, 0);
	if (cfg.chown_files)
		CHECK_EQ_INT(st.st_uid, dom_uid);
	/* Held by someone else: we wait, then give up with VA_FILE_BUSY. */
	vp_lock lk;
	CHECK_EQ_INT(vp_lock_acquire(&cfg, p, &lk, &err), 0);
	pid_t pid = fork();
	if (pid == 0) {
		vp_config c2 = cfg;
		c2.lock_timeout_ms = 100;
		_exit(vp_alias_add(&c2, "b", "example.com", "a@b.c", &err) == VA_FILE_BUSY ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	vp_lock_release(&lk);
	CHECK(!exists_in(domdir, ".qmail-b"));
	rm_tree(root);
}

TEST(concurrent_adds)
{
	enum { KIDS = 6, EACH = 15 };
	vp_error err;
	collect c;
	pid_t pids[KIDS];

	new_tree();
	for (int k = 0; k < KIDS; k++) {
		pids[k] = fork();
		if (pids[k] == 0) {
			int bad = 0;
			for (int i = 0; i < EACH; i++) {
				char line[64];
				snprintf(line, sizeof line, "k%d-%d@example.org", k, i);
				if (vp_alias_add(&cfg, "crowd", "example.com", line, &err) != 0)
					bad = 1;
			}
			_exit(bad);
		}
	}
	for (int k = 0; k < KIDS; k++) {
		int status;
		waitpid(pids[k], &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	collect_init(&c, "example.com", "crowd");
	CHECK_EQ_INT(vp_alias_get(&cfg, "crowd", "example.com", on_line, &c, &err), 0);
	CHECK_EQ_INT(c.lines, KIDS * EACH);
	char *l = listing(domdir, NULL);
	CHECK_EQ_STR(l, ".qmail-crowd\n.vpasswd.lock\n");
	free(l);
	rm_tree(root);
}

/* ---- whole trees: real vpopmail's step N, then our operation, then step N+1 ---- */

/* Copy a fixture tree, mapping /home/vpopmail and /var/qmail into the sandbox. */
static void copy_mapped(const sandbox *sb, const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *de;

	if (!d) {
		fprintf(stderr, "  missing fixture dir %s\n", from);
		t_failed_checks++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char fp[4096], tp[4096];
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !strcmp(de->d_name, ".keep"))
			continue;
		snprintf(fp, sizeof fp, "%s/%s", from, de->d_name);
		snprintf(tp, sizeof tp, "%s/%s", to, de->d_name);
		if (lstat(fp, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			mkdir(tp, 0700);
			copy_mapped(sb, fp, tp);
		} else if (S_ISREG(st.st_mode)) {
			size_t len, l1, l2;
			char *data = slurp(fp, &len), *a, *b;
			if (is_cdb(de->d_name)) {
				b = data;
				l2 = len;
				data = NULL;
			} else {
				a = replace_all(data, len, "/home/vpopmail", sb->home, &l1);
				b = replace_all(a, l1, "/var/qmail", sb->qmail, &l2);
				free(a);
			}
			FILE *f = fopen(tp, "wb");
			fwrite(b, 1, l2, f);
			fclose(f);
			chmod(tp, 0600);
			free(b);
			free(data);
		}
	}
	closedir(d);
}

static void sandbox_from_step(sandbox *sb, const char *ver, const char *step)
{
	char fp[4096], ap[4096];
	char *assign;
	size_t len;
	vp_error err;

	sandbox_init(sb);
	snprintf(fp, sizeof fp, "%s/vpopmail-%s/%s/vpopmail", fixtures, ver, step);
	copy_mapped(sb, fp, sb->home);
	snprintf(fp, sizeof fp, "%s/vpopmail-%s/%s/qmail", fixtures, ver, step);
	copy_mapped(sb, fp, sb->qmail);
	/* users/cdb as qmail-newu would build it from the mapped assign */
	snprintf(ap, sizeof ap, "%s/users/assign", sb->qmail);
	assign = slurp(ap, &len);
	CHECK(assign != NULL);
	if (assign)
		CHECK_EQ_INT(vp_build_users_cdb(&sb->cfg, assign, len, &err), 0);
	free(assign);
}

static int same_as_step(const sandbox *sb, const char *ver, const char *step)
{
	char v[64];
	snprintf(v, sizeof v, "vpopmail-%s", ver);
	/* users/cdb is ours (rebuilt), compared record by record like the rest */
	return compare_step(sb, v, step);
}

static void whole_tree(const char *ver)
{
	sandbox sb;
	vp_error err;

	sandbox_from_step(&sb, ver, "06-aliasdomain-alias.example");
	CHECK_EQ_INT(same_as_step(&sb, ver, "06-aliasdomain-alias.example"), 0);
	CHECK_EQ_INT(vp_alias_add(&sb.cfg, "sales", "example.com", "alice@example.com", &err), 0);
	CHECK_EQ_INT(same_as_step(&sb, ver, "07-valias-sales-to-alice"), 0);
	CHECK_EQ_INT(vp_alias_add(&sb.cfg, "sales", "example.com", "bob@example.com", &err), 0);
	CHECK_EQ_INT(same_as_step(&sb, ver, "08-valias-sales-to-bob"), 0);
	CHECK_EQ_INT(vp_alias_add(&sb.cfg, "info", "example.com", "&external@other.org", &err), 0);
	CHECK_EQ_INT(same_as_step(&sb, ver, "09-valias-info-to-external"), 0);
	sandbox_free(&sb);

	sandbox_from_step(&sb, ver, "24-adduser-uppercase-dotted");
	CHECK_EQ_INT(vp_alias_add(&sb.cfg, "team.lead", "example.com", "alice@example.com", &err), 0);
	CHECK_EQ_INT(same_as_step(&sb, ver, "25-valias-dotted-name"), 0);
	CHECK_EQ_INT(vp_alias_del(&sb.cfg, "sales", "example.com", &err), 0);
	CHECK_EQ_INT(same_as_step(&sb, ver, "26-valias-delete-sales"), 0);
	sandbox_free(&sb);
}

TEST(whole_tree_56) { whole_tree("5.6"); }
TEST(whole_tree_54) { whole_tree("5.4"); }

/* With a domain made by vp_add_domain (not by hand): aliases work, and go with the domain. */
TEST(with_real_domain)
{
	sandbox sb;
	vp_error err;
	collect c;
	char dir[2048];
	struct stat st;

	sandbox_init(&sb);
	CHECK_EQ_INT(vp_add_domain(&sb.cfg, "example.com", NULL, sb.cfg.uid, sb.cfg.gid, &err), 0);
	CHECK_EQ_INT(vp_add_alias_domain(&sb.cfg, "alias.example", "example.com", &err), 0);
	CHECK_EQ_INT(vp_alias_add(&sb.cfg, "sales", "alias.example", "alice@example.com", &err), 0);
	CHECK_EQ_INT(vp_alias_add(&sb.cfg, "sales", "example.com", "bob@example.com", &err), 0);
	collect_init(&c, "example.com", NULL);
	CHECK_EQ_INT(vp_alias_get_all(&sb.cfg, "example.com", on_name, on_line, &c, &err), 0);
	CHECK_EQ_STR(c.out, "sales@example.com -> alice@example.com\nsales@example.com -> bob@example.com\n");
	/* the catch-all vp_add_domain wrote is not an alias, and is not deletable as one */
	CHECK_EQ_INT(vp_alias_del(&sb.cfg, "default", "example.com", &err), VA_INVALID_ALIAS_NAME);
	snprintf(dir, sizeof dir, "%s/domains/example.com", sb.home);
	CHECK(exists_in(dir, ".qmail-default"));
	CHECK_EQ_INT(vp_alias_del_domain(&sb.cfg, "example.com", &err), 0);
	CHECK(exists_in(dir, ".qmail-default"));
	CHECK(!exists_in(dir, ".qmail-sales"));
	CHECK_EQ_INT(vp_alias_add(&sb.cfg, "info", "example.com", "x@example.org", &err), 0);
	/* deleting the domain takes its aliases along */
	CHECK_EQ_INT(vp_del_domain(&sb.cfg, "example.com", &err), 0);
	CHECK(stat(dir, &st) != 0);
	CHECK_EQ_INT(vp_alias_add(&sb.cfg, "info", "example.com", "x@example.org", &err),
	             VA_DOMAIN_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_alias_add(&sb.cfg, "info", "alias.example", "x@example.org", &err),
	             VA_DOMAIN_DOES_NOT_EXIST);
	sandbox_free(&sb);
}

int main(void)
{
	const char *t = getenv("VP_TMP"), *fx = getenv("VP_FIXTURES");

	snprintf(tmpbase, sizeof tmpbase, "%s", t && *t ? t : "/tmp");
	if (fx && *fx) {
		snprintf(fixtures, sizeof fixtures, "%s", fx);
	} else {
		/* libcore/tests/test_alias.c -> tests/fixtures, from the repo root */
		snprintf(fixtures, sizeof fixtures, "%s", __FILE__);
		char *s = strstr(fixtures, "libcore/tests/");
		if (s)
			strcpy(s, "tests/fixtures");
		else
			snprintf(fixtures, sizeof fixtures, "tests/fixtures");
	}
	if (geteuid() == 0) {
		dom_uid = 89;
		dom_gid = 89;
	} else {
		dom_uid = getuid();
		dom_gid = getgid();
	}

	RUN(fixture_bytes_56);
	RUN(fixture_bytes_54);
	RUN(fixture_listing_56);
	RUN(fixture_listing_54);
	RUN(whole_tree_56);
	RUN(whole_tree_54);
	RUN(with_real_domain);
	RUN(bad_names);
	RUN(bad_lines);
	RUN(domains);
	RUN(get_and_del);
	RUN(listing_rules);
	RUN(del_domain);
	RUN(lock_file);
	RUN(concurrent_adds);
	return T_SUMMARY();
}
