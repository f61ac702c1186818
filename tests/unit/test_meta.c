/* test_meta.c: the tag-length-value metadata of BEGIN, END and PROGRESS
 * (meta.h). Expected payloads are spelled out here from the layout in
 * meta.h: tag (2 bytes LE) | length (2 bytes LE) | value. */
#include "sgtest.h"

#include <stdlib.h>
#include <string.h>

#include "meta.h"

/* Append one field, the way meta.h lays it out. */
static void
field(sgt_buf *b, unsigned tag, const void *v, size_t len)
{
	unsigned char h[4];

	sgt_set(h, 2, tag);
	sgt_set(h + 2, 2, len);
	sgt_buf_put(b, h, 4);
	sgt_buf_put(b, v, len);
}

static void
field_u64(sgt_buf *b, unsigned tag, uint64_t v)
{
	unsigned char x[8];

	sgt_set(x, 8, v);
	field(b, tag, x, 8);
}

static const unsigned int_tags[] = {
	SG_META_SIZE, SG_META_MTIME, SG_META_MODE, SG_META_CHUNK_SIZE,
	SG_META_RECORDS, SG_META_TOTAL, SG_META_FRAMES, SG_META_SOURCE_SUM,
	SG_META_CONSUMED, SG_META_INPUT_TOTAL,
};
#define N_INT_TAGS (sizeof int_tags / sizeof int_tags[0])

/* The integer field of m for tag, widened as the wire carries it. */
static uint64_t
get_int(const sg_meta *m, unsigned tag)
{
	switch (tag) {
	case SG_META_SIZE: return m->size;
	case SG_META_MTIME: return (uint64_t)m->mtime_ns;
	case SG_META_MODE: return m->mode;
	case SG_META_CHUNK_SIZE: return m->chunk_size;
	case SG_META_RECORDS: return m->records;
	case SG_META_TOTAL: return m->total;
	case SG_META_FRAMES: return m->frames;
	case SG_META_SOURCE_SUM: return m->source_sum;
	case SG_META_CONSUMED: return m->consumed;
	case SG_META_INPUT_TOTAL: return m->input_total;
	}
	fail_msg("no integer tag %u", tag);
	return 0;
}

static void
set_int(sg_meta *m, unsigned tag, uint64_t v)
{
	switch (tag) {
	case SG_META_SIZE: m->size = v; break;
	case SG_META_MTIME: m->mtime_ns = (int64_t)v; break;
	case SG_META_MODE: m->mode = (uint32_t)v; break;
	case SG_META_CHUNK_SIZE: m->chunk_size = v; break;
	case SG_META_RECORDS: m->records = v; break;
	case SG_META_TOTAL: m->total = v; break;
	case SG_META_FRAMES: m->frames = v; break;
	case SG_META_SOURCE_SUM: m->source_sum = v; break;
	case SG_META_CONSUMED: m->consumed = v; break;
	case SG_META_INPUT_TOTAL: m->input_total = v; break;
	default: fail_msg("no integer tag %u", tag);
	}
	m->have |= SG_META_HAS(tag);
}

static int
decode(const sgt_buf *b, sg_meta *m, sg_err *e)
{
	sg_err_clear(e);
	return sg_meta_decode(b->p, b->len, m, e);
}

/* Each integer tag alone: the exact bytes, and back. */
static void
test_int_tags(void **state)
{
	static const uint64_t vals[] = {
		0, 1, 0x0102030405060708u, UINT64_MAX, 0x8000000000000000u,
	};
	size_t t, k;

	(void)state;
	for (t = 0; t < N_INT_TAGS; t++) {
		for (k = 0; k < sizeof vals / sizeof vals[0]; k++) {
			unsigned tag = int_tags[t];
			uint64_t v = tag == SG_META_MODE ? (uint32_t)vals[k] : vals[k];
			unsigned char out[64];
			sgt_buf want = { 0 };
			sg_meta m, back;
			sg_err e;
			int n;

			sg_meta_clear(&m);
			set_int(&m, tag, v);
			field_u64(&want, tag, v);
			sg_err_clear(&e);
			n = sg_meta_encode(&m, out, sizeof out, &e);
			assert_int_equal(n, 12);
			assert_memory_equal(out, want.p, 12);
			assert_int_equal(decode(&want, &back, &e), 0);
			assert_int_equal(back.have, SG_META_HAS(tag));
			assert_int_equal(get_int(&back, tag), v);
			sgt_buf_free(&want);
		}
	}
}

