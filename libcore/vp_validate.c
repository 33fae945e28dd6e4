/* vp_validate.c: names that reach a path are checked here, once. */
#include "vpcore.h"

#include <string.h>

static int is_lower_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/*
 * vpopmail 5.6's rules (spec 3.1) plus RFC 1035 labels (spec 15.6): a name
 * accepted here contains only [a-z0-9.-], so it can never leave the tree.
 */
int vp_domain_normalize(const char *src, size_t len, char *dst, vp_error *err)
{
	if (!src || !dst)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (len > VP_MAX_PW_DOMAIN)
		return vp_fail(err, VA_DOMAIN_NAME_TOO_LONG, NULL);
	if (len < 3)
		return vp_fail(err, VA_INVALID_DOMAIN_NAME, "too short");
	size_t label = 0, last_dot = (size_t)-1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c == '.') {
			if (label == 0 || dst[i - 1] == '-')
				return vp_fail(err, VA_INVALID_DOMAIN_NAME, "empty label or label ending in '-'");
			last_dot = i;
			label = 0;
		} else if (c == '-') {
			if (label == 0)
				return vp_fail(err, VA_INVALID_DOMAIN_NAME, "label starting with '-'");
			label++;
		} else if (is_lower_alnum(c)) {
			label++;
		} else {
			return vp_fail(err, VA_INVALID_DOMAIN_NAME, "invalid character");
		}
		if (label > 63)
			return vp_fail(err, VA_INVALID_DOMAIN_NAME, "label longer than 63");
		dst[i] = (char)c;
	}
	dst[len] = '\0';
	if (last_dot == (size_t)-1)
		return vp_fail(err, VA_INVALID_DOMAIN_NAME, "no dot");
	size_t tld = len - last_dot - 1;
	if (tld < 2 || dst[len - 1] == '-')
		return vp_fail(err, VA_INVALID_DOMAIN_NAME, "bad top-level label");
	return 0;
}

/* is_username_valid's set (spec 6.2) without '/'. */
static int user_char_ok(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return 1;
	if (c >= '0' && c <= '9')
		return 1;
	return c && strchr("!#$&'*+-.=?^_`{|}~", c) != NULL;
}

int vp_user_normalize(const char *src, size_t len, char *dst, vp_error *err)
{
	static const char *const reserved[] = { "vpasswd", "vpasswd.cdb", "cdb.tmp", NULL };

	if (!src || !dst)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (len > VP_MAX_PW_NAME)
		return vp_fail(err, VA_USER_NAME_TOO_LONG, NULL);
	if (len == 0)
		return vp_fail(err, VA_ILLEGAL_USERNAME, "empty");
	/* One-char names would collide with hash bucket directories. */
	if (len == 1)
		return vp_fail(err, VA_ILLEGAL_USERNAME, "single character");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (!user_char_ok(c))
			return vp_fail(err, VA_ILLEGAL_USERNAME, "invalid character");
		dst[i] = (char)c;
	}
	dst[len] = '\0';
	if (dst[0] == '.' || dst[0] == '-')
		return vp_fail(err, VA_ILLEGAL_USERNAME, "leading '.' or '-'");
	for (size_t i = 0; reserved[i]; i++)
		if (strcmp(dst, reserved[i]) == 0)
			return vp_fail(err, VA_ILLEGAL_USERNAME, "reserved name");
	return 0;
}

/*
 * The vpopmail home lands unquoted in every .qmail-default line (run by
 * sh -c) and in users/assign (fields split at ':'); the qmail root is held
 * to the same rule.  So: absolute, only [A-Za-z0-9/._+-], no empty, "." or
 * ".." component (trailing '/' allowed), at most 1024 bytes.
 */
int vp_config_dir_check(const char *what, const char *dir, vp_error *err)
{
	if (!what)
		what = "directory";
	if (!dir || !*dir)
		return vp_fail(err, VA_BAD_CONFIG, "%s is not set", what);
	size_t n = strlen(dir);
	if (n > 1024)
		return vp_fail(err, VA_BAD_CONFIG, "%s: longer than 1024 bytes", what);
	if (dir[0] != '/')
		return vp_fail(err, VA_BAD_CONFIG, "%s: must be an absolute path", what);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)dir[i];
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
		    !strchr("/._+-", c))
			return vp_fail(err, VA_BAD_CONFIG,
			               "%s: byte 0x%02x at offset %zu; only A-Z a-z 0-9 / . _ + - are "
			               "allowed (the path is written unquoted into .qmail-default and "
			               "users/assign)", what, c, i);
	}
	while (n > 1 && dir[n - 1] == '/')
		n--;
	for (const char *p = dir + 1, *end = dir + n; p < end;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t len = slash ? (size_t)(slash - p) : (size_t)(end - p);
		if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return vp_fail(err, VA_BAD_CONFIG, "%s: empty, '.' or '..' component in %s",
			               what, dir);
		p += len + 1;
	}
	return 0;
}

