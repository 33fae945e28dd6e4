/*
 * vp_quota.h: Maildir++ maildirsize (spec 9.3), internal to libcore.
 * (vp_quota_normalize is public, in vpcore.h.)
 */
#ifndef VP_QUOTA_H
#define VP_QUOTA_H

#include "vpcore.h"

/* Usage of a Maildir as vpopmail counts it: new/ and cur/ of the Maildir and
 * of every ".folder" but .Trash; dot files and trashed (T) messages skipped;
 * sizes from ",S=<n>" or stat.  mdfd is an open Maildir directory. */
int vp_maildir_usage(int mdfd, unsigned long long *bytes, unsigned long long *count);

/* Rewrite <home>/Maildir/maildirsize for quota: removed for NOQUOTA (or an
 * empty quota), else "<quota>\n<bytes> <count>\n" written to Maildir/tmp and
 * renamed into place, mode 0600, owned by the domain when configured.  A
 * missing home or Maildir is not an error (nothing to describe). */
int vp_maildirsize_update(const vp_config *cfg, const vp_domain_info *dom, const char *home,
                          const char *quota, vp_error *err);
/* <home>/Maildir (path gets its name) opened through vp_home_open, then
 * without following a symlink: the fd, -1 when the home or the Maildir does
 * not exist, or <-1 a VA code (VA_UNSAFE_PATH for a home outside the domain
 * or a symlink on the way). */
int vp_maildir_open(const vp_config *cfg, const vp_domain_info *dom, const char *home, char *path,
                    size_t size, vp_error *err);
/* vp_maildirsize_update in a Maildir opened by vp_maildir_open. */
int vp_maildirsize_update_md(const vp_config *cfg, const vp_domain_info *dom, int md,
                             const char *path, const char *quota, vp_error *err);

/* Maildir++ maildirsize text: the first line (the quota, without '\n') into
 * quota_out (qsize bytes, may be NULL), then the sums of the "<bytes> <count>"
 * lines (either may be negative).  0, or -1 when the text is not a complete
 * maildirsize (no quota line, a control byte in it, a quota longer than
 * qsize-1, a malformed or unterminated line, a sum overflowing).  Pure: no
 * I/O, any bytes accepted as input (fuzzed). */
int vp_maildirsize_parse(const char *data, size_t len, char *quota_out, size_t qsize,
                         long long *bytes, long long *count);

/* Usage of <home>/Maildir for a report that writes nothing: the sums of its
 * maildirsize when there is one that parses (whatever its age or quota line),
 * unless exact; otherwise a scan (vp_maildir_usage), and *scanned is set.  A
 * missing home or Maildir is 0.  basefd >= 0: home is relative to that open
 * folder; -1: home is a path.  0, or a negative VA code. */
int vp_home_usage(int basefd, const char *home, int exact, unsigned long long *bytes,
                  unsigned long long *count, int *scanned);

#endif
