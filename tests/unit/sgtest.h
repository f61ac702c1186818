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

#include "checkpoint.h"
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
void sgt_buf_str(sgt_buf *b, const char *s);                /* s without its NUL */
void sgt_buf_free(sgt_buf *b);

/* --- files ------------------------------------------------------------ */

/* The whole file at path, NUL-terminated (not counted in *len), to free();
 * NULL when it cannot be opened. */
unsigned char *sgt_load(const char *path, size_t *len);

/* The corpora directory: SG_CORPORA, or ../shared/corpora. */
const char *sgt_corpora(void);

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
/* A model of where sg-resume stands, written apart from resume.c: fold
 * frame i of s (a BEGIN, DATA or END; others change nothing and return 0)
 * into c's position: state, source, begun, BEGIN sum, name, size, seq,
 * offset, chain, the ended sources' digest, options. Returns 1 when the
 * frame is one sg-resume places. m is scratch. Length and tail are the
 * caller's, since they depend on the mode. */
int sgt_ckpt_fold(sg_ckpt *c, const struct sgt_stream *s, size_t i, sg_meta *m);

/* An sg_emit_fn: ctx is an sgt_stream. */
int sgt_emit(void *ctx, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e);
const unsigned char *sgt_payload(const sgt_stream *s, size_t i);
/* The index in s of the BEGIN of source src (a test failure if none). */
size_t sgt_begin_of(const sgt_stream *s, uint64_t src);

/* Feed in[0..len) through sg_chunker_space/commit in random pieces. With
 * drain_pct > 0, call sg_chunker_drain after a piece with that chance. */
int sgt_feed(sg_chunker *c, const unsigned char *in, size_t len, sgt_rng *r,
	     unsigned drain_pct, sg_err *e);

/* How sgt_feed_reads() hands the input to a chunker. */
typedef struct sgt_reads {
	size_t step;          /* reads of this many bytes (at most the room); 0: random */
	unsigned drain_pct;   /* sg_chunker_drain after a read with this chance */
	int drain_each;       /* sg_chunker_drain after every read */
	int until_stopped;    /* no more reads once sg_chunker_stopped() */
} sgt_reads;

/* Feed in[0..len) through sg_chunker_space/commit as k says (r is used
 * only for random reads and drain_pct, and may be NULL otherwise); *fed
 * (fed may be NULL) follows the bytes committed. sgt_feed is this with
 * random reads and drain_pct only. */
int sgt_feed_reads(sg_chunker *c, const unsigned char *in, size_t len, sgt_rng *r,
		   const sgt_reads *k, size_t *fed, sg_err *e);

/* One chunker run over one source, collected. */
typedef struct sgt_run {
	sgt_stream s;         /* the frames; free with sgt_stream_free */
	int rc;
	sg_err e;
	int stopped;          /* sg_chunker_stopped() after a clean end */
	uint64_t dropped;     /* sg_chunker_dropped() after a clean end */
	size_t fed;           /* bytes committed */
} sgt_run;

/* Chunk in[0..len) with o as one source of known size, named name (NULL:
 * no name), fed by sgt_feed_reads(k): begin, feed, end(last), free. */
void sgt_chunk(sgt_run *res, const sg_chunk_opts *o, const char *name,
	       const unsigned char *in, size_t len, sgt_rng *r, const sgt_reads *k);

/* The end of s, whose DATA frames stop before frame i and carry off
 * bytes: all len bytes, an END at frame i, and a stream that decodes
 * (sgt_decode) back to in. NULL, or what broke, written into msg. */
const char *sgt_check_whole(const sgt_stream *s, size_t i, size_t off,
			    const unsigned char *in, size_t len, char *msg, size_t cap);

/* Whether a and b have the same rc and frames at the same offsets with
 * the same sizes and flags (and contexts, with context); if not, why (may
 * be NULL) says where first. */
int sgt_same_cuts(const sgt_run *a, const sgt_run *b, int context, char *why, size_t cap);

/* The DATA frames of s as "rec|rec|...": each whole payload, '^' before
 * one with context, '*' after an oversize one. */
void sgt_data_string(const sgt_stream *s, char *out, size_t cap);

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

/* --- record ends (E ascending, nE of them) ------------------------------ */

size_t sgt_count_le(const size_t *E, size_t nE, size_t x);  /* ends <= x */
size_t sgt_ends_in(const size_t *E, size_t nE, size_t lo, size_t hi); /* in (lo, hi] */
int sgt_is_end(const size_t *E, size_t nE, size_t at);      /* at > 0 is an end */

/* The chunker's cut of the window (off, off + w]: end number max (0: no
 * limit) in it, else its last end, as a length from off; 0 if none. */
size_t sgt_ref_cut(const size_t *E, size_t nE, size_t off, size_t w, uint64_t max);

/* --- chunker property runs ------------------------------------------------ */

/* A failed-run log: sgt_note keeps the first message, with " (where)"
 * after it, and returns -1; callers count runs and failed. */
typedef struct sgt_prop {
	char where[256];
	unsigned runs, failed;
	char first[768];
} sgt_prop;

int sgt_note(sgt_prop *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Frame i, n bytes at off (over: flagged oversize), of a run without
 * drains over len bytes with record ends E (len among them): the cut that
 * sgt_ref_cut gives in the window of size from off, else (no end there)
 * the first record whole with --oversize=keep, else a flagged split.
 * 0, or -1 from sgt_note when it is not. */
int sgt_check_cut(sgt_prop *p, const size_t *E, size_t nE, size_t len, uint64_t size,
		  uint64_t records, int oversize, size_t i, size_t off, size_t n, int over);

/* An input length: 0..8, to 200, to 4 KiB, to 64 KiB or to 300 KiB, at
 * 1:2:3:3:1. */
size_t sgt_random_len(sgt_rng *r);

/* A --size for len bytes: 1..3, 4..64, len +- 4, 0 (auto) or 4 up to
 * 16 << (0..12), at 10:25:20:3:42. */
uint64_t sgt_random_size(sgt_rng *r, size_t len);

/* Another length and --size pair: *len 0..64, to 4 KiB, to 40000 or to
 * 150000 at 1:2:2:1; *size by x (a percentage the caller drew) 1..3 below
 * 5, 4..40 below 35, *len +- 3 below 50, else 4 up to 64 << (0..10); a
 * --size up to 40 shortens *len to at most 20000. */
void sgt_len_size(sgt_rng *r, size_t x, size_t *len, uint64_t *size);

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

/* A new directory $TMPDIR/sg-test-NAME-XXXXXX (or under /tmp) into
 * dir[0..cap): 0, or -1 with errno. sgt_rmtree removes it and all it holds
 * (links are not followed): 0 or -1. */
int sgt_mkdtemp(char *dir, size_t cap, const char *name);
int sgt_rmtree(const char *dir);

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
