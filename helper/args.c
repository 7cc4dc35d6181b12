// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>

#include "args.h"

#define BACKOFF_LIMIT_MS 3600000UL
#define BITRATE_LIMIT 20000000UL /* above any CAN FD data phase */

/* strtoul() takes a sign and leading spaces; a number here is digits. */
static int parse_ul(const char *s, char **end, unsigned long *v)
{
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, end, 10);
	return errno ? -1 : 0;
}

int args_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (parse_ul(s, &end, &v) < 0 || *end || v > 0xffffffffUL)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int args_backoff(const char *s, uint32_t *min_ms, uint32_t *max_ms)
{
	char *end;
	unsigned long lo, hi;

	if (parse_ul(s, &end, &lo) < 0 || *end != ':' || lo == 0 ||
	    lo > BACKOFF_LIMIT_MS)
		return -1;
	if (parse_ul(end + 1, &end, &hi) < 0 || *end || hi < lo ||
	    hi > BACKOFF_LIMIT_MS)
		return -1;
	*min_ms = (uint32_t)lo;
	*max_ms = (uint32_t)hi;
	return 0;
}

int args_bitrate(const char *s, uint32_t *bitrate, uint32_t *dbitrate)
{
	char *end;
	unsigned long n, d = 0;

	if (parse_ul(s, &end, &n) < 0 || !n || n > BITRATE_LIMIT)
		return -1;
	if (*end == ',' &&
	    (parse_ul(end + 1, &end, &d) < 0 || !d || d > BITRATE_LIMIT))
		return -1;
	if (*end)
		return -1;
	*bitrate = (uint32_t)n;
	*dbitrate = (uint32_t)d;
	return 0;
}
