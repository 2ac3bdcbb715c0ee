/*
 * graph.c - the revision graph: load a directory, order it, resolve
 * targets and plan upgrades and downgrades.
 *
 * Revisions are kept in apply order (Kahn's algorithm, the ready set a
 * binary heap keyed by id: O(n log n)).  Edges are stored as index
 * arrays (CSR) and ids are found through an open-addressing hash table,
 * so that 100,000 revisions cost a few megabytes beyond the headers.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dbrev/graph.h"

struct dbrev_graph {
	struct dbrev_revision	**revs;		/* in apply order */
	size_t			  n;
	uint32_t		 *pre_off;	/* n + 1: prerequisites of i ... */
	uint32_t		 *pre;		/* ... parents first, then depends */
	uint32_t		 *dep_off;	/* n + 1: revisions resting on i */
	uint32_t		 *dep;
	uint32_t		 *nchild;	/* children through parents */
	uint32_t		 *hash;		/* index + 1; 0 is empty */
	size_t			  hcap;		/* power of two */
	uint32_t		 *sorted;	/* indices sorted by id */
	struct dbrev_revision	**reps;		/* repeatables, in run order */
	size_t			  nreps;
	uint32_t		 *reps_byid;	/* their indices sorted by id */
};

static uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Slot of id in the table: holding it, or the empty one it would take. */
static size_t
hash_slot(uint32_t *tab, size_t cap, struct dbrev_revision **revs,
    const char *id)
{
	size_t i = hash_str(id) & (cap - 1);

	while (tab[i] != 0 && strcmp(revs[tab[i] - 1]->id, id) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

static long
find_index(const struct dbrev_graph *g, const char *id)
{
	size_t i;

	if (g->n == 0)
		return -1;
	i = hash_slot(g->hash, g->hcap, g->revs, id);
	return g->hash[i] != 0 ? (long)g->hash[i] - 1 : -1;
}

/* Min-heap of indices ordered by id (or by file, for repeatables). */
struct heap {
	uint32_t		 *a;
	size_t			  n;
	struct dbrev_revision	**revs;
	int			  by_path;
};

/*
 * Repeatables' file-name order: their paths (one directory) without
 * ".sql", so that a name comes before its extensions (R__view before
 * R__view_2, as Flyway orders descriptions); the id without a path.
 */
static int
path_cmp(const struct dbrev_revision *a, const struct dbrev_revision *b)
{
	const char *x = a->path != NULL ? a->path : a->id;
	const char *y = b->path != NULL ? b->path : b->id;
	size_t n = strlen(x), m = strlen(y);
	int c;

	if (n >= 4 && strcmp(x + n - 4, ".sql") == 0)
		n -= 4;
	if (m >= 4 && strcmp(y + m - 4, ".sql") == 0)
		m -= 4;
	if ((c = memcmp(x, y, n < m ? n : m)) != 0)
		return c;
	return n < m ? -1 : n > m ? 1 : strcmp(a->id, b->id);
}

static int
heap_less(const struct heap *h, uint32_t x, uint32_t y)
{
	if (h->by_path)
		return path_cmp(h->revs[x], h->revs[y]) < 0;
	return strcmp(h->revs[x]->id, h->revs[y]->id) < 0;
}

static void
heap_push(struct heap *h, uint32_t v)
{
	size_t i = h->n++, up;

	while (i > 0) {
		up = (i - 1) / 2;
		if (!heap_less(h, v, h->a[up]))
			break;
		h->a[i] = h->a[up];
		i = up;
	}
	h->a[i] = v;
}

static uint32_t
heap_pop(struct heap *h)
{
	uint32_t top = h->a[0], v = h->a[--h->n];
	size_t i = 0, c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && heap_less(h, h->a[c + 1], h->a[c]))
			c++;
		if (!heap_less(h, h->a[c], v))
			break;
		h->a[i] = h->a[c];
		i = c;
	}
	if (h->n > 0)
		h->a[i] = v;
	return top;
}

/* Sift v down from slot i of a max-heap a[0..n) ordered by id. */
static void
sift_down(uint32_t *a, size_t i, size_t n, struct dbrev_revision **revs)
{
	uint32_t v = a[i];
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && strcmp(revs[a[c + 1]]->id, revs[a[c]]->id) > 0)
			c++;
		if (strcmp(revs[a[c]]->id, revs[v]->id) <= 0)
			break;
		a[i] = a[c];
		i = c;
	}
	a[i] = v;
}

/*
 * Indices 0..n-1 of revs sorted by id: an in-place heapsort, as qsort
 * takes no context and would need a second array the size of this one.
 */
static uint32_t *
sort_by_id(struct dbrev_revision **revs, size_t n)
{
	uint32_t *a = dbrev_xmalloc((n ? n : 1) * sizeof(*a)), t;
	size_t i;

	for (i = 0; i < n; i++)
		a[i] = (uint32_t)i;
	for (i = n / 2; i > 0; i--)
		sift_down(a, i - 1, n, revs);
	for (i = n; i > 1; i--) {
		t = a[0];
		a[0] = a[i - 1];
		a[i - 1] = t;
		sift_down(a, 0, i - 1, revs);
	}
	return a;
}

/* Where revision r names prerequisite p: its parents or depends line. */
static unsigned
link_line(const struct dbrev_revision *r, const char *p)
{
	size_t i;

	for (i = 0; i < r->nparents; i++)
		if (strcmp(r->parents[i], p) == 0)
			return r->parents_line;
	return r->depends_line;
}

/*
 * Report the cycles among the revisions Kahn's algorithm could not
 * order (done[i] == 0).  Each of those has an unordered prerequisite,
 * so walking prerequisites from one always closes a cycle.
 */
