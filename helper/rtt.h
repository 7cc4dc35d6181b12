/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The echo round trip, estimated as TCP does (RFC 6298): smoothed RTT
 * and its mean deviation; and the path's minimum, which sizes the TX
 * window because it does not grow with rcand's own queue. Pure.
 *
 * The minimum follows a path that got longer the way BBR's ProbeRTT
 * does, by measuring with nothing of ours in the way: a minimum that no
 * sample came near (within a quarter) for RTT_MIN_STALE_US is stale, and
 * then a "clean" sample replaces it, one whose echo went out with no
 * other echo of ours outstanding, so that no frame of ours waited ahead
 * of it at the server. The bridge makes such a sample when the minimum
 * is stale by holding its next batch until every echo is back (one round
 * trip of pause, once a second at most, and only while the round trips
 * stay well above the minimum). Any sample below the minimum takes its
 * place at once. BBR's other choice, a minimum over a sliding window of
 * all samples, would take the round trip of frames queued behind our
 * own as the path's, and the window sized on it would grow with its own
 * queue: the 10 s window rcand had did that, and followed a path that
 * went from 2 to 50 ms only after 10 s.
 */
#ifndef RCAND_RTT_H
#define RCAND_RTT_H

#include <stdint.h>

#define RTT_MIN_STALE_US 1000000ULL /* 1 s */

struct rtt {
	int have; /* a sample was taken */
	uint32_t srtt_us, rttvar_us, min_us, last_us;
	uint64_t min_at_us; /* when a sample last came near min_us */
};

void rtt_init(struct rtt *r);
/* One round trip of sample_us, measured at now_us; clean: its echo had
 * no other echo of ours ahead of it. */
void rtt_sample(struct rtt *r, uint32_t sample_us, uint64_t now_us, int clean);
/* The minimum wants a clean sample (see above). */
int rtt_min_stale(const struct rtt *r, uint64_t now_us);

#endif
