// SPDX-License-Identifier: GPL-2.0
/*
 * RX: the frames of each TCP read go to the kernel as one FRAMES_RX
 * message, at once by default (the lowest latency). ethtool's coalescing
 * (`ethtool -C canX rx-usecs N rx-frames M`, announced by rcan.ko) trades
 * latency for fewer messages as on a NIC: frames are held until M wait
 * or the oldest waited N us; 0 is no limit of that kind.
 */
#include <errno.h>
#include <string.h>

#include "bridge.h"
#include "log.h"
#include "now.h"

/* rx-frames alone sets no time limit; a frame never waits longer. */
#define RX_HOLD_MAX_US 1000000U

static uint32_t hold_us(const struct bridge *b)
{
	return b->coal_usecs ? b->coal_usecs : RX_HOLD_MAX_US;
}

/*
 * rx_frames counts the frames handed to the kernel, rx_dropped those rcand
 * dropped: every frame parsed from the server is in one of the two (a
 * batch the kernel refuses later moves over, bridge_refused()).
 */
void bridge_rx_flush(struct bridge *b)
{
	unsigned int count = b->rxb.count;
	int rc = rnl_rx_flush(b->nl, &b->rxb);

	if (rc < 0) {
		b->rx_dropped += count;
		log_err("%s: FRAMES_RX of %u frames: %s", b->cfg.name, count,
			rnl_strerror(rc));
		return;
	}
	b->rx_frames += count;
}

void bridge_rx_frame(struct bridge *b, const struct proto_event *ev)
{
	struct rnl_frame f;
	int rc;

	if (!b->ifindex) { /* before the netdev exists (handshake) */
		b->rx_dropped++;
		return;
	}
	memset(&f, 0, sizeof(f));
	f.can_id = ev->can_id;
	f.len = ev->len;
	f.ts_ns = ev->ts_ns;
	memcpy(f.data, ev->data, ev->len);
	if (ev->type == PROTO_EV_FDFRAME) {
		if (!(b->link_flags & RCAN_LINK_F_FD)) {
			if (!b->logged_rxfd++)
				log_warn(
					"%s: dropping CAN FD frames from the server (dialect %s): the netdev is not FD (use --fd)",
					b->cfg.name,
					proto_dialect_name(ev->dialect));
			b->rx_dropped++;
			return;
		}
		f.flags = ev->fd_flags;
	}
	if (!b->rxb.count && (b->coal_usecs || b->coal_frames))
		b->rx_first_us = now_us();
	rc = rnl_rx_add(b->nl, &b->rxb, b->ifindex, &f);
	if (rc == -ENOSPC) { /* full: send it, start another */
		bridge_rx_flush(b);
		if (b->coal_usecs || b->coal_frames)
			b->rx_first_us = now_us();
		rc = rnl_rx_add(b->nl, &b->rxb, b->ifindex, &f);
	}
	if (rc < 0) {
		b->rx_dropped++;
		return;
	}
	if (b->coal_frames && b->rxb.count >= b->coal_frames)
		bridge_rx_flush(b);
}

static int rx_due(const struct bridge *b)
{
	if (!b->coal_usecs && !b->coal_frames)
		return 1;
	return now_us() - b->rx_first_us >= hold_us(b);
}

void bridge_rx_deliver(struct bridge *b)
{
	/* the end of a read: its echoes' clock is old now */
	bridge_clock_done(b);
	if (b->rxb.count && rx_due(b))
		bridge_rx_flush(b);
}

long bridge_rx_wait_us(const struct bridge *b)
{
	uint64_t waited;

	if (!b->rxb.count)
		return -1;
	waited = now_us() - b->rx_first_us;
	return waited >= hold_us(b) ? 0 : (long)(hold_us(b) - waited);
}
