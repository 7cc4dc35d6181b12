// SPDX-License-Identifier: GPL-2.0
/*
 * The rcan links of one network namespace: listed for dumps and for the
 * namespace's teardown, counted against max_links, and hashed by their
 * owner's port id, so that closing any generic netlink socket on the
 * system finds the links it owned without walking the others.
 *
 * Who may create and own links, and what it costs. A frame in flight is
 * an echo skb the sender's socket no longer pays for (can_put_echo_skb()
 * clones it and frees the original), so an owner that never confirms
 * pins a whole TX window of them. By default only CAP_NET_ADMIN in the
 * initial user namespace may change anything (as GENL_ADMIN_PERM, which
 * ovpn uses); that also keeps the CAN core's configuration code
 * (can_changelink(), bit timing, restart) away from user namespaces, as
 * vcan and vxcan do by having none and slcan by needing that capability.
 * userns_links lets a namespace's own admin in, and then the TX windows
 * of all links of a namespace owned by another user namespace add up to
 * userns_tx_frames at most.
 */
#include <linux/capability.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "rcan_priv.h"

static unsigned int rcan_max_links = 256;
module_param_named(max_links, rcan_max_links, uint, 0644);
MODULE_PARM_DESC(max_links,
		 "most rcan links one network namespace may have (256)");

static bool rcan_userns_links;
module_param_named(userns_links, rcan_userns_links, bool, 0644);
MODULE_PARM_DESC(userns_links,
		 "a user namespace's CAP_NET_ADMIN may make and own links (N)");

static unsigned int rcan_userns_tx_frames = 1024;
module_param_named(userns_tx_frames, rcan_userns_tx_frames, uint, 0644);
MODULE_PARM_DESC(userns_tx_frames,
		 "TX windows of a user namespace's links add up to this (1024)");

#define RCAN_OWNER_HASH_BITS 8
#define RCAN_ADMIN_MSG \
	"needs CAP_NET_ADMIN in the initial user namespace (or rcan.userns_links=1)"
#define RCAN_MAX_LINKS_MSG "this namespace has max_links rcan links already"
#define RCAN_TX_FRAMES_MSG \
	"TX windows of this namespace's links over rcan.userns_tx_frames"

struct rcan_net {
	spinlock_t lock; /* links, count and tx_frames */
	struct list_head links;
	unsigned int count; /* links made or being made */
	u32 tx_frames; /* sum of their TX windows */
	spinlock_t owners_lock; /* owners; innermost, taken under tx_lock */
	DECLARE_HASHTABLE(owners, RCAN_OWNER_HASH_BITS);
};

static unsigned int rcan_net_id __read_mostly;
/* Links in every namespace: none may be left when the module goes. */
static atomic_t rcan_links_alive = ATOMIC_INIT(0);

static struct rcan_net *rcan_net(const struct net *net)
{
	return net_generic(net, rcan_net_id);
}

/*
 * Every command that changes anything: CAP_NET_ADMIN in the initial user
 * namespace, or, with userns_links, in the socket's network namespace
 * (genetlink checked that one already: GENL_UNS_ADMIN_PERM).
 */
bool rcan_net_admin_ok(struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	if (READ_ONCE(rcan_userns_links) || netlink_capable(skb, CAP_NET_ADMIN))
		return true;
	NL_SET_ERR_MSG(extack, RCAN_ADMIN_MSG);
	return false;
}

/* Links of this namespace pin memory its own admin decides on. */
static bool rcan_net_capped(const struct net *net)
{
	return net->user_ns != &init_user_ns;
}

/* Room for @window more frames in flight in @net; rn->lock held. */
static bool rcan_net_frames_fit(const struct net *net, struct rcan_net *rn,
				u32 window)
{
	return !rcan_net_capped(net) ||
	       (u64)rn->tx_frames + window <= READ_ONCE(rcan_userns_tx_frames);
}

/*
 * Before the netdev is registered: a place within max_links and, for a
 * namespace of a user namespace, room for its TX window, or refused.
 */
