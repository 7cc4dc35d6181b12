// SPDX-License-Identifier: GPL-2.0
/*
 * rcan-nlfuzz: throw random and mutated generic netlink messages at the
 * "rcan" family for a bounded time while other threads create, attach,
 * detach and delete links and frames flow both ways, then check that the
 * kernel still answers a plain request.
 *
 *   rcan-nlfuzz [-t SECONDS] [-n MESSAGES] [-s SEED] [-g GRACE] [-a SECONDS]
 *               [-w PARTS]
 *     -a  seconds within which the kernel should answer a request (2).
 *         A later answer is counted and shown as late; a request still
 *         unanswered after LATE_FACTOR times that, with no overrun of
 *         its socket's queue to explain it, fails the run
 *     -g  seconds after the deadline before a still-blocked thread counts
 *         as a wedged kernel (60, and never less than the wait for a late
 *         answer: (LATE_FACTOR + 1) * -a + 10)
 *     -w  comma-separated subset of fuzz,lifecycle,injector,can,unpriv,
 *         userns (all), to narrow a finding down
 *
 * Who sends what:
 *   2 fuzz threads    privileged sockets: valid headers with random
 *                     attributes, truncated attributes, wrong types, huge
 *                     FRAMES batches, commands for links they do not own
 *   lifecycle thread  LINK_NEW/ATTACH/SET/DETACH/DEL and socket close on
 *                     its own links, from several sockets
 *   injector thread   owns a link, sends FRAMES_RX batches, answers the
 *                     FRAMES_TX it gets with TX_DONE/TX_FAIL
 *   CAN thread        raw CAN sockets sending on every link, reading all
 *   child process     the fuzz loop with every capability dropped
 *   child process     in its own user and network namespace, without any
 *                     capability outside it
 *                     (admin there): makes links and exits without cleanup
 *
 * Output: KTAP diagnostics ("# ...") with the number of messages sent and
 * every distinct (command, errno, extack message) outcome reached. Exit
 * status 0 when the kernel still serves a LINK_NEW/GET/DEL afterwards,
 * every thread finished and every request that is owed an answer got one
 * (or lost it to a reported overrun), 1 otherwise, 2 when fuzzing could not
 * start (no rcan family). Raw netlink on purpose: libnl would refuse to
 * build most of these messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/can.h>
#include <linux/can/raw.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rcan.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/rcan_testnl.h"

#define FUZZ_MAX_LINKS 64
#define MAX_OUTCOMES 2048
#define OUTCOME_LEN 200
#define LINK_PREFIX "rfz"

/* ---- small utilities ---- */

struct rng {
	uint64_t s;
};

