// SPDX-License-Identifier: GPL-2.0
/*
 * The rcan generic netlink ABI driven directly (no rcand): link life cycle,
 * namespaces, permissions, and refusal of malformed messages with the
 * right errno and an extack message, without delivering anything.
 * Needs rcan.ko, can and can_raw loaded, and root.
 */

#include <errno.h>
#include <grp.h>
#include <linux/can.h>
#include <linux/can/error.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/ktap.h"
#include "../lib/rcan_testnl.h"
#include "kselftest_harness.h"

/*
 * kselftest_harness.h's EXPECT_* and ASSERT_* expand to a for loop whose
 * body is the macro's own statement; clang-tidy reads that as a stray
 * semicolon after every check.
 */
/* NOLINTBEGIN(bugprone-suspicious-semicolon) */

FIXTURE(abi)
{
	struct tnl nl;
};

FIXTURE_SETUP(abi)
{
	ASSERT_EQ(0, tnl_open(&self->nl));
}

FIXTURE_TEARDOWN(abi)
{
	tnl_close(&self->nl);
}

static int dump_count;
static uint32_t dump_seen[64];

static void dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct tnl_link l;

	(void)arg;
	tnl_parse_link(nlh, &l);
	if (dump_count < 64)
		dump_seen[dump_count] = l.ifindex;
	dump_count++;
}

static int dump_links(struct tnl *n)
{
	static struct tnl_msg m;

	dump_count = 0;
	tnl_req_init(&m, n->family, RCAN_CMD_LINK_GET, NLM_F_DUMP);
	return tnl_request(n, &m, dump_cb, NULL);
}

static bool dumped(uint32_t ifindex)
{
	int i;

	for (i = 0; i < dump_count && i < 64; i++)
		if (dump_seen[i] == ifindex)
			return true;
	return false;
}

TEST_F(abi, create_get_dump_delete)
{
	struct tnl_link l, g;

	ASSERT_EQ(0, tnl_link_new(&self->nl, "rtest%d", 0, 0, false, &l));
	ASSERT_NE(0, l.ifindex);
	EXPECT_EQ(0, strncmp(l.ifname, "rtest", 5));
	EXPECT_EQ(l.ifindex, if_nametoindex(l.ifname));
	EXPECT_EQ(RCAN_TX_WINDOW_DEFAULT, l.window);
	EXPECT_EQ(0, l.attached);
	EXPECT_EQ(0, l.carrier);
	ASSERT_EQ(0,
		  tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_GET, l.ifindex, &g));
	EXPECT_STREQ(l.ifname, g.ifname);
	ASSERT_EQ(0, dump_links(&self->nl));
	EXPECT_TRUE(dumped(l.ifindex));
	ASSERT_EQ(0, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, l.ifindex,
				     NULL));
	EXPECT_EQ(-ENODEV, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_GET,
					   l.ifindex, NULL));
	EXPECT_EQ(0u, if_nametoindex(l.ifname));
}

TEST_F(abi, default_name_and_attach_reply)
{
	struct tnl_link l;

	ASSERT_EQ(0,
		  tnl_link_new(&self->nl, NULL, RCAN_LINK_F_FD, 16, true, &l));
	EXPECT_EQ(0, strncmp(l.ifname, "can", 3));
	EXPECT_EQ(1, l.attached);
	EXPECT_EQ(self->nl.portid, l.owner);
	EXPECT_EQ(16u, l.window);
	EXPECT_EQ(RCAN_LINK_F_FD, l.flags);
	EXPECT_EQ(0u, l.inflight);
	EXPECT_EQ(0, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, l.ifindex,
				     NULL));
}

TEST_F(abi, name_collision)
{
	struct tnl_link l;

	ASSERT_EQ(0, tnl_link_new(&self->nl, "rtcoll0", 0, 0, false, &l));
	EXPECT_EQ(-EEXIST,
		  tnl_link_new(&self->nl, "rtcoll0", 0, 0, false, NULL));
	EXPECT_NE(0, self->nl.extack[0]);
	TH_LOG("extack: %s", self->nl.extack);
	EXPECT_EQ(-EEXIST, tnl_link_new(&self->nl, "lo", 0, 0, false, NULL));
	EXPECT_EQ(0, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, l.ifindex,
				     NULL));
}

