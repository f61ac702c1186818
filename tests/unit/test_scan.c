/* test_scan.c: sg_scan follows streams made by the chunker (with PROGRESS,
 * unknown, compressed and long-header frames mixed in) fed in any split,
 * and must call back exactly what sg_reader reads from the same bytes. It
 * must name every defect in a header or metadata payload with its frame
 * and offset, tell a cut between frames from a cut inside one, and pass a
 * 64 MiB DATA payload without touching it or allocating for it. */
#include "sgtest.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "codec.h"
#include "scan.h"

#if defined(__SANITIZE_ADDRESS__)
#define SCAN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SCAN_ASAN 1
#endif
#endif

#ifdef SCAN_ASAN
/* ASan replaces malloc, and mallinfo2 with it: ask ASan instead. */
size_t __sanitizer_get_current_allocated_bytes(void);

static size_t
heap_in_use(void)
{
	return __sanitizer_get_current_allocated_bytes();
}
#else
static size_t
heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}
#endif

/* --- what a frame looked like to the scanner or the reader --------------- */

typedef struct rec {
	sg_frame_hdr h;
	uint64_t index, at;
	uint64_t after;       /* input offset when the frame was reported */
	int meta;             /* m below is filled */
	uint64_t have, name_len, name_sum, size, total, frames, source_sum;
	uint64_t consumed, input_total, chunk_size;
} rec;

typedef struct recs {
	rec *r;
	size_t n, cap;
} recs;

static rec *
recs_add(recs *v)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 64;
		v->r = realloc(v->r, v->cap * sizeof *v->r);
		assert_non_null(v->r);
	}
	memset(&v->r[v->n], 0, sizeof v->r[v->n]);
	return &v->r[v->n++];
}

static void
rec_fill(rec *x, const sg_frame_hdr *h, const sg_meta *m, uint64_t index, uint64_t at)
{
	x->h = *h;
	x->index = index;
	x->at = at;
	if (m == NULL)
		return;
	x->meta = 1;
	x->have = m->have;
	x->name_len = m->name_len;
	x->name_sum = sgt_xxh3(m->name, m->name_len);
	x->size = m->size;
	x->total = m->total;
	x->frames = m->frames;
	x->source_sum = m->source_sum;
	x->consumed = m->consumed;
	x->input_total = m->input_total;
	x->chunk_size = m->chunk_size;
}

/* Where a and b first differ, into why; 1 when they do not. */
static int
same_recs(const recs *a, const recs *b, char *why, size_t cap)
{
	size_t i;

	if (a->n != b->n) {
		snprintf(why, cap, "%zu frames vs %zu", a->n, b->n);
		return 0;
	}
	for (i = 0; i < a->n; i++) {
		const rec *x = &a->r[i], *y = &b->r[i];
		const char *what = NULL;

#define DIFF(f) if (what == NULL && x->f != y->f) what = #f
		DIFF(index); DIFF(at); DIFF(after); DIFF(meta);
		DIFF(h.hdr_len); DIFF(h.version); DIFF(h.type); DIFF(h.codec);
		DIFF(h.flags); DIFF(h.source); DIFF(h.context); DIFF(h.seq);
		DIFF(h.offset); DIFF(h.size); DIFF(h.stored); DIFF(h.payload_sum);
		DIFF(have); DIFF(name_len); DIFF(name_sum); DIFF(size); DIFF(total);
		DIFF(frames); DIFF(source_sum); DIFF(consumed); DIFF(input_total);
		DIFF(chunk_size);
#undef DIFF
		if (what != NULL) {
			snprintf(why, cap, "frame %zu (%s at %llu): %s differs", i,
			    sg_frame_type_name(x->h.type), (unsigned long long)x->at, what);
			return 0;
		}
	}
	return 1;
}

/* The reference: what sg_reader reads, with metadata decoded as verify
 * decodes it. Reports where the scanner should be when it calls back. */
static void
reader_recs(const unsigned char *p, size_t len, sgt_rng *r, recs *out)
{
	sgt_mem mem = { .p = p, .len = len, .rng = r };
	sg_reader *rd = sg_reader_new(sgt_mem_read, &mem);
	sg_frame f;
	sg_err e;
	int rc;

	assert_non_null(rd);
	sg_err_clear(&e);
	while ((rc = sg_reader_next(rd, &f, &e)) > 0) {
		rec *x = recs_add(out);
		int meta = f.h.type == SG_TYPE_BEGIN || f.h.type == SG_TYPE_END ||
		    f.h.type == SG_TYPE_PROGRESS;
		sg_meta m;

		if (meta && sg_meta_decode(f.payload, f.h.size, &m, &e) < 0)
			fail_msg("reader: frame %llu metadata: %s",
			    (unsigned long long)f.index, e.msg);
		rec_fill(x, &f.h, meta ? &m : NULL, f.index, f.at);
		x->after = f.at + f.h.hdr_len + (meta ? f.h.size : 0);
	}
	if (rc != 0)
		fail_msg("reader: rc %d: %s", rc, e.msg);
	sg_reader_free(rd);
}

