/* test_store_mysql.c: the mysql store (vp_store.h, vp_store_mysql.c) against a
 * real private MariaDB (scripts/mariadb.sh), with only the privileges
 * vpopmail's README.mysql grants.  Rows are compared with the ones the real
 * vpopmail 5.6.13 mysql module wrote (tests/fixtures/vpopmail-5.6-mysql).
 * No mariadbd on the machine is a failure, not a skip: CI installs it. */
#include <errno.h>
#include <fcntl.h>
#include <mysql.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sqltest.h"
#include "t.h"
#include "vp_password.h"
#include "vp_store.h"

static char srcdir[2048], tmpdir[2048], dbdir[2300], sock[2400], conffile[2400], fixtures[2400];
static MYSQL *root;     /* the test's own eyes: root over the socket */
static vp_config cfg;

#define OK(call) do { vp_error e_; memset(&e_, 0, sizeof e_); int rc_ = (call); \
	if (rc_ != 0) fprintf(stderr, "  %s:%d: %s: %d %s\n", __FILE__, __LINE__, #call, rc_, e_.msg); \
	CHECK_EQ_INT(rc_, 0); } while (0)
#define E (&e_)

static int sh(const char *fmt, const char *a)
{
	return sh_in(srcdir, fmt, a);
}

static int server_start(void)
{
	return sh("'%s/scripts/mariadb.sh' start '%s'", dbdir);
}

static int server_stop(void)
{
	return sh("'%s/scripts/mariadb.sh' stop '%s'", dbdir);
}

static MYSQL *root_connect(void)
{
	MYSQL *m = mysql_init(NULL);
	if (m && mysql_real_connect(m, NULL, "root", NULL, NULL, 0, sock, 0))
		return m;
	fprintf(stderr, "  root connect: %s\n", m ? mysql_error(m) : "mysql_init");
	if (m)
		mysql_close(m);
	return NULL;
}

static int root_exec(const char *sql)
{
	if (mysql_query(root, sql) != 0) {
		fprintf(stderr, "  root: %s: %s\n", sql, mysql_error(root));
		return -1;
	}
	MYSQL_RES *r = mysql_store_result(root);
	if (r)
		mysql_free_result(r);
	return 0;
}

/* A query's result as `mariadb -B` prints it (header, tabs, NULL, \\ \t \n). */
static char *root_tsv(const char *sql, int header)
{
	if (mysql_query(root, sql) != 0) {
		fprintf(stderr, "  root: %s: %s\n", sql, mysql_error(root));
		return NULL;
	}
	MYSQL_RES *r = mysql_store_result(root);
	if (!r)
		return strdup("");
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);
	unsigned nf = mysql_num_fields(r);
	MYSQL_FIELD *f = mysql_fetch_fields(r);
#define PUT(c) do { if (len + 2 >= cap) out = realloc(out, cap *= 2); out[len++] = (c); } while (0)
	if (header) {
		for (unsigned i = 0; i < nf; i++) {
			if (i)
				PUT('\t');
			for (const char *p = f[i].name; *p; p++)
				PUT(*p);
		}
		PUT('\n');
	}
	MYSQL_ROW row;
	while ((row = mysql_fetch_row(r))) {
		unsigned long *l = mysql_fetch_lengths(r);
		for (unsigned i = 0; i < nf; i++) {
			if (i)
				PUT('\t');
			if (!row[i]) {
				PUT('N'); PUT('U'); PUT('L'); PUT('L');
				continue;
			}
			for (unsigned long j = 0; j < l[i]; j++) {
				char c = row[i][j];
				if (c == '\\') { PUT('\\'); PUT('\\'); }
				else if (c == '\t') { PUT('\\'); PUT('t'); }
				else if (c == '\n') { PUT('\\'); PUT('n'); }
				else if (c == '\0') { PUT('\\'); PUT('0'); }
				else PUT(c);
			}
		}
		PUT('\n');
	}
#undef PUT
	out[len] = '\0';
	mysql_free_result(r);
	return out;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *d = malloc(1 << 20);
	size_t n = fread(d, 1, (1 << 20) - 1, f);
	fclose(f);
	d[n] = '\0';
	return d;
}

static void reset_db(void)
{
	CHECK_EQ_INT(root_exec("DROP DATABASE IF EXISTS vpopmail"), 0);
	CHECK_EQ_INT(root_exec("CREATE DATABASE vpopmail"), 0);
}

static vp_store_options opts(void)
{
	vp_store_options o;
	memset(&o, 0, sizeof o);
	o.mysql_config = conffile;
	o.mysql_socket = sock;
	o.connect_timeout = 5;
	return o;
}

static vp_store *open_store(const vp_store_options *o)
{
	vp_store *s = NULL;
	vp_error e;
	if (vp_store_open(&vp_store_mysql_driver, &cfg, o, &s, &e) != 0)
		fprintf(stderr, "  open: %s\n", e.msg);
	return s;
}

/* An empty database and a handle with domain d created on it. */
static vp_store *fresh_store_with(const vp_store_options *o, const vp_domain_info *d)
{
	vp_error e;
	reset_db();
	vp_store *s = open_store(o);
	if (s && vp_store_domain_create(s, d, &e) != 0)
		fprintf(stderr, "  domain_create: %s\n", e.msg);
	return s;
}

static vp_user_entry mkuser(const char *name, const char *passwd, const char *gecos,
                            const char *dir, const char *quota)
{
	vp_user_entry e;
	memset(&e, 0, sizeof e);
	snprintf(e.name, sizeof e.name, "%s", name);
	snprintf(e.passwd, sizeof e.passwd, "%s", passwd);
	snprintf(e.gecos, sizeof e.gecos, "%s", gecos);
	snprintf(e.dir, sizeof e.dir, "%s", dir);
	snprintf(e.quota, sizeof e.quota, "%s", quota);
	return e;
}

/* ---- vpopmail.mysql ---- */

TEST(conf_parse)
{
	vp_mysql_conf c;
	vp_error e;
	const char *good = "# vpopmail.mysql\n\n   # indented comment\r\n"
	                   "localhost|0|vpopmailuser|vp|pw|vpopmail\n";
	/* a '|' cannot hide in the password: 6 fields is an error */
	CHECK_EQ_INT(vp_mysql_conf_parse(good, strlen(good), &c, &e), VA_PARSE_ERROR);
	CHECK(strstr(e.msg, "line 4") != NULL);
	good = "# comment\n\nlocalhost|0|vpopmailuser|vpoppasswd|vpopmail\r\n"
	       "db2.example|3306|other|x|y\n";
	CHECK_EQ_INT(vp_mysql_conf_parse(good, strlen(good), &c, &e), 0);
	CHECK_EQ_STR(c.host, "localhost");
	CHECK_EQ_INT(c.port, 0);
	CHECK_EQ_STR(c.user, "vpopmailuser");
	CHECK_EQ_STR(c.password, "vpoppasswd");
	CHECK_EQ_STR(c.database, "vpopmail"); /* CR dropped; the second line ignored */
	const char *tcp = "127.0.0.1|3307|vpopmailuser|p#ss w|vpopmail";
	CHECK_EQ_INT(vp_mysql_conf_parse(tcp, strlen(tcp), &c, &e), 0);
	CHECK_EQ_STR(c.host, "127.0.0.1");
	CHECK_EQ_INT(c.port, 3307);
	CHECK_EQ_STR(c.password, "p#ss w"); /* '#' only starts a comment line */
	const char *empty_pw = "localhost||u||db\n";
	CHECK_EQ_INT(vp_mysql_conf_parse(empty_pw, strlen(empty_pw), &c, &e), 0);
	CHECK_EQ_INT(c.port, 0);
	CHECK_EQ_STR(c.password, "");
	const char *bad[] = { "", "# only a comment\n", "localhost|0|u|p\n", "localhost|x|u|p|db\n",
	                      "localhost|70000|u|p|db\n", "localhost|0||p|db\n", "|0|u|p|db\n",
	                      "localhost|0|u|p|\n", NULL };
	for (int i = 0; bad[i]; i++) {
		e.msg[0] = '\0';
		CHECK_EQ_INT(vp_mysql_conf_parse(bad[i], strlen(bad[i]), &c, &e), VA_PARSE_ERROR);
		CHECK(e.msg[0] != '\0');
	}
	char missing[2500];
	snprintf(missing, sizeof missing, "%s/nonexistent.mysql", tmpdir);
	CHECK_EQ_INT(vp_mysql_conf_read(missing, &c, &e), VA_NO_AUTH_CONNECTION);
	CHECK_EQ_INT(vp_mysql_conf_read(conffile, &c, &e), 0); /* the one mariadb.sh wrote */
	CHECK_EQ_STR(c.user, "vpopmailuser");
	CHECK_EQ_INT(c.port, 0);
}

