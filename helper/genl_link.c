// SPDX-License-Identifier: GPL-2.0
/* The link commands of the rcan family, and what a reply says of a link. */
#include <errno.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "genl_internal.h"

/* Send msg with an ack requested and wait; the reply goes to out. */
static int request(struct rnl *n, struct nl_msg *msg, struct rnl_link *out)
{
	uint32_t seq = 0;
	int rc;

	if (out)
		memset(out, 0, sizeof(*out));
	rc = rnl_send(n, msg, &seq);
	if (rc < 0)
		return rc;
	n->wait_link = out;
	return rnl_wait(n, seq);
}

int rnl_link_new(struct rnl *n, const char *ifname, uint32_t flags,
		 uint32_t tx_window, int attach, struct rnl_link *out)
{
	struct nl_msg *msg = rnl_new_msg(n, RCAN_CMD_LINK_NEW, NLM_F_ACK, 0);

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
	return request(n, msg, out);
}

static int ifindex_request(struct rnl *n, int cmd, uint32_t ifindex,
			   struct rnl_link *out)
{
	struct nl_msg *msg = rnl_new_msg(n, cmd, NLM_F_ACK, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, RCAN_ATTR_IFINDEX, ifindex) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return request(n, msg, out);
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
	struct nl_msg *msg = rnl_new_msg(n, RCAN_CMD_LINK_GET, NLM_F_DUMP, 0);
	uint32_t seq;
	int rc;

	if (!msg)
		return -ENOMEM;
	rc = rnl_send(n, msg, &seq);
	if (rc < 0)
		return rc;
	n->dump_cb = cb;
	n->dump_arg = arg;
	return rnl_wait(n, seq);
}

int rnl_link_set(struct rnl *n, uint32_t ifindex, int connected,
		 const char *remote)
{
	struct nl_msg *msg = rnl_new_msg(n, RCAN_CMD_LINK_SET, 0, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, RCAN_ATTR_IFINDEX, ifindex) < 0 ||
	    (connected >= 0 &&
	     nla_put_u8(msg, RCAN_ATTR_CONNECTED, (uint8_t)connected) < 0) ||
	    (remote && nla_put_string(msg, RCAN_ATTR_REMOTE, remote) < 0)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return rnl_send(n, msg, NULL);
}

int rnl_link_set_window(struct rnl *n, uint32_t ifindex, uint32_t window,
			int wait)
{
	struct nl_msg *msg =
		rnl_new_msg(n, RCAN_CMD_LINK_SET, wait ? NLM_F_ACK : 0, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, RCAN_ATTR_IFINDEX, ifindex) < 0 ||
	    nla_put_u32(msg, RCAN_ATTR_TX_WINDOW, window) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	if (wait)
		return request(n, msg, NULL);
	return rnl_send(n, msg, NULL);
}
