// SPDX-License-Identifier: GPL-2.0
/* Counters a test reads back: one line per session and event, appended. */
#include "server.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void logmsg(const char *fmt, ...)
{
	va_list ap;

	if (!cfg.verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "rcan-testserver[%d]: ", (int)getpid());
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void stats_write(const struct session_stats *st, const char *what)
{
	char line[512];
	int fd, n;

	if (!cfg.stats_file)
		return;
	n = snprintf(line, sizeof(line),
		     "session=%ld event=%s frames_to_client=%llu sends_received=%llu "
		     "sends_written=%llu echoes=%llu malformed=%llu bytes_in=%llu "
		     "bytes_out=%llu can_drops=%u end=%s bus=%s can_rcvbuf=%u\n",
		     st->index, what, (unsigned long long)st->frames_to_client,
		     (unsigned long long)st->sends_received,
		     (unsigned long long)st->sends_written,
		     (unsigned long long)st->echoes,
		     (unsigned long long)st->malformed,
		     (unsigned long long)st->bytes_in,
		     (unsigned long long)st->bytes_out, st->can_drops,
		     st->end ? st->end : "-", st->bus ? st->bus : "-",
		     st->can_rcvbuf);
	/* O_APPEND with one write per line: sessions never interleave. */
	fd = open(cfg.stats_file, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) != n)
		logmsg("short write to %s", cfg.stats_file);
	close(fd);
}
