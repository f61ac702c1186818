/* sum.h: the suite's checksum, XXH3-64 from libxxhash (>10 GB/s here). */
#ifndef SG_SUM_H
#define SG_SUM_H

#include <stddef.h>
#include <stdint.h>

/* XXH3-64 of buf[0..len), seed 0: the payload checksum. */
uint64_t sg_sum(const void *buf, size_t len);

/* XXH3-64 of buf[0..len) with a seed: used to chain header pieces. */
uint64_t sg_sum_seeded(const void *buf, size_t len, uint64_t seed);

/* A running XXH3-64 over a whole source, fed piece by piece. The digest of
 * the pieces equals sg_sum() of their concatenation (and `xxhsum -H3`). */
typedef struct sg_sum_stream sg_sum_stream;

sg_sum_stream *sg_sum_stream_new(void);       /* NULL when out of memory */
void sg_sum_stream_free(sg_sum_stream *s);
void sg_sum_stream_reset(sg_sum_stream *s);
void sg_sum_stream_update(sg_sum_stream *s, const void *buf, size_t len);
uint64_t sg_sum_stream_digest(const sg_sum_stream *s);

#endif
