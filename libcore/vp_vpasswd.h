/*
 * vp_vpasswd.h: the cdb module's per-domain user store (internal).
 *
 * <domaindir>/vpasswd (text, sorted by strcmp on the name, 7 or 8 fields) and
 * <domaindir>/vpasswd.cdb (tinycdb: key = name, value = the rest of the line
 * without its newline) are rewritten together under <domaindir>/.vpasswd.lock.
 */
#ifndef VP_VPASSWD_H
#define VP_VPASSWD_H

#include "vpcore.h"

/* Longest line a rewrite accepts from an existing vpasswd (vpopmail's own
 * readers stop at 512); longer ones mean a corrupt file and stop the rewrite. */
#define VP_VPW_READ_LINE 4096

enum vp_vpw_op {
	VP_VPW_REBUILD = 0, /* vpasswd.cdb from vpasswd; vpasswd untouched */
	VP_VPW_ADD,         /* insert before the first strcmp-greater name; a duplicate fails */
	VP_VPW_DEL,         /* drop every line of that name */
	VP_VPW_REPLACE      /* replace every line of that name */
};

/* Take <dir>/.vpasswd.lock (and chown it to the domain when configured):
 * vp_domain_lock, so VA_DOMAIN_DOES_NOT_EXIST when dom was deleted or made
 * again since it was looked up. */
int vp_vpw_lock(const vp_config *cfg, const vp_domain_info *dom, vp_lock *lock, vp_error *err);

/* Streamed rewrite; the caller holds the lock.  line is the complete new
 * line including its '\n' (ADD, REPLACE), NULL otherwise.  ADD fails with
 * VA_USERNAME_EXISTS, DEL/REPLACE with VA_USER_DOES_NOT_EXIST, and nothing
 * is written then.  Malformed old lines (empty, no ':', NUL bytes, empty
 * name) are dropped; an unterminated last line gets its '\n'. */
int vp_vpw_update(const vp_config *cfg, const vp_domain_info *dom, enum vp_vpw_op op,
                  const char *name, const char *line, size_t linelen, vp_error *err);
/* The same, leaving the domain directory's fsync (which makes the renames
 * durable) to the caller: vp_fsync_dir(dom->dir) before it returns.  also:
 * up to VP_VPW_ALSO_MAX files the caller staged (vp_atomic_stage), fsynced
 * together with vpasswd and vpasswd.cdb (then marked synced); the caller
 * renames them (vp_atomic_commit_staged) or discards them.  keep (or NULL):
 * the old vpasswd and vpasswd.cdb are held there, freed when the caller
 * finishes it (vp_closer_finish). */
#define VP_VPW_ALSO_MAX 4
int vp_vpw_update_deferred(const vp_config *cfg, const vp_domain_info *dom, enum vp_vpw_op op,
                           const char *name, const char *line, size_t linelen,
                           vp_atomic *const *also, size_t nalso, vp_closer *keep,
                           vp_error *err);

/* Many changes in one rewrite.  changes are sorted by name (strcmp) with
 * unique names; index is the caller's number for the change, reported in
 * *failed when that change is the one that fails (ADD of an existing name:
 * VA_USERNAME_EXISTS, DEL/REPLACE of a missing one: VA_USER_DOES_NOT_EXIST).
 * Nothing is written on failure.  New names go before the first greater
 * old name, exactly as the same ADDs done one at a time in name order.
 * n == 0 rebuilds vpasswd.cdb from vpasswd (vpasswd untouched). */
typedef struct vp_vpw_change {
	const char *name;
	enum vp_vpw_op op;    /* VP_VPW_ADD, VP_VPW_DEL or VP_VPW_REPLACE */
	const char *line;     /* ADD/REPLACE: the whole line, '\n' included */
	size_t linelen;
	size_t index;
} vp_vpw_change;
int vp_vpw_merge(const vp_config *cfg, const vp_domain_info *dom, const vp_vpw_change *changes,
                 size_t n, size_t *failed, vp_error *err);

/* A vpasswd.cdb opened once for many lookups (the caller holds the lock
 * when it must be consistent with a later rewrite).  vp_vpw_open: 0, or
 * <0 VA code; a missing cdb is rebuilt first as vp_vpw_get_locked does. */
typedef struct vp_vpw_reader {
	int fd;
	int empty;            /* no vpasswd at all: every lookup says 0 */
	void *cdb;            /* struct cdb */
	char path[4096];
} vp_vpw_reader;
int vp_vpw_open_locked(const vp_config *cfg, const vp_domain_info *dom, vp_vpw_reader *r,
                       vp_error *err);
int vp_vpw_find(vp_vpw_reader *r, const char *name, vp_user_entry *out, vp_error *err);
void vp_vpw_close(vp_vpw_reader *r);

/* cdb lookup of a normalised name: 1 found, 0 not, <0 VA code.  A missing
 * vpasswd.cdb next to an existing vpasswd is rebuilt first (under the lock;
 * the _locked variant expects the caller to hold it already). */
int vp_vpw_get(const vp_config *cfg, const vp_domain_info *dom, const char *name,
               vp_user_entry *out, vp_error *err);
int vp_vpw_get_locked(const vp_config *cfg, const vp_domain_info *dom, const char *name,
                      vp_user_entry *out, vp_error *err);

/* The decoy for an auth of `name` (vp_decoy.c): the stored hash (field 2,
 * "{X}" prefix and all, possibly "") of a real user of the domain, chosen
 * from name by a keyed hash, read from vpasswd.cdb in a few small reads.
 * 1 with passwd filled, 0 when the domain has no user (or no readable cdb). */
int vp_vpw_decoy(const vp_domain_info *dom, const char *name, char *passwd, size_t size);

/* vp_vpw_get for an authentication: 1 found / 0 not / <0 VA code, as it.
 * With decoy (not NULL), a missing name also fills decoy as vp_vpw_decoy
 * does ("" when there is none), and a found name and a missing one read the
 * same amount of the cdb (vp_decoy.c). */
int vp_vpw_auth_get(const vp_config *cfg, const vp_domain_info *dom, const char *name,
                    vp_user_entry *out, char *decoy, size_t dsize, vp_error *err);

/* One user's read-modify-write, under the lock the caller holds: look the
 * line up (missing: VA_USER_DOES_NOT_EXIST), let edit change the entry (it
 * returns 0 to write, or a VA code and nothing is written), format it and
 * replace it in vpasswd + vpasswd.cdb.  Fields edit leaves alone, the 8th
 * included, are written back as they were.  e holds the entry afterwards;
 * the caller wipes it. */
typedef int (*vp_vpw_edit_fn)(void *ctx, vp_user_entry *e, vp_error *err);
int vp_vpw_edit_locked(const vp_config *cfg, const vp_domain_info *dom, const char *name,
                       vp_vpw_edit_fn edit, void *ctx, vp_user_entry *e, vp_error *err);

/* Split a cdb value (fields 2..8) into out; name is field 1.  0, or -1 when a
 * field does not fit the entry's buffers. */
int vp_vpw_parse_value(const char *name, const char *val, size_t len, vp_user_entry *out);

/* The vpasswd line of e, '\n' included, 8 fields when e->has_clear.  Checks
 * every field (limits of spec 6.1, no ':' CR LF anywhere) and the whole line
 * against VP_MAX_VPASSWD_LINE.  Returns the length, or a negative VA code. */
int vp_vpw_format(const vp_user_entry *e, char *buf, size_t size, vp_error *err);

#endif
