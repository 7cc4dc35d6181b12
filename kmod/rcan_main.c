// SPDX-License-Identifier: GPL-2.0
/*
 * rcan.ko: a remote CAN bus (socketcand) presented as a native SocketCAN
 * network device. The user-space helper rcand owns each link through the
 * "rcan" generic netlink family (rcan_genl.c); this file ties the module
 * together: the list of links, the work queue, load and unload.
 */
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>

#include "rcan_priv.h"

struct workqueue_struct *rcan_wq;
DEFINE_SPINLOCK(rcan_links_lock);
LIST_HEAD(rcan_links);

/*
 * A namespace is going away: queue its links for unregistration (rtnl is
 * held). compat.h picks the teardown hook that runs this before the core's
 * own device cleanup on the kernel at hand. Unregistering the hook at
 * unload removes the links of every namespace, init_net included.
 */
void rcan_net_kill_links(struct net *net, struct list_head *kill)
{
	struct rcan_link *link;

	ASSERT_RTNL();
	spin_lock_bh(&rcan_links_lock);
	list_for_each_entry(link, &rcan_links, node)
		if (net_eq(dev_net(link->dev), net))
			unregister_netdevice_queue(link->dev, kill);
	/* ndo_uninit takes each link off rcan_links, later. */
	spin_unlock_bh(&rcan_links_lock);
}

static struct pernet_operations rcan_net_ops = {
	RCAN_PERNET_EXIT,
};

static int __init rcan_module_init(void)
{
	int err;

	/* Unbound: the detach work has no CPU to stay on (and newer kernels
	 * warn when a queue says neither).
	 */
	rcan_wq = alloc_workqueue("rcan", WQ_UNBOUND, 0);
	if (!rcan_wq)
		return -ENOMEM;
	err = register_pernet_device(&rcan_net_ops);
	if (err)
		goto err_wq;
	err = rcan_netlink_notifier_register();
	if (err)
		goto err_pernet;
	err = rcan_genl_init();
	if (err)
		goto err_notifier;
	pr_info("rcan %s: remote CAN buses as SocketCAN netdevs\n",
		RCAN_VERSION);
	return 0;

err_notifier:
	rcan_netlink_notifier_unregister();
err_pernet:
	unregister_pernet_device(&rcan_net_ops);
err_wq:
	destroy_workqueue(rcan_wq);
	return err;
}

static void __exit rcan_module_exit(void)
{
	/*
	 * The family first: it waits for commands in progress, and no new
	 * link or owner can appear after it. Then the links of every
	 * namespace (their in-flight frames are failed, their owners
	 * forgotten), then the detach work, which may still be queued.
	 */
	rcan_genl_exit();
	rcan_netlink_notifier_unregister();
	unregister_pernet_device(&rcan_net_ops);
	destroy_workqueue(rcan_wq);
	/* A link left now outlived its namespace: it would be freed no more. */
	WARN_ON(!list_empty(&rcan_links));
}

module_init(rcan_module_init);
module_exit(rcan_module_exit);

MODULE_DESCRIPTION("rcan: remote socketcand CAN bus as a SocketCAN netdev");
MODULE_AUTHOR("rcan project");
MODULE_LICENSE("GPL");
MODULE_VERSION(RCAN_VERSION);
MODULE_ALIAS_GENL_FAMILY(RCAN_GENL_NAME);
