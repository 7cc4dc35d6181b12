// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel's messages say, validated against the family's
 * attribute policies: a link's description, and the frames of FRAMES_TX.
 * Called by genl.c for every message, however it was read; calls nothing
 * else of the kernel link.
 */
#include <string.h>

#include <netlink/genl/genl.h>

#include "genl_internal.h"

#define NEST_MAX 16

const struct nla_policy rnl_attr_policy[RCAN_ATTR_MAX + 1] = {
	[RCAN_ATTR_IFINDEX] = { .type = NLA_U32 },
	[RCAN_ATTR_IFNAME] = { .type = NLA_STRING, .maxlen = IF_NAMESIZE },
	[RCAN_ATTR_LINK_FLAGS] = { .type = NLA_U32 },
	[RCAN_ATTR_ATTACH] = { .type = NLA_FLAG },
	[RCAN_ATTR_ATTACHED] = { .type = NLA_U8 },
	[RCAN_ATTR_OWNER_PORTID] = { .type = NLA_U32 },
	[RCAN_ATTR_CONNECTED] = { .type = NLA_U8 },
	[RCAN_ATTR_CARRIER] = { .type = NLA_U8 },
	[RCAN_ATTR_CAN_STATE] = { .type = NLA_U32 },
	[RCAN_ATTR_TXERR] = { .type = NLA_U16 },
	[RCAN_ATTR_RXERR] = { .type = NLA_U16 },
	[RCAN_ATTR_REMOTE] = { .type = NLA_STRING, .maxlen = RCAN_REMOTE_MAX },
	[RCAN_ATTR_TX_WINDOW] = { .type = NLA_U32 },
	[RCAN_ATTR_SEQ] = { .type = NLA_U32 },
	[RCAN_ATTR_ERRNO] = { .type = NLA_U32 },
	[RCAN_ATTR_FRAMES] = { .type = NLA_NESTED },
	[RCAN_ATTR_STATS] = { .type = NLA_NESTED },
	[RCAN_ATTR_BITTIMING] = { .type = NLA_NESTED },
	[RCAN_ATTR_INFLIGHT] = { .type = NLA_U32 },
	[RCAN_ATTR_DATA_BITTIMING] = { .type = NLA_NESTED },
	[RCAN_ATTR_RX_USECS] = { .type = NLA_U32 },
	[RCAN_ATTR_RX_FRAMES] = { .type = NLA_U32 },
};

/* every counter a u64, every bit-timing value a u32 */
static const struct nla_policy stats_policy[RCAN_STATS_MAX + 1] = {
	[RCAN_STATS_RX_PACKETS... RCAN_STATS_TX_ERRORS] = { .type = NLA_U64 },
};

static const struct nla_policy bt_policy[RCAN_BT_MAX + 1] = {
	[RCAN_BT_BITRATE... RCAN_BT_BRP] = { .type = NLA_U32 },
};

static const struct nla_policy frame_policy[RCAN_FRAME_MAX + 1] = {
	[RCAN_FRAME_ID] = { .type = NLA_U32 },
	[RCAN_FRAME_FLAGS] = { .type = NLA_U32 },
	[RCAN_FRAME_DATA] = { .type = NLA_UNSPEC, .maxlen = 64 },
	[RCAN_FRAME_LEN] = { .type = NLA_U8 },
	[RCAN_FRAME_TSTAMP] = { .type = NLA_U64 },
	[RCAN_FRAME_SEQ] = { .type = NLA_U32 },
};

/* The counters and the bit timing: nests of one type each. */
static int parse_nest(struct nlattr *nest, int max,
		      const struct nla_policy *policy, uint64_t *u64,
		      uint32_t *u32)
{
	struct nlattr *tb[NEST_MAX + 1];
	int i;

	_Static_assert((int)RCAN_STATS_MAX <= NEST_MAX &&
			       (int)RCAN_BT_MAX <= NEST_MAX,
		       "a nest with more attributes than NEST_MAX");
	if (nla_parse_nested(tb, max, nest, policy) < 0)
		return 0;
	for (i = 1; i <= max; i++) {
		if (!tb[i] || policy[i].type == NLA_UNSPEC)
			continue;
		if (u64)
			u64[i] = nla_get_u64(tb[i]);
		else
			u32[i] = nla_get_u32(tb[i]);
	}
	return 1;
}

static uint32_t get_u32(struct nlattr *a, int *has)
{
	if (has)
		*has = a != NULL;
	return a ? nla_get_u32(a) : 0;
}

static uint8_t get_u8(struct nlattr *a)
{
	return a ? nla_get_u8(a) : 0;
}

static uint16_t get_u16(struct nlattr *a)
{
	return a ? nla_get_u16(a) : 0;
}

