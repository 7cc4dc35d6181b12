/* SPDX-License-Identifier: GPL-2.0 */
/* rcand's clock: monotonic milliseconds, and microseconds where a round
 * trip or a frame's time on the bus is measured. */
#ifndef RCAND_NOW_H
#define RCAND_NOW_H

#include <stdint.h>

long now_ms(void);
uint64_t now_us(void);

#endif
