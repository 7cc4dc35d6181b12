/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcand serve: a socketcand-compatible server. One process, one epoll
 * loop, every client a state machine driven by it:
 *   serve.c          command line, configuration file, start
 *   serve_loop.c     the epoll loop: listener, signals, timers, flushing
 *   serve_client.c   a client's buffers: input, the one output queue
 *   serve_cmd.c      a client's commands, by mode (NO_BUS included)
 *   serve_raw.c      RAW mode: the CAN_RAW socket, batches, ENOBUFS
 *   serve_bcm.c      BCM mode on a CAN_BCM socket
 *   serve_isotp.c    ISO-TP mode on a CAN_ISOTP socket
 *   serve_control.c  CONTROL mode's statistics
 *   serve_beacon.c   the discovery beacon
 *   serve_rtnl.c     bit timing and bit rate through rtnetlink (libnl)
 *   serve_stats.c    counters: --stats lines and the status socket
 */
#ifndef RCAND_SERVE_H
#define RCAND_SERVE_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/can.h>

#include "proto_server.h"

#define SERVE_MAX_BUSES 32
#define SERVE_PORT 29536
#define SERVE_MAX_CLIENTS 64
/* A client's output queue at most; frames past it are dropped and
 * counted, replies always fit (commands wait while it is this full). */
#define SERVE_OUT_MAX ((size_t)64 * 1024)
/* A client's TCP send buffer (the kernel doubles it): no autotuning to
 * megabytes for a client that does not read. 128 KiB over 100 ms of round
 * trip still carry 28,000 frames/s, more than a CAN bus has. */
/* A CAN write that finds no room for this long ends the client (the
 * daemon ends it at once on ENOBUFS): a bus with no ACK never drains. */
#define SERVE_PEND_MAX_NS (10ULL * 1000000000ULL)
/* A client must open a bus within this (socketcand's clients do so at
 * once); a full server ends the oldest client idle in NO_BUS for at least
 * SERVE_EVICT_MIN_NS to take a new one: idle connections cannot keep
 * everyone out. */
#define SERVE_NOBUS_MAX_NS (10ULL * 1000000000ULL)
#define SERVE_EVICT_MIN_NS (1ULL * 1000000000ULL)
/* How long a status reader may take to say what it wants (text then) */
#define SERVE_STATUS_WAIT_NS (200ULL * 1000000ULL)
#define SERVE_SNDBUF (128 * 1024)
/* Room for one reply past OUT_MAX: frames stop at OUT_MAX, commands
 * wait once the queue is past it, so the reply of the last one fits. */
#define SERVE_OUT_REPLY_ROOM (PROTO_PDU_ELEM_MAX + 256)

struct serve_cfg {
	char buses[SERVE_MAX_BUSES][IFNAMSIZ];
	int nbuses;
	char listen[64]; /* address or interface; "" = loopback */
	unsigned int port;
	const char *afux; /* -u: an AF_UNIX socket instead of TCP */
	int beacon;
	unsigned int beacon_ms;
	char beacon_dest[64]; /* "" = the listen interface's broadcast */
	unsigned int beacon_port;
	char beacon_host[64]; /* the URL's host, "" = the listen address */
	char name[33]; /* the beacon's name, "" = host name */
	char description[64];
	uint32_t err_mask; /* -e */
	int quickack; /* -q */
	unsigned int max_clients;
	size_t out_max;
	const char *ready_file, *stats_file, *status_path;
	int verbose, syslog;
};

enum serve_mode {
	SERVE_NO_BUS,
	SERVE_BCM,
	SERVE_RAW,
	SERVE_CONTROL,
	SERVE_ISOTP,
	SERVE_CLOSING, /* flushing its last bytes, then closed */
};

/* What epoll tells about: the listener, a client's TCP or CAN socket. */
enum serve_ep_kind {
	SERVE_EP_LISTEN,
	SERVE_EP_TCP,
	SERVE_EP_CAN,
	SERVE_EP_SIGNAL,
	SERVE_EP_STATUS,
	SERVE_EP_EXT, /* the rcan extension's rtnetlink socket */
	SERVE_EP_STATUS_PEER, /* a status reader, its request awaited */
};

