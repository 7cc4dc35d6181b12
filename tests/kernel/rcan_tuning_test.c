// SPDX-License-Identifier: GPL-2.0
/*
 * What is tuned on a running link: the TX window the owner sizes to its
 * round trip (LINK_SET TX_WINDOW), ethtool's RX coalescing passed on to
 * the helper, and hardware timestamps through SIOCSHWTSTAMP and
 * SO_TIMESTAMPING. Needs rcan.ko, can and can_raw loaded, iproute2,
 * ethtool, and root.
 */

#include <time.h> /* before linux/errqueue.h, which uses timespec */
#include <errno.h>
#include <linux/can.h>
#include <linux/can/raw.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/rcan_testnl.h"
#include "kselftest_harness.h"

/* NOLINTBEGIN(bugprone-suspicious-semicolon): see rcan_datapath_test.c */

FIXTURE(tune)
{
	struct tnl nl;
	struct tnl_link l;
	int can;
};

/* An attached, connected classic link with a window of 4. */
FIXTURE_SETUP(tune)
{
	ASSERT_EQ(0, tnl_open(&self->nl));
	ASSERT_EQ(0, tnl_link_ready(&self->nl, "rttu%d", 0, 4, &self->l));
	self->can = tnl_can_open(self->l.ifindex, false);
	ASSERT_GE(self->can, 0);
}

FIXTURE_TEARDOWN(tune)
{
	close(self->can);
	tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, self->l.ifindex, NULL);
	tnl_close(&self->nl);
}

static int send_frame(int s, uint32_t id, uint8_t fill)
{
	struct can_frame cf;

	memset(&cf, 0, sizeof(cf));
	cf.can_id = id;
	cf.len = 2;
	cf.data[0] = fill;
	cf.data[1] = (uint8_t)~fill;
	return write(s, &cf, sizeof(cf)) == sizeof(cf) ? 0 : -errno;
}

/* LINK_SET TX_WINDOW; 0 or -errno. */
static int set_window(struct tnl *n, uint32_t ifindex, uint32_t window)
{
	struct tnl_msg m;

	tnl_req_init(&m, n->family, RCAN_CMD_LINK_SET, 0);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
	tnl_put_u32(&m, RCAN_ATTR_TX_WINDOW, window);
	return tnl_request(n, &m, NULL, NULL);
}

/* Frames of FRAMES_TX, checked to be consecutive from *next. */
static int read_in_order(struct tnl *n, uint32_t *next, uint8_t *fill, int want,
			 int timeout_ms)
{
	static struct tnl_frame out[RCAN_TX_WINDOW_MAX];
	int got = tnl_read_tx(n, out, want, timeout_ms), i;

	for (i = 0; i < got; i++) {
		if (out[i].seq != *next || out[i].data[0] != *fill)
			return -1;
		(*next)++;
		(*fill)++;
	}
	return got;
}

/*
 * A sender that receives its own frames, with room for a window of
 * echoes (CAN_RAW's default buffer holds about 270).
 */
static int open_own(uint32_t ifindex)
{
	int one = 1, buf = 4 << 20, s = tnl_can_open(ifindex, false);

	if (s >= 0 &&
	    (setsockopt(s, SOL_CAN_RAW, CAN_RAW_RECV_OWN_MSGS, &one,
			sizeof(one)) ||
	     setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)))) {
		close(s);
		return -1;
	}
	return s;
}

/* Echoes on a RECV_OWN_MSGS socket, checked to be in order from *fill. */
static int read_echoes(int s, uint8_t *fill, int want)
{
	struct can_frame cf;
	int got = 0;

	while (got < want && tnl_wait_readable(s, 1000)) {
		if (read(s, &cf, sizeof(cf)) != sizeof(cf) ||
		    cf.data[0] != *fill)
			return -1;
		(*fill)++;
		got++;
	}
	return got;
}

