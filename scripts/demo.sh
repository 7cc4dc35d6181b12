#!/bin/sh
# `make demo`: run scripts/demo-guest.sh in a throwaway QEMU guest booting
# Debian's kernel (the build machine's kernel is never touched).
set -u
cd "$(dirname "$0")/.." || exit 2
echo "Booting a QEMU guest with Debian's kernel (software emulation, about 10 s)..."
exec scripts/vm-run -t 240 -o build/demo -- scripts/demo-guest.sh
