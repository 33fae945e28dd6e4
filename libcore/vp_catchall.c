/*
 * vp_catchall.c: a domain's catch-all, the vdelivermail line of
 * <domaindir>/.qmail-default (spec 3.3, 3.4 step 6, 6.10 step 5).
 *
 * The file has one line, "| <vpopmail>/bin/vdelivermail '' <action>", which
 * qmail-local runs through sh -c: whatever we write as the action must be one
 * shell word with no meaning to the shell.  vp_catchall_check is the one
 * definition of an acceptable catch-all (a whitelist), used by every caller
 * that sets one (vp_set_catchall, vp_add_domain_ex):
 *   - "bounce-no-mailbox" and "delete", written as they are;
 *   - one address local@domain (local part [A-Za-z0-9._+=-], not starting
 *     with '-' or '.', domain as vp_domain_normalize accepts it), a forward;
 *   - the name of a user of the domain, written as that user's directory
 *     (pw_dir from vpasswd, so hashed homes work), as qmailadmin writes it
 *     and as vdelivermail delivers to it ("<dir>/Maildir/").  The user must
 *     exist, its directory must lie strictly inside the domain's
 *     (vp_home_check: VA_UNSAFE_PATH otherwise, as a vpasswd edited to point
 *     elsewhere would make vdelivermail deliver there), and it must be
 *     <domaindir>/[bucket/]name made of harmless bytes (vpopmail allows
 *     '`' '$' '&' '|' '*' '?' in user names).
 * Absolute paths and anything else are refused (VA_BAD_CHAR or
 * VA_INVALID_EMAIL_CHAR): spec 3.5 leaves them as an opt-in we do not take;
 * a directory path would make vdelivermail run that directory's .qmail, and
 * sh expands glob bytes into another tenant's mailbox.
 * vp_catchall_line_check holds the written action to the same set (a user
 * as its home); vp_write_qmail_default refuses anything else.
 *
 * get parses the first line back; a line that is not a two-argument
 * vdelivermail call with one of those actions is VP_CATCHALL_OTHER, with the
 * raw line as target.  Writers hold <domaindir>/.vpasswd.lock, as the alias
 * code does, so the user check and the rewrite see the same vpasswd.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_user_int.h"
#include "vp_vpasswd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CATCHALL_MAX_ACTION 255

static size_t dir_len(const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return n;
}

/* Bytes that mean nothing to sh inside one word. */
static int word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("._+=@/-", c) != NULL);
}

static int is_word(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!word_char((unsigned char)s[i]))
			return 0;
	return 1;
}

/* local@domain, forward form; 0 or a VA code. */
static int check_address(const char *a, vp_error *err)
{
	const char *at = strchr(a, '@');
	char dname[VP_MAX_PW_DOMAIN + 1];
	if (!at || at == a || strchr(at + 1, '@'))
		return vp_fail(err, VA_INVALID_EMAIL_CHAR, "catch-all address must be local@domain");
	if (a[0] == '-' || a[0] == '.')
		return vp_fail(err, VA_INVALID_EMAIL_CHAR, "catch-all address starts with '%c'", a[0]);
	for (const char *p = a; p < at; p++)
		if (!word_char((unsigned char)*p) || *p == '/')
			return vp_fail(err, VA_INVALID_EMAIL_CHAR, "invalid character in catch-all address");
	size_t dl = strlen(at + 1);
	if (vp_domain_normalize(at + 1, dl, dname, NULL) != 0)
		return vp_fail(err, VA_INVALID_EMAIL_CHAR, "invalid domain in catch-all address");
	return 0;
}

/* ---- reading ---- */

/*
 * The action of a "| <path>/vdelivermail '' <action>" line: 1 with
 * [*act, *act + *alen) set, 0 when the line is not of that form (as sh
 * would split it: exactly the program and two arguments).
 */
static int vdelivermail_action(const char *line, size_t len, const char **act, size_t *alen)
{
	const char *p = line, *end = line + len;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p != '|')
		return 0;
	p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	const char *prog = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	size_t pl = (size_t)(p - prog);
	if (pl < 12 || memcmp(prog + pl - 12, "vdelivermail", 12) != 0 ||
	    (pl > 12 && prog[pl - 13] != '/') || !is_word(prog, pl))
		return 0;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 2 || p[0] != '\'' || p[1] != '\'')
		return 0;
	p += 2;
	if (p == end || (*p != ' ' && *p != '\t'))
		return 0;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	const char *a = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	const char *ae = p;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p != end || !is_word(a, (size_t)(ae - a)))
		return 0;
	*act = a;
	*alen = (size_t)(ae - a);
	return 1;
}

