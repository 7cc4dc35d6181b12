/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TX completion ring: frames from the kernel waiting to be written,
 * and the confirmations owed back, in sequence order. Pure code (no I/O):
 * the caller writes the `< send >` and `< echo >` elements and passes the
 * ring's reports on to the kernel.
 *
 * socketcand handles a session strictly in order, so the reply to an
 * `< echo >` written behind a batch of sends proves every send before it
 * reached the remote CAN socket. Only then is the batch confirmed. Frames
 * the protocol cannot carry fail in their place in the order, because the
 * kernel's TX_DONE and TX_FAIL both mean "everything up to SEQ".
 */
#ifndef RCAND_TXRING_H
#define RCAND_TXRING_H

#include <stdint.h>

#include <linux/rcan.h>

#include "proto.h"

/* The kernel never has more than a window of frames unconfirmed, and the
 * queue holds only unconfirmed ones. Each of them may be a batch of its
 * own with a failure after it, and one heartbeat echo may wait too. */
#define TXRING_QUEUE ((unsigned int)RCAN_TX_WINDOW_MAX)
#define TXRING_COMP (2U * RCAN_TX_WINDOW_MAX + 16U)

/* A frame from the kernel waiting to be written. */
struct tx_pending {
	uint32_t seq;
	struct proto_frame f;
};

/* One entry owed to the kernel, in order. */
struct tx_comp {
	uint32_t nframes;
	uint32_t seq;
	int err; /* TX_FAIL: why */
	uint8_t is_echo; /* waits for an < echo > reply; else a failure */
	uint8_t has_seq; /* an echo behind sends (not a heartbeat) */
	uint8_t replied;
	uint8_t alone; /* echoes: written with no other echo outstanding */
	uint8_t reported; /* confirm mode: a failure told the kernel */
	uint32_t done; /* confirm mode: frames of the batch settled */
	uint64_t sent_us; /* echoes: when written, for the round trip */
};

/* Every frame up to seq is settled: done (err == 0) or failed (err).
 * ts_ns: done only, the remote's time of the verdict that settled them
 * (`< sent N SEC.USEC >`, ns since the epoch) for their hardware TX
 * timestamp; 0 when there is none (echo mode, failures). */
typedef void (*txring_report_fn)(void *arg, uint32_t seq, uint32_t nframes,
				 int err, uint64_t ts_ns);

struct txring {
	struct tx_pending q[TXRING_QUEUE];
	unsigned int q_head, q_len;
	struct tx_comp c[TXRING_COMP];
	unsigned int c_head, c_len;
	uint32_t batch_n, batch_last; /* sends written since the last echo */
	unsigned int echoes_out; /* echoes written, not answered yet */
	int last_alone; /* the echo answered last was alone */
	int have_last_seq;
	uint32_t last_seq; /* newest seq from the kernel */
	txring_report_fn report;
	void *arg;
	/* confirm mode (the rcan extension's `confirm`): the server's
	 * verdicts settle the frames written, oldest first; echoes only
	 * measure the round trip and no longer settle anything */
	int confirm;
	uint32_t batch_done; /* frames of the open batch settled */
};

void txring_init(struct txring *t, txring_report_fn report, void *arg);
/* The kernel's next seq, from LINK_NEW/LINK_ATTACH: older ones are not ours. */
void txring_set_next_seq(struct txring *t, uint32_t next);

/* A frame from the kernel. err != 0: it cannot be sent (no session), fail
 * it in order. A full queue fails it with ENOBUFS. */
void txring_add(struct txring *t, uint32_t seq, const struct proto_frame *f,
		int err);
/* The oldest frame not yet written, or NULL. */
const struct tx_pending *txring_head(const struct txring *t);
/* The head was written as a `< send >`: it joins the open batch. */
void txring_sent(struct txring *t);
/* The head cannot be written: it fails with err, in order. The open batch
 * must be closed first. */
void txring_refused(struct txring *t, int err);
/* Sends written since the last batch close. */
int txring_batch_open(const struct txring *t);
/* The caller wrote an `< echo >` behind the open batch at now_us. */
void txring_close_batch(struct txring *t, uint64_t now_us);
/* Free entries for at least n more completions. */
int txring_room(const struct txring *t, unsigned int n);
/* A heartbeat `< echo >` with no sends: it keeps its place in the order.
 * -1 when the ring is full (then write no echo). */
int txring_barrier(struct txring *t, uint64_t now_us);
/* An `< echo >` reply: the oldest echo waiting is answered; reports what is
 * settled. -1 when no echo was waiting; else 0, and *sent_us (may be NULL)
 * is when that echo was written. */
int txring_echo(struct txring *t, uint64_t *sent_us);
/* Echoes written and not answered yet. */
unsigned int txring_echoes_out(const struct txring *t);
/* The echo txring_echo() answered last went out alone: no frame of ours
 * waited ahead of its batch at the server (a clean round trip). */
int txring_echo_alone(const struct txring *t);
/* Report everything at the head that is settled. */
void txring_flush(struct txring *t);
/* The session is gone: report what the server confirmed, fail the rest
 * (queued or unconfirmed) up to the newest seq. Returns the frames failed. */
uint32_t txring_fail_all(struct txring *t, int err);
unsigned int txring_queued(const struct txring *t);

/* Confirm mode: a frame written has its verdict within this, or the
 * server is broken (a live one fails a frame it cannot confirm, `lost`,
 * within 3 s past the frame's bus time). */
#define TXRING_VERDICT_US (10ULL * 1000000ULL)

/* Confirm mode on or off; only with nothing in flight (at a handshake). */
void txring_set_confirm(struct txring *t, int on);
/* Confirm mode: the next n frames written were sent on the remote bus
 * (err 0) or failed (err). Reported at once, in order; sent ones with
 * ts_ns (when the last of them was, 0 when not known), in each report
 * they take, whichever batches they span. -1 when fewer frames wait for
 * a verdict (the server counts wrong: reset it). */
int txring_verdict(struct txring *t, uint32_t n, int err, uint64_t ts_ns);
/* Confirm mode: when the oldest frame waiting for a verdict is due (its
 * batch's write time + TXRING_VERDICT_US); 0 when none waits. */
uint64_t txring_verdict_due(const struct txring *t);
/* Confirm mode: frames due by now_us fail with err, oldest first, as a
 * verdict would fail them. Returns how many. */
uint32_t txring_expire(struct txring *t, uint64_t now_us, int err);

#endif
