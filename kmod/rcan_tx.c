// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit path: frames local programs send go to the owning helper as
 * RCAN_CMD_FRAMES_TX messages, and stay in the echo slots until the
 * helper confirms (echo to local sockets, tx_packets) or fails them
 * (freed, tx_dropped). This is what a hardware driver does between
 * ndo_start_xmit and its TX-complete interrupt.
 */
#include <linux/can/skb.h>
#include <net/genetlink.h>

#include "rcan_priv.h"

/* Echo releases per lock hold: stays below netdev_max_backlog (1000). */
#define RCAN_ECHO_BATCH 256

static bool rcan_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

u32 rcan_tx_inflight(struct rcan_link *link)
{
	return link->tx_next - link->tx_oldest;
}

static struct rcan_slot *rcan_slot(struct rcan_link *link, u32 seq)
{
	return &link->slots[seq % link->window];
}

static int rcan_tx_msg_start(struct rcan_link *link)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &rcan_genl_family, 0, RCAN_CMD_FRAMES_TX);
	if (!hdr)
		goto nospace;
	if (nla_put_u32(skb, RCAN_ATTR_IFINDEX, link->dev->ifindex))
		goto nospace;
	link->tx_nest = nla_nest_start(skb, RCAN_ATTR_FRAMES);
	if (!link->tx_nest)
		goto nospace;
	link->tx_msg = skb;
	link->tx_hdr = hdr;
	link->tx_msg_frames = 0;
	return 0;
nospace:
	nlmsg_free(skb);
	return -EMSGSIZE;
}

