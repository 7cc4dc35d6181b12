// SPDX-License-Identifier: GPL-2.0
/* Requests sent without waiting, for their late refusals (sentlog.h). */
#include <string.h>

#include "sentlog.h"

void sentlog_init(struct sentlog *l)
{
	memset(l, 0, sizeof(*l));
}

void sentlog_add(struct sentlog *l, uint32_t seq, int cmd, uint32_t frames)
{
	unsigned int i = l->pos++ % SENTLOG_SIZE;

	l->seq[i] = seq;
	l->cmd[i] = (uint8_t)cmd;
	l->frames[i] = frames;
	if (l->used < SENTLOG_SIZE)
		l->used++;
}

int sentlog_find(const struct sentlog *l, uint32_t seq, int *cmd,
		 uint32_t *frames)
{
	unsigned int k;

	/* newest first: a sequence number reused after a wrap is the new one */
	for (k = 1; k <= l->used; k++) {
		unsigned int i = (l->pos - k) % SENTLOG_SIZE;

		if (l->seq[i] == seq) {
			*cmd = l->cmd[i];
			*frames = l->frames[i];
			return 1;
		}
	}
	*cmd = 0;
	*frames = 0;
	return 0;
}
