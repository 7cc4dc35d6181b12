// SPDX-License-Identifier: GPL-2.0
/*
 * Who may use rcan.ko, and what it costs them (issue 27): a user namespace
 * gets nothing by default, and with rcan.userns_links=1 a bounded number
 * of frames in flight; the owner of a link is the socket that attached
 * it, not whoever binds its port id next. KTAP, through
 * tests/guest/14-kernel-hardening.sh.
 */
#include <errno.h>
#include <grp.h>
#include <linux/can.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/ktap.h"
#include "../lib/rcan_testnl.h"
#include "kselftest_harness.h"

#define PARAM_DIR "/sys/module/rcan/parameters/"
#define USERNS_LINKS PARAM_DIR "userns_links"
#define USERNS_TX_FRAMES PARAM_DIR "userns_tx_frames"

static int write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -1;
	rc = fputs(s, f) < 0 ? -1 : 0;
	return fclose(f) ? -1 : rc;
}

/* A module parameter's value, or @dflt when the module has no such one. */
static long read_param(const char *path, long dflt)
{
	char buf[32] = "";
	FILE *f = fopen(path, "r");

	if (!f)
		return dflt;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	if (buf[0] == 'Y')
		return 1;
	if (buf[0] == 'N')
		return 0;
	return strtol(buf, NULL, 10);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* MemAvailable of /proc/meminfo in KiB, or -1. */
static long mem_available_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "MemAvailable:", 13)) {
			kib = strtol(line + 13, NULL, 10);
			break;
		}
	fclose(f);
	return kib;
}

/*
 * Become an unprivileged user (nobody) that made a user, network and
 * mount namespace of its own, as "unshare -Urn" does, with a sysfs of
 * the new network namespace (tnl_wait_operstate_up() reads it). 0 or -1.
 */
static int become_userns_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return -1;
	/* Changing uid made /proc/self root's; the maps must be ours. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) ||
	    unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS))
		return -1;
	if (write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/uid_map", "0 65534 1") ||
	    write_file("/proc/self/gid_map", "0 65534 1"))
		return -1;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL))
		return -1;
	return 0;
}

/* The tests that may take long, with a timeout of their own. */
FIXTURE(slow)
{
	int unused;
};

FIXTURE_SETUP(slow)
{
}

FIXTURE_TEARDOWN(slow)
{
}

/* What a child in a user namespace found, for its parent to check. */
struct pin_result {
	uint32_t fallback; /* window to use when 8,192 is refused, 0: none */
	int setup_ok;
	int first_err; /* of LINK_NEW, 0: every link was made */
	char extack[256];
	unsigned int links; /* made and filled */
	unsigned long frames; /* taken from the senders */
	unsigned long inflight; /* echo skbs held, from LINK_GET */
	long kib_links; /* MemAvailable drop: the links made and up */
	long kib_frames; /* ... and then the frames in flight */
};

#define PIN_LINKS 4

/*
 * As nobody in its own user namespace: make PIN_LINKS links with the
 * largest TX window (or, refused that, r->fallback), attach and connect them, then send on each from one
 * CAN_RAW socket until nothing more is taken, reading every FRAMES_TX and
 * confirming none. What that pins is the MemAvailable it takes.
 */
