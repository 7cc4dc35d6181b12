// SPDX-License-Identifier: GPL-2.0
/*
 * rcan.ko: a remote CAN bus (socketcand) presented as a native SocketCAN
 * network device. The user-space helper rcand owns each link through the
 * "rcan" generic netlink family (rcan_genl.c); this file ties the module
 * together: the work queue, load and unload.
 */
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>

#include "rcan_priv.h"

struct workqueue_struct *rcan_wq;

static int __init rcan_module_init(void)
{
	int err;

	/* Unbound: the detach work has no CPU to stay on (and newer kernels
	 * warn when a queue says neither).
	 */
	rcan_wq = alloc_workqueue("rcan", WQ_UNBOUND, 0);
	if (!rcan_wq)
		return -ENOMEM;
	err = rcan_net_register();
	if (err)
		goto err_wq;
	err = rcan_netlink_notifier_register();
	if (err)
		goto err_pernet;
	err = rcan_genl_init();
	if (err)
		goto err_notifier;
	return 0;

err_notifier:
	rcan_netlink_notifier_unregister();
err_pernet:
	rcan_net_unregister();
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
	 * forgotten), then the work queue, where work may still be queued.
	 */
	rcan_genl_exit();
	rcan_netlink_notifier_unregister();
	rcan_net_unregister();
	destroy_workqueue(rcan_wq);
}

module_init(rcan_module_init);
module_exit(rcan_module_exit);

MODULE_DESCRIPTION("rcan: remote socketcand CAN bus as a SocketCAN netdev");
MODULE_AUTHOR("rcan project");
MODULE_LICENSE("GPL");
MODULE_VERSION(RCAN_VERSION);
MODULE_ALIAS_GENL_FAMILY(RCAN_GENL_NAME);
