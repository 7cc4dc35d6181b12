/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon of `rcand attach`: one remote bus pumped into one netdev
 * until a signal, the netdev's deletion, or a session that gives up.
 */
#ifndef RCAND_DAEMON_H
#define RCAND_DAEMON_H

#include <stdint.h>

#include "session.h"

struct attach_opts {
	struct session_config session;
	const char *ifname; /* NULL: "can%d" */
	int fd; /* --fd */
	int remove; /* --remove (else --keep) */
	uint32_t tx_rate; /* --tx-rate, frames/s, 0 = unpaced */
	uint32_t tx_window; /* --tx-window: fixed; 0 = follows the RTT */
	uint32_t bitrate, dbitrate; /* --bitrate N[,D]: pace TX */
	uint32_t remote_queue; /* --remote-queue, frames */
	int foreground;
	const char *ready_file; /* --ready-file: written once up */
};

/* Runs the daemon (in the background unless o->foreground); returns the
 * exit code. */
int daemon_run(const struct attach_opts *o);

#endif
