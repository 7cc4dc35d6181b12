// SPDX-License-Identifier: GPL-2.0
/* The one mapping from a failed kernel request to a message and an exit
 * code, for every command. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "exitcode.h"

/* The kernel's own words (extended ack), when it gave any. */
static const char *kernel_says(const char *detail, char *buf, size_t size)
{
	if (!detail || !*detail)
		return "";
	snprintf(buf, size, " (kernel: %s)", detail);
	return buf;
}

int exit_report(const char *what, int err, const char *detail)
{
	char k[160];
	const char *ks = kernel_says(detail, k, sizeof(k));

	switch (-err) {
	case ENOENT:
		fprintf(stderr,
			"rcand: the rcan kernel module is not loaded (modprobe rcan)%s\n",
			ks);
		return EXIT_NOMODULE;
	case EPERM:
	case EACCES:
		fprintf(stderr,
			"rcand: %s: permission denied (CAP_NET_ADMIN is needed; run as root)%s\n",
			what, ks);
		return EXIT_PERM;
	case ENODEV:
		fprintf(stderr, "rcand: %s: no such rcan device%s\n", what, ks);
		return EXIT_FAIL;
	case ENOTCONN:
		fprintf(stderr, "rcand: %s: no rcand is attached to it%s\n",
			what, ks);
		return EXIT_FAIL;
	default:
		fprintf(stderr, "rcand: %s: %s%s%s\n", what, strerror(-err),
			detail && *detail ? ": " : "", detail ? detail : "");
		return EXIT_FAIL;
	}
}
