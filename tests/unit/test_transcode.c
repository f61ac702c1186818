/* test_transcode.c: one DATA frame encoded with each codec (and -c auto),
 * then decoded (transcode.h). The encoded frame must be a valid sg frame
 * that the reader accepts, with the input's header fields; decoding gives
 * back the payload exactly, and a checksum that disagrees is reported. */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "list.h"
#include "reader.h"
#include "transcode.h"

static const struct {
	const char *name;
	sg_encode_opts o;
} opts[] = {
	{ "none", { SG_CODEC_NONE, 3, 0 } },
	{ "zstd -1", { SG_CODEC_ZSTD, 1, 0 } },
	{ "zstd -3", { SG_CODEC_ZSTD, 3, 0 } },
	{ "zstd -19", { SG_CODEC_ZSTD, 19, 0 } },
	{ "lz4 -1", { SG_CODEC_LZ4, 1, 0 } },
	{ "lz4 -9", { SG_CODEC_LZ4, 9, 0 } },
	{ "auto", { SG_CODEC_ZSTD, 3, 1 } },
};
#define NOPTS (sizeof opts / sizeof opts[0])

static unsigned char *
xmalloc(size_t n)
{
	unsigned char *p = malloc(n ? n : 1);

	assert_non_null(p);
	return p;
}

static void
fill_random(sgt_rng *r, unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)sgt_next(r);
}

static void
fill_text(sgt_rng *r, unsigned char *p, size_t n)
{
	static const char *const words[] = { "alpha", "beta", "gamma", "delta", "frame",
	    "chunk", "offset", "payload", "\n", ", " };
	size_t i = 0;

	while (i < n) {
		const char *w = words[sgt_below(r, sizeof words / sizeof words[0])];
		size_t k;

		for (k = 0; w[k] != '\0' && i < n; k++)
			p[i++] = (unsigned char)w[k];
		if (i < n)
			p[i++] = ' ';
	}
}

/* A DATA header for payload p[0..n) with random positions and flags. */
static sg_frame_hdr
data_header(sgt_rng *r, const unsigned char *p, size_t n)
{
	sg_frame_hdr h;

	memset(&h, 0, sizeof h);
	h.type = SG_TYPE_DATA;
	h.codec = SG_CODEC_NONE;
	h.flags = (uint16_t)(sgt_below(r, 8) | (sgt_chance(r, 20) ? SG_FLAG_STORED : 0));
	h.source = (uint32_t)sgt_below(r, 1000);
	h.seq = sgt_range(r, 1, 1u << 20);
	h.offset = sgt_next(r) >> 8;
	h.size = h.stored = (uint32_t)n;
	h.context = (uint32_t)sgt_below(r, n + 1);
	h.payload_sum = sgt_xxh3(p, n);
	return h;
}

static void
same_hdr(const sg_frame_hdr *a, const sg_frame_hdr *b)
{
	assert_int_equal(a->hdr_len, b->hdr_len);
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->codec, b->codec);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->source, b->source);
	assert_int_equal(a->context, b->context);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->offset, b->offset);
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->stored, b->stored);
	assert_true(a->payload_sum == b->payload_sum);
}

/* Encode h + p with o after a prefix already in out; check the frame and
 * read it back through sg_reader. Returns the new header; *enc points at
 * its stored bytes in out. */