static void pin_child(struct pin_result *r)
{
	static struct tnl_frame out[1024];
	struct tnl_link l[PIN_LINKS];
	struct tnl nl;
	int s[PIN_LINKS];
	long kib0, kib1;
	unsigned int i;

	memset(s, 0xff, sizeof(s)); /* -1: none open */
	if (become_userns_nobody() || tnl_open(&nl))
		return;
	r->setup_ok = 1;
	kib0 = mem_available_kib();
	for (i = 0; i < PIN_LINKS; i++) {
		uint32_t window = r->first_err ? r->fallback :
						 RCAN_TX_WINDOW_MAX;
		int err = tnl_link_ready(&nl, "rpin%d", 0, window, &l[i]);

		if (err == -ENOSPC && !r->first_err && r->fallback) {
			/* Refused whole: as much as the cap lets instead. */
			r->first_err = err;
			snprintf(r->extack, sizeof(r->extack), "%s",
				 nl.extack);
			i--;
			continue;
		}
		if (err) {
			r->first_err = err;
			snprintf(r->extack, sizeof(r->extack), "%s",
				 nl.extack);
			break;
		}
		s[i] = tnl_can_open(l[i].ifindex, false);
		if (s[i] < 0)
			break;
		r->links++;
	}
	kib1 = mem_available_kib();
	for (;;) {
		unsigned long before = r->frames;
		int got;

		for (i = 0; i < r->links; i++) {
			struct can_frame cf = { .can_id = 0x123, .len = 8 };

			while (write(s[i], &cf, sizeof(cf)) == sizeof(cf))
				r->frames++;
		}
		got = tnl_read_tx(&nl, out, 1024, 50);
		if (r->frames == before && got <= 0)
			break;
	}
	for (i = 0; i < r->links; i++)
		r->inflight += tnl_get_link(&nl, l[i].ifindex).inflight;
	r->kib_links = kib0 - kib1;
	r->kib_frames = kib1 - mem_available_kib();
	/* Exit without a word: closing everything is the test's cleanup. */
}

