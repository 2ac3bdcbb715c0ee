/*
 * dbrev/backup.h - consistent backups of a database: take, verify, list,
 * prune and restore.
 *
 * A backup is one file named after the database, the UTC time it was
 * taken and the revision the database was at:
 *
 *   app-20261124T010203Z-3f2a9c1b7e44.sqlite3     SQLite (a database file)
 *   shop-20261124T010203Z-a1b2+c3d4.pgdump        PostgreSQL (pg_dump -Fc)
 *   app-20261124T010203Z-base-1.sqlite3           a second one that second
 *
 * The name is for people; which database a backup is of is the record
 * at its end (struct dbrev_backup_record), which goes wherever the file
 * goes.  Files are written to a temporary name in the destination
 * directory, fsynced and linked into place without ever replacing a
 * file, so a crash leaves no partial file under a backup's name.  Only
 * files whose names follow this pattern are listed or pruned, and only
 * those whose record names the database are pruned.
 */
#ifndef DBREV_BACKUP_H
#define DBREV_BACKUP_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "dbrev/db.h"
#include "dbrev/error.h"

struct dbrev_graph;
struct dbrev_db;

#define DBREV_BACKUP_DEFAULT_DIR "backups"
#define DBREV_BACKUP_STAMP_LEN	16	/* YYYYMMDDTHHMMSSZ */

/* What a backup file holds. */
enum dbrev_backup_kind {
	DBREV_BACKUP_NONE = 0,	/* not something dbbackup wrote */
	DBREV_BACKUP_SQLITE,	/* a SQLite database file, .sqlite3 */
	DBREV_BACKUP_PGDUMP	/* a pg_dump custom-format archive, .pgdump */
};

/* The file name extension of a kind (".sqlite3", ".pgdump"), or "". */
const char	*dbrev_backup_ext(enum dbrev_backup_kind);

/* The backup kind that holds a database of this dialect. */
enum dbrev_backup_kind dbrev_backup_kind_for(enum dbrev_dialect);

/* "SQLite database", "PostgreSQL dump" or "unknown file", for messages. */
const char	*dbrev_backup_kind_name(enum dbrev_backup_kind);

/* What a backup's file name says. */
struct dbrev_backup_name {
	char			*db;		/* database label */
	char			 stamp[DBREV_BACKUP_STAMP_LEN + 1];
	time_t			 time;		/* the stamp, seconds since the epoch */
	char			*revision;	/* "3f2a9c1b7e44", "a1b2+c3d4", "base" */
	unsigned		 seq;		/* N of a "-N" suffix, else 0 */
	enum dbrev_backup_kind	 kind;
};

/*
 * The label of a database in backup names: characters other than
 * [A-Za-z0-9_.-] become '_' ("db" when empty).  Caller frees.
 */
char	*dbrev_backup_db_label(const char *name);

/*
 * Format the file name (no directory) of a backup taken at t (UTC).
 * db is labelled with dbrev_backup_db_label; revision must be a valid
 * revision, several joined with '+', or "base".  seq > 0 adds "-seq".
 * Caller frees.
 */
char	*dbrev_backup_name_format(const char *db, time_t t,
	    const char *revision, unsigned seq, enum dbrev_backup_kind);

/*
 * Parse a file name (a path's last component is used) back.  Returns 0
 * and fills out (free with dbrev_backup_name_free) when the name is one
 * dbbackup writes, -1 otherwise (out left empty).
 */
int	 dbrev_backup_name_parse(const char *filename,
	    struct dbrev_backup_name *out);
void	 dbrev_backup_name_free(struct dbrev_backup_name *);

/*
 * Which database a backup is of, without a secret, the same however the
 * URL spells it where that can be told without connecting:
 *
 *   sqlite:///srv/app/app.db      the file's absolute path, symbolic
 *                                 links resolved (realpath)
 *   postgresql://db.example:5432/shop
 *   postgresql://%2Frun%2Fpostgresql:5432/shop   a socket directory
 *
 * For PostgreSQL: each host lowercased, without a trailing dot, with its
 * port (the URL's, PGPORT, else 5432); "localhost", 127.0.0.1 and ::1 are
 * "localhost"; a socket directory resolved like a path; several hosts
 * sorted; the database name as libpq picks it (the URL's, PGDATABASE,
 * else the user name); PGHOST and the other variables libpq reads count.
 * A URL naming a service file entry adds "?service=NAME".  Caller frees.
 */
