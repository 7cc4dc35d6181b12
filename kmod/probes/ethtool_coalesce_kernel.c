// SPDX-License-Identifier: GPL-2.0
/*
 * ethtool_ops.get/set_coalesce take a struct kernel_ethtool_coalesce and
 * an extack besides struct ethtool_coalesce.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

int rcan_probe(struct net_device *dev, struct ethtool_coalesce *ec);
int rcan_probe(struct net_device *dev, struct ethtool_coalesce *ec)
{
#ifdef RCAN_PROBE
	struct kernel_ethtool_coalesce kec = {};

	return dev->ethtool_ops->set_coalesce(dev, ec, &kec, NULL);
#endif
	return 0;
}
