// SPDX-License-Identifier: GPL-2.0
/*
 * What the server says, state by state. The handshake is
 *   < hi >  ->  [< BUS B ... > -> < ok >]  < open BUS >< rawmode >
 *   < ok > < ok >  ->  < echo >  ->  < echo >
 * The final echo is ours: a daemon that lets us open a bus that does not
 * exist answers both oks and then closes, so only the echo's reply proves
 * that the bus is really open.
 */
#include <string.h>

#include "exitcode.h"
#include "log.h"
#include "now.h"
#include "session_internal.h"

#define LOGGED_UNKNOWN_MAX 3

static void send_open(struct session *s)
{
	char buf[64];
	int n = proto_format_open(buf, sizeof(buf), s->cfg->remote.bus);

	/* `< open >` and `< rawmode >` may go in one write (the daemon keeps
	 * its read buffer across the mode switch). */
	session_write(s, buf, (size_t)n);
	session_write(s, "< rawmode >", 11);
	sess_set_state(s, S_WAIT_OPEN_OK);
}

/* After < hi > (and the rcan extension's answer, session_ext.c). */
static void after_hi(struct session *s)
{
	char buf[128];
	int n;

	if (s->cfg->bittiming && s->have_bt) {
		n = proto_format_bittiming(buf, sizeof(buf), s->cfg->remote.bus,
					   &s->bt);
		if (n > 0) {
			log_info(
				"%s: setting bit timing on the server's %s: bitrate %u",
				s->name, s->cfg->remote.bus, s->bt.bitrate);
			session_write(s, buf, (size_t)n);
			sess_set_state(s, S_WAIT_BT_OK);
			return;
		}
	}
	send_open(s);
}

static void on_hi(struct session *s)
{
	if (!sess_ext_ask(s))
		after_hi(s);
}

static int text_is(const struct proto_event *ev, const char *want)
{
	size_t n = strlen(want), i = 0, len = ev->text_len;
	const char *t = ev->text;

	/* compare ignoring the spaces around the words */
	while (i < len && t[i] == ' ')
		i++;
	while (len > i && (t[len - 1] == ' ' || t[len - 1] == '\n'))
		len--;
	return len - i == n && memcmp(t + i, want, n) == 0;
}

/* Element text fit for one log line: no control bytes, bounded. */
static const char *printable(const struct proto_event *ev, char *buf,
			     size_t size)
{
	size_t i, n = ev->text_len < size - 1 ? ev->text_len : size - 1;

	for (i = 0; i < n; i++) {
		char c = ev->text[i];

		if (c < 0x20 || c == 0x7f)
			c = '.';
		buf[i] = c;
	}
	buf[n] = 0;
	return buf;
}

/* The server cannot or will not set the bit timing: connect without. */
static int bittiming_refused(struct session *s, const char *how,
			     const char *text)
{
	log_warn(
		"%s: the server %s the bit timing ('%s'); connecting without it",
		s->name, how, text);
	s->have_bt = 0;
	sess_fail(s, EXIT_PROTOCOL, 0, "bit timing refused");
	return 1;
}

static int on_ok(struct session *s)
{
	switch (s->st) {
	case S_WAIT_BT_OK:
		send_open(s);
		return 1;
	case S_WAIT_OPEN_OK:
		sess_set_state(s, S_WAIT_RAW_OK);
		return 1;
	case S_WAIT_RAW_OK:
		if (s->cfg->fd_probe && s->dialect_src != DIALECT_SRC_USER) {
			/* its echoes prove the bus open as well */
			proto_probe_init(&s->probe);
			s->probing = 1;
			session_write(s, PROTO_PROBE, sizeof(PROTO_PROBE) - 1);
		} else {
			session_write(s, PROTO_ECHO, PROTO_ECHO_LEN);
		}
		sess_set_state(s, S_WAIT_ECHO);
		return 1;
	default:
		return 0; /* unexpected */
	}
}

