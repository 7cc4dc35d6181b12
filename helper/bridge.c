// SPDX-License-Identifier: GPL-2.0
/*
 * TX: frames from the kernel (FRAMES_TX) queue in the ring; when the loop
 * has drained its inputs they are written as one batch of whole
 * `< send >` elements followed by one `< echo >`, whose reply confirms the
 * batch (TX_DONE up to its last seq), which releases the local echo.
 *
 * RX: each TCP read's frames go to the kernel as one FRAMES_RX message.
 */
#include <errno.h>
#include <string.h>

#include "bridge.h"
#include "log.h"
#include "now.h"

#define TX_BURST_MAX 64 /* --tx-rate bucket: a tenth of a second, 1..64 */

static void report(void *arg, uint32_t seq, uint32_t nframes, int err)
{
	struct bridge *b = arg;
	int rc;

	if (err) {
		rc = rnl_tx_fail(b->nl, b->ifindex, seq, err);
		b->tx_failed += nframes;
	} else {
		rc = rnl_tx_done(b->nl, b->ifindex, seq);
		b->tx_frames += nframes;
	}
	if (rc < 0)
		log_err("%s: %s %u: %s", b->cfg.name,
			err ? "TX_FAIL" : "TX_DONE", seq, rnl_strerror(rc));
}

void bridge_init(struct bridge *b, struct session *s, struct rnl *nl,
		 const struct bridge_config *cfg)
{
	memset(b, 0, sizeof(*b));
	b->s = s;
	b->nl = nl;
	b->cfg = *cfg;
	txring_init(&b->tx, report, b);
}

void bridge_set_link(struct bridge *b, const struct rnl_link *l)
{
	b->ifindex = l->ifindex;
	b->link_flags = l->flags;
	/* nothing before the kernel's next seq is ours to confirm */
	if (l->has_seq)
		txring_set_next_seq(&b->tx, l->seq);
}

/* ---- kernel to server ---- */

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
	/* no session: the frame cannot reach the bus */
	txring_add(&b->tx, f->seq, &pf, session_is_up(b->s) ? 0 : ENOTCONN);
}

static int take_token(struct bridge *b)
{
	double burst;
	long now;

	if (!b->cfg.tx_rate)
		return 1;
	now = now_ms();
	burst = b->cfg.tx_rate / 10.0;
	if (burst < 1)
		burst = 1;
	if (burst > TX_BURST_MAX)
		burst = TX_BURST_MAX;
	b->tokens += (double)(now - b->tokens_at) * b->cfg.tx_rate / 1000.0;
	b->tokens_at = now;
	if (b->tokens > burst)
		b->tokens = burst;
	if (b->tokens < 1)
		return 0;
	b->tokens -= 1;
	return 1;
}

long bridge_tx_wait(const struct bridge *b)
{
	if (!b->cfg.tx_rate || !txring_queued(&b->tx) || !session_is_up(b->s) ||
	    b->tokens >= 1)
		return -1;
	return (long)((1 - b->tokens) * 1000.0 / b->cfg.tx_rate) + 1;
}