static void
report_cycles(struct dbrev_revision **revs, size_t n, const uint32_t *pre_off,
    const uint32_t *pre, const unsigned char *done, const uint32_t *byid,
    struct dbrev_error *err)
{
	unsigned char *state = dbrev_xcalloc(n, 1);	/* 1 walking, 2 seen */
	uint32_t *walk = dbrev_xmalloc(n * sizeof(*walk));
	size_t k, len, j, start, min, m;
	uint32_t v, u, e;
	struct dbrev_buf msg = { 0 };

	for (k = 0; k < n; k++) {
		if (done[byid[k]] || state[byid[k]] != 0)
			continue;
		len = 0;
		for (v = byid[k]; state[v] == 0; ) {
			state[v] = 1;
			walk[len++] = v;
			for (e = pre_off[v]; e < pre_off[v + 1]; e++)
				if (!done[pre[e]])
					break;
			v = pre[e];	/* exists: see above */
		}
		if (state[v] == 1) {
			/* walk[start..len) is the cycle, child to parent. */
			for (start = 0; walk[start] != v; start++)
				;
			min = start;
			for (j = start; j < len; j++)
				if (strcmp(revs[walk[j]]->id,
				    revs[walk[min]]->id) < 0)
					min = j;
			/* Print parent to child: backwards from min. */
			dbrev_buf_reset(&msg);
			m = min;
			for (j = 0; j <= len - start; j++) {
				dbrev_buf_printf(&msg, "%s%s", j ? " -> " : "",
				    revs[walk[m]]->id);
				m = m == start ? len - 1 : m - 1;
			}
			u = walk[min];
			/* The next in the list is what u's header names. */
			v = walk[min + 1 < len ? min + 1 : start];
			dbrev_error_set(err, DBREV_ERR_INPUT, revs[u]->path,
			    link_line(revs[u], revs[v]->id), "a revision must "
			    "come after its parents and depends; remove one of "
			    "these links", "revisions form a cycle: %s",
			    msg.data);
		}
		for (j = 0; j < len; j++)
			state[walk[j]] = 2;
	}
	dbrev_buf_free(&msg);
	free(walk);
	free(state);
}

/* Free an array's revisions (the graph owns them even on failure). */
static void
free_revs(struct dbrev_revision **revs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dbrev_revision_free(revs[i]);
}

