// SPDX-License-Identifier: GPL-2.0
/*
 * rcand attach: find or create the netdev, become its owner, and pump
 * frames until told to stop. The netdev outlives sessions; whether it
 * outlives rcand is --keep (default) or --remove.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "beacon.h"
#include "cli.h"
#include "log.h"
#include "rcand.h"

static struct rcand R; /* big (queues, buffers): not on the stack */

static void attach_usage(FILE *f)
{
	fprintf(f,
		"Usage: rcand attach [OPTIONS] HOST[:PORT] BUS\n"
		"       rcand attach [OPTIONS] can://HOST[:PORT]/BUS\n"
		"       rcand attach [OPTIONS] --discover [BUS]\n"
		"\n"
		"Connect to a socketcand server and make its bus a local CAN netdev.\n"
		"\n"
		"  -n, --name IFNAME      netdev name or template (default can%%d); an existing\n"
		"                         rcan netdev of that name is taken back\n"
		"      --fd               create a CAN FD capable netdev, send FD frames\n"
		"      --keep             leave the netdev when rcand exits (default)\n"
		"      --remove           delete the netdev when rcand exits\n"
		"      --no-reconnect     exit when the session ends instead of reconnecting\n"
		"      --tcp-tune         TCP_NODELAY and TCP_QUICKACK on the session\n"
		"      --tx-rate N        send at most N frames per second\n"
		"      --tx-window N      frames in flight per netdev (kernel default 64)\n"
		"      --bittiming        forward 'ip link set ... bitrate' to the server\n"
		"      --heartbeat MS     send < echo > after MS of silence (default 1000)\n"
		"      --timeout MS       declare the server dead after MS of silence (5000)\n"
		"      --backoff MIN:MAX  reconnect delay bounds in ms (default 250:30000)\n"
		"      --discover         pick the server from discovery beacons\n"
		"  -t, --discover-time MS how long to wait for a beacon (default %d)\n"
		"      --ready-file FILE  write 'IFNAME IFINDEX URL' there once connected\n"
		"  -f, --foreground       stay in the foreground, log to stderr\n"
		"  -v, --verbose          more log lines\n"
		"  -h, --help             this text\n",
		BEACON_DEFAULT_MS);
}