static sg_frame_hdr
encode_checked(sg_codec *c, const sg_encode_opts *o, const char *name,
	       const sg_frame_hdr *h, const unsigned char *p, sg_buf *out,
	       const unsigned char **enc)
{
	static const char prefix[] = "before";
	sg_frame_hdr n;
	sg_err e;
	size_t at;
	int rc;

	sg_err_clear(&e);
	out->len = 0;
	assert_int_equal(sg_buf_append(out, prefix, sizeof prefix, &e), 0);
	at = out->len;
	rc = sg_transcode_encode(c, o, h, p, out, &e);
	if (rc != 0)
		fail_msg("%s, %u bytes: %s", name, h->size, e.msg);
	assert_memory_equal(out->p, prefix, sizeof prefix);
	assert_true(out->len >= at + SG_FRAME_HDR_LEN);
	if (sg_frame_decode(out->p + at, SG_FRAME_HDR_LEN, &n, &e) != 0)
		fail_msg("%s: encoded header does not decode: %s", name, e.msg);
	/* the header says what was done, and keeps the rest */
	assert_int_equal(n.codec, o->codec);
	assert_int_equal(n.stored, out->len - at - SG_FRAME_HDR_LEN);
	assert_int_equal(n.type, h->type);
	assert_int_equal(n.source, h->source);
	assert_int_equal(n.seq, h->seq);
	assert_int_equal(n.offset, h->offset);
	assert_int_equal(n.size, h->size);
	assert_int_equal(n.context, h->context);
	assert_true(n.payload_sum == h->payload_sum);
	assert_int_equal(n.flags & ~SG_FLAG_STORED, h->flags & ~SG_FLAG_STORED);
	if (!o->adaptive)
		assert_int_equal(n.flags & SG_FLAG_STORED, 0);
	if (o->codec == SG_CODEC_NONE) {
		assert_int_equal(n.stored, h->size);
		if (h->size > 0)
			assert_memory_equal(out->p + at + SG_FRAME_HDR_LEN, p, h->size);
	}
	if (n.flags & SG_FLAG_STORED)
		assert_true(sg_codec_zstd_is_stored(out->p + at + SG_FRAME_HDR_LEN, n.stored));
	/* a whole frame on the wire: the reader takes it as it is */
	{
		sgt_mem m = { .p = out->p + at, .len = out->len - at };
		sg_reader *rd = sg_reader_new(sgt_mem_read, &m);
		sg_frame f;

		assert_non_null(rd);
		rc = sg_reader_next(rd, &f, &e);
		if (rc != 1)
			fail_msg("%s: reader refuses the frame: %s", name, e.msg);
		same_hdr(&f.h, &n);
		assert_int_equal(sg_reader_next(rd, &f, &e), 0);
		sg_reader_free(rd);
	}
	*enc = out->p + at + SG_FRAME_HDR_LEN;
	return n;
}

static void
decode_checked(sg_codec *c, const char *name, const sg_frame_hdr *n,
	       const unsigned char *enc, const unsigned char *want, sg_buf *aux)
{
	const unsigned char *payload = NULL;
	sg_err e;
	int rc;

	sg_err_clear(&e);
	/* aux may hold leftovers from an earlier frame */
	rc = sg_transcode_decode(c, n, enc, aux, &payload, &e);
	if (rc != 0)
		fail_msg("%s, %u bytes: decode: %s", name, n->size, e.msg);
	/* (a NULL pointer for an empty payload: test_empty_payload) */
	if (n->size > 0) {
		assert_non_null(payload);
		assert_memory_equal(payload, want, n->size);
	}
	if (n->codec == SG_CODEC_NONE)
		assert_ptr_equal(payload, enc);
}

static void
test_round_trips(void **state)
{
	sg_codec *c = sg_codec_new();
	sg_buf out = SG_BUF_INIT, aux = SG_BUF_INIT;
	size_t max = 300u << 10;
	unsigned char *text = xmalloc(max), *rnd = xmalloc(max);
	sgt_rng r;
	size_t k;
	unsigned it;

	(void)state;
	assert_non_null(c);
	sgt_rng_init(&r, "transcode_round_trips");
	fill_text(&r, text, max);
	fill_random(&r, rnd, max);
	for (it = 0; it < sgt_iters(60); it++) {
		size_t n;
		const unsigned char *src;
		sg_frame_hdr h;

		switch (it % 6) {
		case 0: n = 0; break;
		case 1: n = 1; break;
		case 2: n = max; break;
		default: n = (size_t)sgt_range(&r, 2, 70000); break;
		}
		src = (it / 6) % 2 ? rnd + sgt_below(&r, max - n + 1) : text + sgt_below(&r, max - n + 1);
		h = data_header(&r, src, n);
		for (k = 0; k < NOPTS; k++) {
			const unsigned char *enc;
			sg_frame_hdr e2;

			if (opts[k].o.level == 19 && n > 70000)
				continue; /* slow, and covered by smaller sizes */
			e2 = encode_checked(c, &opts[k].o, opts[k].name, &h, src, &out, &enc);
			decode_checked(c, opts[k].name, &e2, enc, src, &aux);
		}
	}
	sg_buf_free(&out);
	sg_buf_free(&aux);
	sg_codec_free(c);
	free(text);
	free(rnd);
}

