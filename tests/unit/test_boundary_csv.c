/* test_boundary_csv.c: the csv strategy, directly and through the chunker.
 *
 * Every expectation comes from a reference record splitter written here,
 * byte by byte after the states of Python's csv reader (default dialect,
 * not strict), with a lone CR as an ordinary byte. The csv-spectrum corpus
 * checks the reference and the strategy against the expected JSON; a
 * direct property test checks the cached scan against the reference for
 * random windows, record limits and cuts; a chunker property test checks
 * random and hostile CSV with random sizes, limits, --header and read
 * splits.
 */
#include "sgtest.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boundary.h"
#include "chunker.h"

#define MiB (1u << 20)

/* --- the reference ------------------------------------------------------ */

/* The record ends of in[0..len) that an LF makes, ascending, into ends:
 * just after each LF outside a quoted field. */
static size_t
ref_lf_ends(const unsigned char *in, size_t len, size_t *ends)
{
	enum { START_RECORD, START_FIELD, IN_FIELD, IN_QUOTED, QUOTE_IN_QUOTED } st = START_RECORD;
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = in[i];
		int eol = 0;

		switch (st) {
		case START_RECORD:
		case START_FIELD:
			if (c == '\n')
				eol = 1;
			else if (c == '"')
				st = IN_QUOTED;
			else if (c == ',')
				st = START_FIELD;
			else
				st = IN_FIELD;
			break;
		case IN_FIELD:
			if (c == '\n')
				eol = 1;
			else if (c == ',')
				st = START_FIELD;
			break;
		case IN_QUOTED:
			if (c == '"')
				st = QUOTE_IN_QUOTED;
			break;
		case QUOTE_IN_QUOTED:
			if (c == '"')
				st = IN_QUOTED;
			else if (c == ',')
				st = START_FIELD;
			else if (c == '\n')
				eol = 1;
			else
				st = IN_FIELD;
			break;
		}
		if (eol) {
			ends[n++] = i + 1;
			st = START_RECORD;
		}
	}
	return n;
}

/* All record ends: those of the LFs, and len when the input does not end
 * just after one (the last record, or an unterminated quote). ends has
 * len + 1 entries. */
static size_t
ref_ends(const unsigned char *in, size_t len, size_t *ends)
{
	size_t n = ref_lf_ends(in, len, ends);

	if (len > 0 && (n == 0 || ends[n - 1] != len))
		ends[n++] = len;
	return n;
}

/* --- running the chunker ------------------------------------------------- */

typedef struct cfg {
	uint64_t size;       /* 0: auto */
	uint64_t records;
	int oversize;
	int header;
	unsigned drain_pct;  /* drain after a read with this chance */
	size_t step;         /* reads of this many bytes; 0: random */
	int drain_each;      /* drain after every read */
} cfg;

static void
chunk(const cfg *k, const unsigned char *in, size_t len, sgt_rng *r, sgt_run *res)
{
	sg_chunk_opts o = {
		.strategy = &sg_boundary_csv, .size = k->size, .records = k->records,
		.oversize = k->oversize, .header = k->header,
	};
	sgt_reads rd = {
		.step = k->step, .drain_pct = k->drain_pct, .drain_each = k->drain_each,
	};

	sgt_chunk(res, &o, NULL, in, len, r, &rd);
}

/* The new bytes of DATA frame i (after its context). */
static const unsigned char *
new_bytes(const sgt_run *res, size_t i, size_t *n)
{
	const sg_frame_hdr *h = &res->s.f[i].h;

	*n = h->size - h->context;
	return sgt_payload(&res->s, i) + h->context;
}

/* Frames 1..n-2 must be DATA frames holding exactly the records
 * in[E[i-1]..E[i]), one per frame. */
static void
expect_records(const char *what, const sgt_run *res, const unsigned char *in,
	       const size_t *E, size_t nE)
{
	size_t i, prev = 0;

	if (res->rc != 0)
		fail_msg("%s: chunker failed: %s", what, res->e.msg);
	if (res->s.n != nE + 2)
		fail_msg("%s: %zu DATA frames, want %zu records", what, res->s.n - 2, nE);
	for (i = 0; i < nE; i++) {
		const sg_frame_hdr *h = &res->s.f[i + 1].h;
		size_t n;
		const unsigned char *p = new_bytes(res, i + 1, &n);

		if (h->type != SG_TYPE_DATA || h->offset != prev || n != E[i] - prev ||
		    memcmp(p, in + prev, n) != 0 || (h->flags & SG_FLAG_OVERSIZE))
			fail_msg("%s: frame %zu is offset %llu, %zu bytes, flags 0x%x; want "
			    "record %zu at %zu, %zu bytes", what, i + 1,
			    (unsigned long long)h->offset, n, h->flags, i, prev, E[i] - prev);
		prev = E[i];
	}
}

