// SPDX-License-Identifier: GPL-2.0
/* net_device.netns_local: the feature flag became this bit in 6.12. */
#include <linux/netdevice.h>

void rcan_probe(struct net_device *dev);
void rcan_probe(struct net_device *dev)
{
#ifdef RCAN_PROBE
	dev->netns_local = true;
#endif
}
