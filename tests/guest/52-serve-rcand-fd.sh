#!/bin/sh
# matrix: user
# rcand --fd against rcand serve on a vcan with MTU 72: rcand's fingerprint
# finds the rawmode-canfd dialect; FD frames of every length and classic
# frames mixed in go both ways byte for byte (BRS/ESI are not in that
# dialect); python-can's FD bus on the netdev both ways; a classic rcand
# link on the same server gets no FD frame at all (the server sends FD
# only to a client that asked), and the server refuses nothing it showed.
. tests/lib/ktap.sh
. tests/helper/guest-lib.sh
SERVER=tests/helper/rcand-serve

PY=/usr/bin/python3
ktap_plan 8

setup() {
	load_rcan && add_vcan rsfd0 && ip link set rsfd0 down &&
		ip link set rsfd0 mtu 72 && ip link set rsfd0 up &&
		server srv 29560 -i rsfd0 --no-beacon --stats "$T/srv.stats"
}
if ! setup; then
	ktap_fail "module, vcan (MTU 72) and rcand serve start"
	show_log srv
	ktap_finish
fi
dump fp rsfd0
if rcand_up rfd --fd -n rcant50 127.0.0.1:29560 rsfd0 &&
	rcand_up rcl -n rcant51 127.0.0.1:29560 rsfd0; then
	ktap_ok "rcand serve, rcand --fd and a classic rcand up"
else
	ktap_fail "rcand serve, rcand --fd and a classic rcand up"
	show_log rfd
	show_log srv
fi
ip link set rcant50 up
ip link set rcant51 up
sleep 0.5
stop fp
ktap_check "the fingerprint picks rawmode-canfd and puts nothing on the bus" \
	sh -c "grep -q \"speaks the CAN FD dialect 'rawmode-canfd' (fingerprint)\" $T/rfd.log && test ! -s $T/fp.log"

# every FD length, classic frames between, what should arrive
cat >"$T/gen.py" <<'PYEOF'
import sys
what = sys.argv[1]
LENS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64]
for n, ln in enumerate(LENS, 1):
    cid = "1ABCDEF0" if n % 2 else "123"
    data = "".join("%02X" % ((n * 29 + i * 7) & 255) for i in range(ln))
    print("%s##0%s" % (cid, data) if what == "send" else "%s##?%s" % (cid, data))
    if n % 3 == 0:
        print("%03X#%02X%02X" % (0x300 + n, n, 255 - n))
PYEOF
cat >"$T/norm.py" <<'PYEOF'
import sys
for line in sys.stdin:
    w = line.split()
    if len(w) < 3:
        continue
    f = w[2]
    if "##" in f:
        cid, rest = f.split("##", 1)
        f = "%s##?%s" % (cid, rest[1:])  # the dialect carries no flags
    print(f)
PYEOF
one_way() { # FROM TO NAME
	$PY "$T/gen.py" send >"$T/$3.send"
	$PY "$T/gen.py" want >"$T/$3.want"
	dump "$3" "$2"
	while read -r f; do
		cansend "$1" "$f" 2>>"$T/$3.err"
	done <"$T/$3.send"
	wait_count "$T/$3.log" "$(wc -l <"$T/$3.want")" 20
	sleep 0.5
	stop "$3"
	$PY "$T/norm.py" <"$T/$3.log" >"$T/$3.got"
	cmp -s "$T/$3.want" "$T/$3.got"
}

dump cl rcant51
if one_way rsfd0 rcant50 rx; then
	ktap_ok "RX: every FD length, classic frames mixed in, byte for byte"
else
	ktap_fail "RX: every FD length, classic frames mixed in, byte for byte" "$(diff "$T/rx.want" "$T/rx.got" | head -20)"
fi
stop cl
got=$(frames cl | tr '\n' ' ' | sed 's/ $//')
want=$(grep -v '##' "$T/rx.want" | tr '\n' ' ' | sed 's/ $//')
if [ "$got" = "$want" ] && ! grep -q 'dropping CAN FD' "$T/rcl.log"; then
	ktap_ok "a classic rcand on the same server gets the classic frames and no FD frame at all"
else
	ktap_fail "a classic rcand on the same server gets the classic frames and no FD frame at all" "got: $got; want: $want"
fi
if one_way rcant50 rsfd0 tx; then
	ktap_ok "TX: every FD length, classic frames mixed in, byte for byte"
else
	ktap_fail "TX: every FD length, classic frames mixed in, byte for byte" "$(diff "$T/tx.want" "$T/tx.got" | head -20; cat "$T/tx.err")"
	show_log rfd
fi

cat >"$T/pyfd.py" <<'PYEOF'
import subprocess, sys
import can
bus = can.Bus(interface="socketcan", channel=sys.argv[1], fd=True)
bus.send(can.Message(arbitration_id=0x1F00ABCD, is_extended_id=True, is_fd=True,
                     data=bytes(range(64))))
subprocess.run(["cansend", "rsfd0", "456##0" + "5A" * 48], check=True)
for _ in range(100):
    m = bus.recv(0.1)
    if m is None or m.arbitration_id != 0x456:
        continue
    print("received", m)
    sys.exit(0 if m.is_fd and bytes(m.data) == b"\x5a" * 48 else 1)
sys.exit(1)
PYEOF
dump py rsfd0
if $PY "$T/pyfd.py" rcant50 >"$T/py.out" 2>&1; then
	ktap_ok "python-can FD bus receives on the rcan netdev"
else
	ktap_fail "python-can FD bus receives on the rcan netdev" "$(cat "$T/py.out")"
fi
wait_for 5 grep -q '1F00ABCD##' "$T/py.log"
stop py
if grep -q '1F00ABCD##.000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F' "$T/py.log"; then
	ktap_ok "python-can FD bus sends on the rcan netdev"
else
	ktap_fail "python-can FD bus sends on the rcan netdev" "$(cat "$T/py.log")"
fi

kill -USR1 "$(pid_of srv)"
sleep 0.5
ktap_check "the server refused no frame and dropped none" \
	sh -c "! grep -E 'tx_refused=[1-9]|slow_drops=[1-9]|can_drops=[1-9]' $T/srv.stats"
ktap_finish
