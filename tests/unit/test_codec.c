/* test_codec.c: codec.h. Round trips at several levels on text, random,
 * empty and 1-byte payloads; the stored zstd frame checked with plain
 * libzstd; every malformed payload sg_codec_decompress must refuse (bombs,
 * short and long output, trailing bytes, concatenated frames, wrong magic,
 * truncation, flipped bits, a content size that disagrees); and the auto
 * codec's probe. Every decode goes into a buffer of exactly `size` bytes
 * followed by guard bytes that must stay untouched. */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lz4frame.h>
#include <zstd.h>

#include "codec.h"

#define GUARD 4096u
#define GUARD_BYTE 0xA5

static sg_codec *
new_codec(void)
{
	sg_codec *c = sg_codec_new();

	assert_non_null(c);
	return c;
}

/* --- inputs ------------------------------------------------------------ */

static void
fill_random(sgt_rng *r, unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)sgt_next(r);
}

/* English-like text: words, spaces, punctuation, newlines. */
static void
fill_text(sgt_rng *r, unsigned char *p, size_t n)
{
	static const char *const words[] = {
		"the", "frame", "of", "a", "stream", "carries", "checksummed", "data",
		"between", "filters", "and", "every", "chunk", "is", "cut", "at", "a",
		"boundary", "where", "records", "end", "offsets", "identify", "chunks",
	};
	size_t i = 0;

	while (i < n) {
		const char *w = words[sgt_below(r, sizeof words / sizeof words[0])];
		size_t k;

		for (k = 0; w[k] != '\0' && i < n; k++)
			p[i++] = (unsigned char)w[k];
		if (i < n)
			p[i++] = sgt_chance(r, 10) ? '\n' : sgt_chance(r, 10) ? ',' : ' ';
	}
}

static unsigned char *
xmalloc(size_t n)
{
	unsigned char *p = malloc(n ? n : 1);

	assert_non_null(p);
	return p;
}

/* --- frames made with the libraries directly ------------------------------ */

/* A zstd frame of src, with or without its content size. */
static size_t
zstd_frame(const void *src, size_t n, int level, int with_size, unsigned char **out)
{
	ZSTD_CCtx *z = ZSTD_createCCtx();
	size_t cap = ZSTD_compressBound(n), r;

	assert_non_null(z);
	*out = xmalloc(cap);
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, level)));
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(z, ZSTD_c_contentSizeFlag, with_size)));
	r = ZSTD_compress2(z, *out, cap, src, n);
	assert_false(ZSTD_isError(r));
	ZSTD_freeCCtx(z);
	return r;
}

/* An LZ4 frame of src, with or without its content size. */
static size_t
lz4_frame(const void *src, size_t n, int with_size, unsigned char **out)
{
	LZ4F_preferences_t p;
	size_t cap, r;

	memset(&p, 0, sizeof p);
	p.frameInfo.contentSize = with_size ? n : 0;
	p.frameInfo.blockSizeID = LZ4F_max64KB;
	cap = LZ4F_compressFrameBound(n, &p);
	*out = xmalloc(cap);
	r = LZ4F_compressFrame(*out, cap, src, n, &p);
	assert_false(LZ4F_isError(r));
	return r;
}

static size_t
frame_of(unsigned codec, const void *src, size_t n, int with_size, unsigned char **out)
{
	return codec == SG_CODEC_ZSTD ? zstd_frame(src, n, 3, with_size, out)
	    : lz4_frame(src, n, with_size, out);
}

/* sg_codec_compress into a buffer of exactly the bound. */
static size_t
compress(sg_codec *c, unsigned codec, int level, const void *src, size_t n,
	 unsigned char **out)
{
	size_t bound = sg_codec_bound(codec, n), len = 0;
	sg_err e;
	int rc;

	*out = xmalloc(bound);
	sg_err_clear(&e);
	rc = sg_codec_compress(c, codec, level, src, n, *out, bound, &len, &e);
	if (rc != 0)
		fail_msg("compress %s level %d, %zu bytes: %s", sg_frame_codec_name(codec), level,
		    n, e.msg);
	assert_true(len > 0 && len <= bound);
	return len;
}

/* Decode into exactly size bytes followed by a guard; the guard must stay
 * intact whatever the outcome. Returns the rc; *out gets the size bytes
 * (caller frees) when out is not NULL. */
