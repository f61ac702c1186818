/* test_stage.c: the read -> pool -> emit loop (stage.h): every frame
 * emitted once, in input order, whatever the workers' timing; a failed job
 * reported at its own frame, with nothing after it emitted; the end of
 * stream checked. */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stage.h"

struct ctx {
	sg_verify *v;
	uint64_t emitted;        /* frames emitted so far */
	uint64_t fail_index;     /* the job with this frame number fails */
	int work_all;            /* every frame through a worker */
};

static int
needs_work(void *c, const sg_frame *f)
{
	const struct ctx *x = c;

	return x->work_all || f->h.type == SG_TYPE_DATA;
}

static int
work(void *w, sg_job *j, void *arg)
{
	const struct ctx *x = arg;

	(void)w;
	if (j->index % 3 == 0)
		usleep(200); /* finish out of order */
	if (j->index == x->fail_index)
		return sg_err_set(&j->err, SG_EDATA, "made to fail");
	return 0;
}

static int
emit(void *c, const sg_frame *f, sg_job *j, sg_err *e)
{
	struct ctx *x = c;

	(void)j;
	if (f->index != x->emitted)
		return sg_err_set(e, SG_EINTERNAL, "frame %llu emitted as number %llu",
		    (unsigned long long)f->index, (unsigned long long)x->emitted);
	x->emitted++;
	return sg_verify_frame(x->v, f, f->payload, NULL, e);
}

/* The small two-source stream, in a temporary file. */
static int
stream_fd(uint64_t *frames)
{
	sgt_stream s;
	FILE *fp = tmpfile();
	int fd;

	assert_non_null(fp);
	sgt_small_stream(&s);
	assert_int_equal(fwrite(s.wire.p, 1, s.wire.len, fp), s.wire.len);
	assert_int_equal(fflush(fp), 0);
	*frames = s.n;
	sgt_stream_free(&s);
	fd = dup(fileno(fp));
	fclose(fp);
	assert_true(fd >= 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void
test_order_and_end(void **state)
{
	static const sg_stage_ops ops = { needs_work, emit };
	unsigned threads[] = { 1, 2, 4, 0 }; /* 0: one per CPU */
	size_t t;

	(void)state;
	for (t = 0; t < sizeof threads / sizeof threads[0]; t++) {
		struct ctx x = { .fail_index = UINT64_MAX, .work_all = (int)(t & 1) };
		uint64_t frames;
		int fd = stream_fd(&frames);
		sg_pool *p;
		sg_err e;

		sg_err_clear(&e);
		p = sg_stage_pool(threads[t], work, &x, &e);
		assert_non_null(p);
		assert_int_equal(sg_stage_input(p, fd, 0, &ops, &x, &x.v, &e), 0);
		assert_int_equal(x.emitted, frames);
		assert_null(x.v);
		sg_pool_free(p);
		close(fd);
	}
}

static void
test_failed_job(void **state)
{
	static const sg_stage_ops ops = { needs_work, emit };
	struct ctx x = { .fail_index = 2 };
	uint64_t frames;
	int fd = stream_fd(&frames);
	sg_pool *p;
	sg_err e;

	(void)state;
	sg_err_clear(&e);
	p = sg_stage_pool(2, work, &x, &e);
	assert_non_null(p);
	assert_true(frames > 3);
	assert_int_equal(sg_stage_input(p, fd, 0, &ops, &x, &x.v, &e), SG_EDATA);
	/* Reported at its own frame; the frames before it emitted, none after. */
	assert_int_equal(e.frame, 2);
	assert_int_not_equal(e.offset, SG_NOPOS);
	assert_string_equal(e.msg, "made to fail");
	assert_int_equal(x.emitted, 2);
	sg_pool_free(p);
	close(fd);
}

static void
test_truncated_stream(void **state)
{
	static const sg_stage_ops ops = { needs_work, emit };
	struct ctx x = { .fail_index = UINT64_MAX };
	sgt_stream s;
	FILE *fp = tmpfile();
	sg_pool *p;
	sg_err e;
	int fd;

	(void)state;
	sgt_small_stream(&s);
	/* Everything but the last frame (the last END). */
	fwrite(s.wire.p, 1, s.f[s.n - 1].at, fp);
	fflush(fp);
	fd = dup(fileno(fp));
	fclose(fp);
	lseek(fd, 0, SEEK_SET);
	sg_err_clear(&e);
	p = sg_stage_pool(1, work, &x, &e);
	assert_non_null(p);
	assert_int_equal(sg_stage_input(p, fd, 0, &ops, &x, &x.v, &e), SG_EDATA);
	assert_non_null(strstr(e.msg, "truncated"));
	assert_int_equal(x.emitted, s.n - 1);
	sg_pool_free(p);
	sgt_stream_free(&s);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_end),
		cmocka_unit_test(test_failed_job),
		cmocka_unit_test(test_truncated_stream),
	};

	return cmocka_run_group_tests_name("stage", tests, NULL, NULL);
}
