/* transcode.h: what sg-encode and sg-decode do to one DATA frame, on a
 * worker thread: decode its payload whatever the codec, checksum included,
 * and encode it again with another codec (or as an NDJSON line).
 */
#ifndef SG_TRANSCODE_H
#define SG_TRANSCODE_H

#include <stdint.h>

#include "buf.h"
#include "codec.h"
#include "err.h"
#include "frame.h"

typedef struct sg_encode_opts {
	unsigned codec;   /* SG_CODEC_NONE, _ZSTD or _LZ4 */
	int level;        /* 1..19 */
	int adaptive;     /* -c auto: zstd, or stored when the probe says so */
} sg_encode_opts;

/* The decoded payload of a frame whose header is h and whose h->stored
 * payload bytes are at stored: for codec none, stored itself, unchecked
 * (the reader, or the caller, checks inline payloads); otherwise decoded
 * into out and checked against the header's checksum. *payload points at
 * the h->size bytes (never NULL). Returns 0 or SG_EDATA (SG_ENOMEM). */
int sg_transcode_decode(sg_codec *c, const sg_frame_hdr *h, const unsigned char *stored,
			sg_buf *out, const unsigned char **payload, sg_err *e);

/* Append to out a DATA frame equal to h with its payload (h->size bytes,
 * already decoded) encoded as o says: the new header, then the payload. */
int sg_transcode_encode(sg_codec *c, const sg_encode_opts *o, const sg_frame_hdr *h,
			const unsigned char *payload, sg_buf *out, sg_err *e);

/* The same, except that a chunk -c auto stores is not copied: only its
 * headers (the new sg header, the zstd frame and block headers) are
 * appended to out, and the return is 1. sg_transcode_stored_iov() then
 * lists the frame's pieces (at most SG_TRANSCODE_IOV_MAX) from out and the
 * payload, for writev. Returns 0 when out holds a whole frame. */
int sg_transcode_encode_nocopy(sg_codec *c, const sg_encode_opts *o, const sg_frame_hdr *h,
			       const unsigned char *payload, sg_buf *out, sg_err *e);
int sg_transcode_stored_iov(const sg_buf *out, const unsigned char *payload, size_t n,
			    struct iovec *iov);
#define SG_TRANSCODE_IOV_MAX (2 * (SG_FRAME_PAYLOAD_MAX / (128u << 10)) + 3)

/* Append the header of h as a codec none frame (payload to follow). */
int sg_transcode_plain_header(const sg_frame_hdr *h, sg_buf *out, sg_err *e);

#endif
