/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel link: rcan.ko's generic netlink family through libnl-genl-3.
 * One socket per struct rnl. Requests that need an answer (NEW, ATTACH,
 * GET, DEL, DETACH) wait for it; data-path messages (FRAMES_RX, TX_DONE,
 * TX_FAIL, LINK_SET) go without an ack, and a refusal comes back later as
 * an error message. Everything that arrives unasked (FRAMES_TX, events,
 * those errors) goes to struct rnl_handlers. Every message, however it was
 * read, is parsed by libnl against the family's attribute policies.
 */
#ifndef RCAND_GENL_H
#define RCAND_GENL_H

#include <net/if.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rcan.h>

struct nl_sock;
struct nl_cb;

struct rnl_link {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	uint32_t flags;
	int attached;
	int has_owner;
	uint32_t owner_portid;
	int connected;
	int carrier;
	int has_state;
	uint32_t can_state;
	uint16_t txerr, rxerr;
	char remote[RCAN_REMOTE_MAX];
	uint32_t tx_window;
	int has_seq;
	uint32_t seq;
	uint32_t inflight;
	int has_stats;
	uint64_t stats[RCAN_STATS_MAX + 1];
	int has_bt;
	uint32_t bt[RCAN_BT_MAX + 1];
	int has_dbt; /* the CAN FD data phase */
	uint32_t dbt[RCAN_BT_MAX + 1];
	int has_coalesce; /* RX_USECS and RX_FRAMES (ethtool -C) */
	uint32_t rx_usecs, rx_frames;
};

/* One frame in or out of the kernel. */
struct rnl_frame {
	uint32_t can_id;
	uint32_t flags; /* RCAN_FRAME_F_* */
	uint8_t len;
	uint8_t rtr_len; /* RTR: the requested length */
	uint8_t data[64];
	uint64_t ts_ns;
	uint32_t seq;
};

/* What arrives unasked. Any of them may be NULL. */
struct rnl_handlers {
	/* one frame of a FRAMES_TX message: the kernel wants it sent */
	void (*tx_frame)(void *arg, uint32_t ifindex,
			 const struct rnl_frame *f);
	/* any other message: an event (LINK_DEL, LINK_ATTACH, LINK_DETACH,
	 * BITTIMING, COALESCE ...) about the link it describes */
	void (*link_event)(void *arg, int cmd, const struct rnl_link *l);
	/* a request sent without waiting was refused (cmd 0 when unknown);
	 * frames: those it carried (a FRAMES_RX), else 0; msg is the
	 * kernel's extended ack text, or NULL */
	void (*refused)(void *arg, int cmd, uint32_t frames, int err,
			const char *msg);
};

/* The datagrams one recvmmsg() read, handed to libnl one by one. */
#define RNL_RECV_BATCH 32
#define RNL_RECV_BUF 32768
struct rnl_batch {
	char *buf; /* RNL_RECV_BATCH * RNL_RECV_BUF */
	unsigned int len[RNL_RECV_BATCH];
	uint32_t groups[RNL_RECV_BATCH]; /* != 0: a multicast */
	unsigned int count, next;
	int short_read; /* the last read did not fill the batch */
};

#define RNL_ERRMSG_MAX 128

struct rnl {
	struct nl_sock *sk;
	struct nl_cb *cb;
	int family;
	int mcgrp;
	/* the module takes RCAN_ATTR_TSTAMP on TX_DONE (its maxattr has it:
	 * an older one refuses attributes past its own, strictly) */
	int tx_tstamp;
	uint32_t portid;
	const struct rnl_handlers *h;
	void *arg;
	/* the request being waited for */
	uint32_t wait_seq;
	int wait_done;
	int wait_err;
	struct rnl_link *wait_link;
	int (*dump_cb)(const struct rnl_link *l, void *arg);
	void *dump_arg;
	/* the kernel's extended ack text of the last refusal, or "" */
	char errmsg[RNL_ERRMSG_MAX];
	/* the data path's batched reads (rnl_setup_datapath) */
	struct rnl_batch *batch;
};

/* Connect and resolve the family. Returns 0 or a negative errno:
 * -ENOENT when rcan.ko is not loaded. h may be NULL. */
int rnl_open(struct rnl *n, const struct rnl_handlers *h, void *arg);
void rnl_close(struct rnl *n);
int rnl_subscribe_events(struct rnl *n);
/* For the data path: big receive buffer, non-blocking, batched reads. */
int rnl_setup_datapath(struct rnl *n, int rcvbuf);
int rnl_fd(struct rnl *n);
/* Read everything that is there now, dispatching it; 0 or -errno. */
int rnl_recv(struct rnl *n);

int rnl_link_new(struct rnl *n, const char *ifname, uint32_t flags,
		 uint32_t tx_window, int attach, struct rnl_link *out);
int rnl_link_attach(struct rnl *n, uint32_t ifindex, struct rnl_link *out);
int rnl_link_detach(struct rnl *n, uint32_t ifindex);
int rnl_link_del(struct rnl *n, uint32_t ifindex);
int rnl_link_get(struct rnl *n, uint32_t ifindex, struct rnl_link *out);
int rnl_link_dump(struct rnl *n, int (*cb)(const struct rnl_link *l, void *arg),
		  void *arg);
/* No ack is waited for; connected < 0 leaves it out, remote may be NULL. */
int rnl_link_set(struct rnl *n, uint32_t ifindex, int connected,
		 const char *remote);
/* The link's TX window (the owner only). wait: for the kernel's answer
 * (0 or -errno), else sent without an ack like the other LINK_SETs. */
int rnl_link_set_window(struct rnl *n, uint32_t ifindex, uint32_t window,
			int wait);
/* ts_ns: the remote's time of the confirmation (ns since the epoch), the
 * frames' hardware TX timestamp; 0, or a module that does not take it
 * (RCAN_ATTR_TSTAMP past its maxattr): the kernel's arrival time. */
int rnl_tx_done(struct rnl *n, uint32_t ifindex, uint32_t seq, uint64_t ts_ns);
int rnl_tx_fail(struct rnl *n, uint32_t ifindex, uint32_t seq, int err);

/* Many received frames in one FRAMES_RX message. */
struct rnl_rxbatch {
	struct nl_msg *msg;
	struct nlattr *nest;
	uint32_t ifindex;
	unsigned int count;
};
#define RNL_RX_MSG_SIZE 8192
/* Adds one frame: 0, -ENOSPC when the batch is full (flush it and add
 * again), or another -errno (the frame was not added). */
int rnl_rx_add(struct rnl *n, struct rnl_rxbatch *b, uint32_t ifindex,
	       const struct rnl_frame *f);
/* Sends the batch (nothing when empty): 0, or -errno when its frames
 * were lost. Either way the batch is empty afterwards. */
int rnl_rx_flush(struct rnl *n, struct rnl_rxbatch *b);
void rnl_rx_discard(struct rnl_rxbatch *b);

const char *rnl_cmd_name(int cmd);
const char *rnl_strerror(int err);

#endif
