/* test_list.c: one frame as one NDJSON line (list.h), keys in order. */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "list.h"

/* The line for f, appended to a buffer that already holds a line: that
 * one must stay, and the new one must be exactly want. */
static void
line_data_is(const sg_frame *f, const sg_meta *m, const unsigned char *data,
	     const char *want)
{
	static const char before[] = "{\"earlier\":1}\n";
	sg_buf b = SG_BUF_INIT;
	sg_err e;
	size_t n = sizeof before - 1;

	sg_err_clear(&e);
	assert_int_equal(sg_buf_append(&b, before, n, &e), 0);
	assert_int_equal(sg_list_frame(&b, f, m, data, &e), 0);
	assert_int_equal(e.code, SG_OK);
	assert_memory_equal(b.p, before, n);
	if (b.len - n != strlen(want) || memcmp(b.p + n, want, b.len - n) != 0)
		fail_msg("got  %.*s\nwant %s", (int)(b.len - n), (const char *)b.p + n, want);
	/* e may be NULL */
	b.len = 0;
	assert_int_equal(sg_list_frame(&b, f, m, data, NULL), 0);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.p, want, b.len);
	sg_buf_free(&b);
}

static void
line_is(const sg_frame *f, const sg_meta *m, const char *want)
{
	line_data_is(f, m, NULL, want);
}

static void
test_begin(void **state)
{
	sg_frame f = { .h = { .type = SG_TYPE_BEGIN, .source = 2, .size = 90, .stored = 90,
	    .payload_sum = 0xABCDEF0123456789u }, .index = 7, .at = 1000 };
	sg_meta m;

	(void)state;
	sg_meta_clear(&m);
	sg_meta_set_name(&m, "a\"b\n\xFF", 5);
	m.size = 3;
	m.mtime_ns = INT64_C(1700000000123456789);
	m.mode = 0100644;
	m.chunk_size = 1048576;
	m.records = 0;
	m.have |= SG_META_HAS(SG_META_SIZE) | SG_META_HAS(SG_META_MTIME) |
	    SG_META_HAS(SG_META_MODE) | SG_META_HAS(SG_META_CHUNK_SIZE) |
	    SG_META_HAS(SG_META_RECORDS);
	sg_meta_set_word(&m, SG_META_STRATEGY, "lines");
	sg_meta_set_word(&m, SG_META_OVERSIZE, "split");
	line_is(&f, &m, "{\"frame\":7,\"at\":1000,\"type\":\"begin\",\"source\":2,\"seq\":0,"
	    "\"offset\":0,\"size\":90,\"stored\":90,\"context\":0,\"codec\":\"none\","
	    "\"flags\":[],\"checksum\":\"abcdef0123456789\",\"name\":\"a\\\"b\\n\\ufffd\","
	    "\"name_base64\":\"YSJiCv8=\",\"source_size\":3,"
	    "\"mtime\":\"2023-11-14T22:13:20.123456789Z\",\"mode\":\"100644\","
	    "\"strategy\":\"lines\",\"chunk_size\":1048576,\"records\":0,\"oversize\":\"split\"}\n");
	/* size and mtime unknown */
	sg_meta_clear(&m);
	sg_meta_set_name(&m, "-", 1);
	m.mtime_ns = -1;
	m.have |= SG_META_HAS(SG_META_MTIME);
	line_is(&f, &m, "{\"frame\":7,\"at\":1000,\"type\":\"begin\",\"source\":2,\"seq\":0,"
	    "\"offset\":0,\"size\":90,\"stored\":90,\"context\":0,\"codec\":\"none\","
	    "\"flags\":[],\"checksum\":\"abcdef0123456789\",\"name\":\"-\",\"mtime\":null}\n");
}

