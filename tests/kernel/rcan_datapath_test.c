// SPDX-License-Identifier: GPL-2.0
/*
 * The rcan data path driven directly (no rcand): frames in from netlink to
 * CAN_RAW sockets, frames out to the owning socket, echo on confirmation
 * only, the TX window, carrier, owner loss, CAN state and bit timing.
 * Needs rcan.ko, can and can_raw loaded, iproute2, and root.
 */

#include <time.h> /* before linux/errqueue.h, which uses timespec */
#include <errno.h>
#include <linux/can.h>
#include <linux/can/error.h>
#include <linux/can/raw.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/rcan_testnl.h"
#include "kselftest_harness.h"

/*
 * kselftest_harness.h's EXPECT_* and ASSERT_* expand to a for loop whose
 * body is the macro's own statement; clang-tidy reads that as a stray
 * semicolon after every check.
 */
/* NOLINTBEGIN(bugprone-suspicious-semicolon) */

FIXTURE(dp)
{
	struct tnl nl;
	struct tnl_link l;
	int can;
};

FIXTURE_SETUP(dp)
{
	ASSERT_EQ(0, tnl_open(&self->nl));
	ASSERT_EQ(0, tnl_link_ready(&self->nl, "rtdp%d", RCAN_LINK_F_FD, 0,
				    &self->l));
	self->can = tnl_can_open(self->l.ifindex, true);
	ASSERT_GE(self->can, 0);
}

FIXTURE_TEARDOWN(dp)
{
	close(self->can);
	tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, self->l.ifindex, NULL);
	tnl_close(&self->nl);
}

static int sysfs_carrier(const char *ifname)
{
	char path[128], c = '?';
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", ifname);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fread(&c, 1, 1, f) != 1)
		c = '?';
	fclose(f);
	return c == '1' ? 1 : c == '0' ? 0 : -1;
}

static int send_frame(int s, uint32_t id, uint8_t len, uint8_t fill)
{
	struct can_frame cf;

	memset(&cf, 0, sizeof(cf));
	cf.can_id = id;
	cf.len = len;
	memset(cf.data, fill, len);
	return write(s, &cf, sizeof(cf)) == sizeof(cf) ? 0 : -errno;
}

TEST_F(dp, rx_batch_bytes_and_hw_timestamp)
{
	int ts_flags = SOF_TIMESTAMPING_RX_HARDWARE |
		       SOF_TIMESTAMPING_RAW_HARDWARE |
		       SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	const uint64_t t0 = 1700000000123456789ULL;
	struct tnl_frame f[5];
	struct tnl_link after;
	int i;

	ASSERT_EQ(0, setsockopt(self->can, SOL_SOCKET, SO_TIMESTAMPING,
				&ts_flags, sizeof(ts_flags)));
	memset(f, 0, sizeof(f));
	f[0] = (struct tnl_frame){ .id = 0x123, .len = 8 };
	f[1] = (struct tnl_frame){ .id = 0x1abcdef0 | CAN_EFF_FLAG, .len = 3 };
	f[2] = (struct tnl_frame){ .id = 0x7ff | CAN_RTR_FLAG,
				   .len = 4,
				   .has_len_attr = true };
	f[3] = (struct tnl_frame){ .id = 0x000, .len = 0 };
	f[4] = (struct tnl_frame){ .id = 0x321,
				   .len = 64,
				   .flags = RCAN_FRAME_F_FD |
					    RCAN_FRAME_F_BRS };
	for (i = 0; i < 5; i++) {
		if (!f[i].has_len_attr)
			memset(f[i].data, 0xa0 + i, f[i].len);
		f[i].data[0] = (uint8_t)i;
		f[i].ts = t0 + (uint64_t)i * 1000;
	}
	ASSERT_EQ(0, tnl_rx(&self->nl, self->l.ifindex, f, 5));

	for (i = 0; i < 5; i++) {
		char ctrl[512];
		struct canfd_frame cf;
		struct iovec iov = { .iov_base = &cf, .iov_len = sizeof(cf) };
		struct msghdr mh = { .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = ctrl,
				     .msg_controllen = sizeof(ctrl) };
		struct cmsghdr *c;
		bool got_ts = false;
		ssize_t len;

		ASSERT_TRUE(tnl_wait_readable(self->can, 1000));
		len = recvmsg(self->can, &mh, 0);
		ASSERT_EQ(i == 4 ? CANFD_MTU : CAN_MTU, len);
		EXPECT_EQ(f[i].id, cf.can_id);
		EXPECT_EQ(f[i].len, cf.len);
		if (!f[i].has_len_attr)
			EXPECT_EQ(0, memcmp(f[i].data, cf.data, f[i].len));
		if (i == 4)
			EXPECT_TRUE(cf.flags & CANFD_BRS);
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			struct scm_timestamping tss;

			if (c->cmsg_level != SOL_SOCKET ||
			    c->cmsg_type != SCM_TIMESTAMPING)
				continue;
			memcpy(&tss, CMSG_DATA(c), sizeof(tss));
			EXPECT_EQ((time_t)(f[i].ts / 1000000000ULL),
				  tss.ts[2].tv_sec);
			EXPECT_EQ((long)(f[i].ts % 1000000000ULL),
				  tss.ts[2].tv_nsec);
			got_ts = true;
		}
		EXPECT_TRUE(got_ts);
	}
	after = tnl_get_link(&self->nl, self->l.ifindex);
	EXPECT_EQ(5u, after.stats[RCAN_STATS_RX_PACKETS]);
	EXPECT_EQ(8u + 3 + 0 + 0 + 64, after.stats[RCAN_STATS_RX_BYTES]);
}

