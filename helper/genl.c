// SPDX-License-Identifier: GPL-2.0
/*
 * libnl-genl-3 client of the "rcan" family. See genl.h for the model:
 * waited-for requests carry NLM_F_ACK and are matched by sequence number;
 * everything else is dispatched to the async callback, so FRAMES_TX that
 * arrive while a request is pending are never lost.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "genl.h"
#include "log.h"

#define WAIT_MS 5000

/* libnl's own error codes into errno values a person can read */
static int nlerr2errno(int nlerr)
{
	if (nlerr >= 0)
		return 0;
	switch (-nlerr) {
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

static void remember_sent(struct rnl *n, uint32_t seq, int cmd)
{
	unsigned int i = n->sent_pos++ % 16;

	n->sent_seq[i] = seq;
	n->sent_cmd[i] = (uint8_t)cmd;
}

static int sent_cmd(struct rnl *n, uint32_t seq)
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		if (n->sent_seq[i] == seq)
			return n->sent_cmd[i];
	return 0;
}

/*
 * One message from the kernel, whichever way it was read: the reply to
 * the request being waited for, or something for the async callback.
 */
static int on_message(struct rnl *n, struct nlmsghdr *nlh, int multicast)
{
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[RCAN_ATTR_MAX + 1];

	if (nlh->nlmsg_type != n->family ||
	    genlmsg_parse(nlh, 0, tb, RCAN_ATTR_MAX, NULL) < 0)
		return NL_SKIP;
	if (!multicast && n->wait_seq && nlh->nlmsg_seq == n->wait_seq) {
		if (n->dump_cb) {
			struct rnl_link l;

			rnl_parse_link(tb, &l);
			n->dump_cb(&l, n->dump_arg);
		} else if (n->wait_link) {
			rnl_parse_link(tb, n->wait_link);
		}
		return NL_OK;
	}
	if (n->on_async)
		n->on_async(n, g->cmd, tb, 0, n->arg);
	return NL_OK;
}

static void on_ack(struct rnl *n, uint32_t seq)
{
	if (n->wait_seq && seq == n->wait_seq)
		n->wait_done = 1;
}

static void on_error(struct rnl *n, const struct nlmsgerr *e)
{
	if (n->wait_seq && e->msg.nlmsg_seq == n->wait_seq) {
		n->wait_err = e->error;
		n->wait_done = 1;
	} else if (n->on_async) {
		n->on_async(n, sent_cmd(n, e->msg.nlmsg_seq), NULL, e->error,
			    n->arg);
	}
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct sockaddr_nl *src = nlmsg_get_src(msg);

	return on_message(arg, nlmsg_hdr(msg), src && src->nl_groups);
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	on_ack(arg, nlmsg_hdr(msg)->nlmsg_seq);
	return NL_OK;
}

static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	(void)nla;
	on_error(arg, e);
	return NL_SKIP;
}

int rnl_open(struct rnl *n, rnl_async_cb cb, void *arg)
{
	int rc;

	memset(n, 0, sizeof(*n));
	n->on_async = cb;
	n->arg = arg;
	n->sk = nl_socket_alloc();
	if (!n->sk)
		return -ENOMEM;
	rc = genl_connect(n->sk);
	if (rc < 0) {
		rc = nlerr2errno(rc);
		goto fail;
	}
	n->family = genl_ctrl_resolve(n->sk, RCAN_GENL_NAME);
	if (n->family < 0) {
		rc = -ENOENT;
		goto fail;
	}
	n->mcgrp = genl_ctrl_resolve_grp(n->sk, RCAN_GENL_NAME,
					 RCAN_GENL_MCGRP_EVENTS);
	nl_socket_disable_seq_check(n->sk);
	nl_socket_disable_auto_ack(n->sk);
	nl_socket_enable_msg_peek(n->sk);
	nl_socket_modify_cb(n->sk, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, n);
	nl_socket_modify_cb(n->sk, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, n);
	nl_socket_modify_cb(n->sk, NL_CB_FINISH, NL_CB_CUSTOM, ack_cb, n);
	nl_socket_modify_err_cb(n->sk, NL_CB_CUSTOM, err_cb, n);
	n->portid = nl_socket_get_local_port(n->sk);
	return 0;
fail:
	nl_socket_free(n->sk);
	n->sk = NULL;
	return rc;
}