TEST_F(abi, unknown_ifindex)
{
	static const uint8_t cmds[] = { RCAN_CMD_LINK_GET, RCAN_CMD_LINK_DEL,
					RCAN_CMD_LINK_ATTACH,
					RCAN_CMD_LINK_DETACH };
	unsigned int i;

	for (i = 0; i < sizeof(cmds); i++) {
		EXPECT_EQ(-ENODEV,
			  tnl_ifindex_cmd(&self->nl, cmds[i], 0x7ffff0, NULL));
		EXPECT_NE(0, self->nl.extack[0]);
	}
	/* lo exists but is no rcan link */
	EXPECT_EQ(-ENODEV, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_GET,
					   if_nametoindex("lo"), NULL));
	EXPECT_EQ(-ENODEV, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL,
					   if_nametoindex("lo"), NULL));
}

TEST_F(abi, twenty_links)
{
	struct tnl_link l[20];
	int i;

	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, tnl_link_new(&self->nl, "rtmany%d", 0, 0, i % 2,
					  &l[i]));
	ASSERT_EQ(0, dump_links(&self->nl));
	EXPECT_GE(dump_count, 20);
	for (i = 0; i < 20; i++)
		EXPECT_TRUE(dumped(l[i].ifindex));
	for (i = 0; i < 20; i++)
		EXPECT_EQ(0, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL,
					     l[i].ifindex, NULL));
}

TEST_F(abi, attach_busy_detach)
{
	struct tnl other;
	struct tnl_link l, g;

	ASSERT_EQ(0, tnl_open(&other));
	ASSERT_EQ(0, tnl_link_new(&self->nl, "rtatt%d", 0, 0, true, &l));
	EXPECT_EQ(-EBUSY, tnl_ifindex_cmd(&other, RCAN_CMD_LINK_ATTACH,
					  l.ifindex, NULL));
	EXPECT_NE(0, other.extack[0]);
	/* attaching twice from the owner is harmless */
	EXPECT_EQ(0, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_ATTACH, l.ifindex,
				     NULL));
	EXPECT_EQ(0, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DETACH, l.ifindex,
				     NULL));
	EXPECT_EQ(-ENOTCONN, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DETACH,
					     l.ifindex, NULL));
	ASSERT_EQ(0,
		  tnl_ifindex_cmd(&other, RCAN_CMD_LINK_ATTACH, l.ifindex, &g));
	EXPECT_EQ(other.portid, g.owner);
	EXPECT_EQ(1, g.attached);
	/* an admin may take a link away from its helper (rcand detach) */
	EXPECT_EQ(0, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DETACH, l.ifindex,
				     NULL));
	ASSERT_EQ(0,
		  tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_GET, l.ifindex, &g));
	EXPECT_EQ(0, g.attached);
	EXPECT_EQ(0, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, l.ifindex,
				     NULL));
	tnl_close(&other);
}

/* A link in another namespace is invisible; one here is invisible there. */
TEST_F(abi, netns_isolation)
{
	struct tnl_link l;
	int st, pfd[2];
	pid_t pid;

	ASSERT_EQ(0, tnl_link_new(&self->nl, "rtns0", 0, 0, false, &l));
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct tnl n;
		struct tnl_link c = { 0 };
		uint32_t idx;

		close(pfd[0]);
		if (!KTAP_CHECK_EQ(0, unshare(CLONE_NEWNET)) ||
		    !KTAP_CHECK_EQ(0, tnl_open(&n)))
			_exit(ktap_check_status());
		KTAP_CHECK_EQ(-ENODEV, tnl_ifindex_cmd(&n, RCAN_CMD_LINK_GET,
						       l.ifindex, NULL));
		KTAP_CHECK(!dump_links(&n) && dump_count == 0);
		/* same name, other namespace: no collision */
		KTAP_CHECK_EQ(0, tnl_link_new(&n, "rtns0", 0, 0, false, &c));
		idx = c.ifindex;
		KTAP_CHECK_EQ(sizeof(idx), write(pfd[1], &idx, sizeof(idx)));
		KTAP_CHECK(!dump_links(&n) && dump_count == 1);
		/* the namespace goes with the child: its link with it */
		_exit(ktap_check_status());
	}
	close(pfd[1]);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	ASSERT_EQ(0, dump_links(&self->nl));
	EXPECT_TRUE(dumped(l.ifindex));
	close(pfd[0]);
	EXPECT_EQ(0, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, l.ifindex,
				     NULL));
}

