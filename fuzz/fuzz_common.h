/*
 * fuzz_common.h: shared by the libFuzzer targets (header-only).
 *
 * A sandbox tree is made once per process under $VP_FUZZ_TMP (scripts/fuzz.sh
 * points it at /dev/shm when it can: every rewrite fsyncs, which a disk makes
 * slow) and removed at exit:
 *   <root>/vpopmail/domains/example.com/   the domain dir
 *   <root>/qmail/users/cdb                 "+example.com-:example.com:uid:gid:<dir>:-::"
 * FUZZ_CHECK aborts (libFuzzer keeps the input) when a property does not hold.
 */
#ifndef VP_FUZZ_COMMON_H
#define VP_FUZZ_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vpcore.h"

#define FUZZ_CHECK(cond)                                                              \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, \
			        #cond);                                               \
			abort();                                                      \
		}                                                                     \
	} while (0)

typedef struct fuzz_tree {
	char root[512];
	char home[600];   /* <root>/vpopmail */
	char qmail[600];  /* <root>/qmail */
	char domdir[700]; /* <root>/vpopmail/domains/example.com */
	vp_config cfg;
	vp_domain_info dom;
} fuzz_tree;

static char fuzz_rm_parent[512], fuzz_rm_roots[4][512];
static int fuzz_rm_count;

static void fuzz_cleanup(void)
{
	vp_error e;
	for (int i = 0; i < fuzz_rm_count; i++)
		vp_remove_tree(fuzz_rm_parent, fuzz_rm_roots[i], &e);
}

static void fuzz_mkdir(const char *p)
{
	if (mkdir(p, 0700) != 0 && errno != EEXIST) {
		perror(p);
		abort();
	}
}

static void fuzz_write(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		perror(path);
		abort();
	}
	const char *p = data;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			perror(path);
			abort();
		}
		p += w;
		len -= (size_t)w;
	}
	close(fd);
}

/* The tree of the header comment; with_domain = 0 leaves users/cdb out. */
static void fuzz_tree_init(fuzz_tree *t, int with_domain)
{
	const char *base = getenv("VP_FUZZ_TMP");
	if (!base || !*base)
		base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	snprintf(fuzz_rm_parent, sizeof fuzz_rm_parent, "%s", base);
	snprintf(t->root, sizeof t->root, "%s/vpfuzzXXXXXX", base);
	if (!mkdtemp(t->root)) {
		perror("mkdtemp");
		abort();
	}
	if (fuzz_rm_count < 4) {
		snprintf(fuzz_rm_roots[fuzz_rm_count++], sizeof fuzz_rm_roots[0], "%s", t->root);
		if (fuzz_rm_count == 1)
			atexit(fuzz_cleanup);
	}
	char p[800];
	snprintf(t->home, sizeof t->home, "%s/vpopmail", t->root);
	snprintf(t->qmail, sizeof t->qmail, "%s/qmail", t->root);
	fuzz_mkdir(t->home);
	fuzz_mkdir(t->qmail);
	snprintf(p, sizeof p, "%s/users", t->qmail);
	fuzz_mkdir(p);
	snprintf(p, sizeof p, "%s/control", t->qmail);
	fuzz_mkdir(p);
	snprintf(p, sizeof p, "%s/domains", t->home);
	fuzz_mkdir(p);
	snprintf(t->domdir, sizeof t->domdir, "%s/domains/example.com", t->home);
	fuzz_mkdir(t->domdir);

	memset(&t->cfg, 0, sizeof t->cfg);
	t->cfg.vpopmail_dir = t->home;
	t->cfg.qmail_dir = t->qmail;
	t->cfg.uid = getuid() ? getuid() : 89;
	t->cfg.gid = getgid() ? getgid() : 89;
	t->cfg.lock_timeout_ms = 2000;
	t->cfg.hash_scheme = VP_HASH_MD5; /* the cheapest burn for unknown users */

	memset(&t->dom, 0, sizeof t->dom);
	snprintf(t->dom.name, sizeof t->dom.name, "example.com");
	snprintf(t->dom.realdomain, sizeof t->dom.realdomain, "example.com");
	snprintf(t->dom.dir, sizeof t->dom.dir, "%s", t->domdir);
	t->dom.uid = t->cfg.uid;
	t->dom.gid = t->cfg.gid;

	if (with_domain) {
		char line[1200];
		vp_error err;
		int n = snprintf(line, sizeof line, "+example.com-:example.com:%lu:%lu:%s:-::\n.\n",
		                 (unsigned long)t->cfg.uid, (unsigned long)t->cfg.gid, t->domdir);
		if (vp_build_users_cdb(&t->cfg, line, (size_t)n, &err) != 0) {
			fprintf(stderr, "fuzz: cannot build users/cdb: %s\n", err.msg);
			abort();
		}
	}
}

/* A NUL-terminated copy of data (malloc'd). */
static char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
