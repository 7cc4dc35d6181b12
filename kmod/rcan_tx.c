// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit path: frames local programs send go to the owning helper as
 * RCAN_CMD_FRAMES_TX messages and wait in the echo slots until the helper
 * confirms them (echo to local sockets, tx_packets/tx_bytes) or fails them
 * (freed, tx_dropped + tx_errors). This is what a hardware driver does
 * between ndo_start_xmit and its TX-complete interrupt.
 *
 * Sequence numbers are u32, per link, handed out in order. At most window
 * frames are unconfirmed; the queue stops there and wakes when the helper
 * confirms or fails some. Frame SEQ sits in echo slot SEQ & slot_mask: the
 * number of slots is the window rounded up to a power of two, which
 * divides 2^32, so two frames in flight never share a slot, not even
 * across the wrap of the sequence numbers.
 *
 * When the owner's socket is full, a finished FRAMES_TX waits in
 * tx_unsent with the queue stopped, and is sent again on the owner's next
 * verdict or from tx_retry: the sender is slowed, no frame is lost.
 */
#include <linux/can/skb.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "rcan_priv.h"

/* How many frames a FRAMES_TX in tx_unsent carries, after netlink's part. */
struct rcan_tx_cb {
	struct netlink_skb_parms nl;
	u32 frames;
};

#define RCAN_TX_CB(skb) ((struct rcan_tx_cb *)(skb)->cb)

/*
 * Retry period while the owner's socket is full: 2 ms, doubling up to
 * 64 ms while it stays full. An owner that reads also sends verdicts,
 * and each verdict pushes at once; the timer is for the one that does
 * not, and should not wake the machine 500 times a second for it.
 */
#define RCAN_TX_RETRY_MS 2
#define RCAN_TX_RETRY_MAX_SHIFT 5

static bool rcan_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

u32 rcan_tx_inflight(const struct rcan_link *link)
{
	return link->tx_next - link->tx_oldest;
}

static unsigned int rcan_slot(const struct rcan_link *link, u32 seq)
{
	return seq & link->slot_mask;
}

/*
 * Room for the frames the next FRAMES_TX can take: one when it ends its
 * batch (no xmit_more: the common case of a program writing frame by
 * frame), else as many as the window still lets go. netlink copies a
 * message more than half empty into a smaller one before queueing it, and
 * allocations are cleared when init_on_alloc is on (Debian's default), so
 * a page per frame would cost more than the frame itself.
 */
static int rcan_tx_msg_start(struct rcan_link *link, bool more)
{
	u32 room = link->window - rcan_tx_inflight(link);

	return rcan_frames_tx_start(link, more ? room : 1);
}

/*
 * Free and count frames in flight that will never be confirmed: the
 * carrier went (owner gone, remote down or bus-off, link down). As a
 * hardware driver counts the frames its controller aborts: tx_errors and
 * tx_aborted_errors; and tx_dropped, as every frame that was not sent.
 */
static void rcan_tx_fail_range_locked(struct rcan_link *link, u32 first,
				      u32 count)
{
	struct net_device *dev = link->dev;
	u32 seq;

	lockdep_assert_held(&link->tx_lock);
	for (seq = first; seq != first + count; seq++) {
		unsigned int idx = rcan_slot(link, seq);

		if (!link->can.echo_skb[idx])
			continue;
		can_free_echo_skb(dev, idx, NULL);
		DEV_STATS_INC(dev, tx_dropped);
		DEV_STATS_INC(dev, tx_errors);
		DEV_STATS_INC(dev, tx_aborted_errors);
	}
	/* Failed frames at the head no longer count against the window. */
	while (link->tx_oldest != link->tx_next &&
	       !link->can.echo_skb[rcan_slot(link, link->tx_oldest)])
		link->tx_oldest++;
}

static void rcan_tx_push_locked(struct rcan_link *link);

