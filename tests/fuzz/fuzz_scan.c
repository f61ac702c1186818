/* Fuzz target: the pass-through frame scanner of sg-progress (scan.h).
 *
 * The first byte picks the block size the input is fed in. Whatever the
 * input, the scanner must end in a verdict that names a frame and an
 * offset, and it must see exactly the frames, in the same places, whether
 * the bytes come in blocks or all at once: the frames it reports are the
 * same sequence, and the verdict is the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

#define MAX_SEEN 4096

struct seen {
	uint64_t at[MAX_SEEN];
	uint8_t type[MAX_SEEN];
	size_t n;
};

static int
record(void *ctx, const sg_frame_hdr *h, const sg_meta *m, uint64_t at, sg_err *e)
{
	struct seen *s = ctx;

	(void)e;
	/* Metadata comes exactly with the frame types that carry it. */
	if ((m != NULL) != (h->type == SG_TYPE_BEGIN || h->type == SG_TYPE_END ||
	    h->type == SG_TYPE_PROGRESS))
		abort();
	if (s->n < MAX_SEEN) {
		s->at[s->n] = at;
		s->type[s->n] = h->type;
	}
	s->n++;
	return 0;
}

/* Feed data in blocks of step bytes (0: all at once); the verdict. */
static int
scan(const uint8_t *data, size_t size, size_t step, struct seen *s, sg_err *e)
{
	sg_scan *sc = sg_scan_new(record, s);
	size_t pos = 0;
	int rc = 0;

	if (sc == NULL)
		abort();
	sg_err_clear(e);
	while (rc == 0 && pos < size) {
		size_t n = step == 0 || size - pos < step ? size - pos : step;

		rc = sg_scan_feed(sc, data + pos, n, e);
		pos += n;
	}
	if (rc == 0)
		rc = sg_scan_finish(sc, e);
	if (rc < 0 && (e->code != SG_EDATA || e->frame == SG_NOPOS || e->offset == SG_NOPOS))
		abort(); /* every defect is bad data with a position */
	sg_scan_free(sc);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seen whole, split;
	sg_err ew, es;
	int rw, rs;

	if (size < 1)
		return 0;
	memset(&whole, 0, sizeof whole);
	memset(&split, 0, sizeof split);
	rw = scan(data + 1, size - 1, 0, &whole, &ew);
	rs = scan(data + 1, size - 1, data[0] + 1u, &split, &es);
	if (rw != rs || whole.n != split.n ||
	    memcmp(whole.at, split.at, sizeof whole.at) != 0 ||
	    memcmp(whole.type, split.type, sizeof whole.type) != 0)
		abort(); /* the block size changed what was seen */
	if (rw < 0 && (ew.frame != es.frame || ew.offset != es.offset))
		abort();
	return 0;
}
