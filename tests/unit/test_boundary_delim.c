/* test_boundary_delim.c: the delim strategy, its find() and check()
 * directly, and a property test through the chunker against a naive
 * left-to-right separator search written here.
 */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boundary.h"
#include "chunker.h"

static const sg_boundary_ops *const D = &sg_boundary_delim;

/* --- find() directly ------------------------------------------------------ */

typedef struct dstate {
	void *st;
	sg_boundary_params p;
} dstate;

static void
dopen(dstate *d, const void *sep, size_t n)
{
	memset(d, 0, sizeof *d);
	d->p.delim = sep;
	d->p.delim_len = n;
	assert_non_null(d->st = calloc(1, D->state_size));
	D->reset(d->st, &d->p);
}

static size_t
dfind(dstate *d, const void *buf, size_t len, size_t avail, int eof, uint64_t max)
{
	return D->find(d->st, buf, len, avail, eof, max);
}

/* find with a fresh state on text[0..w), all of text readable. */
static size_t
cut1(const void *sep, size_t sn, const void *text, size_t tn, size_t w, int eof, uint64_t max)
{
	dstate d;
	size_t r;

	dopen(&d, sep, sn);
	r = dfind(&d, text, w, tn, eof, max);
	free(d.st);
	return r;
}

#define S(lit) lit, sizeof(lit) - 1
/* a full window of w bytes of text (more readable after it) */
#define CUT(sep, text, w, max, want) \
	assert_int_equal(cut1(S(sep), S(text), w, 0, max), want)
/* the window that ends the input */
#define AT_END(sep, text, max, want) \
	assert_int_equal(cut1(S(sep), S(text), sizeof(text) - 1, 1, max), want)

static void
test_cuts(void **state)
{
	(void)state;
	assert_string_equal(D->name, "delim");
	assert_ptr_equal(sg_boundary_lookup("delim"), D);
	assert_int_equal(D->has_records, 1);
	assert_int_equal(D->part, SG_PART_DELIM);
	assert_int_equal(D->options, SG_BOPT_DELIM);

	/* NUL-separated records */
	CUT("\0", "a\0bb\0c....", 7, 0, 5);
	CUT("\0", "a\0bb\0c....", 7, 1, 2);
	CUT("\0", "a\0bb\0c....", 7, 2, 5);
	CUT("\0", "a\0bb\0c....", 7, 3, 5);   /* fewer records: the last end */
	CUT("\0", "a\0bb\0c....", 4, 0, 2);
	CUT("\0", "abc\0d", 3, 0, 0);         /* none in the window */
	AT_END("\0", "a\0bb\0c", 0, 6);           /* the end of input ends a record */
	AT_END("\0", "a\0bb\0c", 2, 5);
	AT_END("\0", "a\0bb\0c", 3, 6);
	AT_END("\0", "a\0bb\0c", 1, 2);
	AT_END("\0", "abc", 1, 3);
	/* at the very start and the very end */
	CUT("\0", "\0abc..", 4, 0, 1);
	CUT("\0", "\0\0\0a..", 4, 0, 3);
	CUT("\0", "\0\0\0a..", 4, 2, 2);
	CUT("\0", "abc\0..", 4, 0, 4);
	/* multi-byte separators */
	CUT("</doc>", "<doc>x</doc><doc>y</doc>z....", 25, 0, 24);
	CUT("</doc>", "<doc>x</doc><doc>y</doc>z....", 25, 1, 12);
	CUT("</doc>", "<doc>x</doc><doc>y</doc>z....", 23, 0, 12); /* straddles the end */
	CUT("</doc>", "<doc>x</doc><doc>y</doc>z....", 24, 0, 24);
	CUT("</doc>", "</doc></doc>..", 12, 0, 12);
	CUT("</doc>", "</doc></doc>..", 12, 1, 6);
	CUT("</doc>", "x</do></doc..", 11, 0, 0);
	CUT("\r\n", "a\r\nb\rc\nd\r\ne..", 12, 0, 10);
	CUT("\r\n", "a\r\nb\rc\nd\r\ne..", 12, 1, 3);
	CUT("\r\n", "a\r\nb\rc\nd\r..", 10, 0, 3);
	/* self-overlapping: left to right, no overlaps */
	CUT("aa", "aaaaa..", 5, 0, 4);
	CUT("aa", "aaaaa..", 5, 1, 2);
	CUT("aa", "aaaaa..", 5, 3, 4);
	CUT("aa", "aaaaa..", 3, 0, 2);
	AT_END("aa", "aaaaa", 0, 5);
	AT_END("aa", "aaaaa", 2, 4);
	AT_END("aa", "aaaaa", 3, 5);
	CUT("aba", "ababa..", 5, 0, 3);       /* not 5: the match at 2 overlaps */
	CUT("aba", "abababa..", 7, 0, 7);
	CUT("abab", "abababab..", 8, 0, 8);
	CUT("abab", "ababab..", 6, 0, 4);
	/* -n 1 and -n 3 */
	CUT(",", "a,b,c,d,e,f..", 11, 1, 2);
	CUT(",", "a,b,c,d,e,f..", 11, 3, 6);
	CUT(",", "a,b,c,d,e,f..", 5, 3, 4);
	CUT("::", "a::b::c::d::..", 12, 3, 9);
}

