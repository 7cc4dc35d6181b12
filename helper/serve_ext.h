/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcand serve's half of the rcan extension (docs/RCAN-EXTENSION.md):
 *   serve_ext.c        negotiation, and `confirm`: the outcome of every
 *                      send of a client, in order (< sent > / < failed >)
 *   serve_ext_wait.c   `confirm`: the frames written that wait for their
 *                      loop-back, with their content's hash and deadline
 *   serve_ext_state.c  `state`: the served interface's controller state
 *                      and bit timing over rtnetlink (< state >,
 *                      < bittiming >)
 * The rest of the server calls these hooks; every one does nothing for a
 * client that never sent `< rcan >`, which therefore sees the daemon's
 * bytes and nothing else.
 */
#ifndef RCAND_SERVE_EXT_H
#define RCAND_SERVE_EXT_H

#include <linux/can.h>
#include <linux/can/error.h>
#include <sys/time.h>

#include "serve.h"

/* Runs of outcomes a client may have waiting at most (each run is one
 * kind: frames waiting for their confirmation, or failed frames). Only a
 * client alternating good and bad sends against a stuck bus needs many;
 * past this it is closed. */
#define SERVE_EXT_RUNS 256
/* ENOBUFS retries (paced, serve_raw.c) before a frame is `failed busy`:
 * with the retry wait capped at 50 ms, about 1.5 s at the longest. */
#define SERVE_EXT_BUSY_RETRIES 30

/* Frames written that may wait for their loop-back at once. Past it,
 * the next write waits as if the controller's queue were full (one CAN
 * socket holds far fewer in its send buffer). */
#define SERVE_EXT_WAIT_MAX 512
/* A loop-back that has not come this long after the frame's bus time (and
 * the bus time of the frames before it) never will: the frame is `lost`. */
#define SERVE_EXT_LOST_NS (3ULL * 1000000000ULL)

/* Error frames a driver sends when its controller's state changes: the
 * state watch asks rtnetlink again on each (serve_ext_state.c). */
#define SERVE_EXT_ERR_CLASSES \
	(CAN_ERR_CRTL | CAN_ERR_BUSOFF | CAN_ERR_RESTARTED)

struct serve_ext_run {
	uint32_t n;
	uint8_t failed; /* 0: waiting for confirmation */
	uint8_t reason; /* enum proto_ext_reason */
};

/* A frame written, waiting for its loop-back (serve_ext_wait.c). */
struct serve_ext_wait {
	uint32_t hash; /* of id, flags, length and data */
	uint64_t deadline; /* ns, CLOCK_MONOTONIC: then it is `lost` */
};

struct serve_ext {
	uint32_t version, features;
	/* confirm: from the oldest send on */
	struct serve_ext_run run[SERVE_EXT_RUNS];
	unsigned int head, nruns;
	/* the frames of the waiting runs, in order */
	struct serve_ext_wait wait[SERVE_EXT_WAIT_MAX];
	unsigned int w_head, w_len;
	/* a loop-back was lost (overflow, a deadline): loop-backs confirm
	 * the frame of their content from now on, not the oldest */
	int by_content;
	uint32_t sent_acc; /* confirmed, not told yet */
	struct timeval sent_tv; /* the last of them */
	int down_seen; /* the CAN socket said ENETDOWN/ENODEV */
	uint64_t confirmed, failed, lost; /* counters, for the log */
	/* state (serve_ext_state.c) */
	int nl; /* rtnetlink socket, -1 none */
	struct serve_ep ep_nl;
	int told; /* a state has been sent */
	int asked; /* an RTM_GETLINK not answered yet */
	int again; /* an error frame came meanwhile: ask once more */
	unsigned int state, txerr, rxerr;
	uint32_t bitrate, dbitrate;
	/* the latest, not told yet: the client's queue was full */
	int state_held;
	unsigned int h_state, h_txerr, h_rxerr;
	uint32_t h_bitrate, h_dbitrate;
};
/* Besides SERVE_OUT_REPLY_ROOM: outcomes told while the queue is full,
 * at most a `< sent >` and a `< failed >` per run and per frame given up
 * for lost (no new run can start: sends wait while it is full, but for
 * one pending write), and a state and a bit timing. */