TEST_F(tune, window_grows_and_shrinks_with_frames_in_flight)
{
	int i, own = open_own(self->l.ifindex);
	uint8_t fill = 0, txfill = 0, echofill = 0;
	uint32_t next = self->l.seq;

	ASSERT_GE(own, 0);
	/* 4 go, the 5th waits for the window */
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, send_frame(own, 0x100, fill++));
	ASSERT_EQ(4, read_in_order(&self->nl, &next, &txfill, 5, 300));
	EXPECT_EQ(4u, tnl_get_link(&self->nl, self->l.ifindex).inflight);

	/* a larger window (more echo slots) lets it go; nothing is lost */
	ASSERT_EQ(0, set_window(&self->nl, self->l.ifindex, 1000));
	EXPECT_EQ(1000u, tnl_get_link(&self->nl, self->l.ifindex).window);
	ASSERT_EQ(1, read_in_order(&self->nl, &next, &txfill, 1, 1000));
	for (i = 0; i < 300; i++)
		ASSERT_EQ(0, send_frame(own, 0x100, fill++));
	ASSERT_EQ(300, read_in_order(&self->nl, &next, &txfill, 300, 1000));
	EXPECT_EQ(305u, tnl_get_link(&self->nl, self->l.ifindex).inflight);
	ASSERT_EQ(0, tnl_verdict(&self->nl, RCAN_CMD_TX_DONE, self->l.ifindex,
				 next - 1));
	/* the frames that moved to new slots echo in order, each once */
	EXPECT_EQ(305, read_echoes(own, &echofill, 305));
	EXPECT_FALSE(tnl_wait_readable(own, 100));

	/* a smaller window holds the queue until enough are confirmed */
	ASSERT_EQ(0, set_window(&self->nl, self->l.ifindex, 2));
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, send_frame(own, 0x100, fill++));
	ASSERT_EQ(2, read_in_order(&self->nl, &next, &txfill, 5, 300));
	ASSERT_EQ(0, tnl_verdict(&self->nl, RCAN_CMD_TX_DONE, self->l.ifindex,
				 next - 1));
	ASSERT_EQ(2, read_in_order(&self->nl, &next, &txfill, 5, 300));
	ASSERT_EQ(0, tnl_verdict(&self->nl, RCAN_CMD_TX_DONE, self->l.ifindex,
				 next - 1));
	ASSERT_EQ(1, read_in_order(&self->nl, &next, &txfill, 5, 300));
	ASSERT_EQ(0, tnl_verdict(&self->nl, RCAN_CMD_TX_DONE, self->l.ifindex,
				 next - 1));
	EXPECT_EQ(5, read_echoes(own, &echofill, 5));
	EXPECT_EQ(310u, tnl_get_link(&self->nl, self->l.ifindex)
				.stats[RCAN_STATS_TX_PACKETS]);
	EXPECT_EQ(0u, tnl_get_link(&self->nl, self->l.ifindex)
			      .stats[RCAN_STATS_TX_DROPPED]);
	close(own);
}

/* Slots move by sequence number: across the 2^32 wrap too. */
TEST(window_grows_across_the_sequence_wrap)
{
	uint8_t fill = 0, txfill = 0, echofill = 0;
	struct tnl_link l;
	int i, own;
	struct tnl_msg m;
	uint32_t next;
	struct tnl nl;

	ASSERT_EQ(0, tnl_open(&nl));
	tnl_req_init(&m, nl.family, RCAN_CMD_LINK_NEW, 0);
	tnl_put_str(&m, RCAN_ATTR_IFNAME, "rttw%d");
	tnl_put_u32(&m, RCAN_ATTR_TX_WINDOW, 4);
	tnl_put_u32(&m, RCAN_ATTR_SEQ, 0xfffffffeU);
	tnl_put(&m, RCAN_ATTR_ATTACH, NULL, 0);
	memset(&l, 0, sizeof(l));
	ASSERT_EQ(0, tnl_request(&nl, &m, tnl_parse_link, &l));
	ASSERT_EQ(0xfffffffeU, l.seq);
	next = l.seq;
	ASSERT_EQ(0, tnl_if_set_up(l.ifname, true));
	ASSERT_EQ(0, tnl_connect_wait(&nl, &l));
	own = open_own(l.ifindex);
	ASSERT_GE(own, 0);
	/* 0xfffffffe, 0xffffffff, 0, 1 in slots 2, 3, 0, 1 of 4 */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, send_frame(own, 0x200, fill++));
	ASSERT_EQ(4, read_in_order(&nl, &next, &txfill, 4, 1000));
	/* 1024 slots: they move to 1022, 1023, 0, 1 */
	ASSERT_EQ(0, set_window(&nl, l.ifindex, 1000));
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, send_frame(own, 0x200, fill++));
	ASSERT_EQ(100, read_in_order(&nl, &next, &txfill, 100, 1000));
	ASSERT_EQ(0, tnl_verdict(&nl, RCAN_CMD_TX_DONE, l.ifindex, next - 1));
	EXPECT_EQ(104, read_echoes(own, &echofill, 104));
	EXPECT_FALSE(tnl_wait_readable(own, 100));
	close(own);
	tnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL, l.ifindex, NULL);
	tnl_close(&nl);
}

