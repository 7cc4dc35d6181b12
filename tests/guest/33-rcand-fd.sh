#!/bin/sh
# rcand and CAN FD: each socketcand FD dialect of the test server
# (docs/FD-DIALECTS.md) on a vcan with MTU 72 and an rcan netdev made with
# --fd: the fingerprint picks the dialect; frames of every FD length, with
# BRS/ESI where the dialect carries them, and classic frames mixed in, both
# ways, byte for byte (cansend/candump and python-can); FD frames a dialect
# cannot carry are failed back; a classic link on an FD server drops FD
# frames with one log line; the kernel's extended ack text reaches the user.
# matrix: user
. tests/lib/ktap.sh
. tests/helper/guest-lib.sh

PY=/usr/bin/python3
ktap_plan 35

setup() {
	load_rcan && add_vcan rcfd0 && ip link set rcfd0 down &&
		ip link set rcfd0 mtu 72 && ip link set rcfd0 up &&
		server srv 29540 -i rcfd0 --no-beacon --fd-dialect pr33
}
if ! setup; then
	ktap_fail "module, vcan (MTU 72) and test server start"
	show_log srv
	ktap_finish
fi

# ---- the kernel's extended ack text reaches the user ----
timeout 30 "$RCAND" attach -f --no-reconnect -n 'bad name!' \
	127.0.0.1:29540 rcfd0 >"$T/badname.log" 2>&1
if grep -q 'invalid interface name' "$T/badname.log"; then
	ktap_ok "extack: a refused name shows the kernel's text"
else
	ktap_fail "extack: a refused name shows the kernel's text" "$(cat "$T/badname.log")"
fi
rcand_up own -n rcant30 127.0.0.1:29540 rcfd0
timeout 30 "$RCAND" attach -f --no-reconnect -n rcant30 \
	127.0.0.1:29540 rcfd0 >"$T/taken.log" 2>&1
if grep -q 'link is attached to another socket' "$T/taken.log"; then
	ktap_ok "extack: attaching a link another rcand owns shows the kernel's text"
else
	ktap_fail "extack: attaching a link another rcand owns shows the kernel's text" "$(cat "$T/taken.log")"
fi

# ---- a classic link on an FD server: FD frames dropped, one log line ----
ip link set rcant30 up
dump cl rcant30
cansend rcfd0 123##1112233445566778899AABB
cansend rcfd0 124#01
cansend rcfd0 125##0AA
cansend rcfd0 126##200112233445566778899AABBCCDDEEFF
cansend rcfd0 127#02
wait_for 5 grep -q '127#02' "$T/cl.log"
stop cl
stop own
got=$(frames cl | tr '\n' ' ' | sed 's/ $//')
if [ "$got" = "124#01 127#02" ]; then
	ktap_ok "classic link on an FD server: classic frames arrive, FD frames do not"
else
	ktap_fail "classic link on an FD server: classic frames arrive, FD frames do not" "got: $got"
fi
if [ "$(grep -c 'dropping CAN FD frames' "$T/own.log")" = 1 ] &&
	grep -q 'rx dropped 3 frames' "$T/own.log"; then
	ktap_ok "classic link on an FD server: 3 FD frames counted as dropped, one log line"
else
	ktap_fail "classic link on an FD server: 3 FD frames counted as dropped, one log line" "$(grep -i 'drop' "$T/own.log")"
fi
stop srv

# The frames of one direction: every FD length, the flags a dialect
# carries, classic frames in between; what should arrive, normalized.
cat >"$T/gen.py" <<'PYEOF'
import sys
dialect, direction, what = sys.argv[1:4]
LENS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64]
flagsets = [0, 1, 2, 3] if dialect == "pr33" else [0]
out = []
n = 0
for fl in flagsets:
    for ln in LENS:
        n += 1
        cid = "1ABCDEF0" if n % 2 else "123"
        data = "".join("%02X" % ((n * 29 + i * 7) & 255) for i in range(ln))
        sent = "%s##%X%s" % (cid, fl, data)
        if dialect == "frame" and direction == "rx" and ln <= 8:
            want = "%s#%s" % (cid, data)  # cannot be told from classic
        elif dialect == "rawmode-canfd":
            want = "%s##?%s" % (cid, data)  # flags lost or stale
        else:
            want = sent
        out.append((sent, want))
        if n % 3 == 0:
            c = "%03X#%02X%02X" % (0x300 + n, n, 255 - n)
            # the frame dialect makes every send FD: classic ones fail
            out.append((c, None if dialect == "frame" and direction == "tx" else c))
for sent, want in out:
    if what == "send":
        print(sent)
    elif want is not None:
        print(want)
