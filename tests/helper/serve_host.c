// SPDX-License-Identifier: GPL-2.0
/*
 * rcand serve's state machines on the host, under ASan/UBSan: the loop
 * (included, for its static functions), the client buffers, the
 * extension's outcomes, the pending CAN write. No CAN here: a client's
 * "CAN socket" is a pipe or a socket pair that behaves as one would
 * (full: EAGAIN; a datagram: a PDU), its TCP side a socket pair.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <linux/rtnetlink.h>
#include <sys/un.h>
#include <sys/wait.h>

/* its static functions are what is tested */
#include "../../helper/serve_loop.c" // NOLINT(bugprone-suspicious-include)

static int failures;

#define EXPECT(cond)                                                          \
	do {                                                                  \
		if (!(cond)) {                                                \
			printf("# %s:%d: expected %s\n", __FILE__, __LINE__,  \
			       #cond);                                        \
			failures++;                                           \
		}                                                             \
	} while (0)

static void serve_init(struct serve *s)
{
	memset(s, 0, sizeof(*s));
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	s->lfd = -1;
	s->sigfd = -1;
	s->status_fd = -1;
	s->beacon_fd = -1;
	s->spare_fd = -1;
	s->cfg.max_clients = SERVE_MAX_CLIENTS;
	s->cfg.out_max = SERVE_OUT_MAX;
	snprintf(s->cfg.buses[0], IFNAMSIZ, "vcan0");
	s->cfg.nbuses = 1;
}

static void serve_fini(struct serve *s)
{
	while (s->clients)
		serve_client_free(s, s->clients);
	s->dirty = NULL;
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->status_fd >= 0)
		close(s->status_fd);
	if (s->spare_fd >= 0)
		close(s->spare_fd);
	close(s->ep);
}

/* A client on a socket pair; *peer is the remote end. */
static struct serve_client *client(struct serve *s, int *peer)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct serve_client *c;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	c = serve_client_new(s, sv[0], "test");
	ev.data.ptr = &c->ep_tcp;
	epoll_ctl(s->ep, EPOLL_CTL_ADD, sv[0], &ev);
	c->events = EPOLLIN;
	*peer = sv[1];
	return c;
}

/* The extension with `confirm`, and n sends waiting for confirmation. */
static void ext_confirm(struct serve *s, struct serve_client *c, unsigned n)
{
	c->ext = calloc(1, sizeof(*c->ext));
	c->ext->features = PROTO_EXT_F_CONFIRM;
	c->ext->version = PROTO_EXT_VERSION;
	c->ext->nl = -1;
	c->mode = SERVE_RAW;
	c->bus = 0;
	while (n--) {
		struct canfd_frame f = { .can_id = 0x123 };

		serve_ext_written(s, c, &f, CAN_MTU);
	}
}

/* Fill the client's queue with replies up to `room` bytes short of the
 * most a reply may take. */
static void fill_queue(struct serve *s, struct serve_client *c, size_t room)
{
	static char junk[4096];
	size_t want = s->cfg.out_max + SERVE_OUT_REPLY_ROOM - room;

	memset(junk, 'x', sizeof(junk));
	while (c->outlen < want) {
		size_t n = want - c->outlen;

		serve_reply(s, c, junk, n < sizeof(junk) ? n : sizeof(junk));
	}
}

/* H1: a client closed while its queue is almost full and a frame waits
 * for its confirmation: the `< failed >` that closing tells does not fit;
 * that must not close it again (it recursed until the stack overflowed). */
static void test_close_full_queue_waiting(void)
{
	struct serve s;
	struct serve_client *c;
	int peer;

	serve_init(&s);
	c = client(&s, &peer);
	ext_confirm(&s, c, 1);
	fill_queue(&s, c, 10);
	serve_close(&s, c, "test");
	EXPECT(c->mode == SERVE_CLOSING);
	EXPECT(!strcmp(c->end_reason, "test"));
	EXPECT(c->outlen <= s.cfg.out_max + SERVE_OUT_REPLY_ROOM +
				 SERVE_EXT_OUT_ROOM);
	serve_fini(&s);
	close(peer);
}

/* Read what the peer got, into buf (NUL-terminated); its length. */
static size_t drain(struct serve *s, struct serve_client *c, int peer,
		    char *buf, size_t size)
{
	size_t len = 0;

	for (;;) {
		ssize_t n;

		if (serve_flush(s, c) < 0)
			break;
		n = read(peer, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == size - 1)
			len = 0; /* only the tail matters */
	}
	buf[len] = '\0';
	return len;
}

