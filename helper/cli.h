/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands of rcand(8), one file each (cli_*.c), dispatched from the
 * table in main.c, and what they share (cli_common.c).
 */
#ifndef RCAND_CLI_H
#define RCAND_CLI_H

#include <stdint.h>

#include "beacon.h"
#include "genl.h"

int cmd_attach(int argc, char **argv);
int cmd_discover(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_serve(int argc, char **argv); /* serve.c */
/* rcand list --serve: the clients of rcand serve (cli_serve_list.c) */
int cli_serve_list(const char *path, int json);

/* A number option, at least min: 0, or -1 after saying
 * "rcand: bad WHAT 'S'". */
int cli_u32(const char *s, uint32_t *out, const char *what, uint32_t min);
/* The usage text to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *usage);
/* Open the rcan family; 0 or the exit code (after saying why). */
int cli_open(struct rnl *n);
/* The one beacon receive loop (see beacon_listen_for); 0 when fn
 * stopped it, 1 when the time was over, or -1 after saying why not. */
int cli_beacons(uint32_t wait_ms, int (*fn)(const struct beacon *b, void *arg),
		void *arg);

#endif
