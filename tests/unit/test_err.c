/* test_err.c: error records and the suite's one exit-status table (err.h). */
#include "sgtest.h"

#include <string.h>

#include "err.h"

static void
test_set_and_clear(void **state)
{
	sg_err e;

	(void)state;
	memset(&e, 0x55, sizeof e);
	sg_err_clear(&e);
	assert_int_equal(e.code, SG_OK);
	assert_int_equal(e.frame, SG_NOPOS);
	assert_int_equal(e.offset, SG_NOPOS);
	assert_string_equal(e.msg, "");

	assert_int_equal(sg_err_set(&e, SG_EDATA, "bad %s %d", "thing", 7), SG_EDATA);
	assert_int_equal(e.code, SG_EDATA);
	assert_string_equal(e.msg, "bad thing 7");
	assert_int_equal(e.frame, SG_NOPOS);
	assert_int_equal(e.offset, SG_NOPOS);

	assert_int_equal(sg_err_at(&e, SG_EIO, 12, 1048576, "at %u", 3u), SG_EIO);
	assert_int_equal(e.code, SG_EIO);
	assert_int_equal(e.frame, 12);
	assert_int_equal(e.offset, 1048576);
	assert_string_equal(e.msg, "at 3");

	/* set forgets an earlier position */
	assert_int_equal(sg_err_set(&e, SG_EUSAGE, "x"), SG_EUSAGE);
	assert_int_equal(e.frame, SG_NOPOS);
	assert_int_equal(e.offset, SG_NOPOS);
}

static void
test_long_message(void **state)
{
	char big[1000];
	sg_err e;

	(void)state;
	memset(big, 'm', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	sg_err_set(&e, SG_EDATA, "%s", big);
	assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
	assert_int_equal(e.msg[0], 'm');
}

static void
test_exit_status(void **state)
{
	(void)state;
	assert_int_equal(sg_exit_status(SG_OK), 0);
	assert_int_equal(sg_exit_status(SG_EUSAGE), 64);
	assert_int_equal(sg_exit_status(SG_EDATA), 65);
	assert_int_equal(sg_exit_status(SG_EOPEN), 66);
	assert_int_equal(sg_exit_status(SG_EINTERNAL), 70);
	assert_int_equal(sg_exit_status(SG_ENOMEM), 71);
	assert_int_equal(sg_exit_status(SG_EIO), 74);
	assert_int_equal(sg_exit_status(SG_EPIPE), 74);
	assert_int_equal(sg_exit_status(SG_ERESUME), 75);
	assert_int_equal(sg_exit_status(-99), 70);
	assert_int_equal(sg_exit_status(5), 70);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_and_clear),
		cmocka_unit_test(test_long_message),
		cmocka_unit_test(test_exit_status),
	};

	return cmocka_run_group_tests_name("err", tests, NULL, NULL);
}