/* --- csv-spectrum ------------------------------------------------------------ */

/* Objects in the top-level array of a JSON text (strings skipped). */
static size_t
json_top_objects(const char *j, size_t n)
{
	size_t i, count = 0;
	int depth = 0, str = 0;

	for (i = 0; i < n; i++) {
		char c = j[i];

		if (str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				str = 0;
		} else if (c == '"') {
			str = 1;
		} else if (c == '[' || c == '{') {
			if (c == '{' && depth == 1)
				count++;
			depth++;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return count;
}

/* Each csvs/X.csv holds a header and as many records as json/X.json has
 * objects; -n 1 gives exactly those frames, one record each, fed whole
 * and fed one byte per read with a drain after each. */
static void
test_csv_spectrum(void **state)
{
	char dir[1024], path[2048];
	struct dirent *d;
	DIR *dp;
	size_t files = 0;

	(void)state;
	snprintf(dir, sizeof dir, "%s/csv-spectrum/csvs", sgt_corpora());
	if ((dp = opendir(dir)) == NULL)
		fail_msg("cannot open %s (set SG_CORPORA to the corpora directory)", dir);
	while ((d = readdir(dp)) != NULL) {
		size_t nl = strlen(d->d_name), len, jlen, nE, want, v;
		char *in, *json;
		size_t *E;

		if (nl < 5 || strcmp(d->d_name + nl - 4, ".csv") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, d->d_name);
		assert_non_null(in = (char *)sgt_load(path, &len));
		snprintf(path, sizeof path, "%s/csv-spectrum/json/%.*s.json", sgt_corpora(),
		    (int)(nl - 4), d->d_name);
		if ((json = (char *)sgt_load(path, &jlen)) == NULL)
			fail_msg("no %s", path);
		want = 1 + json_top_objects(json, jlen);
		E = malloc((len + 1) * sizeof *E);
		nE = ref_ends((unsigned char *)in, len, E);
		if (nE != want)
			fail_msg("%s: the reference finds %zu records, the JSON says %zu + header",
			    d->d_name, nE, want - 1);
		for (v = 0; v < 3; v++) {
			cfg k = { .size = 1 * MiB, .records = 1 };
			char what[300];
			sgt_run res;

			/* whole; one byte per read with drains; one byte per
			 * read, no drains, a window just large enough */
			k.step = v == 0 ? (size_t)-1 : 1;
			k.drain_each = v == 1;
			if (v == 2)
				k.size = 64;
			snprintf(what, sizeof what, "%s (%s)", d->d_name,
			    v == 0 ? "whole" : v == 1 ? "byte reads, drains" : "byte reads, --size 64");
			chunk(&k, (unsigned char *)in, len, NULL, &res);
			expect_records(what, &res, (unsigned char *)in, E, nE);
			sgt_stream_free(&res.s);
		}
		files++;
		free(E);
		free(in);
		free(json);
	}
	closedir(dp);
	if (files < 11)
		fail_msg("only %zu csv-spectrum files in %s", files, dir);
}

/* --- find, directly -------------------------------------------------------- */

typedef struct st_buf {
	unsigned char b[256];
} st_buf;

static void *
fresh(st_buf *s)
{
	assert_true(sg_boundary_csv.state_size <= sizeof s->b);
	memset(s->b, 0, sizeof s->b);
	if (sg_boundary_csv.reset != NULL)
		sg_boundary_csv.reset(s->b, NULL);
	return s->b;
}

static size_t
find1(const char *t, size_t len, int eof, uint64_t max)
{
	st_buf s;

	return sg_boundary_csv.find(fresh(&s), (const unsigned char *)t, len, len, eof, max);
}

/* The cuts of text with -n 1, fed to find as a whole each time, as
 * "rec|rec|...". */
static void
expect_split(const char *text, const char *want)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t len = strlen(text), off = 0, o = 0;
	char got[512];
	st_buf s;
	void *st = fresh(&s);

	got[0] = '\0';
	while (off < len) {
		size_t cut = sg_boundary_csv.find(st, t + off, len - off, len - off, 1, 1);

		if (cut == 0 || cut > len - off)
			fail_msg("\"%s\": find gave %zu at offset %zu", text, cut, off);
		o += (size_t)snprintf(got + o, sizeof got - o, "%s%.*s", off ? "|" : "",
		    (int)cut, text + off);
		sg_boundary_csv.consumed(st, cut);
		off += cut;
	}
	if (strcmp(got, want) != 0)
		fail_msg("\"%s\" split as \"%s\", want \"%s\"", text, got, want);
}

static void
test_find_cases(void **state)
{
	const char *t = "a,b\nc,d\nef";

	(void)state;
	assert_ptr_equal(sg_boundary_lookup("csv"), &sg_boundary_csv);
	assert_int_equal(sg_boundary_csv.has_records, 1);
	assert_int_equal(sg_boundary_csv.part, SG_PART_NONE);
	assert_int_equal(sg_boundary_csv.options, SG_BOPT_HEADER);
	assert_string_equal(sg_boundary_csv.summary,
	    "between RFC 4180 records (quoted fields may hold newlines)");
	assert_int_equal(find1(t, 10, 0, 0), 8);
	assert_int_equal(find1(t, 10, 1, 0), 10);
	assert_int_equal(find1(t, 10, 0, 1), 4);
	assert_int_equal(find1(t, 10, 0, 2), 8);
	assert_int_equal(find1(t, 10, 0, 3), 8);
	assert_int_equal(find1(t, 10, 1, 3), 10);
	assert_int_equal(find1(t, 10, 1, 2), 8);
	assert_int_equal(find1(t, 3, 0, 0), 0);
	assert_int_equal(find1(t, 4, 0, 0), 4);
	/* eof counts only when the window reaches the end of input */
	{
		st_buf s;

		assert_int_equal(sg_boundary_csv.find(fresh(&s), (const unsigned char *)t, 9, 10,
		    1, 0), 8);
	}
	/* quoted LF, comma, CRLF, doubled quotes */
	expect_split("a,b\n\"x\ny\",z\nq\n", "a,b\n|\"x\ny\",z\n|q\n");
	expect_split("\"a,b\",\"c\nd\"\n1,2\n", "\"a,b\",\"c\nd\"\n|1,2\n");
	expect_split("a,b\r\n\"x\r\ny\",z\r\nq\r\n", "a,b\r\n|\"x\r\ny\",z\r\n|q\r\n");
	expect_split("\"a\"\"\nb\"\nc\n", "\"a\"\"\nb\"\n|c\n");
	expect_split("\"\"\"\"\n\"\"\n", "\"\"\"\"\n|\"\"\n");
	/* a lone CR is an ordinary byte */
	expect_split("a\rb\nc\r", "a\rb\n|c\r");
	/* a quote inside an unquoted field, or after a space, is literal */
	expect_split("ab\"c\nd\"\n", "ab\"c\n|d\"\n");
	expect_split("a, \"b\nc\"\n", "a, \"b\n|c\"\n");
	/* after the closing quote the field goes on, plain (lenient) */
	expect_split("\"a\"b\"c\nd\n", "\"a\"b\"c\n|d\n");
	expect_split("\"a\" \"b\nc\n", "\"a\" \"b\n|c\n");
	/* a quote after a comma opens a field */
	expect_split("a,\"b\nc\"\nd\n", "a,\"b\nc\"\n|d\n");
	expect_split(",,\"\n\",\n", ",,\"\n\",\n");
	/* empty lines are records */
	expect_split("\n\na\n", "\n|\n|a\n");
	/* unterminated quote: the rest is one record, cut only at eof */
	expect_split("a\n\"b\nc\nd", "a\n|\"b\nc\nd");
	assert_int_equal(find1("\"b\nc\nd", 6, 0, 0), 0);
	assert_int_equal(find1("\"b\nc\nd", 6, 1, 0), 6);
	assert_int_equal(find1("\"b\nc\nd", 6, 1, 1), 6);
	/* UTF-8 and NUL are ordinary bytes */
	expect_split("\xC3\xA9,\"\xE2\x82\xAC\n\0\"\n\0\n", "\xC3\xA9,\"\xE2\x82\xAC\n");
}

/* The cached scan: a growing window, an oversize cut in a quoted field,
 * a wider keep-mode window, and a -n 1 query after a wider scan. */
static void
test_find_cached(void **state)
{
	const unsigned char *t = (const unsigned char *)"\"ab\ncd\"\nx\ny\n";
	st_buf s;
	void *st;
	size_t i;

	(void)state;
	/* one byte more per call */
	st = fresh(&s);
	for (i = 1; i <= 12; i++) {
		size_t want = i >= 12 ? 12 : i >= 10 ? 10 : i >= 8 ? 8 : 0;

		assert_int_equal(sg_boundary_csv.find(st, t, i, i, 0, 0), want);
	}
	/* an oversize cut inside the quoted field keeps the quote state: a
	 * fresh scan of the rest would end a record at its first LF */
	st = fresh(&s);
	assert_int_equal(sg_boundary_csv.find(st, t, 5, 12, 0, 0), 0);
	sg_boundary_csv.consumed(st, 3);
	assert_int_equal(sg_boundary_csv.find(st, t + 3, 9, 9, 0, 1), 5);
	sg_boundary_csv.consumed(st, 5);
	assert_int_equal(sg_boundary_csv.find(st, t + 8, 4, 4, 0, 0), 4);
	/* keep mode: a small window, a wide one for the first record, the
	 * small one again */
	st = fresh(&s);
	assert_int_equal(sg_boundary_csv.find(st, t, 4, 12, 0, 2), 0);
	assert_int_equal(sg_boundary_csv.find(st, t, 12, 12, 0, 1), 8);
	assert_int_equal(sg_boundary_csv.find(st, t, 4, 12, 0, 2), 0);
	assert_int_equal(sg_boundary_csv.find(st, t, 9, 12, 0, 0), 8);
	assert_int_equal(sg_boundary_csv.find(st, t, 12, 12, 0, 0), 12);
	assert_int_equal(sg_boundary_csv.find(st, t, 11, 12, 0, 0), 10);
	assert_int_equal(sg_boundary_csv.find(st, t, 11, 12, 0, 2), 10);
	/* a -n 1 query after the whole window was scanned, and its cut */
	assert_int_equal(sg_boundary_csv.find(st, t, 12, 12, 0, 1), 8);
	sg_boundary_csv.consumed(st, 8);
	assert_int_equal(sg_boundary_csv.find(st, t + 8, 4, 4, 0, 1), 2);
	assert_int_equal(sg_boundary_csv.find(st, t + 8, 4, 4, 0, 0), 4);
	/* the rest of a character cut by an oversize split, consumed
	 * without a find: ordinary bytes of a field */
	{
		const unsigned char *u = (const unsigned char *)"\xE2\x82\xAC\"a\nb\n";

		st = fresh(&s);
		assert_int_equal(sg_boundary_csv.find(st, u, 1, 8, 0, 0), 0);
		sg_boundary_csv.consumed(st, 1);
		sg_boundary_csv.consumed(st, 2); /* the chunker's tail */
		/* the '"' is mid-field, so literal: the record ends at the LF */
		assert_int_equal(sg_boundary_csv.find(st, u + 3, 5, 5, 0, 1), 3);
	}
}

/* find against the reference, on random input, with windows that grow,
 * shrink and reach past what was scanned, random record limits, eof, and
 * cuts both at the cut found and (with no record end in the window) at a
 * random point, as --oversize does. */
static void
gen_csv(sgt_rng *r, sgt_buf *b, size_t want, unsigned prof);

static void
test_find_property(void **state)
{
	sgt_rng master;
	sgt_buf in = { 0 };
	unsigned it, bad = 0;

	(void)state;
	sgt_rng_init(&master, "csv_find_property");
	for (it = 0; it < sgt_iters(3000) && bad == 0; it++) {
		sgt_rng r = { sgt_next(&master) };
		size_t len = (size_t)sgt_range(&r, 0, sgt_chance(&r, 20) ? 5000 : 300);
		size_t *real, nreal, off = 0, avail, steps = 0;
		size_t maxw = 0;  /* the widest window at this offset */
		int eof_seen = 0;
		st_buf s;
		void *st = fresh(&s);

		in.len = 0;
		gen_csv(&r, &in, len, (unsigned)sgt_below(&r, 5));
		len = in.len;
		real = malloc((len + 1) * sizeof *real);
		nreal = ref_lf_ends(in.p, len, real);
		avail = (size_t)sgt_range(&r, 0, len);

		while (off < len && steps++ < 100000) {
			size_t w, got, want = 0, i;
			uint64_t max = sgt_chance(&r, 50) ? 0 : sgt_range(&r, 1, 4), k = 0;
			int eof;

			if (avail < len && sgt_chance(&r, 60))
				avail += (size_t)sgt_range(&r, 1, sgt_chance(&r, 50) ? 1 : len - avail);
			if (avail == off)
				continue;
			w = (size_t)sgt_range(&r, 1, avail - off);
			/* once the end of input is known, it stays known */
			eof = avail == len && (eof_seen || sgt_chance(&r, 50));
			eof_seen |= eof;
			if (w > maxw)
				maxw = w;
			for (i = 0; i < nreal; i++) {
				if (real[i] <= off || real[i] > off + w)
					continue;
				want = real[i] - off;
				if (max > 0 && ++k == max)
					break;
			}
			if (eof && off + w == len && (max == 0 || k < max))
				want = w;
			got = sg_boundary_csv.find(st, in.p + off, w, avail - off, eof, max);
			if (got != want) {
				print_error("iteration %u: input %zu bytes, offset %zu, window %zu, "
				    "avail %zu, eof %d, max %llu: find gave %zu, want %zu\n", it, len,
				    off, w, avail - off, eof, (unsigned long long)max, got, want);
				bad++;
				break;
			}
			if (got > 0 && sgt_chance(&r, 50)) {
				sg_boundary_csv.consumed(st, got);
				off += got;
				maxw = 0;
			} else if (got == 0 && sgt_ref_cut(real, nreal, off, maxw, 0) == 0 &&
			    sgt_chance(&r, 30)) {
				/* an oversize cut, as the chunker makes one: no
				 * find since the last cut saw a record end */
				size_t n = (size_t)sgt_range(&r, 1, w);

				sg_boundary_csv.consumed(st, n);
				off += n;
				maxw = 0;
			}
		}
		free(real);
	}
	sgt_buf_free(&in);
	if (bad > 0)
		fail();
}

/* --- random CSV ---------------------------------------------------------------- */

static void
put_utf8(sgt_rng *r, sgt_buf *b)
{
	static const char *chars[] = {
		"\xC3\xA9", "\xCA\xA4", "\xE2\x82\xAC", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80",
		"\xD0\x96", "\xEF\xBB\xBF",
	};

	sgt_buf_str(b, chars[sgt_below(r, sizeof chars / sizeof chars[0])]);
}

static void
put_plain(sgt_rng *r, sgt_buf *b)
{
	size_t n = (size_t)sgt_range(r, 1, 12), i;

	for (i = 0; i < n; i++) {
		unsigned x = (unsigned)sgt_below(r, 100);

		if (x < 70)
			sgt_buf_byte(b, (unsigned char)(x < 60 ? 'a' + x % 26 : '0' + x % 10));
		else if (x < 80)
			sgt_buf_byte(b, ' ');
		else if (x < 88)
			put_utf8(r, b);
		else if (x < 92 && i > 0)
			sgt_buf_byte(b, '"');  /* literal, mid-field */
		else if (x < 95)
			sgt_buf_byte(b, '\r'); /* a lone CR */
		else
			sgt_buf_byte(b, '\t');
	}
}

static void
put_quoted(sgt_rng *r, sgt_buf *b, size_t body)
{
	size_t start = b->len;

	sgt_buf_byte(b, '"');
	while (b->len - start < body) {
		unsigned x = (unsigned)sgt_below(r, 100);

		if (x < 50)
			put_plain(r, b);
		else if (x < 60)
			sgt_buf_byte(b, ',');
		else if (x < 70)
			sgt_buf_byte(b, '\n');
		else if (x < 78)
			sgt_buf_str(b, "\r\n");
		else if (x < 88)
			sgt_buf_str(b, "\"\"");
		else if (x < 94)
			put_utf8(r, b);
		else
			sgt_buf_str(b, ",\n,");
	}
	if (sgt_chance(r, 97))
		sgt_buf_byte(b, '"');
	if (sgt_chance(r, 5))
		put_plain(r, b);  /* lenient: the field goes on */
}

/* Profiles: 0 valid CSV, 1 valid and cut short, 2 quote-heavy bytes,
 * 3 random bytes, 4 an unterminated quote early. */
static void
gen_csv(sgt_rng *r, sgt_buf *b, size_t want, unsigned prof)
{
	int crlf = sgt_chance(r, 30);

	if (prof == 3) {
		while (b->len < want)
			sgt_buf_byte(b, (unsigned char)sgt_next(r));
		return;
	}
	if (prof == 2) {
		static const char alpha[] = "\"\",,\n\n\rab\xC3\xA9 ";

		while (b->len < want)
			sgt_buf_byte(b, (unsigned char)alpha[sgt_below(r, sizeof alpha - 1)]);
		return;
	}
	if (prof == 4) {
		sgt_buf_str(b, "a,b\n\"");
		want = want > 5 ? want : 5;
	}
	while (b->len < want) {
		unsigned nf = (unsigned)sgt_below(r, 7), f;

		for (f = 0; f < nf; f++) {
			unsigned x = (unsigned)sgt_below(r, 100);

			if (f > 0)
				sgt_buf_byte(b, ',');
			if (x < 10)
				continue;  /* empty */
			else if (x < 55)
				put_plain(r, b);
			else if (x < 97)
				put_quoted(r, b, (size_t)sgt_range(r, 0, 30));
			else
				put_quoted(r, b, (size_t)sgt_range(r, 100, 20000));
		}
		sgt_buf_str(b, (crlf ? sgt_chance(r, 95) : sgt_chance(r, 5)) ? "\r\n" : "\n");
	}
	if (prof == 1 || prof == 4 || sgt_chance(r, 30))
		b->len = want;
}

/* --- the chunker property -------------------------------------------------------- */

#define CHECK(cond, ...) do { if (!(cond)) return sgt_note(p, __VA_ARGS__); } while (0)

static uint64_t
chunk_size_of(const cfg *k, size_t len)
{
	return k->size ? k->size : sg_chunk_auto_size(len);
}

/* The frames of one run against the reference ends E (len included). */
static int
check_run(sgt_prop *p, const cfg *k, const unsigned char *in, size_t len,
	  const unsigned char *inside, const size_t *E, size_t nE, const sgt_run *res)
{
	const sgt_stream *s = &res->s;
	uint64_t size = chunk_size_of(k, len);
	int exact = k->drain_pct == 0 && !k->drain_each && !k->header;
	int prev_over = 0;
	size_t i, off = 0, ndata;

	if (res->rc != 0) {
		CHECK(res->rc == SG_EDATA, "rc %d: %s", res->rc, res->e.msg);
		if (k->header && strstr(res->e.msg, "header record") != NULL)
			CHECK(E[0] > size / 2, "header error, but the %zu-byte first record "
			    "fits half of --size %llu: %s", E[0], (unsigned long long)size,
			    res->e.msg);
		else
			CHECK(k->oversize == SG_OVERSIZE_ERROR &&
			    strstr(res->e.msg, "larger than --size") != NULL,
			    "unexpected error: %s", res->e.msg);
	}
	CHECK(s->n >= 1 && s->f[0].h.type == SG_TYPE_BEGIN, "no BEGIN");
	ndata = s->n - 1 - (res->rc == 0);
	for (i = 1; i <= ndata; i++) {
		const sg_frame_hdr *h = &s->f[i].h;
		size_t n;
		const unsigned char *nb = new_bytes(res, i, &n);
		size_t end = off + n, k_in = sgt_ends_in(E, nE, off, end);
		int over = (h->flags & SG_FLAG_OVERSIZE) != 0;

		CHECK(h->type == SG_TYPE_DATA && h->offset == off && n > 0 && end <= len,
		    "frame %zu: type %u offset %llu (want %zu), %zu new bytes", i, h->type,
		    (unsigned long long)h->offset, off, n);
		CHECK(memcmp(nb, in + off, n) == 0, "frame %zu: bytes differ at %zu", i, off);
		CHECK((h->flags & ~(SG_FLAG_OVERSIZE | SG_FLAG_HEADER)) == 0,
		    "frame %zu: flags 0x%x", i, h->flags);
		if (k->header && i > 1 && E[0] < len) {
			CHECK(h->context == E[0] && (h->flags & SG_FLAG_HEADER) &&
			    memcmp(sgt_payload(s, i), in, E[0]) == 0,
			    "frame %zu: context %u, want the %zu-byte header", i, h->context, E[0]);
		} else {
			CHECK(h->context == 0 && !(h->flags & SG_FLAG_HEADER),
			    "frame %zu: context %u", i, h->context);
		}
		if (k->oversize == SG_OVERSIZE_KEEP)
			CHECK(h->size <= SG_CHUNK_KEEP_MAX, "frame %zu: %u bytes", i, h->size);
		else
			CHECK(h->size <= size, "frame %zu: %u bytes > --size %llu", i, h->size,
			    (unsigned long long)size);
		if (over) {
			CHECK(k->oversize == SG_OVERSIZE_SPLIT, "frame %zu flagged oversize", i);
			/* a piece of one record: no record ends inside it */
			CHECK(sgt_ends_in(E, nE, off, end - 1) == 0 && (k_in == 0 || end == len),
			    "frame %zu flagged oversize holds a record end", i);
			/* Room for new bytes under 4 (a small --size, less
			 * the repeated header) may cut inside a character. */
			if (size - h->context >= 4 && end < len)
				CHECK(!inside[end], "frame %zu: oversize cut inside a character", i);
		} else {
			uint64_t lim = k->records + (k->header && i == 1 && k->records > 0);

			CHECK(sgt_is_end(E, nE, end), "frame %zu ends at %zu, not a record end", i,
			    end);
			CHECK(k->records == 0 || k_in <= lim, "frame %zu holds %zu records, "
			    "--records %llu", i, k_in, (unsigned long long)k->records);
			if (k->oversize == SG_OVERSIZE_KEEP && n > size)
				CHECK(k_in == 1, "frame %zu kept over --size holds %zu records", i, k_in);
		}
		if (exact && !(size < 4 && prev_over) &&
		    sgt_check_cut(p, E, nE, len, size, k->records, k->oversize, i, off, n,
		    over) < 0)
			return -1;
		prev_over = over;
		off = end;
	}
	if (res->rc != 0) {
		if (!k->header || strstr(res->e.msg, "header record") == NULL) {
			/* with --header, later windows leave room for it */
			size_t room = (size_t)size - (k->header && ndata > 0 ? E[0] : 0);
			size_t w = len - off < room ? len - off : room;

			CHECK(off < len && sgt_ref_cut(E, nE, off, w, 0) == 0,
			    "--oversize=error at %zu, but a record ends within %zu bytes", off, w);
		}
		return 0;
	}
	CHECK(off == len, "DATA carried %zu of %zu bytes", off, len);
	CHECK(s->f[s->n - 1].h.type == SG_TYPE_END && s->f[s->n - 1].h.offset == len,
	    "no END at %zu", len);
	return 0;
}

static void
test_chunker_property(void **state)
{
	static const char *profs[] = { "valid", "cut-short", "quote-heavy", "random",
		"unterminated" };
	sgt_rng master;
	sgt_buf in = { 0 };
	sgt_prop p;
	unsigned it;

	(void)state;
	memset(&p, 0, sizeof p);
	sgt_rng_init(&master, "csv_chunker_property");
	for (it = 0; it < sgt_iters(1500); it++) {
		sgt_rng r = { sgt_next(&master) };
		unsigned prof = (unsigned)sgt_below(&r, 5);
		size_t len = sgt_random_len(&r), nE;
		cfg k = { 0 };
		sgt_run a, b;
		unsigned char *inside;
		size_t *E;
		char why[200];
		int bad;

		in.len = 0;
		gen_csv(&r, &in, len, prof);
		len = in.len;
		k.size = sgt_random_size(&r, len);
		if (k.size > 0 && k.size < 16 && len > 20000)
			len = in.len = (size_t)sgt_range(&r, 0, 20000);
		k.oversize = (int)sgt_below(&r, 3);
		if (sgt_chance(&r, 50))
			k.records = sgt_chance(&r, 80) ? sgt_range(&r, 1, 10) : sgt_range(&r, 11, 3000);
		k.header = sgt_chance(&r, 15);
		E = malloc((len + 1) * sizeof *E);
		nE = ref_ends(in.p, len, E);
		inside = malloc(len + 1);
		sgt_ref_inside(in.p, len, inside);
		snprintf(p.where, sizeof p.where, "iteration %u: %s, %zu bytes, --size %llu, "
		    "--records %llu, --oversize=%s%s", it, profs[prof], len,
		    (unsigned long long)k.size, (unsigned long long)k.records,
		    sg_oversize_name(k.oversize), k.header ? ", --header" : "");

		chunk(&k, in.p, len, &r, &a);
		bad = check_run(&p, &k, in.p, len, inside, E, nE, &a);
		if (sgt_chance(&r, 50)) {
			k.drain_pct = (unsigned)sgt_range(&r, 5, 100);
			snprintf(p.where + strlen(p.where), sizeof p.where - strlen(p.where),
			    ", drains %u%%", k.drain_pct);
		}
		chunk(&k, in.p, len, &r, &b);
		bad |= check_run(&p, &k, in.p, len, inside, E, nE, &b);
		if (k.drain_pct == 0 && !sgt_same_cuts(&a, &b, 0, why, sizeof why))
			bad |= sgt_note(&p, "%s", why);
		p.runs++;
		p.failed += bad != 0;
		sgt_stream_free(&a.s);
		sgt_stream_free(&b.s);
		free(E);
		free(inside);
	}
	sgt_buf_free(&in);
	printf("[   PROP   ] csv_chunker_property: %u runs, %u failed\n", p.runs, p.failed);
	if (p.failed > 0)
		fail_msg("%u of %u runs failed; first: %s", p.failed, p.runs, p.first);
}

/* --- fixed cases through the chunker --------------------------------------- */

static void
expect_chunks(uint64_t size, uint64_t records, int oversize, int header, const char *text,
	      const char *want)
{
	cfg k = { .size = size, .records = records, .oversize = oversize, .header = header };
	sgt_rng r = { 7 };
	sgt_run res;
	char got[1024];

	chunk(&k, (const unsigned char *)text, strlen(text), &r, &res);
	sgt_data_string(&res.s, got, sizeof got);
	sgt_stream_free(&res.s);
	if (res.rc != 0)
		fail_msg("\"%s\" --size %llu: %s", text, (unsigned long long)size, res.e.msg);
	if (strcmp(got, want) != 0)
		fail_msg("\"%s\" --size %llu --records %llu --oversize=%s%s: \"%s\", want \"%s\"",
		    text, (unsigned long long)size, (unsigned long long)records,
		    sg_oversize_name(oversize), header ? " --header" : "", got, want);
}

static void
test_chunker_cases(void **state)
{
	(void)state;
	expect_chunks(15, 0, 0, 0, "a,b\n\"1\n2\",3\n4,5\n", "a,b\n\"1\n2\",3\n|4,5\n");
	expect_chunks(100, 1, 0, 0, "a,b\r\n\"1\r\n2\",3\r\n4,5", "a,b\r\n|\"1\r\n2\",3\r\n|4,5");
	/* an unterminated quote: the rest is one record, split, kept or refused */
	expect_chunks(4, 0, SG_OVERSIZE_SPLIT, 0, "a\n\"b\ncd\nef", "a\n|\"b\nc*|d\nef");
	expect_chunks(4, 0, SG_OVERSIZE_KEEP, 0, "a\n\"b\ncd\nef", "a\n|\"b\ncd\nef");
	/* a split record goes on in its quotes: the LF after the split is
	 * still quoted, the one after the closing quote ends it */
	expect_chunks(4, 0, SG_OVERSIZE_SPLIT, 0, "\"ab\ncd\"\nx\n", "\"ab\n*|cd\"\n|x\n");
	{
		cfg k = { .size = 4, .oversize = SG_OVERSIZE_ERROR };
		sgt_rng r = { 1 };
		sgt_run res;

		chunk(&k, (const unsigned char *)"a\n\"b\ncd\n", 8, &r, &res);
		sgt_stream_free(&res.s);
		assert_int_equal(res.rc, SG_EDATA);
	}
	/* --header (the chunker's): the first record repeats in front of
	 * every later chunk */
	expect_chunks(100, 1, 0, 1, "h,\"x\ny\"\n1,2\n\"3\n\",4\n",
	    "h,\"x\ny\"\n1,2\n|^h,\"x\ny\"\n\"3\n\",4\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_cases),
		cmocka_unit_test(test_find_cached),
		cmocka_unit_test(test_csv_spectrum),
		cmocka_unit_test(test_chunker_cases),
		cmocka_unit_test(test_find_property),
		cmocka_unit_test(test_chunker_property),
	};

	return cmocka_run_group_tests_name("boundary_csv", tests, NULL, NULL);
}
