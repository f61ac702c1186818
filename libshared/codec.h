/* codec.h: compressing and decompressing one DATA payload.
 *
 * Each encoded payload is one complete native frame, so a stream of them
 * is a valid .zst or .lz4 file:
 *   zstd  one zstd frame (RFC 8878) with its content size;
 *   lz4   one LZ4 frame with its content size, linked blocks;
 *   zstd, stored: one zstd frame of raw (uncompressed) blocks, written by
 *         sg_codec_zstd_store(), for payloads not worth compressing.
 * Decompression never writes or allocates past the declared payload size,
 * so a decompression bomb fails as soon as it overflows.
 *
 * An sg_codec holds one thread's compression contexts, reused for every
 * payload: give each worker its own.
 */
#ifndef SG_CODEC_H
#define SG_CODEC_H

#include <stddef.h>
#include <sys/uio.h>

#include "err.h"

#define SG_CODEC_LEVEL_DEFAULT 3     /* zstd's default (lz4's is 1, its fast mode) */
#define SG_CODEC_LEVEL_MAX 19

typedef struct sg_codec sg_codec;

sg_codec *sg_codec_new(void);        /* NULL when out of memory */
void sg_codec_free(sg_codec *c);

/* Parse a codec name: "none", "zstd", "lz4" (SG_CODEC_* from frame.h).
 * Returns 0, or SG_EUSAGE for anything else. */
int sg_codec_parse(const char *name, unsigned *codec, sg_err *e);

/* The largest encoded size of n bytes with codec (zstd, lz4 or a stored
 * zstd frame), for sizing the output buffer. */
size_t sg_codec_bound(unsigned codec, size_t n);

/* Compress src[0..n) with codec at level (1..19; lz4 uses its fast mode
 * below 3 and LZ4HC from 3, capped at 12) into dst[0..cap). Sets *out_len
 * and returns 0, or a negative SG_E* code. cap must be at least
 * sg_codec_bound(codec, n). */
int sg_codec_compress(sg_codec *c, unsigned codec, int level, const void *src,
		      size_t n, void *dst, size_t cap, size_t *out_len, sg_err *e);

/* Write src[0..n) as a zstd frame of raw blocks (no compression) into
 * dst[0..cap), cap >= sg_codec_bound(SG_CODEC_ZSTD, n). Returns its length. */
size_t sg_codec_zstd_store(const void *src, size_t n, void *dst, size_t cap);

/* The same frame without copying src: sg_codec_zstd_store_heads() writes
 * its headers (the frame header, then one 3-byte header per 128 KiB block)
 * into heads[0..len) and returns len; sg_codec_zstd_store_iov() then lists
 * the pieces in order, pointing into heads and src (at most
 * 2 * blocks + 1 of them) and returns their count. Raw blocks put the
 * payload 3 bytes off any alignment, where memcpy is at its slowest. */
size_t sg_codec_zstd_store_heads(size_t n, unsigned char *heads);
int sg_codec_zstd_store_iov(const void *src, size_t n, const unsigned char *heads,
			    struct iovec *iov);
#define SG_CODEC_ZSTD_STORE_HEADS(n) (9u + 3u * ((n) / (128u << 10) + 1u))

/* The exact length sg_codec_zstd_store() gives n bytes. */
size_t sg_codec_zstd_store_len(size_t n);

/* Whether a zstd frame holds only raw blocks (as sg_codec_zstd_store()
 * writes). Checks the block headers only, not the contents. */
int sg_codec_zstd_is_stored(const void *src, size_t n);

/* Decode src[0..stored), which must be exactly one native frame of codec,
 * into exactly size bytes at dst. Returns 0, or SG_EDATA when the frame is
 * malformed, declares another size, decodes to more or fewer than size
 * bytes, or carries trailing bytes; SG_ENOMEM when a context cannot be
 * allocated. The checksum of the result is the caller's to check. */
int sg_codec_decompress(sg_codec *c, unsigned codec, const void *src, size_t stored,
			void *dst, size_t size, sg_err *e);

/* The auto codec's probe: whether src[0..n) looks worth compressing. It
 * samples at most 64 KiB, estimates order-0 entropy and LZ4's gain on the
 * samples, and says no when neither would save 3%. Costs well under a
 * millisecond (bench/ measures it). */
int sg_codec_probe(sg_codec *c, const void *src, size_t n);

#endif
