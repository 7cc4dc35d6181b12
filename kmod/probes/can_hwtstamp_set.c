// SPDX-License-Identifier: GPL-2.0
/*
 * The CAN core's hardware timestamp handlers for ndo_hwtstamp_get/set
 * (they replaced can_eth_ioctl_hwts() upstream in 2025).
 */
#include <linux/can/dev.h>
#include <linux/netdevice.h>

int rcan_probe(void);
int rcan_probe(void)
{
#ifdef RCAN_PROBE
	static const struct net_device_ops ops = {
		.ndo_hwtstamp_get = can_hwtstamp_get,
		.ndo_hwtstamp_set = can_hwtstamp_set,
	};

	return !!ops.ndo_hwtstamp_set;
#endif
	return 0;
}
