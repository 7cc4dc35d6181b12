/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What rcan.ko calls where kernels differ, chosen by the build-time probes
 * in probes/ (probe.sh compiles each against the kernel being built for and
 * writes rcan_probes.h). Never by LINUX_VERSION_CODE: stable and
 * distribution kernels backport renames (6.12.117 took 6.15's
 * netns_immutable, 6.1.192 has 6.10's exit_batch_rtnl), and
 * KERNEL_VERSION() saturates the sub-level at 255.
 *
 * The oldest kernel is 6.1 (can_skb_get_data_len(), can_dev_dropped_skb()).
 * Where no known shape of an API is found, the build stops here with
 * #error: a newer kernel changed it, and a probe has to learn the new shape.
 */
#ifndef RCAN_COMPAT_H
#define RCAN_COMPAT_H

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/can/dev.h>
#include <net/net_namespace.h>

#include "rcan_probes.h"

#ifndef RCAN_HAVE_CAN_SKB_GET_DATA_LEN
#error "rcan needs Linux 6.1 or later (can_skb_get_data_len, can_dev_dropped_skb)"
#endif

/*
 * Counters change under different locks (rx_mutex, tx_lock) and in the
 * CAN core: they are the atomics DEV_STATS_INC/ADD update.
 */
#ifndef RCAN_HAVE_DEV_STATS_INC
#error "rcan: DEV_STATS_INC/DEV_STATS_ADD missing (a 6.1.y from before 2023?)"
#endif

/*
 * Hardware timestamps: the CAN core's handlers (RX: the remote's time of
 * reception, TX: the helper's confirmation, see rcan_tx.c). get_ts_info's
 * argument type changed in 6.11; the probe assigns the handler to the op,
 * so it only passes where the two types agree.
 */
#ifndef RCAN_HAVE_CAN_ETHTOOL_OP_GET_TS_INFO_HWTS
#error "rcan: can_ethtool_op_get_ts_info_hwts() missing or of another type"
#endif
#if defined(RCAN_HAVE_CAN_HWTSTAMP_SET)
#define RCAN_HWTSTAMP_NDO_OPS                 \
	.ndo_hwtstamp_get = can_hwtstamp_get, \
	.ndo_hwtstamp_set = can_hwtstamp_set
#elif defined(RCAN_HAVE_CAN_ETH_IOCTL_HWTS)
#define RCAN_HWTSTAMP_NDO_OPS .ndo_eth_ioctl = can_eth_ioctl_hwts
#else
#error "rcan: unknown CAN core hardware timestamp handler"
#endif

/* ethtool -C: rcan needs the op shape with kernel_ethtool_coalesce. */
#ifndef RCAN_HAVE_ETHTOOL_COALESCE_KERNEL
#error "rcan: unknown ethtool_ops.set_coalesce arguments"
#endif

/* What genl_family.pre_doit/post_doit get, as "struct rcan_doit_ops". */
#if defined(RCAN_HAVE_GENL_SPLIT_OPS)
#define rcan_doit_ops genl_split_ops
#elif defined(RCAN_HAVE_GENL_OPS_PRE_DOIT)
#define rcan_doit_ops genl_ops
#else
#error "rcan: unknown argument type of genl_family.pre_doit"
#endif

/* Where the CAN core still leaves the MTU check to the driver. */
#ifdef RCAN_HAVE_CAN_CHANGE_MTU
#define rcan_change_mtu can_change_mtu
#else
#define rcan_change_mtu NULL
#endif

/* The link's owner is found in the link's namespace: the link stays there. */
static inline void rcan_set_netns_local(struct net_device *dev)
{
#if defined(RCAN_HAVE_NETNS_IMMUTABLE)
	dev->netns_immutable = true;
#elif defined(RCAN_HAVE_NETNS_LOCAL)
	dev->netns_local = true;
#elif defined(RCAN_HAVE_NETIF_F_NETNS_LOCAL)
	dev->features |= NETIF_F_NETNS_LOCAL;
#else
#error "rcan: no known way to keep a netdev in its namespace"
#endif
}

/*
 * The CAN FD data phase: the bit rates "dbitrate" takes, the op that
 * hears of one, and the bit rate it starts with, wherever this kernel
 * keeps them.
 */
static inline void rcan_set_data_bitrates(struct can_priv *priv,
					  const u32 *rates, unsigned int n,
					  int (*set)(struct net_device *dev))
{
#if defined(RCAN_HAVE_CAN_PRIV_FD)
	priv->fd.data_bitrate_const = rates;
	priv->fd.data_bitrate_const_cnt = n;
	priv->fd.do_set_data_bittiming = set;
#elif defined(RCAN_HAVE_CAN_PRIV_DATA_BITTIMING)
	priv->data_bitrate_const = rates;
	priv->data_bitrate_const_cnt = n;
	priv->do_set_data_bittiming = set;
#else
#error "rcan: unknown place of the CAN FD data bit timing in can_priv"
#endif
}

/* The CAN FD data phase's bit timing, wherever this kernel keeps it. */
static inline const struct can_bittiming *
rcan_data_bittiming(const struct can_priv *priv)
{
#if defined(RCAN_HAVE_CAN_PRIV_FD)
	return &priv->fd.data_bittiming;
#else
	return &priv->data_bittiming;
#endif
}

static inline u32 *rcan_data_bitrate(struct can_priv *priv)
{
#if defined(RCAN_HAVE_CAN_PRIV_FD)
	return &priv->fd.data_bittiming.bitrate;
#else
	return &priv->data_bittiming.bitrate;
#endif
}

/*
 * Namespace teardown. The core's default device cleanup leaves a CAN netdev
 * in place (the CAN core's dellink does nothing, so that "ip link del" cannot
 * remove hardware), so rcan must queue the namespace's links for
 * unregistration before that cleanup runs, or they outlive their namespace.
 *
 * Kernels with an rtnl teardown phase (exit_rtnl per namespace, or the
 * older exit_batch_rtnl, gone since 6.16) run it before every .exit_batch,
 * under rtnl and with one unregister_netdevice_many() for all: the natural
 * place. Kernels without it run the core's cleanup as an .exit_batch, and
 * hooks run in reverse order of registration, so an .exit_batch of rcan's,
 * registered after the core's, runs before it.
 *
 * rcan_net_kill_links() (rcan_net.c) queues @net's links; rtnl is held.
 */
void rcan_net_kill_links(struct net *net, struct list_head *kill);

#if defined(RCAN_HAVE_PERNET_EXIT_RTNL)
static inline void __net_exit rcan_net_exit(struct net *net,
					    struct list_head *kill)
{
	rcan_net_kill_links(net, kill);
}

#define RCAN_PERNET_EXIT .exit_rtnl = rcan_net_exit
#elif defined(RCAN_HAVE_PERNET_EXIT_BATCH_RTNL)
static inline void __net_exit rcan_net_exit(struct list_head *net_list,
					    struct list_head *kill)
{
	struct net *net;

	list_for_each_entry(net, net_list, exit_list)
		rcan_net_kill_links(net, kill);
}

#define RCAN_PERNET_EXIT .exit_batch_rtnl = rcan_net_exit
#else
static inline void __net_exit rcan_net_exit(struct list_head *net_list)
{
	struct net *net;
	LIST_HEAD(kill);

	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list)
		rcan_net_kill_links(net, &kill);
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}

#define RCAN_PERNET_EXIT .exit_batch = rcan_net_exit
#endif

#endif /* RCAN_COMPAT_H */
