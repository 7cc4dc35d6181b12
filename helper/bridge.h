/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bridge between the socketcand session and the kernel link: frames
 * from the kernel become `< send >` batches closed by an `< echo >`, and
 * are confirmed to the kernel when the echo comes back (struct txring);
 * frames from the server go to the kernel as one FRAMES_RX per TCP read.
 */
#ifndef RCAND_BRIDGE_H
#define RCAND_BRIDGE_H

#include <stdint.h>

#include "genl.h"
#include "proto.h"
#include "session.h"
#include "tx_refusal.h"
#include "txring.h"

struct bridge_config {
	const char *name; /* the netdev's, for log lines */
	const char *url;
	int allow_fd; /* --fd: write CAN FD frames */
	uint32_t tx_rate; /* --tx-rate, frames/s, 0 = unpaced */
};

struct bridge {
	struct session *s;
	struct rnl *nl;
	struct bridge_config cfg;
	uint32_t ifindex; /* 0 until the netdev exists */
	uint32_t link_flags; /* RCAN_LINK_F_* */

	struct txring tx;
	double tokens; /* --tx-rate bucket */
	long tokens_at;
	struct rnl_rxbatch rxb;

	struct tx_refusal_log refusals;
	int logged_rxfd;
	uint64_t rx_frames, tx_frames, tx_failed, rx_dropped;
};

void bridge_init(struct bridge *b, struct session *s, struct rnl *nl,
		 const struct bridge_config *cfg);
/* The netdev exists: its ifindex, flags, and the kernel's next TX seq. */
void bridge_set_link(struct bridge *b, const struct rnl_link *l);

/* Kernel to server */
void bridge_tx_frame(struct bridge *b, const struct rnl_frame *f);
/* Write what is queued, as far as the session and --tx-rate allow. */
void bridge_tx_fill(struct bridge *b);
/* ms until --tx-rate allows the next frame, or -1 */
long bridge_tx_wait(const struct bridge *b);
void bridge_echo(struct bridge *b);
int bridge_heartbeat(struct bridge *b);
/* Nothing pending can be confirmed any more. */
void bridge_fail_all(struct bridge *b, int err);

/* Server to kernel */
void bridge_rx_frame(struct bridge *b, const struct proto_event *ev);
void bridge_rx_flush(struct bridge *b);
/* The kernel refused a message sent without an ack. */
void bridge_refused(struct bridge *b, int cmd);

void bridge_up(struct bridge *b);
void bridge_down(struct bridge *b);

#endif
