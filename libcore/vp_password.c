/*
 * vp_password.c: crypt(3)-compatible password hashes (spec 6.8).
 *
 * New hashes: SHA-512 crypt "$6$" with a 16-character salt by default (5.6
 * writes 8; every reader accepts up to 16), or MD5 "$1$" (5.4 style),
 * SHA-256 "$5$", bcrypt "$2b$", yescrypt "$y$" per configuration, always at
 * libxcrypt's default cost.  Salts come from crypt_gensalt_rn with no
 * caller-supplied bytes, so libxcrypt reads the OS random source itself.
 *
 * Verification accepts whatever libxcrypt knows (DES, $1$, $5$, $6$, $2b$,
 * $y$, ...), after dropping a Dovecot-style "{SCHEME}" prefix as 5.6 does.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_password.h"

#include <crypt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *scheme_prefix(enum vp_hash_scheme scheme)
{
	switch (scheme) {
	case VP_HASH_MD5: return "$1$";
	case VP_HASH_SHA256: return "$5$";
	case VP_HASH_BCRYPT: return "$2b$";
	case VP_HASH_YESCRYPT: return "$y$";
	case VP_HASH_SHA512:
	default: return "$6$";
	}
}

/* Fixed settings at libxcrypt's default cost for each scheme (the salt is
 * irrelevant: only the work matters). */
const char *vp_password_dummy_setting(enum vp_hash_scheme scheme)
{
	switch (scheme) {
	case VP_HASH_MD5: return "$1$nDi9WTaw";
	case VP_HASH_SHA256: return "$5$.BCUVJgx0MPgQBMt";
	case VP_HASH_BCRYPT: return "$2b$05$4wBE10aEBxm71c18YJfE.O";
	case VP_HASH_YESCRYPT: return "$y$j9T$k2KXolfI9VhzMpw7z6BvC1";
	case VP_HASH_SHA512:
	default: return "$6$KW.T7W7yWau8.sIF";
	}
}

/* struct crypt_data is 32 KiB: keep it off the (possibly small) thread stack. */
static struct crypt_data *crypt_data_new(void)
{
	return calloc(1, sizeof(struct crypt_data));
}

static void crypt_data_free(struct crypt_data *d)
{
	if (d) {
		explicit_bzero(d, sizeof *d);
		free(d);
	}
}

int vp_password_hash(enum vp_hash_scheme scheme, const char *password, char *out,
                     size_t size, vp_error *err)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	if (!password || !out || size == 0)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	out[0] = '\0';
	if (!crypt_gensalt_rn(scheme_prefix(scheme), 0, NULL, 0, setting, (int)sizeof setting))
		return vp_fail(err, VA_CRYPT_FAILED, "cannot make a salt");
	struct crypt_data *d = crypt_data_new();
	if (!d)
		return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
	const char *h = crypt_rn(password, setting, d, (int)sizeof *d);
	int rc = 0;
	size_t n = h ? strlen(h) : 0;
	if (!h || h[0] == '*' || n == 0)
		rc = vp_fail(err, VA_CRYPT_FAILED, NULL);
	else if (n >= size || n > VP_MAX_PW_PASS)
		rc = vp_fail(err, VA_PASSWD_TOO_LONG, "hash too long");
	else
		memcpy(out, h, n + 1);
	crypt_data_free(d);
	return rc;
}

static void hash_job_do(vp_hash_job *j)
{
	j->rc = vp_password_hash(j->scheme, j->password, j->out, j->size, &j->err);
}

/* The thread runs at the lowest priority: the caller and the SQL server it
 * talks to wake up on the hash's core at once instead of waiting out its
 * time slice (measured on 2 cores: 0.7 ms less per mysql add than at the
 * same priority, which gained nothing over hashing in turn). */
static void *hash_job_thread(void *arg)
{
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
	hash_job_do(arg);
	return NULL;
}

void vp_password_hash_start(vp_hash_job *job, enum vp_hash_scheme scheme, const char *password,
                            char *out, size_t size)
{
	memset(job, 0, sizeof *job);
	job->scheme = scheme;
	job->password = password;
	job->out = out;
	job->size = size;
	job->threaded = vp_thread_start(&job->tid, hash_job_thread, job, 0) == 0;
	if (!job->threaded)
		hash_job_do(job);
}

int vp_password_hash_finish(vp_hash_job *job, vp_error *err)
{
	if (job->threaded) {
		pthread_join(job->tid, NULL);
		job->threaded = 0;
	}
	if (job->rc != 0 && err)
		*err = job->err;
	return job->rc;
}

/* Constant time in the content of both strings (the lengths are public: they
 * depend only on the scheme). */
static int ct_streq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = (unsigned char)(la != lb);
	for (size_t i = 0; i < lb; i++) {
		unsigned char ca = i < la ? (unsigned char)a[i] : 0;
		diff |= (unsigned char)(ca ^ (unsigned char)b[i]);
	}
	return diff == 0;
}

int vp_password_verify(const char *password, const char *stored)
{
	if (!password || !stored)
		return 0;
	if (stored[0] == '{') {
		const char *close = strchr(stored, '}');
		if (!close)
			return 0;
		stored = close + 1;
	}
	if (stored[0] == '\0')
		return 0;
	struct crypt_data *d = crypt_data_new();
	if (!d)
		return 0;
	const char *h = crypt_rn(password, stored, d, (int)sizeof *d);
	int ok = h && h[0] != '*' && ct_streq(h, stored);
	crypt_data_free(d);
	return ok;
}

void vp_password_burn(enum vp_hash_scheme scheme, const char *password)
{
	struct crypt_data *d = crypt_data_new();
	if (!d)
		return;
	const char *h = crypt_rn(password ? password : "", vp_password_dummy_setting(scheme), d,
	                         (int)sizeof *d);
	/* Compare as a real verification would, then forget it. */
	volatile int sink = h ? ct_streq(h, vp_password_dummy_setting(scheme)) : 0;
	(void)sink;
	crypt_data_free(d);
}
