/* test_boundary_json.c: the json strategy (boundary_json.c).
 *
 * Hand cases for each rule (NDJSON, pretty, concatenated, json-seq, strings,
 * scalars, garbage, --array, the too-big-array cut, flags, deep nesting,
 * --validate), the JSONTestSuite corpus, and property tests: random
 * JSON-ish inputs cut with random sizes, --records and read splits, checked
 * against a slow reference cutter written here from the rules, and for
 * --validate against a recursive-descent reference parser.
 *
 * Two drivers: the real chunker (round trip, frames), and drive() below,
 * which repeats the chunker's cutting loop for --oversize=split but also
 * calls the strategy's flags and error callbacks, so that SG_FLAG_ARRAY
 * and --validate failures can be checked.
 */
#include "sgtest.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boundary.h"
#include "chunker.h"
#include "frame.h"
#include "utf8.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define RS "\x1E"
#define LOOK SG_CHUNK_LOOKAHEAD

static const sg_boundary_ops *J = &sg_boundary_json;
static const sg_boundary_params P_PLAIN = { 0 };
static const sg_boundary_params P_ARRAY = { .json_array = 1 };
static const sg_boundary_params P_VALID = { .json_validate = 1 };
static const sg_boundary_params P_VARRAY = { .json_array = 1, .json_validate = 1 };

/* --- direct calls ------------------------------------------------------ */

static void *
st_new(const sg_boundary_params *p)
{
	void *st = calloc(1, J->state_size);

	assert_non_null(st);
	J->reset(st, p);
	return st;
}

/* find on a copy of exactly avail bytes, so that reading past them trips
 * the sanitizer. */
static size_t
find_copy(void *st, const void *s, size_t len, size_t avail, int eof, uint64_t n)
{
	unsigned char *b = malloc(avail ? avail : 1);
	size_t r;

	assert_non_null(b);
	memcpy(b, s, avail);
	r = J->find(st, b, len, avail, eof, n);
	free(b);
	return r;
}

/* One find on a fresh state. */
static size_t
find1(const sg_boundary_params *p, const char *s, size_t len, size_t avail, int eof,
      uint64_t n)
{
	void *st = st_new(p);
	size_t r = find_copy(st, s, len, avail, eof, n);

	free(st);
	return r;
}

/* --- a driver that calls every callback ----------------------------------- */

typedef struct run {
	size_t n, cap;
	size_t *end;          /* source offset after each chunk */
	uint16_t *flags;
	int failed;           /* find returned SG_BOUNDARY_FAIL */
	sg_err e;
	int stuck;            /* no cut at the end of input: a bug */
} run;

static void
run_free(run *o)
{
	free(o->end);
	free(o->flags);
	memset(o, 0, sizeof *o);
}

typedef struct drv {
	const unsigned char *in;
	unsigned char *buf;   /* a copy; bytes not yet "read" are poisoned */
	size_t len, have, o, tail, size;
	uint64_t recs;
	void *st;
	run *out;
} drv;

static void
emit(drv *d, size_t cut, uint16_t flags)
{
	run *o = d->out;

	if (J->flags != NULL)
		flags |= J->flags(d->st, d->buf + d->o, cut);
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 64;
		o->end = realloc(o->end, o->cap * sizeof *o->end);
		o->flags = realloc(o->flags, o->cap * sizeof *o->flags);
		assert_non_null(o->end);
		assert_non_null(o->flags);
	}
	d->o += cut;
	o->end[o->n] = d->o;
	o->flags[o->n++] = flags;
	J->consumed(d->st, cut);
}

static void
cut_tail(drv *d)
{
	size_t cut = d->tail < d->size ? d->tail : d->size;

	d->tail -= cut;
	emit(d, cut, SG_FLAG_OVERSIZE);
}

/* The chunker's cut_one for --oversize=split. 1 cut, 0 wait, -1 failed. */
static int
cut_one(drv *d, int eof)
{
	size_t held = d->have - d->o, w = held < d->size ? held : d->size, cut, u;
	const unsigned char *p = d->buf + d->o;

	if (d->tail > 0) {
		cut_tail(d);
		return 1;
	}
	if (held < d->size + LOOK && !eof)
		return 0;
	cut = J->find(d->st, p, w, held, eof, d->recs);
	if (cut == SG_BOUNDARY_FAIL) {
		d->out->failed = 1;
		J->error(d->st, d->o, &d->out->e);
		return -1;
	}
	if (cut > w) {
		d->out->stuck = 1;
		return -1;
	}
	if (cut > 0) {
		emit(d, cut, 0);
		return 1;
	}
	if ((cut = sg_utf8_cut_ahead(p, w, held, eof)) == 0) {
		u = sg_utf8_unit(p, held);
		if (u == 0 && !eof)
			return 0;
		cut = w;
		if (u > w)
			d->tail = u - w;
	}
	emit(d, cut, SG_FLAG_OVERSIZE);
	return 1;
}

static int
drain(drv *d)
{
	while (d->have > d->o) {
		size_t held = d->have - d->o, w = held < d->size ? held : d->size, cut;

		if (d->tail > 0) {
			cut_tail(d);
			continue;
		}
		cut = J->find(d->st, d->buf + d->o, w, held, 0, d->recs);
		if (cut == SG_BOUNDARY_FAIL) {
			d->out->failed = 1;
			J->error(d->st, d->o, &d->out->e);
			return -1;
		}
		if (cut > w) {
			d->out->stuck = 1;
			return -1;
		}
		if (cut == 0)
			return 0;
		emit(d, cut, 0);
	}
	return 0;
}

/* Cut in[0..len) like the chunker with --oversize=split: random reads
 * (one read of everything when r is NULL), a drain after a read with
 * drain_pct chance. */
static void
drive(const sg_boundary_params *p, const void *in, size_t len, size_t size,
      uint64_t recs, sgt_rng *r, unsigned drain_pct, run *out)
{
	drv d = { 0 };
	int rc = 0;

	memset(out, 0, sizeof *out);
	sg_err_clear(&out->e);
	d.in = in;
	d.len = len;
	d.size = size;
	d.recs = recs;
	d.out = out;
	d.st = st_new(p);
	d.buf = malloc(len + 1);
	assert_non_null(d.buf);
	memcpy(d.buf, in, len);
	POISON(d.buf, len + 1);
	while (d.have < len && rc >= 0) {
		size_t room = d.have - d.o < size + LOOK ? size + LOOK - (d.have - d.o) : 1;
		size_t n = room;

		if (r != NULL) {
			switch (sgt_below(r, 4)) {
			case 0: n = (size_t)sgt_range(r, 1, room < 8 ? room : 8); break;
			case 1: break;
			default: n = (size_t)sgt_range(r, 1, room); break;
			}
		}
		if (n > len - d.have)
			n = len - d.have;
		UNPOISON(d.buf + d.have, n);
		d.have += n;
		while (rc >= 0 && d.have - d.o >= size + LOOK)
			if ((rc = cut_one(&d, 0)) == 0)
				break;
		if (rc >= 0 && r != NULL && drain_pct > 0 && sgt_chance(r, drain_pct))
			rc = drain(&d);
	}
	while (rc >= 0 && d.have > d.o) {
		if ((rc = cut_one(&d, 1)) == 0) {
			out->stuck = 1;
			break;
		}
	}
	/* At the end of a source with nothing held (empty, or all cut by
	 * drains), one call with an empty window lets --validate check that
	 * the input ended well. */
	if (rc >= 0 && !out->stuck && d.o == len &&
	    J->find(d.st, d.buf + len, 0, 0, 1, recs) == SG_BOUNDARY_FAIL) {
		out->failed = 1;
		J->error(d.st, 0, &out->e);
	}
	UNPOISON(d.buf, len + 1);
	free(d.buf);
	free(d.st);
}

/* --- the real chunker ------------------------------------------------------- */

static int
chunk(const sg_boundary_params *p, const void *in, size_t len, uint64_t size,
      uint64_t recs, int oversize, sgt_rng *r, unsigned drain_pct, sgt_stream *s,
      sg_err *e)
{
	sg_chunk_opts o = {
		.strategy = J, .params = *p, .size = size, .records = recs,
		.oversize = oversize,
	};
	sgt_reads k = { .drain_pct = drain_pct };
	sgt_rng one = { 7 };
	sgt_run res;

	sgt_chunk(&res, &o, "in", in, len, r != NULL ? r : &one, &k);
	*s = res.s;
	*e = res.e;
	return res.rc;
}

/* The DATA frames of s as chunk end offsets. */
static size_t
data_ends(const sgt_stream *s, size_t *end, uint16_t *flags, size_t cap)
{
	size_t i, k = 0, off = 0;

	for (i = 0; i < s->n; i++) {
		if (s->f[i].h.type != SG_TYPE_DATA)
			continue;
		off += s->f[i].h.size;
		if (k < cap) {
			end[k] = off;
			flags[k] = s->f[i].h.flags;
		}
		k++;
	}
	return k;
}

/* --- hand cases ---------------------------------------------------------- */

static void expect_valid(const sg_boundary_params *p, const char *s, size_t len, uint64_t n,
			 const char *want);

/* Cut s (one read, the default or given size) and expect chunks want[],
 * through drive() and through the chunker. */
static void
expect_chunks(const sg_boundary_params *p, const char *s, size_t len, size_t size,
	      uint64_t recs, const char *const *want, size_t nwant)
{
	size_t sz = size ? size : (size_t)sg_chunk_auto_size(len);
	size_t i, off = 0, ends[256];
	uint16_t fl[256];
	sgt_stream st;
	sg_err e;
	run o;

	drive(p, s, len, sz, recs, NULL, 0, &o);
	if (o.failed || o.stuck)
		fail_msg("\"%.*s\": failed: %s", (int)len, s, o.e.msg);
	for (i = 0; i < o.n && i < nwant; i++) {
		size_t n = o.end[i] - off;

		if (n != strlen(want[i]) || memcmp(s + off, want[i], n) != 0)
			fail_msg("input \"%.*s\" records %llu: chunk %zu is \"%.*s\", want \"%s\"",
			    (int)len, s, (unsigned long long)recs, i, (int)n, s + off, want[i]);
		off = o.end[i];
	}
	if (o.n != nwant)
		fail_msg("input \"%.*s\": %zu chunks, want %zu", (int)len, s, o.n, nwant);
	assert_int_equal(chunk(p, s, len, size, recs, SG_OVERSIZE_SPLIT, NULL, 0, &st, &e), 0);
	assert_int_equal(data_ends(&st, ends, fl, 256), nwant);
	for (i = 0; i < nwant; i++)
		assert_int_equal(ends[i], o.end[i]);
	sgt_stream_free(&st);
	run_free(&o);
}

#define S(lit) lit, sizeof lit - 1
#define CHUNKS(p, in, size, recs, ...) do { \
	static const char *const w_[] = { __VA_ARGS__ }; \
	expect_chunks(p, S(in), size, recs, w_, sizeof w_ / sizeof w_[0]); \
} while (0)

