/* test_batch.c: vp_batch_*: the same result as the single calls, one
 * rewrite, all or nothing. */
#include "t.h"
#include "tree.h"

#include <ftw.h>
#include <errno.h>

#include "vp_vpasswd.h"

#define OK(call) do { vp_error e_; int rc_ = (call); \
	if (rc_) { fprintf(stderr, "  %s:%d: %s: %d %s\n", __FILE__, __LINE__, #call, rc_, e_.msg); } \
	CHECK_EQ_INT(rc_, 0); } while (0)
#define E (&e_)

/* ---- helpers ---- */

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

static void dom_file(char *dst, size_t size, const sandbox *s, const char *domain, const char *f)
{
	snprintf(dst, size, "%s/domains/%s/%s", s->home, domain, f);
}

/* vpasswd with the hashes masked and the sandbox root as ROOT. */
static char *masked_vpasswd(const sandbox *s, const char *domain)
{
	char p[4096];
	size_t len, outlen;
	dom_file(p, sizeof p, s, domain, "vpasswd");
	char *d = slurp(p, &len);
	if (!d)
		return NULL;
	char *out = malloc(len + 1), *o = out;
	for (char *line = d; *line;) {
		char *nl = strchr(line, '\n');
		size_t ll = nl ? (size_t)(nl - line) : strlen(line);
		char *c1 = memchr(line, ':', ll);
		char *c2 = c1 ? memchr(c1 + 1, ':', ll - (size_t)(c1 + 1 - line)) : NULL;
		if (c1 && c2) {
			memcpy(o, line, (size_t)(c1 - line) + 1);
			o += c1 - line + 1;
			memcpy(o, "H", 1);
			o += 1;
			memcpy(o, c2, ll - (size_t)(c2 - line));
			o += ll - (size_t)(c2 - line);
		} else {
			memcpy(o, line, ll);
			o += ll;
		}
		*o++ = '\n';
		line += ll + (nl ? 1 : 0);
	}
	*o = '\0';
	free(d);
	char *r = replace_all(out, strlen(out), s->root, "ROOT", &outlen);
	free(out);
	return r;
}

/* "key=value" records of vpasswd.cdb in file order, hashes masked. */
static char *masked_cdb(const sandbox *s, const char *domain)
{
	char p[4096];
	dom_file(p, sizeof p, s, domain, "vpasswd.cdb");
	int fd = open(p, O_RDONLY);
	struct cdb c;
	if (fd < 0 || cdb_init(&c, fd) != 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *out = malloc(cap);
	unsigned pos;
	cdb_seqinit(&pos, &c);
	while (cdb_seqnext(&pos, &c) > 0) {
		unsigned kl = cdb_keylen(&c), dl = cdb_datalen(&c);
		const char *k = cdb_get(&c, kl, cdb_keypos(&c));
		const char *d = cdb_get(&c, dl, cdb_datapos(&c));
		const char *colon = memchr(d, ':', dl);
		size_t rest = colon ? dl - (size_t)(colon - d) : 0;
		while (n + kl + rest + 8 > cap)
			out = realloc(out, cap *= 2);
		memcpy(out + n, k, kl);
		n += kl;
		memcpy(out + n, "=H", 2);
		n += 2;
		if (colon)
			memcpy(out + n, colon, rest);
		n += rest;
		out[n++] = '\n';
	}
	out[n] = '\0';
	cdb_free(&c);
	close(fd);
	size_t ol;
	char *r = replace_all(out, n, s->root, "ROOT", &ol);
	free(out);
	return r;
}

static char *file_text(const sandbox *s, const char *domain, const char *f)
{
	char p[4096];
	dom_file(p, sizeof p, s, domain, f);
	char *d = slurp(p, NULL);
	return d ? d : strdup("(missing)");
}

/* Every path under the domain dir with its type and mode, sorted. */
static char *walk_buf;
static size_t walk_len, walk_cap, walk_skip;
static int walk_cb(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)f;
	const char *rel = path + walk_skip;
	/* temp and lock files are not part of the state */
	if (strstr(rel, ".lock") || strstr(rel, ".tmp."))
		return 0;
	char line[4200];
	int n = snprintf(line, sizeof line, "%s %c %o\n", rel, type == FTW_D ? 'd' : 'f',
	                 (unsigned)(st->st_mode & 07777));
	while (walk_len + (size_t)n + 1 > walk_cap)
		walk_buf = realloc(walk_buf, walk_cap = walk_cap ? walk_cap * 2 : 65536);
	memcpy(walk_buf + walk_len, line, (size_t)n + 1);
	walk_len += (size_t)n;
	return 0;
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *tree_list(const sandbox *s, const char *domain)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/domains/%s", s->home, domain);
	walk_buf = NULL;
	walk_len = walk_cap = 0;
	walk_skip = strlen(p);
	nftw(p, walk_cb, 16, FTW_PHYS);
	if (!walk_buf)
		return strdup("");
	/* sort the lines */
	size_t nl = 0;
	for (size_t i = 0; i < walk_len; i++)
		nl += walk_buf[i] == '\n';
	char **lines = malloc(nl * sizeof *lines);
	size_t k = 0;
	for (char *t = strtok(walk_buf, "\n"); t; t = strtok(NULL, "\n"))
		lines[k++] = t;
	qsort(lines, k, sizeof *lines, cmp_lines);
	char *out = malloc(walk_len + 2), *o = out;
	for (size_t i = 0; i < k; i++) {
		size_t l = strlen(lines[i]);
		memcpy(o, lines[i], l);
		o += l;
		*o++ = '\n';
	}
	*o = '\0';
	free(lines);
	free(walk_buf);
	walk_buf = NULL;
	return out;
}

static int same(const char *what, char *a, char *b)
{
	int ok = a && b && strcmp(a, b) == 0;
	if (!ok) {
		fprintf(stderr, "    %s differs:\n--- one by one\n%.2000s\n--- batch\n%.2000s\n", what,
		        a ? a : "(null)", b ? b : "(null)");
	}
	free(a);
	free(b);
	return ok;
}

static void setup(sandbox *s, const char *domain)
{
	vp_error e;
	sandbox_init(s);
	s->cfg.hash_scheme = VP_HASH_MD5; /* fast: the tests are about the store */
	if (vp_add_domain_ex(&s->cfg, domain, "Secret123", NULL, NULL, 0, &e) != 0)
		fprintf(stderr, "  cannot add %s: %s\n", domain, e.msg);
}

/* ---- tests ---- */

/* 250 adds (across buckets), deletes, password and quota changes: the
 * batch leaves exactly what the same calls one at a time leave. */
TEST(batch_equals_one_by_one)
{
	sandbox a, b;
	const char *d = "example.com";
	char name[64], pw[64];
	setup(&a, d);
	setup(&b, d);
	/* a common starting population, with a hole in the free list */
	for (int i = 0; i < 120; i++) {
		snprintf(name, sizeof name, "old%03d", i);
		OK(vp_add_user(&a.cfg, name, d, "pw-old", NULL, 0, E));
		OK(vp_add_user(&b.cfg, name, d, "pw-old", NULL, 0, E));
	}
	OK(vp_del_user(&a.cfg, "old110", d, E));
	OK(vp_del_user(&b.cfg, "old110", d, E));

	/* one by one in a */
	for (int i = 0; i < 250; i++) {
		snprintf(name, sizeof name, "new%03d", (i * 37) % 250);
		snprintf(pw, sizeof pw, "pw-%d", i);
		OK(vp_add_user(&a.cfg, name, d, pw, i % 7 == 0 ? "Some One" : NULL, i % 11 == 0, E));
	}
	OK(vp_add_user(&a.cfg, "aaa", d, "pw-a", NULL, 0, E));
	OK(vp_add_user(&a.cfg, "zzz", d, "pw-z", NULL, 0, E));
	OK(vp_set_quota(&a.cfg, "zzz", d, "5M", E));
	OK(vp_del_user(&a.cfg, "old005", d, E));
	OK(vp_del_user(&a.cfg, "old099", d, E));
	OK(vp_set_password(&a.cfg, "old010", d, "changed", E));
	OK(vp_set_quota(&a.cfg, "old011", d, "1000000S,200C", E));

	/* the same as one batch in b */
	vp_batch *bt = NULL;
	OK(vp_batch_begin(&b.cfg, "EXAMPLE.com", &bt, E));
	for (int i = 0; i < 250; i++) {
		snprintf(name, sizeof name, "new%03d", (i * 37) % 250);
		snprintf(pw, sizeof pw, "pw-%d", i);
		OK(vp_batch_add_user(bt, name, pw, i % 7 == 0 ? "Some One" : NULL, i % 11 == 0, NULL, E));
	}
	OK(vp_batch_add_user(bt, "aaa", "pw-a", NULL, 0, NULL, E));
	OK(vp_batch_add_user(bt, "ZZZ", "pw-z", NULL, 0, "5M", E));
	OK(vp_batch_del_user(bt, "old005", E));
	OK(vp_batch_del_user(bt, "old099", E));
	OK(vp_batch_set_password(bt, "old010", "changed", E));
	OK(vp_batch_set_quota(bt, "old011", "1000000S,200C", E));
	CHECK_EQ_INT(vp_batch_count(bt), 256);
	size_t failed = 0;
	OK(vp_batch_commit(bt, &failed, E));
	CHECK_EQ_INT((long long)failed, -1);

	CHECK(same("vpasswd", masked_vpasswd(&a, d), masked_vpasswd(&b, d)));
	CHECK(same("vpasswd.cdb", masked_cdb(&a, d), masked_cdb(&b, d)));
	CHECK(same(".dir-control", file_text(&a, d, ".dir-control"), file_text(&b, d, ".dir-control")));
	CHECK(same(".dir_control_free", file_text(&a, d, ".dir_control_free"),
	           file_text(&b, d, ".dir_control_free")));
	CHECK(same("tree", tree_list(&a, d), tree_list(&b, d)));
	char *mds = file_text(&b, d, "2/zzz/Maildir/maildirsize");
	CHECK_EQ_STR(mds, "5242880S\n0 0\n");
	free(mds);
	CHECK(same("maildirsize", file_text(&a, d, "2/zzz/Maildir/maildirsize"),
	           file_text(&b, d, "2/zzz/Maildir/maildirsize")));
	mds = file_text(&b, d, "old011/Maildir/maildirsize");
	CHECK_EQ_STR(mds, "1000000S,200C\n0 0\n");
	free(mds);
	char *fl = file_text(&b, d, ".dir_control_free");
	CHECK_EQ_STR(fl, "0\n"); /* old110 backfilled; old005 ("") gives none, old099 "0" */
	free(fl);

	/* the hashes the batch wrote authenticate */
	vp_user_entry u;
	vp_error we;
	CHECK_EQ_INT(vp_auth_user(&b.cfg, "new123", d, "pw-0", &u, &we), VA_WRONG_PASSWORD);
	int found = 0;
	for (int i = 0; i < 250; i++) {
		snprintf(name, sizeof name, "new%03d", (i * 37) % 250);
		snprintf(pw, sizeof pw, "pw-%d", i);
		if (i % 50 == 0) {
			OK(vp_auth_user(&b.cfg, name, d, pw, &u, E));
			found++;
		}
	}
	CHECK_EQ_INT(found, 5);
	OK(vp_auth_user(&b.cfg, "old010", d, "changed", &u, E));
	sandbox_free(&a);
	sandbox_free(&b);
}

struct snap {
	char *vpasswd, *cdb, *dirc, *free_list, *tree;
	size_t vl, cl;
};

static void take_snap(const sandbox *s, const char *d, struct snap *sn)
{
	char p[4096];
	dom_file(p, sizeof p, s, d, "vpasswd");
	sn->vpasswd = slurp(p, &sn->vl);
	dom_file(p, sizeof p, s, d, "vpasswd.cdb");
	sn->cdb = slurp(p, &sn->cl);
	sn->dirc = file_text(s, d, ".dir-control");
	sn->free_list = file_text(s, d, ".dir_control_free");
	sn->tree = tree_list(s, d);
}

/* byte-identical store, same .dir-control, free list and tree */
static int snap_same(const sandbox *s, const char *d, struct snap *before)
{
	struct snap now;
	take_snap(s, d, &now);
	int ok = now.vl == before->vl && now.cl == before->cl &&
	         memcmp(now.vpasswd, before->vpasswd, now.vl) == 0 &&
	         memcmp(now.cdb, before->cdb, now.cl) == 0;
	if (!ok)
		fprintf(stderr, "    vpasswd or vpasswd.cdb changed\n");
	ok &= same(".dir-control", strdup(before->dirc), now.dirc);
	ok &= same(".dir_control_free", strdup(before->free_list), now.free_list);
	ok &= same("tree", strdup(before->tree), now.tree);
	free(now.vpasswd);
	free(now.cdb);
	return ok;
}

static void snap_free(struct snap *sn)
{
	free(sn->vpasswd);
	free(sn->cdb);
	free(sn->dirc);
	free(sn->free_list);
	free(sn->tree);
}

TEST(all_or_nothing)
{
	sandbox s;
	const char *d = "example.com";
	char name[64];
	vp_error e;
	size_t failed;
	setup(&s, d);
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "user%d", i);
		OK(vp_add_user(&s.cfg, name, d, "pw", NULL, 0, E));
	}
	OK(vp_del_user(&s.cfg, "user2", d, E)); /* a free-list entry the adds would take */
	struct snap before;
	take_snap(&s, d, &before);

	/* a check failure: deleting a missing user in the middle */
	vp_batch *b = NULL;
	OK(vp_batch_begin(&s.cfg, d, &b, E));
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "fresh%d", i);
		OK(vp_batch_add_user(b, name, "pw", NULL, 0, NULL, E));
	}
	OK(vp_batch_del_user(b, "nobody", E));
	OK(vp_batch_set_password(b, "user1", "newpw", E));
	CHECK_EQ_INT(vp_batch_commit(b, &failed, &e), VA_USER_DOES_NOT_EXIST);
	CHECK_EQ_INT(failed, 5);
	CHECK(strncmp(e.msg, "operation 5 (del nobody): ", 26) == 0);
	CHECK(snap_same(&s, d, &before));

	/* a failure after homes were made: a home that exists already */
	char p[4096];
	dom_file(p, sizeof p, &s, d, "fresh3");
	CHECK_EQ_INT(mkdir(p, 0700), 0);
	char keep[4200];
	snprintf(keep, sizeof keep, "%s/keepme", p); /* not a crashed add's leftover */
	FILE *kf = fopen(keep, "w");
	CHECK(kf && fputs("mine\n", kf) >= 0 && fclose(kf) == 0);
	snap_free(&before);
	take_snap(&s, d, &before);
	OK(vp_batch_begin(&s.cfg, d, &b, E));
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "fresh%d", i);
		OK(vp_batch_add_user(b, name, "pw", NULL, 0, NULL, E));
	}
	OK(vp_batch_del_user(b, "user4", E));
	CHECK_EQ_INT(vp_batch_commit(b, &failed, &e), VA_EXIST_U_DIR);
	CHECK_EQ_INT(failed, 3);
	CHECK(strncmp(e.msg, "operation 3 (add fresh3): ", 26) == 0);
	CHECK(snap_same(&s, d, &before));

	/* an unwritable domain dir: the rewrite itself fails */
	if (geteuid() != 0) {
		unlink(keep);
		rmdir(p);
		snap_free(&before);
		take_snap(&s, d, &before);
		OK(vp_batch_begin(&s.cfg, d, &b, E));
		OK(vp_batch_set_password(b, "user1", "newpw", E));
		OK(vp_batch_set_quota(b, "user3", "2M", E));
		char dd[4096];
		snprintf(dd, sizeof dd, "%s/domains/%s", s.home, d);
		chmod(dd, 0500);
		int rc = vp_batch_commit(b, &failed, &e);
		chmod(dd, 0700);
		CHECK(rc == VA_COULD_NOT_UPDATE_FILE || rc == VA_NO_SPACE);
		CHECK(snap_same(&s, d, &before));
	}
	snap_free(&before);

	/* the store still works, and a correct batch goes through */
	OK(vp_batch_begin(&s.cfg, d, &b, E));
	OK(vp_batch_add_user(b, "fresh0", "pw0", NULL, 0, NULL, E));
	OK(vp_batch_del_user(b, "user4", E));
	OK(vp_batch_commit(b, NULL, E));
	vp_user_entry u;
	OK(vp_auth_user(&s.cfg, "fresh0", d, "pw0", &u, E));
	CHECK_EQ_INT(vp_get_user(&s.cfg, "user4", d, NULL, NULL, &e), 0);
	dom_file(p, sizeof p, &s, d, "user4");
	CHECK(access(p, F_OK) != 0);
	sandbox_free(&s);
}