#define SERVE_EXT_OUT_ROOM                                       \
	((size_t)(SERVE_EXT_RUNS + SERVE_EXT_WAIT_MAX + 2) * 2 * \
	 PROTO_EXT_ELEM_MAX)

/* serve_ext.c */
/* NO_BUS: `< rcan ... >`, answered (or an unknown command) */
void serve_ext_hello(struct serve *s, struct serve_client *c,
		     const struct proto_cmd *cmd);
int serve_ext_on(const struct serve_client *c, uint32_t feature);
/* RAW mode entered (its < ok > queued) */
void serve_ext_raw_ok(struct serve *s, struct serve_client *c);
/* the client's queue drained: the outcomes and state held meanwhile */
void serve_ext_resume(struct serve *s, struct serve_client *c);
/* leaving RAW mode (or the client goes): frames still unconfirmed are
 * `failed closed`, the state watch stops */
void serve_ext_leave(struct serve *s, struct serve_client *c);
void serve_ext_free(struct serve_client *c);
/* a frame read from the raw socket: 1 when it was the extension's (a
 * confirmation, or an error frame only the state watch wanted) and must
 * not be forwarded */
int serve_ext_rx(struct serve *s, struct serve_client *c,
		 const struct canfd_frame *f, int msg_flags,
		 const struct timeval *tv);
/* after a batch of reads: n frames read, or -1 and err */
void serve_ext_rx_end(struct serve *s, struct serve_client *c, int n, int err);
/* a send written to the CAN socket: the frame, CAN_MTU or CANFD_MTU */
void serve_ext_written(struct serve *s, struct serve_client *c,
		       const void *frame, size_t mtu);
/* 0 when a send must wait: SERVE_EXT_WAIT_MAX frames wait already */
int serve_ext_room(const struct serve_client *c);
/* the CAN socket dropped frames (SO_RXQ_OVFL went up) */
void serve_ext_overflow(struct serve *s, struct serve_client *c);
/* when the oldest waiting frame's deadline passes; UINT64_MAX none */
uint64_t serve_ext_deadline(const struct serve_client *c);
/* the loop's timers: frames past their deadline are `failed lost` */
void serve_ext_tick(struct serve *s, struct serve_client *c, uint64_t now);
/* a send that will not be written: reason PROTO_EXT_R_* */
void serve_ext_failed(struct serve *s, struct serve_client *c,
		      enum proto_ext_reason reason);
/* a write failed with err (not ENOBUFS): 1 when `confirm` is on and the
 * frame was reported failed (the session goes on), 0 when the caller
 * ends the session as the daemon does */
int serve_ext_write_error(struct serve *s, struct serve_client *c, int err);
/* the interface is down: what it did not send before never will be */
void serve_ext_down(struct serve *s, struct serve_client *c);
/* ENOBUFS again after `retries` retries: 1 when the frame was given up
 * (`failed busy`), 0 to retry */
int serve_ext_busy(struct serve *s, struct serve_client *c,
		   unsigned int retries);

/* serve_ext_wait.c */
uint32_t serve_ext_hash(const struct canfd_frame *f);
/* -1 when SERVE_EXT_WAIT_MAX wait already */
int serve_ext_wait_push(struct serve_ext *x, const struct canfd_frame *f,
			int fd, uint32_t bitrate, uint64_t now);
void serve_ext_wait_pop(struct serve_ext *x, unsigned int n);
void serve_ext_wait_clear(struct serve_ext *x);
/* the oldest waiting frame of that hash: its index, or -1 */
int serve_ext_wait_find(struct serve_ext *x, uint32_t hash);
uint64_t serve_ext_wait_deadline(const struct serve_ext *x);
/* how many of the oldest are past their deadline at now */
unsigned int serve_ext_wait_expired(struct serve_ext *x, uint64_t now);

/* serve_ext_state.c */
int serve_ext_state_start(struct serve *s, struct serve_client *c);
void serve_ext_state_stop(struct serve *s, struct serve_client *c);
/* ask the kernel for the link again (an error frame came) */
void serve_ext_state_refresh(struct serve_client *c);
void serve_ext_state_readable(struct serve *s, struct serve_client *c);
/* the latest state and bit timing, if held while the queue was full */
void serve_ext_state_resume(struct serve *s, struct serve_client *c);

#endif
