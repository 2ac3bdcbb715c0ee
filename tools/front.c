/*
 * front.c - the front end the four tools share (front.h).
 */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "dbrev/error.h"

#include "front.h"

/* Long enough for a message, its file:line and its hint. */
#define MESSAGE_MAX	8192

void (*front_before_message)(void);

void
usage_error(const char *fmt, ...)
{
	va_list ap;

	if (front_before_message != NULL)
		front_before_message();
	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	usage(stderr, 2);
}

void
fail(struct dbrev_error *e)
{
	char buf[MESSAGE_MAX];
	const struct dbrev_error *p;
	int status = dbrev_error_exit_status(e);

	if (front_before_message != NULL)
		front_before_message();
	for (p = e; p != NULL && p->kind != DBREV_ERR_NONE; p = p->next)
		warnx("%s", dbrev_error_format(p, buf, sizeof buf));
	dbrev_error_clear(e);
	exit(status);
}

void
version(const char *tool)
{
	printf("%s dbrev %s\n", tool, DBREV_VERSION);
	exit(0);
}

void
stdout_done(void)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
}
