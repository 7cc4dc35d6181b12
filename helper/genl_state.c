// SPDX-License-Identifier: GPL-2.0
/*
 * LINK_SET with the remote controller's state (the rcan extension's
 * feature `state`): the kernel makes it the netdev's can.state, sends the
 * matching CAN error frame, and stops TX while it is bus-off.
 */
#include <errno.h>

#include <netlink/genl/genl.h>

#include "genl_internal.h"
#include "genl_state.h"

int rnl_link_set_can_state(struct rnl *n, uint32_t ifindex, uint32_t state,
			   uint16_t txerr, uint16_t rxerr)
{
	struct nl_msg *msg = rnl_new_msg(n, RCAN_CMD_LINK_SET, 0, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, RCAN_ATTR_IFINDEX, ifindex) < 0 ||
	    nla_put_u32(msg, RCAN_ATTR_CAN_STATE, state) < 0 ||
	    nla_put_u16(msg, RCAN_ATTR_TXERR, txerr) < 0 ||
	    nla_put_u16(msg, RCAN_ATTR_RXERR, rxerr) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return rnl_send(n, msg, NULL);
}
