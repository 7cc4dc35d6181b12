#!/bin/sh
# Netlink fuzzing of the rcan family (tests/fuzz/rcan-nlfuzz.c) for a
# bounded time while links come and go and frames flow; afterwards the
# kernel must still serve requests, hold no fuzzer link, and let rcan go.
# The kernel log is checked by vm-run. RCAN_FUZZ_SECONDS sets the budget
# (60 s here; scripts/check-debug.sh passes a longer one).
#
# A wedged kernel leaves processes in uninterruptible sleep that no signal
# ends and no wait returns from: nothing here waits for them. The fuzzer
# reports a wedge itself (its watchdog), and rmmod gets a bounded time.
# matrix: kernel
. tests/lib/ktap.sh
. tests/lib/wait.sh
ko=kmod/rcan.ko
fuzz=tests/fuzz/rcan-nlfuzz
seconds=${RCAN_FUZZ_SECONDS:-60}
tmp=$(mktemp -d)

can_links() {
	ip -o link show 2>/dev/null | awk -F': ' '/link\/can/ { print $2 }' | sort
}

# bounded SECONDS CMD...: run CMD, give up (status 124) without waiting
# for it after SECONDS.
bounded() {
	_limit=$1
	shift
	"$@" >"$tmp/bounded.out" 2>&1 &
	_pid=$!
	_t=0
	while kill -0 "$_pid" 2>/dev/null; do
		if [ "$_t" -ge "$_limit" ]; then
			echo "still running after ${_limit} s" >>"$tmp/bounded.out"
			return 124
		fi
		sleep 1
		_t=$((_t + 1))
	done
	wait "$_pid"
}

ktap_plan 5
modprobe -a can can_raw can_dev 2>/dev/null
if [ -e /sys/module/rcan ]; then
	ktap_ok "rcan.ko is loaded"
elif out=$(insmod "$ko" 2>&1); then
	ktap_ok "rcan.ko is loaded"
else
	ktap_fail "rcan.ko is loaded" "insmod $ko: $out"
fi

before=$(can_links)
[ -n "$before" ] || before="(none)"
name="netlink fuzzing for ${seconds} s, kernel still serves rcan"
wedged=0
if [ ! -x "$fuzz" ]; then
	ktap_fail "$name" "$fuzz is not built (make tests)"
else
	# An answer the kernel owes may take longer on the debug kernel.
	"$fuzz" -t "$seconds" -a "$(slow 2)" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	# its last line starts "# N of M threads finished"
	while kill -0 "$pid" 2>/dev/null &&
		! grep -q 'threads finished; kernel' "$tmp/out"; do
		sleep 1
	done
	if grep -q 'kernel is NOT healthy (wedged)' "$tmp/out"; then
		wedged=1
		rc=1
	else
		wait "$pid"
		rc=$?
	fi
	cat "$tmp/out"
	sed 's/^/# stderr: /' "$tmp/err"
	if [ "$rc" -eq 0 ]; then
		ktap_ok "$name"
	else
		ktap_fail "$name" "rcan-nlfuzz exit $rc"
	fi
fi

# Mutated LINK_NEWs make links (with random names) the fuzzer never hears
# of, so it cannot delete them all itself. Every other one is deleted by
# name with rcand (LINK_DEL; "--" because some names start with "-"), the
# rest must go with the module's exit.
left=$(can_links | grep -v -x -F "$before")
name="rcand detach --delete removes fuzzer-made links by name"
deleted=0
undeletable=""
i=0
for l in $left; do
	i=$((i + 1))
	[ $((i % 2)) -eq 0 ] || continue
	if helper/rcand detach --delete -- "$l" >/dev/null 2>&1 &&
		! [ -e "/sys/class/net/$l" ]; then
		deleted=$((deleted + 1))
	else
		undeletable="$undeletable $l"
	fi
done
if [ -z "$undeletable" ]; then
	ktap_ok "$name ($deleted of $i)"
else
	ktap_fail "$name" "not deleted:$undeletable"
fi
[ -n "$left" ] && ktap_diag "$((i - deleted)) links made by mutated LINK_NEWs are left for rmmod"

if [ $wedged -eq 1 ]; then
	ktap_fail "rcan unloads after fuzzing" "not tried: the kernel is wedged"
elif bounded 60 rmmod rcan; then
	ktap_ok "rcan unloads after fuzzing"
else
	ktap_fail "rcan unloads after fuzzing" "rmmod rcan: $(cat "$tmp/bounded.out")"
fi
left=$(can_links | grep -v -x -F "$before")
if [ -z "$left" ]; then
	ktap_ok "no fuzzer link is left once rcan is gone"
else
	ktap_fail "no fuzzer link is left once rcan is gone" "left: $left"
fi
rm -rf "$tmp"
ktap_finish
