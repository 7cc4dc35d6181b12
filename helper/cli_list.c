// SPDX-License-Identifier: GPL-2.0
/* rcand list (status) and rcand detach: the links rcan.ko has. */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <linux/can/netlink.h>

#include "cli.h"
#include "genl.h"
#include "json.h"
#include "rcand.h"

static const char *can_state_name(const struct rnl_link *l)
{
	static const char *const names[] = {
		[CAN_STATE_ERROR_ACTIVE] = "ERROR-ACTIVE",
		[CAN_STATE_ERROR_WARNING] = "ERROR-WARNING",
		[CAN_STATE_ERROR_PASSIVE] = "ERROR-PASSIVE",
		[CAN_STATE_BUS_OFF] = "BUS-OFF",
		[CAN_STATE_STOPPED] = "STOPPED",
		[CAN_STATE_SLEEPING] = "SLEEPING",
	};

	if (!l->has_state)
		return "unknown";
	if (l->can_state < sizeof(names) / sizeof(names[0]) &&
	    names[l->can_state])
		return names[l->can_state];
	return "?";
}

static const char *session_name(const struct rnl_link *l)
{
	if (!l->attached)
		return "no helper";
	return l->connected ? "connected" : "connecting";
}

struct list_arg {
	int json;
	unsigned int n;
};

static int print_link(const struct rnl_link *l, void *arg)
{
	struct list_arg *la = arg;
	const uint64_t *s = l->stats;

	if (la->json) {
		printf("%s\n  {\"ifname\": ", la->n ? "," : "");
		json_str(stdout, l->ifname);
		printf(", \"ifindex\": %u, \"remote\": ", l->ifindex);
		json_str(stdout, l->remote);
		printf(", \"attached\": %s, \"owner_portid\": %u, \"connected\": %s, \"carrier\": %s, \"fd\": %s, \"remove_on_detach\": %s",
		       l->attached ? "true" : "false", l->owner_portid,
		       l->connected ? "true" : "false",
		       l->carrier ? "true" : "false",
		       l->flags & RCAN_LINK_F_FD ? "true" : "false",
		       l->flags & RCAN_LINK_F_REMOVE_ON_DETACH ? "true" :
								 "false");
		printf(", \"can_state\": ");
		json_str(stdout, can_state_name(l));
		printf(", \"txerr\": %u, \"rxerr\": %u, \"tx_window\": %u, \"inflight\": %u",
		       l->txerr, l->rxerr, l->tx_window, l->inflight);
		if (l->has_stats)
			printf(", \"stats\": {\"rx_packets\": %llu, \"rx_bytes\": %llu, \"rx_dropped\": %llu, \"rx_errors\": %llu, \"tx_packets\": %llu, \"tx_bytes\": %llu, \"tx_dropped\": %llu, \"tx_errors\": %llu}",
			       (unsigned long long)s[RCAN_STATS_RX_PACKETS],
			       (unsigned long long)s[RCAN_STATS_RX_BYTES],
			       (unsigned long long)s[RCAN_STATS_RX_DROPPED],
			       (unsigned long long)s[RCAN_STATS_RX_ERRORS],
			       (unsigned long long)s[RCAN_STATS_TX_PACKETS],
			       (unsigned long long)s[RCAN_STATS_TX_BYTES],
			       (unsigned long long)s[RCAN_STATS_TX_DROPPED],
			       (unsigned long long)s[RCAN_STATS_TX_ERRORS]);
		printf("}");
	} else {
		printf("%s: %s\n", l->ifname,
		       l->remote[0] ? l->remote : "(no remote)");
		printf("  session %s, carrier %s, state %s, window %u, in flight %u%s\n",
		       session_name(l), l->carrier ? "on" : "off",
		       can_state_name(l), l->tx_window, l->inflight,
		       l->flags & RCAN_LINK_F_FD ? ", FD" : "");
		if (l->has_stats)
			printf("  rx %llu frames %llu bytes (%llu dropped, %llu errors), tx %llu frames %llu bytes (%llu dropped, %llu errors)\n",
			       (unsigned long long)s[RCAN_STATS_RX_PACKETS],
			       (unsigned long long)s[RCAN_STATS_RX_BYTES],
			       (unsigned long long)s[RCAN_STATS_RX_DROPPED],
			       (unsigned long long)s[RCAN_STATS_RX_ERRORS],
			       (unsigned long long)s[RCAN_STATS_TX_PACKETS],
			       (unsigned long long)s[RCAN_STATS_TX_BYTES],
			       (unsigned long long)s[RCAN_STATS_TX_DROPPED],
			       (unsigned long long)s[RCAN_STATS_TX_ERRORS]);
	}
	la->n++;
	return 0;
}

