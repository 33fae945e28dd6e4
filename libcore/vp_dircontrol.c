/*
 * vp_dircontrol.c: vpopmail's .dir-control placement counter (spec 1.5).
 *
 * Buckets count in base 62 over the alphabet below: "" for the first 99
 * entries, then "0".."z", "0/0".."z/z", "0/0/0"...  We always compute with
 * the level mods {0,2,4}.  vpopmail's reader stores the third mod as the
 * second when it rewrites the file ("0 2 2"); real tools read either form the
 * same way, so we write what they write and our trees match theirs byte for
 * byte.  The caller holds the lock that guards the counter: users/assign.lock
 * for the domain counter, the domain's .vpasswd.lock for the user counter.
 */
#include "vpcore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest count we read or write: vp_dirc_inc stops there, so a counter it
 * wrote always parses again. */
#define DIRC_MAX_USERS 4294967295UL

static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void vp_dirc_init(vp_dir_control *dc)
{
	memset(dc, 0, sizeof *dc);
	dc->level_max = 3;
	for (int i = 0; i < 3; i++) {
		dc->level_start[i] = 0;
		dc->level_end[i] = 61;
		dc->level_mod[i] = 2 * i;
	}
}

static int parse_ulong(const char **p, const char *end, unsigned long *out)
{
	const char *s = *p;
	unsigned long v = 0;
	if (s >= end || *s < '0' || *s > '9')
		return -1;
	while (s < end && *s >= '0' && *s <= '9') {
		unsigned long d = (unsigned long)(*s - '0');
		if (v > (DIRC_MAX_USERS - d) / 10)
			return -1;
		v = v * 10 + d;
		s++;
	}
	*p = s;
	*out = v;
	return 0;
}

static int parse_line_ints(const char **p, const char *end, int *vals, int count, int maxval)
{
	for (int i = 0; i < count; i++) {
		unsigned long v;
		if (i > 0) {
			if (*p >= end || **p != ' ')
				return -1;
			(*p)++;
		}
		if (parse_ulong(p, end, &v) != 0 || v > (unsigned long)maxval)
			return -1;
		vals[i] = (int)v;
	}
	if (*p >= end || **p != '\n')
		return -1;
	(*p)++;
	return 0;
}

/* Bounded parse of the 8-line file; anything odd is corrupt (spec 15.9). */
int vp_dirc_parse(const char *data, size_t len, vp_dir_control *dc)
{
	const char *p = data, *end = data + len;
	int one[1];
	vp_dirc_init(dc);
	if (parse_ulong(&p, end, &dc->cur_users) != 0 || p >= end || *p++ != '\n')
		return -1;
	if (parse_line_ints(&p, end, one, 1, 2) != 0)
		return -1;
	dc->level_cur = one[0];
	if (parse_line_ints(&p, end, one, 1, 3) != 0)
		return -1;
	dc->level_max = one[0];
	if (parse_line_ints(&p, end, dc->level_start, 3, 61) != 0 ||
	    parse_line_ints(&p, end, dc->level_end, 3, 61) != 0 ||
	    parse_line_ints(&p, end, dc->level_mod, 3, 64) != 0 ||
	    parse_line_ints(&p, end, dc->level_index, 3, 61) != 0)
		return -1;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t blen = nl ? (size_t)(nl - p) : (size_t)(end - p);
	if (blen >= sizeof dc->bucket || (blen > 0 && blen % 2 == 0))
		return -1; /* "0/" would name a directory with an empty level */
	for (size_t i = 0; i < blen; i++) {
		/* even offsets hold symbols, odd ones the separators */
		if (i % 2 == 1 ? p[i] != '/' : strchr(alphabet, p[i]) == NULL || p[i] == '\0')
			return -1;
	}
	memcpy(dc->bucket, p, blen);
	dc->bucket[blen] = '\0';
	for (int i = 0; i < 3; i++) {
		if (dc->level_start[i] > dc->level_end[i])
			return -1;
		dc->level_mod[i] = 2 * i; /* constants, whatever the file says */
	}
	dc->mod_line_bug = 1;
	return 0;
}

size_t vp_dirc_format(const vp_dir_control *dc, char *out, size_t size)
{
	int third = dc->mod_line_bug ? dc->level_mod[1] : dc->level_mod[2];
	int n = snprintf(out, size, "%lu\n%d\n%d\n%d %d %d\n%d %d %d\n%d %d %d\n%d %d %d\n%s\n",
	                 dc->cur_users, dc->level_cur, dc->level_max,
	                 dc->level_start[0], dc->level_start[1], dc->level_start[2],
	                 dc->level_end[0], dc->level_end[1], dc->level_end[2],
	                 dc->level_mod[0], dc->level_mod[1], third,
	                 dc->level_index[0], dc->level_index[1], dc->level_index[2],
	                 dc->bucket);
	return (n < 0 || (size_t)n >= size) ? 0 : (size_t)n;
}

