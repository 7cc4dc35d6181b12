#!/bin/bash
# `make check`: build, run the host suites (tests/host/*.sh) and the
# guest suites (tests/guest/*.sh) on every Debian kernel under test
# (scripts/kver.sh --all: 6.1 and 6.12 on Debian 12), each in one QEMU boot
# with rcan.ko built for that kernel, and on the debug kernel
# (scripts/check-debug.sh: KASAN, lockdep, kmemleak ...), in two lanes
# side by side (see "Two lanes" below). Each guest suite's
# "# matrix:" line says where it runs (the README's test matrix says why):
# kernel on every kernel, user on the newest Debian kernel and the debug
# kernel, server (rcand serve, the remote end) on every Debian kernel.
# Counts every test case of every KTAP document, shows the totals and the
# time of each kernel, every suite's time and the slowest cases, warns when
# the run went past its budget, and ends with "N passed, N failed, N skipped".
#
#   tests/run-check.sh [GUEST_PATTERN]
# Environment: RCAN_GUEST_TIMEOUT (seconds for one kernel's guest run,
# 3000), RCAN_SKIP_HOST=1 / RCAN_SKIP_GUEST=1 to run one half while
# developing, RCAN_CHECK_OUT (where results go, default build/check; the
# guest must see it, so not under /tmp), RCAN_KERNELS (the kernels to boot,
# default all under test), RCAN_DEBUG=0 to leave out the debug kernel run
# (its guest takes about 25 minutes, and a first build of the debug kernel
# 12 or more), RCAN_KMOD_SRC (the module's sources, default kmod: a copy with a
# planted bug, or an older module, shows that a test can fail),
# RCAN_MATRIX=all to run every suite on every kernel,
# RCAN_GUEST_PARALLEL=0 to run one lane: every guest after the host
# suites, one after another,
# RCAN_SOCKETCAND (a socketcand built by hand: 58-serve-extension runs its
# plain-server cases against it instead of the test server),
# RCAN_CHECK_BUDGET
# (seconds, default 2400: the 40 minutes the run may take with the packages
# and the debug kernel already there), RCAN_QUICK=1 (`make check-quick`:
# the newest Debian kernel only, and no debug kernel).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
pattern=${1:-*}
out=${RCAN_CHECK_OUT:-build/check}
rm -rf "$out"
mkdir -p "$out/host"
. tests/lib/tally.sh
TALLY_TIMES=$out/times.tsv
TALLY_CASES=
budget=${RCAN_CHECK_BUDGET:-2400}
not_budgeted=0 # seconds spent building the debug kernel: not the run's own
debug_wanted=0

# The debug kernel (a first build takes 12 minutes or more) builds in the
# background from the start, under nice, on the CPU time the host suites
# leave; $out/debug-build.rc says when it is done (a pid cannot: the lane
# that waits for it is not its parent).
want_debug=0 # the second lane clears it once it has run the debug guest
if [ "${RCAN_SKIP_GUEST:-0}" != 1 ] && [ "${RCAN_DEBUG:-1}" != 0 ] &&
	[ "${RCAN_QUICK:-0}" != 1 ]; then
	want_debug=1
	debug_wanted=1
	{
		scripts/debug-kernel.sh >/dev/null 2>"$out/debug-kernel.err"
		echo $? >"$out/debug-build.rc"
	} &
fi

# guest_failure VM_RUN_STDERR: why a guest run failed, on one line: vm-run's
# verdict, and from the kernel log it showed the first complaint and the
# first instruction pointer (an oops and where it happened, say).
guest_failure() {
	local verdict first rip
	verdict=$(grep -m 1 '^vm-run:' "$1")
	first=$(grep -m 1 -E '^[0-9]+:' "$1" | sed -E 's/^[0-9]+:\[[ 0-9.]*\] *//')
	rip=$(grep -m 1 -o -E 'RIP: [0-9]+:[^ ]+' "$1")
	echo "${verdict#vm-run: }${first:+ / $first}${rip:+ / $rip}"
}

