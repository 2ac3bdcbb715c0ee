/*
 * backup.c - PostgreSQL backups with pg_dump and pg_restore.
 *
 * pg_dump --format=custom writes into backup.c's temporary file, which
 * is verified with pg_restore --list before it gets its name.  Restore
 * runs pg_restore --clean --if-exists --single-transaction while
 * backup.c holds revapply's advisory lock.  The programs are found on
 * PATH and in the usual per-version directories; the one whose major
 * version matches the server's is preferred, else the oldest newer one
 * (pg_dump dumps older servers, never newer ones).
 *
 * Children run through posix_spawnp with an argv (no shell).  The
 * connection reaches them through PG* environment variables built from
 * the URL with PQconninfoParse, never on their command line; their
 * messages are scrubbed of the password before they reach an error.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpq.h"

#include "../../backup_impl.h"
#include "../../signals.h"
#include "postgres.h"
#include "schema.h"

extern char **environ;

#define STDERR_KEEP	(64 * 1024)	/* keep the last this much of a child's stderr */
#define MAX_ATTEMPTS	3

/* Where else client programs live, besides PATH. */
static const char *const extra_dirs[] = {
	"/usr/lib/postgresql/*/bin",	/* Debian, Ubuntu */
	"/usr/pgsql-*/bin",		/* RHEL, Fedora (PGDG) */
	"/usr/local/pgsql/bin",		/* built from source */
	NULL
};

/* --- connection details for a child ---------------------------------- */

struct pgconn_info {
	char	**env;		/* environ with the URL's PG* variables */
	char	 *dbarg;	/* --dbname= value: no secret in it */
	char	 *dbname;	/* the database's name */
	char	 *password;	/* for scrubbing, or NULL */
};

static void
info_free(struct pgconn_info *ci)
{
	size_t i;

	if (ci->env != NULL) {
		for (i = 0; ci->env[i] != NULL; i++)
			free(ci->env[i]);
		free(ci->env);
	}
	free(ci->dbarg);
	free(ci->dbname);
	if (ci->password != NULL) {
		memset(ci->password, 0, strlen(ci->password));
		free(ci->password);
	}
	memset(ci, 0, sizeof *ci);
}

/* Options that are secrets and have no place in an argv. */
static int
secret_option(const char *kw)
{
	return strcmp(kw, "password") == 0 || strcmp(kw, "sslpassword") == 0;
}

/* Does environ entry e set variable name (given as "NAME")? */
static int
env_is(const char *e, const char *name)
{
	size_t n = strlen(name);

	return strncmp(e, name, n) == 0 && e[n] == '=';
}

/*
 * Split the URL into an environment for the child (every option libpq
 * has a variable for) and a --dbname keyword string for the rest (no
 * secrets), so that no password ever sits in an argv.
 */
static int
conn_info(const char *url, struct pgconn_info *ci, struct dbrev_error *err)
{
	PQconninfoOption *opts, *o;
	struct dbrev_buf arg = { 0 };
	char *errmsg = NULL;
	size_t n = 0, k = 0, i;
	char **env;

	memset(ci, 0, sizeof *ci);
	if ((opts = PQconninfoParse(url, &errmsg)) == NULL) {
		char *safe = dbrev_url_redact(url);

		if (errmsg != NULL)
			dbrev_url_scrub(url, errmsg);
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "write postgresql://user@host:port/dbname or "
		    "\"host=... dbname=...\"", "bad database URL '%s': %s",
		    safe, errmsg != NULL ? strtok(errmsg, "\n") : "unparsable");
		free(safe);
		PQfreemem(errmsg);
		return -1;
	}
	while (environ[n] != NULL)
		n++;
	for (o = opts; o->keyword != NULL; o++)
		k++;
	env = dbrev_xcalloc(n + k + 1, sizeof(*env));
	/* Keep the inherited environment, less what the URL sets. */
	for (i = 0, k = 0; i < n; i++) {
		int overridden = 0;

		for (o = opts; o->keyword != NULL; o++)
			if (o->val != NULL && o->envvar != NULL &&
			    env_is(environ[i], o->envvar))
				overridden = 1;
		if (!overridden)
			env[k++] = dbrev_xstrdup(environ[i]);
	}
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL)
			continue;
		if (strcmp(o->keyword, "dbname") == 0)
			ci->dbname = dbrev_xstrdup(o->val);
		if (strcmp(o->keyword, "password") == 0)
			ci->password = dbrev_xstrdup(o->val);
		if (o->envvar != NULL) {
			struct dbrev_buf e = { 0 };

			dbrev_buf_printf(&e, "%s=%s", o->envvar, o->val);
			env[k++] = dbrev_buf_take(&e);
		} else if (!secret_option(o->keyword))
			dbrev_pg_quote_conninfo(&arg, o->keyword, o->val);
	}
	env[k] = NULL;
	PQconninfoFree(opts);
	if (ci->dbname == NULL) {
		/* libpq's default: PGDATABASE, else the user name. */
		const char *d = NULL;

		for (i = 0; env[i] != NULL && d == NULL; i++)
			if (env_is(env[i], "PGDATABASE"))
				d = env[i] + strlen("PGDATABASE=");
		for (i = 0; env[i] != NULL && d == NULL; i++)
			if (env_is(env[i], "PGUSER"))
				d = env[i] + strlen("PGUSER=");
		if (d == NULL)
			d = getenv("USER");
		ci->dbname = dbrev_xstrdup(d != NULL && *d != '\0' ? d :
		    "postgres");
	}
	/* The database's name is no secret; it also keeps -d from being "". */
	if (arg.len == 0)
		dbrev_pg_quote_conninfo(&arg, "dbname", ci->dbname);
	else {
		struct dbrev_buf both = { 0 };

		dbrev_pg_quote_conninfo(&both, "dbname", ci->dbname);
		dbrev_buf_printf(&both, " %s", arg.data);
		dbrev_buf_free(&arg);
		arg = both;
	}
	ci->env = env;
	ci->dbarg = dbrev_buf_take(&arg);
	return 0;
}

