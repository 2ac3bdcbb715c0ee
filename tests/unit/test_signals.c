/*
 * test_signals.c - holding the signals that end a tool (lib/signals.h):
 * a held signal is reported pending, one the caller had blocked itself
 * is not ours to act on, and nothing is delivered while held.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>

#include <cmocka.h>

#include "../../lib/signals.h"

/* Take a pending sig out of the process, so that it is never delivered. */
static void
consume(int sig)
{
	sigset_t one;
	int got;

	sigemptyset(&one);
	sigaddset(&one, sig);
	assert_int_equal(sigwait(&one, &got), 0);
	assert_int_equal(got, sig);
}

static void
test_held_and_pending(void **state)
{
	sigset_t old, now;

	(void)state;
	dbrev_signals_hold(&old);
	sigprocmask(SIG_SETMASK, NULL, &now);
	assert_true(sigismember(&now, SIGINT));
	assert_true(sigismember(&now, SIGTERM));
	assert_true(sigismember(&now, SIGHUP));
	assert_int_equal(dbrev_signals_pending(&old), 0);
	raise(SIGHUP);
	assert_int_equal(dbrev_signals_pending(&old), SIGHUP);
	consume(SIGHUP);
	assert_int_equal(dbrev_signals_pending(&old), 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void
test_blocked_before_is_not_ours(void **state)
{
	sigset_t mine, old, before;

	(void)state;
	sigemptyset(&mine);
	sigaddset(&mine, SIGTERM);
	sigprocmask(SIG_BLOCK, &mine, &before);
	dbrev_signals_hold(&old);
	raise(SIGTERM);
	assert_int_equal(dbrev_signals_pending(&old), 0);
	raise(SIGINT);
	assert_int_equal(dbrev_signals_pending(&old), SIGINT);
	consume(SIGINT);
	consume(SIGTERM);
	sigprocmask(SIG_SETMASK, &before, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_held_and_pending),
		cmocka_unit_test(test_blocked_before_is_not_ours),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
