/*
 * fuzz_qmail.c: .qmail-<alias> files and the lines vp_alias_add takes.
 *
 * The input is written as <domaindir>/.qmail-fuzz and, under a name made of
 * its first line, as a second alias file.  Properties:
 *   - vp_alias_get gives back the file exactly: its lines, each newline
 *     stripped, add up to the input (plus a final newline when missing);
 *   - vp_alias_get_all names only alias files of the domain (the ':' of a
 *     file name read back as '.'), and their lines as vp_alias_get does;
 *   - vp_alias_add with each input line as the delivery line accepts only
 *     what spec 10.5 allows (printable ASCII, under 160 bytes, no '..'
 *     component, an absolute path only inside the domain dir, programs and
 *     mbox files only when allowed, an address otherwise), and the line then
 *     reads back as the file's last line;
 *   - vp_alias_add with the first line as the alias name creates its file in
 *     the domain dir and nowhere else.
 */
#include "fuzz_common.h"

#include <dirent.h>

static fuzz_tree T;
static int ready;

typedef struct collect {
	char *buf;
	size_t len, cap;
	int names;
	char last[512];
	size_t lastlen;
} collect;

static void put(collect *c, const char *s, size_t n)
{
	if (c->len + n + 1 > c->cap) {
		c->cap = (c->len + n + 1) * 2;
		c->buf = realloc(c->buf, c->cap);
		if (!c->buf)
			abort();
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
}

static int line_cb(void *ctx, const char *line, size_t len)
{
	collect *c = ctx;
	put(c, line, len);
	put(c, "\n", 1);
	c->lastlen = len < sizeof c->last ? len : sizeof c->last;
	memcpy(c->last, line, c->lastlen);
	return 0;
}

static const char *want_name[2];

static int name_cb(void *ctx, const char *name)
{
	collect *c = ctx;
	FUZZ_CHECK(strchr(name, '/') == NULL && strchr(name, ':') == NULL && name[0] != '\0');
	FUZZ_CHECK(strcmp(name, want_name[0]) == 0 || (want_name[1] && strcmp(name, want_name[1]) == 0));
	c->names++;
	put(c, "#", 1); /* a separator the lines cannot forge at a line start */
	put(c, name, strlen(name));
	put(c, "\n", 1);
	return 0;
}

/* Remove every file of the domain dir; check nothing else appeared. */
static void reset_dir(void)
{
	DIR *d = opendir(T.domdir);
	FUZZ_CHECK(d != NULL);
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, ".vpasswd.lock") == 0)
			continue;
		FUZZ_CHECK(strncmp(de->d_name, ".qmail-", 7) == 0);
		FUZZ_CHECK(unlinkat(dirfd(d), de->d_name, 0) == 0);
	}
	closedir(d);
	/* the domains dir holds the one domain, the sandbox root what we made */
	char p[800];
	int n = 0;
	snprintf(p, sizeof p, "%s/domains", T.home);
	d = opendir(p);
	FUZZ_CHECK(d != NULL);
	while ((de = readdir(d)) != NULL)
		n++;
	closedir(d);
	FUZZ_CHECK(n == 3);
	n = 0;
	d = opendir(T.root);
	FUZZ_CHECK(d != NULL);
	while ((de = readdir(d)) != NULL)
		n++;
	closedir(d);
	FUZZ_CHECK(n == 4);
}

static int has_dotdot(const char *s)
{
	for (const char *p = s; *p;) {
		const char *sl = strchr(p, '/');
		size_t n = sl ? (size_t)(sl - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		if (!sl)
			break;
		p = sl + 1;
	}
	return 0;
}

/* What spec 10.5 lets through, independently written. */
static int line_allowed(const char *l, int programs)
{
	size_t n = strlen(l);
	if (n == 0 || n >= VP_MAX_ALIAS_LINE || l[0] == ' ' || l[n - 1] == ' ')
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)l[i] < 0x20 || (unsigned char)l[i] >= 0x7f)
			return 0;
	if (l[0] == '|')
		return programs && n > 1;
	if (l[0] == '/' || l[0] == '.') {
		if (has_dotdot(l) || (l[n - 1] != '/' && !programs))
			return 0;
		if (l[0] == '/') {
			size_t dl = strlen(T.domdir);
			return strncmp(l, T.domdir, dl) == 0 && l[dl] == '/' && l[dl + 1] != '\0';
		}
		return 1;
	}
	if (l[0] == '#' || l[0] == '+')
		return 0;
	const char *a = l[0] == '&' ? l + 1 : l;
	const char *at = strchr(a, '@');
	if (!at || at == a || !at[1] || strchr(at + 1, '@'))
		return 0;
	if (strchr(".|/#&", a[0]))
		return 0;
	for (; *a; a++)
		if (*a == ' ' || strchr("<>()[]\\,;:\"", *a))
			return 0;
	return 1;
}

