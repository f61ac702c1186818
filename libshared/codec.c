#include "codec.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lz4.h>
#include <lz4frame.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "frame.h"

/* A zstd raw block holds at most 128 KiB (the format's Block_Maximum_Size). */
#define ZSTD_RAW_BLOCK_MAX (128u << 10)
#define ZSTD_STORE_HDR 9u               /* magic, descriptor, 4-byte content size */
#define ZSTD_MAGIC 0xFD2FB528u
#define ZSTD_DFAST_TABLE_LOG 18
#define LZ4_MAGIC 0x184D2204u

/* Probe: sample slices, and the gain below which a chunk is stored. */
#define PROBE_SLICE 4096u
#define PROBE_SLICES 16u
#define PROBE_KEEP 0.97
#define PROBE_ENTROPY_MIN 4096u

struct sg_codec {
	ZSTD_CCtx *zc;
	ZSTD_DCtx *zd;
	LZ4F_cctx *lc;
	LZ4F_dctx *ld;
	int zc_level;                  /* level zc is set to, 0 for none yet */
	char probe_out[LZ4_COMPRESSBOUND(PROBE_SLICE)];
};

sg_codec *
sg_codec_new(void)
{
	return calloc(1, sizeof(sg_codec));
}

void
sg_codec_free(sg_codec *c)
{
	if (c == NULL)
		return;
	ZSTD_freeCCtx(c->zc);
	ZSTD_freeDCtx(c->zd);
	LZ4F_freeCompressionContext(c->lc);
	LZ4F_freeDecompressionContext(c->ld);
	free(c);
}

int
sg_codec_parse(const char *name, unsigned *codec, sg_err *e)
{
	static const unsigned ids[] = { SG_CODEC_NONE, SG_CODEC_ZSTD, SG_CODEC_LZ4 };
	size_t i;

	for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		if (strcmp(name, sg_frame_codec_name(ids[i])) == 0) {
			*codec = ids[i];
			return 0;
		}
	}
	return sg_err_set(e, SG_EUSAGE, "unknown codec '%s' (none, zstd, lz4)", name);
}

size_t
sg_codec_zstd_store_len(size_t n)
{
	size_t blocks = n == 0 ? 1 : (n + ZSTD_RAW_BLOCK_MAX - 1) / ZSTD_RAW_BLOCK_MAX;

	return ZSTD_STORE_HDR + 3 * blocks + n;
}

static LZ4F_preferences_t
lz4_prefs(int level, size_t n)
{
	LZ4F_preferences_t p;

	memset(&p, 0, sizeof p);
	p.frameInfo.blockSizeID = LZ4F_max4MB;
	p.frameInfo.blockMode = LZ4F_blockLinked;
	p.frameInfo.contentSize = n;
	/* LZ4F: 0..2 are the fast mode, 3..12 are LZ4HC. */
	p.compressionLevel = level < 3 ? 0 : level > 12 ? 12 : level;
	return p;
}

size_t
sg_codec_bound(unsigned codec, size_t n)
{
	size_t b = sg_codec_zstd_store_len(n);

	if (codec == SG_CODEC_ZSTD) {
		size_t z = ZSTD_compressBound(n);
		return z > b ? z : b;
	}
	if (codec == SG_CODEC_LZ4) {
		LZ4F_preferences_t p = lz4_prefs(1, n);
		return LZ4F_compressFrameBound(n, &p);
	}
	return n;
}

static int
zstd_compress(sg_codec *c, int level, const void *src, size_t n, void *dst,
	      size_t cap, size_t *out_len, sg_err *e)
{
	size_t r;

	if (c->zc == NULL && (c->zc = ZSTD_createCCtx()) == NULL)
		return sg_err_set(e, SG_ENOMEM, "out of memory for a zstd context");
	if (c->zc_level != level) {
		r = ZSTD_CCtx_setParameter(c->zc, ZSTD_c_compressionLevel, level);
		if (ZSTD_isError(r))
			return sg_err_set(e, SG_EUSAGE, "zstd level %d: %s", level,
			    ZSTD_getErrorName(r));
		/* Each chunk starts with no history. At level 3, zstd's
		 * double-fast match finder gets level 4's 2^18-entry tables:
		 * on 1 MiB chunks of text that wins back about 1% of output
		 * for a few percent of speed. */
		if (level == 3) {
			ZSTD_CCtx_setParameter(c->zc, ZSTD_c_hashLog, ZSTD_DFAST_TABLE_LOG);
			ZSTD_CCtx_setParameter(c->zc, ZSTD_c_chainLog, ZSTD_DFAST_TABLE_LOG);
		}
		c->zc_level = level;
	}
	r = ZSTD_compress2(c->zc, dst, cap, src, n);
	if (ZSTD_isError(r))
		return sg_err_set(e, SG_EINTERNAL, "zstd: %s", ZSTD_getErrorName(r));
	*out_len = r;
	return 0;
}

