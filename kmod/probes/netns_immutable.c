// SPDX-License-Identifier: GPL-2.0
/* net_device.netns_immutable: netns_local's name since 6.15 (and 6.12.117). */
#include <linux/netdevice.h>

void rcan_probe(struct net_device *dev);
void rcan_probe(struct net_device *dev)
{
#ifdef RCAN_PROBE
	dev->netns_immutable = true;
#endif
}