static int
pg_backup_dbname(const char *url, char **name, struct dbrev_error *err)
{
	struct pgconn_info ci;

	*name = NULL;
	if (conn_info(url, &ci, err) == -1)
		return -1;
	*name = ci.dbname;
	ci.dbname = NULL;
	info_free(&ci);
	return 0;
}

/* --- which database: dbrev_backup_identity ------------------------ */

/* The value of keyword kw in opts, or NULL when unset or empty. */
static const char *
opt_val(const PQconninfoOption *opts, const char *kw)
{
	for (; opts != NULL && opts->keyword != NULL; opts++)
		if (strcmp(opts->keyword, kw) == 0)
			return opts->val != NULL && *opts->val != '\0' ?
			    opts->val : NULL;
	return NULL;
}

/* Append s %-encoded but for the characters a URI leaves as they are. */
static void
uri_put(struct dbrev_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			dbrev_buf_add(b, p, 1);
		else
			dbrev_buf_printf(b, "%%%c%c", hex[*p >> 4],
			    hex[*p & 15]);
	}
}

/* Part i of a comma-separated libpq list ("" past its end). */
static char *
list_item(const char *list, size_t i)
{
	const char *p = list != NULL ? list : "";

	while (i-- > 0) {
		p = strchr(p, ',');
		if (p == NULL)
			return dbrev_xstrdup("");
		p++;
	}
	return dbrev_xstrndup(p, strcspn(p, ","));
}

static size_t
list_len(const char *list)
{
	size_t n = 1;

	for (; list != NULL && *list != '\0'; list++)
		n += *list == ',';
	return n;
}

/*
 * One server as the identity spells it, "host:port": see
 * dbrev_backup_identity.  An empty host is libpq's default socket
 * directory.
 */
static char *
server_part(const char *host, const char *port)
{
	struct dbrev_buf b = { 0 }, h = { 0 };
	char real[PATH_MAX], *end;
	long pn;
	size_t n;

	if (host[0] == '/') {
		dbrev_buf_puts(&h, realpath(host, real) != NULL ? real : host);
		while (h.len > 1 && h.data[h.len - 1] == '/')
			h.data[--h.len] = '\0';
		uri_put(&b, h.data);
	} else if (host[0] != '\0') {
		dbrev_buf_puts(&h, host);
		for (n = 0; n < h.len; n++)
			if (h.data[n] >= 'A' && h.data[n] <= 'Z')
				h.data[n] = (char)(h.data[n] - 'A' + 'a');
		while (h.len > 1 && h.data[h.len - 1] == '.')
			h.data[--h.len] = '\0';
		if (strcmp(h.data, "127.0.0.1") == 0 ||
		    strcmp(h.data, "::1") == 0)
			dbrev_buf_puts(&b, "localhost");
		else if (strchr(h.data, ':') != NULL) {
			dbrev_buf_puts(&b, "[");
			uri_put(&b, h.data);
			dbrev_buf_puts(&b, "]");
		} else
			uri_put(&b, h.data);
	}
	dbrev_buf_free(&h);
	pn = strtol(port, &end, 10);
	if (*port != '\0' && *end == '\0' && pn >= 0 && pn <= 65535)
		dbrev_buf_printf(&b, ":%ld", pn);
	else {
		dbrev_buf_puts(&b, ":");
		uri_put(&b, port);
	}
	return dbrev_buf_take(&b);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * "host:port,..." sorted, duplicates once, from the host, hostaddr and
 * port lists libpq would use; -1 when their lengths disagree.
 */
static int
servers(const char *hosts, const char *addrs, const char *ports,
    struct dbrev_buf *out)
{
	size_t n, np, i;
	char **v;

	n = list_len(hosts != NULL ? hosts : addrs);
	np = list_len(ports);
	if ((hosts != NULL && addrs != NULL && list_len(addrs) != n) ||
	    (np != 1 && np != n))
		return -1;
	v = dbrev_xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		char *h = list_item(hosts, i), *a = list_item(addrs, i);
		char *p = list_item(ports, np == 1 ? 0 : i);

		/* The name, when there is one, names the server. */
		v[i] = server_part(*h != '\0' ? h : a,
		    *p != '\0' ? p : "5432");
		free(h);
		free(a);
		free(p);
	}
	qsort(v, n, sizeof(*v), str_cmp);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
			dbrev_buf_printf(out, "%s%s", i > 0 ? "," : "", v[i]);
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return 0;
}

