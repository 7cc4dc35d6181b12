#!/bin/sh
# Install, with apt, whatever the project needs that is missing on a
# Debian 12 machine. Does nothing (and needs no network) when all is there.
#
#   scripts/install-deps.sh          everything: build, guest, tests, lint
set -eu

PACKAGES="
	make gcc pkg-config
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	qemu-system-x86 busybox-static kmod cpio xz-utils
	can-utils python3 python3-can iproute2 ethtool procps
	clang llvm libclang-rt-14-dev
	sparse cppcheck clang-tidy clang-format
	dkms man-db systemd
	bc flex bison libelf-dev libssl-dev dwarves rsync
	strace linux-perf
	debhelper dh-dkms dpkg-dev lintian git linux-headers-6.12-amd64
	openssh-client openssh-server
"

# Debian 12's second kernel line, 6.12 (Debian 13's kernel too): make check
# tests rcan.ko on it as well. Its headers metapackage names the newest
# 6.12 release; the image to boot is that release's unsigned one, which has
# no metapackage of its own.
kernel_612() {
	dpkg-query -W -f='${Depends}' linux-headers-6.12-amd64 2>/dev/null |
		sed -n 's/.*linux-headers-\(6\.12[^ ,]*-amd64\).*/\1/p'
}

if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
updated=

# install PACKAGE...: those of them that are not installed, with apt.
install() {
	missing=""
	for p in "$@"; do
		status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
		case "$status" in
		ii*) ;;
		*) missing="$missing $p" ;;
		esac
	done
	[ -z "$missing" ] && return 0
	echo "install-deps: installing:$missing"
	if [ -z "$updated" ]; then
		$SUDO apt-get update -q >/dev/null
		updated=1
	fi
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
	echo "install-deps: done"
}

# The ssh:// guest test (tests/guest/35-rcand-ssh.sh) runs sshd itself, in
# the guest. The ssh service the package brings is not wanted on this
# machine: when this script is the one installing it, it stops and disables
# it again (an sshd that was there before is left alone).
ssh_before=$(dpkg-query -W -f='${db:Status-Abbrev}' openssh-server 2>/dev/null || true)
# shellcheck disable=SC2086
install $PACKAGES
case "$ssh_before" in
ii*) ;;
*)
	$SUDO systemctl disable ssh >/dev/null 2>&1 || true
	$SUDO systemctl stop ssh >/dev/null 2>&1 || true
	;;
esac
k=$(kernel_612)
[ -n "$k" ] || { echo "install-deps: no 6.12 kernel release found" >&2; exit 1; }
install "linux-image-$k-unsigned"
