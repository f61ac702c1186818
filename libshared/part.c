#include "part.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "size.h"
#include "utf8.h"

#define PART_BLOCK (64u << 10)

int
sg_part_parse(const char *s, uint32_t *k, uint32_t *n, sg_err *e)
{
	const char *slash = strchr(s, '/');
	char num[32];
	uint64_t kk, nn;

	if (slash == NULL || (size_t)(slash - s) >= sizeof num)
		return sg_err_set(e, SG_EUSAGE, "--part takes K/N (like 2/8), not '%s'", s);
	memcpy(num, s, (size_t)(slash - s));
	num[slash - s] = '\0';
	if (sg_count_parse(slash + 1, 1, 65536, &nn, e) < 0 ||
	    sg_count_parse(num, 1, nn, &kk, e) < 0)
		return sg_err_set(e, SG_EUSAGE, "--part takes K/N with 1 <= K <= N <= 65536, "
		    "not '%s'", s);
	*k = (uint32_t)kk;
	*n = (uint32_t)nn;
	return 0;
}

/* Read up to n bytes at off; returns the count (short only at the end of
 * the file) or SG_EIO. */
static ssize_t
read_at(int fd, unsigned char *buf, size_t n, uint64_t off, sg_err *e)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)(off + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return sg_err_set(e, SG_EIO, "read error: %s", strerror(errno));
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The first offset >= pos just after an occurrence of sep[0..len), found
 * by a left-to-right search that starts len bytes before pos; size when
 * there is none. */
static int
after_separator(int fd, uint64_t size, uint64_t pos, const unsigned char *sep,
		size_t len, uint64_t *out, sg_err *e)
{
	unsigned char buf[PART_BLOCK];
	uint64_t at = pos > len ? pos - len : 0;

	while (at < size) {
		ssize_t n = read_at(fd, buf, sizeof buf, at, e);
		const unsigned char *p = buf;
		size_t left;

		if (n < 0)
			return (int)n;
		left = (size_t)n;
		while (left >= len) {
			const unsigned char *m = memmem(p, left, sep, len);

			if (m == NULL)
				break;
			if (at + (uint64_t)(m - buf) + len >= pos) {
				*out = at + (uint64_t)(m - buf) + len;
				return 0;
			}
			left -= (size_t)(m - p) + len;
			p = m + len;
		}
		if ((size_t)n < sizeof buf)
			break;
		/* Resume where a separator could still start. */
		at += (uint64_t)(p - buf) > (size_t)n - len + 1 ? (uint64_t)(p - buf)
		    : (uint64_t)n - len + 1;
	}
	*out = size;
	return 0;
}

/* The first character boundary at or after pos: a byte that is not a
 * continuation byte, or the end of a run of three (invalid bytes are
 * units of one, so no valid character spans such a place). */
static int
char_boundary(int fd, uint64_t size, uint64_t pos, uint64_t *out, sg_err *e)
{
	unsigned char b[3];
	ssize_t n = read_at(fd, b, sizeof b, pos, e);
	ssize_t i;

	if (n < 0)
		return (int)n;
	for (i = 0; i < n && (b[i] & 0xC0) == 0x80; i++)
		;
	*out = pos + (uint64_t)i;
	if (*out > size)
		*out = size;
	return 0;
}

static int
boundary_at(int fd, uint64_t size, uint64_t pos, const sg_boundary_ops *s,
	    const sg_boundary_params *p, uint64_t chunk, uint64_t *out, sg_err *e)
{
	static const unsigned char lf = '\n';

	if (pos == 0 || pos >= size) {
		*out = pos == 0 ? 0 : size;
		return 0;
	}
	switch (s->part) {
	case SG_PART_BYTES:
		*out = (pos + chunk - 1) / chunk * chunk;
		if (*out > size)
			*out = size;
		return 0;
	case SG_PART_UTF8:
		return char_boundary(fd, size, pos, out, e);
	case SG_PART_LINE:
	case SG_PART_NDJSON:
		return after_separator(fd, size, pos, &lf, 1, out, e);
	case SG_PART_DELIM:
		return after_separator(fd, size, pos, p->delim, p->delim_len, out, e);
	default:
		return sg_err_set(e, SG_EINTERNAL, "no part boundary for strategy %s", s->name);
	}
}

/* NDJSON parts are line-aligned, which is wrong for a top-level array. */
static int
check_json(int fd, const sg_boundary_params *p, sg_err *e)
{
	unsigned char buf[4096];
	ssize_t n, i;

	if (p->json_array)
		return sg_err_set(e, SG_EUSAGE, "--part cannot be combined with --array: "
		    "array elements have no boundaries found locally");
	if ((n = read_at(fd, buf, sizeof buf, 0, e)) < 0)
		return (int)n;
	for (i = 0; i < n; i++) {
		if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n')
			continue;
		if (buf[i] == '[')
			return sg_err_set(e, SG_EUSAGE, "--part with -s json needs NDJSON "
			    "(one value per line); this input is a top-level array");
		break;
	}
	return 0;
}

int
sg_part_range(int fd, uint64_t size, uint32_t k, uint32_t n,
	      const sg_boundary_ops *s, const sg_boundary_params *p,
	      uint64_t chunk, uint64_t *start, uint64_t *end, sg_err *e)
{
	unsigned __int128 lo = (unsigned __int128)size * (k - 1) / n;
	unsigned __int128 hi = (unsigned __int128)size * k / n;
	int rc;

	if (s->part == SG_PART_NONE)
		return sg_err_set(e, SG_EUSAGE, "--part does not work with strategy %s: "
		    "its boundaries cannot be found from the middle of the input "
		    "(use bytes, utf8, lines, delim or json on NDJSON)", s->name);
	if (s->part == SG_PART_NDJSON && (rc = check_json(fd, p, e)) < 0)
		return rc;
	if ((rc = boundary_at(fd, size, (uint64_t)lo, s, p, chunk, start, e)) < 0)
		return rc;
	if ((rc = boundary_at(fd, size, (uint64_t)hi, s, p, chunk, end, e)) < 0)
		return rc;
	if (*end < *start)
		*end = *start; /* both fell in one record: this part is empty */
	return 0;
}
