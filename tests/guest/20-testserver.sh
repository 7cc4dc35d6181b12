#!/bin/sh
# The socketcand look-alike against the daemon's bytes and its own faults,
# on a vcan in the guest.
modprobe -a can can_raw vcan
ip link add rts0 type vcan && ip link set rts0 up
/usr/bin/python3 tests/server/check_protocol.py --bus rts0
rc=$?
ip link del rts0
exit $rc