static int
pg_backup_identity(const char *url, char **id, struct dbrev_error *err)
{
	PQconninfoOption *opts, *def;
	struct dbrev_buf b = { 0 };
	const char *service, *host, *addr, *port, *dbname, *user;
	char *errmsg = NULL, *safe;

	*id = NULL;
	if (dbrev_libpq_load(err) == -1)
		return -1;
	if ((opts = PQconninfoParse(url, &errmsg)) == NULL) {
		safe = dbrev_url_redact(url);
		if (errmsg != NULL)
			dbrev_url_scrub(url, errmsg);
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "write postgresql://user@host:port/dbname or "
		    "\"host=... dbname=...\"", "bad database URL '%s': %s",
		    safe, errmsg != NULL ? strtok(errmsg, "\n") : "unparsable");
		free(safe);
		PQfreemem(errmsg);
		return -1;
	}
	/*
	 * libpq's defaults (PGHOST, PGPORT, PGDATABASE, PGUSER, PGSERVICE's
	 * entry), but not under a service the URL names: that file's entry
	 * comes before them, and only libpq reads it.
	 */
	service = opt_val(opts, "service");
	def = service == NULL ? PQconndefaults() : NULL;
	host = opt_val(opts, "host");
	addr = opt_val(opts, "hostaddr");
	if (host == NULL && addr == NULL) {
		host = opt_val(def, "host");
		addr = opt_val(def, "hostaddr");
	}
	port = opt_val(opts, "port") != NULL ? opt_val(opts, "port") :
	    opt_val(def, "port");
	user = opt_val(opts, "user") != NULL ? opt_val(opts, "user") :
	    opt_val(def, "user");
	dbname = opt_val(opts, "dbname") != NULL ? opt_val(opts, "dbname") :
	    opt_val(def, "dbname") != NULL ? opt_val(def, "dbname") : user;
	dbrev_buf_puts(&b, "postgresql://");
	if (servers(host, addr, port, &b) == -1) {
		safe = dbrev_url_redact(url);
		dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "give one port, or one per host",
		    "bad database URL '%s': the hosts, host addresses and "
		    "ports do not pair up", safe);
		free(safe);
		dbrev_buf_free(&b);
	} else {
		dbrev_buf_puts(&b, "/");
		uri_put(&b, dbname != NULL ? dbname : "");
		if (service != NULL) {
			dbrev_buf_puts(&b, "?service=");
			uri_put(&b, service);
		}
		*id = dbrev_buf_take(&b);
	}
	PQconninfoFree(opts);
	if (def != NULL)
		PQconninfoFree(def);
	return *id != NULL ? 0 : -1;
}

/* Remove the password from text a child or libpq wrote. */
static void
scrub(const char *url, const struct pgconn_info *ci, struct dbrev_buf *b)
{
	char *p;

	if (b->data == NULL)
		return;
	dbrev_url_scrub(url, b->data);
	if (ci != NULL && ci->password != NULL && *ci->password != '\0')
		while ((p = strstr(b->data, ci->password)) != NULL) {
			size_t n = strlen(ci->password), r = n < 3 ? n : 3;

			memset(p, '*', r);
			memmove(p + r, p + n, strlen(p + n) + 1);
		}
	b->len = strlen(b->data);
}

/* --- watching a child's session for lock waits ----------------------- */

/*
 * pg_dump and pg_restore wait for table locks as long as it takes
 * (pg_restore even sets lock_timeout = 0 itself).  While one runs, our
 * own session looks every WATCH_MS at the child's (found by the
 * application_name given it), and cancels its statement once it has
 * waited for a lock longer than --lock-timeout: the child fails, and
 * its transaction rolls back.
 */
#define WATCH_MS	100.0

struct lockwatch {
	PGconn		*pg;		/* ours; NULL: not watching */
	char		 appname[64];	/* the child's application_name */
	double		 timeout_ms;
	double		 since;		/* first seen waiting (ms), or 0 */
	double		 last;		/* last looked (ms) */
	char		*what;		/* what it waited for: cancelled */
};

/*
 * Look once.  Best effort: a failing look stops the watch, it never
 * fails the child.
 */
