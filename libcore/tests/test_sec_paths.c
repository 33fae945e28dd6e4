/* test_sec_paths.c: issue 12, classes 5, 6 and 8, and del_user against a
 * concurrent lastauth (class 3), each mounted as the attacker would:
 *  5. vpasswd edited (as the vpopmail user can) so that a user's directory
 *     points at a folder outside the tree, or through '..' at another
 *     domain's user: logins, quota usage, set_quota, user info, del_user,
 *     set_catchall and batches refuse it (VA_UNSAFE_PATH) and nothing
 *     outside is created, changed or removed;
 *  6. a real symlink swap of <home>/domains, a domain dir, a bucket dir, a
 *     home and a Maildir, each pointing at the real data moved into a canary
 *     tree outside: every call leaves the canary byte for byte as it was;
 *     as root, a directory on the way that others may write is refused;
 *     both again where the kernel refuses openat2 (seccomp, old kernels),
 *     so that the step-by-step walk alone holds too;
 *  8. homes 200 and 5000 levels deep: del_user, a batch's delete and
 *     del_domain succeed, the tree is gone, the name can be added again;
 *  3. del_user racing logins that write lastauth, hundreds of rounds:
 *     del_user never fails and the name can always be added again. */
#include "t.h"
#include "tree.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "fixture.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"

#define UNSAFE VA_UNSAFE_PATH

/* ---- a canary tree: everything below a folder, as text ---- */

static uint64_t fnv(const char *d, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)d[i]) * 1099511628211ULL;
	return h;
}

typedef struct snap {
	char *s;
	size_t len, cap;
} snap;

static void snap_add(snap *sn, const char *text)
{
	size_t n = strlen(text);
	if (sn->len + n + 1 > sn->cap) {
		sn->cap = (sn->len + n + 1) * 2;
		sn->s = realloc(sn->s, sn->cap);
	}
	memcpy(sn->s + sn->len, text, n + 1);
	sn->len += n;
}

/* Names, types, modes, owners, sizes, content hashes, link targets;
 * mtimes of files too (a lastauth "touched" is a write). */
