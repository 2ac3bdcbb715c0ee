/*
 * libpq.c - libpq, loaded when first used.
 *
 * libpq drags in some twenty shared libraries (Kerberos, LDAP, GnuTLS,
 * ...) whose loading and constructors cost a few milliseconds at every
 * start of every tool, although most runs (any SQLite database, revorder,
 * a nothing-to-do upgrade) never talk to PostgreSQL.  So libdbrev calls
 * the libpq functions it uses through thin forwarders that dlopen libpq on
 * the first call.  libpq.c renames each to dbrev_<name>, so
 * libdbrev defines none of libpq's own symbols and makes no reference to
 * them: the -lpq on the link line is then dropped by --as-needed (Debian's
 * default), and a program that links libpq itself is unaffected.  The
 * SQL, protocol and connection handling are libpq's own; nothing here
 * reimplements them.
 *
 * DBREV_LIBPQ, when set, names the library to load instead (a path, for
 * a libpq outside the loader's search path).  When it cannot be loaded,
 * PQconnectdb and friends return NULL,
 * PQstatus reports CONNECTION_BAD and PQerrorMessage says why, so the
 * driver's ordinary error path shows a clear message.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpq.h"

#include "../driver.h"


static void	*libpq;
static char	 load_error[512];

/* Names libpq goes by: the ABI version first, then the development link. */
static const char *const libpq_names[] = {
#ifdef __APPLE__
	"libpq.5.dylib", "libpq.dylib",
#endif
	"libpq.so.5", "libpq.so", NULL
};

/* The address of libpq's own `name`, or NULL with load_error set. */
static void *
sym(const char *name)
{
	const char *const *n, *want = getenv("DBREV_LIBPQ");
	void *p;

	if (libpq == NULL) {
		if (want != NULL && *want != '\0')
			libpq = dlopen(want, RTLD_NOW | RTLD_LOCAL);
		else
			for (n = libpq_names; *n != NULL && libpq == NULL; n++)
				libpq = dlopen(*n, RTLD_NOW | RTLD_LOCAL);
		if (libpq == NULL) {
			const char *e = dlerror();

			snprintf(load_error, sizeof(load_error), "cannot load "
			    "libpq (%s); install the PostgreSQL client library "
			    "(e.g. apt-get install libpq5) or name it in "
			    "DBREV_LIBPQ", e != NULL ? e : "not found");
			return NULL;
		}
	}
	if ((p = dlsym(libpq, name)) == NULL)
		snprintf(load_error, sizeof(load_error), "libpq has no %s",
		    name);
	return p;
}

