/* autogen.c - placeholder until the autogenerate issue lands. */
#include <stdlib.h>
#include <string.h>

#include "dbrev/autogen.h"

int
dbrev_autogen_diff(const struct dbrev_autogen_options *opts,
    struct dbrev_autogen_result *res, struct dbrev_error *err)
{
	memset(res, 0, sizeof(*res));
	return dbrev_error_set(err, DBREV_ERR_RUNTIME, opts->schema_path, 0,
	    NULL, "autogenerate is not built yet");
}

void
dbrev_autogen_result_free(struct dbrev_autogen_result *res)
{
	(void)res;
}
