/* test_sink_split.c: sg-decode --split (sink_split.c) driven through its
 * ops: template checks, names from every directive, files and the path
 * list, sources counted across concatenated streams, replacing files,
 * permissions, long names, write errors and a vanished reader, and no
 * temporary file left behind. Files go under a mkdtemp directory. */
#include "sgtest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sink.h"

typedef struct fixture {
	char top[200];        /* the mkdtemp directory */
	char dir[256];        /* top/out: the split directory, not yet made */
	char list[256];       /* top/list: out_fd's file */
	int out;
} fixture;

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	if (sgt_mkdtemp(f->top, sizeof f->top, "split") < 0)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/out", f->top);
	snprintf(f->list, sizeof f->list, "%s/list", f->top);
	f->out = open(f->list, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (f->out < 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;

	close(f->out);
	sgt_rmtree(f->top);
	free(f);
	return 0;
}

/* The names in dir (hidden ones too), sorted, joined by '|'. */
static void
list_dir(const char *dir, char *out, size_t cap)
{
	struct dirent **ent;
	int n, i;
	size_t len = 0;

	out[0] = '\0';
	n = scandir(dir, &ent, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		if (strcmp(ent[i]->d_name, ".") != 0 && strcmp(ent[i]->d_name, "..") != 0)
			len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "|" : "",
			    ent[i]->d_name);
		free(ent[i]);
	}
	free(ent);
	assert_true(len < cap);
}

/* The file dir/name holds exactly p[0..n). */
static void
assert_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[PATH_MAX + NAME_MAX];
	size_t len;
	unsigned char *got;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	got = sgt_load(path, &len);
	if (got == NULL)
		fail_msg("no file '%s'", path);
	assert_int_equal(len, n);
	assert_memory_equal(got, p, n);
	free(got);
}

/* What out_fd got so far. */
static sgt_buf
listed(fixture *f)
{
	sgt_buf b = { 0 };
	size_t len;
	unsigned char *p = sgt_load(f->list, &len);

	assert_non_null(p);
	sgt_buf_put(&b, p, len);
	sgt_buf_byte(&b, 0);
	b.len--;
	free(p);
	return b;
}

static int
begin(sg_sink *s, uint32_t source, const char *name, size_t name_len, sg_err *e)
{
	sg_frame_hdr h = { .type = SG_TYPE_BEGIN, .source = source };
	sg_meta m;

	sg_meta_clear(&m);
	if (name != NULL)
		sg_meta_set_name(&m, name, name_len);
	return s->ops->begin(s, &h, &m, e);
}

static int
data(sg_sink *s, uint32_t source, uint64_t seq, uint64_t offset, uint32_t context,
     const char *p, sg_err *e)
{
	sg_frame_hdr h = { .type = SG_TYPE_DATA, .source = source, .seq = seq,
	    .offset = offset, .context = context, .size = (uint32_t)strlen(p) };

	return s->ops->data(s, &h, (const unsigned char *)p, e);
}

static int
end(sg_sink *s, uint32_t source, sg_err *e)
{
	sg_frame_hdr h = { .type = SG_TYPE_END, .source = source };
	sg_meta m;

	sg_meta_clear(&m);
	return s->ops->end(s, &h, &m, e);
}

