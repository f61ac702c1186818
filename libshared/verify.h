/* verify.h: checks what only the order of frames can show.
 *
 * Per stream: sources are numbered 0, 1, 2, ...; the stream ends with an
 * END flagged last, after which a new stream may follow (concatenated
 * streams decode like one). Per source: BEGIN has seq 0; DATA and END
 * follow with seq + 1 each and contiguous offsets; END's totals and
 * whole-source checksum match the DATA seen. PROGRESS and unknown types
 * carry no sequence and are only checked by the reader.
 */
#ifndef SG_VERIFY_H
#define SG_VERIFY_H

#include "err.h"
#include "meta.h"
#include "reader.h"

typedef struct sg_verify sg_verify;

sg_verify *sg_verify_new(void);   /* NULL when out of memory */
void sg_verify_free(sg_verify *v);

/* Do not compute the whole-source checksum that END carries: for a caller
 * that checks every DATA payload's own checksum and passes the END frame
 * on to be checked downstream (sg-encode). Order, offsets and totals are
 * still checked. */
void sg_verify_skip_source_sums(sg_verify *v);

/* Check frame f. For DATA, data is its decoded payload (f->h.size bytes);
 * for BEGIN, END and PROGRESS the metadata is parsed into *meta (which may
 * be NULL if the caller does not want it). Returns 0 or SG_EDATA with e
 * naming f's number and offset. */
int sg_verify_frame(sg_verify *v, const sg_frame *f, const unsigned char *data,
		    sg_meta *meta, sg_err *e);

/* The input ended at byte offset `at` after `frames` frames: the stream must
 * not stop inside a source or before its last source. */
int sg_verify_finish(sg_verify *v, uint64_t frames, uint64_t at, sg_err *e);

#endif