static void
test_data_end_progress_unknown(void **state)
{
	sg_frame f = { .h = { .type = SG_TYPE_DATA, .codec = SG_CODEC_ZSTD,
	    .flags = SG_FLAG_OVERSIZE | SG_FLAG_LAST | 0x0100 | 0x8000, .source = 0, .seq = 3,
	    .offset = UINT64_C(18446744073709551615), .size = 5, .stored = 4, .context = 1,
	    .payload_sum = 1 }, .index = 0, .at = 0 };
	sg_meta m;

	(void)state;
	sg_meta_clear(&m);
	line_is(&f, &m, "{\"frame\":0,\"at\":0,\"type\":\"data\",\"source\":0,\"seq\":3,"
	    "\"offset\":18446744073709551615,\"size\":5,\"stored\":4,\"context\":1,"
	    "\"codec\":\"zstd\",\"flags\":[\"oversize\",\"last\",\"0x0100\",\"0x8000\"],"
	    "\"checksum\":\"0000000000000001\"}\n");
	f.h.type = SG_TYPE_END;
	f.h.codec = SG_CODEC_NONE;
	f.h.flags = SG_FLAG_LAST;
	m.total = 12;
	m.frames = 2;
	m.source_sum = 0xFEDCBA9876543210u;
	line_is(&f, &m, "{\"frame\":0,\"at\":0,\"type\":\"end\",\"source\":0,\"seq\":3,"
	    "\"offset\":18446744073709551615,\"size\":5,\"stored\":4,\"context\":1,"
	    "\"codec\":\"none\",\"flags\":[\"last\"],\"checksum\":\"0000000000000001\","
	    "\"total\":12,\"frames\":2,\"source_checksum\":\"fedcba9876543210\"}\n");
	f.h.type = SG_TYPE_PROGRESS;
	f.h.flags = 0;
	m.consumed = 100;
	line_is(&f, &m, "{\"frame\":0,\"at\":0,\"type\":\"progress\",\"source\":0,\"seq\":3,"
	    "\"offset\":18446744073709551615,\"size\":5,\"stored\":4,\"context\":1,"
	    "\"codec\":\"none\",\"flags\":[],\"checksum\":\"0000000000000001\","
	    "\"consumed\":100,\"input_total\":null}\n");
	m.input_total = 200;
	m.have |= SG_META_HAS(SG_META_INPUT_TOTAL);
	f.h.type = 9;
	f.h.codec = 7;
	line_is(&f, &m, "{\"frame\":0,\"at\":0,\"type\":\"unknown\",\"type_id\":9,\"source\":0,"
	    "\"seq\":3,\"offset\":18446744073709551615,\"size\":5,\"stored\":4,\"context\":1,"
	    "\"codec\":\"unknown\",\"flags\":[],\"checksum\":\"0000000000000001\"}\n");
}

/* A BEGIN name that is not valid UTF-8 also travels as name_base64, the
 * exact bytes; a valid one (NUL and astral characters included) does not. */
static void
test_begin_name_base64(void **state)
{
	sg_frame f = { .h = { .type = SG_TYPE_BEGIN, .payload_sum = 2 }, .index = 1, .at = 64 };
	sg_meta m;

	(void)state;
	sg_meta_clear(&m);
	sg_meta_set_name(&m, "a\0\xF0\x9F\x98\x80", 6);
	line_is(&f, &m, "{\"frame\":1,\"at\":64,\"type\":\"begin\",\"source\":0,\"seq\":0,"
	    "\"offset\":0,\"size\":0,\"stored\":0,\"context\":0,\"codec\":\"none\","
	    "\"flags\":[],\"checksum\":\"0000000000000002\","
	    "\"name\":\"a\\u0000\xF0\x9F\x98\x80\"}\n");
	/* a surrogate, encoded: three invalid bytes */
	sg_meta_set_name(&m, "x\xED\xA0\x80", 4);
	line_is(&f, &m, "{\"frame\":1,\"at\":64,\"type\":\"begin\",\"source\":0,\"seq\":0,"
	    "\"offset\":0,\"size\":0,\"stored\":0,\"context\":0,\"codec\":\"none\","
	    "\"flags\":[],\"checksum\":\"0000000000000002\","
	    "\"name\":\"x\\ufffd\\ufffd\\ufffd\",\"name_base64\":\"eO2ggA==\"}\n");
	/* a character cut short at the end of the name */
	sg_meta_set_name(&m, "ab\xE2\x82", 4);
	line_is(&f, &m, "{\"frame\":1,\"at\":64,\"type\":\"begin\",\"source\":0,\"seq\":0,"
	    "\"offset\":0,\"size\":0,\"stored\":0,\"context\":0,\"codec\":\"none\","
	    "\"flags\":[],\"checksum\":\"0000000000000002\","
	    "\"name\":\"ab\\ufffd\\ufffd\",\"name_base64\":\"YWLigg==\"}\n");
}

/* With the payload, a DATA frame shows as it decodes (codec none, stored =
 * size, no "stored" flag: that describes the coded form) and carries
 * "text" when the payload is valid UTF-8, else "base64";
 * an unknown type carries its payload the same way, with its own codec;
 * BEGIN, END and PROGRESS never carry one. */