TEST(domain_table_names)
{
	char t[65];
	vp_error e;
	CHECK_EQ_INT(vp_mysql_domain_table("example.com", t, sizeof t, &e), 0);
	CHECK_EQ_STR(t, "example_com");
	CHECK_EQ_INT(vp_mysql_domain_table("my-site.co.uk", t, sizeof t, &e), 0);
	CHECK_EQ_STR(t, "my_site_co_uk");
	CHECK_EQ_INT(vp_mysql_domain_table("x`; drop table vpopmail; --.com", t, sizeof t, &e),
	             VA_INVALID_DOMAIN_NAME);
	CHECK_EQ_INT(vp_mysql_domain_table("Example.com", t, sizeof t, &e), VA_INVALID_DOMAIN_NAME);
	char longname[80];
	memset(longname, 'a', 65);
	strcpy(longname + 65, ".com");
	CHECK_EQ_INT(vp_mysql_domain_table(longname, t, sizeof t, &e), VA_DOMAIN_NAME_TOO_LONG);
}

/* ---- the scenario, row for row ---- */

/* Masks a TSV's columns by header name: hashes by form, timestamps away. */
static void mask_tsv(char *tsv)
{
	char *nl = strchr(tsv, '\n');
	if (!nl)
		return;
	int pw_col = -1, ts_col = -1, col = 0;
	for (char *p = tsv, *s = tsv; p <= nl; p++) {
		if (*p == '\t' || *p == '\n') {
			size_t n = (size_t)(p - s);
			if (n == 9 && memcmp(s, "pw_passwd", 9) == 0)
				pw_col = col;
			if (n == 9 && memcmp(s, "timestamp", 9) == 0)
				ts_col = col;
			col++;
			s = p + 1;
		}
	}
	/* Rewrite each line in place: a masked field becomes one character. */
	char *w = nl + 1;
	for (char *p = nl + 1; *p;) {
		col = 0;
		while (*p && *p != '\n') {
			char *s = p;
			while (*p && *p != '\t' && *p != '\n')
				p++;
			size_t n = (size_t)(p - s);
			if (col == pw_col) {
				/* $6$<salt>$<86>: SHA-512 crypt; vpopmail's salt has 8
				 * characters, libxcrypt's 16: salts aside, as the issue says */
				size_t salt = n > 90 ? n - 90 : 0;
				int sha = salt >= 1 && salt <= 16 && memcmp(s, "$6$", 3) == 0 &&
				          s[3 + salt] == '$';
				for (size_t i = 3; sha && i < n; i++)
					sha = i == 3 + salt || strchr("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					                              "abcdefghijklmnopqrstuvwxyz", s[i]) != NULL;
				*w++ = sha ? 'H' : '?';
			} else if (col == ts_col) {
				*w++ = 'T';
			} else {
				memmove(w, s, n);
				w += n;
			}
			if (*p == '\t')
				*w++ = *p++;
			col++;
		}
		if (*p == '\n')
			*w++ = *p++;
	}
	*w = '\0';
}

/* The database holds exactly the step's tables, each with its rows. */
static int step_matches(const char *variant, const char *step)
{
	char path[4096], list[4096] = "";
	int ok = 1;
	char *tables = root_tsv("SELECT TABLE_NAME FROM information_schema.TABLES WHERE "
	                        "TABLE_SCHEMA = 'vpopmail' ORDER BY TABLE_NAME", 0);
	if (!tables)
		return 0;
	/* the expected table list: the step's *.tsv files */
	snprintf(path, sizeof path, "%s/vpopmail-5.6-mysql/%s/%s/sql", fixtures, variant, step);
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "cd '%s' 2>/dev/null && ls *.tsv 2>/dev/null | sed 's/\\.tsv$//' | LC_ALL=C sort", path);
	FILE *f = popen(cmd, "r");
	size_t n = f ? fread(list, 1, sizeof list - 1, f) : 0;
	if (f)
		pclose(f);
	list[n] = '\0';
	if (strcmp(list, tables) != 0) {
		fprintf(stderr, "  %s/%s: tables\n%s  expected\n%s", variant, step, tables, list);
		ok = 0;
	}
	for (char *t = list, *e; ok && (e = strchr(t, '\n')); t = e + 1) {
		*e = '\0';
		char sql[4400], fpath[8300];
		const char *order = strcmp(t, "lastauth") == 0 ? "user, domain"
		                    : strcmp(t, "aliasdomains") == 0 ? "alias"
		                    : strcmp(t, "dir_control") == 0 ? "domain"
		                    : strcmp(t, "vpopmail") == 0 ? "pw_name, pw_domain" : "pw_name";
		snprintf(sql, sizeof sql, "SELECT * FROM vpopmail.`%s` ORDER BY %s", t, order);
		char *got = root_tsv(sql, 1);
		snprintf(fpath, sizeof fpath, "%s/%s.tsv", path, t);
		char *want = slurp(fpath);
		if (!got || !want) {
			ok = 0;
		} else {
			/* mariadb -B prints no header for an empty result */
			if (strchr(got, '\n') && strchr(got, '\n')[1] == '\0' && want[0] == '\0')
				got[0] = '\0';
			mask_tsv(got);
			mask_tsv(want);
			if (strcmp(got, want) != 0) {
				fprintf(stderr, "  %s/%s: table %s\n--- ours\n%s--- vpopmail's\n%s", variant,
				        step, t, got, want);
				ok = 0;
			}
		}
		free(got);
		free(want);
	}
	free(tables);
	return ok;
}

/* The CREATE TABLE blocks of a mysqldump equal SHOW CREATE TABLE here. */
static int creates_match(const char *variant)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/vpopmail-5.6-mysql/%s/06-aliasdomain-alias.example/sql/mysqldump.sql",
	         fixtures, variant);
	char *dump = slurp(path);
	int ok = dump != NULL, seen = 0;
	for (char *p = dump; ok && (p = strstr(p, "CREATE TABLE `"));) {
		char *end = strstr(p, ";\n");
		char name[80];
		const char *q = p + strlen("CREATE TABLE `");
		size_t n = strcspn(q, "`");
		snprintf(name, sizeof name, "%.*s", (int)n, q);
		char sql[200];
		snprintf(sql, sizeof sql, "SHOW CREATE TABLE vpopmail.`%s`", name);
		if (mysql_query(root, sql) != 0) {
			fprintf(stderr, "  %s: %s\n", sql, mysql_error(root));
			ok = 0;
			break;
		}
		MYSQL_RES *r = mysql_store_result(root);
		MYSQL_ROW row = r ? mysql_fetch_row(r) : NULL;
		if (!row || strlen(row[1]) != (size_t)(end - p) || memcmp(row[1], p, (size_t)(end - p)) != 0) {
			fprintf(stderr, "  %s: table %s:\n%s\n  expected\n%.*s\n", variant, name,
			        row ? row[1] : "(none)", (int)(end - p), p);
			ok = 0;
		}
		if (r)
			mysql_free_result(r);
		seen++;
		p = end;
	}
	free(dump);
	return ok && seen >= 4;
}

typedef struct scen {
	vp_store *s;
	const char *variant;
	long long t;
} scen;

static void hash(const char *pw, char *out, size_t size)
{
	vp_error e;
	if (vp_password_hash(VP_HASH_SHA512, pw, out, size, &e) != 0)
		snprintf(out, size, "(hash failed)");
}

