#!/bin/sh
# rcand end to end: rcan.ko + rcand + the test server on a vcan, checked
# with can-utils and python-can on the rcan netdev.
# matrix: user
. tests/lib/ktap.sh
. tests/helper/guest-lib.sh

PY=/usr/bin/python3
SEQ=tests/helper/canseq.py
N=${RCAND_TEST_FRAMES:-100000}
ktap_plan 17

setup() {
	# The server's CAN socket drops what it cannot read in time, as the
	# real daemon's does; give it room so the TCG guest's hiccups do not
	# count against rcand.
	big_rmem
	load_rcan && add_vcan rcvcan0 &&
		server srv 29536 -i rcvcan0 -e 0x1FFFFFFF --no-beacon --stats "$T/srv.stats"
}
if ! setup; then
	ktap_fail "module, vcan and test server start"
	show_log srv
	ktap_finish
fi
ktap_ok "module, vcan and test server start"

if rcand_up rcand -n rcant0 127.0.0.1:29536 rcvcan0; then
	ktap_ok "rcand does the handshake and reports the session up"
else
	ktap_fail "rcand does the handshake and reports the session up"
	show_log rcand
	show_log srv
fi
ip link set rcant0 up
wait_for 5 sh -c '[ "$(cat /sys/class/net/rcant0/carrier)" = 1 ]'
ktap_check "carrier is on once connected" test "$(carrier rcant0)" = 1
ktap_check "rcand list --json shows the link connected to its remote" \
	sh -c "$RCAND list --json | tr -d '\n' | grep -q '\"ifname\": \"rcant0\".*\"remote\": \"can://127.0.0.1:29536/rcvcan0\".*\"connected\": true'"

# ---- server to local: byte for byte ----
dump rx rcant0
for f in 123#1122334455667788 12345678#DEADBEEF 123# 7FF#00 1FFFFFFF#0102030405060708 000#; do
	cansend rcvcan0 "$f"
done
wait_for 5 sh -c "[ \$(wc -l <$T/rx.log) -ge 6 ]"
stop rx
want="123#1122334455667788 12345678#DEADBEEF 123# 7FF#00 1FFFFFFF#0102030405060708 000#"
got=$(frames rx | tr '\n' ' ' | sed 's/ $//')
if [ "$got" = "$want" ]; then
	ktap_ok "RX: SFF, EFF, zero-length and 8-byte frames arrive byte for byte, in order"
else
	ktap_fail "RX: SFF, EFF, zero-length and 8-byte frames arrive byte for byte, in order" "want: $want
got:  $got"
fi

# hardware timestamp: the server's receive time, not zero
dump rxh rcant0 -H
before=$(date +%s)
cansend rcvcan0 456#AA
wait_for 5 sh -c "[ \$(wc -l <$T/rxh.log) -ge 1 ]"
stop rxh
ts=$(sed -n '1s/^(\([0-9]*\)\..*/\1/p' "$T/rxh.log")
if [ -n "$ts" ] && [ "$ts" -ge $((before - 5)) ] && [ "$ts" -le $((before + 5)) ]; then
	ktap_ok "RX frames carry the server's receive time as hardware timestamp"
else
	ktap_fail "RX frames carry the server's receive time as hardware timestamp" "$(cat "$T/rxh.log")"
fi

# error frames (the server forwards them with -e)
dump err "rcant0,#FFFFFFFF"
cansend rcvcan0 20000004#0000000000000000 2>"$T/errsend.log"
wait_for 5 grep -q '^(' "$T/err.log"
stop err
if grep -q ' 20000004#' "$T/err.log"; then
	ktap_ok "RX: < error > becomes a CAN_ERR_FLAG frame with the class"
else
	ktap_fail "RX: < error > becomes a CAN_ERR_FLAG frame with the class" "$(cat "$T/err.log" "$T/errsend.log")"
fi

