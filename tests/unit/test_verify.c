/* test_verify.c: sg_verify, with sg_reader, on whole streams. Valid
 * streams decode to their sources; every bit flip, truncation, dropped,
 * duplicated or swapped frame is detected and named by frame number and
 * byte offset. */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

static const sg_boundary_ops *strategies[] = {
	&sg_boundary_bytes, &sg_boundary_utf8, &sg_boundary_lines,
};

static void
random_text(sgt_rng *r, unsigned char *p, size_t n)
{
	static const char *bits[] = { "a", "bc ", "\n", "\r\n", "\xC3\xA9", "\xF0\x9F\x98\x80",
		"\xFF", "\0" };
	size_t i = 0;

	while (i < n) {
		const char *b = bits[sgt_below(r, 8)];
		size_t k = b[0] ? strlen(b) : 1;

		while (k-- > 0 && i < n)
			p[i++] = (unsigned char)*b++;
	}
}

/* A stream of nsrc random sources (some empty); src/len/all get them. */
typedef struct multi {
	sgt_stream s;
	sgt_buf all;   /* every source's bytes, in order */
} multi;

static void
make_multi(multi *mu, sgt_rng *r, size_t nsrc)
{
	unsigned char *src[8];
	size_t len[8], i;
	sg_chunk_opts o = { .strategy = strategies[sgt_below(r, 3)],
	    .size = sgt_range(r, 4, 3000), .oversize = (int)sgt_below(r, 2) };
	sg_err e;

	memset(mu, 0, sizeof *mu);
	sgt_stream_init(&mu->s);
	for (i = 0; i < nsrc; i++) {
		len[i] = sgt_chance(r, 25) ? 0 : (size_t)sgt_range(r, 1, 20000);
		src[i] = malloc(len[i] + 1);
		random_text(r, src[i], len[i]);
		sgt_buf_put(&mu->all, src[i], len[i]);
	}
	sg_err_clear(&e);
	if (sgt_make_stream(&mu->s, &o, nsrc, (const unsigned char *const *)src, len, r, &e) != 0)
		fail_msg("make_multi: %s", e.msg);
	for (i = 0; i < nsrc; i++)
		free(src[i]);
}

static void
free_multi(multi *mu)
{
	sgt_stream_free(&mu->s);
	sgt_buf_free(&mu->all);
}

static void
expect_valid(const unsigned char *p, size_t len, sgt_rng *r, const sgt_buf *want,
	     uint64_t want_frames)
{
	sgt_buf out = { 0 };
	uint64_t frames;
	sg_err e;
	int rc = sgt_decode(p, len, r, &out, &frames, &e);

	if (rc != 0)
		fail_msg("valid stream refused: frame %llu at %llu: %s",
		    (unsigned long long)e.frame, (unsigned long long)e.offset, e.msg);
	assert_int_equal(frames, want_frames);
	assert_int_equal(out.len, want->len);
	if (want->len > 0)
		assert_memory_equal(out.p, want->p, want->len);
	sgt_buf_free(&out);
}

/* Returns the error; it must be SG_EDATA with a position. */
static sg_err
expect_invalid(const unsigned char *p, size_t len, sgt_rng *r, const char *what)
{
	sg_err e;
	int rc = sgt_decode(p, len, r, NULL, NULL, &e);

	if (rc != SG_EDATA)
		fail_msg("%s: not detected (rc %d)", what, rc);
	assert_int_equal(e.code, SG_EDATA);
	if (e.frame == SG_NOPOS || e.offset == SG_NOPOS)
		fail_msg("%s: error without a position: %s", what, e.msg);
	return e;
}

static void
test_valid_streams(void **state)
{
	sgt_rng r;
	unsigned it;

	(void)state;
	sgt_rng_init(&r, "valid_streams");
	for (it = 0; it < sgt_iters(200); it++) {
		multi mu;

		make_multi(&mu, &r, (size_t)sgt_range(&r, 1, 6));
		expect_valid(mu.s.wire.p, mu.s.wire.len, &r, &mu.all, mu.s.n);
		free_multi(&mu);
	}
}

