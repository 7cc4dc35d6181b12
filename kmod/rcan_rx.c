// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path: frames the helper saw on the remote bus, many per
 * RCAN_CMD_FRAMES_RX message. A batch is checked whole before any of it
 * is delivered, so a bad message never leaves half its frames behind.
 */
#include <linux/can/skb.h>
#include <net/genetlink.h>

#include "rcan_priv.h"

/* One frame of a FRAMES_RX batch (FRAMES_TX uses the same attributes). */
const struct nla_policy rcan_frame_policy[RCAN_FRAME_MAX + 1] = {
	[RCAN_FRAME_ID] = { .type = NLA_U32 },
	[RCAN_FRAME_FLAGS] = NLA_POLICY_MASK(NLA_U32, RCAN_FRAME_F_ALL),
	[RCAN_FRAME_DATA] = { .type = NLA_BINARY, .len = CANFD_MAX_DLEN },
	[RCAN_FRAME_LEN] = NLA_POLICY_MAX(NLA_U8, CAN_MAX_DLEN),
	[RCAN_FRAME_TSTAMP] = { .type = NLA_U64 },
	[RCAN_FRAME_SEQ] = { .type = NLA_U32 },
};

static bool rcan_valid_fd_len(u32 len)
{
	return len == can_fd_dlc2len(can_fd_len2dlc(len));
}

static int rcan_rx_check(struct rcan_link *link, struct nlattr **tb,
			 const struct nlattr *frame,
			 struct netlink_ext_ack *extack)
{
	u32 flags = tb[RCAN_FRAME_FLAGS] ? nla_get_u32(tb[RCAN_FRAME_FLAGS]) :
					   0;
	bool fd = flags & RCAN_FRAME_F_FD;
	u32 id, len;

	if (nla_type(frame) != RCAN_ATTR_FRAME) {
		NL_SET_ERR_MSG_ATTR(extack, frame, "not an RCAN_ATTR_FRAME");
		return -EINVAL;
	}
	if (!tb[RCAN_FRAME_ID]) {
		NL_SET_ERR_MSG_ATTR(extack, frame,
				    "frame without RCAN_FRAME_ID");
		return -EINVAL;
	}
	id = nla_get_u32(tb[RCAN_FRAME_ID]);
	len = tb[RCAN_FRAME_DATA] ? nla_len(tb[RCAN_FRAME_DATA]) : 0;

	if (id & CAN_EFF_FLAG) {
		if ((id & ~CAN_EFF_FLAG & ~CAN_RTR_FLAG & ~CAN_ERR_FLAG) >
		    CAN_EFF_MASK)
			goto bad_id;
	} else if (!(id & CAN_ERR_FLAG) &&
		   (id & ~CAN_RTR_FLAG) > CAN_SFF_MASK) {
		goto bad_id;
	}
	if ((id & CAN_ERR_FLAG) && (id & (CAN_RTR_FLAG | CAN_EFF_FLAG))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[RCAN_FRAME_ID],
				    "error frame with RTR or EFF flag");
		return -EINVAL;
	}
	if ((id & CAN_ERR_FLAG) && (id & ~CAN_ERR_FLAG) > CAN_ERR_MASK)
		goto bad_id;
	if (id & CAN_ERR_FLAG) {
		if (flags || tb[RCAN_FRAME_LEN]) {
			NL_SET_ERR_MSG_ATTR(extack, frame,
					    "error frame with flags or length");
			return -EINVAL;
		}
		if (len > CAN_ERR_DLC) {
			NL_SET_ERR_MSG_ATTR(extack, tb[RCAN_FRAME_DATA],
					    "error frame longer than 8 bytes");
			return -EMSGSIZE;
		}
		return 0;
	}

	if (fd && !(link->flags & RCAN_LINK_F_FD)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[RCAN_FRAME_FLAGS],
				    "CAN FD frame on a classic link");
		return -EOPNOTSUPP;
	}
	if (!fd && (flags & (RCAN_FRAME_F_BRS | RCAN_FRAME_F_ESI))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[RCAN_FRAME_FLAGS],
				    "BRS/ESI flags on a classic frame");
		return -EINVAL;
	}
	if (id & CAN_RTR_FLAG) {
		/* RCAN_FRAME_LEN above 8: refused by the policy already. */
		if (fd || tb[RCAN_FRAME_DATA]) {
			NL_SET_ERR_MSG_ATTR(extack, frame,
					    "RTR frame with data or FD flag");
			return -EINVAL;
		}
		return 0;
	}
	if (tb[RCAN_FRAME_LEN]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[RCAN_FRAME_LEN],
				    "RCAN_FRAME_LEN is for RTR frames only");
		return -EINVAL;
	}
	if (!fd && len > CAN_MAX_DLEN) {
		NL_SET_ERR_MSG_ATTR(extack, tb[RCAN_FRAME_DATA],
				    "classic frame longer than 8 bytes");
		return -EMSGSIZE;
	}
	if (fd && !rcan_valid_fd_len(len)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[RCAN_FRAME_DATA],
				    "not a valid CAN FD length");
		return -EINVAL;
	}
	return 0;

