/*
 * autogen_impl.h - private to libdbrev's autogenerate: the schema group
 * of a database's table of operations, which lib/db/<name>/autogen.c
 * fills and lib/autogen.c (the pipeline: read the schema file and the
 * rename hints, pick the database, call it) calls.
 */
#ifndef DBREV_AUTOGEN_IMPL_H
#define DBREV_AUTOGEN_IMPL_H

#include <stddef.h>

#include "dbrev/autogen.h"
#include "dbrev/error.h"

/*
 * A rename hint, parsed once by the pipeline for every database: from
 * the schema file ("-- dbrev: rename T.A -> B", "-- dbrev: rename table
 * A -> B") or --rename.  Names are lowercased, quotes removed.
 */
struct dbrev_rename {
	int		 is_table;	/* 1: rename table `from` to `to` */
	char		*table;		/* a column hint's table, as the
					   schema file names it (maybe by
					   the old name a table hint gives) */
	char		*from;
	char		*to;
	const char	*origin;	/* the schema file or "--rename" */
	unsigned	 line;		/* in the schema file, or 0 */
};

struct dbrev_schema_ops {
	/*
	 * Autogenerate on this database: build the schema the revisions
	 * in opts->dir make and the one `text` (the schema file
	 * opts->schema_path, read by the pipeline; the hook may modify
	 * it) makes, in scratch databases of its own, apply the rename
	 * hints that fit (old name built, new name wanted; a --rename that
	 * fits nothing is a warning), diff both ways and fill res.  Never
	 * opens the database opts->url names.
	 */
	int	(*autogen)(const struct dbrev_autogen_options *opts, char *text,
		    const struct dbrev_rename *renames, size_t nrenames,
		    struct dbrev_autogen_result *res, struct dbrev_error *err);
};

/*
 * A hint that fits nothing: for a --rename, the warning "--rename
 * T.A->B matches nothing to rename; ignored" in res (table: the column
 * hint's table as the database resolved it); for a schema file's hint,
 * nothing (it stays in the file after its revision is written).
 */
void	 dbrev_autogen_unmatched(struct dbrev_autogen_result *res,
	    const struct dbrev_rename *h, const char *table);

#endif /* DBREV_AUTOGEN_IMPL_H */
