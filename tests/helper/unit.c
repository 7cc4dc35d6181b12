// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of rcand's pure code: the socketcand parser and formatter,
 * the beacon parser, remote address parsing, the backoff, command-line
 * numbers, the TX completion ring and TX refusals, the round trip, the TX
 * window, frame bit lengths and TX pacing. KTAP output.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <errno.h>
#include <linux/genetlink.h>

#include "args.h"
#include "backoff.h"
#include "beacon.h"
#include "canbits.h"
#include "nlerr.h"
#include "pacer.h"
#include "ratelearn.h"
#include "proto.h"
#include "proto_lex.h"
#include "proto_server.h"
#include "remote.h"
#include "rtt.h"
#include "runstate.h"
#include "tx_refusal.h"
#include "txring.h"
#include "txwin.h"

static int failures;

#define EXPECT(cond)                                                          \
	do {                                                                  \
		if (!(cond)) {                                                \
			printf("# %s:%d: expected %s\n", __FILE__, __LINE__,  \
			       #cond);                                        \
			failures++;                                           \
		}                                                             \
	} while (0)

/* ---- collecting parser events as one text line each ---- */

struct collect {
	char out[65536];
	size_t len;
};

static void addf(struct collect *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->out + c->len, sizeof(c->out) - c->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->len += (size_t)n;
	if (c->len >= sizeof(c->out))
		c->len = sizeof(c->out) - 1;
}

static int collect_cb(const struct proto_event *ev, void *arg)
{
	struct collect *c = arg;
	unsigned int i;

	addf(c, "%s", proto_ev_name(ev->type));
	switch (ev->type) {
	case PROTO_EV_FRAME:
	case PROTO_EV_FDFRAME:
	case PROTO_EV_ERRFRAME:
		addf(c, " %08X %llu.%09llu %u:", ev->can_id,
		     (unsigned long long)(ev->ts_ns / 1000000000ULL),
		     (unsigned long long)(ev->ts_ns % 1000000000ULL), ev->len);
		for (i = 0; i < ev->len; i++)
			addf(c, "%02X", ev->data[i]);
		if (ev->bcm_format)
			addf(c, " bcm");
		if (ev->fd_flags)
			addf(c, " fd%X", ev->fd_flags);
		if (ev->dialect)
			addf(c, " d%u", ev->dialect);
		break;
	case PROTO_EV_ERROR:
	case PROTO_EV_UNKNOWN:
		addf(c, " [%.*s]", (int)ev->text_len, ev->text);
		break;
	case PROTO_EV_STAT:
		addf(c, " %llu %llu %llu %llu",
		     (unsigned long long)ev->stat[0],
		     (unsigned long long)ev->stat[1],
		     (unsigned long long)ev->stat[2],
		     (unsigned long long)ev->stat[3]);
		break;
	default:
		break;
	}
	addf(c, "\n");
	return 0;
}

static struct proto_parser P;

/* The fingerprint's answers: frames go past it, as in the session. */
static int probe_cb(const struct proto_event *ev, void *arg)
{
	struct {
		struct proto_probe p;
		int done;
	} *a = arg;

	if (ev->type == PROTO_EV_FRAME || ev->type == PROTO_EV_FDFRAME ||
	    ev->type == PROTO_EV_ERRFRAME)
		return 0;
	if (proto_probe_feed(&a->p, ev))
		a->done = 1;
	return 0;
}

static const char *parse_all(const char *in, size_t n, size_t step)
{
	static struct collect c;
	size_t off = 0;

	memset(&c, 0, sizeof(c));
	proto_init(&P);
	if (!step)
		step = n ? n : 1;
	while (off < n) {
		size_t k = n - off < step ? n - off : step;

		proto_feed(&P, in + off, k, collect_cb, &c);
		off += k;
	}
	c.out[c.len] = 0;
	return c.out;
}

static int parses_to(const char *in, const char *want)
{
	const char *got = parse_all(in, strlen(in), 0);

	if (strcmp(got, want)) {
		printf("# input: %s\n# want:  %s# got:   %s", in, want, got);
		return 0;
	}
	return 1;
}

/* ---- tests ---- */

static void t_reference_examples(void)
{
	EXPECT(parses_to("< hi >", "hi\n"));
	EXPECT(parses_to("< ok >", "ok\n"));
	EXPECT(parses_to("< echo >", "echo\n"));
	EXPECT(parses_to("< frame 123 1637791111.209224 1122334455667788 >",
			 "frame 00000123 1637791111.209224000 8:1122334455667788\n"));
	EXPECT(parses_to("< frame 000006FD 1637791111.209224 C410E32D96FF256B >",
			 "frame 800006FD 1637791111.209224000 8:C410E32D96FF256B\n"));
	EXPECT(parses_to("< frame 123 1637791111.209224  >",
			 "frame 00000123 1637791111.209224000 0:\n"));
	EXPECT(parses_to("< error 004 1637791111.209224 >",
			 "errframe 20000004 1637791111.209224000 8:0000000000000000\n"));
	EXPECT(parses_to("< error could not open bus >",
			 "error [ error could not open bus ]\n"));
	EXPECT(parses_to("< error could not start interface can0 >",
			 "error [ error could not start interface can0 ]\n"));
	EXPECT(parses_to("< error unknown command >",
			 "error [ error unknown command ]\n"));
	EXPECT(parses_to("< stat 10 2 30 4 >", "stat 10 2 30 4\n"));
	/* Configuration failure replies end in " \n" outside the element. */
	EXPECT(parses_to("< error configuring interface can0 > \n< ok >",
			 "error [ error configuring interface can0 ]\nok\n"));
	EXPECT(parses_to("< configuration operation not supported X > \n",
			 "unknown [ configuration operation not supported X ]\n"));
	/* BCM spacing before rawmode's ok */
	EXPECT(parses_to("< frame 123 1795527308.481669 11 22 33  >",
			 "frame 00000123 1795527308.481669000 3:112233 bcm\n"));
	EXPECT(parses_to("< ok >< ok >< frame 7FF 1.000001 AA >",
			 "ok\nok\nframe 000007FF 1.000001000 1:AA\n"));
	EXPECT(parses_to("< frame 1FFFFFFF 0.0 00 >",
			 "frame 9FFFFFFF 0.000000000 1:00\n"));
	/* lower case hex is accepted */
	EXPECT(parses_to("< frame 1ab 5.5 aabb >",
			 "frame 000001AB 5.500000000 2:AABB\n"));
}

static void t_fd_proposals(void)
{
	/* branch rawmode-canfd: no FLAGS; the tag says the dialect */
	EXPECT(parses_to("< fdframe 123 1.000002 00112233445566778899AABB >",
			 "fdframe 00000123 1.000002000 12:00112233445566778899AABB fd1 d2\n"));
	EXPECT(parses_to("< fdframe 123 1.000002  >",
			 "fdframe 00000123 1.000002000 0: fd1 d2\n"));
	/* an FD frame of one byte: the data word is two hex digits too */
	EXPECT(parses_to("< fdframe 123 1.000002 AB >",
			 "fdframe 00000123 1.000002000 1:AB fd1 d2\n"));
	/* PR #33: FLAGS, two hex digits; FDF (04) of newer kernels ignored */
	EXPECT(parses_to("< fdframe 00000123 03 1.5 0011 >",
			 "fdframe 80000123 1.500000000 2:0011 fd7 d3\n"));
	EXPECT(parses_to("< fdframe 123 04 1700000000.000001  >",
			 "fdframe 00000123 1700000000.000001000 0: fd1 d3\n"));
	EXPECT(parses_to("< fdframe 123 05 1.000001 AB >",
			 "fdframe 00000123 1.000001000 1:AB fd3 d3\n"));
	EXPECT(parses_to("< fdframe 123 06 1.000001 AB >",
			 "fdframe 00000123 1.000001000 1:AB fd5 d3\n"));
	EXPECT(parses_to("< fdframe 123 00 1.000001 AB >",
			 "fdframe 00000123 1.000001000 1:AB fd1 d3\n"));
	/* the frame dialect: < frame > with more than 8 bytes is FD */
	EXPECT(parses_to("< frame 123 1.000001 00112233445566778899AABB >",
			 "fdframe 00000123 1.000001000 12:00112233445566778899AABB fd1 d4\n"));
	/* 8 or fewer bytes: classic, it cannot be told apart */
	EXPECT(parses_to("< frame 123 1.000001 0011223344556677 >",
			 "frame 00000123 1.000001000 8:0011223344556677\n"));
}

/* Every valid FD length in every receive form, and the lengths between. */
static void t_fd_lengths(void)
{
	static const char *const forms[] = {
		"fdframe %s 1.000001 %s", "fdframe %s 01 1.000001 %s",
		"frame %s 1.000001 %s",
	};
	unsigned int len, f, i;
	char el[400], hexs[140];
	struct proto_event ev;

	for (f = 0; f < 3; f++) {
		for (len = 0; len <= 64; len++) {
			int valid = len <= 8 || len == 12 || len == 16 ||
				    len == 20 || len == 24 || len == 32 ||
				    len == 48 || len == 64;
			int n;

			for (i = 0; i < len; i++)
				snprintf(hexs + (size_t)2 * i, 3, "%02X",
					 (i * 37 + len) & 0xff);
			hexs[(size_t)2 * len] = 0;
			n = snprintf(el, sizeof(el), forms[f],
				     len & 1 ? "1ABCDEF0" : "7FF", hexs);
			proto_parse_element(el, (size_t)n, &ev);
			if (!valid) {
				EXPECT(ev.type == PROTO_EV_GARBAGE);
				continue;
			}
			EXPECT(ev.len == len);
			EXPECT(ev.can_id ==
			       (len & 1 ? 0x1ABCDEF0 | PROTO_EFF_FLAG : 0x7FF));
			for (i = 0; i < len; i++)
				EXPECT(ev.data[i] == ((i * 37 + len) & 0xff));
			if (f == 2 && len <= 8) {
				EXPECT(ev.type == PROTO_EV_FRAME && !ev.fd_flags);
				continue;
			}
			EXPECT(ev.type == PROTO_EV_FDFRAME);
			EXPECT(ev.fd_flags ==
			       (PROTO_FD_F_FD | (f == 1 ? PROTO_FD_F_BRS : 0)));
			EXPECT(ev.dialect == (f == 0 ? PROTO_DIALECT_RAWMODE_CANFD :
					      f == 1 ? PROTO_DIALECT_PR33 :
						       PROTO_DIALECT_FRAME));
		}
	}
	/* more than 64 bytes: no form takes it */
	memset(hexs, 'A', 130);
	hexs[130] = 0;
	for (f = 0; f < 3; f++) {
		int n = snprintf(el, sizeof(el), forms[f], "123", hexs);

		proto_parse_element(el, (size_t)n, &ev);
		EXPECT(ev.type == PROTO_EV_GARBAGE);
	}
}

static void t_fd_malformed(void)
{
	static const char *const bad[] = {
		"< fdframe 123 3 1.5 0011 >",		/* FLAGS of one digit */
		"< fdframe 123 003 1.5 0011 >",		/* three */
		"< fdframe 123 0G 1.5 0011 >",		/* not hex */
		"< fdframe 123 01 15 0011 >",		/* no timestamp */
		"< fdframe 123 01 >",
		"< fdframe 123 1.5 0011 22 >",		/* branch, 5 words */
		"< fdframe 123 01 1.5 0011 22 >",	/* #33, 6 words */
		"< fdframe 123 01 1.5 1.5 >",		/* data with a dot */
		"< fdframe 123 1.5 01 0011 >",
		"< fdframe 800 1.5 00 >",		/* SFF id out of range */
		"< fdframe 0000123 1.5 00 >",		/* 7 digits */
		"< fdframe 123 1.5 0 >",		/* odd digits */
		"< fdframe 123 >",
		"< fdframe >",
		"< frame 123 1.0 00112233445566778899 >",	/* 10 bytes */
		"< frame 123 1.0 11 22 33 44 55 66 77 88 99 >",	/* BCM, 9 */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT(parses_to(bad[i], "garbage\n"));
}

static void t_malformed_frames(void)
{
	static const char *const bad[] = {
		"< frame 800 1.0 00 >",		/* SFF id out of range */
		"< frame 0000012 1.0 00 >",	/* 7 digits */
		"< frame 20000000 1.0 00 >",	/* EFF id out of range */
		"< frame 123 1.0 001122334455667788 >",	/* 9 bytes */
		"< frame 123 1.0 00112233445566778899AABBCC >",	/* 13 */
		"< frame 123 1.0 0 >",		/* odd digits */
		"< frame 123 1.0 GG >",
		"< frame 123 10 00 >",		/* no dot */
		"< frame 123 1. 00 >",
		"< frame 123 .1 00 >",
		"< frame 123 >",
		"< frame >",
		"< frame 123 1.0 11 22 3 >",	/* BCM with a 1-digit byte */
		"< frame 123 1.0 11 22 33 44 55 66 77 88 99 >",
		"< stat 1 2 3 >",
		"< stat 1 2 3 x >",
		"<  >",
		"<>",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT(parses_to(bad[i], "garbage\n"));
	/* An error with a valid timestamp but 2 words is a frame, 3 are not. */
	EXPECT(parses_to("< error 004 1.0 x >", "error [ error 004 1.0 x ]\n"));
	EXPECT(parses_to("< hi there >", "unknown [ hi there ]\n"));
	EXPECT(parses_to("< bogus >", "unknown [ bogus ]\n"));
}

static void t_garbage_stops(void)
{
	EXPECT(parses_to("x< ok >", "garbage\n"));
	EXPECT(parses_to("< ok >junk< ok >", "ok\ngarbage\n"));
	EXPECT(parses_to("< ok < hi >", "garbage\n"));
	EXPECT(parses_to("< o\001k >", "garbage\n"));
	EXPECT(parses_to("< ok >\0< ok >", "ok\n"));	/* strlen stops */
	{
		const char in[] = "< ok >\0< ok >";
		const char *got = parse_all(in, sizeof(in) - 1, 0);

		EXPECT(strcmp(got, "ok\ngarbage\n") == 0);
	}
	/* after garbage, nothing more until proto_init */
	EXPECT(parses_to("< frame 123 1.0 zz >< ok >", "garbage\n"));
}

static void t_limits(void)
{
	char *big = malloc(PROTO_ELEM_MAX + 16);
	size_t n;
	const char *got;

	/* Largest element the daemon could hold: exactly PROTO_ELEM_MAX bytes */
	memset(big, 'a', PROTO_ELEM_MAX + 8);
	memcpy(big, "< x", 3);
	big[PROTO_ELEM_MAX - 2] = ' ';
	big[PROTO_ELEM_MAX - 1] = '>';
	n = PROTO_ELEM_MAX;
	got = parse_all(big, n, 0);
	EXPECT(strncmp(got, "unknown [ x", 11) == 0);
	got = parse_all(big, n, 7);
	EXPECT(strncmp(got, "unknown [ x", 11) == 0);
	/* one byte more is oversize, whole or in pieces */
	memset(big, 'a', PROTO_ELEM_MAX + 8);
	memcpy(big, "< x", 3);
	big[PROTO_ELEM_MAX - 1] = ' ';
	big[PROTO_ELEM_MAX] = '>';
	got = parse_all(big, PROTO_ELEM_MAX + 1, 0);
	EXPECT(strcmp(got, "oversize\n") == 0);
	got = parse_all(big, PROTO_ELEM_MAX + 1, 1000);
	EXPECT(strcmp(got, "oversize\n") == 0);
	/* never closed: oversize once the limit is passed, with no '>' at all */
	got = parse_all(big, PROTO_ELEM_MAX, 1);
	EXPECT(strcmp(got, "oversize\n") == 0);
	/* a bad byte before the limit is garbage however the input is split */
	big[100] = '<';
	EXPECT(strcmp(parse_all(big, PROTO_ELEM_MAX + 1, 0), "garbage\n") == 0);
	EXPECT(strcmp(parse_all(big, PROTO_ELEM_MAX + 1, 50), "garbage\n") == 0);
	EXPECT(strcmp(parse_all(big, PROTO_ELEM_MAX + 1, 1), "garbage\n") == 0);
	free(big);
}

/* Every split point of a stream of mixed elements gives the same events. */
static void t_every_split(void)
{
	const char stream[] =
		"< hi >< ok > \n< ok >< frame 123 1637791111.209224 1122334455667788 >"
		"< frame 000006FD 1637791111.209224 C410E32D96FF256B >"
		"< frame 123 1637791111.209224  >< error 004 1637791111.209224 >"
		"< echo >< error unknown command >< stat 1 2 3 4 >< whatever x >"
		"< frame 123 1795527308.481669 11 22 33  >< echo >";
	size_t n = sizeof(stream) - 1, cut, cut2;
	char want[4096];

	snprintf(want, sizeof(want), "%s", parse_all(stream, n, 0));
	EXPECT(strstr(want, "garbage") == NULL);
	EXPECT(strcmp(want,
		      "hi\nok\nok\nframe 00000123 1637791111.209224000 8:1122334455667788\n"
		      "frame 800006FD 1637791111.209224000 8:C410E32D96FF256B\n"
		      "frame 00000123 1637791111.209224000 0:\n"
		      "errframe 20000004 1637791111.209224000 8:0000000000000000\n"
		      "echo\nerror [ error unknown command ]\nstat 1 2 3 4\n"
		      "unknown [ whatever x ]\n"
		      "frame 00000123 1795527308.481669000 3:112233 bcm\necho\n") == 0);
	for (cut = 0; cut <= n; cut++) {
		struct collect c;

		memset(&c, 0, sizeof(c));
		proto_init(&P);
		proto_feed(&P, stream, cut, collect_cb, &c);
		proto_feed(&P, stream + cut, n - cut, collect_cb, &c);
		c.out[c.len] = 0;
		if (strcmp(c.out, want)) {
			printf("# split at %zu differs\n", cut);
			failures++;
			break;
		}
	}
	/* two cuts, sampled, and byte by byte */
	for (cut = 1; cut < n; cut += 7) {
		for (cut2 = cut; cut2 <= n; cut2 += 11) {
			struct collect c;

			memset(&c, 0, sizeof(c));
			proto_init(&P);
			proto_feed(&P, stream, cut, collect_cb, &c);
			proto_feed(&P, stream + cut, cut2 - cut, collect_cb, &c);
			proto_feed(&P, stream + cut2, n - cut2, collect_cb, &c);
			c.out[c.len] = 0;
			if (strcmp(c.out, want)) {
				printf("# splits at %zu,%zu differ\n", cut, cut2);
				failures++;
				return;
			}
		}
	}
	EXPECT(strcmp(parse_all(stream, n, 1), want) == 0);
}

static int stop_cb(const struct proto_event *ev, void *arg)
{
	int *count = arg;

	(void)ev;
	return ++*count == 2 ? 42 : 0;
}

static void t_callback_stops(void)
{
	int count = 0;

	proto_init(&P);
	EXPECT(proto_feed(&P, "< ok >< ok >< ok >", 18, stop_cb, &count) == 42);
	EXPECT(count == 2);
}

static int fmt(const struct proto_frame *f, enum proto_dialect d, char *out)
{
	int n = proto_format_send(out, PROTO_SEND_MAX, f, d);

	if (n >= 0)
		out[n] = 0;
	return n;
}

static void t_format_send(void)
{
	char out[PROTO_SEND_MAX];
	struct proto_frame f = { .can_id = 0x123, .len = 2,
				 .data = { 0x11, 0x22 } };
	int d;

	EXPECT(fmt(&f, 0, out) > 0 && !strcmp(out, "< send 123 2 11 22 >"));
	/* a classic frame is the same in every dialect but frame */
	for (d = PROTO_DIALECT_UNKNOWN; d < PROTO_DIALECT_FRAME; d++)
		EXPECT(fmt(&f, d, out) > 0 &&
		       !strcmp(out, "< send 123 2 11 22 >"));
	EXPECT(fmt(&f, PROTO_DIALECT_FRAME, out) == PROTO_FMT_CLASSIC);
	f.can_id = 0x1AAAAAAA | PROTO_EFF_FLAG;
	f.data[0] = 0x01;
	f.data[1] = 0xf1;
	EXPECT(fmt(&f, 0, out) > 0 &&
	       !strcmp(out, "< send 1AAAAAAA 2 01 F1 >"));
	f.can_id = 0x5 | PROTO_EFF_FLAG;
	f.len = 0;
	EXPECT(fmt(&f, 0, out) > 0 && !strcmp(out, "< send 00000005 0 >"));
	f.can_id = 0x5;
	EXPECT(fmt(&f, 0, out) > 0 && !strcmp(out, "< send 005 0 >"));
	f.len = 8;
	memcpy(f.data, "\x00\x01\xab\xcd\xef\x10\x80\xff", 8);
	EXPECT(fmt(&f, 0, out) > 0 &&
	       !strcmp(out, "< send 005 8 00 01 AB CD EF 10 80 FF >"));
	f.can_id = 0x7FF;
	f.len = 1;
	EXPECT(fmt(&f, 0, out) > 0 && !strcmp(out, "< send 7FF 1 00 >"));
	f.can_id = 0x800;
	EXPECT(fmt(&f, 0, out) == PROTO_FMT_BAD);
	f.can_id = 0x123 | PROTO_RTR_FLAG;
	EXPECT(fmt(&f, 0, out) == PROTO_FMT_RTR);
	EXPECT(fmt(&f, PROTO_DIALECT_PR33, out) == PROTO_FMT_RTR);
	f.can_id = 0x123 | PROTO_ERR_FLAG;
	EXPECT(fmt(&f, 0, out) == PROTO_FMT_ERRFRAME);
	f.can_id = 0x123;
	f.len = 9;
	EXPECT(fmt(&f, 0, out) == PROTO_FMT_BAD);
	f.fd = 1;
	f.len = 12;
	/* FD: refused where the dialect has no FD, never sent as classic */
	EXPECT(fmt(&f, PROTO_DIALECT_UNKNOWN, out) == PROTO_FMT_FD);
	EXPECT(fmt(&f, PROTO_DIALECT_NONE, out) == PROTO_FMT_FD);
	memset(f.data, 0xAA, 12);
	f.fd_flags = PROTO_FD_F_BRS >> 1;	/* BRS in the PR #33 encoding */
	EXPECT(fmt(&f, PROTO_DIALECT_PR33, out) > 0 &&
	       !strcmp(out, "< fdsend 123 1 12 AA AA AA AA AA AA AA AA AA AA AA AA >"));
	f.fd_flags = 3;
	f.len = 1;
	EXPECT(fmt(&f, PROTO_DIALECT_PR33, out) > 0 &&
	       !strcmp(out, "< fdsend 123 3 1 AA >"));
	EXPECT(fmt(&f, PROTO_DIALECT_RAWMODE_CANFD, out) > 0 &&
	       !strcmp(out, "< sendfd 123 1 AA >"));
	EXPECT(fmt(&f, PROTO_DIALECT_FRAME, out) > 0 &&
	       !strcmp(out, "< send 123 1 AA >"));
	f.len = 0;
	EXPECT(fmt(&f, PROTO_DIALECT_RAWMODE_CANFD, out) > 0 &&
	       !strcmp(out, "< sendfd 123 0 >"));
	f.can_id = 0x12345678 | PROTO_EFF_FLAG;
	f.len = 2;
	EXPECT(fmt(&f, PROTO_DIALECT_FRAME, out) > 0 &&
	       !strcmp(out, "< send 12345678 2 AA AA >"));
	EXPECT(fmt(&f, PROTO_DIALECT_PR33, out) > 0 &&
	       !strcmp(out, "< fdsend 12345678 3 2 AA AA >"));
	/* the frame dialect takes an id up to 7FF as standard */
	f.can_id = 0x7FF | PROTO_EFF_FLAG;
	EXPECT(fmt(&f, PROTO_DIALECT_FRAME, out) == PROTO_FMT_EFF_LOW);
	f.can_id = 0x800 | PROTO_EFF_FLAG;
	EXPECT(fmt(&f, PROTO_DIALECT_FRAME, out) > 0 &&
	       !strcmp(out, "< send 00000800 2 AA AA >"));
	f.can_id = 0x123;
	f.len = 64;
	for (d = PROTO_DIALECT_RAWMODE_CANFD; d <= PROTO_DIALECT_FRAME; d++)
		EXPECT(fmt(&f, d, out) > 0 && strlen(out) < PROTO_SEND_MAX);
	f.can_id = 0x12345678 | PROTO_EFF_FLAG;
	EXPECT(fmt(&f, PROTO_DIALECT_PR33, out) > 0 &&
	       strlen(out) < PROTO_SEND_MAX);
	f.can_id = 0x123;
	f.len = 13;
	for (d = PROTO_DIALECT_UNKNOWN; d <= PROTO_DIALECT_FRAME; d++)
		EXPECT(fmt(&f, d, out) == PROTO_FMT_BAD);
	f.len = 65;
	EXPECT(fmt(&f, PROTO_DIALECT_PR33, out) == PROTO_FMT_BAD);
	f.fd = 0;
	f.len = 8;
	EXPECT(proto_format_send(out, 10, &f, 0) == PROTO_FMT_SPACE);
}

/* Each dialect's own receive form parses back to what we send in it. */
static void t_fd_roundtrip(void)
{
	static const char *const rx[] = {
		[PROTO_DIALECT_RAWMODE_CANFD] = "fdframe %s 1.000001 ",
		[PROTO_DIALECT_PR33] = "fdframe %s %02X 1.000001 ",
		[PROTO_DIALECT_FRAME] = "frame %s 1.000001 ",
	};
	static const uint8_t lens[] = { 0,  1,  2,  3,	4,  5,	6,  7,
					8,  12, 16, 20, 24, 32, 48, 64 };
	char out[PROTO_SEND_MAX], el[256], id[16];
	struct proto_event ev;
	unsigned int i, k;
	int d;

	for (d = PROTO_DIALECT_RAWMODE_CANFD; d <= PROTO_DIALECT_FRAME; d++) {
		for (k = 0; k < sizeof(lens); k++) {
			struct proto_frame f = { .can_id = 0x1F0000AB |
							   PROTO_EFF_FLAG,
						 .len = lens[k],
						 .fd = 1,
						 .fd_flags = k & 3 };
			int n;

			for (i = 0; i < f.len; i++)
				f.data[i] = (uint8_t)(k * 31 + i);
			EXPECT(fmt(&f, d, out) > 0);
			snprintf(id, sizeof(id), "%08X", 0x1F0000AB);
			n = snprintf(el, sizeof(el), rx[d], id, k & 3);
			for (i = 0; i < f.len; i++)
				n += snprintf(el + n, sizeof(el) - (size_t)n,
					      "%02X", f.data[i]);
			proto_parse_element(el, (size_t)n, &ev);
			EXPECT(ev.can_id == f.can_id && ev.len == f.len &&
			       !memcmp(ev.data, f.data, f.len));
			if (d != PROTO_DIALECT_FRAME || f.len > 8)
				EXPECT(ev.type == PROTO_EV_FDFRAME &&
				       ev.dialect == d);
		}
	}
}

static const char *probe_answers(const char *answers)
{
	struct probe_arg {
		struct proto_probe p;
		int done;
	};
	static struct probe_arg a;
	struct proto_parser pp;

	proto_probe_init(&a.p);
	a.done = 0;
	proto_init(&pp);
	proto_feed(&pp, answers, strlen(answers), probe_cb, &a);
	return a.done ? proto_dialect_name(proto_probe_result(&a.p)) :
			"incomplete";
}

/* The fingerprint: the bytes, and what each server's answers tell. */
static void t_probe(void)
{
	EXPECT(!strcmp(PROTO_PROBE, "< send 123 65 >< echo >< sendfd 123 65 >"
				    "< echo >< fdsend 123 00 65 >< echo >"));
	EXPECT(!strcmp(probe_answers("< echo >< error unknown command >< echo >"
				     "< error unknown command >< echo >"),
		       "none"));
	EXPECT(!strcmp(probe_answers("< echo >< echo >< error unknown command >"
				     "< echo >"),
		       "rawmode-canfd"));
	EXPECT(!strcmp(probe_answers("< echo >< error unknown command >< echo >"
				     "< echo >"),
		       "pr33"));
	EXPECT(!strcmp(probe_answers("< Syntax error in send command >< echo >"
				     "< error unknown command >< echo >"
				     "< error unknown command >< echo >"),
		       "frame"));
	/* frames and error frames in between are no answers */
	EXPECT(!strcmp(probe_answers("< frame 123 1.0 11 >< echo >"
				     "< fdframe 123 04 1.0 11 >< echo >"
				     "< error 004 1.000001 >"
				     "< error unknown command >< echo >"),
		       "rawmode-canfd"));
	/* anything else: no known dialect */
	EXPECT(!strcmp(probe_answers("< echo >< echo >< echo >"), "unknown"));
	EXPECT(!strcmp(probe_answers("< echo >< error bad >< echo >< echo >"),
		       "unknown"));
	EXPECT(!strcmp(probe_answers("< echo >< echo >"), "incomplete"));
	EXPECT(proto_dialect_parse("pr33") == PROTO_DIALECT_PR33);
	EXPECT(proto_dialect_parse("frame") == PROTO_DIALECT_FRAME);
	EXPECT(proto_dialect_parse("rawmode-canfd") ==
	       PROTO_DIALECT_RAWMODE_CANFD);
	EXPECT(proto_dialect_parse("none") == PROTO_DIALECT_NONE);
	EXPECT(proto_dialect_parse("frame-nofd") < 0);
	EXPECT(proto_dialect_sends_flags(PROTO_DIALECT_PR33));
	EXPECT(!proto_dialect_sends_flags(PROTO_DIALECT_RAWMODE_CANFD));
}

/* What we format, the daemon's own frame output parses back to. */
static void t_roundtrip(void)
{
	unsigned int id, len;
	char out[PROTO_SEND_MAX], el[128];
	struct proto_event ev;

	for (id = 0; id < 0x800; id += 0x51) {
		for (len = 0; len <= 8; len++) {
			struct proto_frame f = { .can_id = id, .len = (uint8_t)len };
			unsigned int i;
			int n;

			for (i = 0; i < len; i++)
				f.data[i] = (uint8_t)(id * 7 + i);
			if (len & 1)
				f.can_id = (id << 18 | id) | PROTO_EFF_FLAG;
			n = fmt(&f, 0, out);
			EXPECT(n > 0);
			/* server's RAW-mode rendering of the same frame */
			if (f.can_id & PROTO_EFF_FLAG)
				n = snprintf(el, sizeof(el), " frame %08X 1.000001 ",
					     f.can_id & PROTO_EFF_MASK);
			else
				n = snprintf(el, sizeof(el), " frame %03X 1.000001 ",
					     f.can_id);
			for (i = 0; i < len; i++)
				n += snprintf(el + n, sizeof(el) - (size_t)n,
					      "%02X", f.data[i]);
			n += snprintf(el + n, sizeof(el) - (size_t)n, " ");
			proto_parse_element(el, (size_t)n, &ev);
			EXPECT(ev.type == PROTO_EV_FRAME && ev.can_id == f.can_id &&
			       ev.len == len && !memcmp(ev.data, f.data, len));
		}
	}
}

static void t_format_open(void)
{
	char out[64];
	struct proto_bittiming bt = { 500000, 875, 125, 6, 7, 2, 1, 1 };

	EXPECT(proto_format_open(out, sizeof(out), "vcan0") == 14 &&
	       !strcmp(out, "< open vcan0 >"));
	EXPECT(proto_format_open(out, sizeof(out), "0123456789abcdef") > 0);
	EXPECT(proto_format_open(out, sizeof(out), "0123456789abcdefg") < 0);
	EXPECT(proto_format_open(out, sizeof(out), "") < 0);
	EXPECT(proto_format_open(out, sizeof(out), "a b") < 0);
	EXPECT(proto_format_open(out, sizeof(out), "a>") < 0);
	EXPECT(proto_format_bittiming(out, sizeof(out), "can0", &bt) > 0 &&
	       !strcmp(out, "< can0 B 500000 875 125 6 7 2 1 1 >"));
}

static void t_remote(void)
{
	struct remote r;
	char err[128], url[300];

	EXPECT(remote_parse(&r, "10.0.0.5", "can0", err, sizeof(err)) == 0 &&
	       !strcmp(r.host, "10.0.0.5") && r.port == 29536 &&
	       !strcmp(r.bus, "can0"));
	EXPECT(remote_parse(&r, "box:1234", "vcan0", err, sizeof(err)) == 0 &&
	       !strcmp(r.host, "box") && r.port == 1234);
	EXPECT(remote_parse(&r, "can://10.0.0.5:29537/can1", NULL, err,
			    sizeof(err)) == 0 &&
	       r.port == 29537 && !strcmp(r.bus, "can1"));
	EXPECT(remote_parse(&r, "can://h/can1", "can1", err, sizeof(err)) == 0);
	EXPECT(remote_parse(&r, "can://h/can1", "can2", err, sizeof(err)) < 0);
	EXPECT(remote_parse(&r, "can://h:5", "can2", err, sizeof(err)) == 0 &&
	       r.port == 5 && !strcmp(r.bus, "can2"));
	EXPECT(remote_parse(&r, "can://h:5/", NULL, err, sizeof(err)) < 0);
	EXPECT(remote_parse(&r, "[::1]:99", "can0", err, sizeof(err)) == 0 &&
	       !strcmp(r.host, "::1") && r.port == 99);
	EXPECT(remote_parse(&r, "fe80::1", "can0", err, sizeof(err)) == 0 &&
	       !strcmp(r.host, "fe80::1") && r.port == 29536);
	EXPECT(remote_format(&r, url, sizeof(url)) > 0 &&
	       !strcmp(url, "can://[fe80::1]:29536/can0"));
	EXPECT(remote_parse(&r, "h:0", "can0", err, sizeof(err)) < 0);
	EXPECT(remote_parse(&r, "h:65536", "can0", err, sizeof(err)) < 0);
	EXPECT(remote_parse(&r, "h:12x", "can0", err, sizeof(err)) < 0);
	EXPECT(remote_parse(&r, ":12", "can0", err, sizeof(err)) < 0);
	EXPECT(remote_parse(&r, "[::1", "can0", err, sizeof(err)) < 0);
	EXPECT(remote_parse(&r, "h", NULL, err, sizeof(err)) < 0 &&
	       strstr(err, "bus"));
	EXPECT(remote_parse(&r, "h", "averyveryverylongbus", err,
			    sizeof(err)) < 0);
	EXPECT(remote_parse(&r, "127.0.0.1:29536", "vcan0", err, sizeof(err)) == 0);
	EXPECT(remote_format(&r, url, sizeof(url)) > 0 &&
	       !strcmp(url, "can://127.0.0.1:29536/vcan0"));
}

static void t_remote_ssh(void)
{
	struct remote r;
	char err[160], url[300];

	EXPECT(remote_parse(&r, "ssh://box/can0", NULL, err, sizeof(err)) ==
		       0 &&
	       r.transport == REMOTE_SSH && !strcmp(r.host, "box") &&
	       !r.user[0] && r.ssh_port == 0 && r.port == 29536 &&
	       !strcmp(r.bus, "can0"));
	EXPECT(remote_format(&r, url, sizeof(url)) > 0 &&
	       !strcmp(url, "ssh://box/can0?port=29536"));
	EXPECT(remote_parse(&r, "ssh://pi@rig.lab:2222/vcan1?port=29537", NULL,
			    err, sizeof(err)) == 0 &&
	       !strcmp(r.user, "pi") && !strcmp(r.host, "rig.lab") &&
	       r.ssh_port == 2222 && r.port == 29537 &&
	       !strcmp(r.bus, "vcan1"));
	EXPECT(remote_format(&r, url, sizeof(url)) > 0 &&
	       !strcmp(url, "ssh://pi@rig.lab:2222/vcan1?port=29537"));
	EXPECT(remote_parse(&r, "ssh://a.b_c-d@[::1]:22/can0", NULL, err,
			    sizeof(err)) == 0 &&
	       !strcmp(r.user, "a.b_c-d") && !strcmp(r.host, "::1") &&
	       r.ssh_port == 22);
	EXPECT(remote_format(&r, url, sizeof(url)) > 0 &&
	       !strcmp(url, "ssh://a.b_c-d@[::1]:22/can0?port=29536"));
	/* the bus as a second argument, as for can:// */
	EXPECT(remote_parse(&r, "ssh://box?port=1", "can2", err,
			    sizeof(err)) == 0 &&
	       r.port == 1 && !strcmp(r.bus, "can2"));
	EXPECT(remote_parse(&r, "ssh://box/can1", "can1", err, sizeof(err)) ==
	       0);
	EXPECT(remote_parse(&r, "ssh://box/can1", "can2", err, sizeof(err)) <
		       0 &&
	       strstr(err, "two bus names"));
	/* a TCP remote is no ssh remote */
	EXPECT(remote_parse(&r, "can://box/can0", NULL, err, sizeof(err)) ==
		       0 &&
	       r.transport == REMOTE_TCP && !r.user[0] && !r.ssh_port);

	/* bad input: each refused with a message */
	EXPECT(remote_parse(&r, "ssh://box", NULL, err, sizeof(err)) < 0 &&
	       strstr(err, "bus"));
	EXPECT(remote_parse(&r, "ssh:///can0", NULL, err, sizeof(err)) < 0);
	EXPECT(remote_parse(&r, "ssh://@box/can0", NULL, err, sizeof(err)) <
		       0 &&
	       strstr(err, "user"));
	EXPECT(remote_parse(&r, "ssh://a@b@box/can0", NULL, err, sizeof(err)) <
	       0);
	EXPECT(remote_parse(&r, "ssh://-oProxyCommand=x/can0", NULL, err,
			    sizeof(err)) < 0);
	EXPECT(remote_parse(&r, "ssh://-l@box/can0", NULL, err, sizeof(err)) <
	       0);
	EXPECT(remote_parse(&r, "ssh://u$(id)@box/can0", NULL, err,
			    sizeof(err)) < 0);
	EXPECT(remote_parse(&r, "ssh://bo;x/can0", NULL, err, sizeof(err)) <
	       0);
	EXPECT(remote_parse(&r, "ssh://box:0/can0", NULL, err, sizeof(err)) <
	       0);
	EXPECT(remote_parse(&r, "ssh://box:22x/can0", NULL, err, sizeof(err)) <
	       0);
	EXPECT(remote_parse(&r, "ssh://box/can0?port=0", NULL, err,
			    sizeof(err)) < 0 &&
	       strstr(err, "port"));
	EXPECT(remote_parse(&r, "ssh://box/can0?port=65536", NULL, err,
			    sizeof(err)) < 0);
	EXPECT(remote_parse(&r, "ssh://box/can0?port=", NULL, err,
			    sizeof(err)) < 0);
	EXPECT(remote_parse(&r, "ssh://box/can0?host=x", NULL, err,
			    sizeof(err)) < 0 &&
	       strstr(err, "?host=x"));
	EXPECT(remote_parse(&r, "ssh://box/can0?port=1&x=2", NULL, err,
			    sizeof(err)) < 0);
	EXPECT(remote_parse(&r, "ssh://box/averyveryverylongbus", NULL, err,
			    sizeof(err)) < 0 &&
	       strstr(err, "bad bus name"));
	EXPECT(remote_parse(&r, "ssh://[::1/can0", NULL, err, sizeof(err)) <
	       0);
	EXPECT(remote_parse(&r, "can://box/can0?port=1", NULL, err,
			    sizeof(err)) < 0 &&
	       strstr(err, "no options"));
	EXPECT(remote_parse(&r, "http://box/can0", NULL, err, sizeof(err)) <
		       0 &&
	       strstr(err, "scheme"));
}

static void t_beacon(void)
{
	static const char real[] =
		"<CANBeacon name=\"HOSTNAME\" type=\"SocketCAN\" description=\"socketcand\">\n"
		"<URL>can://10.0.16.15:29536</URL><Bus name=\"can0\"/><Bus name=\"vcan0\"/></CANBeacon>";
	struct beacon b;

	EXPECT(beacon_parse(real, sizeof(real) - 1, "10.0.16.15", &b) == 0);
	EXPECT(!strcmp(b.name, "HOSTNAME") && !strcmp(b.type, "SocketCAN") &&
	       !strcmp(b.description, "socketcand"));
	EXPECT(!strcmp(b.host, "10.0.16.15") && b.port == 29536 &&
	       !b.host_from_source);
	EXPECT(b.nbuses == 2 && !strcmp(b.buses[0], "can0") &&
	       !strcmp(b.buses[1], "vcan0"));
	/* a wrong announced address: the UDP source wins */
	{
		static const char bad[] =
			"<CANBeacon name=\"x\" type=\"SocketCAN\" description=\"d\">\n"
			"<URL>can://0.0.0.0:1234</URL><Bus name=\"can0\"/></CANBeacon>";

		EXPECT(beacon_parse(bad, sizeof(bad) - 1, "192.168.1.9", &b) == 0 &&
		       !strcmp(b.host, "192.168.1.9") && b.port == 1234 &&
		       b.host_from_source);
		EXPECT(beacon_parse(bad, sizeof(bad) - 1, NULL, &b) < 0);
	}
	{
		static const char lo[] =
			"<CANBeacon name=\"x\" type=\"SocketCAN\" description=\"d\">\n"
			"<URL>can://127.0.0.1:29536</URL><Bus name=\"can0\"/></CANBeacon>";

		EXPECT(beacon_parse(lo, sizeof(lo) - 1, "10.1.1.1", &b) == 0 &&
		       !strcmp(b.host, "10.1.1.1"));
		EXPECT(beacon_parse(lo, sizeof(lo) - 1, "127.0.0.1", &b) == 0 &&
		       !strcmp(b.host, "127.0.0.1") && !b.host_from_source);
	}
	{
		static const char junk[] =
			"<CANBeacon name=\"x\">\n<URL>nonsense</URL></CANBeacon>";

		EXPECT(beacon_parse(junk, sizeof(junk) - 1, "10.0.0.1", &b) == 0 &&
		       !strcmp(b.host, "10.0.0.1") && b.nbuses == 0);
	}
	EXPECT(beacon_parse("<CANBeacon name=\"x\">", 20, "1.2.3.4", &b) < 0);
	EXPECT(beacon_parse("hello", 5, "1.2.3.4", &b) < 0);
	EXPECT(beacon_parse("<CANBeacon name=\"x\"><URL>can://1.2.3.4</URL>"
			    "<Bus name=\"can0\"", 59, "1.2.3.4", &b) < 0);
	EXPECT(beacon_host_usable("host.example", NULL));
	EXPECT(!beacon_host_usable("bad host", NULL));
	EXPECT(!beacon_host_usable("255.255.255.255", NULL));
	EXPECT(!beacon_host_usable("224.0.0.1", NULL));
}

static void t_backoff(void)
{
	struct backoff b;
	uint32_t d, i, prev = 0;

	backoff_init(&b, 100, 2000);
	for (i = 0; i < 10; i++) {
		d = backoff_next(&b, 0);
		EXPECT(d >= prev || d == 2000);
		prev = d;
	}
	EXPECT(prev == 1500 || prev == 2000);	/* capped: 2000 - 25 % */
	backoff_reset(&b);
	for (i = 0; i < 1000; i++) {
		backoff_reset(&b);
		d = backoff_next(&b, i * 2654435761U);
		EXPECT(d >= 75 && d <= 125);
	}
	backoff_init(&b, 0, 0);
	EXPECT(backoff_next(&b, 12345) >= 1);
}

/* ---- the TX completion ring ---- */

/* The reports, as text: "done SEQ/N", "done SEQ/N @TS_NS" (the remote's
 * time) or "fail SEQ/N errno". */
struct reports {
	char text[4096];
	size_t len;
	uint32_t frames;
};

static void on_report(void *arg, uint32_t seq, uint32_t nframes, int err,
		      uint64_t ts_ns)
{
	struct reports *r = arg;
	int n;

	if (err)
		n = snprintf(r->text + r->len, sizeof(r->text) - r->len,
			     "fail %u/%u %d%s;", seq, nframes, err,
			     ts_ns ? " @time" : "");
	else if (ts_ns)
		n = snprintf(r->text + r->len, sizeof(r->text) - r->len,
			     "done %u/%u @%llu;", seq, nframes,
			     (unsigned long long)ts_ns);
	else
		n = snprintf(r->text + r->len, sizeof(r->text) - r->len,
			     "done %u/%u;", seq, nframes);
	if (n > 0 && r->len + (size_t)n < sizeof(r->text))
		r->len += (size_t)n;
	r->frames += nframes;
}

/* takes the reports so far */
static int reported(struct reports *r, const char *want)
{
	int ok = strcmp(r->text, want) == 0;

	if (!ok)
		printf("# reports: want '%s', got '%s'\n", want, r->text);
	r->len = 0;
	r->text[0] = 0;
	return ok;
}

static struct txring T;
static struct reports R;

static void ring_start(uint32_t next_seq)
{
	memset(&R, 0, sizeof(R));
	txring_init(&T, on_report, &R);
	txring_set_next_seq(&T, next_seq);
}

static void add(uint32_t seq)
{
	struct proto_frame f = { .can_id = seq & PROTO_SFF_MASK, .len = 1 };

	txring_add(&T, seq, &f, 0);
}

/* write the n oldest frames as sends, then the batch's echo */
static void send_batch(unsigned int n)
{
	while (n--) {
		EXPECT(txring_head(&T) != NULL);
		txring_sent(&T);
	}
	txring_close_batch(&T, 0);
}

static void t_ring_wrap(void)
{
	uint32_t seq = 0xfffffff0U, round, i;
	char want[64];

	/* more rounds than either ring holds, across the u32 seq wrap */
	ring_start(seq);
	for (round = 0; round < 3 * TXRING_COMP; round++) {
		for (i = 0; i < 3; i++)
			add(seq + i);
		send_batch(3);
		EXPECT(reported(&R, ""));
		EXPECT(txring_echo(&T, NULL) == 0);
		snprintf(want, sizeof(want), "done %u/3;", seq + 2);
		if (!reported(&R, want)) {
			failures++;
			return;
		}
		seq += 3;
	}
	EXPECT(txring_queued(&T) == 0 && T.c_len == 0);
	EXPECT(txring_echo(&T, NULL) < 0); /* nobody asked */
}

/* Which echoes went out alone (a clean round trip, rtt.h). */
static void t_ring_alone(void)
{
	ring_start(1);
	add(1);
	send_batch(1);
	EXPECT(txring_echoes_out(&T) == 1);
	add(2);
	send_batch(1); /* behind the first: not alone */
	EXPECT(txring_barrier(&T, 0) == 0);
	EXPECT(txring_echoes_out(&T) == 3);
	EXPECT(txring_echo(&T, NULL) == 0 && txring_echo_alone(&T));
	EXPECT(txring_echo(&T, NULL) == 0 && !txring_echo_alone(&T));
	EXPECT(txring_echo(&T, NULL) == 0 && !txring_echo_alone(&T));
	EXPECT(txring_echoes_out(&T) == 0);
	/* a heartbeat with nothing out is alone */
	EXPECT(txring_barrier(&T, 0) == 0);
	EXPECT(txring_echo(&T, NULL) == 0 && txring_echo_alone(&T));
	/* an answer nobody asked for changes no count */
	EXPECT(txring_echo(&T, NULL) < 0 && txring_echoes_out(&T) == 0);
	/* a lost session forgets what was out */
	add(3);
	send_batch(1);
	txring_fail_all(&T, ECONNRESET);
	EXPECT(txring_echoes_out(&T) == 0);
}

static void t_ring_fail(void)
{
	struct proto_frame f = { .can_id = 1 };

	ring_start(1);
	add(1);
	add(2);
	add(3);
	add(4);
	add(5);
	send_batch(2);
	/* 3 and 4 cannot be sent: one TX_FAIL after the batch, in order */
	txring_refused(&T, EINVAL);
	txring_refused(&T, EINVAL);
	EXPECT(reported(&R, ""));
	send_batch(1);
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(reported(&R, "done 2/2;fail 4/2 22;"));
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(reported(&R, "done 5/1;"));
	/* another errno does not collapse with the one before */
	add(6);
	txring_refused(&T, EINVAL);
	add(7);
	txring_refused(&T, EOPNOTSUPP);
	txring_flush(&T);
	EXPECT(reported(&R, "fail 6/1 22;fail 7/1 95;"));
	/* no session: fails at once */
	txring_add(&T, 8, &f, ENOTCONN);
	EXPECT(reported(&R, "fail 8/1 107;"));
	/* a full queue fails with ENOBUFS */
	ring_start(100);
	for (uint32_t s = 100; s < 100 + TXRING_QUEUE; s++)
		add(s);
	EXPECT(reported(&R, ""));
	add(100 + TXRING_QUEUE);
	EXPECT(txring_queued(&T) == TXRING_QUEUE);
	{
		char want[64];

		snprintf(want, sizeof(want), "fail %u/1 %d;",
			 100 + TXRING_QUEUE, ENOBUFS);
		EXPECT(reported(&R, want));
	}
	/* the session ends: everything unconfirmed fails up to the newest */
	send_batch(10);
	EXPECT(txring_fail_all(&T, ECONNRESET) == TXRING_QUEUE);
	{
		char want[64];

		snprintf(want, sizeof(want), "fail %u/%u %d;",
			 100 + TXRING_QUEUE, TXRING_QUEUE, ECONNRESET);
		EXPECT(reported(&R, want));
	}
	EXPECT(txring_fail_all(&T, ECONNRESET) == 0);
	EXPECT(reported(&R, ""));
}

static void t_ring_echo_barrier(void)
{
	ring_start(10);
	add(10);
	add(11);
	send_batch(2);
	EXPECT(txring_barrier(&T, 0) == 0); /* a heartbeat between batches */
	add(12);
	send_batch(1);
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(reported(&R, "done 11/2;"));
	/* the heartbeat's reply confirms nothing by itself */
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(reported(&R, ""));
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(reported(&R, "done 12/1;"));
	EXPECT(txring_echo(&T, NULL) < 0);
	/* a heartbeat before a batch holds back nothing once answered,
	 * and a failure behind an unanswered batch waits for it */
	EXPECT(txring_barrier(&T, 0) == 0);
	add(13);
	send_batch(1);
	add(14);
	txring_refused(&T, EINVAL);
	txring_flush(&T);
	EXPECT(reported(&R, ""));
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(reported(&R, ""));
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(reported(&R, "done 13/1;fail 14/1 22;"));
	/* a full ring takes no heartbeat */
	ring_start(1);
	while (txring_room(&T, 1))
		EXPECT(txring_barrier(&T, 0) == 0);
	EXPECT(txring_barrier(&T, 0) < 0);
}

static void t_ring_partial_batches(void)
{
	ring_start(1);
	for (uint32_t s = 1; s <= 5; s++)
		add(s);
	/* the output buffer took 3, then the rest */
	send_batch(3);
	EXPECT(txring_queued(&T) == 2);
	EXPECT(txring_head(&T)->seq == 4);
	send_batch(2);
	EXPECT(txring_queued(&T) == 0 && txring_head(&T) == NULL);
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(reported(&R, "done 3/3;"));
	/* the session drops with one batch unconfirmed */
	EXPECT(txring_fail_all(&T, ECONNRESET) == 2);
	EXPECT(reported(&R, "fail 5/2 104;"));
	/* an echo answered out of reach is not confirmed twice */
	EXPECT(txring_echo(&T, NULL) < 0);
	/* an empty batch writes no echo */
	txring_close_batch(&T, 0);
	EXPECT(!txring_batch_open(&T) && T.c_len == 0);
	EXPECT(R.frames == 5);
}

static void t_tx_refusal(void)
{
	struct tx_refusal_log l = { 0 };
	char buf[160];

	EXPECT(tx_refusal_errno(PROTO_FMT_BAD) == EINVAL);
	EXPECT(tx_refusal_errno(PROTO_FMT_RTR) == EOPNOTSUPP);
	EXPECT(tx_refusal_errno(PROTO_FMT_FD) == EOPNOTSUPP);
	/* each kind is logged once, whatever came before it */
	EXPECT(tx_refusal_warning(&l, PROTO_FMT_BAD, 0x800, buf, sizeof(buf)) &&
	       strstr(buf, "invalid frame"));
	EXPECT(!tx_refusal_warning(&l, PROTO_FMT_ERRFRAME, 1, buf, sizeof(buf)));
	EXPECT(tx_refusal_warning(&l, PROTO_FMT_FD, 1, buf, sizeof(buf)) &&
	       strstr(buf, "CAN FD frames need --fd"));
	EXPECT(!tx_refusal_warning(&l, PROTO_FMT_FD, 1, buf, sizeof(buf)));
	EXPECT(tx_refusal_warning(&l, PROTO_FMT_RTR, 0x40000123, buf,
				  sizeof(buf)) &&
	       strstr(buf, "RTR frames cannot be sent") &&
	       strstr(buf, "id 40000123") == NULL);
	EXPECT(!tx_refusal_warning(&l, PROTO_FMT_RTR, 1, buf, sizeof(buf)));
	EXPECT(tx_refusal_errno(PROTO_FMT_CLASSIC) == EOPNOTSUPP);
	EXPECT(tx_refusal_warning(&l, PROTO_FMT_CLASSIC, 1, buf, sizeof(buf)) &&
	       strstr(buf, "classic frames cannot be sent in the frame dialect"));
	EXPECT(!tx_refusal_warning(&l, PROTO_FMT_CLASSIC, 1, buf, sizeof(buf)));
	EXPECT(tx_refusal_warning(&l, PROTO_FMT_EFF_LOW, 0x80000012, buf,
				  sizeof(buf)) &&
	       strstr(buf, "(first: id 12)"));
	EXPECT(!tx_refusal_warning(&l, PROTO_FMT_EFF_LOW, 1, buf, sizeof(buf)));
	EXPECT(tx_refusal_flags_lost(&l, PROTO_DIALECT_RAWMODE_CANFD, buf,
				     sizeof(buf)) &&
	       strstr(buf, "last frame the server received"));
	EXPECT(!tx_refusal_flags_lost(&l, PROTO_DIALECT_FRAME, buf,
				      sizeof(buf)));
	/* and the other way round */
	memset(&l, 0, sizeof(l));
	EXPECT(tx_refusal_warning(&l, PROTO_FMT_FD, 1, buf, sizeof(buf)));
	EXPECT(tx_refusal_warning(&l, PROTO_FMT_ERRFRAME, 0x20000001, buf,
				  sizeof(buf)) &&
	       strstr(buf, "invalid frame"));
}

static void t_args(void)
{
	uint32_t v = 7, lo = 0, hi = 0;

	EXPECT(args_u32("0", &v) == 0 && v == 0);
	EXPECT(args_u32("4294967295", &v) == 0 && v == 4294967295U);
	EXPECT(args_u32("4294967296", &v) < 0);
	EXPECT(args_u32("99999999999999999999999", &v) < 0);
	EXPECT(args_u32("12x", &v) < 0);
	EXPECT(args_u32("", &v) < 0);
	EXPECT(args_u32("-1", &v) < 0);
	EXPECT(args_u32(" 5", &v) < 0);
	EXPECT(args_u32("+5", &v) < 0);
	EXPECT(args_u32("0x10", &v) < 0);
	EXPECT(args_backoff("250:30000", &lo, &hi) == 0 && lo == 250 &&
	       hi == 30000);
	EXPECT(args_backoff("5:5", &lo, &hi) == 0 && lo == 5 && hi == 5);
	EXPECT(args_backoff("0:5", &lo, &hi) < 0);
	EXPECT(args_backoff("6:5", &lo, &hi) < 0);
	EXPECT(args_backoff("5", &lo, &hi) < 0);
	EXPECT(args_backoff("5:", &lo, &hi) < 0);
	EXPECT(args_backoff(":5", &lo, &hi) < 0);
	EXPECT(args_backoff("5:6x", &lo, &hi) < 0);
	EXPECT(args_backoff("1:3600001", &lo, &hi) < 0);
	EXPECT(args_bitrate("500000", &lo, &hi) == 0 && lo == 500000 &&
	       hi == 0);
	EXPECT(args_bitrate("500000,2000000", &lo, &hi) == 0 &&
	       lo == 500000 && hi == 2000000);
	EXPECT(args_bitrate("20000000", &lo, &hi) == 0);
	EXPECT(args_bitrate("20000001", &lo, &hi) < 0);
	EXPECT(args_bitrate("0", &lo, &hi) < 0);
	EXPECT(args_bitrate("500000,0", &lo, &hi) < 0);
	EXPECT(args_bitrate("500000,", &lo, &hi) < 0);
	EXPECT(args_bitrate(",2000000", &lo, &hi) < 0);
	EXPECT(args_bitrate("500k", &lo, &hi) < 0);
	EXPECT(args_bitrate("1,2,3", &lo, &hi) < 0);
}

#define EFF 0x80000000U
#define RTR 0x40000000U

static uint32_t bits(uint32_t id, uint8_t len, int fd, int brs)
{
	struct canbits b = canbits_frame(id, len, fd, brs);

	return b.nominal + b.data;
}

static void t_canbits(void)
{
	struct canbits b;

	/* Davis et al. 2007: 111 bits unstuffed + 24 stuff bits */
	b = canbits_frame(0x123, 8, 0, 0);
	EXPECT(b.nominal == 135 && b.data == 0);
	/* 0 bytes: 47 + floor(33 / 4) = 55 */
	EXPECT(bits(0x123, 0, 0, 0) == 55);
	/* extended, 8 bytes: 54 + 64 + 13 + floor(117 / 4) = 160 */
	EXPECT(bits(EFF | 0x1234567, 8, 0, 0) == 160);
	/* extended, 0 bytes: 67 + floor(53 / 4) = 80 */
	EXPECT(bits(EFF | 1, 0, 0, 0) == 80);
	/* a remote request carries no data: as 0 bytes, whatever its DLC */
	EXPECT(bits(RTR | 0x123, 8, 0, 0) == 55);
	EXPECT(bits(EFF | RTR | 1, 4, 0, 0) == 80);
	/* FD without BRS, 8 bytes: 17 + 4 head stuff + 13 nominal, body
	 * 5 + 64 + floor(85 / 4) - 4 = 86, fixed 4 + 17 + 6 = 27 */
	b = canbits_frame(0x123, 8, 1, 0);
	EXPECT(b.nominal == 17 + 4 + 13 + 86 + 27 && b.data == 0);
	/* the same with BRS: the body and CRC at the data rate */
	b = canbits_frame(0x123, 8, 1, 1);
	EXPECT(b.nominal == 34 && b.data == 113);
	/* 64 bytes: CRC-21 with 7 fixed stuff bits; body 5 + 512 +
	 * floor(533 / 4) - 4 = 646, fixed 4 + 21 + 7 = 32 */
	b = canbits_frame(0x123, 64, 1, 1);
	EXPECT(b.nominal == 34 && b.data == 678);
	/* 16 bytes is the last CRC-17 length, 20 the first CRC-21 one */
	EXPECT(canbits_frame(1, 20, 1, 1).data -
		       canbits_frame(1, 16, 1, 1).data ==
	       32 + (5 + 160 + (181 / 4) - 4) - 27 - (5 + 128 + (149 / 4) - 4));
	/* extended FD: 36 head bits, 8 of them stuff in the worst case */
	b = canbits_frame(EFF | 1, 0, 1, 1);
	EXPECT(b.nominal == 36 + 8 + 13 && b.data == 5 + (40 / 4 - 8) + 27);
	/* time: 135 bits at 500 kbit/s are 270 us; rounded up */
	EXPECT(canbits_ns(canbits_frame(0x123, 8, 0, 0), 500000, 0) == 270000);
	EXPECT(canbits_ns(canbits_frame(0x123, 8, 0, 0), 3, 0) == 45000000000ULL);
	/* BRS: 34 bits at 500k and 678 at 2M */
	EXPECT(canbits_ns(canbits_frame(0x123, 64, 1, 1), 500000, 2000000) ==
	       68000 + 339000);
	/* no data rate known: the data phase at the nominal rate */
	EXPECT(canbits_ns(canbits_frame(0x123, 64, 1, 1), 500000, 0) ==
	       (34 + 678) * 2000ULL);
	EXPECT(canbits_ns(canbits_frame(0x123, 8, 0, 0), 0, 0) == 0);
}

static void t_rtt(void)
{
	struct rtt r;
	int i;

	rtt_init(&r);
	EXPECT(!r.have);
	rtt_sample(&r, 50000, 1000, 0);
	EXPECT(r.have && r.srtt_us == 50000 && r.rttvar_us == 25000 &&
	       r.min_us == 50000);
	/* RFC 6298: rttvar 3/4 * 25000 + 1/4 * 8000, srtt 7/8 + 1/8 */
	rtt_sample(&r, 58000, 2000, 0);
	EXPECT(r.rttvar_us == 18750 + 2000 && r.srtt_us == 50000 - 6250 + 7250);
	EXPECT(r.min_us == 50000 && r.last_us == 58000);
	/* converges on a steady path, the deviation decays */
	for (i = 0; i < 200; i++)
		rtt_sample(&r, 50000, 3000 + (uint64_t)i, 0);
	EXPECT(r.srtt_us >= 49990 && r.srtt_us <= 50010 && r.rttvar_us < 100);
	/* a smaller sample is the new minimum at once */
	rtt_sample(&r, 40000, 4000, 0);
	EXPECT(r.min_us == 40000 && r.srtt_us > 40000);
	/* a larger one replaces it only once the minimum is stale (no
	 * sample within a quarter of it for a second), and only when
	 * clean (nothing of ours ahead of it) */
	EXPECT(!rtt_min_stale(&r, 4000 + RTT_MIN_STALE_US));
	rtt_sample(&r, 60000, 4000 + RTT_MIN_STALE_US, 1);
	EXPECT(r.min_us == 40000);
	EXPECT(rtt_min_stale(&r, 4001 + RTT_MIN_STALE_US));
	rtt_sample(&r, 60000, 4001 + RTT_MIN_STALE_US, 0);
	EXPECT(r.min_us == 40000);
	rtt_sample(&r, 60000, 4002 + RTT_MIN_STALE_US, 1);
	EXPECT(r.min_us == 60000 &&
	       !rtt_min_stale(&r, 4002 + RTT_MIN_STALE_US));
	/* a sample near the minimum keeps it fresh, not only a lower one */
	rtt_sample(&r, 74000, 4002 + 2 * RTT_MIN_STALE_US, 0);
	EXPECT(r.min_us == 60000 &&
	       !rtt_min_stale(&r, 4003 + 2 * RTT_MIN_STALE_US));
	/* zero (below the clock) counts as 1 us */
	rtt_init(&r);
	rtt_sample(&r, 0, 0, 0);
	EXPECT(r.srtt_us == 1 && r.min_us == 1);
}

/* A round trip of rtt_us measured steadily. */
static void steady_rtt(struct rtt *r, uint32_t rtt_us)
{
	int i;

	rtt_init(r);
	for (i = 0; i < 50; i++)
		rtt_sample(r, rtt_us, (uint64_t)i, 0);
}

/* confirm rate frames/s for ms milliseconds in 10 ms steps; the window
 * txwin_update asks for at the end (taken by the link at each step) */
static uint32_t run_rate(struct txwin *w, uint64_t *now, const struct rtt *r,
			 uint32_t rate, unsigned int ms)
{
	unsigned int i;

	for (i = 0; i < ms / 10; i++) {
		*now += 10000;
		txwin_confirmed(w, rate / 100);
		w->window = txwin_update(w, *now, r);
	}
	return w->window;
}

static void t_txwin(void)
{
	uint64_t now = 1000000;
	struct txwin w;
	struct rtt r;

	txwin_init(&w, 64, 8192, 64, now);
	rtt_init(&r);
	/* no round trip known: the window stays */
	txwin_confirmed(&w, 10000);
	EXPECT(txwin_update(&w, now + 200000, &r) == 64);
	txwin_init(&w, 64, 8192, 64, now);
	steady_rtt(&r, 50000);
	/* 4000 frames/s over 50 ms: 200 in flight, twice that asked for */
	EXPECT(run_rate(&w, &now, &r, 4000, 300) == 400);
	EXPECT(txwin_rate(&w) >= 1200 && txwin_rate(&w) <= 4000);
	EXPECT(run_rate(&w, &now, &r, 4000, 1000) == 400);
	EXPECT(txwin_rate(&w) == 4000);
	/* a slow sender: the floor */
	txwin_init(&w, 64, 8192, 64, now);
	EXPECT(run_rate(&w, &now, &r, 100, 2000) == 64);
	/* the maximum caps it */
	EXPECT(run_rate(&w, &now, &r, 200000, 300) == 8192);
	/* demand falls: the window holds for the peak's second, then
	 * follows (a multiple of TXWIN_STEP) */
	EXPECT(run_rate(&w, &now, &r, 1000, 500) == 8192);
	EXPECT(run_rate(&w, &now, &r, 1000, 1000) == 112);
	/* a small change does not move it */
	EXPECT(run_rate(&w, &now, &r, 950, 2000) == 112);
	/* idle for long: the history starts over, the floor */
	w.window = txwin_update(&w, now + 60000000, &r);
	EXPECT(w.window == 64 && txwin_rate(&w) == 0);
}

static void t_txwin_queue(void)
{
	uint64_t now = 0;
	struct txwin w;
	struct rtt r;
	int i;

	/* frames queued behind a slow server inflate every echo: the window
	 * counts at most twice the minimum round trip */
	steady_rtt(&r, 10000);
	for (i = 0; i < 100; i++)
		rtt_sample(&r, 500000, 100 + (uint64_t)i, 0);
	EXPECT(r.srtt_us > 400000 && r.min_us == 10000);
	/* for ever, while no sample is clean: the queue never empties */
	for (i = 0; i < 100; i++)
		rtt_sample(&r, 500000, 100 * RTT_MIN_STALE_US * (uint64_t)i,
			   0);
	EXPECT(r.min_us == 10000);
	txwin_init(&w, 64, 8192, 64, now);
	/* 10000/s * 20 ms * 2 = 400 */
	EXPECT(run_rate(&w, &now, &r, 10000, 500) == 400);
	/* a slow server answering a round trip's echoes in one burst: 3000
	 * frames/s over a 300 ms round trip (min 100 ms) come as 900 in one
	 * 100 ms period of three; the rate is 3000, not 9000, and the window
	 * 2 * 3000 * 200 ms, not three times that, however long it goes on */
	rtt_init(&r);
	for (i = 0; i < 50; i++)
		rtt_sample(&r, 100000, (uint64_t)i, 0);
	for (i = 0; i < 100; i++)
		rtt_sample(&r, 300000, 100 + (uint64_t)i, 0);
	EXPECT(r.min_us == 100000 && r.srtt_us > 290000 && r.srtt_us <= 300000);
	txwin_init(&w, 64, 8192, 64, now);
	for (i = 0; i < 60; i++) {
		now += 100000;
		txwin_confirmed(&w, i % 3 ? 0 : 900);
		w.window = txwin_update(&w, now, &r);
	}
	EXPECT(w.window >= 1200 && w.window <= 1216);
	/* a window-bound sender (rate = window / rtt) grows each period */
	steady_rtt(&r, 50000);
	txwin_init(&w, 64, 8192, 64, now);
	for (i = 0; i < 8; i++)
		run_rate(&w, &now, &r, w.window * 20, 100);
	EXPECT(w.window >= 4096);
}

static void t_pacer(void)
{
	struct canbits f8 = canbits_frame(0x123, 8, 0, 0);
	uint64_t t = 1000000000ULL;
	struct pacer p;
	int i;

	pacer_init(&p, 0); /* the default queue, 10: bursts of 5 */
	EXPECT(!pacer_on(&p) && p.burst_max == 5);
	EXPECT(pacer_inflight_max(&p, 1000) == UINT32_MAX);
	/* unpaced: always room, never a wait */
	EXPECT(pacer_room(&p, t) == 1 && pacer_wait_ns(&p, t) == 0);
	pacer_add(&p, f8);
	pacer_burst_sent(&p, t, t);
	EXPECT(pacer_room(&p, t) == 1 && pacer_wait_ns(&p, t) == 0);
	EXPECT(p.bursts == 0);

	pacer_set_bitrate(&p, 500000, 0);
	EXPECT(pacer_on(&p) && pacer_room(&p, t) == 5);
	for (i = 0; i < 5; i++)
		pacer_add(&p, f8);
	EXPECT(pacer_room(&p, t) == 0);
	pacer_burst_sent(&p, t, t);
	/* 5 * 270 us on the bus before the next burst */
	EXPECT(pacer_room(&p, t) == 0 && pacer_wait_ns(&p, t) == 1350000);
	EXPECT(pacer_room(&p, t + 1349999) == 0);
	EXPECT(pacer_room(&p, t + 1350000) == 5 &&
	       pacer_wait_ns(&p, t + 1350000) == 0);
	/* a burst sent early (not possible through room, but) is spaced
	 * from the planned time */
	pacer_add(&p, f8);
	pacer_burst_sent(&p, t + 1000, t);
	EXPECT(pacer_wait_ns(&p, t + 1000) == 1350000 + 270000 - 1000);
	EXPECT(p.bursts == 2 && p.idle_ns == 0);
	/* a late burst earns no credit: spaced from when it went; the bus
	 * idled only since its frames came (400 us before), not since the
	 * planned time, long before */
	t += 10000000;
	pacer_add(&p, f8);
	pacer_add(&p, f8);
	pacer_burst_sent(&p, t, t - 400000);
	EXPECT(pacer_wait_ns(&p, t) == 540000);
	EXPECT(p.bursts == 3 && p.idle_ns == 400000);
	/* frames waiting since before the planned time, sent 30 us after
	 * it (a late wake-up): 30 us more idle */
	pacer_add(&p, f8);
	pacer_burst_sent(&p, t + 570000, t);
	EXPECT(p.bursts == 4 && p.idle_ns == 430000);
	t += 570000;
	EXPECT(pacer_wait_ns(&p, t) == 270000);
	/* an empty burst changes nothing */
	pacer_burst_sent(&p, t + 270000, t);
	EXPECT(pacer_wait_ns(&p, t + 270000) == 0 && p.bursts == 4);
	/* queue 1: bursts of one frame; queue 3: of one */
	pacer_init(&p, 1);
	EXPECT(p.burst_max == 1);
	pacer_init(&p, 3);
	EXPECT(p.burst_max == 1);
	pacer_init(&p, 64);
	EXPECT(p.burst_max == 32);
	/* FD with BRS: the data phase at the data rate */
	pacer_set_bitrate(&p, 500000, 2000000);
	pacer_add(&p, canbits_frame(0x123, 64, 1, 1));
	pacer_burst_sent(&p, 0, 0);
	EXPECT(pacer_wait_ns(&p, 0) == 68000 + 339000);
	/* echoes bound the frames in flight: 407 us per frame over a
	 * 10 ms path: ceil(12.5 ms / 407 us) = 31, plus a burst of 32 */
	EXPECT(pacer_inflight_max(&p, 10000) == 31 + 32);
	EXPECT(pacer_inflight_max(&p, 0) == UINT32_MAX);
	/* the mean frame time follows the bursts */
	pacer_add(&p, canbits_frame(0x123, 0, 1, 1));
	pacer_burst_sent(&p, 0, 0);
	EXPECT(p.frame_ns < 407000 && p.frame_ns > 300000);
	/* bitrate 0 turns pacing off again */
	pacer_set_bitrate(&p, 0, 0);
	EXPECT(!pacer_on(&p) && pacer_room(&p, 0) == 1);
}

/* --tx-rate: the same bursts of half the queue, at 1/N s a frame */
/* A plain socketcand closed the session after a flat-out run: the pace is
 * a quarter below what its bus took, lower again after a second drop, and
 * a guess where too little was confirmed to measure. */
static void t_ratelearn(void)
{
	uint64_t t = 5000000;
	struct ratelearn l;
	int i;

	ratelearn_init(&l);
	/* nothing sent: a guess */
	EXPECT(ratelearn_drop(&l) == RATELEARN_FIRST && l.overflowed_at == 0);
	ratelearn_forget(&l);
	EXPECT(l.rate == 0 && l.drops == 0);
	/* an idle second, then 1 s of sends with 2000 frames confirmed */
	ratelearn_sent(&l, t);
	ratelearn_confirmed(&l, 5, t + 1000);
	t += 1000000;
	for (i = 0; i < 100; i++) {
		ratelearn_sent(&l, t + i * 10000ULL);
		ratelearn_confirmed(&l, 20, t + i * 10000ULL + 5000);
	}
	/* the run began at t: the 5 frames before the pause do not count */
	EXPECT(l.run_start_us == t && l.run_confirmed == 2000);
	EXPECT(ratelearn_drop(&l) == 1507 && l.overflowed_at == 2010);
	EXPECT(l.drops == 1 && l.run_last_us == 0);
	/* dropped again at that pace, taking 1400/s: 3/4 of that */
	t += 10000000;
	for (i = 0; i <= 100; i++) {
		ratelearn_sent(&l, t + i * 10000ULL);
		ratelearn_confirmed(&l, 14, t + i * 10000ULL);
	}
	EXPECT(ratelearn_drop(&l) == 1060 && l.overflowed_at == 1414);
	/* again, with too little confirmed to measure: half */
	ratelearn_sent(&l, t + 20000000);
	ratelearn_confirmed(&l, 3, t + 20001000);
	EXPECT(ratelearn_drop(&l) == 530 && l.overflowed_at == 0);
	/* measured faster than the pace that dropped: still below the pace */
	t += 30000000;
	for (i = 0; i <= 100; i++) {
		ratelearn_sent(&l, t + i * 10000ULL);
		ratelearn_confirmed(&l, 50, t + i * 10000ULL);
	}
	EXPECT(ratelearn_drop(&l) == 397);
	/* never below the floor; a clock that went back starts a new run */
	for (i = 0; i < 20; i++)
		ratelearn_drop(&l);
	EXPECT(l.rate == RATELEARN_MIN);
	ratelearn_sent(&l, t + 5000000);
	ratelearn_sent(&l, t);
	EXPECT(l.run_start_us == t);
	ratelearn_confirmed(&l, 1, t - 1);
	EXPECT(l.run_confirmed == 0);
}

static void t_pacer_rate(void)
{
	struct canbits f8 = canbits_frame(0x123, 8, 0, 0);
	uint64_t t = 1000000000ULL;
	struct pacer p;
	int i;

	pacer_init(&p, 10);
	pacer_set_rate(&p, 2000);
	EXPECT(pacer_on(&p) && pacer_room(&p, t) == 5);
	for (i = 0; i < 5; i++)
		pacer_add(&p, f8);
	EXPECT(pacer_room(&p, t) == 0);
	pacer_burst_sent(&p, t, t);
	EXPECT(pacer_wait_ns(&p, t) == 5ULL * 500000);
	/* with a bit rate as well, the slower of the two per frame: 270 us
	 * on the bus at 500 kbit/s against 1/2000 s */
	pacer_set_bitrate(&p, 500000, 0);
	pacer_add(&p, f8);
	pacer_burst_sent(&p, t + 2500000, t);
	EXPECT(pacer_wait_ns(&p, t + 2500000) == 500000);
	pacer_set_rate(&p, 10000); /* 100 us: the bus's 270 us is slower */
	pacer_add(&p, f8);
	pacer_burst_sent(&p, t + 3000000, t);
	EXPECT(pacer_wait_ns(&p, t + 3000000) == 270000);
	/* an odd rate rounds the frame time up: never faster than asked */
	pacer_set_bitrate(&p, 0, 0);
	pacer_set_rate(&p, 3);
	pacer_add(&p, f8);
	pacer_burst_sent(&p, t + 4000000, t);
	EXPECT(pacer_wait_ns(&p, t + 4000000) == 333333334);
	pacer_set_rate(&p, 0);
	EXPECT(!pacer_on(&p));
}

/* Append an attribute of @len payload bytes at *@pos; returns it. */
static struct nlattr *put_attr(char *buf, size_t *pos, uint16_t type,
			       const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)(buf + *pos);

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	*pos += NLA_ALIGN(a->nla_len);
	return a;
}

/*
 * An NLMSG_ERROR as the kernel sends it without NETLINK_CAP_ACK: the
 * refused FRAMES_RX echoed whole, @frames entries (and one foreign
 * attribute inside the nest, which is not a frame).
 */
static size_t refusal(char *buf, int frames)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	struct genlmsghdr *g = NLMSG_DATA(&e->msg);
	size_t req = (size_t)((char *)&e->msg - buf), pos;
	uint32_t id = 0x123, ifindex = 7;
	struct nlattr *nest;

	memset(buf, 0, 4096);
	g->cmd = RCAN_CMD_FRAMES_RX;
	pos = (size_t)((char *)g - buf) + GENL_HDRLEN;
	put_attr(buf, &pos, RCAN_ATTR_IFINDEX, &ifindex, 4);
	nest = put_attr(buf, &pos, NLA_F_NESTED | RCAN_ATTR_FRAMES, NULL, 0);
	for (int i = 0; i < frames; i++) {
		struct nlattr *f = put_attr(buf, &pos, RCAN_ATTR_FRAME, NULL, 0);

		put_attr(buf, &pos, RCAN_FRAME_ID, &id, 4);
		f->nla_len = (uint16_t)(buf + pos - (char *)f);
	}
	put_attr(buf, &pos, RCAN_ATTR_FRAME + 1, &ifindex, 4);
	nest->nla_len = (uint16_t)(buf + pos - (char *)nest);
	e->error = -EPERM;
	e->msg.nlmsg_len = (uint32_t)(pos - req);
	e->msg.nlmsg_type = 0x20;
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_len = (uint32_t)pos;
	return pos;
}

static void t_nlerr(void)
{
	static char buf[4096];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	uint32_t frames;
	int cmd;

	refusal(buf, 3);
	EXPECT(nlerr_request(nlh, &cmd, &frames) == 1);
	EXPECT(cmd == RCAN_CMD_FRAMES_RX && frames == 3);
	refusal(buf, 100);
	EXPECT(nlerr_request(nlh, &cmd, &frames) == 1 && frames == 100);
	/* another command: named, no frames */
	((struct genlmsghdr *)NLMSG_DATA(&e->msg))->cmd = RCAN_CMD_TX_DONE;
	EXPECT(nlerr_request(nlh, &cmd, &frames) == 1);
	EXPECT(cmd == RCAN_CMD_TX_DONE && frames == 0);
	/* capped (NETLINK_CAP_ACK): only the header came back */
	refusal(buf, 3);
	nlh->nlmsg_flags |= NLM_F_CAPPED;
	EXPECT(nlerr_request(nlh, &cmd, &frames) == 0 && !cmd && !frames);
	/* an echo longer than the message that carries it */
	refusal(buf, 3);
	e->msg.nlmsg_len += 4;
	EXPECT(nlerr_request(nlh, &cmd, &frames) == 0 && !cmd && !frames);
	/* an error message too short for its struct nlmsgerr */
	refusal(buf, 3);
	nlh->nlmsg_len = NLMSG_HDRLEN + 4;
	EXPECT(nlerr_request(nlh, &cmd, &frames) == 0);
	/* a frame attribute that claims more than the nest holds ends the walk */
	refusal(buf, 3);
	((struct nlattr *)((char *)NLMSG_DATA(&e->msg) + GENL_HDRLEN + 8 +
			   NLA_HDRLEN))->nla_len = 2000;
	EXPECT(nlerr_request(nlh, &cmd, &frames) == 1 && frames == 0);
}

/* `rcand list` reads what the daemon wrote, 64-bit counters whole. */
static void t_runstate(void)
{
	char dir[] = "/tmp/rcand-unit-XXXXXX";
	struct runstate w, r;

	EXPECT(mkdtemp(dir) != NULL);
	setenv("RCAND_RUNDIR", dir, 1);
	memset(&w, 0, sizeof(w));
	/* the longest line: every word and number at its widest */
	memset(w.dialect, 'd', sizeof(w.dialect) - 1);
	memset(w.source, 's', sizeof(w.source) - 1);
	w.rtt_min_us = w.tx_rate = UINT32_MAX;
	w.bitrate = w.dbitrate = UINT32_MAX;
	w.srtt_us = 50123;
	w.window = 512;
	w.rx_frames = 5000000001ULL;
	w.rx_dropped = UINT64_MAX;
	w.tx_frames = 4294967296ULL;
	w.tx_failed = UINT64_MAX - 1;
	EXPECT(runstate_write(42, &w) == 0);
	memset(&r, 0, sizeof(r));
	EXPECT(runstate_read(42, &r) == 0);
	EXPECT(r.srtt_us == 50123 && r.window == 512);
	EXPECT(r.has_counters && r.dbitrate == UINT32_MAX);
	EXPECT(r.rx_frames == 5000000001ULL && r.rx_dropped == UINT64_MAX);
	EXPECT(r.tx_frames == 4294967296ULL && r.tx_failed == UINT64_MAX - 1);
	EXPECT(!strcmp(r.dialect, w.dialect) && !strcmp(r.source, w.source));
	runstate_remove(42);
	EXPECT(runstate_read(42, &r) < 0);
	rmdir(dir);
	unsetenv("RCAND_RUNDIR");
}


/* ---- the server's half: commands in, elements out ---- */

/* b holds exactly the n bytes of lit */
static int is(const char *b, int n, const char *lit)
{
	return n == (int)strlen(lit) && !memcmp(b, lit, (size_t)n);
}

static void parse_cmd(const char *el, struct proto_cmd *c)
{
	proto_cmd_parse(el, c);
}

/* The daemon's element reader, resuming where it stopped: *scan says how
 * much of the kept bytes was looked at already. */
static int cmd_next(const char *buf, size_t len, size_t *st, size_t *end)
{
	size_t scan = 0;

	return proto_cmd_next(buf, len, &scan, st, end);
}

static void t_cmd_next(void)
{
	static char in[PROTO_ELEM_MAX];
	size_t st, end, scan, len, looked = 0, i;

	EXPECT(cmd_next("xx< echo >< ok", 14, &st, &end) == 1);
	EXPECT(st == 2 && end == 9);
	EXPECT(cmd_next("< send 12", 9, &st, &end) == 0 && st == 0);
	EXPECT(cmd_next("garbage", 7, &st, &end) == 0 && st == 7);
	EXPECT(cmd_next("ab<", 3, &st, &end) == 0 && st == 2);
	EXPECT(cmd_next("", 0, &st, &end) == 0 && st == 0);

	/* L3: a long element dribbled one byte at a time is scanned once,
	 * not from its start at each byte (quadratic) */
	len = 0;
	scan = 0;
	in[len++] = 'x'; /* dropped: no '<' yet */
	EXPECT(proto_cmd_next(in, len, &scan, &st, &end) == 0 && st == 1 &&
	       scan == 0);
	len = 0;
	for (i = 0; i + 1 < sizeof(in); i++) {
		in[len++] = i ? 'a' : '<';
		looked += len - scan;
		EXPECT(proto_cmd_next(in, len, &scan, &st, &end) == 0);
		EXPECT(st == 0 && scan == len);
		memmove(in, in + st, len - st);
		len -= st;
	}
	EXPECT(looked == sizeof(in) - 1);
	in[len++] = '>';
	EXPECT(proto_cmd_next(in, len, &scan, &st, &end) == 1);
	EXPECT(st == 0 && end == len - 1 && scan == 0);
	/* it resumes where it stopped: a '>' in the bytes it says it looked
	 * at is not looked at again (the caller keeps them unchanged) */
	memcpy(in, "< a > b", 7);
	scan = 6;
	EXPECT(proto_cmd_next(in, 7, &scan, &st, &end) == 0 && st == 0 &&
	       scan == 7);
	/* bytes before the '<' dropped: scan counts from the '<' */
	memcpy(in, "zz< ab", 6);
	scan = 0;
	EXPECT(proto_cmd_next(in, 6, &scan, &st, &end) == 0 && st == 2 &&
	       scan == 4);
	memmove(in, in + 2, 4);
	memcpy(in + 4, " >< c", 5);
	EXPECT(proto_cmd_next(in, 9, &scan, &st, &end) == 1 && st == 0 &&
	       end == 5 && scan == 0);
	/* the rest after the element, from its start again */
	EXPECT(proto_cmd_next(in + 6, 3, &scan, &st, &end) == 0 && st == 0 &&
	       scan == 3);
}

static void t_cmd_send(void)
{
	static struct proto_cmd c;

	parse_cmd("< send 123 2 11 22 >", &c);
	EXPECT(c.type == PROTO_CMD_SEND && !c.bad && c.can_id == 0x123 &&
	       c.len == 2 && c.data[0] == 0x11 && c.data[1] == 0x22);
	/* extended iff the id text is 8 characters, whatever its value */
	parse_cmd("< send 0000007B 0 >", &c);
	EXPECT(!c.bad && c.can_id == (0x7B | PROTO_EFF_FLAG) && c.len == 0);
	parse_cmd("< send 1AAAAAAA 2 1 f1 >", &c);
	EXPECT(!c.bad && c.can_id == (0x1AAAAAAA | PROTO_EFF_FLAG) &&
	       c.data[0] == 1 && c.data[1] == 0xf1);
	/* sscanf's leniency, as the daemon: 0x, a byte cut to 8 bits */
	parse_cmd("< send 0x123 1 1ff >", &c);
	EXPECT(!c.bad && c.can_id == 0x123 && c.data[0] == 0xff);
	/* 10 characters are not 8: the daemon sends it without EFF */
	parse_cmd("< send 0x1AAAAAAA 0 >", &c);
	EXPECT(!c.bad && c.can_id == 0x1AAAAAAA);
	/* more bytes than 8 with DLC 8: the daemon reads 8, takes it */
	parse_cmd("< send 123 8 1 2 3 4 5 6 7 8 9 >", &c);
	EXPECT(!c.bad && c.len == 8 && c.data[7] == 8);
	parse_cmd("< send 123 9 1 2 3 4 5 6 7 8 9 >", &c);
	EXPECT(c.type == PROTO_CMD_SEND && c.bad);
	parse_cmd("< send 123 2 11 >", &c);
	EXPECT(c.bad);
	parse_cmd("< send 12x 1 11 >", &c);
	EXPECT(c.bad);
	parse_cmd("< send 123 65 >", &c);
	EXPECT(c.bad);
	parse_cmd("< send >", &c);
	EXPECT(c.bad);
	/* the rawmode-canfd branch's FD send: valid lengths only */
	parse_cmd("< sendfd 123 12 1 2 3 4 5 6 7 8 9 a b c >", &c);
	EXPECT(c.type == PROTO_CMD_SENDFD && !c.bad && c.len == 12 &&
	       c.data[11] == 0xc);
	parse_cmd("< sendfd 123 9 1 2 3 4 5 6 7 8 9 >", &c);
	EXPECT(c.type == PROTO_CMD_SENDFD && c.bad);
	parse_cmd("< sendfd 123 65 >", &c);
	EXPECT(c.bad);
	/* the verb needs its space: "< sendx" is no send */
	parse_cmd("< sendx 123 0 >", &c);
	EXPECT(c.type == PROTO_CMD_UNKNOWN);
	parse_cmd("< fdsend 123 00 1 11 >", &c);
	EXPECT(c.type == PROTO_CMD_UNKNOWN);
}

static void t_cmd_modes(void)
{
	static struct proto_cmd c;

	parse_cmd("< echo >", &c);
	EXPECT(c.type == PROTO_CMD_ECHO);
	parse_cmd("< rawmode >", &c);
	EXPECT(c.type == PROTO_CMD_RAWMODE);
	parse_cmd("< bcmmode >", &c);
	EXPECT(c.type == PROTO_CMD_BCMMODE);
	parse_cmd("< controlmode >", &c);
	EXPECT(c.type == PROTO_CMD_CONTROLMODE);
	parse_cmd("< isotpmode >", &c);
	EXPECT(c.type == PROTO_CMD_ISOTPMODE);
	/* the daemon compares the whole element */
	parse_cmd("<echo>", &c);
	EXPECT(c.type == PROTO_CMD_UNKNOWN);
	parse_cmd("< echo  >", &c);
	EXPECT(c.type == PROTO_CMD_UNKNOWN);
	parse_cmd("< frobnicate >", &c);
	EXPECT(c.type == PROTO_CMD_UNKNOWN);
	parse_cmd("< statistics 200 >", &c);
	EXPECT(c.type == PROTO_CMD_STATISTICS && !c.bad && c.stat_ms == 200);
	parse_cmd("< statistics x >", &c);
	EXPECT(c.type == PROTO_CMD_STATISTICS && c.bad);
	EXPECT(strcmp(proto_cmd_name(PROTO_CMD_MUXFILTER), "muxfilter") == 0);
	EXPECT(strcmp(proto_cmd_name(PROTO_CMD_COUNT), "?") == 0);
}

static void t_cmd_nobus(void)
{
	static struct proto_cmd c;

	parse_cmd("< open vcan0 >", &c);
	EXPECT(c.type == PROTO_CMD_OPEN && !c.bad && !strcmp(c.bus, "vcan0"));
	/* the daemon's "< open %s>": no space before '>' keeps it */
	parse_cmd("< open vcan0>", &c);
	EXPECT(!c.bad && !strcmp(c.bus, "vcan0>"));
	parse_cmd("< open >", &c);
	EXPECT(!c.bad && !strcmp(c.bus, ">"));
	/* the daemon overflowed on 17 characters; here it is refused */
	parse_cmd("< open abcdefghijklmnopq >", &c);
	EXPECT(c.type == PROTO_CMD_OPEN && c.bad);
	parse_cmd("< open abcdefghijklmnop >", &c);
	EXPECT(!c.bad && strlen(c.bus) == 16);
	parse_cmd("< can0 B 500000 875 0 0 0 0 1 0 >", &c);
	EXPECT(c.type == PROTO_CMD_BITTIMING && !strcmp(c.bus, "can0") &&
	       c.bt.bitrate == 500000 && c.bt.sample_point == 875 &&
	       c.bt.sjw == 1);
	parse_cmd("< can0 C 1 0 1 >", &c);
	EXPECT(c.type == PROTO_CMD_CTRLMODE && c.ctrl[0] == 1 &&
	       c.ctrl[1] == 0 && c.ctrl[2] == 1);
	parse_cmd("< can0 C 1 0 2 >", &c);
	EXPECT(c.type == PROTO_CMD_UNKNOWN);
	parse_cmd("< vcan0 B 1 2 >", &c);
	EXPECT(c.type == PROTO_CMD_UNKNOWN);
	parse_cmd("< can0 B 1 2 3 4 5 6 7 8 9 >", &c);
	EXPECT(c.type == PROTO_CMD_UNKNOWN);
	/* a bus named rcan is configured as the daemon would: the
	 * extension's word does not take its commands */
	parse_cmd("< rcan B 500000 875 0 0 0 0 1 0 >", &c);
	EXPECT(c.type == PROTO_CMD_BITTIMING && !strcmp(c.bus, "rcan") &&
	       c.bt.bitrate == 500000);
	parse_cmd("< rcan C 1 0 1 >", &c);
	EXPECT(c.type == PROTO_CMD_CTRLMODE && !strcmp(c.bus, "rcan"));
}

static void t_cmd_bcm(void)
{
	static struct proto_cmd c;

	parse_cmd("< add 1 500 123 2 AA BB >", &c);
	EXPECT(c.type == PROTO_CMD_ADD && !c.bad && c.sec == 1 &&
	       c.usec == 500 && c.can_id == 0x123 && c.len == 2 &&
	       c.data[1] == 0xbb);
	/* the id is word 4 here: 8 characters make it extended */
	parse_cmd("< add 0 100 00000123 0 >", &c);
	EXPECT(!c.bad && c.can_id == (0x123 | PROTO_EFF_FLAG));
	parse_cmd("< add 1 >", &c);
	EXPECT(c.bad);
	parse_cmd("< update 123 1 CC >", &c);
	EXPECT(c.type == PROTO_CMD_UPDATE && !c.bad && c.data[0] == 0xcc);
	parse_cmd("< delete 123 >", &c);
	EXPECT(c.type == PROTO_CMD_DELETE && !c.bad && c.can_id == 0x123);
	parse_cmd("< delete >", &c);
	EXPECT(c.bad);
	parse_cmd("< filter 0 0 123 1 FF >", &c);
	EXPECT(c.type == PROTO_CMD_FILTER && !c.bad && c.data[0] == 0xff);
	parse_cmd("< subscribe 0 0 12345678 >", &c);
	EXPECT(c.type == PROTO_CMD_SUBSCRIBE && !c.bad &&
	       c.can_id == (0x12345678 | PROTO_EFF_FLAG));
	parse_cmd("< subscribe 0 0 >", &c);
	EXPECT(c.bad);
	parse_cmd("< unsubscribe 234 >", &c);
	EXPECT(c.type == PROTO_CMD_UNSUBSCRIBE && !c.bad && c.can_id == 0x234);
	parse_cmd("< muxfilter 0 0 456 2 FF 00 00 00 00 00 00 00 01 FF 00 00 00 00 00 0a >",
	    &c);
	EXPECT(c.type == PROTO_CMD_MUXFILTER && !c.bad && c.nframes == 2 &&
	       c.mux[0][0] == 0xff && c.mux[1][0] == 1 && c.mux[1][1] == 0xff &&
	       c.mux[1][7] == 0x0a);
	/* too few tuples for N, or N out of 2..257 */
	parse_cmd("< muxfilter 0 0 456 3 FF 00 00 00 00 00 00 00 01 FF 00 00 00 00 00 0a >",
	    &c);
	EXPECT(c.bad);
	parse_cmd("< muxfilter 0 0 456 1 FF 00 00 00 00 00 00 00 >", &c);
	EXPECT(c.bad);
	parse_cmd("< muxfilter 0 0 456 2 FF 00 00 00 00 00 00 00 01 FF 00 00 00 00 00 0x >",
	    &c);
	EXPECT(c.bad);
}

static void t_cmd_isotp(void)
{
	static struct proto_cmd c;
	uint8_t pdu[PROTO_PDU_MAX];
	static char big[2 * PROTO_PDU_MAX + 40];

	parse_cmd("< isotpconf 7E0 7E8 0 0 0 >", &c);
	EXPECT(c.type == PROTO_CMD_ISOTPCONF && !c.bad &&
	       c.isotp.tx_id == 0x7E0 && c.isotp.rx_id == 0x7E8);
	parse_cmd("< isotpconf 18DA00F1 18DAF100 0 8 5 >", &c);
	EXPECT(!c.bad && c.isotp.tx_id == (0x18DA00F1 | PROTO_EFF_FLAG) &&
	       c.isotp.bs == 8 && c.isotp.stmin == 5);
	/* TX padding (0x004) needs TXPAD: 7 fields */
	parse_cmd("< isotpconf 7E0 7E8 4 0 0 >", &c);
	EXPECT(c.bad);
	parse_cmd("< isotpconf 7E0 7E8 4 0 0 0 CC >", &c);
	EXPECT(!c.bad && c.isotp.txpad == 0xcc);
	parse_cmd("< isotpconf 7E0 7E8 0 0 >", &c);
	EXPECT(c.bad);
	parse_cmd("< sendpdu 0102AaFf >", &c);
	EXPECT(c.type == PROTO_CMD_SENDPDU && !c.bad && c.pdu_len == 4);
	EXPECT(proto_cmd_pdu(&c, pdu) == 0 && pdu[0] == 1 && pdu[2] == 0xaa &&
	       pdu[3] == 0xff);
	parse_cmd("< sendpdu 123 >", &c);
	EXPECT(c.bad);
	parse_cmd("< sendpdu 1G >", &c);
	EXPECT(!c.bad && proto_cmd_pdu(&c, pdu) < 0);
	/* "< sendpdu " and 4095 bytes of hex, then one byte too many */
	memset(big, '1', sizeof(big));
	snprintf(big, sizeof(big), "%s", "< sendpdu ");
	big[10] = '1';
	snprintf(big + 10 + (size_t)2 * PROTO_PDU_MAX, 3, "%s", " >");
	parse_cmd(big, &c);
	EXPECT(!c.bad && c.pdu_len == PROTO_PDU_MAX);
	snprintf(big + 10 + (size_t)2 * PROTO_PDU_MAX, 5, "%s", "11 >");
	parse_cmd(big, &c);
	EXPECT(c.bad);
}

/* The server's element, read back by rcand's own parser. */
static void rx_back(const char *el, int n, struct proto_event *ev)
{
	EXPECT(n > 2 && el[0] == '<' && el[n - 1] == '>');
	proto_parse_element(el + 1, (size_t)n - 2, ev);
}

static void t_format_rx(void)
{
	static const uint8_t d8[8] = { 0x11, 0x22, 0x33, 0x44,
				       0x55, 0x66, 0x77, 0x88 };
	uint8_t d64[64];
	struct proto_rxframe f = { 0x123, 8, 0, d8, 1637791111, 209224 };
	struct proto_event ev;
	char b[PROTO_RX_MAX];
	int n, i;

	n = proto_format_rx(b, sizeof(b), &f, PROTO_RX_RAW);
	EXPECT(is(b, n, "< frame 123 1637791111.209224 1122334455667788 >"));
	rx_back(b, n, &ev);
	EXPECT(ev.type == PROTO_EV_FRAME && ev.can_id == 0x123 && ev.len == 8 &&
	       ev.ts_ns == 1637791111209224000ULL);
	f.can_id = 0x6FD | PROTO_EFF_FLAG;
	f.len = 0;
	f.usec = 5;
	n = proto_format_rx(b, sizeof(b), &f, PROTO_RX_RAW);
	EXPECT(is(b, n, "< frame 000006FD 1637791111.000005  >"));
	rx_back(b, n, &ev);
	EXPECT(ev.type == PROTO_EV_FRAME && ev.can_id == (0x6FD | PROTO_EFF_FLAG) &&
	       ev.len == 0);
	/* RTR frames are not forwarded */
	f.can_id = 0x7FF | PROTO_RTR_FLAG;
	EXPECT(proto_format_rx(b, sizeof(b), &f, PROTO_RX_RAW) == 0);
	/* error frame: the class, no data */
	f.can_id = 0x004 | PROTO_ERR_FLAG;
	f.len = 8;
	n = proto_format_rx(b, sizeof(b), &f, PROTO_RX_RAW);
	EXPECT(is(b, n, "< error 004 1637791111.000005 >"));
	rx_back(b, n, &ev);
	EXPECT(ev.type == PROTO_EV_ERRFRAME && ev.can_id == (0x004 | PROTO_ERR_FLAG));
	/* BCM: the whole can_id and the bytes, each with a space */
	n = proto_format_rx(b, sizeof(b), &f, PROTO_RX_BCM);
	EXPECT(is(b, n, "< error 20000004 1637791111.000005 11 22 33 44 55 66 77 88  >"));
	f.can_id = 0x234;
	f.len = 3;
	n = proto_format_rx(b, sizeof(b), &f, PROTO_RX_BCM);
	EXPECT(is(b, n, "< frame 234 1637791111.000005 11 22 33  >"));
	rx_back(b, n, &ev);
	EXPECT(ev.type == PROTO_EV_FRAME && ev.bcm_format && ev.len == 3 &&
	       ev.data[2] == 0x33);
	/* FD: the rawmode-canfd branch's fdframe, every length */
	for (i = 0; i < 64; i++)
		d64[i] = (uint8_t)(i * 7 + 1);
	f.data = d64;
	f.fd = 1;
	for (i = 0; i <= 64; i++) {
		f.len = (uint8_t)i;
		f.can_id = i & 1 ? (0x1ABCDEF0U | PROTO_EFF_FLAG) : 0x123;
		n = proto_format_rx(b, sizeof(b), &f, PROTO_RX_RAW);
		EXPECT(n > 0 && !memcmp(b, "< fdframe ", 10));
		rx_back(b, n, &ev);
		/* lengths between valid FD ones never occur on a socket */
		if (i <= 8 || i == 12 || i == 16 || i == 20 || i == 24 ||
		    i == 32 || i == 48 || i == 64)
			EXPECT(ev.type == PROTO_EV_FDFRAME && ev.len == i &&
			       ev.can_id == f.can_id &&
			       !memcmp(ev.data, d64, (size_t)i) &&
			       ev.dialect == PROTO_DIALECT_RAWMODE_CANFD);
	}
	/* too small a buffer */
	EXPECT(proto_format_rx(b, 20, &f, PROTO_RX_RAW) == -1);
}

static void t_format_server_misc(void)
{
	static char b[PROTO_PDU_ELEM_MAX];
	static uint8_t pdu[PROTO_PDU_MAX];
	const char *buses[] = { "can0", "vcan0" };
	struct beacon bc;
	struct proto_event ev;
	int n;

	n = proto_format_pdu(b, sizeof(b), 12, 3, (const uint8_t *)"\x01\xab", 2);
	EXPECT(is(b, n, "< pdu 12.000003 01AB >"));
	memset(pdu, 0xee, sizeof(pdu));
	n = proto_format_pdu(b, sizeof(b), 12, 3, pdu, sizeof(pdu));
	EXPECT(n == 18 + 2 * PROTO_PDU_MAX);
	EXPECT(proto_format_pdu(b, 100, 12, 3, pdu, sizeof(pdu)) == -1);
	/* the daemon's %u of /proc/net/dev's 64-bit counters */
	n = proto_format_stat(b, 80, 4294967296ULL + 5, 2, 3, 4);
	EXPECT(is(b, n, "< stat 5 2 3 4 >"));
	rx_back(b, n, &ev);
	EXPECT(ev.type == PROTO_EV_STAT && ev.stat[0] == 5 && ev.stat[3] == 4);
	n = proto_format_beacon(b, PROTO_BEACON_MAX, "benchbox", "socketcand",
				"192.0.2.7", 29536, buses, 2);
	EXPECT(is(b, n, "<CANBeacon name=\"benchbox\" type=\"SocketCAN\" description=\"socketcand\">\n"
			  "<URL>can://192.0.2.7:29536</URL><Bus name=\"can0\"/><Bus name=\"vcan0\"/></CANBeacon>"));
	EXPECT(beacon_parse(b, (size_t)n, "192.0.2.7", &bc) == 0 &&
	       bc.port == 29536 && bc.nbuses == 2 && !strcmp(bc.buses[1], "vcan0") &&
	       !strcmp(bc.name, "benchbox"));
	/* host names are cut to 32 bytes, as the daemon's buffer does */
	n = proto_format_beacon(b, PROTO_BEACON_MAX,
				"0123456789012345678901234567890123456789",
				"socketcand", "h", 1, buses, 0);
	EXPECT(n > 0 && strstr(b, "\"01234567890123456789012345678901\""));
}

/* ---- the rcan extension (proto_ext.c, docs/RCAN-EXTENSION.md) ---- */

/* One element's event, from its text with the brackets. */
static void ext_event(const char *el, struct proto_event *ev)
{
	size_t n = strlen(el);

	proto_parse_element(el + 1, n - 2, ev);
}

static void t_ext_parse(void)
{
	struct proto_event ev;

	/* every example of docs/RCAN-EXTENSION.md */
	ext_event("< rcan 1 confirm state >", &ev);
	EXPECT(ev.type == PROTO_EV_RCAN && ev.ext.version == 1 &&
	       ev.ext.features == (PROTO_EXT_F_CONFIRM | PROTO_EXT_F_STATE));
	ext_event("< rcan 1 >", &ev);
	EXPECT(ev.type == PROTO_EV_RCAN && ev.ext.version == 1 &&
	       ev.ext.features == 0);
	/* a newer peer's feature is skipped, not refused */
	ext_event("< rcan 3 state timestamps-v2 confirm >", &ev);
	EXPECT(ev.type == PROTO_EV_RCAN && ev.ext.version == 3 &&
	       ev.ext.features == (PROTO_EXT_F_CONFIRM | PROTO_EXT_F_STATE));
	ext_event("< sent 3 1764851234.000123 >", &ev);
	EXPECT(ev.type == PROTO_EV_SENT && ev.ext.count == 3 &&
	       ev.ts_ns == 1764851234000123000ULL);
	ext_event("< failed 2 down >", &ev);
	EXPECT(ev.type == PROTO_EV_FAILED && ev.ext.count == 2 &&
	       ev.ext.reason == PROTO_EXT_R_DOWN);
	ext_event("< failed 1 busy >", &ev);
	EXPECT(ev.type == PROTO_EV_FAILED && ev.ext.reason == PROTO_EXT_R_BUSY);
	ext_event("< failed 1 invalid >", &ev);
	EXPECT(ev.type == PROTO_EV_FAILED &&
	       ev.ext.reason == PROTO_EXT_R_INVALID);
	ext_event("< failed 4 closed >", &ev);
	EXPECT(ev.type == PROTO_EV_FAILED && ev.ext.reason == PROTO_EXT_R_CLOSED);
	ext_event("< failed 3 lost >", &ev);
	EXPECT(ev.type == PROTO_EV_FAILED && ev.ext.count == 3 &&
	       ev.ext.reason == PROTO_EXT_R_LOST);
	EXPECT(!strcmp(proto_ext_reason_name(PROTO_EXT_R_LOST), "lost"));
	/* a reason of a newer version still fails the frames */
	ext_event("< failed 7 no-ack >", &ev);
	EXPECT(ev.type == PROTO_EV_FAILED && ev.ext.count == 7 &&
	       ev.ext.reason == PROTO_EXT_R_OTHER);
	ext_event("< state error-passive 128 3 >", &ev);
	EXPECT(ev.type == PROTO_EV_STATE && ev.ext.state == 2 &&
	       ev.ext.txerr == 128 && ev.ext.rxerr == 3);
	ext_event("< state error-active 0 0 >", &ev);
	EXPECT(ev.type == PROTO_EV_STATE && ev.ext.state == 0);
	ext_event("< state bus-off 256 0 >", &ev);
	EXPECT(ev.type == PROTO_EV_STATE && ev.ext.state == 3 &&
	       ev.ext.txerr == 256);
	ext_event("< state stopped 0 0 >", &ev);
	EXPECT(ev.type == PROTO_EV_STATE && ev.ext.state == 4);
	ext_event("< state error-warning 96 0 >", &ev);
	EXPECT(ev.type == PROTO_EV_STATE && ev.ext.state == 1);
	ext_event("< bittiming 500000 2000000 >", &ev);
	EXPECT(ev.type == PROTO_EV_BITTIMING && ev.ext.bitrate == 500000 &&
	       ev.ext.dbitrate == 2000000);
	ext_event("< bittiming 0 0 >", &ev);
	EXPECT(ev.type == PROTO_EV_BITTIMING && ev.ext.bitrate == 0);

	/* a count or state that could be misread loses the stream */
	static const char *const bad[] = {
		"< rcan >", "< rcan 0 >", "< rcan x >", "< rcan 1 CONFIRM >",
		"< rcan -1 >", "< rcan 1 con_firm >", "< rcan 99999999999 >",
		"< sent >", "< sent 0 1.000000 >", "< sent 1 >",
		"< sent 1 1.5 >", "< sent 1 1.0000001 >", "< sent 1 1 >",
		"< sent 0x3 1.000000 >", "< sent 3 1.000000 x >",
		"< sent 4294967296 1.000000 >", "< sent 1 99999999999.000000 >",
		"< failed 1 >", "< failed 0 busy >", "< failed 1 Busy >",
		"< failed 1 busy now >", "< failed -1 busy >",
		"< state >", "< state sleeping 0 0 >", "< state bus-off 0 >",
		"< state bus-off 65536 0 >", "< state bus-off 0 0 0 >",
		"< state 3 0 0 >", "< bittiming 1 >", "< bittiming 1 2 3 >",
		"< bittiming 4294967296 0 >", "< bittiming 1e6 0 >",
		"< sent 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 >",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ext_event(bad[i], &ev);
		if (ev.type != PROTO_EV_GARBAGE) {
			printf("# '%s' read as %s\n", bad[i],
			       proto_ev_name(ev.type));
			failures++;
		}
	}
	/* other words are not the extension's: as before */
	ext_event("< sentx 1 1.000000 >", &ev);
	EXPECT(ev.type == PROTO_EV_UNKNOWN);
	ext_event("< State error-active 0 0 >", &ev);
	EXPECT(ev.type == PROTO_EV_UNKNOWN);
	/* whatever the split, through the stream parser */
	{
		static const char in[] =
			"< rcan 1 confirm state >< ok >< ok >< bittiming 0 0 >"
			"< state error-active 0 0 >< frame 123 1.000000 11 >"
			"< sent 2 1764851234.500000 >< failed 1 down >";
		const char *want =
			"rcan\nok\nok\nbittiming\nstate\n"
			"frame 00000123 1.000000000 1:11\nsent\nfailed\n";
		size_t step;

		for (step = 1; step <= sizeof(in) - 1; step++)
			if (strcmp(parse_all(in, sizeof(in) - 1, step), want)) {
				printf("# split %zu: %s\n", step,
				       parse_all(in, sizeof(in) - 1, step));
				failures++;
				break;
			}
	}
}

static void t_ext_format(void)
{
	char b[PROTO_EXT_ELEM_MAX];
	struct proto_event ev;
	int n;

	n = proto_ext_format_rcan(b, sizeof(b), 1, PROTO_EXT_F_ALL);
	EXPECT(n == 24 && !strcmp(b, "< rcan 1 confirm state >"));
	n = proto_ext_format_rcan(b, sizeof(b), 1, PROTO_EXT_F_STATE);
	EXPECT(n > 0 && !strcmp(b, "< rcan 1 state >"));
	n = proto_ext_format_rcan(b, sizeof(b), 1, 0);
	EXPECT(n > 0 && !strcmp(b, "< rcan 1 >"));
	EXPECT(proto_ext_format_rcan(b, sizeof(b), 0, 0) < 0);
	EXPECT(proto_ext_format_rcan(b, 12, 1, PROTO_EXT_F_ALL) < 0);
	n = proto_ext_format_sent(b, sizeof(b), 3, 1764851234, 123);
	EXPECT(n > 0 && !strcmp(b, "< sent 3 1764851234.000123 >"));
	EXPECT(proto_ext_format_sent(b, sizeof(b), 0, 1, 0) < 0);
	EXPECT(proto_ext_format_sent(b, sizeof(b), 1, 1, 1000000) < 0);
	EXPECT(proto_ext_format_sent(b, 10, 1, 1, 0) < 0);
	n = proto_ext_format_failed(b, sizeof(b), 2, PROTO_EXT_R_DOWN);
	EXPECT(n > 0 && !strcmp(b, "< failed 2 down >"));
	n = proto_ext_format_failed(b, sizeof(b), 1, PROTO_EXT_R_CLOSED);
	EXPECT(n > 0 && !strcmp(b, "< failed 1 closed >"));
	EXPECT(proto_ext_format_failed(b, sizeof(b), 1, PROTO_EXT_R_OTHER) < 0);
	EXPECT(proto_ext_format_failed(b, sizeof(b), 0, PROTO_EXT_R_BUSY) < 0);
	n = proto_ext_format_state(b, sizeof(b), 2, 128, 3);
	EXPECT(n > 0 && !strcmp(b, "< state error-passive 128 3 >"));
	EXPECT(proto_ext_format_state(b, sizeof(b), 5, 0, 0) < 0);
	EXPECT(proto_ext_format_state(b, sizeof(b), 0, 65536, 0) < 0);
	n = proto_ext_format_bittiming(b, sizeof(b), 500000, 0);
	EXPECT(n > 0 && !strcmp(b, "< bittiming 500000 0 >"));
	/* what one end writes the other reads back the same */
	n = proto_ext_format_sent(b, sizeof(b), 4294967295U, 17999999999LL,
				  999999);
	ext_event(b, &ev);
	EXPECT(n > 0 && ev.type == PROTO_EV_SENT &&
	       ev.ext.count == 4294967295U &&
	       ev.ts_ns == 17999999999999999000ULL);
	for (unsigned int st = 0; st < PROTO_EXT_STATE_COUNT; st++) {
		n = proto_ext_format_state(b, sizeof(b), st, st, 65535);
		ext_event(b, &ev);
		EXPECT(n > 0 && ev.type == PROTO_EV_STATE && ev.ext.state == st &&
		       ev.ext.txerr == st && ev.ext.rxerr == 65535);
	}
	for (unsigned int r = 0; r < PROTO_EXT_R_OTHER; r++) {
		n = proto_ext_format_failed(b, sizeof(b), 9, r);
		ext_event(b, &ev);
		EXPECT(n > 0 && ev.type == PROTO_EV_FAILED && ev.ext.reason == r &&
		       ev.ext.count == 9);
	}
}

static void t_ext_cmd(void)
{
	static struct proto_cmd c;

	parse_cmd("< rcan 1 confirm state >", &c);
	EXPECT(c.type == PROTO_CMD_RCAN && c.ext_version == 1 &&
	       c.ext_features == PROTO_EXT_F_ALL);
	parse_cmd("< rcan 7 state something-new >", &c);
	EXPECT(c.type == PROTO_CMD_RCAN && c.ext_version == 7 &&
	       c.ext_features == PROTO_EXT_F_STATE);
	parse_cmd("< rcan 1 >", &c);
	EXPECT(c.type == PROTO_CMD_RCAN && c.ext_features == 0);
	/* malformed: what socketcand answers, an unknown command */
	parse_cmd("< rcan >", &c);
	EXPECT(c.type == PROTO_CMD_UNKNOWN);
	parse_cmd("< rcan 0 confirm >", &c);
	EXPECT(c.type == PROTO_CMD_UNKNOWN);
	parse_cmd("< rcan 1 Confirm >", &c);
	EXPECT(c.type == PROTO_CMD_UNKNOWN);
	parse_cmd("< rcan 1 confirm>", &c);
	EXPECT(c.type == PROTO_CMD_UNKNOWN);
	parse_cmd("< rcan one >", &c);
	EXPECT(c.type == PROTO_CMD_UNKNOWN);
	parse_cmd("< rcanx 1 >", &c);
	EXPECT(c.type == PROTO_CMD_UNKNOWN);
	parse_cmd("<rcan 1 >", &c);
	EXPECT(c.type == PROTO_CMD_UNKNOWN);
	/* the server's answer is read by rcand's parser */
	{
		char b[PROTO_EXT_ELEM_MAX];
		struct proto_event ev;
		int n = proto_ext_format_rcan(b, sizeof(b), 1,
					      PROTO_EXT_F_CONFIRM);

		parse_cmd(b, &c);
		ext_event(b, &ev);
		EXPECT(n > 0 && c.type == PROTO_CMD_RCAN &&
		       ev.type == PROTO_EV_RCAN &&
		       ev.ext.features == c.ext_features);
	}
}

/* A confirm-mode ring with frames 1..6 added, 1..3 sent in one batch. */
static void confirm_ring_of_six(void)
{
	int i;

	ring_start(1);
	txring_set_confirm(&T, 1);
	for (i = 1; i <= 6; i++)
		add(i);
	send_batch(3);
}

static void t_ring_confirm(void)
{
	confirm_ring_of_six();
	/* the echo's reply settles nothing in confirm mode */
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(reported(&R, ""));
	/* verdicts settle the oldest frames written, at once */
	EXPECT(txring_verdict(&T, 2, 0, 0) == 0);
	EXPECT(reported(&R, "done 2/2;"));
	/* 4 cannot be written: it fails after 3 is settled */
	txring_refused(&T, EINVAL);
	txring_flush(&T);
	EXPECT(reported(&R, ""));
	EXPECT(txring_verdict(&T, 1, ENETDOWN, 0) == 0);
	EXPECT(reported(&R, "fail 3/1 100;fail 4/1 22;"));
	/* sends of a batch with no echo yet are settled too */
	txring_sent(&T);
	txring_sent(&T);
	EXPECT(txring_verdict(&T, 1, 0, 0) == 0);
	EXPECT(reported(&R, "done 5/1;"));
	txring_close_batch(&T, 0);
	EXPECT(txring_verdict(&T, 1, ENOBUFS, 0) == 0);
	EXPECT(reported(&R, "fail 6/1 105;"));
	/* the batch leaves once its echo is answered too */
	EXPECT(T.c_len == 1);
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(T.c_len == 0);
	/* a verdict too many is refused (the server counts wrong) */
	EXPECT(txring_verdict(&T, 1, 0, 0) < 0);
	EXPECT(reported(&R, ""));
	/* a heartbeat between batches does not hold the frames back */
	add(7);
	send_batch(1);
	EXPECT(txring_barrier(&T, 0) == 0);
	add(8);
	add(9);
	send_batch(2);
	EXPECT(txring_verdict(&T, 3, 0, 0) == 0);
	EXPECT(reported(&R, "done 7/1;done 9/2;"));
	EXPECT(txring_verdict(&T, 1, 0, 0) < 0);
	/* the session ends: only what was not told fails */
	add(10);
	add(11);
	add(12);
	send_batch(2);
	EXPECT(txring_verdict(&T, 1, 0, 0) == 0);
	EXPECT(reported(&R, "done 10/1;"));
	EXPECT(txring_fail_all(&T, ECONNRESET) == 2);
	EXPECT(reported(&R, "fail 12/2 104;"));
	/* off again (a plain server): echoes settle as before */
	txring_set_confirm(&T, 0);
	add(13);
	send_batch(1);
	EXPECT(txring_verdict(&T, 1, 0, 0) < 0);
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(reported(&R, "done 13/1;"));
}

/* Issue 29: `< sent N SEC.USEC >` hands its time to every report of its
 * N frames, however many batches they span (each a TX_DONE of its own):
 * it becomes their hardware TX timestamp. Failures, expiries, a session
 * lost and echo mode carry none. */
static void t_ring_verdict_time(void)
{
	const uint64_t ts = 1764851234000123000ULL;

	confirm_ring_of_six();
	txring_sent(&T);
	txring_sent(&T);
	/* 1..3 in the echoed batch, 4 in the open one */
	EXPECT(txring_verdict(&T, 4, 0, ts) == 0);
	EXPECT(reported(&R, "done 3/3 @1764851234000123000;"
			    "done 4/1 @1764851234000123000;"));
	/* a failure has no time, whatever it is given */
	EXPECT(txring_verdict(&T, 1, EINVAL, ts) == 0);
	EXPECT(reported(&R, "fail 5/1 22;"));
	/* a verdict without one (0): TX_DONE without a time */
	txring_sent(&T);
	EXPECT(txring_verdict(&T, 1, 0, 0) == 0);
	EXPECT(reported(&R, "done 6/1;"));
	txring_close_batch(&T, 0);
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(txring_echo(&T, NULL) == 0);
	/* expired and lost frames fail without a time */
	add(7);
	send_batch(1);
	EXPECT(txring_expire(&T, TXRING_VERDICT_US, ETIMEDOUT) == 1U);
	EXPECT(reported(&R, "fail 7/1 110;"));
	add(8);
	send_batch(1);
	EXPECT(txring_fail_all(&T, ECONNRESET) == 1);
	EXPECT(reported(&R, "fail 8/1 104;"));
	/* echo mode: the echo's reply settles, with no remote time */
	txring_set_confirm(&T, 0);
	add(9);
	send_batch(1);
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(reported(&R, "done 9/1;"));
}

/* M4a, rcand's side: in confirm mode a frame written must have its
 * verdict within a deadline; the oldest batch still waiting is the one
 * that decides (txring_verdict_due), and frames written longer ago than
 * the limit fail with ETIMEDOUT, oldest first, in their place. */
static void t_ring_verdict_deadline(void)
{
	uint64_t s = 1000000, lim = TXRING_VERDICT_US;

	ring_start(1);
	/* echo mode has no verdict to wait for */
	add(1);
	send_batch(1);
	EXPECT(txring_verdict_due(&T) == 0);
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(reported(&R, "done 1/1;"));
	txring_set_confirm(&T, 1);
	EXPECT(txring_verdict_due(&T) == 0);
	add(2);
	add(3);
	EXPECT(txring_head(&T) != NULL);
	txring_sent(&T);
	txring_sent(&T);
	txring_close_batch(&T, s); /* 2, 3 written at s */
	add(4);
	txring_sent(&T);
	txring_close_batch(&T, s + 500000); /* 4 half a second later */
	EXPECT(txring_verdict_due(&T) == s + lim);
	/* one verdict: the rest of the batch still decides */
	EXPECT(txring_verdict(&T, 1, 0, 0) == 0);
	EXPECT(reported(&R, "done 2/1;"));
	EXPECT(txring_verdict_due(&T) == s + lim);
	/* not yet */
	EXPECT(txring_expire(&T, s + lim - 1, ETIMEDOUT) == 0U);
	EXPECT(reported(&R, ""));
	/* past it: 3 fails, 4 (written later) not yet */
	EXPECT(txring_expire(&T, s + lim, ETIMEDOUT) == 1U);
	EXPECT(reported(&R, "fail 3/1 110;"));
	EXPECT(txring_verdict_due(&T) == s + 500000 + lim);
	EXPECT(txring_expire(&T, s + 2 * lim, ETIMEDOUT) == 1U);
	EXPECT(reported(&R, "fail 4/1 110;"));
	EXPECT(txring_verdict_due(&T) == 0);
	/* the echoes' replies take the batches out */
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(txring_echo(&T, NULL) == 0);
	EXPECT(T.c_len == 0);
	EXPECT(txring_fail_all(&T, ECONNRESET) == 0);
	EXPECT(reported(&R, ""));
}

struct test {
	const char *name;
	void (*fn)(void);
};

/* One lexer for the client's and the server's parsers and formatters. */
static void t_proto_lex(void)
{
	unsigned int len, n = 0;

	EXPECT(proto_lex_hexval('0') == 0 && proto_lex_hexval('9') == 9);
	EXPECT(proto_lex_hexval('a') == 10 && proto_lex_hexval('F') == 15);
	EXPECT(proto_lex_hexval('g') == -1 && proto_lex_hexval(' ') == -1);
	EXPECT(proto_lex_hex[10] == 'A' && proto_lex_hex[15] == 'F');
	for (len = 0; len <= 100; len++)
		n += (unsigned int)proto_lex_fd_len_valid(len);
	EXPECT(n == 16 && proto_lex_fd_len_valid(64) &&
	       !proto_lex_fd_len_valid(9) && !proto_lex_fd_len_valid(65));
}

/* The decimal and timestamp lexer both ends' parsers share: a verdict's
 * SEC.USEC has exactly 6 fraction digits, a frame's 1 to 9; neither
 * takes a sign, a space, a second dot, nor seconds past the year 2540. */
static void t_proto_lex_numbers(void)
{
	static const struct {
		const char *s;
		enum proto_lex_ts kind;
		int ok;
		uint64_t ns;
	} ts[] = {
		{ "1764851234.000123", PROTO_LEX_TS_VERDICT, 1, 1764851234000123000ULL },
		{ "0.000000", PROTO_LEX_TS_VERDICT, 1, 0 },
		{ "18000000000.999999", PROTO_LEX_TS_VERDICT, 1, 18000000000999999000ULL },
		{ "1.5", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ "1.00000", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ "1.0000001", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ "1.", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ ".000001", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ "1", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ "", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ "1.00000a", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ "-1.000000", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ "+1.000000", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ "1.-00001", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ "1.000000.0", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ "1,000000", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ " 1.000000", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ "18000000001.000000", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ "99999999999.000000", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ "000000000001.000000", PROTO_LEX_TS_VERDICT, 0, 0 },
		{ "1.5", PROTO_LEX_TS_FRAME, 1, 1500000000ULL },
		{ "1764851234.000123", PROTO_LEX_TS_FRAME, 1, 1764851234000123000ULL },
		{ "2.123456789", PROTO_LEX_TS_FRAME, 1, 2123456789ULL },
		{ "0.0", PROTO_LEX_TS_FRAME, 1, 0 },
		{ "2.1234567890", PROTO_LEX_TS_FRAME, 0, 0 },
		{ "2.", PROTO_LEX_TS_FRAME, 0, 0 },
		{ ".5", PROTO_LEX_TS_FRAME, 0, 0 },
		{ "2", PROTO_LEX_TS_FRAME, 0, 0 },
		{ "2.5x", PROTO_LEX_TS_FRAME, 0, 0 },
		{ "2.5.1", PROTO_LEX_TS_FRAME, 0, 0 },
		{ "-2.5", PROTO_LEX_TS_FRAME, 0, 0 },
		{ "18000000001.0", PROTO_LEX_TS_FRAME, 0, 0 },
		{ "99999999999999999999.0", PROTO_LEX_TS_FRAME, 0, 0 },
	};
	struct proto_event ev;
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		int rc;

		v = 77;
		rc = proto_lex_ts(ts[i].s, strlen(ts[i].s), ts[i].kind, &v);
		if ((rc == 0) != ts[i].ok || (ts[i].ok && v != ts[i].ns))
			printf("# ts \"%s\" kind %d: rc %d, %llu\n", ts[i].s,
			       (int)ts[i].kind, rc, (unsigned long long)v);
		EXPECT((rc == 0) == ts[i].ok);
		EXPECT(!ts[i].ok || v == ts[i].ns);
		EXPECT(ts[i].ok || v == 77); /* untouched when refused */
	}
	EXPECT(!proto_lex_dec("0", 1, 10, UINT32_MAX, &v) && v == 0);
	EXPECT(!proto_lex_dec("4294967295", 10, 10, UINT32_MAX, &v) &&
	       v == 4294967295ULL);
	EXPECT(proto_lex_dec("4294967296", 10, 10, UINT32_MAX, &v) < 0);
	EXPECT(proto_lex_dec("00000000001", 11, 10, UINT32_MAX, &v) < 0);
	EXPECT(proto_lex_dec("", 0, 10, UINT32_MAX, &v) < 0);
	EXPECT(proto_lex_dec("12a", 3, 10, UINT32_MAX, &v) < 0);
	EXPECT(proto_lex_dec("+1", 2, 10, UINT32_MAX, &v) < 0);
	EXPECT(proto_lex_dec("0x1", 3, 10, UINT32_MAX, &v) < 0);
	EXPECT(proto_lex_dec("65536", 5, 5, 65535, &v) < 0);
	EXPECT(!proto_lex_dec("9999999999999999999", 19, 19, UINT64_MAX, &v) &&
	       v == 9999999999999999999ULL);
	EXPECT(proto_lex_dec("99999999999999999999", 20, 20, UINT64_MAX, &v) < 0);
	/* both parsers take them from here */
	ext_event("< frame 123 1.5 11 >", &ev);
	EXPECT(ev.type == PROTO_EV_FRAME && ev.ts_ns == 1500000000ULL);
	ext_event("< frame 123 1.1234567891 11 >", &ev);
	EXPECT(ev.type == PROTO_EV_GARBAGE);
	ext_event("< frame 123 -1.5 11 >", &ev);
	EXPECT(ev.type == PROTO_EV_GARBAGE);
	ext_event("< sent 2 17.000001 >", &ev);
	EXPECT(ev.type == PROTO_EV_SENT && ev.ts_ns == 17000001000ULL);
	ext_event("< sent 2 17.0000010 >", &ev);
	EXPECT(ev.type == PROTO_EV_GARBAGE);
	ext_event("< sent 2 017.000001 >", &ev);
	EXPECT(ev.type == PROTO_EV_SENT && ev.ts_ns == 17000001000ULL);
	ext_event("< stat 1 2 3 18446744073709551615 >", &ev);
	EXPECT(ev.type == PROTO_EV_GARBAGE); /* 20 digits */
	ext_event("< stat 1 2 3 9999999999999999999 >", &ev);
	EXPECT(ev.type == PROTO_EV_STAT &&
	       ev.stat[3] == 9999999999999999999ULL);
}

