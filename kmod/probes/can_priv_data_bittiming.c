// SPDX-License-Identifier: GPL-2.0
/* can_priv.data_bittiming_const: the CAN FD data phase before 6.16. */
#include <linux/can/dev.h>

void rcan_probe(struct can_priv *priv);
void rcan_probe(struct can_priv *priv)
{
#ifdef RCAN_PROBE
	priv->data_bittiming_const = NULL;
	priv->do_set_data_bittiming = NULL;
	priv->data_bitrate_const = NULL;
	priv->data_bitrate_const_cnt = 0;
#endif
}
