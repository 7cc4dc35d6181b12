#!/bin/sh
# The Debian packages as a user gets them: tests/host/30-deb.sh leaves
# rcan-dkms and rcand installed on the host, whose root the guest sees.
# On the kernel the guest booted (any Debian kernel under test: uname -r),
# the rcan.ko DKMS built from the package's /usr/src/rcan-VERSION (as the
# host test recorded in build/deb-test/installed) is loaded by name from
# updates/dkms, and the packaged /usr/sbin/rcand carries the demo's
# steps: test server on a vcan found by its beacon, rcand attach, the link
# up with carrier, frames both ways, CAN state and rcand list.
# matrix: kernel
. tests/lib/ktap.sh
kver=$(uname -r)
ver=$(cat VERSION)
RCAND=/usr/sbin/rcand
# compressed as the kernel's own modules are (6.12's: .ko.xz)
ko=$(ls /lib/modules/"$kver"/updates/dkms/rcan.ko* 2>/dev/null | head -n 1)
W=/tmp/deb-smoke
mkdir -p $W
. tests/lib/smoke.sh
trap 'smoke_cleanup $RCAND rdeb0 rdebv0' EXIT

ktap_plan 9

# The guest has its own /var/lib (tmpfs): no dpkg or DKMS database. The
# host test recorded what the packages' DKMS install produced; the
# packages' own files are visible.
record=build/deb-test/installed
installed() {
	for f in /usr/share/doc/rcan-dkms/copyright "/usr/src/rcan-$ver/dkms.conf" \
		/usr/share/doc/rcand/copyright "$RCAND" /lib/systemd/system/rcand@.service; do
		[ -e "$f" ] || { echo "missing: $f"; return 1; }
	done
	"$RCAND" --version | grep -q "$ver" || return 1
	if ! grep -q "^$kver " "$record"; then
		echo "no $kver in $record:"
		cat "$record"
		return 1
	fi
}
ktap_check "rcan-dkms and rcand $ver installed, DKMS built rcan.ko for $kver" installed

from_dkms() {
	[ -n "$ko" ] && [ "$(modinfo -n rcan)" = "$ko" ] &&
		[ "$(modinfo -F version "$ko")" = "$ver" ] &&
		[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$kver" ]
}
ktap_check "modinfo -n rcan is ${ko:-rcan.ko in updates/dkms}, version $ver, built for $kver" from_dkms

# The module modprobe loaded is that file, the one the package's DKMS
# install built (same srcversion as recorded on the host).
loaded() {
	want=$(awk -v k="$kver" '$1 == k {print $2}' "$record")
	modprobe rcan && [ -e /sys/module/rcan ] &&
		[ "$(cat /sys/module/rcan/srcversion)" = "$(modinfo -F srcversion "$ko")" ] &&
		[ "$(cat /sys/module/rcan/srcversion)" = "$want" ] &&
		genl ctrl get name rcan
}
ktap_check "modprobe rcan loads it by name, the rcan genl family is there" loaded

vcan_add rdebv0
smoke_bg tests/server/rcan-testserver -i rdebv0 -p 29571 --name deb-bench \
	--beacon-dest 127.255.255.255 --beacon-interval 1000 \
	--ready-file $W/server.ready >$W/server.log 2>&1
wait_for 5 test -e $W/server.ready

if $RCAND discover -t 3100 >$W/discover.txt 2>&1 && grep -q 'rdebv0' $W/discover.txt; then
	ktap_ok "rcand discover finds the test server's beacon"
else
	ktap_fail "rcand discover finds the test server's beacon" \
		"$(cat $W/discover.txt $W/server.log)"
fi

smoke_bg $RCAND attach -f -n rdeb0 --discover rdebv0 \
	--ready-file $W/rcand.ready >$W/rcand.log 2>&1
smoke_link_up "packaged rcand attaches rdeb0 by the beacon, up with carrier" rdeb0
smoke_frames_both_ways rdeb0 rdebv0 321#C0FFEE '321 *\[3\] *C0 FF EE' \
	5A5#DEADBEEF '5A5 *\[4\] *DE AD BE EF'

ktap_check "ip -details link show rdeb0 reports a CAN state" \
	sh -c 'ip -details -statistics link show rdeb0 | grep -q "can state ERROR-ACTIVE"'

listed() {
	if ! $RCAND list >$W/list.txt 2>&1 || ! grep -q rdeb0 $W/list.txt; then
		cat $W/list.txt
		return 1
	fi
}
ktap_check "rcand list shows rdeb0" listed
ktap_finish
