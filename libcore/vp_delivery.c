/*
 * vp_delivery.c: the mail settings users change themselves, in the files
 * qmailadmin 1.2 writes (tests/fixtures/qmailadmin-1.2/MANIFEST.md):
 *
 *  - <home>/.qmail: forwards ("&addr"), the user's own Maildir line
 *    (<home>/Maildir/, "keep a copy" or plain delivery), "# delete" and the
 *    vacation line "| <autorespond> 86400 3 <home>/vacation/message
 *    <home>/vacation", in qmailadmin's order;
 *  - <home>/vacation/message: "From:", "Subject:", an empty line, the text;
 *  - a domain's autoresponder ("mail robot") <name>: <domaindir>/.qmail-<name'>
 *    ("|<autorespond> 10000 5 <domaindir>/<NAME>/message <domaindir>/<NAME>",
 *    then "&<copy>" when a copy is wanted) and <domaindir>/<NAME>/message.
 *
 * The lines of a .qmail fall in three groups: routing (forwards, the own
 * Maildir line, "# delete" and "|.../true delete"), vacation (a line running
 * the autoresponder) and everything else (programs, comments, other
 * Maildirs or mbox files, e.g. a spam filter).  A change rewrites only the
 * group it is about, at the place of that group's first line; the other
 * lines stay as they are and where they are.  qmailadmin instead keeps only
 * '|' lines and drops the rest.  Blank lines are dropped (vdelivermail would
 * forward to an empty address).
 *
 * The mode is read the way vdelivermail delivers: forwards -> FORWARD; else
 * the own Maildir line -> MAILBOX; else a delete marker -> DELETE; else no
 * line at all -> MAILBOX (no .qmail); else a foreign program or file line
 * -> OTHER; else (comments, the vacation line) DELETE: vdelivermail counts
 * those as delivered and the mailbox gets nothing.  A change that leaves the
 * routing alone must not change that reading, so e.g. turning a vacation
 * on in a user without .qmail writes the Maildir line first (as qmailadmin).
 *
 * What qmail runs never holds user text: the program lines come from here
 * only, with the configured autoresponder and paths inside the user's home
 * or the domain dir, every byte of them from [A-Za-z0-9._+=@/-].  Subjects
 * hold no control byte (no header injection), a non-ASCII subject is
 * RFC 2047 encoded (qmailadmin writes raw bytes) and a non-ASCII text gets
 * MIME headers naming its charset; texts lose CR bytes and trailing blanks,
 * as qmailadmin's form decoding does.
 *
 * Writers hold <domaindir>/.vpasswd.lock, as every other writer of the
 * domain; files go through vp_write_file_atomic (0600), directories are
 * 0700, everything owned by the domain when cfg->chown_files.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "vp_store.h"
#include "vp_buf.h"
#include "vp_user_int.h"
#include "vp_vpasswd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define DOTQMAIL_MAX (1024 * 1024)      /* a .qmail larger than this is refused */
#define MESSAGE_FILE_MAX (1024 * 1024)  /* a message file larger than this is refused */
#define ROBOT_MAX_ENTRIES 1000000       /* directory entries a listing considers */
#define VACATION_ARGS " 86400 3 "       /* qmailadmin's vacation limits */
#define ROBOT_ARGS " 10000 5 "          /* qmailadmin's robot limits */

/* ---- small growable buffers ---- */

typedef struct strv {
	char **v;
	size_t n, cap;
} strv;

static int strv_push(strv *l, const char *s, size_t n)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		char **v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	char *c = malloc(n + 1);
	if (!c)
		return -1;
	memcpy(c, s, n);
	c[n] = '\0';
	l->v[l->n++] = c;
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int oom(vp_error *err)
{
	return vp_fail(err, VA_MEMORY_ALLOC_ERR, NULL);
}

/* ---- paths that may appear in a line qmail runs ---- */

static int path_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("._+=@/-", c) != NULL);
}

/* Absolute, safe bytes only, no empty, "." or ".." component, no trailing '/'. */
static int safe_path(const char *p, size_t n)
{
	if (n < 2 || p[0] != '/' || p[n - 1] == '/')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!path_byte((unsigned char)p[i]))
			return 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && p[j] != '/')
			j++;
		size_t cl = j - i - 1;
		if (cl == 0 || (cl == 1 && p[i + 1] == '.') ||
		    (cl == 2 && p[i + 1] == '.' && p[i + 2] == '.'))
			return 0;
		i = j;
	}
	return 1;
}

static const char *responder(const vp_config *cfg)
{
	return cfg->autoresponder ? cfg->autoresponder : VP_AUTORESPONDER_DEFAULT;
}

static int check_responder(const vp_config *cfg, vp_error *err)
{
	const char *p = responder(cfg);
	size_t n = strlen(p);
	if (n > 255 || !safe_path(p, n))
		return vp_fail(err, VA_BAD_CONFIG,
		               "vpopmail.autoresponder must be an absolute path of [A-Za-z0-9._+=@/-]");
	return 0;
}

static size_t dir_len(const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return n;
}

/* ---- texts ---- */

static int charset_ok(const char *cs)
{
	size_t n = strlen(cs);
	if (n == 0 || n > VP_MAX_CHARSET)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)cs[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || !strchr("._+-", c)))
			return 0;
	}
	return 1;
}

static int is_utf8_name(const char *cs)
{
	return strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "UTF8") == 0;
}

/* Length of the UTF-8 sequence at s (strict: no overlong form, surrogate or
 * value past U+10FFFF), 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	unsigned c = s[0];
	size_t len;
	unsigned min, cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static int utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq((const unsigned char *)s + i, n - i);
		if (l == 0)
			return 0;
		i += l;
	}
	return 1;
}

static int has_8bit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

/* A checked text: the subject trimmed, the body without CR and trailing blanks. */
typedef struct text {
	const char *subject;
	size_t subject_len;
	vp_buf body;
	char charset[VP_MAX_CHARSET + 1];
} text;

static int text_prepare(const char *subject, const char *body, const char *charset, text *t,
                        vp_error *err)
{
	memset(t, 0, sizeof *t);
	if (!charset)
		charset = "UTF-8";
	if (!charset_ok(charset))
		return vp_fail(err, VA_BAD_CHAR, "charset must be 1-%d bytes of [A-Za-z0-9._+-]",
		               VP_MAX_CHARSET);
	snprintf(t->charset, sizeof t->charset, "%s", charset);
	if (!subject)
		return vp_fail(err, VA_NULL_POINTER, "the subject is required");
	size_t sl = strnlen(subject, VP_MAX_SUBJECT * 4 + 1);
	while (sl > 0 && subject[sl - 1] == ' ')
		sl--;
	while (sl > 0 && subject[0] == ' ')
		subject++, sl--;
	if (sl == 0)
		return vp_fail(err, VA_BAD_CHAR, "the subject is empty");
	if (sl > VP_MAX_SUBJECT)
		return vp_fail(err, VA_ALIAS_LINE_TOO_LONG, "the subject is longer than %d bytes",
		               VP_MAX_SUBJECT);
	for (size_t i = 0; i < sl; i++) {
		unsigned char c = (unsigned char)subject[i];
		if (c < 0x20 || c == 0x7f)
			return vp_fail(err, VA_BAD_CHAR,
			               "control character (CR, LF, TAB...) in the subject");
	}
	t->subject = subject;
	t->subject_len = sl;
	if (!body)
		body = "";
	size_t bl = strnlen(body, VP_MAX_MESSAGE_BODY * 2 + 1);
	if (bl > VP_MAX_MESSAGE_BODY * 2)
		return vp_fail(err, VA_ALIAS_LINE_TOO_LONG, "the text is longer than %d bytes",
		               VP_MAX_MESSAGE_BODY);
	for (size_t i = 0; i < bl; i++)
		if (body[i] != '\r')
			vp_buf_add(&t->body, body + i, 1);
	vp_buf_add(&t->body, "", 0);
	if (t->body.oom) {
		vp_buf_free(&t->body);
		return oom(err);
	}
	while (t->body.len > 0 && strchr(" \t\n", t->body.p[t->body.len - 1]))
		t->body.p[--t->body.len] = '\0';
	if (t->body.len > VP_MAX_MESSAGE_BODY) {
		vp_buf_free(&t->body);
		return vp_fail(err, VA_ALIAS_LINE_TOO_LONG, "the text is longer than %d bytes",
		               VP_MAX_MESSAGE_BODY);
	}
	if (is_utf8_name(t->charset) &&
	    (!utf8_valid(t->subject, t->subject_len) || !utf8_valid(t->body.p, t->body.len))) {
		vp_buf_free(&t->body);
		return vp_fail(err, VA_BAD_CHAR, "the subject or the text is not valid %s", t->charset);
	}
	return 0;
}

/* ---- RFC 2047 ---- */

