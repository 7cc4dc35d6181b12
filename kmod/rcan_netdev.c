// SPDX-License-Identifier: GPL-2.0
/*
 * The canX netdev: a CAN device built with the CAN device helpers, so that
 * "ip -details link show" reports its state, bit timing and counters, and
 * "ip link set canX type can bitrate N" works. The remote bus's bit rate
 * belongs to the remote: the netdev comes up with it unknown, and a bit
 * rate set here (one of a list) is only passed on to the helper as an
 * event.
 */
#include <linux/can/skb.h>
#include <linux/ethtool.h>
#include <linux/log2.h>
#include <linux/rtnetlink.h>

#include "rcan_priv.h"

/*
 * The bit rates "ip link set canX type can bitrate N [dbitrate M]" takes:
 * those of the usual CAN buses. The bit timing itself (clock, segments,
 * sample point) is the remote controller's and unknown here, so rcan
 * gives the CAN core a list of bit rates instead of a made-up clock and
 * timing limits, as slcan does, and starts with CAN_BITRATE_UNKNOWN.
 */
static const u32 rcan_bitrates[] = {
	5000,  10000,  20000,  33333,  47619,  50000,  62500,	83333,
	95238, 100000, 125000, 250000, 500000, 800000, 1000000,
};

static const u32 rcan_data_bitrates[] = {
	1000000, 2000000, 4000000, 5000000, 8000000, 10000000, 12000000,
};

/* Frames can go to the remote: owned, connected, not bus-off. */
bool rcan_tx_ready_locked(const struct rcan_link *link)
{
	lockdep_assert_held(&link->tx_lock);
	return !link->dead && link->owner_sk && link->connected &&
	       link->can.state != CAN_STATE_BUS_OFF;
}

/*
 * Carrier and queue follow the link's state. Losing the carrier fails the
 * frames in flight: their verdict can no longer come.
 */
void rcan_update_carrier_locked(struct rcan_link *link)
{
	struct net_device *dev = link->dev;

	lockdep_assert_held(&link->tx_lock);
	if (!rcan_tx_ready_locked(link)) {
		netif_stop_queue(dev);
		rcan_tx_fail_all_locked(link);
		netif_carrier_off(dev);
		return;
	}
	netif_carrier_on(dev);
	rcan_tx_maybe_wake_locked(link);
}

/*
 * Up and down through the CAN core, as a hardware driver goes:
 * open_candev() checks the bit rates (an unknown one is a bit rate, see
 * rcan_bitrates) and turns a carrier that is off on, which rcan takes
 * back when the link cannot send: the carrier follows the link's state,
 * and the CAN state is the one the helper reported. close_candev() stops
 * the CAN core's restart work and flushes the echo slots.
 */
static int rcan_open(struct net_device *dev)
{
	struct rcan_link *link = rcan_link(dev);
	u32 *dbitrate = rcan_data_bitrate(&link->can);
	bool unset = !*dbitrate;
	int err;

	/*
	 * An FD link with no data bit rate set is one whose rate is the
	 * remote's: open_candev() wants a rate, and CAN_BITRATE_UNKNOWN is
	 * one. It is that only here: the CAN core reports a data bit rate
	 * whenever it is not 0, and "dbitrate 4294967295" is no rate. rtnl
	 * is held, and can_changelink() (also under rtnl) cannot come
	 * between.
	 */
	ASSERT_RTNL();
	if (unset && (link->can.ctrlmode & CAN_CTRLMODE_FD))
		*dbitrate = CAN_BITRATE_UNKNOWN;
	err = open_candev(dev);
	if (unset)
		*dbitrate = 0;
	if (err)
		return err;
	spin_lock_bh(&link->tx_lock);
	if (rcan_tx_ready_locked(link)) {
		netif_start_queue(dev);
	} else {
		netif_stop_queue(dev);
		netif_carrier_off(dev);
	}
	spin_unlock_bh(&link->tx_lock);
	return 0;
}

