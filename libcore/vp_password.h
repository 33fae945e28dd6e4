/*
 * vp_password.h: password hashing and verification (internal to libcore).
 *
 * Everything goes through libxcrypt's reentrant calls (crypt_rn,
 * crypt_gensalt_rn) with a heap-allocated struct crypt_data, so any number of
 * threads may hash at once.  Passwords never reach an error message.
 */
#ifndef VP_PASSWORD_H
#define VP_PASSWORD_H

#include "vpcore.h"

#include <pthread.h>

/* Room for any hash we produce or accept (yescrypt is 73, sha512 106). */
#define VP_HASH_BUF (VP_MAX_PW_PASS + 64)

/* Hash password with a fresh salt from the OS random source, in the scheme
 * given.  0, or VA_CRYPT_FAILED / VA_MEMORY_ALLOC_ERR. */
int vp_password_hash(enum vp_hash_scheme scheme, const char *password, char *out,
                     size_t size, vp_error *err);

/* A hash made on a thread of its own while the caller does its I/O (the
 * add's lock, its SQL round trips, its home): crypt is CPU, the rest mostly
 * waits.  out and password must stay valid until vp_password_hash_finish,
 * which every path that called _start must call.  No thread to be had: the
 * hash is made by _start itself, so _finish always has a result. */
typedef struct vp_hash_job {
	enum vp_hash_scheme scheme;
	const char *password;
	char *out;
	size_t size;
	int rc;
	vp_error err;
	int threaded;
	pthread_t tid;
} vp_hash_job;

void vp_password_hash_start(vp_hash_job *job, enum vp_hash_scheme scheme, const char *password,
                            char *out, size_t size);
/* vp_password_hash's result (and err) once the hash is done; 0 when it is in out. */
int vp_password_hash_finish(vp_hash_job *job, vp_error *err);

/* 1 when password matches the stored hash, 0 otherwise.  A leading {SCHEME}
 * prefix is dropped; an empty stored hash, a crypt failure or a failure token
 * never match.  The comparison runs in constant time over the hash length. */
int vp_password_verify(const char *password, const char *stored);

/* Spend the time a verification against a hash of `scheme` takes (with the
 * default cost), and throw the result away: used for an empty stored hash
 * and for an unknown name in a domain without users (vp_auth.c). */
void vp_password_burn(enum vp_hash_scheme scheme, const char *password);

/* The dummy setting used by vp_password_burn (exposed for the tests). */
const char *vp_password_dummy_setting(enum vp_hash_scheme scheme);

#endif
