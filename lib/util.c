/* util.c - buffers, checked allocation, file reading, SHA-256, clock. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "dbrev/util.h"

static void
out_of_memory(void)
{
	/* The one place the library writes: there is nothing else to do. */
	static const char msg[] = "dbrev: out of memory\n";
	ssize_t r = write(2, msg, sizeof(msg) - 1);
	(void)r;
	abort();
}

void *
dbrev_xmalloc(size_t n)
{
	void *p = malloc(n == 0 ? 1 : n);

	if (p == NULL)
		out_of_memory();
	return p;
}

void *
dbrev_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		out_of_memory();
	return p;
}

void *
dbrev_xrealloc(void *p, size_t n)
{
	p = realloc(p, n == 0 ? 1 : n);
	if (p == NULL)
		out_of_memory();
	return p;
}

char *
dbrev_xstrdup(const char *s)
{
	return dbrev_xstrndup(s, strlen(s));
}

char *
dbrev_xstrndup(const char *s, size_t n)
{
	char *p = dbrev_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void
buf_reserve(struct dbrev_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->data = dbrev_xrealloc(b->data, b->cap);
}

void
dbrev_buf_add(struct dbrev_buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
dbrev_buf_puts(struct dbrev_buf *b, const char *s)
{
	dbrev_buf_add(b, s, strlen(s));
}

void
dbrev_buf_printf(struct dbrev_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
dbrev_buf_reset(struct dbrev_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

char *
dbrev_buf_take(struct dbrev_buf *b)
{
	char *s = b->data != NULL ? b->data : dbrev_xstrdup("");

	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void
dbrev_buf_free(struct dbrev_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int
dbrev_read_file(const char *path, struct dbrev_buf *b, struct dbrev_error *err)
{
	struct stat st;
	ssize_t n;
	int fd;

	dbrev_buf_reset(b);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, path, 0, NULL,
		    "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, path, 0, NULL,
		    "is a directory, not a file");
	}
	buf_reserve(b, st.st_size > 0 ? (size_t)st.st_size : 4096);
	for (;;) {
		if (b->cap - b->len < 2)
			buf_reserve(b, b->cap);
		n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return dbrev_error_set(err, DBREV_ERR_RUNTIME, path, 0,
			    NULL, "cannot read: %s", strerror(errno));
		}
		b->len += (size_t)n;
	}
	b->data[b->len] = '\0';
	close(fd);
	return 0;
}

/* What a file that is not a regular one is, for a message. */
static const char *
file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

int
dbrev_read_regular_file(const char *path, size_t max, struct dbrev_buf *b,
    struct dbrev_error *err)
{
	struct stat st;
	ssize_t n;
	int fd, flags;

	dbrev_buf_reset(b);
	/* Non-blocking: opening a FIFO would wait for a writer. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, path, 0, NULL,
		    "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) == -1) {
		close(fd);
		return dbrev_error_set(err, DBREV_ERR_RUNTIME, path, 0, NULL,
		    "cannot read: %s", strerror(errno));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return dbrev_error_set(err, DBREV_ERR_INPUT, path, 0,
		    "a revision is a file: move this out of the directory",
		    "%s, not a regular file", file_kind(st.st_mode));
	}
	if ((unsigned long long)st.st_size > max) {
		close(fd);
		return dbrev_error_set(err, DBREV_ERR_INPUT, path, 0,
		    "split it, or load data outside migrations",
		    "%lld bytes, over the limit of %zu bytes for this file",
		    (long long)st.st_size, max);
	}
	if ((flags = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	buf_reserve(b, (size_t)st.st_size + 1);
	/* Read one byte past the limit: the file may grow meanwhile. */
	while (b->len <= max) {
		size_t want = b->cap - b->len - 1;

		if (want == 0) {
			buf_reserve(b, b->cap);
			continue;
		}
		if (want > max + 1 - b->len)
			want = max + 1 - b->len;
		if ((n = read(fd, b->data + b->len, want)) == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return dbrev_error_set(err, DBREV_ERR_RUNTIME, path, 0,
			    NULL, "cannot read: %s", strerror(errno));
		}
		b->len += (size_t)n;
	}
	close(fd);
	b->data[b->len] = '\0';
	if (b->len > max)
		return dbrev_error_set(err, DBREV_ERR_INPUT, path, 0,
		    "split it, or load data outside migrations",
		    "over the limit of %zu bytes for this file", max);
	return 0;
}

void
dbrev_checksum(const void *data, size_t len, char out[DBREV_CHECKSUM_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	/*
	 * Fetch the implementation once: EVP_sha256() makes every call look
	 * it up again, which shows on a run that checksums 1,000 files.
	 */
	static EVP_MD *sha256;

	if (sha256 == NULL)
		sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (EVP_Digest(data, len, md, &mdlen,
	    sha256 != NULL ? sha256 : EVP_sha256(), NULL) != 1)
		mdlen = 0;	/* cannot happen with the default provider */
	for (i = 0; i < mdlen && i < DBREV_CHECKSUM_LEN / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[2 * i] = '\0';
}

double
dbrev_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
