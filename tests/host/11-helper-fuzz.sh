#!/bin/sh
# The socketcand parser under libFuzzer (ASan/UBSan) for a bounded time,
# starting from the corpus in tests/helper/corpus.
. tests/lib/ktap.sh
ktap_plan 1
if out=$(make -s -C tests/helper fuzz 2>&1); then
	ktap_diag "$(printf '%s\n' "$out" | grep -E '^(#|Done|stat::)' | tail -n 3)"
	ktap_ok "parser fuzzing found nothing"
else
	ktap_fail "parser fuzzing found nothing" "$(printf '%s\n' "$out" | tail -n 40)"
fi
ktap_finish
