// SPDX-License-Identifier: GPL-2.0
/*
 * The "rcan" generic netlink family: the helper's only way in. Each
 * command has a policy of its own that names the attributes it takes;
 * genetlink validates strictly, so any other attribute is refused, and
 * every refusal says why in an extack message. Changing commands need
 * CAP_NET_ADMIN in the initial user namespace, or with the module
 * parameter userns_links in the socket's network namespace (rcan_net.c
 * says why); the data path additionally needs to be the link's owner,
 * the very socket that attached it.
 *
 * Commands run in parallel (no genl_mutex): pre_doit finds the link and
 * checks its owner once for every command that names a link, and holds a
 * device reference until post_doit; ownership is checked again under
 * tx_lock wherever acting on a stale answer would matter.
 */
#include <linux/can/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/stringify.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "rcan_priv.h"

static const struct nla_policy rcan_link_new_policy[RCAN_ATTR_MAX + 1] = {
	[RCAN_ATTR_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[RCAN_ATTR_LINK_FLAGS] = NLA_POLICY_MASK(NLA_U32, RCAN_LINK_F_ALL),
	[RCAN_ATTR_ATTACH] = { .type = NLA_FLAG },
	[RCAN_ATTR_REMOTE] = { .type = NLA_NUL_STRING,
			       .len = RCAN_REMOTE_MAX - 1 },
	[RCAN_ATTR_TX_WINDOW] =
		NLA_POLICY_RANGE(NLA_U32, 1, RCAN_TX_WINDOW_MAX),
	[RCAN_ATTR_SEQ] = { .type = NLA_U32 },
};

/* LINK_DEL, LINK_GET, LINK_ATTACH, LINK_DETACH */
static const struct nla_policy rcan_ifindex_policy[RCAN_ATTR_MAX + 1] = {
	[RCAN_ATTR_IFINDEX] = { .type = NLA_U32 },
};

static const struct nla_policy rcan_link_set_policy[RCAN_ATTR_MAX + 1] = {
	[RCAN_ATTR_IFINDEX] = { .type = NLA_U32 },
	[RCAN_ATTR_REMOTE] = { .type = NLA_NUL_STRING,
			       .len = RCAN_REMOTE_MAX - 1 },
	[RCAN_ATTR_CONNECTED] = NLA_POLICY_MAX(NLA_U8, 1),
	[RCAN_ATTR_CAN_STATE] = NLA_POLICY_MAX(NLA_U32, CAN_STATE_BUS_OFF),
	[RCAN_ATTR_TXERR] = { .type = NLA_U16 },
	[RCAN_ATTR_RXERR] = { .type = NLA_U16 },
	[RCAN_ATTR_TX_WINDOW] =
		NLA_POLICY_RANGE(NLA_U32, 1, RCAN_TX_WINDOW_MAX),
};

static const struct nla_policy rcan_frames_rx_policy[RCAN_ATTR_MAX + 1] = {
	[RCAN_ATTR_IFINDEX] = { .type = NLA_U32 },
	/* Each entry is parsed (once) against rcan_frame_policy in rcan_rx.c. */
	[RCAN_ATTR_FRAMES] = { .type = NLA_NESTED },
};

/* TX_DONE: TSTAMP is the remote's time of the frames it confirms. */
static const struct nla_policy rcan_tx_done_policy[RCAN_ATTR_MAX + 1] = {
	[RCAN_ATTR_IFINDEX] = { .type = NLA_U32 },
	[RCAN_ATTR_SEQ] = { .type = NLA_U32 },
	[RCAN_ATTR_ERRNO] = NLA_POLICY_MAX(NLA_U32, MAX_ERRNO),
	[RCAN_ATTR_TSTAMP] = { .type = NLA_U64 },
};

/* TX_FAIL: failed frames are never echoed, so no time. */
static const struct nla_policy rcan_tx_fail_policy[RCAN_ATTR_MAX + 1] = {
	[RCAN_ATTR_IFINDEX] = { .type = NLA_U32 },
	[RCAN_ATTR_SEQ] = { .type = NLA_U32 },
	[RCAN_ATTR_ERRNO] = NLA_POLICY_MAX(NLA_U32, MAX_ERRNO),
};

static const struct genl_multicast_group rcan_mcgrps[] = {
	/* Open to all, like LINK_GET: events say nothing GET does not. */
	[RCAN_MCGRP_EVENTS_ID] = { .name = RCAN_GENL_MCGRP_EVENTS },
};

/* What pre_doit does for a command (genl_ops.internal_flags). */
#define RCAN_NEEDS_LINK BIT(0) /* RCAN_ATTR_IFINDEX names an rcan link */
#define RCAN_NEEDS_OWNER BIT(1) /* ... and the caller owns it */

#define RCAN_ABI __stringify(RCAN_GENL_VERSION)
#define RCAN_VERSION_MSG "this rcan.ko speaks ABI version " RCAN_ABI " only"

/* A helper built for another version of the ABI gets nothing done. */
static bool rcan_version_ok(const struct genlmsghdr *hdr,
			    struct netlink_ext_ack *extack)
{
	if (hdr->version == RCAN_GENL_VERSION)
		return true;
	NL_SET_ERR_MSG(extack, RCAN_VERSION_MSG);
	return false;
}

/*
 * Check the caller's capability where the command needs one; find the
 * link by RCAN_ATTR_IFINDEX in the caller's namespace, hold it in
 * info->user_ptr[0] until post_doit, and check its owner if asked.
 */
static int rcan_pre_doit(const struct rcan_doit_ops *ops, struct sk_buff *skb,
			 struct genl_info *info)
{
	struct nlattr *attr = info->attrs[RCAN_ATTR_IFINDEX];
	struct net_device *dev;

	info->user_ptr[0] = NULL;
	if (!rcan_version_ok(info->genlhdr, info->extack))
		return -EPROTO;
	if ((ops->flags & GENL_UNS_ADMIN_PERM) &&
	    !rcan_net_admin_ok(skb, info->extack))
		return -EPERM;
	if (!(ops->internal_flags & RCAN_NEEDS_LINK))
		return 0;
	if (!attr) {
		NL_SET_ERR_MSG(info->extack, "RCAN_ATTR_IFINDEX is missing");
		return -EINVAL;
	}
	dev = dev_get_by_index(genl_info_net(info), nla_get_u32(attr));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no such interface");
		return -ENODEV;
	}
	if (!rcan_is_link(dev)) {
		dev_put(dev);
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "interface is not an rcan link");
		return -ENODEV;
	}
	if ((ops->internal_flags & RCAN_NEEDS_OWNER) &&
	    !rcan_is_owner(rcan_link(dev), NETLINK_CB(skb).sk)) {
		dev_put(dev);
		NL_SET_ERR_MSG(info->extack, RCAN_NOT_OWNER_MSG);
		return -EPERM;
	}
	info->user_ptr[0] = dev;
	return 0;
}

