/* test_boundary_paragraph.c: the paragraph strategy, its find() and
 * overlap() directly, and a property test through the chunker against a
 * slow reference of the five boundary classes written here from the rules
 * in boundary_paragraph.c.
 */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boundary.h"
#include "chunker.h"
#include "utf8.h"

static const sg_boundary_ops *const P = &sg_boundary_paragraph;

/* --- find() directly ------------------------------------------------------ */

/* A fresh per-source state. */
static void *
fresh(void)
{
	void *st = calloc(1, P->state_size ? P->state_size : 1);

	assert_non_null(st);
	if (P->reset != NULL)
		P->reset(st, NULL);
	return st;
}

/* find on the window text[0..w), with all of text readable. */
static size_t
cut_at(const char *text, size_t w, int eof)
{
	void *st = fresh();
	size_t r = P->find(st, (const unsigned char *)text, w, strlen(text), eof, 0);

	free(st);
	return r;
}

/* A full window: text[0..w) and lookahead to the end of text. */
#define FULL(text, w, want) do { \
	size_t got_ = cut_at(text, w, 0); \
	if (got_ != (size_t)(want)) \
		fail_msg("full window %zu of \"%s\": cut %zu, want %zu", (size_t)(w), text, \
		    got_, (size_t)(want)); \
} while (0)

/* A drain: the window is all that is held, no eof. */
#define DRAIN(text, want) do { \
	size_t got_ = cut_at(text, strlen(text), 0); \
	if (got_ != (size_t)(want)) \
		fail_msg("drain of \"%s\": cut %zu, want %zu", text, got_, (size_t)(want)); \
} while (0)

