// SPDX-License-Identifier: GPL-2.0
/*
 * The frames of a client on `confirm` that were written to the CAN socket
 * and wait for their loop-back, oldest first (serve_ext.c keeps them in
 * order with the failed sends between them; this keeps what it needs of
 * each one):
 * - a hash of its content (id, flags, length, data): once a loop-back is
 *   known lost (the socket overflowed: SO_RXQ_OVFL; or one was given up
 *   at its deadline and may still come late), counting loop-backs would
 *   confirm the wrong frames, so each confirms the frame of its content;
 * - a deadline: its write time, plus the bus time of the frames before it
 *   and its own, plus SERVE_EXT_LOST_NS. A loop-back that never comes (the
 *   socket dropped it, or a driver confirms nothing) then fails its frame
 *   `lost` instead of stalling every outcome behind it for ever.
 * Deadlines never decrease from the oldest frame on: the oldest's is the
 * next to pass.
 */
#include <linux/can.h>
#include <string.h>

#include "canbits.h"
#include "serve_ext.h"

/* No bit rate known (vcan, or a driver that tells none): the bus time of
 * a frame at the slowest bit rate CAN is commonly run at. */
#define UNKNOWN_BITRATE 10000U

static uint32_t fnv1a(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619U;
	return h;
}

uint32_t serve_ext_hash(const struct canfd_frame *f)
{
	uint8_t len = f->len > CANFD_MAX_DLEN ? CANFD_MAX_DLEN : f->len;
	/* what the kernel may add on the way back (CANFD_FDF) is not
	 * the client's */
	uint8_t flags = f->flags & (CANFD_BRS | CANFD_ESI);
	uint32_t h = 2166136261U;

	h = fnv1a(h, &f->can_id, sizeof(f->can_id));
	h = fnv1a(h, &len, 1);
	h = fnv1a(h, &flags, 1);
	/* a remote request carries no data on the bus */
	if (!(f->can_id & CAN_RTR_FLAG))
		h = fnv1a(h, f->data, len);
	return h;
}

static struct serve_ext_wait *at(struct serve_ext *x, unsigned int i)
{
	return &x->wait[(x->w_head + i) % SERVE_EXT_WAIT_MAX];
}

int serve_ext_wait_push(struct serve_ext *x, const struct canfd_frame *f,
			int fd, uint32_t bitrate, uint64_t now)
{
	struct canbits b = canbits_frame(f->can_id, f->len, fd,
					 fd && (f->flags & CANFD_BRS));
	uint64_t ft = canbits_ns(b, bitrate ? bitrate : UNKNOWN_BITRATE, 0);
	uint64_t d = now + ft * (x->w_len + 1ULL) + SERVE_EXT_LOST_NS;
	struct serve_ext_wait *w;

	if (x->w_len == SERVE_EXT_WAIT_MAX)
		return -1;
	if (x->w_len && d < at(x, x->w_len - 1)->deadline)
		d = at(x, x->w_len - 1)->deadline;
	w = at(x, x->w_len++);
	w->hash = serve_ext_hash(f);
	w->deadline = d;
	return 0;
}

void serve_ext_wait_pop(struct serve_ext *x, unsigned int n)
{
	if (n > x->w_len)
		n = x->w_len;
	x->w_head = (x->w_head + n) % SERVE_EXT_WAIT_MAX;
	x->w_len -= n;
}

void serve_ext_wait_clear(struct serve_ext *x)
{
	x->w_head = 0;
	x->w_len = 0;
}

int serve_ext_wait_find(struct serve_ext *x, uint32_t hash)
{
	unsigned int i;

	for (i = 0; i < x->w_len; i++)
		if (at(x, i)->hash == hash)
			return (int)i;
	return -1;
}

uint64_t serve_ext_wait_deadline(const struct serve_ext *x)
{
	return x->w_len ? x->wait[x->w_head].deadline : UINT64_MAX;
}

unsigned int serve_ext_wait_expired(struct serve_ext *x, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < x->w_len && at(x, i)->deadline <= now; i++)
		;
	return i;
}
