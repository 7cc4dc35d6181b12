#!/bin/sh
# The socketcand look-alike against the daemon's bytes and its own faults,
# on a vcan in the guest.
modprobe -a can can_raw vcan
. tests/lib/vcan.sh
vcan_add rts0 || exit 1
/usr/bin/python3 tests/server/check_protocol.py --bus rts0
rc=$?
ip link del rts0
exit $rc
