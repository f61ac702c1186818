/* buf.h: a growable byte buffer, reused across frames.
 *
 * Storage is page-aligned (reads and copies into it run at full speed) and
 * is kept between uses; sg_buf_trim() gives back an unusually large one so
 * one huge frame does not pin its memory for the rest of the run.
 *
 * A buffer with `commit` set is committed: its first allocation is at
 * least commit bytes, and every allocation is made resident at once (its
 * pages touched). Its resident size then follows its capacity, not the
 * largest content it happened to hold, so a long run settles at the same
 * RSS as a short one (the pool's slots, pool.h).
 */
#ifndef SG_BUF_H
#define SG_BUF_H

#include <stddef.h>

#include "err.h"

typedef struct sg_buf {
	unsigned char *p;
	size_t len, cap;
	size_t commit; /* 0, or the committed size (above) */
} sg_buf;

#define SG_BUF_INIT { NULL, 0, 0, 0 }

/* Room for at least n bytes in total (len is unchanged). 0 or SG_ENOMEM. */
int sg_buf_reserve(sg_buf *b, size_t n, sg_err *e);

/* Append n bytes, or a printf-formatted string. 0 or SG_ENOMEM. */
int sg_buf_append(sg_buf *b, const void *p, size_t n, sg_err *e);
int sg_buf_printf(sg_buf *b, sg_err *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Empty the buffer, freeing its storage when it exceeds keep bytes. */
void sg_buf_trim(sg_buf *b, size_t keep);

void sg_buf_free(sg_buf *b);

#endif
