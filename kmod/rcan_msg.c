// SPDX-License-Identifier: GPL-2.0
/*
 * Every message rcan.ko builds: link attributes for replies, dumps and
 * events, the BITTIMING and COALESCE events, and the FRAMES_TX messages
 * of the transmit path. The commands that answer with them are in
 * rcan_genl.c; when the messages go is decided there and in rcan_tx.c.
 */
#include <linux/can/skb.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>

#include "rcan_priv.h"

/*
 * Notifications are sent only while the family is registered. It changes
 * under rtnl at unload; every notification is sent either under rtnl or
 * from a command, and genl_unregister_family() waits for commands.
 */
static bool rcan_genl_live;

void rcan_notify_enable(bool live)
{
	if (live) {
		WRITE_ONCE(rcan_genl_live, true);
		return;
	}
	rtnl_lock();
	WRITE_ONCE(rcan_genl_live, false);
	rtnl_unlock();
}

static int rcan_fill_stats(struct sk_buff *skb, struct net_device *dev)
{
	const struct net_device_stats *st = &dev->stats;
	struct nlattr *nest = nla_nest_start(skb, RCAN_ATTR_STATS);

	if (!nest ||
	    nla_put_u64_64bit(skb, RCAN_STATS_RX_PACKETS, st->rx_packets,
			      RCAN_STATS_PAD) ||
	    nla_put_u64_64bit(skb, RCAN_STATS_RX_BYTES, st->rx_bytes,
			      RCAN_STATS_PAD) ||
	    nla_put_u64_64bit(skb, RCAN_STATS_RX_DROPPED, st->rx_dropped,
			      RCAN_STATS_PAD) ||
	    nla_put_u64_64bit(skb, RCAN_STATS_RX_ERRORS, st->rx_errors,
			      RCAN_STATS_PAD) ||
	    nla_put_u64_64bit(skb, RCAN_STATS_TX_PACKETS, st->tx_packets,
			      RCAN_STATS_PAD) ||
	    nla_put_u64_64bit(skb, RCAN_STATS_TX_BYTES, st->tx_bytes,
			      RCAN_STATS_PAD) ||
	    nla_put_u64_64bit(skb, RCAN_STATS_TX_DROPPED, st->tx_dropped,
			      RCAN_STATS_PAD) ||
	    nla_put_u64_64bit(skb, RCAN_STATS_TX_ERRORS, st->tx_errors,
			      RCAN_STATS_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int rcan_fill_bittiming(struct sk_buff *msg, int type,
			       const struct can_bittiming *bt)
{
	struct nlattr *nest = nla_nest_start(msg, type);

	if (!nest || nla_put_u32(msg, RCAN_BT_BITRATE, bt->bitrate) ||
	    nla_put_u32(msg, RCAN_BT_SAMPLE_POINT, bt->sample_point) ||
	    nla_put_u32(msg, RCAN_BT_TQ, bt->tq) ||
	    nla_put_u32(msg, RCAN_BT_PROP_SEG, bt->prop_seg) ||
	    nla_put_u32(msg, RCAN_BT_PHASE_SEG1, bt->phase_seg1) ||
	    nla_put_u32(msg, RCAN_BT_PHASE_SEG2, bt->phase_seg2) ||
	    nla_put_u32(msg, RCAN_BT_SJW, bt->sjw) ||
	    nla_put_u32(msg, RCAN_BT_BRP, bt->brp))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* The bit rates set on the link ("ip link set ... bitrate N dbitrate M"). */
static int rcan_fill_bittimings(struct sk_buff *msg,
				const struct rcan_link *link)
{
	const struct can_bittiming *bt = &link->can.bittiming;
	const struct can_bittiming *dbt = rcan_data_bittiming(&link->can);

	if (bt->bitrate && bt->bitrate != CAN_BITRATE_UNKNOWN &&
	    rcan_fill_bittiming(msg, RCAN_ATTR_BITTIMING, bt))
		return -EMSGSIZE;
	if ((link->flags & RCAN_LINK_F_FD) && dbt->bitrate &&
	    dbt->bitrate != CAN_BITRATE_UNKNOWN &&
	    rcan_fill_bittiming(msg, RCAN_ATTR_DATA_BITTIMING, dbt))
		return -EMSGSIZE;
	return 0;
}

/* dev_get_alias() is not exported: read the ifalias as it does. */
static int rcan_fill_remote(struct sk_buff *msg, struct net_device *dev)
{
	const struct dev_ifalias *alias;
	int err = 0;

	rcu_read_lock();
	alias = rcu_dereference(dev->ifalias);
	if (alias)
		err = nla_put_string(msg, RCAN_ATTR_REMOTE, alias->ifalias);
	rcu_read_unlock();
	return err;
}

static int rcan_fill_coalesce(struct sk_buff *msg, const struct rcan_link *link)
{
	if (nla_put_u32(msg, RCAN_ATTR_RX_USECS, READ_ONCE(link->rx_usecs)) ||
	    nla_put_u32(msg, RCAN_ATTR_RX_FRAMES, READ_ONCE(link->rx_frames)))
		return -EMSGSIZE;
	return 0;
}

int rcan_fill_link(struct sk_buff *skb, struct net_device *dev, u32 portid,
		   u32 seq, int flags, u8 cmd)
{
	struct rcan_link *link = rcan_link(dev);
	u32 owner, inflight, next, window;
	bool connected;
	void *hdr;

	spin_lock_bh(&link->tx_lock);
	owner = link->owner_sk ? link->owner_portid : 0;
	connected = link->connected;
	inflight = rcan_tx_inflight(link);
	next = link->tx_next;
	window = link->window;
	spin_unlock_bh(&link->tx_lock);

	hdr = genlmsg_put(skb, portid, seq, &rcan_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, RCAN_ATTR_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, RCAN_ATTR_IFNAME, dev->name) ||
	    nla_put_u32(skb, RCAN_ATTR_LINK_FLAGS, link->flags) ||
	    nla_put_u8(skb, RCAN_ATTR_ATTACHED, !!owner) ||
	    nla_put_u32(skb, RCAN_ATTR_OWNER_PORTID, owner) ||
	    nla_put_u8(skb, RCAN_ATTR_CONNECTED, connected) ||
	    nla_put_u8(skb, RCAN_ATTR_CARRIER, netif_carrier_ok(dev)) ||
	    nla_put_u32(skb, RCAN_ATTR_CAN_STATE, link->can.state) ||
	    nla_put_u16(skb, RCAN_ATTR_TXERR, READ_ONCE(link->txerr)) ||
	    nla_put_u16(skb, RCAN_ATTR_RXERR, READ_ONCE(link->rxerr)) ||
	    nla_put_u32(skb, RCAN_ATTR_TX_WINDOW, window) ||
	    nla_put_u32(skb, RCAN_ATTR_INFLIGHT, inflight) ||
	    nla_put_u32(skb, RCAN_ATTR_SEQ, next) ||
	    rcan_fill_coalesce(skb, link) || rcan_fill_stats(skb, dev))
		goto cancel;
	if (rcan_fill_remote(skb, dev))
		goto cancel;
	if (rcan_fill_bittimings(skb, link))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

void rcan_notify_link(struct net_device *dev, u8 cmd)
{
	struct sk_buff *msg;

	if (!READ_ONCE(rcan_genl_live))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		return;
	if (rcan_fill_link(msg, dev, 0, 0, 0, cmd)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast_netns(&rcan_genl_family, dev_net(dev), msg, 0,
				RCAN_MCGRP_EVENTS_ID, GFP_ATOMIC);
}

/* An event about one link: its index and name, then what @fill adds. */
static void rcan_notify_event(struct net_device *dev, u8 cmd,
			      int (*fill)(struct sk_buff *msg,
					  const struct rcan_link *link))
{
	struct sk_buff *msg;
	void *hdr;

	if (!READ_ONCE(rcan_genl_live))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &rcan_genl_family, 0, cmd);
	if (!hdr)
		goto free;
	if (nla_put_u32(msg, RCAN_ATTR_IFINDEX, dev->ifindex) ||
	    nla_put_string(msg, RCAN_ATTR_IFNAME, dev->name))
		goto free;
	if (fill(msg, rcan_link(dev)))
		goto free;
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&rcan_genl_family, dev_net(dev), msg, 0,
				RCAN_MCGRP_EVENTS_ID, GFP_KERNEL);
	return;
free:
	nlmsg_free(msg);
}

void rcan_notify_bittiming(struct net_device *dev)
{
	rcan_notify_event(dev, RCAN_CMD_BITTIMING, rcan_fill_bittimings);
}

/* "ethtool -C canX rx-usecs N rx-frames M", for the helper's batching. */
void rcan_notify_coalesce(struct net_device *dev)
{
	rcan_notify_event(dev, RCAN_CMD_COALESCE, rcan_fill_coalesce);
}

/*
 * Attribute bytes of one frame in FRAMES_TX at most: the FRAME nest, ID,
 * SEQ, and DATA of up to 8 bytes on a classic link (an RTR's LEN is
 * shorter); on an FD link also FLAGS and up to 64 bytes of DATA.
 */
static size_t rcan_tx_frame_size(const struct rcan_link *link)
{
	bool fd = link->flags & RCAN_LINK_F_FD;

	return nla_total_size(0) + (fd ? 3 : 2) * nla_total_size(sizeof(u32)) +
	       nla_total_size(fd ? CANFD_MAX_DLEN : CAN_MAX_DLEN);
}

/*
 * Start the FRAMES_TX message of @link (tx_msg) with room for @frames, up
 * to a page. The caller picks @frames (rcan_tx.c says why).
 */
int rcan_frames_tx_start(struct rcan_link *link, u32 frames)
{
	size_t size = nla_total_size(sizeof(u32)) + nla_total_size(0) +
		      frames * rcan_tx_frame_size(link);
	struct sk_buff *skb;
	void *hdr;

	lockdep_assert_held(&link->tx_lock);
	skb = genlmsg_new(min_t(size_t, size, NLMSG_GOODSIZE), GFP_ATOMIC);
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

/* One frame local programs sent, as an entry of FRAMES_TX. */
int rcan_frames_tx_put(struct sk_buff *msg, const struct sk_buff *skb, u32 seq)
{
	const struct canfd_frame *cfd = (const struct canfd_frame *)skb->data;
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

/* TX_FAILED_NTF: every frame up to and including @last was failed. */
struct sk_buff *rcan_tx_failed_msg(const struct rcan_link *link, u32 last)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(2 * nla_total_size(sizeof(u32)), GFP_ATOMIC);
	if (!skb)
		return NULL;
	hdr = genlmsg_put(skb, 0, 0, &rcan_genl_family, 0,
			  RCAN_CMD_TX_FAILED_NTF);
	if (!hdr || nla_put_u32(skb, RCAN_ATTR_IFINDEX, link->dev->ifindex) ||
	    nla_put_u32(skb, RCAN_ATTR_SEQ, last)) {
		nlmsg_free(skb);
		return NULL;
	}
	genlmsg_end(skb, hdr);
	return skb;
}

/* The message is complete: close the nest and the header. */
void rcan_frames_tx_end(struct rcan_link *link)
{
	lockdep_assert_held(&link->tx_lock);
	nla_nest_end(link->tx_msg, link->tx_nest);
	genlmsg_end(link->tx_msg, link->tx_hdr);
}
