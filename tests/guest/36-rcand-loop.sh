#!/bin/sh
# matrix: user
# rcand's loop and TX path (issue 30): stopped and resumed (SIGSTOP and
# SIGCONT, as a debugger, the cgroup freezer or `systemctl freeze` do)
# for longer than its timeout, with the server sending and with the server
# quiet; --tx-rate onto a remote CAN queue of 10 frames; and a round trip
# that rises during a session. Timing is asserted only as a lower bound
# (pacing) or on rcand's own estimates with their log times (the round
# trip), never as throughput: the TCG guest's speed varies.
. tests/lib/ktap.sh
. tests/helper/guest-lib.sh

PY=/usr/bin/python3
SEQ=tests/helper/canseq.py
ktap_plan 10

NETEM=0
cleanup_loop() {
	[ "$NETEM" = 1 ] && tc qdisc del dev lo root 2>/dev/null
	cleanup
}
trap cleanup_loop EXIT

# died NAME: how often rcand NAME declared its server dead, or lost it
died() {
	grep -c 'declaring it dead\|: disconnected from ' "$T/$1.log"
}

setup() {
	big_rmem
	modprobe -a sch_tbf sch_netem sch_prio cls_u32 || return 1
	load_rcan && add_vcan rcvcan6 &&
		server srv 29570 -i rcvcan6 --no-beacon
}
if ! setup; then
	ktap_fail "module, qdiscs, vcan and test server start"
	show_log srv
	ktap_finish
fi
ktap_ok "module, qdiscs, vcan and test server start"

# stop_asleep NAME: SIGSTOP to rcand NAME while it waits in its loop (a
# stop while it runs is no test: it sees no EINTR)
stop_asleep() {
	wait_for 5 sh -c "awk '{ exit \$3 != \"S\" }' /proc/$(pid_of "$1")/stat"
	kill -STOP "$(pid_of "$1")"
}

# ---- stopped for longer than the timeout (1.5 s), the server sending ----
rcand_up r1 -n rcant6 --heartbeat 300 --timeout 1500 127.0.0.1:29570 rcvcan6
ip link set rcant6 up
dump live rcant6
bg gen cangen rcvcan6 -g 100 -I 123 -L 1
wait_for 5 sh -c "[ \$(wc -l <$T/live.log) -ge 3 ]"
stop_asleep r1
sleep 3
kill -CONT "$(pid_of r1)"
n0=$(wc -l <"$T/live.log")
# frames flow again, then a timeout's worth of time for a wrong verdict
wait_for 5 sh -c "[ \$(wc -l <$T/live.log) -gt $((n0 + 5)) ]"
sleep 1.5
if [ "$(died r1)" = 0 ] && [ "$(wc -l <"$T/live.log")" -gt $((n0 + 5)) ]; then
	ktap_ok "SIGSTOP 3 s, SIGCONT, the server sending: rcand reads what came, the session stays up"
else
	ktap_fail "SIGSTOP 3 s, SIGCONT, the server sending: rcand reads what came, the session stays up" "$(tail -n 5 "$T/r1.log")"
fi

# ---- the same with a quiet server: a heartbeat decides, not the stop ----
stop gen
sleep 0.5
stop_asleep r1
sleep 3
kill -CONT "$(pid_of r1)"
sleep 2.5
if [ "$(died r1)" = 0 ]; then
	ktap_ok "SIGSTOP 3 s, SIGCONT, the server quiet: a heartbeat, not the stop, judges it; the session stays up"
else
	ktap_fail "SIGSTOP 3 s, SIGCONT, the server quiet: a heartbeat, not the stop, judges it; the session stays up" "$(tail -n 5 "$T/r1.log")"
fi
# and a server that really is gone is still found out (the test server
# runs each session in a child)
stop live
dead0=$(grep -c 'declaring it dead' "$T/r1.log")
sp=$(pid_of srv)
kids=$(pgrep -P "$sp")
# shellcheck disable=SC2086 # a list of pids
kill -STOP "$sp" $kids
if wait_for 6 sh -c "[ \$(grep -c 'declaring it dead' $T/r1.log) -gt $dead0 ]"; then
	ktap_ok "a stopped server is still declared dead"
