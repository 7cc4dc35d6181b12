#!/bin/sh
# Runs inside the guest that tests/run-check.sh or scripts/check-debug.sh
# boots on the kernel under test: puts the rcan.ko built for that kernel
# (scripts/build-kmod.sh) in place of kmod/, and for a kernel of the
# project's own its modules in place of /lib/modules (bind mounts over the
# read-only host root: nothing on the host changes), runs the guest suite,
# and with --kmemleak then asks kmemleak for leaks.
#
#   scripts/guest-kernel.sh [--modules DIR] [--kmemleak] KMOD_DIR [PATTERN]
#     --modules DIR  a lib/modules tree (modules_install output) to use
#     --kmemleak     one more KTAP document, $RCAN_OUT/ktap/zz-kmemleak
#     KMOD_DIR       a kmod/ copy built against this kernel
set -u
moddir=
kmemleak=
while [ $# -gt 0 ]; do
	case "$1" in
	--modules) moddir=$2; shift 2 ;;
	--kmemleak) kmemleak=1; shift ;;
	*) break ;;
	esac
done
kmoddir=$1
pattern=${2:-*}
leaks=/sys/kernel/debug/kmemleak
mkdir -p "$RCAN_OUT/ktap"

# Tests load kmod/rcan.ko by that path; modprobe must find this kernel's
# can, vcan ... (Debian's modules do not fit a kernel of our own).
if [ -n "$moddir" ]; then
	mount --bind "$moddir" /lib/modules || exit 1
fi
mount --bind "$kmoddir" "$RCAN_ROOT/kmod" || exit 1

# Objects the boot left unreferenced are not ours: scan once and mark
# them as seen ("clear" greys every current suspect), so the final scan
# reports only what the tests leaked.
if [ -n "$kmemleak" ] && [ -w "$leaks" ]; then
	echo scan >"$leaks"
	cat "$leaks" >"$RCAN_OUT/kmemleak-boot.txt"
	echo clear >"$leaks"
fi

# Relative, like tests/run-check.sh: the suite pkills "$RCAN_ROOT/tests/..."
# command lines between tests, which would include an absolute self.
tests/guest-suite.sh "$pattern"

[ -n "$kmemleak" ] || exit 0
k=$RCAN_OUT/ktap/zz-kmemleak.ktap
{
	echo "TAP version 13"
	echo "1..1"
	if [ ! -w "$leaks" ]; then
		echo "# $leaks is missing: not a kmemleak kernel"
		echo "not ok 1 kmemleak finds no leak after the suite"
	else
		# Objects must be older than 5 s and survive two scans to be
		# reported; the suite's last allocations may be fresh.
		sleep 6
		echo scan >"$leaks"
		sleep 6
		echo scan >"$leaks"
		cat "$leaks" >"$RCAN_OUT/kmemleak.txt"
		if [ -s "$RCAN_OUT/kmemleak.txt" ]; then
			head -n 60 "$RCAN_OUT/kmemleak.txt" | sed 's/^/# /'
			echo "not ok 1 kmemleak finds no leak after the suite"
		else
			echo "ok 1 kmemleak finds no leak after the suite"
		fi
	fi
} >"$k"
echo 0 >"${k%.ktap}.rc"
exit 0
