/* test_boundary_cdc.c: the cdc strategy (content-defined chunking).
 *
 * Cuts are checked against a reference written here from the rule in
 * boundary_cdc.c's header comment (its own gear table, a hash started at
 * each chunk's first byte, one byte at a time), through the chunker with
 * random read splits and drains, and directly. Then what cdc is for: chunk
 * sizes stay within [min, max] and average near avg, an insertion leaves
 * almost every chunk unchanged, and a golden vector pins the cut points,
 * which are a compatibility promise.
 */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boundary.h"
#include "chunker.h"
#include "sum.h"

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)

static void *
xmalloc(size_t n)
{
	void *p = malloc(n > 0 ? n : 1);

	assert_non_null(p);
	return p;
}

/* --- reference ---------------------------------------------------------- */

typedef struct ref {
	uint64_t gear[256];
	size_t min, avg, max;
	unsigned lg;  /* log2(avg) */
} ref;

/* splitmix64, written out again (not sgt_next) */
static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static void
ref_init(ref *r, size_t min, size_t avg, size_t max)
{
	uint64_t x = 0;
	const char *seed = "sg-cdc-1";
	size_t i;

	for (i = 0; i < 8; i++)
		x = x << 8 | (unsigned char)seed[i];
	for (i = 0; i < 256; i++)
		r->gear[i] = splitmix(&x);
	r->min = min ? min : 256 * KiB;
	r->avg = avg ? avg : 1 * MiB;
	r->max = max ? max : 4 * MiB;
	for (r->lg = 0; ((size_t)1 << r->lg) < r->avg; r->lg++)
		;
}

/* The length of the chunk starting at in[0], with n bytes left. */
static size_t
ref_chunk(const ref *r, const unsigned char *in, size_t n)
{
	uint64_t h = 0;
	size_t L;

	for (L = 1; L <= n; L++) {
		unsigned bits = L < r->avg ? r->lg + 2 : r->lg - 2;

		h = (h << 1) + r->gear[in[L - 1]];
		if (L >= r->min && h >> (64 - bits) == 0)
			return L;
		if (L == r->max)
			return L;
	}
	return n;
}

/* The chunk ends (exclusive offsets) of in[0..len); returns their count. */
static size_t
ref_cuts(const ref *r, const unsigned char *in, size_t len, size_t **ends)
{
	size_t pos = 0, n = 0, cap = 64;

	*ends = xmalloc(cap * sizeof **ends);
	while (pos < len) {
		pos += ref_chunk(r, in + pos, len - pos);
		if (n == cap)
			assert_non_null(*ends = realloc(*ends, (cap *= 2) * sizeof **ends));
		(*ends)[n++] = pos;
	}
	return n;
}

/* --- inputs ------------------------------------------------------------- */

/* n pseudo-random bytes from seed: splitmix64 outputs, little-endian. */
static void
fill_random(unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t x = seed, v = 0;
	size_t i;

	for (i = 0; i < n; i++, v >>= 8) {
		if (i % 8 == 0)
			v = splitmix(&x);
		p[i] = (unsigned char)v;
	}
}

enum { IN_RANDOM, IN_ZERO, IN_TEXT, IN_PERIODIC, IN_MIXED, IN_N };
static const char *in_names[] = { "random", "zero", "text", "periodic", "mixed" };

static void
make_input(sgt_rng *r, int kind, unsigned char *p, size_t n)
{
	static const char *words[] = { "the ", "cat ", "sat ", "on ", "a ", "mat\n",
		"{\"id\":", "42,", "\"x\":[1,2,3]}\n" };
	size_t i = 0, period = (size_t)sgt_range(r, 1, 100), k;

	switch (kind) {
	case IN_RANDOM:
		fill_random(p, n, sgt_next(r));
		break;
	case IN_ZERO:
		memset(p, 0, n);
		break;
	case IN_TEXT:
		while (i < n) {
			const char *w = words[sgt_below(r, sizeof words / sizeof words[0])];

			for (k = 0; w[k] != '\0' && i < n; k++)
				p[i++] = (unsigned char)w[k];
		}
		break;
	case IN_PERIODIC:
		fill_random(p, period < n ? period : n, sgt_next(r));
		for (i = period; i < n; i++)
			p[i] = p[i - period];
		break;
	default:
		while (i < n) {
			size_t run = (size_t)sgt_range(r, 1, 20000);
			int sub = (int)sgt_below(r, IN_MIXED);

			if (run > n - i)
				run = n - i;
			make_input(r, sub, p + i, run);
			i += run;
		}
	}
}