static uint32_t rnd(struct rng *r)
{
	/* xorshift64*: fast, seedable, good enough to pick mutations */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (uint32_t)((r->s * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t rnd_below(struct rng *r, uint32_t n)
{
	return n ? rnd(r) % n : 0;
}

static bool chance(struct rng *r, uint32_t percent)
{
	return rnd_below(r, 100) < percent;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile sig_atomic_t stop;
static double deadline;
static unsigned long max_msgs;
static unsigned long msgs_sent; /* atomic: __atomic_* */
/*
 * A request that must be answered and was not, within answer_secs: with
 * no receive-queue overrun on its socket to explain it, that is a kernel
 * that dropped a request silently, and the run fails. An overrun
 * (ENOBUFS: FRAMES_TX filled the queue, and netlink drops whatever comes
 * next, an ack too) is counted apart.
 */
static unsigned long msgs_unanswered;
static unsigned long msgs_overrun_lost;
static unsigned long answer_secs = 2;
/*
 * A late answer is not a lost one. On a slow kernel (the debug one, where
 * LINK_DEL waits for RCU grace periods under rtnl while other threads
 * queue for rtnl too) an answer can take longer than answer_secs and
 * still come. Only a request unanswered after LATE_FACTOR * answer_secs
 * counts as dropped. The wedge check's grace is at least that long (plus
 * one more receive timeout), so a thread waiting for a late answer is not
 * taken for a wedged kernel.
 */
#define LATE_FACTOR 5
static unsigned long msgs_late;
static double slowest_answer; /* seconds; under outcomes_lock */
static unsigned long bitrates_set;
static uint16_t family;
static uint32_t events_group; /* 0: the family announced none */

static bool should_stop(void)
{
	if (stop || now() >= deadline)
		return true;
	return max_msgs &&
	       __atomic_load_n(&msgs_sent, __ATOMIC_RELAXED) >= max_msgs;
}

/* ---- the set of distinct outcomes ---- */

struct outcome {
	char key[OUTCOME_LEN];
	unsigned long count;
};

static struct outcome outcomes[MAX_OUTCOMES];
static unsigned int n_outcomes;
static pthread_mutex_t outcomes_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const cmd_names[] = {
	[RCAN_CMD_UNSPEC] = "UNSPEC",
	[RCAN_CMD_LINK_NEW] = "LINK_NEW",
	[RCAN_CMD_LINK_DEL] = "LINK_DEL",
	[RCAN_CMD_LINK_GET] = "LINK_GET",
	[RCAN_CMD_LINK_SET] = "LINK_SET",
	[RCAN_CMD_LINK_ATTACH] = "LINK_ATTACH",
	[RCAN_CMD_LINK_DETACH] = "LINK_DETACH",
	[RCAN_CMD_FRAMES_RX] = "FRAMES_RX",
	[RCAN_CMD_FRAMES_TX] = "FRAMES_TX",
	[RCAN_CMD_TX_DONE] = "TX_DONE",
	[RCAN_CMD_TX_FAIL] = "TX_FAIL",
	[RCAN_CMD_BITTIMING] = "BITTIMING",
	[RCAN_CMD_COALESCE] = "COALESCE",
};

static void outcome_add_key(const char *key, unsigned long count)
{
	unsigned int i;

	pthread_mutex_lock(&outcomes_lock);
	for (i = 0; i < n_outcomes; i++) {
		if (!strcmp(outcomes[i].key, key)) {
			outcomes[i].count += count;
			goto out;
		}
	}
	if (n_outcomes < MAX_OUTCOMES) {
		snprintf(outcomes[n_outcomes].key, OUTCOME_LEN, "%s", key);
		outcomes[n_outcomes].count = count;
		n_outcomes++;
	}
out:
	pthread_mutex_unlock(&outcomes_lock);
}

static void outcome_add(unsigned int cmd, bool dump, int err,
			const char *extack)
{
	char key[OUTCOME_LEN];
	char name[16];
	char msg[96];
	size_t i;

	if (cmd < sizeof(cmd_names) / sizeof(cmd_names[0]))
		snprintf(name, sizeof(name), "%s", cmd_names[cmd]);
	else
		/* one key for all undefined numbers: they share one path */
		snprintf(name, sizeof(name), "cmd>%d", RCAN_CMD_MAX);
	/* keep keys on one line and printable */
	snprintf(msg, sizeof(msg), "%s", extack);
	for (i = 0; msg[i]; i++) {
		if (msg[i] < 0x20 || msg[i] > 0x7e)
			msg[i] = '?';
	}
	snprintf(key, sizeof(key), "%s%s errno=%d (%s) extack=\"%s\"", name,
		 dump ? "/dump" : "", err, err ? strerror(err) : "ok", msg);
	outcome_add_key(key, 1);
}

/* ---- sockets ---- */

struct nlsock {
	struct tnl nl;
	/*
	 * Set by ENOBUFS; netlink reports an overrun once, then drops
	 * silently until the queue has been read empty, so the flag stays
	 * until a non-blocking peek finds it empty.
	 */
	bool congested;
};

/* Each thread reads its sockets one at a time, into its own buffer. */
static __thread unsigned char rx_buf[TNL_RX_MAX];

/* What came back for one request. */
struct reply {
	int err; /* positive errno, 0, or -1: no answer */
	char extack[96];
	uint32_t ifindex; /* from a LINK_NEW/LINK_GET reply */
	uint32_t dump_ifindex[FUZZ_MAX_LINKS];
	unsigned int n_dump;
};

static int nl_open(struct nlsock *s)
{
	struct timeval tv = { .tv_sec = (time_t)answer_secs };
	int one = 1;
	int size = 1 << 20;

	/* extack strings and a big receive buffer */
	if (tnl_socket(&s->nl, size))
		return -1;
	s->nl.seq = 1;
	s->congested = false;
	/* best effort: short acks, a big send buffer, no hangs */
	setsockopt(s->nl.fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(s->nl.fd, SOL_SOCKET, SO_SNDBUFFORCE, &size,
		       sizeof(size)))
		setsockopt(s->nl.fd, SOL_SOCKET, SO_SNDBUF, &size,
			   sizeof(size));
	setsockopt(s->nl.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

static void nl_close(struct nlsock *s)
{
	tnl_close(&s->nl);
}

/* Handler for messages that are not the answer we wait for (FRAMES_TX). */
typedef void (*stray_fn)(void *ctx, const struct nlmsghdr *nlh);

static uint32_t find_ifindex(const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[RCAN_ATTR_MAX + 1];

	tnl_parse_genl(nlh, tb, RCAN_ATTR_MAX);
	if (tb[RCAN_ATTR_IFINDEX] &&
	    tnl_attr_len(tb[RCAN_ATTR_IFINDEX]) >= (int)sizeof(uint32_t))
		return tnl_attr_u32(tb[RCAN_ATTR_IFINDEX]);
	return 0;
}

/* Once the queue has been read empty, netlink reports overruns again. */
static void note_drained(struct nlsock *s)
{
	char c;

	if (s->congested &&
	    recv(s->nl.fd, &c, sizeof(c), MSG_PEEK | MSG_DONTWAIT) < 0 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK))
		s->congested = false;
}

static unsigned int unanswered_shown;
static unsigned int late_shown;

/* An answer that came after answer_secs: counted, the first few shown. */
static void note_late(const struct nlsock *s, const struct tnl_msg *m,
		      double secs)
{
	const struct nlmsghdr *nlh = &m->nlh;
	const struct genlmsghdr *g = NLMSG_DATA(nlh);

	__atomic_fetch_add(&msgs_late, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&outcomes_lock);
	if (secs > slowest_answer)
		slowest_answer = secs;
	pthread_mutex_unlock(&outcomes_lock);
	if (__atomic_fetch_add(&late_shown, 1, __ATOMIC_RELAXED) >= 5)
		return;
	printf("# late answer after %.1f s: type %u flags 0x%x cmd %u, port %u\n",
	       secs, nlh->nlmsg_type, nlh->nlmsg_flags,
	       m->len >= NLMSG_HDRLEN + GENL_HDRLEN ? g->cmd : 0, s->nl.portid);
}

/* The first few silent drops are shown, for a lead to the code path. */
static void report_unanswered(const struct nlsock *s, const struct tnl_msg *m,
			      size_t send_len)
{
	const struct nlmsghdr *nlh = &m->nlh;
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	unsigned int shown;

	shown = __atomic_fetch_add(&unanswered_shown, 1, __ATOMIC_RELAXED);
	if (shown >= 5)
		return;
	printf("# no answer in %lu s: type %u flags 0x%x cmd %u, %zu bytes sent, port %u\n",
	       LATE_FACTOR * answer_secs, nlh->nlmsg_type, nlh->nlmsg_flags,
	       send_len >= NLMSG_HDRLEN + GENL_HDRLEN ? g->cmd : 0, send_len,
	       s->nl.portid);
}

/*
 * Send m; with wait, read until its ack, error or NLMSG_DONE, passing any
 * other message to stray. Returns -1 when the send itself failed. An
 * answer after answer_secs is late (note_late()); past LATE_FACTOR times
 * that, or past answer_secs on a socket that overran, it is given up.
 */
static int nl_talk(struct nlsock *s, struct tnl_msg *m, size_t send_len,
		   bool wait, struct reply *r, stray_fn stray, void *ctx)
{
	struct nlmsghdr *nlh = &m->nlh;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	uint32_t seq = s->nl.seq++;
	double sent_at = now();
	double on_time = sent_at + (double)answer_secs;
	double give_up = sent_at + (double)(LATE_FACTOR * answer_secs);

	memset(r, 0, sizeof(*r));
	r->err = -1;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 0;
	if (!nlh->nlmsg_len)
		nlh->nlmsg_len = (uint32_t)m->len;
	if (sendto(s->nl.fd, m->buf, send_len, 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0) {
		r->err = errno;
		return -1;
	}
	__atomic_fetch_add(&msgs_sent, 1, __ATOMIC_RELAXED);
	if (!wait)
		return 0;
	for (;;) {
		double t = now();
		const struct nlmsghdr *h;
		size_t left;
		ssize_t n;

		/* an overrun may have taken the answer: waiting on is moot */
		if (t >= give_up || (t >= on_time && s->congested))
			break;
		n = recv(s->nl.fd, rx_buf, TNL_RX_MAX, 0);

		if (n < 0) {
			if (errno == ENOBUFS) { /* FRAMES_TX overran us */
				s->congested = true;
				continue;
			}
			/* EAGAIN: SO_RCVTIMEO ran out; the clock decides */
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK)
				continue;
			break;
		}
		left = (size_t)n;
		for (h = (const struct nlmsghdr *)rx_buf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != seq) {
				if (stray)
					stray(ctx, h);
				continue;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				r->err = -e->error;
				tnl_extack(h, r->extack, sizeof(r->extack));
				break;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				r->err = 0;
				break;
			}
			if (h->nlmsg_type == family) {
				r->ifindex = find_ifindex(h);
				if (r->n_dump < FUZZ_MAX_LINKS && r->ifindex)
					r->dump_ifindex[r->n_dump++] =
						r->ifindex;
			}
		}
		if (r->err >= 0) { /* answered */
			t = now() - sent_at;
			if (t > (double)answer_secs)
				note_late(s, m, t);
			note_drained(s);
			return 0;
		}
	}
	/* congested: an overrun was reported before or during this wait */
	if (s->congested) {
		__atomic_fetch_add(&msgs_overrun_lost, 1, __ATOMIC_RELAXED);
	} else {
		__atomic_fetch_add(&msgs_unanswered, 1, __ATOMIC_RELAXED);
		report_unanswered(s, m, send_len);
	}
	note_drained(s);
	return 0;
}

static int resolve_family(void)
{
	struct tnl n;

	if (tnl_open(&n))
		return -1;
	events_group = n.mcgrp;
	tnl_close(&n);
	return n.family;
}

/* ---- the links other threads play with ---- */

static uint32_t links[FUZZ_MAX_LINKS];
static unsigned int n_links;
static pthread_mutex_t links_lock = PTHREAD_MUTEX_INITIALIZER;

static void link_add(uint32_t ifindex)
{
	pthread_mutex_lock(&links_lock);
	if (ifindex && n_links < FUZZ_MAX_LINKS)
		links[n_links++] = ifindex;
	pthread_mutex_unlock(&links_lock);
}

static void link_forget(uint32_t ifindex)
{
	unsigned int i;

	pthread_mutex_lock(&links_lock);
	for (i = 0; i < n_links; i++) {
		if (links[i] == ifindex) {
			links[i] = links[--n_links];
			break;
		}
	}
	pthread_mutex_unlock(&links_lock);
}

/* A link some thread made (maybe gone by now), or any number. */
static uint32_t some_ifindex(struct rng *r)
{
	uint32_t v = 0;

	pthread_mutex_lock(&links_lock);
	if (n_links && !chance(r, 15))
		v = links[rnd_below(r, n_links)];
	pthread_mutex_unlock(&links_lock);
	if (v)
		return v;
	switch (rnd_below(r, 4)) {
	case 0:
		return 1; /* lo: exists, not ours */
	case 1:
		return 0;
	case 2:
		return rnd(r);
	default:
		return 1 + rnd_below(r, 200);
	}
}

static void set_up(uint32_t ifindex, bool up)
{
	char name[IF_NAMESIZE];

	if (if_indextoname(ifindex, name))
		tnl_if_set_up(name, up);
}

/* ---- message generators ---- */

static const uint8_t fd_lens[] = { 0, 1,  2,  3,  4,  5,  6,  7,
				   8, 12, 16, 20, 24, 32, 48, 64 };

/* One RCAN_ATTR_FRAME entry: mostly valid, sometimes subtly not. */
static void put_frame(struct tnl_msg *m, struct rng *r, bool fd_link, bool evil)
{
	struct nlattr *f = tnl_nest_start(m, RCAN_ATTR_FRAME);
	uint8_t data[72];
	uint32_t id, flags = 0;
	size_t len;
	unsigned int i;

	if (!f)
		return;
	if (chance(r, 30))
		id = (rnd(r) & CAN_EFF_MASK) | CAN_EFF_FLAG;
	else
		id = rnd(r) & CAN_SFF_MASK;
	if (chance(r, 5))
		id |= CAN_RTR_FLAG;
	if (chance(r, 3))
		id |= CAN_ERR_FLAG;
	if (evil && chance(r, 20))
		id = rnd(r);
	tnl_put_u32(m, RCAN_FRAME_ID, id);
	if (fd_link && chance(r, 40)) {
		flags = RCAN_FRAME_F_FD;
		if (chance(r, 50))
			flags |= RCAN_FRAME_F_BRS;
		if (chance(r, 10))
			flags |= RCAN_FRAME_F_ESI;
	}
	if (evil && chance(r, 20))
		flags = rnd(r);
	if (flags || chance(r, 10))
		tnl_put_u32(m, RCAN_FRAME_FLAGS, flags);
	if (flags & RCAN_FRAME_F_FD)
		len = fd_lens[rnd_below(r, sizeof(fd_lens))];
	else
		len = rnd_below(r, 9);
	if (evil && chance(r, 20))
		len = rnd_below(r, sizeof(data));
	for (i = 0; i < len; i++)
		data[i] = (uint8_t)rnd(r);
	if ((id & CAN_RTR_FLAG) && !(evil && chance(r, 30)))
		tnl_put_u8(m, RCAN_FRAME_LEN,
			   (uint8_t)rnd_below(r, evil ? 256 : 9));
	else
		tnl_put(m, RCAN_FRAME_DATA, data, len);
	if (chance(r, 50))
		tnl_put_u64(m, RCAN_FRAME_TSTAMP, (uint64_t)rnd(r) << 20);
	if (evil && chance(r, 10))
		tnl_put_u32(m, RCAN_FRAME_SEQ, rnd(r));
	if (evil && chance(r, 10))
		tnl_put_u16(m, RCAN_FRAME_ID, (uint16_t)rnd(r)); /* short */
	tnl_nest_end(m, f);
}

static void put_frames(struct tnl_msg *m, struct rng *r, unsigned int n,
		       bool fd_link, bool evil)
{
	struct nlattr *nest = tnl_nest_start(m, RCAN_ATTR_FRAMES);
	unsigned int i;

	for (i = 0; i < n && m->len + 128 < TNL_MSG_MAX; i++) {
		if (evil && chance(r, 3))
			tnl_put_u32(m, (uint16_t)rnd_below(r, 4), rnd(r));
		else
			put_frame(m, r, fd_link, evil);
	}
	tnl_nest_end(m, nest);
}

static void random_name(struct rng *r, char *name, size_t size)
{
	static const char chars[] = "abcxyz019%d/ .:-_";
	size_t i, len;

	switch (rnd_below(r, 5)) {
	case 0:
		snprintf(name, size, LINK_PREFIX "f%%d");
		return;
	case 1:
		snprintf(name, size, LINK_PREFIX "f%u", rnd_below(r, 8));
		return;
	default:
		len = rnd_below(r, (uint32_t)size);
		for (i = 0; i < len; i++)
			name[i] = chars[rnd_below(r, sizeof(chars) - 1)];
		name[len] = 0;
	}
}

/* An attribute of the given type with a random, often wrong, payload. */
static void put_random_attr(struct tnl_msg *m, struct rng *r, uint16_t type)
{
	uint8_t data[300];
	size_t len;
	size_t i;

	switch (rnd_below(r, 6)) {
	case 0:
		len = 0;
		break;
	case 1:
		len = 1 + rnd_below(r, 8);
		break;
	case 2:
		len = 4;
		break;
	case 3:
		len = rnd_below(r, sizeof(data));
		break;
	case 4:
		len = 8;
		break;
	default:
		len = 2;
	}
	for (i = 0; i < len; i++)
		data[i] = (uint8_t)rnd(r);
	if (chance(r, 10))
		type |= NLA_F_NESTED;
	if (chance(r, 3))
		type |= NLA_F_NET_BYTEORDER;
	tnl_put(m, type, data, len);
}

/* Plausible attributes for cmd, with random values. */
static void put_plausible(struct tnl_msg *m, struct rng *r, uint8_t cmd)
{
	char name[IFNAMSIZ + 8];

	switch (cmd) {
	case RCAN_CMD_LINK_NEW:
		if (chance(r, 80)) {
			random_name(r, name, sizeof(name));
			tnl_put_str(m, RCAN_ATTR_IFNAME, name);
		}
		if (chance(r, 50))
			tnl_put_u32(m, RCAN_ATTR_LINK_FLAGS,
				    chance(r, 80) ? rnd_below(r, 4) : rnd(r));
		if (chance(r, 50))
			tnl_put(m, RCAN_ATTR_ATTACH, NULL, 0);
		if (chance(r, 30))
			tnl_put_u32(m, RCAN_ATTR_TX_WINDOW,
				    chance(r, 70) ? rnd_below(r, 1100) :
						    rnd(r));
		if (chance(r, 20)) {
			char remote[300];

			memset(remote, 'r', sizeof(remote) - 1);
			remote[rnd_below(r, sizeof(remote))] = 0;
			tnl_put_str(m, RCAN_ATTR_REMOTE, remote);
		}
		break;
	case RCAN_CMD_LINK_SET:
		tnl_put_u32(m, RCAN_ATTR_IFINDEX, some_ifindex(r));
		if (chance(r, 60))
			tnl_put_u8(m, RCAN_ATTR_CONNECTED,
				   (uint8_t)rnd_below(r, 3));
		if (chance(r, 40)) {
			tnl_put_u32(m, RCAN_ATTR_CAN_STATE, rnd_below(r, 8));
			tnl_put_u16(m, RCAN_ATTR_TXERR,
				    (uint16_t)rnd_below(r, 300));
			tnl_put_u16(m, RCAN_ATTR_RXERR,
				    (uint16_t)rnd_below(r, 300));
		}
		if (chance(r, 30))
			tnl_put_str(m, RCAN_ATTR_REMOTE,
				    "can://10.0.0.5:29536/can0");
		break;
	case RCAN_CMD_FRAMES_RX:
		tnl_put_u32(m, RCAN_ATTR_IFINDEX, some_ifindex(r));
		put_frames(m, r, chance(r, 10) ? 2000 : rnd_below(r, 40),
			   chance(r, 50), chance(r, 50));
		break;
	case RCAN_CMD_TX_DONE:
	case RCAN_CMD_TX_FAIL:
		tnl_put_u32(m, RCAN_ATTR_IFINDEX, some_ifindex(r));
		if (chance(r, 60))
			tnl_put_u32(m, RCAN_ATTR_SEQ,
				    rnd_below(r, 3) ? rnd_below(r, 100) :
						      rnd(r));
		if (cmd == RCAN_CMD_TX_FAIL && chance(r, 50))
			tnl_put_u32(m, RCAN_ATTR_ERRNO, rnd_below(r, 200));
		break;
	default:
		if (chance(r, 85))
			tnl_put_u32(m, RCAN_ATTR_IFINDEX, some_ifindex(r));
		break;
	}
}

enum mutation {
	MUT_PLAUSIBLE, /* right attributes, random values */
	MUT_RANDOM_ATTRS, /* any attribute type, any payload */
	MUT_WRONG_TYPES, /* known attributes with the wrong length */
	MUT_TRUNCATE_ATTR, /* an attribute longer than the message */
	MUT_TRUNCATE_MSG, /* nlmsg_len or the datagram cut short */
	MUT_HUGE_FRAMES, /* FRAMES_RX with thousands of entries */
	MUT_BAD_HEADER, /* version, flags, or a command out of range */
	MUT_COUNT
};

/*
 * Build one fuzz message in m. Returns the number of bytes to send, which
 * is m->len unless the mutation cuts the datagram.
 */
static size_t make_fuzz(struct tnl_msg *m, struct rng *r, uint8_t *cmd_out,
			bool *dump_out, bool *ack_out)
{
	enum mutation mut = (enum mutation)rnd_below(r, MUT_COUNT);
	uint16_t flags = NLM_F_REQUEST;
	uint8_t cmd = (uint8_t)(1 + rnd_below(r, RCAN_CMD_MAX));
	uint8_t version = RCAN_GENL_VERSION;
	size_t send_len;
	unsigned int i, n;

	*ack_out = !chance(r, 5);
	if (*ack_out)
		flags |= NLM_F_ACK;
	*dump_out = chance(r, cmd == RCAN_CMD_LINK_GET ? 50 : 3);
	if (*dump_out)
		flags |= NLM_F_DUMP;
	if (mut == MUT_BAD_HEADER) {
		switch (rnd_below(r, 4)) {
		case 0:
			cmd = (uint8_t)rnd(r);
			break;
		case 1:
			version = (uint8_t)rnd(r);
			break;
		case 2:
			flags |= (uint16_t)(rnd(r) & 0x0f00);
			break;
		default:
			cmd = 0;
		}
	}
	if (mut == MUT_HUGE_FRAMES)
		cmd = RCAN_CMD_FRAMES_RX;
	tnl_msg_init(m, family, flags, cmd, version);

	switch (mut) {
	case MUT_RANDOM_ATTRS:
		n = rnd_below(r, 12);
		for (i = 0; i < n; i++)
			put_random_attr(m, r,
					(uint16_t)rnd_below(r,
							    RCAN_ATTR_MAX + 4));
		break;
	case MUT_WRONG_TYPES:
		put_plausible(m, r, cmd);
		n = 1 + rnd_below(r, 4);
		for (i = 0; i < n; i++)
			put_random_attr(
				m, r,
				(uint16_t)(1 + rnd_below(r, RCAN_ATTR_MAX)));
		break;
	case MUT_HUGE_FRAMES:
		tnl_put_u32(m, RCAN_ATTR_IFINDEX, some_ifindex(r));
		put_frames(m, r, 1000 + rnd_below(r, 4000), chance(r, 50),
			   chance(r, 30));
		break;
	default:
		put_plausible(m, r, cmd);
		break;
	}
	send_len = m->len;

	if (mut == MUT_TRUNCATE_ATTR && m->len > NLMSG_HDRLEN + GENL_HDRLEN) {
		/* grow the first attribute's length past the end */
		struct nlattr *a =
			(struct nlattr *)(m->buf + NLMSG_HDRLEN + GENL_HDRLEN);

		a->nla_len = (uint16_t)(a->nla_len + 1 + rnd_below(r, 64));
		if (chance(r, 30))
			a->nla_len = (uint16_t)rnd_below(r, NLA_HDRLEN);
	} else if (mut == MUT_TRUNCATE_MSG) {
		size_t cut = rnd_below(r, (uint32_t)m->len + 1);

		if (chance(r, 50))
			m->nlh.nlmsg_len = (uint32_t)cut;
		else
			send_len = cut; /* header still claims the whole */
	}
	*cmd_out = cmd;
	return send_len;
}

/* ---- threads ---- */

struct worker {
	pthread_t thread;
	unsigned int id;
	uint64_t seed;
	bool done;
};

static void drain_stray(void *ctx, const struct nlmsghdr *nlh)
{
	(void)ctx;
	(void)nlh;
}

/* The fuzz loop: also run by the unprivileged child. */
static void fuzz_loop(uint64_t seed)
{
	struct rng r = { .s = seed | 1 };
	struct nlsock socks[3] = { { .nl.fd = -1 },
				   { .nl.fd = -1 },
				   { .nl.fd = -1 } };
	struct tnl_msg *m = malloc(sizeof(*m));
	struct reply rep;
	unsigned int i;

	if (!m)
		return;
	for (i = 0; i < 3; i++)
		nl_open(&socks[i]);
	while (!should_stop()) {
		struct nlsock *s = &socks[rnd_below(&r, 3)];
		uint8_t cmd;
		bool dump, ack;
		size_t len;

		if (s->nl.fd < 0 || chance(&r, 1)) {
			/* closing a socket detaches whatever it owned */
			nl_close(s);
			if (nl_open(s))
				continue;
		}
		len = make_fuzz(m, &r, &cmd, &dump, &ack);
		/*
		 * netlink_rcv_skb() drops a message whose length field is
		 * shorter than a header or longer than the datagram without
		 * an answer: do not wait for one.
		 */
		if (len < NLMSG_HDRLEN || m->nlh.nlmsg_len < NLMSG_HDRLEN ||
		    m->nlh.nlmsg_len > len) {
			if (nl_talk(s, m, len, false, &rep, NULL, NULL) == 0)
				outcome_add(
					cmd, dump, 0,
					"(bad nlmsg_len: dropped unanswered)");
			continue;
		}
		if (nl_talk(s, m, len, ack, &rep, drain_stray, NULL) < 0) {
			outcome_add(cmd, dump, rep.err, "(send failed)");
			continue;
		}
		if (!ack)
			continue;
		if (rep.err < 0)
			outcome_add(cmd, dump, 0, "(no answer)");
		else
			outcome_add(cmd, dump, rep.err, rep.extack);
		if (cmd == RCAN_CMD_LINK_NEW && !rep.err && rep.ifindex) {
			link_add(rep.ifindex);
			set_up(rep.ifindex, true);
		}
	}
	for (i = 0; i < 3; i++)
		nl_close(&socks[i]);
	free(m);
}

static void *fuzz_thread(void *arg)
{
	struct worker *w = arg;

	fuzz_loop(w->seed);
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* Send a simple command; records its outcome; returns the reply's errno. */
static int simple(struct nlsock *s, struct tnl_msg *m, uint8_t cmd,
		  uint32_t ifindex, struct reply *rep)
{
	tnl_msg_init(m, family, NLM_F_REQUEST | NLM_F_ACK, cmd,
		     RCAN_GENL_VERSION);
	if (ifindex)
		tnl_put_u32(m, RCAN_ATTR_IFINDEX, ifindex);
	if (nl_talk(s, m, m->len, true, rep, drain_stray, NULL) < 0)
		return rep->err;
	outcome_add(cmd, false, rep->err < 0 ? 0 : rep->err,
		    rep->err < 0 ? "(no answer)" : rep->extack);
	return rep->err;
}

static uint32_t link_new(struct nlsock *s, struct tnl_msg *m, struct rng *r,
			 const char *name, uint32_t flags, bool attach)
{
	struct reply rep;

	tnl_msg_init(m, family, NLM_F_REQUEST | NLM_F_ACK, RCAN_CMD_LINK_NEW,
		     RCAN_GENL_VERSION);
	tnl_put_str(m, RCAN_ATTR_IFNAME, name);
	tnl_put_u32(m, RCAN_ATTR_LINK_FLAGS, flags);
	if (attach)
		tnl_put(m, RCAN_ATTR_ATTACH, NULL, 0);
	if (chance(r, 50))
		tnl_put_u32(m, RCAN_ATTR_TX_WINDOW, 1 + rnd_below(r, 128));
	if (nl_talk(s, m, m->len, true, &rep, drain_stray, NULL) < 0)
		return 0;
	outcome_add(RCAN_CMD_LINK_NEW, false, rep.err < 0 ? 0 : rep.err,
		    rep.err < 0 ? "(no answer)" : rep.extack);
	return rep.err ? 0 : rep.ifindex;
}

static void set_connected(struct nlsock *s, struct tnl_msg *m, uint32_t ifindex,
			  uint8_t up)
{
	struct reply rep;

	tnl_msg_init(m, family, NLM_F_REQUEST | NLM_F_ACK, RCAN_CMD_LINK_SET,
		     RCAN_GENL_VERSION);
	tnl_put_u32(m, RCAN_ATTR_IFINDEX, ifindex);
	tnl_put_u8(m, RCAN_ATTR_CONNECTED, up);
	if (nl_talk(s, m, m->len, true, &rep, drain_stray, NULL) == 0)
		outcome_add(RCAN_CMD_LINK_SET, false, rep.err < 0 ? 0 : rep.err,
			    rep.err < 0 ? "(no answer)" : rep.extack);
}

static void *lifecycle_thread(void *arg)
{
	struct worker *w = arg;
	struct rng r = { .s = w->seed | 1 };
	struct nlsock a = { .nl.fd = -1 }, b = { .nl.fd = -1 };
	struct tnl_msg *m = malloc(sizeof(*m));
	struct reply rep;
	char name[IFNAMSIZ];
	unsigned int round = 0;

	if (!m || nl_open(&a) || nl_open(&b))
		goto out;
	/* b listens to the events, and reads them only now and then */
	if (events_group)
		setsockopt(b.nl.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			   &events_group, sizeof(events_group));
	while (!should_stop()) {
		uint32_t flags = rnd_below(&r, 4); /* FD, REMOVE_ON_DETACH */
		uint32_t ifindex;

		snprintf(name, sizeof(name), LINK_PREFIX "l%u", round++ % 4);
		ifindex = link_new(&a, m, &r, name, flags, chance(&r, 70));
		if (!ifindex) {
			/* a reply lost to a full socket leaves the name taken */
			ifindex = if_nametoindex(name);
			if (ifindex)
				simple(&b, m, RCAN_CMD_LINK_DEL, ifindex, &rep);
			usleep(1000);
			continue;
		}
		link_add(ifindex);
		if (chance(&r, 30)) {
			/* announced to the helper as a BITTIMING event */
			char cmd[96];

			snprintf(
				cmd, sizeof(cmd),
				"ip link set %s type can bitrate %u >/dev/null 2>&1",
				name, chance(&r, 50) ? 500000U : 125000U);
			if (system(cmd) == 0)
				__atomic_fetch_add(&bitrates_set, 1,
						   __ATOMIC_RELAXED);
		}
		set_up(ifindex, true);
		set_connected(&a, m, ifindex, 1);
		usleep(rnd_below(&r, 3000));
		/* b takes over, gives up, a takes it back */
		simple(&b, m, RCAN_CMD_LINK_ATTACH, ifindex, &rep);
		simple(&b, m, RCAN_CMD_LINK_GET, ifindex, &rep);
		if (chance(&r, 50))
			simple(&b, m, RCAN_CMD_LINK_DETACH, ifindex, &rep);
		simple(&a, m, RCAN_CMD_LINK_ATTACH, ifindex, &rep);
		set_connected(&a, m, ifindex, 1);
		usleep(rnd_below(&r, 3000));
		switch (rnd_below(&r, 3)) {
		case 0:
			simple(&a, m, RCAN_CMD_LINK_DEL, ifindex, &rep);
			break;
		case 1:
			/* the owner goes away: detach (and delete if flagged) */
			nl_close(&a);
			nl_open(&a);
			if (!(flags & RCAN_LINK_F_REMOVE_ON_DETACH))
				simple(&b, m, RCAN_CMD_LINK_DEL, ifindex, &rep);
			break;
		default:
			set_up(ifindex, false);
			simple(&a, m, RCAN_CMD_LINK_DETACH, ifindex, &rep);
			simple(&b, m, RCAN_CMD_LINK_DEL, ifindex, &rep);
		}
		link_forget(ifindex);
	}
out:
	nl_close(&a);
	nl_close(&b);
	free(m);
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* The injector's view of FRAMES_TX: the sequence numbers to confirm. */
struct tx_seen {
	uint32_t last_seq;
	unsigned long frames;
};

static void collect_tx(void *ctx, const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[RCAN_ATTR_MAX + 1], *ft[RCAN_FRAME_MAX + 1];
	const struct nlattr *frames, *f;
	struct tx_seen *t = ctx;
	int rem;

	if (nlh->nlmsg_type != family)
		return;
	tnl_parse_genl(nlh, tb, RCAN_ATTR_MAX);
	frames = tb[RCAN_ATTR_FRAMES];
	if (!frames)
		return;
	/* FRAMES -> FRAME -> SEQ */
	for (f = tnl_attr_data(frames), rem = tnl_attr_len(frames);
	     tnl_attr_ok(f, rem); f = tnl_attr_next(f, &rem)) {
		tnl_parse_nested(f, ft, RCAN_FRAME_MAX);
		if (ft[RCAN_FRAME_SEQ] &&
		    tnl_attr_len(ft[RCAN_FRAME_SEQ]) >= (int)sizeof(uint32_t)) {
			t->last_seq = tnl_attr_u32(ft[RCAN_FRAME_SEQ]);
			t->frames++;
		}
	}
}

static unsigned long injected_frames;
static unsigned long tx_frames_seen;

static void *injector_thread(void *arg)
{
	struct worker *w = arg;
	struct rng r = { .s = w->seed | 1 };
	struct nlsock s = { .nl.fd = -1 };
	struct tnl_msg *m = malloc(sizeof(*m));
	struct tx_seen tx = { 0 };
	struct reply rep;
	uint32_t ifindex = 0;
	uint32_t flags = 0;
	unsigned int i, n;

	if (!m || nl_open(&s))
		goto out;
	while (!should_stop()) {
		if (!ifindex || chance(&r, 1)) {
			if (ifindex) {
				simple(&s, m, RCAN_CMD_LINK_DEL, ifindex, &rep);
				link_forget(ifindex);
			}
			flags = chance(&r, 50) ? RCAN_LINK_F_FD : 0;
			ifindex = link_new(&s, m, &r, LINK_PREFIX "i%d", flags,
					   true);
			if (!ifindex) {
				usleep(10000);
				continue;
			}
			link_add(ifindex);
			set_up(ifindex, true);
			set_connected(&s, m, ifindex, 1);
		}
		/* frames from the "remote bus" */
		tnl_msg_init(m, family, NLM_F_REQUEST | NLM_F_ACK,
			     RCAN_CMD_FRAMES_RX, RCAN_GENL_VERSION);
		tnl_put_u32(m, RCAN_ATTR_IFINDEX, ifindex);
		n = 1 + rnd_below(&r, chance(&r, 5) ? 500 : 16);
		put_frames(m, &r, n, flags & RCAN_LINK_F_FD, false);
		if (nl_talk(&s, m, m->len, true, &rep, collect_tx, &tx) == 0) {
			outcome_add(RCAN_CMD_FRAMES_RX, false,
				    rep.err < 0 ? 0 : rep.err,
				    rep.err < 0 ? "(no answer)" : rep.extack);
			if (!rep.err)
				injected_frames += n;
		}
		/* confirm (or fail) what local senders queued */
		if (tx.frames) {
			i = rnd_below(&r, 10);
			tnl_msg_init(m, family, NLM_F_REQUEST | NLM_F_ACK,
				     i < 7 ? RCAN_CMD_TX_DONE :
					     RCAN_CMD_TX_FAIL,
				     RCAN_GENL_VERSION);
			tnl_put_u32(m, RCAN_ATTR_IFINDEX, ifindex);
			tnl_put_u32(m, RCAN_ATTR_SEQ,
				    i < 8 ? tx.last_seq :
					    tx.last_seq - rnd_below(&r, 8));
			if (i >= 7)
				tnl_put_u32(m, RCAN_ATTR_ERRNO, ENETDOWN);
			if (nl_talk(&s, m, m->len, true, &rep, collect_tx,
				    &tx) == 0)
				outcome_add(i < 7 ? RCAN_CMD_TX_DONE :
						    RCAN_CMD_TX_FAIL,
					    false, rep.err < 0 ? 0 : rep.err,
					    rep.err < 0 ? "(no answer)" :
							  rep.extack);
			tx_frames_seen += tx.frames;
			tx.frames = 0;
		}
	}
	if (ifindex) {
		simple(&s, m, RCAN_CMD_LINK_DEL, ifindex, &rep);
		link_forget(ifindex);
	}
out:
	nl_close(&s);
	free(m);
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static unsigned long can_sent, can_received;

static void *can_thread(void *arg)
{
	struct worker *w = arg;
	struct rng r = { .s = w->seed | 1 };
	int tx = socket(PF_CAN, SOCK_RAW | SOCK_CLOEXEC, CAN_RAW);
	int rx = socket(PF_CAN, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			CAN_RAW);
	struct sockaddr_can addr = { .can_family = AF_CAN };
	int one = 1;

	if (tx < 0 || rx < 0)
		goto out;
	setsockopt(tx, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &one, sizeof(one));
	setsockopt(rx, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &one, sizeof(one));
	addr.can_ifindex = 0; /* every CAN interface */
	if (bind(rx, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		goto out;
	while (!should_stop()) {
		struct canfd_frame f;
		unsigned int i, n = 1 + rnd_below(&r, 32);
		uint32_t ifindex = 0;

		pthread_mutex_lock(&links_lock);
		if (n_links)
			ifindex = links[rnd_below(&r, n_links)];
		pthread_mutex_unlock(&links_lock);
		if (!ifindex) {
			usleep(2000);
			continue;
		}
		addr.can_ifindex = (int)ifindex;
		for (i = 0; i < n; i++) {
			bool fd = chance(&r, 30);

			memset(&f, 0, sizeof(f));
			f.can_id = rnd(&r) & CAN_SFF_MASK;
			f.len = (uint8_t)(fd ? fd_lens[rnd_below(
						       &r, sizeof(fd_lens))] :
					       rnd_below(&r, 9));
			if (sendto(tx, &f, fd ? CANFD_MTU : CAN_MTU,
				   MSG_DONTWAIT, (struct sockaddr *)&addr,
				   sizeof(addr)) > 0)
				can_sent++;
		}
		while (recv(rx, &f, sizeof(f), MSG_DONTWAIT) > 0)
			can_received++;
		usleep(rnd_below(&r, 1000));
	}
out:
	if (tx >= 0)
		close(tx);
	if (rx >= 0)
		close(rx);
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* ---- child processes ---- */

/*
 * Run fuzz_loop in a child that gave up every capability (uid/gid
 * nobody), optionally in its own user and network namespace, where it is
 * an admin again. Its outcomes come back as lines on a pipe.
 */
static pid_t spawn_child(uint64_t seed, bool own_netns, int *pipe_out)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		*pipe_out = p[0];
		return pid;
	}
	close(p[0]);
	/*
	 * Root making a user namespace keeps no capability outside it:
	 * the child is admin of its new network namespace only, as an
	 * unprivileged user would be (and this works whatever
	 * kernel.unprivileged_userns_clone says).
	 */
	if (own_netns && unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
		dprintf(p[1], "!unshare(user, net) failed: %s\n",
			strerror(errno));
		_exit(1);
	}
	if (!own_netns &&
	    (setgroups(0, NULL) || setgid(65534) || setuid(65534))) {
		dprintf(p[1], "!setuid failed: %s\n", strerror(errno));
		_exit(1);
	}
	n_outcomes = 0;
	fuzz_loop(seed);
	/* links made here die with the namespace: nothing is deleted */
	for (unsigned int i = 0; i < n_outcomes; i++)
		dprintf(p[1], "%lu %s\n", outcomes[i].count, outcomes[i].key);
	dprintf(p[1], "=%lu %lu %lu %lu %.3f\n",
		__atomic_load_n(&msgs_sent, __ATOMIC_RELAXED),
		__atomic_load_n(&msgs_unanswered, __ATOMIC_RELAXED),
		__atomic_load_n(&msgs_overrun_lost, __ATOMIC_RELAXED),
		__atomic_load_n(&msgs_late, __ATOMIC_RELAXED), slowest_answer);
	_exit(0);
}

static unsigned long child_msgs[2];

/* A child's report, read while it runs so a full pipe never blocks it. */
struct kid {
	pid_t pid;
	int fd;
	char *buf;
	size_t len;
	bool eof, exited;
};

#define KID_BUF (1024 * 1024UL)

static void kid_poll(struct kid *k)
{
	ssize_t n;
	int status;

	while (k->fd >= 0 && !k->eof && k->len < KID_BUF - 1) {
		n = read(k->fd, k->buf + k->len, KID_BUF - 1 - k->len);
		if (n > 0) {
			k->len += (size_t)n;
			continue;
		}
		if (n == 0)
			k->eof = true;
		break;
	}
	if (k->pid > 0 && !k->exited && waitpid(k->pid, &status, WNOHANG) > 0)
		k->exited = true;
}

static void kid_report(struct kid *k, unsigned int which, const char *who)
{
	char *line, *next, *key;
	unsigned long count;
	double slowest;

	if (!k->buf)
		return;
	k->buf[k->len] = 0;
	for (line = k->buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (line[0] == '!') {
			printf("# %s: %s\n", who, line + 1);
			continue;
		}
		if (line[0] == '=') {
			child_msgs[which] = strtoul(line + 1, &key, 10);
			msgs_unanswered += strtoul(key, &key, 10);
			msgs_overrun_lost += strtoul(key, &key, 10);
			msgs_late += strtoul(key, &key, 10);
			slowest = strtod(key, NULL);
			if (slowest > slowest_answer)
				slowest_answer = slowest;
			continue;
		}
		count = strtoul(line, &key, 10);
		if (*key == ' ')
			outcome_add_key(key + 1, count);
	}
}

/* ---- the end: is the kernel still fine? ---- */

static void cleanup_links(struct nlsock *s, struct tnl_msg *m)
{
	struct reply rep;
	unsigned int i;

	tnl_msg_init(m, family, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
		     RCAN_CMD_LINK_GET, RCAN_GENL_VERSION);
	if (nl_talk(s, m, m->len, true, &rep, NULL, NULL) < 0)
		return;
	{
		struct reply del;
		uint32_t todo[FUZZ_MAX_LINKS];
		unsigned int n = rep.n_dump;

		memcpy(todo, rep.dump_ifindex, n * sizeof(todo[0]));
		for (i = 0; i < n; i++)
			simple(s, m, RCAN_CMD_LINK_DEL, todo[i], &del);
	}
}

static bool health_check(void)
{
	struct nlsock s = { .nl.fd = -1 };
	struct tnl_msg *m = malloc(sizeof(*m));
	struct rng r = { .s = 42 };
	struct reply rep;
	uint32_t ifindex;
	bool ok = false;

	if (!m || nl_open(&s)) {
		printf("# health: cannot open a netlink socket\n");
		goto out;
	}
	cleanup_links(&s, m);
	ifindex = link_new(&s, m, &r, LINK_PREFIX "check%d", 0, true);
	if (!ifindex) {
		printf("# health: LINK_NEW failed\n");
		goto out;
	}
	if (simple(&s, m, RCAN_CMD_LINK_GET, ifindex, &rep)) {
		printf("# health: LINK_GET %u -> %d\n", ifindex, rep.err);
		goto out;
	}
	if (simple(&s, m, RCAN_CMD_LINK_DEL, ifindex, &rep)) {
		printf("# health: LINK_DEL %u -> %d\n", ifindex, rep.err);
		goto out;
	}
	cleanup_links(&s, m);
	ok = true;
out:
	nl_close(&s);
	free(m);
	return ok;
}

static int cmp_outcome(const void *a, const void *b)
{
	return strcmp(((const struct outcome *)a)->key,
		      ((const struct outcome *)b)->key);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-t SECONDS] [-n MESSAGES] [-s SEED] [-g GRACE] [-a SECONDS] [-w PARTS]\n",
		prog);
	exit(2);
}

static unsigned long parse_num(const char *s, const char *prog)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end)
		usage(prog);
	return v;
}

enum { W_FUZZ1, W_FUZZ2, W_LIFECYCLE, W_INJECTOR, W_CAN, N_WORKERS };

static void *(*const worker_fn[N_WORKERS])(void *) = {
	fuzz_thread, fuzz_thread, lifecycle_thread, injector_thread, can_thread,
};

/* -w: which parts run, to narrow a problem down to the fewest. */
static bool want_part(const char *list, const char *part)
{
	size_t n = strlen(part);
	const char *p = list;

	if (!list)
		return true;
	while ((p = strstr(p, part))) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

static void print_summary(double secs, unsigned int finished,
			  unsigned int workers, const char *health)
{
	unsigned int i;

	pthread_mutex_lock(&outcomes_lock);
	qsort(outcomes, n_outcomes, sizeof(outcomes[0]), cmp_outcome);
	for (i = 0; i < n_outcomes; i++)
		printf("# outcome %6lu x %s\n", outcomes[i].count,
		       outcomes[i].key);
	printf("# sent %lu messages in %.1f s (+%lu unprivileged, +%lu in a user namespace), %lu unanswered\n",
	       __atomic_load_n(&msgs_sent, __ATOMIC_RELAXED), secs,
	       child_msgs[0], child_msgs[1], msgs_unanswered);
	printf("# %lu answers dropped by a full receive queue (ENOBUFS reported), not counted as unanswered\n",
	       msgs_overrun_lost);
	printf("# %lu answers came after %lu s (slowest %.1f s), not counted as unanswered\n",
	       msgs_late, answer_secs, slowest_answer);
	printf("# frames: %lu injected with FRAMES_RX, %lu sent on CAN sockets, %lu FRAMES_TX seen, %lu received on CAN sockets\n",
	       injected_frames, can_sent, tx_frames_seen, can_received);
	printf("# events group %s; %lu bit rates set with ip link\n",
	       events_group ? "joined" : "not announced", bitrates_set);
	printf("# %u distinct (command, errno, extack) outcomes\n", n_outcomes);
	printf("# %u of %u threads finished; kernel %s\n", finished, workers,
	       health);
	pthread_mutex_unlock(&outcomes_lock);
}

int main(int argc, char **argv)
{
	struct worker w[N_WORKERS];
	bool run[N_WORKERS];
	struct kid kids[2] = { { .pid = -1, .fd = -1 },
			       { .pid = -1, .fd = -1 } };
	unsigned long seconds = 10, grace = 60;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	const char *parts = NULL;
	double start;
	unsigned int i, workers = 0, finished;
	int fam, opt;
	bool healthy, kids_done;

	while ((opt = getopt(argc, argv, "t:n:s:w:g:a:")) != -1) {
		switch (opt) {
		case 't':
			seconds = parse_num(optarg, argv[0]);
			break;
		case 'n':
			max_msgs = parse_num(optarg, argv[0]);
			break;
		case 's':
			seed = parse_num(optarg, argv[0]);
			break;
		case 'w':
			parts = optarg;
			break;
		case 'g':
			grace = parse_num(optarg, argv[0]);
			break;
		case 'a':
			answer_secs = parse_num(optarg, argv[0]);
			if (!answer_secs)
				usage(argv[0]);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (grace < (LATE_FACTOR + 1) * answer_secs + 10)
		grace = (LATE_FACTOR + 1) * answer_secs + 10;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	fam = resolve_family();
	if (fam < 0) {
		printf("# the \"%s\" generic netlink family is not registered\n",
		       RCAN_GENL_NAME);
		return 2;
	}
	family = (uint16_t)fam;
	msgs_sent = 0; /* the family lookup does not count */
	printf("# seed %llu, %lu s, message limit %lu, family id %u, parts %s\n",
	       (unsigned long long)seed, seconds, max_msgs, family,
	       parts ? parts : "all");

	start = now();
	deadline = start + (double)seconds;
	/* children first: fork before there are threads */
	for (i = 0; i < 2; i++) {
		if (!want_part(parts, i ? "userns" : "unpriv"))
			continue;
		kids[i].buf = malloc(KID_BUF);
		if (kids[i].buf)
			kids[i].pid = spawn_child(seed + 101ULL * (i + 1),
						  i == 1, &kids[i].fd);
		if (kids[i].fd >= 0)
			fcntl(kids[i].fd, F_SETFL, O_NONBLOCK);
	}
	for (i = 0; i < N_WORKERS; i++) {
		static const char *const names[N_WORKERS] = {
			"fuzz", "fuzz", "lifecycle", "injector", "can",
		};

		w[i].id = i;
		w[i].seed = seed + 7919ULL * i;
		w[i].done = false;
		run[i] = want_part(parts, names[i]);
		if (!run[i])
			continue;
		if (pthread_create(&w[i].thread, NULL, worker_fn[i], &w[i])) {
			printf("# cannot start thread %u\n", i);
			stop = 1;
			free(kids[0].buf);
			free(kids[1].buf);
			return 2;
		}
		workers++;
	}

	/*
	 * Watchdog: a thread still inside the kernel long after the deadline
	 * means the kernel is wedged (a lock or a reference never released);
	 * say so and leave instead of hanging the whole test run.
	 */
	for (;;) {
		finished = 0;
		for (i = 0; i < N_WORKERS; i++)
			finished += run[i] && __atomic_load_n(&w[i].done,
							      __ATOMIC_ACQUIRE);
		kids_done = true;
		for (i = 0; i < 2; i++) {
			kid_poll(&kids[i]);
			if (kids[i].pid > 0 &&
			    (!kids[i].exited || !kids[i].eof))
				kids_done = false;
		}
		if (finished == workers && kids_done)
			break;
		if (now() > deadline + (double)grace) {
			printf("# %u of %u threads%s still blocked %lu s after the deadline: the kernel is wedged\n",
			       workers - finished, workers,
			       kids_done ? "" : " (or a child)", grace);
			for (i = 0; i < 2; i++)
				kid_report(&kids[i], i,
					   i ? "user+net namespace child" :
					       "unprivileged child");
			print_summary(now() - start, finished, workers,
				      "is NOT healthy (wedged)");
			fflush(stdout);
			_exit(1);
		}
		usleep(100000);
	}
	for (i = 0; i < N_WORKERS; i++)
		if (run[i])
			pthread_join(w[i].thread, NULL);
	kid_report(&kids[0], 0, "unprivileged child");
	kid_report(&kids[1], 1, "user+net namespace child");
	free(kids[0].buf);
	free(kids[1].buf);

	healthy = health_check();
	print_summary(now() - start, finished, workers,
		      healthy ? "still answers LINK_NEW/GET/DEL" :
				"is NOT healthy");
	if (msgs_unanswered)
		printf("# %lu requests got no answer and no overrun explains it: the kernel dropped them\n",
		       msgs_unanswered);
	return healthy && finished == workers && !msgs_unanswered ? 0 : 1;
}
