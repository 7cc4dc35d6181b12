// SPDX-License-Identifier: GPL-2.0
/* Listening for socketcand beacons on UDP 42000, next to other listeners. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "beacon.h"
#include "now.h"

int beacon_listen(unsigned int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_ANY) };
	int one = 1, fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	/* Broadcasts reach every socket bound with SO_REUSEADDR, so rcand
	 * can listen while another program does. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int beacon_recv(int fd, int timeout_ms, struct beacon *b)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct sockaddr_in src;
	socklen_t sl = sizeof(src);
	char buf[2048], addr[INET_ADDRSTRLEN];
	ssize_t n;
	int rc;

	rc = poll(&p, 1, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 1 : -1;
	if (rc == 0)
		return 1;
	n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
		     (struct sockaddr *)&src, &sl);
	if (n < 0)
		return 1;
	inet_ntop(AF_INET, &src.sin_addr, addr, sizeof(addr));
	return beacon_parse(buf, (size_t)n, addr, b) < 0 ? 1 : 0;
}

int beacon_listen_for(uint32_t wait_ms,
		      int (*fn)(const struct beacon *b, void *arg), void *arg)
{
	long until = now_ms() + wait_ms;
	int fd = beacon_listen(BEACON_PORT), rc = 1;

	if (fd < 0)
		return -1;
	for (;;) {
		struct beacon b;
		long left = until - now_ms();
		int got;

		if (left <= 0)
			break;
		got = beacon_recv(fd, (int)left, &b);
		if (got < 0)
			break;
		if (got == 0 && fn(&b, arg)) {
			rc = 0;
			break;
		}
	}
	close(fd);
	return rc;
}