static void
test_mtime_negative(void **state)
{
	sgt_buf b = { 0 };
	sg_meta m;
	sg_err e;

	(void)state;
	field_u64(&b, SG_META_MTIME, (uint64_t)INT64_C(-1500000000));
	assert_int_equal(decode(&b, &m, &e), 0);
	assert_true(m.mtime_ns == INT64_C(-1500000000));
	sgt_buf_free(&b);
}

static void
test_name(void **state)
{
	unsigned char out[SG_META_NAME_MAX + 64];
	static const char odd[] = "a\0b\xff\xc3\xa9/..\n";
	char *longname = malloc(SG_META_NAME_MAX + 10);
	sgt_buf want = { 0 };
	sg_meta m, back;
	sg_err e;
	int n;

	(void)state;
	/* any bytes, NULs included, with their length */
	sg_meta_clear(&m);
	sg_meta_set_name(&m, odd, sizeof odd - 1);
	assert_int_equal(m.have, SG_META_HAS(SG_META_NAME));
	field(&want, SG_META_NAME, odd, sizeof odd - 1);
	sg_err_clear(&e);
	n = sg_meta_encode(&m, out, sizeof out, &e);
	assert_int_equal(n, (int)want.len);
	assert_memory_equal(out, want.p, want.len);
	assert_int_equal(decode(&want, &back, &e), 0);
	assert_int_equal(back.name_len, sizeof odd - 1);
	assert_memory_equal(back.name, odd, sizeof odd - 1);
	assert_int_equal(back.name[back.name_len], '\0');
	sgt_buf_free(&want);

	/* empty */
	sg_meta_set_name(&m, "", 0);
	field(&want, SG_META_NAME, "", 0);
	n = sg_meta_encode(&m, out, sizeof out, &e);
	assert_int_equal(n, 4);
	assert_memory_equal(out, want.p, 4);
	assert_int_equal(decode(&want, &back, &e), 0);
	assert_int_equal(back.have, SG_META_HAS(SG_META_NAME));
	assert_int_equal(back.name_len, 0);
	sgt_buf_free(&want);

	/* the longest name, and one byte more on the wire */
	memset(longname, 'n', SG_META_NAME_MAX + 10);
	field(&want, SG_META_NAME, longname, SG_META_NAME_MAX);
	assert_int_equal(decode(&want, &back, &e), 0);
	assert_int_equal(back.name_len, SG_META_NAME_MAX);
	sgt_buf_free(&want);
	field(&want, SG_META_NAME, longname, SG_META_NAME_MAX + 1);
	assert_int_equal(decode(&want, &back, &e), SG_EDATA);
	assert_non_null(strstr(e.msg, "too long"));
	sgt_buf_free(&want);

	/* set_name truncates to the limit */
	sg_meta_clear(&m);
	sg_meta_set_name(&m, longname, SG_META_NAME_MAX + 10);
	assert_int_equal(m.name_len, SG_META_NAME_MAX);
	n = sg_meta_encode(&m, out, sizeof out, &e);
	assert_int_equal(n, 4 + SG_META_NAME_MAX);
	assert_int_equal(sgt_get(out + 2, 2), SG_META_NAME_MAX);
	free(longname);
}

/* The job field (sg-chunk --resume's options): bytes with their length,
 * up to SG_META_JOB_MAX; one more on the wire is refused. */
