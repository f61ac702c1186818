/* frame.h: the sg frame format, version 1 (normative text: man/sg-frame.5).
 *
 * Every frame opens with a zstd/LZ4 skippable frame, so stock `zstd -d` and
 * `lz4 -d` step over sg's headers. All integers are little-endian.
 *
 *   off size field        meaning
 *   --- ---- ------------ ------------------------------------------------
 *     0    4 magic        0x184D2A53, a skippable-frame magic
 *     4    4 frame_size   bytes of the skippable frame after this field:
 *                         hdr_len - 8, plus `stored` when the payload is
 *                         inline (codec none)
 *     8    2 hdr_len      header bytes from offset 0; 64 in v1, at most 4096;
 *                         readers ignore bytes past the fields they know
 *    10    1 version      1
 *    11    1 type         1 BEGIN, 2 DATA, 3 END, 4 PROGRESS; others: skip
 *    12    1 codec        0 none (payload inline), 1 zstd, 2 lz4 (payload is
 *                         one native frame right after the skippable frame)
 *    13    1 reserved     0
 *    14    2 flags        SG_FLAG_*
 *    16    4 source       source index within the stream, from 0
 *    20    4 context      leading payload bytes repeated from earlier in the
 *                         source (overlap, repeated header): not new bytes
 *    24    8 seq          frame number within the source: BEGIN is 0
 *    32    8 offset       source offset of the first new payload byte
 *    40    4 size         decoded payload length
 *    44    4 stored       payload length on the wire
 *    48    8 payload_sum  XXH3-64 of the decoded payload
 *    56    8 header_sum   XXH3-64 (seed 0) of bytes 0..55, then used as the
 *                         seed of XXH3-64 over bytes 64..hdr_len-1
 *
 * BEGIN, END and PROGRESS payloads are metadata (meta.h), always inline.
 */
#ifndef SG_FRAME_H
#define SG_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SG_FRAME_MAGIC 0x184D2A53u
#define SG_FRAME_VERSION 1
#define SG_FRAME_HDR_LEN 64        /* the v1 header, as written */
#define SG_FRAME_HDR_MAX 4096      /* the largest header a reader accepts */
#define SG_FRAME_PAYLOAD_MAX (64u << 20) /* the largest decoded payload */
/* The largest encoded payload: room for a codec's worst-case expansion. */
#define SG_FRAME_STORED_MAX (SG_FRAME_PAYLOAD_MAX + (SG_FRAME_PAYLOAD_MAX >> 7) + 65536u)
#define SG_FRAME_META_MAX 65536u   /* the largest BEGIN/END/PROGRESS payload */

/* zstd and LZ4 both treat 0x184D2A50..0x184D2A5F as skippable frames. */
#define SG_SKIPPABLE_MASK 0xFFFFFFF0u
#define SG_SKIPPABLE_BASE 0x184D2A50u

enum sg_frame_type {
	SG_TYPE_BEGIN = 1,
	SG_TYPE_DATA = 2,
	SG_TYPE_END = 3,
	SG_TYPE_PROGRESS = 4,
};

enum sg_codec_id {
	SG_CODEC_NONE = 0,
	SG_CODEC_ZSTD = 1,
	SG_CODEC_LZ4 = 2,
};

enum sg_frame_flag {
	SG_FLAG_OVERSIZE = 1u << 0,  /* DATA: the chunk ends inside a record */
	SG_FLAG_OVERLAP = 1u << 1,   /* DATA: `context` bytes repeat the previous chunk */
	SG_FLAG_HEADER = 1u << 2,    /* DATA: `context` bytes repeat the header record */
	SG_FLAG_LAST = 1u << 3,      /* END: the last source of this stream */
	SG_FLAG_STORED = 1u << 4,    /* DATA: the codec frame stores the payload
	                              * uncompressed (zstd raw blocks), as chosen
	                              * by sg-encode -c auto */
	SG_FLAG_ARRAY = 1u << 5,     /* DATA: the chunk starts or ends inside a
	                              * top-level JSON array: it holds whole
	                              * elements with the array's brackets and
	                              * commas that fall in it (sg-chunk -s json) */
	SG_FLAG_RESUMED = 1u << 6,   /* BEGIN: the stream resumes here (sg-chunk
	                              * --resume): the sink holds the sources
	                              * before it, and when this BEGIN repeats one
	                              * it holds, the frames up to the next DATA;
	                              * readers accept that one jump in source,
	                              * seq and offset, and skip END's totals */
};
#define SG_FLAG_KNOWN 0x007Fu

typedef struct sg_frame_hdr {
	uint16_t hdr_len;
	uint8_t version;
	uint8_t type;
	uint8_t codec;
	uint16_t flags;
	uint32_t source;
	uint32_t context;
	uint64_t seq;
	uint64_t offset;
	uint32_t size;
	uint32_t stored;
	uint64_t payload_sum;
} sg_frame_hdr;

/* Whether the payload travels inside the skippable frame. */
static inline int
sg_frame_inline(const sg_frame_hdr *h)
{
	return h->codec == SG_CODEC_NONE;
}

/* Bytes of one whole frame on the wire: header plus payload. */
static inline uint64_t
sg_frame_wire_len(const sg_frame_hdr *h)
{
	return (uint64_t)h->hdr_len + h->stored;
}

/* Serialize h into out[SG_FRAME_HDR_LEN] as a v1 header, filling in magic,
 * frame_size, hdr_len, version and header_sum. */
void sg_frame_encode(const sg_frame_hdr *h, unsigned char out[SG_FRAME_HDR_LEN]);

/* The first 8 bytes of a frame: magic and skippable length. Returns 0, or
 * SG_EDATA when the magic is not sg's. */
int sg_frame_peek(const unsigned char p[8], uint32_t *frame_size, sg_err *e);

/* Parse and check a whole header of n bytes (n must be at least the hdr_len
 * it declares; call with 10 bytes first to learn hdr_len via
 * sg_frame_hdr_len()). Checks magic, header checksum, version, type limits,
 * lengths and frame_size. Does not touch the payload. Errors carry no
 * position; the caller adds the frame number and offset. */
int sg_frame_decode(const unsigned char *p, size_t n, sg_frame_hdr *h, sg_err *e);

/* hdr_len from the first 10 bytes, or SG_EDATA if it is out of range. */
int sg_frame_hdr_len(const unsigned char p[10], uint16_t *hdr_len, sg_err *e);

/* Names for --list and messages: "begin", "data", "end", "progress",
 * "unknown"; "none", "zstd", "lz4", "unknown". */
const char *sg_frame_type_name(unsigned type);
const char *sg_frame_codec_name(unsigned codec);

/* Little-endian load and store. */
static inline uint16_t sg_le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t
sg_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t sg_le64(const unsigned char *p) { return sg_le32(p) | (uint64_t)sg_le32(p + 4) << 32; }
static inline void sg_put16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static inline void
sg_put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}
static inline void sg_put64(unsigned char *p, uint64_t v) { sg_put32(p, (uint32_t)v); sg_put32(p + 4, (uint32_t)(v >> 32)); }

#endif
