// SPDX-License-Identifier: GPL-2.0
/*
 * rcand attach: the options, the remote (given, or found by its beacon),
 * then the daemon (daemon.c) runs until told to stop.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "daemon.h"
#include "exitcode.h"
#include "log.h"
#include "pacer.h"

static void attach_usage(FILE *f)
{
	fprintf(f,
		"Usage: rcand attach [OPTIONS] HOST[:PORT] BUS\n"
		"       rcand attach [OPTIONS] can://HOST[:PORT]/BUS\n"
		"       rcand attach [OPTIONS] ssh://[USER@]HOST[:SSHPORT]/BUS[?port=PORT]\n"
		"       rcand attach [OPTIONS] --discover [BUS]\n"
		"\n"
		"Connect to a socketcand server and make its bus a local CAN netdev.\n"
		"\n"
		"  -n, --name IFNAME      netdev name or template (default can%%d); an existing\n"
		"                         rcan netdev of that name is taken back\n"
		"      --fd               create a CAN FD capable netdev, send FD frames\n"
		"      --fd-dialect D     the server's CAN FD dialect: auto (default), none,\n"
		"                         rawmode-canfd, pr33, frame\n"
		"      --keep             leave the netdev when rcand exits (default)\n"
		"      --remove           delete the netdev when rcand exits\n"
		"      --no-reconnect     exit when the session ends instead of reconnecting\n"
		"      --no-tcp-tune      no TCP_NODELAY and TCP_QUICKACK on the session\n"
		"      --tx-rate N        send at most N frames per second (paced bursts)\n"
		"      --tx-window N      frames in flight per netdev, fixed (default: sized\n"
		"                         by the echo round trip, 64 to %d)\n"
		"      --bitrate N[,D]    pace TX at this bus bit rate (and CAN FD data rate)\n"
		"      --remote-queue N   frames the remote CAN queue holds (default 10)\n"
		"      --bittiming        forward 'ip link set ... bitrate' to the server\n"
		"      --heartbeat MS     send < echo > after MS of silence (default 1000)\n"
		"      --timeout MS       declare the server dead after MS of silence (5000)\n"
		"      --backoff MIN:MAX  reconnect delay bounds in ms (default 250:30000)\n"
		"      --ssh-option OPT   ssh:// only: pass -o OPT to ssh (repeatable)\n"
		"      --discover         pick the server from discovery beacons\n"
		"  -t, --discover-time MS how long to wait for a beacon (default %d)\n"
		"      --ready-file FILE  write 'IFNAME IFINDEX URL' there once connected\n"
		"  -f, --foreground       stay in the foreground, log to stderr\n"
		"  -v, --verbose          more log lines\n"
		"  -h, --help             this text\n",
		RCAN_TX_WINDOW_MAX, BEACON_DEFAULT_MS);
}

/* What the command line says besides the daemon's options. */
struct attach_args {
	struct attach_opts o;
	int discover;
	uint32_t discover_ms;
	int verbose;
};

static struct attach_args A;

enum {
	O_TXRATE = 256,
	O_TXWIN,
	O_HB,
	O_TIMEOUT,
	O_BACKOFF,
	O_READY,
	O_DIALECT,
	O_SSHOPT,
	O_BITRATE,
	O_RQUEUE,
	O_HELP_DONE = -2, /* parse_option(): --help was answered */
};

