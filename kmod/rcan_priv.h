/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcan.ko internals: one struct rcan_link per remote bus, behind a CAN
 * netdev whose "hardware" is the user-space helper that owns the link.
 *
 * Locking, outermost first:
 *   rtnl            registration and unregistration of the netdevs
 *   rx_mutex        per link: one FRAMES_RX batch at a time, in order
 *   rcan_net.lock   a namespace's list of links (rcan_net.c); it is
 *                   changed only under rtnl too (ndo_init/ndo_uninit)
 *   tx_lock         per link: owner, connection and CAN state, sequence
 *                   numbers, echo slots, the FRAMES_TX message being built
 *   rcan_net.owners_lock, rcan_detach_lock   innermost: the owner hash of
 *                   a namespace, the links whose detach is to be told
 * Nothing is called with tx_lock held that could transmit on the link
 * again: echoes and error frames are delivered after it is dropped.
 */
#ifndef RCAN_PRIV_H
#define RCAN_PRIV_H

#include <linux/can/dev.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <linux/rcan.h>

#include "compat.h"

#define RCAN_DRV_NAME "rcan"
#define RCAN_NOT_OWNER_MSG "the calling socket does not own this link"

struct rcan_link {
	struct can_priv can; /* must be first: the CAN device helpers use it */
	struct net_device *dev;
	struct list_head node; /* its namespace's links (rcan_net.c) */
	bool listed; /* on that list: ndo_init ran */
	/* hashed by owner_portid, for the release notifier (rcan_net.c) */
	struct hlist_node owner_node;
	struct list_head detach_node; /* owner gone, not told yet */
	u32 flags; /* RCAN_LINK_F_*, fixed at creation */
	u32 window; /* frames in flight at most */
	u32 slot_mask; /* echo slots - 1: their number is a power of two */

	struct mutex rx_mutex; /* serialises FRAMES_RX delivery */

	spinlock_t tx_lock; /* everything below */
	bool dead; /* unregistering: no attach, no traffic */
	bool creating; /* LINK_NEW still uses it: no delete, no foreign attach */
	/*
	 * The owner is its socket, held from attach to detach: a new socket
	 * that binds a closed owner's port id is not the owner. The port id
	 * is where FRAMES_TX go while owner_sk is alive.
	 */
	struct sock *owner_sk; /* NULL: no helper attached */
	u32 owner_portid;
	bool connected; /* the helper reports its remote session up */
	u32 tx_next; /* sequence number of the next frame */
	u32 tx_oldest; /* oldest frame not yet confirmed or failed */
	u32 tx_sent; /* first frame the owner has not been sent yet */
	struct sk_buff_head tx_unsent; /* finished FRAMES_TX, owner was full */
	struct delayed_work tx_retry; /* sends tx_unsent again */
	u8 tx_retry_shift; /* its period is 2 ms << this */
	struct sk_buff *tx_msg; /* FRAMES_TX being filled */
	void *tx_hdr; /* its genetlink header */
	struct nlattr *tx_nest; /* its RCAN_ATTR_FRAMES */
	u32 tx_msg_frames; /* frames in tx_msg */
	u16 txerr, rxerr; /* the remote's error counters */
	u32 rx_usecs, rx_frames; /* ethtool -C, for the helper; rtnl */
	struct sk_buff **echo_own; /* echo slots when grown past alloc_candev's */
};

static inline struct rcan_link *rcan_link(struct net_device *dev)
{
	return netdev_priv(dev);
}

/* rcan_main.c */
extern struct workqueue_struct *rcan_wq;

/* rcan_net.c: the links of one namespace */
bool rcan_net_admin_ok(struct sk_buff *skb, struct netlink_ext_ack *extack);
int rcan_net_reserve(struct net *net, u32 window,
		     struct netlink_ext_ack *extack);
void rcan_net_unreserve(struct net *net, u32 window);
int rcan_net_window_change(struct net *net, u32 old, u32 window,
			   struct netlink_ext_ack *extack);
void rcan_net_window_restore(struct net *net, u32 from, u32 to);
void rcan_net_add(struct rcan_link *link);
void rcan_net_del(struct rcan_link *link);
void rcan_net_owner_add_locked(struct rcan_link *link);
void rcan_net_owner_del_locked(struct rcan_link *link);
struct rcan_link *rcan_net_dead_owner_link(struct net *net, u32 portid);
int rcan_net_dump(struct net *net, unsigned long *next_ifindex,
		  int (*fill)(struct rcan_link *link, void *arg), void *arg);
