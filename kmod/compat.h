/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference rcan.ko depends on, in one place.
 *
 * Built and tested on Debian 12's 6.1. Kernel APIs rcan uses whose shape
 * changed, checked against later sources (torvalds/linux):
 * - can_put_echo_skb()/__can_get_echo_skb()/can_free_echo_skb(): the
 *   frame_len arguments exist since 5.12 (rcan passes 0/NULL); unchanged
 *   through 6.x.
 * - can_dev_dropped_skb(): since 6.1 (listen-only check on top of
 *   can_dropped_invalid_skb()); older kernels get the plain check.
 * - CAN_BITRATE_UNSET/CAN_BITRATE_UNKNOWN: since 5.19 (slcan).
 * - ethtool get_ts_info: struct ethtool_ts_info became
 *   struct kernel_ethtool_ts_info in 6.10.
 * - NETIF_F_NETNS_LOCAL became the netdev->netns_local bit in 6.12, renamed
 *   netdev->netns_immutable in 6.15.
 * - can_priv.data_bittiming_const/do_set_data_bittiming moved into
 *   can_priv.fd in 6.16.
 * - genl_small_ops, genl_info_net(), genlmsg_multicast_netns(),
 *   dev_get_alias()/dev_set_alias(), netif_receive_skb(): unchanged
 *   since 5.10. (genl_info_dump() of 6.6 is not needed: the dump keeps
 *   its position in cb->args.)
 * - netif_rx(): rcan delivers with netif_receive_skb() under
 *   local_bh_disable() instead, so the netif_rx_ni() removal in 5.18
 *   does not matter.
 */
#ifndef RCAN_COMPAT_H
#define RCAN_COMPAT_H

#include <linux/version.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/can/dev.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 12, 0)
#error "rcan needs Linux 5.12 or later (CAN echo skb frame_len API)"
#endif

#ifndef CAN_BITRATE_UNKNOWN
#define CAN_BITRATE_UNSET 0
#define CAN_BITRATE_UNKNOWN (-1U)
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#define can_dev_dropped_skb(dev, skb) can_dropped_invalid_skb(dev, skb)
#endif

/* Used as "struct rcan_ethtool_ts_info". */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
#define rcan_ethtool_ts_info ethtool_ts_info
#else
#define rcan_ethtool_ts_info kernel_ethtool_ts_info
#endif

static inline void rcan_set_netns_local(struct net_device *dev)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
	dev->features |= NETIF_F_NETNS_LOCAL;
#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 15, 0)
	dev->netns_local = true;
#else
	dev->netns_immutable = true;
#endif
}

static inline void
rcan_set_data_bittiming_ops(struct can_priv *priv,
			    const struct can_bittiming_const *btc,
			    int (*set)(struct net_device *dev))
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 16, 0)
	priv->data_bittiming_const = btc;
	priv->do_set_data_bittiming = set;
#else
	priv->fd.data_bittiming_const = btc;
	priv->fd.do_set_data_bittiming = set;
#endif
}

#endif /* RCAN_COMPAT_H */
