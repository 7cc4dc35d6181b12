# shellcheck shell=bash
# Counting for tests/run-check.sh and scripts/check-debug.sh (sourced):
# every test case of every KTAP document, in a grand total and in the
# total of the current section (one kernel, say).
#
#   tally NAME KTAP_FILE RC [ERR_FILE]   count one document, show failures
#   case_result NAME ok|fail             one synthetic case (a build ...)
#   section_start NAME / section_end     "# NAME: N passed, ..." at the end
#   tally_summary                        the failures again, one line each, then
#                                        the last line: "N passed, N failed, N skipped"
# The failures are repeated at the end because CI keeps only the tail of a
# long run's output, and a count alone does not say what to look at.
passed=0
failed=0
skipped=0
section=
sp=0
sf=0
ss=0
failures=()

tally_add() { # PASSED FAILED SKIPPED
	passed=$((passed + $1))
	failed=$((failed + $2))
	skipped=$((skipped + $3))
	sp=$((sp + $1))
	sf=$((sf + $2))
	ss=$((ss + $3))
}

tally() {
	local name=$1 file=$2 rc=$3 err=${4:-} p f s
	read -r p f s < <(awk -v rc="$rc" -f tests/ktap-count.awk "$file")
	tally_add "$p" "$f" "$s"
	printf '# %-36s %3d passed, %d failed, %d skipped\n' "$name" "$p" "$f" "$s"
	if [ "$f" -gt 0 ]; then
		failures+=("$name: $(grep -m 1 '^not ok' "$file" || echo "exit status $rc")")
		grep -E '^not ok|^# ' "$file" | grep -v -E '^# (PASSED|OK|  RUN|Starting)' |
			tail -n 30 | sed 's/^/#    /'
		[ "$rc" -ne 0 ] && echo "#    (exit status $rc)"
		[ -n "$err" ] && [ -s "$err" ] && tail -n 15 "$err" | sed 's/^/#    stderr: /'
	fi
	return 0
}

case_result() {
	if [ "$2" = ok ]; then
		tally_add 1 0 0
	else
		tally_add 0 1 0
		failures+=("$1")
		echo "# FAILED: $1"
	fi
}

section_start() {
	section=$1
	sp=0
	sf=0
	ss=0
}

section_end() {
	echo "# $section: $sp passed, $sf failed, $ss skipped"
}

tally_summary() {
	local f
	for f in "${failures[@]}"; do
		echo "# failed: $f"
	done
	echo "$passed passed, $failed failed, $skipped skipped"
}
