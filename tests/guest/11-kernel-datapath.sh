#!/bin/sh
# rcan.ko's data path on its own (tests/kernel/rcan_datapath_test):
# RX, TX, echo, TX window, carrier, owner loss, CAN state. KTAP.
# matrix: kernel
exec tests/lib/kselftest-run.sh tests/kernel/rcan_datapath_test
