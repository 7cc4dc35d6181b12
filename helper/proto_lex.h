/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The protocol's lexical pieces, one implementation for its users: the
 * client's parser and formatter (proto_parse.c, proto_format.c), the
 * server's (proto_cmd.c, proto_elem.c), and the rcan extension's, both
 * ends (proto_ext.c). The server's command reader converts with sscanf on
 * purpose, as the daemon does (proto_cmd.c); everything rcand reads, and
 * the extension's elements in both directions, is read strictly here.
 */
#ifndef RCAND_PROTO_LEX_H
#define RCAND_PROTO_LEX_H

#include <stddef.h>
#include <stdint.h>

/* upper-case digits, as the daemon prints them */
extern const char proto_lex_hex[17];

/* the value of one hex digit (either case), or -1 */
int proto_lex_hexval(char ch);

/* a CAN FD data length: 0..8, 12, 16, 20, 24, 32, 48, 64 */
int proto_lex_fd_len_valid(unsigned int len);

/*
 * s[0..n) as decimal: 1 to max_digits digits (no sign, no space, no 0x),
 * value at most max. 0, or -1 (then *out is untouched).
 */
int proto_lex_dec(const char *s, size_t n, size_t max_digits, uint64_t max,
		  uint64_t *out);

/* A timestamp's shape: SEC "." FRACTION, by who writes it. */
enum proto_lex_ts {
	/* a frame's receive time, the daemon's %ld.%06ld and what forks
	 * print: 1 to 9 fraction digits, seconds 1 to 19 digits */
	PROTO_LEX_TS_FRAME,
	/* a verdict's (`< sent N SEC.USEC >`), only rcand serve writes it:
	 * exactly 6 fraction digits, seconds 1 to 11 digits */
	PROTO_LEX_TS_VERDICT,
};

/*
 * s[0..n) as SEC.FRACTION into ns since the epoch; seconds past
 * 18000000000 (the year 2540, where ns leave a u64) are refused.
 * 0, or -1 (then *ns is untouched).
 */
int proto_lex_ts(const char *s, size_t n, enum proto_lex_ts kind, uint64_t *ns);

#endif