/* Re-encoding: a frame encoded with one codec, decoded and encoded with
 * another, decodes to the same bytes (what sg-encode does to its input). */
static void
test_chain(void **state)
{
	sg_codec *c = sg_codec_new();
	sg_buf a = SG_BUF_INIT, b = SG_BUF_INIT, aux = SG_BUF_INIT;
	size_t n = 50000;
	unsigned char *text = xmalloc(n);
	sgt_rng r;
	size_t i, k;

	(void)state;
	assert_non_null(c);
	sgt_rng_init(&r, "transcode_chain");
	fill_text(&r, text, n);
	for (i = 0; i < NOPTS; i++) {
		for (k = 0; k < NOPTS; k++) {
			sg_frame_hdr h = data_header(&r, text, n), h1, h2;
			const unsigned char *e1, *e2, *payload;
			sg_err e;

			h1 = encode_checked(c, &opts[i].o, opts[i].name, &h, text, &a, &e1);
			sg_err_clear(&e);
			assert_int_equal(sg_transcode_decode(c, &h1, e1, &aux, &payload, &e), 0);
			h2 = encode_checked(c, &opts[k].o, opts[k].name, &h1, payload, &b, &e2);
			decode_checked(c, opts[k].name, &h2, e2, text, &aux);
		}
	}
	sg_buf_free(&a);
	sg_buf_free(&b);
	sg_buf_free(&aux);
	sg_codec_free(c);
	free(text);
}

/* -c auto on random data stores the payload (zstd raw blocks, flagged),
 * costing at most 0.1%; on text it compresses. */
static void
test_adaptive(void **state)
{
	static const size_t sizes[] = { 16384, 65536, 100000, 1u << 20 };
	sg_codec *c = sg_codec_new();
	sg_buf out = SG_BUF_INIT, aux = SG_BUF_INIT;
	unsigned char *buf = xmalloc(1u << 20);
	const sg_encode_opts *o = &opts[NOPTS - 1].o;
	sgt_rng r;
	size_t k;

	(void)state;
	assert_non_null(c);
	assert_true(o->adaptive);
	sgt_rng_init(&r, "transcode_adaptive");
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t n = sizes[k];
		const unsigned char *enc;
		sg_frame_hdr h, e2;

		fill_random(&r, buf, n);
		h = data_header(&r, buf, n);
		h.flags &= (uint16_t)~SG_FLAG_STORED;
		e2 = encode_checked(c, o, "auto, random", &h, buf, &out, &enc);
		assert_true(e2.flags & SG_FLAG_STORED);
		assert_int_equal(e2.codec, SG_CODEC_ZSTD);
		if (e2.stored > n + n / 1000)
			fail_msg("auto stored %zu random bytes in %u", n, e2.stored);
		decode_checked(c, "auto, random", &e2, enc, buf, &aux);

		fill_text(&r, buf, n);
		h = data_header(&r, buf, n);
		h.flags |= SG_FLAG_STORED; /* an input flag is not carried over */
		e2 = encode_checked(c, o, "auto, text", &h, buf, &out, &enc);
		assert_false(e2.flags & SG_FLAG_STORED);
		assert_true(e2.stored < n / 2);
		assert_false(sg_codec_zstd_is_stored(enc, e2.stored));
		decode_checked(c, "auto, text", &e2, enc, buf, &aux);
	}
	sg_buf_free(&out);
	sg_buf_free(&aux);
	sg_codec_free(c);
	free(buf);
}

