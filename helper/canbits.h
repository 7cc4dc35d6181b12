/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How long a CAN frame occupies the bus: its bit count with the worst
 * case of bit stuffing, split into the bits sent at the nominal bit rate
 * and those sent at the data bit rate (CAN FD with BRS). Pure.
 */
#ifndef RCAND_CANBITS_H
#define RCAND_CANBITS_H

#include <stdint.h>

struct canbits {
	uint32_t nominal; /* bits at the nominal (arbitration) bit rate */
	uint32_t data; /* bits at the data bit rate (FD with BRS), else 0 */
};

/*
 * can_id with the SocketCAN flags (CAN_EFF_FLAG, CAN_RTR_FLAG); len the
 * payload bytes (an RTR frame carries none on the wire); fd a CAN FD
 * frame, brs its bit rate switch. Includes the 3 bits of interframe space.
 */
struct canbits canbits_frame(uint32_t can_id, uint8_t len, int fd, int brs);

/* The frame's time on the bus in ns; dbitrate 0 means "as bitrate". */
uint64_t canbits_ns(struct canbits b, uint32_t bitrate, uint32_t dbitrate);

#endif
