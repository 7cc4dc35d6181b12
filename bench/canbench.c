// SPDX-License-Identifier: GPL-2.0
/*
 * canbench: offer CAN frames on one interface at a given rate and count,
 * on another, what arrives: delivered, lost, out of order, one-way
 * latency. Each frame carries its sequence number and its send time
 * (CLOCK_MONOTONIC, shared by every interface of one machine).
 *
 *   canbench -t TXIF -r RXIF [-n COUNT] [-R FRAMES_PER_S] [-w WAIT_MS] [-f]
 *            [-i IDBASE]
 *   canbench -e IF [-n COUNT] [-R FRAMES_PER_S]     own-echo round trip
 *
 * -f sends CAN FD frames of 64 bytes (both interfaces need MTU 72)
 * instead of classic 8-byte frames.
 *
 * -i sends ids IDBASE..IDBASE+0xFF (IDBASE a multiple of 0x100, default
 * 0x100) and the receiver takes only those (CAN_RAW_FILTER): runs in both
 * directions on one bus at once then count only their own frames (the
 * reader on the remote bus would also see the other direction's sender,
 * the reader on rcan the local echo of the other one's frames).
 *
 * -R 0 sends flat out with blocking writes, so flow control (a stopped
 * queue, ENOBUFS from a full qdisc) paces the sender; ENOBUFS is waited
 * out and counted, never skipped. Prints one JSON object.
 *
 * It also reports its own CPU time per frame, sender and receiver thread
 * apart: a program that writes one frame per system call and reads one
 * per poll() and read(), which is what a bridge without batching costs
 * per frame on this machine, the yardstick for rcand's CPU per frame.
 */
#include <errno.h>
#include <linux/can.h>
#include <linux/can/raw.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct opts {
	const char *tx, *rx;
	long count, rate, wait_ms;
	bool echo;
	bool fd; /* -f: CAN FD, 64 bytes */
	long id_base; /* -i: the ids sent, and filtered on when given */
	bool filter;
};

