/*
 * fleet.c - the fleet file: parse it, expand its ${VAR}s, check what it
 * names, choose a run's databases (dbrev/fleet.h for the syntax).
 *
 * Every message names the file, the line and at most a database's name,
 * a field's key or a variable's name: never a URL nor anything a ${VAR}
 * gave, so no password can reach one.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbrev/db.h"
#include "dbrev/fleet.h"
#include "dbrev/url.h"
#include "db/driver.h"

#define FLEET_MAX	(256u << 20)	/* bytes: a bigger list is a mistake */
#define ENV_MARK	'\001'		/* stands for a ${VAR} in checks */
#define NAME_RULE	"a name is letters, digits, '.', '_' and '-', starting " \
			"with a letter or digit (it names a make target and a " \
			"file); rename it"

/* --- Names. --- */

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
is_name_char(int c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '-';
}

int
dbrev_fleet_name_valid(const char *s)
{
	size_t i;

	if (!is_alnum((unsigned char)s[0]))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!is_name_char((unsigned char)s[i]) ||
		    i >= DBREV_FLEET_NAME_MAX)
			return 0;
	return 1;
}

/* [a-z_][a-z0-9_]*: what search_path reads as itself, unquoted. */
static int
schema_valid(const char *s)
{
	size_t i;

	if (!((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '_') || i >= DBREV_FLEET_SCHEMA_MAX)
			return 0;
	return 1;
}

/* TABLE or SCHEMA.TABLE of [A-Za-z_][A-Za-z0-9_]*, as --table takes. */
static int
table_valid(const char *s, int *qualified)
{
	int part = 0;

	*qualified = 0;
	for (;;) {
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    *s == '_'))
			return 0;
		while (is_alnum((unsigned char)*s) || *s == '_')
			s++;
		if (*s == '\0')
			return 1;
		if (*s != '.' || part++ > 0)
			return 0;
		*qualified = 1;
		s++;
	}
}

/* --- The parser. --- */

struct parser {
	const struct dbrev_fleet_parse_opts *o;
	const char		*source;
	unsigned		 line;
	struct dbrev_error	*err;
	int			 bad;		/* this line had an error */
};

static int __attribute__((format(printf, 3, 4)))
bad(struct parser *p, const char *hint, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	p->bad = 1;
	return dbrev_error_set(p->err, DBREV_ERR_INPUT, p->source, p->line,
	    hint, "%s", msg);
}

static const char *
lookup(struct parser *p, const char *name)
{
	if (p->o != NULL && p->o->getenv != NULL)
		return p->o->getenv(p->o->arg, name);
	return getenv(name);
}

/* A word three ways: its text, for checks, and as shown in messages. */
struct word {
	struct dbrev_buf val;	/* the text, ${VAR}s expanded */
	struct dbrev_buf lit;	/* each ${VAR}'s value is ENV_MARK */
	struct dbrev_buf shown;	/* each ${VAR} as written */
};

static void
word_free(struct word *w)
{
	dbrev_buf_free(&w->val);
	dbrev_buf_free(&w->lit);
	dbrev_buf_free(&w->shown);
}

/*
 * ${NAME} at s (s[0] == '$'), its value appended to w.  Returns the byte
 * after it, or NULL (error recorded).
 */
static const char *
expand(struct parser *p, const char *s, const char *end, struct word *w)
{
	const char *n, *v;
	char name[128];
	size_t len;

	if (s + 1 >= end || s[1] != '{') {
		bad(p, "write ${NAME} for an environment variable, \\$ for a "
		    "dollar sign", "a '$' that starts no ${NAME}");
		return NULL;
	}
	for (n = s + 2; n < end && (is_alnum((unsigned char)*n) ||
	    *n == '_'); n++)
		;
	len = (size_t)(n - (s + 2));
	if (n >= end || *n != '}' || len == 0 || (s[2] >= '0' &&
	    s[2] <= '9') || len >= sizeof name) {
		bad(p, "a variable's name is letters, digits and '_', "
		    "not starting with a digit: ${NAME}",
		    "a bad ${...} reference");
		return NULL;
	}
	memcpy(name, s + 2, len);
	name[len] = '\0';
	if ((v = lookup(p, name)) == NULL) {
		bad(p, "export it before the run (or write the value)",
		    "${%s} is not set in the environment", name);
		return NULL;
	}
	dbrev_buf_puts(&w->val, v);
	dbrev_buf_add(&w->lit, (char[]){ ENV_MARK }, 1);
	dbrev_buf_printf(&w->shown, "${%s}", name);
	return n + 1;
}

