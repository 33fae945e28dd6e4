/*
 * vp_user_int.h: pieces of vp_user.c that the other writers share (internal).
 */
#ifndef VP_USER_INT_H
#define VP_USER_INT_H

#include "vpcore.h"

/* A raw domain normalised and looked up; an alias domain gives its real
 * domain.  0, VA_DOMAIN_DOES_NOT_EXIST or another VA code. */
int vp_user_resolve_domain(const vp_config *cfg, const char *domain, vp_domain_info *dom,
                           vp_error *err);
/* "X", "X/Y" or "X/Y/Z" over the hashing alphabet. */
int vp_user_bucket_valid(const char *s, size_t len);
/* One line [line, le) of .dir_control_free: the bucket it names, without a
 * '#' comment and blanks, in [*bucket, *bucket_end); 1 when it is usable. */
int vp_user_free_line(const char *line, const char *le, const char **bucket, const char **bucket_end);
/* The bucket's directories under the domain, which may exist already. */
int vp_user_make_bucket_dirs(const vp_config *cfg, const vp_domain_info *dom, const char *bucket,
                             vp_error *err);
/* <home>, Maildir/{new,cur,tmp}, lastauth; *created once <home> itself exists. */
int vp_user_make_home(const vp_config *cfg, const vp_domain_info *dom, const char *home,
                      int *created, vp_error *err);
/* 1 when uname is the domain's catch-all (.qmail-default), 0 otherwise. */
int vp_user_is_catchall(const vp_config *cfg, const vp_domain_info *dom, const char *uname);
/* The hash bucket between the domain dir and the user name in home: 1 and out, or 0. */
int vp_user_home_bucket(const vp_domain_info *dom, const char *home, const char *uname, char *out,
                        size_t size);
/* vp_set_password, and with checked (the stored hash oldpw was verified
 * against): under the domain's lock (mysql: in the transaction, the row
 * locked) a record whose hash is no longer `checked` is written only if
 * oldpw matches its hash too, else VA_WRONG_PASSWORD: check and write are
 * one step (vp_change_password). */
int vp_user_set_password_checked(const vp_config *cfg, const char *user, const char *domain,
                                 const char *password, const char *checked, const char *oldpw,
                                 vp_error *err);

#endif