int	 dbrev_backup_identity(const char *url, char **id,
	    struct dbrev_error *err);

/* The record at the end of every backup dbbackup writes. */
struct dbrev_backup_record {
	char	*database;	/* dbrev_backup_identity; never empty */
	char	*revision;	/* as in the name: "3f2a9c1b7e44", "base" */
	char	*taken;		/* UTC, "2026-11-24T01:02:03Z" */
	char	*dbrev;		/* the version that wrote it */
};

void	 dbrev_backup_record_free(struct dbrev_backup_record *);

/*
 * The bytes appended to a backup (without padding), *len of them.  Any
 * field but database may be NULL (left out).  Caller frees.
 */
char	*dbrev_backup_record_encode(const struct dbrev_backup_record *,
	    size_t *len);

/*
 * The record at the end of buf[0..len): 1 with *r filled (free it) and
 * *start its first byte (start may be NULL); 0 when buf ends in none;
 * -1 when it ends in a damaged one.
 */
int	 dbrev_backup_record_decode(const char *buf, size_t len,
	    struct dbrev_backup_record *r, size_t *start);

enum {
	DBREV_RECORD_NONE = 0,		/* an older dbbackup wrote it */
	DBREV_RECORD_OK = 1,
	DBREV_RECORD_DAMAGED = 2
};

/*
 * Read a backup file's record: DBREV_RECORD_* (*r filled when OK), and
 * in *data_end (when not NULL) how many bytes precede it (all of them
 * when there is none or it is damaged); -1 with err when the file
 * cannot be read.
 */
int	 dbrev_backup_record_read(const char *path,
	    struct dbrev_backup_record *r, off_t *data_end,
	    struct dbrev_error *err);

/*
 * Append r to the open file fd, after zero bytes that make the file's
 * size a multiple of pad_to (0: none).
 */
int	 dbrev_backup_record_append(int fd,
	    const struct dbrev_backup_record *r, size_t pad_to,
	    struct dbrev_error *err);

/* One backup in a directory. */
struct dbrev_backup_entry {
	char			*path;	/* dir/name */
	struct dbrev_backup_name name;
	off_t			 size;	/* bytes */
	int			 record; /* DBREV_RECORD_* */
	char			*database; /* the record's, or NULL */
};

/*
 * The backups in dir, oldest first (by time, then suffix, then name).
 * kind filters when not NONE.  With id (dbrev_backup_identity), only
 * that database's: those whose record names it, and those without a
 * (sound) record whose name's label is label (never when label is
 * NULL).  A missing directory holds no backups.  Free with
 * dbrev_backup_entries_free.
 */
int	 dbrev_backup_list(const char *dir, const char *id,
	    const char *label, enum dbrev_backup_kind kind,
	    struct dbrev_backup_entry **out, size_t *n,
	    struct dbrev_error *err);
void	 dbrev_backup_entries_free(struct dbrev_backup_entry *, size_t n);

/* Order two entries as dbrev_backup_list does (for qsort). */
int	 dbrev_backup_entry_cmp(const void *, const void *);

/*
 * Retention: of entries (oldest first), those whose record names
 * database id, of kind, beyond the newest keep.  Fills out[] (sized n)
 * with their indices, oldest first, and returns how many.  Other
 * entries, and entries without a record, are never chosen.
 */
size_t	 dbrev_backup_prune_select(const struct dbrev_backup_entry *,
	    size_t n, const char *id, enum dbrev_backup_kind kind,
	    size_t keep, size_t *out);

/*
 * Remove the backups of database id and kind in dir beyond the newest
 * keep.  The removed paths are returned in *removed (NULL-terminated,
 * free each and the array) when removed is not NULL; *unrecorded (when
 * not NULL) counts the backups of that kind labelled label that were
 * left alone for want of a record.
 */
int	 dbrev_backup_prune(const char *dir, const char *id,
	    const char *label, enum dbrev_backup_kind kind, size_t keep,
	    char ***removed, size_t *unrecorded, struct dbrev_error *err);

/*
 * The revision(s) a database is at, as used in backup names: the
 * current heads per the graph of migrations directory dir, joined with
 * '+' in apply order, or "base" when nothing is applied or the version
 * table is missing.  When the graph cannot be loaded (or does not know
 * an applied revision), the most recently applied row is used.
 */
