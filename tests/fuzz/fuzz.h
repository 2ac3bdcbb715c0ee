/*
 * fuzz.h - what the libFuzzer targets share: splitting an input into
 * NUL-terminated fields, and failing loudly when a property breaks.
 */
#ifndef DBREV_FUZZ_H
#define DBREV_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * Split data at NUL bytes into n fields (the missing ones are "", what
 * follows the n-th is ignored), each a malloc'd string of exactly its
 * length, so that ASan sees any read past its end.  Free with
 * fields_free.
 */
static inline void
fields(const uint8_t *data, size_t size, char **f, size_t n)
{
	size_t i, start = 0, len;

	for (i = 0; i < n; i++) {
		len = start < size ? strnlen((const char *)data + start,
		    size - start) : 0;
		f[i] = malloc(len + 1);
		if (len > 0)
			memcpy(f[i], data + start, len);
		f[i][len] = '\0';
		start += len + 1;
	}
}

static inline void
fields_free(char **f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i]);
}

/* A property that must hold on every input: say which, then crash. */
#define PROPERTY(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "property broken: %s: ", #cond);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

/* Whether s has a character other than '*' (a secret worth hiding). */
static inline int
worth_hiding(const char *s)
{
	return s != NULL && s[strspn(s, "*")] != '\0';
}

#endif /* DBREV_FUZZ_H */
