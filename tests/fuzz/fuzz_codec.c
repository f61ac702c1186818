/* Fuzz target: codec.c, decompression of hostile payloads and round trips.
 *
 * Input layout: byte 0 picks the codec (bit 0: zstd or lz4), whether to
 * put a valid magic in front (bit 1: the fuzzer then starts past the magic
 * check), and a compression level (bits 2..5); bytes 1..3 are the declared
 * size (little-endian, reduced to at most 1 MiB); the rest is the payload.
 *
 * 1. sg_codec_decompress() into a buffer of exactly the declared size
 *    (ASan sees any write past it) returns 0 or SG_EDATA; when it accepts
 *    the payload, the stock library decodes the same frame to the same
 *    bytes.
 * 2. Round trip: the payload compressed with zstd, lz4 and the stored zstd
 *    frame decompresses to exactly the payload.
 *
 * The decoding of hostile input and the round trips use two codec objects,
 * each reused across runs as sg-decode's workers reuse theirs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lz4frame.h>
#include <zstd.h>

#include "codec.h"
#include "frame.h"

#define MAX_SIZE (1u << 20)

static sg_codec *hostile, *trip;

/* The stock library's reading of src as one frame of exactly size bytes:
 * 0 and the bytes in out, or -1. */
static int
stock_decode(unsigned codec, const uint8_t *src, size_t n, uint8_t *out, size_t size)
{
	if (codec == SG_CODEC_ZSTD) {
		size_t r = ZSTD_decompress(out, size, src, n);

		if (ZSTD_isError(r) || r != size)
			return -1;
		return ZSTD_findFrameCompressedSize(src, n) == n ? 0 : -1;
	} else {
		LZ4F_dctx *d;
		size_t in = n, outn = size, hint;
		int ok;

		if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
			abort();
		hint = LZ4F_decompress(d, out, &outn, src, &in, NULL);
		ok = !LZ4F_isError(hint) && hint == 0 && in == n && outn == size;
		LZ4F_freeDecompressionContext(d);
		return ok ? 0 : -1;
	}
}

static void
decode_hostile(unsigned codec, const uint8_t *src, size_t n, size_t size)
{
	uint8_t *dst = malloc(size ? size : 1), *ref;
	sg_err e;
	int rc;

	if (dst == NULL)
		abort();
	sg_err_clear(&e);
	rc = sg_codec_decompress(hostile, codec, src, n, dst, size, &e);
	if (rc != 0 && rc != SG_EDATA)
		abort();
	if (rc != 0 && e.code != rc)
		abort();
	if (rc == 0) {
		/* accepted: the stock decoder agrees, byte for byte */
		ref = malloc(size ? size : 1);
		if (ref == NULL)
			abort();
		if (stock_decode(codec, src, n, ref, size) != 0 ||
		    (size > 0 && memcmp(ref, dst, size) != 0))
			abort();
		free(ref);
	}
	free(dst);
}

static void
round_trip(unsigned codec, int level, const uint8_t *src, size_t n)
{
	/* codec none stands for the stored zstd frame here */
	size_t bound = sg_codec_bound(codec == SG_CODEC_NONE ? SG_CODEC_ZSTD : codec, n);
	size_t len = 0;
	uint8_t *enc = malloc(bound), *dec = malloc(n ? n : 1);
	sg_err e;

	if (enc == NULL || dec == NULL)
		abort();
	sg_err_clear(&e);
	if (codec == SG_CODEC_NONE) {
		/* the stored zstd frame */
		len = sg_codec_zstd_store(src, n, enc, bound);
		if (len == 0 || !sg_codec_zstd_is_stored(enc, len))
			abort();
		codec = SG_CODEC_ZSTD;
	} else if (sg_codec_compress(trip, codec, level, src, n, enc, bound, &len, &e) != 0) {
		abort();
	}
	if (len == 0 || len > bound)
		abort();
	if (sg_codec_decompress(trip, codec, enc, len, dec, n, &e) != 0)
		abort();
	if (n > 0 && memcmp(dec, src, n) != 0)
		abort();
	free(enc);
	free(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned codec, mode;
	size_t declared, n;
	const uint8_t *payload;
	uint8_t *framed;
	int level;

	if (hostile == NULL && ((hostile = sg_codec_new()) == NULL ||
	    (trip = sg_codec_new()) == NULL))
		abort();
	if (size < 4)
		return 0;
	mode = data[0];
	codec = mode & 1 ? SG_CODEC_LZ4 : SG_CODEC_ZSTD;
	level = 1 + (int)((mode >> 2) & 15); /* 1..16 */
	declared = ((size_t)data[1] | (size_t)data[2] << 8 | (size_t)data[3] << 16) %
	    (MAX_SIZE + 1);
	payload = data + 4;
	n = size - 4;

	/* 1. hostile payloads */
	if (mode & 2) {
		framed = malloc(n + 4);
		if (framed == NULL)
			abort();
		sg_put32(framed, codec == SG_CODEC_ZSTD ? 0xFD2FB528u : 0x184D2204u);
		memcpy(framed + 4, payload, n);
		decode_hostile(codec, framed, n + 4, declared);
		free(framed);
	} else {
		decode_hostile(codec, payload, n, declared);
	}
	/* the same bytes with the other codec too, and with the size the
	 * frame itself claims, where the fuzzer is likeliest to get far */
	decode_hostile(codec == SG_CODEC_ZSTD ? SG_CODEC_LZ4 : SG_CODEC_ZSTD, payload, n,
	    declared);
	if (codec == SG_CODEC_ZSTD) {
		unsigned long long fcs = ZSTD_getFrameContentSize(payload, n);

		if (fcs <= MAX_SIZE && fcs != declared)
			decode_hostile(codec, payload, n, (size_t)fcs);
	}

	/* 2. round trips of the payload (zstd levels kept low for speed) */
	round_trip(SG_CODEC_ZSTD, level > 9 ? level - 8 : level, payload, n);
	round_trip(SG_CODEC_LZ4, level, payload, n);
	round_trip(SG_CODEC_NONE, 0, payload, n);
	return 0;
}