/* pin_child() in a child process; its findings in *@r. */
static int run_pin_child(struct pin_result *r)
{
	struct pin_result *shared = mmap(NULL, sizeof(*shared),
					 PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	if (shared == MAP_FAILED)
		return -1;
	memset(shared, 0, sizeof(*shared));
	shared->fallback = r->fallback;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		pin_child(shared);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	*r = *shared;
	munmap(shared, sizeof(*shared));
	return 0;
}

static void pin_report(const char *what, const struct pin_result *r)
{
	ktap_diag("%s: %u links (LINK_NEW: %s%s%s), %lu frames taken, %lu in flight, MemAvailable -%ld KiB for the links, -%ld KiB for the frames",
		  what, r->links, r->first_err ? strerror(-r->first_err) : "ok",
		  r->extack[0] ? ", " : "", r->extack, r->frames, r->inflight,
		  r->kib_links, r->kib_frames);
}

/*
 * By default an unprivileged user's own user namespace gets no link, so
 * it pins nothing (before issue 27 it got 4 links of 8,192 frames each).
 */
TEST_F_TIMEOUT(slow, userns_nobody_cannot_create_links_by_default, 120)
{
	long old = read_param(USERNS_LINKS, -1);
	struct pin_result r = { 0 };

	if (old > 0)
		ASSERT_EQ(0, write_file(USERNS_LINKS, "0"));
	ASSERT_EQ(0, run_pin_child(&r));
	if (old > 0)
		write_file(USERNS_LINKS, "1");
	pin_report("nobody in unshare -Urn, default", &r);
	ASSERT_EQ(1, r.setup_ok);
	EXPECT_EQ(-EPERM, r.first_err);
	EXPECT_NE(NULL, strstr(r.extack, "userns_links"));
	EXPECT_EQ(0u, r.links);
	EXPECT_EQ(0ul, r.inflight);
}

/*
 * With rcan.userns_links=1 the same user gets links, but their TX
 * windows together stay within rcan.userns_tx_frames: what it pins is
 * bounded by that.
 */
TEST_F_TIMEOUT(slow, userns_links_allowed_pin_at_most_userns_tx_frames, 300)
{
	long old = read_param(USERNS_LINKS, -1);
	long cap = read_param(USERNS_TX_FRAMES, -1);
	struct pin_result r = { 0 };

	ASSERT_LE(0, old);
	ASSERT_LE(PIN_LINKS, cap);
	r.fallback = (uint32_t)cap / PIN_LINKS;
	ASSERT_EQ(0, write_file(USERNS_LINKS, "1"));
	ASSERT_EQ(0, run_pin_child(&r));
	write_file(USERNS_LINKS, old ? "1" : "0");
	pin_report("nobody in unshare -Urn, rcan.userns_links=1", &r);
	ASSERT_EQ(1, r.setup_ok);
	/*
	 * The first link asks for 8,192 frames: over the cap, refused; then
	 * PIN_LINKS links of a share each are made and filled.
	 */
	EXPECT_EQ(-ENOSPC, r.first_err);
	EXPECT_NE(NULL, strstr(r.extack, "userns_tx_frames"));
	EXPECT_EQ((unsigned int)PIN_LINKS, r.links);
	EXPECT_LT(0ul, r.inflight);
	EXPECT_LE(r.inflight, (unsigned long)cap);
}

/*
 * The cap is on the sum of the windows: links that fit are made, one
 * more is refused, a window may not grow past it, and a deleted link
 * gives its share back.
 */
static int budget_child(long cap)
{
	static struct tnl_msg msg;
	struct tnl_msg *m = &msg;
	uint32_t w = (uint32_t)cap / 4;
	struct tnl_link l[4], x;
	struct tnl nl;
	int i;

	if (!KTAP_CHECK_EQ(0, become_userns_nobody()) ||
	    !KTAP_CHECK_EQ(0, tnl_open(&nl)))
		return ktap_check_status();
	for (i = 0; i < 4; i++)
		if (!KTAP_CHECK_EQ(0, tnl_link_new(&nl, "rbud%d", 0, w, true,
						   &l[i])))
			return ktap_check_status();
	KTAP_CHECK_EQ(-ENOSPC, tnl_link_new(&nl, "rbud%d", 0, 1, true, &x));
	KTAP_CHECK(strstr(nl.extack, "userns_tx_frames"));
	tnl_req_init(m, nl.family, RCAN_CMD_LINK_SET, 0);
	tnl_put_u32(m, RCAN_ATTR_IFINDEX, l[0].ifindex);
	tnl_put_u32(m, RCAN_ATTR_TX_WINDOW, w + 1);
	KTAP_CHECK_EQ(-ENOSPC, tnl_request(&nl, m, NULL, NULL));
	KTAP_CHECK_EQ(w, tnl_get_link(&nl, l[0].ifindex).window);
	tnl_req_init(m, nl.family, RCAN_CMD_LINK_SET, 0);
	tnl_put_u32(m, RCAN_ATTR_IFINDEX, l[0].ifindex);
	tnl_put_u32(m, RCAN_ATTR_TX_WINDOW, 1);
	KTAP_CHECK_EQ(0, tnl_request(&nl, m, NULL, NULL));
	KTAP_CHECK_EQ(0, tnl_link_new(&nl, "rbud%d", 0, w - 1, true, &x));
	KTAP_CHECK_EQ(-ENOSPC, tnl_link_new(&nl, "rbud%d", 0, 1, true, &x));
	KTAP_CHECK_EQ(0, tnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL, l[1].ifindex,
					 NULL));
	KTAP_CHECK_EQ(0, tnl_link_new(&nl, "rbud%d", 0, w, true, &x));
	tnl_close(&nl);
	return ktap_check_status();
}

