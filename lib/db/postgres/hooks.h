/*
 * hooks.h - the PostgreSQL driver's schema group, private to
 * lib/db/postgres/ (scratch databases in autogen.c, the rest in
 * schema.c).
 */
#ifndef DBREV_POSTGRES_HOOKS_H
#define DBREV_POSTGRES_HOOKS_H

#include "../driver.h"

struct pg_conn;

/* The connection's libpq handle (lib/db/postgres/driver.c). */
struct pg_conn *dbrev_pg_conn_pg(struct dbrev_conn *);

/*
 * The connection's fingerprint cache (lib/db/postgres/fingerprint.c),
 * made there on first use and freed with the connection.
 */
struct dbrev_pg_fpcache;
/* Send what the driver holds back to pipeline (lib/db/postgres/driver.c). */
int	 dbrev_pg_conn_flush(struct dbrev_conn *, struct dbrev_error *);
struct dbrev_pg_fpcache **dbrev_pg_conn_fpcache(struct dbrev_conn *);
void	 dbrev_pg_fpcache_free(struct dbrev_pg_fpcache *);

int	 dbrev_pg_scratch_create(const char *url, const char *dev_url,
	    struct dbrev_scratch *, struct dbrev_error *);
void	 dbrev_pg_scratch_drop(struct dbrev_scratch *);
int	 dbrev_pg_conn_introspect(struct dbrev_conn *,
	    struct dbrev_schema **, struct dbrev_error *);
void	 dbrev_pg_conn_diff_options(struct dbrev_conn *,
	    struct dbrev_diff_options *);
void	 dbrev_pg_diff_sql(struct dbrev_conn *, const struct dbrev_diff *,
	    struct dbrev_buf *);
int	 dbrev_pg_fingerprint(struct dbrev_conn *, struct dbrev_buf *,
	    struct dbrev_error *);
/*
 * A scratch database's change log (watch.c): installed by
 * dbrev_pg_watch (the driver's scratch_fast), told to the fingerprint
 * by dbrev_pg_fingerprint_watched; each script the driver runs goes to
 * dbrev_pg_fingerprint_saw (again when it failed), which asks
 * dbrev_pg_watch_unseen whether it may write what the log misses (1) or
 * may have changed the watch (2); dbrev_pg_watch_unseen_body asks the
 * same of a function's stored (decoded) body.
 */
int	 dbrev_pg_watch(struct dbrev_conn *, struct dbrev_error *);
int	 dbrev_pg_watch_unseen(const char *sql);
int	 dbrev_pg_watch_unseen_body(const char *body);
void	 dbrev_pg_fingerprint_watched(struct dbrev_conn *, const char *sig);
/*
 * The watch's triggers, their functions and its log (no rule or trigger
 * on it), hashed: one SQL expression that prints alike whatever the
 * session's settings.
 */
#define DBREV_PG_WATCH_SIG "(SELECT md5(string_agg(format('%%s|%%s|%%s|%%s|" \
	"%%s|%%s|%%s|%%s', e.evtname, e.evtevent, e.evtenabled, e.evttags, " \
	"p.oid, p.prosecdef, md5(p.prosrc), p.proconfig), ',' ORDER BY " \
	"e.evtname) || (SELECT format('|%%s|%%s|%%s', c.relkind, (SELECT " \
	"count(*) FROM pg_rewrite WHERE ev_class = c.oid), (SELECT count(*) " \
	"FROM pg_trigger WHERE tgrelid = c.oid)) FROM pg_class c WHERE c.oid = " \
	"to_regclass('pg_catalog.dbrev_fingerprint_log'))) FROM " \
	"pg_event_trigger e JOIN pg_proc p ON p.oid = e.evtfoid WHERE " \
	"e.evtname IN ('dbrev_fingerprint_ddl', 'dbrev_fingerprint_drop'))"
void	 dbrev_pg_fingerprint_saw(struct dbrev_pg_fpcache *, const char *sql,
	    int failed);
int	 dbrev_pg_read_only(struct dbrev_conn *, struct dbrev_error *);

#endif /* DBREV_POSTGRES_HOOKS_H */
