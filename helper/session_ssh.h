/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ssh:// transport's child: OpenSSH's `ssh -W 127.0.0.1:PORT HOST`,
 * whose standard input and output are the session's byte stream. Used by
 * the session's files only; it knows nothing of the session's states.
 */
#ifndef RCAND_SESSION_SSH_H
#define RCAND_SESSION_SSH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "remote.h"

#define SSH_OPTIONS_MAX 16 /* --ssh-option, each ssh's -o */

struct ssh_config {
	const char *options[SSH_OPTIONS_MAX];
	unsigned int n_options;
};

/* What ssh said on standard error, least telling first. */
enum ssh_says {
	SSH_SAYS_NOTHING, /* nothing we know: a network failure, retried */
	SSH_SAYS_RESOLVE, /* unknown host name */
	SSH_SAYS_FORWARD, /* sshd does not forward to socketcand's port */
	SSH_SAYS_AUTH, /* our keys were refused */
	SSH_SAYS_HOSTKEY, /* the server's host key is unknown or changed */
};

struct ssh_child {
	pid_t pid; /* 0: none */
	int err_fd; /* our end of its standard error, -1 when closed */
	size_t err_len;
	char err[256]; /* the line being read */
	enum ssh_says says;
	char said[200]; /* the line that decided says, or the last line */
};

void ssh_child_init(struct ssh_child *c);
/*
 * Start ssh for r. Returns our end of its standard input and output (a
 * non-blocking socket), or -1 with errno. Its standard error goes into
 * epfd with the epoll data tag.
 */
int ssh_child_start(struct ssh_child *c, const struct remote *r,
		    const struct ssh_config *sc, uint32_t timeout_ms, int epfd,
		    uint32_t tag);
/* Log what ssh wrote to standard error, a line at a time. */
void ssh_child_read_err(struct ssh_child *c);
/* ssh's exit status (0-255) if it exits within wait_ms, else -1. */
int ssh_child_wait(struct ssh_child *c, int wait_ms);
/* End ssh (if it runs), reap it, log its last words. */
void ssh_child_stop(struct ssh_child *c);
/*
 * ssh ended (with status, -1 if unknown) before socketcand answered: why,
 * in why, and the exit code. *permanent as sess_fail() takes it: 0 to
 * retry, 1 fatal on the first attempt, 2 fatal at any attempt (a refused
 * host key or login does not go away by retrying).
 */
int ssh_child_verdict(const struct ssh_child *c, const struct remote *r,
		      int status, char *why, size_t size, int *permanent);

#endif