void rnl_close(struct rnl *n)
{
	if (n->sk)
		nl_socket_free(n->sk);
	n->sk = NULL;
	free(n->rxbuf);
	n->rxbuf = NULL;
	if (n->rx_spare)
		nlmsg_free(n->rx_spare);
	n->rx_spare = NULL;
}

int rnl_subscribe_events(struct rnl *n)
{
	int rc;

	if (n->mcgrp < 0) {
		log_debug("no multicast group \"%s\": %s",
			  RCAN_GENL_MCGRP_EVENTS, nl_geterror(n->mcgrp));
		return -ENOENT;
	}
	rc = nl_socket_add_membership(n->sk, n->mcgrp);
	if (rc < 0)
		log_debug("joining multicast group %d: %s (errno %d)", n->mcgrp,
			  nl_geterror(rc), errno);
	return nlerr2errno(rc);
}

int rnl_setup_datapath(struct rnl *n, int rcvbuf)
{
	int fd = nl_socket_get_fd(n->sk);

	/* Beyond rmem_max needs CAP_NET_ADMIN, which rcand has anyway. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	nl_socket_set_msg_buf_size(n->sk, 65536);
	n->rxbuf = malloc((size_t)RNL_RECV_BATCH * RNL_RECV_BUF);
	if (!n->rxbuf)
		return -ENOMEM;
	return nlerr2errno(nl_socket_set_nonblocking(n->sk));
}

int rnl_fd(struct rnl *n)
{
	return nl_socket_get_fd(n->sk);
}

/* Every netlink message in one datagram the kernel sent. */
static void on_datagram(struct rnl *n, void *buf, int len, int multicast)
{
	struct nlmsghdr *nlh = buf;

	for (; nlmsg_ok(nlh, len); nlh = nlmsg_next(nlh, &len)) {
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
		case NLMSG_OVERRUN:
			break;
		case NLMSG_DONE:
			on_ack(n, nlh->nlmsg_seq);
			break;
		case NLMSG_ERROR: {
			const struct nlmsgerr *e = nlmsg_data(nlh);

			if (nlh->nlmsg_len < (uint32_t)nlmsg_size(sizeof(*e)))
				break;
			if (e->error)
				on_error(n, e);
			else
				on_ack(n, e->msg.nlmsg_seq);
			break;
		}
		default:
			on_message(n, nlh, multicast);
		}
	}
}

/*
 * The data path's read: up to RNL_RECV_BATCH datagrams per recvmmsg(), so
 * a burst of FRAMES_TX (one per frame when a program writes frame by
 * frame) costs one system call per batch, not libnl's one or two per
 * datagram. The kernel's datagrams are at most NLMSG_GOODSIZE, far below
 * RNL_RECV_BUF.
 */
