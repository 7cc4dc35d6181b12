// SPDX-License-Identifier: GPL-2.0
/*
 * The discovery beacon, in the daemon's exact XML: a newline after the
 * opening tag and none at the end.
 */
#include "server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int beacon_format(char *buf, size_t cap)
{
	const char *host = cfg.beacon_url_host;
	size_t len;
	int n;

	if (!host)
		host = (cfg.listen_addr && strcmp(cfg.listen_addr, "0.0.0.0")) ?
			       cfg.listen_addr : "127.0.0.1";
	n = snprintf(buf, cap,
		     "<CANBeacon name=\"%s\" type=\"SocketCAN\" description=\"socketcand\">\n"
		     "<URL>can://%s:%d</URL>",
		     cfg.name, host, cfg.port);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	len = (size_t)n;
	for (int i = 0; i < cfg.nbuses; i++) {
		n = snprintf(buf + len, cap - len, "<Bus name=\"%s\"/>",
			     cfg.buses[i]);
		if (n < 0 || (size_t)n >= cap - len)
			return -1;
		len += (size_t)n;
	}
	n = snprintf(buf + len, cap - len, "</CANBeacon>");
	if (n < 0 || (size_t)n >= cap - len)
		return -1;
	return (int)(len + (size_t)n);
}

int beacon_open(void)
{
	int one = 1;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	return s;
}

void beacon_send(int sock)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	char buf[2048];
	int n = beacon_format(buf, sizeof(buf));

	to.sin_port = htons((uint16_t)cfg.beacon_port);
	if (n < 0 || inet_pton(AF_INET, cfg.beacon_dest, &to.sin_addr) != 1)
		return;
	if (sendto(sock, buf, (size_t)n, 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		logmsg("beacon to %s: %m", cfg.beacon_dest);
}