bad_id:
	NL_SET_ERR_MSG_ATTR(extack, tb[RCAN_FRAME_ID], "CAN id out of range");
	return -EINVAL;
}

static struct sk_buff *rcan_rx_skb(struct rcan_link *link, struct nlattr **tb,
				   unsigned int *bytes)
{
	struct net_device *dev = link->dev;
	u32 flags = tb[RCAN_FRAME_FLAGS] ? nla_get_u32(tb[RCAN_FRAME_FLAGS]) :
					   0;
	u32 id = nla_get_u32(tb[RCAN_FRAME_ID]);
	const struct nlattr *data = tb[RCAN_FRAME_DATA];
	u32 len = data ? nla_len(data) : 0;
	struct canfd_frame *cfd;
	struct can_frame *cf;
	struct sk_buff *skb;

	*bytes = 0;
	if (id & CAN_ERR_FLAG) {
		skb = alloc_can_err_skb(dev, &cf);
		if (!skb)
			return NULL;
		cf->can_id |= id & CAN_ERR_MASK;
		if (data)
			nla_memcpy(cf->data, data, CAN_ERR_DLC);
	} else if (flags & RCAN_FRAME_F_FD) {
		skb = alloc_canfd_skb(dev, &cfd);
		if (!skb)
			return NULL;
		cfd->can_id = id;
		cfd->len = len;
		if (flags & RCAN_FRAME_F_BRS)
			cfd->flags |= CANFD_BRS;
		if (flags & RCAN_FRAME_F_ESI)
			cfd->flags |= CANFD_ESI;
		if (data)
			nla_memcpy(cfd->data, data, len);
		*bytes = len;
	} else {
		skb = alloc_can_skb(dev, &cf);
		if (!skb)
			return NULL;
		cf->can_id = id;
		if (id & CAN_RTR_FLAG) {
			cf->len = tb[RCAN_FRAME_LEN] ?
					  nla_get_u8(tb[RCAN_FRAME_LEN]) :
					  0;
		} else {
			cf->len = len;
			if (data)
				nla_memcpy(cf->data, data, len);
			*bytes = len;
		}
	}
	if (tb[RCAN_FRAME_TSTAMP])
		skb_hwtstamps(skb)->hwtstamp =
			ns_to_ktime(nla_get_u64(tb[RCAN_FRAME_TSTAMP]));
	return skb;
}

/*
 * Up the stack from process context. netif_receive_skb() delivers at once
 * instead of queueing on the per-CPU backlog (netif_rx()), so a large
 * batch can neither overflow netdev_max_backlog nor be reordered; the
 * receive handlers expect BHs off, as in NAPI.
 */
void rcan_rx_deliver(struct sk_buff *skb)
{
	local_bh_disable();
	netif_receive_skb(skb);
	local_bh_enable();
}

/*
 * Frames go up in lists of this many, each in one BH-off section, as a
 * NAPI poll delivers its budget; between lists, softirqs and the
 * scheduler get their turn.
 */
#define RCAN_RX_LIST 64

static void rcan_rx_deliver_list(struct list_head *skbs)
{
	struct sk_buff *skb, *next;
	LIST_HEAD(part);
	unsigned int n = 0;

	list_for_each_entry_safe(skb, next, skbs, list) {
		skb_list_del_init(skb);
		list_add_tail(&skb->list, &part);
		if (++n < RCAN_RX_LIST && !list_empty(skbs))
			continue;
		local_bh_disable();
		netif_receive_skb_list(&part);
		local_bh_enable();
		INIT_LIST_HEAD(&part);
		n = 0;
		cond_resched();
	}
}

