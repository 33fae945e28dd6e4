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
 * written as "0.0.0.0"), no newline, 0600, owned by the domain: only its
 * mtime is set when the address is the one it holds, else it is replaced
 * by rename (not fsynced: see lastauth_at).
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
 *  - An unknown user in a hosted domain is checked against the stored hash
 *    of a real user of that domain (the decoy, vp_decoy.c: picked from the
 *    name by a keyed hash, the same user for the same name), so it costs
 *    what a wrong password for a known user costs, whatever mix of schemes
 *    and cost parameters the domain holds (an old tree of MD5 hashes under
 *    a SHA-512 configuration included): the time does not tell which
 *    mailboxes exist.  A domain with no user at all pays the configured
 *    scheme's dummy crypt at its default cost, as its first user will.
 *    cfg->auth_fast_unknown drops that crypt (answer in microseconds) for
 *    sites where the mailbox list is not a secret or where the front end
 *    already rate-limits and answers uniformly.
 *  - An existing user with an empty stored hash pays the configured
 *    scheme's dummy crypt (and so does a name whose decoy has one).
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
 * <home>/lastauth = text, in the home open as dfd, best effort.
 *
 * Most logins come from the address of the last one: then the content is
 * already right and only the time (the mtime readers take) is set (unless
 * it already says this second), with
 * futimens on the file itself, opened without following a symlink and only
 * when it is a plain 0600 file of the domain with one link (the rewrite
 * below fixes anything else).  Its content is never touched, so a reader
 * cannot see it empty or half written.
 *
 * A new address is a fresh file renamed over the old one: a reader sees
 * the old address or the new one.  Rewriting in place (pwrite + ftruncate)
 * would cost ~20 us instead of 0.2-0.9 ms here, but a reader can then see
 * a mix of the two addresses or a prefix of the new one, so it is not done.
 * Not fsynced: it is a hint whose mtime is what matters (vchkpw does not
 * sync it either); a rename over an existing file on ext4 has its data
 * allocated before the rename commits, which is most of that cost.
 */