/* A path <domaindir>/[X/[Y/[Z/]]]name[/][Maildir[/]]: 1 with the name. */
static int mailbox_user(const vp_domain_info *dom, const char *path, size_t n, char *name,
                        size_t size)
{
	size_t dl = dir_len(dom->dir);
	if (n <= dl + 1 || memcmp(path, dom->dir, dl) != 0 || path[dl] != '/')
		return 0;
	const char *r = path + dl + 1;
	size_t rl = n - dl - 1;
	while (rl > 0 && r[rl - 1] == '/')
		rl--;
	if (rl > 8 && memcmp(r + rl - 8, "/Maildir", 8) == 0) {
		rl -= 8;
		while (rl > 0 && r[rl - 1] == '/')
			rl--;
	}
	/* hash buckets are single characters */
	const char *last = r;
	for (size_t i = 0; i < rl; i++)
		if (r[i] == '/') {
			if (r + i - last != 1)
				return 0;
			last = r + i + 1;
		}
	size_t nl = (size_t)(r + rl - last);
	if (nl < 2 || nl >= size || last[0] == '.' || memchr(last, '/', nl))
		return 0;
	memcpy(name, last, nl);
	name[nl] = '\0';
	return 1;
}

int vp_get_catchall(const vp_config *cfg, const char *domain, vp_catchall *out, vp_error *err)
{
	char path[4096];
	vp_domain_info dom;
	char *data = NULL;
	size_t len = 0;
	int rc;

	vp_error_clear(err);
	if (out)
		memset(out, 0, sizeof *out);
	if (!cfg || !domain || !out)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	if ((rc = vp_user_resolve_domain(cfg, domain, &dom, err)) != 0)
		return rc;
	if (vp_path_join(path, sizeof path, dom.dir, ".qmail-default") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	rc = vp_read_file(path, &data, &len, 64 * 1024, err);
	if (rc == -1) {
		out->kind = VP_CATCHALL_NONE;
		return 0;
	}
	if (rc < 0)
		return rc;
	const char *nl = memchr(data, '\n', len);
	size_t ll = nl ? (size_t)(nl - data) : len;
	if (memchr(data, '\0', ll))
		ll = strlen(data);
	if (ll > 0 && data[ll - 1] == '\r')
		ll--;
	snprintf(out->line, sizeof out->line, "%.*s", (int)ll, data);

	const char *act;
	size_t al;
	out->kind = VP_CATCHALL_OTHER;
	if (ll < sizeof out->line && vdelivermail_action(data, ll, &act, &al) &&
	    al < sizeof out->target) {
		char *a = out->target;
		memcpy(a, act, al);
		a[al] = '\0';
		if (strcmp(a, "bounce-no-mailbox") == 0)
			out->kind = VP_CATCHALL_BOUNCE;
		else if (strcmp(a, "delete") == 0)
			out->kind = VP_CATCHALL_DELETE;
		else if (a[0] == '/' && mailbox_user(&dom, act, al, a, sizeof out->target))
			out->kind = VP_CATCHALL_MAILBOX;
		else if (a[0] != '/' && check_address(a, NULL) == 0)
			out->kind = VP_CATCHALL_FORWARD;
	}
	if (out->kind == VP_CATCHALL_OTHER)
		snprintf(out->target, sizeof out->target, "%s", out->line);
	else if (out->kind == VP_CATCHALL_BOUNCE || out->kind == VP_CATCHALL_DELETE)
		out->target[0] = '\0';
	free(data);
	return 0;
}

/* ---- the one definition of a catch-all ---- */

int vp_catchall_check(const char *action, enum vp_catchall_kind *kind, char *user,
                      vp_error *err)
{
	char uname[VP_MAX_PW_NAME + 1];
	int rc;

	if (kind)
		*kind = VP_CATCHALL_NONE;
	if (!action)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	size_t n = strlen(action);
	if (n == 0)
		return vp_fail(err, VA_BAD_CHAR, "empty catch-all");
	if (n > CATCHALL_MAX_ACTION)
		return vp_fail(err, VA_ALIAS_LINE_TOO_LONG, "catch-all longer than %d bytes",
		               CATCHALL_MAX_ACTION);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)action[i];
		if (c <= ' ' || c >= 0x7f)
			return vp_fail(err, VA_BAD_CHAR, "blank or control character in catch-all");
	}
	enum vp_catchall_kind k;
	if (strcmp(action, "bounce-no-mailbox") == 0) {
		k = VP_CATCHALL_BOUNCE;
	} else if (strcmp(action, "delete") == 0) {
		k = VP_CATCHALL_DELETE;
	} else if (strchr(action, '@')) {
		if ((rc = check_address(action, err)) != 0)
			return rc;
		k = VP_CATCHALL_FORWARD;
	} else if (strchr(action, '/')) {
		return vp_fail(err, VA_BAD_CHAR, "paths are not accepted: give a user name");
	} else {
		if ((rc = vp_user_normalize(action, n, uname, err)) != 0)
			return rc;
		if (user)
			memcpy(user, uname, strlen(uname) + 1);
		k = VP_CATCHALL_MAILBOX;
	}
	if (kind)
		*kind = k;
	return 0;
}