TEST_F(tune, window_is_the_owners_to_set_within_limits)
{
	struct tnl other;

	EXPECT_EQ(-ERANGE, set_window(&self->nl, self->l.ifindex, 0));
	EXPECT_EQ(-ERANGE, set_window(&self->nl, self->l.ifindex,
				      RCAN_TX_WINDOW_MAX + 1));
	EXPECT_EQ(0,
		  set_window(&self->nl, self->l.ifindex, RCAN_TX_WINDOW_MAX));
	ASSERT_EQ(0, tnl_open(&other));
	EXPECT_EQ(-EPERM, set_window(&other, self->l.ifindex, 8));
	EXPECT_EQ(RCAN_TX_WINDOW_MAX,
		  tnl_get_link(&self->nl, self->l.ifindex).window);
	tnl_close(&other);
}

/* The RX_USECS and RX_FRAMES of a link reply or COALESCE event. */
struct coalesce {
	int cmd;
	uint32_t usecs, frames;
};

static void coalesce_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[RCAN_ATTR_MAX + 1];
	struct coalesce *c = arg;

	tnl_parse_genl(nlh, tb, RCAN_ATTR_MAX);
	if (!tb[RCAN_ATTR_RX_USECS] || !tb[RCAN_ATTR_RX_FRAMES])
		return;
	c->cmd = tnl_cmd(nlh);
	c->usecs = tnl_attr_u32(tb[RCAN_ATTR_RX_USECS]);
	c->frames = tnl_attr_u32(tb[RCAN_ATTR_RX_FRAMES]);
}

static struct coalesce link_coalesce(struct tnl *n, uint32_t ifindex)
{
	struct coalesce c = { .cmd = -1 };
	struct tnl_msg m;

	tnl_req_init(&m, n->family, RCAN_CMD_LINK_GET, 0);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
	if (tnl_request(n, &m, coalesce_cb, &c))
		c.cmd = -1;
	return c;
}

/* The next COALESCE event on @ev, within 2 s. */
static struct coalesce coalesce_event(struct tnl *ev)
{
	static char buf[TNL_RX_MAX];
	struct coalesce c = { .cmd = -1 };

	while (c.cmd != RCAN_CMD_COALESCE && tnl_wait_readable(ev->fd, 2000)) {
		ssize_t len = recv(ev->fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;

		tnl_for_each_msg(nlh, buf, len)
			if (nlh->nlmsg_type == ev->family &&
			    tnl_cmd(nlh) == RCAN_CMD_COALESCE)
				coalesce_cb(nlh, &c);
	}
	return c;
}

static int run(const char *fmt, const char *ifname)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), fmt, ifname);
	return system(cmd);
}

