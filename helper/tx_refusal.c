// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>

#include "proto.h"
#include "tx_refusal.h"

int tx_refusal_errno(int fmt)
{
	return fmt == PROTO_FMT_BAD ? EINVAL : EOPNOTSUPP;
}

const char *tx_refusal_warning(struct tx_refusal_log *l, int fmt,
			       uint32_t can_id, char *buf, unsigned int size)
{
	if (fmt == PROTO_FMT_RTR && !l->rtr++)
		snprintf(
			buf, size,
			"RTR frames cannot be sent over socketcand; failing them (first: id %X)",
			can_id & PROTO_EFF_MASK);
	else if (fmt == PROTO_FMT_FD && !l->fd++)
		snprintf(
			buf, size,
			"CAN FD frames need --fd and an FD-capable server; failing them");
	else if (fmt == PROTO_FMT_CLASSIC && !l->classic++)
		snprintf(
			buf, size,
			"classic frames cannot be sent in the frame dialect (the server would send them as CAN FD); failing them");
	else if (fmt == PROTO_FMT_EFF_LOW && !l->eff_low++)
		snprintf(
			buf, size,
			"extended frames with an id up to 7FF cannot be sent in the frame dialect (the server would send them standard); failing them (first: id %X)",
			can_id & PROTO_EFF_MASK);
	else if ((fmt == PROTO_FMT_BAD || fmt == PROTO_FMT_ERRFRAME) &&
		 !l->invalid++)
		snprintf(buf, size,
			 "invalid frame from the kernel (id %X); failing it",
			 can_id);
	else
		return NULL;
	return buf;
}

const char *tx_refusal_flags_lost(struct tx_refusal_log *l,
				  enum proto_dialect d, char *buf,
				  unsigned int size)
{
	if (l->flags_lost++)
		return NULL;
	snprintf(
		buf, size,
		"the server's dialect (%s) cannot carry BRS/ESI: FD frames go %s",
		proto_dialect_name(d),
		d == PROTO_DIALECT_RAWMODE_CANFD ?
			"with the flags of the last frame the server received" :
			"without them");
	return buf;
}
