/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The socketcand wire protocol: an incremental element parser and the
 * `< send >` formatter. Pure code: no I/O, no allocation, no globals, so
 * the host unit tests and the fuzzer exercise exactly what rcand runs.
 */
#ifndef RCAND_PROTO_H
#define RCAND_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "proto_ext.h"

/* The real daemon keeps at most this many bytes of unparsed input; an
 * element longer than that can never be valid, on either side. */
#define PROTO_ELEM_MAX 8290

/* Payload bytes a frame element may carry (CAN FD proposals included). */
#define PROTO_DATA_MAX 64

enum proto_ev_type {
	PROTO_EV_FRAME, /* < frame ID SEC.USEC HEX > (or BCM spacing) */
	/* a CAN FD frame: < fdframe ID [FLAGS] TS HEX >, or < frame > with
	 * more than 8 bytes (the frame dialect) */
	PROTO_EV_FDFRAME,
	PROTO_EV_ERRFRAME, /* < error CLASS SEC.USEC > */
	PROTO_EV_ERROR, /* < error WORDS... >: a protocol error */
	PROTO_EV_OK, /* < ok > */
	PROTO_EV_HI, /* < hi > */
	PROTO_EV_ECHO, /* < echo > */
	PROTO_EV_STAT, /* < stat RXB RXP TXB TXP > */
	PROTO_EV_UNKNOWN, /* a well-formed element we do not know */
	PROTO_EV_GARBAGE, /* bytes that are no element, or a malformed one */
	PROTO_EV_OVERSIZE, /* an element longer than PROTO_ELEM_MAX */
	/* the rcan extension (proto_ext.h), in proto_event.ext */
	PROTO_EV_RCAN, /* < rcan VERSION FEATURE... > */
	PROTO_EV_SENT, /* < sent N SEC.USEC > (ts_ns too) */
	PROTO_EV_FAILED, /* < failed N REASON > */
	PROTO_EV_STATE, /* < state STATE TXERR RXERR > */
	PROTO_EV_BITTIMING, /* < bittiming BITRATE DBITRATE > */
};

/* Values of proto_event.can_id use the SocketCAN flag bits. */
#define PROTO_EFF_FLAG 0x80000000U
#define PROTO_RTR_FLAG 0x40000000U
#define PROTO_ERR_FLAG 0x20000000U
#define PROTO_SFF_MASK 0x000007FFU
#define PROTO_EFF_MASK 0x1FFFFFFFU

/*
 * The CAN FD dialects of socketcand forks (docs/FD-DIALECTS.md). UNKNOWN:
 * not known (yet); it sends like NONE.
 */
enum proto_dialect {
	PROTO_DIALECT_UNKNOWN,
	PROTO_DIALECT_NONE, /* 0.6.1, master: no FD */
	PROTO_DIALECT_RAWMODE_CANFD, /* branch rawmode-canfd: sendfd, fdframe */
	PROTO_DIALECT_PR33, /* PR #33: fdsend, fdframe with FLAGS */
	PROTO_DIALECT_FRAME, /* PRs #71/#72: send and frame, every send FD */
	PROTO_DIALECT_COUNT
};

const char *proto_dialect_name(enum proto_dialect d);
/* "none", "rawmode-canfd", "pr33", "frame" (and "unknown"); -1 if none */
int proto_dialect_parse(const char *s);
/* The dialect can tell the server BRS/ESI of a frame to send. */
int proto_dialect_sends_flags(enum proto_dialect d);

/* proto_event.fd_flags, the same bits as RCAN_FRAME_F_* */
#define PROTO_FD_F_FD (1U << 0)
#define PROTO_FD_F_BRS (1U << 1)
#define PROTO_FD_F_ESI (1U << 2)

struct proto_event {
	enum proto_ev_type type;
	uint32_t can_id; /* FRAME, FDFRAME, ERRFRAME */
	uint8_t len; /* payload length */
	uint8_t bcm_format; /* FRAME: bytes were space separated */
	uint32_t fd_flags; /* FDFRAME */
	/* FDFRAME: the dialect whose receive form this was */
	uint8_t dialect;
	uint64_t ts_ns; /* the server's receive time, ns since epoch */
	uint64_t stat[4]; /* STAT */
	uint8_t data[PROTO_DATA_MAX];
	struct proto_ext ext; /* RCAN .. BITTIMING */
	/* ERROR, UNKNOWN, GARBAGE: the element text between < and > (or the
	 * offending bytes), not NUL terminated, valid during the callback. */
	const char *text;
	size_t text_len;
};

/* Return 0 to go on, anything else to stop proto_feed() at once. */
typedef int (*proto_cb)(const struct proto_event *ev, void *arg);

struct proto_parser {
	size_t len; /* bytes of the current element held in buf */
	int in_elem; /* a '<' has been seen, no '>' yet */
	int failed; /* GARBAGE/OVERSIZE reported; input ignored */
	char buf[PROTO_ELEM_MAX];
};

