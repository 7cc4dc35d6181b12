#!/bin/sh
# matrix: server
# Clients that work with socketcand work with rcand serve, unchanged:
# python-can's socketcand interface (Debian's python3-can) both ways,
# rcand discover and python-can's detect_beacon() reading its beacon,
# rcand attach --discover to it; and
# `rcand list` on the server shows its clients and their counters.
. tests/lib/ktap.sh
. tests/helper/guest-lib.sh
SERVER=tests/helper/rcand-serve

PY=/usr/bin/python3
BDEST=${RCAND_BEACON_DEST:-127.0.0.1}
ktap_plan 9

setup() {
	load_rcan && add_vcan rscl0 &&
		server srv 29570 -i rscl0 --name servebox --beacon-interval 300 \
			--beacon-dest "$BDEST" --status-socket "$T/status.sock"
}
if setup; then
	ktap_ok "rcand serve starts with its beacon"
else
	ktap_fail "rcand serve starts with its beacon"
	show_log srv
	ktap_finish
fi

ktap_check "without -l it listens on loopback only" \
	sh -c "ss -Hltn 'sport = :29570' | awk '{print \$4}' | grep -qx '127.0.0.1:29570'"

$RCAND discover -t 1500 >"$T/disc.txt" 2>&1
ktap_check "rcand discover finds rcand serve by its beacon, with its bus" \
	grep -q '^servebox (.*) at 127.0.0.1:29570, buses: rscl0$' "$T/disc.txt"

# python-can's detect_beacon(), or what it does where Debian's python-can
# has none (detect_beacon.py says which)
$PY tests/helper/detect_beacon.py >"$T/detect.txt" 2>&1
ktap_check "detect_beacon(): one socketcand config, 127.0.0.1 port 29570 channel rscl0 ($(head -n 1 "$T/detect.txt" | sed 's/^# //'))" \
	grep -qx 'socketcand 127.0.0.1 29570 rscl0' "$T/detect.txt"

# python-can's socketcand interface, as a socketcand user runs it
cat >"$T/pyc.py" <<'PYEOF'
import subprocess, sys, time
import can
bus = can.Bus(interface="socketcand", host="127.0.0.1", port=29570, channel="rscl0")
bus.send(can.Message(arbitration_id=0x321, data=[1, 2, 3], is_extended_id=False))
bus.send(can.Message(arbitration_id=0x1ABCDEF0, data=b"\xde\xad", is_extended_id=True))
time.sleep(0.3)
subprocess.run(["cansend", "rscl0", "555#CAFE"], check=True)
subprocess.run(["cansend", "rscl0", "1F334455#0102"], check=True)
got = []
for _ in range(50):
    m = bus.recv(0.1)
    if m is not None:
        got.append((m.arbitration_id, bytes(m.data)))
    if len(got) == 2:
        break
print("received", got)
bus.shutdown()
sys.exit(0 if got == [(0x555, b"\xca\xfe"), (0x1F334455, b"\x01\x02")] else 1)
PYEOF
dump pytx rscl0
if $PY "$T/pyc.py" >"$T/pyc.log" 2>&1; then
	ktap_ok "python-can interface=socketcand receives from rcand serve"
else
	ktap_fail "python-can interface=socketcand receives from rcand serve" "$(cat "$T/pyc.log")"
fi
wait_for 5 grep -q '1ABCDEF0#DEAD' "$T/pytx.log"
stop pytx
if grep -q ' 321#010203' "$T/pytx.log" && grep -q ' 1ABCDEF0#DEAD' "$T/pytx.log"; then
	ktap_ok "python-can interface=socketcand sends through rcand serve"
else
	ktap_fail "python-can interface=socketcand sends through rcand serve" "$(cat "$T/pytx.log")"
fi

# rcand attach --discover: the beacon names the server, rcand connects
if rcand_up rd -n rcant53 --discover rscl0; then
	ip link set rcant53 up
	dump d rcant53
	cansend rscl0 444#44
	wait_for 5 grep -q '444#44' "$T/d.log"
	stop d
	ktap_check "rcand attach --discover connects to rcand serve, frames flow" \
		grep -q '444#44' "$T/d.log"
else
	ktap_fail "rcand attach --discover connects to rcand serve, frames flow"
	show_log rd
fi

# rcand list on the server: its clients and their counters
"$RCAND" list --serve="$T/status.sock" >"$T/list.txt" 2>&1
"$RCAND" list --serve="$T/status.sock" --json >"$T/list.json" 2>&1
ktap_check "rcand list on the server shows the rcand client, its bus, mode and counters" \
	grep -qE '^ *[0-9]+ +127\.0\.0\.1:[0-9]+ +rscl0 +raw .*frames_to_client [1-9]' "$T/list.txt"
ktap_check "rcand list --json on the server: valid JSON with the client's counters" \
	$PY -c "import json,sys; d=json.load(open(sys.argv[1])); c=d['list'][0]; sys.exit(0 if c['bus']=='rscl0' and c['mode']=='raw' and c['frames_to_client']>=1 else 1)" "$T/list.json"
stop rd
ktap_finish
