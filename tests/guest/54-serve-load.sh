#!/bin/sh
# matrix: server
# rcand serve under load (issue 28): a flat-out sender through rcand onto
# a 10-frame CAN queue (tbf) on the served vcan gets every frame across with
# no session drop, without and with a bitrate on the client (the server
# waits out ENOBUFS, paced, instead of closing); 8 buses at 500 frames/s
# each way through rcand and rcand serve: every frame arrives, in order,
# and the server counts no drop (SO_RXQ_OVFL) and no slow-client drop.
. tests/lib/ktap.sh
. tests/helper/guest-lib.sh
SERVER=tests/helper/rcand-serve

PY=/usr/bin/python3
SEQ=tests/helper/canseq.py
N=${RCAN_SERVE_FLOOD:-3000}
NB=8
RATE=500
SECS=${RCAN_SERVE_LOAD_SECS:-4}
ktap_plan 7

drops() { # how often rcand NAME lost its session
	grep -c ': disconnected from ' "$T/$1.log"
}

setup() {
	big_rmem
	modprobe sch_tbf || return 1
	load_rcan && add_vcan rsld0 || return 1
	_i=1
	_list=rsld0
	while [ $_i -le $NB ]; do
		add_vcan "rsbus$_i" || return 1
		_list="$_list,rsbus$_i"
		_i=$((_i + 1))
	done
	server srv 29580 -i "$_list" --no-beacon --stats "$T/srv.stats" \
		--max-clients 32
}
if setup; then
	ktap_ok "module, vcans and rcand serve start"
else
	ktap_fail "module, vcans and rcand serve start"
	show_log srv
	ktap_finish
fi

# ---- a flat-out sender onto a 10-frame queue ----
tc qdisc replace dev rsld0 root tbf rate 500kbit burst 160 limit 160
flood() { # NAME IFACE
	bg "$1" candump -L -r 16777216 rsld0
	sleep 0.3
	$PY $SEQ send "$2" "$N" >"$T/$1-send.log" 2>&1 &&
		wait_count "$T/$1.log" "$N" 120 && sleep 1
	stop "$1"
	$PY $SEQ check "$T/$1.log" "$N" >"$T/$1-check.log"
}
for mode in nobitrate bitrate; do
	rcand_up "r$mode" -n rcant54 127.0.0.1:29580 rsld0
	[ "$mode" = bitrate ] && ip link set rcant54 type can bitrate 500000
	ip link set rcant54 txqueuelen 1000 up
	if flood "f$mode" rcant54 && [ "$(drops "r$mode")" = 0 ]; then
		ktap_ok "$mode: $N frames flat out onto a 10-frame queue: all there, in order, no session drop"
	else
		ktap_fail "$mode: $N frames flat out onto a 10-frame queue: all there, in order, no session drop" "$(cat "$T/f$mode-check.log"; grep -c 'disconnected' "$T/r$mode.log"; tail -n 5 "$T/r$mode.log")"
	fi
	stop "r$mode"
	"$RCAND" detach --delete rcant54 >/dev/null 2>&1
done
tc qdisc del dev rsld0 root
ktap_check "the server waited out full queues (enobufs_waits > 0) and closed no session for it" \
	sh -c "grep -q 'enobufs_waits=[1-9]' $T/srv.stats && ! grep -q 'end=can-write-failed' $T/srv.stats"

# ---- 8 buses, 500 frames/s each way ----
i=1
while [ $i -le $NB ]; do
	rcand_up "l$i" -n "rcant6$i" 127.0.0.1:29580 "rsbus$i" &&
		ip link set "rcant6$i" txqueuelen 1000 up
	i=$((i + 1))
done
total=$((RATE * SECS))
i=1
while [ $i -le $NB ]; do
	# each log one direction: TX frames are SFF 1xx, RX frames EFF
	bg "tx$i" candump -L -r 16777216 "rsbus$i,100:F00"
	bg "rx$i" candump -L -r 16777216 "rcant6$i,01000000:1FFFFF00"
	i=$((i + 1))
done
sleep 0.5
senders=""
i=1
while [ $i -le $NB ]; do
	$PY $SEQ send "rcant6$i" "$total" --rate $RATE >"$T/s-tx$i.log" 2>&1 &
	senders="$senders $!"
	$PY $SEQ send "rsbus$i" "$total" --eff --rate $RATE >"$T/s-rx$i.log" 2>&1 &
	senders="$senders $!"
	i=$((i + 1))
done
for p in $senders; do
	wait "$p"
done
okrx=0
oktx=0
i=1
while [ $i -le $NB ]; do
	wait_count "$T/tx$i.log" "$total" 60
	wait_count "$T/rx$i.log" "$total" 60
	stop "tx$i"
	stop "rx$i"
	$PY $SEQ check "$T/tx$i.log" "$total" >"$T/c-tx$i.log" && oktx=$((oktx + 1))
	$PY $SEQ check "$T/rx$i.log" "$total" >"$T/c-rx$i.log" && okrx=$((okrx + 1))
	i=$((i + 1))
done
if [ $oktx = 8 ]; then
	ktap_ok "8 buses at $RATE frames/s: TX $((total * NB)) of $((total * NB)) whole and in order"
else
	ktap_fail "8 buses at $RATE frames/s: TX whole and in order on $oktx of 8" "$(cat "$T/c-tx1.log" "$T/s-tx1.log"; tail -n 5 "$T/l1.log")"
fi
if [ $okrx = 8 ]; then
	ktap_ok "8 buses at $RATE frames/s: RX $((total * NB)) of $((total * NB)) whole and in order"
else
	ktap_fail "8 buses at $RATE frames/s: RX whole and in order on $okrx of 8" "$(cat "$T/c-rx1.log" "$T/s-rx1.log"; tail -n 5 "$T/l1.log")"
fi
kill -USR1 "$(pid_of srv)"
sleep 0.5
if ! grep 'event=snapshot' "$T/srv.stats" | grep -qE 'can_drops=[1-9]|slow_drops=[1-9]'; then
	ktap_ok "the server counted no CAN socket drop and no slow-client drop"
else
	ktap_fail "the server counted no CAN socket drop and no slow-client drop" "$(grep 'event=snapshot' "$T/srv.stats")"
fi
ktap_finish