# guest_boot KVER MATRIX: rcan.ko built for one installed Debian kernel
# and one boot of it running the guest suites of the classes MATRIX
# names (tests/guest-suite.sh). Prints nothing: its messages go to
# $out/boot-KVER.log and its results to files, for guest_tally.
guest_boot() {
	local k=$1 matrix=$2 t0=$SECONDS kmod vrc=0
	{
		echo "# booting $k for the guest suites ($matrix)"
		if kmod=$(scripts/build-kmod.sh "$out/kmod-$k" "/usr/src/linux-headers-$k" "${RCAN_KMOD_SRC:-kmod}" 2>"$out/kmod-$k.err"); then
			# vm-run's own messages come at the end: kept to say why it failed
			scripts/vm-run -r "$k" -t "${RCAN_GUEST_TIMEOUT:-3000}" -o "$out/guest-$k" -- \
				env RCAN_MATRIX="$matrix" RCAN_SOCKETCAND="${RCAN_SOCKETCAND:-}" \
				scripts/guest-kernel.sh "$kmod" "$pattern" 2>"$out/vm-run-$k.err"
			vrc=$?
			cat "$out/vm-run-$k.err"
		else
			sed 's/^/#    /' "$out/kmod-$k.err"
			vrc=kmod
		fi
	} >"$out/boot-$k.log" 2>&1
	echo "$vrc" >"$out/boot-$k.rc"
	echo $((SECONDS - t0)) >"$out/boot-$k.time"
}

