// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP session to socketcand: connect, handshake, read, write, and the
 * liveness timers. The handshake is
 *   < hi >  ->  [< BUS B ... > -> < ok >]  < open BUS >< rawmode >
 *   < ok > < ok >  ->  < echo >  ->  < echo >
 * The final echo is ours: a daemon that lets us open a bus that does not
 * exist answers both oks and then closes, so only the echo's reply proves
 * that the bus is really open.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "rcand.h"

#define EP_TCP 3
#define READ_CHUNK 65536
#define SESSION_STABLE_MS 5000 /* up this long: the backoff starts over */

static const char *const state_names[] = {
	[S_IDLE] = "idle",
	[S_CONNECTING] = "connecting",
	[S_WAIT_HI] = "waiting for < hi >",
	[S_WAIT_BT_OK] = "waiting for the bit-timing < ok >",
	[S_WAIT_OPEN_OK] = "waiting for < ok > to < open >",
	[S_WAIT_RAW_OK] = "waiting for < ok > to < rawmode >",
	[S_WAIT_ECHO] = "waiting for the first < echo >",
	[S_UP] = "up",
};

static void set_state(struct rcand *r, enum sess_state st)
{
	r->st = st;
	r->st_since = now_ms();
}

void sess_update_epoll(struct rcand *r)
{
	struct epoll_event ev = { .data.u32 = EP_TCP };

	if (r->fd < 0)
		return;
	ev.events = EPOLLIN | EPOLLRDHUP;
	if (r->st == S_CONNECTING || r->want_out)
		ev.events |= EPOLLOUT;
	epoll_ctl(r->epfd, EPOLL_CTL_MOD, r->fd, &ev);
}

/*
 * End the session. exit_code != 0 and permanent: the error will not go
 * away by retrying (unknown host, refused bus), so the first attempt
 * ends rcand; so does any error with --no-reconnect.
 */
static void sess_fail(struct rcand *r, int exit_code, int permanent,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void sess_fail(struct rcand *r, int exit_code, int permanent,
		      const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (!r->o->reconnect || (permanent && r->first_attempt)) {
		log_err("%s", why);
		sess_close(r, NULL, exit_code ? exit_code : EXIT_FAIL);
	} else {
		sess_close(r, why, 0);
	}
}

void sess_close(struct rcand *r, const char *why, int exit_code)
{
	int was_up = r->st == S_UP;
	uint32_t delay;

	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->want_out = 0;
	r->out_len = r->out_off = 0;
	if (was_up) {
		if (now_ms() - r->up_since >= SESSION_STABLE_MS)
			backoff_reset(&r->bo);
		pump_session_down(r);
	}
	set_state(r, S_IDLE);
	if (exit_code) {
		r->quit = exit_code + 1;
		return;
	}
	if (r->quit)
		return;
	delay = backoff_next(&r->bo, (uint32_t)random());
	r->retry_at = now_ms() + delay;
	if (why)
		log_warn("%s; reconnecting in %u ms", why, delay);
	if (r->first_attempt) {
		/* retrying: the netdev exists meanwhile */
		int rc = attach_link(r);

		if (rc) {
			r->quit = rc + 1;
			return;
		}
		pump_report_ready(r, 0);
	}
	r->first_attempt = 0;
}

int sess_append(struct rcand *r, const char *s, size_t n)
{
	if (r->out_off && r->out_len + n > OUTBUF_SIZE) {
		memmove(r->out, r->out + r->out_off, r->out_len - r->out_off);
		r->out_len -= r->out_off;
		r->out_off = 0;
	}
	if (r->out_len + n > OUTBUF_SIZE)
		return -1;
	memcpy(r->out + r->out_len, s, n);
	r->out_len += n;
	return 0;
}

/* Write what is pending. The buffer only ever holds whole elements; when
 * the socket takes less, the rest waits for EPOLLOUT while we go on
 * reading, because a daemon blocked in send() to us reads nothing. */
void sess_flush_out(struct rcand *r)
{
	int want = 0;

	if (r->fd < 0 || r->st == S_CONNECTING)
		return;
	while (r->out_off < r->out_len) {
		ssize_t n = send(r->fd, r->out + r->out_off,
				 r->out_len - r->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				want = 1;
				break;
			}
			sess_fail(r, EXIT_FAIL, 0, "write to %s failed: %s",
				  r->url, strerror(errno));
			return;
		}
		r->out_off += (size_t)n;
	}
	if (r->out_off == r->out_len)
		r->out_off = r->out_len = 0;
	if (want != r->want_out) {
		r->want_out = want;
		sess_update_epoll(r);
	}
}

