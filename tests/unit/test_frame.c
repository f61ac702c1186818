/* test_frame.c: the v1 frame header (frame.h) against its field table.
 *
 * Headers are built here field by field from the table in frame.h, with the
 * header checksum computed by libxxhash directly (sgtest.c), so that both
 * sg_frame_encode() and sg_frame_decode() are checked against the spec and
 * not against each other.
 */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

/* Every field of the wire header, including those encode fills in. */
typedef struct spec_hdr {
	uint32_t magic, frame_size;
	uint16_t hdr_len;
	uint8_t version, type, codec, reserved;
	uint16_t flags;
	uint32_t source, context;
	uint64_t seq, offset;
	uint32_t size, stored;
	uint64_t payload_sum;
} spec_hdr;

/* Write s at the offsets of the table in frame.h and seal it. p must hold
 * s->hdr_len bytes when hdr_len > 64; bytes 64.. are left as they are. */
static void
spec_build(unsigned char *p, const spec_hdr *s)
{
	sgt_set(p + 0, 4, s->magic);
	sgt_set(p + 4, 4, s->frame_size);
	sgt_set(p + 8, 2, s->hdr_len);
	p[10] = s->version;
	p[11] = s->type;
	p[12] = s->codec;
	p[13] = s->reserved;
	sgt_set(p + 14, 2, s->flags);
	sgt_set(p + 16, 4, s->source);
	sgt_set(p + 20, 4, s->context);
	sgt_set(p + 24, 8, s->seq);
	sgt_set(p + 32, 8, s->offset);
	sgt_set(p + 40, 4, s->size);
	sgt_set(p + 44, 4, s->stored);
	sgt_set(p + 48, 8, s->payload_sum);
	/* an out-of-range hdr_len is sealed over the 64 bytes written */
	sgt_seal(p, s->hdr_len < 64 || s->hdr_len > SG_FRAME_HDR_MAX ? 64 : s->hdr_len);
}

/* A valid inline DATA header of n payload bytes. */
static spec_hdr
spec_data(uint32_t n)
{
	spec_hdr s = {
		.magic = 0x184D2A53u, .frame_size = 56 + n, .hdr_len = 64,
		.version = 1, .type = 2, .codec = 0, .size = n, .stored = n,
		.seq = 1, .offset = 0, .payload_sum = 0x0123456789ABCDEFu,
	};
	return s;
}

/* The frame_size that the spec requires for s. */
static uint32_t
spec_frame_size(const spec_hdr *s)
{
	return (uint32_t)(s->hdr_len - 8 + (s->codec == 0 ? s->stored : 0));
}

/* Decode with room past the header, so that a changed hdr_len is judged by
 * the decoder and not refused as a short buffer. */
static unsigned char big[SG_FRAME_HDR_MAX + 64];

static int
decode_big(const unsigned char *hdr, size_t n, sg_frame_hdr *h, sg_err *e)
{
	memset(big, 0, sizeof big);
	memcpy(big, hdr, n);
	sg_err_clear(e);
	return sg_frame_decode(big, sizeof big, h, e);
}

static void
expect_reject(const spec_hdr *s, const char *why)
{
	unsigned char p[SG_FRAME_HDR_MAX] = { 0 };
	sg_frame_hdr h;
	sg_err e;
	int rc;

	spec_build(p, s);
	rc = decode_big(p, sizeof p, &h, &e);
	if (rc != SG_EDATA)
		fail_msg("expected SG_EDATA (%s), got %d", why, rc);
	assert_int_equal(e.code, SG_EDATA);
	if (strstr(e.msg, why) == NULL)
		fail_msg("message \"%s\" does not mention \"%s\"", e.msg, why);
}

static void
expect_accept(const spec_hdr *s, sg_frame_hdr *out)
{
	unsigned char p[SG_FRAME_HDR_MAX] = { 0 };
	sg_frame_hdr h;
	sg_err e;
	int rc;

	spec_build(p, s);
	sg_err_clear(&e);
	rc = sg_frame_decode(p, s->hdr_len, &h, &e);
	if (rc != 0)
		fail_msg("valid header rejected: %s", e.msg);
	if (out != NULL)
		*out = h;
}

