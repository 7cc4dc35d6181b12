// SPDX-License-Identifier: GPL-2.0
/*
 * The elements a server sends, byte for byte as socketcand 0.6.1 prints
 * them (state_raw.c, state_bcm.c, state_isotp.c, statistics.c, beacon.c),
 * and the rawmode-canfd branch's `< fdframe >` for CAN FD. Written by
 * hand rather than with printf per byte: this runs once per frame.
 */
#include <stdio.h>
#include <string.h>

#include "proto_lex.h"
#include "proto_server.h"

struct out {
	char *p, *end;
	int over;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->over || (size_t)(o->end - o->p) < n) {
		o->over = 1;
		return;
	}
	memcpy(o->p, s, n);
	o->p += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* %0*X: at least width digits, more if the value needs them */
static void put_hex(struct out *o, uint32_t v, int width)
{
	char tmp[8];
	int n = 0, i;

	do {
		tmp[n++] = proto_lex_hex[v & 15];
		v >>= 4;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	for (i = n - 1; i >= 0; i--)
		put(o, &tmp[i], 1);
}

static void put_dec(struct out *o, uint64_t v, int width)
{
	char tmp[24];
	int n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	for (i = n - 1; i >= 0; i--)
		put(o, &tmp[i], 1);
}

/* "%ld.%06ld" of a timeval; seconds before 1970 do not occur here */
static void put_ts(struct out *o, int64_t sec, long usec)
{
	if (sec < 0) {
		put(o, "-", 1);
		sec = -sec;
	}
	put_dec(o, (uint64_t)sec, 1);
	put(o, ".", 1);
	put_dec(o, usec < 0 ? 0 : (uint64_t)usec, 6);
}

static void put_byte(struct out *o, uint8_t b)
{
	char t[2] = { proto_lex_hex[b >> 4], proto_lex_hex[b & 15] };

	put(o, t, 2);
}

static int done(const struct out *o, const char *buf)
{
	return o->over ? -1 : (int)(o->p - buf);
}

int proto_format_rx(char *buf, size_t size, const struct proto_rxframe *f,
		    enum proto_rx_style style)
{
	struct out o = { buf, buf + size, 0 };
	int eff = !!(f->can_id & PROTO_EFF_FLAG);
	unsigned int i, max = f->fd ? PROTO_DATA_MAX : 8;

	if (f->can_id & PROTO_ERR_FLAG) {
		puts_(&o, "< error ");
		if (style == PROTO_RX_BCM) {
			/* state_bcm.c prints msg_head.can_id, flag and all */
			put_hex(&o, f->can_id, 3);
			put(&o, " ", 1);
			put_ts(&o, f->sec, f->usec);
			put(&o, " ", 1);
			for (i = 0; i < f->len && i < 8; i++) {
				put_byte(&o, f->data[i]);
				put(&o, " ", 1);
			}
			put(&o, " >", 2);
		} else {
			put_hex(&o, f->can_id & PROTO_EFF_MASK, 3);
			put(&o, " ", 1);
			put_ts(&o, f->sec, f->usec);
			put(&o, " >", 2);
		}
		return done(&o, buf);
	}
	/* the daemon forwards no remote requests */
	if (f->can_id & PROTO_RTR_FLAG)
		return 0;
	puts_(&o, f->fd && style == PROTO_RX_RAW ? "< fdframe " : "< frame ");
	if (eff)
		put_hex(&o, f->can_id & PROTO_EFF_MASK, 8);
	else
		put_hex(&o, f->can_id & PROTO_SFF_MASK, 3);
	put(&o, " ", 1);
	put_ts(&o, f->sec, f->usec);
	put(&o, " ", 1);
	for (i = 0; i < f->len && i < max; i++) {
		put_byte(&o, f->data[i]);
		if (style == PROTO_RX_BCM)
			put(&o, " ", 1);
	}
	put(&o, " >", 2);
	return done(&o, buf);
}

int proto_format_pdu(char *buf, size_t size, int64_t sec, long usec,
		     const uint8_t *data, size_t len)
{
	struct out o = { buf, buf + size, 0 };
	size_t i;

	puts_(&o, "< pdu ");
	put_ts(&o, sec, usec);
	put(&o, " ", 1);
	for (i = 0; i < len; i++)
		put_byte(&o, data[i]);
	put(&o, " >", 2);
	return done(&o, buf);
}

int proto_format_stat(char *buf, size_t size, uint64_t rxb, uint64_t rxp,
		      uint64_t txb, uint64_t txp)
{
	int n = snprintf(buf, size, "< stat %u %u %u %u >", (uint32_t)rxb,
			 (uint32_t)rxp, (uint32_t)txb, (uint32_t)txp);

	return n < 0 || (size_t)n >= size ? -1 : n;
}

int proto_format_beacon(char *buf, size_t size, const char *name,
			const char *description, const char *host,
			unsigned int port, const char *const *buses,
			unsigned int nbuses)
{
	struct out o = { buf, buf + size, 0 };
	unsigned int i;

	puts_(&o, "<CANBeacon name=\"");
	put(&o, name, strnlen(name, 32));
	puts_(&o, "\" type=\"SocketCAN\" description=\"");
	puts_(&o, description);
	puts_(&o, "\">\n<URL>can://");
	puts_(&o, host);
	put(&o, ":", 1);
	put_dec(&o, port, 1);
	puts_(&o, "</URL>");
	for (i = 0; i < nbuses; i++) {
		puts_(&o, "<Bus name=\"");
		puts_(&o, buses[i]);
		puts_(&o, "\"/>");
	}
	puts_(&o, "</CANBeacon>");
	/* the daemon's buffer is 2048 bytes with its NUL */
	if ((size_t)(o.p - buf) >= PROTO_BEACON_MAX)
		return -1;
	return done(&o, buf);
}
