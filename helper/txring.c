// SPDX-License-Identifier: GPL-2.0
/* The TX completion ring; see txring.h for the model. */
#include <errno.h>
#include <string.h>

#include "txring.h"

void txring_init(struct txring *t, txring_report_fn report, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->report = report;
	t->arg = arg;
}

void txring_set_next_seq(struct txring *t, uint32_t next)
{
	t->have_last_seq = 1;
	t->last_seq = next - 1;
}

static struct tx_comp *comp_at(struct txring *t, unsigned int i)
{
	return &t->c[(t->c_head + i) % TXRING_COMP];
}

static struct tx_comp *comp_push(struct txring *t)
{
	struct tx_comp *c;

	if (t->c_len == TXRING_COMP)
		return NULL;
	c = comp_at(t, t->c_len++);
	memset(c, 0, sizeof(*c));
	return c;
}

static void fail_frame(struct txring *t, uint32_t seq, int err)
{
	struct tx_comp *c = t->c_len ? comp_at(t, t->c_len - 1) : NULL;

	/* consecutive failures collapse into one TX_FAIL */
	if (c && !c->is_echo && c->err == err && !c->reported) {
		c->seq = seq;
		c->nframes++;
		return;
	}
	c = comp_push(t);
	if (!c) {
		/* the ring is larger than any window; never reached */
		t->report(t->arg, seq, 1, err, 0);
		return;
	}
	c->err = err;
	c->seq = seq;
	c->nframes = 1;
}

/*
 * Confirm mode: a failure is told once every frame before it is settled;
 * an entry leaves once settled and, if an echo, answered.
 */
static void flush_confirm(struct txring *t)
{
	unsigned int i;

	for (i = 0; i < t->c_len; i++) {
		struct tx_comp *c = comp_at(t, i);

		if (c->is_echo) {
			if (c->done < c->nframes)
				break;
			continue;
		}
		if (!c->reported) {
			c->reported = 1;
			t->report(t->arg, c->seq, c->nframes, c->err, 0);
		}
	}
	while (t->c_len) {
		struct tx_comp *c = comp_at(t, 0);

		if (c->is_echo ? !c->replied || c->done < c->nframes :
				 !c->reported)
			break;
		t->c_head = (t->c_head + 1) % TXRING_COMP;
		t->c_len--;
	}
}

void txring_flush(struct txring *t)
{
	int have_done = 0;
	uint32_t done = 0, done_n = 0;

	if (t->confirm) {
		flush_confirm(t);
		return;
	}
	while (t->c_len) {
		struct tx_comp *c = comp_at(t, 0);

		if (c->is_echo) {
			if (!c->replied)
				break;
			if (c->has_seq) {
				have_done = 1;
				done = c->seq;
				done_n += c->nframes;
			}
		} else {
			if (have_done)
				t->report(t->arg, done, done_n, 0, 0);
			have_done = 0;
			done_n = 0;
			t->report(t->arg, c->seq, c->nframes, c->err, 0);
		}
		t->c_head = (t->c_head + 1) % TXRING_COMP;
		t->c_len--;
	}
	if (have_done)
		t->report(t->arg, done, done_n, 0, 0);
}

void txring_add(struct txring *t, uint32_t seq, const struct proto_frame *f,
		int err)
{
	struct tx_pending *e;

	t->have_last_seq = 1;
	t->last_seq = seq;
	if (!err && t->q_len == TXRING_QUEUE)
		err = ENOBUFS;
	if (err) {
		fail_frame(t, seq, err);
		txring_flush(t);
		return;
	}
	e = &t->q[(t->q_head + t->q_len++) % TXRING_QUEUE];
	e->seq = seq;
	e->f = *f;
}

const struct tx_pending *txring_head(const struct txring *t)
{
	return t->q_len ? &t->q[t->q_head] : NULL;
}

static uint32_t pop(struct txring *t)
{
	uint32_t seq = t->q[t->q_head].seq;

	t->q_head = (t->q_head + 1) % TXRING_QUEUE;
	t->q_len--;
	return seq;
}

void txring_sent(struct txring *t)
{
	t->batch_last = pop(t);
	t->batch_n++;
}

void txring_refused(struct txring *t, int err)
{
	fail_frame(t, pop(t), err);
}

int txring_batch_open(const struct txring *t)
{
	return t->batch_n != 0;
}

void txring_close_batch(struct txring *t, uint64_t now_us)
{
	struct tx_comp *c;

	if (!t->batch_n)
		return;
	/* txring_room() was asked before each send: there is a slot */
	c = comp_push(t);
	if (c) {
		c->is_echo = 1;
		c->has_seq = 1;
		c->seq = t->batch_last;
		c->nframes = t->batch_n;
		c->done = t->batch_done;
		c->sent_us = now_us;
		c->alone = !t->echoes_out++;
	}
	t->batch_n = 0;
	t->batch_done = 0;
}

