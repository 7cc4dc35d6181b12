// SPDX-License-Identifier: GPL-2.0
/* The refused request a netlink error message echoes (nlerr.h). */
#include <stddef.h>

#include <linux/genetlink.h>
#include <linux/rcan.h>

#include "nlerr.h"

/* An attribute whole within the @rem bytes left. */
static int attr_ok(const struct nlattr *a, long rem)
{
	return rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       (long)a->nla_len <= rem;
}

static const struct nlattr *attr_next(const struct nlattr *a, long *rem)
{
	*rem -= NLA_ALIGN(a->nla_len);
	return (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len));
}

/* RCAN_ATTR_FRAME entries in the RCAN_ATTR_FRAMES among @len bytes. */
static uint32_t count_frames(const void *attrs, long len)
{
	const struct nlattr *a, *f;
	uint32_t n = 0;
	long rem, frem;

	for (a = attrs, rem = len; attr_ok(a, rem); a = attr_next(a, &rem)) {
		if ((a->nla_type & NLA_TYPE_MASK) != RCAN_ATTR_FRAMES)
			continue;
		f = (const struct nlattr *)((const char *)a + NLA_HDRLEN);
		for (frem = a->nla_len - NLA_HDRLEN; attr_ok(f, frem);
		     f = attr_next(f, &frem))
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
		*frames = count_frames(
			(const char *)g + GENL_HDRLEN,
			(long)(req->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN));
	return 1;
}
