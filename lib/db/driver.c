/* driver.c - pick the driver a URL names, open and close connections. */
#include <stdlib.h>
#include <string.h>

#include "dbrev/driver.h"

const struct dbrev_driver *
dbrev_driver_for(enum dbrev_dialect d)
{
	switch (d) {
	case DBREV_DIALECT_SQLITE:
		return &dbrev_driver_sqlite;
	case DBREV_DIALECT_POSTGRES:
#if DBREV_WITH_POSTGRES
		return &dbrev_driver_postgres;
#else
		return NULL;
#endif
	default:
		return NULL;
	}
}

int
dbrev_db_open(const char *url, struct dbrev_db **out,
    struct dbrev_error *err)
{
	const struct dbrev_driver *drv;
	enum dbrev_dialect d;
	struct dbrev_conn *conn = NULL;
	struct dbrev_db *db;
	char *safe;

	*out = NULL;
	if (url == NULL || *url == '\0')
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "set DATABASE_URL or pass -u URL "
		    "(e.g. sqlite:app.db or postgresql://host/db)",
		    "no database URL given");
	d = dbrev_url_dialect(url);
	safe = dbrev_url_redact(url);
	if (d == DBREV_DIALECT_UNKNOWN) {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "use sqlite:path.db, sqlite:///abs/path.db, "
		    "postgresql://... or a libpq keyword string",
		    "bad database URL '%s': unknown scheme", safe);
		free(safe);
		return -1;
	}
	drv = dbrev_driver_for(d);
	if (drv == NULL) {
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "reconfigure without --without-postgres",
		    "cannot open '%s': built without PostgreSQL support",
		    safe);
		free(safe);
		return -1;
	}
#if DBREV_WITH_POSTGRES
	if (d == DBREV_DIALECT_POSTGRES && dbrev_libpq_load(err) == -1) {
		free(safe);
		return -1;
	}
#endif
	if (drv->open(url, &conn, err) == -1) {
		free(safe);
		return -1;
	}
	db = dbrev_xcalloc(1, sizeof(*db));
	db->driver = drv;
	db->conn = conn;
	db->url_redacted = safe;
	*out = db;
	return 0;
}

void
dbrev_db_close(struct dbrev_db *db)
{
	if (db == NULL)
		return;
	if (db->conn != NULL)
		db->driver->close(db->conn);
	free(db->url_redacted);
	free(db);
}

int
dbrev_db_set_lock_timeout(struct dbrev_db *db, double timeout,
    struct dbrev_error *err)
{
	if (db->driver->set_lock_timeout == NULL)
		return 0;
	return db->driver->set_lock_timeout(db->conn, timeout, err);
}

void
dbrev_applied_free(struct dbrev_applied *rows, size_t n)
{
	size_t i;

	if (rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(rows[i].revision);
		free(rows[i].checksum);
		free(rows[i].applied_at);
	}
	free(rows);
}

void
dbrev_foreign_rows_free(struct dbrev_foreign_row *rows, size_t n)
{
	size_t i;

	if (rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(rows[i].version);
		free(rows[i].type);
		free(rows[i].name);
	}
	free(rows);
}
