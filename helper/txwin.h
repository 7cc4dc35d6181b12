/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TX window rcand asks rcan.ko for: enough frames in flight to cover
 * the sending rate over one echo round trip, twice over (the margin lets
 * a window-bound sender double its rate each round trip, as TCP's slow
 * start does), between a floor and a maximum. Pure.
 *
 * The rate is the busiest span of the last TXWIN_PERIODS periods of
 * TXWIN_PERIOD_US (frames confirmed by echoes), so a window shrinks only a
 * second after the demand fell; a span is as many periods as the smoothed
 * round trip covers, so echoes answered in bursts (a slow server works
 * off a round trip's frames, then answers) count at the rate they came
 * at, not at one burst's. With frames queued behind a slow server the
 * window then settles at about four times what the path holds (gain 2,
 * at most twice the minimum round trip), whatever the queue. The round trip is the smoothed one, but at most twice
 * the minimum: frames queued behind a slow server make every echo
 * slower, and a window sized on that time would grow with its own queue
 * until the maximum; the minimum does not grow with the queue.
 */
#ifndef RCAND_TXWIN_H
#define RCAND_TXWIN_H

#include <stdint.h>

#include "rtt.h"

#define TXWIN_PERIOD_US 100000U
#define TXWIN_PERIODS 10
#define TXWIN_GAIN 2
#define TXWIN_STEP 16 /* windows are multiples of this (fewer changes) */

struct txwin {
	uint32_t floor, max;
	uint32_t window; /* what the link has */
	uint64_t period_start_us;
	uint32_t count; /* frames confirmed in the current period */
	uint32_t hist[TXWIN_PERIODS]; /* frames of the periods before */
	unsigned int pos;
};

void txwin_init(struct txwin *w, uint32_t floor, uint32_t max, uint32_t window,
		uint64_t now_us);
/* nframes were confirmed (TX_DONE). */
void txwin_confirmed(struct txwin *w, uint32_t nframes);
/* The window the link should have now; w->window until a change is due.
 * The caller sets it on the link and stores it in w->window. */
uint32_t txwin_update(struct txwin *w, uint64_t now_us, const struct rtt *r);
/* Frames per second over the last TXWIN_PERIODS periods. */
uint32_t txwin_rate(const struct txwin *w);

#endif
