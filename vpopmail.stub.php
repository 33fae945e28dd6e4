<?php

/**
 * The vpopmail extension: manage a qmail + vpopmail (cdb) tree natively.
 *
 * @generate-class-entries
 * @generate-legacy-arginfo 80100
 */

/**
 * @var int
 * @cvalue VA_SUCCESS
 */
const VPOPMAIL_VA_SUCCESS = UNKNOWN;

/**
 * @var int
 * @cvalue VA_ILLEGAL_USERNAME
 */
const VPOPMAIL_VA_ILLEGAL_USERNAME = UNKNOWN;

/**
 * @var int
 * @cvalue VA_USERNAME_EXISTS
 */
const VPOPMAIL_VA_USERNAME_EXISTS = UNKNOWN;

/**
 * @var int
 * @cvalue VA_BAD_DIR
 */
const VPOPMAIL_VA_BAD_DIR = UNKNOWN;

/**
 * @var int
 * @cvalue VA_BAD_U_DIR
 */
const VPOPMAIL_VA_BAD_U_DIR = UNKNOWN;

/**
 * @var int
 * @cvalue VA_BAD_D_DIR
 */
const VPOPMAIL_VA_BAD_D_DIR = UNKNOWN;

/**
 * @var int
 * @cvalue VA_BAD_V_DIR
 */
const VPOPMAIL_VA_BAD_V_DIR = UNKNOWN;

/**
 * @var int
 * @cvalue VA_EXIST_U_DIR
 */
const VPOPMAIL_VA_EXIST_U_DIR = UNKNOWN;

/**
 * @var int
 * @cvalue VA_BAD_U_DIR2
 */
const VPOPMAIL_VA_BAD_U_DIR2 = UNKNOWN;

/**
 * @var int
 * @cvalue VA_SUBDIR_CREATION
 */
const VPOPMAIL_VA_SUBDIR_CREATION = UNKNOWN;

/**
 * @var int
 * @cvalue VA_USER_DOES_NOT_EXIST
 */
const VPOPMAIL_VA_USER_DOES_NOT_EXIST = UNKNOWN;

/**
 * @var int
 * @cvalue VA_DOMAIN_DOES_NOT_EXIST
 */
const VPOPMAIL_VA_DOMAIN_DOES_NOT_EXIST = UNKNOWN;

/**
 * @var int
 * @cvalue VA_INVALID_DOMAIN_NAME
 */
const VPOPMAIL_VA_INVALID_DOMAIN_NAME = UNKNOWN;

/**
 * @var int
 * @cvalue VA_DOMAIN_ALREADY_EXISTS
 */
const VPOPMAIL_VA_DOMAIN_ALREADY_EXISTS = UNKNOWN;

/**
 * @var int
 * @cvalue VA_COULD_NOT_MAKE_DOMAIN_DIR
 */
const VPOPMAIL_VA_COULD_NOT_MAKE_DOMAIN_DIR = UNKNOWN;

/**
 * @var int
 * @cvalue VA_COULD_NOT_OPEN_QMAIL_DEFAULT
 */
const VPOPMAIL_VA_COULD_NOT_OPEN_QMAIL_DEFAULT = UNKNOWN;

/**
 * @var int
 * @cvalue VA_CAN_NOT_MAKE_DOMAINS_DIR
 */
const VPOPMAIL_VA_CAN_NOT_MAKE_DOMAINS_DIR = UNKNOWN;

/**
 * @var int
 * @cvalue VA_COULD_NOT_UPDATE_FILE
 */
const VPOPMAIL_VA_COULD_NOT_UPDATE_FILE = UNKNOWN;

/**
 * @var int
 * @cvalue VA_CRYPT_FAILED
 */
const VPOPMAIL_VA_CRYPT_FAILED = UNKNOWN;

/**
 * @var int
 * @cvalue VA_COULD_NOT_OPEN_DOT_QMAIL
 */
const VPOPMAIL_VA_COULD_NOT_OPEN_DOT_QMAIL = UNKNOWN;

/**
 * @var int
 * @cvalue VA_BAD_CHAR
 */
const VPOPMAIL_VA_BAD_CHAR = UNKNOWN;

