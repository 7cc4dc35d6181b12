/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * rcan: a remote CAN bus presented as a native SocketCAN network device.
 *
 * This is the whole contract between rcan.ko and its user-space helper
 * (rcand). Both sides include this one header.
 *
 * The helper talks to the generic netlink family RCAN_GENL_NAME, version
 * RCAN_GENL_VERSION: every request carries it in its genlmsghdr, and the
 * kernel refuses another (EPROTO); the helper checks the family's version
 * before it sends anything. Every command that changes anything needs
 * CAP_NET_ADMIN in the initial user namespace; with the module parameter
 * rcan.userns_links=1, CAP_NET_ADMIN in the calling socket's network
 * namespace is enough, and the TX windows of the links of a namespace of
 * a user namespace then add up to rcan.userns_tx_frames at most.
 *
 * Link life cycle:
 *   RCAN_CMD_LINK_NEW     create a canX netdev (optionally attach it)
 *   RCAN_CMD_LINK_ATTACH  make the calling socket the link's owner (the
 *                         socket itself: another socket that later binds
 *                         its port id is not the owner)
 *   RCAN_CMD_LINK_DETACH  give the link up (closing the socket does too)
 *   RCAN_CMD_LINK_DEL     remove the netdev
 *   RCAN_CMD_LINK_GET     one link by RCAN_ATTR_IFINDEX, or dump all
 *   RCAN_CMD_LINK_SET     owner reports connection / CAN state, remote URL,
 *                         or changes the TX window (frames in flight stay)
 *
 * Data path (owner only):
 *   RCAN_CMD_FRAMES_RX    helper -> kernel: frames seen on the remote bus,
 *                         many per message, in RCAN_ATTR_FRAMES
 *   RCAN_CMD_FRAMES_TX    kernel -> helper (unicast to the owner): frames
 *                         sent by local programs, each with RCAN_FRAME_SEQ
 *   RCAN_CMD_TX_DONE      helper -> kernel: the remote accepted every frame
 *                         up to and including RCAN_ATTR_SEQ; their echo is
 *                         released (a SEQ of frames already failed, say
 *                         on detach or when the link went down, is a
 *                         no-op). Optional RCAN_ATTR_TSTAMP: when the
 *                         remote controller confirmed them (see there)
 *   RCAN_CMD_TX_FAIL      helper -> kernel: the same range is dropped and
 *                         counted, never echoed
 *   RCAN_CMD_TX_FAILED_NTF kernel -> helper (unicast to the owner): the
 *                         kernel failed every frame up to and including
 *                         RCAN_ATTR_SEQ (the link went down, or the helper
 *                         reported the remote down or bus-off); a verdict
 *                         on them is a no-op, and those not sent to the
 *                         remote yet should not be
 *
 * Sequence numbers are u32 and wrap; the kernel hands them out in order
 * per link, starting from RCAN_ATTR_SEQ in the LINK_ATTACH/LINK_NEW reply
 * (the next sequence number it will use; LINK_NEW may set the first). At
 * most RCAN_ATTR_TX_WINDOW frames are unconfirmed at a time; the netdev
 * queue stops at that point and wakes on confirmation.
 *
 * Events on the RCAN_GENL_MCGRP_EVENTS multicast group reuse the command
 * numbers: LINK_NEW, LINK_DEL, LINK_ATTACH, LINK_DETACH carry the link's
 * attributes; RCAN_CMD_BITTIMING carries RCAN_ATTR_BITTIMING (and, on an FD
 * link with a data bit rate, RCAN_ATTR_DATA_BITTIMING) after
 * "ip link set canX type can bitrate N [dbitrate M]"; RCAN_CMD_COALESCE
 * carries RCAN_ATTR_RX_USECS and RCAN_ATTR_RX_FRAMES after
 * "ethtool -C canX rx-usecs N rx-frames M" (0 and 0, the default, ask for
 * the lowest latency: every frame delivered at once).
 */
#ifndef _UAPI_LINUX_RCAN_H
#define _UAPI_LINUX_RCAN_H

#include <linux/types.h>

#define RCAN_GENL_NAME		"rcan"
/*
 * 2: the owner is the attaching socket; verdicts by SEQ only (version 1's
 * RCAN_ATTR_COUNT is gone, its number unused); changing commands need the initial user
 * namespace's CAP_NET_ADMIN unless rcan.userns_links=1.
 */
#define RCAN_GENL_VERSION	2
#define RCAN_GENL_MCGRP_EVENTS	"events"