static void
test_payload(void **state)
{
	sg_frame f = { .h = { .type = SG_TYPE_DATA, .codec = SG_CODEC_ZSTD,
	    .flags = SG_FLAG_STORED | SG_FLAG_OVERLAP, .seq = 1, .offset = 10, .size = 6,
	    .stored = 19, .payload_sum = 0x1234 }, .index = 3, .at = 500 };
	sg_meta m;

	(void)state;
	sg_meta_clear(&m);
	line_data_is(&f, &m, (const unsigned char *)"a\"\n\xC3\xA9\\",
	    "{\"frame\":3,\"at\":500,\"type\":\"data\",\"source\":0,\"seq\":1,"
	    "\"offset\":10,\"size\":6,\"stored\":6,\"context\":0,\"codec\":\"none\","
	    "\"flags\":[\"overlap\"],\"checksum\":\"0000000000001234\","
	    "\"text\":\"a\\\"\\n\xC3\xA9\\\\\"}\n");
	line_data_is(&f, &m, (const unsigned char *)"ab\xFF\x00\x01\x80",
	    "{\"frame\":3,\"at\":500,\"type\":\"data\",\"source\":0,\"seq\":1,"
	    "\"offset\":10,\"size\":6,\"stored\":6,\"context\":0,\"codec\":\"none\","
	    "\"flags\":[\"overlap\"],\"checksum\":\"0000000000001234\","
	    "\"base64\":\"YWL/AAGA\"}\n");
	/* without data, the frame as stored */
	line_is(&f, &m, "{\"frame\":3,\"at\":500,\"type\":\"data\",\"source\":0,\"seq\":1,"
	    "\"offset\":10,\"size\":6,\"stored\":19,\"context\":0,\"codec\":\"zstd\","
	    "\"flags\":[\"overlap\",\"stored\"],\"checksum\":\"0000000000001234\"}\n");
	/* empty payload */
	f.h.size = 0;
	line_data_is(&f, &m, (const unsigned char *)"",
	    "{\"frame\":3,\"at\":500,\"type\":\"data\",\"source\":0,\"seq\":1,"
	    "\"offset\":10,\"size\":0,\"stored\":0,\"context\":0,\"codec\":\"none\","
	    "\"flags\":[\"overlap\"],\"checksum\":\"0000000000001234\",\"text\":\"\"}\n");
	/* unknown type: payload shown, header as it is */
	f.h.type = 200;
	f.h.codec = SG_CODEC_NONE;
	f.h.flags = 0;
	f.h.size = f.h.stored = 2;
	line_data_is(&f, &m, (const unsigned char *)"\xC3\x28",
	    "{\"frame\":3,\"at\":500,\"type\":\"unknown\",\"type_id\":200,\"source\":0,"
	    "\"seq\":1,\"offset\":10,\"size\":2,\"stored\":2,\"context\":0,\"codec\":\"none\","
	    "\"flags\":[],\"checksum\":\"0000000000001234\",\"base64\":\"wyg=\"}\n");
	/* metadata frames: no payload key even with data */
	f.h.type = SG_TYPE_END;
	m.total = 1;
	m.frames = 1;
	m.source_sum = 5;
	line_data_is(&f, &m, (const unsigned char *)"xy",
	    "{\"frame\":3,\"at\":500,\"type\":\"end\",\"source\":0,\"seq\":1,"
	    "\"offset\":10,\"size\":2,\"stored\":2,\"context\":0,\"codec\":\"none\","
	    "\"flags\":[],\"checksum\":\"0000000000001234\",\"total\":1,\"frames\":1,"
	    "\"source_checksum\":\"0000000000000005\"}\n");
}

/* RFC 4648 decoding, written here independently of base64.c. Returns the
 * length, or -1 on anything but canonical padded base64. */
static long
ref_unbase64(const char *s, size_t n, unsigned char *out)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, k, o = 0;

	if (n % 4 != 0)
		return -1;
	for (i = 0; i < n; i += 4) {
		unsigned v = 0, pad = 0;

		for (k = 0; k < 4; k++) {
			const char *hit = s[i + k] == '=' ? NULL : memchr(abc, s[i + k], 64);

			if (s[i + k] == '=' && i + 4 == n && k >= 2) {
				pad++;
				v <<= 6;
				continue;
			}
			if (hit == NULL || pad)
				return -1;
			v = v << 6 | (unsigned)(hit - abc);
		}
		out[o++] = (unsigned char)(v >> 16);
		if (pad < 2)
			out[o++] = (unsigned char)(v >> 8);
		if (pad < 1)
			out[o++] = (unsigned char)v;
	}
	return (long)o;
}

