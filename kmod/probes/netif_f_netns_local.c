// SPDX-License-Identifier: GPL-2.0
/* NETIF_F_NETNS_LOCAL: how a netdev was pinned to its namespace until 6.12. */
#include <linux/netdevice.h>

void rcan_probe(struct net_device *dev);
void rcan_probe(struct net_device *dev)
{
#ifdef RCAN_PROBE
	dev->features |= NETIF_F_NETNS_LOCAL;
#endif
}