/* A growing window asked again and again (a live input), with cuts taken
 * now and then: the cached scan answers what a fresh state answers. */
static void
test_cache(void **state)
{
	static const char *seps[] = { "\0", "a", "aa", "aba", "</doc>", "\r\n", "abab", "ba" };
	static const size_t seplen[] = { 1, 1, 2, 3, 6, 2, 4, 2 };
	sgt_rng r;
	unsigned it;

	(void)state;
	sgt_rng_init(&r, "delim_cache");
	for (it = 0; it < sgt_iters(400); it++) {
		unsigned k = (unsigned)sgt_below(&r, sizeof seps / sizeof seps[0]);
		uint64_t max = sgt_chance(&r, 50) ? 0 : sgt_range(&r, 1, 4);
		unsigned char t[300];
		size_t base = 0, len, i;
		dstate d;

		for (i = 0; i < sizeof t; i++) {
			static const char alpha[] = "aab</doc>\r\n";

			t[i] = sgt_chance(&r, 5) ? 0 : (unsigned char)alpha[sgt_below(&r, 11)];
		}
		dopen(&d, seps[k], seplen[k]);
		for (len = 1; base + len <= sizeof t; len++) {
			size_t got = dfind(&d, t + base, len, len, 0, max), want;

			want = cut1(seps[k], seplen[k], t + base, len, len, 0, max);
			if (got != want)
				fail_msg("iteration %u: separator #%u, -n %llu, window %zu+%zu: "
				    "cached %zu, fresh %zu", it, k, (unsigned long long)max, base,
				    len, got, want);
			if (got > 0 && sgt_chance(&r, 40)) {
				D->consumed(d.st, got);
				base += got;
				len = 0;
			} else if (got == 0 && len > 8 && sgt_chance(&r, 5)) {
				/* an oversize cut anywhere: the search resumes there */
				size_t n = (size_t)sgt_range(&r, 1, len);

				D->consumed(d.st, n);
				base += n;
				len = 0;
			}
		}
		free(d.st);
	}
}

/* A separator cut through by an oversize cut is not seen. */
static void
test_oversize_cut(void **state)
{
	const unsigned char *t = (const unsigned char *)"xx</doc>yy</doc>";
	dstate d;

	(void)state;
	dopen(&d, S("</doc>"));
	assert_int_equal(dfind(&d, t, 4, 16, 0, 0), 0);
	D->consumed(d.st, 4);                          /* through the first one */
	assert_int_equal(dfind(&d, t + 4, 12, 12, 0, 0), 12);
	free(d.st);
	/* and through the chunker: --size 4, oversize split */
	{
		sg_chunk_opts o = { .strategy = D, .size = 4 };
		const unsigned char *src[1] = { t };
		size_t len[1] = { 16 };
		sgt_stream s;
		sgt_rng r = { 7 };
		sg_err e;

		o.params.delim = (const unsigned char *)"</doc>";
		o.params.delim_len = 6;
		sgt_stream_init(&s);
		assert_int_equal(sgt_make_stream(&s, &o, 1, src, len, &r, &e), 0);
		/* "xx</" "doc>" "yy</" split, neither separator seen; "doc>"
		 * ends the input */
		assert_int_equal(s.n, 6);
		assert_true(s.f[1].h.flags & SG_FLAG_OVERSIZE);
		assert_true(s.f[2].h.flags & SG_FLAG_OVERSIZE);
		assert_true(s.f[3].h.flags & SG_FLAG_OVERSIZE);
		assert_int_equal(s.f[4].h.flags, 0);
		assert_int_equal(s.f[4].h.offset, 12);
		assert_int_equal(s.f[4].h.size, 4);
		sgt_stream_free(&s);
	}
}

