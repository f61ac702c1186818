/* Fuzz target: every boundary strategy, as a property.
 *
 * The first bytes choose the strategy, --size, --records, --oversize and
 * the read pattern; the rest is the input. The chunker's frames must
 * reproduce the input exactly, respect the size limit, and never cut inside
 * a UTF-8 character (utf8, lines) or a line (lines) unless flagged. Without
 * live drains, the cuts must not depend on how the input was split. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boundary.h"
#include "chunker.h"
#include "utf8.h"

struct cuts {
	size_t ends[1 << 16];
	unsigned flags[1 << 16];
	size_t n;
	unsigned char *out;
	size_t out_len;
};

static int
collect(void *ctx, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e)
{
	struct cuts *c = ctx;

	(void)e;
	if (h->type != SG_TYPE_DATA)
		return 0;
	memcpy(c->out + c->out_len, payload, h->size);
	c->out_len += h->size;
	if (c->n < sizeof c->ends / sizeof c->ends[0]) {
		c->ends[c->n] = c->out_len;
		c->flags[c->n++] = h->flags;
	}
	return 0;
}

/* Chunk input in reads of `step` bytes (0: all at once), draining after
 * each read when `live`. Returns 0, or -1 if the chunker refused. */
static int
run(const sg_chunk_opts *o, const uint8_t *in, size_t len, size_t step, int live,
    struct cuts *c)
{
	sg_chunker *ch;
	sg_meta m;
	sg_err e;
	size_t pos = 0;
	int rc = 0;

	c->n = c->out_len = 0;
	if ((ch = sg_chunker_new(o, collect, c, &e)) == NULL)
		return -1;
	sg_meta_clear(&m);
	if (sg_chunker_begin(ch, &m, &e) < 0)
		abort();
	while (pos < len && rc == 0) {
		unsigned char *p;
		size_t room = sg_chunker_space(ch, &p), n = len - pos;

		if (room == 0)
			abort();
		if (n > room)
			n = room;
		if (step > 0 && n > step)
			n = step;
		memcpy(p, in + pos, n);
		pos += n;
		rc = sg_chunker_commit(ch, n, &e);
		if (rc == 0 && live)
			rc = sg_chunker_drain(ch, &e);
	}
	if (rc == 0)
		rc = sg_chunker_end(ch, 1, &e);
	sg_chunker_free(ch);
	if (rc < 0 && !(rc == SG_EDATA && o->oversize != SG_OVERSIZE_SPLIT))
		abort(); /* only --oversize=error/keep may refuse input */
	return rc < 0 ? -1 : 0;
}

/* Whether position p of in lies strictly inside a valid UTF-8 character. */
static int
inside_char(const uint8_t *in, size_t len, size_t p)
{
	size_t back;

	for (back = 1; back <= 3 && back <= p; back++) {
		size_t u = sg_utf8_unit(in + p - back, len - (p - back));

		if (u > back)
			return 1;
	}
	return 0;
}

static void
check(const sg_chunk_opts *o, const uint8_t *in, size_t len, const struct cuts *c)
{
	size_t i, start = 0, limit = o->oversize == SG_OVERSIZE_KEEP ? SG_CHUNK_KEEP_MAX : o->size;

	if (c->out_len != len || memcmp(c->out, in, len) != 0)
		abort();
	for (i = 0; i < c->n; i++) {
		size_t end = c->ends[i];
		int flagged = c->flags[i] & SG_FLAG_OVERSIZE;

		if (end - start > limit || end == start)
			abort();
		if (end < len && !flagged) {
			if (o->strategy != &sg_boundary_bytes && inside_char(in, len, end))
				abort();
			if (o->strategy == &sg_boundary_lines && in[end - 1] != '\n')
				abort();
		}
		if (o->records > 0 && o->strategy == &sg_boundary_lines && !flagged) {
			size_t nl = 0, j;

			for (j = start; j < end; j++)
				nl += in[j] == '\n';
			if (nl > o->records)
				abort();
		}
		start = end;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cuts a, b;
	sg_chunk_opts o = { 0 };
	const uint8_t *in;
	size_t len, step;

	if (size < 5 || size > (1 << 20))
		return 0;
	o.strategy = sg_boundary_all[data[0] % 3];
	o.size = 1 + (data[1] | (size_t)(data[2] & 0x3F) << 8);
	o.oversize = data[3] % 3;
	o.records = o.strategy->has_records ? data[3] / 3 % 4 : 0;
	step = data[4] % 64;
	in = data + 5;
	len = size - 5;
	if (a.out == NULL && ((a.out = malloc(1 << 20)) == NULL || (b.out = malloc(1 << 20)) == NULL))
		abort();
	if (run(&o, in, len, 0, 0, &a) < 0)
		return 0;
	check(&o, in, len, &a);
	/* Same cuts whatever the read split, when nothing is drained. */
	if (run(&o, in, len, step, 0, &b) < 0)
		abort();
	if (a.n != b.n || memcmp(a.ends, b.ends, a.n * sizeof a.ends[0]) != 0)
		abort();
	/* Live drains may cut earlier, but must stay exact and safe. */
	if (run(&o, in, len, step ? step : 1, 1, &b) == 0)
		check(&o, in, len, &b);
	return 0;
}