/* The scanner's side: each callback recorded, with the scanner's view of
 * its own position at that moment. */
typedef struct seen {
	recs v;
	sg_scan *s;
	long stop_at;         /* fail on this frame (index), or -1 */
	size_t heap;          /* if not 0: the heap must stay at this */
	int heap_moved;
} seen;

static int
on_frame(void *ctx, const sg_frame_hdr *h, const sg_meta *m, uint64_t at, sg_err *e)
{
	seen *w = ctx;
	uint64_t index = sg_scan_frames(w->s) - 1;
	rec *x;

	if (w->heap != 0 && heap_in_use() != w->heap)
		w->heap_moved = 1;
	if (w->stop_at >= 0 && index == (uint64_t)w->stop_at)
		return sg_err_set(e, SG_EIO, "stopped by the callback");
	x = recs_add(&w->v);
	rec_fill(x, h, m, index, at);
	x->after = sg_scan_offset(w->s);
	return 0;
}

static void
seen_init(seen *w)
{
	memset(w, 0, sizeof *w);
	w->stop_at = -1;
	w->s = sg_scan_new(on_frame, w);
	assert_non_null(w->s);
}

static void
seen_free(seen *w)
{
	sg_scan_free(w->s);
	free(w->v.r);
}

/* How a stream is handed to the scanner. */
enum split { SPLIT_BYTES, SPLIT_RANDOM, SPLIT_WHOLE, SPLIT_N };

static const char *const split_name[] = { "1-byte", "random", "whole" };

/* Feed p[0..len) in pieces as k says; the first error, else finish's. */
static int
scan_all(sg_scan *s, const unsigned char *p, size_t len, enum split k, sgt_rng *r,
	 sg_err *e)
{
	size_t pos = 0;
	int rc;

	sg_err_clear(e);
	while (pos < len) {
		size_t n = len - pos;

		if (k == SPLIT_BYTES) {
			n = 1;
		} else if (k == SPLIT_RANDOM) {
			switch (sgt_below(r, 4)) {
			case 0: n = (size_t)sgt_range(r, 1, n < 16 ? n : 16); break;
			case 1: n = (size_t)sgt_range(r, 1, n < 300 ? n : 300); break;
			case 2: n = (size_t)sgt_range(r, 1, n < 70000 ? n : 70000); break;
			default: n = (size_t)sgt_range(r, 1, n); break;
			}
		}
		if ((rc = sg_scan_feed(s, p + pos, n, e)) < 0)
			return rc;
		pos += n;
		if (sg_scan_offset(s) != pos)
			fail_msg("offset %llu after feeding %zu bytes",
			    (unsigned long long)sg_scan_offset(s), pos);
	}
	return sg_scan_finish(s, e);
}

/* --- streams with every kind of frame ------------------------------------ */

/* Counts of the rarer kinds built, so a test can insist each was made. */
typedef struct kinds {
	unsigned progress, unknown, zstd, lz4, long_hdr, empty_meta;
} kinds;

typedef struct mix {
	sgt_stream s;
	sg_codec *codec;
	sgt_rng *r;
	kinds *k;
	unsigned char z[70000];
} mix;

/* Append h and its payload with a header of hdr_len bytes (> 64): the v1
 * fields, then extension bytes a v1 reader skips, sealed per the spec. */
static void
put_long(sgt_buf *b, const sg_frame_hdr *h, const unsigned char *payload,
	 size_t hdr_len, sgt_rng *r)
{
	unsigned char p[SG_FRAME_HDR_MAX];
	size_t i;

	sg_frame_encode(h, p);
	sgt_set(p + 4, 4, hdr_len - 8 + (h->codec == SG_CODEC_NONE ? h->stored : 0));
	sgt_set(p + 8, 2, hdr_len);
	for (i = SG_FRAME_HDR_LEN; i < hdr_len; i++)
		p[i] = (unsigned char)sgt_next(r);
	sgt_seal(p, hdr_len);
	sgt_buf_put(b, p, hdr_len);
	sgt_buf_put(b, payload, h->stored);
}

