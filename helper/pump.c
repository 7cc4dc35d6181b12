// SPDX-License-Identifier: GPL-2.0
/*
 * The frame pump: one epoll loop over the TCP session, the owner netlink
 * socket and the signals.
 *
 * TX: frames from the kernel (FRAMES_TX) queue in txq; when the loop has
 * drained its inputs they are written as one batch of whole `< send >`
 * elements followed by one `< echo >`. socketcand handles a session
 * strictly in order, so the echo's reply proves every send before it was
 * handed to the remote CAN socket: only then is the batch confirmed to
 * the kernel (TX_DONE up to the batch's last seq), which releases the
 * local echo. The completion ring keeps those confirmations, and the
 * failures of frames the protocol cannot carry, in sequence order,
 * because TX_DONE and TX_FAIL both mean "everything up to SEQ".
 *
 * RX: each TCP read's frames go to the kernel as one FRAMES_RX message.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <netlink/attr.h>

#include "log.h"
#include "rcand.h"

#define EP_NL 1
#define EP_SIG 2
#define EP_TCP 3

/*
 * The loop's clock, read a few times per wakeup: timeouts, heartbeats,
 * backoff and the --tx-rate bucket need milliseconds at best. The coarse
 * clock (a tick's resolution) is always read in the vDSO, whatever the
 * clocksource; CLOCK_MONOTONIC becomes a system call where the TSC is not
 * trusted (hpet, as in QEMU guests).
 */
long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* ---- completions ---- */

static struct comp *comp_push(struct rcand *r)
{
	struct comp *c;

	if (r->comp_len == COMP_SIZE)
		return NULL;
	c = &r->comp[(r->comp_head + r->comp_len++) % COMP_SIZE];
	memset(c, 0, sizeof(*c));
	return c;
}

static struct comp *comp_tail(struct rcand *r)
{
	if (!r->comp_len)
		return NULL;
	return &r->comp[(r->comp_head + r->comp_len - 1) % COMP_SIZE];
}

static void send_done(struct rcand *r, uint32_t seq, uint32_t n)
{
	int rc = rnl_tx_done(&r->nl, r->ifindex, seq);

	if (rc < 0)
		log_err("%s: TX_DONE %u: %s", r->ifname, seq, rnl_strerror(rc));
	r->tx_frames += n;
	r->have_done_seq = 1;
	r->done_seq = seq;
}

static void send_fail(struct rcand *r, uint32_t seq, uint32_t n, int err)
{
	int rc = rnl_tx_fail(&r->nl, r->ifindex, seq, err);

	if (rc < 0)
		log_err("%s: TX_FAIL %u: %s", r->ifname, seq, rnl_strerror(rc));
	r->tx_failed += n;
	r->have_done_seq = 1;
	r->done_seq = seq;
}

/* Report everything at the head of the ring that is settled. */
static void comp_flush(struct rcand *r)
{
	int have_done = 0;
	uint32_t done = 0, done_n = 0;

	while (r->comp_len) {
		struct comp *c = &r->comp[r->comp_head];

		if (c->kind == C_ECHO) {
			if (!c->replied)
				break;
			if (c->has_seq) {
				have_done = 1;
				done = c->seq;
				done_n += c->nframes;
			}
		} else {
			if (have_done)
				send_done(r, done, done_n);
			have_done = 0;
			done_n = 0;
			send_fail(r, c->seq, c->nframes, c->err);
		}
		r->comp_head = (r->comp_head + 1) % COMP_SIZE;
		r->comp_len--;
	}
	if (have_done)
		send_done(r, done, done_n);
}

/* Close the batch being built: one `< echo >` behind its sends. */
static int batch_close(struct rcand *r)
{
	struct comp *c;

	if (!r->batch_n)
		return 0;
	c = comp_push(r);
	if (!c || sess_append(r, PROTO_ECHO, PROTO_ECHO_LEN) < 0) {
		/* cannot happen: space was checked before each send */
		log_err("%s: internal: no room to close a batch", r->ifname);
		return -1;
	}
	c->kind = C_ECHO;
	c->has_seq = 1;
	c->seq = r->batch_last;
	c->nframes = r->batch_n;
	r->batch_n = 0;
	return 0;
}

