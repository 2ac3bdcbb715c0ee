/* mkname.c - which file names make can carry (dbrev/mkname.h). */
#include <string.h>

#include "dbrev/mkname.h"

const char *
dbrev_mkname_bad(const char *s)
{
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c >= 0x80 || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("._-+,@/", c) != NULL)
			continue;
		return s;
	}
	return NULL;
}

const char *
dbrev_name_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return s;
	return NULL;
}

void
dbrev_mkname_show(struct dbrev_buf *out, const char *s)
{
	unsigned char c;

	dbrev_buf_puts(out, "");
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '\n')
			dbrev_buf_puts(out, "\\n");
		else if (c == '\t')
			dbrev_buf_puts(out, "\\t");
		else if (c == '\r')
			dbrev_buf_puts(out, "\\r");
		else if (c == '\\')
			dbrev_buf_puts(out, "\\\\");
		else if (c < 0x20 || c == 0x7f)
			dbrev_buf_printf(out, "\\x%02x", c);
		else
			dbrev_buf_add(out, s, 1);
	}
}