static int rcan_stop(struct net_device *dev)
{
	struct rcan_link *link = rcan_link(dev);

	spin_lock_bh(&link->tx_lock);
	netif_stop_queue(dev);
	/*
	 * What is not confirmed by now never will be: failed and counted
	 * here (rcan_tx.c), the owner told, so close_candev() finds the echo
	 * slots empty.
	 */
	rcan_tx_fail_all_locked(link);
	spin_unlock_bh(&link->tx_lock);
	/* It may sleep (it waits for the restart work). */
	close_candev(dev);
	return 0;
}

static int rcan_init(struct net_device *dev)
{
	rcan_net_add(rcan_link(dev));
	return 0;
}

/* Called under rtnl by every way a link goes: LINK_DEL, owner gone with
 * RCAN_LINK_F_REMOVE_ON_DETACH, its namespace deleted, module unload.
 */
static void rcan_uninit(struct net_device *dev)
{
	struct rcan_link *link = rcan_link(dev);
	bool told;

	spin_lock_bh(&link->tx_lock);
	link->dead = true;
	/* A link whose LINK_NEW failed was never announced. */
	told = !link->creating;
	rcan_owner_clear_locked(link);
	rcan_update_carrier_locked(link);
	spin_unlock_bh(&link->tx_lock);

	rcan_tx_uninit(link);
	rcan_detach_forget(link);
	rcan_net_del(link);

	if (told && dev->reg_state != NETREG_UNINITIALIZED)
		rcan_notify_link(dev, RCAN_CMD_LINK_DEL);
}

static const struct net_device_ops rcan_netdev_ops = {
	.ndo_init = rcan_init,
	.ndo_uninit = rcan_uninit,
	.ndo_open = rcan_open,
	.ndo_stop = rcan_stop,
	.ndo_start_xmit = rcan_start_xmit,
	.ndo_change_mtu = rcan_change_mtu,
	RCAN_HWTSTAMP_NDO_OPS,
};

bool rcan_is_link(const struct net_device *dev)
{
	return dev->netdev_ops == &rcan_netdev_ops;
}

static void rcan_get_drvinfo(struct net_device *dev,
			     struct ethtool_drvinfo *info)
{
	/* No version: modinfo has it, and the core fills in the kernel's. */
	strscpy(info->driver, RCAN_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, "genetlink", sizeof(info->bus_info));
}

/*
 * "ethtool -C canX rx-usecs N rx-frames M": how long the helper may hold
 * received frames to deliver them together, as a NIC's interrupt
 * coalescing trades latency for CPU. rcan only keeps the values and tells
 * the helper, which does the batching; 0/0, the default, delivers at once.
 */
static int rcan_get_coalesce(struct net_device *dev,
			     struct ethtool_coalesce *ec,
			     struct kernel_ethtool_coalesce *kec,
			     struct netlink_ext_ack *extack)
{
	const struct rcan_link *link = netdev_priv(dev);

	ec->rx_coalesce_usecs = READ_ONCE(link->rx_usecs);
	ec->rx_max_coalesced_frames = READ_ONCE(link->rx_frames);
	return 0;
}

static int rcan_set_coalesce(struct net_device *dev,
			     struct ethtool_coalesce *ec,
			     struct kernel_ethtool_coalesce *kec,
			     struct netlink_ext_ack *extack)
{
	struct rcan_link *link = netdev_priv(dev);

	if (ec->rx_coalesce_usecs > RCAN_RX_USECS_MAX) {
		NL_SET_ERR_MSG(extack, "rx-usecs is at most 1000000 (1 s)");
		return -EINVAL;
	}
	if (ec->rx_max_coalesced_frames > RCAN_RX_FRAMES_MAX) {
		NL_SET_ERR_MSG(extack, "rx-frames is at most 8192");
		return -EINVAL;
	}
	WRITE_ONCE(link->rx_usecs, ec->rx_coalesce_usecs);
	WRITE_ONCE(link->rx_frames, ec->rx_max_coalesced_frames);
	rcan_notify_coalesce(dev);
	return 0;
}

/*
 * Hardware timestamps are the CAN core's (SIOCSHWTSTAMP accepts TX on, RX
 * all): a received frame carries the time the remote saw it, an echoed
 * one the time its confirmation arrived (rcan_tx.c).
 */
static const struct ethtool_ops rcan_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_RX_USECS |
				     ETHTOOL_COALESCE_RX_MAX_FRAMES,
	.get_drvinfo = rcan_get_drvinfo,
	.get_ts_info = can_ethtool_op_get_ts_info_hwts,
	.get_coalesce = rcan_get_coalesce,
	.set_coalesce = rcan_set_coalesce,
};

