/* test_sink_exec.c: sg-decode --exec (sink_exec.c) driven through its
 * ops: the SG_* environment and the payload on stdin, checked exactly;
 * payloads bigger than a pipe buffer; commands that read nothing, under
 * each SIGPIPE disposition a caller may have; exit statuses and signals;
 * SG_* variables replaced, not doubled; no pipe end leaked to the child.
 * Files go under a mkdtemp directory. */
#include "sgtest.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sink.h"

#define MiB (1u << 20)

typedef struct fixture {
	char top[200];   /* the mkdtemp directory */
	char out[256];   /* top/out: where commands write */
} fixture;

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	if (sgt_mkdtemp(f->top, sizeof f->top, "exec") < 0)
		return -1;
	snprintf(f->out, sizeof f->out, "%s/out", f->top);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;

	sgt_rmtree(f->top);
	free(f);
	return 0;
}

/* A sink for cmd, where every "@" in cmd stands for f->top. */
static sg_sink *
sink_for(fixture *f, const char *cmd)
{
	sgt_buf b = { 0 };
	sg_sink *s;
	sg_err e;

	for (; *cmd != '\0'; cmd++)
		if (*cmd == '@')
			sgt_buf_str(&b, f->top);
		else
			sgt_buf_byte(&b, (unsigned char)*cmd);
	sgt_buf_byte(&b, 0);
	sg_err_clear(&e);
	s = sg_sink_exec_new((char *)b.p, &e);
	if (s == NULL)
		fail_msg("sg_sink_exec_new: %s", e.msg);
	sgt_buf_free(&b);
	assert_int_equal(sg_sink_exec_status(s), 0);
	return s;
}

/* The whole of f->out, NUL-terminated, to free(). */
static char *
output(fixture *f)
{
	size_t len;
	char *p = (char *)sgt_load(f->out, &len);

	if (p == NULL)
		fail_msg("no file '%s'", f->out);
	return p;
}

/* BEGIN for a source named name[0..len) (NULL: no name). */
static int
begin_len(sg_sink *s, uint32_t source, const char *name, size_t len, sg_err *e)
{
	sg_frame_hdr h = { .type = SG_TYPE_BEGIN, .source = source };
	sg_meta m;

	sg_meta_clear(&m);
	if (name != NULL)
		sg_meta_set_name(&m, name, len);
	return s->ops->begin(s, &h, &m, e);
}

static int
begin(sg_sink *s, uint32_t source, const char *name, sg_err *e)
{
	return begin_len(s, source, name, name != NULL ? strlen(name) : 0, e);
}

static int
data(sg_sink *s, uint32_t source, uint64_t seq, uint64_t offset, uint32_t context,
     const void *p, size_t n, sg_err *e)
{
	sg_frame_hdr h = { .type = SG_TYPE_DATA, .source = source, .seq = seq,
	    .offset = offset, .context = context, .size = (uint32_t)n };

	return s->ops->data(s, &h, p, e);
}

static int
end(sg_sink *s, uint32_t source, sg_err *e)
{
	sg_frame_hdr h = { .type = SG_TYPE_END, .source = source };
	sg_meta m;

	sg_meta_clear(&m);
	return s->ops->end(s, &h, &m, e);
}

/* Every variable and the byte count of stdin, for chunks of two sources
 * from two concatenated streams (both source index 0). */
static void
test_env_and_stdin(void **state)
{
	fixture *f = *state;
	sg_sink *s = sink_for(f, "printf '%s %s %s %s %s [%s] ' \"$SG_SOURCE\" \"$SG_SEQ\" "
	    "\"$SG_OFFSET\" \"$SG_SIZE\" \"$SG_CONTEXT\" \"$SG_NAME\" >> '@/out'; "
	    "wc -c >> '@/out'");
	sg_err e;
	char *got;

	sg_err_clear(&e);
	assert_int_equal(begin(s, 0, "dir/a b.txt", &e), 0);
	assert_int_equal(data(s, 0, 1, 0, 0, "one\n", 4, &e), 0);
	assert_int_equal(data(s, 0, 2, 4, 4, "one\ntwo\n", 8, &e), 0);
	assert_int_equal(end(s, 0, &e), 0);
	assert_int_equal(begin(s, 0, "-", &e), 0);
	assert_int_equal(data(s, 0, 1, 0, 0, "", 0, &e), 0);
	assert_int_equal(end(s, 0, &e), 0);
	assert_int_equal(begin_len(s, 0, "x\0hidden", 8, &e), 0);
	assert_int_equal(data(s, 0, 3, 123456789012, 0, "abc", 3, &e), 0);
	assert_int_equal(end(s, 0, &e), 0);
	assert_int_equal(s->ops->finish(s, &e), 0);
	assert_int_equal(sg_sink_exec_status(s), 0);
	s->ops->free(s);
	got = output(f);
	assert_string_equal(got,
	    "0 1 0 4 0 [dir/a b.txt] 4\n"
	    "0 2 4 8 4 [dir/a b.txt] 8\n"
	    "1 1 0 0 0 [stdin] 0\n"
	    "2 3 123456789012 3 0 [x] 3\n");
	free(got);
}