/*
 * A finished message for the owner, carrying @frames frames, after the
 * others. As netlink_unicast() does, a message more than half empty (a
 * batch that ended early) is cut to what it holds, so it costs the
 * owner's buffer no more; once, here: every try to deliver it offers the
 * socket a clone sharing this data. Failing that, it goes as it is.
 */
static void rcan_tx_queue_locked(struct rcan_link *link, struct sk_buff *msg,
				 u32 frames)
{
	int room = skb_tailroom(msg);

	lockdep_assert_held(&link->tx_lock);
	if (room * 2 >= (int)msg->truesize)
		pskb_expand_head(msg, 0, -room, GFP_ATOMIC | __GFP_NOWARN);
	RCAN_TX_CB(msg)->frames = frames;
	__skb_queue_tail(&link->tx_unsent, msg);
}

/*
 * Tell the owner the kernel failed its frames up to @last: a verdict on
 * them comes too late, and those it has not sent to the remote yet need
 * not go. After the FRAMES_TX that carried them, and as they are: kept
 * until the owner's socket takes it.
 */
static void rcan_tx_tell_failed_locked(struct rcan_link *link, u32 last)
{
	struct sk_buff *msg;

	lockdep_assert_held(&link->tx_lock);
	if (!link->owner_sk || sock_flag(link->owner_sk, SOCK_DEAD))
		return;
	msg = rcan_tx_failed_msg(link, last);
	if (!msg)
		return;
	rcan_tx_queue_locked(link, msg, 0);
	rcan_tx_push_locked(link);
}

/* Fail every frame in flight (owner gone, remote down, link down). */
void rcan_tx_fail_all_locked(struct rcan_link *link)
{
	u32 n = rcan_tx_inflight(link);
	u32 sent = link->tx_sent - link->tx_oldest;

	lockdep_assert_held(&link->tx_lock);
	if (link->tx_msg) {
		nlmsg_free(link->tx_msg);
		link->tx_msg = NULL;
	}
	skb_queue_purge(&link->tx_unsent);
	/* A next owner's full socket is retried from the shortest period. */
	link->tx_retry_shift = 0;
	if (n)
		netdev_dbg(link->dev, "%u frames in flight failed\n", n);
	rcan_tx_fail_range_locked(link, link->tx_oldest, n);
	link->tx_oldest = link->tx_next;
	link->tx_sent = link->tx_next;
	/* Only frames the owner was sent are its to forget. */
	if (sent)
		rcan_tx_tell_failed_locked(link, link->tx_next - 1);
}

/* Try tx_unsent again later, each time a little later while it fails. */
static void rcan_tx_retry_later(struct rcan_link *link)
{
	unsigned int ms = RCAN_TX_RETRY_MS << link->tx_retry_shift;

	mod_delayed_work(rcan_wq, &link->tx_retry,
			 max(1UL, msecs_to_jiffies(ms)));
	if (link->tx_retry_shift < RCAN_TX_RETRY_MAX_SHIFT)
		link->tx_retry_shift++;
}

/*
 * One FRAMES_TX into the owner's socket itself. netlink_unicast() finds
 * the receiver by port id, and netlink frees a closing socket's port id
 * (netlink_remove()) before it marks the socket dead (sock_orphan()):
 * another socket that binds the port id in between would get the owner's
 * frames. A module cannot send to a socket through netlink, so a clone of
 * the message is queued on the held socket as netlink queues it, receive
 * buffer limit and socket filter included; netlink taps (nlmon) do not
 * see it. A full socket refuses without the ENOBUFS a netlink overrun
 * reports: the message is kept, nothing is lost.
 */