int vp_config_check(const vp_config *cfg, vp_error *err)
{
	int rc;
	if (!cfg)
		return vp_fail(err, VA_BAD_CONFIG, "directories not set");
	if ((rc = vp_config_dir_check("vpopmail_dir", cfg->vpopmail_dir, err)) != 0 ||
	    (rc = vp_config_dir_check("qmail_dir", cfg->qmail_dir, err)) != 0)
		return rc;
	if (cfg->uid == 0 || cfg->gid == 0)
		return vp_fail(err, VA_BAD_CONFIG, "uid and gid must not be 0");
	if (cfg->backend != VP_BACKEND_CDB && cfg->backend != VP_BACKEND_MYSQL)
		return vp_fail(err, VA_BAD_CONFIG, "unknown backend");
	if (cfg->backend == VP_BACKEND_MYSQL && !cfg->store)
		return vp_fail(err, VA_BAD_CONFIG, "backend mysql without a store handle");
	return 0;
}

/* ---- the fields of a vpasswd line: one validator each, for the single
 * calls and vp_batch alike ---- */

/* ':' splits the fields; a control byte (C0, DEL) would be a terminal escape
 * in vuserinfo's output or a line break in vpasswd. */
static int gecos_bytes_ok(const char *g)
{
	for (; *g; g++) {
		unsigned char c = (unsigned char)*g;
		if (c == ':' || c < 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

int vp_gecos_check(const char *gecos, vp_error *err)
{
	if (!gecos)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (!gecos_bytes_ok(gecos))
		return vp_fail(err, VA_BAD_CHAR, "in gecos");
	if (strlen(gecos) > VP_MAX_PW_GECOS)
		return vp_fail(err, VA_GECOS_TOO_LONG, NULL);
	return 0;
}

int vp_password_check(const vp_config *cfg, const char *password, vp_error *err)
{
	if (!cfg || !password)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	size_t pl = strlen(password);
	if (pl > VP_MAX_PW_CLEAR_PASSWD)
		return vp_fail(err, VA_PASSWD_TOO_LONG, NULL);
	if (pl == 0)
		return vp_fail(err, VA_PWSTR_LENGTH, NULL);
	/* the clear text is vpasswd's 8th field */
	if (cfg->clear_passwords && strpbrk(password, ":\r\n"))
		return vp_fail(err, VA_BAD_CHAR, "in the password (stored in clear text)");
	/* the site's password_strength.conf, for every writer of a password */
	return vp_policy_check(cfg, password, err);
}

int vp_quota_check(const char *quota, char *out, size_t size, vp_error *err)
{
	if (!quota)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	/* the length of the raw input (spec 9.2), then the strict parse */
	if (strlen(quota) > VP_MAX_PW_QUOTA)
		return vp_fail(err, VA_QUOTA_TOO_LONG, NULL);
	return vp_quota_normalize(quota, out, size, err);
}

int vp_new_user_check(const vp_config *cfg, const char *user, const char *domain,
                      const char *password, const char *gecos, char *uname, vp_error *err)
{
	if (!cfg || !user || !password || !gecos || !uname)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	/* vadduser's order (spec 6.3), so the first fault is the one reported */
	if (!gecos_bytes_ok(gecos))
		return vp_fail(err, VA_BAD_CHAR, "in gecos");
	size_t ul = strlen(user);
	if (ul > VP_MAX_PW_NAME)
		return vp_fail(err, VA_USER_NAME_TOO_LONG, NULL);
	if (ul == 1)
		return vp_fail(err, VA_ILLEGAL_USERNAME, "single character");
	if (domain) {
		size_t dl = strlen(domain);
		if (dl > VP_MAX_PW_DOMAIN)
			return vp_fail(err, VA_DOMAIN_NAME_TOO_LONG, NULL);
		if (dl < 3)
			return vp_fail(err, VA_INVALID_DOMAIN_NAME, NULL);
	}
	if (strlen(password) > VP_MAX_PW_CLEAR_PASSWD)
		return vp_fail(err, VA_PASSWD_TOO_LONG, NULL);
	int rc;
	if ((rc = vp_gecos_check(gecos, err)) != 0 || (rc = vp_password_check(cfg, password, err)) != 0)
		return rc;
	return vp_user_normalize(user, ul, uname, err);
}
