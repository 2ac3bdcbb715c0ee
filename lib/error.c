/* error.c - the error chain every libdbrev function reports through. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/error.h"
#include "dbrev/util.h"

void
dbrev_error_init(struct dbrev_error *e)
{
	memset(e, 0, sizeof(*e));
}

static void
entry_free(struct dbrev_error *e)
{
	free(e->file);
	free(e->message);
	free(e->hint);
}

void
dbrev_error_clear(struct dbrev_error *e)
{
	struct dbrev_error *p, *next;

	for (p = e->next; p != NULL; p = next) {
		next = p->next;
		entry_free(p);
		free(p);
	}
	entry_free(e);
	memset(e, 0, sizeof(*e));
}

int
dbrev_error_isset(const struct dbrev_error *e)
{
	return e != NULL && e->kind != DBREV_ERR_NONE;
}

static struct dbrev_error *
last_entry(struct dbrev_error *e)
{
	while (e->next != NULL)
		e = e->next;
	return e;
}

int
dbrev_error_set(struct dbrev_error *e, enum dbrev_error_kind kind,
    const char *file, unsigned line, const char *hint, const char *fmt, ...)
{
	struct dbrev_error *slot;
	va_list ap;
	char *msg;
	int n;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = dbrev_xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	va_end(ap);

	if (e->kind == DBREV_ERR_NONE)
		slot = e;
	else {
		slot = dbrev_xcalloc(1, sizeof(*slot));
		last_entry(e)->next = slot;
	}
	slot->kind = kind == DBREV_ERR_NONE ? DBREV_ERR_RUNTIME : kind;
	slot->file = file != NULL ? dbrev_xstrdup(file) : NULL;
	slot->line = line;
	slot->message = msg;
	slot->hint = hint != NULL ? dbrev_xstrdup(hint) : NULL;
	return -1;
}

void
dbrev_error_hint(struct dbrev_error *e, const char *fmt, ...)
{
	struct dbrev_error *last;
	va_list ap;
	int n;

	if (!dbrev_error_isset(e))
		return;
	last = last_entry(e);
	if (last->hint != NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	last->hint = dbrev_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(last->hint, (size_t)n + 1, fmt, ap);
	va_end(ap);
}

size_t
dbrev_error_count(const struct dbrev_error *e)
{
	size_t n = 0;

	if (!dbrev_error_isset(e))
		return 0;
	for (; e != NULL; e = e->next)
		n++;
	return n;
}

char *
dbrev_error_format(const struct dbrev_error *e, char *buf, size_t size)
{
	size_t off = 0;
	int n;

	if (size == 0)
		return buf;
	buf[0] = '\0';
#define PUT(...) do { \
	n = snprintf(buf + off, size - off, __VA_ARGS__); \
	if (n < 0 || (size_t)n >= size - off) return buf; \
	off += (size_t)n; \
} while (0)
	if (e->file != NULL && e->line > 0)
		PUT("%s:%u: ", e->file, e->line);
	else if (e->file != NULL)
		PUT("%s: ", e->file);
	PUT("%s", e->message != NULL ? e->message : "unknown error");
	if (e->hint != NULL && e->hint[0] != '\0')
		PUT("; %s", e->hint);
#undef PUT
	return buf;
}

int
dbrev_error_exit_status(const struct dbrev_error *e)
{
	for (; e != NULL; e = e->next)
		if (e->kind == DBREV_ERR_INPUT)
			return 2;
	return 1;
}