TEST_F_TIMEOUT(slow, userns_tx_frames_is_a_budget_of_windows, 120)
{
	long old = read_param(USERNS_LINKS, -1);
	long cap = read_param(USERNS_TX_FRAMES, -1);
	int status;
	pid_t pid;

	ASSERT_LE(0, old);
	ASSERT_LE(8, cap);
	ASSERT_EQ(0, write_file(USERNS_LINKS, "1"));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(budget_child(cap));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	write_file(USERNS_LINKS, old ? "1" : "0");
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

#define WINDOW_RACE_SECONDS 20
#define WINDOW_RACE_ROUNDS 3000

struct window_race {
	volatile int stop;
	unsigned int rounds, shrunk, refused, detached, created;
	int full_err, over_err; /* LINK_NEW of the whole budget, then of 1 */
};

/* LINK_SET TX_WINDOW; 0 or -errno. */
static int set_window(struct tnl *nl, uint32_t ifindex, uint32_t window)
{
	static struct tnl_msg m;

	tnl_req_init(&m, nl->family, RCAN_CMD_LINK_SET, 0);
	tnl_put_u32(&m, RCAN_ATTR_IFINDEX, ifindex);
	tnl_put_u32(&m, RCAN_ATTR_TX_WINDOW, window);
	return tnl_request(nl, &m, NULL, NULL);
}

/* An admin's LINK_DETACH of @ifindex, over and over. */
static void window_race_detacher(struct window_race *r, uint32_t ifindex)
{
	struct tnl d;

	if (tnl_open(&d))
		return;
	while (!r->stop)
		if (!tnl_ifindex_cmd(&d, RCAN_CMD_LINK_DETACH, ifindex, NULL))
			__atomic_add_fetch(&r->detached, 1, __ATOMIC_RELAXED);
	tnl_close(&d);
}

/* A link of @window frames made (and deleted) whenever the budget has room. */
static void window_race_creator(struct window_race *r, uint32_t window)
{
	struct tnl_link b;
	struct tnl c;

	if (tnl_open(&c))
		return;
	while (!r->stop)
		if (!tnl_link_new(&c, "rwnb%d", 0, window, false, &b)) {
			__atomic_add_fetch(&r->created, 1, __ATOMIC_RELAXED);
			tnl_ifindex_cmd(&c, RCAN_CMD_LINK_DEL, b.ifindex, NULL);
		}
	tnl_close(&c);
}

/*
 * In a user namespace with a budget of @cap frames: a link takes it all;
 * its owner shrinks the window to 1 and grows it back, round after round,
 * while an admin detaches the link (a window change overtaken by it is
 * undone) and another socket makes a link of what a shrink frees. Then,
 * with every link gone, the budget must admit exactly @cap frames again.
 * Exit status: 0, or how many checks failed.
 */
static int window_race_child(long cap, struct window_race *r)
{
	long end = now_ms() + WINDOW_RACE_SECONDS * 1000L;
	struct tnl_link a, x;
	pid_t pid[2];
	struct tnl nl;
	int i, err;

	if (!KTAP_CHECK_EQ(0, become_userns_nobody()) ||
	    !KTAP_CHECK_EQ(0, tnl_open(&nl)) ||
	    !KTAP_CHECK_EQ(0, tnl_link_new(&nl, "rwin%d", 0, (uint32_t)cap,
					   true, &a)))
		return ktap_check_status();
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (!pid[i]) {
			if (i)
				window_race_creator(r, (uint32_t)cap - 1);
			else
				window_race_detacher(r, a.ifindex);
			_exit(0);
		}
	}
	while (r->rounds < WINDOW_RACE_ROUNDS && now_ms() < end) {
		r->rounds++;
		tnl_ifindex_cmd(&nl, RCAN_CMD_LINK_ATTACH, a.ifindex, NULL);
		err = set_window(&nl, a.ifindex, 1);
		r->shrunk += !err;
		r->refused += err == -EPERM;
		set_window(&nl, a.ifindex, (uint32_t)cap);
	}
	r->stop = 1;
	for (i = 0; i < 2; i++)
		if (pid[i] > 0)
			waitpid(pid[i], NULL, 0);
	KTAP_CHECK_EQ(0, tnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL, a.ifindex,
					 NULL));
	r->full_err = tnl_link_new(&nl, "rwfull%d", 0, (uint32_t)cap, false,
				   &x);
	r->over_err = tnl_link_new(&nl, "rwover%d", 0, 1, false, &a);
	tnl_close(&nl);
	return ktap_check_status();
}

