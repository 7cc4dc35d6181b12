#!/bin/bash
# Build (once per source version and config) the rcan debug kernel: Debian's
# 6.1 source with KASAN, lockdep, debug objects, kmemleak and UBSAN, on a
# tinyconfig base plus what the QEMU guest needs (scripts/debug-kernel.config).
# Prints the cache directory, which holds:
#   bzImage        the kernel for `scripts/vm-run -k`
#   build/         the configured and built tree: KDIR for out-of-tree modules
#   modules/       INSTALL_MOD_PATH (lib/modules/<release>/...) for the guest
#   release        `uname -r` of the kernel
#   build-seconds  how long the build took
#
#   scripts/debug-kernel.sh [--key]    --key: print only the cache key
#
# Environment: RCAN_DEBUG_CACHE (default /var/cache/rcan/debug-kernel),
# RCAN_KSRC_TARBALL (default /usr/src/linux-source-6.1.tar.xz), JOBS (2).
# The build runs under `nice -n 19`, so it only uses idle CPU.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${RCAN_DEBUG_CACHE:-/var/cache/rcan/debug-kernel}
tarball=${RCAN_KSRC_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
fragment="$top/scripts/debug-kernel.config"
jobs=${JOBS:-2}

[ -r "$tarball" ] || { echo "debug-kernel: $tarball missing (apt-get install linux-source-6.1)" >&2; exit 1; }

# The key: Debian's package version of the source (falls back to the
# tarball's size and mtime), the compiler, and the config fragment.
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
[ -n "$srcver" ] || srcver=$(stat -c '%s-%Y' "$tarball")
cfghash=$( { cat "$fragment"; echo tinyconfig; gcc --version | head -n 1; } |
	sha256sum | cut -c1-12)
key="6.1-$srcver-$cfghash"
if [ "${1:-}" = --key ]; then
	echo "$key"
	exit 0
fi

dir="$cache/$key"
if [ -s "$dir/bzImage" ] && [ -s "$dir/release" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ -s "$dir/bzImage" ] && [ -s "$dir/release" ]; then
	echo "$dir"
	exit 0
fi

log="$cache/$key.log"
echo "debug-kernel: building $key (log: $log); this takes a while" >&2
start=$(date +%s)
{
	# One extracted source per source version, shared by all configs;
	# builds go to O= directories, so the source stays pristine.
	src="$cache/src-$srcver/linux-source-6.1"
	if [ ! -e "$src/.extracted" ]; then
		rm -rf "$cache/src-$srcver"
		mkdir -p "$cache/src-$srcver"
		tar -xJf "$tarball" -C "$cache/src-$srcver"
		touch "$src/.extracted"
	fi
	rm -rf "$dir"
	mkdir -p "$dir/build"
	k=(nice -n 19 make -C "$src" O="$dir/build" ARCH=x86_64 -j"$jobs")
	"${k[@]}" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$dir/build" \
		"$dir/build/.config" "$fragment"
	"${k[@]}" olddefconfig
	# Every option of the fragment must have survived olddefconfig.
	missing=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) want=$line ;;
		"# CONFIG_"*" is not set") want=$line ;;
		*) continue ;;
		esac
		opt=${want#\# }; opt=${opt%%[= ]*}
		got=$(grep -E "^(# )?$opt[= ]" "$dir/build/.config" || echo "# $opt is not set")
		if [ "$got" != "$want" ]; then
			echo "debug-kernel: wanted '$want', config has '$got'"
			missing=1
		fi
	done <"$fragment"
	[ $missing -eq 0 ] || exit 1
	"${k[@]}" bzImage modules
	"${k[@]}" INSTALL_MOD_PATH="$dir/modules" modules_install
	cp "$dir/build/arch/x86/boot/bzImage" "$dir/bzImage.tmp"
	"${k[@]}" -s kernelrelease >"$dir/release"
	echo $(( $(date +%s) - start )) >"$dir/build-seconds"
	mv "$dir/bzImage.tmp" "$dir/bzImage"
} >"$log" 2>&1 || {
	echo "debug-kernel: build failed, last lines of $log:" >&2
	tail -n 30 "$log" >&2
	exit 1
}
# Builds for other configs are stale now (~450 MB each): keep this one.
for old in "$cache"/6.1-*; do
	case "$old" in
	"$dir" | "$dir.log") ;;
	*) rm -rf "$old" ;;
	esac
done
echo "debug-kernel: built in $(cat "$dir/build-seconds") s" >&2
echo "$dir"
