// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the socketcand parser. The input is fed in pieces
 * whose sizes come from the first byte, so splits are fuzzed too; every
 * event must be self-consistent, and a frame must survive a trip through
 * the formatter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

static struct proto_parser parser;

static int check(const struct proto_event *ev, void *arg)
{
	(void)arg;
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
	case PROTO_EV_FDFRAME:
		if (ev->len > PROTO_DATA_MAX)
			abort();
		break;
	case PROTO_EV_ERROR:
	case PROTO_EV_UNKNOWN:
		if (ev->text_len > PROTO_ELEM_MAX)
			abort();
		break;
	default:
		break;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t step, off = 0;

	if (size == 0)
		return 0;
	step = data[0] ? data[0] : size;
	data++;
	size--;
	proto_init(&parser);
	while (off < size) {
		size_t n = size - off < step ? size - off : step;

		proto_feed(&parser, (const char *)data + off, n, check, NULL);
		off += n;
	}
	return 0;
}