static int rcan_tx_put_frame(struct sk_buff *msg, struct sk_buff *skb,
			     u32 seq)
{
	struct canfd_frame *cfd = (struct canfd_frame *)skb->data;
	struct nlattr *nest;
	u32 flags = 0;

	nest = nla_nest_start(msg, RCAN_ATTR_FRAME);
	if (!nest)
		return -EMSGSIZE;
	if (can_is_canfd_skb(skb)) {
		flags = RCAN_FRAME_F_FD;
		if (cfd->flags & CANFD_BRS)
			flags |= RCAN_FRAME_F_BRS;
		if (cfd->flags & CANFD_ESI)
			flags |= RCAN_FRAME_F_ESI;
	}
	if (nla_put_u32(msg, RCAN_FRAME_ID, cfd->can_id) ||
	    (flags && nla_put_u32(msg, RCAN_FRAME_FLAGS, flags)) ||
	    nla_put_u32(msg, RCAN_FRAME_SEQ, seq))
		goto cancel;
	if (cfd->can_id & CAN_RTR_FLAG) {
		if (nla_put_u8(msg, RCAN_FRAME_LEN, cfd->len))
			goto cancel;
	} else if (nla_put(msg, RCAN_FRAME_DATA, cfd->len, cfd->data)) {
		goto cancel;
	}
	nla_nest_end(msg, nest);
	return 0;
cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/* Drop the frames of a message that never reached the helper. */
static void rcan_tx_fail_range_locked(struct rcan_link *link, u32 first,
				      u32 count)
{
	struct net_device *dev = link->dev;
	u32 seq;

	for (seq = first; seq != first + count; seq++) {
		struct rcan_slot *slot = rcan_slot(link, seq);

		if (!slot->live)
			continue;
		can_free_echo_skb(dev, seq % link->window, NULL);
		slot->live = false;
		dev->stats.tx_dropped++;
	}
	/* Failed frames at the head no longer count against the window. */
	while (link->tx_oldest != link->tx_next &&
	       !rcan_slot(link, link->tx_oldest)->live)
		link->tx_oldest++;
}

void rcan_tx_drop_msg_locked(struct rcan_link *link)
{
	if (!link->tx_msg)
		return;
	nlmsg_free(link->tx_msg);
	link->tx_msg = NULL;
}

/*
 * Send the message under construction to the owner. Called with tx_lock
 * held, so the owner's socket (and with it its namespace) cannot go away
 * meanwhile: the release notifier takes tx_lock before it forgets it.
 */
static void rcan_tx_flush_locked(struct rcan_link *link)
{
	struct sk_buff *msg = link->tx_msg;
	u32 n = link->tx_msg_frames;
	int err;

	if (!msg)
		return;
	link->tx_msg = NULL;
	nla_nest_end(msg, link->tx_nest);
	genlmsg_end(msg, link->tx_hdr);
	err = genlmsg_unicast(link->owner_net, msg, link->owner_portid);
	if (!err)
		return;
	if (err == -ECONNREFUSED) {
		/* The owner's socket is gone; the notifier may not know yet. */
		rcan_detach_locked(link);
		return;
	}
	/* The helper's receive buffer is full: these frames are lost. */
	net_warn_ratelimited("%s: helper not reading (%d), %u frames dropped\n",
			     link->dev->name, err, n);
	rcan_tx_fail_range_locked(link, link->tx_next - n, n);
}

netdev_tx_t rcan_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct rcan_link *link = rcan_link(dev);
	struct canfd_frame *cfd = (struct canfd_frame *)skb->data;
	u32 seq, idx;
	u8 len;

	if (can_dev_dropped_skb(dev, skb))
		return NETDEV_TX_OK;

	spin_lock(&link->tx_lock);
	if (!link->owner_portid || !link->connected) {
		/* Carrier is off; the queue was stopped, this one raced. */
		dev->stats.tx_dropped++;
		spin_unlock(&link->tx_lock);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	if (rcan_tx_inflight(link) >= link->window) {
		netif_stop_queue(dev);
		spin_unlock(&link->tx_lock);
		return NETDEV_TX_BUSY;
	}

	seq = link->tx_next;
	len = (cfd->can_id & CAN_RTR_FLAG) ? 0 : cfd->len;
	if (!link->tx_msg && rcan_tx_msg_start(link))
		goto drop;
	if (rcan_tx_put_frame(link->tx_msg, skb, seq)) {
		/* Full: send what we have and start a new message. */
		rcan_tx_flush_locked(link);
		if (!link->owner_portid || rcan_tx_msg_start(link) ||
		    rcan_tx_put_frame(link->tx_msg, skb, seq))
			goto drop;
	}
	link->tx_msg_frames++;
	link->tx_next++;
	idx = seq % link->window;
	link->slots[idx].len = len;
	link->slots[idx].live = true;
	can_put_echo_skb(skb, dev, idx, 0);

	if (rcan_tx_inflight(link) >= link->window)
		netif_stop_queue(dev);
	if (!netdev_xmit_more() || netif_queue_stopped(dev))
		rcan_tx_flush_locked(link);
	spin_unlock(&link->tx_lock);
	return NETDEV_TX_OK;

drop:
	dev->stats.tx_dropped++;
	spin_unlock(&link->tx_lock);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/* Fail every frame in flight (owner gone, remote disconnected). */
void rcan_tx_fail_all_locked(struct rcan_link *link, int why)
{
	u32 n = rcan_tx_inflight(link);

	rcan_tx_drop_msg_locked(link);
	if (n)
		netdev_dbg(link->dev, "%u frames in flight failed (%d)\n", n,
			   why);
	rcan_tx_fail_range_locked(link, link->tx_oldest, n);
	link->tx_oldest = link->tx_next;
}

u32 rcan_tx_seq_after_count(struct rcan_link *link, u32 count)
{
	u32 upto;

	spin_lock_bh(&link->tx_lock);
	upto = link->tx_oldest + count - 1;
	spin_unlock_bh(&link->tx_lock);
	return upto;
}

/*
 * The helper's verdict on every frame up to and including @upto: echo
 * and count them (@ok), or free and count them as dropped. Returns how
 * many frames it settled, or a negative errno when @upto was never sent.
 */
int rcan_tx_complete(struct rcan_link *link, u32 upto, bool ok, int why)
{
	struct net_device *dev = link->dev;
	unsigned int done = 0, batch = 0;

	spin_lock_bh(&link->tx_lock);
	if (!rcan_seq_before(upto, link->tx_next)) {
		spin_unlock_bh(&link->tx_lock);
		return -ERANGE;
	}
	while (!rcan_seq_before(upto, link->tx_oldest) &&
	       link->tx_oldest != link->tx_next) {
		u32 idx = link->tx_oldest % link->window;
		struct rcan_slot *slot = &link->slots[idx];

		if (slot->live) {
			if (ok) {
				/* 0 when local echo is off: count the slot's. */
				unsigned int len = can_get_echo_skb(dev, idx, NULL);

				dev->stats.tx_packets++;
				dev->stats.tx_bytes += len ?: slot->len;
			} else {
				can_free_echo_skb(dev, idx, NULL);
				dev->stats.tx_dropped++;
				dev->stats.tx_errors++;
			}
			slot->live = false;
			done++;
		}
		link->tx_oldest++;
		if (ok && ++batch == RCAN_ECHO_BATCH) {
			/* Let the backlog drain the echoes queued so far. */
			spin_unlock_bh(&link->tx_lock);
			batch = 0;
			spin_lock_bh(&link->tx_lock);
		}
	}
	if (!ok && done)
		net_dbg_ratelimited("%s: helper failed %u frames (%d)\n",
				    dev->name, done, why);
	if (link->owner_portid && link->connected &&
	    rcan_tx_inflight(link) < link->window)
		netif_wake_queue(dev);
	spin_unlock_bh(&link->tx_lock);
	return done;
}
