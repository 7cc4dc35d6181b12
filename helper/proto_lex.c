// SPDX-License-Identifier: GPL-2.0
/* The protocol's lexical pieces (proto_lex.h). */
#include <string.h>

#include "proto_lex.h"

/* ns in a u64 end in the year 2540 */
#define TS_SEC_MAX 18000000000ULL

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

int proto_lex_dec(const char *s, size_t n, size_t max_digits, uint64_t max,
		  uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	/* 19 digits always fit a u64; 20 may not */
	if (!n || n > max_digits || n > 19)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int proto_lex_ts(const char *s, size_t n, enum proto_lex_ts kind, uint64_t *ns)
{
	static const struct {
		size_t sec_max, frac_min, frac_max;
	} shape[] = {
		[PROTO_LEX_TS_FRAME] = { 19, 1, 9 },
		[PROTO_LEX_TS_VERDICT] = { 11, 6, 6 },
	};
	const char *dot = memchr(s, '.', n);
	uint64_t sec, frac;
	size_t sn, fn, i;

	if (!dot || (unsigned int)kind >= sizeof(shape) / sizeof(shape[0]))
		return -1;
	sn = (size_t)(dot - s);
	fn = n - sn - 1;
	if (fn < shape[kind].frac_min || fn > shape[kind].frac_max ||
	    proto_lex_dec(s, sn, shape[kind].sec_max, TS_SEC_MAX, &sec) < 0 ||
	    proto_lex_dec(dot + 1, fn, 9, UINT64_MAX, &frac) < 0)
		return -1;
	for (i = fn; i < 9; i++)
		frac *= 10;
	*ns = sec * 1000000000ULL + frac;
	return 0;
}
