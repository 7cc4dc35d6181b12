#!/bin/sh
# rcand across a slow network and onto a realistic remote bus (issue 17):
# the bus bitrate paces TX without being set on the server, a flood onto a
# remote CAN queue of 10 frames (tbf at 500 kbit/s, the issue's model)
# arrives whole with the session up, the TX window follows the round trip
# over 50 ms of netem delay, ethtool's RX coalescing reaches rcand. Only
# outcomes are asserted (no loss, order, no session drop, the window
# grew), never timing figures: the TCG guest's speed varies.
# matrix: user
. tests/lib/ktap.sh
. tests/helper/guest-lib.sh

PY=/usr/bin/python3
SEQ=tests/helper/canseq.py
N=${RCAND_PACING_FRAMES:-3000}
ktap_plan 13

NETEM=0
cleanup_pacing() {
	[ "$NETEM" = 1 ] && tc qdisc del dev lo root 2>/dev/null
	cleanup
}
trap cleanup_pacing EXIT

# drops NAME: how often rcand NAME lost its session so far
drops() {
	grep -c ': disconnected from ' "$T/$1.log"
}

# flood NAME IF: N sequenced frames onto IF as fast as it takes them,
# checked on the remote vcan: all there, in order
flood() {
	bg "$1" candump -L -r 16777216 rcvcan0
	sleep 0.3
	$PY $SEQ send "$2" "$N" >"$T/$1-send.log" 2>&1 &&
		wait_count "$T/$1.log" "$N" 300 && sleep 1
	stop "$1"
	$PY $SEQ check "$T/$1.log" "$N" >"$T/$1-check.log"
}

setup() {
	big_rmem
	modprobe -a sch_tbf sch_netem || return 1
	load_rcan && add_vcan rcvcan0 &&
		server srv 29536 -i rcvcan0 --no-beacon --stats "$T/srv.stats"
}
if ! setup; then
	ktap_fail "module, qdiscs, vcan and test server start"
	show_log srv
	ktap_finish
fi
ktap_ok "module, qdiscs, vcan and test server start"

# ---- the bus bitrate paces TX; the server is not told ----
if rcand_up rcand -n rcant0 127.0.0.1:29536 rcvcan0; then
	ktap_ok "rcand connects without a bitrate"
else
	ktap_fail "rcand connects without a bitrate"
	show_log rcand
	ktap_finish
fi
ip link set rcant0 type can bitrate 500000
ip link set rcant0 txqueuelen 1000 up
wait_for 5 grep -q 'pacing TX at bitrate 500000' "$T/rcand.log"
if grep -q 'pacing TX at bitrate 500000 (set on the netdev): bursts of at most 5 frames' "$T/rcand.log" &&
	grep -q 'not set on the server' "$T/rcand.log" &&
	! grep -q 'reconnect' "$T/rcand.log"; then
	ktap_ok "ip link set bitrate 500000: rcand paces TX in bursts of 5, no reconnect, nothing sent to the server"
else
	ktap_fail "ip link set bitrate 500000: rcand paces TX in bursts of 5, no reconnect, nothing sent to the server" "$(cat "$T/rcand.log")"
fi
# the state file is written once a second
wait_for 5 sh -c "$RCAND list --json rcant0 | grep -q '\"bitrate\": 500000'"
ktap_check "rcand list --json shows the pacing bitrate and a round trip" \
	sh -c "$RCAND list --json rcant0 | tr -d '\n' | grep '\"bitrate\": 500000' | grep -q '\"rtt_us\": [0-9]'"

# ---- a flood onto a 10-frame remote queue at 500 kbit/s ----
# tbf charges every classic frame 16 bytes (128 bits at 500 kbit/s, ~3900
# frames/s) whatever its length; rcand counts an 8-byte frame's worst case
# of 135 bits, so the sequenced 8-byte frames go no faster than tbf takes.
tc qdisc replace dev rcvcan0 root tbf rate 500kbit burst 160 limit 160
# Pacing keeps the queue short only if the server writes what arrives as
# it arrives. A vCPU the host deschedules for 6 ms while the other runs
# rcand hands the server 20 frames at once, more than the queue and the
# bucket hold (the likely cause of one make check failure here, its two
# guests on two cores; not reproduced). A
# loaded socketcand box does that too, but the outcome must not hang on
# the host's load: rcand and rcand's session in the server (a child the
# server forked for it) share CPU 0, so one stall stops both, and the
# session runs first when its data comes. The session ends with rcand.
session=$(pgrep -P "$(pid_of srv)")
if [ "$(echo "$session" | wc -w)" = 1 ] &&
	taskset -a -p -c 0 "$(pid_of rcand)" >/dev/null &&
	taskset -a -p -c 0 "$session" >/dev/null &&
	chrt -a -f -p 10 "$session"; then
	ktap_diag "rcand and its server session $session on CPU 0, the session SCHED_FIFO"
else
	ktap_diag "could not pin rcand and its server session ($session) to CPU 0"
fi
if flood tbf rcant0; then
	ktap_ok "$N frames onto the 10-frame remote queue arrive in order, none lost"
else
	ktap_fail "$N frames onto the 10-frame remote queue arrive in order, none lost" "$(cat "$T/tbf-check.log" "$T/tbf-send.log"; tc -s qdisc show dev rcvcan0)"
fi
if [ "$(drops rcand)" = 0 ] && ! grep -q 'end=can-write-failed' "$T/srv.stats"; then
	ktap_ok "the session never dropped (the server's CAN socket never refused a frame)"
