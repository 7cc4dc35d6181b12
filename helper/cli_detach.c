// SPDX-License-Identifier: GPL-2.0
/*
 * rcand detach: take the netdev away from its rcand, which sees the event
 * and exits; the netdev stays unless it was made with --remove. --delete
 * removes it.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>

#include "cli.h"
#include "exitcode.h"

static const char usage[] =
	"Usage: rcand detach [--delete] [--] IFNAME\n"
	"Stop the rcand serving IFNAME; the netdev stays (unless it was\n"
	"attached with --remove). With --delete, remove the netdev.\n"
	"\"--\" ends the options, for a name that starts with \"-\".\n";

int cmd_detach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "delete", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ifname;
	unsigned int idx;
	int c, rc, del = 0;
	struct rnl n;

	while ((c = getopt_long(argc, argv, "dh", opts, NULL)) != -1) {
		if (c == 'd')
			del = 1;
		else if (c == 'h')
			return fputs(usage, stdout) < 0 ? EXIT_FAIL : EXIT_OK;
		else
			return cli_usage_error(usage);
	}
	if (argc - optind != 1)
		return cli_usage_error(usage);
	ifname = argv[optind];
	rc = cli_open(&n);
	if (rc)
		return rc;
	idx = if_nametoindex(ifname);
	if (!idx)
		rc = -ENODEV;
	else if (del)
		rc = rnl_link_del(&n, idx);
	else
		rc = rnl_link_detach(&n, idx);
	rnl_close(&n);
	return rc < 0 ? exit_report(ifname, rc, n.errmsg) : EXIT_OK;
}
