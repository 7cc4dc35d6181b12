// SPDX-License-Identifier: GPL-2.0
/*
 * RAW mode: a CAN_RAW socket per client, as the daemon has, but read in
 * batches (recvmmsg) with a receive buffer sized for the bus's bit rate,
 * its drops counted (SO_RXQ_OVFL) for the client; and a write the
 * controller's queue refuses (ENOBUFS) is held and retried, paced by the
 * bit rate, with the client's later commands waiting behind it, where the
 * daemon closed the session.
 */
#include <errno.h>
#include <linux/can/raw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "canbits.h"
#include "log.h"
#include "serve.h"
#include "serve_ext.h"

#define BATCH 64
/* vcan and other interfaces without a bit rate: paced as CAN's fastest
 * classic rate would drain them */
#define DEFAULT_BITRATE 1000000U
/* the longest wait between two retries */
#define RETRY_MAX_NS 50000000ULL

/*
 * Hold 200 ms of frames at the bus's fastest frame rate (the shortest
 * frame is 47 bits on the wire, stuffing aside); a CAN skb costs about
 * 1 KiB of buffer. At 1 Mbit/s: 4,255 frames, 4.3 MiB. At least the
 * kernel's default, at most 16 MiB.
 */
size_t serve_rcvbuf_for(uint32_t bitrate)
{
	uint64_t fps = (bitrate ? bitrate : DEFAULT_BITRATE) / 47;
	uint64_t b = fps / 5 * 1024;

	if (b < 212992)
		b = 212992;
	if (b > 16 << 20)
		b = 16 << 20;
	return (size_t)b;
}

int serve_raw_open(struct serve *s, struct serve_client *c,
		   const struct serve_raw_opts *o)
{
	struct sockaddr_can a = { .can_family = AF_CAN,
				  .can_ifindex = c->ifindex };
	int one = 1, fd, rb = (int)serve_rcvbuf_for(c->bitrate);
	socklen_t l = sizeof(rb);

	fd = socket(PF_CAN, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, CAN_RAW);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	/* past rmem_max when allowed (root), else as far as it goes */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rb, sizeof(rb)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rb, sizeof(rb));
	if (!getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rb, &l))
		c->rcvbuf = rb;
	if (s->cfg.err_mask | o->err_extra) {
		uint32_t em = s->cfg.err_mask | o->err_extra;

		setsockopt(fd, SOL_CAN_RAW, CAN_RAW_ERR_FILTER, &em,
			   sizeof(em));
	}
	/* issue 29: the client's own frames back, to confirm them */
	if (o->recv_own)
		setsockopt(fd, SOL_CAN_RAW, CAN_RAW_RECV_OWN_MSGS, &one,
			   sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    serve_add_can(s, c, fd) < 0) {
		log_warn("serve: client %lu: raw socket on %s: %s", c->id,
			 s->cfg.buses[c->bus], strerror(errno));
		close(fd);
		return -1;
	}
	c->ovfl = 0;
	serve_raw_enable_fd(s, c);
	return 0;
}

void serve_raw_enable_fd(struct serve *s, struct serve_client *c)
{
	int one = 1;

	(void)s;
	if (c->mode != SERVE_RAW || c->can < 0 || c->can_fd_on ||
	    !c->fd_asked || !c->fd_mtu)
		return;
	if (!setsockopt(c->can, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &one,
			sizeof(one)))
		c->can_fd_on = 1;
}

static void cmsgs(struct msghdr *m, struct timeval *tv, uint32_t *ovfl)
{
	struct cmsghdr *h;

	for (h = CMSG_FIRSTHDR(m); h; h = CMSG_NXTHDR(m, h)) {
		if (h->cmsg_level != SOL_SOCKET)
			continue;
		if (h->cmsg_type == SO_TIMESTAMP)
			memcpy(tv, CMSG_DATA(h), sizeof(*tv));
		else if (h->cmsg_type == SO_RXQ_OVFL)
			memcpy(ovfl, CMSG_DATA(h), sizeof(*ovfl));
	}
}

