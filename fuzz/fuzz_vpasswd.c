/*
 * fuzz_vpasswd.c: one vpasswd line, split at its first ':' as vpasswd.cdb
 * stores it (key = name, value = fields 2..8).
 *
 * Properties: vp_vpw_parse_value never reads or writes out of bounds and
 * leaves every field NUL-terminated; whatever parses and then formats
 * (vp_vpw_format) re-parses to the same entry and formats to the same bytes.
 */
#include "fuzz_common.h"
#include "vp_vpasswd.h"

static void same_entry(const vp_user_entry *a, const vp_user_entry *b)
{
	FUZZ_CHECK(strcmp(a->name, b->name) == 0);
	FUZZ_CHECK(strcmp(a->passwd, b->passwd) == 0);
	FUZZ_CHECK(a->uid_flag == b->uid_flag);
	FUZZ_CHECK(a->flags == b->flags);
	FUZZ_CHECK(strcmp(a->gecos, b->gecos) == 0);
	FUZZ_CHECK(strcmp(a->dir, b->dir) == 0);
	FUZZ_CHECK(strcmp(a->quota, b->quota) == 0);
	FUZZ_CHECK(a->has_clear == b->has_clear);
	FUZZ_CHECK(strcmp(a->clear, b->clear) == 0);
}

static void terminated(const vp_user_entry *e)
{
	FUZZ_CHECK(memchr(e->name, '\0', sizeof e->name) != NULL);
	FUZZ_CHECK(memchr(e->passwd, '\0', sizeof e->passwd) != NULL);
	FUZZ_CHECK(memchr(e->gecos, '\0', sizeof e->gecos) != NULL);
	FUZZ_CHECK(memchr(e->dir, '\0', sizeof e->dir) != NULL);
	FUZZ_CHECK(memchr(e->quota, '\0', sizeof e->quota) != NULL);
	FUZZ_CHECK(memchr(e->clear, '\0', sizeof e->clear) != NULL);
}

/* Parse "name:value" (no '\n' at the end) the way a cdb lookup would. */
static int parse_line(const char *line, size_t len, vp_user_entry *e)
{
	const char *colon = memchr(line, ':', len);
	if (!colon)
		return -2;
	char name[VP_VPW_READ_LINE + 1];
	size_t nl = (size_t)(colon - line);
	if (nl > VP_VPW_READ_LINE || memchr(line, '\0', nl))
		return -2;
	memcpy(name, line, nl);
	name[nl] = '\0';
	/* The value on the heap, exactly sized: ASan sees any over-read. */
	size_t vl = len - nl - 1;
	char *val = malloc(vl ? vl : 1);
	if (!val)
		abort();
	memcpy(val, colon + 1, vl);
	int rc = vp_vpw_parse_value(name, val, vl, e);
	free(val);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vp_user_entry e, e2;
	vp_error err;
	char buf[VP_MAX_VPASSWD_LINE + 64], buf2[sizeof buf];

	if (size > VP_VPW_READ_LINE)
		return 0;
	int rc = parse_line((const char *)data, size, &e);
	if (rc == -2)
		return 0;
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc != 0)
		return 0;
	terminated(&e);

	int n = vp_vpw_format(&e, buf, sizeof buf, &err);
	if (n < 0)
		return 0;
	FUZZ_CHECK((size_t)n < sizeof buf && buf[n - 1] == '\n' && strlen(buf) == (size_t)n);
	FUZZ_CHECK(memchr(buf, '\n', (size_t)n - 1) == NULL);
	FUZZ_CHECK(n - 1 <= VP_MAX_VPASSWD_LINE);

	rc = parse_line(buf, (size_t)n - 1, &e2);
	FUZZ_CHECK(rc == 0);
	same_entry(&e, &e2);
	int n2 = vp_vpw_format(&e2, buf2, sizeof buf2, &err);
	FUZZ_CHECK(n2 == n && memcmp(buf, buf2, (size_t)n) == 0);

	/* A buffer one byte short must be refused, never overrun. */
	char *tight = malloc((size_t)n);
	if (!tight)
		abort();
	FUZZ_CHECK(vp_vpw_format(&e, tight, (size_t)n, &err) < 0);
	free(tight);
	return 0;
}
