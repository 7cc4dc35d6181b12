#!/bin/sh
# make install / uninstall into a scratch DESTDIR: every file lands, both man
# pages render without warnings, systemd accepts the unit, uninstall leaves
# nothing behind.
. tests/lib/ktap.sh
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)

ktap_plan 7
ktap_check "make install DESTDIR=... PREFIX=/usr" \
	make -s install DESTDIR="$d" PREFIX=/usr
missing=""
for f in /usr/sbin/rcand /usr/share/man/man8/rcand.8 /usr/share/man/man4/rcan.4 \
	"$unitdir/rcand@.service" /etc/rcan/example.conf /etc/modules-load.d/rcan.conf \
	"$unitdir/rcand-serve.service" /etc/rcan/serve.conf; do
	[ -s "$d$f" ] || missing="$missing $f"
done
if [ -z "$missing" ] && [ -x "$d/usr/sbin/rcand" ]; then
	ktap_ok "binary, man pages, unit, example config and modules-load.d are in place"
else
	ktap_fail "binary, man pages, unit, example config and modules-load.d are in place" "missing:$missing"
fi
render() {
	for m in "$d/usr/share/man/man8/rcand.8" "$d/usr/share/man/man4/rcan.4"; do
		w=$(MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
		[ -z "$w" ] || { echo "$m: $w"; return 1; }
		[ "$(MANWIDTH=80 man -l "$m" 2>/dev/null | wc -l)" -gt 20 ] || return 1
	done
}
ktap_check "man -l renders rcand.8 and rcan.4 without warnings" render
# verify needs the ExecStart binary where the unit says: point it at DESTDIR.
mkdir -p "$d/verify"
sed "s|/usr/sbin/rcand|$d/usr/sbin/rcand|" "$d$unitdir/rcand@.service" \
	>"$d/verify/rcand@example.service"
ktap_check "systemd-analyze verify accepts rcand@.service" \
	systemd-analyze verify --man=no "$d/verify/rcand@example.service"
sed "s|/usr/sbin/rcand|$d/usr/sbin/rcand|; s|/etc/rcan/serve.conf|$d/etc/rcan/serve.conf|" \
	"$d$unitdir/rcand-serve.service" >"$d/verify/rcand-serve.service"
serve_unit_ok() {
	systemd-analyze verify --man=no "$d/verify/rcand-serve.service" &&
		# the shipped configuration is one rcand serve takes
		"$d/usr/sbin/rcand" serve --config "$d/etc/rcan/serve.conf" --help >/dev/null
}
ktap_check "systemd-analyze verify accepts rcand-serve.service; rcand serve reads serve.conf" \
	serve_unit_ok
rm -rf "$d/verify"
ktap_check "make uninstall" make -s uninstall DESTDIR="$d" PREFIX=/usr
left=$(find "$d" -type f)
if [ -z "$left" ]; then
	ktap_ok "uninstall removes every installed file"
else
	ktap_fail "uninstall removes every installed file" "$left"
fi
ktap_finish
