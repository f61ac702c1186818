/* part.h: --part K/N, the K-th of N boundary-aligned parts of a regular
 * file, so that N independent sg-chunk runs (xargs -P, GNU parallel) cover
 * the file exactly once.
 *
 * Part k (1-based) is [B(k-1), B(k)), where B(0) = 0, B(N) = the file size,
 * and B(i) is the first boundary at or after i * size / N, found locally by
 * the strategy's part kind (boundary.h): a multiple of the chunk size
 * (bytes), a character boundary (utf8), just after an LF (lines, json), or
 * just after a separator (delim). Part k-1 ends exactly where part k
 * begins because both compute B(k-1) the same way. A part may be empty.
 */
#ifndef SG_PART_H
#define SG_PART_H

#include <stdint.h>

#include "boundary.h"
#include "err.h"

/* Parse "K/N" with 1 <= K <= N <= 65536. Returns 0 or SG_EUSAGE. */
int sg_part_parse(const char *s, uint32_t *k, uint32_t *n, sg_err *e);

/* The byte range [*start, *end) of part k of n of the regular file fd of
 * size bytes, cut by strategy s (with params p and chunk size chunk).
 * Reads the file with pread, in bounded memory. Returns 0, SG_EUSAGE when
 * the strategy has no local part boundary (or, for json, when the input is
 * a top-level array or --array is given), or SG_EIO. */
int sg_part_range(int fd, uint64_t size, uint32_t k, uint32_t n,
		  const sg_boundary_ops *s, const sg_boundary_params *p,
		  uint64_t chunk, uint64_t *start, uint64_t *end, sg_err *e);

#endif
