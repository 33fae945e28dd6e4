/*
 * physlimit.c: the least a vpasswd change can cost with the cdb format.
 *
 * Copies a domain's vpasswd to a new file and builds a cdb of it (key: the
 * name, value: the rest of the line) with tinycdb, exactly the two files a
 * change must rewrite, with the same 256 KiB blocks libcore uses and no
 * checks at all.  With fsync (the fair limit: libcore's writes are durable)
 * both files are fsynced, renamed over the originals' copies and the
 * directory fsynced once; without, they are just written and renamed.
 *
 *   physlimit <vpasswd> <outdir> [runs]     prints microseconds (median)
 *
 * bench_core.c links the function directly (PHYSLIMIT_NO_MAIN).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <cdb.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PL_BUF (256 * 1024)

/* One copy + cdb build; returns seconds, or -1. */
double physlimit_once(const char *src, const char *outdir, int do_fsync)
{
	char txt[4096], cdbp[4096], ttmp[4200], ctmp[4200];
	static char in[PL_BUF], carry[8192];
	struct timespec t0, t1;
	snprintf(txt, sizeof txt, "%s/vpasswd", outdir);
	snprintf(cdbp, sizeof cdbp, "%s/vpasswd.cdb", outdir);
	snprintf(ttmp, sizeof ttmp, "%s.tmp", txt);
	snprintf(ctmp, sizeof ctmp, "%s.tmp", cdbp);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int fd = open(src, O_RDONLY);
	int tf = open(ttmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int cf = open(ctmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || tf < 0 || cf < 0)
		return -1;
	struct cdb_make cm;
	cdb_make_start(&cm, cf);
	size_t clen = 0;
	ssize_t got;
	while ((got = read(fd, in, sizeof in)) > 0) {
		/* text: straight through, in the same blocks */
		if (write(tf, in, (size_t)got) != got)
			return -1;
		/* cdb: one record per line */
		const char *p = in, *end = in + got;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			if (!nl) {
				memcpy(carry + clen, p, (size_t)(end - p));
				clen += (size_t)(end - p);
				break;
			}
			const char *line = p;
			size_t len = (size_t)(nl - p);
			if (clen) {
				memcpy(carry + clen, p, len);
				line = carry;
				len += clen;
				clen = 0;
			}
			const char *colon = memchr(line, ':', len);
			if (colon)
				cdb_make_add(&cm, line, (unsigned)(colon - line), colon + 1,
				             (unsigned)(len - (size_t)(colon - line) - 1));
			p = nl + 1;
		}
	}
	close(fd);
	if (cdb_make_finish(&cm) != 0)
		return -1;
	if (do_fsync && (fsync(tf) != 0 || fsync(cf) != 0))
		return -1;
	close(tf);
	close(cf);
	if (rename(ttmp, txt) != 0 || rename(ctmp, cdbp) != 0)
		return -1;
	if (do_fsync) {
		int d = open(outdir, O_RDONLY | O_DIRECTORY);
		fsync(d);
		close(d);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

#ifndef PHYSLIMIT_NO_MAIN
static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: physlimit <vpasswd> <outdir> [runs]\n");
		return 2;
	}
	int runs = argc > 3 ? atoi(argv[3]) : 9;
	if (runs < 1 || runs > 1000)
		runs = 9;
	double v[1000];
	for (int f = 1; f >= 0; f--) {
		for (int i = 0; i < runs; i++)
			v[i] = physlimit_once(argv[1], argv[2], f);
		qsort(v, (size_t)runs, sizeof v[0], cmpd);
		printf("%s fsync: %.0f us\n", f ? "with" : "without", v[runs / 2] * 1e6);
	}
	return 0;
}
#endif
