#!/bin/bash
# `make check`: build, run the host suites (tests/host/*.sh), then the
# guest suites (tests/guest/*.sh) on every Debian kernel under test
# (scripts/kver.sh --all: 6.1 and 6.12 on Debian 12), each in one QEMU boot
# with rcan.ko built for that kernel; then once more on the debug kernel
# (scripts/check-debug.sh: KASAN, lockdep, kmemleak ...). Each guest suite's
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
# (it takes 15-30 minutes, most of it building the debug kernel the first
# time), RCAN_KMOD_SRC (the module's sources, default kmod: a copy with a
# planted bug, or an older module, shows that a test can fail),
# RCAN_MATRIX=all to run every suite on every kernel,
# RCAN_GUEST_PARALLEL=0 to boot the Debian kernels one after another,
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

# The debug kernel (a first build takes 12 minutes or more) builds in the
# background from the start, under nice, on the CPU time the host suites
# and the guests' timer waits leave; it is needed only at the end.
debug_build=
if [ "${RCAN_SKIP_GUEST:-0}" != 1 ] && [ "${RCAN_DEBUG:-1}" != 0 ] &&
	[ "${RCAN_QUICK:-0}" != 1 ]; then
	scripts/debug-kernel.sh >/dev/null 2>"$out/debug-kernel.err" &
	debug_build=$!
fi

section_start "build and host suites"
echo "# building"
if make -s all tests >"$out/build.log" 2>&1; then
	case_result build ok
else
	tail -n 40 "$out/build.log" | sed 's/^/#    /'
	case_result "build (see $out/build.log)" fail
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
section_end
totals=("$(section_end)")

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
# $out/boot-KVER.log and its results to files, for guest_tally. The Debian
# kernels boot side by side: much of a guest run waits on timers and
# paced traffic, which two guests overlap on this machine's two cores.
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
		case_result "rcan.ko for $k$([ "$vrc" = none ] && echo " (no result: its boot did not finish)")" fail
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

if [ "${RCAN_SKIP_GUEST:-0}" != 1 ]; then
	kernels=${RCAN_KERNELS:-$(scripts/kver.sh --all)}
	newest=$(printf '%s\n' $kernels | sort -V | tail -n 1)
	[ "${RCAN_QUICK:-0}" = 1 ] && kernels=$newest
	echo "# booting the Debian kernels' guests side by side: $(echo $kernels)"
	# (waits for these boots by pid: the debug kernel's build goes on)
	boots=
	for k in $kernels; do
		m="kernel server"
		[ "$k" = "$newest" ] && m=all
		guest_boot "$k" "${RCAN_MATRIX:-$m}" &
		boots="$boots $!"
		[ "${RCAN_GUEST_PARALLEL:-1}" = 0 ] && wait $!
	done
	for b in $boots; do
		wait "$b"
	done
	for k in $kernels; do
		guest_tally "$k"
		totals+=("$(section_end)")
	done
fi

[ "${RCAN_QUICK:-0}" = 1 ] && RCAN_DEBUG=0
if [ "${RCAN_SKIP_GUEST:-0}" != 1 ] && [ "${RCAN_DEBUG:-1}" != 0 ]; then
	section_start "debug kernel"
	# Built once and cached: its first build is set-up, like the apt
	# installs, and the wait for it is left out of the time the budget
	# counts.
	t0=$SECONDS
	if [ -n "$debug_build" ]; then
		wait "$debug_build"
	else
		scripts/debug-kernel.sh >/dev/null 2>"$out/debug-kernel.err"
	fi || tail -n 20 "$out/debug-kernel.err" | sed 's/^/#    /'
	not_budgeted=$((SECONDS - t0))
	echo "# debug kernel ready after a wait of $not_budgeted s"
	echo "# the guest suites on the debug kernel (scripts/check-debug.sh)"
	# its lines as they come, as comments; its summary line is added in
	scripts/check-debug.sh "$pattern" 2>&1 | tee "$out/check-debug.log" |
		sed -u -e 's/^# //' -e 's/^/# debug: /'
	drc=${PIPESTATUS[0]}
	last=$(tail -n 1 "$out/check-debug.log")
	if echo "$last" | grep -qE '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$'; then
		read -r p _ f _ s _ <<<"$last"
		tally_add "$p" "$f" "$s"
		[ "$drc" -ne 0 ] && [ "$f" -eq 0 ] &&
			case_result "check-debug exit status $drc" fail
	else
		case_result "check-debug ended without its summary (see $out/check-debug.log)" fail
	fi
	totals+=("$(section_end)")
fi

for f in build/check-debug/guest/ktap/*.time; do
	[ -e "$f" ] && [ "${RCAN_DEBUG:-1}" != 0 ] && [ "${RCAN_SKIP_GUEST:-0}" != 1 ] || continue
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