static int
lz4_compress(sg_codec *c, int level, const void *src, size_t n, void *dst,
	     size_t cap, size_t *out_len, sg_err *e)
{
	LZ4F_preferences_t p = lz4_prefs(level, n);
	unsigned char *o = dst;
	size_t r, done;

	if (c->lc == NULL && LZ4F_isError(LZ4F_createCompressionContext(&c->lc, LZ4F_VERSION)))
		return sg_err_set(e, SG_ENOMEM, "out of memory for an lz4 context");
	/* Begin, one update, end: the context and its buffers are reused. */
	r = LZ4F_compressBegin(c->lc, o, cap, &p);
	if (LZ4F_isError(r))
		goto fail;
	done = r;
	r = LZ4F_compressUpdate(c->lc, o + done, cap - done, src, n, NULL);
	if (LZ4F_isError(r))
		goto fail;
	done += r;
	r = LZ4F_compressEnd(c->lc, o + done, cap - done, NULL);
	if (LZ4F_isError(r))
		goto fail;
	*out_len = done + r;
	return 0;
fail:
	return sg_err_set(e, SG_EINTERNAL, "lz4: %s", LZ4F_getErrorName(r));
}

int
sg_codec_compress(sg_codec *c, unsigned codec, int level, const void *src, size_t n,
		  void *dst, size_t cap, size_t *out_len, sg_err *e)
{
	if (cap < sg_codec_bound(codec, n))
		return sg_err_set(e, SG_EINTERNAL, "codec output buffer too small");
	switch (codec) {
	case SG_CODEC_ZSTD:
		return zstd_compress(c, level, src, n, dst, cap, out_len, e);
	case SG_CODEC_LZ4:
		return lz4_compress(c, level, src, n, dst, cap, out_len, e);
	default:
		return sg_err_set(e, SG_EINTERNAL, "cannot compress with codec %u", codec);
	}
}

size_t
sg_codec_zstd_store_heads(size_t n, unsigned char *heads)
{
	unsigned char *o = heads;
	size_t done = 0;

	/* Frame header: single segment (window = content), 4-byte content
	 * size, no checksum (sg's own covers the payload), no dictionary. */
	sg_put32(o, ZSTD_MAGIC);
	o[4] = 0xA0;
	sg_put32(o + 5, (uint32_t)n);
	o += ZSTD_STORE_HDR;
	do {
		size_t len = n - done < ZSTD_RAW_BLOCK_MAX ? n - done : ZSTD_RAW_BLOCK_MAX;
		/* Block header: Last_Block (bit 0), Block_Type 0 = raw, size. */
		uint32_t bh = (uint32_t)len << 3 | (done + len == n);

		o[0] = (unsigned char)bh;
		o[1] = (unsigned char)(bh >> 8);
		o[2] = (unsigned char)(bh >> 16);
		o += 3;
		done += len;
	} while (done < n);
	return (size_t)(o - heads);
}

int
sg_codec_zstd_store_iov(const void *src, size_t n, const unsigned char *heads,
			struct iovec *iov)
{
	const unsigned char *s = src;
	size_t done = 0;
	int cnt = 0;

	/* The frame header travels with the first block header. */
	iov[cnt].iov_base = (void *)heads;
	iov[cnt++].iov_len = ZSTD_STORE_HDR + 3;
	heads += ZSTD_STORE_HDR + 3;
	for (;;) {
		size_t len = n - done < ZSTD_RAW_BLOCK_MAX ? n - done : ZSTD_RAW_BLOCK_MAX;

		if (len != 0) {
			iov[cnt].iov_base = (void *)(s + done);
			iov[cnt++].iov_len = len;
		}
		done += len;
		if (done >= n)
			return cnt;
		iov[cnt].iov_base = (void *)heads;
		iov[cnt++].iov_len = 3;
		heads += 3;
	}
}

