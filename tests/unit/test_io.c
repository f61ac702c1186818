/* test_io.c: file-descriptor I/O without surprises (io.h), on real pipes,
 * files and directories. */
#include "sgtest.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "io.h"

static int
temp_file(char *path)
{
	int fd;

	strcpy(path, "/tmp/sg-test-io-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	return fd;
}

static sgt_buf
slurp(int fd)
{
	sgt_buf b = { 0 };
	unsigned char chunk[8192];
	ssize_t n;

	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		sgt_buf_put(&b, chunk, (size_t)n);
	return b;
}

static void
test_read_write_file(void **state)
{
	char path[64];
	int fd = temp_file(path);
	size_t len = 3 * 1024 * 1024 + 17, i;
	unsigned char *p = malloc(len), back[100];
	sgt_buf got;
	sg_err e;

	(void)state;
	unlink(path);
	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 7);
	sg_err_clear(&e);
	assert_int_equal(sg_io_write_all(fd, p, len, &e), 0);
	got = slurp(fd);
	assert_int_equal(got.len, len);
	assert_memory_equal(got.p, p, len);
	sgt_buf_free(&got);
	assert_int_equal(lseek(fd, 5, SEEK_SET), 5);
	assert_int_equal(sg_io_read(fd, back, sizeof back, &e), (ssize_t)sizeof back);
	assert_memory_equal(back, p + 5, sizeof back);
	assert_int_equal(lseek(fd, 0, SEEK_END), (off_t)len);
	assert_int_equal(sg_io_read(fd, back, sizeof back, &e), 0);
	assert_false(sg_io_is_live(fd));
	close(fd);
	/* a closed descriptor */
	assert_int_equal(sg_io_read(fd, back, sizeof back, &e), SG_EIO);
	assert_int_equal(sg_io_write_all(fd, p, 10, &e), SG_EIO);
	free(p);
}

static void
test_writev(void **state)
{
	char path[64];
	int fd = temp_file(path);
	struct iovec iov[40];
	sgt_buf want = { 0 }, got;
	sgt_rng r;
	int i;
	sg_err e;

	(void)state;
	unlink(path);
	sgt_rng_init(&r, "io_writev");
	for (i = 0; i < 40; i++) {
		size_t n = i % 5 == 0 ? 0 : (size_t)sgt_range(&r, 1, 100000), k;
		unsigned char *p = malloc(n + 1);

		for (k = 0; k < n; k++)
			p[k] = (unsigned char)sgt_next(&r);
		sgt_buf_put(&want, p, n);
		iov[i].iov_base = p;
		iov[i].iov_len = n;
	}
	{
		void *bases[40];

		for (i = 0; i < 40; i++)
			bases[i] = iov[i].iov_base;
		sg_err_clear(&e);
		assert_int_equal(sg_io_writev_all(fd, iov, 40, &e), 0);
		for (i = 0; i < 40; i++)
			free(bases[i]);
	}
	got = slurp(fd);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.p, want.p, want.len);
	sgt_buf_free(&got);
	sgt_buf_free(&want);
	close(fd);
}

/* A pipe: live, waiting or not, short writes finished, a vanished reader
 * reported as SG_EPIPE. */
static void
test_pipe(void **state)
{
	int p[2];
	char buf[16];
	sg_err e;

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(p), 0);
	assert_true(sg_io_is_live(p[0]));
	assert_false(sg_io_input_waiting(p[0]));
	sg_err_clear(&e);
	assert_int_equal(sg_io_write_all(p[1], "hello", 5, &e), 0);
	assert_true(sg_io_input_waiting(p[0]));
	assert_int_equal(sg_io_read(p[0], buf, sizeof buf, &e), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_false(sg_io_input_waiting(p[0]));
	close(p[1]);
	assert_true(sg_io_input_waiting(p[0]));  /* the end is waiting */
	assert_int_equal(sg_io_read(p[0], buf, sizeof buf, &e), 0);
	close(p[0]);

	assert_int_equal(pipe(p), 0);
	close(p[0]);
	assert_int_equal(sg_io_write_all(p[1], "x", 1, &e), SG_EPIPE);
	{
		struct iovec iov = { .iov_base = "y", .iov_len = 1 };

		assert_int_equal(sg_io_writev_all(p[1], &iov, 1, &e), SG_EPIPE);
	}
	close(p[1]);
	signal(SIGPIPE, SIG_DFL);
}

static void
test_widen_pipe(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	sg_io_widen_pipe(p[1], 256 * 1024);
#ifdef F_GETPIPE_SZ
	assert_true(fcntl(p[1], F_GETPIPE_SZ) >= 256 * 1024);
#endif
	close(p[0]);
	close(p[1]);
	/* harmless on what is not a pipe */
	sg_io_widen_pipe(-1, 1 << 20);
}

