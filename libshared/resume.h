/* resume.h: sg-resume's durable sink.
 *
 * Frames arrive in stream order; each one that extends OUTPUT is written
 * (whole frames, or with raw the new bytes of DATA payloads), and now and
 * then (sg_resume_opts) and at every END, OUTPUT is fsynced and only then
 * the checkpoint (checkpoint.h) replaced. So the checkpoint always
 * describes a prefix of OUTPUT that is on disk.
 *
 * Opening a job again checks OUTPUT against the checkpoint (at least as
 * long, the last checkpointed bytes intact), cuts off what was written
 * after the checkpoint (a torn tail), and continues from the checkpoint's
 * position: frames from before it are dropped (the BEGIN that sg-chunk
 * --resume repeats, or a whole stream sent again from the start, whose
 * chunks are then checked against the checkpoint's chain), and a frame
 * past it is refused, since something would be missing.
 *
 * PROGRESS frames are never written: they say when, not what, and would
 * make two runs differ. Their figures go into the checkpoint.
 */
#ifndef SG_RESUME_H
#define SG_RESUME_H

#include <stdint.h>

#include "checkpoint.h"
#include "err.h"
#include "reader.h"

typedef struct sg_resume_opts {
	const char *checkpoint;  /* its path */
	const char *output;      /* OUTPUT, as given */
	int raw;                 /* write decoded bytes, not frames */
	double every_seconds;    /* sync at least this often (0: not by time) */
	uint64_t every_bytes;    /* ... or after this many bytes (0: not by size) */
} sg_resume_opts;

typedef struct sg_resume sg_resume;

/* Open or create the job: load the checkpoint, open and lock OUTPUT, check
 * and repair it, write the first checkpoint of a new job. NULL with e set:
 * SG_ERESUME when OUTPUT and the checkpoint do not go together (or OUTPUT
 * is in use), SG_EDATA when OUTPUT is damaged before the checkpoint. */
sg_resume *sg_resume_open(const sg_resume_opts *o, sg_err *e);

/* Bytes cut off OUTPUT's end when it was opened (written after the last
 * checkpoint by a run that was interrupted). */
uint64_t sg_resume_torn(const sg_resume *r);

/* Whether the job is done: the stream's last END is durable. */
int sg_resume_done(const sg_resume *r);

/* The state written so far (not necessarily durable yet). */
const sg_ckpt *sg_resume_state(const sg_resume *r);

/* Take frame f (its header checked by the reader). Returns 0, or
 * SG_ERESUME (the frame does not continue OUTPUT), SG_EDATA (a bad
 * payload, a frame after the stream's end) or SG_EIO. */
int sg_resume_frame(sg_resume *r, const sg_frame *f, sg_err *e);

/* Whether anything written is not yet durable, and how many milliseconds
 * are left before the time rule wants it synced (0: now; -1: no rule). */
int sg_resume_pending(const sg_resume *r, int *ms_left);

/* fsync OUTPUT, then save the checkpoint. 0 or SG_EIO. */
int sg_resume_sync(sg_resume *r, sg_err *e);

/* Sync what is written and release OUTPUT. Returns 0, or SG_EIO. */
int sg_resume_close(sg_resume *r, sg_err *e);

#endif
