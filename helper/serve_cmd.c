// SPDX-License-Identifier: GPL-2.0
/*
 * A client's commands, by mode, answered as socketcand 0.6.1 answers
 * them (shared/reference/socketcand-protocol.md; where that and the
 * daemon disagree, the daemon):
 * - NO_BUS: only `< open BUS >` (and, as a libsocketcan build, the bit
 *   timing `B` and control mode `C` commands); anything else is
 *   `< error unknown command >`, the session stays.
 * - every other mode: `< rawmode >` `< bcmmode >` `< controlmode >`
 *   `< isotpmode >` switch (`< ok >`), asking for the current mode is an
 *   unknown command; `< echo >` is echoed; a malformed command of the
 *   mode is ignored in silence (counted); anything else is unknown.
 * - ISO-TP before `< isotpconf >`: only echo, mode switches and a valid
 *   isotpconf do anything; everything else is ignored in silence.
 */
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "serve.h"
#include "serve_ext.h"

#define UNKNOWN "< error unknown command >"

static void unknown(struct serve *s, struct serve_client *c)
{
	serve_reply(s, c, UNKNOWN, sizeof(UNKNOWN) - 1);
}

static void ok(struct serve *s, struct serve_client *c)
{
	serve_reply(s, c, "< ok >", 6);
}

static int served(const struct serve *s, const char *bus)
{
	int i;

	for (i = 0; i < s->cfg.nbuses; i++)
		if (!strcmp(s->cfg.buses[i], bus))
			return i;
	return -1;
}

static void cannot_open(struct serve *s, struct serve_client *c)
{
	static const char msg[] = "< error could not open bus >";

	serve_reply(s, c, msg, sizeof(msg) - 1);
	serve_close(s, c, "could-not-open-bus");
}

static void open_bus(struct serve *s, struct serve_client *c,
		     const struct proto_cmd *cmd)
{
	struct serve_link l = { 0 };
	int i = cmd->bad ? -1 : served(s, cmd->bus);

	if (i < 0) {
		log_info("serve: client %lu: bus '%s' is not served", c->id,
			 cmd->bad ? "" : cmd->bus);
		cannot_open(s, c);
		return;
	}
	/* Fix: the daemon says < ok > to a served bus that does not exist
	 * and closes at the next mode switch; here the client is told. */
	c->ifindex = (int)if_nametoindex(cmd->bus);
	if (!c->ifindex) {
		log_warn("serve: client %lu: bus %s does not exist", c->id,
			 cmd->bus);
		cannot_open(s, c);
		return;
	}
	c->bus = i;
	if (serve_rtnl_link(cmd->bus, &l) == 0) {
		c->bitrate = l.bitrate;
		c->fd_mtu = l.mtu == CANFD_MTU;
	}
	ok(s, c);
	/* the BCM socket opens with the first BCM command (serve_bcm.c) */
	c->mode = SERVE_BCM;
}

/* `< BUS B ... >`, `< BUS C ... >` (a libsocketcan build's answers). */
static void configure(struct serve *s, struct serve_client *c,
		      const struct proto_cmd *cmd)
{
	char msg[80];
	int n, r;

	if (served(s, cmd->bus) < 0) {
		unknown(s, c);
		return;
	}
	r = cmd->type == PROTO_CMD_BITTIMING ?
		    serve_rtnl_bittiming(cmd->bus, &cmd->bt) :
		    serve_rtnl_ctrlmode(cmd->bus, cmd->ctrl);
	if (r == 0) {
		ok(s, c);
		return;
	}
	n = snprintf(msg, sizeof(msg), "< error configuring interface %s > \n",
		     cmd->bus);
	serve_reply(s, c, msg, (size_t)n);
	serve_close(s, c, "configuring-failed");
}

static void no_bus(struct serve *s, struct serve_client *c,
		   const struct proto_cmd *cmd)
{
	switch (cmd->type) {
	case PROTO_CMD_OPEN:
		open_bus(s, c, cmd);
		break;
	case PROTO_CMD_BITTIMING:
	case PROTO_CMD_CTRLMODE:
		configure(s, c, cmd);
		break;
	case PROTO_CMD_RCAN: /* the rcan extension, serve_ext.c */
		serve_ext_hello(s, c, cmd);
		break;
	default:
		unknown(s, c);
		break;
	}
}

