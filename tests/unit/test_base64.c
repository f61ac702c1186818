/* test_base64.c: base64.h against RFC 4648 (section 10 test vectors and an
 * encoder written here), the streaming decoder fed in random pieces, and
 * every way the decoder must refuse its input. */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"

static const char abc[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* RFC 4648, section 4, written out bit by bit. */
static void
ref_encode(sgt_buf *out, const unsigned char *p, size_t n)
{
	size_t bit, nbits = n * 8, chars = 0;

	for (bit = 0; bit < nbits; bit += 6) {
		unsigned v = 0, k;

		for (k = 0; k < 6; k++) {
			size_t b = bit + k;

			v <<= 1;
			if (b < nbits)
				v |= (unsigned)(p[b / 8] >> (7 - b % 8)) & 1u;
		}
		sgt_buf_byte(out, (unsigned char)abc[v]);
		chars++;
	}
	while (chars % 4 != 0) {
		sgt_buf_byte(out, '=');
		chars++;
	}
}

/* Decode s[0..n) in the given pieces (cuts are sorted offsets), appending
 * to out after what it holds. Returns the first error, or 0. */
static int
decode_pieces(const char *s, size_t n, const size_t *cuts, size_t ncuts, sg_buf *out,
	      size_t max, sg_err *e)
{
	sg_base64_dec d;
	size_t at = 0, i;
	int rc;

	sg_base64_dec_init(&d);
	sg_err_clear(e);
	for (i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : n;

		if ((rc = sg_base64_dec_feed(&d, out, max, s + at, end - at, e)) < 0)
			return rc;
		at = end;
	}
	return sg_base64_dec_finish(&d, e);
}

static int
decode_all(const char *s, size_t n, sg_buf *out, size_t max, sg_err *e)
{
	return decode_pieces(s, n, NULL, 0, out, max, e);
}

static const struct {
	const char *plain, *coded;
} rfc4648[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};
#define NVEC (sizeof rfc4648 / sizeof rfc4648[0])

static void
test_vectors_encode(void **state)
{
	sg_buf b = SG_BUF_INIT;
	sg_err e;
	size_t i;

	(void)state;
	sg_err_clear(&e);
	for (i = 0; i < NVEC; i++) {
		b.len = 0;
		assert_int_equal(sg_buf_append(&b, "pre", 3, &e), 0);
		assert_int_equal(sg_base64_encode(&b, rfc4648[i].plain, strlen(rfc4648[i].plain),
		    &e), 0);
		assert_int_equal(b.len, 3 + strlen(rfc4648[i].coded));
		assert_memory_equal(b.p, "pre", 3);
		if (b.len > 3)
			assert_memory_equal(b.p + 3, rfc4648[i].coded, b.len - 3);
	}
	/* every byte value, against the bitwise reference */
	{
		unsigned char all[256];
		sgt_buf want = { 0 };

		for (i = 0; i < 256; i++)
			all[i] = (unsigned char)i;
		ref_encode(&want, all, sizeof all);
		b.len = 0;
		assert_int_equal(sg_base64_encode(&b, all, sizeof all, &e), 0);
		assert_int_equal(b.len, want.len);
		assert_memory_equal(b.p, want.p, want.len);
		sgt_buf_free(&want);
	}
	sg_buf_free(&b);
}

/* The vectors decode whole, and in every split into two and three pieces. */
static void
test_vectors_decode(void **state)
{
	sg_buf b = SG_BUF_INIT;
	sg_err e;
	size_t i, c1, c2;

	(void)state;
	for (i = 0; i < NVEC; i++) {
		const char *s = rfc4648[i].coded;
		size_t n = strlen(s), want = strlen(rfc4648[i].plain);

		for (c1 = 0; c1 <= n; c1++) {
			for (c2 = c1; c2 <= n; c2++) {
				size_t cuts[2] = { c1, c2 };

				b.len = 0;
				if (decode_pieces(s, n, cuts, 2, &b, want, &e) != 0)
					fail_msg("\"%s\" cut at %zu, %zu: %s", s, c1, c2, e.msg);
				assert_int_equal(b.len, want);
				if (want > 0)
					assert_memory_equal(b.p, rfc4648[i].plain, want);
			}
		}
	}
	sg_buf_free(&b);
}

/* Random round trips: the encoding matches the reference, and decodes
 * exactly in random pieces (empty ones included), after a prefix already
 * in the buffer, with max just large enough. */
static void
test_random_round_trips(void **state)
{
	sg_buf enc = SG_BUF_INIT, dec = SG_BUF_INIT;
	sgt_rng r;
	unsigned it;

	(void)state;
	sgt_rng_init(&r, "base64_round_trips");
	for (it = 0; it < sgt_iters(3000); it++) {
		unsigned char in[700];
		size_t n = (size_t)sgt_below(&r, sizeof in + 1), i, ncuts, pre;
		size_t cuts[16];
		sgt_buf want = { 0 };
		sg_err e;
		int rc;

		if (sgt_chance(&r, 10))
			n = (size_t)sgt_below(&r, 8);
		for (i = 0; i < n; i++)
			in[i] = (unsigned char)sgt_next(&r);
		sg_err_clear(&e);
		enc.len = 0;
		assert_int_equal(sg_base64_encode(&enc, in, n, &e), 0);
		ref_encode(&want, in, n);
		assert_int_equal(enc.len, want.len);
		if (n > 0)
			assert_memory_equal(enc.p, want.p, want.len);
		sgt_buf_free(&want);

		ncuts = (size_t)sgt_below(&r, 16);
		for (i = 0; i < ncuts; i++)
			cuts[i] = (size_t)sgt_below(&r, enc.len + 1);
		for (i = 1; i < ncuts; i++) { /* insertion sort */
			size_t k = i, v = cuts[i];

			while (k > 0 && cuts[k - 1] > v) {
				cuts[k] = cuts[k - 1];
				k--;
			}
			cuts[k] = v;
		}
		pre = (size_t)sgt_below(&r, 5);
		dec.len = 0;
		assert_int_equal(sg_buf_append(&dec, "\x01\x02\x03\x04", pre, &e), 0);
		rc = decode_pieces((const char *)enc.p, enc.len, cuts, ncuts, &dec, pre + n, &e);
		if (rc != 0)
			fail_msg("iteration %u: %zu bytes: %s", it, n, e.msg);
		assert_int_equal(dec.len, pre + n);
		assert_memory_equal(dec.p, "\x01\x02\x03\x04", pre);
		if (n > 0) {
			assert_memory_equal(dec.p + pre, in, n);
			/* one byte less room is refused */
			dec.len = pre;
			rc = decode_pieces((const char *)enc.p, enc.len, cuts, ncuts, &dec,
			    pre + n - 1, &e);
			assert_int_equal(rc, SG_EDATA);
			assert_int_equal(e.code, SG_EDATA);
			assert_true(dec.len <= pre + n - 1);
		}
	}
	sg_buf_free(&enc);
	sg_buf_free(&dec);
}

/* Decoding s must fail with SG_EDATA however it is split. */
static void
refused(const char *s, size_t n, size_t max)
{
	sg_buf b = SG_BUF_INIT;
	sg_err e;
	size_t c;

	for (c = 0; c <= n; c++) {
		int rc;

		b.len = 0;
		rc = decode_pieces(s, n, &c, 1, &b, max, &e);
		if (rc != SG_EDATA || e.code != SG_EDATA)
			fail_msg("\"%.*s\" cut at %zu: rc %d, want SG_EDATA", (int)n, s, c, rc);
		assert_true(b.len <= max);
	}
	sg_buf_free(&b);
}

static void
accepted(const char *s, const char *want, size_t max)
{
	sg_buf b = SG_BUF_INIT;
	sg_err e;

	if (decode_all(s, strlen(s), &b, max, &e) != 0)
		fail_msg("\"%s\": %s", s, e.msg);
	assert_int_equal(b.len, strlen(want));
	if (b.len > 0)
		assert_memory_equal(b.p, want, b.len);
	sg_buf_free(&b);
}

static void
test_bad_characters(void **state)
{
	unsigned c;

	(void)state;
	/* every byte outside the alphabet, in each position of a group */
	for (c = 0; c < 256; c++) {
		char s[9];
		size_t pos;

		if (c == '=' || (c != 0 && strchr(abc, (int)c) != NULL))
			continue;
		for (pos = 0; pos < 8; pos++) {
			memcpy(s, "Zm9vYmFy", 8);
			s[pos] = (char)c;
			refused(s, 8, 100);
		}
	}
	/* URL-safe alphabet, blanks and line breaks are not base64 here */
	refused("Zm9v-_==", 8, 100);
	refused("Zm9v\nYmFy", 9, 100);
	refused("Zm9v YmFy", 9, 100);
	refused("Zm9vYmFy\r\n", 10, 100);
}

static void
test_bad_padding(void **state)
{
	static const char *const bad[] = {
		"=", "==", "===", "====", "=AAA", "A===", "A=AA", "AB=C", "A=B=",
		"Zg==Zg==", "Zm8=Zm8=", "Zg==A", "Zm8=A", "Zg===", "Zm8==",
		"Zm9v=", "Zm9v====", "Zm9vY===", "Zg=", "Zm9vYg=",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		refused(bad[i], strlen(bad[i]), 100);
	/* padding in its place is fine */
	accepted("Zg==", "f", 100);
	accepted("Zm8=", "fo", 100);
}

static void
test_bad_length(void **state)
{
	static const char *const bad[] = { "Z", "Zm", "Zm9", "Zm9vY", "Zm9vYm", "Zm9vYmF" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		refused(bad[i], strlen(bad[i]), 100);
	accepted("", "", 0);
}

/* max bounds the whole buffer, padded groups included. */
static void
test_max(void **state)
{
	(void)state;
	accepted("Zm9vYmFy", "foobar", 6);
	refused("Zm9vYmFy", 8, 5);
	refused("Zm9vYmFy", 8, 3);
	refused("Zm9vYmFy", 8, 0);
	accepted("Zm9vYg==", "foob", 4);
	refused("Zm9vYg==", 8, 3);
	accepted("Zm9vYmE=", "fooba", 5);
	refused("Zm9vYmE=", 8, 4);
	accepted("Zg==", "f", 1);
	refused("Zg==", 4, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_encode),
		cmocka_unit_test(test_vectors_decode),
		cmocka_unit_test(test_random_round_trips),
		cmocka_unit_test(test_bad_characters),
		cmocka_unit_test(test_bad_padding),
		cmocka_unit_test(test_bad_length),
		cmocka_unit_test(test_max),
	};

	return cmocka_run_group_tests_name("base64", tests, NULL, NULL);
}