static void
test_classes(void **state)
{
	(void)state;
	assert_string_equal(P->name, "paragraph");
	assert_ptr_equal(sg_boundary_lookup("paragraph"), P);
	assert_int_equal(P->has_records, 0);
	assert_int_equal(P->part, SG_PART_NONE);
	assert_int_equal(P->options, SG_BOPT_OVERLAP);
	assert_non_null(P->overlap);
	assert_non_null(strstr(P->summary, "blank line"));

	/* 1. blank line beats every later class, and the last one wins */
	FULL("aa\n\nbb\ncc. dd ee....", 16, 4);
	FULL("a\n\nb\n\nc\nd e f....", 13, 6);
	FULL("a\n\n\n\nb c....", 8, 5);
	/* CRLF blank lines, and lines of blanks only */
	FULL("a\r\n\r\nb\r\nc d....", 11, 5);
	FULL("a\n \t\r\nb\nc d....", 11, 6);
	FULL("a\n\f\v\nb\nc d....", 10, 5);
	/* a line with anything else in it is not blank */
	FULL("a\n x\nb\nc....", 8, 7);
	FULL("a\n\xC2\xA0\nb c....", 7, 5);  /* NBSP is not a blank */
	/* the blank line must follow an LF of the window: its start is unknown */
	FULL("  \nabc\nd....", 8, 7);
	FULL("\nabc\nd....", 6, 5);
	FULL("\n\nabc\nd....", 7, 2);
	/* a blank line that ends exactly at the window end */
	FULL("x y\n\n....", 5, 5);

	/* 2. newline: the last one, over sentence ends and spaces after it */
	FULL("ab\ncd. ef\ngh. ij kl....", 17, 10);
	FULL("ab. cd\nef gh....", 12, 7);
	FULL("\nabc....", 4, 1);

	/* 3. sentence end: terminator, then a space, tab or LF in the window */
	FULL("one. two three....", 14, 5);
	FULL("Hi! You? Me. ok xx....", 18, 13);
	FULL("a.\tb c....", 6, 3);
	FULL("3.14 is pi....", 10, 8);          /* "3.14" is no sentence end */
	FULL("e.g.x y....", 7, 6);
	FULL("a. b.. c?! d....", 12, 11);
	/* the whitespace must be inside the window */
	FULL("a b.  c....", 4, 2);
	FULL("a b. c....", 5, 5);
	/* CJK terminators end a sentence by themselves, or with one space */
	FULL("\xE4\xBD\xA0\xE5\xA5\xBD\xE3\x80\x82\xE4\xB8\x96\xE7\x95\x8C....", 15, 9);
	FULL("\xE5\xA5\xBD\xEF\xBC\x81\xE4\xB8\x96....", 9, 6);
	FULL("\xE5\xA5\xBD\xEF\xBC\x9F\xE4\xB8\x96....", 9, 6);
	FULL("\xE5\xA5\xBD\xE3\x80\x82 \xE4\xB8\x96....", 10, 7);
	FULL("\xE5\xA5\xBD\xE3\x80\x82\t\xE4\xB8\x96 x....", 12, 7);
	FULL("a b\xE3\x80\x82....", 6, 6);       /* at the window end */
	FULL("a b\xE3\x80\x82....", 5, 2);       /* cut through: a space, then */
	FULL("x\xE3\x80\x82y z\xEF\xBC\x81 w....", 13, 11); /* the last one wins */
	/* look-alikes: other full-width signs, stray bytes of a terminator */
	FULL("\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96 x....", 11, 10); /* U+FF0C comma */
	FULL("a \x80\x82 x....", 6, 5);

	/* 4. space or tab: the last one */
	FULL("ab cd\tef gh....", 11, 9);
	FULL("ab cd\tefgh....", 10, 6);
	FULL("ab\rcd ef\r....", 9, 6);            /* CR alone is no boundary */

	/* 5. a character boundary, invalid bytes one at a time */
	FULL("abcdefgh....", 5, 5);
	FULL("ab\xE2\x82\xAC" "cd....", 4, 2);    /* the euro straddles the end */
	FULL("ab\xE2\x82\xAC" "cd....", 5, 5);
	FULL("ab\xE2\x82zz....", 4, 4);           /* not a character: cut anyway */
	FULL("abc\xE2\x82\xAC....", 4, 3);
	FULL("\xF0\x9F\x98\x80\xF0\x9F\x98\x80....", 6, 4);
	FULL("\xFF\xFE\xC0\xAF....", 3, 3);
	/* a window shorter than its first character: no cut */
	FULL("\xF0\x9F\x98\x80....", 2, 0);
	FULL("\xE2\x82\xAC....", 1, 0);
	{
		/* a window of one long word */
		char word[300];

		memset(word, 'w', sizeof word - 1);
		word[sizeof word - 1] = '\0';
		FULL(word, 200, 200);
	}
}

static void
test_end_and_drain(void **state)
{
	(void)state;
	/* at the end of input the window ends there */
	assert_int_equal(cut_at("abc def", 7, 1), 7);
	assert_int_equal(cut_at("a\n\nb", 4, 1), 4);
	assert_int_equal(cut_at("a\xE2\x82", 3, 1), 3);
	/* eof but more than a window held: a full window */
	assert_int_equal(cut_at("abc defgh", 5, 1), 4);
	assert_int_equal(cut_at("abcdefgh", 5, 1), 5);
	assert_int_equal(cut_at("abcd\xE2\x82", 5, 1), 5);  /* invalid at the end */
	assert_int_equal(cut_at("abcd\xE2\x82\xAC", 5, 1), 4);

	/* a drain cuts at classes 1-4 only, never inside a word */
	DRAIN("abc def", 4);
	DRAIN("abcdef", 0);
	DRAIN("ab\xE2\x82\xAC", 0);
	DRAIN("abc\ndef", 4);
	DRAIN("ab. cd ef", 4);
	DRAIN("a\n\nb\nc d", 3);
	DRAIN("a\r\n\r\nb\nc d", 5);
	DRAIN("\xE5\xA5\xBD\xE3\x80\x82\xE4\xB8\x96", 6);
	DRAIN("  \nabc", 3);

	/* the --oversize=keep query: one character */
	{
		void *st = fresh();
		const unsigned char *t = (const unsigned char *)"\xF0\x9F\x98\x80" "abc";

		assert_int_equal(P->find(st, t, 7, 7, 0, 1), 4);
		assert_int_equal(P->find(st, t, 7, 7, 0, 2), 5);
		assert_int_equal(P->find(st, t, 3, 3, 0, 1), 0);
		assert_int_equal(P->find(st, t, 3, 3, 1, 1), 3);
		free(st);
	}
}