static int
decode(sg_codec *c, unsigned codec, const void *src, size_t stored, size_t size,
       unsigned char **out, sg_err *e)
{
	unsigned char *dst = xmalloc(size + GUARD);
	size_t i;
	int rc;

	memset(dst, GUARD_BYTE, size + GUARD);
	sg_err_clear(e);
	rc = sg_codec_decompress(c, codec, src, stored, dst, size, e);
	for (i = size; i < size + GUARD; i++)
		if (dst[i] != GUARD_BYTE)
			fail_msg("%s decode of %zu stored bytes into %zu wrote past the end "
			    "(byte %zu)", sg_frame_codec_name(codec), stored, size, i);
	if (rc < 0) {
		assert_int_equal(rc, e->code);
		assert_true(e->msg[0] != '\0');
	}
	if (out != NULL)
		*out = dst;
	else
		free(dst);
	return rc;
}

static void
must_reject(sg_codec *c, unsigned codec, const void *src, size_t stored, size_t size,
	    const char *what)
{
	sg_err e;
	int rc = decode(c, codec, src, stored, size, NULL, &e);

	if (rc != SG_EDATA)
		fail_msg("%s, %s (%zu stored, size %zu): rc %d, want SG_EDATA",
		    sg_frame_codec_name(codec), what, stored, size, rc);
}

static void
must_decode(sg_codec *c, unsigned codec, const void *src, size_t stored,
	    const void *want, size_t size, const char *what)
{
	unsigned char *out;
	sg_err e;
	int rc = decode(c, codec, src, stored, size, &out, &e);

	if (rc != 0)
		fail_msg("%s, %s (%zu stored, size %zu): %s", sg_frame_codec_name(codec), what,
		    stored, size, e.msg);
	if (size > 0 && memcmp(out, want, size) != 0)
		fail_msg("%s, %s: decoded bytes differ", sg_frame_codec_name(codec), what);
	free(out);
}

/* --- parse and bound ---------------------------------------------------- */

static void
test_parse(void **state)
{
	unsigned codec = 99;
	sg_err e;

	(void)state;
	sg_err_clear(&e);
	assert_int_equal(sg_codec_parse("none", &codec, &e), 0);
	assert_int_equal(codec, SG_CODEC_NONE);
	assert_int_equal(sg_codec_parse("zstd", &codec, &e), 0);
	assert_int_equal(codec, SG_CODEC_ZSTD);
	assert_int_equal(sg_codec_parse("lz4", &codec, &e), 0);
	assert_int_equal(codec, SG_CODEC_LZ4);
	assert_int_equal(sg_codec_parse("gzip", &codec, &e), SG_EUSAGE);
	assert_int_equal(sg_codec_parse("", &codec, &e), SG_EUSAGE);
	assert_int_equal(sg_codec_parse("ZSTD", &codec, &e), SG_EUSAGE);
	assert_int_equal(e.code, SG_EUSAGE);
}

/* --- round trips -------------------------------------------------------- */

static void
round_trip(sg_codec *c, unsigned codec, int level, const unsigned char *src, size_t n,
	   const char *what)
{
	unsigned char *enc, *plain;
	size_t len = compress(c, codec, level, src, n, &enc);
	char label[96];

	snprintf(label, sizeof label, "%s, level %d, %zu bytes", what, level, n);
	must_decode(c, codec, enc, len, src, n, label);
	/* one native frame with its content size, decodable by the stock
	 * library on its own */
	plain = xmalloc(n);
	if (codec == SG_CODEC_ZSTD) {
		assert_int_equal(ZSTD_getFrameContentSize(enc, len), n);
		assert_int_equal(ZSTD_findFrameCompressedSize(enc, len), len);
		assert_int_equal(ZSTD_decompress(plain, n, enc, len), n);
	} else {
		LZ4F_dctx *d;
		LZ4F_frameInfo_t info;
		size_t in = len, out = n, hint;

		assert_false(LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)));
		hint = LZ4F_getFrameInfo(d, &info, enc, &in);
		assert_false(LZ4F_isError(hint));
		if (n > 0)
			assert_int_equal(info.contentSize, n);
		{
			size_t in2 = len - in;

			hint = LZ4F_decompress(d, plain, &out, enc + in, &in2, NULL);
			assert_int_equal(hint, 0);
			assert_int_equal(in + in2, len);
			assert_int_equal(out, n);
		}
		LZ4F_freeDecompressionContext(d);
	}
	if (n > 0)
		assert_memory_equal(plain, src, n);
	/* size must match exactly: one more or one less is refused (with
	 * another codec object: test_lz4_after_error is about what a failed
	 * decode leaves behind) */
	{
		sg_codec *cr = new_codec();

		must_reject(cr, codec, enc, len, n + 1, "size one too large");
		if (n > 0)
			must_reject(cr, codec, enc, len, n - 1, "size one too small");
		sg_codec_free(cr);
	}
	free(plain);
	free(enc);
}