static void
test_ndjson(void **state)
{
	(void)state;
	CHUNKS(&P_PLAIN, "{\"a\":1}\n{\"b\":2}\n", 0, 1, "{\"a\":1}\n", "{\"b\":2}\n");
	CHUNKS(&P_PLAIN, "{\"a\":1}\n{\"b\":2}\n", 0, 0, "{\"a\":1}\n{\"b\":2}\n");
	CHUNKS(&P_PLAIN, "{\"a\":1}\n{\"b\":2}\n{\"c\":3}", 0, 2,
	    "{\"a\":1}\n{\"b\":2}\n", "{\"c\":3}");
	/* CRLF, and blanks before the LF, go with the record */
	CHUNKS(&P_PLAIN, "[1] \t\r\n[2]\r\n", 0, 1, "[1] \t\r\n", "[2]\r\n");
	/* --size: as many whole records as fit */
	CHUNKS(&P_PLAIN, "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n", 17, 0,
	    "{\"a\":1}\n{\"b\":2}\n", "{\"c\":3}\n");
	CHUNKS(&P_PLAIN, "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n", 16, 0,
	    "{\"a\":1}\n{\"b\":2}\n", "{\"c\":3}\n");
	CHUNKS(&P_PLAIN, "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n", 15, 0,
	    "{\"a\":1}\n", "{\"b\":2}\n", "{\"c\":3}\n");
}

static void
test_concatenated_and_scalars(void **state)
{
	(void)state;
	CHUNKS(&P_PLAIN, "{}{}", 0, 1, "{}", "{}");
	CHUNKS(&P_PLAIN, "1 2", 0, 1, "1 ", "2");
	CHUNKS(&P_PLAIN, "[1][2] [3]\n", 0, 1, "[1]", "[2] ", "[3]\n");
	CHUNKS(&P_PLAIN, "true false null -1.5e3 \"s\"\"t\"x", 0, 1,
	    "true ", "false ", "null ", "-1.5e3 ", "\"s\"", "\"t\"", "x");
	/* a scalar ends at a structural byte or RS */
	CHUNKS(&P_PLAIN, "12{\"a\":1}34[5]" RS "6", 0, 1, "12", "{\"a\":1}", "34", "[5]",
	    RS "6");
	CHUNKS(&P_PLAIN, "abc,def:ghi", 0, 1, "abc", ",", "def", ":", "ghi");
	/* one value, whatever --records */
	CHUNKS(&P_PLAIN, "42", 0, 1, "42");
	CHUNKS(&P_PLAIN, "\"a b\\\" c\"", 0, 1, "\"a b\\\" c\"");
}

static void
test_whitespace(void **state)
{
	(void)state;
	/* leading blanks and blank lines go with the next value */
	CHUNKS(&P_PLAIN, "  \n\t{\"a\":1}\n", 0, 1, "  \n\t{\"a\":1}\n");
	CHUNKS(&P_PLAIN, "1\n\n\n2\n", 0, 1, "1\n", "\n\n2\n");
	CHUNKS(&P_PLAIN, "1\n \n 2 \n", 0, 1, "1\n", " \n 2 \n");
	/* trailing blanks at the end of input join the last record */
	CHUNKS(&P_PLAIN, "1\n2\n\n  \n", 0, 1, "1\n", "2\n\n  \n");
	CHUNKS(&P_PLAIN, "1\n2  ", 0, 1, "1\n", "2  ");
	CHUNKS(&P_PLAIN, "[1]\n" RS "\n", 0, 1, "[1]\n" RS "\n");
	/* only blanks: one chunk */
	CHUNKS(&P_PLAIN, " \n\n\t", 0, 1, " \n\n\t");
	CHUNKS(&P_PLAIN, "\n", 0, 3, "\n");
	/* form feed and vertical tab are not blanks: they are a token */
	CHUNKS(&P_PLAIN, "1 \f 2", 0, 1, "1 ", "\f ", "2");
}

static void
test_json_seq(void **state)
{
	(void)state;
	CHUNKS(&P_PLAIN, RS "{\"a\":1}\n" RS "[1,2]\n" RS "\"x\"\n", 0, 1,
	    RS "{\"a\":1}\n", RS "[1,2]\n", RS "\"x\"\n");
	CHUNKS(&P_PLAIN, RS "1" RS "2" RS RS "3\n", 0, 1, RS "1", RS "2", RS RS "3\n");
	CHUNKS(&P_PLAIN, RS "{\"a\":1}  " RS "{}", 0, 1, RS "{\"a\":1}  ", RS "{}");
	CHUNKS(&P_VALID, RS "{\"a\":1}\n" RS "[1,2]\n" RS "3" RS "4", 0, 1,
	    RS "{\"a\":1}\n", RS "[1,2]\n", RS "3", RS "4");
	/* RS inside a string, and inside a container, is just a byte */
	CHUNKS(&P_PLAIN, "[\"" RS "\"," RS "]\n{}", 0, 1, "[\"" RS "\"," RS "]\n", "{}");
}

static void
test_strings(void **state)
{
	(void)state;
	CHUNKS(&P_PLAIN, "{\"a\":\"}\\\"{[\"}\n{\"b\":\"\\\\\"}\n", 0, 1,
	    "{\"a\":\"}\\\"{[\"}\n", "{\"b\":\"\\\\\"}\n");
	CHUNKS(&P_PLAIN, "[\"]]]\\\\\\\"]\"]\n[\"\\u005d\"]\n", 0, 1,
	    "[\"]]]\\\\\\\"]\"]\n", "[\"\\u005d\"]\n");
	/* newlines inside strings do not end a record */
	CHUNKS(&P_PLAIN, "{\"a\":\"x\ny\"}\n2", 0, 1, "{\"a\":\"x\ny\"}\n", "2");
	/* a long string with escapes, past the short-string loop */
	CHUNKS(&P_PLAIN, "[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\\\\\\\"aaaaaaaaaaaaaaaaaaaaaa]}{\\\\\"]\n1", 0, 1,
	    "[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\\\\\\\"aaaaaaaaaaaaaaaaaaaaaa]}{\\\\\"]\n", "1");
	/* top-level strings */
	CHUNKS(&P_PLAIN, "\"a\\\"b\" \"c\"\n\"d\"", 0, 1, "\"a\\\"b\" ", "\"c\"\n", "\"d\"");
}

static void
test_pretty(void **state)
{
	(void)state;
	CHUNKS(&P_PLAIN, "{\n  \"a\": [\n    1,\n    2\n  ]\n}\n{\n  \"b\": {}\n}\n", 0, 1,
	    "{\n  \"a\": [\n    1,\n    2\n  ]\n}\n", "{\n  \"b\": {}\n}\n");
	CHUNKS(&P_VALID, "{\n  \"a\": [\n    1,\n    2\n  ]\n}\n\n{\n  \"b\": {}\n}\n", 0, 1,
	    "{\n  \"a\": [\n    1,\n    2\n  ]\n}\n", "\n{\n  \"b\": {}\n}\n");
}

/* find at and around the window's edge. */
static void
test_window_edge(void **state)
{
	(void)state;
	/* the end of a record at the window's end needs the next byte */
	assert_int_equal(find1(&P_PLAIN, "{\"a\":1}", 7, 7, 0, 0), 0);
	assert_int_equal(find1(&P_PLAIN, "{\"a\":1}{", 7, 8, 0, 0), 7);
	assert_int_equal(find1(&P_PLAIN, "{\"a\":1} ", 7, 8, 0, 0), 0);
	assert_int_equal(find1(&P_PLAIN, "{\"a\":1}\n", 7, 8, 0, 0), 0);
	assert_int_equal(find1(&P_PLAIN, "{\"a\":1}\n", 8, 8, 0, 0), 8);
	assert_int_equal(find1(&P_PLAIN, "{\"a\":1}", 7, 7, 1, 0), 7);
	/* whitespace up to what has been read: not complete yet */
	assert_int_equal(find1(&P_PLAIN, "{\"a\":1}   ", 10, 10, 0, 0), 0);
	assert_int_equal(find1(&P_PLAIN, "1\n{\"a\":1}   ", 12, 12, 0, 0), 2);
	assert_int_equal(find1(&P_PLAIN, "{\"a\":1}   ", 10, 10, 1, 0), 10);
	assert_int_equal(find1(&P_PLAIN, "{\"a\":1}   x", 10, 11, 0, 0), 10);
	/* eof only counts when the window reaches it */
	assert_int_equal(find1(&P_PLAIN, "{\"a\":1}   x", 10, 11, 1, 0), 10);
	assert_int_equal(find1(&P_PLAIN, "{\"a\":1}   ", 9, 10, 1, 0), 0);
	/* a scalar at the edge ends at the next byte if it delimits */
	assert_int_equal(find1(&P_PLAIN, "123,", 3, 4, 0, 0), 3);
	assert_int_equal(find1(&P_PLAIN, "1234", 3, 4, 0, 0), 0);
	assert_int_equal(find1(&P_PLAIN, "123 ", 3, 4, 0, 0), 0);
	/* truncated value at eof: the end of input is the end */
	assert_int_equal(find1(&P_PLAIN, "{\"a\":[1,", 8, 8, 1, 0), 8);
	assert_int_equal(find1(&P_PLAIN, "\"abc\\", 5, 5, 1, 0), 5);
	assert_int_equal(find1(&P_VALID, "{\"a\":[1,", 8, 8, 1, 0), SG_BOUNDARY_FAIL);
	/* --validate: only LF or RS may end a record before the next value */
	assert_int_equal(find1(&P_VALID, "{}\x1E", 2, 3, 0, 0), 2);
	assert_int_equal(find1(&P_VALID, "{} x", 3, 4, 0, 0), SG_BOUNDARY_FAIL);
	assert_int_equal(find1(&P_VALID, "1\n{} x", 6, 7, 0, 0), 2);
	/* records: the N-th end */
	assert_int_equal(find1(&P_PLAIN, "1\n2\n3\n", 6, 6, 0, 2), 4);
	assert_int_equal(find1(&P_PLAIN, "1\n2\n3\n", 6, 6, 0, 5), 6);
	assert_int_equal(find1(&P_PLAIN, "1\n2\n3\n", 6, 6, 1, 2), 4);
	assert_int_equal(find1(&P_PLAIN, "1\n2\n  ", 6, 6, 1, 2), 6);
	assert_int_equal(find1(&P_PLAIN, "1\n2\n  ", 6, 6, 1, 1), 2);
	/* a multi-byte character across the window's end: an end before it */
	assert_int_equal(find1(&P_PLAIN, "1 \xC3\xA9", 3, 4, 0, 0), 2);
	assert_int_equal(find1(&P_PLAIN, "\"\xC3\xA9", 2, 3, 0, 0), 0);
}

/* find called on a window that grows a byte at a time gives what one call
 * on the whole window gives. */
static void
test_growing_window(void **state)
{
	static const char *const in[] = {
		"{\"a\":\"x\\\"y\"}\n[1,2,[3]]  \n" RS "\"s\"" RS "12 34,true}{\"b\":[]}\n\n",
		"[1, 2,\n 3,\n[4,5],\"a,b\" ,\n{\"c\":[6,7]}\n]\n[8, 9]",
		"{\"a\":1}   \n\n  [\n\"\\\\\"\n]   x",
	};
	static const sg_boundary_params *ps[] = { &P_PLAIN, &P_ARRAY, &P_VALID, &P_VARRAY };
	size_t k, q, len, avail;
	uint64_t n;

	(void)state;
	for (k = 0; k < sizeof in / sizeof in[0]; k++)
		for (q = 0; q < 4; q++)
			for (n = 0; n < 4; n++) {
				len = strlen(in[k]);
				for (size_t w = 1; w <= len; w++) {
					void *st = st_new(ps[q]);
					size_t last = 0, one;

					for (avail = 1; avail <= w; avail++)
						last = find_copy(st, in[k], avail, avail, 0, n);
					for (avail = w; avail <= len; avail++)
						last = find_copy(st, in[k], w, avail, 0, n);
					one = find1(ps[q], in[k], w, len, 0, n);
					if (last != one)
						fail_msg("input %zu params %zu records %llu window %zu: "
						    "grown %zu, one call %zu", k, q,
						    (unsigned long long)n, w, last, one);
					free(st);
				}
			}
}

