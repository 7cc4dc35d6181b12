/* SPDX-License-Identifier: GPL-2.0 */
/* The state of one `rcand attach`: a remote bus pumped into one netdev. */
#ifndef RCAND_H
#define RCAND_H

#include <stdint.h>

#include "backoff.h"
#include "genl.h"
#include "proto.h"
#include "remote.h"

/* Exit codes (documented in rcand.8). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1, /* anything else */
	EXIT_USAGE = 2,
	EXIT_NOMODULE = 3, /* rcan.ko not loaded */
	EXIT_PERM = 4, /* no CAP_NET_ADMIN */
	EXIT_UNKNOWN_HOST = 5,
	EXIT_CONNECT = 6, /* connection refused / unreachable / timeout */
	EXIT_BUS_REFUSED = 7, /* the server refused the bus */
	EXIT_PROTOCOL = 8, /* the server spoke something else */
};

struct attach_opts {
	struct remote remote;
	const char *ifname; /* NULL: "can%d" */
	int fd; /* --fd */
	int remove; /* --remove (else --keep) */
	int reconnect; /* off with --no-reconnect */
	int tcp_tune; /* --tcp-tune */
	uint32_t tx_rate; /* --tx-rate, frames/s, 0 = unpaced */
	int foreground;
	int bittiming; /* --bittiming: forward bitrate changes */
	uint32_t heartbeat_ms; /* --heartbeat */
	uint32_t timeout_ms; /* --timeout: silence that kills */
	uint32_t backoff_min_ms, backoff_max_ms;
	uint32_t tx_window; /* --tx-window, 0 = kernel default */
	const char *ready_file; /* --ready-file: written once up */
};

enum sess_state {
	S_IDLE, /* no socket; waiting for the reconnect timer */
	S_CONNECTING, /* non-blocking connect() in progress */
	S_WAIT_HI,
	S_WAIT_BT_OK, /* bit-timing command sent */
	S_WAIT_OPEN_OK,
	S_WAIT_RAW_OK,
	S_WAIT_ECHO, /* the echo proves the bus really opened */
	S_UP,
};

/* A frame from the kernel waiting to be written. */
struct txent {
	uint32_t seq;
	struct proto_frame f;
};

/* In-order completions to report to the kernel. */
enum comp_kind {
	C_ECHO, /* awaits an < echo >; then TX_DONE up to seq if has_seq */
	C_FAIL, /* TX_FAIL up to seq, at once when it reaches the head */
};

struct comp {
	uint32_t nframes;
	uint8_t kind;
	uint8_t has_seq;
	uint8_t replied;
	int err;
	uint32_t seq;
};

#define TXQ_SIZE 2048 /* > RCAN_TX_WINDOW_MAX */
#define COMP_SIZE 4096
#define OUTBUF_SIZE 65536
#define OUT_HIGH_WATER 16384 /* stop formatting frames above this */

struct rcand {
	struct attach_opts *o;
	char url[RCAN_REMOTE_MAX];
	struct rnl nl; /* owner socket: data path + events */
	struct rnl_link link;
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	int epfd, sigfd;
	int quit; /* exit requested; value = exit code+1 */

	/* session */
	enum sess_state st;
	int fd;
	int want_out; /* EPOLLOUT registered */
	long st_since; /* ms: when the state was entered */
	long last_rx; /* ms: last byte from the server */
	long up_since;
	long retry_at;
	int first_attempt; /* no session has come up yet */
	int ever_up;
	int rx_seen_since_up;
	struct backoff bo;
	struct proto_parser parser;
	char out[OUTBUF_SIZE];
	size_t out_len, out_off;
	int hb_outstanding;

	/* TX */
	struct txent txq[TXQ_SIZE];
	unsigned int txq_head, txq_len;
	struct comp comp[COMP_SIZE];
	unsigned int comp_head, comp_len;
	int have_last_seq;
	uint32_t last_seq; /* newest seq received from the kernel */
	int have_done_seq;
	uint32_t done_seq; /* newest seq confirmed/failed */
	double tokens;
	long tokens_at;

	/* RX */
	struct rnl_rxbatch rxb;

	/* bit timing from the kernel */
	int have_bt;
	struct proto_bittiming bt;

	/* counters and once-only log flags */
	uint64_t rx_frames, tx_frames, tx_failed, rx_dropped;
	int logged_rtr, logged_fd, logged_rxfd, logged_unknown;
	int ready_reported;
	int ready_fd; /* daemonizing: report to the parent */
	int taken_over; /* another owner has the link now */
	int created; /* this rcand made the netdev */
	int link_gone; /* the netdev was deleted */
	uint32_t batch_n, batch_last; /* the < send > batch being built */
};

long now_ms(void);

/* session.c */
void sess_start_connect(struct rcand *r);
void sess_close(struct rcand *r, const char *why, int exit_code);
void sess_on_io(struct rcand *r, uint32_t events);
void sess_on_timer(struct rcand *r);
int sess_append(struct rcand *r, const char *s, size_t n);
void sess_flush_out(struct rcand *r);
void sess_update_epoll(struct rcand *r);
long sess_next_timeout(struct rcand *r);

/* pump.c */
int pump_run(struct rcand *r);
void pump_tx_fill(struct rcand *r);
void pump_on_echo(struct rcand *r);
void pump_fail_all(struct rcand *r, int err);
void pump_rx_frame(struct rcand *r, const struct proto_event *ev);
void pump_rx_flush(struct rcand *r);
void pump_session_up(struct rcand *r);
void pump_session_down(struct rcand *r);
void pump_report_ready(struct rcand *r, int code);
int pump_heartbeat(struct rcand *r);
long pump_tx_wait(struct rcand *r);
void pump_on_netlink(struct rnl *n, int cmd, struct nlattr **tb, int err,
		     void *arg);

/* cli_attach.c */
int cmd_attach(int argc, char **argv);
int attach_link(struct rcand *r);

#endif