/* vadduser's store part in one transaction: counter, row, lastauth. */
static int add_user(scen *sc, const char *domain, const char *user, const char *pw,
                    const char *gecos, const char *quota, vp_error *err)
{
	vp_domain_info d = mkdom(domain);
	vp_store_counter c = { &d, 89, 89 };
	vp_dir_control dc;
	char hbuf[VP_HASH_BUF], dir[600];
	int rc = vp_store_begin(sc->s, &d, VP_STORE_NEED_DIRC | VP_STORE_NEED_LASTAUTH, err);
	if (rc != 0)
		return rc;
	if ((rc = vp_store_dirc_next(sc->s, &c, &dc, err)) == 0) {
		snprintf(dir, sizeof dir, "%s/%s%s%s", d.dir, dc.bucket, dc.bucket[0] ? "/" : "", user);
		hash(pw, hbuf, sizeof hbuf);
		vp_user_entry e = mkuser(user, hbuf, gecos ? gecos : user, dir, quota ? quota : "NOQUOTA");
		e.uid_flag = vp_store_new_uid_flag(sc->s, 0);
		if ((rc = vp_store_user_add(sc->s, &d, &e, err)) == 0)
			rc = vp_store_lastauth_set(sc->s, &d, &e, NULL, sc->t++, err);
	}
	if (rc != 0) {
		vp_error e2;
		vp_store_rollback(sc->s, &e2);
		return rc;
	}
	return vp_store_commit(sc->s, err);
}

static int add_domain(scen *sc, const char *domain, const char *pw, const char *quota,
                      vp_error *err)
{
	vp_domain_info d = mkdom(domain);
	vp_store_counter c = { NULL, 89, 89 };
	vp_dir_control dc;
	int rc = vp_store_domain_create(sc->s, &d, err); /* DDL: before the transaction */
	if (rc != 0)
		return rc;
	/* The domains counter: vadddomain bumps it first, in its own step. */
	if ((rc = vp_store_dirc_next(sc->s, &c, &dc, err)) != 0)
		return rc;
	return add_user(sc, domain, "postmaster", pw, "Postmaster", quota, err);
}

static int update(scen *sc, const char *domain, const char *user, unsigned fields,
                  const char *passwd, unsigned long flags, const char *quota, vp_error *err)
{
	vp_domain_info d = mkdom(domain);
	vp_user_entry e;
	int rc = vp_store_user_get(sc->s, &d, user, 0, &e, err);
	if (rc <= 0)
		return rc < 0 ? rc : vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s", user);
	if (passwd)
		hash(passwd, e.passwd, sizeof e.passwd);
	if (quota)
		snprintf(e.quota, sizeof e.quota, "%s", quota);
	e.flags = flags;
	return vp_store_user_update(sc->s, &d, &e, fields, err);
}

static int del_user(scen *sc, const char *domain, const char *user, vp_error *err)
{
	vp_domain_info d = mkdom(domain);
	vp_store_counter c = { &d, 89, 89 };
	int rc = vp_store_begin(sc->s, &d, 0, err);
	if (rc != 0)
		return rc;
	if ((rc = vp_store_user_del(sc->s, &d, user, err)) == 0 &&
	    (rc = vp_store_lastauth_del(sc->s, &d, user, err)) == 0)
		rc = vp_store_dirc_dec(sc->s, &c, err);
	if (rc != 0) {
		vp_error e2;
		vp_store_rollback(sc->s, &e2);
		return rc;
	}
	return vp_store_commit(sc->s, err);
}

static int del_domain(scen *sc, const char *domain, vp_error *err)
{
	vp_domain_info d = mkdom(domain);
	vp_store_counter c = { NULL, 89, 89 };
	int rc = vp_store_begin(sc->s, &d, VP_STORE_NEED_ALIASES, err);
	if (rc != 0)
		return rc;
	if ((rc = vp_store_domain_drop(sc->s, &d, err)) == 0)
		rc = vp_store_dirc_dec(sc->s, &c, err);
	if (rc != 0) {
		vp_error e2;
		vp_store_rollback(sc->s, &e2);
		return rc;
	}
	return vp_store_commit(sc->s, err);
}

static int step_ok(scen *sc, const char *step)
{
	int ok = step_matches(sc->variant, step);
	if (!ok)
		fprintf(stderr, "  step %s differs (%s)\n", step, sc->variant);
	return ok;
}

/* The fixture's main scenario through the store, compared after each step. */
static void scenario(const char *variant, enum vp_store_layout layout)
{
	reset_db();
	vp_store_options o = opts();
	o.layout = layout;
	scen sc = { open_store(&o), variant, 1796156142 };
	vp_error e_;
	if (!sc.s) {
		CHECK(0);
		return;
	}
	OK(add_domain(&sc, "example.com", "Secret123", NULL, E));
	CHECK(step_ok(&sc, "01-adddomain-example.com"));
	OK(add_domain(&sc, "second.test", "Second123", "50000000S", E));
	CHECK(step_ok(&sc, "02-adddomain-second.test"));
	OK(add_domain(&sc, "bounce.test", "Bounce123", NULL, E));
	CHECK(step_ok(&sc, "03-adddomain-bounce.test"));
	OK(add_user(&sc, "example.com", "alice", "alicepw", NULL, NULL, E));
	CHECK(step_ok(&sc, "04-adduser-alice"));
	OK(add_user(&sc, "example.com", "bob", "bobpw", "Bob Builder", "10000000S", E));
	CHECK(step_ok(&sc, "05-adduser-bob"));
	OK(vp_store_alias_add(sc.s, "example.com", "alias.example", E));
	CHECK(step_ok(&sc, "06-aliasdomain-alias.example"));
	CHECK(creates_match(variant));
	/* 07-12: valias writes .qmail files, no SQL */
	CHECK(step_ok(&sc, "12-valias-names-domain"));
	OK(update(&sc, "example.com", "bob", VP_STORE_F_QUOTA, NULL, 0, "20971520S", E));
	CHECK(step_ok(&sc, "13-setquota-bob-20M"));
	OK(update(&sc, "example.com", "alice", VP_STORE_F_ALL, "newpw", 0, NULL, E));
	CHECK(step_ok(&sc, "14-passwd-alice"));
	OK(update(&sc, "example.com", "bob", VP_STORE_F_ALL, NULL, VP_NO_POP, NULL, E));
	CHECK(step_ok(&sc, "15-moduser-bob-nopop"));
	OK(add_user(&sc, "example.com", "carol", "carolpw", NULL, NULL, E));
	CHECK(step_ok(&sc, "16-adduser-carol"));
	OK(del_user(&sc, "example.com", "carol", E));
	CHECK(step_ok(&sc, "17-deluser-carol"));
	OK(del_domain(&sc, "bounce.test", E));
	CHECK(step_ok(&sc, "18-deldomain-bounce.test"));
	/* A duplicate: the counter was bumped inside the transaction, and the
	 * rollback takes it back (vpopmail never got that far). */
	CHECK_EQ_INT(add_user(&sc, "example.com", "alice", "otherpw", NULL, NULL, E), VA_USERNAME_EXISTS);
	CHECK(step_ok(&sc, "19-err-adduser-duplicate"));
	CHECK(step_ok(&sc, "20-err-adddomain-duplicate"));
	CHECK_EQ_INT(del_user(&sc, "example.com", "nobody", E), VA_USER_DOES_NOT_EXIST);
	CHECK(step_ok(&sc, "21-err-deluser-missing"));
	CHECK_EQ_INT(update(&sc, "example.com", "nobody", VP_STORE_F_ALL, "somepw", 0, NULL, E),
	             VA_USER_DOES_NOT_EXIST);
	CHECK(step_ok(&sc, "22-err-passwd-missing"));
	/* dave@alias.example: the caller resolved the alias to example.com */
	OK(add_user(&sc, "example.com", "dave", "davepw", NULL, NULL, E));
	CHECK(step_ok(&sc, "23-adduser-via-aliasdomain"));
	OK(add_user(&sc, "example.com", "first.last", "flpw", NULL, NULL, E)); /* normalised */
	CHECK(step_ok(&sc, "24-adduser-uppercase-dotted"));
	CHECK(step_ok(&sc, "26-valias-delete-sales"));
	OK(update(&sc, "example.com", "bob", VP_STORE_F_ALL, NULL, 0, NULL, E));
	CHECK(step_ok(&sc, "27-moduser-bob-clearflags"));
	OK(vp_store_alias_del(sc.s, "alias.example", E));
	CHECK(step_ok(&sc, "28-deldomain-aliasdomain"));

	/* The hashes are real: the passwords of the MANIFEST verify. */
	vp_domain_info d = mkdom("example.com");
	vp_user_entry u;
	CHECK_EQ_INT(vp_store_user_get(sc.s, &d, "alice", 0, &u, E), 1);
	CHECK(vp_password_verify("newpw", u.passwd) == 1);
	CHECK(vp_password_verify("alicepw", u.passwd) == 0);
	CHECK_EQ_INT(u.uid_flag, 0);
	vp_store_info info;
	vp_store_info_get(sc.s, &info);
	CHECK_EQ_INT(info.layout, layout == VP_STORE_LAYOUT_AUTO ? VP_STORE_LAYOUT_MANY : layout);
	vp_store_close(sc.s);
}