static void rcan_rx_free_list(struct list_head *skbs)
{
	struct sk_buff *skb, *next;

	list_for_each_entry_safe(skb, next, skbs, list) {
		skb_list_del_init(skb);
		kfree_skb(skb);
	}
}

/* Counters of a batch, added to the netdev's only when it is delivered. */
struct rcan_rx_batch {
	struct list_head skbs;
	unsigned int frames; /* every entry, for rx_dropped when down */
	unsigned int packets, bytes, nomem;
};

/*
 * Each entry is parsed once, against the frame policy, checked and made
 * into an skb. A bad entry refuses the whole batch: nothing of it was
 * delivered yet. (The command's policy only checks that FRAMES is a
 * nest, so genetlink does not walk the entries a first time.) Building
 * before delivering pins every skb of the batch at once, so a batch has
 * at most RCAN_RX_BATCH_MAX frames (the nest's 16-bit length alone would
 * allow about 5,460).
 */
static int rcan_rx_build(struct rcan_link *link, const struct nlattr *frames,
			 struct rcan_rx_batch *b,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[RCAN_FRAME_MAX + 1];
	const struct nlattr *f;
	int rem, err;

	nla_for_each_nested(f, frames, rem) {
		struct sk_buff *skb;
		unsigned int bytes;

		err = nla_parse_nested(tb, RCAN_FRAME_MAX, f, rcan_frame_policy,
				       extack);
		if (!err)
			err = rcan_rx_check(link, tb, f, extack);
		if (err)
			return err;
		if (b->frames == RCAN_RX_BATCH_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, f,
					    "batch over RCAN_RX_BATCH_MAX");
			return -E2BIG;
		}
		b->frames++;
		skb = rcan_rx_skb(link, tb, &bytes);
		if (!skb) {
			b->nomem++;
			continue;
		}
		/*
		 * Like the CAN drivers since 5.19: error frames the driver
		 * generates are not counted as received traffic.
		 */
		if (!(nla_get_u32(tb[RCAN_FRAME_ID]) & CAN_ERR_FLAG)) {
			b->packets++;
			b->bytes += bytes;
		}
		list_add_tail(&skb->list, &b->skbs);
	}
	/*
	 * Bytes left that make no whole attribute. Below zero is the last
	 * entry without its padding, which netlink allows (nla_validate()
	 * checks the same way).
	 */
	if (rem > 0) {
		NL_SET_ERR_MSG_ATTR(extack, frames, "trailing bytes in FRAMES");
		return -EINVAL;
	}
	if (!b->frames) {
		NL_SET_ERR_MSG_ATTR(extack, frames,
				    "no frames in RCAN_ATTR_FRAMES");
		return -EINVAL;
	}
	return 0;
}

int rcan_rx_frames(struct rcan_link *link, const struct sock *sk,
		   const struct nlattr *frames, struct netlink_ext_ack *extack)
{
	struct rcan_rx_batch b = { .skbs = LIST_HEAD_INIT(b.skbs) };
	struct net_device *dev = link->dev;
	int err;

	/* All or nothing: the whole batch is checked before any delivery. */
	err = rcan_rx_build(link, frames, &b, extack);
	if (err) {
		rcan_rx_free_list(&b.skbs);
		return err;
	}

	mutex_lock(&link->rx_mutex);
	/* Checked again: it may have been detached since pre_doit. */
	if (!rcan_is_owner(link, sk)) {
		mutex_unlock(&link->rx_mutex);
		rcan_rx_free_list(&b.skbs);
		NL_SET_ERR_MSG(extack, RCAN_NOT_OWNER_MSG);
		return -EPERM;
	}
	if (!netif_running(dev)) {
		/* A controller that is down hears nothing on its bus. */
		DEV_STATS_ADD(dev, rx_dropped, b.frames);
		mutex_unlock(&link->rx_mutex);
		rcan_rx_free_list(&b.skbs);
		return 0;
	}
	/* Atomic: state changes count drops under another lock. */
	if (b.nomem)
		DEV_STATS_ADD(dev, rx_dropped, b.nomem);
	DEV_STATS_ADD(dev, rx_packets, b.packets);
	DEV_STATS_ADD(dev, rx_bytes, b.bytes);
	rcan_rx_deliver_list(&b.skbs);
	mutex_unlock(&link->rx_mutex);
	return 0;
}