static void snap_dir(snap *sn, const char *dir, const char *rel)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	for (size_t i = 0; i + 1 < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(names[i], names[j]) > 0) {
				char *t = names[i];
				names[i] = names[j];
				names[j] = t;
			}
	for (size_t i = 0; i < n; i++) {
		char p[4096], r[4096], line[8192];
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		snprintf(r, sizeof r, "%s/%s", rel, names[i]);
		struct stat st;
		if (lstat(p, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			snprintf(line, sizeof line, "%s d %o %u:%u\n", r, (unsigned)(st.st_mode & 07777),
			         (unsigned)st.st_uid, (unsigned)st.st_gid);
			snap_add(sn, line);
			snap_dir(sn, p, r);
		} else if (S_ISLNK(st.st_mode)) {
			char t[4096];
			ssize_t tl = readlink(p, t, sizeof t - 1);
			t[tl > 0 ? tl : 0] = '\0';
			snprintf(line, sizeof line, "%s l -> %s\n", r, t);
			snap_add(sn, line);
		} else {
			size_t len = 0;
			char *data = slurp(p, &len);
			snprintf(line, sizeof line, "%s f %o %u:%u %lld %llx %lld.%09ld\n", r,
			         (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid,
			         (long long)st.st_size, (unsigned long long)fnv(data ? data : "", len),
			         (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
			snap_add(sn, line);
			free(data);
		}
		free(names[i]);
	}
	free(names);
}

static char *snapshot(const char *dir)
{
	snap sn = { NULL, 0, 0 };
	snap_add(&sn, "");
	snap_dir(&sn, dir, ".");
	return sn.s;
}

/* 1 when dir is as `before`; prints the first difference otherwise. */
static int unchanged(const char *dir, const char *before, const char *what)
{
	char *now = snapshot(dir);
	int same = strcmp(now, before) == 0;
	if (!same) {
		const char *a = before, *b = now;
		while (*a && *a == *b)
			a++, b++;
		while (a > before && a[-1] != '\n')
			a--, b--;
		fprintf(stderr, "    %s: %s changed:\n      was: %.*s\n      now: %.*s\n", what, dir,
		        (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
	}
	free(now);
	return same;
}

/* The names in dir (top level only), sorted, one space between (malloc'd). */
static char *names_in(const char *dir)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0, total = 1;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		names[n++] = strdup(de->d_name);
		total += strlen(de->d_name) + 1;
	}
	if (d)
		closedir(d);
	char *out = calloc(1, total);
	for (size_t i = 0; i < n; i++) {
		size_t m = i;
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(names[j], names[m]) < 0)
				m = j;
		char *t = names[i];
		names[i] = names[m];
		names[m] = t;
		if (i)
			strcat(out, " ");
		strcat(out, names[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return out;
}

static void put(const char *path, const char *text)
{
	CHECK_EQ_INT(write_text(path, text), 0);
}

static void mk(const char *path)
{
	CHECK_EQ_INT(mkdir(path, 0700), 0);
}

/* A Maildir with one message, and a lastauth, in dir (created). */
static void fake_home(const char *dir, const char *ip)
{
	char p[4096];
	mk(dir);
	snprintf(p, sizeof p, "%s/Maildir", dir);
	mk(p);
	snprintf(p, sizeof p, "%s/Maildir/new", dir);
	mk(p);
	snprintf(p, sizeof p, "%s/Maildir/cur", dir);
	mk(p);
	snprintf(p, sizeof p, "%s/Maildir/tmp", dir);
	mk(p);
	snprintf(p, sizeof p, "%s/Maildir/cur/1700000000.1.host,S=12:2,S", dir);
	put(p, "hello world\n");
	snprintf(p, sizeof p, "%s/lastauth", dir);
	put(p, ip);
}

/* ---- the world every attack starts from ---- */

typedef struct world {
	sandbox s;
	vp_config *c;
	char ex[2048];     /* example.com's dir */
	char ot[2048];     /* other.test's dir */
	char canary[2048]; /* outside the vpopmail home and the qmail dir */
} world;

static void world_init(world *w)
{
	sandbox_init(&w->s);
	w->c = &w->s.cfg;
	w->c->hash_scheme = VP_HASH_MD5;
	w->c->lock_timeout_ms = 1000;
	w->c->auth_logging = 1;
	OK(vp_add_domain(w->c, "example.com", NULL, w->c->uid, w->c->gid, E));
	OK(vp_add_domain(w->c, "other.test", NULL, w->c->uid, w->c->gid, E));
	OK(vp_add_user(w->c, "alice", "example.com", "pw-alice", NULL, 0, E));
	OK(vp_add_user(w->c, "bob", "example.com", "pw-bob", NULL, 0, E));
	OK(vp_add_user(w->c, "alice", "other.test", "pw-other", NULL, 0, E));
	OK(vp_add_user(w->c, "carol", "other.test", "pw-carol", NULL, 0, E));
	OK(vp_set_quota(w->c, "alice", "example.com", "1000000S", E));
	snprintf(w->ex, sizeof w->ex, "%s/domains/example.com", w->s.home);
	snprintf(w->ot, sizeof w->ot, "%s/domains/other.test", w->s.home);
	snprintf(w->canary, sizeof w->canary, "%s/canary", w->s.root);
	mk(w->canary);
	/* what a root-run tool must never touch: a config file, a library, a cron folder */
	char p[4096];
	snprintf(p, sizeof p, "%s/etc", w->canary);
	mk(p);
	snprintf(p, sizeof p, "%s/etc/resolv.conf", w->canary);
	put(p, "nameserver 192.0.2.53\n");
	snprintf(p, sizeof p, "%s/lib", w->canary);
	mk(p);
	snprintf(p, sizeof p, "%s/lib/python3.11", w->canary);
	mk(p);
	snprintf(p, sizeof p, "%s/lib/python3.11/os.py", w->canary);
	put(p, "import sys\n");
	snprintf(p, sizeof p, "%s/cron.hourly", w->canary);
	mk(p);
}

static void world_free(world *w)
{
	sandbox_free(&w->s);
}

/* vpasswd edited as the vpopmail user can: field 6 of user's line becomes
 * dir, vpasswd.cdb goes (the next lookup rebuilds it from vpasswd). */
static void set_dir(const char *domdir, const char *user, const char *dir)
{
	char p[4096];
	size_t len;
	snprintf(p, sizeof p, "%s/vpasswd", domdir);
	char *text = slurp(p, &len);
	CHECK(text != NULL);
	if (!text)
		return;
	snap out = { NULL, 0, 0 };
	snap_add(&out, "");
	for (char *l = text; *l;) {
		char *nl = strchr(l, '\n');
		size_t ll = nl ? (size_t)(nl - l) : strlen(l);
		char line[4096];
		snprintf(line, sizeof line, "%.*s", (int)ll, l);
		size_t ul = strlen(user);
		if (!strncmp(line, user, ul) && line[ul] == ':') {
			char f[8][1024], nw[8192];
			int nf = 0;
			for (char *q = line, *c; nf < 8; q = c + 1) {
				c = strchr(q, ':');
				snprintf(f[nf++], sizeof f[0], "%.*s", c ? (int)(c - q) : (int)strlen(q), q);
				if (!c)
					break;
			}
			snprintf(f[5], sizeof f[5], "%s", dir);
			nw[0] = '\0';
			for (int i = 0; i < nf; i++) {
				strcat(nw, f[i]);
				strcat(nw, i + 1 < nf ? ":" : "");
			}
			snprintf(line, sizeof line, "%s", nw);
		}
		snap_add(&out, line);
		snap_add(&out, "\n");
		l += ll + (nl ? 1 : 0);
	}
	put(p, out.s);
	snprintf(p, sizeof p, "%s/vpasswd.cdb", domdir);
	unlink(p);
	free(out.s);
	free(text);
}

static int user_exists(world *w, const char *user, const char *domain)
{
	vp_error e;
	vp_user_entry u;
	return vp_get_user(w->c, user, domain, &u, NULL, &e) == 1;
}

static int batch_one(world *w, int del, const char *user, vp_error *e)
{
	vp_batch *b;
	int rc = vp_batch_begin(w->c, "example.com", &b, e);
	if (rc != 0)
		return rc;
	rc = del ? vp_batch_del_user(b, user, e) : vp_batch_set_quota(b, user, "2000000S", e);
	if (rc != 0) {
		vp_batch_free(b);
		return rc;
	}
	return vp_batch_commit(b, NULL, e);
}

/* ---- 5: the directory field ---- */

/* Every call that uses alice@example.com's stored directory, which now
 * points at `target` (outside, or at another domain's user through '..'). */
static void stored_dir_attack(world *w, const char *dir, const char *watch, const char *what)
{
	vp_error e;
	vp_user_entry u;
	char before_vpw[4096], qd[4096];
	set_dir(w->ex, "alice", dir);
	char *snap0 = snapshot(watch);
	snprintf(qd, sizeof qd, "%s/.qmail-default", w->ex);
	char *qdef = slurp(qd, NULL);

	CHECK_EQ_INT(vp_auth_user_ex(w->c, "alice", "example.com", "pw-alice", VP_SERVICE_IMAP,
	                             "203.0.113.9", &u, &e), UNSAFE);
	CHECK(unchanged(watch, snap0, "auth with lastauth"));
	/* the password alone still answers (no directory is used) */
	CHECK_EQ_INT(vp_auth_user(w->c, "alice", "example.com", "pw-alice", &u, &e), 0);

	vp_quota_usage q;
	CHECK_EQ_INT(vp_get_quota_usage(w->c, "alice", "example.com", &q, &e), UNSAFE);
	CHECK(unchanged(watch, snap0, "quota usage"));

	CHECK_EQ_INT(vp_set_quota(w->c, "alice", "example.com", "5000000S", &e), UNSAFE);
	CHECK(unchanged(watch, snap0, "set_quota"));
	char *line = vpasswd_line(w->ex, "alice");
	CHECK(line && strstr(line, ":1000000S")); /* nothing written: the old quota stays */
	free(line);

	/* user info: the record as stored, nothing read from the outside home */
	vp_user_info ui;
	CHECK_EQ_INT(vp_user_info_get(w->c, "alice", "example.com", &ui, &e), 1);
	CHECK_EQ_STR(ui.e.dir, dir);
	CHECK_EQ_INT(ui.lastauth_state, 0);
	CHECK_EQ_STR(ui.lastauth_ip, "");

	CHECK_EQ_INT(vp_set_catchall(w->c, "example.com", "alice", &e), UNSAFE);
	char *qdef2 = slurp(qd, NULL);
	CHECK(qdef && qdef2 && !strcmp(qdef, qdef2));
	free(qdef2);

	CHECK_EQ_INT(batch_one(w, 0, "alice", &e), UNSAFE);
	CHECK_EQ_INT(batch_one(w, 1, "alice", &e), UNSAFE);
	CHECK(unchanged(watch, snap0, "batch"));
	CHECK(user_exists(w, "alice", "example.com"));

	snprintf(before_vpw, sizeof before_vpw, "%s/vpasswd", w->ex);
	char *vpw = slurp(before_vpw, NULL);
	CHECK_EQ_INT(vp_del_user(w->c, "alice", "example.com", &e), UNSAFE);
	if (e.code == UNSAFE)
		printf("%s: %s\n", what, e.msg);
	CHECK(unchanged(watch, snap0, "del_user"));
	/* refused before anything changed: the account is still there */
	CHECK(user_exists(w, "alice", "example.com"));
	CHECK(vpw && file_is(before_vpw, vpw));
	free(vpw);
	free(qdef);
	free(snap0);
}

TEST(stored_dir_outside_the_tree)
{
	world w;
	char target[4096];
	world_init(&w);
	/* the cron folder, and a folder named like her holding mail and a lastauth */
	snprintf(target, sizeof target, "%s/cron.hourly", w.canary);
	stored_dir_attack(&w, target, w.canary, "outside (cron.hourly)");
	snprintf(target, sizeof target, "%s/alice", w.canary);
	fake_home(target, "198.51.100.66");
	stored_dir_attack(&w, target, w.canary, "outside (alice)");
	world_free(&w);
}

TEST(stored_dir_through_dotdot)
{
	world w;
	char dir[4096], victim[4096];
	world_init(&w);
	snprintf(victim, sizeof victim, "%s/alice/lastauth", w.ot);
	put(victim, "192.0.2.200");
	snprintf(victim, sizeof victim, "%s/alice", w.ot);
	/* lexically in example.com's dir, physically other.test's alice */
	snprintf(dir, sizeof dir, "%s/../other.test/alice", w.ex);
	stored_dir_attack(&w, dir, victim, "'..' to another domain");
	/* and the other forms a directory outside its domain can take */
	static const char *const forms[] = { "%s/./alice", "%s//alice", "%s", "%s/", "%s-evil/alice",
	                                     "relative/alice" };
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		vp_error e;
		vp_quota_usage q;
		snprintf(dir, sizeof dir, forms[i], w.ex);
		set_dir(w.ex, "alice", dir);
		int rc = vp_get_quota_usage(w.c, "alice", "example.com", &q, &e);
		if (rc != UNSAFE)
			fprintf(stderr, "    dir %s: quota usage %d, expected %d\n", dir, rc, UNSAFE);
		CHECK_EQ_INT(rc, UNSAFE);
		CHECK_EQ_INT(vp_del_user(w.c, "alice", "example.com", &e), UNSAFE);
	}
	/* the real home back: everything works again */
	snprintf(dir, sizeof dir, "%s/alice", w.ex);
	set_dir(w.ex, "alice", dir);
	OK(vp_auth_user_ex(w.c, "alice", "example.com", "pw-alice", VP_SERVICE_IMAP, "203.0.113.9",
	                   NULL, E));
	snprintf(dir, sizeof dir, "%s/alice/lastauth", w.ex);
	CHECK(file_is(dir, "203.0.113.9"));
	OK(vp_del_user(w.c, "alice", "example.com", E));
	world_free(&w);
}

/* ---- 6: symlink swaps ---- */

/* The real thing moved into the canary, a symlink to it in its place. */
static void swap(const char *path, const char *to)
{
	CHECK_EQ_INT(rename(path, to), 0);
	CHECK_EQ_INT(symlink(to, path), 0);
}

typedef struct outcome {
	char text[2048];
	size_t len;
} outcome;

static void note(outcome *o, const char *op, int rc)
{
	int n = snprintf(o->text + o->len, sizeof o->text - o->len, " %s=%d", op, rc);
	if (n > 0 && o->len + (size_t)n < sizeof o->text)
		o->len += (size_t)n;
}

/* Every writer (and the lastauth login), the canary checked after each. */
static void run_writers(world *w, const char *what, outcome *o)
{
	vp_error e;
	vp_user_entry u;
	vp_quota_usage q;
	char *base = snapshot(w->canary);
	char msg[256];
	int rc;
#define STEP(name, call) do { rc = (call); note(o, name, rc); \
	snprintf(msg, sizeof msg, "%s: %s", what, name); \
	CHECK(unchanged(w->canary, base, msg)); } while (0)
	STEP("auth", vp_auth_user_ex(w->c, "alice", "example.com", "pw-alice", VP_SERVICE_POP,
	                             "203.0.113.5", &u, &e));
	STEP("auth-dave", vp_auth_user_ex(w->c, "dave", "example.com", "pw-dave", VP_SERVICE_POP,
	                                  "203.0.113.5", &u, &e));
	STEP("usage", vp_get_quota_usage(w->c, "alice", "example.com", &q, &e));
	STEP("quota", vp_set_quota(w->c, "alice", "example.com", "3000000S", &e));
	STEP("passwd", vp_set_password(w->c, "bob", "example.com", "pw-bob2", &e));
	STEP("add", vp_add_user(w->c, "eve", "example.com", "pw-eve", NULL, 0, &e));
	STEP("alias", vp_alias_add(w->c, "sales", "example.com", "&bob@example.com", &e));
	STEP("catchall", vp_set_catchall(w->c, "example.com", "bob", &e));
	STEP("batch", batch_one(w, 0, "bob", &e));
	STEP("del-dave", vp_del_user(w->c, "dave", "example.com", &e));
	STEP("del", vp_del_user(w->c, "alice", "example.com", &e));
	STEP("del-domain", vp_del_domain(w->c, "example.com", &e));
#undef STEP
	free(base);
}

/* Which swap, and the calls that must be refused with VA_UNSAFE_PATH. */
static void swap_case(int which)
{
	static const char *const names[] = { "<home>/domains", "domain dir", "bucket dir",
	                                     "alice's home", "alice's Maildir" };
	world w;
	char p[4096], to[4096], dc[4096];
	world_init(&w);
	/* dave goes into bucket 0: the counter says 99 users already */
	snprintf(dc, sizeof dc, "%s/.dir-control", w.ex);
	put(dc, "99\n0\n3\n0 0 0\n61 61 61\n0 2 2\n0 0 0\n\n");
	OK(vp_add_user(w.c, "dave", "example.com", "pw-dave", NULL, 0, E));
	snprintf(p, sizeof p, "%s/0/dave", w.ex);
	CHECK(access(p, F_OK) == 0);
	switch (which) {
	case 0:
		snprintf(p, sizeof p, "%s/domains", w.s.home);
		snprintf(to, sizeof to, "%s/domains", w.canary);
		break;
	case 1:
		snprintf(p, sizeof p, "%s", w.ex);
		snprintf(to, sizeof to, "%s/example.com", w.canary);
		break;
	case 2:
		snprintf(p, sizeof p, "%s/0", w.ex);
		snprintf(to, sizeof to, "%s/bucket0", w.canary);
		break;
	case 3:
		snprintf(p, sizeof p, "%s/alice", w.ex);
		snprintf(to, sizeof to, "%s/alice", w.canary);
		break;
	default:
		snprintf(p, sizeof p, "%s/alice/Maildir", w.ex);
		snprintf(to, sizeof to, "%s/Maildir", w.canary);
		break;
	}
	swap(p, to);
	outcome o = { "", 0 };
	run_writers(&w, names[which], &o);
	printf("swap %s:%s\n", names[which], o.text);
	/* what reached the swapped directory was refused as unsafe */
	if (which <= 1) {
		CHECK(strstr(o.text, " auth=-116 ") && strstr(o.text, " add=-116 ") &&
		      strstr(o.text, " alias=-116 ") && strstr(o.text, " catchall=-116 ") &&
		      strstr(o.text, " del=-116 ") && strstr(o.text, " del-domain=-116"));
	} else if (which == 2) {
		CHECK(strstr(o.text, " auth-dave=-116 ") && strstr(o.text, " del-dave=-116 "));
	} else if (which == 3) {
		CHECK(strstr(o.text, " auth=-116 ") && strstr(o.text, " usage=-116 "));
	}
	world_free(&w);
}

TEST(symlink_swaps_never_followed)
{
	for (int i = 0; i < 5; i++)
		swap_case(i);
}

/* A symlink that stays inside the tree (alice's home -> bob's) is refused
 * as one leading out is: every component is a real directory or nothing. */
TEST(symlinks_inside_the_tree_refused_too)
{
	world w;
	vp_error e;
	vp_quota_usage q;
	char home[4096], aside[4096], bob_la[4096];
	world_init(&w);
	snprintf(home, sizeof home, "%s/alice", w.ex);
	snprintf(aside, sizeof aside, "%s/alice.aside", w.ex);
	snprintf(bob_la, sizeof bob_la, "%s/bob/lastauth", w.ex);
	struct stat before, after;
	CHECK_EQ_INT(stat(bob_la, &before), 0);
	CHECK_EQ_INT(rename(home, aside), 0);
	CHECK_EQ_INT(symlink("bob", home), 0);
	CHECK_EQ_INT(vp_auth_user_ex(w.c, "alice", "example.com", "pw-alice", VP_SERVICE_POP,
	                             "198.51.100.9", NULL, &e), UNSAFE);
	CHECK(strstr(e.msg, "is a symbolic link") != NULL);
	CHECK_EQ_INT(vp_get_quota_usage(w.c, "alice", "example.com", &q, &e), UNSAFE);
	CHECK_EQ_INT(vp_set_quota(w.c, "alice", "example.com", "2000000S", &e), UNSAFE);
	/* bob's lastauth, where the link leads, was not written */
	CHECK_EQ_INT(stat(bob_la, &after), 0);
	CHECK_EQ_INT(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	CHECK_EQ_INT(after.st_size, before.st_size);
	world_free(&w);
}

/* As root, a directory on the way that others may write is refused; one
 * writable by our own group (or root's) is not. */
TEST(writable_dirs_on_the_way_when_root)
{
	if (geteuid() != 0) {
		printf("writable dirs: not root, skipped (the check applies to root only)\n");
		return;
	}
	world w;
	vp_error e;
	char p[4096];
	world_init(&w);
	static const struct {
		const char *which;
		mode_t mode;
		gid_t gid;
		int refused;
	} t[] = {
		{ "domains", 0707, 0, 1 },        /* other-writable */
		{ "domain", 0777, 0, 1 },
		{ "home", 0703, 0, 1 },
		{ "domain", 0770, 12345, 1 },     /* group-writable, a stranger's group */
		{ "home", 0730, 12345, 1 },
		{ "domain", 0770, 89, 0 },        /* our group (cfg->gid) */
		{ "domain", 0770, 0, 0 },         /* root's */
		{ "domain", 0755, 12345, 0 },     /* readable by others is fine */
		{ "domain", 01777, 0, 1 },        /* sticky does not help */
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (!strcmp(t[i].which, "domains"))
			snprintf(p, sizeof p, "%s/domains", w.s.home);
		else if (!strcmp(t[i].which, "domain"))
			snprintf(p, sizeof p, "%s", w.ex);
		else
			snprintf(p, sizeof p, "%s/alice", w.ex);
		CHECK_EQ_INT(chown(p, 0, t[i].gid), 0);
		CHECK_EQ_INT(chmod(p, t[i].mode), 0);
		int want = t[i].refused ? UNSAFE : 0;
		int rc = vp_auth_user_ex(w.c, "alice", "example.com", "pw-alice", VP_SERVICE_POP,
		                         "192.0.2.1", NULL, &e);
		if (rc != want)
			fprintf(stderr, "    %s %o gid %u: auth %d, expected %d\n", t[i].which,
			        (unsigned)t[i].mode, (unsigned)t[i].gid, rc, want);
		CHECK_EQ_INT(rc, want);
		rc = vp_set_quota(w.c, "alice", "example.com", "2000000S", &e);
		CHECK_EQ_INT(rc, want);
		if (strcmp(t[i].which, "home") != 0) {
			rc = vp_alias_add(w.c, "a1", "example.com", "&bob@example.com", &e);
			CHECK_EQ_INT(rc, want);
			vp_alias_del(w.c, "a1", "example.com", &e);
		}
		CHECK_EQ_INT(chmod(p, 0700), 0);
		CHECK_EQ_INT(chown(p, 0, 0), 0);
	}
	printf("writable dirs: %zu modes checked as root\n", sizeof t / sizeof t[0]);
	world_free(&w);
}

/* This process from now on: openat2 fails with ENOSYS, as on a kernel
 * before 5.6 or under a container's seccomp profile.  0 when it does. */
static int refuse_openat2(void)
{
#ifdef SYS_openat2
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = (unsigned short)(sizeof f / sizeof f[0]), .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
		return -1;
	char how[24] = { 0 };
	errno = 0;
	return syscall(SYS_openat2, AT_FDCWD, "/", how, sizeof how) == -1 && errno == ENOSYS ? 0 : -1;
#else
	return 0;
#endif
}

/* Homes are reached in one openat2 where the kernel has it; without it the
 * walk alone must refuse and allow exactly the same. */
TEST(without_openat2_the_walk_holds)
{
	fflush(NULL);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		if (refuse_openat2() != 0) {
			fprintf(stderr, "    cannot refuse openat2 here\n");
			_exit(2);
		}
		symlink_swaps_never_followed();
		symlinks_inside_the_tree_refused_too();
		writable_dirs_on_the_way_when_root();
		world w;
		world_init(&w);
		vp_user_entry u;
		vp_error e;
		int rc = vp_auth_user_ex(w.c, "alice", "example.com", "pw-alice", VP_SERVICE_POP,
		                         "192.0.2.1", &u, &e);
		CHECK_EQ_INT(rc, 0);
		OK(vp_add_user(w.c, "zed", "example.com", "pw-zed", NULL, 0, E));
		OK(vp_del_user(w.c, "zed", "example.com", E));
		world_free(&w);
		fflush(NULL);
		_exit(t_failed_checks ? 1 : 0);
	}
	int status = 0;
	CHECK_EQ_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ_INT(WEXITSTATUS(status), 0);
}

/* qmail's own tree is root's: a distribution's layout (Debian links
 * /var/qmail/control to /etc/qmail) keeps working. */
TEST(qmail_dir_links_followed)
{
	sandbox s;
	char p[4096], to[4096];
	sandbox_init(&s);
	snprintf(p, sizeof p, "%s/control", s.qmail);
	snprintf(to, sizeof to, "%s/etc-qmail", s.root);
	swap(p, to);
	OK(vp_add_domain(&s.cfg, "example.com", NULL, s.cfg.uid, s.cfg.gid, E));
	snprintf(p, sizeof p, "%s/rcpthosts", to);
	CHECK(file_is(p, "example.com\n"));
	OK(vp_del_domain(&s.cfg, "example.com", E));
	sandbox_free(&s);
}

/* ---- 6, by construction: no write goes by path ---- */

/* The source with comments and string literals blanked. */
static void strip(char *s)
{
	for (char *p = s; *p; p++) {
		if (p[0] == '"' || p[0] == '\'') {
			char q = *p++;
			while (*p && *p != q) {
				if (*p == '\\' && p[1])
					*p++ = ' ';
				*p++ = ' ';
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

static int ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Calls that change the tree by path (each would follow a swapped
 * directory); open() counts when its flags write.  Allowed: the one write
 * outside the tree, daemontools' control fifo (vp_qmail.c, O_NONBLOCK). */
static int scan_writes(const char *path)
{
	static const char *const banned[] = { "mkdir", "rename", "unlink", "rmdir", "chmod", "chown",
	                                      "lchown", "creat", "link", "symlink", "truncate",
	                                      "utime", "utimes", "mkfifo", "mknod", "fopen", NULL };
	char *src = slurp(path, NULL);
	if (!src)
		return 1;
	strip(src);
	int bad = 0;
	for (char *p = src; *p; p++) {
		if (p > src && (ident(p[-1]) || p[-1] == '.' || p[-1] == '>'))
			continue;
		const char *hit = NULL;
		for (int i = 0; banned[i] && !hit; i++) {
			size_t n = strlen(banned[i]);
			if (strncmp(p, banned[i], n) != 0)
				continue;
			const char *q = p + n;
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '(')
				hit = banned[i];
		}
		if (!hit && !strncmp(p, "open(", 5)) {
			const char *end = strchr(p, ';');
			size_t n = end ? (size_t)(end - p) : strlen(p);
			char call[512];
			snprintf(call, sizeof call, "%.*s", (int)(n < sizeof call ? n : sizeof call - 1), p);
			if ((strstr(call, "O_WRONLY") || strstr(call, "O_RDWR") || strstr(call, "O_CREAT")) &&
			    !(strstr(path, "vp_qmail.c") && strstr(call, "O_NONBLOCK")))
				hit = "open for writing";
		}
		if (!hit && !strncmp(p, "utimensat(AT_FDCWD", 18))
			hit = "utimensat(AT_FDCWD";
		if (hit) {
			int line = 1;
			for (const char *c = src; c < p; c++)
				line += *c == '\n';
			fprintf(stderr, "    %s:%d: %s by path\n", path, line, hit);
			bad++;
		}
	}
	free(src);
	return bad;
}

TEST(no_write_by_path)
{
	const char *srcdir = getenv("VP_SRCDIR") ? getenv("VP_SRCDIR") : ".";
	char dir[2048], p[4096];
	snprintf(dir, sizeof dir, "%s/libcore", srcdir);
	DIR *d = opendir(dir);
	CHECK(d != NULL);
	int files = 0, bad = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n < 3 || strcmp(de->d_name + n - 2, ".c"))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		bad += scan_writes(p);
		files++;
	}
	if (d)
		closedir(d);
	CHECK_EQ_INT(bad, 0);
	CHECK(files >= 10);
	/* the scanner finds what it must */
	snprintf(p, sizeof p, "%s/probe.c", getenv("VP_TMP") ? getenv("VP_TMP") : "/tmp");
	put(p, "/* unlink(x) in a comment */ int f(void){ return unlink (\"a\") + rename(a, b) +\n"
	       "open(p, O_WRONLY | O_CREAT, 0600) + open(p, O_RDONLY) + unlinkat(d, n, 0); }\n");
	CHECK_EQ_INT(scan_writes(p), 3);
	unlink(p);
	printf("no write by path: %d libcore sources scanned\n", files);
}

/* ---- 8: deep homes ---- */

/* levels nested directories "d" below dir, a file at the bottom. */
static int make_deep(const char *dir, int levels)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	for (int i = 0; fd >= 0 && i < levels; i++) {
		if (mkdirat(fd, "d", 0700) != 0)
			break;
		int sub = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		close(fd);
		fd = sub;
	}
	if (fd < 0)
		return -1;
	int f = openat(fd, "bottom", O_WRONLY | O_CREAT, 0600);
	if (f >= 0)
		close(f);
	close(fd);
	return f >= 0 ? 0 : -1;
}

TEST(deep_homes_are_removed)
{
	static const int depths[] = { 200, 5000 };
	for (size_t i = 0; i < 2; i++) {
		world w;
		char p[4096];
		world_init(&w);
		snprintf(p, sizeof p, "%s/alice/Maildir", w.ex);
		CHECK_EQ_INT(make_deep(p, depths[i]), 0);
		OK(vp_del_user(w.c, "alice", "example.com", E));
		snprintf(p, sizeof p, "%s/alice", w.ex);
		CHECK(access(p, F_OK) != 0);
		CHECK(!user_exists(&w, "alice", "example.com"));
		OK(vp_add_user(w.c, "alice", "example.com", "pw-again", NULL, 0, E));
		/* nothing of the old tree is left anywhere in the domain */
		snprintf(p, sizeof p, "%s/alice/Maildir/d", w.ex);
		CHECK(access(p, F_OK) != 0);
		/* a batch's delete */
		snprintf(p, sizeof p, "%s/bob", w.ex);
		CHECK_EQ_INT(make_deep(p, depths[i]), 0);
		OK(batch_one(&w, 1, "bob", E));
		CHECK(access(p, F_OK) != 0);
		OK(vp_add_user(w.c, "bob", "example.com", "pw-bob", NULL, 0, E));
		/* del_domain with a deep home inside */
		snprintf(p, sizeof p, "%s/alice", w.ot);
		CHECK_EQ_INT(make_deep(p, depths[i]), 0);
		OK(vp_del_domain(w.c, "other.test", E));
		CHECK(access(w.ot, F_OK) != 0);
		OK(vp_add_domain(w.c, "other.test", NULL, w.c->uid, w.c->gid, E));
		OK(vp_add_user(w.c, "alice", "other.test", "pw-other", NULL, 0, E));
		/* nothing left over beside the homes: no aside directory stays */
		char *left = names_in(w.ex);
		CHECK_EQ_STR(left, ".dir-control .qmail-default .vpasswd.lock alice bob vpasswd vpasswd.cdb");
		free(left);
		left = names_in(w.ot);
		CHECK_EQ_STR(left, ".dir-control .qmail-default .vpasswd.lock alice vpasswd vpasswd.cdb");
		free(left);
		printf("deep home: %d levels, del_user, batch delete, del_domain\n", depths[i]);
		world_free(&w);
	}
}

/* ---- 3: del_user against logins writing lastauth ---- */

TEST(del_user_while_logins_write_lastauth)
{
	world w;
	world_init(&w);
	enum { KIDS = 2, ROUNDS = 300, MAILS = 60 };
	pid_t kids[KIDS];
	for (int k = 0; k < KIDS; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			vp_error e;
			for (;;)
				vp_auth_user_ex(w.c, "racer", "example.com", "pw-racer", VP_SERVICE_POP,
				                k ? "192.0.2.8" : "192.0.2.7", NULL, &e);
		}
	}
	int add_fail = 0, del_fail = 0, logins = 0;
	char lastmsg[256] = "";
	for (int r = 0; r < ROUNDS; r++) {
		vp_error e;
		char p[4096];
		if (vp_add_user(w.c, "racer", "example.com", "pw-racer", NULL, 0, &e) != 0) {
			add_fail++;
			snprintf(lastmsg, sizeof lastmsg, "add: %s", e.msg);
			continue;
		}
		/* mail to remove: the removal takes a while, logins go on */
		for (int m = 0; m < MAILS; m++) {
			snprintf(p, sizeof p, "%s/racer/Maildir/cur/17000000%02d.%d.host,S=3:2,S", w.ex, m, r);
			write_text(p, "hi\n");
		}
		snprintf(p, sizeof p, "%s/racer/lastauth", w.ex);
		char *la = slurp(p, NULL);
		logins += la && strcmp(la, "0.0.0.0") != 0;
		free(la);
		if (vp_del_user(w.c, "racer", "example.com", &e) != 0) {
			del_fail++;
			snprintf(lastmsg, sizeof lastmsg, "del: %s", e.msg);
		}
	}
	for (int k = 0; k < KIDS; k++) {
		kill(kids[k], SIGKILL);
		waitpid(kids[k], NULL, 0);
	}
	printf("del_user vs lastauth: %d rounds, %d with a login recorded, %d del failures, %d add failures%s%s\n",
	       ROUNDS, logins, del_fail, add_fail, lastmsg[0] ? ": " : "", lastmsg);
	CHECK_EQ_INT(del_fail, 0);
	CHECK_EQ_INT(add_fail, 0);
	CHECK(logins > 0); /* the logins really ran */
	char *left = names_in(w.ex);
	CHECK_EQ_STR(left, ".dir-control .qmail-default .vpasswd.lock alice bob vpasswd vpasswd.cdb");
	free(left);
	world_free(&w);
}

/* A delivery still writing into a folder of the home while it is removed
 * (it had the folder open before the delete): the removal takes it all. */
TEST(del_user_while_mail_is_written)
{
	world w;
	world_init(&w);
	for (int r = 0; r < 20; r++) {
		char p[4096];
		int sync[2];
		CHECK(pipe(sync) == 0);
		snprintf(p, sizeof p, "%s/alice/Maildir/new", w.ex);
		pid_t kid = fork();
		if (kid == 0) {
			int fd = open(p, O_RDONLY | O_DIRECTORY);
			(void)!write(sync[1], "g", 1);
			for (int i = 0; fd >= 0 && i < 3000; i++) {
				char n[32];
				snprintf(n, sizeof n, "%d.%d.host", r, i);
				int f = openat(fd, n, O_WRONLY | O_CREAT | O_EXCL, 0600);
				if (f < 0)
					break; /* the folder is gone */
				close(f);
			}
			_exit(0);
		}
		char c;
		CHECK(read(sync[0], &c, 1) == 1);
		OK(vp_del_user(w.c, "alice", "example.com", E));
		waitpid(kid, NULL, 0);
		close(sync[0]);
		close(sync[1]);
		char *left = names_in(w.ex);
		CHECK_EQ_STR(left, ".dir-control .qmail-default .vpasswd.lock bob vpasswd vpasswd.cdb");
		free(left);
		OK(vp_add_user(w.c, "alice", "example.com", "pw-alice", NULL, 0, E));
	}
	world_free(&w);
}

int main(void)
{
	(void)compare_step;
	RUN(stored_dir_outside_the_tree);
	RUN(stored_dir_through_dotdot);
	RUN(symlink_swaps_never_followed);
	RUN(symlinks_inside_the_tree_refused_too);
	RUN(writable_dirs_on_the_way_when_root);
	RUN(without_openat2_the_walk_holds);
	RUN(qmail_dir_links_followed);
	RUN(no_write_by_path);
	RUN(deep_homes_are_removed);
	RUN(del_user_while_logins_write_lastauth);
	RUN(del_user_while_mail_is_written);
	return T_SUMMARY();
}
