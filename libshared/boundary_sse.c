/* sse: cut between Server-Sent Events, by the WHATWG line rules.
 *
 * A record is an event block: one or more non-empty lines, then an empty
 * line; it ends just after that empty line's terminator. A line ends at
 * CRLF, at a lone LF or at a lone CR; a CR and the LF right after it are
 * one terminator, even when they arrive in different reads. Empty lines
 * before a block's first non-empty line belong to that block, and a block
 * of comments only (": keepalive") is a record like any other. One BOM at
 * the very start of the source is not line content (WHATWG strips it), so
 * it never makes a line non-empty; it stays in the first record's bytes.
 *
 * An empty line ended by a CR that is the last byte available (and not the
 * end of input) does not end its block yet: the next byte may be its LF.
 * At the end of input the end is a record end (a trailing partial event
 * goes in the last chunk).
 *
 * --until-done: the block whose event data is exactly "[DONE]" (one data
 * field, value "[DONE]" after one optional leading space, as OpenAI sends
 * "data: [DONE]") is the last record. find never cuts past it, and once the
 * chunker has consumed it stopped() says so, and the rest is dropped.
 *
 * The scan state is cached across finds, relative to buf[0], with the last
 * memchr results for LF and CR, so that a live stream arriving one byte
 * per read is scanned once.
 */
#include "boundary.h"

#include <string.h>

/* The longest line --until-done needs to see whole: "data: [DONE]". */
#define LINE_KEEP 12

typedef struct sse_state {
	int until_done;
	size_t pos;               /* buf[0..pos) is scanned */
	uint64_t nrec;            /* record ends in buf[1..pos] */
	size_t first_end;         /* the first of them, if any */
	size_t last_end;          /* the last of them, if any */

	/* the parser at pos */
	unsigned char bom_known;  /* whether the source starts with a BOM is settled */
	unsigned char bom_left;   /* bytes of that BOM still to pass */
	unsigned char in_line;    /* inside a non-empty line */
	unsigned char in_block;   /* the block has a non-empty line */
	unsigned char cr;         /* the last byte was a CR that ended a line */
	unsigned char cr_ends;    /* ... an empty line, which ends the block */

	/* --until-done */
	unsigned char data_lines; /* data fields in the block: 0, 1, 2 for more */
	unsigned char data_done;  /* the block's first data field is "[DONE]" */
	unsigned char done;       /* the [DONE] block ends at last_end; no scan past it */
	unsigned char stopped;    /* the chunker consumed it */
	size_t line_len;          /* bytes in the current line, at most LINE_KEEP + 1 */
	unsigned char line[LINE_KEEP]; /* its first bytes */

	/* The next LF and CR at or after pos: found at `at`, or none before `at`. */
	size_t lf_at, cr_at;
	unsigned char lf_found, cr_found;
} sse_state;

static void
sse_reset(void *st, const sg_boundary_params *p)
{
	sse_state *s = st;

	s->until_done = p != NULL && p->until_done;
}

/* The first ch in buf[p..limit), or limit, using and updating the cached
 * result of the last search so that no byte is searched twice. */
static size_t
next_byte(const unsigned char *buf, size_t p, size_t limit, int ch, size_t *at,
	  unsigned char *found)
{
	const unsigned char *q;

	if (*found && *at >= p)
		return *at < limit ? *at : limit;
	if (!*found && *at > p)
		p = *at;  /* none before *at */
	if (p >= limit)
		return limit;
	if ((q = memchr(buf + p, ch, limit - p)) == NULL) {
		*found = 0;
		*at = limit;
		return limit;
	}
	*found = 1;
	*at = (size_t)(q - buf);
	return *at;
}

static void
forget_search(sse_state *s)
{
	s->lf_at = s->cr_at = 0;
	s->lf_found = s->cr_found = 0;
}

/* The parser as at the start of a block (just after a record end). */
static void
fresh_block(sse_state *s)
{
	s->bom_left = 0;
	s->in_line = s->in_block = 0;
	s->cr = s->cr_ends = 0;
	s->data_lines = s->data_done = 0;
	s->done = 0;
	s->line_len = 0;
	forget_search(s);
}

static void
line_add(sse_state *s, const unsigned char *p, size_t n)
{
	if (s->line_len < LINE_KEEP)
		memcpy(s->line + s->line_len, p,
		    n < LINE_KEEP - s->line_len ? n : LINE_KEEP - s->line_len);
	s->line_len = n > LINE_KEEP + 1 - s->line_len ? LINE_KEEP + 1 : s->line_len + n;
}

/* A non-empty line ended: note its data field for --until-done. The field
 * name is all before the first ':', or the whole line. */
static void
line_end(sse_state *s)
{
	const unsigned char *l = s->line;
	size_t n = s->line_len;
	int done;

	s->in_line = 0;
	if (!((n == 4 && memcmp(l, "data", 4) == 0) || (n >= 5 && memcmp(l, "data:", 5) == 0)))
		return;
	done = (n == 11 && memcmp(l + 5, "[DONE]", 6) == 0) ||
	    (n == 12 && memcmp(l + 5, " [DONE]", 7) == 0);
	if (s->data_lines < 2 && s->data_lines++ == 0)
		s->data_done = (unsigned char)done;
}

static void
record_end(sse_state *s, size_t at)
{
	if (s->nrec++ == 0)
		s->first_end = at;
	s->last_end = at;
	if (s->until_done && s->data_lines == 1 && s->data_done)
		s->done = 1;
	s->in_block = 0;
	s->data_lines = s->data_done = 0;
}

/* Scan on to limit, stopping just after record end number stop (0: no
 * stop) or after the [DONE] block. Bytes up to avail may be looked at;
 * at_end says the input ends at limit. */
