// SPDX-License-Identifier: GPL-2.0
/*
 * rcand: a socketcand server's bus as a local CAN netdev (rcan.ko).
 * Command dispatch only; each subcommand lives in its own cli_*.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "rcand.h"

#ifndef RCAND_VERSION
#define RCAND_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: rcand COMMAND [OPTIONS] [ARGS]\n"
		"\n"
		"  discover [-t MS] [--json]          list socketcand servers seen by beacon\n"
		"  attach [OPTIONS] HOST[:PORT] BUS   connect a remote bus as a canX netdev\n"
		"  attach [OPTIONS] can://HOST:PORT/BUS\n"
		"  attach [OPTIONS] --discover [BUS]\n"
		"  list [--json] [IFNAME]             rcan netdevs, remotes, states, counters\n"
		"  status                             the same as list\n"
		"  detach [--delete] IFNAME           stop its rcand [and delete it]\n"
		"  help, --help                       this text\n"
		"  version, --version\n"
		"\n"
		"'rcand COMMAND --help' tells more; see rcand(8).\n");
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("rcand %s\n", RCAND_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "discover"))
		return cmd_discover(argc - 1, argv + 1);
	if (!strcmp(cmd, "attach"))
		return cmd_attach(argc - 1, argv + 1);
	if (!strcmp(cmd, "list") || !strcmp(cmd, "status") ||
	    !strcmp(cmd, "show"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "detach"))
		return cmd_detach(argc - 1, argv + 1);
	fprintf(stderr, "rcand: unknown command '%s'\n\n", cmd);
	usage(stderr);
	return EXIT_USAGE;
}