void proto_init(struct proto_parser *p);

/*
 * Feed bytes as they come from the socket, split and coalesced anyhow.
 * Calls cb once per complete element. After GARBAGE or OVERSIZE the
 * parser ignores everything until proto_init(): the stream is lost and
 * the caller should reset the connection.
 * Returns the value of the callback that stopped it, or 0.
 */
int proto_feed(struct proto_parser *p, const char *data, size_t n, proto_cb cb,
	       void *arg);

/* Parse one element's inner text (between '<' and '>'), for tests. */
void proto_parse_element(const char *s, size_t n, struct proto_event *ev);

/* Frame to send, SocketCAN style. */
struct proto_frame {
	uint32_t can_id; /* with PROTO_EFF_FLAG/RTR/ERR */
	uint8_t len;
	uint8_t fd; /* a CAN FD frame */
	uint8_t fd_flags; /* PROTO_FD_F_BRS/ESI */
	uint8_t data[PROTO_DATA_MAX];
};

/* Longest `< send >` element: "< send " 7 + id 8 + " " + dlc 2 + " " +
 * 8 * 3 + " >" 2; an fdsend with 64 bytes stays under 256. */
#define PROTO_SEND_MAX 256

enum proto_fmt_err {
	PROTO_FMT_RTR = -1, /* no syntax for remote requests */
	PROTO_FMT_FD = -2, /* CAN FD frame, FD not enabled */
	PROTO_FMT_ERRFRAME = -3,
	PROTO_FMT_BAD = -4, /* invalid length or id */
	PROTO_FMT_SPACE = -5, /* buffer too small */
	/* the frame dialect: the server would send a classic frame as FD */
	PROTO_FMT_CLASSIC = -6,
	/* the frame dialect: an EFF id up to 7FF would go out as SFF */
	PROTO_FMT_EFF_LOW = -7,
};

/*
 * Format one frame as a whole element in the server's dialect. A classic
 * frame is `< send ID DLC B0 ... >` (ID %03X for SFF, %08X for EFF, bytes
 * %02X), as 0.6.1 reads it, in every dialect but FRAME (PROTO_FMT_CLASSIC).
 * An FD frame is, by dialect:
 *   RAWMODE_CANFD  `< sendfd ID LEN B0 ... >`
 *   PR33           `< fdsend ID FLAGS LEN B0 ... >`, FLAGS %X: BRS 1, ESI 2
 *   FRAME          `< send ID LEN B0 ... >` (EFF ids above 7FF only)
 *   NONE, UNKNOWN  PROTO_FMT_FD
 * Returns the number of bytes written (no NUL counted) or a PROTO_FMT_*.
 */
int proto_format_send(char *buf, size_t size, const struct proto_frame *f,
		      enum proto_dialect d);

/*
 * The fingerprint (docs/FD-DIALECTS.md), written right after rawmode's
 * < ok >: three commands no dialect can carry out (length 65), each
 * followed by an < echo >. Nothing reaches the bus in any dialect.
 */
#define PROTO_PROBE \
	"< send 123 65 >< echo >< sendfd 123 65 >< echo >< fdsend 123 00 65 >< echo >"
#define PROTO_PROBE_ECHOES 3

struct proto_probe {
	unsigned int echoes; /* replies to the probe's echoes so far */
	/* per echo slot: < error unknown command >, < Syntax error ... > */
	uint8_t unknown[PROTO_PROBE_ECHOES];
	uint8_t syntax[PROTO_PROBE_ECHOES];
	uint8_t other; /* any other answer */
};

void proto_probe_init(struct proto_probe *p);
/*
 * One element that came while the probe's answers were awaited (frames
 * and error frames are not answers: pass them elsewhere). Returns 1 once
 * the last echo came back, else 0.
 */
int proto_probe_feed(struct proto_probe *p, const struct proto_event *ev);
/* The dialect the answers tell; UNKNOWN when they fit none. */
enum proto_dialect proto_probe_result(const struct proto_probe *p);

/* "< echo >", the heartbeat and the TX confirmation barrier. */
#define PROTO_ECHO "< echo >"
#define PROTO_ECHO_LEN 8

/* `< open BUS >`; bus names are at most PROTO_BUS_MAX characters, since
 * the daemon overflows a buffer on longer ones. Returns length or -1. */
#define PROTO_BUS_MAX 16
int proto_format_open(char *buf, size_t size, const char *bus);
int proto_valid_bus(const char *bus);

/* The bit-timing command `< BUS B bitrate sp tq prop ps1 ps2 sjw brp >`. */
struct proto_bittiming {
	uint32_t bitrate, sample_point, tq, prop_seg, phase_seg1, phase_seg2;
	uint32_t sjw, brp;
};
int proto_format_bittiming(char *buf, size_t size, const char *bus,
			   const struct proto_bittiming *bt);

const char *proto_ev_name(enum proto_ev_type t);

#endif