static int parse_u32(const char *s, uint32_t *out, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v > 0xffffffffUL || *s == '-') {
		fprintf(stderr, "rcand: bad %s '%s'\n", what, s);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* --backoff MIN:MAX */
static int parse_backoff(const char *s, struct attach_opts *o)
{
	char *end;
	unsigned long lo, hi;

	errno = 0;
	lo = strtoul(s, &end, 10);
	if (errno || end == s || *end != ':' || lo == 0 || lo > 3600000)
		return -1;
	s = end + 1;
	hi = strtoul(s, &end, 10);
	if (errno || end == s || *end || hi < lo || hi > 3600000)
		return -1;
	o->backoff_min_ms = (uint32_t)lo;
	o->backoff_max_ms = (uint32_t)hi;
	return 0;
}

/* --discover: the first server announcing BUS (or any bus). */
static int discover_target(struct attach_opts *o, const char *bus,
			   uint32_t wait_ms)
{
	struct beacon b;
	long until = now_ms() + wait_ms;
	int fd = beacon_listen(BEACON_PORT);

	if (fd < 0) {
		fprintf(stderr,
			"rcand: cannot listen for beacons on UDP %d: %s\n",
			BEACON_PORT, strerror(errno));
		return EXIT_FAIL;
	}
	for (;;) {
		long left = until - now_ms();
		unsigned int i;
		int rc;

		if (left <= 0)
			break;
		rc = beacon_recv(fd, (int)left, &b);
		if (rc < 0)
			break;
		if (rc > 0)
			continue;
		for (i = 0; i < b.nbuses; i++) {
			if (bus && strcmp(bus, b.buses[i]))
				continue;
			close(fd);
			snprintf(o->remote.host, sizeof(o->remote.host), "%s",
				 b.host);
			o->remote.port = b.port;
			snprintf(o->remote.bus, sizeof(o->remote.bus), "%s",
				 b.buses[i]);
			log_info("discovered %s (%s) at %s:%u, bus %s", b.name,
				 b.description, b.host, b.port, b.buses[i]);
			return 0;
		}
	}
	close(fd);
	fprintf(stderr,
		"rcand: no socketcand server%s%s%s announced itself within %u ms\n",
		bus ? " with bus '" : "", bus ? bus : "", bus ? "'" : "",
		wait_ms);
	return EXIT_CONNECT;
}

static int nl_exit_code(int err)
{
	if (err == -ENOENT)
		return EXIT_NOMODULE;
	if (err == -EPERM || err == -EACCES)
		return EXIT_PERM;
	return EXIT_FAIL;
}

static void nl_error(const char *what, int err)
{
	if (err == -ENOENT)
		fprintf(stderr,
			"rcand: the rcan kernel module is not loaded (modprobe rcan)\n");
	else if (err == -EPERM || err == -EACCES)
		fprintf(stderr,
			"rcand: %s: permission denied (CAP_NET_ADMIN is needed; run as root)\n",
			what);
	else
		fprintf(stderr, "rcand: %s: %s\n", what, rnl_strerror(err));
}

struct find_arg {
	const char *url;
	struct rnl_link found;
	int have;
};

static int find_by_remote(const struct rnl_link *l, void *arg)
{
	struct find_arg *fa = arg;

	if (!fa->have && !l->attached && !strcmp(l->remote, fa->url)) {
		fa->found = *l;
		fa->have = 1;
	}
	return 0;
}

/* Take back a link we or a dead rcand made, or create one. */
static int setup_link(struct rcand *r)
{
	struct attach_opts *o = r->o;
	const char *name = o->ifname ? o->ifname : "can%d";
	uint32_t flags = (o->fd ? RCAN_LINK_F_FD : 0) |
			 (o->remove ? RCAN_LINK_F_REMOVE_ON_DETACH : 0);
	uint32_t idx = 0;
	int rc, taken = 0;

	if (!strchr(name, '%')) {
		idx = if_nametoindex(name);
		if (idx) {
			rc = rnl_link_get(&r->nl, idx, &r->link);
			if (rc < 0) {
				fprintf(stderr,
					"rcand: %s exists and is not an rcan netdev (%s)\n",
					name, rnl_strerror(rc));
				return EXIT_FAIL;
			}
		}
	} else {
		struct find_arg fa = { .url = r->url };

		rc = rnl_link_dump(&r->nl, find_by_remote, &fa);
		if (rc < 0) {
			nl_error("listing rcan links", rc);
			return nl_exit_code(rc);
		}
		if (fa.have)
			idx = fa.found.ifindex;
	}
	if (idx) {
		/* An owner killed a moment ago may still hold it briefly. */
		for (int tries = 0; tries < 20; tries++) {
			rc = rnl_link_attach(&r->nl, idx, &r->link);
			if (rc != -EBUSY)
				break;
			usleep(100000);
		}
		if (rc == -EBUSY) {
			fprintf(stderr,
				"rcand: %s is in use by another rcand\n",
				r->link.ifname[0] ? r->link.ifname : name);
			return EXIT_FAIL;
		}
		if (rc < 0) {
			nl_error("attaching the netdev", rc);
			return nl_exit_code(rc);
		}
		taken = 1;
	} else {
		r->created = 1;
		rc = rnl_link_new(&r->nl, name, flags, o->tx_window, 1,
				  &r->link);
		if (rc < 0) {
			nl_error("creating the netdev", rc);
			return nl_exit_code(rc);
		}
	}
	if (!r->link.ifindex)
		r->link.ifindex = idx;
	r->ifindex = r->link.ifindex;
	if (!r->link.ifname[0])
		if_indextoname(r->ifindex, r->link.ifname);
	snprintf(r->ifname, sizeof(r->ifname), "%s", r->link.ifname);
	if (r->link.has_seq) {
		/* nothing before the kernel's next seq is ours to confirm */
		r->have_last_seq = r->have_done_seq = 1;
		r->last_seq = r->done_seq = r->link.seq - 1;
	}
	if (o->fd && taken && !(r->link.flags & RCAN_LINK_F_FD))
		log_warn(
			"%s was created without --fd; it stays a classic CAN netdev",
			r->ifname);
	log_info("%s %s (ifindex %u) for %s", taken ? "took back" : "created",
		 r->ifname, r->ifindex, r->url);
	return 0;
}

/*
 * Create or take back the netdev, once: when the first session is up, or
 * when the first attempt failed in a way that will be retried. A bus the
 * server refuses, or a host that does not exist, leaves no netdev behind.
 * Returns 0 or an exit code.
 */
int attach_link(struct rcand *r)
{
	int rc;

	if (r->ifindex)
		return 0;
	rc = setup_link(r);
	if (rc)
		return rc;
	rc = rnl_subscribe_events(&r->nl);
	if (rc < 0)
		log_warn("no rcan events (bitrate changes, deletion): %s",
			 rnl_strerror(rc));
	rc = rnl_setup_datapath(&r->nl, 8 << 20);
	if (rc < 0)
		log_warn("netlink socket setup: %s", rnl_strerror(rc));
	return 0;
}

/* Fork; the parent waits for the first session's outcome and exits with
 * it, so `rcand attach` in a script fails visibly on a refused bus. */
static int daemonize(struct rcand *r)
{
	int p[2], status;
	pid_t pid;
	unsigned char code;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		char name[IF_NAMESIZE + 1];
		ssize_t n;

		close(p[1]);
		if (read(p[0], &code, 1) != 1) {
			waitpid(pid, &status, WNOHANG);
			exit(EXIT_FAIL);
		}
		n = read(p[0], name, IF_NAMESIZE);
		if (code == 0 && n > 0) {
			name[n] = 0;
			printf("%s\n", name);
		}
		exit(code);
	}
	close(p[0]);
	setsid();
	r->ready_fd = p[1];
	{
		int fd = open("/dev/null", O_RDWR);

		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			if (fd > 2)
				close(fd);
		}
	}
	return 0;
}