TEST_F_TIMEOUT(slow, window_change_overtaken_by_a_detach_keeps_the_budget,
	       120)
{
	struct window_race *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	long old = read_param(USERNS_LINKS, -1);
	long cap = read_param(USERNS_TX_FRAMES, -1);
	int status;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, r);
	ASSERT_LE(0, old);
	ASSERT_LE(8, cap);
	ASSERT_EQ(0, write_file(USERNS_LINKS, "1"));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(window_race_child(cap, r));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	write_file(USERNS_LINKS, old ? "1" : "0");
	ktap_diag("%u rounds: %u shrinks, %u refused (not the owner), %u detaches, %u links made of a shrink's frames; then a link of %ld frames: %d, one more: %d",
		  r->rounds, r->shrunk, r->refused, r->detached, r->created,
		  cap, r->full_err, r->over_err);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_LT(0u, r->rounds);
	EXPECT_EQ(0, r->full_err);
	EXPECT_EQ(-ENOSPC, r->over_err);
	munmap(r, sizeof(*r));
}

/* The initial namespace's root is not bound by the user namespace cap. */
TEST(init_ns_root_keeps_the_largest_window)
{
	struct tnl nl;
	struct tnl_link l;

	ASSERT_EQ(0, tnl_open(&nl));
	ASSERT_EQ(0, tnl_link_new(&nl, "rbig%d", 0, RCAN_TX_WINDOW_MAX, true,
				  &l));
	EXPECT_EQ((uint32_t)RCAN_TX_WINDOW_MAX, l.window);
	tnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL, l.ifindex, NULL);
	tnl_close(&nl);
}

/* ---- the owner is its socket ---- */

#define RACE_SECONDS 30
#define RACE_ROUNDS 3000

struct port_race {
	volatile int armed; /* the closer owns the link in this round */
	volatile int done; /* the binder finished this round */
	volatile int stop;
	uint32_t ifindex, portid;
	uint16_t family;
	unsigned int rounds, rebound; /* bound the port id while it closed */
	unsigned int taken; /* the binder's LINK_SET was the owner's */
	unsigned int frames; /* FRAMES_TX the binder received */
	unsigned int errors;
};

