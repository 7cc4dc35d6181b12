// SPDX-License-Identifier: GPL-2.0
/*
 * A client's buffers. Input: at most one element's worth (the daemon's
 * 8290 bytes). Output: one queue per client, the only place anything for
 * a client is queued, bounded: frames beyond SERVE_OUT_MAX less room for
 * replies are dropped and counted (a client that does not read must not
 * stall the server, nor make it grow); replies always fit, because a
 * client's commands wait while its queue is that full. It is written
 * once per wake-up of the loop (serve_loop.c), however much was queued.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "serve.h"
#include "serve_ext.h"

struct serve_client *serve_client_new(struct serve *s, int fd, const char *peer)
{
	struct serve_client *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = fd;
	c->id = ++s->next_id;
	c->bus = -1;
	c->can = -1;
	c->mode = SERVE_NO_BUS;
	c->since = serve_now();
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	c->ep_tcp.kind = SERVE_EP_TCP;
	c->ep_tcp.c = c;
	c->ep_can.kind = SERVE_EP_CAN;
	c->ep_can.c = c;
	c->next = s->clients;
	if (s->clients)
		s->clients->prev = c;
	s->clients = c;
	s->nclients++;
	return c;
}

void serve_client_free(struct serve *s, struct serve_client *c)
{
	serve_drop_can(s, c);
	if (c->fd >= 0)
		close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->nclients--;
	serve_ext_free(c);
	free(c->out);
	free(c->pend);
	free(c);
}

static void mark_dirty(struct serve *s, struct serve_client *c)
{
	if (c->dirty)
		return;
	c->dirty = 1;
	c->next_dirty = s->dirty;
	s->dirty = c;
}

/* Room for len more bytes at the end of the queue, within max. */
static int make_room(struct serve_client *c, size_t len, size_t max)
{
	size_t need = c->outlen + len, cap;
	char *p;

	if (need > max)
		return -1;
	if (c->outoff && c->outoff + need > c->outcap) {
		memmove(c->out, c->out + c->outoff, c->outlen);
		c->outoff = 0;
	}
	if (c->outoff + need <= c->outcap)
		return 0;
	cap = c->outcap ? c->outcap : 4096;
	while (cap < need)
		cap *= 2;
	if (cap > max)
		cap = max;
	p = realloc(c->out, cap);
	if (!p)
		return -1;
	c->out = p;
	c->outcap = cap;
	return 0;
}

static void append(struct serve *s, struct serve_client *c, const char *text,
		   size_t len)
{
	memcpy(c->out + c->outoff + c->outlen, text, len);
	c->outlen += len;
	mark_dirty(s, c);
}

void serve_reply(struct serve *s, struct serve_client *c, const char *text,
		 size_t len)
{
	/* A reply fits: commands run only with SERVE_OUT_REPLY_ROOM free.
	 * Should memory run out, the client goes rather than lose it. */
	size_t max = s->cfg.out_max + SERVE_OUT_REPLY_ROOM +
		     (c->ext ? SERVE_EXT_OUT_ROOM : 0);

	if (c->mode == SERVE_CLOSING && c->end_reason)
		return;
	if (make_room(c, len, max)) {
		/* while it closes (end_reason set), what does not fit is
		 * dropped: closing again would recurse through the leave */
		if (!c->end_reason)
			serve_close(s, c, "out-of-memory");
		return;
	}
	append(s, c, text, len);
}

int serve_frames_fit(const struct serve *s, const struct serve_client *c,
		     size_t len)
{
	return c->outlen + len <= s->cfg.out_max;
}

int serve_queue_frame(struct serve *s, struct serve_client *c, const char *text,
		      size_t len)
{
	if (!serve_frames_fit(s, c, len) || make_room(c, len, s->cfg.out_max)) {
		c->n.slow_drops++;
		return -1;
	}
	append(s, c, text, len);
	return 0;
}

int serve_client_blocked(const struct serve *s, const struct serve_client *c)
{
	return c->mode == SERVE_CLOSING || c->pend ||
	       c->outlen > s->cfg.out_max;
}

