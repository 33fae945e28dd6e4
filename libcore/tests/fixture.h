/* fixture.h: what the user-store tests share (header-only, after t.h and
 * tree.h): a sandbox holding a copy of a real fixture step, and readers of
 * vpasswd, its cdb and small files to assert on the bytes. */
#ifndef VP_TEST_FIXTURE_H
#define VP_TEST_FIXTURE_H

#include <stdio.h>

#define OK(call) do { vp_error e_; int rc_ = (call); \
	if (rc_) { fprintf(stderr, "  %s:%d: %s: %d %s\n", __FILE__, __LINE__, #call, rc_, e_.msg); } \
	CHECK_EQ_INT(rc_, 0); } while (0)
#define E (&e_)


static inline char *slurp(const char *path, size_t *len)
{
	char *d = NULL;
	size_t l = 0;
	if (read_all(path, &d, &l) != 0)
		return NULL;
	if (len)
		*len = l;
	return d;
}

static inline int file_is(const char *path, const char *expect)
{
	size_t len;
	char *d = slurp(path, &len);
	int ok = d && len == strlen(expect) && memcmp(d, expect, len) == 0;
	if (!ok)
		fprintf(stderr, "    %s: \"%s\", expected \"%s\"\n", path, d ? d : "(missing)", expect);
	free(d);
	return ok;
}

static inline int mode_of(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return -1;
	return (int)(st.st_mode & 07777);
}

/* vpasswd.cdb holds exactly the records of vpasswd, in its order. */
static inline int cdb_matches_vpasswd(const char *domdir)
{
	char p[4096];
	size_t tl;
	snprintf(p, sizeof p, "%s/vpasswd", domdir);
	char *text = slurp(p, &tl);
	snprintf(p, sizeof p, "%s/vpasswd.cdb", domdir);
	int fd = open(p, O_RDONLY);
	struct cdb c;
	if (!text || fd < 0 || cdb_init(&c, fd) != 0) {
		fprintf(stderr, "    cannot open vpasswd/vpasswd.cdb in %s\n", domdir);
		free(text);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	int ok = 1;
	unsigned pos;
	const char *t = text, *end = text + tl;
	cdb_seqinit(&pos, &c);
	while (cdb_seqnext(&pos, &c) > 0) {
		unsigned kl = cdb_keylen(&c), dl = cdb_datalen(&c);
		const char *k = cdb_get(&c, kl, cdb_keypos(&c));
		const char *d = cdb_get(&c, dl, cdb_datapos(&c));
		const char *nl = memchr(t, '\n', (size_t)(end - t));
		if (!nl || (size_t)(nl - t) != kl + 1 + dl || memcmp(t, k, kl) != 0 || t[kl] != ':' ||
		    memcmp(t + kl + 1, d, dl) != 0) {
			fprintf(stderr, "    cdb record %.*s does not match the vpasswd line\n", (int)kl, k);
			ok = 0;
			break;
		}
		t = nl + 1;
	}
	if (ok && t != end) {
		fprintf(stderr, "    vpasswd has lines the cdb lacks in %s\n", domdir);
		ok = 0;
	}
	cdb_free(&c);
	close(fd);
	free(text);
	return ok;
}

/* The vpasswd line of name (without '\n'), malloc'd, or NULL. */
static inline char *vpasswd_line(const char *domdir, const char *name)
{
	char p[4096];
	size_t tl, nl = strlen(name);
	snprintf(p, sizeof p, "%s/vpasswd", domdir);
	char *text = slurp(p, &tl);
	if (!text)
		return NULL;
	char *res = NULL;
	for (char *l = text; l < text + tl;) {
		char *e = memchr(l, '\n', (size_t)(text + tl - l));
		if (!e)
			e = text + tl;
		if ((size_t)(e - l) > nl && memcmp(l, name, nl) == 0 && l[nl] == ':') {
			res = strndup(l, (size_t)(e - l));
			break;
		}
		l = e + 1;
	}
	free(text);
	return res;
}

/* Field i (0-based) of a vpasswd line, into buf. */
static inline const char *field(const char *line, int i, char *buf, size_t size)
{
	const char *p = line;
	for (int k = 0; k < i && p; k++) {
		p = strchr(p, ':');
		if (p)
			p++;
	}
	if (!p) {
		buf[0] = '\0';
		return buf;
	}
	size_t n = strcspn(p, ":");
	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* Copy a fixture tree (read-only dirs) into dst with writable modes; no .keep. */
static inline int copy_tree(const char *src, const char *dst)
{
	DIR *d = opendir(src);
	if (!d)
		return -1;
	mkdir(dst, 0700);
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !strcmp(de->d_name, ".keep"))
			continue;
		char sp[4096], dp[4096];
		snprintf(sp, sizeof sp, "%s/%s", src, de->d_name);
		snprintf(dp, sizeof dp, "%s/%s", dst, de->d_name);
		struct stat st;
		if (lstat(sp, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			rc |= copy_tree(sp, dp);
		} else {
			size_t len;
			char *data = slurp(sp, &len);
			int fd = open(dp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (!data || fd < 0 || (len && write(fd, data, len) != (ssize_t)len))
				rc = -1;
			if (fd >= 0)
				close(fd);
			free(data);
		}
	}
	closedir(d);
	return rc;
}

static inline int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* A sandbox holding a fixture step, with assign + users/cdb pointing at it. */
static inline int sandbox_from_fixture(sandbox *s, const char *version, const char *step)
{
	char src[4096], p[4096];
	sandbox_init(s);
	s->cfg.uid = 89;
	s->cfg.gid = 89;
	snprintf(src, sizeof src, "%s/%s/%s/vpopmail", fixtures_dir(), version, step);
	if (copy_tree(src, s->home) != 0)
		return -1;
	snprintf(src, sizeof src, "%s/%s/%s/qmail", fixtures_dir(), version, step);
	if (copy_tree(src, s->qmail) != 0)
		return -1;
	snprintf(p, sizeof p, "%s/users/assign", s->qmail);
	size_t len, nl;
	char *assign = slurp(p, &len);
	if (!assign)
		return -1;
	char *mapped = replace_all(assign, len, "/home/vpopmail", s->home, &nl);
	free(assign);
	vp_error e;
	int rc = write_text(p, mapped) == 0 ? vp_build_users_cdb(&s->cfg, mapped, nl, &e) : -1;
	if (rc)
		fprintf(stderr, "    cannot rebuild users/cdb: %s\n", e.msg);
	free(mapped);
	return rc;
}

static inline void domain_dir(char *dst, size_t size, const sandbox *s, const char *domain)
{
	snprintf(dst, size, "%s/domains/%s", s->home, domain);
}

#endif
