#!/bin/sh
# rcand under faults: refusals and exit codes, a server killed and
# restarted, a stalled server, garbage and oversize elements, kill -9 of
# rcand and a new rcand taking the link back; and the exact bytes rcand
# writes, seen by a scripted server.
. tests/lib/ktap.sh
. tests/helper/guest-lib.sh

PY=/usr/bin/python3
FAKE=tests/helper/fake-socketcand.py
ktap_plan 25

# fake NAME PORT ARGS...: the scripted server, its wire log in $T/NAME.wire
fake() {
	_name=$1
	_port=$2
	shift 2
	rm -f "$T/$_name.wire.ready"
	bg "$_name" $PY $FAKE "$_port" "$T/$_name.wire" "$@"
	wait_for 10 test -e "$T/$_name.wire.ready"
}

# attach_fails NAME CODE TEXT ARGS...: rcand attach exits with CODE and
# says TEXT on stderr
attach_fails() {
	_name=$1
	_code=$2
	_text=$3
	shift 3
	timeout 30 "$RCAND" attach -f "$@" >"$T/$_name.log" 2>&1
	_rc=$?
	if [ "$_rc" = "$_code" ] && grep -q "$_text" "$T/$_name.log"; then
		ktap_ok "$_name: exit $_code, '$_text'"
	else
		ktap_fail "$_name: exit $_code, '$_text'" "exit $_rc: $(cat "$T/$_name.log")"
	fi
}

# ---- errors a person understands, with exit codes ----
if [ -e /sys/module/rcan ]; then
	ktap_skip "no module: exit 3" "rcan was loaded before the test"
else
	"$RCAND" list >"$T/nomod.log" 2>&1
	rc=$?
	if [ $rc = 3 ] && grep -q 'module is not loaded' "$T/nomod.log"; then
		ktap_ok "no module: exit 3, 'module is not loaded'"
	else
		ktap_fail "no module: exit 3, 'module is not loaded'" "exit $rc: $(cat "$T/nomod.log")"
	fi
fi
if load_rcan && fake fkp 29564; then
	ktap_ok "module loads, scripted server starts"
else
	ktap_fail "module loads, scripted server starts"
	ktap_finish
fi

# shellcheck disable=SC2016
if command -v setpriv >/dev/null; then
	timeout 30 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$RCAND" attach -f -n rcant9 127.0.0.1:29564 rcbus >"$T/noperm.log" 2>&1
	rc=$?
	if [ $rc = 4 ] && grep -q 'permission denied' "$T/noperm.log"; then
		ktap_ok "no privileges: exit 4, 'permission denied'"
	else
		ktap_fail "no privileges: exit 4, 'permission denied'" "exit $rc: $(cat "$T/noperm.log")"
	fi
else
	ktap_skip "no privileges: exit 4" "no setpriv"
fi
attach_fails "unknown host" 5 "unknown host 'no-such-host.invalid'" \
	-n rcant9 no-such-host.invalid can0
attach_fails "refused connection" 6 "Connection refused" \
	--no-reconnect -n rcant9 127.0.0.1:29599 can0
fake fkr 29560 --first refuse
attach_fails "< error could not open bus >" 7 "server refused bus 'canx'" \
	-n rcant9 127.0.0.1:29560 canx
stop fkr
fake fkv 29561 --first vanish
attach_fails "ok, ok, then closed" 7 "no such bus on the server" \
	-n rcant9 127.0.0.1:29561 canx
stop fkv
ktap_check "no netdev is left behind by a refused attach" \
	test ! -e /sys/class/net/rcant9

