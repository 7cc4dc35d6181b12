// SPDX-License-Identifier: GPL-2.0
/*
 * pernet_operations.exit_batch_rtnl: a namespace teardown phase under rtnl
 * that runs before every .exit_batch; the core's own device cleanup moved
 * there (6.10), so an .exit_batch of rcan's now runs after it.
 */
#include <net/net_namespace.h>

void rcan_probe(struct pernet_operations *ops);
void rcan_probe(struct pernet_operations *ops)
{
#ifdef RCAN_PROBE
	ops->exit_batch_rtnl = NULL;
#endif
}