static int q_literal(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!*+-/.,:&'()", c) != NULL);
}

/* "Subject: " and the subject as Q encoded-words of at most 75 bytes on lines
 * of at most 76, never splitting a UTF-8 character; raw when it is plain
 * ASCII that no reader would take for an encoded-word. */
static void put_subject(vp_buf *b, const text *t)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *s = t->subject;
	size_t n = t->subject_len;
	vp_buf_adds(b, "Subject: ");
	if (!has_8bit(s, n) && !memmem(s, n, "=?", 2)) {
		vp_buf_add(b, s, n);
		vp_buf_adds(b, "\n");
		return;
	}
	size_t over = 2 + strlen(t->charset) + 3 + 2; /* "=?" cs "?Q?" ... "?=" */
	size_t room = 76 - 9 - over, used = 0;
	int utf8 = is_utf8_name(t->charset);
	vp_buf_adds(b, "=?");
	vp_buf_adds(b, t->charset);
	vp_buf_adds(b, "?Q?");
	for (size_t i = 0; i < n;) {
		size_t cl = utf8 ? utf8_seq((const unsigned char *)s + i, n - i) : 1;
		if (cl == 0)
			cl = 1;
		size_t enc = 0;
		for (size_t k = 0; k < cl; k++) {
			unsigned char c = (unsigned char)s[i + k];
			enc += (c == ' ' || q_literal(c)) ? 1 : 3;
		}
		if (used + enc > room) {
			vp_buf_adds(b, "?=\n =?");
			vp_buf_adds(b, t->charset);
			vp_buf_adds(b, "?Q?");
			room = 75 - over;
			used = 0;
		}
		for (size_t k = 0; k < cl; k++) {
			unsigned char c = (unsigned char)s[i + k];
			char e[3] = { '=', hex[c >> 4], hex[c & 15] };
			if (c == ' ')
				vp_buf_add(b, "_", 1);
			else if (q_literal(c))
				vp_buf_add(b, &c, 1);
			else
				vp_buf_add(b, e, 3);
		}
		used += enc;
		i += cl;
	}
	vp_buf_adds(b, "?=\n");
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* One encoded-word at s: 1 with its end, charset and decoded bytes in out. */
static int encoded_word(const char *s, size_t n, size_t *end, char *cs, size_t cssize, vp_buf *out)
{
	if (n < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	size_t i = 2, c0 = 2;
	while (i < n && s[i] != '?' && s[i] != ' ')
		i++;
	if (i + 3 >= n || s[i] != '?' || i == c0 || i - c0 >= cssize)
		return 0;
	size_t csl = i - c0;
	char kind = s[i + 1];
	if ((kind != 'Q' && kind != 'q' && kind != 'B' && kind != 'b') || s[i + 2] != '?')
		return 0;
	size_t t0 = i + 3, t1 = t0;
	while (t1 + 1 < n && !(s[t1] == '?' && s[t1 + 1] == '='))
		t1++;
	if (t1 + 1 >= n)
		return 0;
	vp_buf tmp = { 0 };
	if (kind == 'Q' || kind == 'q') {
		for (size_t k = t0; k < t1; k++) {
			unsigned char c = (unsigned char)s[k];
			if (c == '_') {
				vp_buf_add(&tmp, " ", 1);
			} else if (c == '=' && k + 2 < t1 && hexval((unsigned char)s[k + 1]) >= 0 &&
			           hexval((unsigned char)s[k + 2]) >= 0) {
				unsigned char v = (unsigned char)(hexval((unsigned char)s[k + 1]) * 16 +
				                                  hexval((unsigned char)s[k + 2]));
				vp_buf_add(&tmp, &v, 1);
				k += 2;
			} else if (c == '=' || c == ' ') {
				vp_buf_free(&tmp);
				return 0;
			} else {
				vp_buf_add(&tmp, &c, 1);
			}
		}
	} else {
		unsigned acc = 0;
		int bits = 0;
		for (size_t k = t0; k < t1; k++) {
			if (s[k] == '=')
				break;
			int v = b64val((unsigned char)s[k]);
			if (v < 0) {
				vp_buf_free(&tmp);
				return 0;
			}
			acc = (acc << 6) | (unsigned)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				unsigned char o = (unsigned char)(acc >> bits);
				vp_buf_add(&tmp, &o, 1);
			}
		}
	}
	if (tmp.oom) {
		vp_buf_free(&tmp);
		return 0;
	}
	memcpy(cs, s + c0, csl);
	cs[csl] = '\0';
	char *star = strchr(cs, '*'); /* RFC 2231 language suffix */
	if (star)
		*star = '\0';
	vp_buf_add(out, tmp.p ? tmp.p : "", tmp.len);
	vp_buf_free(&tmp);
	*end = t1 + 2;
	return 1;
}

/* An unfolded header value with its encoded-words decoded; the charset of
 * the first one in cs (left alone when there is none). */
static void decode_words(const char *s, size_t n, vp_buf *out, char *cs, size_t cssize)
{
	int after_word = 0;
	for (size_t i = 0; i < n;) {
		char wcs[VP_MAX_CHARSET + 1];
		size_t end;
		if (s[i] == '=' && encoded_word(s + i, n - i, &end, wcs, sizeof wcs, out)) {
			if (!cs[0])
				snprintf(cs, cssize, "%s", wcs);
			i += end;
			after_word = 1;
			continue;
		}
		if (after_word && (s[i] == ' ' || s[i] == '\t')) {
			/* blanks between two encoded-words are not part of the text */
			size_t j = i;
			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			vp_buf probe = { 0 };
			int next_is_word = j < n && encoded_word(s + j, n - j, &end, wcs, sizeof wcs, &probe);
			vp_buf_free(&probe);
			if (next_is_word) {
				i = j;
				continue;
			}
		}
		after_word = 0;
		vp_buf_add(out, s + i, 1);
		i++;
	}
}

/* ---- message files ---- */

/* The vacation message: From, Subject, MIME headers when the text is not
 * ASCII, an empty line, the text (qmailadmin's format for ASCII). */
static void compose_vacation(vp_buf *b, const char *from_user, const char *from_domain, const text *t)
{
	vp_buf_adds(b, "From: ");
	vp_buf_adds(b, from_user);
	vp_buf_adds(b, "@");
	vp_buf_adds(b, from_domain);
	vp_buf_adds(b, "\n");
	put_subject(b, t);
	if (has_8bit(t->body.p, t->body.len)) {
		vp_buf_adds(b, "MIME-Version: 1.0\nContent-Type: text/plain; charset=");
		vp_buf_adds(b, t->charset);
		vp_buf_adds(b, "\nContent-Transfer-Encoding: 8bit\n");
	}
	vp_buf_adds(b, "\n");
	vp_buf_add(b, t->body.p, t->body.len);
}

/* A robot's message: qmailadmin's headers without the four lang/en error
 * sentences its 1.2.27 writes among them, and a charset when not ASCII. */
static void compose_robot(vp_buf *b, const char *name, const char *domain, const text *t)
{
	vp_buf_adds(b, "From: ");
	vp_buf_adds(b, name);
	vp_buf_adds(b, "@");
	vp_buf_adds(b, domain);
	vp_buf_adds(b, "\n");
	put_subject(b, t);
	if (has_8bit(t->body.p, t->body.len)) {
		vp_buf_adds(b, "Content-type: text/plain; charset=");
		vp_buf_adds(b, t->charset);
		vp_buf_adds(b, "\nContent-transfer-encoding: 8bit\n");
	} else {
		vp_buf_adds(b, "Content-type: text/plain \nContent-transfer-encoding: 7bit\n");
	}
	vp_buf_adds(b, "MIME-Version: 1.0\n\n");
	vp_buf_add(b, t->body.p, t->body.len);
}

/* The charset parameter of a Content-Type value. */
static void content_charset(const char *v, size_t n, char *cs, size_t cssize)
{
	for (size_t i = 0; i + 8 <= n; i++) {
		if (strncasecmp(v + i, "charset=", 8) != 0 || (i > 0 && strchr(" ;\t", v[i - 1]) == NULL))
			continue;
		size_t j = i + 8, k;
		int quoted = j < n && v[j] == '"';
		if (quoted)
			j++;
		for (k = j; k < n && (quoted ? v[k] != '"' : !strchr(" ;\t", v[k])); k++)
			;
		if (k > j && k - j < cssize) {
			memcpy(cs, v + j, k - j);
			cs[k - j] = '\0';
			if (!charset_ok(cs))
				cs[0] = '\0';
		}
		return;
	}
}

static void message_free(vp_message *m)
{
	free(m->subject);
	free(m->body);
	memset(m, 0, sizeof *m);
}