static void
put(struct word *w, char c)
{
	dbrev_buf_add(&w->val, &c, 1);
	dbrev_buf_add(&w->lit, &c, 1);
	dbrev_buf_add(&w->shown, &c, 1);
}

/* One word from *sp into w.  Returns 0, or -1 (error recorded). */
static int
word(struct parser *p, const char **sp, const char *end, struct word *w)
{
	const char *s = *sp, *q;

	dbrev_buf_reset(&w->val);
	dbrev_buf_reset(&w->lit);
	dbrev_buf_reset(&w->shown);
	dbrev_buf_puts(&w->val, "");
	dbrev_buf_puts(&w->lit, "");
	dbrev_buf_puts(&w->shown, "");
	while (s < end && *s != ' ' && *s != '\t') {
		if (*s == '\'') {
			if ((q = memchr(s + 1, '\'', (size_t)(end - s - 1))) ==
			    NULL)
				return bad(p, "close it with ' on the same line",
				    "an unterminated '...'");
			for (s++; s < q; s++)
				put(w, *s);
			s++;
		} else if (*s == '"') {
			for (s++; s < end && *s != '"';) {
				if (*s == '\\' && s + 1 < end &&
				    strchr("\"\\$", s[1]) != NULL) {
					put(w, s[1]);
					s += 2;
				} else if (*s == '$') {
					if ((s = expand(p, s, end, w)) ==
					    NULL)
						return -1;
				} else
					put(w, *s++);
			}
			if (s >= end)
				return bad(p, "close it with \" on the same line",
				    "an unterminated \"...\"");
			s++;
		} else if (*s == '\\') {
			if (s + 1 >= end)
				return bad(p, "a line cannot be continued: write "
				    "the database on one line",
				    "a '\\' at the end of the line");
			put(w, s[1]);
			s += 2;
		} else if (*s == '$') {
			if ((s = expand(p, s, end, w)) == NULL)
				return -1;
		} else
			put(w, *s++);
	}
	*sp = s;
	return 0;
}

static const char *
skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/*
 * Whether url holds a password written in the file: lit is the URL with
 * each ${VAR} written ENV_MARK.  A password wholly or partly from the
 * environment holds the mark, so it is not found in the URL with the
 * marks taken out; a literal one is (dbrev_url_scrub finds it).
 */
