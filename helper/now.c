// SPDX-License-Identifier: GPL-2.0
#include <time.h>

#include "now.h"

/*
 * Read a few times per wakeup: timeouts, heartbeats, backoff and the
 * --tx-rate bucket need milliseconds at best. The coarse clock (a tick's
 * resolution) is always read in the vDSO, whatever the clocksource;
 * CLOCK_MONOTONIC becomes a system call where the TSC is not trusted
 * (hpet, as in QEMU guests).
 */
long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The precise clock (a system call in some guests): once per batch, echo
 * or burst, where the round trip and the pacing need microseconds. */
uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL +
	       (uint64_t)ts.tv_nsec / 1000ULL;
}
