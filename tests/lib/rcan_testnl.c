// SPDX-License-Identifier: GPL-2.0
/*
 * Raw generic netlink for rcan's tests: see rcan_testnl.h.
 */
#include "rcan_testnl.h"

#include <errno.h>
#include <linux/can.h>
#include <linux/can/raw.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* The requests below build here, and read there; one per thread. */
static __thread struct tnl_msg req;
static __thread unsigned char rx_buf[TNL_RX_MAX];

/* ---- messages ---- */

void tnl_msg_init(struct tnl_msg *m, uint16_t type, uint16_t flags, uint8_t cmd,
		  uint8_t version)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->nlh.nlmsg_len = (uint32_t)m->len;
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = flags;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = version;
}

void tnl_req_init(struct tnl_msg *m, uint16_t family, uint8_t cmd,
		  uint16_t flags)
{
	tnl_msg_init(m, family, NLM_F_REQUEST | flags, cmd, RCAN_GENL_VERSION);
}

struct nlattr *tnl_put(struct tnl_msg *m, uint16_t type, const void *data,
		       size_t len)
{
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);
	struct nlattr *nla;

	if (m->len + total > TNL_MSG_MAX || NLA_HDRLEN + len > 0xffff)
		return NULL;
	nla = (struct nlattr *)(m->buf + m->len);
	nla->nla_type = type;
	nla->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy(m->buf + m->len + NLA_HDRLEN, data, len);
	memset(m->buf + m->len + NLA_HDRLEN + len, 0, total - NLA_HDRLEN - len);
	m->len += total;
	m->nlh.nlmsg_len = (uint32_t)m->len;
	return nla;
}

void tnl_put_u8(struct tnl_msg *m, uint16_t type, uint8_t v)
{
	tnl_put(m, type, &v, sizeof(v));
}

void tnl_put_u16(struct tnl_msg *m, uint16_t type, uint16_t v)
{
	tnl_put(m, type, &v, sizeof(v));
}

void tnl_put_u32(struct tnl_msg *m, uint16_t type, uint32_t v)
{
	tnl_put(m, type, &v, sizeof(v));
}

void tnl_put_u64(struct tnl_msg *m, uint16_t type, uint64_t v)
{
	tnl_put(m, type, &v, sizeof(v));
}

void tnl_put_str(struct tnl_msg *m, uint16_t type, const char *s)
{
	tnl_put(m, type, s, strlen(s) + 1);
}

struct nlattr *tnl_nest_start(struct tnl_msg *m, uint16_t type)
{
	return tnl_put(m, type | NLA_F_NESTED, NULL, 0);
}

void tnl_nest_end(struct tnl_msg *m, struct nlattr *nest)
{
	size_t len;

	if (!nest)
		return;
	len = m->len - (size_t)((unsigned char *)nest - m->buf);
	nest->nla_len = (uint16_t)(len > 0xffff ? 0xffff : len);
}

void tnl_put_frame(struct tnl_msg *m, const struct tnl_frame *f)
{
	struct nlattr *n = tnl_nest_start(m, RCAN_ATTR_FRAME);

	tnl_put_u32(m, RCAN_FRAME_ID, f->id);
	if (f->flags)
		tnl_put_u32(m, RCAN_FRAME_FLAGS, f->flags);
	if (f->has_len_attr)
		tnl_put_u8(m, RCAN_FRAME_LEN, f->len);
	else
		tnl_put(m, RCAN_FRAME_DATA, f->data, f->len);
	if (f->ts)
		tnl_put_u64(m, RCAN_FRAME_TSTAMP, f->ts);
	tnl_nest_end(m, n);
}

void tnl_put_frames(struct tnl_msg *m, const struct tnl_frame *f, int count)
{
	struct nlattr *nest = tnl_nest_start(m, RCAN_ATTR_FRAMES);
	int i;

	for (i = 0; i < count; i++)
		tnl_put_frame(m, &f[i]);
	tnl_nest_end(m, nest);
}

/* ---- parsing ---- */

bool tnl_attr_ok(const struct nlattr *a, int rem)
{
	return rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem;
}

const struct nlattr *tnl_attr_next(const struct nlattr *a, int *rem)
{
	*rem -= NLA_ALIGN(a->nla_len);
	return (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len));
}

const void *tnl_attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

int tnl_attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

uint8_t tnl_attr_u8(const struct nlattr *a)
{
	return *(const uint8_t *)tnl_attr_data(a);
}

