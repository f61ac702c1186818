/* Fuzz target: the frame reader and the sequence verifier.
 *
 * The first byte picks how the input is split into reads, so short reads
 * at every position are explored too. Any input must end in a frame-by-frame
 * verdict: no crash, no leak, no allocation past the frame limits, and an
 * error always names a frame and an offset. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "verify.h"

struct mem {
	const uint8_t *p;
	size_t len, pos;
	unsigned step;
};

static ssize_t
mem_read(void *ctx, void *buf, size_t n, sg_err *e)
{
	struct mem *m = ctx;
	size_t left = m->len - m->pos;

	(void)e;
	if (m->step > 0 && n > m->step)
		n = m->step;
	if (n > left)
		n = left;
	memcpy(buf, m->p + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem m = { 0 };
	sg_reader *r;
	sg_verify *v;
	sg_frame f;
	sg_meta meta;
	sg_err e;
	int rc;

	if (size < 1)
		return 0;
	m.step = data[0];
	m.p = data + 1;
	m.len = size - 1;
	r = sg_reader_new(mem_read, &m);
	v = sg_verify_new();
	if (r == NULL || v == NULL)
		abort();
	sg_err_clear(&e);
	while ((rc = sg_reader_next(r, &f, &e)) > 0) {
		if (f.h.type == SG_TYPE_DATA && f.h.codec != SG_CODEC_NONE)
			break;
		if ((rc = sg_verify_frame(v, &f, f.payload, &meta, &e)) < 0)
			break;
	}
	if (rc == 0)
		rc = sg_verify_finish(v, sg_reader_count(r), sg_reader_tell(r), &e);
	if (rc < 0 && (e.code != SG_EDATA || e.frame == SG_NOPOS || e.offset == SG_NOPOS))
		abort(); /* every defect must be bad data with a position */
	sg_reader_free(r);
	sg_verify_free(v);
	return 0;
}
