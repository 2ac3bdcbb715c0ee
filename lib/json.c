/* json.c - the JSON writer of --format=json (see dbrev/json.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dbrev/json.h"

/*
 * Length of the valid UTF-8 sequence at s (n bytes left), or 0: no
 * overlong forms, no surrogates, nothing above U+10FFFF.
 */
static size_t
utf8_len(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t len, i;
	unsigned long c;

	if (s[0] < 0x80)
		len = 1, c = s[0];
	else if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

void
dbrev_json_quote(struct dbrev_buf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned long cp;
	size_t i = 0, k;
	char esc[16];

	dbrev_buf_puts(out, "\"");
	while (i < n) {
		k = utf8_len(s + i, n - i, &cp);
		if (k == 0) {
			dbrev_buf_puts(out, "\\ufffd");
			i++;
			continue;
		}
		switch (cp) {
		case '"':
			dbrev_buf_puts(out, "\\\"");
			break;
		case '\\':
			dbrev_buf_puts(out, "\\\\");
			break;
		case '\n':
			dbrev_buf_puts(out, "\\n");
			break;
		case '\r':
			dbrev_buf_puts(out, "\\r");
			break;
		case '\t':
			dbrev_buf_puts(out, "\\t");
			break;
		default:
			if (cp < 0x20 || cp == 0x7f || cp == 0x2028 ||
			    cp == 0x2029) {
				snprintf(esc, sizeof(esc), "\\u%04lx", cp);
				dbrev_buf_puts(out, esc);
			} else
				dbrev_buf_add(out, s + i, k);
		}
		i += k;
	}
	dbrev_buf_puts(out, "\"");
}

void
dbrev_json_init(struct dbrev_json *j, struct dbrev_buf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

/* The comma and key before a value. */
static void
value(struct dbrev_json *j, const char *key)
{
	if (j->more[j->depth])
		dbrev_buf_puts(j->out, ",");
	j->more[j->depth] = 1;
	if (key != NULL) {
		dbrev_json_quote(j->out, key, strlen(key));
		dbrev_buf_puts(j->out, ":");
	}
}

static void
open_(struct dbrev_json *j, const char *key, const char *brace)
{
	value(j, key);
	dbrev_buf_puts(j->out, brace);
	if (j->depth + 1 < DBREV_JSON_MAXDEPTH)
		j->depth++;
	j->more[j->depth] = 0;
	j->close[j->depth] = brace[0] == '{' ? '}' : ']';
}

void
dbrev_json_object(struct dbrev_json *j, const char *key)
{
	open_(j, key, "{");
}

void
dbrev_json_array(struct dbrev_json *j, const char *key)
{
	open_(j, key, "[");
}

void
dbrev_json_end(struct dbrev_json *j)
{
	if (j->depth == 0)
		return;
	dbrev_buf_puts(j->out, j->close[j->depth] == '}' ? "}" : "]");
	j->depth--;
}

void
dbrev_json_string(struct dbrev_json *j, const char *key, const char *s)
{
	value(j, key);
	if (s == NULL)
		dbrev_buf_puts(j->out, "null");
	else
		dbrev_json_quote(j->out, s, strlen(s));
}

void
dbrev_json_int(struct dbrev_json *j, const char *key, long long v)
{
	value(j, key);
	dbrev_buf_printf(j->out, "%lld", v);
}

void
dbrev_json_number(struct dbrev_json *j, const char *key, double v)
{
	value(j, key);
	if (isfinite(v))
		dbrev_buf_printf(j->out, "%.3f", v);
	else
		dbrev_buf_puts(j->out, "null");
}

void
dbrev_json_bool(struct dbrev_json *j, const char *key, int v)
{
	value(j, key);
	dbrev_buf_puts(j->out, v ? "true" : "false");
}

void
dbrev_json_null(struct dbrev_json *j, const char *key)
{
	value(j, key);
	dbrev_buf_puts(j->out, "null");
}
