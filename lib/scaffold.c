/*
 * scaffold.c - what revgen writes: the skeleton of a migrations
 * directory, new ids, slugs, and new revision files from a template.
 */
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dbrev/error.h"
#include "dbrev/graph.h"
#include "dbrev/revision.h"
#include "dbrev/scaffold.h"
#include "dbrev/util.h"

#include "fs.h"

const char dbrev_scaffold_default_template[] =
    "-- revision: ${revision}\n"
    "-- parents: ${parents}\n"
    "-- message: ${message}\n"
    "-- created: ${created}\n"
    "${transaction}\n"
    "\n"
    "-- +upgrade\n"
    "${upgrade}\n"
    "\n"
    "-- +downgrade\n"
    "${downgrade}\n";

/* Written above the template by `revgen init`; dropped when rendering. */
static const char template_comment[] =
    "## script.sql.tmpl - the template revgen fills in for every new revision.\n"
    "##\n"
    "## Edit it to change what new revision files look like (existing files\n"
    "## are not touched).  Lines starting with \"##\" are dropped.\n"
    "## Placeholders, replaced once (their values are never expanded again):\n"
    "##   ${revision}     the new id, 12 lowercase hex digits\n"
    "##   ${parents}      parent ids separated by spaces (empty for a root)\n"
    "##   ${message}      the -m message, one line\n"
    "##   ${created}      creation time, UTC ISO 8601 (2026-11-24T01:00:00Z)\n"
    "##   ${transaction}  \"-- transaction: none\" when the revision must run\n"
    "##                   outside a transaction, else nothing\n"
    "##   ${upgrade}      upgrade SQL (autogenerate), else nothing\n"
    "##   ${downgrade}    downgrade SQL (autogenerate), else nothing\n"
    "## A line holding only a placeholder that is empty is left out.  The\n"
    "## header lines must stay first and consecutive; see dbrev-revision(5).\n";

static const char readme_text[] =
    "Database migrations, managed by dbrev\n"
    "=====================================\n"
    "\n"
    "This directory holds the revisions of the database schema.  Each file in\n"
    "versions/ is one revision: SQL to upgrade the database and, usually, SQL\n"
    "to downgrade it again.  The header at the top of each file is what counts;\n"
    "the file name (<revision>_<slug>.sql) is only for people.\n"
    "\n"
    "    -- revision: 3f2a9c1b7e44\n"
    "    -- parents: 1a2b3c4d5e6f\n"
    "    -- message: Add user preferences table\n"
    "    -- created: 2026-11-24T01:00:00Z\n"
    "\n"
    "    -- +upgrade\n"
    "    CREATE TABLE user_preferences (id INTEGER PRIMARY KEY, theme TEXT);\n"
    "\n"
    "    -- +downgrade\n"
    "    DROP TABLE user_preferences;\n"
    "\n"
    "`parents` links the revisions into a graph: none for the first revision,\n"
    "two or more for a merge.  Optional header lines are `depends: ID...`\n"
    "(revisions that must be applied first) and `transaction: none` (run the\n"
    "revision outside a transaction, e.g. for CREATE INDEX CONCURRENTLY).\n"
    "A revision without a `-- +downgrade` section cannot be downgraded.\n"
    "The full format is in dbrev-revision(5).\n"
    "\n"
    "Adding a revision\n"
    "-----------------\n"
    "\n"
    "    revgen -m \"add user preferences\"     an empty revision on the head;\n"
    "                                         write its SQL, then upgrade\n"
    "    revgen -m \"...\" --autogenerate --schema schema.sql\n"
    "                                         the SQL from schema.sql, written\n"
    "                                         for you (review it!)\n"
    "    revgen merge -m \"merge heads\"        join branches into one head\n"
    "    revorder --history                   the revisions, newest first\n"
    "    revapply upgrade                     bring the database to the head\n"
    "\n"
    "With the make fragments: make db-revision M=..., make db-migrate M=...,\n"
    "make db-upgrade, make db-history (make db-help lists them all).\n"
    "\n"
    "Rules\n"
    "-----\n"
    "\n"
    "* Never edit a revision that has been applied anywhere that matters.\n"
    "  dbrev stores a checksum of each applied upgrade section and refuses to\n"
    "  run when a file no longer matches it.  Write a new revision instead.\n"
    "* Do not change a revision's id or parents once others have it.\n"
    "* Two people adding revisions at the same time makes two heads; join\n"
    "  them with `revgen merge -m \"...\"` (or give a revision --head).\n"
    "\n"
    "script.sql.tmpl is the template new revisions are made from; edit it to\n"
    "change their layout (its placeholders are described at its top and in\n"
    "revgen(1)).\n";

