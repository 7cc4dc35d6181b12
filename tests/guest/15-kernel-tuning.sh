#!/bin/sh
# What is tuned on a running link (tests/kernel/rcan_tuning_test): the TX
# window the owner changes with frames in flight, ethtool's coalescing
# passed on to the helper, hardware timestamps. KTAP.
# matrix: kernel
exec tests/lib/kselftest-run.sh tests/kernel/rcan_tuning_test
