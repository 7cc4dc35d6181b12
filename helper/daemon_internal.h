/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the daemon's files only: daemon.c (the event loop),
 * daemon_link.c (the netdev) and daemon_ready.c (readiness, forking). */
#ifndef RCAND_DAEMON_INTERNAL_H
#define RCAND_DAEMON_INTERNAL_H

#include <net/if.h>

#include "bridge.h"
#include "daemon.h"
#include "genl.h"
#include "session.h"

struct daemon {
	const struct attach_opts *o;
	char url[RCAN_REMOTE_MAX];
	char ifname[IF_NAMESIZE]; /* "" until the netdev exists */
	struct rnl nl; /* owner socket: data path and events */
	struct rnl_link link;
	int epfd, sigfd;
	int quit; /* exit requested; value = exit code + 1 */
	int ready_fd; /* daemonizing: report to the parent */
	int ready_reported;
	int taken_over; /* another owner has the link now */
	int link_gone; /* the netdev was deleted */
	long runstate_at; /* ms: the state file was last written */
	int no_pwait2; /* the kernel has no epoll_pwait2() */
	struct session session;
	struct bridge bridge;
};

/* Create or take back the netdev, once. Returns 0 or an exit code. */
int daemon_attach_link(struct daemon *d);
/* Detach from the netdev, or delete it (--remove). */
void daemon_teardown(struct daemon *d, int code);
/* Fork; the parent exits with the first session's outcome. */
int daemon_fork(struct daemon *d);
/* The outcome for the waiting parent, once. */
void daemon_report_ready(struct daemon *d, int code);
/* --ready-file: "IFNAME IFINDEX URL". */
void daemon_write_ready_file(const struct daemon *d);

#endif
