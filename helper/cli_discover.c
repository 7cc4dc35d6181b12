// SPDX-License-Identifier: GPL-2.0
/* rcand discover: list the socketcand servers that announce themselves. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "beacon.h"
#include "cli.h"
#include "json.h"
#include "rcand.h"

#define MAX_SERVERS 64

int cmd_discover(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "time", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct beacon seen[MAX_SERVERS];
	unsigned int nseen = 0, i;
	long ms = BEACON_DEFAULT_MS, until;
	int c, json = 0, fd;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:jh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			ms = strtol(optarg, NULL, 10);
			if (ms <= 0) {
				fprintf(stderr, "rcand: bad time '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			printf("Usage: rcand discover [-t MS] [--json]\n"
			       "Listen MS milliseconds (default %d) for socketcand beacons\n"
			       "on UDP %d and print each server once.\n",
			       BEACON_DEFAULT_MS, BEACON_PORT);
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "Usage: rcand discover [-t MS] [--json]\n");
		return EXIT_USAGE;
	}
	fd = beacon_listen(BEACON_PORT);
	if (fd < 0) {
		fprintf(stderr, "rcand: cannot listen on UDP %d: %s\n",
			BEACON_PORT, strerror(errno));
		return EXIT_FAIL;
	}
	until = now_ms() + ms;
	if (json)
		printf("[");
	for (;;) {
		struct beacon b;
		long left = until - now_ms();
		int rc, dup = 0;

		if (left <= 0)
			break;
		rc = beacon_recv(fd, (int)left, &b);
		if (rc < 0)
			break;
		if (rc > 0)
			continue;
		for (i = 0; i < nseen; i++)
			if (!strcmp(seen[i].name, b.name) &&
			    !strcmp(seen[i].host, b.host) &&
			    seen[i].port == b.port)
				dup = 1;
		if (dup || nseen == MAX_SERVERS)
			continue;
		seen[nseen++] = b;
		if (json) {
			printf("%s\n  {\"name\": ", nseen > 1 ? "," : "");
			json_str(stdout, b.name);
			printf(", \"type\": ");
			json_str(stdout, b.type);
			printf(", \"description\": ");
			json_str(stdout, b.description);
			printf(", \"host\": ");
			json_str(stdout, b.host);
			printf(", \"port\": %u, \"url\": ", b.port);
			json_str(stdout, b.url);
			printf(", \"buses\": [");
			for (i = 0; i < b.nbuses; i++) {
				printf("%s", i ? ", " : "");
				json_str(stdout, b.buses[i]);
			}
			printf("]}");
		} else {
			printf("%s (%s) at %s:%u%s, buses:", b.name,
			       b.description, b.host, b.port,
			       b.host_from_source ?
				       " (announced address unusable: from the beacon's source)" :
				       "");
			for (i = 0; i < b.nbuses; i++)
				printf(" %s", b.buses[i]);
			printf("\n");
		}
		fflush(stdout);
	}
	if (json)
		printf("%s]\n", nseen ? "\n" : "");
	close(fd);
	return EXIT_OK;
}