/* Switches set their flag in A themselves (getopt_long returns 0). */
static const struct option opts[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "fd", no_argument, &A.o.fd, 1 },
	{ "keep", no_argument, &A.o.remove, 0 },
	{ "remove", no_argument, &A.o.remove, 1 },
	{ "no-reconnect", no_argument, &A.o.session.reconnect, 0 },
	{ "tcp-tune", no_argument, &A.o.session.tcp_tune, 1 },
	{ "no-tcp-tune", no_argument, &A.o.session.tcp_tune, 0 },
	{ "tx-rate", required_argument, NULL, O_TXRATE },
	{ "tx-window", required_argument, NULL, O_TXWIN },
	{ "bitrate", required_argument, NULL, O_BITRATE },
	{ "remote-queue", required_argument, NULL, O_RQUEUE },
	{ "bittiming", no_argument, &A.o.session.bittiming, 1 },
	{ "heartbeat", required_argument, NULL, O_HB },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "backoff", required_argument, NULL, O_BACKOFF },
	{ "discover", no_argument, &A.discover, 1 },
	{ "discover-time", required_argument, NULL, 't' },
	{ "ready-file", required_argument, NULL, O_READY },
	{ "fd-dialect", required_argument, NULL, O_DIALECT },
	{ "ssh-option", required_argument, NULL, O_SSHOPT },
	{ "foreground", no_argument, NULL, 'f' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int set_name(struct attach_opts *o, const char *name)
{
	if (strlen(name) >= IF_NAMESIZE) {
		fprintf(stderr, "rcand: interface name '%s' too long\n", name);
		return -1;
	}
	o->ifname = name;
	return 0;
}

static int set_tx_window(struct attach_opts *o, const char *s)
{
	if (cli_u32(s, &o->tx_window, "--tx-window", 0) == 0 &&
	    o->tx_window >= 1 && o->tx_window <= RCAN_TX_WINDOW_MAX)
		return 0;
	fprintf(stderr, "rcand: --tx-window is 1..%d\n", RCAN_TX_WINDOW_MAX);
	return -1;
}

static int set_bitrate(struct attach_opts *o, const char *s)
{
	if (args_bitrate(s, &o->bitrate, &o->dbitrate) == 0)
		return 0;
	fprintf(stderr,
		"rcand: --bitrate wants N or N,DBITRATE in bit/s (1 to 20000000)\n");
	return -1;
}

static int set_backoff(struct session_config *sc, const char *s)
{
	if (args_backoff(s, &sc->backoff_min_ms, &sc->backoff_max_ms) == 0)
		return 0;
	fprintf(stderr, "rcand: --backoff wants MIN:MAX in ms\n");
	return -1;
}

static int set_dialect(struct session_config *sc, const char *s)
{
	int d = strcmp(s, "auto") ? proto_dialect_parse(s) :
				    PROTO_DIALECT_UNKNOWN;

	if (d < 0 || (d == PROTO_DIALECT_UNKNOWN && strcmp(s, "auto"))) {
		fprintf(stderr,
			"rcand: --fd-dialect is auto, none, rawmode-canfd, pr33 or frame\n");
		return -1;
	}
	sc->fd_dialect = (enum proto_dialect)d;
	return 0;
}

static int add_ssh_option(struct ssh_config *sc, const char *s)
{
	if (sc->n_options < SSH_OPTIONS_MAX) {
		sc->options[sc->n_options++] = s;
		return 0;
	}
	fprintf(stderr, "rcand: at most %d --ssh-option\n", SSH_OPTIONS_MAX);
	return -1;
}

/* One option with a value: 0, -1 for a usage error, O_HELP_DONE. */
static int parse_option(int c, struct attach_args *a)
{
	struct session_config *sc = &a->o.session;

	switch (c) {
	case 0: /* a switch, set by getopt_long */
		return 0;
	case 'n':
		return set_name(&a->o, optarg);
	case O_TXRATE:
		return cli_u32(optarg, &a->o.tx_rate, "--tx-rate", 0);
	case O_TXWIN:
		return set_tx_window(&a->o, optarg);
	case O_BITRATE:
		return set_bitrate(&a->o, optarg);
	case O_RQUEUE:
		return cli_u32(optarg, &a->o.remote_queue, "--remote-queue", 1);
	case O_HB:
		return cli_u32(optarg, &sc->heartbeat_ms, "--heartbeat", 1);
	case O_TIMEOUT:
		return cli_u32(optarg, &sc->timeout_ms, "--timeout", 1);
	case O_BACKOFF:
		return set_backoff(sc, optarg);
	case 't':
		return cli_u32(optarg, &a->discover_ms, "-t", 0);
	case O_READY:
		a->o.ready_file = optarg;
		return 0;
	case O_DIALECT:
		return set_dialect(sc, optarg);
	case O_SSHOPT:
		return add_ssh_option(&sc->ssh, optarg);
	case 'f':
		a->o.foreground = 1;
		return 0;
	case 'v':
		a->verbose++;
		return 0;
	case 'h':
		attach_usage(stdout);
		return O_HELP_DONE;
	default:
		attach_usage(stderr);
		return -1;
	}
}

static void defaults(struct attach_args *a)
{
	memset(a, 0, sizeof(*a));
	a->o.session.reconnect = 1;
	a->o.session.tcp_tune = 1;
	a->o.remote_queue = PACER_QUEUE_DEFAULT;
	a->o.session.heartbeat_ms = 1000;
	a->o.session.timeout_ms = 5000;
	a->o.session.backoff_min_ms = 250;
	a->o.session.backoff_max_ms = 30000;
	a->discover_ms = BEACON_DEFAULT_MS;
}

struct wanted_bus {
	const char *bus; /* NULL: any */
	struct remote *remote;
};

/* --discover: the first server announcing the bus (or any bus). */
static int on_beacon(const struct beacon *b, void *arg)
{
	struct wanted_bus *w = arg;
	unsigned int i;

	for (i = 0; i < b->nbuses; i++) {
		if (w->bus && strcmp(w->bus, b->buses[i]))
			continue;
		snprintf(w->remote->host, sizeof(w->remote->host), "%s",
			 b->host);
		w->remote->port = b->port;
		snprintf(w->remote->bus, sizeof(w->remote->bus), "%s",
			 b->buses[i]);
		log_info("discovered %s (%s) at %s:%u, bus %s", b->name,
			 b->description, b->host, b->port, b->buses[i]);
		return 1;
	}
	return 0;
}

static int discover_remote(struct attach_args *a, const char *bus)
{
	struct wanted_bus w = { bus, &a->o.session.remote };
	int rc = cli_beacons(a->discover_ms, on_beacon, &w);

	if (rc < 0)
		return EXIT_FAIL;
	if (rc == 0)
		return 0;
	fprintf(stderr,
		"rcand: no socketcand server%s%s%s announced itself within %u ms\n",
		bus ? " with bus '" : "", bus ? bus : "", bus ? "'" : "",
		a->discover_ms);
	return EXIT_CONNECT;
}

/* The remote from the arguments left after the options. */
static int find_remote(struct attach_args *a, int argc, char **argv)
{
	char err[256];

	if (a->discover) {
		if (argc > 1) {
			attach_usage(stderr);
			return EXIT_USAGE;
		}
		return discover_remote(a, argc ? argv[0] : NULL);
	}
	if (argc < 1 || argc > 2) {
		attach_usage(stderr);
		return EXIT_USAGE;
	}
	if (remote_parse(&a->o.session.remote, argv[0],
			 argc == 2 ? argv[1] : NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "rcand: %s\n", err);
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_attach(int argc, char **argv)
{
	struct attach_args *a = &A;
	int c, rc;

	defaults(a);
	while ((c = getopt_long(argc, argv, "n:t:fvh", opts, NULL)) != -1) {
		rc = parse_option(c, a);
		if (rc)
			return rc == O_HELP_DONE ? EXIT_OK : EXIT_USAGE;
	}
	log_init("rcand", a->verbose);
	if (a->o.session.heartbeat_ms >= a->o.session.timeout_ms) {
		fprintf(stderr,
			"rcand: --heartbeat must be shorter than --timeout\n");
		return EXIT_USAGE;
	}
	/* auto on an FD link: fingerprint the server after rawmode */
	a->o.session.fd_probe = a->o.fd && a->o.session.fd_dialect ==
						   PROTO_DIALECT_UNKNOWN;
	rc = find_remote(a, argc - optind, argv + optind);
	return rc ? rc : daemon_run(&a->o);
}
