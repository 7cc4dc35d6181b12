// SPDX-License-Identifier: GPL-2.0
/*
 * The served interfaces over rtnetlink, with libnl's route API as `ip`
 * would: the bit rate (to size receive buffers and pace retries), the
 * MTU (CAN FD or not), and the NO_BUS commands that set bit timing
 * (`< BUS B ... >`) and control modes (`< BUS C ... >`) as a
 * libsocketcan build of the daemon does.
 */
#include <linux/can/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/can.h>
#include <string.h>

#include "log.h"
#include "serve.h"

/* Run fn on the link named ifname; its result, or -1. */
static int with_link(const char *ifname,
		     int (*fn)(struct nl_sock *sk, struct rtnl_link *l,
			       const void *arg),
		     const void *arg)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_link *l = NULL;
	int r = -1;

	if (!sk)
		return -1;
	if (nl_connect(sk, NETLINK_ROUTE) == 0 &&
	    rtnl_link_get_kernel(sk, 0, ifname, &l) == 0) {
		r = fn(sk, l, arg);
		rtnl_link_put(l);
	}
	nl_socket_free(sk);
	return r;
}

static int read_link(struct nl_sock *sk, struct rtnl_link *l, const void *arg)
{
	struct serve_link *out = (struct serve_link *)(uintptr_t)arg;

	(void)sk;
	out->mtu = (int)rtnl_link_get_mtu(l);
	out->up = !!(rtnl_link_get_flags(l) & IFF_UP);
	out->bitrate = 0;
	if (rtnl_link_is_can(l) &&
	    rtnl_link_can_get_bitrate(l, &out->bitrate) < 0)
		out->bitrate = 0;
	return 0;
}

int serve_rtnl_link(const char *ifname, struct serve_link *l)
{
	return with_link(ifname, read_link, l);
}

/* The change goes to a new link object, as `ip link set` sends it. */
static int change(struct nl_sock *sk, struct rtnl_link *l, struct rtnl_link *ch)
{
	int r = rtnl_link_change(sk, l, ch, 0);

	if (r < 0)
		log_warn("serve: configuring %s: %s", rtnl_link_get_name(l),
			 nl_geterror(r));
	return r < 0 ? -1 : 0;
}

static int set_bt(struct nl_sock *sk, struct rtnl_link *l, const void *arg)
{
	const struct proto_bittiming *b = arg;
	struct can_bittiming bt = {
		.bitrate = b->bitrate,
		.sample_point = b->sample_point,
		.tq = b->tq,
		.prop_seg = b->prop_seg,
		.phase_seg1 = b->phase_seg1,
		.phase_seg2 = b->phase_seg2,
		.sjw = b->sjw,
		.brp = b->brp,
	};
	struct rtnl_link *ch;
	int r = -1;

	if (!rtnl_link_is_can(l))
		return -1;
	ch = rtnl_link_alloc();
	if (!ch)
		return -1;
	if (rtnl_link_set_type(ch, "can") == 0 &&
	    rtnl_link_can_set_bittiming(ch, &bt) == 0)
		r = change(sk, l, ch);
	rtnl_link_put(ch);
	return r;
}

int serve_rtnl_bittiming(const char *ifname, const struct proto_bittiming *bt)
{
	return with_link(ifname, set_bt, bt);
}

static int set_ctrl(struct nl_sock *sk, struct rtnl_link *l, const void *arg)
{
	const uint8_t *v = arg;
	static const uint32_t bit[3] = { CAN_CTRLMODE_LISTENONLY,
					 CAN_CTRLMODE_LOOPBACK,
					 CAN_CTRLMODE_3_SAMPLES };
	struct rtnl_link *ch;
	int r = 0, i;

	if (!rtnl_link_is_can(l))
		return -1;
	ch = rtnl_link_alloc();
	if (!ch)
		return -1;
	if (rtnl_link_set_type(ch, "can") < 0)
		r = -1;
	for (i = 0; i < 3 && !r; i++)
		r = v[i] ? rtnl_link_can_set_ctrlmode(ch, bit[i]) :
			   rtnl_link_can_unset_ctrlmode(ch, bit[i]);
	if (!r)
		r = change(sk, l, ch);
	rtnl_link_put(ch);
	return r < 0 ? -1 : 0;
}

int serve_rtnl_ctrlmode(const char *ifname, const uint8_t ctrl[3])
{
	return with_link(ifname, set_ctrl, ctrl);
}
