/*
 * fuzz_duration.c - libFuzzer target for the duration of the revision
 * header's lock-timeout and statement-timeout lines and of revapply's
 * --statement-lock-timeout and --statement-timeout
 * (dbrev_duration_parse, lib/revision.c).
 *
 * Properties, on every input (the bytes before the first NUL): it is
 * accepted exactly when it reads, as written independently here,
 * DIGITS [. DIGITS] [ms|s|m|min|h] with at most 31 digits before the
 * point and a value of at most DBREV_DURATION_MAX seconds; the value is
 * what strtod makes of the number times the unit (within rounding);
 * on refusal the output is left alone; the accepted value, printed in
 * milliseconds as "%.6fms", parses back to the same value.
 */
#include <math.h>

#include "fuzz.h"

#include "dbrev/revision.h"

/* The grammar, by another route: returns the unit's factor, or 0. */
static double
grammar(const char *s, size_t len, size_t *numlen)
{
	size_t i = strspn(s, "0123456789"), int_digits = i;

	if (i == 0 || i > 31 || i > len)
		return 0;
	if (s[i] == '.') {
		size_t f = strspn(s + i + 1, "0123456789");

		if (f == 0)
			return 0;
		i += 1 + f;
	}
	(void)int_digits;
	*numlen = i;
	if (strcmp(s + i, "") == 0 || strcmp(s + i, "s") == 0)
		return 1;
	if (strcmp(s + i, "ms") == 0)
		return 0.001;
	if (strcmp(s + i, "m") == 0 || strcmp(s + i, "min") == 0)
		return 60;
	if (strcmp(s + i, "h") == 0)
		return 3600;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *f[1], *num, back[64];
	size_t len, numlen = 0;
	double v = -7, want = 0, factor, again = -7;
	int rc;

	fields(data, size, f, 1);
	len = strlen(f[0]);
	rc = dbrev_duration_parse(f[0], len, &v);
	factor = grammar(f[0], len, &numlen);
	if (factor != 0) {
		num = strndup(f[0], numlen);
		want = strtod(num, NULL) * factor;
		free(num);
	}
	if (factor == 0 || !(want <= DBREV_DURATION_MAX * (1 + 1e-12))) {
		PROPERTY(rc == -1, "'%s' accepted as %g", f[0], v);
		PROPERTY(v == -7, "'%s' refused but wrote %g", f[0], v);
	} else if (want <= DBREV_DURATION_MAX * (1 - 1e-12)) {
		PROPERTY(rc == 0, "'%s' refused", f[0]);
	}
	if (rc == 0) {
		PROPERTY(v >= 0 && v <= DBREV_DURATION_MAX, "'%s' read as %g",
		    f[0], v);
		PROPERTY(fabs(v - want) <= 1e-9 * (want > 1 ? want : 1),
		    "'%s' read as %.17g, not %.17g", f[0], v, want);
		snprintf(back, sizeof back, "%.6fms", v * 1000);
		PROPERTY(dbrev_duration_parse(back, strlen(back), &again) == 0 &&
		    fabs(again - v) <= 1e-9 * (v > 1 ? v : 1) + 1e-9,
		    "'%s' (%.17g) printed '%s' reads %.17g", f[0], v, back,
		    again);
	}
	fields_free(f, 1);
	return 0;
}