/* Every changing command, as an unprivileged process sends it. */
static int unpriv_cmd(struct tnl *n, uint8_t cmd, uint32_t ifindex)
{
	static struct tnl_msg m;
	struct tnl_frame f = { .id = 0x123, .len = 1 };

	tnl_req_init(&m, n->family, cmd, 0);
	switch (cmd) {
	case RCAN_CMD_LINK_NEW:
		tnl_put_str(&m, RCAN_ATTR_IFNAME, "rtperm%d");
		break;
	case RCAN_CMD_FRAMES_RX:
		tnl_put_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
		tnl_put_frames(&m, &f, 1);
		break;
	case RCAN_CMD_TX_DONE:
	case RCAN_CMD_TX_FAIL:
		tnl_put_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
		tnl_put_u32(&m, RCAN_ATTR_SEQ, 0);
		break;
	case RCAN_CMD_LINK_SET:
		tnl_put_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
		tnl_put_u8(&m, RCAN_ATTR_CONNECTED, 1);
		break;
	default:
		tnl_put_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
	}
	return tnl_request(n, &m, NULL, NULL);
}

TEST_F(abi, unprivileged_eperm)
{
	static const uint8_t cmds[] = {
		RCAN_CMD_LINK_NEW,   RCAN_CMD_LINK_DEL,	   RCAN_CMD_LINK_SET,
		RCAN_CMD_LINK_ATTACH, RCAN_CMD_LINK_DETACH, RCAN_CMD_FRAMES_RX,
		RCAN_CMD_TX_DONE,    RCAN_CMD_TX_FAIL,
	};
	struct tnl_link l;
	int st;
	pid_t pid;

	ASSERT_EQ(0, tnl_link_new(&self->nl, "rtperm%d", 0, 0, false, &l));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct tnl n;
		struct tnl_link g;
		unsigned int i;

		/* nobody: every capability is gone with the uid change */
		if (!KTAP_CHECK(!setgroups(0, NULL) && !setgid(65534) &&
				!setuid(65534)) ||
		    !KTAP_CHECK_EQ(0, tnl_open(&n)))
			_exit(ktap_check_status());
		for (i = 0; i < sizeof(cmds); i++)
			if (!KTAP_CHECK_EQ(-EPERM,
					   unpriv_cmd(&n, cmds[i], l.ifindex)))
				ktap_diag("(command %u)", cmds[i]);
		/* reading is open to all */
		KTAP_CHECK(!tnl_ifindex_cmd(&n, RCAN_CMD_LINK_GET, l.ifindex,
					    &g) &&
			   g.ifindex == l.ifindex);
		KTAP_CHECK(!dump_links(&n) && dumped(l.ifindex));
		_exit(ktap_check_status());
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	/* and nothing happened to the link */
	ASSERT_EQ(0,
		  tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_GET, l.ifindex, &l));
	EXPECT_EQ(0, l.attached);
	EXPECT_EQ(0, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, l.ifindex,
				     NULL));
}

/*
 * A request of another ABI version (a helper of another release) is
 * refused whole, with a message naming the module's version: the
 * version 1 verdict by COUNT cannot confirm frames by accident.
 */