char	*dbrev_backup_revision_of(const struct dbrev_applied *rows, size_t n,
	    const struct dbrev_graph *g);

/* Options shared by the operations. */
struct dbrev_backup_opts {
	const char	*migrations_dir;  /* names the revision; NULL: "migrations" */
	const char	*table;		  /* version table; NULL: the default */
	/*
	 * Seconds to wait for a lock another connection holds: revapply's
	 * lock (restore), a writer's (SQLite), a table's (PostgreSQL).
	 * 0 does not wait; negative is DBREV_DEFAULT_LOCK_TIMEOUT.
	 */
	double		 lock_timeout;
	const char	*pg_dump;	  /* program to use; NULL: search */
	const char	*pg_restore;	  /* program to use; NULL: search */
	/*
	 * Called now and then while copying (done, total in bytes; total
	 * may be 0 when unknown), for a progress display.  May be NULL.
	 */
	void		(*progress)(void *arg, unsigned long long done,
			    unsigned long long total);
	void		*progress_arg;
	/*
	 * Called with a warning (one line, no trailing newline) as soon
	 * as there is one, e.g. before a restore starts.  May be NULL.
	 */
	void		(*warn)(void *arg, const char *msg);
	void		*warn_arg;

	/* Restore: */
	int		 force;		  /* another database's backup too */
	int		 no_safety_backup; /* no backup of what it overwrites */
	const char	*backup_dir;	  /* the safety backup's, or NULL */
};

/* Defaults: everything NULL, lock_timeout DBREV_DEFAULT_LOCK_TIMEOUT. */
void	 dbrev_backup_opts_init(struct dbrev_backup_opts *);

/*
 * What an operation did, for the tool to report.  Filled on success
 * (free it with dbrev_backup_result_free); on failure nothing is left
 * in it to free.
 */
struct dbrev_backup_result {
	char			*path;	   /* backup written, verified or restored */
	char			*revision; /* backup's revision / database's now */
	enum dbrev_backup_kind	 kind;
	unsigned long long	 size;	   /* bytes of the backup */
	char			*program;  /* pg_dump / pg_restore used, or NULL */
	char			*detail;   /* e.g. "integrity_check ok, 1234 pages" */
	char			*note;	   /* worth telling the user, or NULL */
	int			 record;   /* the backup's, DBREV_RECORD_* */
	char			*database; /* what its record says, or NULL */
	char			*taken;	   /* what its record says, or NULL */
	char			*safety;   /* restore: the safety backup */
};

void	 dbrev_backup_result_free(struct dbrev_backup_result *);

/*
 * Take a backup of the database at url.  With out_file, write exactly
 * that file (refused when it exists); otherwise a new, uniquely named
 * file in dir (default "backups", created if missing).  The file is
 * complete and verified, or absent.
 */
int	 dbrev_backup_take(const char *url, const char *out_file,
	    const char *dir, const struct dbrev_backup_opts *,
	    struct dbrev_backup_result *, struct dbrev_error *err);

/*
 * Check a backup thoroughly: a SQLite file with PRAGMA integrity_check,
 * a dump with pg_restore --list and a full read of its data, and its
 * record (a damaged one fails; none is fine: an older dbbackup's).  url
 * may be NULL; when given, a backup of the other kind of database is
 * refused.  result->database and ->revision say what the record says.
 */
int	 dbrev_backup_verify(const char *url, const char *file,
	    const struct dbrev_backup_opts *, struct dbrev_backup_result *,
	    struct dbrev_error *err);

/*
 * Restore a backup into the database at url.  Refused (DBREV_ERR_INPUT)
 * when its record names another database, or (DBREV_ERR_RUNTIME) when
 * its record is damaged, unless o->force; a backup without a record
 * (an older dbbackup's) is restored with a warning, as is one whose
 * revision the migrations directory lacks.  Verified first; then, under
 * the lock revapply takes, a backup of the database as it is is taken
 * into o->backup_dir (result->safety; not when o->no_safety_backup, nor
 * for a SQLite file that does not exist or is empty), and the backup is
 * restored.  result->revision says where the database is now.
 */
int	 dbrev_backup_restore(const char *url, const char *file,
	    const struct dbrev_backup_opts *, struct dbrev_backup_result *,
	    struct dbrev_error *err);