/* --- through the chunker ------------------------------------------------ */

typedef struct chunk {
	uint64_t offset, size, sum;
	uint16_t flags;
} chunk;

typedef struct run {
	const unsigned char *in;  /* what the payloads must repeat */
	size_t len;
	chunk *c;
	size_t n, cap;
	int mismatch;             /* a payload differed from the input */
} run;

static int
collect(void *ctx, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e)
{
	run *r = ctx;

	(void)e;
	if (h->type != SG_TYPE_DATA)
		return 0;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		assert_non_null(r->c = realloc(r->c, r->cap * sizeof *r->c));
	}
	if (h->offset > r->len || h->size > r->len - h->offset ||
	    h->stored != h->size || memcmp(payload, r->in + h->offset, h->size) != 0)
		r->mismatch = 1;
	r->c[r->n].offset = h->offset;
	r->c[r->n].size = h->size;
	r->c[r->n].sum = sg_sum(payload, h->size);
	r->c[r->n].flags = h->flags;
	r->n++;
	return 0;
}

/* Chunk in[0..len) with cdc and params; rng NULL reads in whole windows.
 * known: tell the chunker the source size. Fails the test on error. */
static void
chunk_it(run *out, const unsigned char *in, size_t len, uint64_t min, uint64_t avg,
	 uint64_t max, sgt_rng *rng, unsigned drain_pct, int known)
{
	sg_chunk_opts o = { .strategy = &sg_boundary_cdc };
	sgt_reads whole = { .step = SIZE_MAX };  /* whole windows, for the big inputs */
	sg_chunker *ch;
	sg_meta m;
	sg_err e;
	int rc;

	memset(out, 0, sizeof *out);
	out->in = in;
	out->len = len;
	o.params.cdc_min = min;
	o.params.cdc_avg = avg;
	o.params.cdc_max = max;
	sg_err_clear(&e);
	ch = sg_chunker_new(&o, collect, out, &e);
	if (ch == NULL)
		fail_msg("sg_chunker_new: %s", e.msg);
	sg_meta_clear(&m);
	sg_meta_set_name(&m, "in", 2);
	if (known) {
		m.size = len;
		m.have |= SG_META_HAS(SG_META_SIZE);
	}
	rc = sg_chunker_begin(ch, &m, &e);
	if (rc == 0)
		rc = rng != NULL ? sgt_feed(ch, in, len, rng, drain_pct, &e) :
		    sgt_feed_reads(ch, in, len, NULL, &whole, NULL, &e);
	if (rc == 0)
		rc = sg_chunker_end(ch, 1, &e);
	sg_chunker_free(ch);
	if (rc != 0)
		fail_msg("chunker: rc %d: %s", rc, e.msg);
	assert_false(out->mismatch);
}

static void
run_free(run *r)
{
	free(r->c);
	r->c = NULL;
}

/* The run's chunks tile the input, unflagged, and end where ends[] says. */
static void
assert_cuts(const run *r, const size_t *ends, size_t n, const char *what)
{
	size_t i, off = 0;

	if (r->n != n)
		fail_msg("%s: %zu chunks, the reference has %zu", what, r->n, n);
	for (i = 0; i < n; i++) {
		if (r->c[i].offset != off)
			fail_msg("%s: chunk %zu at %llu, expected %zu", what, i,
			    (unsigned long long)r->c[i].offset, off);
		if (r->c[i].flags != 0)
			fail_msg("%s: chunk %zu has flags 0x%x", what, i, r->c[i].flags);
		off += (size_t)r->c[i].size;
		if (off != ends[i])
			fail_msg("%s: chunk %zu ends at %zu, the reference at %zu", what,
			    i, off, ends[i]);
	}
	if (off != r->len)
		fail_msg("%s: chunks cover %zu of %zu bytes", what, off, r->len);
}

