#!/bin/sh
# The Debian packages for real, on this machine: make deb builds rcan-dkms
# and rcand, lintian has nothing to say, dpkg -i installs them and DKMS
# builds rcan.ko for every kernel with headers (both Debian 12 kernels),
# the installed unit and man pages work, and apt-get purge leaves nothing
# behind (no file, no DKMS entry, no module in /lib/modules).
#
# Order matters:
# - It runs after 21-dkms.sh, whose "make dkms-install" registers the
#   same rcan/VERSION with DKMS as the package does; that developer
#   registration (and packages a previous run left) is removed first.
# - It ends with both packages installed again (install, check, purge,
#   check nothing is left, install again), so that the guest tests
#   40-dkms-modprobe and 41-deb-dkms-modprobe find the packaged rcan.ko in
#   /lib/modules/KVER/updates/dkms for the kernel the guest boots
#   (build/deb-test/installed says which kernels have it).
. tests/lib/ktap.sh
ver=$(cat VERSION)
arch=$(dpkg --print-architecture)
deb_dkms=build/deb/rcan-dkms_${ver}_all.deb
deb_rcand=build/deb/rcand_${ver}_${arch}.deb
log=build/deb-test
rm -rf "$log"
mkdir -p "$log"

# Kernels DKMS can build for: a /lib/modules entry with headers (the test
# DKMS's common.postinst uses).
kernels=""
for d in /lib/modules/*; do
	[ -e "$d/build/include" ] && kernels="$kernels ${d##*/}"
done
nk=$(echo "$kernels" | wc -w)

ktap_plan $((14 + 2 * nk))

# purge_all: both packages (dpkg, which also purges a package whose
# configuration failed; apt-get would first try to configure it again) and
# whatever "make dkms-install" registered.
purge_all() {
	for p in rcand rcan-dkms; do
		s=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)
		case "$s" in
		"" | un*) ;;
		*) dpkg --purge "$p" || return 1 ;;
		esac
	done
	make -s dkms-uninstall
}

