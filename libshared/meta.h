/* meta.h: the metadata payload of BEGIN, END and PROGRESS frames.
 *
 * A metadata payload is a list of fields, each
 *   tag (2 bytes LE) | length (2 bytes LE) | value (length bytes)
 * Integers are 8-byte little-endian values; strings are raw bytes without a
 * terminator. Readers skip tags they do not know. A field must not run past
 * the payload, and a known integer field must be 8 bytes long.
 */
#ifndef SG_META_H
#define SG_META_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum sg_meta_tag {
	/* BEGIN */
	SG_META_NAME = 1,        /* source name as given ("-" for stdin) */
	SG_META_SIZE = 2,        /* source size in bytes, when known */
	SG_META_MTIME = 3,       /* modification time, ns since the epoch (signed) */
	SG_META_MODE = 4,        /* st_mode bits */
	SG_META_STRATEGY = 5,    /* boundary strategy name */
	SG_META_CHUNK_SIZE = 6,  /* --size in effect for this source */
	SG_META_RECORDS = 7,     /* --records in effect, 0 for no limit */
	SG_META_OVERSIZE = 8,    /* "split", "keep" or "error" */
	SG_META_PART = 9,        /* "K/N" with --part: this stream carries part K
	                          * of N of the source, from BEGIN's offset */
	SG_META_JOB = 10,        /* sg-chunk --resume: its options, as
	                          * "key=value" words, for resume to compare */
	/* END */
	SG_META_TOTAL = 16,      /* new source bytes carried by this source's DATA */
	SG_META_FRAMES = 17,     /* DATA frames of this source */
	SG_META_SOURCE_SUM = 18, /* XXH3-64 of those bytes, in order */
	/* PROGRESS */
	SG_META_CONSUMED = 32,   /* bytes of the underlying input consumed */
	SG_META_INPUT_TOTAL = 33 /* total bytes of the underlying input */
};

#define SG_META_NAME_MAX 4096
#define SG_META_WORD_MAX 31
#define SG_META_JOB_MAX 2048

/* One bit per known tag in sg_meta.have. */
#define SG_META_HAS(tag) (UINT64_C(1) << (tag))

typedef struct sg_meta {
	uint64_t have;          /* SG_META_HAS() bits of the fields present */
	char name[SG_META_NAME_MAX + 1]; /* NUL-terminated copy; may hold NULs */
	size_t name_len;
	uint64_t size;
	int64_t mtime_ns;
	uint32_t mode;
	char strategy[SG_META_WORD_MAX + 1];
	uint64_t chunk_size;
	uint64_t records;
	char oversize[SG_META_WORD_MAX + 1];
	char part[SG_META_WORD_MAX + 1];
	char job[SG_META_JOB_MAX + 1]; /* NUL-terminated */
	size_t job_len;
	uint64_t total;
	uint64_t frames;
	uint64_t source_sum;
	uint64_t consumed;
	uint64_t input_total;
} sg_meta;

/* Empty m (no fields present). */
void sg_meta_clear(sg_meta *m);

/* Set the name (truncated to SG_META_NAME_MAX bytes) or a short word field
 * (strategy, oversize), and mark it present. */
void sg_meta_set_name(sg_meta *m, const char *name, size_t len);
void sg_meta_set_word(sg_meta *m, int tag, const char *word);

/* Set the job field (truncated to SG_META_JOB_MAX bytes), mark it present. */
void sg_meta_set_job(sg_meta *m, const char *job, size_t len);

/* Serialize the present fields into out[0..cap). Returns the length, or
 * SG_EINTERNAL if cap is too small (SG_FRAME_META_MAX always suffices). */
int sg_meta_encode(const sg_meta *m, unsigned char *out, size_t cap, sg_err *e);

/* Parse a metadata payload into m. Returns 0 or SG_EDATA. */
int sg_meta_decode(const unsigned char *p, size_t len, sg_meta *m, sg_err *e);

#endif
