// SPDX-License-Identifier: GPL-2.0
/*
 * How fast rcand's netlink layer takes FRAMES_TX, one frame per datagram
 * (a program writing frame by frame): the batched recvmmsg() receive
 * against libnl's own receive. No rcan.ko needed: a second netlink socket
 * of this process plays the kernel (unicast between user-space sockets
 * needs CAP_NET_ADMIN), and the family id is made up: the helper's link
 * layer is linked with its family lookup wrapped (ld --wrap).
 *
 *   nlrecv_bench [ROUNDS]     prints CPU ns per frame for both receives
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/netlink.h>

#include "genl.h"

#define BENCH_FAMILY 0x1234

/* ld --wrap: the family is not looked up, it is made up */
int __wrap_genl_ctrl_resolve(struct nl_sock *sk, // NOLINT(bugprone-reserved-identifier)
			     const char *name);
int __wrap_genl_ctrl_resolve(struct nl_sock *sk, // NOLINT(bugprone-reserved-identifier)
			     const char *name)
{
	(void)sk;
	(void)name;
	return BENCH_FAMILY;
}

int __wrap_genl_ctrl_resolve_grp(struct nl_sock *sk, // NOLINT(bugprone-reserved-identifier)
				 const char *family, const char *grp);
int __wrap_genl_ctrl_resolve_grp(struct nl_sock *sk, // NOLINT(bugprone-reserved-identifier)
				 const char *family, const char *grp)
{
	(void)sk;
	(void)family;
	(void)grp;
	return -NLE_OBJ_NOTFOUND;
}

#define PER_ROUND 256 /* datagrams in the socket before each receive */

static unsigned long frames;

static void on_frame(void *arg, uint32_t ifindex, const struct rnl_frame *f)
{
	(void)arg;
	(void)ifindex;
	(void)f;
	frames++;
}

static const struct rnl_handlers handlers = { .tx_frame = on_frame };

/* One FRAMES_TX datagram with one classic frame, as rcan.ko sends it. */
static size_t build(char *buf, size_t size, uint32_t seq)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *frames_nest, *frame;
	static const uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	size_t len;

	genlmsg_put(msg, 0, seq, BENCH_FAMILY, 0, 0, RCAN_CMD_FRAMES_TX,
		    RCAN_GENL_VERSION);
	nla_put_u32(msg, RCAN_ATTR_IFINDEX, 7);
	frames_nest = nla_nest_start(msg, RCAN_ATTR_FRAMES);
	frame = nla_nest_start(msg, RCAN_ATTR_FRAME);
	nla_put_u32(msg, RCAN_FRAME_ID, 0x123);
	nla_put(msg, RCAN_FRAME_DATA, sizeof(data), data);
	nla_put_u32(msg, RCAN_FRAME_SEQ, seq);
	nla_nest_end(msg, frame);
	nla_nest_end(msg, frames_nest);
	len = nlmsg_hdr(msg)->nlmsg_len;
	if (len > size)
		len = 0;
	else
		memcpy(buf, nlmsg_hdr(msg), len);
	nlmsg_free(msg);
	return len;
}

/* CPU time, user and system: the machine may be busy with others */
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ns per frame over rounds of PER_ROUND datagrams; batched or libnl's. */
static double run(int batched, long rounds)
{
	struct sockaddr_nl dst = { .nl_family = AF_NETLINK };
	struct rnl n;
	char buf[256];
	double spent = 0;
	int fd, i;
	long r;

	if (rnl_open(&n, &handlers, NULL) < 0 ||
	    rnl_setup_datapath(&n, 8 << 20) < 0)
		return -1;
	if (!batched) {
		/* libnl's receive: one recvmsg() per datagram, no peeking */
		nl_cb_overwrite_recv(n.cb, NULL);
		nl_socket_disable_msg_peek(n.sk);
	}
	dst.nl_pid = n.portid;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	frames = 0;
	for (r = 0; r < rounds; r++) {
		double t0;

		for (i = 0; i < PER_ROUND; i++) {
			size_t len = build(buf, sizeof(buf), (uint32_t)i);

			if (sendto(fd, buf, len, 0, (struct sockaddr *)&dst,
				   sizeof(dst)) < 0) {
				perror("sendto");
				return -1;
			}
		}
		t0 = now_ns();
		while (frames < (unsigned long)(r + 1) * PER_ROUND)
			if (rnl_recv(&n) < 0)
				return -1;
		spent += now_ns() - t0;
	}
	close(fd);
	rnl_close(&n);
	return spent / ((double)rounds * PER_ROUND);
}

int main(int argc, char **argv)
{
	char *end = NULL;
	long rounds = argc > 1 ? strtol(argv[1], &end, 10) : 200;
	int k;

	if (end && (*end || rounds <= 0 || rounds > 100000)) {
		fprintf(stderr, "usage: nlrecv_bench [ROUNDS]\n");
		return 2;
	}

	for (k = 0; k < 3; k++)
		printf("batched recvmmsg: %6.0f ns/frame   libnl recvmsg: %6.0f ns/frame\n",
		       run(1, rounds), run(0, rounds));
	return 0;
}