/* Streams written one after another decode like one. */
static void
test_concatenated_streams(void **state)
{
	sgt_rng r;
	unsigned it;

	(void)state;
	sgt_rng_init(&r, "concatenated_streams");
	for (it = 0; it < sgt_iters(100); it++) {
		size_t k = (size_t)sgt_range(&r, 2, 4), i;
		sgt_buf wire = { 0 }, all = { 0 };
		uint64_t frames = 0;

		for (i = 0; i < k; i++) {
			multi mu;

			make_multi(&mu, &r, (size_t)sgt_range(&r, 1, 3));
			sgt_buf_put(&wire, mu.s.wire.p, mu.s.wire.len);
			sgt_buf_put(&all, mu.all.p, mu.all.len);
			frames += mu.s.n;
			free_multi(&mu);
		}
		expect_valid(wire.p, wire.len, &r, &all, frames);
		sgt_buf_free(&wire);
		sgt_buf_free(&all);
	}
}

static size_t
frame_of(const sgt_stream *s, size_t pos)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (pos >= s->f[i].at && pos < s->f[i].at + s->f[i].len)
			return i;
	return s->n;
}

static void
test_every_bit_flip(void **state)
{
	unsigned char *p;
	sgt_stream s;
	sgt_rng r;
	size_t bit;

	(void)state;
	sgt_rng_init(&r, "verify_every_bit_flip");
	sgt_small_stream(&s);
	p = malloc(s.wire.len);
	for (bit = 0; bit < s.wire.len * 8; bit++) {
		size_t k = frame_of(&s, bit / 8);
		char what[64];
		sg_err e;

		memcpy(p, s.wire.p, s.wire.len);
		p[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		snprintf(what, sizeof what, "flip of bit %zu", bit);
		e = expect_invalid(p, s.wire.len, &r, what);
		if (e.frame != k || e.offset != s.f[k].at)
			fail_msg("%s (frame %zu at %zu) named frame %llu at %llu", what, k,
			    s.f[k].at, (unsigned long long)e.frame, (unsigned long long)e.offset);
	}
	free(p);
	sgt_stream_free(&s);
}

static void
test_every_truncation(void **state)
{
	sgt_stream s;
	sgt_rng r;
	size_t cut;

	(void)state;
	sgt_rng_init(&r, "verify_every_truncation");
	sgt_small_stream(&s);
	for (cut = 0; cut < s.wire.len; cut++) {
		size_t k = frame_of(&s, cut);
		char what[64];
		sg_err e;

		snprintf(what, sizeof what, "truncation to %zu bytes", cut);
		e = expect_invalid(s.wire.p, cut, &r, what);
		if (cut == s.f[k].at) {
			/* whole frames, then nothing: the end is missing */
			assert_int_equal(e.frame, k);
			assert_int_equal(e.offset, cut);
			if (strstr(e.msg, cut == 0 ? "empty" : "truncated") == NULL)
				fail_msg("%s: \"%s\"", what, e.msg);
		} else {
			assert_int_equal(e.frame, k);
			assert_int_equal(e.offset, s.f[k].at);
			assert_non_null(strstr(e.msg, "truncated"));
		}
	}
	sgt_stream_free(&s);
}

/* Rebuild s's wire with the frames in order idx[0..n). */
static void
assemble(const sgt_stream *s, const size_t *idx, size_t n, sgt_buf *out)
{
	size_t i;

	out->len = 0;
	for (i = 0; i < n; i++)
		sgt_buf_put(out, s->wire.p + s->f[idx[i]].at, s->f[idx[i]].len);
}

/* The error must come at or after the first frame that differs. */
static void
expect_after(const sgt_stream *s, const size_t *idx, size_t n, size_t first, sgt_rng *r,
	     const char *what)
{
	sgt_buf b = { 0 };
	size_t at = 0, i;
	sg_err e;

	assemble(s, idx, n, &b);
	e = expect_invalid(b.p, b.len, r, what);
	for (i = 0; i < first; i++)
		at += s->f[idx[i]].len;
	if (e.frame < first || e.offset < at)
		fail_msg("%s: named frame %llu at %llu, before the damage (frame %zu at %zu): %s",
		    what, (unsigned long long)e.frame, (unsigned long long)e.offset, first, at,
		    e.msg);
	sgt_buf_free(&b);
}

static void
test_drop_duplicate_swap(void **state)
{
	sgt_stream s;
	sgt_rng r;
	size_t *idx, i, j, k, n;
	char what[64];

	(void)state;
	sgt_rng_init(&r, "drop_duplicate_swap");
	sgt_small_stream(&s);
	n = s.n;
	idx = calloc(n + 1, sizeof *idx);
	for (i = 0; i < n; i++) {
		/* drop frame i */
		for (k = 0, j = 0; k < n; k++)
			if (k != i)
				idx[j++] = k;
		snprintf(what, sizeof what, "frame %zu dropped", i);
		expect_after(&s, idx, n - 1, i, &r, what);
		/* frame i twice */
		for (k = 0, j = 0; k < n; k++) {
			idx[j++] = k;
			if (k == i)
				idx[j++] = k;
		}
		snprintf(what, sizeof what, "frame %zu duplicated", i);
		expect_after(&s, idx, n + 1, i + 1, &r, what);
		/* frames i and j swapped */
		for (j = i + 1; j < n; j++) {
			for (k = 0; k < n; k++)
				idx[k] = k;
			idx[i] = j;
			idx[j] = i;
			snprintf(what, sizeof what, "frames %zu and %zu swapped", i, j);
			expect_after(&s, idx, n, i, &r, what);
		}
	}
	/* a whole source dropped */
	{
		size_t src1 = 0;

		while (src1 < n && s.f[src1].h.source == 0)
			src1++;
		for (k = 0, j = 0; k < n; k++)
			if (s.f[k].h.source != 0)
				idx[j++] = k;
		expect_after(&s, idx, j, 0, &r, "source 0 dropped");
		for (k = 0, j = 0; k < n; k++)
			if (s.f[k].h.source != 1)
				idx[j++] = k;
		expect_after(&s, idx, j, src1, &r, "source 1 dropped");
	}
	free(idx);
	sgt_stream_free(&s);
}

/* Hand-made streams, to reach each check of verify.c with a valid frame. */
typedef struct maker {
	sgt_buf b;
	unsigned char meta[SG_FRAME_META_MAX];
} maker;

static void
put_begin(maker *mk, uint32_t source, uint64_t seq, uint64_t offset)
{
	sg_frame_hdr h = { .type = SG_TYPE_BEGIN, .source = source, .seq = seq, .offset = offset };
	sg_meta m;

	sg_meta_clear(&m);
	sg_meta_set_name(&m, "x", 1);
	h.size = h.stored = (uint32_t)sgt_meta_bytes(&m, mk->meta);
	sgt_put_frame(&mk->b, h, mk->meta, 1);
}

static void
put_data(maker *mk, uint32_t source, uint64_t seq, uint64_t offset, const char *text,
	 uint32_t context, uint16_t flags)
{
	sg_frame_hdr h = { .type = SG_TYPE_DATA, .source = source, .seq = seq,
	    .offset = offset, .context = context, .flags = flags };

	h.size = h.stored = (uint32_t)strlen(text);
	sgt_put_frame(&mk->b, h, text, 1);
}

/* END with totals for text; have selects the fields present. */
static void
put_end_fields(maker *mk, uint32_t source, uint64_t seq, uint64_t offset, uint64_t total,
	       uint64_t frames, uint64_t sum, uint16_t flags, uint64_t have)
{
	sg_frame_hdr h = { .type = SG_TYPE_END, .source = source, .seq = seq, .offset = offset,
	    .flags = flags };
	sg_meta m;

	sg_meta_clear(&m);
	m.total = total;
	m.frames = frames;
	m.source_sum = sum;
	m.have = have;
	h.size = h.stored = (uint32_t)sgt_meta_bytes(&m, mk->meta);
	sgt_put_frame(&mk->b, h, mk->meta, 1);
}

#define ALL_TOTALS (SG_META_HAS(SG_META_TOTAL) | SG_META_HAS(SG_META_FRAMES) | \
	SG_META_HAS(SG_META_SOURCE_SUM))

