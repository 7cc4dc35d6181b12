// SPDX-License-Identifier: GPL-2.0
/*
 * The bridge's link and settings: the netdev it serves, the TX window
 * (fixed, or following the echo round trip), the bit rate that paces TX,
 * ethtool's RX coalescing, and the session's state reported to the
 * kernel. The data path is in bridge_tx.c and bridge_rx.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bridge.h"
#include "log.h"
#include "now.h"

/* A session that ends this soon after sends were written may have been
 * closed by the server for a full CAN queue. */
#define HINT_AFTER_TX_US 1000000ULL
/* After such a close, how long the carrier stays while rcand reconnects
 * (the first retry comes after 100-300 ms). */
#define HOLD_US 2000000ULL

/* Every frame up to seq is settled, done or failed: tell the kernel (with
 * the remote's time of a confirmation, when it gave one). */
static void report(void *arg, uint32_t seq, uint32_t nframes, int err,
		   uint64_t ts_ns)
{
	struct bridge *b = arg;
	int rc;

	if (err) {
		rc = rnl_tx_fail(b->nl, b->ifindex, seq, err);
		b->tx_failed += nframes;
	} else {
		rc = rnl_tx_done(b->nl, b->ifindex, seq, ts_ns);
		b->tx_frames += nframes;
		ratelearn_confirmed(&b->learn, nframes, bridge_clock_us(b));
		b->unechoed -= nframes < b->unechoed ? nframes : b->unechoed;
		txwin_confirmed(&b->win, nframes);
	}
	if (rc < 0)
		log_err("%s: %s %u: %s", b->cfg.name,
			err ? "TX_FAIL" : "TX_DONE", seq, rnl_strerror(rc));
}

static void carrier_off(struct bridge *b)
{
	int rc = rnl_link_set(b->nl, b->ifindex, 0, NULL);

	if (rc < 0)
		log_err("%s: LINK_SET: %s", b->cfg.name, rnl_strerror(rc));
}

void bridge_init(struct bridge *b, struct session *s, struct rnl *nl,
		 const struct bridge_config *cfg)
{
	memset(b, 0, sizeof(*b));
	b->s = s;
	b->nl = nl;
	b->cfg = *cfg;
	txring_init(&b->tx, report, b);
	rtt_init(&b->rtt);
	txwin_init(&b->win, RCAN_TX_WINDOW_DEFAULT, RCAN_TX_WINDOW_MAX,
		   RCAN_TX_WINDOW_DEFAULT, now_us());
	pacer_init(&b->pacer, cfg->remote_queue);
	pacer_set_rate(&b->pacer, cfg->tx_rate);
	ratelearn_init(&b->learn);
}

static uint32_t remote_queue(const struct bridge *b)
{
	return b->cfg.remote_queue ? b->cfg.remote_queue : PACER_QUEUE_DEFAULT;
}

void bridge_set_link(struct bridge *b, const struct rnl_link *l)
{
	b->ifindex = l->ifindex;
	b->link_flags = l->flags;
	/* nothing before the kernel's next seq is ours to confirm */
	if (l->has_seq)
		txring_set_next_seq(&b->tx, l->seq);
	if (l->tx_window)
		b->win.window = l->tx_window;
	if (b->cfg.bitrate)
		bridge_set_bitrate(b, b->cfg.bitrate, b->cfg.dbitrate,
				   "from --bitrate");
	else if (l->has_bt)
		bridge_set_bitrate(b, l->bt[RCAN_BT_BITRATE],
				   l->has_dbt ? l->dbt[RCAN_BT_BITRATE] : 0,
				   "set on the netdev");
	if (l->has_coalesce)
		bridge_set_coalesce(b, l->rx_usecs, l->rx_frames);
	if (b->cfg.tx_rate && !b->logged_rate++)
		log_info(
			"%s: pacing TX at --tx-rate %u frames/s: bursts of at most %u frames, remote queue %u",
			b->cfg.name, b->cfg.tx_rate, b->pacer.burst_max,
			remote_queue(b));
}

