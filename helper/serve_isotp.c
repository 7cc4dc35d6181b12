// SPDX-License-Identifier: GPL-2.0
/*
 * ISO-TP mode: `< isotpconf TXID RXID FLAGS BS STMIN [...] >` opens one
 * CAN_ISOTP socket, `< sendpdu HEX >` writes a PDU, a PDU received is
 * `< pdu SEC.USEC HEX >` (state_isotp.c of the daemon). Until the socket
 * is configured the daemon runs only echo, mode switches and isotpconf,
 * and ignores everything else in silence; so does this.
 */
#include <errno.h>
#include <linux/can/isotp.h>
#include <linux/sockios.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "log.h"
#include "serve.h"

#define UNKNOWN "< error unknown command >"

static int isotp_open(struct serve *s, struct serve_client *c,
		      const struct proto_isotpconf *t)
{
	struct can_isotp_options opts = { 0 };
	struct can_isotp_fc_options fc = { 0 };
	struct sockaddr_can a = { .can_family = AF_CAN,
				  .can_ifindex = c->ifindex };
	int fd;

	fd = socket(PF_CAN, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    CAN_ISOTP);
	if (fd < 0)
		goto fail;
	opts.flags = t->flags;
	opts.ext_address = t->ext;
	opts.txpad_content = t->txpad;
	opts.rxpad_content = t->rxpad;
	opts.rx_ext_address = t->rxext;
	/* the daemon changes the built-in defaults only when asked */
	if (opts.flags)
		setsockopt(fd, SOL_CAN_ISOTP, CAN_ISOTP_OPTS, &opts,
			   sizeof(opts));
	fc.bs = t->bs;
	fc.stmin = t->stmin;
	fc.wftmax = t->wftmax;
	setsockopt(fd, SOL_CAN_ISOTP, CAN_ISOTP_RECV_FC, &fc, sizeof(fc));
	a.can_addr.tp.tx_id = t->tx_id;
	a.can_addr.tp.rx_id = t->rx_id;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    serve_add_can(s, c, fd) < 0)
		goto fail;
	c->isotp_ready = 1;
	return 0;
fail:
	log_warn("serve: client %lu: ISO-TP socket: %s", c->id,
		 strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static void sendpdu(struct serve *s, struct serve_client *c,
		    const struct proto_cmd *cmd)
{
	uint8_t pdu[PROTO_PDU_MAX];
	ssize_t n;

	c->n.sends_received++;
	if (cmd->bad || proto_cmd_pdu(cmd, pdu) < 0) {
		c->n.malformed++;
		return;
	}
	n = write(c->can, pdu, cmd->pdu_len);
	if (n == (ssize_t)cmd->pdu_len) {
		c->n.sends_written++;
		return;
	}
	/* a transfer still running: this one waits, as the daemon's
	 * blocking write would, with the client's commands behind it */
	if (n < 0 && (errno == EAGAIN || errno == ENOBUFS)) {
		serve_can_pend(s, c, pdu, cmd->pdu_len);
		return;
	}
	serve_close(s, c, "isotp-write-failed");
}

void serve_isotp_command(struct serve *s, struct serve_client *c,
			 const struct proto_cmd *cmd)
{
	if (!c->isotp_ready) {
		if (cmd->type != PROTO_CMD_ISOTPCONF)
			return;
		if (cmd->bad) {
			c->n.malformed++;
			return; /* "try it once more" */
		}
		if (isotp_open(s, c, &cmd->isotp) < 0)
			serve_close(s, c, "isotp-socket-failed");
		return;
	}
	if (cmd->type == PROTO_CMD_SENDPDU) {
		sendpdu(s, c, cmd);
		return;
	}
	serve_reply(s, c, UNKNOWN, sizeof(UNKNOWN) - 1);
}

void serve_isotp_readable(struct serve *s, struct serve_client *c)
{
	static uint8_t buf[PROTO_PDU_MAX + 1];
	static char el[PROTO_PDU_ELEM_MAX];
	struct timeval tv = { 0 };
	ssize_t n;
	int len;

	n = read(c->can, buf, sizeof(buf));
	if (n <= 0)
		return;
	if (n > PROTO_PDU_MAX) {
		/* longer than the protocol carries (kernels take 8200): its
		 * first 4095 bytes, as the daemon sends, and counted */
		n = PROTO_PDU_MAX;
		c->n.pdu_truncated++;
	}
	ioctl(c->can, SIOCGSTAMP, &tv);
	len = proto_format_pdu(el, sizeof(el), tv.tv_sec, tv.tv_usec, buf,
			       (size_t)n);
	if (len > 0 && !serve_queue_frame(s, c, el, (size_t)len))
		c->n.frames_to_client++;
}