static void
put_end(maker *mk, uint32_t source, uint64_t seq, const char *text, uint64_t frames,
	uint16_t flags)
{
	put_end_fields(mk, source, seq, strlen(text), strlen(text), frames,
	    sgt_xxh3(text, strlen(text)), flags, ALL_TOTALS);
}

static void
put_progress(maker *mk, int bad)
{
	sg_frame_hdr h = { .type = SG_TYPE_PROGRESS, .source = 7, .seq = 99 };
	sg_meta m;

	sg_meta_clear(&m);
	m.consumed = 5;
	m.input_total = 10;
	m.have = SG_META_HAS(SG_META_CONSUMED) | SG_META_HAS(SG_META_INPUT_TOTAL);
	h.size = h.stored = (uint32_t)sgt_meta_bytes(&m, mk->meta);
	if (bad)
		h.size = h.stored = h.size - 3;  /* a field cut short */
	sgt_put_frame(&mk->b, h, mk->meta, 1);
}

static void
made_ok(maker *mk, const char *want)
{
	sgt_buf w = { .p = (unsigned char *)want, .len = strlen(want) };
	sgt_buf out = { 0 };
	uint64_t frames;
	sg_err e;
	int rc = sgt_decode(mk->b.p, mk->b.len, NULL, &out, &frames, &e);

	if (rc != 0)
		fail_msg("refused: frame %llu: %s", (unsigned long long)e.frame, e.msg);
	assert_int_equal(out.len, w.len);
	if (w.len > 0)
		assert_memory_equal(out.p, w.p, w.len);
	sgt_buf_free(&out);
	sgt_buf_free(&mk->b);
}

