// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's event loop: one epoll over the TCP session, the owner
 * netlink socket and the signals. It wires the session and the kernel
 * link to the bridge, and ends on a signal, the netdev's deletion or
 * takeover, or a session that gives up.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon_internal.h"
#include "exitcode.h"
#include "log.h"
#include "now.h"
#include "runstate.h"

enum { EP_NL = 1, EP_SIG, EP_TCP };

#define RUNSTATE_MS 1000 /* the state file's round trip and rate */

static struct daemon D; /* big (queues, buffers): not on the stack */

static void quit(struct daemon *d, int code)
{
	d->quit = code + 1;
}

/* ---- the session's callbacks ---- */

static int on_prepare(void *arg, int retrying)
{
	struct daemon *d = arg;
	int rc = daemon_attach_link(d);

	/* retrying: the netdev exists meanwhile, and that is success */
	if (!rc && retrying)
		daemon_report_ready(d, 0);
	return rc;
}

/* for `rcand list`: the server's dialect, as far as known, the round
 * trip, the TX rate and window, the pacing */
static void write_runstate(struct daemon *d)
{
	struct bridge_status bs;
	struct runstate st;

	if (!d->bridge.ifindex)
		return;
	d->runstate_at = now_ms();
	bridge_tick(&d->bridge, &bs);
	memset(&st, 0, sizeof(st));
	st.srtt_us = bs.srtt_us;
	st.rtt_min_us = bs.rtt_min_us;
	st.tx_rate = bs.tx_rate;
	st.window = bs.window;
	st.bitrate = bs.bitrate;
	st.dbitrate = bs.dbitrate;
	st.learned_rate = bs.learned_rate;
	st.overflowed_at = bs.overflowed_at;
	st.rx_frames = bs.rx_frames;
	st.rx_dropped = bs.rx_dropped;
	st.tx_frames = bs.tx_frames;
	st.tx_failed = bs.tx_failed;
	snprintf(st.dialect, sizeof(st.dialect), "%s",
		 proto_dialect_name(session_dialect(&d->session)));
	snprintf(st.source, sizeof(st.source), "%s",
		 session_dialect_src_name(session_dialect_src(&d->session)));
	if (runstate_write(d->bridge.ifindex, &st) < 0)
		log_debug("%s: cannot write the state for rcand list",
			  d->ifname);
}

static void on_dialect(void *arg)
{
	write_runstate(arg);
}

static void on_up(void *arg)
{
	struct daemon *d = arg;

	write_runstate(d);
	bridge_up(&d->bridge);
	daemon_write_ready_file(d);
	daemon_report_ready(d, 0);
}

static void on_down(void *arg)
{
	bridge_down(&((struct daemon *)arg)->bridge);
}

static void on_frame(void *arg, const struct proto_event *ev)
{
	bridge_rx_frame(&((struct daemon *)arg)->bridge, ev);
}

static void on_read_end(void *arg)
{
	bridge_rx_deliver(&((struct daemon *)arg)->bridge);
}

static void on_echo(void *arg)
{
	bridge_echo(&((struct daemon *)arg)->bridge);
}

static int on_heartbeat(void *arg)
{
	return bridge_heartbeat(&((struct daemon *)arg)->bridge);
}

static void on_end(void *arg, int exit_code)
{
	quit(arg, exit_code);
}

static void on_ext(void *arg, const struct proto_event *ev)
{
	bridge_ext(&((struct daemon *)arg)->bridge, ev);
}

static const struct session_ops session_ops = {
	.prepare = on_prepare,
	.up = on_up,
	.down = on_down,
	.frame = on_frame,
	.read_end = on_read_end,
	.echo = on_echo,
	.heartbeat = on_heartbeat,
	.end = on_end,
	.dialect = on_dialect,
	.ext = on_ext,
};

/* ---- the kernel's messages ---- */

static void on_tx_frame(void *arg, uint32_t ifindex, const struct rnl_frame *f)
{
	struct daemon *d = arg;

	if (ifindex == d->bridge.ifindex)
		bridge_tx_frame(&d->bridge, f);
}