static void
test_round_trips(void **state)
{
	static const struct { unsigned codec; int level; } cfg[] = {
		{ SG_CODEC_ZSTD, 1 }, { SG_CODEC_ZSTD, 3 }, { SG_CODEC_ZSTD, 19 },
		{ SG_CODEC_LZ4, 1 }, { SG_CODEC_LZ4, 9 },
	};
	sg_codec *c = new_codec();
	size_t big = 300u << 10;
	unsigned char *text = xmalloc(big), *rnd = xmalloc(big);
	sgt_rng r;
	size_t k;
	unsigned it;

	(void)state;
	sgt_rng_init(&r, "codec_round_trips");
	fill_text(&r, text, big);
	fill_random(&r, rnd, big);
	/* one codec object serves every codec and level in turn */
	for (k = 0; k < sizeof cfg / sizeof cfg[0]; k++) {
		unsigned codec = cfg[k].codec;
		int level = cfg[k].level;

		round_trip(c, codec, level, text, 0, "empty");
		round_trip(c, codec, level, text, 1, "1 byte of text");
		round_trip(c, codec, level, rnd, 1, "1 random byte");
		round_trip(c, codec, level, text, big, "text");
		round_trip(c, codec, level, rnd, big, "random");
		for (it = 0; it < sgt_iters(8); it++) {
			size_t n = (size_t)sgt_range(&r, 2, 20000);

			round_trip(c, codec, level, text + sgt_below(&r, big - n), n, "text");
			round_trip(c, codec, level, rnd + sgt_below(&r, big - n), n, "random");
		}
	}
	/* text compresses, and harder at higher levels */
	{
		unsigned char *a, *b;
		size_t la = compress(c, SG_CODEC_ZSTD, 1, text, big, &a);
		size_t lb = compress(c, SG_CODEC_ZSTD, 19, text, big, &b);

		assert_true(la < big / 2);
		assert_true(lb < la);
		free(a);
		free(b);
	}
	sg_codec_free(c);
	free(text);
	free(rnd);
}

/* An lz4 frame longer than one 4 MiB block, and a zstd one of many blocks. */
static void
test_round_trip_large(void **state)
{
	sg_codec *c = new_codec();
	size_t n = (9u << 20) / 2;
	unsigned char *text = xmalloc(n);
	sgt_rng r;

	(void)state;
	sgt_rng_init(&r, "codec_round_trip_large");
	fill_text(&r, text, n);
	round_trip(c, SG_CODEC_LZ4, 1, text, n, "large text");
	round_trip(c, SG_CODEC_ZSTD, 1, text, n, "large text");
	sg_codec_free(c);
	free(text);
}

static void
test_compress_errors(void **state)
{
	sg_codec *c = new_codec();
	unsigned char out[256];
	size_t len;
	sg_err e;

	(void)state;
	sg_err_clear(&e);
	/* an output buffer below the bound is refused, not overrun */
	assert_true(sg_codec_compress(c, SG_CODEC_ZSTD, 3, "abc", 3, out,
	    sg_codec_bound(SG_CODEC_ZSTD, 3) - 1, &len, &e) < 0);
	assert_true(sg_codec_compress(c, SG_CODEC_LZ4, 3, "abc", 3, out,
	    sg_codec_bound(SG_CODEC_LZ4, 3) - 1, &len, &e) < 0);
	assert_true(sg_codec_compress(c, 7, 3, "abc", 3, out, sizeof out, &len, &e) < 0);
	sg_codec_free(c);
}

/* --- the stored zstd frame ------------------------------------------------- */

