/* test_sum.c: the suite's checksum (sum.h) is XXH3-64 as libxxhash
 * computes it, one-shot, seeded and streamed in any pieces. */
#include "sgtest.h"

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "sum.h"

static void
test_known_values(void **state)
{
	(void)state;
	/* XXH3-64 of nothing, seed 0: the reference value of xxHash 0.8 */
	assert_int_equal(sg_sum("", 0), UINT64_C(0x2D06800538D394C2));
	assert_int_equal(sg_sum_seeded("", 0, 0), UINT64_C(0x2D06800538D394C2));
	assert_true(sg_sum("a", 1) != sg_sum("b", 1));
}

/* Every length from 0 to 2 KiB (XXH3 changes code path at 16, 128, 240
 * bytes and per stripe), and larger random ones. */
static void
test_matches_libxxhash(void **state)
{
	size_t cap = 1 << 20, n;
	unsigned char *p = malloc(cap);
	sgt_rng r;
	unsigned i;

	(void)state;
	sgt_rng_init(&r, "sum_matches_libxxhash");
	for (n = 0; n < cap; n++)
		p[n] = (unsigned char)sgt_next(&r);
	for (n = 0; n <= 2048; n++) {
		uint64_t seed = sgt_next(&r);

		assert_int_equal(sg_sum(p, n), XXH3_64bits(p, n));
		assert_int_equal(sg_sum_seeded(p, n, seed), XXH3_64bits_withSeed(p, n, seed));
		assert_int_equal(sg_sum_seeded(p + 1, n, 0), XXH3_64bits(p + 1, n));
	}
	for (i = 0; i < 50; i++) {
		size_t off = (size_t)sgt_below(&r, 64);

		n = (size_t)sgt_range(&r, 0, cap - 64);
		assert_int_equal(sg_sum(p + off, n), XXH3_64bits(p + off, n));
	}
	free(p);
}

/* The running digest of any split equals the one-shot checksum. */
static void
test_stream(void **state)
{
	size_t cap = 300000;
	unsigned char *p = malloc(cap);
	sg_sum_stream *s = sg_sum_stream_new();
	sgt_rng r;
	unsigned i;
	size_t k;

	(void)state;
	sgt_rng_init(&r, "sum_stream");
	assert_non_null(s);
	for (k = 0; k < cap; k++)
		p[k] = (unsigned char)sgt_next(&r);
	assert_int_equal(sg_sum_stream_digest(s), sg_sum("", 0));
	for (i = 0; i < sgt_iters(300); i++) {
		size_t n = (size_t)sgt_range(&r, 0, cap), pos = 0;

		sg_sum_stream_reset(s);
		while (pos < n) {
			size_t piece = (size_t)sgt_range(&r, 0, sgt_chance(&r, 50) ? 300 : n - pos);

			if (piece > n - pos)
				piece = n - pos;
			sg_sum_stream_update(s, p + pos, piece);
			pos += piece;
			if (sgt_chance(&r, 5))
				assert_int_equal(sg_sum_stream_digest(s), XXH3_64bits(p, pos));
		}
		assert_int_equal(sg_sum_stream_digest(s), XXH3_64bits(p, n));
	}
	sg_sum_stream_free(s);
	sg_sum_stream_free(NULL);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_matches_libxxhash),
		cmocka_unit_test(test_stream),
	};

	return cmocka_run_group_tests_name("sum", tests, NULL, NULL);
}
