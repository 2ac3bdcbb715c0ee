/*
 * text.h - internal to lib/db/postgres: the PostgreSQL text helpers that
 * quote, rewrite or take apart SQL (lib/db/postgres/emit.c, autogen.c),
 * declared here for the unit tests and tests/fuzz/fuzz_emit.c.
 * The identifier and literal quoting are in dbrev/schema_postgres.h.
 */
#ifndef DBREV_PGTEXT_H
#define DBREV_PGTEXT_H

#include <stddef.h>

#include "dbrev/util.h"

/*
 * body dollar-quoted ($dbrev$...$dbrev$, the tag numbered until its
 * closing delimiter cannot occur early), appended to b.  PostgreSQL
 * reads it back as exactly body.
 */
void	 dbrev_pg_dollar(struct dbrev_buf *b, const char *body);

/*
 * A type as format_type prints it, without its type modifier, as a
 * name a cast can use: "character varying(10)" -> "character varying",
 * "numeric(12,2)[]" -> "numeric[]", "character(2)" -> "bpchar" (plain
 * "character" is character(1)), "bit(3)" -> "\"bit\"",
 * "timestamp(3) with time zone" -> "timestamp with time zone".
 * Caller frees.
 */
char	*dbrev_pg_type_base(const char *type);

/*
 * The psql meta-commands of a schema file (a line's backslash command
 * outside quotes, comments and dollar quotes).  pg_dump's
 * \restrict KEY and \unrestrict KEY are blanked out in place (their
 * bytes become spaces, newlines stay, so lines keep their numbers).
 * Returns 0, or the 1-based line of the first other meta-command with
 * its name (without the backslash, at most size - 1 bytes) in cmd.
 */
unsigned dbrev_pg_strip_meta(char *text, char *cmd, size_t size);

/*
 * The GRANT (or REVOKE) that one DBREV_OBJ_GRANT line ("+PRIV\tGRANTEE",
 * "-PRIV\tGRANTEE", dbrev/schema.h) stands for on target ("TABLE
 * public.t"), without a semicolon, appended to b; inverse: the statement
 * that undoes it.
 */
void	 dbrev_pg_grant(struct dbrev_buf *b, const char *target,
	    const char *line, int inverse);

/*
 * One part of a table's options as introspection writes them,
 * "[UNLOGGED] [PARTITION OF parent bound] [PARTITION BY key]
 * [REPLICA IDENTITY how] [WITH (params)]": the text after key ("PARTITION
 * OF", ...) up to the next part, or NULL.  Caller frees.
 */
char	*dbrev_pg_option(const char *options, const char *key);

/* "parent FOR VALUES ..." (a PARTITION OF part) split in two; free both. */
void	 dbrev_pg_partition_of(const char *part, char **parent, char **bound);

#endif /* DBREV_PGTEXT_H */
