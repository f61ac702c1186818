/* test_replay.c: sg-chunk --resume's filter (replay.h).
 *
 * A real chunker cuts a few sources into the frames of an uninterrupted
 * run. For every position in that run a checkpoint is folded from the
 * frames before it, the way sg-resume folds what it has written (fresh,
 * between sources, a source with only its BEGIN durable, mid-source after
 * k DATA frames, done). A second chunker then runs over the same input
 * through sg_replay_emit, skipping the sources the checkpoint holds whole
 * as sg-chunk does (begin, then abandon when sg_replay_skips says so), and
 * what comes out must be exactly the uninterrupted run's frames after the
 * position, byte for byte, preceded by the current source's BEGIN flagged
 * SG_FLAG_RESUMED; nothing may come out before the replay has checked out.
 * An input changed before the checkpoint (a byte, a shorter source, fewer
 * sources, another size, name or job in a BEGIN) is refused with
 * SG_ERESUME and nothing emitted. Strategies with context (--overlap,
 * --header) are covered because the position counts new bytes only.
 * sg_replay_check_job names each option that differs. */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "chunker.h"
#include "replay.h"

#define NSRC_MAX 5

/* --- inputs ------------------------------------------------------------ */

typedef struct input {
	size_t n;                      /* sources */
	unsigned char *src[NSRC_MAX];
	size_t len[NSRC_MAX];
	char name[NSRC_MAX][32];
	int known_size;                /* BEGIN carries each source's size */
	const char *job;               /* BEGIN's job field, or NULL */
} input;

static void
input_free(input *in)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		free(in->src[i]);
	memset(in, 0, sizeof *in);
}

static void
input_copy(input *dst, const input *src)
{
	size_t i;

	*dst = *src;
	for (i = 0; i < src->n; i++) {
		dst->src[i] = malloc(src->len[i] + 1);
		assert_non_null(dst->src[i]);
		memcpy(dst->src[i], src->src[i], src->len[i]);
	}
}

/* Set source i to s[0..n). */
static void
input_set(input *in, size_t i, const void *s, size_t n)
{
	free(in->src[i]);
	in->src[i] = malloc(n + 1);
	assert_non_null(in->src[i]);
	memcpy(in->src[i], s, n);
	in->len[i] = n;
}

enum kind { LINES, PARAGRAPHS, CSV };

/* A random source of the kind: lines of 0..30 letters (some longer than
 * --size 16, so some chunks are split and flagged), paragraphs, or CSV
 * rows under a header. */
static void
random_source(sgt_rng *r, enum kind k, sgt_buf *b)
{
	size_t nrec = (size_t)sgt_below(r, 14), i, j;

	if (k == CSV)
		sgt_buf_str(b, "id,name,n\n");
	for (i = 0; i < nrec; i++) {
		size_t w = (size_t)sgt_below(r, k == LINES ? 31 : 12);

		if (k == CSV) {
			char row[64];

			snprintf(row, sizeof row, "%zu,", i);
			sgt_buf_str(b, row);
		}
		for (j = 0; j < w; j++)
			sgt_buf_byte(b, (unsigned char)('a' + sgt_below(r, 26)));
		if (k == CSV)
			sgt_buf_str(b, ",7");
		sgt_buf_byte(b, '\n');
		if (k == PARAGRAPHS && sgt_chance(r, 40))
			sgt_buf_byte(b, '\n');
	}
}

static void
random_input(sgt_rng *r, enum kind k, input *in)
{
	size_t i;

	memset(in, 0, sizeof *in);
	in->n = (size_t)sgt_range(r, 2, 4);
	in->known_size = 1;
	for (i = 0; i < in->n; i++) {
		sgt_buf b = { 0 };

		/* an empty source now and then: BEGIN and END only */
		if (!sgt_chance(r, 15))
			random_source(r, k, &b);
		input_set(in, i, b.p != NULL ? b.p : (const unsigned char *)"", b.len);
		sgt_buf_free(&b);
		snprintf(in->name[i], sizeof in->name[i], "src%u", (unsigned)i);
	}
}

static sg_chunk_opts
kind_opts(enum kind k)
{
	sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = 16 };

	if (k == PARAGRAPHS) {
		o.strategy = &sg_boundary_paragraph;
		o.size = 40;
		o.overlap = 12;
	} else if (k == CSV) {
		o.strategy = &sg_boundary_csv;
		o.size = 48;
		o.header = 1;
	}
	return o;
}

static void
source_meta(const input *in, size_t i, sg_meta *m)
{
	sg_meta_clear(m);
	sg_meta_set_name(m, in->name[i], strlen(in->name[i]));
	if (in->known_size) {
		m->size = in->len[i];
		m->have |= SG_META_HAS(SG_META_SIZE);
	}
	if (in->job != NULL)
		sg_meta_set_job(m, in->job, strlen(in->job));
}

