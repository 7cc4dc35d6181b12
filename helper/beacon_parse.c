// SPDX-License-Identifier: GPL-2.0
/*
 * The beacon is a tiny fixed XML document, not worth an XML library:
 *   <CANBeacon name="H" type="SocketCAN" description="socketcand">
 *   <URL>can://10.0.16.15:29536</URL><Bus name="can0"/>...</CANBeacon>
 * Attributes are found by name; anything unexpected makes the beacon
 * invalid rather than half-parsed.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "beacon.h"
#include "proto.h"
#include "remote.h"

/* memmem on a bounded buffer, for a NUL-terminated needle */
static const char *find(const char *h, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; h + n <= end; h++)
		if (memcmp(h, needle, n) == 0)
			return h;
	return NULL;
}

/* attr="value" inside [tag, tag_end); XML entities are left as they are. */
static int get_attr(const char *tag, const char *tag_end, const char *attr,
		    char *out, size_t outsz)
{
	char pat[32];
	const char *p, *q;

	snprintf(pat, sizeof(pat), " %s=\"", attr);
	p = find(tag, tag_end, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	q = memchr(p, '"', (size_t)(tag_end - p));
	if (!q || (size_t)(q - p) >= outsz)
		return -1;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = 0;
	return 0;
}

int beacon_host_usable(const char *host, const char *src)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (!*host)
		return 0;
	if (inet_pton(AF_INET, host, &a4) == 1) {
		uint32_t a = ntohl(a4.s_addr);

		if (a == 0 || a == 0xffffffffU || (a >> 28) == 0xe)
			return 0;
		if ((a >> 24) == 127 && src && strncmp(src, "127.", 4) != 0)
			return 0;
		return 1;
	}
	if (inet_pton(AF_INET6, host, &a6) == 1) {
		if (IN6_IS_ADDR_UNSPECIFIED(&a6) || IN6_IS_ADDR_MULTICAST(&a6))
			return 0;
		if (IN6_IS_ADDR_LOOPBACK(&a6) && src && strcmp(src, "::1"))
			return 0;
		return 1;
	}
	/* A host name: usable if it looks like one. */
	for (; *host; host++) {
		char c = *host;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

int beacon_parse(const char *buf, size_t n, const char *src, struct beacon *b)
{
	const char *end = buf + n, *tag, *tag_end, *p, *q;

	memset(b, 0, sizeof(*b));
	tag = find(buf, end, "<CANBeacon");
	if (!tag)
		return -1;
	tag_end = memchr(tag, '>', (size_t)(end - tag));
	if (!tag_end || !find(tag_end, end, "</CANBeacon>"))
		return -1;
	if (get_attr(tag, tag_end, "name", b->name, sizeof(b->name)) < 0)
		return -1;
	get_attr(tag, tag_end, "type", b->type, sizeof(b->type));
	get_attr(tag, tag_end, "description", b->description,
		 sizeof(b->description));

	p = find(tag_end, end, "<URL>");
	if (!p)
		return -1;
	p += 5;
	q = find(p, end, "</URL>");
	if (!q || (size_t)(q - p) >= sizeof(b->url))
		return -1;
	memcpy(b->url, p, (size_t)(q - p));
	b->url[q - p] = 0;
	b->port = REMOTE_DEFAULT_PORT;
	if (strncmp(b->url, "can://", 6) != 0 ||
	    remote_parse_hostport(b->url + 6, b->url_host, sizeof(b->url_host),
				  &b->port) < 0)
		b->url_host[0] = 0;

	for (p = tag_end; (p = find(p, end, "<Bus ")) != NULL; p++) {
		const char *e = memchr(p, '>', (size_t)(end - p));

		if (!e)
			return -1;
		if (b->nbuses == BEACON_MAX_BUSES)
			break;
		if (get_attr(p, e, "name", b->buses[b->nbuses],
			     sizeof(b->buses[0])) == 0 &&
		    proto_valid_bus(b->buses[b->nbuses]))
			b->nbuses++;
	}

	if (beacon_host_usable(b->url_host, src)) {
		snprintf(b->host, sizeof(b->host), "%s", b->url_host);
	} else if (src && *src) {
		snprintf(b->host, sizeof(b->host), "%s", src);
		b->host_from_source = 1;
	} else {
		return -1;
	}
	return 0;
}
