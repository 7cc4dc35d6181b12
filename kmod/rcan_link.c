// SPDX-License-Identifier: GPL-2.0
/*
 * Who owns a link: the netlink socket (namespace + port id) of the helper
 * that attached it. A link without an owner, or whose owner reports the
 * remote down, has no carrier; frames in flight are failed the moment
 * either happens, so a sender never waits for a verdict that cannot come.
 */
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/rtnetlink.h>

#include "rcan_priv.h"

bool rcan_is_owner_locked(const struct rcan_link *link, struct net *net,
			  u32 portid)
{
	return link->owner_portid && link->owner_portid == portid &&
	       net_eq(link->owner_net, net);
}

int rcan_attach(struct rcan_link *link, struct net *net, u32 portid,
		struct netlink_ext_ack *extack)
{
	int err = 0;

	if (!portid) {
		NL_SET_ERR_MSG(extack, "the kernel cannot own a link");
		return -EINVAL;
	}
	spin_lock_bh(&link->tx_lock);
	if (link->dead) {
		NL_SET_ERR_MSG(extack, "link is being removed");
		err = -ENODEV;
	} else if (rcan_is_owner_locked(link, net, portid)) {
		err = 0; /* attaching twice is harmless */
	} else if (link->owner_portid) {
		NL_SET_ERR_MSG(extack, "link is attached to another socket");
		err = -EBUSY;
	} else {
		link->owner_portid = portid;
		link->owner_net = net;
		link->connected = false; /* until the helper says otherwise */
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
	if (!link->owner_portid)
		return;
	link->owner_portid = 0;
	link->owner_net = NULL;
	link->connected = false;
	rcan_update_carrier_locked(link);
	if (!link->dead) {
		link->detached_event = true;
		queue_work(rcan_wq, &rcan_detach_work);
	}
}

/*
 * LINK_DETACH: the owner gives the link up, or an admin takes it away from
 * a helper (rcand detach). Returns -ENOTCONN when nobody owns it.
 */
int rcan_detach(struct rcan_link *link, struct net *net, u32 portid,
		struct netlink_ext_ack *extack)
{
	int err = 0;

	spin_lock_bh(&link->tx_lock);
	if (!link->owner_portid) {
		NL_SET_ERR_MSG(extack, "link is not attached");
		err = -ENOTCONN;
	} else {
		rcan_detach_locked(link);
	}
	spin_unlock_bh(&link->tx_lock);
	return err;
}

void rcan_set_connected(struct rcan_link *link, bool connected)
{
	spin_lock_bh(&link->tx_lock);
	if (link->owner_portid && link->connected != connected) {
		link->connected = connected;
		rcan_update_carrier_locked(link);
	}
	spin_unlock_bh(&link->tx_lock);
}

/* The owner's socket was closed (or its process died): detach its links. */
static int rcan_netlink_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct netlink_notify *n = ptr;
	struct rcan_link *link;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;

	spin_lock_bh(&rcan_links_lock);
	list_for_each_entry(link, &rcan_links, node) {
		spin_lock(&link->tx_lock);
		if (rcan_is_owner_locked(link, n->net, n->portid))
			rcan_detach_locked(link);
		spin_unlock(&link->tx_lock);
	}
	spin_unlock_bh(&rcan_links_lock);
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
