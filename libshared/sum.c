#include "sum.h"

#include <stdlib.h>

#include <xxhash.h>

uint64_t
sg_sum(const void *buf, size_t len)
{
	return XXH3_64bits(buf, len);
}

uint64_t
sg_sum_seeded(const void *buf, size_t len, uint64_t seed)
{
	return XXH3_64bits_withSeed(buf, len, seed);
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
	XXH3_64bits_update(s->st, buf, len);
}

uint64_t
sg_sum_stream_digest(const sg_sum_stream *s)
{
	return XXH3_64bits_digest(s->st);
}