static void
watch_tick(struct lockwatch *w)
{
	static const char look[] =
	    "SELECT pid FROM pg_stat_activity WHERE application_name = $1 "
	    "AND wait_event_type = 'Lock' LIMIT 1";
	/*
	 * What it waits for and who holds it; the cancel in the same
	 * statement, only while it still waits.
	 */
	static const char cancel[] =
	    "SELECT coalesce((SELECT CASE WHEN l.relation IS NOT NULL "
	    "THEN 'a lock on ' || l.relation::regclass::text "
	    "ELSE 'a ' || l.locktype || ' lock' END "
	    "FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted LIMIT 1), "
	    "'a lock'), coalesce((SELECT ' held by server process ' || "
	    "b.pid || coalesce(', application ' || "
	    "nullif(b.application_name, ''), '') FROM pg_stat_activity b "
	    "WHERE b.pid = (pg_blocking_pids(a.pid))[1]), ''), "
	    "pg_cancel_backend(a.pid) FROM pg_stat_activity a "
	    "WHERE a.pid = $1::int AND a.wait_event_type = 'Lock'";
	const char *params[1];
	PGresult *r;
	double now = dbrev_now_ms();
	char pid[16];

	if (w == NULL || w->pg == NULL || w->what != NULL ||
	    now - w->last < WATCH_MS)
		return;
	w->last = now;
	params[0] = w->appname;
	r = PQexecParams(w->pg, look, 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		PQfinish(w->pg);
		w->pg = NULL;
		return;
	}
	if (PQntuples(r) == 0) {
		w->since = 0;
		PQclear(r);
		return;
	}
	if (w->since == 0)
		w->since = now;
	snprintf(pid, sizeof pid, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	/* A wait seen at one look may have begun up to a look before. */
	if (now - w->since + WATCH_MS < w->timeout_ms)
		return;
	params[0] = pid;
	r = PQexecParams(w->pg, cancel, 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		struct dbrev_buf b = { 0 };

		dbrev_buf_printf(&b, "%s%s", PQgetvalue(r, 0, 0),
		    PQgetvalue(r, 0, 1));
		w->what = dbrev_buf_take(&b);
	}
	PQclear(r);
}

/* --- running a child ------------------------------------------------- */

/*
 * Run argv (searched on PATH when it has no '/') with env.  Its stdout
 * goes to *out when out is not NULL (else /dev/null), its stderr to
 * *errtext (the last STDERR_KEEP bytes).  *status is the wait status.
 * With watch, its session's lock waits are watched meanwhile.
 */
static int
run(char *const argv[], char *const env[], struct dbrev_buf *out,
    struct dbrev_buf *errtext, int *status, struct lockwatch *watch,
    struct dbrev_error *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int opipe[2] = { -1, -1 }, epipe[2] = { -1, -1 }, rc, e;
	struct pollfd pf[2];
	sigset_t old;
	siginfo_t si;
	char buf[16384];
	pid_t pid;

	if ((out != NULL && pipe2(opipe, O_CLOEXEC) == -1) ||
	    pipe2(epipe, O_CLOEXEC) == -1) {
		e = errno;
		if (opipe[0] != -1) {
			close(opipe[0]);
			close(opipe[1]);
		}
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot run %s: %s", argv[0], strerror(e));
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (out != NULL)
		posix_spawn_file_actions_adddup2(&fa, opipe[1], 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
		    O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, epipe[1], 2);
	/* The child starts with the signal mask we had. */
	dbrev_signals_hold(&old);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &old);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, env);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (rc == 0)
		dbrev_backup_set_child(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (out != NULL)
		close(opipe[1]);
	close(epipe[1]);
	if (rc != 0) {
		if (out != NULL)
			close(opipe[0]);
		close(epipe[0]);
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    rc == ENOENT ? "install it, or give its path" : NULL,
		    "cannot run %s: %s", argv[0], strerror(rc));
	}
	pf[0].fd = out != NULL ? opipe[0] : -1;
	pf[0].events = POLLIN;
	pf[1].fd = epipe[0];
	pf[1].events = POLLIN;
	while (pf[0].fd != -1 || pf[1].fd != -1) {
		int i;

		watch_tick(watch);
		if (poll(pf, 2, watch != NULL && watch->pg != NULL ?
		    (int)WATCH_MS : -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (pf[i].fd == -1 || pf[i].revents == 0)
				continue;
			n = read(pf[i].fd, buf, sizeof buf);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
				continue;
			}
			if (i == 0)
				dbrev_buf_add(out, buf, (size_t)n);
			else if (errtext != NULL) {
				dbrev_buf_add(errtext, buf, (size_t)n);
				if (errtext->len > 2 * STDERR_KEEP) {
					size_t drop = errtext->len -
					    STDERR_KEEP;

					memmove(errtext->data,
					    errtext->data + drop,
					    errtext->len - drop + 1);
					errtext->len -= drop;
				}
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (pf[i].fd != -1)
			close(pf[i].fd);
	/* Wait without reaping; forget the pid before it can be reused. */
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) == -1 &&
	    errno == EINTR)
		;
	dbrev_signals_hold(&old);
	dbrev_backup_set_child(0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (waitpid(pid, status, 0) == -1) {
		if (errno != EINTR) {
			e = errno;
			return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
			    NULL, "waiting for %s: %s", argv[0], strerror(e));
		}
	}
	return 0;
}

/*
 * The message of a failed child, one line: its first "error:" line
 * (less the "prog: error: " prefix), else its last line, else how it
 * ended.
 */
static char *
child_message(struct dbrev_buf *text, int status)
{
	struct dbrev_buf b = { 0 };
	const char *p, *best = NULL, *last = NULL;
	size_t bestn = 0, lastn = 0;

	for (p = text->data != NULL ? text->data : ""; *p != '\0'; ) {
		const char *e = strchr(p, '\n'), *at;
		size_t n = e != NULL ? (size_t)(e - p) : strlen(p);

		if (n > 0) {
			last = p;
			lastn = n;
			at = strstr(p, "error: ");
			if (best == NULL && at != NULL && at < p + n) {
				best = at + strlen("error: ");
				bestn = n - (size_t)(best - p);
			}
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	if (best != NULL)
		dbrev_buf_add(&b, best, bestn);
	else if (last != NULL)
		dbrev_buf_add(&b, last, lastn);
	else if (WIFSIGNALED(status))
		dbrev_buf_printf(&b, "killed by signal %d", WTERMSIG(status));
	else
		dbrev_buf_printf(&b, "exit status %d",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return dbrev_buf_take(&b);
}

/* --- finding the client programs ------------------------------------ */

struct prog {
	char	*path;
	int	 major;		/* 1500 for 15, 906 for 9.6; 0 unknown */
	char	*version;	/* "pg_dump (PostgreSQL) 15.18" */
	int	 wrapper;	/* a link to another program (Debian's pg_wrapper) */
};

static void
progs_free(struct prog *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].version);
	}
	free(v);
}

/* Major version from "15.18", "9.6.24", "17beta1": 1500, 906, 1700. */
static int
parse_major(const char *s)
{
	long a, b = 0;
	char *end;

	while (*s != '\0' && (*s < '0' || *s > '9'))
		s++;
	a = strtol(s, &end, 10);
	if (end == s)
		return 0;
	if (a < 10 && *end == '.')
		b = strtol(end + 1, NULL, 10);
	return (int)(a * 100 + (a < 10 ? b : 0));
}

/* PQserverVersion's 150018 or 90624 on the same scale: 1500, 906. */
static int
server_major(int v)
{
	return v >= 100000 ? v / 10000 * 100 : v / 100;
}

static char *
major_str(int m)
{
	struct dbrev_buf b = { 0 };

	if (m < 1000)
		dbrev_buf_printf(&b, "%d.%d", m / 100, m % 100);
	else
		dbrev_buf_printf(&b, "%d", m / 100);
	return dbrev_buf_take(&b);
}

/* Ask a program its version: "pg_dump (PostgreSQL) 15.18" -> 15. */
static int
prog_version(const char *path, struct prog *p)
{
	struct dbrev_buf out = { 0 };
	struct dbrev_error e;
	char *argv[3];
	int status;

	argv[0] = (char *)path;
	argv[1] = (char *)"--version";
	argv[2] = NULL;
	dbrev_error_init(&e);
	p->major = 0;
	p->version = NULL;
	if (run(argv, environ, &out, NULL, &status, NULL, &e) == -1 ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0 || out.data == NULL) {
		dbrev_error_clear(&e);
		dbrev_buf_free(&out);
		return -1;
	}
	out.data[strcspn(out.data, "\n")] = '\0';
	p->version = dbrev_xstrdup(out.data);
	/* "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" */
	{
		char *v = strstr(out.data, ") ");

		p->major = parse_major(v != NULL ? v + 2 : out.data);
	}
	dbrev_buf_free(&out);
	return 0;
}

static void
add_candidate(struct prog **v, size_t *n, const char *path)
{
	char real[PATH_MAX];
	struct stat st;
	size_t i;

	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode) ||
	    access(path, X_OK) == -1)
		return;
	/* The same program by another path is the same candidate. */
	if (realpath(path, real) == NULL)
		snprintf(real, sizeof real, "%s", path);
	for (i = 0; i < *n; i++) {
		char other[PATH_MAX];

		if (realpath((*v)[i].path, other) != NULL &&
		    strcmp(other, real) == 0)
			return;
	}
	*v = dbrev_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].path = dbrev_xstrdup(path);
	(*v)[*n].major = 0;
	(*v)[*n].version = NULL;
	{
		const char *b = strrchr(real, '/'), *want = strrchr(path, '/');

		b = b != NULL ? b + 1 : real;
		want = want != NULL ? want + 1 : path;
		(*v)[*n].wrapper = strcmp(b, want) != 0;
	}
	(*n)++;
}

