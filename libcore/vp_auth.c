/*
 * vp_auth.c: vauth_user() for the cdb module (spec 7.1).
 *
 * user@domain, both lowercased; an alias domain resolves to its real domain
 * through users/cdb; the user is looked up in vpasswd.cdb (rebuilt first if
 * only vpasswd exists); the password must crypt(3) to the stored hash.  As
 * in vpopmail there is no flag check (a NO_POP user still authenticates: the
 * caller decides per service), no clear-text comparison and no lastauth
 * update.
 *
 * vp_auth_user_ex adds what vchkpw does (spec 7.2, 6.9): a service whose
 * effective flag (the user's bits plus the domain's limits, spec 6.7) denies
 * it gives VA_ACCOUNT_DISABLED, decided only after the password matched, so
 * a wrong password never tells anything about the flags; and with
 * cfg->auth_logging a success rewrites <home>/lastauth with the client's IP
 * (the canonical text of an IPv4/IPv6 literal; anything else, or none, is
 * written as "0.0.0.0"), no newline, 0600, owned by the domain, replaced by
 * rename (not fsynced: see write_lastauth).
 * A lastauth that cannot be written does not fail the login (vchkpw does
 * not either), but a home that is not safely inside the domain does
 * (VA_UNSAFE_PATH, after the password matched): the directory field points
 * outside the domain or through '..', or a symlink or (as root) a directory
 * others may write lies on the way; the record or the tree has been tampered
 * with, and nothing is written.
 *
 * The answer says why it failed (VA_DOMAIN_DOES_NOT_EXIST,
 * VA_USER_DOES_NOT_EXIST, VA_WRONG_PASSWORD) but nothing more, and never
 * the password.
 *
 * Timing, by what a remote client could learn from it:
 *  - An unknown or malformed domain is answered at once: which domains a
 *    server hosts is public anyway (MX records, rcpthosts, the SMTP
 *    greeting's RCPT answers), so hashing would only hand out free CPU.
 *  - A malformed user name (empty, too long, a byte vpopmail cannot store)
 *    is answered at once too: the rules are public, no mailbox is revealed.
 *  - An unknown user in a hosted domain pays one crypt over a fixed setting
 *    of the configured scheme at its default cost, like a wrong password,
 *    so the time does not tell which mailboxes exist (user enumeration).
 *    cfg->auth_fast_unknown drops that crypt (answer in microseconds) for
 *    sites where the mailbox list is not a secret or where the front end
 *    already rate-limits and answers uniformly.
 *  - An existing user with an empty stored hash also pays the dummy crypt.
 * A stored hash with a non-default cost takes what it takes, as it would
 * for any verification.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_password.h"
#include "vp_store.h"
#include "vp_vpasswd.h"

#include "vp_limits.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int lower_name(const char *src, char *dst, size_t max)
{
	size_t len = strlen(src);
	if (len == 0 || len > max)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c <= 32 || c >= 127 || c == ':')
			return -1;
		dst[i] = (char)((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
	}
	dst[len] = '\0';
	return 0;
}

static const struct {
	const char *name;
	unsigned long flag;
} services[] = {
	[VP_SERVICE_ANY] = { "any", 0 },
	[VP_SERVICE_POP] = { "POP", VP_NO_POP },
	[VP_SERVICE_IMAP] = { "IMAP", VP_NO_IMAP },
	[VP_SERVICE_SMTP] = { "SMTP", VP_NO_SMTP },
	[VP_SERVICE_WEBMAIL] = { "webmail", VP_NO_WEBMAIL },
};

/*
 * <home>/lastauth = the client address, best effort.  Replaced by rename, so
 * readers never see half a file, but not fsynced: it is a hint whose mtime
 * is what matters, vchkpw does not sync it either, and the two fsyncs of
 * vp_write_file_atomic cost ~10 ms per login on a plain disk.
 */
static void write_lastauth(const vp_config *cfg, const vp_domain_info *dom, int dfd,
                           const char *remote_ip)
{
	char text[INET6_ADDRSTRLEN + 1] = "0.0.0.0", tmp[64];
	unsigned char addr[sizeof(struct in6_addr)];
	if (remote_ip && strlen(remote_ip) < sizeof text) {
		if (inet_pton(AF_INET, remote_ip, addr) == 1)
			inet_ntop(AF_INET, addr, text, sizeof text);
		else if (inet_pton(AF_INET6, remote_ip, addr) == 1)
			inet_ntop(AF_INET6, addr, text, sizeof text);
	}
	unsigned long r = 0;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
		r = (unsigned long)(uintptr_t)&r ^ (unsigned long)time(NULL);
	snprintf(tmp, sizeof tmp, "lastauth.%ld.%lx.tmp", (long)getpid(), r);
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	size_t len = strlen(text);
	int ok = write(fd, text, len) == (ssize_t)len && fchmod(fd, 0600) == 0 &&
	         (!cfg->chown_files || fchown(fd, dom->uid, dom->gid) == 0);
	if (close(fd) != 0)
		ok = 0;
	if (!ok || renameat(dfd, tmp, dfd, "lastauth") != 0)
		unlinkat(dfd, tmp, 0);
}

