#!/bin/sh
# rcand over ssh://: a real sshd (Debian's openssh-server) on loopback with
# host and user keys made here, the test server behind it on 127.0.0.1,
# rcand attached through `ssh -W`. Frames both ways, a killed ssh, refused
# host keys and logins, bad URLs, an unreachable socketcand, discovery.
# matrix: user
. tests/lib/ktap.sh
. tests/helper/guest-lib.sh

SSHD=/usr/sbin/sshd
SSHPORT=2280
PORT=29580
K=$T/ssh
ktap_plan 14

# sshd_setup: keys and a config of its own under $K; /run/sshd is its
# privilege separation directory (/run is the guest's own tmpfs).
sshd_setup() {
	mkdir -p "$K" /run/sshd &&
		ssh-keygen -q -t ed25519 -N '' -f "$K/host" &&
		ssh-keygen -q -t ed25519 -N '' -f "$K/id" &&
		ssh-keygen -q -t ed25519 -N '' -f "$K/other" &&
		cp "$K/id.pub" "$K/authorized_keys" &&
		echo "[127.0.0.1]:$SSHPORT $(cut -d' ' -f1,2 "$K/host.pub")" >"$K/known_hosts" &&
		: >"$K/no_known_hosts" || return 1
	cat >"$K/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $SSHPORT
HostKey $K/host
AuthorizedKeysFile $K/authorized_keys
PidFile $K/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding yes
EOF
	bg sshd "$SSHD" -f "$K/sshd_config" -D -e &&
		wait_for 10 grep -q 'Server listening' "$T/sshd.log"
}

# The user's own ssh settings, as ~/.ssh/config would give them; and
# rcand's --timeout (default 5 s; ssh's login may take up to three times
# that) scaled as the test's waits are, for the slow debug kernel.
opts() { # KNOWN_HOSTS KEY
	echo "--ssh-option UserKnownHostsFile=$1 --ssh-option GlobalKnownHostsFile=/dev/null" \
		"--ssh-option IdentityFile=$2 --ssh-option IdentitiesOnly=yes" \
		"--timeout $(($(slow 5) * 1000))"
}
URL="ssh://root@127.0.0.1:$SSHPORT/rcvcan5?port=$PORT"

# ssh_children NAME: the pids of the ssh processes rcand NAME started
ssh_children() {
	ps -o pid= --ppid "$(pid_of "$1")" 2>/dev/null | tr -d ' '
}

setup() {
	load_rcan && add_vcan rcvcan5 &&
		server srv "$PORT" -i rcvcan5 --name sshsrv --beacon-interval 300 \
			--beacon-dest 127.0.0.1 && sshd_setup
}
if setup; then
	ktap_ok "module, vcan, test server and sshd with the test's keys start"
else
	ktap_fail "module, vcan, test server and sshd with the test's keys start"
	show_log sshd
	show_log srv
	ktap_finish
fi

# ---- frames both ways ----
rm -f "$T/r.ready"
# shellcheck disable=SC2046
bg r "$RCAND" attach -f -v --ready-file "$T/r.ready" -n rcant8 \
	$(opts "$K/known_hosts" "$K/id") "$URL"
if wait_for 40 test -e "$T/r.ready" && [ -n "$(ssh_children r)" ]; then
	ktap_ok "rcand attach ssh:// comes up through an ssh child"
else
	ktap_fail "rcand attach ssh:// comes up through an ssh child"
	show_log r 30
	show_log sshd
fi
ip link set rcant8 up
ktap_check "rcand list shows the ssh:// remote, connected" \
	sh -c "$RCAND list --json | tr -d '\n' | grep -q '\"remote\": \"ssh://root@127.0.0.1:$SSHPORT/rcvcan5?port=$PORT\".*\"connected\": true'"

