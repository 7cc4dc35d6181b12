#!/bin/sh
# `make bench`: the whole path measured in a QEMU guest (bench/run-guest.sh),
# printed as a table (bench/report.py), figures kept in build/bench/bench.json.
# Fails only when the setup fails; timings are reported, never judged.
# RCAN_BENCH_OUT: where the results go (default build/bench; under the tree,
# the guest writes there).
set -u
cd "$(dirname "$0")/.." || exit 2
make -s -C bench || exit 1
echo "Booting a QEMU guest for the benchmark (a few minutes under software emulation)..."
out=${RCAN_BENCH_OUT:-build/bench}
scripts/vm-run -t 1500 -o "$out" -- bench/run-guest.sh || exit 1
/usr/bin/python3 bench/report.py "$out/bench.json"
echo
echo "JSON: $out/bench.json; profiles (perf, cpu-clock): $out/profile-rx.txt, $out/profile-tx.txt"