int serve_flush(struct serve *s, struct serve_client *c)
{
	ssize_t n;

	if (!c->outlen)
		return 0;
	n = send(c->fd, c->out + c->outoff, c->outlen, MSG_NOSIGNAL);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			n = 0;
		else
			return -1;
	}
	if (n > 0 && s->cfg.quickack) {
		int one = 1;

		setsockopt(c->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
	}
	c->n.bytes_out += (uint64_t)n;
	c->outoff += (size_t)n;
	c->outlen -= (size_t)n;
	if (!c->outlen) {
		c->outoff = 0;
		/* a burst's buffer is given back; a small one is kept */
		if (c->outcap > 16384) {
			free(c->out);
			c->out = NULL;
			c->outcap = 0;
		}
	}
	return 0;
}

void serve_close(struct serve *s, struct serve_client *c, const char *why)
{
	if (c->mode == SERVE_CLOSING || c->end_reason)
		return;
	/* set first: the leave's replies (the extension's < failed >)
	 * may not fit, and must not close it a second time */
	c->end_reason = why;
	serve_leave_mode(s, c);
	c->mode = SERVE_CLOSING;
	/* freed after this wake-up's writes (serve_loop.c): what was
	 * queued, such as an error reply, goes out first */
	mark_dirty(s, c);
}

/* Run every complete element in the input, while commands may run. Each
 * byte is looked at once (c->inscan) and moved once, at the end: a client
 * dribbling a long element, or sending many short ones in one read, costs
 * linear time. */
static void run_input(struct serve *s, struct serve_client *c)
{
	char el[PROTO_ELEM_MAX + 1];
	size_t off = 0, start, end;

	while (off < c->inlen && !serve_client_blocked(s, c)) {
		if (!proto_cmd_next(c->in + off, c->inlen - off, &c->inscan,
				    &start, &end)) {
			/* bytes before '<' can never be part of a command */
			off += start;
			break;
		}
		memcpy(el, c->in + off + start, end - start + 1);
		el[end - start + 1] = '\0';
		off += end + 1;
		serve_command(s, c, el);
	}
	if (off) {
		c->inlen -= off;
		memmove(c->in, c->in + off, c->inlen);
	}
}

void serve_client_rewatch(struct serve *s, struct serve_client *c)
{
	uint32_t ev = 0;

	if (c->mode == SERVE_CLOSING || c->eof)
		return;
	if (!serve_client_blocked(s, c) && !c->eof)
		ev |= EPOLLIN;
	if (c->outlen)
		ev |= EPOLLOUT;
	serve_watch(s, c, ev);
}

void serve_client_input(struct serve *s, struct serve_client *c)
{
	ssize_t n = 0;

	if (c->inlen < sizeof(c->in)) {
		n = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0)
			c->eof = 1;
		else
			c->n.bytes_in += (uint64_t)n;
		if (n > 0)
			c->inlen += (size_t)n;
	}
	run_input(s, c);
	if (c->mode == SERVE_CLOSING)
		return;
	if (c->inlen == sizeof(c->in) && !serve_client_blocked(s, c)) {
		/* no '>' in the daemon's whole buffer: never an element */
		serve_close(s, c, "element-too-long");
		return;
	}
	if (c->eof && !c->pend) {
		serve_close(s, c, n < 0 ? "read-error" : "client-closed");
		return;
	}
	if (c->eof) {
		/* The commands it sent before it went still run after the
		 * write that waits for the bus; epoll would report the
		 * hang-up again and again meanwhile, so the socket leaves it. */
		serve_unwatch(s, c);
		return;
	}
	serve_client_rewatch(s, c);
}

void serve_client_resume(struct serve *s, struct serve_client *c)
{
	if (c->mode == SERVE_CLOSING)
		return;
	serve_ext_resume(s, c);
	run_input(s, c);
	if (c->mode == SERVE_CLOSING)
		return;
	if (c->eof && !c->pend) {
		serve_close(s, c, "client-closed");
		return;
	}
	serve_client_rewatch(s, c);
}
