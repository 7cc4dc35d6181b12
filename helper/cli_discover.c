// SPDX-License-Identifier: GPL-2.0
/* rcand discover: list the socketcand servers that announce themselves. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "exitcode.h"
#include "json.h"

#define MAX_SERVERS 64

static const char usage[] = "Usage: rcand discover [-t MS] [--json]\n";

struct seen {
	int json;
	unsigned int n;
	struct beacon b[MAX_SERVERS];
};

static void print_json(const struct beacon *b, int first)
{
	unsigned int i;

	printf("%s\n  {\"name\": ", first ? "[" : ",");
	json_str(stdout, b->name);
	printf(", \"type\": ");
	json_str(stdout, b->type);
	printf(", \"description\": ");
	json_str(stdout, b->description);
	printf(", \"host\": ");
	json_str(stdout, b->host);
	printf(", \"port\": %u, \"url\": ", b->port);
	json_str(stdout, b->url);
	printf(", \"buses\": [");
	for (i = 0; i < b->nbuses; i++) {
		printf("%s", i ? ", " : "");
		json_str(stdout, b->buses[i]);
	}
	printf("]}");
}

static void print_text(const struct beacon *b)
{
	unsigned int i;

	printf("%s (%s) at %s:%u%s, buses:", b->name, b->description, b->host,
	       b->port,
	       b->host_from_source ?
		       " (announced address unusable: from the beacon's source)" :
		       "");
	for (i = 0; i < b->nbuses; i++)
		printf(" %s", b->buses[i]);
	printf("\n");
}

/* Each server once, as it is heard. */
static int on_beacon(const struct beacon *b, void *arg)
{
	struct seen *s = arg;
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->b[i].name, b->name) &&
		    !strcmp(s->b[i].host, b->host) && s->b[i].port == b->port)
			return 0;
	if (s->n == MAX_SERVERS)
		return 0;
	s->b[s->n++] = *b;
	if (s->json)
		print_json(b, s->n == 1);
	else
		print_text(b);
	fflush(stdout);
	return 0;
}

int cmd_discover(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "time", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct seen seen;
	uint32_t ms = BEACON_DEFAULT_MS;
	int c, rc;

	while ((c = getopt_long(argc, argv, "t:jh", opts, NULL)) != -1) {
		if (c == 't' && cli_u32(optarg, &ms, "time", 1) < 0)
			return EXIT_USAGE;
		if (c == 'j')
			seen.json = 1;
		if (c == 'h') {
			printf("%sListen MS milliseconds (default %d) for socketcand beacons\n"
			       "on UDP %d and print each server once.\n",
			       usage, BEACON_DEFAULT_MS, BEACON_PORT);
			return EXIT_OK;
		}
		if (c == '?')
			return EXIT_USAGE;
	}
	if (optind != argc)
		return cli_usage_error(usage);
	rc = cli_beacons(ms, on_beacon, &seen);
	if (rc < 0)
		return EXIT_FAIL;
	if (seen.json)
		printf("%s]\n", seen.n ? "\n" : "[");
	return EXIT_OK;
}