static void on_bittiming(struct daemon *d, const struct rnl_link *l)
{
	struct proto_bittiming bt = {
		.bitrate = l->bt[RCAN_BT_BITRATE],
		.sample_point = l->bt[RCAN_BT_SAMPLE_POINT],
		.tq = l->bt[RCAN_BT_TQ],
		.prop_seg = l->bt[RCAN_BT_PROP_SEG],
		.phase_seg1 = l->bt[RCAN_BT_PHASE_SEG1],
		.phase_seg2 = l->bt[RCAN_BT_PHASE_SEG2],
		.sjw = l->bt[RCAN_BT_SJW],
		.brp = l->bt[RCAN_BT_BRP],
	};

	/* the bus's rate paces TX, whether or not the server is told */
	bridge_set_bitrate(&d->bridge, l->has_bt ? bt.bitrate : 0,
			   l->has_dbt ? l->dbt[RCAN_BT_BITRATE] : 0,
			   "set on the netdev");
	if (!l->has_bt)
		return;
	session_set_bittiming(&d->session, &bt);
	if (!d->o->session.bittiming) {
		log_info(
			"%s: bitrate %u is not set on the server's %s (--bittiming does that)",
			d->ifname, bt.bitrate, d->o->session.remote.bus);
		return;
	}
	log_info("%s: bitrate %u: reconnecting to set it on the server's %s",
		 d->ifname, bt.bitrate, d->o->session.remote.bus);
	if (session_connected(&d->session))
		session_restart(&d->session);
}

/* Another owner, or `rcand detach` from elsewhere: not ours any more. */
static void lost_link(struct daemon *d)
{
	d->taken_over = 1;
	quit(d, EXIT_OK);
}

static void on_link_event(void *arg, int cmd, const struct rnl_link *l)
{
	struct daemon *d = arg;

	if (l->ifindex != d->bridge.ifindex)
		return;
	switch (cmd) {
	case RCAN_CMD_LINK_DEL:
		if (!d->quit)
			log_info("%s was deleted; exiting", d->ifname);
		d->link_gone = 1;
		quit(d, EXIT_OK);
		break;
	case RCAN_CMD_LINK_ATTACH:
		if (l->has_owner && l->owner_portid != d->nl.portid) {
			log_info(
				"%s: another rcand took the link over; exiting",
				d->ifname);
			lost_link(d);
		}
		break;
	case RCAN_CMD_LINK_DETACH:
		if (!d->quit &&
		    (!l->has_owner || l->owner_portid != d->nl.portid)) {
			log_info("%s was detached from rcand; exiting",
				 d->ifname);
			lost_link(d);
		}
		break;
	case RCAN_CMD_BITTIMING:
		on_bittiming(d, l);
		break;
	case RCAN_CMD_COALESCE:
		if (l->has_coalesce)
			bridge_set_coalesce(&d->bridge, l->rx_usecs,
					    l->rx_frames);
		break;
	default:
		break;
	}
}

static void on_refused(void *arg, int cmd, uint32_t frames, int err,
		       const char *msg)
{
	struct daemon *d = arg;

	bridge_refused(&d->bridge, cmd, frames);
	log_warn("%s: the kernel refused %s: %s%s%s", d->ifname,
		 rnl_cmd_name(cmd), strerror(-err), msg ? ": " : "",
		 msg ? msg : "");
	if (err == -ENODEV) {
		d->link_gone = 1;
		quit(d, EXIT_FAIL);
	}
}

static const struct rnl_handlers rnl_handlers = {
	.tx_frame = on_tx_frame,
	.link_event = on_link_event,
	.refused = on_refused,
};

/* ---- the loop ---- */

static void on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_info("%s: SIGHUP: reconnecting", d->ifname);
			session_restart(&d->session);
			continue;
		}
		log_info("%s: %s: shutting down", d->ifname,
			 strsignal((int)si.ssi_signo));
		quit(d, EXIT_OK);
	}
}

static void on_netlink(struct daemon *d)
{
	int rc = rnl_recv(&d->nl);

	if (rc == -ENOMEM || rc == -ENOBUFS)
		log_err("%s: netlink receive buffer overrun: frames wait in the kernel, events may be lost",
			d->ifname);
	else if (rc < 0)
		log_err("%s: netlink: %s", d->ifname, rnl_strerror(rc));
}

static void setup_events(struct daemon *d)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t mask;

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	d->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	ev.data.u32 = EP_NL;
	epoll_ctl(d->epfd, EPOLL_CTL_ADD, rnl_fd(&d->nl), &ev);
	ev.data.u32 = EP_SIG;
	epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->sigfd, &ev);
}