static void rcan_post_doit(const struct rcan_doit_ops *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	struct net_device *dev = info->user_ptr[0];

	if (dev)
		dev_put(dev);
}

static int rcan_reply_link(struct genl_info *info, struct net_device *dev,
			   u8 cmd)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!msg)
		return -ENOMEM;
	if (rcan_fill_link(msg, dev, info->snd_portid, info->snd_seq, 0, cmd)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return genlmsg_reply(msg, info);
}

/* The remote's URL becomes the ifalias: "ip link" shows where it leads. */
static int rcan_set_remote(struct net_device *dev, const struct nlattr *attr,
			   struct netlink_ext_ack *extack)
{
	const char *remote = nla_data(attr);
	int err = dev_set_alias(dev, remote, strlen(remote));

	if (err < 0) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "cannot set the ifalias");
		return err;
	}
	return 0;
}

/* LINK_NEW failed after registering: the link goes again. */
static void rcan_link_new_undo(struct net_device *dev)
{
	rtnl_lock();
	if (dev->reg_state == NETREG_REGISTERED)
		unregister_netdevice(dev);
	dev_put(dev);
	rtnl_unlock();
}

static int rcan_cmd_link_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	const char *name = a[RCAN_ATTR_IFNAME] ? nla_data(a[RCAN_ATTR_IFNAME]) :
						 NULL;
	u32 flags = a[RCAN_ATTR_LINK_FLAGS] ?
			    nla_get_u32(a[RCAN_ATTR_LINK_FLAGS]) :
			    0;
	u32 window = a[RCAN_ATTR_TX_WINDOW] ?
			     nla_get_u32(a[RCAN_ATTR_TX_WINDOW]) :
			     RCAN_TX_WINDOW_DEFAULT;
	u32 first_seq = a[RCAN_ATTR_SEQ] ? nla_get_u32(a[RCAN_ATTR_SEQ]) : 0;
	struct net_device *dev;
	int err;

	if (name && !dev_valid_name(name) && !strchr(name, '%')) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[RCAN_ATTR_IFNAME],
				    "invalid interface name");
		return -EINVAL;
	}
	dev = rcan_link_create(genl_info_net(info), name, flags, window,
			       first_seq, info->extack);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	/*
	 * Until rcan_link_created() nobody else may delete or attach it, so
	 * a reference taken now keeps it, the creator attaches it first, and
	 * its LINK_NEW event goes out before anything another socket does
	 * with it can be told.
	 */
	dev_hold(dev);
	if (a[RCAN_ATTR_REMOTE]) {
		err = rcan_set_remote(dev, a[RCAN_ATTR_REMOTE], info->extack);
		if (err)
			goto undo;
	}
	if (nla_get_flag(a[RCAN_ATTR_ATTACH])) {
		err = rcan_attach(rcan_link(dev), NETLINK_CB(skb).sk,
				  info->snd_portid, info->extack);
		if (err)
			goto undo;
	}
	rcan_notify_link(dev, RCAN_CMD_LINK_NEW);
	if (nla_get_flag(a[RCAN_ATTR_ATTACH]))
		rcan_notify_link(dev, RCAN_CMD_LINK_ATTACH);
	rcan_link_created(rcan_link(dev));
	err = rcan_reply_link(info, dev, RCAN_CMD_LINK_NEW);
	dev_put(dev);
	return err;