static int rcan_tx_deliver(struct sock *sk, struct sk_buff *msg)
{
	struct sk_buff *clone;
	int err;

	if (sock_flag(sk, SOCK_DEAD))
		return -ECONNREFUSED;
	/*
	 * Full: refused here, as sock_queue_rcv_skb() would refuse it, but
	 * without counting it in the socket's drops (sk_drops, the Drops of
	 * /proc/net/netlink): it waits in tx_unsent. Only a message that
	 * fills the socket in the instant between the two checks (a reply
	 * to the owner's own command) still makes it count one.
	 */
	if (atomic_read(&sk->sk_rmem_alloc) >= READ_ONCE(sk->sk_rcvbuf))
		return -ENOBUFS;
	clone = skb_clone(msg, GFP_ATOMIC);
	if (!clone)
		return -ENOMEM;
	err = sock_queue_rcv_skb(sk, clone);
	if (err)
		kfree_skb(clone);
	return err;
}

/*
 * Send what waits in tx_unsent to the owner, oldest first, until its
 * socket refuses one. tx_lock is held, so the owner cannot be forgotten
 * meanwhile (the release notifier takes tx_lock). The socket may be
 * closed but not released yet: it gets nothing more, and the link is
 * detached now rather than when the notifier runs. The socket keeps
 * only what it accepted, so it gets a clone and the message stays here
 * until it went through.
 */
static void rcan_tx_push_locked(struct rcan_link *link)
{
	struct sk_buff *msg;
	int err;

	lockdep_assert_held(&link->tx_lock);
	while ((msg = skb_peek(&link->tx_unsent))) {
		err = rcan_tx_deliver(link->owner_sk, msg);
		if (err == -ECONNREFUSED) {
			/* The owner's socket is gone; the notifier may not
			 * know yet.
			 */
			netdev_dbg(link->dev, "owner socket gone, detaching\n");
			rcan_detach_locked(link);
			return;
		}
		if (err) {
			/* Full (or no memory): keep it, slow the sender. */
			netif_stop_queue(link->dev);
			rcan_tx_retry_later(link);
			return;
		}
		link->tx_retry_shift = 0;
		__skb_unlink(msg, &link->tx_unsent);
		link->tx_sent += RCAN_TX_CB(msg)->frames;
		consume_skb(msg);
	}
}

/* Finish the message under construction and send it, after older ones. */
static void rcan_tx_flush_locked(struct rcan_link *link)
{
	struct sk_buff *msg = link->tx_msg;

	lockdep_assert_held(&link->tx_lock);
	if (!msg)
		return;
	rcan_frames_tx_end(link);
	link->tx_msg = NULL;
	rcan_tx_queue_locked(link, msg, link->tx_msg_frames);
	rcan_tx_push_locked(link);
}

/* The queue may run again: nothing waits for the owner, room in the window. */
void rcan_tx_maybe_wake_locked(struct rcan_link *link)
{
	lockdep_assert_held(&link->tx_lock);
	if (rcan_tx_ready_locked(link) && netif_running(link->dev) &&
	    skb_queue_empty(&link->tx_unsent) &&
	    rcan_tx_inflight(link) < link->window)
		netif_wake_queue(link->dev);
}

/* The owner may be reading: send what waits, then let the queue run. */
static void rcan_tx_resume_locked(struct rcan_link *link)
{
	if (!rcan_tx_ready_locked(link))
		return;
	rcan_tx_push_locked(link);
	rcan_tx_maybe_wake_locked(link);
}

/*
 * More echo slots, for a window beyond those alloc_candev() made: the
 * frames in flight move to their slots in the larger power of two. The
 * CAN core reads the slots only under rtnl (can_restart()), which the
 * caller holds, and rcan only under tx_lock.
 */
