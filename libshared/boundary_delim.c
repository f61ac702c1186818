/* delim: a record ends just after each occurrence of a separator (-d, 1 to
 * 255 bytes, any bytes: '\0', "</doc>", "\r\n").
 *
 * Occurrences are found left to right without overlaps: after a match at
 * i the search goes on at i + len, so "aa" in "aaaaa" ends records at 2
 * and 4. The search starts where the source starts, and again after each
 * cut: a record end is a match end, so that changes nothing, except after
 * an oversize cut (a record longer than the window, split anywhere): the
 * search resumes at the cut, and a separator the cut went through is not
 * seen. A separator that runs past the window end is not a match until the
 * window grows to hold it. At the end of input the end is a record end.
 *
 * The scan is cached: find may be asked about the same growing window
 * many times (a live input), and goes on from where it stopped. With no
 * --records limit a 1-byte separator is searched with memrchr from the
 * window end, as only the last record end matters; a longer one needs the
 * forward search, since with self-overlap ("aa") a backward search can
 * pick matches the forward one does not.
 */
#include "boundary.h"

#include <string.h>

typedef struct delim_state {
	const unsigned char *sep;
	size_t sep_len;
	/* Relative to buf[0]: last is the end of the last match found (0:
	 * none yet), count the matches in buf[0..last) when exact, and no
	 * match starts in [last, pos). */
	size_t last, pos;
	uint64_t count;
	int inexact;   /* memrchr skipped matches: count is unknown */
} delim_state;

#define DELIM_MAX 255u

static int
delim_check(const sg_boundary_params *p, sg_err *e)
{
	if (p->delim == NULL || p->delim_len == 0)
		return sg_err_set(e, SG_EUSAGE, "delim needs a separator: -d SEP");
	if (p->delim_len > DELIM_MAX)
		return sg_err_set(e, SG_EUSAGE, "the separator is %zu bytes, longer than %u",
		    p->delim_len, DELIM_MAX);
	return 0;
}

static void
delim_reset(void *vst, const sg_boundary_params *p)
{
	delim_state *st = vst;

	st->sep = p->delim;
	st->sep_len = p->delim != NULL ? p->delim_len : 0;
}

static void
forget(delim_state *st)
{
	st->last = st->pos = 0;
	st->count = 0;
	st->inexact = 0;
}

/* Find matches forward in buf[0..len) until there are max (0: no limit). */
static void
scan_forward(delim_state *st, const unsigned char *buf, size_t len, uint64_t max)
{
	const unsigned char *sep = st->sep, *q;
	size_t n = st->sep_len;

	while (max == 0 || st->count < max) {
		if (st->pos + n > len)
			return;
		if (n == 1)
			q = memchr(buf + st->pos, sep[0], len - st->pos);
		else
			q = memmem(buf + st->pos, len - st->pos, sep, n);
		if (q == NULL) {
			st->pos = len - n + 1;
			return;
		}
		st->last = st->pos = (size_t)(q - buf) + n;
		st->count++;
	}
}

static size_t
delim_find(void *vst, const unsigned char *buf, size_t len, size_t avail, int eof,
	   uint64_t max_records)
{
	delim_state *st = vst;
	int end = eof && len == avail; /* the window ends the input */

	if (st->sep_len == 0)
		return end ? len : 0;
	/* The chunker only grows the window between cuts and asks with one
	 * limit; if not, the cache cannot answer: scan again. */
	if (st->last > len || (max_records > 0 && (st->inexact || st->count > max_records)))
		forget(st);
	if (max_records == 0 && st->sep_len == 1) {
		const unsigned char *q = NULL;

		if (st->pos < len)
			q = memrchr(buf + st->pos, st->sep[0], len - st->pos);
		if (q != NULL) {
			st->last = (size_t)(q - buf) + 1;
			st->inexact = 1;
		}
		if (st->pos < len)
			st->pos = len;
	} else {
		scan_forward(st, buf, len, max_records);
	}
	if (end && (max_records == 0 || st->count < max_records))
		return len;
	return st->last;
}

static void
delim_consumed(void *vst, size_t n)
{
	delim_state *st = vst;

	/* Chunks end at the last match found, or are oversize cuts made
	 * when there was none: matches past n are not kept. */
	if (st->last > n) {
		forget(st);
		return;
	}
	st->pos = st->pos > n ? st->pos - n : 0;
	st->last = 0;
	st->count = 0;
	st->inexact = 0;
}

const sg_boundary_ops sg_boundary_delim = {
	.name = "delim",
	.summary = "after a separator given with -d (e.g. '\\0', '</doc>')",
	.has_records = 1,
	.options = SG_BOPT_DELIM,
	.part = SG_PART_DELIM,
	.state_size = sizeof(delim_state),
	.check = delim_check,
	.reset = delim_reset,
	.find = delim_find,
	.consumed = delim_consumed,
};
