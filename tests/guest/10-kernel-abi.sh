#!/bin/sh
# rcan.ko's generic netlink ABI on its own (tests/kernel/rcan_abi_test):
# life cycle, namespaces, EPERM, malformed messages. KTAP from the harness.
# matrix: kernel
exec tests/lib/kselftest-run.sh tests/kernel/rcan_abi_test
