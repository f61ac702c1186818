/* utf8: cut only between characters; invalid bytes are units of one. */
#include "boundary.h"
#include "utf8.h"

static size_t
utf8_find(void *st, const unsigned char *buf, size_t len, size_t avail, int eof,
	  uint64_t max_records)
{
	size_t p = 0;
	uint64_t n;

	(void)st;
	if (max_records == 0)
		return sg_utf8_cut_ahead(buf, len, avail, eof);
	/* Only the chunker's "first record" query for --oversize=keep comes
	 * here, since --records is refused for utf8: walk unit by unit. */
	for (n = 0; n < max_records && p < len; n++) {
		size_t u = sg_utf8_unit(buf + p, len - p);

		if (u == 0)
			return eof && len == avail ? len : p;
		p += u;
	}
	return p;
}

const sg_boundary_ops sg_boundary_utf8 = {
	.name = "utf8",
	.summary = "at most --size bytes, only between UTF-8 characters",
	.has_records = 0,
	.part = SG_PART_UTF8,
	.find = utf8_find,
};