TEST_F(tune, coalescing_is_kept_reported_and_announced)
{
	struct coalesce c;
	struct tnl ev;

	c = link_coalesce(&self->nl, self->l.ifindex);
	EXPECT_EQ(RCAN_CMD_LINK_GET, c.cmd);
	EXPECT_EQ(0u, c.usecs);
	EXPECT_EQ(0u, c.frames);

	ASSERT_EQ(0, tnl_open(&ev));
	ASSERT_EQ(0, tnl_subscribe(&ev));
	ASSERT_EQ(0, run("ethtool -C %s rx-usecs 500 rx-frames 16",
			 self->l.ifname));
	c = coalesce_event(&ev);
	EXPECT_EQ(RCAN_CMD_COALESCE, c.cmd);
	EXPECT_EQ(500u, c.usecs);
	EXPECT_EQ(16u, c.frames);
	c = link_coalesce(&self->nl, self->l.ifindex);
	EXPECT_EQ(500u, c.usecs);
	EXPECT_EQ(16u, c.frames);
	EXPECT_EQ(0, run("ethtool -c %s | grep -q '^rx-usecs:[[:space:]]*500$'",
			 self->l.ifname));
	EXPECT_EQ(0, run("ethtool -c %s | grep -q '^rx-frames:[[:space:]]*16$'",
			 self->l.ifname));

	/* beyond the limits, or a parameter rcan has not: refused, kept */
	EXPECT_NE(0, run("ethtool -C %s rx-usecs 1000001 2>/dev/null",
			 self->l.ifname));
	EXPECT_NE(0, run("ethtool -C %s rx-frames 8193 2>/dev/null",
			 self->l.ifname));
	EXPECT_NE(0,
		  run("ethtool -C %s tx-usecs 5 2>/dev/null", self->l.ifname));
	c = link_coalesce(&self->nl, self->l.ifindex);
	EXPECT_EQ(500u, c.usecs);
	EXPECT_EQ(16u, c.frames);

	/* back to the default: no waiting */
	ASSERT_EQ(0,
		  run("ethtool -C %s rx-usecs 0 rx-frames 0", self->l.ifname));
	c = coalesce_event(&ev);
	EXPECT_EQ(0u, c.usecs);
	EXPECT_EQ(0u, c.frames);
	tnl_close(&ev);
}

static int hwtstamp(const char *ifname, int cmd, struct hwtstamp_config *cfg)
{
	struct ifreq ifr;
	int s = socket(AF_CAN, SOCK_RAW, CAN_RAW), err;

	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_data = (void *)cfg;
	err = ioctl(s, cmd, &ifr) ? -errno : 0;
	close(s);
	return err;
}

TEST_F(tune, hwtstamp_config_is_the_can_cores)
{
	struct hwtstamp_config cfg = { .tx_type = HWTSTAMP_TX_ON,
				       .rx_filter = HWTSTAMP_FILTER_ALL };

	EXPECT_EQ(0, hwtstamp(self->l.ifname, SIOCSHWTSTAMP, &cfg));
	memset(&cfg, 0, sizeof(cfg));
	EXPECT_EQ(0, hwtstamp(self->l.ifname, SIOCGHWTSTAMP, &cfg));
	EXPECT_EQ(HWTSTAMP_TX_ON, cfg.tx_type);
	EXPECT_EQ(HWTSTAMP_FILTER_ALL, cfg.rx_filter);
	cfg = (struct hwtstamp_config){ .tx_type = HWTSTAMP_TX_OFF,
					.rx_filter = HWTSTAMP_FILTER_NONE };
	EXPECT_EQ(-ERANGE, hwtstamp(self->l.ifname, SIOCSHWTSTAMP, &cfg));
	EXPECT_EQ(0, run("ethtool -T %s | grep -q hardware-transmit",
			 self->l.ifname));
	EXPECT_EQ(0, run("ethtool -T %s | grep -q hardware-receive",
			 self->l.ifname));
}

static int64_t ns_of(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return ns_of(&t);
}

/* The hardware time of the next SCM_TIMESTAMPING on @s (@flags), or -1. */
static int64_t read_hw_time(int s, int flags, struct can_frame *cf)
{
	char ctrl[512];
	struct iovec iov = { .iov_base = cf, .iov_len = sizeof(*cf) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctrl,
			     .msg_controllen = sizeof(ctrl) };
	struct cmsghdr *c;

	if (recvmsg(s, &mh, flags) < 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		struct scm_timestamping tss;

		if (c->cmsg_level != SOL_SOCKET ||
		    c->cmsg_type != SCM_TIMESTAMPING)
			continue;
		memcpy(&tss, CMSG_DATA(c), sizeof(tss));
		return ns_of(&tss.ts[2]);
	}
	return -1;
}

