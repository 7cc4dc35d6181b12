// SPDX-License-Identifier: GPL-2.0
/*
 * BCM mode, the mode `< open >` leaves a session in: one CAN_BCM socket
 * per client, each command one BCM operation (state_bcm.c of the daemon):
 * add TX_SETUP with SETTIMER|STARTTIMER, update TX_SETUP without flags,
 * delete TX_DELETE, send TX_SEND, filter RX_SETUP with SETTIMER and a
 * content mask, muxfilter the same with the multiplex tuples, subscribe
 * RX_SETUP with RX_FILTER_ID|SETTIMER, unsubscribe RX_DELETE. As the
 * daemon, a failed operation is not answered; here it is counted.
 *
 * The socket opens with the first BCM command, not at `< open >` as the
 * daemon's does: a client that goes to raw mode at once (rcand,
 * python-can) then works where can-bcm is not loaded, and nothing on the
 * wire tells the difference (frames come only after a subscription).
 */
#include <errno.h>
#include <linux/can/bcm.h>
#include <linux/can/error.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "log.h"
#include "serve.h"

#define UNKNOWN "< error unknown command >"

int serve_bcm_open(struct serve *s, struct serve_client *c)
{
	struct sockaddr_can a = { .can_family = AF_CAN,
				  .can_ifindex = c->ifindex };
	int one = 1, fd;

	fd = socket(PF_CAN, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, CAN_BCM);
	if (fd < 0) {
		log_warn("serve: client %lu: BCM socket: %s", c->id,
			 strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    serve_add_can(s, c, fd) < 0) {
		log_warn("serve: client %lu: BCM socket: %s", c->id,
			 strerror(errno));
		close(fd);
		return -1;
	}
	return 0;
}

void serve_bcm_readable(struct serve *s, struct serve_client *c)
{
	struct {
		struct bcm_msg_head h;
		struct can_frame f;
	} msg;
	char ctl[CMSG_SPACE(sizeof(struct timeval))];
	struct iovec iov = { &msg, sizeof(msg) };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	struct timeval tv = { 0 };
	struct proto_rxframe rx;
	struct cmsghdr *h;
	char el[PROTO_RX_MAX];
	ssize_t n;
	int len;

	n = recvmsg(c->can, &m, MSG_DONTWAIT);
	if (n < (ssize_t)sizeof(msg.h))
		return;
	for (h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h))
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SO_TIMESTAMP)
			memcpy(&tv, CMSG_DATA(h), sizeof(tv));
	/* a timeout message has no frame; socketcand sets no timeouts */
	if (!msg.h.nframes || n < (ssize_t)sizeof(msg))
		return;
	if ((msg.h.can_id & CAN_ERR_FLAG) && msg.f.len != CAN_ERR_DLC)
		return; /* the daemon drops these ("wrong DLC") */
	rx.can_id = msg.h.can_id;
	rx.len = msg.f.len > 8 ? 8 : msg.f.len;
	rx.fd = 0;
	rx.data = msg.f.data;
	rx.sec = tv.tv_sec;
	rx.usec = tv.tv_usec;
	/* a BCM RTR frame is printed as a frame: the daemon's BCM path
	 * does not look at the flag */
	rx.can_id &= ~(uint32_t)CAN_RTR_FLAG;
	len = proto_format_rx(el, sizeof(el), &rx, PROTO_RX_BCM);
	if (len > 0 && !serve_queue_frame(s, c, el, (size_t)len))
		c->n.frames_to_client++;
}

static void bcm_write(struct serve_client *c, const void *msg, size_t len)
{
	if (write(c->can, msg, len) != (ssize_t)len) {
		c->n.tx_refused++;
		log_debug("serve: client %lu: BCM operation: %s", c->id,
			  strerror(errno));
	} else {
		c->n.sends_written++;
	}
}

/* The BCM operation of a command, the daemon's opcode and flags. */
static void bcm_op(const struct proto_cmd *cmd, struct bcm_msg_head *h)
{
	switch (cmd->type) {
	case PROTO_CMD_SEND:
		h->opcode = TX_SEND;
		h->ival2.tv_sec = 0;
		h->ival2.tv_usec = 0;
		break;
	case PROTO_CMD_ADD:
		h->opcode = TX_SETUP;
		h->flags = SETTIMER | STARTTIMER;
		break;
	case PROTO_CMD_UPDATE:
		h->opcode = TX_SETUP;
		break;
	case PROTO_CMD_DELETE:
		h->opcode = TX_DELETE;
		break;
	case PROTO_CMD_FILTER:
	case PROTO_CMD_MUXFILTER:
		h->opcode = RX_SETUP;
		h->flags = SETTIMER;
		break;
	case PROTO_CMD_SUBSCRIBE:
		h->opcode = RX_SETUP;
		h->flags = RX_FILTER_ID | SETTIMER;
		break;
	default: /* PROTO_CMD_UNSUBSCRIBE */
		h->opcode = RX_DELETE;
		break;
	}
}

static int is_bcm_command(enum proto_cmd_type t)
{
	return t == PROTO_CMD_SEND || t == PROTO_CMD_ADD ||
	       t == PROTO_CMD_UPDATE || t == PROTO_CMD_DELETE ||
	       t == PROTO_CMD_FILTER || t == PROTO_CMD_MUXFILTER ||
	       t == PROTO_CMD_SUBSCRIBE || t == PROTO_CMD_UNSUBSCRIBE;
}

void serve_bcm_command(struct serve *s, struct serve_client *c,
		       const struct proto_cmd *cmd)
{
	static struct {
		struct bcm_msg_head h;
		struct can_frame f[PROTO_MUX_MAX];
	} msg;
	uint32_t i, nframes = 1;

	if (!is_bcm_command(cmd->type)) {
		serve_reply(s, c, UNKNOWN, sizeof(UNKNOWN) - 1);
		return;
	}
	c->n.sends_received++;
	if (c->can < 0 && serve_bcm_open(s, c) < 0) {
		serve_close(s, c, "bcm-socket-failed");
		return;
	}
	if (cmd->bad) {
		c->n.malformed++;
		log_debug("serve: client %lu: %s ignored: %s", c->id,
			  proto_cmd_name(cmd->type), cmd->why);
		return;
	}
	memset(&msg.h, 0, sizeof(msg.h));
	memset(&msg.f[0], 0, sizeof(msg.f[0]));
	msg.h.can_id = cmd->can_id;
	msg.h.ival2.tv_sec = (long)cmd->sec;
	msg.h.ival2.tv_usec = (long)cmd->usec;
	msg.f[0].can_id = cmd->can_id;
	msg.f[0].len = cmd->len;
	memcpy(msg.f[0].data, cmd->data, cmd->len);
	bcm_op(cmd, &msg.h);
	if (cmd->type == PROTO_CMD_MUXFILTER) {
		nframes = cmd->nframes;
		/* the daemon leaves the tuples' can_id and len zero */
		for (i = 0; i < nframes; i++) {
			memset(&msg.f[i], 0, sizeof(msg.f[i]));
			memcpy(msg.f[i].data, cmd->mux[i], 8);
		}
	}
	msg.h.nframes = nframes;
	bcm_write(c, &msg, sizeof(msg.h) + nframes * sizeof(struct can_frame));
}