/* The repeatable with this id (reps_byid: indices sorted by id), or -1. */
static long
rep_find(struct dbrev_revision **reps, const uint32_t *byid, size_t n,
    const char *id)
{
	size_t lo = 0, hi = n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(id, reps[byid[mid]]->id)) == 0)
			return (long)byid[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* What dbrev_graph_build works on, step to step. */
struct build {
	struct dbrev_revision	**revs;		/* by first appearance */
	size_t			  n;
	uint32_t		 *tab;		/* id hash: index + 1, or 0 */
	size_t			  cap;
	uint32_t		 *pre_off, *pre;	/* prerequisites, by index */
	size_t			  nedges;
	uint32_t		 *indeg;
	uint32_t		 *fill;		/* scratch, n + 1 entries */
	uint32_t		 *order;	/* apply order: old indices */
	struct dbrev_revision	**reps;		/* repeatables: only to name */
	const uint32_t		 *reps_byid;
	size_t			  nreps;
};

/* Ids: hash them, rejecting duplicates (naming both files).  1: bad. */
static int
build_ids(struct build *b, struct dbrev_revision **in, size_t nin,
    struct dbrev_error *err)
{
	struct dbrev_revision *r;
	size_t i, slot;
	int bad = 0;

	for (b->cap = 16; b->cap < 2 * nin; b->cap *= 2)
		;
	b->tab = dbrev_xcalloc(b->cap, sizeof(*b->tab));
	b->revs = dbrev_xmalloc((nin ? nin : 1) * sizeof(*b->revs));
	b->n = 0;
	for (i = 0; i < nin; i++) {
		slot = hash_slot(b->tab, b->cap, b->revs, in[i]->id);
		if (b->tab[slot] != 0) {
			r = b->revs[b->tab[slot] - 1];
			dbrev_error_set(err, DBREV_ERR_INPUT, in[i]->path,
			    in[i]->revision_line, "give one of them a new id "
			    "(revgen makes unique ones)", "duplicate revision "
			    "id '%s' (also in %s)", in[i]->id, r->path);
			dbrev_revision_free(in[i]);
			bad = 1;
			continue;
		}
		b->revs[b->n] = in[i];
		b->tab[slot] = (uint32_t)++b->n;
	}
	return bad;
}

/* Edges: each revision's prerequisites, by index.  1: one is missing. */
static int
build_edges(struct build *b, struct dbrev_error *err)
{
	struct dbrev_revision *r;
	size_t i, j, k, slot, n = b->n;
	int bad = 0;

	b->pre_off = dbrev_xmalloc((n + 1) * sizeof(*b->pre_off));
	for (b->nedges = 0, i = 0; i < n; i++) {
		b->pre_off[i] = (uint32_t)b->nedges;
		b->nedges += b->revs[i]->nparents + b->revs[i]->ndepends;
	}
	b->pre_off[n] = (uint32_t)b->nedges;
	b->pre = dbrev_xmalloc((b->nedges ? b->nedges : 1) * sizeof(*b->pre));
	b->indeg = dbrev_xcalloc(n + 1, sizeof(*b->indeg));
	for (k = 0, i = 0; i < n; i++) {
		r = b->revs[i];
		for (j = 0; j < r->nparents + r->ndepends; j++) {
			const char *id = j < r->nparents ? r->parents[j] :
			    r->depends[j - r->nparents];

			slot = hash_slot(b->tab, b->cap, b->revs, id);
			if (b->tab[slot] == 0 &&
			    rep_find(b->reps, b->reps_byid, b->nreps, id) >= 0) {
				dbrev_error_set(err, DBREV_ERR_INPUT, r->path,
				    j < r->nparents ? r->parents_line :
				    r->depends_line, "repeatables run after "
				    "every versioned revision; remove the id, "
				    "or make it a versioned revision", "%s '%s' "
				    "of revision '%s' is a repeatable revision",
				    j < r->nparents ? "parent" : "dependency",
				    id, r->id);
				bad = 1;
				continue;
			}
			if (b->tab[slot] == 0) {
				dbrev_error_set(err, DBREV_ERR_INPUT, r->path,
				    j < r->nparents ? r->parents_line :
				    r->depends_line, "fix the id, or add the "
				    "missing revision file", "%s '%s' of "
				    "revision '%s' does not exist",
				    j < r->nparents ? "parent" : "dependency",
				    id, r->id);
				bad = 1;
				continue;
			}
			b->pre[k++] = b->tab[slot] - 1;
			b->indeg[i]++;
		}
	}
	/* Missing prerequisites (errors) were left out: recount offsets. */
	if (k != b->nedges) {
		for (k = 0, i = 0; i < n; i++) {
			b->pre_off[i] = (uint32_t)k;
			k += b->indeg[i];
		}
		b->pre_off[n] = (uint32_t)k;
		b->nedges = k;
	}
	return bad;
}

/*
 * A baseline (revgen squash) stands for revisions that are no longer in
 * the directory, from the start of the history: it has no parents, and
 * neither revision it names is here.  1: one of those is wrong.
 */
static int
check_baselines(struct build *b, struct dbrev_error *err)
{
	struct dbrev_revision *r;
	size_t i, j, slot;
	int bad = 0;

	for (i = 0; i < b->n; i++) {
		const char *rep[2];

		r = b->revs[i];
		if (r->replaces_first == NULL)
			continue;
		if (r->nparents > 0) {
			dbrev_error_set(err, DBREV_ERR_INPUT, r->path,
			    r->parents_line, "a baseline starts the history: "
			    "remove its parents, or its replaces line",
			    "baseline '%s' (replaces: %s %s) has parents",
			    r->id, r->replaces_first, r->replaces_last);
			bad = 1;
		}
		rep[0] = r->replaces_first;
		rep[1] = r->replaces_last;
		for (j = 0; j < 2; j++) {
			slot = hash_slot(b->tab, b->cap, b->revs, rep[j]);
			if (b->tab[slot] == 0 || (j == 1 && rep[1] == rep[0]))
				continue;
			dbrev_error_set(err, DBREV_ERR_INPUT,
			    b->revs[b->tab[slot] - 1]->path, 0, "move the "
			    "squashed files to versions/squashed/ (upgrade a "
			    "database with them from another directory: "
			    "revapply -d)",
			    "revision '%s' is in the directory, but baseline "
			    "'%s' (%s:%u) replaces it", rep[j], r->id,
			    r->path, r->replaces_line);
			bad = 1;
		}
	}
	return bad;
}

/*
 * Kahn's algorithm, the smallest id first among the ready, into
 * b->order; done[] marks what was ordered.  Returns how many were (less
 * than b->n: a cycle).  Frees b->indeg.
 */
static size_t
build_order(struct build *b, unsigned char *done)
{
	uint32_t *dep_off, *dep;
	struct heap h;
	size_t i, j, k, n = b->n;

	/* Reverse edges: who rests on each revision. */
	dep_off = dbrev_xcalloc(n + 1, sizeof(*dep_off));
	dep = dbrev_xmalloc((b->nedges ? b->nedges : 1) * sizeof(*dep));
	for (k = 0; k < b->nedges; k++)
		dep_off[b->pre[k] + 1]++;
	for (i = 0; i < n; i++)
		dep_off[i + 1] += dep_off[i];
	for (i = 0; i < n; i++)
		for (k = b->pre_off[i]; k < b->pre_off[i + 1]; k++)
			dep[dep_off[b->pre[k]] + b->fill[b->pre[k]]++] =
			    (uint32_t)i;

	b->order = dbrev_xmalloc((n ? n : 1) * sizeof(*b->order));
	h.a = dbrev_xmalloc((n ? n : 1) * sizeof(*h.a));
	h.n = 0;
	h.revs = b->revs;
	h.by_path = 0;
	for (i = 0; i < n; i++)
		if (b->indeg[i] == 0)
			heap_push(&h, (uint32_t)i);
	for (k = 0; h.n > 0; k++) {
		uint32_t v = heap_pop(&h);

		b->order[k] = v;
		done[v] = 1;
		for (j = dep_off[v]; j < dep_off[v + 1]; j++)
			if (--b->indeg[dep[j]] == 0)
				heap_push(&h, dep[j]);
	}
	free(h.a);
	free(b->indeg);
	b->indeg = NULL;
	/* Kahn's reverse edges are done with; free before the next peak. */
	free(dep_off);
	free(dep);
	return k;
}

/* Dependents of g: who rests on each revision, in apply order. */
static void
graph_dependents(struct dbrev_graph *g, size_t nedges, uint32_t *fill)
{
	size_t i, k, n = g->n;

	g->dep_off = dbrev_xcalloc(n + 1, sizeof(*g->dep_off));
	g->dep = dbrev_xmalloc((nedges ? nedges : 1) * sizeof(*g->dep));
	memset(fill, 0, (n + 1) * sizeof(*fill));
	for (k = 0; k < nedges; k++)
		g->dep_off[g->pre[k] + 1]++;
	for (i = 0; i < n; i++)
		g->dep_off[i + 1] += g->dep_off[i];
	for (i = 0; i < n; i++)
		for (k = g->pre_off[i]; k < g->pre_off[i + 1]; k++)
			g->dep[g->dep_off[g->pre[k]] + fill[g->pre[k]]++] =
			    (uint32_t)i;
}

/* The graph, everything renumbered into apply order; b is used up. */
static struct dbrev_graph *
build_graph(struct build *b)
{
	struct dbrev_graph *g;
	uint32_t *pos;
	size_t i, j, k, n = b->n;

	g = dbrev_xcalloc(1, sizeof(*g));
	g->n = n;
	g->revs = dbrev_xmalloc((n ? n : 1) * sizeof(*g->revs));
	pos = b->fill;	/* reuse: old index -> apply-order index */
	for (i = 0; i < n; i++) {
		g->revs[i] = b->revs[b->order[i]];
		pos[b->order[i]] = (uint32_t)i;
	}
	free(b->revs);
	for (i = 0; i < b->cap; i++)
		if (b->tab[i] != 0)
			b->tab[i] = pos[b->tab[i] - 1] + 1;
	g->hash = b->tab;
	g->hcap = b->cap;
	/* Prerequisites, parents first as in the file. */
	g->pre_off = dbrev_xmalloc((n + 1) * sizeof(*g->pre_off));
	g->pre = dbrev_xmalloc((b->nedges ? b->nedges : 1) * sizeof(*g->pre));
	for (k = 0, i = 0; i < n; i++) {
		g->pre_off[i] = (uint32_t)k;
		for (j = b->pre_off[b->order[i]];
		    j < b->pre_off[b->order[i] + 1]; j++)
			g->pre[k++] = pos[b->pre[j]];
	}
	g->pre_off[n] = (uint32_t)k;
	free(b->pre_off);
	free(b->pre);
	free(b->order);
	/* Children through parents (a parent missing was an error). */
	g->nchild = dbrev_xcalloc(n + 1, sizeof(*g->nchild));
	for (i = 0; i < n; i++)
		for (j = 0; j < g->revs[i]->nparents; j++)
			g->nchild[g->pre[g->pre_off[i] + j]]++;
	graph_dependents(g, b->nedges, b->fill);
	free(b->fill);
	/* Ids in byte order, for prefix lookup: revisions are in place. */
	g->sorted = sort_by_id(g->revs, n);
	return g;
}

/* The versioned revisions' graph (repeatables: only to name them). */
static int
build_chain(struct dbrev_revision **in, size_t nin,
    struct dbrev_revision **reps, const uint32_t *reps_byid, size_t nreps,
    struct dbrev_graph **out, struct dbrev_error *err)
{
	struct build b;
	unsigned char *done;
	uint32_t *byid;
	int bad;

	*out = NULL;
	if (nin >= UINT32_MAX / 4) {
		free_revs(in, nin);
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0, NULL,
		    "too many revisions (%zu)", nin);
	}
	memset(&b, 0, sizeof b);
	b.reps = reps;
	b.reps_byid = reps_byid;
	b.nreps = nreps;
	bad = build_ids(&b, in, nin, err);
	bad |= build_edges(&b, err);
	bad |= check_baselines(&b, err);
	b.fill = dbrev_xcalloc(b.n + 1, sizeof(*b.fill));
	done = dbrev_xcalloc(b.n + 1, 1);
	if (build_order(&b, done) != b.n) {
		byid = sort_by_id(b.revs, b.n);
		report_cycles(b.revs, b.n, b.pre_off, b.pre, done, byid, err);
		free(byid);
		bad = 1;
	}
	free(done);
	if (bad) {
		free_revs(b.revs, b.n);
		free(b.revs);
		free(b.tab);
		free(b.pre_off);
		free(b.pre);
		free(b.fill);
		free(b.order);
		return -1;
	}
	*out = build_graph(&b);
	return 0;
}

