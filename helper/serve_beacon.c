// SPDX-License-Identifier: GPL-2.0
/*
 * Where rcand serve listens, and its discovery beacon: the daemon's XML
 * (proto_format_beacon()) as a UDP datagram to port 42000 every 3 s.
 *
 * -l takes an address or an interface name, as the daemon's takes an
 * interface. Without -l the server listens on loopback only, where the
 * daemon listens on every address: a server that hands out its CAN
 * buses to anyone who can reach the port must be opened on purpose.
 * On loopback the beacon goes to 127.0.0.1 (a broadcast would leave the
 * box for nothing); elsewhere to the interface's broadcast address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "serve.h"

static void ntop(const struct sockaddr *sa, char *buf, size_t size)
{
	const struct sockaddr_in *in = (const void *)sa;

	if (!sa || sa->sa_family != AF_INET ||
	    !inet_ntop(AF_INET, &in->sin_addr, buf, (socklen_t)size))
		snprintf(buf, size, "%s", "");
}

int serve_listen_addr(const char *spec, char *addr, size_t asz, char *bcast,
		      size_t bsz)
{
	struct ifaddrs *ifs, *i;
	struct in_addr a;
	int found = -1;

	if (!*spec)
		spec = "127.0.0.1";
	if (inet_pton(AF_INET, spec, &a) == 1) {
		snprintf(addr, asz, "%s", spec);
		snprintf(bcast, bsz, "%s",
			 (ntohl(a.s_addr) >> 24) == 127 ? "127.0.0.1" :
			 a.s_addr == INADDR_ANY		? "255.255.255.255" :
							  "");
	} else {
		addr[0] = bcast[0] = '\0';
	}
	if (getifaddrs(&ifs) < 0)
		return addr[0] ? 0 : -1;
	for (i = ifs; i && found < 0; i = i->ifa_next) {
		char here[INET_ADDRSTRLEN];

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		ntop(i->ifa_addr, here, sizeof(here));
		if (addr[0] ? strcmp(here, addr) : strcmp(i->ifa_name, spec))
			continue;
		snprintf(addr, asz, "%s", here);
		if (!bcast[0] && (i->ifa_flags & IFF_BROADCAST))
			ntop(i->ifa_broadaddr, bcast, bsz);
		if (!bcast[0] && (i->ifa_flags & IFF_LOOPBACK))
			snprintf(bcast, bsz, "%s", "127.0.0.1");
		found = 0;
	}
	freeifaddrs(ifs);
	if (!addr[0])
		return -1;
	if (!bcast[0])
		snprintf(bcast, bsz, "%s", "255.255.255.255");
	return 0;
}

int serve_beacon_open(struct serve *s)
{
	int one = 1, fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	s->beacon_fd = fd;
	return 0;
}

void serve_beacon_send(struct serve *s)
{
	const char *buses[SERVE_MAX_BUSES];
	char buf[PROTO_BEACON_MAX], name[65] = "";
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port =
					  htons((uint16_t)s->cfg.beacon_port) };
	int i, n;

	for (i = 0; i < s->cfg.nbuses; i++)
		buses[i] = s->cfg.buses[i];
	if (s->cfg.name[0])
		snprintf(name, sizeof(name), "%s", s->cfg.name);
	else
		gethostname(name, sizeof(name) - 1);
	n = proto_format_beacon(buf, sizeof(buf), name, s->cfg.description,
				s->url_host, s->cfg.port, buses,
				(unsigned int)s->cfg.nbuses);
	if (n < 0 || inet_pton(AF_INET, s->cfg.beacon_dest, &to.sin_addr) != 1)
		return;
	if (sendto(s->beacon_fd, buf, (size_t)n, 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		log_debug("serve: beacon to %s: %s", s->cfg.beacon_dest,
			  strerror(errno));
}
