# shellcheck shell=sh
# A remote bus end to end, the steps the installed-module guest tests share
# (tests/guest/40-dkms-modprobe.sh, 41-deb-dkms-modprobe.sh); sourced after
# tests/lib/ktap.sh. The remote bus is a vcan served by the test server,
# rcand attaches a link to it, frames go both ways. Work files are in $W,
# which the test sets; jobs started with smoke_bg are killed by
# smoke_cleanup.
#
#   trap 'smoke_cleanup RCAND LINK VCAN' EXIT
#   smoke_bg CMD... >LOG 2>&1        a job in the background
#   smoke_link_up NAME LINK          one case: rcand ready, LINK up, carrier
#   smoke_frames_both_ways LOCAL REMOTE IN IN_RE OUT OUT_RE
#                                    two cases: IN (cansend's ID#DATA) sent
#                                    on REMOTE arrives on LOCAL as a candump
#                                    line matching IN_RE; OUT on LOCAL
#                                    reaches REMOTE, matching OUT_RE
. tests/lib/wait.sh
. tests/lib/vcan.sh
PIDS=""

smoke_bg() {
	"$@" &
	PIDS="$PIDS $!"
}

# smoke_cleanup RCAND LINK VCAN: the jobs, the link, the vcan, the module.
smoke_cleanup() {
	for _p in $PIDS; do kill "$_p" 2>/dev/null; done
	sleep 0.3
	[ -e "/sys/class/net/$2" ] && "$1" detach --delete "$2" >/dev/null 2>&1
	ip link del "$3" 2>/dev/null
	rmmod rcan 2>/dev/null
}

# smoke_link_up NAME LINK: rcand (started with --ready-file $W/rcand.ready,
# its output in $W/rcand.log) reports the session up, and LINK comes up
# with carrier.
smoke_link_up() {
	if wait_for 15 test -s "$W/rcand.ready" && ip link set "$2" up &&
		wait_for 5 sh -c "ip link show $2 | grep -q LOWER_UP"; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "$(cat "$W/rcand.log")"
	fi
}

# smoke_frame NAME FROM TO FRAME RE: FRAME sent on FROM is received once
# on TO, and candump's line for it matches RE.
smoke_frame() {
	_out=$W/candump-$3.txt
	candump -n 1 "$3" >"$_out" &
	_d=$!
	sleep 0.5
	cansend "$2" "$4"
	if wait_for 5 sh -c "! kill -0 $_d" && grep -q "$5" "$_out"; then
		ktap_ok "$1"
	else
		kill $_d 2>/dev/null
		ktap_fail "$1" "$(cat "$_out")"
	fi
}

smoke_frames_both_ways() {
	smoke_frame "a remote frame arrives on the local netdev" "$2" "$1" \
		"$3" "$4"
	smoke_frame "a local frame reaches the remote bus" "$1" "$2" "$5" "$6"
}