static void set_sockopts(struct rcand *r, int fd)
{
	int one = 1, idle = 10, intvl = 5, cnt = 3;
	unsigned int user_timeout = r->o->timeout_ms;

	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	/* unacknowledged data this long also means the server is gone */
	setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout,
		   sizeof(user_timeout));
	if (r->o->tcp_tune) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
	}
}

void sess_start_connect(struct rcand *r)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_ADDRCONFIG };
	struct addrinfo *ai = NULL;
	struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = EP_TCP };
	char port[8];
	int rc, fd;

	snprintf(port, sizeof(port), "%u", r->o->remote.port);
	rc = getaddrinfo(r->o->remote.host, port, &hints, &ai);
	if (rc) {
		/* on the first attempt any lookup failure is final: a typo
		 * should not look like a server that is down */
		int perm = rc != EAI_MEMORY;

		if (rc == EAI_SYSTEM)
			sess_fail(r, EXIT_UNKNOWN_HOST, 0,
				  "cannot resolve '%s': %s", r->o->remote.host,
				  strerror(errno));
		else
			sess_fail(r, EXIT_UNKNOWN_HOST, perm,
				  "unknown host '%s': %s", r->o->remote.host,
				  gai_strerror(rc));
		return;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		freeaddrinfo(ai);
		sess_fail(r, EXIT_FAIL, 0, "socket: %s", strerror(errno));
		return;
	}
	set_sockopts(r, fd);
	rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (rc < 0 && errno != EINPROGRESS) {
		int e = errno;

		close(fd);
		sess_fail(r, EXIT_CONNECT, 0, "cannot connect to %s:%u: %s",
			  r->o->remote.host, r->o->remote.port, strerror(e));
		return;
	}
	r->fd = fd;
	r->out_len = r->out_off = 0;
	r->want_out = 0;
	r->hb_outstanding = 0;
	proto_init(&r->parser);
	set_state(r, S_CONNECTING);
	epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev);
	log_debug("connecting to %s:%u", r->o->remote.host, r->o->remote.port);
}

static void send_open(struct rcand *r)
{
	char buf[64];
	int n = proto_format_open(buf, sizeof(buf), r->o->remote.bus);

	/* `< open >` and `< rawmode >` may go in one write (the daemon keeps
	 * its read buffer across the mode switch). */
	sess_append(r, buf, (size_t)n);
	sess_append(r, "< rawmode >", 11);
	set_state(r, S_WAIT_OPEN_OK);
}

static void on_hi(struct rcand *r)
{
	char buf[128];
	int n;

	if (r->o->bittiming && r->have_bt) {
		n = proto_format_bittiming(buf, sizeof(buf), r->o->remote.bus,
					   &r->bt);
		if (n > 0) {
			log_info(
				"%s: setting bit timing on the server's %s: bitrate %u",
				r->ifname, r->o->remote.bus, r->bt.bitrate);
			sess_append(r, buf, (size_t)n);
			set_state(r, S_WAIT_BT_OK);
			return;
		}
	}
	send_open(r);
}

static int text_is(const struct proto_event *ev, const char *s)
{
	size_t n = strlen(s), i = 0, len = ev->text_len;
	const char *t = ev->text;

	/* compare ignoring the spaces around the words */
	while (i < len && t[i] == ' ')
		i++;
	while (len > i && (t[len - 1] == ' ' || t[len - 1] == '\n'))
		len--;
	return len - i == n && memcmp(t + i, s, n) == 0;
}

/* Element text fit for one log line: no control bytes, bounded. */
static const char *printable(const struct proto_event *ev, char *buf,
			     size_t size)
{
	size_t i, n = ev->text_len < size - 1 ? ev->text_len : size - 1;

	for (i = 0; i < n; i++) {
		char c = ev->text[i];

		if (c < 0x20 || c == 0x7f)
			c = '.';
		buf[i] = c;
	}
	buf[n] = 0;
	return buf;
}