TEST(scenario_many_domains)
{
	scenario("default", VP_STORE_LAYOUT_AUTO);
}

TEST(scenario_per_domain)
{
	scenario("disable-many-domains", VP_STORE_LAYOUT_PER_DOMAIN);
	/* An existing per-domain database is recognised without being told. */
	vp_store_options o = opts();
	vp_store *s = open_store(&o);
	vp_error e_;
	OK(vp_store_ping(s, E));
	vp_store_info info;
	vp_store_info_get(s, &info);
	CHECK_EQ_INT(info.layout, VP_STORE_LAYOUT_PER_DOMAIN);
	CHECK(info.connected);
	vp_domain_info d = mkdom("example.com");
	unsigned long n = 0;
	OK(vp_store_user_count(s, &d, &n, E));
	CHECK_EQ_INT(n, 5); /* postmaster alice bob dave first.last */
	vp_store_close(s);
	/* ... and a contradicting setting is refused, not obeyed. */
	o.layout = VP_STORE_LAYOUT_MANY;
	s = open_store(&o);
	CHECK_EQ_INT(vp_store_ping(s, E), VA_BAD_CONFIG);
	CHECK(strstr(e_.msg, "per domain") != NULL);
	vp_store_close(s);
}

/* extra-bigdir: the 100th user of a domain goes to hash directory 0. */
TEST(scenario_bigdir)
{
	reset_db();
	vp_store_options o = opts();
	scen sc = { open_store(&o), "default/extra-bigdir", 1796156212 };
	OK(add_domain(&sc, "big.test", "BigPass1", NULL, E));
	CHECK(step_ok(&sc, "01-adddomain-big.test"));
	for (int i = 1; i <= 98; i++) {
		char u[8], pw[8];
		snprintf(u, sizeof u, "u%02d", i);
		snprintf(pw, sizeof pw, "pw%02d", i);
		OK(add_user(&sc, "big.test", u, pw, NULL, NULL, E));
	}
	OK(add_user(&sc, "big.test", "u99", "pw99", NULL, NULL, E));
	CHECK(step_ok(&sc, "02-adduser-u99-100th-user"));
	OK(add_user(&sc, "big.test", "u100", "pw100", NULL, NULL, E));
	CHECK(step_ok(&sc, "03-adduser-u100-101st-user"));
	OK(add_user(&sc, "big.test", "u101", "pw101", NULL, NULL, E));
	CHECK(step_ok(&sc, "04-adduser-u101-102nd-user"));
	OK(del_user(&sc, "big.test", "u100", E));
	CHECK(step_ok(&sc, "05-deluser-u100"));
	vp_store_close(sc.s);
}

/* ---- the record operations ---- */

typedef struct listed {
	char names[64][VP_MAX_PW_NAME + 1];
	int n, stop_after;
} listed;

static int collect(void *ctx, const vp_user_entry *e)
{
	listed *l = ctx;
	if (l->n < 64)
		snprintf(l->names[l->n++], sizeof l->names[0], "%s", e->name);
	return l->stop_after && l->n >= l->stop_after;
}

/* utf8mb4_general_ci on ASCII: the letters as capitals, every other byte
 * as itself (so '^', '_' and '`' come after the letters, not before). */
static int cmp_ci(const void *a, const void *b)
{
	const unsigned char *x = *(const unsigned char *const *)a, *y = *(const unsigned char *const *)b;
	for (;; x++, y++) {
		int cx = *x >= 'a' && *x <= 'z' ? *x - 32 : *x, cy = *y >= 'a' && *y <= 'z' ? *y - 32 : *y;
		if (cx != cy || !*x)
			return cx - cy;
	}
}

TEST(users_get_list_count_update_delete)
{
	reset_db();
	vp_store_options o = opts();
	vp_store *s = open_store(&o);
	vp_error e_;
	vp_domain_info d = mkdom("list.test"), other = mkdom("other.test");
	OK(vp_store_domain_create(s, &d, E));
	/* names whose utf8mb4_general_ci order (the listing's) differs from strcmp's */
	const char *names[] = { "zed", "a_b", "aab", "a~x", "a.b", "a{b", "a^b", "a`b", "b-c", "abc",
	                        "a1", "a9", "aa", "ab", "a_a", "ba", "bz", "b_", "c", "c.d" };
	enum { N = sizeof names / sizeof names[0] };
	for (int i = 0; i < N; i++) {
		char dir[600];
		snprintf(dir, sizeof dir, "%s/%s", d.dir, names[i]);
		vp_user_entry u = mkuser(names[i], "$1$salt$hash", names[i], dir, "NOQUOTA");
		u.flags = (unsigned long)i;
		OK(vp_store_user_add(s, &d, &u, E));
	}
	vp_user_entry x = mkuser("zed", "h", "g", "/d", "NOQUOTA");
	CHECK_EQ_INT(vp_store_user_add(s, &d, &x, E), VA_USERNAME_EXISTS);
	x = mkuser("ZED", "h", "g", "/d", "NOQUOTA"); /* the collation says duplicate */
	CHECK_EQ_INT(vp_store_user_add(s, &d, &x, E), VA_USERNAME_EXISTS);
	x = mkuser("zed", "h", "g", "/d", "NOQUOTA");
	OK(vp_store_user_add(s, &other, &x, E)); /* same name, other domain */

	const char *sorted[N];
	memcpy(sorted, names, sizeof sorted);
	qsort(sorted, N, sizeof sorted[0], cmp_ci);
	listed all = { .n = 0 };
	OK(vp_store_user_list(s, &d, 0, 0, collect, &all, E));
	CHECK_EQ_INT(all.n, N);
	for (int i = 0; i < N && i < all.n; i++)
		CHECK_EQ_STR(all.names[i], sorted[i]);
	/* pages of 7 put together are the whole list */
	listed pages = { .n = 0 };
	for (unsigned long off = 0; off < N + 7; off += 7)
		OK(vp_store_user_list(s, &d, off, 7, collect, &pages, E));
	CHECK_EQ_INT(pages.n, N);
	for (int i = 0; i < N && i < pages.n; i++)
		CHECK_EQ_STR(pages.names[i], sorted[i]);
	listed stop = { .n = 0, .stop_after = 3 };
	OK(vp_store_user_list(s, &d, 5, 0, collect, &stop, E));
	CHECK_EQ_INT(stop.n, 3);
	CHECK_EQ_STR(stop.names[0], sorted[5]);
	/* the handle is usable after an early stop */
	unsigned long n = 0;
	OK(vp_store_user_count(s, &d, &n, E));
	CHECK_EQ_INT(n, N);
	OK(vp_store_user_count(s, &other, &n, E));
	CHECK_EQ_INT(n, 1);
	vp_domain_info none = mkdom("none.test");
	OK(vp_store_user_count(s, &none, &n, E));
	CHECK_EQ_INT(n, 0);

	vp_user_entry u;
	CHECK_EQ_INT(vp_store_user_get(s, &d, "a_b", 0, &u, E), 1);
	CHECK_EQ_STR(u.gecos, "a_b");
	CHECK_EQ_INT(u.flags, 1);
	CHECK_EQ_INT(u.has_clear, 0);
	CHECK_EQ_INT(vp_store_user_get(s, &d, "A_B", 0, &u, E), 0);  /* bytes, not the collation */
	CHECK_EQ_INT(vp_store_user_get(s, &d, "a_b ", 0, &u, E), 0);
	CHECK_EQ_INT(vp_store_user_get(s, &d, "nobody", 0, &u, E), 0);

	/* update: only the fields asked for; same values are not "missing" */
	CHECK_EQ_INT(vp_store_user_get(s, &d, "abc", 0, &u, E), 1);
	snprintf(u.gecos, sizeof u.gecos, "Alpha Beta");
	snprintf(u.quota, sizeof u.quota, "5000000S");
	snprintf(u.passwd, sizeof u.passwd, "not written");
	u.flags = VP_NO_IMAP;
	OK(vp_store_user_update(s, &d, &u, VP_STORE_F_GECOS | VP_STORE_F_QUOTA | VP_STORE_F_FLAGS, E));
	OK(vp_store_user_update(s, &d, &u, VP_STORE_F_GECOS, E));
	vp_user_entry v;
	CHECK_EQ_INT(vp_store_user_get(s, &d, "abc", 0, &v, E), 1);
	CHECK_EQ_STR(v.gecos, "Alpha Beta");
	CHECK_EQ_STR(v.quota, "5000000S");
	CHECK_EQ_STR(v.passwd, "$1$salt$hash");
	CHECK_EQ_INT(v.flags, VP_NO_IMAP);
	snprintf(u.name, sizeof u.name, "ABC");
	CHECK_EQ_INT(vp_store_user_update(s, &d, &u, VP_STORE_F_GECOS, E), VA_USER_DOES_NOT_EXIST);
	snprintf(u.name, sizeof u.name, "nobody");
	CHECK_EQ_INT(vp_store_user_update(s, &d, &u, VP_STORE_F_GECOS, E), VA_USER_DOES_NOT_EXIST);
	/* too long for the column: refused before anything is sent */
	CHECK_EQ_INT(vp_store_user_get(s, &d, "abc", 0, &u, E), 1);
	snprintf(u.quota, sizeof u.quota, "123456789012345678901S"); /* pw_shell is VARCHAR(20) */
	CHECK_EQ_INT(vp_store_user_update(s, &d, &u, VP_STORE_F_QUOTA, E), VA_QUOTA_TOO_LONG);
	CHECK(strstr(e_.msg, "vpopmail.pw_shell") != NULL);

	/* delete: exact names only */
	CHECK_EQ_INT(vp_store_user_del(s, &d, "ZED", E), VA_USER_DOES_NOT_EXIST);
	OK(vp_store_user_del(s, &d, "zed", E));
	CHECK_EQ_INT(vp_store_user_del(s, &d, "zed", E), VA_USER_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_store_user_get(s, &other, "zed", 0, &u, E), 1);
	OK(vp_store_user_count(s, &d, &n, E));
	CHECK_EQ_INT(n, N - 1);
	vp_store_close(s);
}

