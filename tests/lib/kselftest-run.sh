#!/bin/sh
# Run one kselftest program of tests/kernel against rcan.ko in the guest:
# load the CAN core and the module (unless loaded), run it, unload what
# was loaded here. Exits 4, kselftest's "skipped", when a module cannot
# load; else the program's exit status.
#
#   tests/lib/kselftest-run.sh PROGRAM
cd "${RCAN_ROOT:-.}" || exit 4
modprobe -a can can_raw can_dev >&2 || exit 4
loaded=
if ! [ -e /sys/module/rcan ]; then
	insmod kmod/rcan.ko >&2 || exit 4
	loaded=1
fi
"$1"
rc=$?
[ -n "$loaded" ] && rmmod rcan >&2
exit $rc