undo:
	rcan_link_new_undo(dev);
	return err;
}

static bool rcan_creating(struct rcan_link *link,
			  struct netlink_ext_ack *extack)
{
	bool creating;

	spin_lock_bh(&link->tx_lock);
	creating = link->creating;
	spin_unlock_bh(&link->tx_lock);
	if (creating)
		NL_SET_ERR_MSG(extack, "link is still being created");
	return creating;
}

static int rcan_cmd_link_del(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev = info->user_ptr[0];

	if (rcan_creating(rcan_link(dev), info->extack))
		return -EBUSY;
	rtnl_lock();
	if (dev->reg_state == NETREG_REGISTERED)
		unregister_netdevice(dev);
	/* Before rtnl_unlock(): it waits for the last reference to go. */
	dev_put(dev);
	info->user_ptr[0] = NULL;
	rtnl_unlock();
	return 0;
}

static int rcan_cmd_link_get(struct sk_buff *skb, struct genl_info *info)
{
	return rcan_reply_link(info, info->user_ptr[0], RCAN_CMD_LINK_GET);
}

struct rcan_dump {
	struct sk_buff *skb; /* the part of the dump being filled */
	struct netlink_callback *cb;
};

static int rcan_dump_one(struct rcan_link *link, void *arg)
{
	struct rcan_dump *d = arg;

	return rcan_fill_link(d->skb, link->dev, NETLINK_CB(d->cb->skb).portid,
			      d->cb->nlh->nlmsg_seq, NLM_F_MULTI,
			      RCAN_CMD_LINK_GET);
}