static void
fill(unsigned char *p, size_t n, sgt_rng *r)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)sgt_next(r);
}

/* Payloads larger than a pipe buffer arrive whole and in order. */
static void
test_big_payload(void **state)
{
	fixture *f = *state;
	size_t n = MiB + 4097;
	unsigned char *p = malloc(n);
	sg_sink *s = sink_for(f, "cat > '@/out'");
	sgt_rng r;
	sg_err e;
	size_t len;
	unsigned char *got;

	sgt_rng_init(&r, "exec big payload");
	fill(p, n, &r);
	sg_err_clear(&e);
	assert_int_equal(begin(s, 0, "big", &e), 0);
	assert_int_equal(data(s, 0, 1, 0, 0, p, n, &e), 0);
	s->ops->free(s);
	got = sgt_load(f->out, &len);
	assert_non_null(got);
	assert_int_equal(len, n);
	assert_memory_equal(got, p, n);
	free(got);
	free(p);
}

/* One run of a command that stops reading (or never reads) a 1 MiB
 * payload: no error, the command ran, and SIGPIPE is neither left pending
 * nor left blocked or unblocked. */
static void
run_not_reading(fixture *f, const char *cmd)
{
	unsigned char *p = calloc(1, MiB);
	sigset_t before, after, pending;
	sg_sink *s = sink_for(f, cmd);
	sg_err e;
	int i;

	assert_int_equal(pthread_sigmask(SIG_SETMASK, NULL, &before), 0);
	sg_err_clear(&e);
	assert_int_equal(begin(s, 0, "n", &e), 0);
	for (i = 1; i <= 3; i++)
		if (data(s, 0, (uint64_t)i, 0, 0, p, MiB, &e) != 0)
			fail_msg("'%s': %s", cmd, e.msg);
	assert_int_equal(sg_sink_exec_status(s), 0);
	s->ops->free(s);
	assert_int_equal(pthread_sigmask(SIG_SETMASK, NULL, &after), 0);
	assert_int_equal(sigismember(&after, SIGPIPE), sigismember(&before, SIGPIPE));
	sigemptyset(&pending);
	assert_int_equal(sigpending(&pending), 0);
	assert_false(sigismember(&pending, SIGPIPE));
	free(p);
	{
		char *got = output(f);

		assert_string_equal(got, "ran\nran\nran\n");
		free(got);
		unlink(f->out);
	}
}

static void
test_not_reading(void **state)
{
	fixture *f = *state;
	void (*old)(int);
	sigset_t pipe_set;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	/* SIGPIPE at its default: it would kill the test if it got through. */
	old = signal(SIGPIPE, SIG_DFL);
	run_not_reading(f, "echo ran >> '@/out'");
	run_not_reading(f, "head -c 10 > /dev/null; echo ran >> '@/out'");
	/* Ignored, as some callers have it. */
	signal(SIGPIPE, SIG_IGN);
	run_not_reading(f, "echo ran >> '@/out'");
	/* Blocked by the caller: still blocked after. */
	signal(SIGPIPE, SIG_DFL);
	pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
	run_not_reading(f, "echo ran >> '@/out'");
	pthread_sigmask(SIG_UNBLOCK, &pipe_set, NULL);
	signal(SIGPIPE, old);
}

/* The command gets SIGPIPE at its default even when we ignore it: a
 * pipeline inside the command ends as the shell's user expects. */
static void
test_child_sigpipe(void **state)
{
	fixture *f = *state;
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	sg_sink *s = sink_for(f, "grep SigIgn /proc/self/status > '@/out'");
	sg_err e;
	char *got;
	unsigned long long ign;

	sg_err_clear(&e);
	assert_int_equal(begin(s, 0, "n", &e), 0);
	assert_int_equal(data(s, 0, 1, 0, 0, "", 0, &e), 0);
	s->ops->free(s);
	signal(SIGPIPE, old);
	got = output(f);
	assert_int_equal(sscanf(got, "SigIgn: %llx", &ign), 1);
	assert_int_equal(ign & (1ull << (SIGPIPE - 1)), 0);
	free(got);
}

static void
test_exit_status(void **state)
{
	fixture *f = *state;
	sg_sink *s = sink_for(f, "cat > /dev/null; exit 3");
	sg_err e;

	sg_err_clear(&e);
	assert_int_equal(begin(s, 0, "logs/f.txt", &e), 0);
	assert_int_equal(data(s, 0, 5, 100, 0, "abc", 3, &e), SG_ECHILD);
	assert_int_equal(e.code, SG_ECHILD);
	assert_string_equal(e.msg,
	    "command failed with exit status 3 on chunk 5 of 'logs/f.txt' (offset 100)");
	assert_int_equal(sg_sink_exec_status(s), 3);
	s->ops->free(s);
}

