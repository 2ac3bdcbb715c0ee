/*
 * fuzz_json.c - libFuzzer target for the JSON string writer
 * (dbrev_json_quote, lib/json.c) and the document writer around it.
 *
 * Properties, on every input (any bytes, NULs included): the output is
 * one JSON string literal that a strict parser (below, RFC 8259: no raw
 * control characters, only the standard escapes, \u surrogates paired)
 * reads to the end; it holds no raw U+007F, U+2028 or U+2029; when the
 * input is valid UTF-8 the parsed string is exactly the input's bytes,
 * and otherwise it is the input with each byte that starts no valid
 * sequence replaced by U+FFFD.  A document built around the input as a
 * key and a value parses too (checked by the same parser on its
 * strings).
 */
#include "fuzz.h"

#include "dbrev/json.h"

/* Append code point c as UTF-8. */
static size_t
put_utf8(unsigned char *o, unsigned long c)
{
	if (c < 0x80)
		return o[0] = (unsigned char)c, 1;
	if (c < 0x800) {
		o[0] = (unsigned char)(0xc0 | c >> 6);
		o[1] = (unsigned char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (unsigned char)(0xe0 | c >> 12);
		o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | c >> 18);
	o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (c & 0x3f));
	return 4;
}

static int
hex4(const char *p, unsigned long *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned long)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned long)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/*
 * Parse the string literal at s[0..n): its bytes into out, the length
 * read into *used; -1 when it is not a valid literal.
 */
static long
parse_string(const char *s, size_t n, unsigned char *out, size_t *used)
{
	size_t i = 1, k = 0;
	unsigned long c, lo;

	if (n == 0 || s[0] != '"')
		return -1;
	while (i < n && s[i] != '"') {
		unsigned char b = (unsigned char)s[i];

		if (b < 0x20)
			return -1;
		if (b != '\\') {
			out[k++] = b;
			i++;
			continue;
		}
		if (++i >= n)
			return -1;
		switch (s[i++]) {
		case '"': out[k++] = '"'; break;
		case '\\': out[k++] = '\\'; break;
		case '/': out[k++] = '/'; break;
		case 'b': out[k++] = '\b'; break;
		case 'f': out[k++] = '\f'; break;
		case 'n': out[k++] = '\n'; break;
		case 'r': out[k++] = '\r'; break;
		case 't': out[k++] = '\t'; break;
		case 'u':
			if (i + 4 > n || hex4(s + i, &c) == -1)
				return -1;
			i += 4;
			if (c >= 0xd800 && c <= 0xdbff) {
				if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u' ||
				    hex4(s + i + 2, &lo) == -1 || lo < 0xdc00 ||
				    lo > 0xdfff)
					return -1;
				i += 6;
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			} else if (c >= 0xdc00 && c <= 0xdfff)
				return -1;
			k += put_utf8(out + k, c);
			break;
		default:
			return -1;
		}
	}
	if (i >= n)
		return -1;
	*used = i + 1;
	return (long)k;
}

/* What the writer must produce: valid sequences kept, others U+FFFD. */
static size_t
expected(const unsigned char *in, size_t n, unsigned char *out)
{
	size_t i = 0, k = 0, len, j;
	unsigned long c;

	while (i < n) {
		unsigned char b = in[i];

		if (b < 0x80)
			len = 1, c = b;
		else if (b >= 0xc2 && b <= 0xdf)
			len = 2, c = b & 0x1f;
		else if (b >= 0xe0 && b <= 0xef)
			len = 3, c = b & 0x0f;
		else if (b >= 0xf0 && b <= 0xf4)
			len = 4, c = b & 0x07;
		else
			len = 0, c = 0;
		for (j = 1; len > 0 && j < len; j++) {
			if (i + j >= n || (in[i + j] & 0xc0) != 0x80) {
				len = 0;
				break;
			}
			c = c << 6 | (in[i + j] & 0x3f);
		}
		if (len > 0 && ((len == 3 && c < 0x800) || (len == 4 &&
		    c < 0x10000) || (c >= 0xd800 && c <= 0xdfff) ||
		    c > 0x10ffff))
			len = 0;
		if (len == 0) {
			k += put_utf8(out + k, 0xfffd);
			i++;
		} else {
			memcpy(out + k, in + i, len);
			k += len;
			i += len;
		}
	}
	return k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbrev_buf b = { 0 }, d = { 0 };
	struct dbrev_json j;
	unsigned char *got, *want;
	size_t used, i, nwant;
	long n;

	dbrev_json_quote(&b, (const char *)data, size);
	got = malloc(3 * size + 8);
	want = malloc(3 * size + 8);
	n = parse_string(b.data, b.len, got, &used);
	PROPERTY(n >= 0 && used == b.len, "not one JSON string: %.*s",
	    (int)b.len, b.data);
	nwant = expected(data, size, want);
	PROPERTY((size_t)n == nwant && memcmp(got, want, nwant) == 0,
	    "reads back otherwise (%ld bytes, %zu wanted)", n, nwant);
	for (i = 0; i + 2 < b.len; i++)
		PROPERTY(!((unsigned char)b.data[i] == 0xe2 &&
		    (unsigned char)b.data[i + 1] == 0x80 &&
		    ((unsigned char)b.data[i + 2] == 0xa8 ||
		    (unsigned char)b.data[i + 2] == 0xa9)), "raw U+2028/9");
	PROPERTY(memchr(b.data, 0x7f, b.len) == NULL, "raw DEL");

	/* A document: {"k":[<input>, null, 1]} with the input as key too. */
	{
		char *key = malloc(size + 1);

		memcpy(key, data, size);
		key[size] = '\0';
		dbrev_json_init(&j, &d);
		dbrev_json_object(&j, NULL);
		dbrev_json_array(&j, key);
		dbrev_json_string(&j, NULL, key);
		dbrev_json_null(&j, NULL);
		dbrev_json_int(&j, NULL, 1);
		dbrev_json_end(&j);
		dbrev_json_end(&j);
		PROPERTY(d.len >= 2 && d.data[0] == '{' &&
		    d.data[d.len - 1] == '}', "document not closed");
		n = parse_string(d.data + 1, d.len - 1, got, &used);
		PROPERTY(n >= 0 && d.data[1 + used] == ':' &&
		    d.data[2 + used] == '[', "bad key");
		free(key);
	}
	dbrev_buf_free(&b);
	dbrev_buf_free(&d);
	free(got);
	free(want);
	return 0;
}
