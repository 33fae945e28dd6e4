#!/usr/bin/env bash
# zts-php.sh: build a debug, thread-safe (ZTS) PHP 8.2 once per machine and
# print its prefix.  scripts/test runs the phpt suite against it as well: a
# debug PHP reports emalloc leaks and return values that contradict the
# arginfo; only a ZTS build catches module-globals / TSRM cache mistakes.
#
# usage: scripts/zts-php.sh        prints the prefix (…/bin/php, …/bin/phpize)
#
# The source is Debian's php8.2 source package (the upstream tarball in it, no
# Debian patches), fetched with apt through a private sources list, so no
# deb-src line is needed in the system's apt configuration.  The build is
# minimal (--disable-all plus cli, posix, ctype, tokenizer) and takes a few
# minutes on 2 cores.  It is cached outside the repository:
#   VP_ZTS_PREFIX  default /var/cache/php-vpopmail/php8.2-zts-debug as root,
#                  else ${XDG_CACHE_HOME:-$HOME/.cache}/php-vpopmail/php8.2-zts-debug
# Remove that folder to rebuild.  Fetching the source needs root once (apt);
# without root and without a cached build it exits 3.
set -euo pipefail

if [ "$(id -u)" -eq 0 ]; then
	default_prefix=/var/cache/php-vpopmail/php8.2-zts-debug
else
	default_prefix=${XDG_CACHE_HOME:-$HOME/.cache}/php-vpopmail/php8.2-zts-debug
fi
prefix=${VP_ZTS_PREFIX:-$default_prefix}
stamp=$prefix/.vp-complete

if [ -f "$stamp" ] && [ -x "$prefix/bin/php" ]; then
	echo "$prefix"
	exit 0
fi

mkdir -p "$(dirname "$prefix")"
exec 9> "$prefix.lock"
flock -w 3600 9
if [ -f "$stamp" ] && [ -x "$prefix/bin/php" ]; then   # built while we waited
	echo "$prefix"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "zts-php: no cached build at $prefix, and fetching PHP's source needs root (apt)" >&2
	exit 3
fi

work=$(mktemp -d "${TMPDIR:-/var/tmp}/vp-zts-php.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$work/build.log
{
	echo "zts-php: building a debug ZTS PHP into $prefix (once per machine; a few minutes)"
	echo "zts-php: work folder $work"
} >&2

apt_opts=(-q -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache")
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
echo "deb-src http://deb.debian.org/debian bookworm main" > "$work/sources.list"
(
	cd "$work/src"
	apt-get "${apt_opts[@]}" update
	apt-get "${apt_opts[@]}" source --download-only php8.2
) > "$log" 2>&1 || { tail -n 20 "$log" >&2; echo "zts-php: cannot fetch the php8.2 source package" >&2; exit 1; }

orig=$(ls "$work"/src/php8.2_*.orig.tar.* 2>/dev/null | head -n 1)
if [ -z "$orig" ]; then
	echo "zts-php: no php8.2 upstream tarball in the source package" >&2
	exit 1
fi
tar -xf "$orig" -C "$work/src"
srcdir=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'php-8.2.*' | head -n 1)
echo "zts-php: $(basename "$srcdir")" >&2

rm -rf "$prefix"
(
	cd "$srcdir"
	./configure --prefix="$prefix" --disable-all --enable-cli --disable-cgi --disable-phpdbg \
		--without-pear --enable-debug --enable-zts \
		--enable-posix --enable-ctype --enable-tokenizer
	make -j"${VP_JOBS:-2}"
	make install
) >> "$log" 2>&1 || { tail -n 40 "$log" >&2; echo "zts-php: the PHP build failed" >&2; exit 1; }

"$prefix/bin/php" -r 'exit(PHP_ZTS && PHP_DEBUG ? 0 : 1);' || {
	echo "zts-php: $prefix/bin/php is not a debug ZTS build" >&2
	exit 1
}
touch "$stamp"
echo "zts-php: ready: $("$prefix/bin/php" -r 'echo PHP_VERSION, " ZTS=", PHP_ZTS, " DEBUG=", PHP_DEBUG;')" >&2
echo "$prefix"
