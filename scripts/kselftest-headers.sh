#!/bin/sh
# Extract kselftest.h and kselftest_harness.h from Debian's linux-source
# tarball into build/kselftest/ (once) and print that directory.
# The headers are used at build time only and never copied into the tree.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/build/kselftest"
if [ -s "$out/kselftest_harness.h" ] && [ -s "$out/kselftest.h" ]; then
	echo "$out"
	exit 0
fi
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
if [ -z "$tarball" ]; then
	echo "kselftest-headers.sh: no /usr/src/linux-source-*.tar.xz (run scripts/install-deps.sh)" >&2
	exit 1
fi
srcdir=$(basename "$tarball" .tar.xz)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$tarball" -C "$tmp" \
	"$srcdir/tools/testing/selftests/kselftest.h" \
	"$srcdir/tools/testing/selftests/kselftest_harness.h"
mkdir -p "$out"
cp "$tmp/$srcdir/tools/testing/selftests/kselftest.h" \
   "$tmp/$srcdir/tools/testing/selftests/kselftest_harness.h" "$out/"
echo "$out"