/* Handle one parsed element; non-zero stops parsing (session closed). */
static int on_element(const struct proto_event *ev, void *arg)
{
	struct rcand *r = arg;
	char tbuf[201];
	const char *text = printable(ev, tbuf, sizeof(tbuf));
	int t = (int)strlen(text);

	switch (ev->type) {
	case PROTO_EV_GARBAGE:
	case PROTO_EV_OVERSIZE:
		sess_fail(r, EXIT_PROTOCOL, 0,
			  "%s from %s ('%.*s'); resetting the connection",
			  ev->type == PROTO_EV_OVERSIZE ?
				  "element longer than 8290 bytes" :
				  "garbage",
			  r->url, t, text);
		return 1;
	case PROTO_EV_FRAME:
	case PROTO_EV_ERRFRAME:
	case PROTO_EV_FDFRAME:
		if (r->st >= S_WAIT_OPEN_OK) {
			r->rx_seen_since_up = 1;
			pump_rx_frame(r, ev);
		}
		return 0;
	case PROTO_EV_HI:
		if (r->st == S_WAIT_HI) {
			on_hi(r);
			return 0;
		}
		break;
	case PROTO_EV_OK:
		if (r->st == S_WAIT_BT_OK) {
			send_open(r);
			return 0;
		}
		if (r->st == S_WAIT_OPEN_OK) {
			set_state(r, S_WAIT_RAW_OK);
			return 0;
		}
		if (r->st == S_WAIT_RAW_OK) {
			sess_append(r, PROTO_ECHO, PROTO_ECHO_LEN);
			set_state(r, S_WAIT_ECHO);
			return 0;
		}
		break;
	case PROTO_EV_ECHO:
		if (r->st == S_WAIT_ECHO) {
			int rc = attach_link(r);

			if (rc) {
				sess_close(r, NULL, rc);
				return 1;
			}
			set_state(r, S_UP);
			r->up_since = now_ms();
			r->first_attempt = 0;
			pump_session_up(r);
			return 0;
		}
		if (r->st == S_UP) {
			pump_on_echo(r);
			return 0;
		}
		break;
	case PROTO_EV_ERROR:
		if (r->st == S_WAIT_BT_OK) {
			log_warn(
				"%s: the server refused the bit timing ('%.*s'); connecting without it",
				r->ifname, t, text);
			r->have_bt = 0;
			sess_fail(r, EXIT_PROTOCOL, 0, "bit timing refused");
			return 1;
		}
		if (r->st == S_WAIT_OPEN_OK &&
		    text_is(ev, "error could not open bus")) {
			sess_fail(r, EXIT_BUS_REFUSED, 1,
				  "server refused bus '%s' (%s)",
				  r->o->remote.bus, r->url);
			return 1;
		}
		if (r->st != S_UP) {
			sess_fail(r, EXIT_PROTOCOL, 0,
				  "server error while %s: '%.*s'",
				  state_names[r->st], t, text);
			return 1;
		}
		log_warn("%s: server says '%.*s'", r->ifname, t, text);
		return 0;
	case PROTO_EV_STAT:
		log_debug("stat %.*s", t, text);
		return 0;
	case PROTO_EV_UNKNOWN:
		if (r->st == S_WAIT_BT_OK) {
			log_warn(
				"%s: the server cannot set the bit timing ('%.*s'); connecting without it",
				r->ifname, t, text);
			r->have_bt = 0;
			sess_fail(r, EXIT_PROTOCOL, 0, "bit timing refused");
			return 1;
		}
		if (r->logged_unknown++ < 3)
			log_warn("%s: ignoring unknown element '<%.*s>'",
				 r->ifname, t, text);
		return 0;
	}
	if (r->logged_unknown++ < 3)
		log_warn("%s: ignoring unexpected '<%.*s>' while %s", r->ifname,
			 t, text, state_names[r->st]);
	return 0;
}

static void on_connected(struct rcand *r)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		sess_fail(r, EXIT_CONNECT, 0, "cannot connect to %s:%u: %s",
			  r->o->remote.host, r->o->remote.port, strerror(err));
		return;
	}
	log_debug("TCP connected, waiting for < hi >");
	set_state(r, S_WAIT_HI);
	r->last_rx = now_ms();
	sess_update_epoll(r);
}

