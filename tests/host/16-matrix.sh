#!/bin/sh
# The test matrix (README, "Tests"): every guest suite says where it runs
# with exactly one line "# matrix: kernel" (every kernel), "# matrix: user"
# (the newest Debian kernel and the debug kernel) or "# matrix: server"
# (rcand serve: every Debian kernel). A suite without one would silently
# run nowhere but the newest kernel, and a kernel-facing suite must not be
# left off the older kernels by accident.
#
#   tests/host/16-matrix.sh [GUEST_DIR]     (default tests/guest)
. tests/lib/ktap.sh
dir=${1:-tests/guest}
set -- "$dir"/*.sh
ktap_plan $#
for t in "$@"; do
	lines=$(grep -c '^# matrix:' "$t")
	valid=$(grep -c -x -E '# matrix: (kernel|user|server)' "$t")
	if [ "$lines" -eq 1 ] && [ "$valid" -eq 1 ]; then
		ktap_ok "$(basename "$t") $(grep '^# matrix:' "$t" | cut -c 3-)"
	else
		ktap_fail "$(basename "$t") has one line '# matrix: kernel', 'user' or 'server'" \
			"found: $(grep '^# matrix' "$t" | tr '\n' '|')"
	fi
done
ktap_finish
