/* json: cut between top-level JSON values.
 *
 * Records are top-level JSON values: NDJSON / JSON Lines, concatenated or
 * pretty-printed JSON, and RFC 7464 json-seq (each value after an RS, 0x1E).
 * The scanner knows strings and their escapes and counts container depth
 * (a counter: no recursion, and no memory per level unless validating).
 *
 * Where a record ends: after its value's last byte it also takes the
 * whitespace that follows (space, tab, CR) up to and including the first
 * LF; if any other byte comes first (RS included), the record ends just
 * before it. So "{}\n{}\n" is "{}\n" + "{}\n", "{}{}" is "{}" + "{}", and
 * "1 2" is "1 " + "2". Whitespace before a value (leading blanks, blank
 * lines, RS) belongs to the record of that value. A value followed by
 * whitespace up to the end of what has been read is not complete yet. At
 * the end of input the end is always a record end; whitespace after the
 * last value joins the last record (it is no record of its own).
 *
 * A top-level string ends at its closing quote; any other top-level token
 * (number, literal, garbage) ends at the first whitespace, RS or one of
 * {}[],:" . Without --validate anything goes: an unbalanced ] } , or : at
 * the top level is a token of one byte, depth never goes below 0, and
 * binary input cannot make the scanner stall.
 *
 * Top-level arrays: with --array every top-level array is cut between its
 * elements. An element ends after its value, the whitespace, the comma,
 * then whitespace up to and including the first LF (or before the next
 * other byte); the closing ] and what follows it go with the last element.
 * --records then counts elements (a top-level value that is not an array
 * counts as one). Without --array an array is one record, but when no
 * record ends in a full window (more input is held past it) and the
 * record being scanned is a top-level array, the cut falls at the last
 * element end in the window (the N-th with --records N), so that a huge
 * array is split between elements instead of as oversize. A drain of a
 * partial window waits for whole values instead. Chunks that start or end
 * inside a top-level array are flagged SG_FLAG_ARRAY.
 *
 * --validate checks each record against RFC 8259 (values, numbers,
 * strings and their escapes, no raw control bytes in strings, literals,
 * whitespace only space/tab/LF/CR; lone \u surrogates are accepted) and
 * strict UTF-8 (no overlongs, surrogates, nothing above U+10FFFF). Beyond
 * the grammar: only whitespace may follow a top-level value until an LF,
 * an RS or the end of input (one value per line); an input without any
 * value, a truncated value at the end of input, a byte order mark, and
 * nesting deeper than SG_JSON_DEPTH_MAX levels are errors. The records
 * before the first bad one are cut as usual; then find fails and error()
 * names the record (from 1, as --records counts them) and the source
 * offset of the offending byte.
 *
 * find caches its scan (position, parser state, the record and element
 * ends seen) relative to buf[0], so a window that grows a byte at a time
 * is scanned once. The cache never scans past the last character boundary
 * of the window: the byte there is only peeked at, to tell whether a
 * record ends exactly at the boundary. The cuts therefore depend only on
 * the bytes, never on how often find ran.
 */
#include "boundary.h"

#include <stdint.h>
#include <string.h>

#include "frame.h"
#include "utf8.h"

/* The deepest nesting --validate follows: one bit per level (array or
 * object) in the state, 128 KiB. */
#define SG_JSON_DEPTH_MAX (1u << 20)

#define RS 0x1E

/* Scanner modes. At the top level: before a value, inside a scalar or a
 * string, after a value (its record end pending). Inside containers:
 * NEST, and ELEM right after a comma of a top-level array (the element
 * end pending). */
enum { M_BETWEEN, M_SCALAR, M_STRING, M_AFTER, M_NEST, M_ELEM };

/* Kinds of cut. */
enum { K_NONE, K_REC, K_ELEM, K_EOF, K_OTHER };

/* What --validate expects next inside a container. */
enum { E_VALUE, E_ARR_FIRST, E_OBJ_FIRST, E_KEY, E_COLON, E_COMMA };

/* --validate tokens, and the states of a number. */
enum { T_NONE, T_NUM, T_LIT };
enum { N_MINUS, N_ZERO, N_INT, N_DOT, N_FRAC, N_E, N_ESIGN, N_EXP };

/* Byte classes. */
#define C_WS 0x01     /* space, tab, CR: what a record end skips */
#define C_LF 0x02
#define C_RS 0x04
#define C_NEST 0x08   /* " [ ] { }: where a container scan stops */
#define C_COMMA 0x10  /* , : where it also stops in a top-level array */
#define C_DELIM 0x20  /* ends a top-level scalar */
#define C_STR 0x40    /* " and \: where a string scan stops */
#define C_VSTR 0x80   /* plain string bytes for --validate: 0x20..0x7F but " \ */

/* The class bits of each byte (bytes from 0x80 have none). */
static const unsigned char cls[256] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x22, 0x00, 0x00, 0x21, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x24, 0x00,
	0xA1, 0x80, 0x68, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0xB0, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0xA0, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0xA8, 0x40, 0xA8, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0xA8, 0x80, 0xA8, 0x80, 0x80,
};

static const char *const lits[3] = { "true", "false", "null" };
static const unsigned char lit_len[3] = { 4, 5, 4 };

