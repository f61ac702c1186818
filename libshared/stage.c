#include "stage.h"

#include <malloc.h>

#include <errno.h>
#include <poll.h>

#include "codec.h"
#include "io.h"

void
sg_stage_job_frame(const sg_job *j, sg_frame *f)
{
	f->h = j->h;
	/* The frame ends the buffer (sg_reader_next_into()). */
	f->raw = j->in.p + j->in.len - (size_t)sg_frame_wire_len(&j->h);
	f->payload = f->raw + j->h.hdr_len;
	f->index = j->index;
	f->at = j->at;
}

/* Emit the oldest job (waiting for it if wait). 1 when one was emitted, 0
 * when none was ready, or an error. */
static int
emit_oldest(sg_pool *p, const sg_stage_ops *ops, void *ctx, int wait, sg_err *e)
{
	sg_job *j = sg_pool_oldest(p, wait);
	sg_frame f;
	int rc;

	if (j == NULL)
		return 0;
	sg_stage_job_frame(j, &f);
	if (j->rc < 0) {
		/* The worker's error, placed at its frame. */
		*e = j->err;
		e->frame = f.index;
		e->offset = f.at;
		rc = j->rc;
	} else
		rc = ops->emit(ctx, &f, j, e);
	sg_pool_retire(p);
	return rc < 0 ? rc : 1;
}

static int
emit_all(sg_pool *p, const sg_stage_ops *ops, void *ctx, int wait, sg_err *e)
{
	int rc;

	while ((rc = emit_oldest(p, ops, ctx, wait, e)) > 0)
		;
	return rc;
}

/* Live input with work in flight and no frame to read yet: emit jobs as
 * they finish, until input arrives or nothing is left in flight. Emitting
 * everything at once instead would idle the workers whenever a busy
 * producer is a moment late. */
static int
await_input(sg_pool *p, sg_reader *r, int fd, const sg_stage_ops *ops, void *ctx,
	    sg_err *e)
{
	struct pollfd pf[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = sg_pool_event_fd(p), .events = POLLIN },
	};
	int rc;

	while (sg_pool_inflight(p) != 0 && !sg_reader_has_frame(r) && !sg_io_input_waiting(fd)) {
		if (pf[1].fd < 0)
			return emit_all(p, ops, ctx, 1, e);
		/* Clear first: a job done after this wakes the poll. */
		sg_pool_event_clear(p);
		if ((rc = emit_all(p, ops, ctx, 0, e)) < 0)
			return rc;
		if (sg_pool_inflight(p) == 0)
			break;
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			return emit_all(p, ops, ctx, 1, e);
	}
	return 0;
}

/* A reader error: the frames before the defect come first, since one of
 * them may hold an earlier defect, still in work. */
static int
reader_error(sg_pool *p, const sg_stage_ops *ops, void *ctx, int rc, sg_err *e)
{
	sg_err first;
	int erc;

	sg_err_clear(&first);
	if ((erc = emit_all(p, ops, ctx, 1, &first)) < 0) {
		*e = first;
		return erc;
	}
	return rc;
}

int
sg_stage_run(sg_pool *p, sg_reader *r, int fd, const sg_stage_ops *ops, void *ctx,
	     sg_err *e)
{
	int live = sg_io_is_live(fd), rc;
	sg_frame f;

	for (;;) {
		sg_job *j;
		size_t len;

		if (live && (rc = await_input(p, r, fd, ops, ctx, e)) < 0)
			break;
		if ((rc = sg_reader_peek(r, &f.h, e)) < 0) {
			rc = reader_error(p, ops, ctx, rc, e);
			break;
		}
		if (rc == 0)
			break;
		/* NDJSON (rc 2) has no header to look at before it is read:
		 * it goes through a job. */
		if (rc == 1 && !ops->needs_work(ctx, &f) && sg_pool_inflight(p) == 0) {
			if ((rc = sg_reader_next(r, &f, e)) < 0) {
				rc = reader_error(p, ops, ctx, rc, e);
				break;
			}
			if ((rc = ops->emit(ctx, &f, NULL, e)) < 0)
				break;
			continue;
		}
		len = rc == 1 ? (size_t)sg_frame_wire_len(&f.h) : 0;
		while (sg_pool_full(p, len))
			if ((rc = emit_oldest(p, ops, ctx, 1, e)) < 0)
				goto out;
		/* The frame is read straight into the job: no second copy. */
		j = sg_pool_slot(p);
		if ((rc = sg_reader_next_into(r, &f, &j->in, e)) <= 0) {
			if (rc < 0)
				rc = reader_error(p, ops, ctx, rc, e);
			break;
		}
		j->h = f.h;
		j->index = f.index;
		j->at = f.at;
		sg_pool_submit(p, j, ops->needs_work(ctx, &f));
		if ((rc = emit_all(p, ops, ctx, 0, e)) < 0)
			break;
	}
	if (rc == 0)
		rc = emit_all(p, ops, ctx, 1, e);
out:
	/* After an error, what is still in flight is dropped unwritten. */
	while (sg_pool_oldest(p, 1) != NULL)
		sg_pool_retire(p);
	return rc;
}

static void *
codec_new(void *arg)
{
	(void)arg;
	return sg_codec_new();
}

static void
codec_free(void *w)
{
	sg_codec_free(w);
}

sg_pool *
sg_stage_pool(unsigned threads, sg_pool_fn fn, void *arg, sg_err *e)
{
	if (threads == 0)
		threads = sg_pool_cpus();
	/* Frames of up to a few MiB are copied on one thread and freed on
	 * another: served from their own mappings, a freed one goes back to
	 * the system at once instead of pinning a heap's pages (peak RSS of
	 * sg-encode -T2 over 2 GiB: 19.4 MiB before, 11.3 after). */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	/* A few frames per worker, and about 4 MiB of input per worker plus
	 * one: enough to keep every worker busy. */
	return sg_pool_new(threads, 2 * threads + 2, ((size_t)threads + 1) * (4u << 20),
	    fn, arg, codec_new, codec_free, e);
}

int
sg_stage_input(sg_pool *p, int fd, unsigned flags, const sg_stage_ops *ops, void *ctx,
	       sg_verify **v, sg_err *e)
{
	sg_reader *r = sg_reader_new(sg_reader_fd, &fd);
	int rc;

	if (r == NULL || (*v = sg_verify_new()) == NULL) {
		sg_reader_free(r);
		return sg_err_set(e, SG_ENOMEM, "out of memory");
	}
	if (flags & SG_STAGE_SUMS_ELSEWHERE) {
		sg_reader_defer_data_sums(r);
		sg_verify_skip_source_sums(*v);
	}
	rc = sg_stage_run(p, r, fd, ops, ctx, e);
	if (rc == 0 && !((flags & SG_STAGE_EMPTY_OK) && sg_reader_tell(r) == 0))
		rc = sg_verify_finish(*v, sg_reader_count(r), sg_reader_tell(r), e);
	sg_reader_free(r);
	sg_verify_free(*v);
	*v = NULL;
	return rc;
}
