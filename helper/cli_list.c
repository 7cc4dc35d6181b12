// SPDX-License-Identifier: GPL-2.0
/* rcand list (status): the links rcan.ko has, as text or JSON. */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>

#include <linux/can/netlink.h>

#include "cli.h"
#include "exitcode.h"
#include "json.h"
#include "runstate.h"

static const char usage[] =
	"Usage: rcand list [--json] [IFNAME]\n"
	"       rcand list --serve[=SOCKET] [--json]   (rcand serve's clients)\n";

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

static const char *yes(unsigned long b)
{
	return b ? "true" : "false";
}

/* The counters, in one format for both outputs: JSON names or text. */
static void print_stats(const struct rnl_link *l, int json)
{
	static const char *const fmt[2] = {
		"  rx %llu frames %llu bytes (%llu dropped, %llu errors), tx %llu frames %llu bytes (%llu dropped, %llu errors)\n",
		", \"stats\": {\"rx_packets\": %llu, \"rx_bytes\": %llu, \"rx_dropped\": %llu, \"rx_errors\": %llu, \"tx_packets\": %llu, \"tx_bytes\": %llu, \"tx_dropped\": %llu, \"tx_errors\": %llu}",
	};
	const uint64_t *s = l->stats;

	if (!l->has_stats)
		return;
	printf(fmt[!!json], (unsigned long long)s[RCAN_STATS_RX_PACKETS],
	       (unsigned long long)s[RCAN_STATS_RX_BYTES],
	       (unsigned long long)s[RCAN_STATS_RX_DROPPED],
	       (unsigned long long)s[RCAN_STATS_RX_ERRORS],
	       (unsigned long long)s[RCAN_STATS_TX_PACKETS],
	       (unsigned long long)s[RCAN_STATS_TX_BYTES],
	       (unsigned long long)s[RCAN_STATS_TX_DROPPED],
	       (unsigned long long)s[RCAN_STATS_TX_ERRORS]);
}

/* The server's CAN FD dialect, from the rcand attached to the link. */
static int dialect_of(const struct rnl_link *l, struct runstate *st)
{
	return l->attached ? runstate_read(l->ifindex, st) : -1;
}

/* A number of the state file; 0 is "not known" (null). */
static void json_u32(const char *name, uint32_t v)
{
	if (v)
		printf(", \"%s\": %u", name, v);
	else
		printf(", \"%s\": null", name);
}

static void print_json_runstate(const struct rnl_link *l)
{
	struct runstate st;

	if (dialect_of(l, &st) < 0) {
		printf(", \"fd_dialect\": null, \"fd_dialect_source\": null, \"rtt_us\": null, \"rtt_min_us\": null, \"tx_rate\": null, \"bitrate\": null, \"dbitrate\": null, \"learned_rate\": null, \"rcand\": null");
		return;
	}
	printf(", \"fd_dialect\": ");
	json_str(stdout, st.dialect);
	printf(", \"fd_dialect_source\": ");
	json_str(stdout, st.source);
	json_u32("rtt_us", st.srtt_us);
	json_u32("rtt_min_us", st.rtt_min_us);
	printf(", \"tx_rate\": %u", st.tx_rate);
	json_u32("bitrate", st.bitrate);
	json_u32("dbitrate", st.dbitrate);
	json_u32("learned_rate", st.learned_rate);
	if (!st.has_counters) {
		printf(", \"rcand\": null");
		return;
	}
	printf(", \"rcand\": {\"rx_frames\": %llu, \"rx_dropped\": %llu, \"tx_frames\": %llu, \"tx_failed\": %llu}",
	       (unsigned long long)st.rx_frames,
	       (unsigned long long)st.rx_dropped,
	       (unsigned long long)st.tx_frames,
	       (unsigned long long)st.tx_failed);
}

static void print_json(const struct rnl_link *l, int first)
{
	printf("%s\n  {\"ifname\": ", first ? "" : ",");
	json_str(stdout, l->ifname);
	printf(", \"ifindex\": %u, \"remote\": ", l->ifindex);
	json_str(stdout, l->remote);
	printf(", \"attached\": %s, \"owner_portid\": %u, \"connected\": %s, \"carrier\": %s, \"fd\": %s, \"remove_on_detach\": %s",
	       yes(l->attached), l->owner_portid, yes(l->connected),
	       yes(l->carrier), yes(l->flags & RCAN_LINK_F_FD),
	       yes(l->flags & RCAN_LINK_F_REMOVE_ON_DETACH));
	printf(", \"can_state\": ");
	json_str(stdout, can_state_name(l));
	printf(", \"txerr\": %u, \"rxerr\": %u, \"tx_window\": %u, \"inflight\": %u",
	       l->txerr, l->rxerr, l->tx_window, l->inflight);
	print_json_runstate(l);
	print_stats(l, 1);
	printf("}");
}

