/* csv: cut between RFC 4180 records, whose quoted fields may hold newlines.
 *
 * A record ends just after an LF that is not inside a quoted field. A CR
 * before that LF belongs to the record (CRLF files work); a lone CR is an
 * ordinary byte. Fields are separated by ','. The quote rules are those of
 * Python's csv module with its default dialect: a field that begins with
 * '"' is quoted; inside it "" is an escaped quote, and '"' followed by
 * anything else closes the quoted part, after which the bytes up to the
 * next ',' or line end still belong to the field (lenient, as Python); a
 * '"' in the middle of an unquoted field is literal. At the end of input
 * the end is a record end, so an unterminated quote makes the rest of the
 * input one record, which --oversize handles.
 *
 * The scan state (position, quote state, record ends seen) is cached across
 * finds, relative to buf[0], so that a window growing one byte at a time is
 * scanned once.
 */
#include "boundary.h"

#include <string.h>

enum csv_quote {
	Q_START,  /* at the start of a field (and of a record) */
	Q_UNQ,    /* in an unquoted field, or after a closing quote */
	Q_IN,     /* inside a quoted field */
	Q_SEEN,   /* inside a quoted field, just after a '"': "" or the end */
};

typedef struct csv_state {
	size_t pos;         /* buf[0..pos) is scanned */
	int q;              /* enum csv_quote at pos */
	uint64_t nrec;      /* record ends in buf[1..pos] */
	size_t first_end;   /* the first of them, if any */
	size_t last_end;    /* the last of them, if any */
} csv_state;

/* Whether a word holds a zero byte (exact, without false positives). */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)
#define HAS_ZERO(v) (((v) - ONES) & ~(v) & HIGHS)

/* The first '"' or LF in buf[p..limit), or limit. Outside quotes nothing
 * else needs a look: a ',' only matters to the '"' right after it. */
static size_t
skip_plain(const unsigned char *buf, size_t p, size_t limit)
{
	for (; p + 8 <= limit; p += 8) {
		uint64_t w;

		memcpy(&w, buf + p, 8);
		if (HAS_ZERO(w ^ (ONES * '"')) | HAS_ZERO(w ^ (ONES * '\n')))
			break;
	}
	for (; p < limit; p++)
		if (buf[p] == '"' || buf[p] == '\n')
			break;
	return p;
}

static void
record_end(csv_state *s, size_t at)
{
	if (s->nrec++ == 0)
		s->first_end = at;
	s->last_end = at;
}

/* Scan on to limit, stopping just after record end number stop (0: no
 * stop), so that a cut there leaves nothing scanned past it. */
static void
scan(csv_state *s, const unsigned char *buf, size_t limit, uint64_t stop)
{
	size_t p = s->pos;
	int q = s->q;

	while (p < limit) {
		size_t start;

		if (q == Q_IN) {
			const unsigned char *e = memchr(buf + p, '"', limit - p);

			if (e == NULL) {
				p = limit;
				break;
			}
			p = (size_t)(e - buf) + 1;
			q = Q_SEEN;
			continue;
		}
		if (q == Q_SEEN) {
			if (buf[p] == '"') {  /* "" is a quote in the field */
				q = Q_IN;
				p++;
				continue;
			}
			q = Q_UNQ;  /* closed: the rest of the field is plain */
		}
		start = p;
		p = skip_plain(buf, p, limit);
		if (p == limit) {
			if (p > start)
				q = buf[p - 1] == ',' ? Q_START : Q_UNQ;
			break;
		}
		if (buf[p] == '\n') {
			q = Q_START;
			record_end(s, ++p);
			if (stop > 0 && s->nrec >= stop)
				break;
			continue;
		}
		/* A '"' opens a quoted field only where a field starts. */
		if (p > start ? buf[p - 1] == ',' : q == Q_START)
			q = Q_IN;
		else
			q = Q_UNQ;
		p++;
	}
	s->pos = p;
	s->q = q;
}

static size_t
csv_find(void *st, const unsigned char *buf, size_t len, size_t avail, int eof,
	 uint64_t max_records)
{
	csv_state *s = st;

	/* A wider window (--oversize=keep) or a larger --records scanned
	 * further than this call may look: answer from what is known, or
	 * scan again from the first record end, where the state is plain. */
	if (s->pos > len || (max_records > 0 && s->nrec > max_records)) {
		if (s->nrec == 0 || s->first_end > len)
			return 0;
		if (max_records == 1 || s->nrec == 1)
			return s->first_end;
		s->pos = s->last_end = s->first_end;
		s->q = Q_START;
		s->nrec = 1;
	}
	if (max_records == 0 || s->nrec < max_records)
		scan(s, buf, len, max_records);
	if (max_records > 0 && s->nrec == max_records)
		return s->last_end;
	if (eof && len == avail)
		return len;  /* the end of input ends the last record */
	return s->last_end;
}

static void
csv_consumed(void *st, size_t n)
{
	csv_state *s = st;

	if (n >= s->pos) {
		/* Past the scan only by the rest of a character an oversize
		 * split cut (the chunker emits it without a find): UTF-8
		 * continuation bytes, ordinary in any field. */
		if (n > s->pos && (s->q == Q_START || s->q == Q_SEEN))
			s->q = Q_UNQ;
		s->pos = 0;
	} else if (n >= s->last_end) {
		/* No record ends in buf[n..pos): the state there holds. */
		s->pos -= n;
	} else {
		/* An earlier record end (a --header query after a wider
		 * scan): start again from there. An oversize cut is never
		 * here: the chunker makes one only after a find that saw no
		 * record end, so last_end is 0 then. */
		s->pos = 0;
		s->q = Q_START;
	}
	s->nrec = 0;
	s->first_end = s->last_end = 0;
}

const sg_boundary_ops sg_boundary_csv = {
	.name = "csv",
	.summary = "between RFC 4180 records (quoted fields may hold newlines)",
	.has_records = 1,
	.options = SG_BOPT_HEADER,
	.part = SG_PART_NONE,
	.state_size = sizeof(csv_state),
	.find = csv_find,
	.consumed = csv_consumed,
};