static void fail_frame(struct rcand *r, uint32_t seq, int err)
{
	struct comp *c = comp_tail(r);

	/* consecutive failures collapse into one TX_FAIL */
	if (c && c->kind == C_FAIL && c->err == err) {
		c->seq = seq;
		c->nframes++;
		return;
	}
	c = comp_push(r);
	if (!c) {
		/* the ring is larger than any window; never reached */
		send_fail(r, seq, 1, err);
		return;
	}
	c->kind = C_FAIL;
	c->err = err;
	c->seq = seq;
	c->nframes = 1;
}

int pump_heartbeat(struct rcand *r)
{
	struct comp *c;

	if (r->comp_len + 1 >= COMP_SIZE ||
	    sess_append(r, PROTO_ECHO, PROTO_ECHO_LEN) < 0)
		return -1;
	c = comp_push(r);
	c->kind = C_ECHO;
	sess_flush_out(r);
	return 0;
}

void pump_on_echo(struct rcand *r)
{
	unsigned int i;

	for (i = 0; i < r->comp_len; i++) {
		struct comp *c = &r->comp[(r->comp_head + i) % COMP_SIZE];

		if (c->kind == C_ECHO && !c->replied) {
			c->replied = 1;
			comp_flush(r);
			return;
		}
	}
	log_warn("%s: an < echo > nobody asked for", r->ifname);
}

/* The session is gone: nothing pending can be confirmed any more. */
void pump_fail_all(struct rcand *r, int err)
{
	uint32_t n = r->txq_len, i;

	/* what the server did confirm is confirmed */
	comp_flush(r);
	for (i = 0; i < r->comp_len; i++)
		n += r->comp[(r->comp_head + i) % COMP_SIZE].nframes;
	r->comp_len = 0;
	r->comp_head = 0;
	r->txq_len = 0;
	r->txq_head = 0;
	r->batch_n = 0;
	if (n && r->have_last_seq) {
		send_fail(r, r->last_seq, n, err);
		log_warn("%s: %u frames in flight were dropped (%s)", r->ifname,
			 n, strerror(err));
	}
}

/* ---- TX ---- */

static int fmt_err_errno(int fmt)
{
	return fmt == PROTO_FMT_BAD ? EINVAL : EOPNOTSUPP;
}

static void log_refused(struct rcand *r, int fmt, uint32_t can_id)
{
	if (fmt == PROTO_FMT_RTR && !r->logged_rtr++)
		log_warn(
			"%s: RTR frames cannot be sent over socketcand; failing them (first: id %X)",
			r->ifname, can_id & PROTO_EFF_MASK);
	else if (fmt == PROTO_FMT_FD && !r->logged_fd++)
		log_warn(
			"%s: CAN FD frames need --fd and an FD-capable server; failing them",
			r->ifname);
	else if ((fmt == PROTO_FMT_BAD || fmt == PROTO_FMT_ERRFRAME) &&
		 !r->logged_fd++)
		log_warn(
			"%s: invalid frame from the kernel (id %X); failing it",
			r->ifname, can_id);
}

/* --tx-rate: a token bucket, burst of a tenth of a second (1..64). */
static int take_token(struct rcand *r)
{
	double burst;
	long now;

	if (!r->o->tx_rate)
		return 1;
	now = now_ms();
	burst = r->o->tx_rate / 10.0;
	if (burst < 1)
		burst = 1;
	if (burst > 64)
		burst = 64;
	r->tokens += (double)(now - r->tokens_at) * r->o->tx_rate / 1000.0;
	r->tokens_at = now;
	if (r->tokens > burst)
		r->tokens = burst;
	if (r->tokens < 1)
		return 0;
	r->tokens -= 1;
	return 1;
}

long pump_tx_wait(struct rcand *r)
{
	if (!r->o->tx_rate || !r->txq_len || r->st != S_UP || r->tokens >= 1)
		return -1;
	return (long)((1 - r->tokens) * 1000.0 / r->o->tx_rate) + 1;
}

