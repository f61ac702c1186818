/* test_utf8.c: sg_utf8_unit and sg_utf8_cut against the RFC 3629 reference
 * decoder in sgtest.c, exhaustively on short strings over the bytes where
 * the grammar changes, and on random buffers. */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Every byte at which a range of the RFC 3629 grammar starts or ends. */
static const unsigned char alphabet[] = {
	0x00, 0x0A, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1,
	0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4,
	0xF5, 0xFF,
};
#define NALPHA (sizeof alphabet / sizeof alphabet[0])

/* What sg_utf8_unit must return for buf[0..len), from the reference. */
static size_t
ref_unit(const unsigned char *buf, size_t len)
{
	int c;

	if (len == 0)
		return 0;
	c = sgt_ref_char(buf, len, 0);
	return c < 0 ? 1 : (size_t)c;
}

/* What sg_utf8_cut must return: at eof, len; otherwise the start of a
 * character cut short by len if there is one, else len. Units are walked
 * from buf[0] with the reference decoder. */
static size_t
ref_cut(const unsigned char *buf, size_t len, int eof)
{
	size_t i = 0;

	if (eof)
		return len;
	while (i < len) {
		int c = sgt_ref_char(buf, len, i);

		if (c == 0)
			return i;
		i += c < 0 ? 1 : (size_t)c;
	}
	return len;
}

/* Whether buf[0..len) is all complete valid characters, by the reference. */
static int
ref_valid(const unsigned char *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		int c = sgt_ref_char(buf, len, i);

		if (c < 1)
			return 0;
		i += (size_t)c;
	}
	return 1;
}

static void
check_valid(const unsigned char *buf, size_t len)
{
	int got = sg_utf8_valid(buf, len), want = ref_valid(buf, len);

	if ((got != 0) != want) {
		char hex[3 * 64 + 1] = "";
		size_t k;

		for (k = 0; k < len && k < 64; k++)
			snprintf(hex + 3 * k, sizeof hex - 3 * k, " %02X", buf[k]);
		fail_msg("sg_utf8_valid(%s%s ) = %d, reference %d", hex, len > 64 ? " ..." : "",
		    got, want);
	}
}

/* The cut must also be a safe place in the sense of utf8.h: not inside a
 * complete character of buf[0..len), and at len only if no character
 * could continue past it. */
static void
check_one(const unsigned char *buf, size_t len)
{
	unsigned char inside[8];
	int eof;

	if (sg_utf8_unit(buf, len) != ref_unit(buf, len)) {
		char hex[64] = "";
		size_t k;

		for (k = 0; k < len; k++)
			snprintf(hex + strlen(hex), sizeof hex - strlen(hex), " %02X", buf[k]);
		fail_msg("sg_utf8_unit(%s ) = %zu, reference %zu", hex,
		    sg_utf8_unit(buf, len), ref_unit(buf, len));
	}
	check_valid(buf, len);
	sgt_ref_inside(buf, len, inside);
	for (eof = 0; eof <= 1; eof++) {
		size_t got = sg_utf8_cut(buf, len, eof), want = ref_cut(buf, len, eof);

		if (got != want || inside[got]) {
			char hex[64] = "";
			size_t k;

			for (k = 0; k < len; k++)
				snprintf(hex + strlen(hex), sizeof hex - strlen(hex),
				    " %02X", buf[k]);
			fail_msg("sg_utf8_cut(%s , eof=%d) = %zu, reference %zu", hex, eof,
			    got, want);
		}
	}
}