static void
test_zstd_store(void **state)
{
	sg_codec *c = new_codec();
	size_t sizes[] = { 0, 1, 2, 1000, 128u << 10, (128u << 10) + 1, 256u << 10,
	    (300u << 10) + 7 };
	unsigned char *src = xmalloc(sizes[7]);
	sgt_rng r;
	size_t k;

	(void)state;
	sgt_rng_init(&r, "codec_zstd_store");
	fill_random(&r, src, sizes[7]);
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t n = sizes[k], bound = sg_codec_bound(SG_CODEC_ZSTD, n);
		size_t blocks = n == 0 ? 1 : (n + (128u << 10) - 1) / (128u << 10), len;
		unsigned char *dst = xmalloc(bound), *plain = xmalloc(n);

		len = sg_codec_zstd_store(src, n, dst, bound);
		/* header (magic, descriptor, 4-byte size), 3 bytes per block */
		assert_int_equal(len, 9 + 3 * blocks + n);
		assert_int_equal(ZSTD_getFrameContentSize(dst, len), n);
		assert_int_equal(ZSTD_findFrameCompressedSize(dst, len), len);
		assert_int_equal(ZSTD_decompress(plain, n, dst, len), n);
		if (n > 0)
			assert_memory_equal(plain, src, n);
		must_decode(c, SG_CODEC_ZSTD, dst, len, src, n, "stored frame");
		assert_true(sg_codec_zstd_is_stored(dst, len));
		/* too small an output: nothing written, 0 */
		assert_int_equal(sg_codec_zstd_store(src, n, dst, 9 + 3 * blocks + n - 1), 0);
		free(dst);
		free(plain);
	}
	free(src);
	sg_codec_free(c);
}

static void
test_zstd_is_stored(void **state)
{
	sg_codec *c = new_codec();
	size_t n = 50000;
	unsigned char *text = xmalloc(n), *z, *l;
	size_t zl, ll;
	sgt_rng r;

	(void)state;
	sgt_rng_init(&r, "codec_is_stored");
	fill_text(&r, text, n);
	zl = compress(c, SG_CODEC_ZSTD, 3, text, n, &z);
	ll = compress(c, SG_CODEC_LZ4, 1, text, n, &l);
	assert_false(sg_codec_zstd_is_stored(z, zl));
	assert_false(sg_codec_zstd_is_stored(l, ll));
	assert_false(sg_codec_zstd_is_stored("", 0));
	assert_false(sg_codec_zstd_is_stored("\x28\xB5\x2F", 3));
	assert_false(sg_codec_zstd_is_stored(text, n));
	free(z);
	free(l);
	free(text);
	sg_codec_free(c);
}

/* --- what decompress must refuse ----------------------------------------- */

/* A real bomb: 8 MiB of zeros squeezed into a few hundred bytes, declared
 * as 64 KiB. With the content size in the frame it disagrees at once;
 * without it, decoding must stop at 64 KiB, never writing past them. */
static void
test_bomb(void **state)
{
	sg_codec *c = new_codec();
	size_t big = 8u << 20, small = 64u << 10;
	unsigned char *zeros = calloc(1, big), *f;
	unsigned codec;
	int with_size;

	(void)state;
	assert_non_null(zeros);
	for (codec = SG_CODEC_ZSTD; codec <= SG_CODEC_LZ4; codec++) {
		for (with_size = 0; with_size <= 1; with_size++) {
			size_t len = frame_of(codec, zeros, big, with_size, &f);

			assert_true(len < big / 100);
			must_reject(c, codec, f, len, small, "8 MiB of zeros declared as 64 KiB");
			must_reject(c, codec, f, len, big - 1, "8 MiB of zeros less one");
			must_reject(c, codec, f, len, 0, "8 MiB of zeros declared empty");
			must_decode(c, codec, f, len, zeros, big, "8 MiB of zeros");
			free(f);
		}
	}
	/* and from sg_codec_compress itself, which writes the size */
	{
		size_t len = compress(c, SG_CODEC_ZSTD, 3, zeros, big, &f);

		must_reject(c, SG_CODEC_ZSTD, f, len, small, "sg zstd bomb");
		free(f);
		len = compress(c, SG_CODEC_LZ4, 1, zeros, big, &f);
		must_reject(c, SG_CODEC_LZ4, f, len, small, "sg lz4 bomb");
		free(f);
	}
	free(zeros);
	sg_codec_free(c);
}

/* Frames without a content size that decode to fewer or more bytes than
 * declared; frames whose content size disagrees with the declared size. */