else
	ktap_fail "a stopped server is still declared dead" "$(tail -n 5 "$T/r1.log")"
fi
# shellcheck disable=SC2086
kill -CONT "$sp" $kids
stop r1

# ---- stopped again and again while the server is stalled: a late loop
# is excused once per silence, then the unanswered heartbeat decides (on a
# loaded machine every look can be late; 31's stalled server went
# undetected so on the debug kernel) ----
# (the stall starts 3 s into the session: rcand is being stopped by then,
# or a loop that never leaves would judge it on time)
server srv9 29579 -i rcvcan6 --no-beacon -v --fault stall=3000:30000 --fault-sessions 1
rcand_up r9 -n rcant9 --heartbeat 300 --timeout 1500 --backoff 5000:6000 \
	127.0.0.1:29579 rcvcan6
i=0
while [ $i -lt 8 ] && [ "$(died r9)" = 0 ]; do
	kill -STOP "$(pid_of r9)"
	sleep 2
	kill -CONT "$(pid_of r9)"
	sleep 0.2
	i=$((i + 1))
done
if [ "$(died r9)" != 0 ] && grep -q 'stalling for' "$T/srv9.log"; then
	ktap_ok "stopped 2 s at a time while the server stalls: declared dead after $i stops"
else
	ktap_fail "stopped 2 s at a time while the server stalls: declared dead" "$(grep -c 'asking the server' "$T/r9.log") late looks excused; $(tail -n 5 "$T/r9.log")"
fi
stop r9
pkill -P "$(pid_of srv9)"
stop srv9

# ---- --tx-rate onto a remote queue of 10 frames (tbf at 500 kbit/s,
# about 3900 frames/s): bursts no bigger than half of it, the rate kept ----
add_vcan rcvcan7
tc qdisc replace dev rcvcan7 root tbf rate 500kbit burst 160 limit 160
server srv7 29571 -i rcvcan7 --no-beacon --stats "$T/srv7.stats"
rcand_up r7 -n rcant7 --tx-rate 2000 127.0.0.1:29571 rcvcan7
ip link set rcant7 txqueuelen 1000 up
dump rate rcvcan7
# idle for a while first: an idle bucket fills up
sleep 0.5
$PY $SEQ send rcant7 2000 >"$T/rate-send.log" 2>&1
wait_count "$T/rate.log" 2000 60
sleep 0.5
stop rate
span=$(awk 'NR == 1 { gsub(/[()]/, "", $1); a = $1 } { gsub(/[()]/, "", $1); b = $1 } END { printf "%d", (b - a) * 1000 }' "$T/rate.log")
if $PY $SEQ check "$T/rate.log" 2000 >"$T/rate-check.log" &&
	[ "$(died r7)" = 0 ] && ! grep -q 'end=can-write-failed' "$T/srv7.stats"; then
	ktap_ok "--tx-rate 2000: 2000 frames onto a 10-frame remote queue arrive in order, the session never dropped"
else
	ktap_fail "--tx-rate 2000: 2000 frames onto a 10-frame remote queue arrive in order, the session never dropped" "$(cat "$T/rate-check.log"; tail -n 5 "$T/r7.log"; tc -s qdisc show dev rcvcan7)"
fi
# 2000 frames at 2000/s: a second, less the first burst
ktap_check "--tx-rate 2000: the 2000 frames took at least 900 ms on the remote bus ($span ms)" \
	test "$span" -ge 900
if grep -q 'pacing TX at --tx-rate 2000.*bursts of at most 5 frames' "$T/r7.log"; then
	ktap_ok "--tx-rate goes through the pacer: bursts of at most half the remote queue"
else
	ktap_fail "--tx-rate goes through the pacer: bursts of at most half the remote queue" "$(cat "$T/r7.log")"
fi
stop r7
tc qdisc del dev rcvcan7 root