/* H1: a client on `confirm` that does not read: its outcomes wait while
 * its queue is past out_max (one `< sent >` for them all), instead of
 * growing it until the client is closed; they are told once it drained. */
static void test_outcomes_held_while_full(void)
{
	static char buf[SERVE_OUT_MAX * 2];
	struct canfd_frame f = { .can_id = 0x123, .len = 1 };
	struct timeval tv = { 1, 2 };
	struct serve s;
	struct serve_client *c;
	int peer, i;

	serve_init(&s);
	c = client(&s, &peer);
	ext_confirm(&s, c, 500);
	fill_queue(&s, c, SERVE_OUT_REPLY_ROOM - 1); /* out_max + 1 */
	for (i = 0; i < 500; i++) { /* one wake-up each */
		serve_ext_rx(&s, c, &f, MSG_CONFIRM, &tv);
		serve_ext_rx_end(&s, c, 1, 0);
	}
	EXPECT(!c->end_reason);
	EXPECT(c->outlen == s.cfg.out_max + 1);
	drain(&s, c, peer, buf, sizeof(buf));
	EXPECT(c->outlen == 0);
	serve_client_resume(&s, c);
	drain(&s, c, peer, buf, sizeof(buf));
	EXPECT(strstr(buf, "< sent 500 1.000002 >") != NULL);
	serve_fini(&s);
	close(peer);
}

/* A "CAN socket" whose queue is full: a pipe that takes no more. */
static int full_can(int *reader)
{
	static char junk[4096];
	int p[2];

	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0)
		abort();
	while (write(p[1], junk, sizeof(junk)) > 0)
		;
	*reader = p[0];
	return p[1];
}

static int tcp_events(struct serve *s)
{
	struct epoll_event ev[8];
	int n = epoll_wait(s->ep, ev, 8, 0), i, k = 0;

	for (i = 0; i < n; i++)
		k += ((struct serve_ep *)ev[i].data.ptr)->kind == SERVE_EP_TCP;
	return k;
}

/* H2: a client that hung up while its CAN write waits for room: epoll is
 * quiet meanwhile (no EPOLLHUP at full speed), and a write that never
 * gets room ends the client (a bus with no ACK), whatever its features. */
static void test_hangup_while_pending(void)
{
	struct serve s;
	struct serve_client *c;
	int peer, reader;

	serve_init(&s);
	c = client(&s, &peer);
	c->mode = SERVE_RAW;
	c->bus = 0;
	c->can = full_can(&reader);
	EXPECT(write(peer, "< send 123 0 >", 14) == 14);
	serve_client_input(&s, c);
	EXPECT(c->pend != NULL);
	close(peer);
	EXPECT(tcp_events(&s) == 1);
	serve_client_input(&s, c);
	EXPECT(!c->end_reason);
	EXPECT(tcp_events(&s) == 0);
	/* the queue never frees a place */
	run_timers(&s, c->retry_at);
	EXPECT(!c->end_reason);
	c->pend_since -= SERVE_PEND_MAX_NS;
	run_timers(&s, c->retry_at);
	EXPECT(c->end_reason && !strcmp(c->end_reason, "can-queue-stuck"));
	serve_fini(&s);
	close(reader);
}

static int connect_to(int lfd)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	getsockname(lfd, (struct sockaddr *)&a, &al);
	if (connect(fd, (struct sockaddr *)&a, al) < 0)
		abort();
	return fd;
}

static int listener(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 8) < 0)
		abort();
	return fd;
}

/* M1: clients that never open a bus neither stay for good nor keep the
 * others out: NO_BUS ends after SERVE_NOBUS_MAX_NS, and a full server
 * makes room by ending the oldest idle one. */
static void test_idle_clients(void)
{
	struct serve s;
	struct serve_client *c, *old;
	int a, b, d;

	serve_init(&s);
	s.lfd = listener();
	s.cfg.max_clients = 2;
	a = connect_to(s.lfd);
	b = connect_to(s.lfd);
	accept_clients(&s);
	EXPECT(s.nclients == 2);
	old = s.clients->next; /* the first one accepted */
	old->since -= SERVE_EVICT_MIN_NS;
	d = connect_to(s.lfd);
	accept_clients(&s);
	EXPECT(old->end_reason && !strcmp(old->end_reason, "evicted-idle"));
	EXPECT(s.nclients == 3 && !s.clients->end_reason);
	flush_dirty(&s);
	EXPECT(s.nclients == 2);
	c = s.clients->next;
	EXPECT(next_deadline(&s) <= c->since + SERVE_NOBUS_MAX_NS);
	run_timers(&s, c->since + SERVE_NOBUS_MAX_NS);
	EXPECT(c->end_reason && !strcmp(c->end_reason, "no-open-in-time"));
	serve_fini(&s);
	close(a);
	close(b);
	close(d);
}

