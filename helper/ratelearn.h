/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A TX pace learned from a plain socketcand that closed the session.
 *
 * socketcand 0.6.1 closes the session at the first ENOBUFS of its CAN
 * socket, and it tells nothing of the bus's bit rate. With no bit rate
 * known, rcand sends flat out, and a remote CAN queue (Linux: 10 frames)
 * overflows as soon as the bus is slower than the path. When the session
 * drops right after such sends, the frames the remote confirmed since the
 * sending began are what its bus carried: a rate. rcand paces a quarter
 * below it, and lower again if the session drops once more at that pace.
 * A bit rate from the user or from the server replaces the guess.
 *
 * A run is a stretch of sending without a pause of RATELEARN_GAP_US;
 * only the last run counts, so an idle hour before a burst does not dilute
 * the rate. Pure: the caller reads the clock.
 */
#ifndef RCAND_RATELEARN_H
#define RCAND_RATELEARN_H

#include <stdint.h>

#define RATELEARN_GAP_US 200000ULL /* a pause this long ends a run */
#define RATELEARN_FIRST 500 /* frames/s when nothing was confirmed */
#define RATELEARN_MIN 10 /* frames/s, never below */

struct ratelearn {
	uint64_t run_start_us, run_last_us; /* 0: no run */
	uint64_t run_confirmed; /* frames confirmed in the run */
	uint32_t rate; /* the pace learned, frames/s; 0: none */
	uint32_t overflowed_at; /* the rate measured at the last drop */
	uint32_t drops; /* sessions lost that taught it */
};

void ratelearn_init(struct ratelearn *l);
/* Frames were written to the server at now_us. */
void ratelearn_sent(struct ratelearn *l, uint64_t now_us);
/* n frames were confirmed (echoed) at now_us. */
void ratelearn_confirmed(struct ratelearn *l, uint32_t n, uint64_t now_us);
/* The session dropped with frames failed, right after sends: the rate the
 * remote took (in overflowed_at, 0: too little to measure) and the new
 * pace, returned. */
uint32_t ratelearn_drop(struct ratelearn *l);
/* A bit rate is known: the guess goes. */
void ratelearn_forget(struct ratelearn *l);

#endif
