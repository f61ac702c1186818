/* test_boundary.c: property tests of the strategies (bytes, utf8, lines)
 * driven through the chunker, plus their edge cases.
 *
 * Each run cuts a random input (text with LF, CRLF and lone CR, NUL bytes,
 * multi-byte and invalid UTF-8, very long lines, random bytes) with random
 * options and random read splits, collects the frames in memory, and checks
 * what DESIGN.md promises: the payloads concatenate to the input, every cut
 * is safe, chunks respect --size and --records, the frame sequence and END
 * totals are right, and without drains the cuts do not depend on the read
 * split. Failures are collected by kind and reported with the seed.
 */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boundary.h"
#include "chunker.h"
#include "utf8.h"

/* --- inputs ------------------------------------------------------------- */

static void
put_str(sgt_buf *b, const char *s)
{
	sgt_buf_put(b, s, strlen(s));
}

static void
put_word(sgt_rng *r, sgt_buf *b)
{
	size_t n = (size_t)sgt_range(r, 1, 12), i;

	for (i = 0; i < n; i++)
		sgt_buf_byte(b, (unsigned char)('a' + sgt_below(r, 26)));
}

static void
put_char(sgt_rng *r, sgt_buf *b)
{
	static const char *chars[] = {
		"\xC3\xA9", "\xC2\x80", "\xDF\xBF", "\xE2\x82\xAC", "\xE0\xA0\x80",
		"\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBD", "\xF0\x9D\x84\x9E",
		"\xF0\x9F\x98\x80", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF",
		"\xF3\xA0\x81\x81",
	};

	put_str(b, chars[sgt_below(r, sizeof chars / sizeof chars[0])]);
}

static void
put_invalid(sgt_rng *r, sgt_buf *b)
{
	static const char *bad[] = {
		"\x80", "\xBF", "\xC0\xAF", "\xC1\xBF", "\xF5", "\xFF", "\xFE",
		"\xE2\x82", "\xF0\x9D\x84", "\xC3", "\xED\xA0\x80", "\xED\xBF\xBF",
		"\xE0\x80\x80", "\xF0\x80\x80\x80", "\xF4\x90\x80\x80", "\xE2\x28\xA1",
		"\xF0\x9D", "\xC3\x0A",
	};

	put_str(b, bad[sgt_below(r, sizeof bad / sizeof bad[0])]);
}

/* Kinds of material an input is made of; a profile weighs them. */
enum { K_WORD, K_LF, K_CRLF, K_CR, K_NUL, K_CHAR, K_INVALID, K_LONG, K_RANDOM,
	K_BLANK, K_N };

static const char *profile_names[] = {
	"text", "crlf", "cr-only", "utf8", "invalid-utf8", "nul", "long-lines",
	"random-bytes", "mixed", "no-newline",
};

static const unsigned profiles[][K_N] = {
	/*  word  lf crlf  cr nul char inv long rand blank */
	{   60,  12,  0,   0,  0,  0,   0,  0,   0,   2 },  /* text */
	{   60,   0, 12,   0,  0,  2,   0,  0,   0,   0 },  /* crlf */
	{   60,   0,  0,  12,  0,  2,   0,  0,   0,   0 },  /* cr-only */
	{   30,   8,  0,   0,  0, 50,   0,  0,   0,   1 },  /* utf8 */
	{   30,   8,  0,   1,  0, 30,  30,  0,   0,   0 },  /* invalid-utf8 */
	{   30,   8,  0,   0, 30, 10,   0,  0,   0,   0 },  /* nul */
	{   20,   4,  1,   0,  0, 20,   2,  3,   0,   0 },  /* long-lines */
	{    0,   0,  0,   0,  0,  0,   0,  0, 100,   0 },  /* random-bytes */
	{   20,   6,  4,   3,  3, 20,  10,  1,   3,   3 },  /* mixed */
	{   40,   0,  0,   3,  2, 30,  10,  1,   0,   0 },  /* no-newline */
};
#define NPROFILES (sizeof profiles / sizeof profiles[0])

static void
make_input(sgt_rng *r, size_t want, unsigned prof, sgt_buf *b)
{
	unsigned total = 0, k;

	for (k = 0; k < K_N; k++)
		total += profiles[prof][k];
	b->len = 0;
	while (b->len < want) {
		unsigned x = (unsigned)sgt_below(r, total);

		for (k = 0; x >= profiles[prof][k]; k++)
			x -= profiles[prof][k];
		switch (k) {
		case K_WORD: put_word(r, b); sgt_buf_byte(b, ' '); break;
		case K_LF: sgt_buf_byte(b, '\n'); break;
		case K_CRLF: put_str(b, "\r\n"); break;
		case K_CR: sgt_buf_byte(b, '\r'); break;
		case K_NUL: sgt_buf_byte(b, '\0'); break;
		case K_CHAR: put_char(r, b); break;
		case K_INVALID: put_invalid(r, b); break;
		case K_LONG: {
			size_t n = (size_t)sgt_range(r, 1000, 100000), i;

			for (i = 0; i < n; i++)
				sgt_buf_byte(b, (unsigned char)('A' + i % 26));
			break;
		}
		case K_RANDOM: sgt_buf_byte(b, (unsigned char)sgt_next(r)); break;
		default: put_str(b, "\n\n\n"); break;
		}
	}
	b->len = want;  /* may end inside a character or a CRLF */
}