void pump_tx_fill(struct rcand *r)
{
	char buf[PROTO_SEND_MAX];

	if (r->st != S_UP)
		return;
	while (r->txq_len) {
		struct txent *e = &r->txq[r->txq_head];
		int n;

		/* room for this send, the closing echo, and two ring slots */
		if (r->out_len - r->out_off > OUT_HIGH_WATER ||
		    r->out_len + PROTO_SEND_MAX + PROTO_ECHO_LEN >
			    OUTBUF_SIZE ||
		    r->comp_len + 2 >= COMP_SIZE)
			break;
		n = proto_format_send(buf, sizeof(buf), &e->f, r->o->fd);
		if (n < 0) {
			if (batch_close(r) < 0)
				break;
			log_refused(r, n, e->f.can_id);
			fail_frame(r, e->seq, fmt_err_errno(n));
		} else {
			if (!take_token(r))
				break;
			sess_append(r, buf, (size_t)n);
			r->batch_n++;
			r->batch_last = e->seq;
		}
		r->txq_head = (r->txq_head + 1) % TXQ_SIZE;
		r->txq_len--;
	}
	batch_close(r);
	comp_flush(r);
	sess_flush_out(r);
}

static void on_kernel_frame(const struct rnl_frame *f, void *arg)
{
	struct rcand *r = arg;
	struct txent *e;

	r->have_last_seq = 1;
	r->last_seq = f->seq;
	if (r->st != S_UP || r->txq_len == TXQ_SIZE) {
		/* no session: the frame cannot reach the bus */
		fail_frame(r, f->seq, r->st != S_UP ? ENOTCONN : ENOBUFS);
		comp_flush(r);
		return;
	}
	e = &r->txq[(r->txq_head + r->txq_len++) % TXQ_SIZE];
	memset(e, 0, sizeof(*e));
	e->seq = f->seq;
	e->f.can_id = f->can_id;
	e->f.len = f->len > 64 ? 64 : f->len;
	e->f.fd = !!(f->flags & RCAN_FRAME_F_FD);
	e->f.fd_flags = ((f->flags & RCAN_FRAME_F_BRS) ? 1 : 0) |
			((f->flags & RCAN_FRAME_F_ESI) ? 2 : 0);
	memcpy(e->f.data, f->data, e->f.len);
}

/* ---- RX ---- */

void pump_rx_frame(struct rcand *r, const struct proto_event *ev)
{
	struct rnl_frame f;
	int rc;

	if (!r->ifindex)
		return; /* before the netdev exists (handshake) */
	memset(&f, 0, sizeof(f));
	f.can_id = ev->can_id;
	f.len = ev->len;
	f.ts_ns = ev->ts_ns;
	memcpy(f.data, ev->data, ev->len);
	if (ev->type == PROTO_EV_FDFRAME) {
		if (!(r->link.flags & RCAN_LINK_F_FD)) {
			if (!r->logged_rxfd++)
				log_warn(
					"%s: dropping CAN FD frames from the server: the netdev is not FD (use --fd)",
					r->ifname);
			r->rx_dropped++;
			return;
		}
		f.flags = ev->fd_flags;
	}
	rc = rnl_rx_add(&r->nl, &r->rxb, r->ifindex, &f);
	if (rc < 0) {
		r->rx_dropped++;
		return;
	}
	r->rx_frames++;
}

void pump_rx_flush(struct rcand *r)
{
	int rc = rnl_rx_flush(&r->nl, &r->rxb);

	if (rc < 0)
		log_err("%s: FRAMES_RX: %s", r->ifname, rnl_strerror(rc));
}

/* ---- session up/down ---- */

static void write_ready_file(struct rcand *r)
{
	FILE *f;
	char tmp[4096];

	if (!r->o->ready_file)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", r->o->ready_file);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%s %u %s\n", r->ifname, r->ifindex, r->url);
	fclose(f);
	rename(tmp, r->o->ready_file);
}

