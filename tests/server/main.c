// SPDX-License-Identifier: GPL-2.0
/*
 * rcan-testserver: serves CAN interfaces (usually vcan) over TCP the way
 * socketcand does, announces them with UDP beacons, and misbehaves on
 * request. One process per client, like the daemon. See README.md.
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct config cfg = {
	.listen_addr = "0.0.0.0",
	.port = 29536,
	.beacon = true,
	.beacon_interval_ms = 3000,
	.beacon_dest = "255.255.255.255",
	.beacon_port = 42000,
};

static volatile sig_atomic_t stop_wanted, usr1_wanted;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		usr1_wanted = 1;
	else
		stop_wanted = 1;
}

static void usage(FILE *f)
{
	fputs("usage: rcan-testserver -i IF[,IF...] [-p PORT] [-l ADDR]\n"
	      "  [--beacon-interval MS] [--no-beacon] [--beacon-dest ADDR]\n"
	      "  [--beacon-port PORT] [--beacon-url-host HOST] [--name NAME]\n"
	      "  [-e ERRMASK] [--bittiming] [--daemon-io] [--stats FILE]\n"
	      "  [--ready-file FILE]\n"
	      "  [--fault SPEC]... [--fault-sessions N] [-v]\n"
	      "  [--fd-dialect none|rawmode-canfd|pr33|frame|frame-nofd]\n"
	      "faults: close-after-frames=N close-after-ms=N stall=START:MS\n"
	      "  refuse-bus=NAME garbage unterminated oversize split=BYTES\n"
	      "  coalesce=N slow-handshake=MS enobufs-after=N\n", f);
}

/* A whole non-negative number, or exit: a typo must not become 0. */
static long num(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < 0) {
		fprintf(stderr, "rcan-testserver: bad number '%s' for %s\n", s, what);
		exit(2);
	}
	return v;
}

