// SPDX-License-Identifier: GPL-2.0
/*
 * rcand serve: the command line (socketcand's option letters, so that a
 * socketcand command line keeps working), the configuration file, the
 * listening socket; then the loop (serve_loop.c) runs until SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "exitcode.h"
#include "log.h"
#include "serve.h"

#define SERVE_CONF "/etc/rcan/serve.conf"

#ifndef RCAND_VERSION
#define RCAND_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: rcand serve [OPTIONS] -i IF[,IF...]\n"
		"\n"
		"Serve CAN interfaces over TCP as socketcand 0.6.1 does (a drop-in).\n"
		"\n"
		"  -i, --interfaces IF,.. the CAN interfaces served (default vcan0)\n"
		"  -p, --port PORT        TCP port (default %d)\n"
		"  -l, --listen ADDR|IF   listen on this address or interface's address\n"
		"                         (default 127.0.0.1: loopback only)\n"
		"  -u, --afuxname NAME    listen on an AF_UNIX socket (abstract without '/')\n"
		"  -n, --no-beacon        send no discovery beacon\n"
		"  -e, --error-mask MASK  forward error frames of these classes\n"
		"  -q, --quickack         TCP_QUICKACK after each write\n"
		"  -d, --daemon           log to syslog\n"
		"  -v, --verbose          more log lines\n"
		"  -z, --version          rcand's version\n"
		"      --config FILE      read FILE first (default %s if it exists)\n"
		"      --max-clients N    clients at once (default %d)\n"
		"      --client-buffer B  bytes queued per client at most (default %zu)\n"
		"      --status-socket P  where `rcand list` asks (default\n"
		"                         /run/rcan/serve-PORT.sock when root)\n"
		"      --stats FILE       append counter lines per client (end, SIGUSR1)\n"
		"      --ready-file FILE  created once listening\n"
		"      --name NAME        the beacon's name (default: host name)\n"
		"      --beacon-interval MS, --beacon-dest ADDR, --beacon-port PORT,\n"
		"      --beacon-url-host HOST   the beacon's period, address and URL\n"
		"  -h, --help             this text\n",
		SERVE_PORT, SERVE_CONF, SERVE_MAX_CLIENTS, SERVE_OUT_MAX);
}

static int set_buses(struct serve_cfg *c, const char *list)
{
	const char *p = list;

	c->nbuses = 0;
	while (*p) {
		size_t n = strcspn(p, ",");

		if (n == 0 || n >= IFNAMSIZ || n > PROTO_BUS_MAX ||
		    c->nbuses == SERVE_MAX_BUSES) {
			fprintf(stderr,
				"rcand serve: bad interface list '%s'\n", list);
			return -1;
		}
		memcpy(c->buses[c->nbuses], p, n);
		c->buses[c->nbuses++][n] = '\0';
		p += n + (p[n] == ',');
	}
	return c->nbuses ? 0 : -1;
}

static int number(const char *s, uint32_t *out, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > UINT32_MAX) {
		fprintf(stderr, "rcand serve: bad %s '%s'\n", what, s);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

enum {
	OPT_CONFIG = 256,
	OPT_MAX_CLIENTS,
	OPT_CLIENT_BUFFER,
	OPT_STATUS,
	OPT_STATS,
	OPT_READY,
	OPT_NAME,
	OPT_BINTERVAL,
	OPT_BDEST,
	OPT_BPORT,
	OPT_BURL,
};

static const struct option opts[] = {
	{ "verbose", no_argument, 0, 'v' },
	{ "interfaces", required_argument, 0, 'i' },
	{ "port", required_argument, 0, 'p' },
	{ "afuxname", required_argument, 0, 'u' },
	{ "listen", required_argument, 0, 'l' },
	{ "daemon", no_argument, 0, 'd' },
	{ "version", no_argument, 0, 'z' },
	{ "no-beacon", no_argument, 0, 'n' },
	{ "error-mask", required_argument, 0, 'e' },
	{ "quickack", no_argument, 0, 'q' },
	{ "help", no_argument, 0, 'h' },
	{ "config", required_argument, 0, OPT_CONFIG },
	{ "max-clients", required_argument, 0, OPT_MAX_CLIENTS },
	{ "client-buffer", required_argument, 0, OPT_CLIENT_BUFFER },
	{ "status-socket", required_argument, 0, OPT_STATUS },
	{ "stats", required_argument, 0, OPT_STATS },
	{ "ready-file", required_argument, 0, OPT_READY },
	{ "name", required_argument, 0, OPT_NAME },
	{ "beacon-interval", required_argument, 0, OPT_BINTERVAL },
	{ "beacon-dest", required_argument, 0, OPT_BDEST },
	{ "beacon-port", required_argument, 0, OPT_BPORT },
	{ "beacon-url-host", required_argument, 0, OPT_BURL },
	{ 0, 0, 0, 0 },
};

/* One option, from the command line or the configuration file. */
static int apply(struct serve_cfg *c, int opt, const char *arg)
{
	uint32_t v;

	switch (opt) {
	case 'v':
		c->verbose++;
		return 0;
	case 'i':
		return set_buses(c, arg);
	case 'p':
		if (number(arg, &v, "port") || !v || v > 65535)
			return -1;
		c->port = v;
		return 0;
	case 'u':
		c->afux = arg;
		return 0;
	case 'l':
		snprintf(c->listen, sizeof(c->listen), "%s", arg);
		return 0;
	case 'd':
		c->syslog = 1;
		return 0;
	case 'n':
		c->beacon = 0;
		return 0;
	case 'e':
		return number(arg, &c->err_mask, "error mask");
	case 'q':
		c->quickack = 1;
		return 0;
	case OPT_MAX_CLIENTS:
		if (number(arg, &v, "client limit") || !v)
			return -1;
		c->max_clients = v;
		return 0;
	case OPT_CLIENT_BUFFER:
		if (number(arg, &v, "client buffer") || v < 4096)
			return -1;
		c->out_max = v;
		return 0;
	case OPT_STATUS:
		c->status_path = arg;
		return 0;
	case OPT_STATS:
		c->stats_file = arg;
		return 0;
	case OPT_READY:
		c->ready_file = arg;
		return 0;
	case OPT_NAME:
		snprintf(c->name, sizeof(c->name), "%s", arg);
		return 0;
	case OPT_BINTERVAL:
		if (number(arg, &v, "beacon interval") || !v)
			return -1;
		c->beacon_ms = v;
		return 0;
	case OPT_BDEST:
		snprintf(c->beacon_dest, sizeof(c->beacon_dest), "%s", arg);
		return 0;
	case OPT_BPORT:
		if (number(arg, &v, "beacon port") || !v || v > 65535)
			return -1;
		c->beacon_port = v;
		return 0;
	case OPT_BURL:
		snprintf(c->beacon_host, sizeof(c->beacon_host), "%s", arg);
		return 0;
	}
	return -1;
}

