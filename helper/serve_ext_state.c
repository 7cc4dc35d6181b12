// SPDX-License-Identifier: GPL-2.0
/*
 * The rcan extension's feature `state` in rcand serve: the served
 * interface's controller state, error counters and bit rates, told to
 * the client as `< state >` and `< bittiming >` once RAW mode starts and
 * on every change.
 *
 * A client's own rtnetlink socket in RTMGRP_LINK hears of up/down and of
 * `ip link set ... type can bitrate`; the state of a CAN controller
 * changes without any rtnetlink message though (only bus-off drops the
 * carrier), and a driver reports it with an error frame instead. So each
 * error frame on the raw socket asks for the link again (RTM_GETLINK),
 * and the answer is read like any RTM_NEWLINK. An interface that is no
 * CAN device (vcan) has no state of its own: up is error-active, down
 * is stopped, bit rates 0 (not known).
 */
#include <errno.h>
#include <linux/can/netlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "serve_ext.h"

struct link_now {
	unsigned int state, txerr, rxerr;
	uint32_t bitrate, dbitrate;
};

static int request(int fd, int ifindex)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = {
		.h = { .nlmsg_len = sizeof(req),
		       .nlmsg_type = RTM_GETLINK,
		       .nlmsg_flags = NLM_F_REQUEST },
		.i = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex },
	};
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };

	return sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&to,
		      sizeof(to)) < 0 ?
		       -1 :
		       0;
}

int serve_ext_state_start(struct serve *s, struct serve_client *c)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK,
				 .nl_groups = RTMGRP_LINK };
	struct epoll_event ev = { .events = EPOLLIN };
	struct serve_ext *x = c->ext;
	int fd;

	if (x->nl >= 0)
		return 0;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	x->ep_nl.kind = SERVE_EP_EXT;
	x->ep_nl.c = c;
	ev.data.ptr = &x->ep_nl;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0 ||
	    request(fd, c->ifindex) < 0) {
		close(fd);
		return -1;
	}
	x->nl = fd;
	x->told = 0;
	x->asked = 1;
	return 0;
}

void serve_ext_state_stop(struct serve *s, struct serve_client *c)
{
	(void)s;
	if (c->ext && c->ext->nl >= 0) {
		close(c->ext->nl); /* leaves the epoll set with it */
		c->ext->nl = -1;
	}
}

void serve_ext_state_refresh(struct serve_client *c)
{
	/* one request at a time: error frames come by the thousand on a
	 * bad bus, and each answer is the whole link */
	if (!c->ext || c->ext->nl < 0)
		return;
	if (c->ext->asked) {
		c->ext->again = 1; /* once it is answered */
		return;
	}
	c->ext->again = 0;
	if (request(c->ext->nl, c->ifindex) < 0)
		log_debug("serve: client %lu: RTM_GETLINK: %s", c->id,
			  strerror(errno));
	else
		c->ext->asked = 1;
}

/* The attributes in [p, p + len) into tb[0..max]. */
static void attrs(const void *p, size_t len, const struct rtattr **tb,
		  unsigned int max)
{
	const struct rtattr *a = p;
	unsigned int l = (unsigned int)len, i;

	for (i = 0; i <= max; i++)
		tb[i] = NULL;
	for (; RTA_OK(a, l); a = RTA_NEXT(a, l))
		if (a->rta_type <= max)
			tb[a->rta_type] = a;
}

static int payload(const struct rtattr *a, void *out, size_t n)
{
	if (!a || RTA_PAYLOAD(a) < n)
		return -1;
	memcpy(out, RTA_DATA(a), n);
	return 0;
}

/* IFLA_LINKINFO of a CAN device: its state, counters, bit rates. */
static void can_info(const struct rtattr *linkinfo, struct link_now *now)
{
	const struct rtattr *info[IFLA_INFO_MAX + 1];
	const struct rtattr *can[IFLA_CAN_MAX + 1];
	struct can_berr_counter bec;
	struct can_bittiming bt;
	uint32_t st;

	attrs(RTA_DATA(linkinfo), RTA_PAYLOAD(linkinfo), info, IFLA_INFO_MAX);
	if (!info[IFLA_INFO_KIND] || !info[IFLA_INFO_DATA] ||
	    strncmp(RTA_DATA(info[IFLA_INFO_KIND]), "can",
		    RTA_PAYLOAD(info[IFLA_INFO_KIND])))
		return;
	attrs(RTA_DATA(info[IFLA_INFO_DATA]), RTA_PAYLOAD(info[IFLA_INFO_DATA]),
	      can, IFLA_CAN_MAX);
	if (!payload(can[IFLA_CAN_STATE], &st, sizeof(st)) &&
	    st < PROTO_EXT_STATE_COUNT)
		now->state = st;
	if (!payload(can[IFLA_CAN_BERR_COUNTER], &bec, sizeof(bec))) {
		now->txerr = bec.txerr;
		now->rxerr = bec.rxerr;
	}
	if (!payload(can[IFLA_CAN_BITTIMING], &bt, sizeof(bt)))
		now->bitrate = bt.bitrate;
	if (!payload(can[IFLA_CAN_DATA_BITTIMING], &bt, sizeof(bt)))
		now->dbitrate = bt.bitrate;
}