static const struct test tests[] = {
	{ "parser: every example of the protocol reference", t_reference_examples },
	{ "parser: the three FD receive forms, told apart by shape", t_fd_proposals },
	{ "parser: every FD length in every form, and the lengths between", t_fd_lengths },
	{ "parser: malformed FD frames are garbage", t_fd_malformed },
	{ "parser: malformed frames are garbage, unknown words are unknown", t_malformed_frames },
	{ "parser: garbage stops the stream", t_garbage_stops },
	{ "parser: element size limit of 8290 bytes", t_limits },
	{ "parser: every split point of a mixed stream", t_every_split },
	{ "parser: callback can stop parsing", t_callback_stops },
	{ "format: send elements, id widths, refusals", t_format_send },
	{ "format: send round-trips through the frame parser", t_roundtrip },
	{ "format: FD sends of each dialect round-trip through its receive form", t_fd_roundtrip },
	{ "probe: the fingerprint's bytes and every server's answers", t_probe },
	{ "format: open and bit-timing commands", t_format_open },
	{ "remote: HOST[:PORT] BUS and can:// URLs", t_remote },
	{ "remote: ssh:// URLs, and bad ones refused", t_remote_ssh },
	{ "beacon: parse, source address fallback", t_beacon },
	{ "backoff: exponential, capped, jittered", t_backoff },
	{ "args: numbers parsed strictly, --backoff MIN:MAX, --bitrate N[,D]", t_args },
	{ "txring: wraps around both rings and the seq space", t_ring_wrap },
	{ "txring: which echoes went out alone (clean round trips)", t_ring_alone },
	{ "txring: failures in order, collapsed, no session, full, session lost", t_ring_fail },
	{ "txring: a heartbeat echo is a barrier in the order", t_ring_echo_barrier },
	{ "txring: partial batches, each closed by its own echo", t_ring_partial_batches },
	{ "tx refusals: errno, and one warning per kind", t_tx_refusal },
	{ "canbits: worst-case stuffed bit lengths, classic and FD, and bus time", t_canbits },
	{ "rtt: RFC 6298 smoothing, a minimum that only a clean sample raises", t_rtt },
	{ "txwin: rate x round trip x 2, floor, maximum, hysteresis", t_txwin },
	{ "txwin: a queue behind the server does not grow the window", t_txwin_queue },
	{ "pacer: bursts of half the remote queue, spaced by their bus time", t_pacer },
	{ "pacer: --tx-rate, bursts of half the queue at 1/N s a frame", t_pacer_rate },
	{ "ratelearn: a pace below what a closing socketcand's bus took", t_ratelearn },
	{ "nlerr: a refused FRAMES_RX's frames counted from the kernel's echo", t_nlerr },
	{ "runstate: what rcand list reads is what the daemon wrote", t_runstate },
	{ "server: the daemon's element reader", t_cmd_next },
	{ "server: send and sendfd read as the daemon's sscanf does", t_cmd_send },
	{ "server: mode switches and echo are whole elements", t_cmd_modes },
	{ "server: open, bit timing and control mode commands", t_cmd_nobus },
	{ "server: BCM commands, ids extended by their width", t_cmd_bcm },
	{ "server: isotpconf fields by flags, sendpdu hex", t_cmd_isotp },
	{ "server: frames formatted byte for byte, read back by rcand's parser", t_format_rx },
	{ "server: pdu, stat, and the beacon read back by rcand's parser", t_format_server_misc },
	{ "rcan extension: every element read, malformed ones lose the stream", t_ext_parse },
	{ "rcan extension: elements formatted byte for byte, read back the same", t_ext_format },
	{ "rcan extension: the server reads < rcan >, malformed is unknown", t_ext_cmd },
	{ "txring: confirm mode, verdicts in order, heartbeats, session lost", t_ring_confirm },
	{ "txring: a < sent >'s remote time goes with each TX_DONE of its frames", t_ring_verdict_time },
	{ "txring: confirm mode, frames with no verdict in time fail ETIMEDOUT", t_ring_verdict_deadline },
	{ "proto_lex: hex digits and FD lengths, one for client and server", t_proto_lex },
	{ "proto_lex: decimals and timestamps, verdict 6 digits, frame 1 to 9", t_proto_lex_numbers },
};

int main(void)
{
	size_t i, n = sizeof(tests) / sizeof(tests[0]);
	int failed = 0;

	printf("TAP version 13\n1..%zu\n", n);
	for (i = 0; i < n; i++) {
		failures = 0;
		tests[i].fn();
		printf("%sok %zu %s\n", failures ? "not " : "", i + 1,
		       tests[i].name);
		failed += failures != 0;
	}
	printf("# %zu passed, %d failed\n", n - (size_t)failed, failed);
	return failed ? 1 : 0;
}