struct serve_ep {
	enum serve_ep_kind kind;
	struct serve_client *c;
};

struct serve_counters {
	uint64_t frames_to_client, sends_received, sends_written, echoes;
	uint64_t malformed, bytes_in, bytes_out;
	uint64_t slow_drops; /* frames dropped: the client did not read */
	uint64_t can_drops; /* dropped by the CAN socket (SO_RXQ_OVFL) */
	uint64_t enobufs_waits; /* writes that found the queue full */
	uint64_t tx_refused; /* sends the interface cannot carry */
	uint64_t pdu_truncated; /* ISO-TP PDUs cut to the protocol's 4095 */
};

struct serve_client {
	int fd;
	unsigned long id;
	enum serve_mode mode;
	int bus; /* index into cfg.buses, -1 before open */
	int ifindex;
	uint32_t bitrate; /* of the bus, from rtnetlink; 0 unknown */
	int fd_mtu; /* the bus takes CAN FD frames (MTU 72) */
	char peer[64];
	uint64_t since; /* connected, ns CLOCK_MONOTONIC */

	int can; /* the mode's CAN socket, -1 if none */
	int can_fd_on; /* CAN_RAW_FD_FRAMES set on it */
	int fd_asked; /* the client sent a sendfd: FD frames may go to it */
	int isotp_ready; /* isotpconf done */
	uint32_t ovfl; /* last SO_RXQ_OVFL value seen */
	int rcvbuf;

	/* input: at most one element's worth, as the daemon's reader */
	char in[PROTO_ELEM_MAX];
	size_t inlen;
	size_t inscan; /* of in, looked at for a '>' already (L3) */
	int eof;

	/* the one output queue (serve_client.c) */
	char *out;
	size_t outoff, outlen, outcap;

	/* a CAN write the queue refused, retried paced by the bit rate */
	void *pend;
	size_t pend_len;
	unsigned int retries;
	uint64_t retry_at; /* ns, CLOCK_MONOTONIC; 0 none */
	uint64_t pend_since; /* when it was first refused */

	/* CONTROL: < statistics MS > */
	uint32_t stat_ms;
	uint64_t stat_last;

	uint32_t events; /* what epoll watches on fd now */
	int dirty; /* has output to flush at the end of this wake-up */
	struct serve_client *next, *prev; /* all clients */
	struct serve_client *next_dirty;
	struct serve_ep ep_tcp, ep_can;
	struct serve_counters n;
	const char *end_reason;
	struct serve_ext *ext; /* the rcan extension (serve_ext.h), or NULL */
};

struct serve {
	struct serve_cfg cfg;
	int ep; /* epoll */
	int lfd; /* listening socket */
	int sigfd;
	int status_fd;
	int status_peer; /* a status reader waited for, -1 none */
	uint64_t status_peer_at; /* its deadline */
	struct serve_ep ep_status_peer;
	int beacon_fd;
	int spare_fd; /* held for EMFILE: closed to accept and shed one */
	uint64_t beacon_next;
	struct serve_ep ep_listen, ep_signal, ep_status;
	struct serve_client *clients, *dirty;
	unsigned int nclients;
	unsigned long next_id;
	uint64_t refused_clients;
	char url_host[64];
	int stop;
};

/* serve_loop.c */
int serve_run(struct serve *s);
uint64_t serve_now(void);
void serve_watch(struct serve *s, struct serve_client *c, uint32_t events);
/* no more events of the client's socket (it hung up) */
void serve_unwatch(struct serve *s, struct serve_client *c);
int serve_add_can(struct serve *s, struct serve_client *c, int fd);
void serve_drop_can(struct serve *s, struct serve_client *c);

/* serve_client.c: the one place output to a client is queued */
struct serve_client *serve_client_new(struct serve *s, int fd,
				      const char *peer);
