/* bytes: every byte position is a boundary; chunks are exactly --size. */
#include "boundary.h"

static size_t
bytes_find(void *st, const unsigned char *buf, size_t len, size_t avail, int eof,
	   uint64_t max_records)
{
	(void)st; (void)buf; (void)avail; (void)eof;
	if (max_records > 0 && max_records < len)
		return (size_t)max_records;
	return len;
}

const sg_boundary_ops sg_boundary_bytes = {
	.name = "bytes",
	.summary = "exactly --size bytes (binary data)",
	.has_records = 0,
	.part = SG_PART_BYTES,
	.find = bytes_find,
};
