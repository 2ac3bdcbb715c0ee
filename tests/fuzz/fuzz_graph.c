/*
 * fuzz_graph.c - libFuzzer target for the directory and graph loader.
 *
 * The input is several revision files separated by lines "%%".  They
 * are parsed and built into a graph; when the input's size is a multiple
 * of 4 they are also written into a temporary versions/ directory and
 * loaded with dbrev_graph_load, which must agree.  On a valid graph it checks the
 * apply order, lookups, and that every plan keeps the applied set
 * closed and runs each revision after (or, reverting, before) the ones
 * it rests on; repeatables stay out of the chain (no parents, named by
 * no versioned revision) and run after the repeatables they depend on.
 * Built and run by `make fuzz`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbrev/graph.h"

#define MAXFILES 48

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	dir[256];

static void
cleanup(void)
{
	char path[300];
	int i;

	for (i = 0; i < MAXFILES; i++) {
		snprintf(path, sizeof path, "%s/versions/%02d.sql", dir, i);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/versions", dir);
	rmdir(path);
	rmdir(dir);
}

/* Does revision r rest on id (parent or dependency)? */
static int
rests_on(const struct dbrev_revision *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nparents; i++)
		if (strcmp(r->parents[i], id) == 0)
			return 1;
	for (i = 0; i < r->ndepends; i++)
		if (strcmp(r->depends[i], id) == 0)
			return 1;
	return 0;
}

/* Run a plan on the set, checking each step's order; then the set. */
static int
run_plan(const struct dbrev_graph *g, struct dbrev_revset *s,
    enum dbrev_direction dir_, const char *target)
{
	struct dbrev_plan p;
	struct dbrev_error e;
	const struct dbrev_revision *r, *q;
	size_t k, j, n = dbrev_graph_count(g);

	dbrev_error_init(&e);
	if (dbrev_graph_plan(g, s, dir_, target, &p, &e) != 0) {
		if (!dbrev_error_isset(&e) || p.nsteps != 0)
			abort();
		dbrev_error_clear(&e);
		return -1;
	}
	for (k = 0; k < p.nsteps; k++) {
		if (p.steps[k] >= n)
			abort();
		r = dbrev_graph_at(g, p.steps[k]);
		if (dir_ == DBREV_UPGRADE) {
			if (s->in[p.steps[k]])
				abort();
			for (j = 0; j < n; j++)
				if (!s->in[j] &&
				    rests_on(r, dbrev_graph_at(g, j)->id))
					abort();
			s->in[p.steps[k]] = 1;
		} else {
			if (!s->in[p.steps[k]] || !r->has_downgrade)
				abort();
			for (j = 0; j < n; j++) {
				q = dbrev_graph_at(g, j);
				if (s->in[j] && j != p.steps[k] &&
				    rests_on(q, r->id))
					abort();
			}
			s->in[p.steps[k]] = 0;
		}
	}
	dbrev_plan_free(&p);
	if (dbrev_graph_check_applied(g, s, &e) != 0)
		abort();
	return 0;
}

/* Repeatables: out of the chain, each after those it depends on. */
static void
check_repeatables(const struct dbrev_graph *g)
{
	const struct dbrev_revision *r;
	size_t i, j, n = dbrev_graph_nrepeatable(g);
	long x;

	for (i = 0; i < n; i++) {
		r = dbrev_graph_repeatable(g, i);
		if (!r->repeatable || r->nparents != 0 || !r->transactional ||
		    r->has_downgrade ||
		    dbrev_graph_repeatable_index(g, r->id) != (long)i ||
		    dbrev_graph_index(g, r->id) != -1)
			abort();
		for (j = 0; j < r->ndepends; j++) {
			x = dbrev_graph_repeatable_index(g, r->depends[j]);
			if (x >= (long)i || (x < 0 &&
			    dbrev_graph_index(g, r->depends[j]) < 0))
				abort();
		}
	}
	for (i = 0; i < dbrev_graph_count(g); i++) {
		r = dbrev_graph_at(g, i);
		if (r->repeatable)
			abort();
		for (j = 0; j < r->nparents; j++)
			if (dbrev_graph_repeatable_index(g, r->parents[j]) >= 0)
				abort();
		for (j = 0; j < r->ndepends; j++)
			if (dbrev_graph_repeatable_index(g, r->depends[j]) >= 0)
				abort();
	}
}