/* M2: out of file descriptors, a waiting connection is accepted and
 * closed (a spare descriptor makes room for it), not left in the backlog
 * where the level-triggered listener reports it again at full speed. */
static void test_accept_emfile(void)
{
	struct rlimit old, low;
	struct pollfd p;
	struct serve s;
	char b;
	int a, probe;

	serve_init(&s);
	s.lfd = listener();
	s.spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	a = connect_to(s.lfd);
	getrlimit(RLIMIT_NOFILE, &old);
	probe = dup(0);
	close(probe);
	low = old;
	low.rlim_cur = (rlim_t)probe; /* no descriptor free */
	setrlimit(RLIMIT_NOFILE, &low);
	accept_clients(&s);
	setrlimit(RLIMIT_NOFILE, &old);
	EXPECT(s.nclients == 0);
	p.fd = s.lfd;
	p.events = POLLIN;
	EXPECT(poll(&p, 1, 0) == 0); /* the backlog is empty */
	p.fd = a;
	EXPECT(poll(&p, 1, 1000) == 1 && read(a, &b, 1) <= 0);
	EXPECT(s.spare_fd >= 0);
	EXPECT(s.refused_clients == 1);
	serve_fini(&s);
	close(a);
}

static int status_peer(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		abort();
	return fd;
}

/* Run what epoll reports now, as the loop does. */
static void loop_once(struct serve *s)
{
	struct epoll_event ev[16];
	int n = epoll_wait(s->ep, ev, 16, 0), i;

	for (i = 0; i < n; i++)
		on_event(s, &ev[i]);
}

/* M3: a status reader that says nothing (or does not read) does not hold
 * the loop: the answer waits for its request in the loop, not in a
 * blocking read; a request that comes later is still answered. */
static void test_status_silent_peer(void)
{
	char path[64], buf[4096];
	struct serve s;
	uint64_t t0;
	ssize_t n;
	int a;

	serve_init(&s);
	snprintf(path, sizeof(path), "/tmp/rcan-serve-host-%d.sock",
		 (int)getpid());
	s.cfg.status_path = path;
	EXPECT(serve_status_open(&s) == 0);
	a = status_peer(path);
	t0 = serve_now();
	loop_once(&s);
	EXPECT(serve_now() - t0 < 50000000ULL);
	EXPECT(write(a, "json\n", 5) == 5);
	loop_once(&s);
	n = read(a, buf, sizeof(buf) - 1);
	EXPECT(n > 0 && !strncmp(buf, "{\"port\"", 7));
	close(a);
	a = status_peer(path); /* silent till the end: text, in time */
	loop_once(&s);
	run_timers(&s, serve_now() + SERVE_STATUS_WAIT_NS);
	n = read(a, buf, sizeof(buf) - 1);
	EXPECT(n > 0 && !strncmp(buf, "rcand serve", 11));
	close(a);
	unlink(path);
	serve_fini(&s);
}

/* M4b: the counts of `confirm` stay aligned with error-flagged frames:
 * one of the client's own frames that comes back as an error frame is
 * still its confirmation, and a send with CAN_ERR_FLAG (an 8-digit id
 * from 2 up) is refused as `failed invalid` (its copy would come back
 * only through an error filter, maybe never). */
static void test_confirm_error_flag(void)
{
	struct canfd_frame f = { .can_id = CAN_ERR_FLAG | CAN_ERR_CRTL };
	struct timeval tv = { 5, 6 };
	char buf[4096];
	struct serve s;
	struct serve_client *c;
	int peer, sv[2];

	serve_init(&s);
	c = client(&s, &peer);
	ext_confirm(&s, c, 1);
	c->ext->features |= PROTO_EXT_F_STATE;
	EXPECT(serve_ext_rx(&s, c, &f, MSG_CONFIRM, &tv) == 1);
	EXPECT(c->ext->sent_acc == 1 && c->ext->nruns == 0);
	serve_ext_rx_end(&s, c, 1, 0);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	c->can = sv[0];
	serve_command(&s, c, "< send 20000004 0 >");
	EXPECT(read(sv[1], buf, sizeof(buf)) < 0); /* nothing written */
	drain(&s, c, peer, buf, sizeof(buf));
	EXPECT(strstr(buf, "< sent 1 5.000006 >< failed 1 invalid >") != NULL);
	close(sv[1]);
	serve_fini(&s);
	close(peer);
}

