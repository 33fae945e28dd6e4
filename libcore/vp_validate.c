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

int vp_config_check(const vp_config *cfg, vp_error *err)
{
	if (!cfg || !cfg->vpopmail_dir || !cfg->qmail_dir)
		return vp_fail(err, VA_BAD_CONFIG, "directories not set");
	if (cfg->vpopmail_dir[0] != '/' || cfg->qmail_dir[0] != '/')
		return vp_fail(err, VA_BAD_CONFIG, "directories must be absolute");
	if (strlen(cfg->vpopmail_dir) > 1024 || strlen(cfg->qmail_dir) > 1024)
		return vp_fail(err, VA_BAD_CONFIG, "directory name too long");
	if (cfg->uid == 0 || cfg->gid == 0)
		return vp_fail(err, VA_BAD_CONFIG, "uid and gid must not be 0");
	return 0;
}
