/* test_json.c: sg_json_string (json.h) against the rules its header states,
 * with the RFC 3629 reference decoder of sgtest.c deciding what is valid. */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* The JSON string for s, as a NUL-terminated copy. sg_json_string appends,
 * so it is called on a buffer that already holds a prefix, which must be
 * left as it was. */
static char *
render(const void *s, size_t len, size_t *outlen)
{
	static const char prefix[] = "prefix:";
	sg_buf b = SG_BUF_INIT;
	sg_err e;
	char *out;

	sg_err_clear(&e);
	assert_int_equal(sg_buf_append(&b, prefix, sizeof prefix - 1, &e), 0);
	assert_int_equal(sg_json_string(&b, s, len, &e), 0);
	assert_int_equal(e.code, SG_OK);
	assert_true(b.len >= sizeof prefix - 1);
	assert_memory_equal(b.p, prefix, sizeof prefix - 1);
	*outlen = b.len - (sizeof prefix - 1);
	out = malloc(*outlen + 1);
	assert_non_null(out);
	memcpy(out, b.p + sizeof prefix - 1, *outlen);
	out[*outlen] = '\0';
	sg_buf_free(&b);
	return out;
}

static void
is(const char *s, size_t len, const char *want)
{
	size_t n;
	char *got = render(s, len, &n);

	if (n != strlen(want) || memcmp(got, want, n) != 0)
		fail_msg("sg_json_string gave %s, want %s", got, want);
	free(got);
}

static void
test_literals(void **state)
{
	(void)state;
	is("", 0, "\"\"");
	is("plain", 5, "\"plain\"");
	is("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	is("\n\r\t", 3, "\"\\n\\r\\t\"");
	is("\x01\x1f", 2, "\"\\u0001\\u001f\"");
	is("a\0b", 3, "\"a\\u0000b\"");
	is("/\x7f", 2, "\"/\x7f\"");
	is("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 9, "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"");
	is("\xFF", 1, "\"\\ufffd\"");
	is("\xC3", 1, "\"\\ufffd\"");
	is("\xE2\x82", 2, "\"\\ufffd\\ufffd\"");
	is("\xED\xA0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");
	is("\xC0\xAFx", 3, "\"\\ufffd\\ufffdx\"");
}

/* Random bytes: the output is what the header promises, unit by unit. */
static void
test_random(void **state)
{
	static const unsigned char pool[] = {
		0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, '"', '\\', 'a', 0x7F, 0x80, 0xBF, 0xC2, 0xC3,
		0xA9, 0xE2, 0x82, 0xAC, 0xED, 0xA0, 0xF0, 0x9F, 0x98, 0xF4, 0x90, 0xFF,
	};
	sgt_rng r;
	unsigned it;

	(void)state;
	sgt_rng_init(&r, "json_random");
	for (it = 0; it < sgt_iters(3000); it++) {
		unsigned char in[64];
		size_t len = (size_t)sgt_below(&r, sizeof in + 1), i = 0, n;
		sgt_buf want = { 0 };
		char *got;

		for (i = 0; i < len; i++)
			in[i] = pool[sgt_below(&r, sizeof pool)];
		sgt_buf_byte(&want, '"');
		for (i = 0; i < len;) {
			int c = sgt_ref_char(in, len, i);
			unsigned char b = in[i];
			char esc[8];

			if (c > 1) {
				sgt_buf_put(&want, in + i, (size_t)c);
				i += (size_t)c;
				continue;
			}
			if (c < 1)
				sgt_buf_put(&want, "\\ufffd", 6);
			else if (b == '"' || b == '\\')
				sgt_buf_put(&want, b == '"' ? "\\\"" : "\\\\", 2);
			else if (b == '\n')
				sgt_buf_put(&want, "\\n", 2);
			else if (b == '\r')
				sgt_buf_put(&want, "\\r", 2);
			else if (b == '\t')
				sgt_buf_put(&want, "\\t", 2);
			else if (b < 0x20) {
				snprintf(esc, sizeof esc, "\\u%04x", b);
				sgt_buf_put(&want, esc, 6);
			} else
				sgt_buf_byte(&want, b);
			i++;
		}
		sgt_buf_byte(&want, '"');
		got = render(in, len, &n);
		if (n != want.len || memcmp(got, want.p, n) != 0)
			fail_msg("iteration %u: output differs", it);
		/* no raw control character, and valid UTF-8 throughout */
		for (i = 0; i < n;) {
			int c = sgt_ref_char((const unsigned char *)got, n, i);

			assert_true(c >= 1);
			assert_true((unsigned char)got[i] >= 0x20);
			i += (size_t)c;
		}
		free(got);
		sgt_buf_free(&want);
	}
}

/* Appends accumulate: many strings into one buffer give the concatenation
 * of their single renderings, across the buffer's growth; a long string of
 * the worst case (every byte becomes \ufffd) fits exactly. */
static void
test_appends(void **state)
{
	sg_buf all = SG_BUF_INIT;
	sgt_buf want = { 0 };
	sg_err e;
	sgt_rng r;
	unsigned char big[20000];
	size_t i, n;
	char *one;

	(void)state;
	sgt_rng_init(&r, "json_appends");
	sg_err_clear(&e);
	for (i = 0; i < 300; i++) {
		unsigned char in[100];
		size_t len = (size_t)sgt_below(&r, sizeof in + 1), k;

		for (k = 0; k < len; k++)
			in[k] = (unsigned char)sgt_next(&r);
		assert_int_equal(sg_json_string(&all, in, len, &e), 0);
		one = render(in, len, &n);
		sgt_buf_put(&want, one, n);
		free(one);
	}
	assert_int_equal(all.len, want.len);
	assert_memory_equal(all.p, want.p, want.len);
	sg_buf_free(&all);
	sgt_buf_free(&want);

	memset(big, 0xFF, sizeof big);
	one = render(big, sizeof big, &n);
	assert_int_equal(n, 6 * sizeof big + 2);
	for (i = 0; i < sizeof big; i++)
		assert_memory_equal(one + 1 + 6 * i, "\\ufffd", 6);
	free(one);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_appends),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