static void
put_progress(mix *x, int empty)
{
	unsigned char meta[SG_FRAME_META_MAX];
	sg_frame_hdr h = { .type = SG_TYPE_PROGRESS, .source = 7 };
	sg_meta m;

	sg_meta_clear(&m);
	if (!empty) {
		m.consumed = sgt_next(x->r);
		m.input_total = sgt_next(x->r);
		m.have = SG_META_HAS(SG_META_CONSUMED) | SG_META_HAS(SG_META_INPUT_TOTAL);
	}
	h.size = h.stored = (uint32_t)sgt_meta_bytes(&m, meta);
	sgt_put_frame(&x->s.wire, h, meta, 1);
	x->k->progress++;
	x->k->empty_meta += empty;
}

static void
put_unknown(mix *x)
{
	unsigned char junk[300];
	sg_frame_hdr h = { .type = (uint8_t)sgt_range(x->r, 5, 255),
	    .seq = sgt_next(x->r), .offset = sgt_next(x->r) };
	size_t i;

	h.size = h.stored = (uint32_t)sgt_below(x->r, sizeof junk + 1);
	for (i = 0; i < h.size; i++)
		junk[i] = (unsigned char)sgt_next(x->r);
	sgt_put_frame(&x->s.wire, h, junk, 1);
	x->k->unknown++;
}

/* An sg_emit_fn that passes the chunker's frames on, some compressed or
 * with a longer header, with PROGRESS and unknown frames in between. */
static int
mix_emit(void *ctx, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e)
{
	mix *x = ctx;
	sg_frame_hdr c = *h;
	const unsigned char *out = payload;
	int rc;

	if (sgt_chance(x->r, 8))
		put_unknown(x);
	if (sgt_chance(x->r, 8))
		put_progress(x, sgt_chance(x->r, 20));
	if (h->type == SG_TYPE_DATA && h->size > 0 && h->size <= 60000 &&
	    sgt_chance(x->r, 40)) {
		size_t zlen;

		c.codec = sgt_chance(x->r, 50) ? SG_CODEC_ZSTD : SG_CODEC_LZ4;
		assert_true(sg_codec_bound(c.codec, h->size) <= sizeof x->z);
		if ((rc = sg_codec_compress(x->codec, c.codec, 1, payload, h->size, x->z,
		    sizeof x->z, &zlen, e)) < 0)
			return rc;
		c.stored = (uint32_t)zlen;
		out = x->z;
		if (c.codec == SG_CODEC_ZSTD)
			x->k->zstd++;
		else
			x->k->lz4++;
	}
	if (sgt_chance(x->r, 10)) {
		size_t hl = sgt_chance(x->r, 10) ? SG_FRAME_HDR_MAX :
		    (size_t)sgt_range(x->r, 65, 300);

		put_long(&x->s.wire, &c, out, hl, x->r);
		x->k->long_hdr++;
		return 0;
	}
	return sgt_emit(&x->s, &c, out, e);
}

/* A stream of 1..4 sources of random bytes, mixed as mix_emit does, with
 * the chunker's own PROGRESS frames. Into x->s.wire. */
static void
mixed_stream(mix *x)
{
	sg_chunk_opts o = { .strategy = &sg_boundary_lines,
	    .size = sgt_range(x->r, 4, 5000) };
	size_t nsrc = (size_t)sgt_range(x->r, 1, 4), i;
	sg_chunker *c;
	sg_err e;

	sg_err_clear(&e);
	c = sg_chunker_new(&o, mix_emit, x, &e);
	assert_non_null(c);
	for (i = 0; i < nsrc; i++) {
		size_t len = sgt_chance(x->r, 20) ? 0 : (size_t)sgt_range(x->r, 1, 30000), k;
		unsigned char *src = malloc(len + 1);
		char name[32];
		sg_meta m;

		for (k = 0; k < len; k++)
			src[k] = (unsigned char)(sgt_chance(x->r, 10) ? '\n' : 'a' + sgt_below(x->r, 3));
		sg_meta_clear(&m);
		snprintf(name, sizeof name, "source-%zu", i);
		sg_meta_set_name(&m, name, strlen(name));
		m.size = len;
		m.have |= SG_META_HAS(SG_META_SIZE);
		assert_int_equal(sg_chunker_begin(c, &m, &e), 0);
		assert_int_equal(sg_chunker_progress(c, sgt_below(x->r, 1000),
		    sgt_chance(x->r, 50) ? UINT64_MAX : 1000, &e), 0);
		x->k->progress++;
		if (sgt_feed(c, src, len, x->r, 0, &e) != 0)
			fail_msg("feed: %s", e.msg);
		if (sg_chunker_end(c, i + 1 == nsrc, &e) != 0)
			fail_msg("end: %s", e.msg);
		free(src);
	}
	sg_chunker_free(c);
}