static int
literal_password(const char *lit)
{
	char *plain = dbrev_xstrdup(lit), *copy, *o;
	const char *s;
	int found;

	for (s = lit, o = plain; *s != '\0'; s++)
		if (*s != ENV_MARK)
			*o++ = *s;
	*o = '\0';
	copy = dbrev_xstrdup(plain);
	dbrev_url_scrub(lit, copy);
	found = strcmp(copy, plain) != 0;
	free(plain);
	free(copy);
	return found;
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* The URL of a database: what it must be, whoever wrote it. */
static int
check_url(struct parser *p, const char *name, const char *url,
    const char *lit)
{
	const struct dbrev_driver *drv;
	struct dbrev_error e = { 0 };
	enum dbrev_dialect d = dbrev_url_dialect(url);
	int lasting = 1;

	if (*url == '\0')
		return bad(p, "write NAME URL [FIELD=VALUE...]",
		    "'%s' has an empty URL", name);
	if (has_control(url))
		return bad(p, "a URL is one line of text", "the URL of '%s' "
		    "holds a control character", name);
	if (d == DBREV_DIALECT_UNKNOWN)
		return bad(p, "use sqlite:PATH, postgresql://... or a libpq "
		    "keyword string in quotes", "the URL of '%s' names no "
		    "database dbrev knows", name);
	if ((drv = dbrev_driver_for(d)) != NULL && drv->url_lasting != NULL &&
	    (lasting = drv->url_lasting(url, &e)) == -1) {
		bad(p, e.hint, "the URL of '%s' names no %s file", name,
		    drv->title);
		dbrev_error_clear(&e);
		return -1;
	}
	if (lasting == 0)
		return bad(p, "name a file", "'%s' is an in-memory "
		    "database, which no run can keep", name);
	if (literal_password(lit))
		return bad(p, "write it as ${VAR} and export VAR, or use "
		    "~/.pgpass or a service file", "the URL of '%s' holds a "
		    "password written in the file", name);
	return 0;
}

/* schema= given for a database (drv) that has no schemas. */
static int
no_schemas(struct parser *p, const struct dbrev_fleet_db *db,
    const struct dbrev_driver *drv)
{
	const struct dbrev_driver *has;
	char hint[128];
	size_t i;

	snprintf(hint, sizeof hint, "a %s %s has no schemas: remove it",
	    drv->title, drv->file_of != NULL ? "file" : "database");
	for (i = 0; (has = dbrev_driver_at(i)) != NULL; i++)
		if (has->url_with_schema != NULL)
			return bad(p, hint, "'%s' has schema= but is no %s "
			    "database", db->name, has->title);
	return bad(p, hint, "'%s' has schema=, but no database built in "
	    "has schemas", db->name);
}

/*
 * The URL that opens url's database with schema first on the search
 * path, in *out: 0, or -1 (error recorded) when the database has no
 * schemas or url could set the path itself.
 */
static int
schema_url(struct parser *p, const struct dbrev_fleet_db *db,
    const char *url, const char *schema, char **out)
{
	enum dbrev_dialect d = dbrev_url_dialect(url);
	const struct dbrev_driver *drv = dbrev_driver_for(d);
	const char *hint = NULL;

	if (drv == NULL)
		return bad(p, dbrev_dialect_unbuilt_hint(d), "'%s' has "
		    "schema= but dbrev is built without %s support",
		    db->name, dbrev_dialect_title(d));
	if (drv->url_with_schema == NULL)
		return no_schemas(p, db, drv);
	if ((*out = drv->url_with_schema(url, schema, &hint)) == NULL)
		return bad(p, hint, "'%s' has schema= and a URL with options",
		    db->name);
	return 0;
}

/* The same for the URL as written (shown) of url's database. */
static char *
schema_url_of(const char *url, const char *shown, const char *schema)
{
	const struct dbrev_driver *drv;
	const char *hint;

	drv = dbrev_driver_for(dbrev_url_dialect(url));
	return drv->url_with_schema(shown, schema, &hint);
}

/*
 * Apply the fields (schema=, table=) and the defaults to db, which
 * takes url (freed on failure).  The URL shown is the one written, its
 * ${VAR}s unexpanded and its password removed: nothing from the
 * environment is ever shown.
 */
static int
settle_db(struct parser *p, struct dbrev_fleet_db *db, char *url,
    const char *shown, const char *schema, const char *table)
{
	const char *deftable = p->o != NULL ? p->o->table : NULL;
	char *u = NULL, *s;
	int q = 0;

	if (deftable != NULL && *deftable == '\0')
		deftable = NULL;
	if (schema != NULL) {
		if (schema_url(p, db, url, schema, &u) == 0 && table == NULL &&
		    deftable != NULL && (table_valid(deftable, &q), q))
			bad(p, "give it table=NAME without a schema, or a "
			    "version table without one", "'%s' has schema= "
			    "and the version table names a schema", db->name);
		if (p->bad) {
			free(u);
			free(url);
			return -1;
		}
		db->schema = dbrev_xstrdup(schema);
		db->url = u;
		/* Shown: the URL as written, its ${VAR}s unexpanded. */
		if ((s = schema_url_of(url, shown, schema)) == NULL)
			s = dbrev_xstrdup(shown);
		db->safe_url = dbrev_url_redact(s);
		free(s);
		db->table = dbrev_xmalloc(strlen(schema) + 2 + strlen(table !=
		    NULL ? table : deftable != NULL ? deftable :
		    DBREV_DEFAULT_TABLE));
		sprintf(db->table, "%s.%s", schema, table != NULL ? table :
		    deftable != NULL ? deftable : DBREV_DEFAULT_TABLE);
		free(url);
	} else {
		db->url = url;
		db->safe_url = dbrev_url_redact(shown);
		if (table != NULL || deftable != NULL)
			db->table = dbrev_xstrdup(table != NULL ? table :
			    deftable);
	}
	return 0;
}

/* KEY=VALUE: its key, or -1 (error recorded). */
enum field { F_SCHEMA, F_TABLE };

static int
field_key(struct parser *p, const char *s, const char *end, const char *name,
    size_t *keylen)
{
	size_t n = 0;

	while (s + n < end && ((s[n] >= 'a' && s[n] <= 'z') || s[n] == '_'))
		n++;
	*keylen = n;
	if (s + n >= end || s[n] != '=' || n == 0)
		return bad(p, "fields are KEY=VALUE: schema=NAME, table=NAME",
		    "a field of '%s' is not KEY=VALUE", name);
	if (n == 6 && strncmp(s, "schema", 6) == 0)
		return F_SCHEMA;
	if (n == 5 && strncmp(s, "table", 5) == 0)
		return F_TABLE;
	return bad(p, "the fields are schema=NAME and table=NAME",
	    "'%s' has an unknown field '%.*s'", name, (int)n, s);
}

/* Check one field's value and keep it in *slot. */
static int
field_value(struct parser *p, enum field k, const char *name,
    const char *val, char **slot)
{
	int q;

	if (*slot != NULL)
		return bad(p, "give each field once", "'%s' has %s= twice",
		    name, k == F_SCHEMA ? "schema" : "table");
	if (k == F_SCHEMA && !schema_valid(val))
		return bad(p, "a schema name here is lowercase letters, "
		    "digits and '_', not starting with a digit, at most 63",
		    "the schema of '%s' is not a plain schema name", name);
	if (k == F_TABLE && !table_valid(val, &q))
		return bad(p, "letters, digits and _, optionally SCHEMA.TABLE",
		    "the table of '%s' is not a table name", name);
	*slot = dbrev_xstrdup(val);
	return 0;
}

/* The words after the name and URL. */
static int
fields(struct parser *p, const char *s, const char *end, const char *name,
    char **schema, char **table)
{
	struct word w = { { 0 }, { 0 }, { 0 } };
	size_t keylen;
	int k, rc = 0;

	for (;;) {
		s = skip_blanks(s, end);
		if (s >= end || *s == '#')
			break;
		if ((k = field_key(p, s, end, name, &keylen)) == -1) {
			rc = -1;
			break;
		}
		s += keylen + 1;
		if (word(p, &s, end, &w) == -1 ||
		    field_value(p, (enum field)k, name, w.val.data,
		    k == F_SCHEMA ? schema : table) == -1) {
			rc = -1;
			break;
		}
	}
	word_free(&w);
	if (rc == 0 && *schema != NULL && *table != NULL &&
	    strchr(*table, '.') != NULL)
		rc = bad(p, "with schema= the table is in that schema: give "
		    "table=NAME alone", "'%s' has schema= and a table in "
		    "another schema", name);
	return rc;
}

/* The name: the line's first word, taken literally. */
static int
line_name(struct parser *p, const char **sp, const char *end, char **name)
{
	const char *s = *sp, *w = s;

	while (s < end && *s != ' ' && *s != '\t')
		s++;
	*sp = s;
	if ((size_t)(s - w) > DBREV_FLEET_NAME_MAX)
		return bad(p, "shorten it", "a database's name is longer "
		    "than %d bytes", DBREV_FLEET_NAME_MAX);
	*name = dbrev_xstrndup(w, (size_t)(s - w));
	if (dbrev_fleet_name_valid(*name))
		return 0;
	free(*name);
	*name = NULL;
	for (; w < s && is_name_char((unsigned char)*w); w++)
		;
	if (w < s && (unsigned char)*w >= 0x21 && (unsigned char)*w < 0x7f)
		return bad(p, NAME_RULE, "a database's name holds '%c'", *w);
	if (w < s)
		return bad(p, NAME_RULE, "a database's name holds a byte other "
		    "than letters, digits, '.', '_' and '-'");
	return bad(p, NAME_RULE, "a database's name must start with a letter "
	    "or a digit");
}

static void
db_free(struct dbrev_fleet_db *db)
{
	free(db->name);
	free(db->url);
	free(db->safe_url);
	free(db->table);
	free(db->schema);
}

/* One line; 0 with *db filled, 1 for a line that says nothing, -1. */
static int
parse_line(struct parser *p, const char *s, const char *end,
    struct dbrev_fleet_db *db)
{
	struct word w = { { 0 }, { 0 }, { 0 } };
	char *schema = NULL, *table = NULL;
	const char *c;
	int rc = -1;

	memset(db, 0, sizeof(*db));
	for (c = s; c < end; c++)
		if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f)
			return bad(p, "remove it", "a control character "
			    "(\\x%02x)", (unsigned char)*c);
	s = skip_blanks(s, end);
	if (s >= end || *s == '#')
		return 1;
	if (line_name(p, &s, end, &db->name) == -1)
		return -1;
	s = skip_blanks(s, end);
	if (s >= end || *s == '#') {
		bad(p, "write NAME URL [FIELD=VALUE...]", "'%s' has no URL",
		    db->name);
		goto out;
	}
	if (word(p, &s, end, &w) == -1 ||
	    check_url(p, db->name, w.val.data, w.lit.data) == -1 ||
	    fields(p, s, end, db->name, &schema, &table) == -1 ||
	    settle_db(p, db, dbrev_buf_take(&w.val), w.shown.data, schema,
	    table) == -1)
		goto out;
	db->line = p->line;
	db->selected = 1;
	rc = 0;
out:
	if (rc == -1) {
		db_free(db);
		memset(db, 0, sizeof(*db));
	}
	word_free(&w);
	free(schema);
	free(table);
	return rc;
}

