// SPDX-License-Identifier: GPL-2.0
/*
 * The data path's messages: FRAMES_RX built frame by frame, TX_DONE and
 * TX_FAIL, and the frames of a FRAMES_TX.
 */
#include <errno.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "genl_internal.h"

static int tx_confirm(struct rnl *n, int cmd, uint32_t ifindex, uint32_t seq,
		      int err, uint64_t ts_ns)
{
	struct nl_msg *msg = rnl_new_msg(n, cmd, 0, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, RCAN_ATTR_IFINDEX, ifindex) < 0 ||
	    nla_put_u32(msg, RCAN_ATTR_SEQ, seq) < 0 ||
	    (err && nla_put_u32(msg, RCAN_ATTR_ERRNO, (uint32_t)err) < 0) ||
	    (ts_ns && nla_put_u64(msg, RCAN_ATTR_TSTAMP, ts_ns) < 0)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return rnl_send(n, msg, NULL);
}

int rnl_tx_done(struct rnl *n, uint32_t ifindex, uint32_t seq, uint64_t ts_ns)
{
	return tx_confirm(n, RCAN_CMD_TX_DONE, ifindex, seq, 0,
			  n->tx_tstamp ? ts_ns : 0);
}

int rnl_tx_fail(struct rnl *n, uint32_t ifindex, uint32_t seq, int err)
{
	return tx_confirm(n, RCAN_CMD_TX_FAIL, ifindex, seq, err, 0);
}

/* A fresh message per batch, RNL_RX_MSG_SIZE: a page or two holds the
 * few dozen frames of one TCP read; more start another message. */
static int rx_start(struct rnl *n, struct rnl_rxbatch *b, uint32_t ifindex)
{
	b->msg = rnl_new_msg(n, RCAN_CMD_FRAMES_RX, 0, RNL_RX_MSG_SIZE);
	if (!b->msg)
		return -ENOMEM;
	b->ifindex = ifindex;
	b->count = 0;
	b->nest = NULL;
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

	if (!b->msg) {
		rc = rx_start(n, b, ifindex);
		if (rc < 0) {
			rnl_rx_discard(b);
			return rc;
		}
	}
	/* RNL_RX_MSG_SIZE holds fewer, but the kernel's limit is the rule */
	if (b->count >= RCAN_RX_BATCH_MAX || rx_put(b->msg, f) < 0)
		return b->count ? -ENOSPC : -EMSGSIZE;
	b->count++;
	return 0;
}

void rnl_rx_discard(struct rnl_rxbatch *b)
{
	if (b->msg)
		nlmsg_free(b->msg);
	b->msg = NULL;
	b->count = 0;
}

int rnl_rx_flush(struct rnl *n, struct rnl_rxbatch *b)
{
	struct nl_msg *msg = b->msg;

	if (!msg || !b->count) {
		rnl_rx_discard(b);
		return 0;
	}
	nla_nest_end(msg, b->nest);
	b->msg = NULL;
	b->count = 0;
	return rnl_send(n, msg, NULL);
}
