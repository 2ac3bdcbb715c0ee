/*
 * front.h - the front end the four tools share (tools/front.c, linked
 * into each): usage errors, a library error chain printed err(3)-style,
 * --version, and the check that stdout got everything.
 *
 * Messages go to stderr as "tool: message" (warnx); exit statuses are
 * the project's: 2 for usage and invalid input, 1 for a failed
 * operation (dbrev_error_exit_status).
 */
#ifndef DBREV_TOOLS_FRONT_H
#define DBREV_TOOLS_FRONT_H

#include <stdio.h>

#include "dbrev/error.h"

/*
 * Each tool defines it: the synopsis on f (and, when f is stdout, the
 * whole --help text), then exit(status).
 */
void	 usage(FILE *f, int status) __attribute__((noreturn));

/*
 * Called before every message fail() and usage_error() print, when set
 * (dbbackup clears its progress line with it).
 */
extern void (*front_before_message)(void);

/* "tool: <fmt>" and the synopsis on stderr; exit 2. */
void	 usage_error(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* Every entry of the error chain, once each; then exit with its status. */
void	 fail(struct dbrev_error *e) __attribute__((noreturn));

/* "tool dbrev VERSION" on stdout; exit 0. */
void	 version(const char *tool) __attribute__((noreturn));

/* stdout flushed, and nothing written to it was lost; else exit 1. */
void	 stdout_done(void);

#endif /* DBREV_TOOLS_FRONT_H */
