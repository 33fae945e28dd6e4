/*
 * fuzz_vpasswd_file.c: a whole <domaindir>/vpasswd.
 *
 * The input is written as the domain's vpasswd; vp_vpw_update(REBUILD)
 * compiles vpasswd.cdb from it.  Properties, checked against our own reading
 * of the text:
 *   - a line longer than VP_VPW_READ_LINE fails the rebuild (VA_CORRUPT_FILE)
 *     and nothing else does;
 *   - the cdb holds exactly the well-formed lines (non-empty, no NUL, a name
 *     before the first ':'), in file order, key = name, value = the rest;
 *   - vp_vpw_get of a name finds its first line, parsed as
 *     vp_vpw_parse_value parses it (or VA_CORRUPT_FILE when a field is too
 *     long for the entry), and 0 for a name that is not there;
 *   - REBUILD leaves vpasswd untouched; ADD of a new name keeps every
 *     well-formed line and adds its own once, a present name is refused.
 */
#include "fuzz_common.h"
#include "vp_vpasswd.h"

#include <cdb.h>

static fuzz_tree T;
static int ready;
static char vpw_path[800], cdb_path[800];

#define MAX_LINES 4096

typedef struct span {
	const char *p;
	size_t len;
} span;

static int line_ok(const char *line, size_t len)
{
	if (len == 0 || memchr(line, '\0', len))
		return 0;
	const char *colon = memchr(line, ':', len);
	return colon && colon != line;
}

/* Well-formed lines of the text; -1 when a line is over the limit. */
static int split(const char *d, size_t size, span *out, size_t *count)
{
	size_t pos = 0, n = 0;
	while (pos < size) {
		const char *nl = memchr(d + pos, '\n', size - pos);
		size_t end = nl ? (size_t)(nl - d) : size;
		if (end - pos > VP_VPW_READ_LINE)
			return -1;
		if (line_ok(d + pos, end - pos) && n < MAX_LINES) {
			out[n].p = d + pos;
			out[n].len = end - pos;
			n++;
		}
		pos = end + 1;
	}
	*count = n;
	return 0;
}

static void same_entry(const vp_user_entry *a, const vp_user_entry *b)
{
	FUZZ_CHECK(strcmp(a->name, b->name) == 0);
	FUZZ_CHECK(strcmp(a->passwd, b->passwd) == 0);
	FUZZ_CHECK(a->uid_flag == b->uid_flag && a->flags == b->flags);
	FUZZ_CHECK(strcmp(a->gecos, b->gecos) == 0 && strcmp(a->dir, b->dir) == 0);
	FUZZ_CHECK(strcmp(a->quota, b->quota) == 0);
	FUZZ_CHECK(a->has_clear == b->has_clear && strcmp(a->clear, b->clear) == 0);
}

static void check_cdb(const span *lines, size_t n)
{
	int fd = open(cdb_path, O_RDONLY | O_CLOEXEC);
	FUZZ_CHECK(fd >= 0);
	struct cdb c;
	FUZZ_CHECK(cdb_init(&c, fd) == 0);
	unsigned pos;
	size_t i = 0;
	cdb_seqinit(&pos, &c);
	while (cdb_seqnext(&pos, &c) > 0) {
		FUZZ_CHECK(i < n);
		const char *colon = memchr(lines[i].p, ':', lines[i].len);
		unsigned kl = (unsigned)(colon - lines[i].p), vl = (unsigned)(lines[i].len - kl - 1);
		FUZZ_CHECK(cdb_keylen(&c) == kl && cdb_datalen(&c) == vl);
		const char *k = cdb_get(&c, kl, cdb_keypos(&c));
		const char *v = cdb_get(&c, vl, cdb_datapos(&c));
		FUZZ_CHECK(k && v && memcmp(k, lines[i].p, kl) == 0 && memcmp(v, colon + 1, vl) == 0);
		i++;
	}
	FUZZ_CHECK(i == n || n == MAX_LINES);
	cdb_free(&c);
	close(fd);
}

