// SPDX-License-Identifier: GPL-2.0
/* The family's pre_doit/post_doit get a struct genl_split_ops (6.2 on). */
#include <net/genetlink.h>

int rcan_probe(const struct genl_family *family, struct sk_buff *skb,
	       struct genl_info *info);
int rcan_probe(const struct genl_family *family, struct sk_buff *skb,
	       struct genl_info *info)
{
#ifdef RCAN_PROBE
	const struct genl_split_ops *ops = NULL;

	return family->pre_doit(ops, skb, info);
#endif
	return 0;
}
