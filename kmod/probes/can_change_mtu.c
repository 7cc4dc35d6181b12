// SPDX-License-Identifier: GPL-2.0
/*
 * can_change_mtu(): the CAN drivers' ndo_change_mtu, removed when the core
 * took over checking a CAN device's MTU (6.19).
 */
#include <linux/can/dev.h>

int rcan_probe(struct net_device *dev, int mtu);
int rcan_probe(struct net_device *dev, int mtu)
{
#ifdef RCAN_PROBE
	return can_change_mtu(dev, mtu);
#endif
	return 0;
}
