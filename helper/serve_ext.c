// SPDX-License-Identifier: GPL-2.0
/*
 * The rcan extension in rcand serve (docs/RCAN-EXTENSION.md): the answer
 * to `< rcan >`, and the feature `confirm`.
 *
 * With `confirm`, the client's raw socket has CAN_RAW_RECV_OWN_MSGS: each
 * frame it wrote comes back flagged MSG_CONFIRM once the CAN layer looped
 * it back (a driver with IFF_ECHO: when the controller sent it; vcan:
 * when the queue took it). Those are not forwarded; they confirm the
 * client's sends, oldest first, since one socket's frames leave one queue
 * in order. A send that is never written (malformed, refused, the queue
 * stayed full, the interface down) fails at its place in that order: the
 * outcomes are kept as runs, [3 waiting][1 failed invalid][2 waiting],
 * and told in that order, each run of one kind coalesced into one element
 * per wake-up.
 *
 * A loop-back may never come: the socket overflowed and dropped it, or
 * the driver confirms nothing. Each waiting frame has a deadline and
 * fails `lost` past it; after such a loss, loop-backs are matched to the
 * waiting frames by content, not counted (serve_ext_wait.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "log.h"
#include "serve_ext.h"

#define UNKNOWN "< error unknown command >"

int serve_ext_on(const struct serve_client *c, uint32_t feature)
{
	return c->ext && (c->ext->features & feature);
}

void serve_ext_hello(struct serve *s, struct serve_client *c,
		     const struct proto_cmd *cmd)
{
	char buf[PROTO_EXT_ELEM_MAX];
	struct serve_ext *x;
	int n;

	/* once per session: a second one is what socketcand says to it */
	if (c->ext) {
		serve_reply(s, c, UNKNOWN, sizeof(UNKNOWN) - 1);
		return;
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		serve_close(s, c, "out-of-memory");
		return;
	}
	x->version = cmd->ext_version < PROTO_EXT_VERSION ? cmd->ext_version :
							    PROTO_EXT_VERSION;
	x->features = cmd->ext_features & PROTO_EXT_F_ALL;
	x->nl = -1;
	c->ext = x;
	n = proto_ext_format_rcan(buf, sizeof(buf), x->version, x->features);
	serve_reply(s, c, buf, (size_t)n);
	log_info("serve: client %lu: rcan extension %s", c->id, buf);
}

void serve_ext_raw_ok(struct serve *s, struct serve_client *c)
{
	if (serve_ext_on(c, PROTO_EXT_F_STATE) &&
	    serve_ext_state_start(s, c) < 0)
		log_warn("serve: client %lu: no state watch on %s", c->id,
			 s->cfg.buses[c->bus]);
}

static struct serve_ext_run *run_at(struct serve_ext *x, unsigned int i)
{
	return &x->run[(x->head + i) % SERVE_EXT_RUNS];
}

/* The client's queue is past out_max (it does not read): outcomes wait,
 * counted, and are told when it drained (serve_ext_resume). Were each
 * batch's `< sent >` queued, a client that stops reading would grow its
 * queue without bound. */
static int held(const struct serve *s, const struct serve_client *c)
{
	return c->outlen > s->cfg.out_max;
}

/* force: a failure follows, and is told in order after these */
static void tell_sent(struct serve *s, struct serve_client *c, int force)
{
	struct serve_ext *x = c->ext;
	char buf[PROTO_EXT_ELEM_MAX];
	int n;

	if (!x->sent_acc || (!force && held(s, c)))
		return;
	n = proto_ext_format_sent(buf, sizeof(buf), x->sent_acc,
				  (int64_t)x->sent_tv.tv_sec,
				  (long)x->sent_tv.tv_usec);
	if (n > 0)
		serve_reply(s, c, buf, (size_t)n);
	x->confirmed += x->sent_acc;
	x->sent_acc = 0;
}

