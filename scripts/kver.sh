#!/bin/sh
# Print the version of the Debian kernel the project builds and tests for.
#
# It is the kernel that Debian's linux-image-amd64 metapackage points at
# (falling back to the newest /boot/vmlinuz-*), never `uname -r`: the build
# host may run a kernel that is not Debian's and cannot load modules.
# KVER in the environment wins.
set -eu
if [ -n "${KVER:-}" ]; then
	echo "$KVER"
	exit 0
fi
dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
	sed -n 's/.*linux-image-\([0-9][^ ,]*-amd64\).*/\1/p')
if [ -n "$dep" ] && [ -e "/boot/vmlinuz-$dep" ]; then
	echo "$dep"
	exit 0
fi
newest=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's,^/boot/vmlinuz-,,' | sort -V | tail -n 1)
if [ -z "$newest" ]; then
	echo "kver.sh: no Debian kernel installed (run scripts/install-deps.sh)" >&2
	exit 1
fi
echo "$newest"