static void lastauth_at(const vp_config *cfg, const vp_domain_info *dom, int dfd,
                        const char *text)
{
	char tmp[64], old[64];
	size_t len = strlen(text);
	/* O_NONBLOCK: a FIFO in its place must not hang the login. */
	int fd = openat(dfd, "lastauth", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		struct stat st;
		int same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
		           (st.st_mode & 07777) == 0600 &&
		           (!cfg->chown_files || (st.st_uid == dom->uid && st.st_gid == dom->gid)) &&
		           st.st_size == (off_t)len && len < sizeof old &&
		           pread(fd, old, sizeof old, 0) == (ssize_t)len && memcmp(old, text, len) == 0;
		const struct timespec t[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
		/* Its readers (vuserinfo, qmailadmin, vdeloldusers, user_info) take
		 * the mtime in whole seconds: one already in this second stays, as
		 * when a client opens several connections at once. */
		if (same && (st.st_mtim.tv_sec == time(NULL) || futimens(fd, t) == 0)) {
			close(fd);
			return;
		}
		close(fd);
	}
	unsigned long r = 0;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
		r = (unsigned long)(uintptr_t)&r ^ (unsigned long)time(NULL);
	snprintf(tmp, sizeof tmp, "lastauth.%ld.%lx.tmp", (long)getpid(), r);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	int ok = write(fd, text, len) == (ssize_t)len && fchmod(fd, 0600) == 0 &&
	         (!cfg->chown_files || fchown(fd, dom->uid, dom->gid) == 0);
	if (close(fd) != 0)
		ok = 0;
	if (!ok || renameat(dfd, tmp, dfd, "lastauth") != 0)
		unlinkat(dfd, tmp, 0);
}

/* The client address as lastauth keeps it, file or row: canonical text,
 * "0.0.0.0" for none or anything that is not an IP literal. */
static void lastauth_ip(const char *remote_ip, char text[INET6_ADDRSTRLEN + 1])
{
	unsigned char addr[sizeof(struct in6_addr)];
	strcpy(text, "0.0.0.0");
	if (remote_ip && strlen(remote_ip) < INET6_ADDRSTRLEN + 1) {
		if (inet_pton(AF_INET, remote_ip, addr) == 1)
			inet_ntop(AF_INET, addr, text, INET6_ADDRSTRLEN + 1);
		else if (inet_pton(AF_INET6, remote_ip, addr) == 1)
			inet_ntop(AF_INET6, addr, text, INET6_ADDRSTRLEN + 1);
	}
}

/* <home>/lastauth = the client address; dfd: the home, reached safely. */
static void write_lastauth(const vp_config *cfg, const vp_domain_info *dom, int dfd,
                           const char *remote_ip)
{
	char text[INET6_ADDRSTRLEN + 1];
	lastauth_ip(remote_ip, text);
	lastauth_at(cfg, dom, dfd, text);
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

/* What a wrong password costs for a user holding `stored`: an empty hash
 * never matches but pays the configured scheme's dummy crypt. */
static int check_password(enum vp_hash_scheme scheme, const char *password, const char *stored)
{
	if (stored[0] == '\0') {
		vp_password_burn(scheme, password);
		return 0;
	}
	return vp_password_verify(password, stored);
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
	/* Known or not, the same reads and one verification of a real user's
	 * hash (the decoy for an unknown name), so that even a cheap scheme
	 * (DES: a few us) does not show the difference in I/O. */
	char decoy[VP_HASH_BUF] = "";
	rc = vp_vpw_auth_get(cfg, &dom, uname, &e, cfg->auth_fast_unknown ? NULL : decoy,
	                     sizeof decoy, err);
	if (rc < 0) {
		explicit_bzero(decoy, sizeof decoy);
		return rc;
	}
	int found = rc;
	if (!found && cfg->auth_fast_unknown)
		return vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", uname, dom.realdomain);
	int ok = check_password(scheme, password, found ? e.passwd : decoy);
	explicit_bzero(decoy, sizeof decoy);
	if (!found) {
		explicit_bzero(&e, sizeof e);
		return vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", uname, dom.realdomain);
	}
	if (!ok) {
		explicit_bzero(&e, sizeof e);
		return vp_fail(err, VA_WRONG_PASSWORD, "%s@%s", uname, dom.realdomain);
	}
	if (svc != VP_SERVICE_ANY) {
		vp_limits lim;
		unsigned long flags = e.flags;
		/* unreadable limits: the stored bits alone, as vpopmail's pw_flags */
		if (vp_limits_read(cfg, &dom, &lim, NULL) == 0)
			flags = vp_effective_flags(e.flags, &lim);
		if (flags & services[svc].flag) {
			explicit_bzero(&e, sizeof e);
			return vp_fail(err, VA_ACCOUNT_DISABLED, "%s denied for %s@%s", services[svc].name,
			               uname, dom.realdomain);
		}
	}
	vp_store *st = vp_cfg_store(cfg);
	if (logging && st) {
		/* mysql: a row any tool may have written; a home outside the domain
		 * is refused as the cdb side refuses it (lastauth_home), although
		 * nothing is written there.  Then the lastauth row (one statement,
		 * not waited for), best effort as the file, the address in the
		 * file's form (a raw "unix:/run/php.sock" or "2001:DB8:0::1" went
		 * into the row as given). */
		if (e.dir[0] && (rc = vp_home_check(&dom, e.dir, err)) != 0) {
			explicit_bzero(&e, sizeof e);
			return rc;
		}
		vp_error ignored;
		char ip[INET6_ADDRSTRLEN + 1];
		lastauth_ip(remote_ip, ip);
		vp_store_lastauth_set(st, &dom, &e, ip, (long long)time(NULL), &ignored);
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

/* A client-given value for the log: printable ASCII (others as '?'),
 * lowercased where asked, cut to size. */
static void log_text(char *dst, size_t size, const char *src, int lower)
{
	size_t i = 0;
	for (; src && src[i] && i + 1 < size; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c < 0x20 || c >= 0x7f)
			c = '?';
		else if (lower && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		dst[i] = (char)c;
	}
	dst[i] = '\0';
}

/*
 * cfg->sql_logging (mysql): one vlog row per call, as vchkpw's logsql
 * (error = VLOG_* code, message "<who>: <what> <user>@<domain>:<ip>"),
 * for successes too, but once per failure (vchkpw writes a wrong password
 * twice) and never the attempted password: the passwd column gets ''.
 * Best effort: a log that cannot be written does not change the answer.
 */
static void log_auth(const vp_config *cfg, const char *user, const char *domain,
                     enum vp_service svc, const char *remote_ip, int rc)
{
	static const char *const who[] = {
		[VP_SERVICE_ANY] = "php-vpopmail", [VP_SERVICE_POP] = "php-vpopmail-pop3",
		[VP_SERVICE_IMAP] = "php-vpopmail-imap", [VP_SERVICE_SMTP] = "php-vpopmail-smtp",
		[VP_SERVICE_WEBMAIL] = "php-vpopmail-webmail",
	};
	vp_store *st = vp_cfg_store(cfg);
	if (!st || !cfg->sql_logging)
		return;
	char u[VP_MAX_PW_NAME + 1], d[VP_MAX_PW_DOMAIN + 1], ip[64], logon[sizeof u + sizeof d + 1];
	char msg[400];
	const char *what;
	int code;
	log_text(u, sizeof u, user, 1);
	log_text(d, sizeof d, domain, 1);
	log_text(ip, sizeof ip, remote_ip, 0);
	snprintf(logon, sizeof logon, "%s@%s", u, d);
	switch (rc) {
	case 0:
		code = VP_VLOG_AUTH;
		what = "login success";
		break;
	case VA_USER_DOES_NOT_EXIST:
	case VA_DOMAIN_DOES_NOT_EXIST:
		code = VP_VLOG_LOGON;
		what = "vpopmail user not found";
		break;
	case VA_WRONG_PASSWORD:
		code = VP_VLOG_PASSWD;
		what = "password fail";
		break;
	case VA_ACCOUNT_DISABLED:
		code = VP_VLOG_ACCESS;
		what = svc == VP_SERVICE_POP ? "pop access denied"
		     : svc == VP_SERVICE_IMAP ? "imap access denied"
		     : svc == VP_SERVICE_SMTP ? "smtp access denied" : "webmail access denied";
		break;
	default:
		code = VP_VLOG_INTERNAL;
		what = "internal error";
		break;
	}
	snprintf(msg, sizeof msg, "%s: %s %s:%s", who[svc], what, logon, ip);
	vp_store_vlog r = { u, d, logon, ip, msg, code, (long long)time(NULL) };
	vp_error ignored;
	vp_store_vlog_add(st, &r, &ignored);
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
	int rc = auth_common(cfg, user, domain, password, svc, remote_ip,
	                     cfg && cfg->auth_logging, out, err);
	if (cfg && cfg->sql_logging && user && domain)
		log_auth(cfg, user, domain, svc, remote_ip, rc);
	return rc;
}
