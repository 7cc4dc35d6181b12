#!/bin/sh
# make bench, inside the guest: the whole path (vcan "remote bus" <-> test
# server on loopback TCP <-> rcand <-> rcan.ko <-> rcan0) measured in both
# directions at several offered loads, plus the same on the guest's own
# vcan with nothing in between (the ceiling of this setup). Writes
# $RCAN_OUT/bench.json (one JSON object per line).
set -u
B=bench/canbench
OUT=$RCAN_OUT/bench.json
W=/tmp/bench
mkdir -p $W
: >"$OUT"
PIDS=""
trap 'for p in $PIDS; do kill $p 2>/dev/null; done' EXIT

die() { echo "bench: $*" >&2; exit 1; }
. tests/lib/wait.sh

modprobe -a can can_raw can_dev vcan || die "CAN modules"
insmod kmod/rcan.ko || die "insmod rcan.ko"
. tests/lib/vcan.sh
vcan_add vcan0 || die "vcan0"
# vcan's default queue of 10 frames overruns at once when flat out.
ip link set vcan0 txqueuelen 1000
tests/server/rcan-testserver -i vcan0 -l 127.0.0.1 --no-beacon \
	--stats $W/server.stats --ready-file $W/ready >$W/server.log 2>&1 &
SRV=$!
PIDS="$PIDS $SRV"
wait_for 5 test -e $W/ready || die "test server"
helper/rcand attach -f -n rcan0 --tcp-tune --ready-file $W/rcand.ready \
	127.0.0.1 vcan0 >$W/rcand.log 2>&1 &
RCAND=$!
PIDS="$PIDS $RCAND"
wait_for 15 test -s $W/rcand.ready || die "rcand did not connect: $(cat $W/rcand.log)"
ip link set rcan0 up
wait_for 5 sh -c 'ip link show rcan0 | grep -q LOWER_UP' || die "rcan0 carrier"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# system + softirq time of the whole guest, in ticks
sys_ticks() { awk '/^cpu / { print $4 + $7 + $8 }' /proc/stat; }
hz=$(getconf CLK_TCK)

# Frames the test server's CAN socket dropped so far (its queue was full):
# loss on the "remote" side, before rcan.
server_drops() {
	kill -USR1 $SRV
	wait_for 5 sh -c "[ \$(grep -c snapshot $W/server.stats) -gt ${1:-0} ]"
	tail -n 1 $W/server.stats | sed -n 's/.* can_drops=\([0-9]*\).*/\1/p'
}
snapshots=0

# run LABEL DIRECTION RATE COUNT TXIF RXIF
run() {
	label=$1 dir=$2 rate=$3 count=$4
	d0=$(server_drops $snapshots); snapshots=$((snapshots + 1))
	v0=$(cat /sys/class/net/vcan0/statistics/rx_dropped)
	r0=$(cpu_ticks $RCAND); s0=$(cpu_ticks $SRV); k0=$(sys_ticks)
	res=$($B -t "$5" -r "$6" -n "$count" -R "$rate") || die "canbench $*"
	r1=$(cpu_ticks $RCAND); s1=$(cpu_ticks $SRV); k1=$(sys_ticks)
	d1=$(server_drops $snapshots); snapshots=$((snapshots + 1))
	v1=$(cat /sys/class/net/vcan0/statistics/rx_dropped)
	echo "$res" | sed "s/^{/{\"label\":\"$label\",\"dir\":\"$dir\",\"rcand_cpu_s\":$(((r1 - r0)))\/$hz,\"server_cpu_s\":$((s1 - s0))\/$hz,\"kernel_cpu_s\":$((k1 - k0))\/$hz,\"server_can_drops\":$((${d1:-0} - ${d0:-0})),\"vcan_backlog_drops\":$((v1 - v0)),/" |
		/usr/bin/python3 -c '
import json, re, sys
line = sys.stdin.read()
line = re.sub(r"(\d+)/(\d+)", lambda m: "%.4f" % (int(m.group(1)) / int(m.group(2))), line)
print(json.dumps(json.loads(line)))' >>"$OUT"
	tail -n 1 "$OUT" >&2
}

for rate in 1000 5000 10000 20000 0; do
	count=$((rate * 3))
	[ "$rate" -eq 0 ] && count=60000
	[ "$rate" -eq 1000 ] && count=5000
	run ceiling rx "$rate" "$count" vcan0 vcan0
	run rcan rx "$rate" "$count" vcan0 rcan0
	run rcan tx "$rate" "$count" rcan0 vcan0
done

# CAN FD, 64-byte frames flat out each way: a second remote bus with MTU
# 72, the test server in the PR #33 dialect, rcand --fd (auto: the
# fingerprint picks pr33); against the same vcan with nothing in between.
ip link add vcan1 type vcan 2>/dev/null
ip link set vcan1 mtu 72 && vcan_add vcan1 || die "vcan1"
ip link set vcan1 txqueuelen 1000
tests/server/rcan-testserver -i vcan1 -l 127.0.0.1 -p 29537 --no-beacon \
	--fd-dialect pr33 --ready-file $W/ready-fd >$W/server-fd.log 2>&1 &