/* Drains on a growing window, with the cached scan, give what a fresh
 * state gives, also after cuts. */
static void
test_drain_cache(void **state)
{
	static const char *bits[] = {
		"word", " ", "\t", "\n", "\r\n", "\n\n", "\n \n", ". ", "!", "?\t",
		"\xE3\x80\x82", "\xEF\xBC\x81", "\xE2\x82\xAC", "\xE3\x80", "\x82", "x",
	};
	sgt_rng r;
	unsigned it;

	(void)state;
	sgt_rng_init(&r, "paragraph_drain_cache");
	for (it = 0; it < sgt_iters(300); it++) {
		sgt_buf t = { 0 };
		void *st = fresh(), *st2;
		size_t base = 0, len;

		while (t.len < 400) {
			const char *b = bits[sgt_below(&r, sizeof bits / sizeof bits[0])];

			sgt_buf_put(&t, b, strlen(b));
		}
		for (len = 1; base + len <= t.len; len++) {
			size_t a, want;

			a = P->find(st, t.p + base, len, len, 0, 0);
			st2 = fresh();
			want = P->find(st2, t.p + base, len, len, 0, 0);
			free(st2);
			if (a != want)
				fail_msg("iteration %u: drain at %zu+%zu: cached %zu, fresh %zu",
				    it, base, len, a, want);
			if (a > 0 && sgt_chance(&r, 30)) {
				P->consumed(st, a);
				base += a;
				len = 0;
			}
		}
		free(st);
		sgt_buf_free(&t);
	}
}

/* --- overlap() ---------------------------------------------------------- */

static size_t
ovl(const char *s, size_t max)
{
	return P->overlap((const unsigned char *)s, strlen(s), max);
}

static void
test_overlap(void **state)
{
	(void)state;
	assert_int_equal(ovl("hello big world", 0), 0);
	assert_int_equal(ovl("", 5), 0);
	/* the longest tail that starts a word */
	assert_int_equal(ovl("hello big world", 8), 5);     /* "world" */
	assert_int_equal(ovl("hello big world", 10), 9);    /* "big world" */
	assert_int_equal(ovl("hello big world", 9), 9);    /* starts just after the space */
	assert_int_equal(ovl("hello big world", 100), 9);   /* not the whole chunk */
	assert_int_equal(ovl("one\ntwo", 4), 3);
	assert_int_equal(ovl("one\ttwo", 4), 3);
	assert_int_equal(ovl("ab cd ", 4), 3);              /* "cd " */
	/* no word start: the longest tail that starts a character */
	assert_int_equal(ovl("abcdef ", 3), 3);
	assert_int_equal(ovl("abcdefgh", 3), 3);
	assert_int_equal(ovl("abc", 10), 3);
	assert_int_equal(ovl("ab\xE2\x82\xAC\xE2\x82\xAC", 4), 3);
	assert_int_equal(ovl("ab\xE2\x82\xAC\xE2\x82\xAC", 5), 3);
	assert_int_equal(ovl("ab\xE2\x82\xAC\xE2\x82\xAC", 6), 6);
	assert_int_equal(ovl("a\xE2\x82\xAC", 2), 0);        /* only inside the euro */
	assert_int_equal(ovl("a\xF0\x9F\x98\x80", 3), 0);
	assert_int_equal(ovl("a\xF0\x9F\x98\x80", 4), 4);
	/* invalid bytes are units of one */
	assert_int_equal(ovl("ab\x80\x80", 2), 2);
	assert_int_equal(ovl("ab\xC0\xAF", 1), 1);
	assert_int_equal(ovl("ab\xE2\x82z", 2), 2);
	/* a character the chunk end cut short may continue: not started */
	assert_int_equal(ovl("ab\xE2\x82", 1), 0);
	/* a word start beats a longer character start; never above max */
	assert_int_equal(ovl("\xE2\x82\xAC" "a b", 5), 1);
	{
		sgt_rng r;
		unsigned it;

		sgt_rng_init(&r, "paragraph_overlap_bounds");
		for (it = 0; it < sgt_iters(20000); it++) {
			unsigned char b[24];
			unsigned char inside[25];
			size_t n = (size_t)sgt_range(&r, 0, sizeof b), max = (size_t)sgt_range(&r, 0, 30);
			size_t i, k;

			for (i = 0; i < n; i++)
				b[i] = sgt_chance(&r, 30) ? ' ' : (unsigned char)sgt_next(&r);
			k = P->overlap(b, n, max);
			sgt_ref_inside(b, n, inside);
			assert_true(k <= max && k <= n);
			if (k > 0)
				assert_false(inside[n - k]);
			if (max > 0 && n > 0 && k == 0)
				for (i = n - (max < n ? max : n); i < n; i++)
					if (b[i] < 0x80)
						fail_msg("overlap 0 though byte %zu is ASCII", i);
		}
	}
}

