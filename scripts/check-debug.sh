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

. tests/lib/tally.sh
finish() {
	tally_summary
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
if kmod=$(scripts/build-kmod.sh "$out/kmod" "$kdir/build" "${RCAN_KMOD_SRC:-kmod}" 2>"$out/build.log") &&
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
	RCAN_GUEST_EXCLUDE='*dkms* *deb*' \
	RCAN_MATRIX="${RCAN_MATRIX:-kernel user}" \
	scripts/guest-kernel.sh --modules "$kdir/modules/lib/modules" \
	--kmemleak "$kmod" "$pattern"
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
