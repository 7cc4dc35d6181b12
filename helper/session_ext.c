// SPDX-License-Identifier: GPL-2.0
/*
 * The client's half of the rcan extension's negotiation
 * (docs/RCAN-EXTENSION.md): right after `< hi >`, alone in its write,
 * `< rcan 1 confirm state >`; then the handshake goes on as before,
 * whatever the answer. `rcand serve` answers `< rcan 1 FEATURES >`,
 * socketcand 0.6.1 `< error unknown command >` and keeps the session (a
 * plain server: nothing changes). A server that closes the connection
 * instead is not asked again by this rcand. The owner hears the answer
 * (PROTO_EV_RCAN, features 0 for none) before the session comes up, and
 * then every extension element of a feature the server turned on.
 */
#include "exitcode.h"
#include "log.h"
#include "session_internal.h"

uint32_t session_ext_features(const struct session *s)
{
	return s->ext_features;
}

/* The owner hears which features this connection has. */
static void tell_owner(struct session *s, uint32_t features)
{
	struct proto_event ev = { .type = PROTO_EV_RCAN };

	s->ext_features = features;
	ev.ext.version = features ? PROTO_EXT_VERSION : 0;
	ev.ext.features = features;
	if (s->ops->ext)
		s->ops->ext(s->arg, &ev);
}

int sess_ext_ask(struct session *s)
{
	char buf[PROTO_EXT_ELEM_MAX];
	int n;

	tell_owner(s, 0);
	s->ext_held_mask = 0;
	if (!s->ops->ext || s->ext_off)
		return 0;
	n = proto_ext_format_rcan(buf, sizeof(buf), PROTO_EXT_VERSION,
				  PROTO_EXT_F_ALL);
	if (n < 0 || session_write(s, buf, (size_t)n) < 0)
		return 0;
	sess_set_state(s, S_WAIT_RCAN);
	return 1;
}

static void answered(struct session *s, const struct proto_event *ev)
{
	uint32_t f = ev->ext.features & PROTO_EXT_F_ALL;

	log_info("%s: the server speaks the rcan extension %u:%s%s%s",
		 s->name[0] ? s->name : s->url, ev->ext.version,
		 f & PROTO_EXT_F_CONFIRM ? " confirm" : "",
		 f & PROTO_EXT_F_STATE ? " state" : "", f ? "" : " no feature");
	tell_owner(s, f);
}

int sess_ext_element(struct session *s, const struct proto_event *ev,
		     const char *text)
{
	uint32_t need;

	if (s->st == S_WAIT_RCAN) {
		if (ev->type == PROTO_EV_RCAN) {
			answered(s, ev);
			return 2;
		}
		if (ev->type == PROTO_EV_ERROR) {
			/* socketcand: < error unknown command > */
			log_debug("%s: no rcan extension ('%s')",
				  s->name[0] ? s->name : s->url, text);
			return 2;
		}
		return 0;
	}
	switch (ev->type) {
	case PROTO_EV_SENT:
	case PROTO_EV_FAILED:
		need = PROTO_EXT_F_CONFIRM;
		break;
	case PROTO_EV_STATE:
	case PROTO_EV_BITTIMING:
		need = PROTO_EXT_F_STATE;
		break;
	default:
		return 0;
	}
	if (!(s->ext_features & need))
		return 0; /* not asked for: logged as unexpected */
	if (need == PROTO_EXT_F_STATE && s->st != S_UP) {
		unsigned int i = ev->type == PROTO_EV_STATE;

		s->ext_held[i] = *ev;
		s->ext_held[i].text = NULL;
		s->ext_held[i].text_len = 0;
		s->ext_held_mask |= 1U << i;
		return 1;
	}
	if (need == PROTO_EXT_F_CONFIRM && s->st != S_UP) {
		/* the FD fingerprint's sends are malformed on purpose: the
		 * server fails them before the session is up */
		log_debug("%s: verdict before the session is up: '%s'", s->name,
			  text);
		return 1;
	}
	s->ops->ext(s->arg, ev);
	return 1;
}

void sess_ext_up(struct session *s)
{
	unsigned int i, held = s->ext_held_mask;

	s->ext_held_mask = 0;
	for (i = 0; i < 2; i++) /* the bit timing first, as it came */
		if (held & (1U << i))
			s->ops->ext(s->arg, &s->ext_held[i]);
}

void sess_ext_eof(struct session *s)
{
	s->ext_off = 1;
	sess_fail(
		s, EXIT_PROTOCOL, 0,
		"server %s closed the connection when asked for the rcan extension; not asking again",
		s->url);
}
