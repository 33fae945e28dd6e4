/* sqltest.h: what the C tests of the mysql driver share (test_store_mysql,
 * test_store_repl, test_crash_mysql): a clock, a domain record, a shell
 * command with the source folder filled in. */
#ifndef VP_TEST_SQLTEST_H
#define VP_TEST_SQLTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "vp_store.h"

static inline double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A real domain under /home/vpopmail/domains, owned by 89:89. */
static inline vp_domain_info mkdom(const char *name)
{
	vp_domain_info d;
	memset(&d, 0, sizeof d);
	snprintf(d.name, sizeof d.name, "%s", name);
	snprintf(d.realdomain, sizeof d.realdomain, "%s", name);
	snprintf(d.dir, sizeof d.dir, "/home/vpopmail/domains/%s", name);
	d.uid = 89;
	d.gid = 89;
	return d;
}

/* fmt holds two %s: the source folder, then a; the command's exit status
 * (1 when it did not exit). */
static inline int sh_in(const char *srcdir, const char *fmt, const char *a)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, fmt, srcdir, a);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
}

#endif
