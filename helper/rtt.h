/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The echo round trip, estimated as TCP does (RFC 6298): smoothed RTT
 * and its mean deviation, and the minimum over the last RTT_MIN_WINDOW_US
 * (a path that changes is seen within that time). Pure.
 */
#ifndef RCAND_RTT_H
#define RCAND_RTT_H

#include <stdint.h>

#define RTT_MIN_WINDOW_US 10000000ULL /* 10 s */

struct rtt {
	int have; /* a sample was taken */
	uint32_t srtt_us, rttvar_us, min_us, last_us;
	uint64_t min_at_us; /* when min_us was measured */
};

void rtt_init(struct rtt *r);
/* One round trip of sample_us, measured at now_us. */
void rtt_sample(struct rtt *r, uint32_t sample_us, uint64_t now_us);

#endif