static size_t
random_length(sgt_rng *r)
{
	switch (sgt_below(r, 10)) {
	case 0: return 0;
	case 1: case 2: return (size_t)sgt_range(r, 1, 64);
	case 3: case 4: case 5: return (size_t)sgt_range(r, 65, 4096);
	case 6: case 7: case 8: return (size_t)sgt_range(r, 4097, 65536);
	default: return (size_t)sgt_range(r, 65537, 200 * 1024);
	}
}

/* --- one run ----------------------------------------------------------- */

typedef struct cfg {
	const sg_boundary_ops *strat;
	uint64_t size;        /* 0: auto */
	uint64_t records;
	int oversize;
	unsigned drain_pct;
	unsigned prof;
} cfg;

typedef struct result {
	sgt_stream s;
	int rc;
	sg_err e;
} result;

static void
chunk_input(const cfg *c, const unsigned char *in, size_t len, sgt_rng *r, result *res)
{
	sg_chunk_opts o = {
		.strategy = c->strat, .size = c->size, .records = c->records,
		.oversize = c->oversize,
	};
	sg_chunker *ch;
	sg_meta m;

	sgt_stream_init(&res->s);
	sg_err_clear(&res->e);
	if ((ch = sg_chunker_new(&o, sgt_emit, &res->s, &res->e)) == NULL) {
		res->rc = res->e.code;
		return;
	}
	sg_meta_clear(&m);
	sg_meta_set_name(&m, "in", 2);
	m.size = len;
	m.have |= SG_META_HAS(SG_META_SIZE);
	res->rc = sg_chunker_begin(ch, &m, &res->e);
	if (res->rc == 0)
		res->rc = sgt_feed(ch, in, len, r, c->drain_pct, &res->e);
	if (res->rc == 0 && sg_chunker_consumed(ch) != len)
		res->rc = sg_err_set(&res->e, SG_EINTERNAL, "consumed %llu of %zu",
		    (unsigned long long)sg_chunker_consumed(ch), len);
	if (res->rc == 0)
		res->rc = sg_chunker_end(ch, 1, &res->e);
	sg_chunker_free(ch);
}

/* --- failure bookkeeping ------------------------------------------------ */

typedef struct prop {
	char where[200];      /* the current run, for messages */
	unsigned runs, failed;
	unsigned nkinds;
	struct { char tag[40]; unsigned count; char example[600]; } kind[24];
} prop;

static void note(prop *p, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
note(prop *p, const char *tag, const char *fmt, ...)
{
	unsigned k;
	va_list ap;

	for (k = 0; k < p->nkinds; k++)
		if (strcmp(p->kind[k].tag, tag) == 0)
			break;
	if (k == p->nkinds) {
		if (k == sizeof p->kind / sizeof p->kind[0])
			return;
		p->nkinds++;
		snprintf(p->kind[k].tag, sizeof p->kind[k].tag, "%s", tag);
		p->kind[k].count = 0;
		{
			char *ex = p->kind[k].example;
			size_t cap = sizeof p->kind[k].example, n;

			va_start(ap, fmt);
			vsnprintf(ex, cap, fmt, ap);
			va_end(ap);
			n = strlen(ex);
			if (n + 4 < cap) {
				memcpy(ex + n, " (", 2);
				n += 2;
				n += strlen(strncpy(ex + n, p->where, cap - n - 2));
				ex[cap - 2] = '\0';
				if (n < cap - 1) {
					ex[n] = ')';
					ex[n + 1] = '\0';
				}
			}
		}
	}
	p->kind[k].count++;
}

static unsigned
report(prop *p, const char *name)
{
	unsigned k;

	printf("[   PROP   ] %s: %u runs, %u failed\n", name, p->runs, p->failed);
	for (k = 0; k < p->nkinds; k++)
		printf("[   PROP   ]   %s x%u, e.g. %s\n", p->kind[k].tag, p->kind[k].count,
		    p->kind[k].example);
	fflush(stdout);
	if (p->failed > 0)
		print_error("%s: %u of %u runs broke a property (first kind: %s)\n", name,
		    p->failed, p->runs, p->kind[0].tag);
	return p->failed;
}

#define CHECK(tag, cond, ...) do { \
	if (!(cond)) { note(p, tag, __VA_ARGS__); return -1; } \
} while (0)

/* --- the properties ------------------------------------------------------ */

static int is_lines(const cfg *c) { return c->strat == &sg_boundary_lines; }
static int is_utf8(const cfg *c) { return c->strat == &sg_boundary_utf8; }
static int is_bytes(const cfg *c) { return c->strat == &sg_boundary_bytes; }

/* The record (line) that holds byte pos: [start, end). */
static size_t
rec_start(const unsigned char *in, size_t pos)
{
	const unsigned char *nl = pos > 0 ? memrchr(in, '\n', pos) : NULL;

	return nl != NULL ? (size_t)(nl - in) + 1 : 0;
}

static size_t
rec_end(const unsigned char *in, size_t len, size_t pos)
{
	const unsigned char *nl = pos < len ? memchr(in + pos, '\n', len - pos) : NULL;

	return nl != NULL ? (size_t)(nl - in) + 1 : len;
}

static size_t
longest_record(const unsigned char *in, size_t len)
{
	size_t pos = 0, best = 0;

	while (pos < len) {
		size_t e = rec_end(in, len, pos);

		if (e - pos > best)
			best = e - pos;
		pos = e;
	}
	return best;
}

