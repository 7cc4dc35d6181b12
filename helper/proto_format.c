// SPDX-License-Identifier: GPL-2.0
/*
 * What rcand writes to socketcand. The daemon reads ids with sscanf("%x")
 * and decides SFF/EFF by the id text being 8 characters long, so the
 * width is the frame format: %03X for SFF, %08X for EFF, never anything
 * else, and never an id outside the 11/29-bit range.
 */
#include <stdio.h>
#include <string.h>

#include "proto.h"
#include "proto_lex.h"

/* The verb for this frame in this dialect, or a PROTO_FMT_* refusal. */
static int send_verb(const struct proto_frame *f, enum proto_dialect d,
		     const char **verb)
{
	*verb = "send";
	if (d == PROTO_DIALECT_FRAME) {
		/* #71/#72 make every send FD, and take an id above 7FF as
		 * extended, whatever its width */
		if (!f->fd)
			return PROTO_FMT_CLASSIC;
		if ((f->can_id & PROTO_EFF_FLAG) &&
		    (f->can_id & PROTO_EFF_MASK) <= PROTO_SFF_MASK)
			return PROTO_FMT_EFF_LOW;
		return 0;
	}
	if (!f->fd)
		return 0;
	if (d == PROTO_DIALECT_RAWMODE_CANFD)
		*verb = "sendfd";
	else if (d == PROTO_DIALECT_PR33)
		*verb = "fdsend";
	else
		return PROTO_FMT_FD;
	return 0;
}

int proto_format_send(char *buf, size_t size, const struct proto_frame *f,
		      enum proto_dialect d)
{
	char tmp[PROTO_SEND_MAX];
	const char *verb;
	uint32_t id, max;
	unsigned int i;
	int n, eff = !!(f->can_id & PROTO_EFF_FLAG);

	if (f->can_id & PROTO_ERR_FLAG)
		return PROTO_FMT_ERRFRAME;
	if (f->can_id & PROTO_RTR_FLAG)
		return PROTO_FMT_RTR;
	if (f->fd ? !proto_lex_fd_len_valid(f->len) : f->len > 8)
		return PROTO_FMT_BAD;
	id = f->can_id & ~PROTO_EFF_FLAG;
	max = eff ? PROTO_EFF_MASK : PROTO_SFF_MASK;
	if (id > max)
		return PROTO_FMT_BAD;
	n = send_verb(f, d, &verb);
	if (n < 0)
		return n;

	n = snprintf(tmp, sizeof(tmp), eff ? "< %s %08X" : "< %s %03X", verb,
		     id);
	if (f->fd && d == PROTO_DIALECT_PR33) /* CANFD_BRS 1, CANFD_ESI 2 */
		n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, " %X",
			      f->fd_flags & 3);
	n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, " %u", f->len);
	for (i = 0; i < f->len; i++) {
		tmp[n++] = ' ';
		tmp[n++] = proto_lex_hex[f->data[i] >> 4];
		tmp[n++] = proto_lex_hex[f->data[i] & 15];
	}
	tmp[n++] = ' ';
	tmp[n++] = '>';
	if ((size_t)n > size)
		return PROTO_FMT_SPACE;
	memcpy(buf, tmp, (size_t)n);
	return n;
}

/* Names the daemon can take: 1..16 visible characters, no element syntax. */
int proto_valid_bus(const char *bus)
{
	size_t i, n = strlen(bus);

	if (n == 0 || n > PROTO_BUS_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)bus[i];

		if (c <= ' ' || c >= 0x7f || c == '<' || c == '>')
			return 0;
	}
	return 1;
}

int proto_format_open(char *buf, size_t size, const char *bus)
{
	int n;

	if (!proto_valid_bus(bus))
		return -1;
	/* The space before '>' matters: "< open vcan0>" opens "vcan0>". */
	n = snprintf(buf, size, "< open %s >", bus);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

int proto_format_bittiming(char *buf, size_t size, const char *bus,
			   const struct proto_bittiming *bt)
{
	int n;

	if (!proto_valid_bus(bus))
		return -1;
	n = snprintf(buf, size, "< %s B %u %u %u %u %u %u %u %u >", bus,
		     bt->bitrate, bt->sample_point, bt->tq, bt->prop_seg,
		     bt->phase_seg1, bt->phase_seg2, bt->sjw, bt->brp);
	return n < 0 || (size_t)n >= size ? -1 : n;
}
