// SPDX-License-Identifier: GPL-2.0
/*
 * The rcan generic netlink ABI driven directly (no rcand): link life cycle,
 * namespaces, permissions, and refusal of malformed messages with the
 * right errno and an extack message, without delivering anything.
 * Needs rcan.ko, can and can_raw loaded, and root.
 */

#include <grp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "rcan_nl.h"
#include "kselftest_harness.h"

/*
 * kselftest_harness.h's EXPECT_* and ASSERT_* expand to a for loop whose
 * body is the macro's own statement; clang-tidy reads that as a stray
 * semicolon after every check.
 */
/* NOLINTBEGIN(bugprone-suspicious-semicolon) */

FIXTURE(abi)
{
	struct rnl nl;
};

FIXTURE_SETUP(abi)
{
	ASSERT_EQ(0, rnl_open(&self->nl));
}

FIXTURE_TEARDOWN(abi)
{
	rnl_close(&self->nl);
}

static int dump_count;
static uint32_t dump_seen[64];

static void dump_cb(struct nlmsghdr *nlh, void *arg)
{
	struct rlink l;

	(void)arg;
	rnl_parse_link(nlh, &l);
	if (dump_count < 64)
		dump_seen[dump_count] = l.ifindex;
	dump_count++;
}

static int dump_links(struct rnl *n)
{
	static struct rmsg m;

	dump_count = 0;
	rmsg_init(&m, n->family, RCAN_CMD_LINK_GET, NLM_F_DUMP);
	return rnl_request(n, &m, dump_cb, NULL);
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
	struct rlink l, g;

	ASSERT_EQ(0, rnl_link_new(&self->nl, "rtest%d", 0, 0, false, &l));
	ASSERT_NE(0, l.ifindex);
	EXPECT_EQ(0, strncmp(l.ifname, "rtest", 5));
	EXPECT_EQ(l.ifindex, if_nametoindex(l.ifname));
	EXPECT_EQ(RCAN_TX_WINDOW_DEFAULT, l.window);
	EXPECT_EQ(0, l.attached);
	EXPECT_EQ(0, l.carrier);
	ASSERT_EQ(0, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_GET, l.ifindex,
				     &g));
	EXPECT_STREQ(l.ifname, g.ifname);
	ASSERT_EQ(0, dump_links(&self->nl));
	EXPECT_TRUE(dumped(l.ifindex));
	ASSERT_EQ(0, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, l.ifindex,
				     NULL));
	EXPECT_EQ(-ENODEV, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_GET,
					   l.ifindex, NULL));
	EXPECT_EQ(0u, if_nametoindex(l.ifname));
}

TEST_F(abi, default_name_and_attach_reply)
{
	struct rlink l;

	ASSERT_EQ(0, rnl_link_new(&self->nl, NULL, RCAN_LINK_F_FD, 16, true,
				  &l));
	EXPECT_EQ(0, strncmp(l.ifname, "can", 3));
	EXPECT_EQ(1, l.attached);
	EXPECT_EQ(self->nl.portid, l.owner);
	EXPECT_EQ(16u, l.window);
	EXPECT_EQ(RCAN_LINK_F_FD, l.flags);
	EXPECT_EQ(0u, l.inflight);
	EXPECT_EQ(0, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, l.ifindex,
				     NULL));
}

TEST_F(abi, name_collision)
{
	struct rlink l;

	ASSERT_EQ(0, rnl_link_new(&self->nl, "rtcoll0", 0, 0, false, &l));
	EXPECT_EQ(-EEXIST, rnl_link_new(&self->nl, "rtcoll0", 0, 0, false,
					NULL));
	EXPECT_NE(0, self->nl.extack[0]);
	TH_LOG("extack: %s", self->nl.extack);
	EXPECT_EQ(-EEXIST, rnl_link_new(&self->nl, "lo", 0, 0, false, NULL));
	EXPECT_EQ(0, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, l.ifindex,
				     NULL));
}

TEST_F(abi, unknown_ifindex)
{
	static const uint8_t cmds[] = { RCAN_CMD_LINK_GET, RCAN_CMD_LINK_DEL,
					RCAN_CMD_LINK_ATTACH,
					RCAN_CMD_LINK_DETACH };
	unsigned int i;

	for (i = 0; i < sizeof(cmds); i++) {
		EXPECT_EQ(-ENODEV, rnl_ifindex_cmd(&self->nl, cmds[i],
						   0x7ffff0, NULL));
		EXPECT_NE(0, self->nl.extack[0]);
	}
	/* lo exists but is no rcan link */
	EXPECT_EQ(-ENODEV, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_GET,
					   if_nametoindex("lo"), NULL));
	EXPECT_EQ(-ENODEV, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL,
					   if_nametoindex("lo"), NULL));
}

