#!/bin/sh
# Netlink fuzzing of the rcan family (tests/fuzz/rcan-nlfuzz.c) for a
# bounded time while links come and go and frames flow; afterwards the
# kernel must still serve requests, hold no fuzzer link, and let rcan go.
# The kernel log is checked by vm-run. RCAN_FUZZ_SECONDS sets the budget
# (60 s here; scripts/check-debug.sh passes a longer one).
. tests/lib/ktap.sh
ko=kmod/rcan.ko
fuzz=tests/fuzz/rcan-nlfuzz
seconds=${RCAN_FUZZ_SECONDS:-60}

can_links() {
	ip -o link show 2>/dev/null | awk -F': ' '/link\/can/ { print $2 }' | sort
}

ktap_plan 4
modprobe -a can can_raw can_dev 2>/dev/null
loaded_here=0
if [ -e /sys/module/rcan ]; then
	ktap_ok "rcan.ko is loaded"
elif out=$(insmod "$ko" 2>&1); then
	loaded_here=1
	ktap_ok "rcan.ko is loaded"
else
	ktap_fail "rcan.ko is loaded" "insmod $ko: $out"
fi

before=$(can_links)
[ -n "$before" ] || before="(none)"
if [ ! -x "$fuzz" ]; then
	ktap_fail "netlink fuzzing for ${seconds} s, kernel still serves rcan" \
		"$fuzz is not built (make tests)"
else
	# Its "# ..." lines go straight into this KTAP document, so even a
	# run that wedges the kernel leaves its seed and progress behind.
	"$fuzz" -t "$seconds" 2>"${TMPDIR:-/tmp}/nlfuzz.err"
	rc=$?
	sed 's/^/# stderr: /' "${TMPDIR:-/tmp}/nlfuzz.err"
	if [ $rc -eq 0 ]; then
		ktap_ok "netlink fuzzing for ${seconds} s, kernel still serves rcan"
	else
		ktap_fail "netlink fuzzing for ${seconds} s, kernel still serves rcan" \
			"rcan-nlfuzz exit $rc"
	fi
fi

# Every CAN netdev that appeared during fuzzing must be gone again (the
# fuzzer deletes what it made; its namespaced child's links die with the
# namespace).
left=$(can_links | grep -v -x -F "$before")
if [ -z "$left" ]; then
	ktap_ok "no fuzzer link is left"
else
	ktap_fail "no fuzzer link is left" "left: $left"
fi

if [ $loaded_here -eq 1 ] || [ -e /sys/module/rcan ]; then
	# bounded: after a wedge, rmmod would wait forever
	ktap_check "rcan unloads after fuzzing" timeout -k 5 60 rmmod rcan
else
	ktap_fail "rcan unloads after fuzzing" "rcan was never loaded"
fi
ktap_finish