/*
 * Default and limits of the number of unconfirmed frames per link. The
 * maximum covers 200 ms of round trip on the fastest bus CAN has: a
 * saturated 1 Mbit/s classic bus carries at most about 21,000 frames/s
 * (47-bit frames), a CAN FD bus at 1/8 Mbit/s about 30,000, so 200 ms is
 * 4,200 to 6,000 frames. A power of two, because the echo slots are.
 */
#define RCAN_TX_WINDOW_DEFAULT	64
#define RCAN_TX_WINDOW_MAX	8192

/* Largest RCAN_ATTR_RX_USECS (1 s) and RCAN_ATTR_RX_FRAMES. */
#define RCAN_RX_USECS_MAX	1000000
#define RCAN_RX_FRAMES_MAX	8192

/*
 * Frames in one FRAMES_RX at most; a longer batch is refused whole
 * (E2BIG). The kernel checks and builds a batch before it delivers any of
 * it, so this bounds the skbs one command pins (about 1 MB; the FRAMES
 * nest's 16-bit length alone allows some 5,460 minimal entries). rcand's
 * messages of 8 KiB hold a few hundred frames.
 */
#define RCAN_RX_BATCH_MAX	1024

/* Longest RCAN_ATTR_REMOTE string, including the terminating NUL. */
#define RCAN_REMOTE_MAX		256

enum rcan_cmd {
	RCAN_CMD_UNSPEC,
	RCAN_CMD_LINK_NEW,
	RCAN_CMD_LINK_DEL,
	RCAN_CMD_LINK_GET,
	RCAN_CMD_LINK_SET,
	RCAN_CMD_LINK_ATTACH,
	RCAN_CMD_LINK_DETACH,
	RCAN_CMD_FRAMES_RX,
	RCAN_CMD_FRAMES_TX,
	RCAN_CMD_TX_DONE,
	RCAN_CMD_TX_FAIL,
	RCAN_CMD_BITTIMING,	/* event only */
	RCAN_CMD_COALESCE,	/* event only */
	RCAN_CMD_TX_FAILED_NTF,	/* kernel -> owner only, see above */

	__RCAN_CMD_MAX,
	RCAN_CMD_MAX = __RCAN_CMD_MAX - 1
};

/* RCAN_ATTR_LINK_FLAGS: properties fixed at creation. */
#define RCAN_LINK_F_FD			(1U << 0) /* CAN FD capable (MTU CANFD_MTU) */
#define RCAN_LINK_F_REMOVE_ON_DETACH	(1U << 1) /* delete netdev when owner goes */
#define RCAN_LINK_F_ALL			(RCAN_LINK_F_FD | RCAN_LINK_F_REMOVE_ON_DETACH)

enum rcan_attr {
	RCAN_ATTR_UNSPEC,
	RCAN_ATTR_IFINDEX,	/* u32 */
	RCAN_ATTR_IFNAME,	/* string, < IFNAMSIZ; a "%d" template is allowed on NEW */
	RCAN_ATTR_LINK_FLAGS,	/* u32, RCAN_LINK_F_* */
	RCAN_ATTR_ATTACH,	/* flag: LINK_NEW also attaches the caller */
	RCAN_ATTR_ATTACHED,	/* u8, replies and events: an owner is attached */
	RCAN_ATTR_OWNER_PORTID,	/* u32, replies: netlink port id of the owner */
	RCAN_ATTR_CONNECTED,	/* u8: helper reports the remote session up (1) or down (0) */
	RCAN_ATTR_CARRIER,	/* u8, replies: netif_carrier_ok() */
	RCAN_ATTR_CAN_STATE,	/* u32, enum can_state from <linux/can/netlink.h> */
	RCAN_ATTR_TXERR,	/* u16, transmit error counter (with CAN_STATE) */
	RCAN_ATTR_RXERR,	/* u16, receive error counter (with CAN_STATE) */
	RCAN_ATTR_REMOTE,	/* string, e.g. "can://10.0.0.5:29536/can0"; the ifalias */
	RCAN_ATTR_TX_WINDOW,	/* u32, 1..RCAN_TX_WINDOW_MAX, on NEW and SET; replies */
	RCAN_ATTR_SEQ,		/* u32; on NEW: the first sequence number */
	RCAN_ATTR_UNUSED,	/* version 1's COUNT verdict: refused */
	RCAN_ATTR_ERRNO,	/* u32, TX_FAIL: why (positive errno), for the log */
	RCAN_ATTR_FRAMES,	/* nest of RCAN_ATTR_FRAME entries */
	RCAN_ATTR_STATS,	/* nest of RCAN_STATS_*, replies */
	RCAN_ATTR_BITTIMING,	/* nest of RCAN_BT_*, BITTIMING events and replies */
	RCAN_ATTR_INFLIGHT,	/* u32, replies: unconfirmed frames now */
	RCAN_ATTR_PAD,
	/* nest of RCAN_BT_*: the CAN FD data phase, as RCAN_ATTR_BITTIMING */
	RCAN_ATTR_DATA_BITTIMING,
	/*
	 * u32 each, COALESCE events and replies: ethtool's rx-usecs (longest
	 * a received frame may wait to be delivered with others) and
	 * rx-frames (deliver once this many are waiting); 0 means no limit
	 * of that kind, both 0 means no waiting at all.
	 */
	RCAN_ATTR_RX_USECS,
	RCAN_ATTR_RX_FRAMES,
	/*
	 * u64, TX_DONE only: ns since the epoch, when the remote controller
	 * confirmed the last of the frames this TX_DONE settles (rcand serve's
	 * "< sent N SEC.USEC >"). Every frame it settles gets this time as its
	 * hardware TX timestamp (SOF_TIMESTAMPING_TX_HARDWARE) and on its echo:
	 * for the others it is a bound (they were confirmed no later), in the
	 * remote's clock like the last one's, rather than the local arrival
	 * time, a later time of another clock. Without it, the time the
	 * TX_DONE reached the kernel, as before. A helper sends it only when
	 * the family's maxattr includes it: an older rcan.ko refuses it.
	 */
	RCAN_ATTR_TSTAMP,

