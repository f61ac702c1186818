/* test_part.c: --part K/N parsing, and part ranges that tile a file at
 * the boundaries of each part kind. */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "part.h"

static void
test_parse(void **state)
{
	static const char *bad[] = { "0/3", "4/3", "x", "3", "/3", "1/", "1/0",
	    "1/65537", "-1/3", "1/3x", "" };
	uint32_t k = 0, n = 0;
	size_t i;
	sg_err e;

	(void)state;
	assert_int_equal(sg_part_parse("2/8", &k, &n, &e), 0);
	assert_int_equal(k, 2);
	assert_int_equal(n, 8);
	assert_int_equal(sg_part_parse("65536/65536", &k, &n, &e), 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sg_err_clear(&e);
		if (sg_part_parse(bad[i], &k, &n, &e) != SG_EUSAGE)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(strstr(e.msg, "--part"));
	}
}

/* A temporary file holding p[0..len); returns its fd. */
static int
temp_file(const unsigned char *p, size_t len)
{
	char path[] = "/tmp/sg-test-part-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, p, len), (ssize_t)len);
	return fd;
}

/* Every part of 1..n tiles [0, len) in order; each inner boundary passes
 * ok(p, len, at). */
static void
check_tiling(int fd, const unsigned char *p, size_t len, const sg_boundary_ops *s,
	     const sg_boundary_params *prm, uint64_t chunk,
	     int (*ok)(const unsigned char *, size_t, uint64_t, const sg_boundary_params *))
{
	uint32_t n, k;

	for (n = 1; n <= 9; n++) {
		uint64_t expect = 0, start, end;

		for (k = 1; k <= n; k++) {
			sg_err e;

			sg_err_clear(&e);
			assert_int_equal(sg_part_range(fd, len, k, n, s, prm, chunk, &start,
			    &end, &e), 0);
			if (start != expect || end < start || end > len)
				fail_msg("%s part %u/%u: [%llu, %llu) after %llu", s->name, k, n,
				    (unsigned long long)start, (unsigned long long)end,
				    (unsigned long long)expect);
			if (end > 0 && end < len && !ok(p, len, end, prm))
				fail_msg("%s part %u/%u ends at %llu, not a boundary", s->name,
				    k, n, (unsigned long long)end);
			expect = end;
		}
		assert_int_equal(expect, len);
	}
}

static int
at_chunk(const unsigned char *p, size_t len, uint64_t at, const sg_boundary_params *prm)
{
	(void)p; (void)len; (void)prm;
	return at % 1000 == 0;
}

static int
at_line(const unsigned char *p, size_t len, uint64_t at, const sg_boundary_params *prm)
{
	(void)len; (void)prm;
	return p[at - 1] == '\n';
}

static int
at_delim(const unsigned char *p, size_t len, uint64_t at, const sg_boundary_params *prm)
{
	(void)len;
	return at >= prm->delim_len &&
	    memcmp(p + at - prm->delim_len, prm->delim, prm->delim_len) == 0;
}

static int
at_char(const unsigned char *p, size_t len, uint64_t at, const sg_boundary_params *prm)
{
	(void)prm;
	/* Never inside a valid character of the reference decoder. */
	for (size_t back = 1; back <= 3 && back <= at; back++) {
		int u = sgt_ref_char(p, len, (size_t)(at - back));

		if (u > (int)back)
			return 0;
	}
	return 1;
}

static void
test_ranges(void **state)
{
	static const unsigned char sep[] = "</doc>";
	sg_boundary_params prm = { 0 };
	sgt_buf b = { 0 };
	sgt_rng r;
	int fd, i;

	(void)state;
	sgt_rng_init(&r, "part_ranges");
	for (i = 0; i < 3000; i++) {
		switch (sgt_below(&r, 5)) {
		case 0: sgt_buf_byte(&b, '\n'); break;
		case 1: sgt_buf_str(&b, "\xE2\x82\xAC\xF0\x9F\x98\x80"); break;
		case 2: sgt_buf_str(&b, "</doc>"); break;
		case 3: sgt_buf_byte(&b, (unsigned char)sgt_next(&r)); break;
		default: sgt_buf_str(&b, "word "); break;
		}
	}
	fd = temp_file(b.p, b.len);
	check_tiling(fd, b.p, b.len, &sg_boundary_bytes, &prm, 1000, at_chunk);
	check_tiling(fd, b.p, b.len, &sg_boundary_lines, &prm, 1000, at_line);
	check_tiling(fd, b.p, b.len, &sg_boundary_utf8, &prm, 1000, at_char);
	prm.delim = sep;
	prm.delim_len = 6;
	check_tiling(fd, b.p, b.len, &sg_boundary_delim, &prm, 1000, at_delim);
	close(fd);
	sgt_buf_free(&b);
}

static void
test_refused(void **state)
{
	static const unsigned char arr[] = "  [1,\n2,\n3]\n";
	sg_boundary_params prm = { 0 };
	uint64_t start, end;
	sg_err e;
	int fd = temp_file(arr, sizeof arr - 1);

	(void)state;
	assert_int_equal(sg_part_range(fd, sizeof arr - 1, 1, 2, &sg_boundary_csv, &prm,
	    1000, &start, &end, &e), SG_EUSAGE);
	assert_non_null(strstr(e.msg, "csv"));
	assert_int_equal(sg_part_range(fd, sizeof arr - 1, 1, 2, &sg_boundary_json, &prm,
	    1000, &start, &end, &e), SG_EUSAGE);
	assert_non_null(strstr(e.msg, "array"));
	close(fd);
	/* NDJSON is line-aligned; --array is refused whatever the input. */
	fd = temp_file((const unsigned char *)"{}\n{}\n", 6);
	assert_int_equal(sg_part_range(fd, 6, 2, 2, &sg_boundary_json, &prm, 1000, &start,
	    &end, &e), 0);
	assert_int_equal(start, 3);
	assert_int_equal(end, 6);
	prm.json_array = 1;
	assert_int_equal(sg_part_range(fd, 6, 2, 2, &sg_boundary_json, &prm, 1000, &start,
	    &end, &e), SG_EUSAGE);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("part", tests, NULL, NULL);
}
