// SPDX-License-Identifier: GPL-2.0
/*
 * The rcan family's socket: opening it, sending requests and waiting for
 * their answers, and dispatching what libnl receives. Waited-for requests
 * carry NLM_F_ACK and are matched by sequence number; everything else goes
 * to the handlers, so FRAMES_TX that arrive while a request is pending are
 * never lost.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "genl_internal.h"
#include "log.h"
#include "nlerr.h"
#include "now.h"

#define WAIT_MS 5000

static const struct nla_policy extack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
};

/* libnl's own error codes into errno values a person can read */
int rnl_nlerr2errno(int nlerr)
{
	static const int map[][2] = {
		{ NLE_PERM, EPERM },	       { NLE_NOACCESS, EACCES },
		{ NLE_NOMEM, ENOMEM },	       { NLE_AGAIN, EAGAIN },
		{ NLE_OBJ_NOTFOUND, ENOENT },  { NLE_NODEV, ENODEV },
		{ NLE_INVAL, EINVAL },	       { NLE_MSGSIZE, EMSGSIZE },
		{ NLE_BUSY, EBUSY },	       { NLE_EXIST, EEXIST },
		{ NLE_OPNOTSUPP, EOPNOTSUPP },
	};
	unsigned int i;

	if (nlerr >= 0)
		return 0;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i][0] == -nlerr)
			return -map[i][1];
	return -EIO;
}

static void on_reply(struct rnl *n, struct nlattr **tb)
{
	struct rnl_link l;

	if (n->dump_cb) {
		rnl_parse_link(tb, &l);
		n->dump_cb(&l, n->dump_arg);
	} else if (n->wait_link) {
		rnl_parse_link(tb, n->wait_link);
	}
}

static void on_unasked(struct rnl *n, int cmd, struct nlattr **tb)
{
	struct rnl_link l;

	if (!n->h)
		return;
	if (cmd == RCAN_CMD_FRAMES_TX) {
		rnl_dispatch_frames(n, tb);
		return;
	}
	if (n->h->link_event) {
		rnl_parse_link(tb, &l);
		n->h->link_event(n->arg, cmd, &l);
	}
}

/* A message of the family: the reply to the request being waited for,
 * or something for the handlers. */
static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct rnl *n = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct sockaddr_nl *src = nlmsg_get_src(msg);
	struct nlattr *tb[RCAN_ATTR_MAX + 1];
	int rc;

	if (nlh->nlmsg_type != n->family)
		return NL_SKIP;
	rc = genlmsg_parse(nlh, 0, tb, RCAN_ATTR_MAX, rnl_attr_policy);
	if (rc < 0) {
		log_warn(
			"netlink: a message of the kernel failed validation: %s",
			nl_geterror(rc));
		return NL_SKIP;
	}
	if (!(src && src->nl_groups) && n->wait_seq &&
	    nlh->nlmsg_seq == n->wait_seq)
		on_reply(n, tb);
	else
		on_unasked(n, ((struct genlmsghdr *)nlmsg_data(nlh))->cmd, tb);
	return NL_OK;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct rnl *n = arg;

	if (n->wait_seq && nlmsg_hdr(msg)->nlmsg_seq == n->wait_seq)
		n->wait_done = 1;
	return NL_OK;
}

/* The kernel's extended ack text, when it sent one (NLM_F_ACK_TLVS). */
static void read_extack(struct rnl *n, const struct nlmsgerr *e)
{
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);

	n->errmsg[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* the refused request follows, whole unless capped; then the TLVs */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_HDRLEN + NLMSG_ALIGN(off);
	if (nlh->nlmsg_len <= off ||
	    nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + off),
		      (int)(nlh->nlmsg_len - off), extack_policy) < 0 ||
	    !tb[NLMSGERR_ATTR_MSG])
		return;
	nla_strlcpy(n->errmsg, tb[NLMSGERR_ATTR_MSG], sizeof(n->errmsg));
}

static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct rnl *n = arg;

	(void)nla;
	read_extack(n, e);
	if (n->wait_seq && e->msg.nlmsg_seq == n->wait_seq) {
		n->wait_err = e->error;
		n->wait_done = 1;
	} else if (n->h && n->h->refused) {
		const struct nlmsghdr *nlh =
			(const struct nlmsghdr *)((const char *)e -
						  NLMSG_HDRLEN);
		uint32_t frames;
		int cmd;

		/* named and counted from the kernel's echo of the request */
		nlerr_request(nlh, &cmd, &frames);
		n->h->refused(n->arg, cmd, frames, e->error,
			      n->errmsg[0] ? n->errmsg : NULL);
	}
	return NL_SKIP;
}

/*
 * The module's ABI must be the one rcand was built for: both come from
 * one release (the module refuses requests of another version too).
 * Attributes added within a version are sent only when the module's
 * maxattr has them: it refuses any past its own.
 */
static int check_version(struct rnl *n)
{
	struct nl_cache *families = NULL;
	struct genl_family *fam;
	unsigned int v;

	if (genl_ctrl_alloc_cache(n->sk, &families) < 0)
		return -ENOMEM;
	fam = genl_ctrl_search_by_name(families, RCAN_GENL_NAME);
	nl_cache_free(families);
	if (!fam)
		return -ENOENT;
	v = (unsigned int)genl_family_get_version(fam);
	n->tx_tstamp = genl_family_get_maxattr(fam) >= RCAN_ATTR_TSTAMP;
	genl_family_put(fam);
	if (v == RCAN_GENL_VERSION)
		return 0;
	fprintf(stderr,
		"rcand: the loaded rcan module speaks netlink ABI version %u, this rcand version %u: install rcan.ko and rcand of one release\n",
		v, (unsigned int)RCAN_GENL_VERSION);
	return -EPROTO;
}