PYEOF
cat >"$T/norm.py" <<'PYEOF'
import sys
mask = sys.argv[1] == "rawmode-canfd"
for line in sys.stdin:
    w = line.split()
    if len(w) < 3:
        continue
    f = w[2]
    if "##" in f:
        cid, rest = f.split("##", 1)
        fl = int(rest[0], 16) & 3  # FDF (kernels from 6.2) says nothing
        f = "%s##%s%s" % (cid, "?" if mask else "%X" % fl, rest[1:])
    print(f)
PYEOF

txerrs() { # IFNAME: tx_errors (a failed-back frame also counts in tx_dropped)
	cat "/sys/class/net/$1/statistics/tx_errors"
}

# one_way D DIR FROM TO NAME: send D's frames of DIR on FROM, compare TO's.
# One canplayer sends them all, 1 ms apart, in order (a cansend per frame
# cost a process start each: 85 of them for pr33); the queue of 1000 takes
# what the TX window holds back meanwhile, as cansend's pauses did.
one_way() {
	$PY "$T/gen.py" "$1" "$2" send >"$T/$5.send"
	$PY "$T/gen.py" "$1" "$2" want >"$T/$5.want"
	dump "$5" "$4"
	sed 's/^/(0.000000) x /' "$T/$5.send" >"$T/$5.play"
	ip link set "$3" txqueuelen 1000
	canplayer -t -g 1 -I "$T/$5.play" "$3=x" 2>>"$T/$5.err"
	wait_count "$T/$5.log" "$(wc -l <"$T/$5.want")" 20
	sleep 0.5
	stop "$5"
	$PY "$T/norm.py" "$1" <"$T/$5.log" >"$T/$5.got"
	cmp -s "$T/$5.want" "$T/$5.got"
}

# py_check D IFNAME: python-can FD bus on the rcan netdev, both ways.
cat >"$T/pyfd.py" <<'PYEOF'
import subprocess, sys
import can
dialect, ifname = sys.argv[1:3]
brs = dialect == "pr33"
bus = can.Bus(interface="socketcan", channel=ifname, fd=True)
bus.send(can.Message(arbitration_id=0x1F00ABCD, is_extended_id=True, is_fd=True,
                     bitrate_switch=brs, data=bytes(range(64))))
subprocess.run(["cansend", "rcfd0", "456##%d" % (1 if brs else 0) + "5A" * 48], check=True)
for _ in range(100):
    m = bus.recv(0.1)
    if m is None or m.arbitration_id != 0x456:
        continue
    print("received", m)
    ok = m.is_fd and bytes(m.data) == b"\x5a" * 48 and m.bitrate_switch == brs
    sys.exit(0 if ok else 1)
sys.exit(1)
PYEOF

# ---- each dialect ----
port=29541
idx=31
for d in rawmode-canfd pr33 frame; do
	name=rcant$idx
	dump "bus$d" rcfd0
	if server "s$d" "$port" -i rcfd0 --no-beacon --fd-dialect "$d" &&
		rcand_up "r$d" --fd -n "$name" "127.0.0.1:$port" rcfd0; then
		ktap_ok "$d: test server and rcand --fd up"
	else
		ktap_fail "$d: test server and rcand --fd up"
		show_log "r$d"
	fi
	sleep 0.5
	stop "bus$d"
	ktap_check "$d: the fingerprint put nothing on the remote bus" \
		test ! -s "$T/bus$d.log"
	ip link set "$name" up
	ktap_check "$d: the fingerprint picks '$d' (no frame needed)" \
		grep -q "speaks the CAN FD dialect '$d' (fingerprint)" "$T/r$d.log"
	ktap_check "$d: rcand list --json shows the dialect" \
		sh -c "$RCAND list --json $name | tr -d '\n' | grep -q '\"fd_dialect\": \"$d\"'"

	if one_way "$d" rx rcfd0 "$name" "rx$d"; then
		ktap_ok "$d: RX: every FD length$([ "$d" = pr33 ] && echo ', BRS/ESI'), classic frames mixed in, byte for byte"
	else
		ktap_fail "$d: RX: every FD length, classic frames mixed in, byte for byte" "$(diff "$T/rx$d.want" "$T/rx$d.got" | head -20)"
	fi
	e0=$(txerrs "$name")
	if one_way "$d" tx "$name" rcfd0 "tx$d"; then
		ktap_ok "$d: TX: every FD length$([ "$d" = pr33 ] && echo ', BRS/ESI'), classic frames mixed in, byte for byte"
	else
		ktap_fail "$d: TX: every FD length, classic frames mixed in, byte for byte" "$(diff "$T/tx$d.want" "$T/tx$d.got" | head -20; cat "$T/tx$d.err")"
		show_log "r$d"
	fi
	if [ "$d" = frame ]; then
		# classic frames cannot be sent in the frame dialect
		e1=$(txerrs "$name")
		if [ $((e1 - e0)) -eq 5 ] &&
			[ "$(grep -c 'classic frames cannot be sent in the frame dialect' "$T/r$d.log")" = 1 ]; then
			ktap_ok "frame: the 5 classic frames are failed back (not sent as FD), one log line"
		else
			ktap_fail "frame: the 5 classic frames are failed back (not sent as FD), one log line" "tx errors $e0 -> $e1"
		fi
	fi
	dump "py$d" rcfd0
	if $PY "$T/pyfd.py" "$d" "$name" >"$T/py$d.out" 2>&1; then
		ktap_ok "$d: python-can FD bus receives on the rcan netdev"
	else
		ktap_fail "$d: python-can FD bus receives on the rcan netdev" "$(cat "$T/py$d.out")"
	fi
	wait_for 5 grep -q '1F00ABCD##' "$T/py$d.log"
	stop "py$d"
	want="1F00ABCD##$([ "$d" = pr33 ] && echo 1 || echo 0)000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F"
	got=$($PY "$T/norm.py" x <"$T/py$d.log" | grep 1F00ABCD)
	[ "$d" = rawmode-canfd ] && got=$(echo "$got" | sed 's/##./##0/')
	if [ "$got" = "$want" ]; then
		ktap_ok "$d: python-can FD bus sends on the rcan netdev"
	else
		ktap_fail "$d: python-can FD bus sends on the rcan netdev" "want $want
