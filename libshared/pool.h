/* pool.h: an ordered parallel map over frames, with backpressure.
 *
 * The caller (one thread) fills jobs in input order and submits them;
 * N worker threads run the work function on them in any order; the caller
 * takes them back strictly in submission order. At most `depth` jobs are in
 * flight, and no new one is admitted while their input bytes exceed
 * `budget` (unless nothing is in flight), so memory does not depend on the
 * input's size or on how slowly the output drains. Each slot's buffers and
 * each worker's state live for the whole run and are reused.
 *
 *   while (more input) {
 *           while (sg_pool_full(p, next_len)) { j = sg_pool_oldest(p, 1); emit(j); sg_pool_retire(p); }
 *           j = sg_pool_slot(p); fill j; sg_pool_submit(p, j, needs_work);
 *   }
 *   while ((j = sg_pool_oldest(p, 1)) != NULL) { emit(j); sg_pool_retire(p); }
 */
#ifndef SG_POOL_H
#define SG_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "frame.h"

typedef struct sg_job {
	sg_frame_hdr h;        /* the input frame's header */
	uint64_t index, at;    /* its number and offset in the input */
	sg_buf in;             /* the submitter's bytes (a payload, a frame) */
	sg_buf out;            /* the worker's result */
	sg_buf aux;            /* worker scratch (a decoded payload, say) */
	uint32_t flags;        /* free for the caller and worker to agree on */
	int rc;                /* the work function's return */
	sg_err err;            /* its error, when rc < 0 */
	/* private */
	int work, done;
} sg_job;

/* The work: runs on a worker thread with that worker's state. */
typedef int (*sg_pool_fn)(void *worker, sg_job *job, void *arg);

typedef struct sg_pool sg_pool;

/* A pool of `threads` workers (0: the work runs inside sg_pool_submit on
 * the caller's thread) over `depth` slots. worker_new(arg) makes each
 * worker's state (NULL: out of memory) and worker_free frees it. Returns
 * NULL with e set on failure. */
sg_pool *sg_pool_new(unsigned threads, unsigned depth, size_t budget,
		     sg_pool_fn fn, void *arg, void *(*worker_new)(void *arg),
		     void (*worker_free)(void *worker), sg_err *e);

/* Commit the slot buffers named in `bufs` (SG_POOL_IN, _OUT, _AUX) to at
 * least `bytes` each (sg_buf's commit): a slot's memory is then resident
 * from its first use, whatever size its frames turn out to be, and peak
 * RSS no longer creeps up over a long run as rare larger frames, or rare
 * moments with every slot full, come along. Call before the first slot. */
#define SG_POOL_IN 1u
#define SG_POOL_OUT 2u
#define SG_POOL_AUX 4u
void sg_pool_commit(sg_pool *p, unsigned bufs, size_t bytes);

/* Stop the workers (after their current job) and free everything. */
void sg_pool_free(sg_pool *p);

/* Whether a job of `bytes` input bytes must wait for the oldest to retire. */
int sg_pool_full(const sg_pool *p, size_t bytes);

/* The next slot to fill, its buffers emptied; only when !sg_pool_full(). */
sg_job *sg_pool_slot(sg_pool *p);

/* Hand j over. When work is 0 the job is done at once (a frame passed
 * through unchanged keeps its place in the order without a worker). */
void sg_pool_submit(sg_pool *p, sg_job *j, int work);

/* The oldest job in flight once it is done, waiting for it if wait; NULL
 * when nothing is in flight (or, without wait, when it is not done yet). */
sg_job *sg_pool_oldest(sg_pool *p, int wait);

/* Release the oldest job's slot. */
void sg_pool_retire(sg_pool *p);

/* Jobs in flight (submitted, not retired). */
unsigned sg_pool_inflight(const sg_pool *p);

/* A file descriptor that becomes readable when a job is done (an
 * eventfd), to poll() beside an input; -1 without worker threads.
 * sg_pool_event_clear() makes it unreadable again. */
int sg_pool_event_fd(const sg_pool *p);
void sg_pool_event_clear(sg_pool *p);

/* One worker per online CPU, at least 1. */
unsigned sg_pool_cpus(void);

#endif
