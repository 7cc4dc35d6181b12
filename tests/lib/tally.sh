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
#   time_add SECTION SUITE SECONDS       one suite's run time, for time_table
#   time_table                           every suite's time per section, the
#                                        sum of each section, the ten slowest cases
# TALLY_TIMES (a file) keeps the times; TALLY_CASES lists the per-case
# time files (NAME.cases, tests/lib/case-times.sh) of the guest runs.
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
	section_t0=$SECONDS
	sp=0
	sf=0
	ss=0
}

section_end() {
	echo "# $section: $sp passed, $sf failed, $ss skipped, $(minutes $((SECONDS - section_t0)))"
}

# minutes SECONDS: "12.3 min"
minutes() {
	printf '%d.%d min' $(($1 / 60)) $(($1 % 60 / 6))
}

time_add() { # SECTION SUITE SECONDS
	[ -n "${TALLY_TIMES:-}" ] && printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$TALLY_TIMES"
	return 0
}

# time_table: one row per suite, one column per section (a kernel, say),
# seconds; "-" where the suite did not run there. Then the sum of each
# column, and the ten slowest test cases of all the guest runs.
time_table() {
	[ -s "${TALLY_TIMES:-}" ] || return 0
	echo "# time per suite, seconds:"
	awk -F '\t' '
		!($1 in seen) { seen[$1] = 1; cols[++nc] = $1 }
		!($2 in rseen) { rseen[$2] = 1; rows[++nr] = $2 }
		{ t[$2, $1] = $3; sum[$1] += $3 }
		END {
			line = sprintf("# %-30s", "suite")
			for (c = 1; c <= nc; c++) line = line sprintf(" %12s", substr(cols[c], 1, 12))
			print line
			for (r = 1; r <= nr; r++) {
				line = sprintf("# %-30s", rows[r])
				for (c = 1; c <= nc; c++)
					line = line sprintf(" %12s", ((rows[r], cols[c]) in t) ? t[rows[r], cols[c]] : "-")
				print line
			}
			line = sprintf("# %-30s", "sum")
			for (c = 1; c <= nc; c++) line = line sprintf(" %12s", sum[cols[c]])
			print line
		}' "$TALLY_TIMES"
	local f
	[ -n "${TALLY_CASES:-}" ] || return 0
	echo "# the ten slowest test cases, seconds:"
	local label
	for f in $TALLY_CASES; do
		[ -s "$f" ] || continue
		# build/check/guest-KVER/ktap/NAME.cases, or .../check-debug/guest/...
		label=$(basename "$(dirname "$(dirname "$f")")")
		label=${label#guest-}
		label=${label%%[-+]*} # 6.12.118+deb12-amd64: 6.12.118
		[ "$label" = guest ] && label=debug
		sed "s|\t|\t$label/$(basename "$f" .cases): |" "$f"
	done | sort -t "$(printf '\t')" -k 1,1 -g -r | head -n 10 | cut -c 1-150 | sed 's/^/#   /'
}

tally_summary() {
	local f
	for f in "${failures[@]}"; do
		echo "# failed: $f"
	done
	echo "$passed passed, $failed failed, $skipped skipped"
}
