# shellcheck shell=sh
# Waiting in tests (sourced).
#
# RCAN_SLOW: a whole-number factor for every wait, 1 by default. The debug
# kernel (make check-debug) runs the same tests several times slower, and
# sets it; a wait that succeeds returns at once whatever the factor.
RCAN_SLOW=${RCAN_SLOW:-1}

# slow SECONDS: SECONDS scaled by RCAN_SLOW.
slow() {
	echo $(($1 * RCAN_SLOW))
}

# wait_for SECONDS CMD...: poll every 0.1 s until CMD succeeds, for at
# most SECONDS (scaled) of wall-clock time; forks are slow in the TCG guest,
# so counting polls would wait far longer than asked.
wait_for() {
	_end=$(($(date +%s) + $(slow "$1")))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.1
	done
}