/* Records in a chunk: its newlines, plus a final unterminated piece. */
static uint64_t
records_in(const unsigned char *p, size_t n)
{
	uint64_t k = 0;
	const unsigned char *q = p, *end = p + n;

	while ((q = memchr(q, '\n', (size_t)(end - q))) != NULL) {
		k++;
		q++;
	}
	if (n > 0 && p[n - 1] != '\n')
		k++;
	return k;
}

/* The end of the first record of a window, or 0 if it does not end there. */
static size_t
after_nth_newline(const unsigned char *p, size_t n, uint64_t nth)
{
	const unsigned char *q = p, *end = p + n;
	uint64_t k;

	for (k = 0; k < nth; k++) {
		q = memchr(q, '\n', (size_t)(end - q));
		if (q == NULL)
			return 0;
		q++;
	}
	return (size_t)(q - p);
}

static size_t
last_newline_end(const unsigned char *p, size_t n)
{
	const unsigned char *q = n > 0 ? memrchr(p, '\n', n) : NULL;

	return q != NULL ? (size_t)(q - p) + 1 : 0;
}

/* The reference cut of the utf8 strategy in a window that may continue. */
static size_t
ref_utf8_cut(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		int c = sgt_ref_char(p, n, i);

		if (c == 0)
			return i;
		i += c < 0 ? 1 : (size_t)c;
	}
	return n;
}

static uint64_t
expect_chunk_size(const cfg *c, size_t len)
{
	uint64_t want = len / 16, s = 64 * 1024;

	if (c->size != 0)
		return c->size;
	while (s < want && s < 4u * 1024 * 1024)
		s *= 2;
	return s;
}

/* The length of the unit (valid character, or single byte) holding pos. */
static size_t
unit_len_at(const unsigned char *in, size_t len, const unsigned char *inside, size_t pos)
{
	size_t start = pos;
	int c;

	while (start > 0 && inside[start])
		start--;
	c = sgt_ref_char(in, len, start);
	return c > 0 ? (size_t)c : 1;
}