int rcan_net_reserve(struct net *net, u32 window,
		     struct netlink_ext_ack *extack)
{
	struct rcan_net *rn = rcan_net(net);
	int err = 0;

	spin_lock_bh(&rn->lock);
	if (rn->count >= READ_ONCE(rcan_max_links)) {
		NL_SET_ERR_MSG(extack, RCAN_MAX_LINKS_MSG);
		err = -ENOSPC;
	} else if (!rcan_net_frames_fit(net, rn, window)) {
		NL_SET_ERR_MSG(extack, RCAN_TX_FRAMES_MSG);
		err = -ENOSPC;
	} else {
		rn->count++;
		rn->tx_frames += window;
	}
	spin_unlock_bh(&rn->lock);
	return err;
}

/* The reserved place, when the netdev never got as far as ndo_init. */
void rcan_net_unreserve(struct net *net, u32 window)
{
	struct rcan_net *rn = rcan_net(net);

	spin_lock_bh(&rn->lock);
	rn->count--;
	rn->tx_frames -= window;
	spin_unlock_bh(&rn->lock);
}

/*
 * A link's TX window is to go from @old to @window (rtnl held): a larger
 * one reserves the frames it adds, or is refused. A smaller one changes
 * nothing yet: the frames it frees are given back by
 * rcan_net_window_restore() once the link's window is the smaller one, so
 * no other link can take them while the change may still be undone.
 */
int rcan_net_window_change(struct net *net, u32 old, u32 window,
			   struct netlink_ext_ack *extack)
{
	struct rcan_net *rn = rcan_net(net);
	int err = 0;

	ASSERT_RTNL();
	if (window <= old)
		return 0;
	spin_lock_bh(&rn->lock);
	if (!rcan_net_frames_fit(net, rn, window - old)) {
		NL_SET_ERR_MSG(extack, RCAN_TX_FRAMES_MSG);
		err = -ENOSPC;
	} else {
		rn->tx_frames += window - old;
	}
	spin_unlock_bh(&rn->lock);
	return err;
}

/*
 * The namespace's frames follow a link's window from @from to @to, never
 * refused (rtnl held): a reservation undone (from the larger window back
 * to the link's), or the frames a smaller window freed given back. The
 * budget stays the sum of the live links' windows on every path.
 */
void rcan_net_window_restore(struct net *net, u32 from, u32 to)
{
	struct rcan_net *rn = rcan_net(net);

	ASSERT_RTNL();
	spin_lock_bh(&rn->lock);
	rn->tx_frames = rn->tx_frames - from + to;
	spin_unlock_bh(&rn->lock);
}

/* ndo_init: the link is listed in its namespace. */
void rcan_net_add(struct rcan_link *link)
{
	struct rcan_net *rn = rcan_net(dev_net(link->dev));

	spin_lock_bh(&rn->lock);
	list_add_tail(&link->node, &rn->links);
	link->listed = true;
	spin_unlock_bh(&rn->lock);
	atomic_inc(&rcan_links_alive);
}

/* ndo_uninit (rtnl held, the window is stable): off the list, given back. */
void rcan_net_del(struct rcan_link *link)
{
	struct rcan_net *rn = rcan_net(dev_net(link->dev));

	spin_lock_bh(&rn->lock);
	list_del_init(&link->node);
	rn->count--;
	rn->tx_frames -= link->window;
	spin_unlock_bh(&rn->lock);
	atomic_dec(&rcan_links_alive);
}

/* The owner was just set (tx_lock held): hash the link under it. */
void rcan_net_owner_add_locked(struct rcan_link *link)
{
	struct rcan_net *rn = rcan_net(dev_net(link->dev));

	lockdep_assert_held(&link->tx_lock);
	spin_lock(&rn->owners_lock);
	hash_add(rn->owners, &link->owner_node, link->owner_portid);
	spin_unlock(&rn->owners_lock);
}

/* The owner is about to be cleared (tx_lock held). */
void rcan_net_owner_del_locked(struct rcan_link *link)
{
	struct rcan_net *rn = rcan_net(dev_net(link->dev));

	lockdep_assert_held(&link->tx_lock);
	spin_lock(&rn->owners_lock);
	hash_del(&link->owner_node);
	spin_unlock(&rn->owners_lock);
}

