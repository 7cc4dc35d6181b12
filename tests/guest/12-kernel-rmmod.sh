#!/bin/sh
# rmmod rcan while links exist, helpers are attached and frames flow both
# ways (tests/kernel/rcan_traffic), and a reload afterwards.
# matrix: kernel
. tests/lib/ktap.sh
ko=kmod/rcan.ko
traffic=tests/kernel/rcan_traffic
out=${RCAN_OUT:-/tmp}/rmmod-traffic.out

modprobe -a can can_raw can_dev >&2
ktap_plan 5
[ -e /sys/module/rcan ] && rmmod rcan
ktap_check "rcan.ko loads" insmod "$ko"

$traffic 6 30 >"$out" 2>&1 &
tpid=$!
started() {
	for _i in $(seq 50); do
		grep -q ready "$out" && return 0
		sleep 0.1
	done
	return 1
}
ktap_check "6 links attached with traffic both ways" started
sleep 2
ktap_check "rmmod rcan under traffic with attached sockets" rmmod rcan
gone() {
	! [ -e /sys/module/rcan ] && ! ip -o link show | grep -q rttr
}
ktap_check "module and its links are gone" gone
kill "$tpid" 2>/dev/null
wait "$tpid" 2>/dev/null
reload() {
	insmod "$ko" && $traffic 2 2 >/dev/null && rmmod rcan
}
ktap_check "reload, traffic, unload again" reload
ktap_finish