static int rcan_dump_links(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rcan_dump d = { .skb = skb, .cb = cb };
	unsigned long next = cb->args[0];
	int err;

	if (!rcan_version_ok(nlmsg_data(cb->nlh), cb->extack))
		return -EPROTO;
	/* A full skb ends this part of the dump; the next one resumes. */
	err = rcan_net_dump(sock_net(skb->sk), &next, rcan_dump_one, &d);
	cb->args[0] = next;
	/*
	 * A link that does not fit even in an empty part never will: the
	 * dump ends with the error, rather than with that link left out
	 * (returning 0 would end it as complete) or asked for again.
	 */
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int rcan_cmd_link_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct net_device *dev = info->user_ptr[0];
	struct rcan_link *link = rcan_link(dev);
	int err;

	if ((a[RCAN_ATTR_TXERR] || a[RCAN_ATTR_RXERR]) &&
	    !a[RCAN_ATTR_CAN_STATE]) {
		NL_SET_ERR_MSG(info->extack,
			       "error counters go with RCAN_ATTR_CAN_STATE");
		return -EINVAL;
	}
	if (a[RCAN_ATTR_REMOTE]) {
		err = rcan_set_remote(dev, a[RCAN_ATTR_REMOTE], info->extack);
		if (err)
			return err;
	}
	if (a[RCAN_ATTR_TX_WINDOW]) {
		/* rtnl: the CAN core reads the echo slots under it. */
		rtnl_lock();
		err = rcan_tx_set_window(link, NETLINK_CB(skb).sk,
					 nla_get_u32(a[RCAN_ATTR_TX_WINDOW]),
					 info->extack);
		rtnl_unlock();
		if (err)
			return err;
	}
	if (a[RCAN_ATTR_CONNECTED])
		rcan_set_connected(link, NETLINK_CB(skb).sk,
				   nla_get_u8(a[RCAN_ATTR_CONNECTED]));
	if (a[RCAN_ATTR_CAN_STATE]) {
		u16 txerr = a[RCAN_ATTR_TXERR] ?
				    nla_get_u16(a[RCAN_ATTR_TXERR]) :
				    0;
		u16 rxerr = a[RCAN_ATTR_RXERR] ?
				    nla_get_u16(a[RCAN_ATTR_RXERR]) :
				    0;

		/* rtnl: serialised with open and stop. */
		rtnl_lock();
		err = rcan_set_can_state(link, NETLINK_CB(skb).sk,
					 nla_get_u32(a[RCAN_ATTR_CAN_STATE]),
					 txerr, rxerr);
		rtnl_unlock();
		if (err)
			NL_SET_ERR_MSG(info->extack, RCAN_NOT_OWNER_MSG);
		return err;
	}
	return 0;
}

static int rcan_cmd_link_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev = info->user_ptr[0];
	int err;

	if (rcan_creating(rcan_link(dev), info->extack))
		return -EBUSY;
	err = rcan_attach(rcan_link(dev), NETLINK_CB(skb).sk, info->snd_portid,
			  info->extack);
	if (err)
		return err;
	rcan_notify_link(dev, RCAN_CMD_LINK_ATTACH);
	return rcan_reply_link(info, dev, RCAN_CMD_LINK_ATTACH);
}

/* Any admin may detach a link (rcand detach), not only its owner. */
static int rcan_cmd_link_detach(struct sk_buff *skb, struct genl_info *info)
{
	if (rcan_creating(rcan_link(info->user_ptr[0]), info->extack))
		return -EBUSY;
	return rcan_detach(rcan_link(info->user_ptr[0]), info->extack);
}

static int rcan_cmd_frames_rx(struct sk_buff *skb, struct genl_info *info)
{
	if (!info->attrs[RCAN_ATTR_FRAMES]) {
		NL_SET_ERR_MSG(info->extack, "RCAN_ATTR_FRAMES is missing");
		return -EINVAL;
	}
	return rcan_rx_frames(rcan_link(info->user_ptr[0]), NETLINK_CB(skb).sk,
			      info->attrs[RCAN_ATTR_FRAMES], info->extack);
}