/* One scan over the window: the persistent one, or a temporary copy. */
struct js_scan {
	size_t pos;             /* bytes of buf scanned */
	uint64_t depth;         /* container nesting, 0 at the top level */
	unsigned char mode;     /* M_* */
	unsigned char in_str;   /* M_NEST: inside a string */
	unsigned char esc;      /* inside a string, after a backslash */
	unsigned char top_arr;  /* the outermost open container is an array */
	unsigned char arr_rec;  /* the record being scanned is a top-level array */
	unsigned char seen;     /* the source has had a value */

	/* Record ends in buf(0..pos] (element ends too, with --array). */
	uint64_t nrec;
	uint64_t stop_n;        /* stop scanning at this many, 0: never */
	size_t first_rec, last_rec, prev_rec;  /* prev_rec: the one before last */
	unsigned char first_kind, last_kind, prev_kind;

	/* Element ends of the open top-level array since the last record
	 * end (without --array), for the too-big-array cut. The first unk
	 * of them were left by a cut and have unknown positions. */
	uint64_t nelem, unk;
	uint64_t elem_n;        /* nth_elem is the elem_n-th end */
	uint64_t stop_elem;     /* stop scanning at this many, 0: never */
	size_t first_elem, last_elem, nth_elem;
	unsigned char nth_ok;

	/* --validate */
	unsigned char expect;   /* E_*, inside a container */
	unsigned char in_key;   /* the string is an object key */
	unsigned char vstr;     /* 0 plain, 1 after \, 2 in \uXXXX */
	unsigned char need;     /* UTF-8 continuation bytes still due */
	unsigned char lo, hi;   /* the range of the next continuation byte */
	unsigned char tok;      /* T_*: a number or literal in progress */
	unsigned char sub;      /* N_* of a number, bytes matched of a literal,
	                         * hex digits left of \uXXXX */
	unsigned char lit;      /* which literal */

	/* The first error, at buf[err_pos]. */
	unsigned char err;
	int err_byte;           /* the byte, when the message shows it, or -1 */
	size_t err_pos;
	const char *err_msg;
};

typedef struct js_state {
	int array, validate;
	struct js_scan b;       /* the scan cached across finds */
	struct js_scan start;   /* the plain scan state at buf[0], for rescans */
	uint64_t rec_base;      /* records cut before buf[0] */
	int start_in_arr;       /* buf[0] lies inside a top-level array */

	/* The cut the last find returned. */
	int have_cut;
	size_t cut;
	int cut_kind, cut_inside;
	uint64_t cut_recs, cut_elems;

	/* After SG_BOUNDARY_FAIL. */
	int failed;
	uint64_t fail_rec;
	size_t fail_pos;
	int fail_byte;
	const char *fail_msg;

	/* --validate: bit d says level d+1 is an array. */
	uint64_t bits[SG_JSON_DEPTH_MAX / 64];
} js_state;

/* --- shared bookkeeping -------------------------------------------------- */

/* A record or element end at buf[at]. Ends at 0 are the cut that started
 * the window: their side effects apply, but they are not counted. Returns
 * 1 when the scan should stop there. */
static int
add_end(const js_state *st, struct js_scan *s, size_t at, int kind)
{
	if (kind == K_REC) {
		s->arr_rec = 0;
		s->nelem = s->unk = 0;
		s->nth_ok = 0;
	}
	if (at == 0)
		return 0;
	if (kind == K_REC || st->array) {
		if (s->nrec++ == 0) {
			s->first_rec = at;
			s->first_kind = (unsigned char)kind;
		}
		s->prev_rec = s->last_rec;
		s->prev_kind = s->last_kind;
		s->last_rec = at;
		s->last_kind = (unsigned char)kind;
		return s->nrec == s->stop_n;
	}
	if (s->nelem++ == 0)
		s->first_elem = at;
	s->last_elem = at;
	if (s->nelem == s->elem_n) {
		s->nth_elem = at;
		s->nth_ok = 1;
	}
	return s->nelem == s->stop_elem;
}

/* The state right after a record end, or after an element end. */
static void
canon_rec(struct js_scan *s, int seen)
{
	memset(s, 0, sizeof *s);
	s->mode = M_BETWEEN;
	s->seen = (unsigned char)seen;
	s->err_byte = -1;
}

static void
canon_elem(js_state *st, struct js_scan *s)
{
	canon_rec(s, 1);
	s->mode = M_NEST;
	s->depth = 1;
	s->top_arr = s->arr_rec = 1;
	s->expect = E_VALUE;
	st->bits[0] |= 1;
}

/* --- the fast scan (no --validate) ------------------------------------------ */

/* Eight bytes at a time (SWAR): zero_bytes(y) flags the bytes of y that
 * are 0; the lowest flag is always exact (borrows only run upwards), and
 * only the lowest is used. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR 1
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static inline uint64_t
load8(const unsigned char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

static inline uint64_t
zero_bytes(uint64_t y)
{
	return (y - ONES) & ~y & HIGHS;
}

static inline size_t
first_flag(uint64_t m)
{
	return (size_t)__builtin_ctzll(m) >> 3;
}
#else
#define SWAR 0
#endif

#if defined(__SSE2__)
#include <emmintrin.h>
/* Bytes of b[i..i+16) equal to any of the patterns: one bit each. */
#define VEC 16
#endif

/* The closing quote of a string from buf[i], or lim when it goes on.
 * One pass looks for " and \ together: most strings hold no escape, and
 * the ones that do (a tab, a quote) hold few. */
