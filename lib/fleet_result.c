/*
 * fleet_result.c - what a fleet run found per database: results as
 * records (they cross a pipe or a run directory, and are read back, never
 * trusted), the progress and report lines, and the summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/fleet.h"

#define RESULT_MAGIC	"dbrev-fleet-result 1"
#define RESULT_MAX	(1u << 20)
#define NAMED_FAILURES	5	/* the summary names this many */

static const char *const verbs[] = { "upgrade", "current", "status", "check" };
static const char *const outcomes[] = { "not-run", "at-head", "upgraded",
    "pending", "failed" };

const char *
dbrev_fleet_verb_name(enum dbrev_fleet_verb v)
{
	return (unsigned)v < 4 ? verbs[v] : "?";
}

int
dbrev_fleet_verb_parse(const char *s, enum dbrev_fleet_verb *v)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, verbs[i]) == 0) {
			*v = (enum dbrev_fleet_verb)i;
			return 0;
		}
	return -1;
}

void
dbrev_fleet_result_free(struct dbrev_fleet_result *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->current);
	free(r->error);
	free(r->reason);
	free(r->backup);
	memset(r, 0, sizeof(*r));
}

/* --- One line per value. --- */

void
dbrev_fleet_escape(struct dbrev_buf *out, const char *s)
{
	const unsigned char *p;

	dbrev_buf_puts(out, "");
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\\')
			dbrev_buf_puts(out, "\\\\");
		else if (*p < 0x20 || *p == 0x7f)
			dbrev_buf_printf(out, "\\x%02x", *p);
		else
			dbrev_buf_add(out, p, 1);
	}
}

static int
lowhex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
dbrev_fleet_unescape(char *s)
{
	char *o = s;
	int v;

	while (*s != '\0') {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return -1;
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		if (s[1] == '\\') {
			*o++ = '\\';
			s += 2;
		} else if (s[1] == 'x' && lowhex(s[2]) >= 0 &&
		    lowhex(s[3]) >= 0) {
			v = lowhex(s[2]) * 16 + lowhex(s[3]);
			/* Only what escape writes: a control byte, not NUL. */
			if (v == 0 || (v >= 0x20 && v != 0x7f))
				return -1;
			*o++ = (char)v;
			s += 4;
		} else
			return -1;
	}
	*o = '\0';
	return 0;
}

/* --- Records. --- */

static unsigned long long
to_us(double ms)
{
	return ms > 0 ? (unsigned long long)(ms * 1000 + 0.5) : 0;
}

static void
put_str(struct dbrev_buf *b, const char *key, const char *v)
{
	dbrev_buf_puts(b, key);
	if (v != NULL) {
		dbrev_buf_puts(b, " ");
		dbrev_fleet_escape(b, v);
	}
	dbrev_buf_puts(b, "\n");
}

void
dbrev_fleet_result_encode(struct dbrev_buf *out,
    const struct dbrev_fleet_result *r)
{
	dbrev_buf_printf(out, RESULT_MAGIC "\nname %s\noutcome %s\n"
	    "applied %zu\npending %zu\nus %llu\nknown %d\n",
	    r->name != NULL ? r->name : "",
	    outcomes[(unsigned)r->outcome <= DBREV_FLEET_FAILED ? r->outcome :
	    0], r->applied, r->pending, to_us(r->ms), r->known != 0);
	put_str(out, "current", r->current);
	put_str(out, "error", r->error);
	put_str(out, "reason", r->reason);
	put_str(out, "backup", r->backup);
}

/* The value of line "key[ value]": NULL for none, "" for a bad line. */
static const char *
value_of(char *line, const char *key, int *ok)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n) != 0 || (line[n] != ' ' && line[n] != '\0')) {
		*ok = 0;
		return NULL;
	}
	return line[n] == ' ' ? line + n + 1 : NULL;
}

static char *
str_of(char *line, const char *key, int *ok)
{
	const char *v = value_of(line, key, ok);
	char *s;

	if (v == NULL)
		return NULL;
	s = dbrev_xstrdup(v);
	if (dbrev_fleet_unescape(s) == -1)
		*ok = 0;
	return s;
}

