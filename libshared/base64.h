/* base64.h: RFC 4648 base64 (standard alphabet, padded), for binary
 * payloads in NDJSON. */
#ifndef SG_BASE64_H
#define SG_BASE64_H

#include <stddef.h>

#include "buf.h"

/* Append the encoding of p[0..n) to out. 0 or SG_ENOMEM. */
int sg_base64_encode(sg_buf *out, const void *p, size_t n, sg_err *e);

/* A streaming decoder: feed characters in any pieces, then finish. It
 * rejects characters outside the alphabet, misplaced padding and a length
 * that is not a multiple of 4. Output is appended to out, which must not
 * exceed max bytes. */
typedef struct sg_base64_dec {
	unsigned acc, nchars, pad;
} sg_base64_dec;

void sg_base64_dec_init(sg_base64_dec *d);
int sg_base64_dec_feed(sg_base64_dec *d, sg_buf *out, size_t max, const char *s,
		       size_t n, sg_err *e);
int sg_base64_dec_finish(sg_base64_dec *d, sg_err *e);

#endif