static int rcan_tx_grow_slots(struct rcan_link *link, u32 window)
{
	unsigned int slots = roundup_pow_of_two(window);
	struct sk_buff **old_own = link->echo_own;
	struct sk_buff **slot;
	u32 seq;

	ASSERT_RTNL();
	if (slots <= link->slot_mask + 1)
		return 0;
	slot = kvcalloc(slots, sizeof(*slot), GFP_KERNEL_ACCOUNT);
	if (!slot)
		return -ENOMEM;
	spin_lock_bh(&link->tx_lock);
	for (seq = link->tx_oldest; seq != link->tx_next; seq++)
		slot[seq & (slots - 1)] =
			link->can.echo_skb[rcan_slot(link, seq)];
	link->can.echo_skb = slot;
	link->can.echo_skb_max = slots;
	link->slot_mask = slots - 1;
	link->echo_own = slot;
	spin_unlock_bh(&link->tx_lock);
	kvfree(old_own);
	return 0;
}

/*
 * The owner sizes the window to its round trip (LINK_SET TX_WINDOW).
 * Frames in flight stay: a smaller window only holds the queue until
 * enough are confirmed, a larger one may wake it now. The namespace's
 * budget is changed exactly as the window is: a larger window's frames
 * are reserved first and given back if the change fails (the owner
 * detached meanwhile, no memory), a smaller one's given back once it is
 * the link's. Under rtnl throughout, so ndo_uninit, which gives back the
 * link's window, cannot come in between.
 */
int rcan_tx_set_window(struct rcan_link *link, const struct sock *sk,
		       u32 window, struct netlink_ext_ack *extack)
{
	struct net *net = dev_net(link->dev);
	u32 old = link->window; /* changes only here, under rtnl */
	int err;

	ASSERT_RTNL();
	/* Only the owner grows the slots; checked again once they are. */
	if (!rcan_is_owner(link, sk))
		goto not_owner;
	err = rcan_net_window_change(net, old, window, extack);
	if (err)
		return err;
	err = rcan_tx_grow_slots(link, window);
	if (err) {
		NL_SET_ERR_MSG(extack, "no memory for the echo slots");
		goto unwind;
	}
	spin_lock_bh(&link->tx_lock);
	if (!rcan_is_owner_locked(link, sk)) {
		spin_unlock_bh(&link->tx_lock);
		NL_SET_ERR_MSG(extack, RCAN_NOT_OWNER_MSG);
		err = -EPERM;
		goto unwind;
	}
	link->window = window;
	if (rcan_tx_inflight(link) >= window) {
		netif_stop_queue(link->dev);
		/*
		 * Frames batched under xmit_more wait for a next frame to end
		 * their message, and the stopped queue sends none.
		 */
		rcan_tx_flush_locked(link);
	} else {
		rcan_tx_maybe_wake_locked(link);
	}
	spin_unlock_bh(&link->tx_lock);
	if (window < old)
		rcan_net_window_restore(net, old, window);
	return 0;

unwind:
	/* What was reserved for a larger window, back; a smaller took none. */
	if (window > old)
		rcan_net_window_restore(net, window, old);
	return err;

not_owner:
	NL_SET_ERR_MSG(extack, RCAN_NOT_OWNER_MSG);
	return -EPERM;
}

static void rcan_tx_retry_fn(struct work_struct *work)
{
	struct rcan_link *link =
		container_of(to_delayed_work(work), struct rcan_link, tx_retry);

	spin_lock_bh(&link->tx_lock);
	rcan_tx_resume_locked(link);
	spin_unlock_bh(&link->tx_lock);
}

void rcan_tx_init(struct rcan_link *link, u32 first_seq)
{
	link->tx_next = first_seq;
	link->tx_oldest = first_seq;
	link->tx_sent = first_seq;
	skb_queue_head_init(&link->tx_unsent);
	INIT_DELAYED_WORK(&link->tx_retry, rcan_tx_retry_fn);
}

/* The link is dead (ndo_uninit): no retry may run after this. */
void rcan_tx_uninit(struct rcan_link *link)
{
	cancel_delayed_work_sync(&link->tx_retry);
}

/* The netdev is being freed; every slot is empty (rcan_uninit). */
void rcan_tx_free(struct rcan_link *link)
{
	kvfree(link->echo_own);
	link->echo_own = NULL;
}