static inline size_t
str_skip(const unsigned char *b, size_t i, size_t lim, unsigned char *esc)
{
	if (*esc) {
		if (i == lim)
			return lim;
		*esc = 0;
		i++;
	}
	for (;;) {
#if defined(__SSE2__)
		const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');

		while (i + VEC <= lim) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
			unsigned mb = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, bslash));
			unsigned m = mb | (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, quote));
			unsigned k;

			/* Each backslash takes the byte after it, within the
			 * block; the first quote left closes the string. */
			while (m != 0) {
				k = (unsigned)__builtin_ctz(m);
				if (!(mb >> k & 1))
					return i + k;
				if (k == VEC - 1)
					break;
				m &= ~(3u << k);
			}
			if (m != 0) {  /* a backslash in the last byte */
				if (i + VEC == lim) {
					*esc = 1;
					return lim;
				}
				i += VEC + 1;
			} else {
				i += VEC;
			}
		}
#elif SWAR
		while (i + 8 <= lim) {
			uint64_t x = load8(b + i);
			uint64_t m = zero_bytes(x ^ (ONES * '"')) | zero_bytes(x ^ (ONES * '\\'));

			if (m != 0) {
				i += first_flag(m);
				break;
			}
			i += 8;
		}
#endif
		while (i < lim && !(cls[b[i]] & C_STR))
			i++;
		if (i >= lim)
			return lim;
		if (b[i] == '"')
			return i;
		if (i + 1 == lim) {  /* a backslash at the end: the escape waits */
			*esc = 1;
			return lim;
		}
		i += 2;
	}
}

/* The next " [ ] { } (and , if comma) from buf[i], or lim. */
static inline size_t
nest_skip(const unsigned char *b, size_t i, size_t lim, int comma)
{
	unsigned mask = comma ? C_NEST | C_COMMA : C_NEST;

#if defined(__SSE2__)
	{
		const __m128i quote = _mm_set1_epi8('"'), open = _mm_set1_epi8('{');
		const __m128i close = _mm_set1_epi8('}'), lower = _mm_set1_epi8(0x20);
		const __m128i sep = _mm_set1_epi8(comma ? ',' : '"');

		while (i + VEC <= lim) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
			__m128i y = _mm_or_si128(x, lower);  /* [ ] to { } */
			__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote),
			    _mm_cmpeq_epi8(x, sep)), _mm_or_si128(_mm_cmpeq_epi8(y, open),
			    _mm_cmpeq_epi8(y, close)));
			unsigned m = (unsigned)_mm_movemask_epi8(hit);

			if (m != 0)
				return i + (size_t)__builtin_ctz(m);
			i += VEC;
		}
	}
#elif SWAR
	while (i + 8 <= lim) {
		uint64_t x = load8(b + i), y = x | ONES * 0x20;  /* [ ] to { } */
		uint64_t m = zero_bytes(x ^ (ONES * '"')) | zero_bytes(y ^ (ONES * '{')) |
		    zero_bytes(y ^ (ONES * '}'));

		if (comma)
			m |= zero_bytes(x ^ (ONES * ','));
		if (m != 0)
			return i + first_flag(m);
		i += 8;
	}
#endif
	while (i < lim && !(cls[b[i]] & mask))
		i++;
	return i;
}

#if defined(__SSE2__)
/* Bit j of each mask: byte j of b[0..64) is a quote, a backslash, an
 * opening bracket, a closing bracket, a comma. */
struct block_masks {
	uint64_t quote, bslash, open, close, comma;
};

static inline uint64_t
eq_mask(__m128i x, int byte)
{
	return (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)byte)));
}

static inline void
block_masks(const unsigned char *b, struct block_masks *m)
{
	const __m128i lower = _mm_set1_epi8(0x20);  /* [ ] to { } */
	unsigned k;

	memset(m, 0, sizeof *m);
	for (k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * k));
		__m128i y = _mm_or_si128(x, lower);

		m->quote |= eq_mask(x, '"') << 16 * k;
		m->bslash |= eq_mask(x, '\\') << 16 * k;
		m->open |= eq_mask(y, '{') << 16 * k;
		m->close |= eq_mask(y, '}') << 16 * k;
		m->comma |= eq_mask(x, ',') << 16 * k;
	}
}

/* Bit j: an odd number of the bits of x at or below j (inside a string,
 * when x marks the quotes of a block without escapes). */
static inline uint64_t
prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}
#endif

