// SPDX-License-Identifier: GPL-2.0
/*
 * Logging. A person running rcand in a terminal reads stderr; under
 * systemd (or once daemonized) the journal gets the same lines via syslog.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static int use_syslog;
static int verbosity;
static const char *log_ident = "rcand";

void log_init(const char *ident, int verbose)
{
	log_ident = ident;
	verbosity = verbose;
	/* Started by systemd (even with --foreground): the journal takes
	 * syslog priorities, and stamps the time itself. */
	if (getenv("INVOCATION_ID"))
		log_to_syslog();
}

void log_to_syslog(void)
{
	if (!use_syslog)
		openlog(log_ident, LOG_PID, LOG_DAEMON);
	use_syslog = 1;
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	if (prio == LOG_DEBUG && verbosity < 1)
		return;
	va_start(ap, fmt);
	if (use_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s: ", when, ts.tv_nsec / 1000000,
			log_ident);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}
