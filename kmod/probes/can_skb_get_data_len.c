// SPDX-License-Identifier: GPL-2.0
/*
 * can_skb_get_data_len() and can_dev_dropped_skb() arrived in 6.1, rcan's
 * oldest kernel: without them compat.h stops the build with a clear reason.
 */
#include <linux/can/dev.h>
#include <linux/can/skb.h>

unsigned int rcan_probe(struct net_device *dev, struct sk_buff *skb);
unsigned int rcan_probe(struct net_device *dev, struct sk_buff *skb)
{
#ifdef RCAN_PROBE
	if (can_dev_dropped_skb(dev, skb))
		return 0;
	return can_skb_get_data_len(skb);
#endif
	return 0;
}