static void
scan_plain(const js_state *st, struct js_scan *s, const unsigned char *b, size_t lim)
{
	size_t i = s->pos;
	uint64_t depth;
	unsigned c;
	int comma;
#if defined(__SSE2__)
	size_t slow = 0;  /* bytes before this go byte by byte (escapes) */
#endif

	while (i < lim) {
		switch (s->mode) {
		case M_BETWEEN:
			while (i < lim && (cls[b[i]] & (C_WS | C_LF | C_RS)))
				i++;
			if (i == lim)
				goto out;
			s->seen = 1;
			c = b[i++];
			if (c == '{' || c == '[') {
				s->depth = 1;
				s->top_arr = s->arr_rec = c == '[';
				s->in_str = 0;
				s->mode = M_NEST;
			} else if (c == '"') {
				s->esc = 0;
				s->mode = M_STRING;
			} else if (cls[c] & C_DELIM) {
				s->mode = M_AFTER;  /* ] } , : alone */
			} else {
				s->mode = M_SCALAR;
			}
			break;
		case M_SCALAR:
			while (i < lim && !(cls[b[i]] & C_DELIM))
				i++;
			if (i == lim)
				goto out;
			s->mode = M_AFTER;
			break;
		case M_STRING:
			if ((i = str_skip(b, i, lim, &s->esc)) == lim)
				goto out;
			i++;
			s->mode = M_AFTER;
			break;
		case M_AFTER:
		case M_ELEM:
			while (i < lim && (cls[b[i]] & C_WS))
				i++;
			if (i == lim)
				goto out;
			if (b[i] == '\n')
				i++;
			if (s->mode == M_AFTER) {
				s->mode = M_BETWEEN;
				if (add_end(st, s, i, K_REC))
					goto out;
			} else {
				s->mode = M_NEST;
				if (add_end(st, s, i, K_ELEM))
					goto out;
			}
			break;
		default: /* M_NEST: stay here through strings and brackets */
			depth = s->depth;
			comma = depth == 1 && s->top_arr;
			if (s->in_str)
				goto string;
			for (;;) {
#if defined(__SSE2__)
				/* Whole blocks of 64 bytes without a backslash: their
				 * strings are masked out at once (a prefix xor of the
				 * quotes), so only brackets (and the commas of a
				 * top-level array) are visited. A block with escapes
				 * goes byte by byte. */
				while (i + 64 <= lim && i >= slow) {
					struct block_masks m;
					uint64_t in, hit;
					unsigned k;

					block_masks(b + i, &m);
					if (m.bslash != 0) {
						slow = i + 64;
						break;
					}
					in = prefix_xor(m.quote);
					hit = (m.open | m.close | (s->top_arr ? m.comma : 0)) & ~in;
					while (hit != 0) {
						k = (unsigned)__builtin_ctzll(hit);
						hit &= hit - 1;
						c = b[i + k];
						if (c == ',') {
							if (depth == 1) {
								i += k + 1;
								s->mode = M_ELEM;
								goto nest_done;
							}
						} else if (c == '[' || c == '{') {
							if (depth < UINT64_MAX)
								depth++;
						} else if (--depth == 0) {
							i += k + 1;
							s->mode = M_AFTER;
							goto nest_done;
						}
					}
					if (in >> 63) {
						/* A string runs past the block: on from
						 * its opening quote, byte by byte. */
						i += 63 - (size_t)__builtin_clzll(m.quote);
						break;
					}
					i += 64;
				}
				comma = depth == 1 && s->top_arr;
#endif
				if ((i = nest_skip(b, i, lim, comma)) == lim)
					break;
				c = b[i++];
				if (c == '"') {
string:
					s->in_str = 1;
					if ((i = str_skip(b, i, lim, &s->esc)) == lim)
						break;
					i++;
					s->in_str = 0;
				} else if (c == '[' || c == '{') {
					if (depth < UINT64_MAX)
						depth++;
					comma = 0;
				} else if (c == ']' || c == '}') {
					if (--depth == 0) {
						s->mode = M_AFTER;
						break;
					}
					comma = depth == 1 && s->top_arr;
				} else { /* , in a top-level array */
					s->mode = M_ELEM;
					break;
				}
			}
#if defined(__SSE2__)
nest_done:
#endif
			s->depth = depth;
			break;
		}
	}
out:
	s->pos = i;
}

/* --- the validating scan ----------------------------------------------------- */

static int
is_array(const js_state *st, uint64_t level)
{
	return (int)(st->bits[level / 64] >> (level % 64) & 1);
}

/* A value (or, in a container, a string, number or literal) starts with
 * c. Returns an error message, or NULL. */
static const char *
value_start(js_state *st, struct js_scan *s, unsigned c)
{
	switch (c) {
	case '{':
	case '[':
		if (s->depth >= SG_JSON_DEPTH_MAX)
			return "nesting deeper than 1048576 levels";
		if (c == '[')
			st->bits[s->depth / 64] |= (uint64_t)1 << (s->depth % 64);
		else
			st->bits[s->depth / 64] &= ~((uint64_t)1 << (s->depth % 64));
		if (s->depth == 0) {
			s->top_arr = s->arr_rec = c == '[';
			s->mode = M_NEST;
		}
		s->depth++;
		s->expect = c == '[' ? E_ARR_FIRST : E_OBJ_FIRST;
		return NULL;
	case '"':
		s->vstr = s->need = 0;
		s->esc = 0;
		s->in_key = 0;
		if (s->depth == 0)
			s->mode = M_STRING;
		else
			s->in_str = 1;
		return NULL;
	case 't':
	case 'f':
	case 'n':
		s->tok = T_LIT;
		s->lit = c == 't' ? 0 : c == 'f' ? 1 : 2;
		s->sub = 1;
		break;
	case '-':
		s->tok = T_NUM;
		s->sub = N_MINUS;
		break;
	default:
		if (c < '0' || c > '9')
			return c == 0xEF ? "a byte order mark or a byte that starts no value"
			    : "a byte that starts no value";
		s->tok = T_NUM;
		s->sub = c == '0' ? N_ZERO : N_INT;
		break;
	}
	if (s->depth == 0)
		s->mode = M_SCALAR;
	return NULL;
}