int txring_room(const struct txring *t, unsigned int n)
{
	return t->c_len + n < TXRING_COMP;
}

int txring_barrier(struct txring *t, uint64_t now_us)
{
	struct tx_comp *c;

	if (!txring_room(t, 1))
		return -1;
	c = comp_push(t);
	c->is_echo = 1;
	c->sent_us = now_us;
	c->alone = !t->echoes_out++;
	return 0;
}

int txring_echo(struct txring *t, uint64_t *sent_us)
{
	unsigned int i;

	for (i = 0; i < t->c_len; i++) {
		struct tx_comp *c = comp_at(t, i);

		if (c->is_echo && !c->replied) {
			c->replied = 1;
			t->last_alone = c->alone;
			if (t->echoes_out)
				t->echoes_out--;
			if (sent_us)
				*sent_us = c->sent_us;
			txring_flush(t);
			return 0;
		}
	}
	return -1;
}

uint32_t txring_fail_all(struct txring *t, int err)
{
	uint32_t n = t->q_len, i;

	/* what the server did confirm is confirmed */
	txring_flush(t);
	for (i = 0; i < t->c_len; i++) {
		const struct tx_comp *c = comp_at(t, i);

		/* confirm mode: what was told stays told */
		if (!t->confirm || (!c->is_echo && !c->reported))
			n += c->nframes;
		else if (c->is_echo)
			n += c->nframes - c->done;
	}
	n += t->batch_n - (t->confirm ? t->batch_done : 0);
	t->c_len = t->c_head = 0;
	t->q_len = t->q_head = 0;
	t->batch_n = 0;
	t->echoes_out = 0;
	t->batch_done = 0;
	if (n && t->have_last_seq)
		t->report(t->arg, t->last_seq, n, err, 0);
	return t->have_last_seq ? n : 0;
}

unsigned int txring_queued(const struct txring *t)
{
	return t->q_len;
}

unsigned int txring_echoes_out(const struct txring *t)
{
	return t->echoes_out;
}

int txring_echo_alone(const struct txring *t)
{
	return t->last_alone;
}

void txring_set_confirm(struct txring *t, int on)
{
	t->confirm = !!on;
	t->batch_done = 0;
}

int txring_verdict(struct txring *t, uint32_t n, int err, uint64_t ts_ns)
{
	unsigned int i;
	uint32_t open, k;

	if (!t->confirm)
		return -1;
	if (err)
		ts_ns = 0; /* failed frames are never echoed: no TX time */
	flush_confirm(t);
	/* the first batch not settled holds the oldest frames the server
	 * has not told of; every failure before it was told by the flush */
	while (n) {
		struct tx_comp *c = NULL;

		for (i = 0; i < t->c_len; i++) {
			c = comp_at(t, i);
			if (c->is_echo && c->done < c->nframes)
				break;
			c = NULL;
		}
		if (!c)
			break;
		k = n < c->nframes - c->done ? n : c->nframes - c->done;
		c->done += k;
		n -= k;
		t->report(t->arg, c->seq - (c->nframes - c->done), k, err,
			  ts_ns);
		flush_confirm(t);
	}
	if (!n)
		return 0;
	/* sends whose batch has no echo written yet */
	open = t->batch_n - t->batch_done;
	k = n < open ? n : open;
	if (k) {
		t->batch_done += k;
		t->report(t->arg, t->batch_last - (t->batch_n - t->batch_done),
			  k, err, ts_ns);
	}
	/* more verdicts than frames written: what fitted was told */
	return n > open ? -1 : 0;
}

/* The batches whose echo was written, oldest first: the frames of each
 * not settled yet, and when they were written. Sends of a batch still
 * open (its echo is written in the same fill) are not due yet. */
static const struct tx_comp *waiting_batch(const struct txring *t,
					   unsigned int *from)
{
	for (; *from < t->c_len; (*from)++) {
		const struct tx_comp *c =
			&t->c[(t->c_head + *from) % TXRING_COMP];

		if (c->is_echo && c->has_seq && c->done < c->nframes)
			return c;
	}
	return NULL;
}

uint64_t txring_verdict_due(const struct txring *t)
{
	unsigned int i = 0;
	const struct tx_comp *c;

	if (!t->confirm)
		return 0;
	c = waiting_batch(t, &i);
	return c ? c->sent_us + TXRING_VERDICT_US : 0;
}

uint32_t txring_expire(struct txring *t, uint64_t now_us, int err)
{
	const struct tx_comp *c;
	unsigned int i = 0;
	uint32_t n = 0;

	if (!t->confirm)
		return 0;
	/* verdicts come in order: the due frames are the oldest ones */
	for (; (c = waiting_batch(t, &i)); i++) {
		if (c->sent_us + TXRING_VERDICT_US > now_us)
			break;
		n += c->nframes - c->done;
	}
	if (n)
		txring_verdict(t, n, err, 0);
	return n;
}