/* A random header that the spec says is valid. */
static spec_hdr
random_valid(sgt_rng *r)
{
	static const uint8_t types[] = { 1, 2, 3, 4, 0, 5, 200, 255 };
	spec_hdr s = spec_data(0);

	s.type = types[sgt_below(r, sizeof types)];
	s.flags = (uint16_t)sgt_next(r);
	s.source = sgt_chance(r, 20) ? UINT32_MAX : (uint32_t)sgt_below(r, 1000);
	s.seq = sgt_chance(r, 20) ? UINT64_MAX : sgt_next(r) >> sgt_below(r, 64);
	s.offset = sgt_chance(r, 20) ? UINT64_MAX : sgt_next(r) >> sgt_below(r, 64);
	s.payload_sum = sgt_next(r);
	if (s.type == 2) {
		static const uint8_t codecs[] = { 0, 1, 2, 9 };

		s.codec = codecs[sgt_below(r, sizeof codecs)];
		s.size = sgt_chance(r, 10) ? SG_FRAME_PAYLOAD_MAX :
		    (uint32_t)sgt_below(r, SG_FRAME_PAYLOAD_MAX + 1u);
		if (s.codec == 0)
			s.stored = s.size;
		else
			s.stored = sgt_chance(r, 10) ? SG_FRAME_STORED_MAX :
			    (uint32_t)sgt_below(r, SG_FRAME_STORED_MAX + 1u);
	} else {
		s.codec = 0;
		s.size = s.stored = sgt_chance(r, 10) ? 65536u : (uint32_t)sgt_below(r, 65537);
	}
	s.context = s.size == 0 ? 0 : (uint32_t)sgt_below(r, (uint64_t)s.size + 1);
	s.frame_size = spec_frame_size(&s);
	return s;
}

static sg_frame_hdr
to_api(const spec_hdr *s)
{
	sg_frame_hdr h = {
		.hdr_len = s->hdr_len, .version = s->version, .type = s->type,
		.codec = s->codec, .flags = s->flags, .source = s->source,
		.context = s->context, .seq = s->seq, .offset = s->offset,
		.size = s->size, .stored = s->stored, .payload_sum = s->payload_sum,
	};
	return h;
}

static void
assert_same_fields(const sg_frame_hdr *a, const spec_hdr *s)
{
	assert_int_equal(a->hdr_len, s->hdr_len);
	assert_int_equal(a->version, s->version);
	assert_int_equal(a->type, s->type);
	assert_int_equal(a->codec, s->codec);
	assert_int_equal(a->flags, s->flags);
	assert_int_equal(a->source, s->source);
	assert_int_equal(a->context, s->context);
	assert_int_equal(a->seq, s->seq);
	assert_int_equal(a->offset, s->offset);
	assert_int_equal(a->size, s->size);
	assert_int_equal(a->stored, s->stored);
	assert_int_equal(a->payload_sum, s->payload_sum);
}

/* sg_frame_encode writes exactly the bytes of the field table. */
static void
test_encode_matches_spec(void **state)
{
	sgt_rng r;
	unsigned i;

	(void)state;
	sgt_rng_init(&r, "encode_matches_spec");
	for (i = 0; i < sgt_iters(20000); i++) {
		spec_hdr s = random_valid(&r);
		sg_frame_hdr h = to_api(&s);
		unsigned char want[64], got[64];

		/* encode fills in magic, frame_size, hdr_len and version
		 * itself: what the caller puts there must not matter */
		h.hdr_len = (uint16_t)sgt_next(&r);
		h.version = (uint8_t)sgt_next(&r);
		spec_build(want, &s);
		memset(got, 0xA5, sizeof got);
		sg_frame_encode(&h, got);
		assert_memory_equal(got, want, 64);
	}
}

/* A known header, byte by byte, so a field table mistake shared by the
 * builder above and frame.c would still show. */