/*
 * Put the repeatables in run order: their depends on each other first
 * (Kahn's algorithm), ties by file name.  Checks ids unique among them
 * and against the chain, and every depends known.  Owns reps.
 */
static int
order_repeatables(struct dbrev_graph *g, struct dbrev_revision **reps,
    size_t n, uint32_t *byid, struct dbrev_error *err)
{
	uint32_t *pre_off, *pre, *indeg, *order, *dep_off, *dep, *fill;
	unsigned char *done;
	struct dbrev_revision *r;
	struct heap h;
	size_t i, j, k, nedges = 0;
	long x;
	int bad = 0;

	for (i = 0; i < n; i++) {
		r = reps[byid[i]];
		if (i > 0 && strcmp(r->id, reps[byid[i - 1]]->id) == 0) {
			/* The later file is the duplicate, as in the chain. */
			struct dbrev_revision *o = reps[byid[i - 1]], *d = r;

			if (path_cmp(o, d) > 0) {
				d = o;
				o = r;
			}
			dbrev_error_set(err, DBREV_ERR_INPUT, d->path,
			    d->revision_line, "give one of them a new id "
			    "(revgen makes unique ones)", "duplicate revision "
			    "id '%s' (also in %s)", d->id, o->path);
			bad = 1;
		} else if ((x = find_index(g, r->id)) >= 0) {
			dbrev_error_set(err, DBREV_ERR_INPUT, r->path,
			    r->revision_line, "give one of them a new id "
			    "(revgen makes unique ones)", "duplicate revision "
			    "id '%s' (also in %s)", r->id, g->revs[x]->path);
			bad = 1;
		}
		nedges += r->ndepends;
	}
	/* Edges: a repeatable's depends on other repeatables. */
	pre_off = dbrev_xmalloc((n + 1) * sizeof(*pre_off));
	pre = dbrev_xmalloc((nedges ? nedges : 1) * sizeof(*pre));
	indeg = dbrev_xcalloc(n + 1, sizeof(*indeg));
	for (k = 0, i = 0; i < n; i++) {
		r = reps[i];
		pre_off[i] = (uint32_t)k;
		for (j = 0; j < r->ndepends; j++) {
			if (find_index(g, r->depends[j]) >= 0)
				continue;	/* a versioned one: ran before */
			if ((x = rep_find(reps, byid, n, r->depends[j])) < 0) {
				dbrev_error_set(err, DBREV_ERR_INPUT, r->path,
				    r->depends_line, "fix the id, or add the "
				    "missing revision file", "dependency '%s' "
				    "of revision '%s' does not exist",
				    r->depends[j], r->id);
				bad = 1;
				continue;
			}
			pre[k++] = (uint32_t)x;
			indeg[i]++;
		}
	}
	pre_off[n] = (uint32_t)k;
	nedges = k;
	dep_off = dbrev_xcalloc(n + 1, sizeof(*dep_off));
	dep = dbrev_xmalloc((nedges ? nedges : 1) * sizeof(*dep));
	fill = dbrev_xcalloc(n + 1, sizeof(*fill));
	for (k = 0; k < nedges; k++)
		dep_off[pre[k] + 1]++;
	for (i = 0; i < n; i++)
		dep_off[i + 1] += dep_off[i];
	for (i = 0; i < n; i++)
		for (k = pre_off[i]; k < pre_off[i + 1]; k++)
			dep[dep_off[pre[k]] + fill[pre[k]]++] = (uint32_t)i;
	order = dbrev_xmalloc((n ? n : 1) * sizeof(*order));
	done = dbrev_xcalloc(n + 1, 1);
	h.a = dbrev_xmalloc((n ? n : 1) * sizeof(*h.a));
	h.n = 0;
	h.revs = reps;
	h.by_path = 1;
	for (i = 0; i < n; i++)
		if (indeg[i] == 0)
			heap_push(&h, (uint32_t)i);
	for (k = 0; h.n > 0; k++) {
		uint32_t v = heap_pop(&h);

		order[k] = v;
		done[v] = 1;
		for (j = dep_off[v]; j < dep_off[v + 1]; j++)
			if (--indeg[dep[j]] == 0)
				heap_push(&h, dep[j]);
	}
	if (k != n && !bad) {
		report_cycles(reps, n, pre_off, pre, done, byid, err);
		bad = 1;
	}
	if (!bad) {
		g->reps = dbrev_xmalloc((n ? n : 1) * sizeof(*g->reps));
		for (i = 0; i < n; i++)
			g->reps[i] = reps[order[i]];
		g->nreps = n;
		/* byid now in run-order indices: invert order. */
		for (i = 0; i < n; i++)
			fill[order[i]] = (uint32_t)i;
		for (i = 0; i < n; i++)
			byid[i] = fill[byid[i]];
		g->reps_byid = byid;
	} else {
		free_revs(reps, n);
		free(byid);
	}
	free(h.a);
	free(done);
	free(order);
	free(fill);
	free(dep);
	free(dep_off);
	free(indeg);
	free(pre);
	free(pre_off);
	return bad ? -1 : 0;
}

