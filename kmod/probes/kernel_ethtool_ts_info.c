// SPDX-License-Identifier: GPL-2.0
/* ethtool_ops.get_ts_info takes struct kernel_ethtool_ts_info (6.11 on). */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

int rcan_probe(struct net_device *dev, void *info);
int rcan_probe(struct net_device *dev, void *info)
{
#ifdef RCAN_PROBE
	struct kernel_ethtool_ts_info *ts = info;

	return dev->ethtool_ops->get_ts_info(dev, ts);
#endif
	return 0;
}
