/* SPDX-License-Identifier: GPL-2.0 */
/* Where the bus is: "HOST[:PORT] BUS" or "can://HOST[:PORT]/BUS". Pure. */
#ifndef RCAND_REMOTE_H
#define RCAND_REMOTE_H

#include <stddef.h>

#define REMOTE_DEFAULT_PORT 29536
#define REMOTE_HOST_MAX 256

struct remote {
	char host[REMOTE_HOST_MAX]; /* without IPv6 brackets */
	unsigned int port;
	char bus[17];
};

/*
 * Fill r from the attach arguments: either one "can://HOST[:PORT]/BUS" (bus
 * may be NULL then) or "HOST[:PORT]" and bus. IPv6 literals go in
 * brackets: "[fe80::1]:29536". Returns 0, or -1 with a message in err.
 */
int remote_parse(struct remote *r, const char *target, const char *bus,
		 char *err, size_t errsz);

/* Split "HOST[:PORT]" only; port keeps its value when absent. */
int remote_parse_hostport(const char *s, char *host, size_t hostsz,
			  unsigned int *port);

/* "can://HOST:PORT/BUS", the RCAN_ATTR_REMOTE / ifalias form. */
int remote_format(const struct remote *r, char *buf, size_t size);

#endif
