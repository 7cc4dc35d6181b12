/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A socketcand session over TCP (or through ssh, session_ssh.c): connect,
 * handshake, read and parse, write, heartbeat and dead-server timers,
 * reconnect with backoff. It knows
 * nothing of netlink: what it learns goes to its owner through
 * struct session_ops, and its owner writes elements with session_write().
 */
#ifndef RCAND_SESSION_H
#define RCAND_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "backoff.h"
#include "proto.h"
#include "remote.h"
#include "session_ssh.h"

#define SESSION_OUT_SIZE 65536
#define SESSION_OUT_HIGH_WATER 16384 /* owners stop queueing frames above */

struct session_config {
	struct remote remote;
	int reconnect; /* off with --no-reconnect */
	int tcp_tune; /* TCP_NODELAY, TCP_QUICKACK */
	int bittiming; /* send the bit timing before < open > */
	uint32_t heartbeat_ms; /* < echo > after this much silence */
	uint32_t timeout_ms; /* silence that kills, and handshake limit */
	uint32_t backoff_min_ms, backoff_max_ms;
	/* --fd-dialect: a PROTO_DIALECT_*, or UNKNOWN for auto */
	enum proto_dialect fd_dialect;
	int fd_probe; /* auto on an FD link: fingerprint after rawmode */
	struct ssh_config ssh; /* ssh:// remotes: --ssh-option */
};

/* How the session knows the server's dialect. */
enum session_dialect_src {
	DIALECT_SRC_NONE, /* not known: sends like none */
	DIALECT_SRC_USER, /* --fd-dialect */
	DIALECT_SRC_PROBE, /* the fingerprint's answers */
	DIALECT_SRC_FRAME, /* an FD frame the server sent */
};

struct session_ops {
	/*
	 * The owner must be ready for frames now: the bus has proved open
	 * (retrying == 0), or the first attempt failed and will be retried
	 * (retrying == 1). Returns 0, or an exit code that ends the session.
	 */
	int (*prepare)(void *arg, int retrying);
	void (*up)(void *arg);
	void (*down)(void *arg); /* was up, is closed now */
	/* a frame, error frame or FD frame from the bus */
	void (*frame)(void *arg, const struct proto_event *ev);
	void (*read_end)(void *arg); /* one read's elements are through */
	void (*echo)(void *arg); /* an < echo > reply while up */
	/* Time for a heartbeat: the owner writes the < echo >; 0 if it did. */
	int (*heartbeat)(void *arg);
	/* The session gives up for good: rcand should exit with this code. */
	void (*end)(void *arg, int exit_code);
	/* The server's FD dialect became known or changed (may be NULL). */
	void (*dialect)(void *arg);
	/* The rcan extension (session_ext.c): < sent >, < failed >,
	 * < state >, < bittiming > of the features the server turned on;
	 * may be NULL (then rcand does not ask for the extension). */
	void (*ext)(void *arg, const struct proto_event *ev);
};

enum session_state {
	S_IDLE, /* no socket; waiting for the reconnect timer */
	S_CONNECTING, /* non-blocking connect() in progress */
	S_WAIT_HI,
	S_WAIT_RCAN, /* < rcan > sent: its answer, or unknown command */
	S_WAIT_BT_OK, /* bit-timing command sent */
	S_WAIT_OPEN_OK,
	S_WAIT_RAW_OK,
	S_WAIT_ECHO, /* the echo proves the bus really opened */
	S_UP,
};

struct session {
	const struct session_config *cfg;
	const struct session_ops *ops;
	void *arg;
	const char *url; /* for log lines */
	const char *name; /* the netdev's name, for log lines; may be "" */
	int epfd;
	uint32_t ep_tag; /* epoll data of the socket */

	enum session_state st;
	int fd;
	struct ssh_child ssh; /* ssh:// remotes: the ssh behind fd */
	int want_out; /* EPOLLOUT registered */
	long st_since; /* ms: when the state was entered */
	long last_rx; /* ms: last byte from the server */
	long up_since;
	long retry_at;
	int first_attempt; /* no session has come up yet */
	int hb_outstanding;
	int late_excused; /* this silence already had its late look excused */
	int quickack_due; /* wrote since TCP_QUICKACK was last set */
	int stopping; /* rcand exits: no reconnect */
	int logged_unknown;
	int have_bt;
	struct proto_bittiming bt;
	struct backoff bo;
	enum proto_dialect dialect; /* the server's, as far as known */
	enum session_dialect_src dialect_src;
	int probing; /* the fingerprint's answers are awaited */
	int logged_dialect_conflict;
	struct proto_probe probe;
	/* the rcan extension (session_ext.c): features the server turned
	 * on for this connection; ext_off: it closed when asked, do not ask
	 * again */
	uint32_t ext_features;
	int ext_off;
	/* < state > and < bittiming > that came before the session was up,
	 * handed to the owner once it is (its link may not exist before) */
	struct proto_event ext_held[2];
	unsigned int ext_held_mask;
	struct proto_parser parser;
	size_t out_len, out_off;
	char out[SESSION_OUT_SIZE];
};

void session_init(struct session *s, const struct session_config *cfg,
		  const char *url, const char *name,
		  const struct session_ops *ops, void *arg, int epfd,
		  uint32_t ep_tag);
/* The first connection attempt. */
void session_start(struct session *s);
void session_on_io(struct session *s, uint32_t events);
/* Timers: reconnect, handshake timeout, heartbeat, dead server. */
void session_on_timer(struct session *s);
/* The next moment session_on_timer has something to do, in ms from now. */
long session_next_timeout(const struct session *s);

int session_is_up(const struct session *s);
int session_connected(const struct session *s); /* has a socket */
/* Room for n more bytes, below the high-water mark. */
int session_can_queue(const struct session *s, size_t n);
/* Queue whole elements; -1 when they do not fit. */
int session_write(struct session *s, const char *buf, size_t n);
/* Write what is queued, as far as the socket takes it. */
void session_flush(struct session *s);
/* Bytes queued that the socket has not taken yet. */
size_t session_unsent(const struct session *s);

/* The dialect to send in, and how it is known. */
enum proto_dialect session_dialect(const struct session *s);
enum session_dialect_src session_dialect_src(const struct session *s);
const char *session_dialect_src_name(enum session_dialect_src src);

/* The rcan extension's features on now (PROTO_EXT_F_*), 0 if none. */
uint32_t session_ext_features(const struct session *s);

/* The bit timing to set before < open > (with cfg->bittiming). */
void session_set_bittiming(struct session *s, const struct proto_bittiming *bt);
/* Close (if connected) and connect again at once. */
void session_restart(struct session *s);
/* rcand exits: hand the server what is queued (for at most a second). */
void session_stop(struct session *s);
/* Close without reconnecting; down() if the session was up. */
void session_close_final(struct session *s);

#endif