static void
test_garbage(void **state)
{
	unsigned char junk[4096];
	sgt_rng r;
	size_t i;
	run o;

	(void)state;
	CHUNKS(&P_PLAIN, "]]}\n", 0, 1, "]", "]", "}\n");
	CHUNKS(&P_PLAIN, "}{\"a\":1}]", 0, 1, "}", "{\"a\":1}", "]");
	/* unbalanced closers inside a container end it early */
	CHUNKS(&P_PLAIN, "[}\n[1]]\n", 0, 1, "[}\n", "[1]", "]\n");
	/* binary input: cut somewhere, never stuck */
	sgt_rng_init(&r, "json garbage");
	for (i = 0; i < 200; i++) {
		size_t k, len = (size_t)sgt_range(&r, 1, sizeof junk);

		for (k = 0; k < len; k++)
			junk[k] = (unsigned char)sgt_next(&r);
		drive(i % 2 ? &P_PLAIN : &P_ARRAY, junk, len, (size_t)sgt_range(&r, 1, 300),
		    sgt_below(&r, 4), &r, 20, &o);
		assert_false(o.stuck);
		assert_false(o.failed);
		assert_int_equal(o.n > 0 ? o.end[o.n - 1] : 0, len);
		run_free(&o);
	}
}

static void
test_array_mode(void **state)
{
	(void)state;
	CHUNKS(&P_ARRAY, "[1,2,\n3]\n", 0, 1, "[1,", "2,\n", "3]\n");
	CHUNKS(&P_ARRAY, "[1, 2,\n 3, 4]\n", 0, 2, "[1, 2,\n", " 3, 4]\n");  /* sg-chunk(1) */
	CHUNKS(&P_ARRAY, "[1 , 2 ,\n  3  ]  \n{\"a\":[4,5]}\n[]\n[6]", 0, 1,
	    "[1 , ", "2 ,\n", "  3  ]  \n", "{\"a\":[4,5]}\n", "[]\n", "[6]");
	CHUNKS(&P_ARRAY, "[1,2,3,4,5]\n[6,7]\n", 0, 2, "[1,2,", "3,4,", "5]\n[6,", "7]\n");
	CHUNKS(&P_ARRAY, "[\n  {\"a\": [1, 2]},\n  {\"b\": \"x,y\"}\n]\n", 0, 1,
	    "[\n  {\"a\": [1, 2]},\n", "  {\"b\": \"x,y\"}\n]\n");
	/* without --records: as many elements as fit */
	CHUNKS(&P_ARRAY, "[10,20,30,40]", 8, 0, "[10,20,", "30,40]");
	/* an empty array is one record; a trailing comma leaves ] alone */
	CHUNKS(&P_ARRAY, "[][1,]", 0, 1, "[]", "[1,", "]");
	/* without --array the same input is whole values */
	CHUNKS(&P_PLAIN, "[1,2,\n3]\n[4]", 0, 1, "[1,2,\n3]\n", "[4]");
	CHUNKS(&P_VARRAY, "[1,2,\n3]\n", 0, 1, "[1,", "2,\n", "3]\n");
	/* a truncated array: blanks after an element end are its rest */
	CHUNKS(&P_ARRAY, "[1,\n   ", 0, 1, "[1,\n", "   ");
	CHUNKS(&P_ARRAY, "[1,\n", 0, 1, "[1,\n");
	expect_valid(&P_VARRAY, S("[1,\n   "), 1, "record 2 at byte 7: truncated");
	expect_valid(&P_VARRAY, S("[1,\n"), 1, "record 1 at byte 4: truncated");
	expect_valid(&P_VARRAY, S("[1,\n"), 0, "record 1 at byte 4: truncated");
}

static void
test_array_fallback(void **state)
{
	static const char big[] = "[1,22,333,4444,55555]\n";
	void *st;

	(void)state;
	/* no record end in a full window inside an array: the last element
	 * end, or the N-th */
	assert_int_equal(find1(&P_PLAIN, big, 12, 16, 0, 0), 10);
	assert_int_equal(find1(&P_PLAIN, big, 12, 16, 0, 2), 6);
	assert_int_equal(find1(&P_PLAIN, big, 12, 16, 0, 1), 3);
	assert_int_equal(find1(&P_PLAIN, big, 10, 16, 0, 0), 10);
	assert_int_equal(find1(&P_PLAIN, big, 10, 16, 1, 0), 10);
	/* a drain of a partial window waits for whole values */
	assert_int_equal(find1(&P_PLAIN, big, 12, 12, 0, 0), 0);
	/* the array ends in the window: it is one record */
	assert_int_equal(find1(&P_PLAIN, big, 22, 23, 0, 0), 22);
	assert_int_equal(find1(&P_PLAIN, "[1,2] [3,", 9, 10, 0, 0), 6);
	/* not an array: no element ends, nothing to cut */
	assert_int_equal(find1(&P_PLAIN, "{\"a\":1,\"b\":2,\"c\":3}", 12, 16, 0, 0), 0);
	assert_int_equal(find1(&P_PLAIN, "[[1,2,3,4,5]]", 9, 12, 0, 0), 0);
	/* after a cut between elements, counting goes on from there */
	st = st_new(&P_PLAIN);
	assert_int_equal(find_copy(st, big, 12, 16, 0, 2), 6);
	J->consumed(st, 6);
	assert_int_equal(find_copy(st, big + 6, 12, 16, 0, 2), 9);
	J->consumed(st, 9);
	assert_int_equal(find_copy(st, big + 15, 7, 7, 1, 2), 7);
	free(st);

	CHUNKS(&P_PLAIN, "[1,22,333,4444,55555]\n{\"a\":1}\n", 12, 0,
	    "[1,22,333,", "4444,55555]\n", "{\"a\":1}\n");
	CHUNKS(&P_PLAIN, "[1,22,333,4444,55555]\n{\"a\":1}\n", 12, 1,
	    "[1,", "22,", "333,", "4444,55555]\n", "{\"a\":1}\n");
	CHUNKS(&P_PLAIN, "[1,22,333,4444,55555,666666]\n", 12, 2,
	    "[1,22,", "333,4444,", "55555,", "666666]\n");
	/* elements bigger than the window are oversize splits */
	CHUNKS(&P_PLAIN, "[\"abcdefghijkl\",1]", 8, 0, "[\"abcdef", "ghijkl\",", "1]");
}

static uint16_t
flags_of(const run *o, size_t i)
{
	return o->flags[i];
}

static void
test_flags(void **state)
{
	static const char in1[] = "{\"a\":1}\n[1,2]\n[3,4,5]\n6";
	static const char in2[] = "[1,22,333,4444,55555]\n{\"a\":1}\n";
	run o;

	(void)state;
	/* --array, one element per chunk */
	drive(&P_ARRAY, S(in1), 1024, 1, NULL, 0, &o);
	assert_int_equal(o.n, 7);
	assert_int_equal(flags_of(&o, 0), 0);              /* {"a":1} */
	assert_int_equal(flags_of(&o, 1), SG_FLAG_ARRAY);  /* [1, */
	assert_int_equal(flags_of(&o, 2), SG_FLAG_ARRAY);  /* 2] */
	assert_int_equal(flags_of(&o, 3), SG_FLAG_ARRAY);  /* [3, */
	assert_int_equal(flags_of(&o, 4), SG_FLAG_ARRAY);  /* 4, */
	assert_int_equal(flags_of(&o, 5), SG_FLAG_ARRAY);  /* 5]\n */
	assert_int_equal(flags_of(&o, 6), 0);              /* 6 */
	run_free(&o);
	/* whole arrays in a chunk: no flag */
	drive(&P_ARRAY, S(in1), 1024, 0, NULL, 0, &o);
	assert_int_equal(o.n, 1);
	assert_int_equal(flags_of(&o, 0), 0);
	run_free(&o);
	drive(&P_ARRAY, S(in1), 1024, 2, NULL, 0, &o);
	assert_int_equal(o.n, 4);
	assert_int_equal(o.end[0], 11);                    /* {"a":1}\n[1, */
	assert_int_equal(flags_of(&o, 0), SG_FLAG_ARRAY);
	assert_int_equal(o.end[1], 17);                    /* 2]\n[3, */
	assert_int_equal(flags_of(&o, 1), SG_FLAG_ARRAY);
	assert_int_equal(o.end[2], 22);                    /* 4,5]\n */
	assert_int_equal(flags_of(&o, 2), SG_FLAG_ARRAY);
	assert_int_equal(flags_of(&o, 3), 0);              /* 6 */
	run_free(&o);
	drive(&P_ARRAY, S(in1), 1024, 3, NULL, 0, &o);
	assert_int_equal(o.n, 3);                          /* whole values */
	assert_int_equal(flags_of(&o, 0) | flags_of(&o, 1) | flags_of(&o, 2), 0);
	run_free(&o);
	/* the too-big-array cut */
	drive(&P_PLAIN, S(in2), 12, 0, NULL, 0, &o);
	assert_int_equal(o.n, 3);
	assert_int_equal(flags_of(&o, 0), SG_FLAG_ARRAY);
	assert_int_equal(flags_of(&o, 1), SG_FLAG_ARRAY);
	assert_int_equal(flags_of(&o, 2), 0);
	run_free(&o);
	/* an oversize split inside an array */
	drive(&P_PLAIN, S("[\"abcdefghijkl\",1]{}"), 8, 1, NULL, 0, &o);
	assert_int_equal(o.n, 4);
	assert_int_equal(flags_of(&o, 0), SG_FLAG_ARRAY | SG_FLAG_OVERSIZE);
	assert_int_equal(flags_of(&o, 1), SG_FLAG_ARRAY);
	assert_int_equal(flags_of(&o, 2), SG_FLAG_ARRAY);
	assert_int_equal(flags_of(&o, 3), 0);
	run_free(&o);
	/* an oversize split inside an object: no array flag */
	drive(&P_PLAIN, S("{\"abcdefghijkl\":1}[]"), 8, 0, NULL, 0, &o);
	assert_int_equal(flags_of(&o, 0), SG_FLAG_OVERSIZE);
	assert_int_equal(flags_of(&o, 1), SG_FLAG_OVERSIZE);
	run_free(&o);
	/* a truncated array at the end of input ends inside it */
	drive(&P_PLAIN, S("[1,2"), 100, 0, NULL, 0, &o);
	assert_int_equal(o.n, 1);
	assert_int_equal(flags_of(&o, 0), SG_FLAG_ARRAY);
	run_free(&o);
}

/* --- deep nesting ---------------------------------------------------------- */

