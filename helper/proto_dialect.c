// SPDX-License-Identifier: GPL-2.0
/*
 * The CAN FD dialects of socketcand forks: their names, and the
 * fingerprint that tells them apart with nothing on the bus
 * (docs/FD-DIALECTS.md, "Fingerprint"). Pure.
 */
#include <string.h>

#include "proto.h"

static const char *const dialect_names[PROTO_DIALECT_COUNT] = {
	[PROTO_DIALECT_UNKNOWN] = "unknown",
	[PROTO_DIALECT_NONE] = "none",
	[PROTO_DIALECT_RAWMODE_CANFD] = "rawmode-canfd",
	[PROTO_DIALECT_PR33] = "pr33",
	[PROTO_DIALECT_FRAME] = "frame",
};

const char *proto_dialect_name(enum proto_dialect d)
{
	if ((unsigned int)d < PROTO_DIALECT_COUNT)
		return dialect_names[d];
	return "?";
}

int proto_dialect_parse(const char *s)
{
	int i;

	for (i = 0; i < PROTO_DIALECT_COUNT; i++)
		if (!strcmp(s, dialect_names[i]))
			return i;
	return -1;
}

int proto_dialect_sends_flags(enum proto_dialect d)
{
	return d == PROTO_DIALECT_PR33;
}

void proto_probe_init(struct proto_probe *p)
{
	memset(p, 0, sizeof(*p));
}

/* The element's words, without the spaces around them, are want. */
static int text_is(const struct proto_event *ev, const char *want)
{
	size_t n = strlen(want), i = 0, len = ev->text_len;
	const char *t = ev->text;

	while (i < len && (t[i] == ' ' || t[i] == '\t'))
		i++;
	while (len > i && (t[len - 1] == ' ' || t[len - 1] == '\t' ||
			   t[len - 1] == '\n' || t[len - 1] == '\r'))
		len--;
	return len - i == n && memcmp(t + i, want, n) == 0;
}

int proto_probe_feed(struct proto_probe *p, const struct proto_event *ev)
{
	unsigned int slot = p->echoes;

	if (slot >= PROTO_PROBE_ECHOES)
		return 1;
	if (ev->type == PROTO_EV_ECHO) {
		p->echoes++;
		return p->echoes == PROTO_PROBE_ECHOES;
	}
	if (ev->type == PROTO_EV_ERROR && text_is(ev, "error unknown command"))
		p->unknown[slot]++;
	else if (ev->type == PROTO_EV_UNKNOWN &&
		 text_is(ev, "Syntax error in send command"))
		p->syntax[slot]++;
	else
		p->other = 1;
	return 0;
}

/* The answers of each dialect, slot by slot (unknown, syntax error). */
static const struct {
	enum proto_dialect d;
	uint8_t unknown[PROTO_PROBE_ECHOES], syntax[PROTO_PROBE_ECHOES];
} answers[] = {
	{ PROTO_DIALECT_NONE, { 0, 1, 1 }, { 0, 0, 0 } },
	{ PROTO_DIALECT_RAWMODE_CANFD, { 0, 0, 1 }, { 0, 0, 0 } },
	{ PROTO_DIALECT_PR33, { 0, 1, 0 }, { 0, 0, 0 } },
	{ PROTO_DIALECT_FRAME, { 0, 1, 1 }, { 1, 0, 0 } },
};

enum proto_dialect proto_probe_result(const struct proto_probe *p)
{
	size_t i;

	if (p->other || p->echoes != PROTO_PROBE_ECHOES)
		return PROTO_DIALECT_UNKNOWN;
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
		if (!memcmp(p->unknown, answers[i].unknown,
			    PROTO_PROBE_ECHOES) &&
		    !memcmp(p->syntax, answers[i].syntax, PROTO_PROBE_ECHOES))
			return answers[i].d;
	return PROTO_DIALECT_UNKNOWN;
}