TEST(duplicates_and_refusals)
{
	sandbox s;
	const char *d = "example.com";
	vp_error e;
	size_t failed;
	vp_batch *b;
	setup(&s, d);
	OK(vp_add_user(&s.cfg, "here", d, "pw", NULL, 0, E));

	/* two adds of one name: the second is the failing one */
	OK(vp_batch_begin(&s.cfg, d, &b, E));
	OK(vp_batch_add_user(b, "dup", "pw", NULL, 0, NULL, E));
	OK(vp_batch_add_user(b, "other", "pw", NULL, 0, NULL, E));
	OK(vp_batch_add_user(b, "DUP", "pw", NULL, 0, NULL, E));
	CHECK_EQ_INT(vp_batch_commit(b, &failed, &e), VA_USERNAME_EXISTS);
	CHECK_EQ_INT(failed, 2);
	CHECK(strstr(e.msg, "also in operation 0") != NULL);

	/* any two operations on one user */
	OK(vp_batch_begin(&s.cfg, d, &b, E));
	OK(vp_batch_set_password(b, "here", "pw2", E));
	OK(vp_batch_del_user(b, "here", E));
	CHECK_EQ_INT(vp_batch_commit(b, &failed, &e), VA_PARSE_ERROR);
	CHECK_EQ_INT(failed, 1);

	/* an add of an existing user */
	OK(vp_batch_begin(&s.cfg, d, &b, E));
	OK(vp_batch_add_user(b, "newone", "pw", NULL, 0, NULL, E));
	OK(vp_batch_add_user(b, "here", "pw", NULL, 0, NULL, E));
	CHECK_EQ_INT(vp_batch_commit(b, &failed, &e), VA_USERNAME_EXISTS);
	CHECK_EQ_INT(failed, 1);
	CHECK_EQ_INT(vp_get_user(&s.cfg, "newone", d, NULL, NULL, &e), 0);

	/* refused when queued; the batch stays usable and numbers on */
	OK(vp_batch_begin(&s.cfg, d, &b, E));
	CHECK_EQ_INT(vp_batch_add_user(b, "bad name", "pw", NULL, 0, NULL, &e), VA_ILLEGAL_USERNAME);
	CHECK(strncmp(e.msg, "operation 0 (add bad name): ", 28) == 0);
	CHECK_EQ_INT(vp_batch_add_user(b, "x", "pw", NULL, 0, NULL, &e), VA_ILLEGAL_USERNAME);
	CHECK_EQ_INT(vp_batch_add_user(b, "okname", "", NULL, 0, NULL, &e), VA_PWSTR_LENGTH);
	CHECK_EQ_INT(vp_batch_add_user(b, "okname", "pw", "a:b", 0, NULL, &e), VA_BAD_CHAR);
	CHECK_EQ_INT(vp_batch_add_user(b, "okname", "pw", NULL, 0, "lots", &e), VA_INVALID_QUOTA);
	CHECK_EQ_INT(vp_batch_set_quota(b, "here", "12X", &e), VA_INVALID_QUOTA);
	CHECK_EQ_INT(vp_batch_del_user(b, "", &e), VA_ILLEGAL_USERNAME);
	CHECK_EQ_INT(vp_batch_count(b), 0);
	OK(vp_batch_set_quota(b, "here", "10M", E));
	OK(vp_batch_commit(b, NULL, E));
	vp_user_entry u;
	CHECK_EQ_INT(vp_get_user(&s.cfg, "here", d, &u, NULL, &e), 1);
	CHECK_EQ_STR(u.quota, "10485760S");

	/* domains */
	CHECK_EQ_INT(vp_batch_begin(&s.cfg, "nowhere.test", &b, &e), VA_DOMAIN_DOES_NOT_EXIST);
	CHECK(b == NULL);
	CHECK_EQ_INT(vp_batch_begin(&s.cfg, "bad domain", &b, &e), VA_INVALID_DOMAIN_NAME);
	/* an empty batch is fine and changes nothing */
	OK(vp_batch_begin(&s.cfg, d, &b, E));
	OK(vp_batch_commit(b, NULL, E));
	/* an abandoned batch */
	OK(vp_batch_begin(&s.cfg, d, &b, E));
	OK(vp_batch_add_user(b, "never", "pw", NULL, 0, NULL, E));
	vp_batch_free(b);
	CHECK_EQ_INT(vp_get_user(&s.cfg, "never", d, NULL, NULL, &e), 0);
	sandbox_free(&s);
}

