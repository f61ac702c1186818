/* reader_internal.h: the reader's buffer, shared with the NDJSON frame
 * parser (ndjson.c), which reads from the same buffer. */
#ifndef SG_READER_INTERNAL_H
#define SG_READER_INTERNAL_H

#include "buf.h"
#include "reader.h"

#define READER_BUF_MIN (256u << 10)

enum reader_mode { READER_UNKNOWN, READER_FRAMES, READER_NDJSON };

struct sg_ndjson;

struct sg_reader {
	sg_read_fn read;
	void *ctx;
	unsigned char *buf;
	size_t cap, pos, len;  /* unread bytes are buf[pos..len) */
	uint64_t consumed;     /* input offset of buf[pos] */
	uint64_t frames;
	int eof, failed;
	int defer_data_sums;   /* inline DATA checksums are the caller's */
	enum reader_mode mode;
	struct sg_ndjson *json; /* the NDJSON parser's state, once needed */
};

/* Make at least want bytes available at buf[pos]: 1 when they are, 0 when
 * the input ended first, or a negative SG_E* code. */
int sg_reader_fill(sg_reader *r, size_t want, sg_err *e);

/* Mark the reader spent, position e at the current frame and offset, and
 * return rc. */
int sg_reader_fail(sg_reader *r, int rc, sg_err *e);

/* The next frame from NDJSON input (ndjson.c), like sg_reader_next(). */
int sg_ndjson_next(sg_reader *r, sg_frame *f, sg_err *e);
void sg_ndjson_free(sg_reader *r);

#endif
