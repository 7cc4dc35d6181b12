// SPDX-License-Identifier: GPL-2.0
/*
 * The CAN network device: creation, open/stop, carrier, CAN state, bit
 * timing and ethtool. Like vcan it has no hardware; unlike vcan it has a
 * far side (the helper) that decides when a frame has really been sent.
 */
#include <linux/can/skb.h>
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "rcan_priv.h"

DEFINE_SPINLOCK(rcan_links_lock);
LIST_HEAD(rcan_links);

/*
 * The remote controller's timing is the remote's business. These
 * constants only let "ip link set canX type can bitrate N" compute a
 * plausible timing to announce to the helper (an SJA1000-like core on an
 * 80 MHz clock covers every common bitrate).
 */
static const struct can_bittiming_const rcan_bittiming_const = {
	.name = RCAN_DRV_NAME,
	.tseg1_min = 1,
	.tseg1_max = 256,
	.tseg2_min = 1,
	.tseg2_max = 128,
	.sjw_max = 128,
	.brp_min = 1,
	.brp_max = 512,
	.brp_inc = 1,
};

static const struct can_bittiming_const rcan_data_bittiming_const = {
	.name = RCAN_DRV_NAME,
	.tseg1_min = 1,
	.tseg1_max = 32,
	.tseg2_min = 1,
	.tseg2_max = 16,
	.sjw_max = 16,
	.brp_min = 1,
	.brp_max = 32,
	.brp_inc = 1,
};

#define RCAN_CLOCK_HZ 80000000

static const struct net_device_ops rcan_netdev_ops;

bool rcan_is_link(const struct net_device *dev)
{
	return dev->netdev_ops == &rcan_netdev_ops;
}

/* Carrier: a helper is attached, its session is up, and not bus-off. */
void rcan_update_carrier(struct rcan_link *link)
{
	struct net_device *dev = link->dev;
	bool on;

	spin_lock_bh(&link->tx_lock);
	on = link->owner_portid && link->connected &&
	     link->can.state != CAN_STATE_BUS_OFF;
	if (!on)
		rcan_tx_fail_all_locked(link, -ENOTCONN);
	spin_unlock_bh(&link->tx_lock);

	if (on && !netif_carrier_ok(dev)) {
		netif_carrier_on(dev);
		netif_wake_queue(dev);
	} else if (!on && netif_carrier_ok(dev)) {
		netif_stop_queue(dev);
		netif_carrier_off(dev);
	}
}

static int rcan_open(struct net_device *dev)
{
	struct rcan_link *link = rcan_link(dev);
	int err;

	/* No bitrate configured is fine: the remote bus has its own. */
	if (link->can.bittiming.bitrate == CAN_BITRATE_UNSET)
		link->can.bittiming.bitrate = CAN_BITRATE_UNKNOWN;
	if ((link->can.ctrlmode & CAN_CTRLMODE_FD) &&
	    link->can.data_bittiming.bitrate == CAN_BITRATE_UNSET)
		link->can.data_bittiming.bitrate = CAN_BITRATE_UNKNOWN;
	err = open_candev(dev);
	if (err)
		return err;
	link->can.state = CAN_STATE_ERROR_ACTIVE;
	/* open_candev() switched the carrier on; it follows the helper. */
	netif_carrier_off(dev);
	rcan_update_carrier(link);
	netif_start_queue(dev);
	if (!netif_carrier_ok(dev))
		netif_stop_queue(dev);
	return 0;
}

static int rcan_stop(struct net_device *dev)
{
	struct rcan_link *link = rcan_link(dev);

	netif_stop_queue(dev);
	spin_lock_bh(&link->tx_lock);
	rcan_tx_fail_all_locked(link, -ENETDOWN);
	spin_unlock_bh(&link->tx_lock);
	close_candev(dev);
	link->can.state = CAN_STATE_STOPPED;
	if (link->can.bittiming.bitrate == CAN_BITRATE_UNKNOWN)
		link->can.bittiming.bitrate = CAN_BITRATE_UNSET;
	if (link->can.data_bittiming.bitrate == CAN_BITRATE_UNKNOWN)
		link->can.data_bittiming.bitrate = CAN_BITRATE_UNSET;
	return 0;
}

static int rcan_init(struct net_device *dev)
{
	struct rcan_link *link = rcan_link(dev);

	spin_lock_bh(&rcan_links_lock);
	list_add_tail(&link->node, &rcan_links);
	spin_unlock_bh(&rcan_links_lock);
	return 0;
}

static void rcan_uninit(struct net_device *dev)
{
	struct rcan_link *link = rcan_link(dev);

	spin_lock_bh(&rcan_links_lock);
	list_del_init(&link->node);
	spin_unlock_bh(&rcan_links_lock);
	spin_lock_bh(&link->tx_lock);
	link->owner_portid = 0;
	rcan_tx_fail_all_locked(link, -ENODEV);
	spin_unlock_bh(&link->tx_lock);
	rcan_notify_link(dev, RCAN_CMD_LINK_DEL);
}

static const struct net_device_ops rcan_netdev_ops = {
	.ndo_init = rcan_init,
	.ndo_open = rcan_open,
	.ndo_stop = rcan_stop,
	.ndo_uninit = rcan_uninit,
	.ndo_start_xmit = rcan_start_xmit,
	.ndo_change_mtu = can_change_mtu,
};

