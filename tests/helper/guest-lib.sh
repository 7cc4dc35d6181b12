# shellcheck shell=sh
# Shared by tests/guest/30-rcand-*.sh (sourced): start and stop the test
# server, rcand and candump, wait for conditions, clean up everything the
# test started. Needs tests/lib/ktap.sh sourced first.
RCAND=${RCAND:-helper/rcand}
SERVER=${SERVER:-tests/server/rcan-testserver}
T=${TMPDIR:-/tmp}/rcand-test.$$
mkdir -p "$T"
PIDS=""
VCANS=""
LOADED_RCAN=0

. tests/lib/wait.sh

# wait_count FILE N SECONDS: until FILE has N lines, or its line count has
# not grown for 5 s, or SECONDS passed (both scaled by RCAN_SLOW).
wait_count() {
	_end=$(($(date +%s) + $(slow "$3")))
	_last=-1
	_still=$(date +%s)
	while :; do
		_n=$(wc -l <"$1")
		[ "$_n" -ge "$2" ] && return 0
		if [ "$_n" != "$_last" ]; then
			_last=$_n
			_still=$(date +%s)
		fi
		[ $(($(date +%s) - _still)) -ge "$(slow 5)" ] && return 1
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.5
	done
}

# bg NAME CMD...: run CMD in the background, output in $T/NAME.log;
# its pid goes to $T/NAME.pid and into the cleanup list.
bg() {
	_name=$1
	shift
	"$@" >"$T/$_name.log" 2>&1 &
	echo $! >"$T/$_name.pid"
	PIDS="$PIDS $!"
}

pid_of() {
	cat "$T/$1.pid" 2>/dev/null
}

# stop NAME [SIGNAL]: end one background job, wait for it; its exit
# status is in $T/NAME.rc.
stop() {
	_p=$(pid_of "$1")
	[ -n "$_p" ] || return 0
	kill "-${2:-TERM}" "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
	echo $? >"$T/$1.rc"
	rm -f "$T/$1.pid"
}

alive() {
	_p=$(pid_of "$1")
	[ -n "$_p" ] && kill -0 "$_p" 2>/dev/null
}

. tests/lib/vcan.sh
add_vcan() {
	VCANS="$VCANS $1"
	vcan_add "$1"
}

load_rcan() {
	modprobe -a can can_raw can_dev vcan 2>/dev/null
	if ! [ -e /sys/module/rcan ]; then
		insmod kmod/rcan.ko || return 1
		LOADED_RCAN=1
	fi
}

# big_rmem: default socket receive buffers of 8 MiB for the sockets made
# from now on (the test server's CAN socket), and a longer per-CPU backlog
# for the simulated remote vcan, whose loopback queues there (netif_rx):
# the emulated CPU stalls now and then, and the default 1000 frames may
# overflow then (on a loaded host the test server was seen to get 99993 of
# 100000 frames from the vcan, before any frame reached rcan).
# Restored by cleanup.
RMEM_SAVED=""
RMEM_MAX_SAVED=""
BACKLOG_SAVED=""
big_rmem() {
	RMEM_SAVED=$(cat /proc/sys/net/core/rmem_default)
	RMEM_MAX_SAVED=$(cat /proc/sys/net/core/rmem_max)
	BACKLOG_SAVED=$(cat /proc/sys/net/core/netdev_max_backlog)
	echo 8388608 >/proc/sys/net/core/rmem_max
	echo 8388608 >/proc/sys/net/core/rmem_default
	echo 20000 >/proc/sys/net/core/netdev_max_backlog
}

cleanup() {
	[ -n "$RMEM_SAVED" ] && echo "$RMEM_SAVED" >/proc/sys/net/core/rmem_default
	[ -n "$RMEM_MAX_SAVED" ] && echo "$RMEM_MAX_SAVED" >/proc/sys/net/core/rmem_max
	[ -n "$BACKLOG_SAVED" ] &&
		echo "$BACKLOG_SAVED" >/proc/sys/net/core/netdev_max_backlog
	for _p in $PIDS; do
		kill -TERM "$_p" 2>/dev/null
	done
	sleep 0.2
	for _p in $PIDS; do
		kill -KILL "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	# can netdevs have no rtnl dellink: rcand detach deletes them
	for _l in /sys/class/net/rcant*; do
		[ -e "$_l" ] && "$RCAND" detach --delete "${_l##*/}" 2>/dev/null
	done
	for _v in $VCANS; do
		ip link del "$_v" 2>/dev/null
	done
	[ "$LOADED_RCAN" = 1 ] && rmmod rcan 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# server NAME PORT ARGS...: start a test server and wait until it listens.
server() {
	_name=$1
	_port=$2
	shift 2
	rm -f "$T/$_name.ready"
	bg "$_name" "$SERVER" -p "$_port" --ready-file "$T/$_name.ready" "$@"
	wait_for 10 test -e "$T/$_name.ready"
}

# rcand_up NAME ARGS...: rcand attach in the foreground (in the
# background of the test) until it reports the session up.
rcand_up() {
	_name=$1
	shift
	rm -f "$T/$_name.ready"
	bg "$_name" "$RCAND" attach -f -v --ready-file "$T/$_name.ready" "$@"
	wait_for 15 test -e "$T/$_name.ready"
}

carrier() { # IFNAME: prints 1 or 0
	cat "/sys/class/net/$1/carrier" 2>/dev/null || echo 0
}

ifindex() {
	cat "/sys/class/net/$1/ifindex" 2>/dev/null
}

# dump NAME IFACE[,filter] [candump options]: candump -L in the
# background; frames end up in $T/NAME.log
dump() {
	_name=$1
	shift
	bg "$_name" candump -L "$@"
	sleep 0.3
}

# frames NAME: the ID#DATA words of a candump -L log, in order
frames() {
	awk '{print $3}' "$T/$1.log"
}

show_log() { # NAME: the last lines of a log as KTAP diagnostics
	ktap_diag "--- $1:"
	tail -n "${2:-15}" "$T/$1.log" 2>/dev/null | sed 's/^/  /' | while IFS= read -r _l; do ktap_diag "$_l"; done
}