static void check_lookups(const span *lines, size_t n)
{
	char name[VP_VPW_READ_LINE + 1];
	vp_user_entry got, want;
	vp_error err;
	/* Names are looked up in file order; the first line of a name wins. */
	for (size_t i = 0; i < n && i < 32; i++) {
		const char *colon = memchr(lines[i].p, ':', lines[i].len);
		size_t kl = (size_t)(colon - lines[i].p);
		memcpy(name, lines[i].p, kl);
		name[kl] = '\0';
		size_t first = i;
		for (size_t j = 0; j < i; j++)
			if (lines[j].len > kl && lines[j].p[kl] == ':' && memcmp(lines[j].p, name, kl) == 0) {
				first = j;
				break;
			}
		if (first != i)
			continue;
		int rc = vp_vpw_get(&T.cfg, &T.dom, name, &got, &err);
		int prc = vp_vpw_parse_value(name, colon + 1, lines[i].len - kl - 1, &want);
		if (prc == 0) {
			FUZZ_CHECK(rc == 1);
			same_entry(&got, &want);
		} else {
			FUZZ_CHECK(rc == VA_CORRUPT_FILE);
		}
	}
	FUZZ_CHECK(vp_vpw_get(&T.cfg, &T.dom, "\x01not-there", &got, &err) == 0);
}

static int has_name(const span *lines, size_t n, const char *name)
{
	size_t kl = strlen(name);
	for (size_t i = 0; i < n; i++)
		if (lines[i].len > kl && lines[i].p[kl] == ':' && memcmp(lines[i].p, name, kl) == 0)
			return 1;
	return 0;
}

static void check_add(const span *lines, size_t n)
{
	static const char *const names[] = { "postmaster", "mmm", "bob" };
	static const char add_fmt[] = "%s:$1$abcdefgh$0123456789012345678901:1:0:Fuzz:/x/%s:NOQUOTA\n";
	char line[256];
	vp_error err;
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		int ll = snprintf(line, sizeof line, add_fmt, names[k], names[k]);
		int present = has_name(lines, n, names[k]);
		int rc = vp_vpw_update(&T.cfg, &T.dom, VP_VPW_ADD, names[k], line, (size_t)ll, &err);
		if (present) {
			FUZZ_CHECK(rc == VA_USERNAME_EXISTS);
			continue;
		}
		FUZZ_CHECK(rc == 0);
		/* Every old well-formed line, in order, and ours once. */
		char *text = NULL;
		size_t tl = 0;
		FUZZ_CHECK(vp_read_file(vpw_path, &text, &tl, 64 << 20, &err) == 0);
		size_t pos = 0, i = 0, ours = 0;
		while (pos < tl) {
			const char *nl = memchr(text + pos, '\n', tl - pos);
			FUZZ_CHECK(nl != NULL); /* every line terminated */
			size_t len = (size_t)(nl - (text + pos));
			if (len + 1 == (size_t)ll && memcmp(text + pos, line, len) == 0 && !ours) {
				ours = 1;
			} else {
				FUZZ_CHECK(i < n && lines[i].len == len && memcmp(lines[i].p, text + pos, len) == 0);
				i++;
			}
			pos += len + 1;
		}
		FUZZ_CHECK(ours == 1 && (i == n || n == MAX_LINES));
		free(text);
		vp_user_entry e;
		FUZZ_CHECK(vp_vpw_get(&T.cfg, &T.dom, names[k], &e, &err) == 1);
		FUZZ_CHECK(strcmp(e.gecos, "Fuzz") == 0);
		return; /* vpasswd changed: the other names would test another file */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static span lines[MAX_LINES];
	vp_error err;
	size_t n = 0;

	if (!ready) {
		fuzz_tree_init(&T, 0);
		snprintf(vpw_path, sizeof vpw_path, "%s/vpasswd", T.domdir);
		snprintf(cdb_path, sizeof cdb_path, "%s/vpasswd.cdb", T.domdir);
		ready = 1;
	}
	if (size > 256 * 1024)
		return 0;
	fuzz_write(vpw_path, data, size);
	unlink(cdb_path);

	int expect = split((const char *)data, size, lines, &n);
	int rc = vp_vpw_update(&T.cfg, &T.dom, VP_VPW_REBUILD, NULL, NULL, 0, &err);
	if (expect < 0) {
		FUZZ_CHECK(rc == VA_CORRUPT_FILE);
		return 0;
	}
	FUZZ_CHECK(rc == 0);

	/* REBUILD never touches the text. */
	char *text = NULL;
	size_t tl = 0;
	FUZZ_CHECK(vp_read_file(vpw_path, &text, &tl, 64 << 20, &err) == 0);
	FUZZ_CHECK(tl == size && (size == 0 || memcmp(text, data, size) == 0));
	free(text);

	check_cdb(lines, n);
	check_lookups(lines, n);
	check_add(lines, n);
	return 0;
}