void bridge_setup_window(struct bridge *b)
{
	uint32_t w = b->cfg.tx_window ? b->cfg.tx_window : b->win.window;
	int rc;

	if (b->cfg.tx_window && b->cfg.tx_window == b->win.window)
		return; /* made with it */
	/* the kernel's answer tells whether it lets the owner change the
	 * window of an attached link (rcan.ko before issue 17 does not) */
	rc = rnl_link_set_window(b->nl, b->ifindex, w, 1);
	if (rc < 0) {
		log_warn(
			"%s: the kernel keeps the TX window at %u frames (%s%s%s): rcan.ko does not let rcand change it",
			b->cfg.name, b->win.window, rnl_strerror(rc),
			b->nl->errmsg[0] ? ": " : "", b->nl->errmsg);
		return;
	}
	b->win.window = w;
	b->win_auto = !b->cfg.tx_window;
}

void bridge_forget_learned_rate(struct bridge *b)
{
	if (!b->learn.rate)
		return;
	ratelearn_forget(&b->learn);
	pacer_set_rate(&b->pacer, b->cfg.tx_rate);
}

void bridge_set_bitrate(struct bridge *b, uint32_t bitrate, uint32_t dbitrate,
			const char *how)
{
	char data[40] = "";

	if (bitrate == b->pacer.bitrate && dbitrate == b->pacer.dbitrate)
		return;
	pacer_set_bitrate(&b->pacer, bitrate, dbitrate);
	if (bitrate) /* a known rate: the guess goes */
		bridge_forget_learned_rate(b);
	if (!bitrate) {
		log_info("%s: no bitrate: TX is %s", b->cfg.name,
			 b->cfg.tx_rate ? "paced at --tx-rate only" :
					  "not paced");
		return;
	}
	if (dbitrate)
		snprintf(data, sizeof(data), " dbitrate %u", dbitrate);
	log_info(
		"%s: pacing TX at bitrate %u%s (%s): bursts of at most %u frames, remote queue %u",
		b->cfg.name, bitrate, data, how, b->pacer.burst_max,
		remote_queue(b));
}

void bridge_set_coalesce(struct bridge *b, uint32_t usecs, uint32_t frames)
{
	if (usecs == b->coal_usecs && frames == b->coal_frames)
		return;
	b->coal_usecs = usecs;
	b->coal_frames = frames;
	log_info("%s: RX coalescing rx-usecs %u rx-frames %u%s", b->cfg.name,
		 usecs, frames, usecs || frames ? "" : ": every frame at once");
	bridge_rx_deliver(b);
}

/*
 * The kernel refused a request of ours. A FRAMES_RX's frames were counted
 * as handed over when it was sent; they were not taken after all.
 */
void bridge_refused(struct bridge *b, int cmd, uint32_t frames)
{
	if (cmd != RCAN_CMD_FRAMES_RX)
		return;
	b->rx_frames -= frames < b->rx_frames ? frames : b->rx_frames;
	b->rx_dropped += frames;
}

void bridge_hold_check(struct bridge *b)
{
	uint32_t n;

	if (!b->hold_until_us || session_is_up(b->s) ||
	    now_us() < b->hold_until_us)
		return;
	b->hold_until_us = 0;
	n = bridge_fail_all(b, ENOTCONN);
	carrier_off(b);
	log_warn(
		"%s: not reconnected within %llu ms: carrier off, %u frames failed",
		b->cfg.name, HOLD_US / 1000, n);
}

static long earlier(long a, long b)
{
	if (a < 0)
		return b;
	return b >= 0 && b < a ? b : a;
}

