// SPDX-License-Identifier: GPL-2.0
/*
 * The ssh:// transport: OpenSSH's client as a child, `ssh -W
 * 127.0.0.1:PORT HOST`, in batch mode with the user's own keys and
 * ~/.ssh/config. Its standard input and output are one end of a socket
 * pair, so the session reads and writes it as it does a TCP socket
 * (send() with MSG_NOSIGNAL: no SIGPIPE when ssh is gone). Its standard
 * error is logged line by line and tells a refused host key or login,
 * which no retry cures, from a network failure, which one may.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exitcode.h"
#include "log.h"
#include "session_ssh.h"

#define ARGV_MAX (2 * SSH_OPTIONS_MAX + 20)
#define STOP_WAIT_MS 1000 /* after SIGTERM, before SIGKILL */

extern char **environ;

void ssh_child_init(struct ssh_child *c)
{
	memset(c, 0, sizeof(*c));
	c->err_fd = -1;
}

/*
 * The command line. The first value ssh obtains for an option wins, so
 * BatchMode (never a prompt: rcand has no terminal) comes before the
 * user's --ssh-option, and ConnectTimeout, a default, after them.
 */
static void build_argv(const char **argv, const struct remote *r,
		       const struct ssh_config *sc, uint32_t timeout_ms,
		       char bufs[3][32])
{
	unsigned int i, n = 0;
	const char *prog = getenv("RCAN_SSH");

	argv[n++] = prog && *prog ? prog : "ssh";
	argv[n++] = "-o";
	argv[n++] = "BatchMode=yes";
	for (i = 0; i < sc->n_options; i++) {
		argv[n++] = "-o";
		argv[n++] = sc->options[i];
	}
	snprintf(bufs[0], 32, "ConnectTimeout=%u", (timeout_ms + 999) / 1000);
	argv[n++] = "-o";
	argv[n++] = bufs[0];
	if (r->user[0]) {
		argv[n++] = "-l";
		argv[n++] = r->user;
	}
	if (r->ssh_port) {
		snprintf(bufs[1], 32, "%u", r->ssh_port);
		argv[n++] = "-p";
		argv[n++] = bufs[1];
	}
	snprintf(bufs[2], 32, "127.0.0.1:%u", r->port);
	argv[n++] = "-W";
	argv[n++] = bufs[2];
	argv[n++] = "--"; /* the host is no option, whatever it looks like */
	argv[n++] = r->host;
	argv[n] = NULL;
}

/*
 * posix_spawnp() tells a missing program at once (errno), where a fork
 * would learn it from the exit status. The child gets its own session
 * (Ctrl-C in rcand's terminal is rcand's to handle, and ssh cannot open
 * the terminal), no blocked signals (rcand blocks its own for signalfd),
 * no descriptors of ours but the three, and not the CAP_NET_ADMIN that
 * rcand@.service hands rcand as an ambient capability (clearing the
 * ambient set leaves rcand's own capabilities as they are).
 */
static int spawn(struct ssh_child *c, char *const *argv, int io, int err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	int rc;

	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGCHLD);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, io, STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, io, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err, STDERR_FILENO);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
					      POSIX_SPAWN_SETSIGDEF |
					      POSIX_SPAWN_SETSID);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	rc = posix_spawnp(&c->pid, argv[0], &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		c->pid = 0;
		errno = rc;
		return -1;
	}
	return 0;
}

int ssh_child_start(struct ssh_child *c, const struct remote *r,
		    const struct ssh_config *sc, uint32_t timeout_ms, int epfd,
		    uint32_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };
	const char *argv[ARGV_MAX];
	char bufs[3][32];
	int sv[2], ep[2], e;

	ssh_child_init(c);
	build_argv(argv, r, sc, timeout_ms, bufs);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if (pipe2(ep, O_CLOEXEC) < 0) {
		e = errno;
		close(sv[0]);
		close(sv[1]);
		errno = e;
		return -1;
	}
	e = spawn(c, (char *const *)argv, sv[1], ep[1]) < 0 ? errno : 0;
	close(sv[1]);
	close(ep[1]);
	if (e) {
		close(sv[0]);
		close(ep[0]);
		errno = e;
		return -1;
	}
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(ep[0], F_SETFL, O_NONBLOCK);
	c->err_fd = ep[0];
	epoll_ctl(epfd, EPOLL_CTL_ADD, c->err_fd, &ev);
	log_debug("started %s (pid %d) for %s:%u", argv[0], (int)c->pid,
		  r->host, r->port);
	return sv[0];
}

/* The words that tell what went wrong, as OpenSSH prints them. */
static enum ssh_says classify(const char *line)
{
	static const struct {
		const char *text;
		enum ssh_says says;
	} known[] = {
		{ "Host key verification failed", SSH_SAYS_HOSTKEY },
		{ "REMOTE HOST IDENTIFICATION HAS CHANGED", SSH_SAYS_HOSTKEY },
		{ "Permission denied", SSH_SAYS_AUTH },
		{ "Too many authentication failures", SSH_SAYS_AUTH },
		{ "No more authentication methods", SSH_SAYS_AUTH },
		{ "administratively prohibited", SSH_SAYS_FORWARD },
		{ "Could not resolve hostname", SSH_SAYS_RESOLVE },
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strstr(line, known[i].text))
			return known[i].says;
	return SSH_SAYS_NOTHING;
}