static void
test_encode_literal(void **state)
{
	static const unsigned char want56[56] = {
		0x53, 0x2A, 0x4D, 0x18,             /* magic 0x184D2A53 */
		0x3B, 0x00, 0x00, 0x00,             /* frame_size 56 + 3 */
		0x40, 0x00,                         /* hdr_len 64 */
		0x01, 0x02, 0x00, 0x00,             /* version, DATA, none, 0 */
		0x09, 0x00,                         /* flags OVERSIZE|LAST */
		0x02, 0x00, 0x00, 0x00,             /* source 2 */
		0x01, 0x00, 0x00, 0x00,             /* context 1 */
		0x07, 0, 0, 0, 0, 0, 0, 0,          /* seq 7 */
		0x00, 0x01, 0, 0, 0, 0, 0, 0,       /* offset 256 */
		0x03, 0, 0, 0,                      /* size 3 */
		0x03, 0, 0, 0,                      /* stored 3 */
		0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* payload_sum */
	};
	sg_frame_hdr h = {
		.type = SG_TYPE_DATA, .codec = SG_CODEC_NONE,
		.flags = SG_FLAG_OVERSIZE | SG_FLAG_LAST, .source = 2, .context = 1,
		.seq = 7, .offset = 256, .size = 3, .stored = 3,
		.payload_sum = 0x1122334455667788u,
	};
	unsigned char got[64];

	(void)state;
	sg_frame_encode(&h, got);
	assert_memory_equal(got, want56, 56);
	assert_int_equal(sgt_get(got + 56, 8), sgt_xxh3(want56, 56));
}

/* decode(encode(h)) gives back every field. */
static void
test_roundtrip_fields(void **state)
{
	sgt_rng r;
	unsigned i;

	(void)state;
	sgt_rng_init(&r, "roundtrip_fields");
	for (i = 0; i < sgt_iters(20000); i++) {
		spec_hdr s = random_valid(&r);
		sg_frame_hdr h = to_api(&s), back;
		unsigned char p[64];
		sg_err e;

		sg_frame_encode(&h, p);
		sg_err_clear(&e);
		memset(&back, 0xEE, sizeof back);
		if (sg_frame_decode(p, sizeof p, &back, &e) != 0)
			fail_msg("round trip %u rejected: %s", i, e.msg);
		assert_same_fields(&back, &s);
		assert_int_equal(sg_frame_wire_len(&back), 64u + s.stored);
		assert_int_equal(sg_frame_inline(&back), s.codec == 0);
	}
}

/* Any one bit flipped anywhere in an encoded header is refused. */
static void
test_single_bit_flips(void **state)
{
	sgt_rng r;
	unsigned i, bit;

	(void)state;
	sgt_rng_init(&r, "single_bit_flips");
	for (i = 0; i < 40; i++) {
		spec_hdr s = random_valid(&r);
		sg_frame_hdr h = to_api(&s);
		unsigned char p[64];

		sg_frame_encode(&h, p);
		for (bit = 0; bit < 64 * 8; bit++) {
			unsigned char q[64];
			sg_frame_hdr out;
			sg_err e;
			int rc;

			memcpy(q, p, sizeof q);
			q[bit / 8] ^= (unsigned char)(1u << (bit % 8));
			rc = decode_big(q, sizeof q, &out, &e);
			if (rc != SG_EDATA)
				fail_msg("header %u: flip of bit %u accepted (rc %d)", i, bit, rc);
			if (bit < 32 && strstr(e.msg, "magic") == NULL)
				fail_msg("flip in the magic: \"%s\"", e.msg);
			if (bit >= 32 && strstr(e.msg, "checksum") == NULL &&
			    strstr(e.msg, "header length") == NULL)
				fail_msg("flip of bit %u: \"%s\"", bit, e.msg);
		}
	}
}

