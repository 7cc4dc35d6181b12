/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference rcan.ko depends on, in one place.
 *
 * Built and tested on Debian 12's 6.1. Guarded APIs, checked against the
 * sources of later kernels:
 * - netif_rx(): callable from any context since 5.18; before that process
 *   context had to use netif_rx_ni().
 * - CAN_BITRATE_UNKNOWN / CAN_BITRATE_UNSET: 5.19 (slcan); defined here
 *   for older kernels with the same values.
 * - can_dev_dropped_skb(): 6.1 (listen-only check added on top of
 *   can_dropped_invalid_skb(), which 6.2+ no longer exports for drivers).
 * - genl_family.resv_start_op (6.1) is left at 0: every op is validated
 *   strictly, which is also what older kernels do for a new family.
 * - genl_info_dump(): 6.6 wraps genl_dumpit_info(); rcan uses only
 *   genl_info_net()/info->extack in doit and cb->args in dumpit, which
 *   are unchanged.
 * - netif_napi_add() and dev_set_alias() are not affected.
 */
#ifndef RCAN_COMPAT_H
#define RCAN_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>
#include <linux/can/dev.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 18, 0)
#define rcan_netif_rx(skb) netif_rx_ni(skb)
#else
#define rcan_netif_rx(skb) netif_rx(skb)
#endif

#ifndef CAN_BITRATE_UNKNOWN
#define CAN_BITRATE_UNSET 0
#define CAN_BITRATE_UNKNOWN (-1U)
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#define can_dev_dropped_skb(dev, skb) can_dropped_invalid_skb(dev, skb)
#endif

#endif /* RCAN_COMPAT_H */