TEST_F(abi, twenty_links)
{
	struct rlink l[20];
	int i;

	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, rnl_link_new(&self->nl, "rtmany%d", 0, 0,
					  i % 2, &l[i]));
	ASSERT_EQ(0, dump_links(&self->nl));
	EXPECT_GE(dump_count, 20);
	for (i = 0; i < 20; i++)
		EXPECT_TRUE(dumped(l[i].ifindex));
	for (i = 0; i < 20; i++)
		EXPECT_EQ(0, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL,
					     l[i].ifindex, NULL));
}

TEST_F(abi, attach_busy_detach)
{
	struct rnl other;
	struct rlink l, g;

	ASSERT_EQ(0, rnl_open(&other));
	ASSERT_EQ(0, rnl_link_new(&self->nl, "rtatt%d", 0, 0, true, &l));
	EXPECT_EQ(-EBUSY, rnl_ifindex_cmd(&other, RCAN_CMD_LINK_ATTACH,
					  l.ifindex, NULL));
	EXPECT_NE(0, other.extack[0]);
	/* attaching twice from the owner is harmless */
	EXPECT_EQ(0, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_ATTACH,
				     l.ifindex, NULL));
	EXPECT_EQ(0, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DETACH,
				     l.ifindex, NULL));
	EXPECT_EQ(-ENOTCONN, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DETACH,
					     l.ifindex, NULL));
	ASSERT_EQ(0, rnl_ifindex_cmd(&other, RCAN_CMD_LINK_ATTACH, l.ifindex,
				     &g));
	EXPECT_EQ(other.portid, g.owner);
	EXPECT_EQ(1, g.attached);
	/* an admin may take a link away from its helper (rcand detach) */
	EXPECT_EQ(0, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DETACH,
				     l.ifindex, NULL));
	ASSERT_EQ(0, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_GET, l.ifindex,
				     &g));
	EXPECT_EQ(0, g.attached);
	EXPECT_EQ(0, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, l.ifindex,
				     NULL));
	rnl_close(&other);
}

/* A link in another namespace is invisible; one here is invisible there. */
TEST_F(abi, netns_isolation)
{
	struct rlink l;
	int st, pfd[2];
	pid_t pid;

	ASSERT_EQ(0, rnl_link_new(&self->nl, "rtns0", 0, 0, false, &l));
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct rnl n;
		struct rlink c = { 0 };
		uint32_t idx;
		int rc = 0;

		close(pfd[0]);
		if (unshare(CLONE_NEWNET) || rnl_open(&n))
			_exit(10);
		if (rnl_ifindex_cmd(&n, RCAN_CMD_LINK_GET, l.ifindex, NULL) !=
		    -ENODEV)
			rc |= 1;
		if (dump_links(&n) || dump_count != 0)
			rc |= 2;
		/* same name, other namespace: no collision */
		if (rnl_link_new(&n, "rtns0", 0, 0, false, &c))
			rc |= 4;
		idx = c.ifindex;
		if (write(pfd[1], &idx, sizeof(idx)) != sizeof(idx))
			rc |= 8;
		if (dump_links(&n) || dump_count != 1)
			rc |= 16;
		/* the namespace goes with the child: its link with it */
		_exit(rc);
	}
	close(pfd[1]);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	ASSERT_EQ(0, dump_links(&self->nl));
	EXPECT_TRUE(dumped(l.ifindex));
	close(pfd[0]);
	EXPECT_EQ(0, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, l.ifindex,
				     NULL));
}

/* Every changing command, as an unprivileged process sends it. */
static int unpriv_cmd(struct rnl *n, uint8_t cmd, uint32_t ifindex)
{
	static struct rmsg m;
	struct rframe f = { .id = 0x123, .len = 1 };
	struct nlattr *nest;

	rmsg_init(&m, n->family, cmd, 0);
	switch (cmd) {
	case RCAN_CMD_LINK_NEW:
		rmsg_str(&m, RCAN_ATTR_IFNAME, "rtperm%d");
		break;
	case RCAN_CMD_FRAMES_RX:
		rmsg_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
		nest = rmsg_nest(&m, RCAN_ATTR_FRAMES);
		rmsg_frame(&m, &f);
		rmsg_nest_end(&m, nest);
		break;
	case RCAN_CMD_TX_DONE:
	case RCAN_CMD_TX_FAIL:
		rmsg_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
		rmsg_u32(&m, RCAN_ATTR_SEQ, 0);
		break;
	case RCAN_CMD_LINK_SET:
		rmsg_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
		rmsg_u8(&m, RCAN_ATTR_CONNECTED, 1);
		break;
	default:
		rmsg_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
	}
	return rnl_request(n, &m, NULL, NULL);
}

