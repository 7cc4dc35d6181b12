// SPDX-License-Identifier: GPL-2.0
/* Parsing and printing of remote bus addresses (no I/O, unit-tested). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "remote.h"

static int parse_port(const char *s, unsigned int *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v == 0 || v > 65535)
		return -1;
	*port = (unsigned int)v;
	return 0;
}

int remote_parse_hostport(const char *s, char *host, size_t hostsz,
			  unsigned int *port)
{
	const char *colon, *hend;
	size_t hn;

	if (*s == '[') {
		hend = strchr(s, ']');
		if (!hend)
			return -1;
		s++;
		colon = hend[1] == ':' ? hend + 1 : NULL;
		if (hend[1] && !colon)
			return -1;
	} else {
		colon = strchr(s, ':');
		/* A bare IPv6 literal has several colons and no port. */
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;
		hend = colon ? colon : s + strlen(s);
	}
	hn = (size_t)(hend - s);
	if (hn == 0 || hn >= hostsz)
		return -1;
	memcpy(host, s, hn);
	host[hn] = 0;
	if (colon && parse_port(colon + 1, port) < 0)
		return -1;
	return 0;
}

int remote_parse(struct remote *r, const char *target, const char *bus,
		 char *err, size_t errsz)
{
	char hp[REMOTE_HOST_MAX + 16];
	const char *slash = NULL;

	memset(r, 0, sizeof(*r));
	r->port = REMOTE_DEFAULT_PORT;
	if (strncmp(target, "can://", 6) == 0) {
		const char *rest = target + 6;
		size_t n;

		slash = strchr(rest, '/');
		n = slash ? (size_t)(slash - rest) : strlen(rest);
		if (n >= sizeof(hp)) {
			snprintf(err, errsz, "address too long: %s", target);
			return -1;
		}
		memcpy(hp, rest, n);
		hp[n] = 0;
		if (slash && slash[1]) {
			if (bus && strcmp(bus, slash + 1)) {
				snprintf(
					err, errsz,
					"two bus names: '%s' in the URL and '%s'",
					slash + 1, bus);
				return -1;
			}
			bus = slash + 1;
		}
	} else {
		if (strlen(target) >= sizeof(hp)) {
			snprintf(err, errsz, "address too long: %s", target);
			return -1;
		}
		strcpy(hp, target);
	}
	if (remote_parse_hostport(hp, r->host, sizeof(r->host), &r->port) < 0) {
		snprintf(err, errsz, "not a HOST[:PORT]: '%s'", hp);
		return -1;
	}
	if (!bus || !*bus) {
		snprintf(err, errsz, "no bus name given (e.g. can0)");
		return -1;
	}
	if (!proto_valid_bus(bus)) {
		snprintf(
			err, errsz,
			"bad bus name '%s': 1 to %d characters, no spaces or <>",
			bus, PROTO_BUS_MAX);
		return -1;
	}
	strcpy(r->bus, bus);
	return 0;
}

int remote_format(const struct remote *r, char *buf, size_t size)
{
	int n;

	if (strchr(r->host, ':'))
		n = snprintf(buf, size, "can://[%s]:%u/%s", r->host, r->port,
			     r->bus);
	else
		n = snprintf(buf, size, "can://%s:%u/%s", r->host, r->port,
			     r->bus);
	return n < 0 || (size_t)n >= size ? -1 : n;
}