static void
test_template_checks(void **state)
{
	fixture *f = *state;
	static const struct {
		const char *t, *why;
	} bad[] = {
		{ "a/%i", "'/'" },
		{ "%i/", "'/'" },
		{ "%x", "unknown directive '%x'" },
		{ "%06x", "unknown directive '%x'" },
		{ "%-3i", "digits only" },
		{ "%3.2q", "digits only" },
		{ "% i", "digits only" },
		{ "plain", "none of %i %n %q %o" },
		{ "", "none of %i %n %q %o" },
		{ "%%", "none of %i %n %q %o" },
		{ "a%", "ends inside a directive" },
		{ "%12", "ends inside a directive" },
		{ "%3%%i", "takes no width" },
		{ "%256i", "longer than 255" },
		{ "%99999999999999999999i", "longer than 255" },
		{ "%200i%56q", "longer than 255" },
	};
	char lit[300];
	struct stat st;
	sg_sink *s;
	sg_err e;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sg_err_clear(&e);
		s = sg_sink_split_new(f->dir, bad[i].t, f->out, '\n', &e);
		if (s != NULL)
			fail_msg("template '%s' was accepted", bad[i].t);
		assert_int_equal(e.code, SG_EUSAGE);
		if (strstr(e.msg, bad[i].why) == NULL)
			fail_msg("template '%s': message '%s' lacks '%s'", bad[i].t, e.msg, bad[i].why);
		assert_non_null(strstr(e.msg, bad[i].t));
		/* A refused template creates no directory. */
		assert_int_equal(stat(f->dir, &st), -1);
	}
	/* 254 literal bytes and a number fit; one more does not. */
	memset(lit, 'a', 254);
	strcpy(lit + 254, "%i");
	sg_err_clear(&e);
	assert_non_null(s = sg_sink_split_new(f->dir, lit, f->out, '\n', &e));
	s->ops->free(s);
	assert_int_equal(rmdir(f->dir), 0);
	memset(lit, 'a', 255);
	strcpy(lit + 255, "%n");
	sg_err_clear(&e);
	assert_null(sg_sink_split_new(f->dir, lit, f->out, '\n', &e));
	assert_int_equal(e.code, SG_EUSAGE);
	assert_int_equal(stat(f->dir, &st), -1);
	/* Good ones. */
	for (i = 0; i < 5; i++) {
		static const char *good[] = { "%n", "%%%i", "x%oy", "%0q", NULL };

		sg_err_clear(&e);
		s = sg_sink_split_new(f->dir, good[i], f->out, '\0', &e);
		if (s == NULL)
			fail_msg("template '%s' refused: %s", good[i] ? good[i] : "(default)", e.msg);
		s->ops->free(s);
	}
	/* A separator other than newline or NUL is the caller's bug. */
	sg_err_clear(&e);
	assert_null(sg_sink_split_new(f->dir, NULL, f->out, ',', &e));
	assert_int_equal(e.code, SG_EINTERNAL);
}

/* The default template, two concatenated streams (source index 0 twice),
 * context bytes kept, the path list exact, no temporary left. */
