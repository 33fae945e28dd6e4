/*
 * fuzz_maildirsize.c: a Maildir++ maildirsize file (spec 9.3): the quota
 * line, then "<bytes> <count>" lines that add up.
 *
 * Written against
 *   int vp_maildirsize_parse(const char *data, size_t len, char *quota_out,
 *                            size_t qsize, long long *bytes, long long *count);
 * in libcore/vp_quota.h; scripts/fuzz.sh builds this target only when that
 * header declares it.
 *
 * Properties: the input is read within its length (an exact heap copy, no
 * terminating NUL); quota_out is never written past qsize (exact heap size
 * too) and is NUL-terminated on success; the same input gives the same
 * answer twice; a larger quota buffer never turns a success into a failure
 * or changes the sums.
 */
#include "fuzz_common.h"
#include "vp_quota.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 64 * 1024)
		return 0;
	/* First byte: quota buffer size (1..64); the rest: the file. */
	size_t qsize = (size_t)(data[0] % 64) + 1;
	size_t len = size - 1;
	char *text = malloc(len ? len : 1);
	char *q = malloc(qsize);
	if (!text || !q)
		abort();
	if (len)
		memcpy(text, data + 1, len);
	memset(q, 'X', qsize);
	long long bytes = 0x5A5A, count = 0x5A5A, b2 = 0, c2 = 0;
	int rc = vp_maildirsize_parse(text, len, q, qsize, &bytes, &count);
	if (rc == 0)
		FUZZ_CHECK(memchr(q, '\0', qsize) != NULL);

	char *q2 = malloc(qsize);
	if (!q2)
		abort();
	int rc2 = vp_maildirsize_parse(text, len, q2, qsize, &b2, &c2);
	FUZZ_CHECK(rc2 == rc);
	if (rc == 0)
		FUZZ_CHECK(strcmp(q, q2) == 0 && b2 == bytes && c2 == count);

	char big[256];
	long long b3 = 0, c3 = 0;
	int rc3 = vp_maildirsize_parse(text, len, big, sizeof big, &b3, &c3);
	if (rc == 0)
		FUZZ_CHECK(rc3 == 0 && strcmp(big, q) == 0 && b3 == bytes && c3 == count);
	free(q2);
	free(q);
	free(text);
	return 0;
}