# ---- local to server ----
dump tx rcvcan0
dump echo rcant0
for f in 123#1122334455667788 12345678#DEADBEEF 123# 00000005# 7FF#FF 1FFFFFFF#0102030405060708; do
	cansend rcant0 "$f"
done
wait_for 5 sh -c "[ \$(wc -l <$T/tx.log) -ge 6 ]"
wait_for 5 sh -c "[ \$(wc -l <$T/echo.log) -ge 6 ]"
stop tx
stop echo
want="123#1122334455667788 12345678#DEADBEEF 123# 00000005# 7FF#FF 1FFFFFFF#0102030405060708"
got=$(frames tx | tr '\n' ' ' | sed 's/ $//')
if [ "$got" = "$want" ]; then
	ktap_ok "TX: SFF, EFF, zero-length and 8-byte frames reach the remote bus byte for byte"
else
	ktap_fail "TX: SFF, EFF, zero-length and 8-byte frames reach the remote bus byte for byte" "want: $want
got:  $got"
fi
got=$(frames echo | tr '\n' ' ' | sed 's/ $//')
if [ "$got" = "$want" ]; then
	ktap_ok "TX: the local echo appears once the server confirmed the frames"
else
	ktap_fail "TX: the local echo appears once the server confirmed the frames" "got: $got"
fi

# RTR has no socketcand syntax: failed back and counted, nothing sent
dump rtr rcvcan0
tx_err0=$(cat /sys/class/net/rcant0/statistics/tx_errors /sys/class/net/rcant0/statistics/tx_dropped | awk '{s+=$1} END {print s}')
cansend rcant0 123#R
cansend rcant0 124#01
wait_for 5 grep -q '124#01' "$T/rtr.log"
stop rtr
tx_err1=$(cat /sys/class/net/rcant0/statistics/tx_errors /sys/class/net/rcant0/statistics/tx_dropped | awk '{s+=$1} END {print s}')
if ! grep -q '123#R' "$T/rtr.log" && grep -q '124#01' "$T/rtr.log" &&
	[ "$tx_err1" -gt "$tx_err0" ] && grep -q 'RTR frames cannot be sent' "$T/rcand.log"; then
	ktap_ok "TX: an RTR frame is failed back and counted, the next frame still goes"
else
	ktap_fail "TX: an RTR frame is failed back and counted, the next frame still goes" "$(cat "$T/rtr.log"; echo "tx errors+dropped $tx_err0 -> $tx_err1")"
fi

# ---- 100,000 frames each way ----
ip link set rcant0 txqueuelen 1000
bg bigtx candump -L -r 16777216 rcvcan0
sleep 0.3
start=$(date +%s)
$PY $SEQ send rcant0 "$N" >"$T/bigtx-send.log" 2>&1 &&
	wait_count "$T/bigtx.log" "$N" 300 && sleep 1
stop bigtx
if $PY $SEQ check "$T/bigtx.log" "$N" >"$T/bigtx-check.log"; then
	ktap_ok "TX: $N frames reach the remote bus in order, none lost ($(($(date +%s) - start)) s)"
else
	ktap_fail "TX: $N frames reach the remote bus in order, none lost" "$(cat "$T/bigtx-check.log" "$T/bigtx-send.log")"
	show_log rcand
fi

bg bigrx candump -L -r 16777216 rcant0
sleep 0.3
start=$(date +%s)
# The server's CAN socket drops what it cannot read in time (as the real
# daemon's does), so the bus load stays below what the guest can carry.
$PY $SEQ send rcvcan0 "$N" --eff --rate "${RCAND_RX_RATE:-1500}" >"$T/bigrx-send.log" 2>&1 &&
	wait_count "$T/bigrx.log" "$N" 300 && sleep 1
stop bigrx
if $PY $SEQ check "$T/bigrx.log" "$N" >"$T/bigrx-check.log"; then
	ktap_ok "RX: $N EFF frames arrive in order, none lost ($(($(date +%s) - start)) s)"