/* Headers up to the first empty line, the body after it. */
static int parse_message(const char *d, size_t n, vp_message *m, vp_error *err)
{
	vp_buf subj = { 0 }, body = { 0 };
	char cs_word[VP_MAX_CHARSET + 1] = "", cs_type[VP_MAX_CHARSET + 1] = "";
	int have_subject = 0;
	size_t pos = 0;
	while (pos < n) {
		const char *nl = memchr(d + pos, '\n', n - pos);
		size_t end = nl ? (size_t)(nl - d) : n, le = end;
		if (le > pos && d[le - 1] == '\r')
			le--;
		if (le == pos) { /* the empty line */
			pos = nl ? end + 1 : n;
			break;
		}
		/* this header with its continuation lines, unfolded */
		vp_buf h = { 0 };
		vp_buf_add(&h, d + pos, le - pos);
		pos = nl ? end + 1 : n;
		while (pos < n && (d[pos] == ' ' || d[pos] == '\t')) {
			const char *nl2 = memchr(d + pos, '\n', n - pos);
			size_t e2 = nl2 ? (size_t)(nl2 - d) : n, l2 = e2;
			if (l2 > pos && d[l2 - 1] == '\r')
				l2--;
			vp_buf_add(&h, d + pos, l2 - pos);
			pos = nl2 ? e2 + 1 : n;
		}
		if (h.oom) {
			vp_buf_free(&h);
			vp_buf_free(&subj);
			return oom(err);
		}
		const char *v = memchr(h.p, ':', h.len);
		if (v) {
			size_t kl = (size_t)(v - h.p);
			v++;
			size_t vl = h.len - (size_t)(v - h.p);
			while (vl > 0 && (*v == ' ' || *v == '\t'))
				v++, vl--;
			while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if (kl == 7 && strncasecmp(h.p, "Subject", 7) == 0 && !have_subject) {
				decode_words(v, vl, &subj, cs_word, sizeof cs_word);
				have_subject = 1;
			} else if (kl == 12 && strncasecmp(h.p, "Content-Type", 12) == 0 && !cs_type[0]) {
				content_charset(v, vl, cs_type, sizeof cs_type);
			}
		}
		vp_buf_free(&h);
	}
	vp_buf_add(&subj, "", 0);
	vp_buf_add(&body, d + pos, n - pos);
	if (subj.oom || body.oom) {
		vp_buf_free(&subj);
		vp_buf_free(&body);
		return oom(err);
	}
	m->present = 1;
	m->subject = subj.p;
	m->subject_len = subj.len;
	m->body = body.p;
	m->body_len = body.len;
	snprintf(m->charset, sizeof m->charset, "%s", cs_word[0] ? cs_word : cs_type);
	return 0;
}

/* <dir>/message, dir being a real directory (not a symlink); absent is 0. */
static int read_message(const char *dir, vp_message *m, vp_error *err)
{
	char path[4096];
	struct stat st;
	memset(m, 0, sizeof *m);
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	if (vp_path_join(path, sizeof path, dir, "message") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	char *d = NULL;
	size_t n = 0;
	int rc = vp_read_file(path, &d, &n, MESSAGE_FILE_MAX, err);
	if (rc == -1)
		return 0;
	if (rc < 0)
		return rc;
	rc = parse_message(d, n, m, err);
	free(d);
	return rc;
}

/* ---- addresses ---- */

static int local_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr(".!#%&'*+/=?^_{}~-", c) != NULL);
}

/* A host name of RFC 1035 labels, lowercased into out (VP_MAX_ADDRESS + 1):
 * the domain of a remote address, which vpopmail's 96-byte limit for its
 * own domains does not bind. */
static int remote_domain(const char *s, size_t n, char *out)
{
	size_t label = 0, last_dot = 0, dots = 0;
	if (n < 4 || n > 253)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c == '.') {
			if (label == 0 || out[i - 1] == '-')
				return 0;
			label = 0;
			last_dot = i;
			dots++;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && label > 0)) {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
		out[i] = (char)c;
	}
	out[n] = '\0';
	return dots > 0 && label >= 2 && out[n - 1] != '-' && n - last_dot - 1 >= 2;
}

/* local@domain (domain lowercased) or a bare local part in `domain`, into out. */
static int normalize_address(const char *in, const char *domain, char *out, size_t size,
                             vp_error *err)
{
	size_t n = strnlen(in, VP_MAX_ADDRESS * 2 + 1);
	while (n > 0 && strchr(" \t\r\n", in[n - 1]))
		n--;
	while (n > 0 && strchr(" \t\r\n", in[0]))
		in++, n--;
	if (n == 0)
		return vp_fail(err, VA_INVALID_EMAIL_CHAR, "empty address");
	if (n > VP_MAX_ADDRESS)
		return vp_fail(err, VA_ALIAS_LINE_TOO_LONG, "address longer than %d bytes", VP_MAX_ADDRESS);
	const char *at = memchr(in, '@', n);
	size_t ll = at ? (size_t)(at - in) : n;
	if (ll == 0 || ll > 64)
		return vp_fail(err, VA_INVALID_EMAIL_CHAR, "the part before '@' must have 1-64 bytes");
	if (strchr(".-&#/", in[0]))
		return vp_fail(err, VA_INVALID_EMAIL_CHAR, "address starts with '%c'", in[0]);
	for (size_t i = 0; i < ll; i++)
		if (!local_byte((unsigned char)in[i]))
			return vp_fail(err, VA_INVALID_EMAIL_CHAR, "invalid character in an address");
	char dname[VP_MAX_ADDRESS + 1];
	if (at) {
		if (!remote_domain(at + 1, n - ll - 1, dname))
			return vp_fail(err, VA_INVALID_EMAIL_CHAR, "invalid domain in an address");
	} else {
		snprintf(dname, sizeof dname, "%s", domain);
	}
	if ((size_t)snprintf(out, size, "%.*s@%s", (int)ll, in, dname) >= size ||
	    strlen(out) > VP_MAX_ADDRESS)
		return vp_fail(err, VA_ALIAS_LINE_TOO_LONG, "address longer than %d bytes", VP_MAX_ADDRESS);
	return 0;
}

/* ---- .qmail lines ---- */

enum line_kind {
	L_BLANK = 0,
	L_COMMENT,   /* other */
	L_PROGRAM,   /* other */
	L_FILE,      /* other: a Maildir or mbox that is not the user's own */
	L_FORWARD,   /* routing */
	L_OWN,       /* routing: <home>/Maildir/ or ./Maildir/ */
	L_DELETE,    /* routing: "# delete", "|.../true delete" */
	L_RESPONDER  /* vacation / robot */
};

typedef struct qline {
	const char *p;
	size_t n;            /* without the newline */
	enum line_kind kind;
	const char *addr;    /* L_FORWARD */
	size_t addr_len;
} qline;

typedef struct qfile {
	qline *v;
	size_t n;
} qfile;

static int is_routing(enum line_kind k)
{
	return k == L_FORWARD || k == L_OWN || k == L_DELETE;
}

static int is_other(enum line_kind k)
{
	return k == L_COMMENT || k == L_PROGRAM || k == L_FILE;
}

static const char *base_of(const char *p, size_t n, size_t *bl)
{
	size_t i = n;
	while (i > 0 && p[i - 1] != '/')
		i--;
	*bl = n - i;
	return p + i;
}

static int responder_word(const vp_config *cfg, const char *w, size_t wl)
{
	const char *conf = responder(cfg);
	size_t cl = strlen(conf), bl, cbl;
	if (wl == cl && memcmp(w, conf, cl) == 0)
		return 1;
	const char *b = base_of(w, wl, &bl), *cb = base_of(conf, cl, &cbl);
	return (bl == 11 && memcmp(b, "autorespond", 11) == 0) ||
	       (cbl > 0 && bl == cbl && memcmp(b, cb, bl) == 0);
}

/* home: the user's home without trailing '/', NULL for a robot's file. */
static void classify(const vp_config *cfg, const char *home, qline *l)
{
	const char *p = l->p;
	size_t n = l->n;
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	l->addr = NULL;
	l->addr_len = 0;
	if (n == 0) {
		l->kind = L_BLANK;
		return;
	}
	switch (p[0]) {
	case '#':
		l->kind = (n == 8 && memcmp(p, "# delete", 8) == 0) ? L_DELETE : L_COMMENT;
		return;
	case '|': {
		size_t i = 1;
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		size_t w0 = i;
		while (i < n && p[i] != ' ' && p[i] != '\t')
			i++;
		size_t wl = i - w0, bl;
		const char *b = base_of(p + w0, wl, &bl);
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (wl > 0 && responder_word(cfg, p + w0, wl))
			l->kind = L_RESPONDER;
		else if (bl == 4 && memcmp(b, "true", 4) == 0 && n - i == 6 && memcmp(p + i, "delete", 6) == 0)
			l->kind = L_DELETE;
		else
			l->kind = L_PROGRAM;
		return;
	}
	case '.':
	case '/':
		if ((n == 10 && memcmp(p, "./Maildir/", 10) == 0) ||
		    (home && n == strlen(home) + 9 && memcmp(p, home, n - 9) == 0 &&
		     memcmp(p + n - 9, "/Maildir/", 9) == 0))
			l->kind = L_OWN;
		else
			l->kind = L_FILE;
		return;
	default:
		l->kind = L_FORWARD;
		l->addr = p[0] == '&' ? p + 1 : p;
		l->addr_len = n - (size_t)(l->addr - p);
		while (l->addr_len > 0 && (*l->addr == ' ' || *l->addr == '\t'))
			l->addr++, l->addr_len--;
		return;
	}
}