int
dbrev_graph_build(struct dbrev_revision **in, size_t nin,
    struct dbrev_graph **out, struct dbrev_error *err)
{
	struct dbrev_revision **chain, **reps;
	size_t i, nchain = 0, nreps = 0;
	uint32_t *byid;
	int rc;

	*out = NULL;
	chain = dbrev_xmalloc((nin ? nin : 1) * sizeof(*chain));
	reps = dbrev_xmalloc((nin ? nin : 1) * sizeof(*reps));
	for (i = 0; i < nin; i++) {
		if (in[i]->repeatable)
			reps[nreps++] = in[i];
		else
			chain[nchain++] = in[i];
	}
	byid = sort_by_id(reps, nreps);
	rc = build_chain(chain, nchain, reps, byid, nreps, out, err);
	free(chain);
	if (rc == 0 && order_repeatables(*out, reps, nreps, byid, err) == -1) {
		dbrev_graph_free(*out);
		*out = NULL;
		rc = -1;
	} else if (rc != 0) {
		free_revs(reps, nreps);
		free(byid);
	}
	free(reps);
	return rc;
}

size_t
dbrev_graph_nrepeatable(const struct dbrev_graph *g)
{
	return g->nreps;
}

const struct dbrev_revision *
dbrev_graph_repeatable(const struct dbrev_graph *g, size_t i)
{
	return i < g->nreps ? g->reps[i] : NULL;
}

