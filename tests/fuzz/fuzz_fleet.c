/*
 * fuzz_fleet.c - libFuzzer target for the fleet file (dbrev/fleet.h):
 * its parser and ${VAR} expansion, the schema= rewrite of URLs, the
 * make listing, and the one-line escape and result records of a run.
 *
 * Properties checked on every input: parsing never overflows nor leaks
 * (ASan); no error message, hint, shown URL or make listing holds the
 * value of a variable (SECRET, whose '#' and '$' no name or key can
 * hold); what parses has valid, unique names, one-line URLs and shown
 * URLs, a version table in its schema when it has one, and a listing
 * made of names alone; unescape accepts only what escape writes
 * (escaping its result gives the input back); a result record decodes
 * only from exactly what encoding it writes.  Built and run by
 * `make fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/fleet.h"

#define SECRET	"Zq9#s3cr3t$(x)"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* P...: the secret; V...: text with syntax; E: empty; others unset. */
static const char *
env(void *arg, const char *name)
{
	(void)arg;
	if (name[0] == 'P')
		return SECRET;
	if (name[0] == 'V')
		return "a b'\"$(c) #;\\";
	if (strcmp(name, "E") == 0)
		return "";
	return NULL;
}

static void
no_secret(const char *s)
{
	if (s != NULL && strstr(s, SECRET) != NULL)
		abort();
}

static int
one_line(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static void
check_fleet(const struct dbrev_fleet *f)
{
	struct dbrev_buf b = { 0 };
	const char *p;
	size_t i, j;

	for (i = 0; i < f->n; i++) {
		const struct dbrev_fleet_db *db = &f->db[i];

		if (!dbrev_fleet_name_valid(db->name) || !db->selected ||
		    db->url == NULL || *db->url == '\0' || !one_line(db->url) ||
		    !one_line(db->safe_url) || db->line == 0)
			abort();
		no_secret(db->safe_url);
		if (db->schema != NULL && (db->table == NULL ||
		    strncmp(db->table, db->schema, strlen(db->schema)) != 0 ||
		    db->table[strlen(db->schema)] != '.' ||
		    strstr(db->url, "csearch_path") == NULL))
			abort();
		for (j = 0; j < i; j++)
			if (strcmp(f->db[j].name, db->name) == 0)
				abort();
		if (dbrev_fleet_find(f, db->name) != db)
			abort();
	}
	dbrev_fleet_make(&b, f, NULL);
	no_secret(b.data);
	/* Past the comment: variable names, ":=", blanks, '\', names. */
	for (p = strchr(b.data, '\n') + 1; *p != '\0'; p++)
		if (!(strchr("._-:= \t\\\n", *p) != NULL ||
		    (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9')))
			abort();
	dbrev_buf_free(&b);
}

static void
check_parse(const uint8_t *data, size_t size)
{
	struct dbrev_fleet_parse_opts o = { "fuzz.list", NULL, env, NULL };
	struct dbrev_fleet *f = NULL;
	struct dbrev_error e = { 0 };
	const struct dbrev_error *p;
	char *text = malloc(size ? size : 1);

	if (size > 0)
		memcpy(text, data, size);	/* exactly size bytes for ASan */
	if (dbrev_fleet_parse(text, size, &o, &f, &e) == 0) {
		if (dbrev_error_isset(&e))
			abort();
		check_fleet(f);
		dbrev_fleet_free(f);
	} else {
		if (f != NULL || !dbrev_error_isset(&e))
			abort();
		for (p = &e; p != NULL; p = p->next) {
			no_secret(p->message);
			no_secret(p->hint);
			if (p->kind != DBREV_ERR_INPUT || p->line == 0 ||
			    !one_line(p->message))
				abort();
		}
		dbrev_error_clear(&e);
	}
	free(text);
}

static void
check_escape(const char *s)
{
	struct dbrev_buf b = { 0 };
	char *copy = strdup(s);

	dbrev_fleet_escape(&b, s);
	if (!one_line(b.data) || dbrev_fleet_unescape(b.data) != 0 ||
	    strcmp(b.data, s) != 0)
		abort();
	if (dbrev_fleet_unescape(copy) == 0) {
		dbrev_buf_reset(&b);
		dbrev_fleet_escape(&b, copy);
		if (strcmp(b.data, s) != 0)
			abort();
	}
	free(copy);
	dbrev_buf_free(&b);
}

static void
check_record(const uint8_t *data, size_t size)
{
	struct dbrev_fleet_result r;
	struct dbrev_buf b = { 0 };
	char *text = malloc(size ? size : 1);

	if (size > 0)
		memcpy(text, data, size);
	if (dbrev_fleet_result_decode(text, size, &r) == 0) {
		dbrev_fleet_result_encode(&b, &r);
		if (b.len != size || memcmp(b.data, text, size) != 0 ||
		    !dbrev_fleet_name_valid(r.name))
			abort();
		dbrev_fleet_result_free(&r);
		dbrev_buf_free(&b);
	}
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';		/* a string ends at its first NUL */
	check_escape(s);
	free(s);
	/*
	 * The secret may only come from a variable: an input that holds
	 * its text itself may show it (the fuzzer learns it from strstr).
	 */
	if (memmem(data, size, "s3cr3t", 6) == NULL)
		check_parse(data, size);
	check_record(data, size);
	return 0;
}