/* <domaindir>/[bucket/]name, exactly as vp_add_user makes a home: 1 with the name. */
static int home_user(const vp_domain_info *dom, const char *path, char *name)
{
	size_t dl = dir_len(dom->dir), n = strlen(path);
	if (n <= dl + 1 || memcmp(path, dom->dir, dl) != 0 || path[dl] != '/')
		return 0;
	const char *r = path + dl + 1, *last = strrchr(r, '/');
	const char *nm = last ? last + 1 : r;
	size_t nl = strlen(nm);
	if (last && !vp_user_bucket_valid(r, (size_t)(last - r)))
		return 0;
	if (vp_user_normalize(nm, nl, name, NULL) != 0 || strcmp(name, nm) != 0)
		return 0;
	return 1;
}

int vp_catchall_line_check(const vp_domain_info *dom, const char *action, vp_error *err)
{
	char name[VP_MAX_PW_NAME + 1];
	if (!dom || !action)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	size_t n = strlen(action);
	if (n > VP_MAX_PW_DIR + 256 || !is_word(action, n))
		return vp_fail(err, VA_BAD_CHAR, "not a safe word for .qmail-default");
	if (strcmp(action, "bounce-no-mailbox") == 0 || strcmp(action, "delete") == 0)
		return 0;
	if (action[0] == '/') {
		if (!home_user(dom, action, name))
			return vp_fail(err, VA_BAD_CHAR, "not a mailbox of %s", dom->realdomain);
		return 0;
	}
	if (!strchr(action, '@'))
		return vp_fail(err, VA_BAD_CHAR, "not a catch-all: %s", action);
	return check_address(action, err);
}

/* ---- writing ---- */

int vp_set_catchall(const vp_config *cfg, const char *domain, const char *action,
                    vp_error *err)
{
	char uname[VP_MAX_PW_NAME + 1];
	vp_domain_info dom;
	vp_user_entry e;
	vp_lock lock = { -1 };
	const char *write_action = action;
	int rc, is_user = 0;

	vp_error_clear(err);
	if (!cfg || !domain || !action)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0)
		return rc;
	enum vp_catchall_kind kind;
	if ((rc = vp_catchall_check(action, &kind, uname, err)) != 0)
		return rc;
	is_user = kind == VP_CATCHALL_MAILBOX;
	if ((rc = vp_user_resolve_domain(cfg, domain, &dom, err)) != 0)
		return rc;
	if ((rc = vp_vpw_lock(cfg, &dom, &lock, err)) != 0)
		return rc;
	if (is_user) {
		rc = vp_vpw_get_locked(cfg, &dom, uname, &e, err);
		if (rc == 0)
			rc = vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", uname, dom.realdomain);
		if (rc < 0)
			goto out;
		char hname[VP_MAX_PW_NAME + 1];
		e.dir[dir_len(e.dir)] = '\0';
		/* vdelivermail would deliver there: only a home inside the domain */
		if ((rc = vp_home_check(&dom, e.dir, err)) != 0)
			goto out;
		if (vp_catchall_line_check(&dom, e.dir, NULL) != 0 || !home_user(&dom, e.dir, hname) ||
		    strcmp(hname, uname) != 0) {
			rc = vp_fail(err, VA_BAD_CHAR, "the home of %s@%s is not usable in .qmail-default",
			             uname, dom.realdomain);
			goto out;
		}
		write_action = e.dir;
	}
	rc = vp_write_qmail_default(cfg, &dom, write_action, err);
out:
	vp_lock_release(&lock);
	if (is_user)
		explicit_bzero(&e, sizeof e);
	return rc;
}