static void
test_wrong_size(void **state)
{
	sg_codec *c = new_codec();
	size_t n = 5000;
	unsigned char *text = xmalloc(n), *f;
	unsigned codec;
	sgt_rng r;

	(void)state;
	sgt_rng_init(&r, "codec_wrong_size");
	fill_text(&r, text, n);
	for (codec = SG_CODEC_ZSTD; codec <= SG_CODEC_LZ4; codec++) {
		int with_size;

		for (with_size = 0; with_size <= 1; with_size++) {
			size_t len = frame_of(codec, text, n, with_size, &f);

			must_decode(c, codec, f, len, text, n, "frame of 5000");
			must_reject(c, codec, f, len, n + 1, "decodes to fewer bytes");
			must_reject(c, codec, f, len, n * 2, "decodes to far fewer bytes");
			must_reject(c, codec, f, len, n - 1, "decodes to more bytes");
			must_reject(c, codec, f, len, 1, "decodes to many more bytes");
			must_reject(c, codec, f, len, 0, "decodes to bytes, declared empty");
			free(f);
		}
		/* an empty frame declared non-empty (on a fresh codec object,
		 * see test_lz4_after_error) */
		{
			sg_codec *c2 = new_codec();
			size_t len = frame_of(codec, text, 0, 1, &f);

			must_decode(c2, codec, f, len, text, 0, "empty frame");
			must_reject(c2, codec, f, len, 1, "empty frame declared 1 byte");
			free(f);
			sg_codec_free(c2);
		}
	}
	/* the content size field of a stored frame, rewritten */
	{
		size_t bound = sg_codec_bound(SG_CODEC_ZSTD, n), len;
		unsigned char *s = xmalloc(bound);
		uint32_t v;

		len = sg_codec_zstd_store(text, n, s, bound);
		for (v = 0; v < 8; v++) {
			uint32_t fake = v < 4 ? (uint32_t)n + 1 + v : (uint32_t)n - 1 - v;

			sgt_set(s + 5, 4, fake);
			must_reject(c, SG_CODEC_ZSTD, s, len, n, "stored frame, content size changed");
			must_reject(c, SG_CODEC_ZSTD, s, len, fake, "stored frame, content size changed, "
			    "declared as that");
		}
		sgt_set(s + 5, 4, n);
		must_decode(c, SG_CODEC_ZSTD, s, len, text, n, "stored frame, size restored");
		free(s);
	}
	free(text);
	sg_codec_free(c);
}

/* Trailing bytes after the frame, and two frames back to back. */
static void
test_trailing_and_concatenated(void **state)
{
	sg_codec *c = new_codec();
	size_t n = 3000;
	unsigned char *text = xmalloc(n);
	unsigned codec;
	sgt_rng r;

	(void)state;
	sgt_rng_init(&r, "codec_trailing");
	fill_text(&r, text, n);
	for (codec = SG_CODEC_ZSTD; codec <= SG_CODEC_LZ4; codec++) {
		int with_size;

		for (with_size = 0; with_size <= 1; with_size++) {
			unsigned char *a, *b, *cat;
			size_t la = frame_of(codec, text, n / 2, with_size, &a);
			size_t lb = frame_of(codec, text + n / 2, n - n / 2, with_size, &b);
			size_t extra;

			cat = xmalloc(la + lb + 16);
			memcpy(cat, a, la);
			memcpy(cat + la, b, lb);
			must_reject(c, codec, cat, la + lb, n, "two frames");
			must_reject(c, codec, cat, la + lb, n / 2, "two frames, size of the first");
			/* the first frame alone is fine */
			must_decode(c, codec, cat, la, text, n / 2, "first frame");
			for (extra = 1; extra <= 16; extra *= 2) {
				memset(cat + la, 0, extra);
				must_reject(c, codec, cat, la + extra, n / 2, "trailing zeros");
				memcpy(cat + la, b, extra);
				must_reject(c, codec, cat, la + extra, n / 2,
				    "trailing start of another frame");
			}
			/* a zstd skippable frame after it is still trailing */
			sgt_set(cat + la, 4, 0x184D2A50);
			sgt_set(cat + la + 4, 4, 0);
			must_reject(c, codec, cat, la + 8, n / 2, "trailing skippable frame");
			free(a);
			free(b);
			free(cat);
		}
	}
	free(text);
	sg_codec_free(c);
}