/* mkdir -p: create path and its missing parents. */
static int
mkdirs(const char *path, struct dbrev_error *err)
{
	struct stat st;
	char *failed;
	int rc = 0;

	if (dbrev_fs_mkdirs(path, 0777, NULL, &failed) == -1) {
		rc = dbrev_error_set(err, DBREV_ERR_RUNTIME, failed, 0, NULL,
		    "cannot create directory: %s", strerror(errno));
		free(failed);
		return rc;
	}
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode))
		rc = dbrev_error_set(err, DBREV_ERR_INPUT, path, 0,
		    "choose another directory with -d",
		    "exists and is not a directory");
	return rc;
}

/* Create path (it must not exist) holding text, flushed to disk. */
static int
write_new(const char *path, const char *text, size_t len,
    struct dbrev_error *err)
{
	int r;

	if ((r = dbrev_fs_write_new(path, text, len, 1)) == 0)
		return 0;
	return dbrev_error_set(err, DBREV_ERR_RUNTIME, path, 0,
	    r == -1 && errno == EEXIST ? "nothing was replaced" : NULL,
	    "cannot %s: %s", r == -1 ? "create" : "write", strerror(errno));
}

static void
add_created(char ***list, size_t *n, const char *path)
{
	if (list == NULL)
		return;
	*list = dbrev_xrealloc(*list, (*n + 2) * sizeof(**list));
	(*list)[(*n)++] = dbrev_xstrdup(path);
	(*list)[*n] = NULL;
}

int
dbrev_scaffold_init(const char *dir, char ***created, struct dbrev_error *err)
{
	static const char *const names[] = {
		"versions", "README", DBREV_TEMPLATE_NAME
	};
	char *paths[3], *versions_slash = NULL;
	struct dbrev_buf exist = { 0 }, tmpl = { 0 };
	struct stat st;
	size_t i, ncreated = 0, nexist = 0;
	int rc = -1;

	if (created != NULL)
		*created = NULL;
	if (dir == NULL || *dir == '\0')
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "give one with -d DIR", "no migrations directory named");
	for (i = 0; i < 3; i++)
		paths[i] = dbrev_fs_join(dir, names[i]);

	/* Look before touching anything: all or nothing. */
	for (i = 0; i < 3; i++) {
		if (lstat(paths[i], &st) == -1)
			continue;
		dbrev_buf_printf(&exist, "%s%s", nexist ? ", " : "", paths[i]);
		nexist++;
	}
	if (nexist > 0) {
		dbrev_error_set(err, DBREV_ERR_INPUT, dir, 0,
		    "nothing was changed; to start over, move them away first",
		    "already holds a migrations setup: %s exist%s", exist.data,
		    nexist == 1 ? "s" : "");
		goto out;
	}
	if (stat(dir, &st) == -1) {
		if (mkdirs(dir, err) == -1)
			goto out;
		add_created(created, &ncreated, dir);
	} else if (!S_ISDIR(st.st_mode)) {
		dbrev_error_set(err, DBREV_ERR_INPUT, dir, 0,
		    "choose another directory with -d",
		    "exists and is not a directory");
		goto out;
	}

	if (mkdir(paths[0], 0777) == -1) {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, paths[0], 0, NULL,
		    "cannot create directory: %s", strerror(errno));
		goto out;
	}
	versions_slash = dbrev_fs_join(paths[0], "");
	add_created(created, &ncreated, versions_slash);
	if (write_new(paths[1], readme_text, sizeof(readme_text) - 1,
	    err) == -1)
		goto out;
	add_created(created, &ncreated, paths[1]);
	dbrev_buf_puts(&tmpl, template_comment);
	dbrev_buf_puts(&tmpl, dbrev_scaffold_default_template);
	if (write_new(paths[2], tmpl.data, tmpl.len, err) == -1)
		goto out;
	add_created(created, &ncreated, paths[2]);
	(void)dbrev_fs_sync_dir(dir);
	rc = 0;
out:
	for (i = 0; i < 3; i++)
		free(paths[i]);
	free(versions_slash);
	dbrev_buf_free(&exist);
	dbrev_buf_free(&tmpl);
	return rc;
}