TEST(catchall_and_alias_domain)
{
	sandbox s;
	vp_error e;
	size_t failed;
	vp_batch *b;
	sandbox_init(&s);
	s.cfg.hash_scheme = VP_HASH_MD5;
	OK(vp_add_domain_ex(&s.cfg, "example.com", "Secret123", NULL, "catchall@example.com", 0, E));
	OK(vp_add_alias_domain(&s.cfg, "alias.test", "example.com", E));
	OK(vp_add_user(&s.cfg, "catchall", "example.com", "pw", NULL, 0, E));
	OK(vp_batch_begin(&s.cfg, "alias.test", &b, E));
	OK(vp_batch_add_user(b, "viaalias", "pw", NULL, 0, NULL, E));
	OK(vp_batch_del_user(b, "catchall", E));
	CHECK_EQ_INT(vp_batch_commit(b, &failed, &e), VA_CANNOT_DELETE_CATCHALL);
	CHECK_EQ_INT(failed, 1);
	OK(vp_batch_begin(&s.cfg, "alias.test", &b, E));
	OK(vp_batch_add_user(b, "viaalias", "pw", NULL, 1, NULL, E));
	OK(vp_batch_commit(b, NULL, E));
	vp_user_entry u;
	CHECK_EQ_INT(vp_get_user(&s.cfg, "viaalias", "example.com", &u, NULL, &e), 1);
	CHECK_EQ_INT(u.uid_flag, 2);
	sandbox_free(&s);
}

int main(void)
{
	(void)compare_step;
	RUN(batch_equals_one_by_one);
	RUN(all_or_nothing);
	RUN(duplicates_and_refusals);
	RUN(catchall_and_alias_domain);
	return T_SUMMARY();
}
