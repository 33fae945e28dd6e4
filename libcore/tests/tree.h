/* tree.h: test helpers: temp trees, and comparing a tree we wrote with a
 * fixture written by the real vpopmail tools.  Text is compared after the
 * sandbox paths are mapped to /home/vpopmail and /var/qmail; vpasswd hashes
 * (salted) are masked; cdb files are compared record by record. */
#ifndef VP_TREE_H
#define VP_TREE_H
#include <cdb.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vpcore.h"

typedef struct sandbox {
	char root[1024];
	char home[1100];  /* <root>/vpopmail */
	char qmail[1100]; /* <root>/qmail */
	vp_config cfg;
} sandbox;

static const char *fixtures_dir(void)
{
	const char *f = getenv("VP_FIXTURES");
	return f ? f : "tests/fixtures";
}

static void sandbox_init(sandbox *s)
{
	const char *tmp = getenv("VP_TMP");
	snprintf(s->root, sizeof s->root, "%s/vpcoreXXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(s->root)) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(s->home, sizeof s->home, "%s/vpopmail", s->root);
	snprintf(s->qmail, sizeof s->qmail, "%s/qmail", s->root);
	char p[1200];
	mkdir(s->home, 0755);
	mkdir(s->qmail, 0755);
	snprintf(p, sizeof p, "%s/users", s->qmail);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/control", s->qmail);
	mkdir(p, 0755);
	memset(&s->cfg, 0, sizeof s->cfg);
	s->cfg.vpopmail_dir = s->home;
	s->cfg.qmail_dir = s->qmail;
	s->cfg.uid = getuid() ? getuid() : 89;
	s->cfg.gid = getgid() ? getgid() : 89;
	s->cfg.chown_files = 0;
	s->cfg.lock_timeout_ms = 2000;
}

static void sandbox_free(sandbox *s)
{
	vp_error e;
	char parent[1024];
	snprintf(parent, sizeof parent, "%s", s->root);
	*strrchr(parent, '/') = '\0';
	vp_remove_tree(parent, s->root, &e);
}

/* data with every occurrence of `from` replaced by `to` (malloc'd). */
static char *replace_all(const char *data, size_t len, const char *from, const char *to, size_t *outlen)
{
	size_t fl = strlen(from), tl = strlen(to), cap = len * 2 + 64, n = 0;
	char *out = malloc(cap);
	for (size_t i = 0; i < len;) {
		if (fl && i + fl <= len && memcmp(data + i, from, fl) == 0) {
			if (n + tl >= cap) out = realloc(out, cap = cap * 2 + tl);
			memcpy(out + n, to, tl);
			n += tl;
			i += fl;
		} else {
			if (n + 1 >= cap) out = realloc(out, cap *= 2);
			out[n++] = data[i++];
		}
	}
	out[n] = '\0';
	*outlen = n;
	return out;
}

/* Map our sandbox paths onto the fixture's, and mask vpasswd hashes. */
static char *normalize(const sandbox *s, const char *name, const char *data, size_t len, size_t *outlen)
{
	size_t l1, l2;
	char *a = replace_all(data, len, s->home, "/home/vpopmail", &l1);
	char *b = replace_all(a, l1, s->qmail, "/var/qmail", &l2);
	free(a);
	*outlen = l2;
	if (strcmp(name, "vpasswd") != 0)
		return b;
	/* field 2 of each line becomes HASH */
	char *out = malloc(l2 + 64 * 1024), *o = out;
	const char *p = b, *end = b + l2;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *c1 = memchr(p, ':', (size_t)(le - p));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(le - c1 - 1)) : NULL;
		if (c1 && c2) {
			memcpy(o, p, (size_t)(c1 - p + 1)); o += c1 - p + 1;
			memcpy(o, "HASH", 4); o += 4;
			memcpy(o, c2, (size_t)(le - c2)); o += le - c2;
		} else {
			memcpy(o, p, (size_t)(le - p)); o += le - p;
		}
		if (nl) *o++ = '\n';
		p = nl ? nl + 1 : end;
	}
	free(b);
	*outlen = (size_t)(o - out);
	return out;
}

static int read_all(const char *path, char **data, size_t *len)
{
	vp_error e;
	return vp_read_file(path, data, len, 64u << 20, &e);
}

/* cdb records as "key=value\n" text, in file order, for diffing. */
static char *cdb_dump(const char *path, size_t *outlen)
{
	int fd = open(path, O_RDONLY);
	struct cdb c;
	size_t cap = 4096, n = 0;
	char *out = malloc(cap);
	out[0] = '\0';
	if (fd < 0 || cdb_init(&c, fd) != 0) {
		if (fd >= 0) close(fd);
		*outlen = 0;
		return out;
	}
	unsigned pos;
	cdb_seqinit(&pos, &c);
	while (cdb_seqnext(&pos, &c) > 0) {
		unsigned kl = cdb_keylen(&c), dl = cdb_datalen(&c);
		const char *k = cdb_get(&c, kl, cdb_keypos(&c));
		const char *d = cdb_get(&c, dl, cdb_datapos(&c));
		if (n + kl + dl + 8 >= cap) out = realloc(out, cap = (cap + kl + dl) * 2);
		for (unsigned i = 0; i < kl; i++) out[n++] = k[i] ? k[i] : '0';
		out[n++] = '=';
		for (unsigned i = 0; i < dl; i++) out[n++] = d[i] ? d[i] : '|';
		out[n++] = '\n';
	}
	out[n] = '\0';
	cdb_free(&c);
	close(fd);
	*outlen = n;
	return out;
}