/* Every chunk but the last holds min..max bytes; the last 1..max. */
static void
assert_sizes(const run *r, size_t min, size_t max, const char *what)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		uint64_t s = r->c[i].size;

		if (s == 0 || s > max || (i + 1 < r->n && s < min))
			fail_msg("%s: chunk %zu of %zu has %llu bytes, outside [%zu, %zu]",
			    what, i, r->n, (unsigned long long)s, min, max);
	}
}

/* --- check and the ops --------------------------------------------------- */

static void
expect_usage(uint64_t min, uint64_t avg, uint64_t max, const char *word)
{
	sg_boundary_params p = { 0 };
	sg_chunk_opts o = { .strategy = &sg_boundary_cdc };
	sg_err e;

	p.cdc_min = min;
	p.cdc_avg = avg;
	p.cdc_max = max;
	sg_err_clear(&e);
	assert_int_equal(sg_boundary_cdc.check(&p, &e), SG_EUSAGE);
	assert_int_equal(e.code, SG_EUSAGE);
	if (strstr(e.msg, word) == NULL)
		fail_msg("min %llu avg %llu max %llu: \"%s\" does not name %s",
		    (unsigned long long)min, (unsigned long long)avg,
		    (unsigned long long)max, e.msg, word);
	/* and the chunker refuses it too, when all three are given (it
	 * derives missing ones from --avg) */
	if (min == 0 || avg == 0 || max == 0)
		return;
	o.params = p;
	sg_err_clear(&e);
	assert_null(sg_chunker_new(&o, collect, NULL, &e));
	assert_int_equal(e.code, SG_EUSAGE);
}

static void
expect_ok(uint64_t min, uint64_t avg, uint64_t max)
{
	sg_boundary_params p = { 0 };
	sg_err e;

	p.cdc_min = min;
	p.cdc_avg = avg;
	p.cdc_max = max;
	sg_err_clear(&e);
	if (sg_boundary_cdc.check(&p, &e) != 0)
		fail_msg("min %llu avg %llu max %llu refused: %s",
		    (unsigned long long)min, (unsigned long long)avg,
		    (unsigned long long)max, e.msg);
}


static void
test_check(void **state)
{
	sg_chunk_opts o = { .strategy = &sg_boundary_cdc, .records = 2 };
	sg_err e;

	(void)state;
	assert_ptr_equal(sg_boundary_lookup("cdc"), &sg_boundary_cdc);
	assert_string_equal(sg_boundary_cdc.summary,
	    "content-defined (FastCDC-style gear hash), for deduplication");
	assert_int_equal(sg_boundary_cdc.has_records, 0);
	assert_int_equal(sg_boundary_cdc.options, SG_BOPT_CDC);
	assert_int_equal(sg_boundary_cdc.part, SG_PART_NONE);

	expect_ok(0, 0, 0);
	expect_ok(64, 128, 129);
	expect_ok(0, 0, SG_CHUNK_SIZE_MAX);
	expect_ok(0, 32 * MiB, 64 * MiB);
	expect_ok(100, 0, 0);
	expect_ok(4 * KiB, 16 * KiB, 64 * KiB);

	expect_usage(63, 0, 0, "--min");
	expect_usage(1, 128, 256, "--min");
	expect_usage(1 * MiB, 0, 0, "--min");          /* min = the default avg */
	expect_usage(512 * KiB, 256 * KiB, 0, "--min");
	expect_usage(0, 128 * KiB, 0, "--min");        /* the default min 256K */
	expect_usage(64, 192, 1024, "--avg");
	expect_usage(0, 3 * MiB, 0, "--avg");
	expect_usage(0, 0, 1 * MiB, "--max");          /* max = the default avg */
	expect_usage(0, 4 * MiB, 0, "--max");          /* the default max 4M */
	expect_usage(0, 0, SG_CHUNK_SIZE_MAX + 1, "--max");
	expect_usage(0, 64 * MiB, 128 * MiB, "--max");

	/* --records means nothing to cdc */
	sg_err_clear(&e);
	assert_null(sg_chunker_new(&o, collect, NULL, &e));
	assert_int_equal(e.code, SG_EUSAGE);
}