/**
 * @var int
 * @cvalue VA_SQWEBMAIL_PASS_FAIL
 */
const VPOPMAIL_VA_SQWEBMAIL_PASS_FAIL = UNKNOWN;

/**
 * @var int
 * @cvalue VA_BAD_UID
 */
const VPOPMAIL_VA_BAD_UID = UNKNOWN;

/**
 * @var int
 * @cvalue VA_NO_AUTH_CONNECTION
 */
const VPOPMAIL_VA_NO_AUTH_CONNECTION = UNKNOWN;

/**
 * @var int
 * @cvalue VA_MEMORY_ALLOC_ERR
 */
const VPOPMAIL_VA_MEMORY_ALLOC_ERR = UNKNOWN;

/**
 * @var int
 * @cvalue VA_USER_NAME_TOO_LONG
 */
const VPOPMAIL_VA_USER_NAME_TOO_LONG = UNKNOWN;

/**
 * @var int
 * @cvalue VA_DOMAIN_NAME_TOO_LONG
 */
const VPOPMAIL_VA_DOMAIN_NAME_TOO_LONG = UNKNOWN;

/**
 * @var int
 * @cvalue VA_PASSWD_TOO_LONG
 */
const VPOPMAIL_VA_PASSWD_TOO_LONG = UNKNOWN;

/**
 * @var int
 * @cvalue VA_GECOS_TOO_LONG
 */
const VPOPMAIL_VA_GECOS_TOO_LONG = UNKNOWN;

/**
 * @var int
 * @cvalue VA_QUOTA_TOO_LONG
 */
const VPOPMAIL_VA_QUOTA_TOO_LONG = UNKNOWN;

/**
 * @var int
 * @cvalue VA_DIR_TOO_LONG
 */
const VPOPMAIL_VA_DIR_TOO_LONG = UNKNOWN;

/**
 * @var int
 * @cvalue VA_CLEAR_PASSWD_TOO_LONG
 */
const VPOPMAIL_VA_CLEAR_PASSWD_TOO_LONG = UNKNOWN;

/**
 * @var int
 * @cvalue VA_ALIAS_LINE_TOO_LONG
 */
const VPOPMAIL_VA_ALIAS_LINE_TOO_LONG = UNKNOWN;

/**
 * @var int
 * @cvalue VA_NULL_POINTER
 */
const VPOPMAIL_VA_NULL_POINTER = UNKNOWN;

/**
 * @var int
 * @cvalue VA_INVALID_EMAIL_CHAR
 */
const VPOPMAIL_VA_INVALID_EMAIL_CHAR = UNKNOWN;

/**
 * @var int
 * @cvalue VA_PARSE_ERROR
 */
const VPOPMAIL_VA_PARSE_ERROR = UNKNOWN;

/**
 * @var int
 * @cvalue VA_CANNOT_READ_LIMITS
 */
const VPOPMAIL_VA_CANNOT_READ_LIMITS = UNKNOWN;

/**
 * @var int
 * @cvalue VA_CANNOT_READ_ASSIGN
 */
const VPOPMAIL_VA_CANNOT_READ_ASSIGN = UNKNOWN;

/**
 * @var int
 * @cvalue VA_CANNOT_DELETE_CATCHALL
 */
const VPOPMAIL_VA_CANNOT_DELETE_CATCHALL = UNKNOWN;

/**
 * @var int
 * @cvalue VA_PWSTR_EMPTY
 */
const VPOPMAIL_VA_PWSTR_EMPTY = UNKNOWN;

/**
 * @var int
 * @cvalue VA_PWSTR_LENGTH
 */
const VPOPMAIL_VA_PWSTR_LENGTH = UNKNOWN;

/**
 * @var int
 * @cvalue VA_INVALID_QUOTA
 */
const VPOPMAIL_VA_INVALID_QUOTA = UNKNOWN;

/**
 * @var int
 * @cvalue VA_FILE_BUSY
 */
const VPOPMAIL_VA_FILE_BUSY = UNKNOWN;

/**
 * @var int
 * @cvalue VA_CORRUPT_FILE
 */
const VPOPMAIL_VA_CORRUPT_FILE = UNKNOWN;

