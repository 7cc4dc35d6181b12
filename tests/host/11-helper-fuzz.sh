#!/bin/sh
# The socketcand parser, and rcand serve's command reader, under libFuzzer
# (ASan/UBSan) for a bounded time each, starting from the corpora in
# tests/helper/corpus and tests/helper/corpus-serve.
. tests/lib/ktap.sh
ktap_plan 2
if out=$(make -s -C tests/helper fuzz 2>&1); then
	ktap_diag "$(printf '%s\n' "$out" | grep -E '^(#|Done|stat::)' | tail -n 3)"
	ktap_ok "parser fuzzing found nothing"
else
	ktap_fail "parser fuzzing found nothing" "$(printf '%s\n' "$out" | tail -n 40)"
fi
if out=$(make -s -C tests/helper fuzz-serve 2>&1); then
	ktap_diag "$(printf '%s\n' "$out" | grep -E '^(#|Done|stat::)' | tail -n 3)"
	ktap_ok "rcand serve's command reader: fuzzing found nothing"
else
	ktap_fail "rcand serve's command reader: fuzzing found nothing" "$(printf '%s\n' "$out" | tail -n 40)"
fi
ktap_finish
