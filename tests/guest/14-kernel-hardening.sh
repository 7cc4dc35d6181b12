#!/bin/sh
# rcan.ko against hostile input and for CAN semantics a real driver has
# (tests/kernel/rcan_hardening_test): foreign skbs, links per namespace,
# echo slots across the sequence wrap, CAN state counters. KTAP; exits 4
# (kselftest's skip) when the module or the CAN core cannot be loaded.
cd "${RCAN_ROOT:-.}" || exit 4
modprobe -a can can_raw can_dev >&2 || exit 4
loaded=
if ! [ -e /sys/module/rcan ]; then
	insmod kmod/rcan.ko >&2 || exit 4
	loaded=1
fi
tests/kernel/rcan_hardening_test
rc=$?
[ -n "$loaded" ] && rmmod rcan >&2
exit $rc