/* Check the frames of one run. Returns 0, or -1 after noting a failure. */
static int
check_run(prop *p, const cfg *c, const unsigned char *in, size_t len,
	  const unsigned char *inside, const result *res)
{
	const sgt_stream *s = &res->s;
	uint64_t size = expect_chunk_size(c, len);
	size_t i, off = 0, ndata, longest = is_lines(c) ? longest_record(in, len) : 0;
	int failed = res->rc != 0;
	/* a window too small for a 4-byte character: splits inside one are
	 * allowed, flagged */
	int tiny = !is_bytes(c) && size < 4;
	sg_meta m;
	sg_err e;

	/* Only --oversize=error may fail, on a line longer than --size. */
	if (failed) {
		CHECK("unexpected-error", res->rc == SG_EDATA && c->oversize == SG_OVERSIZE_ERROR,
		    "rc %d: %s", res->rc, res->e.msg);
		CHECK("error-message", strstr(res->e.msg, "larger than --size") != NULL,
		    "message \"%s\"", res->e.msg);
	} else if (is_lines(c) && c->oversize == SG_OVERSIZE_ERROR) {
		CHECK("error-not-raised", longest <= size,
		    "a %zu-byte line passed --size %llu with --oversize=error", longest,
		    (unsigned long long)size);
	}

	/* BEGIN */
	CHECK("begin", s->n >= 1 && s->f[0].h.type == SG_TYPE_BEGIN && s->f[0].h.seq == 0 &&
	    s->f[0].h.source == 0 && s->f[0].h.offset == 0 && s->f[0].h.flags == 0,
	    "first frame is not BEGIN seq 0 (of %zu frames)", s->n);
	sg_err_clear(&e);
	CHECK("begin-meta", sg_meta_decode(sgt_payload(s, 0), s->f[0].h.size, &m, &e) == 0 &&
	    strcmp(m.strategy, c->strat->name) == 0 && m.chunk_size == size &&
	    m.records == c->records && strcmp(m.oversize, sg_oversize_name(c->oversize)) == 0 &&
	    m.name_len == 2 && memcmp(m.name, "in", 2) == 0 && m.size == len,
	    "BEGIN metadata: strategy %s chunk_size %llu records %llu oversize %s",
	    m.strategy, (unsigned long long)m.chunk_size, (unsigned long long)m.records,
	    m.oversize);

	ndata = s->n - (failed ? 1 : 2);
	if (!failed)
		CHECK("frame-count", s->n >= 2, "%zu frames", s->n);
	for (i = 1; i <= ndata; i++) {
		const sg_frame_hdr *h = &s->f[i].h;
		const unsigned char *pl = sgt_payload(s, i);
		size_t end = off + h->size;
		int over = (h->flags & SG_FLAG_OVERSIZE) != 0;

		CHECK("data-frame", h->type == SG_TYPE_DATA && h->codec == SG_CODEC_NONE &&
		    h->source == 0 && h->context == 0 && h->stored == h->size,
		    "frame %zu: type %u codec %u source %u", i, h->type, h->codec, h->source);
		CHECK("seq", h->seq == i, "frame %zu has seq %llu", i, (unsigned long long)h->seq);
		CHECK("offset", h->offset == off, "frame %zu offset %llu, want %zu", i,
		    (unsigned long long)h->offset, off);
		CHECK("empty-chunk", h->size > 0, "frame %zu is empty", i);
		CHECK("past-input", end <= len, "frame %zu ends at %zu past %zu", i, end, len);
		CHECK("payload", memcmp(pl, in + off, h->size) == 0,
		    "frame %zu payload differs from input at %zu", i, off);
		CHECK("payload-sum", h->payload_sum == sgt_xxh3(pl, h->size),
		    "frame %zu payload checksum", i);
		CHECK("flags", (h->flags & ~SG_FLAG_OVERSIZE) == 0, "frame %zu flags 0x%x", i,
		    h->flags);
		if (c->oversize == SG_OVERSIZE_KEEP) {
			CHECK("keep-cap", h->size <= SG_CHUNK_KEEP_MAX, "frame %zu: %u bytes", i, h->size);
			if (h->size > size && is_utf8(c))
				CHECK("keep-one-record", sgt_ref_char(in, len, off) == (int)h->size,
				    "frame %zu: %u bytes over --size %llu are not one valid character", i,
				    h->size, (unsigned long long)size);
			else if (h->size > size)
				CHECK("keep-one-record", is_lines(c) && records_in(pl, h->size) == 1 &&
				    (pl[h->size - 1] == '\n' || end == len),
				    "frame %zu: %u bytes over --size %llu are not one record", i,
				    h->size, (unsigned long long)size);
		} else {
			CHECK("size", h->size <= size, "frame %zu: %u bytes > --size %llu", i,
			    h->size, (unsigned long long)size);
		}
		if (over && is_utf8(c)) {
			size_t u = unit_len_at(in, len, inside, off);

			CHECK("oversize-flag-policy", tiny && c->oversize == SG_OVERSIZE_SPLIT,
			    "frame %zu flagged oversize", i);
			CHECK("oversize-flag-fits", u > size,
			    "frame %zu flagged oversize, but its %zu-byte unit (character or invalid "
			    "byte) fits --size %llu",
			    i, u, (unsigned long long)size);
		} else if (over) {
			size_t rs = rec_start(in, off), re = rec_end(in, len, off);

			CHECK("oversize-flag-policy", is_lines(c) && c->oversize == SG_OVERSIZE_SPLIT,
			    "frame %zu flagged oversize", i);
			CHECK("oversize-flag-newline", memchr(pl, '\n', h->size) == NULL,
			    "frame %zu flagged oversize holds a newline", i);
			CHECK("oversize-flag-fits", re - rs > size,
			    "frame %zu flagged oversize, but its %zu-byte record%s fits --size %llu",
			    i, re - rs, re == len && in[len - 1] != '\n' ?
			    " (the last, with no newline)" : "", (unsigned long long)size);
		}
		/* where the chunk ends */
		if (end < len) {
			if (!is_bytes(c) && !(tiny && over))
				CHECK("cut-in-char", !inside[end],
				    "frame %zu ends at %zu inside a UTF-8 character", i, end);
			if (is_lines(c) && !over)
				CHECK("cut-not-after-newline", in[end - 1] == '\n',
				    "frame %zu ends at %zu, not after a newline", i, end);
		}
		if (is_lines(c) && c->records > 0 && !over)
			CHECK("records", records_in(pl, h->size) <= c->records,
			    "frame %zu holds %llu records, --records %llu", i,
			    (unsigned long long)records_in(pl, h->size),
			    (unsigned long long)c->records);
		/* Without drains a chunk is never shorter than the window
		 * allows: bytes fill it, utf8 stops at most at the start of a
		 * character cut by the window, lines at its last newline. */
		if (c->drain_pct == 0 && end < len && !tiny) {
			size_t w = len - off < size ? len - off : (size_t)size;
			size_t lo;

			if (is_bytes(c))
				lo = w;
			else if (is_utf8(c))
				lo = ref_utf8_cut(in + off, w);
			else if (c->records > 0 && after_nth_newline(in + off, w, c->records) > 0)
				lo = after_nth_newline(in + off, w, c->records);
			else if (last_newline_end(in + off, w) > 0)
				lo = last_newline_end(in + off, w);
			else if (over && ref_utf8_cut(in + off, w) > 0)
				lo = ref_utf8_cut(in + off, w);
			else
				lo = 1;
			CHECK("underfilled", h->size >= lo,
			    "frame %zu: %u bytes where the window allowed %zu", i, h->size, lo);
		}
		off = end;
	}

	if (failed && is_utf8(c)) {
		/* the error names a character longer than --size */
		CHECK("error-record-fits", off < len && unit_len_at(in, len, inside, off) > size,
		    "--oversize=error failed at offset %zu, whose %zu-byte unit (character or "
		    "invalid byte) fits --size %llu", off, off < len ? unit_len_at(in, len, inside, off) : 0,
		    (unsigned long long)size);
		return 0;
	}
	if (failed) {
		/* the error names a line longer than --size, at the next byte */
		size_t re = rec_end(in, len, off);

		CHECK("error-record-fits", off < len && re - off > size,
		    "--oversize=error failed at offset %zu, whose %zu-byte line%s fits --size %llu",
		    off, re - off, off < len && re == len && in[len - 1] != '\n' ?
		    " (the last, with no newline)" : "", (unsigned long long)size);
		return 0;
	}
	CHECK("total", off == len, "DATA carried %zu of %zu bytes", off, len);

	/* END */
	{
		const sg_frame_hdr *h = &s->f[s->n - 1].h;

		CHECK("end", h->type == SG_TYPE_END && h->seq == s->n - 1 && h->offset == len &&
		    h->source == 0 && h->flags == SG_FLAG_LAST && h->codec == SG_CODEC_NONE,
		    "last frame: type %u seq %llu offset %llu flags 0x%x", h->type,
		    (unsigned long long)h->seq, (unsigned long long)h->offset, h->flags);
		CHECK("end-sum", h->payload_sum == sgt_xxh3(sgt_payload(s, s->n - 1), h->size),
		    "END payload checksum");
		sg_err_clear(&e);
		CHECK("end-meta", sg_meta_decode(sgt_payload(s, s->n - 1), h->size, &m, &e) == 0 &&
		    (m.have & SG_META_HAS(SG_META_TOTAL)) && (m.have & SG_META_HAS(SG_META_FRAMES)) &&
		    (m.have & SG_META_HAS(SG_META_SOURCE_SUM)),
		    "END metadata: %s", e.msg);
		CHECK("end-total", m.total == len, "END total %llu, input %zu",
		    (unsigned long long)m.total, len);
		CHECK("end-frames", m.frames == ndata, "END frames %llu, %zu DATA frames",
		    (unsigned long long)m.frames, ndata);
		CHECK("end-source-sum", m.source_sum == sgt_xxh3(in, len),
		    "END whole-source checksum differs from XXH3 of the input");
	}
	return 0;
}

