/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rcan generic netlink family through libnl-genl-3. One socket per
 * struct rnl. Requests that need an answer (NEW, ATTACH, GET, DEL) wait
 * for it; data-path messages (FRAMES_RX, TX_DONE, TX_FAIL, LINK_SET) go
 * without an ack, and a refusal comes back later as an error message.
 * Everything that arrives without being waited for (FRAMES_TX, events,
 * those errors) goes to the on_async callback.
 */
#ifndef RCAND_GENL_H
#define RCAND_GENL_H

#include <net/if.h>
#include <stdint.h>
#include <linux/rcan.h>

struct nl_sock;
struct nl_msg;
struct nlattr;

struct rnl_link {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	uint32_t flags;
	int attached;
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

struct rnl;
/* cmd is the generic netlink command, tb the parsed top-level attrs.
 * err != 0 for an error reply nobody waited for (cmd is then the
 * command of the refused request when known, else 0). */
typedef void (*rnl_async_cb)(struct rnl *n, int cmd, struct nlattr **tb,
			     int err, void *arg);

struct rnl {
	struct nl_sock *sk;
	int family;
	int mcgrp;
	uint32_t portid;
	rnl_async_cb on_async;
	void *arg;
	/* the request being waited for */
	uint32_t wait_seq;
	int wait_done;
	int wait_err;
	struct rnl_link *wait_link;
	int (*dump_cb)(const struct rnl_link *l, void *arg);
	void *dump_arg;
	/* the data path's receive buffers (rnl_setup_datapath) */
	char *rxbuf;
	/* a FRAMES_RX message to build the next one in (see rx_msg()) */
	struct nl_msg *rx_spare;
	/* recently sent unacked commands, to name them in async errors */
	uint32_t sent_seq[16];
	uint8_t sent_cmd[16];
	unsigned int sent_pos;
};

/* Connect and resolve the family. Returns 0 or a negative errno:
 * -ENOENT when rcan.ko is not loaded. */
int rnl_open(struct rnl *n, rnl_async_cb cb, void *arg);
void rnl_close(struct rnl *n);
int rnl_subscribe_events(struct rnl *n);
/* The data path reads up to RNL_RECV_BATCH datagrams per system call. */
#define RNL_RECV_BATCH 32
#define RNL_RECV_BUF 32768

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
int rnl_tx_done(struct rnl *n, uint32_t ifindex, uint32_t seq);
int rnl_tx_fail(struct rnl *n, uint32_t ifindex, uint32_t seq, int err);

/* Many received frames in one FRAMES_RX message. */
struct rnl_rxbatch {
	struct nl_msg *msg;
	struct nlattr *nest;
	uint32_t ifindex;
	unsigned int count;
};
#define RNL_RX_MSG_SIZE 32768
int rnl_rx_add(struct rnl *n, struct rnl_rxbatch *b, uint32_t ifindex,
	       const struct rnl_frame *f);
int rnl_rx_flush(struct rnl *n, struct rnl_rxbatch *b);

/* Parse tb[RCAN_ATTR_FRAMES]: calls cb for each frame; returns count. */
int rnl_parse_frames(struct nlattr *frames,
		     void (*cb)(const struct rnl_frame *f, void *arg),
		     void *arg);
void rnl_parse_link(struct nlattr **tb, struct rnl_link *l);

const char *rnl_cmd_name(int cmd);
const char *rnl_strerror(int err);

#endif
