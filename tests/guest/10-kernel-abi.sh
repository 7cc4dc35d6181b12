#!/bin/sh
# rcan.ko's generic netlink ABI on its own (tests/kernel/rcan_abi_test):
# life cycle, namespaces, EPERM, malformed messages. KTAP from the harness.
# Exits 4 (kselftest's skip) when the module or the CAN core cannot load.
cd "${RCAN_ROOT:-.}" || exit 4
modprobe -a can can_raw can_dev >&2 || exit 4
loaded=
if ! [ -e /sys/module/rcan ]; then
	insmod kmod/rcan.ko >&2 || exit 4
	loaded=1
fi
tests/kernel/rcan_abi_test
rc=$?
[ -n "$loaded" ] && rmmod rcan >&2
exit $rc