/* The DATA cuts of two runs without drains must be the same. */
static int
check_same_cuts(prop *p, const result *a, const result *b)
{
	size_t i;

	CHECK("split-dependent-error", a->rc == b->rc, "rc %d vs %d", a->rc, b->rc);
	CHECK("split-dependent-count", a->s.n == b->s.n, "%zu vs %zu frames", a->s.n, b->s.n);
	for (i = 0; i < a->s.n; i++)
		CHECK("split-dependent-cut", a->s.f[i].h.offset == b->s.f[i].h.offset &&
		    a->s.f[i].h.size == b->s.f[i].h.size && a->s.f[i].h.flags == b->s.f[i].h.flags,
		    "frame %zu: offset %llu size %u vs offset %llu size %u", i,
		    (unsigned long long)a->s.f[i].h.offset, a->s.f[i].h.size,
		    (unsigned long long)b->s.f[i].h.offset, b->s.f[i].h.size);
	return 0;
}

static uint64_t
random_size(sgt_rng *r, const cfg *c, size_t len, int tiny)
{
	unsigned x = (unsigned)sgt_below(r, 100);

	if (tiny)
		return sgt_range(r, 1, 3);  /* smaller than a 4-byte character */
	if (is_bytes(c) && x < 30)
		return sgt_range(r, 1, 4);
	if (x < 50) /* around the input length, or a line length */
		return sgt_range(r, len > 7 ? len - 3 : 4, len + 3);
	if (x < 60)
		return sgt_range(r, 4, 16);
	if (x < 62)
		return 0;  /* auto */
	/* log-uniform in 4..64 KiB */
	return sgt_range(r, 4, (uint64_t)4 << sgt_below(r, 15));
}

/* Returns the number of runs that broke a property (each reported). */
static unsigned
property(const sg_boundary_ops *strat, const char *name, unsigned iters, int tiny)
{
	sgt_rng master;
	sgt_buf in = { 0 };
	prop p;
	unsigned it;

	memset(&p, 0, sizeof p);
	sgt_rng_init(&master, name);
	for (it = 0; it < sgt_iters(iters); it++) {
		sgt_rng r = { sgt_next(&master) };
		cfg c = { .strat = strat };
		unsigned char *inside;
		size_t len = random_length(&r);
		result a, b;
		int bad;

		c.prof = (unsigned)sgt_below(&r, NPROFILES);
		c.oversize = (int)sgt_below(&r, 3);
		c.size = random_size(&r, &c, len, tiny);
		if (c.size > 0 && c.size <= 4 && len > 16384)
			len = (size_t)sgt_range(&r, 0, 16384);
		if (is_lines(&c) && sgt_chance(&r, 50))
			c.records = sgt_chance(&r, 80) ? sgt_range(&r, 1, 10) : sgt_range(&r, 11, 5000);
		make_input(&r, len, c.prof, &in);
		inside = malloc(len + 1);
		sgt_ref_inside(in.p, len, inside);
		snprintf(p.where, sizeof p.where,
		    "iteration %u: %s, %zu bytes, --size %llu, --records %llu, --oversize=%s",
		    it, profile_names[c.prof], len, (unsigned long long)c.size,
		    (unsigned long long)c.records, sg_oversize_name(c.oversize));

		/* once with no drains, once more with another split that
		 * may drain like a live pipe */
		chunk_input(&c, in.p, len, &r, &a);
		bad = check_run(&p, &c, in.p, len, inside, &a);
		if (sgt_chance(&r, 50))
			c.drain_pct = (unsigned)sgt_range(&r, 5, 95);
		chunk_input(&c, in.p, len, &r, &b);
		if (c.drain_pct > 0)
			snprintf(p.where + strlen(p.where), sizeof p.where - strlen(p.where),
			    ", drains %u%%", c.drain_pct);
		bad |= check_run(&p, &c, in.p, len, inside, &b);
		if (c.drain_pct == 0)
			bad |= check_same_cuts(&p, &a, &b);
		p.runs++;
		if (bad)
			p.failed++;
		sgt_stream_free(&a.s);
		sgt_stream_free(&b.s);
		free(inside);
	}
	sgt_buf_free(&in);
	return report(&p, name);
}