/*
 * A sender asking for hardware TX timestamps gets the time the helper's
 * confirmation arrived (it got zero before), and the echo others receive
 * carries the same time.
 */
TEST_F(tune, tx_hardware_timestamp_is_the_confirmation_time)
{
	int flags = SOF_TIMESTAMPING_TX_HARDWARE |
		    SOF_TIMESTAMPING_RAW_HARDWARE | SOF_TIMESTAMPING_OPT_TSONLY;
	int rxflags = SOF_TIMESTAMPING_RX_HARDWARE |
		      SOF_TIMESTAMPING_RAW_HARDWARE;
	int s = tnl_can_open(self->l.ifindex, false);
	int64_t before, after, tx, rx;
	struct can_frame cf;
	struct tnl_frame out;

	ASSERT_GE(s, 0);
	ASSERT_EQ(0, setsockopt(s, SOL_SOCKET, SO_TIMESTAMPING, &flags,
				sizeof(flags)));
	ASSERT_EQ(0, setsockopt(self->can, SOL_SOCKET, SO_TIMESTAMPING,
				&rxflags, sizeof(rxflags)));
	ASSERT_EQ(0, send_frame(s, 0x321, 0x77));
	ASSERT_EQ(1, tnl_read_tx(&self->nl, &out, 1, 1000));
	/* nothing before the confirmation */
	EXPECT_EQ(-1, read_hw_time(s, MSG_ERRQUEUE | MSG_DONTWAIT, &cf));
	before = now_ns();
	ASSERT_EQ(0, tnl_verdict(&self->nl, RCAN_CMD_TX_DONE, self->l.ifindex,
				 out.seq));
	after = now_ns();
	usleep(100000);
	tx = read_hw_time(s, MSG_ERRQUEUE | MSG_DONTWAIT, &cf);
	TH_LOG("TX hardware time %lld, confirmation sent at %lld..%lld",
	       (long long)tx, (long long)before, (long long)after);
	EXPECT_GE(tx, before);
	EXPECT_LE(tx, after);
	/* the echo other sockets receive carries the same time */
	ASSERT_TRUE(tnl_wait_readable(self->can, 1000));
	rx = read_hw_time(self->can, 0, &cf);
	EXPECT_EQ(0x321u, cf.can_id);
	EXPECT_EQ(tx, rx);
	close(s);
}

/* A verdict with RCAN_ATTR_TSTAMP; 0 or -errno. */
static int verdict_at(struct tnl *n, uint8_t cmd, uint32_t ifindex,
		      uint32_t seq, uint64_t ns)
{
	struct tnl_msg m;

	tnl_req_init(&m, n->family, cmd, 0);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
	tnl_put_u32(&m, RCAN_ATTR_SEQ, seq);
	tnl_put_u64(&m, RCAN_ATTR_TSTAMP, ns);
	return tnl_request(n, &m, NULL, NULL);
}

/*
 * A time no clock of this run reads: 2001-09-09, 01:46:40.123456 UTC.
 * Neither the local confirmation time nor zero can pass for it.
 */
#define REMOTE_NS 1000000000123456000LL

/*
 * TX_DONE with the remote controller's confirmation time (rcand serve's
 * "< sent N SEC.USEC >"): that is the sender's hardware TX timestamp and
 * the echo's, not the time the confirmation reached this host.
 */
