#!/bin/sh
# DKMS for real, on this machine, for the Debian kernel the guest boots:
# register the source, build, install (re-registering the same version
# first). tests/guest/40-dkms-modprobe.sh then loads the result by name.
. tests/lib/ktap.sh
kver=$(scripts/kver.sh)
ver=$(cat VERSION)

ktap_plan 3
ktap_check "make dkms-install (dkms add, build, install -k $kver)" \
	make -s dkms-install KVER="$kver"
ktap_check "dkms status: rcan/$ver installed for $kver" \
	sh -c "dkms status rcan/$ver -k $kver | grep -q ': installed'"
ktap_check "modinfo -k $kver -n rcan is the DKMS module" \
	sh -c "modinfo -k $kver -n rcan | grep -q '/updates/dkms/rcan.ko'"
ktap_finish