# leftovers: every trace of an install, one per line, nothing when clean.
# $log/files holds the packages' file lists, taken while they were
# installed; directories that only rcan's packages own are named here.
leftovers() {
	if [ -s "$log/files" ]; then
		while read -r f; do
			if [ -d "$f" ]; then
				continue # shared directories (/usr/sbin ...) stay
			elif [ -e "$f" ] || [ -L "$f" ]; then
				echo "file: $f"
			fi
		done <"$log/files"
	fi
	for d in "/usr/src/rcan-$ver" /etc/rcan /var/lib/dkms/rcan \
		/usr/share/doc/rcan-dkms /usr/share/doc/rcand; do
		[ -e "$d" ] && find "$d" | sed 's/^/left behind: /'
	done
	dkms status rcan 2>/dev/null | sed 's/^/dkms: /'
	find /lib/modules -name 'rcan.ko*' | sed 's/^/module: /'
	grep -l 'rcan\.ko' /lib/modules/*/modules.dep 2>/dev/null |
		sed 's/^/modules.dep names rcan.ko: /'
	for p in rcan-dkms rcand; do
		s=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)
		case "$s" in
		"" | un*) ;;
		*) echo "dpkg: $p is '$s'" ;;
		esac
	done
}

# dkms_ok KVER: rcan/VERSION built and installed by DKMS for KVER, and
# module lookup for KVER finds it in updates/dkms (compressed as the
# kernel's own modules are: 6.12's are .ko.xz).
dkms_ok() {
	dkms status -m rcan -v "$ver" -k "$1" 2>/dev/null | grep -q ': installed' ||
		return 1
	# not a regex: kernel names have "+" (6.12.117+deb12-amd64)
	case "$(modinfo -k "$1" -n rcan)" in
	"/lib/modules/$1/updates/dkms/rcan.ko" | \
		"/lib/modules/$1/updates/dkms/rcan.ko."[gxz]?*) ;;
	*) return 1 ;;
	esac
}

install_debs() {
	dpkg -i "$deb_dkms" "$deb_rcand" >"$log/dpkg-i.log" 2>&1 || {
		tail -n 40 "$log/dpkg-i.log"
		return 1
	}
}

ktap_check "debian/changelog is at VERSION ($ver)" make -s deb-version

start=$(date +%s)
if make -s deb >"$log/build.log" 2>&1 && [ -s "$deb_dkms" ] && [ -s "$deb_rcand" ]; then
	ktap_ok "make deb builds $deb_dkms and $deb_rcand"
else
	ktap_fail "make deb builds $deb_dkms and $deb_rcand" "$(tail -n 30 "$log/build.log")"
fi
ktap_diag "make deb: $(($(date +%s) - start)) s"

t=$(date +%s)
ktap_check "lintian: no error, no warning" make -s deb-lint
ktap_diag "lintian: $(($(date +%s) - t)) s"

# The relations Debian's tools write: dkms from dh_dkms, libnl from
# dh_shlibdeps (the rules name neither library).
relations() {
	dep=$(dpkg-deb -f "$deb_rcand" Depends)
	for want in libc6 libnl-3-200 libnl-genl-3-200; do
		echo "$dep" | grep -q "\(^\|, \)$want " ||
			{ echo "rcand Depends: $dep (no $want)"; return 1; }
	done
	for field in "$deb_rcand Recommends rcan-dkms" "$deb_dkms Depends dkms" \
		"$deb_dkms Recommends linux-headers-amd64" "$deb_dkms Architecture all"; do
		# shellcheck disable=SC2086 # split into package, field, value
		set -- $field
		got=$(dpkg-deb -f "$1" "$2")
		echo "$got" | grep -q "^$3\b" ||
			{ echo "$1 $2: '$got', want $3"; return 1; }
	done
}
ktap_check "rcand depends on libnl-3/libnl-genl-3 (shlibs), rcan-dkms on dkms" relations

# The module source is all of kmod/ that git tracks or would track (as
# mk/deb.mk copies the tree), and what it includes.
dkms_contents() {
	want=$( (git ls-files --cached --others --exclude-standard kmod |
		while read -r f; do [ -e "$f" ] && echo "$f"; done |
		sed "s|^|./usr/src/rcan-$ver/|"
		echo "./usr/src/rcan-$ver/include/uapi/linux/rcan.h"
		echo "./usr/src/rcan-$ver/VERSION"
		echo "./usr/src/rcan-$ver/dkms.conf") | sort)
	have=$(dpkg-deb -c "$deb_dkms" | awk '$1 !~ /^d/ {print $NF}' |
		grep "^./usr/src/" | sort)
	[ "$want" = "$have" ] || {
		echo "want:"
		echo "$want"
		echo "have:"
		echo "$have"
		return 1
	}
}
ktap_check "rcan-dkms holds kmod/ (not its build products), rcan.h, VERSION, dkms.conf" dkms_contents

ktap_check "the developer DKMS registration (make dkms-install) is removed" purge_all

# Both Debian 12 kernels: the one linux-image-amd64 installs and 6.12.
has61=no
has612=no
for k in $kernels; do
	case "$k" in
	6.1.0-*-amd64) has61=yes ;;
	6.12.*-amd64) has612=yes ;;
	esac
done
if [ $has61 = yes ] && [ $has612 = yes ]; then
	ktap_ok "headers of a 6.1 and a 6.12 Debian kernel installed:$kernels"
else
	ktap_fail "headers of a 6.1 and a 6.12 Debian kernel installed:$kernels"
fi

t=$(date +%s)
ktap_check "dpkg -i rcan-dkms rcand" install_debs
ktap_diag "dpkg -i (DKMS builds): $(($(date +%s) - t)) s"
for k in $kernels; do
	ktap_check "DKMS built and installed rcan.ko for $k" dkms_ok "$k"
done
dpkg -L rcan-dkms rcand 2>/dev/null >"$log/files"

ktap_check "systemd-analyze verify accepts the installed rcand@.service" \
	systemd-analyze verify "$(dpkg -L rcand | grep '/rcand@\.service$')"

man_ok() {
	[ "$(man -w rcand)" = /usr/share/man/man8/rcand.8.gz ] &&
		[ "$(man -w 4 rcan)" = /usr/share/man/man4/rcan.4.gz ] &&
		[ "$(MANWIDTH=80 man rcand 2>/dev/null | wc -l)" -gt 20 ] &&
		[ -z "$(MANWIDTH=80 man --warnings rcand 2>&1 >/dev/null)" ] &&
		/usr/sbin/rcand --version | grep -q "$ver"
}
ktap_check "man rcand and man 4 rcan render; /usr/sbin/rcand --version is $ver" man_ok

conffiles_ok() {
	c=$(dpkg-query -W -f='${Conffiles}' rcand)
	for f in /etc/rcan/example.conf /etc/modules-load.d/rcan.conf; do
		echo "$c" | grep -q "^ $f " || { echo "$f not in: $c"; return 1; }
	done
}
ktap_check "/etc/rcan/example.conf and modules-load.d/rcan.conf are conffiles" conffiles_ok

purge() {
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q rcand rcan-dkms \
		>"$log/purge.log" 2>&1 || {
		tail -n 30 "$log/purge.log"
		return 1
	}
}
ktap_check "apt-get purge rcand rcan-dkms" purge
left=$(leftovers)
if [ -z "$left" ]; then
	ktap_ok "purge leaves no file, DKMS entry, module or dpkg state"
else
	ktap_fail "purge leaves no file, DKMS entry, module or dpkg state" "$left"
fi

# Installed again, for the guest tests (see the top). The guest sees the
# host's files but not /var/lib (a tmpfs there): dpkg's and DKMS's records
# of this install are left for it in $log/installed, one line per kernel
# DKMS built rcan.ko for: KVER SRCVERSION.
t=$(date +%s)
ktap_check "dpkg -i rcan-dkms rcand again" install_debs
ktap_diag "dpkg -i again: $(($(date +%s) - t)) s"
for k in $kernels; do
	if dkms_ok "$k"; then
		ktap_ok "DKMS built and installed rcan.ko for $k again"
		echo "$k $(modinfo -k "$k" -F srcversion rcan)" >>"$log/installed"
	else
		ktap_fail "DKMS built and installed rcan.ko for $k again" \
			"$(dkms status rcan 2>&1)"
	fi
done
ktap_diag "whole test: $(($(date +%s) - start)) s"
ktap_finish
