// SPDX-License-Identifier: GPL-2.0
/*
 * Reconnect delays. Jitter spreads the reconnects of many helpers after a
 * server restart, so they do not all hit a daemon that accepts without
 * SO_REUSEADDR and forks per client at the same moment.
 */
#include "backoff.h"

void backoff_init(struct backoff *b, uint32_t min_ms, uint32_t max_ms)
{
	if (min_ms == 0)
		min_ms = 1;
	if (max_ms < min_ms)
		max_ms = min_ms;
	b->min_ms = min_ms;
	b->max_ms = max_ms;
	b->cur_ms = min_ms;
}

void backoff_reset(struct backoff *b)
{
	b->cur_ms = b->min_ms;
}

uint32_t backoff_next(struct backoff *b, uint32_t rnd)
{
	uint64_t base = b->cur_ms, span = base / 2, d;

	/* uniform in [base - base/4, base + base/4] */
	d = base - base / 4 + (span ? rnd % (span + 1) : 0);
	if (d > b->max_ms)
		d = b->max_ms;
	if (d == 0)
		d = 1;
	b->cur_ms = base * 2 > b->max_ms ? b->max_ms : (uint32_t)(base * 2);
	return (uint32_t)d;
}