/* A socket at @portid with the rcan family known, or -errno. */
static int open_at(struct tnl *n, const struct port_race *r)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_pid = r->portid };
	int one = 1, size = 1 << 20;

	memset(n, 0, sizeof(*n));
	n->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (n->fd < 0)
		return -errno;
	if (bind(n->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(n->fd);
		n->fd = -1;
		return err;
	}
	setsockopt(n->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(n->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	n->portid = r->portid;
	n->family = r->family;
	return 0;
}

/*
 * Every multicast group of generic netlink @n may join. Closing the
 * socket leaves each in turn after its port id is free and before the
 * release is announced: a kernel that trusts the port id until then is
 * open for that long.
 */
static void join_all_groups(struct tnl *n)
{
	int g;

	for (g = 1; g <= 256; g++)
		setsockopt(n->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g,
			   sizeof(g));
}

/*
 * Each round: own the link from a socket at the port id, let frames flow
 * to it and confirm them, then close it while the binder tries to bind
 * the same port id all along.
 */
static void race_closer(struct port_race *r)
{
	static struct tnl_frame out[256];
	long end = now_ms() + RACE_SECONDS * 1000L;
	int i;

	for (i = 1; i <= RACE_ROUNDS && now_ms() < end; i++) {
		struct tnl a;
		long t;
		int n;

		while (open_at(&a, r))
			; /* the binder's socket of the last round, closing */
		t = now_ms();
		while (tnl_ifindex_cmd(&a, RCAN_CMD_LINK_ATTACH, r->ifindex,
				       NULL) &&
		       now_ms() - t < 2000)
			usleep(100);
		if (tnl_set_connected(&a, r->ifindex, 1))
			r->errors++;
		join_all_groups(&a);
		r->armed = i;
		n = tnl_read_tx(&a, out, 256, 5);
		if (n > 0)
			tnl_verdict(&a, RCAN_CMD_TX_DONE, r->ifindex,
				    out[n - 1].seq);
		tnl_close(&a);
		while (r->done != i && !r->stop)
			;
		r->rounds++;
	}
	r->stop = 1;
}

/*
 * Bind the port id the moment the owner's socket lets it go, and act as
 * the owner: LINK_SET CONNECTED=1 must be refused, and no FRAMES_TX may
 * come.
 */
static void race_binder(struct port_race *r)
{
	static struct tnl_frame out[256];
	int seen = 0;

	while (!r->stop) {
		struct tnl b;
		int err, tries = 0;

		if (r->armed == seen)
			continue;
		seen = r->armed;
		while ((err = open_at(&b, r)) == -EADDRINUSE && !r->stop)
			tries++;
		if (!err) {
			if (tries)
				r->rebound++;
			if (tnl_set_connected(&b, r->ifindex, 1) == 0)
				r->taken++;
			r->frames += tnl_read_tx(&b, out, 256, 2);
			tnl_close(&b);
		}
		r->done = seen;
	}
}

/* Keep frames coming on the link, whatever happens to its owner. */
static void race_sender(struct port_race *r)
{
	int s = tnl_can_open(r->ifindex, false);
	struct can_frame cf = { .can_id = 0x77, .len = 1 };

	while (s >= 0 && !r->stop)
		if (write(s, &cf, sizeof(cf)) < 0)
			usleep(200);
}

TEST_F_TIMEOUT(slow, a_new_socket_on_a_closed_owners_port_id_is_not_the_owner,
	       300)
{
	struct port_race *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pids[3];
	struct tnl nl;
	struct tnl_link l;
	int i, n, status;

	ASSERT_NE(MAP_FAILED, r);
	memset(r, 0, sizeof(*r));
	ASSERT_EQ(0, tnl_open(&nl));
	ASSERT_EQ(0, tnl_link_new(&nl, "rport%d", 0, 16, false, &l));
	ASSERT_EQ(0, tnl_if_set_up(l.ifname, true));
	r->ifindex = l.ifindex;
	r->family = nl.family;
	r->portid = 0x7e000000u | (uint32_t)getpid();
	for (i = 0; i < 3; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			r->stop = 1; /* those started end */
			break;
		}
		if (pids[i])
			continue;
		if (i == 0)
			race_closer(r);
		else if (i == 1)
			race_binder(r);
		else
			race_sender(r);
		_exit(0);
	}
	for (n = 0; n < i; n++)
		ASSERT_EQ(pids[n], waitpid(pids[n], &status, 0));
	ASSERT_EQ(3, i);
	ktap_diag("%u rounds, port id rebound while closing %u times, the new socket taken as the owner %u times, %u FRAMES_TX frames to it, %u errors",
		  r->rounds, r->rebound, r->taken, r->frames, r->errors);
	/* A debug kernel gets through fewer rounds in the time. */
	EXPECT_LT(10u, r->rounds);
	EXPECT_LT(0u, r->rebound);
	EXPECT_EQ(0u, r->taken);
	EXPECT_EQ(0u, r->frames);
	EXPECT_EQ(0u, r->errors);
	tnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL, l.ifindex, NULL);
	tnl_close(&nl);
	munmap(r, sizeof(*r));
}

/* ---- links coming and going ---- */

#define DUMP_LINKS 40
#define DUMP_DELETED 6

/* The ifindexes of one part of a LINK_GET dump, read with a small buffer. */
static int dump_part(int fd, uint32_t *seen, int *nseen, bool *done)
{
	static unsigned char buf[4096];
	ssize_t len = recv(fd, buf, sizeof(buf), 0);
	struct nlmsghdr *nlh;
	int n = 0;

	if (len < 0)
		return -errno;
	tnl_for_each_msg(nlh, buf, len) {
		struct tnl_link l;

		if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
			*done = true;
			continue;
		}
		tnl_parse_link(nlh, &l);
		seen[(*nseen)++] = l.ifindex;
		n++;
	}
	return n;
}