static int recv_batched(struct rnl *n)
{
	struct mmsghdr mm[RNL_RECV_BATCH];
	struct iovec iov[RNL_RECV_BATCH];
	struct sockaddr_nl from[RNL_RECV_BATCH];
	int fd = nl_socket_get_fd(n->sk);

	for (;;) {
		int i, got;

		memset(mm, 0, sizeof(mm));
		for (i = 0; i < RNL_RECV_BATCH; i++) {
			iov[i].iov_base = n->rxbuf + (size_t)i * RNL_RECV_BUF;
			iov[i].iov_len = RNL_RECV_BUF;
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
			mm[i].msg_hdr.msg_name = &from[i];
			mm[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		got = recvmmsg(fd, mm, RNL_RECV_BATCH, MSG_DONTWAIT, NULL);
		if (got < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return -errno;
		}
		for (i = 0; i < got; i++) {
			if (mm[i].msg_hdr.msg_flags & MSG_TRUNC) {
				log_err("netlink: a %u-byte message did not fit the receive buffer; dropped",
					mm[i].msg_len);
				continue;
			}
			on_datagram(n, iov[i].iov_base, (int)mm[i].msg_len,
				    from[i].nl_groups != 0);
		}
		if (got < RNL_RECV_BATCH)
			return 0;
	}
}

int rnl_recv(struct rnl *n)
{
	int rc;

	if (n->rxbuf)
		return recv_batched(n);
	/* nl_recvmsgs_report returns how many messages it read; 0 when the
	 * non-blocking socket is empty. */
	do {
		rc = nl_recvmsgs_report(n->sk, nl_socket_get_cb(n->sk));
	} while (rc > 0);
	if (rc == -NLE_AGAIN || rc == 0)
		return 0;
	return nlerr2errno(rc);
}

static struct nl_msg *new_msg(struct rnl *n, int cmd, int flags, size_t size)
{
	struct nl_msg *msg = size ? nlmsg_alloc_size(size) : nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, n->family, 0, flags,
			 (uint8_t)cmd, RCAN_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Sends and frees msg; *seq gets its sequence number. */
static int send_msg(struct rnl *n, struct nl_msg *msg, int cmd, uint32_t *seq)
{
	int rc = nl_send_auto(n->sk, msg);
	uint32_t s = nlmsg_hdr(msg)->nlmsg_seq;

	nlmsg_free(msg);
	if (rc < 0)
		return nlerr2errno(rc);
	remember_sent(n, s, cmd);
	if (seq)
		*seq = s;
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int wait_for(struct rnl *n, uint32_t seq)
{
	long deadline = now_ms() + WAIT_MS;
	int rc = 0;

	n->wait_seq = seq;
	n->wait_done = 0;
	n->wait_err = 0;
	while (!n->wait_done) {
		struct pollfd p = { .fd = nl_socket_get_fd(n->sk),
				    .events = POLLIN };
		long left = deadline - now_ms();

		if (left <= 0) {
			rc = -ETIMEDOUT;
			break;
		}
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		rc = nl_recvmsgs_report(n->sk, nl_socket_get_cb(n->sk));
		if (rc < 0 && rc != -NLE_AGAIN && !n->wait_done) {
			rc = nlerr2errno(rc);
			break;
		}
		rc = 0;
	}
	if (n->wait_done)
		rc = n->wait_err;
	n->wait_seq = 0;
	n->wait_link = NULL;
	n->dump_cb = NULL;
	return rc;
}

/* Send msg with an ack requested and wait; the reply goes to out. */
static int request(struct rnl *n, struct nl_msg *msg, int cmd,
		   struct rnl_link *out)
{
	uint32_t seq = 0;
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	rc = send_msg(n, msg, cmd, &seq);
	if (rc < 0)
		return rc;
	n->wait_link = out;
	return wait_for(n, seq);
}

int rnl_link_new(struct rnl *n, const char *ifname, uint32_t flags,
		 uint32_t tx_window, int attach, struct rnl_link *out)
{
	struct nl_msg *msg = new_msg(n, RCAN_CMD_LINK_NEW, NLM_F_ACK, 0);

	if (!msg)
		return -ENOMEM;
	if ((ifname && nla_put_string(msg, RCAN_ATTR_IFNAME, ifname) < 0) ||
	    nla_put_u32(msg, RCAN_ATTR_LINK_FLAGS, flags) < 0 ||
	    (tx_window &&
	     nla_put_u32(msg, RCAN_ATTR_TX_WINDOW, tx_window) < 0) ||
	    (attach && nla_put_flag(msg, RCAN_ATTR_ATTACH) < 0)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return request(n, msg, RCAN_CMD_LINK_NEW, out);
}

static int ifindex_request(struct rnl *n, int cmd, uint32_t ifindex,
			   struct rnl_link *out)
{
	struct nl_msg *msg = new_msg(n, cmd, NLM_F_ACK, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, RCAN_ATTR_IFINDEX, ifindex) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return request(n, msg, cmd, out);
}

int rnl_link_attach(struct rnl *n, uint32_t ifindex, struct rnl_link *out)
{
	return ifindex_request(n, RCAN_CMD_LINK_ATTACH, ifindex, out);
}

int rnl_link_detach(struct rnl *n, uint32_t ifindex)
{
	return ifindex_request(n, RCAN_CMD_LINK_DETACH, ifindex, NULL);
}

int rnl_link_del(struct rnl *n, uint32_t ifindex)
{
	return ifindex_request(n, RCAN_CMD_LINK_DEL, ifindex, NULL);
}

int rnl_link_get(struct rnl *n, uint32_t ifindex, struct rnl_link *out)
{
	return ifindex_request(n, RCAN_CMD_LINK_GET, ifindex, out);
}

int rnl_link_dump(struct rnl *n, int (*cb)(const struct rnl_link *l, void *arg),
		  void *arg)
{
	struct nl_msg *msg = new_msg(n, RCAN_CMD_LINK_GET, NLM_F_DUMP, 0);
	uint32_t seq;
	int rc;

	if (!msg)
		return -ENOMEM;
	rc = send_msg(n, msg, RCAN_CMD_LINK_GET, &seq);
	if (rc < 0)
		return rc;
	n->dump_cb = cb;
	n->dump_arg = arg;
	return wait_for(n, seq);
}

int rnl_link_set(struct rnl *n, uint32_t ifindex, int connected,
		 const char *remote)
{
	struct nl_msg *msg = new_msg(n, RCAN_CMD_LINK_SET, 0, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, RCAN_ATTR_IFINDEX, ifindex) < 0 ||
	    (connected >= 0 &&
	     nla_put_u8(msg, RCAN_ATTR_CONNECTED, (uint8_t)connected) < 0) ||
	    (remote && nla_put_string(msg, RCAN_ATTR_REMOTE, remote) < 0)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return send_msg(n, msg, RCAN_CMD_LINK_SET, NULL);
}

static int tx_confirm(struct rnl *n, int cmd, uint32_t ifindex, uint32_t seq,
		      int err)
{
	struct nl_msg *msg = new_msg(n, cmd, 0, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, RCAN_ATTR_IFINDEX, ifindex) < 0 ||
	    nla_put_u32(msg, RCAN_ATTR_SEQ, seq) < 0 ||
	    (err && nla_put_u32(msg, RCAN_ATTR_ERRNO, (uint32_t)err) < 0)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return send_msg(n, msg, cmd, NULL);
}

int rnl_tx_done(struct rnl *n, uint32_t ifindex, uint32_t seq)
{
	return tx_confirm(n, RCAN_CMD_TX_DONE, ifindex, seq, 0);
}

int rnl_tx_fail(struct rnl *n, uint32_t ifindex, uint32_t seq, int err)
{
	return tx_confirm(n, RCAN_CMD_TX_FAIL, ifindex, seq, err);
}

/*
 * FRAMES_RX messages are built in one buffer, used again and again: a
 * fresh nlmsg_alloc_size() clears all RNL_RX_MSG_SIZE bytes, which cost
 * more than the frames themselves when a TCP read holds a few dozen.
 */
static struct nl_msg *rx_msg(struct rnl *n)
{
	struct nl_msg *msg = n->rx_spare;

	if (!msg)
		return new_msg(n, RCAN_CMD_FRAMES_RX, 0, RNL_RX_MSG_SIZE);
	n->rx_spare = NULL;
	/* empty it, then a new header, as new_msg() does */
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, n->family, 0, 0,
			 RCAN_CMD_FRAMES_RX, RCAN_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int rx_start(struct rnl *n, struct rnl_rxbatch *b, uint32_t ifindex)
{
	b->msg = rx_msg(n);
	if (!b->msg)
		return -ENOMEM;
	b->ifindex = ifindex;
	b->count = 0;
	if (nla_put_u32(b->msg, RCAN_ATTR_IFINDEX, ifindex) < 0)
		return -EMSGSIZE;
	b->nest = nla_nest_start(b->msg, RCAN_ATTR_FRAMES);
	return b->nest ? 0 : -EMSGSIZE;
}

static int rx_put(struct nl_msg *msg, const struct rnl_frame *f)
{
	struct nlattr *fr = nla_nest_start(msg, RCAN_ATTR_FRAME);

	if (!fr)
		return -1;
	if (nla_put_u32(msg, RCAN_FRAME_ID, f->can_id) < 0 ||
	    (f->flags && nla_put_u32(msg, RCAN_FRAME_FLAGS, f->flags) < 0) ||
	    nla_put(msg, RCAN_FRAME_DATA, f->len, f->data) < 0 ||
	    (f->ts_ns && nla_put_u64(msg, RCAN_FRAME_TSTAMP, f->ts_ns) < 0)) {
		nla_nest_cancel(msg, fr);
		return -1;
	}
	nla_nest_end(msg, fr);
	return 0;
}

int rnl_rx_add(struct rnl *n, struct rnl_rxbatch *b, uint32_t ifindex,
	       const struct rnl_frame *f)
{
	int rc;

	if (!b->msg && (rc = rx_start(n, b, ifindex)) < 0)
		return rc;
	if (rx_put(b->msg, f) == 0) {
		b->count++;
		return 0;
	}
	/* full: send what we have and start another message */
	rc = rnl_rx_flush(n, b);
	if (rc < 0)
		return rc;
	if ((rc = rx_start(n, b, ifindex)) < 0)
		return rc;
	if (rx_put(b->msg, f) < 0)
		return -EMSGSIZE;
	b->count++;
	return 0;
}

int rnl_rx_flush(struct rnl *n, struct rnl_rxbatch *b)
{
	struct nl_msg *msg = b->msg;
	int rc;

	if (!msg)
		return 0;
	b->msg = NULL;
	if (!b->count) {
		if (n->rx_spare)
			nlmsg_free(n->rx_spare);
		n->rx_spare = msg;
		return 0;
	}
	nla_nest_end(msg, b->nest);
	b->count = 0;
	rc = nl_send_auto(n->sk, msg);
	if (rc >= 0)
		remember_sent(n, nlmsg_hdr(msg)->nlmsg_seq, RCAN_CMD_FRAMES_RX);
	if (n->rx_spare)
		nlmsg_free(n->rx_spare);
	n->rx_spare = msg;
	return nlerr2errno(rc);
}

int rnl_parse_frames(struct nlattr *frames,
		     void (*cb)(const struct rnl_frame *f, void *arg),
		     void *arg)
{
	struct nlattr *a;
	int rem, count = 0;

	nla_for_each_nested(a, frames, rem) {
		struct nlattr *ft[RCAN_FRAME_MAX + 1];
		struct rnl_frame f;

		if (nla_type(a) != RCAN_ATTR_FRAME ||
		    nla_parse_nested(ft, RCAN_FRAME_MAX, a, NULL) < 0 ||
		    !ft[RCAN_FRAME_ID])
			continue;
		memset(&f, 0, sizeof(f));
		f.can_id = nla_get_u32(ft[RCAN_FRAME_ID]);
		if (ft[RCAN_FRAME_FLAGS])
			f.flags = nla_get_u32(ft[RCAN_FRAME_FLAGS]);
		if (ft[RCAN_FRAME_DATA]) {
			int len = nla_len(ft[RCAN_FRAME_DATA]);

			if (len > 64)
				len = 64;
			f.len = (uint8_t)len;
			memcpy(f.data, nla_data(ft[RCAN_FRAME_DATA]),
			       (size_t)len);
		}
		if (ft[RCAN_FRAME_LEN])
			f.rtr_len = nla_get_u8(ft[RCAN_FRAME_LEN]);
		if (ft[RCAN_FRAME_TSTAMP])
			f.ts_ns = nla_get_u64(ft[RCAN_FRAME_TSTAMP]);
		if (ft[RCAN_FRAME_SEQ])
			f.seq = nla_get_u32(ft[RCAN_FRAME_SEQ]);
		cb(&f, arg);
		count++;
	}
	return count;
}

/* The remote URL is the netdev's ifalias; replies without
 * RCAN_ATTR_REMOTE (rcan.ko 0.1 sends none) still show it. */
static void read_ifalias(const char *ifname, char *buf, size_t size)
{
	char path[64];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/ifalias", ifname);
	f = fopen(path, "re");
	if (!f)
		return;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = 0;
}

void rnl_parse_link(struct nlattr **tb, struct rnl_link *l)
{
	memset(l, 0, sizeof(*l));
	if (tb[RCAN_ATTR_IFINDEX])
		l->ifindex = nla_get_u32(tb[RCAN_ATTR_IFINDEX]);
	if (tb[RCAN_ATTR_IFNAME])
		nla_strlcpy(l->ifname, tb[RCAN_ATTR_IFNAME], sizeof(l->ifname));
	if (tb[RCAN_ATTR_LINK_FLAGS])
		l->flags = nla_get_u32(tb[RCAN_ATTR_LINK_FLAGS]);
	if (tb[RCAN_ATTR_ATTACHED])
		l->attached = nla_get_u8(tb[RCAN_ATTR_ATTACHED]);
	if (tb[RCAN_ATTR_OWNER_PORTID])
		l->owner_portid = nla_get_u32(tb[RCAN_ATTR_OWNER_PORTID]);
	if (tb[RCAN_ATTR_CONNECTED])
		l->connected = nla_get_u8(tb[RCAN_ATTR_CONNECTED]);
	if (tb[RCAN_ATTR_CARRIER])
		l->carrier = nla_get_u8(tb[RCAN_ATTR_CARRIER]);
	if (tb[RCAN_ATTR_CAN_STATE]) {
		l->has_state = 1;
		l->can_state = nla_get_u32(tb[RCAN_ATTR_CAN_STATE]);
	}
	if (tb[RCAN_ATTR_TXERR])
		l->txerr = nla_get_u16(tb[RCAN_ATTR_TXERR]);
	if (tb[RCAN_ATTR_RXERR])
		l->rxerr = nla_get_u16(tb[RCAN_ATTR_RXERR]);
	if (tb[RCAN_ATTR_REMOTE])
		nla_strlcpy(l->remote, tb[RCAN_ATTR_REMOTE], sizeof(l->remote));
	if (tb[RCAN_ATTR_TX_WINDOW])
		l->tx_window = nla_get_u32(tb[RCAN_ATTR_TX_WINDOW]);
	if (tb[RCAN_ATTR_SEQ]) {
		l->has_seq = 1;
		l->seq = nla_get_u32(tb[RCAN_ATTR_SEQ]);
	}
	if (tb[RCAN_ATTR_INFLIGHT])
		l->inflight = nla_get_u32(tb[RCAN_ATTR_INFLIGHT]);
	if (tb[RCAN_ATTR_STATS]) {
		struct nlattr *st[RCAN_STATS_MAX + 1];
		int i;

		if (nla_parse_nested(st, RCAN_STATS_MAX, tb[RCAN_ATTR_STATS],
				     NULL) == 0) {
			l->has_stats = 1;
			for (i = 1; i <= RCAN_STATS_MAX; i++)
				if (st[i] && i != RCAN_STATS_PAD)
					l->stats[i] = nla_get_u64(st[i]);
		}
	}
	if (!l->remote[0] && l->ifname[0])
		read_ifalias(l->ifname, l->remote, sizeof(l->remote));
	if (tb[RCAN_ATTR_BITTIMING]) {
		struct nlattr *bt[RCAN_BT_MAX + 1];
		int i;

		if (nla_parse_nested(bt, RCAN_BT_MAX, tb[RCAN_ATTR_BITTIMING],
				     NULL) == 0) {
			l->has_bt = 1;
			for (i = 1; i <= RCAN_BT_MAX; i++)
				if (bt[i])
					l->bt[i] = nla_get_u32(bt[i]);
		}
	}
}

const char *rnl_cmd_name(int cmd)
{
	static const char *const names[] = {
		[RCAN_CMD_LINK_NEW] = "LINK_NEW",
		[RCAN_CMD_LINK_DEL] = "LINK_DEL",
		[RCAN_CMD_LINK_GET] = "LINK_GET",
		[RCAN_CMD_LINK_SET] = "LINK_SET",
		[RCAN_CMD_LINK_ATTACH] = "LINK_ATTACH",
		[RCAN_CMD_LINK_DETACH] = "LINK_DETACH",
		[RCAN_CMD_FRAMES_RX] = "FRAMES_RX",
		[RCAN_CMD_FRAMES_TX] = "FRAMES_TX",
		[RCAN_CMD_TX_DONE] = "TX_DONE",
		[RCAN_CMD_TX_FAIL] = "TX_FAIL",
		[RCAN_CMD_BITTIMING] = "BITTIMING",
	};

	if (cmd > 0 && cmd <= RCAN_CMD_MAX && names[cmd])
		return names[cmd];
	return "request";
}

const char *rnl_strerror(int err)
{
	return strerror(err < 0 ? -err : err);
}