/**
 * @var int
 * @cvalue VA_BAD_CONFIG
 */
const VPOPMAIL_VA_BAD_CONFIG = UNKNOWN;

/**
 * @var int
 * @cvalue VA_ALIAS_DOES_NOT_EXIST
 */
const VPOPMAIL_VA_ALIAS_DOES_NOT_EXIST = UNKNOWN;

/**
 * @var int
 * @cvalue VA_ALIAS_LINE_EXISTS
 */
const VPOPMAIL_VA_ALIAS_LINE_EXISTS = UNKNOWN;

/**
 * @var int
 * @cvalue VA_PROGRAM_ALIAS_DENIED
 */
const VPOPMAIL_VA_PROGRAM_ALIAS_DENIED = UNKNOWN;

/**
 * @var int
 * @cvalue VA_INVALID_ALIAS_NAME
 */
const VPOPMAIL_VA_INVALID_ALIAS_NAME = UNKNOWN;

/**
 * @var int
 * @cvalue VA_INVALID_ALIAS_LINE
 */
const VPOPMAIL_VA_INVALID_ALIAS_LINE = UNKNOWN;

/**
 * @var int
 * @cvalue VA_PASSWD_CHANGE_DENIED
 */
const VPOPMAIL_VA_PASSWD_CHANGE_DENIED = UNKNOWN;

/**
 * @var int
 * @cvalue VA_WRONG_PASSWORD
 */
const VPOPMAIL_VA_WRONG_PASSWORD = UNKNOWN;

/**
 * @var int
 * @cvalue VA_ACCOUNT_DISABLED
 */
const VPOPMAIL_VA_ACCOUNT_DISABLED = UNKNOWN;

/**
 * @var int
 * @cvalue VA_NO_SPACE
 */
const VPOPMAIL_VA_NO_SPACE = UNKNOWN;

/**
 * @var int
 * @cvalue VA_DOMAIN_NAME_CONFLICT
 */
const VPOPMAIL_VA_DOMAIN_NAME_CONFLICT = UNKNOWN;

/**
 * @var int
 * @cvalue VA_HOST_DOMAIN
 */
const VPOPMAIL_VA_HOST_DOMAIN = UNKNOWN;

/**
 * @var int
 * @cvalue VA_UNSAFE_PATH
 */
const VPOPMAIL_VA_UNSAFE_PATH = UNKNOWN;

/**
 * @var int
 * @cvalue VP_NO_PASSWD_CHNG
 */
const VPOPMAIL_NO_PASSWD_CHNG = UNKNOWN;

/**
 * @var int
 * @cvalue VP_NO_POP
 */
const VPOPMAIL_NO_POP = UNKNOWN;

/**
 * @var int
 * @cvalue VP_NO_WEBMAIL
 */
const VPOPMAIL_NO_WEBMAIL = UNKNOWN;

/**
 * @var int
 * @cvalue VP_NO_IMAP
 */
const VPOPMAIL_NO_IMAP = UNKNOWN;

/**
 * @var int
 * @cvalue VP_BOUNCE_MAIL
 */
const VPOPMAIL_BOUNCE_MAIL = UNKNOWN;

/**
 * @var int
 * @cvalue VP_NO_RELAY
 */
const VPOPMAIL_NO_RELAY = UNKNOWN;

/**
 * @var int
 * @cvalue VP_NO_DIALUP
 */
const VPOPMAIL_NO_DIALUP = UNKNOWN;

/**
 * @var int
 * @cvalue VP_V_USER0
 */
const VPOPMAIL_V_USER0 = UNKNOWN;

/**
 * @var int
 * @cvalue VP_V_USER1
 */
const VPOPMAIL_V_USER1 = UNKNOWN;

/**
 * @var int
 * @cvalue VP_V_USER2
 */
const VPOPMAIL_V_USER2 = UNKNOWN;

/**
 * @var int
 * @cvalue VP_V_USER3
 */
const VPOPMAIL_V_USER3 = UNKNOWN;

/**
 * @var int
 * @cvalue VP_NO_SMTP
 */
const VPOPMAIL_NO_SMTP = UNKNOWN;

/**
 * @var int
 * @cvalue VP_QA_ADMIN
 */