/* Every `name` on PATH, then in the per-version directories. */
static void
find_candidates(const char *name, struct prog **v, size_t *n)
{
	const char *path = getenv("PATH"), *p, *e;
	size_t i, j;

	for (p = path != NULL ? path : "/usr/bin:/bin"; *p != '\0'; p = e) {
		struct dbrev_buf b = { 0 };

		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		if (e > p)
			dbrev_buf_add(&b, p, (size_t)(e - p));
		else
			dbrev_buf_puts(&b, ".");
		dbrev_buf_printf(&b, "/%s", name);
		add_candidate(v, n, b.data);
		dbrev_buf_free(&b);
		if (*e == ':')
			e++;
	}
	for (i = 0; extra_dirs[i] != NULL; i++) {
		struct dbrev_buf pat = { 0 };
		glob_t g;

		dbrev_buf_printf(&pat, "%s/%s", extra_dirs[i], name);
		if (glob(pat.data, 0, NULL, &g) == 0) {
			/* Newest directory first, so ties go to the newest. */
			for (j = g.gl_pathc; j > 0; j--)
				add_candidate(v, n, g.gl_pathv[j - 1]);
			globfree(&g);
		}
		dbrev_buf_free(&pat);
	}
}

/*
 * Choose the program to talk to a server of major version `want` (0:
 * unknown, take the newest): the given one, or the candidate of the
 * same major version, else the oldest newer one.
 */
static int
choose(const char *name, const char *given, int want, const char *near,
    struct prog *chosen, struct dbrev_error *err)
{
	struct prog *v = NULL;
	struct dbrev_buf seen = { 0 };
	size_t n = 0, i;
	long best = -1;
	char *w;

