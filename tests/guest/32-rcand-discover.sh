#!/bin/sh
# rcand discover and attach --discover against test servers' beacons.
# matrix: user
. tests/lib/ktap.sh
. tests/helper/guest-lib.sh

PY=/usr/bin/python3
BDEST=${RCAND_BEACON_DEST:-127.0.0.1}
ktap_plan 6

setup() {
	load_rcan && add_vcan rcvcan1 && add_vcan rcvcan2 &&
		server srva 29540 -i rcvcan1 --name srva --beacon-interval 300 --beacon-dest "$BDEST" &&
		server srvb 29541 -i rcvcan2 --name srvb --beacon-interval 300 --beacon-dest "$BDEST"
}
if setup; then
	ktap_ok "two test servers announce themselves"
else
	ktap_fail "two test servers announce themselves"
	show_log srva
	ktap_finish
fi

$RCAND discover -t 1500 >"$T/disc.txt" 2>&1
if grep -q '^srva (.*) at 127.0.0.1:29540, buses: rcvcan1$' "$T/disc.txt" &&
	grep -q '^srvb (.*) at 127.0.0.1:29541, buses: rcvcan2$' "$T/disc.txt" &&
	[ "$(wc -l <"$T/disc.txt")" -eq 2 ]; then
	ktap_ok "discover lists both servers once each, with their buses"
else
	ktap_fail "discover lists both servers once each, with their buses" "$(cat "$T/disc.txt")"
fi

$RCAND discover -t 1500 --json >"$T/disc.json" 2>&1
cat >"$T/j.py" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
ports = sorted(s["port"] for s in d)
buses = sorted(b for s in d for b in s["buses"])
ok = ports == [29540, 29541] and buses == ["rcvcan1", "rcvcan2"] and \
    sorted(s["name"] for s in d) == ["srva", "srvb"] and \
    all(s["host"] == "127.0.0.1" and s["url"].startswith("can://") for s in d)
sys.exit(0 if ok else 1)
PYEOF
ktap_check "discover --json is valid JSON with host, port, url and buses" \
	$PY "$T/j.py" "$T/disc.json"

# a server announcing an unusable address: the beacon's source is used
stop srvb
server srvc 29542 -i rcvcan2 --name srvc --beacon-interval 300 --beacon-dest "$BDEST" \
	--beacon-url-host 0.0.0.0
$RCAND discover -t 1500 >"$T/disc2.txt" 2>&1
if grep -q '127.0.0.1:29542.*from the beacon.s source' "$T/disc2.txt"; then
	ktap_ok "an unusable announced address is replaced by the beacon's source"
else
	ktap_fail "an unusable announced address is replaced by the beacon's source" "$(cat "$T/disc2.txt")"
fi

if rcand_up rcand -n rcant2 --discover rcvcan2 -t 3000 &&
	grep -q 'discovered .* at 127.0.0.1:29542, bus rcvcan2' "$T/rcand.log"; then
	ktap_ok "attach --discover BUS connects to the server announcing BUS"
else
	ktap_fail "attach --discover BUS connects to the server announcing BUS"
	show_log rcand
fi
ip link set rcant2 up
dump d rcant2
cansend rcvcan2 42A#0102
wait_for 5 grep -q '42A#0102' "$T/d.log"
stop d
ktap_check "frames flow on the discovered bus" grep -q '42A#0102' "$T/d.log"
ktap_finish
