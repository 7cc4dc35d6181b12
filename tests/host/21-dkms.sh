#!/bin/sh
# DKMS for real, on this machine, across every kernel the project tests
# (scripts/kver.sh --all: Debian 12's 6.1 and 6.12), as after a kernel
# upgrade: make dkms-install registers the source and builds for every
# kernel with headers; dkms autoinstall -k then succeeds for each kernel
# again, each build carries that kernel's vermagic; installing a kernel's
# headers package builds rcan for it through DKMS's own hook with apt
# ending cleanly; and a kernel older than 6.1 is skipped, not failed.
# tests/guest/40-dkms-modprobe.sh then loads the result by name in a guest
# booted on each kernel.
. tests/lib/ktap.sh
kernels=$(scripts/kver.sh --all)
ver=$(cat VERSION)
n=$(echo "$kernels" | wc -w)

ktap_plan $((1 + 3 * n + 2))
ktap_check "make dkms-install builds for every kernel with headers" \
	make -s dkms-install
for k in $kernels; do
	ktap_check "dkms autoinstall -k $k" dkms autoinstall -k "$k"
	ktap_check "dkms status: rcan/$ver installed for $k" \
		sh -c "dkms status rcan/$ver -k $k | grep -q ': installed'"
	ktap_check "modinfo -k $k: the DKMS module, vermagic $k" \
		sh -c "modinfo -k $k -n rcan | grep -q '/updates/dkms/rcan.ko' &&
		       modinfo -k $k -F vermagic rcan | grep -q '^$k '"
done
# The upgrade itself, for the newest kernel line: without an rcan build
# for it, (re)installing its headers package runs DKMS's postinst hook,
# which must build rcan and let apt finish without an error.
newest=$(echo "$kernels" | tail -n 1)
dkms unbuild "rcan/$ver" -k "$newest" >/dev/null 2>&1
if DEBIAN_FRONTEND=noninteractive apt-get install --reinstall -y -q \
	"linux-headers-$newest" >build/dkms-headers.log 2>&1 &&
	dkms status "rcan/$ver" -k "$newest" | grep -q ': installed'; then
	ktap_ok "apt installs linux-headers-$newest: rcan built, no apt error"
else
	ktap_fail "apt installs linux-headers-$newest: rcan built, no apt error" \
		"$(tail -n 20 build/dkms-headers.log)"
fi
# A kernel rcan cannot support: dkms.conf's BUILD_EXCLUSIVE_KERNEL makes
# DKMS skip it (exit 77, "does not match this kernel") instead of failing,
# so that kernel's headers install cleanly. No headers are needed to see it.
old=5.10.0-99-amd64
out=$(dkms build "rcan/$ver" -k "$old" 2>&1)
rc=$?
if [ "$rc" -eq 77 ] && echo "$out" | grep -q -i 'BUILD_EXCLUSIVE'; then
	ktap_ok "a kernel older than 6.1 ($old) is skipped, not failed"
else
	ktap_fail "a kernel older than 6.1 ($old) is skipped, not failed" \
		"exit $rc: $out"
fi
ktap_finish