static void
test_job(void **state)
{
	unsigned char out[SG_META_JOB_MAX + 64];
	char *job = malloc(SG_META_JOB_MAX + 10);
	sgt_buf want = { 0 };
	sg_meta m, back;
	sg_err e;
	int n;

	(void)state;
	sg_err_clear(&e);
	sg_meta_clear(&m);
	sg_meta_set_job(&m, "strategy=json size=1048576", 26);
	assert_int_equal(m.have, SG_META_HAS(SG_META_JOB));
	field(&want, SG_META_JOB, "strategy=json size=1048576", 26);
	n = sg_meta_encode(&m, out, sizeof out, &e);
	assert_int_equal(n, (int)want.len);
	assert_memory_equal(out, want.p, want.len);
	assert_int_equal(decode(&want, &back, &e), 0);
	assert_int_equal(back.have, SG_META_HAS(SG_META_JOB));
	assert_int_equal(back.job_len, 26);
	assert_string_equal(back.job, "strategy=json size=1048576");
	sgt_buf_free(&want);

	memset(job, 'j', SG_META_JOB_MAX + 10);
	field(&want, SG_META_JOB, job, SG_META_JOB_MAX);
	assert_int_equal(decode(&want, &back, &e), 0);
	assert_int_equal(back.job_len, SG_META_JOB_MAX);
	sgt_buf_free(&want);
	field(&want, SG_META_JOB, job, SG_META_JOB_MAX + 1);
	assert_int_equal(decode(&want, &back, &e), SG_EDATA);
	assert_non_null(strstr(e.msg, "too long"));
	sgt_buf_free(&want);
	sg_meta_set_job(&m, job, SG_META_JOB_MAX + 10);
	assert_int_equal(m.job_len, SG_META_JOB_MAX);
	free(job);
}

static void
test_words(void **state)
{
	static const unsigned tags[] = { SG_META_STRATEGY, SG_META_OVERSIZE, SG_META_PART };
	char w31[32], w32[33];
	size_t t;

	(void)state;
	memset(w31, 'w', 31);
	w31[31] = '\0';
	memset(w32, 'w', 32);
	w32[32] = '\0';
	for (t = 0; t < sizeof tags / sizeof tags[0]; t++) {
		unsigned char out[64];
		sgt_buf want = { 0 };
		sg_meta m, back;
		sg_err e;
		const char *got;
		int n;

		sg_meta_clear(&m);
		sg_meta_set_word(&m, (int)tags[t], "lines");
		assert_int_equal(m.have, SG_META_HAS(tags[t]));
		field(&want, tags[t], "lines", 5);
		sg_err_clear(&e);
		n = sg_meta_encode(&m, out, sizeof out, &e);
		assert_int_equal(n, 9);
		assert_memory_equal(out, want.p, 9);
		assert_int_equal(decode(&want, &back, &e), 0);
		got = tags[t] == SG_META_STRATEGY ? back.strategy :
		    tags[t] == SG_META_OVERSIZE ? back.oversize : back.part;
		assert_string_equal(got, "lines");
		assert_int_equal(back.have, SG_META_HAS(tags[t]));
		sgt_buf_free(&want);

		/* 31 bytes fit, 32 do not */
		field(&want, tags[t], w31, 31);
		assert_int_equal(decode(&want, &back, &e), 0);
		got = tags[t] == SG_META_STRATEGY ? back.strategy :
		    tags[t] == SG_META_OVERSIZE ? back.oversize : back.part;
		assert_string_equal(got, w31);
		sgt_buf_free(&want);
		field(&want, tags[t], w32, 32);
		assert_int_equal(decode(&want, &back, &e), SG_EDATA);
		assert_non_null(strstr(e.msg, "too long"));
		sgt_buf_free(&want);

		/* set_word truncates to 31 */
		sg_meta_clear(&m);
		sg_meta_set_word(&m, (int)tags[t], w32);
		n = sg_meta_encode(&m, out, sizeof out, &e);
		assert_int_equal(n, 4 + 31);
		assert_int_equal(sgt_get(out + 2, 2), 31);
	}
	/* set_word on a tag that is no word field changes nothing */
	{
		sg_meta m;

		sg_meta_clear(&m);
		sg_meta_set_word(&m, SG_META_SIZE, "x");
		sg_meta_set_word(&m, 99, "x");
		assert_int_equal(m.have, 0);
	}
}

