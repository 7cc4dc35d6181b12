/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the bus is: "HOST[:PORT] BUS", "can://HOST[:PORT]/BUS" or
 * "ssh://[USER@]HOST[:SSHPORT]/BUS[?port=PORT]". Pure.
 */
#ifndef RCAND_REMOTE_H
#define RCAND_REMOTE_H

#include <stddef.h>

#define REMOTE_DEFAULT_PORT 29536
#define REMOTE_HOST_MAX 256
#define REMOTE_USER_MAX 64

enum remote_transport {
	REMOTE_TCP, /* a TCP connection of our own to HOST:PORT */
	REMOTE_SSH, /* ssh -W 127.0.0.1:PORT to HOST (session_ssh.c) */
};

struct remote {
	enum remote_transport transport;
	char host[REMOTE_HOST_MAX]; /* without IPv6 brackets */
	/* socketcand's port; over ssh, on the ssh server's 127.0.0.1 */
	unsigned int port;
	char bus[17];
	char user[REMOTE_USER_MAX]; /* ssh: "" leaves the login to ssh */
	unsigned int ssh_port; /* ssh: 0 leaves the port to ssh */
};

/*
 * Fill r from the attach arguments: either one "can://HOST[:PORT]/BUS" or
 * "ssh://[USER@]HOST[:SSHPORT]/BUS[?port=PORT]" (bus may be NULL then),
 * or "HOST[:PORT]" and bus. IPv6 literals go in brackets:
 * "[fe80::1]:29536". Returns 0, or -1 with a message in err.
 */
int remote_parse(struct remote *r, const char *target, const char *bus,
		 char *err, size_t errsz);

/* Split "HOST[:PORT]" only; port keeps its value when absent. */
int remote_parse_hostport(const char *s, char *host, size_t hostsz,
			  unsigned int *port);

/* The URL: "can://HOST:PORT/BUS" (the RCAN_ATTR_REMOTE / ifalias form) or
 * "ssh://[USER@]HOST[:SSHPORT]/BUS?port=PORT". */
int remote_format(const struct remote *r, char *buf, size_t size);

#endif
