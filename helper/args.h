/* SPDX-License-Identifier: GPL-2.0 */
/* Numbers on the command line, parsed strictly. Pure. */
#ifndef RCAND_ARGS_H
#define RCAND_ARGS_H

#include <stdint.h>

/* A decimal u32, nothing before or after it. 0 or -1. */
int args_u32(const char *s, uint32_t *out);

/* --backoff MIN:MAX in ms, 1 <= MIN <= MAX <= one hour. 0 or -1. */
int args_backoff(const char *s, uint32_t *min_ms, uint32_t *max_ms);

#endif