/* --- find, called directly ----------------------------------------------- */

static void *
new_state(uint64_t min, uint64_t avg, uint64_t max)
{
	sg_boundary_params p = { 0 };
	void *st = calloc(1, sg_boundary_cdc.state_size);

	assert_non_null(st);
	p.cdc_min = min;
	p.cdc_avg = avg;
	p.cdc_max = max;
	sg_boundary_cdc.reset(st, &p);
	return st;
}

static size_t
find(void *st, const unsigned char *buf, size_t len, size_t avail, int eof)
{
	return sg_boundary_cdc.find(st, buf, len, avail, eof, 0);
}

static void
test_direct(void **state)
{
	const size_t min = 1 * KiB, avg = 4 * KiB, max = 16 * KiB, n = 256 * KiB;
	unsigned char *buf = xmalloc(n);
	void *st = new_state(min, avg, max);
	size_t L, len, pos, k, *ends, nends;
	sgt_rng rng;
	ref r;

	(void)state;
	sgt_rng_init(&rng, "test_direct");
	ref_init(&r, min, avg, max);
	fill_random(buf, n, sgt_next(&rng));
	L = ref_chunk(&r, buf, n);
	assert_true(L >= min && L <= max);

	/* A live input one byte at a time: no cut until the reference cut,
	 * then that one, and the same again if asked again. */
	for (len = 1; len < L; len++)
		if (find(st, buf, len, len, 0) != 0)
			fail_msg("drain cut at %zu, the reference cuts at %zu", len, L);
	assert_int_equal(find(st, buf, L, L, 0), L);
	assert_int_equal(find(st, buf, L + 100, L + 100, 0), L);
	assert_int_equal(find(st, buf, max, max + 4, 0), L);

	/* A fresh state on a whole window agrees, and so does a window larger
	 * than max; the next chunk after consumed starts afresh. */
	free(st);
	st = new_state(min, avg, max);
	assert_int_equal(find(st, buf, max, max + 4, 0), L);
	sg_boundary_cdc.consumed(st, L);
	assert_int_equal(find(st, buf + L, 3 * max, n - L, 0), ref_chunk(&r, buf + L, n - L));

	/* Short of min: nothing while live, everything at the end; a window
	 * that does not reach the end of the input is not the last chunk. */
	free(st);
	st = new_state(min, avg, max);
	assert_int_equal(find(st, buf, min - 1, min - 1, 0), 0);
	assert_int_equal(find(st, buf, min - 1, min + 10, 1), 0);
	assert_int_equal(find(st, buf, min - 1, min - 1, 1), min - 1);
	free(st);
	st = new_state(min, avg, max);
	assert_int_equal(find(st, buf, 1, 1, 1), 1);

	/* Zeros hold no content cut: a full window is cut at max, not
	 * left to the chunker as an oversize record. */
	memset(buf, 0, max + 4);
	assert_int_equal(ref_chunk(&r, buf, max + 4), max);
	free(st);
	st = new_state(min, avg, max);
	assert_int_equal(find(st, buf, max - 1, max - 1, 0), 0);
	assert_int_equal(find(st, buf, max, max + 4, 0), max);
	assert_int_equal(find(st, buf, max, max, 0), max);
	sg_boundary_cdc.consumed(st, max);
	assert_int_equal(find(st, buf, max, max, 1), max);

	/* A whole input in windows that grow by random amounts. */
	fill_random(buf, n, sgt_next(&rng));
	nends = ref_cuts(&r, buf, n, &ends);
	free(st);
	st = new_state(min, avg, max);
	for (pos = 0, k = 0, len = 0; pos < n;) {
		size_t held, cut;

		len += (size_t)sgt_range(&rng, 1, 3 * KiB);
		held = len < n - pos ? len : n - pos;
		cut = find(st, buf + pos, held < max ? held : max, held, pos + held == n);
		if (cut == 0)
			continue;
		assert_true(k < nends);
		if (pos + cut != ends[k])
			fail_msg("chunk %zu ends at %zu, the reference at %zu", k,
			    pos + cut, ends[k]);
		sg_boundary_cdc.consumed(st, cut);
		pos += cut;
		len -= cut;
		k++;
	}
	assert_int_equal(k, nends);
	free(ends);
	free(st);
	free(buf);
}

