/* sgtest.h: helpers shared by the cmocka unit tests of libshared.
 *
 * A seeded PRNG (SG_SEED overrides the seed, which every test prints), a
 * growable buffer, an emit callback that collects a chunker's frames in
 * memory as a wire stream, a read callback over memory with random short
 * reads, a whole-stream decoder (reader + verify + finish), and a reference
 * UTF-8 decoder written from the RFC 3629 grammar, independent of utf8.c.
 */
#ifndef SGTEST_H
#define SGTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <cmocka.h>

#include "chunker.h"
#include "err.h"
#include "frame.h"
#include "meta.h"
#include "reader.h"
#include "verify.h"

/* --- PRNG (splitmix64) --------------------------------------------- */

typedef struct sgt_rng {
	uint64_t s;
} sgt_rng;

/* Seed r from SG_SEED (decimal or 0x-hex) or from the clock, and print the
 * seed with the test's name so that a failure can be replayed. */
void sgt_rng_init(sgt_rng *r, const char *test);
uint64_t sgt_next(sgt_rng *r);
uint64_t sgt_below(sgt_rng *r, uint64_t n);                 /* [0, n), n > 0 */
uint64_t sgt_range(sgt_rng *r, uint64_t lo, uint64_t hi);   /* [lo, hi] */
int sgt_chance(sgt_rng *r, unsigned percent);

/* Iterations scaled by SG_ITER_SCALE (a percentage, default 100). */
unsigned sgt_iters(unsigned base);

/* --- growable buffer ----------------------------------------------- */

typedef struct sgt_buf {
	unsigned char *p;
	size_t len, cap;
} sgt_buf;

void sgt_buf_put(sgt_buf *b, const void *p, size_t n);
void sgt_buf_byte(sgt_buf *b, unsigned char c);
void sgt_buf_free(sgt_buf *b);

/* --- frames collected from a chunker --------------------------------- */

typedef struct sgt_frame {
	sg_frame_hdr h;
	size_t at;       /* offset of the frame in wire */
	size_t len;      /* wire length: header plus payload */
} sgt_frame;

typedef struct sgt_stream {
	sgt_buf wire;    /* the frames as sg_frame_encode() writes them */
	sgt_frame *f;
	size_t n, cap;
	long fail_at;    /* sgt_emit fails on this frame (0-based), or -1 */
	int fail_code;
} sgt_stream;

void sgt_stream_init(sgt_stream *s);
void sgt_stream_free(sgt_stream *s);
/* An sg_emit_fn: ctx is an sgt_stream. */
int sgt_emit(void *ctx, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e);
const unsigned char *sgt_payload(const sgt_stream *s, size_t i);

/* Feed in[0..len) through sg_chunker_space/commit in random pieces. With
 * drain_pct > 0, call sg_chunker_drain after a piece with that chance. */
int sgt_feed(sg_chunker *c, const unsigned char *in, size_t len, sgt_rng *r,
	     unsigned drain_pct, sg_err *e);

/* Chunk nsrc sources (named "src0", "src1", ...) into s as one stream. */
int sgt_make_stream(sgt_stream *s, const sg_chunk_opts *o, size_t nsrc,
		    const unsigned char *const *src, const size_t *len,
		    sgt_rng *r, sg_err *e);

/* Append a frame: h encoded by sg_frame_encode, then h->stored payload
 * bytes. With fix_sum, h->payload_sum is set to XXH3 of the payload first. */
void sgt_put_frame(sgt_buf *b, sg_frame_hdr h, const void *payload, int fix_sum);

/* A metadata payload from m, into out (SG_FRAME_META_MAX bytes). */
size_t sgt_meta_bytes(const sg_meta *m, unsigned char *out);

/* The small two-source stream of the corruption tests (lines, --size 6):
 * "hi\nthere\n" and "h\xC3\xA9llo\n\xF0\x9D\x84\x9E\n". */
void sgt_small_stream(sgt_stream *s);

/* --- reading from memory --------------------------------------------- */

typedef struct sgt_mem {
	const unsigned char *p;
	size_t len, pos;
	sgt_rng *rng;    /* random short reads when not NULL */
	size_t served;   /* bytes handed out so far */
	size_t reads;    /* calls that returned data */
} sgt_mem;

ssize_t sgt_mem_read(void *ctx, void *buf, size_t n, sg_err *e);

/* Decode a whole stream the way sg-decode does: reader, verify, finish.
 * Returns 0 or the first error code (with e set); out (may be NULL) gets
 * every DATA frame's new bytes, in order; *frames the frames read. */
int sgt_decode(const unsigned char *p, size_t len, sgt_rng *r, sgt_buf *out,
	       uint64_t *frames, sg_err *e);

/* --- reference UTF-8 (RFC 3629, section 4) ------------------------------ */

/* The character starting at buf[i]: its length 1..4 when buf[i..] holds a
 * complete valid character; 0 when buf[i..len) is a proper prefix of a
 * valid character cut short by len; -1 when buf[i] starts none (a byte that
 * is a unit of its own). */
int sgt_ref_char(const unsigned char *buf, size_t len, size_t i);

/* inside[p] = 1 for each p in 0..len that lies strictly inside a complete
 * valid character of buf[0..len), else 0. inside has len + 1 entries. */
void sgt_ref_inside(const unsigned char *buf, size_t len, unsigned char *inside);

/* --- misc ------------------------------------------------------------- */

/* XXH3-64 computed here with libxxhash directly, not through sum.h. */
uint64_t sgt_xxh3(const void *p, size_t n);

/* The header checksum as frame.h specifies it, computed independently:
 * XXH3-64 (seed 0) of bytes 0..55, used as the seed of XXH3-64 over bytes
 * 64..hdr_len-1. sgt_seal() stores it at bytes 56..63. */
uint64_t sgt_spec_header_sum(const unsigned char *p, size_t hdr_len);
void sgt_seal(unsigned char *p, size_t hdr_len);

/* Little-endian access written here, not taken from frame.h. */
uint64_t sgt_get(const unsigned char *p, size_t n);
void sgt_set(unsigned char *p, size_t n, uint64_t v);

#endif
