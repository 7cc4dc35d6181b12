/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcan.ko internals: one struct rcan_link per remote bus, behind a CAN
 * netdev whose "hardware" is the user-space helper that owns the link.
 */
#ifndef RCAN_PRIV_H
#define RCAN_PRIV_H

#include <linux/can/dev.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <linux/rcan.h>

#include "compat.h"

#define RCAN_DRV_NAME "rcan"

/* One transmitted frame waiting for the helper's verdict. */
struct rcan_slot {
	u8 len;		/* payload length, for tx_bytes */
	bool live;	/* still in flight (not failed in the meantime) */
};

struct rcan_link {
	struct can_priv can;	/* must be first: the CAN device helpers use it */
	struct net_device *dev;
	struct list_head node;	/* rcan_links, under rcan_links_lock */
	u32 flags;		/* RCAN_LINK_F_* */
	u32 window;		/* frames in flight at most, == can.echo_skb_max */

	/*
	 * tx_lock protects everything below: the owner, the sequence
	 * numbers, the echo slots and the message under construction. It
	 * is taken in ndo_start_xmit (BH) and from netlink commands and the
	 * release notifier (process context, with BH disabled).
	 */
	spinlock_t tx_lock;
	u32 owner_portid;	/* 0: no helper attached */
	struct net *owner_net;	/* not refcounted: only compared */
	bool connected;		/* the helper reports its remote session up */
	u32 tx_next;		/* sequence number of the next frame */
	u32 tx_oldest;		/* oldest frame not yet confirmed or failed */
	struct rcan_slot *slots;
	struct sk_buff *tx_msg;	/* FRAMES_TX being filled */
	void *tx_hdr;		/* its genetlink header */
	struct nlattr *tx_nest;
	u32 tx_msg_frames;

	u16 txerr, rxerr;	/* the remote's error counters */

	struct work_struct detach_work;	/* owner gone: events, removal */
	bool detach_pending;
};

static inline struct rcan_link *rcan_link(struct net_device *dev)
{
	return netdev_priv(dev);
}

/* rcan_netdev.c */
extern struct workqueue_struct *rcan_wq;
extern spinlock_t rcan_links_lock;
extern struct list_head rcan_links;
struct net_device *rcan_link_create(struct net *net, const char *name,
				    u32 flags, u32 window,
				    struct netlink_ext_ack *extack);
bool rcan_is_link(const struct net_device *dev);
void rcan_update_carrier(struct rcan_link *link);
int rcan_set_can_state(struct rcan_link *link, u32 state, u16 txerr,
		       u16 rxerr);

/* rcan_tx.c */
netdev_tx_t rcan_start_xmit(struct sk_buff *skb, struct net_device *dev);
int rcan_tx_complete(struct rcan_link *link, u32 upto, bool ok, int why);
u32 rcan_tx_seq_after_count(struct rcan_link *link, u32 count);
void rcan_tx_fail_all_locked(struct rcan_link *link, int why);
void rcan_tx_drop_msg_locked(struct rcan_link *link);
u32 rcan_tx_inflight(struct rcan_link *link);

/* rcan_rx.c */
int rcan_rx_frames(struct rcan_link *link, const struct nlattr *frames,
		   struct netlink_ext_ack *extack);

/* rcan_genl.c */
extern struct genl_family rcan_genl_family;
int rcan_genl_init(void);
void rcan_genl_exit(void);
void rcan_notify_link(struct net_device *dev, u8 cmd);
void rcan_notify_bittiming(struct net_device *dev);

/* rcan_main.c: attach/detach, shared by genl and the release notifier */
int rcan_attach(struct rcan_link *link, struct net *net, u32 portid,
		struct netlink_ext_ack *extack);
int rcan_detach(struct rcan_link *link, struct net *net, u32 portid);
void rcan_detach_locked(struct rcan_link *link);

#endif /* RCAN_PRIV_H */