void rnl_parse_link(struct nlattr **tb, struct rnl_link *l)
{
	memset(l, 0, sizeof(*l));
	l->ifindex = get_u32(tb[RCAN_ATTR_IFINDEX], NULL);
	if (tb[RCAN_ATTR_IFNAME])
		nla_strlcpy(l->ifname, tb[RCAN_ATTR_IFNAME], sizeof(l->ifname));
	l->flags = get_u32(tb[RCAN_ATTR_LINK_FLAGS], NULL);
	l->attached = get_u8(tb[RCAN_ATTR_ATTACHED]);
	l->owner_portid = get_u32(tb[RCAN_ATTR_OWNER_PORTID], &l->has_owner);
	l->connected = get_u8(tb[RCAN_ATTR_CONNECTED]);
	l->carrier = get_u8(tb[RCAN_ATTR_CARRIER]);
	l->can_state = get_u32(tb[RCAN_ATTR_CAN_STATE], &l->has_state);
	l->txerr = get_u16(tb[RCAN_ATTR_TXERR]);
	l->rxerr = get_u16(tb[RCAN_ATTR_RXERR]);
	if (tb[RCAN_ATTR_REMOTE])
		nla_strlcpy(l->remote, tb[RCAN_ATTR_REMOTE], sizeof(l->remote));
	l->tx_window = get_u32(tb[RCAN_ATTR_TX_WINDOW], NULL);
	l->seq = get_u32(tb[RCAN_ATTR_SEQ], &l->has_seq);
	l->inflight = get_u32(tb[RCAN_ATTR_INFLIGHT], NULL);
	if (tb[RCAN_ATTR_STATS])
		l->has_stats = parse_nest(tb[RCAN_ATTR_STATS], RCAN_STATS_MAX,
					  stats_policy, l->stats, NULL);
	if (tb[RCAN_ATTR_BITTIMING])
		l->has_bt = parse_nest(tb[RCAN_ATTR_BITTIMING], RCAN_BT_MAX,
				       bt_policy, NULL, l->bt);
	if (tb[RCAN_ATTR_DATA_BITTIMING])
		l->has_dbt = parse_nest(tb[RCAN_ATTR_DATA_BITTIMING],
					RCAN_BT_MAX, bt_policy, NULL, l->dbt);
	/* both or neither: the kernel sends them together */
	l->has_coalesce = tb[RCAN_ATTR_RX_USECS] && tb[RCAN_ATTR_RX_FRAMES];
	l->rx_usecs = get_u32(tb[RCAN_ATTR_RX_USECS], NULL);
	l->rx_frames = get_u32(tb[RCAN_ATTR_RX_FRAMES], NULL);
}

static void frame_from_attrs(struct nlattr **ft, struct rnl_frame *f)
{
	memset(f, 0, sizeof(*f));
	f->can_id = nla_get_u32(ft[RCAN_FRAME_ID]);
	if (ft[RCAN_FRAME_FLAGS])
		f->flags = nla_get_u32(ft[RCAN_FRAME_FLAGS]);
	if (ft[RCAN_FRAME_DATA]) {
		f->len = (uint8_t)nla_len(ft[RCAN_FRAME_DATA]);
		memcpy(f->data, nla_data(ft[RCAN_FRAME_DATA]), f->len);
	}
	if (ft[RCAN_FRAME_LEN])
		f->rtr_len = nla_get_u8(ft[RCAN_FRAME_LEN]);
	if (ft[RCAN_FRAME_TSTAMP])
		f->ts_ns = nla_get_u64(ft[RCAN_FRAME_TSTAMP]);
	if (ft[RCAN_FRAME_SEQ])
		f->seq = nla_get_u32(ft[RCAN_FRAME_SEQ]);
}

void rnl_dispatch_frames(struct rnl *n, struct nlattr **tb)
{
	uint32_t ifindex;
	struct nlattr *a;
	int rem;

	if (!n->h->tx_frame || !tb[RCAN_ATTR_FRAMES])
		return;
	ifindex = tb[RCAN_ATTR_IFINDEX] ? nla_get_u32(tb[RCAN_ATTR_IFINDEX]) :
					  0;
	nla_for_each_nested(a, tb[RCAN_ATTR_FRAMES], rem) {
		struct nlattr *ft[RCAN_FRAME_MAX + 1];
		struct rnl_frame f;

		if (nla_type(a) != RCAN_ATTR_FRAME ||
		    nla_parse_nested(ft, RCAN_FRAME_MAX, a, frame_policy) < 0 ||
		    !ft[RCAN_FRAME_ID])
			continue;
		frame_from_attrs(ft, &f);
		n->h->tx_frame(n->arg, ifindex, &f);
	}
}
