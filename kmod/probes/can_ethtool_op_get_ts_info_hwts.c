// SPDX-License-Identifier: GPL-2.0
/*
 * The CAN core's get_ts_info for devices with hardware timestamps, of the
 * type the kernel's get_ts_info op has (its argument changed in 6.11).
 */
#include <linux/can/dev.h>
#include <linux/ethtool.h>

int rcan_probe(void);
int rcan_probe(void)
{
#ifdef RCAN_PROBE
	static const struct ethtool_ops ops = {
		.get_ts_info = can_ethtool_op_get_ts_info_hwts,
	};

	return !!ops.get_ts_info;
#endif
	return 0;
}