TEST_F(tune, tx_hardware_timestamp_is_the_remote_time)
{
	int flags = SOF_TIMESTAMPING_TX_HARDWARE |
		    SOF_TIMESTAMPING_RAW_HARDWARE | SOF_TIMESTAMPING_OPT_TSONLY;
	int rxflags = SOF_TIMESTAMPING_RX_HARDWARE |
		      SOF_TIMESTAMPING_RAW_HARDWARE;
	int s = tnl_can_open(self->l.ifindex, false);
	struct can_frame cf;
	struct tnl_frame out;
	int64_t tx, rx;

	ASSERT_GE(s, 0);
	ASSERT_EQ(0, setsockopt(s, SOL_SOCKET, SO_TIMESTAMPING, &flags,
				sizeof(flags)));
	ASSERT_EQ(0, setsockopt(self->can, SOL_SOCKET, SO_TIMESTAMPING,
				&rxflags, sizeof(rxflags)));
	ASSERT_EQ(0, send_frame(s, 0x322, 0x78));
	ASSERT_EQ(1, tnl_read_tx(&self->nl, &out, 1, 1000));
	ASSERT_EQ(0, verdict_at(&self->nl, RCAN_CMD_TX_DONE, self->l.ifindex,
				out.seq, REMOTE_NS));
	ASSERT_TRUE(tnl_wait_readable(self->can, 1000));
	tx = read_hw_time(s, MSG_ERRQUEUE | MSG_DONTWAIT, &cf);
	TH_LOG("TX hardware time %lld, the remote's %lld", (long long)tx,
	       (long long)REMOTE_NS);
	EXPECT_EQ(REMOTE_NS, tx);
	rx = read_hw_time(self->can, 0, &cf);
	EXPECT_EQ(0x322u, cf.can_id);
	EXPECT_EQ(REMOTE_NS, rx);
	close(s);
}

/*
 * One TX_DONE for three frames (a "< sent 3 T >"): T is when the last
 * came back, and every one of them gets it (see RCAN_ATTR_TSTAMP); the
 * next TX_DONE's time is the next frame's.
 */
TEST_F(tune, tx_remote_time_is_every_settled_frames)
{
	int flags = SOF_TIMESTAMPING_TX_HARDWARE |
		    SOF_TIMESTAMPING_RAW_HARDWARE | SOF_TIMESTAMPING_OPT_TSONLY;
	int s = tnl_can_open(self->l.ifindex, false);
	struct tnl_frame out[4];
	struct can_frame cf;
	int i;

	ASSERT_GE(s, 0);
	ASSERT_EQ(0, setsockopt(s, SOL_SOCKET, SO_TIMESTAMPING, &flags,
				sizeof(flags)));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, send_frame(s, 0x330 + i, (uint8_t)i));
	ASSERT_EQ(4, tnl_read_tx(&self->nl, out, 4, 1000));
	ASSERT_EQ(0, verdict_at(&self->nl, RCAN_CMD_TX_DONE, self->l.ifindex,
				out[2].seq, REMOTE_NS));
	ASSERT_EQ(0, verdict_at(&self->nl, RCAN_CMD_TX_DONE, self->l.ifindex,
				out[3].seq, REMOTE_NS + 5000));
	usleep(100000);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(REMOTE_NS,
			  read_hw_time(s, MSG_ERRQUEUE | MSG_DONTWAIT, &cf));
	EXPECT_EQ(REMOTE_NS + 5000,
		  read_hw_time(s, MSG_ERRQUEUE | MSG_DONTWAIT, &cf));
	EXPECT_EQ(-1, read_hw_time(s, MSG_ERRQUEUE | MSG_DONTWAIT, &cf));
	close(s);
}

/* Failed frames are never echoed: TX_FAIL takes no time (strict policy). */
TEST_F(tune, tx_fail_takes_no_time)
{
	struct tnl_frame out;

	ASSERT_EQ(0, send_frame(self->can, 0x340, 1));
	ASSERT_EQ(1, tnl_read_tx(&self->nl, &out, 1, 1000));
	EXPECT_EQ(-EINVAL, verdict_at(&self->nl, RCAN_CMD_TX_FAIL,
				      self->l.ifindex, out.seq, REMOTE_NS));
	EXPECT_EQ(0, tnl_verdict(&self->nl, RCAN_CMD_TX_FAIL, self->l.ifindex,
				 out.seq));
}

/* NOLINTEND(bugprone-suspicious-semicolon) */

TEST_HARNESS_MAIN