static void
test_check(void **state)
{
	unsigned char big[300];
	sg_boundary_params p;
	sg_err e;

	(void)state;
	memset(big, 'x', sizeof big);
	memset(&p, 0, sizeof p);
	sg_err_clear(&e);
	assert_int_equal(D->check(&p, &e), SG_EUSAGE);
	assert_string_equal(e.msg, "delim needs a separator: -d SEP");
	p.delim = big;
	p.delim_len = 0;
	sg_err_clear(&e);
	assert_int_equal(D->check(&p, &e), SG_EUSAGE);
	assert_non_null(strstr(e.msg, "-d SEP"));
	p.delim_len = 256;
	sg_err_clear(&e);
	assert_int_equal(D->check(&p, &e), SG_EUSAGE);
	assert_non_null(strstr(e.msg, "255"));
	p.delim_len = 255;
	assert_int_equal(D->check(&p, &e), 0);
	p.delim_len = 1;
	assert_int_equal(D->check(&p, &e), 0);
	/* the chunker asks too */
	{
		sg_chunk_opts o = { .strategy = D, .size = 100 };
		sgt_stream s;

		sgt_stream_init(&s);
		sg_err_clear(&e);
		assert_null(sg_chunker_new(&o, sgt_emit, &s, &e));
		assert_int_equal(e.code, SG_EUSAGE);
		o.params.delim = big;
		o.params.delim_len = 300;
		assert_null(sg_chunker_new(&o, sgt_emit, &s, &e));
		assert_int_equal(e.code, SG_EUSAGE);
	}
	/* a state reset without a separator cuts only at the end */
	{
		dstate d;

		dopen(&d, NULL, 0);
		assert_int_equal(dfind(&d, "a\0b", 3, 4, 0, 0), 0);
		assert_int_equal(dfind(&d, "a\0b", 3, 3, 1, 0), 3);
		free(d.st);
	}
}

/* --- through the chunker ---------------------------------------------------- */

/* Reference: record ends in (from, limit] of a search that starts at
 * from, byte by byte, skipping each match whole. Writes up to cap of them
 * into ends, returns how many there are. */
static size_t
ref_ends(const unsigned char *in, size_t from, size_t limit, const unsigned char *sep,
	 size_t sn, size_t *ends, size_t cap)
{
	size_t i = from, n = 0;

	while (i + sn <= limit) {
		size_t k = 0;

		while (k < sn && in[i + k] == sep[k])
			k++;
		if (k == sn) {
			if (n < cap)
				ends[n] = i + sn;
			n++;
			i += sn;
		} else {
			i++;
		}
	}
	return n;
}

/* The reference end of the first record from off, or len. */
static size_t
ref_first_end(const unsigned char *in, size_t len, size_t off, const unsigned char *sep,
	      size_t sn)
{
	size_t e;

	return ref_ends(in, off, len, sep, sn, &e, 1) > 0 ? e : len;
}

