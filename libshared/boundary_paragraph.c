/* paragraph: the best boundary in the window, for text cut for retrieval
 * (the "recursive" splitter of RAG tools). A cut p (1 <= p <= len) falls
 * into the first class it meets:
 *
 *   1. blank line: buf[p-1] is an LF that ends a blank line, that is, the
 *      bytes between it and an earlier LF of the window are all blanks
 *      (space, tab, CR, FF, VT) or there are none. "\n\n", "\r\n\r\n" and
 *      "\n \t\n" qualify. The earlier LF must lie in the window: what came
 *      before buf[0] is not looked at, so the window alone decides.
 *   2. newline: buf[p-1] is an LF.
 *   3. sentence end: buf[p-2] is '.', '!' or '?' and buf[p-1] a space, tab
 *      or LF (the cut goes after the whitespace, so "3.14" and "e.g.x" are
 *      not sentence ends); or buf[p-3..p) is one of the full-width
 *      terminators U+3002, U+FF01, U+FF1F (CJK text puts no space after
 *      them), optionally followed by one space, tab or LF that then goes
 *      with it: buf[p-4..p-1) terminator and buf[p-1] whitespace.
 *   4. word: buf[p-1] is a space or tab.
 *   5. character: any UTF-8 character boundary (sg_utf8_cut_ahead: invalid
 *      bytes are units of one, the lookahead settles a straddling one).
 *
 * find returns the largest p of the best class present. All of 1-4 follow
 * an ASCII byte or a whole character, so none is inside a character.
 *
 * Only a full window cuts early: at the end of input the window is cut at
 * its end. A window is full when bytes past it are held (avail > len); then
 * class 5 always finds a cut unless len is shorter than one character. When
 * the chunker drains a live input with less than a window held (avail ==
 * len, not eof), only classes 1-4 cut: live text is not cut mid-word while
 * the rest of the word is on its way.
 *
 * Speed: a full window is searched backwards from its end (memrchr for the
 * LFs, then a byte loop only when the window has none), which stops at the
 * first hit, so prose costs little more than the last paragraph of each
 * window. Drains may ask again and again about a growing window; for them a
 * forward scan remembers the last cut of each class, so each byte is read
 * once. consumed forgets it: after a cut the window starts afresh.
 *
 * overlap (--overlap N): the next chunk repeats the longest tail of at most
 * N bytes that starts a word (just after a space, tab or LF), else the
 * longest that starts a character.
 */
#include "boundary.h"

#include <string.h>

#include "utf8.h"

/* The drain scan: buf[0..pos) is read; last[k] is the largest class-k cut
 * in 1..pos (0: none); blank says an LF lies in buf[0..pos) and only
 * blanks follow the last one. */
typedef struct para_state {
	size_t pos;
	size_t last[5];
	int blank;
} para_state;

/* What a blank line may hold besides its LF. */
static int
is_blank(unsigned char b)
{
	return b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == '\v';
}

static int
is_space(unsigned char b)
{
	return b == ' ' || b == '\t';
}

static int
is_term(unsigned char b)
{
	return b == '.' || b == '!' || b == '?';
}

/* p[0..3) is U+3002, U+FF01 or U+FF1F. */
static int
is_cjk_term(const unsigned char *p)
{
	return (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x82) ||
	    (p[0] == 0xEF && p[1] == 0xBC && (p[2] == 0x81 || p[2] == 0x9F));
}

/* The last class-1 cut at or before the LF at buf[lf], or 0. */
static size_t
last_blank_line(const unsigned char *buf, size_t lf)
{
	for (;;) {
		const unsigned char *q;
		size_t i = lf;

		while (i > 0 && is_blank(buf[i - 1]))
			i--;
		if (i == 0)
			return 0; /* the line may have begun before the window */
		if (buf[i - 1] == '\n')
			return lf + 1;
		if ((q = memrchr(buf, '\n', i - 1)) == NULL)
			return 0;
		lf = (size_t)(q - buf);
	}
}

/* A window without LF: the last class-3 cut, else the last class-4 cut
 * (*cls says which), else 0. */
