#!/bin/sh
# matrix: kernel
# Who may use rcan.ko and what it costs them (tests/kernel/rcan_trust_test):
# a user namespace gets no link by default and a bounded TX budget with
# rcan.userns_links=1 (what nobody in "unshare -Urn" pins, measured),
# exact even when a window change races a detach; the owner is the
# attaching socket, not the next one to bind its port id.
# KTAP.
exec tests/lib/kselftest-run.sh tests/kernel/rcan_trust_test