/* --- through the chunker ---------------------------------------------------- */

static int
blank(unsigned char b)
{
	return memchr(" \t\r\f\v", b, 5) != NULL;
}

static int
ws(unsigned char b)
{
	return b == ' ' || b == '\t' || b == '\n';
}

static int
fullwidth_end(const unsigned char *w, size_t p)
{
	static const unsigned char t[3][3] = {
		{ 0xE3, 0x80, 0x82 }, { 0xEF, 0xBC, 0x81 }, { 0xEF, 0xBC, 0x9F },
	};
	int k;

	for (k = 0; k < 3; k++)
		if (p >= 3 && memcmp(w + p - 3, t[k], 3) == 0)
			return 1;
	return 0;
}

/* Reference: the class (1-5) of cut p in 1..n of the window w[0..n), or 0
 * when p is none; inside says which positions (relative to w) are inside
 * a character of the whole input. */
static int
ref_class(const unsigned char *w, size_t p, const unsigned char *inside)
{
	size_t q;

	if (w[p - 1] == '\n') {
		for (q = p - 1; q-- > 0;) {
			if (w[q] == '\n')
				return 1;
			if (!blank(w[q]))
				break;
		}
		return 2;
	}
	if (p >= 2 && ws(w[p - 1]) && memchr(".!?", w[p - 2], 3) != NULL)
		return 3;
	if (fullwidth_end(w, p) || (ws(w[p - 1]) && fullwidth_end(w, p - 1)))
		return 3;
	if (w[p - 1] == ' ' || w[p - 1] == '\t')
		return 4;
	return inside[p] ? 0 : 5;
}

/* The reference cut of a full window: the last cut of the best class. */
static size_t
ref_best(const unsigned char *w, size_t n, const unsigned char *inside, int *cls)
{
	size_t p, best = 0;
	int bc = 6;

	for (p = 1; p <= n; p++) {
		int c = ref_class(w, p, inside);

		if (c > 0 && c <= bc) {
			bc = c;
			best = p;
		}
	}
	*cls = best ? bc : 0;
	return best;
}

/* Reference overlap of the chunk c[0..n): the chunk parsed on its own; a
 * valid start of a character cut short by n counts as one. */
