/*
 * fuzz_mkname.c - libFuzzer target for what decides and shows the file
 * names make can carry (dbrev/mkname.h), for revgen's slug (it must
 * never produce a name make cannot carry), and for the state files of
 * dbrev/track.h: their parser (they are read, never trusted) and the
 * escape that names them.
 *
 * Properties checked on every input: the shown form of a name has no
 * control character and reads back to the name exactly (so two names
 * never show alike); dbrev_mkname_bad and dbrev_name_control agree with
 * a byte-by-byte re-check; a slug is made of [a-z0-9_], at most
 * DBREV_SLUG_MAX long, and passes dbrev_mkname_bad; a state text the
 * parser accepts is made of its keys and valid values, and written out
 * again from them it is the same text; a state file's name holds only
 * [A-Za-z0-9.+_-] and reads back to its text.  Built and run by
 * `make fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/mkname.h"
#include "dbrev/revision.h"
#include "dbrev/scaffold.h"
#include "dbrev/track.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Undo dbrev_mkname_show; abort on anything it cannot have written. */
static void
check_shown(const char *s)
{
	struct dbrev_buf b = { 0 };
	const char *p;
	char *back, *o;

	dbrev_mkname_show(&b, s);
	back = malloc(b.len + 1);
	o = back;
	for (p = b.data; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			abort();
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		p++;
		if (*p == 'n')
			*o++ = '\n';
		else if (*p == 't')
			*o++ = '\t';
		else if (*p == 'r')
			*o++ = '\r';
		else if (*p == '\\')
			*o++ = '\\';
		else if (*p == 'x' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			*o++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
			p += 2;
		} else
			abort();
	}
	*o = '\0';
	if (strcmp(back, s) != 0)
		abort();
	free(back);
	dbrev_buf_free(&b);
}

static void
check_predicates(const char *s)
{
	const char *p, *bad = NULL, *ctl = NULL;
	unsigned char c;

	for (p = s; *p != '\0'; p++) {
		c = (unsigned char)*p;
		if (ctl == NULL && (c < 0x20 || c == 0x7f))
			ctl = p;
		if (bad == NULL && c < 0x80 && !((c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-' || c == '+' || c == ',' ||
		    c == '@' || c == '/'))
			bad = p;
	}
	if (dbrev_mkname_bad(s) != bad || dbrev_name_control(s) != ctl)
		abort();
}

static void
check_slug(const char *s)
{
	char slug[DBREV_SLUG_MAX + 1];
	const char *p;

	dbrev_scaffold_slug(s, slug);
	if (strlen(slug) > DBREV_SLUG_MAX || dbrev_mkname_bad(slug) != NULL)
		abort();
	for (p = slug; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_'))
			abort();
}

static void
check_state(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "graph", "heads", "files" };
	struct dbrev_buf b = { 0 };
	const char *v[3];
	char *copy, *text = malloc(size ? size : 1);
	size_t i;

	if (size > 0)
		memcpy(text, data, size);	/* exactly size bytes for ASan */
	if (dbrev_track_parse_state(text, size, keys, 3, v, &copy) == 0) {
		dbrev_buf_puts(&b, "dbrev-state 1\n");
		for (i = 0; i < 3; i++)
			dbrev_buf_printf(&b, "%s %s\n", keys[i], v[i]);
		if (b.len != size || memcmp(b.data, text, size) != 0)
			abort();
		if (strlen(v[0]) != DBREV_CHECKSUM_LEN)
			abort();
		free(copy);
	} else if (copy != NULL)
		abort();
	dbrev_buf_free(&b);
	free(text);
}

/*
 * A state file's name: only safe characters, and the escape reads back
 * (two texts never share a name); a long one is "_h" and a digest.
 */
static void
check_state_name(const char *s)
{
	struct dbrev_buf b = { 0 };
	const char *p;
	char *back, *o;

	dbrev_track_state_name(&b, "db-", s);
	if (strncmp(b.data, "db-", 3) != 0)
		abort();
	for (p = b.data + 3; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(".-+_", *p) != NULL))
			abort();
	if (strncmp(b.data + 3, "_h", 2) == 0) {
		if (strlen(b.data) != 5 + DBREV_CHECKSUM_LEN)
			abort();
		dbrev_buf_free(&b);
		return;
	}
	back = malloc(b.len + 1);
	o = back;
	for (p = b.data + 3; *p != '\0'; p++) {
		if (*p != '_')
			*o++ = *p;
		else if (p[1] == '_')
			*o++ = '_', p++;
		else if (hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			*o++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
			p += 2;
		} else
			abort();
	}
	*o = '\0';
	if (strcmp(back, s) != 0)
		abort();
	free(back);
	dbrev_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';		/* a name ends at its first NUL */
	check_shown(s);
	check_predicates(s);
	check_slug(s);
	check_state_name(s);
	free(s);
	check_state(data, size);
	return 0;
}
