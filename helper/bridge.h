/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bridge between the socketcand session and the kernel link: frames
 * from the kernel become `< send >` batches closed by an `< echo >`, and
 * are confirmed to the kernel when the echo comes back (struct txring);
 * frames from the server go to the kernel as one FRAMES_RX per TCP read
 * (or as ethtool's coalescing asks). The echoes' round trip sizes the
 * kernel's TX window; a known bus bit rate paces the sends.
 *
 * bridge.c: the link, settings and the session's state; bridge_tx.c:
 * kernel to server; bridge_rx.c: server to kernel.
 */
#ifndef RCAND_BRIDGE_H
#define RCAND_BRIDGE_H

#include <stdint.h>

#include "genl.h"
#include "pacer.h"
#include "proto.h"
#include "ratelearn.h"
#include "rtt.h"
#include "session.h"
#include "tx_refusal.h"
#include "txring.h"
#include "txwin.h"

struct bridge_config {
	const char *name; /* the netdev's, for log lines */
	const char *url;
	int allow_fd; /* --fd: write CAN FD frames */
	uint32_t tx_rate; /* --tx-rate, frames/s, paced (0: none) */
	uint32_t tx_window; /* --tx-window: fixed; 0: sized by the RTT */
	uint32_t bitrate, dbitrate; /* --bitrate; 0: as the netdev says */
	uint32_t remote_queue; /* --remote-queue, frames */
};

/* What `rcand list` shows of a running bridge. */
struct bridge_status {
	uint32_t srtt_us, rtt_min_us; /* 0: not measured yet */
	uint32_t tx_rate; /* frames confirmed per second, last second */
	uint32_t window;
	uint32_t bitrate, dbitrate; /* pacing; 0: none */
	/* the pace learned from a plain socketcand's closes (ratelearn.h),
	 * and the rate its bus took at the last one; 0: none */
	uint32_t learned_rate, overflowed_at;
	/* since rcand started: RX frames handed to the kernel and dropped,
	 * TX frames the server confirmed and failed */
	uint64_t rx_frames, rx_dropped, tx_frames, tx_failed;
};

struct bridge {
	struct session *s;
	struct rnl *nl;
	struct bridge_config cfg;
	uint32_t ifindex; /* 0 until the netdev exists */
	uint32_t link_flags; /* RCAN_LINK_F_* */

	struct txring tx;
	struct rtt rtt;
	struct txwin win;
	int win_auto; /* the window follows the round trip */
	struct pacer pacer;
	struct ratelearn learn; /* no bit rate known: the pace guessed */
	/* a plain socketcand closed the session for a full queue: the
	 * carrier stays and TX waits for the reconnect until then (0: not
	 * holding) */
	uint64_t hold_until_us;
	uint64_t last_tx_us; /* when sends were last written */
	uint64_t tx_ready_ns; /* when the oldest unwritten frame was queued */
	uint32_t unechoed; /* frames written, their echo not back yet */
	int probe_out; /* the clean echo of a stale minimum is out (rtt.h) */
	uint64_t clock_us; /* the precise clock for one fill or one read's
			    * echoes, read once (0: not read yet) */

	struct rnl_rxbatch rxb;
	uint32_t coal_usecs, coal_frames; /* ethtool -C; 0 0: at once */
	uint64_t rx_first_us; /* when the oldest held frame came */

	struct tx_refusal_log refusals;
	int logged_rxfd;
	int logged_rate; /* the --tx-rate line, once */
	uint64_t rx_frames, tx_frames, tx_failed, rx_dropped;
	/* the rcan extension (bridge_ext.c) */
	uint32_t ext_features, ext_state;
	int ext_bitrate; /* the pacer's rate is the server's */
	int ext_logged_fail;
};

void bridge_init(struct bridge *b, struct session *s, struct rnl *nl,
		 const struct bridge_config *cfg);
/* The netdev exists: its ifindex, flags, the kernel's next TX seq, its
 * window, bit rates and coalescing. */
void bridge_set_link(struct bridge *b, const struct rnl_link *l);
/* Once the netdev is ours: --tx-window, or find out whether the kernel
 * lets the window follow the round trip. May wait for the kernel. */
void bridge_setup_window(struct bridge *b);
/* The bus's bit rates (0: unknown, not paced); how: for the log line. */
void bridge_set_bitrate(struct bridge *b, uint32_t bitrate, uint32_t dbitrate,
			const char *how);
/* A pace guessed from a plain server's closes (ratelearn.h) goes: a bit
 * rate is known, or the server never closes for a full queue. */
void bridge_forget_learned_rate(struct bridge *b);
/* ethtool -C rx-usecs, rx-frames */
void bridge_set_coalesce(struct bridge *b, uint32_t usecs, uint32_t frames);
/* Once a second or so: the window follows the rate; the status. */
void bridge_tick(struct bridge *b, struct bridge_status *st);

/* Kernel to server */
void bridge_tx_frame(struct bridge *b, const struct rnl_frame *f);
/* Write what is queued, as far as the session, the pacing and --tx-rate
 * allow. */
void bridge_tx_fill(struct bridge *b);
void bridge_echo(struct bridge *b);
int bridge_heartbeat(struct bridge *b);
/* Nothing pending can be confirmed any more; returns the frames failed. */
uint32_t bridge_fail_all(struct bridge *b, int err);

/* Server to kernel */
void bridge_rx_frame(struct bridge *b, const struct proto_event *ev);
/* After a TCP read, and on the loop's timer: deliver what is due (all of
 * it, unless coalescing says wait). */
void bridge_rx_deliver(struct bridge *b);
/* Deliver everything now. */
void bridge_rx_flush(struct bridge *b);
/* The kernel refused a message sent without an ack. */
void bridge_refused(struct bridge *b, int cmd, uint32_t frames);

/* us until the bridge has something to do (TX pacing, held
 * RX frames), or -1. */
long bridge_timeout_us(struct bridge *b);
long bridge_tx_wait_us(struct bridge *b);
long bridge_rx_wait_us(const struct bridge *b);

/* The precise clock, read once per fill or per read's echoes (in some
 * guests every read is a system call); bridge_clock_done() ends the span. */
uint64_t bridge_clock_us(struct bridge *b);
void bridge_clock_done(struct bridge *b);

void bridge_up(struct bridge *b);
/* the rcan extension: its answer at each handshake, then its elements */
void bridge_ext(struct bridge *b, const struct proto_event *ev);
/* confirm: frames with no verdict in time fail (ETIMEDOUT), and the
 * session restarts; us until that may be due, or -1 */
void bridge_ext_expire(struct bridge *b);
long bridge_ext_wait_us(struct bridge *b);
void bridge_down(struct bridge *b);
/* On the loop's timer: a hold the reconnect did not end in time ends:
 * frames failed, carrier off. */
void bridge_hold_check(struct bridge *b);

#endif
