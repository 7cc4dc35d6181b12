/* SPDX-License-Identifier: GPL-2.0 */
/* Numbers on the command line, parsed strictly. Pure. */
#ifndef RCAND_ARGS_H
#define RCAND_ARGS_H

#include <stdint.h>

/* A decimal u32, nothing before or after it. 0 or -1. */
int args_u32(const char *s, uint32_t *out);

/* --backoff MIN:MAX in ms, 1 <= MIN <= MAX <= one hour. 0 or -1. */
int args_backoff(const char *s, uint32_t *min_ms, uint32_t *max_ms);

/* --bitrate N[,D]: the nominal and the CAN FD data bit rate (D 0 when
 * not given), each 1..CAN's 20 Mbit/s at most (typos like an extra 0
 * are refused). 0 or -1. */
int args_bitrate(const char *s, uint32_t *bitrate, uint32_t *dbitrate);

#endif
