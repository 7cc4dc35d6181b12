/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TX pacing at the remote bus's bit rate. socketcand writes every
 * `< send >` of one read to its CAN socket back to back and closes the
 * session at the first ENOBUFS, and a CAN netdev's queue is small (Linux:
 * txqueuelen 10). So frames go out in bursts of at most half that queue,
 * each burst one TCP write, the next one only once the bus had time to
 * carry the last (its frames' bit time, worst-case stuffing): the queue
 * holds at most one burst, and a second one arriving early (network
 * jitter) still fits.
 *
 * A server that falls behind (busy, descheduled) finds every burst that
 * came meanwhile in one read. So a burst goes only while the frames not
 * yet echoed are at most what the path holds at the bus's rate over the
 * minimum round trip (and a quarter more), plus one burst: whatever a
 * late server finds beyond that, we did not send. Pure: the caller reads
 * the clock, counts the frames not yet echoed, and writes.
 *
 * --tx-rate N paces the same way at N frames per second: a frame's time
 * is 1/N s, or its bus time where that is longer. (It was a token bucket
 * of a tenth of a second, up to 64 frames at once: six times the queue.)
 */
#ifndef RCAND_PACER_H
#define RCAND_PACER_H

#include <stdint.h>

#include "canbits.h"

#define PACER_QUEUE_DEFAULT 10 /* Linux's txqueuelen of a CAN netdev */

struct pacer {
	uint32_t bitrate, dbitrate; /* bit/s; 0: not known */
	uint32_t rate; /* --tx-rate, frames/s; 0: none */
	uint32_t burst_max; /* frames per burst */
	uint64_t next_ns; /* the next burst may go at this time */
	uint64_t burst_ns; /* bus time of the burst being built */
	uint32_t burst_n; /* its frames */
	uint64_t frame_ns; /* bus time per frame, mean of the last bursts */
	/* since pacing began: bursts written, and the bus time lost while
	 * frames waited (a burst that went after its planned time: a late
	 * wake-up, or the wait for echoes). What the rate falls short of the
	 * bus's is this, not the pacing. */
	uint64_t bursts, idle_ns;
};

/* remote_queue: frames the remote CAN queue holds (--remote-queue). */
void pacer_init(struct pacer *p, uint32_t remote_queue);
/* The bus's bit rates (bitrate 0: not known). */
void pacer_set_bitrate(struct pacer *p, uint32_t bitrate, uint32_t dbitrate);
/* --tx-rate: frames per second at most (0: no limit of its own). */
void pacer_set_rate(struct pacer *p, uint32_t frames_per_s);
/* Paced: a bit rate or a frame rate is set. */
int pacer_on(const struct pacer *p);
/* Frames the burst being built may still take at now_ns: 0 means wait
 * for pacer_wait_ns(). Unpaced: always 1. */
uint32_t pacer_room(const struct pacer *p, uint64_t now_ns);
/* One frame joins the burst being built. */
void pacer_add(struct pacer *p, struct canbits b);
/* The burst was written at now_ns, its first frame waiting since
 * ready_ns: the next waits for its bus time. */
void pacer_burst_sent(struct pacer *p, uint64_t now_ns, uint64_t ready_ns);
/* Frames that may be sent and not yet echoed over a path of min_rtt_us
 * (UINT32_MAX while either is unknown). */
uint32_t pacer_inflight_max(const struct pacer *p, uint32_t min_rtt_us);
/* ns until the next burst may go (0: now). */
uint64_t pacer_wait_ns(const struct pacer *p, uint64_t now_ns);

#endif