	memset(chosen, 0, sizeof *chosen);
	if (given != NULL) {
		chosen->path = dbrev_xstrdup(given);
		if (prog_version(given, chosen) == -1) {
			free(chosen->path);
			chosen->path = NULL;
			return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
			    "give the path of a working program",
			    "cannot run %s --version", given);
		}
		if (want > 0 && chosen->major > 0 && chosen->major < want) {
			w = major_str(want);
			dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
			    "%s (%s) cannot handle this server, PostgreSQL %s",
			    given, chosen->version, w);
			dbrev_error_hint(err, "give one from PostgreSQL %s or "
			    "later", w);
			free(w);
			free(chosen->path);
			free(chosen->version);
			memset(chosen, 0, sizeof *chosen);
			return -1;
		}
		return 0;
	}
	/* Next to the pg_dump chosen, if it is there: the same install. */
	if (near != NULL) {
		struct dbrev_buf b = { 0 };
		const char *s = strrchr(near, '/');

		if (s != NULL) {
			dbrev_buf_add(&b, near, (size_t)(s - near) + 1);
			dbrev_buf_puts(&b, name);
			add_candidate(&v, &n, b.data);
		}
		dbrev_buf_free(&b);
	}
	find_candidates(name, &v, &n);
	/*
	 * The programs themselves before wrappers that choose one (each
	 * run of a wrapper costs an interpreter), in the order found.
	 */
	for (i = 1; i < n; i++) {
		struct prog x = v[i];
		size_t j = i;

		while (j > 0 && v[j - 1].wrapper && !x.wrapper) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
	for (i = 0; i < n; i++) {
		if (prog_version(v[i].path, &v[i]) == -1 || v[i].major == 0)
			continue;
		dbrev_buf_printf(&seen, "%s%s (%s)", seen.len ? ", " : "",
		    v[i].path, v[i].version);
		if (want == 0) {
			if (best == -1 || v[i].major > v[best].major)
				best = (long)i;
		} else if (v[i].major == want) {
			best = (long)i;
			break;		/* the first that matches the server */
		} else if (v[i].major > want && (best == -1 ||
		    v[i].major < v[best].major))
			best = (long)i;
	}
	if (best == -1) {
		const char *opt = strcmp(name, "pg_dump") == 0 ? "pg-dump" :
		    "pg-restore";

		w = major_str(want);
		if (seen.len == 0) {
			dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
			    "%s not found on PATH or in "
			    "/usr/lib/postgresql/*/bin", name);
			dbrev_error_hint(err, "install the PostgreSQL client "
			    "programs (e.g. postgresql-client), or give --%s "
			    "PATH", opt);
		} else {
			dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
			    "no %s can handle this server (PostgreSQL %s): "
			    "found %s", name, w, seen.data);
			dbrev_error_hint(err, "install the PostgreSQL %s "
			    "client programs, or give --%s PATH", w, opt);
		}
		free(w);
		dbrev_buf_free(&seen);
		progs_free(v, n);
		return -1;
	}
	*chosen = v[best];
	v[best].path = NULL;
	v[best].version = NULL;
	dbrev_buf_free(&seen);
	progs_free(v, n);
	return 0;
}

/* libpq prints notices on stderr by default; the library never prints. */
static void
no_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/*
 * The server's major version, or -1 with err.  The connection is kept
 * in *keep (the lock watch's) when keep is not NULL, else closed.
 */
static int
server_version(const char *url, const struct pgconn_info *ci, int *major,
    PGconn **keep, struct dbrev_error *err)
{
	struct dbrev_buf msg = { 0 };
	PGconn *c;
	char *safe;

	c = PQconnectdb(url);
	if (c != NULL)
		PQsetNoticeProcessor(c, no_notice, NULL);
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		dbrev_buf_puts(&msg, c != NULL ? PQerrorMessage(c) :
		    "out of memory");
		scrub(url, ci, &msg);
		msg.data[strcspn(msg.data, "\n")] = '\0';
		safe = dbrev_url_redact(url);
		dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "check DATABASE_URL and that the server is running",
		    "cannot connect to %s: %s", safe, msg.data);
		free(safe);
		dbrev_buf_free(&msg);
		PQfinish(c);
		return -1;
	}
	*major = server_major(PQserverVersion(c));
	if (keep != NULL)
		*keep = c;
	else
		PQfinish(c);
	return 0;
}

/* Set variable name to value in the child's environment. */
static void
env_set(struct pgconn_info *ci, const char *name, const char *value)
{
	struct dbrev_buf b = { 0 };
	size_t i;

	dbrev_buf_printf(&b, "%s=%s", name, value);
	for (i = 0; ci->env[i] != NULL; i++)
		if (env_is(ci->env[i], name)) {
			free(ci->env[i]);
			ci->env[i] = dbrev_buf_take(&b);
			return;
		}
	ci->env = dbrev_xrealloc(ci->env, (i + 2) * sizeof(*ci->env));
	ci->env[i] = dbrev_buf_take(&b);
	ci->env[i + 1] = NULL;
}

/*
 * Watch the children run with ci's environment from connection pg
 * (taken over): each is named "dbbackup PID PROG" for the server.
 */
static void
watch_start(struct lockwatch *w, PGconn *pg, struct pgconn_info *ci,
    const char *prog, const struct dbrev_backup_opts *o)
{
	memset(w, 0, sizeof *w);
	w->pg = pg;
	snprintf(w->appname, sizeof w->appname, "dbbackup %ld %s",
	    (long)getpid(), prog);
	w->timeout_ms = dbrev_backup_timeout(o) * 1000;
	env_set(ci, "PGAPPNAME", w->appname);
}

static void
watch_end(struct lockwatch *w)
{
	if (w->pg != NULL)
		PQfinish(w->pg);
	free(w->what);
	memset(w, 0, sizeof *w);
}

/* The child was stopped for waiting too long: say for what. */
static int
watch_failed(const struct lockwatch *w, const char *prog, const char *hint,
    struct dbrev_error *err)
{
	return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, hint,
	    "timed out: %s waited more than %g s for %s", prog,
	    w->timeout_ms / 1000, w->what);
}

static int
child_failed(const char *url, const struct pgconn_info *ci, const char *what,
    const struct prog *p, struct dbrev_buf *errtext, int status,
    const char *hint, struct dbrev_error *err)
{
	char *m;

	scrub(url, ci, errtext);
	(void)p;
	m = child_message(errtext, status);
	dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, hint, "%s: %s", what,
	    m);
	free(m);
	return -1;
}

/* pg_restore failed to read the archive file, in doing `what`. */
static int
damaged(const char *url, const struct pgconn_info *ci, const char *file,
    const char *what, struct dbrev_buf *errtext, int status,
    struct dbrev_error *err)
{
	char *m;

	scrub(url, ci, errtext);
	m = child_message(errtext, status);
	dbrev_backup_file_error(err, DBREV_ERR_RUNTIME, file,
	    "take a new backup; this one cannot be trusted",
	    "damaged backup (%s): %s", what, m);
	free(m);
	return -1;
}

