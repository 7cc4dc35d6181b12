// SPDX-License-Identifier: GPL-2.0
/*
 * pernet_operations.exit_rtnl: the per-namespace form of exit_batch_rtnl,
 * which kernels may offer instead of it; rcan needs one or the other
 * (see compat.h).
 */
#include <net/net_namespace.h>

void rcan_probe(struct pernet_operations *ops);
void rcan_probe(struct pernet_operations *ops)
{
#ifdef RCAN_PROBE
	ops->exit_rtnl = NULL;
#endif
}