void serve_raw_readable(struct serve *s, struct serve_client *c)
{
	static struct canfd_frame f[BATCH];
	static char ctl[BATCH][CMSG_SPACE(sizeof(struct timeval)) +
			       CMSG_SPACE(sizeof(uint32_t))];
	static struct mmsghdr m[BATCH];
	static struct iovec iov[BATCH];
	char el[PROTO_RX_MAX];
	int i, n;

	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = &f[i];
		iov[i].iov_len = sizeof(f[i]);
		memset(&m[i].msg_hdr, 0, sizeof(m[i].msg_hdr));
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
		m[i].msg_hdr.msg_control = ctl[i];
		m[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
	}
	/* one batch per wake-up: the other clients' turn comes first */
	n = recvmmsg(c->can, m, BATCH, MSG_DONTWAIT, NULL);
	for (i = 0; i < n; i++) {
		struct timeval tv = { 0 };
		uint32_t ovfl = c->ovfl;
		struct proto_rxframe rx;
		int len;

		cmsgs(&m[i].msg_hdr, &tv, &ovfl);
		if (ovfl != c->ovfl) {
			/* the counter of this socket since it was opened */
			c->n.can_drops += (uint32_t)(ovfl - c->ovfl);
			c->ovfl = ovfl;
			/* maybe loop-backs: they can no longer be counted */
			serve_ext_overflow(s, c);
		}
		if (m[i].msg_len != CAN_MTU && m[i].msg_len != CANFD_MTU)
			continue;
		if (serve_ext_rx(s, c, &f[i], m[i].msg_hdr.msg_flags, &tv))
			continue; /* a confirmation (serve_ext.c) */
		rx.can_id = f[i].can_id;
		rx.len = f[i].len;
		rx.fd = m[i].msg_len == CANFD_MTU;
		rx.data = f[i].data;
		rx.sec = tv.tv_sec;
		rx.usec = tv.tv_usec;
		len = proto_format_rx(el, sizeof(el), &rx, PROTO_RX_RAW);
		if (len <= 0)
			continue;
		if (!serve_queue_frame(s, c, el, (size_t)len))
			c->n.frames_to_client++;
	}
	serve_ext_rx_end(s, c, n, n < 0 ? errno : 0);
}

#define ISOTP_RETRY_NS (2ULL * 1000000ULL)

static uint64_t frame_ns(const struct serve_client *c, const void *buf,
			 size_t len)
{
	const struct canfd_frame *f = buf;
	struct canbits b;

	/* an ISO-TP PDU (serve_isotp.c) waits for its transfer before it,
	 * frames of unknown number: paced by a fixed step */
	if (c->mode != SERVE_RAW || (len != CAN_MTU && len != CANFD_MTU))
		return ISOTP_RETRY_NS;
	b = canbits_frame(f->can_id, f->len, len == CANFD_MTU,
			  len == CANFD_MTU && (f->flags & CANFD_BRS));

	return canbits_ns(b, c->bitrate ? c->bitrate : DEFAULT_BITRATE, 0);
}

void serve_can_pend(struct serve *s, struct serve_client *c, const void *buf,
		    size_t len)
{
	uint64_t wait;

	if (!c->pend) {
		c->pend = malloc(len);
		if (!c->pend) {
			serve_close(s, c, "out-of-memory");
			return;
		}
		memcpy(c->pend, buf, len);
		c->pend_len = len;
		c->retries = 0;
		c->pend_since = serve_now();
		c->n.enobufs_waits++;
	}
	/* a frame's time on the bus, doubled at each retry: the queue
	 * frees a place per frame the controller sends */
	wait = frame_ns(c, c->pend, c->pend_len)
	       << (c->retries < 10 ? c->retries : 10);
	if (wait > RETRY_MAX_NS)
		wait = RETRY_MAX_NS;
	c->retries++;
	c->retry_at = serve_now() + wait;
}

