/* test_size.c: the one strict parser for sizes and counts (size.h). */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "size.h"

#define KI (UINT64_C(1) << 10)
#define MI (UINT64_C(1) << 20)
#define GI (UINT64_C(1) << 30)
#define TI (UINT64_C(1) << 40)

static void
size_ok(const char *s, uint64_t want)
{
	uint64_t v = 0xDEADBEEF;
	sg_err e;
	int rc;

	sg_err_clear(&e);
	rc = sg_size_parse(s, 0, UINT64_MAX, &v, &e);
	if (rc != 0)
		fail_msg("sg_size_parse(\"%s\") failed: %s", s, e.msg);
	if (v != want)
		fail_msg("sg_size_parse(\"%s\") = %llu, want %llu", s,
		    (unsigned long long)v, (unsigned long long)want);
}

/* Rejected with SG_EUSAGE, a message quoting the value, *out untouched. */
static void
size_bad_in(const char *s, uint64_t min, uint64_t max, const char *why)
{
	uint64_t v = 0xDEADBEEF;
	sg_err e;
	int rc;

	sg_err_clear(&e);
	rc = sg_size_parse(s, min, max, &v, &e);
	if (rc != SG_EUSAGE)
		fail_msg("sg_size_parse(\"%s\") = %d (value %llu), want SG_EUSAGE", s, rc,
		    (unsigned long long)v);
	assert_int_equal(e.code, SG_EUSAGE);
	assert_int_equal(v, 0xDEADBEEF);
	if (strstr(e.msg, s) == NULL)
		fail_msg("message \"%s\" does not name \"%s\"", e.msg, s);
	if (why != NULL && strstr(e.msg, why) == NULL)
		fail_msg("message \"%s\" does not say \"%s\"", e.msg, why);
}

static void
size_bad(const char *s)
{
	size_bad_in(s, 0, UINT64_MAX, NULL);
}

static void
count_ok(const char *s, uint64_t want)
{
	uint64_t v = 0xDEADBEEF;
	sg_err e;

	sg_err_clear(&e);
	if (sg_count_parse(s, 0, UINT64_MAX, &v, &e) != 0)
		fail_msg("sg_count_parse(\"%s\") failed: %s", s, e.msg);
	if (v != want)
		fail_msg("sg_count_parse(\"%s\") = %llu", s, (unsigned long long)v);
}

static void
count_bad_in(const char *s, uint64_t min, uint64_t max)
{
	uint64_t v = 0xDEADBEEF;
	sg_err e;

	sg_err_clear(&e);
	if (sg_count_parse(s, min, max, &v, &e) != SG_EUSAGE)
		fail_msg("sg_count_parse(\"%s\") accepted: %llu", s, (unsigned long long)v);
	assert_int_equal(v, 0xDEADBEEF);
	if (strstr(e.msg, s) == NULL)
		fail_msg("message \"%s\" does not name \"%s\"", e.msg, s);
}

static void
count_bad(const char *s)
{
	count_bad_in(s, 0, UINT64_MAX);
}

static void
test_size_plain(void **state)
{
	(void)state;
	size_ok("0", 0);
	size_ok("1", 1);
	size_ok("007", 7);
	size_ok("4096", 4096);
	size_ok("1B", 1);
	size_ok("18446744073709551615", UINT64_MAX);
	size_ok("18446744073709551615B", UINT64_MAX);
	size_ok("000000000000000000000000000042", 42);
}

static void
test_size_suffixes(void **state)
{
	static const struct { const char *suf; uint64_t mul; } tab[] = {
		{ "K", KI }, { "KB", KI }, { "KiB", KI },
		{ "M", MI }, { "MB", MI }, { "MiB", MI },
		{ "G", GI }, { "GB", GI }, { "GiB", GI },
		{ "T", TI }, { "TB", TI }, { "TiB", TI },
	};
	static const uint64_t nums[] = { 0, 1, 2, 3, 64, 1000, 1023, 1024, 65535 };
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof tab / sizeof tab[0]; i++) {
		for (k = 0; k < sizeof nums / sizeof nums[0]; k++) {
			char s[64];

			snprintf(s, sizeof s, "%llu%s", (unsigned long long)nums[k], tab[i].suf);
			size_ok(s, nums[k] * tab[i].mul);
		}
	}
	/* the unit letter in either case (man/sg-chunk.1) */
	size_ok("64k", 65536);
	size_ok("64kB", 65536);
	size_ok("64kiB", 65536);
	size_ok("3m", 3 * MI);
	size_ok("3miB", 3 * MI);
	size_ok("2g", 2 * GI);
	size_ok("2gB", 2 * GI);
	size_ok("1t", TI);
	size_ok("1tiB", TI);
	size_ok("64K", 65536);
	size_ok("1M", 1048576);
	size_ok("4G", 4294967296u);
	size_ok("2T", 2199023255552u);
}

