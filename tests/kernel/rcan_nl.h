/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for the rcan tests: no libnl, so a test can build
 * exactly the (mal)formed message it means to send, and read the extack
 * message of every refusal.
 */
#ifndef RCAN_TEST_NL_H
#define RCAN_TEST_NL_H

#include <errno.h>
#include <linux/can.h>
#include <linux/can/error.h>
#include <linux/can/raw.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rcan.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

#define RNL_BUF 65536
#define RNL_PEND 4096

/* One frame inside an RCAN_ATTR_FRAMES nest. */
struct rframe {
	uint32_t id;
	uint32_t flags;
	uint8_t len; /* data length, or RTR length */
	uint8_t data[64];
	uint64_t ts; /* 0: none */
	uint32_t seq;
	bool has_len_attr; /* RTR: send RCAN_FRAME_LEN */
};

struct rnl {
	int fd;
	uint32_t portid;
	uint16_t family;
	uint32_t mcgrp;
	uint32_t seq;
	char extack[256]; /* message of the last refusal */
	/* FRAMES_TX that arrived while waiting for an answer */
	struct rframe *pend;
	int npend;
};

struct rmsg {
	union {
		struct nlmsghdr nlh;
		char buf[RNL_BUF];
	};
};

/* A parsed link as the kernel reports it. */
struct rlink {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	uint32_t flags;
	int attached, connected, carrier;
	uint32_t owner, window, seq, inflight, can_state;
	char remote[RCAN_REMOTE_MAX];
	uint64_t stats[RCAN_STATS_MAX + 1];
	uint32_t bitrate;
	uint32_t dbitrate; /* CAN FD data phase */
};

static inline struct nlattr *rmsg_tail(struct rmsg *m)
{
	return (struct nlattr *)(m->buf + NLMSG_ALIGN(m->nlh.nlmsg_len));
}