TEST_F(abi, unprivileged_eperm)
{
	static const uint8_t cmds[] = {
		RCAN_CMD_LINK_NEW,   RCAN_CMD_LINK_DEL,	   RCAN_CMD_LINK_SET,
		RCAN_CMD_LINK_ATTACH, RCAN_CMD_LINK_DETACH, RCAN_CMD_FRAMES_RX,
		RCAN_CMD_TX_DONE,    RCAN_CMD_TX_FAIL,
	};
	struct rlink l;
	int st;
	pid_t pid;

	ASSERT_EQ(0, rnl_link_new(&self->nl, "rtperm%d", 0, 0, false, &l));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct rnl n;
		struct rlink g;
		unsigned int i;
		int rc = 0;

		/* nobody: every capability is gone with the uid change */
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(100);
		if (rnl_open(&n))
			_exit(101);
		for (i = 0; i < sizeof(cmds); i++) {
			int err = unpriv_cmd(&n, cmds[i], l.ifindex);

			if (err != -EPERM) {
				fprintf(stderr, "# cmd %u: %d, not EPERM\n",
					cmds[i], err);
				rc = 1;
			}
		}
		/* reading is open to all */
		if (rnl_ifindex_cmd(&n, RCAN_CMD_LINK_GET, l.ifindex, &g) ||
		    g.ifindex != l.ifindex)
			rc |= 2;
		if (dump_links(&n) || !dumped(l.ifindex))
			rc |= 4;
		_exit(rc);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	/* and nothing happened to the link */
	ASSERT_EQ(0, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_GET, l.ifindex,
				     &l));
	EXPECT_EQ(0, l.attached);
	EXPECT_EQ(0, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, l.ifindex,
				     NULL));
}

TEST_F(abi, bad_link_options)
{
	static struct rmsg m;

	rmsg_init(&m, self->nl.family, RCAN_CMD_LINK_NEW, 0);
	rmsg_u32(&m, RCAN_ATTR_LINK_FLAGS, 1u << 7);
	EXPECT_EQ(-EINVAL, rnl_request(&self->nl, &m, NULL, NULL));
	EXPECT_NE(0, self->nl.extack[0]);
	rmsg_init(&m, self->nl.family, RCAN_CMD_LINK_NEW, 0);
	rmsg_u32(&m, RCAN_ATTR_TX_WINDOW, 0);
	EXPECT_EQ(-ERANGE, rnl_request(&self->nl, &m, NULL, NULL));
	rmsg_init(&m, self->nl.family, RCAN_CMD_LINK_NEW, 0);
	rmsg_u32(&m, RCAN_ATTR_TX_WINDOW, RCAN_TX_WINDOW_MAX + 1);
	EXPECT_EQ(-ERANGE, rnl_request(&self->nl, &m, NULL, NULL));
	rmsg_init(&m, self->nl.family, RCAN_CMD_LINK_NEW, 0);
	rmsg_str(&m, RCAN_ATTR_IFNAME, "a/b");
	EXPECT_EQ(-EINVAL, rnl_request(&self->nl, &m, NULL, NULL));
	EXPECT_NE(0, self->nl.extack[0]);
	rmsg_init(&m, self->nl.family, RCAN_CMD_LINK_NEW, 0);
	rmsg_str(&m, RCAN_ATTR_IFNAME, "waytoolonganame_x");
	EXPECT_EQ(-EINVAL, rnl_request(&self->nl, &m, NULL, NULL));
	/* missing ifindex */
	rmsg_init(&m, self->nl.family, RCAN_CMD_LINK_DEL, 0);
	EXPECT_EQ(-EINVAL, rnl_request(&self->nl, &m, NULL, NULL));
	EXPECT_NE(0, self->nl.extack[0]);
	/* a reply-only command */
	rmsg_init(&m, self->nl.family, RCAN_CMD_FRAMES_TX, 0);
	EXPECT_EQ(-EOPNOTSUPP, rnl_request(&self->nl, &m, NULL, NULL));
}

/* Malformed frames on an owned classic link: refused, nothing delivered. */
FIXTURE(frames)
{
	struct rnl nl;
	struct rlink classic, fd;
	int can_c, can_fd;
};

