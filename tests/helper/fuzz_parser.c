// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the socketcand parser. The input is fed in pieces
 * whose sizes come from the first byte, so splits are fuzzed too; every
 * event must be self-consistent, a frame must survive a trip through the
 * formatter, and the events must not depend on how the input was split
 * (compared with feeding it whole).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

static struct proto_parser parser;

static void mix(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		*h = (*h ^ *b++) * 0x100000001b3ULL;
}

/* Everything about an event that must not depend on the split. */
static void digest(uint64_t *h, const struct proto_event *ev)
{
	mix(h, &ev->type, sizeof(ev->type));
	if (ev->type == PROTO_EV_GARBAGE || ev->type == PROTO_EV_OVERSIZE)
		return;
	mix(h, &ev->can_id, sizeof(ev->can_id));
	mix(h, &ev->len, sizeof(ev->len));
	mix(h, &ev->fd_flags, sizeof(ev->fd_flags));
	mix(h, &ev->dialect, sizeof(ev->dialect));
	mix(h, &ev->ts_ns, sizeof(ev->ts_ns));
	mix(h, ev->data, ev->len);
	mix(h, ev->stat, sizeof(ev->stat));
	mix(h, &ev->ext, sizeof(ev->ext));
	mix(h, ev->text, ev->text_len);
}

/* An extension element read must format back and read the same. */
/* member by member: the struct has padding */
static int ext_eq(const struct proto_ext *a, const struct proto_ext *b)
{
	return a->version == b->version && a->features == b->features &&
	       a->count == b->count && a->reason == b->reason &&
	       a->state == b->state && a->txerr == b->txerr &&
	       a->rxerr == b->rxerr && a->bitrate == b->bitrate &&
	       a->dbitrate == b->dbitrate;
}

static void ext_roundtrip(const struct proto_event *ev)
{
	const struct proto_ext *x = &ev->ext;
	char out[PROTO_EXT_ELEM_MAX];
	struct proto_event back;
	int n = -1;

	switch (ev->type) {
	case PROTO_EV_RCAN:
		n = proto_ext_format_rcan(out, sizeof(out), x->version,
					  x->features);
		break;
	case PROTO_EV_SENT:
		n = proto_ext_format_sent(out, sizeof(out), x->count,
					  (int64_t)(ev->ts_ns / 1000000000ULL),
					  (long)(ev->ts_ns % 1000000000ULL / 1000));
		break;
	case PROTO_EV_FAILED:
		if (x->reason == PROTO_EXT_R_OTHER) /* a newer word */
			return;
		n = proto_ext_format_failed(out, sizeof(out), x->count,
					    (enum proto_ext_reason)x->reason);
		break;
	case PROTO_EV_STATE:
		n = proto_ext_format_state(out, sizeof(out), x->state, x->txerr,
					   x->rxerr);
		break;
	default:
		n = proto_ext_format_bittiming(out, sizeof(out), x->bitrate,
					       x->dbitrate);
		break;
	}
	if (n < 4 || !x->count != (ev->type != PROTO_EV_SENT &&
				   ev->type != PROTO_EV_FAILED))
		abort();
	proto_parse_element(out + 1, (size_t)n - 2, &back);
	if (back.type != ev->type || !ext_eq(&back.ext, x) ||
	    back.ts_ns != ev->ts_ns)
		abort();
}

static int check(const struct proto_event *ev, void *arg)
{
	digest(arg, ev);
	switch (ev->type) {
	case PROTO_EV_FRAME:
	case PROTO_EV_ERRFRAME:
		if (ev->len > 8)
			abort();
		if (ev->type == PROTO_EV_FRAME) {
			struct proto_frame f = { .can_id = ev->can_id,
						 .len = ev->len };
			char out[PROTO_SEND_MAX];

			memcpy(f.data, ev->data, ev->len);
			if (proto_format_send(out, sizeof(out), &f, 0) <= 0)
				abort();
		}
		break;
	case PROTO_EV_FDFRAME: {
		/* what came in a dialect's receive form can go out in it */
		struct proto_frame f = { .can_id = ev->can_id,
					 .len = ev->len,
					 .fd = 1 };
		char out[PROTO_SEND_MAX];

		if (ev->len > PROTO_DATA_MAX || !(ev->fd_flags & PROTO_FD_F_FD) ||
		    ev->dialect == PROTO_DIALECT_UNKNOWN ||
		    ev->dialect == PROTO_DIALECT_NONE)
			abort();
		memcpy(f.data, ev->data, ev->len);
		if (ev->dialect == PROTO_DIALECT_FRAME &&
		    (ev->len <= 8 ||
		     ((f.can_id & PROTO_EFF_FLAG) &&
		      (f.can_id & PROTO_EFF_MASK) <= PROTO_SFF_MASK)))
			break; /* never an FD frame / cannot be sent so */
		if (proto_format_send(out, sizeof(out), &f,
				      (enum proto_dialect)ev->dialect) <= 0)
			abort();
		break;
	}
	case PROTO_EV_ERROR:
	case PROTO_EV_UNKNOWN:
		if (ev->text_len > PROTO_ELEM_MAX)
			abort();
		break;
	case PROTO_EV_RCAN:
	case PROTO_EV_SENT:
	case PROTO_EV_FAILED:
	case PROTO_EV_STATE:
	case PROTO_EV_BITTIMING:
		ext_roundtrip(ev);
		break;
	default:
		break;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t step, off = 0;
	uint64_t split = 14695981039346656037ULL, whole = split;

	if (size == 0)
		return 0;
	step = data[0] ? data[0] : size;
	data++;
	size--;
	proto_init(&parser);
	while (off < size) {
		size_t n = size - off < step ? size - off : step;

		proto_feed(&parser, (const char *)data + off, n, check, &split);
		off += n;
	}
	proto_init(&parser);
	proto_feed(&parser, (const char *)data, size, check, &whole);
	if (split != whole)
		abort();
	return 0;
}
