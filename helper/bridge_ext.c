// SPDX-License-Identifier: GPL-2.0
/*
 * What the rcan extension tells (docs/RCAN-EXTENSION.md), handed to the
 * kernel link:
 * - confirm: `< sent N >` and `< failed N REASON >` settle the oldest
 *   frames written (the TX ring's confirm mode), so an echo, tx_packets
 *   and tx_errors mean the frame did or did not leave the remote
 *   controller, as on a hardware driver, and the hardware TX timestamp
 *   is the remote's time of `< sent N SEC.USEC >`; echoes only measure
 *   the round trip then.
 * - state: the remote controller's state becomes the netdev's (LINK_SET
 *   CAN_STATE; a remote interface that is down, `stopped`, is shown as
 *   bus-off: the kernel's CAN states have nothing else that stops TX);
 *   its bit rate paces TX when the user set none.
 */
#include <errno.h>
#include <linux/can/netlink.h>
#include <string.h>

#include "bridge.h"
#include "genl_state.h"
#include "log.h"
#include "now.h"

static int reason_errno(unsigned int reason)
{
	switch (reason) {
	case PROTO_EXT_R_BUSY:
		return ENOBUFS;
	case PROTO_EXT_R_DOWN:
		return ENETDOWN;
	case PROTO_EXT_R_INVALID:
		return EINVAL;
	case PROTO_EXT_R_CLOSED:
		return ECONNABORTED;
	case PROTO_EXT_R_LOST:
		return ETIMEDOUT; /* no loop-back in time: not known sent */
	default:
		return EIO;
	}
}

/* A `< sent >`'s time (ev->ts_ns) goes with its frames' TX_DONE: their
 * hardware TX timestamp is when the remote controller sent them. */
static void verdict(struct bridge *b, const struct proto_event *ev, int err)
{
	if (err && !b->ext_logged_fail++)
		log_warn("%s: the server could not send %u frames: %s (%s)",
			 b->cfg.name, ev->ext.count,
			 proto_ext_reason_name(ev->ext.reason), strerror(err));
	if (txring_verdict(&b->tx, ev->ext.count, err, err ? 0 : ev->ts_ns) <
	    0) {
		log_warn(
			"%s: the server told of %u frames more than were sent: resetting the connection",
			b->cfg.name, ev->ext.count);
		session_restart(b->s);
	}
}

static void state(struct bridge *b, const struct proto_event *ev)
{
	uint32_t st = ev->ext.state;
	int rc;

	if (st > CAN_STATE_BUS_OFF)
		st = CAN_STATE_BUS_OFF; /* stopped: see above */
	if (st != b->ext_state)
		log_info(
			"%s: the remote controller is %s (tx errors %u, rx errors %u)",
			b->cfg.name, proto_ext_state_name(ev->ext.state),
			ev->ext.txerr, ev->ext.rxerr);
	b->ext_state = st;
	rc = rnl_link_set_can_state(b->nl, b->ifindex, st, ev->ext.txerr,
				    ev->ext.rxerr);
	if (rc < 0)
		log_err("%s: LINK_SET CAN_STATE: %s", b->cfg.name,
			rnl_strerror(rc));
}

static void bittiming(struct bridge *b, const struct proto_event *ev)
{
	/* --bitrate, or a bit rate set on the netdev, is the user's word */
	if (b->cfg.bitrate || (b->pacer.bitrate && !b->ext_bitrate))
		return;
	b->ext_bitrate = ev->ext.bitrate != 0;
	bridge_set_bitrate(b, ev->ext.bitrate,
			   ev->ext.bitrate ? ev->ext.dbitrate : 0,
			   "the server's interface");
}

/* A server that gives no verdict for a frame within TXRING_VERDICT_US is
 * broken (rcand serve fails a frame it cannot confirm `lost` well before
 * that): the frames past it fail with ETIMEDOUT, the session restarts
 * (and fails the rest), and the TX window is not held by them for good. */
void bridge_ext_expire(struct bridge *b)
{
	uint64_t due = txring_verdict_due(&b->tx), now;
	uint32_t n;

	if (!due)
		return;
	/* the coarse clock (always the vDSO's): a 10 s limit needs no more */
	now = (uint64_t)now_ms() * 1000ULL;
	if (now < due)
		return;
	n = txring_expire(&b->tx, now, ETIMEDOUT);
	log_warn(
		"%s: the server gave no verdict on %u frames in %llu s: they failed; reconnecting",
		b->cfg.name, n,
		(unsigned long long)(TXRING_VERDICT_US / 1000000ULL));
	session_restart(b->s);
}

long bridge_ext_wait_us(struct bridge *b)
{
	uint64_t due = txring_verdict_due(&b->tx), now;

	if (!due)
		return -1;
	now = (uint64_t)now_ms() * 1000ULL;
	return due > now ? (long)(due - now) : 0;
}

void bridge_ext(struct bridge *b, const struct proto_event *ev)
{
	switch (ev->type) {
	case PROTO_EV_RCAN:
		/* at each handshake, with nothing in flight */
		b->ext_features = ev->ext.features;
		b->ext_logged_fail = 0;
		/* a guess from a plain server's closes (bridge.c): this
		 * server waits on a full queue instead */
		if (ev->ext.features)
			bridge_forget_learned_rate(b);
		txring_set_confirm(&b->tx,
				   !!(ev->ext.features & PROTO_EXT_F_CONFIRM));
		break;
	case PROTO_EV_SENT:
		verdict(b, ev, 0);
		break;
	case PROTO_EV_FAILED:
		verdict(b, ev, reason_errno(ev->ext.reason));
		break;
	case PROTO_EV_STATE:
		state(b, ev);
		break;
	case PROTO_EV_BITTIMING:
		bittiming(b, ev);
		break;
	default:
		break;
	}
}
