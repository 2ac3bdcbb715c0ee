/* driver.c - open and close connections through the driver a URL names. */
#include <stdlib.h>
#include <string.h>

#include "driver.h"

int
dbrev_db_open(const char *url, struct dbrev_db **out,
    struct dbrev_error *err)
{
	const struct dbrev_driver *drv;
	struct dbrev_conn *conn = NULL;
	struct dbrev_db *db;

	*out = NULL;
	if (dbrev_driver_of_url(url, "open", &drv, err) == -1)
		return -1;
	if (drv->load != NULL && drv->load(err) == -1)
		return -1;
	if (drv->open(url, &conn, err) == -1)
		return -1;
	db = dbrev_xcalloc(1, sizeof(*db));
	db->driver = drv;
	db->conn = conn;
	db->url_redacted = dbrev_url_redact(url);
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
