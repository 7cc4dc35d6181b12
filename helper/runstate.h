/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `rcand list` cannot ask rcan.ko: a running rcand's view of its link
 * (the server's CAN FD dialect, the echo round trip, the TX rate, the
 * pacing, rcand's own frame counters), one small file per link in
 * RCAND_RUNDIR (default /run/rcand), named by the network namespace and
 * the ifindex. Written by the daemon
 * (once a second while connected), read by `rcand list`; a file whose
 * rcand is gone is ignored.
 */
#ifndef RCAND_RUNSTATE_H
#define RCAND_RUNSTATE_H

#include <stddef.h>
#include <stdint.h>

#define RUNSTATE_WORD_MAX 32

struct runstate {
	char dialect[RUNSTATE_WORD_MAX]; /* proto_dialect_name() */
	char source[RUNSTATE_WORD_MAX]; /* session_dialect_src_name() */
	uint32_t srtt_us, rtt_min_us; /* 0: not measured */
	uint32_t tx_rate; /* frames/s confirmed, last second */
	uint32_t window; /* the TX window rcand asked for */
	uint32_t bitrate, dbitrate; /* TX pacing; 0: none */
	/* no bit rate known: the pace learned from a plain socketcand's
	 * closes, and the rate its bus took at the last one; 0: none */
	uint32_t learned_rate, overflowed_at;
	/* rcand's own counters: every frame it parsed from the server is
	 * handed to the kernel or dropped; TX confirmed or failed. 0 in
	 * has_counters: the file is an older rcand's, without them. */
	int has_counters;
	uint64_t rx_frames, rx_dropped, tx_frames, tx_failed;
};

/* 0, or -1 (no directory, not root: `rcand list` shows nothing). */
int runstate_write(uint32_t ifindex, const struct runstate *st);
void runstate_remove(uint32_t ifindex);
/* 0 when a live rcand wrote one for this ifindex, else -1. */
int runstate_read(uint32_t ifindex, struct runstate *st);

#endif