size_t
sg_codec_zstd_store(const void *src, size_t n, void *dst, size_t cap)
{
	unsigned char heads[SG_CODEC_ZSTD_STORE_HEADS(SG_FRAME_STORED_MAX)];
	struct iovec iov[2 * (SG_FRAME_STORED_MAX / ZSTD_RAW_BLOCK_MAX + 1) + 1];
	unsigned char *o = dst;
	int cnt, i;

	if (cap < sg_codec_zstd_store_len(n) || n > SG_FRAME_PAYLOAD_MAX)
		return 0;
	sg_codec_zstd_store_heads(n, heads);
	cnt = sg_codec_zstd_store_iov(src, n, heads, iov);
	for (i = 0; i < cnt; i++) {
		memcpy(o, iov[i].iov_base, iov[i].iov_len);
		o += iov[i].iov_len;
	}
	return (size_t)(o - (unsigned char *)dst);
}

int
sg_codec_zstd_is_stored(const void *src, size_t n)
{
	static const unsigned char did_len[4] = { 0, 1, 2, 4 }, fcs_len[4] = { 0, 2, 4, 8 };
	const unsigned char *p = src;
	unsigned fhd;
	size_t pos;

	if (n < 5 || sg_le32(p) != ZSTD_MAGIC)
		return 0;
	/* The frame header's length, from its descriptor byte. */
	fhd = p[4];
	pos = 5 + !(fhd & 0x20) + did_len[fhd & 3] +
	    ((fhd >> 6) == 0 ? (fhd & 0x20) != 0 : fcs_len[fhd >> 6]);
	while (pos + 3 <= n) {
		uint32_t bh = (uint32_t)p[pos] | (uint32_t)p[pos + 1] << 8 |
		    (uint32_t)p[pos + 2] << 16;

		if (((bh >> 1) & 3) != 0)
			return 0;
		pos += 3 + (bh >> 3);
		if (bh & 1)
			return 1;
	}
	return 0;
}

#define BAD(...) sg_err_set(e, SG_EDATA, __VA_ARGS__)

static int
zstd_decompress(sg_codec *c, const void *src, size_t stored, void *dst, size_t size,
		sg_err *e)
{
	unsigned long long declared;
	size_t r;

	if (stored < 4 || sg_le32(src) != ZSTD_MAGIC)
		return BAD("zstd payload does not start with a zstd frame");
	declared = ZSTD_getFrameContentSize(src, stored);
	if (declared == ZSTD_CONTENTSIZE_ERROR)
		return BAD("zstd payload has a malformed frame header");
	if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != size)
		return BAD("zstd frame declares %llu bytes, the header %zu", declared, size);
	r = ZSTD_findFrameCompressedSize(src, stored);
	if (ZSTD_isError(r))
		return BAD("zstd payload is not one whole frame: %s", ZSTD_getErrorName(r));
	if (r != stored)
		return BAD("zstd frame ends after %zu of its %zu stored bytes", r, stored);
	if (c->zd == NULL && (c->zd = ZSTD_createDCtx()) == NULL)
		return sg_err_set(e, SG_ENOMEM, "out of memory for a zstd context");
	/* Into a flat buffer of exactly size bytes: a frame that would
	 * produce more fails with dstSize_tooSmall, and nothing larger is
	 * ever allocated. */
	r = ZSTD_decompressDCtx(c->zd, dst, size, src, stored);
	if (ZSTD_isError(r)) {
		if (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall)
			return BAD("zstd payload decodes to more than its %zu bytes", size);
		return BAD("zstd payload is corrupt: %s", ZSTD_getErrorName(r));
	}
	if (r != size)
		return BAD("zstd payload decodes to %zu bytes, not %zu", r, size);
	return 0;
}

