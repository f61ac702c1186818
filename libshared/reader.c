#include "reader.h"
#include "reader_internal.h"

#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "sum.h"

/* Page-aligned reads: copies into misaligned buffers are much slower. */
#define READER_ALIGN 4096u

ssize_t
sg_reader_fd(void *ctx, void *buf, size_t n, sg_err *e)
{
	return sg_io_read(*(int *)ctx, buf, n, e);
}

sg_reader *
sg_reader_new(sg_read_fn read, void *ctx)
{
	sg_reader *r = calloc(1, sizeof *r);

	if (r == NULL)
		return NULL;
	r->read = read;
	r->ctx = ctx;
	r->cap = READER_BUF_MIN;
	if (posix_memalign((void **)&r->buf, READER_ALIGN, r->cap) != 0) {
		free(r);
		return NULL;
	}
	return r;
}

void
sg_reader_free(sg_reader *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	sg_ndjson_free(r);
	free(r);
}

uint64_t
sg_reader_tell(const sg_reader *r)
{
	return r->consumed;
}

int
sg_reader_has_frame(const sg_reader *r)
{
	const unsigned char *p = r->buf + r->pos;
	size_t have = r->len - r->pos;
	uint64_t wire;

	if (r->mode != READER_FRAMES)
		return have != 0;
	if (have < 48)
		return 0;
	/* hdr_len plus stored: the frame's length on the wire. */
	wire = (uint64_t)sg_le16(p + 8) + sg_le32(p + 44);
	return have >= wire;
}

void
sg_reader_defer_data_sums(sg_reader *r)
{
	r->defer_data_sums = 1;
}

int
sg_reader_is_ndjson(const sg_reader *r)
{
	return r->mode == READER_NDJSON;
}

uint64_t
sg_reader_count(const sg_reader *r)
{
	return r->frames;
}

/* Make at least want bytes available at buf[pos]. Returns 1 when they are,
 * 0 when the input ended first, or an error. want is bounded by the frame
 * limits, which the caller checked. */
int
sg_reader_fill(sg_reader *r, size_t want, sg_err *e)
{
	while (r->len - r->pos < want) {
		ssize_t n;

		if (r->eof)
			return 0;
		if (r->cap - r->pos < want) {
			/* Compact, then grow if one frame needs more room. */
			memmove(r->buf, r->buf + r->pos, r->len - r->pos);
			r->len -= r->pos;
			r->pos = 0;
			if (r->cap < want) {
				/* Room for read-ahead too, so compaction
				 * moves little. */
				size_t cap = want + READER_BUF_MIN;
				void *p;

				if (posix_memalign(&p, READER_ALIGN, cap) != 0)
					return sg_err_set(e, SG_ENOMEM,
					    "out of memory for a %zu-byte frame", want);
				memcpy(p, r->buf, r->len);
				free(r->buf);
				r->buf = p;
				r->cap = cap;
			}
		}
		n = r->read(r->ctx, r->buf + r->len, r->cap - r->len, e);
		if (n < 0)
			return (int)n;
		if (n == 0)
			r->eof = 1;
		r->len += (size_t)n;
	}
	return 1;
}

int
sg_reader_fail(sg_reader *r, int rc, sg_err *e)
{
	r->failed = 1;
	e->frame = r->frames;
	e->offset = r->consumed;
	return rc;
}

static int
truncated(sg_reader *r, const char *what, sg_err *e)
{
	return sg_reader_fail(r, sg_err_set(e, SG_EDATA, "truncated %s (input ends after %zu of its bytes)",
	    what, r->len - r->pos), e);
}

/* Detect the input's kind on the first call. 1 when there is input, 0 at
 * its end, or an error. */
static int
detect(sg_reader *r, sg_err *e)
{
	int rc;

	if (r->failed)
		return sg_err_set(e, SG_EINTERNAL, "read after a failure");
	if (r->mode != READER_UNKNOWN)
		return 1;
	if ((rc = sg_reader_fill(r, 1, e)) <= 0)
		return rc < 0 ? sg_reader_fail(r, rc, e) : 0;
	/* sg frames start with 0x53; NDJSON with '{' or blanks. */
	r->mode = strchr("{ \t\r\n", r->buf[r->pos]) != NULL ? READER_NDJSON : READER_FRAMES;
	return 1;
}