static inline void rmsg_put(struct rmsg *m, uint16_t type, const void *data,
			    size_t len)
{
	struct nlattr *a = rmsg_tail(m);

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nlh.nlmsg_len = NLMSG_ALIGN(m->nlh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static inline void rmsg_u32(struct rmsg *m, uint16_t type, uint32_t v)
{
	rmsg_put(m, type, &v, sizeof(v));
}

static inline void rmsg_u16(struct rmsg *m, uint16_t type, uint16_t v)
{
	rmsg_put(m, type, &v, sizeof(v));
}

static inline void rmsg_u8(struct rmsg *m, uint16_t type, uint8_t v)
{
	rmsg_put(m, type, &v, sizeof(v));
}

static inline void rmsg_u64(struct rmsg *m, uint16_t type, uint64_t v)
{
	rmsg_put(m, type, &v, sizeof(v));
}

static inline void rmsg_str(struct rmsg *m, uint16_t type, const char *s)
{
	rmsg_put(m, type, s, strlen(s) + 1);
}

static inline struct nlattr *rmsg_nest(struct rmsg *m, uint16_t type)
{
	struct nlattr *a = rmsg_tail(m);

	rmsg_put(m, type | NLA_F_NESTED, NULL, 0);
	return a;
}

static inline void rmsg_nest_end(struct rmsg *m, struct nlattr *a)
{
	a->nla_len = (uint16_t)(m->buf + m->nlh.nlmsg_len - (char *)a);
}

static inline void rmsg_init(struct rmsg *m, uint16_t family, uint8_t cmd,
			     uint16_t flags)
{
	struct genlmsghdr *g;

	memset(&m->nlh, 0, sizeof(m->nlh));
	m->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh.nlmsg_type = family;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	g = NLMSG_DATA(&m->nlh);
	g->cmd = cmd;
	g->version = RCAN_GENL_VERSION;
	g->reserved = 0;
}

static inline void rmsg_frame(struct rmsg *m, const struct rframe *f)
{
	struct nlattr *n = rmsg_nest(m, RCAN_ATTR_FRAME);

	rmsg_u32(m, RCAN_FRAME_ID, f->id);
	if (f->flags)
		rmsg_u32(m, RCAN_FRAME_FLAGS, f->flags);
	if (f->has_len_attr)
		rmsg_u8(m, RCAN_FRAME_LEN, f->len);
	else
		rmsg_put(m, RCAN_FRAME_DATA, f->data, f->len);
	if (f->ts)
		rmsg_u64(m, RCAN_FRAME_TSTAMP, f->ts);
	rmsg_nest_end(m, n);
}

static inline int rnl_send(struct rnl *n, struct rmsg *m)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	m->nlh.nlmsg_seq = ++n->seq;
	m->nlh.nlmsg_pid = n->portid;
	if (sendto(n->fd, m->buf, m->nlh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	return 0;
}

typedef void (*rnl_cb)(struct nlmsghdr *nlh, void *arg);

static inline void rnl_extack(struct rnl *n, struct nlmsghdr *nlh)
{
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = sizeof(*e);
	struct nlattr *a;

	n->extack[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	for (a = (struct nlattr *)((char *)e + NLMSG_ALIGN(off));
	     (char *)a + NLA_HDRLEN <= (char *)nlh + nlh->nlmsg_len &&
	     a->nla_len >= NLA_HDRLEN;
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			snprintf(n->extack, sizeof(n->extack), "%s",
				 (char *)a + NLA_HDRLEN);
		}
	}
}

static inline int rnl_parse_tx(struct nlmsghdr *nlh, struct rframe *out,
			       int max);

/* Keep FRAMES_TX that arrive while an answer is awaited. */
static inline void rnl_keep_tx(struct rnl *n, struct nlmsghdr *nlh)
{
	if (!n->pend)
		n->pend = calloc(RNL_PEND, sizeof(*n->pend));
	if (n->pend)
		n->npend += rnl_parse_tx(nlh, n->pend + n->npend,
					 RNL_PEND - n->npend);
}

/*
 * Wait for the answer to sequence number @seq: every message for it goes
 * to @cb; returns 0 on the ack or the end of a dump, -errno on an error.
 * Messages with another sequence number (FRAMES_TX, events) go to @other.
 */
static inline int rnl_wait(struct rnl *n, uint32_t seq, rnl_cb cb, void *arg,
			   rnl_cb other, void *oarg)
{
	static char buf[RNL_BUF * 4];

	for (;;) {
		struct pollfd p = { .fd = n->fd, .events = POLLIN };
		struct nlmsghdr *nlh;
		ssize_t len;

		if (poll(&p, 1, 5000) <= 0)
			return -ETIMEDOUT;
		len = recv(n->fd, buf, sizeof(buf), 0);
		if (len < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != seq || !seq) {
				if (other && nlh->nlmsg_type == n->family)
					other(nlh, oarg);
				else if (nlh->nlmsg_type == n->family)
					rnl_keep_tx(n, nlh);
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				rnl_extack(n, nlh);
				return e->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (cb)
				cb(nlh, arg);
		}
	}
}

static inline int rnl_request(struct rnl *n, struct rmsg *m, rnl_cb cb,
			      void *arg)
{
	int err;

	m->nlh.nlmsg_flags |= NLM_F_ACK;
	err = rnl_send(n, m);
	if (err)
		return err;
	return rnl_wait(n, m->nlh.nlmsg_seq, cb, arg, NULL, NULL);
}

/* Attributes of a genetlink message, indexed by type (max 31). */
static inline void rnl_parse(const struct nlattr *start, int len,
			     const struct nlattr **tb, int max)
{
	const struct nlattr *a;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	for (a = start; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	    a = (const struct nlattr *)((const char *)a +
					NLA_ALIGN(a->nla_len))) {
		int t = a->nla_type & NLA_TYPE_MASK;

		if (t <= max)
			tb[t] = a;
	}
}

static inline const void *rnl_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static inline int rnl_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static inline uint32_t rnl_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, rnl_data(a), sizeof(v));
	return v;
}

static inline uint64_t rnl_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, rnl_data(a), sizeof(v));
	return v;
}

static inline uint8_t rnl_u8(const struct nlattr *a)
{
	return *(const uint8_t *)rnl_data(a);
}