/* Runs of failed frames at the head are told now (after the confirmed
 * frames before them). */
static void tell_failed(struct serve *s, struct serve_client *c)
{
	struct serve_ext *x = c->ext;

	while (x->nruns && run_at(x, 0)->failed) {
		struct serve_ext_run *r = run_at(x, 0);
		char buf[PROTO_EXT_ELEM_MAX];
		int n;

		tell_sent(s, c, 1);
		n = proto_ext_format_failed(buf, sizeof(buf), r->n,
					    (enum proto_ext_reason)r->reason);
		if (n > 0)
			serve_reply(s, c, buf, (size_t)n);
		x->failed += r->n;
		x->head = (x->head + 1) % SERVE_EXT_RUNS;
		x->nruns--;
	}
}

/* One more outcome at the tail: merged into the last run if of its kind. */
static void push(struct serve *s, struct serve_client *c, int failed,
		 enum proto_ext_reason reason)
{
	struct serve_ext *x = c->ext;
	struct serve_ext_run *t = x->nruns ? run_at(x, x->nruns - 1) : NULL;

	if (t && t->failed == failed && (!failed || t->reason == reason) &&
	    t->n < UINT32_MAX) {
		t->n++;
		return;
	}
	if (x->nruns == SERVE_EXT_RUNS) {
		serve_close(s, c, "too-many-outcomes");
		return;
	}
	t = run_at(x, x->nruns++);
	t->n = 1;
	t->failed = (uint8_t)failed;
	t->reason = (uint8_t)reason;
}

void serve_ext_written(struct serve *s, struct serve_client *c,
		       const void *frame, size_t mtu)
{
	struct serve_ext *x = c->ext;

	if (!serve_ext_on(c, PROTO_EXT_F_CONFIRM))
		return;
	/* serve_ext_room() was asked before the write: there is room */
	if (serve_ext_wait_push(x, frame, mtu == CANFD_MTU, c->bitrate,
				serve_now()) < 0) {
		serve_close(s, c, "too-many-outcomes");
		return;
	}
	push(s, c, 0, PROTO_EXT_R_BUSY);
}

int serve_ext_room(const struct serve_client *c)
{
	return !serve_ext_on(c, PROTO_EXT_F_CONFIRM) ||
	       c->ext->w_len < SERVE_EXT_WAIT_MAX;
}

void serve_ext_failed(struct serve *s, struct serve_client *c,
		      enum proto_ext_reason reason)
{
	if (!serve_ext_on(c, PROTO_EXT_F_CONFIRM))
		return;
	push(s, c, 1, reason);
	tell_failed(s, c); /* at once when nothing waits before it */
}

/* Every frame still waiting for its confirmation failed (in place). */
static void fail_waiting(struct serve *s, struct serve_client *c,
			 enum proto_ext_reason reason)
{
	struct serve_ext *x = c->ext;
	unsigned int i;

	for (i = 0; i < x->nruns; i++) {
		struct serve_ext_run *r = run_at(x, i);

		if (!r->failed) {
			r->failed = 1;
			r->reason = (uint8_t)reason;
		}
	}
	serve_ext_wait_clear(x);
	tell_failed(s, c);
}

/* The n oldest waiting frames will never be confirmed: `failed lost`, in
 * their place (after what was confirmed before them). */
static void lose(struct serve *s, struct serve_client *c, unsigned int n)
{
	struct serve_ext *x = c->ext;

	while (n && x->nruns && !run_at(x, 0)->failed) {
		struct serve_ext_run *r = run_at(x, 0);
		uint32_t k = n < r->n ? n : r->n;
		char buf[PROTO_EXT_ELEM_MAX];
		int len;

		r->n -= k;
		n -= k;
		if (!r->n) {
			x->head = (x->head + 1) % SERVE_EXT_RUNS;
			x->nruns--;
		}
		serve_ext_wait_pop(x, k);
		tell_sent(s, c, 1);
		len = proto_ext_format_failed(buf, sizeof(buf), k,
					      PROTO_EXT_R_LOST);
		if (len > 0)
			serve_reply(s, c, buf, (size_t)len);
		x->failed += k;
		x->lost += k;
		tell_failed(s, c);
	}
}

