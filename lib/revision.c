/*
 * revision.c - parse one revision file (format in dbrev-revision(5)).
 *
 * The parser is strict and stops at the first problem of a file, which
 * it reports as path:line with a hint.  The struct and all its header
 * strings live in one allocation, so that loading 100,000 files costs
 * one malloc per file for the header.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/revision.h"

/* Header keys, in the order the documentation lists them. */
enum key {
	K_REVISION,
	K_PARENTS,
	K_MESSAGE,
	K_CREATED,
	K_DEPENDS,
	K_TRANSACTION,
	K_LINT,		/* may repeat: one per rule allowed */
	K_REPLACES,
	K_REPEATABLE,
	K_LOCK_TIMEOUT,
	K_STATEMENT_TIMEOUT,
	K_NKEYS
};

static const char *const key_names[K_NKEYS] = {
	"revision", "parents", "message", "created", "depends", "transaction",
	"lint", "replaces", "repeatable", "lock-timeout",
	"statement-timeout"
};

#define KNOWN_KEYS \
	"the header keys are revision, parents, message, created, depends, " \
	"transaction, lint, replaces, repeatable, lock-timeout and " \
	"statement-timeout"
#define ID_RULE "an id is 1 to 32 of A-Z a-z 0-9 _"

/* A slice of the input text. */
struct span {
	const char	*s;
	size_t		 len;
};

struct parse {
	const char	*path;
	struct dbrev_error *err;
	struct span	 val[K_NKEYS];
	unsigned	 keyline[K_NKEYS];
	double		 lock_timeout, statement_timeout; /* -1: absent */
	size_t		 nparents;
	size_t		 ndepends;
	size_t		 nlint;		/* lint lines, and their values' */
	size_t		 lint_len;	/* total length */
	size_t		 hdr_start, hdr_end; /* the header's bytes */
};

enum id_problem {
	ID_OK = 0,
	ID_EMPTY,
	ID_LONG,
	ID_CHAR,
	ID_RESERVED
};

/* Check an id of len bytes; on ID_CHAR *bad is the offending byte. */
static enum id_problem
id_check(const char *s, size_t len, unsigned char *bad)
{
	size_t i;

	if (len == 0)
		return ID_EMPTY;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_')) {
			*bad = c;
			return ID_CHAR;
		}
	}
	if (len > DBREV_ID_MAX)
		return ID_LONG;
	/* These name targets, so they cannot name a revision. */
	if ((len == 4 && memcmp(s, "head", 4) == 0) ||
	    (len == 5 && memcmp(s, "heads", 5) == 0) ||
	    (len == 4 && memcmp(s, "base", 4) == 0))
		return ID_RESERVED;
	return ID_OK;
}

/*
 * A duration: digits, optionally '.' and digits, optionally a unit.
 * Units are those of PostgreSQL's settings and Go's durations; the
 * longest first, so that "min" is not read as "m" and "in".
 */
int
dbrev_duration_parse(const char *s, size_t len, double *seconds)
{
	static const struct {
		const char	*unit;
		double		 factor;
	} units[] = {
		{ "min", 60 }, { "ms", 0.001 }, { "s", 1 }, { "m", 60 },
		{ "h", 3600 }, { "", 1 }
	};
	double v = 0, scale = 1;
	size_t i = 0, u, n;

	while (i < len && s[i] >= '0' && s[i] <= '9' && i < 32)
		v = v * 10 + (s[i++] - '0');
	if (i == 0 || i == 32)
		return -1;
	if (i < len && s[i] == '.') {
		if (++i == len || s[i] < '0' || s[i] > '9')
			return -1;
		for (n = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++, n++)
			if (n < 15) {
				scale /= 10;
				v += (s[i] - '0') * scale;
			}
	}
	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		n = strlen(units[u].unit);
		if (len - i == n && memcmp(s + i, units[u].unit, n) == 0)
			break;
	}
	if (u == sizeof(units) / sizeof(units[0]))
		return -1;
	v *= units[u].factor;
	if (!(v <= DBREV_DURATION_MAX))
		return -1;
	*seconds = v;
	return 0;
}

int
dbrev_revision_id_valid(const char *s)
{
	unsigned char bad;

	return s != NULL && id_check(s, strlen(s), &bad) == ID_OK;
}

/* Report a bad id; `what` is "revision id", "parent" or "dependency". */
static int
id_error(struct parse *p, unsigned line, const char *what, struct span id,
    enum id_problem prob, unsigned char bad)
{
	char shown[8];

