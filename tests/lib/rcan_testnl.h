/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for rcan's tests: the kernel tests (tests/kernel/)
 * and the fuzzer (tests/fuzz/). No libnl, so a test can build exactly the
 * message it means to send, well-formed or not, and read the extack
 * message of every refusal. The prefix is tnl_ ("test netlink"); the
 * helper's own netlink layer (helper/genl.h) is rnl_, a different thing.
 *
 * Three levels, each on the one before:
 *   messages  tnl_msg_init() (any header), tnl_put*(), tnl_nest_*(): a
 *             buffer of attributes; nothing is checked but its capacity,
 *             and the caller may break any length afterwards
 *   parsing   tnl_for_each_msg(), tnl_for_each_attr(), tnl_parse*(),
 *             tnl_attr_*(), tnl_extack(): bounded walks over what came back
 *   requests  struct tnl, a socket with the rcan family resolved:
 *             tnl_open(), tnl_request(), and one call per rcan command the
 *             tests use (tnl_link_new(), tnl_rx(), tnl_read_tx() ...)
 * and small netdev and CAN_RAW helpers the kernel tests share.
 *
 * Build: compile tests/lib/rcan_testnl.c with the program, with
 * -I include/uapi for <linux/rcan.h>.
 */
#ifndef RCAN_TESTNL_H
#define RCAN_TESTNL_H

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rcan.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/* The largest message built (the fuzzer's huge FRAMES_RX batches). */
#define TNL_MSG_MAX (160UL * 1024)
/* Room for one read: netlink batches several messages in one datagram. */
#define TNL_RX_MAX (256UL * 1024)
/* FRAMES_TX frames kept while a request waits for its answer. */
#define TNL_PEND 4096

/* ---- messages ---- */

/* One message being built; len is what is built so far. */
struct tnl_msg {
	size_t len;
	union {
		struct nlmsghdr nlh;
		unsigned char buf[TNL_MSG_MAX];
	};
};

/*
 * Exactly this header, nothing added (no NLM_F_REQUEST): the fuzzer sends
 * what it is given. nlmsg_len follows len until the caller sets it.
 */
void tnl_msg_init(struct tnl_msg *m, uint16_t type, uint16_t flags, uint8_t cmd,
		  uint8_t version);
/* A request to the rcan family: NLM_F_REQUEST | @flags, its version. */
void tnl_req_init(struct tnl_msg *m, uint16_t family, uint8_t cmd,
		  uint16_t flags);
/* Append one attribute; NULL (and nothing written) when it does not fit. */
struct nlattr *tnl_put(struct tnl_msg *m, uint16_t type, const void *data,
		       size_t len);
void tnl_put_u8(struct tnl_msg *m, uint16_t type, uint8_t v);
void tnl_put_u16(struct tnl_msg *m, uint16_t type, uint16_t v);
void tnl_put_u32(struct tnl_msg *m, uint16_t type, uint32_t v);
void tnl_put_u64(struct tnl_msg *m, uint16_t type, uint64_t v);
void tnl_put_str(struct tnl_msg *m, uint16_t type, const char *s);
/* A nest; its end sets the length (at most 0xffff); NULL is ignored. */
struct nlattr *tnl_nest_start(struct tnl_msg *m, uint16_t type);
void tnl_nest_end(struct tnl_msg *m, struct nlattr *nest);

/* One frame inside an RCAN_ATTR_FRAMES nest. */
struct tnl_frame {
	uint32_t id;
	uint32_t flags;
	uint8_t len; /* data length, or RTR length */
	uint8_t data[64];
	uint64_t ts; /* 0: none */
	uint32_t seq;
	bool has_len_attr; /* RTR: send RCAN_FRAME_LEN */
};

/* RCAN_ATTR_FRAME of @f; RCAN_ATTR_FRAMES with @count of them. */
void tnl_put_frame(struct tnl_msg *m, const struct tnl_frame *f);
void tnl_put_frames(struct tnl_msg *m, const struct tnl_frame *f, int count);

/* ---- parsing ---- */

/* Every message of one datagram of @len bytes (len is counted down). */
#define tnl_for_each_msg(nlh, buf, len)                                \
	for ((nlh) = (struct nlmsghdr *)(buf); NLMSG_OK((nlh), (len)); \
	     (nlh) = NLMSG_NEXT((nlh), (len)))

/* Whole attributes only: @rem (an int) is what is left of @len bytes. */
#define tnl_for_each_attr(a, head, len, rem)                       \
	for ((a) = (head), (rem) = (len); tnl_attr_ok((a), (rem)); \
	     (a) = tnl_attr_next((a), &(rem)))
#define tnl_for_each_nested(a, nest, rem) \
	tnl_for_each_attr(a, tnl_attr_data(nest), tnl_attr_len(nest), rem)

bool tnl_attr_ok(const struct nlattr *a, int rem);
const struct nlattr *tnl_attr_next(const struct nlattr *a, int *rem);
const void *tnl_attr_data(const struct nlattr *a);
int tnl_attr_len(const struct nlattr *a);
uint8_t tnl_attr_u8(const struct nlattr *a);
uint16_t tnl_attr_u16(const struct nlattr *a);
uint32_t tnl_attr_u32(const struct nlattr *a);
uint64_t tnl_attr_u64(const struct nlattr *a);