/* --- property: random inputs, sizes and read splits ----------------------- */

static void
test_property(void **state)
{
	unsigned iters = sgt_iters(300), it;
	unsigned char *in = xmalloc(400 * KiB);
	sgt_rng rng;

	(void)state;
	sgt_rng_init(&rng, "test_property");
	for (it = 0; it < iters; it++) {
		int kind = (int)sgt_below(&rng, IN_N);
		size_t len = sgt_chance(&rng, 10) ? (size_t)sgt_range(&rng, 0, 300) :
		    (size_t)sgt_range(&rng, 0, 400 * KiB);
		size_t min = (size_t)sgt_range(&rng, 64, 4 * KiB), avg = 128, max, *ends, n;
		char what[160];
		run a, b;
		ref r;

		while (avg <= min)
			avg *= 2;
		avg <<= sgt_below(&rng, 3);
		max = (size_t)sgt_range(&rng, avg + 1, 8 * avg);
		make_input(&rng, kind, in, len);
		snprintf(what, sizeof what, "run %u: %s, %zu bytes, min %zu avg %zu max %zu",
		    it, in_names[kind], len, min, avg, max);
		ref_init(&r, min, avg, max);
		n = ref_cuts(&r, in, len, &ends);

		/* random reads without drains, and with drains: the same cuts */
		chunk_it(&a, in, len, min, avg, max, &rng, 0, sgt_chance(&rng, 50));
		assert_cuts(&a, ends, n, what);
		assert_sizes(&a, min, max, what);
		chunk_it(&b, in, len, min, avg, max, &rng, (unsigned)sgt_range(&rng, 10, 90),
		    sgt_chance(&rng, 50));
		assert_cuts(&b, ends, n, what);
		run_free(&a);
		run_free(&b);
		free(ends);
	}
	free(in);
}

/* --- on 64 MiB of random bytes -------------------------------------------- */

#define BIG (64 * MiB)
#define INSERT 100

typedef struct big {
	unsigned char *a;  /* BIG random bytes */
	unsigned char *b;  /* INSERT random bytes, then a */
	unsigned char *c;  /* a with INSERT bytes inserted in the middle */
} big;

static int
big_setup(void **state)
{
	big *g = calloc(1, sizeof *g);

	if (g == NULL || (g->a = malloc(BIG)) == NULL ||
	    (g->b = malloc(BIG + INSERT)) == NULL || (g->c = malloc(BIG + INSERT)) == NULL)
		return -1;
	/* fixed seeds: the thresholds below are checked on known data */
	fill_random(g->a, BIG, 0x5EED0001);
	fill_random(g->b, INSERT, 0x5EED0002);
	memcpy(g->b + INSERT, g->a, BIG);
	memcpy(g->c, g->a, BIG / 2);
	memcpy(g->c + BIG / 2, g->b, INSERT);
	memcpy(g->c + BIG / 2 + INSERT, g->a + BIG / 2, BIG / 2);
	*state = g;
	return 0;
}

static int
big_teardown(void **state)
{
	big *g = *state;

	if (g != NULL) {
		free(g->a);
		free(g->b);
		free(g->c);
		free(g);
	}
	return 0;
}

static void
check_average(const big *g, size_t min, size_t avg, size_t max)
{
	size_t *ends, n;
	double mean;
	char what[100];
	run a;
	ref r;

	snprintf(what, sizeof what, "64 MiB random, min %zu avg %zu max %zu", min, avg, max);
	ref_init(&r, min, avg, max);
	n = ref_cuts(&r, g->a, BIG, &ends);
	chunk_it(&a, g->a, BIG, min == 256 * KiB ? 0 : min, avg == 1 * MiB ? 0 : avg,
	    max == 4 * MiB ? 0 : max, NULL, 0, 1);
	assert_cuts(&a, ends, n, what);
	assert_sizes(&a, min, max, what);
	assert_true(a.n >= 3);
	mean = (double)(a.c[a.n - 1].offset) / (double)(a.n - 1); /* all but the last */
	printf("[   INFO   ] %s: %zu chunks, mean %.0f (%.2f avg)\n", what, a.n, mean,
	    mean / (double)avg);
	if (mean < (double)avg / 1.5 || mean > (double)avg * 1.5)
		fail_msg("%s: mean chunk %.0f is not within a factor 1.5 of %zu", what,
		    mean, avg);
	run_free(&a);
	free(ends);
}