static void
test_wrong_magic(void **state)
{
	sg_codec *c = new_codec();
	size_t n = 2000;
	unsigned char *text = xmalloc(n), *z, *l;
	size_t zl, ll, i;
	sgt_rng r;

	(void)state;
	sgt_rng_init(&r, "codec_wrong_magic");
	fill_text(&r, text, n);
	zl = compress(c, SG_CODEC_ZSTD, 3, text, n, &z);
	ll = compress(c, SG_CODEC_LZ4, 1, text, n, &l);
	/* each codec's frame handed to the other */
	must_reject(c, SG_CODEC_LZ4, z, zl, n, "zstd frame as lz4");
	must_reject(c, SG_CODEC_ZSTD, l, ll, n, "lz4 frame as zstd");
	/* every single bit of the magic */
	for (i = 0; i < 32; i++) {
		z[i / 8] ^= (unsigned char)(1u << i % 8);
		must_reject(c, SG_CODEC_ZSTD, z, zl, n, "magic bit flipped");
		z[i / 8] ^= (unsigned char)(1u << i % 8);
		l[i / 8] ^= (unsigned char)(1u << i % 8);
		must_reject(c, SG_CODEC_LZ4, l, ll, n, "magic bit flipped");
		l[i / 8] ^= (unsigned char)(1u << i % 8);
	}
	/* a skippable frame is not a payload */
	{
		unsigned char skip[16] = { 0 };

		sgt_set(skip, 4, 0x184D2A50);
		sgt_set(skip + 4, 4, 8);
		must_reject(c, SG_CODEC_ZSTD, skip, sizeof skip, 0, "skippable frame");
		must_reject(c, SG_CODEC_LZ4, skip, sizeof skip, 0, "skippable frame");
	}
	/* nothing, or less than a magic */
	must_reject(c, SG_CODEC_ZSTD, z, 0, 0, "no bytes");
	must_reject(c, SG_CODEC_LZ4, l, 0, 0, "no bytes");
	must_reject(c, SG_CODEC_ZSTD, z, 3, n, "3 bytes");
	must_reject(c, SG_CODEC_LZ4, l, 3, n, "3 bytes");
	/* unknown codecs, and codec none with a length mismatch */
	must_reject(c, 3, z, zl, n, "codec 3");
	must_reject(c, 255, z, zl, n, "codec 255");
	must_reject(c, SG_CODEC_NONE, text, n, n - 1, "none, stored != size");
	must_decode(c, SG_CODEC_NONE, text, n, text, n, "none");
	must_decode(c, SG_CODEC_ZSTD, z, zl, text, n, "intact zstd");
	must_decode(c, SG_CODEC_LZ4, l, ll, text, n, "intact lz4");
	free(z);
	free(l);
	free(text);
	sg_codec_free(c);
}

/* Every proper prefix of a frame is refused. */
static void
test_truncated(void **state)
{
	sg_codec *c = new_codec();
	size_t n = 1500, big = 200000;
	unsigned char *text = xmalloc(big), *rnd = xmalloc(n), *f;
	unsigned codec;
	sgt_rng r;

	(void)state;
	sgt_rng_init(&r, "codec_truncated");
	fill_text(&r, text, big);
	fill_random(&r, rnd, n);
	for (codec = SG_CODEC_ZSTD; codec <= SG_CODEC_LZ4; codec++) {
		const unsigned char *srcs[2] = { text, rnd };
		int with_size, s;

		for (s = 0; s < 2; s++) {
			for (with_size = 0; with_size <= 1; with_size++) {
				size_t len = frame_of(codec, srcs[s], n, with_size, &f), cut;

				for (cut = 0; cut < len; cut++)
					must_reject(c, codec, f, cut, n, "truncated");
				free(f);
			}
		}
		/* a larger frame, cut at random places */
		{
			size_t len = compress(c, codec, 3, text, big, &f);
			unsigned k;

			for (k = 0; k < 200; k++)
				must_reject(c, codec, f, (size_t)sgt_below(&r, len), big,
				    "large frame truncated");
			free(f);
		}
	}
	/* the stored frame too */
	{
		size_t bound = sg_codec_bound(SG_CODEC_ZSTD, n), len, cut;

		f = xmalloc(bound);
		len = sg_codec_zstd_store(rnd, n, f, bound);
		for (cut = 0; cut < len; cut++)
			must_reject(c, SG_CODEC_ZSTD, f, cut, n, "stored frame truncated");
		free(f);
	}
	free(text);
	free(rnd);
	sg_codec_free(c);
}

/* One flipped bit anywhere. zstd and lz4 frames as sg writes them carry
 * no content checksum, so a flip inside literal bytes can decode cleanly
 * to different bytes: that is what the frame's payload_sum is for. So the
 * honest checks are: never a write past size, an error is always SG_EDATA,
 * a success always yields exactly size bytes whose checksum tells them
 * from the original whenever they differ; flips in the magic and the
 * content size are always refused; and most flips are caught outright. */