/* Every field at once, in tag order, and back. */
static void
test_all_fields(void **state)
{
	unsigned char out[512];
	sgt_buf want = { 0 };
	sg_meta m, back;
	sg_err e;
	size_t t;
	int n;

	(void)state;
	sg_meta_clear(&m);
	sg_meta_set_name(&m, "dir/file.txt", 12);
	for (t = 0; t < N_INT_TAGS; t++)
		set_int(&m, int_tags[t], 1000 + int_tags[t]);
	sg_meta_set_word(&m, SG_META_STRATEGY, "utf8");
	sg_meta_set_word(&m, SG_META_OVERSIZE, "keep");
	sg_meta_set_word(&m, SG_META_PART, "3/8");
	field(&want, 1, "dir/file.txt", 12);
	field_u64(&want, 2, 1002);
	field_u64(&want, 3, 1003);
	field_u64(&want, 4, 1004);
	field(&want, 5, "utf8", 4);
	field_u64(&want, 6, 1006);
	field_u64(&want, 7, 1007);
	field(&want, 8, "keep", 4);
	field(&want, 9, "3/8", 3);
	field_u64(&want, 16, 1016);
	field_u64(&want, 17, 1017);
	field_u64(&want, 18, 1018);
	field_u64(&want, 32, 1032);
	field_u64(&want, 33, 1033);
	sg_err_clear(&e);
	n = sg_meta_encode(&m, out, sizeof out, &e);
	assert_int_equal(n, (int)want.len);
	assert_memory_equal(out, want.p, want.len);
	assert_int_equal(decode(&want, &back, &e), 0);
	assert_int_equal(back.have, m.have);
	for (t = 0; t < N_INT_TAGS; t++)
		assert_int_equal(get_int(&back, int_tags[t]), 1000 + int_tags[t]);
	assert_string_equal(back.strategy, "utf8");
	assert_string_equal(back.oversize, "keep");
	assert_string_equal(back.part, "3/8");
	assert_int_equal(back.name_len, 12);
	assert_memory_equal(back.name, "dir/file.txt", 12);

	/* the exact size is enough, one byte less is not */
	sg_err_clear(&e);
	assert_int_equal(sg_meta_encode(&m, out, want.len, &e), (int)want.len);
	sg_err_clear(&e);
	assert_int_equal(sg_meta_encode(&m, out, want.len - 1, &e), SG_EINTERNAL);
	sg_err_clear(&e);
	assert_int_equal(sg_meta_encode(&m, out, 0, &e), SG_EINTERNAL);
	sgt_buf_free(&want);
}

static void
test_empty(void **state)
{
	unsigned char out[4];
	sg_meta m;
	sg_err e;

	(void)state;
	sg_meta_clear(&m);
	sg_err_clear(&e);
	assert_int_equal(sg_meta_encode(&m, out, sizeof out, &e), 0);
	m.have = ~(uint64_t)0;  /* decode starts from nothing */
	assert_int_equal(sg_meta_decode(out, 0, &m, &e), 0);
	assert_int_equal(m.have, 0);
}

/* A newer writer's tags are skipped, whatever their length. */
static void
test_unknown_tags(void **state)
{
	static const unsigned tags[] = { 0, 11, 15, 19, 31, 34, 63, 64, 65, 1000, 0xFFFF };
	static const unsigned lens[] = { 0, 1, 8, 100, 3000 };
	unsigned char junk[3000];
	size_t t, l;

	(void)state;
	memset(junk, 0xAB, sizeof junk);
	for (t = 0; t < sizeof tags / sizeof tags[0]; t++) {
		for (l = 0; l < sizeof lens / sizeof lens[0]; l++) {
			sgt_buf b = { 0 };
			sg_meta m;
			sg_err e;

			field_u64(&b, SG_META_TOTAL, 77);
			field(&b, tags[t], junk, lens[l]);
			field(&b, SG_META_STRATEGY, "bytes", 5);
			field(&b, tags[t], junk, lens[l]);
			assert_int_equal(decode(&b, &m, &e), 0);
			assert_int_equal(m.have, SG_META_HAS(SG_META_TOTAL) |
			    SG_META_HAS(SG_META_STRATEGY));
			assert_int_equal(m.total, 77);
			assert_string_equal(m.strategy, "bytes");
			sgt_buf_free(&b);
		}
	}
}

