#!/bin/sh
# `make bench`: the whole path measured in a QEMU guest (bench/run-guest.sh),
# printed as a table (bench/report.py), figures kept in build/bench/bench.json.
# Fails only when the setup fails; timings are reported, never judged.
# RCAN_BENCH_OUT: where the results go (default build/bench; under the tree,
# the guest writes there).
# RCAN_BENCH_CASES: run only these cases, e.g. "rtt flood" (the list is in
# bench/run-guest.sh; default all). RCAN_BENCH_BACKLOG: the guest's
# netdev_max_backlog in the many-buses cases (default 20000).
set -u
cd "$(dirname "$0")/.." || exit 2
make -s -C bench || exit 1
make -s -C tests/server || exit 1
cases=${RCAN_BENCH_CASES:-all}
echo "Booting a QEMU guest for the benchmark, cases: $cases (all of them: about 25 minutes under software emulation)..."
out=${RCAN_BENCH_OUT:-build/bench}
scripts/vm-run -t 3600 -o "$out" -- env RCAN_BENCH_CASES="$cases" \
	RCAN_BENCH_BACKLOG="${RCAN_BENCH_BACKLOG:-20000}" bench/run-guest.sh || exit 1
/usr/bin/python3 bench/report.py "$out/bench.json"
echo
echo "JSON: $out/bench.json; profiles (perf, cpu-clock): $out/profile-rx.txt, $out/profile-tx.txt"