else
	kill -USR1 "$(pid_of srv)"
	sleep 0.5
	ktap_fail "the session never dropped (the server's CAN socket never refused a frame)" "$(cat "$T/srv.stats"; tail -n 20 "$T/rcand.log")"
fi
stop rcand TERM
"$RCAND" detach --delete rcant0 >/dev/null 2>&1

# ---- unpaced onto the same queue, as against a plain socketcand that
# closes the session at its first ENOBUFS: at most one drop, rcand learns
# a pace from what the remote took before it, and nothing is lost after
# it. The frames failed back in that drop are the only gap. ----
rcand_up rcand2 -n rcant1 127.0.0.1:29536 rcvcan0
ip link set rcant1 txqueuelen 1000 up
flood tbf2 rcant1 >/dev/null
lost=$($PY $SEQ check "$T/tbf2.log" "$N" --one-gap | sed -n 's/^lost //p')
failed=$(sed -n 's/.*: \([0-9]*\) frames in flight were dropped.*/\1/p' "$T/rcand2.log" | head -n 1)
learned=$(grep -o 'remote queue overflowed [^;]*; pacing at [0-9]*' "$T/rcand2.log" | head -n 1)
if [ "$(drops rcand2)" = 0 ] && [ "$lost" = 0 ]; then
	ktap_ok "unpaced, no bitrate: $N frames flat out, no session drop, none lost"
elif [ "$(drops rcand2)" = 1 ] && [ -n "$lost" ] && [ -n "$failed" ] &&
	[ "$lost" -le "$failed" ] && [ -n "$learned" ]; then
	ktap_ok "unpaced, no bitrate: one session drop ($failed frames failed back, $lost of them not on the remote bus), then a learned pace and no loss ($learned)"
else
	ktap_fail "unpaced, no bitrate: at most one session drop, and no loss after it" "drops $(drops rcand2), lost ${lost:-?}, failed ${failed:-none}; $($PY $SEQ check "$T/tbf2.log" "$N" --one-gap; cat "$T/rcand2.log")"
fi
if [ -n "$learned" ]; then
	ktap_check "rcand list shows the learned pace" \
		sh -c "$RCAND list rcant1 | grep -q 'paced at [0-9]* frames/s, learned'"
else
	ktap_skip "rcand list shows the learned pace" "no session drop: nothing to learn"
fi
stop rcand2 TERM
"$RCAND" detach --delete rcant1 >/dev/null 2>&1
tc qdisc del dev rcvcan0 root

# ---- 50 ms of round trip: the window grows, nothing is lost ----
tc qdisc add dev lo root netem delay 25ms && NETEM=1
rcand_up rcand3 -n rcant2 127.0.0.1:29536 rcvcan0
ip link set rcant2 txqueuelen 1000 up
if flood wan rcant2; then
	ktap_ok "$N frames over 50 ms of round trip arrive in order, none lost"
else
	ktap_fail "$N frames over 50 ms of round trip arrive in order, none lost" "$(cat "$T/wan-check.log" "$T/wan-send.log")"
fi
ktap_check "the session never dropped" test "$(drops rcand3)" = 0
# the round trip's lower bound is netem's, whatever the guest's speed
rtt=$("$RCAND" list --json rcant2 | tr -d '\n' | sed -n 's/.*"rtt_min_us": \([0-9]*\).*/\1/p')
ktap_check "rcand list shows the round trip of at least 50 ms (${rtt:-none} us)" test "${rtt:-0}" -ge 50000
if grep -q 'the kernel keeps the TX window' "$T/rcand3.log"; then
	ktap_skip "the TX window grew past 64 with the round trip" "rcan.ko does not let rcand change the window yet"
elif grep -q 'TX window 64 -> ' "$T/rcand3.log"; then
	ktap_ok "the TX window grew past 64 with the round trip ($(grep -o 'TX window 64 -> [0-9]*' "$T/rcand3.log" | head -n 1))"
else
	ktap_fail "the TX window grew past 64 with the round trip" "$(cat "$T/rcand3.log")"
fi
tc qdisc del dev lo root && NETEM=0

# ---- ethtool -C: RX coalescing reaches rcand, frames still arrive ----
if ! ethtool -C rcant2 rx-usecs 20000 rx-frames 0 >"$T/ethtool.log" 2>&1; then
	ktap_skip "ethtool -C rx-usecs 20000: rcand holds RX frames, all arrive" "$(head -n 1 "$T/ethtool.log")"
else
	wait_for 5 grep -q 'RX coalescing rx-usecs 20000 rx-frames 0' "$T/rcand3.log"
	dump co rcant2
	for f in 101#01 102#02 103#03; do
		cansend rcvcan0 "$f"
	done
	wait_for 5 sh -c "[ \$(wc -l <$T/co.log) -ge 3 ]"
	stop co
	if grep -q 'RX coalescing rx-usecs 20000 rx-frames 0' "$T/rcand3.log" &&
		[ "$(frames co | tr '\n' ' ')" = "101#01 102#02 103#03 " ]; then
		ktap_ok "ethtool -C rx-usecs 20000: rcand holds RX frames, all arrive"
	else
		ktap_fail "ethtool -C rx-usecs 20000: rcand holds RX frames, all arrive" "$(cat "$T/rcand3.log" "$T/co.log")"
	fi
fi
stop rcand3 TERM
ktap_finish
