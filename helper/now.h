/* SPDX-License-Identifier: GPL-2.0 */
/* The one clock of rcand: monotonic milliseconds. */
#ifndef RCAND_NOW_H
#define RCAND_NOW_H

long now_ms(void);

#endif