got  $got"
	fi
	stop "r$d"
	stop "s$d"
	port=$((port + 1))
	idx=$((idx + 1))
done

# ---- a server without FD: FD frames failed back, nothing sent ----
server snone 29545 -i rcfd0 --no-beacon --fd-dialect none &&
	rcand_up rnone --fd -n rcant35 127.0.0.1:29545 rcfd0
ip link set rcant35 up
ktap_check "none: the fingerprint says the server has no FD" \
	grep -q "speaks the CAN FD dialect 'none' (fingerprint)" "$T/rnone.log"
dump nonetx rcfd0
e0=$(txerrs rcant35)
cansend rcant35 123##1112233445566778899AABB
cansend rcant35 124##0AA
cansend rcant35 125#01
wait_for 5 grep -q '125#01' "$T/nonetx.log"
sleep 0.5
stop nonetx
e1=$(txerrs rcant35)
if [ "$(frames nonetx | tr '\n' ' ')" = "125#01 " ] && [ $((e1 - e0)) -eq 2 ]; then
	ktap_ok "none: FD frames are failed back and counted, nothing reaches the remote bus, classic still goes"
else
	ktap_fail "none: FD frames are failed back and counted, nothing reaches the remote bus, classic still goes" "$(cat "$T/nonetx.log"; echo "tx errors $e0 -> $e1")"
fi
ktap_check "none: one log line for the failed FD frames" \
	test "$(grep -c 'CAN FD frames need --fd' "$T/rnone.log")" = 1
stop rnone
stop snone

# ---- --fd-dialect: the user's word, no fingerprint ----
server sfx 29546 -i rcfd0 --no-beacon --fd-dialect pr33 &&
	rcand_up rfx --fd --fd-dialect none -n rcant35 127.0.0.1:29546 rcfd0
ip link set rcant35 up
ktap_check "--fd-dialect none: no fingerprint is sent" \
	sh -c "! grep -q 'fingerprint)' $T/rfx.log"
ktap_check "--fd-dialect: rcand list shows it and where it came from" \
	sh -c "$RCAND list rcant35 | grep -q 'CAN FD dialect none (--fd-dialect)'"
e0=$(txerrs rcant35)
dump fxtx rcfd0
cansend rcant35 123##1112233445566778899AABB
cansend rcant35 126#01
wait_for 5 grep -q '126#01' "$T/fxtx.log"
stop fxtx
e1=$(txerrs rcant35)
if [ "$(frames fxtx | tr '\n' ' ')" = "126#01 " ] && [ $((e1 - e0)) -eq 1 ]; then
	ktap_ok "--fd-dialect none on an FD server: the FD frame is failed back, not sent"
else
	ktap_fail "--fd-dialect none on an FD server: the FD frame is failed back, not sent" "$(cat "$T/fxtx.log"; echo "tx errors $e0 -> $e1")"
fi
stop rfx
stop sfx
ktap_finish
