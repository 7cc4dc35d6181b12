#!/bin/sh
# The demo itself, run inside the guest by scripts/demo.sh: a simulated
# remote bus served by rcand serve (the product's own server end), found by
# its beacon, attached by rcand as can0, and used with stock can-utils.
# Every step is checked.
set -u
RCAND=helper/rcand
W=/tmp/demo
mkdir -p $W
PIDS=""

say() {
	printf '\n==> %s\n' "$*"
}

fail() {
	printf '\nDEMO FAILED: %s\n' "$*"
	for f in $W/*.log; do
		[ -s "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }
	done
	cleanup
	exit 1
}

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.3
	[ -e /sys/class/net/can0 ] && $RCAND detach --delete can0 >/dev/null 2>&1
}

. tests/lib/wait.sh
. tests/lib/vcan.sh

say "The remote side: a vehicle-like bus on vcan0 (rpm every 10 ms, speed every 20 ms, temperatures every 100 ms, an OBD request every 500 ms, a J1939 frame every second)"
modprobe -a can can_raw can_dev vcan || fail "cannot load the CAN modules"
vcan_add vcan0 || fail "no vcan0"
/usr/bin/python3 scripts/demo-traffic.py vcan0 120 >$W/traffic.log 2>&1 &
PIDS="$PIDS $!"

say "rcand serve (a drop-in socketcand) serves vcan0 on TCP port 29536 and beacons every second"
$RCAND serve -i vcan0 --name remote-bench --beacon-dest 127.255.255.255 \
	--beacon-interval 1000 --ready-file $W/server.ready >$W/server.log 2>&1 &
PIDS="$PIDS $!"
wait_for 5 test -e $W/server.ready || fail "the server did not start"

say "Load rcan.ko (from this tree; 'make install' or DKMS install it for real)"
insmod kmod/rcan.ko || fail "insmod kmod/rcan.ko"
lsmod | grep '^rcan '

say "rcand discover: listen for beacons"
$RCAND discover -t 3100 | tee $W/discover.txt
grep -q 'vcan0' $W/discover.txt || fail "no server discovered"

say "rcand attach --discover vcan0 -n can0: connect and create can0"
$RCAND attach -f -n can0 --discover vcan0 --ready-file $W/rcand.ready >$W/rcand.log 2>&1 &
PIDS="$PIDS $!"
wait_for 15 test -s $W/rcand.ready || fail "rcand did not connect"
cat $W/rcand.ready
say "ip link set can0 up: like any CAN interface (no bitrate needed: the remote bus has its own)"
ip link set can0 up || fail "ip link set can0 up"
wait_for 5 sh -c 'ip link show can0 | grep -q LOWER_UP' || fail "can0 has no carrier"
ip link show can0

say "candump -H -ta can0: the remote traffic on the local can0, with the time each frame was seen on the remote bus"
candump -H -ta -n 15 can0 | tee $W/candump.txt
[ "$(grep -c can0 $W/candump.txt)" -ge 15 ] || fail "candump saw too few frames"

say "cansend can0 5A5#DEADBEEF: a local frame goes out to the remote bus (candump on the remote vcan0 shows it)"
candump -n 1 vcan0,5A5:7FF >$W/remote.txt &
dump=$!
sleep 0.5
cansend can0 5A5#DEADBEEF || fail "cansend"
wait_for 5 sh -c "! kill -0 $dump" || fail "the frame did not reach the remote bus"
sed 's/^/remote: /' $W/remote.txt
grep -q '5A5 *\[4\] *DE AD BE EF' $W/remote.txt || fail "wrong frame on the remote bus"

say "ip -details -statistics link show can0: a CAN device with state and counters"
ip -details -statistics link show can0 | tee $W/ip.txt
grep -q 'can state ERROR-ACTIVE' $W/ip.txt || fail "can0 does not report its CAN state"

say "rcand list: every rcan netdev, its remote and counters"
$RCAND list || fail "rcand list"

say "rcand list --serve: on the remote box, the server's clients and their counters"
$RCAND list --serve | tee $W/serve-list.txt || fail "rcand list --serve"
grep -q ' vcan0 raw ' $W/serve-list.txt || fail "rcand serve does not list rcand's session"

say "Done: every step worked."
cleanup
exit 0