/* Commit s[0..n) in random reads, with a PROGRESS frame after each read
 * when progress is set. */
static int
feed(sg_chunker *c, const unsigned char *s, size_t n, sgt_rng *r, int progress, sg_err *e)
{
	size_t pos = 0;
	int rc;

	while (pos < n) {
		unsigned char *p;
		size_t room = sg_chunker_space(c, &p), k;

		assert_true(room > 0);
		k = (size_t)sgt_range(r, 1, room < 24 ? room : 24);
		if (k > n - pos)
			k = n - pos;
		memcpy(p, s + pos, k);
		pos += k;
		if ((rc = sg_chunker_commit(c, k, e)) < 0)
			return rc;
		if (progress && (rc = sg_chunker_progress(c, pos, n, e)) < 0)
			return rc;
	}
	return 0;
}

/* The uninterrupted run of in, into s. */
static void
run_whole(const sg_chunk_opts *o, const input *in, sgt_rng *r, sgt_stream *s)
{
	sg_chunker *c;
	sg_err e;
	size_t i;
	sg_meta *m = malloc(sizeof *m);

	assert_non_null(m);
	sgt_stream_init(s);
	sg_err_clear(&e);
	c = sg_chunker_new(o, sgt_emit, s, &e);
	if (c == NULL)
		fail_msg("sg_chunker_new: %s", e.msg);
	for (i = 0; i < in->n; i++) {
		source_meta(in, i, m);
		if (sg_chunker_begin(c, m, &e) < 0 || feed(c, in->src[i], in->len[i], r, 0, &e) < 0 ||
		    sg_chunker_end(c, i + 1 == in->n, &e) < 0)
			fail_msg("uninterrupted run: %s", e.msg);
	}
	sg_chunker_free(c);
	free(m);
}

/* --- checkpoints ---------------------------------------------------------- */

/* The checkpoint sg-resume would hold after writing frames [0, p) of s:
 * folded here from the frames themselves. */
static void
fold(const sgt_stream *s, size_t p, sg_ckpt *c)
{
	sg_meta *m = malloc(sizeof *m);
	size_t i;

	assert_non_null(m);
	sg_ckpt_init(c);
	strcpy(c->output, "/out.sg");
	for (i = 0; i < p; i++) {
		if (!sgt_ckpt_fold(c, s, i, m))
			continue;
		c->length += s->f[i].len;
		c->tail_len = s->f[i].len;
		c->tail_sum = sgt_xxh3(s->wire.p + s->f[i].at, s->f[i].len);
	}
	free(m);
}

/* --- the resumed run ---------------------------------------------------------- */

typedef struct harness {
	sg_replay rp;
	sgt_stream out;          /* what the replay lets through */
	sg_frame_hdr in_last;    /* the frame given to the replay last */
	size_t in_n;             /* frames given to it */
	sg_frame_hdr trigger;    /* in_last when the first frame came out */
	size_t progress_live;    /* PROGRESS frames given to it while live */
	size_t skipped_data;     /* DATA frames given to it of sources it skips */
} harness;

static int
out_emit(void *ctx, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e)
{
	harness *t = ctx;

	if (t->out.n == 0)
		t->trigger = t->in_last;
	return sgt_emit(&t->out, h, payload, e);
}

static int
front_emit(void *ctx, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e)
{
	harness *t = ctx;

	t->in_last = *h;
	t->in_n++;
	if (h->type == SG_TYPE_PROGRESS && t->rp.live)
		t->progress_live++;
	if (h->type == SG_TYPE_DATA && t->rp.ck->state != SG_CKPT_FRESH &&
	    h->source < t->rp.ck->source)
		t->skipped_data++;
	return sg_replay_emit(&t->rp, h, payload, e);
}

/* sg-chunk --resume over in with checkpoint ck, as cmd/sg-chunk.c runs
 * it. Returns its status, with e set. */
static int
run_resumed(const sg_chunk_opts *o, const input *in, const sg_ckpt *ck, sgt_rng *r,
	    int progress, harness *t, sg_err *e)
{
	sg_meta *m = malloc(sizeof *m);
	sg_chunker *c;
	size_t i;
	int rc = 0;

	assert_non_null(m);
	memset(t, 0, sizeof *t);
	sgt_stream_init(&t->out);
	sg_err_clear(e);
	sg_replay_init(&t->rp, ck, out_emit, t);
	c = sg_chunker_new(o, front_emit, t, e);
	assert_non_null(c);
	for (i = 0; i < in->n && rc == 0; i++) {
		source_meta(in, i, m);
		if ((rc = sg_chunker_begin(c, m, e)) < 0)
			break;
		if (sg_replay_skips(&t->rp, i)) {
			sg_chunker_abandon(c);
			continue;
		}
		if ((rc = feed(c, in->src[i], in->len[i], r, progress, e)) < 0)
			break;
		rc = sg_chunker_end(c, i + 1 == in->n, e);
	}
	if (rc == 0)
		rc = sg_replay_finish(&t->rp, e);
	sg_chunker_free(c);
	free(m);
	return rc;
}