static void
test_bytes_property(void **state)
{
	(void)state;
	if (property(&sg_boundary_bytes, "bytes_property", 1000, 0) > 0)
		fail();
}

static void
test_utf8_property(void **state)
{
	(void)state;
	if (property(&sg_boundary_utf8, "utf8_property", 1000, 0) > 0)
		fail();
}

static void
test_lines_property(void **state)
{
	(void)state;
	if (property(&sg_boundary_lines, "lines_property", 1500, 0) > 0)
		fail();
}

/* --size 1..3, too small for some characters: a character longer than
 * the window is split (flagged) or kept whole or an error, and nothing
 * else is: an invalid byte is a unit of its own and always fits. */
static void
test_tiny_size_property(void **state)
{
	(void)state;
	unsigned bad = property(&sg_boundary_utf8, "utf8_tiny_size_property", 500, 1);

	bad += property(&sg_boundary_lines, "lines_tiny_size_property", 300, 1);
	if (bad > 0)
		fail();
}

/* --- fixed cases ----------------------------------------------------------- */

static int
run_fixed(const sg_boundary_ops *strat, uint64_t size, uint64_t records, int oversize,
	  const char *text, size_t len, result *res)
{
	cfg c = { .strat = strat, .size = size, .records = records, .oversize = oversize };
	sgt_rng r = { 42 };

	chunk_input(&c, (const unsigned char *)text, len, &r, res);
	return res->rc;
}

/* The DATA frames of a run, as "payload|payload|..." with '*' after an
 * oversize one. */
static void
data_string(const result *res, char *out, size_t cap)
{
	size_t i, n = res->s.n, o = 0;

	out[0] = '\0';
	for (i = 1; i < n && o + 1 < cap; i++) {
		const sg_frame_hdr *h = &res->s.f[i].h;

		if (h->type != SG_TYPE_DATA)
			continue;
		o += (size_t)snprintf(out + o, cap - o, "%s%.*s%s", o ? "|" : "", (int)h->size,
		    (const char *)sgt_payload(&res->s, i), (h->flags & SG_FLAG_OVERSIZE) ? "*" : "");
	}
}

static void
expect_chunks(const sg_boundary_ops *strat, uint64_t size, uint64_t records, int oversize,
	      const char *text, const char *want)
{
	result res;
	char got[512];
	int rc = run_fixed(strat, size, records, oversize, text, strlen(text), &res);

	data_string(&res, got, sizeof got);
	sgt_stream_free(&res.s);
	if (rc != 0)
		fail_msg("%s --size %llu: \"%s\" failed: %s", strat->name,
		    (unsigned long long)size, text, res.e.msg);
	if (strcmp(got, want) != 0)
		fail_msg("%s --size %llu --records %llu --oversize=%s: \"%s\" cut as \"%s\", want \"%s\"",
		    strat->name, (unsigned long long)size, (unsigned long long)records,
		    sg_oversize_name(oversize), text, got, want);
}

static void
test_fixed_cuts(void **state)
{
	(void)state;
	expect_chunks(&sg_boundary_bytes, 3, 0, 0, "abcdefgh", "abc|def|gh");
	expect_chunks(&sg_boundary_bytes, 1, 0, 0, "abc", "a|b|c");
	expect_chunks(&sg_boundary_utf8, 4, 0, 0, "ab\xE2\x82\xAC" "cd", "ab|\xE2\x82\xAC" "c|d");
	expect_chunks(&sg_boundary_utf8, 4, 0, 0, "\xF0\x9D\x84\x9E\xF0\x9D\x84\x9E",
	    "\xF0\x9D\x84\x9E|\xF0\x9D\x84\x9E");
	/* invalid bytes pass through one at a time */
	expect_chunks(&sg_boundary_utf8, 4, 0, 0, "\xFF\xFE\x80\xC0\xAF", "\xFF\xFE\x80\xC0|\xAF");
	expect_chunks(&sg_boundary_lines, 8, 0, 0, "one\ntwo\nthree\n", "one\ntwo\n|three\n");
	expect_chunks(&sg_boundary_lines, 100, 1, 0, "a\nb\nc", "a\n|b\n|c");
	expect_chunks(&sg_boundary_lines, 100, 2, 0, "a\nb\nc\nd\ne\n", "a\nb\n|c\nd\n|e\n");
	/* CR is an ordinary byte */
	expect_chunks(&sg_boundary_lines, 6, 0, 0, "a\r\nb\r\nc\rd\r", "a\r\nb\r\n|c\rd\r");
	/* a line longer than --size: split at a character, flagged */
	expect_chunks(&sg_boundary_lines, 4, 0, SG_OVERSIZE_SPLIT, "abcdefg\nh\n", "abcd*|efg\n|h\n");
	expect_chunks(&sg_boundary_lines, 4, 0, SG_OVERSIZE_SPLIT, "a\xE2\x82\xAC" "bc\n",
	    "a\xE2\x82\xAC*|bc\n");
	expect_chunks(&sg_boundary_lines, 4, 0, SG_OVERSIZE_SPLIT, "ab\xE2\x82\xAC\n",
	    "ab*|\xE2\x82\xAC\n");
	/* or kept whole */
	expect_chunks(&sg_boundary_lines, 4, 0, SG_OVERSIZE_KEEP, "abcdefg\nh\n", "abcdefg\n|h\n");
	expect_chunks(&sg_boundary_lines, 4, 0, SG_OVERSIZE_KEEP, "ab\nabcdefg", "ab\n|abcdefg");
}