static void
test_average(void **state)
{
	const big *g = *state;

	check_average(g, 16 * KiB, 64 * KiB, 256 * KiB);
	check_average(g, 256 * KiB, 1 * MiB, 4 * MiB);  /* the defaults */
}

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* The share of the chunks of edited that also occur in orig. */
static double
shared_share(const run *orig, const run *edited)
{
	uint64_t *sums = xmalloc(orig->n * sizeof *sums);
	size_t i, same = 0;

	for (i = 0; i < orig->n; i++)
		sums[i] = orig->c[i].sum;
	qsort(sums, orig->n, sizeof *sums, cmp_u64);
	for (i = 0; i < edited->n; i++)
		if (bsearch(&edited->c[i].sum, sums, orig->n, sizeof *sums, cmp_u64) != NULL)
			same++;
	free(sums);
	return (double)same / (double)edited->n;
}

static void
check_insertion(const big *g, uint64_t min, uint64_t avg, uint64_t max)
{
	double front, middle;
	run a, b, c;

	chunk_it(&a, g->a, BIG, min, avg, max, NULL, 0, 1);
	chunk_it(&b, g->b, BIG + INSERT, min, avg, max, NULL, 0, 1);
	chunk_it(&c, g->c, BIG + INSERT, min, avg, max, NULL, 0, 1);
	front = shared_share(&a, &b);
	middle = shared_share(&a, &c);
	printf("[   INFO   ] min %llu avg %llu max %llu: %zu chunks; %d bytes inserted "
	    "at the start leave %.1f%% unchanged, in the middle %.1f%%\n",
	    (unsigned long long)min, (unsigned long long)avg, (unsigned long long)max,
	    a.n, INSERT, 100 * front, 100 * middle);
	if (front < 0.95 || middle < 0.95)
		fail_msg("only %.1f%% (start) and %.1f%% (middle) of chunks unchanged",
		    100 * front, 100 * middle);
	/* and a shift is not the same data: the first chunk did change */
	assert_int_not_equal(a.c[0].sum, b.c[0].sum);
	run_free(&a);
	run_free(&b);
	run_free(&c);
}

static void
test_insertion(void **state)
{
	const big *g = *state;

	check_insertion(g, 16 * KiB, 64 * KiB, 256 * KiB);
	check_insertion(g, 0, 0, 0);  /* the defaults */
}

/* The defaults on inputs whose auto --size would not be max: the window
 * must still be max, or chunks would end at the window as oversize. */
static void
test_defaults_window(void **state)
{
	const big *g = *state;
	size_t *ends, n, len;
	run a;
	ref r;

	ref_init(&r, 0, 0, 0);
	for (len = 3 * MiB; len <= 9 * MiB; len += 6 * MiB) {
		n = ref_cuts(&r, g->a, len, &ends);
		chunk_it(&a, g->a, len, 0, 0, 0, NULL, 0, 1);  /* auto: 256K, 1M */
		assert_cuts(&a, ends, n, "defaults, size known");
		run_free(&a);
		chunk_it(&a, g->a, len, 0, 0, 0, NULL, 0, 0);  /* auto: 1M */
		assert_cuts(&a, ends, n, "defaults, size unknown");
		run_free(&a);
		free(ends);
	}
}

/* --- the golden vector ----------------------------------------------------- */

/* The chunk ends of fill_random(seed 0x676F6C64656E2D31, "golden-1"), 4 MiB,
 * with --min 4K --avg 16K --max 64K: sg's cdc promises these cuts. */