static void
test_bit_flips(void **state)
{
	sg_codec *c = new_codec();
	size_t n = 20000;
	unsigned char *text = xmalloc(n);
	uint64_t sum;
	unsigned codec, it;
	sgt_rng r;

	(void)state;
	sgt_rng_init(&r, "codec_bit_flips");
	fill_text(&r, text, n);
	sum = sgt_xxh3(text, n);
	for (codec = SG_CODEC_ZSTD; codec <= SG_CODEC_LZ4; codec++) {
		unsigned char *f;
		size_t len = compress(c, codec, codec == SG_CODEC_ZSTD ? 19 : 9, text, n, &f);
		unsigned rejected = 0, differ = 0, same = 0, total = sgt_iters(800);

		for (it = 0; it < total; it++) {
			size_t bit = (size_t)sgt_below(&r, len * 8);
			unsigned char *out;
			sg_err e;
			int rc;

			f[bit / 8] ^= (unsigned char)(1u << bit % 8);
			rc = decode(c, codec, f, len, n, &out, &e);
			if (rc != 0) {
				if (rc != SG_EDATA)
					fail_msg("%s, bit %zu flipped: rc %d (%s)",
					    sg_frame_codec_name(codec), bit, rc, e.msg);
				rejected++;
			} else if (memcmp(out, text, n) != 0) {
				assert_true(sgt_xxh3(out, n) != sum);
				differ++;
			} else {
				same++;
			}
			free(out);
			f[bit / 8] ^= (unsigned char)(1u << bit % 8);
		}
		printf("[   INFO   ] %s: %u flips: %u refused, %u decoded to other bytes, "
		    "%u decoded to the same bytes\n", sg_frame_codec_name(codec), total,
		    rejected, differ, same);
		assert_true(rejected > 0);
		assert_int_equal(rejected + differ + same, total);
		must_decode(c, codec, f, len, text, n, "restored frame");
		free(f);
	}
	/* the stored frame: header flips are always refused (magic, size,
	 * descriptor, block header) except the descriptor's Unused_bit, which
	 * RFC 8878 tells decoders to ignore; payload flips decode to other
	 * bytes */
	{
		size_t bound = sg_codec_bound(SG_CODEC_ZSTD, n), len, bit;
		unsigned char *f = xmalloc(bound);

		len = sg_codec_zstd_store(text, n, f, bound);
		for (bit = 0; bit < 12 * 8; bit++) {
			if (bit == 4 * 8 + 4)
				continue;
			f[bit / 8] ^= (unsigned char)(1u << bit % 8);
			must_reject(c, SG_CODEC_ZSTD, f, len, n, "stored frame, header bit flipped");
			f[bit / 8] ^= (unsigned char)(1u << bit % 8);
		}
		for (it = 0; it < 100; it++) {
			unsigned char *out;
			sg_err e;

			bit = (size_t)sgt_range(&r, 12 * 8, len * 8 - 1);
			f[bit / 8] ^= (unsigned char)(1u << bit % 8);
			assert_int_equal(decode(c, SG_CODEC_ZSTD, f, len, n, &out, &e), 0);
			assert_true(sgt_xxh3(out, n) != sum);
			free(out);
			f[bit / 8] ^= (unsigned char)(1u << bit % 8);
		}
		free(f);
	}
	free(text);
	sg_codec_free(c);
}

/* A failed decode must not spoil the next one on the same codec object.
 * lz4 1.9's LZ4F_resetDecompressionContext() does not clear the frame's
 * remaining content size, so after a frame with a content size fails half
 * way, the next frame without one (an empty payload, which sg's own lz4
 * encoding writes without a size) fails with "frameSize_wrong". */
static void
test_lz4_after_error(void **state)
{
	sg_codec *c = new_codec();
	unsigned char src[1000], *sized, *empty, *nosize;
	size_t ls, le, ln;

	(void)state;
	memset(src, 'x', sizeof src);
	ls = compress(c, SG_CODEC_LZ4, 1, src, sizeof src, &sized);
	le = compress(c, SG_CODEC_LZ4, 1, src, 0, &empty);
	ln = lz4_frame(src, sizeof src, 0, &nosize);
	must_decode(c, SG_CODEC_LZ4, empty, le, src, 0, "empty payload, fresh codec");
	must_reject(c, SG_CODEC_LZ4, sized, ls - 5, sizeof src, "truncated frame");
	must_decode(c, SG_CODEC_LZ4, empty, le, src, 0, "empty payload after a failed decode");
	must_reject(c, SG_CODEC_LZ4, sized, ls, sizeof src - 1, "frame larger than declared");
	must_decode(c, SG_CODEC_LZ4, nosize, ln, src, sizeof src,
	    "frame without content size after a failed decode");
	free(sized);
	free(empty);
	free(nosize);
	sg_codec_free(c);
}

