// SPDX-License-Identifier: GPL-2.0
/*
 * TX: frames from the kernel (FRAMES_TX) queue in the ring; when the loop
 * has drained its inputs they are written as batches of whole `< send >`
 * elements, each followed by one `< echo >`, whose reply confirms the
 * batch (TX_DONE up to its last seq), which releases the local echo.
 *
 * Unpaced, a batch has at most TX_BATCH_MAX sends, so that a big window
 * is confirmed a piece at a time rather than all after one round trip,
 * and everything queued goes out in one write. Paced (a bit rate is
 * known, or --tx-rate), a batch is one burst (struct pacer), one write
 * each.
 */
#include <errno.h>
#include <string.h>

#include "bridge.h"
#include "log.h"
#include "now.h"

#define TX_BATCH_MAX 64 /* sends per echo, unpaced */

void bridge_tx_frame(struct bridge *b, const struct rnl_frame *f)
{
	struct proto_frame pf;

	memset(&pf, 0, sizeof(pf));
	pf.can_id = f->can_id;
	pf.len = f->len > PROTO_DATA_MAX ? PROTO_DATA_MAX : f->len;
	pf.fd = !!(f->flags & RCAN_FRAME_F_FD);
	/* the `< fdsend >` FLAGS of PR #33: CANFD_BRS 1, CANFD_ESI 2 */
	pf.fd_flags = ((f->flags & RCAN_FRAME_F_BRS) ? 1 : 0) |
		      ((f->flags & RCAN_FRAME_F_ESI) ? 2 : 0);
	memcpy(pf.data, f->data, pf.len);
	/* paced: when frames began to wait (a clock read, a system call on
	 * machines whose clock has no vDSO, so only when it counts) */
	if (pacer_on(&b->pacer) && !txring_head(&b->tx))
		b->tx_ready_ns = now_us() * 1000ULL;
	/* no session: the frame cannot reach the bus, unless the carrier is
	 * kept for a reconnect (bridge.c) */
	txring_add(&b->tx, f->seq, &pf,
		   session_is_up(b->s) || b->hold_until_us ? 0 : ENOTCONN);
}

/* Paced bursts wait for echoes: see pacer.h. */
static int echo_bound(const struct bridge *b)
{
	return b->unechoed >=
	       pacer_inflight_max(&b->pacer, b->rtt.have ? b->rtt.min_us : 0);
}

/*
 * The minimum round trip is stale (rtt.h): the next batch waits until
 * every echo is back, so that its own echo is clean, and the rest go right
 * behind it. The coarse clock (the vDSO's, always) is fine for a second.
 */
static int probe_holds(struct bridge *b)
{
	if (b->probe_out || !rtt_min_stale(&b->rtt, (uint64_t)now_ms() * 1000))
		return 0;
	return txring_echoes_out(&b->tx) != 0;
}

long bridge_tx_wait_us(struct bridge *b)
{
	uint64_t now;

	if (!txring_queued(&b->tx) || !session_is_up(b->s) ||
	    !pacer_on(&b->pacer) || probe_holds(b))
		return -1;
	/* a burst still in the session's buffer waits for EPOLLOUT, one
	 * bound by echoes for the next echo */
	if (session_unsent(b->s) || echo_bound(b))
		return -1;
	now = now_us();
	/* rounded up: woken early, the burst would have to wait again; 0
	 * when its time has come (the loop was late) */
	return (long)((pacer_wait_ns(&b->pacer, now * 1000ULL) + 999) / 1000);
}

/* One `< echo >` behind the batch's sends. */
static void close_batch(struct bridge *b)
{
	if (!txring_batch_open(&b->tx))
		return;
	/* room was checked before each send */
	session_write(b->s, PROTO_ECHO, PROTO_ECHO_LEN);
	b->last_tx_us = bridge_clock_us(b);
	ratelearn_sent(&b->learn, b->last_tx_us);
	txring_close_batch(&b->tx, b->last_tx_us);
	/* the only echo out, with the minimum stale: the probe's */
	if (txring_echoes_out(&b->tx) == 1 &&
	    rtt_min_stale(&b->rtt, b->last_tx_us))
		b->probe_out = 1;
}

static void refuse(struct bridge *b, int fmt, uint32_t can_id)
{
	char buf[200];

	close_batch(b);
	if (tx_refusal_warning(&b->refusals, fmt, can_id, buf, sizeof(buf)))
		log_warn("%s: %s (server dialect: %s, %s)", b->cfg.name, buf,
			 proto_dialect_name(session_dialect(b->s)),
			 session_dialect_src_name(session_dialect_src(b->s)));
	txring_refused(&b->tx, tx_refusal_errno(fmt));
}

/* One queued frame as an element in the server's dialect, or a refusal. */
static int format_send(struct bridge *b, const struct proto_frame *f, char *buf,
		       size_t size)
{
	enum proto_dialect d = session_dialect(b->s);
	char msg[200];
	int n;

	if (f->fd && !b->cfg.allow_fd)
		return PROTO_FMT_FD;
	n = proto_format_send(buf, size, f, d);
	if (n > 0 && f->fd && (f->fd_flags & 3) &&
	    !proto_dialect_sends_flags(d) &&
	    tx_refusal_flags_lost(&b->refusals, d, msg, sizeof(msg)))
		log_warn("%s: %s", b->cfg.name, msg);
	return n;
}