void pump_report_ready(struct rcand *r, int code)
{
	unsigned char c = (unsigned char)code;

	if (r->ready_reported)
		return;
	r->ready_reported = 1;
	if (r->ready_fd >= 0) {
		if (write(r->ready_fd, &c, 1) < 0 ||
		    write(r->ready_fd, r->ifname, strlen(r->ifname)) < 0)
			log_debug("ready pipe: %s", strerror(errno));
		close(r->ready_fd);
		r->ready_fd = -1;
		log_to_syslog();
	}
}

void pump_session_up(struct rcand *r)
{
	int rc = rnl_link_set(&r->nl, r->ifindex, 1, r->url);

	if (rc < 0)
		log_err("%s: LINK_SET: %s", r->ifname, rnl_strerror(rc));
	r->ever_up = 1;
	r->tokens = 0;
	r->tokens_at = now_ms();
	log_info("%s: connected to %s", r->ifname, r->url);
	write_ready_file(r);
	pump_report_ready(r, 0);
}

void pump_session_down(struct rcand *r)
{
	int rc;

	pump_rx_flush(r);
	pump_fail_all(r, ECONNRESET);
	rc = rnl_link_set(&r->nl, r->ifindex, 0, NULL);
	if (rc < 0)
		log_err("%s: LINK_SET: %s", r->ifname, rnl_strerror(rc));
	log_info(
		"%s: disconnected from %s (rx %llu, tx %llu, tx failed %llu frames so far)",
		r->ifname, r->url, (unsigned long long)r->rx_frames,
		(unsigned long long)r->tx_frames,
		(unsigned long long)r->tx_failed);
}

/* ---- netlink ---- */

static void on_bittiming(struct rcand *r, struct nlattr **tb)
{
	struct rnl_link l;

	rnl_parse_link(tb, &l);
	if (!l.has_bt)
		return;
	r->bt.bitrate = l.bt[RCAN_BT_BITRATE];
	r->bt.sample_point = l.bt[RCAN_BT_SAMPLE_POINT];
	r->bt.tq = l.bt[RCAN_BT_TQ];
	r->bt.prop_seg = l.bt[RCAN_BT_PROP_SEG];
	r->bt.phase_seg1 = l.bt[RCAN_BT_PHASE_SEG1];
	r->bt.phase_seg2 = l.bt[RCAN_BT_PHASE_SEG2];
	r->bt.sjw = l.bt[RCAN_BT_SJW];
	r->bt.brp = l.bt[RCAN_BT_BRP];
	r->have_bt = 1;
	if (!r->o->bittiming) {
		log_warn(
			"%s: bitrate %u ignored: rcand forwards bit timing to the server only with --bittiming",
			r->ifname, r->bt.bitrate);
		return;
	}
	log_info("%s: bitrate %u: reconnecting to set it on the server's %s",
		 r->ifname, r->bt.bitrate, r->o->remote.bus);
	if (r->fd >= 0) {
		sess_close(r, NULL, 0);
		r->retry_at = now_ms();
	}
}

