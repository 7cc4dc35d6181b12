// SPDX-License-Identifier: GPL-2.0
/* The TX window's size; see txwin.h. */
#include <string.h>

#include "txwin.h"

void txwin_init(struct txwin *w, uint32_t floor, uint32_t max, uint32_t window,
		uint64_t now_us)
{
	memset(w, 0, sizeof(*w));
	w->floor = floor;
	w->max = max;
	w->window = window;
	w->period_start_us = now_us;
}

void txwin_confirmed(struct txwin *w, uint32_t nframes)
{
	w->count += nframes;
}

/* Close the periods that ended before now (at most all of them). */
static void roll(struct txwin *w, uint64_t now_us)
{
	unsigned int i;

	for (i = 0; now_us - w->period_start_us >= TXWIN_PERIOD_US; i++) {
		if (i == TXWIN_PERIODS) {
			/* idle for longer than the history: start over */
			memset(w->hist, 0, sizeof(w->hist));
			w->period_start_us = now_us;
			break;
		}
		w->hist[w->pos] = w->count;
		w->pos = (w->pos + 1) % TXWIN_PERIODS;
		w->count = 0;
		w->period_start_us += TXWIN_PERIOD_US;
	}
}

uint32_t txwin_rate(const struct txwin *w)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < TXWIN_PERIODS; i++)
		sum += w->hist[i];
	return (uint32_t)(sum * 1000000ULL /
			  ((uint64_t)TXWIN_PERIODS * TXWIN_PERIOD_US));
}

/*
 * The busiest span of the history, in frames per second, a span being
 * as many periods as one smoothed round trip covers: a server that
 * answers a round trip's echoes in one burst (one read of ours) puts them
 * in one period, and that period's rate is not the path's.
 */
static uint64_t peak_rate(const struct txwin *w, uint32_t srtt_us)
{
	unsigned int span = (srtt_us + TXWIN_PERIOD_US - 1) / TXWIN_PERIOD_US;
	uint64_t peak = 0, sum;
	unsigned int i, j;

	if (span < 1)
		span = 1;
	if (span > TXWIN_PERIODS)
		span = TXWIN_PERIODS;
	for (i = 0; i + span <= TXWIN_PERIODS; i++) {
		for (sum = 0, j = 0; j < span; j++)
			sum += w->hist[(w->pos + i + j) % TXWIN_PERIODS];
		if (sum > peak)
			peak = sum;
	}
	return peak * 1000000ULL / ((uint64_t)span * TXWIN_PERIOD_US);
}

uint32_t txwin_update(struct txwin *w, uint64_t now_us, const struct rtt *r)
{
	uint64_t rtt_us, want;

	roll(w, now_us);
	if (!r->have)
		return w->window;
	rtt_us = r->srtt_us;
	if (rtt_us > 2ULL * r->min_us)
		rtt_us = 2ULL * r->min_us;
	want = (TXWIN_GAIN * peak_rate(w, r->srtt_us) * rtt_us + 999999) /
	       1000000;
	want = (want + TXWIN_STEP - 1) / TXWIN_STEP * TXWIN_STEP;
	if (want < w->floor)
		want = w->floor;
	if (want > w->max)
		want = w->max;
	/* grow at once; shrink only by a quarter or more, to keep still */
	if (want > w->window || want + w->window / 4 <= w->window)
		return (uint32_t)want;
	return w->window;
}
