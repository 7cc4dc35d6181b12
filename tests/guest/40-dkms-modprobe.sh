#!/bin/sh
# The module DKMS installed (tests/host/21-dkms.sh), loaded by name, carries
# a remote bus end to end: test server on a vcan, rcand, frames both ways.
# matrix: kernel
. tests/lib/ktap.sh
kver=$(uname -r)
W=/tmp/dkms-smoke
mkdir -p $W
. tests/lib/smoke.sh
trap 'smoke_cleanup helper/rcand rdk0 rdkv0' EXIT

ktap_plan 5
ktap_check "modinfo -n rcan is the DKMS install" \
	sh -c "modinfo -n rcan | grep -q '/lib/modules/$kver/updates/dkms/rcan.ko'"
ktap_check "modprobe rcan loads it by name" \
	sh -c 'modprobe rcan && [ -e /sys/module/rcan ] && genl ctrl get name rcan'
vcan_add rdkv0
smoke_bg tests/server/rcan-testserver -i rdkv0 -p 29570 --no-beacon \
	--ready-file $W/ready >$W/server.log 2>&1
wait_for 5 test -e $W/ready
smoke_bg helper/rcand attach -f -n rdk0 --ready-file $W/rcand.ready \
	127.0.0.1:29570 rdkv0 >$W/rcand.log 2>&1
smoke_link_up "rcand attaches a netdev on the DKMS module" rdk0
smoke_frames_both_ways rdk0 rdkv0 321#C0FFEE '321 *\[3\] *C0 FF EE' \
	123#BEEF '123 *\[2\] *BE EF'
ktap_finish
