/* import_util.c - helpers the import kinds share (see import_kind.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/util.h"
#include "import_kind.h"

void
imp_line_init(struct imp_line *l)
{
	memset(l, 0, sizeof(*l));
}

int
imp_line_next(const char *text, size_t len, struct imp_line *l)
{
	const char *nl;

	if (l->next >= len)
		return 0;
	l->off = l->next;
	l->s = text + l->off;
	nl = memchr(l->s, '\n', len - l->off);
	l->len = nl != NULL ? (size_t)(nl - l->s) : len - l->off;
	l->next = l->off + l->len + (nl != NULL);
	l->no++;
	return 1;
}

size_t
imp_rtrim(const char *s, size_t len)
{
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r' || s[len - 1] == '\f' || s[len - 1] == '\v'))
		len--;
	return len;
}

static size_t
ltrim(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
	    s[i] == '\f' || s[i] == '\v'))
		i++;
	return i;
}

int
imp_blank(const char *s, size_t len)
{
	return ltrim(s, len) == len;
}

int
imp_comment(const char *s, size_t len)
{
	size_t i = ltrim(s, len);

	return len - i >= 2 && s[i] == '-' && s[i + 1] == '-';
}

struct dbrev_import_rev *
imp_add(struct dbrev_import_list *l)
{
	struct dbrev_import_rev *r;

	/* Grow by doubling: n is a power of two when the array is full. */
	if ((l->n & (l->n - 1)) == 0)
		l->revs = dbrev_xrealloc(l->revs,
		    (l->n ? 2 * l->n : 1) * sizeof(*l->revs));
	r = &l->revs[l->n++];
	memset(r, 0, sizeof(*r));
	r->transactional = 1;
	return r;
}

void
imp_set_up(struct dbrev_import_rev *r, const struct dbrev_import_file *f,
    const char *s, size_t len, unsigned line)
{
	free(r->up);
	free(r->up_path);
	r->up = dbrev_xstrndup(s, len);
	r->up_path = dbrev_xstrdup(f->path);
	r->up_line = line;
}

void
imp_set_down(struct dbrev_import_rev *r, const struct dbrev_import_file *f,
    const char *s, size_t len, unsigned line)
{
	free(r->down);
	free(r->down_path);
	r->down = dbrev_xstrndup(s, len);
	r->down_path = dbrev_xstrdup(f->path);
	r->down_line = line;
}

char *
imp_message(const char *name, size_t len, const char *fallback, ...)
{
	struct dbrev_buf b = { 0 };
	va_list ap;
	size_t i;
	int n;
	char *m;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		/* A space for '_' and control characters; one per run. */
		if (c == '_' || c < 0x20 || c == 0x7f) {
			if (b.len > 0 && b.data[b.len - 1] != ' ')
				dbrev_buf_add(&b, " ", 1);
		} else
			dbrev_buf_add(&b, name + i, 1);
	}
	while (b.len > 0 && (b.data[b.len - 1] == ' ' ||
	    b.data[b.len - 1] == '\t'))
		b.data[--b.len] = '\0';
	for (i = 0; i < b.len && (b.data[i] == ' ' || b.data[i] == '\t'); i++)
		;
	if (i < b.len) {
		m = dbrev_xstrdup(b.data + i);
		dbrev_buf_free(&b);
		return m;
	}
	dbrev_buf_free(&b);
	va_start(ap, fallback);
	n = vsnprintf(NULL, 0, fallback, ap);
	va_end(ap);
	m = dbrev_xmalloc((size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fallback);
	vsnprintf(m, (size_t)(n < 0 ? 0 : n) + 1, fallback, ap);
	va_end(ap);
	return m;
}

char *
imp_created_digits(const char *d, size_t len)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int v[6], i, k;
	char out[64];

	if (len != 14)
		return dbrev_xstrdup("");
	for (i = 0; i < 14; i++)
		if (d[i] < '0' || d[i] > '9')
			return dbrev_xstrdup("");
	v[0] = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 +
	    (d[3] - '0');
	for (k = 1, i = 4; k < 6; k++, i += 2)
		v[k] = (d[i] - '0') * 10 + (d[i + 1] - '0');
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > mdays[v[1] - 1] || v[3] > 23 || v[4] > 59 || v[5] > 60)
		return dbrev_xstrdup("");
	snprintf(out, sizeof(out), "%04d-%02d-%02dT%02d:%02d:%02dZ", v[0], v[1],
	    v[2], v[3], v[4], v[5]);
	return dbrev_xstrdup(out);
}

