#!/bin/sh
# Runs inside the guest (scripts/vm-run): every guest test in order, each
# one's KTAP output saved as $RCAN_OUT/ktap/NAME.ktap and its exit status
# as NAME.rc, so the host can count the test cases. Between tests, state a
# test left behind is removed so one failure does not cascade.
#
#   tests/guest-suite.sh [PATTERN]     (shell glob on the name, default all)
# RCAN_GUEST_EXCLUDE: globs of names not to run, separated by spaces
# (check-debug leaves out the DKMS and package tests: DKMS builds for
# Debian's kernels, not the debug one).
# RCAN_MATRIX: the classes of suites to run, by their "# matrix:" line
# (kernel, user, server; the README's test matrix says which boot runs
# which), separated by spaces; the default, all, runs every suite.
# Each suite's run time goes to NAME.time (seconds), and each case's to
# NAME.cases ("SECONDS<tab>ok N name", tests/lib/case-times.sh).
set -u
pattern=${1:-*}
exclude=${RCAN_GUEST_EXCLUDE:-}
matrix=${RCAN_MATRIX:-all}
per_test_timeout=${RCAN_TEST_TIMEOUT:-900}
mkdir -p "$RCAN_OUT/ktap"

modprobe -a can can_raw can_dev vcan 2>&1

# A DKMS-installed rcan.ko (tests/host/21-dkms.sh) would be autoloaded
# whenever a test resolves the genl family. Tests load the tree's module
# themselves, and some check what happens without one, so the DKMS copy is
# hidden from every test but the ones about DKMS.
dkms_dir=/lib/modules/$(uname -r)/updates/dkms
hide_dkms() {
	[ -d "$dkms_dir" ] && ! mountpoint -q "$dkms_dir" &&
		mount -t tmpfs -o ro,size=4k tmpfs "$dkms_dir"
}
show_dkms() {
	mountpoint -q "$dkms_dir" && umount "$dkms_dir"
}

for t in tests/guest/*.sh; do
	name=$(basename "$t" .sh)
	# shellcheck disable=SC2254
	case "$name" in $pattern) ;; *) continue ;; esac
	skip=
	set -f # the globs are for case, not for file names
	for ex in $exclude; do
		# shellcheck disable=SC2254
		case "$name" in $ex) skip=1 ;; esac
	done
	set +f
	[ -n "$skip" ] && continue
	class=$(sed -n 's/^# matrix: //p' "$t")
	case " $matrix " in
	*" all "* | *" $class "*) ;;
	*) continue ;;
	esac
	case "$name" in *dkms*) show_dkms ;; *) hide_dkms ;; esac
	start=$(date +%s)
	# Its KTAP goes straight to the file, as before: a pipe would wait for
	# every process the suite left holding it. tail follows the file to
	# time the cases and stops when the suite has ended.
	timeout -k 5 "$per_test_timeout" "$t" \
		>"$RCAN_OUT/ktap/$name.ktap" 2>"$RCAN_OUT/ktap/$name.err" &
	pid=$!
	tail -s 0.2 -n +1 -f --pid="$pid" "$RCAN_OUT/ktap/$name.ktap" |
		tests/lib/case-times.sh >/dev/null 2>"$RCAN_OUT/ktap/$name.cases"
	wait "$pid"
	rc=$?
	echo "$rc" >"$RCAN_OUT/ktap/$name.rc"
	echo "$(($(date +%s) - start))" >"$RCAN_OUT/ktap/$name.time"
	echo "# $name: exit $rc in $(($(date +%s) - start)) s"
	# Leftovers: processes started from the tree, test links, the module.
	# (tests start them by relative path; comm names are cut at 15 bytes)
	pkill -9 -x rcand 2>/dev/null
	pkill -9 -f 'rcan-testserver|rcan-nlfuzz|canseq.py|fake-socketcand.py|verdict-relay.py' 2>/dev/null
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		ip netns del "$ns"
	done
	if [ -e /sys/module/rcan ]; then
		# bounded: a wedged module must not hang the whole suite
		timeout 120 rmmod rcan 2>&1 ||
			echo "# $name: rmmod rcan failed afterwards"
	fi
done
exit 0
