/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The server's half of the socketcand protocol: reading the commands a
 * client sends (as the 0.6.1 daemon reads them, sscanf quirks included)
 * and formatting the elements a server sends. Pure code, like proto.h:
 * no I/O, no allocation, no globals, so the unit tests and the fuzzer
 * run exactly what `rcand serve` runs. rcand's client side parses what
 * this formats (proto_parse.c); the unit tests check one against the
 * other.
 */
#ifndef RCAND_PROTO_SERVER_H
#define RCAND_PROTO_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* ISO 15765-2 PDUs are at most this long (the daemon's ISOTPLEN). */
#define PROTO_PDU_MAX 4095
/* A BCM muxfilter carries at most this many 8-byte tuples. */
#define PROTO_MUX_MAX 257

/*
 * Where the next element is in the bytes a client sent: the daemon takes
 * the bytes from the first '<' to the first '>' after it. Returns 1 and
 * sets *start and *end (the '>' index) when one is complete; 0 when not,
 * with *start the bytes that can be dropped (all of them when there is
 * no '<', the ones before it otherwise).
 * *scan makes a client that sends an element a byte at a time cost
 * linear time, not quadratic: 0 for bytes never looked at; on return,
 * how many of the bytes the caller keeps (from *start on when 0 is
 * returned, from *end + 1 on when 1 is) were looked at. Passed back with
 * those bytes unchanged and more appended, the scan resumes there.
 */
int proto_cmd_next(const char *buf, size_t len, size_t *scan, size_t *start,
		   size_t *end);

enum proto_cmd_type {
	PROTO_CMD_UNKNOWN, /* answered < error unknown command > */
	PROTO_CMD_OPEN,
	PROTO_CMD_BITTIMING, /* < BUS B bitrate sp tq prop ps1 ps2 sjw brp > */
	PROTO_CMD_CTRLMODE, /* < BUS C listen_only loopback three_samples > */
	PROTO_CMD_RAWMODE,
	PROTO_CMD_BCMMODE,
	PROTO_CMD_CONTROLMODE,
	PROTO_CMD_ISOTPMODE,
	PROTO_CMD_ECHO,
	PROTO_CMD_SEND,
	PROTO_CMD_SENDFD, /* the rawmode-canfd dialect's FD send */
	PROTO_CMD_ADD,
	PROTO_CMD_UPDATE,
	PROTO_CMD_DELETE,
	PROTO_CMD_FILTER,
	PROTO_CMD_MUXFILTER,
	PROTO_CMD_SUBSCRIBE,
	PROTO_CMD_UNSUBSCRIBE,
	PROTO_CMD_STATISTICS,
	PROTO_CMD_ISOTPCONF,
	PROTO_CMD_SENDPDU,
	/* < rcan VERSION FEATURE... > (proto_ext.h); a malformed one is
	 * PROTO_CMD_UNKNOWN, as socketcand answers it */
	PROTO_CMD_RCAN,
	PROTO_CMD_COUNT
};

struct proto_isotpconf {
	uint32_t tx_id, rx_id, flags; /* ids with PROTO_EFF_FLAG */
	uint8_t bs, stmin, wftmax, txpad, rxpad, ext, rxext;
};

struct proto_cmd {
	enum proto_cmd_type type;
	/* A known command whose arguments the daemon refuses: it logs it
	 * and answers nothing. why says what was wrong. */
	int bad;
	const char *why;
	char bus[PROTO_BUS_MAX + 1]; /* OPEN, BITTIMING, CTRLMODE */
	uint32_t can_id; /* with PROTO_EFF_FLAG when the id text has 8 chars */
	uint8_t len;
	uint8_t data[PROTO_DATA_MAX];
	unsigned long sec, usec; /* ADD, FILTER, MUXFILTER, SUBSCRIBE */
	uint32_t nframes; /* MUXFILTER: tuples in mux[] */
	uint32_t stat_ms; /* STATISTICS */
	struct proto_bittiming bt; /* BITTIMING */
	uint8_t ctrl[3]; /* CTRLMODE: listen-only, loopback, three samples */
	struct proto_isotpconf isotp; /* ISOTPCONF */
	/* SENDPDU: the hex digits in the element, 2 per byte */
	const char *pdu_hex;
	size_t pdu_len; /* bytes */
	uint32_t ext_version, ext_features; /* RCAN */
	/* MUXFILTER (last: proto_cmd_parse() clears all fields but this) */
	uint8_t mux[PROTO_MUX_MAX][8];
};

/*
 * Read one element, '<' to '>' included, NUL terminated (the daemon's
 * parsers are sscanf on that string). Never fails: an element it does not
 * know is PROTO_CMD_UNKNOWN. The mode decides which commands it takes.
 */
void proto_cmd_parse(const char *el, struct proto_cmd *c);

/* SENDPDU's bytes into out (c->pdu_len of them). 0, or -1 when a digit
 * is no hex digit (the daemon then ignores the command). */
int proto_cmd_pdu(const struct proto_cmd *c, uint8_t *out);

const char *proto_cmd_name(enum proto_cmd_type t);

/* A frame as the server received it. */
struct proto_rxframe {
	uint32_t can_id; /* SocketCAN flags */
	uint8_t len;
	uint8_t fd; /* a CAN FD frame (CANFD_MTU) */
	const uint8_t *data;
	int64_t sec; /* the receive time, SO_TIMESTAMP */
	long usec;
};

enum proto_rx_style {
	/* raw mode: `< frame ID SEC.USEC HEX >`, an FD frame as the
	 * rawmode-canfd dialect's `< fdframe ID SEC.USEC HEX >`, an error
	 * frame `< error CLASS SEC.USEC >` */
	PROTO_RX_RAW,
	/* BCM mode: `< frame ID SEC.USEC B0 B1  >` (each byte and a space,
	 * then " >"); an error frame `< error CANID SEC.USEC B0 ..  >` with
	 * the whole can_id, error flag included, as the daemon prints it */
	PROTO_RX_BCM,
};

/* Longest element proto_format_rx() writes (an fdframe of 64 bytes, or a
 * BCM frame of 8: both well under this). */
#define PROTO_RX_MAX 192

/* Returns the bytes written (no NUL), or -1 if size is too small; RTR
 * frames are not formatted (0: the daemon forwards none). */
int proto_format_rx(char *buf, size_t size, const struct proto_rxframe *f,
		    enum proto_rx_style style);

/* `< pdu SEC.USEC HEX >` (ISO-TP); -1 if size is too small. */
#define PROTO_PDU_ELEM_MAX (2 * PROTO_PDU_MAX + 48)
int proto_format_pdu(char *buf, size_t size, int64_t sec, long usec,
		     const uint8_t *data, size_t len);

/* `< stat RXB RXP TXB TXP >`: the daemon reads /proc/net/dev with %u, so
 * each counter is taken modulo 2^32. */
int proto_format_stat(char *buf, size_t size, uint64_t rxb, uint64_t rxp,
		      uint64_t txb, uint64_t txp);

/*
 * The discovery beacon, byte for byte as the daemon's:
 * <CANBeacon name="N" type="SocketCAN" description="D">\n<URL>can://H:P</URL>
 * <Bus name="B"/>...</CANBeacon>   (no newline at the end)
 * name is cut to 32 bytes (the daemon reads the host name into 32). Returns the length, or -1 if it does not fit size (the
 * daemon's 2048-byte buffer would have cut it).
 */
#define PROTO_BEACON_MAX 2048
int proto_format_beacon(char *buf, size_t size, const char *name,
			const char *description, const char *host,
			unsigned int port, const char *const *buses,
			unsigned int nbuses);

#endif
