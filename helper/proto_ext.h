/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rcan extension of the socketcand protocol (docs/RCAN-EXTENSION.md):
 * what `rcand serve` can tell rcand about the remote controller, asked
 * for with `< rcan VERSION FEATURE... >` before `< open >`. Pure code like
 * proto.h, shared by both ends: the client parses what the server
 * formats here, the server parses what the client formats here.
 */
#ifndef RCAND_PROTO_EXT_H
#define RCAND_PROTO_EXT_H

#include <stddef.h>
#include <stdint.h>

/* The newest version this code speaks. */
#define PROTO_EXT_VERSION 1

/* Features, as bits; their words are "confirm" and "state". */
#define PROTO_EXT_F_CONFIRM (1U << 0) /* < sent > / < failed > */
#define PROTO_EXT_F_STATE (1U << 1) /* < state > / < bittiming > */
#define PROTO_EXT_F_ALL (PROTO_EXT_F_CONFIRM | PROTO_EXT_F_STATE)

/* < failed N REASON >: REASON's words, in this order */
enum proto_ext_reason {
	PROTO_EXT_R_BUSY, /* the controller's queue stayed full */
	PROTO_EXT_R_DOWN, /* the interface is down or gone */
	PROTO_EXT_R_INVALID, /* malformed, or refused by the kernel */
	/* the client left RAW mode before they were confirmed */
	PROTO_EXT_R_CLOSED,
	/* written, but no loop-back came in time: the server's CAN socket
	 * dropped it, or the driver confirms nothing */
	PROTO_EXT_R_LOST,
	PROTO_EXT_R_OTHER, /* a word of a newer version */
	PROTO_EXT_R_COUNT
};

/* < state STATE ... >: STATE's words; the values are enum can_state's */
#define PROTO_EXT_STATE_COUNT 5 /* error-active .. stopped */

/* What an extension element from the server says. */
struct proto_ext {
	uint32_t version, features; /* RCAN */
	uint32_t count; /* SENT, FAILED: this many frames, 1 or more */
	uint8_t reason; /* FAILED: enum proto_ext_reason */
	uint8_t state; /* STATE: CAN_STATE_ERROR_ACTIVE .. CAN_STATE_STOPPED */
	uint16_t txerr, rxerr; /* STATE */
	uint32_t bitrate, dbitrate; /* BITTIMING: bit/s, 0 unknown / no FD */
};

struct proto_event;

/*
 * Called by proto_parse_element() for an element whose first word it
 * does not know: 1 when the word is the extension's (ev->type is then one
 * of PROTO_EV_RCAN .. PROTO_EV_BITTIMING, or PROTO_EV_GARBAGE when the
 * rest is malformed: counts that could be misread must not be guessed),
 * 0 when it is not.
 */
int proto_ext_parse_event(const char *s, size_t n, struct proto_event *ev);

/*
 * The server reading `< rcan VERSION [FEATURE ...] >` (the whole element,
 * NUL terminated). VERSION decimal, 1 or more; FEATURE words of
 * [a-z0-9-]; words it does not know are skipped. 0, or -1 when malformed
 * (then the server answers as socketcand does: unknown command).
 */
int proto_ext_cmd_parse(const char *el, uint32_t *version, uint32_t *features);

/*
 * Formatters; each returns the bytes written (no NUL counted) or -1 when
 * size is too small or an argument is out of the grammar.
 *   < rcan VERSION [FEATURE ...] >   both the question and the answer
 *   < sent N SEC.USEC >
 *   < failed N REASON >
 *   < state STATE TXERR RXERR >
 *   < bittiming BITRATE DBITRATE >
 */
#define PROTO_EXT_ELEM_MAX 64
int proto_ext_format_rcan(char *buf, size_t size, uint32_t version,
			  uint32_t features);
int proto_ext_format_sent(char *buf, size_t size, uint32_t count, int64_t sec,
			  long usec);
int proto_ext_format_failed(char *buf, size_t size, uint32_t count,
			    enum proto_ext_reason reason);
int proto_ext_format_state(char *buf, size_t size, unsigned int state,
			   unsigned int txerr, unsigned int rxerr);
int proto_ext_format_bittiming(char *buf, size_t size, uint32_t bitrate,
			       uint32_t dbitrate);

const char *proto_ext_reason_name(unsigned int r);
const char *proto_ext_state_name(unsigned int st);

#endif