/*
 * "ip link set canX type can bitrate N [dbitrate M]": the bit rates belong
 * to the remote's bus; tell the helper (the CAN core calls these in turn,
 * so the second event carries both).
 */
static int rcan_set_bittiming(struct net_device *dev)
{
	rcan_notify_bittiming(dev);
	return 0;
}

/*
 * "ip link set canX type can restart" after bus-off. The controller that
 * went bus-off is the remote's, and socketcand has no command to restart
 * it: the remote recovers on its own (its restart-ms), and the helper then
 * reports error-active. So rcan refuses honestly. It must not leave the op
 * NULL: kernels before the 2025 can_changelink()/can_restart() checks call
 * it unconditionally, and a user namespace may own an rcan link. No probe
 * can see that fix (it is in a .c file), hence no NULL on any kernel.
 */
static int rcan_set_mode(struct net_device *dev, enum can_mode mode)
{
	struct rcan_link *link = rcan_link(dev);

	/*
	 * can_restart() turned the carrier on before it asked. Kernels from
	 * before late 2023 leave it on when this fails, and their next
	 * restart then hits BUG_ON(netif_carrier_ok()): the carrier goes back
	 * to what the link's state says (off: the remote is bus-off).
	 */
	spin_lock_bh(&link->tx_lock);
	rcan_update_carrier_locked(link);
	spin_unlock_bh(&link->tx_lock);
	return -EOPNOTSUPP;
}

static int rcan_set_data_bittiming(struct net_device *dev)
{
	rcan_notify_bittiming(dev);
	return 0;
}

static int rcan_get_berr_counter(const struct net_device *dev,
				 struct can_berr_counter *bec)
{
	const struct rcan_link *link = netdev_priv(dev);

	bec->txerr = READ_ONCE(link->txerr);
	bec->rxerr = READ_ONCE(link->rxerr);
	return 0;
}

static void rcan_destructor(struct net_device *dev)
{
	struct rcan_link *link = rcan_link(dev);

	mutex_destroy(&link->rx_mutex);
	rcan_tx_free(link);
}

struct net_device *rcan_link_create(struct net *net, const char *name,
				    u32 flags, u32 window, u32 first_seq,
				    struct netlink_ext_ack *extack)
{
	unsigned int slots = roundup_pow_of_two(window);
	struct net_device *dev;
	struct rcan_link *link;
	int err;

	err = rcan_net_reserve(net, window, extack);
	if (err)
		return ERR_PTR(err);
	/* Echo slots: a power of two, see rcan_tx.c. */
	dev = alloc_candev(sizeof(*link), slots);
	if (!dev) {
		rcan_net_unreserve(net, window);
		return ERR_PTR(-ENOMEM);
	}
	dev_net_set(dev, net);
	link = netdev_priv(dev);
	link->dev = dev;
	link->flags = flags;
	link->window = window;
	link->slot_mask = slots - 1;
	rcan_tx_init(link, first_seq);
	INIT_LIST_HEAD(&link->node);
	INIT_LIST_HEAD(&link->detach_node);
	mutex_init(&link->rx_mutex);
	spin_lock_init(&link->tx_lock);

	dev->netdev_ops = &rcan_netdev_ops;
	dev->ethtool_ops = &rcan_ethtool_ops;
	dev->flags |= IFF_ECHO; /* local echo on the helper's confirmation */
	/* The owner is found in the link's namespace: the link stays there. */
	rcan_set_netns_local(dev);
	dev->needs_free_netdev = true;
	dev->priv_destructor = rcan_destructor;

	link->can.bitrate_const = rcan_bitrates;
	link->can.bitrate_const_cnt = ARRAY_SIZE(rcan_bitrates);
	link->can.bittiming.bitrate = CAN_BITRATE_UNKNOWN;
	link->can.do_set_bittiming = rcan_set_bittiming;
	link->can.do_get_berr_counter = rcan_get_berr_counter;
	link->can.do_set_mode = rcan_set_mode;
	link->can.state = CAN_STATE_ERROR_ACTIVE;
	if (flags & RCAN_LINK_F_FD) {
		rcan_set_data_bitrates(&link->can, rcan_data_bitrates,
				       ARRAY_SIZE(rcan_data_bitrates),
				       rcan_set_data_bittiming);
		err = can_set_static_ctrlmode(dev, CAN_CTRLMODE_FD);
		if (err)
			goto free;
	}

