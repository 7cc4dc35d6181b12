// SPDX-License-Identifier: GPL-2.0
/* The CAN core's SIOCSHWTSTAMP/SIOCGHWTSTAMP handler for ndo_eth_ioctl. */
#include <linux/can/dev.h>
#include <linux/netdevice.h>

int rcan_probe(void);
int rcan_probe(void)
{
#ifdef RCAN_PROBE
	static const struct net_device_ops ops = {
		.ndo_eth_ioctl = can_eth_ioctl_hwts,
	};

	return !!ops.ndo_eth_ioctl;
#endif
	return 0;
}