/*
 * Only a frame of the link's kind goes to the helper. The CAN core's own
 * check is not enough: AF_PACKET (CAP_NET_RAW, which a user namespace
 * grants) can hand any skb it lets through, on 6.1 a CAN XL skb whatever
 * the MTU, whose flags byte would be read as a length past the frame's
 * end. So: a classic frame, or on an FD link an FD frame with a length a
 * DLC can say and no RTR (FD has no remote frames).
 */
static bool rcan_tx_skb_valid(const struct rcan_link *link,
			      const struct sk_buff *skb)
{
	const struct canfd_frame *cfd = (const struct canfd_frame *)skb->data;

	if (skb->protocol == htons(ETH_P_CAN))
		return can_is_can_skb(skb);
	if (skb->protocol != htons(ETH_P_CANFD) ||
	    !(link->flags & RCAN_LINK_F_FD) || !can_is_canfd_skb(skb))
		return false;
	return !(cfd->can_id & CAN_RTR_FLAG) &&
	       cfd->len == can_fd_dlc2len(can_fd_len2dlc(cfd->len));
}

netdev_tx_t rcan_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct rcan_link *link = rcan_link(dev);
	bool more = netdev_xmit_more();
	u32 seq;

	if (can_dev_dropped_skb(dev, skb))
		return NETDEV_TX_OK;

	spin_lock(&link->tx_lock);
	if (!rcan_tx_skb_valid(link, skb))
		goto drop;
	if (!rcan_tx_ready_locked(link)) {
		/* Carrier is off and the queue stopped: this one raced. */
		netif_stop_queue(dev);
		goto drop;
	}
	if (rcan_tx_inflight(link) >= link->window) {
		/*
		 * The queue stops at the window, but a LINK_SET shrink can
		 * stop it after the qdisc saw it running: it requeues this.
		 */
		netif_stop_queue(dev);
		spin_unlock(&link->tx_lock);
		return NETDEV_TX_BUSY;
	}

	seq = link->tx_next;
	if (!link->tx_msg && rcan_tx_msg_start(link, more))
		goto drop;
	if (rcan_frames_tx_put(link->tx_msg, skb, seq)) {
		/* Full: send what we have and start a new message. */
		rcan_tx_flush_locked(link);
		if (!rcan_tx_ready_locked(link) ||
		    rcan_tx_msg_start(link, more))
			goto drop;
		if (rcan_frames_tx_put(link->tx_msg, skb, seq))
			goto drop;
	}
	link->tx_msg_frames++;
	link->tx_next++;
	/* Cannot fail: the slot is free (see the top of this file). It frees
	 * the skb if it does; the helper's verdict then finds an empty slot.
	 */
	if (can_put_echo_skb(skb, dev, rcan_slot(link, seq), 0))
		DEV_STATS_INC(dev, tx_dropped);

	if (rcan_tx_inflight(link) >= link->window)
		netif_stop_queue(dev);
	if (!more || netif_queue_stopped(dev))
		rcan_tx_flush_locked(link);
	spin_unlock(&link->tx_lock);
	return NETDEV_TX_OK;

drop:
	DEV_STATS_INC(dev, tx_dropped);
	/* The batch ends here too: what it holds must not wait for more. */
	if (!more && rcan_tx_ready_locked(link))
		rcan_tx_flush_locked(link);
	spin_unlock(&link->tx_lock);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/*
 * What __can_get_echo_skb() does (it is not exported to modules in 6.1):
 * take the looped-back copy out of its slot for delivery after tx_lock
 * is dropped, with netif_receive_skb() rather than can_get_echo_skb()'s
 * netif_rx(), so a whole window of echoes cannot overflow the backlog.
 */