# guest_tally KVER: count what guest_boot left, as one section.
guest_tally() {
	local k=$1 dir vrc f rc
	dir=$out/guest-$k
	section_start "kernel $k"
	cat "$out/boot-$k.log" >&2
	vrc=$(cat "$out/boot-$k.rc" 2>/dev/null || echo none)
	if [ "$vrc" = kmod ] || [ "$vrc" = none ]; then
		case_result "rcan.ko for $k$([ "$vrc" = none ] && echo " (no result: its lane did not finish)")" fail
		section_end
		return
	fi
	case_result "rcan.ko for $k" ok
	for f in "$dir"/ktap/*.ktap; do
		[ -e "$f" ] || continue
		rc=$(cat "${f%.ktap}.rc" 2>/dev/null || echo 1)
		tally "$k/$(basename "$f" .ktap)" "$f" "$rc" "${f%.ktap}.err"
		[ -r "${f%.ktap}.time" ] &&
			time_add "${k%%[-+]*}" "$(basename "$f" .ktap)" "$(cat "${f%.ktap}.time")"
		TALLY_CASES="$TALLY_CASES ${f%.ktap}.cases"
	done
	if [ "$vrc" = 0 ]; then
		case_result "$k: guest run with a clean kernel log" ok
	else
		case_result "$k: guest run with a clean kernel log (vm-run exit $vrc, log in $dir): $(guest_failure "$out/vm-run-$k.err")" fail
	fi
	# the section's time is its own boot's, not the wait for the others
	section_t0=$((SECONDS - $(cat "$out/boot-$k.time" 2>/dev/null || echo 0)))
	section_end
}

# debug_run: the guest suites on the debug kernel (scripts/check-debug.sh),
# its output, exit status and time to files, for debug_tally.
debug_run() {
	local t0=$SECONDS
	scripts/check-debug.sh "$pattern" >"$out/check-debug.log" 2>&1
	echo $? >"$out/debug.rc"
	echo $((SECONDS - t0)) >"$out/debug.time"
}

debug_tally() {
	local drc last p f s
	section_start "debug kernel"
	echo "# the second lane waited $debug_wait s for the debug kernel's build, with nothing else to run"
	echo "# the guest suites on the debug kernel (scripts/check-debug.sh)"
	[ -s "$out/debug-kernel.err" ] && [ "$(cat "$out/debug-build.rc" 2>/dev/null)" != 0 ] &&
		tail -n 20 "$out/debug-kernel.err" | sed 's/^/#    /'
	sed -e 's/^# //' -e 's/^/# debug: /' "$out/check-debug.log" 2>/dev/null
	drc=$(cat "$out/debug.rc" 2>/dev/null || echo none)
	last=$(tail -n 1 "$out/check-debug.log" 2>/dev/null)
	if echo "$last" | grep -qE '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$'; then
		read -r p _ f _ s _ <<<"$last"
		tally_add "$p" "$f" "$s"
		[ "$drc" != 0 ] && [ "$f" -eq 0 ] &&
			case_result "check-debug exit status $drc" fail
	else
		case_result "check-debug ended without its summary (see $out/check-debug.log)" fail
	fi
	section_t0=$((SECONDS - $(cat "$out/debug.time" 2>/dev/null || echo 0)))
}

# second_lane KERNELS: the guests that do not run in this shell, one after
# another, each as soon as it can start: the debug kernel's once its build
# is done, the Debian KERNELS' once the host suites are (whichever comes
# first). The seconds it sat waiting for the debug kernel's build alone,
# with nothing else to run, go to $out/debug-wait: a first build is
# set-up, like the apt installs, and the budget leaves it out.
second_lane() {
	local rest=$* debug_wait=0
	while [ "$want_debug" = 1 ] || [ -n "$rest" ]; do
		if [ "$want_debug" = 1 ] && [ -e "$out/debug-build.rc" ]; then
			want_debug=0
			debug_run >"$out/debug-lane.log" 2>&1
		elif [ -n "$rest" ] && [ -e "$out/host.done" ]; then
			for k in $rest; do
				guest_boot "$k" "${RCAN_MATRIX:-kernel server}"
			done
			rest=
		else
			sleep 2
			[ "$want_debug" = 1 ] && { [ -z "$rest" ] || [ -e "$out/host.done" ]; } &&
				debug_wait=$((debug_wait + 2))
		fi
	done
	echo "$debug_wait" >"$out/debug-wait"
}

section_start "build and host suites"
echo "# building"
if make -s all tests >"$out/build.log" 2>&1; then
	case_result build ok
else
	tail -n 40 "$out/build.log" | sed 's/^/#    /'
	case_result "build (see $out/build.log)" fail
fi

# Two lanes keep the two cores busy from the build to the end: this shell
# runs the host suites, then the newest Debian kernel's guest (every
# suite); the second lane runs the debug kernel's guest and the older
# Debian kernels' (kernel and server suites). Much of a guest run waits on
# timers and paced traffic, which two runs overlap. The lanes come out
# about even: the debug guest plus 6.1 against the host suites plus 6.12.
lane=
kernels=
# kill_tree PID: a lane and everything it started (its QEMU too), so that
# an interrupted run leaves nothing behind to race the next one's rm -rf
kill_tree() {
	local c
	for c in $(pgrep -P "$1"); do
		kill_tree "$c"
	done
	kill "$1" 2>/dev/null
}
trap '[ -n "$lane" ] && kill_tree "$lane"; exit 130' INT TERM
if [ "${RCAN_SKIP_GUEST:-0}" != 1 ]; then
	kernels=${RCAN_KERNELS:-$(scripts/kver.sh --all)}
	newest=$(printf '%s\n' $kernels | sort -V | tail -n 1)
	[ "${RCAN_QUICK:-0}" = 1 ] && kernels=$newest
	older=$(printf '%s\n' $kernels | grep -vxF "$newest")
	echo "# the newest Debian kernel's guest after the host suites: $newest"
	echo "# beside them: $([ "$want_debug" = 1 ] && echo "the debug kernel's guest, ")$(echo $older)"
	if [ "${RCAN_GUEST_PARALLEL:-1}" != 0 ]; then
		second_lane $older &
		lane=$!
	fi
fi

if [ "${RCAN_SKIP_HOST:-0}" != 1 ]; then
	for t in tests/host/*.sh; do
		[ -x "$t" ] || continue
		name=host/$(basename "$t" .sh)
		t0=$SECONDS
		"$t" >"$out/$name.ktap" 2>"$out/$name.err"
		tally "$name" "$out/$name.ktap" $? "$out/$name.err"
		time_add host "$name" $((SECONDS - t0))
	done
fi
# the other lane's Debian guests wait for this: 40-dkms-modprobe and
# 41-deb-dkms-modprobe load what 21-dkms and 30-deb installed
touch "$out/host.done"
section_end
totals=("$(section_end)")


if [ "${RCAN_SKIP_GUEST:-0}" != 1 ]; then
	guest_boot "$newest" "${RCAN_MATRIX:-all}"
	lane1_end=$SECONDS
	# RCAN_GUEST_PARALLEL=0: the second lane's work after this one's
	if [ -n "$lane" ]; then
		wait "$lane"
	else
		second_lane $older
	fi
	# The wait for the debug kernel's build made the run longer only by
	# as much as the second lane ended after this one.
	debug_wait=$(cat "$out/debug-wait" 2>/dev/null || echo 0)
	not_budgeted=$((SECONDS - lane1_end))
	[ "$debug_wait" -lt "$not_budgeted" ] && not_budgeted=$debug_wait
	for k in $kernels; do
		guest_tally "$k"
		totals+=("$(section_end)")
	done
	if [ "$debug_wanted" = 1 ]; then
		debug_tally
		totals+=("$(section_end)")
	fi
fi

for f in build/check-debug/guest/ktap/*.time; do
	[ -e "$f" ] && [ "$debug_wanted" = 1 ] || continue
	time_add debug "$(basename "$f" .time)" "$(cat "$f")"
	TALLY_CASES="$TALLY_CASES ${f%.time}.cases"
done
time_table
for t in "${totals[@]}"; do
	echo "$t"
done
spent=$((SECONDS - not_budgeted))
echo "# make check took $(minutes "$SECONDS") ($(minutes "$not_budgeted") of it building the debug kernel)"
if [ "$spent" -gt "$budget" ]; then
	echo "# WARNING: make check took $(minutes "$spent") without the debug kernel build, over its budget of $(minutes "$budget")"
fi
tally_summary
[ "$failed" -eq 0 ]