/* A payload_sum that disagrees with the payload, and damaged payloads,
 * are reported as bad data. */
static void
test_bad_checksum(void **state)
{
	sg_codec *c = sg_codec_new();
	sg_buf out = SG_BUF_INIT, aux = SG_BUF_INIT;
	size_t n = 30000;
	unsigned char *text = xmalloc(n);
	sgt_rng r;
	size_t k;

	(void)state;
	assert_non_null(c);
	sgt_rng_init(&r, "transcode_bad_checksum");
	fill_text(&r, text, n);
	for (k = 1; k < NOPTS; k++) {
		sg_frame_hdr h = data_header(&r, text, n), e2, bad;
		const unsigned char *enc, *payload;
		unsigned bit;
		sg_err e;
		int rc;

		e2 = encode_checked(c, &opts[k].o, opts[k].name, &h, text, &out, &enc);
		for (bit = 0; bit < 64; bit += 7) {
			bad = e2;
			bad.payload_sum ^= UINT64_C(1) << bit;
			sg_err_clear(&e);
			assert_int_equal(sg_transcode_decode(c, &bad, enc, &aux, &payload, &e),
			    SG_EDATA);
			assert_int_equal(e.code, SG_EDATA);
			assert_non_null(strstr(e.msg, "checksum"));
		}
		/* a size the frame does not decode to */
		bad = e2;
		bad.size = e2.size - 1;
		assert_int_equal(sg_transcode_decode(c, &bad, enc, &aux, &payload, &e), SG_EDATA);
		/* damaged bytes: refused by the codec or by the checksum */
		{
			unsigned char *copy = xmalloc(e2.stored);
			unsigned i;

			for (i = 0; i < 50; i++) {
				size_t at = (size_t)sgt_below(&r, e2.stored);

				memcpy(copy, enc, e2.stored);
				copy[at] ^= (unsigned char)sgt_range(&r, 1, 255);
				sg_err_clear(&e);
				rc = sg_transcode_decode(c, &e2, copy, &aux, &payload, &e);
				/* success only when the checksum vouches for the
				 * bytes (a bit the codec ignores) */
				if (rc == 0)
					assert_memory_equal(payload, text, n);
				else
					assert_int_equal(rc, SG_EDATA);
			}
			free(copy);
		}
		/* and the intact frame still decodes on the same codec object */
		decode_checked(c, opts[k].name, &e2, enc, text, &aux);
	}
	sg_buf_free(&out);
	sg_buf_free(&aux);
	sg_codec_free(c);
	free(text);
}

/* transcode.h: a codec none payload is passed back as it is, in place. */
static void
test_none_is_passed_as_is(void **state)
{
	sg_codec *c = sg_codec_new();
	sg_buf aux = SG_BUF_INIT;
	const unsigned char *payload;
	unsigned char text[] = "inline payload";
	sgt_rng r = { 7 };
	sg_frame_hdr h = data_header(&r, text, sizeof text - 1);
	sg_err e;

	(void)state;
	assert_non_null(c);
	sg_err_clear(&e);
	assert_int_equal(sg_transcode_decode(c, &h, text, &aux, &payload, &e), 0);
	assert_ptr_equal(payload, text);
	/* Inline payloads are the reader's (or caller's) to check: the
	 * header says so, and no copy or second hash is made here. */
	h.payload_sum ^= 1;
	assert_int_equal(sg_transcode_decode(c, &h, text, &aux, &payload, &e), 0);
	assert_ptr_equal(payload, text);
	assert_int_equal(aux.len, 0);
	sg_buf_free(&aux);
	sg_codec_free(c);
}

/* An empty DATA payload coded with zstd or lz4 decodes to a pointer too:
 * sg_list_frame() reads a NULL payload as "no payload", so sg-encode
 * --json would write the frame without "text" (and as still coded), a line
 * the NDJSON reader then refuses. */