static size_t
last_word(const unsigned char *buf, size_t len, int *cls)
{
	size_t i, word = 0;

	for (i = len; i > 0; i--) {
		unsigned char b = buf[i - 1];

		if (is_space(b)) {
			if (word == 0)
				word = i;
			if ((i >= 2 && is_term(buf[i - 2])) ||
			    (i >= 4 && is_cjk_term(buf + i - 4)))
				return *cls = 3, i;
		} else if ((b == 0x82 || b == 0x81 || b == 0x9F) && i >= 3 &&
		    is_cjk_term(buf + i - 3)) {
			return *cls = 3, i;
		}
	}
	*cls = 4;
	return word;
}

/* A full window (or one at eof): the best cut, searched from the end. */
static size_t
full_find(const unsigned char *buf, size_t len, size_t avail, int eof)
{
	const unsigned char *lf = memrchr(buf, '\n', len);
	size_t p;
	int cls;

	if (lf != NULL) {
		p = last_blank_line(buf, (size_t)(lf - buf));
		return p > 0 ? p : (size_t)(lf - buf) + 1;
	}
	if ((p = last_word(buf, len, &cls)) > 0)
		return p;
	return sg_utf8_cut_ahead(buf, len, avail, eof);
}

/* A drain: classes 1-4 only, scanning forward from where the last drain
 * of this window stopped. */
static size_t
drain_find(para_state *st, const unsigned char *buf, size_t len)
{
	size_t i, k;

	if (len < st->pos)
		memset(st, 0, sizeof *st); /* not the window scanned: start over */
	for (i = st->pos; i < len; i++) {
		unsigned char b = buf[i];

		if (b == '\n') {
			if (st->blank)
				st->last[1] = i + 1;
			st->last[2] = i + 1;
			st->blank = 1;
		} else if (is_space(b)) {
			st->last[4] = i + 1;
			if ((i >= 1 && is_term(buf[i - 1])) ||
			    (i >= 3 && is_cjk_term(buf + i - 3)))
				st->last[3] = i + 1;
		} else if (!is_blank(b)) {
			st->blank = 0;
			if ((b == 0x82 || b == 0x81 || b == 0x9F) && i >= 2 &&
			    is_cjk_term(buf + i - 2))
				st->last[3] = i + 1;
		}
	}
	st->pos = len;
	for (k = 1; k <= 4; k++)
		if (st->last[k] > 0)
			return st->last[k];
	return 0;
}

static size_t
paragraph_find(void *vst, const unsigned char *buf, size_t len, size_t avail, int eof,
	       uint64_t max_records)
{
	if (max_records > 0) {
		/* Only the chunker's "first record" query for --oversize=keep,
		 * after a window too short for one character: as utf8 does,
		 * a record is a character here. */
		size_t p = 0, u;
		uint64_t n;

		for (n = 0; n < max_records && p < len; n++) {
			if ((u = sg_utf8_unit(buf + p, len - p)) == 0)
				return eof && len == avail ? len : p;
			p += u;
		}
		return p;
	}
	if (eof && len == avail)
		return len;
	if (avail == len)
		return drain_find(vst, buf, len);
	return full_find(buf, len, avail, eof);
}

static void
paragraph_consumed(void *vst, size_t n)
{
	(void)n;
	memset(vst, 0, sizeof(para_state));
}

/* Whether s (0 <= s < n) is not inside a valid character of buf[0..n). */
static int
char_start(const unsigned char *buf, size_t n, size_t s)
{
	size_t back, u;

	for (back = 1; back <= 3 && back <= s; back++) {
		if ((buf[s - back] & 0xC0) == 0x80)
			continue;
		/* The unit that holds s starts at the first byte before s
		 * that is not a continuation byte. */
		u = sg_utf8_unit(buf + s - back, n - (s - back));
		return u != 0 && u <= back;
	}
	return 1;
}

static size_t
paragraph_overlap(const unsigned char *buf, size_t n, size_t max)
{
	size_t m = max < n ? max : n, from = n - m, s;

	if (m == 0)
		return 0;
	for (s = from > 0 ? from : 1; s < n; s++)
		if (is_space(buf[s - 1]) || buf[s - 1] == '\n')
			return n - s;
	for (s = from; s < n; s++)
		if (char_start(buf, n, s))
			return n - s;
	return 0;
}

const sg_boundary_ops sg_boundary_paragraph = {
	.name = "paragraph",
	.summary = "at the best break: blank line, newline, sentence, space",
	.has_records = 0,
	.options = SG_BOPT_OVERLAP,
	.part = SG_PART_NONE,
	.state_size = sizeof(para_state),
	.find = paragraph_find,
	.consumed = paragraph_consumed,
	.overlap = paragraph_overlap,
};
