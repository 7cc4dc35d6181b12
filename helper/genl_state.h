/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RCAND_GENL_STATE_H
#define RCAND_GENL_STATE_H

#include <stdint.h>

#include "genl.h"

/* LINK_SET CAN_STATE (enum can_state, at most CAN_STATE_BUS_OFF) with the
 * error counters; no ack asked (errors come as the kernel's replies). */
int rnl_link_set_can_state(struct rnl *n, uint32_t ifindex, uint32_t state,
			   uint16_t txerr, uint16_t rxerr);

#endif
