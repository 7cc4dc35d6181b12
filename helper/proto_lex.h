/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The protocol's lexical pieces, one implementation for its four users:
 * the client's parser and formatter (proto_parse.c, proto_format.c) and
 * the server's (proto_cmd.c, proto_elem.c).
 */
#ifndef RCAND_PROTO_LEX_H
#define RCAND_PROTO_LEX_H

/* upper-case digits, as the daemon prints them */
extern const char proto_lex_hex[17];

/* the value of one hex digit (either case), or -1 */
int proto_lex_hexval(char ch);

/* a CAN FD data length: 0..8, 12, 16, 20, 24, 32, 48, 64 */
int proto_lex_fd_len_valid(unsigned int len);

#endif