int
dbrev_scaffold_check_dir(const char *dir, struct dbrev_error *err)
{
	struct stat st;
	char *versions;
	int rc = 0;

	if (dir == NULL || *dir == '\0')
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "give one with -d DIR", "no migrations directory named");
	if (stat(dir, &st) == -1)
		return dbrev_error_set(err, DBREV_ERR_INPUT, dir, 0,
		    "create it with 'revgen init', or name another with -d DIR",
		    "%s", errno == ENOENT ? "no such migrations directory" :
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return dbrev_error_set(err, DBREV_ERR_INPUT, dir, 0,
		    "name the migrations directory with -d DIR",
		    "not a directory");
	versions = dbrev_fs_join(dir, "versions");
	if (stat(versions, &st) == -1 || !S_ISDIR(st.st_mode))
		rc = dbrev_error_set(err, DBREV_ERR_INPUT, dir, 0,
		    "set it up with 'revgen init', or name another with -d DIR",
		    "not a migrations directory (it has no versions/)");
	free(versions);
	return rc;
}

int
dbrev_scaffold_random(void *buf, size_t len, void *arg)
{
	unsigned char *p = buf;
	ssize_t n;

	(void)arg;
	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Non-zero when id equals an id of g or one is a prefix of the other. */
static int
id_clashes(const struct dbrev_graph *g, const char *id)
{
	size_t i, n, idlen = strlen(id), l;
	const char *other;

	if (g == NULL)
		return 0;
	n = dbrev_graph_count(g);
	for (i = 0; i < n; i++) {
		other = dbrev_graph_at(g, i)->id;
		l = strlen(other);
		if (strncmp(other, id, l < idlen ? l : idlen) == 0)
			return 1;
	}
	return 0;
}

int
dbrev_scaffold_new_id_from(const struct dbrev_graph *g, dbrev_random_fn rnd,
    void *arg, char out[DBREV_NEWID_LEN + 1], struct dbrev_error *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char bytes[DBREV_NEWID_LEN / 2];
	int tries;
	size_t i;

	for (tries = 0; tries < 100; tries++) {
		if (rnd(bytes, sizeof(bytes), arg) == -1)
			return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
			    NULL, "cannot get random bytes for a new id: %s",
			    strerror(errno));
		for (i = 0; i < sizeof(bytes); i++) {
			out[2 * i] = hex[bytes[i] >> 4];
			out[2 * i + 1] = hex[bytes[i] & 0xf];
		}
		out[DBREV_NEWID_LEN] = '\0';
		if (!id_clashes(g, out))
			return 0;
	}
	out[0] = '\0';
	return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
	    "no new revision id found that differs from the existing ones "
	    "after %d tries", tries);
}

int
dbrev_scaffold_new_id(const struct dbrev_graph *g,
    char out[DBREV_NEWID_LEN + 1], struct dbrev_error *err)
{
	return dbrev_scaffold_new_id_from(g, dbrev_scaffold_random, NULL, out,
	    err);
}

static int
is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

char *
dbrev_scaffold_slug(const char *message, char out[DBREV_SLUG_MAX + 1])
{
	char tmp[DBREV_SLUG_MAX + 2];
	const unsigned char *s;
	size_t len = 0, cut, i;
	int sep = 0;

	for (s = (const unsigned char *)(message ? message : "");
	    *s != '\0' && len <= DBREV_SLUG_MAX; s++) {
		if (!is_alnum(*s)) {
			sep = 1;
			continue;
		}
		if (sep && len > 0) {
			tmp[len++] = '_';
			if (len > DBREV_SLUG_MAX)
				break;
		}
		sep = 0;
		tmp[len++] = (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') :
		    (char)*s;
	}
	cut = len;
	if (len > DBREV_SLUG_MAX) {
		/* Too long: cut at the last word boundary if one is near. */
		cut = DBREV_SLUG_MAX;
		if (tmp[cut] != '_') {
			for (i = cut; i > DBREV_SLUG_MAX / 2; i--)
				if (tmp[i - 1] == '_') {
					cut = i - 1;
					break;
				}
		}
	}
	while (cut > 0 && tmp[cut - 1] == '_')
		cut--;
	if (cut == 0) {
		strcpy(out, "revision");
		return out;
	}
	memcpy(out, tmp, cut);
	out[cut] = '\0';
	return out;
}

/*
 * Length of the valid UTF-8 sequence at s, or 0 when it is not one; its
 * code point in *out.
 */
static size_t
utf8_len(const unsigned char *s, unsigned *out)
{
	size_t n, i;
	unsigned cp;

	*out = s[0];
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*out = cp;
	return n;
}

/*
 * Whether code point cp is a control character in a message: C0 (tab
 * too), DEL, C1 (U+0080-U+009F: a terminal reads U+009B as ESC [), the
 * line and paragraph separators, and the bidirectional embeddings,
 * overrides and isolates, which make text show in another order than it
 * is written.
 */
static int
control_char(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 ||
	    cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

int
dbrev_scaffold_check_message(const char *message, struct dbrev_error *err)
{
	const unsigned char *s;
	unsigned cp;
	size_t n;
	int blank = 1;

	if (message == NULL)
		message = "";
	for (s = (const unsigned char *)message; *s != '\0'; s += n) {
		if ((n = utf8_len(s, &cp)) == 0)
			return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
			    "give the message in UTF-8",
			    "the message is not valid UTF-8");
		if (cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029)
			return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
			    "give a one-line message; put details in a comment "
			    "in the revision file",
			    "the message has more than one line");
		if (control_char(cp))
			return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
			    "give a message of printable text (spaces, not "
			    "tabs)", "the message holds a control character "
			    "(U+%04X)", cp);
		if (*s != ' ')
			blank = 0;
	}
	if (blank)
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "say what the revision does, e.g. -m \"add users table\"",
		    "the message is empty");
	return 0;
}