# ---- the bytes rcand writes ----
fake fkw 29562
if rcand_up rw -n rcant4 127.0.0.1:29562 rcbus; then
	ip link set rcant4 up
	for f in 123#1122334455667788 12345678#DEAD 123# 00000005# 7FF#01; do
		cansend rcant4 "$f"
	done
	sleep 1
	wire=$(cat "$T/fkw.wire")
	ok=1
	# rcand asks for the rcan extension first (docs/RCAN-EXTENSION.md)
	case "$wire" in "< rcan 1 confirm state >< open rcbus >< rawmode >< echo >"*) ;; *) ok=0 ;; esac
	for e in "< send 123 8 11 22 33 44 55 66 77 88 >" "< send 12345678 2 DE AD >" \
		"< send 123 0 >" "< send 00000005 0 >" "< send 7FF 1 01 >"; do
		case "$wire" in *"$e"*) ;; *) ok=0 ;; esac
	done
	case "$wire" in *"< send 7FF 1 01 >"*"< echo >") ;; *) ok=0 ;; esac
	if [ $ok = 1 ]; then
		ktap_ok "wire: handshake, < send > with exact id widths, each batch closed by < echo >"
	else
		ktap_fail "wire: handshake, < send > with exact id widths, each batch closed by < echo >" "$wire"
	fi
else
	ktap_fail "wire: handshake, < send > with exact id widths, each batch closed by < echo >"
	show_log rw
fi
stop rw
stop fkw

# ---- garbage and oversize elements: logged once, reset, reconnected ----
for mode in garbage oversize; do
	fake "fk$mode" 29563 --first "$mode"
	dump "d$mode" rcant4
	rcand_up "r$mode" -n rcant4 --backoff 100:500 127.0.0.1:29563 rcbus
	ip link set rcant4 up
	wait_for 10 sh -c "[ \"\$(cat $T/fk$mode.wire.sessions 2>/dev/null)\" = 2 ] && [ \$(grep -c 'connected to' $T/r$mode.log) -ge 2 ]"
	stop "d$mode"
	if [ "$(cat "$T/fk$mode.wire.sessions")" = 2 ] &&
		[ "$(grep -c "$([ $mode = garbage ] && echo 'garbage from' || echo 'longer than 8290')" "$T/r$mode.log")" = 1 ] &&
		grep -q '123#11' "$T/d$mode.log"; then
		ktap_ok "$mode: the frame before it arrives, one log line, the session is reset and back"
	else
		ktap_fail "$mode: the frame before it arrives, one log line, the session is reset and back" "$(cat "$T/r$mode.log")"
	fi
	stop "r$mode"
	stop "fk$mode"
done

# ---- against the test server ----
if add_vcan rcvcan3 && server srv 29550 -i rcvcan3 --no-beacon; then
	ktap_ok "test server starts on a vcan"
else
	ktap_fail "test server starts on a vcan"
	show_log srv
	for c in "test server refuses the bus" "fault garbage" "fault oversize" \
		"fault unterminated" "server killed: carrier drops" \
		"server restarted" "stalled server: declared dead" \
		"stalled server: reconnected" "kill -9: take back" "bitrate change" \
		"--bittiming" "ENOBUFS" "--tx-rate"; do
		ktap_fail "$c" "no test server"
	done
	ktap_finish
fi
attach_fails "test server refuses the bus" 7 "server refused bus 'nosuchbus'" \
	-n rcant9 127.0.0.1:29550 nosuchbus

# ---- the test server's garbage, oversize and unterminated elements ----
for f in garbage oversize unterminated; do
	server "s$f" 29552 -i rcvcan3 --no-beacon --fault "$f" --fault-sessions 1
	rcand_up "t$f" -n rcant6 --heartbeat 300 --timeout 1500 --backoff 100:500 \
		127.0.0.1:29552 rcvcan3
	up=$?
	ip link set rcant6 up
	dump "c$f" rcant6
	cansend rcvcan3 0AB#01
	wait_for 5 grep -q '0AB#' "$T/c$f.log"
	stop "c$f"
	case $f in
	garbage) what='garbage from' ;;
	oversize) what='longer than 8290' ;;
	unterminated) what='garbage from\|declaring it dead' ;;
	esac
	if [ $up = 0 ] && [ "$(grep -c "$what" "$T/t$f.log")" = 1 ] &&
		grep -q '0AB#' "$T/c$f.log"; then
		ktap_ok "test server fault $f: one log line, reconnected, frames flow"
	else
		ktap_fail "test server fault $f: one log line, reconnected, frames flow" "$(cat "$T/t$f.log")"
	fi
	stop "t$f"
	stop "s$f"
