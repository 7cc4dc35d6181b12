// SPDX-License-Identifier: GPL-2.0
/*
 * rcan_traffic LINKS SECONDS [IDLE]: make LINKS attached, connected links
 * (and IDLE links nobody owns) and keep frames flowing both ways on the
 * attached ones (FRAMES_RX in, CAN_RAW out, FRAMES_TX confirmed with
 * TX_DONE) for SECONDS or until killed, while the caller does something
 * nasty such as rmmod rcan or deleting the namespace. It never gives up on an
 * error: the family, the links and the sockets may vanish under it.
 * Prints "ready" on stdout once traffic flows. Exit 0 unless setup fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/can.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../lib/rcan_testnl.h"

#define MAXL 16

static void drain_and_confirm(struct tnl *n)
{
	static char buf[TNL_RX_MAX];
	static struct tnl_msg m;
	ssize_t len;

	while ((len = recv(n->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		struct nlmsghdr *nlh;

		tnl_for_each_msg(nlh, buf, len) {
			struct tnl_frame f[128];
			const struct nlattr *tb[RCAN_ATTR_MAX + 1];
			int cnt;

			if (nlh->nlmsg_type != n->family)
				continue;
			cnt = tnl_parse_tx(nlh, f, 128);
			if (!cnt)
				continue;
			tnl_parse_genl(nlh, tb, RCAN_ATTR_MAX);
			if (!tb[RCAN_ATTR_IFINDEX])
				continue;
			tnl_req_init(&m, n->family, RCAN_CMD_TX_DONE, 0);
			tnl_put_u32(&m, RCAN_ATTR_IFINDEX,
				    tnl_attr_u32(tb[RCAN_ATTR_IFINDEX]));
			tnl_put_u32(&m, RCAN_ATTR_SEQ, f[cnt - 1].seq);
			tnl_send(n, &m);
		}
	}
}

int main(int argc, char **argv)
{
	int nlinks = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 4;
	int secs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 30;
	int idle = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 0;
	uint32_t ifindex[MAXL];
	int can[MAXL], i;
	struct tnl n;
	time_t end;
	uint32_t k = 0;

	if (nlinks < 1 || nlinks > MAXL)
		nlinks = 4;
	if (tnl_open(&n)) {
		fprintf(stderr, "rcan_traffic: no rcan family\n");
		return 1;
	}
	for (i = 0; i < nlinks; i++) {
		struct tnl_link l;

		if (tnl_link_new(&n, "rttr%d", i % 2 ? RCAN_LINK_F_FD : 0, 32,
				 true, &l) ||
		    tnl_if_set_up(l.ifname, true) ||
		    tnl_set_connected(&n, l.ifindex, 1)) {
			fprintf(stderr, "rcan_traffic: setup failed\n");
			return 1;
		}
		ifindex[i] = l.ifindex;
		can[i] = tnl_can_open(l.ifindex, false);
	}
	for (i = 0; i < idle && i < MAXL; i++) {
		struct tnl_link l;

		if (tnl_link_new(&n, "rtid%d", 0, 0, false, &l)) {
			fprintf(stderr, "rcan_traffic: setup failed\n");
			return 1;
		}
	}
	fcntl(n.fd, F_SETFL, O_NONBLOCK);
	printf("ready\n");
	fflush(stdout);
	end = time(NULL) + secs;
	while (time(NULL) < end) {
		for (i = 0; i < nlinks; i++) {
			static struct tnl_msg m;
			struct tnl_frame f[16];
			uint32_t id = k & 0x7ff;
			int j;

			if (can[i] >= 0) {
				struct can_frame cf = { .can_id = k & 0x7ff,
							.len = 4 };

				if (write(can[i], &cf, sizeof(cf)) < 0 &&
				    errno == ENODEV) {
					close(can[i]);
					can[i] = -1;
				}
			}
			tnl_req_init(&m, n.family, RCAN_CMD_FRAMES_RX, 0);
			tnl_put_u32(&m, RCAN_ATTR_IFINDEX, ifindex[i]);
			for (j = 0; j < 16; j++, k++) {
				f[j] = (struct tnl_frame){ .id = id, .len = 8 };
				memcpy(f[j].data, &k, sizeof(k));
			}
			tnl_put_frames(&m, f, 16);
			tnl_send(&n, &m);
			if (can[i] >= 0) {
				struct can_frame cf;

				while (read(can[i], &cf, sizeof(cf)) > 0)
					;
			}
		}
		drain_and_confirm(&n);
		usleep(1000);
	}
	return 0;
}
