// SPDX-License-Identifier: GPL-2.0
/* DEV_STATS_INC/ADD: the netdev counters as atomics (6.1.y has them too). */
#include <linux/netdevice.h>

void rcan_probe(struct net_device *dev);
void rcan_probe(struct net_device *dev)
{
#ifdef RCAN_PROBE
	DEV_STATS_INC(dev, rx_dropped);
	DEV_STATS_ADD(dev, rx_bytes, 8);
#endif
}