static int parse_qmail(const vp_config *cfg, const char *home, const char *d, size_t n, qfile *f,
                       vp_error *err)
{
	f->v = NULL;
	f->n = 0;
	size_t cap = 0;
	for (size_t pos = 0; pos < n;) {
		const char *nl = memchr(d + pos, '\n', n - pos);
		size_t end = nl ? (size_t)(nl - d) : n;
		if (f->n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			qline *v = realloc(f->v, nc * sizeof *v);
			if (!v) {
				free(f->v);
				f->v = NULL;
				return oom(err);
			}
			f->v = v;
			cap = nc;
		}
		qline *l = &f->v[f->n++];
		l->p = d + pos;
		l->n = end - pos;
		classify(cfg, home, l);
		pos = end + 1;
	}
	return 0;
}

/* What a .qmail says (pointers into its lines). */
typedef struct state {
	enum vp_delivery_mode mode;
	int keep_copy;
	int vacation;
	const qline **fw;
	size_t nfw;
} state;

static int derive(const qfile *f, state *s, vp_error *err)
{
	int own = 0, del = 0, foreign = 0, any = 0;
	memset(s, 0, sizeof *s);
	s->fw = malloc((f->n ? f->n : 1) * sizeof *s->fw);
	if (!s->fw)
		return oom(err);
	for (size_t i = 0; i < f->n; i++) {
		const qline *l = &f->v[i];
		if (l->kind == L_BLANK)
			continue;
		any = 1;
		if (l->kind == L_FORWARD)
			s->fw[s->nfw++] = l;
		own |= l->kind == L_OWN;
		del |= l->kind == L_DELETE;
		foreign |= l->kind == L_PROGRAM || l->kind == L_FILE;
		s->vacation |= l->kind == L_RESPONDER;
	}
	if (s->nfw) {
		s->mode = VP_DELIVERY_FORWARD;
		s->keep_copy = own;
	} else if (own || !any) {
		s->mode = VP_DELIVERY_MAILBOX;
	} else if (del) {
		s->mode = VP_DELIVERY_DELETE;
	} else {
		s->mode = foreign ? VP_DELIVERY_OTHER : VP_DELIVERY_DELETE;
	}
	return 0;
}

/* ---- the user ---- */

typedef struct user_ctx {
	vp_domain_info dom;
	char uname[VP_MAX_PW_NAME + 1];
	char home[VP_MAX_PW_DIR + 256];  /* without trailing '/' */
	char vacdir[VP_MAX_PW_DIR + 300];
	char dotqmail[VP_MAX_PW_DIR + 300];
} user_ctx;

/* The home of a vpasswd entry, when it is <domaindir>/[bucket/]<name>. */
static int user_home(const vp_domain_info *dom, const vp_user_entry *e, user_ctx *u, vp_error *err)
{
	size_t dl = dir_len(dom->dir), hl = dir_len(e->dir);
	const char *base = NULL;
	for (size_t i = hl; i > 0; i--)
		if (e->dir[i - 1] == '/') {
			base = e->dir + i;
			break;
		}
	if (hl >= sizeof u->home || hl <= dl + 1 || memcmp(e->dir, dom->dir, dl) != 0 ||
	    e->dir[dl] != '/' || !base || (size_t)(e->dir + hl - base) != strlen(e->name) ||
	    memcmp(base, e->name, strlen(e->name)) != 0)
		return vp_fail(err, VA_BAD_U_DIR2, "the home of %s@%s is not inside the domain directory",
		               e->name, dom->realdomain);
	memcpy(u->home, e->dir, hl);
	u->home[hl] = '\0';
	if (vp_path_join(u->vacdir, sizeof u->vacdir, u->home, "vacation") != 0 ||
	    vp_path_join(u->dotqmail, sizeof u->dotqmail, u->home, ".qmail") != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	return 0;
}

static int read_dotqmail(const char *path, char **d, size_t *n, vp_error *err)
{
	int rc = vp_read_file(path, d, n, DOTQMAIL_MAX, err);
	if (rc == -1) {
		*d = NULL;
		*n = 0;
		return 0;
	}
	if (rc < 0)
		return rc;
	if (memchr(*d, '\0', *n)) {
		free(*d);
		*d = NULL;
		return vp_fail(err, VA_CORRUPT_FILE, "%s holds a NUL byte", path);
	}
	return 0;
}

void vp_delivery_free(vp_delivery *d)
{
	if (!d)
		return;
	strv_free(d->forward, d->forward_count);
	strv_free(d->other, d->other_count);
	message_free(&d->message);
	memset(d, 0, sizeof *d);
}

int vp_get_delivery(const vp_config *cfg, const char *user, const char *domain, vp_delivery *out,
                    vp_error *err)
{
	user_ctx u;
	vp_user_entry e;
	char *data = NULL;
	size_t len = 0;
	qfile f = { 0 };
	state s = { 0 };
	strv fw = { 0 }, other = { 0 };
	int rc;

	vp_error_clear(err);
	if (out)
		memset(out, 0, sizeof *out);
	if (!cfg || !user || !domain || !out)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = check_responder(cfg, err)) != 0)
		return rc;
	rc = vp_get_user(cfg, user, domain, &e, &u.dom, err);
	if (rc == 0)
		rc = vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", user, domain);
	if (rc < 0)
		return rc;
	rc = user_home(&u.dom, &e, &u, err);
	explicit_bzero(&e, sizeof e);
	if (rc != 0)
		return rc;
	if ((rc = read_dotqmail(u.dotqmail, &data, &len, err)) != 0)
		return rc;
	if ((rc = parse_qmail(cfg, u.home, data, len, &f, err)) != 0 || (rc = derive(&f, &s, err)) != 0)
		goto out;
	for (size_t i = 0; i < s.nfw; i++)
		if (strv_push(&fw, s.fw[i]->addr, s.fw[i]->addr_len) != 0) {
			rc = oom(err);
			goto out;
		}
	for (size_t i = 0; i < f.n; i++)
		if (is_other(f.v[i].kind) && strv_push(&other, f.v[i].p, f.v[i].n) != 0) {
			rc = oom(err);
			goto out;
		}
	if (s.vacation && (rc = read_message(u.vacdir, &out->message, err)) != 0)
		goto out;
	out->mode = s.mode;
	out->keep_copy = s.keep_copy;
	out->vacation = s.vacation;
	out->forward = fw.v;
	out->forward_count = fw.n;
	out->other = other.v;
	out->other_count = other.n;
	fw.v = other.v = NULL;
	fw.n = other.n = 0;
out:
	strv_free(fw.v, fw.n);
	strv_free(other.v, other.n);
	free(s.fw);
	free(f.v);
	free(data);
	return rc;
}

/* The routing lines of a state; forwards are given as the lines to write. */
static void put_routing(vp_buf *b, const user_ctx *u, enum vp_delivery_mode mode,
                        const char *const *fw, const size_t *fwl, size_t nfw, int keep)
{
	if (mode == VP_DELIVERY_FORWARD) {
		for (size_t i = 0; i < nfw; i++) {
			vp_buf_adds(b, "&");
			vp_buf_add(b, fw[i], fwl[i]);
			vp_buf_adds(b, "\n");
		}
	}
	if (mode == VP_DELIVERY_MAILBOX || (mode == VP_DELIVERY_FORWARD && keep)) {
		vp_buf_adds(b, u->home);
		vp_buf_adds(b, "/Maildir/\n");
	} else if (mode == VP_DELIVERY_DELETE) {
		vp_buf_adds(b, "# delete\n");
	}
}

static void put_line(vp_buf *b, const qline *l)
{
	vp_buf_add(b, l->p, l->n);
	vp_buf_adds(b, "\n");
}

/* The old lines with the routing group replaced by `routing` (NULL: kept)
 * and the vacation group by `vac` (NULL: kept), each at the place of its
 * first old line; a new routing group goes before the vacation line, a new
 * vacation line at the end (qmailadmin's order). */
