# Installation, included by the top-level Makefile.
#
#   make install [DESTDIR=...] [PREFIX=/usr/local]   rcand, man pages, systemd unit
#   make uninstall [DESTDIR=...] [PREFIX=...]
#   make dkms-install / dkms-uninstall               rcan.ko through DKMS
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
RCAN_VERSION := $(shell cat VERSION)
DKMS_SRC := /usr/src/rcan-$(RCAN_VERSION)

INSTALLED = $(SBINDIR)/rcand $(MANDIR)/man8/rcand.8 $(MANDIR)/man4/rcan.4 \
	$(UNITDIR)/rcand@.service $(SYSCONFDIR)/rcan/example.conf \
	$(SYSCONFDIR)/modules-load.d/rcan.conf \
	$(UNITDIR)/rcand-serve.service $(SYSCONFDIR)/rcan/serve.conf

.PHONY: install uninstall dkms-install dkms-uninstall

install: helper
	install -D -m 0755 helper/rcand $(DESTDIR)$(SBINDIR)/rcand
	install -D -m 0644 man/rcand.8 $(DESTDIR)$(MANDIR)/man8/rcand.8
	install -D -m 0644 man/rcan.4 $(DESTDIR)$(MANDIR)/man4/rcan.4
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/rcand@.service >$(DESTDIR)$(UNITDIR)/rcand@.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/rcand@.service
	sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/rcand-serve.service >$(DESTDIR)$(UNITDIR)/rcand-serve.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/rcand-serve.service
	install -D -m 0644 systemd/serve.conf $(DESTDIR)$(SYSCONFDIR)/rcan/serve.conf
	install -D -m 0644 systemd/rcan-example.conf $(DESTDIR)$(SYSCONFDIR)/rcan/example.conf
	install -D -m 0644 systemd/modules-load.conf $(DESTDIR)$(SYSCONFDIR)/modules-load.d/rcan.conf

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(SYSCONFDIR)/rcan 2>/dev/null

# The module's sources as DKMS gets them: no build products, and not the
# probe results of whatever kernel the tree was last built for.
DKMS_FILES := kmod/Kbuild kmod/Makefile kmod/probe.sh $(wildcard kmod/*.c) \
	$(filter-out kmod/rcan_probes.h,$(wildcard kmod/*.h))

# Idempotent: an earlier registration of the same version is removed first.
# Builds for every installed kernel that has its headers, as DKMS itself
# does after a kernel upgrade (dkms autoinstall); a kernel rcan cannot
# support is skipped by dkms.conf's BUILD_EXCLUSIVE_KERNEL, not failed.
dkms-install:
	-dkms remove rcan/$(RCAN_VERSION) --all >/dev/null 2>&1
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/kmod/probes $(DKMS_SRC)/include/uapi/linux
	cp $(DKMS_FILES) $(DKMS_SRC)/kmod/
	cp kmod/probes/*.c $(DKMS_SRC)/kmod/probes/
	cp include/uapi/linux/rcan.h $(DKMS_SRC)/include/uapi/linux/
	cp VERSION $(DKMS_SRC)/
	sed 's/@VERSION@/$(RCAN_VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf
	dkms add rcan/$(RCAN_VERSION)
	for k in $$(cd /lib/modules && ls); do \
		[ -e /lib/modules/$$k/build/Makefile ] || continue; \
		dkms autoinstall -k $$k || exit 1; \
	done

dkms-uninstall:
	-dkms remove rcan/$(RCAN_VERSION) --all
	rm -rf $(DKMS_SRC)