static void
test_default(void **state)
{
	fixture *f = *state;
	char names[1024], want[2048];
	struct stat st;
	sgt_buf out;
	sg_sink *s;
	sg_err e;

	sg_err_clear(&e);
	assert_int_equal(stat(f->dir, &st), -1);
	assert_non_null(s = sg_sink_split_new(f->dir, NULL, f->out, '\n', &e));
	assert_int_equal(stat(f->dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(begin(s, 0, "a.txt", 5, &e), 0);
	assert_int_equal(data(s, 0, 1, 0, 0, "one\n", &e), 0);
	assert_int_equal(data(s, 0, 2, 4, 4, "one\ntwo\n", &e), 0);
	assert_int_equal(end(s, 0, &e), 0);
	assert_int_equal(begin(s, 0, "b.txt", 5, &e), 0);
	assert_int_equal(data(s, 0, 1, 0, 0, "", &e), 0);
	assert_int_equal(end(s, 0, &e), 0);
	assert_int_equal(begin(s, 0, "c.txt", 5, &e), 0);
	assert_int_equal(data(s, 0, 1, 0, 0, "x", &e), 0);
	assert_int_equal(end(s, 0, &e), 0);
	assert_int_equal(s->ops->finish(s, &e), 0);
	s->ops->free(s);

	list_dir(f->dir, names, sizeof names);
	assert_string_equal(names, "000000-0000000001|000000-0000000002|"
	    "000001-0000000001|000002-0000000001");
	assert_file(f->dir, "000000-0000000001", "one\n", 4);
	assert_file(f->dir, "000000-0000000002", "one\ntwo\n", 8);
	assert_file(f->dir, "000001-0000000001", "", 0);
	assert_file(f->dir, "000002-0000000001", "x", 1);
	out = listed(f);
	snprintf(want, sizeof want, "%s/000000-0000000001\n%s/000000-0000000002\n"
	    "%s/000001-0000000001\n%s/000002-0000000001\n", f->dir, f->dir, f->dir, f->dir);
	assert_string_equal((char *)out.p, want);
	sgt_buf_free(&out);
}

/* Every directive, widths, and %n made safe. */
static void
test_directives(void **state)
{
	fixture *f = *state;
	static const struct {
		const char *name;
		size_t len;
		const char *file;
	} src[] = {
		{ "dir/sub/f.log", 13, "dir_sub_f.log.000.q7.o123.%" },
		{ ".", 1, "_.001.q7.o123.%" },
		{ "..", 2, "_.002.q7.o123.%" },
		{ "...", 3, "....003.q7.o123.%" },
		{ "-", 1, "stdin.004.q7.o123.%" },
		{ NULL, 0, "stdin.005.q7.o123.%" },
		{ "", 0, "stdin.006.q7.o123.%" },
		{ "/", 1, "_.007.q7.o123.%" },
		{ "x\0y", 3, "x.008.q7.o123.%" },
		{ "/abs/p", 6, "_abs_p.009.q7.o123.%" },
	};
	char got[4096], want[4096] = "", path[PATH_MAX];
	size_t i, len = 0;
	sg_sink *s;
	sg_err e;

	sg_err_clear(&e);
	assert_non_null(s = sg_sink_split_new(f->dir, "%9n.%03i.q%q.o%o.%%", f->out, '\n', &e));
	for (i = 0; i < sizeof src / sizeof src[0]; i++) {
		assert_int_equal(begin(s, (uint32_t)i, src[i].name, src[i].len, &e), 0);
		if (data(s, (uint32_t)i, 7, 123, 0, src[i].file, &e) != 0)
			fail_msg("%s", e.msg);
		assert_int_equal(end(s, (uint32_t)i, &e), 0);
		snprintf(path, sizeof path, "%s/%s", f->dir, src[i].file);
		len += (size_t)snprintf(want + len, sizeof want - len, "%s\n", path);
		assert_file(f->dir, src[i].file, src[i].file, strlen(src[i].file));
	}
	s->ops->free(s);
	{
		sgt_buf out = listed(f);

		assert_string_equal((char *)out.p, want);
		sgt_buf_free(&out);
	}
	list_dir(f->dir, got, sizeof got);
	assert_string_equal(got, "....003.q7.o123.%|_.001.q7.o123.%|_.002.q7.o123.%|"
	    "_.007.q7.o123.%|_abs_p.009.q7.o123.%|dir_sub_f.log.000.q7.o123.%|"
	    "stdin.004.q7.o123.%|stdin.005.q7.o123.%|stdin.006.q7.o123.%|x.008.q7.o123.%");
}

/* Numbers wider than their width, at the top of their range. */
static void
test_numbers(void **state)
{
	fixture *f = *state;
	char got[1024];
	sg_sink *s;
	sg_err e;

	sg_err_clear(&e);
	assert_non_null(s = sg_sink_split_new(f->dir, "%2q_%o_%1i", f->out, '\n', &e));
	assert_int_equal(begin(s, 0, "n", 1, &e), 0);
	assert_int_equal(data(s, 0, 12345, UINT64_MAX, 0, "a", &e), 0);
	assert_int_equal(data(s, 0, 3, 0, 0, "b", &e), 0);
	s->ops->free(s);
	list_dir(f->dir, got, sizeof got);
	assert_string_equal(got, "03_0_0|12345_18446744073709551615_0");
}

/* -0 and a DIR given with a trailing '/': the path keeps one '/'. */
static void
test_nul_and_slash(void **state)
{
	fixture *f = *state;
	char dir[PATH_MAX + 1], want[3 * PATH_MAX];
	size_t wlen;
	sgt_buf out;
	sg_sink *s;
	sg_err e;

	snprintf(dir, sizeof dir, "%s/", f->dir);
	sg_err_clear(&e);
	assert_non_null(s = sg_sink_split_new(dir, "%q", f->out, '\0', &e));
	assert_int_equal(begin(s, 0, "n", 1, &e), 0);
	assert_int_equal(data(s, 0, 1, 0, 0, "a\nb", &e), 0);
	assert_int_equal(data(s, 0, 2, 3, 0, "c", &e), 0);
	s->ops->free(s);
	out = listed(f);
	wlen = (size_t)snprintf(want, sizeof want, "%s/1%c%s/2%c", f->dir, 0, f->dir, 0);
	assert_int_equal(out.len, wlen);
	assert_memory_equal(out.p, want, wlen);
	sgt_buf_free(&out);
	assert_file(f->dir, "1", "a\nb", 3);
}

/* An existing file is replaced (renamed over: a hard link to it keeps the
 * old bytes), a stale temporary is cleared, new files get 0666 & ~umask,
 * and DIR may exist already. */
static void
test_replace_and_mode(void **state)
{
	fixture *f = *state;
	char path[PATH_MAX + 32], link_path[PATH_MAX + 32], tmp[PATH_MAX + 32], got[256];
	struct stat st;
	mode_t old;
	sg_sink *s;
	sg_err e;
	int fd;

	assert_int_equal(mkdir(f->dir, 0755), 0);
	snprintf(path, sizeof path, "%s/1", f->dir);
	snprintf(link_path, sizeof link_path, "%s/old", f->top);
	snprintf(tmp, sizeof tmp, "%s/.1.tmp", f->dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "old bytes", 9), 9);
	close(fd);
	assert_int_equal(link(path, link_path), 0);
	fd = open(tmp, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "stale", 5), 5);
	close(fd);

	old = umask(027);
	sg_err_clear(&e);
	s = sg_sink_split_new(f->dir, "%q", f->out, '\n', &e);
	assert_non_null(s);
	assert_int_equal(begin(s, 0, "n", 1, &e), 0);
	assert_int_equal(data(s, 0, 1, 0, 0, "new", &e), 0);
	umask(0);
	assert_int_equal(data(s, 0, 2, 3, 0, "two", &e), 0);
	umask(old);
	s->ops->free(s);

	assert_file(f->dir, "1", "new", 3);
	assert_file(f->top, "old", "old bytes", 9);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	snprintf(path, sizeof path, "%s/2", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0666);
	list_dir(f->dir, got, sizeof got);
	assert_string_equal(got, "1|2");
}