static void
test_hdr_len_range(void **state)
{
	static const struct { unsigned v; int ok; } cases[] = {
		{ 0, 0 }, { 8, 0 }, { 63, 0 }, { 64, 1 }, { 65, 1 }, { 4095, 1 },
		{ 4096, 1 }, { 4097, 0 }, { 8192, 0 }, { 0xFFFF, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned char p[10] = { 0x53, 0x2A, 0x4D, 0x18, 0, 0, 0, 0 };
		uint16_t n = 0xBEEF;
		sg_err e;
		int rc;

		sgt_set(p + 8, 2, cases[i].v);
		sg_err_clear(&e);
		rc = sg_frame_hdr_len(p, &n, &e);
		if (cases[i].ok) {
			assert_int_equal(rc, 0);
			assert_int_equal(n, cases[i].v);
		} else {
			assert_int_equal(rc, SG_EDATA);
			assert_int_equal(n, 0xBEEF);
			assert_non_null(strstr(e.msg, "out of range"));
		}
	}
	/* and through decode, with a valid checksum over 64 bytes */
	{
		spec_hdr s = spec_data(0);

		s.hdr_len = 63;
		s.frame_size = 55;
		expect_reject(&s, "header length");
		s.hdr_len = 4097;
		s.frame_size = 4097 - 8;
		expect_reject(&s, "header length");
		s.hdr_len = 0xFFFF;
		s.frame_size = 0xFFFF - 8;
		expect_reject(&s, "header length");
	}
}

static void
test_version(void **state)
{
	static const uint8_t bad[] = { 0, 2, 3, 0x81, 255 };
	spec_hdr s = spec_data(5);
	size_t i;

	(void)state;
	expect_accept(&s, NULL);
	for (i = 0; i < sizeof bad; i++) {
		s.version = bad[i];
		expect_reject(&s, "version");
	}
}

static void
test_reserved_byte(void **state)
{
	spec_hdr s = spec_data(5);

	(void)state;
	s.reserved = 1;
	expect_reject(&s, "reserved");
	s.reserved = 0x80;
	expect_reject(&s, "reserved");
}

/* codec none: the payload is inline, so stored must equal size. */
static void
test_codec_none_stored(void **state)
{
	spec_hdr s = spec_data(100);

	(void)state;
	s.stored = 101;
	s.frame_size = spec_frame_size(&s);
	expect_reject(&s, "differs");
	s.stored = 99;
	s.frame_size = spec_frame_size(&s);
	expect_reject(&s, "differs");
	s.stored = 0;
	s.frame_size = spec_frame_size(&s);
	expect_reject(&s, "differs");
	/* a codec may store more or fewer bytes than it decodes to */
	s.codec = 1;
	s.stored = 7;
	s.frame_size = spec_frame_size(&s);
	expect_accept(&s, NULL);
	s.stored = 1000;
	expect_accept(&s, NULL);
}

/* BEGIN, END, PROGRESS and unknown types carry inline metadata only. */
static void
test_non_data_limits(void **state)
{
	static const uint8_t types[] = { 1, 3, 4, 0, 9, 255 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof types; i++) {
		spec_hdr s = spec_data(10);
		sg_frame_hdr h;

		s.type = types[i];
		expect_accept(&s, &h);
		assert_int_equal(h.type, types[i]);
		s.codec = 1;
		s.frame_size = spec_frame_size(&s);
		expect_reject(&s, "codec");
		s.codec = 2;
		expect_reject(&s, "codec");
		s.codec = 0;
		s.size = s.stored = 65536;
		s.frame_size = spec_frame_size(&s);
		expect_accept(&s, NULL);
		s.size = s.stored = 65537;
		s.frame_size = spec_frame_size(&s);
		expect_reject(&s, "exceeds");
	}
	/* DATA may be larger */
	{
		spec_hdr s = spec_data(65537);

		expect_accept(&s, NULL);
	}
}

static void
test_payload_limits(void **state)
{
	spec_hdr s;

	(void)state;
	s = spec_data(SG_FRAME_PAYLOAD_MAX);
	expect_accept(&s, NULL);
	s = spec_data(SG_FRAME_PAYLOAD_MAX + 1);
	expect_reject(&s, "payload size");
	/* a declared 4 GiB payload, inline: frame_size wraps as a uint32 */
	s = spec_data(UINT32_MAX);
	expect_reject(&s, "payload size");
	s.frame_size = 0xFFFFFFFFu;
	expect_reject(&s, "payload size");
	/* with a codec: decoded and stored sizes are each bounded */
	s = spec_data(100);
	s.codec = 1;
	s.stored = SG_FRAME_STORED_MAX;
	s.frame_size = 56;
	expect_accept(&s, NULL);
	s.stored = SG_FRAME_STORED_MAX + 1;
	expect_reject(&s, "stored size");
	s.stored = UINT32_MAX;
	expect_reject(&s, "stored size");
	s.stored = 50;
	s.size = UINT32_MAX;
	expect_reject(&s, "payload size");
}

static void
test_frame_size_mismatch(void **state)
{
	static const int64_t delta[] = { -1, 1, 8, -8, 64, 1 << 20 };
	spec_hdr s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof delta / sizeof delta[0]; i++) {
		s = spec_data(300);
		s.frame_size = (uint32_t)((int64_t)s.frame_size + delta[i]);
		expect_reject(&s, "skippable frame size");
	}
	s = spec_data(300);
	s.frame_size = 0;
	expect_reject(&s, "skippable frame size");
	s.frame_size = UINT32_MAX;
	expect_reject(&s, "skippable frame size");
	/* a zstd payload lies after the skippable frame, outside frame_size */
	s = spec_data(300);
	s.codec = 1;
	s.stored = 200;
	s.frame_size = 56 + 200;
	expect_reject(&s, "skippable frame size");
	s.frame_size = 56;
	expect_accept(&s, NULL);
}