int serve_ext_rx(struct serve *s, struct serve_client *c,
		 const struct canfd_frame *f, int msg_flags,
		 const struct timeval *tv)
{
	struct serve_ext *x = c->ext;
	struct serve_ext_run *r;

	if (!x)
		return 0;
	/* the client's own frame first, error flag or not: the counts
	 * must stay aligned */
	if ((f->can_id & CAN_ERR_FLAG) && serve_ext_on(c, PROTO_EXT_F_STATE) &&
	    !((msg_flags & MSG_CONFIRM) &&
	      (x->features & PROTO_EXT_F_CONFIRM))) {
		/* a driver reports a change of state with an error frame;
		 * rtnetlink says nothing of it: ask */
		serve_ext_state_refresh(c);
		return !(f->can_id & s->cfg.err_mask & CAN_ERR_MASK);
	}
	if (!(msg_flags & MSG_CONFIRM) || !(x->features & PROTO_EXT_F_CONFIRM))
		return 0;
	if (!x->nruns || run_at(x, 0)->failed) {
		/* not one of the sends we wait for (one we already gave up
		 * for lost): nothing to confirm, and not the bus's either */
		log_debug("serve: client %lu: a confirmation too many", c->id);
		return 1;
	}
	if (x->by_content) {
		int i = serve_ext_wait_find(x, serve_ext_hash(f));

		if (i < 0) {
			/* a frame given up for lost came after all, or
			 * one dropped ahead of it was: not ours to count */
			log_debug(
				"serve: client %lu: a loop-back of no frame waiting",
				c->id);
			return 1;
		}
		/* one socket's loop-backs come in order: those of the
		 * frames before it were dropped */
		lose(s, c, (unsigned int)i);
		if (!x->nruns || run_at(x, 0)->failed)
			return 1; /* lose() closed the client */
	}
	r = run_at(x, 0);
	serve_ext_wait_pop(x, 1);
	x->sent_acc++;
	x->sent_tv = *tv;
	if (!--r->n) {
		x->head = (x->head + 1) % SERVE_EXT_RUNS;
		x->nruns--;
		tell_failed(s, c);
	}
	return 1;
}

/* The interface went down: what came back before is confirmed, the rest
 * never will be. Only once the socket holds nothing more is that known. */
static void maybe_down(struct serve *s, struct serve_client *c, int empty)
{
	struct serve_ext *x = c->ext;

	if (!x->down_seen || !empty)
		return;
	x->down_seen = 0;
	tell_sent(s, c, 0);
	fail_waiting(s, c, PROTO_EXT_R_DOWN);
}

static int socket_empty(int fd)
{
	int bytes = 0;

	return ioctl(fd, FIONREAD, &bytes) < 0 || bytes == 0;
}

void serve_ext_rx_end(struct serve *s, struct serve_client *c, int n, int err)
{
	if (!serve_ext_on(c, PROTO_EXT_F_CONFIRM))
		return;
	if (n < 0 && (err == ENETDOWN || err == ENODEV))
		c->ext->down_seen = 1;
	tell_sent(s, c, 0);
	if (c->can >= 0)
		maybe_down(s, c, socket_empty(c->can));
}

static enum proto_ext_reason reason_of(int err)
{
	switch (err) {
	case ENETDOWN:
	case ENODEV:
	case ENXIO:
		return PROTO_EXT_R_DOWN;
	case ENOBUFS:
	case EAGAIN:
		return PROTO_EXT_R_BUSY;
	default:
		return PROTO_EXT_R_INVALID;
	}
}