/*
 * A dump goes on where it stopped, by ifindex: links deleted between its
 * parts neither hide nor repeat the others (a cursor that counts places
 * on the list skips as many as were deleted before it).
 */
TEST(dump_resumes_by_ifindex_while_links_go)
{
	static struct tnl_msg m;
	static uint32_t seen[4 * DUMP_LINKS];
	struct tnl_link l[DUMP_LINKS];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct tnl nl;
	int i, j, nseen = 0, first, fd, count;
	bool done = false;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, tnl_open(&nl));
	for (i = 0; i < DUMP_LINKS; i++)
		ASSERT_EQ(0, tnl_link_new(&nl, "rdump%d", 0, 0, false, &l[i]));
	/* A fresh socket: its dump parts are as small as one page. */
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	tnl_req_init(&m, nl.family, RCAN_CMD_LINK_GET, NLM_F_DUMP);
	m.nlh.nlmsg_len = (uint32_t)m.len;
	sa.nl_pid = 0;
	ASSERT_EQ((ssize_t)m.len, sendto(fd, m.buf, m.len, 0,
					 (struct sockaddr *)&sa, sizeof(sa)));
	first = dump_part(fd, seen, &nseen, &done);
	ASSERT_LT(DUMP_DELETED, first);
	ASSERT_FALSE(done);
	/* Links the first part already had go before the next part. */
	for (i = 0; i < DUMP_DELETED; i++)
		ASSERT_EQ(0, tnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL,
					     l[i].ifindex, NULL));
	while (!done)
		ASSERT_LE(0, dump_part(fd, seen, &nseen, &done));
	ktap_diag("%d links, first part %d, %d deleted after it, %d dumped",
		  DUMP_LINKS, first, DUMP_DELETED, nseen);
	for (i = DUMP_DELETED; i < DUMP_LINKS; i++) {
		for (count = 0, j = 0; j < nseen; j++)
			count += seen[j] == l[i].ifindex;
		EXPECT_EQ(1, count) {
			TH_LOG("link %u dumped %d times", l[i].ifindex, count);
		}
	}
	close(fd);
	tnl_close(&nl);
}

#define NEW_ROUNDS 300

struct new_race {
	volatile uint32_t next; /* the ifindex the next link will get */
	volatile int stop;
	unsigned int created, refused, foreign_owner, taken, deleted;
	char why[512];
};

/*
 * Attach, or else delete, whatever link gets the next ifindex, as early
 * as it can: a socket reacting to the link's appearance (its
 * RTM_NEWLINK, or the rcan LINK_NEW event) could do this.
 */
static void new_race_grabber(struct new_race *r)
{
	struct tnl g;

	if (tnl_open(&g))
		return;
	while (!r->stop) {
		uint32_t want = r->next;

		if (!tnl_ifindex_cmd(&g, RCAN_CMD_LINK_ATTACH, want, NULL)) {
			r->taken++;
			tnl_ifindex_cmd(&g, RCAN_CMD_LINK_DETACH, want, NULL);
		} else if (!tnl_ifindex_cmd(&g, RCAN_CMD_LINK_DEL, want,
					    NULL)) {
			r->deleted++;
		}
	}
	tnl_close(&g);
}

#define MAX_IFINDEX 4096

/*
 * Read the events that came, and count the links whose first event was
 * not LINK_NEW.
 */
