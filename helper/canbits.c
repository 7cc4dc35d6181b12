// SPDX-License-Identifier: GPL-2.0
/*
 * A frame's bit count with the worst case of bit stuffing.
 *
 * Classic frames (ISO 11898-1, CAN 2.0): Davis, Burns, Bril, Lukkien,
 * "Controller Area Network (CAN) schedulability analysis: Refuted,
 * revisited and revised", Real-Time Systems 35(3), 2007, eq. (2):
 *
 *   C = g + 8s + 13 + floor((g + 8s - 1) / 4)
 *
 * g = 34 (standard id) or 54 (extended id): the bits from SOF to the end
 * of the CRC besides the data, which are the bits subject to stuffing;
 * s the data bytes; 13 = CRC delimiter, ACK slot and delimiter, 7 bits of
 * EOF and 3 of interframe space, never stuffed. Stuffing adds a bit after
 * 5 equal bits, and in the worst case after every 4 more (the stuff bit
 * starts the next run), hence floor((n - 1) / 4) over n stuffable bits.
 * A standard 8-byte frame: 34 + 64 + 13 = 111 bits unstuffed, plus
 * floor(97 / 4) = 24 stuff bits: 135.
 *
 * CAN FD frames (ISO 11898-1:2015): SOF, the id, RRS, IDE, FDF, res and
 * BRS go at the nominal rate (17 bits standard, 36 extended with SRR and
 * the 18 id bits); ESI, DLC and the data at the data rate when BRS is
 * set. Dynamic stuffing covers SOF to the end of the data, worst case as
 * above; the stuff count (4 bits) and the CRC (17 bits up to 16 bytes of
 * data, 21 above) carry fixed stuff bits instead, one before the stuff
 * count and one after every 4 bits: 6 for CRC-17, 7 for CRC-21. Then the
 * same 13 bits at the nominal rate. Of the dynamic stuff bits, those the
 * nominal part can hold in the worst case are counted there, the slower
 * rate, so the sum never understates the time.
 */
#include "canbits.h"

#define EFF_FLAG 0x80000000U
#define RTR_FLAG 0x40000000U
#define TAIL_BITS 13 /* CRC delimiter, ACK, ACK delimiter, EOF, IFS */

static uint32_t stuff_worst(uint32_t n)
{
	return n ? (n - 1) / 4 : 0;
}

static struct canbits classic(int eff, uint32_t data_bits)
{
	uint32_t g = eff ? 54 : 34;
	struct canbits b = { 0, 0 };

	b.nominal = g + data_bits + TAIL_BITS + stuff_worst(g + data_bits);
	return b;
}

static struct canbits fd(int eff, uint32_t data_bits, int brs)
{
	uint32_t head = eff ? 36 : 17; /* SOF .. BRS */
	uint32_t body = 5 + data_bits; /* ESI, DLC, data */
	uint32_t crc = data_bits > 16 * 8 ? 21 : 17;
	uint32_t fixed = 4 + crc + (crc == 21 ? 7 : 6);
	uint32_t s_head = stuff_worst(head);
	uint32_t s_body = stuff_worst(head + body) - s_head;
	uint32_t fast = body + s_body + fixed;
	struct canbits b;

	b.nominal = head + s_head + TAIL_BITS + (brs ? 0 : fast);
	b.data = brs ? fast : 0;
	return b;
}

struct canbits canbits_frame(uint32_t can_id, uint8_t len, int is_fd, int brs)
{
	int eff = !!(can_id & EFF_FLAG);

	if (is_fd)
		return fd(eff, (uint32_t)len * 8, brs);
	/* a remote request has a DLC but no data field */
	return classic(eff, (can_id & RTR_FLAG) ? 0 : (uint32_t)len * 8);
}

uint64_t canbits_ns(struct canbits b, uint32_t bitrate, uint32_t dbitrate)
{
	uint64_t ns;

	if (!bitrate)
		return 0;
	if (!dbitrate)
		dbitrate = bitrate;
	/* rounded up: pacing may be late, never early */
	ns = ((uint64_t)b.nominal * 1000000000ULL + bitrate - 1) / bitrate;
	ns += ((uint64_t)b.data * 1000000000ULL + dbitrate - 1) / dbitrate;
	return ns;
}