/* Frame i of s as wire bytes, with flags added, appended to b. */
static void
put_expected(sgt_buf *b, const sgt_stream *s, size_t i, uint16_t add)
{
	sg_frame_hdr h = s->f[i].h;
	unsigned char hdr[SG_FRAME_HDR_LEN];

	h.flags |= add;
	sg_frame_encode(&h, hdr);
	sgt_buf_put(b, hdr, sizeof hdr);
	sgt_buf_put(b, sgt_payload(s, i), h.stored);
}

/* What came out of the resumed run t must be whole's frames after
 * position p (ck folded from them), led by the flagged BEGIN; and the
 * first frame came out only when the replay reached the checkpoint. */
static void
check_resumed(const sgt_stream *whole, size_t p, const sg_ckpt *ck, const harness *t,
	      const char *where)
{
	sgt_buf want = { 0 }, got = { 0 };
	size_t i, first = whole->n, from = p, nwant = 0, o;

	if (ck->state == SG_CKPT_FRESH) {
		from = 0;
	} else if (ck->state == SG_CKPT_DONE) {
		from = whole->n;
	} else if (ck->begun) {
		first = sgt_begin_of(whole, ck->source);
		assert_true(first < p);
	} else {
		first = p;              /* the next source's BEGIN */
		from = p + 1;
		assert_int_equal(whole->f[p].h.type, SG_TYPE_BEGIN);
		assert_true(ck->source > 0);
	}
	if (first < whole->n) {
		put_expected(&want, whole, first, SG_FLAG_RESUMED);
		nwant++;
	}
	for (i = from; i < whole->n; i++, nwant++)
		put_expected(&want, whole, i, 0);
	/* PROGRESS frames (only the resumed run makes them) are compared
	 * apart: none may come first, and every one given to the live
	 * replay comes out. */
	for (i = 0, o = 0; i < t->out.n; i++) {
		if (t->out.f[i].h.type == SG_TYPE_PROGRESS) {
			if (i == 0)
				fail_msg("%s: a PROGRESS frame came out first", where);
			o++;
			continue;
		}
		sgt_buf_put(&got, t->out.wire.p + t->out.f[i].at, t->out.f[i].len);
	}
	if (o != t->progress_live)
		fail_msg("%s: %zu PROGRESS frames came out, %zu given while live", where, o,
		    t->progress_live);
	if (t->out.n - o != nwant)
		fail_msg("%s: %zu frames came out, want %zu", where, t->out.n - o, nwant);
	if (got.len != want.len || (got.len > 0 && memcmp(got.p, want.p, got.len) != 0)) {
		for (i = 0; i < got.len && i < want.len && got.p[i] == want.p[i]; i++)
			;
		fail_msg("%s: the frames differ at byte %zu of %zu (want %zu)", where, i,
		    got.len, want.len);
	}
	/* When the first frame came out, and what it came out on. */
	if (nwant > 0) {
		const sg_frame_hdr *g = &t->trigger;

		if (ck->state == SG_CKPT_FRESH || !ck->begun || ck->seq <= 1) {
			if (g->type != SG_TYPE_BEGIN || g->source != (ck->state == SG_CKPT_FRESH
			    ? 0 : ck->source))
				fail_msg("%s: the first frame came out on a %s of source %u",
				    where, sg_frame_type_name(g->type), g->source);
		} else if (g->type != SG_TYPE_DATA || g->source != ck->source ||
		    g->seq + 1 != ck->seq) {
			fail_msg("%s: the first frame came out on %s seq %llu of source %u, "
			    "not on DATA seq %llu of source %llu", where,
			    sg_frame_type_name(g->type), (unsigned long long)g->seq, g->source,
			    (unsigned long long)(ck->seq - 1), (unsigned long long)ck->source);
		}
	}
	sgt_buf_free(&want);
	sgt_buf_free(&got);
}

/* --- every position of random runs ------------------------------------------ */