/* The home of e for its lastauth: an fd, -1 when there is none to write to
 * (no dir field, missing, unreadable), or VA_UNSAFE_PATH (err filled). */
static int lastauth_home(const vp_config *cfg, const vp_domain_info *dom, const char *home,
                         vp_error *err)
{
	if (!home[0])
		return -1;
	int fd = vp_home_open(cfg, dom, home, err);
	if (fd >= 0 || fd == VA_UNSAFE_PATH)
		return fd;
	vp_error_clear(err);
	return -1;
}

static int auth_common(const vp_config *cfg, const char *user, const char *domain,
                       const char *password, enum vp_service svc, const char *remote_ip,
                       int logging, vp_user_entry *out, vp_error *err)
{
	char uname[VP_MAX_PW_NAME + 1], dname[VP_MAX_PW_DOMAIN + 1];
	vp_domain_info dom;
	vp_user_entry e;
	int rc;

	vp_error_clear(err);
	if (out)
		memset(out, 0, sizeof *out);
	if (!cfg || !user || !domain || !password)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	enum vp_hash_scheme scheme = cfg->hash_scheme;

	if (strlen(domain) > VP_MAX_PW_DOMAIN ||
	    vp_domain_normalize(domain, strlen(domain), dname, NULL) != 0)
		return vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, NULL);
	rc = vp_domain_lookup(cfg, dname, &dom, err);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return vp_fail(err, VA_DOMAIN_DOES_NOT_EXIST, "%s", dname);
	if (lower_name(user, uname, VP_MAX_PW_NAME) != 0)
		return vp_fail(err, VA_USER_DOES_NOT_EXIST, NULL);
	rc = vp_vpw_get(cfg, &dom, uname, &e, err);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (!cfg->auth_fast_unknown)
			vp_password_burn(scheme, password);
		return vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", uname, dom.realdomain);
	}
	int ok;
	if (e.passwd[0] == '\0') {
		vp_password_burn(scheme, password);
		ok = 0; /* an empty hash never matches */
	} else {
		ok = vp_password_verify(password, e.passwd);
	}
	if (!ok) {
		explicit_bzero(&e, sizeof e);
		return vp_fail(err, VA_WRONG_PASSWORD, "%s@%s", uname, dom.realdomain);
	}
	if (svc != VP_SERVICE_ANY) {
		vp_limits lim;
		unsigned long flags = e.flags;
		/* unreadable limits: the stored bits alone, as vpopmail's pw_flags */
		if (vp_limits_read(cfg, dom.dir, &lim, NULL) == 0)
			flags = vp_effective_flags(e.flags, &lim);
		if (flags & services[svc].flag) {
			explicit_bzero(&e, sizeof e);
			return vp_fail(err, VA_ACCOUNT_DISABLED, "%s denied for %s@%s", services[svc].name,
			               uname, dom.realdomain);
		}
	}
	vp_store *st = vp_cfg_store(cfg);
	if (logging && st) {
		/* mysql: the lastauth row (one statement), best effort as the file */
		vp_error ignored;
		vp_store_lastauth_set(st, &dom, &e, remote_ip, (long long)time(NULL), &ignored);
	} else if (logging) {
		int hfd = lastauth_home(cfg, &dom, e.dir, err);
		if (hfd == VA_UNSAFE_PATH) {
			explicit_bzero(&e, sizeof e);
			return hfd;
		}
		if (hfd >= 0) {
			write_lastauth(cfg, &dom, hfd, remote_ip);
			close(hfd);
		}
	}
	if (out)
		*out = e;
	explicit_bzero(&e, sizeof e);
	return 0;
}

int vp_auth_user(const vp_config *cfg, const char *user, const char *domain,
                 const char *password, vp_user_entry *out, vp_error *err)
{
	return auth_common(cfg, user, domain, password, VP_SERVICE_ANY, NULL, 0, out, err);
}

int vp_auth_user_ex(const vp_config *cfg, const char *user, const char *domain,
                    const char *password, enum vp_service svc, const char *remote_ip,
                    vp_user_entry *out, vp_error *err)
{
	if ((unsigned)svc >= sizeof services / sizeof services[0]) {
		vp_error_clear(err);
		if (out)
			memset(out, 0, sizeof *out);
		return vp_fail(err, VA_PARSE_ERROR, "unknown service %d", (int)svc);
	}
	return auth_common(cfg, user, domain, password, svc, remote_ip,
	                   cfg && cfg->auth_logging, out, err);
}