static mix *
mix_new(sgt_rng *r, kinds *k)
{
	mix *x = calloc(1, sizeof *x);

	assert_non_null(x);
	sgt_stream_init(&x->s);
	x->codec = sg_codec_new();
	assert_non_null(x->codec);
	x->r = r;
	x->k = k;
	return x;
}

static void
mix_free(mix *x)
{
	sgt_stream_free(&x->s);
	sg_codec_free(x->codec);
	free(x);
}

/* --- tests --------------------------------------------------------------- */

/* The property: in any split, the scanner reports what the reader reads. */
static void
test_like_reader(void **state)
{
	kinds k = { 0 };
	sgt_rng r;
	unsigned it;

	(void)state;
	sgt_rng_init(&r, "scan_like_reader");
	for (it = 0; it < sgt_iters(60); it++) {
		mix *x = mix_new(&r, &k);
		recs want = { 0 };
		int split;

		mixed_stream(x);
		reader_recs(x->s.wire.p, x->s.wire.len, sgt_chance(&r, 50) ? &r : NULL, &want);
		assert_true(want.n >= 3);
		for (split = 0; split < SPLIT_N; split++) {
			seen w;
			sg_err e;
			char why[256];
			int rc;

			seen_init(&w);
			rc = scan_all(w.s, x->s.wire.p, x->s.wire.len, (enum split)split, &r, &e);
			if (rc != 0)
				fail_msg("%s split: rc %d: %s (frame %llu at %llu)", split_name[split],
				    rc, e.msg, (unsigned long long)e.frame,
				    (unsigned long long)e.offset);
			if (!same_recs(&w.v, &want, why, sizeof why))
				fail_msg("%s split: %s", split_name[split], why);
			assert_int_equal(sg_scan_frames(w.s), want.n);
			assert_int_equal(sg_scan_offset(w.s), x->s.wire.len);
			/* finishing again is still a clean end */
			assert_int_equal(sg_scan_finish(w.s, &e), 0);
			seen_free(&w);
		}
		free(want.r);
		mix_free(x);
	}
	/* every kind of frame was in some stream */
	assert_true(k.progress > 0 && k.unknown > 0 && k.zstd > 0 && k.lz4 > 0 &&
	    k.long_hdr > 0 && k.empty_meta > 0);
}

/* The small stream with a PROGRESS frame after it: BEGIN, DATA, END of
 * two sources, then metadata the chunker did not write. */
static void
small_stream(sgt_stream *s)
{
	unsigned char meta[64];
	sg_frame_hdr h = { .type = SG_TYPE_PROGRESS, .source = 1 };
	sg_meta m;

	sgt_small_stream(s);
	sg_meta_clear(&m);
	m.consumed = 123;
	m.have = SG_META_HAS(SG_META_CONSUMED);
	h.size = h.stored = (uint32_t)sgt_meta_bytes(&m, meta);
	h.payload_sum = sgt_xxh3(meta, h.size);
	assert_int_equal(sgt_emit(s, &h, meta, NULL), 0);
}

static size_t
frame_of(const sgt_stream *s, size_t pos)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (pos >= s->f[i].at && pos < s->f[i].at + s->f[i].len)
			return i;
	fail_msg("byte %zu is in no frame", pos);
	return 0;
}

/* Every bit flip in a header or a metadata payload is caught at the frame
 * it hit; a flip in a DATA payload is not the scanner's to see. */