static void
every_position(enum kind k, const char *test)
{
	sg_chunk_opts o = kind_opts(k);
	unsigned iter, n = sgt_iters(12);
	sgt_rng r;
	sg_ckpt *ck = malloc(sizeof *ck);
	harness *t = malloc(sizeof *t);
	sg_err e;
	unsigned kinds = 0;

	assert_non_null(ck);
	assert_non_null(t);
	sgt_rng_init(&r, test);
	for (iter = 0; iter < n; iter++) {
		input in;
		sgt_stream whole;
		size_t p;

		random_input(&r, k, &in);
		in.job = sgt_chance(&r, 50) ? "strategy=x size=16" : NULL;
		run_whole(&o, &in, &r, &whole);
		for (p = 0; p <= whole.n; p++) {
			char where[96];
			int rc;

			fold(&whole, p, ck);
			snprintf(where, sizeof where, "iteration %u, position %zu of %zu", iter, p,
			    whole.n);
			rc = run_resumed(&o, &in, ck, &r, sgt_chance(&r, 50), t, &e);
			if (rc != 0)
				fail_msg("%s: rc %d: %s", where, rc, e.msg);
			check_resumed(&whole, p, ck, t, where);
			/* the sources the checkpoint holds whole were not read */
			if (t->skipped_data != 0)
				fail_msg("%s: %zu DATA frames of skipped sources", where,
				    t->skipped_data);
			kinds |= 1u << (ck->state == SG_CKPT_FRESH ? 0 : ck->state == SG_CKPT_DONE ? 1
			    : !ck->begun ? 2 : ck->seq == 1 ? 3 : 4);
			sgt_stream_free(&t->out);
		}
		sgt_stream_free(&whole);
		input_free(&in);
	}
	/* every kind of checkpoint was tried */
	assert_int_equal(kinds, 0x1f);
	free(ck);
	free(t);
}

static void
test_positions_lines(void **state)
{
	(void)state;
	every_position(LINES, "positions_lines");
}

static void
test_positions_overlap(void **state)
{
	(void)state;
	every_position(PARAGRAPHS, "positions_overlap");
}

static void
test_positions_header(void **state)
{
	(void)state;
	every_position(CSV, "positions_header");
}

/* --- a fixed input, for the refusals ------------------------------------------- */

/* Three sources of lines, the middle one long enough for many chunks. */
static void
fixed_input(input *in, int known_size)
{
	static const char *const text[3] = {
		"alpha\nbeta\ngamma\n",
		"one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n"
		"eleven\ntwelve\nthirteen\n",
		"x\ny\nz\n",
	};
	size_t i;

	memset(in, 0, sizeof *in);
	in->n = 3;
	in->known_size = known_size;
	in->job = "strategy=lines size=16";
	for (i = 0; i < 3; i++) {
		input_set(in, i, text[i], strlen(text[i]));
		snprintf(in->name[i], sizeof in->name[i], "src%u", (unsigned)i);
	}
}

/* The position in whole after the DATA frame of source src with seq k
 * (k 0: after its BEGIN; k SIZE_MAX: after its END). */
static size_t
pos_after(const sgt_stream *whole, uint32_t src, uint64_t k)
{
	size_t i;

	for (i = 0; i < whole->n; i++) {
		const sg_frame_hdr *h = &whole->f[i].h;

		if (h->source != src)
			continue;
		if (k == SIZE_MAX ? h->type == SG_TYPE_END : h->seq == k)
			return i + 1;
	}
	fail_msg("no frame %llu of source %u", (unsigned long long)k, src);
	return 0;
}

/* A refused run: SG_ERESUME, a message holding what, nothing emitted. */
static void
assert_refused(int rc, const sg_err *e, const harness *t, const char *what, const char *where)
{
	if (rc != SG_ERESUME || e->code != SG_ERESUME)
		fail_msg("%s: rc %d (%s), want SG_ERESUME", where, rc, e->msg);
	if (strstr(e->msg, what) == NULL)
		fail_msg("%s: message '%s' does not say '%s'", where, e->msg, what);
	if (t->out.n != 0)
		fail_msg("%s: %zu frames emitted before the refusal", where, t->out.n);
}

/* A refusal test's start: a checkpoint and a harness, the fixed input
 * (known_size as for fixed_input) and its uninterrupted run, lines
 * strategy, with the rng named after the test. */
typedef struct refusal {
	sg_chunk_opts o;
	sg_ckpt *ck;
	harness *t;
	input in;
	sgt_rng r;
	sgt_stream whole;
} refusal;

static void
refusal_start(refusal *x, const char *test, int known_size)
{
	x->o = kind_opts(LINES);
	x->ck = malloc(sizeof *x->ck);
	x->t = malloc(sizeof *x->t);
	assert_non_null(x->ck);
	assert_non_null(x->t);
	sgt_rng_init(&x->r, test);
	fixed_input(&x->in, known_size);
	run_whole(&x->o, &x->in, &x->r, &x->whole);
}

static void
refusal_end(refusal *x)
{
	sgt_stream_free(&x->whole);
	input_free(&x->in);
	free(x->ck);
	free(x->t);
}

/* Every checkpoint mid-source (offset > 0) of every source, with each byte
 * before the offset changed in turn: refused, nothing emitted. */