/*
 * A link in @net whose owner had @portid and whose socket is closed, with
 * a device reference, or NULL. The bucket holds only links whose owners'
 * port ids hash alike. The owner is set before the link is hashed and
 * cleared after it is unhashed, each under owners_lock, so a hashed
 * link's owner read here is whole. A live socket that bound the same port
 * id since is not the one that closed: its links are not found. Owners
 * are always in the link's own namespace (pre_doit finds links there, and
 * links cannot move).
 */
struct rcan_link *rcan_net_dead_owner_link(struct net *net, u32 portid)
{
	struct rcan_net *rn = rcan_net(net);
	struct rcan_link *link, *found = NULL;

	spin_lock_bh(&rn->owners_lock);
	hash_for_each_possible(rn->owners, link, owner_node, portid) {
		if (link->owner_portid == portid &&
		    sock_flag(link->owner_sk, SOCK_DEAD)) {
			dev_hold(link->dev);
			found = link;
			break;
		}
	}
	spin_unlock_bh(&rn->owners_lock);
	return found;
}

/*
 * Fill a LINK_GET dump from @net's links with an ifindex of
 * @*next_ifindex or more, in ifindex order; @fill returns non-zero when
 * the message is full. @*next_ifindex is where the next part of the dump
 * starts. By ifindex, not by place on the list: links coming and going
 * between the parts neither hide nor repeat the others. A namespace has
 * max_links links at most, so each part walks the short list again.
 * Returns what @fill returned for the link that did not fit, else 0.
 */
int rcan_net_dump(struct net *net, unsigned long *next_ifindex,
		  int (*fill)(struct rcan_link *link, void *arg), void *arg)
{
	struct rcan_net *rn = rcan_net(net);
	struct rcan_link *link, *best;
	int err = 0;

	spin_lock_bh(&rn->lock);
	for (;;) {
		best = NULL;
		list_for_each_entry(link, &rn->links, node)
			if (link->dev->ifindex >= *next_ifindex &&
			    (!best || link->dev->ifindex < best->dev->ifindex))
				best = link;
		if (!best)
			break;
		err = fill(best, arg);
		if (err)
			break;
		*next_ifindex = (unsigned long)best->dev->ifindex + 1;
	}
	spin_unlock_bh(&rn->lock);
	return err;
}

/*
 * A namespace is going away: queue its links for unregistration (rtnl is
 * held). compat.h picks the teardown hook that runs this before the core's
 * own device cleanup on the kernel at hand. Unregistering the hook at
 * unload removes the links of every namespace, init_net included.
 */
void rcan_net_kill_links(struct net *net, struct list_head *kill)
{
	struct rcan_net *rn = rcan_net(net);
	struct rcan_link *link;

	ASSERT_RTNL();
	spin_lock_bh(&rn->lock);
	list_for_each_entry(link, &rn->links, node)
		unregister_netdevice_queue(link->dev, kill);
	/* ndo_uninit takes each link off the list, later. */
	spin_unlock_bh(&rn->lock);
}

static int __net_init rcan_net_init(struct net *net)
{
	struct rcan_net *rn = rcan_net(net);

	spin_lock_init(&rn->lock);
	INIT_LIST_HEAD(&rn->links);
	spin_lock_init(&rn->owners_lock);
	hash_init(rn->owners);
	return 0;
}

static struct pernet_operations rcan_net_ops = {
	.init = rcan_net_init,
	RCAN_PERNET_EXIT,
	.id = &rcan_net_id,
	.size = sizeof(struct rcan_net),
};

int rcan_net_register(void)
{
	return register_pernet_device(&rcan_net_ops);
}

void rcan_net_unregister(void)
{
	unregister_pernet_device(&rcan_net_ops);
	/* A link left now outlived its namespace: it would be freed no more. */
	WARN_ON(atomic_read(&rcan_links_alive));
}
