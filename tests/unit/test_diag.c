/* test_diag.c: the tools' messages (diag.h): one line on stderr, in the
 * suite's one format, and the exit status that goes with it. */
#include "sgtest.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"

/* Run fn with fd (1 or 2) sent to a temporary file; return what it wrote. */
typedef struct capture {
	int fd, saved, tmp;
	char path[64];
} capture;

static void
cap_start(capture *c, int fd)
{
	fflush(fd == 1 ? stdout : stderr);
	strcpy(c->path, "/tmp/sg-test-diag-XXXXXX");
	c->tmp = mkstemp(c->path);
	assert_true(c->tmp >= 0);
	unlink(c->path);
	c->fd = fd;
	c->saved = dup(fd);
	dup2(c->tmp, fd);
}

static char *
cap_end(capture *c)
{
	char *buf = calloc(1, 4096);
	ssize_t n;

	fflush(c->fd == 1 ? stdout : stderr);
	dup2(c->saved, c->fd);
	close(c->saved);
	lseek(c->tmp, 0, SEEK_SET);
	n = read(c->tmp, buf, 4095);
	assert_true(n >= 0);
	close(c->tmp);
	return buf;
}

static void
expect(char *got, const char *want)
{
	int same = strcmp(got, want) == 0;

	if (!same) {
		char msg[600];

		snprintf(msg, sizeof msg, "got \"%s\", want \"%s\"", got, want);
		free(got);
		fail_msg("%s", msg);
	}
	free(got);
}

static void
test_progname(void **state)
{
	char a0[] = "/usr/local/bin/sg-decode", a1[] = "x";
	char *argv[] = { a0, a1, NULL };
	char b0[] = "sg-chunk";
	char *argv2[] = { b0, NULL };
	char e0[] = "";
	char *argv3[] = { e0, NULL };

	(void)state;
	sg_diag_init(argv);
	assert_string_equal(sg_progname(), "sg-decode");
	assert_string_equal(argv[0], "sg-decode");
	sg_diag_init(argv2);
	assert_string_equal(sg_progname(), "sg-chunk");
	sg_diag_init(argv3);
	assert_string_equal(sg_progname(), "sg-chunk");
	assert_string_equal(sg_display_name("-"), "(stdin)");
	assert_string_equal(sg_display_name("a/b"), "a/b");
	assert_string_equal(sg_display_name("--"), "--");
}

static void
test_report(void **state)
{
	char a0[] = "sg-decode";
	char *argv[] = { a0, NULL };
	capture c;
	sg_err e;

	(void)state;
	sg_diag_init(argv);
	sg_err_clear(&e);
	sg_err_at(&e, SG_EDATA, 12, 1048576, "payload checksum mismatch");
	cap_start(&c, 2);
	assert_int_equal(sg_report("x.sg", &e), 65);
	expect(cap_end(&c), "sg-decode: x.sg: frame 12 at offset 1048576: payload checksum mismatch\n");

	sg_err_set(&e, SG_EOPEN, "No such file or directory");
	cap_start(&c, 2);
	assert_int_equal(sg_report("nope", &e), 66);
	expect(cap_end(&c), "sg-decode: nope: No such file or directory\n");

	sg_err_at(&e, SG_EIO, SG_NOPOS, 77, "read error");
	cap_start(&c, 2);
	assert_int_equal(sg_report(NULL, &e), 74);
	expect(cap_end(&c), "sg-decode: offset 77: read error\n");

	/* a reader that went away is not worth a message */
	sg_err_set(&e, SG_EPIPE, "broken pipe");
	cap_start(&c, 2);
	assert_int_equal(sg_report("x", &e), 74);
	expect(cap_end(&c), "");

	cap_start(&c, 2);
	sg_warnx("%d %s", 3, "things");
	expect(cap_end(&c), "sg-decode: 3 things\n");

	cap_start(&c, 1);
	sg_print_version();
	expect(cap_end(&c), "sg-decode (sg) " SG_VERSION "\n");
}

/* Binary output to a terminal is refused, elsewhere allowed. */
static void
test_tty(void **state)
{
	char a0[] = "sg-chunk";
	char *argv[] = { a0, NULL };
	capture out, err;
	int m, s = -1, rc;
	char *msg;

	(void)state;
	sg_diag_init(argv);
	cap_start(&out, 1);
	rc = sg_refuse_tty_output();
	free(cap_end(&out));
	assert_int_equal(rc, 0);

	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0 ||
	    (s = open(ptsname(m), O_RDWR | O_NOCTTY)) < 0) {
		if (m >= 0)
			close(m);
		skip();
	}
	fflush(stdout);
	out.saved = dup(1);
	dup2(s, 1);
	cap_start(&err, 2);
	rc = sg_refuse_tty_output();
	msg = cap_end(&err);
	dup2(out.saved, 1);
	close(out.saved);
	close(s);
	close(m);
	assert_int_equal(rc, 64);
	assert_non_null(strstr(msg, "sg-chunk: "));
	assert_non_null(strstr(msg, "terminal"));
	free(msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_progname),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_tty),
	};

	return cmocka_run_group_tests_name("diag", tests, NULL, NULL);
}