char *
dbrev_scaffold_timestamp(char out[DBREV_TIMESTAMP_LEN + 1])
{
	struct tm tm;
	time_t now = time(NULL);

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(out, DBREV_TIMESTAMP_LEN + 1, "%Y-%m-%dT%H:%M:%SZ",
	    &tm) == 0)
		strcpy(out, "1970-01-01T00:00:00Z");
	return out;
}

/* SQL text without its trailing blank lines and spaces. */
static char *
trim_sql(const char *sql)
{
	size_t n;

	if (sql == NULL)
		return dbrev_xstrdup("");
	n = strlen(sql);
	while (n > 0 && (sql[n - 1] == '\n' || sql[n - 1] == '\r' ||
	    sql[n - 1] == ' ' || sql[n - 1] == '\t'))
		n--;
	return dbrev_xstrndup(sql, n);
}

static const char *const placeholder_names[] = {
	"revision", "parents", "message", "created", "transaction",
	"upgrade", "downgrade"
};
#define NPLACEHOLDERS (sizeof(placeholder_names) / sizeof(placeholder_names[0]))

int
dbrev_scaffold_render(const char *tmpl, const char *tmpl_path,
    const struct dbrev_newrev *rev, struct dbrev_buf *out,
    struct dbrev_error *err)
{
	struct dbrev_buf parents = { 0 }, line = { 0 };
	const char *values[NPLACEHOLDERS];
	char *upgrade, *downgrade, created[DBREV_TIMESTAMP_LEN + 1];
	const char *p, *eol, *q, *close;
	unsigned lineno = 0;
	size_t i, k, namelen;
	int had, rc = 0;

	if (rev->id == NULL)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "internal error: rendering a revision without an id");
	for (i = 0; i < rev->nparents; i++)
		dbrev_buf_printf(&parents, "%s%s", i ? " " : "",
		    rev->parents[i]);
	upgrade = trim_sql(rev->upgrade);
	downgrade = trim_sql(rev->downgrade);
	values[0] = rev->id;
	values[1] = parents.data != NULL ? parents.data : "";
	values[2] = rev->message != NULL ? rev->message : "";
	values[3] = rev->created != NULL ? rev->created :
	    dbrev_scaffold_timestamp(created);
	values[4] = rev->no_transaction ? "-- transaction: none" : "";
	values[5] = upgrade;
	values[6] = downgrade;

	dbrev_buf_reset(out);
	for (p = tmpl; *p != '\0'; p = *eol != '\0' ? eol + 1 : eol) {
		lineno++;
		if ((eol = strchr(p, '\n')) == NULL)
			eol = p + strlen(p);
		if (strncmp(p, "##", 2) == 0)
			continue;	/* a template comment */
		dbrev_buf_reset(&line);
		had = 0;
		for (q = p; q < eol; ) {
			if (q[0] != '$' || q + 1 >= eol || q[1] != '{') {
				dbrev_buf_add(&line, q, 1);
				q++;
				continue;
			}
			for (close = q + 2; close < eol && *close != '}';
			    close++)
				;
			if (close >= eol) {
				rc = dbrev_error_set(err, DBREV_ERR_INPUT,
				    tmpl_path, lineno,
				    "close it with '}'",
				    "unterminated placeholder '${'");
				goto out;
			}
			namelen = (size_t)(close - q - 2);
			for (k = 0; k < NPLACEHOLDERS; k++)
				if (strlen(placeholder_names[k]) == namelen &&
				    strncmp(placeholder_names[k], q + 2,
				    namelen) == 0)
					break;
			if (k == NPLACEHOLDERS) {
				rc = dbrev_error_set(err, DBREV_ERR_INPUT,
				    tmpl_path, lineno,
				    "the placeholders are ${revision} "
				    "${parents} ${message} ${created} "
				    "${transaction} ${upgrade} ${downgrade}",
				    "unknown placeholder '%.*s'",
				    (int)(close - q + 1), q);
				goto out;
			}
			dbrev_buf_puts(&line, values[k]);
			had = 1;
			q = close + 1;
		}
		if (had) {
			/* No trailing blanks, and no line for nothing. */
			while (line.len > 0 && (line.data[line.len - 1] == ' ' ||
			    line.data[line.len - 1] == '\t'))
				line.data[--line.len] = '\0';
			for (i = 0; i < line.len; i++)
				if (line.data[i] != ' ' && line.data[i] != '\t')
					break;
			if (i == line.len)
				continue;
		}
		dbrev_buf_add(out, line.data != NULL ? line.data : "",
		    line.len);
		dbrev_buf_puts(out, "\n");
	}