static const char *
check_frames(const sgt_run *res, const sg_chunk_opts *o, const unsigned char *in, size_t len,
	     int drains, char *msg, size_t cap)
{
	const sgt_stream *s = &res->s;
	const unsigned char *sep = o->params.delim;
	size_t sn = o->params.delim_len, size = (size_t)o->size, i, off = 0;
	uint64_t N = o->records;
	unsigned char *inside = malloc(len + 1);
	size_t *ends = malloc(sizeof *ends * (size + 1));
	const char *bad = NULL;

#define BAD(...) do { snprintf(msg, cap, __VA_ARGS__); bad = msg; goto out; } while (0)
	assert_non_null(inside);
	assert_non_null(ends);
	sgt_ref_inside(in, len, inside);
	if (s->n < 1 || s->f[0].h.type != SG_TYPE_BEGIN)
		BAD("no BEGIN frame");
	for (i = 1; i < s->n && s->f[i].h.type == SG_TYPE_DATA; i++) {
		const sg_frame_hdr *h = &s->f[i].h;
		size_t n = h->size, end = off + n, w = len - off < size ? len - off : size;
		int over = (h->flags & SG_FLAG_OVERSIZE) != 0, tail = off < len && inside[off];
		int final = len - off <= size;
		size_t k = ref_ends(in, off, off + w, sep, sn, ends, size + 1);
		size_t recs, want;

		if (h->offset != off || h->context != 0)
			BAD("frame %zu at offset %llu context %u, want %zu", i,
			    (unsigned long long)h->offset, h->context, off);
		if (n == 0 || end > len)
			BAD("frame %zu: %zu bytes at %zu of %zu", i, n, off, len);
		if (memcmp(sgt_payload(s, i), in + off, n) != 0)
			BAD("frame %zu: payload differs from the input at %zu", i, off);
		if (h->flags & ~SG_FLAG_OVERSIZE)
			BAD("frame %zu: flags 0x%x", i, h->flags);
		if (over) {
			if (o->oversize != SG_OVERSIZE_SPLIT)
				BAD("frame %zu flagged with --oversize=%s", i,
				    sg_oversize_name(o->oversize));
			if (!tail && (k > 0 || final))
				BAD("frame %zu flagged oversize, but the %zu-byte window at %zu "
				    "holds %s", i, w, off, k ? "a record end" : "the rest");
			if (n > size)
				BAD("frame %zu: %zu bytes over --size %zu", i, n, size);
			if (!tail && !(size < 4) && end < len && inside[end])
				BAD("frame %zu: split inside a character", i);
			off = end;
			continue;
		}
		if (n > size) {
			/* --oversize=keep: exactly the first record */
			if (o->oversize != SG_OVERSIZE_KEEP || k > 0 || final)
				BAD("frame %zu: %zu bytes over --size %zu", i, n, size);
			if (end != ref_first_end(in, len, off, sep, sn))
				BAD("frame %zu: kept %zu bytes, the record is %zu", i, n,
				    ref_first_end(in, len, off, sep, sn) - off);
			off = end;
			continue;
		}
		/* a cut at a record end, and at most N records */
		recs = ref_ends(in, off, end, sep, sn, ends, size + 1);
		if (end < len && (recs == 0 || ends[recs - 1] != end))
			BAD("frame %zu ends at %zu, not at a record end", i, end);
		if (end == len && (recs == 0 || ends[recs - 1] != end))
			recs++;  /* the last record, unterminated */
		if (N > 0 && recs > N)
			BAD("frame %zu holds %zu records, -n %llu", i, recs, (unsigned long long)N);
		/* without drains, the cut the rules give */
		if (!drains) {
			if (N > 0 && k >= N)
				want = ends[N - 1];
			else if (final)
				want = len;
			else
				want = k > 0 ? ends[k - 1] : 0;
			if (end != want)
				BAD("frame %zu ends at %zu, the reference cuts at %zu (%zu ends in "
				    "the %zu-byte window)", i, end, want, k, w);
		}
		off = end;
	}
	if (res->rc != 0) {
		size_t w = len - off < size ? len - off : size;

		if (res->rc != SG_EDATA || o->oversize != SG_OVERSIZE_ERROR)
			BAD("failed: %s", res->e.msg);
		if (off >= len || len - off <= size || ref_ends(in, off, off + w, sep, sn, ends, 1) > 0)
			BAD("--oversize=error failed at %zu, but a record ends in the window: %s",
			    off, res->e.msg);
		goto out;
	}
	bad = sgt_check_whole(s, i, off, in, len, msg, cap);
out:
	free(inside);
	free(ends);
	return bad;
#undef BAD
}

static void
make_sep(sgt_rng *r, unsigned char *sep, size_t *sn)
{
	static const char *fixed[] = { "\0", "\n", "</doc>", "\r\n", "aa", "aba", "abab",
		"aab", "\xE2\x82\xAC", "\x82" };
	static const size_t flen[] = { 1, 1, 6, 2, 2, 3, 4, 3, 3, 1 };
	size_t i;

	switch (sgt_below(r, 4)) {
	case 0: case 1:
		i = (size_t)sgt_below(r, sizeof fixed / sizeof fixed[0]);
		memcpy(sep, fixed[i], flen[i]);
		*sn = flen[i];
		break;
	case 2:  /* a few bytes of a small alphabet: self-overlap likely */
		*sn = (size_t)sgt_range(r, 1, 6);
		for (i = 0; i < *sn; i++)
			sep[i] = sgt_chance(r, 70) ? 'a' : 'b';
		break;
	default: /* any bytes, up to the longest */
		*sn = sgt_chance(r, 80) ? (size_t)sgt_range(r, 1, 8) : (size_t)sgt_range(r, 9, 255);
		for (i = 0; i < *sn; i++)
			sep[i] = (unsigned char)sgt_next(r);
		break;
	}
}

