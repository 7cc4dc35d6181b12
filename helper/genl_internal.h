/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the kernel link's files only, which call downwards:
 * genl_link.c (link commands) and genl_frames.c (the data path's
 * messages) use genl.c (socket, requests, dispatch), which uses
 * genl_parse.c (policies, parsing) and genl_recv.c (batched reads).
 */
#ifndef RCAND_GENL_INTERNAL_H
#define RCAND_GENL_INTERNAL_H

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "genl.h"

extern const struct nla_policy rnl_attr_policy[RCAN_ATTR_MAX + 1];

int rnl_nlerr2errno(int nlerr);
struct nl_msg *rnl_new_msg(struct rnl *n, int cmd, int flags, size_t size);
/* Sends and frees msg; *seq (may be NULL) gets its sequence number. */
int rnl_send(struct rnl *n, struct nl_msg *msg, uint32_t *seq);
/* Waits for the answer to seq: 0 or -errno. */
int rnl_wait(struct rnl *n, uint32_t seq);
/* The attributes of one message of the family, validated. */
void rnl_parse_link(struct nlattr **tb, struct rnl_link *l);
void rnl_dispatch_frames(struct rnl *n, struct nlattr **tb);
/* genl_recv.c: batched reads on n's socket; -1 without memory. */
int rnl_batch_install(struct rnl *n);
void rnl_batch_free(struct rnl *n);

#endif