uint16_t tnl_attr_u16(const struct nlattr *a)
{
	uint16_t v;

	memcpy(&v, tnl_attr_data(a), sizeof(v));
	return v;
}

uint32_t tnl_attr_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, tnl_attr_data(a), sizeof(v));
	return v;
}

uint64_t tnl_attr_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, tnl_attr_data(a), sizeof(v));
	return v;
}

const struct nlattr *tnl_genl_attrs(const struct nlmsghdr *nlh, int *len)
{
	*len = (int)nlh->nlmsg_len - (int)NLMSG_LENGTH(GENL_HDRLEN);
	return (const struct nlattr *)((const char *)NLMSG_DATA(nlh) +
				       GENL_HDRLEN);
}

uint8_t tnl_cmd(const struct nlmsghdr *nlh)
{
	return ((const struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
}

void tnl_parse(const struct nlattr *head, int len, const struct nlattr **tb,
	       int max)
{
	const struct nlattr *a;
	int rem, i;

	for (i = 0; i <= max; i++)
		tb[i] = NULL;
	tnl_for_each_attr(a, head, len, rem) {
		int t = a->nla_type & NLA_TYPE_MASK;

		if (t <= max)
			tb[t] = a;
	}
}

void tnl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		      int max)
{
	tnl_parse(tnl_attr_data(nest), tnl_attr_len(nest), tb, max);
}

void tnl_parse_genl(const struct nlmsghdr *nlh, const struct nlattr **tb,
		    int max)
{
	int len;
	const struct nlattr *a = tnl_genl_attrs(nlh, &len);

	tnl_parse(a, len, tb, max);
}

void tnl_extack(const struct nlmsghdr *nlh, char *buf, size_t size)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = sizeof(*e);
	const struct nlattr *a;
	int rem;

	buf[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_HDRLEN + NLMSG_ALIGN(off);
	if (off > nlh->nlmsg_len)
		return;
	tnl_for_each_attr(a, (const struct nlattr *)((const char *)nlh + off),
			  (int)(nlh->nlmsg_len - off), rem) {
		size_t n = (size_t)tnl_attr_len(a);

		if ((a->nla_type & NLA_TYPE_MASK) != NLMSGERR_ATTR_MSG)
			continue;
		if (n >= size)
			n = size - 1;
		memcpy(buf, tnl_attr_data(a), n);
		buf[n] = 0;
	}
}

/* RCAN_BT_BITRATE of a bit timing nest, 0 without one. */
static uint32_t bitrate(const struct nlattr *nest)
{
	const struct nlattr *bt[RCAN_BT_MAX + 1];

	if (!nest)
		return 0;
	tnl_parse_nested(nest, bt, RCAN_BT_MAX);
	return bt[RCAN_BT_BITRATE] ? tnl_attr_u32(bt[RCAN_BT_BITRATE]) : 0;
}

static void copy_str(char *dst, size_t size, const struct nlattr *a)
{
	if (a)
		snprintf(dst, size, "%.*s", tnl_attr_len(a),
			 (const char *)tnl_attr_data(a));
}

static uint32_t u32_or_0(const struct nlattr *a)
{
	return a ? tnl_attr_u32(a) : 0;
}

static int u8_or_0(const struct nlattr *a)
{
	return a ? tnl_attr_u8(a) : 0;
}

void tnl_parse_link(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[RCAN_ATTR_MAX + 1], *st[RCAN_STATS_MAX + 1];
	struct tnl_link *l = arg;
	int i;

	memset(l, 0, sizeof(*l));
	tnl_parse_genl(nlh, tb, RCAN_ATTR_MAX);
	l->ifindex = u32_or_0(tb[RCAN_ATTR_IFINDEX]);
	copy_str(l->ifname, sizeof(l->ifname), tb[RCAN_ATTR_IFNAME]);
	l->flags = u32_or_0(tb[RCAN_ATTR_LINK_FLAGS]);
	l->attached = u8_or_0(tb[RCAN_ATTR_ATTACHED]);
	l->connected = u8_or_0(tb[RCAN_ATTR_CONNECTED]);
	l->carrier = u8_or_0(tb[RCAN_ATTR_CARRIER]);
	l->owner = u32_or_0(tb[RCAN_ATTR_OWNER_PORTID]);
	l->window = u32_or_0(tb[RCAN_ATTR_TX_WINDOW]);
	l->seq = u32_or_0(tb[RCAN_ATTR_SEQ]);
	l->inflight = u32_or_0(tb[RCAN_ATTR_INFLIGHT]);
	l->can_state = u32_or_0(tb[RCAN_ATTR_CAN_STATE]);
	copy_str(l->remote, sizeof(l->remote), tb[RCAN_ATTR_REMOTE]);
	if (tb[RCAN_ATTR_STATS]) {
		tnl_parse_nested(tb[RCAN_ATTR_STATS], st, RCAN_STATS_MAX);
		for (i = 1; i <= RCAN_STATS_MAX; i++)
			if (st[i] && tnl_attr_len(st[i]) == 8)
				l->stats[i] = tnl_attr_u64(st[i]);
	}
	l->bitrate = bitrate(tb[RCAN_ATTR_BITTIMING]);
	l->dbitrate = bitrate(tb[RCAN_ATTR_DATA_BITTIMING]);
}

static void parse_frame(const struct nlattr *nest, struct tnl_frame *r)
{
	const struct nlattr *ft[RCAN_FRAME_MAX + 1];

	memset(r, 0, sizeof(*r));
	tnl_parse_nested(nest, ft, RCAN_FRAME_MAX);
	r->id = u32_or_0(ft[RCAN_FRAME_ID]);
	r->flags = u32_or_0(ft[RCAN_FRAME_FLAGS]);
	r->seq = u32_or_0(ft[RCAN_FRAME_SEQ]);
	if (ft[RCAN_FRAME_DATA]) {
		int len = tnl_attr_len(ft[RCAN_FRAME_DATA]);

		if (len > (int)sizeof(r->data))
			len = sizeof(r->data);
		r->len = (uint8_t)len;
		memcpy(r->data, tnl_attr_data(ft[RCAN_FRAME_DATA]), r->len);
	}
	if (ft[RCAN_FRAME_LEN]) {
		r->len = tnl_attr_u8(ft[RCAN_FRAME_LEN]);
		r->has_len_attr = true;
	}
}

int tnl_parse_tx(const struct nlmsghdr *nlh, struct tnl_frame *out, int max)
{
	const struct nlattr *tb[RCAN_ATTR_MAX + 1];
	const struct nlattr *f;
	int rem, n = 0;

	if (tnl_cmd(nlh) != RCAN_CMD_FRAMES_TX)
		return 0;
	tnl_parse_genl(nlh, tb, RCAN_ATTR_MAX);
	if (!tb[RCAN_ATTR_FRAMES])
		return 0;
	tnl_for_each_nested(f, tb[RCAN_ATTR_FRAMES], rem) {
		if (n >= max)
			break;
		parse_frame(f, &out[n++]);
	}
	return n;
}

/* ---- requests ---- */

int tnl_socket(struct tnl *n, int rcvbuf)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t salen = sizeof(sa);
	int one = 1, err;

	memset(n, 0, sizeof(*n));
	n->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (n->fd < 0)
		return -errno;
	if (bind(n->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(n->fd, (struct sockaddr *)&sa, &salen) < 0) {
		err = -errno;
		close(n->fd);
		n->fd = -1;
		return err;
	}
	n->portid = sa.nl_pid;
	setsockopt(n->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (setsockopt(n->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)))
		setsockopt(n->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	return 0;
}

/* CTRL_ATTR_MCAST_GROUPS: a nest of nests of a name and an id. */
static uint32_t events_group(const struct nlattr *groups)
{
	const struct nlattr *g, *gt[CTRL_ATTR_MCAST_GRP_MAX + 1];
	int rem;

	tnl_for_each_nested(g, groups, rem) {
		tnl_parse_nested(g, gt, CTRL_ATTR_MCAST_GRP_MAX);
		if (gt[CTRL_ATTR_MCAST_GRP_ID] &&
		    gt[CTRL_ATTR_MCAST_GRP_NAME] &&
		    !strncmp(tnl_attr_data(gt[CTRL_ATTR_MCAST_GRP_NAME]),
			     RCAN_GENL_MCGRP_EVENTS,
			     sizeof(RCAN_GENL_MCGRP_EVENTS)))
			return tnl_attr_u32(gt[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

static void family_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct tnl *n = arg;

	tnl_parse_genl(nlh, tb, CTRL_ATTR_MAX);
	if (tb[CTRL_ATTR_FAMILY_ID])
		n->family = tnl_attr_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		n->mcgrp = events_group(tb[CTRL_ATTR_MCAST_GROUPS]);
}

int tnl_open(struct tnl *n)
{
	int err = tnl_socket(n, 4 << 20);

	if (err)
		return err;
	tnl_msg_init(&req, GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY, 1);
	tnl_put_str(&req, CTRL_ATTR_FAMILY_NAME, RCAN_GENL_NAME);
	err = tnl_request(n, &req, family_cb, n);
	if (!err && !n->family)
		err = -ENOENT;
	if (err)
		tnl_close(n);
	return err;
}

void tnl_close(struct tnl *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
	free(n->pend);
	n->pend = NULL;
	n->npend = 0;
}

int tnl_subscribe(struct tnl *n)
{
	return setsockopt(n->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &n->mcgrp,
			  sizeof(n->mcgrp)) ?
		       -errno :
		       0;
}

int tnl_send(struct tnl *n, struct tnl_msg *m)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	m->nlh.nlmsg_seq = ++n->seq;
	m->nlh.nlmsg_pid = n->portid;
	if (sendto(n->fd, m->buf, m->len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* Keep FRAMES_TX that arrive while an answer is awaited. */
static void keep_tx(struct tnl *n, const struct nlmsghdr *nlh)
{
	if (!n->pend)
		n->pend = calloc(TNL_PEND, sizeof(*n->pend));
	if (n->pend)
		n->npend += tnl_parse_tx(nlh, n->pend + n->npend,
					 TNL_PEND - n->npend);
}

/* One datagram within @ms; its length, or -errno (-ETIMEDOUT). */
static ssize_t recv_within(struct tnl *n, int ms)
{
	struct pollfd p = { .fd = n->fd, .events = POLLIN };
	ssize_t len;

	if (poll(&p, 1, ms) <= 0)
		return -ETIMEDOUT;
	len = recv(n->fd, rx_buf, sizeof(rx_buf), 0);
	return len < 0 ? -errno : len;
}

int tnl_wait(struct tnl *n, uint32_t seq, tnl_cb cb, void *arg, tnl_cb other,
	     void *oarg)
{
	for (;;) {
		ssize_t len = recv_within(n, 5000);
		struct nlmsghdr *nlh;

		if (len == -EINTR || len == -EAGAIN)
			continue;
		if (len < 0)
			return (int)len;
		tnl_for_each_msg(nlh, rx_buf, len) {
			if (nlh->nlmsg_seq != seq || !seq) {
				if (other && nlh->nlmsg_type == n->family)
					other(nlh, oarg);
				else if (nlh->nlmsg_type == n->family)
					keep_tx(n, nlh);
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				tnl_extack(nlh, n->extack, sizeof(n->extack));
				return e->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				/* A dump that failed says why here. */
				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					return *(const int *)NLMSG_DATA(nlh);
				return 0;
			}
			if (cb)
				cb(nlh, arg);
		}
	}
}

int tnl_request(struct tnl *n, struct tnl_msg *m, tnl_cb cb, void *arg)
{
	int err;

	m->nlh.nlmsg_flags |= NLM_F_ACK;
	err = tnl_send(n, m);
	if (err)
		return err;
	return tnl_wait(n, m->nlh.nlmsg_seq, cb, arg, NULL, NULL);
}

int tnl_link_new(struct tnl *n, const char *name, uint32_t flags,
		 uint32_t window, bool attach, struct tnl_link *out)
{
	struct tnl_link tmp;

	tnl_req_init(&req, n->family, RCAN_CMD_LINK_NEW, 0);
	if (name)
		tnl_put_str(&req, RCAN_ATTR_IFNAME, name);
	if (flags)
		tnl_put_u32(&req, RCAN_ATTR_LINK_FLAGS, flags);
	if (window)
		tnl_put_u32(&req, RCAN_ATTR_TX_WINDOW, window);
	if (attach)
		tnl_put(&req, RCAN_ATTR_ATTACH, NULL, 0);
	return tnl_request(n, &req, tnl_parse_link, out ? out : &tmp);
}

int tnl_ifindex_cmd(struct tnl *n, uint8_t cmd, uint32_t ifindex,
		    struct tnl_link *out)
{
	struct tnl_link tmp;

	tnl_req_init(&req, n->family, cmd, 0);
	tnl_put_u32(&req, RCAN_ATTR_IFINDEX, ifindex);
	return tnl_request(n, &req, tnl_parse_link, out ? out : &tmp);
}

struct tnl_link tnl_get_link(struct tnl *n, uint32_t ifindex)
{
	struct tnl_link l;

	memset(&l, 0, sizeof(l));
	tnl_ifindex_cmd(n, RCAN_CMD_LINK_GET, ifindex, &l);
	return l;
}

int tnl_set_connected(struct tnl *n, uint32_t ifindex, int up)
{
	tnl_req_init(&req, n->family, RCAN_CMD_LINK_SET, 0);
	tnl_put_u32(&req, RCAN_ATTR_IFINDEX, ifindex);
	tnl_put_u8(&req, RCAN_ATTR_CONNECTED, (uint8_t)up);
	return tnl_request(n, &req, NULL, NULL);
}

int tnl_connect_wait(struct tnl *n, const struct tnl_link *l)
{
	int err = tnl_set_connected(n, l->ifindex, 1);

	if (!err && !tnl_wait_operstate_up(l->ifname))
		err = -ETIMEDOUT;
	return err;
}

int tnl_link_ready(struct tnl *n, const char *name, uint32_t flags,
		   uint32_t window, struct tnl_link *out)
{
	int err = tnl_link_new(n, name, flags, window, true, out);

	if (!err)
		err = tnl_if_set_up(out->ifname, true) ? -errno : 0;
	if (!err)
		err = tnl_connect_wait(n, out);
	return err;
}

int tnl_verdict(struct tnl *n, uint8_t cmd, uint32_t ifindex, uint32_t seq)
{
	tnl_req_init(&req, n->family, cmd, 0);
	tnl_put_u32(&req, RCAN_ATTR_IFINDEX, ifindex);
	tnl_put_u32(&req, RCAN_ATTR_SEQ, seq);
	return tnl_request(n, &req, NULL, NULL);
}

int tnl_rx(struct tnl *n, uint32_t ifindex, const struct tnl_frame *f,
	   int count)
{
	tnl_req_init(&req, n->family, RCAN_CMD_FRAMES_RX, 0);
	tnl_put_u32(&req, RCAN_ATTR_IFINDEX, ifindex);
	tnl_put_frames(&req, f, count);
	return tnl_request(n, &req, NULL, NULL);
}

int tnl_read_tx(struct tnl *n, struct tnl_frame *out, int want, int timeout_ms)
{
	int got = 0;

	if (n->npend) {
		got = n->npend < want ? n->npend : want;
		memcpy(out, n->pend, sizeof(*out) * got);
		memmove(n->pend, n->pend + got,
			sizeof(*out) * (n->npend - got));
		n->npend -= got;
	}
	while (got < want) {
		ssize_t len = recv_within(n, timeout_ms);
		struct nlmsghdr *nlh;

		if (len == -ETIMEDOUT)
			break;
		if (len < 0) {
			fprintf(stderr, "# tnl_read_tx: recv: %s\n",
				strerror((int)-len));
			break;
		}
		tnl_for_each_msg(nlh, rx_buf, len)
			if (nlh->nlmsg_type == n->family)
				got += tnl_parse_tx(nlh, out + got, want - got);
	}
	return got;
}

/* ---- netdevs and CAN_RAW sockets ---- */

int tnl_can_open(uint32_t ifindex, bool fd_frames)
{
	struct sockaddr_can sa = { .can_family = AF_CAN };
	int s = socket(PF_CAN, SOCK_RAW | SOCK_NONBLOCK, CAN_RAW);
	int one = 1;

	if (s < 0)
		return -1;
	sa.can_ifindex = (int)ifindex;
	if (fd_frames)
		setsockopt(s, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &one,
			   sizeof(one));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(s);
		return -1;
	}
	return s;
}

int tnl_if_set_up(const char *name, bool up)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (!rc) {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return rc;
}

bool tnl_wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

bool tnl_wait_operstate_up(const char *ifname)
{
	char path[128], st[16];
	int i;

	snprintf(path, sizeof(path), "/sys/class/net/%s/operstate", ifname);
	for (i = 0; i < 200; i++) {
		FILE *f = fopen(path, "r");

		st[0] = 0;
		if (f) {
			if (!fgets(st, sizeof(st), f))
				st[0] = 0;
			fclose(f);
		}
		if (!strncmp(st, "up", 2))
			return true;
		usleep(10000);
	}
	return false;
}