static void check_get(const char *alias, const uint8_t *data, size_t size)
{
	collect c = { 0 };
	vp_error err;
	FUZZ_CHECK(vp_alias_get(&T.cfg, alias, "example.com", line_cb, &c, &err) == 0);
	size_t want = size + (size > 0 && data[size - 1] != '\n');
	FUZZ_CHECK(c.len == want && (size == 0 || memcmp(c.buf, data, size) == 0));
	free(c.buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vp_error err;
	char path[1200];
	if (!ready) {
		fuzz_tree_init(&T, 1);
		ready = 1;
	}
	if (size > 64 * 1024)
		return 0;
	T.cfg.allow_program_aliases = (int)(size & 1);

	/* the first line, as a name and as a file name suffix */
	char first[128];
	size_t fl = 0;
	for (size_t i = 0; i < size && data[i] != '\n' && fl < 64; i++)
		if (data[i] != '\0')
			first[fl++] = (char)data[i];
	first[fl] = '\0';

	snprintf(path, sizeof path, "%s/.qmail-fuzz", T.domdir);
	fuzz_write(path, data, size);
	check_get("fuzz", data, size);
	check_get("FUZZ", data, size);

	/* a second file named by the first line, where it is a plain name */
	char second[128] = "", sname[128] = "";
	if (fl > 0 && !strchr(first, '/') && strcmp(first, ".") && strcmp(first, "..") &&
	    strcmp(first, "fuzz") != 0) {
		snprintf(second, sizeof second, "%s", first);
		snprintf(path, sizeof path, "%s/.qmail-%s", T.domdir, second);
		fuzz_write(path, data, size);
	}
	/* What the listing should name: suffixes without '.', not "default". */
	want_name[0] = "fuzz";
	want_name[1] = NULL;
	if (second[0] && !strchr(second, '.') && strcmp(second, "default") != 0) {
		snprintf(sname, sizeof sname, "%s", second);
		for (char *p = sname; *p; p++)
			if (*p == ':')
				*p = '.';
		want_name[1] = sname;
	}
	collect all = { 0 };
	FUZZ_CHECK(vp_alias_get_all(&T.cfg, "example.com", name_cb, line_cb, &all, &err) == 0);
	FUZZ_CHECK(all.names == (size == 0 ? 0 : want_name[1] ? 2 : 1));
	free(all.buf);

	/* each line as a delivery line */
	size_t pos = 0;
	for (int k = 0; k < 4 && pos < size; k++) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t end = nl ? (size_t)(nl - data) : size;
		char *line = fuzz_strndup(data + pos, end - pos);
		pos = end + 1;
		int rc = vp_alias_add(&T.cfg, "fuzzadd", "example.com", line, &err);
		int ok = line_allowed(line, T.cfg.allow_program_aliases);
		if (rc == 0) {
			FUZZ_CHECK(ok);
			collect c = { 0 };
			FUZZ_CHECK(vp_alias_get(&T.cfg, "fuzzadd", "example.com", line_cb, &c, &err) == 0);
			FUZZ_CHECK(c.lastlen == strlen(line) && memcmp(c.last, line, c.lastlen) == 0);
			free(c.buf);
		} else {
			FUZZ_CHECK(!ok || rc == VA_ALIAS_LINE_EXISTS);
		}
		free(line);
	}

	/* the first line as an alias name */
	if (fl > 0 && vp_alias_add(&T.cfg, first, "example.com", "x@example.org", &err) == 0) {
		char fname[128];
		size_t i;
		FUZZ_CHECK(fl <= VP_MAX_PW_NAME && !strchr(first, '/'));
		for (i = 0; i < fl; i++) {
			char ch = first[i];
			ch = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
			fname[i] = ch == '.' ? ':' : ch;
		}
		fname[i] = '\0';
		struct stat st;
		snprintf(path, sizeof path, "%s/.qmail-%s", T.domdir, fname);
		FUZZ_CHECK(lstat(path, &st) == 0 && S_ISREG(st.st_mode));
		FUZZ_CHECK(vp_alias_del(&T.cfg, first, "example.com", &err) == 0);
	}
	reset_dir();
	return 0;
}