	strscpy(dev->name, name ? name : "can%d", IFNAMSIZ);
	/*
	 * Once registered, the link is public, and another command could
	 * delete and free it before the caller holds a reference. Until the
	 * caller says rcan_link_created(), nothing may: LINK_DEL and
	 * LINK_ATTACH refuse it, and the detach work does not remove it.
	 * (A reference taken before registering would deadlock: when a
	 * NETDEV_REGISTER notifier fails, registration waits for every one.)
	 */
	link->creating = true;
	err = register_candev(dev);
	if (err) {
		if (err == -EEXIST)
			NL_SET_ERR_MSG(extack, "interface name already in use");
		else if (err == -EINVAL)
			NL_SET_ERR_MSG(extack, "invalid interface name");
		else if (err == -ENFILE)
			NL_SET_ERR_MSG(extack, "no free name for the template");
		goto free;
	}
	return dev;

free:
	/* Failing after ndo_init, registration ran ndo_uninit: given back. */
	if (!link->listed)
		rcan_net_unreserve(net, window);
	free_candev(dev);
	return ERR_PTR(err);
}

/* The creator is done with a new link: it may be deleted from now on. */
void rcan_link_created(struct rcan_link *link)
{
	spin_lock_bh(&link->tx_lock);
	link->creating = false;
	spin_unlock_bh(&link->tx_lock);
}

/*
 * The helper's report of the remote controller's state. A change becomes
 * an error frame with the counters, as a hardware driver sends one from
 * its error interrupt; bus-off takes the carrier away until the remote
 * recovers, and only that recovery is a restart. can_change_state() counts
 * the warning, passive and bus-off transitions itself. Called under rtnl,
 * which also serialises open and stop.
 */
int rcan_set_can_state(struct rcan_link *link, const struct sock *sk, u32 state,
		       u16 txerr, u16 rxerr)
{
	struct net_device *dev = link->dev;
	enum can_state tx_state, rx_state;
	struct can_frame *cf = NULL;
	struct sk_buff *skb = NULL;
	bool deliver;

	ASSERT_RTNL();
	if (state != link->can.state)
		skb = alloc_can_err_skb(dev, &cf);
	spin_lock_bh(&link->tx_lock);
	/* Only the owner reports; it may have changed since the command began. */
	if (!rcan_is_owner_locked(link, sk)) {
		spin_unlock_bh(&link->tx_lock);
		kfree_skb(skb);
		return -EPERM;
	}
	WRITE_ONCE(link->txerr, txerr);
	WRITE_ONCE(link->rxerr, rxerr);
	if (state == link->can.state) {
		spin_unlock_bh(&link->tx_lock);
		kfree_skb(skb);
		return 0;
	}
	tx_state = txerr >= rxerr ? state : CAN_STATE_ERROR_ACTIVE;
	rx_state = txerr <= rxerr ? state : CAN_STATE_ERROR_ACTIVE;
	if (link->can.state == CAN_STATE_BUS_OFF && state < CAN_STATE_BUS_OFF) {
		link->can.can_stats.restarts++;
		if (cf)
			cf->can_id |= CAN_ERR_RESTARTED;
	}
	can_change_state(dev, cf, tx_state, rx_state);
	rcan_update_carrier_locked(link);
	/* As FRAMES_RX: a controller that is down hears nothing. */
	deliver = !link->dead && netif_running(dev);
	if (skb && !deliver)
		DEV_STATS_INC(dev, rx_dropped);
	spin_unlock_bh(&link->tx_lock);
	if (!skb)
		return 0;
	if (!deliver) {
		kfree_skb(skb);
		return 0;
	}
	cf->can_id |= CAN_ERR_CNT;
	cf->data[6] = txerr > 255 ? 255 : txerr;
	cf->data[7] = rxerr > 255 ? 255 : rxerr;
	rcan_rx_deliver(skb);
	return 0;
}