struct reader {
	int s;
	volatile long got;
	volatile long bad;
	long want;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct can_frame cf;

	while (r->got < r->want) {
		uint32_t v;

		if (!tnl_wait_readable(r->s, 5000))
			break;
		if (read(r->s, &cf, sizeof(cf)) != sizeof(cf))
			continue;
		memcpy(&v, cf.data, sizeof(v));
		if (v != (uint32_t)r->got || cf.can_id != (v & 0x7ff))
			r->bad++;
		r->got++;
	}
	return NULL;
}

/* minutes on the debug kernel: the harness default of 30 s is too short */
TEST_F_TIMEOUT(dp, rx_100k_in_order_none_lost, 900)
{
	const long total = 100000, batch = 100;
	struct tnl_frame f[100];
	struct reader r = { .want = total };
	int big = 16 << 20;
	struct tnl_link after;
	pthread_t th;
	long sent = 0;

	r.s = tnl_can_open(self->l.ifindex, false);
	ASSERT_GE(r.s, 0);
	if (setsockopt(r.s, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		setsockopt(r.s, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	ASSERT_EQ(0, pthread_create(&th, NULL, reader_main, &r));
	while (sent < total) {
		long i;

		/* the reader keeps up: never more than 2000 unread */
		while (sent - r.got > 2000)
			usleep(200);
		for (i = 0; i < batch; i++) {
			uint32_t v = (uint32_t)(sent + i);

			memset(&f[i], 0, sizeof(f[i]));
			f[i].id = v & 0x7ff;
			f[i].len = 8;
			memcpy(f[i].data, &v, sizeof(v));
		}
		ASSERT_EQ(0, tnl_rx(&self->nl, self->l.ifindex, f, (int)batch));
		sent += batch;
	}
	pthread_join(th, NULL);
	EXPECT_EQ(total, r.got);
	EXPECT_EQ(0, r.bad);
	after = tnl_get_link(&self->nl, self->l.ifindex);
	EXPECT_EQ((uint64_t)total, after.stats[RCAN_STATS_RX_PACKETS]);
	EXPECT_EQ(0u, after.stats[RCAN_STATS_RX_DROPPED]);
	close(r.s);
}

TEST_F(dp, tx_in_order_with_sequence_numbers)
{
	struct tnl_frame out[20];
	int i, s = tnl_can_open(self->l.ifindex, false);

	ASSERT_GE(s, 0);
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, send_frame(s, 0x100 + i, (uint8_t)(i % 9),
					(uint8_t)i));
	ASSERT_EQ(20, tnl_read_tx(&self->nl, out, 20, 1000));
	for (i = 0; i < 20; i++) {
		EXPECT_EQ(self->l.seq + (uint32_t)i, out[i].seq);
		EXPECT_EQ(0x100u + i, out[i].id);
		EXPECT_EQ(i % 9, out[i].len);
		if (i % 9)
			EXPECT_EQ(i, out[i].data[0]);
	}
	EXPECT_EQ(20u, tnl_get_link(&self->nl, self->l.ifindex).inflight);
	EXPECT_EQ(0, tnl_verdict(&self->nl, RCAN_CMD_TX_DONE, self->l.ifindex,
				 out[19].seq));
	EXPECT_EQ(0u, tnl_get_link(&self->nl, self->l.ifindex).inflight);
	close(s);
}

TEST_F(dp, tx_fd_and_rtr_frames)
{
	struct canfd_frame cfd;
	struct can_frame cf;
	struct tnl_frame out[2];
	int s = tnl_can_open(self->l.ifindex, true);

	ASSERT_GE(s, 0);
	memset(&cfd, 0, sizeof(cfd));
	cfd.can_id = 0x1234567 | CAN_EFF_FLAG;
	cfd.len = 64;
	cfd.flags = CANFD_BRS;
	memset(cfd.data, 0xc3, sizeof(cfd.data));
	ASSERT_EQ((ssize_t)sizeof(cfd), write(s, &cfd, sizeof(cfd)));
	memset(&cf, 0, sizeof(cf));
	cf.can_id = 0x7ff | CAN_RTR_FLAG;
	cf.len = 6;
	ASSERT_EQ((ssize_t)sizeof(cf), write(s, &cf, sizeof(cf)));
	ASSERT_EQ(2, tnl_read_tx(&self->nl, out, 2, 1000));
	EXPECT_EQ(cfd.can_id, out[0].id);
	EXPECT_EQ(RCAN_FRAME_F_FD | RCAN_FRAME_F_BRS, out[0].flags);
	EXPECT_EQ(64, out[0].len);
	EXPECT_EQ(0, memcmp(cfd.data, out[0].data, 64));
	EXPECT_EQ(cf.can_id, out[1].id);
	EXPECT_EQ(0u, out[1].flags);
	EXPECT_TRUE(out[1].has_len_attr);
	EXPECT_EQ(6, out[1].len);
	EXPECT_EQ(0, tnl_verdict(&self->nl, RCAN_CMD_TX_DONE, self->l.ifindex,
				 out[1].seq));
	/* the RTR frame counts as a packet without bytes */
	EXPECT_EQ(64u, tnl_get_link(&self->nl, self->l.ifindex)
			       .stats[RCAN_STATS_TX_BYTES]);
	close(s);
}

TEST_F(dp, echo_only_after_confirmation)
{
	int one = 1, s = tnl_can_open(self->l.ifindex, false);
	struct can_frame cf;
	struct iovec iov = { .iov_base = &cf, .iov_len = sizeof(cf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct tnl_frame out;
	struct tnl_link st;

	ASSERT_GE(s, 0);
	ASSERT_EQ(0, setsockopt(s, SOL_CAN_RAW, CAN_RAW_RECV_OWN_MSGS, &one,
				sizeof(one)));
	ASSERT_EQ(0, send_frame(s, 0x42, 5, 0x5a));
	ASSERT_EQ(1, tnl_read_tx(&self->nl, &out, 1, 1000));
	/* not confirmed: no echo, neither to the sender nor to others */
	EXPECT_FALSE(tnl_wait_readable(s, 300));
	EXPECT_FALSE(tnl_wait_readable(self->can, 0));
	ASSERT_EQ(0, tnl_verdict(&self->nl, RCAN_CMD_TX_DONE, self->l.ifindex,
				 out.seq));
	ASSERT_TRUE(tnl_wait_readable(s, 1000));
	ASSERT_EQ((ssize_t)sizeof(cf), recvmsg(s, &mh, 0));
	EXPECT_EQ(0x42u, cf.can_id);
	EXPECT_EQ(5, cf.len);
	EXPECT_TRUE(mh.msg_flags & MSG_CONFIRM);
	/* other sockets on the link see it as received traffic */
	ASSERT_TRUE(tnl_wait_readable(self->can, 1000));
	st = tnl_get_link(&self->nl, self->l.ifindex);
	EXPECT_EQ(1u, st.stats[RCAN_STATS_TX_PACKETS]);
	EXPECT_EQ(5u, st.stats[RCAN_STATS_TX_BYTES]);
	close(s);
}

TEST_F(dp, failed_frames_are_counted_not_echoed)
{
	int one = 1, i, s = tnl_can_open(self->l.ifindex, false);
	struct tnl_frame out[3];
	struct tnl_link st;

	ASSERT_GE(s, 0);
	ASSERT_EQ(0, setsockopt(s, SOL_CAN_RAW, CAN_RAW_RECV_OWN_MSGS, &one,
				sizeof(one)));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, send_frame(s, 0x50 + i, 2, 0));
	ASSERT_EQ(3, tnl_read_tx(&self->nl, out, 3, 1000));
	ASSERT_EQ(0, tnl_verdict(&self->nl, RCAN_CMD_TX_FAIL, self->l.ifindex,
				 out[2].seq));
	EXPECT_FALSE(tnl_wait_readable(s, 300));
	EXPECT_FALSE(tnl_wait_readable(self->can, 0));
	st = tnl_get_link(&self->nl, self->l.ifindex);
	EXPECT_EQ(0u, st.stats[RCAN_STATS_TX_PACKETS]);
	EXPECT_EQ(3u, st.stats[RCAN_STATS_TX_DROPPED]);
	EXPECT_EQ(3u, st.stats[RCAN_STATS_TX_ERRORS]);
	EXPECT_EQ(0u, st.inflight);
	/* a late verdict on settled frames is harmless */
	EXPECT_EQ(0, tnl_verdict(&self->nl, RCAN_CMD_TX_DONE, self->l.ifindex,
				 out[2].seq));
	close(s);
}

TEST(flow_control_window)
{
	struct tnl_frame out[64];
	struct tnl nl;
	struct tnl_link l, st;
	int s, sent = 0, got = 0, i;

	ASSERT_EQ(0, tnl_open(&nl));
	ASSERT_EQ(0, tnl_link_new(&nl, "rtfc%d", 0, 8, true, &l));
	ASSERT_EQ(0, tnl_if_set_up(l.ifname, true));
	ASSERT_EQ(0, tnl_connect_wait(&nl, &l));
	s = tnl_can_open(l.ifindex, false);
	ASSERT_GE(s, 0);
	/* a fast sender is throttled: the window, then the qdisc, then ENOBUFS */
	for (i = 0; i < 200; i++) {
		int err = send_frame(s, 0x200 + (i & 0xff), 1, (uint8_t)i);

		if (err) {
			EXPECT_TRUE(err == -ENOBUFS || err == -EAGAIN);
			break;
		}
		sent++;
	}
	TH_LOG("sender throttled after %d frames", sent);
	EXPECT_LT(sent, 200);
	EXPECT_GE(sent, 8);
	st = tnl_get_link(&nl, l.ifindex);
	EXPECT_EQ(8u, st.inflight);
	/* confirmations resume: every accepted frame arrives, in order */
	while (got < sent) {
		int n = tnl_read_tx(&nl, out, 64, 1000);

		if (n <= 0)
			break;
		for (i = 0; i < n; i++) {
			EXPECT_EQ(l.seq + (uint32_t)(got + i), out[i].seq);
			EXPECT_EQ((uint8_t)(got + i), out[i].data[0]);
		}
		got += n;
		ASSERT_EQ(0, tnl_verdict(&nl, RCAN_CMD_TX_DONE, l.ifindex,
					 out[n - 1].seq));
		EXPECT_LE(tnl_get_link(&nl, l.ifindex).inflight, 8u);
	}
	EXPECT_EQ(sent, got);
	st = tnl_get_link(&nl, l.ifindex);
	EXPECT_EQ((uint64_t)sent, st.stats[RCAN_STATS_TX_PACKETS]);
	EXPECT_EQ(0u, st.stats[RCAN_STATS_TX_DROPPED]);
	close(s);
	tnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL, l.ifindex, NULL);
	tnl_close(&nl);
}

TEST(carrier_owner_loss_and_reattach)
{
	struct tnl a, b;
	struct tnl_link l, st;
	struct tnl_frame out[2];
	struct can_frame cf;
	int s, i;

	ASSERT_EQ(0, tnl_open(&a));
	ASSERT_EQ(0, tnl_link_new(&a, "rtcar%d", 0, 0, false, &l));
	ASSERT_EQ(0, tnl_if_set_up(l.ifname, true));
	EXPECT_EQ(0, sysfs_carrier(l.ifname));
	ASSERT_EQ(0, tnl_ifindex_cmd(&a, RCAN_CMD_LINK_ATTACH, l.ifindex, &st));
	EXPECT_EQ(0, st.carrier);
	ASSERT_EQ(0, tnl_set_connected(&a, l.ifindex, 1));
	EXPECT_EQ(1, tnl_get_link(&a, l.ifindex).carrier);
	EXPECT_EQ(1, sysfs_carrier(l.ifname));
	ASSERT_EQ(0, tnl_set_connected(&a, l.ifindex, 0));
	EXPECT_EQ(0, tnl_get_link(&a, l.ifindex).carrier);
	EXPECT_EQ(0, sysfs_carrier(l.ifname));
	ASSERT_EQ(0, tnl_connect_wait(&a, &l));

	/* two frames in flight when the owner's socket closes */
	s = tnl_can_open(l.ifindex, false);
	ASSERT_GE(s, 0);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, send_frame(s, 0x60 + i, 1, 0));
	ASSERT_EQ(2, tnl_read_tx(&a, out, 2, 1000));
	tnl_close(&a);

	ASSERT_EQ(0, tnl_open(&b));
	for (i = 0; i < 100; i++) {
		st = tnl_get_link(&b, l.ifindex);
		if (!st.attached)
			break;
		usleep(10000);
	}
	EXPECT_EQ(l.ifindex, st.ifindex); /* the link is kept */
	EXPECT_EQ(0, st.attached);
	EXPECT_EQ(0, st.carrier);
	EXPECT_EQ(2u, st.stats[RCAN_STATS_TX_DROPPED]);
	EXPECT_EQ(0u, st.inflight);

	/* a new helper takes it back; the old socket keeps working */
	ASSERT_EQ(0, tnl_ifindex_cmd(&b, RCAN_CMD_LINK_ATTACH, l.ifindex, &st));
	EXPECT_EQ(out[1].seq + 1, st.seq);
	ASSERT_EQ(0, tnl_connect_wait(&b, &l));
	ASSERT_EQ(0, send_frame(s, 0x70, 1, 7));
	ASSERT_EQ(1, tnl_read_tx(&b, out, 1, 1000));
	EXPECT_EQ(0x70u, out[0].id);
	EXPECT_EQ(st.seq, out[0].seq);
	out[1] = (struct tnl_frame){ .id = 0x71, .len = 1 };
	ASSERT_EQ(0, tnl_rx(&b, l.ifindex, &out[1], 1));
	ASSERT_TRUE(tnl_wait_readable(s, 1000));
	ASSERT_EQ((ssize_t)sizeof(cf), read(s, &cf, sizeof(cf)));
	EXPECT_EQ(0x71u, cf.can_id);
	close(s);
	EXPECT_EQ(0, tnl_ifindex_cmd(&b, RCAN_CMD_LINK_DEL, l.ifindex, NULL));
	tnl_close(&b);
}

TEST(remove_on_detach)
{
	struct tnl a;
	struct tnl_link l;
	int i;

	ASSERT_EQ(0, tnl_open(&a));
	ASSERT_EQ(0, tnl_link_new(&a, "rtrod%d", RCAN_LINK_F_REMOVE_ON_DETACH,
				  0, true, &l));
	ASSERT_NE(0u, if_nametoindex(l.ifname));
	tnl_close(&a);
	for (i = 0; i < 200 && if_nametoindex(l.ifname); i++)
		usleep(10000);
	EXPECT_EQ(0u, if_nametoindex(l.ifname));
}

static int event_bitrate, event_dbitrate;

static void event_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct tnl_link l;

	(void)arg;
	if (tnl_cmd(nlh) != RCAN_CMD_BITTIMING)
		return;
	memset(&l, 0, sizeof(l));
	tnl_parse_link(nlh, &l);
	event_bitrate = (int)l.bitrate;
	event_dbitrate = (int)l.dbitrate;
}