static struct sk_buff *rcan_take_echo_skb(struct rcan_link *link,
					  unsigned int idx, ktime_t when,
					  unsigned int *len)
{
	struct sk_buff *skb = link->can.echo_skb[idx];

	link->can.echo_skb[idx] = NULL;
	/*
	 * The "hardware" TX timestamp: the remote controller's confirmation
	 * time when the helper gave one (rcand serve's "< sent N SEC.USEC >",
	 * RCAN_ATTR_TSTAMP), else when the confirmation reached this host
	 * (socketcand's echo carries no time). The echo up the stack carries
	 * it too, as a driver's echo carries the controller's TX time.
	 */
	skb_hwtstamps(skb)->hwtstamp = when;
	if (skb_shinfo(skb)->tx_flags & SKBTX_IN_PROGRESS)
		skb_tstamp_tx(skb, skb_hwtstamps(skb));
	*len = can_skb_get_data_len(skb);
	if (skb->pkt_type != PACKET_LOOPBACK) {
		dev_consume_skb_any(skb);
		return NULL;
	}
	skb->pkt_type = PACKET_BROADCAST;
	return skb;
}

/*
 * The helper's verdict on the oldest frames it was sent: every frame up
 * to and including SEQ. Confirmed frames are echoed and counted, failed
 * ones freed and counted as dropped and errors. A SEQ older than the
 * oldest frame in flight is a late verdict on frames already settled
 * (failed on detach or when the link went down): a no-op. Sequence
 * numbers are never reused within 2^31 frames, so a late verdict cannot
 * settle other frames (a count of frames could: version 1's COUNT went
 * for that). The owner is reading: what waits for it goes out now.
 */
int rcan_tx_complete(struct rcan_link *link, const struct rcan_tx_verdict *v,
		     struct netlink_ext_ack *extack)
{
	bool ok = v->ok;
	struct net_device *dev = link->dev;
	struct sk_buff_head echoes;
	/* All the frames it confirms get the remote's time: see rcan.h. */
	ktime_t when = v->has_tstamp ? v->tstamp : ktime_get_real();
	struct sk_buff *skb;
	unsigned int done = 0;
	u32 upto;

	__skb_queue_head_init(&echoes);
	spin_lock_bh(&link->tx_lock);
	if (!rcan_is_owner_locked(link, v->sk)) {
		/* Detached since the command started: not its frames now. */
		spin_unlock_bh(&link->tx_lock);
		NL_SET_ERR_MSG(extack, RCAN_NOT_OWNER_MSG);
		return -EPERM;
	}
	upto = v->seq;
	if (!rcan_seq_before(upto, link->tx_sent)) {
		spin_unlock_bh(&link->tx_lock);
		NL_SET_ERR_MSG(extack, "sequence number not sent yet");
		return -ERANGE;
	}
	while (link->tx_oldest != link->tx_next &&
	       !rcan_seq_before(upto, link->tx_oldest)) {
		unsigned int idx = rcan_slot(link, link->tx_oldest);
		unsigned int len;

		link->tx_oldest++;
		if (!link->can.echo_skb[idx])
			continue;
		done++;
		if (!ok) {
			can_free_echo_skb(dev, idx, NULL);
			DEV_STATS_INC(dev, tx_dropped);
			DEV_STATS_INC(dev, tx_errors);
			continue;
		}
		skb = rcan_take_echo_skb(link, idx, when, &len);
		DEV_STATS_INC(dev, tx_packets);
		DEV_STATS_ADD(dev, tx_bytes, len);
		if (skb)
			__skb_queue_tail(&echoes, skb);
	}
	rcan_tx_resume_locked(link);
	spin_unlock_bh(&link->tx_lock);

	if (!ok && done)
		netdev_dbg(dev, "helper failed %u frames (%d)\n", done, v->why);
	/* Echoes go up after the lock: a receiver may transmit (can-gw). */
	while ((skb = __skb_dequeue(&echoes)))
		rcan_rx_deliver(skb);
	return done;
}
