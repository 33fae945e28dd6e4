#!/usr/bin/env bash
# fuzz.sh: build libcore's libFuzzer targets (fuzz/fuzz_*.c) and run each
# for a bounded time.
#
# usage: scripts/fuzz.sh [target ...]    (default: every fuzz/fuzz_*.c)
#
# For each target <t> (fuzz/fuzz_<t>.c):
#  1. build fuzz/bin/fuzz_<t> with clang -fsanitize=fuzzer,address,undefined
#     against all of libcore/*.c (-lcdb -lcrypt -lmariadb);
#  2. collect seeds from tests/fixtures into fuzz/corpus/<t>/ (git-ignored;
#     files named by content hash, so rerunning adds nothing twice, and the
#     units libFuzzer adds there are kept for the next local run);
#  3. replay fuzz/regress/<t>/* (inputs that once crashed: committed);
#  4. fuzz for VP_FUZZ_SECONDS, then print the executions it made.
# A target whose API is not in this tree (maildirsize before
# vp_maildirsize_parse exists) is reported as skipped.  A crash, sanitizer
# report, leak, timeout or failed property fails the target, and the input
# is kept: its path is printed (fuzz/out/<t>/crash-...) with the command that
# replays it.  Closing line: "fuzz: N passed, N failed, N skipped" (one per
# target); exit status 0 only when no target failed.
#
# Knobs: VP_FUZZ_SECONDS (per target, default 20), VP_FUZZ_TIMEOUT (seconds
# per input, default 10), VP_FUZZ_RSS_MB (default 2048), VP_FUZZ_TMP (where
# the targets make their sandbox trees; default /dev/shm when writable, since
# every rewrite fsyncs), CLANG (default clang), VP_FUZZ_ARGS (more libFuzzer
# flags, e.g. "-jobs=2 -workers=2" or "-dict=...").
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
root=$PWD
seconds=${VP_FUZZ_SECONDS:-20}
per_input=${VP_FUZZ_TIMEOUT:-10}
rss=${VP_FUZZ_RSS_MB:-2048}
CLANG=${CLANG:-clang}
bin=$root/fuzz/bin
out=$root/fuzz/out
fixtures=$root/tests/fixtures
read -r -a extra_args <<< "${VP_FUZZ_ARGS:-}"

if [ -z "${VP_FUZZ_TMP:-}" ]; then
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then VP_FUZZ_TMP=/dev/shm; else VP_FUZZ_TMP=${TMPDIR:-/tmp}; fi
fi
export VP_FUZZ_TMP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

if [ "$#" -gt 0 ]; then
	targets=("$@")
else
	targets=()
	for f in fuzz/fuzz_*.c; do
		t=${f#fuzz/fuzz_}
		targets+=("${t%.c}")
	done
fi

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "fuzz: $CLANG not found (Debian: clang, libclang-rt-14-dev; scripts/deps.sh installs them)" >&2
	echo "fuzz: 0 passed, ${#targets[@]} failed"
	exit 1
fi

# Does this tree have what a target needs?  (Echoes the missing piece.)
missing_api() {
	case $1 in
		maildirsize) grep -q 'vp_maildirsize_parse' libcore/vp_quota.h || echo "vp_maildirsize_parse" ;;
	esac
}

# ---- build: libcore once (coverage-instrumented), then each target ----
mkdir -p "$bin/obj" "$out"
# libcore/vp_store_mysql.c needs MariaDB Connector/C's headers and library.
read -r -a mariadb_cflags <<< "$(pkg-config --cflags libmariadb 2>/dev/null || echo -I/usr/include/mariadb)"
read -r -a mariadb_libs <<< "$(pkg-config --libs libmariadb 2>/dev/null || echo -lmariadb)"
cflags=(-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Ilibcore "${mariadb_cflags[@]}")
build_lib() {
	local src obj
	lib_objs=()
	for src in libcore/*.c; do
		obj=$bin/obj/$(basename "${src%.c}").o
		if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$(find libcore -name '*.h' -newer "$obj" | head -n 1)" ]; then
			"$CLANG" "${cflags[@]}" -fsanitize=fuzzer-no-link,address,undefined -c "$src" -o "$obj" || return 1
		fi
		lib_objs+=("$obj")
	done
}
if ! build_lib; then
	echo "fuzz: libcore does not build with $CLANG" >&2
	echo "fuzz: 0 passed, ${#targets[@]} failed"
	exit 1
fi

# ---- seeds from the fixtures ----
seed() { # dir: stdin into <dir>/<hash>
	local tmp h
	tmp=$(mktemp "$1/.seed.XXXXXX") || return
	cat > "$tmp"
	h=$(sha1sum < "$tmp" | cut -c1-16)
	mv -f "$tmp" "$1/$h"
}
seed_files() { # dir, then find arguments
	local dir=$1 f
	shift
	while IFS= read -r -d '' f; do seed "$dir" < "$f"; done < <(find "$fixtures" "$@" -print0)
}
vpasswd_lines() {
	find "$fixtures" -type f -name vpasswd -exec cat {} + | sort -u
}
collect_seeds() { # target dir
	local t=$1 dir=$2 l
	mkdir -p "$dir"
	[ -d "$fixtures" ] || return 0
	case $t in
		vpasswd)
			while IFS= read -r l; do printf '%s' "$l" | seed "$dir"; done < <(vpasswd_lines) ;;
		vpasswd_file) seed_files "$dir" -type f -name vpasswd ;;
		assign) seed_files "$dir" -type f -path '*/users/assign' ;;
		dircontrol) seed_files "$dir" -type f -name .dir-control ;;
		qmail) seed_files "$dir" -type f -name '.qmail-*' ;;
		cdb) seed_files "$dir" -type f '(' -name '*.cdb' -o -path '*/users/cdb' ')' ;;
		quota)
			# first byte: the output buffer size ('?' = 64); then the quota text
			{
				vpasswd_lines | cut -d: -f7 -s
				find "$fixtures" -type f -name maildirsize -exec head -qn1 {} +
				printf '%s\n' NOQUOTA noquota 20M 1G 5000000 100C 1024K,50C 10MB 2.5M 0 ,
			} | sort -u | while IFS= read -r l; do printf '?%s' "$l" | seed "$dir"; done ;;
		maildirsize)
			while IFS= read -r -d '' l; do
				{ printf '?'; cat "$l"; } | seed "$dir"
			done < <(find "$fixtures" -type f -name maildirsize -print0) ;;
	esac
}

