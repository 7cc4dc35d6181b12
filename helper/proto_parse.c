// SPDX-License-Identifier: GPL-2.0
/*
 * Incremental parser for the elements socketcand sends: `< word ... >`.
 * Input may be split and coalesced at any byte. Whitespace between
 * elements is allowed (the daemon's configuration errors end in " \n");
 * anything else outside an element, a '<' inside one, control bytes, or
 * an element longer than the daemon's own 8290-byte limit means the
 * stream can no longer be trusted.
 */
#include <string.h>

#include "proto.h"
#include "proto_lex.h"

#define MAX_WORDS 72 /* frame + id + ts + 64 BCM bytes, with room */

struct word {
	const char *s;
	size_t n;
};

void proto_init(struct proto_parser *p)
{
	p->len = 0;
	p->in_elem = 0;
	p->failed = 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int word_is(const struct word *w, const char *lit)
{
	size_t n = strlen(lit);

	return w->n == n && memcmp(w->s, lit, n) == 0;
}

/* Up to 8 hex digits into a u32. */
static int parse_hex32(const struct word *w, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (w->n == 0 || w->n > 8)
		return -1;
	for (i = 0; i < w->n; i++) {
		int d = proto_lex_hexval(w->s[i]);

		if (d < 0)
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

/* "SEC.FRACTION" (the daemon prints %lld.%06lld; forks print up to 9
 * digits) into ns since the epoch. */
static int parse_ts(const struct word *w, uint64_t *ns)
{
	return proto_lex_ts(w->s, w->n, PROTO_LEX_TS_FRAME, ns);
}

/* One word of 2*k hex digits into bytes, appended at ev->data[ev->len]. */
static int parse_bytes(const struct word *w, struct proto_event *ev, size_t max)
{
	size_t i;

	if (w->n % 2 || ev->len + w->n / 2 > max)
		return -1;
	for (i = 0; i < w->n; i += 2) {
		int hi = proto_lex_hexval(w->s[i]),
		    lo = proto_lex_hexval(w->s[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		ev->data[ev->len++] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* The id's width tells SFF (up to 3 digits) from EFF (exactly 8). */
static int parse_can_id(const struct word *w, uint32_t *id)
{
	uint32_t v;

	if (parse_hex32(w, &v) < 0)
		return -1;
	if (w->n <= 3) {
		if (v > PROTO_SFF_MASK)
			return -1;
		*id = v;
		return 0;
	}
	if (w->n == 8 && v <= PROTO_EFF_MASK) {
		*id = v | PROTO_EFF_FLAG;
		return 0;
	}
	return -1;
}

/* The frame dialect (PRs #71/#72) sends FD frames as `< frame >` too: one
 * with more than 8 bytes is FD, one of 8 or fewer cannot be told from a
 * classic frame and is taken as one. */
static void frame_is_fd(struct proto_event *ev)
{
	ev->type = PROTO_EV_FDFRAME;
	ev->fd_flags = PROTO_FD_F_FD;
	ev->dialect = PROTO_DIALECT_FRAME;
}

/* < frame ID TS [HEX | HH HH ...] >: raw mode has all bytes in one word,
 * BCM mode one word per byte; both may have no data word at all. */
static int parse_frame(const struct word *w, size_t nw, struct proto_event *ev)
{
	size_t i;

	if (nw < 3 || parse_can_id(&w[1], &ev->can_id) < 0 ||
	    parse_ts(&w[2], &ev->ts_ns) < 0)
		return -1;
	if (nw == 4) {
		if (parse_bytes(&w[3], ev, PROTO_DATA_MAX) < 0 ||
		    !proto_lex_fd_len_valid(ev->len))
			return -1;
		if (ev->len > 8)
			frame_is_fd(ev);
		return 0;
	}
	for (i = 3; i < nw; i++) {
		if (w[i].n != 2 || parse_bytes(&w[i], ev, 8) < 0)
			return -1;
	}
	ev->bcm_format = nw > 4;
	return 0;
}

static int has_dot(const struct word *w)
{
	return memchr(w->s, '.', w->n) != NULL;
}

/*
 * Two unmerged proposals: `< fdframe ID TS [HEX] >` (branch rawmode-canfd)
 * and `< fdframe ID FLAGS TS [HEX] >` (PR #33). A timestamp always holds a
 * '.', FLAGS is always two hex digits and never does: word 3 with a '.' is
 * the branch's timestamp; two hex digits followed by a word with a '.' are
 * #33's FLAGS and timestamp; anything else is malformed.
 */
static int parse_fdframe(const struct word *w, size_t nw,
			 struct proto_event *ev)
{
	size_t tsw = 2;
	uint32_t flags = 0;

	if (nw < 3 || nw > 5 || parse_can_id(&w[1], &ev->can_id) < 0)
		return -1;
	ev->dialect = PROTO_DIALECT_RAWMODE_CANFD;
	if (!has_dot(&w[2])) {
		if (nw < 4 || w[2].n != 2 || parse_hex32(&w[2], &flags) < 0 ||
		    !has_dot(&w[3]))
			return -1;
		tsw = 3;
		ev->dialect = PROTO_DIALECT_PR33;
	}
	if (nw > tsw + 2 || parse_ts(&w[tsw], &ev->ts_ns) < 0)
		return -1;
	if (tsw + 1 < nw && parse_bytes(&w[tsw + 1], ev, PROTO_DATA_MAX) < 0)
		return -1;
	if (!proto_lex_fd_len_valid(ev->len))
		return -1;
	/* #33's FLAGS is the kernel's flags byte: CANFD_BRS 0x01, CANFD_ESI
	 * 0x02; kernels from 6.2 add CANFD_FDF 0x04, which says nothing new */
	ev->fd_flags = PROTO_FD_F_FD | (flags & 1 ? PROTO_FD_F_BRS : 0) |
		       (flags & 2 ? PROTO_FD_F_ESI : 0);
	return 0;
}

/* `< error CLASS TS >` is an error frame; any other error is words. */
static int is_error_frame(const struct word *w, size_t nw,
			  struct proto_event *ev)
{
	uint32_t cls;

	if (nw != 3 || parse_hex32(&w[1], &cls) < 0 || cls > PROTO_EFF_MASK)
		return 0;
	if (parse_ts(&w[2], &ev->ts_ns) < 0)
		return 0;
	ev->can_id = PROTO_ERR_FLAG | cls;
	ev->len = 8; /* CAN_ERR_DLC; the daemon sends no detail bytes */
	return 1;
}

void proto_parse_element(const char *s, size_t n, struct proto_event *ev)
{
	struct word w[MAX_WORDS];
	size_t nw = 0, i = 0;

	memset(ev, 0, sizeof(*ev));
	ev->text = s;
	ev->text_len = n;

	while (i < n) {
		size_t start;

		while (i < n && is_space(s[i]))
			i++;
		if (i == n)
			break;
		if (nw == MAX_WORDS) {
			ev->type = PROTO_EV_GARBAGE;
			return;
		}
		start = i;
		while (i < n && !is_space(s[i]))
			i++;
		w[nw].s = s + start;
		w[nw].n = i - start;
		nw++;
	}
	if (nw == 0) {
		ev->type = PROTO_EV_GARBAGE;
		return;
	}

	if (word_is(&w[0], "frame")) {
		ev->type = PROTO_EV_FRAME;
		if (parse_frame(w, nw, ev) < 0)
			ev->type = PROTO_EV_GARBAGE;
	} else if (word_is(&w[0], "fdframe")) {
		ev->type = parse_fdframe(w, nw, ev) < 0 ? PROTO_EV_GARBAGE :
							  PROTO_EV_FDFRAME;
	} else if (word_is(&w[0], "error")) {
		if (is_error_frame(w, nw, ev)) {
			ev->type = PROTO_EV_ERRFRAME;
		} else {
			ev->type = PROTO_EV_ERROR;
			ev->can_id = 0;
			ev->len = 0;
			ev->ts_ns = 0;
		}
	} else if (nw == 1 && word_is(&w[0], "ok")) {
		ev->type = PROTO_EV_OK;
	} else if (nw == 1 && word_is(&w[0], "hi")) {
		ev->type = PROTO_EV_HI;
	} else if (nw == 1 && word_is(&w[0], "echo")) {
		ev->type = PROTO_EV_ECHO;
	} else if (word_is(&w[0], "stat")) {
		ev->type = PROTO_EV_STAT;
		if (nw != 5)
			ev->type = PROTO_EV_GARBAGE;
		for (i = 1; i < nw && ev->type == PROTO_EV_STAT; i++)
			if (proto_lex_dec(w[i].s, w[i].n, 19, UINT64_MAX,
					  &ev->stat[i - 1]) < 0)
				ev->type = PROTO_EV_GARBAGE;
	} else if (!proto_ext_parse_event(s, n, ev)) {
		ev->type = PROTO_EV_UNKNOWN;
	}
}

static int fail(struct proto_parser *p, enum proto_ev_type t, const char *s,
		size_t n, proto_cb cb, void *arg)
{
	struct proto_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = t;
	ev.text = s;
	ev.text_len = n;
	p->failed = 1;
	p->in_elem = 0;
	p->len = 0;
	return cb(&ev, arg);
}

/* Inside an element: take bytes up to '>' (or all of them). Returns the
 * bytes used, or -1 when the parser failed (the callback was called). */
static long feed_inside(struct proto_parser *p, const char *data, size_t n,
			proto_cb cb, void *arg, int *rc)
{
	const char *gt = memchr(data, '>', n);
	size_t chunk = gt ? (size_t)(gt - data) : n;
	size_t k;
	struct proto_event ev;

	/* The '<' and '>' count against the daemon's limit. Bytes are
	 * checked up to the limit first, so the verdict does not depend on
	 * how the input was split. */
	size_t room = PROTO_ELEM_MAX - 2 - p->len;

	for (k = 0; k < chunk && k < room; k++) {
		unsigned char c = (unsigned char)data[k];

		if (c == '<' || c == 0x7f || (c < 0x20 && !is_space((char)c))) {
			*rc = fail(p, PROTO_EV_GARBAGE, data + k, 1, cb, arg);
			return -1;
		}
	}
	if (chunk > room) {
		/* show the element's start, wherever it is */
		if (p->len)
			*rc = fail(p, PROTO_EV_OVERSIZE, p->buf,
				   p->len > 32 ? 32 : p->len, cb, arg);
		else
			*rc = fail(p, PROTO_EV_OVERSIZE, data, 32, cb, arg);
		return -1;
	}
	memcpy(p->buf + p->len, data, chunk);
	p->len += chunk;
	if (!gt)
		return (long)chunk;
	p->in_elem = 0;
	proto_parse_element(p->buf, p->len, &ev);
	if (ev.type == PROTO_EV_GARBAGE)
		p->failed = 1;
	*rc = cb(&ev, arg);
	p->len = 0;
	return (long)chunk + 1;
}

int proto_feed(struct proto_parser *p, const char *data, size_t n, proto_cb cb,
	       void *arg)
{
	size_t i = 0;
	int rc = 0;

	while (i < n && !p->failed && !rc) {
		long used;

		if (!p->in_elem) {
			/* Between elements: only whitespace may appear. */
			while (i < n && is_space(data[i]))
				i++;
			if (i == n)
				break;
			if (data[i] != '<')
				return fail(p, PROTO_EV_GARBAGE, data + i,
					    n - i > 32 ? 32 : n - i, cb, arg);
			p->in_elem = 1;
			p->len = 0;
			i++;
			continue;
		}
		used = feed_inside(p, data + i, n - i, cb, arg, &rc);
		if (used < 0)
			return rc;
		i += (size_t)used;
	}
	return rc;
}

const char *proto_ev_name(enum proto_ev_type t)
{
	static const char *const names[] = {
		[PROTO_EV_FRAME] = "frame",
		[PROTO_EV_FDFRAME] = "fdframe",
		[PROTO_EV_ERRFRAME] = "errframe",
		[PROTO_EV_ERROR] = "error",
		[PROTO_EV_OK] = "ok",
		[PROTO_EV_HI] = "hi",
		[PROTO_EV_ECHO] = "echo",
		[PROTO_EV_STAT] = "stat",
		[PROTO_EV_UNKNOWN] = "unknown",
		[PROTO_EV_GARBAGE] = "garbage",
		[PROTO_EV_OVERSIZE] = "oversize",
		[PROTO_EV_RCAN] = "rcan",
		[PROTO_EV_SENT] = "sent",
		[PROTO_EV_FAILED] = "failed",
		[PROTO_EV_STATE] = "state",
		[PROTO_EV_BITTIMING] = "bittiming",
	};

	if ((unsigned int)t < sizeof(names) / sizeof(names[0]) && names[t])
		return names[t];
	return "?";
}
