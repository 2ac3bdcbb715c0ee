/*
 * fuzz_revision.c - libFuzzer target for the revision-file parser.
 *
 * Parses the input in both modes and checks what must hold on success:
 * the same header either way, the checksum is that of the upgrade text,
 * and every id is valid.  Built and run by `make fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbrev/revision.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_ids(char **ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!dbrev_revision_id_valid(ids[i]))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbrev_revision *full = NULL, *hdr = NULL;
	struct dbrev_error e1, e2;
	char sum[DBREV_CHECKSUM_LEN + 1];
	char *text;
	int r1, r2;

	/* A copy of exactly size bytes, so ASan sees any overread. */
	text = malloc(size ? size : 1);
	if (size > 0)
		memcpy(text, data, size);
	dbrev_error_init(&e1);
	dbrev_error_init(&e2);
	r1 = dbrev_revision_parse("f.sql", text, size, 0, &full, &e1);
	r2 = dbrev_revision_parse("f.sql", text, size,
	    DBREV_PARSE_HEADER_ONLY, &hdr, &e2);
	if (r1 != r2)
		abort();
	if (r1 == 0) {
		if (full == NULL || hdr == NULL || dbrev_error_isset(&e1))
			abort();
		if (!dbrev_revision_id_valid(full->id))
			abort();
		check_ids(full->parents, full->nparents);
		check_ids(full->depends, full->ndepends);
		if (strcmp(full->id, hdr->id) != 0 ||
		    strcmp(full->checksum, hdr->checksum) != 0 ||
		    full->nparents != hdr->nparents ||
		    full->has_downgrade != hdr->has_downgrade ||
		    hdr->upgrade != NULL || hdr->downgrade != NULL)
			abort();
		dbrev_checksum(full->upgrade, strlen(full->upgrade), sum);
		if (strcmp(sum, full->checksum) != 0)
			abort();
		if ((full->downgrade != NULL) != full->has_downgrade)
			abort();
		if (full->upgrade_line == 0 || (full->has_downgrade &&
		    full->downgrade_line <= full->upgrade_line))
			abort();
	} else {
		if (full != NULL || hdr != NULL)
			abort();
		/* Every error says where and how to fix it. */
		if (e1.kind != DBREV_ERR_INPUT || e1.line == 0 ||
		    e1.hint == NULL || e1.next != NULL ||
		    strcmp(e1.message, e2.message) != 0 || e1.line != e2.line)
			abort();
	}
	dbrev_revision_free(full);
	dbrev_revision_free(hdr);
	dbrev_error_clear(&e1);
	dbrev_error_clear(&e2);
	free(text);
	return 0;
}