static void
test_empty_payload(void **state)
{
	static const unsigned codecs[] = { SG_CODEC_ZSTD, SG_CODEC_LZ4 };
	size_t k;

	(void)state;
	for (k = 0; k < 2; k++) {
		sg_codec *c = sg_codec_new();
		sg_buf out = SG_BUF_INIT, aux = SG_BUF_INIT, line = SG_BUF_INIT;
		sg_encode_opts o = { codecs[k], 3, 0 };
		const unsigned char *enc, *payload = NULL;
		sgt_rng r = { 3 };
		sg_frame_hdr h = data_header(&r, (const unsigned char *)"", 0), n;
		sg_frame f;
		sg_err e;

		assert_non_null(c);
		n = encode_checked(c, &o, "empty", &h, (const unsigned char *)"", &out, &enc);
		sg_err_clear(&e);
		/* aux has no storage yet, as in a fresh pool slot */
		assert_int_equal(sg_transcode_decode(c, &n, enc, &aux, &payload, &e), 0);
		memset(&f, 0, sizeof f);
		f.h = n;
		assert_int_equal(sg_list_frame(&line, &f, NULL, payload, &e), 0);
		if (payload == NULL || memmem(line.p, line.len, ",\"text\":\"\"}", 10) == NULL)
			fail_msg("%s: empty payload decoded to %p; listed as %.*s",
			    sg_frame_codec_name(codecs[k]), (const void *)payload, (int)line.len,
			    (const char *)line.p);
		sg_buf_free(&out);
		sg_buf_free(&aux);
		sg_buf_free(&line);
		sg_codec_free(c);
	}
}

/* The plain header: codec none, stored = size, no "stored" flag. */
static void
test_plain_header(void **state)
{
	sg_buf out = SG_BUF_INIT;
	sg_frame_hdr h, n;
	sgt_rng r;
	sg_err e;
	unsigned char text[100];

	(void)state;
	sgt_rng_init(&r, "transcode_plain_header");
	fill_text(&r, text, sizeof text);
	h = data_header(&r, text, sizeof text);
	h.codec = SG_CODEC_ZSTD;
	h.stored = 37;
	h.flags |= SG_FLAG_STORED | SG_FLAG_OVERLAP;
	sg_err_clear(&e);
	assert_int_equal(sg_buf_append(&out, "xyz", 3, &e), 0);
	assert_int_equal(sg_transcode_plain_header(&h, &out, &e), 0);
	assert_int_equal(out.len, 3 + SG_FRAME_HDR_LEN);
	assert_memory_equal(out.p, "xyz", 3);
	assert_int_equal(sg_frame_decode(out.p + 3, SG_FRAME_HDR_LEN, &n, &e), 0);
	assert_int_equal(n.codec, SG_CODEC_NONE);
	assert_int_equal(n.stored, sizeof text);
	assert_int_equal(n.size, sizeof text);
	assert_int_equal(n.flags, (h.flags & ~SG_FLAG_STORED));
	assert_int_equal(n.seq, h.seq);
	assert_int_equal(n.offset, h.offset);
	assert_int_equal(n.source, h.source);
	assert_int_equal(n.context, h.context);
	assert_true(n.payload_sum == h.payload_sum);
	/* with the payload after it, a frame the reader accepts */
	assert_int_equal(sg_buf_append(&out, text, sizeof text, &e), 0);
	{
		sgt_mem m = { .p = out.p + 3, .len = out.len - 3 };
		sg_reader *rd = sg_reader_new(sgt_mem_read, &m);
		sg_frame f;

		assert_non_null(rd);
		assert_int_equal(sg_reader_next(rd, &f, &e), 1);
		assert_memory_equal(f.payload, text, sizeof text);
		sg_reader_free(rd);
	}
	sg_buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_adaptive),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_none_is_passed_as_is),
		cmocka_unit_test(test_empty_payload),
		cmocka_unit_test(test_plain_header),
	};

	return cmocka_run_group_tests_name("transcode", tests, NULL, NULL);
}
