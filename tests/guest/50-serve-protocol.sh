#!/bin/sh
# matrix: server
# rcand serve against the socketcand protocol checks (tests/server/
# check_protocol.py --kind rcand-serve): every check the test server passes
# for the 0.6.1 bytes, the error frames, the beacon, the rawmode-canfd FD
# dialect on a vcan with MTU 72 and a classic one (16), BCM, CONTROL and
# ISO-TP modes, and rcand serve's fixes (a full CAN queue waits).
modprobe -a can can_raw can_bcm can-isotp vcan sch_tbf
. tests/lib/vcan.sh
vcan_add rsv0 || exit 1
vcan_add rsv1 || exit 1
ip link add rsv2 type vcan && ip link set rsv2 mtu 16 && vcan_add rsv2 || exit 1
/usr/bin/python3 -u tests/server/check_protocol.py --server "helper/rcand serve" \
	--kind rcand-serve --bus rsv0 --fd-bus rsv1 --classic-bus rsv2 --port 29610
rc=$?
for v in rsv0 rsv1 rsv2; do ip link del "$v"; done
exit $rc