TEST_F(abi, another_abi_version_refused)
{
	static struct tnl_msg m;
	uint8_t versions[] = { 0, 1, RCAN_GENL_VERSION + 1, 255 };
	struct tnl_link l;
	unsigned int i;

	ASSERT_EQ(0, tnl_link_new(&self->nl, "rtver%d", 0, 0, false, &l));
	for (i = 0; i < sizeof(versions); i++) {
		tnl_msg_init(&m, self->nl.family, NLM_F_REQUEST | NLM_F_ACK,
			     RCAN_CMD_LINK_GET, versions[i]);
		tnl_put_u32(&m, RCAN_ATTR_IFINDEX, l.ifindex);
		self->nl.extack[0] = 0;
		EXPECT_EQ(-EPROTO, tnl_request(&self->nl, &m, NULL, NULL));
		EXPECT_NE(NULL, strstr(self->nl.extack, "ABI version"));
		TH_LOG("version %u: %s", versions[i], self->nl.extack);
		tnl_msg_init(&m, self->nl.family,
			     NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
			     RCAN_CMD_LINK_GET, versions[i]);
		EXPECT_EQ(-EPROTO, tnl_request(&self->nl, &m, NULL, NULL));
	}
	EXPECT_EQ(0, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, l.ifindex,
				     NULL));
}

TEST_F(abi, bad_link_options)
{
	static struct tnl_msg m;

	tnl_req_init(&m, self->nl.family, RCAN_CMD_LINK_NEW, 0);
	tnl_put_u32(&m, RCAN_ATTR_LINK_FLAGS, 1u << 7);
	EXPECT_EQ(-EINVAL, tnl_request(&self->nl, &m, NULL, NULL));
	EXPECT_NE(0, self->nl.extack[0]);
	tnl_req_init(&m, self->nl.family, RCAN_CMD_LINK_NEW, 0);
	tnl_put_u32(&m, RCAN_ATTR_TX_WINDOW, 0);
	EXPECT_EQ(-ERANGE, tnl_request(&self->nl, &m, NULL, NULL));
	tnl_req_init(&m, self->nl.family, RCAN_CMD_LINK_NEW, 0);
	tnl_put_u32(&m, RCAN_ATTR_TX_WINDOW, RCAN_TX_WINDOW_MAX + 1);
	EXPECT_EQ(-ERANGE, tnl_request(&self->nl, &m, NULL, NULL));
	tnl_req_init(&m, self->nl.family, RCAN_CMD_LINK_NEW, 0);
	tnl_put_str(&m, RCAN_ATTR_IFNAME, "a/b");
	EXPECT_EQ(-EINVAL, tnl_request(&self->nl, &m, NULL, NULL));
	EXPECT_NE(0, self->nl.extack[0]);
	tnl_req_init(&m, self->nl.family, RCAN_CMD_LINK_NEW, 0);
	tnl_put_str(&m, RCAN_ATTR_IFNAME, "waytoolonganame_x");
	EXPECT_EQ(-EINVAL, tnl_request(&self->nl, &m, NULL, NULL));
	/* missing ifindex */
	tnl_req_init(&m, self->nl.family, RCAN_CMD_LINK_DEL, 0);
	EXPECT_EQ(-EINVAL, tnl_request(&self->nl, &m, NULL, NULL));
	EXPECT_NE(0, self->nl.extack[0]);
	/* a reply-only command */
	tnl_req_init(&m, self->nl.family, RCAN_CMD_FRAMES_TX, 0);
	EXPECT_EQ(-EOPNOTSUPP, tnl_request(&self->nl, &m, NULL, NULL));
}

/* Malformed frames on an owned classic link: refused, nothing delivered. */
FIXTURE(frames)
{
	struct tnl nl;
	struct tnl_link classic, fd;
	int can_c, can_fd;
};

FIXTURE_SETUP(frames)
{
	ASSERT_EQ(0, tnl_open(&self->nl));
	ASSERT_EQ(0, tnl_link_new(&self->nl, "rtbad%d", 0, 0, true,
				  &self->classic));
	ASSERT_EQ(0, tnl_link_new(&self->nl, "rtbad%d", RCAN_LINK_F_FD, 0, true,
				  &self->fd));
	ASSERT_EQ(0, tnl_if_set_up(self->classic.ifname, true));
	ASSERT_EQ(0, tnl_if_set_up(self->fd.ifname, true));
	self->can_c = tnl_can_open(self->classic.ifindex, true);
	self->can_fd = tnl_can_open(self->fd.ifindex, true);
	ASSERT_GE(self->can_c, 0);
	ASSERT_GE(self->can_fd, 0);
}