TEST_F(dp, bitrate_is_accepted_reported_and_announced)
{
	struct tnl ev;
	char cmd[256];

	ASSERT_EQ(0, tnl_open(&ev));
	ASSERT_EQ(0, tnl_subscribe(&ev));
	ASSERT_EQ(0, tnl_if_set_up(self->l.ifname, false));
	snprintf(
		cmd, sizeof(cmd),
		"ip link set %s type can bitrate 500000 dbitrate 2000000 fd on",
		self->l.ifname);
	ASSERT_EQ(0, system(cmd));
	snprintf(cmd, sizeof(cmd),
		 "ip -details link show %s | grep -q 'bitrate 500000'",
		 self->l.ifname);
	EXPECT_EQ(0, system(cmd));
	event_bitrate = 0;
	event_dbitrate = 0;
	/* The data bit rate is announced too (it was dropped silently). */
	while (!event_dbitrate && tnl_wait_readable(ev.fd, 2000)) {
		static char buf[TNL_RX_MAX];
		struct nlmsghdr *nlh;
		ssize_t len = recv(ev.fd, buf, sizeof(buf), 0);

		tnl_for_each_msg(nlh, buf, len)
			if (nlh->nlmsg_type == ev.family)
				event_cb(nlh, NULL);
	}
	EXPECT_EQ(500000, event_bitrate);
	EXPECT_EQ(2000000, event_dbitrate);
	EXPECT_EQ(500000u, tnl_get_link(&self->nl, self->l.ifindex).bitrate);
	EXPECT_EQ(2000000u, tnl_get_link(&self->nl, self->l.ifindex).dbitrate);
	/* and the link still comes up */
	EXPECT_EQ(0, tnl_if_set_up(self->l.ifname, true));
	tnl_close(&ev);
}