const VPOPMAIL_QA_ADMIN = UNKNOWN;

/**
 * @var int
 * @cvalue VP_V_OVERRIDE
 */
const VPOPMAIL_V_OVERRIDE = UNKNOWN;

/**
 * @var int
 * @cvalue VP_NO_SPAMASSASSIN
 */
const VPOPMAIL_NO_SPAMASSASSIN = UNKNOWN;

/**
 * @var int
 * @cvalue VP_DELETE_SPAM
 */
const VPOPMAIL_DELETE_SPAM = UNKNOWN;

/**
 * @var int
 * @cvalue VP_SA_ADMIN
 */
const VPOPMAIL_SA_ADMIN = UNKNOWN;

/**
 * @var int
 * @cvalue VP_SA_EXPERT
 */
const VPOPMAIL_SA_EXPERT = UNKNOWN;

/**
 * @var int
 * @cvalue VP_NO_MAILDROP
 */
const VPOPMAIL_NO_MAILDROP = UNKNOWN;

/**
 * @var int
 * @cvalue VP_FLAGS_ADD
 */
const VPOPMAIL_FLAGS_ADD = UNKNOWN;

/**
 * @var int
 * @cvalue VP_FLAGS_REMOVE
 */
const VPOPMAIL_FLAGS_REMOVE = UNKNOWN;

/**
 * @var int
 * @cvalue VP_FLAGS_REPLACE
 */
const VPOPMAIL_FLAGS_REPLACE = UNKNOWN;

/** Creates a virtual domain (vadddomain() of the library): no postmaster. $dir "" means vpopmail.directory; $uid/$gid -1 mean vpopmail.uid/vpopmail.gid. */
function vpopmail_add_domain(string $domain, string $dir, int $uid, int $gid): bool {}

