#!/bin/sh
# `make bench`: the whole path measured in a QEMU guest (bench/run-guest.sh),
# printed as a table (bench/report.py), figures kept in build/bench/bench.json.
# Fails only when the setup fails; timings are reported, never judged.
# RCAN_BENCH_OUT: where the results go (default build/bench; under the tree,
# the guest writes there).
# RCAN_BENCH_CASES: run only these cases, e.g. "rtt flood" (the list is in
# bench/run-guest.sh; default all). RCAN_BENCH_RTTS: the rtt case's round
# trips in ms (default "0 5 25 50 100"). RCAN_BENCH_BACKLOG: the guest's
# netdev_max_backlog (default 20000). RCAN_BENCH_RCAND: another rcand
# binary to measure (a path in the tree or an absolute one; default helper/rcand).
# SOCKETCAND (make bench SOCKETCAND=/path/to/socketcand): a real socketcand,
# built by hand outside the tree (its socketcandcl beside it); the cases
# rates, rtt, syscalls, flood and rx then run against it too, after the
# test server's, in the same boot, and the report prints both.
set -u
cd "$(dirname "$0")/.." || exit 2
make -s -C bench || exit 1
make -s -C tests/server || exit 1
cases=${RCAN_BENCH_CASES:-all}
sc=${SOCKETCAND:-}
if [ -n "$sc" ]; then
	# the guest sees the host's root at the same paths
	sc=$(readlink -f "$sc") && [ -x "$sc" ] || {
		echo "bench: SOCKETCAND=$SOCKETCAND is not an executable" >&2
		exit 1
	}
	[ -x "$(dirname "$sc")/socketcandcl" ] ||
		echo "bench: no socketcandcl beside $sc: the rx case will fail" >&2
fi
echo "Booting a QEMU guest for the benchmark, cases: $cases (all of them: about 11 minutes under software emulation)..."
out=${RCAN_BENCH_OUT:-build/bench}
scripts/vm-run -t 3600 -o "$out" -- env RCAN_BENCH_CASES="$cases" \
	RCAN_BENCH_BACKLOG="${RCAN_BENCH_BACKLOG:-20000}" \
	RCAN_BENCH_RCAND="${RCAN_BENCH_RCAND:-helper/rcand}" \
	RCAN_BENCH_SOCKETCAND="$sc" \
	RCAN_BENCH_RTTS="${RCAN_BENCH_RTTS:-0 5 25 50 100}" bench/run-guest.sh || exit 1
/usr/bin/python3 bench/report.py "$out/bench.json"
echo
echo "JSON: $out/bench.json; profiles (perf, cpu-clock): $out/profile-rx.txt, $out/profile-tx.txt"