	switch (prob) {
	case ID_EMPTY:
		return dbrev_error_set(p->err, DBREV_ERR_INPUT, p->path, line,
		    "write '-- revision: ID'; " ID_RULE, "empty revision id");
	case ID_LONG:
		return dbrev_error_set(p->err, DBREV_ERR_INPUT, p->path, line,
		    "use at most 32 characters", "%s '%.32s...' is %zu "
		    "characters long", what, id.s, id.len);
	case ID_CHAR:
		if (bad > 0x20 && bad < 0x7f)
			snprintf(shown, sizeof shown, "'%c'", bad);
		else
			snprintf(shown, sizeof shown, "\\x%02x", bad);
		return dbrev_error_set(p->err, DBREV_ERR_INPUT, p->path, line,
		    ID_RULE, "%s '%.*s' has the invalid character %s", what,
		    (int)(id.len > 40 ? 40 : id.len), id.s, shown);
	case ID_RESERVED:
		return dbrev_error_set(p->err, DBREV_ERR_INPUT, p->path, line,
		    "'head', 'heads' and 'base' name targets; choose another id",
		    "%s '%.*s' is reserved", what, (int)id.len, id.s);
	case ID_OK:
		break;
	}
	return 0;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)	/* overlong */
			return 0;
		if (c == 0xed && s[1] >= 0xa0)	/* surrogate */
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)	/* overlong */
			return 0;
		if (c == 0xf4 && s[1] >= 0x90)	/* above U+10FFFF */
			return 0;
		return 4;
	}
	return 0;
}

