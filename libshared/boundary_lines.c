/* lines: cut after a newline (LF). CR is an ordinary byte, so CRLF lines
 * keep their CR, and CR-only text is one long record. */
#include "boundary.h"

#include <string.h>

static size_t
last_newline(const unsigned char *buf, size_t len)
{
	const unsigned char *nl = memrchr(buf, '\n', len);

	return nl != NULL ? (size_t)(nl - buf) + 1 : 0;
}

static size_t
lines_find(void *st, const unsigned char *buf, size_t len, size_t avail, int eof,
	   uint64_t max_records)
{
	const unsigned char *p = buf, *end = buf + len;
	uint64_t n;

	(void)st;
	eof = eof && len == avail; /* only then does the window end the input */
	if (max_records == 0)
		return eof ? len : last_newline(buf, len);
	for (n = 0; n < max_records; n++) {
		const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			return eof ? len : (size_t)(p - buf);
		p = nl + 1;
		if (p == end)
			break;
	}
	return (size_t)(p - buf);
}

const sg_boundary_ops sg_boundary_lines = {
	.name = "lines",
	.summary = "after a newline (the default)",
	.has_records = 1,
	.part = SG_PART_LINE,
	.find = lines_find,
};