int serve_ext_write_error(struct serve *s, struct serve_client *c, int err)
{
	enum proto_ext_reason r = reason_of(err);
	int i;

	if (!serve_ext_on(c, PROTO_EXT_F_CONFIRM))
		return 0;
	if (r == PROTO_EXT_R_DOWN && c->can >= 0) {
		/* what was looped back before the interface went down is
		 * in the socket: read it first, the rest is lost */
		for (i = 0; i < 64 && !socket_empty(c->can); i++)
			serve_raw_readable(s, c);
		c->ext->down_seen = 1;
		maybe_down(s, c, 1);
	}
	log_debug("serve: client %lu: send failed: %s", c->id,
		  proto_ext_reason_name(r));
	serve_ext_failed(s, c, r);
	return 1;
}

int serve_ext_busy(struct serve *s, struct serve_client *c,
		   unsigned int retries)
{
	if (!serve_ext_on(c, PROTO_EXT_F_CONFIRM) ||
	    retries < SERVE_EXT_BUSY_RETRIES)
		return 0;
	log_info("serve: client %lu: the queue of %s stayed full: frame failed",
		 c->id, s->cfg.buses[c->bus]);
	serve_ext_failed(s, c, PROTO_EXT_R_BUSY);
	return 1;
}

void serve_ext_overflow(struct serve *s, struct serve_client *c)
{
	(void)s;
	if (!serve_ext_on(c, PROTO_EXT_F_CONFIRM) || c->ext->by_content)
		return;
	log_debug(
		"serve: client %lu: the CAN socket dropped frames: loop-backs matched by content",
		c->id);
	c->ext->by_content = 1;
}

uint64_t serve_ext_deadline(const struct serve_client *c)
{
	if (!serve_ext_on(c, PROTO_EXT_F_CONFIRM) || c->mode != SERVE_RAW)
		return UINT64_MAX;
	return serve_ext_wait_deadline(c->ext);
}

void serve_ext_tick(struct serve *s, struct serve_client *c, uint64_t now)
{
	unsigned int n;
	int i;

	if (serve_ext_deadline(c) > now)
		return;
	/* loop-backs that came and were not read yet are no loss */
	for (i = 0; i < 64 && c->can >= 0 && !socket_empty(c->can); i++)
		serve_raw_readable(s, c);
	if (!c->ext || c->mode != SERVE_RAW)
		return;
	n = serve_ext_wait_expired(c->ext, now);
	if (!n)
		return;
	log_info(
		"serve: client %lu: %u frames not looped back by %s in time: failed lost",
		c->id, n, s->cfg.buses[c->bus]);
	/* their loop-backs may still come, late: not to be counted */
	c->ext->by_content = 1;
	tell_sent(s, c, 0);
	lose(s, c, n);
}

void serve_ext_down(struct serve *s, struct serve_client *c)
{
	if (!serve_ext_on(c, PROTO_EXT_F_CONFIRM))
		return;
	tell_sent(s, c, 0);
	fail_waiting(s, c, PROTO_EXT_R_DOWN);
}

void serve_ext_resume(struct serve *s, struct serve_client *c)
{
	if (!c->ext || held(s, c))
		return;
	if (serve_ext_on(c, PROTO_EXT_F_CONFIRM))
		tell_sent(s, c, 0);
	serve_ext_state_resume(s, c);
}

void serve_ext_leave(struct serve *s, struct serve_client *c)
{
	if (!c->ext)
		return;
	serve_ext_state_stop(s, c);
	if (c->ext->nruns) {
		tell_sent(s, c, 0);
		fail_waiting(s, c, PROTO_EXT_R_CLOSED);
	}
	c->ext->down_seen = 0;
	c->ext->by_content = 0;
	serve_ext_wait_clear(c->ext);
}

void serve_ext_free(struct serve_client *c)
{
	if (!c->ext)
		return;
	serve_ext_state_stop(NULL, c);
	free(c->ext);
	c->ext = NULL;
}
