/* Fuzz target: every boundary strategy, as a property.
 *
 * The first bytes choose the strategy, its parameters (separator, --array,
 * --validate, --until-done, --header, --overlap, cdc sizes), --size,
 * --records, --oversize and the read pattern; the rest is the input. The
 * chunker's frames must reproduce the input exactly (a prefix of it after
 * --until-done stops), keep every payload (context included) within the
 * size limit, and never cut inside a UTF-8 character (text strategies) or
 * a line (lines) unless flagged. Without live drains, the cuts must not
 * depend on how the input was split. Only --oversize=error/keep, a
 * --validate failure and a too-long --header may refuse input. */
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
	size_t biggest;   /* the largest payload, context included */
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
	if (h->context > h->size)
		abort();
	memcpy(c->out + c->out_len, payload + h->context, h->size - h->context);
	c->out_len += h->size - h->context;
	if (h->size > c->biggest)
		c->biggest = h->size;
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

	c->n = c->out_len = c->biggest = 0;
	if ((ch = sg_chunker_new(o, collect, c, &e)) == NULL)
		return -1;
	sg_meta_clear(&m);
	if (sg_chunker_begin(ch, &m, &e) < 0)
		abort();
	while (pos < len && rc == 0 && !sg_chunker_stopped(ch)) {
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
	if (rc < 0 && !(rc == SG_EDATA && (o->oversize != SG_OVERSIZE_SPLIT ||
	    o->params.json_validate || o->header)))
		abort(); /* only these may refuse input */
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
	int text = o->strategy != &sg_boundary_bytes && o->strategy != &sg_boundary_cdc;

	if (o->strategy == &sg_boundary_cdc)
		limit = o->params.cdc_max;
	/* --until-done may stop early: then the output is a prefix. */
	if ((c->out_len != len && !o->params.until_done) || c->out_len > len ||
	    memcmp(c->out, in, c->out_len) != 0)
		abort();
	if (c->biggest > limit)
		abort();
	len = c->out_len;
	for (i = 0; i < c->n; i++) {
		size_t end = c->ends[i];
		int flagged = c->flags[i] & SG_FLAG_OVERSIZE;

		if (end - start > limit || end == start)
			abort();
		if (end < len && !flagged) {
			if (text && inside_char(in, len, end))
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
	static const char *const seps[] = { "\n", "\0", "</doc>", "aa", "\r\n" };
	static const size_t sep_len[] = { 1, 1, 6, 2, 2 };
	static struct cuts a, b;
	sg_chunk_opts o = { 0 };
	const uint8_t *in;
	size_t len, step, nstrat = 0, k;
	unsigned x;
	int ra, rb;

	if (size < 7 || size > (1 << 20))
		return 0;
	while (sg_boundary_all[nstrat] != NULL)
		nstrat++;
	o.strategy = sg_boundary_all[data[0] % nstrat];
	o.size = 1 + (data[1] | (size_t)(data[2] & 0x3F) << 8);
	o.oversize = data[3] % 3;
	o.records = o.strategy->has_records ? data[3] / 3 % 4 : 0;
	step = data[4] % 64;
	x = data[5] | (unsigned)data[6] << 8;
	in = data + 7;
	len = size - 7;
	/* The strategy's own options, from x. */
	k = x % 5;
	if (o.strategy->options & SG_BOPT_DELIM) {
		o.params.delim = (const unsigned char *)seps[k];
		o.params.delim_len = sep_len[k];
	}
	if (o.strategy->options & SG_BOPT_ARRAY)
		o.params.json_array = x >> 3 & 1;
	if (o.strategy->options & SG_BOPT_VALIDATE)
		o.params.json_validate = x >> 4 & 1;
	if (o.strategy->options & SG_BOPT_UNTIL_DONE)
		o.params.until_done = x >> 3 & 1;
	if ((o.strategy->options & SG_BOPT_HEADER) && o.size >= 2)
		o.header = x >> 3 & 1;
	if (o.strategy->options & SG_BOPT_OVERLAP)
		o.overlap = (x >> 3) % (o.size / 2 + 1);
	if (o.strategy->options & SG_BOPT_CDC) {
		o.params.cdc_avg = (uint64_t)256 << (x >> 3) % 4;
		o.params.cdc_min = o.params.cdc_avg / 4 < 64 ? 64 : o.params.cdc_avg / 4;
		o.params.cdc_max = o.params.cdc_avg * 4;
		o.size = 0;
	}
	if (a.out == NULL && ((a.out = malloc(1 << 20)) == NULL || (b.out = malloc(1 << 20)) == NULL))
		abort();
	ra = run(&o, in, len, 0, 0, &a);
	/* Same cuts whatever the read split, when nothing is drained; a
	 * refusal comes at the same place. */
	rb = run(&o, in, len, step, 0, &b);
	if (ra != rb || a.n != b.n || memcmp(a.ends, b.ends, a.n * sizeof a.ends[0]) != 0)
		abort();
	if (ra < 0)
		return 0;
	if (o.strategy == &sg_boundary_cdc)
		o.params.cdc_max = o.params.cdc_avg * 4; /* the limit check() uses */
	check(&o, in, len, &a);
	/* Live drains may cut earlier, but must stay exact and safe. */
	if (run(&o, in, len, step ? step : 1, 1, &b) == 0)
		check(&o, in, len, &b);
	return 0;
}