static void
test_open_input(void **state)
{
	char path[64];
	int fd = temp_file(path), got;
	sg_err e;

	(void)state;
	close(fd);
	sg_err_clear(&e);
	assert_int_equal(sg_io_open_input("-", &e), 0);
	got = sg_io_open_input(path, &e);
	assert_true(got > 2);
	assert_false(sg_io_is_live(got));
	close(got);
	unlink(path);
	sg_err_clear(&e);
	assert_int_equal(sg_io_open_input(path, &e), SG_EOPEN);
	assert_non_null(strstr(e.msg, strerror(ENOENT)));
	sg_err_clear(&e);
	assert_int_equal(sg_io_open_input("/tmp", &e), SG_EOPEN);
	assert_non_null(strstr(e.msg, "directory"));
}

/* sg_io_emit_frame writes a frame the reader reads back. */
static void
test_emit_frame(void **state)
{
	static const char text[] = "payload bytes";
	char path[64];
	int fd = temp_file(path);
	sg_frame_hdr h = { .type = SG_TYPE_DATA, .seq = 1, .size = sizeof text - 1,
	    .stored = sizeof text - 1, .payload_sum = sgt_xxh3(text, sizeof text - 1) };
	sg_frame_hdr empty = { .type = SG_TYPE_DATA, .seq = 2, .offset = sizeof text - 1,
	    .payload_sum = sgt_xxh3("", 0) };
	sgt_buf got;
	sg_reader *rd;
	sgt_mem m;
	sg_frame f;
	sg_err e;

	(void)state;
	unlink(path);
	sg_err_clear(&e);
	assert_int_equal(sg_io_emit_frame(&fd, &h, (const unsigned char *)text, &e), 0);
	assert_int_equal(sg_io_emit_frame(&fd, &empty, NULL, &e), 0);
	got = slurp(fd);
	close(fd);
	assert_int_equal(got.len, 64 + sizeof text - 1 + 64);
	memset(&m, 0, sizeof m);
	m.p = got.p;
	m.len = got.len;
	rd = sg_reader_new(sgt_mem_read, &m);
	assert_int_equal(sg_reader_next(rd, &f, &e), 1);
	assert_int_equal(f.h.seq, 1);
	assert_memory_equal(f.payload, text, sizeof text - 1);
	assert_int_equal(sg_reader_next(rd, &f, &e), 1);
	assert_int_equal(f.h.seq, 2);
	assert_int_equal(f.h.size, 0);
	assert_int_equal(sg_reader_next(rd, &f, &e), 0);
	sg_reader_free(rd);
	sgt_buf_free(&got);
}

/* Buffered frames: small ones wait in the buffer until a flush or a big
 * frame, which goes out after them; the order on the wire is the order of
 * emission, and nothing is written before a flush that fits. */
static void
test_emit_buffered(void **state)
{
	enum { N = 200, BIG = SG_IO_OUT_BUF + 1000 };
	static unsigned char big[BIG];
	sg_io_out *o = malloc(sizeof *o);
	char path[64];
	sgt_buf got;
	sg_reader *rd;
	sgt_mem m;
	sg_frame f;
	sg_err e;
	uint64_t seq;
	int i;

	(void)state;
	assert_non_null(o);
	o->fd = temp_file(path);
	o->len = 0;
	unlink(path);
	sg_err_clear(&e);
	memset(big, 'b', sizeof big);
	for (i = 1; i <= N; i++) {
		char text[32];
		int n = snprintf(text, sizeof text, "frame %d", i);
		sg_frame_hdr h = { .type = SG_TYPE_DATA, .seq = (uint64_t)i,
		    .size = (uint32_t)n, .stored = (uint32_t)n,
		    .payload_sum = sgt_xxh3(text, (size_t)n) };
		const unsigned char *p = (const unsigned char *)text;

		if (i == N / 2) {
			h.size = h.stored = BIG;
			h.payload_sum = sgt_xxh3(big, BIG);
			p = big;
		}
		assert_int_equal(sg_io_emit_buffered(o, &h, p, &e), 0);
		if (i == 10) /* small frames are held, not written */
			assert_int_equal(lseek(o->fd, 0, SEEK_END), 0);
	}
	assert_true(o->len > 0);
	assert_int_equal(sg_io_out_flush(o, &e), 0);
	assert_int_equal(o->len, 0);
	got = slurp(o->fd);
	close(o->fd);
	memset(&m, 0, sizeof m);
	m.p = got.p;
	m.len = got.len;
	rd = sg_reader_new(sgt_mem_read, &m);
	for (seq = 1; seq <= N; seq++) {
		assert_int_equal(sg_reader_next(rd, &f, &e), 1);
		assert_int_equal(f.h.seq, seq);
		assert_int_equal(f.h.size, seq == N / 2 ? BIG : (uint32_t)snprintf(NULL, 0, "frame %d", (int)seq));
	}
	assert_int_equal(sg_reader_next(rd, &f, &e), 0);
	sg_reader_free(rd);
	sgt_buf_free(&got);
	free(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_write_file),
		cmocka_unit_test(test_writev),
		cmocka_unit_test(test_pipe),
		cmocka_unit_test(test_widen_pipe),
		cmocka_unit_test(test_open_input),
		cmocka_unit_test(test_emit_frame),
		cmocka_unit_test(test_emit_buffered),
	};

	return cmocka_run_group_tests_name("io", tests, NULL, NULL);
}
