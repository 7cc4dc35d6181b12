#!/bin/bash
# `make check-debug`: the whole guest suite on the debug kernel (KASAN,
# lockdep, debug objects, kmemleak, UBSAN; scripts/debug-kernel.sh), then a
# kmemleak scan. rcan.ko is built against that kernel in build/debug/kmod,
# a copy of kmod/, so the tree's kmod/rcan.ko stays the one for Debian's
# kernel. Ends with "N passed, N failed, N skipped" like `make check`.
#
#   scripts/check-debug.sh [GUEST_PATTERN]
# The debug kernel is several times slower than Debian's: waits are scaled
# (RCAN_SLOW, default 4), and the end-to-end volume tests send 20,000
# frames (RCAND_TEST_FRAMES; make check sends 100,000) with the remote bus
# at 500 frames/s (RCAND_RX_RATE): what they look for here is memory and
# locking errors along the path, which make check's kernel cannot report.
# Environment: RCAN_FUZZ_SECONDS (netlink fuzzing budget, default 300 here),
# RCAN_GUEST_TIMEOUT (whole guest run, default 5400 s), and those of
# scripts/debug-kernel.sh; RCAN_KMOD_SRC (the module's sources, default
# kmod: point it at a copy with a planted bug to see the run fail).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
pattern=${1:-*}
out=build/check-debug
rm -rf "$out"
mkdir -p "$out"

passed=0
failed=0
skipped=0
tally() { # NAME KTAP_FILE RC
	local p f s
	read -r p f s < <(awk -v rc="$3" -f tests/ktap-count.awk "$2")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	printf '# %-28s %3d passed, %d failed, %d skipped\n' "$1" "$p" "$f" "$s"
	if [ "$f" -gt 0 ]; then
		grep -E '^not ok|^# ' "$2" | tail -n 30 | sed 's/^/#    /'
	fi
}
case_result() { # NAME ok|fail
	if [ "$2" = ok ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "# FAILED: $1"
	fi
}
finish() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
}

echo "# debug kernel"
if ! kdir=$(scripts/debug-kernel.sh); then
	case_result "debug kernel build" fail
	finish
fi
echo "# $kdir ($(cat "$kdir/release"), built in $(cat "$kdir/build-seconds" 2>/dev/null || echo '?') s)"

echo "# building rcan.ko for it and the tests"
# The copy keeps kmod/'s place next to include/, so relative include
# paths in kmod/Makefile work the same.
rm -rf build/debug
mkdir -p build/debug/kmod
src=${RCAN_KMOD_SRC:-kmod}
cp "$src"/*.c "$src"/*.h "$src"/Makefile build/debug/kmod/ 2>/dev/null
[ -e "$src"/Kbuild ] && cp "$src"/Kbuild build/debug/kmod/
for f in include VERSION scripts; do
	ln -s "$top/$f" build/debug/$f
done
if make -C build/debug/kmod KDIR="$kdir/build" >"$out/build.log" 2>&1 &&
	[ -e build/debug/kmod/rcan.ko ] &&
	make -s tests >>"$out/build.log" 2>&1; then
	case_result build ok
else
	tail -n 40 "$out/build.log" | sed 's/^/#    /'
	case_result "build (see $out/build.log)" fail
	finish
fi

echo "# booting the debug kernel for the guest suites"
scripts/vm-run -k "$kdir/bzImage" -t "${RCAN_GUEST_TIMEOUT:-5400}" \
	-o "$out/guest" -- \
	env RCAN_FUZZ_SECONDS="${RCAN_FUZZ_SECONDS:-300}" \
	RCAN_SLOW="${RCAN_SLOW:-4}" \
	RCAND_TEST_FRAMES="${RCAND_TEST_FRAMES:-20000}" \
	RCAND_RX_RATE="${RCAND_RX_RATE:-500}" \
	RCAN_TEST_TIMEOUT="${RCAN_TEST_TIMEOUT:-1800}" \
	scripts/debug-guest.sh "$kdir/modules/lib/modules" \
	"$top/build/debug/kmod" "$pattern"
vrc=$?
for k in "$out"/guest/ktap/*.ktap; do
	[ -e "$k" ] || continue
	rc=$(cat "${k%.ktap}.rc" 2>/dev/null || echo 1)
	tally "guest/$(basename "$k" .ktap)" "$k" "$rc"
done
if [ "$vrc" -eq 0 ]; then
	case_result "debug guest run with a clean kernel log" ok
else
	case_result "debug guest run with a clean kernel log (vm-run exit $vrc, log in $out/guest)" fail
fi
finish
