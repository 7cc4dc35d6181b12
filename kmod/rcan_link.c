// SPDX-License-Identifier: GPL-2.0
/*
 * Who owns a link: the netlink socket of the helper that attached it,
 * held (sock_hold()) until it is detached. Commands are the owner's when
 * they come from that very socket, not from its port id: a socket that
 * binds the port id of one just closed is another. A link without an
 * owner, or whose owner reports the remote down, has no carrier; frames
 * in flight are failed the moment either happens, so a sender never
 * waits for a verdict that cannot come.
 */
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/rtnetlink.h>
#include <net/sock.h>

#include "rcan_priv.h"

/*
 * Links whose owner went away and whose LINK_DETACH event (and, with
 * RCAN_LINK_F_REMOVE_ON_DETACH, removal) is still to come: detaching can
 * happen in any context, even the transmit path, but telling and removing
 * need rtnl, so a work item does it. A link leaves this list when that is
 * done, or in ndo_uninit, so the work never sees a freed link.
 */
static LIST_HEAD(rcan_detach_pending);
static DEFINE_SPINLOCK(rcan_detach_lock);
static void rcan_detach_work_fn(struct work_struct *work);
static DECLARE_WORK(rcan_detach_work, rcan_detach_work_fn);

/* @sk: the socket a command came from, NETLINK_CB(skb).sk. */
bool rcan_is_owner_locked(const struct rcan_link *link, const struct sock *sk)
{
	lockdep_assert_held(&link->tx_lock);
	return link->owner_sk && link->owner_sk == sk;
}

bool rcan_is_owner(struct rcan_link *link, const struct sock *sk)
{
	bool owner;

	spin_lock_bh(&link->tx_lock);
	owner = rcan_is_owner_locked(link, sk);
	spin_unlock_bh(&link->tx_lock);
	return owner;
}

/* @sk and @portid: the socket a command came from and its port id. */
int rcan_attach(struct rcan_link *link, struct sock *sk, u32 portid,
		struct netlink_ext_ack *extack)
{
	int err = 0;

	if (!portid || !sk) {
		NL_SET_ERR_MSG(extack, "the kernel cannot own a link");
		return -EINVAL;
	}
	spin_lock_bh(&link->tx_lock);
	if (link->dead) {
		NL_SET_ERR_MSG(extack, "link is being removed");
		err = -ENODEV;
	} else if (rcan_is_owner_locked(link, sk)) {
		err = 0; /* attaching twice is harmless */
	} else if (link->owner_sk) {
		NL_SET_ERR_MSG(extack, "link is attached to another socket");
		err = -EBUSY;
	} else {
		/* Alive: its command holds its file, so its release is to come
		 * and will detach the link.
		 */
		sock_hold(sk);
		link->owner_sk = sk;
		link->owner_portid = portid;
		link->connected = false; /* until the helper says otherwise */
		rcan_net_owner_add_locked(link);
		rcan_update_carrier_locked(link);
	}
	spin_unlock_bh(&link->tx_lock);
	return err;
}

/*
 * Forget the owner: carrier off, frames in flight failed. Callable from
 * any context with tx_lock held (the transmit path calls it when the
 * owner's socket turns out to be gone). The event and, for
 * RCAN_LINK_F_REMOVE_ON_DETACH links, the removal are left to a work item.
 */
void rcan_detach_locked(struct rcan_link *link)
{
	lockdep_assert_held(&link->tx_lock);
	if (!link->owner_sk)
		return;
	rcan_owner_clear_locked(link);
	rcan_update_carrier_locked(link);
	if (!link->dead) {
		spin_lock(&rcan_detach_lock);
		if (list_empty(&link->detach_node))
			list_add_tail(&link->detach_node, &rcan_detach_pending);
		spin_unlock(&rcan_detach_lock);
		queue_work(rcan_wq, &rcan_detach_work);
	}
}

/*
 * No owner any more (detach, or the link going away). The last reference
 * to a closed socket may go here: netlink frees a socket in any context.
 */
void rcan_owner_clear_locked(struct rcan_link *link)
{
	struct sock *sk = link->owner_sk;

	lockdep_assert_held(&link->tx_lock);
	if (!sk)
		return;
	rcan_net_owner_del_locked(link);
	link->owner_sk = NULL;
	link->owner_portid = 0;
	link->connected = false;
	sock_put(sk);
}

/* ndo_uninit (rtnl held): the link will not be told about any more. */
void rcan_detach_forget(struct rcan_link *link)
{
	spin_lock_bh(&rcan_detach_lock);
	list_del_init(&link->detach_node);
	spin_unlock_bh(&rcan_detach_lock);
}