/* M5: a pending ISO-TP PDU is not read as a CAN frame (a 1-byte PDU
 * was read past its end), and the extension's outcomes, which count RAW
 * sends, are not touched by it. */
static void test_isotp_pending(void)
{
	static char junk[65536];
	uint8_t *pdu = malloc(1);
	struct serve s;
	struct serve_client *c;
	int peer, reader;

	serve_init(&s);
	c = client(&s, &peer);
	ext_confirm(&s, c, 0);
	c->mode = SERVE_ISOTP;
	c->can = full_can(&reader);
	pdu[0] = 0x01;
	serve_can_pend(&s, c, pdu, 1);
	free(pdu);
	EXPECT(c->pend && c->retry_at);
	while (read(reader, junk, sizeof(junk)) > 0)
		;
	EXPECT(serve_can_retry(&s, c) == 1);
	EXPECT(!c->pend && c->ext->nruns == 0 && c->n.sends_written == 1);
	serve_fini(&s);
	close(reader);
	close(peer);
}

/* M6: `< statistics 1 >` is not a /proc/net/dev read per millisecond:
 * as the daemon's statistics thread (it polls every 10 ms), 10 ms is the
 * shortest interval. */
static void test_statistics_floor(void)
{
	struct serve s;
	struct serve_client *c;
	int peer;

	serve_init(&s);
	c = client(&s, &peer);
	c->bus = 0;
	c->mode = SERVE_CONTROL;
	c->stat_last = 1000;
	serve_command(&s, c, "< statistics 1 >");
	EXPECT(serve_control_next(c) == 1000 + 10000000ULL);
	serve_command(&s, c, "< statistics 250 >");
	EXPECT(serve_control_next(c) == 1000 + 250000000ULL);
	serve_fini(&s);
	close(peer);
}

/* L1: an ISO-TP PDU longer than the protocol's 4095 bytes (kernels take
 * up to 8200) is not lost in silence: its first 4095 bytes go to the
 * client, as the daemon's, and the truncation is counted. */
static void test_isotp_long_pdu(void)
{
	static uint8_t pdu[5000];
	struct serve s;
	struct serve_client *c;
	int peer, sv[2];

	serve_init(&s);
	c = client(&s, &peer);
	c->mode = SERVE_ISOTP;
	c->bus = 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	c->can = sv[0];
	memset(pdu, 0xab, sizeof(pdu));
	EXPECT(write(sv[1], pdu, sizeof(pdu)) == (ssize_t)sizeof(pdu));
	serve_isotp_readable(&s, c);
	EXPECT(c->n.frames_to_client == 1);
	EXPECT(c->n.pdu_truncated == 1);
	EXPECT(c->outlen == strlen("< pdu 0.000000 ") + (size_t)2 * 4095 + 2);
	close(sv[1]);
	serve_fini(&s);
	close(peer);
}

static int count_newlink(int fd)
{
	static char buf[65536];
	int k = 0;
	ssize_t n;

	for (;;) {
		const struct nlmsghdr *h = (const void *)buf;
		unsigned int len;

		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) { /* replies overflowed it */
			k += 1000;
			continue;
		}
		if (n <= 0)
			break;
		len = (unsigned int)n;

		for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
			k += h->nlmsg_type == RTM_NEWLINK;
	}
	return k;
}

/* L4: a storm of error frames asks rtnetlink once at a time, not once a
 * frame (a link dump each): one request outstanding at most. */
static void test_state_refresh_coalesced(void)
{
	struct serve s;
	struct serve_client *c;
	int peer, i;

	serve_init(&s);
	c = client(&s, &peer);
	ext_confirm(&s, c, 0);
	c->ext->features |= PROTO_EXT_F_STATE;
	c->ifindex = (int)if_nametoindex("lo");
	EXPECT(serve_ext_state_start(&s, c) == 0);
	for (i = 0; i < 100; i++)
		serve_ext_state_refresh(c);
	usleep(10000);
	i = count_newlink(c->ext->nl);
	EXPECT(i >= 1 && i <= 2);
	serve_fini(&s);
	close(peer);
}