/* The round trip, TX rate and pacing, as the attached rcand sees them. */
static void print_text_tx(const struct runstate *st)
{
	if (st->srtt_us)
		printf("  round trip %u.%03u ms (min %u.%03u)",
		       st->srtt_us / 1000, st->srtt_us % 1000,
		       st->rtt_min_us / 1000, st->rtt_min_us % 1000);
	else
		printf("  round trip not measured yet");
	printf(", TX %u frames/s", st->tx_rate);
	if (st->bitrate && st->dbitrate)
		printf(", paced at bitrate %u dbitrate %u", st->bitrate,
		       st->dbitrate);
	else if (st->bitrate)
		printf(", paced at bitrate %u", st->bitrate);
	else if (st->learned_rate)
		printf(", paced at %u frames/s, learned (the remote queue overflowed at %u; set the bitrate to stop guessing)",
		       st->learned_rate, st->overflowed_at);
	else
		printf(", not paced (no bitrate)");
	printf("\n");
	if (!st->has_counters)
		return;
	printf("  rcand: RX %llu frames to the kernel, %llu dropped; TX %llu confirmed, %llu failed\n",
	       (unsigned long long)st->rx_frames,
	       (unsigned long long)st->rx_dropped,
	       (unsigned long long)st->tx_frames,
	       (unsigned long long)st->tx_failed);
}

static void print_text(const struct rnl_link *l)
{
	struct runstate st;

	printf("%s: %s\n", l->ifname, l->remote[0] ? l->remote : "(no remote)");
	printf("  session %s, carrier %s, state %s, window %u, in flight %u%s\n",
	       session_name(l), l->carrier ? "on" : "off", can_state_name(l),
	       l->tx_window, l->inflight,
	       l->flags & RCAN_LINK_F_FD ? ", FD" : "");
	if (dialect_of(l, &st) == 0) {
		printf("  CAN FD dialect %s (%s)\n", st.dialect, st.source);
		print_text_tx(&st);
	}
	print_stats(l, 0);
}

struct list_arg {
	int json;
	unsigned int n;
};

static int print_link(const struct rnl_link *l, void *arg)
{
	struct list_arg *la = arg;

	if (la->json)
		print_json(l, la->n == 0);
	else
		print_text(l);
	la->n++;
	return 0;
}

static int list(struct rnl *n, const char *ifname, struct list_arg *la)
{
	struct rnl_link l;
	unsigned int idx;
	int rc;

	if (!ifname)
		return rnl_link_dump(n, print_link, la);
	idx = if_nametoindex(ifname);
	rc = idx ? rnl_link_get(n, idx, &l) : -ENODEV;
	if (rc == 0)
		print_link(&l, la);
	return rc;
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "serve", optional_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_arg la = { 0, 0 };
	const char *ifname;
	struct rnl n;
	int c, rc, serve = 0;
	const char *serve_path = NULL;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		if (c == 'j') {
			la.json = 1;
		} else if (c == 's') {
			serve = 1;
			serve_path = optarg;
		} else if (c == 'h')
			return printf("%s", usage) < 0 ? EXIT_FAIL : EXIT_OK;
		else
			return EXIT_USAGE;
	}
	if (serve) /* cli_serve_list.c */
		return argc > optind ? cli_usage_error(usage) :
				       cli_serve_list(serve_path, la.json);
	if (argc - optind > 1)
		return cli_usage_error(usage);
	ifname = optind < argc ? argv[optind] : NULL;
	rc = cli_open(&n);
	if (rc)
		return rc;
	if (la.json)
		printf("[");
	rc = list(&n, ifname, &la);
	if (la.json)
		printf("%s]\n", la.n ? "\n" : "");
	rnl_close(&n);
	if (rc < 0)
		return exit_report(ifname ? ifname : "listing links", rc,
				   n.errmsg);
	return EXIT_OK;
}
