/* vp_error.c: vpopmail's error texts and the caller-owned error struct. */
#include "vpcore.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *vp_strerror(int code)
{
	switch (code) {
	case VA_SUCCESS: return "Success";
	case VA_ILLEGAL_USERNAME: return "Illegal username";
	case VA_USERNAME_EXISTS: return "Username exists";
	case VA_BAD_DIR: return "Unable to chdir to vpopmail directory";
	case VA_BAD_U_DIR: return "Unable to chdir to vpopmail/users directory";
	case VA_BAD_D_DIR: return "Unable to chdir to vpopmail/domains directory";
	case VA_BAD_V_DIR: return "Unable to chdir to vpopmail/domains/domain directory";
	case VA_EXIST_U_DIR: return "User's directory already exists";
	case VA_BAD_U_DIR2: return "Unable to chdir to user's directory";
	case VA_SUBDIR_CREATION: return "Creation of user's subdirectories failed";
	case VA_USER_DOES_NOT_EXIST: return "User does not exist";
	case VA_DOMAIN_DOES_NOT_EXIST: return "Domain does not exist";
	case VA_INVALID_DOMAIN_NAME: return "Invalid domain name";
	case VA_DOMAIN_ALREADY_EXISTS: return "Domain already exists";
	case VA_COULD_NOT_MAKE_DOMAIN_DIR: return "Could not make domain dir";
	case VA_COULD_NOT_OPEN_QMAIL_DEFAULT: return "Could not open qmail default";
	case VA_CAN_NOT_MAKE_DOMAINS_DIR: return "Can not make domains directory";
	case VA_COULD_NOT_UPDATE_FILE: return "Could not update file";
	case VA_CRYPT_FAILED: return "Crypt failed";
	case VA_COULD_NOT_OPEN_DOT_QMAIL: return "Could not open dot qmail file";
	case VA_BAD_CHAR: return "bad character";
	case VA_BAD_UID: return "running as invalid uid";
	case VA_NO_AUTH_CONNECTION: return "no authentication database connection";
	case VA_MEMORY_ALLOC_ERR: return "memory allocation error";
	case VA_USER_NAME_TOO_LONG: return "user name too long (max=64)";
	case VA_DOMAIN_NAME_TOO_LONG: return "domain name too long (max=96)";
	case VA_PASSWD_TOO_LONG: return "password too long (max=128)";
	case VA_GECOS_TOO_LONG: return "gecos too long (max=64)";
	case VA_QUOTA_TOO_LONG: return "quota too long (max=20)";
	case VA_DIR_TOO_LONG: return "dir too long (max=160)";
	case VA_CLEAR_PASSWD_TOO_LONG: return "clear password too long (max=128)";
	case VA_ALIAS_LINE_TOO_LONG: return "alias line too long (max=160)";
	case VA_NULL_POINTER: return "null pointer";
	case VA_INVALID_EMAIL_CHAR: return "invalid email character";
	case VA_PARSE_ERROR: return "parsing database configuration file";
	case VA_CANNOT_READ_LIMITS: return "can't read domain limits";
	case VA_CANNOT_READ_ASSIGN: return "can't read users/assign file";
	case VA_CANNOT_DELETE_CATCHALL: return "can't delete catchall account";
	case VA_PWSTR_EMPTY: return "password is empty";
	case VA_PWSTR_LENGTH: return "password requires more characters ";
	/* 5.6's texts are pw_strength_error's, made from the rule; these are the
	 * usual ">"/">=" forms (vp_policy_check puts the exact one in err->msg) */
	case VA_PWSTR_ALPHA: return "password requires more alphabetical characters ";
	case VA_PWSTR_NUMERIC: return "password requires more numbers ";
	case VA_PWSTR_OTHER: return "password requires more punctuation, symbols, or other characters ";
	case VA_PWSTR_DELTA: return "password requires more uppercase and lowercase character diversity ";
	case VA_INVALID_QUOTA: return "invalid quota";
	case VA_FILE_BUSY: return "File busy try again later";
	case VA_CORRUPT_FILE: return "corrupt data file";
	case VA_BAD_CONFIG: return "invalid configuration";
	case VA_ALIAS_DOES_NOT_EXIST: return "alias does not exist";
	case VA_ALIAS_LINE_EXISTS: return "alias line already exists";
	case VA_PROGRAM_ALIAS_DENIED: return "program delivery lines are not allowed";
	case VA_INVALID_ALIAS_NAME: return "invalid alias name";
	case VA_INVALID_ALIAS_LINE: return "invalid alias line";
	case VA_PASSWD_CHANGE_DENIED: return "password changes are disabled for this account";
	case VA_WRONG_PASSWORD: return "password mismatch";
	case VA_ACCOUNT_DISABLED: return "account disabled for this service";
	case VA_NO_SPACE: return "no space left on device";
	case VA_DOMAIN_NAME_CONFLICT: return "domain name extends, or is extended by, an existing domain";
	case VA_HOST_DOMAIN: return "domain is one of this host's own names";
	case VA_UNSAFE_PATH: return "unsafe directory";
	case VA_LIMIT_REACHED: return "domain limit reached";
	case VA_QUOTA_OVER_DOMAIN: return "quota exceeds the domain's quota";
	default: return "Unknown error";
	}
}

void vp_error_clear(vp_error *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

/* The message is vpopmail's text, then our detail after ": ". */
int vp_fail(vp_error *err, int code, const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	int n = snprintf(err->msg, sizeof err->msg, "%s", vp_strerror(code));
	if (fmt && *fmt && n >= 0 && (size_t)n + 2 < sizeof err->msg) {
		va_list ap;
		va_start(ap, fmt);
		err->msg[n] = ':';
		err->msg[n + 1] = ' ';
		vsnprintf(err->msg + n + 2, sizeof err->msg - (size_t)n - 2, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* A system call failure: running out of space gets its own code. */
int vp_fail_errno(vp_error *err, int code, const char *what, const char *path)
{
	int e = errno;
	if (e == ENOSPC || e == EDQUOT)
		code = VA_NO_SPACE;
	return vp_fail(err, code, "%s %s: %s", what, path ? path : "", strerror(e));
}