static size_t
ref_overlap(const unsigned char *c, size_t n, size_t max)
{
	size_t m = max < n ? max : n, s, i = 0;
	unsigned char *in = calloc(n + 1, 1);
	size_t r = 0;

	assert_non_null(in);
	while (i < n) {
		int u = sgt_ref_char(c, n, i);
		size_t k, end = u == 0 ? n : i + (size_t)(u > 1 ? u : 1);

		for (k = i + 1; k < end; k++)
			in[k] = 1;
		i = end;
	}
	if (m > 0) {
		for (s = n - m; s < n && r == 0; s++)
			if (s > 0 && ws(c[s - 1]))
				r = n - s;
		for (s = n - m; s < n && r == 0; s++)
			if (!in[s])
				r = n - s;
	}
	free(in);
	return r;
}

static const char *const sentence_ends[] = {
	". ", "! ", "? ", ".\t", ".\n", ".", "...", "\xE3\x80\x82", "\xEF\xBC\x81",
	"\xEF\xBC\x9F", "\xE3\x80\x82 ", "3.14",
};
static const char *const blank_lines[] = {
	"\n\n", "\r\n\r\n", "\n \n", "\n\t\r\n", "\n\n\n", " \n \n", "\n\f\n",
};
static const char *const chars[] = {
	"\xC3\xA9", "\xE2\x82\xAC", "\xE4\xBD\xA0", "\xE5\xA5\xBD", "\xF0\x9F\x98\x80",
	"\xF4\x8F\xBF\xBF", "\xC2\xA0", "\xEF\xBC\x8C",
};
static const char *const invalid[] = {
	"\x80", "\xFF", "\xC0\xAF", "\xE2\x82", "\xF0\x9D\x84", "\xED\xA0\x80", "\xE3\x80",
	"\xEF\xBC", "\x82",
};

enum { G_WORD, G_SPACE, G_END, G_LF, G_CRLF, G_BLANK, G_CHAR, G_INVALID, G_LONG,
	G_RANDOM, G_N };
static const char *const profile_names[] = {
	"prose", "cjk", "one-line", "long-words", "hostile", "blank-heavy",
};
static const unsigned profiles[][G_N] = {
	/* word space end  lf crlf blank char inv long rand */
	{  40,   30,   8,   6,  1,   2,    3,   0,  0,   0 },  /* prose */
	{   5,    2,  10,   3,  0,   1,   60,   2,  0,   0 },  /* cjk */
	{  40,   30,  10,   0,  0,   0,    5,   2,  0,   0 },  /* one-line */
	{  10,    5,   2,   1,  0,   1,    5,   2,  3,   0 },  /* long-words */
	{  10,    5,   3,   3,  2,   2,   10,  20,  1,  30 },  /* hostile */
	{  20,   10,   5,   5,  5,  20,    5,   1,  0,   1 },  /* blank-heavy */
};
#define NPROFILES (sizeof profiles / sizeof profiles[0])
#define PICK(r, a) (a)[sgt_below(r, sizeof(a) / sizeof((a)[0]))]

static void
make_text(sgt_rng *r, size_t want, unsigned prof, sgt_buf *b)
{
	unsigned total = 0, k;

	for (k = 0; k < G_N; k++)
		total += profiles[prof][k];
	b->len = 0;
	while (b->len < want) {
		unsigned x = (unsigned)sgt_below(r, total);
		size_t n, i;

		for (k = 0; x >= profiles[prof][k]; k++)
			x -= profiles[prof][k];
		switch (k) {
		case G_WORD:
			n = (size_t)sgt_range(r, 1, 10);
			for (i = 0; i < n; i++)
				sgt_buf_byte(b, (unsigned char)('a' + sgt_below(r, 26)));
			break;
		case G_SPACE: sgt_buf_byte(b, sgt_chance(r, 90) ? ' ' : '\t'); break;
		case G_END: sgt_buf_str(b, PICK(r, sentence_ends)); break;
		case G_LF: sgt_buf_byte(b, '\n'); break;
		case G_CRLF: sgt_buf_str(b, "\r\n"); break;
		case G_BLANK: sgt_buf_str(b, PICK(r, blank_lines)); break;
		case G_CHAR: sgt_buf_str(b, PICK(r, chars)); break;
		case G_INVALID: sgt_buf_str(b, PICK(r, invalid)); break;
		case G_LONG:
			n = (size_t)sgt_range(r, 50, 3000);
			for (i = 0; i < n; i++)
				sgt_buf_byte(b, (unsigned char)('A' + i % 26));
			break;
		default: sgt_buf_byte(b, (unsigned char)sgt_next(r)); break;
		}
	}
	b->len = want;
}