static int
by_name(const void *a, const void *b)
{
	const struct dbrev_fleet_db *const *x = a, *const *y = b;
	int c = strcmp((*x)->name, (*y)->name);

	return c != 0 ? c : (*x)->line < (*y)->line ? -1 : 1;
}

/* Each name once: the second of two is the error. */
static int
check_unique(struct parser *p, struct dbrev_fleet *f)
{
	struct dbrev_fleet_db **v;
	size_t i;
	int rc = 0;

	if (f->n < 2)
		return 0;
	v = dbrev_xmalloc(f->n * sizeof(*v));
	for (i = 0; i < f->n; i++)
		v[i] = &f->db[i];
	qsort(v, f->n, sizeof(*v), by_name);
	for (i = 1; i < f->n; i++)
		if (strcmp(v[i]->name, v[i - 1]->name) == 0) {
			p->line = v[i]->line;
			rc = bad(p, "give each database its own name",
			    "'%s' is already named on line %u", v[i]->name,
			    v[i - 1]->line);
		}
	free(v);
	return rc;
}

int
dbrev_fleet_parse(const char *text, size_t len,
    const struct dbrev_fleet_parse_opts *o, struct dbrev_fleet **out,
    struct dbrev_error *err)
{
	struct parser p = { o, NULL, 0, err, 0 };
	struct dbrev_fleet *f = dbrev_xcalloc(1, sizeof(*f));
	const char *s = text, *end = text + len, *nl, *le;
	size_t cap = 0;
	int failed = 0, r;

