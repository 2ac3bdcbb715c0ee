/*
 * fuzz_backup_oneline.c - libFuzzer target for dbrev_backup_oneline,
 * which makes a backup's file name and the messages about it print on
 * one line.
 *
 * On every input, in both modes: the result holds no control character
 * and no DEL, never begins or ends a part with "; " from a line break
 * alone, and is the input itself when the input has no control
 * character; without join, every escape decodes back to the input.
 * Built and run by `make fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/backup.h"

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

/* Undo the escapes of join == 0; the result must be the input. */
static void
check_decodes(const char *in, const char *out)
{
	const char *p = out, *q = in;

	while (*p != '\0') {
		int c;

		if (*p != '\\' || ((unsigned char)*q >= 0x20 && *q != 0x7f)) {
			if (*p++ != *q++)
				abort();
			continue;
		}
		switch (p[1]) {
		case 'n': c = '\n'; p += 2; break;
		case 'r': c = '\r'; p += 2; break;
		case 't': c = '\t'; p += 2; break;
		case 'x':
			if (hexval(p[2]) < 0 || hexval(p[3]) < 0)
				abort();
			c = hexval(p[2]) << 4 | hexval(p[3]);
			p += 4;
			break;
		default:
			abort();
		}
		if ((unsigned char)*q++ != c)
			abort();
	}
	if (*q != '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in, *out;
	const char *p;
	int join, controls = 0;

	/* A C string of exactly the input's bytes up to its first NUL. */
	in = malloc(size + 1);
	if (size > 0)
		memcpy(in, data, size);
	in[size] = '\0';
	for (p = in; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			controls = 1;
	for (join = 0; join <= 1; join++) {
		out = dbrev_backup_oneline(in, join);
		for (p = out; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
		if (!controls && strcmp(out, in) != 0)
			abort();
		/* Leading line breaks make no empty first part. */
		p = in + strspn(in, "\r\n");
		if (join && strncmp(out, "; ", 2) == 0 &&
		    !(p[0] == ';' && (p[1] == ' ' || p[1] == '\t')))
			abort();
		if (!join)
			check_decodes(in, out);
		free(out);
	}
	free(in);
	return 0;
}