static int open_or_explain(struct rnl *n)
{
	int rc = rnl_open(n, NULL, NULL);

	if (rc == -ENOENT) {
		fprintf(stderr,
			"rcand: the rcan kernel module is not loaded (modprobe rcan)\n");
		return EXIT_NOMODULE;
	}
	if (rc < 0) {
		fprintf(stderr, "rcand: generic netlink: %s\n",
			rnl_strerror(rc));
		return EXIT_FAIL;
	}
	return 0;
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_arg la = { 0, 0 };
	struct rnl n;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			la.json = 1;
			break;
		case 'h':
			printf("Usage: rcand list [--json] [IFNAME]\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "Usage: rcand list [--json] [IFNAME]\n");
		return EXIT_USAGE;
	}
	rc = open_or_explain(&n);
	if (rc)
		return rc;
	if (la.json)
		printf("[");
	if (optind < argc) {
		struct rnl_link l;
		unsigned int idx = if_nametoindex(argv[optind]);

		rc = idx ? rnl_link_get(&n, idx, &l) : -ENODEV;
		if (rc == 0)
			print_link(&l, &la);
	} else {
		rc = rnl_link_dump(&n, print_link, &la);
	}
	if (la.json)
		printf("%s]\n", la.n ? "\n" : "");
	rnl_close(&n);
	if (rc < 0) {
		fprintf(stderr, "rcand: %s: %s\n",
			optind < argc ? argv[optind] : "listing links",
			rc == -ENODEV ? "no such rcan device" :
					rnl_strerror(rc));
		return rc == -EPERM ? EXIT_PERM : EXIT_FAIL;
	}
	return EXIT_OK;
}

/*
 * Take the netdev away from its rcand, which sees the event and exits; the
 * netdev stays unless it was made with --remove. --delete removes it.
 */
int cmd_detach(int argc, char **argv)
{
	static const char usage[] =
		"Usage: rcand detach [--delete] [--] IFNAME\n"
		"Stop the rcand serving IFNAME; the netdev stays (unless it was\n"
		"attached with --remove). With --delete, remove the netdev.\n"
		"\"--\" ends the options, for a name that starts with \"-\".\n";
	const char *ifname = NULL;
	int del = 0, i, rc, options = 1;
	struct rnl n;
	unsigned int idx;

	for (i = 1; i < argc; i++) {
		if (!options || argv[i][0] != '-') {
			if (ifname) {
				fputs(usage, stderr);
				return EXIT_USAGE;
			}
			ifname = argv[i];
		} else if (!strcmp(argv[i], "--")) {
			options = 0;
		} else if (!strcmp(argv[i], "--delete") ||
			   !strcmp(argv[i], "-d")) {
			del = 1;
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return EXIT_OK;
		} else {
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (!ifname) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	rc = open_or_explain(&n);
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
	if (rc == -EPERM || rc == -EACCES) {
		fprintf(stderr,
			"rcand: %s: permission denied (CAP_NET_ADMIN is needed)\n",
			ifname);
		return EXIT_PERM;
	}
	if (rc == -ENOTCONN) {
		fprintf(stderr, "rcand: %s: no rcand is attached to it\n",
			ifname);
		return EXIT_FAIL;
	}
	if (rc < 0) {
		fprintf(stderr, "rcand: %s: %s\n", ifname,
			rc == -ENODEV ? "no such rcan device" :
					rnl_strerror(rc));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
