// SPDX-License-Identifier: GPL-2.0
/* The one mapping from a failed kernel request to a message and an exit
 * code, for every command. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "exitcode.h"

int exit_report(const char *what, int err, const char *detail)
{
	switch (-err) {
	case ENOENT:
		fprintf(stderr,
			"rcand: the rcan kernel module is not loaded (modprobe rcan)\n");
		return EXIT_NOMODULE;
	case EPERM:
	case EACCES:
		fprintf(stderr,
			"rcand: %s: permission denied (CAP_NET_ADMIN is needed; run as root)\n",
			what);
		return EXIT_PERM;
	case ENODEV:
		fprintf(stderr, "rcand: %s: no such rcan device\n", what);
		return EXIT_FAIL;
	case ENOTCONN:
		fprintf(stderr, "rcand: %s: no rcand is attached to it\n",
			what);
		return EXIT_FAIL;
	default:
		fprintf(stderr, "rcand: %s: %s%s%s\n", what, strerror(-err),
			detail && *detail ? ": " : "", detail ? detail : "");
		return EXIT_FAIL;
	}
}
