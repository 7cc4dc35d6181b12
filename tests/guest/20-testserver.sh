#!/bin/sh
# The socketcand look-alike against the daemon's bytes and its own faults,
# on a vcan in the guest; its CAN FD dialects on the same vcan (MTU 72) and
# on a second one with a classic MTU (16), see docs/FD-DIALECTS.md.
# sch_tbf: a real ENOBUFS from a full CAN queue (a 10-frame tbf).
# matrix: user
modprobe -a can can_raw vcan sch_tbf
. tests/lib/vcan.sh
vcan_add rts0 || exit 1
ip link add rts1 type vcan && ip link set rts1 mtu 16 && vcan_add rts1 || exit 1
/usr/bin/python3 -u tests/server/check_protocol.py --bus rts0 --classic-bus rts1
rc=$?
ip link del rts0
ip link del rts1
exit $rc
