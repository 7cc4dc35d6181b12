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
	else if ((fmt == PROTO_FMT_BAD || fmt == PROTO_FMT_ERRFRAME) &&
		 !l->invalid++)
		snprintf(buf, size,
			 "invalid frame from the kernel (id %X); failing it",
			 can_id);
	else
		return NULL;
	return buf;
}