static int is_cdb(const char *name)
{
	size_t l = strlen(name);
	return strcmp(name, "cdb") == 0 || (l > 4 && strcmp(name + l - 4, ".cdb") == 0);
}

static int compare_file(const sandbox *s, const char *fix, const char *ours, const char *name)
{
	char *a, *b;
	size_t al, bl, nal, nbl;
	if (is_cdb(name)) {
		a = cdb_dump(fix, &al);
		b = cdb_dump(ours, &bl);
	} else if (read_all(fix, &a, &al) != 0 || read_all(ours, &b, &bl) != 0) {
		fprintf(stderr, "    cannot read %s\n", ours);
		return 1;
	}
	/* the fixture carries the real paths; map ours and mask both */
	sandbox fixture_view = *s;
	snprintf(fixture_view.home, sizeof fixture_view.home, "/home/vpopmail");
	snprintf(fixture_view.qmail, sizeof fixture_view.qmail, "/var/qmail");
	const char *base = strcmp(name, "vpasswd.cdb") == 0 ? "vpasswd.cdb" : name;
	char *na = normalize(&fixture_view, base, a, al, &nal);
	char *nb = normalize(s, base, b, bl, &nbl);
	int diff = nal != nbl || memcmp(na, nb, nal) != 0;
	if (diff && strcmp(name, "vpasswd.cdb") == 0) {
		/* records "user=$hash:..." : mask the hash up to the first ':' */
		char *m[2] = { na, nb };
		size_t *ml[2] = { &nal, &nbl };
		for (int k = 0; k < 2; k++) {
			char *o = m[k], *w = m[k];
			for (size_t i = 0; i < *ml[k];) {
				char *eq = memchr(o + i, '=', *ml[k] - i);
				char *nl = memchr(o + i, '\n', *ml[k] - i);
				if (!eq || !nl || eq > nl) { size_t n = (nl ? (size_t)(nl - o) + 1 : *ml[k]) - i; memmove(w, o + i, n); w += n; i += n; continue; }
				char *col = memchr(eq, ':', (size_t)(nl - eq));
				size_t head = (size_t)(eq - (o + i)) + 1;
				memmove(w, o + i, head); w += head;
				memcpy(w, "HASH", 4); w += 4;
				char *from = col ? col : nl;
				size_t rest = (size_t)(nl - from) + 1;
				memmove(w, from, rest); w += rest;
				i = (size_t)(nl - o) + 1;
			}
			*ml[k] = (size_t)(w - m[k]);
		}
		diff = nal != nbl || memcmp(na, nb, nal) != 0;
	}
	if (diff)
		fprintf(stderr, "    differs: %s\n--- fixture\n%.*s\n--- ours\n%.*s\n", ours, (int)(nal > 600 ? 600 : nal), na, (int)(nbl > 600 ? 600 : nbl), nb);
	free(a); free(b); free(na); free(nb);
	return diff;
}

/* Compare fixture dir `fix` with `ours` recursively; `.keep` files are git's, not data. */
static int compare_tree(const sandbox *s, const char *fix, const char *ours)
{
	int diffs = 0;
	DIR *d = opendir(fix);
	if (!d) {
		fprintf(stderr, "    missing fixture dir %s\n", fix);
		return 1;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !strcmp(de->d_name, ".keep"))
			continue;
		char fp[4096], op[4096];
		snprintf(fp, sizeof fp, "%s/%s", fix, de->d_name);
		snprintf(op, sizeof op, "%s/%s", ours, de->d_name);
		struct stat fs, os;
		lstat(fp, &fs);
		if (lstat(op, &os) != 0) {
			fprintf(stderr, "    missing in ours: %s\n", op);
			diffs++;
			continue;
		}
		if (S_ISDIR(fs.st_mode))
			diffs += S_ISDIR(os.st_mode) ? compare_tree(s, fp, op) : 1;
		else
			diffs += compare_file(s, fp, op, de->d_name);
	}
	closedir(d);
	/* and nothing extra on our side (temp files, stray locks) */
	d = opendir(ours);
	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char fp[4096];
		struct stat fs;
		snprintf(fp, sizeof fp, "%s/%s", fix, de->d_name);
		if (lstat(fp, &fs) != 0) {
			fprintf(stderr, "    extra in ours: %s/%s\n", ours, de->d_name);
			diffs++;
		}
	}
	if (d) closedir(d);
	return diffs;
}

/* Compare the qmail/ and vpopmail/ parts of a fixture step with a sandbox. */
static int compare_step(const sandbox *s, const char *version, const char *step)
{
	char fp[4096];
	snprintf(fp, sizeof fp, "%s/%s/%s/qmail", fixtures_dir(), version, step);
	int d = compare_tree(s, fp, s->qmail);
	snprintf(fp, sizeof fp, "%s/%s/%s/vpopmail", fixtures_dir(), version, step);
	d += compare_tree(s, fp, s->home);
	return d;
}
#endif