/* Quotes and backslashes are data: bound parameters, no escaping. */
TEST(hostile_names_verbatim)
{
	reset_db();
	vp_store_options o = opts();
	vp_store *s = open_store(&o);
	vp_error e_;
	vp_domain_info d = mkdom("evil.test");
	OK(vp_store_domain_create(s, &d, E));
	const char *bad = "o'b\"r\\n%_x";
	const char *gecos = "O'Brien \"Q\" back\\slash";
	vp_user_entry u = mkuser(bad, "$6$x", gecos, "/home/vpopmail/domains/evil.test/o'b", "NOQUOTA");
	OK(vp_store_user_add(s, &d, &u, E));
	vp_user_entry inj = mkuser("x' OR '1'='1", "h", "g", "/d", "NOQUOTA");
	vp_user_entry v;
	CHECK_EQ_INT(vp_store_user_get(s, &d, inj.name, 0, &v, E), 0);
	CHECK_EQ_INT(vp_store_user_del(s, &d, inj.name, E), VA_USER_DOES_NOT_EXIST);
	CHECK_EQ_INT(vp_store_user_get(s, &d, bad, 0, &v, E), 1);
	CHECK_EQ_STR(v.name, bad);
	CHECK_EQ_STR(v.gecos, gecos);
	CHECK_EQ_STR(v.dir, "/home/vpopmail/domains/evil.test/o'b");
	/* 6f 27 62 22 72 5c 6e 25 5f 78: one byte each, nothing doubled */
	char *raw = root_tsv("SELECT HEX(pw_name), HEX(pw_gecos) FROM vpopmail.vpopmail", 0);
	CHECK_EQ_STR(raw, "6F276222725C6E255F78\t4F27427269656E20225122206261636B5C736C617368\n");
	free(raw);
	OK(vp_store_lastauth_set(s, &d, &u, "10.0.0.1", 42, E));
	vp_store_lastauth la;
	CHECK_EQ_INT(vp_store_lastauth_get(s, &d, &u, &la, E), 1);
	CHECK_EQ_STR(la.ip, "10.0.0.1");
	listed l = { .n = 0 };
	OK(vp_store_user_list(s, &d, 0, 0, collect, &l, E));
	CHECK_EQ_INT(l.n, 1);
	CHECK_EQ_STR(l.names[0], bad);
	OK(vp_store_user_del(s, &d, bad, E));
	unsigned long n = 1;
	OK(vp_store_user_count(s, &d, &n, E));
	CHECK_EQ_INT(n, 0);
	vp_store_close(s);
}

typedef struct aliases {
	char names[8][VP_MAX_PW_DOMAIN + 1];
	int n;
} aliases;

static int collect_alias(void *ctx, const char *name)
{
	aliases *a = ctx;
	if (a->n < 8)
		snprintf(a->names[a->n++], sizeof a->names[0], "%s", name);
	return 0;
}

TEST(lastauth_and_aliases)
{
	reset_db();
	vp_store_options o = opts();
	vp_store *s = open_store(&o);
	vp_error e_;
	vp_domain_info d = mkdom("la.test");
	vp_user_entry u = mkuser("alice", "h", "alice", "/d", "NOQUOTA");
	vp_store_lastauth la;
	CHECK_EQ_INT(vp_store_lastauth_get(s, &d, &u, &la, E), 0); /* no table yet */
	CHECK_EQ_INT(la.state, 0);
	OK(vp_store_lastauth_set(s, &d, &u, NULL, 1000, E));
	CHECK_EQ_INT(vp_store_lastauth_get(s, &d, &u, &la, E), 1);
	CHECK_EQ_INT(la.state, 1);
	CHECK_EQ_STR(la.ip, "0.0.0.0");
	CHECK_EQ_INT(la.time, 1000);
	OK(vp_store_lastauth_set(s, &d, &u, "2001:db8::1", 2000, E));
	CHECK_EQ_INT(vp_store_lastauth_get(s, &d, &u, &la, E), 1);
	CHECK_EQ_INT(la.state, 2);
	CHECK_EQ_STR(la.ip, "2001:db8::1");
	CHECK_EQ_INT(la.time, 2000);
	/* lastauth.user is VARCHAR(32) in vpopmail's schema: a longer name gets
	 * no row (as vpopmail's own insert fails), never a cut one */
	vp_user_entry longu = mkuser("abcdefghijklmnopqrstuvwxyz0123456", "h", "g", "/d", "NOQUOTA");
	OK(vp_store_lastauth_set(s, &d, &longu, NULL, 1, E));
	CHECK_EQ_INT(vp_store_lastauth_get(s, &d, &longu, &la, E), 0);
	char *cut = root_tsv("SELECT COUNT(*) FROM vpopmail.lastauth WHERE user LIKE 'abcdefghijklmnopqrstuvwxyz012345%'", 0);
	CHECK(cut && strcmp(cut, "0\n") == 0);
	free(cut);
	OK(vp_store_lastauth_del(s, &d, "alice", E));
	CHECK_EQ_INT(vp_store_lastauth_get(s, &d, &u, &la, E), 0);
	char *rows = root_tsv("SELECT COUNT(*) FROM vpopmail.lastauth", 0);
	CHECK(rows && strcmp(rows, "0\n") == 0);
	free(rows);

	char real[VP_MAX_PW_DOMAIN + 1];
	CHECK_EQ_INT(vp_store_alias_get(s, "alias.test", real, sizeof real, E), 0);
	OK(vp_store_alias_add(s, "la.test", "alias.test", E));
	OK(vp_store_alias_add(s, "la.test", "b-alias.test", E));
	OK(vp_store_alias_add(s, "other.test", "x.test", E));
	CHECK_EQ_INT(vp_store_alias_get(s, "alias.test", real, sizeof real, E), 1);
	CHECK_EQ_STR(real, "la.test");
	aliases al = { .n = 0 };
	OK(vp_store_alias_list(s, "la.test", collect_alias, &al, E));
	CHECK_EQ_INT(al.n, 2);
	CHECK_EQ_STR(al.names[0], "alias.test");
	CHECK_EQ_STR(al.names[1], "b-alias.test");
	/* users/assign is the truth: a re-add elsewhere moves the row */
	OK(vp_store_alias_add(s, "other.test", "b-alias.test", E));
	CHECK_EQ_INT(vp_store_alias_get(s, "b-alias.test", real, sizeof real, E), 1);
	CHECK_EQ_STR(real, "other.test");
	OK(vp_store_alias_del(s, "alias.test", E));
	OK(vp_store_alias_del(s, "alias.test", E)); /* gone already: fine */
	al.n = 0;
	OK(vp_store_alias_list(s, "la.test", collect_alias, &al, E));
	CHECK_EQ_INT(al.n, 0);
	/* dropping a domain takes its alias rows, as alias and as target */
	vp_domain_info od = mkdom("other.test");
	OK(vp_store_domain_drop(s, &od, E));
	CHECK_EQ_INT(vp_store_alias_get(s, "x.test", real, sizeof real, E), 0);
	CHECK_EQ_INT(vp_store_alias_get(s, "b-alias.test", real, sizeof real, E), 0);
	vp_store_close(s);
}