/* A field cut short anywhere is refused. */
static void
test_truncated(void **state)
{
	sgt_buf b = { 0 };
	size_t cut;

	(void)state;
	field(&b, SG_META_NAME, "abc", 3);
	field_u64(&b, SG_META_SIZE, 5);
	field(&b, 200, "zz", 2);
	for (cut = 1; cut < b.len; cut++) {
		int boundary = cut == 7 || cut == 19;
		sg_meta m;
		sg_err e;
		int rc;

		sg_err_clear(&e);
		rc = sg_meta_decode(b.p, cut, &m, &e);
		if (boundary) {
			assert_int_equal(rc, 0);
		} else {
			if (rc != SG_EDATA)
				fail_msg("payload cut to %zu bytes accepted", cut);
			assert_true(strstr(e.msg, "cut short") != NULL ||
			    strstr(e.msg, "runs past") != NULL);
		}
	}
	sgt_buf_free(&b);
	/* a length running far past the payload */
	{
		unsigned char p[6] = { 1, 0, 0xFF, 0xFF, 'a', 'b' };
		sg_meta m;
		sg_err e;

		sg_err_clear(&e);
		assert_int_equal(sg_meta_decode(p, sizeof p, &m, &e), SG_EDATA);
	}
}

/* A known integer field must be exactly 8 bytes. */
static void
test_int_length(void **state)
{
	static const size_t lens[] = { 0, 1, 4, 7, 9, 16 };
	unsigned char v[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	size_t t, l;

	(void)state;
	for (t = 0; t < N_INT_TAGS; t++) {
		for (l = 0; l < sizeof lens / sizeof lens[0]; l++) {
			sgt_buf b = { 0 };
			sg_meta m;
			sg_err e;

			field(&b, int_tags[t], v, lens[l]);
			if (decode(&b, &m, &e) != SG_EDATA)
				fail_msg("tag %u with %zu bytes accepted", int_tags[t], lens[l]);
			assert_non_null(strstr(e.msg, "not 8"));
			sgt_buf_free(&b);
		}
	}
}

/* Random field lists: encode gives the spec's bytes and decode inverts it. */
static void
test_random_roundtrip(void **state)
{
	sgt_rng r;
	unsigned i;

	(void)state;
	sgt_rng_init(&r, "meta_random_roundtrip");
	for (i = 0; i < sgt_iters(3000); i++) {
		unsigned char out[SG_FRAME_META_MAX];
		unsigned char name[200];
		sgt_buf want = { 0 };
		sg_meta m, back;
		sg_err e;
		size_t t, nlen = (size_t)sgt_below(&r, sizeof name);
		int n;

		sg_meta_clear(&m);
		for (t = 0; t < nlen; t++)
			name[t] = (unsigned char)sgt_next(&r);
		if (sgt_chance(&r, 50)) {
			sg_meta_set_name(&m, (const char *)name, nlen);
			field(&want, SG_META_NAME, name, nlen);
		}
		for (t = 0; t < N_INT_TAGS; t++) {
			uint64_t v = sgt_next(&r);

			if (int_tags[t] == SG_META_MODE)
				v = (uint32_t)v;
			if (sgt_chance(&r, 50))
				set_int(&m, int_tags[t], v);
		}
		/* expected bytes in tag order */
		for (t = 2; t < 64; t++) {
			if (!(m.have & SG_META_HAS(t)))
				continue;
			field_u64(&want, (unsigned)t, get_int(&m, (unsigned)t));
		}
		sg_err_clear(&e);
		n = sg_meta_encode(&m, out, sizeof out, &e);
		assert_int_equal(n, (int)want.len);
		if (want.len > 0)
			assert_memory_equal(out, want.p, want.len);
		assert_int_equal(sg_meta_decode(out, (size_t)n, &back, &e), 0);
		assert_int_equal(back.have, m.have);
		for (t = 0; t < N_INT_TAGS; t++)
			if (m.have & SG_META_HAS(int_tags[t]))
				assert_int_equal(get_int(&back, int_tags[t]),
				    get_int(&m, int_tags[t]));
		if (m.have & SG_META_HAS(SG_META_NAME)) {
			assert_int_equal(back.name_len, nlen);
			if (nlen > 0)
				assert_memory_equal(back.name, name, nlen);
		}
		sgt_buf_free(&want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int_tags),
		cmocka_unit_test(test_mtime_negative),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_job),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_all_fields),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_unknown_tags),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_int_length),
		cmocka_unit_test(test_random_roundtrip),
	};

	return cmocka_run_group_tests_name("meta", tests, NULL, NULL);
}
