/* SPDX-License-Identifier: GPL-2.0 */
/* Reconnect delays: exponential with jitter, capped. Pure. */
#ifndef RCAND_BACKOFF_H
#define RCAND_BACKOFF_H

#include <stdint.h>

struct backoff {
	uint32_t min_ms, max_ms; /* first delay, cap */
	uint32_t cur_ms; /* the next delay before jitter */
};

void backoff_init(struct backoff *b, uint32_t min_ms, uint32_t max_ms);
/* The next delay: cur +-25 % (rnd is any 32-bit random value); then doubles. */
uint32_t backoff_next(struct backoff *b, uint32_t rnd);
void backoff_reset(struct backoff *b);

#endif