long
dbrev_graph_repeatable_index(const struct dbrev_graph *g, const char *id)
{
	return rep_find(g->reps, g->reps_byid, g->nreps, id);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names worth loading: *.sql, not hidden (editors' lock files). */
static int
wanted(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 4 && strcmp(name + len - 4, ".sql") == 0;
}

int
dbrev_graph_load(const char *dir, unsigned flags, struct dbrev_graph **out,
    struct dbrev_error *err)
{
	struct dbrev_buf path = { 0 }, text = { 0 }, namebuf = { 0 };
	struct dbrev_revision **revs = NULL, *r;
	char **names = NULL;
	size_t nnames = 0, nrevs = 0, i, base, off;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int bad = 0;

	*out = NULL;
	dbrev_buf_puts(&path, dir);
	while (path.len > 1 && path.data[path.len - 1] == '/')
		path.data[--path.len] = '\0';
	dbrev_buf_puts(&path, "/versions");
	if ((d = opendir(path.data)) == NULL) {
		int e = errno;

		if (e == ENOENT || e == ENOTDIR) {
			dbrev_error_set(err, DBREV_ERR_INPUT, path.data, 0,
			    "create a migrations directory with 'revgen init', "
			    "or name yours with -d DIR", "%s",
			    stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ?
			    "no versions directory here" :
			    "no such migrations directory");
		} else
			dbrev_error_set(err, DBREV_ERR_RUNTIME, path.data, 0,
			    NULL, "cannot open directory: %s", strerror(e));
		dbrev_buf_free(&path);
		return -1;
	}
	/* Names go into one buffer: no allocation per file. */
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (!wanted(de->d_name) || de->d_type == DT_DIR)
			continue;
		dbrev_buf_add(&namebuf, de->d_name, strlen(de->d_name) + 1);
		nnames++;
	}
	if (errno != 0) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, path.data, 0, NULL,
		    "cannot read directory: %s", strerror(errno));
		bad = 1;
	}
	closedir(d);
	names = dbrev_xmalloc((nnames ? nnames : 1) * sizeof(*names));
	for (i = 0, off = 0; i < nnames; i++) {
		names[i] = namebuf.data + off;
		off += strlen(names[i]) + 1;
	}
	/* Sorted, so that messages come in the same order everywhere. */
	if (nnames > 0)
		qsort(names, nnames, sizeof(*names), name_cmp);

	revs = dbrev_xmalloc((nnames ? nnames : 1) * sizeof(*revs));
	dbrev_buf_puts(&path, "/");
	base = path.len;
	for (i = 0; i < nnames; i++) {
		path.len = base;
		dbrev_buf_puts(&path, names[i]);
		/*
		 * One buffer for every file: no allocation per read.  A
		 * FIFO or device is refused, not read (no hang).
		 */
		if (dbrev_read_regular_file(path.data, DBREV_REVISION_MAX,
		    &text, err) == -1) {
			bad = 1;
			continue;
		}
		if (dbrev_revision_parse(path.data, text.data, text.len, flags,
		    &r, err) == -1) {
			bad = 1;
			continue;
		}
		revs[nrevs++] = r;
	}
	free(names);
	dbrev_buf_free(&namebuf);
	dbrev_buf_free(&text);
	dbrev_buf_free(&path);
	if (bad) {
		/* Graph errors would follow from the files above: stop. */
		free_revs(revs, nrevs);
		free(revs);
		return -1;
	}
	i = dbrev_graph_build(revs, nrevs, out, err);
	free(revs);
	return i == 0 ? 0 : -1;
}

void
dbrev_graph_free(struct dbrev_graph *g)
{
	if (g == NULL)
		return;
	free_revs(g->revs, g->n);
	free(g->revs);
	free(g->pre_off);
	free(g->pre);
	free(g->dep_off);
	free(g->dep);
	free(g->nchild);
	free(g->hash);
	free(g->sorted);
	free_revs(g->reps, g->nreps);
	free(g->reps);
	free(g->reps_byid);
	free(g);
}

size_t
dbrev_graph_count(const struct dbrev_graph *g)
{
	return g->n;
}

const struct dbrev_revision *
dbrev_graph_at(const struct dbrev_graph *g, size_t i)
{
	return i < g->n ? g->revs[i] : NULL;
}

long
dbrev_graph_index(const struct dbrev_graph *g, const char *id)
{
	return find_index(g, id);
}

const struct dbrev_revision *
dbrev_graph_find(const struct dbrev_graph *g, const char *id)
{
	long i = find_index(g, id);

	return i >= 0 ? g->revs[i] : NULL;
}

size_t
dbrev_graph_heads(const struct dbrev_graph *g, size_t *out)
{
	size_t i, k = 0;

	for (i = 0; i < g->n; i++)
		if (g->nchild[i] == 0)
			out[k++] = i;
	return k;
}

size_t
dbrev_graph_bases(const struct dbrev_graph *g, size_t *out)
{
	size_t i, k = 0;

	for (i = 0; i < g->n; i++)
		if (g->revs[i]->nparents == 0)
			out[k++] = i;
	return k;
}

int
dbrev_graph_is_head(const struct dbrev_graph *g, size_t i)
{
	return i < g->n && g->nchild[i] == 0;
}

int
dbrev_graph_is_branchpoint(const struct dbrev_graph *g, size_t i)
{
	return i < g->n && g->nchild[i] >= 2;
}

void
dbrev_graph_history_line(struct dbrev_buf *out, const struct dbrev_graph *g,
    size_t i, const char *marks)
{
	const struct dbrev_revision *r = dbrev_graph_at(g, i);
	size_t j;

	if (r->nparents == 0)
		dbrev_buf_puts(out, "<base>");
	for (j = 0; j < r->nparents; j++)
		dbrev_buf_printf(out, "%s%s", j ? ", " : "", r->parents[j]);
	dbrev_buf_printf(out, " -> %s", r->id);
	if (dbrev_graph_is_head(g, i))
		dbrev_buf_puts(out, " (head)");
	if (dbrev_graph_is_branchpoint(g, i))
		dbrev_buf_puts(out, " (branchpoint)");
	if (r->nparents >= 2)
		dbrev_buf_puts(out, " (mergepoint)");
	if (marks != NULL)
		dbrev_buf_puts(out, marks);
	if (r->message[0] != '\0')
		dbrev_buf_printf(out, ", %s", r->message);
	dbrev_buf_puts(out, "\n");
}

size_t
dbrev_graph_nchildren(const struct dbrev_graph *g, size_t i)
{
	return i < g->n ? g->nchild[i] : 0;
}

long
dbrev_graph_lookup(const struct dbrev_graph *g, const char *prefix,
    struct dbrev_error *err)
{
	size_t lo = 0, hi = g->n, mid, plen, k, shown;
	long i;
	struct dbrev_buf list = { 0 };