static void
test_context(void **state)
{
	spec_hdr s = spec_data(10);

	(void)state;
	s.context = 10;
	expect_accept(&s, NULL);
	s.context = 11;
	expect_reject(&s, "context");
	s.context = UINT32_MAX;
	expect_reject(&s, "context");
}

/* Other skippable magics belong to someone else; other magics to no one. */
static void
test_magic(void **state)
{
	unsigned m;
	size_t i;
	static const uint32_t other[] = {
		0xFD2FB528u, /* a zstd frame */
		0x184D2204u, /* an LZ4 frame */
		0, 0xFFFFFFFFu, 0x384D2A53u, 0x184D2A43u, 0x184C2A53u,
	};

	(void)state;
	for (m = 0x184D2A50u; m <= 0x184D2A5Fu; m++) {
		unsigned char p[8];
		uint32_t fs = 0xDEAD;
		sg_err e;
		int rc;

		sgt_set(p, 4, m);
		sgt_set(p + 4, 4, 1234);
		sg_err_clear(&e);
		rc = sg_frame_peek(p, &fs, &e);
		if (m == SG_FRAME_MAGIC) {
			assert_int_equal(rc, 0);
			assert_int_equal(fs, 1234);
		} else {
			spec_hdr s = spec_data(3);

			assert_int_equal(rc, SG_EDATA);
			assert_int_equal(fs, 0xDEAD);
			assert_non_null(strstr(e.msg, "foreign skippable"));
			s.magic = m;
			expect_reject(&s, "foreign skippable");
		}
	}
	for (i = 0; i < sizeof other / sizeof other[0]; i++) {
		spec_hdr s = spec_data(3);

		s.magic = other[i];
		expect_reject(&s, "bad magic");
	}
}

/* hdr_len > 64: the extra bytes are skipped but covered by header_sum. */
static void
test_extension_header(void **state)
{
	static const uint16_t lens[] = { 65, 72, 100, 1000, 4095, 4096 };
	sgt_rng r;
	size_t i, k;

	(void)state;
	sgt_rng_init(&r, "extension_header");
	for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		unsigned char p[SG_FRAME_HDR_MAX];
		spec_hdr s = spec_data(1234);
		sg_frame_hdr h;
		sg_err e;
		unsigned bit;

		s.hdr_len = lens[i];
		s.frame_size = spec_frame_size(&s);
		for (k = 64; k < lens[i]; k++)
			p[k] = (unsigned char)sgt_next(&r);
		spec_build(p, &s);
		sg_err_clear(&e);
		if (sg_frame_decode(p, lens[i], &h, &e) != 0)
			fail_msg("hdr_len %u rejected: %s", lens[i], e.msg);
		assert_same_fields(&h, &s);
		assert_int_equal(sg_frame_wire_len(&h), (uint64_t)lens[i] + 1234);

		/* every bit of the extension is covered */
		for (bit = 64 * 8; bit < lens[i] * 8u; bit += (lens[i] > 200 ? 7 : 1)) {
			p[bit / 8] ^= (unsigned char)(1u << (bit % 8));
			sg_err_clear(&e);
			if (sg_frame_decode(p, lens[i], &h, &e) != SG_EDATA ||
			    strstr(e.msg, "checksum") == NULL)
				fail_msg("hdr_len %u: flip of extension bit %u accepted",
				    lens[i], bit);
			p[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		}
		/* a checksum over bytes 0..55 alone does not cover it */
		sgt_set(p + 56, 8, sgt_xxh3(p, 56));
		sg_err_clear(&e);
		assert_int_equal(sg_frame_decode(p, lens[i], &h, &e), SG_EDATA);
		assert_non_null(strstr(e.msg, "checksum"));
		/* frame_size counts the extension */
		s.frame_size = 56 + 1234;
		spec_build(p, &s);
		sg_err_clear(&e);
		assert_int_equal(sg_frame_decode(p, lens[i], &h, &e), SG_EDATA);
		assert_non_null(strstr(e.msg, "skippable frame size"));
	}
}