static void
test_changed_byte(void **state)
{
	refusal x;
	sg_err e;
	size_t p, tried = 0;

	(void)state;
	refusal_start(&x, "changed_byte", 1);
	for (p = 1; p <= x.whole.n; p++) {
		size_t at;

		fold(&x.whole, p, x.ck);
		if (x.ck->state != SG_CKPT_PARTIAL || !x.ck->begun || x.ck->offset == 0)
			continue;
		for (at = 0; at < x.ck->offset; at++) {
			input bad;
			char where[96];
			unsigned char *b;
			int rc;

			input_copy(&bad, &x.in);
			b = &bad.src[x.ck->source][at];
			/* another letter, or a newline for a letter (new cuts) */
			*b = *b == '\n' ? 'Q' : (at % 3 == 0 ? '\n' : (unsigned char)(*b == 'z' ? 'a' : *b + 1));
			snprintf(where, sizeof where, "position %zu, byte %zu of source %llu", p, at,
			    (unsigned long long)x.ck->source);
			rc = run_resumed(&x.o, &bad, x.ck, &x.r, 0, x.t, &e);
			assert_refused(rc, &e, x.t, "changed before offset", where);
			sgt_stream_free(&x.t->out);
			input_free(&bad);
			tried++;
		}
	}
	assert_true(tried > 50);
	refusal_end(&x);
}

/* A change that merges the chunks before the checkpoint into one that
 * ends the source: refused on that chunk, not on the END after it. */
static void
test_merged_chunks(void **state)
{
	sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = 16, .records = 1 };
	sg_ckpt *ck = malloc(sizeof *ck);
	harness *t = malloc(sizeof *t);
	sgt_stream whole;
	input in, bad;
	sgt_rng r;
	sg_err e;
	int rc;

	(void)state;
	assert_non_null(ck);
	assert_non_null(t);
	sgt_rng_init(&r, "merged_chunks");
	memset(&in, 0, sizeof in);
	in.n = 1;
	in.known_size = 1;
	input_set(&in, 0, "a\nb\n", 4);
	snprintf(in.name[0], sizeof in.name[0], "only");
	run_whole(&o, &in, &r, &whole);
	/* BEGIN, "a\n", "b\n", END: durable up to "b\n" */
	assert_int_equal(whole.n, 4);
	fold(&whole, 3, ck);
	assert_int_equal(ck->seq, 3);
	assert_int_equal(ck->offset, 4);
	input_copy(&bad, &in);
	bad.src[0][1] = 'x';    /* "axb\n": one chunk, to offset 4 */
	rc = run_resumed(&o, &bad, ck, &r, 0, t, &e);
	assert_refused(rc, &e, t, "changed before offset", "merged");
	sgt_stream_free(&t->out);
	input_free(&bad);
	sgt_stream_free(&whole);
	input_free(&in);
	free(ck);
	free(t);
}

/* Bytes changed well after the checkpoint's offset (beyond any window the
 * cuts before it looked at) are the replay's no concern: the run goes on,
 * and what comes out is the changed input's own run after the position. */
static void
test_change_after(void **state)
{
	refusal x;
	sg_err e;
	size_t p, tried = 0;

	(void)state;
	refusal_start(&x, "change_after", 1);
	for (p = 1; p <= x.whole.n; p++) {
		input other;
		sgt_stream whole2;
		size_t at, q;
		char where[64];
		int rc;

		fold(&x.whole, p, x.ck);
		if (x.ck->state != SG_CKPT_PARTIAL || !x.ck->begun)
			continue;
		at = (size_t)x.ck->offset + (size_t)x.o.size + SG_CHUNK_LOOKAHEAD;
		if (at >= x.in.len[x.ck->source])
			continue;
		input_copy(&other, &x.in);
		other.src[x.ck->source][at] = other.src[x.ck->source][at] == 'X' ? 'Y' : 'X';
		run_whole(&x.o, &other, &x.r, &whole2);
		/* the same frames up to the position ... */
		for (q = 0; q < p; q++)
			assert_int_equal(whole2.f[q].h.payload_sum, x.whole.f[q].h.payload_sum);
		snprintf(where, sizeof where, "position %zu", p);
		rc = run_resumed(&x.o, &other, x.ck, &x.r, 0, x.t, &e);
		if (rc != 0)
			fail_msg("%s: rc %d: %s", where, rc, e.msg);
		/* ... and the changed run's after it */
		check_resumed(&whole2, p, x.ck, x.t, where);
		assert_true(whole2.wire.len != x.whole.wire.len ||
		    memcmp(whole2.wire.p, x.whole.wire.p, x.whole.wire.len) != 0);
		sgt_stream_free(&x.t->out);
		sgt_stream_free(&whole2);
		input_free(&other);
		tried++;
	}
	assert_true(tried >= 3);
	refusal_end(&x);
}

/* The current source cut short (its size not in BEGIN, as for a stream,
 * so BEGIN is the same): refused on END or on a chunk that differs. */