	*out = NULL;
	if (o != NULL && o->table != NULL && *o->table != '\0' &&
	    !table_valid(o->table, &r)) {
		free(f);
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "letters, digits and _, optionally SCHEMA.TABLE",
		    "the fleet's version table is not a table name");
	}
	f->source = dbrev_xstrdup(o != NULL && o->source != NULL ? o->source :
	    "fleet");
	if (o != NULL && o->table != NULL && *o->table != '\0')
		f->table = dbrev_xstrdup(o->table);
	p.source = f->source;
	while (s < end) {
		p.line++;
		p.bad = 0;
		nl = memchr(s, '\n', (size_t)(end - s));
		le = nl != NULL ? nl : end;
		if (le > s && le[-1] == '\r')
			le--;
		if (memchr(s, '\0', (size_t)(le - s)) != NULL) {
			bad(&p, "a fleet file is text", "a NUL byte");
			r = -1;
		} else {
			if (f->n == cap) {
				cap = cap ? cap * 2 : 64;
				f->db = dbrev_xrealloc(f->db, cap * sizeof(*f->db));
			}
			r = parse_line(&p, s, le, &f->db[f->n]);
		}
		if (r == 0)
			f->n++;
		failed |= r == -1;
		s = nl != NULL ? nl + 1 : end;
	}
	if (!failed && check_unique(&p, f) == -1)
		failed = 1;
	if (failed) {
		dbrev_fleet_free(f);
		return -1;
	}
	*out = f;
	return 0;
}