static void
test_every_bit_flip(void **state)
{
	sgt_stream s;
	sgt_rng r;
	size_t bit, caught = 0, passed = 0;

	(void)state;
	sgt_rng_init(&r, "scan_every_bit_flip");
	small_stream(&s);
	for (bit = 0; bit < s.wire.len * 8; bit++) {
		unsigned char *p = malloc(s.wire.len);
		size_t k = frame_of(&s, bit / 8);
		int in_data = s.f[k].h.type == SG_TYPE_DATA &&
		    bit / 8 >= s.f[k].at + SG_FRAME_HDR_LEN;
		seen w;
		sg_err e;
		int rc;

		memcpy(p, s.wire.p, s.wire.len);
		p[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		seen_init(&w);
		rc = scan_all(w.s, p, s.wire.len, (enum split)sgt_below(&r, SPLIT_N), &r, &e);
		free(p);
		if (in_data) {
			if (rc != 0 || w.v.n != s.n)
				fail_msg("flip of bit %zu in the DATA payload of frame %zu: rc %d, "
				    "%zu frames: %s", bit, k, rc, w.v.n, e.msg);
			passed++;
		} else {
			if (rc != SG_EDATA)
				fail_msg("flip of bit %zu (byte %zu, frame %zu) not caught: rc %d",
				    bit, bit / 8, k, rc);
			if (e.frame != k || e.offset != s.f[k].at)
				fail_msg("flip in frame %zu at %zu reported as frame %llu at %llu: %s",
				    k, s.f[k].at, (unsigned long long)e.frame,
				    (unsigned long long)e.offset, e.msg);
			/* nothing of the damaged frame was reported */
			assert_int_equal(w.v.n, k);
			caught++;
		}
		seen_free(&w);
	}
	assert_true(caught > 0 && passed > 0);
	sgt_stream_free(&s);
}

/* A cut between frames is a clean end; a cut inside one is a truncated
 * frame, named, and every prefix feeds without error. */
static void
test_every_truncation(void **state)
{
	sgt_stream s;
	sgt_rng r;
	size_t cut;

	(void)state;
	sgt_rng_init(&r, "scan_every_truncation");
	small_stream(&s);
	for (cut = 0; cut <= s.wire.len; cut++) {
		size_t k = cut < s.wire.len ? frame_of(&s, cut) : s.n;
		seen w;
		sg_err e;
		int rc;

		seen_init(&w);
		rc = scan_all(w.s, s.wire.p, cut, (enum split)sgt_below(&r, SPLIT_N), &r, &e);
		if (k == s.n || cut == s.f[k].at) {
			if (rc != 0)
				fail_msg("cut at %zu, a frame boundary: rc %d: %s", cut, rc, e.msg);
			assert_int_equal(sg_scan_frames(w.s), k);
			assert_int_equal(w.v.n, k);
		} else {
			int hdr = cut < s.f[k].at + SG_FRAME_HDR_LEN;

			if (rc != SG_EDATA || strstr(e.msg, "truncated") == NULL ||
			    strstr(e.msg, hdr ? "header" : "payload") == NULL)
				fail_msg("cut at %zu: rc %d \"%s\"", cut, rc, e.msg);
			assert_int_equal(e.frame, k);
			assert_int_equal(e.offset, s.f[k].at);
			assert_int_equal(sg_scan_frames(w.s), hdr ? k : k + 1);
			assert_int_equal(sg_scan_offset(w.s), cut);
			/* spent: the same answer again */
			sg_err_clear(&e);
			assert_int_equal(sg_scan_finish(w.s, &e), SG_EDATA);
			assert_int_equal(e.frame, k);
			assert_non_null(strstr(e.msg, "truncated"));
		}
		seen_free(&w);
	}
	sgt_stream_free(&s);
}

/* Not sg at all, or sg followed by junk. */
static void
test_garbage(void **state)
{
	static const char *junk[] = {
		"hello world\n", "\x28\xB5\x2F\xFD\x00\x00", "\x50\x2A\x4D\x18\x00\x00\x00\x00\x00\x00",
		"\x53\x2A\x4D\x18\x38\x00\x00\x00\x40\x00\x01\x02", "{\"a\":1}\n", "x",
	};
	sgt_stream s;
	sgt_rng r;
	size_t i, n;

	(void)state;
	sgt_rng_init(&r, "scan_garbage");
	for (i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		seen w;
		sg_err e;

		seen_init(&w);
		assert_int_equal(scan_all(w.s, (const unsigned char *)junk[i], strlen(junk[i]),
		    (enum split)sgt_below(&r, SPLIT_N), &r, &e), SG_EDATA);
		assert_int_equal(e.frame, 0);
		assert_int_equal(e.offset, 0);
		assert_int_equal(w.v.n, 0);
		assert_int_equal(sg_scan_frames(w.s), 0);
		seen_free(&w);
	}
	/* ten bytes are enough to refuse them, before the input ends */
	{
		seen w;
		sg_err e;

		seen_init(&w);
		sg_err_clear(&e);
		assert_int_equal(sg_scan_feed(w.s, (const unsigned char *)"hello world\n", 12, &e),
		    SG_EDATA);
		assert_non_null(strstr(e.msg, "bad magic"));
		assert_int_equal(e.frame, 0);
		assert_int_equal(e.offset, 0);
		/* spent: later calls give the same code and message */
		sg_err_clear(&e);
		assert_int_equal(sg_scan_feed(w.s, (const unsigned char *)"x", 1, &e), SG_EDATA);
		assert_non_null(strstr(e.msg, "bad magic"));
		assert_int_equal(e.frame, 0);
		sg_err_clear(&e);
		assert_int_equal(sg_scan_finish(w.s, &e), SG_EDATA);
		assert_non_null(strstr(e.msg, "bad magic"));
		seen_free(&w);
	}
	/* junk after a whole stream: named at the stream's end */
	small_stream(&s);
	for (n = 1; n < 80; n += 7) {
		unsigned char *p = malloc(s.wire.len + n);
		seen w;
		sg_err e;

		memcpy(p, s.wire.p, s.wire.len);
		memset(p + s.wire.len, 'x', n);
		seen_init(&w);
		assert_int_equal(scan_all(w.s, p, s.wire.len + n,
		    (enum split)sgt_below(&r, SPLIT_N), &r, &e), SG_EDATA);
		assert_int_equal(e.frame, s.n);
		assert_int_equal(e.offset, s.wire.len);
		assert_int_equal(w.v.n, s.n);
		seen_free(&w);
		free(p);
	}
	/* random bytes, and random damage: never a crash; an error always
	 * has a position */
	for (i = 0; i < sgt_iters(3000); i++) {
		size_t len = (size_t)sgt_range(&r, 1, 2000), k;
		unsigned char *p = malloc(len > s.wire.len ? len : s.wire.len);
		seen w;
		sg_err e;
		int rc;

		if (sgt_chance(&r, 50)) {
			for (k = 0; k < len; k++)
				p[k] = (unsigned char)sgt_next(&r);
			if (sgt_chance(&r, 50))
				sgt_set(p, 4, 0x184D2A53u);
		} else {
			len = s.wire.len;
			memcpy(p, s.wire.p, len);
			for (k = sgt_range(&r, 1, 8); k > 0; k--)
				p[sgt_below(&r, len)] = (unsigned char)sgt_next(&r);
		}
		seen_init(&w);
		rc = scan_all(w.s, p, len, (enum split)sgt_below(&r, SPLIT_N), &r, &e);
		if (rc != 0 && rc != SG_EDATA)
			fail_msg("iteration %zu: rc %d", i, rc);
		if (rc == SG_EDATA)
			assert_true(e.frame != SG_NOPOS && e.offset != SG_NOPOS &&
			    e.offset <= len);
		seen_free(&w);
		free(p);
	}
	sgt_stream_free(&s);
}

/* Metadata with a right checksum but a wrong shape, and headers that
 * declare more than the limits allow. */
static void
test_bad_frames(void **state)
{
	static const unsigned char runs_past[] = { 1, 0, 200, 0, 'a' };
	static const unsigned char short_int[] = { 16, 0, 4, 0, 1, 2, 3, 4 };
	static const struct { uint8_t type, codec; uint32_t size, stored; const char *why; } big[] = {
		{ SG_TYPE_DATA, SG_CODEC_NONE, SG_FRAME_PAYLOAD_MAX + 1, SG_FRAME_PAYLOAD_MAX + 1,
		  "payload size" },
		{ SG_TYPE_DATA, SG_CODEC_ZSTD, 100, UINT32_MAX, "stored size" },
		{ SG_TYPE_BEGIN, SG_CODEC_NONE, 65537, 65537, "exceeds" },
		{ SG_TYPE_END, SG_CODEC_ZSTD, 10, 10, "codec" },
		{ 9, SG_CODEC_NONE, 1u << 30, 1u << 30, "exceeds" },
	};
	sgt_rng r;
	size_t i;

	(void)state;
	sgt_rng_init(&r, "scan_bad_frames");
	for (i = 0; i < 2; i++) {
		const unsigned char *meta = i == 0 ? runs_past : short_int;
		size_t mlen = i == 0 ? sizeof runs_past : sizeof short_int;
		sg_frame_hdr h = { 0 };
		sgt_buf b = { 0 };
		seen w;
		sg_err e;

		/* an empty PROGRESS first, then the bad frame */
		h.type = SG_TYPE_PROGRESS;
		h.size = h.stored = 0;
		sgt_put_frame(&b, h, "", 1);
		h.type = i == 0 ? SG_TYPE_BEGIN : SG_TYPE_END;
		h.size = h.stored = (uint32_t)mlen;
		sgt_put_frame(&b, h, meta, 1);
		seen_init(&w);
		assert_int_equal(scan_all(w.s, b.p, b.len, (enum split)sgt_below(&r, SPLIT_N),
		    &r, &e), SG_EDATA);
		assert_non_null(strstr(e.msg, i == 0 ? "begin metadata" : "end metadata"));
		assert_int_equal(e.frame, 1);
		assert_int_equal(e.offset, SG_FRAME_HDR_LEN);
		assert_int_equal(w.v.n, 1);
		assert_int_equal(w.v.r[0].h.type, SG_TYPE_PROGRESS);
		assert_int_equal(w.v.r[0].have, 0);
		seen_free(&w);
		sgt_buf_free(&b);
	}
	/* refused from the header alone, with a megabyte of payload behind */
	for (i = 0; i < sizeof big / sizeof big[0]; i++) {
		unsigned char p[64];
		unsigned char *zero = calloc(1, 1u << 20);
		seen w;
		sg_err e;
		int rc;

		memset(p, 0, sizeof p);
		sgt_set(p, 4, 0x184D2A53u);
		sgt_set(p + 4, 4, 56u + (big[i].codec == SG_CODEC_NONE ? big[i].stored : 0));
		sgt_set(p + 8, 2, 64);
		p[10] = 1;
		p[11] = big[i].type;
		p[12] = big[i].codec;
		sgt_set(p + 40, 4, big[i].size);
		sgt_set(p + 44, 4, big[i].stored);
		sgt_seal(p, 64);
		seen_init(&w);
		sg_err_clear(&e);
		rc = sg_scan_feed(w.s, p, sizeof p, &e);
		if (rc == 0)
			rc = sg_scan_feed(w.s, zero, 1u << 20, &e);
		if (rc != SG_EDATA || strstr(e.msg, big[i].why) == NULL)
			fail_msg("case %zu: rc %d \"%s\"", i, rc, e.msg);
		assert_int_equal(e.frame, 0);
		assert_int_equal(e.offset, 0);
		assert_int_equal(w.v.n, 0);
		seen_free(&w);
		free(zero);
	}
}

/* The callback's error stops the scan and is returned, then repeated. */
static void
test_callback_error(void **state)
{
	sgt_stream s;
	sgt_rng r;
	size_t stop;

	(void)state;
	sgt_rng_init(&r, "scan_callback_error");
	small_stream(&s);
	for (stop = 0; stop < s.n; stop++) {
		seen w;
		sg_err e;
		int rc;

		seen_init(&w);
		w.stop_at = (long)stop;
		rc = scan_all(w.s, s.wire.p, s.wire.len, (enum split)sgt_below(&r, SPLIT_N), &r, &e);
		assert_int_equal(rc, SG_EIO);
		assert_string_equal(e.msg, "stopped by the callback");
		assert_int_equal(w.v.n, stop);
		assert_int_equal(sg_scan_frames(w.s), stop + 1);
		sg_err_clear(&e);
		assert_int_equal(sg_scan_feed(w.s, s.wire.p, 10, &e), SG_EIO);
		assert_string_equal(e.msg, "stopped by the callback");
		sg_err_clear(&e);
		assert_int_equal(sg_scan_finish(w.s, &e), SG_EIO);
		assert_int_equal(e.code, SG_EIO);
		assert_int_equal(w.v.n, stop);
		seen_free(&w);
	}
	sgt_stream_free(&s);
}

/* A 64 MiB DATA frame fed in 1 MiB blocks: its payload lies in pages that
 * cannot be read (a scanner that looked at one byte would crash), and the
 * heap holds the scanner's ~72 KiB and nothing more while it passes. */
static void
test_big_data_frame(void **state)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), blk = 1u << 20;
	size_t map_len = pg + SG_FRAME_PAYLOAD_MAX + pg, blen, elen, len, pos;
	unsigned char begin[256], end[256], *base, *start;
	sg_frame_hdr h = { 0 };
	size_t heap0, heap1;
	sg_meta m;
	seen w;
	sg_err e;

	(void)state;
	/* BEGIN "big" and END, whole; DATA's header ends at a page boundary */
	sg_meta_clear(&m);
	sg_meta_set_name(&m, "big", 3);
	m.size = SG_FRAME_PAYLOAD_MAX;
	m.have |= SG_META_HAS(SG_META_SIZE);
	h.type = SG_TYPE_BEGIN;
	h.size = h.stored = (uint32_t)sgt_meta_bytes(&m, begin + 64);
	h.payload_sum = sgt_xxh3(begin + 64, h.size);
	sg_frame_encode(&h, begin);
	blen = 64 + h.size;
	sg_meta_clear(&m);
	m.total = SG_FRAME_PAYLOAD_MAX;
	m.frames = 1;
	m.have = SG_META_HAS(SG_META_TOTAL) | SG_META_HAS(SG_META_FRAMES) |
	    SG_META_HAS(SG_META_SOURCE_SUM);
	h.type = SG_TYPE_END;
	h.seq = 2;
	h.offset = SG_FRAME_PAYLOAD_MAX;
	h.flags = SG_FLAG_LAST;
	h.size = h.stored = (uint32_t)sgt_meta_bytes(&m, end + 64);
	h.payload_sum = sgt_xxh3(end + 64, h.size);
	sg_frame_encode(&h, end);
	elen = 64 + h.size;

	base = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(base != MAP_FAILED);
	start = base + pg - 64 - blen;
	memcpy(start, begin, blen);
	h = (sg_frame_hdr){ .type = SG_TYPE_DATA, .seq = 1, .size = SG_FRAME_PAYLOAD_MAX,
	    .stored = SG_FRAME_PAYLOAD_MAX, .payload_sum = 0x5eed };
	sg_frame_encode(&h, base + pg - 64);
	memcpy(base + pg + SG_FRAME_PAYLOAD_MAX, end, elen);
	assert_int_equal(mprotect(base + pg, SG_FRAME_PAYLOAD_MAX, PROT_NONE), 0);
	len = blen + 64 + SG_FRAME_PAYLOAD_MAX + elen;

	memset(&w, 0, sizeof w);
	w.stop_at = -1;
	heap0 = heap_in_use();
	w.s = sg_scan_new(on_frame, &w);
	assert_non_null(w.s);
	heap1 = heap_in_use();
	if (heap1 - heap0 > (80u << 10))
		fail_msg("the scanner allocated %zu bytes", heap1 - heap0);
	/* on_frame grows w.v: room for the three frames first */
	w.v.cap = 8;
	w.v.r = malloc(w.v.cap * sizeof *w.v.r);
	assert_non_null(w.v.r);
	heap1 = heap_in_use();
	w.heap = heap1;
	sg_err_clear(&e);
	for (pos = 0; pos < len; pos += blk) {
		size_t n = len - pos < blk ? len - pos : blk;

		if (sg_scan_feed(w.s, start + pos, n, &e) != 0)
			fail_msg("at %zu: %s", pos, e.msg);
		if (heap_in_use() != heap1)
			fail_msg("the heap moved by %zd bytes while passing the payload (at %zu)",
			    (ssize_t)(heap_in_use() - heap1), pos);
	}
	assert_int_equal(sg_scan_finish(w.s, &e), 0);
	assert_false(w.heap_moved);
	assert_int_equal(w.v.n, 3);
	assert_int_equal(w.v.r[0].h.type, SG_TYPE_BEGIN);
	assert_int_equal(w.v.r[0].name_len, 3);
	assert_int_equal(w.v.r[0].size, SG_FRAME_PAYLOAD_MAX);
	assert_int_equal(w.v.r[1].h.type, SG_TYPE_DATA);
	assert_int_equal(w.v.r[1].at, blen);
	assert_int_equal(w.v.r[1].after, blen + 64);
	assert_int_equal(w.v.r[1].h.size, SG_FRAME_PAYLOAD_MAX);
	assert_int_equal(w.v.r[2].h.type, SG_TYPE_END);
	assert_int_equal(w.v.r[2].at, blen + 64 + SG_FRAME_PAYLOAD_MAX);
	assert_int_equal(w.v.r[2].total, SG_FRAME_PAYLOAD_MAX);
	assert_int_equal(sg_scan_offset(w.s), len);
	seen_free(&w);
	assert_int_equal(munmap(base, map_len), 0);
}

