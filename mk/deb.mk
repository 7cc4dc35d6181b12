# Debian packages, included by the top-level Makefile.
#
#   make deb        build/deb/rcan-dkms_VERSION_all.deb, rcand_VERSION_ARCH.deb
#   make deb-lint   lintian on what make deb built
#
# The packages are built with dpkg-buildpackage -us -uc -b in a clean copy
# of the tree (build/deb/rcan-VERSION): the files git tracks, and new ones
# it would track (not ignored: a source file not yet added builds as with
# make), as they are in the working tree now. Build products (.gitignore,
# kmod/rcan_probes.h among them) never end up in a package. debian/rules
# says what goes where, and why dh-dkms.
DEB_TREE_FILES = git ls-files -z --cached --others --exclude-standard
DEB_VERSION_FILE := $(shell cat VERSION)
DEB_DIR := build/deb
DEB_SRC := $(DEB_DIR)/rcan-$(DEB_VERSION_FILE)

.PHONY: deb deb-version deb-lint

# VERSION is the one source of the version: debian/changelog must name the
# same one (a native package: no Debian revision), or the packages would
# carry another version than rcand --version and the module.
deb-version:
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version) && \
	if [ "$$v" != "$(DEB_VERSION_FILE)" ]; then \
		echo "debian/changelog is at $$v, VERSION at $(DEB_VERSION_FILE):" \
			"add a changelog entry (dch -v $(DEB_VERSION_FILE))" >&2; \
		exit 1; \
	fi

# dpkg-buildpackage runs as a build of its own: not silenced (make -s) or
# tied to this make's jobserver by the flags make exports.
deb: deps deb-version
	@git rev-parse --git-dir >/dev/null 2>&1 || \
		{ echo "make deb: copies the files of the git tree; this is none" >&2; exit 1; }
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	$(DEB_TREE_FILES) | xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\n" "$$f"; done' sh | \
		tar -cf - -T - | tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		dpkg-buildpackage -us -uc -b
	@ls -l $(DEB_DIR)/*.deb

# --fail-on warning: a warning is either fixed or overridden, with the
# reason, in debian/*.lintian-overrides.
deb-lint:
	lintian --fail-on error,warning --display-info --info $(DEB_DIR)/rcan_*.changes
