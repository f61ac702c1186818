/* test_list.c: one frame as one NDJSON line (list.h), keys in order. */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "list.h"

static void
line_is(const sg_frame *f, const sg_meta *m, const char *want)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);

	assert_non_null(fp);
	sg_list_frame(fp, f, m);
	assert_int_equal(fclose(fp), 0);
	if (strcmp(buf, want) != 0)
		fail_msg("got  %s\nwant %s", buf, want);
	free(buf);
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
	    "\"source_size\":3,\"mtime\":\"2023-11-14T22:13:20.123456789Z\",\"mode\":\"100644\","
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_begin),
		cmocka_unit_test(test_data_end_progress_unknown),
	};

	return cmocka_run_group_tests_name("list", tests, NULL, NULL);
}