void serve_client_free(struct serve *s, struct serve_client *c);
/* a reply: always queued (commands wait while the queue is full) */
void serve_reply(struct serve *s, struct serve_client *c, const char *text,
		 size_t len);
/* a frame: queued if there is room, else dropped and counted; 0 or -1 */
int serve_queue_frame(struct serve *s, struct serve_client *c, const char *text,
		      size_t len);
/* write what is queued: one write; -1 when the client is gone */
int serve_flush(struct serve *s, struct serve_client *c);
/* room for frames left in the queue */
int serve_frames_fit(const struct serve *s, const struct serve_client *c,
		     size_t len);
void serve_close(struct serve *s, struct serve_client *c, const char *why);
/* read what the client sent and run its commands */
void serve_client_input(struct serve *s, struct serve_client *c);
/* commands go on (the queue drained, a pending write done) */
void serve_client_resume(struct serve *s, struct serve_client *c);
int serve_client_blocked(const struct serve *s, const struct serve_client *c);
/* epoll watches input unless blocked, output while some is queued */
void serve_client_rewatch(struct serve *s, struct serve_client *c);

/* serve_cmd.c */
void serve_command(struct serve *s, struct serve_client *c, const char *el);
void serve_leave_mode(struct serve *s, struct serve_client *c);

/* serve_raw.c */
struct serve_raw_opts {
	int recv_own; /* CAN_RAW_RECV_OWN_MSGS (issue 29's confirmations) */
	uint32_t err_extra; /* error classes wanted besides -e (serve_ext) */
};
int serve_raw_open(struct serve *s, struct serve_client *c,
		   const struct serve_raw_opts *o);
void serve_raw_readable(struct serve *s, struct serve_client *c);
void serve_raw_send(struct serve *s, struct serve_client *c,
		    const struct proto_cmd *cmd, int fd);
/* a pending write again: 1 done, 0 still waiting, -1 failed */
int serve_can_retry(struct serve *s, struct serve_client *c);
/* hold a write the queue refused, paced by the bit rate */
void serve_can_pend(struct serve *s, struct serve_client *c, const void *buf,
		    size_t len);
size_t serve_rcvbuf_for(uint32_t bitrate);
/* FD frames to the client from now on, if it asked and the bus has FD */
void serve_raw_enable_fd(struct serve *s, struct serve_client *c);

/* serve_bcm.c */
int serve_bcm_open(struct serve *s, struct serve_client *c);
void serve_bcm_readable(struct serve *s, struct serve_client *c);
void serve_bcm_command(struct serve *s, struct serve_client *c,
		       const struct proto_cmd *cmd);

/* serve_isotp.c */
void serve_isotp_command(struct serve *s, struct serve_client *c,
			 const struct proto_cmd *cmd);
void serve_isotp_readable(struct serve *s, struct serve_client *c);

/* serve_control.c */
void serve_control_tick(struct serve *s, struct serve_client *c, uint64_t now);
uint64_t serve_control_next(const struct serve_client *c);

/* serve_beacon.c */
int serve_beacon_open(struct serve *s);
void serve_beacon_send(struct serve *s);
int serve_listen_addr(const char *spec, char *addr, size_t asz, char *bcast,
		      size_t bsz);

/* serve_rtnl.c */
struct serve_link {
	uint32_t bitrate; /* 0: unknown (vcan) */
	int mtu;
	int up;
};
int serve_rtnl_link(const char *ifname, struct serve_link *l);
int serve_rtnl_bittiming(const char *ifname, const struct proto_bittiming *bt);
int serve_rtnl_ctrlmode(const char *ifname, const uint8_t ctrl[3]);

/* serve_stats.c */
void serve_stats_write(struct serve *s, struct serve_client *c,
		       const char *event);
void serve_stats_all(struct serve *s, const char *event);
int serve_status_open(struct serve *s);
/* the status socket is readable: a reader is answered or waited for */
void serve_status_answer(struct serve *s);
/* the waiting reader's request came, or its time is up */
void serve_status_readable(struct serve *s);
void serve_status_tick(struct serve *s, uint64_t now);

int cmd_serve(int argc, char **argv);

#endif
