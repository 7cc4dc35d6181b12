// SPDX-License-Identifier: GPL-2.0
/*
 * The commands a socketcand client sends, read as the 0.6.1 daemon reads
 * them. The daemon matches a command by its first bytes (strncmp of
 * "< send " and so on), or the whole element (strcmp of "< echo >"), and
 * converts its fields with sscanf. What sscanf accepts (0x prefixes,
 * signs, bytes given as 1ff and cut to ff, extra spaces) is what clients
 * may have come to rely on, so the same conversions are used here, on
 * purpose; hence the NOLINT(cert-err34-c) markers.
 *
 * One thing is read differently, and it is a fix: the bus name of
 * `< open NAME >` is bounded (the daemon's sscanf("%s") overflows its
 * 17-byte buffer on a longer name); such a name is simply not served.
 */
#include <stdio.h>
#include <string.h>

#include "proto_lex.h"
#include "proto_server.h"

int proto_cmd_next(const char *buf, size_t len, size_t *scan, size_t *start,
		   size_t *end)
{
	const char *lt, *gt;
	size_t from;

	/* bytes looked at before: the caller kept them from the '<' on */
	if (*scan && *scan <= len && buf[0] == '<') {
		lt = buf;
		from = *scan;
	} else {
		lt = memchr(buf, '<', len);
		if (!lt) {
			*start = len;
			*scan = 0;
			return 0;
		}
		from = (size_t)(lt - buf) + 1;
	}
	*start = (size_t)(lt - buf);
	gt = memchr(buf + from, '>', len - from);
	if (!gt) {
		*scan = len - *start;
		return 0;
	}
	*end = (size_t)(gt - buf);
	*scan = 0;
	return 1;
}

/*
 * The daemon's element_start()/element_length(): the words of the element
 * are counted by runs of spaces, word 0 being "<". The length of word k,
 * 0 if there is none. An id of exactly 8 characters is an extended one.
 */
static const char *word_start(const char *el, int k)
{
	size_t i, len = strlen(el);
	int w = 0;

	for (i = 0; i < len; i++) {
		if (el[i] == ' ') {
			w++;
			while (el[i] == ' ')
				i++;
			if (i >= len)
				return NULL;
		}
		if (w == k)
			return el + i;
	}
	return NULL;
}

static size_t word_len(const char *el, int k)
{
	const char *s = word_start(el, k);

	return s ? strcspn(s, " ") : 0;
}

static void eff_if_8(const char *el, int k, uint32_t *id)
{
	if (word_len(el, k) == 8)
		*id |= PROTO_EFF_FLAG;
}

static int bad(struct proto_cmd *c, const char *why)
{
	c->bad = 1;
	c->why = why;
	return -1;
}

/* "%hhx" n times after *p, as one sscanf with n such conversions would
 * convert them: the count converted (stops at the first that fails). */
static int scan_bytes(const char *p, uint8_t *data, int max)
{
	int n = 0, used;

	while (p && n < max) {
		/* NOLINTNEXTLINE(cert-err34-c) */
		if (sscanf(p, " %hhx%n", &data[n], &used) != 1)
			break;
		p += used;
		n++;
	}
	return n;
}

/* "< send ID LEN B.. >" and the same after two interval fields (add,
 * filter: skip > 0). max: classic 8, FD 64. */
static int scan_frame(const char *el, struct proto_cmd *c, int intervals,
		      int max)
{
	unsigned int id = 0;
	int used = -1, items;

	if (intervals)
		/* NOLINTNEXTLINE(cert-err34-c) */
		items = sscanf(el, "< %*s %lu %lu %x %hhu%n", &c->sec, &c->usec,
			       &id, &c->len, &used);
	else
		/* NOLINTNEXTLINE(cert-err34-c) */
		items = sscanf(el, "< %*s %x %hhu%n", &id, &c->len, &used);
	c->can_id = id;
	if (items == (intervals ? 4 : 2) && used >= 0)
		items += scan_bytes(el + used, c->data, max);
	if (items < (intervals ? 4 : 2))
		return bad(c, "too few fields");
	if (c->len > max)
		return bad(c, "length too big");
	if (items != (intervals ? 4 : 2) + c->len)
		return bad(c, "byte count differs from the length");
	eff_if_8(el, intervals ? 4 : 2, &c->can_id);
	return 0;
}