/* Whether the number or literal in progress may end here. */
static int
tok_complete(const struct js_scan *s)
{
	if (s->tok == T_LIT)
		return s->sub == lit_len[s->lit];
	return s->sub == N_ZERO || s->sub == N_INT || s->sub == N_FRAC || s->sub == N_EXP;
}

/* Feed c to the number or literal in progress. Returns 1 if it took c, 0
 * if the token ended before c, or -1 for an error (*msg set). */
static int
tok_step(struct js_scan *s, unsigned c, const char **msg)
{
	int digit = c >= '0' && c <= '9';

	if (s->tok == T_LIT) {
		if (s->sub < lit_len[s->lit]) {
			if (c != (unsigned char)lits[s->lit][s->sub]) {
				*msg = "invalid literal";
				return -1;
			}
			s->sub++;
			return 1;
		}
		if (!(cls[c] & C_DELIM)) {
			*msg = "invalid literal";
			return -1;
		}
		return 0;
	}
	switch (s->sub) {
	case N_MINUS:
		if (!digit)
			break;
		s->sub = c == '0' ? N_ZERO : N_INT;
		return 1;
	case N_ZERO:
	case N_INT:
	case N_FRAC:
		if (digit && s->sub != N_ZERO)
			return 1;
		if (c == '.' && s->sub != N_FRAC) {
			s->sub = N_DOT;
			return 1;
		}
		if (c == 'e' || c == 'E') {
			s->sub = N_E;
			return 1;
		}
		goto end;
	case N_DOT:
		if (!digit)
			break;
		s->sub = N_FRAC;
		return 1;
	case N_E:
		if (c == '+' || c == '-') {
			s->sub = N_ESIGN;
			return 1;
		}
		/* FALLTHROUGH */
	case N_ESIGN:
		if (!digit)
			break;
		s->sub = N_EXP;
		return 1;
	default: /* N_EXP */
		if (digit)
			return 1;
		goto end;
	}
	*msg = "invalid number";
	return -1;
end:
	if (!(cls[c] & C_DELIM)) {
		*msg = "invalid number";
		return -1;
	}
	return 0;
}

/* Feed the string bytes from b[i]. Returns the index of the closing quote
 * (not taken), lim when the string goes on, or SIZE_MAX for an error
 * (*msg set, *at the byte). */
static size_t
str_valid(struct js_scan *s, const unsigned char *b, size_t i, size_t lim,
	  const char **msg, size_t *at)
{
	unsigned c;

	while (i < lim) {
		c = b[i];
		if (s->need > 0) {
			if (c < s->lo || c > s->hi)
				goto bad_utf8;
			s->lo = 0x80;
			s->hi = 0xBF;
			s->need--;
			i++;
			continue;
		}
		if (s->vstr == 1) {
			switch (c) {
			case '"': case '\\': case '/': case 'b':
			case 'f': case 'n': case 'r': case 't':
				s->vstr = 0;
				break;
			case 'u':
				s->vstr = 2;
				s->sub = 4;
				break;
			default:
				*msg = "invalid escape in string";
				*at = i;
				return SIZE_MAX;
			}
			s->esc = 0;
			i++;
			continue;
		}
		if (s->vstr == 2) {
			if (!((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))) {
				*msg = "invalid \\u escape in string";
				*at = i;
				return SIZE_MAX;
			}
			if (--s->sub == 0)
				s->vstr = 0;
			i++;
			continue;
		}
#if SWAR
		/* flag " \ and bytes below 0x20 or from 0x80 */
		while (i + 8 <= lim) {
			uint64_t x = load8(b + i);
			uint64_t m = zero_bytes(x ^ (ONES * '"')) | zero_bytes(x ^ (ONES * '\\')) |
			    ((x - ONES * 0x20) & ~x & HIGHS) | (x & HIGHS);

			if (m != 0) {
				i += first_flag(m);
				break;
			}
			i += 8;
		}
#endif
		while (i < lim && (cls[b[i]] & C_VSTR))
			i++;
		if (i == lim)
			break;
		c = b[i];
		if (c == '"')
			return i;
		if (c == '\\') {
			s->vstr = 1;
			s->esc = 1;
			i++;
			continue;
		}
		if (c < 0x20) {
			*msg = "control character in string";
			*at = i;
			return SIZE_MAX;
		}
		/* A UTF-8 lead byte (RFC 3629): the next byte's range. */
		s->lo = 0x80;
		s->hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			s->need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			s->need = 2;
			if (c == 0xE0)
				s->lo = 0xA0;
			else if (c == 0xED)
				s->hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			s->need = 3;
			if (c == 0xF0)
				s->lo = 0x90;
			else if (c == 0xF4)
				s->hi = 0x8F;
		} else {
			goto bad_utf8;
		}
		i++;
	}
	return lim;
bad_utf8:
	*msg = "invalid UTF-8";
	*at = i;
	return SIZE_MAX;
}