/* A login's lastauth row (outside a transaction) is sent without waiting
 * for its answer: the next statement on the connection reads it first, a
 * close too, and a failed one (best effort) never breaks what comes next. */
TEST(lastauth_sent_ahead)
{
	vp_store_options o = opts();
	vp_domain_info d = mkdom("ahead.test");
	vp_store *s = fresh_store_with(&o, &d);
	vp_error e_;
	vp_user_entry u = mkuser("alice", "h", "alice", "/d", "NOQUOTA"), v;
	OK(vp_store_begin(s, &d, VP_STORE_NEED_LASTAUTH, E));
	OK(vp_store_user_add(s, &d, &u, E));
	OK(vp_store_lastauth_set(s, &d, &u, NULL, 1, E)); /* in the transaction: waited for */
	OK(vp_store_commit(s, E));
	vp_store_lastauth la;
	for (int i = 0; i < 50; i++) {
		char ip[32];
		snprintf(ip, sizeof ip, "192.0.2.%d", i);
		OK(vp_store_lastauth_set(s, &d, &u, ip, 100 + i, E));
		/* the very next statement sees it (one connection, answers in order) */
		CHECK_EQ_INT(vp_store_lastauth_get(s, &d, &u, &la, E), 1);
		CHECK_EQ_STR(la.ip, ip);
		CHECK_EQ_INT(la.time, 100 + i);
		OK(vp_store_lastauth_set(s, &d, &u, ip, 200 + i, E));
		CHECK_EQ_INT(vp_store_user_get(s, &d, "alice", 0, &v, E), 1); /* any statement */
	}
	vp_store_info info;
	vp_store_info_get(s, &info);
	CHECK(info.sent_ahead >= 90); /* not waited for (a few may answer at once) */
	/* a close reads the answer first: the row is there for everyone after */
	OK(vp_store_lastauth_set(s, &d, &u, "198.51.100.7", 777, E));
	vp_store_close(s);
	char *rows = root_tsv("SELECT remote_ip, timestamp FROM vpopmail.lastauth WHERE user = 'alice'", 0);
	CHECK(rows && strcmp(rows, "198.51.100.7\t777\n") == 0);
	free(rows);
	/* the table gone behind our back: the statement fails on the server,
	 * the login does not learn it, the connection goes on */
	s = open_store(&o);
	OK(vp_store_lastauth_set(s, &d, &u, "198.51.100.8", 778, E)); /* prepared now */
	CHECK_EQ_INT(vp_store_user_get(s, &d, "alice", 0, &v, E), 1);
	free(root_tsv("DROP TABLE vpopmail.lastauth", 0));
	/* an error here or later: the caller (a login) drops it either way */
	vp_store_lastauth_set(s, &d, &u, "198.51.100.9", 779, E);
	CHECK_EQ_INT(vp_store_user_get(s, &d, "alice", 0, &v, E), 1);
	CHECK_EQ_STR(v.gecos, "alice");
	vp_store_info_get(s, &info);
	CHECK_EQ_INT(info.connects, 1);
	vp_store_close(s);
}

/* Deleting a domain's rows is work that grows with the domain: its answer
 * may come later than one read timeout (here: a lock another client holds
 * for 2.5 s against a 1 s timeout) without the connection being given up. */
TEST(domain_drop_outlasts_the_read_timeout)
{
	vp_store_options o = opts();
	o.connect_timeout = 1;
	vp_domain_info d = mkdom("long.test");
	vp_store *s = fresh_store_with(&o, &d);
	vp_error e_;
	vp_user_entry u = mkuser("alice", "h", "alice", "/d", "NOQUOTA");
	OK(vp_store_user_add(s, &d, &u, E));
	int ready[2];
	CHECK_EQ_INT(pipe(ready), 0);
	pid_t pid = fork();
	if (pid == 0) {
		MYSQL *m = root_connect();
		int ok = m && mysql_query(m, "START TRANSACTION") == 0 &&
		         mysql_query(m, "SELECT * FROM vpopmail.vpopmail WHERE pw_domain = 'long.test' "
		                        "FOR UPDATE") == 0;
		if (ok)
			mysql_free_result(mysql_store_result(m));
		ssize_t w = write(ready[1], ok ? "y" : "n", 1);
		(void)w;
		usleep(2500000);
		if (m) {
			mysql_query(m, "COMMIT");
			mysql_close(m);
		}
		_exit(0);
	}
	char c = 0;
	CHECK_EQ_INT((int)read(ready[0], &c, 1), 1);
	CHECK(c == 'y');
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	OK(vp_store_domain_drop(s, &d, E));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(took > 1.5); /* it did wait past the 1 s timeout */
	int status;
	waitpid(pid, &status, 0);
	close(ready[0]);
	close(ready[1]);
	vp_user_entry v;
	CHECK_EQ_INT(vp_store_user_get(s, &d, "alice", 0, &v, E), 0);
	vp_store_info info;
	vp_store_info_get(s, &info);
	CHECK_EQ_INT(info.connects, 1);
	vp_store_close(s);
}

/* A DBA's index on vpopmail(pw_domain): count and list answer the same
 * with it, and after it is dropped behind the connection's back. */
TEST(dba_index_on_pw_domain)
{
	vp_store_options o = opts();
	vp_domain_info d = mkdom("idx.test"), other = mkdom("other.test");
	vp_store *s = fresh_store_with(&o, &d);
	OK(vp_store_domain_create(s, &other, E));
	const char *names[] = { "b_b", "bab", "aa", "zz" };
	for (int i = 0; i < 4; i++) {
		vp_user_entry u = mkuser(names[i], "h", names[i], "/d", "NOQUOTA");
		OK(vp_store_user_add(s, &d, &u, E));
		OK(vp_store_user_add(s, &other, &u, E));
	}
	vp_store_close(s);
	free(root_tsv("CREATE INDEX by_domain ON vpopmail.vpopmail (pw_domain)", 0));
	s = open_store(&o);
	unsigned long n = 0;
	listed l = { .n = 0 };
	for (int round = 0; round < 2; round++) {
		OK(vp_store_user_count(s, &d, &n, E));
		CHECK_EQ_INT(n, 4);
		l.n = 0;
		OK(vp_store_user_list(s, &d, 1, 2, collect, &l, E));
		CHECK_EQ_INT(l.n, 2);
		CHECK_EQ_STR(l.names[0], "bab");
		CHECK_EQ_STR(l.names[1], "b_b");
		if (round == 0)
			free(root_tsv("DROP INDEX by_domain ON vpopmail.vpopmail", 0));
	}
	vp_store_info info;
	vp_store_info_get(s, &info);
	CHECK_EQ_INT(info.connects, 1);
	vp_store_close(s);
}

/* A 5.4-era table: CHAR(40) cannot hold a SHA-512 hash.  Refused, the table
 * left exactly as it was; what fits still works, clear text included. */