done

# ---- server killed and restarted, candump keeps running ----
add_vcan rcvcan4
server srv2 29551 -i rcvcan4 --no-beacon
rcand_up r2 -n rcant5 --backoff 100:1000 127.0.0.1:29551 rcvcan4
ip link set rcant5 up
idx=$(ifindex rcant5)
dump keep rcant5
# the daemon forks a process per client: kill the session too
sp=$(pid_of srv2)
children=$(pgrep -P "$sp" 2>/dev/null)
stop srv2 KILL
# shellcheck disable=SC2086
[ -n "$children" ] && kill -KILL $children 2>/dev/null
if wait_for 5 sh -c '[ "$(cat /sys/class/net/rcant5/carrier)" = 0 ]'; then
	ktap_ok "server killed: carrier drops"
else
	ktap_fail "server killed: carrier drops"
fi
# a restarted daemon may not bind at once (no SO_REUSEADDR): keep trying
i=0
while ! server srv2 29551 -i rcvcan4 --no-beacon && [ $i -lt 8 ]; do
	stop srv2
	sleep 10
	i=$((i + 1))
done
wait_for 20 sh -c '[ "$(cat /sys/class/net/rcant5/carrier)" = 1 ]'
cansend rcvcan4 321#BEEF
wait_for 5 grep -q '321#BEEF' "$T/keep.log"
if [ "$(carrier rcant5)" = 1 ] && [ "$(ifindex rcant5)" = "$idx" ] &&
	alive keep && grep -q '321#BEEF' "$T/keep.log"; then
	ktap_ok "server restarted: same netdev and ifindex, the running candump gets new frames"
else
	ktap_fail "server restarted: same netdev and ifindex, the running candump gets new frames" "carrier $(carrier rcant5), ifindex $idx -> $(ifindex rcant5)"
	show_log r2
fi

# ---- stalled server: the heartbeat finds out ----
stop r2
stop srv2
server srv2 29551 -i rcvcan4 --no-beacon --fault stall=500:8000 --fault-sessions 1
rcand_up r3 -n rcant5 --heartbeat 300 --timeout 1500 --backoff 3000:4000 \
	127.0.0.1:29551 rcvcan4
t0=$(date +%s)
wait_for 6 grep -q 'declaring it dead' "$T/r3.log"
dead=$?
wait_for 3 sh -c '[ "$(cat /sys/class/net/rcant5/carrier)" = 0 ]'
c0=$(carrier rcant5)
if [ $dead = 0 ] && [ "$c0" = 0 ]; then
	ktap_ok "stalled server: declared dead by the heartbeat within $(($(date +%s) - t0)) s, carrier off"
else
	ktap_fail "stalled server: declared dead by the heartbeat, carrier off" "$(tail -n 5 "$T/r3.log")"
fi
if wait_for 15 sh -c '[ "$(cat /sys/class/net/rcant5/carrier)" = 1 ]'; then
	ktap_ok "stalled server: a new session comes up on the same netdev"
else
	ktap_fail "stalled server: a new session comes up on the same netdev"
	show_log r3
fi

# ---- kill -9 of rcand, a new rcand takes the link back ----
stop r3 KILL
wait_for 3 sh -c '[ "$(cat /sys/class/net/rcant5/carrier)" = 0 ]'
c0=$(carrier rcant5)
if rcand_up r4 -n rcant5 127.0.0.1:29551 rcvcan4 &&
	grep -q 'took back rcant5' "$T/r4.log"; then
	dump back rcvcan4
	cansend rcant5 654#01020304
	cansend rcvcan4 655#05
	wait_for 5 grep -q '654#01020304' "$T/back.log"
	wait_for 5 grep -q '655#05' "$T/keep.log"
	stop back
	if [ "$c0" = 0 ] && [ "$(ifindex rcant5)" = "$idx" ] &&
		grep -q '654#01020304' "$T/back.log" && grep -q '655#05' "$T/keep.log"; then
		ktap_ok "kill -9: carrier off, a new rcand takes the same netdev back, traffic both ways"
	else
		ktap_fail "kill -9: carrier off, a new rcand takes the same netdev back, traffic both ways" "carrier after kill $c0"
	fi