void serve_leave_mode(struct serve *s, struct serve_client *c)
{
	/* BCM jobs, the raw socket, the ISO-TP socket end with the mode */
	serve_ext_leave(s, c);
	serve_drop_can(s, c);
	c->stat_last = 0;
}

static enum serve_mode wanted_mode(enum proto_cmd_type t)
{
	switch (t) {
	case PROTO_CMD_RAWMODE:
		return SERVE_RAW;
	case PROTO_CMD_BCMMODE:
		return SERVE_BCM;
	case PROTO_CMD_CONTROLMODE:
		return SERVE_CONTROL;
	case PROTO_CMD_ISOTPMODE:
		return SERVE_ISOTP;
	default:
		return SERVE_CLOSING;
	}
}

static void enter(struct serve *s, struct serve_client *c, enum serve_mode m)
{
	struct serve_raw_opts o = { 0 };
	int r = 0;

	serve_leave_mode(s, c);
	ok(s, c);
	c->mode = m;
	/* the rcan extension's features start with RAW mode */
	o.recv_own = serve_ext_on(c, PROTO_EXT_F_CONFIRM);
	if (serve_ext_on(c, PROTO_EXT_F_STATE))
		o.err_extra = SERVE_EXT_ERR_CLASSES;
	if (m == SERVE_RAW && (r = serve_raw_open(s, c, &o)) == 0)
		serve_ext_raw_ok(s, c);
	else if (m == SERVE_CONTROL)
		c->stat_last = serve_now(); /* the daemon's thread start */
	if (r < 0)
		serve_close(s, c, "can-socket-failed");
}

static void bad(struct serve_client *c, const struct proto_cmd *cmd)
{
	c->n.malformed++;
	log_debug("serve: client %lu: %s ignored: %s", c->id,
		  proto_cmd_name(cmd->type), cmd->why);
}

static void raw_mode(struct serve *s, struct serve_client *c,
		     const struct proto_cmd *cmd)
{
	if (cmd->type == PROTO_CMD_SENDFD) {
		/* The client speaks the rawmode-canfd dialect (rcand's
		 * fingerprint does so with an invalid sendfd): from now on
		 * it may get < fdframe >s. A client that never sends one
		 * gets no FD frame, ever. */
		c->fd_asked = 1;
		serve_raw_enable_fd(s, c);
	}
	if (cmd->type != PROTO_CMD_SEND && cmd->type != PROTO_CMD_SENDFD) {
		unknown(s, c);
		return;
	}
	c->n.sends_received++;
	if (cmd->bad) {
		bad(c, cmd);
		serve_ext_failed(s, c, PROTO_EXT_R_INVALID);
		return;
	}
	serve_raw_send(s, c, cmd, cmd->type == PROTO_CMD_SENDFD);
}

static void control_mode(struct serve *s, struct serve_client *c,
			 const struct proto_cmd *cmd)
{
	if (cmd->type != PROTO_CMD_STATISTICS) {
		unknown(s, c);
		return;
	}
	if (cmd->bad)
		bad(c, cmd);
	else
		c->stat_ms = cmd->stat_ms;
}

void serve_command(struct serve *s, struct serve_client *c, const char *el)
{
	static struct proto_cmd cmd; /* 2 KiB of mux tuples: not on the stack */
	enum serve_mode want;

	proto_cmd_parse(el, &cmd);
	if (c->mode == SERVE_NO_BUS) {
		no_bus(s, c, &cmd);
		return;
	}
	want = wanted_mode(cmd.type);
	if (want != SERVE_CLOSING && want != c->mode) {
		enter(s, c, want);
		return;
	}
	if (cmd.type == PROTO_CMD_ECHO) {
		c->n.echoes++;
		serve_reply(s, c, "< echo >", 8);
		return;
	}
	if (c->mode == SERVE_ISOTP) {
		serve_isotp_command(s, c, &cmd);
		return;
	}
	if (want != SERVE_CLOSING) { /* the mode it is in */
		unknown(s, c);
		return;
	}
	switch (c->mode) {
	case SERVE_RAW:
		raw_mode(s, c, &cmd);
		break;
	case SERVE_BCM:
		serve_bcm_command(s, c, &cmd);
		break;
	case SERVE_CONTROL:
		control_mode(s, c, &cmd);
		break;
	default:
		break;
	}
}