static int
lz4_decompress(sg_codec *c, const void *src, size_t stored, void *dst, size_t size,
	       sg_err *e)
{
	const unsigned char *in = src;
	unsigned char *out = dst;
	size_t in_done = 0, out_done = 0, hint = 1;
	LZ4F_decompressOptions_t opt = { .stableDst = 1 };
	LZ4F_frameInfo_t info;

	if (stored < 4 || sg_le32(src) != LZ4_MAGIC)
		return BAD("lz4 payload does not start with an LZ4 frame");
	if (c->ld == NULL && LZ4F_isError(LZ4F_createDecompressionContext(&c->ld, LZ4F_VERSION)))
		return sg_err_set(e, SG_ENOMEM, "out of memory for an lz4 context");
	{
		size_t n = stored;

		hint = LZ4F_getFrameInfo(c->ld, &info, in, &n);
		if (LZ4F_isError(hint))
			return BAD("lz4 payload has a malformed frame header: %s",
			    LZ4F_getErrorName(hint));
		in_done = n;
	}
	if (info.contentSize != 0 && info.contentSize != size)
		return BAD("lz4 frame declares %llu bytes, the header %zu",
		    (unsigned long long)info.contentSize, size);
	while (hint != 0) {
		size_t n_in = stored - in_done, n_out = size - out_done;

		if (n_out == 0) {
			/* Full, but the frame goes on: see whether it would
			 * produce more, into a scratch byte. */
			unsigned char extra;

			n_out = 1;
			hint = LZ4F_decompress(c->ld, &extra, &n_out, in + in_done, &n_in, &opt);
			if (!LZ4F_isError(hint) && n_out > 0)
				return BAD("lz4 payload decodes to more than its %zu bytes", size);
			if (LZ4F_isError(hint))
				return BAD("lz4 payload is corrupt: %s", LZ4F_getErrorName(hint));
			in_done += n_in;
			if (n_in == 0 && hint != 0)
				return BAD("lz4 frame ends early (truncated)");
			continue;
		}
		hint = LZ4F_decompress(c->ld, out + out_done, &n_out, in + in_done, &n_in, &opt);
		if (LZ4F_isError(hint))
			return BAD("lz4 payload is corrupt: %s", LZ4F_getErrorName(hint));
		in_done += n_in;
		out_done += n_out;
		if (hint != 0 && n_in == 0 && n_out == 0)
			return BAD("lz4 frame ends early (truncated)");
	}
	if (in_done != stored)
		return BAD("lz4 frame ends after %zu of its %zu stored bytes", in_done, stored);
	if (out_done != size)
		return BAD("lz4 payload decodes to %zu bytes, not %zu", out_done, size);
	return 0;
}

int
sg_codec_decompress(sg_codec *c, unsigned codec, const void *src, size_t stored,
		    void *dst, size_t size, sg_err *e)
{
	int rc;

	switch (codec) {
	case SG_CODEC_ZSTD:
		return zstd_decompress(c, src, stored, dst, size, e);
	case SG_CODEC_LZ4:
		if ((rc = lz4_decompress(c, src, stored, dst, size, e)) < 0) {
			/* lz4 1.9.4's reset keeps part of a failed frame's
			 * state: start the next frame with a new context. */
			LZ4F_freeDecompressionContext(c->ld);
			c->ld = NULL;
		}
		return rc;
	case SG_CODEC_NONE:
		if (stored != size)
			return BAD("stored size %zu differs from size %zu", stored, size);
		memcpy(dst, src, size);
		return 0;
	default:
		return BAD("unknown codec %u", codec);
	}
}

/* Order-0 entropy of the histogram, as a fraction of 8 bits per byte: the
 * size a Huffman stage alone could reach. */
static double
entropy_ratio(const uint32_t hist[256], size_t n)
{
	double bits = 0;
	int i;

	for (i = 0; i < 256; i++) {
		if (hist[i] != 0) {
			double p = (double)hist[i] / (double)n;
			bits -= (double)hist[i] * log2(p);
		}
	}
	return bits / (8.0 * (double)n);
}

int
sg_codec_probe(sg_codec *c, const void *src, size_t n)
{
	const unsigned char *s = src;
	uint32_t hist[256] = { 0 };
	size_t slices, step, i, j, sampled = 0, packed = 0;

	if (n < 64)
		return 0; /* too small for any codec to pay for its header */
	slices = n / PROBE_SLICE < PROBE_SLICES ? n / PROBE_SLICE : PROBE_SLICES;
	if (slices == 0)
		slices = 1;
	step = slices > 1 ? (n - PROBE_SLICE) / (slices - 1) : 0;
	for (i = 0; i < slices; i++) {
		const unsigned char *p = s + i * step;
		size_t len = n - i * step < PROBE_SLICE ? n - i * step : PROBE_SLICE;
		int out;

		for (j = 0; j < len; j++)
			hist[p[j]]++;
		out = LZ4_compress_default((const char *)p, c->probe_out, (int)len,
		    (int)sizeof c->probe_out);
		packed += out > 0 ? (size_t)out : len;
		sampled += len;
	}
	if ((double)packed < PROBE_KEEP * (double)sampled)
		return 1;
	/* Below a few KiB the entropy of a sample reads low even for random
	 * bytes (most byte values are never seen): trust LZ4 alone there. */
	return sampled >= PROBE_ENTROPY_MIN && entropy_ratio(hist, sampled) < PROBE_KEEP;
}
