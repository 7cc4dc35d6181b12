// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "runstate.h"

static const char *rundir(void)
{
	const char *d = getenv("RCAND_RUNDIR");

	return d && *d ? d : "/run/rcand";
}

static int path_of(uint32_t ifindex, char *buf, size_t size)
{
	struct stat ns;
	int n;

	/* ifindexes repeat across namespaces; the namespace's inode not */
	if (stat("/proc/self/ns/net", &ns) < 0)
		ns.st_ino = 0;
	n = snprintf(buf, size, "%s/%llu-%u", rundir(),
		     (unsigned long long)ns.st_ino, ifindex);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int runstate_write(uint32_t ifindex, const struct runstate *st)
{
	char path[512], tmp[600];
	FILE *f;

	if (path_of(ifindex, path, sizeof(path)) < 0)
		return -1;
	if (mkdir(rundir(), 0755) < 0 && errno != EEXIST)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f,
		"pid=%ld srtt_us=%u rtt_min_us=%u tx_rate=%u window=%u bitrate=%u dbitrate=%u learned_rate=%u overflowed_at=%u rx_frames=%llu rx_dropped=%llu tx_frames=%llu tx_failed=%llu dialect=%s source=%s\n",
		(long)getpid(), st->srtt_us, st->rtt_min_us, st->tx_rate,
		st->window, st->bitrate, st->dbitrate, st->learned_rate,
		st->overflowed_at, (unsigned long long)st->rx_frames,
		(unsigned long long)st->rx_dropped,
		(unsigned long long)st->tx_frames,
		(unsigned long long)st->tx_failed, st->dialect, st->source);
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

void runstate_remove(uint32_t ifindex)
{
	char path[512];

	if (path_of(ifindex, path, sizeof(path)) == 0)
		unlink(path);
}

/* The number after " KEY=" in line, or 0. */
static uint64_t number64(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

static uint32_t number(const char *line, const char *key)
{
	return (uint32_t)number64(line, key);
}

/* "pid=N KEY=N ... dialect=WORD source=WORDS" */
static long parse_line(const char *line, struct runstate *st)
{
	const char *d = strstr(line, " dialect="),
		   *src = strstr(line, " source=");
	char *end;
	long pid;
	size_t n;

	if (strncmp(line, "pid=", 4) || !d || !src || src < d)
		return -1;
	pid = strtol(line + 4, &end, 10);
	if (end > d || pid <= 0)
		return -1;
	st->srtt_us = number(line, " srtt_us=");
	st->rtt_min_us = number(line, " rtt_min_us=");
	st->tx_rate = number(line, " tx_rate=");
	st->window = number(line, " window=");
	st->bitrate = number(line, " bitrate=");
	st->dbitrate = number(line, " dbitrate=");
	st->learned_rate = number(line, " learned_rate=");
	st->overflowed_at = number(line, " overflowed_at=");
	st->has_counters = strstr(line, " rx_frames=") != NULL;
	st->rx_frames = number64(line, " rx_frames=");
	st->rx_dropped = number64(line, " rx_dropped=");
	st->tx_frames = number64(line, " tx_frames=");
	st->tx_failed = number64(line, " tx_failed=");
	n = (size_t)(src - d) - 9;
	if (n == 0 || n >= sizeof(st->dialect))
		return -1;
	memcpy(st->dialect, d + 9, n);
	st->dialect[n] = 0;
	snprintf(st->source, sizeof(st->source), "%s", src + 8);
	st->source[strcspn(st->source, "\n")] = 0;
	return pid;
}

int runstate_read(uint32_t ifindex, struct runstate *st)
{
	char path[512], line[512];
	long pid = -1;
	FILE *f;

	if (path_of(ifindex, path, sizeof(path)) < 0)
		return -1;
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f))
		pid = parse_line(line, st);
	fclose(f);
	if (pid <= 0)
		return -1;
	/* a file its rcand left behind (killed) tells nothing */
	if (kill((pid_t)pid, 0) < 0 && errno != EPERM)
		return -1;
	return 0;
}
