#!/bin/sh
# Print the version of the Debian kernel the project builds and tests for.
#
# It is the kernel that Debian's linux-image-amd64 metapackage points at
# (falling back to the newest /boot/vmlinuz-*), never `uname -r`: the build
# host may run a kernel that is not Debian's and cannot load modules.
# KVER in the environment wins.
#
#   scripts/kver.sh --all   every kernel `make check` tests: the newest
#                           installed one of each kernel line (6.1, 6.12 ...)
#                           that has its headers, the default one first
set -eu

default() {
	if [ -n "${KVER:-}" ]; then
		echo "$KVER"
		return 0
	fi
	dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
		sed -n 's/.*linux-image-\([0-9][^ ,]*-amd64\).*/\1/p')
	if [ -n "$dep" ] && [ -e "/boot/vmlinuz-$dep" ]; then
		echo "$dep"
		return 0
	fi
	newest=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's,^/boot/vmlinuz-,,' | sort -V | tail -n 1)
	if [ -z "$newest" ]; then
		echo "kver.sh: no Debian kernel installed (run scripts/install-deps.sh)" >&2
		return 1
	fi
	echo "$newest"
}

if [ "${1:-}" != --all ]; then
	default
	exit
fi
first=$(default)
echo "$first"
# Newest of each major.minor line, among kernels with their headers.
ls /boot/vmlinuz-* 2>/dev/null | sed 's,^/boot/vmlinuz-,,' | sort -V |
	while read -r v; do
		[ -d "/usr/src/linux-headers-$v" ] && echo "$v"
	done |
	awk -F. '{ line[$1 "." $2] = $0 } END { for (l in line) print line[l] }' |
	sort -V | grep -v -x -F "$first" || true