/* The kind of a file from its first bytes (NONE when neither). */
int	 dbrev_backup_sniff(const char *path, enum dbrev_backup_kind *kind,
	    struct dbrev_error *err);

/*
 * Interrupted by a signal: remove the temporary file being written and
 * stop the child being run, if any.  Async-signal-safe; a tool calls it
 * from its SIGINT/SIGTERM/SIGHUP handler.
 */
void	 dbrev_backup_interrupted(void);

/*
 * Helpers for writing a file atomically, used by the operations.
 *
 * dbrev_tmpfile_open creates an empty file, mode 0600, under a name
 * dbbackup never lists (".dbbackup-" six random characters ".tmp") in dir.
 * dbrev_tmpfile_commit fsyncs it and links it to final (in the same
 * directory) without replacing anything, removes the temporary name
 * and fsyncs the directory (best effort): 0 on success, 1 when final
 * exists (nothing changed, try another name), -1 on error.
 * dbrev_tmpfile_discard removes the temporary file (if still there)
 * and frees.
 */
struct dbrev_tmpfile {
	int	 fd;
	char	*dir;
	char	*path;
};

int	 dbrev_tmpfile_open(const char *dir, struct dbrev_tmpfile *,
	    struct dbrev_error *err);
int	 dbrev_tmpfile_commit(struct dbrev_tmpfile *, const char *final,
	    struct dbrev_error *err);
void	 dbrev_tmpfile_discard(struct dbrev_tmpfile *);

/*
 * The label of the database a URL names, as backup names hold it, found
 * without connecting: a SQLite file's name less its extension, a
 * PostgreSQL database's name.  Caller frees *label.
 */
int	 dbrev_backup_url_label(const char *url, char **label,
	    struct dbrev_error *err);

/*
 * Per database, used by backup.c (lib/db/sqlite/backup.c and
 * lib/db/postgres/backup.c).  *_take writes the backup of url into the
 * open temporary file tmp and sets *revision, read through the driver
 * and consistent with the copy.
 */
int	 dbrev_backup_sqlite_take(const char *url, struct dbrev_tmpfile *tmp,
	    const struct dbrev_backup_opts *, char **revision,
	    struct dbrev_backup_result *, struct dbrev_error *err);
int	 dbrev_backup_sqlite_verify(const char *file,
	    struct dbrev_backup_result *, struct dbrev_error *err);
int	 dbrev_backup_sqlite_restore(struct dbrev_db *, const char *url,
	    const char *file, const struct dbrev_backup_opts *,
	    struct dbrev_error *err);

int	 dbrev_backup_pg_dbname(const char *url, char **name,
	    struct dbrev_error *err);
int	 dbrev_backup_pg_identity(const char *url, char **id,
	    struct dbrev_error *err);
int	 dbrev_backup_pg_take(const char *url, struct dbrev_tmpfile *tmp,
	    const struct dbrev_backup_opts *, char **revision,
	    struct dbrev_backup_result *, struct dbrev_error *err);
int	 dbrev_backup_pg_verify(const char *url, const char *file,
	    const struct dbrev_backup_opts *, struct dbrev_backup_result *,
	    struct dbrev_error *err);
int	 dbrev_backup_pg_restore(struct dbrev_db *, const char *url,
	    const char *file, const struct dbrev_backup_opts *,
	    struct dbrev_backup_result *, struct dbrev_error *err);

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

/*
 * A copy of s that prints on one line (caller frees): control
 * characters and DEL become C escapes (\n, \t, \x01); with join, line
 * breaks instead end a part ("; " between parts, none at either end)
 * and a tab is a space.  Text without control characters is unchanged.
 */
char	*dbrev_backup_oneline(const char *s, int join);

/*
 * Record an error about a backup file as "FILE: MESSAGE; HINT", one line
 * whatever FILE, MESSAGE and HINT hold (see dbrev_backup_oneline).
 * Returns -1.
 */
int	 dbrev_backup_file_error(struct dbrev_error *err,
	    enum dbrev_error_kind kind, const char *file, const char *hint,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* For the signal handler: the child being run (0: none). */
void	 dbrev_backup_set_child(pid_t);

/*
 * Block SIGINT, SIGTERM and SIGHUP (the old mask in *old) while what
 * the handler cleans up is being created or recorded, so that it never
 * misses a file just made or a child just started.
 */
void	 dbrev_backup_block_signals(sigset_t *old);

#endif /* DBREV_BACKUP_H */