/* Text files only: no NUL byte, valid UTF-8. */
static int
check_text(struct parse *p, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned line = 1;
	size_t i = 0, k;

	while (i < len) {
		if (s[i] < 0x80) {
			/* Fast path for ASCII, the common case. */
			if (s[i] == '\n')
				line++;
			else if (s[i] == '\0')
				return dbrev_error_set(p->err, DBREV_ERR_INPUT,
				    p->path, line, "revision files are UTF-8 "
				    "text; check that this is the right file",
				    "NUL byte: binary content, not text");
			i++;
			continue;
		}
		if ((k = utf8_seq(s + i, len - i)) == 0)
			return dbrev_error_set(p->err, DBREV_ERR_INPUT, p->path,
			    line, "save the file as UTF-8",
			    "invalid UTF-8 byte sequence (byte 0x%02x)", s[i]);
		i += k;
	}
	return 0;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* The line without trailing white space (and '\r'). */
static size_t
rtrim(const char *s, size_t len)
{
	while (len > 0 && is_blank((unsigned char)s[len - 1]))
		len--;
	return len;
}

enum marker {
	M_NONE,
	M_UPGRADE,
	M_DOWNGRADE
};

/* "-- +upgrade" / "-- +downgrade" (spaces after "--" optional). */
static enum marker
marker(const char *s, size_t len)
{
	size_t i = 2;

	len = rtrim(s, len);
	if (len < 3 || s[0] != '-' || s[1] != '-')
		return M_NONE;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (len - i == 8 && memcmp(s + i, "+upgrade", 8) == 0)
		return M_UPGRADE;
	if (len - i == 10 && memcmp(s + i, "+downgrade", 10) == 0)
		return M_DOWNGRADE;
	return M_NONE;
}

/*
 * A header line is "--", optional blanks, a key of [A-Za-z0-9_-], ":"
 * and a value.  Returns 1 and fills key and value (trimmed) if so.
 */
static int
header_line(const char *s, size_t len, struct span *key, struct span *val)
{
	size_t i = 2, k;

	len = rtrim(s, len);
	if (len < 3 || s[0] != '-' || s[1] != '-')
		return 0;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	k = i;
	while (i < len && ((s[i] >= 'a' && s[i] <= 'z') ||
	    (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
	    s[i] == '_' || s[i] == '-'))
		i++;
	if (i == k || i >= len || s[i] != ':')
		return 0;
	key->s = s + k;
	key->len = i - k;
	i++;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	val->s = s + i;
	val->len = len - i;
	return 1;
}

/* Next space-separated word of sp after *pos, or 0 at the end. */
static int
next_word(struct span sp, size_t *pos, struct span *w)
{
	size_t i = *pos, k;

	while (i < sp.len && (sp.s[i] == ' ' || sp.s[i] == '\t'))
		i++;
	if (i == sp.len)
		return 0;
	k = i;
	while (i < sp.len && sp.s[i] != ' ' && sp.s[i] != '\t')
		i++;
	w->s = sp.s + k;
	w->len = i - k;
	*pos = i;
	return 1;
}

/* Check a parents or depends list; count its ids into *count. */
static int
check_list(struct parse *p, enum key k, size_t *count)
{
	const char *what = k == K_PARENTS ? "parent" : k == K_DEPENDS ?
	    "dependency" : "replaced revision";
	struct span w, v;
	size_t pos = 0, pos2;
	unsigned char bad = 0;
	enum id_problem prob;

	*count = 0;
	while (next_word(p->val[k], &pos, &w)) {
		if ((prob = id_check(w.s, w.len, &bad)) != ID_OK) {
			if (prob == ID_CHAR && bad == ',')
				return dbrev_error_set(p->err, DBREV_ERR_INPUT,
				    p->path, p->keyline[k], "separate ids "
				    "with spaces, not commas", "%s '%.*s' has "
				    "the invalid character ','", what,
				    (int)(w.len > 40 ? 40 : w.len), w.s);
			return id_error(p, p->keyline[k], what, w, prob, bad);
		}
		/* Lists are short: a quadratic check for repeats is fine. */
		pos2 = 0;
		while (next_word(p->val[k], &pos2, &v) && v.s < w.s)
			if (v.len == w.len && memcmp(v.s, w.s, w.len) == 0)
				return dbrev_error_set(p->err, DBREV_ERR_INPUT,
				    p->path, p->keyline[k],
				    "name each revision once", "%s '%.*s' is "
				    "listed twice", what, (int)w.len, w.s);
		(*count)++;
	}
	return 0;
}

/* Handle one header line. */
static int
header_key(struct parse *p, unsigned line, struct span key, struct span val)
{
	int k;

	for (k = 0; k < K_NKEYS; k++)
		if (strlen(key_names[k]) == key.len &&
		    memcmp(key_names[k], key.s, key.len) == 0)
			break;
	if (k == K_NKEYS)
		return dbrev_error_set(p->err, DBREV_ERR_INPUT, p->path, line,
		    KNOWN_KEYS " (a comment needs a blank line after the "
		    "header)", "unknown header key '%.*s'",
		    (int)(key.len > 40 ? 40 : key.len), key.s);
	if (k == K_LINT) {
		p->nlint++;
		p->lint_len += val.len + 1;
		p->keyline[k] = line;
		return 0;
	}
	if (p->keyline[k] != 0)
		return dbrev_error_set(p->err, DBREV_ERR_INPUT, p->path, line,
		    "keep one of the two lines", "header key '%s' repeated "
		    "(first on line %u)", key_names[k], p->keyline[k]);
	p->keyline[k] = line;
	p->val[k] = val;
	return 0;
}

/*
 * A repeatable revision stands outside the chain and is re-run whole,
 * in a transaction, whenever its file changes: no parents, no
 * "transaction: none" (dbrev-revision(5)).
 */
static int
repeatable_check(struct parse *p)
{
	struct span v = p->val[K_REPEATABLE];

	if (!(v.len == 3 && memcmp(v.s, "yes", 3) == 0))
		return dbrev_error_set(p->err, DBREV_ERR_INPUT, p->path,
		    p->keyline[K_REPEATABLE], "the only value is 'yes'; remove "
		    "the line for a versioned revision", "repeatable: '%.*s' "
		    "is not a valid value", (int)(v.len > 40 ? 40 : v.len),
		    v.s);
	if (p->keyline[K_PARENTS] != 0 && p->nparents > 0)
		return dbrev_error_set(p->err, DBREV_ERR_INPUT, p->path,
		    p->keyline[K_PARENTS], "remove the parents line (order "
		    "repeatables with 'depends'), or the repeatable line",
		    "a repeatable revision has no parents: it is not in the "
		    "chain, it runs after the versioned revisions");
	if (p->keyline[K_TRANSACTION] != 0)
		return dbrev_error_set(p->err, DBREV_ERR_INPUT, p->path,
		    p->keyline[K_TRANSACTION], "remove the transaction line "
		    "(put such statements in a versioned revision)",
		    "a repeatable revision runs in a transaction: "
		    "'transaction: none' is not allowed");
	return 0;
}

/* A lock-timeout or statement-timeout line's value, or -1 when absent. */
static int
check_duration(struct parse *p, enum key k, double *out)
{
	struct span v = p->val[k];

	*out = -1;
	if (p->keyline[k] == 0)
		return 0;
	if (dbrev_duration_parse(v.s, v.len, out) == 0)
		return 0;
	return dbrev_error_set(p->err, DBREV_ERR_INPUT, p->path, p->keyline[k],
	    "write a number and a unit (500ms, 10s, 2min, 1h; a number alone "
	    "is seconds) of at most 1000000 s; 0 for no limit",
	    "%s: '%.*s' is not a duration", key_names[k],
	    (int)(v.len > 40 ? 40 : v.len), v.s);
}

/* Whole-header checks, once the header has ended. */
static int
header_done(struct parse *p)
{
	unsigned char bad = 0;
	enum id_problem prob;

	if (p->keyline[K_REVISION] == 0)
		return dbrev_error_set(p->err, DBREV_ERR_INPUT, p->path, 1,
		    "start the file with '-- revision: ID'",
		    "no 'revision' in the header");
	prob = id_check(p->val[K_REVISION].s, p->val[K_REVISION].len, &bad);
	if (prob != ID_OK)
		return id_error(p, p->keyline[K_REVISION], "revision id",
		    p->val[K_REVISION], prob, bad);
	if (p->keyline[K_PARENTS] != 0 &&
	    check_list(p, K_PARENTS, &p->nparents) == -1)
		return -1;
	if (p->keyline[K_DEPENDS] != 0 &&
	    check_list(p, K_DEPENDS, &p->ndepends) == -1)
		return -1;
	if (p->keyline[K_TRANSACTION] != 0 &&
	    !(p->val[K_TRANSACTION].len == 4 &&
	    memcmp(p->val[K_TRANSACTION].s, "none", 4) == 0))
		return dbrev_error_set(p->err, DBREV_ERR_INPUT, p->path,
		    p->keyline[K_TRANSACTION], "the only value is 'none' (run "
		    "without a transaction); remove the line for a "
		    "transactional revision", "transaction: '%.*s' is not a "
		    "valid value", (int)(p->val[K_TRANSACTION].len > 40 ? 40 :
		    p->val[K_TRANSACTION].len), p->val[K_TRANSACTION].s);
	if (p->keyline[K_REPLACES] != 0) {
		size_t n;

		if (check_list(p, K_REPLACES, &n) == -1)
			return -1;
		if (n != 2 && !(n == 1 && p->val[K_REPLACES].len > 0))
			return dbrev_error_set(p->err, DBREV_ERR_INPUT,
			    p->path, p->keyline[K_REPLACES], "write "
			    "'-- replaces: FIRST LAST', the first and last "
			    "revisions the baseline stands for",
			    "replaces: takes two revision ids");
	}
	if (check_duration(p, K_LOCK_TIMEOUT, &p->lock_timeout) == -1 ||
	    check_duration(p, K_STATEMENT_TIMEOUT, &p->statement_timeout) == -1)
		return -1;
	return p->keyline[K_REPEATABLE] != 0 ? repeatable_check(p) : 0;
}

/* Copy a span as a string into the block at *cur. */
static char *
put(char **cur, struct span sp)
{
	char *s = *cur;

	if (sp.len > 0)
		memcpy(s, sp.s, sp.len);
	s[sp.len] = '\0';
	*cur += sp.len + 1;
	return s;
}

/* Copy the values of the header's "lint:" lines into r, at *cur. */
static void
put_lint(struct parse *p, const char *text, struct dbrev_revision *r,
    char **cur)
{
	struct span key, val;
	const char *s, *nl;
	size_t off = p->hdr_start, llen;
	unsigned line = 0;

	while (off < p->hdr_end && r->nlint < p->nlint) {
		s = text + off;
		nl = memchr(s, '\n', p->hdr_end - off);
		llen = nl != NULL ? (size_t)(nl - s) : p->hdr_end - off;
		off += llen + 1;
		line++;
		if (header_line(s, llen, &key, &val) && key.len == 4 &&
		    memcmp(key.s, "lint", 4) == 0) {
			r->lint_line[r->nlint] = line;
			r->lint[r->nlint++] = put(cur, val);
		}
	}
}

/* Build the struct and its header strings as one allocation. */
static struct dbrev_revision *
make_revision(struct parse *p, const char *text)
{
	struct dbrev_revision *r;
	struct span w, pathsp;
	size_t size, i, pos;
	char *cur;

	pathsp.s = p->path;
	pathsp.len = strlen(p->path);
	size = sizeof(*r) + (p->nparents + p->ndepends + p->nlint) *
	    sizeof(char *) + p->nlint * sizeof(unsigned) + p->lint_len;
	for (i = 0; i < K_NKEYS; i++)
		size += p->val[i].len + 1;	/* lists: words fit in it */
	size += 1;	/* replaces: two words may need one byte more */
	size += pathsp.len + 1;
	r = dbrev_xmalloc(size);
	memset(r, 0, sizeof(*r));
	r->block_size = size;
	r->parents = (char **)(r + 1);
	r->depends = r->parents + p->nparents;
	r->lint = r->depends + p->ndepends;
	r->lint_line = (unsigned *)(r->lint + p->nlint);
	cur = (char *)(r->lint_line + p->nlint);
	put_lint(p, text, r, &cur);
	r->id = put(&cur, p->val[K_REVISION]);
	r->message = put(&cur, p->val[K_MESSAGE]);
	r->created = put(&cur, p->val[K_CREATED]);
	r->path = put(&cur, pathsp);
	for (pos = 0; next_word(p->val[K_PARENTS], &pos, &w); )
		r->parents[r->nparents++] = put(&cur, w);
	for (pos = 0; next_word(p->val[K_DEPENDS], &pos, &w); )
		r->depends[r->ndepends++] = put(&cur, w);
	pos = 0;
	if (next_word(p->val[K_REPLACES], &pos, &w)) {
		r->replaces_first = put(&cur, w);
		r->replaces_last = next_word(p->val[K_REPLACES], &pos, &w) ?
		    put(&cur, w) : r->replaces_first;
	}
	r->replaces_line = p->keyline[K_REPLACES];
	r->transactional = p->keyline[K_TRANSACTION] == 0;
	r->repeatable = p->keyline[K_REPEATABLE] != 0;
	r->lock_timeout = p->lock_timeout;
	r->statement_timeout = p->statement_timeout;
	r->lock_timeout_line = p->keyline[K_LOCK_TIMEOUT];
	r->statement_timeout_line = p->keyline[K_STATEMENT_TIMEOUT];
	r->revision_line = p->keyline[K_REVISION];
	r->parents_line = p->keyline[K_PARENTS];
	r->depends_line = p->keyline[K_DEPENDS];
	return r;
}

int
dbrev_revision_parse(const char *path, const char *text, size_t len,
    unsigned flags, struct dbrev_revision **out, struct dbrev_error *err)
{
	enum { S_HEADER, S_PRE, S_UP, S_DOWN } state = S_HEADER;
	struct parse p;
	struct dbrev_revision *r;
	struct span key, val;
	const char *s, *nl;
	size_t off = 0, i, llen;
	size_t up_start = 0, up_end = 0, down_start = 0;
	unsigned line = 0, up_line = 0, down_line = 0;
	enum marker m;

	*out = NULL;
	memset(&p, 0, sizeof p);
	p.path = path;
	p.err = err;

	for (i = 0; i < len && (is_blank((unsigned char)text[i]) ||
	    text[i] == '\n'); i++)
		;
	if (i == len)
		return dbrev_error_set(err, DBREV_ERR_INPUT, path, 1,
		    "a revision file starts with '-- revision: ID' "
		    "(revgen writes one)", "empty file");
	if (check_text(&p, text, len) == -1)
		return -1;
	/* A byte order mark some editors write: skip it. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	p.hdr_start = off;
	p.hdr_end = len;

	while (off < len) {
		s = text + off;
		nl = memchr(s, '\n', len - off);
		llen = nl != NULL ? (size_t)(nl - s) : len - off;
		off += llen + (nl != NULL);
		line++;

		if (state == S_HEADER) {
			if (header_line(s, llen, &key, &val) &&
			    marker(s, llen) == M_NONE) {
				if (header_key(&p, line, key, val) == -1)
					return -1;
				continue;
			}
			if (header_done(&p) == -1)
				return -1;
			p.hdr_end = (size_t)(s - text);
			state = S_PRE;
		}
		m = marker(s, llen);
		switch (state) {
		case S_HEADER:
			break;
		case S_PRE:
			if (m == M_UPGRADE) {
				state = S_UP;
				up_start = off;
				up_line = line + 1;
			} else if (m == M_DOWNGRADE)
				return dbrev_error_set(err, DBREV_ERR_INPUT,
				    path, line, "put the '-- +upgrade' section "
				    "first", "'-- +downgrade' before "
				    "'-- +upgrade'");
			else if (rtrim(s, llen) != 0 &&
			    !(llen >= 2 && s[0] == '-' && s[1] == '-'))
				return dbrev_error_set(err, DBREV_ERR_INPUT,
				    path, line, "put SQL after the '-- +upgrade' "
				    "line (only blank lines and -- comments may "
				    "come before it)", "SQL before '-- +upgrade'");
			break;
		case S_UP:
			if (m == M_UPGRADE)
				return dbrev_error_set(err, DBREV_ERR_INPUT,
				    path, line, "keep one upgrade section",
				    "'-- +upgrade' repeated (first on line %u)",
				    up_line - 1);
			if (m == M_DOWNGRADE && p.keyline[K_REPEATABLE] != 0)
				return dbrev_error_set(err, DBREV_ERR_INPUT,
				    path, line, "remove the section: a "
				    "downgrade leaves repeatables as they are",
				    "a repeatable revision has no "
				    "'-- +downgrade' section");
			if (m == M_DOWNGRADE) {
				state = S_DOWN;
				up_end = (size_t)(s - text);
				down_start = off;
				down_line = line + 1;
			}
			break;
		case S_DOWN:
			if (m == M_UPGRADE)
				return dbrev_error_set(err, DBREV_ERR_INPUT,
				    path, line, "put the '-- +upgrade' section "
				    "before '-- +downgrade'", "'-- +upgrade' "
				    "after '-- +downgrade' (line %u)",
				    down_line - 1);
			if (m == M_DOWNGRADE)
				return dbrev_error_set(err, DBREV_ERR_INPUT,
				    path, line, "keep one downgrade section",
				    "'-- +downgrade' repeated (first on line "
				    "%u)", down_line - 1);
			break;
		}
	}
	if (state == S_HEADER && header_done(&p) == -1)
		return -1;
	if (state == S_HEADER || state == S_PRE)
		return dbrev_error_set(err, DBREV_ERR_INPUT, path, line,
		    "add a '-- +upgrade' line followed by the SQL",
		    "no '-- +upgrade' section");
	if (state == S_UP)
		up_end = len;

	r = make_revision(&p, text);
	r->has_downgrade = state == S_DOWN;
	r->upgrade_line = up_line;
	r->downgrade_line = state == S_DOWN ? down_line : 0;
	dbrev_checksum(text + up_start, up_end - up_start, r->checksum);
	if (!(flags & DBREV_PARSE_HEADER_ONLY)) {
		r->upgrade = dbrev_xstrndup(text + up_start, up_end - up_start);
		if (state == S_DOWN)
			r->downgrade = dbrev_xstrndup(text + down_start,
			    len - down_start);
	}
	*out = r;
	return 0;
}

int
dbrev_revision_load(const char *path, unsigned flags,
    struct dbrev_revision **out, struct dbrev_error *err)
{
	struct dbrev_buf buf = { 0 };
	int rc;

	*out = NULL;
	if (dbrev_read_regular_file(path, DBREV_REVISION_MAX, &buf,
	    err) == -1) {
		dbrev_buf_free(&buf);
		return -1;
	}
	rc = dbrev_revision_parse(path, buf.data, buf.len, flags, out, err);
	dbrev_buf_free(&buf);
	return rc;
}

/* Free p unless it points into the revision's own block. */
static void
free_outside(const struct dbrev_revision *r, void *p)
{
	uintptr_t a = (uintptr_t)p, lo = (uintptr_t)r;

	if (p != NULL && !(a >= lo && a < lo + r->block_size))
		free(p);
}

void
dbrev_revision_free(struct dbrev_revision *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nparents; i++)
		free_outside(r, r->parents[i]);
	for (i = 0; i < r->ndepends; i++)
		free_outside(r, r->depends[i]);
	for (i = 0; i < r->nlint; i++)
		free_outside(r, r->lint[i]);
	free_outside(r, r->parents);
	free_outside(r, r->depends);
	free_outside(r, r->lint);
	free_outside(r, r->lint_line);
	free_outside(r, r->id);
	free_outside(r, r->message);
	free_outside(r, r->created);
	if (r->replaces_last != r->replaces_first)
		free_outside(r, r->replaces_last);
	free_outside(r, r->replaces_first);
	free_outside(r, r->path);
	free_outside(r, r->upgrade);
	free_outside(r, r->downgrade);
	free(r);
}