void pump_on_netlink(struct rnl *n, int cmd, struct nlattr **tb, int err,
		     void *arg)
{
	struct rcand *r = arg;
	uint32_t ifindex = 0;

	(void)n;
	if (err) {
		if (cmd == RCAN_CMD_FRAMES_RX)
			r->rx_dropped++;
		log_warn("%s: the kernel refused %s: %s", r->ifname,
			 rnl_cmd_name(cmd), strerror(-err));
		if (err == -ENODEV) {
			r->link_gone = 1;
			r->quit = EXIT_FAIL + 1;
		}
		return;
	}
	if (tb[RCAN_ATTR_IFINDEX])
		ifindex = nla_get_u32(tb[RCAN_ATTR_IFINDEX]);
	if (ifindex != r->ifindex)
		return;
	switch (cmd) {
	case RCAN_CMD_FRAMES_TX:
		if (tb[RCAN_ATTR_FRAMES])
			rnl_parse_frames(tb[RCAN_ATTR_FRAMES], on_kernel_frame,
					 r);
		break;
	case RCAN_CMD_LINK_DEL:
		if (!r->quit)
			log_info("%s was deleted; exiting", r->ifname);
		r->link_gone = 1;
		r->quit = EXIT_OK + 1;
		break;
	case RCAN_CMD_LINK_ATTACH:
		if (tb[RCAN_ATTR_OWNER_PORTID] &&
		    nla_get_u32(tb[RCAN_ATTR_OWNER_PORTID]) != r->nl.portid) {
			log_info(
				"%s: another rcand took the link over; exiting",
				r->ifname);
			r->taken_over = 1;
			r->quit = EXIT_OK + 1;
		}
		break;
	case RCAN_CMD_LINK_DETACH:
		/* `rcand detach` from elsewhere: the link is no longer ours */
		if (!r->quit &&
		    (!tb[RCAN_ATTR_OWNER_PORTID] ||
		     nla_get_u32(tb[RCAN_ATTR_OWNER_PORTID]) != r->nl.portid)) {
			log_info("%s was detached from rcand; exiting",
				 r->ifname);
			r->taken_over = 1;
			r->quit = EXIT_OK + 1;
		}
		break;
	case RCAN_CMD_BITTIMING:
		on_bittiming(r, tb);
		break;
	default:
		break;
	}
}

/* ---- the loop ---- */

static void on_signal(struct rcand *r)
{
	struct signalfd_siginfo si;

	while (read(r->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_info("%s: SIGHUP: reconnecting", r->ifname);
			if (r->fd >= 0)
				sess_close(r, NULL, 0);
			r->retry_at = now_ms();
			continue;
		}
		log_info("%s: %s: shutting down", r->ifname,
			 strsignal((int)si.ssi_signo));
		r->quit = EXIT_OK + 1;
	}
}

/* Best effort: hand the server what is written, for at most a second. */
static void flush_before_exit(struct rcand *r)
{
	long until = now_ms() + 1000;

	while (r->fd >= 0 && r->out_off < r->out_len && now_ms() < until) {
		struct epoll_event ev;

		sess_flush_out(r);
		if (r->fd < 0 || r->out_off == r->out_len)
			break;
		epoll_wait(r->epfd, &ev, 1, 50);
	}
}

int pump_run(struct rcand *r)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t mask;

	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	r->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	ev.data.u32 = EP_NL;
	epoll_ctl(r->epfd, EPOLL_CTL_ADD, rnl_fd(&r->nl), &ev);
	ev.data.u32 = EP_SIG;
	epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->sigfd, &ev);

	r->fd = -1;
	r->first_attempt = 1;
	sess_start_connect(r);
	while (!r->quit) {
		struct epoll_event evs[8];
		long timeout = sess_next_timeout(r), tw = pump_tx_wait(r);
		int i, n;

		if (tw >= 0 && tw < timeout)
			timeout = tw;
		n = epoll_wait(r->epfd, evs, 8, (int)timeout);
		if (n < 0 && errno != EINTR) {
			log_err("epoll_wait: %s", strerror(errno));
			return EXIT_FAIL;
		}
		for (i = 0; i < n && !r->quit; i++) {
			switch (evs[i].data.u32) {
			case EP_NL: {
				int rc = rnl_recv(&r->nl);

				if (rc == -ENOMEM || rc == -ENOBUFS)
					log_err("%s: netlink receive buffer overrun: frames from the kernel were lost",
						r->ifname);
				else if (rc < 0)
					log_err("%s: netlink: %s", r->ifname,
						rnl_strerror(rc));
				break;
			}
			case EP_SIG:
				on_signal(r);
				break;
			case EP_TCP:
				sess_on_io(r, evs[i].events);
				break;
			}
		}
		if (r->quit)
			break;
		sess_on_timer(r);
		pump_tx_fill(r);
		/* handshake replies and heartbeats too, not only frames */
		sess_flush_out(r);
	}

	/* clean shutdown */
	if (r->fd >= 0) {
		pump_tx_fill(r);
		flush_before_exit(r);
	}
	return r->quit - 1;
}
