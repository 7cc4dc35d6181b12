// SPDX-License-Identifier: GPL-2.0
/* Parsing and printing of remote bus addresses (no I/O, unit-tested). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "remote.h"

/* A URL after its scheme, cut at '/' and '?'. */
struct url_parts {
	char hp[REMOTE_USER_MAX + REMOTE_HOST_MAX + 16]; /* [USER@]HOST[:PORT] */
	char bus[PROTO_BUS_MAX + 2]; /* one more: a name too long still shows */
	const char *query; /* after '?', or NULL */
};

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

static int url_split(const char *rest, struct url_parts *u)
{
	size_t n = strcspn(rest, "/?");

	if (n >= sizeof(u->hp))
		return -1;
	memcpy(u->hp, rest, n);
	u->hp[n] = 0;
	rest += n;
	u->bus[0] = 0;
	u->query = NULL;
	if (*rest == '/') {
		rest++;
		n = strcspn(rest, "?");
		/* cut short, proto_valid_bus() still refuses it */
		memcpy(u->bus, rest,
		       n < sizeof(u->bus) ? n : sizeof(u->bus) - 1);
		u->bus[n < sizeof(u->bus) ? n : sizeof(u->bus) - 1] = 0;
		rest += n;
	}
	if (*rest == '?')
		u->query = rest + 1;
	return 0;
}

/*
 * Host and user names go to ssh as arguments, and ssh may put them into a
 * shell command of the user's ssh_config (%h, %r in ProxyCommand or
 * Match exec): so letters, digits and a few punctuation marks only, and
 * no leading '-' that ssh would take for an option.
 */
static int name_ok(const char *s, const char *extra)
{
	if (!*s || *s == '-')
		return 0;
	for (; *s; s++) {
		char c = *s;

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && !strchr(extra, c))
			return 0;
	}
	return 1;
}

/* "[USER@]HOST[:SSHPORT]" and "?port=PORT" of an ssh:// URL. */
static int ssh_parse(struct remote *r, const struct url_parts *u, char *err,
		     size_t errsz)
{
	const char *at = strrchr(u->hp, '@');
	const char *hp = at ? at + 1 : u->hp;
	size_t n = at ? (size_t)(at - u->hp) : 0;

	r->transport = REMOTE_SSH;
	if (at && (n == 0 || n >= sizeof(r->user))) {
		snprintf(err, errsz, "bad user name in '%s'", u->hp);
		return -1;
	}
	memcpy(r->user, u->hp, n);
	r->user[n] = 0;
	if (at && !name_ok(r->user, "._-")) {
		snprintf(err, errsz,
			 "bad user name '%s': letters, digits, '.', '_', '-'",
			 r->user);
		return -1;
	}
	if (remote_parse_hostport(hp, r->host, sizeof(r->host), &r->ssh_port) <
		    0 ||
	    !name_ok(r->host, "._-:%")) {
		snprintf(err, errsz, "not a [USER@]HOST[:SSHPORT]: '%s'",
			 u->hp);
		return -1;
	}
	if (u->query && (strncmp(u->query, "port=", 5) ||
			 parse_port(u->query + 5, &r->port) < 0)) {
		snprintf(
			err, errsz,
			"bad URL option '?%s': ssh:// takes ?port=PORT (1 to 65535)",
			u->query);
		return -1;
	}
	return 0;
}

/* The URL's or the command line's HOST[:PORT] part, and the bus. */
static int split_target(const char *target, const char **bus,
			struct url_parts *u, char *err, size_t errsz)
{
	if (strncmp(target, "can://", 6) && strncmp(target, "ssh://", 6)) {
		if (strstr(target, "://")) {
			snprintf(err, errsz,
				 "unknown URL scheme in '%s': can:// or ssh://",
				 target);
			return -1;
		}
		if (strlen(target) >= sizeof(u->hp)) {
			snprintf(err, errsz, "address too long: %s", target);
			return -1;
		}
		strcpy(u->hp, target);
		u->query = NULL;
		return 0;
	}
	if (url_split(target + 6, u) < 0) {
		snprintf(err, errsz, "address too long: %s", target);
		return -1;
	}
	if (u->bus[0]) {
		if (*bus && strcmp(*bus, u->bus)) {
			snprintf(err, errsz,
				 "two bus names: '%s' in the URL and '%s'",
				 u->bus, *bus);
			return -1;
		}
		*bus = u->bus;
	}
	return 0;
}

int remote_parse(struct remote *r, const char *target, const char *bus,
		 char *err, size_t errsz)
{
	struct url_parts u;

	memset(r, 0, sizeof(*r));
	r->port = REMOTE_DEFAULT_PORT;
	if (split_target(target, &bus, &u, err, errsz) < 0)
		return -1;
	if (!strncmp(target, "ssh://", 6)) {
		if (ssh_parse(r, &u, err, errsz) < 0)
			return -1;
	} else if (u.query) {
		snprintf(err, errsz, "can:// takes no options: '?%s'", u.query);
		return -1;
	} else if (remote_parse_hostport(u.hp, r->host, sizeof(r->host),
					 &r->port) < 0) {
		snprintf(err, errsz, "not a HOST[:PORT]: '%s'", u.hp);
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

/* "ssh://USER@[::1]:22/can0?port=29536" */
static int format_ssh(const struct remote *r, char *buf, size_t size)
{
	char sp[12] = ""; /* ":65535", or the widest %u */
	int v6 = strchr(r->host, ':') != NULL;

	if (r->ssh_port)
		snprintf(sp, sizeof(sp), ":%u", r->ssh_port);
	return snprintf(buf, size, "ssh://%s%s%s%s%s%s/%s?port=%u", r->user,
			r->user[0] ? "@" : "", v6 ? "[" : "", r->host,
			v6 ? "]" : "", sp, r->bus, r->port);
}

int remote_format(const struct remote *r, char *buf, size_t size)
{
	int n;

	if (r->transport == REMOTE_SSH)
		n = format_ssh(r, buf, size);
	else if (strchr(r->host, ':'))
		n = snprintf(buf, size, "can://[%s]:%u/%s", r->host, r->port,
			     r->bus);
	else
		n = snprintf(buf, size, "can://%s:%u/%s", r->host, r->port,
			     r->bus);
	return n < 0 || (size_t)n >= size ? -1 : n;
}
