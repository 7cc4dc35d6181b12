/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcan-testserver: a socketcand look-alike for tests, byte for byte as
 * the real daemon (0.6.1) speaks, with faults that can be switched on.
 */
#ifndef RCAN_TESTSERVER_H
#define RCAN_TESTSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_BUSES 16
#define BUS_NAME_MAX 16
#define READER_MAX 8290		/* the daemon's input buffer */

struct faults {
	long close_after_frames;	/* frames sent to the client, 0: off */
	long close_after_ms;		/* after raw mode, 0: off */
	long stall_start_ms, stall_ms;	/* after raw mode */
	char refuse_bus[BUS_NAME_MAX + 1];
	bool garbage, unterminated, oversize;
	long split;			/* write elements in chunks this small */
	long coalesce;			/* hold frames until this many */
	long slow_handshake_ms;
	long enobufs_after;		/* sends written before "ENOBUFS" */
	long sessions;			/* faults hit the first N sessions, 0: all */
};

/* Which socketcand CAN FD dialect the raw mode speaks (docs/FD-DIALECTS.md). */
enum fd_dialect {
	FD_NONE,		/* released 0.6.1: classic frames only */
	FD_RAWMODE_CANFD,	/* branch rawmode-canfd: fdframe, sendfd */
	FD_PR33,		/* pull request #33: fdframe with flags, fdsend */
	FD_FRAME,		/* pull requests #71/#72 (-f): frame and send */
	FD_FRAME_NOFD,		/* #72 started without -f */
};

struct config {
	const char *listen_addr;
	int port;
	int nbuses;
	char buses[MAX_BUSES][BUS_NAME_MAX + 1];
	bool beacon;
	long beacon_interval_ms;
	const char *beacon_dest;
	int beacon_port;
	const char *beacon_url_host;
	char name[33];
	uint32_t err_mask;
	bool bittiming;			/* act as a libsocketcan build */
	bool daemon_io;			/* the daemon's I/O: a frame per call */
	enum fd_dialect fd_dialect;
	const char *stats_file;
	const char *ready_file;
	bool verbose;
	struct faults faults;
};

extern struct config cfg;

/* session.c: serve one client until it goes; returns the exit status. */
int session_run(int fd, long index, bool faulty);

/* beacon.c */
int beacon_format(char *buf, size_t cap);
int beacon_open(void);
void beacon_send(int sock);

/* stats.c */
struct session_stats {
	long index;
	const char *bus;	/* after open */
	uint64_t frames_to_client, sends_received, sends_written;
	uint64_t echoes, bytes_in, bytes_out, malformed;
	uint32_t can_drops; /* dropped by the CAN socket's full queue */
	uint32_t can_rcvbuf; /* its receive buffer, bytes */
	const char *end;
};
void stats_write(const struct session_stats *st, const char *what);

void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