static void
test_signal(void **state)
{
	fixture *f = *state;
	sg_sink *s = sink_for(f, "kill -9 $$");
	sg_err e;

	sg_err_clear(&e);
	assert_int_equal(begin(s, 0, NULL, &e), 0);
	assert_int_equal(data(s, 0, 2, 7, 0, "abc", 3, &e), SG_ECHILD);
	assert_string_equal(e.msg,
	    "command killed by signal 9 (SIGKILL) on chunk 2 of 'stdin' (offset 7)");
	assert_int_equal(sg_sink_exec_status(s), 137);
	s->ops->free(s);
}

/* A command the shell cannot find: the shell's 127. */
static void
test_missing_command(void **state)
{
	fixture *f = *state;
	sg_sink *s = sink_for(f, "sg-no-such-command-here 2>/dev/null");
	sg_err e;

	sg_err_clear(&e);
	assert_int_equal(begin(s, 0, "n", &e), 0);
	assert_int_equal(data(s, 0, 1, 0, 0, "abc", 3, &e), SG_ECHILD);
	assert_int_equal(sg_sink_exec_status(s), 127);
	assert_non_null(strstr(e.msg, "exit status 127"));
	s->ops->free(s);
}

/* SG_* entries already in our environment are replaced, once each; other
 * names, even SG_SEQX, pass through. The shell would fold duplicates into
 * one variable, so the test reads the environment it was started with. */
static void
test_env_replaced(void **state)
{
	fixture *f = *state;
	sg_sink *s = sink_for(f, "tr '\\000' '\\n' < /proc/$$/environ | grep -E "
	    "'^SG_(SOURCE|NAME|SEQ|SEQX|OFFSET|SIZE|CONTEXT|OTHER)=' | sort > '@/out'");
	sg_err e;
	char *got;

	setenv("SG_SEQ", "bogus", 1);
	setenv("SG_NAME", "bogus", 1);
	setenv("SG_SOURCE", "", 1);
	setenv("SG_SEQX", "kept", 1);
	setenv("SG_OTHER", "kept too", 1);
	sg_err_clear(&e);
	assert_int_equal(begin(s, 0, "the name", &e), 0);
	assert_int_equal(data(s, 0, 4, 40, 2, "abcdef", 6, &e), 0);
	s->ops->free(s);
	unsetenv("SG_SEQ");
	unsetenv("SG_NAME");
	unsetenv("SG_SOURCE");
	unsetenv("SG_SEQX");
	unsetenv("SG_OTHER");
	got = output(f);
	assert_string_equal(got,
	    "SG_CONTEXT=2\n"
	    "SG_NAME=the name\n"
	    "SG_OFFSET=40\n"
	    "SG_OTHER=kept too\n"
	    "SG_SEQ=4\n"
	    "SG_SEQX=kept\n"
	    "SG_SIZE=6\n"
	    "SG_SOURCE=0\n");
	free(got);
}

/* The child holds its stdin's pipe once: the write end is not inherited
 * (else a command reading to the end would never see it). */
static void
test_no_fd_leak(void **state)
{
	fixture *f = *state;
	sg_sink *s = sink_for(f, "p=$(readlink /proc/$$/fd/0); n=0; "
	    "for x in /proc/$$/fd/*; do [ \"$(readlink $x)\" = \"$p\" ] && n=$((n+1)); done; "
	    "echo \"$p $n\" > '@/out'");
	sg_err e;
	char *got;

	sg_err_clear(&e);
	assert_int_equal(begin(s, 0, "n", &e), 0);
	assert_int_equal(data(s, 0, 1, 0, 0, "abc", 3, &e), 0);
	s->ops->free(s);
	got = output(f);
	assert_int_equal(strncmp(got, "pipe:[", 6), 0);
	assert_non_null(strstr(got, "] 1\n"));
	free(got);
}

static void
test_misuse(void **state)
{
	fixture *f = *state;
	sg_sink *s;
	sg_err e;

	sg_err_clear(&e);
	assert_null(sg_sink_exec_new("", &e));
	assert_int_equal(e.code, SG_EUSAGE);
	s = sink_for(f, "true");
	sg_err_clear(&e);
	assert_int_equal(data(s, 0, 1, 0, 0, "a", 1, &e), SG_EINTERNAL);
	s->ops->free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_env_and_stdin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_payload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_reading, setup, teardown),
		cmocka_unit_test_setup_teardown(test_child_sigpipe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_command, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_fd_leak, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misuse, setup, teardown),
	};

	/* A pipe end leaked to a command would hang it (and us) for good:
	 * fail instead. */
	alarm(300);
	return cmocka_run_group_tests_name("sink_exec", tests, NULL, NULL);
}