static void
test_shorter_source(void **state)
{
	refusal x;
	sg_err e;
	size_t p, on_end = 0, tried = 0;

	(void)state;
	refusal_start(&x, "shorter_source", 0);
	for (p = 1; p <= x.whole.n; p++) {
		size_t cut;

		fold(&x.whole, p, x.ck);
		if (x.ck->state != SG_CKPT_PARTIAL || !x.ck->begun || x.ck->offset == 0)
			continue;
		assert_int_equal(x.ck->size, SG_CKPT_UNKNOWN);
		for (cut = 0; cut < x.ck->offset; cut++) {
			input bad;
			char where[96];
			int rc;

			input_copy(&bad, &x.in);
			bad.len[x.ck->source] = cut;
			snprintf(where, sizeof where, "position %zu, source cut to %zu bytes", p, cut);
			rc = run_resumed(&x.o, &bad, x.ck, &x.r, 0, x.t, &e);
			if (strstr(e.msg, "it ended at byte") != NULL) {
				on_end++;
				assert_refused(rc, &e, x.t, "before the checkpoint's offset",
				    where);
			} else {
				assert_refused(rc, &e, x.t, "changed before offset", where);
			}
			sgt_stream_free(&x.t->out);
			input_free(&bad);
			tried++;
		}
	}
	/* both ways were seen: an END before the offset, a differing chunk */
	assert_true(on_end > 0);
	assert_true(on_end < tried);
	refusal_end(&x);
}

/* Fewer sources than the checkpoint has begun (or is between): refused
 * by sg_replay_finish, nothing emitted. */
static void
test_fewer_sources(void **state)
{
	refusal x;
	sg_err e;
	size_t p, tried = 0;

	(void)state;
	refusal_start(&x, "fewer_sources", 1);
	for (p = 1; p <= x.whole.n; p++) {
		size_t keep;

		fold(&x.whole, p, x.ck);
		if (x.ck->state != SG_CKPT_PARTIAL)
			continue;
		for (keep = 0; keep <= x.ck->source; keep++) {
			input bad;
			char where[96];
			int rc;

			input_copy(&bad, &x.in);
			bad.n = keep;
			snprintf(where, sizeof where, "position %zu, %zu sources", p, keep);
			rc = run_resumed(&x.o, &bad, x.ck, &x.r, 0, x.t, &e);
			assert_refused(rc, &e, x.t, "the input ends before the checkpoint", where);
			bad.n = x.in.n;
			input_free(&bad);
			sgt_stream_free(&x.t->out);
			tried++;
		}
	}
	assert_true(tried > 10);
	/* a done checkpoint has nothing to check: the same input passes and
	 * emits nothing */
	fold(&x.whole, x.whole.n, x.ck);
	assert_int_equal(x.ck->state, SG_CKPT_DONE);
	assert_int_equal(run_resumed(&x.o, &x.in, x.ck, &x.r, 0, x.t, &e), 0);
	assert_int_equal(x.t->out.n, 0);
	sgt_stream_free(&x.t->out);
	refusal_end(&x);
}

/* A source before the checkpoint's, or its own, with other BEGIN
 * metadata: refused, with a message saying what. */
static void
test_changed_begin(void **state)
{
	refusal x;
	sg_err e;
	size_t p, earlier = 0, own = 0;

	(void)state;
	refusal_start(&x, "changed_begin", 1);
	for (p = 1; p <= x.whole.n; p++) {
		input bad;
		size_t s;
		char where[96];
		int rc;

		fold(&x.whole, p, x.ck);
		if (x.ck->state != SG_CKPT_PARTIAL)
			continue;
		/* each earlier source one line longer, renamed, or with another job */
		for (s = 0; s < x.ck->source; s++) {
			int how;

			for (how = 0; how < 3; how++) {
				sgt_buf b = { 0 };

				input_copy(&bad, &x.in);
				if (how == 0) {
					sgt_buf_put(&b, x.in.src[s], x.in.len[s]);
					sgt_buf_str(&b, "more\n");
					input_set(&bad, s, b.p, b.len);
					sgt_buf_free(&b);
				} else if (how == 1) {
					snprintf(bad.name[s], sizeof bad.name[s], "other%u", (unsigned)s);
				} else {
					bad.job = "strategy=lines size=17";
				}
				snprintf(where, sizeof where, "position %zu, source %zu changed (%d)", p,
				    s, how);
				rc = run_resumed(&x.o, &bad, x.ck, &x.r, 0, x.t, &e);
				assert_refused(rc, &e, x.t, "before the checkpoint's changed",
				    where);
				sgt_stream_free(&x.t->out);
				input_free(&bad);
				earlier++;
			}
		}
		if (!x.ck->begun)
			continue;
		/* its own size, name, job */
		s = (size_t)x.ck->source;
		input_copy(&bad, &x.in);
		bad.len[s]--;
		snprintf(where, sizeof where, "position %zu, its size", p);
		rc = run_resumed(&x.o, &bad, x.ck, &x.r, 0, x.t, &e);
		assert_refused(rc, &e, x.t, "its size changed", where);
		{
			char want[80];

			snprintf(want, sizeof want, "was %zu bytes, now %zu bytes)", x.in.len[s],
			    x.in.len[s] - 1);
			assert_non_null(strstr(e.msg, want));
		}
		sgt_stream_free(&x.t->out);
		bad.len[s]++;
		snprintf(bad.name[s], sizeof bad.name[s], "renamed");
		snprintf(where, sizeof where, "position %zu, its name", p);
		rc = run_resumed(&x.o, &bad, x.ck, &x.r, 0, x.t, &e);
		assert_refused(rc, &e, x.t, "now it is 'renamed'", where);
		sgt_stream_free(&x.t->out);
		snprintf(bad.name[s], sizeof bad.name[s], "src%u", (unsigned)s);
		bad.job = "strategy=lines size=16 extra=1";
		snprintf(where, sizeof where, "position %zu, its job", p);
		rc = run_resumed(&x.o, &bad, x.ck, &x.r, 0, x.t, &e);
		if (s == 0)
			assert_refused(rc, &e, x.t, "BEGIN frame differs", where);
		else
			assert_refused(rc, &e, x.t, "before the checkpoint's changed", where);
		sgt_stream_free(&x.t->out);
		/* and the unchanged input still passes: the copies were faithful */
		bad.job = x.in.job;
		rc = run_resumed(&x.o, &bad, x.ck, &x.r, 0, x.t, &e);
		if (rc != 0)
			fail_msg("position %zu, unchanged: %s", p, e.msg);
		sgt_stream_free(&x.t->out);
		input_free(&bad);
		own++;
	}
	assert_true(earlier > 10);
	assert_true(own > 5);
	refusal_end(&x);
}

