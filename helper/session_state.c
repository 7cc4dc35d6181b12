// SPDX-License-Identifier: GPL-2.0
/*
 * The session's state and output: entering a state, failing and closing
 * (with the reconnect backoff), and the output buffer, which only ever
 * holds whole elements. The bottom of the session: it calls nothing of
 * session.c or session_handshake.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exitcode.h"
#include "log.h"
#include "now.h"
#include "session_internal.h"

#define SESSION_STABLE_MS 5000 /* up this long: the backoff starts over */

const char *const session_state_names[] = {
	[S_IDLE] = "idle",
	[S_CONNECTING] = "connecting",
	[S_WAIT_HI] = "waiting for < hi >",
	[S_WAIT_RCAN] = "waiting for the answer to < rcan >",
	[S_WAIT_BT_OK] = "waiting for the bit-timing < ok >",
	[S_WAIT_OPEN_OK] = "waiting for < ok > to < open >",
	[S_WAIT_RAW_OK] = "waiting for < ok > to < rawmode >",
	[S_WAIT_ECHO] = "waiting for the first < echo >",
	[S_UP] = "up",
};

void sess_set_state(struct session *s, enum session_state st)
{
	s->st = st;
	s->st_since = now_ms();
}

void sess_fail(struct session *s, int exit_code, int permanent, const char *fmt,
	       ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (!s->cfg->reconnect || permanent == SESS_FATAL_ALWAYS ||
	    (permanent && s->first_attempt)) {
		log_err("%s", why);
		sess_close(s, NULL, exit_code ? exit_code : EXIT_FAIL);
	} else {
		sess_close(s, why, 0);
	}
}

/* Closes the socket; the owner hears of it if the session was up. */
static void drop_socket(struct session *s)
{
	int was_up = s->st == S_UP;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	/* after the close: ssh sees the end of its input and exits */
	ssh_child_stop(&s->ssh);
	s->want_out = 0;
	s->out_len = s->out_off = 0;
	sess_set_state(s, S_IDLE);
	if (was_up)
		s->ops->down(s->arg);
}

void sess_close(struct session *s, const char *why, int exit_code)
{
	uint32_t delay;

	if (s->st == S_UP && now_ms() - s->up_since >= SESSION_STABLE_MS)
		backoff_reset(&s->bo);
	/* a server that ends or never answers the rcan extension's question
	 * is not asked again (session_ext.c) */
	if (s->st == S_WAIT_RCAN)
		s->ext_off = 1;
	drop_socket(s);
	if (exit_code) {
		s->ops->end(s->arg, exit_code);
		return;
	}
	if (s->stopping)
		return;
	delay = backoff_next(&s->bo, (uint32_t)random());
	s->retry_at = now_ms() + delay;
	if (why)
		log_warn("%s; reconnecting in %u ms", why, delay);
	if (s->first_attempt) {
		/* retrying: the owner gets ready meanwhile */
		int rc = s->ops->prepare(s->arg, 1);

		if (rc) {
			s->ops->end(s->arg, rc);
			return;
		}
	}
	s->first_attempt = 0;
}

void sess_update_epoll(struct session *s)
{
	struct epoll_event ev = { .data.u32 = s->ep_tag };

	if (s->fd < 0)
		return;
	ev.events = EPOLLIN | EPOLLRDHUP;
	if (s->st == S_CONNECTING || s->want_out)
		ev.events |= EPOLLOUT;
	epoll_ctl(s->epfd, EPOLL_CTL_MOD, s->fd, &ev);
}

int session_can_queue(const struct session *s, size_t n)
{
	return s->out_len - s->out_off <= SESSION_OUT_HIGH_WATER &&
	       s->out_len + n <= SESSION_OUT_SIZE;
}

int session_write(struct session *s, const char *buf, size_t n)
{
	if (s->out_off && s->out_len + n > SESSION_OUT_SIZE) {
		memmove(s->out, s->out + s->out_off, s->out_len - s->out_off);
		s->out_len -= s->out_off;
		s->out_off = 0;
	}
	if (s->out_len + n > SESSION_OUT_SIZE)
		return -1;
	memcpy(s->out + s->out_len, buf, n);
	s->out_len += n;
	return 0;
}

/* When the socket takes less than there is, the rest waits for EPOLLOUT
 * while we go on reading, because a daemon blocked in send() to us reads
 * nothing. */
void session_flush(struct session *s)
{
	int want = 0;

	if (s->fd < 0 || s->st == S_CONNECTING)
		return;
	while (s->out_off < s->out_len) {
		ssize_t n = send(s->fd, s->out + s->out_off,
				 s->out_len - s->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				want = 1;
				break;
			}
			sess_fail(s, EXIT_FAIL, 0, "write to %s failed: %s",
				  s->url, strerror(errno));
			return;
		}
		s->out_off += (size_t)n;
	}
	if (s->out_off == s->out_len)
		s->out_off = s->out_len = 0;
	if (want != s->want_out) {
		s->want_out = want;
		sess_update_epoll(s);
	}
}

size_t session_unsent(const struct session *s)
{
	return s->out_len - s->out_off;
}

enum proto_dialect session_dialect(const struct session *s)
{
	return s->dialect;
}

enum session_dialect_src session_dialect_src(const struct session *s)
{
	return s->dialect_src;
}

const char *session_dialect_src_name(enum session_dialect_src src)
{
	static const char *const names[] = {
		[DIALECT_SRC_NONE] = "not known",
		[DIALECT_SRC_USER] = "--fd-dialect",
		[DIALECT_SRC_PROBE] = "fingerprint",
		[DIALECT_SRC_FRAME] = "FD frame received",
	};

	return (unsigned int)src < sizeof(names) / sizeof(names[0]) ?
		       names[src] :
		       "?";
}

int session_is_up(const struct session *s)
{
	return s->st == S_UP;
}

int session_connected(const struct session *s)
{
	return s->fd >= 0;
}

void session_close_final(struct session *s)
{
	s->stopping = 1;
	if (s->fd >= 0)
		drop_socket(s);
}
