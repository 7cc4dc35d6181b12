#!/bin/bash
# `make lint`: the project's static checks, one KTAP test case per tool and
# target, so a failure names what failed. Zero findings is the only pass.
#
#   checkpatch  checkpatch.pl --strict --no-tree on kmod/* and the uapi header
#   sparse      the module built with C=2 (sparse on every file) and W=1,
#               once for every kernel make check tests (scripts/kver.sh --all)
#   clang-format --dry-run --Werror with the top .clang-format (kernel style)
#               on kmod/ and the helper (the project has one style)
#   cppcheck    on the helper's and the tests' C
#   clang-tidy  on the helper's and the tests' C (checks: .clang-tidy)
#   function length  no function of the helper has 80 lines or more
#
#   scripts/lint.sh            exit 0 only when every case passed
# Environment: LINT_OUT (logs, default build/lint), LINT_KMOD (the module's
# sources, default kmod; to check by hand that a planted problem fails the
# lint on a copy). Tool outputs are kept in LINT_OUT.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
. tests/lib/ktap.sh

out=${LINT_OUT:-build/lint}
jobs=$(nproc 2>/dev/null || echo 2)
kernels=$(scripts/kver.sh --all)
tarball=${RCAN_KSRC_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
kmod=${LINT_KMOD:-kmod}
rm -rf "$out"
mkdir -p "$out"

# User-space C: every directory that holds some, and how to compile it.
userspace_dirs="helper tests/server tests/kernel tests/lib tests/helper tests/fuzz bench"
# clang-format covers the kernel side and the helper (and the fuzzer, which
# is written in the same style); the other tests are free in layout.
format_dirs="$kmod $kmod/probes helper tests/lib tests/fuzz"

nl_cflags=$(pkg-config --cflags libnl-genl-3.0 2>/dev/null)
ksft=$(scripts/kselftest-headers.sh 2>/dev/null)
user_cppflags() { # DIR: what every user-space build here passes
	# tests/helper builds the helper's pure files: -I helper.
	echo "-D_GNU_SOURCE -I include/uapi -I $1 -I helper $nl_cflags ${ksft:+-I $ksft}"
}

sources() { # DIR PATTERN...: the existing files, sorted, not kbuild's
	local d=$1 p
	shift
	for p in "$@"; do
		ls "$d"/$p 2>/dev/null
	done | grep -v -E '\.mod\.c$|/rcan_probes\.h$' | sort
}

# case_from_log NAME LOG: pass when the log is empty, else show it.
case_from_log() {
	if [ -s "$2" ]; then
		ktap_fail "$1" "$(head -n 60 "$2")
($(wc -l <"$2") lines, all in $2)"
	else
		ktap_ok "$1"
	fi
}

# ---- the checks ----

# Extracted once; the tarball is 140 MB of xz.
checkpatch_dir=build/checkpatch
get_checkpatch() {
	local s=linux-source-6.1/scripts
	[ -s "$checkpatch_dir/checkpatch.pl" ] && return 0
	mkdir -p "$checkpatch_dir"
	tar -xJf "$tarball" -C "$checkpatch_dir" --strip-components=2 \
		$s/checkpatch.pl $s/spelling.txt $s/const_structs.checkpatch
}

run_checkpatch() { # NAME FILE...
	local name=$1 log=$out/$(echo "$1" | tr ' /' '__').log
	shift
	if ! get_checkpatch 2>"$log"; then
		ktap_fail "$name" "cannot extract checkpatch.pl from $tarball: $(cat "$log")"
		return
	fi
	# --terse: one line per finding; the summary lines are dropped so an
	# empty log means a clean file.
	local f rc=0
	: >"$log"
	for f in "$@"; do
		perl "$checkpatch_dir/checkpatch.pl" --strict --no-tree --terse \
			--show-types --no-summary --color=never \
			-f "$f" >>"$log" 2>&1 || rc=$?
	done
	if [ $rc -ne 0 ] && [ ! -s "$log" ]; then
		echo "checkpatch.pl exited $rc without a finding" >"$log"
	fi
	case_from_log "$name" "$log"
}

run_sparse() { # KVER
	local name="sparse C=2 W=1 kmod ($1)" log=$out/sparse-$1.log
	# A copy of the module's sources, so the tree's kmod/ objects stay as
	# they are (the probes run as in any build).
	scripts/build-kmod.sh "$out/module-$1" "/usr/src/linux-headers-$1" \
		"$kmod" C=2 W=1 >/dev/null 2>&1
	local rc=$?
	# Every warning or error counts. (No filter is needed with Debian's
	# headers: they produce no sparse warning for this module.)
	grep -E 'warning:|error:' "$out/module-$1/build.log" >"$log"
	if [ $rc -ne 0 ] && [ ! -s "$log" ]; then
		tail -n 30 "$out/module-$1/build.log" >"$log"
	fi
	case_from_log "$name" "$log"
}

run_clang_format() { # DIR
	local name="clang-format $1" log=$out/clang-format_$(echo "$1" | tr / _).log
	local files
	files=$(sources "$1" '*.c' '*.h')
	if [ -z "$files" ]; then
		ktap_skip "$name" "no $1/*.[ch] in the tree"
		return
	fi
	# shellcheck disable=SC2086
	clang-format --style=file --dry-run --Werror $files >"$log" 2>&1
	case_from_log "$name" "$log"
}

run_cppcheck() { # DIR
	local name="cppcheck $1" log=$out/cppcheck_$(echo "$1" | tr / _).log
	local files
	files=$(sources "$1" '*.c')
	if [ -z "$files" ]; then
		ktap_skip "$name" "no $1/*.c in the tree"
		return
	fi
	# -D_GNU_SOURCE makes cppcheck check the one configuration we build.
	# missingIncludeSystem: cppcheck is not given libc's headers on
	# purpose (it models libc itself); findings inside headers that are
	# not ours (libnl, kselftest_harness.h) are not ours to fix.
	# variableScope: wants declarations moved into inner blocks; kernel
	# style (which the project follows) declares at the top of a block.
	# shellcheck disable=SC2046,SC2086
	cppcheck --quiet --error-exitcode=1 --inline-suppr -j "$jobs" \
		--enable=warning,style,performance,portability \
		--std=c11 --platform=unix64 \
		--suppress=missingIncludeSystem \
		--suppress=variableScope \
		--suppress='*:/usr/include/*' \
		${ksft:+--suppress="*:$ksft/*"} \
		--template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
		$(user_cppflags "$1") $files >"$log" 2>&1
	local rc=$?
	if [ $rc -ne 0 ] && [ ! -s "$log" ]; then
		echo "cppcheck exited $rc without a finding" >"$log"
	fi
	case_from_log "$name" "$log"
}

run_clang_tidy() { # DIR
	local name="clang-tidy $1" log=$out/clang-tidy_$(echo "$1" | tr / _).log
	local files f dir=$out/clang-tidy_$(echo "$1" | tr / _).d
	files=$(sources "$1" '*.c')
	if [ -z "$files" ]; then
		ktap_skip "$name" "no $1/*.c in the tree"
		return
	fi
	# One process per file, as many at once as there are cores: on two,
	# one at a time made clang-tidy most of the lint's five minutes. Each
	# file's findings go to a log of its own, joined in the files' order.
	mkdir -p "$dir"
	# shellcheck disable=SC2016 # expanded by the inner shell
	printf '%s\n' $files | FLAGS="$(user_cppflags "$1")" DIR="$dir" \
		xargs -P "$jobs" -I {} sh -c '
		log=$DIR/$(echo "$1" | tr / _).log
		# shellcheck disable=SC2086 # FLAGS is a list of words
		clang-tidy --quiet "$1" -- -std=gnu11 $FLAGS >"$log.out" 2>&1 ||
			{ grep -v -E "^[0-9]+ warnings? (and [0-9]+ errors? )?generated" \
				"$log.out"; echo "clang-tidy $1: exit status non-zero"; } >"$log"
		rm -f "$log.out"' sh {}
	: >"$log"
	for f in $files; do
		cat "$dir/$(echo "$f" | tr / _).log" 2>/dev/null
	done >>"$log"
	rm -rf "$dir"
	case_from_log "$name" "$log"
}

# run_func_length DIR MAX: no function in DIR's C files has MAX lines or
# more, counted from the opening to the closing brace (kernel style puts
# both in column 0), so each one can be read at once.
run_func_length() {
	local name="function length $1 under $2 lines"
	local log=$out/func-length_$(echo "$1" | tr / _).log files
	files=$(sources "$1" '*.c')
	# shellcheck disable=SC2086
	awk -v max="$2" '
		FNR == 1 { open = 0 }
		/^{/ { open = 1; start = FNR }
		/^}/ && open {
			n = FNR - start + 1
			if (n >= max)
				printf "%s:%d: a function of %d lines\n", FILENAME, start, n
			open = 0
		}' $files >"$log"
	case_from_log "$name" "$log"
}

# ---- the plan: checkpatch x2, sparse, one case per directory per tool ----
set -- $format_dirs
nformat=$#
set -- $userspace_dirs
nuser=$#
set -- $kernels
nkernels=$#
ktap_plan $((3 + nkernels + nformat + 2 * nuser))

kfiles=$(sources "$kmod" '*.c' '*.h' Makefile Kbuild probe.sh 'probes/*.c')
if [ -n "$kfiles" ]; then
	# shellcheck disable=SC2086
	run_checkpatch "checkpatch kmod" $kfiles
else
	ktap_fail "checkpatch kmod" "no kmod/ sources"
fi
run_checkpatch "checkpatch include/uapi/linux/rcan.h" include/uapi/linux/rcan.h
for k in $kernels; do
	run_sparse "$k"
done
for d in $format_dirs; do
	run_clang_format "$d"
done
for d in $userspace_dirs; do
	run_cppcheck "$d"
done
for d in $userspace_dirs; do
	run_clang_tidy "$d"
done
run_func_length helper 80
ktap_finish
