/*
 * fuzz_cdb.c: hostile or corrupt cdb files.
 *
 * The input is installed as a domain's vpasswd.cdb (looked up with
 * vp_vpw_get and vp_auth_user) and, in a second tree, as qmail's users/cdb
 * (vp_domain_lookup).  Names come from a fixed list and from printable runs
 * of the input, so keys that exist in a mutated cdb are found.  Properties:
 * tinycdb plus our record checks never crash or read out of bounds (the
 * file is mmap'd: ASan cannot see past it, but a read past a 4 KiB page
 * boundary of an exact-size mapping faults), answers are 1/0/negative VA
 * codes, and what a lookup returns is well-formed (NUL-terminated fields,
 * an absolute dir for a domain).
 */
#include "fuzz_common.h"
#include "vp_vpasswd.h"

static fuzz_tree U; /* users/cdb fuzzed */
static fuzz_tree V; /* example.com's vpasswd.cdb fuzzed */
static int ready;
static char vcdb[800], ucdb[800];
static int auth_budget;

static void entry_ok(const vp_user_entry *e)
{
	FUZZ_CHECK(memchr(e->name, '\0', sizeof e->name) != NULL);
	FUZZ_CHECK(memchr(e->passwd, '\0', sizeof e->passwd) != NULL);
	FUZZ_CHECK(memchr(e->gecos, '\0', sizeof e->gecos) != NULL);
	FUZZ_CHECK(memchr(e->dir, '\0', sizeof e->dir) != NULL);
	FUZZ_CHECK(memchr(e->quota, '\0', sizeof e->quota) != NULL);
	FUZZ_CHECK(memchr(e->clear, '\0', sizeof e->clear) != NULL);
}

/* A hash whose cost the stored setting chooses (bcrypt "$2b$31$", sha
 * "rounds=", yescrypt, BSDi "_"): verifying it may take minutes, which is a
 * property of the hash, not of the parser.  Only cheap ones go to crypt. */
static int cheap_hash(const char *h)
{
	if (h[0] == '{') {
		const char *close = strchr(h, '}');
		if (!close)
			return 1;
		h = close + 1;
	}
	return h[0] == '\0' || strncmp(h, "$1$", 3) == 0 || (h[0] != '$' && h[0] != '_');
}

static void lookup_user(const char *name)
{
	vp_user_entry e;
	vp_error err;
	memset(&e, 0xA5, sizeof e);
	int rc = vp_vpw_get(&V.cfg, &V.dom, name, &e, &err);
	FUZZ_CHECK(rc == 1 || rc == 0 || rc == VA_CORRUPT_FILE);
	if (rc == 1) {
		entry_ok(&e);
		FUZZ_CHECK(strcmp(e.name, name) == 0);
	}
	/* crypt is the slow part: authenticate the first two found users only */
	if (rc != 1 || !cheap_hash(e.passwd) || auth_budget <= 0)
		return;
	auth_budget--;
	memset(&e, 0xA5, sizeof e);
	int arc = vp_auth_user(&V.cfg, name, "example.com", "secret", &e, &err);
	FUZZ_CHECK(arc == 0 || arc == VA_USER_DOES_NOT_EXIST || arc == VA_WRONG_PASSWORD ||
	           arc == VA_CORRUPT_FILE);
	if (arc == 0)
		entry_ok(&e);
}

static void lookup_domain(const char *name)
{
	vp_domain_info d;
	vp_error err;
	memset(&d, 0xA5, sizeof d);
	int rc = vp_domain_lookup(&U.cfg, name, &d, &err);
	FUZZ_CHECK(rc == 1 || rc == 0 || rc == VA_CORRUPT_FILE || rc == VA_DOMAIN_NAME_TOO_LONG);
	if (rc == 1) {
		FUZZ_CHECK(memchr(d.name, '\0', sizeof d.name) && strcmp(d.name, name) == 0);
		FUZZ_CHECK(memchr(d.realdomain, '\0', sizeof d.realdomain) && d.realdomain[0]);
		FUZZ_CHECK(memchr(d.dir, '\0', sizeof d.dir) && d.dir[0] == '/');
		FUZZ_CHECK(d.is_alias == (strcmp(d.name, d.realdomain) != 0));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ready) {
		fuzz_tree_init(&U, 0);
		fuzz_tree_init(&V, 1);
		snprintf(vcdb, sizeof vcdb, "%s/vpasswd.cdb", V.domdir);
		snprintf(ucdb, sizeof ucdb, "%s/users/cdb", U.qmail);
		ready = 1;
	}
	if (size > 1024 * 1024)
		return 0;
	auth_budget = 2;
	fuzz_write(vcdb, data, size);
	fuzz_write(ucdb, data, size);

	static const char *const users[] = { "postmaster", "alice", "bob", "carol", "u100", "" };
	static const char *const domains[] = { "example.com", "second.test", "alias.example",
	                                       "bounce.test", "big.test", "" };
	for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
		lookup_user(users[i]);
	for (size_t i = 0; i < sizeof domains / sizeof domains[0]; i++)
		lookup_domain(domains[i]);

	/* Printable runs of the input as names (a cdb key is stored verbatim;
	 * a users/cdb key "!name-" gives "name"). */
	int runs = 0;
	for (size_t i = 0; i < size && runs < 16;) {
		size_t j = i;
		while (j < size && data[j] > 0x20 && data[j] < 0x7f && j - i < 128)
			j++;
		if (j - i >= 2) {
			char name[130];
			size_t n = j - i;
			memcpy(name, data + i, n);
			name[n] = '\0';
			lookup_user(name);
			const char *dn = name[0] == '!' ? name + 1 : name;
			size_t dl = strlen(dn);
			if (dl > 1 && dn[dl - 1] == '-')
				name[(size_t)(dn - name) + dl - 1] = '\0';
			lookup_domain(dn);
			runs++;
		}
		i = j + 1;
	}
	return 0;
}