/* --oversize=error stops with SG_EDATA on a line longer than --size. */
static void
test_oversize_error(void **state)
{
	static const char *bad[] = { "aaaaa\n", "ab\ncdefgh\n", "abcde", "ab\ncdefg", "a\nb\n\xE2\x82\xAC\xE2\x82\xAC" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		result res;
		int rc = run_fixed(&sg_boundary_lines, 4, 0, SG_OVERSIZE_ERROR, bad[i],
		    strlen(bad[i]), &res);

		sgt_stream_free(&res.s);
		if (rc != SG_EDATA)
			fail_msg("\"%s\" with --size 4 --oversize=error: rc %d", bad[i], rc);
		assert_non_null(strstr(res.e.msg, "larger than --size"));
	}
	/* lines that fit go through */
	expect_chunks(&sg_boundary_lines, 4, 0, SG_OVERSIZE_ERROR, "abc\nde\nf\n", "abc\n|de\n|f\n");
}

/* A last line without a newline that is exactly --size bytes fits: it must
 * not be refused by --oversize=error nor flagged by --oversize=split. */
static void
test_exact_size_last_line(void **state)
{
	static const char *fit[] = { "abcd", "ab\ncdef", "\xE2\x82\xAC" "a" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof fit / sizeof fit[0]; i++) {
		result res;
		char got[128];
		const char *nl = strrchr(fit[i], '\n');
		char want[128];
		int rc = run_fixed(&sg_boundary_lines, 4, 0, SG_OVERSIZE_ERROR, fit[i],
		    strlen(fit[i]), &res);

		sgt_stream_free(&res.s);
		if (rc != 0)
			fail_msg("\"%s\" (last line of exactly --size 4 bytes) refused by "
			    "--oversize=error: %s", fit[i], res.e.msg);
		rc = run_fixed(&sg_boundary_lines, 4, 0, SG_OVERSIZE_SPLIT, fit[i],
		    strlen(fit[i]), &res);
		data_string(&res, got, sizeof got);
		sgt_stream_free(&res.s);
		assert_int_equal(rc, 0);
		if (nl != NULL)
			snprintf(want, sizeof want, "%.*s|%s", (int)(nl - fit[i] + 1), fit[i], nl + 1);
		else
			snprintf(want, sizeof want, "%s", fit[i]);
		if (strcmp(got, want) != 0)
			fail_msg("\"%s\" with --size 4 --oversize=split cut as \"%s\", want \"%s\"",
			    fit[i], got, want);
	}
}

static void
test_records_refused(void **state)
{
	const sg_boundary_ops *no[] = { &sg_boundary_bytes, &sg_boundary_utf8 };
	sgt_stream s;
	size_t i;

	(void)state;
	sgt_stream_init(&s);
	for (i = 0; i < 2; i++) {
		sg_chunk_opts o = { .strategy = no[i], .size = 1024, .records = 1 };
		sg_err e;

		sg_err_clear(&e);
		assert_null(sg_chunker_new(&o, sgt_emit, &s, &e));
		assert_int_equal(e.code, SG_EUSAGE);
		assert_non_null(strstr(e.msg, no[i]->name));
		assert_int_equal(no[i]->has_records, 0);
	}
	{
		sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = 1024, .records = 1 };
		sg_chunker *c;
		sg_err e;

		sg_err_clear(&e);
		assert_non_null(c = sg_chunker_new(&o, sgt_emit, &s, &e));
		sg_chunker_free(c);
		assert_int_equal(sg_boundary_lines.has_records, 1);
	}
}

static void
test_auto_size(void **state)
{
	const uint64_t K = 1024, M = 1024 * 1024;

	(void)state;
	assert_int_equal(sg_chunk_auto_size(0), 64 * K);
	assert_int_equal(sg_chunk_auto_size(1), 64 * K);
	assert_int_equal(sg_chunk_auto_size(1 * M), 64 * K);
	assert_int_equal(sg_chunk_auto_size(1 * M + 16), 128 * K);
	assert_int_equal(sg_chunk_auto_size(2 * M), 128 * K);
	assert_int_equal(sg_chunk_auto_size(16 * M), 1 * M);
	assert_int_equal(sg_chunk_auto_size(16 * M + 16), 2 * M);
	assert_int_equal(sg_chunk_auto_size(64 * M), 4 * M);
	assert_int_equal(sg_chunk_auto_size(64 * M + 16), 4 * M);
	assert_int_equal(sg_chunk_auto_size(1024 * M * 1024), 4 * M);
	assert_int_equal(sg_chunk_auto_size(UINT64_MAX - 1), 4 * M);
	assert_int_equal(sg_chunk_auto_size(UINT64_MAX), 1 * M);
	/* a power of two in range, never below a sixteenth */
	{
		sgt_rng r;
		unsigned i;

		sgt_rng_init(&r, "auto_size");
		for (i = 0; i < 10000; i++) {
			uint64_t n = sgt_next(&r) >> sgt_below(&r, 64), s;

			if (n == UINT64_MAX)
				continue;
			s = sg_chunk_auto_size(n);
			assert_in_range(s, 64 * K, 4 * M);
			assert_int_equal(s & (s - 1), 0);
			if (s < 4 * M)
				assert_true(s >= n / 16);
			if (s > 64 * K)
				assert_true(s / 2 < n / 16);
		}
	}
}

