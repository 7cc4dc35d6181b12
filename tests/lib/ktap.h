/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP for rcan's C test programs, as tests/lib/ktap.sh is for the shell
 * ones:
 *   ktap_plan(3);
 *   ktap_result(ok, "the link comes up");   "ok 1 ..." or "not ok 1 ..."
 *   ktap_skip("no CAN FD", "FD frames");    "ok 2 FD frames # SKIP no CAN FD"
 *   ktap_diag("%d frames", n);              "# 12 frames"
 *   return ktap_finish();                   0 when nothing failed, else 1
 * and checks that say what failed, for code that finds out step by step
 * whether something holds (a forked child, a helper a test calls):
 *   if (!KTAP_CHECK_EQ(-EPERM, err)) ...    "# file.c:12: -EPERM == err:
 *                                            -1 != -95" when they differ
 *   KTAP_CHECK(s >= 0);                     "# file.c:13: failed: s >= 0"
 *   _exit(ktap_check_status());             0, or how many checks failed
 * A check is true when it holds, so checks chain with && and stop at the
 * first that fails. The kselftest programs (kselftest_harness.h) keep the
 * harness's own KTAP for their cases and use the checks inside them.
 *
 * Everything goes to stdout and is flushed at once: a child that leaves
 * with _exit() loses nothing, and one forked later repeats nothing.
 */
#ifndef RCAN_TEST_KTAP_H
#define RCAN_TEST_KTAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

struct ktap_state {
	int n; /* results printed */
	int failed; /* "not ok" among them */
	int checks_failed; /* KTAP_CHECK*() that did not hold */
};

/* One per program (each test program is one file). */
static inline struct ktap_state *ktap_state(void)
{
	static struct ktap_state s;

	return &s;
}

static inline void ktap_vline(const char *pre, const char *fmt, va_list ap,
			      const char *post)
{
	fputs(pre, stdout);
	vprintf(fmt, ap);
	fputs(post, stdout);
	fflush(stdout);
}

static inline void ktap_plan(int n)
{
	printf("TAP version 13\n1..%d\n", n);
	fflush(stdout);
}

__attribute__((format(printf, 1, 2))) static inline void
ktap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ktap_vline("# ", fmt, ap, "\n");
	va_end(ap);
}

/* "ok N DESCRIPTION" when @ok, else "not ok N DESCRIPTION". */
__attribute__((format(printf, 2, 3))) static inline void
ktap_result(bool ok, const char *fmt, ...)
{
	struct ktap_state *s = ktap_state();
	char pre[32];
	va_list ap;

	s->n++;
	if (!ok)
		s->failed++;
	snprintf(pre, sizeof(pre), "%s %d ", ok ? "ok" : "not ok", s->n);
	va_start(ap, fmt);
	ktap_vline(pre, fmt, ap, "\n");
	va_end(ap);
}

/* "ok N DESCRIPTION # SKIP REASON" */
__attribute__((format(printf, 2, 3))) static inline void
ktap_skip(const char *reason, const char *fmt, ...)
{
	struct ktap_state *s = ktap_state();
	char pre[32];
	va_list ap;

	s->n++;
	snprintf(pre, sizeof(pre), "ok %d ", s->n);
	va_start(ap, fmt);
	ktap_vline(pre, fmt, ap, "");
	va_end(ap);
	printf(" # SKIP %s\n", reason);
	fflush(stdout);
}

/* The exit status: 0 when no result failed, else 1 (kselftest's). */
static inline int ktap_finish(void)
{
	return ktap_state()->failed ? 1 : 0;
}

static inline bool ktap_check_(bool ok, const char *file, int line,
			       const char *expr)
{
	if (!ok) {
		ktap_state()->checks_failed++;
		ktap_diag("%s:%d: failed: %s", file, line, expr);
	}
	return ok;
}

static inline bool ktap_check_eq_(long long want, long long got,
				  const char *file, int line,
				  const char *want_expr, const char *got_expr)
{
	if (want == got)
		return true;
	ktap_state()->checks_failed++;
	ktap_diag("%s:%d: %s == %s: %lld != %lld", file, line, want_expr,
		  got_expr, want, got);
	return false;
}

/* True when @cond holds; otherwise counted and shown as a diagnostic. */
#define KTAP_CHECK(cond) ktap_check_(!!(cond), __FILE__, __LINE__, #cond)
/* True when @want == @got (as integers); otherwise both values shown. */
#define KTAP_CHECK_EQ(want, got)                                      \
	ktap_check_eq_((long long)(want), (long long)(got), __FILE__, \
		       __LINE__, #want, #got)

/* For a child's exit status: 0, or how many checks failed (up to 100). */
static inline int ktap_check_status(void)
{
	int n = ktap_state()->checks_failed;

	return n > 100 ? 100 : n;
}

#endif /* RCAN_TEST_KTAP_H */