TEST_F(dp, can_state_becomes_error_frames)
{
	can_err_mask_t mask = CAN_ERR_MASK;
	static struct tnl_msg m;
	struct can_frame cf;

	ASSERT_EQ(0, setsockopt(self->can, SOL_CAN_RAW, CAN_RAW_ERR_FILTER,
				&mask, sizeof(mask)));
	tnl_req_init(&m, self->nl.family, RCAN_CMD_LINK_SET, 0);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, self->l.ifindex);
	tnl_put_u32(&m, RCAN_ATTR_CAN_STATE, 2 /* CAN_STATE_ERROR_PASSIVE */);
	tnl_put_u16(&m, RCAN_ATTR_TXERR, 130);
	tnl_put_u16(&m, RCAN_ATTR_RXERR, 5);
	ASSERT_EQ(0, tnl_request(&self->nl, &m, NULL, NULL));
	ASSERT_TRUE(tnl_wait_readable(self->can, 1000));
	ASSERT_LT(0, read(self->can, &cf, sizeof(cf)));
	EXPECT_TRUE(cf.can_id & CAN_ERR_FLAG);
	EXPECT_TRUE(cf.can_id & CAN_ERR_CRTL);
	EXPECT_TRUE(cf.data[1] & CAN_ERR_CRTL_TX_PASSIVE);
	EXPECT_EQ(130, cf.data[6]);
	EXPECT_EQ(5, cf.data[7]);
	EXPECT_EQ(2u, tnl_get_link(&self->nl, self->l.ifindex).can_state);

	/* bus-off: carrier off until the remote recovers */
	tnl_req_init(&m, self->nl.family, RCAN_CMD_LINK_SET, 0);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, self->l.ifindex);
	tnl_put_u32(&m, RCAN_ATTR_CAN_STATE, 3 /* CAN_STATE_BUS_OFF */);
	tnl_put_u16(&m, RCAN_ATTR_TXERR, 256);
	ASSERT_EQ(0, tnl_request(&self->nl, &m, NULL, NULL));
	ASSERT_TRUE(tnl_wait_readable(self->can, 1000));
	ASSERT_LT(0, read(self->can, &cf, sizeof(cf)));
	EXPECT_TRUE(cf.can_id & CAN_ERR_BUSOFF);
	EXPECT_EQ(0, tnl_get_link(&self->nl, self->l.ifindex).carrier);
	tnl_req_init(&m, self->nl.family, RCAN_CMD_LINK_SET, 0);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, self->l.ifindex);
	tnl_put_u32(&m, RCAN_ATTR_CAN_STATE, 0 /* CAN_STATE_ERROR_ACTIVE */);
	ASSERT_EQ(0, tnl_request(&self->nl, &m, NULL, NULL));
	EXPECT_EQ(1, tnl_get_link(&self->nl, self->l.ifindex).carrier);
}

