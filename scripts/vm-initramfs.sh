#!/bin/bash
# Build (once per kernel version and script change) the guest's tiny
# initramfs: busybox plus the virtio/9p modules needed to mount the host's
# root, and an init that runs the command given by scripts/vm-run.
# Prints the path of the image.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
kver=$1
out="$top/build/vm/initramfs-$kver.cpio.gz"
init_src="$top/scripts/vm-init.sh"

if [ -s "$out" ] && [ "$out" -nt "$init_src" ] && [ "$out" -nt "$0" ]; then
	echo "$out"
	exit 0
fi
busybox=$(command -v busybox || true)
if [ -z "$busybox" ] || ! file -L "$busybox" 2>/dev/null | grep -q static; then
	busybox=/bin/busybox
fi
[ -x "$busybox" ] || { echo "vm-initramfs: busybox-static is missing" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/modules" "$tmp/proc" "$tmp/sys" "$tmp/dev" "$tmp/newroot"
cp "$busybox" "$tmp/bin/busybox"
for app in sh mount umount insmod mkdir chroot cat echo poweroff sleep dmesg sync; do
	ln -s busybox "$tmp/bin/$app"
done
# Module load order comes from modprobe's own dependency resolution.
: >"$tmp/modules/order"
for m in virtio_pci 9pnet_virtio 9p; do
	modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	name=$(basename "$ko")
	case "$name" in
	*.xz) xz -dc "$ko" >"$tmp/modules/${name%.xz}"; name=${name%.xz} ;;
	*.zst) zstd -qdc "$ko" >"$tmp/modules/${name%.zst}"; name=${name%.zst} ;;
	*) cp "$ko" "$tmp/modules/$name" ;;
	esac
	echo "$name" >>"$tmp/modules/order"
done
cp "$init_src" "$tmp/init"
chmod +x "$tmp/init"
mkdir -p "$(dirname "$out")"
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
