/*
 * driver.c - a URL read once into a target, and connections opened and
 * closed through the driver it names.
 */
#include <stdlib.h>
#include <string.h>

#include "driver.h"

struct dbrev_target *
dbrev_target_new(const char *url)
{
	struct dbrev_target *t = dbrev_xcalloc(1, sizeof(*t));
	struct dbrev_error ignore = { 0 };

	t->dialect = dbrev_url_dialect(url);
	if (url != NULL && *url != '\0') {
		t->url = dbrev_xstrdup(url);
		t->display = dbrev_url_redact(url);
	} else
		t->display = dbrev_xstrdup("");
	if (dbrev_driver_of_url(url, "open", &t->driver, &ignore) == 0 &&
	    t->driver->file_of != NULL)
		t->file = t->driver->file_of(url);
	dbrev_error_clear(&ignore);
	return t;
}

void
dbrev_target_free(struct dbrev_target *t)
{
	if (t == NULL)
		return;
	free(t->url);
	free(t->display);
	free(t->file);
	free(t);
}

const char *
dbrev_target_url(const struct dbrev_target *t)
{
	return t->url;
}

const char *
dbrev_target_display(const struct dbrev_target *t)
{
	return t->display;
}

enum dbrev_dialect
dbrev_target_dialect(const struct dbrev_target *t)
{
	return t->dialect;
}

const char *
dbrev_target_file(const struct dbrev_target *t)
{
	return t->file;
}

int
dbrev_target_check(const struct dbrev_target *t, const char *doing,
    struct dbrev_error *err)
{
	const struct dbrev_driver *drv;

	if (t->driver != NULL)
		return 0;
	return dbrev_driver_of_url(t->url, doing, &drv, err);
}

int
dbrev_db_connect(const struct dbrev_target *t, struct dbrev_db **out,
    struct dbrev_error *err)
{
	const struct dbrev_driver *drv = t->driver;
	struct dbrev_conn *conn = NULL;
	struct dbrev_db *db;

	*out = NULL;
	if (dbrev_target_check(t, "open", err) == -1)
		return -1;
	if (drv->load != NULL && drv->load(err) == -1)
		return -1;
	if (drv->open(t->url, &conn, err) == -1)
		return -1;
	db = dbrev_xcalloc(1, sizeof(*db));
	db->driver = drv;
	db->conn = conn;
	db->url_redacted = dbrev_xstrdup(t->display);
	*out = db;
	return 0;
}

int
dbrev_db_open(const char *url, struct dbrev_db **out,
    struct dbrev_error *err)
{
	struct dbrev_target *t = dbrev_target_new(url);
	int rc;

	rc = dbrev_db_connect(t, out, err);
	dbrev_target_free(t);
	return rc;
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