static const uint32_t golden[] = {
	20807, 41632, 63435, 83197, 101810, 109864, 117990, 128424,
	145346, 151517, 164179, 183386, 228036, 240342, 261155, 278703,
	295817, 313080, 333842, 350688, 367779, 390080, 404056, 408956,
	419204, 443451, 463430, 491468, 520031, 539493, 558437, 576193,
	582973, 603146, 619944, 651832, 659561, 676100, 699997, 719560,
	737290, 748852, 767746, 789155, 795660, 812065, 828954, 849033,
	878013, 907809, 928047, 935508, 952004, 969732, 990244, 1003240,
	1022916, 1045551, 1062970, 1071689, 1095342, 1112578, 1140582, 1164219,
	1193458, 1217944, 1227651, 1247290, 1266019, 1284070, 1301259, 1319703,
	1337349, 1356831, 1376422, 1394781, 1415078, 1434369, 1440352, 1464127,
	1482360, 1502878, 1519527, 1545517, 1558002, 1567711, 1589437, 1612092,
	1629155, 1645997, 1667652, 1686286, 1717098, 1721833, 1740956, 1761768,
	1781246, 1788844, 1809528, 1831398, 1850350, 1869759, 1890588, 1909750,
	1926819, 1943712, 1963669, 1991823, 1998470, 2018651, 2033796, 2056453,
	2078475, 2091904, 2109536, 2127455, 2145145, 2163408, 2182810, 2199375,
	2220716, 2237557, 2259649, 2276979, 2293427, 2325247, 2346434, 2357536,
	2365749, 2388287, 2409417, 2431595, 2448330, 2475110, 2496203, 2522031,
	2541861, 2558931, 2576274, 2593634, 2608358, 2630975, 2638141, 2656094,
	2676182, 2695153, 2724900, 2741753, 2762727, 2786241, 2806847, 2824302,
	2841741, 2859987, 2883953, 2906926, 2924223, 2941527, 2967368, 2991056,
	3007573, 3027231, 3044790, 3062796, 3081278, 3098102, 3120582, 3145101,
	3165782, 3183433, 3204169, 3215770, 3236923, 3254756, 3274900, 3294696,
	3322416, 3341741, 3362374, 3388508, 3405096, 3424936, 3443915, 3464971,
	3481481, 3499298, 3518017, 3539793, 3560480, 3577352, 3593922, 3611373,
	3630519, 3652504, 3670819, 3688185, 3706846, 3726334, 3742744, 3760507,
	3783032, 3797302, 3816868, 3837322, 3858140, 3877201, 3901524, 3926518,
	3943055, 3970049, 3997256, 4025681, 4044675, 4059307, 4080339, 4085325,
	4096934, 4115903, 4123582, 4145084, 4162187, 4183004, 4194304,
};

static void
test_golden(void **state)
{
	const size_t n = 4 * MiB, ng = sizeof golden / sizeof golden[0];
	unsigned char *in = xmalloc(n);
	size_t *ends, nends, i, pass;
	sgt_rng rng;
	ref r;

	(void)state;
	sgt_rng_init(&rng, "test_golden");
	fill_random(in, n, 0x676F6C64656E2D31ull);
	ref_init(&r, 4 * KiB, 16 * KiB, 64 * KiB);
	nends = ref_cuts(&r, in, n, &ends);
	assert_int_equal(nends, ng);
	for (i = 0; i < ng; i++)
		assert_int_equal(ends[i], golden[i]);
	for (pass = 0; pass < 3; pass++) {
		run a;

		chunk_it(&a, in, n, 4 * KiB, 16 * KiB, 64 * KiB, pass ? &rng : NULL,
		    pass == 2 ? 50 : 0, 1);
		assert_cuts(&a, ends, nends, "golden");
		run_free(&a);
	}
	free(ends);
	free(in);
}

/* --- driver ------------------------------------------------------------- */

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_direct),
		cmocka_unit_test(test_property),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_average),
		cmocka_unit_test(test_insertion),
		cmocka_unit_test(test_defaults_window),
	};

	return cmocka_run_group_tests_name("boundary_cdc", tests, big_setup, big_teardown);
}