int
dbrev_fleet_load(const char *path, const struct dbrev_fleet_parse_opts *o,
    struct dbrev_fleet **out, struct dbrev_buf *text, struct dbrev_error *err)
{
	struct dbrev_fleet_parse_opts po = { 0 };
	struct dbrev_buf b = { 0 };
	int rc;

	*out = NULL;
	if (o != NULL)
		po = *o;
	if (po.source == NULL)
		po.source = path;
	if (dbrev_read_file(path, &b, err) == -1) {
		dbrev_error_hint(err, "name the databases in %s (one NAME URL "
		    "line each), or set another fleet file", path);
		return -1;
	}
	if (b.len > FLEET_MAX) {
		dbrev_buf_free(&b);
		return dbrev_error_set(err, DBREV_ERR_INPUT, path, 0,
		    "split it over several runs (one file each)",
		    "a fleet file of more than %u MiB", FLEET_MAX >> 20);
	}
	rc = dbrev_fleet_parse(b.data != NULL ? b.data : "", b.len, &po, out,
	    err);
	if (rc == 0 && text != NULL) {
		dbrev_buf_free(text);
		*text = b;
	} else
		dbrev_buf_free(&b);
	return rc;
}

/* Read all of fd into b (at most FLEET_MAX + 1 bytes kept). */
static void
read_all(int fd, struct dbrev_buf *b)
{
	char chunk[65536];
	ssize_t n;

	dbrev_buf_puts(b, "");
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (b->len <= FLEET_MAX)
			dbrev_buf_add(b, chunk, (size_t)n);
	}
}

int
dbrev_fleet_load_cmd(const char *cmd, const struct dbrev_fleet_parse_opts *o,
    struct dbrev_fleet **out, struct dbrev_buf *text, struct dbrev_error *err)
{
	struct dbrev_fleet_parse_opts po = { 0 };
	struct dbrev_buf b = { 0 };
	int fd[2], st, rc;
	pid_t pid;

