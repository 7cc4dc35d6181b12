// SPDX-License-Identifier: GPL-2.0
/*
 * rcan.ko: a remote CAN bus (socketcand) presented as a native SocketCAN
 * network device. The user-space helper rcand owns each link through the
 * "rcan" generic netlink family; this file ties the module together and
 * follows the owners' netlink sockets, so that a helper that dies (even
 * by kill -9) gives its links up at once.
 */
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>

#include "rcan_priv.h"

struct workqueue_struct *rcan_wq;

/* Forget the owner; the rest (carrier, event, removal) needs process context. */
void rcan_detach_locked(struct rcan_link *link)
{
	struct net_device *dev = link->dev;

	lockdep_assert_held(&link->tx_lock);
	if (!link->owner_portid)
		return;
	link->owner_portid = 0;
	link->owner_net = NULL;
	link->connected = false;
	rcan_tx_fail_all_locked(link, -ENOTCONN);
	netif_stop_queue(dev);
	dev_hold(dev);
	if (!queue_work(rcan_wq, &link->detach_work))
		dev_put(dev);
}

int rcan_attach(struct rcan_link *link, struct net *net, u32 portid,
		struct netlink_ext_ack *extack)
{
	int err = 0;

	spin_lock_bh(&link->tx_lock);
	if (link->owner_portid == portid && link->owner_net == net) {
		/* Attaching twice is harmless. */
	} else if (link->owner_portid) {
		NL_SET_ERR_MSG(extack, "link is attached to another socket");
		err = -EBUSY;
	} else {
		link->owner_portid = portid;
		link->owner_net = net;
		link->connected = false;
	}
	spin_unlock_bh(&link->tx_lock);
	if (!err)
		rcan_notify_link(link->dev, RCAN_CMD_LINK_ATTACH);
	return err;
}

int rcan_detach(struct rcan_link *link, struct net *net, u32 portid)
{
	spin_lock_bh(&link->tx_lock);
	if (!link->owner_portid) {
		spin_unlock_bh(&link->tx_lock);
		return -ENOTCONN;
	}
	rcan_detach_locked(link);
	spin_unlock_bh(&link->tx_lock);
	return 0;
}

static int rcan_netlink_notify(struct notifier_block *nb, unsigned long event,
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
		if (link->owner_portid == n->portid &&
		    net_eq(link->owner_net, n->net))
			rcan_detach_locked(link);
		spin_unlock(&link->tx_lock);
	}
	spin_unlock_bh(&rcan_links_lock);
	return NOTIFY_DONE;
}

static struct notifier_block rcan_netlink_notifier = {
	.notifier_call = rcan_netlink_notify,
};

static void rcan_remove_all_links(void)
{
	struct rcan_link *link;

	rtnl_lock();
	for (;;) {
		spin_lock_bh(&rcan_links_lock);
		link = list_first_entry_or_null(&rcan_links, struct rcan_link,
						node);
		spin_unlock_bh(&rcan_links_lock);
		if (!link)
			break;
		/* ndo_uninit takes it off the list before this returns. */
		unregister_netdevice(link->dev);
	}
	rtnl_unlock();
}

static int __init rcan_init(void)
{
	int err;

	rcan_wq = alloc_workqueue("rcan", 0, 0);
	if (!rcan_wq)
		return -ENOMEM;
	err = netlink_register_notifier(&rcan_netlink_notifier);
	if (err)
		goto err_wq;
	err = rcan_genl_init();
	if (err)
		goto err_notifier;
	pr_info("rcan %s: remote CAN bus netdevs\n", RCAN_VERSION);
	return 0;

err_notifier:
	netlink_unregister_notifier(&rcan_netlink_notifier);
err_wq:
	destroy_workqueue(rcan_wq);
	return err;
}

static void __exit rcan_exit(void)
{
	/* No new commands (and no new links) once the family is gone. */
	rcan_genl_exit();
	rcan_remove_all_links();
	/* Pending detach work holds device references: let it finish. */
	destroy_workqueue(rcan_wq);
	netlink_unregister_notifier(&rcan_netlink_notifier);
}

module_init(rcan_init);
module_exit(rcan_exit);

MODULE_DESCRIPTION("rcan: remote socketcand CAN bus as a SocketCAN netdev");
MODULE_LICENSE("GPL");
MODULE_VERSION(RCAN_VERSION);
MODULE_ALIAS_GENL_FAMILY(RCAN_GENL_NAME);
