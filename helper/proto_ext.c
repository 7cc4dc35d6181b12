// SPDX-License-Identifier: GPL-2.0
/*
 * The rcan extension's elements (docs/RCAN-EXTENSION.md), read and
 * written. Only `rcand serve` sends them, and only to a client that
 * asked, so they are read strictly: a count that could be misread would
 * confirm the wrong frames, so a malformed one loses the stream (as
 * garbage does) instead of being guessed at. Feature words and failure
 * reasons of a newer version are skipped, which is what lets the
 * extension grow without a new version.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "proto.h"
#include "proto_lex.h"

#define MAX_WORDS 16 /* rcan + version + the features, with room */

struct xword {
	const char *s;
	size_t n;
};

static const char *const feature_names[] = { "confirm", "state" };

static const char *const reason_names[PROTO_EXT_R_COUNT] = {
	[PROTO_EXT_R_BUSY] = "busy",	   [PROTO_EXT_R_DOWN] = "down",
	[PROTO_EXT_R_INVALID] = "invalid", [PROTO_EXT_R_CLOSED] = "closed",
	[PROTO_EXT_R_LOST] = "lost",	   [PROTO_EXT_R_OTHER] = "other",
};

/* enum can_state's order (<linux/can/netlink.h>) */
static const char *const state_names[PROTO_EXT_STATE_COUNT] = {
	"error-active", "error-warning", "error-passive", "bus-off", "stopped",
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Words of s[0..n); -1 when there are more than max. */
static int split(const char *s, size_t n, struct xword *w, int max)
{
	size_t i = 0;
	int nw = 0;

	while (i < n) {
		size_t start;

		while (i < n && is_space(s[i]))
			i++;
		if (i == n)
			break;
		if (nw == max)
			return -1;
		start = i;
		while (i < n && !is_space(s[i]))
			i++;
		w[nw].s = s + start;
		w[nw].n = i - start;
		nw++;
	}
	return nw;
}

static int is(const struct xword *w, const char *lit)
{
	size_t n = strlen(lit);

	return w->n == n && !memcmp(w->s, lit, n);
}

/* Decimal digits only (no sign, no 0x), at most max (proto_lex.c). */
static int dec32(const struct xword *w, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (proto_lex_dec(w->s, w->n, 10, max, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* A feature word: [a-z0-9-]+ */
static int feature_word(const struct xword *w)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		char c = w->s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return 0;
	}
	return w->n > 0;
}

static int find(const struct xword *w, const char *const *names, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (is(w, names[i]))
			return (int)i;
	return -1;
}

/* VERSION FEATURE... from word 1 on. */
static int parse_rcan(const struct xword *w, int nw, uint32_t *version,
		      uint32_t *features)
{
	int i;

	if (nw < 2 || dec32(&w[1], UINT32_MAX, version) < 0 || !*version)
		return -1;
	*features = 0;
	for (i = 2; i < nw; i++) {
		int f;

		if (!feature_word(&w[i]))
			return -1;
		f = find(&w[i], feature_names,
			 sizeof(feature_names) / sizeof(feature_names[0]));
		if (f >= 0)
			*features |= 1U << f;
	}
	return 0;
}

static int parse_count(const struct xword *w, uint32_t *count)
{
	return dec32(w, UINT32_MAX, count) < 0 || !*count ? -1 : 0;
}

/* Returns the event type, or PROTO_EV_GARBAGE. */
static enum proto_ev_type parse(const struct xword *w, int nw,
				struct proto_event *ev)
{
	struct proto_ext *x = &ev->ext;
	uint32_t v;
	int i;

	if (is(&w[0], "rcan"))
		return parse_rcan(w, nw, &x->version, &x->features) ?
			       PROTO_EV_GARBAGE :
			       PROTO_EV_RCAN;
	if (is(&w[0], "sent")) {
		if (nw != 3 || parse_count(&w[1], &x->count) ||
		    proto_lex_ts(w[2].s, w[2].n, PROTO_LEX_TS_VERDICT,
				 &ev->ts_ns))
			return PROTO_EV_GARBAGE;
		return PROTO_EV_SENT;
	}
	if (is(&w[0], "failed")) {
		if (nw != 3 || parse_count(&w[1], &x->count) ||
		    !feature_word(&w[2]))
			return PROTO_EV_GARBAGE;
		i = find(&w[2], reason_names, PROTO_EXT_R_OTHER);
		x->reason = (uint8_t)(i < 0 ? PROTO_EXT_R_OTHER : i);
		return PROTO_EV_FAILED;
	}
	if (is(&w[0], "state")) {
		i = nw == 4 ? find(&w[1], state_names, PROTO_EXT_STATE_COUNT) :
			      -1;
		if (i < 0 || dec32(&w[2], 65535, &v))
			return PROTO_EV_GARBAGE;
		x->state = (uint8_t)i;
		x->txerr = (uint16_t)v;
		if (dec32(&w[3], 65535, &v))
			return PROTO_EV_GARBAGE;
		x->rxerr = (uint16_t)v;
		return PROTO_EV_STATE;
	}
	/* bittiming */
	if (nw != 3 || dec32(&w[1], UINT32_MAX, &x->bitrate) ||
	    dec32(&w[2], UINT32_MAX, &x->dbitrate))
		return PROTO_EV_GARBAGE;
	return PROTO_EV_BITTIMING;
}

int proto_ext_parse_event(const char *s, size_t n, struct proto_event *ev)
{
	static const char *const words[] = { "rcan", "sent", "failed", "state",
					     "bittiming" };
	struct xword w[MAX_WORDS];
	int nw = split(s, n, w, MAX_WORDS);

	if (nw == 0)
		return 0;
	if (nw < 0) {
		/* too many words for any of ours; theirs if the first is */
		split(s, n, w, 1);
		if (find(&w[0], words, 5) < 0)
			return 0;
		ev->type = PROTO_EV_GARBAGE;
		return 1;
	}
	if (find(&w[0], words, 5) < 0)
		return 0;
	ev->type = parse(w, nw, ev);
	if (ev->type == PROTO_EV_GARBAGE)
		memset(&ev->ext, 0, sizeof(ev->ext));
	return 1;
}

int proto_ext_cmd_parse(const char *el, uint32_t *version, uint32_t *features)
{
	struct xword w[MAX_WORDS * 4];
	size_t n = strlen(el);
	int nw;

	/* "< rcan ... >": the brackets, each with its space */
	if (n < 4 || memcmp(el, "< ", 2) || memcmp(el + n - 2, " >", 2))
		return -1;
	nw = split(el + 2, n - 4, w, MAX_WORDS * 4);
	if (nw < 0 || !nw || !is(&w[0], "rcan"))
		return -1;
	return parse_rcan(w, nw, version, features);
}

static int out(size_t size, int n)
{
	return n < 0 || (size_t)n >= size ? -1 : n;
}

int proto_ext_format_rcan(char *buf, size_t size, uint32_t version,
			  uint32_t features)
{
	size_t i, len;
	int n;

	n = out(size, snprintf(buf, size, "< rcan %" PRIu32, version));
	if (n < 0 || !version)
		return -1;
	len = (size_t)n;
	for (i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++) {
		if (!(features & (1U << i)))
			continue;
		n = out(size - len, snprintf(buf + len, size - len, " %s",
					     feature_names[i]));
		if (n < 0)
			return -1;
		len += (size_t)n;
	}
	n = out(size - len, snprintf(buf + len, size - len, " >"));
	return n < 0 ? -1 : (int)(len + (size_t)n);
}

int proto_ext_format_sent(char *buf, size_t size, uint32_t count, int64_t sec,
			  long usec)
{
	if (!count || sec < 0 || usec < 0 || usec > 999999)
		return -1;
	return out(size,
		   snprintf(buf, size, "< sent %" PRIu32 " %" PRId64 ".%06ld >",
			    count, sec, usec));
}

int proto_ext_format_failed(char *buf, size_t size, uint32_t count,
			    enum proto_ext_reason reason)
{
	if (!count || (unsigned int)reason >= PROTO_EXT_R_OTHER)
		return -1;
	return out(size, snprintf(buf, size, "< failed %" PRIu32 " %s >", count,
				  reason_names[reason]));
}

int proto_ext_format_state(char *buf, size_t size, unsigned int state,
			   unsigned int txerr, unsigned int rxerr)
{
	if (state >= PROTO_EXT_STATE_COUNT || txerr > 65535 || rxerr > 65535)
		return -1;
	return out(size, snprintf(buf, size, "< state %s %u %u >",
				  state_names[state], txerr, rxerr));
}

int proto_ext_format_bittiming(char *buf, size_t size, uint32_t bitrate,
			       uint32_t dbitrate)
{
	return out(size,
		   snprintf(buf, size, "< bittiming %" PRIu32 " %" PRIu32 " >",
			    bitrate, dbitrate));
}

const char *proto_ext_reason_name(unsigned int r)
{
	return r < PROTO_EXT_R_COUNT ? reason_names[r] : "?";
}

const char *proto_ext_state_name(unsigned int st)
{
	return st < PROTO_EXT_STATE_COUNT ? state_names[st] : "?";
}
