// SPDX-License-Identifier: GPL-2.0
/* The protocol's lexical pieces (proto_lex.h). */
#include "proto_lex.h"

const char proto_lex_hex[17] = "0123456789ABCDEF";

int proto_lex_hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

int proto_lex_fd_len_valid(unsigned int len)
{
	return len <= 8 || len == 12 || len == 16 || len == 20 || len == 24 ||
	       len == 32 || len == 48 || len == 64;
}
