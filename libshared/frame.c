#include "frame.h"

#include <string.h>

#include "sum.h"

/* header_sum skips its own 8 bytes: hash 0..55, then the extension bytes. */
static uint64_t
header_sum(const unsigned char *p, size_t hdr_len)
{
	uint64_t s = sg_sum(p, 56);

	if (hdr_len > SG_FRAME_HDR_LEN)
		s = sg_sum_seeded(p + SG_FRAME_HDR_LEN, hdr_len - SG_FRAME_HDR_LEN, s);
	return s;
}

void
sg_frame_encode(const sg_frame_hdr *h, unsigned char out[SG_FRAME_HDR_LEN])
{
	uint32_t frame_size = SG_FRAME_HDR_LEN - 8;

	if (sg_frame_inline(h))
		frame_size += h->stored;
	sg_put32(out + 0, SG_FRAME_MAGIC);
	sg_put32(out + 4, frame_size);
	sg_put16(out + 8, SG_FRAME_HDR_LEN);
	out[10] = SG_FRAME_VERSION;
	out[11] = h->type;
	out[12] = h->codec;
	out[13] = 0;
	sg_put16(out + 14, h->flags);
	sg_put32(out + 16, h->source);
	sg_put32(out + 20, h->context);
	sg_put64(out + 24, h->seq);
	sg_put64(out + 32, h->offset);
	sg_put32(out + 40, h->size);
	sg_put32(out + 44, h->stored);
	sg_put64(out + 48, h->payload_sum);
	sg_put64(out + 56, header_sum(out, SG_FRAME_HDR_LEN));
}

int
sg_frame_peek(const unsigned char p[8], uint32_t *frame_size, sg_err *e)
{
	uint32_t magic = sg_le32(p);

	if (magic != SG_FRAME_MAGIC) {
		if ((magic & SG_SKIPPABLE_MASK) == SG_SKIPPABLE_BASE)
			return sg_err_set(e, SG_EDATA,
			    "foreign skippable frame (magic 0x%08X), not an sg frame", magic);
		return sg_err_set(e, SG_EDATA, "bad magic 0x%08X: not an sg frame", magic);
	}
	*frame_size = sg_le32(p + 4);
	return 0;
}

int
sg_frame_hdr_len(const unsigned char p[10], uint16_t *hdr_len, sg_err *e)
{
	uint16_t n = sg_le16(p + 8);

	if (n < SG_FRAME_HDR_LEN || n > SG_FRAME_HDR_MAX)
		return sg_err_set(e, SG_EDATA,
		    "header length %u out of range %u..%u", n,
		    SG_FRAME_HDR_LEN, SG_FRAME_HDR_MAX);
	*hdr_len = n;
	return 0;
}

/* Limits that depend on the frame type, checked before any payload is read. */
static int
check_lengths(const sg_frame_hdr *h, uint32_t frame_size, sg_err *e)
{
	uint64_t want = (uint64_t)h->hdr_len - 8;

	if (h->size > SG_FRAME_PAYLOAD_MAX)
		return sg_err_set(e, SG_EDATA, "payload size %u exceeds the limit %u",
		    h->size, SG_FRAME_PAYLOAD_MAX);
	if (h->stored > SG_FRAME_STORED_MAX)
		return sg_err_set(e, SG_EDATA, "stored size %u exceeds the limit %u",
		    h->stored, SG_FRAME_STORED_MAX);
	if (h->type != SG_TYPE_DATA) {
		if (h->codec != SG_CODEC_NONE)
			return sg_err_set(e, SG_EDATA, "%s frame with codec %u",
			    sg_frame_type_name(h->type), h->codec);
		if (h->size > SG_FRAME_META_MAX)
			return sg_err_set(e, SG_EDATA,
			    "%s payload of %u bytes exceeds the limit %u",
			    sg_frame_type_name(h->type), h->size, SG_FRAME_META_MAX);
	}
	if (h->codec == SG_CODEC_NONE && h->stored != h->size)
		return sg_err_set(e, SG_EDATA, "stored size %u differs from size %u with codec none",
		    h->stored, h->size);
	if (h->context > h->size)
		return sg_err_set(e, SG_EDATA, "context %u exceeds payload size %u",
		    h->context, h->size);
	if (sg_frame_inline(h))
		want += h->stored;
	if (want != frame_size)
		return sg_err_set(e, SG_EDATA, "skippable frame size %u does not match the header (%llu)",
		    frame_size, (unsigned long long)want);
	return 0;
}

int
sg_frame_decode(const unsigned char *p, size_t n, sg_frame_hdr *h, sg_err *e)
{
	uint32_t frame_size;
	int rc;

	if (n < SG_FRAME_HDR_LEN)
		return sg_err_set(e, SG_EINTERNAL, "short header buffer");
	if ((rc = sg_frame_peek(p, &frame_size, e)) < 0)
		return rc;
	if ((rc = sg_frame_hdr_len(p, &h->hdr_len, e)) < 0)
		return rc;
	if (n < h->hdr_len)
		return sg_err_set(e, SG_EINTERNAL, "short header buffer");
	if (sg_le64(p + 56) != header_sum(p, h->hdr_len))
		return sg_err_set(e, SG_EDATA, "header checksum mismatch");
	h->version = p[10];
	h->type = p[11];
	h->codec = p[12];
	h->flags = sg_le16(p + 14);
	h->source = sg_le32(p + 16);
	h->context = sg_le32(p + 20);
	h->seq = sg_le64(p + 24);
	h->offset = sg_le64(p + 32);
	h->size = sg_le32(p + 40);
	h->stored = sg_le32(p + 44);
	h->payload_sum = sg_le64(p + 48);
	if (h->version != SG_FRAME_VERSION)
		return sg_err_set(e, SG_EDATA, "unsupported frame version %u (this reader knows %u)",
		    h->version, SG_FRAME_VERSION);
	if (p[13] != 0)
		return sg_err_set(e, SG_EDATA, "reserved header byte is %u, not 0", p[13]);
	return check_lengths(h, frame_size, e);
}

const char *
sg_frame_type_name(unsigned type)
{
	switch (type) {
	case SG_TYPE_BEGIN: return "begin";
	case SG_TYPE_DATA: return "data";
	case SG_TYPE_END: return "end";
	case SG_TYPE_PROGRESS: return "progress";
	default: return "unknown";
	}
}

const char *
sg_frame_codec_name(unsigned codec)
{
	switch (codec) {
	case SG_CODEC_NONE: return "none";
	case SG_CODEC_ZSTD: return "zstd";
	case SG_CODEC_LZ4: return "lz4";
	default: return "unknown";
	}
}
