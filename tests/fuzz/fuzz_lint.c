/*
 * fuzz_lint.c - libFuzzer target for the lint (dbrev/lint.h).
 *
 * The input is the upgrade section of two revisions in a row (so the
 * second sees what the first built), linted for both databases, and a
 * lint.conf.  What must hold on every input: no crash; every finding is
 * of a rule of its database, at a level that reports, with a message
 * and a hint, at a line inside its revision's upgrade section; linting
 * twice finds the same; every lint.conf error has the file, a line in
 * the text and a hint.  Built and run by `make fuzz`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/graph.h"
#include "dbrev/lint.h"
#include "dbrev/revision.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A chain of two revisions whose upgrade is the input, or NULL. */
static struct dbrev_graph *
two_revisions(const uint8_t *data, size_t size, unsigned *lines)
{
	static const char *const head[2] = { "-- revision: a\n\n-- +upgrade\n",
	    "-- revision: b\n-- parents: a\n-- transaction: none\n\n"
	    "-- +upgrade\n" };
	struct dbrev_revision *revs[2];
	struct dbrev_graph *g = NULL;
	struct dbrev_error e;
	size_t i, k, hl;
	char *text;

	dbrev_error_init(&e);
	*lines = 1;
	for (k = 0; k < size; k++)
		*lines += data[k] == '\n';
	for (i = 0; i < 2; i++) {
		hl = strlen(head[i]);
		text = malloc(hl + size + 1);
		memcpy(text, head[i], hl);
		if (size > 0)
			memcpy(text + hl, data, size);
		if (dbrev_revision_parse(i ? "v/b.sql" : "v/a.sql", text,
		    hl + size, 0, &revs[i], &e) == -1) {
			free(text);
			if (i == 1)
				dbrev_revision_free(revs[0]);
			dbrev_error_clear(&e);
			return NULL;	/* not a revision: NUL, bad UTF-8 */
		}
		free(text);
	}
	if (dbrev_graph_build(revs, 2, &g, &e) == -1)
		abort();
	return g;
}

static void
check_findings(const struct dbrev_graph *g, enum dbrev_dialect d,
    unsigned lines, const struct dbrev_lint_result *r)
{
	const struct dbrev_lint_finding *f;
	const struct dbrev_lint_rule_info *info;
	const struct dbrev_revision *rev;
	size_t i, k, errors = 0;

	for (i = 0; i < r->nfindings; i++) {
		f = &r->findings[i];
		for (k = 0; (info = dbrev_lint_rule(d, k)) != NULL; k++)
			if (strcmp(info->name, f->rule) == 0)
				break;
		if (info == NULL || f->message == NULL || f->hint == NULL ||
		    f->message[0] == '\0' || (f->level != DBREV_LINT_ERROR &&
		    f->level != DBREV_LINT_WARNING))
			abort();
		errors += f->level == DBREV_LINT_ERROR;
		rev = dbrev_graph_at(g, strcmp(f->file, "v/a.sql") == 0 ? 0 : 1);
		if (strcmp(f->file, rev->path) != 0 ||
		    f->line < rev->upgrade_line ||
		    f->line >= rev->upgrade_line + lines)
			abort();
	}
	if (errors != r->nerrors || r->nfindings != r->nerrors + r->nwarnings ||
	    r->nrevisions != 2)
		abort();
}

static void
lint_twice(const struct dbrev_graph *g, enum dbrev_dialect d, unsigned lines)
{
	struct dbrev_lint_result r1, r2;
	struct dbrev_error e;
	size_t i;

	dbrev_error_init(&e);
	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	if (dbrev_lint_graph(g, NULL, d, NULL, &r1, &e) == -1 ||
	    dbrev_lint_graph(g, NULL, d, NULL, &r2, &e) == -1)
		abort();
	check_findings(g, d, lines, &r1);
	if (r1.nfindings != r2.nfindings)
		abort();
	for (i = 0; i < r1.nfindings; i++)
		if (r1.findings[i].line != r2.findings[i].line ||
		    strcmp(r1.findings[i].message, r2.findings[i].message) != 0)
			abort();
	dbrev_lint_result_free(&r1);
	dbrev_lint_result_free(&r2);
}

static void
config(const uint8_t *data, size_t size, unsigned lines)
{
	struct dbrev_lint_config *c = NULL;
	struct dbrev_error e;
	const struct dbrev_error *p;
	int rc;

	dbrev_error_init(&e);
	rc = dbrev_lint_config_parse("lint.conf", (const char *)data, size,
	    DBREV_DIALECT_SQLITE, &c, &e);
	if ((rc == 0) != (c != NULL) || (rc == 0) == dbrev_error_isset(&e))
		abort();
	for (p = rc == 0 ? NULL : &e; p != NULL; p = p->next)
		if (p->file == NULL || strcmp(p->file, "lint.conf") != 0 ||
		    p->line == 0 || p->line > lines || p->hint == NULL ||
		    p->kind != DBREV_ERR_INPUT)
			abort();
	dbrev_lint_config_free(c);
	dbrev_error_clear(&e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbrev_graph *g;
	unsigned lines;
	uint8_t *copy;

	/* A copy of exactly size bytes, so ASan sees any overread. */
	copy = malloc(size ? size : 1);
	if (size > 0)
		memcpy(copy, data, size);
	g = two_revisions(copy, size, &lines);
	if (g != NULL) {
		lint_twice(g, DBREV_DIALECT_SQLITE, lines);
		if (dbrev_lint_nrules(DBREV_DIALECT_POSTGRES) > 0)
			lint_twice(g, DBREV_DIALECT_POSTGRES, lines);
		dbrev_graph_free(g);
	}
	config(copy, size, lines);
	free(copy);
	return 0;
}