/* The bus proved open: the session is up. Returns -1 when it was closed
 * instead, else 0. */
static int came_up(struct session *s)
{
	int rc = s->ops->prepare(s->arg, 0);

	if (rc) {
		sess_close(s, NULL, rc);
		return -1;
	}
	sess_set_state(s, S_UP);
	s->up_since = now_ms();
	s->first_attempt = 0;
	s->ops->up(s->arg);
	sess_ext_up(s);
	return 0;
}

/* Returns -1 when the session was closed, 0 handled, 1 unexpected. */
static int on_echo(struct session *s)
{
	if (s->st == S_UP) {
		s->ops->echo(s->arg);
		return 0;
	}
	if (s->st != S_WAIT_ECHO)
		return 1;
	return came_up(s);
}

static void set_dialect(struct session *s, enum proto_dialect d,
			enum session_dialect_src src)
{
	int changed = d != s->dialect;

	s->dialect = d;
	s->dialect_src = src;
	if (changed && s->ops->dialect)
		s->ops->dialect(s->arg);
}

/* What the fingerprint's answers say; then the session is up. */
static int probe_done(struct session *s)
{
	enum proto_dialect d = proto_probe_result(&s->probe);

	s->probing = 0;
	if (s->dialect_src == DIALECT_SRC_FRAME)
		return came_up(s); /* an FD frame said it already */
	if (d == PROTO_DIALECT_UNKNOWN)
		log_warn(
			"%s: the server's answers to the FD fingerprint fit no known dialect: sending no CAN FD frames",
			s->name);
	else
		log_info(
			"%s: the server speaks the CAN FD dialect '%s' (fingerprint)",
			s->name, proto_dialect_name(d));
	set_dialect(s, d, DIALECT_SRC_PROBE);
	return came_up(s);
}

/* An FD frame from the server shows its dialect: it confirms or corrects
 * the fingerprint, but not what the user said. */
static void learn_dialect(struct session *s, const struct proto_event *ev)
{
	enum proto_dialect d = (enum proto_dialect)ev->dialect;

	if (ev->type != PROTO_EV_FDFRAME || d == s->dialect ||
	    d == PROTO_DIALECT_UNKNOWN)
		return;
	if (s->dialect_src == DIALECT_SRC_USER) {
		if (!s->logged_dialect_conflict++)
			log_warn(
				"%s: the server sent an FD frame of the dialect '%s', but --fd-dialect says '%s'; keeping '%s'",
				s->name, proto_dialect_name(d),
				proto_dialect_name(s->dialect),
				proto_dialect_name(s->dialect));
		return;
	}
	log_info(
		"%s: the server speaks the CAN FD dialect '%s' (an FD frame it sent%s%s)",
		s->name, proto_dialect_name(d),
		s->dialect_src == DIALECT_SRC_PROBE ?
			"; the fingerprint said " :
			"",
		s->dialect_src == DIALECT_SRC_PROBE ?
			proto_dialect_name(s->dialect) :
			"");
	set_dialect(s, d, DIALECT_SRC_FRAME);
}

static int is_frame(const struct proto_event *ev)
{
	return ev->type == PROTO_EV_FRAME || ev->type == PROTO_EV_ERRFRAME ||
	       ev->type == PROTO_EV_FDFRAME;
}

/* Returns non-zero when the session was closed. */
static int on_error(struct session *s, const struct proto_event *ev,
		    const char *text)
{
	if (s->st == S_WAIT_BT_OK)
		return bittiming_refused(s, "refused", text);
	if (s->st == S_WAIT_OPEN_OK &&
	    text_is(ev, "error could not open bus")) {
		sess_fail(s, EXIT_BUS_REFUSED, 1,
			  "server refused bus '%s' (%s)", s->cfg->remote.bus,
			  s->url);
		return 1;
	}
	if (s->st != S_UP) {
		sess_fail(s, EXIT_PROTOCOL, 0, "server error while %s: '%s'",
			  session_state_names[s->st], text);
		return 1;
	}
	log_warn("%s: server says '%s'", s->name, text);
	return 0;
}