static void
scan(sse_state *s, const unsigned char *buf, size_t limit, size_t avail, int at_end,
     uint64_t stop)
{
	size_t p = s->pos;

	while (p < limit && !s->done && (stop == 0 || s->nrec < stop)) {
		size_t lf, cr;

		if (s->bom_left > 0) {
			size_t k = limit - p < s->bom_left ? limit - p : s->bom_left;

			p += k;
			s->bom_left -= (unsigned char)k;
			continue;
		}
		if (s->cr) {
			/* An LF right after a CR is part of that line end. */
			s->cr = 0;
			if (buf[p] == '\n')
				p++;
			if (s->cr_ends) {
				s->cr_ends = 0;
				record_end(s, p);
			}
			continue;
		}
		if (!s->in_line) {
			if (buf[p] == '\r') {  /* an empty line, ended by CR(LF) */
				s->cr = 1;
				s->cr_ends = s->in_block;
				p++;
				continue;
			}
			if (buf[p] == '\n') {  /* an empty line, ended by LF */
				p++;
				if (s->in_block)
					record_end(s, p);
				continue;
			}
			s->in_line = s->in_block = 1;
			s->line_len = 0;
		}
		/* Inside a non-empty line: skip to its end. */
		lf = next_byte(buf, p, limit, '\n', &s->lf_at, &s->lf_found);
		cr = next_byte(buf, p, limit, '\r', &s->cr_at, &s->cr_found);
		if (cr < lf)
			lf = cr;
		if (s->until_done)
			line_add(s, buf + p, lf - p);
		p = lf;
		if (p == limit)
			break;
		line_end(s);
		s->cr = buf[p] == '\r';
		p++;
	}
	/* A CR ending the block, with the byte after it in sight: unless
	 * that is its LF, the block ends just after the CR. So it does at
	 * the end of input (which matters to --until-done). */
	if (p == limit && s->cr && s->cr_ends && (p < avail ? buf[p] != '\n' : at_end) &&
	    !s->done && (stop == 0 || s->nrec < stop)) {
		s->cr = s->cr_ends = 0;
		record_end(s, p);
	}
	s->pos = p;
}

static size_t
sse_find(void *st, const unsigned char *buf, size_t len, size_t avail, int eof,
	 uint64_t max_records)
{
	sse_state *s = st;

	/* buf[0] is the start of the source until this is settled; no
	 * record ends within 3 bytes, so waiting costs nothing. */
	if (!s->bom_known) {
		if (avail < 3 && !eof)
			return 0;
		s->bom_known = 1;
		s->bom_left = avail >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	}
	/* A wider window (--oversize=keep) or a larger --records scanned
	 * further than this call may look: answer from what is known, or
	 * scan again from the first record end, where a block starts. */
	if (s->pos > len || (max_records > 0 && s->nrec > max_records)) {
		if (s->nrec == 0 || s->first_end > len)
			return 0;
		if (max_records == 1 || s->nrec == 1)
			return s->first_end;
		fresh_block(s);
		s->pos = s->last_end = s->first_end;
		s->nrec = 1;
	}
	if (!s->done && (max_records == 0 || s->nrec < max_records))
		scan(s, buf, len, avail, eof && len == avail, max_records);
	if (s->done || (max_records > 0 && s->nrec == max_records))
		return s->last_end;
	if (eof && len == avail)
		return len;  /* the end of input ends the last record */
	return s->last_end;
}

static void
rebase(size_t *at, unsigned char *found, size_t n)
{
	if (*at >= n) {
		*at -= n;
	} else {
		*at = 0;
		*found = 0;
	}
}

static void
sse_consumed(void *st, size_t n)
{
	sse_state *s = st;

	if (s->done && n == s->last_end) {
		/* The [DONE] block went out: the source is over. Should the
		 * caller go on anyway, it gets plain cuts. */
		s->stopped = 1;
		s->until_done = 0;
	}
	s->done = 0;
	if (n > s->pos) {
		/* Only the rest of a character that an oversize split cut
		 * (the chunker emits it without a find): UTF-8 continuation
		 * bytes, never a line end; they may finish the BOM. A line
		 * holding them is no "data: [DONE]", so mark it long (its
		 * first bytes are then only compared when they were kept). */
		size_t k = n - s->pos;

		s->bom_left -= (unsigned char)(k < s->bom_left ? k : s->bom_left);
		if (s->line_len < 5)
			memset(s->line, 0, sizeof s->line);
		if (s->in_line)
			s->line_len = LINE_KEEP + 1;
	}
	if (n >= s->last_end) {
		/* No record ends in buf[n..pos): the state there holds. */
		s->pos = n < s->pos ? s->pos - n : 0;
		rebase(&s->lf_at, &s->lf_found, n);
		rebase(&s->cr_at, &s->cr_found, n);
	} else {
		/* An earlier record end (a --header query after a wider
		 * scan): start again from there. An oversize cut is never
		 * here: the chunker makes one only after a find that saw no
		 * record end, so last_end is 0 then. */
		fresh_block(s);
		s->pos = 0;
	}
	s->nrec = 0;
	s->first_end = s->last_end = 0;
}

static int
sse_stopped(void *st)
{
	return ((sse_state *)st)->stopped;
}

const sg_boundary_ops sg_boundary_sse = {
	.name = "sse",
	.summary = "between Server-Sent Events (WHATWG)",
	.has_records = 1,
	.options = SG_BOPT_UNTIL_DONE,
	.part = SG_PART_NONE,
	.state_size = sizeof(sse_state),
	.reset = sse_reset,
	.find = sse_find,
	.consumed = sse_consumed,
	.stopped = sse_stopped,
};
