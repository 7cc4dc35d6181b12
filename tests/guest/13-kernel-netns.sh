#!/bin/sh
# A network namespace with rcan links dies the way a container does: its
# last process is killed while frames flow, and its name is removed. The
# namespace's teardown must unregister every link in it, attached or not,
# before the core's own device cleanup: no device may outlive it, and the
# kernel log must show no refcount, WARN or unregister_netdevice report
# (scripts/vm-run fails the run on those). rcan warns at unload if a link
# is left over, and must unload.
# matrix: kernel
. tests/lib/ktap.sh
. tests/lib/wait.sh
ko=kmod/rcan.ko
traffic=tests/kernel/rcan_traffic
out=${RCAN_OUT:-/tmp}/netns-traffic.out
ns=rcan-netns-test

warnings() { dmesg | grep -c -E 'WARNING:|BUG:|refcount_t|unregister_netdevice: waiting'; }

modprobe -a can can_raw can_dev >&2
before=$(warnings)
ktap_plan 7
[ -e /sys/module/rcan ] && rmmod rcan
ktap_check "rcan.ko loads" insmod "$ko"

ip netns add $ns
ip -n $ns link set lo up
ip netns exec $ns $traffic 3 120 2 >"$out" 2>&1 &
tpid=$!
ktap_check "3 attached links with traffic and 2 unattached ones in a namespace" \
	wait_for 20 grep -q ready "$out"
links=$(ip -n $ns -o link show | grep -c -E 'rttr|rtid')
if [ "$links" -eq 5 ]; then
	ktap_ok "the namespace holds the 5 links"
else
	ktap_fail "the namespace holds the 5 links" "$(ip -n $ns -o link show)"
fi
sleep 1
kill -9 "$tpid"
wait "$tpid" 2>/dev/null
ktap_check "ip netns del" ip netns del $ns
# The teardown runs from a work queue once the last reference is gone;
# give it time to run before unloading, so that it, not rmmod, is what
# removes the links.
sleep "$(slow 3)"
ktap_check "no rcan link is left in the initial namespace" \
	sh -c '! ip -o link show | grep -q -E "rttr|rtid"'
ktap_check "rmmod rcan afterwards" timeout "$(slow 60)" rmmod rcan
if [ "$(warnings)" -eq "$before" ]; then
	ktap_ok "no kernel warning (leftover link, refcount, unregister wait)"
else
	ktap_fail "no kernel warning (leftover link, refcount, unregister wait)" \
		"$(dmesg | grep -E -A 3 'WARNING:|BUG:|refcount_t|unregister_netdevice' | tail -n 20)"
fi
ktap_finish
