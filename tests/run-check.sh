#!/bin/bash
# `make check`: build, run the host suites (tests/host/*.sh) and, in one
# QEMU guest boot, the guest suites (tests/guest/*.sh); then the same guest
# suites once more on the debug kernel (scripts/check-debug.sh: KASAN,
# lockdep, kmemleak ...). Counts every test case of every KTAP document and
# ends with "N passed, N failed, N skipped".
#
#   tests/run-check.sh [GUEST_PATTERN]
# Environment: RCAN_GUEST_TIMEOUT (seconds for the whole guest run, 3000),
# RCAN_SKIP_HOST=1 / RCAN_SKIP_GUEST=1 to run one half while developing,
# RCAN_DEBUG=0 to leave out the debug kernel run (it takes 15-30 minutes,
# most of it building the debug kernel the first time).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
pattern=${1:-*}
out=build/check
rm -rf "$out"
mkdir -p "$out/host"

passed=0
failed=0
skipped=0

# tally NAME KTAP_FILE RC [ERR_FILE]
tally() {
	local name=$1 file=$2 rc=$3 err=${4:-} p f s
	read -r p f s < <(awk -v rc="$rc" -f tests/ktap-count.awk "$file")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	printf '# %-28s %3d passed, %d failed, %d skipped\n' "$name" "$p" "$f" "$s"
	if [ "$f" -gt 0 ]; then
		grep -E '^not ok|^# ' "$file" | grep -v -E '^# (PASSED|OK|  RUN|Starting)' |
			tail -n 30 | sed 's/^/#    /'
		[ "$rc" -ne 0 ] && echo "#    (exit status $rc)"
		[ -n "$err" ] && [ -s "$err" ] && tail -n 15 "$err" | sed 's/^/#    stderr: /'
	fi
}

# case_result NAME OK: one synthetic test case (build, guest boot ...).
case_result() {
	if [ "$2" = ok ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "# FAILED: $1"
	fi
}

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
		"$t" >"$out/$name.ktap" 2>"$out/$name.err"
		tally "$name" "$out/$name.ktap" $? "$out/$name.err"
	done
fi

if [ "${RCAN_SKIP_GUEST:-0}" != 1 ]; then
	echo "# booting the guest for the guest suites"
	scripts/vm-run -t "${RCAN_GUEST_TIMEOUT:-3000}" -o "$out/guest" -- \
		tests/guest-suite.sh "$pattern"
	vrc=$?
	for k in "$out"/guest/ktap/*.ktap; do
		[ -e "$k" ] || continue
		name=guest/$(basename "$k" .ktap)
		rc=$(cat "${k%.ktap}.rc" 2>/dev/null || echo 1)
		tally "$name" "$k" "$rc" "${k%.ktap}.err"
	done
	if [ "$vrc" -eq 0 ]; then
		case_result "guest run with a clean kernel log" ok
	else
		case_result "guest run with a clean kernel log (vm-run exit $vrc, log in $out/guest)" fail
	fi
fi

if [ "${RCAN_SKIP_GUEST:-0}" != 1 ] && [ "${RCAN_DEBUG:-1}" != 0 ]; then
	echo "# the guest suites on the debug kernel (scripts/check-debug.sh)"
	# its lines as they come, as comments; its summary line is added in
	scripts/check-debug.sh "$pattern" 2>&1 | tee "$out/check-debug.log" |
		sed -u -e 's/^# //' -e 's/^/# debug: /'
	drc=${PIPESTATUS[0]}
	last=$(tail -n 1 "$out/check-debug.log")
	if echo "$last" | grep -qE '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$'; then
		read -r p _ f _ s _ <<<"$last"
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + s))
		[ "$drc" -ne 0 ] && [ "$f" -eq 0 ] &&
			case_result "check-debug exit status $drc" fail
	else
		case_result "check-debug ended without its summary (see $out/check-debug.log)" fail
	fi
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
