// SPDX-License-Identifier: GPL-2.0
/*
 * The socketcand session's life: connecting (non-blocking TCP, or an ssh
 * child, session_ssh.c), reading into the parser, the timers (reconnect,
 * handshake timeout, heartbeat, dead server) and stopping. What the server
 * says is handled in session_handshake.c, states and output in
 * session_state.c.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exitcode.h"
#include "log.h"
#include "now.h"
#include "session_internal.h"

#define READ_CHUNK 65536
#define READS_PER_WAKEUP 8 /* then the kernel side gets its turn */

void session_init(struct session *s, const struct session_config *cfg,
		  const char *url, const char *name,
		  const struct session_ops *ops, void *arg, int epfd,
		  uint32_t ep_tag)
{
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->url = url;
	s->name = name;
	s->ops = ops;
	s->arg = arg;
	s->epfd = epfd;
	s->ep_tag = ep_tag;
	s->fd = -1;
	ssh_child_init(&s->ssh);
	backoff_init(&s->bo, cfg->backoff_min_ms, cfg->backoff_max_ms);
	if (cfg->fd_dialect != PROTO_DIALECT_UNKNOWN) {
		s->dialect = cfg->fd_dialect;
		s->dialect_src = DIALECT_SRC_USER;
	}
}

static void set_sockopts(const struct session *s, int fd)
{
	int one = 1, idle = 10, intvl = 5, cnt = 3;
	unsigned int user_timeout = s->cfg->timeout_ms;

	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	/* unacknowledged data this long also means the server is gone */
	setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout,
		   sizeof(user_timeout));
	if (s->cfg->tcp_tune) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
	}
}

static struct addrinfo *resolve(struct session *s)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_ADDRCONFIG };
	const struct remote *r = &s->cfg->remote;
	struct addrinfo *ai = NULL;
	char port[8];
	int rc;

	snprintf(port, sizeof(port), "%u", r->port);
	rc = getaddrinfo(r->host, port, &hints, &ai);
	if (!rc)
		return ai;
	/* on the first attempt any lookup failure is final: a typo should
	 * not look like a server that is down */
	if (rc == EAI_SYSTEM)
		sess_fail(s, EXIT_UNKNOWN_HOST, 0, "cannot resolve '%s': %s",
			  r->host, strerror(errno));
	else
		sess_fail(s, EXIT_UNKNOWN_HOST, rc != EAI_MEMORY,
			  "unknown host '%s': %s", r->host, gai_strerror(rc));
	return NULL;
}

/* A TCP connection under way; returns its socket, or -1 after failing. */
static int tcp_connect(struct session *s)
{
	const struct remote *r = &s->cfg->remote;
	struct addrinfo *ai = resolve(s);
	int rc, fd;

	if (!ai)
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		freeaddrinfo(ai);
		sess_fail(s, EXIT_FAIL, 0, "socket: %s", strerror(errno));
		return -1;
	}
	set_sockopts(s, fd);
	rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (rc < 0 && errno != EINPROGRESS) {
		int e = errno;

		close(fd);
		sess_fail(s, EXIT_CONNECT, 0, "cannot connect to %s:%u: %s",
			  r->host, r->port, strerror(e));
		return -1;
	}
	log_debug("connecting to %s:%u", r->host, r->port);
	return fd;
}

/* An ssh child started; returns our end of its stream, or -1. */
static int ssh_connect(struct session *s)
{
	const struct remote *r = &s->cfg->remote;
	int fd = ssh_child_start(&s->ssh, r, &s->cfg->ssh, s->cfg->timeout_ms,
				 s->epfd, s->ep_tag);

	if (fd < 0)
		/* a missing ssh program: final on the first attempt */
		sess_fail(s, EXIT_FAIL, 1, "cannot run ssh for %s: %s", s->url,
			  strerror(errno));
	return fd;
}

static int over_ssh(const struct session *s)
{
	return s->cfg->remote.transport == REMOTE_SSH;
}