static void
test_dir_errors(void **state)
{
	fixture *f = *state;
	char deep[PATH_MAX + 8];
	sg_err e;

	/* A file where DIR should be. */
	sg_err_clear(&e);
	assert_null(sg_sink_split_new(f->list, NULL, f->out, '\n', &e));
	assert_int_equal(e.code, SG_EIO);
	assert_non_null(strstr(e.msg, "not a directory"));
	assert_non_null(strstr(e.msg, f->list));
	/* Only one level is made. */
	snprintf(deep, sizeof deep, "%s/a/b", f->dir);
	sg_err_clear(&e);
	assert_null(sg_sink_split_new(deep, NULL, f->out, '\n', &e));
	assert_int_equal(e.code, SG_EIO);
	assert_non_null(strstr(e.msg, deep));
	sg_err_clear(&e);
	assert_null(sg_sink_split_new("", NULL, f->out, '\n', &e));
	assert_int_equal(e.code, SG_EUSAGE);
}

/* 255 bytes is the longest name, and its temporary name is cut to fit;
 * one more byte is an error naming the chunk. */
static void
test_long_names(void **state)
{
	fixture *f = *state;
	char name[256], file[300], got[1024];
	sg_sink *s;
	sg_err e;

	memset(name, 'n', 253);
	name[253] = '\0';
	sg_err_clear(&e);
	assert_non_null(s = sg_sink_split_new(f->dir, "%n-%q", f->out, '\n', &e));
	assert_int_equal(begin(s, 0, name, 253, &e), 0);
	assert_int_equal(data(s, 0, 9, 0, 0, "nine", &e), 0);
	snprintf(file, sizeof file, "%s-9", name);
	assert_int_equal(strlen(file), 255);
	assert_file(f->dir, file, "nine", 4);
	sg_err_clear(&e);
	assert_int_equal(data(s, 0, 10, 4, 0, "ten", &e), SG_EDATA);
	assert_non_null(strstr(e.msg, "chunk 10"));
	assert_non_null(strstr(e.msg, "255"));
	assert_non_null(strstr(e.msg, "nnnn"));
	s->ops->free(s);
	list_dir(f->dir, got, sizeof got);
	assert_string_equal(got, file);
}