static void
made_bad(maker *mk, uint64_t frame, const char *why)
{
	sg_err e = expect_invalid(mk->b.p, mk->b.len, NULL, why);

	if (strstr(e.msg, why) == NULL)
		fail_msg("message \"%s\" does not say \"%s\"", e.msg, why);
	if (e.frame != frame)
		fail_msg("\"%s\" named frame %llu, want %llu", why, (unsigned long long)e.frame,
		    (unsigned long long)frame);
	sgt_buf_free(&mk->b);
}

static void
test_sequence_checks(void **state)
{
	maker *mk = calloc(1, sizeof *mk);

	(void)state;
	/* the reference: two sources, an overlap frame, PROGRESS and an
	 * unknown type anywhere */
	put_progress(mk, 0);
	put_begin(mk, 0, 0, 0);
	put_data(mk, 0, 1, 0, "abc", 0, 0);
	put_progress(mk, 0);
	put_data(mk, 0, 2, 3, "bcde", 2, SG_FLAG_OVERLAP);
	put_end(mk, 0, 3, "abcde", 2, 0);
	{
		sg_frame_hdr h = { .type = 200, .size = 2, .stored = 2, .seq = 1234 };

		sgt_put_frame(&mk->b, h, "zz", 1);
	}
	put_begin(mk, 1, 0, 0);
	put_end(mk, 1, 1, "", 0, SG_FLAG_LAST);
	made_ok(mk, "abcde");

	/* frames outside a source */
	put_data(mk, 0, 1, 0, "abc", 0, 0);
	made_bad(mk, 0, "BEGIN missing");
	put_begin(mk, 0, 0, 0);
	put_end(mk, 0, 1, "", 0, SG_FLAG_LAST);
	put_end(mk, 0, 1, "", 0, SG_FLAG_LAST);
	made_bad(mk, 2, "BEGIN missing");
	/* BEGIN inside a source, BEGIN seq, source numbers */
	put_begin(mk, 0, 0, 0);
	put_begin(mk, 1, 0, 0);
	made_bad(mk, 1, "END missing");
	put_begin(mk, 0, 1, 0);
	made_bad(mk, 0, "not 0");
	put_begin(mk, 1, 0, 0);
	made_bad(mk, 0, "sources missing");
	put_begin(mk, 0, 0, 0);
	put_end(mk, 0, 1, "", 0, 0);
	put_begin(mk, 2, 0, 0);
	made_bad(mk, 2, "sources missing");
	/* after an END without LAST, the stream goes on with source 1 */
	put_begin(mk, 0, 0, 0);
	put_end(mk, 0, 1, "", 0, 0);
	put_begin(mk, 0, 0, 0);
	made_bad(mk, 2, "source 1 was expected");
	/* a frame of another source inside this one */
	put_begin(mk, 0, 0, 0);
	put_data(mk, 1, 1, 0, "a", 0, 0);
	made_bad(mk, 1, "inside source 0");
	/* sequence and offsets */
	put_begin(mk, 0, 0, 0);
	put_data(mk, 0, 2, 0, "a", 0, 0);
	made_bad(mk, 1, "missing");
	put_begin(mk, 0, 0, 0);
	put_data(mk, 0, 1, 0, "a", 0, 0);
	put_data(mk, 0, 1, 1, "b", 0, 0);
	made_bad(mk, 2, "repeated");
	put_begin(mk, 0, 0, 0);
	put_data(mk, 0, 1, 0, "ab", 0, 0);
	put_data(mk, 0, 2, 3, "c", 0, 0);
	made_bad(mk, 2, "source offset");
	put_begin(mk, 0, 0, 0);
	put_data(mk, 0, 1, 0, "ab", 0, 0);
	put_data(mk, 0, 2, 1, "c", 0, 0);
	made_bad(mk, 2, "source offset");
	/* END totals */
	put_begin(mk, 0, 0, 0);
	put_data(mk, 0, 1, 0, "abc", 0, 0);
	put_end_fields(mk, 0, 2, 3, 4, 1, sgt_xxh3("abc", 3), SG_FLAG_LAST, ALL_TOTALS);
	made_bad(mk, 2, "END says 4 bytes");
	put_begin(mk, 0, 0, 0);
	put_data(mk, 0, 1, 0, "abc", 0, 0);
	put_end_fields(mk, 0, 2, 3, 3, 2, sgt_xxh3("abc", 3), SG_FLAG_LAST, ALL_TOTALS);
	made_bad(mk, 2, "data frames");
	put_begin(mk, 0, 0, 0);
	put_data(mk, 0, 1, 0, "abc", 0, 0);
	put_end_fields(mk, 0, 2, 3, 3, 1, sgt_xxh3("abd", 3), SG_FLAG_LAST, ALL_TOTALS);
	made_bad(mk, 2, "whole-source checksum");
	put_begin(mk, 0, 0, 0);
	put_data(mk, 0, 1, 0, "abc", 0, 0);
	put_end_fields(mk, 0, 2, 3, 3, 1, sgt_xxh3("abc", 3), SG_FLAG_LAST,
	    ALL_TOTALS & ~SG_META_HAS(SG_META_SOURCE_SUM));
	made_bad(mk, 2, "lacks its totals");
	put_begin(mk, 0, 0, 0);
	put_data(mk, 0, 1, 0, "abc", 0, 0);
	put_end_fields(mk, 0, 2, 4, 3, 1, sgt_xxh3("abc", 3), SG_FLAG_LAST, ALL_TOTALS);
	made_bad(mk, 2, "source offset");
	/* an overlap whose context is not new: the sum covers new bytes only */
	put_begin(mk, 0, 0, 0);
	put_data(mk, 0, 1, 0, "abc", 0, 0);
	put_data(mk, 0, 2, 3, "bcde", 2, SG_FLAG_OVERLAP);
	put_end_fields(mk, 0, 3, 5, 7, 2, sgt_xxh3("abcbcde", 7), SG_FLAG_LAST, ALL_TOTALS);
	made_bad(mk, 3, "END says 7 bytes");
	/* metadata that does not parse */
	put_begin(mk, 0, 0, 0);
	put_progress(mk, 1);
	made_bad(mk, 1, "progress metadata");
	/* the end of input */
	put_begin(mk, 0, 0, 0);
	put_data(mk, 0, 1, 0, "abc", 0, 0);
	made_bad(mk, 2, "no END");
	put_begin(mk, 0, 0, 0);
	put_end(mk, 0, 1, "", 0, 0);
	made_bad(mk, 2, "not the last");
	/* frames, but no source at all */
	put_progress(mk, 0);
	made_bad(mk, 1, "no source");
	free(mk);
}