/* One run's frames against the rules. Returns NULL or what broke. */
static const char *
check_frames(const sgt_run *res, const sg_chunk_opts *o, const unsigned char *in, size_t len,
	     const unsigned char *inside, int drains, char *msg, size_t cap)
{
	const sgt_stream *s = &res->s;
	size_t i, off = 0, prev_off = 0, prev_n = 0, size = (size_t)o->size;
	int have_prev = 0;

#define BAD(...) do { snprintf(msg, cap, __VA_ARGS__); return msg; } while (0)
	if (s->n < 1 || s->f[0].h.type != SG_TYPE_BEGIN)
		BAD("no BEGIN frame");
	for (i = 1; i < s->n && s->f[i].h.type == SG_TYPE_DATA; i++) {
		const sg_frame_hdr *h = &s->f[i].h;
		const unsigned char *pl = sgt_payload(s, i);
		size_t ctx = h->context, n = h->size - ctx, end = off + n, w;
		size_t want_ctx = have_prev ? ref_overlap(in + prev_off, prev_n, (size_t)o->overlap) : 0;
		int over = (h->flags & SG_FLAG_OVERSIZE) != 0, tail = off < len && inside[off];

		if (h->offset != off)
			BAD("frame %zu at offset %llu, want %zu", i, (unsigned long long)h->offset, off);
		if (n == 0 || end > len)
			BAD("frame %zu: %zu new bytes at %zu of %zu", i, n, off, len);
		if (memcmp(pl + ctx, in + off, n) != 0)
			BAD("frame %zu: payload differs from the input at %zu", i, off);
		/* the overlap: the reference tail of the previous chunk, marked */
		if (ctx != want_ctx)
			BAD("frame %zu: context %zu, reference overlap %zu", i, ctx, want_ctx);
		if (ctx > 0 && memcmp(pl, in + off - ctx, ctx) != 0)
			BAD("frame %zu: context is not the previous chunk's tail", i);
		if (((h->flags & SG_FLAG_OVERLAP) != 0) != (ctx > 0))
			BAD("frame %zu: flags 0x%x with context %zu", i, h->flags, ctx);
		if (h->flags & ~(SG_FLAG_OVERSIZE | SG_FLAG_OVERLAP))
			BAD("frame %zu: flags 0x%x", i, h->flags);
		w = size - ctx < len - off ? size - ctx : len - off;
		/* size: over only as one character kept whole */
		if (h->size > size) {
			int u = sgt_ref_char(in, len, off);

			if (o->oversize != SG_OVERSIZE_KEEP || over || u < 2 || (size_t)u != n)
				BAD("frame %zu: %u bytes over --size %zu", i, h->size, size);
		}
		if (over) {
			int u = sgt_ref_char(in, len, off);

			if (o->oversize != SG_OVERSIZE_SPLIT)
				BAD("frame %zu flagged oversize with --oversize=%s", i,
				    sg_oversize_name(o->oversize));
			if (!tail && (u < 2 || (size_t)u <= size - ctx))
				BAD("frame %zu flagged oversize, but its first unit fits the "
				    "%zu-byte window", i, size - ctx);
		} else if (end < len && inside[end]) {
			BAD("frame %zu ends at %zu inside a character", i, end);
		}
		/* the class of the cut */
		if (!over && !tail && end < len && h->size <= size) {
			int c, want_c;
			size_t best = ref_best(in + off, w, inside + off, &want_c);

			c = ref_class(in + off, n, inside + off);
			if (!drains && n != best)
				BAD("frame %zu: cut at %zu (class %d), the reference cuts at %zu "
				    "(class %d) in the %zu-byte window", i, n, c, best, want_c, w);
			if (drains && (c == 0 || (c == 5 && want_c < 5)))
				BAD("frame %zu: drained cut at %zu of class %d, where the window "
				    "had class %d", i, n, c, want_c);
			/* a character cut only in a full window (no waiting word) */
			if (drains && c == 5 && n + 3 < size - ctx)
				BAD("frame %zu: cut at %zu inside a word of a %zu-byte window "
				    "that was not full", i, n, size - ctx);
		}
		if (!drains && !over && !tail && end == len && h->size <= size && w < len - off)
			BAD("frame %zu takes the rest though the window is %zu bytes", i, w);
		prev_off = off;
		prev_n = n;
		have_prev = 1;
		off = end;
	}
	if (res->rc != 0) {
		size_t ctx = have_prev ? ref_overlap(in + prev_off, prev_n, (size_t)o->overlap) : 0;
		int u = sgt_ref_char(in, len, off);

		if (res->rc != SG_EDATA || o->oversize != SG_OVERSIZE_ERROR)
			BAD("failed: %s", res->e.msg);
		if (off >= len || u < 2 || (size_t)u <= size - ctx)
			BAD("--oversize=error failed at %zu, where a unit fits: %s", off, res->e.msg);
		return NULL;
	}
	return sgt_check_whole(s, i, off, in, len, msg, cap);
#undef BAD
}