/*
 * The last entry of FRAMES may end without its padding, as netlink
 * allows for the last attribute of any nest (nla_ok() takes it, and the
 * remainder goes below zero): such a batch is delivered, not refused.
 */
TEST_F(dp, unpadded_last_frame_is_taken)
{
	const uint8_t data[3] = { 0x11, 0x22, 0x33 };
	struct nlattr *frames, *frame;
	struct can_frame cf;
	struct tnl_msg m;

	tnl_req_init(&m, self->nl.family, RCAN_CMD_FRAMES_RX, 0);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, self->l.ifindex);
	frames = tnl_nest_start(&m, RCAN_ATTR_FRAMES);
	frame = tnl_nest_start(&m, RCAN_ATTR_FRAME);
	tnl_put_u32(&m, RCAN_FRAME_ID, 0x1a3);
	tnl_put(&m, RCAN_FRAME_DATA, data, sizeof(data));
	tnl_nest_end(&m, frame);
	tnl_nest_end(&m, frames);
	/* both lengths without the DATA attribute's one byte of padding */
	frame->nla_len--;
	frames->nla_len--;
	ASSERT_EQ(0, tnl_request(&self->nl, &m, NULL, NULL));
	ASSERT_TRUE(tnl_wait_readable(self->can, 1000));
	ASSERT_EQ((ssize_t)sizeof(cf), read(self->can, &cf, sizeof(cf)));
	EXPECT_EQ(0x1a3u, cf.can_id);
	EXPECT_EQ(3, cf.len);
	EXPECT_EQ(0, memcmp(data, cf.data, sizeof(data)));
}