/* The attributes after a genetlink header; *len < 0 when it is short. */
const struct nlattr *tnl_genl_attrs(const struct nlmsghdr *nlh, int *len);
uint8_t tnl_cmd(const struct nlmsghdr *nlh);
/* tb[type] = the last attribute of that type (up to @max), else NULL. */
void tnl_parse(const struct nlattr *head, int len, const struct nlattr **tb,
	       int max);
void tnl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		      int max);
void tnl_parse_genl(const struct nlmsghdr *nlh, const struct nlattr **tb,
		    int max);
/* The extack message of an NLMSG_ERROR into @buf ("" without one). */
void tnl_extack(const struct nlmsghdr *nlh, char *buf, size_t size);

/* A link as the kernel reports it. */
struct tnl_link {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	uint32_t flags;
	int attached, connected, carrier;
	uint32_t owner, window, seq, inflight, can_state;
	char remote[RCAN_REMOTE_MAX];
	uint64_t stats[RCAN_STATS_MAX + 1];
	uint32_t bitrate;
	uint32_t dbitrate; /* CAN FD data phase */
};

/* A tnl_cb: a link reply or event into the struct tnl_link at @arg. */
void tnl_parse_link(const struct nlmsghdr *nlh, void *arg);
/* Frames of one FRAMES_TX message into out[] (at most max); how many. */
int tnl_parse_tx(const struct nlmsghdr *nlh, struct tnl_frame *out, int max);

/* ---- requests ---- */

struct tnl {
	int fd;
	uint32_t portid;
	uint16_t family;
	uint32_t mcgrp; /* RCAN_GENL_MCGRP_EVENTS, 0: none */
	uint32_t seq;
	char extack[256]; /* message of the last refusal */
	/* FRAMES_TX that arrived while waiting for an answer */
	struct tnl_frame *pend;
	int npend;
};

typedef void (*tnl_cb)(const struct nlmsghdr *nlh, void *arg);

/*
 * A bound NETLINK_GENERIC socket with extack and a receive buffer of
 * @rcvbuf bytes (forced if allowed), the family not resolved; 0 or -errno
 * (then fd is -1).
 */
int tnl_socket(struct tnl *n, int rcvbuf);
/* tnl_socket() with 4 MiB, and the rcan family resolved; 0 or -errno. */
int tnl_open(struct tnl *n);
void tnl_close(struct tnl *n);
/* Join the rcan events group. */
int tnl_subscribe(struct tnl *n);
/* Send @m with the next sequence number; 0 or -errno. */
int tnl_send(struct tnl *n, struct tnl_msg *m);
/*
 * Wait for the answer to sequence number @seq: every message for it goes
 * to @cb; returns 0 on the ack or the end of a dump, -errno on an error
 * (or the errno a dump ended with)
 * (its extack in n->extack), -ETIMEDOUT after 5 s of silence. Messages
 * with another sequence number go to @other, or without one, the frames
 * of FRAMES_TX are kept for tnl_read_tx().
 */
int tnl_wait(struct tnl *n, uint32_t seq, tnl_cb cb, void *arg, tnl_cb other,
	     void *oarg);
/* Send @m with NLM_F_ACK and wait for its answer. */
int tnl_request(struct tnl *n, struct tnl_msg *m, tnl_cb cb, void *arg);

/* LINK_NEW; @name may be NULL; @out may be NULL. */
int tnl_link_new(struct tnl *n, const char *name, uint32_t flags,
		 uint32_t window, bool attach, struct tnl_link *out);
/* A command carrying only RCAN_ATTR_IFINDEX (DEL, GET, ATTACH, DETACH). */
int tnl_ifindex_cmd(struct tnl *n, uint8_t cmd, uint32_t ifindex,
		    struct tnl_link *out);
/* LINK_GET; all zero when it fails. */
struct tnl_link tnl_get_link(struct tnl *n, uint32_t ifindex);
int tnl_set_connected(struct tnl *n, uint32_t ifindex, int up);
/* Connect and wait until frames can be sent (tnl_wait_operstate_up()). */
int tnl_connect_wait(struct tnl *n, const struct tnl_link *l);
/*
 * A link as most tests want it: new, attached by @n, up, connected, and
 * ready for frames; 0 or -errno.
 */
int tnl_link_ready(struct tnl *n, const char *name, uint32_t flags,
		   uint32_t window, struct tnl_link *out);
/* TX_DONE/TX_FAIL of every frame up to and including @seq. */
int tnl_verdict(struct tnl *n, uint8_t cmd, uint32_t ifindex, uint32_t seq);
/* FRAMES_RX of @count frames. */
int tnl_rx(struct tnl *n, uint32_t ifindex, const struct tnl_frame *f,
	   int count);
/*
 * Frames of FRAMES_TX messages (the kept ones first) until @want arrived
 * or @timeout_ms passed without any; returns how many.
 */
int tnl_read_tx(struct tnl *n, struct tnl_frame *out, int want, int timeout_ms);

/* ---- netdevs and CAN_RAW sockets ---- */

/* A nonblocking CAN_RAW socket bound to @ifindex, or -1. */
int tnl_can_open(uint32_t ifindex, bool fd_frames);
/* IFF_UP on or off; 0 or -1. */
int tnl_if_set_up(const char *name, bool up);
/* Wait up to @ms for a readable fd. */
bool tnl_wait_readable(int fd, int ms);
/*
 * After the carrier comes on, the stack's link watcher activates the
 * qdisc; until then frames go to the noop qdisc (dropped, as on any
 * device without carrier). Wait for it, up to 2 s.
 */
bool tnl_wait_operstate_up(const char *ifname);

#endif /* RCAN_TESTNL_H */