static void compose(vp_buf *b, const qfile *old, const vp_buf *routing, const vp_buf *vac)
{
	int old_routing = 0, r_done = 0, v_done = 0;
	for (size_t i = 0; i < old->n; i++)
		old_routing |= is_routing(old->v[i].kind);
	for (size_t i = 0; i < old->n; i++) {
		const qline *l = &old->v[i];
		if (l->kind == L_BLANK)
			continue;
		if (l->kind == L_RESPONDER && routing && !r_done && !old_routing) {
			vp_buf_add(b, routing->p ? routing->p : "", routing->len);
			r_done = 1;
		}
		if (is_routing(l->kind) && routing) {
			if (!r_done)
				vp_buf_add(b, routing->p ? routing->p : "", routing->len);
			r_done = 1;
			continue;
		}
		if (l->kind == L_RESPONDER && vac) {
			if (!v_done)
				vp_buf_add(b, vac->p ? vac->p : "", vac->len);
			v_done = 1;
			continue;
		}
		put_line(b, l);
	}
	if (routing && !r_done)
		vp_buf_add(b, routing->p ? routing->p : "", routing->len);
	if (vac && !v_done)
		vp_buf_add(b, vac->p ? vac->p : "", vac->len);
}

static int same_routing(const state *a, const state *b)
{
	if (a->mode != b->mode)
		return 0;
	if (a->mode != VP_DELIVERY_FORWARD)
		return 1;
	if (a->keep_copy != b->keep_copy || a->nfw != b->nfw)
		return 0;
	for (size_t i = 0; i < a->nfw; i++)
		if (a->fw[i]->addr_len != b->fw[i]->addr_len ||
		    memcmp(a->fw[i]->addr, b->fw[i]->addr, a->fw[i]->addr_len) != 0)
			return 0;
	return 1;
}

/* The routing a change asks for, as a state over lines of `hold`. */
typedef struct wanted {
	state s;
	qfile hold;   /* qlines holding the new forwards */
	vp_buf text;     /* their bytes */
} wanted;

static void wanted_free(wanted *w)
{
	free(w->s.fw);
	free(w->hold.v);
	vp_buf_free(&w->text);
}

/* Checked forwards of a change as "addr\n" lines in w->text, deduplicated. */
static int wanted_from_change(const vp_delivery_change *c, const user_ctx *u, wanted *w,
                              vp_error *err)
{
	char own[VP_MAX_PW_NAME + VP_MAX_PW_DOMAIN + 2];
	memset(w, 0, sizeof *w);
	w->s.mode = c->mode;
	if (c->mode != VP_DELIVERY_FORWARD)
		return 0;
	w->s.keep_copy = c->keep_copy ? 1 : 0;
	snprintf(own, sizeof own, "%s@%s", u->uname, u->dom.realdomain);
	size_t *offs = malloc((c->forward_count ? c->forward_count : 1) * sizeof *offs);
	if (!offs)
		return oom(err);
	size_t n = 0;
	for (size_t i = 0; i < c->forward_count; i++) {
		char a[VP_MAX_ADDRESS + 2];
		int rc;
		if (!c->forward[i]) {
			free(offs);
			return vp_fail(err, VA_NULL_POINTER, NULL);
		}
		if ((rc = normalize_address(c->forward[i], u->dom.realdomain, a, sizeof a, err)) != 0) {
			free(offs);
			return rc;
		}
		if (strcasecmp(a, own) == 0) {
			free(offs);
			return vp_fail(err, VA_INVALID_EMAIL_CHAR, "%s would forward to itself", own);
		}
		int dup = 0;
		for (size_t k = 0; k < n && !dup; k++)
			dup = strcmp(w->text.p + offs[k], a) == 0;
		if (dup)
			continue;
		offs[n++] = w->text.len;
		vp_buf_add(&w->text, a, strlen(a) + 1); /* NUL-separated */
	}
	if (w->text.oom) {
		free(offs);
		return oom(err);
	}
	if (n == 0) {
		free(offs);
		return vp_fail(err, VA_INVALID_EMAIL_CHAR, "forwarding needs at least one address");
	}
	if (n > VP_MAX_FORWARDS) {
		free(offs);
		return vp_fail(err, VA_ALIAS_LINE_TOO_LONG, "more than %d forward addresses",
		               VP_MAX_FORWARDS);
	}
	w->hold.v = calloc(n, sizeof *w->hold.v);
	w->s.fw = malloc(n * sizeof *w->s.fw);
	if (!w->hold.v || !w->s.fw) {
		free(offs);
		return oom(err);
	}
	for (size_t k = 0; k < n; k++) {
		qline *l = &w->hold.v[k];
		l->kind = L_FORWARD;
		l->addr = w->text.p + offs[k];
		l->addr_len = strlen(l->addr);
		w->s.fw[k] = l;
	}
	w->hold.n = w->s.nfw = n;
	free(offs);
	return 0;
}

static void routing_of(vp_buf *b, const user_ctx *u, const state *s)
{
	const char **fw = malloc((s->nfw ? s->nfw : 1) * sizeof *fw);
	size_t *fwl = malloc((s->nfw ? s->nfw : 1) * sizeof *fwl);
	if (!fw || !fwl) {
		b->oom = 1;
		free(fw);
		free(fwl);
		return;
	}
	for (size_t i = 0; i < s->nfw; i++) {
		fw[i] = s->fw[i]->addr;
		fwl[i] = s->fw[i]->addr_len;
	}
	put_routing(b, u, s->mode, fw, fwl, s->nfw, s->keep_copy);
	free(fw);
	free(fwl);
}

/* Is the new file nothing but the user's own Maildir line (plain delivery)? */
static int plain_delivery(const qfile *f)
{
	size_t n = 0, own = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (f->v[i].kind == L_BLANK)
			continue;
		n++;
		own += f->v[i].kind == L_OWN;
	}
	return n == own && n <= 1;
}

/* <dir> as a real directory: 0 (created set when made now), or a VA code. */
static int ensure_dir(const vp_config *cfg, const vp_domain_info *dom, const char *dir,
                      int *created, vp_error *err)
{
	struct stat st;
	*created = 0;
	if (lstat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return vp_fail(err, VA_COULD_NOT_UPDATE_FILE, "%s is not a directory", dir);
		return 0;
	}
	if (errno != ENOENT)
		return vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot stat", dir);
	/* made in its parent reached by the walk, never through a symlink */
	int pfd = vp_parent_open(cfg, dir, err);
	if (pfd < 0)
		return vp_dir_fail_as(err, pfd, VA_COULD_NOT_UPDATE_FILE);
	int fd = vp_mkdirat_owned(pfd, vp_path_base(dir), 0700, dom->uid, dom->gid,
	                          cfg->chown_files);
	if (fd < 0) {
		int e = errno;
		int rc = vp_fail_errno(err, VA_COULD_NOT_UPDATE_FILE, "cannot create", dir);
		if (e != EEXIST) /* made, but its mode or owner could not be set */
			unlinkat(pfd, vp_path_base(dir), AT_REMOVEDIR);
		close(pfd);
		return rc;
	}
	close(fd);
	close(pfd);
	*created = 1;
	return 0;
}

/* Write path unless it already holds exactly these bytes. */
static int write_if_changed(const vp_config *cfg, const vp_domain_info *dom, const char *path,
                            const vp_buf *b, vp_error *err)
{
	char *old = NULL;
	size_t ol = 0;
	vp_error ignored;
	if (vp_read_file(path, &old, &ol, MESSAGE_FILE_MAX, &ignored) == 0 && ol == b->len &&
	    memcmp(old, b->p ? b->p : "", ol) == 0) {
		free(old);
		return 0;
	}
	free(old);
	return vp_write_file_atomic(cfg, path, b->p ? b->p : "", b->len, 0600, dom->uid, dom->gid,
	                            cfg->chown_files, err);
}