/*
 * A batch is built whole before any of it goes up, so its size bounds the
 * kernel memory one command pins: one frame more than RCAN_RX_BATCH_MAX
 * is refused, and nothing of it is delivered or counted.
 */
TEST_F(dp, batch_above_the_maximum_is_refused_whole)
{
	static struct tnl_frame f[RCAN_RX_BATCH_MAX + 1];
	struct tnl_link after;
	int i;

	for (i = 0; i <= RCAN_RX_BATCH_MAX; i++)
		f[i] = (struct tnl_frame){ .id = (uint32_t)i & CAN_SFF_MASK };
	EXPECT_EQ(-E2BIG, tnl_rx(&self->nl, self->l.ifindex, f,
				 RCAN_RX_BATCH_MAX + 1));
	EXPECT_FALSE(tnl_wait_readable(self->can, 200));
	after = tnl_get_link(&self->nl, self->l.ifindex);
	EXPECT_EQ(0u, after.stats[RCAN_STATS_RX_PACKETS]);
	EXPECT_EQ(0u, after.stats[RCAN_STATS_RX_DROPPED]);

	ASSERT_EQ(0, tnl_rx(&self->nl, self->l.ifindex, f, RCAN_RX_BATCH_MAX));
	after = tnl_get_link(&self->nl, self->l.ifindex);
	EXPECT_EQ((uint64_t)RCAN_RX_BATCH_MAX,
		  after.stats[RCAN_STATS_RX_PACKETS]);
}

