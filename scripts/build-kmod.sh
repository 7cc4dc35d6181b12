#!/bin/sh
# Build rcan.ko for one kernel in a copy of kmod/ of its own, so that the
# builds for several kernels (make check tests 6.1 and 6.12, check-debug a
# debug kernel) never overwrite each other. Prints the directory that holds
# rcan.ko; the guest mounts it over kmod/ (scripts/guest-kernel.sh).
#
#   scripts/build-kmod.sh OUT KDIR [SRC [MAKE_ARGS...]]
#     OUT   a directory of its own (emptied first): the build is OUT/kmod
#     KDIR  the kernel build tree (headers) to build against
#     SRC   the module's sources (default kmod/; check-debug points it at
#           a copy with a planted bug to see its run fail)
#     MAKE_ARGS  passed to make (lint: C=2 W=1)
# Build output goes to OUT/build.log.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
kdir=$2
src=${3:-$top/kmod}
shift 2
[ $# -gt 0 ] && shift

rm -rf "$out"
mkdir -p "$out/kmod/probes"
out=$(cd "$out" && pwd)
# The copy keeps kmod/'s place next to include/ and VERSION, as in the
# repository and the DKMS tree, so the relative paths in Kbuild hold.
cp "$src"/Kbuild "$src"/Makefile "$src"/probe.sh "$src"/*.[ch] "$out/kmod/"
rm -f "$out/kmod/rcan_probes.h" # generated: this kernel gets its own
cp "$src"/probes/*.c "$out/kmod/probes/"
ln -s "$top/include" "$out/include"
ln -s "$top/VERSION" "$out/VERSION"
if ! make -C "$out/kmod" KDIR="$kdir" "$@" >"$out/build.log" 2>&1 ||
	[ ! -e "$out/kmod/rcan.ko" ]; then
	tail -n 30 "$out/build.log" >&2
	echo "build-kmod: rcan.ko for $kdir failed (log: $out/build.log)" >&2
	exit 1
fi
echo "$out/kmod"
