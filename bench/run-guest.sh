#!/bin/sh
# make bench, inside the guest: the whole path (vcan "remote bus" <-> test
# server on loopback TCP <-> rcand <-> rcan.ko <-> rcan0) measured in both
# directions at several offered loads, plus the same on the guest's own
# vcan with nothing in between (the ceiling of this setup). Writes
# $RCAN_OUT/bench.json (one JSON object per line).
#
# RCAN_BENCH_CASES: the cases to run, separated by spaces or commas
# (default: all of them):
#   rates     1k, 5k, 10k, 20k frames/s and flat out, each way, and the ceiling
#   fd        CAN FD 64-byte frames flat out each way
#   echo      send-to-own-echo round trip, rcan0 against vcan0
#   syscalls  rcand's system calls per frame (strace)
#   profile   a perf profile of the whole guest, one run each way
#   rtt       round trips of 0, 5, 25, 50, 100 ms on the TCP path (netem),
#             each way, flat out and at 1k frames/s
#   coalesce  RX at 1k and 10k frames/s at rx-usecs 1000, at rx-usecs 5000
#             rx-frames 64, and with ethtool's coalescing off (the default)
#   flood     a realistic remote (500 kbit/s, 10 frames of queue) flooded
#             through an rcan netdev with bitrate 500000
#   buses     8 buses from one server, 500 frames/s each way on each, with
#             every lost frame attributed to where it was lost
#   buses-daemonio  the same with the test server's --daemon-io (socketcand
#             0.6.1's I/O: a frame per read and per write, default buffers)
#   buses-serve  the same with rcand serve as the server
#   serve     RX and TX flat out through one rcand, the server once the
#             test server with --daemon-io (socketcand's I/O) and once
#             rcand serve: each one's CPU per 1,000 frames
# RCAN_BENCH_RCAND: the rcand to measure (default helper/rcand).
set -u
B=bench/canbench
OUT=$RCAN_OUT/bench.json
W=/tmp/bench
mkdir -p $W
: >"$OUT"
PIDS=""
trap 'tc qdisc del dev lo root 2>/dev/null; for p in $PIDS; do kill $p 2>/dev/null; done' EXIT

CASES=$(echo "${RCAN_BENCH_CASES:-all}" | tr ',' ' ')
want() {
	case " $CASES " in
	*" all "* | *" $1 "*) return 0 ;;
	esac
	return 1
}

die() { echo "bench: $*" >&2; exit 1; }
. tests/lib/wait.sh

modprobe -a can can_raw can_dev vcan sch_netem sch_tbf sch_prio cls_u32 tcp_diag ||
	die "CAN modules"
insmod kmod/rcan.ko || die "insmod rcan.ko"
# Every vcan's loopback queues on CPU 0's backlog (vcan_add steers it there
# to keep the order). With the default netdev_max_backlog of 1000 the
# simulated remote side alone dropped thousands of frames there while the
# emulated CPUs were saturated (flat out, and with 8 buses: the vcans'
# rx_dropped). A real remote box has no such queue between its controller
# and socketcand, so the backlog is made as long as the guest tests make
# it: 20000 (RCAN_BENCH_BACKLOG sets another; 1000 shows that loss).
echo "${RCAN_BENCH_BACKLOG:-20000}" >/proc/sys/net/core/netdev_max_backlog
. tests/lib/vcan.sh

# rcand's options that only newer versions have: used when it lists them,
# so a run after an upgrade measures the new behaviour with the same harness.
RCAND_BIN=${RCAN_BENCH_RCAND:-helper/rcand}
ATTACH_HELP=$($RCAND_BIN attach --help 2>&1)
has_opt() { echo "$ATTACH_HELP" | grep -q -- "$1"; }