static unsigned int misordered_events(struct tnl *ev, unsigned int *events)
{
	static unsigned char buf[1 << 16];
	static unsigned char first[MAX_IFINDEX];
	unsigned int bad = 0;

	memset(first, 0, sizeof(first));
	while (tnl_wait_readable(ev->fd, 500)) {
		ssize_t len = recv(ev->fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;

		if (len <= 0)
			break;
		tnl_for_each_msg(nlh, buf, len) {
			const struct nlattr *tb[RCAN_ATTR_MAX + 1];
			uint32_t ifindex;

			if (nlh->nlmsg_type != ev->family)
				continue;
			tnl_parse_genl(nlh, tb, RCAN_ATTR_MAX);
			if (!tb[RCAN_ATTR_IFINDEX])
				continue;
			ifindex = tnl_attr_u32(tb[RCAN_ATTR_IFINDEX]);
			(*events)++;
			if (ifindex >= MAX_IFINDEX || first[ifindex])
				continue;
			first[ifindex] = tnl_cmd(nlh);
			if (first[ifindex] != RCAN_CMD_LINK_NEW)
				bad++;
		}
	}
	return bad;
}

/*
 * LINK_NEW with ATTACH: the creator is the first owner, always, even when
 * another socket tries to attach or delete the new link from the moment
 * it exists; and the LINK_NEW event is each link's first.
 */
TEST_F_TIMEOUT(slow, link_new_attaches_its_creator_first, 300)
{
	struct new_race *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned int events = 0, bad;
	struct tnl nl, ev;
	struct tnl_link l;
	pid_t pid;
	int i, status;

	ASSERT_NE(MAP_FAILED, r);
	memset(r, 0, sizeof(*r));
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, tnl_open(&nl));
	ASSERT_EQ(0, tnl_open(&ev));
	ASSERT_EQ(0, tnl_subscribe(&ev));
	/* ifindexes are handed out in order in a new namespace */
	ASSERT_EQ(0, tnl_link_new(&nl, "rnew%d", 0, 0, false, &l));
	ASSERT_EQ(0, tnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL, l.ifindex, NULL));
	r->next = l.ifindex + 1;
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		new_race_grabber(r);
		_exit(0);
	}
	for (i = 0; i < NEW_ROUNDS; i++) {
		static struct tnl_msg m;
		int err;

		tnl_req_init(&m, nl.family, RCAN_CMD_LINK_NEW, 0);
		tnl_put_str(&m, RCAN_ATTR_IFNAME, "rnew%d");
		tnl_put_u32(&m, RCAN_ATTR_LINK_FLAGS,
			    RCAN_LINK_F_REMOVE_ON_DETACH);
		tnl_put_str(&m, RCAN_ATTR_REMOTE, "can://192.0.2.1:29536/can0");
		tnl_put(&m, RCAN_ATTR_ATTACH, NULL, 0);
		memset(&l, 0, sizeof(l));
		err = tnl_request(&nl, &m, tnl_parse_link, &l);
		if (err) {
			if (!r->refused++)
				snprintf(r->why, sizeof(r->why), "%s (%s)",
					 strerror(-err), nl.extack);
			/* The link may be there, owned by the grabber. */
			tnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL, r->next, NULL);
			r->next++;
			continue;
		}
		r->created++;
		/*
		 * Owner 0: the other socket deleted the link between the
		 * creator's attach and the reply, which an admin may.
		 */
		if (l.owner && l.owner != nl.portid)
			r->foreign_owner++;
		r->next = l.ifindex + 1;
		tnl_ifindex_cmd(&nl, RCAN_CMD_LINK_DEL, l.ifindex, NULL);
	}
	r->stop = 1;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	bad = misordered_events(&ev, &events);
	ktap_diag("%u links made with ATTACH, %u refused%s%s, %u owned by another; the other socket attached one %u times, deleted one %u times; %u events, %u links whose first was not LINK_NEW",
		  r->created, r->refused, r->refused ? ": " : "", r->why,
		  r->foreign_owner, r->taken, r->deleted, events, bad);
	EXPECT_EQ(0u, r->refused);
	EXPECT_EQ(0u, r->foreign_owner);
	EXPECT_EQ(0u, bad);
	tnl_close(&ev);
	tnl_close(&nl);
	munmap(r, sizeof(*r));
}

TEST_HARNESS_MAIN