FIXTURE_SETUP(frames)
{
	ASSERT_EQ(0, rnl_open(&self->nl));
	ASSERT_EQ(0, rnl_link_new(&self->nl, "rtbad%d", 0, 0, true,
				  &self->classic));
	ASSERT_EQ(0, rnl_link_new(&self->nl, "rtbad%d", RCAN_LINK_F_FD, 0,
				  true, &self->fd));
	ASSERT_EQ(0, if_set_up(self->classic.ifname, true));
	ASSERT_EQ(0, if_set_up(self->fd.ifname, true));
	self->can_c = can_open(self->classic.ifindex, true);
	self->can_fd = can_open(self->fd.ifindex, true);
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
	rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, self->classic.ifindex,
			NULL);
	rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DEL, self->fd.ifindex, NULL);
	rnl_close(&self->nl);
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
	static struct rmsg m;
	struct nlattr *nest, *fr;

	rmsg_init(&m, self->nl.family, RCAN_CMD_FRAMES_RX, 0);
	rmsg_u32(&m, RCAN_ATTR_IFINDEX, self->classic.ifindex);
	EXPECT_REFUSED(-EINVAL, rnl_request(&self->nl, &m, NULL, NULL));

	rmsg_init(&m, self->nl.family, RCAN_CMD_FRAMES_RX, 0);
	nest = rmsg_nest(&m, RCAN_ATTR_FRAMES);
	rmsg_nest_end(&m, nest);
	EXPECT_REFUSED(-EINVAL, rnl_request(&self->nl, &m, NULL, NULL));

	/* a frame without its id */
	rmsg_init(&m, self->nl.family, RCAN_CMD_FRAMES_RX, 0);
	rmsg_u32(&m, RCAN_ATTR_IFINDEX, self->classic.ifindex);
	nest = rmsg_nest(&m, RCAN_ATTR_FRAMES);
	fr = rmsg_nest(&m, RCAN_ATTR_FRAME);
	rmsg_put(&m, RCAN_FRAME_DATA, "ab", 2);
	rmsg_nest_end(&m, fr);
	rmsg_nest_end(&m, nest);
	EXPECT_REFUSED(-EINVAL, rnl_request(&self->nl, &m, NULL, NULL));

	/* empty batch */
	rmsg_init(&m, self->nl.family, RCAN_CMD_FRAMES_RX, 0);
	rmsg_u32(&m, RCAN_ATTR_IFINDEX, self->classic.ifindex);
	nest = rmsg_nest(&m, RCAN_ATTR_FRAMES);
	rmsg_nest_end(&m, nest);
	EXPECT_REFUSED(-EINVAL, rnl_request(&self->nl, &m, NULL, NULL));

	/* TX_DONE without SEQ or COUNT, and with both */
	rmsg_init(&m, self->nl.family, RCAN_CMD_TX_DONE, 0);
	rmsg_u32(&m, RCAN_ATTR_IFINDEX, self->classic.ifindex);
	EXPECT_REFUSED(-EINVAL, rnl_request(&self->nl, &m, NULL, NULL));
	rmsg_u32(&m, RCAN_ATTR_SEQ, 0);
	rmsg_u32(&m, RCAN_ATTR_COUNT, 1);
	EXPECT_REFUSED(-EINVAL, rnl_request(&self->nl, &m, NULL, NULL));
	/* a sequence number never handed out */
	EXPECT_REFUSED(-ERANGE, rnl_verdict(&self->nl, RCAN_CMD_TX_DONE,
					    self->classic.ifindex, 5, false));
	EXPECT_REFUSED(-ERANGE, rnl_verdict(&self->nl, RCAN_CMD_TX_FAIL,
					    self->classic.ifindex, 1, true));
}