static void on_line(struct ssh_child *c, char *line)
{
	enum ssh_says says;
	char *p;

	for (p = line; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = '?'; /* one log line, whatever ssh relays */
	if (!*line)
		return;
	log_warn("ssh stderr: %s", line);
	says = classify(line);
	/* the most telling line, else the last but this summary of the
	 * line before it */
	if (says < c->says ||
	    (c->said[0] && !strcmp(line, "stdio forwarding failed")))
		return;
	c->says = says;
	if (!strncmp(line, "ssh: ", 5))
		line += 5; /* the messages that quote it say "ssh: " */
	snprintf(c->said, sizeof(c->said), "%s", line);
}

/* Hand on the whole lines in c->err; a line too long goes in parts. */
static void split_lines(struct ssh_child *c)
{
	char *nl;

	while ((nl = memchr(c->err, '\n', c->err_len))) {
		size_t n = (size_t)(nl - c->err) + 1;

		*nl = 0;
		if (n > 1 && nl[-1] == '\r')
			nl[-1] = 0;
		on_line(c, c->err);
		memmove(c->err, c->err + n, c->err_len - n);
		c->err_len -= n;
	}
	if (c->err_len == sizeof(c->err) - 1) {
		c->err[c->err_len] = 0;
		on_line(c, c->err);
		c->err_len = 0;
	}
}

void ssh_child_read_err(struct ssh_child *c)
{
	while (c->err_fd >= 0) {
		ssize_t n = read(c->err_fd, c->err + c->err_len,
				 sizeof(c->err) - 1 - c->err_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			/* ssh and whatever it started are gone: an
			 * unfinished last line is a line too */
			c->err[c->err_len] = 0;
			on_line(c, c->err);
			c->err_len = 0;
			close(c->err_fd); /* and out of the epoll set */
			c->err_fd = -1;
			return;
		}
		c->err_len += (size_t)n;
		split_lines(c);
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int ssh_child_wait(struct ssh_child *c, int wait_ms)
{
	int st, waited = 0;

	while (c->pid) {
		pid_t p = waitpid(c->pid, &st, WNOHANG);

		if (p < 0 && errno != EINTR) {
			c->pid = 0; /* not ours any more (ECHILD) */
			return -1;
		}
		if (p == c->pid) {
			c->pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
		if (waited >= wait_ms)
			return -1;
		sleep_ms(10);
		waited += 10;
	}
	return -1;
}

void ssh_child_stop(struct ssh_child *c)
{
	if (c->pid && ssh_child_wait(c, 0) < 0 && c->pid) {
		kill(c->pid, SIGTERM);
		if (ssh_child_wait(c, STOP_WAIT_MS) < 0 && c->pid) {
			kill(c->pid, SIGKILL);
			waitpid(c->pid, NULL, 0);
			c->pid = 0;
		}
	}
	ssh_child_read_err(c);
	if (c->err_fd >= 0)
		close(c->err_fd);
	c->err_fd = -1;
}

int ssh_child_verdict(const struct ssh_child *c, const struct remote *r,
		      int status, char *why, size_t size, int *permanent)
{
	const char *h = r->host;

	*permanent = status == 255 && c->says > SSH_SAYS_RESOLVE ? 2 : 0;
	switch (*permanent ? c->says : SSH_SAYS_NOTHING) {
	case SSH_SAYS_HOSTKEY:
		snprintf(
			why, size,
			"ssh: the host key of %s is not known or has changed (ssh: %s): check it, then add it to the known_hosts of the user rcand runs as",
			h, c->said);
		return EXIT_SSH;
	case SSH_SAYS_AUTH:
		snprintf(
			why, size,
			"ssh: %s refused the login (ssh: %s): rcand runs ssh in batch mode, so it needs a key without passphrase or in ssh-agent that %s accepts",
			h, c->said, h);
		return EXIT_SSH;
	case SSH_SAYS_FORWARD:
		snprintf(
			why, size,
			"ssh: %s does not forward to socketcand's 127.0.0.1:%u (ssh: %s): see AllowTcpForwarding and PermitOpen in its sshd_config",
			h, r->port, c->said);
		return EXIT_SSH;
	default:
		break;
	}
	if (c->says == SSH_SAYS_RESOLVE) {
		*permanent = 1; /* as for TCP: final on the first attempt */
		snprintf(why, size, "ssh: unknown host '%s' (ssh: %s)", h,
			 c->said);
		return EXIT_UNKNOWN_HOST;
	}
	snprintf(
		why, size,
		"ssh to %s ended (exit status %d) before socketcand at its 127.0.0.1:%u answered%s%s",
		h, status, r->port, c->said[0] ? ": " : "", c->said);
	return EXIT_CONNECT;
}