static enum fd_dialect parse_dialect(const char *name)
{
	static const char *const names[] = {
		[FD_NONE] = "none",
		[FD_RAWMODE_CANFD] = "rawmode-canfd",
		[FD_PR33] = "pr33",
		[FD_FRAME] = "frame",
		[FD_FRAME_NOFD] = "frame-nofd",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return (enum fd_dialect)i;
	fprintf(stderr, "rcan-testserver: unknown FD dialect '%s'\n", name);
	exit(2);
}

static int parse_fault(const char *spec)
{
	struct faults *ft = &cfg.faults;
	const char *eq = strchr(spec, '=');
	const char *v = eq ? eq + 1 : "";
	size_t klen = eq ? (size_t)(eq - spec) : strlen(spec);

#define KEY(k) (klen == strlen(k) && !strncmp(spec, k, klen))
	if (KEY("close-after-frames"))
		ft->close_after_frames = num(v, "close-after-frames");
	else if (KEY("close-after-ms"))
		ft->close_after_ms = num(v, "close-after-ms");
	else if (KEY("stall")) {
		char start[32];
		const char *colon = strchr(v, ':');

		if (!colon || (size_t)(colon - v) >= sizeof(start))
			return -1;
		snprintf(start, sizeof(start), "%.*s", (int)(colon - v), v);
		ft->stall_start_ms = num(start, "stall start");
		ft->stall_ms = num(colon + 1, "stall duration");
	} else if (KEY("refuse-bus"))
		snprintf(ft->refuse_bus, sizeof(ft->refuse_bus), "%s", v);
	else if (KEY("garbage"))
		ft->garbage = true;
	else if (KEY("unterminated"))
		ft->unterminated = true;
	else if (KEY("oversize"))
		ft->oversize = true;
	else if (KEY("split"))
		ft->split = num(v, "split");
	else if (KEY("coalesce"))
		ft->coalesce = num(v, "coalesce");
	else if (KEY("slow-handshake"))
		ft->slow_handshake_ms = num(v, "slow-handshake");
	else if (KEY("enobufs-after"))
		ft->enobufs_after = num(v, "enobufs-after");
	else
		return -1;
#undef KEY
	return 0;
}

static void parse_buses(char *list)
{
	for (char *b = strtok(list, ","); b; b = strtok(NULL, ",")) {
		if (cfg.nbuses == MAX_BUSES || strlen(b) > BUS_NAME_MAX) {
			fprintf(stderr, "rcan-testserver: bad bus list\n");
			exit(2);
		}
		snprintf(cfg.buses[cfg.nbuses++], BUS_NAME_MAX + 1, "%s", b);
	}
}

static int listen_on(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int one = 1;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_port = htons((uint16_t)cfg.port);
	if (s < 0 || inet_pton(AF_INET, cfg.listen_addr, &a.sin_addr) != 1)
		return -1;
	/* The daemon has no SO_REUSEADDR, but tests restart servers on
	 * the same port at once; TIME_WAIT is not what they test.
	 */
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 16))
		return -1;
	return s;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, 0, 'p' },
		{ "listen", required_argument, 0, 'l' },
		{ "interfaces", required_argument, 0, 'i' },
		{ "beacon-interval", required_argument, 0, 'B' },
		{ "no-beacon", no_argument, 0, 'n' },
		{ "beacon-dest", required_argument, 0, 'D' },
		{ "beacon-port", required_argument, 0, 'P' },
		{ "beacon-url-host", required_argument, 0, 'U' },
		{ "name", required_argument, 0, 'N' },
		{ "bittiming", no_argument, 0, 'b' },
		{ "daemon-io", no_argument, 0, 'I' },
		{ "stats", required_argument, 0, 'S' },
		{ "ready-file", required_argument, 0, 'R' },
		{ "fault", required_argument, 0, 'F' },
		{ "fault-sessions", required_argument, 0, 'f' },
		{ "fd-dialect", required_argument, 0, 'd' },
		{ "verbose", no_argument, 0, 'v' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	struct sigaction sa = { .sa_handler = on_signal };
	long sessions = 0;
	long long next_beacon = 0;
	int c, lfd, bfd = -1;

	/* Own process group: shutdown and SIGUSR1 reach exactly our sessions. */
	setpgid(0, 0);
	gethostname(cfg.name, sizeof(cfg.name) - 1);
	while ((c = getopt_long(argc, argv, "p:l:i:e:nvh", opts, NULL)) != -1) {
		switch (c) {
		case 'p': cfg.port = (int)num(optarg, "--port"); break;
		case 'l': cfg.listen_addr = optarg; break;
		case 'i': parse_buses(optarg); break;
		case 'e': cfg.err_mask = (uint32_t)num(optarg, "-e"); break;
		case 'B': cfg.beacon_interval_ms = num(optarg, "--beacon-interval"); break;
		case 'n': cfg.beacon = false; break;
		case 'D': cfg.beacon_dest = optarg; break;
		case 'P': cfg.beacon_port = (int)num(optarg, "--beacon-port"); break;
		case 'U': cfg.beacon_url_host = optarg; break;
		case 'N': snprintf(cfg.name, sizeof(cfg.name), "%s", optarg); break;
		case 'b': cfg.bittiming = true; break;
		case 'I': cfg.daemon_io = true; break;
		case 'S': cfg.stats_file = optarg; break;
		case 'R': cfg.ready_file = optarg; break;
		case 'F':
			if (parse_fault(optarg)) {
				fprintf(stderr, "rcan-testserver: unknown fault '%s'\n", optarg);
				return 2;
			}
			break;
		case 'f': cfg.faults.sessions = num(optarg, "--fault-sessions"); break;
		case 'd': cfg.fd_dialect = parse_dialect(optarg); break;
		case 'v': cfg.verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!cfg.nbuses) {
		usage(stderr);
		return 2;
	}
	lfd = listen_on();
	if (lfd < 0) {
		fprintf(stderr, "rcan-testserver: cannot listen on %s:%d: %m\n",
			cfg.listen_addr, cfg.port);
		return 1;
	}
	if (cfg.beacon)
		bfd = beacon_open();
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	if (cfg.ready_file) {
		int fd = open(cfg.ready_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0)
			close(fd);
	}

	while (!stop_wanted) {
		struct pollfd p = { lfd, POLLIN, 0 };
		long long now = now_ms();

		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (usr1_wanted) {
			usr1_wanted = 0;
			signal(SIGUSR1, SIG_IGN);
			kill(0, SIGUSR1);	/* every session writes a snapshot */
			sigaction(SIGUSR1, &sa, NULL);
		}
		if (bfd >= 0 && now >= next_beacon) {
			beacon_send(bfd);
			next_beacon = now + cfg.beacon_interval_ms;
		}
		if (poll(&p, 1, 100) <= 0)
			continue;
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0)
			continue;
		int one = 1;

		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		sessions++;
		pid_t pid = fork();

		if (pid == 0) {
			bool faulty = !cfg.faults.sessions ||
				      sessions <= cfg.faults.sessions;

			close(lfd);
			if (bfd >= 0)
				close(bfd);
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			return session_run(fd, sessions, faulty);
		}
		close(fd);
	}
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	while (wait(NULL) > 0)
		;
	return 0;
}