static void tell(struct serve *s, struct serve_client *c,
		 const struct link_now *now)
{
	struct serve_ext *x = c->ext;
	char buf[PROTO_EXT_ELEM_MAX];
	int n;

	if (now->bitrate)
		c->bitrate = now->bitrate; /* paces the retries too */
	if (c->outlen > s->cfg.out_max) {
		/* only the latest counts: told when the queue drained */
		x->state_held = 1;
		x->h_state = now->state;
		x->h_txerr = now->txerr;
		x->h_rxerr = now->rxerr;
		x->h_bitrate = now->bitrate;
		x->h_dbitrate = now->dbitrate;
		return;
	}
	x->state_held = 0;
	if (!x->told || now->bitrate != x->bitrate ||
	    now->dbitrate != x->dbitrate) {
		n = proto_ext_format_bittiming(buf, sizeof(buf), now->bitrate,
					       now->dbitrate);
		if (n > 0)
			serve_reply(s, c, buf, (size_t)n);
		x->bitrate = now->bitrate;
		x->dbitrate = now->dbitrate;
	}
	if (!x->told || now->state != x->state || now->txerr != x->txerr ||
	    now->rxerr != x->rxerr) {
		n = proto_ext_format_state(buf, sizeof(buf), now->state,
					   now->txerr, now->rxerr);
		if (n > 0)
			serve_reply(s, c, buf, (size_t)n);
		x->state = now->state;
		x->txerr = now->txerr;
		x->rxerr = now->rxerr;
	}
	x->told = 1;
}

static void on_link(struct serve *s, struct serve_client *c,
		    const struct nlmsghdr *h)
{
	const struct ifinfomsg *i = NLMSG_DATA(h);
	const struct rtattr *tb[IFLA_MAX + 1];
	struct link_now now = { .state = CAN_STATE_STOPPED };

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*i)) ||
	    i->ifi_index != c->ifindex)
		return;
	c->ext->asked = 0; /* the link as it is now: a change may ask again */
	if (c->ext->again)
		serve_ext_state_refresh(c);
	if (h->nlmsg_type == RTM_NEWLINK) {
		attrs(IFLA_RTA(i), IFLA_PAYLOAD(h), tb, IFLA_MAX);
		if (i->ifi_flags & IFF_UP)
			now.state = CAN_STATE_ERROR_ACTIVE;
		if (tb[IFLA_LINKINFO])
			can_info(tb[IFLA_LINKINFO], &now);
		/* a CAN device reports its last state while down */
		if (!(i->ifi_flags & IFF_UP))
			now.state = CAN_STATE_STOPPED;
	}
	/* RTM_DELLINK: gone, so stopped. Frames the interface did not send
	 * are failed before the client hears of the state (which may make it
	 * fail everything in flight its own way). */
	if (now.state == CAN_STATE_STOPPED)
		serve_ext_down(s, c);
	tell(s, c, &now);
}

void serve_ext_state_resume(struct serve *s, struct serve_client *c)
{
	struct serve_ext *x = c->ext;
	struct link_now now;

	if (!x || !x->state_held)
		return;
	now.state = x->h_state;
	now.txerr = x->h_txerr;
	now.rxerr = x->h_rxerr;
	now.bitrate = x->h_bitrate;
	now.dbitrate = x->h_dbitrate;
	tell(s, c, &now);
}

/* Frames the controller sent before the change are told before it: the
 * client then never takes a frame that left for one lost with a state. */
static void confirmations_first(struct serve *s, struct serve_client *c)
{
	int bytes = 0, i;

	if (!serve_ext_on(c, PROTO_EXT_F_CONFIRM) || c->mode != SERVE_RAW)
		return;
	for (i = 0; i < 64 && c->can >= 0; i++) {
		if (ioctl(c->can, FIONREAD, &bytes) < 0 || !bytes)
			break;
		serve_raw_readable(s, c);
	}
}

void serve_ext_state_readable(struct serve *s, struct serve_client *c)
{
	static char buf[32768];
	struct serve_ext *x = c->ext;
	int rounds;

	confirmations_first(s, c);
	for (rounds = 0; rounds < 16 && x && x->nl >= 0; rounds++) {
		ssize_t n = recv(x->nl, buf, sizeof(buf), MSG_DONTWAIT);
		const struct nlmsghdr *h = (const void *)buf;
		unsigned int len;

		if (n < 0) {
			if (errno == ENOBUFS) { /* missed some: ask anew */
				x->asked = 0;
				serve_ext_state_refresh(c);
			}
			return;
		}
		len = (unsigned int)n;
		for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
			if (h->nlmsg_type == RTM_NEWLINK ||
			    h->nlmsg_type == RTM_DELLINK)
				on_link(s, c, h);
	}
}
