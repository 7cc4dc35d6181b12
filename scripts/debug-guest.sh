#!/bin/sh
# Runs inside the guest that scripts/check-debug.sh boots on the debug
# kernel: puts the debug kernel's modules and the rcan.ko built for it in
# place (bind mounts over the read-only host root, nothing on the host
# changes), runs the guest suite, then asks kmemleak for leaks.
#
#   scripts/debug-guest.sh MODULES_DIR KMOD_DIR [PATTERN]
#     MODULES_DIR  the debug kernel's lib/modules (modules_install output)
#     KMOD_DIR     a copy of kmod/ built against the debug kernel
# The kmemleak result is one more KTAP document, $RCAN_OUT/ktap/zz-kmemleak.
set -u
moddir=$1
kmoddir=$2
pattern=${3:-*}
leaks=/sys/kernel/debug/kmemleak
mkdir -p "$RCAN_OUT/ktap"

# modprobe must find the debug kernel's can, vcan ... (Debian's modules do
# not fit this kernel), and tests load kmod/rcan.ko by that path.
mount --bind "$moddir" /lib/modules || exit 1
mount --bind "$kmoddir" "$RCAN_ROOT/kmod" || exit 1

# Objects the boot left unreferenced are not ours: scan once and mark
# them as seen ("clear" greys every current suspect), so the final scan
# reports only what the tests leaked.
if [ -w "$leaks" ]; then
	echo scan >"$leaks"
	cat "$leaks" >"$RCAN_OUT/kmemleak-boot.txt"
	echo clear >"$leaks"
fi

# Relative, like tests/run-check.sh: the suite pkills "$RCAN_ROOT/tests/..."
# command lines between tests, which would include an absolute self.
# DKMS builds rcan.ko for Debian's kernel, which make check boots; this
# kernel has no DKMS build to load, so that test is make check's alone.
RCAN_GUEST_EXCLUDE='*dkms*' tests/guest-suite.sh "$pattern"

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