static void
test_property(void **state)
{
	sgt_rng master;
	sgt_buf in = { 0 };
	unsigned it, classes[6] = { 0 };

	(void)state;
	sgt_rng_init(&master, "paragraph_property");
	for (it = 0; it < sgt_iters(1500); it++) {
		sgt_rng r = { sgt_next(&master) };
		sg_chunk_opts o = { .strategy = P };
		unsigned prof = (unsigned)sgt_below(&r, NPROFILES), drain_pct = 0;
		size_t len, x = (size_t)sgt_below(&r, 100), i;
		unsigned char *inside;
		char msg[400];
		const char *bad;
		sgt_run a, b;

		sgt_len_size(&r, x, &len, &o.size);
		if (sgt_chance(&r, 50) && o.size >= 2)
			o.overlap = sgt_range(&r, 1, o.size / 2);
		o.oversize = (int)sgt_below(&r, 3);
		make_text(&r, len, prof, &in);
		inside = malloc(len + 1);
		assert_non_null(inside);
		sgt_ref_inside(in.p, len, inside);

		sgt_chunk(&a, &o, NULL, in.p, len, &r, &(sgt_reads){ 0 });
		if ((bad = check_frames(&a, &o, in.p, len, inside, 0, msg, sizeof msg)) != NULL)
			fail_msg("iteration %u (%s, %zu bytes, --size %llu, --overlap %llu, "
			    "--oversize=%s): %s", it, profile_names[prof], len,
			    (unsigned long long)o.size, (unsigned long long)o.overlap,
			    sg_oversize_name(o.oversize), bad);
		for (i = 1; i + 1 < a.s.n; i++) {
			int c;
			size_t off = a.s.f[i].h.offset, n = a.s.f[i].h.size - a.s.f[i].h.context;

			if (off + n < len && !inside[off] && !(a.s.f[i].h.flags & SG_FLAG_OVERSIZE)) {
				c = ref_class(in.p + off, n, inside + off);
				classes[c]++;
			}
		}
		if (sgt_chance(&r, 50))
			drain_pct = (unsigned)sgt_range(&r, 5, 95);
		sgt_chunk(&b, &o, NULL, in.p, len, &r, &(sgt_reads){ .drain_pct = drain_pct });
		if ((bad = check_frames(&b, &o, in.p, len, inside, drain_pct > 0, msg,
		    sizeof msg)) != NULL)
			fail_msg("iteration %u (%s, %zu bytes, --size %llu, --overlap %llu, "
			    "--oversize=%s, drains %u%%): %s", it, profile_names[prof], len,
			    (unsigned long long)o.size, (unsigned long long)o.overlap,
			    sg_oversize_name(o.oversize), drain_pct, bad);
		if (drain_pct == 0 && !sgt_same_cuts(&a, &b, 1, NULL, 0))
			fail_msg("iteration %u (%s, %zu bytes, --size %llu): the cuts depend on "
			    "the read split", it, profile_names[prof], len,
			    (unsigned long long)o.size);
		sgt_stream_free(&a.s);
		sgt_stream_free(&b.s);
		free(inside);
	}
	sgt_buf_free(&in);
	printf("[   PROP   ] paragraph cuts by class: blank line %u, newline %u, sentence %u, "
	    "space %u, character %u\n", classes[1], classes[2], classes[3], classes[4], classes[5]);
	/* every class was exercised */
	for (it = 1; it <= 5; it++)
		assert_true(classes[it] > 0);
}

