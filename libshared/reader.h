/* reader.h: reads a stream of sg frames and checks each one on its own.
 *
 * The reader checks what one frame can show by itself: magic, header
 * checksum, version, limits, lengths, and (for inline payloads) the payload
 * checksum. What only the sequence can show (order, gaps, END totals) is
 * verify.h's job. Memory is one frame: the buffer grows to the largest
 * frame seen, and limits are checked before it grows.
 */
#ifndef SG_READER_H
#define SG_READER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"
#include "frame.h"

/* Where the bytes come from: like read(2), returns bytes, 0 at the end, or
 * a negative SG_E* code with e set. */
typedef ssize_t (*sg_read_fn)(void *ctx, void *buf, size_t n, sg_err *e);

typedef struct sg_frame {
	sg_frame_hdr h;
	const unsigned char *raw;      /* the whole frame as read: header, then payload */
	const unsigned char *payload;  /* h.stored bytes (raw + h.hdr_len) */
	uint64_t index;                /* frame number in the input, from 0 */
	uint64_t at;                   /* byte offset of the frame in the input */
} sg_frame;

typedef struct sg_reader sg_reader;

/* A reader pulling from read(ctx, ...). NULL when out of memory. */
sg_reader *sg_reader_new(sg_read_fn read, void *ctx);
void sg_reader_free(sg_reader *r);

/* An sg_read_fn over a file descriptor (ctx points to an int). */
ssize_t sg_reader_fd(void *ctx, void *buf, size_t n, sg_err *e);

/* The next frame into *f, valid until the next call. Returns 1 for a frame,
 * 0 at a clean end of input (between frames), or a negative SG_E* code with
 * e naming the frame and offset. After an error the reader is spent. */
int sg_reader_next(sg_reader *r, sg_frame *f, sg_err *e);

/* Leave the checksums of inline DATA payloads to the caller (who checks
 * them on worker threads, say). Headers and metadata are still checked. */
void sg_reader_defer_data_sums(sg_reader *r);

/* Whether a whole frame is already buffered, so that the next call will
 * not block (NDJSON: whether any input is buffered). */
int sg_reader_has_frame(const sg_reader *r);

/* Whether the input turned out to be NDJSON (known after the first call). */
int sg_reader_is_ndjson(const sg_reader *r);

/* The next frame's header, checked, without taking the frame: 1, 0 at a
 * clean end, a negative SG_E* code, or 2 when the input is NDJSON (which
 * has no header to peek). */
int sg_reader_peek(sg_reader *r, sg_frame_hdr *h, sg_err *e);

/* Like sg_reader_next(), but the frame lands in dst, which it owns: what
 * the reader has buffered is copied, the rest is read straight into dst.
 * f->raw is the last sg_frame_wire_len() bytes of dst. For frames that
 * must outlive the next call (sent to another thread) without a second
 * copy. */
int sg_reader_next_into(sg_reader *r, sg_frame *f, sg_buf *dst, sg_err *e);

/* Bytes consumed so far (the offset of the next frame), and frames read. */
uint64_t sg_reader_tell(const sg_reader *r);
uint64_t sg_reader_count(const sg_reader *r);

#endif
