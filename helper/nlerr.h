/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a netlink error message says about the request it refuses. Without
 * NETLINK_CAP_ACK, which rcand does not set, the kernel echoes the whole
 * request after struct nlmsgerr: its command, and for a FRAMES_RX the
 * frames it carried, can be read there, exactly, however many requests
 * were sent since, so rcand keeps no memory of what it sent. Pure.
 */
#ifndef RCAND_NLERR_H
#define RCAND_NLERR_H

#include <linux/netlink.h>
#include <stdint.h>

/*
 * @nlh: an NLMSG_ERROR message, nlmsg_len bytes readable. 1 when it holds
 * the refused generic netlink request whole: *cmd is its command, *frames
 * the RCAN_ATTR_FRAME entries of its RCAN_ATTR_FRAMES (0 for other
 * commands). 0 when the echo is capped or cut short (both then 0).
 */
int nlerr_request(const struct nlmsghdr *nlh, int *cmd, uint32_t *frames);

#endif