struct rx_result {
	long delivered, lost, out_of_order, dups;
	uint32_t *lat_us;	/* per delivered frame */
	double first_s, last_s;
	double cpu_s;		/* the receiving thread's CPU time */
	uint32_t sock_drops;	/* dropped by our own socket's full queue */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static double thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct opts o = { .count = 10000, .rate = 1000, .wait_ms = 2000,
			 .id_base = 0x100 };

static int can_open(const char *ifname, bool own, bool fd)
{
	struct sockaddr_can a = { .can_family = AF_CAN };
	int s = socket(PF_CAN, SOCK_RAW, CAN_RAW), one = 1, buf = 4 << 20;

	a.can_ifindex = (int)if_nametoindex(ifname);
	if (s < 0 || !a.can_ifindex) {
		fprintf(stderr, "canbench: no interface %s\n", ifname);
		exit(2);
	}
	setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	setsockopt(s, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	if (own)
		setsockopt(s, SOL_CAN_RAW, CAN_RAW_RECV_OWN_MSGS, &one, sizeof(one));
	if (fd && setsockopt(s, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &one,
			     sizeof(one)) < 0) {
		perror("canbench: CAN_RAW_FD_FRAMES");
		exit(2);
	}
	if (o.filter) {
		struct can_filter flt = { .can_id = (canid_t)o.id_base,
					  .can_mask = CAN_EFF_FLAG | CAN_RTR_FLAG |
						      (CAN_SFF_MASK & ~0xFFU) };

		setsockopt(s, SOL_CAN_RAW, CAN_RAW_FILTER, &flt, sizeof(flt));
	}
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("canbench: bind");
		exit(2);
	}
	return s;
}

static struct rx_result res;
static int rx_sock;
static double write_s; /* from the first write to the last */
static volatile int sending_done;

/*
 * The reader socket's drops as they are now: SO_RXQ_OVFL tells the count
 * only with a frame queued after it changed, so drops after the last frame
 * read show only here.
 */
static void socket_drops_now(void)
{
	uint32_t mi[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mi);

	if (!getsockopt(rx_sock, SOL_SOCKET, SO_MEMINFO, mi, &len) &&
	    len > SK_MEMINFO_DROPS * sizeof(mi[0]) &&
	    mi[SK_MEMINFO_DROPS] > res.sock_drops)
		res.sock_drops = mi[SK_MEMINFO_DROPS];
}

/* Receive until every frame came or nothing came for wait_ms. */
static void *rx_thread(void *arg)
{
	char *seen = calloc((size_t)o.count, 1);
	uint64_t last_rx = now_ns();
	double cpu0 = thread_cpu_s();
	long expect = 0;

	(void)arg;
	for (;;) {
		struct pollfd p = { rx_sock, POLLIN, 0 };
		struct canfd_frame f;
		char ctrl[CMSG_SPACE(sizeof(uint32_t))];
		struct iovec iov = { &f, sizeof(f) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctrl,
				    .msg_controllen = sizeof(ctrl) };
		struct cmsghdr *c;

		if (res.delivered + res.dups >= o.count)
			break;
		if (poll(&p, 1, 100) <= 0) {
			if (sending_done &&
			    now_ns() - last_rx > (uint64_t)o.wait_ms * 1000000ULL)
				break;
			continue;
		}
		ssize_t got = recvmsg(rx_sock, &m, 0);

		if (got != (ssize_t)(o.fd ? CANFD_MTU : CAN_MTU))
			continue;
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == SOL_SOCKET &&
			    c->cmsg_type == SO_RXQ_OVFL)
				memcpy(&res.sock_drops, CMSG_DATA(c),
				       sizeof(res.sock_drops));
		if (f.len != (o.fd ? CANFD_MAX_DLEN : CAN_MAX_DLEN))
			continue;
		uint64_t t = now_ns();
		uint32_t seq, sent_us;

		memcpy(&seq, f.data, 4);
		memcpy(&sent_us, f.data + 4, 4);
		if (seq >= (uint32_t)o.count)
			continue;
		last_rx = t;
		if (seen[seq]) {
			res.dups++;
			continue;
		}
		seen[seq] = 1;
		/* A gap is loss (counted at the end); older than one already
		 * seen is reordering.
		 */
		if ((long)seq < expect)
			res.out_of_order++;
		else
			expect = (long)seq + 1;
		res.lat_us[res.delivered++] = (uint32_t)(t / 1000) - sent_us;
		if (res.delivered == 1)
			res.first_s = (double)t / 1e9;
		res.last_s = (double)t / 1e9;
	}
	res.lost = o.count - res.delivered;
	res.cpu_s = thread_cpu_s() - cpu0;
	socket_drops_now();
	free(seen);
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t pct(const uint32_t *v, long n, double p)
{
	if (n <= 0)
		return 0;
	return v[(long)((double)(n - 1) * p)];
}

/* Send COUNT frames at RATE; returns ENOBUFS retries. */
static long send_all(int s)
{
	uint64_t start = now_ns();
	long retries = 0;

	for (long i = 0; i < o.count; i++) {
		struct canfd_frame f = { .can_id = (canid_t)o.id_base + (canid_t)(i & 0xff),
					 .len = o.fd ? CANFD_MAX_DLEN : CAN_MAX_DLEN };
		size_t size = o.fd ? CANFD_MTU : CAN_MTU;
		uint32_t seq = (uint32_t)i, us;

		if (o.rate > 0) {
			uint64_t due = start + (uint64_t)i * 1000000000ULL / (uint64_t)o.rate;
			uint64_t now = now_ns();

			if (due > now) {
				struct timespec ts = { 0, (long)(due - now) };

				nanosleep(&ts, NULL);
			}
		}
		us = (uint32_t)(now_ns() / 1000);
		memcpy(f.data, &seq, 4);
		memcpy(f.data + 4, &us, 4);
		memset(f.data + 8, (int)(i & 0xff), f.len - 8U);
		while (write(s, &f, size) != (ssize_t)size) {
			if (errno != ENOBUFS && errno != EAGAIN) {
				perror("canbench: write");
				exit(2);
			}
			retries++;
			usleep(200);
		}
	}
	return retries;
}

static void print_result(const char *mode, long retries, double send_s,
			 double send_cpu_s)
{
	double span = res.last_s - res.first_s;

	qsort(res.lat_us, (size_t)res.delivered, sizeof(uint32_t), cmp_u32);
	printf("{\"mode\":\"%s\",\"offered\":%ld,\"rate\":%ld,\"delivered\":%ld,"
	       "\"lost\":%ld,\"out_of_order\":%ld,\"duplicates\":%ld,"
	       "\"delivered_per_s\":%.0f,\"send_s\":%.3f,\"enobufs_retries\":%ld,"
	       "\"lat_p50_us\":%u,\"lat_p99_us\":%u,\"lat_max_us\":%u,"
	       "\"send_cpu_us_per_frame\":%.2f,\"recv_cpu_us_per_frame\":%.2f,"
	       "\"receiver_socket_drops\":%u,\"frame_bytes\":%d,"
	       "\"write_s\":%.3f}\n",
	       mode, o.count, o.rate, res.delivered, res.lost, res.out_of_order,
	       res.dups, span > 0 ? (double)(res.delivered - 1) / span : 0.0,
	       send_s, retries, pct(res.lat_us, res.delivered, 0.5),
	       pct(res.lat_us, res.delivered, 0.99),
	       pct(res.lat_us, res.delivered, 1.0),
	       send_cpu_s * 1e6 / (double)o.count,
	       res.delivered ? res.cpu_s * 1e6 / (double)res.delivered : 0.0,
	       res.sock_drops, o.fd ? CANFD_MAX_DLEN : CAN_MAX_DLEN, write_s);
}

static long num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < 0) {
		fprintf(stderr, "canbench: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	pthread_t th;
	long retries;
	double cpu0;
	uint64_t t0;
	int c, tx;

	while ((c = getopt(argc, argv, "t:r:n:R:w:e:fi:")) != -1) {
		switch (c) {
		case 't': o.tx = optarg; break;
		case 'r': o.rx = optarg; break;
		case 'e': o.tx = o.rx = optarg; o.echo = true; break;
		case 'n': o.count = num(optarg); break;
		case 'R': o.rate = num(optarg); break;
		case 'w': o.wait_ms = num(optarg); break;
		case 'f': o.fd = true; break;
		case 'i':
			o.id_base = strtol(optarg, NULL, 0);
			o.filter = true;
			if (o.id_base <= 0 || o.id_base > 0x700 ||
			    (o.id_base & 0xff)) {
				fprintf(stderr, "canbench: -i takes 0x100..0x700, a multiple of 0x100\n");
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: canbench -t TXIF -r RXIF | -e IF [-n N] [-R RATE] [-w MS] [-f] [-i IDBASE]\n");
			return 2;
		}
	}
	if (!o.tx || !o.rx || o.count <= 0)
		return 2;
	res.lat_us = calloc((size_t)o.count, sizeof(uint32_t));
	/* Echo mode: the sender's own socket sees its frames come back. */
	tx = can_open(o.tx, o.echo, o.fd);
	rx_sock = o.echo ? tx : can_open(o.rx, false, o.fd);
	pthread_create(&th, NULL, rx_thread, NULL);
	t0 = now_ns();
	cpu0 = thread_cpu_s();
	retries = send_all(tx);
	cpu0 = thread_cpu_s() - cpu0;
	write_s = (double)(now_ns() - t0) / 1e9;
	sending_done = 1;
	pthread_join(th, NULL);
	print_result(o.echo ? "echo" : "path", retries,
		     (double)(now_ns() - t0) / 1e9, cpu0);
	return 0;
}