else
	kill -USR1 "$(pid_of srv)"
	sleep 0.5
	ktap_fail "RX: $N EFF frames arrive in order, none lost" "$(cat "$T/bigrx-check.log" "$T/bigrx-send.log" "$T/srv.stats" 2>&1)"
	show_log rcand
fi

# rcand's own counters (rcand list, from its state file, written once a
# second): every frame the server sent is one rcand handed to the kernel
# or one it dropped, and here it dropped none.
kill -USR1 "$(pid_of srv)"
sleep 1.5
srv_frames=$(tail -n 1 "$T/srv.stats" | sed -n 's/.*frames_to_client=\([0-9]*\).*/\1/p')
counters=$("$RCAND" list --json rcant0 | tr -d '\n' | sed -n 's/.*"rcand": {\([^}]*\)}.*/\1/p')
rx_frames=$(echo "$counters" | sed -n 's/.*"rx_frames": \([0-9]*\).*/\1/p')
rx_dropped=$(echo "$counters" | sed -n 's/.*"rx_dropped": \([0-9]*\).*/\1/p')
if [ -n "$srv_frames" ] && [ "$srv_frames" -ge "$N" ] &&
	[ "$rx_frames" = "$srv_frames" ] && [ "$rx_dropped" = 0 ]; then
	ktap_ok "rcand list --json: rcand handed the kernel every frame the server sent ($rx_frames)"
else
	ktap_fail "rcand list --json: rcand handed the kernel every frame the server sent" "server: ${srv_frames:-?}; rcand: ${counters:-none}"
fi

# ---- python-can, unchanged, on the rcan netdev ----
dump pytx rcvcan0
cat >"$T/py.py" <<'PYEOF'
import subprocess, sys
import can
bus = can.Bus(interface="socketcan", channel="rcant0")
bus.send(can.Message(arbitration_id=0x321, data=[1, 2, 3], is_extended_id=False))
bus.send(can.Message(arbitration_id=0x1ABCDEF0, data=b"\xde\xad", is_extended_id=True))
subprocess.run(["cansend", "rcvcan0", "555#CAFE"], check=True)
deadline = 50
while deadline:
    m = bus.recv(0.1)
    deadline -= 1
    if m is None or m.arbitration_id != 0x555:
        continue
    ok = bytes(m.data) == b"\xca\xfe" and not m.is_extended_id
    print("received", m)
    sys.exit(0 if ok else 1)
sys.exit(1)
PYEOF
if $PY "$T/py.py" >"$T/py.log" 2>&1; then
	ktap_ok "python-can (interface=socketcan) receives on the rcan netdev"
else
	ktap_fail "python-can (interface=socketcan) receives on the rcan netdev" "$(cat "$T/py.log")"
fi
wait_for 5 grep -q '1ABCDEF0#DEAD' "$T/pytx.log"
stop pytx
if grep -q '321#010203' "$T/pytx.log" && grep -q '1ABCDEF0#DEAD' "$T/pytx.log"; then
	ktap_ok "python-can (interface=socketcan) sends on the rcan netdev"
else
	ktap_fail "python-can (interface=socketcan) sends on the rcan netdev" "$(cat "$T/pytx.log")"
fi

# ---- clean shutdown ----
idx=$(ifindex rcant0)
stop rcand TERM
rc=$(cat "$T/rcand.rc")
if [ "$rc" = 0 ] && [ "$(ifindex rcant0)" = "$idx" ]; then
	ktap_ok "SIGTERM: rcand exits 0 and the netdev stays (--keep)"
else
	ktap_fail "SIGTERM: rcand exits 0 and the netdev stays (--keep)" "exit $rc"
	show_log rcand
fi
wait_for 3 sh -c '[ "$(cat /sys/class/net/rcant0/carrier)" = 0 ]'
ktap_check "carrier is off once rcand is gone" test "$(carrier rcant0)" = 0
ktap_finish
