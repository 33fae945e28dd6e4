/*
 * fuzz_assign.c: qmail's users/assign.
 *
 * vp_build_users_cdb compiles the input as qmail-newu would; then every
 * domain named by a "+<name>-:" line is looked up with vp_domain_lookup.
 * Properties: a file with a malformed line is refused as a whole
 * (VA_CANNOT_READ_ASSIGN); otherwise a lookup answers from the first line of
 * that name (real domain, uid, gid, dir as written) or says the record is
 * corrupt (VA_CORRUPT_FILE), and never reads out of bounds.  vp_line_key,
 * the sort key of every line, is checked for any output size.
 */
#include "fuzz_common.h"

static fuzz_tree T;
static int ready;

/* What qmail-newu accepts (up to the "." line): 1 ok, 0 refused. */
static int assign_ok(const char *d, size_t size)
{
	size_t pos = 0;
	while (pos < size) {
		const char *nl = memchr(d + pos, '\n', size - pos);
		size_t end = nl ? (size_t)(nl - d) : size, len = end - pos;
		const char *line = d + pos;
		if (len >= 1 && line[0] == '.')
			return 1;
		const char *colon = memchr(line, ':', len);
		if (len == 0 || !colon || colon == line || memchr(line, '\0', len) ||
		    (line[0] != '+' && line[0] != '='))
			return 0;
		size_t colons = 0, vlen = 0;
		for (const char *q = colon + 1; q < line + len && colons < 6; q++, vlen++)
			if (*q == ':')
				colons++;
		if (colons < 6 || vlen - 1 > 2048)
			return 0;
		pos = end + 1;
	}
	return 1;
}

static void check_line_key(const char *line, size_t len)
{
	for (int is_assign = 0; is_assign < 2; is_assign++) {
		static const size_t sizes[] = { 1, 2, 7, 300 };
		for (size_t k = 0; k < 4; k++) {
			char *key = malloc(sizes[k]);
			if (!key)
				abort();
			vp_line_key(line, len, is_assign, key, sizes[k]);
			size_t kl = strnlen(key, sizes[k]);
			FUZZ_CHECK(kl < sizes[k]);
			free(key);
		}
	}
}

static void field(const char *v, size_t vlen, int idx, char *out, size_t size)
{
	size_t i = 0, f = 0, n = 0;
	for (; i < vlen && f < (size_t)idx; i++)
		if (v[i] == ':')
			f++;
	for (; i < vlen && v[i] != ':' && n + 1 < size; i++)
		out[n++] = v[i];
	out[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vp_error err;
	if (!ready) {
		fuzz_tree_init(&T, 0);
		ready = 1;
	}
	if (size > 256 * 1024)
		return 0;
	const char *d = (const char *)data;
	int ok = assign_ok(d, size);
	int rc = vp_build_users_cdb(&T.cfg, d, size, &err);
	if (!ok) {
		FUZZ_CHECK(rc == VA_CANNOT_READ_ASSIGN);
		return 0;
	}
	FUZZ_CHECK(rc == 0);

	size_t pos = 0, lines = 0;
	while (pos < size && lines < 64) {
		const char *nl = memchr(d + pos, '\n', size - pos);
		size_t end = nl ? (size_t)(nl - d) : size, len = end - pos;
		const char *line = d + pos;
		pos = end + 1;
		lines++;
		check_line_key(line, len);
		if (len >= 1 && line[0] == '.')
			break;
		const char *colon = memchr(line, ':', len);
		size_t nlen = (size_t)(colon - line);
		if (line[0] != '+' || nlen < 2 || line[nlen - 1] != '-' || nlen - 2 > VP_MAX_PW_DOMAIN)
			continue;
		char name[VP_MAX_PW_DOMAIN + 1];
		for (size_t i = 0; i < nlen - 2; i++) {
			char c = line[1 + i];
			name[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		}
		name[nlen - 2] = '\0';
		/* Only the first line of a name is what a lookup sees. */
		int first = 1;
		size_t p2 = 0;
		while (p2 < (size_t)(line - d)) {
			const char *nl2 = memchr(d + p2, '\n', size - p2);
			size_t e2 = (size_t)(nl2 - d);
			if (e2 - p2 == 0 || d[p2] == '.')
				break;
			if (e2 - p2 > nlen && d[p2] == '+' && d[p2 + nlen] == ':' &&
			    strncasecmp(d + p2 + 1, name, nlen - 2) == 0 && d[p2 + nlen - 1] == '-') {
				first = 0;
				break;
			}
			p2 = e2 + 1;
		}
		if (!first)
			continue;
		vp_domain_info info;
		memset(&info, 0xA5, sizeof info);
		int lr = vp_domain_lookup(&T.cfg, name, &info, &err);
		/* A record users/cdb cannot vouch for is answered from assign
		 * itself, which reports its bad line. */
		FUZZ_CHECK(lr == 1 || lr == VA_CORRUPT_FILE || lr == VA_CANNOT_READ_ASSIGN);
		if (lr != 1)
			continue;
		char want[4096];
		const char *v = colon + 1;
		size_t vlen = len - nlen - 1;
		FUZZ_CHECK(strcmp(info.name, name) == 0);
		field(v, vlen, 0, want, sizeof want);
		FUZZ_CHECK(strcmp(info.realdomain, want) == 0);
		field(v, vlen, 3, want, sizeof want);
		FUZZ_CHECK(strcmp(info.dir, want) == 0 && info.dir[0] == '/');
		field(v, vlen, 1, want, sizeof want);
		FUZZ_CHECK(strtoul(want, NULL, 10) == (unsigned long)info.uid);
		field(v, vlen, 2, want, sizeof want);
		FUZZ_CHECK(strtoul(want, NULL, 10) == (unsigned long)info.gid);
		FUZZ_CHECK(info.is_alias == (strcmp(info.name, info.realdomain) != 0));
	}
	return 0;
}