/* pg_restore --list FILE: the archive's table of contents reads. */
static int
list_archive(const char *url, const struct pgconn_info *ci,
    const struct prog *pr, const char *file, char *const env[],
    struct dbrev_error *err)
{
	struct dbrev_buf et = { 0 };
	char *argv[5];
	int status;

	argv[0] = pr->path;
	argv[1] = (char *)"--list";
	argv[2] = (char *)"--";
	argv[3] = (char *)file;
	argv[4] = NULL;
	if (run(argv, env, NULL, &et, &status, NULL, err) == -1) {
		dbrev_buf_free(&et);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		damaged(url, ci, file, "pg_restore --list", &et, status, err);
		dbrev_buf_free(&et);
		return -1;
	}
	dbrev_buf_free(&et);
	return 0;
}

static int
pg_backup_take(const char *url, struct dbrev_tmpfile *tmp,
    const struct dbrev_backup_opts *o, char **revision,
    struct dbrev_backup_result *res, struct dbrev_error *err)
{
	struct pgconn_info ci;
	struct prog dump = { 0 }, rest = { 0 };
	struct dbrev_buf et = { 0 }, fileopt = { 0 }, dbopt = { 0 };
	char *r1 = NULL, *r2 = NULL, *argv[8];
	struct dbrev_db *db = NULL;
	struct lockwatch w = { 0 };
	PGconn *pg = NULL;
	int major, status, attempt, rc = -1;

	*revision = NULL;
	if (conn_info(url, &ci, err) == -1)
		return -1;
	if (server_version(url, &ci, &major, &pg, err) == -1)
		goto out;
	watch_start(&w, pg, &ci, "pg_dump", o);
	if (choose("pg_dump", o != NULL ? o->pg_dump : NULL, major, NULL,
	    &dump, err) == -1)
		goto out;
	if (choose("pg_restore", o != NULL ? o->pg_restore : NULL, major,
	    dump.path, &rest, err) == -1)
		goto out;
	/* One connection reads the revision before and after the dump. */
	if (dbrev_backup_db_open(url, o, &db, err) == -1)
		goto out;
	dbrev_buf_printf(&fileopt, "--file=%s", tmp->path);
	dbrev_buf_printf(&dbopt, "--dbname=%s", ci.dbarg);
	argv[0] = dump.path;
	argv[1] = (char *)"--format=custom";
	argv[2] = (char *)"--no-password";
	argv[3] = fileopt.data;
	argv[4] = dbopt.data;
	argv[5] = NULL;
	for (attempt = 0; ; attempt++) {
		if (dbrev_backup_db_revision(db, o, &r1, err) == -1)
			goto out;
		dbrev_buf_reset(&et);
		if (run(argv, ci.env, NULL, &et, &status, &w, err) == -1)
			goto out;
		if (w.what != NULL && (!WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)) {
			watch_failed(&w, "pg_dump", "wait for it to finish, or "
			    "raise --lock-timeout", err);
			goto out;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			child_failed(url, &ci, "pg_dump failed", &dump, &et,
			    status,
			    strstr(et.data != NULL ? et.data : "",
			    "version mismatch") != NULL ?
			    "give a pg_dump as new as the server with --pg-dump" :
			    strstr(et.data != NULL ? et.data : "",
			    "write") != NULL ?
			    "free some space, raise the file size limit or "
			    "choose another directory" : NULL, err);
			goto out;
		}
		/* The name must say the revision the dump holds. */
		if (dbrev_backup_db_revision(db, o, &r2, err) == -1)
			goto out;
		if (strcmp(r1, r2) == 0)
			break;
		free(r1);
		free(r2);
		r1 = r2 = NULL;
		if (attempt + 1 == MAX_ATTEMPTS) {
			dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
			    "wait for the migrations to finish, then run it "
			    "again", "the database's revision kept changing "
			    "during the backup");
			goto out;
		}
	}
	if (list_archive(url, &ci, &rest, tmp->path, ci.env, err) == -1)
		goto out;
	*revision = r1;
	r1 = NULL;
	res->program = dbrev_xstrdup(dump.path);
	free(res->detail);
	res->detail = dbrev_xstrdup(dump.version != NULL ? dump.version :
	    "pg_dump");
	rc = 0;
out:
	watch_end(&w);
	dbrev_db_close(db);
	free(r1);
	free(r2);
	dbrev_buf_free(&et);
	dbrev_buf_free(&fileopt);
	dbrev_buf_free(&dbopt);
	free(dump.path);
	free(dump.version);
	free(rest.path);
	free(rest.version);
	info_free(&ci);
	return rc;
}

static int
pg_backup_verify(const char *url, const char *file,
    const struct dbrev_backup_opts *o, struct dbrev_backup_result *res,
    struct dbrev_error *err)
{
	struct pgconn_info ci = { 0 };
	struct prog rest = { 0 };
	struct dbrev_buf et = { 0 };
	char *argv[6];
	int status, rc = -1;

	/* No server is needed: the newest pg_restore reads every archive. */
	if (url != NULL && conn_info(url, &ci, err) == -1)
		return -1;
	if (choose("pg_restore", o != NULL ? o->pg_restore : NULL, 0, NULL,
	    &rest, err) == -1)
		goto out;
	if (list_archive(url, &ci, &rest, file, environ, err) == -1)
		goto out;
	/* The table of contents is at the front: read all the data too. */
	argv[0] = rest.path;
	argv[1] = (char *)"--file=/dev/null";
	argv[2] = (char *)"--";
	argv[3] = (char *)file;
	argv[4] = NULL;
	if (run(argv, environ, NULL, &et, &status, NULL, err) == -1)
		goto out;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		damaged(url, &ci, file, "reading its data", &et, status, err);
		goto out;
	}
	res->program = dbrev_xstrdup(rest.path);
	free(res->detail);
	res->detail = dbrev_xstrdup("pg_restore read its contents and data");
	rc = 0;
