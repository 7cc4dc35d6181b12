# rcan: a remote socketcand CAN bus as a native SocketCAN netdev.
#
#   make            build rcan.ko and rcand
#   make demo       the main job, end to end, in a QEMU guest
#   make check      every test (host suites + guest suites), last line
#                   "N passed, N failed, N skipped"
#   make lint       checkpatch, sparse, W=1, clang-format, cppcheck, clang-tidy
#   make check-debug  the guest suites on a KASAN/lockdep/kmemleak kernel
#   make bench      throughput, loss, CPU and latency of the whole path
#   make install / uninstall, dkms-install / dkms-uninstall   (mk/install.mk)
#   make deb        Debian packages rcan-dkms and rcand in build/deb (mk/deb.mk)
#
# KVER/KDIR choose the kernel to build for. They default to the Debian
# kernel that linux-image-amd64 installed, never to `uname -r`.

KVER ?= $(shell scripts/kver.sh)
KDIR ?= /usr/src/linux-headers-$(KVER)
KSFT ?= $(CURDIR)/build/kselftest

.PHONY: all module helper tests deps check check-quick demo lint check-debug bench clean
all: module helper

module:
	$(MAKE) -C kmod KDIR=$(KDIR)

helper:
	$(MAKE) -C helper

tests: all
	@scripts/kselftest-headers.sh >/dev/null
	$(MAKE) -C tests/kernel KSFT=$(KSFT)
	$(MAKE) -C tests/server
	$(MAKE) -C tests/fuzz
	$(MAKE) -C bench

deps:
	@scripts/install-deps.sh

check: deps
	@tests/run-check.sh

check-quick: deps
	@RCAN_QUICK=1 tests/run-check.sh

demo: deps
	@$(MAKE) -s all tests
	@scripts/demo.sh

lint: deps
	@scripts/lint.sh

check-debug: deps
	@scripts/check-debug.sh

bench: deps
	@$(MAKE) -s all tests
	@scripts/bench.sh

include mk/install.mk
include mk/deb.mk

clean:
	-$(MAKE) -C kmod KDIR=$(KDIR) clean
	-$(MAKE) -C helper clean
	-$(MAKE) -C tests/kernel clean
	-$(MAKE) -C tests/server clean
	-$(MAKE) -C tests/helper clean
	-$(MAKE) -C tests/fuzz clean
	-$(MAKE) -C bench clean
	rm -rf build
