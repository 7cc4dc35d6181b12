/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the session's files only, which call downwards: session.c
 * (connecting, reading, timers) uses session_handshake.c (the elements)
 * and session_state.c (states, closing, output); session_handshake.c uses
 * session_state.c; session.c and session_state.c use session_ssh.c (the
 * ssh child), which uses none of them.
 */
#ifndef RCAND_SESSION_INTERNAL_H
#define RCAND_SESSION_INTERNAL_H

#include "session.h"

extern const char *const session_state_names[];

void sess_set_state(struct session *s, enum session_state st);
/*
 * End the connection. exit_code != 0 and permanent: the error will not go
 * away by retrying (unknown host, refused bus), so the first attempt
 * ends the session for good; with permanent == SESS_FATAL_ALWAYS any
 * attempt does (ssh refused the host key or the login); so does any error
 * with --no-reconnect.
 */
#define SESS_FATAL_ALWAYS 2
void sess_fail(struct session *s, int exit_code, int permanent, const char *fmt,
	       ...) __attribute__((format(printf, 4, 5)));
/* Close; why (logged) != NULL or exit_code == 0: reconnect later. */
void sess_close(struct session *s, const char *why, int exit_code);
void sess_update_epoll(struct session *s);
void sess_on_eof(struct session *s);
/* session_ext.c: after < hi >, ask for the rcan extension; 1 if asked
 * (the answer comes to sess_ext_element()), 0 if not */
int sess_ext_ask(struct session *s);
/* an extension element, or the answer while S_WAIT_RCAN (an error):
 * returns 1 when handled; 2 when the handshake goes on (the caller
 * sends what follows < hi >); -1 when the session was closed */
int sess_ext_element(struct session *s, const struct proto_event *ev,
		     const char *text);
/* the session came up: what was held for the owner goes to it */
void sess_ext_up(struct session *s);
/* the connection closed while S_WAIT_RCAN */
void sess_ext_eof(struct session *s);

/* proto_feed() callback: one element; non-zero stops parsing. */
int sess_on_element(const struct proto_event *ev, void *arg);

#endif
