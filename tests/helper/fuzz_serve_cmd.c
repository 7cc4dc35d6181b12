// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for rcand serve's command reader (proto_cmd.c), the
 * code that reads whatever a client sends: the bytes go through the
 * daemon's element splitting (proto_cmd_next) as the server's input
 * buffer does, in pieces whose sizes come from the first byte; every
 * element is parsed; what a command yields must be within its bounds;
 * and a frame the parser accepted must format (proto_elem.c) into an
 * element rcand's own parser reads back as the same frame.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto_server.h"

static struct proto_cmd cmd;
static char in[PROTO_ELEM_MAX];
static char el[PROTO_ELEM_MAX + 1];

static void check(const struct proto_cmd *c)
{
	static const uint8_t zero[1];
	struct proto_rxframe f;
	struct proto_event ev;
	uint8_t pdu[PROTO_PDU_MAX];
	char out[PROTO_RX_MAX];
	int n;

	if ((unsigned int)c->type >= PROTO_CMD_COUNT)
		abort();
	if (c->bad)
		return;
	if (c->len > PROTO_DATA_MAX || c->nframes > PROTO_MUX_MAX ||
	    c->pdu_len > PROTO_PDU_MAX)
		abort();
	if (c->type == PROTO_CMD_SENDPDU)
		(void)proto_cmd_pdu(c, pdu);
	if (c->type != PROTO_CMD_SEND && c->type != PROTO_CMD_SENDFD)
		return;
	if (c->type == PROTO_CMD_SEND && c->len > 8)
		abort();
	/* what a client sent, as another client receives it */
	f.can_id = c->can_id & (PROTO_EFF_FLAG | PROTO_EFF_MASK);
	if (!(f.can_id & PROTO_EFF_FLAG))
		f.can_id &= PROTO_SFF_MASK;
	f.len = c->len;
	f.fd = c->type == PROTO_CMD_SENDFD;
	f.data = c->len ? c->data : zero;
	f.sec = 1700000000;
	f.usec = 123456;
	n = proto_format_rx(out, sizeof(out), &f, PROTO_RX_RAW);
	if (n < 4)
		abort();
	proto_parse_element(out + 1, (size_t)n - 2, &ev);
	if ((ev.type != PROTO_EV_FRAME && ev.type != PROTO_EV_FDFRAME) ||
	    ev.can_id != f.can_id || ev.len != f.len ||
	    memcmp(ev.data, c->data, c->len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = 0, step, off = 1, start, end, scan = 0;

	if (size < 1)
		return 0;
	step = (size_t)data[0] % 64 + 1;
	while (off < size) {
		size_t n = size - off < step ? size - off : step;

		if (n > sizeof(in) - len)
			n = sizeof(in) - len;
		memcpy(in + len, data + off, n);
		len += n;
		off += n;
		for (;;) {
			size_t scan0 = 0, start0 = 0, end0 = 0;
			int found0 =
				proto_cmd_next(in, len, &scan0, &start0, &end0);
			int found =
				proto_cmd_next(in, len, &scan, &start, &end);

			/* resuming finds what a scan from the start finds */
			if (found != found0 || start != start0 ||
			    (found && end != end0) || scan != scan0)
				abort();
			if (!found)
				break;
			memcpy(el, in + start, end - start + 1);
			el[end - start + 1] = '\0';
			len -= end + 1;
			memmove(in, in + end + 1, len);
			proto_cmd_parse(el, &cmd);
			check(&cmd);
		}
		memmove(in, in + start, len - start);
		len -= start;
		if (len == sizeof(in))
			len = scan = 0; /* the server closes such a client */
	}
	return 0;
}
