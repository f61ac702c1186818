/* checkpoint.h: the resume checkpoint, shared by sg-resume (which writes
 * it) and sg-chunk --resume (which reads it).
 *
 * A checkpoint says how much of OUTPUT is durable and where in the input
 * that output ends. sg-resume writes it only after OUTPUT has been fsynced
 * up to `length`, always by atomic replacement (a temporary file beside it,
 * fsync, rename, fsync of the directory), so after any crash it describes
 * a prefix of OUTPUT that is on disk.
 *
 * The file is versioned text, one "key value" per line, in this order:
 *
 *   sg-checkpoint 1
 *   output /abs/path/out.sg      OUTPUT, absolute (escaped string)
 *   mode frames                  frames, or raw (sg-resume --raw)
 *   state partial                fresh, partial or done
 *   length 4194560               durable bytes of OUTPUT
 *   tail 1048640 9f3c0a1e5b7d2c44  the last `n` bytes before `length` and
 *                                their XXH3-64 (0 0 when length is 0)
 *   options strategy=json ...    sg-chunk's options (BEGIN's resume field,
 *                                escaped), or - when not known yet
 *   sources 2 5d0e...            sources ended in OUTPUT, and the digest of
 *                                their BEGIN payload sums (sg_ckpt_digest)
 *   source 2                     index of the source in progress (or next)
 *   begun 1                      whether its BEGIN is in OUTPUT (0 or 1)
 *   begin 77aa...                that BEGIN's payload sum (0 when not begun)
 *   name big.ndjson              its name (escaped), - when not begun
 *   size 536870912               its size, or - when not known
 *   mtime 1763744400000000000    its mtime in ns, or - when not known
 *   seq 5                        the next sequence number in the source
 *   offset 4194304               the next source offset (new bytes)
 *   chain 0c1d...                digest of its DATA frames (sg_ckpt_chain)
 *   consumed 1048576             input consumed / total from the last
 *   total 9437184                PROGRESS frame (- when none was seen)
 *   updated 1763744400123456789  when it was written, ns since the epoch
 *   sum 1a2b3c4d5e6f7081         XXH3-64 of every byte before this line
 *
 * Hashes are 16 lowercase hex digits; numbers are decimal. Strings are the
 * rest of the line after one space, with '\\' written "\\\\" and bytes
 * below 0x20 and 0x7f written "\xHH"; other bytes (UTF-8) are as they are.
 * A parser rejects anything else: a missing or repeated key, a bad number,
 * a wrong sum, a file over SG_CKPT_MAX bytes. Unknown keys are an error
 * too: a checkpoint is never guessed at.
 */
#ifndef SG_CHECKPOINT_H
#define SG_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "frame.h"
#include "meta.h"

#define SG_CKPT_VERSION 1
#define SG_CKPT_MAX (64u << 10)       /* the largest checkpoint file */
#define SG_CKPT_PATH_MAX 4096         /* the longest OUTPUT path */
#define SG_CKPT_OPTIONS_MAX SG_META_JOB_MAX
#define SG_CKPT_UNKNOWN UINT64_MAX    /* size, consumed, total: "-" */

enum sg_ckpt_state {
	SG_CKPT_FRESH = 0,   /* nothing durable yet */
	SG_CKPT_PARTIAL,     /* some of the stream is durable */
	SG_CKPT_DONE,        /* the stream's last END is durable */
};

typedef struct sg_ckpt {
	char output[SG_CKPT_PATH_MAX + 1]; /* NUL-terminated */
	int raw;                  /* OUTPUT holds the decoded bytes */
	int state;                /* enum sg_ckpt_state */
	uint64_t length;          /* durable bytes of OUTPUT */
	uint64_t tail_len;        /* the last tail_len bytes before length ... */
	uint64_t tail_sum;        /* ... have this XXH3-64 */
	char options[SG_CKPT_OPTIONS_MAX + 1]; /* "" when not known ("-") */
	size_t options_len;
	uint64_t sources_done;    /* sources whose END is in OUTPUT */
	uint64_t sources_digest;  /* sg_ckpt_digest over their BEGIN sums */
	uint64_t source;          /* the source in progress, or the next one */
	int begun;                /* its BEGIN is in OUTPUT */
	uint64_t begin_sum;       /* that BEGIN's payload_sum */
	char name[SG_META_NAME_MAX + 1]; /* its name, NUL-terminated */
	size_t name_len;
	uint64_t size;            /* its size, or SG_CKPT_UNKNOWN */
	int has_mtime;
	int64_t mtime_ns;
	uint64_t seq;             /* the next sequence number in it */
	uint64_t offset;          /* the next source offset in it */
	uint64_t chain;           /* sg_ckpt_chain over its DATA frames */
	uint64_t consumed;        /* from the last PROGRESS, or SG_CKPT_UNKNOWN */
	uint64_t total;           /* from the last PROGRESS, or SG_CKPT_UNKNOWN */
	int64_t updated_ns;       /* CLOCK_REALTIME when written */
} sg_ckpt;

/* A fresh checkpoint: state fresh, nothing durable, source 0 not begun,
 * seq 0, offset 0, options unknown, size/consumed/total unknown. */
void sg_ckpt_init(sg_ckpt *c);

/* The text of c into out[0..cap). Returns its length, or SG_EINTERNAL
 * when cap is too small (SG_CKPT_MAX always suffices). */
int sg_ckpt_format(const sg_ckpt *c, char *out, size_t cap, sg_err *e);

/* Parse a checkpoint's text. Returns 0, or SG_EDATA with a message naming
 * the line ("line 7: bad offset"). */
int sg_ckpt_parse(const char *text, size_t len, sg_ckpt *c, sg_err *e);

/* Read and parse the file at path. Returns 1, 0 when it does not exist
 * (c is then sg_ckpt_init'ed), or SG_EOPEN/SG_EIO/SG_EDATA. */
int sg_ckpt_load(const char *path, sg_ckpt *c, sg_err *e);

/* Replace the file at path with c, atomically and durably: write
 * "path.tmp", fsync it, rename it over path, fsync the directory. On any
 * failure (ENOSPC included) the old file is left as it was, the temporary
 * file is removed, and SG_EIO says which step failed and why. */
int sg_ckpt_save(const char *path, const sg_ckpt *c, sg_err *e);

/* The running digest of a source's DATA frames: chain is 0 after BEGIN,
 * and each DATA frame h folds in its offset, size, context and
 * payload_sum (what sg-chunk decides, not what sg-encode does to the
 * payload). */
uint64_t sg_ckpt_chain(uint64_t chain, const sg_frame_hdr *h);

/* The running digest of ended sources: 0 at the start, then each
 * source's BEGIN payload_sum folded in when its END is durable. */
uint64_t sg_ckpt_digest(uint64_t digest, uint64_t begin_sum);

/* "fresh", "partial", "done". */
const char *sg_ckpt_state_name(int state);

#endif
