// SPDX-License-Identifier: GPL-2.0
/*
 * The one event loop of rcand serve. Each wake-up: run what epoll reports
 * (new clients, commands, CAN frames, writable clients, signals), then
 * the timers (beacon, statistics, paced retries), then write every client
 * that has output, once. Clients that ended are freed last, after their
 * final bytes were written, so no event of this wake-up can see them gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "serve.h"
#include "serve_ext.h"

uint64_t serve_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void serve_watch(struct serve *s, struct serve_client *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = &c->ep_tcp };

	if (events == c->events)
		return;
	if (epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->events = events;
}

void serve_unwatch(struct serve *s, struct serve_client *c)
{
	epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
	c->events = 0;
}

int serve_add_can(struct serve *s, struct serve_client *c, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &c->ep_can };

	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	c->can = fd;
	return 0;
}

void serve_drop_can(struct serve *s, struct serve_client *c)
{
	(void)s;
	if (c->can >= 0)
		close(c->can); /* leaves the epoll set with it */
	c->can = -1;
	c->can_fd_on = 0;
	c->isotp_ready = 0;
	free(c->pend);
	c->pend = NULL;
	c->retry_at = 0;
}

/* An idle peer that vanished (no FIN, no RST: a cable, a crash) is found
 * out in about a minute (probes after 30 s), not never. No
 * TCP_USER_TIMEOUT: it would also end a live client that merely stopped
 * reading for a while (zero-window probes), which is the queue's job. */
static void keepalive(int fd)
{
	int on = 1, idle = 30, intvl = 10, cnt = 3;

	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

static void peer_name(const struct sockaddr_storage *a, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)a;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(in->sin_port));
	} else if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)a;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(buf, size, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else {
		snprintf(buf, size, "local");
	}
}

/* No descriptor left: the connection waiting in the backlog would be
 * reported again at once (the listener is level-triggered), a busy loop.
 * The spare descriptor makes room to accept it and close it at once. */
static int shed_client(struct serve *s)
{
	static uint64_t logged;
	uint64_t now = serve_now();
	int err = errno, fd;

	if (now - logged >= 1000000000ULL) { /* once a second at most */
		logged = now;
		log_warn("serve: cannot accept: %s; refusing clients",
			 strerror(err));
	}
	if (s->spare_fd < 0)
		return -1;
	close(s->spare_fd);
	fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		s->refused_clients++;
	}
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return fd >= 0 ? 0 : -1;
}

/* The oldest client idle in NO_BUS long enough to be ended for a new
 * one, or NULL. */
static struct serve_client *idle_victim(struct serve *s, uint64_t now)
{
	struct serve_client *c, *v = NULL;

	for (c = s->clients; c; c = c->next)
		if (c->mode == SERVE_NO_BUS && !c->end_reason &&
		    now - c->since >= SERVE_EVICT_MIN_NS &&
		    (!v || c->since < v->since))
			v = c;
	return v;
}

/* Room for one more client: 0, or -1 when it is refused. */
static int make_room_for_client(struct serve *s)
{
	struct serve_client *v;

	if (s->nclients < s->cfg.max_clients)
		return 0;
	v = idle_victim(s, serve_now());
	if (!v)
		return -1;
	log_info("serve: client %lu from %s ended: idle, the server full",
		 v->id, v->peer);
	/* freed at the end of this wake-up: one over the limit till then */
	serve_close(s, v, "evicted-idle");
	return 0;
}

static void accept_clients(struct serve *s)
{
	for (;;) {
		struct sockaddr_storage a = { 0 };
		socklen_t al = sizeof(a);
		struct epoll_event ev = { .events = EPOLLIN };
		struct serve_client *c;
		char peer[64];
		int one = 1, sndbuf = SERVE_SNDBUF;
		int fd = accept4(s->lfd, (struct sockaddr *)&a, &al,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if ((errno == EMFILE || errno == ENFILE) &&
			    shed_client(s) == 0)
				continue;
			return;
		}
		peer_name(&a, peer, sizeof(peer));
		if (make_room_for_client(s) < 0) {
			/* a client over the limit is closed at once; the
			 * others go on */
			s->refused_clients++;
			log_warn("serve: client %s refused: %u clients already",
				 peer, s->nclients);
			close(fd);
			continue;
		}
		/* as the daemon: replies are not held back by Nagle */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		/* the kernel's share of a client's memory bounded too */
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
		keepalive(fd);
		c = serve_client_new(s, fd, peer);
		if (!c) {
			close(fd);
			continue;
		}
		ev.data.ptr = &c->ep_tcp;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			c->fd = -1;
			close(fd);
			serve_client_free(s, c);
			continue;
		}
		c->events = EPOLLIN;
		log_info("serve: client %lu from %s", c->id, peer);
		serve_reply(s, c, "< hi >", 6);
	}
}

static void on_signal(struct serve *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGUSR1)
			serve_stats_all(s, "snapshot");
		else
			s->stop = 1;
	}
}

