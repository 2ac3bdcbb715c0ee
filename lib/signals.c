/*
 * signals.c - holding the signals that end a tool (signals.h).
 */
#include <signal.h>
#include <stddef.h>

#include "signals.h"

static const int ending[] = { SIGINT, SIGTERM, SIGHUP };

void
dbrev_signals_hold(sigset_t *old)
{
	sigset_t hold;
	size_t i;

	sigemptyset(&hold);
	for (i = 0; i < sizeof(ending) / sizeof(ending[0]); i++)
		sigaddset(&hold, ending[i]);
	sigprocmask(SIG_BLOCK, &hold, old);
}

int
dbrev_signals_pending(const sigset_t *old)
{
	sigset_t p;
	size_t i;

	if (sigpending(&p) == -1)
		return 0;
	for (i = 0; i < sizeof(ending) / sizeof(ending[0]); i++)
		if (sigismember(&p, ending[i]) && !sigismember(old, ending[i]))
			return ending[i];
	return 0;
}