static int rcan_tx_verdict(struct sk_buff *skb, struct genl_info *info, bool ok)
{
	struct nlattr **a = info->attrs;
	struct rcan_tx_verdict v;
	int ret;

	if (!a[RCAN_ATTR_SEQ]) {
		NL_SET_ERR_MSG(info->extack, "RCAN_ATTR_SEQ is missing");
		return -EINVAL;
	}
	v = (struct rcan_tx_verdict){
		.sk = NETLINK_CB(skb).sk,
		.seq = nla_get_u32(a[RCAN_ATTR_SEQ]),
		.ok = ok,
		.why = a[RCAN_ATTR_ERRNO] ? nla_get_u32(a[RCAN_ATTR_ERRNO]) : 0,
		/* only TX_DONE's policy takes it */
		.has_tstamp = !!a[RCAN_ATTR_TSTAMP],
	};
	if (v.has_tstamp)
		v.tstamp = ns_to_ktime(nla_get_u64(a[RCAN_ATTR_TSTAMP]));
	ret = rcan_tx_complete(rcan_link(info->user_ptr[0]), &v, info->extack);
	return ret < 0 ? ret : 0;
}

static int rcan_cmd_tx_done(struct sk_buff *skb, struct genl_info *info)
{
	return rcan_tx_verdict(skb, info, true);
}

static int rcan_cmd_tx_fail(struct sk_buff *skb, struct genl_info *info)
{
	return rcan_tx_verdict(skb, info, false);
}

#define RCAN_OP(c, fn, pol, need)                                   \
	{                                                           \
		.cmd = (c), .doit = (fn), .policy = (pol),          \
		.maxattr = RCAN_ATTR_MAX, .internal_flags = (need), \
		.flags = GENL_UNS_ADMIN_PERM,                       \
	}

static const struct genl_ops rcan_ops[] = {
	RCAN_OP(RCAN_CMD_LINK_NEW, rcan_cmd_link_new, rcan_link_new_policy, 0),
	RCAN_OP(RCAN_CMD_LINK_DEL, rcan_cmd_link_del, rcan_ifindex_policy,
		RCAN_NEEDS_LINK),
	{
		/* Open to all: it tells nothing "ip link" does not. */
		.cmd = RCAN_CMD_LINK_GET,
		.doit = rcan_cmd_link_get,
		.dumpit = rcan_dump_links,
		.policy = rcan_ifindex_policy,
		.maxattr = RCAN_ATTR_MAX,
		.internal_flags = RCAN_NEEDS_LINK,
	},
	RCAN_OP(RCAN_CMD_LINK_SET, rcan_cmd_link_set, rcan_link_set_policy,
		RCAN_NEEDS_LINK | RCAN_NEEDS_OWNER),
	RCAN_OP(RCAN_CMD_LINK_ATTACH, rcan_cmd_link_attach, rcan_ifindex_policy,
		RCAN_NEEDS_LINK),
	RCAN_OP(RCAN_CMD_LINK_DETACH, rcan_cmd_link_detach, rcan_ifindex_policy,
		RCAN_NEEDS_LINK),
	RCAN_OP(RCAN_CMD_FRAMES_RX, rcan_cmd_frames_rx, rcan_frames_rx_policy,
		RCAN_NEEDS_LINK | RCAN_NEEDS_OWNER),
	RCAN_OP(RCAN_CMD_TX_DONE, rcan_cmd_tx_done, rcan_tx_done_policy,
		RCAN_NEEDS_LINK | RCAN_NEEDS_OWNER),
	RCAN_OP(RCAN_CMD_TX_FAIL, rcan_cmd_tx_fail, rcan_tx_fail_policy,
		RCAN_NEEDS_LINK | RCAN_NEEDS_OWNER),
};

struct genl_family rcan_genl_family __ro_after_init = {
	.name = RCAN_GENL_NAME,
	.version = RCAN_GENL_VERSION,
	.maxattr = RCAN_ATTR_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.pre_doit = rcan_pre_doit,
	.post_doit = rcan_post_doit,
	.module = THIS_MODULE,
	.ops = rcan_ops,
	.n_ops = ARRAY_SIZE(rcan_ops),
	.mcgrps = rcan_mcgrps,
	.n_mcgrps = ARRAY_SIZE(rcan_mcgrps),
};

int rcan_genl_init(void)
{
	int err = genl_register_family(&rcan_genl_family);

	if (!err)
		rcan_notify_enable(true);
	return err;
}

void rcan_genl_exit(void)
{
	rcan_notify_enable(false);
	genl_unregister_family(&rcan_genl_family);
}
