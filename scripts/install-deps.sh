#!/bin/sh
# Install, with apt, whatever the project needs that is missing on a
# Debian 12 machine. Does nothing (and needs no network) when all is there.
#
#   scripts/install-deps.sh          everything: build, guest, tests, lint
set -eu

PACKAGES="
	make gcc pkg-config
	libnl-3-dev libnl-genl-3-dev
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	qemu-system-x86 busybox-static kmod cpio xz-utils
	can-utils python3 python3-can iproute2 ethtool procps
	clang llvm libclang-rt-14-dev
	sparse cppcheck clang-tidy clang-format
	dkms man-db systemd
	bc flex bison libelf-dev libssl-dev dwarves rsync
	strace linux-perf
	debhelper dh-dkms dpkg-dev lintian git linux-headers-6.12-amd64
"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$status" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
echo "install-deps: done"