/* Random garbage after a valid magic, with random declared sizes. */
static void
test_garbage(void **state)
{
	sg_codec *c = new_codec();
	unsigned char buf[600];
	unsigned codec, it;
	sgt_rng r;

	(void)state;
	sgt_rng_init(&r, "codec_garbage");
	for (codec = SG_CODEC_ZSTD; codec <= SG_CODEC_LZ4; codec++) {
		for (it = 0; it < sgt_iters(2000); it++) {
			size_t len = (size_t)sgt_range(&r, 4, sizeof buf);
			size_t size = (size_t)sgt_below(&r, 70000);
			sg_err e;
			int rc;

			fill_random(&r, buf, len);
			sgt_set(buf, 4, codec == SG_CODEC_ZSTD ? 0xFD2FB528u : 0x184D2204u);
			rc = decode(c, codec, buf, len, size, NULL, &e);
			assert_true(rc == 0 || rc == SG_EDATA);
		}
	}
	sg_codec_free(c);
}

/* --- the probe --------------------------------------------------------- */

static void
test_probe(void **state)
{
	static const size_t sizes[] = { 4096, 5000, 16384, 65536, 300000, 1u << 20 };
	sg_codec *c = new_codec();
	size_t max = 1u << 20, k;
	unsigned char *buf = xmalloc(max);
	sgt_rng r;

	(void)state;
	sgt_rng_init(&r, "codec_probe");
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t n = sizes[k], i;
		unsigned t;

		for (t = 0; t < 5; t++) {
			fill_random(&r, buf, n);
			if (sg_codec_probe(c, buf, n) != 0)
				fail_msg("probe says compress %zu random bytes", n);
			fill_text(&r, buf, n);
			if (sg_codec_probe(c, buf, n) != 1)
				fail_msg("probe says store %zu bytes of text", n);
			for (i = 0; i < n; i++)
				buf[i] = (unsigned char)('a' + sgt_below(&r, 26));
			if (sg_codec_probe(c, buf, n) != 1)
				fail_msg("probe says store %zu random lowercase letters", n);
			/* random bytes with one long run of zeros in the middle:
			 * the samples must not miss what LZ4 would gain */
			fill_random(&r, buf, n);
			memset(buf + n / 8, 0, n - n / 4);
			if (sg_codec_probe(c, buf, n) != 1)
				fail_msg("probe says store %zu bytes, 3/4 zeros", n);
		}
	}
	/* below 64 bytes nothing pays for a codec's header */
	fill_text(&r, buf, 63);
	assert_int_equal(sg_codec_probe(c, buf, 63), 0);
	assert_int_equal(sg_codec_probe(c, buf, 0), 0);
	free(buf);
	sg_codec_free(c);
}

/* Random data of a few hundred bytes is no more worth compressing than a
 * megabyte of it, but the probe's entropy estimate of a small sample is
 * biased low (a 500-byte sample of 256 values cannot show 8 bits of
 * entropy per byte), so it says yes. zstd then gains nothing. */
static void
test_probe_small_random(void **state)
{
	static const size_t sizes[] = { 64, 256, 512, 768, 1024 };
	sg_codec *c = new_codec();
	unsigned char buf[1024], *f;
	sgt_rng r;
	size_t k;

	(void)state;
	sgt_rng_init(&r, "codec_probe_small_random");
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t n = sizes[k], len;

		fill_random(&r, buf, n);
		len = compress(c, SG_CODEC_ZSTD, 19, buf, n, &f);
		free(f);
		/* what the probe must predict: zstd saves nothing here */
		assert_true(len >= n);
		if (sg_codec_probe(c, buf, n) != 0)
			fail_msg("probe says compress %zu random bytes (zstd -19 makes %zu of them)",
			    n, len);
	}
	sg_codec_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_round_trip_large),
		cmocka_unit_test(test_compress_errors),
		cmocka_unit_test(test_zstd_store),
		cmocka_unit_test(test_zstd_is_stored),
		cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_wrong_size),
		cmocka_unit_test(test_trailing_and_concatenated),
		cmocka_unit_test(test_wrong_magic),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_lz4_after_error),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_probe_small_random),
	};

	return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