int vp_set_delivery(const vp_config *cfg, const char *user, const char *domain,
                    const vp_delivery_change *c, vp_error *err)
{
	user_ctx u;
	vp_user_entry e;
	vp_lock lock = { -1 };
	text t = { 0 };
	wanted w = { 0 };
	char *data = NULL;
	size_t len = 0;
	qfile oldf = { 0 }, newf = { 0 };
	state cur = { 0 }, got = { 0 };
	vp_buf routing = { 0 }, vac = { 0 }, nb = { 0 }, msg = { 0 };
	int rc, made_vacdir = 0;

	vp_error_clear(err);
	memset(&u, 0, sizeof u);
	if (!cfg || !user || !domain || !c)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0 || (rc = check_responder(cfg, err)) != 0)
		return rc;
	if (c->set_mode && c->mode != VP_DELIVERY_MAILBOX && c->mode != VP_DELIVERY_FORWARD &&
	    c->mode != VP_DELIVERY_DELETE)
		return vp_fail(err, VA_PARSE_ERROR, "the mode must be mailbox, forward or delete");
	if (c->set_mode && c->mode == VP_DELIVERY_FORWARD && c->forward_count > 0 && !c->forward)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if (c->set_vacation && c->vacation &&
	    (rc = text_prepare(c->subject, c->body, c->charset, &t, err)) != 0)
		return rc;
	int nothing = !c->set_mode && !c->set_vacation;
	if ((rc = vp_user_normalize(user, strlen(user), u.uname, err)) != 0 ||
	    (rc = vp_user_resolve_domain(cfg, domain, &u.dom, err)) != 0)
		goto out;
	/* Everything the caller gave is checked before the lock is taken. */
	if (c->set_mode && (rc = wanted_from_change(c, &u, &w, err)) != 0)
		goto out;
	if ((rc = vp_vpw_lock(cfg, &u.dom, &lock, err)) != 0)
		goto out;
	rc = vp_vpw_get_locked(cfg, &u.dom, u.uname, &e, err);
	if (rc == 0)
		rc = vp_fail(err, VA_USER_DOES_NOT_EXIST, "%s@%s", u.uname, u.dom.realdomain);
	if (rc < 0)
		goto out;
	rc = user_home(&u.dom, &e, &u, err);
	explicit_bzero(&e, sizeof e);
	if (rc != 0)
		goto out;
	if (!safe_path(u.home, strlen(u.home))) {
		rc = vp_fail(err, VA_BAD_CHAR, "the home of %s@%s is not usable in .qmail lines",
		             u.uname, u.dom.realdomain);
		goto out;
	}
	if (nothing)
		goto out; /* the user exists; a change of nothing writes nothing */
	if ((rc = read_dotqmail(u.dotqmail, &data, &len, err)) != 0 ||
	    (rc = parse_qmail(cfg, u.home, data, len, &oldf, err)) != 0 ||
	    (rc = derive(&oldf, &cur, err)) != 0)
		goto out;

	if (c->set_mode)
		routing_of(&routing, &u, &w.s);
	if (c->set_vacation && c->vacation) {
		vp_buf_adds(&vac, "| ");
		vp_buf_adds(&vac, responder(cfg));
		vp_buf_adds(&vac, VACATION_ARGS);
		vp_buf_adds(&vac, u.vacdir);
		vp_buf_adds(&vac, "/message ");
		vp_buf_adds(&vac, u.vacdir);
		vp_buf_adds(&vac, "\n");
		compose_vacation(&msg, u.uname, u.dom.realdomain, &t);
	}
	compose(&nb, &oldf, c->set_mode ? &routing : NULL, c->set_vacation ? &vac : NULL);
	if (nb.oom || routing.oom || vac.oom || msg.oom) {
		rc = oom(err);
		goto out;
	}
	/* Routing left alone must read as before, whatever the vacation change did. */
	const state *want = c->set_mode ? &w.s : &cur;
	for (int pass = 0;; pass++) {
		free(newf.v);
		free(got.fw);
		got.fw = NULL;
		if ((rc = parse_qmail(cfg, u.home, nb.p, nb.len, &newf, err)) != 0 ||
		    (rc = derive(&newf, &got, err)) != 0)
			goto out;
		int vac_ok = !c->set_vacation || got.vacation == (c->vacation != 0);
		if (same_routing(&got, want) && vac_ok)
			break;
		if (pass > 0 || !vac_ok) {
			rc = vp_fail(err, VA_PARSE_ERROR, "internal: the new .qmail does not say what was asked");
			goto out;
		}
		vp_buf_free(&routing);
		routing_of(&routing, &u, want);
		vp_buf_free(&nb);
		compose(&nb, &oldf, &routing, c->set_vacation ? &vac : NULL);
		if (nb.oom || routing.oom) {
			rc = oom(err);
			goto out;
		}
	}

	/* The message first: a vacation line never points at a missing file. */
	if (c->set_vacation && c->vacation) {
		char path[sizeof u.vacdir + 16];
		if ((rc = ensure_dir(cfg, &u.dom, u.vacdir, &made_vacdir, err)) != 0)
			goto out;
		if (vp_path_join(path, sizeof path, u.vacdir, "message") != 0) {
			rc = vp_fail(err, VA_DIR_TOO_LONG, NULL);
			goto undo;
		}
		if ((rc = write_if_changed(cfg, &u.dom, path, &msg, err)) != 0)
			goto undo;
	}
	if (plain_delivery(&newf)) {
		if (data && (rc = vp_remove_tree(u.home, u.dotqmail, err)) != 0)
			goto undo;
	} else if (!data || nb.len != len || memcmp(nb.p, data, len) != 0) {
		if ((rc = vp_write_file_atomic(cfg, u.dotqmail, nb.p, nb.len, 0600, u.dom.uid, u.dom.gid,
		                               cfg->chown_files, err)) != 0)
			goto undo;
	}
	/* Off: the whole vacation directory goes, as qmailadmin removes it. */
	if (c->set_vacation && !c->vacation) {
		struct stat st;
		if (lstat(u.vacdir, &st) == 0)
			rc = vp_remove_tree(u.home, u.vacdir, err);
	}
	goto out;
undo:
	if (made_vacdir) {
		vp_error ignored;
		vp_remove_tree(u.home, u.vacdir, &ignored);
	}
out:
	vp_lock_release(&lock);
	vp_buf_free(&t.body);
	wanted_free(&w);
	vp_buf_free(&routing);
	vp_buf_free(&vac);
	vp_buf_free(&nb);
	vp_buf_free(&msg);
	free(oldf.v);
	free(newf.v);
	free(cur.fw);
	free(got.fw);
	free(data);
	return rc;
}

/* ---- domain autoresponders ---- */

typedef struct robot_ctx {
	vp_domain_info dom;
	char domdir[VP_MAX_PW_DIR + 256];
	char lname[VP_MAX_PW_NAME + 1];            /* info, team.lead */
	char fname[VP_MAX_PW_NAME + 8];            /* .qmail-info, .qmail-team:lead */
	char qpath[VP_MAX_PW_DIR + 340];
	char rdir[VP_MAX_PW_DIR + 340];            /* <domaindir>/INFO */
} robot_ctx;

/* 2-64 bytes of [a-z0-9_.+=-] (uppercase lowered) with a letter, not
 * starting with '.' or '-', not "default" or a "-default" wildcard: the
 * upper-cased directory is then never a user's home or a hash bucket. */
static int robot_name(const char *src, robot_ctx *r, vp_error *err)
{
	size_t n = strnlen(src, VP_MAX_PW_NAME + 1);
	int letter = 0;
	if (n < 2 || n > VP_MAX_PW_NAME)
		return vp_fail(err, VA_INVALID_ALIAS_NAME, "an autoresponder name has 2-%d bytes",
		               VP_MAX_PW_NAME);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("_.+=-", c)) || !c)
			return vp_fail(err, VA_INVALID_ALIAS_NAME, "invalid character in the name");
		letter |= c >= 'a' && c <= 'z';
		r->lname[i] = (char)c;
	}
	r->lname[n] = '\0';
	if (!letter || r->lname[0] == '.' || r->lname[0] == '-' || strcmp(r->lname, "default") == 0 ||
	    (n >= 8 && strcmp(r->lname + n - 8, "-default") == 0))
		return vp_fail(err, VA_INVALID_ALIAS_NAME,
		               "a name needs a letter, must not start with '.' or '-' and is not a -default");
	memcpy(r->fname, ".qmail-", 7);
	for (size_t i = 0; i <= n; i++)
		r->fname[7 + i] = r->lname[i] == '.' ? ':' : r->lname[i];
	return 0;
}

/* The domain of a robot call: configuration checked, domain dir resolved. */
static int robot_domain(const vp_config *cfg, const char *domain, robot_ctx *r, vp_error *err)
{
	int rc;
	if (!cfg || !domain)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = vp_config_check(cfg, err)) != 0 || (rc = check_responder(cfg, err)) != 0 ||
	    (rc = vp_user_resolve_domain(cfg, domain, &r->dom, err)) != 0)
		return rc;
	size_t dl = dir_len(r->dom.dir);
	if (dl >= sizeof r->domdir)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	memcpy(r->domdir, r->dom.dir, dl);
	r->domdir[dl] = '\0';
	return 0;
}

/* The name checked first (as vpopmail checks names before domains), then
 * the domain and the robot's two paths. */
static int robot_open(const vp_config *cfg, const char *name, const char *domain, robot_ctx *r,
                      vp_error *err)
{
	int rc;
	char up[VP_MAX_PW_NAME + 1];
	if (!name)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = robot_name(name, r, err)) != 0 || (rc = robot_domain(cfg, domain, r, err)) != 0)
		return rc;
	for (size_t i = 0; i <= strlen(r->lname); i++)
		up[i] = (r->lname[i] >= 'a' && r->lname[i] <= 'z') ? (char)(r->lname[i] - 32) : r->lname[i];
	if (vp_path_join(r->qpath, sizeof r->qpath, r->domdir, r->fname) != 0 ||
	    vp_path_join(r->rdir, sizeof r->rdir, r->domdir, up) != 0)
		return vp_fail(err, VA_DIR_TOO_LONG, NULL);
	return 0;
}