static void
test_deep_nesting(void **state)
{
	size_t depth = 1000000, len = 2 * depth + 1, i;
	unsigned char *in = malloc(len + 8);
	run o;

	(void)state;
	assert_non_null(in);
	memset(in, '[', depth);
	memset(in + depth, ']', depth);
	in[len - 1] = '\n';
	/* without --validate: one record, however it is cut */
	drive(&P_PLAIN, in, len, 4u << 20, 1, NULL, 0, &o);
	assert_false(o.failed);
	assert_int_equal(o.n, 1);
	run_free(&o);
	drive(&P_PLAIN, in, len, 65536, 0, NULL, 0, &o);
	assert_false(o.failed);
	assert_int_equal(o.end[o.n - 1], len);
	for (i = 0; i < o.n; i++)
		assert_true(o.flags[i] & SG_FLAG_OVERSIZE || i == o.n - 1);
	run_free(&o);
	/* a record after it is found */
	memcpy(in + len, "{}\n", 3);
	drive(&P_PLAIN, in, len + 3, 4u << 20, 1, NULL, 0, &o);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.end[0], len);
	run_free(&o);
	/* --validate: within the limit it is valid */
	{
		size_t d = 1u << 20;
		unsigned char *v = malloc(2 * d + 1);

		assert_non_null(v);
		memset(v, '[', d);
		memset(v + d, ']', d);
		v[2 * d] = '\n';
		drive(&P_VALID, v, 2 * d + 1, 4u << 20, 0, NULL, 0, &o);
		assert_false(o.failed);
		run_free(&o);
		/* one more level: an error, not a crash */
		memset(v, '[', 2 * d + 1);
		drive(&P_VALID, v, 2 * d + 1, 4u << 20, 0, NULL, 0, &o);
		assert_true(o.failed);
		assert_int_equal(o.e.code, SG_EDATA);
		assert_non_null(strstr(o.e.msg, "record 1 at byte 1048576: nesting deeper than 1048576 levels"));
		run_free(&o);
		free(v);
	}
	/* a million [ without the ]: truncated */
	memset(in, '[', depth);
	drive(&P_VALID, in, depth, 65536, 0, NULL, 0, &o);
	assert_true(o.failed);
	run_free(&o);
	drive(&P_PLAIN, in, depth, 65536, 0, NULL, 0, &o);
	assert_false(o.failed);
	assert_int_equal(o.end[o.n - 1], depth);
	run_free(&o);
	free(in);
}

/* --- --validate by hand -------------------------------------------------------- */

/* Validate s in one read with --records n; expect a failure whose message
 * holds want (NULL: expect none). */
static void
expect_valid(const sg_boundary_params *p, const char *s, size_t len, uint64_t n,
	     const char *want)
{
	run o;

	drive(p, s, len, 1u << 20, n, NULL, 0, &o);
	assert_false(o.stuck);
	if (want == NULL && o.failed)
		fail_msg("\"%.*s\": unexpected failure: %s", (int)len, s, o.e.msg);
	if (want != NULL && !o.failed)
		fail_msg("\"%.*s\": no failure, want \"%s\"", (int)len, s, want);
	if (want != NULL && strstr(o.e.msg, want) == NULL)
		fail_msg("\"%.*s\": message \"%s\", want \"%s\"", (int)len, s, o.e.msg, want);
	if (want != NULL)
		assert_int_equal(o.e.code, SG_EDATA);
	run_free(&o);
}

#define OK(in) expect_valid(&P_VALID, S(in), 0, NULL)
#define BAD(in, msg) expect_valid(&P_VALID, S(in), 0, msg)

static void
test_validate_hand(void **state)
{
	run o;

	(void)state;
	OK("{\"a\":[1,-2.5e+3,true,false,null,\"x\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD800\"]}\n");
	OK("0\n-0\n1.5\n1e5\n1E-5\n-0.0e0\n\"\"\n[]\n{}\n");
	OK(" \t\r\n{ \"a\" : [ 1 , { } ] }\r\n\n");
	OK("\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF\xEF\xBF\xBF\x7F\"");
	OK(RS "1" RS "[2]\n" RS "\n");
	OK("[1]  ");
	BAD("1\n2\n}\n", "record 3 at byte 4: ");
	BAD("[1,2]\n{\"a\":01}\n", "record 2 at byte 12: invalid number");
	BAD("[][]", "record 1 at byte 2: a record must be one JSON value per line");
	BAD("{} \"x\"", "one JSON value per line");
	BAD("1 2\n", "record 1 at byte 2: a record must be one JSON value per line");
	BAD("", "record 1 at byte 0: no JSON value");
	BAD("  \n\t", "record 1 at byte 4: no JSON value");
	BAD("\xEF\xBB\xBF{}", "record 1 at byte 0");
	BAD("{\"a\":1", "record 1 at byte 6: truncated value");
	BAD("\"abc", "unterminated string");
	BAD("[1,]", "record 1 at byte 3");
	BAD("{\"a\" 1}", "expected ':'");
	BAD("{1:2}", "expected a string key");
	BAD("[1 2]", "expected ','");
	BAD("[1}", "expected ','");
	BAD("{\"a\":1]", "expected ','");
	BAD("tru", "truncated");
	BAD("truex", "invalid literal");
	BAD("[nul]", "invalid literal");
	BAD("1.", "truncated");
	BAD("1.e3", "invalid number");
	BAD("-", "truncated");
	BAD("+1", "starts no value");
	BAD("[1e+]", "invalid number");
	BAD("\"a\tb\"", "control character");
	BAD("\"\\x\"", "invalid escape");
	BAD("\"\\u12G4\"", "invalid \\u escape");
	BAD("\"\xC0\xAF\"", "invalid UTF-8");
	BAD("\"\xED\xA0\x80\"", "record 1 at byte 2: invalid UTF-8");
	BAD("\"\xF4\x90\x80\x80\"", "invalid UTF-8");
	BAD("\"\xE2\x82\"", "record 1 at byte 3: invalid UTF-8");
	BAD("[" RS "1]", "starts no value");
	BAD("[1,\f2]", "record 1 at byte 3");
	/* --array counts elements */
	expect_valid(&P_VARRAY, S("[1,2,x]"), 0, "record 3 at byte 5");
	expect_valid(&P_VARRAY, S("[1,2]\n[3,4]\n[5,]"), 0, "record 6 at byte 15");
	expect_valid(&P_VARRAY, S("[1,2]\n[3,4]\n[5,6]"), 1, NULL);
	/* the records before the bad one are cut, then the failure */
	drive(&P_VALID, S("{\"a\":1}\n[2]\n3 4\n"), 1024, 1, NULL, 0, &o);
	assert_true(o.failed);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.end[0], 8);
	assert_int_equal(o.end[1], 12);
	assert_non_null(strstr(o.e.msg, "record 3 at byte 14"));
	run_free(&o);
	drive(&P_VALID, S("{\"a\":1}\n[2]\n3 4\n"), 1024, 0, NULL, 0, &o);
	assert_true(o.failed);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.end[0], 12);
	assert_non_null(strstr(o.e.msg, "record 3 at byte 14"));
	run_free(&o);
	/* an error in a later window: the offset counts from the source start */
	{
		sgt_buf b = { 0 };
		size_t i;

		for (i = 0; i < 1000; i++)
			sgt_buf_put(&b, S("{\"k\":[1,2,3]}\n"));
		sgt_buf_put(&b, S("{\"k\":[1,,3]}\n"));
		drive(&P_VALID, b.p, b.len, 100, 0, NULL, 0, &o);
		assert_true(o.failed);
		assert_non_null(strstr(o.e.msg, "record 1001 at byte 14008: "));
		assert_int_equal(o.end[o.n - 1], 14000);
		run_free(&o);
		sgt_buf_free(&b);
	}
	/* without --validate the same inputs pass */
	drive(&P_PLAIN, S("{\"a\":1}\n[2]\n3 4\n"), 1024, 1, NULL, 0, &o);
	assert_false(o.failed);
	assert_int_equal(o.n, 4);
	run_free(&o);
	/* a failure is sticky */
	{
		void *st = st_new(&P_VALID);
		sg_err e;

		assert_int_equal(find_copy(st, "}", 1, 1, 1, 0), SG_BOUNDARY_FAIL);
		assert_int_equal(find_copy(st, "}", 1, 1, 1, 0), SG_BOUNDARY_FAIL);
		assert_int_equal(J->error(st, 100, &e), SG_EDATA);
		assert_string_equal(e.msg, "record 1 at byte 100: a byte that starts no value (byte 0x7D)");
		free(st);
	}
}

/* --- the JSONTestSuite corpus ------------------------------------------------ */

