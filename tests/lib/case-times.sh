#!/bin/bash
# Copies a KTAP document from stdin to stdout unchanged, and writes to
# stderr how long each top-level test case took: "SECONDS<tab>LINE" for
# every "ok N ..." and "not ok N ..." line, timed from the line before it
# (the suite's start for the first). make check lists the slowest cases
# from these, which a plain KTAP document cannot say.
set -u
last=$EPOCHREALTIME
while IFS= read -r line; do
	printf '%s\n' "$line"
	case "$line" in
	"ok "[0-9]* | "not ok "[0-9]*)
		now=$EPOCHREALTIME
		# microseconds, in integers: bash has no floating point
		us=$((${now/./} - ${last/./}))
		printf '%d.%02d\t%s\n' $((us / 1000000)) $((us % 1000000 / 10000)) "$line" >&2
		last=$now
		;;
	esac
done
