#!/bin/sh
# rcand's pure code (parser, formatter, beacon, arguments) under ASan/UBSan.
exec make -s -C tests/helper check