void vp_autoresponder_free(vp_autoresponder *a)
{
	if (!a)
		return;
	message_free(&a->message);
	free(a->copy_to);
	strv_free(a->other, a->other_count);
	memset(a, 0, sizeof *a);
}

/* Read a robot from its .qmail bytes: 1 when a line runs the autoresponder. */
static int robot_from(const vp_config *cfg, const robot_ctx *r, const char *d, size_t n,
                      vp_autoresponder *out, vp_error *err)
{
	qfile f;
	strv other = { 0 };
	int rc, robot = 0;
	memset(out, 0, sizeof *out);
	if ((rc = parse_qmail(cfg, NULL, d, n, &f, err)) != 0)
		return rc;
	for (size_t i = 0; i < f.n; i++) {
		const qline *l = &f.v[i];
		if (l->kind == L_RESPONDER) {
			robot = 1;
		} else if (l->kind == L_FORWARD && !out->copy_to) {
			out->copy_to = strndup(l->addr, l->addr_len);
			if (!out->copy_to)
				rc = oom(err);
		} else if (l->kind != L_BLANK && l->kind != L_FORWARD && strv_push(&other, l->p, l->n) != 0) {
			rc = oom(err);
		}
	}
	free(f.v);
	out->other = other.v;
	out->other_count = other.n;
	snprintf(out->name, sizeof out->name, "%s", r->lname);
	if (rc == 0 && robot)
		rc = read_message(r->rdir, &out->message, err);
	if (rc != 0 || !robot) {
		vp_autoresponder_free(out);
		return rc < 0 ? rc : 0;
	}
	return 1;
}

/* ---- where a robot's .qmail lines live: the file, or with cfg->valias on
 * the mysql backend the alias's valias rows (as qmailadmin built with
 * --enable-valias keeps them); the caller holds the domain's lock ---- */

static vp_store *robot_store(const vp_config *cfg)
{
	return cfg->valias ? vp_cfg_store(cfg) : NULL;
}

static int robot_row(void *ctx, const char *alias, const char *line, size_t len)
{
	(void)alias;
	vp_buf_add(ctx, line, len);
	vp_buf_adds(ctx, "\n");
	return 0;
}

/* 1 with the lines (malloc'd, *d), 0 none, <0 VA code. */
static int robot_q_read(const vp_config *cfg, const robot_ctx *r, char **d, size_t *n,
                        vp_error *err)
{
	vp_store *s = robot_store(cfg);
	struct stat st;
	*d = NULL;
	*n = 0;
	if (!s) {
		if (lstat(r->qpath, &st) != 0 || !S_ISREG(st.st_mode))
			return 0;
		int rc = read_dotqmail(r->qpath, d, n, err);
		return rc < 0 ? rc : 1;
	}
	vp_buf b = { 0 };
	int rc = vp_store_valias_get(s, r->dom.realdomain, r->lname, 0, robot_row, &b, err);
	if (rc == 0 && b.oom)
		rc = oom(err);
	if (rc < 0 || b.len == 0) {
		vp_buf_free(&b);
		return rc < 0 ? rc : 0;
	}
	*d = b.p;
	*n = b.len;
	return 1;
}

/* Does the name deliver anywhere already (file of any kind, or rows)? */
static int robot_q_exists(const vp_config *cfg, const robot_ctx *r, vp_error *err)
{
	struct stat st;
	if (!robot_store(cfg)) {
		if (lstat(r->qpath, &st) == 0)
			return 1;
		return errno == ENOENT ? 0 : vp_fail_errno(err, VA_COULD_NOT_OPEN_DOT_QMAIL, "cannot stat", r->qpath);
	}
	char *d;
	size_t n;
	int rc = robot_q_read(cfg, r, &d, &n, err);
	free(d);
	return rc;
}

static int robot_q_write(const vp_config *cfg, const robot_ctx *r, const char *d, size_t n,
                         vp_error *err)
{
	vp_store *s = robot_store(cfg);
	vp_error e2;
	if (!s)
		return vp_write_file_atomic(cfg, r->qpath, d, n, 0600, r->dom.uid, r->dom.gid,
		                            cfg->chown_files, err);
	int rc = vp_store_valias_ensure(s, err);
	if (rc != 0 || (rc = vp_store_begin(s, NULL, 0, err)) != 0)
		return rc;
	if ((rc = vp_store_valias_del(s, r->dom.realdomain, r->lname, err)) > 0)
		rc = 0;
	for (size_t pos = 0; rc == 0 && pos < n;) {
		const char *nl = memchr(d + pos, '\n', n - pos);
		size_t end = nl ? (size_t)(nl - d) : n;
		if (end > pos) {
			char *line = strndup(d + pos, end - pos);
			rc = line ? vp_store_valias_add(s, r->dom.realdomain, r->lname, line, err) : oom(err);
			free(line);
		}
		pos = end + 1;
	}
	if (rc == 0)
		return vp_store_commit(s, err);
	vp_store_rollback(s, &e2);
	return rc;
}

static int robot_q_del(const vp_config *cfg, const robot_ctx *r, vp_error *err)
{
	vp_store *s = robot_store(cfg);
	if (!s)
		return vp_remove_tree(r->domdir, r->qpath, err);
	int rc = vp_store_valias_del(s, r->dom.realdomain, r->lname, err);
	return rc > 0 ? 0 : rc;
}

static int robot_alias_name(void *ctx, const char *alias, const char *line, size_t len)
{
	strv *names = ctx;
	(void)line;
	(void)len;
	if (names->n && strcmp(names->v[names->n - 1], alias) == 0)
		return 0;
	return strv_push(names, alias, strlen(alias)) != 0 ? VA_MEMORY_ALLOC_ERR : 0;
}

int vp_autoresponder_get(const vp_config *cfg, const char *name, const char *domain,
                         vp_autoresponder *out, vp_error *err)
{
	robot_ctx r;
	char *d = NULL;
	size_t n = 0;
	int rc;

	vp_error_clear(err);
	if (out)
		memset(out, 0, sizeof *out);
	if (!out)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = robot_open(cfg, name, domain, &r, err)) != 0)
		return rc;
	if ((rc = robot_q_read(cfg, &r, &d, &n, err)) <= 0)
		return rc;
	rc = robot_from(cfg, &r, d, n, out, err);
	free(d);
	return rc;
}

/* May <NAME> be (re)used by a new robot?  Only a leftover of one: nothing
 * but regular files named message, .tmp.* (our temps) or autorespond's
 * A<digits>... and tmp<digits>... records. */