/* Write the head as a send; 1 done (or refused), 0 when it must wait. */
static int send_head(struct bridge *b, const struct tx_pending *e)
{
	char buf[PROTO_SEND_MAX];
	int n;

	/* room for this send, the closing echo, and two ring slots */
	if (!session_can_queue(b->s, PROTO_SEND_MAX + PROTO_ECHO_LEN) ||
	    !txring_room(&b->tx, 2))
		return 0;
	n = format_send(b, &e->f, buf, sizeof(buf));
	if (n < 0) {
		refuse(b, n, e->f.can_id);
		return 1;
	}
	session_write(b->s, buf, (size_t)n);
	b->unechoed++;
	pacer_add(&b->pacer, canbits_frame(e->f.can_id, e->f.len, e->f.fd,
					   e->f.fd_flags & 1));
	txring_sent(&b->tx);
	if (b->tx.batch_n >= TX_BATCH_MAX)
		close_batch(b);
	return 1;
}

/* One burst no bigger than half the remote queue, once the last one had
 * its time on the bus, and only when the session's buffer is empty: two
 * bursts in one write would reach the server's CAN queue at once. */
static void fill_paced(struct bridge *b)
{
	uint64_t now_ns = bridge_clock_us(b) * 1000ULL;
	const struct tx_pending *e;

	if (session_unsent(b->s) || echo_bound(b))
		return;
	while ((e = txring_head(&b->tx)) && pacer_room(&b->pacer, now_ns))
		if (!send_head(b, e))
			break;
	close_batch(b);
	pacer_burst_sent(&b->pacer, now_ns, b->tx_ready_ns);
}

void bridge_tx_fill(struct bridge *b)
{
	const struct tx_pending *e;

	if (!session_is_up(b->s))
		return;
	bridge_clock_done(b);
	bridge_ext_expire(b); /* a server that gives no verdict */
	if (!session_is_up(b->s))
		return;
	if (!txring_head(&b->tx) || probe_holds(b)) {
		/* nothing to write now (and no clock to read) */
	} else if (pacer_on(&b->pacer)) {
		fill_paced(b);
	} else {
		while ((e = txring_head(&b->tx)))
			if (!send_head(b, e))
				break;
		close_batch(b);
	}
	bridge_clock_done(b);
	txring_flush(&b->tx);
	session_flush(b->s);
}

/* The window follows the rate and the round trip (struct txwin). */
static void follow_rate(struct bridge *b, uint64_t now)
{
	uint32_t w = txwin_update(&b->win, now, &b->rtt);
	int rc;

	if (!b->win_auto || w == b->win.window)
		return;
	rc = rnl_link_set_window(b->nl, b->ifindex, w, 0);
	if (rc < 0) {
		log_err("%s: LINK_SET: %s", b->cfg.name, rnl_strerror(rc));
		return;
	}
	log_debug("%s: TX window %u -> %u (%u frames/s, rtt %u us, min %u)",
		  b->cfg.name, b->win.window, w, txwin_rate(&b->win),
		  b->rtt.srtt_us, b->rtt.min_us);
	b->win.window = w;
}

void bridge_tick(struct bridge *b, struct bridge_status *st)
{
	follow_rate(b, now_us());
	memset(st, 0, sizeof(*st));
	if (b->rtt.have) {
		st->srtt_us = b->rtt.srtt_us;
		st->rtt_min_us = b->rtt.min_us;
	}
	st->tx_rate = txwin_rate(&b->win);
	st->window = b->win.window;
	st->bitrate = b->pacer.bitrate;
	st->dbitrate = b->pacer.dbitrate;
	st->learned_rate = b->learn.rate;
	st->overflowed_at = b->learn.overflowed_at;
	st->rx_frames = b->rx_frames;
	st->rx_dropped = b->rx_dropped;
	st->tx_frames = b->tx_frames;
	st->tx_failed = b->tx_failed;
}

void bridge_echo(struct bridge *b)
{
	uint64_t sent = 0, now;
	uint32_t min = b->rtt.min_us;
	int clean;

	if (txring_echo(&b->tx, &sent) < 0) {
		log_warn("%s: an < echo > nobody asked for", b->cfg.name);
		return;
	}
	clean = txring_echo_alone(&b->tx);
	if (clean)
		b->probe_out = 0;
	/* one read's echoes: one clock read (bridge_rx_deliver ends it) */
	now = bridge_clock_us(b);
	if (sent && now >= sent) {
		rtt_sample(&b->rtt, (uint32_t)(now - sent), now, clean);
		if (b->rtt.min_us > min)
			log_debug(
				"%s: round trip minimum %u -> %u us (measured with nothing of ours ahead)",
				b->cfg.name, min, b->rtt.min_us);
	}
	follow_rate(b, now);
}

int bridge_heartbeat(struct bridge *b)
{
	if (!txring_room(&b->tx, 1) ||
	    session_write(b->s, PROTO_ECHO, PROTO_ECHO_LEN) < 0)
		return -1;
	txring_barrier(&b->tx, now_us());
	session_flush(b->s);
	return 0;
}

uint32_t bridge_fail_all(struct bridge *b, int err)
{
	uint32_t n = txring_fail_all(&b->tx, err);

	b->unechoed = 0;
	b->probe_out = 0;
	if (n)
		log_warn("%s: %u frames in flight were dropped (%s)",
			 b->cfg.name, n, strerror(err));
	return n;
}