int
sg_reader_peek(sg_reader *r, sg_frame_hdr *h, sg_err *e)
{
	uint16_t hdr_len;
	uint32_t frame_size;
	const unsigned char *p;
	int rc;

	if ((rc = detect(r, e)) <= 0)
		return rc;
	if (r->mode == READER_NDJSON)
		return 2;
	if ((rc = sg_reader_fill(r, 1, e)) <= 0)
		return rc < 0 ? sg_reader_fail(r, rc, e) : 0;
	if ((rc = sg_reader_fill(r, 10, e)) <= 0)
		return rc < 0 ? sg_reader_fail(r, rc, e) : truncated(r, "frame header", e);
	p = r->buf + r->pos;
	if ((rc = sg_frame_peek(p, &frame_size, e)) < 0 ||
	    (rc = sg_frame_hdr_len(p, &hdr_len, e)) < 0)
		return sg_reader_fail(r, rc, e);
	if ((rc = sg_reader_fill(r, hdr_len, e)) <= 0)
		return rc < 0 ? sg_reader_fail(r, rc, e) : truncated(r, "frame header", e);
	if ((rc = sg_frame_decode(r->buf + r->pos, hdr_len, h, e)) < 0)
		return sg_reader_fail(r, rc, e);
	return 1;
}

/* The frame whose header was just peeked is whole at raw: check it and
 * account for it. */
static int
take(sg_reader *r, sg_frame *f, const unsigned char *raw, sg_err *e)
{
	f->raw = raw;
	f->payload = raw + f->h.hdr_len;
	if (sg_frame_inline(&f->h) && !(r->defer_data_sums && f->h.type == SG_TYPE_DATA) &&
	    sg_sum(f->payload, f->h.size) != f->h.payload_sum)
		return sg_reader_fail(r, sg_err_set(e, SG_EDATA, "payload checksum mismatch"), e);
	f->index = r->frames++;
	f->at = r->consumed;
	r->consumed += sg_frame_wire_len(&f->h);
	return 1;
}

int
sg_reader_next(sg_reader *r, sg_frame *f, sg_err *e)
{
	size_t wire;
	int rc;

	if ((rc = sg_reader_peek(r, &f->h, e)) <= 0)
		return rc;
	if (rc == 2)
		return sg_ndjson_next(r, f, e);
	/* Limits are checked: the whole frame may now be held. */
	wire = (size_t)sg_frame_wire_len(&f->h);
	if ((rc = sg_reader_fill(r, wire, e)) <= 0)
		return rc < 0 ? sg_reader_fail(r, rc, e) : truncated(r, "frame payload", e);
	r->pos += wire;
	return take(r, f, r->buf + r->pos - wire, e);
}

int
sg_reader_next_into(sg_reader *r, sg_frame *f, sg_buf *dst, sg_err *e)
{
	size_t wire, have, pad, got;
	int rc;

	if ((rc = sg_reader_peek(r, &f->h, e)) <= 0)
		return rc;
	if (rc == 2) {
		if ((rc = sg_ndjson_next(r, f, e)) <= 0)
			return rc;
		dst->len = 0;
		wire = (size_t)sg_frame_wire_len(&f->h);
		if ((rc = sg_buf_append(dst, f->raw, wire, e)) < 0)
			return sg_reader_fail(r, rc, e);
		f->raw = dst->p;
		f->payload = dst->p + f->h.hdr_len;
		return 1;
	}
	wire = (size_t)sg_frame_wire_len(&f->h);
	have = r->len - r->pos;
	if (have > wire)
		have = wire;
	/* What is buffered is copied; the rest is read straight into dst, at
	 * a page boundary, where read(2) copies fastest. */
	pad = have < wire ? (READER_ALIGN - have % READER_ALIGN) % READER_ALIGN : 0;
	dst->len = 0;
	if ((rc = sg_buf_reserve(dst, pad + wire, e)) < 0)
		return sg_reader_fail(r, rc, e);
	memcpy(dst->p + pad, r->buf + r->pos, have);
	r->pos += have;
	for (got = have; got < wire;) {
		ssize_t n = r->read(r->ctx, dst->p + pad + got, wire - got, e);

		if (n < 0)
			return sg_reader_fail(r, (int)n, e);
		if (n == 0) {
			r->eof = 1;
			return sg_reader_fail(r, sg_err_set(e, SG_EDATA,
			    "truncated frame payload (input ends after %zu of its bytes)", got), e);
		}
		got += (size_t)n;
	}
	dst->len = pad + wire;
	return take(r, f, dst->p + pad, e);
}