static void set_bucket(vp_dir_control *dc)
{
	char *b = dc->bucket;
	for (int i = 0; i <= dc->level_cur; i++) {
		if (i > 0)
			*b++ = '/';
		*b++ = alphabet[dc->level_index[i]];
	}
	*b = '\0';
}

void vp_dirc_inc(vp_dir_control *dc)
{
	if (dc->cur_users >= DIRC_MAX_USERS)
		return; /* saturated: keep filling the current bucket */
	dc->cur_users++;
	if (dc->cur_users % 100 != 0)
		return;
	if (dc->bucket[0] == '\0') {
		dc->level_cur = 0;
		dc->level_index[0] = dc->level_start[0];
		set_bucket(dc);
		return;
	}
	int full = 1;
	for (int i = 0; i <= dc->level_cur; i++)
		if (dc->level_index[i] < dc->level_end[i])
			full = 0;
	if (full) {
		if (dc->level_cur + 1 >= dc->level_max || dc->level_cur >= 2)
			return; /* the tree is full: keep filling the last bucket */
		dc->level_cur++;
		for (int i = 0; i <= dc->level_cur; i++)
			dc->level_index[i] = dc->level_start[i];
		set_bucket(dc);
		return;
	}
	/* Increment the last symbol, carrying into the levels above. */
	for (int i = dc->level_cur; i >= 0; i--) {
		if (dc->level_index[i] < dc->level_end[i]) {
			dc->level_index[i]++;
			break;
		}
		dc->level_index[i] = dc->level_start[i];
	}
	set_bucket(dc);
}

static int load(const char *path, vp_dir_control *dc, int *existed, vp_error *err)
{
	char *data;
	size_t len;
	int rc = vp_read_file(path, &data, &len, 4096, err);
	*existed = 0;
	if (rc == -1) {
		vp_dirc_init(dc);
		return 0;
	}
	if (rc < 0)
		return rc;
	*existed = 1;
	rc = vp_dirc_parse(data, len, dc);
	free(data);
	/* Never guess a position: a reset counter would place new homes where
	 * old ones are.  Removing the file restarts it, as vpopmail would. */
	if (rc != 0)
		return vp_fail(err, VA_CORRUPT_FILE, "%s does not parse (remove it to restart the counter)",
		               path);
	return 0;
}

static int store(const vp_config *cfg, const char *path, const vp_dir_control *dc, uid_t uid,
                 gid_t gid, vp_error *err)
{
	char buf[256];
	size_t n = vp_dirc_format(dc, buf, sizeof buf);
	if (n == 0)
		return vp_fail(err, VA_CORRUPT_FILE, "%s", path);
	return vp_write_file_atomic(cfg, path, buf, n, 0600, uid, gid, cfg->chown_files, err);
}

int vp_dirc_next(const vp_config *cfg, const char *path, uid_t uid, gid_t gid,
                 char *bucket_out, size_t size, vp_error *err)
{
	vp_dir_control dc;
	int existed;
	int rc = load(path, &dc, &existed, err);
	if (rc != 0)
		return rc;
	vp_dirc_inc(&dc);
	if (strlen(dc.bucket) >= size)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	rc = store(cfg, path, &dc, uid, gid, err);
	if (rc != 0)
		return rc;
	strcpy(bucket_out, dc.bucket);
	return 0;
}

/* The counter one lower (floor 0): 1, 0 when there is none, or a VA code. */
static int load_dec(const char *path, vp_dir_control *dc, vp_error *err)
{
	int existed;
	int rc = load(path, dc, &existed, err);
	if (rc != 0 || !existed)
		return rc;
	if (dc->cur_users > 0)
		dc->cur_users--;
	return 1;
}

int vp_dirc_dec(const vp_config *cfg, const char *path, uid_t uid, gid_t gid, vp_error *err)
{
	vp_dir_control dc;
	int rc = load_dec(path, &dc, err);
	return rc <= 0 ? rc : store(cfg, path, &dc, uid, gid, err);
}

int vp_dirc_dec_stage(const vp_config *cfg, const char *path, uid_t uid, gid_t gid, vp_atomic *a,
                      vp_error *err)
{
	char buf[256];
	vp_dir_control dc;
	int rc = load_dec(path, &dc, err);
	if (rc <= 0)
		return rc;
	size_t n = vp_dirc_format(&dc, buf, sizeof buf);
	if (n == 0)
		return vp_fail(err, VA_CORRUPT_FILE, "%s", path);
	if ((rc = vp_atomic_open(cfg, a, path, 0600, err)) != 0)
		return rc;
	vp_atomic_write(a, buf, n); /* a failure: stage reports it */
	if ((rc = vp_atomic_stage(a, uid, gid, cfg->chown_files, err)) != 0)
		return rc;
	return 1;
}
