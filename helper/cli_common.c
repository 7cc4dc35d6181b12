// SPDX-License-Identifier: GPL-2.0
/* What the commands share: numbers, usage errors, the netlink socket and
 * the beacon loop, each said to the person the same way. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "exitcode.h"

int cli_u32(const char *s, uint32_t *out, const char *what, uint32_t min)
{
	if (args_u32(s, out) == 0 && *out >= min)
		return 0;
	fprintf(stderr, "rcand: bad %s '%s'\n", what, s);
	return -1;
}

int cli_usage_error(const char *usage)
{
	fputs(usage, stderr);
	return EXIT_USAGE;
}

int cli_open(struct rnl *n)
{
	int rc = rnl_open(n, NULL, NULL);

	return rc < 0 ? exit_report("generic netlink", rc, NULL) : 0;
}

int cli_beacons(uint32_t wait_ms, int (*fn)(const struct beacon *b, void *arg),
		void *arg)
{
	int rc = beacon_listen_for(wait_ms, fn, arg);

	if (rc < 0) {
		fprintf(stderr,
			"rcand: cannot listen for beacons on UDP %d: %s\n",
			BEACON_PORT, strerror(errno));
		return -1;
	}
	return rc;
}