out:
	dbrev_buf_free(&parents);
	dbrev_buf_free(&line);
	free(upgrade);
	free(downgrade);
	return rc;
}

/* Copy message without leading and trailing blanks. */
static char *
trim_message(const char *m)
{
	size_t n;

	while (*m == ' ' || *m == '\t')
		m++;
	n = strlen(m);
	while (n > 0 && (m[n - 1] == ' ' || m[n - 1] == '\t'))
		n--;
	return dbrev_xstrndup(m, n);
}

/*
 * Check that the rendered text parses back to what was asked for, so
 * that a template can never make a file the other tools refuse.
 */
static int
check_rendered(const char *text, size_t len, const char *path,
    const char *tmpl_path, const struct dbrev_newrev *rev,
    struct dbrev_error *err)
{
	struct dbrev_revision *r = NULL;
	struct dbrev_buf where = { 0 };
	const char *fix = tmpl_path != NULL ?
	    "fix the template, or remove it to use the built-in one" :
	    NULL;
	size_t i;
	int rc = 0;

	dbrev_buf_printf(&where, "%s (from %s)", path,
	    tmpl_path != NULL ? tmpl_path : "the built-in template");
	if (dbrev_revision_parse(where.data, text, len, 0, &r, err) == -1) {
		dbrev_error_set(err, DBREV_ERR_INPUT, tmpl_path, 0, fix,
		    "the new revision would not parse; nothing was written");
		rc = -1;
		goto out;
	}
	if (strcmp(r->id, rev->id) != 0) {
		rc = dbrev_error_set(err, DBREV_ERR_INPUT, tmpl_path, 0, fix,
		    "the new revision would be '%s', not '%s'; nothing was "
		    "written", r->id, rev->id);
		goto out;
	}
	if (r->nparents != rev->nparents)
		goto parents;
	for (i = 0; i < r->nparents; i++)
		if (strcmp(r->parents[i], rev->parents[i]) != 0)
			goto parents;
	if (r->transactional == rev->no_transaction) {
		rc = dbrev_error_set(err, DBREV_ERR_INPUT, tmpl_path, 0, fix,
		    "the new revision would %srun in a transaction; nothing "
		    "was written", r->transactional ? "" : "not ");
		goto out;
	}
	goto out;
parents:
	rc = dbrev_error_set(err, DBREV_ERR_INPUT, tmpl_path, 0, fix,
	    "the new revision would not have the parents asked for; nothing "
	    "was written");
out:
	dbrev_revision_free(r);
	dbrev_buf_free(&where);
	return rc;
}

