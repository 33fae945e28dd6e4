#!/usr/bin/env bash
# libcore-tests.sh: build and run libcore's C unit tests under ASan+UBSan.
#
# usage: scripts/libcore-tests.sh [srcdir] [builddir]
#   srcdir    the source tree (default: this script's parent folder)
#   builddir  binaries go to <builddir>/libcore/tests/bin (default: srcdir)
#
# Every libcore/tests/test_*.c is linked with all libcore/*.c (no PHP) and run
# from a fresh scratch folder, with this environment:
#   VP_FIXTURES  <srcdir>/tests/fixtures (the golden trees, read-only)
#   VP_TMP       that scratch folder, empty, removed afterwards unless VP_KEEP_TMP=1
#   VP_SRCDIR    <srcdir>
# A test prints "N passed, N failed" as its last line and exits non-zero on
# failure; one that crashes, trips a sanitizer, times out or prints no such
# line counts as one more failure.  The last line printed here is the sum
# over all binaries, "N passed, N failed"; the exit status is 0 only when
# everything built, at least one test ran, and nothing failed.
#
# Knobs: CC (default cc), VP_LIBCORE_CFLAGS (e.g. -I for a private cdb.h),
# VP_LIBCORE_LIBS (default "-lcdb -lcrypt" plus pkg-config's libmariadb),
# VP_LIBCORE_TESTS="test_a test_b"
# (a subset), VP_TEST_TIMEOUT (seconds per binary, default 300).
set -uo pipefail

srcdir=$(cd "${1:-$(dirname "$0")/..}" && pwd) || exit 2
builddir=${2:-$srcdir}
mkdir -p "$builddir" && builddir=$(cd "$builddir" && pwd) || exit 2

CC=${CC:-cc}
bindir=$builddir/libcore/tests/bin
read -r -a extra_cflags <<< "${VP_LIBCORE_CFLAGS:-}"
# MariaDB Connector/C (libcore/vp_store_mysql.c) is always linked, as config.m4 does.
read -r -a mariadb_cflags <<< "$(pkg-config --cflags libmariadb 2>/dev/null || echo -I/usr/include/mariadb)"
read -r -a libs <<< "${VP_LIBCORE_LIBS:--lcdb -lcrypt $(pkg-config --libs libmariadb 2>/dev/null || echo -lmariadb)}"
# shellcheck disable=SC2054  # the commas are -fsanitize=address,undefined
cflags=(-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
	-I"$srcdir/libcore" "${mariadb_cflags[@]}" "${extra_cflags[@]}")

export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

total_pass=0
total_fail=0
broken=0

finish() {
	echo "$total_pass passed, $total_fail failed"
	if [ "$total_fail" -eq 0 ] && [ "$broken" -eq 0 ]; then exit 0; fi
	exit 1
}

shopt -s nullglob
lib_src=("$srcdir"/libcore/*.c)
if [ -n "${VP_LIBCORE_TESTS:-}" ]; then
	test_src=()
	for t in $VP_LIBCORE_TESTS; do test_src+=("$srcdir/libcore/tests/${t%.c}.c"); done
else
	test_src=("$srcdir"/libcore/tests/test_*.c)
fi
shopt -u nullglob

if [ "${#lib_src[@]}" -eq 0 ]; then
	echo "libcore-tests: no libcore/*.c under $srcdir" >&2
	broken=1; finish
fi
if [ "${#test_src[@]}" -eq 0 ]; then
	echo "libcore-tests: no libcore/tests/test_*.c under $srcdir: no C test ran" >&2
	broken=1; finish
fi

rm -rf "$bindir"
mkdir -p "$bindir/obj" || exit 2

# libcore itself, once, with the same flags as the tests.
objs=()
for src in "${lib_src[@]}"; do
	obj=$bindir/obj/$(basename "${src%.c}").o
	if ! "$CC" "${cflags[@]}" -c "$src" -o "$obj"; then
		echo "libcore-tests: cannot compile ${src#"$srcdir"/}" >&2
		total_fail=$((total_fail + 1)); broken=1; finish
	fi
	objs+=("$obj")
done

timeout_cmd=()
if command -v timeout >/dev/null 2>&1; then
	timeout_cmd=(timeout --signal=KILL "${VP_TEST_TIMEOUT:-300}")
fi

for src in "${test_src[@]}"; do
	name=$(basename "${src%.c}")
	if [ ! -f "$src" ]; then
		echo "libcore-tests: $name: no such test ${src#"$srcdir"/}" >&2
		total_fail=$((total_fail + 1)); continue
	fi
	bin=$bindir/$name
	if ! "$CC" "${cflags[@]}" "$src" "${objs[@]}" -o "$bin" "${libs[@]}"; then
		echo "$name: does not build (counted as 1 failed)"
		total_fail=$((total_fail + 1)); continue
	fi

	scratch=$(mktemp -d "${TMPDIR:-/tmp}/vp-$name.XXXXXX") || exit 2
	log=$bindir/$name.log
	echo "== $name"
	(cd "$scratch" && VP_FIXTURES="$srcdir/tests/fixtures" VP_TMP="$scratch" VP_SRCDIR="$srcdir" \
		"${timeout_cmd[@]}" "$bin") > "$log" 2>&1
	rc=$?
	cat "$log"

	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$summary" ]; then
		echo "$name: exit status $rc and no \"N passed, N failed\" line (counted as 1 failed)"
		total_fail=$((total_fail + 1))
	else
		read -r p _ f _ <<< "${summary//,/}"
		total_pass=$((total_pass + p))
		total_fail=$((total_fail + f))
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "$name: exit status $rc after \"$summary\" (counted as 1 failed)"
			total_fail=$((total_fail + 1))
		elif [ "$rc" -eq 0 ] && [ "$f" -ne 0 ]; then
			echo "$name: reports failures but exited 0"
			broken=1
		fi
	fi

	if [ "$rc" -eq 0 ] && [ "${VP_KEEP_TMP:-0}" != 1 ]; then
		rm -rf "$scratch"
	else
		echo "$name: scratch folder kept: $scratch"
	fi
done

finish