static void on_event(struct serve *s, struct epoll_event *e)
{
	struct serve_ep *ep = e->data.ptr;
	struct serve_client *c = ep->c;

	switch (ep->kind) {
	case SERVE_EP_LISTEN:
		accept_clients(s);
		return;
	case SERVE_EP_SIGNAL:
		on_signal(s);
		return;
	case SERVE_EP_STATUS:
		serve_status_answer(s);
		return;
	case SERVE_EP_STATUS_PEER:
		serve_status_readable(s);
		return;
	case SERVE_EP_TCP:
		if (c->mode == SERVE_CLOSING)
			return;
		if (e->events & EPOLLOUT) {
			if (serve_flush(s, c) < 0) {
				serve_close(s, c, "write-error");
				return;
			}
			serve_client_resume(s, c);
		}
		if (e->events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			serve_client_input(s, c);
		return;
	case SERVE_EP_EXT:
		serve_ext_state_readable(s, c);
		return;
	case SERVE_EP_CAN:
		if (c->mode == SERVE_RAW)
			serve_raw_readable(s, c);
		else if (c->mode == SERVE_BCM)
			serve_bcm_readable(s, c);
		else if (c->mode == SERVE_ISOTP)
			serve_isotp_readable(s, c);
		return;
	}
}

/* The earliest deadline of the beacon, retries, statistics and the
 * extension's waiting frames. */
static uint64_t next_deadline(struct serve *s)
{
	uint64_t next = s->beacon_fd >= 0 ? s->beacon_next : UINT64_MAX;
	struct serve_client *c;

	if (s->status_fd >= 0 && s->status_peer >= 0 &&
	    s->status_peer_at < next)
		next = s->status_peer_at;
	for (c = s->clients; c; c = c->next) {
		uint64_t t = serve_control_next(c);

		if (c->retry_at && c->retry_at < next)
			next = c->retry_at;
		if (serve_ext_deadline(c) < next)
			next = serve_ext_deadline(c);
		if (c->mode == SERVE_NO_BUS &&
		    c->since + SERVE_NOBUS_MAX_NS < next)
			next = c->since + SERVE_NOBUS_MAX_NS;
		if (t && t < next)
			next = t;
	}
	return next;
}

static void run_timers(struct serve *s, uint64_t now)
{
	struct serve_client *c;

	if (s->beacon_fd >= 0 && now >= s->beacon_next) {
		serve_beacon_send(s);
		s->beacon_next = now + s->cfg.beacon_ms * 1000000ULL;
	}
	if (s->status_fd >= 0)
		serve_status_tick(s, now);
	for (c = s->clients; c; c = c->next) {
		if (c->mode == SERVE_CLOSING)
			continue;
		if (c->mode == SERVE_NO_BUS &&
		    now - c->since >= SERVE_NOBUS_MAX_NS) {
			serve_close(s, c, "no-open-in-time");
			continue;
		}
		if (c->retry_at && now >= c->retry_at) {
			int r = serve_can_retry(s, c);

			if (r > 0)
				serve_client_resume(s, c);
			else if (r < 0)
				serve_close(s, c, "can-write-failed");
		}
		if (c->mode == SERVE_CONTROL)
			serve_control_tick(s, c, now);
		serve_ext_tick(s, c, now);
	}
}

/* Write every client with output once; free those that ended. */
static void flush_dirty(struct serve *s)
{
	while (s->dirty) {
		struct serve_client *c = s->dirty;
		int blocked = serve_client_blocked(s, c);

		/* c->dirty stays set until it is done: nothing below can
		 * put it on the list a second time while it is handled */
		s->dirty = c->next_dirty;
		if (serve_flush(s, c) < 0)
			serve_close(s, c, "write-error");
		if (c->mode == SERVE_CLOSING) {
			log_info("serve: client %lu ends: %s", c->id,
				 c->end_reason);
			serve_stats_write(s, c, "end");
			serve_client_free(s, c);
			continue;
		}
		c->dirty = 0;
		if (blocked && !serve_client_blocked(s, c))
			serve_client_resume(s, c);
		else
			serve_client_rewatch(s, c);
	}
}

static int setup_signals(struct serve *s)
{
	struct epoll_event ev = { .events = EPOLLIN,
				  .data.ptr = &s->ep_signal };
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	s->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->sigfd < 0)
		return -1;
	s->ep_signal.kind = SERVE_EP_SIGNAL;
	return epoll_ctl(s->ep, EPOLL_CTL_ADD, s->sigfd, &ev);
}

/* Each client may hold a TCP, a CAN and an rtnetlink socket: raise the
 * soft limit of descriptors to what --max-clients needs, if allowed. */
static void raise_nofile(const struct serve *s)
{
	rlim_t need = (rlim_t)s->cfg.max_clients * 3 + 32;
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_cur >= need)
		return;
	r.rlim_cur = need < r.rlim_max ? need : r.rlim_max;
	setrlimit(RLIMIT_NOFILE, &r);
	if (r.rlim_cur < need)
		log_warn(
			"serve: %u clients need %llu descriptors, the limit is %llu",
			s->cfg.max_clients, (unsigned long long)need,
			(unsigned long long)r.rlim_cur);
}

int serve_run(struct serve *s)
{
	struct epoll_event ev = { .events = EPOLLIN,
				  .data.ptr = &s->ep_listen };
	struct epoll_event evs[128];

	s->ep_listen.kind = SERVE_EP_LISTEN;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, s->lfd, &ev) < 0 ||
	    setup_signals(s) < 0) {
		log_err("serve: %s", strerror(errno));
		return -1;
	}
	raise_nofile(s);
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	s->beacon_next = serve_now();
	while (!s->stop) {
		uint64_t now = serve_now(), next = next_deadline(s);
		struct timespec ts, *tp = NULL;
		int n, i;

		if (next != UINT64_MAX) {
			uint64_t d = next > now ? next - now : 0;

			ts.tv_sec = (time_t)(d / 1000000000ULL);
			ts.tv_nsec = (long)(d % 1000000000ULL);
			tp = &ts;
		}
		n = epoll_pwait2(s->ep, evs, 128, tp, NULL);
		if (n < 0 && errno != EINTR) {
			log_err("serve: epoll: %s", strerror(errno));
			return -1;
		}
		for (i = 0; i < n; i++)
			on_event(s, &evs[i]);
		run_timers(s, serve_now());
		flush_dirty(s);
	}
	serve_stats_all(s, "end");
	while (s->clients)
		serve_client_free(s, s->clients);
	return 0;
}