/* L5: an idle peer that vanished (no FIN, no RST) is found out by TCP
 * keepalive in about a minute, not never. */
static void test_keepalive(void)
{
	struct serve s;
	socklen_t l = sizeof(int);
	int a, on = 0, idle = 0;

	serve_init(&s);
	s.lfd = listener();
	a = connect_to(s.lfd);
	accept_clients(&s);
	EXPECT(s.nclients == 1);
	getsockopt(s.clients->fd, SOL_SOCKET, SO_KEEPALIVE, &on, &l);
	getsockopt(s.clients->fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, &l);
	EXPECT(on == 1);
	EXPECT(idle > 0 && idle <= 60);
	serve_fini(&s);
	close(a);
}

/* L3: a client dribbling a long element a byte at a time: each byte is
 * looked at once (the scan resumes at c->inscan), and the element, and
 * the one behind it, still run as the daemon would run them. */
static void test_dribbled_element(void)
{
	static char text[6000];
	char buf[4096];
	struct serve s;
	struct serve_client *c;
	size_t i, n, looked = 0;
	int peer;

	serve_init(&s);
	c = client(&s, &peer);
	n = (size_t)snprintf(text, sizeof(text), "zz< ");
	memset(text + n, 'a', 5000);
	n += 5000;
	n += (size_t)snprintf(text + n, sizeof(text) - n, " >< echo >");
	for (i = 0; i < n; i++) {
		size_t before = c->inscan;

		EXPECT(write(peer, text + i, 1) == 1);
		serve_client_input(&s, c);
		if (c->inlen)
			looked += c->inlen - before;
		EXPECT(c->inscan == c->inlen);
	}
	EXPECT(c->inlen == 0 && c->inscan == 0);
	EXPECT(looked < n); /* linear: ~one look a byte, not n * n / 2 */
	drain(&s, c, peer, buf, sizeof(buf));
	/* NO_BUS knows neither: two elements, two answers */
	EXPECT(!strcmp(buf,
		       "< error unknown command >< error unknown command >"));
	EXPECT(c->mode == SERVE_NO_BUS && !c->end_reason);
	serve_fini(&s);
	close(peer);
}

/* M4a: a client on `confirm` with a RAW "CAN socket" (a datagram pair:
 * *bus is its far end, where the frames written arrive). */
static struct serve_client *confirm_client(struct serve *s, int *peer,
					   int *bus)
{
	struct serve_client *c = client(s, peer);
	int sv[2];

	ext_confirm(s, c, 0);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	c->can = sv[0];
	*bus = sv[1];
	return c;
}

/* The loop-back of one of the client's frames: id 123, one byte. */
static void loop_back(struct serve *s, struct serve_client *c, uint8_t byte,
		      long usec)
{
	struct canfd_frame f = { .can_id = 0x123, .len = 1 };
	struct timeval tv = { 7, usec };

	f.data[0] = byte;
	EXPECT(serve_ext_rx(s, c, &f, MSG_CONFIRM, &tv) == 1);
	serve_ext_rx_end(s, c, 1, 0);
}

/* M4a: a frame whose loop-back never comes (a driver that confirms
 * nothing, or the socket dropped it) fails `lost` at its deadline: its
 * write time, plus the bus time of the frames before it, plus 3 s. The
 * ordered confirmation does not stall behind it for ever. */
static void test_confirm_lost_deadline(void)
{
	char buf[4096];
	struct serve s;
	struct serve_client *c;
	uint64_t t0, next;
	int peer, bus;

	serve_init(&s);
	c = confirm_client(&s, &peer, &bus);
	c->bitrate = 500000;
	t0 = serve_now();
	serve_command(&s, c, "< send 123 1 01 >");
	serve_command(&s, c, "< send 123 1 02 >");
	serve_command(&s, c, "< send 123 1 03 >");
	loop_back(&s, c, 0x01, 1);
	next = next_deadline(&s);
	EXPECT(next != UINT64_MAX);
	EXPECT(next >= t0 + 3000000000ULL && next < t0 + 3500000000ULL);
	run_timers(&s, t0 + 2000000000ULL); /* not yet */
	drain(&s, c, peer, buf, sizeof(buf));
	EXPECT(!strcmp(buf, "< sent 1 7.000001 >"));
	run_timers(&s, t0 + 4000000000ULL);
	drain(&s, c, peer, buf, sizeof(buf));
	EXPECT(!strcmp(buf, "< failed 2 lost >"));
	EXPECT(next_deadline(&s) == UINT64_MAX);
	/* a late loop-back confirms nothing (it was given up for lost) */
	loop_back(&s, c, 0x02, 2);
	serve_command(&s, c, "< send 123 1 04 >");
	loop_back(&s, c, 0x04, 4);
	drain(&s, c, peer, buf, sizeof(buf));
	EXPECT(!strcmp(buf, "< sent 1 7.000004 >"));
	EXPECT(!c->end_reason);
	close(bus);
	serve_fini(&s);
	close(peer);
}