FIXTURE_TEARDOWN(frames)
{
	struct canfd_frame cf;

	/* nothing of it reached a socket */
	EXPECT_GT(0, read(self->can_c, &cf, sizeof(cf)));
	EXPECT_GT(0, read(self->can_fd, &cf, sizeof(cf)));
	close(self->can_c);
	close(self->can_fd);
	tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, self->classic.ifindex,
			NULL);
	tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, self->fd.ifindex, NULL);
	tnl_close(&self->nl);
}

#define EXPECT_REFUSED(err, expr)                                   \
	do {                                                        \
		self->nl.extack[0] = 0;                             \
		EXPECT_EQ(err, (expr));                             \
		EXPECT_NE(0, self->nl.extack[0]);                   \
		TH_LOG("%s -> %s", #expr, self->nl.extack);          \
	} while (0)

TEST_F(frames, missing_attributes)
{
	static struct tnl_msg m;
	struct nlattr *nest, *fr;

	tnl_req_init(&m, self->nl.family, RCAN_CMD_FRAMES_RX, 0);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, self->classic.ifindex);
	EXPECT_REFUSED(-EINVAL, tnl_request(&self->nl, &m, NULL, NULL));

	tnl_req_init(&m, self->nl.family, RCAN_CMD_FRAMES_RX, 0);
	nest = tnl_nest_start(&m, RCAN_ATTR_FRAMES);
	tnl_nest_end(&m, nest);
	EXPECT_REFUSED(-EINVAL, tnl_request(&self->nl, &m, NULL, NULL));

	/* a frame without its id */
	tnl_req_init(&m, self->nl.family, RCAN_CMD_FRAMES_RX, 0);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, self->classic.ifindex);
	nest = tnl_nest_start(&m, RCAN_ATTR_FRAMES);
	fr = tnl_nest_start(&m, RCAN_ATTR_FRAME);
	tnl_put(&m, RCAN_FRAME_DATA, "ab", 2);
	tnl_nest_end(&m, fr);
	tnl_nest_end(&m, nest);
	EXPECT_REFUSED(-EINVAL, tnl_request(&self->nl, &m, NULL, NULL));

	/* empty batch */
	tnl_req_init(&m, self->nl.family, RCAN_CMD_FRAMES_RX, 0);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, self->classic.ifindex);
	nest = tnl_nest_start(&m, RCAN_ATTR_FRAMES);
	tnl_nest_end(&m, nest);
	EXPECT_REFUSED(-EINVAL, tnl_request(&self->nl, &m, NULL, NULL));

	/* TX_DONE without SEQ */
	tnl_req_init(&m, self->nl.family, RCAN_CMD_TX_DONE, 0);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, self->classic.ifindex);
	EXPECT_REFUSED(-EINVAL, tnl_request(&self->nl, &m, NULL, NULL));
	/* a sequence number never handed out */
	EXPECT_REFUSED(-ERANGE, tnl_verdict(&self->nl, RCAN_CMD_TX_DONE,
					    self->classic.ifindex, 5));
	EXPECT_REFUSED(-ERANGE, tnl_verdict(&self->nl, RCAN_CMD_TX_FAIL,
					    self->classic.ifindex, 1));
}

TEST_F(frames, bad_lengths)
{
	struct tnl_frame f[2] = { { .id = 0x100, .len = 8 } };

	/* oversize data (policy) */
	f[1] = (struct tnl_frame){ .id = 0x101, .len = 65 };
	EXPECT_REFUSED(-ERANGE, tnl_rx(&self->nl, self->fd.ifindex, f, 2));
	f[1].flags = RCAN_FRAME_F_FD;
	EXPECT_REFUSED(-ERANGE, tnl_rx(&self->nl, self->fd.ifindex, f, 2));
	/* > 8 on a classic link, classic frame on an FD link */
	f[1] = (struct tnl_frame){ .id = 0x101, .len = 9 };
	EXPECT_REFUSED(-EMSGSIZE,
		       tnl_rx(&self->nl, self->classic.ifindex, f, 2));
	EXPECT_REFUSED(-EMSGSIZE, tnl_rx(&self->nl, self->fd.ifindex, f, 2));
	/* not a CAN FD length */
	f[1].flags = RCAN_FRAME_F_FD;
	f[1].len = 9;
	EXPECT_REFUSED(-EINVAL, tnl_rx(&self->nl, self->fd.ifindex, f, 2));
	f[1].len = 63;
	EXPECT_REFUSED(-EINVAL, tnl_rx(&self->nl, self->fd.ifindex, f, 2));
	/* RTR with a length above 8 */
	f[1] = (struct tnl_frame){ .id = 0x101 | CAN_RTR_FLAG,
				   .len = 9,
				   .has_len_attr = true };
	EXPECT_REFUSED(-ERANGE, tnl_rx(&self->nl, self->classic.ifindex, f, 2));
	/* an error frame longer than 8 */
	f[1] = (struct tnl_frame){ .id = CAN_ERR_FLAG | CAN_ERR_BUSERROR,
				   .len = 9 };
	EXPECT_REFUSED(-EMSGSIZE,
		       tnl_rx(&self->nl, self->classic.ifindex, f, 2));
}

