# shellcheck shell=sh
# KTAP output for shell tests (sourced). Usage:
#   . tests/lib/ktap.sh
#   ktap_plan 3
#   ktap_check "vcan comes up" ip link set vcan0 up
#   ktap_ok "something"            ktap_fail "something" ["why"]
#   ktap_skip "something" "why"
#   ktap_finish                    # exits 0 when nothing failed
KTAP_N=0
KTAP_FAILED=0

ktap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

ktap_diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

ktap_ok() {
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N $1"
}

ktap_fail() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_FAILED=$((KTAP_FAILED + 1))
	[ -n "${2:-}" ] && ktap_diag "$2"
	echo "not ok $KTAP_N $1"
}

ktap_skip() {
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N $1 # SKIP $2"
}

# ktap_check NAME CMD...: one test case that passes when CMD exits 0; the
# command's output is shown as diagnostics when it fails.
ktap_check() {
	_name=$1
	shift
	if _out=$("$@" 2>&1); then
		ktap_ok "$_name"
	else
		ktap_fail "$_name" "$* -> exit $?: $_out"
	fi
}

ktap_finish() {
	[ "$KTAP_FAILED" -eq 0 ]
	exit $?
}