static void teardown(struct rcand *r, int code)
{
	int rc;

	if (r->fd >= 0) {
		int was_up = r->st == S_UP;

		close(r->fd);
		r->fd = -1;
		if (was_up)
			pump_session_down(r);
	}
	if (!r->ifindex || r->link_gone || r->taken_over)
		return;
	pump_fail_all(r, ENOTCONN);
	/* --remove on a netdev made without the remove-on-detach flag
	 * (taken back): delete it; with the flag, detaching removes it. */
	if (r->o->remove && !(r->link.flags & RCAN_LINK_F_REMOVE_ON_DETACH)) {
		rc = rnl_link_del(&r->nl, r->ifindex);
		if (rc < 0)
			log_err("%s: deleting the netdev: %s", r->ifname,
				rnl_strerror(rc));
		else
			log_info("%s deleted", r->ifname);
	} else {
		rnl_link_set(&r->nl, r->ifindex, 0, NULL);
		rc = rnl_link_detach(&r->nl, r->ifindex);
		if (rc < 0)
			log_err("%s: detaching: %s", r->ifname,
				rnl_strerror(rc));
		else
			log_info("%s detached%s (exit %d)", r->ifname,
				 r->o->remove ? " and removed" :
						", left in place",
				 code);
	}
}

int cmd_attach(int argc, char **argv)
{
	enum {
		O_FD = 256,
		O_KEEP,
		O_REMOVE,
		O_NORECONNECT,
		O_TCPTUNE,
		O_TXRATE,
		O_TXWIN,
		O_BT,
		O_HB,
		O_TIMEOUT,
		O_BACKOFF,
		O_DISCOVER,
		O_READY
	};
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "fd", no_argument, NULL, O_FD },
		{ "keep", no_argument, NULL, O_KEEP },
		{ "remove", no_argument, NULL, O_REMOVE },
		{ "no-reconnect", no_argument, NULL, O_NORECONNECT },
		{ "tcp-tune", no_argument, NULL, O_TCPTUNE },
		{ "tx-rate", required_argument, NULL, O_TXRATE },
		{ "tx-window", required_argument, NULL, O_TXWIN },
		{ "bittiming", no_argument, NULL, O_BT },
		{ "heartbeat", required_argument, NULL, O_HB },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "backoff", required_argument, NULL, O_BACKOFF },
		{ "discover", no_argument, NULL, O_DISCOVER },
		{ "discover-time", required_argument, NULL, 't' },
		{ "ready-file", required_argument, NULL, O_READY },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct attach_opts o;
	struct rcand *r = &R;
	uint32_t disc_ms = BEACON_DEFAULT_MS;
	int c, rc, discover = 0, verbose = 0;
	char err[256];

	memset(&o, 0, sizeof(o));
	o.reconnect = 1;
	o.heartbeat_ms = 1000;
	o.timeout_ms = 5000;
	o.backoff_min_ms = 250;
	o.backoff_max_ms = 30000;
	optind = 1;
	while ((c = getopt_long(argc, argv, "n:t:fvh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (strlen(optarg) >= IF_NAMESIZE) {
				fprintf(stderr,
					"rcand: interface name '%s' too long\n",
					optarg);
				return EXIT_USAGE;
			}
			o.ifname = optarg;
			break;
		case O_FD:
			o.fd = 1;
			break;
		case O_KEEP:
			o.remove = 0;
			break;
		case O_REMOVE:
			o.remove = 1;
			break;
		case O_NORECONNECT:
			o.reconnect = 0;
			break;
		case O_TCPTUNE:
			o.tcp_tune = 1;
			break;
		case O_TXRATE:
			if (parse_u32(optarg, &o.tx_rate, "--tx-rate") < 0)
				return EXIT_USAGE;
			break;
		case O_TXWIN:
			if (parse_u32(optarg, &o.tx_window, "--tx-window") <
				    0 ||
			    o.tx_window < 1 ||
			    o.tx_window > RCAN_TX_WINDOW_MAX) {
				fprintf(stderr, "rcand: --tx-window is 1..%d\n",
					RCAN_TX_WINDOW_MAX);
				return EXIT_USAGE;
			}
			break;
		case O_BT:
			o.bittiming = 1;
			break;
		case O_HB:
			if (parse_u32(optarg, &o.heartbeat_ms, "--heartbeat") <
				    0 ||
			    !o.heartbeat_ms)
				return EXIT_USAGE;
			break;
		case O_TIMEOUT:
			if (parse_u32(optarg, &o.timeout_ms, "--timeout") < 0 ||
			    !o.timeout_ms)
				return EXIT_USAGE;
			break;
		case O_BACKOFF:
			if (parse_backoff(optarg, &o) < 0) {
				fprintf(stderr,
					"rcand: --backoff wants MIN:MAX in ms\n");
				return EXIT_USAGE;
			}
			break;
		case O_DISCOVER:
			discover = 1;
			break;
		case 't':
			if (parse_u32(optarg, &disc_ms, "-t") < 0)
				return EXIT_USAGE;
			break;
		case O_READY:
			o.ready_file = optarg;
			break;
		case 'f':
			o.foreground = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			attach_usage(stdout);
			return EXIT_OK;
		default:
			attach_usage(stderr);
			return EXIT_USAGE;
		}
	}
	log_init("rcand", verbose);
	if (o.heartbeat_ms >= o.timeout_ms) {
		fprintf(stderr,
			"rcand: --heartbeat must be shorter than --timeout\n");
		return EXIT_USAGE;
	}
	if (discover) {
		const char *bus = optind < argc ? argv[optind] : NULL;

		if (argc - optind > 1) {
			attach_usage(stderr);
			return EXIT_USAGE;
		}
		rc = discover_target(&o, bus, disc_ms);
		if (rc)
			return rc;
	} else {
		if (argc - optind < 1 || argc - optind > 2) {
			attach_usage(stderr);
			return EXIT_USAGE;
		}
		if (remote_parse(&o.remote, argv[optind],
				 argc - optind == 2 ? argv[optind + 1] : NULL,
				 err, sizeof(err)) < 0) {
			fprintf(stderr, "rcand: %s\n", err);
			return EXIT_USAGE;
		}
	}

	memset(r, 0, sizeof(*r));
	r->o = &o;
	r->fd = -1;
	r->ready_fd = -1;
	remote_format(&o.remote, r->url, sizeof(r->url));
	backoff_init(&r->bo, o.backoff_min_ms, o.backoff_max_ms);
	srandom((unsigned int)(time(NULL) ^ getpid()));

	rc = rnl_open(&r->nl, pump_on_netlink, r);
	if (rc < 0) {
		nl_error("generic netlink", rc);
		return nl_exit_code(rc);
	}
	if (!o.foreground && daemonize(r) < 0) {
		fprintf(stderr, "rcand: fork: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	rc = pump_run(r);
	teardown(r, rc);
	pump_report_ready(r, rc);
	rnl_close(&r->nl);
	return rc;
}
