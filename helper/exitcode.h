/* SPDX-License-Identifier: GPL-2.0 */
/* rcand's exit codes (documented in rcand(8)): what a script can test. */
#ifndef RCAND_EXITCODE_H
#define RCAND_EXITCODE_H

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1, /* anything else */
	EXIT_USAGE = 2,
	EXIT_NOMODULE = 3, /* rcan.ko not loaded */
	EXIT_PERM = 4, /* no CAP_NET_ADMIN */
	EXIT_UNKNOWN_HOST = 5,
	EXIT_CONNECT = 6, /* connection refused / unreachable / timeout */
	EXIT_BUS_REFUSED = 7, /* the server refused the bus */
	EXIT_PROTOCOL = 8, /* the server spoke something else */
	/* ssh:// refused: host key, login, or forwarding (for good) */
	EXIT_SSH = 9,
};

/*
 * Tell the person on stderr why a request to rcan.ko failed (err is a
 * negative errno; detail, the kernel's own words, may be NULL or ""), and
 * return the exit code that goes with it.
 */
int exit_report(const char *what, int err, const char *detail);

#endif