/** Does what the vadddomain tool does: the domain, its postmaster, an optional quota and catch-all. */
function vpopmail_add_domain_ex(string $domain, #[\SensitiveParameter] string $passwd, ?string $quota = null, ?string $bounce = null, bool $apop = false): bool {}

/** Deletes a domain with its alias domains, mailboxes and aliases, or just one alias domain. */
function vpopmail_del_domain(string $domain): bool {}

/** The same as vpopmail_del_domain(), as the vdeldomain tool does it. */
function vpopmail_del_domain_ex(string $domain): bool {}

/** Makes $aliasdomain an alias of the existing $domain. */
function vpopmail_add_alias_domain(string $domain, string $aliasdomain): bool {}

/** vaddaliasdomain semantics: whichever of the two domains exists becomes the real one. */
function vpopmail_add_alias_domain_ex(string $olddomain, string $newdomain): bool {}

function vpopmail_add_user(string $user, string $domain, #[\SensitiveParameter] string $password, string $gecos = "", bool $apop = false): bool {}

function vpopmail_del_user(string $user, string $domain): bool {}

function vpopmail_passwd(string $user, string $domain, #[\SensitiveParameter] string $password, bool $apop = false): bool {}

function vpopmail_set_user_quota(string $user, string $domain, string $quota): bool {}

/**
 * A wrong password, unknown user or unknown domain is a silent false; vpopmail_errno() says which.
 * $service ("pop", "imap", "smtp" or "webmail") also checks the user's NO_POP/NO_IMAP/NO_SMTP/NO_WEBMAIL
 * flags (and the domain's limits) once the password matched: a silent false with
 * VPOPMAIL_VA_ACCOUNT_DISABLED.  With vpopmail.auth_logging a success writes the user's lastauth with
 * $remote_ip (default: $_SERVER['REMOTE_ADDR'], else 0.0.0.0); a home not safely inside its domain then
 * fails the login with a warning (VPOPMAIL_VA_UNSAFE_PATH) and nothing is written.
 */
function vpopmail_auth_user(string $user, string $domain, #[\SensitiveParameter] string $password, ?string $apop = null, ?string $service = null, ?string $remote_ip = null): bool {}

/** The user's stored flag bits (VPOPMAIL_NO_POP, ...): the vpasswd "gid" field, without what the domain's limits add. */
function vpopmail_get_user_flags(string $user, string $domain): int|false {}

/**
 * vmoduser: adds (VPOPMAIL_FLAGS_ADD), removes (VPOPMAIL_FLAGS_REMOVE) or sets (VPOPMAIL_FLAGS_REPLACE) flag bits;
 * returns the new flags.  Unknown bits or modes are a ValueError.
 */
function vpopmail_set_user_flags(string $user, string $domain, int $flags, int $mode = VPOPMAIL_FLAGS_ADD): int|false {}

/** The user's comment (full name), at most 64 bytes without ':' or control characters; "" stores the user name. */
function vpopmail_set_user_gecos(string $user, string $domain, string $gecos): bool {}

/**
 * The domain's catch-all (.qmail-default): type "bounce", "delete", "forward" (target: the address),
 * "mailbox" (target: the user), "none" (no file) or "other" (a line we do not recognise); line: its first line.
 * @return array{type: string, target: ?string, line: ?string}|false
 */
function vpopmail_get_catchall(string $domain): array|false {}

/** Sets the catch-all: "bounce-no-mailbox", "delete", an address to forward to, or the name of a user of the domain. */
function vpopmail_set_catchall(string $domain, string $action): bool {}

/**
 * Mailbox usage from Maildir/maildirsize, rebuilt from the Maildir when missing or stale (as vpopmail does).
 * Limits are null when there is none; percent is the larger of the two ratios, null without limits.
 * @return array{bytes: int, messages: int, bytes_limit: ?int, messages_limit: ?int, percent: ?float, recomputed: bool}|false
 */
function vpopmail_quota_usage(string $user, string $domain): array|false {}

/**
 * Many changes to one domain's users, applied together or not at all (one
 * rewrite of vpasswd and vpasswd.cdb).  Each operation is a list
 * ["add", user, password, gecos?, apop?, quota?], ["del", user],
 * ["passwd", user, password], ["quota", user, quota], or the same with keys
 * op, user, password, gecos, apop, quota.
 */
function vpopmail_batch(string $domain, #[\SensitiveParameter] array $operations): bool {}


/** Appends one delivery line ($alias: an address, &address or a Maildir path) to alias $user. */
function vpopmail_alias_add(string $user, string $domain, string $alias): bool {}

function vpopmail_alias_del(string $user, string $domain): bool {}

function vpopmail_alias_del_domain(string $domain): bool {}

/** @return array<int, string> */
function vpopmail_alias_get(string $alias, string $domain): array {}

/** @return array<string, array<int, string>> */
function vpopmail_alias_get_all(string $domain): array {}

/**
 * What vuserinfo shows for one mailbox: name, domain (the real one), gecos,
 * dir, quota (as stored) with quota_bytes/quota_messages (null: no limit),
 * flags and their names under 'flag', uid (1 POP, 2 APOP), scheme of the
 * hash, has_clear_password, last_auth/last_auth_ip (null: never logged in),
 * created (lastauth's time while it says "0.0.0.0"); 'hash' with $with_hash.
 * An unknown user or domain: false and a warning.
 * @return array<string, mixed>|false
 */
function vpopmail_user_info(string $user, string $domain, bool $with_hash = false): array|false {}

/**
 * A page of the domain's users sorted by name: $limit of them (0: all) after
 * skipping $offset.  Each: name, gecos, dir, quota, flags, uid.
 * @return list<array<string, string|int>>|false
 */
function vpopmail_list_users(string $domain, int $offset = 0, int $limit = 0): array|false {}

/** The number of mailboxes of the domain (vdominfo's "users:"), read in constant time. */
function vpopmail_count_users(string $domain): int|false {}

/**
 * Every domain of users/assign sorted by name: domain, real_domain,
 * is_alias, dir, uid, gid, users (of the real domain).
 * @return list<array<string, string|int|bool>>
 */
function vpopmail_list_domains(): array {}

/**
 * One domain as vpopmail_list_domains() shows it, plus 'aliases': the alias
 * domains of its real domain.  An unknown domain: false and a warning.
 * @return array<string, mixed>|false
 */
function vpopmail_domain_info(string $domain): array|false {}

/**
 * A user's mail settings, read from ~/.qmail and ~/vacation/message (qmailadmin's files):
 * mode "mailbox", "forward", "delete" or "other" (only lines this API does not manage deliver),
 * forward (addresses), keep_copy (forward mode: the mailbox gets a copy), vacation (null when off;
 * subject/body null when the message file is missing; charset null when the file names none) and
 * other (the lines kept as they are).
 * @return array{mode: string, forward: list<string>, keep_copy: bool, vacation: ?array{subject: ?string, body: ?string, charset: ?string}, other: list<string>}|false
 */
function vpopmail_get_delivery(string $user, string $domain): array|false {}

/**
 * Changes what $settings names and nothing else: mode ("mailbox", "forward" with forward
 * (a list, or a string split at blanks, commas and semicolons) and keep_copy, or "delete"),
 * vacation (false/null: off; an array subject, body, charset (default "UTF-8")).
 */
function vpopmail_set_delivery(string $user, string $domain, array $settings): bool {}

/**
 * A domain autoresponder ("mail robot" in qmailadmin): $name@$domain answers every message with
 * subject/body (charset, default "UTF-8"), and with copy_to also forwards it there.
 */
function vpopmail_autoresponder_add(string $name, string $domain, array $settings): bool {}

/**
 * Rewrites an existing autoresponder with $settings (the same keys as vpopmail_autoresponder_add()).
 */
function vpopmail_autoresponder_update(string $name, string $domain, array $settings): bool {}

/** Removes an autoresponder: its .qmail-<name> and its <NAME> directory. */
function vpopmail_autoresponder_del(string $name, string $domain): bool {}

/**
 * @return array{name: string, subject: ?string, body: ?string, charset: ?string, copy_to: ?string, other: list<string>}|false
 */
function vpopmail_autoresponder_get(string $name, string $domain): array|false {}

/**
 * Every autoresponder of the domain, sorted by name, as vpopmail_autoresponder_get() returns them.
 * @return array<string, array{name: string, subject: ?string, body: ?string, charset: ?string, copy_to: ?string, other: list<string>}>|false
 */
function vpopmail_autoresponder_list(string $domain): array|false {}

/** The text of the last call's error ("Success" after a success). */
function vpopmail_error(): string {}

/** The VPOPMAIL_VA_* code of the last call (0 after a success). */
function vpopmail_errno(): int {}

/* ---- domain limits, usage, password policy, self-service change ---- */

/**
 * @var int
 * @cvalue VA_PWSTR_ALPHA
 */
const VPOPMAIL_VA_PWSTR_ALPHA = UNKNOWN;

/**
 * @var int
 * @cvalue VA_PWSTR_NUMERIC
 */
const VPOPMAIL_VA_PWSTR_NUMERIC = UNKNOWN;

/**
 * @var int
 * @cvalue VA_PWSTR_OTHER
 */
const VPOPMAIL_VA_PWSTR_OTHER = UNKNOWN;

/**
 * @var int
 * @cvalue VA_PWSTR_DELTA
 */
const VPOPMAIL_VA_PWSTR_DELTA = UNKNOWN;

/**
 * @var int
 * @cvalue VA_LIMIT_REACHED
 */
const VPOPMAIL_VA_LIMIT_REACHED = UNKNOWN;

/**
 * @var int
 * @cvalue VA_QUOTA_OVER_DOMAIN
 */
const VPOPMAIL_VA_QUOTA_OVER_DOMAIN = UNKNOWN;

/**
 * @var int
 * @cvalue VP_PERM_DENY_CREATE
 */
const VPOPMAIL_PERM_DENY_CREATE = UNKNOWN;

/**
 * @var int
 * @cvalue VP_PERM_DENY_MODIFY
 */
const VPOPMAIL_PERM_DENY_MODIFY = UNKNOWN;

/**
 * @var int
 * @cvalue VP_PERM_DENY_DELETE
 */
const VPOPMAIL_PERM_DENY_DELETE = UNKNOWN;

/**
 * The domain's limits as vpopmail reads them: <domaindir>/.qmailadmin-limits, else
 * ~vpopmail/etc/vlimits.default, else built-in ('source': "domain", "default" or "builtin").
 * Keys are the file's: maxpopaccounts, maxaliases, maxforwards, maxautoresponders,
 * maxmailinglists (-1 unlimited, 0 none), quota (MB) and maxmsgcount (domain-wide, 0 none),
 * default_quota (bytes) and default_maxmsgcount (new mailboxes), the flag words disable_pop ...
 * disable_maildrop and delete_spam (bool), perm_account ... perm_defaultquota (VPOPMAIL_PERM_DENY_*
 * bits), with perm_maillist_users and perm_maillist_moderators for the packed maillist groups.
 * @return array<string, int|bool|string>|false
 */
function vpopmail_get_domain_limits(string $domain): array|false {}

/**
 * Changes the keys given (named as vpopmail_get_domain_limits() names them; 'source' is ignored),
 * keeps the others as they are now (domain file, vlimits.default or built-in) and writes
 * <domaindir>/.qmailadmin-limits as vmoddomlimits does.  Unknown keys, wrong types and
 * out-of-range values throw before anything is written.
 */
function vpopmail_set_domain_limits(string $domain, array $limits): bool {}

/** Removes the domain's .qmailadmin-limits (vmoddomlimits -D): vlimits.default applies again. */
function vpopmail_del_domain_limits(string $domain): bool {}

/**
 * A domain's overview: counts next to their maxima (max null: unlimited) for mailboxes, aliases,
 * forwards, autoresponders and mailinglists (as qmailadmin counts them), blackholes, and 'disk':
 * bytes/messages (sum of the mailboxes' Maildir++ usage: the maildirsize of a mailbox with a quota,
 * a scan of the others; $exact scans every Maildir; !$disk_usage opens none and gives null),
 * quota_bytes/quota_messages (the domain's, null: none), allocated_bytes (sum of the mailbox
 * quotas), unlimited_mailboxes, scanned; 'limits' as vpopmail_get_domain_limits().  Reads only:
 * no lock, nothing written.
 * @return array<string, mixed>|false
 */
function vpopmail_domain_usage(string $domain, bool $exact = false, bool $disk_usage = true): array|false {}

/**
 * Whether writes enforce the domain limits (maxpopaccounts etc. and the domain quota), as
 * qmailadmin does.  $enforce sets it for the rest of the request (the INI vpopmail.enforce_limits
 * is the default); null only asks.  Returns the setting in effect before the call.
 */
function vpopmail_enforce_limits(?bool $enforce = null): bool {}

/**
 * Tests a candidate password against ~vpopmail/etc/password_strength.conf: ok, code
 * (0 or VPOPMAIL_VA_PWSTR_*), message (vpopmail's text), policy (the file's description or null),
 * rules (how many apply).  A malformed or unreadable policy file: false and a warning.
 * @return array{ok: bool, code: int, message: string, policy: ?string, rules: int}|false
 */
function vpopmail_password_strength(#[\SensitiveParameter] string $password): array|false {}

/**
 * A user changes their own password: the old one is checked as a login is (a wrong password and
 * an unknown user are the same silent false, VPOPMAIL_VA_WRONG_PASSWORD, in the same time), then
 * NO_PASSWD_CHNG / disable_password_changing (VPOPMAIL_VA_PASSWD_CHANGE_DENIED), the policy, and
 * the new password is written as vpopmail_passwd() writes it.
 */
function vpopmail_change_password(string $user, string $domain, #[\SensitiveParameter] string $old_password, #[\SensitiveParameter] string $new_password): bool {}

/**
 * vpopmail's vconvert natively: moves every domain (or only $domain) from one backend to the other,
 * "cdb" (vpasswd files) to "mysql" (the tables of vpopmail.mysql) or back, whichever backend this
 * site runs: users with their hashes, flags, quotas and clear passwords, the dir_control counters,
 * the last logins, alias domains and, with vpopmail.valias, the aliases.  Each domain is all or
 * nothing and a second run after an interruption completes it; records the target has and the
 * source lacks are removed.  Returns per domain: users, removed, lastauth, alias_domains,
 * aliases, alias_lines.
 * @return array<string, array<string, int>>|false
 */
function vpopmail_convert(string $from, string $to, ?string $domain = null): array|false {}
