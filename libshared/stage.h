/* stage.h: the loop shared by sg-encode and sg-decode. Frames come from a
 * reader; those that need work go through a pool of workers; every frame
 * leaves in input order. A frame that needs no work, met while nothing is
 * in flight, is handled in place without a copy.
 *
 * On live input (a pipe), everything in flight is finished and emitted
 * before the loop would block on a read, so a slow producer's frames go
 * out as soon as they are done.
 */
#ifndef SG_STAGE_H
#define SG_STAGE_H

#include "pool.h"
#include "reader.h"
#include "verify.h"

typedef struct sg_stage_ops {
	/* Whether frame f must go to a worker. */
	int (*needs_work)(void *ctx, const sg_frame *f);
	/* Emit frame f in order: job is its pool job (f points into the
	 * job's copy of the frame; its work succeeded, as a failed job is
	 * reported by the stage with f's number and offset), or NULL when f
	 * was handled in place. Returns 0 or an SG_E* code. */
	int (*emit)(void *ctx, const sg_frame *f, sg_job *job, sg_err *e);
} sg_stage_ops;

/* A pool for the stage: `threads` workers (0: one per CPU), each with
 * its own sg_codec as its state, at most 2 * threads + 2 frames and about
 * 4 MiB * (threads + 1) of input in flight. NULL with e set on failure. */
sg_pool *sg_stage_pool(unsigned threads, sg_pool_fn fn, void *arg, sg_err *e);

/* What the stage's tools commit per slot buffer they use (sg_pool_commit):
 * room for a frame of sg-chunk's default size (SG_CHUNK_SIZE_DEFAULT) with
 * its header and read alignment, or for its zstd bound. Bigger frames grow
 * a buffer as usual. */
#define SG_STAGE_SLOT_COMMIT ((1u << 20) + (64u << 10))

/* sg_stage_input() flag: the reader leaves DATA checksums to the
 * workers, and END's whole-source checksum is left to a later reader
 * (sg-encode, which passes END on). */
#define SG_STAGE_SUMS_ELSEWHERE 1u
/* ... and an input with no bytes at all is no error: sg-encode passes it
 * on as empty (sg-chunk --resume writes nothing for a job already done). */
#define SG_STAGE_EMPTY_OK 2u

/* One whole input: a reader on fd, a fresh verifier in *v for the emit
 * function to use, the loop, then the end-of-stream check. Returns 0 or
 * the first error, with e naming its frame and offset. *v is freed and
 * NULL again on return. */
int sg_stage_input(sg_pool *p, int fd, unsigned flags, const sg_stage_ops *ops,
		   void *ctx, sg_verify **v, sg_err *e);

/* Run the loop over r (reading fd, for the live-input check) until the
 * input ends or an error. Returns 0, or the first error, with e naming its
 * frame and offset; every frame before it has been emitted. */
int sg_stage_run(sg_pool *p, sg_reader *r, int fd, const sg_stage_ops *ops, void *ctx,
		 sg_err *e);

/* The frame a job carries (its copy of the raw frame, as submitted). */
void sg_stage_job_frame(const sg_job *j, sg_frame *f);

#endif