const struct dbrev_import_file *
imp_find(const struct dbrev_import_source *src, const char *rel)
{
	size_t lo = 0, hi = src->nfiles, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(src->files[mid].rel, rel);
		if (c == 0)
			return &src->files[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
imp_numcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c;

	while (alen > 1 && *a == '0') {
		a++;
		alen--;
	}
	while (blen > 1 && *b == '0') {
		b++;
		blen--;
	}
	if (alen != blen)
		return alen < blen ? -1 : 1;
	c = memcmp(a, b, alen);
	return c < 0 ? -1 : c > 0;
}

const char *
imp_base(const char *rel)
{
	const char *s = strrchr(rel, '/');

	return s != NULL ? s + 1 : rel;
}

char *
imp_origin(const char *kind, const char *what)
{
	struct dbrev_buf b = { 0 };

	dbrev_buf_printf(&b, "imported from %s: %s", kind, what);
	return dbrev_buf_take(&b);
}

char *
imp_text(const char *s, size_t len)
{
	struct dbrev_buf b = { 0 };
	size_t i, k;
	char *m;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		dbrev_buf_add(&b, (c < 0x20 || c == 0x7f) ? " " : s + i, 1);
	}
	for (i = 0; i < b.len && (b.data[i] == ' ' || b.data[i] == '\t'); i++)
		;
	for (k = b.len; k > i && (b.data[k - 1] == ' ' ||
	    b.data[k - 1] == '\t'); k--)
		;
	m = k > i ? dbrev_xstrndup(b.data + i, k - i) : NULL;
	dbrev_buf_free(&b);
	return m;
}

void
imp_index_add(struct imp_index *x, const char *s, size_t len, size_t pos)
{
	if ((x->n & (x->n - 1)) == 0)
		x->k = dbrev_xrealloc(x->k, (x->n ? 2 * x->n : 1) *
		    sizeof(*x->k));
	x->k[x->n].s = s;
	x->k[x->n].len = len;
	x->k[x->n++].pos = pos;
}

/* By name (bytes, then length), then position. */
static int
key_cmp(const char *s, size_t len, const struct imp_key *k)
{
	int c = memcmp(s, k->s, len < k->len ? len : k->len);

	if (c != 0)
		return c;
	return len < k->len ? -1 : len > k->len;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct imp_key *x = a, *y = b;
	int c = key_cmp(x->s, x->len, y);

	if (c != 0)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void
imp_index_sort(struct imp_index *x)
{
	if (x->n > 0)
		qsort(x->k, x->n, sizeof(*x->k), entry_cmp);
}

/* Index of the first entry not below (s, len, pos). */
static size_t
lower_bound(const struct imp_index *x, const char *s, size_t len, size_t pos)
{
	size_t lo = 0, hi = x->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = key_cmp(s, len, &x->k[mid]);
		if (c > 0 || (c == 0 && x->k[mid].pos < pos))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long
imp_index_before(const struct imp_index *x, const char *s, size_t len,
    size_t pos)
{
	size_t i = lower_bound(x, s, len, pos);

	if (i == 0 || key_cmp(s, len, &x->k[i - 1]) != 0)
		return -1;
	return (long)x->k[i - 1].pos;
}

long
imp_index_after(const struct imp_index *x, const char *s, size_t len,
    size_t pos)
{
	size_t i = lower_bound(x, s, len, pos);

	if (i < x->n && x->k[i].pos == pos && key_cmp(s, len, &x->k[i]) == 0)
		i++;
	if (i >= x->n || key_cmp(s, len, &x->k[i]) != 0)
		return -1;
	return (long)x->k[i].pos;
}

void
imp_index_free(struct imp_index *x)
{
	free(x->k);
	memset(x, 0, sizeof(*x));
}