static void sess_connect(struct session *s)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = s->ep_tag };
	int ssh = over_ssh(s);
	int fd = ssh ? ssh_connect(s) : tcp_connect(s);

	if (fd < 0)
		return;
	s->fd = fd;
	s->out_len = s->out_off = 0;
	s->want_out = 0;
	s->hb_outstanding = 0;
	s->late_excused = 0;
	proto_init(&s->parser);
	s->probing = 0;
	if (s->dialect_src != DIALECT_SRC_USER) {
		/* another session may reach another server */
		s->dialect = PROTO_DIALECT_UNKNOWN;
		s->dialect_src = DIALECT_SRC_NONE;
	}
	/* ssh's stream is there at once: socketcand's < hi > is the news */
	sess_set_state(s, ssh ? S_WAIT_HI : S_CONNECTING);
	s->last_rx = now_ms();
	if (ssh)
		ev.events = EPOLLIN | EPOLLRDHUP;
	epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
}

void session_start(struct session *s)
{
	s->first_attempt = 1;
	sess_connect(s);
}

static void on_connected(struct session *s)
{
	const struct remote *r = &s->cfg->remote;
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		sess_fail(s, EXIT_CONNECT, 0, "cannot connect to %s:%u: %s",
			  r->host, r->port, strerror(err));
		return;
	}
	log_debug("TCP connected, waiting for < hi >");
	sess_set_state(s, S_WAIT_HI);
	s->last_rx = now_ms();
	sess_update_epoll(s);
}

/* ssh over, and socketcand has said nothing yet: ssh's stderr and exit
 * status tell why, and whether retrying can help. */
static int ssh_ended(struct session *s)
{
	char why[512];
	int permanent, code, status;

	if (!over_ssh(s) || s->st != S_WAIT_HI)
		return 0;
	/* its output ended: ssh is exiting, or hangs and gets killed */
	status = ssh_child_wait(&s->ssh, 2000);
	ssh_child_read_err(&s->ssh);
	code = ssh_child_verdict(&s->ssh, &s->cfg->remote, status, why,
				 sizeof(why), &permanent);
	sess_fail(s, code, permanent, "%s", why);
	return 1;
}

/* A failed read; returns after closing, or 0 to read again (EINTR), or 1
 * when there is nothing more to read now. */
static int read_failed(struct session *s)
{
	if (errno == EINTR)
		return 0;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 1;
	/* ssh gone with our bytes unread: ECONNRESET on the socket pair */
	if (errno == ECONNRESET && ssh_ended(s))
		return 1;
	/* A daemon that closes right after the handshake resets the
	 * connection our echo ran into. */
	if (errno == ECONNRESET && s->st >= S_WAIT_OPEN_OK && s->st < S_UP)
		sess_on_eof(s);
	else
		sess_fail(s, EXIT_FAIL, 0, "read from %s failed: %s", s->url,
			  strerror(errno));
	return 1;
}

static void sess_on_readable(struct session *s)
{
	static char buf[READ_CHUNK];
	int rounds;

	for (rounds = 0; rounds < READS_PER_WAKEUP && s->fd >= 0; rounds++) {
		ssize_t n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0) {
			if (read_failed(s))
				return;
			continue;
		}
		if (n == 0) {
			s->ops->read_end(s->arg);
			if (!ssh_ended(s))
				sess_on_eof(s);
			return;
		}
		s->last_rx = now_ms();
		s->hb_outstanding = 0;
		s->late_excused = 0;
		/* Only our own writes turn delayed ACKs (pingpong mode) back
		 * on, so once after them is as good as after every read, and
		 * a stream of RX alone costs no call. */
		if (s->quickack_due && !over_ssh(s)) {
			int one = 1;

			setsockopt(s->fd, IPPROTO_TCP, TCP_QUICKACK, &one,
				   sizeof(one));
			s->quickack_due = 0;
		}
		proto_feed(&s->parser, buf, (size_t)n, sess_on_element, s);
		/* one read's worth of frames: one netlink message */
		s->ops->read_end(s->arg);
		if ((size_t)n < sizeof(buf))
			return;
	}
}

void session_on_io(struct session *s, uint32_t events)
{
	if (s->fd < 0)
		return;
	/* ssh's stderr shares the epoll tag: one read tells (EAGAIN if not) */
	if (s->ssh.err_fd >= 0)
		ssh_child_read_err(&s->ssh);
	if (s->st == S_CONNECTING) {
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			on_connected(s);
		return;
	}
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP))
		sess_on_readable(s);
	if (s->fd >= 0 && (events & EPOLLOUT))
		session_flush(s);
}