static unsigned long long
num_of(char *line, const char *key, int *ok)
{
	const char *v = value_of(line, key, ok);
	char *end;
	unsigned long long n;

	if (v == NULL || *v < '0' || *v > '9') {
		*ok = 0;
		return 0;
	}
	n = strtoull(v, &end, 10);
	if (*end != '\0' || strlen(v) > 15)
		*ok = 0;
	return n;
}

/*
 * Parsed loosely, then written again: only text that comes back
 * byte for byte is taken, so nothing but encode's output passes.
 */
int
dbrev_fleet_result_decode(const char *text, size_t len,
    struct dbrev_fleet_result *r)
{
	struct dbrev_buf again = { 0 };
	char *copy, *line[12], *p;
	const char *o;
	unsigned i;
	int ok = 1;

	memset(r, 0, sizeof(*r));
	if (len > RESULT_MAX || memchr(text, '\0', len) != NULL)
		return -1;
	copy = dbrev_xstrndup(text, len);
	for (i = 0, p = copy; i < 12; i++) {
		line[i] = p;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		*p++ = '\0';
	}
	if (i < 11 || strcmp(line[0], RESULT_MAGIC) != 0) {
		free(copy);
		return -1;
	}
	r->name = str_of(line[1], "name", &ok);
	o = value_of(line[2], "outcome", &ok);
	for (i = 0; o != NULL && i <= DBREV_FLEET_FAILED; i++)
		if (strcmp(o, outcomes[i]) == 0)
			break;
	r->outcome = (enum dbrev_fleet_outcome)i;
	ok &= o != NULL && i <= DBREV_FLEET_FAILED;
	r->applied = (size_t)num_of(line[3], "applied", &ok);
	r->pending = (size_t)num_of(line[4], "pending", &ok);
	r->ms = (double)num_of(line[5], "us", &ok) / 1000;
	r->known = (int)num_of(line[6], "known", &ok);
	r->current = str_of(line[7], "current", &ok);
	r->error = str_of(line[8], "error", &ok);
	r->reason = str_of(line[9], "reason", &ok);
	r->backup = str_of(line[10], "backup", &ok);
	free(copy);
	if (ok && r->name != NULL && dbrev_fleet_name_valid(r->name)) {
		dbrev_fleet_result_encode(&again, r);
		ok = again.len == len && memcmp(again.data, text, len) == 0;
		dbrev_buf_free(&again);
	} else
		ok = 0;
	if (!ok) {
		dbrev_fleet_result_free(r);
		return -1;
	}
	return 0;
}

/* --- Lines. --- */

/* s on one line (control characters as \n, \x01: see escape). */
static void
put_line(struct dbrev_buf *out, const char *s)
{
	dbrev_fleet_escape(out, s);
}

void
dbrev_fleet_progress_line(struct dbrev_buf *out, size_t done, size_t total,
    const struct dbrev_fleet_result *r, int verbose)
{
	dbrev_buf_puts(out, "");
	switch (r->outcome) {
	case DBREV_FLEET_UPGRADED:
		dbrev_buf_printf(out, "[%zu/%zu] %s upgraded (%zu revision%s, "
		    "%.0f ms)", done, total, r->name, r->applied,
		    r->applied == 1 ? "" : "s", r->ms);
		break;
	case DBREV_FLEET_FAILED:
		dbrev_buf_printf(out, "[%zu/%zu] %s failed", done, total,
		    r->name);
		if (r->current != NULL) {
			dbrev_buf_puts(out, " at ");
			put_line(out, r->current);
		}
		dbrev_buf_puts(out, ": ");
		put_line(out, r->error != NULL ? r->error : "(no reason given)");
		break;
	case DBREV_FLEET_AT_HEAD:
		if (verbose)
			dbrev_buf_printf(out, "[%zu/%zu] %s at head%s", done,
			    total, r->name, r->known ? " (not opened)" : "");
		break;
	case DBREV_FLEET_PENDING:
		if (verbose)
			dbrev_buf_printf(out, "[%zu/%zu] %s: %zu pending", done,
			    total, r->name, r->pending);
		break;
	case DBREV_FLEET_NOT_RUN:
		break;
	}
}

