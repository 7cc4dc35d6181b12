#!/bin/sh
# rcan.ko loads on top of the CAN core and unloads cleanly, repeatedly.
# matrix: kernel
. tests/lib/ktap.sh
ko=kmod/rcan.ko

ktap_plan 5
ktap_check "can, can_raw and can_dev load" modprobe -a can can_raw can_dev
ktap_check "rcan.ko loads" insmod "$ko"
ktap_check "the rcan genl family is registered" \
	genl ctrl get name rcan
ktap_check "rcan unloads" rmmod rcan
cycle() {
	for _i in 1 2 3 4 5; do
		insmod "$ko" && rmmod rcan || return 1
	done
	! [ -e /sys/module/rcan ]
}
ktap_check "five load/unload cycles" cycle
ktap_finish
