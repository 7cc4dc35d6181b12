// SPDX-License-Identifier: GPL-2.0
/*
 * The rcan links of one network namespace: listed for dumps and for the
 * namespace's teardown, counted against max_links (a user namespace may
 * create links, and each costs kernel memory), and hashed by their owner's
 * port id, so that closing any generic netlink socket on the system finds
 * the links it owned without walking the others.
 */
#include <linux/hashtable.h>
#include <linux/module.h>
#include <net/netns/generic.h>

#include "rcan_priv.h"

static unsigned int rcan_max_links = 256;
module_param_named(max_links, rcan_max_links, uint, 0644);
MODULE_PARM_DESC(max_links,
		 "most rcan links one network namespace may have (256)");

#define RCAN_OWNER_HASH_BITS 8
#define RCAN_MAX_LINKS_MSG "this namespace has max_links rcan links already"

struct rcan_net {
	spinlock_t lock; /* links and count */
	struct list_head links;
	unsigned int count; /* links made or being made */
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

/* Before the netdev is registered: a place within max_links, or refused. */
int rcan_net_reserve(struct net *net, struct netlink_ext_ack *extack)
{
	struct rcan_net *rn = rcan_net(net);
	int err = 0;

	spin_lock_bh(&rn->lock);
	if (rn->count >= READ_ONCE(rcan_max_links))
		err = -ENOSPC;
	else
		rn->count++;
	spin_unlock_bh(&rn->lock);
	if (err)
		NL_SET_ERR_MSG(extack, RCAN_MAX_LINKS_MSG);
	return err;
}

/* The reserved place, when the netdev never got as far as ndo_init. */
void rcan_net_unreserve(struct net *net)
{
	struct rcan_net *rn = rcan_net(net);

	spin_lock_bh(&rn->lock);
	rn->count--;
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

/* ndo_uninit: off the list, its place given back. */
void rcan_net_del(struct rcan_link *link)
{
	struct rcan_net *rn = rcan_net(dev_net(link->dev));

	spin_lock_bh(&rn->lock);
	list_del_init(&link->node);
	rn->count--;
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
 * A link in @net owned by @portid, with a device reference, or NULL. The
 * bucket holds only links whose owners' port ids hash alike. The owner is
 * set before the link is hashed and cleared after it is unhashed, each
 * under owners_lock, so a hashed link's owner read here is whole. Owners
 * are always in the link's own namespace (pre_doit finds links there, and
 * links cannot move).
 */
struct rcan_link *rcan_net_owned_link(struct net *net, u32 portid)
{
	struct rcan_net *rn = rcan_net(net);
	struct rcan_link *link, *found = NULL;

	spin_lock_bh(&rn->owners_lock);
	hash_for_each_possible(rn->owners, link, owner_node, portid) {
		if (link->owner_portid == portid) {
			dev_hold(link->dev);
			found = link;
			break;
		}
	}
	spin_unlock_bh(&rn->owners_lock);
	return found;
}

/*
 * Fill a LINK_GET dump from @net's links, starting at the @*pos-th; @fill
 * returns non-zero when the message is full. @*pos is where the next part
 * of the dump starts.
 */
void rcan_net_dump(struct net *net, long *pos,
		   int (*fill)(struct rcan_link *link, void *arg), void *arg)
{
	struct rcan_net *rn = rcan_net(net);
	struct rcan_link *link;
	long idx = 0;

	spin_lock_bh(&rn->lock);
	list_for_each_entry(link, &rn->links, node) {
		if (idx < *pos) {
			idx++;
			continue;
		}
		if (fill(link, arg))
			break;
		idx++;
	}
	spin_unlock_bh(&rn->lock);
	*pos = idx;
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
