/* Fuzz target: the NDJSON frame parser (ndjson.c), through sg_reader.
 *
 * The first byte picks how the input is split into reads (as in
 * fuzz_reader.c); the rest is the NDJSON text, with a '{' put in front
 * when it does not start like NDJSON, so the reader always takes the
 * NDJSON path. Any input must end in frames or a verdict: no crash, no
 * leak, no allocation past the frame limits; every frame the reader yields
 * is a real frame (f->raw passes sg_frame_decode, its payload follows the
 * header and matches its checksum); an error is bad data naming a frame
 * and an offset. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "sum.h"

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
	uint8_t *text;
	size_t len;
	sg_reader *r;
	sg_frame f;
	sg_err e;
	uint64_t n = 0, last_at = 0;
	int rc;

	if (size < 1)
		return 0;
	m.step = data[0];
	data++;
	size--;
	/* NDJSON starts with '{' or a blank */
	len = size;
	text = malloc(size + 1);
	if (text == NULL)
		abort();
	if (size == 0 || strchr("{ \t\r\n", data[0]) == NULL || data[0] == '\0') {
		text[0] = '{';
		memcpy(text + 1, data, size);
		len++;
	} else {
		memcpy(text, data, size);
	}
	m.p = text;
	m.len = len;
	r = sg_reader_new(mem_read, &m);
	if (r == NULL)
		abort();
	sg_err_clear(&e);
	while ((rc = sg_reader_next(r, &f, &e)) > 0) {
		sg_frame_hdr h;
		sg_err e2;

		if (!sg_reader_is_ndjson(r))
			abort(); /* the input starts like NDJSON */
		sg_err_clear(&e2);
		if (sg_frame_decode(f.raw, SG_FRAME_HDR_LEN, &h, &e2) != 0)
			abort(); /* a frame that is not one */
		if (memcmp(&h.payload_sum, &f.h.payload_sum, sizeof h.payload_sum) != 0 ||
		    h.type != f.h.type || h.size != f.h.size || h.stored != f.h.stored ||
		    h.seq != f.h.seq || h.offset != f.h.offset || h.flags != f.h.flags ||
		    h.source != f.h.source || h.context != f.h.context || h.codec != f.h.codec)
			abort(); /* f->h is not what f->raw says */
		if (f.h.codec != SG_CODEC_NONE || f.h.stored != f.h.size ||
		    f.payload != f.raw + f.h.hdr_len ||
		    sg_sum(f.payload, f.h.size) != f.h.payload_sum)
			abort();
		if (f.index != n++ || f.at >= len || (n > 1 && f.at <= last_at))
			abort(); /* frames are numbered, in input order */
		last_at = f.at;
		if (sg_reader_tell(r) > len || sg_reader_count(r) != n)
			abort();
	}
	if (rc < 0 && (e.code != SG_EDATA || e.frame != n || e.offset == SG_NOPOS ||
	    e.offset > len))
		abort(); /* every defect must be bad data with a position */
	if (rc == 0 && sg_reader_tell(r) != len)
		abort(); /* a clean end consumed everything */
	sg_reader_free(r);
	free(text);
	return 0;
}