/* The buffer preconditions are the caller's bugs, not bad data. */
static void
test_short_buffer(void **state)
{
	unsigned char p[128] = { 0 };
	spec_hdr s = spec_data(0);
	sg_frame_hdr h;
	sg_err e;

	(void)state;
	s.hdr_len = 72;
	s.frame_size = spec_frame_size(&s);
	spec_build(p, &s);
	sg_err_clear(&e);
	assert_int_equal(sg_frame_decode(p, 63, &h, &e), SG_EINTERNAL);
	sg_err_clear(&e);
	assert_int_equal(sg_frame_decode(p, 71, &h, &e), SG_EINTERNAL);
	sg_err_clear(&e);
	assert_int_equal(sg_frame_decode(p, 72, &h, &e), 0);
}

/* Unknown flag bits and frame types pass through. */
static void
test_unknown_passes(void **state)
{
	spec_hdr s = spec_data(2);
	sg_frame_hdr h;

	(void)state;
	s.flags = 0xFFFF;
	expect_accept(&s, &h);
	assert_int_equal(h.flags, 0xFFFF);
	s.type = 0x7F;
	expect_accept(&s, &h);
	assert_int_equal(h.type, 0x7F);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(sg_frame_type_name(1), "begin");
	assert_string_equal(sg_frame_type_name(2), "data");
	assert_string_equal(sg_frame_type_name(3), "end");
	assert_string_equal(sg_frame_type_name(4), "progress");
	assert_string_equal(sg_frame_type_name(0), "unknown");
	assert_string_equal(sg_frame_type_name(5), "unknown");
	assert_string_equal(sg_frame_type_name(0x10002), "unknown");
	assert_string_equal(sg_frame_codec_name(0), "none");
	assert_string_equal(sg_frame_codec_name(1), "zstd");
	assert_string_equal(sg_frame_codec_name(2), "lz4");
	assert_string_equal(sg_frame_codec_name(3), "unknown");
	assert_string_equal(sg_frame_codec_name(256), "unknown");
}

static void
test_le_helpers(void **state)
{
	sgt_rng r;
	unsigned i;

	(void)state;
	sgt_rng_init(&r, "le_helpers");
	for (i = 0; i < 10000; i++) {
		uint64_t v = sgt_next(&r);
		unsigned char a[8], b[8];

		sg_put16(a, (uint16_t)v);
		sgt_set(b, 2, (uint16_t)v);
		assert_memory_equal(a, b, 2);
		assert_int_equal(sg_le16(b), (uint16_t)v);
		sg_put32(a, (uint32_t)v);
		sgt_set(b, 4, (uint32_t)v);
		assert_memory_equal(a, b, 4);
		assert_int_equal(sg_le32(b), (uint32_t)v);
		sg_put64(a, v);
		sgt_set(b, 8, v);
		assert_memory_equal(a, b, 8);
		assert_int_equal(sg_le64(b), v);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_matches_spec),
		cmocka_unit_test(test_encode_literal),
		cmocka_unit_test(test_roundtrip_fields),
		cmocka_unit_test(test_single_bit_flips),
		cmocka_unit_test(test_hdr_len_range),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_reserved_byte),
		cmocka_unit_test(test_codec_none_stored),
		cmocka_unit_test(test_non_data_limits),
		cmocka_unit_test(test_payload_limits),
		cmocka_unit_test(test_frame_size_mismatch),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_magic),
		cmocka_unit_test(test_extension_header),
		cmocka_unit_test(test_short_buffer),
		cmocka_unit_test(test_unknown_passes),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_le_helpers),
	};

	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