/* The loop's wait in us: the session's timers are in ms, the bridge's
 * pacing needs finer, the state file for `rcand list` once a second. */
static long next_timeout_us(struct daemon *d)
{
	long t = session_next_timeout(&d->session) * 1000L;
	long bt = bridge_timeout_us(&d->bridge);
	long rs = (d->runstate_at + RUNSTATE_MS - now_ms()) * 1000L;

	if (bt >= 0 && bt < t)
		t = bt;
	if (session_is_up(&d->session) && rs < t)
		t = rs > 0 ? rs : 0;
	return t;
}

/* epoll_pwait2() (Linux 5.11) waits for ns; before it, ms rounded up. */
static int wait_events(struct daemon *d, struct epoll_event *evs, int max)
{
	long us = next_timeout_us(d);
	struct timespec ts = { us / 1000000L, (us % 1000000L) * 1000L };
	int n;

	if (!d->no_pwait2) {
		n = epoll_pwait2(d->epfd, evs, max, &ts, NULL);
		if (n >= 0 || errno != ENOSYS)
			return n;
		d->no_pwait2 = 1;
	}
	return epoll_wait(d->epfd, evs, max, (int)((us + 999) / 1000));
}

static int run_loop(struct daemon *d)
{
	while (!d->quit) {
		struct epoll_event evs[8];
		int i, n = wait_events(d, evs, 8);

		/* EINTR: a stop signal and SIGCONT (the others come through
		 * the signalfd). Wait again, which returns what came meanwhile,
		 * before the timers judge the time that passed. */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_err("epoll_wait: %s", strerror(errno));
			return EXIT_FAIL;
		}
		for (i = 0; i < n && !d->quit; i++) {
			if (evs[i].data.u32 == EP_NL)
				on_netlink(d);
			else if (evs[i].data.u32 == EP_SIG)
				on_signal(d);
			else
				session_on_io(&d->session, evs[i].events);
		}
		if (d->quit)
			break;
		session_on_timer(&d->session);
		bridge_hold_check(&d->bridge);
		bridge_rx_deliver(&d->bridge);
		bridge_tx_fill(&d->bridge);
		if (session_is_up(&d->session) &&
		    now_ms() - d->runstate_at >= RUNSTATE_MS)
			write_runstate(d);
		/* handshake replies and heartbeats too, not only frames */
		session_flush(&d->session);
	}
	/* clean shutdown: what is queued goes out first */
	if (session_connected(&d->session))
		bridge_tx_fill(&d->bridge);
	session_stop(&d->session);
	return d->quit - 1;
}

static void init(struct daemon *d, const struct attach_opts *o)
{
	memset(d, 0, sizeof(*d));
	d->o = o;
	d->ready_fd = -1;
	d->epfd = d->sigfd = -1;
	remote_format(&o->session.remote, d->url, sizeof(d->url));
	srandom((unsigned int)(time(NULL) ^ getpid()));
}

int daemon_run(const struct attach_opts *o)
{
	struct daemon *d = &D;
	int rc;

	init(d, o);
	rc = rnl_open(&d->nl, &rnl_handlers, d);
	if (rc < 0)
		return exit_report("generic netlink", rc, NULL);
	if (!o->foreground && daemon_fork(d) < 0) {
		fprintf(stderr, "rcand: fork: %s\n", strerror(errno));
		rnl_close(&d->nl);
		return EXIT_FAIL;
	}
	setup_events(d);
	session_init(&d->session, &o->session, d->url, d->ifname, &session_ops,
		     d, d->epfd, EP_TCP);
	bridge_init(&d->bridge, &d->session, &d->nl,
		    &(struct bridge_config){ .name = d->ifname,
					     .url = d->url,
					     .allow_fd = o->fd,
					     .tx_rate = o->tx_rate,
					     .tx_window = o->tx_window,
					     .bitrate = o->bitrate,
					     .dbitrate = o->dbitrate,
					     .remote_queue = o->remote_queue });
	session_start(&d->session);
	rc = run_loop(d);
	if (d->bridge.ifindex)
		runstate_remove(d->bridge.ifindex);
	daemon_teardown(d, rc);
	daemon_report_ready(d, rc);
	rnl_close(&d->nl);
	return rc;
}
