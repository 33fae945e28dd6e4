#!/usr/bin/env bash
# check-package.sh: is package.xml complete, consistent and accepted by pecl?
#
# usage: scripts/check-package.sh [--install]
#
# Fails when
#  - a file of the package (every *.c, *.h, tests/**, libcore/tests/**, the stub,
#    arginfo, config.m4/w32, Makefile.frag, README.md, CREDITS, LICENSE; see
#    scripts/gen-package-contents.php for the exact rule) is missing from
#    package.xml, or package.xml lists a file that does not exist, or
#    config.w32 does not list every libcore/*.c.  The fix is one command:
#    php scripts/gen-package-contents.php
#  - package.xml's <release> version differs from PHP_VPOPMAIL_VERSION in
#    php_vpopmail.h, from composer.json's "version" (if it has one), or has no
#    <changelog> entry
#  - `pecl package-validate` reports an error, or `pecl package` refuses to
#    build the tarball
# With --install it also runs a real `pecl install` of that tarball into this
# PHP (as root only, and only when no vpopmail is installed already), checks
# that the installed vpopmail.so loads, and runs `pecl uninstall vpopmail`.
# Work files go to var/package/ (git-ignored); the tarball is left there.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
root=$PWD

install=0
for arg in "$@"; do
	case $arg in
		--install) install=1 ;;
		*) echo "usage: $0 [--install]" >&2; exit 2 ;;
	esac
done

errors=0
err() { echo "check-package: $*" >&2; errors=$((errors + 1)); }

# 1. contents and config.w32
if ! php -n scripts/gen-package-contents.php --check; then
	err "package.xml or config.w32 is out of date (php scripts/gen-package-contents.php)"
fi

# 2. versions
xml_version=$(php -r '
	$x = @simplexml_load_file("package.xml");
	if (!$x) { exit(1); }
	echo $x->version->release;') || { err "package.xml does not parse"; xml_version=; }
h_version=$(sed -n 's/^[[:space:]]*#[[:space:]]*define[[:space:]]\{1,\}PHP_VPOPMAIL_VERSION[[:space:]]\{1,\}"\([^"]*\)".*/\1/p' php_vpopmail.h 2>/dev/null | head -n 1)
if [ -z "$h_version" ]; then
	err "no #define PHP_VPOPMAIL_VERSION \"x.y.z\" in php_vpopmail.h"
elif [ "$h_version" != "$xml_version" ]; then
	err "version mismatch: package.xml <release> is '$xml_version', php_vpopmail.h PHP_VPOPMAIL_VERSION is '$h_version'"
fi
if [ -f composer.json ]; then
	c_version=$(php -n -r '
		$j = json_decode(file_get_contents("composer.json"), true);
		if (!is_array($j)) { exit(1); }
		echo $j["version"] ?? "";') || err "composer.json is not valid JSON"
	if [ -n "${c_version:-}" ] && [ "$c_version" != "$xml_version" ]; then
		err "version mismatch: composer.json has '$c_version', package.xml '$xml_version'"
	fi
fi
if [ -n "$xml_version" ] && ! php -r '
	$x = simplexml_load_file("package.xml");
	foreach ($x->changelog->release ?? [] as $r) {
		if ((string)$r->version->release === (string)$x->version->release) { exit(0); }
	}
	exit(1);'; then
	err "package.xml has no <changelog> entry for $xml_version"
fi

# 3. pecl's own checks
out=$(pecl package-validate package.xml 2>&1)
echo "$out" | grep -v '^$'
if ! echo "$out" | grep -q 'Validation: 0 error(s)'; then
	err "pecl package-validate reports errors"
fi

work=$root/var/package
rm -rf "$work"
mkdir -p "$work"
tgz=
if (cd "$work" && pecl package "$root/package.xml") > "$work/package.log" 2>&1; then
	tgz=$(ls "$work"/vpopmail-*.tgz 2>/dev/null | head -n 1)
fi
if [ -z "$tgz" ]; then
	cat "$work/package.log" >&2
	err "pecl package failed"
else
	grep -i 'warning' "$work/package.log" >&2 || true
	echo "check-package: built ${tgz#"$root"/} ($(tar tzf "$tgz" | wc -l) entries)"
fi

# 4. optional: a real `pecl install` of that tarball into this PHP, a load
# check, then `pecl uninstall`.  (pecl's --packagingroot staging mode cannot
# build extensions in PEAR 1.10.13: "could not chdir to /tmp/pear/temp/...".)
# Only as root, and never over a vpopmail that pecl installed before.
pecl_install_check() {
	local ext_dir so log=$work/install.log
	if [ "$(id -u)" -ne 0 ]; then
		echo "check-package: pecl install check skipped: not root"
		return 0
	fi
	# One install at a time on this machine (two checkouts testing at once).
	exec 9> "${TMPDIR:-/tmp}/vpopmail-pecl-install.lock"
	flock -w 900 9 || { err "cannot lock ${TMPDIR:-/tmp}/vpopmail-pecl-install.lock"; return 1; }
	if pecl list 2>/dev/null | grep -q '^vpopmail '; then
		echo "check-package: pecl install check skipped: pecl already has a vpopmail installed; not touching it"
		return 0
	fi
	ext_dir=$(php-config --extension-dir)
	so=$ext_dir/vpopmail.so
	if [ -e "$so" ]; then
		echo "check-package: pecl install check skipped: $so exists and is not pecl's"
		return 0
	fi
	# pecl leaves the (then empty) test_dir and doc_dir behind; remember which
	# of them it is about to create.
	local d new_dirs=()
	for d in "$(pecl config-get test_dir 2>/dev/null)" "$(pecl config-get doc_dir 2>/dev/null)"; do
		if [ -n "$d" ] && [ ! -e "$d" ]; then new_dirs+=("$d"); fi
	done
	# Undo the install however this script ends.
	trap 'pecl uninstall vpopmail > /dev/null 2>&1 || true' EXIT
	trap 'exit 130' INT TERM HUP
	# The newlines answer the configureoption prompt with its default.
	if ! printf '\n\n' | pecl install "$tgz" > "$log" 2>&1; then
		tail -n 40 "$log" >&2
		err "pecl install $(basename "$tgz") failed (full log: ${log#"$root"/})"
	elif ! grep -q '^install ok: channel://pecl.php.net/vpopmail-' "$log"; then
		tail -n 20 "$log" >&2
		err "pecl install did not report 'install ok'"
	elif ! php -n -d extension="$so" -r 'exit(extension_loaded("vpopmail") ? 0 : 1);'; then
		err "the vpopmail.so that pecl installed does not load: $so"
	else
		echo "check-package: pecl install $(basename "$tgz") ok, $so loads"
	fi
	if ! pecl uninstall vpopmail > "$work/uninstall.log" 2>&1 || [ -e "$so" ]; then
		cat "$work/uninstall.log" >&2
		err "pecl uninstall vpopmail failed; remove $so by hand"
	fi
	for d in "${new_dirs[@]}"; do
		rmdir "$d" 2>/dev/null || true
	done
	trap - EXIT INT TERM HUP
	exec 9>&-
}
if [ "$install" = 1 ] && [ -n "$tgz" ]; then
	pecl_install_check
fi

if [ "$errors" -ne 0 ]; then
	echo "check-package: $errors problem(s)" >&2
	exit 1
fi
echo "check-package: ok (version $xml_version)"