/* A write that fails (here a file size limit, as ENOSPC would) is SG_EIO
 * naming the source and the path, and leaves no temporary file. */
static void
test_write_error(void **state)
{
	fixture *f = *state;
	char big[8192], got[256], path[PATH_MAX + 16];
	struct rlimit old, small;
	void (*old_xfsz)(int);
	sg_sink *s;
	sg_err e;
	int rc;

	memset(big, 'b', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	sg_err_clear(&e);
	assert_non_null(s = sg_sink_split_new(f->dir, "c%q", f->out, '\n', &e));
	assert_int_equal(begin(s, 0, "src.txt", 7, &e), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 1000;
	old_xfsz = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	rc = data(s, 0, 1, 0, 0, big, &e);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, old_xfsz);
	assert_int_equal(rc, SG_EIO);
	snprintf(path, sizeof path, "'%s/c1'", f->dir);
	assert_non_null(strstr(e.msg, path));
	assert_int_equal(strncmp(e.msg, "src.txt: cannot write", 21), 0);
	assert_non_null(strstr(e.msg, "too large"));
	list_dir(f->dir, got, sizeof got);
	assert_string_equal(got, "");
	s->ops->free(s);
	{
		sgt_buf out = listed(f);

		assert_int_equal(out.len, 0);
		sgt_buf_free(&out);
	}
}

/* The reader of the path list went away: SG_EPIPE (the file is there). */
static void
test_epipe(void **state)
{
	fixture *f = *state;
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	char got[256];
	sg_sink *s;
	sg_err e;
	int p[2];

	assert_int_equal(pipe(p), 0);
	close(p[0]);
	sg_err_clear(&e);
	assert_non_null(s = sg_sink_split_new(f->dir, "%q", p[1], '\n', &e));
	assert_int_equal(begin(s, 0, "n", 1, &e), 0);
	assert_int_equal(data(s, 0, 1, 0, 0, "a", &e), SG_EPIPE);
	s->ops->free(s);
	close(p[1]);
	signal(SIGPIPE, old);
	list_dir(f->dir, got, sizeof got);
	assert_string_equal(got, "1");
}

/* A directory in the way of a name: the rename fails, SG_EIO, no temp. */
static void
test_rename_error(void **state)
{
	fixture *f = *state;
	char sub[PATH_MAX + 8], got[256];
	sg_sink *s;
	sg_err e;

	sg_err_clear(&e);
	assert_non_null(s = sg_sink_split_new(f->dir, "%q", f->out, '\n', &e));
	snprintf(sub, sizeof sub, "%s/1", f->dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(begin(s, 0, "n", 1, &e), 0);
	assert_int_equal(data(s, 0, 1, 0, 0, "a", &e), SG_EIO);
	assert_non_null(strstr(e.msg, sub));
	list_dir(f->dir, got, sizeof got);
	assert_string_equal(got, "1");
	s->ops->free(s);
}

static void
test_misuse(void **state)
{
	fixture *f = *state;
	sg_sink *s;
	sg_err e;

	sg_err_clear(&e);
	assert_non_null(s = sg_sink_split_new(f->dir, "%q", f->out, '\n', &e));
	assert_int_equal(data(s, 0, 1, 0, 0, "a", &e), SG_EINTERNAL);
	s->ops->free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_template_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directives, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_and_slash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_and_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_epipe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misuse, setup, teardown),
	};

	return cmocka_run_group_tests_name("sink_split", tests, NULL, NULL);
}