/*
 * Silence is judged on what the socket holds, not on when the loop last
 * looked: a stopped rcand (SIGSTOP, a debugger, the cgroup freezer) wakes
 * with its timer long past and the server's bytes unread.
 */
static void on_timer_up(struct session *s, long now)
{
	long silence = now - s->last_rx;
	long hb = (long)s->cfg->heartbeat_ms;

	if (silence >= (long)s->cfg->timeout_ms) {
		sess_on_readable(s);
		if (s->st != S_UP)
			return;
		now = now_ms();
		silence = now - s->last_rx;
	}
	/* Past the deadline by a heartbeat's time: the loop was away when it
	 * passed (its wait ends at the deadline), so a quiet server was never
	 * asked. It gets a heartbeat now and the rest of the timeout, once per
	 * silence: a loop that is late again (a loaded machine, stopped over
	 * and over) has asked by then, and a server that let that heartbeat go
	 * unanswered for a whole timeout of wall time is dead. */
	if (silence >= (long)s->cfg->timeout_ms + hb && !s->late_excused) {
		log_info(
			"%s: no read for %ld ms (rcand was stopped?): asking the server before judging it",
			s->url, silence);
		s->last_rx = now - hb;
		s->hb_outstanding = 0;
		s->late_excused = 1;
		silence = hb;
	}
	if (silence >= (long)s->cfg->timeout_ms) {
		sess_fail(s, EXIT_FAIL, 0,
			  "server %s silent for %ld ms: declaring it dead",
			  s->url, silence);
		return;
	}
	if (silence >= (long)s->cfg->heartbeat_ms && !s->hb_outstanding &&
	    s->ops->heartbeat(s->arg) == 0)
		s->hb_outstanding = 1;
}

/* How long a handshake state may last. Over ssh the wait for < hi > also
 * covers ssh's connection, key exchange and login: three times as long. */
static long state_limit_ms(const struct session *s)
{
	if (over_ssh(s) && s->st == S_WAIT_HI)
		return 3L * s->cfg->timeout_ms;
	return s->cfg->timeout_ms;
}

void session_on_timer(struct session *s)
{
	long now = now_ms();
	int connecting = s->st == S_CONNECTING ||
			 (over_ssh(s) && s->st == S_WAIT_HI);

	switch (s->st) {
	case S_IDLE:
		if (!s->stopping && now >= s->retry_at)
			sess_connect(s);
		return;
	case S_UP:
		on_timer_up(s, now);
		return;
	default:
		if (now - s->st_since >= state_limit_ms(s))
			sess_fail(s, connecting ? EXIT_CONNECT : EXIT_PROTOCOL,
				  0, "%s: timed out after %ld ms while %s",
				  s->url, state_limit_ms(s),
				  session_state_names[s->st]);
		return;
	}
}

long session_next_timeout(const struct session *s)
{
	long now = now_ms(), at;

	switch (s->st) {
	case S_IDLE:
		at = s->stopping ? now + 1000 : s->retry_at;
		break;
	case S_UP:
		at = s->last_rx + s->cfg->timeout_ms;
		if (!s->hb_outstanding &&
		    s->last_rx + (long)s->cfg->heartbeat_ms < at)
			at = s->last_rx + s->cfg->heartbeat_ms;
		break;
	default:
		at = s->st_since + state_limit_ms(s);
		break;
	}
	return at > now ? at - now : 0;
}

void session_set_bittiming(struct session *s, const struct proto_bittiming *bt)
{
	s->bt = *bt;
	s->have_bt = 1;
}

void session_restart(struct session *s)
{
	if (s->fd >= 0)
		sess_close(s, NULL, 0);
	s->retry_at = now_ms();
}

void session_stop(struct session *s)
{
	long until = now_ms() + 1000;

	s->stopping = 1;
	while (s->fd >= 0 && s->out_off < s->out_len && now_ms() < until) {
		struct epoll_event ev;

		session_flush(s);
		if (s->fd < 0 || s->out_off == s->out_len)
			break;
		epoll_wait(s->epfd, &ev, 1, 50);
	}
}