# ---- a round trip that rises from about 0 to 50 ms during a flood ----
# netem on lo for the server's port only (a prio band no priority maps to,
# u32 filters on the port), 25 ms each way
netem_rtt() {
	tc qdisc add dev lo root handle 1: prio bands 4 \
		priomap 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 &&
		NETEM=1 &&
		tc qdisc add dev lo parent 1:4 handle 40: netem \
			delay "$(($1 * 500))us" limit 100000 &&
		tc filter add dev lo parent 1: protocol ip prio 1 u32 \
			match ip sport "$2" 0xffff flowid 1:4 &&
		tc filter add dev lo parent 1: protocol ip prio 1 u32 \
			match ip dport "$2" 0xffff flowid 1:4
}
# secs HH:MM:SS.mmm: seconds since midnight
secs() {
	echo "$1" | awk -F: '{ printf "%.3f", $1 * 3600 + $2 * 60 + $3 }'
}
server srv8 29572 -i rcvcan7 --no-beacon
rcand_up r8 -v -n rcant8 127.0.0.1:29572 rcvcan7
ip link set rcant8 txqueuelen 1000 up
bg wan candump -L -r 16777216 rcvcan7
sleep 0.3
# one stream of 15000 frames at 1500/s (more than 64 frames per 50 ms):
# its first second on the LAN sets the minimum, then netem comes while it
# runs, so the minimum must be found again with frames in flight
bg send $PY $SEQ send rcant8 15000 --rate 1500
wait_for 60 sh -c "[ \$(wc -l <$T/wan.log) -ge 1500 ]"
netem_rtt 50 29572 || ktap_diag "netem failed"
t0=$(secs "$(date +%H:%M:%S.%N)")
nrise=$(wc -l <"$T/wan.log")
wait_count "$T/wan.log" 15000 180
sleep 0.5
stop wan
stop send
# the first window sized on a minimum round trip of 45 ms or more: when
# rcand's estimate followed the path (asserted on the estimate, not on
# the rate: on two emulated CPUs shared with the host's load the rate
# swings several-fold from second to second)
hit=$(grep 'TX window [0-9]* -> [0-9]* (' "$T/r8.log" | sed -n 's/^\([0-9:.]*\) .*TX window \([0-9]*\) -> \([0-9]*\) (.*min \([0-9]*\)).*/\1 \2 \3 \4/p' |
	while read -r at from to min; do
		s=$(secs "$at")
		if awk "BEGIN { exit !($s >= $t0 && $min >= 45000 && $to > $from) }"; then
			awk "BEGIN { printf \"%.3f %s %s %s\", $s - $t0, $from, $to, $min }"
			break
		fi
	done)
lag=${hit%% *}
# the rate on the remote bus, second by second from the first frame:
# shown, not asserted
ktap_diag "frames per second after the rise: $(awk -v a="$nrise" 'NR == a { gsub(/[()]/, "", $1); f = $1 } NR > a { gsub(/[()]/, "", $1); n[int($1 - f)]++ } END { for (i = 0; i in n; i++) printf "%d ", n[i] }' "$T/wan.log")"
if [ -n "$hit" ] && awk "BEGIN { exit !($lag <= 2.0 * ${RCAN_SLOW:-1}) }"; then
	ktap_ok "round trip 0 -> 50 ms mid-session: the window grows on a new minimum within 2 s (after $lag s: window, to, min us: ${hit#* })"
else
	ktap_fail "round trip 0 -> 50 ms mid-session: the window grows on a new minimum within 2 s" "rise at $t0 s of the day, after $nrise frames; first: ${hit:-none}; $(grep 'TX window\|round trip' "$T/r8.log" | tail -n 12)"
fi
if $PY $SEQ check "$T/wan.log" 15000 >"$T/wan-check.log" && [ "$(died r8)" = 0 ]; then
	ktap_ok "15000 frames across the rise arrive in order, the session never dropped"
else
	ktap_fail "15000 frames across the rise arrive in order, the session never dropped" "$(cat "$T/wan-check.log"; tail -n 5 "$T/r8.log")"
fi
stop r8
ktap_finish