static void
exercise(const struct dbrev_graph *g, const uint8_t *data, size_t size)
{
	static const char *up[] = { "head", "heads", "base", "+1", "+2",
	    "-1", "+0", "+999", "x" };
	static const char *down[] = { "-1", "-2", "base", "head", "heads",
	    "+1", "-999" };
	struct dbrev_revset s;
	struct dbrev_error e;
	const struct dbrev_revision *r;
	size_t n = dbrev_graph_count(g), i, j, len, *out;
	char prefix[DBREV_ID_MAX + 1];
	long x;

	dbrev_error_init(&e);
	check_repeatables(g);
	out = malloc((n ? n : 1) * sizeof(*out));
	/* Apply order: parents and depends come first. */
	for (i = 0; i < n; i++) {
		r = dbrev_graph_at(g, i);
		if (dbrev_graph_index(g, r->id) != (long)i ||
		    dbrev_graph_find(g, r->id) != r)
			abort();
		for (j = 0; j < r->nparents; j++)
			if (dbrev_graph_index(g, r->parents[j]) >= (long)i)
				abort();
		for (j = 0; j < r->ndepends; j++)
			if (dbrev_graph_index(g, r->depends[j]) >= (long)i)
				abort();
		/* Every prefix resolves to a matching id, or fails. */
		len = strlen(r->id);
		for (j = 1; j <= len; j++) {
			memcpy(prefix, r->id, j);
			prefix[j] = '\0';
			x = dbrev_graph_lookup(g, prefix, &e);
			if (x < 0) {
				if (j == len || !dbrev_error_isset(&e))
					abort();
				dbrev_error_clear(&e);
			} else if (strncmp(dbrev_graph_at(g, (size_t)x)->id,
			    prefix, j) != 0)
				abort();
		}
	}
	if (dbrev_graph_heads(g, out) > n || dbrev_graph_bases(g, out) > n)
		abort();

	/* Start from the closure of one revision the input picks. */
	dbrev_revset_init(&s, g);
	if (n > 0) {
		i = size > 0 ? data[size - 1] % n : 0;
		if (dbrev_graph_closure(g, dbrev_graph_at(g, i)->id, &s,
		    &e) != 0)
			abort();
		if (dbrev_graph_current(g, &s, out) > n)
			abort();
	}
	for (i = 0; i < sizeof(up) / sizeof(up[0]); i++)
		run_plan(g, &s, DBREV_UPGRADE, up[i]);
	for (i = 0; i < sizeof(down) / sizeof(down[0]); i++)
		run_plan(g, &s, DBREV_DOWNGRADE, down[i]);
	for (i = 0; i < n; i++) {
		run_plan(g, &s, DBREV_UPGRADE, dbrev_graph_at(g, i)->id);
		run_plan(g, &s, DBREV_DOWNGRADE, dbrev_graph_at(g, n - 1 - i)->id);
	}
	if (run_plan(g, &s, DBREV_DOWNGRADE, "base") == 0)
		for (i = 0; i < n; i++)
			if (s.in[i])
				abort();
	dbrev_revset_free(&s);
	free(out);
}

/* Write the pieces into dir/versions and load it. */
static void
load_dir(char **piece, size_t *plen, size_t np, int build_ok, size_t count)
{
	struct dbrev_graph *g = NULL;
	struct dbrev_error e;
	char path[300];
	size_t i;
	FILE *f;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "%s/fuzz_graph.XXXXXX",
		    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(path, sizeof path, "%s/versions", dir);
		if (mkdir(path, 0755) != 0)
			abort();
		atexit(cleanup);
	}
	for (i = 0; i < MAXFILES; i++) {
		snprintf(path, sizeof path, "%s/versions/%02zu.sql", dir, i);
		if (i >= np) {
			unlink(path);
			continue;
		}
		if ((f = fopen(path, "wb")) == NULL)
			abort();
		if (plen[i] > 0)
			fwrite(piece[i], 1, plen[i], f);
		fclose(f);
	}
	dbrev_error_init(&e);
	if (dbrev_graph_load(dir, DBREV_PARSE_HEADER_ONLY, &g, &e) == 0) {
		if (!build_ok || dbrev_graph_count(g) +
		    dbrev_graph_nrepeatable(g) != count)
			abort();
		dbrev_graph_free(g);
	} else if (!dbrev_error_isset(&e) || g != NULL || build_ok)
		abort();
	dbrev_error_clear(&e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *piece[MAXFILES], path[32];
	size_t plen[MAXFILES], np = 0, i, start = 0, nrev = 0;
	struct dbrev_revision *revs[MAXFILES];
	struct dbrev_graph *g = NULL;
	struct dbrev_error e;
	int bad = 0, rc;

	/* Split on lines "%%". */
	for (i = 0; i <= size && np < MAXFILES; i++) {
		if (i == size || (i + 3 <= size && data[i] == '%' &&
		    data[i + 1] == '%' && data[i + 2] == '\n' &&
		    (i == 0 || data[i - 1] == '\n'))) {
			plen[np] = i - start;
			piece[np] = malloc(plen[np] ? plen[np] : 1);
			memcpy(piece[np], data + start, plen[np]);
			np++;
			start = i + 3;
			i += 2;
		}
	}
	dbrev_error_init(&e);
	for (i = 0; i < np; i++) {
		snprintf(path, sizeof path, "versions/%02zu.sql", i);
		if (dbrev_revision_parse(path, piece[i], plen[i], 0, &revs[nrev],
		    &e) == 0)
			nrev++;
		else
			bad = 1;
	}
	dbrev_error_clear(&e);
	rc = dbrev_graph_build(revs, nrev, &g, &e);
	if (rc == 0) {
		if (dbrev_error_isset(&e) || dbrev_graph_count(g) +
		    dbrev_graph_nrepeatable(g) != nrev)
			abort();
		exercise(g, data, size);
	} else if (g != NULL || !dbrev_error_isset(&e))
		abort();
	dbrev_error_clear(&e);
	if ((size & 3) == 0)
		load_dir(piece, plen, np, rc == 0 && !bad,
		    rc == 0 ? dbrev_graph_count(g) +
		    dbrev_graph_nrepeatable(g) : 0);
	dbrev_graph_free(g);
	for (i = 0; i < np; i++)
		free(piece[i]);
	return 0;
}