long bridge_timeout_us(struct bridge *b)
{
	long t = earlier(earlier(bridge_tx_wait_us(b), bridge_rx_wait_us(b)),
			 bridge_ext_wait_us(b));
	uint64_t now;

	if (b->hold_until_us && !session_is_up(b->s)) {
		now = now_us();
		t = earlier(t, now >= b->hold_until_us ?
				       0 :
				       (long)(b->hold_until_us - now));
	}
	return t;
}

uint64_t bridge_clock_us(struct bridge *b)
{
	if (!b->clock_us)
		b->clock_us = now_us();
	return b->clock_us;
}

void bridge_clock_done(struct bridge *b)
{
	b->clock_us = 0;
}

/* ---- the session's state, reported to the kernel ---- */

void bridge_up(struct bridge *b)
{
	int rc = rnl_link_set(b->nl, b->ifindex, 1, b->cfg.url);

	b->hold_until_us = 0;

	if (rc < 0)
		log_err("%s: LINK_SET: %s", b->cfg.name, rnl_strerror(rc));
	/* one line per kind and session */
	memset(&b->refusals, 0, sizeof(b->refusals));
	b->logged_rxfd = 0;
	log_info("%s: connected to %s", b->cfg.name, b->cfg.url);
}

/* socketcand closes the session at the first ENOBUFS of its CAN socket;
 * unpaced (or paced by a guess), a run of sends is the likely cause: pace
 * below what the remote took (ratelearn.h). Never when the user or the
 * server gave a rate, nor when the server spoke the rcan extension:
 * rcand serve waits on ENOBUFS and never closes for it, so its lost
 * session says nothing of the remote queue. */
static int learn_rate(struct bridge *b, uint32_t failed)
{
	char at[40] = "before a rate could be measured";
	uint32_t pace;

	if (!failed || b->cfg.tx_rate || b->pacer.bitrate || b->ext_features ||
	    !b->last_tx_us || now_us() - b->last_tx_us > HINT_AFTER_TX_US)
		return 0;
	pace = ratelearn_drop(&b->learn);
	pacer_set_rate(&b->pacer, pace);
	if (b->learn.overflowed_at)
		snprintf(at, sizeof(at), "at %u frames/s",
			 b->learn.overflowed_at);
	if (b->learn.drops == 1)
		log_warn(
			"%s: remote queue overflowed %s; pacing at %u; set the bitrate to stop guessing (ip link set %s type can bitrate N, or --bitrate N)",
			b->cfg.name, at, pace, b->cfg.name);
	else
		log_info("%s: remote queue overflowed again %s; pacing at %u",
			 b->cfg.name, at, pace);
	return 1;
}

void bridge_down(struct bridge *b)
{
	uint32_t failed;

	bridge_rx_flush(b);
	failed = bridge_fail_all(b, ECONNRESET);
	/* A close for a full remote queue: what was in flight failed, but
	 * the carrier stays and later frames wait for the reconnect, as on a
	 * busy bus; otherwise Linux drops every frame sent while it is off
	 * (the noop qdisc), and a sender going flat out loses them all. */
	if (learn_rate(b, failed)) {
		b->hold_until_us = now_us() + HOLD_US;
		log_info(
			"%s: carrier kept for up to %llu ms while reconnecting: frames sent meanwhile wait",
			b->cfg.name, HOLD_US / 1000);
	} else {
		carrier_off(b);
	}
	log_info(
		"%s: disconnected from %s (rx %llu, tx %llu, tx failed %llu, rx dropped %llu frames so far)",
		b->cfg.name, b->cfg.url, (unsigned long long)b->rx_frames,
		(unsigned long long)b->tx_frames,
		(unsigned long long)b->tx_failed,
		(unsigned long long)b->rx_dropped);
	if (pacer_on(&b->pacer) && b->pacer.bursts)
		log_info(
			"%s: paced: %llu bursts so far; the bus idled %llu ms while frames waited (wake-ups after a burst's time, or waits for echoes)",
			b->cfg.name, (unsigned long long)b->pacer.bursts,
			(unsigned long long)(b->pacer.idle_ns / 1000000));
}
