/*
 * import_write.c - dbrev_import: compare the parsed source with the
 * migrations directory, then stage every new revision file and publish
 * them all or none.
 *
 * Staging writes each file as versions/.import.<id>.<tag>.tmp (not
 * *.sql, so a loader running meanwhile never sees it) and flushes it;
 * publishing links each into place (link(2) never replaces a file).
 * Should one link fail, the files already linked are removed again.  A
 * crash between two links leaves some revisions published: importing
 * again skips those (same content) and writes the rest.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbrev/graph.h"
#include "dbrev/import.h"
#include "dbrev/revision.h"
#include "dbrev/scaffold.h"
#include "dbrev/util.h"
#include "fs.h"
#include "import_kind.h"

/* A revision to publish. */
struct staged {
	char	*path;		/* versions/<id>_<slug>.sql */
	char	*tmp;		/* its staged copy, or NULL */
	char	*text;
	size_t	 len;
	int	 linked;
};

static int
same_ids(char **a, size_t na, char **b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

/*
 * What differs between the revision in the directory and the one the
 * source gives (parsed back from its rendered text), or NULL.
 */
static const char *
difference(const struct dbrev_revision *old, const struct dbrev_revision *new)
{
	if (!same_ids(old->parents, old->nparents, new->parents,
	    new->nparents))
		return "parents";
	if (!same_ids(old->depends, old->ndepends, new->depends,
	    new->ndepends))
		return "depends";
	if (old->transactional != new->transactional)
		return "transaction";
	if (strcmp(old->upgrade, new->upgrade) != 0)
		return "upgrade section";
	if (old->has_downgrade != new->has_downgrade ||
	    (old->has_downgrade && strcmp(old->downgrade,
	    new->downgrade) != 0))
		return "downgrade section";
	return NULL;
}

/*
 * Each parent and dependency is imported before r or already in g; ix
 * indexes the ids of l.
 */
static int
check_links(const struct dbrev_import_list *l, size_t i,
    const struct imp_index *ix, const struct dbrev_graph *g,
    struct dbrev_error *err)
{
	const struct dbrev_import_rev *r = &l->revs[i];
	size_t k, n = r->nparents + r->ndepends;
	const char *id;
	int rc = 0;

	for (k = 0; k < n; k++) {
		id = k < r->nparents ? r->parents[k] :
		    r->depends[k - r->nparents];
		if (imp_index_before(ix, id, strlen(id), i) >= 0 ||
		    dbrev_graph_find(g, id) != NULL)
			continue;
		rc = dbrev_error_set(err, DBREV_ERR_INPUT, r->up_path,
		    r->up_line, "import a source that starts at the base (for "
		    "alembic: 'alembic upgrade base:head --sql'), or import "
		    "the earlier revisions first", "'%s' rests on revision "
		    "'%s', which is neither in this source before it nor in "
		    "the migrations directory", r->version, id);
	}
	return rc;
}

/*
 * Decide for revision i: unchanged (*st untouched, returns 1), new (*st
 * filled, returns 0), or an error (-1).
 */
static int
plan_rev(const struct dbrev_import_list *l, size_t i,
    const struct imp_index *ix, const struct dbrev_graph *g,
    const char *versions, struct staged *st, struct dbrev_error *err)
{
	const struct dbrev_import_rev *r = &l->revs[i];
	const struct dbrev_revision *old;
	struct dbrev_revision *p = NULL;
	struct dbrev_buf text = { 0 }, name = { 0 };
	char slug[DBREV_SLUG_MAX + 1];
	const char *what;
	struct stat sb;
	int rc = 0;

	dbrev_import_render(r, &text);
	if (dbrev_revision_parse(r->up_path, text.data, text.len, 0, &p,
	    err) == -1) {
		dbrev_buf_free(&text);
		return -1;
	}
	if ((old = dbrev_graph_find(g, r->id)) != NULL) {
		if ((what = difference(old, p)) == NULL)
			rc = 1;
		else
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, old->path, 0,
			    "the source changed after it was imported: write a "
			    "new revision for the change instead, or move this "
			    "file away to import the source's version",
			    "revision %s is already there, with another %s "
			    "than %s:%u gives; nothing was written", r->id,
			    what, r->up_path, r->up_line);
		goto out;
	}
	if (check_links(l, i, ix, g, err) == -1) {
		rc = -1;
		goto out;
	}
	dbrev_buf_printf(&name, "%s_%s.sql", r->id,
	    dbrev_scaffold_slug(r->message, slug));
	st->path = dbrev_fs_join(versions, name.data);
	if (lstat(st->path, &sb) == 0) {
		rc = dbrev_error_set(err, DBREV_ERR_INPUT, st->path, 0,
		    "move it away, then import again", "exists, but does not "
		    "hold revision %s; nothing was written", r->id);
		goto out;
	}
	st->len = text.len;
	st->text = dbrev_buf_take(&text);
out:
	dbrev_revision_free(p);
	dbrev_buf_free(&text);
	dbrev_buf_free(&name);
	return rc;
}

/* Create path (it must not exist) holding text, flushed when `sync`. */
static int
write_new(const char *path, const char *text, size_t len, int sync,
    struct dbrev_error *err)
{
	int r;

