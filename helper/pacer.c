// SPDX-License-Identifier: GPL-2.0
/* TX bursts at the bus's bit rate; see pacer.h. */
#include <string.h>

#include "pacer.h"

void pacer_init(struct pacer *p, uint32_t remote_queue)
{
	memset(p, 0, sizeof(*p));
	if (!remote_queue)
		remote_queue = PACER_QUEUE_DEFAULT;
	p->burst_max = remote_queue / 2 ? remote_queue / 2 : 1;
}

void pacer_set_bitrate(struct pacer *p, uint32_t bitrate, uint32_t dbitrate)
{
	p->bitrate = bitrate;
	p->dbitrate = dbitrate;
}

void pacer_set_rate(struct pacer *p, uint32_t frames_per_s)
{
	p->rate = frames_per_s;
}

int pacer_on(const struct pacer *p)
{
	return p->bitrate || p->rate;
}

uint32_t pacer_room(const struct pacer *p, uint64_t now_ns)
{
	if (!pacer_on(p))
		return 1;
	if (!p->burst_n && now_ns < p->next_ns)
		return 0;
	return p->burst_max - p->burst_n;
}

void pacer_add(struct pacer *p, struct canbits b)
{
	uint64_t ns = 0;

	if (!pacer_on(p))
		return;
	if (p->bitrate)
		ns = canbits_ns(b, p->bitrate, p->dbitrate);
	/* rounded up: never faster than asked */
	if (p->rate && ns < (1000000000ULL + p->rate - 1) / p->rate)
		ns = (1000000000ULL + p->rate - 1) / p->rate;
	p->burst_ns += ns;
	p->burst_n++;
}

void pacer_burst_sent(struct pacer *p, uint64_t now_ns, uint64_t ready_ns)
{
	uint64_t due = ready_ns > p->next_ns ? ready_ns : p->next_ns;

	if (!p->burst_n)
		return;
	p->bursts++;
	if (p->next_ns && now_ns > due)
		p->idle_ns += now_ns - due;
	/* From the later of now and the planned time: a late burst earns no
	 * credit, as catching up would put two bursts in the queue at once. */
	p->next_ns = (now_ns > p->next_ns ? now_ns : p->next_ns) + p->burst_ns;
	/* the mean over about 8 bursts: frames differ in length */
	if (p->frame_ns)
		p->frame_ns = (7 * p->frame_ns + p->burst_ns / p->burst_n) / 8;
	else
		p->frame_ns = p->burst_ns / p->burst_n;
	p->burst_ns = 0;
	p->burst_n = 0;
}

uint32_t pacer_inflight_max(const struct pacer *p, uint32_t min_rtt_us)
{
	uint64_t path;

	if (!pacer_on(p) || !p->frame_ns || !min_rtt_us)
		return UINT32_MAX;
	path = ((uint64_t)min_rtt_us * 1000ULL * 5 / 4 + p->frame_ns - 1) /
	       p->frame_ns;
	return path + p->burst_max > UINT32_MAX ?
		       UINT32_MAX :
		       (uint32_t)(path + p->burst_max);
}

uint64_t pacer_wait_ns(const struct pacer *p, uint64_t now_ns)
{
	if (!pacer_on(p) || p->burst_n || now_ns >= p->next_ns)
		return 0;
	return p->next_ns - now_ns;
}