else
	ktap_fail "kill -9: carrier off, a new rcand takes the same netdev back, traffic both ways"
	show_log r4
fi

# ---- a bitrate change without --bittiming paces TX, is not sent to the
# server (no reconnect), and rcand says so ----
ip link set rcant5 down
if ip link set rcant5 type can bitrate 500000 2>"$T/br.log" &&
	wait_for 3 grep -q 'bitrate 500000 is not set on the server' "$T/r4.log" &&
	grep -q 'pacing TX at bitrate 500000' "$T/r4.log" &&
	! grep -q 'reconnecting to set it' "$T/r4.log"; then
	ktap_ok "bitrate change: rcand paces TX at it and says the server is not told"
else
	ktap_fail "bitrate change: rcand paces TX at it and says the server is not told" "$(cat "$T/br.log"; tail -n 3 "$T/r4.log")"
fi
stop r4
stop keep

# ---- --bittiming: the bitrate goes to the server before < open > ----
server srvbt 29553 -i rcvcan3 --no-beacon --bittiming -v
rcand_up r5 -n rcant7 --bittiming --backoff 100:500 127.0.0.1:29553 rcvcan3
ip link set rcant7 down
ip link set rcant7 type can bitrate 250000 2>"$T/br2.log"
if wait_for 10 sh -c "grep -q 'setting bit timing on the server.s rcvcan3: bitrate 250000' $T/r5.log &&
	[ \$(grep -c 'connected to' $T/r5.log) -ge 2 ]"; then
	ktap_ok "--bittiming: a bitrate change is sent as < BUS B ... > on a new session, which comes up"
else
	ktap_fail "--bittiming: a bitrate change is sent as < BUS B ... > on a new session, which comes up" "$(cat "$T/br2.log"; tail -n 8 "$T/r5.log"; tail -n 5 "$T/srvbt.log")"
fi
stop r5

# ---- the server closes on ENOBUFS: frames in flight are failed, counted ----
server srvnb 29554 -i rcvcan3 --no-beacon --fault enobufs-after=20 --fault-sessions 1
rcand_up r6 -n rcant7 --backoff 100:500 127.0.0.1:29554 rcvcan3
ip link set rcant7 up
d0=$(cat /sys/class/net/rcant7/statistics/tx_dropped)
$PY tests/helper/canseq.py send rcant7 200 >"$T/nb-send.log" 2>&1
wait_for 10 sh -c "[ \$(grep -c 'connected to' $T/r6.log) -ge 2 ]"
d1=$(cat /sys/class/net/rcant7/statistics/tx_dropped)
if [ "$(grep -c 'connected to' "$T/r6.log")" -ge 2 ] && [ "$d1" -gt "$d0" ]; then
	ktap_ok "server closed on ENOBUFS: reconnected, unconfirmed frames failed and counted ($((d1 - d0)))"
else
	ktap_fail "server closed on ENOBUFS: reconnected, unconfirmed frames failed and counted" "tx_dropped $d0 -> $d1; $(tail -n 6 "$T/r6.log")"
fi
stop r6

# ---- --tx-rate paces the frames ----
rcand_up r7 -n rcant7 --tx-rate 100 127.0.0.1:29554 rcvcan3
dump rate rcvcan3
$PY tests/helper/canseq.py send rcant7 200 >"$T/rate-send.log" 2>&1
wait_count "$T/rate.log" 200 30
stop rate
span=$(awk 'NR == 1 { gsub(/[()]/, "", $1); a = $1 } { gsub(/[()]/, "", $1); b = $1 } END { printf "%d", (b - a) * 1000 }' "$T/rate.log")
if [ "$(wc -l <"$T/rate.log")" = 200 ] && [ "$span" -ge 1500 ]; then
	ktap_ok "--tx-rate 100: 200 frames take $span ms on the remote bus"
else
	ktap_fail "--tx-rate 100: 200 frames paced" "$(wc -l <"$T/rate.log") frames in $span ms"
fi
stop r7
ktap_finish