TEST_F(frames, fd_on_classic_link)
{
	struct tnl_frame f[2] = {
		{ .id = 0x100, .len = 8 },
		{ .id = 0x101, .len = 12, .flags = RCAN_FRAME_F_FD }
	};

	EXPECT_REFUSED(-EOPNOTSUPP,
		       tnl_rx(&self->nl, self->classic.ifindex, f, 2));
	f[1].len = 8;
	EXPECT_REFUSED(-EOPNOTSUPP,
		       tnl_rx(&self->nl, self->classic.ifindex, f, 2));
}

TEST_F(frames, bad_flags_and_ids)
{
	struct tnl_frame f[2] = { { .id = 0x100, .len = 8 },
				  { .id = 0x101, .len = 1, .flags = 1u << 5 } };

	EXPECT_REFUSED(-EINVAL, tnl_rx(&self->nl, self->fd.ifindex, f, 2));
	/* BRS on a classic frame */
	f[1].flags = RCAN_FRAME_F_BRS;
	EXPECT_REFUSED(-EINVAL, tnl_rx(&self->nl, self->fd.ifindex, f, 2));
	/* 11-bit id out of range */
	f[1] = (struct tnl_frame){ .id = 0x800, .len = 1 };
	EXPECT_REFUSED(-EINVAL, tnl_rx(&self->nl, self->classic.ifindex, f, 2));
	/* RTR with data */
	f[1] = (struct tnl_frame){ .id = 0x100 | CAN_RTR_FLAG, .len = 2 };
	EXPECT_REFUSED(-EINVAL, tnl_rx(&self->nl, self->classic.ifindex, f, 2));
	/* LEN on a data frame */
	f[1] = (struct tnl_frame){ .id = 0x100,
				   .len = 2,
				   .has_len_attr = true };
	EXPECT_REFUSED(-EINVAL, tnl_rx(&self->nl, self->classic.ifindex, f, 2));
	/* error frame with EFF */
	f[1] = (struct tnl_frame){ .id = CAN_ERR_FLAG | CAN_EFF_FLAG,
				   .len = 8 };
	EXPECT_REFUSED(-EINVAL, tnl_rx(&self->nl, self->classic.ifindex, f, 2));
}

TEST_F(frames, not_the_owner)
{
	struct tnl_frame f = { .id = 0x100, .len = 8 };
	struct tnl other;

	ASSERT_EQ(0, tnl_open(&other));
	other.extack[0] = 0;
	EXPECT_EQ(-EPERM, tnl_rx(&other, self->classic.ifindex, &f, 1));
	EXPECT_NE(0, other.extack[0]);
	EXPECT_EQ(-EPERM, tnl_verdict(&other, RCAN_CMD_TX_DONE,
				      self->classic.ifindex, 0));
	EXPECT_EQ(-EPERM, tnl_set_connected(&other, self->classic.ifindex, 1));
	/* the owner gave it up: nobody owns it */
	ASSERT_EQ(0, tnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DETACH,
				     self->classic.ifindex, NULL));
	EXPECT_EQ(-EPERM, tnl_rx(&self->nl, self->classic.ifindex, &f, 1));
	tnl_close(&other);
}

/* NOLINTEND(bugprone-suspicious-semicolon) */

TEST_HARNESS_MAIN