	if ((r = dbrev_fs_write_new(path, text, len, sync)) == 0)
		return 0;
	return dbrev_error_set(err, DBREV_ERR_RUNTIME, path, 0,
	    "nothing was written", "cannot %s: %s",
	    r == -1 ? "create" : "write", strerror(errno));
}

/* Publish a staged file, never replacing one. */
static int
link_one(struct staged *s, struct dbrev_error *err)
{
	int r;

	if ((r = dbrev_fs_publish(s->tmp, s->path)) == 0) {
		s->linked = 1;
		return 0;
	}
	return dbrev_error_set(err, DBREV_ERR_RUNTIME, s->path, 0,
	    "nothing was written", "cannot create: %s", r == 1 ?
	    "it appeared meanwhile" : strerror(errno));
}

/* Stage all, then link all; on failure undo what was linked. */
static int
publish(const char *versions, struct staged *st, size_t n,
    struct dbrev_error *err)
{
	char tag[DBREV_NEWID_LEN + 1], name[DBREV_ID_MAX + 64];
	size_t i;
	int rc = 0, fd;

	for (i = 0; rc == 0 && i < n; i++) {
		if ((rc = dbrev_scaffold_new_id_from(NULL,
		    dbrev_scaffold_random, NULL, tag, err)) == -1)
			break;
		snprintf(name, sizeof(name), ".import.%zu.%s.tmp", i, tag);
		st[i].tmp = dbrev_fs_join(versions, name);
		if ((rc = write_new(st[i].tmp, st[i].text, st[i].len, 0,
		    err)) == -1) {
			free(st[i].tmp);
			st[i].tmp = NULL;
		}
	}
	/* One flush of the file system instead of one per file. */
	if (rc == 0 && n > 0 && (fd = open(versions, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) != -1) {
		if (syncfs(fd) == -1)
			rc = dbrev_error_set(err, DBREV_ERR_RUNTIME, versions, 0,
			    "nothing was written", "cannot flush: %s",
			    strerror(errno));
		close(fd);
	}
	for (i = 0; rc == 0 && i < n; i++)
		rc = link_one(&st[i], err);
	for (i = 0; i < n; i++) {
		if (rc != 0 && st[i].linked)
			unlink(st[i].path);
		if (st[i].tmp != NULL)
			unlink(st[i].tmp);
	}
	if (n > 0)
		(void)dbrev_fs_sync_dir(versions);
	return rc;
}

/* An unknown kind is reported before anything else is looked at. */
static int
find_kind(const char *kind, struct dbrev_error *err)
{
	struct dbrev_import_source src;
	const char *const *k;

	for (k = dbrev_import_kinds(); kind != NULL && *k != NULL; k++)
		if (strcmp(*k, kind) == 0)
			return 0;
	return dbrev_import_load(kind, NULL, 0, &src, err);	/* says so */
}

int
dbrev_import(const struct dbrev_import_options *o,
    struct dbrev_import_result *res, struct dbrev_error *err)
{
	struct dbrev_import_source src = { 0 };
	struct dbrev_import_list l = { 0 };
	struct imp_index ix = { 0 };
	struct dbrev_graph *g = NULL;
	struct staged *st = NULL;
	size_t before = dbrev_error_count(err), i, n = 0;
	char *versions = NULL;
	int rc = -1, k;

	memset(res, 0, sizeof(*res));
	if (find_kind(o->kind, err) == -1 ||
	    dbrev_scaffold_check_dir(o->dir, err) == -1 ||
	    dbrev_graph_load(o->dir, 0, &g, err) == -1)
		goto out;
	if (dbrev_import_load(o->kind, o->paths, o->npaths, &src, err) == -1 ||
	    dbrev_import_parse(&src, &l, err) == -1)
		goto out;
	versions = dbrev_fs_join(o->dir, "versions");
	st = dbrev_xcalloc(l.n, sizeof(*st));
	for (i = 0; i < l.n; i++)
		imp_index_add(&ix, l.revs[i].id, strlen(l.revs[i].id), i);
	imp_index_sort(&ix);
	for (i = 0; i < l.n; i++) {
		k = plan_rev(&l, i, &ix, g, versions, &st[n], err);
		if (k == 0)
			n++;
		else if (k == 1)
			res->nunchanged++;
		else {
			free(st[n].path);
			free(st[n].text);
			memset(&st[n], 0, sizeof(st[n]));
		}
	}
	if (dbrev_error_count(err) != before || publish(versions, st, n,
	    err) == -1)
		goto out;
	res->total = l.n;
	res->nwritten = n;
	res->written = dbrev_xcalloc(n, sizeof(char *));
	for (i = 0; i < n; i++) {
		res->written[i] = st[i].path;
		st[i].path = NULL;
	}
	rc = 0;
out:
	for (i = 0; st != NULL && i < l.n; i++) {
		free(st[i].path);
		free(st[i].tmp);
		free(st[i].text);
	}
	free(st);
	free(versions);
	imp_index_free(&ix);
	dbrev_graph_free(g);
	dbrev_import_list_free(&l);
	dbrev_import_source_free(&src);
	if (rc == -1)
		res->nunchanged = 0;
	return rc;
}

void
dbrev_import_result_free(struct dbrev_import_result *res)
{
	size_t i;

	for (i = 0; i < res->nwritten; i++)
		free(res->written[i]);
	free(res->written);
	memset(res, 0, sizeof(*res));
}