static void parse_sendfd(const char *el, struct proto_cmd *c)
{
	/* as the rawmode-canfd branch: lengths between the valid ones
	 * are refused, never padded */
	if (!scan_frame(el, c, 0, PROTO_DATA_MAX) &&
	    !proto_lex_fd_len_valid(c->len))
		bad(c, "no CAN FD length");
}

/* "< delete ID >", "< unsubscribe ID >" */
static void parse_id_only(const char *el, struct proto_cmd *c)
{
	unsigned int id = 0;

	/* NOLINTNEXTLINE(cert-err34-c) */
	if (sscanf(el, "< %*s %x >", &id) != 1) {
		bad(c, "no id");
		return;
	}
	c->can_id = id;
	eff_if_8(el, 2, &c->can_id);
}

static void parse_subscribe(const char *el, struct proto_cmd *c)
{
	unsigned int id = 0;

	/* NOLINTNEXTLINE(cert-err34-c) */
	if (sscanf(el, "< %*s %lu %lu %x >", &c->sec, &c->usec, &id) != 3) {
		bad(c, "too few fields");
		return;
	}
	c->can_id = id;
	eff_if_8(el, 4, &c->can_id);
}

/*
 * "< muxfilter SEC USEC ID N B.. >": N tuples of 8 bytes, each byte two
 * hex digits and one separator, read at fixed places (24 characters a
 * tuple) from word 6 on, as the daemon reads them.
 */
static void parse_muxfilter(const char *el, struct proto_cmd *c)
{
	unsigned int id = 0, i, j;
	const char *p;

	/* NOLINTNEXTLINE(cert-err34-c) */
	if (sscanf(el, "< %*s %lu %lu %x %u ", &c->sec, &c->usec, &id,
		   &c->nframes) != 4 ||
	    c->nframes < 2 || c->nframes > PROTO_MUX_MAX) {
		bad(c, "bad header");
		return;
	}
	c->can_id = id;
	eff_if_8(el, 4, &c->can_id);
	p = word_start(el, 6);
	if (!p || strlen(p) < (size_t)c->nframes * 24) {
		bad(c, "data too short");
		return;
	}
	for (i = 0; i < c->nframes; i++)
		for (j = 0; j < 8; j++) {
			int hi = proto_lex_hexval(p[24 * i + 3 * j]);
			int lo = proto_lex_hexval(p[24 * i + 3 * j + 1]);

			if (hi < 0 || lo < 0) {
				bad(c, "bad hex in data");
				return;
			}
			c->mux[i][j] = (uint8_t)(hi << 4 | lo);
		}
}

/* CAN_ISOTP_* flags that need the optional fields (linux/can/isotp.h) */
#define ISOTP_EXTEND_ADDR 0x001
#define ISOTP_TX_PADDING 0x004
#define ISOTP_RX_PADDING 0x008
#define ISOTP_RX_EXT_ADDR 0x200

static void parse_isotpconf(const char *el, struct proto_cmd *c)
{
	struct proto_isotpconf *t = &c->isotp;
	int items;

	/* NOLINTNEXTLINE(cert-err34-c) */
	items = sscanf(el,
		       "< %*s %x %x %x %hhu %hhx %hhu %hhx %hhx %hhx %hhx >",
		       &t->tx_id, &t->rx_id, &t->flags, &t->bs, &t->stmin,
		       &t->wftmax, &t->txpad, &t->rxpad, &t->ext, &t->rxext);
	eff_if_8(el, 2, &t->tx_id);
	eff_if_8(el, 3, &t->rx_id);
	if ((t->flags & ISOTP_RX_EXT_ADDR && items < 10) ||
	    (t->flags & ISOTP_EXTEND_ADDR && items < 9) ||
	    (t->flags & ISOTP_RX_PADDING && items < 8) ||
	    (t->flags & ISOTP_TX_PADDING && items < 7) || items < 5)
		bad(c, "too few fields for the flags");
}

/* "< sendpdu HEX >": the digits start right after "< sendpdu " (the
 * daemon reads them from offset 10, however many spaces came). */
