/*
 * dbrev/json.h - the JSON that the tools' --format=json writes.
 *
 * A small writer, not a parser: values are appended to a buffer in
 * order, commas placed by the writer.  Strings are written as UTF-8
 * with the characters JSON requires escaped (", \, U+0000..U+001F as
 * \n, \t, ... or \u00XX) and U+007F, U+2028 and U+2029 escaped too so
 * that the text is safe to paste into JavaScript; a valid UTF-8 string
 * reads back as exactly its bytes.  Bytes that are not valid UTF-8 (a
 * revision file in Latin-1) each become U+FFFD, so the output is always
 * valid JSON.
 */
#ifndef DBREV_JSON_H
#define DBREV_JSON_H

#include <stddef.h>

#include "dbrev/util.h"

/* The version of the documented --format=json schema (revapply.1). */
#define DBREV_JSON_FORMAT_VERSION 1

/* Deeper nesting than this is not written correctly. */
#define DBREV_JSON_MAXDEPTH 16

struct dbrev_json {
	struct dbrev_buf	*out;
	int			 depth;
	unsigned char		 more[DBREV_JSON_MAXDEPTH]; /* a value written
							     at this depth */
	char			 close[DBREV_JSON_MAXDEPTH]; /* '}' or ']' */
};

/* Append s (n bytes) as a JSON string literal, quotes included. */
void	 dbrev_json_quote(struct dbrev_buf *out, const char *s, size_t n);

void	 dbrev_json_init(struct dbrev_json *, struct dbrev_buf *out);

/*
 * Inside an object every value takes a key; inside an array (and at the
 * top) key is NULL.
 */
void	 dbrev_json_object(struct dbrev_json *, const char *key);
void	 dbrev_json_array(struct dbrev_json *, const char *key);
void	 dbrev_json_end(struct dbrev_json *);	/* closes either */
void	 dbrev_json_string(struct dbrev_json *, const char *key,
	    const char *s);			/* NULL: null */
void	 dbrev_json_int(struct dbrev_json *, const char *key, long long v);
void	 dbrev_json_number(struct dbrev_json *, const char *key, double v);
void	 dbrev_json_bool(struct dbrev_json *, const char *key, int v);
void	 dbrev_json_null(struct dbrev_json *, const char *key);

/*
 * The documents of --format=json (lib/json_report.c), one JSON object
 * and a newline appended to out, schema in revapply(1) "JSON OUTPUT".
 * Every document has "format_version" (DBREV_JSON_FORMAT_VERSION) and
 * "command".
 */
struct dbrev_graph;
struct dbrev_status;
struct dbrev_stairway_result;
struct dbrev_drift_result;

/* revorder: "order" (apply order), "heads" or "history" of the graph;
   heads lists apply-order indices (NULL: every revision). */
void	 dbrev_json_graph(struct dbrev_buf *out, const char *command,
	    const struct dbrev_graph *g, const size_t *which, size_t n);
/* revapply current, status, history (st->graph may be NULL: history
   without a database, from g). */
void	 dbrev_json_status(struct dbrev_buf *out, const char *command,
	    const struct dbrev_status *st, const struct dbrev_graph *g,
	    int exit_status);
void	 dbrev_json_stairway(struct dbrev_buf *out,
	    const struct dbrev_stairway_result *res, int strict);
void	 dbrev_json_drift(struct dbrev_buf *out,
	    const struct dbrev_drift_result *res);

#endif /* DBREV_JSON_H */
