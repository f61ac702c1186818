/* test_unescape.c: the -d separator escapes. */
#include "sgtest.h"

#include <string.h>

#include "unescape.h"

static void
expect(const char *in, const char *want, size_t want_len)
{
	unsigned char out[64];
	size_t len = 99;
	sg_err e;

	sg_err_clear(&e);
	assert_int_equal(sg_unescape(in, out, sizeof out, &len, &e), 0);
	assert_int_equal(len, want_len);
	assert_memory_equal(out, want, want_len);
}

static void
refuse(const char *in, size_t cap)
{
	unsigned char out[64];
	size_t len = 0;
	sg_err e;

	sg_err_clear(&e);
	assert_int_equal(sg_unescape(in, out, cap, &len, &e), SG_EUSAGE);
	assert_true(strlen(e.msg) > 0);
}

static void
test_escapes(void **state)
{
	(void)state;
	expect("\\0", "\0", 1);
	expect("</doc>", "</doc>", 6);
	expect("\\r\\n", "\r\n", 2);
	expect("\\t\\a\\b\\v\\f\\e", "\t\a\b\v\f\033", 6);
	expect("a\\\\b", "a\\b", 3);
	expect("\\x1e", "\x1e", 1);
	expect("\\xA", "\x0a", 1);
	expect("\\x41B", "AB", 2);   /* at most two hex digits */
	expect("\\101\\0x", "A\0x", 3);
	expect("\\377", "\377", 1);
	expect("\\0000", "\0" "0", 2); /* at most three octal digits */
	expect("", "", 0);
}

static void
test_refused(void **state)
{
	(void)state;
	refuse("abc\\", 64);
	refuse("\\q", 64);
	refuse("\\x", 64);
	refuse("\\xg", 64);
	refuse("\\400", 64);
	refuse("abcd", 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
