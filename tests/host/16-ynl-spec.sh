#!/bin/sh
# kmod/rcan.yaml, the family's YNL spec, against the uapi header and the
# module's policies and op table (tests/lib/ynl_check.py), and the check
# itself against planted differences: each must make it fail.
. tests/lib/ktap.sh
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

check() { # SPEC HEADER GENL_C RX_C
	python3 tests/lib/ynl_check.py "$@" >"$d/out" 2>&1
}
real="kmod/rcan.yaml include/uapi/linux/rcan.h kmod/rcan_genl.c kmod/rcan_rx.c"

# plant NAME FILE SED: a copy of FILE with SED applied, in $d/NAME
plant() {
	sed "$3" "$2" >"$d/$1"
	if cmp -s "$2" "$d/$1"; then
		echo "# the planted change to $2 changed nothing: $3"
		return 1
	fi
}

# must_fail TITLE SPEC HEADER GENL_C RX_C
must_fail() {
	title=$1
	shift
	if check "$@"; then
		ktap_fail "$title" "$(cat "$d/out")"
	else
		ktap_ok "$title"
	fi
}

ktap_plan 9
# shellcheck disable=SC2086 # a list of paths
if check $real; then
	ktap_ok "the spec matches the header, the policies and the op table"
else
	ktap_fail "the spec matches the header, the policies and the op table" \
		"$(grep -v '^ok' "$d/out")"
fi

plant spec1 kmod/rcan.yaml 's/attach, remote, tx-window, seq\]/attach, remote, tx-window]/' &&
	must_fail "found: a request attribute the spec leaves out" \
		"$d/spec1" include/uapi/linux/rcan.h kmod/rcan_genl.c kmod/rcan_rx.c
plant spec2 kmod/rcan.yaml 's/^          min: 1$/          min: 2/' &&
	must_fail "found: a range check that differs" \
		"$d/spec2" include/uapi/linux/rcan.h kmod/rcan_genl.c kmod/rcan_rx.c
plant genl3 kmod/rcan_genl.c 's/\[RCAN_ATTR_SEQ\] = { .type = NLA_U32 },/[RCAN_ATTR_SEQ] = { .type = NLA_U16 },/' &&
	must_fail "found: a policy type that differs" \
		kmod/rcan.yaml include/uapi/linux/rcan.h "$d/genl3" kmod/rcan_rx.c
plant hdr4 include/uapi/linux/rcan.h 's/^\tRCAN_ATTR_TXERR,/\tRCAN_ATTR_TXERR_X,/' &&
	must_fail "found: an attribute the header names otherwise" \
		kmod/rcan.yaml "$d/hdr4" kmod/rcan_genl.c kmod/rcan_rx.c
plant genl5 kmod/rcan_genl.c 's/\.flags = GENL_UNS_ADMIN_PERM,/.flags = 0,/' &&
	must_fail "found: a permission the op table does not give" \
		kmod/rcan.yaml include/uapi/linux/rcan.h "$d/genl5" kmod/rcan_rx.c
plant rx6 kmod/rcan_rx.c 's/NLA_POLICY_MAX(NLA_U8, CAN_MAX_DLEN)/NLA_POLICY_MAX(NLA_U8, CANFD_MAX_DLEN)/' &&
	must_fail "found: a frame check that differs" \
		kmod/rcan.yaml include/uapi/linux/rcan.h kmod/rcan_genl.c "$d/rx6"
plant spec8 kmod/rcan.yaml 's/attributes: \[ifindex, seq, errno, tstamp\]/attributes: [ifindex, seq, errno]/' &&
	must_fail "found: TX_DONE's tstamp left out of the spec" \
		"$d/spec8" include/uapi/linux/rcan.h kmod/rcan_genl.c kmod/rcan_rx.c
plant genl9 kmod/rcan_genl.c 's/rcan_cmd_tx_fail, rcan_tx_fail_policy/rcan_cmd_tx_fail, rcan_tx_done_policy/' &&
	must_fail "found: TX_FAIL taking a tstamp the spec does not give it" \
		kmod/rcan.yaml include/uapi/linux/rcan.h "$d/genl9" kmod/rcan_rx.c
