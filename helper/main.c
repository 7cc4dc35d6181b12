// SPDX-License-Identifier: GPL-2.0
/*
 * rcand: a socketcand server's bus as a local CAN netdev (rcan.ko).
 * The command table: each command's name, arguments and one-line
 * description; the usage text is made from it.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "exitcode.h"

#ifndef RCAND_VERSION
#define RCAND_VERSION "unknown"
#endif

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

struct command {
	const char *name;
	const char *aliases; /* space separated, or NULL */
	int (*fn)(int argc, char **argv);
	const char *args; /* alternatives separated by '\n' */
	const char *description;
};

static const struct command commands[] = {
	{ "discover", NULL, cmd_discover, "[-t MS] [--json]",
	  "list socketcand servers seen by beacon" },
	{ "attach", NULL, cmd_attach,
	  "[OPTIONS] HOST[:PORT] BUS\n[OPTIONS] can://HOST:PORT/BUS\n[OPTIONS] --discover [BUS]",
	  "connect a remote bus as a canX netdev" },
	{ "list", "status", cmd_list, "[--json] [IFNAME]",
	  "rcan netdevs, remotes, states, counters" },
	{ "detach", NULL, cmd_detach, "[--delete] IFNAME",
	  "stop its rcand [and delete it]" },
	{ "serve", NULL, cmd_serve, "[OPTIONS] -i IF[,IF...]",
	  "serve CAN interfaces as socketcand does" },
	{ "help", "--help -h", cmd_help, "", "this text" },
	{ "version", "--version", cmd_version, "", "rcand's version" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* "help, --help, -h" */
static void print_names(const struct command *c, char *buf, size_t size)
{
	const char *a = c->aliases;
	size_t n = (size_t)snprintf(buf, size, "%s", c->name);

	while (a && *a && n < size) {
		size_t w = strcspn(a, " ");

		n += (size_t)snprintf(buf + n, size - n, ", %.*s", (int)w, a);
		a += w + (a[w] == ' ');
	}
}

static void usage(FILE *f)
{
	char names[64], line[128];
	size_t i;

	fprintf(f, "Usage: rcand COMMAND [OPTIONS] [ARGS]\n\n");
	for (i = 0; i < NCOMMANDS; i++) {
		const char *a = commands[i].args, *nl;
		const char *desc = commands[i].description;

		print_names(&commands[i], names, sizeof(names));
		do {
			nl = strchr(a, '\n');
			snprintf(line, sizeof(line), "%s %.*s", names,
				 nl ? (int)(nl - a) : (int)strlen(a), a);
			if (*desc)
				fprintf(f, "  %-34s %s\n", line, desc);
			else
				fprintf(f, "  %s\n", line);
			desc = "";
			a = nl ? nl + 1 : NULL;
		} while (a);
	}
	fprintf(f, "\n'rcand COMMAND --help' tells more; see rcand(8).\n");
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("rcand %s\n", RCAND_VERSION);
	return EXIT_OK;
}

static int is_alias(const char *a, const char *word)
{
	size_t n = strlen(word);

	while (a && *a) {
		size_t w = strcspn(a, " ");

		if (w == n && !strncmp(a, word, n))
			return 1;
		a += w + (a[w] == ' ');
	}
	return 0;
}

static const struct command *find(const char *word)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, word) ||
		    is_alias(commands[i].aliases, word))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "rcand: unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	return c->fn(argc - 1, argv + 1);
}