	__RCAN_ATTR_MAX,
	RCAN_ATTR_MAX = __RCAN_ATTR_MAX - 1
};

/* Entries inside RCAN_ATTR_FRAMES all have this type. */
#define RCAN_ATTR_FRAME	1

/* RCAN_FRAME_FLAGS */
#define RCAN_FRAME_F_FD		(1U << 0) /* a CAN FD frame */
#define RCAN_FRAME_F_BRS	(1U << 1) /* FD: bit rate switch (CANFD_BRS) */
#define RCAN_FRAME_F_ESI	(1U << 2) /* FD: error state indicator (CANFD_ESI) */
#define RCAN_FRAME_F_ALL	(RCAN_FRAME_F_FD | RCAN_FRAME_F_BRS | RCAN_FRAME_F_ESI)

enum rcan_frame_attr {
	RCAN_FRAME_UNSPEC,
	RCAN_FRAME_ID,		/* u32: can_id with CAN_EFF_FLAG/CAN_RTR_FLAG/CAN_ERR_FLAG */
	RCAN_FRAME_FLAGS,	/* u32, RCAN_FRAME_F_*; absent means classic */
	/*
	 * RCAN_FRAME_DATA, binary: the payload; its length is the frame's
	 * (0..8 classic, a valid CAN FD length up to 64). An RTR frame
	 * carries RCAN_FRAME_LEN instead.
	 */
	RCAN_FRAME_DATA,
	RCAN_FRAME_LEN,		/* u8: RTR frames only, the requested length 0..8 */
	RCAN_FRAME_TSTAMP,	/* u64: ns since the epoch, when the remote saw it */
	RCAN_FRAME_SEQ,		/* u32: FRAMES_TX only */
	RCAN_FRAME_PAD,

	__RCAN_FRAME_MAX,
	RCAN_FRAME_MAX = __RCAN_FRAME_MAX - 1
};

enum rcan_stats_attr {
	RCAN_STATS_UNSPEC,
	RCAN_STATS_RX_PACKETS,	/* u64 each */
	RCAN_STATS_RX_BYTES,
	RCAN_STATS_RX_DROPPED,
	RCAN_STATS_RX_ERRORS,
	RCAN_STATS_TX_PACKETS,
	RCAN_STATS_TX_BYTES,
	RCAN_STATS_TX_DROPPED,
	RCAN_STATS_TX_ERRORS,
	RCAN_STATS_PAD,

	__RCAN_STATS_MAX,
	RCAN_STATS_MAX = __RCAN_STATS_MAX - 1
};

/* The fields of struct can_bittiming, as the socketcand "B" command needs. */
enum rcan_bittiming_attr {
	RCAN_BT_UNSPEC,
	RCAN_BT_BITRATE,	/* u32 each */
	RCAN_BT_SAMPLE_POINT,	/* tenths of a percent */
	RCAN_BT_TQ,		/* ns */
	RCAN_BT_PROP_SEG,
	RCAN_BT_PHASE_SEG1,
	RCAN_BT_PHASE_SEG2,
	RCAN_BT_SJW,
	RCAN_BT_BRP,

	__RCAN_BT_MAX,
	RCAN_BT_MAX = __RCAN_BT_MAX - 1
};

#endif /* _UAPI_LINUX_RCAN_H */
