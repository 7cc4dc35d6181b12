/* SPDX-License-Identifier: GPL-2.0 */
/* socketcand discovery beacons: the XML parser (pure) and the listener. */
#ifndef RCAND_BEACON_H
#define RCAND_BEACON_H

#include <stddef.h>
#include <stdint.h>

#define BEACON_PORT 42000
#define BEACON_MAX_BUSES 16
#define BEACON_DEFAULT_MS 3100

struct beacon {
	char name[64];
	char type[32];
	char description[128];
	char url[160]; /* as announced */
	char url_host[64]; /* host part of the URL */
	unsigned int port;
	char host[64]; /* the address to use (URL or UDP source) */
	int host_from_source; /* the URL's address was unusable */
	unsigned int nbuses;
	char buses[BEACON_MAX_BUSES][17];
};

/*
 * Parse one beacon payload. src is the UDP source address in text form
 * (may be NULL). Returns 0 or -1 when it is no CANBeacon.
 */
int beacon_parse(const char *buf, size_t n, const char *src, struct beacon *b);

/* An address a client can connect to (not 0.0.0.0, broadcast, multicast,
 * nor loopback when the beacon came from elsewhere). */
int beacon_host_usable(const char *host, const char *src);

/* Listening: a UDP socket on port 42000 shared with other listeners. */
int beacon_listen(unsigned int port);
/* Wait up to timeout_ms for one beacon; 0 got one, 1 timeout, -1 error. */
int beacon_recv(int fd, int timeout_ms, struct beacon *b);

/* Calls fn for each beacon for up to wait_ms, until fn returns non-zero.
 * Returns 0 when fn stopped it, 1 when the time was over, -1 (errno) when
 * the port cannot be listened on. */
int beacon_listen_for(uint32_t wait_ms,
		      int (*fn)(const struct beacon *b, void *arg), void *arg);

#endif
