// SPDX-License-Identifier: GPL-2.0
/*
 * One client, as the daemon serves it: a process of its own, strictly
 * sequential, states NO_BUS -> BCM -> RAW/CONTROL. Faults bend exactly
 * one behaviour each, so a test can tell what its client survived.
 */
#include "server.h"

#include <errno.h>
#include <linux/can.h>
#include <linux/can/raw.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum mode { NO_BUS, BCM, RAW, CONTROL };

struct session {
	int fd, can;
	enum mode mode;
	char bus[BUS_NAME_MAX + 1];
	char in[READER_MAX];
	size_t inlen;
	char out[256 * 1024];	/* elements waiting to be written */
	size_t outlen;
	long held;		/* frames held back for the coalesce fault */
	bool faulty;
	long long raw_since_ms;
	bool stalled_once;
	long stat_ms;
	long long next_stat_ms;
	struct session_stats st;
	/*
	 * The FD forks keep one frame buffer for everything: each received
	 * frame is read into it, each send command is parsed into it, and a
	 * field a command does not set keeps what was there (the flags of a
	 * sendfd, the padding #72 adds). Faithful to them, so is this one.
	 */
	struct canfd_frame fb;
};

static volatile sig_atomic_t snapshot_wanted;

static void on_usr1(int sig)
{
	(void)sig;
	snapshot_wanted = 1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int write_all(struct session *s, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(s->fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s->st.bytes_out += (uint64_t)n;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Send what is queued; the split fault chops it into tiny writes. */
static int flush_out(struct session *s)
{
	int err = 0;

	if (!s->outlen)
		return 0;
	if (s->faulty && cfg.faults.split > 0) {
		for (size_t off = 0; off < s->outlen && !err;
		     off += (size_t)cfg.faults.split) {
			size_t n = s->outlen - off;

			if (n > (size_t)cfg.faults.split)
				n = (size_t)cfg.faults.split;
			err = write_all(s, s->out + off, n);
			usleep(300);
		}
	} else {
		err = write_all(s, s->out, s->outlen);
	}
	s->outlen = 0;
	s->held = 0;
	return err;
}

static void queue(struct session *s, const char *buf, size_t len)
{
	/* A full buffer goes out first; nothing is ever dropped. */
	if (s->outlen + len > sizeof(s->out) && flush_out(s))
		exit(1);
	if (len > sizeof(s->out))
		exit(3);
	memcpy(s->out + s->outlen, buf, len);
	s->outlen += len;
}

static int reply(struct session *s, const char *text)
{
	queue(s, text, strlen(text));
	return flush_out(s);
}

/*
 * The CAN socket's drops and buffer, as they are now: SO_RXQ_OVFL tells
 * the count only with a frame that was queued after it changed, so drops
 * at the end of a burst would be missed.
 */
static void write_stats(struct session *s, const char *what)
{
	uint32_t mi[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mi);

	if (s->can >= 0 &&
	    !getsockopt(s->can, SOL_SOCKET, SO_MEMINFO, mi, &len) &&
	    len > SK_MEMINFO_DROPS * sizeof(mi[0])) {
		if (mi[SK_MEMINFO_DROPS] > s->st.can_drops)
			s->st.can_drops = mi[SK_MEMINFO_DROPS];
		s->st.can_rcvbuf = mi[SK_MEMINFO_RCVBUF];
	}
	stats_write(&s->st, what);
}

static void end(struct session *s, const char *why)
{
	flush_out(s);
	s->st.end = why;
	write_stats(s, "end");
	logmsg("session %ld ends: %s", s->st.index, why);
	exit(0);
}

static bool bus_allowed(const char *name)
{
	for (int i = 0; i < cfg.nbuses; i++)
		if (!strcmp(cfg.buses[i], name))
			return true;
	return false;
}

/*
 * Whether the CAN socket takes FD frames, as each dialect's source
 * decides: the branch tries and ignores a failure, #33 asks only when the
 * interface's MTU is CANFD_MTU, #71/#72 (with -f) insist.
 */
static int enable_fd(struct session *s)
{
	struct ifreq ifr = { 0 };
	int one = 1;

	switch (cfg.fd_dialect) {
	case FD_RAWMODE_CANFD:
		setsockopt(s->can, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &one,
			   sizeof(one));
		return 0;
	case FD_PR33:
		/* an interface name has at most IFNAMSIZ - 1 characters */
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%.*s",
			 (int)sizeof(ifr.ifr_name) - 1, s->bus);
		if (ioctl(s->can, SIOCGIFMTU, &ifr) < 0)
			return -1;
		if (ifr.ifr_mtu != CANFD_MTU)
			return 0;
		return setsockopt(s->can, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &one,
				  sizeof(one));
	case FD_FRAME:
		return setsockopt(s->can, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &one,
				  sizeof(one));
	case FD_NONE:
	case FD_FRAME_NOFD:
		break;
	}
	return 0;
}

static int open_can(struct session *s)
{
	struct sockaddr_can addr = { .can_family = AF_CAN };
	can_err_mask_t err_mask = cfg.err_mask;
	int one = 1, rcvbuf = 4 << 20;

	s->can = socket(PF_CAN, SOCK_RAW | SOCK_CLOEXEC, CAN_RAW);
	if (s->can < 0)
		return -1;
	addr.can_ifindex = (int)if_nametoindex(s->bus);
	if (!addr.can_ifindex)
		goto fail;
	setsockopt(s->can, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof(one));
	/* how many frames the queue dropped, for --stats (can_drops) */
	setsockopt(s->can, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	/* Past rmem_max when we may (root, as in the guest): a burst must
	 * wait in the queue, not be dropped, while the client is slow. The
	 * daemon leaves the kernel's default (rmem_default).
	 */
	if (!cfg.daemon_io &&
	    setsockopt(s->can, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)))
		setsockopt(s->can, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (err_mask)
		setsockopt(s->can, SOL_CAN_RAW, CAN_RAW_ERR_FILTER, &err_mask,
			   sizeof(err_mask));
	if (enable_fd(s))
		goto fail;
	if (bind(s->can, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		goto fail;
	return 0;
fail:
	close(s->can);
	s->can = -1;
	return -1;
}

/* "< send ID DLC B0 ... >": malformed ones are logged and ignored. */
static void do_send(struct session *s, char **w, int n)
{
	struct can_frame f = { 0 };
	unsigned long id, dlc, b;
	char *e;

	s->st.sends_received++;
	if (n < 3)
		goto bad;
	id = strtoul(w[1], &e, 16);
	if (*e || !*w[1])
		goto bad;
	dlc = strtoul(w[2], &e, 10);
	if (*e || dlc > 8 || (unsigned long)(n - 3) != dlc)
		goto bad;
	for (unsigned long i = 0; i < dlc; i++) {
		b = strtoul(w[3 + i], &e, 16);
		if (*e || b > 0xff)
			goto bad;
		f.data[i] = (uint8_t)b;
	}
	/* Extended iff the id text is 8 characters, like the daemon. */
	f.can_id = (canid_t)id;
	if (strlen(w[1]) == 8)
		f.can_id |= CAN_EFF_FLAG;
	f.len = (uint8_t)dlc;
	if (s->faulty && cfg.faults.enobufs_after > 0 &&
	    s->st.sends_written >= (uint64_t)cfg.faults.enobufs_after)
		end(s, "enobufs-fault");
	if (write(s->can, &f, sizeof(f)) != sizeof(f))
		end(s, "can-write-failed");
	s->st.sends_written++;
	return;
bad:
	s->st.malformed++;
	logmsg("malformed send ignored");
}

/* The valid CAN FD payload lengths, the sixteen a DLC can say. */
static const uint8_t fd_lens[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8,
				   12, 16, 20, 24, 32, 48, 64 };

static bool fd_len_valid(unsigned int len)
{
	for (size_t i = 0; i < sizeof(fd_lens); i++)
		if (fd_lens[i] == len)
			return true;
	return false;
}

/* The smallest valid length that holds LEN bytes (#72 pads up to it). */
static uint8_t fd_len_round_up(unsigned int len)
{
	for (size_t i = 0; i < sizeof(fd_lens); i++)
		if (fd_lens[i] >= len)
			return fd_lens[i];
	return 64;
}

/*
 * The length of the id word: the word after the second run of spaces in
 * the whole element, counted the way the daemon's element_length(buf, 2)
 * does. An 8-character id marks an extended frame.
 */
static size_t id_text_len(const char *el)
{
	const char *p = el;

	for (int runs = 0; runs < 2; runs++) {
		p = strchr(p, ' ');
		if (!p)
			return 0;
		p += strspn(p, " ");
	}
	return strcspn(p, " ");
}

/*
 * Up to MAX data bytes from P into DATA, as one sscanf with MAX " %hhx"
 * conversions would convert them (each a hex number, truncated to a byte,
 * stopping at the first word that is none): the count converted.
 *
 * The send parsers here use sscanf on purpose, with the forks' own
 * conversions: what they accept (signs, 0x, overlong numbers truncated)
 * is part of each dialect, and strtoul would be stricter than the server
 * it stands for. Hence the NOLINT(cert-err34-c) below.
 */
static int scan_bytes(const char *p, uint8_t *data, int max)
{
	int n = 0, used;

	if (!p)
		return 0;
	/* NOLINTNEXTLINE(cert-err34-c) */
	while (n < max && sscanf(p, " %hhx%n", &data[n], &used) == 1) {
		p += used;
		n++;
	}
	return n;
}

/*
 * The element's header "< WORD ID LEN": ID by FMT (%x or %llx) into *ID,
 * LEN into *LEN; the number converted, and in *REST where the data bytes
 * start (NULL when the header did not convert whole).
 */
static int scan_header(const char *el, const char **rest, unsigned int *id,
		       uint8_t *len)
{
	int used = -1, items;

	/* NOLINTNEXTLINE(cert-err34-c) */
	items = sscanf(el, "< %*s %x %hhu%n", id, len, &used);
	*rest = items == 2 && used >= 0 ? el + used : NULL;
	return items;
}

static void write_fb(struct session *s, size_t mtu)
{
	if (s->faulty && cfg.faults.enobufs_after > 0 &&
	    s->st.sends_written >= (uint64_t)cfg.faults.enobufs_after)
		end(s, "enobufs-fault");
	/* The forks close the session on a failed write, as 0.6.1 does
	 * (an FD frame on a socket or interface without FD fails here).
	 */
	if (write(s->can, &s->fb, mtu) != (ssize_t)mtu)
		end(s, "can-write-failed");
	s->st.sends_written++;
}

static bool bad_send(struct session *s, const char *what)
{
	s->st.malformed++;
	logmsg("malformed %s ignored", what);
	return true;
}

/* "< send ID LEN B0 .. >", classic, in the branch and in #33. */
static bool fd_send_classic(struct session *s, const char *el)
{
	const char *rest;
	unsigned int id = s->fb.can_id;
	int items = scan_header(el, &rest, &id, &s->fb.len);

	s->fb.can_id = id;
	items += scan_bytes(rest, s->fb.data, CAN_MAX_DLEN);
	if (items < 2 || s->fb.len > CAN_MAX_DLEN || items != 2 + s->fb.len)
		return bad_send(s, "send");
	if (id_text_len(el) == 8)
		s->fb.can_id |= CAN_EFF_FLAG;
	write_fb(s, CAN_MTU);
	return true;
}

/* Branch rawmode-canfd: "< sendfd ID LEN B0 .. >"; the flags stay. */
static bool fd_sendfd(struct session *s, const char *el)
{
	const char *rest;
	unsigned int id = s->fb.can_id;
	int items = scan_header(el, &rest, &id, &s->fb.len);

	s->fb.can_id = id;
	items += scan_bytes(rest, s->fb.data, CANFD_MAX_DLEN);
	if (items < 2 || s->fb.len > CANFD_MAX_DLEN ||
	    items != 2 + s->fb.len || !fd_len_valid(s->fb.len))
		return bad_send(s, "sendfd");
	if (id_text_len(el) == 8)
		s->fb.can_id |= CAN_EFF_FLAG;
	write_fb(s, CANFD_MTU);
	return true;
}

/*
 * PR #33: "< fdsend ID FLAGS LEN B0 .. >", FLAGS hex, LEN decimal. Any
 * length up to 64 is taken, valid for FD or not; bytes after LEN are not
 * looked at.
 */
static bool fd_fdsend(struct session *s, const char *el)
{
	unsigned int id = s->fb.can_id;
	int used = -1, items;

	/* NOLINTNEXTLINE(cert-err34-c) */
	items = sscanf(el, "< %*s %x %hhx %hhu%n", &id, &s->fb.flags,
		       &s->fb.len, &used);
	s->fb.can_id = id;
	if (items != 3 || used < 0)
		return bad_send(s, "fdsend");
	if (s->fb.len > CANFD_MAX_DLEN)
		return bad_send(s, "fdsend");
	items += scan_bytes(el + used, s->fb.data, s->fb.len);
	if (items != 3 + s->fb.len)
		return bad_send(s, "fdsend");
	if (id_text_len(el) == 8)
		s->fb.can_id |= CAN_EFF_FLAG;
	write_fb(s, CANFD_MTU);
	return true;
}

/*
 * PRs #71/#72: "< send ID LEN B0 .. >" for every frame, always written as
 * an FD frame (flags CANFD_FDF, no BRS); extended iff the id is above
 * 0x7FF; a length between the valid ones is padded up with whatever the
 * buffer held. A malformed one is answered.
 */
static bool fd_send_frame(struct session *s, const char *el)
{
	unsigned long long id = 0;
	int used = -1, items;

	s->fb.can_id = 0;
	s->fb.flags = CANFD_FDF;
	/* NOLINTNEXTLINE(cert-err34-c) */
	items = sscanf(el, "< %*s %llx %hhu%n", &id, &s->fb.len, &used);
	if (items == 2 && used >= 0)
		items += scan_bytes(el + used, s->fb.data, CANFD_MAX_DLEN);
	if (items < 2 || s->fb.len > CANFD_MAX_DLEN ||
	    items != 2 + s->fb.len) {
		reply(s, "< Syntax error in send command >");
		return bad_send(s, "send");
	}
	s->fb.can_id |= (canid_t)(id & 0xFFFFFFFF);
	if (s->fb.can_id > CAN_SFF_MASK)
		s->fb.can_id |= CAN_EFF_FLAG;
	s->fb.len = fd_len_round_up(s->fb.len);
	write_fb(s, CANFD_MTU);
	return true;
}

/*
 * A send command in an FD dialect, matched on the element's first bytes
 * as the forks match it. False: not this dialect's, the caller answers it
 * as an unknown command.
 */
static bool fd_command(struct session *s, const char *el)
{
	bool (*handler)(struct session *, const char *) = NULL;
	bool send = !strncmp(el, "< send ", 7);

	switch (cfg.fd_dialect) {
	case FD_RAWMODE_CANFD:
		if (send)
			handler = fd_send_classic;
		else if (!strncmp(el, "< sendfd ", 9))
			handler = fd_sendfd;
		break;
	case FD_PR33:
		if (send)
			handler = fd_send_classic;
		else if (!strncmp(el, "< fdsend ", 9))
			handler = fd_fdsend;
		break;
	case FD_FRAME:
	case FD_FRAME_NOFD:
		if (send)
			handler = fd_send_frame;
		break;
	case FD_NONE:
		break;
	}
	if (!handler)
		return false;
	s->st.sends_received++;
	return handler(s, el);
}

static void start_raw(struct session *s)
{
	s->mode = RAW;
	s->raw_since_ms = now_ms();
	if (!s->faulty)
		return;
	if (cfg.faults.garbage)
		queue(s, "this is no element\n", 19);
	if (cfg.faults.unterminated)
		queue(s, "< frame 123 1.000000 11", 23);
	if (cfg.faults.oversize) {
		queue(s, "< frame ", 8);
		for (int i = 0; i < 9000; i++)
			queue(s, "A", 1);
		queue(s, " >", 2);
	}
}

static void handle_element(struct session *s, char *text)
{
	char el[READER_MAX + 2];
	char *w[80];
	int n = 0;

	/* The whole element as the daemon's parsers see it, '<' to '>' */
	snprintf(el, sizeof(el), "<%s>", text);

	for (char *t = strtok(text, " "); t && n < 80; t = strtok(NULL, " "))
		w[n++] = t;
	if (!n)
		return;
	if (s->faulty && cfg.faults.slow_handshake_ms && s->mode != RAW)
		sleep_ms(cfg.faults.slow_handshake_ms);

	if (s->mode == NO_BUS) {
		if (!strcmp(w[0], "open") && n == 2) {
			snprintf(s->bus, sizeof(s->bus), "%s", w[1]);
			if (strlen(w[1]) > BUS_NAME_MAX || !bus_allowed(s->bus) ||
			    (s->faulty && !strcmp(cfg.faults.refuse_bus, s->bus)) ||
			    open_can(s)) {
				reply(s, "< error could not open bus >");
				end(s, "could-not-open-bus");
			}
			s->mode = BCM;
			s->st.bus = s->bus;
			reply(s, "< ok >");
			return;
		}
		if (n >= 2 && cfg.bittiming && bus_allowed(w[0]) &&
		    ((!strcmp(w[1], "B") && n == 10) ||
		     (!strcmp(w[1], "C") && n == 5))) {
			logmsg("bus configuration for %s accepted", w[0]);
			reply(s, "< ok >");
			return;
		}
		if (!strcmp(w[0], "open")) {
			/* "< open >", or a name with spaces */
			reply(s, "< error could not open bus >");
			end(s, "could-not-open-bus");
		}
		/* Seen on the 0.6.1 daemon (non-libsocketcan build): anything
		 * else before open is an unknown command, the session stays.
		 */
		reply(s, "< error unknown command >");
		return;
	}

	if (!strcmp(w[0], "echo") && n == 1 && s->mode != NO_BUS) {
		s->st.echoes++;
		reply(s, "< echo >");
		return;
	}
	if (n == 1 && (!strcmp(w[0], "rawmode") || !strcmp(w[0], "bcmmode") ||
		       !strcmp(w[0], "controlmode") ||
		       !strcmp(w[0], "isotpmode"))) {
		enum mode want = w[0][0] == 'r' ? RAW :
				 w[0][0] == 'c' ? CONTROL : BCM;

		if (want == s->mode) {
			reply(s, "< error unknown command >");
			return;
		}
		s->mode = want;
		reply(s, "< ok >");
		if (want == RAW)
			start_raw(s);
		return;
	}
	if (s->mode == RAW && cfg.fd_dialect != FD_NONE) {
		if (fd_command(s, el))
			return;
	} else if (s->mode == RAW && !strcmp(w[0], "send")) {
		do_send(s, w, n);
		return;
	}
	if (s->mode == CONTROL && !strcmp(w[0], "statistics") && n == 2) {
		s->stat_ms = strtol(w[1], NULL, 10);
		s->next_stat_ms = now_ms() + s->stat_ms;
		return;
	}
	reply(s, "< error unknown command >");
}

/* The first whole element in the input, handled and removed; false when
 * there is none (bytes before a '<' are dropped). */
static bool next_element(struct session *s)
{
	char *start = memchr(s->in, '<', s->inlen), *close;

	if (!start) {
		s->inlen = 0;
		return false;
	}
	close = memchr(start, '>', s->inlen - (size_t)(start - s->in));
	if (!close)
		return false;
	*close = '\0';
	handle_element(s, start + 1);
	s->inlen -= (size_t)(close + 1 - s->in);
	memmove(s->in, close + 1, s->inlen);
	return true;
}

/* A whole element waits in the input. */
static bool element_waiting(const struct session *s)
{
	const char *start = memchr(s->in, '<', s->inlen);

	return start && memchr(start, '>', s->inlen - (size_t)(start - s->in));
}

/*
 * The daemon's reader: bytes before the first '<' are dropped; a read
 * that leaves no complete element and no '>' at all ends the session.
 * With --daemon-io, as 0.6.1 does, one element per turn of the loop:
 * the rest wait, and the CAN socket is not read while they do
 * (session_run).
 */
static void handle_input(struct session *s)
{
	ssize_t n = read(s->fd, s->in + s->inlen, sizeof(s->in) - s->inlen);
	bool any = false;

	if (n <= 0)
		end(s, n == 0 ? "client-closed" : "read-error");
	s->st.bytes_in += (uint64_t)n;
	s->inlen += (size_t)n;
	while (next_element(s)) {
		any = true;
		if (cfg.daemon_io)
			break;
	}
	if (!any && s->inlen && !memchr(s->in, '>', s->inlen))
		end(s, "fragment-read");
	if (s->inlen == sizeof(s->in))
		end(s, "reader-full");
}

/*
 * The word and the fields before the timestamp: "frame ID" for classic
 * frames in every dialect; for FD frames (MTU CANFD_MTU) "fdframe ID" in
 * the branch, "fdframe ID FLAGS" (the flags byte as the kernel gave it)
 * in #33, and "frame ID" again in #71/#72.
 */
static int frame_head(char *buf, size_t cap, const struct canfd_frame *f,
		      bool fd)
{
	bool eff = f->can_id & CAN_EFF_FLAG;
	unsigned int id = f->can_id & (eff ? CAN_EFF_MASK : CAN_SFF_MASK);
	const char *word = fd && (cfg.fd_dialect == FD_RAWMODE_CANFD ||
				  cfg.fd_dialect == FD_PR33) ?
				   "fdframe" :
				   "frame";

	if (fd && cfg.fd_dialect == FD_PR33)
		return snprintf(buf, cap, eff ? "< %s %08X %02X " : "< %s %03X %02X ",
				word, id, f->flags);
	return snprintf(buf, cap, eff ? "< %s %08X " : "< %s %03X ", word, id);
}

static void format_frame(struct session *s, const struct canfd_frame *f,
			 bool fd, const struct timeval *tv)
{
	static const char hex[] = "0123456789ABCDEF";
	char buf[256];
	int len;

	if (f->can_id & CAN_ERR_FLAG) {
		len = snprintf(buf, sizeof(buf), "< error %03X %lld.%06lld >",
			       f->can_id & CAN_EFF_MASK, (long long)tv->tv_sec,
			       (long long)tv->tv_usec);
	} else {
		int max = fd ? CANFD_MAX_DLEN : CAN_MAX_DLEN;

		len = frame_head(buf, sizeof(buf), f, fd);
		len += snprintf(buf + len, sizeof(buf) - (size_t)len,
				"%lld.%06lld ", (long long)tv->tv_sec,
				(long long)tv->tv_usec);
		for (int i = 0; i < f->len && i < max; i++) {
			buf[len++] = hex[f->data[i] >> 4];
			buf[len++] = hex[f->data[i] & 15];
		}
		buf[len++] = ' ';
		buf[len++] = '>';
	}
	queue(s, buf, (size_t)len);
}

#define BATCH 64

static void handle_can(struct session *s)
{
	struct canfd_frame frames[BATCH];
	char ctrl[BATCH][CMSG_SPACE(sizeof(struct timeval)) +
		       CMSG_SPACE(sizeof(uint32_t))];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	int n;

	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = &frames[i];
		iov[i].iov_len = sizeof(frames[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_control = ctrl[i];
		msgs[i].msg_hdr.msg_controllen = sizeof(ctrl[i]);
	}
	/* The daemon: one recvmsg() per frame, one send() per element. */
	n = recvmmsg(s->can, msgs, cfg.daemon_io ? 1 : BATCH, MSG_DONTWAIT,
		     NULL);
	if (n <= 0)
		return;
	for (int i = 0; i < n; i++) {
		struct timeval tv = { 0 };
		struct cmsghdr *c;

		bool fd = msgs[i].msg_len == CANFD_MTU;

		/* FD frames reach only a socket that enabled them */
		if (msgs[i].msg_len != CAN_MTU && !fd)
			continue;
		for (c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c;
		     c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
			if (c->cmsg_level == SOL_SOCKET &&
			    c->cmsg_type == SO_TIMESTAMP)
				memcpy(&tv, CMSG_DATA(c), sizeof(tv));
			else if (c->cmsg_level == SOL_SOCKET &&
				 c->cmsg_type == SO_RXQ_OVFL)
				memcpy(&s->st.can_drops, CMSG_DATA(c),
				       sizeof(s->st.can_drops));
		if (s->mode != RAW)
			continue;
		if (cfg.fd_dialect != FD_NONE)
			memcpy(&s->fb, &frames[i], msgs[i].msg_len);
		/* The daemon forwards no RTR frames. */
		if (frames[i].can_id & CAN_RTR_FLAG)
			continue;
		format_frame(s, &frames[i], fd, &tv);
		if (cfg.daemon_io && flush_out(s))
			end(s, "write-error");
		s->st.frames_to_client++;
		s->held++;
		if (s->faulty && cfg.faults.close_after_frames > 0 &&
		    s->st.frames_to_client >=
			    (uint64_t)cfg.faults.close_after_frames)
			end(s, "close-after-frames");
	}
	if (s->faulty && cfg.faults.coalesce > 1 &&
	    s->held < cfg.faults.coalesce)
		return;
	if (flush_out(s))
		end(s, "write-error");
}

/* "< stat RXB RXP TXB TXP >" from /proc/net/dev, as the daemon does. */
static void send_stat(struct session *s)
{
	unsigned long long v[16] = { 0 };
	char line[512], name[64], buf[160];
	FILE *f = fopen("/proc/net/dev", "r");

	if (!f)
		return;
	/* "  name: rx_bytes rx_packets 6 more, tx_bytes tx_packets ..." */
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *p, *tok;
		int i = 0;

		if (!colon)
			continue;
		*colon = '\0';
		p = line + strspn(line, " ");
		snprintf(name, sizeof(name), "%s", p);
		if (strcmp(name, s->bus))
			continue;
		for (tok = strtok(colon + 1, " \n"); tok && i < 16;
		     tok = strtok(NULL, " \n"))
			v[i++] = strtoull(tok, NULL, 10);
		/* v[0], v[1] rx bytes/packets; v[8], v[9] tx bytes/packets */
		v[2] = v[8];
		v[3] = v[9];
		break;
	}
	fclose(f);
	snprintf(buf, sizeof(buf), "< stat %llu %llu %llu %llu >", v[0], v[1],
		 v[2], v[3]);
	reply(s, buf);
}

int session_run(int fd, long index, bool faulty)
{
	struct session s = { .fd = fd, .can = -1, .faulty = faulty };

	s.st.index = index;
	signal(SIGUSR1, on_usr1);
	if (faulty && cfg.faults.slow_handshake_ms)
		sleep_ms(cfg.faults.slow_handshake_ms);
	if (reply(&s, "< hi >"))
		end(&s, "write-error");

	for (;;) {
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { s.can, POLLIN, 0 } };
		long long now = now_ms();
		int timeout = 50, ready;

		if (snapshot_wanted) {
			snapshot_wanted = 0;
			write_stats(&s, "snapshot");
		}
		if (s.mode == RAW && faulty) {
			long long since = now - s.raw_since_ms;

			if (cfg.faults.close_after_ms &&
			    since >= cfg.faults.close_after_ms)
				end(&s, "close-after-ms");
			if (cfg.faults.stall_ms && !s.stalled_once &&
			    since >= cfg.faults.stall_start_ms) {
				s.stalled_once = true;
				logmsg("stalling for %ld ms", cfg.faults.stall_ms);
				sleep_ms(cfg.faults.stall_ms);
			}
		}
		if (s.mode == CONTROL && s.stat_ms > 0 && now >= s.next_stat_ms) {
			s.next_stat_ms = now + s.stat_ms;
			send_stat(&s);
		}
		/* 0.6.1: the next waiting element before any poll or frame */
		if (cfg.daemon_io && element_waiting(&s)) {
			next_element(&s);
			continue;
		}
		ready = poll(p, s.can >= 0 ? 2 : 1, timeout);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			end(&s, "poll-error");
		}
		/* Coalescing holds frames only while more keep coming. */
		if (!ready && s.held && flush_out(&s))
			end(&s, "write-error");
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
			handle_input(&s);
		if (s.can >= 0 && (p[1].revents & POLLIN))
			handle_can(&s);
	}
}
