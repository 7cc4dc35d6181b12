/* SPDX-License-Identifier: GPL-2.0 */
/* The subcommands of rcand(8). */
#ifndef RCAND_CLI_H
#define RCAND_CLI_H

int cmd_attach(int argc, char **argv);
int cmd_discover(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_detach(int argc, char **argv);

#endif