static void
scan_valid(js_state *st, struct js_scan *s, const unsigned char *b, size_t lim)
{
	const char *msg = NULL;
	size_t i = s->pos, j;
	unsigned c;
	int r;

	while (i < lim) {
		c = b[i];
		switch (s->mode) {
		case M_BETWEEN:
			if (cls[c] & (C_WS | C_LF | C_RS)) {
				i++;
				continue;
			}
			s->seen = 1;
			s->arr_rec = 0;
			if ((msg = value_start(st, s, c)) != NULL)
				goto fail;
			i++;
			continue;
		case M_AFTER:
			if (cls[c] & C_WS) {
				i++;
				continue;
			}
			if (c != '\n' && c != RS) {
				msg = "a record must be one JSON value per line";
				goto fail;
			}
			if (c == '\n')
				i++;
			s->mode = M_BETWEEN;
			if (add_end(st, s, i, K_REC))
				goto out;
			continue;
		case M_ELEM:
			if (cls[c] & C_WS) {
				i++;
				continue;
			}
			if (c == '\n')
				i++;
			s->mode = M_NEST;
			if (add_end(st, s, i, K_ELEM))
				goto out;
			continue;
		case M_STRING:
			j = str_valid(s, b, i, lim, &msg, &i);
			if (j == SIZE_MAX)
				goto fail;
			if ((i = j) == lim)
				goto out;
			i++;
			s->mode = M_AFTER;
			continue;
		case M_SCALAR:
			if ((r = tok_step(s, c, &msg)) < 0)
				goto fail;
			if (r > 0) {
				i++;
				continue;
			}
			s->tok = T_NONE;
			s->mode = M_AFTER;
			continue;
		default: /* M_NEST */
			break;
		}
		if (s->in_str) {
			j = str_valid(s, b, i, lim, &msg, &i);
			if (j == SIZE_MAX)
				goto fail;
			if ((i = j) == lim)
				goto out;
			i++;
			s->in_str = 0;
			s->expect = s->in_key ? E_COLON : E_COMMA;
			continue;
		}
		if (s->tok != T_NONE) {
			if ((r = tok_step(s, c, &msg)) < 0)
				goto fail;
			if (r > 0) {
				i++;
				continue;
			}
			s->tok = T_NONE;
			s->expect = E_COMMA;
			continue;
		}
		if (cls[c] & (C_WS | C_LF)) {
			i++;
			continue;
		}
		switch (s->expect) {
		case E_ARR_FIRST:
			if (c == ']')
				goto pop;
			/* FALLTHROUGH */
		case E_VALUE:
			if ((msg = value_start(st, s, c)) != NULL)
				goto fail;
			break;
		case E_OBJ_FIRST:
			if (c == '}')
				goto pop;
			/* FALLTHROUGH */
		case E_KEY:
			if (c != '"') {
				msg = "expected a string key";
				goto fail;
			}
			(void)value_start(st, s, c);
			s->in_key = 1;
			break;
		case E_COLON:
			if (c != ':') {
				msg = "expected ':'";
				goto fail;
			}
			s->expect = E_VALUE;
			break;
		default: /* E_COMMA */
			if (c == ',') {
				if (!is_array(st, s->depth - 1)) {
					s->expect = E_KEY;
				} else {
					s->expect = E_VALUE;
					if (s->depth == 1)
						s->mode = M_ELEM;
				}
				break;
			}
			if ((c == ']' || c == '}') && (c == ']') == is_array(st, s->depth - 1))
				goto pop;
			msg = "expected ',' or a closing bracket";
			goto fail;
		}
		i++;
		continue;
pop:
		i++;
		if (--s->depth == 0)
			s->mode = M_AFTER;
		else
			s->expect = E_COMMA;
	}
out:
	s->pos = i;
	return;
fail:
	s->err = 1;
	s->err_pos = i;
	s->err_msg = msg;
	s->err_byte = i < lim ? b[i] : -1;
	s->pos = i;
}

/* Whether the input may end in state s; *msg says why not. */
static int
eof_ok(const struct js_scan *s, const char **msg)
{
	switch (s->mode) {
	case M_BETWEEN:
		*msg = "no JSON value";
		return s->seen;
	case M_AFTER:
		return 1;
	case M_SCALAR:
		*msg = "truncated value at the end of input";
		return tok_complete(s);
	case M_STRING:
		*msg = "unterminated string at the end of input";
		return 0;
	default:
		*msg = "truncated value at the end of input";
		return 0;
	}
}

static void
scan(js_state *st, struct js_scan *s, const unsigned char *b, size_t lim, int valid)
{
	if (valid)
		scan_valid(st, s, b, lim);
	else
		scan_plain(st, s, b, lim);
}

/* --- find ------------------------------------------------------------------- */

/* Whether the scan is inside a top-level array, between its [ and ]. */
static int
in_array(const struct js_scan *s)
{
	return s->depth > 0 && s->top_arr;
}

/* A scan of buf[0..lim) from the state at buf[0], without validation,
 * stopping at the stop_n-th record end or stop_elem-th element end. */
static struct js_scan
rescan(const js_state *st, const unsigned char *buf, size_t lim, uint64_t stop_n,
       uint64_t stop_elem)
{
	struct js_scan t = st->start;

	t.stop_n = stop_n;
	t.stop_elem = stop_elem;
	t.elem_n = 0;
	scan_plain(st, &t, buf, lim);
	return t;
}

static int
blank(const unsigned char *b, size_t from, size_t to)
{
	while (from < to && (cls[b[from]] & (C_WS | C_LF | C_RS)))
		from++;
	return from == to;
}

static size_t
give(js_state *st, size_t cut, int kind, int inside, uint64_t recs, uint64_t elems)
{
	st->have_cut = 1;
	st->cut = cut;
	st->cut_kind = kind;
	st->cut_inside = inside;
	st->cut_recs = recs;
	st->cut_elems = elems;
	return cut;
}