/* ret name(params) forwarding to libpq's; `fail` when it cannot load. */
#define FORWARD(ret, name, params, args, fail)				\
ret									\
name params								\
{									\
	static ret (*fn) params;					\
									\
	if (fn == NULL && (*(void **)(&fn) = sym(#name)) == NULL)	\
		return fail;						\
	return fn args;							\
}

#define FORWARD_VOID(name, params, args)				\
void									\
name params								\
{									\
	static void (*fn) params;					\
									\
	if (fn == NULL && (*(void **)(&fn) = sym(#name)) == NULL)	\
		return;							\
	fn args;							\
}

/* Connections. */
FORWARD(PGconn *, PQconnectdb, (const char *conninfo), (conninfo), NULL)
FORWARD(PGconn *, PQconnectdbParams, (const char *const *keywords,
    const char *const *values, int expand_dbname),
    (keywords, values, expand_dbname), NULL)
FORWARD(PGPing, PQping, (const char *conninfo), (conninfo), PQPING_NO_ATTEMPT)
FORWARD_VOID(PQfinish, (PGconn *conn), (conn))
FORWARD_VOID(PQreset, (PGconn *conn), (conn))
FORWARD(PQconninfoOption *, PQconndefaults, (void), (), NULL)

/* Says why in *errmsg (freed with PQfreemem, as libpq's would be). */
PQconninfoOption *
PQconninfoParse(const char *conninfo, char **errmsg)
{
	static PQconninfoOption *(*fn)(const char *, char **);

	if (fn == NULL &&
	    (*(void **)(&fn) = sym("PQconninfoParse")) == NULL) {
		if (errmsg != NULL)
			*errmsg = strdup(load_error);
		return NULL;
	}
	return fn(conninfo, errmsg);
}
FORWARD_VOID(PQconninfoFree, (PQconninfoOption *opts), (opts))
FORWARD(ConnStatusType, PQstatus, (const PGconn *conn), (conn),
    CONNECTION_BAD)
FORWARD(PGTransactionStatusType, PQtransactionStatus, (const PGconn *conn),
    (conn), PQTRANS_UNKNOWN)
FORWARD(const char *, PQparameterStatus, (const PGconn *conn,
    const char *paramName), (conn, paramName), NULL)
FORWARD(int, PQserverVersion, (const PGconn *conn), (conn), 0)
FORWARD(int, PQclientEncoding, (const PGconn *conn), (conn), -1)
FORWARD(int, PQsocket, (const PGconn *conn), (conn), -1)
FORWARD(char *, PQdb, (const PGconn *conn), (conn), NULL)
FORWARD(char *, PQuser, (const PGconn *conn), (conn), NULL)
FORWARD(char *, PQhost, (const PGconn *conn), (conn), NULL)
FORWARD(char *, PQport, (const PGconn *conn), (conn), NULL)
FORWARD(int, PQlibVersion, (void), (), 0)
FORWARD(PQnoticeReceiver, PQsetNoticeReceiver, (PGconn *conn,
    PQnoticeReceiver proc, void *arg), (conn, proc, arg), NULL)
FORWARD(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *conn,
    PQnoticeProcessor proc, void *arg), (conn, proc, arg), NULL)
FORWARD(PGVerbosity, PQsetErrorVerbosity, (PGconn *conn,
    PGVerbosity verbosity), (conn, verbosity), PQERRORS_DEFAULT)

/* PQerrorMessage also says why libpq could not be loaded. */
char *
PQerrorMessage(const PGconn *conn)
{
	static char *(*fn)(const PGconn *);

	if (fn == NULL && (*(void **)(&fn) = sym("PQerrorMessage")) == NULL)
		return load_error;
	if (conn == NULL && load_error[0] != '\0')
		return load_error;
	return fn(conn);
}

/* Commands and results. */
FORWARD(PGresult *, PQexec, (PGconn *conn, const char *query),
    (conn, query), NULL)
FORWARD(PGresult *, PQexecParams, (PGconn *conn, const char *command,
    int nParams, const Oid *paramTypes, const char *const *paramValues,
    const int *paramLengths, const int *paramFormats, int resultFormat),
    (conn, command, nParams, paramTypes, paramValues, paramLengths,
    paramFormats, resultFormat), NULL)
FORWARD(PGresult *, PQprepare, (PGconn *conn, const char *stmtName,
    const char *query, int nParams, const Oid *paramTypes),
    (conn, stmtName, query, nParams, paramTypes), NULL)
FORWARD(PGresult *, PQexecPrepared, (PGconn *conn, const char *stmtName,
    int nParams, const char *const *paramValues, const int *paramLengths,
    const int *paramFormats, int resultFormat),
    (conn, stmtName, nParams, paramValues, paramLengths, paramFormats,
    resultFormat), NULL)
FORWARD(int, PQsendQuery, (PGconn *conn, const char *query), (conn, query), 0)
FORWARD(int, PQsendQueryParams, (PGconn *conn, const char *command,
    int nParams, const Oid *paramTypes, const char *const *paramValues,
    const int *paramLengths, const int *paramFormats, int resultFormat),
    (conn, command, nParams, paramTypes, paramValues, paramLengths,
    paramFormats, resultFormat), 0)
FORWARD(int, PQsendQueryPrepared, (PGconn *conn, const char *stmtName,
    int nParams, const char *const *paramValues, const int *paramLengths,
    const int *paramFormats, int resultFormat),
    (conn, stmtName, nParams, paramValues, paramLengths, paramFormats,
    resultFormat), 0)
FORWARD(int, PQenterPipelineMode, (PGconn *conn), (conn), 0)
FORWARD(int, PQexitPipelineMode, (PGconn *conn), (conn), 0)
FORWARD(int, PQpipelineSync, (PGconn *conn), (conn), 0)
FORWARD(PGresult *, PQgetResult, (PGconn *conn), (conn), NULL)
FORWARD(int, PQconsumeInput, (PGconn *conn), (conn), 0)
FORWARD(int, PQisBusy, (PGconn *conn), (conn), 0)
FORWARD(ExecStatusType, PQresultStatus, (const PGresult *res), (res),
    PGRES_FATAL_ERROR)
FORWARD(char *, PQresStatus, (ExecStatusType status), (status), NULL)
FORWARD(char *, PQresultErrorMessage, (const PGresult *res), (res),
    load_error)
FORWARD(char *, PQresultErrorField, (const PGresult *res, int fieldcode),
    (res, fieldcode), NULL)
FORWARD(int, PQntuples, (const PGresult *res), (res), 0)
FORWARD(int, PQnfields, (const PGresult *res), (res), 0)
FORWARD(char *, PQfname, (const PGresult *res, int field_num),
    (res, field_num), NULL)
FORWARD(char *, PQgetvalue, (const PGresult *res, int tup_num,
    int field_num), (res, tup_num, field_num), NULL)
FORWARD(int, PQgetlength, (const PGresult *res, int tup_num, int field_num),
    (res, tup_num, field_num), 0)
FORWARD(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num),
    (res, tup_num, field_num), 1)
FORWARD(char *, PQcmdStatus, (PGresult *res), (res), NULL)
FORWARD(char *, PQcmdTuples, (PGresult *res), (res), NULL)
FORWARD_VOID(PQclear, (PGresult *res), (res))

/* libpq's PQfreemem is free(); ours frees the messages made above. */
void
PQfreemem(void *ptr)
{
	static void (*fn)(void *);

	if (fn == NULL && (*(void **)(&fn) = sym("PQfreemem")) == NULL) {
		free(ptr);
		return;
	}
	fn(ptr);
}
FORWARD(char *, PQescapeIdentifier, (PGconn *conn, const char *str,
    size_t len), (conn, str, len), NULL)
FORWARD(char *, PQescapeLiteral, (PGconn *conn, const char *str, size_t len),
    (conn, str, len), NULL)

/* COPY. */
FORWARD(int, PQputCopyData, (PGconn *conn, const char *buffer, int nbytes),
    (conn, buffer, nbytes), -1)
FORWARD(int, PQputCopyEnd, (PGconn *conn, const char *errormsg),
    (conn, errormsg), -1)
FORWARD(int, PQgetCopyData, (PGconn *conn, char **buffer, int async),
    (conn, buffer, async), -2)

/* Encodings. */
FORWARD(const char *, pg_encoding_to_char, (int encoding), (encoding), "")

int
dbrev_libpq_load(struct dbrev_error *err)
{
	if (sym("PQconnectdbParams") != NULL)
		return 0;
	return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL, "%s",
	    load_error);
}
