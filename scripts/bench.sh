#!/bin/sh
# `make bench`: the whole path measured in a QEMU guest (bench/run-guest.sh),
# printed as a table (bench/report.py), figures kept in build/bench/bench.json.
# Fails only when the setup fails; timings are reported, never judged.
set -u
cd "$(dirname "$0")/.." || exit 2
make -s -C bench || exit 1
echo "Booting a QEMU guest for the benchmark (a few minutes under software emulation)..."
scripts/vm-run -t 1500 -o build/bench -- bench/run-guest.sh || exit 1
/usr/bin/python3 bench/report.py build/bench/bench.json
echo
echo "JSON: build/bench/bench.json; profiles (perf, cpu-clock): build/bench/profile-rx.txt, build/bench/profile-tx.txt"