/* Drains pass on complete records at once, and nothing else. */
static void
test_drain(void **state)
{
	struct { const sg_boundary_ops *st; const char *a, *b, *after_a, *after_b; } cases[] = {
		{ &sg_boundary_lines, "one\ntw", "o\nthr", "one\n", "one\n|two\n|thr" },
		{ &sg_boundary_utf8, "ab\xE2\x82", "\xAC" "c", "ab", "ab|\xE2\x82\xAC" "c" },
		{ &sg_boundary_bytes, "abc", "de", "abc", "abc|de" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sg_chunk_opts o = { .strategy = cases[i].st, .size = 1024 };
		result res;
		sg_chunker *c;
		unsigned char *sp;
		sg_meta m;
		char got[256];

		sgt_stream_init(&res.s);
		sg_err_clear(&res.e);
		assert_non_null(c = sg_chunker_new(&o, sgt_emit, &res.s, &res.e));
		sg_meta_clear(&m);
		assert_int_equal(sg_chunker_begin(c, &m, &res.e), 0);
		assert_true(sg_chunker_space(c, &sp) >= strlen(cases[i].a));
		memcpy(sp, cases[i].a, strlen(cases[i].a));
		assert_int_equal(sg_chunker_commit(c, strlen(cases[i].a), &res.e), 0);
		assert_int_equal(res.s.n, 1);  /* nothing before the drain */
		assert_int_equal(sg_chunker_drain(c, &res.e), 0);
		data_string(&res, got, sizeof got);
		assert_string_equal(got, cases[i].after_a);
		assert_true(sg_chunker_space(c, &sp) >= strlen(cases[i].b));
		memcpy(sp, cases[i].b, strlen(cases[i].b));
		assert_int_equal(sg_chunker_commit(c, strlen(cases[i].b), &res.e), 0);
		assert_int_equal(sg_chunker_drain(c, &res.e), 0);
		assert_int_equal(sg_chunker_end(c, 1, &res.e), 0);
		data_string(&res, got, sizeof got);
		assert_string_equal(got, cases[i].after_b);
		sg_chunker_free(c);
		sgt_stream_free(&res.s);
	}
}

/* The strategies' find() directly, and their registry. */
static void
test_find_and_lookup(void **state)
{
	const unsigned char *t = (const unsigned char *)"ab\ncd\nef";

	(void)state;
	assert_ptr_equal(sg_boundary_lookup("bytes"), &sg_boundary_bytes);
	assert_ptr_equal(sg_boundary_lookup("utf8"), &sg_boundary_utf8);
	assert_ptr_equal(sg_boundary_lookup("lines"), &sg_boundary_lines);
	assert_null(sg_boundary_lookup("line"));
	assert_null(sg_boundary_lookup(""));
	assert_null(sg_boundary_lookup("LINES"));
	{
		size_t i, seen = 0;

		for (i = 0; sg_boundary_all[i] != NULL; i++) {
			assert_non_null(sg_boundary_all[i]->find);
			assert_non_null(sg_boundary_all[i]->summary);
			assert_ptr_equal(sg_boundary_lookup(sg_boundary_all[i]->name),
			    sg_boundary_all[i]);
			seen++;
		}
		assert_true(seen >= 3);
	}
	assert_int_equal(sg_boundary_lines.find(NULL, t, 8, 8, 0, 0), 6);
	assert_int_equal(sg_boundary_lines.find(NULL, t, 8, 8, 1, 0), 8);
	assert_int_equal(sg_boundary_lines.find(NULL, t, 8, 8, 0, 1), 3);
	assert_int_equal(sg_boundary_lines.find(NULL, t, 8, 8, 0, 2), 6);
	assert_int_equal(sg_boundary_lines.find(NULL, t, 8, 8, 0, 3), 6);
	assert_int_equal(sg_boundary_lines.find(NULL, t, 8, 8, 1, 3), 8);
	assert_int_equal(sg_boundary_lines.find(NULL, t, 2, 2, 0, 0), 0);
	assert_int_equal(sg_boundary_lines.find(NULL, t, 2, 2, 0, 1), 0);
	assert_int_equal(sg_boundary_bytes.find(NULL, t, 8, 8, 0, 0), 8);
	assert_int_equal(sg_boundary_utf8.find(NULL, (const unsigned char *)"a\xE2\x82", 3, 3, 0, 0), 1);
	assert_int_equal(sg_boundary_utf8.find(NULL, (const unsigned char *)"a\xE2\x82", 3, 3, 1, 0), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_and_lookup),
		cmocka_unit_test(test_fixed_cuts),
		cmocka_unit_test(test_drain),
		cmocka_unit_test(test_records_refused),
		cmocka_unit_test(test_auto_size),
		cmocka_unit_test(test_oversize_error),
		cmocka_unit_test(test_exact_size_last_line),
		cmocka_unit_test(test_bytes_property),
		cmocka_unit_test(test_utf8_property),
		cmocka_unit_test(test_lines_property),
		cmocka_unit_test(test_tiny_size_property),
	};

	return cmocka_run_group_tests_name("boundary", tests, NULL, NULL);
}