static void parse_sendpdu(const char *el, struct proto_cmd *c)
{
	size_t n = word_len(el, 2);

	if (n & 1) {
		bad(c, "odd number of hex digits");
		return;
	}
	if (n / 2 > PROTO_PDU_MAX) {
		bad(c, "PDU too long");
		return;
	}
	c->pdu_hex = el + 10;
	c->pdu_len = n / 2;
}

int proto_cmd_pdu(const struct proto_cmd *c, uint8_t *out)
{
	size_t i;

	for (i = 0; i < c->pdu_len; i++) {
		int hi = proto_lex_hexval(c->pdu_hex[2 * i]);
		int lo = proto_lex_hexval(c->pdu_hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* "< open NAME >": the daemon's sscanf("< open %s>"); a name longer than
 * a bus name can be is refused (the daemon overflowed on it). */
static void parse_open(const char *el, struct proto_cmd *c)
{
	const char *p = el + 7;
	size_t n;

	p += strspn(p, " \t\n\r\f\v");
	n = strcspn(p, " \t\n\r\f\v");
	if (n == 0 || n > PROTO_BUS_MAX) {
		bad(c, "bus name missing or too long");
		return;
	}
	memcpy(c->bus, p, n);
	c->bus[n] = '\0';
}

/*
 * "< BUS B bitrate sample_point tq prop_seg phase_seg1 phase_seg2 sjw brp >"
 * and "< BUS C listen_only loopback three_samples >" (a libsocketcan
 * build's NO_BUS commands): exactly these words, decimal numbers.
 */
static int parse_busconf(const char *el, struct proto_cmd *c)
{
	struct proto_bittiming *b = &c->bt;
	char bus[PROTO_BUS_MAX + 2], op[2], end[2];
	unsigned int v[3];
	int used = -1;

	/* NOLINTNEXTLINE(cert-err34-c) */
	if (sscanf(el, "< %17s %1s %n", bus, op, &used) != 2 || used < 0 ||
	    strlen(bus) > PROTO_BUS_MAX)
		return 0;
	if (op[0] == 'B' &&
	    /* NOLINTNEXTLINE(cert-err34-c) */
	    sscanf(el + used, "%u %u %u %u %u %u %u %u %1s", &b->bitrate,
		   &b->sample_point, &b->tq, &b->prop_seg, &b->phase_seg1,
		   &b->phase_seg2, &b->sjw, &b->brp, end) == 9 &&
	    end[0] == '>') {
		c->type = PROTO_CMD_BITTIMING;
	} else if (op[0] == 'C' &&
		   /* NOLINTNEXTLINE(cert-err34-c) */
		   sscanf(el + used, "%u %u %u %1s", &v[0], &v[1], &v[2],
			  end) == 4 &&
		   end[0] == '>' && v[0] <= 1 && v[1] <= 1 && v[2] <= 1) {
		c->type = PROTO_CMD_CTRLMODE;
		c->ctrl[0] = (uint8_t)v[0];
		c->ctrl[1] = (uint8_t)v[1];
		c->ctrl[2] = (uint8_t)v[2];
	} else {
		return 0;
	}
	memcpy(c->bus, bus, strlen(bus) + 1);
	return 1;
}

static const struct {
	const char *prefix;
	enum proto_cmd_type type;
} prefixed[] = {
	{ "< open ", PROTO_CMD_OPEN },
	{ "< send ", PROTO_CMD_SEND },
	{ "< sendfd ", PROTO_CMD_SENDFD },
	{ "< add ", PROTO_CMD_ADD },
	{ "< update ", PROTO_CMD_UPDATE },
	{ "< delete ", PROTO_CMD_DELETE },
	{ "< filter ", PROTO_CMD_FILTER },
	{ "< muxfilter ", PROTO_CMD_MUXFILTER },
	{ "< subscribe ", PROTO_CMD_SUBSCRIBE },
	{ "< unsubscribe ", PROTO_CMD_UNSUBSCRIBE },
	{ "< statistics ", PROTO_CMD_STATISTICS },
	{ "< isotpconf ", PROTO_CMD_ISOTPCONF },
	{ "< sendpdu ", PROTO_CMD_SENDPDU },
	{ "< rcan ", PROTO_CMD_RCAN },
};

static const struct {
	const char *text;
	enum proto_cmd_type type;
} whole[] = {
	{ "< echo >", PROTO_CMD_ECHO },
	{ "< rawmode >", PROTO_CMD_RAWMODE },
	{ "< bcmmode >", PROTO_CMD_BCMMODE },
	{ "< controlmode >", PROTO_CMD_CONTROLMODE },
	{ "< isotpmode >", PROTO_CMD_ISOTPMODE },
};

void proto_cmd_parse(const char *el, struct proto_cmd *c)
{
	size_t i;

	memset(c, 0, sizeof(*c) - sizeof(c->mux));
	c->type = PROTO_CMD_UNKNOWN;
	for (i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
		if (!strcmp(el, whole[i].text)) {
			c->type = whole[i].type;
			return;
		}
	for (i = 0; i < sizeof(prefixed) / sizeof(prefixed[0]); i++)
		if (!strncmp(el, prefixed[i].prefix,
			     strlen(prefixed[i].prefix))) {
			c->type = prefixed[i].type;
			break;
		}
	switch (c->type) {
	case PROTO_CMD_OPEN:
		parse_open(el, c);
		break;
	case PROTO_CMD_SEND:
	case PROTO_CMD_UPDATE:
		scan_frame(el, c, 0, 8);
		break;
	case PROTO_CMD_SENDFD:
		parse_sendfd(el, c);
		break;
	case PROTO_CMD_ADD:
	case PROTO_CMD_FILTER:
		scan_frame(el, c, 1, 8);
		break;
	case PROTO_CMD_DELETE:
	case PROTO_CMD_UNSUBSCRIBE:
		parse_id_only(el, c);
		break;
	case PROTO_CMD_MUXFILTER:
		parse_muxfilter(el, c);
		break;
	case PROTO_CMD_SUBSCRIBE:
		parse_subscribe(el, c);
		break;
	case PROTO_CMD_STATISTICS:
		/* NOLINTNEXTLINE(cert-err34-c) */
		if (sscanf(el, "< %*s %u >", &c->stat_ms) != 1)
			bad(c, "no interval");
		break;
	case PROTO_CMD_ISOTPCONF:
		parse_isotpconf(el, c);
		break;
	case PROTO_CMD_SENDPDU:
		parse_sendpdu(el, c);
		break;
	case PROTO_CMD_RCAN:
		if (!proto_ext_cmd_parse(el, &c->ext_version, &c->ext_features))
			break;
		/* not the extension's: maybe a bus named rcan */
		c->type = PROTO_CMD_UNKNOWN;
		parse_busconf(el, c);
		break;
	default:
		parse_busconf(el, c);
		break;
	}
}

const char *proto_cmd_name(enum proto_cmd_type t)
{
	static const char *const names[PROTO_CMD_COUNT] = {
		[PROTO_CMD_UNKNOWN] = "unknown",
		[PROTO_CMD_OPEN] = "open",
		[PROTO_CMD_BITTIMING] = "bittiming",
		[PROTO_CMD_CTRLMODE] = "ctrlmode",
		[PROTO_CMD_RAWMODE] = "rawmode",
		[PROTO_CMD_BCMMODE] = "bcmmode",
		[PROTO_CMD_CONTROLMODE] = "controlmode",
		[PROTO_CMD_ISOTPMODE] = "isotpmode",
		[PROTO_CMD_ECHO] = "echo",
		[PROTO_CMD_SEND] = "send",
		[PROTO_CMD_SENDFD] = "sendfd",
		[PROTO_CMD_ADD] = "add",
		[PROTO_CMD_UPDATE] = "update",
		[PROTO_CMD_DELETE] = "delete",
		[PROTO_CMD_FILTER] = "filter",
		[PROTO_CMD_MUXFILTER] = "muxfilter",
		[PROTO_CMD_SUBSCRIBE] = "subscribe",
		[PROTO_CMD_UNSUBSCRIBE] = "unsubscribe",
		[PROTO_CMD_STATISTICS] = "statistics",
		[PROTO_CMD_ISOTPCONF] = "isotpconf",
		[PROTO_CMD_SENDPDU] = "sendpdu",
		[PROTO_CMD_RCAN] = "rcan",
	};

	return (unsigned int)t < PROTO_CMD_COUNT && names[t] ? names[t] : "?";
}