/* One `< echo >` behind the batch's sends. */
static void close_batch(struct bridge *b)
{
	if (!txring_batch_open(&b->tx))
		return;
	/* room was checked before each send */
	session_write(b->s, PROTO_ECHO, PROTO_ECHO_LEN);
	txring_close_batch(&b->tx);
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

void bridge_tx_fill(struct bridge *b)
{
	const struct tx_pending *e;
	char buf[PROTO_SEND_MAX];

	if (!session_is_up(b->s))
		return;
	while ((e = txring_head(&b->tx))) {
		int n;

		/* room for this send, the closing echo, and two ring slots */
		if (!session_can_queue(b->s, PROTO_SEND_MAX + PROTO_ECHO_LEN) ||
		    !txring_room(&b->tx, 2))
			break;
		n = format_send(b, &e->f, buf, sizeof(buf));
		if (n < 0) {
			refuse(b, n, e->f.can_id);
			continue;
		}
		if (!take_token(b))
			break;
		session_write(b->s, buf, (size_t)n);
		txring_sent(&b->tx);
	}
	close_batch(b);
	txring_flush(&b->tx);
	session_flush(b->s);
}

void bridge_echo(struct bridge *b)
{
	if (txring_echo(&b->tx) < 0)
		log_warn("%s: an < echo > nobody asked for", b->cfg.name);
}

int bridge_heartbeat(struct bridge *b)
{
	if (!txring_room(&b->tx, 1) ||
	    session_write(b->s, PROTO_ECHO, PROTO_ECHO_LEN) < 0)
		return -1;
	txring_barrier(&b->tx);
	session_flush(b->s);
	return 0;
}

void bridge_fail_all(struct bridge *b, int err)
{
	uint32_t n = txring_fail_all(&b->tx, err);

	if (n)
		log_warn("%s: %u frames in flight were dropped (%s)",
			 b->cfg.name, n, strerror(err));
}

/* ---- server to kernel ---- */

void bridge_rx_frame(struct bridge *b, const struct proto_event *ev)
{
	struct rnl_frame f;

	if (!b->ifindex)
		return; /* before the netdev exists (handshake) */
	memset(&f, 0, sizeof(f));
	f.can_id = ev->can_id;
	f.len = ev->len;
	f.ts_ns = ev->ts_ns;
	memcpy(f.data, ev->data, ev->len);
	if (ev->type == PROTO_EV_FDFRAME) {
		if (!(b->link_flags & RCAN_LINK_F_FD)) {
			if (!b->logged_rxfd++)
				log_warn(
					"%s: dropping CAN FD frames from the server (dialect %s): the netdev is not FD (use --fd)",
					b->cfg.name,
					proto_dialect_name(ev->dialect));
			b->rx_dropped++;
			return;
		}
		f.flags = ev->fd_flags;
	}
	if (rnl_rx_add(b->nl, &b->rxb, b->ifindex, &f) < 0) {
		b->rx_dropped++;
		return;
	}
	b->rx_frames++;
}

void bridge_rx_flush(struct bridge *b)
{
	int rc = rnl_rx_flush(b->nl, &b->rxb);

	if (rc < 0)
		log_err("%s: FRAMES_RX: %s", b->cfg.name, rnl_strerror(rc));
}

void bridge_refused(struct bridge *b, int cmd)
{
	if (cmd == RCAN_CMD_FRAMES_RX)
		b->rx_dropped++;
}

/* ---- the session's state, reported to the kernel ---- */

void bridge_up(struct bridge *b)
{
	int rc = rnl_link_set(b->nl, b->ifindex, 1, b->cfg.url);

	if (rc < 0)
		log_err("%s: LINK_SET: %s", b->cfg.name, rnl_strerror(rc));
	b->tokens = 0;
	b->tokens_at = now_ms();
	/* one line per kind and session */
	memset(&b->refusals, 0, sizeof(b->refusals));
	b->logged_rxfd = 0;
	log_info("%s: connected to %s", b->cfg.name, b->cfg.url);
}

void bridge_down(struct bridge *b)
{
	int rc;

	bridge_rx_flush(b);
	bridge_fail_all(b, ECONNRESET);
	rc = rnl_link_set(b->nl, b->ifindex, 0, NULL);
	if (rc < 0)
		log_err("%s: LINK_SET: %s", b->cfg.name, rnl_strerror(rc));
	log_info(
		"%s: disconnected from %s (rx %llu, tx %llu, tx failed %llu, rx dropped %llu frames so far)",
		b->cfg.name, b->cfg.url, (unsigned long long)b->rx_frames,
		(unsigned long long)b->tx_frames,
		(unsigned long long)b->tx_failed,
		(unsigned long long)b->rx_dropped);
}