/* Frames the chunker never sends that way, given to the replay directly:
 * a frame of a source after the checkpoint's before its own BEGIN; and an
 * error from the downstream emit is passed back. */
static void
test_direct(void **state)
{
	refusal x;
	sg_err e;
	size_t p, b;
	sg_frame_hdr h;
	int rc;

	(void)state;
	refusal_start(&x, "direct", 1);
	p = pos_after(&x.whole, 1, 3);
	fold(&x.whole, p, x.ck);
	assert_int_equal(x.ck->source, 1);
	assert_int_equal(x.ck->seq, 4);

	memset(x.t, 0, sizeof *x.t);
	sgt_stream_init(&x.t->out);
	sg_replay_init(&x.t->rp, x.ck, out_emit, x.t);
	assert_false(x.t->rp.live);
	assert_true(sg_replay_skips(&x.t->rp, 0));
	assert_false(sg_replay_skips(&x.t->rp, 1));
	assert_false(sg_replay_skips(&x.t->rp, 2));
	h = x.whole.f[sgt_begin_of(&x.whole, 2)].h;
	sg_err_clear(&e);
	rc = sg_replay_emit(&x.t->rp, &h, sgt_payload(&x.whole, sgt_begin_of(&x.whole, 2)), &e);
	assert_int_equal(rc, SG_ERESUME);
	assert_non_null(strstr(e.msg, "has no source 1 ('src1')"));
	assert_int_equal(x.t->out.n, 0);
	sg_err_clear(&e);
	assert_int_equal(sg_replay_finish(&x.t->rp, &e), SG_ERESUME);

	/* frames of the checkpoint's sources given in order: the BEGIN of
	 * source 1 comes out when its DATA seq 3 does, then DATA seq 4 */
	sg_replay_init(&x.t->rp, x.ck, out_emit, x.t);
	rc = 0;
	for (b = 0; b < x.whole.n && rc >= 0; b++) {
		h = x.whole.f[b].h;
		if (h.type != SG_TYPE_BEGIN && h.source == 0)
			continue;       /* skipped: only its BEGIN comes by */
		sg_err_clear(&e);
		rc = sg_replay_emit(&x.t->rp, &h, sgt_payload(&x.whole, b), &e);
		assert_int_equal(rc, 0);
		if (b + 1 == p)
			assert_int_equal(x.t->out.n, 1);
		else if (b + 1 < p)
			assert_int_equal(x.t->out.n, 0);
		if (b == p)
			break;
	}
	assert_int_equal(x.t->out.n, 2);
	assert_int_equal(x.t->out.f[0].h.type, SG_TYPE_BEGIN);
	assert_int_equal(x.t->out.f[0].h.flags,
	    x.whole.f[sgt_begin_of(&x.whole, 1)].h.flags | SG_FLAG_RESUMED);
	assert_int_equal(x.t->out.f[1].h.seq, 4);
	sgt_stream_free(&x.t->out);

	/* a failing downstream stops the run with its error */
	{
		harness *u = x.t;
		sg_chunker *c;
		sg_meta *m = malloc(sizeof *m);
		size_t i;

		assert_non_null(m);
		memset(u, 0, sizeof *u);
		sgt_stream_init(&u->out);
		u->out.fail_at = 1;
		u->out.fail_code = SG_EIO;
		sg_replay_init(&u->rp, x.ck, out_emit, u);
		c = sg_chunker_new(&x.o, front_emit, u, &e);
		assert_non_null(c);
		rc = 0;
		for (i = 0; i < x.in.n && rc == 0; i++) {
			source_meta(&x.in, i, m);
			if ((rc = sg_chunker_begin(c, m, &e)) < 0)
				break;
			if (sg_replay_skips(&u->rp, i)) {
				sg_chunker_abandon(c);
				continue;
			}
			if ((rc = feed(c, x.in.src[i], x.in.len[i], &x.r, 0, &e)) == 0)
				rc = sg_chunker_end(c, i + 1 == x.in.n, &e);
		}
		assert_int_equal(rc, SG_EIO);
		assert_int_equal(u->out.n, 1);
		sg_chunker_free(c);
		free(m);
		sgt_stream_free(&u->out);
	}
	refusal_end(&x);
}