/* Live text is not cut inside a word while waiting for the rest. */
static void
test_drain_through_chunker(void **state)
{
	static const char *pieces[] = { "Hello wor", "ld. How", " are", "\n\nyou" };
	static const char *want[] = { "Hello ", "world. ", "How ", "are\n\n" };
	sg_chunk_opts o = { .strategy = P, .size = 1024 };
	sgt_stream s;
	sg_chunker *c;
	sg_meta m;
	sg_err e;
	size_t i, got = 1;

	(void)state;
	sgt_stream_init(&s);
	sg_err_clear(&e);
	assert_non_null(c = sg_chunker_new(&o, sgt_emit, &s, &e));
	sg_meta_clear(&m);
	assert_int_equal(sg_chunker_begin(c, &m, &e), 0);
	for (i = 0; i < 4; i++) {
		unsigned char *sp;
		size_t n = strlen(pieces[i]);

		assert_true(sg_chunker_space(c, &sp) >= n);
		memcpy(sp, pieces[i], n);
		assert_int_equal(sg_chunker_commit(c, n, &e), 0);
		assert_int_equal(sg_chunker_drain(c, &e), 0);
		assert_int_equal(s.n, got + 1);
		assert_int_equal(s.f[got].h.size, strlen(want[i]));
		assert_memory_equal(sgt_payload(&s, got), want[i], strlen(want[i]));
		got++;
	}
	assert_int_equal(sg_chunker_end(c, 1, &e), 0);
	assert_int_equal(s.f[got].h.size, 3); /* "you" */
	sg_chunker_free(c);
	sgt_stream_free(&s);
}

/* --records does not apply; --overlap does. */
static void
test_options(void **state)
{
	sgt_stream s;
	sg_chunker *c;
	sg_err e;

	(void)state;
	sgt_stream_init(&s);
	{
		sg_chunk_opts o = { .strategy = P, .size = 100, .records = 1 };

		assert_null(sg_chunker_new(&o, sgt_emit, &s, &e));
		assert_int_equal(e.code, SG_EUSAGE);
	}
	{
		sg_chunk_opts o = { .strategy = P, .size = 100, .overlap = 50 };

		assert_non_null(c = sg_chunker_new(&o, sgt_emit, &s, &e));
		sg_chunker_free(c);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_end_and_drain),
		cmocka_unit_test(test_drain_cache),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_drain_through_chunker),
		cmocka_unit_test(test_property),
	};

	return cmocka_run_group_tests_name("boundary_paragraph", tests, NULL, NULL);
}