static void
test_looks_like_frames(void **state)
{
	static const unsigned char zstd[] = { 0x28, 0xB5, 0x2F, 0xFD };
	static const unsigned char foreign[] = { 0x50, 0x2A, 0x4D, 0x18 };
	sgt_stream s;

	(void)state;
	small_stream(&s);
	assert_true(sg_scan_looks_like_frames(s.wire.p, s.wire.len));
	assert_true(sg_scan_looks_like_frames(s.wire.p, 4));
	assert_false(sg_scan_looks_like_frames(s.wire.p, 3));
	assert_false(sg_scan_looks_like_frames(zstd, sizeof zstd));
	assert_false(sg_scan_looks_like_frames(foreign, sizeof foreign));
	assert_false(sg_scan_looks_like_frames((const unsigned char *)"{\"a\":1}\n", 8));
	assert_false(sg_scan_looks_like_frames((const unsigned char *)"hello", 5));
	sgt_stream_free(&s);
}

static void
test_empty_input(void **state)
{
	seen w;
	sg_err e;

	(void)state;
	seen_init(&w);
	sg_err_clear(&e);
	assert_int_equal(sg_scan_feed(w.s, (const unsigned char *)"", 0, &e), 0);
	assert_int_equal(sg_scan_finish(w.s, &e), 0);
	assert_int_equal(sg_scan_offset(w.s), 0);
	assert_int_equal(sg_scan_frames(w.s), 0);
	assert_int_equal(w.v.n, 0);
	seen_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_like_reader),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_bad_frames),
		cmocka_unit_test(test_callback_error),
		cmocka_unit_test(test_big_data_frame),
		cmocka_unit_test(test_looks_like_frames),
		cmocka_unit_test(test_empty_input),
	};

	return cmocka_run_group_tests_name("scan", tests, NULL, NULL);
}
