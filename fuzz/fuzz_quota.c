/*
 * fuzz_quota.c: quota strings as vsetuserquota takes them and vpasswd's
 * seventh field stores them.
 *
 * Properties: vp_quota_normalize never writes past the output size it is
 * given (the buffer is exactly that size on the heap) and always leaves it
 * NUL-terminated; a success fits VP_MAX_PW_QUOTA and is in the normal form
 * ("NOQUOTA", "<n>S", "<n>C", "<n>S,<n>C"); the normal form normalises to
 * itself.
 */
#include "fuzz_common.h"

static int digits(const char *s, size_t n)
{
	if (n == 0 || (s[0] == '0'))
		return 0; /* no empty number, no leading zero, never 0 */
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int normal_form(const char *q)
{
	if (strcmp(q, "NOQUOTA") == 0)
		return 1;
	const char *comma = strchr(q, ',');
	size_t l = strlen(q);
	if (comma) {
		size_t a = (size_t)(comma - q), b = l - a - 1;
		return a >= 2 && q[a - 1] == 'S' && digits(q, a - 1) && b >= 2 && q[l - 1] == 'C' &&
		       digits(comma + 1, b - 1);
	}
	return l >= 2 && (q[l - 1] == 'S' || q[l - 1] == 'C') && digits(q, l - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vp_error err;
	if (size < 1 || size > 256)
		return 0;
	/* First byte: the output size (1..64); the rest: the quota text. */
	size_t osize = (size_t)(data[0] % 64) + 1;
	char *in = fuzz_strndup(data + 1, size - 1);
	char *out = malloc(osize);
	if (!out)
		abort();
	memset(out, 'X', osize);
	int rc = vp_quota_normalize(in, out, osize, &err);
	FUZZ_CHECK(memchr(out, '\0', osize) != NULL);
	if (rc == 0) {
		FUZZ_CHECK(strlen(out) <= VP_MAX_PW_QUOTA);
		FUZZ_CHECK(normal_form(out));
		char again[64];
		FUZZ_CHECK(vp_quota_normalize(out, again, sizeof again, &err) == 0);
		FUZZ_CHECK(strcmp(again, out) == 0);
	} else {
		FUZZ_CHECK(rc == VA_INVALID_QUOTA || rc == VA_QUOTA_TOO_LONG);
		FUZZ_CHECK(out[0] == '\0');
	}
	/* With plenty of room the answer must not depend on the size. */
	char big[64];
	int rc2 = vp_quota_normalize(in, big, sizeof big, &err);
	if (rc == 0)
		FUZZ_CHECK(rc2 == 0 && strcmp(big, out) == 0);
	else if (rc2 == 0)
		FUZZ_CHECK(rc == VA_QUOTA_TOO_LONG && strlen(big) >= osize);
	free(out);
	free(in);
	return 0;
}
