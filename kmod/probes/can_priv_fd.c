// SPDX-License-Identifier: GPL-2.0
/* can_priv.fd: the CAN FD data bit timing and bit rates moved there (6.16). */
#include <linux/can/dev.h>

void rcan_probe(struct can_priv *priv);
void rcan_probe(struct can_priv *priv)
{
#ifdef RCAN_PROBE
	priv->fd.data_bittiming_const = NULL;
	priv->fd.do_set_data_bittiming = NULL;
	priv->fd.data_bitrate_const = NULL;
	priv->fd.data_bitrate_const_cnt = 0;
#endif
}