static void rcan_get_drvinfo(struct net_device *dev,
			     struct ethtool_drvinfo *info)
{
	strscpy(info->driver, RCAN_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, RCAN_VERSION, sizeof(info->version));
	strscpy(info->bus_info, "socketcand", sizeof(info->bus_info));
}

static const struct ethtool_ops rcan_ethtool_ops = {
	.get_drvinfo = rcan_get_drvinfo,
	.get_ts_info = can_ethtool_op_get_ts_info_hwts,
};

static int rcan_set_bittiming(struct net_device *dev)
{
	/* Only announced: the helper may pass it on to the server. */
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

/* The helper reports the remote controller's state: tell local sockets. */
int rcan_set_can_state(struct rcan_link *link, u32 state, u16 txerr,
		       u16 rxerr)
{
	struct net_device *dev = link->dev;
	enum can_state new = state;
	struct can_frame *cf;
	struct sk_buff *skb;

	WRITE_ONCE(link->txerr, txerr);
	WRITE_ONCE(link->rxerr, rxerr);
	if (new == link->can.state)
		return 0;
	if (new == CAN_STATE_BUS_OFF) {
		link->can.state = CAN_STATE_BUS_OFF;
		link->can.can_stats.bus_off++;
		skb = alloc_can_err_skb(dev, &cf);
		if (skb) {
			cf->can_id |= CAN_ERR_BUSOFF;
			rcan_netif_rx(skb);
		}
		rcan_update_carrier(link);
		return 0;
	}
	skb = alloc_can_err_skb(dev, &cf);
	can_change_state(dev, skb ? cf : NULL, new, new);
	if (skb) {
		cf->can_id |= CAN_ERR_CNT;
		cf->data[6] = min_t(u16, txerr, 255);
		cf->data[7] = min_t(u16, rxerr, 255);
		rcan_netif_rx(skb);
	}
	rcan_update_carrier(link);
	return 0;
}

static void rcan_detach_work(struct work_struct *work)
{
	struct rcan_link *link = container_of(work, struct rcan_link,
					      detach_work);
	struct net_device *dev = link->dev;

	rtnl_lock();
	if (dev->reg_state == NETREG_REGISTERED) {
		rcan_update_carrier(link);
		rcan_notify_link(dev, RCAN_CMD_LINK_DETACH);
		if ((link->flags & RCAN_LINK_F_REMOVE_ON_DETACH) &&
		    !READ_ONCE(link->owner_portid))
			unregister_netdevice(dev);
	}
	rtnl_unlock();
	dev_put(dev);
}

/* Freed with the netdev (needs_free_netdev), after the last reference. */
static void rcan_priv_destructor(struct net_device *dev)
{
	struct rcan_link *link = netdev_priv(dev);

	kfree(link->slots);
	link->slots = NULL;
}

/*
 * Links are created with the CAN device helpers, so they carry the "can"
 * rtnl_link_ops: "ip link set canX type can bitrate N" and "ip -details
 * link show" work as on hardware. They are deleted through rcan's own
 * netlink family; "ip link del" is refused by the CAN core, as for any
 * CAN controller.
 */
struct net_device *rcan_link_create(struct net *net, const char *name,
				    u32 flags, u32 window,
				    struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	struct rcan_link *link;
	int err;

	dev = alloc_candev(sizeof(*link), window);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	link = netdev_priv(dev);
	link->slots = kcalloc(window, sizeof(*link->slots), GFP_KERNEL);
	if (!link->slots) {
		free_candev(dev);
		return ERR_PTR(-ENOMEM);
	}
	dev->netdev_ops = &rcan_netdev_ops;
	dev->ethtool_ops = &rcan_ethtool_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = rcan_priv_destructor;
	dev_net_set(dev, net);
	strscpy(dev->name, name && *name ? name : "can%d", IFNAMSIZ);
	link->dev = dev;
	link->flags = flags;
	link->window = window;
	spin_lock_init(&link->tx_lock);
	INIT_LIST_HEAD(&link->node);
	INIT_WORK(&link->detach_work, rcan_detach_work);

	link->can.clock.freq = RCAN_CLOCK_HZ;
	link->can.bittiming_const = &rcan_bittiming_const;
	link->can.do_set_bittiming = rcan_set_bittiming;
	link->can.do_get_berr_counter = rcan_get_berr_counter;
	link->can.state = CAN_STATE_STOPPED;
	if (flags & RCAN_LINK_F_FD) {
		/* FD is fixed: CAN_CTRLMODE_FD is not in ctrlmode_supported. */
		link->can.ctrlmode = CAN_CTRLMODE_FD;
		link->can.data_bittiming_const = &rcan_data_bittiming_const;
		link->can.do_set_data_bittiming = rcan_set_bittiming;
		dev->mtu = CANFD_MTU;
	}

	err = register_candev(dev);
	if (err) {
		if (err == -EEXIST)
			NL_SET_ERR_MSG(extack, "an interface with this name exists");
		else
			NL_SET_ERR_MSG(extack, "cannot register the interface");
		/* Never registered: free by hand, the destructor will not run. */
		kfree(link->slots);
		free_candev(dev);
		return ERR_PTR(err);
	}
	return dev;
}
