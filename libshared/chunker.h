/* chunker.h: turns the bytes of one source after another into frames.
 *
 * The caller reads input straight into the chunker's buffer (no copy):
 *
 *   sg_chunker_begin(c, &meta, e);            emits BEGIN
 *   while ((n = read(fd, space, sg_chunker_space(c, &space))) > 0)
 *       sg_chunker_commit(c, n, e);           emits every full window
 *       (on a live input with nothing more waiting: sg_chunker_drain)
 *   sg_chunker_end(c, is_last_source, e);     emits the rest and END
 *
 * Frames go to the emit callback as they are cut. Memory is the buffer:
 * --size bytes plus SG_CHUNK_LOOKAHEAD, or up to SG_CHUNK_KEEP_MAX (plus
 * the lookahead) with --oversize=keep, plus room for context: half of
 * --size with --header, --overlap bytes with --overlap.
 *
 * Context: with --header the first record of each source is repeated at the
 * start of every later chunk, with --overlap the tail of each chunk at the
 * start of the next; the frame's `context` field counts those bytes and a
 * flag (SG_FLAG_HEADER, SG_FLAG_OVERLAP) marks them, so decode skips them.
 * A chunk's context and new bytes together stay within --size.
 */
#ifndef SG_CHUNKER_H
#define SG_CHUNKER_H

#include <stddef.h>
#include <stdint.h>

#include "boundary.h"
#include "err.h"
#include "frame.h"
#include "meta.h"

#define SG_CHUNK_SIZE_DEFAULT (1u << 20)
#define SG_CHUNK_SIZE_MAX (64u << 20)       /* largest --size */
#define SG_CHUNK_KEEP_MAX SG_FRAME_PAYLOAD_MAX /* hard cap of --oversize=keep */
#define SG_CHUNK_AUTO_MIN (64u << 10)
#define SG_CHUNK_AUTO_MAX (4u << 20)
#define SG_CHUNK_AUTO_STREAM (1u << 20)     /* auto, when the size is unknown */
/* Bytes read past a window before it is cut, so that cuts never depend on
 * how reads split the input: the longest UTF-8 tail (3), and one byte to
 * tell whether a record that fills the window exactly ends there. */
#define SG_CHUNK_LOOKAHEAD 4u

enum sg_oversize {
	SG_OVERSIZE_SPLIT, /* cut at a character boundary, flag the frame */
	SG_OVERSIZE_KEEP,  /* keep the record whole, up to SG_CHUNK_KEEP_MAX */
	SG_OVERSIZE_ERROR, /* stop with SG_EDATA */
};

/* "split", "keep", "error" <-> enum sg_oversize; -1 when unknown. */
int sg_oversize_parse(const char *s);
const char *sg_oversize_name(int policy);

/* Receives each frame: h, and its payload of h->stored bytes. Returns 0 or
 * a negative SG_E* code, which stops the chunker. */
typedef int (*sg_emit_fn)(void *ctx, const sg_frame_hdr *h,
			  const unsigned char *payload, sg_err *e);

typedef struct sg_chunk_opts {
	const sg_boundary_ops *strategy;
	sg_boundary_params params; /* the strategy's own options */
	uint64_t size;      /* largest chunk; 0 means auto */
	uint64_t records;   /* records per chunk, 0 for no limit */
	int oversize;       /* enum sg_oversize */
	int header;         /* --header: repeat the first record in every chunk */
	uint64_t overlap;   /* --overlap: repeat up to this many bytes */
} sg_chunk_opts;

typedef struct sg_chunker sg_chunker;

/* The chunk size `auto` picks for a source of source_size bytes
 * (UINT64_MAX when unknown): a sixteenth of the input rounded up to a
 * power of two, within 64 KiB..4 MiB; 1 MiB for a stream. */
uint64_t sg_chunk_auto_size(uint64_t source_size);

/* A new chunker, or NULL with e set. Options are checked here. */
sg_chunker *sg_chunker_new(const sg_chunk_opts *o, sg_emit_fn emit, void *ctx, sg_err *e);
void sg_chunker_free(sg_chunker *c);

/* Start the next source. meta holds what the caller knows (name, size,
 * mtime, mode); the chunker adds strategy, chunk size, records, oversize and
 * emits BEGIN, with source index one more than the last. */
int sg_chunker_begin(sg_chunker *c, sg_meta *meta, sg_err *e);

/* The same, for a part of the source that begins at source offset start
 * (--part): frames carry source offsets from there. */
int sg_chunker_begin_at(sg_chunker *c, sg_meta *meta, uint64_t start, sg_err *e);

/* Room to read into: sets *p and returns the bytes free. Returns 0 only
 * when the buffer could not grow (out of memory). */
size_t sg_chunker_space(sg_chunker *c, unsigned char **p);

/* n bytes were read into the space: cut every full window. */
int sg_chunker_commit(sg_chunker *c, size_t n, sg_err *e);

/* No more input is waiting right now: emit every complete record held. */
int sg_chunker_drain(sg_chunker *c, sg_err *e);

/* The source ended: emit what is held and END (flagged last if last). */
int sg_chunker_end(sg_chunker *c, int last, sg_err *e);

/* Leave the current source without cutting the rest or sending END: for
 * sg-chunk --resume, which begins a source the output already holds whole
 * (replay.h) only to check its BEGIN. */
void sg_chunker_abandon(sg_chunker *c);

/* Emit a PROGRESS frame: consumed bytes of the underlying input (a
 * compressed file, an archive) out of total (UINT64_MAX when unknown).
 * It carries the current (or last) source's index and no sequence. */
int sg_chunker_progress(sg_chunker *c, uint64_t consumed, uint64_t total, sg_err *e);

/* Bytes of the current source consumed so far (committed). */
uint64_t sg_chunker_consumed(const sg_chunker *c);

/* Whether the strategy ended the source early (sse --until-done): the
 * caller stops reading it and calls sg_chunker_end, which drops what is
 * held; sg_chunker_dropped then says how many bytes that was. */
int sg_chunker_stopped(const sg_chunker *c);
uint64_t sg_chunker_dropped(const sg_chunker *c);

#endif