TEST(too_narrow_columns_refused)
{
	reset_db();
	CHECK_EQ_INT(root_exec("CREATE TABLE vpopmail.vpopmail ( pw_name char(32) not null, "
	                       "pw_domain char(96) not null, pw_passwd char(40), pw_uid int, pw_gid int, "
	                       "pw_gecos char(48), pw_dir char(160), pw_shell char(20), "
	                       "pw_clear_passwd char(16), primary key (pw_name, pw_domain ) )"), 0);
	char *before = root_tsv("SHOW CREATE TABLE vpopmail.vpopmail", 0);
	vp_config c54 = cfg;
	c54.clear_passwords = 1;
	vp_store_options o = opts();
	vp_store *s = NULL;
	vp_error e_;
	CHECK_EQ_INT(vp_store_open(&vp_store_mysql_driver, &c54, &o, &s, E), 0);
	vp_domain_info d = mkdom("old.test");
	OK(vp_store_domain_create(s, &d, E)); /* IF NOT EXISTS: changes nothing */
	char sha[VP_HASH_BUF], md5[VP_HASH_BUF];
	CHECK_EQ_INT(vp_password_hash(VP_HASH_SHA512, "secret", sha, sizeof sha, E), 0);
	CHECK_EQ_INT(vp_password_hash(VP_HASH_MD5, "secret", md5, sizeof md5, E), 0);
	vp_user_entry u = mkuser("alice", sha, "alice", "/home/vpopmail/domains/old.test/alice", "NOQUOTA");
	CHECK_EQ_INT(vp_store_user_add(s, &d, &u, E), VA_PASSWD_TOO_LONG);
	CHECK(strstr(e_.msg, "vpopmail.pw_passwd") != NULL && strstr(e_.msg, "40") != NULL);
	char *rows = root_tsv("SELECT COUNT(*) FROM vpopmail.vpopmail", 0);
	CHECK(rows && strcmp(rows, "0\n") == 0);
	free(rows);
	snprintf(u.passwd, sizeof u.passwd, "%s", md5); /* 34 characters fit */
	snprintf(u.clear, sizeof u.clear, "secret");
	u.has_clear = 1;
	OK(vp_store_user_add(s, &d, &u, E));
	vp_store_info info;
	vp_store_info_get(s, &info);
	CHECK_EQ_INT(info.clear_column, 1);
	vp_user_entry v;
	CHECK_EQ_INT(vp_store_user_get(s, &d, "alice", 0, &v, E), 1);
	CHECK_EQ_STR(v.passwd, md5);
	CHECK_EQ_INT(v.has_clear, 1);
	CHECK_EQ_STR(v.clear, "secret");
	/* a password change with the clear text off leaves none behind */
	snprintf(v.passwd, sizeof v.passwd, "%s", md5);
	v.has_clear = 0;
	OK(vp_store_user_update(s, &d, &v, VP_STORE_F_PASSWD, E));
	rows = root_tsv("SELECT pw_clear_passwd FROM vpopmail.vpopmail", 0);
	CHECK(rows && strcmp(rows, "NULL\n") == 0);
	free(rows);
	snprintf(v.clear, sizeof v.clear, "seventeen-chars!!");
	v.has_clear = 1;
	CHECK_EQ_INT(vp_store_user_update(s, &d, &v, VP_STORE_F_PASSWD | VP_STORE_F_CLEAR, E),
	             VA_CLEAR_PASSWD_TOO_LONG);
	snprintf(v.passwd, sizeof v.passwd, "%s", sha);
	CHECK_EQ_INT(vp_store_user_update(s, &d, &v, VP_STORE_F_PASSWD, E), VA_PASSWD_TOO_LONG);
	CHECK_EQ_INT(vp_store_user_get(s, &d, "alice", 0, &v, E), 1);
	CHECK_EQ_STR(v.passwd, md5); /* nothing was written */
	char *after = root_tsv("SHOW CREATE TABLE vpopmail.vpopmail", 0);
	CHECK(before && after && strcmp(before, after) == 0);
	free(before);
	free(after);
	vp_store_close(s);
}

/* vpopmail 5.6's default table has no pw_clear_passwd: no clear text anywhere. */
TEST(no_clear_column_no_clear_text)
{
	reset_db();
	vp_store_options o = opts();
	vp_store *s = open_store(&o);
	vp_error e_;
	vp_domain_info d = mkdom("clear.test");
	OK(vp_store_domain_create(s, &d, E));
	vp_user_entry u = mkuser("bob", "$6$x", "bob", "/d", "NOQUOTA");
	snprintf(u.clear, sizeof u.clear, "cleartext-secret");
	u.has_clear = 1;
	OK(vp_store_user_add(s, &d, &u, E));
	OK(vp_store_user_update(s, &d, &u, VP_STORE_F_ALL, E));
	vp_user_entry v;
	CHECK_EQ_INT(vp_store_user_get(s, &d, "bob", 0, &v, E), 1);
	CHECK_EQ_INT(v.has_clear, 0);
	char *dump = root_tsv("SELECT * FROM vpopmail.vpopmail", 1);
	CHECK(dump && strstr(dump, "cleartext-secret") == NULL && strstr(dump, "pw_clear") == NULL);
	free(dump);
	vp_store_close(s);

	/* With clear passwords on, an empty database gets the column of
	 * vpopmail's --enable-clear-passwd, after pw_shell, and the value. */
	reset_db();
	vp_config cc = cfg;
	cc.clear_passwords = 1;
	CHECK_EQ_INT(vp_store_open(&vp_store_mysql_driver, &cc, &o, &s, E), 0);
	OK(vp_store_domain_create(s, &d, E));
	OK(vp_store_user_add(s, &d, &u, E));
	CHECK_EQ_INT(vp_store_user_get(s, &d, "bob", 0, &v, E), 1);
	CHECK_EQ_INT(v.has_clear, 1);
	CHECK_EQ_STR(v.clear, "cleartext-secret");
	dump = root_tsv("SHOW CREATE TABLE vpopmail.vpopmail", 0);
	CHECK(dump && strstr(dump, "`pw_shell` varchar(20) DEFAULT NULL,\\n  `pw_clear_passwd` varchar(128) DEFAULT NULL,") != NULL);
	if (dump && !strstr(dump, "`pw_clear_passwd` varchar(128)"))
		fprintf(stderr, "%s", dump);
	free(dump);
	vp_store_close(s);
}

/* No server: -23 at once.  A server that never answers: -23 after the
 * connect timeout, not a hang.  Both measured against that timeout. */
TEST(unreachable_is_quick)
{
	vp_store_options o = opts();
	char nosock[2500], silent[2500];
	snprintf(nosock, sizeof nosock, "%s/no-server.sock", tmpdir);
	snprintf(silent, sizeof silent, "%s/silent.sock", tmpdir);
	o.mysql_socket = nosock;
	o.connect_timeout = 2;
	vp_store *s = open_store(&o);
	vp_error e_;
	vp_domain_info d = mkdom("x.test");
	vp_user_entry u;
	double t0 = now_s();
	CHECK_EQ_INT(vp_store_user_get(s, &d, "alice", 0, &u, E), VA_NO_AUTH_CONNECTION);
	double dt = now_s() - t0;
	CHECK(strstr(e_.msg, "connect") != NULL);
	fprintf(stderr, "  no server: %.4f s = %.4f of the connect timeout\n", dt, dt / 2.0);
	CHECK(dt / 2.0 < 0.25);
	vp_store_info info;
	vp_store_info_get(s, &info);
	CHECK(!info.connected);
	vp_store_close(s);

	/* a listening socket nobody serves: the greeting never comes */
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	CHECK(strlen(silent) < sizeof sa.sun_path);
	memcpy(sa.sun_path, silent, strlen(silent) < sizeof sa.sun_path ? strlen(silent) : 0);
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(fd, 8) == 0);
	o.mysql_socket = silent;
	o.connect_timeout = 1;
	s = open_store(&o);
	t0 = now_s();
	CHECK_EQ_INT(vp_store_ping(s, E), VA_NO_AUTH_CONNECTION);
	dt = now_s() - t0;
	fprintf(stderr, "  silent server: %.3f s = %.2f of the connect timeout\n", dt, dt / 1.0);
	CHECK(dt / 1.0 >= 0.5 && dt / 1.0 < 3.0);
	vp_store_close(s);
	close(fd);

	/* a wrong password is an answer, not a wait */
	char badconf[2500];
	snprintf(badconf, sizeof badconf, "%s/bad.mysql", tmpdir);
	FILE *f = fopen(badconf, "w");
	if (f) {
		fputs("localhost|0|vpopmailuser|wrong|vpopmail\n", f);
		fclose(f);
	}
	o = opts();
	o.mysql_config = badconf;
	o.connect_timeout = 2;
	s = open_store(&o);
	t0 = now_s();
	CHECK_EQ_INT(vp_store_ping(s, E), VA_NO_AUTH_CONNECTION);
	dt = now_s() - t0;
	CHECK(strstr(e_.msg, "1045") != NULL);
	CHECK(dt / 2.0 < 0.25);
	vp_store_close(s);
}