static int connect_family(struct rnl *n)
{
	int rc = genl_connect(n->sk);

	if (rc < 0)
		return rnl_nlerr2errno(rc);
	n->family = genl_ctrl_resolve(n->sk, RCAN_GENL_NAME);
	if (n->family < 0)
		return -ENOENT;
	rc = check_version(n);
	if (rc < 0)
		return rc;
	n->mcgrp = genl_ctrl_resolve_grp(n->sk, RCAN_GENL_NAME,
					 RCAN_GENL_MCGRP_EVENTS);
	return 0;
}

int rnl_open(struct rnl *n, const struct rnl_handlers *h, void *arg)
{
	int rc;

	memset(n, 0, sizeof(*n));
	n->h = h;
	n->arg = arg;
	n->sk = nl_socket_alloc();
	if (!n->sk)
		return -ENOMEM;
	rc = connect_family(n);
	if (rc < 0) {
		nl_socket_free(n->sk);
		n->sk = NULL;
		return rc;
	}
	nl_socket_disable_seq_check(n->sk);
	nl_socket_disable_auto_ack(n->sk);
	/* the kernel's reason for a refusal (extack) comes only when asked */
	rc = 1;
	if (setsockopt(nl_socket_get_fd(n->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		       &rc, sizeof(rc)) < 0)
		log_debug("NETLINK_EXT_ACK: %s", strerror(errno));
	/* without the batched reads, libnl peeks at each datagram's size */
	nl_socket_enable_msg_peek(n->sk);
	n->cb = nl_socket_get_cb(n->sk);
	nl_cb_set(n->cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, n);
	nl_cb_set(n->cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, n);
	nl_cb_set(n->cb, NL_CB_FINISH, NL_CB_CUSTOM, ack_cb, n);
	nl_cb_err(n->cb, NL_CB_CUSTOM, err_cb, n);
	n->portid = nl_socket_get_local_port(n->sk);
	return 0;
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
	return rnl_nlerr2errno(rc);
}

int rnl_fd(struct rnl *n)
{
	return nl_socket_get_fd(n->sk);
}

struct nl_msg *rnl_new_msg(struct rnl *n, int cmd, int flags, size_t size)
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

int rnl_send(struct rnl *n, struct nl_msg *msg, uint32_t *seq)
{
	int rc = nl_send_auto(n->sk, msg);
	uint32_t s = nlmsg_hdr(msg)->nlmsg_seq;

	nlmsg_free(msg);
	if (rc < 0)
		return rnl_nlerr2errno(rc);
	if (seq)
		*seq = s;
	return 0;
}

/* One wait for the socket and one read; 0 or -errno. */
static int wait_once(struct rnl *n, long deadline)
{
	struct pollfd p = { .fd = nl_socket_get_fd(n->sk), .events = POLLIN };
	long left = deadline - now_ms();
	int rc;

	if (left <= 0)
		return -ETIMEDOUT;
	if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
		return -errno;
	rc = nl_recvmsgs_report(n->sk, n->cb);
	if (rc < 0 && rc != -NLE_AGAIN && !n->wait_done)
		return rnl_nlerr2errno(rc);
	return 0;
}

int rnl_wait(struct rnl *n, uint32_t seq)
{
	long deadline = now_ms() + WAIT_MS;
	int rc = 0;

	n->wait_seq = seq;
	n->wait_done = 0;
	n->wait_err = 0;
	n->errmsg[0] = 0;
	while (!n->wait_done && rc == 0)
		rc = wait_once(n, deadline);
	if (n->wait_done)
		rc = n->wait_err;
	n->wait_seq = 0;
	n->wait_link = NULL;
	n->dump_cb = NULL;
	return rc;
}

void rnl_close(struct rnl *n)
{
	if (n->cb)
		nl_cb_put(n->cb);
	n->cb = NULL;
	if (n->sk)
		nl_socket_free(n->sk);
	n->sk = NULL;
	rnl_batch_free(n);
}

int rnl_setup_datapath(struct rnl *n, int rcvbuf)
{
	int fd = nl_socket_get_fd(n->sk);

	/* Beyond rmem_max needs CAP_NET_ADMIN, which rcand has anyway. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	nl_socket_set_msg_buf_size(n->sk, 65536);
	if (rnl_batch_install(n) < 0)
		return -ENOMEM;
	return rnl_nlerr2errno(nl_socket_set_nonblocking(n->sk));
}

int rnl_recv(struct rnl *n)
{
	int rc;

	if (n->batch)
		n->batch->short_read = 0;
	/* nl_recvmsgs_report returns how many messages it read; 0 when the
	 * non-blocking socket is empty. */
	do {
		rc = nl_recvmsgs_report(n->sk, n->cb);
	} while (rc > 0);
	if (rc == -NLE_AGAIN || rc == 0)
		return 0;
	return rnl_nlerr2errno(rc);
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
		[RCAN_CMD_COALESCE] = "COALESCE",
	};

	if (cmd > 0 && cmd <= RCAN_CMD_MAX && names[cmd])
		return names[cmd];
	return "request";
}

const char *rnl_strerror(int err)
{
	return strerror(err < 0 ? -err : err);
}