# ---- run ----
pass=0
fail=0
skip=0
total_execs=0
failed=()
for t in "${targets[@]}"; do
	src=fuzz/fuzz_$t.c
	exe=$bin/fuzz_$t
	echo "== fuzz_$t"
	if [ ! -f "$src" ]; then
		echo "fuzz_$t: no $src (counted as failed)"
		fail=$((fail + 1)); failed+=("$t"); continue
	fi
	api=$(missing_api "$t")
	if [ -n "$api" ]; then
		echo "fuzz_$t: skipped (not in this tree: $api)"
		skip=$((skip + 1)); continue
	fi
	if ! "$CLANG" "${cflags[@]}" -fsanitize=fuzzer,address,undefined "$src" "${lib_objs[@]}" \
		-o "$exe" -lcdb -lcrypt "${mariadb_libs[@]}"; then
		echo "fuzz_$t: does not build (counted as failed)"
		fail=$((fail + 1)); failed+=("$t"); continue
	fi
	corpus=fuzz/corpus/$t
	collect_seeds "$t" "$corpus"
	arts=$out/$t
	mkdir -p "$arts"
	log=$out/$t.log
	common=(-timeout="$per_input" -rss_limit_mb="$rss" -artifact_prefix="$arts/")

	# Regression inputs first: each must run clean.
	shopt -s nullglob
	regress=(fuzz/regress/"$t"/*)
	shopt -u nullglob
	if [ "${#regress[@]}" -gt 0 ]; then
		if ! timeout --signal=KILL $((per_input * ${#regress[@]} + 60)) \
			"$exe" "${common[@]}" "${regress[@]}" > "$log.regress" 2>&1; then
			tail -n 40 "$log.regress"
			echo "fuzz_$t: FAILED on a regression input of fuzz/regress/$t (log: ${log#"$root"/}.regress)"
			echo "fuzz_$t: replay: $exe fuzz/regress/$t/<file>"
			fail=$((fail + 1)); failed+=("$t"); continue
		fi
		echo "fuzz_$t: ${#regress[@]} regression input(s) ok"
	fi

	timeout --signal=KILL $((seconds + 300)) \
		"$exe" "${common[@]}" -max_total_time="$seconds" -print_final_stats=1 "${extra_args[@]}" \
		"$corpus" > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	execs=${execs:-0}
	total_execs=$((total_execs + execs))
	if [ "$rc" -ne 0 ]; then
		grep -E 'ERROR|SUMMARY|property failed|^    #[0-9] ' "$log" | head -n 30
		unit=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
		echo "fuzz_$t: FAILED (exit status $rc) after $execs executions (log: ${log#"$root"/})"
		if [ -n "$unit" ]; then
			echo "fuzz_$t: crashing input kept: ${unit#"$root"/}"
			echo "fuzz_$t: replay: $exe ${unit#"$root"/}  (then fix, and keep it in fuzz/regress/$t/)"
		fi
		fail=$((fail + 1)); failed+=("$t"); continue
	fi
	echo "fuzz_$t: ok, $execs executions in ${seconds}s (corpus: $(find "$corpus" -type f | wc -l) inputs)"
	pass=$((pass + 1))
done

echo
echo "fuzz: total $total_execs executions over ${#targets[@]} target(s)"
[ "${#failed[@]}" -ne 0 ] && echo "fuzz: failed targets: ${failed[*]}"
echo "fuzz: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
