// SPDX-License-Identifier: GPL-2.0
/*
 * The data path's reads. A burst of FRAMES_TX (one datagram per frame when
 * a program writes frame by frame) would cost libnl's default receive one
 * or two system calls per datagram; here one recvmmsg() reads up to
 * RNL_RECV_BATCH of them, and libnl takes them one by one through
 * nl_cb_overwrite_recv(), so every message is still parsed, dispatched and
 * validated by libnl as any other. The kernel's datagrams are at most
 * NLMSG_GOODSIZE, far below RNL_RECV_BUF. It calls nothing else of
 * the kernel link.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>

#include "genl_internal.h"
#include "log.h"

/*
 * libnl's receive hook has no user argument, only the socket: rcand has
 * one data-path socket per process, and this is it.
 */
static struct rnl *datapath;

/* Fill the batch with what the socket holds now; 0, or a libnl error. */
static int read_batch(struct rnl *n)
{
	struct rnl_batch *b = n->batch;
	struct mmsghdr mm[RNL_RECV_BATCH];
	struct iovec iov[RNL_RECV_BATCH];
	struct sockaddr_nl from[RNL_RECV_BATCH];
	int i, got;

	memset(mm, 0, sizeof(mm));
	for (i = 0; i < RNL_RECV_BATCH; i++) {
		iov[i].iov_base = b->buf + (size_t)i * RNL_RECV_BUF;
		iov[i].iov_len = RNL_RECV_BUF;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_name = &from[i];
		mm[i].msg_hdr.msg_namelen = sizeof(from[i]);
	}
	/* one datagram while a request waits: the rest stays in the
	 * socket, where epoll sees it */
	do {
		got = recvmmsg(nl_socket_get_fd(n->sk), mm,
			       n->wait_seq ? 1 : RNL_RECV_BATCH, MSG_DONTWAIT,
			       NULL);
	} while (got < 0 && errno == EINTR);
	b->count = b->next = 0;
	if (got < 0)
		return errno == EAGAIN ? 0 : -nl_syserr2nlerr(errno);
	for (i = 0; i < got; i++) {
		if (mm[i].msg_hdr.msg_flags & MSG_TRUNC) {
			log_err("netlink: a %u-byte message did not fit the receive buffer; dropped",
				mm[i].msg_len);
			continue;
		}
		memmove(b->buf + (size_t)b->count * RNL_RECV_BUF,
			iov[i].iov_base, mm[i].msg_len);
		b->len[b->count] = mm[i].msg_len;
		b->groups[b->count++] = from[i].nl_groups;
	}
	b->short_read = got < RNL_RECV_BATCH;
	return 0;
}

/* nl_recv()'s contract: a malloc()ed datagram (libnl frees it), its
 * length; 0 when there is nothing now. */
static int batched_recv(struct nl_sock *sk, struct sockaddr_nl *nla,
			unsigned char **buf, struct ucred **creds)
{
	struct rnl *n = datapath;
	struct rnl_batch *b;
	int rc;

	if (!n || n->sk != sk)
		return nl_recv(sk, nla, buf, creds);
	b = n->batch;
	if (b->next == b->count) {
		if (b->short_read && !n->wait_seq) {
			/* the socket was drained: end this round */
			b->short_read = 0;
			return 0;
		}
		rc = read_batch(n);
		if (rc < 0 || !b->count)
			return rc;
	}
	*buf = malloc(b->len[b->next]);
	if (!*buf)
		return -NLE_NOMEM;
	memcpy(*buf, b->buf + (size_t)b->next * RNL_RECV_BUF, b->len[b->next]);
	memset(nla, 0, sizeof(*nla));
	nla->nl_family = AF_NETLINK;
	nla->nl_groups = b->groups[b->next];
	return (int)b->len[b->next++];
}

int rnl_batch_install(struct rnl *n)
{
	n->batch = calloc(1, sizeof(*n->batch));
	if (n->batch)
		n->batch->buf = malloc((size_t)RNL_RECV_BATCH * RNL_RECV_BUF);
	if (!n->batch || !n->batch->buf) {
		rnl_batch_free(n);
		return -1;
	}
	datapath = n;
	nl_cb_overwrite_recv(n->cb, batched_recv);
	return 0;
}

void rnl_batch_free(struct rnl *n)
{
	if (datapath == n)
		datapath = NULL;
	if (n->batch)
		free(n->batch->buf);
	free(n->batch);
	n->batch = NULL;
}
