#!/bin/sh
# kmod/probe.sh, the build-time feature probes, on small C files with the
# host's gcc: a feature that is there, one that is absent, and failures
# that are not a missing feature and must stop the build rather than be
# read as "absent".
. tests/lib/ktap.sh
top=$(pwd)
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
export CC=gcc CFLAGS="-I$d"

# probe NAME BODY: a probe file whose RCAN_PROBE block holds BODY.
probe() {
	printf 'int rcan_base;\n#ifdef RCAN_PROBE\n%s\n#endif\n' "$2" >"$d/$1.c"
}

# run PROBE...: probe.sh into $d/out.h; its stderr into $d/err.
run() {
	(cd "$d" && "$top/kmod/probe.sh" "$d/out.h" "$@") 2>"$d/err"
}

ktap_plan 5

probe there 'int rcan_there = sizeof(long);'
probe absent 'int rcan_absent = no_such_symbol;'
if run there.c absent.c && grep -q '^#define RCAN_HAVE_THERE 1$' "$d/out.h" &&
	grep -q '^/\* #undef RCAN_HAVE_ABSENT \*/$' "$d/out.h"; then
	ktap_ok "a feature that compiles is defined, one whose block fails is not"
else
	ktap_fail "a feature that compiles is defined, one whose block fails is not" \
		"$(cat "$d/out.h" "$d/err" 2>&1)"
fi

probe missing_header '#include <no_such_header.h>'
if run missing_header.c &&
	grep -q 'undef RCAN_HAVE_MISSING_HEADER' "$d/out.h"; then
	ktap_ok "a header missing inside the block is an absent feature"
else
	ktap_fail "a header missing inside the block is an absent feature" "$(cat "$d/err")"
fi

# stops NAME FILE WHY: probe.sh refuses FILE, writes no header, and its
# message says WHY (a pattern).
stops() {
	rm -f "$d/out.h"
	if ! run "$2" && [ ! -e "$d/out.h" ] && grep -q "$3" "$d/err"; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "$(cat "$d/out.h" "$d/err" 2>&1)"
	fi
}

printf 'int rcan_base = ;\n#ifdef RCAN_PROBE\nint x;\n#endif\n' >"$d/broken.c"
stops "a probe that fails without its feature stops the build" broken.c \
	'does not compile'

# The error comes after the block but only with the feature's define, so
# the file compiles without it: only the block's line range tells.
printf 'int rcan_base;\n#ifdef RCAN_PROBE\n#define RCAN_AFTER\n#endif\n#ifdef RCAN_AFTER\nint y = ;\n#endif\n' >"$d/after.c"
stops "an error after the block stops the build" after.c \
	'outside its RCAN_PROBE block'

# The block includes a header that breaks only with the feature's define,
# then uses a missing symbol: the first error is in the header, so this is
# not a clean "absent", even though a later error sits in the block.
printf '#ifdef RCAN_PROBE\nstruct rcan_s { int a; };\nstruct rcan_s { int b; };\n#endif\n' \
	>"$d/broken_header.h"
probe header_first '#include "broken_header.h"
int rcan_later(void) { return no_such_symbol; }'
stops "a first error in a header stops the build, even with a later one in the block" \
	header_first.c 'broken_header.h'
ktap_finish