TEST_F(dp, helper_error_frames_and_remote_alias)
{
	can_err_mask_t mask = CAN_ERR_MASK;
	struct tnl_frame f = { .id = CAN_ERR_FLAG | CAN_ERR_PROT, .len = 8 };
	static struct tnl_msg m;
	struct can_frame cf;
	char cmd[256];

	ASSERT_EQ(0, setsockopt(self->can, SOL_CAN_RAW, CAN_RAW_ERR_FILTER,
				&mask, sizeof(mask)));
	f.data[2] = CAN_ERR_PROT_BIT;
	ASSERT_EQ(0, tnl_rx(&self->nl, self->l.ifindex, &f, 1));
	ASSERT_TRUE(tnl_wait_readable(self->can, 1000));
	ASSERT_LT(0, read(self->can, &cf, sizeof(cf)));
	EXPECT_EQ(CAN_ERR_FLAG | CAN_ERR_PROT, cf.can_id);
	EXPECT_EQ(CAN_ERR_PROT_BIT, cf.data[2]);

	tnl_req_init(&m, self->nl.family, RCAN_CMD_LINK_SET, 0);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, self->l.ifindex);
	tnl_put_str(&m, RCAN_ATTR_REMOTE, "can://10.0.0.5:29536/can0");
	ASSERT_EQ(0, tnl_request(&self->nl, &m, NULL, NULL));
	EXPECT_STREQ("can://10.0.0.5:29536/can0",
		     tnl_get_link(&self->nl, self->l.ifindex).remote);
	snprintf(cmd, sizeof(cmd),
		 "ip link show %s | grep -q 'alias can://10.0.0.5:29536/can0'",
		 self->l.ifname);
	EXPECT_EQ(0, system(cmd));
	snprintf(cmd, sizeof(cmd), "ethtool -i %s | grep -q '^driver: rcan'",
		 self->l.ifname);
	EXPECT_EQ(0, system(cmd));
}

/*
 * "ip link set canX type can restart" after the remote reported bus-off.
 * The CAN core calls the driver's do_set_mode(), which must exist (kernels
 * without the 2025 can_changelink() check call it even when NULL). rcan
 * cannot restart the remote's controller: it refuses, and the link stays
 * bus-off without carrier until the helper reports the remote recovered.
 */