/* Write text to a new file at path, atomically, never replacing one. */
static int
publish(const char *versions, const char *path, const char *id,
    const char *text, size_t len, struct dbrev_error *err)
{
	char tag[DBREV_NEWID_LEN + 1], name[DBREV_ID_MAX + 64], *tmp;
	int rc = 0, r;

	if (dbrev_scaffold_new_id_from(NULL, dbrev_scaffold_random, NULL, tag,
	    err) == -1)
		return -1;
	/* Not *.sql, so that a loader running meanwhile never sees it. */
	snprintf(name, sizeof(name), ".%s.%s.tmp", id, tag);
	tmp = dbrev_fs_join(versions, name);
	if (write_new(tmp, text, len, err) == -1) {
		free(tmp);
		return -1;
	}
	if ((r = dbrev_fs_publish(tmp, path)) == 1)
		rc = dbrev_error_set(err, DBREV_ERR_RUNTIME, path, 0,
		    "nothing was replaced; run revgen again",
		    "already exists");
	else if (r == -1)
		rc = dbrev_error_set(err, DBREV_ERR_RUNTIME, path, 0,
		    NULL, "cannot create: %s", strerror(errno));
	(void)unlink(tmp);
	free(tmp);
	if (rc == 0)
		(void)dbrev_fs_sync_dir(versions);
	return rc;
}

int
dbrev_scaffold_write(const char *dir, const struct dbrev_graph *g,
    const struct dbrev_newrev *rev, char **pathp,
    char idout[DBREV_ID_MAX + 1], struct dbrev_error *err)
{
	struct dbrev_newrev r = *rev;
	struct dbrev_buf tmpl = { 0 }, text = { 0 }, fname = { 0 };
	char id[DBREV_ID_MAX + 1], slug[DBREV_SLUG_MAX + 1];
	char created[DBREV_TIMESTAMP_LEN + 1];
	char *versions = NULL, *tmpl_path = NULL, *path = NULL, *msg = NULL;
	const char *tp = NULL;
	struct stat st;
	size_t i;
	int rc = -1;

	*pathp = NULL;
	if (dbrev_scaffold_check_message(rev->message, err) == -1)
		return -1;
	if (dbrev_scaffold_check_dir(dir, err) == -1)
		return -1;
	for (i = 0; i < rev->nparents; i++)
		if (!dbrev_revision_id_valid(rev->parents[i]))
			return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
			    NULL, "'%s' is not a valid revision id",
			    rev->parents[i]);
	if (rev->id != NULL) {
		if (!dbrev_revision_id_valid(rev->id))
			return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
			    "use 1 to 32 of A-Z a-z 0-9 _",
			    "'%s' is not a valid revision id", rev->id);
		if (g != NULL && dbrev_graph_find(g, rev->id) != NULL)
			return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
			    NULL, "revision '%s' already exists", rev->id);
		snprintf(id, sizeof(id), "%s", rev->id);
	} else if (dbrev_scaffold_new_id(g, id, err) == -1)
		return -1;
	r.id = id;
	msg = trim_message(rev->message);
	r.message = msg;
	if (r.created == NULL)
		r.created = dbrev_scaffold_timestamp(created);

	versions = dbrev_fs_join(dir, "versions");
	tmpl_path = dbrev_fs_join(dir, DBREV_TEMPLATE_NAME);
	if (stat(tmpl_path, &st) == 0) {
		if (dbrev_read_file(tmpl_path, &tmpl, err) == -1)
			goto out;
		tp = tmpl_path;
	} else if (errno == ENOENT)
		dbrev_buf_puts(&tmpl, dbrev_scaffold_default_template);
	else {
		dbrev_error_set(err, DBREV_ERR_RUNTIME, tmpl_path, 0, NULL,
		    "cannot read: %s", strerror(errno));
		goto out;
	}
	if (memchr(tmpl.data, '\0', tmpl.len) != NULL) {
		dbrev_error_set(err, DBREV_ERR_INPUT, tmpl_path, 0,
		    "the template must be text", "holds a NUL byte");
		goto out;
	}
	if (dbrev_scaffold_render(tmpl.data, tp != NULL ? tp :
	    "built-in template", &r, &text, err) == -1)
		goto out;

	dbrev_buf_printf(&fname, "%s_%s.sql", id,
	    dbrev_scaffold_slug(r.message, slug));
	path = dbrev_fs_join(versions, fname.data);
	if (check_rendered(text.data != NULL ? text.data : "", text.len, path,
	    tp, &r, err) == -1)
		goto out;
	if (publish(versions, path, id, text.data, text.len, err) == -1)
		goto out;
	*pathp = path;
	path = NULL;
	if (idout != NULL)
		snprintf(idout, DBREV_ID_MAX + 1, "%s", id);
	rc = 0;
out:
	free(versions);
	free(tmpl_path);
	free(path);
	free(msg);
	dbrev_buf_free(&tmpl);
	dbrev_buf_free(&text);
	dbrev_buf_free(&fname);
	return rc;
}
