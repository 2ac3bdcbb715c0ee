/*
 * backup_impl.h - private to libdbrev's backups: the backup group of a
 * database's table of operations, which lib/db/<name>/backup.c fills and
 * lib/backup.c (the pipeline: name, record, publish, list, prune,
 * check before restore) calls, and the helpers the groups use.
 */
#ifndef DBREV_BACKUP_IMPL_H
#define DBREV_BACKUP_IMPL_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "dbrev/backup.h"
#include "db/driver.h"

/*
 * What a database does for dbbackup.  The pipeline has checked the URL
 * names this database; url may hold a password, which never reaches
 * err.  Lock timeouts are dbrev_backup_timeout(o).
 */
struct dbrev_backup_ops {
	enum dbrev_backup_kind	 kind;	/* what its backups are */
	/*
	 * The database's label in backup names, found without connecting
	 * (dbrev_backup_url_label), and its identity in backup records
	 * (dbrev_backup_identity).  Caller frees.
	 */
	int	(*label)(const char *url, char **label,
		    struct dbrev_error *err);
	int	(*identity)(const char *url, char **id,
		    struct dbrev_error *err);
	/*
	 * Optional (NULL: no padding).  The size a complete backup in the
	 * open file fd must stay a multiple of once its record is appended
	 * (SQLite: its page size), 0 for none.
	 */
	size_t	(*record_pad)(int fd);
	/*
	 * Write the backup of the database at url into the open temporary
	 * file tmp and set *revision (dbrev_backup_revision_of), read
	 * through the driver and consistent with the copy.  res->program,
	 * ->detail and ->note may be set.
	 */
	int	(*take)(const char *url, struct dbrev_tmpfile *tmp,
		    const struct dbrev_backup_opts *, char **revision,
		    struct dbrev_backup_result *res, struct dbrev_error *err);
	/*
	 * Check the backup file thoroughly (its record is the pipeline's);
	 * url may be NULL.  res->detail may be set.
	 */
	int	(*verify)(const char *url, const char *file,
		    const struct dbrev_backup_opts *,
		    struct dbrev_backup_result *res, struct dbrev_error *err);
	/*
	 * Restore the verified file into the database at url, while db
	 * (open on it) holds revapply's lock.
	 */
	int	(*restore)(struct dbrev_db *db, const char *url,
		    const char *file, const struct dbrev_backup_opts *,
		    struct dbrev_backup_result *res, struct dbrev_error *err);
};

/*
 * The revision the database at url is at (opens it through its driver;
 * see dbrev_backup_revision_of).  Used by the per-database code.
 */
int	 dbrev_backup_read_revision(const char *url,
	    const struct dbrev_backup_opts *, char **revision,
	    struct dbrev_error *err);
/* The same on an open connection. */
int	 dbrev_backup_db_revision(struct dbrev_db *,
	    const struct dbrev_backup_opts *, char **revision,
	    struct dbrev_error *err);

/* The lock timeout of o in seconds, >= 0 (see dbrev_backup_opts). */
double	 dbrev_backup_timeout(const struct dbrev_backup_opts *o);

/* dbrev_db_open, with the waits of the connection bounded by o. */
int	 dbrev_backup_db_open(const char *url,
	    const struct dbrev_backup_opts *o, struct dbrev_db **db,
	    struct dbrev_error *err);

/* For the signal handler: the child being run (0: none). */
void	 dbrev_backup_set_child(pid_t);

/*
 * What the handler cleans up is created or recorded with the signals
 * held (dbrev_signals_hold, signals.h), so that it never misses a file
 * just made or a child just started.
 */

/*
 * The temporary file the signal handler removes (NULL: none any more).
 * Call with the signals held (dbrev_signals_hold).
 */
void	 dbrev_backup_sig_remember(const char *path);

/* c may stand in a database label in a backup's name: [A-Za-z0-9_.-]. */
int	 dbrev_backup_label_char(int c);

/* c may stand in a revision id in a backup's name: [A-Za-z0-9_]. */
int	 dbrev_backup_rev_char(int c);

/* The version table of o (the default when o or o->table is NULL). */
const char *dbrev_backup_table(const struct dbrev_backup_opts *o);

/*
 * The canonical absolute path of a file that may not exist yet (a
 * database's identity): realpath(3) of it, or of its nearest existing
 * ancestor with the rest appended by name.  Caller frees.
 */
char	*dbrev_backup_canonical_path(const char *path);

#endif /* DBREV_BACKUP_IMPL_H */