static int
ref_valid(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		int c = sgt_ref_char(p, n, i);

		if (c < 1)
			return 0;
		i += (size_t)c;
	}
	return 1;
}

/* Random payloads: "text" exactly when the reference decoder calls them
 * valid UTF-8, as sg_json_string writes them; otherwise "base64" that
 * decodes to the exact bytes. */
static void
test_payload_random(void **state)
{
	static const unsigned char pool[] = {
		0x00, 0x0A, '"', '\\', 'a', 0x7F, 0x80, 0xBF, 0xC2, 0xC3, 0xA9, 0xE2, 0x82,
		0xAC, 0xED, 0xA0, 0xF0, 0x9F, 0x98, 0xF4, 0x90, 0xFF,
	};
	sg_frame f = { .h = { .type = SG_TYPE_DATA, .codec = SG_CODEC_LZ4 } };
	sg_buf line = SG_BUF_INIT, js = SG_BUF_INIT;
	unsigned char in[200], back[200];
	sg_meta m;
	sg_err e;
	sgt_rng r;
	unsigned it, ntext = 0, nb64 = 0;

	(void)state;
	sgt_rng_init(&r, "list_payload_random");
	sg_meta_clear(&m);
	for (it = 0; it < sgt_iters(3000); it++) {
		size_t len = (size_t)sgt_below(&r, sizeof in + 1), i;
		const char *key;
		char *p;

		if (it % 2 == 0) {
			/* near-misses from the pool */
			for (i = 0; i < len; i++)
				in[i] = sgt_chance(&r, 50) ? (unsigned char)sgt_range(&r, 0x20, 0x7E)
				    : pool[sgt_below(&r, sizeof pool)];
		} else {
			/* valid characters of every length */
			static const char *const chars[] = { "a", "\"", "\\", "\n", "\x01",
			    "\x7F", "\xC3\xA9", "\xE2\x82\xAC", "\xEF\xBF\xBF",
			    "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF", "\x00" };

			for (i = 0; i < len;) {
				size_t c = (size_t)sgt_below(&r, sizeof chars / sizeof chars[0]);
				size_t cl = c == 11 ? 1 : strlen(chars[c]);

				if (i + cl > len)
					break;
				memcpy(in + i, chars[c], cl);
				i += cl;
			}
			len = i;
		}
		f.h.size = (uint32_t)len;
		f.h.stored = (uint32_t)sgt_below(&r, 1000);
		line.len = js.len = 0;
		sg_err_clear(&e);
		assert_int_equal(sg_list_frame(&line, &f, &m, in, &e), 0);
		assert_true(line.len > 2 && line.p[line.len - 2] == '}' && line.p[line.len - 1] == '\n');
		assert_null(memchr(line.p, '\n', line.len - 1));
		assert_true(ref_valid(line.p, line.len));
		key = ref_valid(in, len) ? ",\"text\":" : ",\"base64\":\"";
		p = memmem(line.p, line.len, key, strlen(key));
		if (p == NULL)
			fail_msg("iteration %u: no %s in %.*s", it, key, (int)line.len, line.p);
		p += strlen(key);
		if (key[2] == 't') {
			ntext++;
			assert_int_equal(sg_json_string(&js, in, len, &e), 0);
			assert_int_equal((size_t)((char *)line.p + line.len - p), js.len + 2);
			assert_memory_equal(p, js.p, js.len);
		} else {
			char *q = memchr(p, '"', (size_t)((char *)line.p + line.len - p));
			long n;

			nb64++;
			assert_non_null(q);
			n = ref_unbase64(p, (size_t)(q - p), back);
			assert_int_equal(n, (long)len);
			assert_memory_equal(back, in, len);
			assert_int_equal((size_t)((char *)line.p + line.len - q), 3);
			assert_memory_equal(q, "\"}\n", 3);
		}
	}
	/* both branches were exercised */
	assert_true(ntext > 100 && nb64 > 100);
	sg_buf_free(&line);
	sg_buf_free(&js);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_begin),
		cmocka_unit_test(test_data_end_progress_unknown),
		cmocka_unit_test(test_begin_name_base64),
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_payload_random),
	};

	return cmocka_run_group_tests_name("list", tests, NULL, NULL);
}