/*
 * Send the pending LINK_DETACH events and delete the links created with
 * RCAN_LINK_F_REMOVE_ON_DETACH. Under rtnl no link can be unregistered
 * meanwhile, so every link on the list is alive while it is handled.
 *
 * Only the links pending when it starts: those detached meanwhile queue
 * the work again. Helpers attaching and detaching in a loop, on more CPUs
 * than this one, would otherwise keep it, and rtnl, busy for as long as
 * they go on. A link is on one list at most, so a batch is bounded.
 */
static void rcan_detach_work_fn(struct work_struct *work)
{
	struct rcan_link *link;
	LIST_HEAD(batch);
	LIST_HEAD(kill);

	rtnl_lock();
	spin_lock_bh(&rcan_detach_lock);
	list_splice_init(&rcan_detach_pending, &batch);
	spin_unlock_bh(&rcan_detach_lock);
	for (;;) {
		bool remove;

		/* rcan_detach_locked() tests the node under this lock. */
		spin_lock_bh(&rcan_detach_lock);
		link = list_first_entry_or_null(&batch, struct rcan_link,
						detach_node);
		if (link)
			list_del_init(&link->detach_node);
		spin_unlock_bh(&rcan_detach_lock);
		if (!link)
			break;
		/* Decided under tx_lock, and final: marked dead, the link
		 * refuses an attach from here until it is unregistered, which
		 * would otherwise take it from under its new owner.
		 */
		spin_lock_bh(&link->tx_lock);
		remove = !link->dead && !link->owner_sk && !link->creating &&
			 (link->flags & RCAN_LINK_F_REMOVE_ON_DETACH);
		if (remove)
			link->dead = true;
		spin_unlock_bh(&link->tx_lock);
		rcan_notify_link(link->dev, RCAN_CMD_LINK_DETACH);
		if (remove)
			unregister_netdevice_queue(link->dev, &kill);
	}
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}

/*
 * LINK_DETACH: the owner gives the link up, or an admin takes it away from
 * a helper (rcand detach). Returns -ENOTCONN when nobody owns it.
 */
int rcan_detach(struct rcan_link *link, struct netlink_ext_ack *extack)
{
	int err = 0;

	spin_lock_bh(&link->tx_lock);
	if (!link->owner_sk) {
		NL_SET_ERR_MSG(extack, "link is not attached");
		err = -ENOTCONN;
	} else {
		rcan_detach_locked(link);
	}
	spin_unlock_bh(&link->tx_lock);
	return err;
}

/* The owner's report of its remote session; from anyone else, nothing. */
void rcan_set_connected(struct rcan_link *link, const struct sock *sk,
			bool connected)
{
	spin_lock_bh(&link->tx_lock);
	if (rcan_is_owner_locked(link, sk) && link->connected != connected) {
		link->connected = connected;
		rcan_update_carrier_locked(link);
	}
	spin_unlock_bh(&link->tx_lock);
}

/*
 * The owner's socket was closed (or its process died): detach its links.
 * This runs for every generic netlink socket closed on the system: the
 * owner hash finds the few links it owned, if any, without a walk.
 *
 * The notifier says only which port id closed, and by now another socket
 * may have bound it and owned a link: only links whose owner socket is
 * dead are detached (netlink_release() marks it before it notifies).
 */
static int rcan_netlink_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct netlink_notify *n = ptr;
	struct rcan_link *link;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;

	while ((link = rcan_net_dead_owner_link(n->net, n->portid))) {
		struct sock *sk;

		spin_lock_bh(&link->tx_lock);
		/*
		 * Between the lookup and tx_lock an admin may have detached
		 * the link and another socket attached it. A live socket's
		 * link is not found again, and each turn detaches one link
		 * of a dead socket or finds one gone, so the loop ends.
		 */
		sk = link->owner_sk;
		if (sk && link->owner_portid == n->portid &&
		    sock_flag(sk, SOCK_DEAD))
			rcan_detach_locked(link);
		spin_unlock_bh(&link->tx_lock);
		dev_put(link->dev);
	}
	return NOTIFY_DONE;
}

static struct notifier_block rcan_netlink_nb = {
	.notifier_call = rcan_netlink_event,
};

int rcan_netlink_notifier_register(void)
{
	return netlink_register_notifier(&rcan_netlink_nb);
}

void rcan_netlink_notifier_unregister(void)
{
	netlink_unregister_notifier(&rcan_netlink_nb);
}