	*out = NULL;
	if (o != NULL)
		po = *o;
	if (po.source == NULL)
		po.source = "command";
	if (pipe(fd) == -1)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot run the fleet command: %s", strerror(errno));
	if ((pid = fork()) == -1) {
		close(fd[0]);
		close(fd[1]);
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0, NULL,
		    "cannot run the fleet command: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fd[0]);
		if (dup2(fd[1], 1) == -1)
			_exit(127);
		close(fd[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	read_all(fd[0], &b);
	close(fd[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		dbrev_buf_free(&b);
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, NULL, 0,
		    "run it by hand to see why", "the fleet command %s %d",
		    WIFEXITED(st) ? "exited with status" : "was killed by "
		    "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	}
	if (b.len > FLEET_MAX) {
		dbrev_buf_free(&b);
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "split the fleet over several runs",
		    "the fleet command printed more than %u MiB",
		    FLEET_MAX >> 20);
	}
	rc = dbrev_fleet_parse(b.data, b.len, &po, out, err);
	if (rc == 0 && text != NULL) {
		dbrev_buf_free(text);
		*text = b;
	} else
		dbrev_buf_free(&b);
	return rc;
}

void
dbrev_fleet_free(struct dbrev_fleet *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++)
		db_free(&f->db[i]);
	free(f->db);
	free(f->source);
	free(f->table);
	free(f);
}

struct dbrev_fleet_db *
dbrev_fleet_find(const struct dbrev_fleet *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->db[i].name, name) == 0)
			return &f->db[i];
	return NULL;
}

unsigned
dbrev_fleet_shard_of(const char *name, unsigned n)
{
	uint64_t h = 14695981039346656037ULL;
	const unsigned char *s;

	for (s = (const unsigned char *)name; *s != '\0'; s++) {
		h ^= *s;
		h *= 1099511628211ULL;
	}
	return n == 0 ? 1 : 1 + (unsigned)(h % n);
}

/* Mark the canaries: names separated by blanks or commas. */
static int
mark_canaries(struct dbrev_fleet *f, const char *list, struct dbrev_error *err)
{
	struct dbrev_fleet_db *db;
	const char *s = list;
	char *name;
	size_t n;
	int rc = 0;

	for (;;) {
		s += strspn(s, " \t\n,");
		if (*s == '\0')
			break;
		n = strcspn(s, " \t\n,");
		name = dbrev_xstrndup(s, n);
		s += n;
		db = dbrev_fleet_name_valid(name) ? dbrev_fleet_find(f, name) :
		    NULL;
		if (db != NULL && db->selected)
			db->canary = 1;
		else if (db != NULL)
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, f->source, 0,
			    "name canaries among the databases this run takes",
			    "canary '%s' is not in this run (another shard "
			    "takes it)", name);
		else if (dbrev_fleet_name_valid(name))
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, f->source, 0,
			    "name databases of the fleet", "canary '%s' is no "
			    "database of the fleet", name);
		else	/* not shown: it may be any text */
			rc = dbrev_error_set(err, DBREV_ERR_INPUT, f->source, 0,
			    "give names of the fleet, separated by blanks or "
			    "commas", "a canary is not a database name (1 to "
			    "64 of A-Z a-z 0-9 . _ -)");
		free(name);
	}
	return rc;
}

long
dbrev_fleet_select(struct dbrev_fleet *f, const char *name, unsigned shard_k,
    unsigned shard_n, const char *canary, struct dbrev_error *err)
{
	struct dbrev_fleet_db *one = NULL;
	size_t i;
	long n = 0;

	if (name != NULL && (!dbrev_fleet_name_valid(name) ||
	    (one = dbrev_fleet_find(f, name)) == NULL))
		return dbrev_error_set(err, DBREV_ERR_INPUT, f->source, 0,
		    "name a database of the fleet", "no database '%s' in the "
		    "fleet", dbrev_fleet_name_valid(name) ? name : "(that)");
	if (shard_n > 0 && (shard_k < 1 || shard_k > shard_n))
		return dbrev_error_set(err, DBREV_ERR_INPUT, NULL, 0,
		    "give K/N with 1 <= K <= N", "bad shard %u/%u", shard_k,
		    shard_n);
	for (i = 0; i < f->n; i++) {
		f->db[i].selected = (one == NULL || one == &f->db[i]) &&
		    (shard_n == 0 || dbrev_fleet_shard_of(f->db[i].name,
		    shard_n) == shard_k);
		f->db[i].canary = 0;
		n += f->db[i].selected;
	}
	if (canary != NULL && mark_canaries(f, canary, err) == -1)
		return -1;
	return n;
}
