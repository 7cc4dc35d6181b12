/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frames from the kernel that socketcand cannot carry (proto_format_send()
 * refused them): the errno the kernel gets, and one log line per kind of
 * refusal, not one per frame. Pure.
 */
#ifndef RCAND_TX_REFUSAL_H
#define RCAND_TX_REFUSAL_H

#include <stdint.h>

#include "proto.h"

struct tx_refusal_log {
	int rtr, fd, invalid, classic, eff_low; /* this kind was logged */
	int flags_lost; /* BRS/ESI the dialect cannot carry */
};

/* The errno for a PROTO_FMT_* refusal. */
int tx_refusal_errno(int fmt);

/*
 * The warning to log for this refusal, or NULL when its kind was logged
 * before. buf holds the text.
 */
const char *tx_refusal_warning(struct tx_refusal_log *l, int fmt,
			       uint32_t can_id, char *buf, unsigned int size);

/*
 * An FD frame with BRS or ESI goes to a server whose dialect cannot say
 * so: the warning, once, or NULL.
 */
const char *tx_refusal_flags_lost(struct tx_refusal_log *l,
				  enum proto_dialect d, char *buf,
				  unsigned int size);

#endif