static int leftover_robot_dir(const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	int ok = 1;
	if (!dh)
		return 0;
	while (ok && (de = readdir(dh)) != NULL) {
		const char *s = de->d_name;
		struct stat st;
		if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
			continue;
		ok = fstatat(dirfd(dh), s, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		     (strcmp(s, "message") == 0 || strncmp(s, ".tmp.", 5) == 0 ||
		      (s[0] == 'A' && s[1] >= '0' && s[1] <= '9') ||
		      (strncmp(s, "tmp", 3) == 0 && s[3] >= '0' && s[3] <= '9'));
	}
	closedir(dh);
	return ok;
}

static int robot_write(const vp_config *cfg, const char *name, const char *domain,
                       const vp_autoresponder_settings *s, int create, vp_error *err)
{
	robot_ctx r;
	vp_lock lock = { -1 };
	text t = { 0 };
	char copy[VP_MAX_ADDRESS + 2] = "";
	vp_buf msg = { 0 }, line = { 0 }, nb = { 0 };
	char *old = NULL;
	size_t oldlen = 0;
	qfile f = { 0 };
	int rc, made_dir = 0;
	struct stat st;
	char mpath[sizeof r.rdir + 16];

	vp_error_clear(err);
	if (!s)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = robot_open(cfg, name, domain, &r, err)) != 0)
		return rc;
	if (!safe_path(r.domdir, strlen(r.domdir)))
		return vp_fail(err, VA_BAD_CHAR, "the directory of %s is not usable in .qmail lines",
		               r.dom.realdomain);
	if ((rc = text_prepare(s->subject, s->body, s->charset, &t, err)) != 0)
		return rc;
	if (s->copy_to && s->copy_to[0] &&
	    (rc = normalize_address(s->copy_to, r.dom.realdomain, copy, sizeof copy, err)) != 0)
		goto out;
	if (copy[0]) {
		char self[VP_MAX_PW_NAME + VP_MAX_PW_DOMAIN + 2];
		snprintf(self, sizeof self, "%s@%s", r.lname, r.dom.realdomain);
		if (strcasecmp(copy, self) == 0) {
			rc = vp_fail(err, VA_INVALID_EMAIL_CHAR, "%s would send its copy to itself", self);
			goto out;
		}
	}
	compose_robot(&msg, r.lname, r.dom.realdomain, &t);
	vp_buf_adds(&line, "|");
	vp_buf_adds(&line, responder(cfg));
	vp_buf_adds(&line, ROBOT_ARGS);
	vp_buf_adds(&line, r.rdir);
	vp_buf_adds(&line, "/message ");
	vp_buf_adds(&line, r.rdir);
	vp_buf_adds(&line, "\n");
	if (copy[0]) {
		vp_buf_adds(&line, "&");
		vp_buf_adds(&line, copy);
		vp_buf_adds(&line, "\n");
	}
	if (msg.oom || line.oom) {
		rc = oom(err);
		goto out;
	}
	if ((rc = vp_vpw_lock(cfg, &r.dom, &lock, err)) != 0)
		goto out;
	if (create) {
		if ((rc = vp_vpw_get_locked(cfg, &r.dom, r.lname, NULL, err)) != 0) {
			if (rc > 0)
				rc = vp_fail(err, VA_USERNAME_EXISTS, "%s@%s is a mailbox", r.lname,
				             r.dom.realdomain);
			goto out;
		}
		if ((rc = robot_q_exists(cfg, &r, err)) < 0)
			goto out;
		if (rc == 1) {
			rc = vp_fail(err, VA_USERNAME_EXISTS,
			             "%s@%s is already an alias, forward, list or autoresponder", r.lname,
			             r.dom.realdomain);
			goto out;
		}
		if (lstat(r.rdir, &st) == 0 && (!S_ISDIR(st.st_mode) || !leftover_robot_dir(r.rdir))) {
			rc = vp_fail(err, VA_EXIST_U_DIR, "%s exists and is not an autoresponder's", r.rdir);
			goto out;
		}
		nb = line;
		memset(&line, 0, sizeof line);
	} else {
		vp_autoresponder cur;
		if ((rc = robot_q_read(cfg, &r, &old, &oldlen, err)) <= 0) {
			if (rc == 0)
				rc = vp_fail(err, VA_ALIAS_DOES_NOT_EXIST, "no autoresponder %s@%s", r.lname,
				             r.dom.realdomain);
			goto out;
		}
		if ((rc = robot_from(cfg, &r, old, oldlen, &cur, err)) <= 0) {
			if (rc == 0)
				rc = vp_fail(err, VA_ALIAS_DOES_NOT_EXIST, "%s@%s is not an autoresponder",
				             r.lname, r.dom.realdomain);
			goto out;
		}
		vp_autoresponder_free(&cur);
		/* Our lines where its autoresponder line was; other lines kept. */
		if ((rc = parse_qmail(cfg, NULL, old, oldlen, &f, err)) != 0)
			goto out;
		int done = 0;
		for (size_t i = 0; i < f.n; i++) {
			const qline *l = &f.v[i];
			if (l->kind == L_BLANK)
				continue;
			if (l->kind == L_RESPONDER || l->kind == L_FORWARD) {
				if (!done)
					vp_buf_add(&nb, line.p, line.len);
				done = 1;
				continue;
			}
			put_line(&nb, l);
		}
		if (nb.oom) {
			rc = oom(err);
			goto out;
		}
	}
	/* The directory and message first: the .qmail line makes the robot live. */
	if ((rc = ensure_dir(cfg, &r.dom, r.rdir, &made_dir, err)) != 0)
		goto out;
	if (vp_path_join(mpath, sizeof mpath, r.rdir, "message") != 0) {
		rc = vp_fail(err, VA_DIR_TOO_LONG, NULL);
		goto undo;
	}
	if ((rc = write_if_changed(cfg, &r.dom, mpath, &msg, err)) != 0)
		goto undo;
	if (!old || nb.len != oldlen || memcmp(nb.p, old, oldlen) != 0)
		rc = robot_q_write(cfg, &r, nb.p, nb.len, err);
	if (rc == 0)
		goto out;
undo:
	/* A failed add leaves no directory (a reused leftover goes too); a failed
	 * update only takes back the directory it made. */
	if (create || made_dir) {
		vp_error ignored;
		vp_remove_tree(r.domdir, r.rdir, &ignored);
	}
out:
	vp_lock_release(&lock);
	vp_buf_free(&t.body);
	vp_buf_free(&msg);
	vp_buf_free(&line);
	vp_buf_free(&nb);
	free(f.v);
	free(old);
	return rc < 0 ? rc : 0;
}

int vp_autoresponder_add(const vp_config *cfg, const char *name, const char *domain,
                         const vp_autoresponder_settings *s, vp_error *err)
{
	return robot_write(cfg, name, domain, s, 1, err);
}

int vp_autoresponder_update(const vp_config *cfg, const char *name, const char *domain,
                            const vp_autoresponder_settings *s, vp_error *err)
{
	return robot_write(cfg, name, domain, s, 0, err);
}

int vp_autoresponder_del(const vp_config *cfg, const char *name, const char *domain,
                         vp_error *err)
{
	robot_ctx r;
	vp_lock lock = { -1 };
	vp_autoresponder cur;
	char *d = NULL;
	size_t n = 0;
	struct stat st;
	int rc;

	vp_error_clear(err);
	if ((rc = robot_open(cfg, name, domain, &r, err)) != 0)
		return rc;
	if ((rc = vp_vpw_lock(cfg, &r.dom, &lock, err)) != 0)
		return rc;
	if ((rc = robot_q_read(cfg, &r, &d, &n, err)) <= 0) {
		if (rc == 0)
			rc = vp_fail(err, VA_ALIAS_DOES_NOT_EXIST, "no autoresponder %s@%s", r.lname,
			             r.dom.realdomain);
		goto out;
	}
	if ((rc = robot_from(cfg, &r, d, n, &cur, err)) <= 0) {
		if (rc == 0)
			rc = vp_fail(err, VA_ALIAS_DOES_NOT_EXIST, "%s@%s is not an autoresponder", r.lname,
			             r.dom.realdomain);
		goto out;
	}
	vp_autoresponder_free(&cur);
	/* The line first (mail stops reaching it), then its directory. */
	if ((rc = robot_q_del(cfg, &r, err)) == 0 && lstat(r.rdir, &st) == 0)
		rc = vp_remove_tree(r.domdir, r.rdir, err);
out:
	vp_lock_release(&lock);
	free(d);
	return rc < 0 ? rc : 0;
}

static int robot_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int vp_autoresponder_list(const vp_config *cfg, const char *domain, vp_autoresponder_cb cb,
                          void *ctx, vp_error *err)
{
	robot_ctx r;
	strv names = { 0 };
	int rc;

	vp_error_clear(err);
	if (!cfg || !domain || !cb)
		return vp_fail(err, VA_NULL_POINTER, NULL);
	if ((rc = robot_domain(cfg, domain, &r, err)) != 0)
		return rc;
	if (robot_store(cfg)) {
		/* valias: the aliases of the domain's rows; get() tells the robots */
		rc = vp_store_valias_get(robot_store(cfg), r.dom.realdomain, NULL, 0, robot_alias_name,
		                         &names, err);
		if (rc != 0) {
			strv_free(names.v, names.n);
			return rc;
		}
		goto listed;
	}
	DIR *dh = opendir(r.domdir);
	if (!dh)
		return vp_fail_errno(err, VA_BAD_V_DIR, "cannot open", r.domdir);
	struct dirent *de;
	size_t seen = 0;
	while ((de = readdir(dh)) != NULL && ++seen <= ROBOT_MAX_ENTRIES) {
		char nm[VP_MAX_PW_NAME + 1];
		robot_ctx probe;
		struct stat st;
		const char *s = de->d_name;
		if (strncmp(s, ".qmail-", 7) != 0 || strlen(s + 7) > VP_MAX_PW_NAME ||
		    strchr(s + 7, '.'))
			continue;
		snprintf(nm, sizeof nm, "%s", s + 7);
		for (char *p = nm; *p; p++)
			if (*p == ':')
				*p = '.';
		if (robot_name(nm, &probe, NULL) != 0 || strcmp(probe.fname, s) != 0)
			continue;
		if (fstatat(dirfd(dh), s, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (strv_push(&names, nm, strlen(nm)) != 0) {
			closedir(dh);
			strv_free(names.v, names.n);
			return oom(err);
		}
	}
	closedir(dh);
listed:
	if (names.n > 1)
		qsort(names.v, names.n, sizeof *names.v, robot_cmp);
	for (size_t i = 0; i < names.n && rc == 0; i++) {
		vp_autoresponder a;
		int r1 = vp_autoresponder_get(cfg, names.v[i], domain, &a, err);
		if (r1 < 0) {
			rc = r1;
			break;
		}
		if (r1 == 0)
			continue;
		int stop = cb(ctx, &a);
		vp_autoresponder_free(&a);
		if (stop < 0)
			rc = vp_fail(err, stop, "stopped by the caller");
		if (stop)
			break;
	}
	strv_free(names.v, names.n);
	return rc;
}