/* M4a: the CAN socket overflowed (SO_RXQ_OVFL went up): a loop-back was
 * dropped, so counting loop-backs would confirm the wrong frames. Each
 * loop-back then confirms the frame of its content; the frames before it
 * whose loop-back never came (one socket's loop-backs come in order) fail
 * `lost`, and only they. */
static void test_confirm_lost_overflow(void)
{
	char buf[4096];
	struct serve s;
	struct serve_client *c;
	int peer, bus;

	serve_init(&s);
	c = confirm_client(&s, &peer, &bus);
	serve_command(&s, c, "< send 123 1 01 >");
	serve_command(&s, c, "< send 123 1 02 >");
	serve_command(&s, c, "< send 123 1 03 >");
	serve_command(&s, c, "< send 123 1 04 >");
	loop_back(&s, c, 0x01, 1);
	serve_ext_overflow(&s, c); /* the loop-back of 02 was dropped */
	loop_back(&s, c, 0x03, 3);
	drain(&s, c, peer, buf, sizeof(buf));
	EXPECT(!strcmp(buf, "< sent 1 7.000001 >< failed 1 lost >< sent 1 7.000003 >"));
	loop_back(&s, c, 0x04, 4);
	drain(&s, c, peer, buf, sizeof(buf));
	EXPECT(!strcmp(buf, "< sent 1 7.000004 >"));
	EXPECT(next_deadline(&s) == UINT64_MAX);
	/* identical frames: the oldest of that content first */
	serve_command(&s, c, "< send 123 1 05 >");
	serve_command(&s, c, "< send 123 1 05 >");
	loop_back(&s, c, 0x05, 5);
	loop_back(&s, c, 0x05, 6);
	drain(&s, c, peer, buf, sizeof(buf));
	EXPECT(!strcmp(buf, "< sent 1 7.000005 >< sent 1 7.000006 >"));
	EXPECT(!c->end_reason);
	close(bus);
	serve_fini(&s);
	close(peer);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "serve_close_full_queue_waiting", test_close_full_queue_waiting },
	{ "serve_outcomes_held_while_full", test_outcomes_held_while_full },
	{ "serve_hangup_while_pending", test_hangup_while_pending },
	{ "serve_idle_clients", test_idle_clients },
	{ "serve_accept_emfile", test_accept_emfile },
	{ "serve_status_silent_peer", test_status_silent_peer },
	{ "serve_confirm_error_flag", test_confirm_error_flag },
	{ "serve_isotp_pending", test_isotp_pending },
	{ "serve_statistics_floor", test_statistics_floor },
	{ "serve_isotp_long_pdu", test_isotp_long_pdu },
	{ "serve_state_refresh_coalesced", test_state_refresh_coalesced },
	{ "serve_keepalive", test_keepalive },
	{ "serve_dribbled_element", test_dribbled_element },
	{ "serve_confirm_lost_deadline", test_confirm_lost_deadline },
	{ "serve_confirm_lost_overflow", test_confirm_lost_overflow },
};

int main(void)
{
	size_t i, n = sizeof(tests) / sizeof(tests[0]);
	int failed = 0;

	signal(SIGPIPE, SIG_IGN); /* as serve_run */
	log_init("serve_host", 0);
	printf("TAP version 13\n1..%zu\n", n);
	for (i = 0; i < n; i++) {
		failures = 0;
		tests[i].fn();
		printf("%sok %zu %s\n", failures ? "not " : "", i + 1,
		       tests[i].name);
		fflush(stdout);
		failed += failures != 0;
	}
	printf("# %zu passed, %d failed\n", n - (size_t)failed, failed);
	return failed ? 1 : 0;
}