static size_t
fail(js_state *st, size_t pos, const char *msg, int byte)
{
	st->failed = 1;
	st->fail_rec = st->rec_base + 1;
	st->fail_pos = pos;
	st->fail_msg = msg;
	st->fail_byte = byte;
	return SG_BOUNDARY_FAIL;
}

static size_t
json_find(void *vst, const unsigned char *buf, size_t len, size_t avail, int eof,
	  uint64_t n)
{
	js_state *st = vst;
	struct js_scan *b = &st->b, t, y, *x;
	int eofw = eof && len == avail;
	int valid = st->validate;
	size_t lim, at_lim = 0, pos, last;
	uint64_t nrec;
	int last_kind;
	int lim_kind = K_NONE;
	const char *msg = NULL;
	size_t err_pos = 0;
	int err_byte = -1, err = 0;

	st->have_cut = 0;
	if (st->failed)
		return SG_BOUNDARY_FAIL;
	if (len == 0) {
		/* The end of a source that is empty, or was all cut (by
		 * drains): is it a valid end? */
		if (eofw && st->validate && !b->err && !eof_ok(b, &msg))
			return fail(st, 0, msg, -1);
		return 0;
	}
	/* Scan no further than the last character boundary, so that an
	 * oversize cut (made there, by sg_utf8_cut_ahead on the same
	 * arguments) finds the scan state right at it. */
	lim = eofw ? len : sg_utf8_cut_ahead(buf, len, avail, eof);
	if (lim == 0)
		lim = len;  /* only the start of one character: --size < 4 */

	if (b->pos <= lim) {
		x = b;
		b->stop_n = n;
		if (b->elem_n != n) {
			b->elem_n = n;  /* recorded if the n-th is still to come */
			b->nth_ok = 0;
		}
		if (!b->err && (n == 0 || b->nrec < n))
			scan(st, b, buf, lim, valid);
		if (b->err) {
			err = 1;
			err_pos = b->err_pos;
			msg = b->err_msg;
			err_byte = b->err_byte;
		}
	} else {
		/* An earlier call (--oversize=keep) scanned past this window. */
		if (b->err) {
			err = 1;
			err_pos = b->err_pos;
			msg = b->err_msg;
			err_byte = b->err_byte;
		}
		if (b->nrec == 0 && (b->nelem == 0 || (b->unk == 0 && b->first_elem > lim))) {
			/* Nothing ends in the window, nor before the error. */
			return err ? fail(st, err_pos, msg, err_byte) : 0;
		}
		t = rescan(st, buf, lim, n, 0);
		x = &t;
		valid = 0;
		if (err && b->nrec > 0)
			err = 0;  /* the bad record starts past this window */
	}

	/* --validate: the end of input must end a value. If it does not,
	 * an element end right at it (an LF as the last byte) is no cut
	 * either, or the truncation would pass unnoticed. */
	nrec = x->nrec;
	last = x->last_rec;
	last_kind = x->last_kind;
	if (eofw && valid && !err && x->pos == len && !eof_ok(x, &msg)) {
		err = 1;
		err_pos = len;
		err_byte = -1;
		if (nrec > 0 && last == len) {
			nrec--;
			last = x->prev_rec;
			last_kind = x->prev_kind;
		}
	}

	/* Records that end in the window, by count. */
	if (n > 0 && nrec >= n) {
		size_t cut;
		int kind;

		if (nrec == n) {
			cut = last;
			kind = last_kind;
		} else if (n == 1) {
			cut = x->first_rec;
			kind = x->first_kind;
		} else {
			t = rescan(st, buf, lim, n, 0);
			cut = t.last_rec;
			kind = t.last_kind;
		}
		/* At the end of input, blanks after the last value join it. */
		if (eofw && kind == K_REC && blank(buf, cut, len))
			return give(st, len, K_EOF, 0, n, 0);
		return give(st, cut, kind, kind == K_ELEM, n, 0);
	}

	/* Whether a record (or element) ends right at lim. */
	if (!err && x->pos == lim) {
		if (eofw) {
			return give(st, len, K_EOF, in_array(x),
			    x->nrec + (x->mode != M_BETWEEN), 0);
		} else if (avail > lim) {
			y = *x;
			y.stop_n = y.stop_elem = 0;
			scan(st, &y, buf, lim + 1, valid);
			if (y.err) {
				err = 1;
				err_pos = lim;
				msg = y.err_msg;
				err_byte = y.err_byte;
			} else if (y.nrec > x->nrec && y.last_rec == lim) {
				lim_kind = y.last_kind;
				at_lim = 1;
			} else if (y.nelem > x->nelem && y.last_elem == lim) {
				lim_kind = K_ELEM;
				at_lim = 1;
			}
		}
	}
	if (at_lim && lim_kind != K_ELEM)
		return give(st, lim, lim_kind, 0, x->nrec + 1, 0);
	if (at_lim && st->array)
		return give(st, lim, K_ELEM, 1, x->nrec + 1, 0);
	if (nrec > 0)
		return give(st, last, last_kind, last_kind == K_ELEM, nrec, 0);

	/* No record ends in a full window: cut a top-level array between
	 * its elements. */
	if (!st->array && avail > len && x->arr_rec) {
		uint64_t count = x->nelem + (at_lim ? 1 : 0);

		if (count > 0) {
			if (n == 0 || count <= n) {
				pos = at_lim ? lim : x->last_elem;
				return give(st, pos, K_ELEM, 1, 0, count);
			}
			if (x->nth_ok && x->elem_n == n && x->unk < n) {
				pos = x->nth_elem;
			} else if (n == 1 && x->unk == 0) {
				pos = x->first_elem;
			} else {
				t = rescan(st, buf, err ? err_pos : lim, 0, n);
				pos = t.last_elem;
			}
			return give(st, pos, K_ELEM, 1, 0, n);
		}
	}
	if (err)
		return fail(st, err_pos, msg, err_byte);
	return 0;
}

