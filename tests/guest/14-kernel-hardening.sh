#!/bin/sh
# rcan.ko against hostile input and for CAN semantics a real driver has
# (tests/kernel/rcan_hardening_test): foreign skbs, links per namespace,
# echo slots across the sequence wrap, a full owner socket (no drop
# counted on it), CAN state counters, frames in flight at bus-off counted
# as errors, an owner closed with a dump running. KTAP.
# matrix: kernel
exec tests/lib/kselftest-run.sh tests/kernel/rcan_hardening_test