TEST_F(dp, restart_after_bus_off_is_refused_not_a_crash)
{
	static struct tnl_msg m;
	char cmd[256];
	struct tnl_link l;

	tnl_req_init(&m, self->nl.family, RCAN_CMD_LINK_SET, 0);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, self->l.ifindex);
	tnl_put_u32(&m, RCAN_ATTR_CAN_STATE, 3 /* CAN_STATE_BUS_OFF */);
	tnl_put_u16(&m, RCAN_ATTR_TXERR, 256);
	ASSERT_EQ(0, tnl_request(&self->nl, &m, NULL, NULL));
	ASSERT_EQ(0, tnl_get_link(&self->nl, self->l.ifindex).carrier);

	snprintf(cmd, sizeof(cmd),
		 "ip link set %s type can restart 2>/dev/null", self->l.ifname);
	EXPECT_NE(0, system(cmd));
	l = tnl_get_link(&self->nl, self->l.ifindex);
	EXPECT_EQ(3u, l.can_state);
	EXPECT_EQ(0, l.carrier);
	EXPECT_EQ(0, sysfs_carrier(self->l.ifname));

	/* The remote recovers: carrier and traffic come back. */
	tnl_req_init(&m, self->nl.family, RCAN_CMD_LINK_SET, 0);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, self->l.ifindex);
	tnl_put_u32(&m, RCAN_ATTR_CAN_STATE, 0 /* CAN_STATE_ERROR_ACTIVE */);
	ASSERT_EQ(0, tnl_request(&self->nl, &m, NULL, NULL));
	EXPECT_EQ(1, tnl_get_link(&self->nl, self->l.ifindex).carrier);
}

/* NOLINTEND(bugprone-suspicious-semicolon) */

/* The SEQ of a TX_FAILED_NTF, kept by tnl_wait()'s "other" callback. */
static void failed_ntf_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[RCAN_ATTR_MAX + 1];
	int64_t *seq = arg;

	if (tnl_cmd(nlh) != RCAN_CMD_TX_FAILED_NTF)
		return;
	tnl_parse_genl(nlh, tb, RCAN_ATTR_MAX);
	if (tb[RCAN_ATTR_SEQ])
		*seq = tnl_attr_u32(tb[RCAN_ATTR_SEQ]);
}

/*
 * Frames the owner was sent and the kernel then failed (the link went
 * down) are told to the owner; its late verdict on them confirms nothing,
 * not even the frames sent after the link came up again.
 */
TEST(frames_failed_at_link_down_are_told_to_the_owner)
{
	static struct tnl_msg m;
	struct tnl_frame out[8];
	int64_t failed = -1;
	struct tnl_link l, st;
	struct tnl nl;
	int s, i;

	ASSERT_EQ(0, tnl_open(&nl));
	ASSERT_EQ(0, tnl_link_ready(&nl, "rtfail%d", 0, 64, &l));
	s = tnl_can_open(l.ifindex, false);
	ASSERT_LE(0, s);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, send_frame(s, 0x60 + i, 1, i));
	ASSERT_EQ(3, tnl_read_tx(&nl, out, 3, 1000));
	ASSERT_EQ(0, tnl_if_set_up(l.ifname, false));
	/* What came meanwhile, before the answer to a request of our own. */
	tnl_req_init(&m, nl.family, RCAN_CMD_LINK_GET, NLM_F_ACK);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, l.ifindex);
	ASSERT_EQ(0, tnl_send(&nl, &m));
	EXPECT_EQ(0, tnl_wait(&nl, nl.seq, tnl_parse_link, &st, failed_ntf_cb,
			      &failed));
	EXPECT_EQ((int64_t)out[2].seq, failed);
	EXPECT_EQ(0u, st.inflight);
	EXPECT_EQ(3u, st.stats[RCAN_STATS_TX_DROPPED]);

	/* Up again: two new frames; the late verdict settles none of them. */
	ASSERT_EQ(0, tnl_if_set_up(l.ifname, true));
	ASSERT_TRUE(tnl_wait_operstate_up(l.ifname));
	/* The socket reports the link's going down once (ENETDOWN). */
	close(s);
	s = tnl_can_open(l.ifindex, false);
	ASSERT_LE(0, s);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, send_frame(s, 0x70 + i, 1, i));
	ASSERT_EQ(2, tnl_read_tx(&nl, out + 3, 2, 1000));
	EXPECT_EQ(0, tnl_verdict(&nl, RCAN_CMD_TX_DONE, l.ifindex, out[2].seq));
	st = tnl_get_link(&nl, l.ifindex);
	EXPECT_EQ(0u, st.stats[RCAN_STATS_TX_PACKETS]);
	EXPECT_EQ(2u, st.inflight);
	EXPECT_EQ(0, tnl_verdict(&nl, RCAN_CMD_TX_DONE, l.ifindex, out[4].seq));
	st = tnl_get_link(&nl, l.ifindex);
	EXPECT_EQ(2u, st.stats[RCAN_STATS_TX_PACKETS]);
	close(s);
	tnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL, l.ifindex, NULL);
	tnl_close(&nl);
}

TEST_HARNESS_MAIN