/* Whether the chunk buf[0..n) about to go out ends inside a top-level
 * array. */
static int
ends_inside(const js_state *st, size_t n)
{
	if (st->have_cut && n == st->cut)
		return st->cut_inside;
	return in_array(&st->b);  /* an oversize cut, at the scan position */
}

static uint16_t
json_flags(void *vst, const unsigned char *buf, size_t n)
{
	js_state *st = vst;

	(void)buf;
	return st->start_in_arr || ends_inside(st, n) ? SG_FLAG_ARRAY : 0;
}

/* Drop the scan's ends at or before n and move it to the new buf[0]. */
static void
rebase(struct js_scan *s, size_t n)
{
	s->pos -= n;
	s->nrec = 0;
	if (s->nelem > 0)
		s->last_elem -= n;
	if (s->nth_ok)
		s->nth_elem -= n;
	if (s->unk == 0 && s->nelem > 0)
		s->first_elem -= n;
	if (s->err)
		s->err_pos -= n;
}

static void
json_consumed(void *vst, size_t n)
{
	js_state *st = vst;
	struct js_scan *b = &st->b;
	int kind = st->have_cut && n == st->cut ? st->cut_kind : K_OTHER;
	int inside = ends_inside(st, n);
	int seen = b->seen;

	st->have_cut = 0;
	st->start_in_arr = inside;
	if (kind == K_REC || kind == K_EOF || (kind == K_ELEM && st->array)) {
		st->rec_base += st->cut_recs;
		if (b->pos >= n && (b->nrec == 0 || b->last_rec <= n)) {
			/* ends after the cut are element ends after the last
			 * record end, or none */
			rebase(b, n);
		} else {
			if (kind == K_ELEM)
				canon_elem(st, b);
			else
				canon_rec(b, seen);
		}
		if (kind == K_ELEM)
			canon_elem(st, &st->start);
		else
			canon_rec(&st->start, seen);
		return;
	}
	if (kind == K_ELEM) {
		/* A too-big array cut between elements: no record end lies in
		 * the window, and the scan has not passed one. */
		if (b->pos >= n && b->nrec == 0 && b->nelem >= st->cut_elems) {
			uint64_t left = b->nelem - st->cut_elems;

			rebase(b, n);
			b->nelem = left;
			b->unk = left;
			b->nth_ok = 0;
		} else {
			canon_elem(st, b);
		}
		canon_elem(st, &st->start);
		return;
	}
	/* An oversize cut, at the scan position; or the rest of a character
	 * cut by a window under 4 bytes, which find never saw: continuation
	 * bytes, which change nothing but the UTF-8 check of a string. */
	if (b->pos >= n) {
		rebase(b, n);
	} else {
		size_t lag = n - b->pos;

		b->need = b->need > lag ? (unsigned char)(b->need - lag) : 0;
		if (b->need == 0) {
			b->lo = 0x80;
			b->hi = 0xBF;
		}
		b->pos = 0;
		b->nrec = 0;
		b->nelem = b->unk = 0;
		b->nth_ok = 0;
	}
	st->start = *b;
	st->start.pos = 0;
	st->start.nrec = st->start.nelem = st->start.unk = 0;
	st->start.nth_ok = 0;
	st->start.err = 0;
}

static int
json_error(void *vst, uint64_t base, sg_err *e)
{
	js_state *st = vst;

	if (!st->failed)
		return sg_err_set(e, SG_EINTERNAL, "json: no error to report");
	if (st->fail_byte >= 0)
		return sg_err_set(e, SG_EDATA, "record %llu at byte %llu: %s (byte 0x%02X)",
		    (unsigned long long)st->fail_rec,
		    (unsigned long long)(base + st->fail_pos), st->fail_msg,
		    (unsigned)st->fail_byte);
	return sg_err_set(e, SG_EDATA, "record %llu at byte %llu: %s", (unsigned long long)st->fail_rec,
	    (unsigned long long)(base + st->fail_pos), st->fail_msg);
}

static void
json_reset(void *vst, const sg_boundary_params *p)
{
	js_state *st = vst;

	st->array = p->json_array;
	st->validate = p->json_validate;
	canon_rec(&st->b, 0);
	canon_rec(&st->start, 0);
}

const sg_boundary_ops sg_boundary_json = {
	.name = "json",
	.summary = "between top-level JSON values (NDJSON, concatenated, json-seq, arrays)",
	.has_records = 1,
	.options = SG_BOPT_ARRAY | SG_BOPT_VALIDATE,
	.part = SG_PART_NDJSON,
	.state_size = sizeof(js_state),
	.reset = json_reset,
	.find = json_find,
	.flags = json_flags,
	.consumed = json_consumed,
	.error = json_error,
};