static void
test_empty_and_garbage(void **state)
{
	sg_err e;

	(void)state;
	e = expect_invalid((const unsigned char *)"", 0, NULL, "empty input");
	assert_non_null(strstr(e.msg, "empty"));
	assert_int_equal(e.frame, 0);
	assert_int_equal(e.offset, 0);
	e = expect_invalid((const unsigned char *)"not sg at all\n", 14, NULL, "garbage");
	assert_int_equal(e.frame, 0);
	assert_int_equal(e.offset, 0);
}

/* sg_verify_frame hands back the metadata it parsed. */
static void
test_meta_out(void **state)
{
	sgt_stream s;
	sgt_mem m = { 0 };
	sg_reader *rd;
	sg_verify *v;
	sg_frame f;
	sg_meta meta;
	sg_err e;
	int rc, seen = 0;

	(void)state;
	sgt_small_stream(&s);
	m.p = s.wire.p;
	m.len = s.wire.len;
	rd = sg_reader_new(sgt_mem_read, &m);
	v = sg_verify_new();
	sg_err_clear(&e);
	while ((rc = sg_reader_next(rd, &f, &e)) > 0) {
		assert_int_equal(sg_verify_frame(v, &f, f.payload, &meta, &e), 0);
		if (f.h.type == SG_TYPE_BEGIN) {
			char want[8];

			snprintf(want, sizeof want, "src%u", f.h.source);
			assert_int_equal(meta.name_len, strlen(want));
			assert_memory_equal(meta.name, want, strlen(want));
			assert_string_equal(meta.strategy, "lines");
			assert_int_equal(meta.chunk_size, 6);
			seen++;
		} else if (f.h.type == SG_TYPE_END) {
			assert_int_equal(meta.total, f.h.source == 0 ? 9 : 12);
			assert_int_equal(meta.source_sum, f.h.source == 0 ?
			    sgt_xxh3("hi\nthere\n", 9) :
			    sgt_xxh3("h\xC3\xA9llo\n\xF0\x9D\x84\x9E\n", 12));
			seen++;
		}
	}
	assert_int_equal(rc, 0);
	assert_int_equal(seen, 4);
	assert_int_equal(sg_verify_finish(v, sg_reader_count(rd), sg_reader_tell(rd), &e), 0);
	sg_reader_free(rd);
	sg_verify_free(v);
	sgt_stream_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_streams),
		cmocka_unit_test(test_concatenated_streams),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_drop_duplicate_swap),
		cmocka_unit_test(test_sequence_checks),
		cmocka_unit_test(test_empty_and_garbage),
		cmocka_unit_test(test_meta_out),
	};

	return cmocka_run_group_tests_name("verify", tests, NULL, NULL);
}
