// SPDX-License-Identifier: GPL-2.0
/*
 * rcan.ko against what a local program or an unprivileged user can throw
 * at it, and CAN semantics a real driver has: skbs that are not a frame of
 * the link's kind, the links' number and cost per namespace, echo slots
 * across the sequence number wrap, the CAN state counters and restarts.
 * Needs rcan.ko, can, can_raw loaded, iproute2, and root.
 */
#include <arpa/inet.h>
#include <grp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "rcan_nl.h"
#include "kselftest_harness.h"

/* NOLINTBEGIN(bugprone-suspicious-semicolon) */


static struct rlink get_link(struct rnl *n, uint32_t ifindex)
{
	struct rlink l;

	memset(&l, 0, sizeof(l));
	rnl_ifindex_cmd(n, RCAN_CMD_LINK_GET, ifindex, &l);
	return l;
}

/* One skb of @len bytes straight to the device, as AF_PACKET sends it. */
static int pkt_send(uint32_t ifindex, uint16_t proto, const void *buf,
		    size_t len)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(proto),
				   .sll_ifindex = (int)ifindex };
	int s = socket(AF_PACKET, SOCK_RAW, htons(proto));
	ssize_t n;

	if (s < 0)
		return -errno;
	n = sendto(s, buf, len, 0, (struct sockaddr *)&sll, sizeof(sll));
	close(s);
	return n == (ssize_t)len ? 0 : -errno;
}

/* A CAN XL frame of 4 data bytes: 16 bytes, flags byte 0x80 (XLF). */
static int send_xl(uint32_t ifindex)
{
	uint8_t xl[16] = { 0x23, 0x01, 0, 0, /* prio */
			   0x80, /* flags: CANXL_XLF */
			   0x00, /* sdt */
			   4,    0, /* len */
			   0,    0, 0, 0, /* af */
			   0xde, 0xad, 0xbe, 0xef };

	return pkt_send(ifindex, ETH_P_CANXL, xl, sizeof(xl));
}

static int send_fd(uint32_t ifindex, uint32_t id, uint8_t len)
{
	struct canfd_frame cfd;

	memset(&cfd, 0, sizeof(cfd));
	cfd.can_id = id;
	cfd.len = len;
	memset(cfd.data, 0x3c, sizeof(cfd.data));
	return pkt_send(ifindex, ETH_P_CANFD, &cfd, sizeof(cfd));
}

static int send_classic(int s, uint32_t id)
{
	struct can_frame cf = { .can_id = id, .len = 2 };

	return write(s, &cf, sizeof(cf)) == sizeof(cf) ? 0 : -errno;
}

/*
 * Each foreign skb is dropped and counted by the kernel itself (tx_dropped
 * one up, tx_errors unchanged), the owner hears nothing of it, and a
 * normal frame still goes through afterwards. Returns the number of the
 * first failed check, 0 when all passed: the same code runs in the test
 * and in a child inside a user namespace.
 */
static int check_foreign_dropped(struct rnl *nl, const struct rlink *l,
				 int (*send)(uint32_t ifindex))
{
	struct rlink before = get_link(nl, l->ifindex), after;
	struct rframe out[4];
	int s;

	if (send(l->ifindex))
		return 1;
	if (rnl_read_tx(nl, out, 1, 300) != 0)
		return 2;
	after = get_link(nl, l->ifindex);
	if (after.stats[RCAN_STATS_TX_DROPPED] !=
	    before.stats[RCAN_STATS_TX_DROPPED] + 1)
		return 3;
	if (after.stats[RCAN_STATS_TX_ERRORS] !=
	    before.stats[RCAN_STATS_TX_ERRORS])
		return 4;
	s = can_open(l->ifindex, false);
	if (s < 0)
		return 5;
	if (send_classic(s, 0x321) || rnl_read_tx(nl, out, 1, 1000) != 1 ||
	    out[0].id != 0x321 || out[0].len != 2) {
		close(s);
		return 6;
	}
	close(s);
	if (rnl_verdict(nl, RCAN_CMD_TX_DONE, l->ifindex, out[0].seq, false))
		return 7;
	return 0;
}

static int send_xl_frame(uint32_t ifindex)
{
	return send_xl(ifindex);
}

static int send_fd_frame(uint32_t ifindex)
{
	return send_fd(ifindex, 0x123, 8);
}

static int send_fd_len9(uint32_t ifindex)
{
	return send_fd(ifindex, 0x123, 9);
}