static void on_eof(struct rcand *r)
{
	switch (r->st) {
	case S_WAIT_ECHO:
		sess_fail(
			r, EXIT_BUS_REFUSED, 1,
			"server refused bus '%s' (%s): it closed the session right after opening it: no such bus on the server",
			r->o->remote.bus, r->url);
		break;
	case S_WAIT_OPEN_OK:
		sess_fail(
			r, EXIT_BUS_REFUSED, 1,
			"server refused bus '%s' (%s): it closed the session instead of opening it",
			r->o->remote.bus, r->url);
		break;
	case S_UP:
		sess_fail(r, EXIT_FAIL, 0, "server %s closed the session",
			  r->url);
		break;
	default:
		sess_fail(r, EXIT_PROTOCOL, 0,
			  "server %s closed the connection while %s", r->url,
			  state_names[r->st]);
		break;
	}
}

static void on_readable(struct rcand *r)
{
	static char buf[READ_CHUNK];
	int rounds;

	/* A few reads per wakeup, so the kernel side gets its turn. */
	for (rounds = 0; rounds < 8 && r->fd >= 0; rounds++) {
		ssize_t n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			/* A daemon that closes right after the handshake
			 * resets the connection our echo ran into. */
			if (errno == ECONNRESET && r->st >= S_WAIT_OPEN_OK &&
			    r->st < S_UP) {
				on_eof(r);
				return;
			}
			sess_fail(r, EXIT_FAIL, 0, "read from %s failed: %s",
				  r->url, strerror(errno));
			return;
		}
		if (n == 0) {
			pump_rx_flush(r);
			on_eof(r);
			return;
		}
		r->last_rx = now_ms();
		r->hb_outstanding = 0;
		if (r->o->tcp_tune) {
			int one = 1;

			setsockopt(r->fd, IPPROTO_TCP, TCP_QUICKACK, &one,
				   sizeof(one));
		}
		proto_feed(&r->parser, buf, (size_t)n, on_element, r);
		/* one read's worth of frames: one netlink message */
		pump_rx_flush(r);
		if ((size_t)n < sizeof(buf))
			return;
	}
}

void sess_on_io(struct rcand *r, uint32_t events)
{
	if (r->fd < 0)
		return;
	if (r->st == S_CONNECTING) {
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			on_connected(r);
		return;
	}
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP))
		on_readable(r);
	if (r->fd >= 0 && (events & EPOLLOUT))
		sess_flush_out(r);
}

/* Timers: reconnect, handshake timeout, heartbeat, dead server. */
void sess_on_timer(struct rcand *r)
{
	long now = now_ms(), silence;

	switch (r->st) {
	case S_IDLE:
		if (!r->quit && now >= r->retry_at)
			sess_start_connect(r);
		return;
	case S_UP:
		silence = now - r->last_rx;
		if (silence >= (long)r->o->timeout_ms) {
			sess_fail(
				r, EXIT_FAIL, 0,
				"server %s silent for %ld ms: declaring it dead",
				r->url, silence);
			return;
		}
		if (silence >= (long)r->o->heartbeat_ms && !r->hb_outstanding) {
			if (pump_heartbeat(r) == 0)
				r->hb_outstanding = 1;
		}
		return;
	default:
		if (now - r->st_since >= (long)r->o->timeout_ms)
			sess_fail(r,
				  r->st == S_CONNECTING ? EXIT_CONNECT :
							  EXIT_PROTOCOL,
				  0, "%s: timed out after %u ms while %s",
				  r->url, r->o->timeout_ms, state_names[r->st]);
		return;
	}
}

/* The next moment sess_on_timer has something to do, in ms from now. */
long sess_next_timeout(struct rcand *r)
{
	long now = now_ms(), at;

	switch (r->st) {
	case S_IDLE:
		at = r->quit ? now + 1000 : r->retry_at;
		break;
	case S_UP:
		at = r->last_rx + r->o->timeout_ms;
		if (!r->hb_outstanding &&
		    r->last_rx + (long)r->o->heartbeat_ms < at)
			at = r->last_rx + r->o->heartbeat_ms;
		break;
	default:
		at = r->st_since + r->o->timeout_ms;
		break;
	}
	return at > now ? at - now : 0;
}