SRVFD=$!
PIDS="$PIDS $SRVFD"
wait_for 5 test -e $W/ready-fd || die "FD test server"
helper/rcand attach -f --fd -n rcan1 --tcp-tune --ready-file $W/rcand-fd.ready \
	127.0.0.1:29537 vcan1 >$W/rcand-fd.log 2>&1 &
RCANDFD=$!
PIDS="$PIDS $RCANDFD"
wait_for 15 test -s $W/rcand-fd.ready || die "rcand --fd did not connect: $(cat $W/rcand-fd.log)"
ip link set rcan1 up
wait_for 5 sh -c 'ip link show rcan1 | grep -q LOWER_UP' || die "rcan1 carrier"
# run_fd LABEL DIRECTION TXIF RXIF: 30,000 FD frames of 64 bytes, flat out
run_fd() {
	r0=$(cpu_ticks $RCANDFD); k0=$(sys_ticks)
	res=$($B -f -t "$3" -r "$4" -n 30000 -R 0) || die "canbench -f $*"
	r1=$(cpu_ticks $RCANDFD); k1=$(sys_ticks)
	echo "$res" | sed "s/^{/{\"label\":\"$1\",\"dir\":\"$2\",\"rcand_cpu_s\":$((r1 - r0))\/$hz,\"kernel_cpu_s\":$((k1 - k0))\/$hz,/" |
		/usr/bin/python3 -c '
import json, re, sys
line = sys.stdin.read()
line = re.sub(r"(\d+)/(\d+)", lambda m: "%.4f" % (int(m.group(1)) / int(m.group(2))), line)
print(json.dumps(json.loads(line)))' >>"$OUT"
	tail -n 1 "$OUT" >&2
}
run_fd fd-ceiling rx vcan1 vcan1
run_fd fd-rcan rx vcan1 rcan1
run_fd fd-rcan tx rcan1 vcan1

# The honest echo's price: send-to-own-echo on rcan0 against vcan0.
for ifc in vcan0 rcan0; do
	$B -e $ifc -n 3000 -R 1000 | sed "s/^{/{\"label\":\"echo-$ifc\",\"dir\":\"echo\",/" >>"$OUT"
	tail -n 1 "$OUT" >&2
done

# Syscalls per frame (batching): rcand under strace for one TX and one RX run
# (scripts/install-deps.sh installs strace).
command -v strace >/dev/null || die "strace is missing"
for dir in rx tx; do
	strace -c -f -q -o $W/strace.$dir -p $RCAND &
	st=$!
	sleep 1
	if [ $dir = rx ]; then
		$B -t vcan0 -r rcan0 -n 20000 -R 10000 >/dev/null
	else
		$B -t rcan0 -r vcan0 -n 20000 -R 10000 >/dev/null
	fi
	kill -INT $st; wait $st 2>/dev/null
	/usr/bin/python3 - "$dir" $W/strace.$dir >>"$OUT" <<'PY'
import json, sys
counts = {}
for line in open(sys.argv[2]):
    f = line.split()
    if len(f) >= 5 and f[-1].isidentifier() and f[3].isdigit():
        counts[f[-1]] = int(f[3])
print(json.dumps({"label": "syscalls", "dir": sys.argv[1], "frames": 20000,
                  "syscalls": counts}))
PY
	tail -n 1 "$OUT" >&2
done
# Where the time goes: a cpu-clock profile of the whole guest (rcand, the
# test server, canbench and the kernel) during one 20,000-frame run each way.
command -v perf >/dev/null || die "perf is missing (linux-perf)"
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid
for dir in rx tx; do
	perf record -q -e cpu-clock -F 2000 -a -g -o $W/perf.$dir -- \
		sh -c "if [ $dir = rx ]; then $B -t vcan0 -r rcan0 -n 20000 -R 10000; else $B -t rcan0 -r vcan0 -n 20000 -R 10000; fi" \
		>/dev/null 2>$W/perf.$dir.err || die "perf record: $(cat $W/perf.$dir.err)"
	{
		echo "# $dir, 20,000 frames at 10k/s: CPU by process; then rcand's samples in"
		echo "# user space, by binary (the rest of rcand's share is kernel work done"
		echo "# in its system calls); then the top symbols"
		perf report -i $W/perf.$dir --no-children --sort comm --stdio -q -g none 2>/dev/null |
			grep -v '^$' | head -n 12
		perf report -i $W/perf.$dir --no-children --comm rcand --sort dso --stdio -q -g none 2>/dev/null |
			grep -v '^$' | head -n 8
		perf report -i $W/perf.$dir --no-children --sort comm,sym --stdio -q -g none 2>/dev/null |
			grep -v '^$' | head -n 40
	} >"$RCAN_OUT/profile-$dir.txt"
done

# Where frames went: the netdev's own counters after all runs.
/usr/bin/python3 - >>"$OUT" <<'PY'
import json
def stats(dev):
    base = "/sys/class/net/%s/statistics/" % dev
    keys = ["rx_packets", "rx_dropped", "rx_errors", "tx_packets", "tx_dropped", "tx_errors"]
    return {k: int(open(base + k).read()) for k in keys}
print(json.dumps({"label": "netdev-counters", "dir": "all",
                  "rcan0": stats("rcan0"), "vcan0": stats("vcan0")}))
PY
tail -n 1 "$OUT" >&2
exit 0