/* The reference itself, on strings whose status is known by heart. */
static void
test_reference_sanity(void **state)
{
	static const struct { const char *s; int len0; } known[] = {
		{ "A", 1 }, { "\x7F", 1 }, { "\xC3\xA9", 2 }, { "\xE2\x82\xAC", 3 },
		{ "\xF0\x9D\x84\x9E", 4 }, { "\xF4\x8F\xBF\xBF", 4 },
		{ "\xEF\xBF\xBF", 3 }, { "\xED\x9F\xBF", 3 }, { "\xE0\xA0\x80", 3 },
		{ "\xC2\x80", 2 }, { "\xF0\x90\x80\x80", 4 },
		/* invalid: continuation, overlongs, surrogates, > U+10FFFF */
		{ "\x80", -1 }, { "\xBF", -1 }, { "\xC0\x80", -1 }, { "\xC1\xBF", -1 },
		{ "\xE0\x80\x80", -1 }, { "\xE0\x9F\xBF", -1 }, { "\xED\xA0\x80", -1 },
		{ "\xED\xBF\xBF", -1 }, { "\xF0\x80\x80\x80", -1 },
		{ "\xF0\x8F\xBF\xBF", -1 }, { "\xF4\x90\x80\x80", -1 },
		{ "\xF5\x80\x80\x80", -1 }, { "\xFF", -1 }, { "\xC3\x41", -1 },
		/* valid prefixes cut short */
		{ "\xC3", 0 }, { "\xE2\x82", 0 }, { "\xF0\x9D\x84", 0 }, { "\xF4", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof known / sizeof known[0]; i++) {
		const unsigned char *p = (const unsigned char *)known[i].s;

		assert_int_equal(sgt_ref_char(p, strlen(known[i].s), 0), known[i].len0);
	}
}

static void
test_unit_literals(void **state)
{
	(void)state;
	assert_int_equal(sg_utf8_unit((const unsigned char *)"", 0), 0);
	assert_int_equal(sg_utf8_unit((const unsigned char *)"ab", 2), 1);
	assert_int_equal(sg_utf8_unit((const unsigned char *)"\xC3\xA9x", 3), 2);
	assert_int_equal(sg_utf8_unit((const unsigned char *)"\xE2\x82\xAC", 3), 3);
	assert_int_equal(sg_utf8_unit((const unsigned char *)"\xF0\x9F\x98\x80", 4), 4);
	assert_int_equal(sg_utf8_unit((const unsigned char *)"\xF0\x9F\x98", 3), 0);
	assert_int_equal(sg_utf8_unit((const unsigned char *)"\xED\xA0\x80", 3), 1);
	assert_int_equal(sg_utf8_unit((const unsigned char *)"\xC0\xAF", 2), 1);
	assert_int_equal(sg_utf8_cut((const unsigned char *)"ab\xE2\x82", 4, 0), 2);
	assert_int_equal(sg_utf8_cut((const unsigned char *)"ab\xE2\x82", 4, 1), 4);
	assert_int_equal(sg_utf8_cut((const unsigned char *)"ab\xE2\x82\xAC", 5, 0), 5);
	assert_int_equal(sg_utf8_cut((const unsigned char *)"\xF0\x9F\x98", 3, 0), 0);
	assert_int_equal(sg_utf8_cut((const unsigned char *)"", 0, 0), 0);
}

/* All strings of length 0..4 over the alphabet (26^4 = 456976 of length 4). */
static void
test_exhaustive(void **state)
{
	unsigned char buf[4];
	size_t len, idx, total;

	(void)state;
	for (len = 0; len <= 4; len++) {
		total = 1;
		for (idx = 0; idx < len; idx++)
			total *= NALPHA;
		for (idx = 0; idx < total; idx++) {
			size_t k, x = idx;

			for (k = 0; k < len; k++) {
				buf[k] = alphabet[x % NALPHA];
				x /= NALPHA;
			}
			check_one(buf, len);
		}
	}
}

/* Every 1- and 2-byte string over all 256 byte values. */
static void
test_exhaustive_bytes(void **state)
{
	unsigned char buf[3];
	unsigned a, b, c;

	(void)state;
	for (a = 0; a < 256; a++) {
		buf[0] = (unsigned char)a;
		check_one(buf, 1);
		for (b = 0; b < 256; b++) {
			buf[1] = (unsigned char)b;
			check_one(buf, 2);
		}
	}
	/* every lead byte with every second byte and a few third bytes */
	for (a = 0xC0; a < 256; a++) {
		for (b = 0x70; b < 0xD0; b++) {
			static const unsigned char thirds[] = { 0x41, 0x7F, 0x80, 0xBF, 0xC0 };

			for (c = 0; c < sizeof thirds; c++) {
				buf[0] = (unsigned char)a;
				buf[1] = (unsigned char)b;
				buf[2] = thirds[c];
				check_one(buf, 3);
			}
		}
	}
}

/* Random buffers biased towards multi-byte characters and near-misses. */
static void
fill_random(sgt_rng *r, unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		switch (sgt_below(r, 6)) {
		case 0:
			p[i++] = (unsigned char)sgt_next(r);
			break;
		case 1:
			p[i++] = alphabet[sgt_below(r, NALPHA)];
			break;
		case 2:
			p[i++] = (unsigned char)(0x80 | sgt_below(r, 64));
			break;
		default: {
			/* a valid character of 1..4 bytes, maybe cut short */
			unsigned char c[4];
			uint32_t cp;
			size_t L, k;

			do
				cp = (uint32_t)sgt_below(r, 0x110000);
			while (cp >= 0xD800 && cp <= 0xDFFF);
			if (cp < 0x80) {
				c[0] = (unsigned char)cp;
				L = 1;
			} else if (cp < 0x800) {
				c[0] = (unsigned char)(0xC0 | cp >> 6);
				c[1] = (unsigned char)(0x80 | (cp & 0x3F));
				L = 2;
			} else if (cp < 0x10000) {
				c[0] = (unsigned char)(0xE0 | cp >> 12);
				c[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
				c[2] = (unsigned char)(0x80 | (cp & 0x3F));
				L = 3;
			} else {
				c[0] = (unsigned char)(0xF0 | cp >> 18);
				c[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
				c[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
				c[3] = (unsigned char)(0x80 | (cp & 0x3F));
				L = 4;
			}
			if (sgt_chance(r, 10))
				L = (size_t)sgt_range(r, 1, L);
			for (k = 0; k < L && i < n; k++)
				p[i++] = c[k];
		}
		}
	}
}

static void
test_random_buffers(void **state)
{
	unsigned char buf[512], inside[513];
	sgt_rng r;
	unsigned it;

	(void)state;
	sgt_rng_init(&r, "utf8_random_buffers");
	for (it = 0; it < sgt_iters(4000); it++) {
		size_t n = (size_t)sgt_range(&r, 0, sizeof buf), len, i;

		fill_random(&r, buf, n);
		sgt_ref_inside(buf, n, inside);
		/* the cut of every prefix, as the chunker asks for it */
		for (len = 0; len <= n; len += 1 + (size_t)sgt_below(&r, 8)) {
			size_t got = sg_utf8_cut(buf, len, 0), want = ref_cut(buf, len, 0);

			if (got != want)
				fail_msg("iteration %u: cut of a %zu-byte prefix = %zu, reference %zu",
				    it, len, got, want);
			/* and the cut is safe in the whole buffer too: what
			 * follows len cannot put it inside a character */
			if (inside[got])
				fail_msg("iteration %u: cut %zu lies inside a character", it, got);
			assert_int_equal(sg_utf8_cut(buf, len, 1), len);
		}
		/* walking unit by unit visits exactly the reference units */
		for (i = 0; i < n;) {
			size_t u = sg_utf8_unit(buf + i, n - i);
			int c = sgt_ref_char(buf, n, i);
			size_t want = c < 0 ? 1 : (size_t)c;

			if (u != want)
				fail_msg("iteration %u: unit at %zu = %zu, reference %zu", it, i, u, want);
			i += u > 0 ? u : n - i;
		}
	}
}

static void
test_valid_literals(void **state)
{
	(void)state;
	assert_true(sg_utf8_valid("", 0));
	assert_true(sg_utf8_valid(NULL, 0));
	assert_true(sg_utf8_valid("a\0b", 3));
	assert_true(sg_utf8_valid("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF", 13));
	assert_false(sg_utf8_valid("\xC3", 1));
	assert_false(sg_utf8_valid("abcdefgh\xC3", 9));
	assert_false(sg_utf8_valid("\xED\xA0\x80", 3));
	assert_false(sg_utf8_valid("\xC0\xAF", 2));
	assert_false(sg_utf8_valid("\xF4\x90\x80\x80", 4));
	assert_false(sg_utf8_valid("\x80", 1));
	assert_false(sg_utf8_valid("\xFF", 1));
	/* the length is honoured: a bad byte just past it does not count */
	assert_true(sg_utf8_valid("abcdefghij\xFF", 10));
	assert_true(sg_utf8_valid("ab\xC3\xA9\xFF", 4));
	assert_false(sg_utf8_valid("ab\xC3\xA9", 3));
}

/* One defect (an invalid byte, a truncated or overlong character, a
 * surrogate) at every position of ASCII runs of every length and
 * alignment, where a word-at-a-time fast path could skip it. */
static void
test_valid_positions(void **state)
{
	static const char *const defects[] = {
		"\x80", "\xFF", "\xC3", "\xE2\x82", "\xF0\x9F\x98", "\xC0\x80",
		"\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC3\xA9", "\xF0\x9F\x98\x80",
	};
	unsigned char buf[48 + 8];
	size_t d, pos, len, off;

	(void)state;
	for (d = 0; d < sizeof defects / sizeof defects[0]; d++) {
		size_t dl = strlen(defects[d]);

		for (len = dl; len <= 40; len++) {
			for (pos = 0; pos + dl <= len; pos++) {
				/* misalign the start too */
				for (off = 0; off < 8; off += 3) {
					unsigned char *p = buf + off;

					memset(p, 'a', len);
					memcpy(p + pos, defects[d], dl);
					check_valid(p, len);
					/* and the prefixes, which may cut it short */
					check_valid(p, pos + dl - 1);
				}
			}
		}
	}
}

static void
test_valid_random(void **state)
{
	unsigned char buf[600];
	sgt_rng r;
	unsigned it, nvalid = 0;

	(void)state;
	sgt_rng_init(&r, "utf8_valid_random");
	for (it = 0; it < sgt_iters(20000); it++) {
		size_t n = (size_t)sgt_range(&r, 0, sizeof buf), i;

		if (it % 2 == 0) {
			fill_random(&r, buf, n);
		} else {
			/* mostly valid: long ASCII runs and characters, then
			 * perhaps one damaged byte */
			for (i = 0; i < n; i++)
				buf[i] = (unsigned char)sgt_range(&r, 0, 0x7F);
			for (i = 0; i + 4 <= n; i += (size_t)sgt_range(&r, 4, 64))
				memcpy(buf + i, sgt_chance(&r, 50) ? "\xF0\x9F\x98\x80" : "\xE2\x82\xAC!", 4);
			if (n > 0 && sgt_chance(&r, 50))
				buf[sgt_below(&r, n)] = (unsigned char)sgt_next(&r);
		}
		nvalid += ref_valid(buf, n);
		check_valid(buf, n);
	}
	assert_true(nvalid > sgt_iters(20000) / 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_sanity),
		cmocka_unit_test(test_unit_literals),
		cmocka_unit_test(test_exhaustive),
		cmocka_unit_test(test_exhaustive_bytes),
		cmocka_unit_test(test_random_buffers),
		cmocka_unit_test(test_valid_literals),
		cmocka_unit_test(test_valid_positions),
		cmocka_unit_test(test_valid_random),
	};

	return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
