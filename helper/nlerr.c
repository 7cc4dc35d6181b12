// SPDX-License-Identifier: GPL-2.0
/* The refused request a netlink error message echoes (nlerr.h). */
#include <stddef.h>

#include <linux/genetlink.h>
#include <linux/rcan.h>

#include "nlerr.h"

/* The attributes in @len bytes at @p, each seen once, in bounds. */
#define for_each_attr(a, p, len, rem)                                        \
	for ((a) = (const struct nlattr *)(p), (rem) = (long)(len);          \
	     (rem) >= NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN &&            \
	     (long)(a)->nla_len <= (rem);                                     \
	     (rem) -= NLA_ALIGN((a)->nla_len),                                \
	    (a) = (const struct nlattr *)((const char *)(a) +                 \
					  NLA_ALIGN((a)->nla_len)))

static uint32_t count_frames(const void *attrs, long len)
{
	const struct nlattr *a, *f;
	uint32_t n = 0;
	long rem, frem;

	for_each_attr(a, attrs, len, rem) {
		if ((a->nla_type & NLA_TYPE_MASK) != RCAN_ATTR_FRAMES)
			continue;
		for_each_attr(f, (const char *)a + NLA_HDRLEN,
			      a->nla_len - NLA_HDRLEN, frem)
			if ((f->nla_type & NLA_TYPE_MASK) == RCAN_ATTR_FRAME)
				n++;
	}
	return n;
}

int nlerr_request(const struct nlmsghdr *nlh, int *cmd, uint32_t *frames)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const struct nlmsghdr *req = &e->msg;
	const struct genlmsghdr *g = NLMSG_DATA(req);
	size_t room;

	*cmd = 0;
	*frames = 0;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e) ||
	    (nlh->nlmsg_flags & NLM_F_CAPPED))
		return 0;
	/* the echo starts at e->msg and must end inside this message */
	room = nlh->nlmsg_len - NLMSG_HDRLEN - offsetof(struct nlmsgerr, msg);
	if (req->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    req->nlmsg_len > room)
		return 0;
	*cmd = g->cmd;
	if (g->cmd == RCAN_CMD_FRAMES_RX)
		*frames = count_frames((const char *)g + GENL_HDRLEN,
				       (long)req->nlmsg_len - NLMSG_HDRLEN -
					       GENL_HDRLEN);
	return 1;
}