static inline const struct nlattr *rnl_genl_attrs(struct nlmsghdr *nlh,
						  int *len)
{
	*len = (int)nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (const struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
}

static inline uint8_t rnl_cmd(struct nlmsghdr *nlh)
{
	return ((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd;
}

/* RCAN_BT_BITRATE of a bit timing nest, 0 without one. */
static inline uint32_t rnl_bitrate(const struct nlattr *nest)
{
	const struct nlattr *bt[RCAN_BT_MAX + 1];

	if (!nest)
		return 0;
	rnl_parse(rnl_data(nest), rnl_len(nest), bt, RCAN_BT_MAX);
	return bt[RCAN_BT_BITRATE] ? rnl_u32(bt[RCAN_BT_BITRATE]) : 0;
}

static inline void rnl_parse_link(struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[RCAN_ATTR_MAX + 1], *st[RCAN_STATS_MAX + 1];
	struct rlink *l = arg;
	int len;
	const struct nlattr *a = rnl_genl_attrs(nlh, &len);

	memset(l, 0, sizeof(*l));
	rnl_parse(a, len, tb, RCAN_ATTR_MAX);
	if (tb[RCAN_ATTR_IFINDEX])
		l->ifindex = rnl_u32(tb[RCAN_ATTR_IFINDEX]);
	if (tb[RCAN_ATTR_IFNAME])
		snprintf(l->ifname, sizeof(l->ifname), "%s",
			 (const char *)rnl_data(tb[RCAN_ATTR_IFNAME]));
	if (tb[RCAN_ATTR_LINK_FLAGS])
		l->flags = rnl_u32(tb[RCAN_ATTR_LINK_FLAGS]);
	if (tb[RCAN_ATTR_ATTACHED])
		l->attached = rnl_u8(tb[RCAN_ATTR_ATTACHED]);
	if (tb[RCAN_ATTR_CONNECTED])
		l->connected = rnl_u8(tb[RCAN_ATTR_CONNECTED]);
	if (tb[RCAN_ATTR_CARRIER])
		l->carrier = rnl_u8(tb[RCAN_ATTR_CARRIER]);
	if (tb[RCAN_ATTR_OWNER_PORTID])
		l->owner = rnl_u32(tb[RCAN_ATTR_OWNER_PORTID]);
	if (tb[RCAN_ATTR_TX_WINDOW])
		l->window = rnl_u32(tb[RCAN_ATTR_TX_WINDOW]);
	if (tb[RCAN_ATTR_SEQ])
		l->seq = rnl_u32(tb[RCAN_ATTR_SEQ]);
	if (tb[RCAN_ATTR_INFLIGHT])
		l->inflight = rnl_u32(tb[RCAN_ATTR_INFLIGHT]);
	if (tb[RCAN_ATTR_CAN_STATE])
		l->can_state = rnl_u32(tb[RCAN_ATTR_CAN_STATE]);
	if (tb[RCAN_ATTR_REMOTE])
		snprintf(l->remote, sizeof(l->remote), "%s",
			 (const char *)rnl_data(tb[RCAN_ATTR_REMOTE]));
	if (tb[RCAN_ATTR_STATS]) {
		int i;

		rnl_parse(rnl_data(tb[RCAN_ATTR_STATS]),
			  rnl_len(tb[RCAN_ATTR_STATS]), st, RCAN_STATS_MAX);
		for (i = 1; i <= RCAN_STATS_MAX; i++)
			if (st[i] && rnl_len(st[i]) == 8)
				l->stats[i] = rnl_u64(st[i]);
	}
	l->bitrate = rnl_bitrate(tb[RCAN_ATTR_BITTIMING]);
	l->dbitrate = rnl_bitrate(tb[RCAN_ATTR_DATA_BITTIMING]);
}

static inline void rnl_family_cb(struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct rnl *n = arg;
	int len;
	const struct nlattr *a = rnl_genl_attrs(nlh, &len);

	rnl_parse(a, len, tb, CTRL_ATTR_MAX);
	if (tb[CTRL_ATTR_FAMILY_ID])
		n->family = *(const uint16_t *)rnl_data(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_MCAST_GROUPS]) {
		const struct nlattr *g = rnl_data(tb[CTRL_ATTR_MCAST_GROUPS]);
		int glen = rnl_len(tb[CTRL_ATTR_MCAST_GROUPS]);

		while (glen >= NLA_HDRLEN && g->nla_len >= NLA_HDRLEN) {
			const struct nlattr *gt[CTRL_ATTR_MCAST_GRP_MAX + 1];

			rnl_parse(rnl_data(g), rnl_len(g), gt,
				  CTRL_ATTR_MCAST_GRP_MAX);
			if (gt[CTRL_ATTR_MCAST_GRP_ID] &&
			    gt[CTRL_ATTR_MCAST_GRP_NAME] &&
			    !strcmp(rnl_data(gt[CTRL_ATTR_MCAST_GRP_NAME]),
				    RCAN_GENL_MCGRP_EVENTS))
				n->mcgrp = rnl_u32(gt[CTRL_ATTR_MCAST_GRP_ID]);
			glen -= NLA_ALIGN(g->nla_len);
			g = (const struct nlattr *)((const char *)g +
						    NLA_ALIGN(g->nla_len));
		}
	}
}

/* Open a socket and resolve the rcan family; 0 or -errno. */
static inline int rnl_open(struct rnl *n)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t salen = sizeof(sa);
	int one = 1, big = 4 << 20;
	static struct rmsg m;
	int err;

	memset(n, 0, sizeof(*n));
	n->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (n->fd < 0)
		return -errno;
	if (bind(n->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(n->fd, (struct sockaddr *)&sa, &salen) < 0) {
		err = -errno;
		close(n->fd);
		return err;
	}
	n->portid = sa.nl_pid;
	setsockopt(n->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (setsockopt(n->fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(n->fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	rmsg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	((struct genlmsghdr *)NLMSG_DATA(&m.nlh))->version = 1;
	rmsg_str(&m, CTRL_ATTR_FAMILY_NAME, RCAN_GENL_NAME);
	err = rnl_request(n, &m, rnl_family_cb, n);
	if (!err && !n->family)
		err = -ENOENT;
	if (err)
		close(n->fd);
	return err;
}

static inline void rnl_close(struct rnl *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
	free(n->pend);
	n->pend = NULL;
	n->npend = 0;
}

static inline int rnl_subscribe(struct rnl *n)
{
	return setsockopt(n->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			  &n->mcgrp, sizeof(n->mcgrp)) ? -errno : 0;
}

/* LINK_NEW; @name may be NULL; out may be NULL. */
static inline int rnl_link_new(struct rnl *n, const char *name, uint32_t flags,
			       uint32_t window, bool attach, struct rlink *out)
{
	static struct rmsg m;
	struct rlink tmp;

	rmsg_init(&m, n->family, RCAN_CMD_LINK_NEW, 0);
	if (name)
		rmsg_str(&m, RCAN_ATTR_IFNAME, name);
	if (flags)
		rmsg_u32(&m, RCAN_ATTR_LINK_FLAGS, flags);
	if (window)
		rmsg_u32(&m, RCAN_ATTR_TX_WINDOW, window);
	if (attach)
		rmsg_put(&m, RCAN_ATTR_ATTACH, NULL, 0);
	return rnl_request(n, &m, rnl_parse_link, out ? out : &tmp);
}

/* A command carrying only RCAN_ATTR_IFINDEX (DEL, GET, ATTACH, DETACH). */
static inline int rnl_ifindex_cmd(struct rnl *n, uint8_t cmd, uint32_t ifindex,
				  struct rlink *out)
{
	static struct rmsg m;
	struct rlink tmp;

	rmsg_init(&m, n->family, cmd, 0);
	rmsg_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
	return rnl_request(n, &m, rnl_parse_link, out ? out : &tmp);
}

/*
 * After the carrier comes on, the stack's link watcher activates the
 * qdisc; until then frames go to the noop qdisc (dropped, as on any
 * device without carrier). Wait for it, up to 2 s.
 */
static inline bool wait_operstate_up(const char *ifname)
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

static inline int rnl_set_connected(struct rnl *n, uint32_t ifindex, int up)
{
	static struct rmsg m;

	rmsg_init(&m, n->family, RCAN_CMD_LINK_SET, 0);
	rmsg_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
	rmsg_u8(&m, RCAN_ATTR_CONNECTED, (uint8_t)up);
	return rnl_request(n, &m, NULL, NULL);
}

/* Connect and wait until frames can be sent (see wait_operstate_up). */
static inline int rnl_connect_wait(struct rnl *n, const struct rlink *l)
{
	int err = rnl_set_connected(n, l->ifindex, 1);

	if (!err && !wait_operstate_up(l->ifname))
		err = -ETIMEDOUT;
	return err;
}

/* TX_DONE/TX_FAIL up to @seq (by_count: the @seq oldest). */
static inline int rnl_verdict(struct rnl *n, uint8_t cmd, uint32_t ifindex,
			      uint32_t v, bool by_count)
{
	static struct rmsg m;

	rmsg_init(&m, n->family, cmd, 0);
	rmsg_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
	rmsg_u32(&m, by_count ? RCAN_ATTR_COUNT : RCAN_ATTR_SEQ, v);
	return rnl_request(n, &m, NULL, NULL);
}

static inline int rnl_rx(struct rnl *n, uint32_t ifindex,
			 const struct rframe *f, int count)
{
	static struct rmsg m;
	struct nlattr *nest;
	int i;

	rmsg_init(&m, n->family, RCAN_CMD_FRAMES_RX, 0);
	rmsg_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
	nest = rmsg_nest(&m, RCAN_ATTR_FRAMES);
	for (i = 0; i < count; i++)
		rmsg_frame(&m, &f[i]);
	rmsg_nest_end(&m, nest);
	return rnl_request(n, &m, NULL, NULL);
}

/* Frames of one FRAMES_TX message, appended to out[] (at most max). */
static inline int rnl_parse_tx(struct nlmsghdr *nlh, struct rframe *out,
			       int max)
{
	const struct nlattr *tb[RCAN_ATTR_MAX + 1];
	const struct nlattr *f;
	int len, flen, n = 0;
	const struct nlattr *a = rnl_genl_attrs(nlh, &len);

	if (rnl_cmd(nlh) != RCAN_CMD_FRAMES_TX)
		return 0;
	rnl_parse(a, len, tb, RCAN_ATTR_MAX);
	if (!tb[RCAN_ATTR_FRAMES])
		return 0;
	f = rnl_data(tb[RCAN_ATTR_FRAMES]);
	flen = rnl_len(tb[RCAN_ATTR_FRAMES]);
	while (flen >= NLA_HDRLEN && f->nla_len >= NLA_HDRLEN && n < max) {
		const struct nlattr *ft[RCAN_FRAME_MAX + 1];
		struct rframe *r = &out[n++];

		memset(r, 0, sizeof(*r));
		rnl_parse(rnl_data(f), rnl_len(f), ft, RCAN_FRAME_MAX);
		if (ft[RCAN_FRAME_ID])
			r->id = rnl_u32(ft[RCAN_FRAME_ID]);
		if (ft[RCAN_FRAME_FLAGS])
			r->flags = rnl_u32(ft[RCAN_FRAME_FLAGS]);
		if (ft[RCAN_FRAME_SEQ])
			r->seq = rnl_u32(ft[RCAN_FRAME_SEQ]);
		if (ft[RCAN_FRAME_DATA]) {
			r->len = (uint8_t)rnl_len(ft[RCAN_FRAME_DATA]);
			memcpy(r->data, rnl_data(ft[RCAN_FRAME_DATA]), r->len);
		}
		if (ft[RCAN_FRAME_LEN]) {
			r->len = rnl_u8(ft[RCAN_FRAME_LEN]);
			r->has_len_attr = true;
		}
		flen -= NLA_ALIGN(f->nla_len);
		f = (const struct nlattr *)((const char *)f +
					    NLA_ALIGN(f->nla_len));
	}
	return n;
}

/*
 * Read FRAMES_TX messages until @want frames arrived or @timeout_ms passed
 * without any; returns how many frames were read.
 */
static inline int rnl_read_tx(struct rnl *n, struct rframe *out, int want,
			      int timeout_ms)
{
	static char buf[RNL_BUF * 4];
	int got = 0;

	if (n->npend) {
		got = n->npend < want ? n->npend : want;
		memcpy(out, n->pend, sizeof(*out) * got);
		memmove(n->pend, n->pend + got,
			sizeof(*out) * (n->npend - got));
		n->npend -= got;
	}
	while (got < want) {
		struct pollfd p = { .fd = n->fd, .events = POLLIN };
		struct nlmsghdr *nlh;
		ssize_t len;

		if (poll(&p, 1, timeout_ms) <= 0)
			break;
		len = recv(n->fd, buf, sizeof(buf), 0);
		if (len < 0) {
			fprintf(stderr, "# rnl_read_tx: recv: %s\n",
				strerror(errno));
			break;
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len))
			if (nlh->nlmsg_type == n->family)
				got += rnl_parse_tx(nlh, out + got, want - got);
	}
	return got;
}

/* A raw CAN socket bound to @ifindex; nonblocking. */
static inline int can_open(uint32_t ifindex, bool fd_frames)
{
	struct sockaddr_can sa = { .can_family = AF_CAN };
	int s = socket(PF_CAN, SOCK_RAW | SOCK_NONBLOCK, CAN_RAW);
	int one = 1;

	if (s < 0)
		return -1;
	sa.can_ifindex = (int)ifindex;
	if (fd_frames)
		setsockopt(s, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(s);
		return -1;
	}
	return s;
}

static inline int if_set_up(const char *name, bool up)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM, 0), rc;

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

/* Wait up to @ms for a readable fd. */
static inline bool wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

#endif /* RCAN_TEST_NL_H */