# rx_tx TAG: frames from the remote bus and to it, through ssh. Each
# candump also sees the frames sent on its own side (the local echo),
# so each log holds all three; what crossed is checked.
rx_tx() {
	dump "rx$1" rcant8
	dump "tx$1" rcvcan5
	cansend rcvcan5 "123#11223344$1"
	cansend rcvcan5 "1ABCDEF0#$1"
	cansend rcant8 "321#AABB$1"
	wait_for 10 sh -c "[ \$(wc -l <$T/rx$1.log) -ge 3 ] && [ \$(wc -l <$T/tx$1.log) -ge 3 ]"
	stop "rx$1"
	stop "tx$1"
	[ "$(frames "rx$1" | grep -v '^321#' | tr '\n' ' ')" = "123#11223344$1 1ABCDEF0#$1 " ] &&
		[ "$(frames "tx$1" | grep -c "^321#AABB$1\$")" = 1 ]
}
if rx_tx 01; then
	ktap_ok "frames both ways over ssh://, byte for byte"
else
	ktap_fail "frames both ways over ssh://, byte for byte" "$(cat "$T/rx01.log" "$T/tx01.log")"
	show_log r
fi

# ---- the ssh session killed: rcand reconnects ----
# a new ssh, and the session up again (carrier) after the old one went
reconnected() {
	_now=$(ssh_children r)
	[ -n "$_now" ] && [ "$_now" != "$old" ] && [ "$(carrier rcant8)" = 1 ] &&
		grep -q 'reconnecting in' "$T/r.log"
}
old=$(ssh_children r)
kill -KILL "$old"
if wait_for 40 reconnected && rx_tx 02; then
	ktap_ok "ssh killed: rcand reconnects through a new ssh, frames flow again"
else
	ktap_fail "ssh killed: rcand reconnects through a new ssh, frames flow again" "old ssh $old, now: $(ssh_children r)"
	show_log r 30
fi
# a zombie still answers kill -0: only a reaped child does not
gone() { ! kill -0 "$1" 2>/dev/null; }
ktap_check "the killed ssh was reaped (no zombie)" gone "$old"

# ---- ssh hangs: the heartbeat finds out, the hung child is killed ----
old=$(ssh_children r)
kill -STOP "$old"
if wait_for 40 reconnected && grep -q 'silent for .* declaring it dead' "$T/r.log" &&
	wait_for 5 gone "$old" && rx_tx 03; then
	ktap_ok "ssh stopped: the heartbeat times out, rcand kills and reaps it, reconnects"
else
	ktap_fail "ssh stopped: the heartbeat times out, rcand kills and reaps it, reconnects" "old ssh $old: $(ps -o pid,stat,args -p "$old"), now: $(ssh_children r)"
	show_log r 30
fi

# ---- shutdown: the ssh child goes with rcand ----
cur=$(ssh_children r)
stop r TERM
if [ "$(cat "$T/r.rc")" = 0 ] && [ -n "$cur" ] && wait_for 5 gone "$cur"; then
	ktap_ok "SIGTERM: rcand exits 0 and its ssh child is gone"
else
	ktap_fail "SIGTERM: rcand exits 0 and its ssh child is gone" "exit $(cat "$T/r.rc"), ssh $cur: $(ps -o pid,stat,args -p "$cur")"
fi

# ---- refused: for good, with the reason, and no netdev ----
# attach_refused NAME CODE TEXT ARGS...: rcand exits CODE at once (no
# reconnecting), saying TEXT and what ssh said.
attach_refused() {
	_name=$1
	_code=$2
	_text=$3
	shift 3
	timeout "$(slow 60)" "$RCAND" attach -f "$@" >"$T/$_name.log" 2>&1
	_rc=$?
	if [ "$_rc" = "$_code" ] && grep -q "$_text" "$T/$_name.log" &&
		grep -q 'ssh stderr: ' "$T/$_name.log" &&
		! grep -q 'reconnecting' "$T/$_name.log" &&
		[ ! -e /sys/class/net/rcant9 ]; then
		ktap_ok "$_name: exit $_code, '$_text', ssh's words logged, no netdev"
	else
		ktap_fail "$_name: exit $_code, '$_text', ssh's words logged, no netdev" "exit $_rc: $(cat "$T/$_name.log")"
	fi
}
# shellcheck disable=SC2046
attach_refused "unknown host key" 9 "host key of 127.0.0.1 is not known" \
	-n rcant9 $(opts "$K/no_known_hosts" "$K/id") "$URL"
grep -q 'Host key verification failed' "$T/unknown host key.log" ||
	ktap_diag "(no 'Host key verification failed' from ssh)"
# shellcheck disable=SC2046
attach_refused "a key sshd does not accept" 9 "refused the login" \
	-n rcant9 $(opts "$K/known_hosts" "$K/other") "$URL"

# ---- bad URLs: usage errors, nothing started ----
bad=""
for u in 'ssh://-oProxyCommand=sh/rcvcan5' 'ssh://root@127.0.0.1/rcvcan5?port=0' \
	'ssh://root@127.0.0.1/rcvcan5?host=x' 'ssh://a;b@127.0.0.1/rcvcan5' \
	'ssh://127.0.0.1:99999/rcvcan5' 'ssh://127.0.0.1' 'sssh://127.0.0.1/rcvcan5'; do
	"$RCAND" attach -f -n rcant9 "$u" >"$T/badurl.log" 2>&1
	rc=$?
	[ "$rc" = 2 ] && grep -q '^rcand: ' "$T/badurl.log" || bad="$bad
$u: exit $rc: $(cat "$T/badurl.log")"
done
if [ -z "$bad" ] && [ ! -e /sys/class/net/rcant9 ]; then
	ktap_ok "bad ssh:// URLs are refused with exit 2 and a message"
else
	ktap_fail "bad ssh:// URLs are refused with exit 2 and a message" "$bad"
fi

# ---- socketcand not there: a network failure, retried with backoff ----
rm -f "$T/n.ready"
# shellcheck disable=SC2046
bg n "$RCAND" attach -f --backoff 200:1000 -n rcant9 $(opts "$K/known_hosts" "$K/id") \
	"ssh://root@127.0.0.1:$SSHPORT/rcvcan5?port=29599"
retried() { # three failed attempts, each followed by a backoff
	[ "$(grep -c 'ssh to 127.0.0.1 ended (exit status 255) before socketcand.*reconnecting in' "$T/n.log")" -ge 3 ]
}
if wait_for 40 retried &&
	alive n && [ -e /sys/class/net/rcant9 ]; then
	ktap_ok "socketcand not listening: ssh's failure is retried with backoff, the netdev waits"
else
	ktap_fail "socketcand not listening: ssh's failure is retried with backoff, the netdev waits" "$(tail -n 12 "$T/n.log")"
fi
stop n
no_ssh_zombie() {
	[ -z "$(ps -eo stat=,comm= | awk '$1 ~ /^Z/ && $2 == "ssh"')" ]
}
ktap_check "no ssh zombie is left" no_ssh_zombie
"$RCAND" detach --delete rcant9 >/dev/null 2>&1

# ---- discovery is unchanged ----
$RCAND discover -t 1500 >"$T/disc.txt" 2>&1
ktap_check "rcand discover still lists the server" \
	grep -q "^sshsrv (.*) at 127.0.0.1:$PORT, buses: rcvcan5$" "$T/disc.txt"
ktap_finish
