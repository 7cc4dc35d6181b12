#!/bin/sh
# The module DKMS installed (tests/host/21-dkms.sh), loaded by name, carries
# a remote bus end to end: test server on a vcan, rcand, frames both ways.
. tests/lib/ktap.sh
kver=$(uname -r)
W=/tmp/dkms-smoke
mkdir -p $W
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.3
	[ -e /sys/class/net/rdk0 ] && helper/rcand detach --delete rdk0 >/dev/null 2>&1
	ip link del rdkv0 2>/dev/null
	rmmod rcan 2>/dev/null
}
trap cleanup EXIT
. tests/lib/wait.sh
. tests/lib/vcan.sh

ktap_plan 5
ktap_check "modinfo -n rcan is the DKMS install" \
	sh -c "modinfo -n rcan | grep -q '/lib/modules/$kver/updates/dkms/rcan.ko'"
ktap_check "modprobe rcan loads it by name" \
	sh -c 'modprobe rcan && [ -e /sys/module/rcan ] && genl ctrl get name rcan'
vcan_add rdkv0
tests/server/rcan-testserver -i rdkv0 -p 29570 --no-beacon --ready-file $W/ready \
	>$W/server.log 2>&1 &
PIDS="$PIDS $!"
wait_for 5 test -e $W/ready
helper/rcand attach -f -n rdk0 --ready-file $W/rcand.ready 127.0.0.1:29570 rdkv0 \
	>$W/rcand.log 2>&1 &
PIDS="$PIDS $!"
if wait_for 15 test -s $W/rcand.ready && ip link set rdk0 up &&
	wait_for 5 sh -c 'ip link show rdk0 | grep -q LOWER_UP'; then
	ktap_ok "rcand attaches a netdev on the DKMS module"
else
	ktap_fail "rcand attaches a netdev on the DKMS module" "$(cat $W/rcand.log)"
fi
candump -n 1 rdk0 >$W/local.txt &
d=$!
sleep 0.5
cansend rdkv0 321#C0FFEE
if wait_for 5 sh -c "! kill -0 $d" && grep -q '321 *\[3\] *C0 FF EE' $W/local.txt; then
	ktap_ok "a remote frame arrives on the local netdev"
else
	kill $d 2>/dev/null
	ktap_fail "a remote frame arrives on the local netdev" "$(cat $W/local.txt)"
fi
candump -n 1 rdkv0 >$W/remote.txt &
d=$!
sleep 0.5
cansend rdk0 123#BEEF
if wait_for 5 sh -c "! kill -0 $d" && grep -q '123 *\[2\] *BE EF' $W/remote.txt; then
	ktap_ok "a local frame reaches the remote bus"
else
	kill $d 2>/dev/null
	ktap_fail "a local frame reaches the remote bus" "$(cat $W/remote.txt)"
fi
ktap_finish