TEST_F(frames, bad_lengths)
{
	struct rframe f[2] = { { .id = 0x100, .len = 8 } };

	/* oversize data (policy) */
	f[1] = (struct rframe){ .id = 0x101, .len = 65 };
	EXPECT_REFUSED(-ERANGE, rnl_rx(&self->nl, self->fd.ifindex, f, 2));
	f[1].flags = RCAN_FRAME_F_FD;
	EXPECT_REFUSED(-ERANGE, rnl_rx(&self->nl, self->fd.ifindex, f, 2));
	/* > 8 on a classic link, classic frame on an FD link */
	f[1] = (struct rframe){ .id = 0x101, .len = 9 };
	EXPECT_REFUSED(-EMSGSIZE, rnl_rx(&self->nl, self->classic.ifindex, f,
					 2));
	EXPECT_REFUSED(-EMSGSIZE, rnl_rx(&self->nl, self->fd.ifindex, f, 2));
	/* not a CAN FD length */
	f[1].flags = RCAN_FRAME_F_FD;
	f[1].len = 9;
	EXPECT_REFUSED(-EINVAL, rnl_rx(&self->nl, self->fd.ifindex, f, 2));
	f[1].len = 63;
	EXPECT_REFUSED(-EINVAL, rnl_rx(&self->nl, self->fd.ifindex, f, 2));
	/* RTR with a length above 8 */
	f[1] = (struct rframe){ .id = 0x101 | CAN_RTR_FLAG, .len = 9,
				.has_len_attr = true };
	EXPECT_REFUSED(-ERANGE, rnl_rx(&self->nl, self->classic.ifindex, f,
				       2));
	/* an error frame longer than 8 */
	f[1] = (struct rframe){ .id = CAN_ERR_FLAG | CAN_ERR_BUSERROR,
				.len = 9 };
	EXPECT_REFUSED(-EMSGSIZE, rnl_rx(&self->nl, self->classic.ifindex, f,
					 2));
}

TEST_F(frames, fd_on_classic_link)
{
	struct rframe f[2] = { { .id = 0x100, .len = 8 },
			       { .id = 0x101, .len = 12,
				 .flags = RCAN_FRAME_F_FD } };

	EXPECT_REFUSED(-EOPNOTSUPP,
		       rnl_rx(&self->nl, self->classic.ifindex, f, 2));
	f[1].len = 8;
	EXPECT_REFUSED(-EOPNOTSUPP,
		       rnl_rx(&self->nl, self->classic.ifindex, f, 2));
}

TEST_F(frames, bad_flags_and_ids)
{
	struct rframe f[2] = { { .id = 0x100, .len = 8 },
			       { .id = 0x101, .len = 1, .flags = 1u << 5 } };

	EXPECT_REFUSED(-EINVAL, rnl_rx(&self->nl, self->fd.ifindex, f, 2));
	/* BRS on a classic frame */
	f[1].flags = RCAN_FRAME_F_BRS;
	EXPECT_REFUSED(-EINVAL, rnl_rx(&self->nl, self->fd.ifindex, f, 2));
	/* 11-bit id out of range */
	f[1] = (struct rframe){ .id = 0x800, .len = 1 };
	EXPECT_REFUSED(-EINVAL, rnl_rx(&self->nl, self->classic.ifindex, f,
				       2));
	/* RTR with data */
	f[1] = (struct rframe){ .id = 0x100 | CAN_RTR_FLAG, .len = 2 };
	EXPECT_REFUSED(-EINVAL, rnl_rx(&self->nl, self->classic.ifindex, f,
				       2));
	/* LEN on a data frame */
	f[1] = (struct rframe){ .id = 0x100, .len = 2, .has_len_attr = true };
	EXPECT_REFUSED(-EINVAL, rnl_rx(&self->nl, self->classic.ifindex, f,
				       2));
	/* error frame with EFF */
	f[1] = (struct rframe){ .id = CAN_ERR_FLAG | CAN_EFF_FLAG, .len = 8 };
	EXPECT_REFUSED(-EINVAL, rnl_rx(&self->nl, self->classic.ifindex, f,
				       2));
}

TEST_F(frames, not_the_owner)
{
	struct rframe f = { .id = 0x100, .len = 8 };
	struct rnl other;

	ASSERT_EQ(0, rnl_open(&other));
	other.extack[0] = 0;
	EXPECT_EQ(-EPERM, rnl_rx(&other, self->classic.ifindex, &f, 1));
	EXPECT_NE(0, other.extack[0]);
	EXPECT_EQ(-EPERM, rnl_verdict(&other, RCAN_CMD_TX_DONE,
				      self->classic.ifindex, 0, false));
	EXPECT_EQ(-EPERM, rnl_set_connected(&other, self->classic.ifindex,
					    1));
	/* the owner gave it up: nobody owns it */
	ASSERT_EQ(0, rnl_ifindex_cmd(&self->nl, RCAN_CMD_LINK_DETACH,
				     self->classic.ifindex, NULL));
	EXPECT_EQ(-EPERM, rnl_rx(&self->nl, self->classic.ifindex, &f, 1));
	rnl_close(&other);
}

/* NOLINTEND(bugprone-suspicious-semicolon) */

TEST_HARNESS_MAIN