static void
make_input(sgt_rng *r, size_t want, const unsigned char *sep, size_t sn, sgt_buf *b)
{
	static const char *bits[] = { "a", "b", "ab", "<doc>", "</d", "oc>", "\r", "\n",
		"\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xE2\x82", "x y z" };
	unsigned sep_pct = (unsigned)sgt_range(r, 1, 40);

	b->len = 0;
	while (b->len < want) {
		unsigned x = (unsigned)sgt_below(r, 100);

		if (x < sep_pct) {
			sgt_buf_put(b, sep, sn);
		} else if (x < sep_pct + 5 && sn > 1) {
			sgt_buf_put(b, sep, (size_t)sgt_range(r, 1, sn - 1)); /* a prefix */
		} else if (x < 97) {
			const char *bit = bits[sgt_below(r, sizeof bits / sizeof bits[0])];

			sgt_buf_put(b, bit, strlen(bit));
		} else if (x < 99) {
			sgt_buf_byte(b, (unsigned char)sgt_next(r));
		} else {
			size_t n = (size_t)sgt_range(r, 10, 3000), i;

			for (i = 0; i < n; i++)
				sgt_buf_byte(b, (unsigned char)('c' + i % 20));
		}
	}
	b->len = want;
}

static void
test_property(void **state)
{
	sgt_rng master;
	sgt_buf in = { 0 };
	unsigned it, splits = 0, kept = 0, limited = 0, at_ends = 0;

	(void)state;
	sgt_rng_init(&master, "delim_property");
	for (it = 0; it < sgt_iters(1500); it++) {
		sgt_rng r = { sgt_next(&master) };
		sg_chunk_opts o = { .strategy = D };
		unsigned char sep[255];
		size_t sn, len, x = (size_t)sgt_below(&r, 100), i;
		unsigned drain_pct = 0;
		char msg[400];
		const char *bad;
		sgt_run a, b;

		make_sep(&r, sep, &sn);
		o.params.delim = sep;
		o.params.delim_len = sn;
		sgt_len_size(&r, x, &len, &o.size);
		if (sgt_chance(&r, 40))
			o.records = sgt_chance(&r, 80) ? sgt_range(&r, 1, 5) : sgt_range(&r, 6, 1000);
		o.oversize = (int)sgt_below(&r, 3);
		make_input(&r, len, sep, sn, &in);

#define FAIL(what) fail_msg("iteration %u (%zu-byte separator, %zu bytes, --size %llu, " \
	"-n %llu, --oversize=%s, drains %u%%): %s", it, sn, len, (unsigned long long)o.size, \
	(unsigned long long)o.records, sg_oversize_name(o.oversize), drain_pct, what)
		sgt_chunk(&a, &o, NULL, in.p, len, &r, &(sgt_reads){ 0 });
		if ((bad = check_frames(&a, &o, in.p, len, 0, msg, sizeof msg)) != NULL)
			FAIL(bad);
		for (i = 1; i + 1 < a.s.n; i++) {
			splits += (a.s.f[i].h.flags & SG_FLAG_OVERSIZE) != 0;
			kept += a.s.f[i].h.size > o.size;
			at_ends += a.s.f[i].h.flags == 0 && a.s.f[i].h.size <= o.size &&
			    a.s.f[i].h.offset + a.s.f[i].h.size < len;
		}
		limited += o.records > 0 && a.rc == 0 && a.s.n > 3;
		if (sgt_chance(&r, 50))
			drain_pct = (unsigned)sgt_range(&r, 5, 95);
		sgt_chunk(&b, &o, NULL, in.p, len, &r, &(sgt_reads){ .drain_pct = drain_pct });
		if ((bad = check_frames(&b, &o, in.p, len, drain_pct > 0, msg, sizeof msg)) != NULL)
			FAIL(bad);
		if (drain_pct == 0 && !sgt_same_cuts(&a, &b, 0, NULL, 0))
			FAIL("the cuts depend on the read split");
#undef FAIL
		sgt_stream_free(&a.s);
		sgt_stream_free(&b.s);
	}
	sgt_buf_free(&in);
	printf("[   PROP   ] delim: %u cuts at record ends, %u oversize splits, %u kept "
	    "records, %u runs with -n\n", at_ends, splits, kept, limited);
	assert_true(at_ends > 0 && splits > 0 && kept > 0 && limited > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cuts),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_oversize_cut),
		cmocka_unit_test(test_property),
	};

	return cmocka_run_group_tests_name("boundary_delim", tests, NULL, NULL);
}