/* Values that only just fit in 64 bits, and those that do not. */
static void
test_size_overflow(void **state)
{
	(void)state;
	size_ok("17179869183G", 17179869183u * GI);
	size_ok("16777215T", 16777215u * TI);
	size_ok("18014398509481983K", 18014398509481983u * KI);
	size_bad_in("16777216T", 0, UINT64_MAX, "too large");
	size_bad_in("17179869184G", 0, UINT64_MAX, "too large");
	size_bad_in("17592186044416M", 0, UINT64_MAX, "too large");
	size_bad_in("18014398509481984K", 0, UINT64_MAX, "too large");
	size_bad_in("18446744073709551616", 0, UINT64_MAX, "too large");
	size_bad_in("99999999999999999999", 0, UINT64_MAX, "too large");
	size_bad_in("99999999999999999999999999999999999999", 0, UINT64_MAX, "too large");
	size_bad_in("18446744073709551615K", 0, UINT64_MAX, "too large");
	size_bad_in("184467440737095516150", 0, UINT64_MAX, "too large");
}

static void
test_size_junk(void **state)
{
	static const char *bad[] = {
		"", " ", "K", "KiB", "B", "-1", "+1", "-0", " 1", "1 ", "\t1", "1\n",
		"1 K", "1K ", "1.5M", "1,000", "1e3", "0x10", "1Q", "1KK", "1KiBB",
		"1KBB", "1BK", "1 MiB", "1MiBK",
		"1P", "1PiB", "1E", "one", "1_000", "１", "1\xc2\xa0", "K1", "1K1",
		"--1", "1-", "auto", "1iB", "1bytes",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		size_bad(bad[i]);
}

static void
test_size_range(void **state)
{
	uint64_t v = 0;
	sg_err e;

	(void)state;
	size_bad_in("0", 1, 100, "out of range");
	size_bad_in("101", 1, 100, "out of range");
	size_bad_in("1K", 1, 1023, "out of range");
	size_bad_in("65M", 1, 64 * MI, "out of range");
	sg_err_clear(&e);
	assert_int_equal(sg_size_parse("1", 1, 100, &v, &e), 0);
	assert_int_equal(v, 1);
	assert_int_equal(sg_size_parse("100", 1, 100, &v, &e), 0);
	assert_int_equal(v, 100);
	assert_int_equal(sg_size_parse("64M", 1, 64 * MI, &v, &e), 0);
	assert_int_equal(v, 64 * MI);
	assert_int_equal(sg_size_parse("1K", 1024, 1024, &v, &e), 0);
	assert_int_equal(v, 1024);
}

static void
test_count(void **state)
{
	static const char *bad[] = {
		"", " ", "-1", "+1", " 1", "1 ", "1K", "1k", "1B", "1.0", "0x1", "1e2",
		"one", "1\n", "18446744073709551616", "99999999999999999999",
	};
	size_t i;
	uint64_t v = 0;
	sg_err e;

	(void)state;
	count_ok("0", 0);
	count_ok("1", 1);
	count_ok("0010", 10);
	count_ok("4294967295", 4294967295u);
	count_ok("18446744073709551615", UINT64_MAX);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		count_bad(bad[i]);
	count_bad_in("0", 1, UINT32_MAX);
	count_bad_in("4294967296", 1, UINT32_MAX);
	sg_err_clear(&e);
	assert_int_equal(sg_count_parse("4294967295", 1, UINT32_MAX, &v, &e), 0);
	assert_int_equal(v, UINT32_MAX);
	sg_err_clear(&e);
	assert_int_equal(sg_count_parse("99999999999999999999", 0, UINT64_MAX, &v, &e),
	    SG_EUSAGE);
	assert_non_null(strstr(e.msg, "too large"));
}

/* Random numbers with random suffixes, against arithmetic done here. */
static void
test_size_random(void **state)
{
	static const struct { const char *suf; unsigned shift; } tab[] = {
		{ "", 0 }, { "B", 0 }, { "K", 10 }, { "KiB", 10 }, { "M", 20 },
		{ "MiB", 20 }, { "G", 30 }, { "GB", 30 }, { "T", 40 }, { "TiB", 40 },
	};
	sgt_rng r;
	unsigned i;

	(void)state;
	sgt_rng_init(&r, "size_random");
	for (i = 0; i < sgt_iters(50000); i++) {
		size_t t = (size_t)sgt_below(&r, sizeof tab / sizeof tab[0]);
		uint64_t n = sgt_next(&r) >> sgt_below(&r, 64);
		int fits = n <= (UINT64_MAX >> tab[t].shift);
		uint64_t want = fits ? n << tab[t].shift : 0;
		uint64_t lo = sgt_chance(&r, 50) ? 0 : sgt_next(&r) >> sgt_below(&r, 64);
		uint64_t hi = sgt_chance(&r, 50) ? UINT64_MAX : sgt_next(&r) >> sgt_below(&r, 64);
		uint64_t v = 0xDEADBEEF;
		char s[64];
		sg_err e;
		int rc;

		snprintf(s, sizeof s, "%llu%s", (unsigned long long)n, tab[t].suf);
		sg_err_clear(&e);
		rc = sg_size_parse(s, lo, hi, &v, &e);
		if (fits && want >= lo && want <= hi) {
			if (rc != 0 || v != want)
				fail_msg("\"%s\" in [%llu, %llu]: rc %d value %llu", s,
				    (unsigned long long)lo, (unsigned long long)hi, rc,
				    (unsigned long long)v);
		} else if (rc != SG_EUSAGE || v != 0xDEADBEEF) {
			fail_msg("\"%s\" in [%llu, %llu] accepted as %llu", s,
			    (unsigned long long)lo, (unsigned long long)hi,
			    (unsigned long long)v);
		}
	}
}

static void
fmt_is(uint64_t n, const char *want)
{
	char buf[64];
	char *got = sg_size_format(n, buf, sizeof buf);

	assert_ptr_equal(got, buf);
	if (strcmp(buf, want) != 0)
		fail_msg("sg_size_format(%llu) = \"%s\", want \"%s\"",
		    (unsigned long long)n, buf, want);
}

static void
test_format(void **state)
{
	char small[4];

	(void)state;
	fmt_is(0, "0 B");
	fmt_is(1, "1 B");
	fmt_is(512, "512 B");
	fmt_is(1023, "1023 B");
	fmt_is(1024, "1.0 KiB");
	fmt_is(1536, "1.5 KiB");
	fmt_is(10 * KI, "10.0 KiB");
	fmt_is(MI, "1.0 MiB");
	fmt_is(MI + MI / 2, "1.5 MiB");
	fmt_is(GI, "1.0 GiB");
	fmt_is(5 * TI / 2, "2.5 TiB");
	fmt_is(TI * 1024, "1.0 PiB");
	fmt_is(TI * 1024 * 1024, "1.0 EiB");
	fmt_is(UINT64_MAX, "16.0 EiB");
	/* truncated to the buffer, still a string */
	sg_size_format(123456, small, sizeof small);
	assert_int_equal(strlen(small), 3);
}

/* A formatted value is one a person reads at a glance: under 1024 of its
 * unit, as ls -h and pv print it, never "1024.0 KiB" for a mebibyte. */
static void
test_format_rounding(void **state)
{
	/* 1048524 / 1024 = 1023.949..., 1048525 / 1024 = 1023.950... */
	static const uint64_t edge[] = {
		MI - 52, MI - 51, MI - 1, GI - 1, TI - 1, 1024 * TI - 1, 1023 * KI + 1,
	};
	static const char *want[] = {
		"1023.9 KiB", "1.0 MiB", "1.0 MiB", "1.0 GiB", "1.0 TiB", "1.0 PiB",
		"1023.0 KiB",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof edge / sizeof edge[0]; i++)
		fmt_is(edge[i], want[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_plain),
		cmocka_unit_test(test_size_suffixes),
		cmocka_unit_test(test_size_overflow),
		cmocka_unit_test(test_size_junk),
		cmocka_unit_test(test_size_range),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_size_random),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_rounding),
	};

	return cmocka_run_group_tests_name("size", tests, NULL, NULL);
}
