// SPDX-License-Identifier: GPL-2.0
/*
 * CONTROL mode: `< statistics MS >` makes the daemon send
 * `< stat RX_BYTES RX_PACKETS TX_BYTES TX_PACKETS >` of the bus every MS
 * milliseconds, read from /proc/net/dev (statistics.c); 0 stops it. The
 * first one comes MS after the mode was entered (when the daemon's
 * statistics thread started), each next one MS after the last.
 */
#include <stdio.h>
#include <string.h>

#include "serve.h"

/* The daemon's statistics thread polls every 10 ms: no shorter interval
 * there, none here (a client's 1 ms would be 1,000 reads a second). */
#define STAT_MIN_MS 10U

uint64_t serve_control_next(const struct serve_client *c)
{
	uint32_t ms = c->stat_ms > STAT_MIN_MS ? c->stat_ms : STAT_MIN_MS;

	if (c->mode != SERVE_CONTROL || !c->stat_ms)
		return 0;
	return c->stat_last + ms * 1000000ULL;
}

/* The bus's line of /proc/net/dev: 0, or -1 if it is not there. */
static int proc_net_dev(const char *bus, unsigned long long v[16])
{
	char line[512];
	FILE *f = fopen("/proc/net/dev", "r");
	int found = -1;

	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *name = line;

		if (!colon)
			continue;
		*colon = '\0';
		name += strspn(name, " ");
		if (strcmp(name, bus))
			continue;
		/* NOLINTNEXTLINE(cert-err34-c): counters, as the daemon */
		if (sscanf(colon + 1,
			   " %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7], &v[8], &v[9], &v[10], &v[11], &v[12], &v[13],
			   &v[14], &v[15]) == 16)
			found = 0;
	}
	fclose(f);
	return found;
}

/* A bus's counters, read at most once a millisecond for all its
 * clients: 0, or -1. */
static int bus_counters(struct serve *s, int bus, uint64_t now,
			unsigned long long v[16])
{
	static struct {
		uint64_t at;
		int ok;
		unsigned long long v[16];
	} cache[SERVE_MAX_BUSES];

	if (!cache[bus].at || now - cache[bus].at >= 1000000ULL) {
		cache[bus].at = now;
		cache[bus].ok = proc_net_dev(s->cfg.buses[bus], cache[bus].v);
	}
	memcpy(v, cache[bus].v, sizeof(cache[bus].v));
	return cache[bus].ok;
}

void serve_control_tick(struct serve *s, struct serve_client *c, uint64_t now)
{
	uint64_t due = serve_control_next(c);
	unsigned long long v[16];
	char el[128];
	int n;

	if (!due || now < due)
		return;
	c->stat_last = now;
	/* the daemon tries again later; so does this */
	if (bus_counters(s, c->bus, now, v) < 0)
		return;
	n = proto_format_stat(el, sizeof(el), v[0], v[1], v[8], v[9]);
	if (n > 0)
		serve_queue_frame(s, c, el, (size_t)n);
}
