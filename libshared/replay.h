/* replay.h: sg-chunk --resume, between the chunker and the output.
 *
 * To continue a job exactly, sg-chunk runs as if from the start and this
 * filter drops what OUTPUT already holds:
 *   - sources before the checkpoint's: sg-chunk begins each one (its BEGIN
 *     comes here and is only folded into a digest, compared with the
 *     checkpoint's) and leaves it unread (sg_chunker_abandon);
 *   - the current source is cut again from its start (or its --part start):
 *     every DATA frame the checkpoint covers is folded into the chain
 *     (sg_ckpt_chain) and dropped. At the last one the position and the
 *     chain must equal the checkpoint's, so every consumed byte, every cut
 *     and the strategy's state are what they were. The whole-source sum in
 *     END comes out right because the chunker saw every byte.
 * From there on frames pass through. The current source's BEGIN is held
 * until the replay has checked out, then sent (sg-resume drops it again
 * after comparing it), so a refused resume writes nothing at all.
 * PROGRESS frames are dropped until then.
 */
#ifndef SG_REPLAY_H
#define SG_REPLAY_H

#include <stdint.h>

#include "checkpoint.h"
#include "chunker.h"
#include "err.h"
#include "frame.h"

typedef struct sg_replay {
	const sg_ckpt *ck;
	sg_emit_fn emit;          /* where frames go from the checkpoint on */
	void *ctx;
	int live;                 /* passing frames through */
	uint64_t digest;          /* over the BEGINs of the sources skipped */
	uint64_t chain;           /* over the DATA frames replayed */
	sg_frame_hdr begin;       /* the held BEGIN of the current source */
	unsigned char begin_payload[SG_FRAME_META_MAX];
} sg_replay;

/* Start a replay of ck (which must outlive r) in front of emit(ctx). A
 * fresh checkpoint, or one that has seen no source yet, makes r pass every
 * frame at once. */
void sg_replay_init(sg_replay *r, const sg_ckpt *ck, sg_emit_fn emit, void *ctx);

/* An sg_emit_fn with ctx an sg_replay *. Returns SG_ERESUME, with e saying
 * what changed, when the input is not the one the checkpoint describes. */
int sg_replay_emit(void *ctx, const sg_frame_hdr *h, const unsigned char *payload,
		   sg_err *e);

/* Whether source index i is one the checkpoint has whole (sg-chunk then
 * begins and abandons it without reading). */
int sg_replay_skips(const sg_replay *r, uint64_t i);

/* The input ended: a replay that never reached the checkpoint means the
 * input is shorter, or has fewer sources, than it was. */
int sg_replay_finish(const sg_replay *r, sg_err *e);

/* Compare sg-chunk's options now (job, as in BEGIN's job field) with the
 * checkpoint's: 0 when equal or when the checkpoint has none, else
 * SG_ERESUME naming every option that differs ("--strategy was json, now
 * lines"). */
int sg_replay_check_job(const sg_ckpt *ck, const char *job, sg_err *e);

#endif