int rcan_net_register(void);
void rcan_net_unregister(void);

/* rcan_netdev.c */
struct net_device *rcan_link_create(struct net *net, const char *name,
				    u32 flags, u32 window, u32 first_seq,
				    struct netlink_ext_ack *extack);
bool rcan_is_link(const struct net_device *dev);
void rcan_link_created(struct rcan_link *link);
bool rcan_tx_ready_locked(const struct rcan_link *link);
void rcan_update_carrier_locked(struct rcan_link *link);
int rcan_set_can_state(struct rcan_link *link, const struct sock *sk, u32 state,
		       u16 txerr, u16 rxerr);

/* rcan_link.c: owner, attach/detach */
bool rcan_is_owner_locked(const struct rcan_link *link, const struct sock *sk);
bool rcan_is_owner(struct rcan_link *link, const struct sock *sk);
int rcan_attach(struct rcan_link *link, struct sock *sk, u32 portid,
		struct netlink_ext_ack *extack);
int rcan_detach(struct rcan_link *link, struct netlink_ext_ack *extack);
void rcan_detach_locked(struct rcan_link *link);
void rcan_owner_clear_locked(struct rcan_link *link);
void rcan_detach_forget(struct rcan_link *link);
void rcan_set_connected(struct rcan_link *link, const struct sock *sk,
			bool connected);
int rcan_netlink_notifier_register(void);
void rcan_netlink_notifier_unregister(void);

/* rcan_tx.c */
void rcan_tx_init(struct rcan_link *link, u32 first_seq);
void rcan_tx_uninit(struct rcan_link *link);
void rcan_tx_free(struct rcan_link *link);
netdev_tx_t rcan_start_xmit(struct sk_buff *skb, struct net_device *dev);
/* The owner's verdict (TX_DONE, TX_FAIL) on frames it was sent. */
struct rcan_tx_verdict {
	const struct sock *sk; /* who says it: checked against the owner */
	u32 seq; /* the last frame it is about */
	bool ok; /* confirmed, else failed */
	int why; /* errno of a failure, for the log */
	bool has_tstamp; /* TX_DONE: the remote gave its time ... */
	ktime_t tstamp; /* ... for every frame it confirms (RCAN_ATTR_TSTAMP) */
};

int rcan_tx_complete(struct rcan_link *link, const struct rcan_tx_verdict *v,
		     struct netlink_ext_ack *extack);
void rcan_tx_fail_all_locked(struct rcan_link *link);
void rcan_tx_maybe_wake_locked(struct rcan_link *link);
u32 rcan_tx_inflight(const struct rcan_link *link);
int rcan_tx_set_window(struct rcan_link *link, const struct sock *sk,
		       u32 window, struct netlink_ext_ack *extack);

/* rcan_rx.c */
extern const struct nla_policy rcan_frame_policy[RCAN_FRAME_MAX + 1];
int rcan_rx_frames(struct rcan_link *link, const struct sock *sk,
		   const struct nlattr *frames, struct netlink_ext_ack *extack);
void rcan_rx_deliver(struct sk_buff *skb);

/* rcan_genl.c: the family and its commands */
extern struct genl_family rcan_genl_family;
enum rcan_mcgrp { RCAN_MCGRP_EVENTS_ID };
int rcan_genl_init(void);
void rcan_genl_exit(void);

/* rcan_msg.c: the messages */
void rcan_notify_enable(bool live);
int rcan_fill_link(struct sk_buff *skb, struct net_device *dev, u32 portid,
		   u32 seq, int flags, u8 cmd);
void rcan_notify_link(struct net_device *dev, u8 cmd);
void rcan_notify_bittiming(struct net_device *dev);
void rcan_notify_coalesce(struct net_device *dev);
int rcan_frames_tx_start(struct rcan_link *link, u32 frames);
int rcan_frames_tx_put(struct sk_buff *msg, const struct sk_buff *skb, u32 seq);
void rcan_frames_tx_end(struct rcan_link *link);
struct sk_buff *rcan_tx_failed_msg(const struct rcan_link *link, u32 last);

#endif /* RCAN_PRIV_H */