# start_rcand NAME IFNAME PORT BUS [OPTION...]: rcand in the foreground
# (its log in $W/NAME.log), waited for until connected; its pid in $RCANDPID.
start_rcand() {
	_n=$1 _if=$2 _port=$3 _bus=$4
	shift 4
	$RCAND_BIN attach -f -n "$_if" --ready-file "$W/$_n.ready" "$@" \
		"127.0.0.1:$_port" "$_bus" >"$W/$_n.log" 2>&1 &
	RCANDPID=$!
	PIDS="$PIDS $RCANDPID"
	wait_for 30 test -s "$W/$_n.ready" || die "rcand $_n did not connect: $(cat "$W/$_n.log")"
}
# start_server NAME PORT BUSES [OPTION...]: its pid in $SRVPID; the test
# server, or $SERVER_CMD when set (rcand serve takes the same options)
start_server() {
	_n=$1 _port=$2 _buses=$3
	shift 3
	${SERVER_CMD:-tests/server/rcan-testserver} -i "$_buses" -l 127.0.0.1 -p "$_port" \
		--no-beacon --stats "$W/$_n.stats" --ready-file "$W/$_n.srv-ready" \
		"$@" >"$W/$_n.server.log" 2>&1 &
	SRVPID=$!
	PIDS="$PIDS $SRVPID"
	wait_for 5 test -e "$W/$_n.srv-ready" || die "test server $_n"
}
link_up() {
	ip link set "$1" up
	wait_for 10 sh -c "ip link show $1 | grep -q LOWER_UP" || die "$1 carrier"
}

echo "{\"label\":\"setup\",\"cases\":\"$CASES\",\"netdev_max_backlog\":$(cat /proc/sys/net/core/netdev_max_backlog),\"kernel\":\"$(uname -r)\",\"rcand_pacing_options\":\"$(has_opt --bitrate && echo --bitrate) $(has_opt --remote-queue && echo --remote-queue)\"}" >>"$OUT"

vcan_add vcan0 || die "vcan0"
# vcan's default queue of 10 frames overruns at once when flat out.
ip link set vcan0 txqueuelen 1000
start_server main 29536 vcan0
SRV=$SRVPID
start_rcand rcand rcan0 29536 vcan0 --tcp-tune
RCAND=$RCANDPID
link_up rcan0

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# system + softirq time of the whole guest, in ticks
sys_ticks() { awk '/^cpu / { print $4 + $7 + $8 }' /proc/stat; }
hz=$(getconf CLK_TCK)

# Frames the test server's CAN socket dropped so far (its queue was full):
# loss on the "remote" side, before rcan.
server_drops() {
	kill -USR1 $SRV
	wait_for 5 sh -c "[ \$(grep -c snapshot $W/main.stats) -gt ${1:-0} ]"
	tail -n 1 $W/main.stats | sed -n 's/.* can_drops=\([0-9]*\).*/\1/p'
}
snapshots=0

# to_json: canbench's line with the shell's "ticks/hz" fractions computed
to_json() {
	/usr/bin/python3 -c '
import json, re, sys
line = sys.stdin.read()
line = re.sub(r"(\d+)/(\d+)", lambda m: "%.4f" % (int(m.group(1)) / int(m.group(2))), line)
print(json.dumps(json.loads(line)))'
}

# run LABEL DIRECTION RATE COUNT TXIF RXIF [EXTRA_JSON_FIELDS]
run() {
	label=$1 dir=$2 rate=$3 count=$4 extra=${7:-}
	d0=$(server_drops $snapshots); snapshots=$((snapshots + 1))
	v0=$(cat /sys/class/net/vcan0/statistics/rx_dropped)
	r0=$(cpu_ticks $RCAND); s0=$(cpu_ticks $SRV); k0=$(sys_ticks)
	res=$($B -t "$5" -r "$6" -n "$count" -R "$rate") || die "canbench $*"
	r1=$(cpu_ticks $RCAND); s1=$(cpu_ticks $SRV); k1=$(sys_ticks)
	d1=$(server_drops $snapshots); snapshots=$((snapshots + 1))
	v1=$(cat /sys/class/net/vcan0/statistics/rx_dropped)
	echo "$res" | sed "s/^{/{\"label\":\"$label\",\"dir\":\"$dir\",$extra\"rcand_cpu_s\":$((r1 - r0))\/$hz,\"server_cpu_s\":$((s1 - s0))\/$hz,\"kernel_cpu_s\":$((k1 - k0))\/$hz,\"server_can_drops\":$((${d1:-0} - ${d0:-0})),\"vcan_backlog_drops\":$((v1 - v0)),/" |
		to_json >>"$OUT"
	tail -n 1 "$OUT" >&2
}

if want rates; then
	for rate in 1000 5000 10000 20000 0; do
		count=$((rate * 3))
		[ "$rate" -eq 0 ] && count=60000
		[ "$rate" -eq 1000 ] && count=5000
		run ceiling rx "$rate" "$count" vcan0 vcan0
		run rcan rx "$rate" "$count" vcan0 rcan0
		run rcan tx "$rate" "$count" rcan0 vcan0
	done
