#!/bin/sh
# matrix: server
# rcand against rcand serve: the whole of 30-rcand-basic.sh (RX and TX byte
# for byte, echo, error frames, RTR refused, bulk frames both ways with
# none lost, rcand list, python-can on the netdev) with `rcand serve` as the
# remote instead of the test server (same options: -i -p -e --no-beacon
# --stats --ready-file). 5,000 bulk frames each way keep it short.
SERVER=tests/helper/rcand-serve RCAND_TEST_FRAMES=${RCAND_TEST_FRAMES:-5000} \
	exec tests/guest/30-rcand-basic.sh