	if (prefix == NULL || prefix[0] == '\0')
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "name a revision by its id or a prefix of it",
		    "empty revision name");
	if ((i = find_index(g, prefix)) >= 0)
		return i;
	while (lo < hi) {	/* first id >= prefix */
		mid = lo + (hi - lo) / 2;
		if (strcmp(g->revs[g->sorted[mid]]->id, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	plen = strlen(prefix);
	for (k = lo; k < g->n &&
	    strncmp(g->revs[g->sorted[k]]->id, prefix, plen) == 0; k++)
		;
	if (k - lo == 1)
		return (long)g->sorted[lo];
	if (k == lo)
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "revorder lists the revisions", "unknown revision '%s'",
		    prefix);
	for (shown = 0; lo + shown < k && shown < 10; shown++)
		dbrev_buf_printf(&list, "%s%s", shown ? ", " : "",
		    g->revs[g->sorted[lo + shown]]->id);
	if (lo + shown < k)
		dbrev_buf_printf(&list, " and %zu more", k - lo - shown);
	dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
	    "give more characters of the id", "ambiguous revision '%s' "
	    "matches %s", prefix, list.data);
	dbrev_buf_free(&list);
	return -1;
}

void
dbrev_revset_init(struct dbrev_revset *s, const struct dbrev_graph *g)
{
	s->n = g->n;
	s->in = dbrev_xcalloc(g->n ? g->n : 1, 1);
}

void
dbrev_revset_free(struct dbrev_revset *s)
{
	free(s->in);
	s->in = NULL;
	s->n = 0;
}

void
dbrev_plan_free(struct dbrev_plan *p)
{
	free(p->steps);
	p->steps = NULL;
	p->nsteps = 0;
}

/* "+N" or "-N" with the given sign: 1 and *n, else 0. */
static int
relative(const char *t, char sign, size_t *n)
{
	size_t v = 0;

	if (t[0] != sign || t[1] == '\0')
		return 0;
	for (t++; *t != '\0'; t++) {
		if (*t < '0' || *t > '9' || v > SIZE_MAX / 10 - 10)
			return 0;
		v = v * 10 + (size_t)(*t - '0');
	}
	*n = v;
	return 1;
}

/* The single head, or -1 with an error naming them all. */
static long
single_head(const struct dbrev_graph *g, struct dbrev_error *err)
{
	struct dbrev_buf list = { 0 };
	size_t i, nheads = 0;
	long head = -1;

	for (i = 0; i < g->n; i++)
		if (g->nchild[i] == 0) {
			dbrev_buf_printf(&list, "%s%s", nheads ? ", " : "",
			    g->revs[i]->id);
			nheads++;
			head = (long)i;
		}
	if (nheads == 0)
		head = dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "create one with 'revgen -m MESSAGE'", "no revisions, so "
		    "no head");
	else if (nheads > 1)
		head = dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "name one of them, use 'heads', or merge them with "
		    "'revgen merge'", "several heads: %s", list.data);
	dbrev_buf_free(&list);
	return head;
}

/* Mark i and all it rests on (parents and depends) in set. */
static void
mark_ancestors(const struct dbrev_graph *g, size_t i, unsigned char *set)
{
	size_t *stack, n = 0, k;
	uint32_t v;

	if (set[i])
		return;
	stack = dbrev_xmalloc(g->n * sizeof(*stack));
	set[i] = 1;
	stack[n++] = i;
	while (n > 0) {
		v = (uint32_t)stack[--n];
		for (k = g->pre_off[v]; k < g->pre_off[v + 1]; k++)
			if (!set[g->pre[k]]) {
				set[g->pre[k]] = 1;
				stack[n++] = g->pre[k];
			}
	}
	free(stack);
}

/* Add the plan's steps: the marked indices, forward or backward. */
static void
collect(const struct dbrev_graph *g, const unsigned char *set,
    enum dbrev_direction dir, struct dbrev_plan *out)
{
	size_t i, k = 0;

	for (i = 0; i < g->n; i++)
		k += set[i] != 0;
	out->steps = dbrev_xmalloc((k ? k : 1) * sizeof(*out->steps));
	out->nsteps = k;
	k = 0;
	for (i = 0; i < g->n; i++) {
		size_t j = dir == DBREV_UPGRADE ? i : g->n - 1 - i;

		if (set[j])
			out->steps[k++] = j;
	}
}

/* Resolve head / an id / a prefix (not the keywords) to an index. */
static long
resolve_one(const struct dbrev_graph *g, const char *target,
    struct dbrev_error *err)
{
	if (strcmp(target, "head") == 0)
		return single_head(g, err);
	return dbrev_graph_lookup(g, target, err);
}