fi

# ethtool's RX coalescing on rcan0 (rcan.ko announces it, rcand holds the
# frames): latency against CPU per frame, each setting at two rates. The
# setting is in force once rcand logged it (it logs changes only, so the
# default goes last, back from the others).
if want coalesce; then
	for setting in "1000 0" "5000 64" "0 0"; do
		set -- $setting
		ethtool -C rcan0 rx-usecs "$1" rx-frames "$2" 2>/dev/null
		wait_for 5 grep -q "RX coalescing rx-usecs $1 rx-frames $2" $W/rcand.log ||
			die "rcand did not take rx-usecs $1 rx-frames $2"
		for rate in 1000 10000; do
			run coalesce rx "$rate" $((rate * 3)) vcan0 rcan0 \
				"\"rx_usecs\":$1,\"rx_frames\":$2,"
		done
	done
fi

# The TCP path only, delayed by netem on lo: a prio qdisc whose fourth
# band (no priority maps to it) holds netem, and filters that send the
# segments from and to the server's port there, half the round trip each
# way. The CAN traffic never touches lo. netem's queue is made long
# enough for a flat-out stream (its default of 1000 packets would drop).
netem_rtt() {
	tc qdisc del dev lo root 2>/dev/null
	[ "$1" -eq 0 ] && return 0
	tc qdisc add dev lo root handle 1: prio bands 4 \
		priomap 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 &&
		tc qdisc add dev lo parent 1:4 handle 40: netem \
			delay $(($1 * 500))us limit 100000 &&
		tc filter add dev lo parent 1: protocol ip prio 1 u32 \
			match ip sport "$2" 0xffff flowid 1:4 &&
		tc filter add dev lo parent 1: protocol ip prio 1 u32 \
			match ip dport "$2" 0xffff flowid 1:4 || die "netem $1 ms"
}

if want rtt; then
	run ceiling-rtt rx 1000 3000 vcan0 vcan0
	run ceiling-rtt rx 0 5000 vcan0 vcan0
	for rtt in 0 5 25 50 100; do
		netem_rtt $rtt 29536
		for rate in 1000 0; do
			count=3000
			[ "$rate" -eq 0 ] && count=5000
			run rtt rx "$rate" "$count" vcan0 rcan0 "\"rtt_ms\":$rtt,"
			run rtt tx "$rate" "$count" rcan0 vcan0 "\"rtt_ms\":$rtt,"
		done
	done
	netem_rtt 0
	tail -n 1 $W/main.stats >/dev/null
fi

# CAN FD, 64-byte frames flat out each way: a second remote bus with MTU
# 72, the test server in the PR #33 dialect, rcand --fd (auto: the
# fingerprint picks pr33); against the same vcan with nothing in between.
if want fd; then
	ip link add vcan1 type vcan 2>/dev/null
	ip link set vcan1 mtu 72 && vcan_add vcan1 || die "vcan1"
	ip link set vcan1 txqueuelen 1000
	start_server fd 29537 vcan1 --fd-dialect pr33
	start_rcand rcand-fd rcan1 29537 vcan1 --fd --tcp-tune
	RCANDFD=$RCANDPID
	link_up rcan1
	# run_fd LABEL DIRECTION TXIF RXIF: 30,000 FD frames of 64 bytes, flat out
	run_fd() {
		r0=$(cpu_ticks $RCANDFD); k0=$(sys_ticks)
		res=$($B -f -t "$3" -r "$4" -n 30000 -R 0) || die "canbench -f $*"
		r1=$(cpu_ticks $RCANDFD); k1=$(sys_ticks)
		echo "$res" | sed "s/^{/{\"label\":\"$1\",\"dir\":\"$2\",\"rcand_cpu_s\":$((r1 - r0))\/$hz,\"kernel_cpu_s\":$((k1 - k0))\/$hz,/" |
			to_json >>"$OUT"
		tail -n 1 "$OUT" >&2
	}
	run_fd fd-ceiling rx vcan1 vcan1
	run_fd fd-rcan rx vcan1 rcan1
	run_fd fd-rcan tx rcan1 vcan1
fi

# The honest echo's price: send-to-own-echo on rcan0 against vcan0.
if want echo; then
	for ifc in vcan0 rcan0; do
		$B -e $ifc -n 3000 -R 1000 | sed "s/^{/{\"label\":\"echo-$ifc\",\"dir\":\"echo\",/" >>"$OUT"
		tail -n 1 "$OUT" >&2
	done