static void log_unknown(struct session *s, const char *text, int expected)
{
	if (s->logged_unknown++ >= LOGGED_UNKNOWN_MAX)
		return;
	if (expected)
		log_warn("%s: ignoring unknown element '<%s>'", s->name, text);
	else
		log_warn("%s: ignoring unexpected '<%s>' while %s", s->name,
			 text, session_state_names[s->st]);
}

int sess_on_element(const struct proto_event *ev, void *arg)
{
	struct session *s = arg;
	char tbuf[201];
	const char *text = printable(ev, tbuf, sizeof(tbuf));
	int rc;

	/* the rcan extension first: its verdicts are no probe answers */
	rc = sess_ext_element(s, ev, text);
	if (rc == 2)
		after_hi(s);
	if (rc)
		return rc < 0;
	if (s->probing && s->st == S_WAIT_ECHO && !is_frame(ev) &&
	    ev->type != PROTO_EV_GARBAGE && ev->type != PROTO_EV_OVERSIZE) {
		if (proto_probe_feed(&s->probe, ev))
			return probe_done(s) < 0;
		return 0;
	}
	switch (ev->type) {
	case PROTO_EV_GARBAGE:
	case PROTO_EV_OVERSIZE:
		sess_fail(s, EXIT_PROTOCOL, 0,
			  "%s from %s ('%s'); resetting the connection",
			  ev->type == PROTO_EV_OVERSIZE ?
				  "element longer than 8290 bytes" :
				  "garbage",
			  s->url, text);
		return 1;
	case PROTO_EV_FRAME:
	case PROTO_EV_ERRFRAME:
	case PROTO_EV_FDFRAME:
		learn_dialect(s, ev);
		if (s->st >= S_WAIT_OPEN_OK)
			s->ops->frame(s->arg, ev);
		return 0;
	case PROTO_EV_HI:
		if (s->st != S_WAIT_HI)
			break;
		on_hi(s);
		return 0;
	case PROTO_EV_OK:
		if (on_ok(s))
			return 0;
		break;
	case PROTO_EV_ECHO:
		rc = on_echo(s);
		if (rc <= 0)
			return rc < 0;
		break;
	case PROTO_EV_ERROR:
		return on_error(s, ev, text);
	case PROTO_EV_STAT:
		log_debug("stat %s", text);
		return 0;
	case PROTO_EV_RCAN:
	case PROTO_EV_SENT:
	case PROTO_EV_FAILED:
	case PROTO_EV_STATE:
	case PROTO_EV_BITTIMING:
		break; /* not asked for (session_ext.c) */
	case PROTO_EV_UNKNOWN:
		if (s->st == S_WAIT_BT_OK)
			return bittiming_refused(s, "cannot set", text);
		log_unknown(s, text, 1);
		return 0;
	}
	log_unknown(s, text, 0);
	return 0;
}

void sess_on_eof(struct session *s)
{
	const char *bus = s->cfg->remote.bus;

	switch (s->st) {
	case S_WAIT_RCAN:
		sess_ext_eof(s);
		break;
	case S_WAIT_ECHO:
		sess_fail(
			s, EXIT_BUS_REFUSED, 1,
			"server refused bus '%s' (%s): it closed the session right after opening it: no such bus on the server",
			bus, s->url);
		break;
	case S_WAIT_OPEN_OK:
		sess_fail(
			s, EXIT_BUS_REFUSED, 1,
			"server refused bus '%s' (%s): it closed the session instead of opening it",
			bus, s->url);
		break;
	case S_UP:
		sess_fail(s, EXIT_FAIL, 0, "server %s closed the session",
			  s->url);
		break;
	default:
		sess_fail(s, EXIT_PROTOCOL, 0,
			  "server %s closed the connection while %s", s->url,
			  session_state_names[s->st]);
		break;
	}
}