out:
	dbrev_buf_free(&et);
	free(rest.path);
	free(rest.version);
	info_free(&ci);
	(void)argv;
	return rc;
}

/*
 * pg_restore --clean drops and recreates only what the archive holds.
 * Name the relations the database has that the archive does not (a
 * table a later migration created, say): "public.u, public.v", or NULL.
 * Best effort: any failure here just means no note.
 */
static char *
left_in_place(const char *url, const struct prog *pr, const char *file,
    char *const env[])
{
	static const char q[] =
	    "SELECT n.nspname, c.relname, CASE c.relkind "
	    "WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' "
	    "WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END "
	    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
	    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
	    "AND n.nspname NOT LIKE 'pg\\_toast%' "
	    "AND n.nspname NOT LIKE 'pg\\_temp%' "
	    "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = "
	    "'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') "
	    "ORDER BY 1, 2";
	struct dbrev_buf toc = { 0 }, out = { 0 }, want = { 0 };
	struct dbrev_error e;
	PGconn *c = NULL;
	PGresult *r = NULL;
	char *argv[5];
	int status, i;

	dbrev_error_init(&e);
	argv[0] = pr->path;
	argv[1] = (char *)"--list";
	argv[2] = (char *)"--";
	argv[3] = (char *)file;
	argv[4] = NULL;
	if (run(argv, env, &toc, NULL, &status, NULL, &e) == -1 ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0 || toc.data == NULL)
		goto out;
	c = PQconnectdb(url);
	if (c != NULL)
		PQsetNoticeProcessor(c, no_notice, NULL);
	if (PQstatus(c) != CONNECTION_OK)
		goto out;
	r = PQexec(c, q);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		goto out;
	for (i = 0; i < PQntuples(r); i++) {
		/* A TOC line: "215; 1259 16389 TABLE public t owner". */
		dbrev_buf_reset(&want);
		dbrev_buf_printf(&want, " %s %s %s ", PQgetvalue(r, i, 2),
		    PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
		if (strstr(toc.data, want.data) != NULL)
			continue;
		dbrev_buf_printf(&out, "%s%s.%s", out.len > 0 ? ", " : "",
		    PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
	}
out:
	PQclear(r);
	PQfinish(c);
	dbrev_error_clear(&e);
	dbrev_buf_free(&toc);
	dbrev_buf_free(&want);
	return out.len > 0 ? dbrev_buf_take(&out) : NULL;
}

static int
pg_backup_restore(struct dbrev_db *db, const char *url,
    const char *file, const struct dbrev_backup_opts *o,
    struct dbrev_backup_result *res, struct dbrev_error *err)
{
	struct pgconn_info ci;
	struct prog rest = { 0 };
	struct dbrev_buf et = { 0 }, dbopt = { 0 };
	struct lockwatch w = { 0 };
	PGconn *pg = NULL;
	char *argv[10];
	int major, status, rc = -1;

	(void)db;	/* holds revapply's advisory lock meanwhile */
	if (conn_info(url, &ci, err) == -1)
		return -1;
	if (server_version(url, &ci, &major, &pg, err) == -1)
		goto out;
	watch_start(&w, pg, &ci, "pg_restore", o);
	if (choose("pg_restore", o != NULL ? o->pg_restore : NULL, major,
	    NULL, &rest, err) == -1)
		goto out;
	dbrev_buf_printf(&dbopt, "--dbname=%s", ci.dbarg);
	argv[0] = rest.path;
	argv[1] = (char *)"--clean";
	argv[2] = (char *)"--if-exists";
	argv[3] = (char *)"--single-transaction";
	argv[4] = (char *)"--no-password";
	argv[5] = dbopt.data;
	argv[6] = (char *)"--";
	argv[7] = (char *)file;
	argv[8] = NULL;
	if (run(argv, ci.env, NULL, &et, &status, &w, err) == -1)
		goto out;
	if (w.what != NULL && (!WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)) {
		watch_failed(&w, "pg_restore", "nothing was restored: the "
		    "database is as it was; wait for it to finish, or raise "
		    "--lock-timeout", err);
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		child_failed(url, &ci, "pg_restore failed", &rest, &et,
		    status, "nothing was restored: the database is as it was",
		    err);
		goto out;
	}
	free(res->program);
	res->program = dbrev_xstrdup(rest.path);
	free(res->note);
	res->note = left_in_place(url, &rest, file, ci.env);
	rc = 0;
out:
	watch_end(&w);
	dbrev_buf_free(&et);
	dbrev_buf_free(&dbopt);
	free(rest.path);
	free(rest.version);
	info_free(&ci);
	return rc;
}

/* The database's name, as libpq picks it. */
static int
pg_backup_label(const char *url, char **label, struct dbrev_error *err)
{
	char *name;

	if (pg_backup_dbname(url, &name, err) == -1)
		return -1;
	*label = dbrev_backup_db_label(name);
	free(name);
	return 0;
}

const struct dbrev_backup_ops dbrev_postgres_backup = {
	.kind = DBREV_BACKUP_PGDUMP,
	.label = pg_backup_label,
	.identity = pg_backup_identity,
	.take = pg_backup_take,
	.verify = pg_backup_verify,
	.restore = pg_backup_restore,
};