fi

# Syscalls per frame (batching): rcand under strace for one TX and one RX run
# (scripts/install-deps.sh installs strace).
if want syscalls; then
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
fi

# Where the time goes: a cpu-clock profile of the whole guest (rcand, the
# test server, canbench and the kernel) during one 20,000-frame run each way.
if want profile; then
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
fi

# Where frames went: the netdev's own counters after the runs on rcan0.
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

# stop PID...: SIGTERM, then wait until each is gone (rcand logs its
# counters on the way out)
stop() {
	for p in "$@"; do
		kill "$p" 2>/dev/null
	done
	for p in "$@"; do
		wait "$p" 2>/dev/null
	done
}

# A realistic remote, flooded: the remote vcan as a real controller at
# 500 kbit/s with Linux's 10 frames of queue (tbf: 160 bytes are 10
# frames of 16), socketcand's reaction to a full queue (the test server
# closes the session on ENOBUFS, as 0.6.1 does), rcand with default
# options (and the pacing options of versions that have them), the bit
# rate set on the rcan netdev as on any CAN interface, 3,000 frames flat
# out, no --tx-rate.
if want flood; then
	ip link add vcanf type vcan 2>/dev/null
	vcan_add vcanf || die "vcanf"
	tc qdisc replace dev vcanf root tbf rate 500kbit burst 160 limit 160 ||
		die "tbf on vcanf"
	start_server flood 29538 vcanf
	FSRV=$SRVPID
	set --
	has_opt --remote-queue && set -- "$@" --remote-queue 10
	has_opt --bitrate && set -- "$@" --bitrate 500000
	start_rcand rcand-flood rcanf 29538 vcanf "$@"
	FRCAND=$RCANDPID
	ip link set rcanf type can bitrate 500000 || die "bitrate on rcanf"
	link_up rcanf
	t0=$(date +%s.%N)
	res=$($B -t rcanf -r vcanf -n 3000 -R 0 -w 3000) || die "canbench flood"
	t1=$(date +%s.%N)
	wall=$(awk "BEGIN { printf \"%.3f\", $t1 - $t0 }")
	tbf=$(tc -s qdisc show dev vcanf | sed -n 's/.*dropped \([0-9]*\).*/\1/p' | head -n 1)
	stop $FRCAND
	stop $FSRV
	ends=$(grep -c 'event=end' $W/flood.stats)
	enobufs=$(grep -c 'end=can-write-failed' $W/flood.stats)
	downs=$(grep -c 'closed the session' $W/rcand-flood.log)
	# rcand's own account of the pacing, where it gives one: bursts, and
	# the bus time lost while frames waited (late wake-ups, echo waits)
	paced=$(sed -n 's/.*paced: \([0-9]*\) bursts so far; the bus idled \([0-9]*\) ms.*/"pacer_bursts":\1,"pacer_idle_ms":\2,/p' $W/rcand-flood.log | tail -n 1)
	echo "$res" | sed "s/^{/{\"label\":\"flood\",\"dir\":\"tx\",\"bitrate\":500000,\"rcand_options\":\"$*\",\"wall_s\":$wall,\"tbf_drops\":${tbf:-0},\"server_sessions_ended\":$ends,\"session_drops_enobufs\":$enobufs,\"rcand_disconnects\":$downs,$paced/" |
		to_json >>"$OUT"
	tail -n 1 "$OUT" >&2
	grep -v '^$' $W/rcand-flood.log | tail -n 5 >&2
	tc qdisc del dev vcanf root
fi

