/* SPDX-License-Identifier: GPL-2.0 */
/* A JSON string writer, enough for names and URLs. */
#ifndef RCAND_JSON_H
#define RCAND_JSON_H

#include <stdio.h>

void json_str(FILE *f, const char *s);

#endif