void
dbrev_fleet_report_line(struct dbrev_buf *out, enum dbrev_fleet_verb v,
    const struct dbrev_fleet_result *r)
{
	dbrev_buf_printf(out, "%s: ", r->name);
	switch (r->outcome) {
	case DBREV_FLEET_FAILED:
		dbrev_buf_puts(out, "failed: ");
		put_line(out, r->reason != NULL ? r->reason : "?");
		return;
	case DBREV_FLEET_NOT_RUN:
		dbrev_buf_puts(out, "not run");
		return;
	default:
		break;
	}
	if (v == DBREV_FLEET_STATUS || v == DBREV_FLEET_CHECK) {
		if (r->outcome != DBREV_FLEET_PENDING) {
			dbrev_buf_puts(out, "at head");
			return;
		}
		dbrev_buf_printf(out, "%zu pending, at ", r->pending);
	}
	put_line(out, r->current != NULL ? r->current : "?");
}

void
dbrev_fleet_count(const struct dbrev_fleet *f,
    const struct dbrev_fleet_result *r, struct dbrev_fleet_counts *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < f->n; i++) {
		if (!f->db[i].selected)
			continue;
		c->selected++;
		switch (r[i].outcome) {
		case DBREV_FLEET_AT_HEAD:
			c->at_head++;
			break;
		case DBREV_FLEET_UPGRADED:
			c->upgraded++;
			break;
		case DBREV_FLEET_PENDING:
			c->pending++;
			break;
		case DBREV_FLEET_FAILED:
			c->failed++;
			break;
		case DBREV_FLEET_NOT_RUN:
			c->not_run++;
			break;
		}
	}
}

static void
count_item(struct dbrev_buf *out, int *first, size_t n, const char *what)
{
	if (n == 0)
		return;
	dbrev_buf_printf(out, "%s%zu %s", *first ? "" : ", ", n, what);
	*first = 0;
}

/* ": t17 at 3f2a (versions/x.sql:12: ...), t18 (...), and 3 more" */
static void
name_failures(struct dbrev_buf *out, const struct dbrev_fleet *f,
    const struct dbrev_fleet_result *r, size_t failed)
{
	size_t i, named = 0;

	for (i = 0; i < f->n && named < NAMED_FAILURES; i++) {
		if (!f->db[i].selected || r[i].outcome != DBREV_FLEET_FAILED)
			continue;
		dbrev_buf_printf(out, "%s%s", named++ ? ", " : ": ", r[i].name);
		if (r[i].current != NULL) {
			dbrev_buf_puts(out, " at ");
			put_line(out, r[i].current);
		}
		dbrev_buf_puts(out, " (");
		put_line(out, r[i].reason != NULL ? r[i].reason : "?");
		dbrev_buf_puts(out, ")");
	}
	if (failed > named)
		dbrev_buf_printf(out, ", and %zu more (above)", failed - named);
}

static int
canary_failed(const struct dbrev_fleet *f, const struct dbrev_fleet_result *r)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->db[i].selected && f->db[i].canary &&
		    r[i].outcome == DBREV_FLEET_FAILED)
			return 1;
	return 0;
}

void
dbrev_fleet_summary(struct dbrev_buf *out, const struct dbrev_fleet *f,
    const struct dbrev_fleet_result *r, enum dbrev_fleet_verb v)
{
	struct dbrev_fleet_counts c;
	int first = 1;

	dbrev_fleet_count(f, r, &c);
	dbrev_buf_puts(out, "fleet: ");
	if (c.selected == 0) {
		dbrev_buf_puts(out, "no database to run");
		return;
	}
	if (v != DBREV_FLEET_UPGRADE)
		dbrev_buf_printf(out, "%zu database%s: ", c.selected,
		    c.selected == 1 ? "" : "s");
	count_item(out, &first, c.at_head, "at head");
	count_item(out, &first, c.upgraded, "upgraded");
	count_item(out, &first, c.pending, "pending");
	count_item(out, &first, c.not_run, canary_failed(f, r) ?
	    "not run (a canary failed)" : c.failed > 0 ?
	    "not run (the run stopped at a failure)" : "not run");
	count_item(out, &first, c.failed, "failed");
	if (c.failed > 0)
		name_failures(out, f, r, c.failed);
}

int
dbrev_fleet_status(const struct dbrev_fleet *f,
    const struct dbrev_fleet_result *r)
{
	struct dbrev_fleet_counts c;

	dbrev_fleet_count(f, r, &c);
	return c.failed > 0 || c.not_run > 0;
}