# Many buses at once: 8 remote vcans served by one test server, 8 rcand,
# 500 frames/s each way on every bus at the same time (2,000 frames each
# way per bus), and every frame that did not arrive attributed to where it
# was lost (bench/attribute.py): the remote vcan, the server's CAN socket
# (SO_RXQ_OVFL), TCP, rcand, rcan.ko, the reader's socket (SO_RXQ_OVFL).
# The directions use ids of their own (canbench -i), so each reader counts
# its own frames only.
# buses LABEL [SERVER OPTION...]
buses() {
	label=$1
	shift
	n=8 port=29540 list="" rcands="" benches=""
	i=0
	while [ $i -lt $n ]; do
		ip link add vcanb$i type vcan 2>/dev/null
		vcan_add vcanb$i || die "vcanb$i"
		ip link set vcanb$i txqueuelen 1000
		list="$list${list:+,}vcanb$i"
		i=$((i + 1))
	done
	rm -f "$W/$label.stats" "$W/$label.rcands"
	start_server "$label" $port "$list" "$@"
	BSRV=$SRVPID
	i=0
	while [ $i -lt $n ]; do
		start_rcand "$label-rcand$i" rcanb$i $port vcanb$i
		echo "$i $RCANDPID" >>"$W/$label.rcands"
		rcands="$rcands $RCANDPID"
		link_up rcanb$i
		i=$((i + 1))
	done
	snap() {
		kill -USR1 $BSRV
		wait_for 10 sh -c "[ \$(grep -c snapshot $W/$label.stats) -ge $(($1 * n)) ]" ||
			echo "bench: server snapshot $1 incomplete" >&2
		/usr/bin/python3 bench/attribute.py snapshot $n >"$W/$label.net$1"
		ss -tinH "( sport = :$port or dport = :$port )" >"$W/$label.ss$1"
		$RCAND_BIN list --json >"$W/$label.list$1" 2>/dev/null
	}
	snap 1
	i=0
	while [ $i -lt $n ]; do
		$B -t vcanb$i -r rcanb$i -n 2000 -R 500 -i 0x100 -w 5000 >"$W/$label.rx$i" &
		benches="$benches $!"
		$B -t rcanb$i -r vcanb$i -n 2000 -R 500 -i 0x200 -w 5000 >"$W/$label.tx$i" &
		benches="$benches $!"
		i=$((i + 1))
	done
	for p in $benches; do
		wait "$p"
	done
	snap 2
	# shellcheck disable=SC2086 # a list of pids
	stop $rcands
	stop $BSRV
	/usr/bin/python3 bench/attribute.py attribute $n "$label" $W >>"$OUT" ||
		die "attribute.py"
	tail -n 1 "$OUT" >&2
	i=0
	while [ $i -lt $n ]; do
		ip link del vcanb$i
		i=$((i + 1))
	done
}
want buses && buses buses
want buses-daemonio && buses buses-daemonio --daemon-io
if want buses-serve; then
	SERVER_CMD="$RCAND_BIN serve"
	buses buses-serve
	SERVER_CMD=
fi

# The server's CPU ticks with its children's: the test server, as the
# daemon, serves each client in a process of its own.
srv_ticks() {
	_t=$(cpu_ticks "$1")
	for _c in $(pgrep -P "$1"); do
		_t=$((_t + $(cpu_ticks "$_c")))
	done
	echo "$_t"
}

# serve_cpu LABEL [SERVER OPTION...]: flat out each way through one rcand
# and the server on a vcan of their own; CPU of server, rcand and kernel.
serve_cpu() {
	label=$1
	shift
	vcan_add vcans || die "vcans"
	ip link set vcans txqueuelen 1000
	start_server "$label" 29570 vcans "$@"
	CSRV=$SRVPID
	start_rcand "$label-rcand" rcans 29570 vcans
	CRC=$RCANDPID
	link_up rcans
	for dir in rx tx; do
		if [ $dir = rx ]; then tx=vcans rx=rcans; else tx=rcans rx=vcans; fi
		r0=$(cpu_ticks $CRC); s0=$(srv_ticks $CSRV); k0=$(sys_ticks)
		res=$($B -t $tx -r $rx -n 60000 -R 0) || die "canbench $label $dir"
		r1=$(cpu_ticks $CRC); s1=$(srv_ticks $CSRV); k1=$(sys_ticks)
		echo "$res" | sed "s/^{/{\"label\":\"$label\",\"dir\":\"$dir\",\"rcand_cpu_s\":$((r1 - r0))\/$hz,\"server_cpu_s\":$((s1 - s0))\/$hz,\"kernel_cpu_s\":$((k1 - k0))\/$hz,/" |
			to_json >>"$OUT"
		tail -n 1 "$OUT" >&2
	done
	stop $CRC $CSRV
	$RCAND_BIN detach --delete rcans >/dev/null 2>&1
	ip link del vcans
}
if want serve; then
	serve_cpu serve-daemonio --daemon-io
	SERVER_CMD="$RCAND_BIN serve"
	serve_cpu serve-rcand
	SERVER_CMD=
fi
exit 0
