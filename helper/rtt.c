// SPDX-License-Identifier: GPL-2.0
/* The echo round trip; see rtt.h. */
#include <string.h>

#include "rtt.h"

void rtt_init(struct rtt *r)
{
	memset(r, 0, sizeof(*r));
}

static uint32_t absdiff(uint32_t a, uint32_t b)
{
	return a > b ? a - b : b - a;
}

int rtt_min_stale(const struct rtt *r, uint64_t now_us)
{
	return r->have && now_us > r->min_at_us &&
	       now_us - r->min_at_us > RTT_MIN_STALE_US;
}

void rtt_sample(struct rtt *r, uint32_t sample_us, uint64_t now_us, int clean)
{
	if (!sample_us)
		sample_us = 1; /* below the clock: one tick, never zero */
	r->last_us = sample_us;
	if (!r->have) {
		/* RFC 6298 2.2 */
		r->have = 1;
		r->srtt_us = sample_us;
		r->rttvar_us = sample_us / 2;
		r->min_us = sample_us;
		r->min_at_us = now_us;
		return;
	}
	/* RFC 6298 2.3: beta 1/4, alpha 1/8, in this order */
	r->rttvar_us = r->rttvar_us - r->rttvar_us / 4 +
		       absdiff(r->srtt_us, sample_us) / 4;
	r->srtt_us = r->srtt_us - r->srtt_us / 8 + sample_us / 8;
	/* A lower sample is the minimum at once; a clean one (nothing of
	 * ours ahead of it: the path's round trip now) replaces a stale one. */
	if (sample_us <= r->min_us || (clean && rtt_min_stale(r, now_us)))
		r->min_us = sample_us;
	/* one near it says the path still has this minimum */
	if (sample_us - r->min_us <= r->min_us / 4)
		r->min_at_us = now_us;
}
