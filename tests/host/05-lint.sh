#!/bin/sh
# `make lint` as KTAP test cases: one per tool and target (scripts/lint.sh).
exec scripts/lint.sh