/*
 * The configuration file: "KEY = VALUE" lines, '#' comments, each KEY a
 * long option (interfaces, port, listen, error-mask, max-clients, ...);
 * for options without a value, VALUE is yes or no. The command line wins
 * over it. Values are kept: the strings stay for the whole run.
 */
static int read_conf(struct serve_cfg *c, const char *path, int must)
{
	static char lines[64][256];
	FILE *f = fopen(path, "r");
	int ln = 0, bad = 0;

	if (!f) {
		if (!must && errno == ENOENT)
			return 0;
		fprintf(stderr, "rcand serve: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (ln < 64 && fgets(lines[ln], sizeof(lines[ln]), f)) {
		char *l = lines[ln], *eq, *key, *val, *e;
		const struct option *o;

		l[strcspn(l, "#\n")] = '\0';
		eq = strchr(l, '=');
		key = l + strspn(l, " \t");
		if (!*key)
			continue;
		if (!eq) {
			fprintf(stderr, "rcand serve: %s: no '=' in '%s'\n",
				path, key);
			bad = 1;
			continue;
		}
		*eq = '\0';
		for (e = eq; e > key && (e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		val = eq + 1 + strspn(eq + 1, " \t");
		for (e = val + strlen(val);
		     e > val && (e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		for (o = opts; o->name && strcmp(o->name, key); o++)
			;
		if (!o->name || o->val == OPT_CONFIG || o->val == 'h' ||
		    o->val == 'z') {
			fprintf(stderr, "rcand serve: %s: unknown key '%s'\n",
				path, key);
			bad = 1;
			continue;
		}
		if (o->has_arg == no_argument) {
			if (!strcmp(val, "no"))
				continue;
			if (strcmp(val, "yes")) {
				fprintf(stderr,
					"rcand serve: %s: %s = yes or no\n",
					path, key);
				bad = 1;
				continue;
			}
		}
		if (apply(c, o->val, val) < 0) {
			fprintf(stderr, "rcand serve: %s: bad value for %s\n",
				path, key);
			bad = 1;
		}
		ln++;
	}
	fclose(f);
	return bad ? -1 : 0;
}

static int listen_unix(const char *name)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len = sizeof(a);
	int fd;

	if (strlen(name) > sizeof(a.sun_path) - 3)
		return -1;
	/* as the daemon: a leading '/' is a path, else an abstract name */
	if (name[0] == '/') {
		strcpy(a.sun_path, name);
		unlink(name);
	} else {
		strcpy(a.sun_path + 1, name);
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				  strlen(name));
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, len) < 0 || listen(fd, 64) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int listen_tcp(const char *addr, unsigned int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };
	int one = 1, fd;

	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* Fix: the daemon sets none, and cannot listen again for a minute
	 * after a restart while old connections are in TIME_WAIT. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 128) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* systemd's RuntimeDirectory= (rcand-serve.service), or /run/rcan for
 * root: where `rcand list --serve` looks. */
static void default_status(struct serve_cfg *c, char *buf, size_t size)
{
	const char *dir = getenv("RUNTIME_DIRECTORY");

	if (c->status_path || (!dir && geteuid() != 0))
		return;
	if (!dir) {
		dir = "/run/rcan";
		mkdir(dir, 0755);
	}
	snprintf(buf, size, "%s/serve-%u.sock", dir, c->port);
	c->status_path = buf;
}

static int start(struct serve *s)
{
	char addr[64], bcast[64];
	static char status[108];

	if (serve_listen_addr(s->cfg.listen, addr, sizeof(addr), bcast,
			      sizeof(bcast)) < 0) {
		fprintf(stderr, "rcand serve: no IPv4 address for '%s'\n",
			s->cfg.listen);
		return EXIT_USAGE;
	}
	if (!s->cfg.beacon_dest[0])
		snprintf(s->cfg.beacon_dest, sizeof(s->cfg.beacon_dest), "%s",
			 bcast);
	snprintf(s->url_host, sizeof(s->url_host), "%s",
		 s->cfg.beacon_host[0] ? s->cfg.beacon_host : addr);
	s->lfd = s->cfg.afux ? listen_unix(s->cfg.afux) :
			       listen_tcp(addr, s->cfg.port);
	if (s->lfd < 0) {
		fprintf(stderr, "rcand serve: cannot listen on %s: %s\n",
			s->cfg.afux ? s->cfg.afux : addr, strerror(errno));
		return EXIT_FAILURE;
	}
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	s->beacon_fd = -1;
	if (s->ep < 0)
		return EXIT_FAILURE;
	if (s->cfg.beacon && serve_beacon_open(s) < 0)
		log_warn("serve: no beacon: %s", strerror(errno));
	default_status(&s->cfg, status, sizeof(status));
	serve_status_open(s);
	log_info("serve: %s:%u, %d interface(s), beacon %s", addr, s->cfg.port,
		 s->cfg.nbuses, s->beacon_fd >= 0 ? s->cfg.beacon_dest : "off");
	if (s->cfg.ready_file) {
		int fd = open(s->cfg.ready_file,
			      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd >= 0)
			close(fd);
	}
	return serve_run(s) < 0 ? EXIT_FAILURE : EXIT_OK;
}

int cmd_serve(int argc, char **argv)
{
	static struct serve s;
	const char *conf = NULL;
	int c, rc;

	memset(&s, 0, sizeof(s));
	s.cfg.port = SERVE_PORT;
	s.cfg.beacon = 1;
	s.cfg.beacon_ms = 3000;
	s.cfg.beacon_port = 42000;
	s.cfg.max_clients = SERVE_MAX_CLIENTS;
	s.cfg.out_max = SERVE_OUT_MAX;
	snprintf(s.cfg.description, sizeof(s.cfg.description), "socketcand");
	set_buses(&s.cfg, "vcan0");

	/* the file first, so the command line wins */
	for (c = 1; c < argc; c++)
		if (!strcmp(argv[c], "--config") && c + 1 < argc)
			conf = argv[c + 1];
		else if (!strncmp(argv[c], "--config=", 9))
			conf = argv[c] + 9;
	if (read_conf(&s.cfg, conf ? conf : SERVE_CONF, !!conf) < 0)
		return EXIT_USAGE;
	while ((c = getopt_long(argc, argv, "vi:p:u:l:dzne:qh", opts, NULL)) !=
	       -1) {
		if (c == 'h') {
			usage(stdout);
			return EXIT_OK;
		}
		if (c == 'z') {
			printf("rcand %s\n", RCAND_VERSION);
			return EXIT_OK;
		}
		if (c == OPT_CONFIG)
			continue;
		if (c == '?' || apply(&s.cfg, c, optarg) < 0) {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	log_init("rcand-serve", s.cfg.verbose);
	if (s.cfg.syslog)
		log_to_syslog();
	rc = start(&s);
	if (s.cfg.status_path && s.status_fd >= 0)
		unlink(s.cfg.status_path);
	return rc;
}