static int queue_full(int err)
{
	return err == ENOBUFS || err == EAGAIN;
}

int serve_can_retry(struct serve *s, struct serve_client *c)
{
	int raw = c->mode == SERVE_RAW;
	ssize_t n;

	c->retry_at = 0;
	if (!c->pend || c->can < 0)
		return 1;
	if (raw && !serve_ext_room(c)) {
		/* as many frames wait for their loop-back as it keeps */
		serve_can_pend(s, c, c->pend, c->pend_len);
		return 0;
	}
	n = write(c->can, c->pend, c->pend_len);
	if (n == (ssize_t)c->pend_len) {
		c->n.sends_written++;
		if (raw) /* the extension counts RAW sends only */
			serve_ext_written(s, c, c->pend, c->pend_len);
		free(c->pend);
		c->pend = NULL;
		return 1;
	}
	if (raw &&
	    ((n < 0 && queue_full(errno) && serve_ext_busy(s, c, c->retries)) ||
	     (n < 0 && !queue_full(errno) &&
	      serve_ext_write_error(s, c, errno)))) {
		free(c->pend); /* failed and told (serve_ext.c) */
		c->pend = NULL;
		return 1;
	}
	if (n < 0 && queue_full(errno) &&
	    serve_now() - c->pend_since >= SERVE_PEND_MAX_NS) {
		/* no room for that long: nothing more will come of it, and
		 * the client, maybe gone, would hold its slot for good */
		log_warn("serve: client %lu: the queue of %s stayed full",
			 c->id, s->cfg.buses[c->bus]);
		serve_close(s, c, "can-queue-stuck");
		return -1;
	}
	if (n < 0 && queue_full(errno)) {
		serve_can_pend(s, c, c->pend, c->pend_len);
		return 0;
	}
	log_warn("serve: client %lu: CAN write: %s", c->id,
		 n < 0 ? strerror(errno) : "short");
	return -1;
}

void serve_raw_send(struct serve *s, struct serve_client *c,
		    const struct proto_cmd *cmd, int fd)
{
	struct canfd_frame f = { 0 };
	size_t mtu = fd ? CANFD_MTU : CAN_MTU;
	ssize_t n;

	if (fd && !c->fd_mtu) {
		/* the branch would close the session: the interface cannot
		 * carry it; refused and counted instead */
		c->n.tx_refused++;
		log_debug("serve: client %lu: FD frame on a classic bus",
			  c->id);
		serve_ext_failed(s, c, PROTO_EXT_R_INVALID);
		return;
	}
	if ((cmd->can_id & CAN_ERR_FLAG) &&
	    serve_ext_on(c, PROTO_EXT_F_CONFIRM)) {
		/* an error frame's copy comes back only through an error
		 * filter, maybe never: it could not be confirmed in order */
		c->n.tx_refused++;
		serve_ext_failed(s, c, PROTO_EXT_R_INVALID);
		return;
	}
	if (fd && !c->can_fd_on)
		serve_raw_enable_fd(s, c);
	f.can_id = cmd->can_id;
	f.len = cmd->len;
	memcpy(f.data, cmd->data, cmd->len);
	if (!serve_ext_room(c)) {
		serve_can_pend(s, c, &f, mtu);
		return;
	}
	n = write(c->can, &f, mtu);
	if (n == (ssize_t)mtu) {
		c->n.sends_written++;
		serve_ext_written(s, c, &f, mtu);
		return;
	}
	if (n < 0 && queue_full(errno)) {
		serve_can_pend(s, c, &f, mtu);
		return;
	}
	if (n < 0 && serve_ext_write_error(s, c, errno))
		return; /* failed and told (serve_ext.c): the session goes on */
	/* the interface went down or is gone: as the daemon, the end */
	log_warn("serve: client %lu: CAN write: %s", c->id,
		 n < 0 ? strerror(errno) : "short");
	serve_close(s, c, "can-write-failed");
}
