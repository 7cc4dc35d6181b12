/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Requests rcand sent to the kernel without waiting for an answer,
 * remembered by sequence number, so that a refusal arriving later can be
 * named (its command) and a refused FRAMES_RX counted in the frames it
 * carried, when the refusal does not carry the request itself (nlerr.h:
 * it does unless NETLINK_CAP_ACK is set, so this is the fallback). Pure.
 */
#ifndef RCAND_SENTLOG_H
#define RCAND_SENTLOG_H

#include <stdint.h>

/*
 * genetlink runs a command in the sender's system call, so a refusal is
 * queued on rcand's socket before the send returns; rcand reads it on its
 * next pass of the event loop. A pass reads at most 512 KiB of TCP, some
 * 12,000 frames, which go out in about 55 FRAMES_RX of 8 KiB (226 frames
 * with timestamps each), plus a TX_DONE per echo read and a few LINK_SETs:
 * 256 covers that, for 9 bytes each. With `ethtool -C rx-frames 1` each
 * frame is a message of its own and a pass can send thousands; a refusal
 * older than 256 requests is then logged as of an unknown request, and
 * its frames cannot be counted.
 */
#define SENTLOG_SIZE 256

struct sentlog {
	uint32_t seq[SENTLOG_SIZE];
	uint32_t frames[SENTLOG_SIZE];
	uint8_t cmd[SENTLOG_SIZE];
	unsigned int used, pos;
};

void sentlog_init(struct sentlog *l);
/* A request with sequence number @seq went out: @cmd, with @frames frames. */
void sentlog_add(struct sentlog *l, uint32_t seq, int cmd, uint32_t frames);
/*
 * The command and frames of the request sent with @seq, newest first:
 * 1 when it is remembered, 0 (and both 0) when it is not.
 */
int sentlog_find(const struct sentlog *l, uint32_t seq, int *cmd,
		 uint32_t *frames);

#endif