typedef struct corpus {
	char dir[4096];
	size_t n;
	char **name;
	unsigned char **data;
	size_t *len;
} corpus;

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
corpus_load(corpus *c)
{
	DIR *d;
	struct dirent *de;
	size_t i;

	memset(c, 0, sizeof *c);
	snprintf(c->dir, sizeof c->dir, "%s/jsontestsuite/test_parsing", sgt_corpora());
	if ((d = opendir(c->dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		c->name = realloc(c->name, (c->n + 1) * sizeof *c->name);
		assert_non_null(c->name);
		c->name[c->n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(c->name, c->n, sizeof *c->name, cmp_str);
	c->data = calloc(c->n + 1, sizeof *c->data);
	c->len = calloc(c->n + 1, sizeof *c->len);
	for (i = 0; i < c->n; i++) {
		char path[8192];

		snprintf(path, sizeof path, "%s/%s", c->dir, c->name[i]);
		assert_non_null(c->data[i] = sgt_load(path, &c->len[i]));
	}
	return 0;
}

static void
corpus_free(corpus *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->name[i]);
		free(c->data[i]);
	}
	free(c->name);
	free(c->data);
	free(c->len);
}

static void
test_corpus_validate(void **state)
{
	corpus c;
	size_t i, ny = 0, nn = 0;
	sgt_rng r;

	(void)state;
	if (corpus_load(&c) < 0) {
		printf("[  SKIPPED ] no JSONTestSuite corpus at %s\n", c.dir);
		skip();
	}
	sgt_rng_init(&r, "json corpus validate");
	for (i = 0; i < c.n; i++) {
		const char *name = c.name[i];
		run o;

		if (name[0] == 'y') {
			size_t one;

			ny++;
			/* one record, one cut at the end of input */
			one = find1(&P_VALID, (const char *)c.data[i], c.len[i], c.len[i], 1, 1);
			if (one != c.len[i])
				fail_msg("%s: find gave %zu of %zu", name, one, c.len[i]);
			drive(&P_VALID, c.data[i], c.len[i], 1u << 20, 0, NULL, 0, &o);
			if (o.failed || o.n != 1)
				fail_msg("%s: %zu chunks, %s", name, o.n, o.e.msg);
			run_free(&o);
			/* in small windows and random reads too */
			drive(&P_VALID, c.data[i], c.len[i], (size_t)sgt_range(&r, 4, 16), 0, &r,
			    30, &o);
			if (o.failed)
				fail_msg("%s (small windows): %s", name, o.e.msg);
			run_free(&o);
		} else if (name[0] == 'n') {
			nn++;
			drive(&P_VALID, c.data[i], c.len[i], 1u << 20, 0, NULL, 0, &o);
			if (!o.failed || o.e.code != SG_EDATA)
				fail_msg("%s: accepted (%zu chunks)", name, o.n);
			if (strncmp(o.e.msg, "record ", 7) != 0)
				fail_msg("%s: message \"%s\"", name, o.e.msg);
			run_free(&o);
			drive(&P_VALID, c.data[i], c.len[i], (size_t)sgt_range(&r, 4, 16), 0, &r,
			    30, &o);
			if (!o.failed)
				fail_msg("%s (small windows): accepted", name);
			run_free(&o);
		}
	}
	/* a one-line n_ file as the fourth record, a good one after it: the
	 * error names record 4, at a byte from its start on */
	for (i = 0; i < c.n; i++) {
		static const char head[] = "{\"a\": 1}\n[1, 2]\n\"three\"\n";
		static const char tail[] = "\n{\"after\": true}\n";
		sgt_buf b = { 0 };
		size_t k, at, start = sizeof head - 1;
		int blank = 1;
		run o;
		const char *m;

		if (c.name[i][0] != 'n' || c.len[i] == 0 || memchr(c.data[i], '\n', c.len[i]) ||
		    memchr(c.data[i], '\r', c.len[i]))
			continue;
		for (k = 0; k < c.len[i]; k++)
			if (strchr(" \t", c.data[i][k]) == NULL || c.data[i][k] == 0)
				blank = 0;
		if (blank)
			continue;
		sgt_buf_put(&b, head, start);
		sgt_buf_put(&b, c.data[i], c.len[i]);
		sgt_buf_put(&b, tail, sizeof tail - 1);
		drive(&P_VALID, b.p, b.len, (size_t)sgt_range(&r, 4, 1u << 16), 0, &r, 0, &o);
		if (!o.failed)
			fail_msg("%s as record 4: accepted", c.name[i]);
		m = strstr(o.e.msg, "record 4 at byte ");
		if (m != o.e.msg || (at = strtoul(m + 17, NULL, 10)) < start || at > b.len)
			fail_msg("%s as record 4 (from byte %zu): \"%s\"", c.name[i], start, o.e.msg);
		run_free(&o);
		sgt_buf_free(&b);
	}
	printf("[   INFO   ] %zu y_ files valid, %zu n_ files rejected\n", ny, nn);
	assert_true(ny >= 90 && nn >= 180);
	corpus_free(&c);
}

static void
test_corpus_chunk(void **state)
{
	corpus c;
	sgt_buf all = { 0 };
	size_t i, files = 0, ends[512];
	uint16_t fl[512];
	sgt_stream s;
	sg_err e;

	(void)state;
	if (corpus_load(&c) < 0) {
		printf("[  SKIPPED ] no JSONTestSuite corpus at %s\n", c.dir);
		skip();
	}
	for (i = 0; i < c.n; i++) {
		if (c.name[i][0] != 'y')
			continue;
		assert_int_equal(chunk(&P_PLAIN, c.data[i], c.len[i], 0, 1, SG_OVERSIZE_SPLIT,
		    NULL, 0, &s, &e), 0);
		if (data_ends(&s, ends, fl, 512) != 1)
			fail_msg("%s: %zu frames with -n 1", c.name[i], data_ends(&s, ends, fl, 512));
		sgt_stream_free(&s);
		sgt_buf_put(&all, c.data[i], c.len[i]);
		sgt_buf_byte(&all, '\n');
		files++;
	}
	assert_int_equal(chunk(&P_PLAIN, all.p, all.len, 0, 1, SG_OVERSIZE_SPLIT, NULL, 0,
	    &s, &e), 0);
	assert_int_equal(data_ends(&s, ends, fl, 512), files);
	sgt_stream_free(&s);
	/* and they validate as a stream */
	assert_int_equal(chunk(&P_VALID, all.p, all.len, 0, 1, SG_OVERSIZE_SPLIT, NULL, 0,
	    &s, &e), 0);
	assert_int_equal(data_ends(&s, ends, fl, 512), files);
	sgt_stream_free(&s);
	sgt_buf_free(&all);
	corpus_free(&c);
}

/* --- the reference cutter ------------------------------------------------------- */

/* Every record end of the input, found value by value from the rules in
 * the header of boundary_json.c, without the strategy's code. */
typedef struct ref {
	size_t len;
	size_t *end;          /* record ends, ascending; the last is len */
	unsigned char *w;     /* each one's weight: 0 for blanks at the end */
	size_t nend;
	size_t *elem;         /* element ends of top-level arrays (no --array) */
	size_t nelem;
	unsigned char *inside; /* inside[p]: p lies inside a top-level array */
} ref;

static int ref_blank(unsigned c) { return c == ' ' || c == '\t' || c == '\r'; }
static int ref_lead(unsigned c) { return ref_blank(c) || c == '\n' || c == 0x1E; }
static int
ref_delim(unsigned c)
{
	return ref_lead(c) || (c != 0 && strchr("{}[],:\"", (int)c) != NULL);
}

static void
ref_push(size_t **v, size_t *n, size_t x)
{
	*v = realloc(*v, (*n + 1) * sizeof **v);
	assert_non_null(*v);
	(*v)[(*n)++] = x;
}

/* Where a value (or element) that ended at p stops taking blanks. */
static size_t
ref_after(const unsigned char *in, size_t len, size_t p)
{
	while (p < len && ref_blank(in[p]))
		p++;
	if (p < len && in[p] == '\n')
		p++;
	return p;
}

static void
ref_build(const unsigned char *in, size_t len, int array, ref *R)
{
	size_t i = 0, *ends = NULL, nends = 0;
	unsigned char *w = NULL;

	memset(R, 0, sizeof *R);
	R->len = len;
	R->inside = calloc(len + 1, 1);
	assert_non_null(R->inside);
	w = malloc(len + 2);
	assert_non_null(w);
	for (;;) {
		size_t start, vend, j;
		unsigned c;

		while (i < len && ref_lead(in[i]))
			i++;
		if (i == len)
			break;
		start = i;
		c = in[i];
		if (c == '{' || c == '[') {
			int arr = c == '[', instr = 0;
			uint64_t depth = 0;
			size_t marked = start;  /* inside[] is set up to here */

			for (j = start; j < len; j++) {
				unsigned d = in[j];

				if (instr) {
					if (d == '\\' && j + 1 < len)
						j++;
					else if (d == '"')
						instr = 0;
				} else if (d == '"') {
					instr = 1;
				} else if (d == '[' || d == '{') {
					depth++;
				} else if (d == ']' || d == '}') {
					if (--depth == 0)
						break;
				} else if (d == ',' && depth == 1 && arr) {
					size_t e = ref_after(in, len, j + 1);

					if (e < len) {
						if (array) {
							w[nends] = 1;
							ref_push(&ends, &nends, e);
						} else {
							ref_push(&R->elem, &R->nelem, e);
						}
					}
				}
				/* the depth after bytes up to j */
				for (; marked < j + 1; marked++)
					R->inside[marked + 1] = arr && depth > 0;
			}
			if (j < len)  /* the closing bracket: after it, depth 0 */
				R->inside[j + 1] = 0;
			vend = j < len ? j + 1 : len;
		} else if (c == '"') {
			for (j = start + 1; j < len && in[j] != '"'; j++)
				if (in[j] == '\\')
					j++;
			vend = j < len ? j + 1 : len;
		} else if (c != 0 && strchr("]},:", (int)c) != NULL) {
			vend = start + 1;
		} else {
			for (j = start + 1; j < len && !ref_delim(in[j]); j++)
				;
			vend = j;
		}
		i = ref_after(in, len, vend);
		w[nends] = 1;
		ref_push(&ends, &nends, i);
	}
	/* blanks after the last record end (or a blank input) end at len and
	 * hold no record */
	if (nends == 0 || ends[nends - 1] != len) {
		w[nends] = 0;
		ref_push(&ends, &nends, len);
	}
	R->end = ends;
	R->w = w;
	R->nend = nends;
}

static void
ref_free(ref *R)
{
	free(R->end);
	free(R->w);
	free(R->elem);
	free(R->inside);
}

/* Recompute inside[] the slow way: the depth after each byte, with the
 * string rules, where the top-level value is an array. */
static void
ref_inside_check(const unsigned char *in, size_t len, const ref *R)
{
	size_t i;
	uint64_t depth = 0;
	int instr = 0, esc = 0, arr = 0, top_str = 0;

	for (i = 0; i < len; i++) {
		unsigned c = in[i];

		if ((R->inside[i] != 0) != (depth > 0 && arr))
			fail_msg("reference: inside[%zu] is %d", i, R->inside[i]);
		if (depth == 0) {
			if (top_str) {
				if (esc)
					esc = 0;
				else if (c == '\\')
					esc = 1;
				else if (c == '"')
					top_str = 0;
			} else if (c == '"') {
				top_str = 1;
			} else if (c == '[' || c == '{') {
				arr = c == '[';
				depth = 1;
			}
			continue;
		}
		if (instr) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				instr = 0;
		} else if (c == '"') {
			instr = 1;
		} else if (c == '[' || c == '{') {
			depth++;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	if ((R->inside[len] != 0) != (depth > 0 && arr))
		fail_msg("reference: inside[len] is %d", R->inside[len]);
}

/* The largest record end in (o, lim] with at most n records (0: any). */
static size_t
ref_best(const ref *R, size_t o, size_t lim, uint64_t n)
{
	size_t k, best = 0;
	uint64_t count = 0;

	for (k = 0; k < R->nend && R->end[k] <= lim; k++) {
		if (R->end[k] <= o)
			continue;
		count += R->w[k];
		if (n > 0 && count > n)
			break;
		best = R->end[k];
	}
	return best;
}

/* The too-big-array cut: the last (or n-th) element end in (o, lim]. */
static size_t
ref_elem(const ref *R, size_t o, size_t lim, uint64_t n)
{
	size_t k, best = 0;
	uint64_t count = 0;

	for (k = 0; k < R->nelem && R->elem[k] <= lim; k++) {
		if (R->elem[k] <= o)
			continue;
		if (n > 0 && ++count > n)
			break;
		best = R->elem[k];
	}
	return best;
}

static size_t
ref_utf8_cut(const unsigned char *p, size_t w, size_t avail)
{
	size_t i = 0;

	while (i < w) {
		int c = sgt_ref_char(p, avail, i);
		size_t u = c > 0 ? (size_t)c : 1;

		if (i + u > w)
			return i;
		i += u;
	}
	return w;
}

static int
ref_is_end(const ref *R, size_t p)
{
	size_t k;

	for (k = 0; k < R->nend; k++)
		if (R->end[k] == p)
			return 1;
	for (k = 0; k < R->nelem; k++)
		if (R->elem[k] == p)
			return 1;
	return 0;
}

/* Records (elements, for a cut between them) in (o, c]. */
static uint64_t
ref_count(const ref *R, size_t o, size_t c)
{
	size_t k;
	uint64_t count = 0, elems = 0;

	for (k = 0; k < R->nend; k++)
		if (R->end[k] > o && R->end[k] <= c)
			count += R->w[k];
	for (k = 0; k < R->nelem; k++)
		if (R->elem[k] > o && R->elem[k] <= c)
			elems++;
	return count > 0 ? count : elems;
}

/* The chunks the strategy must give without drains, --oversize=split or
 * error (size >= 4). Returns the count; *err_at is set when --oversize=
 * error stops after that many. */
static size_t
ref_simulate(const ref *R, const unsigned char *in, size_t size, uint64_t n, int array,
	     size_t *end, uint16_t *flags, size_t cap, int *oversized)
{
	size_t o = 0, k = 0, cut;
	uint16_t f;

	*oversized = 0;
	while (o < R->len) {
		f = 0;
		if (R->len - o <= size) {
			cut = ref_best(R, o, R->len, n);
		} else {
			cut = ref_best(R, o, o + size, n);
			if (cut == 0 && !array)
				cut = ref_elem(R, o, o + size, n);
			if (cut == 0) {
				*oversized = 1;
				cut = o + ref_utf8_cut(in + o, size, R->len - o);
				f = SG_FLAG_OVERSIZE;
			}
		}
		if (R->inside[o] || R->inside[cut])
			f |= SG_FLAG_ARRAY;
		if (k < cap) {
			end[k] = cut;
			flags[k] = f;
		}
		k++;
		o = cut;
	}
	return k;
}

/* --- the reference validator --------------------------------------------------- */

/* RFC 8259 by recursive descent, plus the record rules. */
typedef struct rd {
	const unsigned char *p;
	size_t len, i;
	int array;
	size_t err;           /* offset of the first error, or SIZE_MAX */
	size_t *end;          /* record (and with --array, element) ends */
	size_t nend;
} rd;

static int
rd_fail(rd *d)
{
	if (d->err == SIZE_MAX)
		d->err = d->i;
	return 0;
}

static void
rd_ws(rd *d)
{
	while (d->i < d->len && strchr(" \t\n\r", d->p[d->i]) != NULL && d->p[d->i] != 0)
		d->i++;
}

static int
rd_lit(rd *d, const char *w)
{
	for (; *w != '\0'; w++, d->i++)
		if (d->i >= d->len || d->p[d->i] != (unsigned char)*w)
			return rd_fail(d);
	return 1;
}

static int
rd_digits(rd *d)
{
	size_t s = d->i;

	while (d->i < d->len && d->p[d->i] >= '0' && d->p[d->i] <= '9')
		d->i++;
	return d->i > s ? 1 : rd_fail(d);
}

static int
rd_number(rd *d)
{
	if (d->i < d->len && d->p[d->i] == '-')
		d->i++;
	if (d->i < d->len && d->p[d->i] == '0')
		d->i++;
	else if (!rd_digits(d))
		return 0;
	if (d->i < d->len && d->p[d->i] == '.') {
		d->i++;
		if (!rd_digits(d))
			return 0;
	}
	if (d->i < d->len && (d->p[d->i] == 'e' || d->p[d->i] == 'E')) {
		d->i++;
		if (d->i < d->len && (d->p[d->i] == '+' || d->p[d->i] == '-'))
			d->i++;
		if (!rd_digits(d))
			return 0;
	}
	/* what follows a number must not continue it */
	if (d->i < d->len && !ref_delim(d->p[d->i]))
		return rd_fail(d);
	return 1;
}

static int
rd_string(rd *d)
{
	d->i++;
	for (;;) {
		unsigned c;
		int k, n;
		unsigned lo = 0x80, hi = 0xBF;

		if (d->i >= d->len)
			return rd_fail(d);
		c = d->p[d->i];
		if (c == '"') {
			d->i++;
			return 1;
		}
		if (c < 0x20)
			return rd_fail(d);
		if (c == '\\') {
			d->i++;
			if (d->i >= d->len)
				return rd_fail(d);
			c = d->p[d->i];
			if (c == 'u') {
				for (k = 0; k < 4; k++) {
					d->i++;
					if (d->i >= d->len || strchr("0123456789abcdefABCDEF",
					    d->p[d->i]) == NULL || d->p[d->i] == 0)
						return rd_fail(d);
				}
			} else if (strchr("\"\\/bfnrt", (int)c) == NULL || c == 0) {
				return rd_fail(d);
			}
			d->i++;
			continue;
		}
		if (c < 0x80) {
			d->i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3;
		else
			return rd_fail(d);
		if (c == 0xE0)
			lo = 0xA0;
		if (c == 0xED)
			hi = 0x9F;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F;
		d->i++;
		for (k = 0; k < n; k++, d->i++) {
			if (d->i >= d->len || d->p[d->i] < lo || d->p[d->i] > hi)
				return rd_fail(d);
			lo = 0x80;
			hi = 0xBF;
		}
	}
}

static int rd_value(rd *d, int depth);

static int
rd_value(rd *d, int depth)
{
	unsigned c;

	if (d->i >= d->len)
		return rd_fail(d);
	c = d->p[d->i];
	if (c == '"')
		return rd_string(d);
	if (c == 't')
		return rd_lit(d, "true") && (d->i >= d->len || ref_delim(d->p[d->i]) || rd_fail(d));
	if (c == 'f')
		return rd_lit(d, "false") && (d->i >= d->len || ref_delim(d->p[d->i]) || rd_fail(d));
	if (c == 'n')
		return rd_lit(d, "null") && (d->i >= d->len || ref_delim(d->p[d->i]) || rd_fail(d));
	if (c == '-' || (c >= '0' && c <= '9'))
		return rd_number(d);
	if (c == '[' || c == '{') {
		unsigned close = c == '[' ? ']' : '}';

		d->i++;
		rd_ws(d);
		if (d->i < d->len && d->p[d->i] == close) {
			d->i++;
			return 1;
		}
		for (;;) {
			if (c == '{') {
				if (d->i >= d->len || d->p[d->i] != '"')
					return rd_fail(d);
				if (!rd_string(d))
					return 0;
				rd_ws(d);
				if (d->i >= d->len || d->p[d->i] != ':')
					return rd_fail(d);
				d->i++;
				rd_ws(d);
			}
			if (!rd_value(d, depth + 1))
				return 0;
			rd_ws(d);
			if (d->i >= d->len)
				return rd_fail(d);
			if (d->p[d->i] == close) {
				d->i++;
				return 1;
			}
			if (d->p[d->i] != ',')
				return rd_fail(d);
			d->i++;
			if (depth == 0 && c == '[' && d->array) {
				size_t e = ref_after(d->p, d->len, d->i);

				if (e < d->len)
					ref_push(&d->end, &d->nend, e);
			}
			rd_ws(d);
		}
	}
	return rd_fail(d);
}

/* Whether in is a valid stream; if not, d->err is the offending byte. */
static int
rd_stream(const unsigned char *in, size_t len, int array, rd *d)
{
	int seen = 0;

	memset(d, 0, sizeof *d);
	d->p = in;
	d->len = len;
	d->array = array;
	d->err = SIZE_MAX;
	for (;;) {
		while (d->i < len && ref_lead(in[d->i]))
			d->i++;
		if (d->i == len)
			return seen ? 1 : rd_fail(d);
		seen = 1;
		if (!rd_value(d, 0))
			return 0;
		while (d->i < len && ref_blank(in[d->i]))
			d->i++;
		if (d->i == len)
			return 1;
		if (in[d->i] == '\n')
			d->i++;
		else if (in[d->i] != 0x1E)
			return rd_fail(d);
		ref_push(&d->end, &d->nend, d->i);
	}
}

/* --- random JSON-ish inputs ----------------------------------------------------- */

static void
gen_ws(sgt_rng *r, sgt_buf *b, int lf)
{
	static const char ws[] = " \t\r\n";
	int k = sgt_chance(r, 60) ? 0 : (int)sgt_range(r, 1, 3);

	while (k-- > 0)
		sgt_buf_byte(b, (unsigned char)ws[sgt_below(r, lf ? 4 : 3)]);
}

static void
gen_string(sgt_rng *r, sgt_buf *b)
{
	static const char *const piece[] = {
		"a", "bc", "xyz ", "{", "}", "[", "]", ",", ":", " ", "\\\"", "\\\\", "\\/",
		"\\b", "\\f", "\\n", "\\r", "\\t", "\\u00e9", "\\uD83D\\uDE00", "\\uDC00",
		"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\x7F", "'", "\\u001e",
	};
	size_t k = sgt_chance(r, 20) ? (size_t)sgt_range(r, 20, 200) : sgt_below(r, 8);

	sgt_buf_byte(b, '"');
	while (k-- > 0)
		sgt_buf_str(b, piece[sgt_below(r, sizeof piece / sizeof piece[0])]);
	sgt_buf_byte(b, '"');
}

static void
gen_number(sgt_rng *r, sgt_buf *b)
{
	char s[64];
	int n = 0;

	if (sgt_chance(r, 30))
		s[n++] = '-';
	if (sgt_chance(r, 20)) {
		s[n++] = '0';
	} else {
		int k = (int)sgt_range(r, 1, 8);

		s[n++] = (char)('1' + sgt_below(r, 9));
		while (--k > 0)
			s[n++] = (char)('0' + sgt_below(r, 10));
	}
	if (sgt_chance(r, 30)) {
		int k = (int)sgt_range(r, 1, 5);

		s[n++] = '.';
		while (k-- > 0)
			s[n++] = (char)('0' + sgt_below(r, 10));
	}
	if (sgt_chance(r, 20)) {
		s[n++] = sgt_chance(r, 50) ? 'e' : 'E';
		if (sgt_chance(r, 50))
			s[n++] = sgt_chance(r, 50) ? '+' : '-';
		s[n++] = (char)('0' + sgt_below(r, 10));
	}
	sgt_buf_put(b, s, (size_t)n);
}

static void
gen_value(sgt_rng *r, sgt_buf *b, int depth, int ws, size_t elems)
{
	unsigned kind = (unsigned)sgt_below(r, depth >= 6 ? 4 : 7);
	size_t k, n;

	switch (kind) {
	case 0: gen_string(r, b); break;
	case 1: gen_number(r, b); break;
	case 2:
		sgt_buf_str(b, sgt_chance(r, 50) ? "true" : sgt_chance(r, 50) ? "false" : "null");
		break;
	case 3: gen_string(r, b); break;
	default:
		n = elems ? elems : sgt_below(r, 6);
		sgt_buf_byte(b, kind == 4 ? '{' : '[');
		for (k = 0; k < n; k++) {
			if (ws)
				gen_ws(r, b, 1);
			if (kind == 4) {
				gen_string(r, b);
				if (ws)
					gen_ws(r, b, 1);
				sgt_buf_byte(b, ':');
				if (ws)
					gen_ws(r, b, 1);
			}
			gen_value(r, b, depth + 1, ws, 0);
			if (ws)
				gen_ws(r, b, 1);
			if (k + 1 < n)
				sgt_buf_byte(b, ',');
		}
		if (ws && n == 0)
			gen_ws(r, b, 1);
		sgt_buf_byte(b, kind == 4 ? '}' : ']');
		break;
	}
}

enum { G_NDJSON, G_PRETTY, G_SEQ, G_ARRAY, G_CONCAT, G_GARBAGE, G_RANDOM, G_MIXED, G_N };
static const char *const gen_names[G_N] = {
	"ndjson", "pretty", "json-seq", "arrays", "concatenated", "garbage", "random", "mixed",
};

/* Profiles up to G_ARRAY give valid streams. */
static void
gen_input(sgt_rng *r, unsigned g, size_t want, sgt_buf *b)
{
	static const char *const junk[] = {
		"{", "}", "[", "]", "\"", "\\", ",", ":", " ", "\n", "\r\n", RS, "x", "1",
		"true", "\xC3\xA9", "\xFF", "\xE2\x82", "\0", "\"a\\\"b\"", "[1,2]", "{}",
	};

	b->len = 0;
	while (b->len < want) {
		unsigned h = g == G_MIXED ? (unsigned)sgt_below(r, G_MIXED) : g;

		switch (h) {
		case G_NDJSON:
			gen_value(r, b, 0, 0, 0);
			if (sgt_chance(r, 10))
				sgt_buf_str(b, "  ");
			sgt_buf_str(b, sgt_chance(r, 10) ? "\r\n" : "\n");
			if (sgt_chance(r, 5))
				sgt_buf_str(b, "\n \n");
			break;
		case G_PRETTY:
			gen_value(r, b, 0, 1, 0);
			sgt_buf_str(b, "\n");
			break;
		case G_SEQ:
			sgt_buf_str(b, RS);
			gen_value(r, b, 0, sgt_chance(r, 30), 0);
			if (sgt_chance(r, 80))
				sgt_buf_str(b, "\n");
			break;
		case G_ARRAY: {
			int ws = sgt_chance(r, 50);

			sgt_buf_byte(b, '[');
			for (size_t k = (size_t)sgt_range(r, 0, 3000); k > 0 && b->len < want; k--) {
				if (ws)
					gen_ws(r, b, 1);
				gen_value(r, b, 1, ws, 0);
				if (ws)
					gen_ws(r, b, 1);
				sgt_buf_byte(b, ',');
			}
			if (ws)
				gen_ws(r, b, 1);
			gen_value(r, b, 1, ws, 0);
			sgt_buf_str(b, "]\n");
			break;
		}
		case G_CONCAT:
			gen_value(r, b, 0, sgt_chance(r, 30), 0);
			if (sgt_chance(r, 30))
				sgt_buf_str(b, " ");
			break;
		case G_GARBAGE:
			for (size_t k = (size_t)sgt_range(r, 1, 50); k > 0; k--) {
				const char *j = junk[sgt_below(r, sizeof junk / sizeof junk[0])];

				sgt_buf_put(b, j, j[0] == '\0' ? 1 : strlen(j));
			}
			break;
		default:
			for (size_t k = (size_t)sgt_range(r, 1, 300); k > 0; k--)
				sgt_buf_byte(b, (unsigned char)sgt_next(r));
			break;
		}
	}
}

/* --- the property tests --------------------------------------------------------- */

/* The start of an input, C-escaped, for messages. */
static const char *
excerpt(const unsigned char *p, size_t len, char *out, size_t cap)
{
	size_t i, k = 0;

	out[k++] = '"';
	for (i = 0; i < len && k + 6 < cap; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7F && p[i] != '"' && p[i] != '\\')
			out[k++] = (char)p[i];
		else
			k += (size_t)snprintf(out + k, cap - k, "\\x%02X", p[i]);
	}
	if (i < len && k + 4 < cap)
		k += (size_t)snprintf(out + k, cap - k, "...");
	snprintf(out + k, cap - k, "\"");
	return out;
}

typedef struct prop {
	unsigned runs, failed;
	char first[1024];
} prop;

static void note(prop *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
note(prop *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed++ == 0) {
		va_start(ap, fmt);
		vsnprintf(p->first, sizeof p->first, fmt, ap);
		va_end(ap);
	}
}

#define CHECK(cond, ...) do { if (!(cond)) { note(p, __VA_ARGS__); return; } } while (0)

static size_t
random_size(sgt_rng *r)
{
	switch (sgt_below(r, 6)) {
	case 0: return (size_t)sgt_range(r, 4, 16);
	case 1: case 2: return (size_t)sgt_range(r, 17, 512);
	case 3: case 4: return (size_t)sgt_range(r, 513, 16384);
	default: return (size_t)sgt_range(r, 16385, 131072);
	}
}

static size_t
random_len(sgt_rng *r)
{
	switch (sgt_below(r, 8)) {
	case 0: return (size_t)sgt_range(r, 1, 16);
	case 1: case 2: return (size_t)sgt_range(r, 17, 1024);
	case 3: case 4: case 5: return (size_t)sgt_range(r, 1025, 32768);
	default: return (size_t)sgt_range(r, 32769, 200000);
	}
}

/* One input, one set of options: the chunker and drive() against the
 * reference. */
static void
prop_one(prop *p, sgt_rng *r, const unsigned char *in, size_t len, const char *what,
	 const sg_boundary_params *prm, size_t size, uint64_t recs, int oversize,
	 unsigned drain_pct, const ref *R, int valid_input)
{
	size_t cap = len + 16, nref, i, k, off;
	size_t *rend = malloc(cap * sizeof *rend), *cend = malloc(cap * sizeof *cend);
	uint16_t *rfl = malloc(cap * sizeof *rfl), *cfl = malloc(cap * sizeof *cfl);
	sgt_stream s, s2;
	sg_err e;
	sgt_buf out = { 0 };
	int rc, rc2, oversized, array = prm->json_array;
	run o;
	char where[300];

	assert_non_null(rend);
	assert_non_null(cend);
	assert_non_null(rfl);
	assert_non_null(cfl);
	snprintf(where, sizeof where, "%s, %zu bytes, --size %zu, -n %llu, %s%s%s, drain %u%%",
	    what, len, size, (unsigned long long)recs, sg_oversize_name(oversize),
	    array ? ", --array" : "", prm->json_validate ? ", --validate" : "", drain_pct);
	p->runs++;
	nref = ref_simulate(R, in, size, recs, array, rend, rfl, cap, &oversized);

	/* the chunker */
	rc = chunk(prm, in, len, size, recs, oversize, r, drain_pct, &s, &e);
	if (oversize == SG_OVERSIZE_ERROR && drain_pct == 0) {
		CHECK(oversized ? rc == SG_EDATA && strstr(e.msg, "larger than --size") != NULL :
		    rc == 0, "%s: rc %d %s, reference oversized %d", where, rc, e.msg, oversized);
	} else if (oversize == SG_OVERSIZE_ERROR) {
		CHECK(rc == 0 || (rc == SG_EDATA && strstr(e.msg, "larger than --size")),
		    "%s: rc %d %s", where, rc, e.msg);
	} else {
		CHECK(rc == 0, "%s: chunker rc %d: %s", where, rc, e.msg);
	}
	k = data_ends(&s, cend, cfl, cap);
	for (i = 0, off = 0; i < s.n; i++) {
		const sgt_frame *f = &s.f[i];

		if (f->h.type != SG_TYPE_DATA)
			continue;
		sgt_buf_put(&out, sgt_payload(&s, i), f->h.size);
		CHECK(f->h.offset == off, "%s: frame offset %llu, want %zu", where,
		    (unsigned long long)f->h.offset, off);
		off += f->h.size;
	}
	if (rc == 0)
		CHECK(out.len == len && (len == 0 || memcmp(out.p, in, len) == 0),
		    "%s: round trip broken", where);
	for (i = 0, off = 0; i < k; i++) {
		size_t n = cend[i] - off;
		int big = cfl[i] & SG_FLAG_OVERSIZE;

		CHECK(n > 0, "%s: empty chunk", where);
		CHECK(n <= size || (oversize == SG_OVERSIZE_KEEP && !big),
		    "%s: chunk %zu of %zu bytes", where, i, n);
		if (!big) {
			CHECK(ref_is_end(R, cend[i]), "%s: chunk %zu ends at %zu, no record end",
			    where, i, cend[i]);
			CHECK(recs == 0 || ref_count(R, off, cend[i]) <= recs,
			    "%s: chunk %zu holds %llu records", where, i,
			    (unsigned long long)ref_count(R, off, cend[i]));
		}
		off = cend[i];
	}
	if (drain_pct == 0 && oversize != SG_OVERSIZE_KEEP) {
		size_t want = nref;

		if (oversize == SG_OVERSIZE_ERROR)
			for (want = 0; want < nref && !(rfl[want] & SG_FLAG_OVERSIZE); want++)
				;

		CHECK(k == want, "%s: %zu chunks, reference %zu", where, k, nref);
		for (i = 0; i < k; i++) {
			CHECK(cend[i] == rend[i], "%s: chunk %zu ends at %zu, reference %zu", where,
			    i, cend[i], rend[i]);
			CHECK((cfl[i] & SG_FLAG_OVERSIZE) == (rfl[i] & SG_FLAG_OVERSIZE),
			    "%s: chunk %zu flags %#x, reference %#x", where, i, cfl[i], rfl[i]);
		}
	}
	/* without drains, the same cuts for another read split */
	if (drain_pct == 0) {
		size_t k2, *e2 = malloc(cap * sizeof *e2);
		uint16_t *f2 = malloc(cap * sizeof *f2);

		rc2 = chunk(prm, in, len, size, recs, oversize, r, 0, &s2, &e);
		k2 = data_ends(&s2, e2, f2, cap);
		if (rc2 != rc || k2 != k) {
			free(e2);
			free(f2);
			sgt_stream_free(&s2);
			CHECK(0, "%s: another read split gave rc %d and %zu chunks, not %d and %zu",
			    where, rc2, k2, rc, k);
		}
		for (i = 0; i < k && i < cap; i++)
			if (e2[i] != cend[i] || f2[i] != cfl[i])
				break;
		free(e2);
		free(f2);
		sgt_stream_free(&s2);
		CHECK(i == k || i == cap, "%s: another read split differs at chunk %zu", where, i);
	}
	sgt_stream_free(&s);
	sgt_buf_free(&out);

	/* drive(): flags, and the same cuts */
	if (oversize == SG_OVERSIZE_SPLIT) {
		drive(prm, in, len, size, recs, r, drain_pct, &o);
		CHECK(!o.stuck && (!o.failed || !valid_input), "%s: drive: %s", where,
		    o.failed ? o.e.msg : "stuck");
		if (!o.failed) {
			CHECK(o.n > 0 || len == 0, "%s: drive: no chunks", where);
			CHECK(o.n == 0 || o.end[o.n - 1] == len, "%s: drive: not all input", where);
			if (drain_pct == 0) {
				CHECK(o.n == nref, "%s: drive: %zu chunks, reference %zu", where, o.n,
				    nref);
				for (i = 0; i < o.n; i++)
					CHECK(o.end[i] == rend[i] && o.flags[i] == rfl[i],
					    "%s: drive: chunk %zu ends at %zu flags %#x, reference "
					    "%zu %#x", where, i, o.end[i], o.flags[i], rend[i], rfl[i]);
			} else {
				for (i = 0, off = 0; i < o.n; i++) {
					CHECK(o.flags[i] & SG_FLAG_OVERSIZE || ref_is_end(R, o.end[i]),
					    "%s: drive: chunk %zu ends at %zu", where, i, o.end[i]);
					CHECK((o.flags[i] & SG_FLAG_ARRAY) ==
					    ((R->inside[off] || R->inside[o.end[i]]) ? SG_FLAG_ARRAY : 0),
					    "%s: drive: chunk %zu array flag", where, i);
					off = o.end[i];
				}
			}
		}
		run_free(&o);
	}
	free(rend);
	free(cend);
	free(rfl);
	free(cfl);
}

static void
test_property(void **state)
{
	prop pp = { 0 }, *p = &pp;
	sgt_rng r;
	sgt_buf in = { 0 };
	unsigned it, iters = sgt_iters(300);

	(void)state;
	sgt_rng_init(&r, "json property");
	for (it = 0; it < iters; it++) {
		unsigned g = (unsigned)sgt_below(&r, G_N);
		size_t len = random_len(&r);
		const sg_boundary_params *prm = sgt_chance(&r, 30) ? &P_ARRAY : &P_PLAIN;
		int oversize = sgt_chance(&r, 70) ? SG_OVERSIZE_SPLIT :
		    sgt_chance(&r, 50) ? SG_OVERSIZE_KEEP : SG_OVERSIZE_ERROR;
		uint64_t recs = sgt_chance(&r, 50) ? 0 : sgt_chance(&r, 60) ? sgt_range(&r, 1, 3) :
		    sgt_range(&r, 4, 500);
		unsigned drain = sgt_chance(&r, 25) ? (unsigned)sgt_range(&r, 5, 50) : 0;
		ref R;

		gen_input(&r, g, len, &in);
		if (sgt_chance(&r, 15))
			in.len = (size_t)sgt_below(&r, in.len + 1);  /* truncated */
		else
			len = in.len;
		len = in.len;
		ref_build(in.p, len, prm->json_array, &R);
		ref_inside_check(in.p, len, &R);
		prop_one(p, &r, in.p, len, gen_names[g], prm, random_size(&r), recs, oversize,
		    drain, &R, 1);
		ref_free(&R);
	}
	sgt_buf_free(&in);
	printf("[   PROP   ] json: %u runs, %u failed\n", p->runs, p->failed);
	if (p->failed > 0)
		fail_msg("json property: %u of %u runs failed; first: %s", p->failed, p->runs,
		    p->first);
}

/* --validate: valid streams cut like without it; broken ones fail where the
 * reference parser fails, after the records before. */
static void
test_property_validate(void **state)
{
	prop pp = { 0 }, *p = &pp;
	sgt_rng r;
	sgt_buf in = { 0 };
	unsigned it, iters = sgt_iters(400), nbad = 0;

	(void)state;
	sgt_rng_init(&r, "json property validate");
	for (it = 0; it < iters; it++) {
		unsigned g = (unsigned)sgt_below(&r, G_CONCAT + 1);
		size_t len = random_len(&r), size = random_size(&r);
		int array = sgt_chance(&r, 30);
		const sg_boundary_params *prm = array ? &P_VARRAY : &P_VALID;
		uint64_t recs = sgt_chance(&r, 50) ? 0 : sgt_range(&r, 1, 20);
		unsigned drain = sgt_chance(&r, 25) ? (unsigned)sgt_range(&r, 5, 50) : 0;
		int mutate = sgt_chance(&r, 50);
		rd d;
		run o;
		int ok;
		char where[200];
		size_t i;

		gen_input(&r, g, len, &in);
		if (mutate) {
			size_t at = (size_t)sgt_below(&r, in.len);
			static const char bytes[] = "{}[]\",:\\ \n\x1E" "0e.-+tfnx\x01\xC3\xFF";

			switch (sgt_below(&r, 4)) {
			case 0: in.p[at] = (unsigned char)bytes[sgt_below(&r, sizeof bytes - 1)]; break;
			case 1: in.p[at] = (unsigned char)sgt_next(&r); break;
			case 2: in.len = at; break;
			default:
				memmove(in.p + at, in.p + at + 1, in.len - at - 1);
				in.len--;
				break;
			}
		}
		len = in.len;
		ok = rd_stream(in.p, len, array, &d);
		snprintf(where, sizeof where, "%s%s, %zu bytes, --size %zu, -n %llu%s, drain %u%%",
		    gen_names[g], mutate ? " mutated" : "", len, size, (unsigned long long)recs,
		    array ? ", --array" : "", drain);
		if (!ok) {
			nbad++;
			p->runs++;  /* prop_one counts the valid ones */
		}
		if (!mutate && g != G_CONCAT && !ok) {
			note(p, "%s: the generator made an invalid stream (byte %zu)", where, d.err);
			free(d.end);
			continue;
		}
		if (ok) {
			/* valid: the same cuts as without --validate */
			ref R;

			ref_build(in.p, len, array, &R);
			prop_one(p, &r, in.p, len, where, prm, size, recs, SG_OVERSIZE_SPLIT, drain,
			    &R, 1);
			ref_free(&R);
			free(d.end);
			continue;
		}
		drive(prm, in.p, len, size, recs, &r, drain, &o);
		if (!o.failed) {
			char ex[200];

			note(p, "%s: accepted; the reference fails at byte %zu; input %s", where, d.err,
			    excerpt(in.p, len, ex, sizeof ex));
		} else {
			char want[100];
			uint64_t k = 1;

			for (i = 0; i < d.nend; i++)
				if (d.end[i] <= d.err)
					k++;
			snprintf(want, sizeof want, "record %llu at byte %zu: ",
			    (unsigned long long)k, d.err);
			if (strncmp(o.e.msg, want, strlen(want)) != 0)
				note(p, "%s: \"%s\", want \"%s\"", where, o.e.msg, want);
			for (i = 0; i < o.n; i++)
				if (o.end[i] > d.err)
					note(p, "%s: chunk %zu ends at %zu, past the error at %zu", where,
					    i, o.end[i], d.err);
		}
		run_free(&o);
		free(d.end);
	}
	sgt_buf_free(&in);
	printf("[   PROP   ] json --validate: %u runs (%u invalid), %u failed\n", p->runs, nbad,
	    p->failed);
	if (p->failed > 0)
		fail_msg("json --validate property: %u of %u runs failed; first: %s", p->failed,
		    p->runs, p->first);
}

/* find in any order of windows (growing, shrinking as --oversize=keep
 * does, --records switching to 1), consuming some of the cuts: each
 * answer is the reference's. */
static void
test_call_sequences(void **state)
{
	sgt_rng r;
	sgt_buf in = { 0 };
	unsigned it, bad = 0, calls = 0;
	char first[400] = "";

	(void)state;
	sgt_rng_init(&r, "json call sequences");
	for (it = 0; it < sgt_iters(300); it++) {
		unsigned g = (unsigned)sgt_below(&r, G_N);
		int array = sgt_chance(&r, 30), validate = 0;
		size_t len, o = 0, step;
		uint64_t n0 = sgt_chance(&r, 40) ? 0 : sgt_range(&r, 1, 6);
		sg_boundary_params prm = { .json_array = array };
		void *st;
		ref R;
		rd d;

		gen_input(&r, g, (size_t)sgt_range(&r, 1, 3000), &in);
		len = in.len;
		if (rd_stream(in.p, len, array, &d) && sgt_chance(&r, 50))
			validate = prm.json_validate = 1;
		free(d.end);
		ref_build(in.p, len, array, &R);
		st = st_new(&prm);
		for (step = 0; step < 400 && o < len; step++) {
			size_t rem = len - o, w = (size_t)sgt_range(&r, 1, rem), av, want, got;
			uint64_t n = sgt_chance(&r, 70) ? n0 : sgt_chance(&r, 50) ? 1 : sgt_below(&r, 8);
			int eof;

			if (sgt_chance(&r, 20))
				w = rem;
			if (rem >= w + LOOK && sgt_chance(&r, 70)) {
				av = w + LOOK + (size_t)sgt_below(&r, rem - w - LOOK + 1);
				eof = av == rem && sgt_chance(&r, 50);
			} else {
				av = rem;
				eof = 1;
			}
			if (eof && w == av) {
				want = ref_best(&R, o, len, n);
			} else {
				want = ref_best(&R, o, o + w, n);
				if (want == 0 && !array)
					want = ref_elem(&R, o, o + w, n);
			}
			want = want ? want - o : 0;
			got = find_copy(st, in.p + o, w, av, eof, n);
			calls++;
			if (got != want && bad++ == 0)
				snprintf(first, sizeof first, "%s%s%s, %zu bytes, at %zu: window %zu of "
				    "%zu%s, -n %llu: cut %zu, reference %zu", gen_names[g],
				    array ? " --array" : "", validate ? " --validate" : "", len, o, w,
				    av, eof ? " eof" : "", (unsigned long long)n, got, want);
			if (got != want)
				break;
			if (got > 0 && sgt_chance(&r, 50)) {
				J->consumed(st, got);
				o += got;
			}
		}
		free(st);
		ref_free(&R);
	}
	sgt_buf_free(&in);
	printf("[   INFO   ] %u calls\n", calls);
	if (bad > 0)
		fail_msg("%u sequences went wrong; first: %s", bad, first);
}

/* Windows under 4 bytes split characters: the bytes still come out whole. */
static void
test_tiny_windows(void **state)
{
	sgt_rng r;
	sgt_buf in = { 0 };
	unsigned it;

	(void)state;
	sgt_rng_init(&r, "json tiny windows");
	for (it = 0; it < sgt_iters(200); it++) {
		size_t size = (size_t)sgt_range(&r, 1, 3);
		const sg_boundary_params *prm = sgt_chance(&r, 50) ? &P_PLAIN : &P_ARRAY;
		sgt_stream s;
		sg_err e;
		sgt_buf out = { 0 };
		size_t i;
		run o;

		gen_input(&r, (unsigned)sgt_below(&r, G_N), (size_t)sgt_range(&r, 1, 300), &in);
		assert_int_equal(chunk(prm, in.p, in.len, size, sgt_below(&r, 3),
		    SG_OVERSIZE_SPLIT, &r, 20, &s, &e), 0);
		for (i = 0; i < s.n; i++)
			if (s.f[i].h.type == SG_TYPE_DATA)
				sgt_buf_put(&out, sgt_payload(&s, i), s.f[i].h.size);
		assert_int_equal(out.len, in.len);
		assert_memory_equal(out.p, in.p, in.len);
		sgt_stream_free(&s);
		sgt_buf_free(&out);
		/* valid strings with multi-byte characters survive --validate */
		drive(&P_VALID, S("[\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"]\n"), size, 0, &r,
		    20, &o);
		assert_false(o.failed);
		assert_false(o.stuck);
		run_free(&o);
	}
	sgt_buf_free(&in);
}

/* --oversize=keep: a record bigger than the window comes out whole. */
static void
test_keep(void **state)
{
	sgt_buf in = { 0 };
	sgt_stream s;
	sg_err e;
	size_t ends[16];
	uint16_t fl[16];
	sgt_rng r;
	size_t i;

	(void)state;
	sgt_rng_init(&r, "json keep");
	sgt_buf_str(&in, "{\"a\":1}\n{\"big\":\"");
	for (i = 0; i < 100000; i++)
		sgt_buf_byte(&in, 'x');
	sgt_buf_str(&in, "\"}\n[1,2]\n");
	for (i = 0; i < 3; i++) {
		const sg_boundary_params *prm = i == 0 ? &P_PLAIN : i == 1 ? &P_ARRAY : &P_VALID;

		assert_int_equal(chunk(prm, in.p, in.len, 1000, 0, SG_OVERSIZE_KEEP, &r, 0, &s, &e), 0);
		assert_int_equal(data_ends(&s, ends, fl, 16), 3);
		assert_int_equal(ends[0], 8);
		assert_int_equal(ends[1], in.len - 6);
		assert_int_equal(fl[1], 0);
		sgt_stream_free(&s);
	}
	/* --oversize=error says so */
	assert_int_equal(chunk(&P_PLAIN, in.p, in.len, 1000, 0, SG_OVERSIZE_ERROR, &r, 0, &s, &e),
	    SG_EDATA);
	assert_non_null(strstr(e.msg, "record at source offset 8 is larger than --size"));
	sgt_stream_free(&s);
	sgt_buf_free(&in);
}

static void
test_ops(void **state)
{
	(void)state;
	assert_string_equal(J->name, "json");
	assert_true(J->has_records);
	assert_int_equal(J->part, SG_PART_NDJSON);
	assert_int_equal(J->options, SG_BOPT_ARRAY | SG_BOPT_VALIDATE);
	assert_non_null(strstr(J->summary, "JSON"));
	assert_ptr_equal(sg_boundary_lookup("json"), J);
	assert_non_null(J->find);
	assert_non_null(J->flags);
	assert_non_null(J->consumed);
	assert_non_null(J->error);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ops),
		cmocka_unit_test(test_ndjson),
		cmocka_unit_test(test_concatenated_and_scalars),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_json_seq),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_window_edge),
		cmocka_unit_test(test_growing_window),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_array_mode),
		cmocka_unit_test(test_array_fallback),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_validate_hand),
		cmocka_unit_test(test_corpus_validate),
		cmocka_unit_test(test_corpus_chunk),
		cmocka_unit_test(test_call_sequences),
		cmocka_unit_test(test_tiny_windows),
		cmocka_unit_test(test_keep),
		cmocka_unit_test(test_property),
		cmocka_unit_test(test_property_validate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
