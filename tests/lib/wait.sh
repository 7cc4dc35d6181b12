# shellcheck shell=sh
# wait_for SECONDS CMD...: poll every 0.1 s until CMD succeeds (sourced).
wait_for() {
	_n=$(($1 * 10))
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