static int send_fd_rtr(uint32_t ifindex)
{
	return send_fd(ifindex, 0x123 | CAN_RTR_FLAG, 8);
}

static int new_link(struct rnl *nl, uint32_t flags, struct rlink *l)
{
	if (rnl_link_new(nl, "rthd%d", flags, 0, true, l) ||
	    if_set_up(l->ifname, true) || rnl_connect_wait(nl, l))
		return -1;
	return 0;
}

TEST(xl_and_fd_skbs_on_a_classic_link_are_dropped)
{
	struct rnl nl;
	struct rlink l;

	ASSERT_EQ(0, rnl_open(&nl));
	ASSERT_EQ(0, new_link(&nl, 0, &l));
	EXPECT_EQ(0, check_foreign_dropped(&nl, &l, send_xl_frame));
	/*
	 * An FD skb does not even reach a classic link: AF_PACKET refuses
	 * what exceeds the MTU, and the CAN core keeps a classic link's MTU
	 * at 16. rcan_start_xmit() would drop it all the same.
	 */
	EXPECT_EQ(-EMSGSIZE, send_fd_frame(l.ifindex));
	rnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL, l.ifindex, NULL);
	rnl_close(&nl);
}

TEST(invalid_fd_skbs_on_an_fd_link_are_dropped)
{
	struct rnl nl;
	struct rlink l;

	ASSERT_EQ(0, rnl_open(&nl));
	ASSERT_EQ(0, new_link(&nl, RCAN_LINK_F_FD, &l));
	EXPECT_EQ(0, check_foreign_dropped(&nl, &l, send_xl_frame));
	EXPECT_EQ(0, check_foreign_dropped(&nl, &l, send_fd_len9));
	EXPECT_EQ(0, check_foreign_dropped(&nl, &l, send_fd_rtr));
	rnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL, l.ifindex, NULL);
	rnl_close(&nl);
}

static int write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -1;
	rc = fputs(s, f) < 0 ? -1 : 0;
	return fclose(f) ? -1 : rc;
}

/*
 * An unprivileged user (nobody) in a user and network namespace of its
 * own: it may create and own rcan links there and gets CAP_NET_RAW, so it
 * can send AF_PACKET skbs. Exit status: 0, or 10 + the failed check.
 */
static int userns_child(void)
{
	struct rnl nl;
	struct rlink l;
	int rc;

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return 1;
	/* Changing uid made /proc/self root's; the maps must be ours. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return 1;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS))
		return 2;
	if (write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/uid_map", "0 65534 1") ||
	    write_file("/proc/self/gid_map", "0 65534 1"))
		return 3;
	/* A sysfs of the new namespace: the tests read operstate there. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL))
		return 4;
	if (rnl_open(&nl))
		return 5;
	if (new_link(&nl, 0, &l))
		return 6;
	rc = check_foreign_dropped(&nl, &l, send_xl_frame);
	rnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL, l.ifindex, NULL);
	rnl_close(&nl);
	return rc ? 10 + rc : 0;
}

TEST(foreign_skbs_from_a_user_namespace_are_dropped)
{
	int status;
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(userns_child());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* can_stats as "ip -details -statistics link show" prints them. */
struct can_counters {
	unsigned long restarts, bus_errors, arbit_lost, warn, passive, bus_off;
};

static int can_counters(const char *ifname, struct can_counters *c)
{
	char cmd[128], line[256];
	bool next = false;
	int rc = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ip -details -statistics link show %s",
		 ifname);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		if (next) {
			rc = sscanf(line, "%lu %lu %lu %lu %lu %lu",
				    &c->restarts, &c->bus_errors,
				    &c->arbit_lost, &c->warn, &c->passive,
				    &c->bus_off) == 6 ?
				     0 :
				     -1;
			break;
		}
		next = strstr(line, "re-started") != NULL;
	}
	pclose(p);
	return rc;
}

static int set_state(struct rnl *nl, uint32_t ifindex, uint32_t state)
{
	static struct rmsg m;

	rmsg_init(&m, nl->family, RCAN_CMD_LINK_SET, 0);
	rmsg_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
	rmsg_u32(&m, RCAN_ATTR_CAN_STATE, state);
	rmsg_u16(&m, RCAN_ATTR_TXERR, state == 3 ? 256 : state * 100);
	return rnl_request(nl, &m, NULL, NULL);
}

