/*
 * signals.h - private: holding the signals that end a tool (^C, kill,
 * hangup: SIGINT, SIGTERM, SIGHUP) while work that must clean up after
 * itself is under way (scratch databases, temporary files, children).
 * The work looks for one pending at its own safe points, cleans up,
 * restores the old mask, and the signal then takes its usual course.
 */
#ifndef DBREV_SIGNALS_H
#define DBREV_SIGNALS_H

#include <signal.h>

/* Block the three; the mask before in *old. */
void	 dbrev_signals_hold(sigset_t *old);

/* The first of the three pending that *old did not block, or 0. */
int	 dbrev_signals_pending(const sigset_t *old);

#endif /* DBREV_SIGNALS_H */