/* --- sg_replay_check_job ------------------------------------------------------ */

static int
check_job(const char *old, const char *now, sg_err *e)
{
	sg_ckpt *ck = malloc(sizeof *ck);
	int rc;

	assert_non_null(ck);
	sg_ckpt_init(ck);
	if (old != NULL) {
		snprintf(ck->options, sizeof ck->options, "%s", old);
		ck->options_len = strlen(old);
	}
	sg_err_clear(e);
	rc = sg_replay_check_job(ck, now, e);
	free(ck);
	return rc;
}

static void
assert_job_refused(const char *old, const char *now, const char *msg)
{
	sg_err e;

	assert_int_equal(check_job(old, now, &e), SG_ERESUME);
	assert_int_equal(e.code, SG_ERESUME);
	assert_string_equal(e.msg, msg);
}

static void
test_check_job(void **state)
{
	sg_err e;

	(void)state;
	assert_int_equal(check_job("strategy=lines size=1", "strategy=lines size=1", &e), 0);
	assert_int_equal(e.code, SG_OK);
	/* a checkpoint that has no options yet accepts any */
	assert_int_equal(check_job(NULL, "strategy=lines size=1", &e), 0);
	assert_int_equal(check_job("", "strategy=json", &e), 0);
	assert_job_refused("strategy=lines size=1", "strategy=lines size=2",
	    "the options changed since the checkpoint: --size was 1, now 2");
	assert_job_refused("strategy=json size=1", "strategy=lines size=1",
	    "the options changed since the checkpoint: --strategy was json, now lines");
	/* every key that differs, in the order of the words now */
	assert_job_refused("strategy=json size=1 records=0", "strategy=lines size=2 records=0",
	    "the options changed since the checkpoint: --strategy was json, now lines; "
	    "--size was 1, now 2");
	/* a value that is a prefix of the other is not equal */
	assert_job_refused("size=10", "size=1",
	    "the options changed since the checkpoint: --size was 10, now 1");
	assert_job_refused("size=1", "size=10",
	    "the options changed since the checkpoint: --size was 1, now 10");
	/* a key added since */
	assert_job_refused("strategy=lines", "strategy=lines header=1",
	    "the options changed since the checkpoint: --header was unset, now 1");
	/* a key gone since, named after the keys now */
	assert_job_refused("strategy=lines header=1", "strategy=lines",
	    "the options changed since the checkpoint: --header was 1, now unset");
	/* a key whose name ends another's is not that key */
	assert_job_refused("xsize=1", "size=1",
	    "the options changed since the checkpoint: --size was unset, now 1; "
	    "--xsize was 1, now unset");
	/* the same words in another order: nothing to name, still refused */
	assert_job_refused("a=1 b=2", "b=2 a=1",
	    "the options changed since the checkpoint (was 'a=1 b=2')");
	/* many keys: the message is cut, not overrun */
	{
		char old[1200], now[1200];
		size_t i, a = 0, b = 0;

		for (i = 0; i < 60; i++) {
			a += (size_t)snprintf(old + a, sizeof old - a, "%skey%zu=old", i ? " " : "", i);
			b += (size_t)snprintf(now + b, sizeof now - b, "%skey%zu=new", i ? " " : "", i);
		}
		assert_int_equal(check_job(old, now, &e), SG_ERESUME);
		assert_true(strlen(e.msg) < sizeof e.msg);
		assert_non_null(strstr(e.msg, "--key0 was old, now new; --key1 was old"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions_lines),
		cmocka_unit_test(test_positions_overlap),
		cmocka_unit_test(test_positions_header),
		cmocka_unit_test(test_changed_byte),
		cmocka_unit_test(test_merged_chunks),
		cmocka_unit_test(test_change_after),
		cmocka_unit_test(test_shorter_source),
		cmocka_unit_test(test_fewer_sources),
		cmocka_unit_test(test_changed_begin),
		cmocka_unit_test(test_direct),
		cmocka_unit_test(test_check_job),
	};

	return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}