/* The next error frame on @s within a second, or can_id 0. */
static uint32_t next_error_frame(int s)
{
	struct can_frame cf;

	if (!wait_readable(s, 1000) || read(s, &cf, sizeof(cf)) != sizeof(cf))
		return 0;
	return cf.can_id;
}

/*
 * As a real controller's driver counts them: bus-off once per bus-off,
 * and a restart only when the controller comes back from bus-off, not on
 * every return to error-active (warning -> active is no restart).
 */
TEST(bus_off_and_restart_counted_as_a_driver_does)
{
	can_err_mask_t mask = CAN_ERR_MASK;
	struct can_counters c;
	struct rnl nl;
	struct rlink l;
	uint32_t id;
	int s;

	ASSERT_EQ(0, rnl_open(&nl));
	ASSERT_EQ(0, new_link(&nl, 0, &l));
	s = can_open(l.ifindex, false);
	ASSERT_GE(s, 0);
	ASSERT_EQ(0, setsockopt(s, SOL_CAN_RAW, CAN_RAW_ERR_FILTER, &mask,
				sizeof(mask)));

	ASSERT_EQ(0, set_state(&nl, l.ifindex, 1 /* warning */));
	id = next_error_frame(s);
	EXPECT_TRUE(id & CAN_ERR_CRTL);
	ASSERT_EQ(0, set_state(&nl, l.ifindex, 0 /* active */));
	id = next_error_frame(s);
	EXPECT_TRUE(id & CAN_ERR_FLAG);
	EXPECT_FALSE(id & CAN_ERR_RESTARTED);
	ASSERT_EQ(0, can_counters(l.ifname, &c));
	EXPECT_EQ(0ul, c.restarts);
	EXPECT_EQ(1ul, c.warn);

	ASSERT_EQ(0, set_state(&nl, l.ifindex, 3 /* bus-off */));
	id = next_error_frame(s);
	EXPECT_TRUE(id & CAN_ERR_BUSOFF);
	ASSERT_EQ(0, can_counters(l.ifname, &c));
	EXPECT_EQ(1ul, c.bus_off);
	EXPECT_EQ(0ul, c.restarts);

	ASSERT_EQ(0, set_state(&nl, l.ifindex, 0 /* active */));
	id = next_error_frame(s);
	EXPECT_TRUE(id & CAN_ERR_RESTARTED);
	ASSERT_EQ(0, can_counters(l.ifname, &c));
	EXPECT_EQ(1ul, c.bus_off);
	EXPECT_EQ(1ul, c.restarts);

	close(s);
	rnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL, l.ifindex, NULL);
	rnl_close(&nl);
}

/*
 * A controller that is down hears nothing on its bus: a state change the
 * remote reports then is recorded (ip shows it) but delivers no error
 * frame, and counts as dropped, as FRAMES_RX does with frames.
 */
TEST(state_change_while_down_delivers_nothing)
{
	can_err_mask_t mask = CAN_ERR_MASK;
	struct rlink before, after;
	struct rnl nl;
	struct rlink l;
	int s;

	ASSERT_EQ(0, rnl_open(&nl));
	ASSERT_EQ(0, new_link(&nl, 0, &l));
	s = can_open(l.ifindex, false);
	ASSERT_GE(s, 0);
	ASSERT_EQ(0, setsockopt(s, SOL_CAN_RAW, CAN_RAW_ERR_FILTER, &mask,
				sizeof(mask)));
	ASSERT_EQ(0, if_set_up(l.ifname, false));
	/* The socket reports ENETDOWN once: take it, it is not a frame. */
	ASSERT_TRUE(wait_readable(s, 1000));
	ASSERT_EQ(-1, read(s, &mask, sizeof(mask)));
	ASSERT_EQ(ENETDOWN, errno);
	before = get_link(&nl, l.ifindex);
	ASSERT_EQ(0, set_state(&nl, l.ifindex, 2 /* passive */));
	EXPECT_FALSE(wait_readable(s, 300));
	after = get_link(&nl, l.ifindex);
	EXPECT_EQ(2u, after.can_state);
	EXPECT_EQ(before.stats[RCAN_STATS_RX_DROPPED] + 1,
		  after.stats[RCAN_STATS_RX_DROPPED]);
	close(s);
	rnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL, l.ifindex, NULL);
	rnl_close(&nl);
}

/* NOLINTEND(bugprone-suspicious-semicolon) */

TEST_HARNESS_MAIN