/* Connector/C's own default socket: MYSQL_UNIX_PORT (set before init). */
TEST(socket_from_environment)
{
	vp_store_options o = opts();
	o.mysql_socket = NULL;
	vp_store *s = open_store(&o);
	OK(vp_store_ping(s, E));
	vp_store_info info;
	vp_store_info_get(s, &info);
	CHECK(strstr(info.server, "localhost via socket") != NULL);
	CHECK_EQ_STR(info.database, "vpopmail");
	vp_store_close(s);
}

/* A restarted server costs one reconnect; inside a transaction the caller
 * hears of it (and nothing half-done is committed). */
TEST(reconnect_after_restart)
{
	reset_db();
	vp_store_options o = opts();
	vp_store *a = open_store(&o), *b = open_store(&o);
	vp_error e_;
	vp_domain_info d = mkdom("re.test");
	OK(vp_store_domain_create(a, &d, E));
	vp_user_entry u = mkuser("alice", "h", "alice", "/d", "NOQUOTA"), v;
	OK(vp_store_user_add(a, &d, &u, E));
	CHECK_EQ_INT(vp_store_user_get(a, &d, "alice", 0, &v, E), 1);
	OK(vp_store_begin(b, &d, VP_STORE_NEED_LASTAUTH, E));
	vp_user_entry w = mkuser("walt", "h", "walt", "/d", "NOQUOTA");
	OK(vp_store_user_add(b, &d, &w, E));
	mysql_close(root);
	CHECK_EQ_INT(server_stop(), 0);
	CHECK_EQ_INT(server_start(), 0);
	root = root_connect();
	vp_store_info info;
	vp_store_info_get(a, &info);
	CHECK_EQ_INT(info.connects, 1);
	CHECK_EQ_INT(vp_store_user_get(a, &d, "alice", 0, &v, E), 1); /* not an error */
	vp_store_info_get(a, &info);
	CHECK_EQ_INT(info.connects, 2);
	OK(vp_store_user_update(a, &d, &v, VP_STORE_F_GECOS, E));
	vp_user_entry x = mkuser("xena", "h", "xena", "/d", "NOQUOTA");
	CHECK_EQ_INT(vp_store_user_add(b, &d, &x, E), VA_NO_AUTH_CONNECTION);
	/* the rest of that operation must not go on, reconnected and unguarded */
	vp_user_entry y = mkuser("yuri", "h", "yuri", "/d", "NOQUOTA");
	CHECK_EQ_INT(vp_store_user_add(b, &d, &y, E), VA_NO_AUTH_CONNECTION);
	CHECK_EQ_INT(vp_store_lastauth_set(b, &d, &y, NULL, 1, E), VA_NO_AUTH_CONNECTION);
	CHECK_EQ_INT(vp_store_commit(b, E), VA_NO_AUTH_CONNECTION);
	CHECK_EQ_INT(vp_store_user_get(a, &d, "yuri", 0, &v, E), 0);
	CHECK_EQ_INT(vp_store_user_get(b, &d, "walt", 0, &v, E), 0); /* reconnected; walt never was */
	CHECK_EQ_INT(vp_store_user_get(b, &d, "alice", 0, &v, E), 1);
	vp_store_close(a);
	vp_store_close(b);
}

/* Several processes bump one counter at once (its row missing at first):
 * every increment is there afterwards, and the bucket is where that many
 * vp_dirc_inc calls put it. */
TEST(concurrent_counter_increments)
{
	reset_db();
	enum { PROCS = 4, EACH = 40 };
	int go[2];
	CHECK_EQ_INT(pipe(go), 0);
	pid_t pids[PROCS];
	for (int i = 0; i < PROCS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			char c;
			close(go[1]);
			if (read(go[0], &c, 1) < 0)
				_exit(3);
			vp_store_options o = opts();
			vp_store *s = NULL;
			vp_error e;
			if (vp_store_open(&vp_store_mysql_driver, &cfg, &o, &s, &e) != 0)
				_exit(2);
			vp_domain_info d = mkdom("race.test");
			vp_store_counter ctr = { &d, 89, 89 };
			int bad = 0;
			for (int k = 0; k < EACH; k++) {
				vp_dir_control dc;
				int rc = vp_store_dirc_next(s, &ctr, &dc, &e);
				if (rc == VA_FILE_BUSY)
					rc = vp_store_dirc_next(s, &ctr, &dc, &e); /* a deadlock victim redoes */
				if (rc != 0) {
					fprintf(stderr, "  child %d: %d %s\n", i, rc, e.msg);
					bad = 1;
				}
			}
			vp_store_close(s);
			_exit(bad);
		}
	}
	close(go[0]);
	CHECK_EQ_INT(write(go[1], "xxxx", PROCS), PROCS);
	close(go[1]);
	for (int i = 0; i < PROCS; i++) {
		int st = 0;
		waitpid(pids[i], &st, 0);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	vp_store_options o = opts();
	vp_store *s = open_store(&o);
	vp_error e_;
	vp_domain_info d = mkdom("race.test");
	vp_store_counter ctr = { &d, 89, 89 };
	vp_dir_control got, want;
	CHECK_EQ_INT(vp_store_dirc_get(s, &ctr, &got, E), 1);
	vp_dirc_init(&want);
	for (int i = 0; i < PROCS * EACH; i++)
		vp_dirc_inc(&want);
	CHECK_EQ_INT(got.cur_users, PROCS * EACH);
	CHECK_EQ_STR(got.bucket, want.bucket);
	CHECK_EQ_INT(got.level_index[0], want.level_index[0]);
	vp_store_close(s);
}

int main(void)
{
	const char *sd = getenv("VP_SRCDIR"), *td = getenv("VP_TMP"), *fx = getenv("VP_FIXTURES");
	if (!sd || !td) {
		fprintf(stderr, "VP_SRCDIR and VP_TMP must be set (run me through scripts/libcore-tests.sh)\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	snprintf(srcdir, sizeof srcdir, "%s", sd);
	snprintf(tmpdir, sizeof tmpdir, "%s", td);
	snprintf(fixtures, sizeof fixtures, "%s", fx ? fx : "");
	if (!fx)
		snprintf(fixtures, sizeof fixtures, "%s/tests/fixtures", srcdir);
	snprintf(dbdir, sizeof dbdir, "%s/db", tmpdir);
	snprintf(sock, sizeof sock, "%s/sock", dbdir);
	snprintf(conffile, sizeof conffile, "%s/vpopmail.mysql", dbdir);
	if (system("command -v mariadbd >/dev/null 2>&1") != 0) {
		fprintf(stderr, "test_store_mysql: mariadbd is not installed (Debian package mariadb-server; "
		                "scripts/deps.sh installs it): the mysql store cannot be tested. FAIL\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	char owner[32];
	snprintf(owner, sizeof owner, "%ld", (long)getpid());
	setenv("VP_MARIADB_OWNER", owner, 1); /* a crashed test leaves no server behind */
	if (server_start() != 0) {
		fprintf(stderr, "test_store_mysql: scripts/mariadb.sh could not start a server in %s. FAIL\n",
		        dbdir);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	/* Connector/C reads MYSQL_UNIX_PORT once, when it initialises. */
	setenv("MYSQL_UNIX_PORT", sock, 1);
	vp_store_library_init();
	root = root_connect();
	memset(&cfg, 0, sizeof cfg);
	cfg.vpopmail_dir = "/home/vpopmail";
	if (root) {
		RUN(conf_parse);
		RUN(domain_table_names);
		RUN(scenario_many_domains);
		RUN(scenario_per_domain);
		RUN(scenario_bigdir);
		RUN(users_get_list_count_update_delete);
		RUN(hostile_names_verbatim);
		RUN(lastauth_and_aliases);
		RUN(lastauth_sent_ahead);
		RUN(dba_index_on_pw_domain);
		RUN(domain_drop_outlasts_the_read_timeout);
		RUN(too_narrow_columns_refused);
		RUN(no_clear_column_no_clear_text);
		RUN(unreachable_is_quick);
		RUN(socket_from_environment);
		RUN(concurrent_counter_increments);
		RUN(reconnect_after_restart);
		mysql_close(root);
	} else {
		t_failed++;
	}
	server_stop();
	vp_store_library_end();
	return T_SUMMARY();
}
