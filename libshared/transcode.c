#include "transcode.h"

#include "sum.h"

int
sg_transcode_decode(sg_codec *c, const sg_frame_hdr *h, const unsigned char *stored,
		    sg_buf *out, const unsigned char **payload, sg_err *e)
{
	int rc;

	static unsigned char empty[1]; /* never written: size is 0 */

	if (h->size == 0 && h->codec != SG_CODEC_NONE) {
		/* Still a whole native frame, that must decode to nothing. */
		if ((rc = sg_codec_decompress(c, h->codec, stored, h->stored, empty, 0, e)) < 0)
			return rc;
		if (sg_sum(empty, 0) != h->payload_sum)
			return sg_err_set(e, SG_EDATA, "payload checksum mismatch after %s decoding",
			    sg_frame_codec_name(h->codec));
		*payload = empty;
		return 0;
	}
	if (h->codec == SG_CODEC_NONE) {
		/* The reader checked inline payloads already. */
		*payload = stored;
		return 0;
	}
	if ((h->flags & SG_FLAG_STORED) && h->codec == SG_CODEC_ZSTD &&
	    !sg_codec_zstd_is_stored(stored, h->stored))
		return sg_err_set(e, SG_EDATA, "frame flagged stored holds compressed zstd blocks");
	out->len = 0;
	if ((rc = sg_buf_reserve(out, h->size, e)) < 0)
		return rc;
	if ((rc = sg_codec_decompress(c, h->codec, stored, h->stored, out->p, h->size, e)) < 0)
		return rc;
	out->len = h->size;
	if (sg_sum(out->p, h->size) != h->payload_sum)
		return sg_err_set(e, SG_EDATA, "payload checksum mismatch after %s decoding",
		    sg_frame_codec_name(h->codec));
	*payload = out->p;
	return 0;
}

int
sg_transcode_plain_header(const sg_frame_hdr *h, sg_buf *out, sg_err *e)
{
	sg_frame_hdr p = *h;
	int rc;

	p.codec = SG_CODEC_NONE;
	p.stored = p.size;
	p.flags &= (uint16_t)~SG_FLAG_STORED;
	if ((rc = sg_buf_reserve(out, out->len + SG_FRAME_HDR_LEN, e)) < 0)
		return rc;
	sg_frame_encode(&p, out->p + out->len);
	out->len += SG_FRAME_HDR_LEN;
	return 0;
}

int
sg_transcode_encode_nocopy(sg_codec *c, const sg_encode_opts *o, const sg_frame_hdr *h,
			   const unsigned char *payload, sg_buf *out, sg_err *e)
{
	sg_frame_hdr n = *h;
	size_t at = out->len;
	int rc;

	if (!o->adaptive || o->codec != SG_CODEC_ZSTD || sg_codec_probe(c, payload, h->size))
		return sg_transcode_encode(c, o, h, payload, out, e);
	n.codec = SG_CODEC_ZSTD;
	n.flags |= SG_FLAG_STORED;
	n.stored = (uint32_t)sg_codec_zstd_store_len(h->size);
	if ((rc = sg_buf_reserve(out, at + SG_FRAME_HDR_LEN +
	    SG_CODEC_ZSTD_STORE_HEADS(h->size), e)) < 0)
		return rc;
	sg_frame_encode(&n, out->p + at);
	out->len = at + SG_FRAME_HDR_LEN +
	    sg_codec_zstd_store_heads(h->size, out->p + at + SG_FRAME_HDR_LEN);
	return 1;
}

int
sg_transcode_stored_iov(const sg_buf *out, const unsigned char *payload, size_t n,
			struct iovec *iov)
{
	int cnt = sg_codec_zstd_store_iov(payload, n, out->p + SG_FRAME_HDR_LEN, iov + 1);

	/* The sg header goes out first, on its own. */
	iov[0].iov_base = out->p;
	iov[0].iov_len = SG_FRAME_HDR_LEN;
	return cnt + 1;
}

int
sg_transcode_encode(sg_codec *c, const sg_encode_opts *o, const sg_frame_hdr *h,
		    const unsigned char *payload, sg_buf *out, sg_err *e)
{
	sg_frame_hdr n = *h;
	size_t at = out->len, len = 0, bound;
	unsigned char *dst;
	int rc;

	if (o->codec == SG_CODEC_NONE) {
		if ((rc = sg_transcode_plain_header(h, out, e)) < 0)
			return rc;
		return sg_buf_append(out, payload, h->size, e);
	}
	bound = sg_codec_bound(o->codec, h->size);
	if ((rc = sg_buf_reserve(out, at + SG_FRAME_HDR_LEN + bound, e)) < 0)
		return rc;
	dst = out->p + at + SG_FRAME_HDR_LEN;
	n.codec = (uint8_t)o->codec;
	n.flags &= (uint16_t)~SG_FLAG_STORED;
	if (o->adaptive && o->codec == SG_CODEC_ZSTD && !sg_codec_probe(c, payload, h->size)) {
		len = sg_codec_zstd_store(payload, h->size, dst, bound);
		n.flags |= SG_FLAG_STORED;
	} else {
		if ((rc = sg_codec_compress(c, o->codec, o->level, payload, h->size, dst,
		    bound, &len, e)) < 0)
			return rc;
		/* A chunk the probe let through but zstd could not shrink
		 * below raw blocks: store it. */
		if (o->adaptive && o->codec == SG_CODEC_ZSTD &&
		    len > sg_codec_zstd_store_len(h->size)) {
			len = sg_codec_zstd_store(payload, h->size, dst, bound);
			n.flags |= SG_FLAG_STORED;
		}
	}
	if (len == 0 || len > SG_FRAME_STORED_MAX)
		return sg_err_set(e, SG_EINTERNAL, "encoded payload of %zu bytes", len);
	n.stored = (uint32_t)len;
	sg_frame_encode(&n, out->p + at);
	out->len = at + SG_FRAME_HDR_LEN + len;
	return 0;
}