int
dbrev_graph_plan(const struct dbrev_graph *g,
    const struct dbrev_revset *applied, enum dbrev_direction dir,
    const char *target, struct dbrev_plan *out, struct dbrev_error *err)
{
	unsigned char *set;
	size_t i, n, k, napplied = 0;
	long t;
	int rc = 0, blocked = 0;

	out->direction = dir;
	out->steps = NULL;
	out->nsteps = 0;
	if (target == NULL || target[0] == '\0')
		target = dir == DBREV_UPGRADE ? "head" : "-1";
	if (applied->n != g->n)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "applied set sized %zu for a graph of %zu revisions",
		    applied->n, g->n);
	for (i = 0; i < g->n; i++)
		napplied += applied->in[i] != 0;
	set = dbrev_xcalloc(g->n ? g->n : 1, 1);

	if (dir == DBREV_UPGRADE) {
		if (strcmp(target, "base") == 0)
			;
		else if (strcmp(target, "heads") == 0 ||
		    (strcmp(target, "head") == 0 && g->n == 0)) {
			for (i = 0; i < g->n; i++)
				set[i] = !applied->in[i];
		} else if (relative(target, '+', &n)) {
			if (n > g->n - napplied)
				rc = dbrev_error_set(err, DBREV_ERR_INPUT, NULL,
				    0, "use 'heads' to apply all", "cannot "
				    "upgrade %zu revision%s: only %zu %s not "
				    "applied", n, n == 1 ? "" : "s",
				    g->n - napplied, g->n - napplied == 1 ?
				    "is" : "are");
			for (i = 0, k = 0; rc == 0 && k < n && i < g->n; i++)
				if (!applied->in[i]) {
					set[i] = 1;
					k++;
				}
		} else if (target[0] == '-' || target[0] == '+')
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
			    "upgrade takes head, heads, base, a revision or +N",
			    "'%s' is not an upgrade target", target);
		else if ((t = resolve_one(g, target, err)) < 0)
			rc = -1;
		else {
			mark_ancestors(g, (size_t)t, set);
			for (i = 0; i < g->n; i++)
				if (applied->in[i])
					set[i] = 0;
		}
	} else {
		if (strcmp(target, "base") == 0) {
			for (i = 0; i < g->n; i++)
				set[i] = applied->in[i] != 0;
		} else if (relative(target, '-', &n)) {
			if (n > napplied)
				rc = dbrev_error_set(err, DBREV_ERR_INPUT, NULL,
				    0, "use 'base' to revert all", "cannot "
				    "downgrade %zu revision%s: only %zu %s "
				    "applied", n, n == 1 ? "" : "s", napplied,
				    napplied == 1 ? "is" : "are");
			for (i = g->n, k = 0; rc == 0 && k < n && i > 0; i--)
				if (applied->in[i - 1]) {
					set[i - 1] = 1;
					k++;
				}
		} else if (target[0] == '-' || target[0] == '+' ||
		    strcmp(target, "heads") == 0)
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
			    "downgrade takes base, a revision or -N",
			    "'%s' is not a downgrade target", target);
		else if ((t = resolve_one(g, target, err)) < 0)
			rc = -1;
		else if (!applied->in[t])
			rc = dbrev_error_set(err, DBREV_ERR_INPUT,
			    g->revs[t]->path, 0, "downgrade to an applied "
			    "revision (revapply current shows them)",
			    "revision '%s' is not applied",
			    g->revs[t]->id);
		else {
			/* Applied revisions resting on t, directly or not. */
			set[t] = 1;
			for (i = (size_t)t; i < g->n; i++) {
				if (!set[i])
					continue;
				for (k = g->dep_off[i]; k < g->dep_off[i + 1];
				    k++)
					set[g->dep[k]] = 1;
			}
			set[t] = 0;
			for (i = 0; i < g->n; i++)
				if (!applied->in[i])
					set[i] = 0;
		}
		/* Refuse before anything runs: name every blocker. */
		for (i = 0; rc == 0 && i < g->n; i++)
			if (set[i] && !g->revs[i]->has_downgrade)
				blocked = dbrev_error_set(err, DBREV_ERR_INPUT,
				    g->revs[i]->path, g->revs[i]->revision_line,
				    "add a '-- +downgrade' section to it, or "
				    "downgrade to a later revision", "revision "
				    "'%s' is irreversible: it has no downgrade "
				    "section", g->revs[i]->id);
		rc = rc == 0 ? blocked : rc;
	}
	if (rc == 0)
		collect(g, set, dir, out);
	free(set);
	return rc;
}

int
dbrev_graph_closure(const struct dbrev_graph *g, const char *target,
    struct dbrev_revset *out, struct dbrev_error *err)
{
	long t;

	if (out->n != g->n)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "set sized %zu for a graph of %zu revisions", out->n, g->n);
	if (target == NULL || target[0] == '\0')
		target = "head";
	if (strcmp(target, "base") == 0 || strcmp(target, "heads") == 0 ||
	    (strcmp(target, "head") == 0 && g->n == 0)) {
		memset(out->in, target[0] == 'h', g->n);
		return 0;
	}
	if (target[0] == '+' || target[0] == '-')
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "name head, heads, base or a revision",
		    "'%s' is not a target for stamp", target);
	if ((t = resolve_one(g, target, err)) < 0)
		return -1;
	memset(out->in, 0, g->n);
	mark_ancestors(g, (size_t)t, out->in);
	return 0;
}

size_t
dbrev_graph_current(const struct dbrev_graph *g,
    const struct dbrev_revset *applied, size_t *out)
{
	size_t i, j, k = 0, np;
	unsigned char *covered = dbrev_xcalloc(g->n ? g->n : 1, 1);

	/* A parent of an applied revision is not current. */
	for (i = 0; i < g->n; i++) {
		if (!applied->in[i])
			continue;
		np = g->revs[i]->nparents;
		for (j = 0; j < np; j++)
			covered[g->pre[g->pre_off[i] + j]] = 1;
	}
	for (i = 0; i < g->n; i++)
		if (applied->in[i] && !covered[i])
			out[k++] = i;
	free(covered);
	return k;
}

char **
dbrev_graph_current_ids(const struct dbrev_graph *g,
    const struct dbrev_revset *applied, size_t *n)
{
	size_t *idx, i;
	char **ids;

	idx = dbrev_xmalloc((applied->n ? applied->n : 1) * sizeof(*idx));
	*n = dbrev_graph_current(g, applied, idx);
	ids = dbrev_xcalloc(*n ? *n : 1, sizeof(*ids));
	for (i = 0; i < *n; i++)
		ids[i] = dbrev_xstrdup(g->revs[idx[i]]->id);
	free(idx);
	return ids;
}

int
dbrev_graph_check_applied(const struct dbrev_graph *g,
    const struct dbrev_revset *applied, struct dbrev_error *err)
{
	size_t i, k;
	int rc = 0;

	for (i = 0; i < g->n; i++) {
		if (!applied->in[i])
			continue;
		for (k = g->pre_off[i]; k < g->pre_off[i + 1]; k++) {
			uint32_t p = g->pre[k];

			if (applied->in[p])
				continue;
			rc = dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
			    "the version table is inconsistent; set it with "
			    "'revapply stamp'", "revision '%s' is applied but "
			    "its %s '%s' is not", g->revs[i]->id,
			    k - g->pre_off[i] < g->revs[i]->nparents ?
			    "parent" : "dependency", g->revs[p]->id);
			break;
		}
	}
	return rc;
}
