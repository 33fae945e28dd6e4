/*
 * fuzz_dircontrol.c: a .dir-control file (spec 1.5).
 *
 * Properties: vp_dirc_parse never reads past the input; what parses formats
 * (vp_dirc_format) into text that parses back to the same state; and
 * vp_dirc_inc, stepped across many bucket changes, always leaves a state
 * whose bucket is well-formed (symbols of the alphabet at even offsets, '/'
 * between, one per level up to level_cur) and which still formats and parses
 * back: vp_dirc_next writes what it computed, so a state it cannot read again
 * would wedge the domain.
 */
#include "fuzz_common.h"

static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static void same(const vp_dir_control *a, const vp_dir_control *b)
{
	FUZZ_CHECK(a->cur_users == b->cur_users);
	FUZZ_CHECK(a->level_cur == b->level_cur && a->level_max == b->level_max);
	for (int i = 0; i < 3; i++) {
		FUZZ_CHECK(a->level_start[i] == b->level_start[i]);
		FUZZ_CHECK(a->level_end[i] == b->level_end[i]);
		FUZZ_CHECK(a->level_mod[i] == b->level_mod[i]);
		FUZZ_CHECK(a->level_index[i] == b->level_index[i]);
	}
	FUZZ_CHECK(strcmp(a->bucket, b->bucket) == 0);
}

static void bucket_ok(const vp_dir_control *dc)
{
	size_t n = strnlen(dc->bucket, sizeof dc->bucket);
	FUZZ_CHECK(n < sizeof dc->bucket);
	for (size_t i = 0; i < n; i++) {
		if (i % 2)
			FUZZ_CHECK(dc->bucket[i] == '/');
		else
			FUZZ_CHECK(strchr(alphabet, dc->bucket[i]) != NULL);
	}
	FUZZ_CHECK(n == 0 || n % 2 == 1);
}

static void round_trip(const vp_dir_control *dc)
{
	char buf[256];
	vp_dir_control back;
	size_t n = vp_dirc_format(dc, buf, sizeof buf);
	FUZZ_CHECK(n > 0 && n < sizeof buf);
	char *heap = malloc(n); /* exact size: ASan sees any over-read */
	if (!heap)
		abort();
	memcpy(heap, buf, n);
	FUZZ_CHECK(vp_dirc_parse(heap, n, &back) == 0);
	free(heap);
	same(dc, &back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vp_dir_control dc;
	if (size > 4096)
		return 0;
	char *heap = malloc(size ? size : 1);
	if (!heap)
		abort();
	if (size)
		memcpy(heap, data, size);
	int rc = vp_dirc_parse(heap, size, &dc);
	free(heap);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc != 0)
		return 0;
	bucket_ok(&dc);
	round_trip(&dc);

	/* Walk through bucket changes: each step jumps just before the next
	 * multiple of 100, where vp_dirc_inc moves to a new bucket. */
	for (int step = 0; step < 200; step++) {
		int level_was = dc.level_cur, had_bucket = dc.bucket[0] != '\0';
		/* (the jump stands for incs: it stays below the 2^32-1 that inc
		 * saturates at, so that inc itself is what reaches it) */
		if (step % 2 == 0 && dc.cur_users % 100 != 99 && dc.cur_users < 4294967295UL - 100)
			dc.cur_users += 99 - dc.cur_users % 100;
		vp_dirc_inc(&dc);
		bucket_ok(&dc);
		FUZZ_CHECK(dc.level_cur >= 0 && dc.level_cur <= 2);
		FUZZ_CHECK(!had_bucket || dc.level_cur >= level_was); /* never back up a level */
		if (dc.cur_users % 100 == 0 && dc.bucket[0] != '\0') {
			/* a bucket computed here has one symbol per level */
			FUZZ_CHECK(strlen(dc.bucket) == (size_t)(2 * dc.level_cur + 1) ||
			           dc.level_cur == level_was);
		}
		round_trip(&dc);
	}
	return 0;
}
