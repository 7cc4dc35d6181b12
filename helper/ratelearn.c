// SPDX-License-Identifier: GPL-2.0
/* A TX pace learned from a session the remote closed; see ratelearn.h. */
#include <string.h>

#include "ratelearn.h"

/* A run this short, or this few frames, says nothing of the bus. */
#define RUN_MIN_US 20000ULL
#define RUN_MIN_FRAMES 10

void ratelearn_init(struct ratelearn *l)
{
	memset(l, 0, sizeof(*l));
}

void ratelearn_sent(struct ratelearn *l, uint64_t now_us)
{
	if (!l->run_last_us || now_us < l->run_last_us ||
	    now_us - l->run_last_us > RATELEARN_GAP_US) {
		l->run_start_us = now_us;
		l->run_confirmed = 0;
	}
	l->run_last_us = now_us;
}

void ratelearn_confirmed(struct ratelearn *l, uint32_t n, uint64_t now_us)
{
	if (!l->run_last_us || now_us < l->run_last_us)
		return;
	l->run_confirmed += n;
	l->run_last_us = now_us;
}

uint32_t ratelearn_drop(struct ratelearn *l)
{
	uint64_t span = l->run_last_us - l->run_start_us;
	uint64_t measured = 0, pace;

	if (l->run_last_us && span >= RUN_MIN_US &&
	    l->run_confirmed >= RUN_MIN_FRAMES)
		measured = l->run_confirmed * 1000000ULL / span;
	if (measured > UINT32_MAX)
		measured = UINT32_MAX;
	l->overflowed_at = (uint32_t)measured;
	if (measured)
		pace = measured * 3 / 4;
	else
		pace = l->rate ? l->rate / 2 : RATELEARN_FIRST;
	/* dropped again at the learned pace: below it, whatever was seen */
	if (l->rate && pace > (uint64_t)l->rate * 3 / 4)
		pace = (uint64_t)l->rate * 3 / 4;
	if (pace < RATELEARN_MIN)
		pace = RATELEARN_MIN;
	l->rate = (uint32_t)pace;
	l->drops++;
	l->run_start_us = 0;
	l->run_last_us = 0;
	l->run_confirmed = 0;
	return l->rate;
}

void ratelearn_forget(struct ratelearn *l)
{
	ratelearn_init(l);
}
