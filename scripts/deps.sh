#!/usr/bin/env bash
# deps.sh: install the Debian 12 packages this project builds and tests with.
#
# Run it (scripts/deps.sh) or source it (. scripts/deps.sh); scripts/demo and
# scripts/test run it first.  It asks dpkg what is already installed, runs
# `apt-get update` only when something is missing, then installs the rest
# non-interactively.  Not root and something missing: it says what to install
# and fails.  VP_SKIP_DEPS=1 skips it altogether (e.g. on a non-Debian box
# that has the tools some other way).

vp_deps_packages=(
	build-essential   # cc, make
	pkg-config        # config.m4 finds tinycdb through libcdb.pc
	php-dev           # phpize, php-config, headers, run-tests.php, gen_stub.php
	php-cli
	libcdb-dev        # tinycdb: cdb.h, libcdb, libcdb.pc
	tinycdb           # the cdb tool, handy for looking into users/cdb
	libcrypt-dev      # libxcrypt: crypt_r()
	php-pear          # pecl: package, package-validate, install
	php-parser        # nikic/PHP-Parser, to regenerate vpopmail_arginfo.h offline
	valgrind          # the second phpt run (run-tests -m)
	clang             # libFuzzer harnesses (scripts/fuzz.sh)
	libclang-rt-14-dev # libclang_rt.fuzzer/asan: only a Recommends of clang-14
	libmariadb-dev    # MariaDB Connector/C: mysql.h, libmariadb, libmariadb.pc (the mysql store)
	mariadb-server    # mariadbd etc. for the private test server (scripts/mariadb.sh); no service is started
	dovecot-imapd     # a real IMAP client of the mysql tables (the Dovecot test)
	dovecot-mysql     # Dovecot's SQL passdb/userdb driver for MySQL/MariaDB
)

vp_deps_main() {
	local pkg missing=()
	if [ "${VP_SKIP_DEPS:-0}" = 1 ]; then
		return 0
	fi
	if ! command -v dpkg-query >/dev/null 2>&1; then
		echo "deps: no dpkg-query: not a Debian system; install the equivalents of: ${vp_deps_packages[*]}" >&2
		echo "deps: then rerun with VP_SKIP_DEPS=1" >&2
		return 1
	fi
	for pkg in "${vp_deps_packages[@]}"; do
		if ! dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
			missing+=("$pkg")
		fi
	done
	if [ "${#missing[@]}" -eq 0 ]; then
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing Debian packages: ${missing[*]}" >&2
		echo "deps: as root run: apt-get update && apt-get install -y ${missing[*]}" >&2
		return 1
	fi
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q || return 1
	apt-get install -y -q "${missing[@]}" < /dev/null || return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	vp_deps_main
else
	vp_deps_main
fi
