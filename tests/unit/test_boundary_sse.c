/* test_boundary_sse.c: the sse strategy, directly and through the chunker.
 *
 * Every expectation comes from a reference block splitter written here,
 * line by line after the WHATWG rules (a line ends at CRLF, LF or CR; one
 * leading BOM is no content; a block ends after an empty line that follows
 * a non-empty one), which also names the [DONE] block. The captures of
 * shared/corpora/sse go through whole and one byte per read; the cases of
 * its EDGE-CASES.md that touch boundaries are here by number; a direct
 * property test checks the cached scan against the reference for random
 * windows, lookahead, record limits and cuts; a chunker property test
 * checks random and hostile streams with random sizes, limits, read splits
 * and --until-done.
 */
#include "sgtest.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boundary.h"
#include "chunker.h"

#define MiB (1u << 20)
#define BOM "\xEF\xBB\xBF"

/* --- the reference ------------------------------------------------------ */

/* Whether a non-empty line in[0..n) is a data field with value "[DONE]";
 * *data says whether it is a data field at all. */
static int
ref_data_line(const unsigned char *l, size_t n, int *data)
{
	const unsigned char *colon = memchr(l, ':', n);
	size_t name = colon != NULL ? (size_t)(colon - l) : n;
	const unsigned char *v = colon != NULL ? colon + 1 : l + n;
	size_t vn = (size_t)(l + n - v);

	*data = name == 4 && memcmp(l, "data", 4) == 0;
	if (vn > 0 && v[0] == ' ') {
		v++;
		vn--;
	}
	return *data && vn == 6 && memcmp(v, "[DONE]", 6) == 0;
}

/* The record ends that empty lines make, ascending, into ends; *done gets
 * the end of the first block whose event data is exactly "[DONE]" (one
 * data field), or 0. */
static size_t
ref_block_ends(const unsigned char *in, size_t len, size_t *ends, size_t *done)
{
	size_t i = 0, n = 0;
	int content = 0, ndata = 0, isdone = 0;

	*done = 0;
	if (len >= 3 && memcmp(in, BOM, 3) == 0)
		i = 3;
	while (i < len) {
		size_t ls = i, next;

		while (i < len && in[i] != '\r' && in[i] != '\n')
			i++;
		if (i == len)
			break;  /* an unterminated last line */
		next = in[i] == '\r' && i + 1 < len && in[i + 1] == '\n' ? i + 2 : i + 1;
		if (i > ls) {
			int data, d = ref_data_line(in + ls, i - ls, &data);

			content = 1;
			if (data && ++ndata == 1)
				isdone = d;
		} else if (content) {
			ends[n++] = next;
			if (*done == 0 && ndata == 1 && isdone)
				*done = next;
			content = ndata = isdone = 0;
		}
		i = next;
	}
	return n;
}

/* All record ends: those of empty lines, and len when the input does not
 * end with one (a trailing partial event). ends has len + 1 entries. */
static size_t
ref_ends(const unsigned char *in, size_t len, size_t *ends, size_t *done)
{
	size_t n = ref_block_ends(in, len, ends, done);

	if (len > 0 && (n == 0 || ends[n - 1] != len))
		ends[n++] = len;
	return n;
}

/* --- running the chunker ------------------------------------------------- */

typedef struct cfg {
	uint64_t size;       /* 0: auto */
	uint64_t records;
	int oversize;
	int until_done;
	unsigned drain_pct;  /* drain after a read with this chance */
	size_t step;         /* reads of this many bytes; 0: random */
	int drain_each;      /* drain after every read */
} cfg;

/* Read like a reader that stops once the chunker has stopped. */
static void
chunk(const cfg *k, const unsigned char *in, size_t len, sgt_rng *r, sgt_run *res)
{
	sg_chunk_opts o = {
		.strategy = &sg_boundary_sse, .size = k->size, .records = k->records,
		.oversize = k->oversize, .params = { .until_done = k->until_done },
	};
	sgt_reads rd = {
		.step = k->step, .drain_pct = k->drain_pct, .drain_each = k->drain_each,
		.until_stopped = 1,
	};

	sgt_chunk(res, &o, NULL, in, len, r, &rd);
}

/* The DATA frames are exactly the records in[E[i-1]..E[i]) for the first
 * nE ends, one per frame. */
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

		if (h->type != SG_TYPE_DATA || h->offset != prev || h->size != E[i] - prev ||
		    memcmp(sgt_payload(&res->s, i + 1), in + prev, h->size) != 0 ||
		    h->flags != 0)
			fail_msg("%s: frame %zu is offset %llu, %u bytes, flags 0x%x; want "
			    "record %zu at %zu, %zu bytes", what, i + 1,
			    (unsigned long long)h->offset, h->size, h->flags, i, prev, E[i] - prev);
		prev = E[i];
	}
	if (res->s.f[res->s.n - 1].h.type != SG_TYPE_END ||
	    res->s.f[res->s.n - 1].h.offset != prev)
		fail_msg("%s: END is not at %zu", what, prev);
}

/* --- the corpus ---------------------------------------------------------------- */

/* One capture: -n 1 gives its blocks, fed whole and one byte per read with
 * a drain after each; with --until-done it stops after the [DONE] block.
 * Returns the end of that block (0: none). */
static size_t
check_capture(const char *path, const char *name)
{
	size_t len, nE, done, v;
	unsigned char *in = sgt_load(path, &len);
	size_t *E;

	if (in == NULL)
		fail_msg("cannot read %s (set SG_CORPORA to the corpora directory)", path);
	E = malloc((len + 1) * sizeof *E);
	nE = ref_ends(in, len, E, &done);
	if (nE < 2)
		fail_msg("%s: the reference finds only %zu blocks", name, nE);
	for (v = 0; v < 4; v++) {
		cfg k = { .size = 1 * MiB, .records = 1 };
		char what[300];
		sgt_run res;

		k.step = v % 2 == 0 ? (size_t)-1 : 1;
		k.drain_each = v % 2 == 1;
		k.until_done = v >= 2;
		snprintf(what, sizeof what, "%s (%s%s)", name, v % 2 ? "byte reads, drains" :
		    "whole", k.until_done ? ", --until-done" : "");
		chunk(&k, in, len, NULL, &res);
		if (k.until_done && done > 0) {
			expect_records(what, &res, in, E, sgt_count_le(E, nE, done));
			if (!res.stopped || res.dropped != 0 || res.fed != len)
				fail_msg("%s: stopped %d, dropped %llu", what, res.stopped,
				    (unsigned long long)res.dropped);
		} else {
			expect_records(what, &res, in, E, nE);
			if (res.stopped)
				fail_msg("%s: stopped without a [DONE] block", what);
		}
		sgt_stream_free(&res.s);
	}
	free(E);
	free(in);
	return done;
}

static void
test_corpus(void **state)
{
	char dir[1024], path[2048];
	struct dirent *d;
	DIR *dp;
	size_t files = 0, with_done = 0;

	(void)state;
	snprintf(dir, sizeof dir, "%s/sse/captures", sgt_corpora());
	if ((dp = opendir(dir)) == NULL)
		fail_msg("cannot open %s (set SG_CORPORA to the corpora directory)", dir);
	while ((d = readdir(dp)) != NULL) {
		size_t nl = strlen(d->d_name), done;

		if (nl < 5 || strcmp(d->d_name + nl - 4, ".sse") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, d->d_name);
		done = check_capture(path, d->d_name);
		/* OpenAI and OpenRouter end with data: [DONE] */
		if (strncmp(d->d_name, "openai", 6) == 0 || strncmp(d->d_name, "openrouter", 10) == 0) {
			size_t len;
			unsigned char *in = sgt_load(path, &len);

			if (done != len)
				fail_msg("%s: the [DONE] block ends at %zu, not at the end (%zu)",
				    d->d_name, done, len);
			free(in);
			with_done++;
		}
		files++;
	}
	closedir(dp);
	snprintf(path, sizeof path, "%s/sse/sse-stream/test_stream.sse", sgt_corpora());
	check_capture(path, "test_stream.sse");
	if (files < 4 || with_done < 3)
		fail_msg("only %zu .sse captures (%zu with [DONE]) in %s", files, with_done, dir);
}

/* A capture with more after its [DONE] block: the chunker stops there and
 * drops the rest, whole or one byte per read. */
static void
test_corpus_after_done(void **state)
{
	char path[2048];
	size_t len, v;
	unsigned char *in;
	sgt_buf b = { 0 };
	static const char junk[] = "data: after\n\ndata: [DONE]\n\nmore";

	(void)state;
	snprintf(path, sizeof path, "%s/sse/captures/openai-chat-stream-short.sse", sgt_corpora());
	if ((in = sgt_load(path, &len)) == NULL)
		fail_msg("cannot read %s (set SG_CORPORA)", path);
	sgt_buf_put(&b, in, len);
	sgt_buf_put(&b, junk, sizeof junk - 1);
	for (v = 0; v < 3; v++) {
		cfg k = { .size = v == 2 ? 300 : 1 * MiB, .until_done = 1 };
		sgt_run res;
		size_t i, off = 0;

		k.step = v == 0 ? (size_t)-1 : 1;
		k.drain_each = v == 1;
		chunk(&k, b.p, b.len, NULL, &res);
		assert_int_equal(res.rc, 0);
		assert_true(res.stopped);
		for (i = 1; i + 1 < res.s.n; i++) {
			assert_int_equal(res.s.f[i].h.offset, off);
			off += res.s.f[i].h.size;
		}
		assert_int_equal(off, len);  /* nothing past the [DONE] block */
		assert_int_equal(res.s.f[res.s.n - 1].h.offset, len);
		/* what was read past the block was dropped, and no more read */
		assert_int_equal(res.dropped, res.fed - len);
		if (v == 1)
			assert_int_equal(res.fed, len);
		sgt_stream_free(&res.s);
	}
	sgt_buf_free(&b);
	free(in);
}

/* --- find, directly ---------------------------------------------------------- */

typedef struct st_buf {
	unsigned char b[256];
} st_buf;

static void *
fresh(st_buf *s, int until_done)
{
	sg_boundary_params p = { .until_done = until_done };

	assert_true(sg_boundary_sse.state_size <= sizeof s->b);
	memset(s->b, 0, sizeof s->b);
	sg_boundary_sse.reset(s->b, &p);
	return s->b;
}

static size_t
find1(const char *t, size_t len, size_t avail, int eof, uint64_t max)
{
	st_buf s;

	return sg_boundary_sse.find(fresh(&s, 0), (const unsigned char *)t, len, avail, eof, max);
}

/* text cut with -n 1 (and --until-done), by find on the whole rest at
 * eof, as "rec|rec|..." ("#" after the cut that made stopped() 1). */
static void
expect_split(int until_done, const char *text, const char *want)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t len = strlen(text), off = 0, o = 0;
	char got[1024];
	st_buf s;
	void *st = fresh(&s, until_done);

	got[0] = '\0';
	while (off < len && !sg_boundary_sse.stopped(st)) {
		size_t cut = sg_boundary_sse.find(st, t + off, len - off, len - off, 1, 1);

		if (cut == 0 || cut > len - off)
			fail_msg("\"%s\": find gave %zu at offset %zu", text, cut, off);
		sg_boundary_sse.consumed(st, cut);
		o += (size_t)snprintf(got + o, sizeof got - o, "%s%.*s%s", off ? "|" : "",
		    (int)cut, text + off, sg_boundary_sse.stopped(st) ? "#" : "");
		off += cut;
	}
	if (strcmp(got, want) != 0)
		fail_msg("\"%s\"%s split as \"%s\", want \"%s\"", text,
		    until_done ? " (--until-done)" : "", got, want);
}

/* The same through the chunker, each piece a read with a drain after it:
 * cuts at read boundaries. */
static void
expect_reads(int until_done, uint64_t records, const char *const *pieces, const char *want)
{
	sg_chunk_opts o = {
		.strategy = &sg_boundary_sse, .size = 4096, .records = records,
		.params = { .until_done = until_done },
	};
	sgt_run res;
	sg_chunker *c;
	sg_meta m;
	char got[1024], all[1024];
	size_t i, o_all = 0;

	sgt_stream_init(&res.s);
	sg_err_clear(&res.e);
	assert_non_null(c = sg_chunker_new(&o, sgt_emit, &res.s, &res.e));
	sg_meta_clear(&m);
	assert_int_equal(sg_chunker_begin(c, &m, &res.e), 0);
	for (i = 0; pieces[i] != NULL && !sg_chunker_stopped(c); i++) {
		unsigned char *sp;
		size_t n = strlen(pieces[i]);

		o_all += (size_t)snprintf(all + o_all, sizeof all - o_all, "%s[%s]", i ? "+" : "",
		    pieces[i]);
		assert_true(sg_chunker_space(c, &sp) >= n);
		memcpy(sp, pieces[i], n);
		assert_int_equal(sg_chunker_commit(c, n, &res.e), 0);
		assert_int_equal(sg_chunker_drain(c, &res.e), 0);
		/* mark what a drain after this read let out */
		sgt_emit(&res.s, &(sg_frame_hdr){ .type = SG_TYPE_PROGRESS }, NULL, &res.e);
	}
	assert_int_equal(sg_chunker_end(c, 1, &res.e), 0);
	{
		size_t k, w = 0;

		got[0] = '\0';
		for (k = 1; k + 1 < res.s.n && w + 1 < sizeof got; k++) {
			const sg_frame_hdr *h = &res.s.f[k].h;

			if (h->type == SG_TYPE_PROGRESS)
				w += (size_t)snprintf(got + w, sizeof got - w, "/");
			else
				w += (size_t)snprintf(got + w, sizeof got - w, "%.*s|", (int)h->size,
				    (const char *)sgt_payload(&res.s, k));
		}
		if (sg_chunker_stopped(c))
			w += (size_t)snprintf(got + w, sizeof got - w, "#");
	}
	sg_chunker_free(c);
	sgt_stream_free(&res.s);
	if (strcmp(got, want) != 0)
		fail_msg("reads %s%s: \"%s\", want \"%s\"", all,
		    until_done ? " (--until-done)" : "", got, want);
}

#define READS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
test_find_basics(void **state)
{
	const char *t = "data: a\n\ndata: b\n\ndata: c";

	(void)state;
	assert_ptr_equal(sg_boundary_lookup("sse"), &sg_boundary_sse);
	assert_int_equal(sg_boundary_sse.has_records, 1);
	assert_int_equal(sg_boundary_sse.part, SG_PART_NONE);
	assert_int_equal(sg_boundary_sse.options, SG_BOPT_UNTIL_DONE);
	assert_string_equal(sg_boundary_sse.summary, "between Server-Sent Events (WHATWG)");
	assert_non_null(sg_boundary_sse.stopped);
	assert_int_equal(find1(t, 25, 25, 0, 0), 18);
	assert_int_equal(find1(t, 25, 25, 1, 0), 25);
	assert_int_equal(find1(t, 25, 25, 0, 1), 9);
	assert_int_equal(find1(t, 25, 25, 0, 2), 18);
	assert_int_equal(find1(t, 25, 25, 0, 3), 18);
	assert_int_equal(find1(t, 25, 25, 1, 3), 25);
	assert_int_equal(find1(t, 24, 25, 1, 0), 18); /* eof only at the window's end */
	assert_int_equal(find1(t, 8, 25, 0, 0), 0);
	assert_int_equal(find1(t, 9, 25, 0, 0), 9);
	/* the first bytes decide on the BOM: nothing before three, or eof */
	assert_int_equal(find1("a\n", 2, 2, 0, 0), 0);
	assert_int_equal(find1("a\n", 2, 2, 1, 0), 2);
	assert_int_equal(find1("\n\n", 2, 2, 1, 1), 2);
	/* an empty line ended by a CR, with nothing after it yet: wait */
	assert_int_equal(find1("data: a\r\r", 9, 9, 0, 0), 0);
	assert_int_equal(find1("data: a\r\r", 9, 9, 1, 0), 9);
	assert_int_equal(find1("data: a\r\rx", 9, 10, 0, 0), 9);  /* lookahead */
	assert_int_equal(find1("data: a\r\r\n", 9, 10, 0, 0), 0);
	assert_int_equal(find1("data: a\r\r\n", 10, 10, 0, 0), 10);
	assert_int_equal(find1("data: a\n\r", 9, 9, 0, 0), 0);
	assert_int_equal(find1("data: a\n\rd", 10, 10, 0, 0), 9);
}

/* EDGE-CASES.md, the cases that move boundaries, by number. */
static void
test_edge_cases(void **state)
{
	(void)state;
	/* 1. LF, CRLF and lone CR give the same blocks */
	expect_split(0, "event: dog\ndata: bark\n\nevent: cow\ndata: moo\n\n",
	    "event: dog\ndata: bark\n\n|event: cow\ndata: moo\n\n");
	expect_split(0, "event: dog\r\ndata: bark\r\n\r\nevent: cow\r\ndata: moo\r\n\r\n",
	    "event: dog\r\ndata: bark\r\n\r\n|event: cow\r\ndata: moo\r\n\r\n");
	expect_split(0, "event: dog\rdata: bark\r\revent: cow\rdata: moo\r\r",
	    "event: dog\rdata: bark\r\r|event: cow\rdata: moo\r\r");
	expect_split(0, "data: a\rdata: b\r\r", "data: a\rdata: b\r\r");
	/* 2. mixed in one stream */
	expect_split(0, "data:1\r\n: c\rdata:2\n\r\ndata:3\r: d\n\r:e\n\n",
	    "data:1\r\n: c\rdata:2\n\r\n|data:3\r: d\n\r|:e\n\n");
	expect_split(0, "a\n\r\nb\r\r\nc\r\n\nd\n\r",
	    "a\n\r\n|b\r\r\n|c\r\n\n|d\n\r");
	/* 3. CRLF split across reads is one line end, never an empty line */
	expect_reads(0, 1, READS("data: x\r", "\ndata: y\r\n\r\n"),
	    "/data: x\r\ndata: y\r\n\r\n|/");
	expect_reads(0, 0, READS("data: x\r", "\n", "\r", "\n", "data: y\r\n\r\n"),
	    "///data: x\r\n\r\n|/data: y\r\n\r\n|/");
	expect_reads(0, 0, READS("data: a\r\r", "\n", "data: b\n\n"),
	    "/data: a\r\r\n|/data: b\n\n|/");
	expect_reads(0, 0, READS(": x\r", "\n", "\r", "\ndata: 1\r", "\n\r", "\n"),
	    "///: x\r\n\r\n|//data: 1\r\n\r\n|/");
	/* 4. a CR at a read's end, then not an LF: the line ended there */
	expect_reads(0, 0, READS("data: a\r\r", "data: b\r\r"),
	    "/data: a\r\r|/data: b\r\r|");
	expect_reads(0, 0, READS("data: a\r", "data: b\r\r", ":"),
	    "//data: a\rdata: b\r\r|/:|");
	/* 5-7. one leading BOM is no content, also split across reads; a
	 * second BOM or one later on is */
	expect_split(0, BOM "\n\ndata: x\n\n", BOM "\n\ndata: x\n\n");
	expect_reads(0, 1, READS("\xEF", "\xBB\xBF\n", "\ndata: x\n\n"),
	    "//" BOM "\n\ndata: x\n\n|/");
	expect_reads(0, 1, READS("\xEF\xBB", "\xBF", "data: x\n\n", "data: y\n\n"),
	    "//" BOM "data: x\n\n|/data: y\n\n|/");
	expect_split(0, BOM BOM "\n\ndata: x\n\n", BOM BOM "\n\n|data: x\n\n");
	expect_split(0, "data: 1\n\n" BOM "\n\ndata: 2\n\n", "data: 1\n\n|" BOM "\n\n|data: 2\n\n");
	expect_split(0, "\xEF\xBB\n\ndata: x\n\n", "\xEF\xBB\n\n|data: x\n\n");
	expect_split(0, "\xEF\n\n", "\xEF\n\n");
	/* 8, 11. comments, and blocks of comments only, are records */
	expect_split(0, ": keepalive\n\n:\n\n::::::\n\ndata: 1\n\n",
	    ": keepalive\n\n|:\n\n|::::::\n\n|data: 1\n\n");
	expect_split(0, ": OPENROUTER PROCESSING\n\ndata: {}\n\n",
	    ": OPENROUTER PROCESSING\n\n|data: {}\n\n");
	expect_split(0, ": \xD0\x96\xE4\xB8\xAD\xF0\x9F\x98\x80\n\n", ": \xD0\x96\xE4\xB8\xAD\xF0\x9F\x98\x80\n\n");
	/* 9. comments between data lines do not end the event */
	expect_split(0, "data:1\n:c\ndata:2\n:data:fail\ndata:3\n\ndata:4\n\n",
	    "data:1\n:c\ndata:2\n:data:fail\ndata:3\n\n|data:4\n\n");
	/* 13, 14. empty data, data without a colon */
	expect_split(0, "data:\n\ndata\ndata\n\n", "data:\n\n|data\ndata\n\n");
	/* 16, 19. unknown fields, a block of event: only */
	expect_split(0, "data:abc\n data\ndata\nfoobar:xxx\njustsometext\n:comment\ndata:123\n\n"
	    "event:\n\n", "data:abc\n data\ndata\nfoobar:xxx\njustsometext\n:comment\ndata:123\n\n|"
	    "event:\n\n");
	/* 22. blank lines before a block belong to it */
	expect_split(0, "\n\n\n\ndata: x\n\n", "\n\n\n\ndata: x\n\n");
	expect_split(0, "\r\n\r\ndata: x\r\n\r\n\r\r\rdata: y\r\r", "\r\n\r\ndata: x\r\n\r\n|\r\r\rdata: y\r\r");
	expect_split(0, "\n\n", "\n\n");
	/* 23. a trailing partial event ends the input */
	expect_split(0, "data: a\n\nid:test\ndata:test2", "data: a\n\n|id:test\ndata:test2");
	expect_split(0, "data: a\n\ndata: b\r", "data: a\n\n|data: b\r");
	expect_split(0, "data: a\n\ndata: b\n\r", "data: a\n\n|data: b\n\r");
	expect_reads(0, 0, READS("data: a\n\nid:test\n", "data:test2"),
	    "data: a\n\n|//id:test\ndata:test2|");
	/* 17, 18. NUL and multi-byte characters are ordinary bytes */
	assert_int_equal(find1("data:\0\n\nx\n\n", 11, 11, 0, 1), 8);
	assert_int_equal(find1("data:\0\n\nx\n\n", 11, 11, 0, 0), 11);
	expect_split(0, "data: \xF0\x9F\x98\x80\n\n\xC3\xA9\n\n", "data: \xF0\x9F\x98\x80\n\n|\xC3\xA9\n\n");
}

/* --until-done, directly: the [DONE] block is the last cut, and stopped()
 * turns 1 exactly when it has been consumed. */
static void
test_until_done_find(void **state)
{
	const unsigned char *t = (const unsigned char *)
	    "data: a\n\ndata: [DONE]\n\ndata: b\n\n";
	st_buf s;
	void *st;
	size_t len = strlen((const char *)t);

	(void)state;
	/* no limit, more bytes in the window, even at eof: the block's end */
	st = fresh(&s, 1);
	assert_int_equal(sg_boundary_sse.find(st, t, len, len, 0, 0), 23);
	assert_int_equal(sg_boundary_sse.find(st, t, len, len, 1, 0), 23);
	assert_int_equal(sg_boundary_sse.find(st, t, len, len, 1, 5), 23);
	assert_int_equal(sg_boundary_sse.stopped(st), 0);
	sg_boundary_sse.consumed(st, 23);
	assert_int_equal(sg_boundary_sse.stopped(st), 1);
	/* one record at a time */
	st = fresh(&s, 1);
	assert_int_equal(sg_boundary_sse.find(st, t, len, len, 0, 1), 9);
	sg_boundary_sse.consumed(st, 9);
	assert_int_equal(sg_boundary_sse.stopped(st), 0);
	assert_int_equal(sg_boundary_sse.find(st, t + 9, len - 9, len - 9, 1, 1), 14);
	assert_int_equal(sg_boundary_sse.stopped(st), 0);
	sg_boundary_sse.consumed(st, 14);
	assert_int_equal(sg_boundary_sse.stopped(st), 1);
	/* without --until-done it is an ordinary event */
	st = fresh(&s, 0);
	assert_int_equal(sg_boundary_sse.find(st, t, len, len, 0, 0), len);
	sg_boundary_sse.consumed(st, len);
	assert_int_equal(sg_boundary_sse.stopped(st), 0);
	/* a window growing one byte at a time: stopped only after the cut */
	st = fresh(&s, 1);
	{
		size_t off = 0, avail;

		for (avail = 1; avail <= len && !sg_boundary_sse.stopped(st); avail++) {
			size_t cut = sg_boundary_sse.find(st, t + off, avail - off, avail - off, 0, 0);

			assert_true(off + cut <= 23);
			if (cut > 0) {
				assert_true(off + cut == 9 || off + cut == 23);
				assert_int_equal(avail, off + cut);
				sg_boundary_sse.consumed(st, cut);
				off += cut;
			}
			assert_int_equal(sg_boundary_sse.stopped(st), off == 23);
		}
		assert_int_equal(off, 23);
		assert_int_equal(avail, 24);
	}
	/* which blocks are [DONE] */
	expect_split(1, "data:[DONE]\n\nx\n\n", "data:[DONE]\n\n#");
	expect_split(1, "data:  [DONE]\n\ndata: [DONE] \n\ndata: [DONE]\ndata: x\n\n"
	    "data\ndata: [DONE]\n\nDATA: [DONE]\n\n: data: [DONE]\n\ndata: [done]\n\n"
	    "event: end\ndata: [DONE]\nid: 5\n\nafter\n\n",
	    "data:  [DONE]\n\n|data: [DONE] \n\n|data: [DONE]\ndata: x\n\n|"
	    "data\ndata: [DONE]\n\n|DATA: [DONE]\n\n|: data: [DONE]\n\n|data: [done]\n\n|"
	    "event: end\ndata: [DONE]\nid: 5\n\n#");
	expect_split(1, BOM "data: [DONE]\r\n\r\nx\r\n\r\n", BOM "data: [DONE]\r\n\r\n#");
	expect_split(1, "\n\ndata: [DONE]\r\rx", "\n\ndata: [DONE]\r\r#");
	/* a [DONE] without its blank line is no event: the input just ends */
	expect_split(1, "data: a\n\ndata: [DONE]\n", "data: a\n\n|data: [DONE]\n");
	/* the CR that ends the [DONE] block waits for its next byte */
	st = fresh(&s, 1);
	assert_int_equal(sg_boundary_sse.find(st, (const unsigned char *)"data: [DONE]\r\r", 14,
	    14, 0, 0), 0);
	assert_int_equal(sg_boundary_sse.find(st, (const unsigned char *)"data: [DONE]\r\r\n",
	    15, 15, 0, 0), 15);
	sg_boundary_sse.consumed(st, 15);
	assert_int_equal(sg_boundary_sse.stopped(st), 1);
}

/* --until-done through the chunker: the [DONE] block is the last frame,
 * the chunker stops right after the read that completes it, and drops the
 * rest it holds. */
static void
test_until_done_chunker(void **state)
{
	(void)state;
	expect_reads(1, 0, READS("data: a\n\ndata: [DO", "NE]\n", "\ndata: b\n\n"),
	    "data: a\n\n|//data: [DONE]\n\n|/#");
	expect_reads(1, 0, READS("data: a\n\ndata: [DONE]\n\ndata: b\n\n", "data: c\n\n"),
	    "data: a\n\ndata: [DONE]\n\n|/#");
	expect_reads(1, 1, READS("data: a\n\ndata: [DONE]\n\ndata: b\n\n", "data: c\n\n"),
	    "data: a\n\n|data: [DONE]\n\n|/#");
	expect_reads(1, 0, READS("data: [DONE]\r\r", "\n", "data: b\n\n"),
	    "/data: [DONE]\r\r\n|/#");
	expect_reads(1, 0, READS("data: [DONE]\r\r", "data: b\n\n"),
	    "/data: [DONE]\r\r|/#");
	{
		static const char in[] = "data: a\n\ndata: [DONE]\n\ndata: b\n\n";
		cfg k = { .size = 1 * MiB, .until_done = 1, .step = (size_t)-1 };
		sgt_run res;
		char got[256];

		/* read whole: the rest (9 bytes) held and dropped */
		chunk(&k, (const unsigned char *)in, sizeof in - 1, NULL, &res);
		assert_int_equal(res.rc, 0);
		sgt_data_string(&res.s, got, sizeof got);
		assert_string_equal(got, "data: a\n\ndata: [DONE]\n\n");
		assert_true(res.stopped);
		assert_int_equal(res.dropped, 9);
		assert_int_equal(res.s.f[res.s.n - 1].h.offset, 23);
		sgt_stream_free(&res.s);
		/* --size 8: split frames, then the block's end */
		k.size = 8;
		chunk(&k, (const unsigned char *)in, sizeof in - 1, NULL, &res);
		assert_int_equal(res.rc, 0);
		sgt_data_string(&res.s, got, sizeof got);
		assert_string_equal(got, "data: a\n*|\n|data: [D*|ONE]\n\n");
		assert_true(res.stopped);
		sgt_stream_free(&res.s);
		/* the option is sse's */
		{
			sg_chunk_opts o = { .strategy = &sg_boundary_lines, .params.until_done = 1 };
			sg_err e;

			sg_err_clear(&e);
			assert_null(sg_chunker_new(&o, sgt_emit, &res.s, &e));
			assert_int_equal(e.code, SG_EUSAGE);
		}
	}
}

/* The cached scan: the rest of a character an oversize split cut, and
 * the BOM cut short the same way; a wider (keep) window; a -n 1 query
 * after a wider scan. */
static void
test_find_cached(void **state)
{
	st_buf s;
	void *st;

	(void)state;
	{
		/* --size 1 over a BOM: EF, then BB BF as the chunker's tail;
		 * the BOM is no content, and over once passed */
		const unsigned char *u = (const unsigned char *)BOM "\n\ndata: x\n\n";
		const unsigned char *v = (const unsigned char *)BOM "x\n\ny\n\n";

		st = fresh(&s, 0);
		assert_int_equal(sg_boundary_sse.find(st, u, 1, 14, 0, 0), 0);
		sg_boundary_sse.consumed(st, 1);
		sg_boundary_sse.consumed(st, 2);
		assert_int_equal(sg_boundary_sse.find(st, u + 3, 11, 11, 0, 0), 11);
		st = fresh(&s, 0);
		assert_int_equal(sg_boundary_sse.find(st, v, 1, 9, 0, 0), 0);
		sg_boundary_sse.consumed(st, 1);
		sg_boundary_sse.consumed(st, 2);
		assert_int_equal(sg_boundary_sse.find(st, v + 3, 6, 6, 0, 1), 3);
	}
	{
		/* a character cut inside a line that then turns out to be data */
		const unsigned char *u = (const unsigned char *)"data:\xE2\x82\xAC\ndata: [DONE]\n\nx\n\n";

		st = fresh(&s, 1);
		assert_int_equal(sg_boundary_sse.find(st, u, 6, 26, 0, 0), 0);
		sg_boundary_sse.consumed(st, 6);
		sg_boundary_sse.consumed(st, 2);
		/* two data fields: not the [DONE] event */
		assert_int_equal(sg_boundary_sse.find(st, u + 8, 18, 18, 0, 0), 18);
		sg_boundary_sse.consumed(st, 18);
		assert_int_equal(sg_boundary_sse.stopped(st), 0);
	}
	{
		const unsigned char *t = (const unsigned char *)"data: a\n\nb\n\nc\n\n";

		st = fresh(&s, 0);
		assert_int_equal(sg_boundary_sse.find(st, t, 5, 15, 0, 2), 0);
		assert_int_equal(sg_boundary_sse.find(st, t, 15, 15, 0, 1), 9);
		assert_int_equal(sg_boundary_sse.find(st, t, 5, 15, 0, 2), 0);
		assert_int_equal(sg_boundary_sse.find(st, t, 15, 15, 0, 0), 15);
		assert_int_equal(sg_boundary_sse.find(st, t, 14, 15, 0, 0), 12);
		assert_int_equal(sg_boundary_sse.find(st, t, 13, 15, 0, 2), 12);
		assert_int_equal(sg_boundary_sse.find(st, t, 15, 15, 0, 1), 9);
		sg_boundary_sse.consumed(st, 9);
		assert_int_equal(sg_boundary_sse.find(st, t + 9, 6, 6, 0, 1), 3);
		assert_int_equal(sg_boundary_sse.find(st, t + 9, 6, 6, 0, 0), 6);
	}
}

/* --- random streams ------------------------------------------------------------ */

static void
put_text(sgt_rng *r, sgt_buf *b, size_t n)
{
	static const char *chars[] = {
		"\xC3\xA9", "\xE2\x82\xAC", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80", "\xD0\x96",
		BOM, ":", " ", "\"", "{", "}",
	};
	size_t start = b->len;

	while (b->len - start < n) {
		if (sgt_chance(r, 85))
			sgt_buf_byte(b, (unsigned char)('a' + sgt_below(r, 26)));
		else
			sgt_buf_str(b, chars[sgt_below(r, sizeof chars / sizeof chars[0])]);
	}
}

/* Profiles: 0 LF, 1 CRLF, 2 CR, 3 mixed line ends, 4 valid and cut short,
 * 5 line-end-heavy bytes, 6 random bytes. */
static void
gen_sse(sgt_rng *r, sgt_buf *b, size_t want, unsigned prof)
{
	static const char *const eols[] = { "\n", "\r\n", "\r" };
	unsigned style = prof <= 2 ? prof : (unsigned)sgt_below(r, 3);

	if (prof == 6) {
		while (b->len < want)
			sgt_buf_byte(b, (unsigned char)sgt_next(r));
		return;
	}
	if (prof == 5) {
		static const char *bits[] = { "\n", "\r", "\r\n", "data: [DONE]", "data:",
			":", "x", BOM, "\xC3\xA9", "\n\n", "\r\r" };

		while (b->len < want)
			sgt_buf_str(b, bits[sgt_below(r, sizeof bits / sizeof bits[0])]);
		return;
	}
	if (sgt_chance(r, 10))
		sgt_buf_str(b, BOM);
	while (b->len < want) {
		unsigned lines = (unsigned)sgt_range(r, 1, 5), i;
		const char *eol;

		if (sgt_chance(r, 10)) {   /* blank lines before the block */
			unsigned k = (unsigned)sgt_range(r, 1, 3);

			while (k-- > 0)
				sgt_buf_str(b, eols[prof == 3 ? sgt_below(r, 3) : style]);
		}
		for (i = 0; i < lines; i++) {
			unsigned x = (unsigned)sgt_below(r, 100);

			if (x < 40) {
				sgt_buf_str(b, sgt_chance(r, 80) ? "data: " : "data:");
				put_text(r, b, (size_t)sgt_range(r, 0, 60));
			} else if (x < 48) {
				sgt_buf_str(b, sgt_chance(r, 50) ? "data: [DONE]" : "data:[DONE]");
			} else if (x < 52) {
				static const char *near[] = { "data:  [DONE]", "data: [DONE] ",
					" data: [DONE]", "data", "data:", "DATA: [DONE]" };

				sgt_buf_str(b, near[sgt_below(r, 6)]);
			} else if (x < 60) {
				sgt_buf_str(b, "event: ");
				put_text(r, b, (size_t)sgt_range(r, 1, 12));
			} else if (x < 65) {
				sgt_buf_str(b, sgt_chance(r, 50) ? "id: 42" : "retry: 1000");
			} else if (x < 78) {
				sgt_buf_str(b, ":");
				put_text(r, b, (size_t)sgt_range(r, 0, 30));
			} else if (x < 82) {
				sgt_buf_str(b, "foo");
				put_text(r, b, (size_t)sgt_range(r, 0, 10));
			} else if (x < 98) {
				sgt_buf_str(b, "data: {\"choices\":[{\"delta\":{\"content\":\"");
				put_text(r, b, (size_t)sgt_range(r, 0, 200));
				sgt_buf_str(b, "\"}}]}");
			} else {
				sgt_buf_str(b, "data: ");
				put_text(r, b, (size_t)sgt_range(r, 1000, 40000));
			}
			eol = eols[prof == 3 ? sgt_below(r, 3) : style];
			sgt_buf_str(b, eol);
		}
		sgt_buf_str(b, eols[prof == 3 ? sgt_below(r, 3) : style]);
	}
	if (prof == 4 || sgt_chance(r, 30))
		b->len = want;
}

/* find against the reference on random streams, with windows that grow,
 * shrink and reach past what was scanned, lookahead, random record limits
 * and eof, --until-done, and cuts both at the cut found and (with no
 * record end seen in the window) at a random point, as --oversize does. */
static void
test_find_property(void **state)
{
	sgt_rng master;
	sgt_buf in = { 0 };
	unsigned it, bad = 0;

	(void)state;
	sgt_rng_init(&master, "sse_find_property");
	for (it = 0; it < sgt_iters(3000) && bad == 0; it++) {
		sgt_rng r = { sgt_next(&master) };
		size_t len = (size_t)sgt_range(&r, 0, sgt_chance(&r, 20) ? 5000 : 300);
		size_t *real, nreal, done, off = 0, avail, steps = 0, maxw = 0;
		int eof_seen = 0;
		int until = sgt_chance(&r, 50);
		st_buf s;
		void *st = fresh(&s, until);

		in.len = 0;
		gen_sse(&r, &in, len, (unsigned)sgt_below(&r, 7));
		len = in.len;
		real = malloc((len + 1) * sizeof *real);
		nreal = ref_block_ends(in.p, len, real, &done);
		if (!until)
			done = 0;
		avail = (size_t)sgt_range(&r, 0, len);
		while (off < len && steps++ < 100000) {
			size_t w, got, want = 0, i, lim;
			uint64_t max = sgt_chance(&r, 50) ? 0 : sgt_range(&r, 1, 4), k = 0;
			int eof, live = done > off; /* the [DONE] block is ahead */

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
			/* ends in the window, seen: one after a CR needs the
			 * byte after it, or the end of input; none past the
			 * [DONE] block */
			lim = live && done < off + w ? done : off + w;
			for (i = 0; i < nreal; i++) {
				if (real[i] <= off || real[i] > lim)
					continue;
				if (in.p[real[i] - 1] == '\r' && real[i] >= avail &&
				    !(eof && off + w == len))
					continue;
				want = real[i] - off;
				if (max > 0 && ++k == max)
					break;
			}
			if (eof && off + w == len && (max == 0 || k < max) && !live)
				want = w;
			got = sg_boundary_sse.find(st, in.p + off, w, avail - off, eof, max);
			if (got != want) {
				print_error("iteration %u: input %zu bytes, offset %zu, window %zu, "
				    "avail %zu, eof %d, max %llu, until-done %d ([DONE] ends at %zu): "
				    "find gave %zu, want %zu\n", it, len, off, w, avail - off, eof,
				    (unsigned long long)max, until, done, got, want);
				bad++;
				break;
			}
			if (got > 0 && sgt_chance(&r, 50)) {
				sg_boundary_sse.consumed(st, got);
				off += got;
				maxw = 0;
			} else if (got == 0 && sgt_ref_cut(real, nreal, off, maxw, 0) == 0 &&
			    (avail >= 3 || eof) && sgt_chance(&r, 30)) {
				/* an oversize cut, as the chunker makes one: no
				 * find since the last cut saw a record end */
				size_t n = (size_t)sgt_range(&r, 1, w);

				sg_boundary_sse.consumed(st, n);
				off += n;
				maxw = 0;
			}
			if (sg_boundary_sse.stopped(st) != (done > 0 && off >= done)) {
				print_error("iteration %u: stopped() is %d at offset %zu, [DONE] "
				    "ends at %zu\n", it, sg_boundary_sse.stopped(st), off, done);
				bad++;
				break;
			}
		}
		free(real);
	}
	sgt_buf_free(&in);
	if (bad > 0)
		fail();
}

/* --- the chunker property ------------------------------------------------------- */

#define CHECK(cond, ...) do { if (!(cond)) return sgt_note(p, __VA_ARGS__); } while (0)

/* The frames of one run against the reference ends E (len included, and
 * with --until-done none past the [DONE] block, which ends at done). */
static int
check_run(sgt_prop *p, const cfg *k, const unsigned char *in, size_t len,
	  const unsigned char *inside, const size_t *E, size_t nE, size_t done,
	  const sgt_run *res)
{
	const sgt_stream *s = &res->s;
	uint64_t size = k->size ? k->size : sg_chunk_auto_size(len);
	int exact = k->drain_pct == 0 && !k->drain_each;
	size_t stop = done > 0 ? done : len;  /* where the frames must end */
	int prev_over = 0;
	size_t i, off = 0, ndata;

	if (res->rc != 0)
		CHECK(res->rc == SG_EDATA && k->oversize == SG_OVERSIZE_ERROR &&
		    strstr(res->e.msg, "larger than --size") != NULL,
		    "rc %d: %s", res->rc, res->e.msg);
	CHECK(s->n >= 1 && s->f[0].h.type == SG_TYPE_BEGIN, "no BEGIN");
	ndata = s->n - 1 - (res->rc == 0);
	for (i = 1; i <= ndata; i++) {
		const sg_frame_hdr *h = &s->f[i].h;
		size_t n = h->size, end = off + n, k_in = sgt_ends_in(E, nE, off, end);
		int over = (h->flags & SG_FLAG_OVERSIZE) != 0;

		CHECK(h->type == SG_TYPE_DATA && h->offset == off && n > 0 && end <= stop &&
		    h->context == 0 && (h->flags & ~SG_FLAG_OVERSIZE) == 0,
		    "frame %zu: type %u offset %llu (want %zu), %zu bytes, flags 0x%x (frames "
		    "must end by %zu)", i, h->type, (unsigned long long)h->offset, off, n,
		    h->flags, stop);
		CHECK(memcmp(sgt_payload(s, i), in + off, n) == 0, "frame %zu: bytes differ", i);
		if (k->oversize == SG_OVERSIZE_KEEP)
			CHECK(n <= SG_CHUNK_KEEP_MAX, "frame %zu: %zu bytes", i, n);
		else
			CHECK(n <= size, "frame %zu: %zu bytes > --size %llu", i, n,
			    (unsigned long long)size);
		if (over) {
			CHECK(k->oversize == SG_OVERSIZE_SPLIT, "frame %zu flagged oversize", i);
			CHECK(sgt_ends_in(E, nE, off, end - 1) == 0 && (k_in == 0 || end == len),
			    "frame %zu flagged oversize holds a record end", i);
			if (size >= 4 && end < len)
				CHECK(!inside[end], "frame %zu: oversize cut inside a character", i);
		} else {
			CHECK(sgt_is_end(E, nE, end), "frame %zu ends at %zu, not a record end", i,
			    end);
			CHECK(k->records == 0 || k_in <= k->records, "frame %zu holds %zu "
			    "records, --records %llu", i, k_in, (unsigned long long)k->records);
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
		size_t w = len - off < size ? len - off : (size_t)size;

		CHECK(off < stop && sgt_ref_cut(E, nE, off, w, 0) == 0,
		    "--oversize=error at %zu, but a record ends within %zu bytes", off, w);
		return 0;
	}
	CHECK(off == stop, "DATA carried %zu bytes, want %zu", off, stop);
	CHECK(s->f[s->n - 1].h.type == SG_TYPE_END && s->f[s->n - 1].h.offset == stop,
	    "no END at %zu", stop);
	CHECK(res->stopped == (done > 0), "stopped %d, [DONE] block ends at %zu", res->stopped,
	    done);
	CHECK(res->dropped == (done > 0 ? res->fed - done : 0), "dropped %llu of %zu read",
	    (unsigned long long)res->dropped, res->fed);
	return 0;
}

static void
test_chunker_property(void **state)
{
	static const char *profs[] = { "LF", "CRLF", "CR", "mixed", "cut-short",
		"line-end-heavy", "random" };
	sgt_rng master;
	sgt_buf in = { 0 };
	sgt_prop p;
	unsigned it;

	(void)state;
	memset(&p, 0, sizeof p);
	sgt_rng_init(&master, "sse_chunker_property");
	for (it = 0; it < sgt_iters(1500); it++) {
		sgt_rng r = { sgt_next(&master) };
		unsigned prof = (unsigned)sgt_below(&r, 7);
		size_t len = sgt_random_len(&r), nE, done;
		cfg k = { 0 };
		sgt_run a, b;
		unsigned char *inside;
		size_t *E;
		char why[200];
		int bad;

		in.len = 0;
		gen_sse(&r, &in, len, prof);
		len = in.len;
		k.size = sgt_random_size(&r, len);
		if (k.size > 0 && k.size < 16 && len > 20000)
			len = in.len = (size_t)sgt_range(&r, 0, 20000);
		k.oversize = (int)sgt_below(&r, 3);
		if (sgt_chance(&r, 50))
			k.records = sgt_chance(&r, 80) ? sgt_range(&r, 1, 10) : sgt_range(&r, 11, 3000);
		k.until_done = sgt_chance(&r, 50);
		E = malloc((len + 1) * sizeof *E);
		nE = ref_ends(in.p, len, E, &done);
		if (!k.until_done)
			done = 0;
		else if (done > 0)
			nE = sgt_count_le(E, nE, done);
		inside = malloc(len + 1);
		sgt_ref_inside(in.p, len, inside);
		snprintf(p.where, sizeof p.where, "iteration %u: %s, %zu bytes, --size %llu, "
		    "--records %llu, --oversize=%s%s", it, profs[prof], len,
		    (unsigned long long)k.size, (unsigned long long)k.records,
		    sg_oversize_name(k.oversize), k.until_done ? ", --until-done" : "");

		chunk(&k, in.p, len, &r, &a);
		bad = check_run(&p, &k, in.p, len, inside, E, nE, done, &a);
		if (sgt_chance(&r, 50)) {
			k.drain_pct = (unsigned)sgt_range(&r, 5, 100);
			snprintf(p.where + strlen(p.where), sizeof p.where - strlen(p.where),
			    ", drains %u%%", k.drain_pct);
		}
		chunk(&k, in.p, len, &r, &b);
		bad |= check_run(&p, &k, in.p, len, inside, E, nE, done, &b);
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
	printf("[   PROP   ] sse_chunker_property: %u runs, %u failed\n", p.runs, p.failed);
	if (p.failed > 0)
		fail_msg("%u of %u runs failed; first: %s", p.failed, p.runs, p.first);
}

/* --- big events and live streams ------------------------------------------------- */

/* 24. A 10 MiB event of multi-byte text: split at characters into flagged
 * frames, kept whole, or refused; the next event is cut as usual. */
static void
test_big_event(void **state)
{
	sgt_buf b = { 0 };
	size_t body, ev, i, off;
	int pol;

	(void)state;
	sgt_buf_str(&b, "data: ");
	while (b.len < 10 * MiB)
		sgt_buf_str(&b, b.len % 7 == 0 ? "\xF0\x9F\x98\x80" : b.len % 3 ? "\xC3\xA9" :
		    "\xE4\xB8\xAD");
	sgt_buf_str(&b, "\r\n\r\n");
	ev = b.len;
	sgt_buf_str(&b, "data: end\r\n\r\n");
	body = b.len;
	for (pol = 0; pol < 3; pol++) {
		cfg k = { .size = 1 * MiB, .records = 1, .oversize = pol, .step = 65536 };
		sgt_run res;

		chunk(&k, b.p, body, NULL, &res);
		if (pol == SG_OVERSIZE_ERROR) {
			assert_int_equal(res.rc, SG_EDATA);
			assert_int_equal(res.s.n, 1);  /* BEGIN only */
			sgt_stream_free(&res.s);
			continue;
		}
		assert_int_equal(res.rc, 0);
		for (i = 1, off = 0; i + 2 < res.s.n; i++) {
			const sg_frame_hdr *h = &res.s.f[i].h;

			assert_int_equal(h->offset, off);
			off += h->size;
			if (pol == SG_OVERSIZE_SPLIT && off < ev) {
				/* a piece of the event, at a character boundary */
				assert_int_equal(h->flags, SG_FLAG_OVERSIZE);
				assert_true(h->size <= 1 * MiB && h->size > 1 * MiB - 4);
				assert_true((b.p[off] & 0xC0) != 0x80);
			} else {
				assert_int_equal(h->flags, 0);
				assert_int_equal(off, ev);
			}
		}
		assert_int_equal(off, ev);
		assert_int_equal(res.s.f[i].h.offset, ev);
		assert_int_equal(res.s.f[i].h.size, body - ev);
		if (pol == SG_OVERSIZE_KEEP)
			assert_int_equal(res.s.n, 4);
		else
			assert_true(res.s.n >= 3 + ev / MiB);
		sgt_stream_free(&res.s);
	}
	sgt_buf_free(&b);
}

/* A live stream, one byte per read with a drain after each: every event
 * goes out as soon as its blank line is complete, and the work stays
 * linear (a rescan per byte would take hours here). */
static void
test_live_stream(void **state)
{
	sgt_buf b = { 0 };
	size_t *E, nE, done, i;
	cfg k = { .size = 1 * MiB, .step = 1, .drain_each = 1 };
	sgt_run res;
	clock_t t0;
	double secs;
	sgt_rng r;

	(void)state;
	sgt_rng_init(&r, "sse_live_stream");
	while (b.len < 3 * MiB) {
		if (sgt_chance(&r, 2)) {
			sgt_buf_str(&b, "data: ");
			put_text(&r, &b, 400000);  /* far longer than a read */
			sgt_buf_str(&b, "\r\n\r\n");
		} else {
			gen_sse(&r, &b, b.len + 300, (unsigned)sgt_below(&r, 4));
		}
	}
	E = malloc((b.len + 1) * sizeof *E);
	nE = ref_ends(b.p, b.len, E, &done);
	t0 = clock();
	chunk(&k, b.p, b.len, NULL, &res);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	printf("[   LIVE   ] %zu bytes one per read: %.2f s\n", b.len, secs);
	assert_int_equal(res.rc, 0);
	/* every record whole (none is over 1 MiB), in order */
	expect_records("live stream", &res, b.p, E, nE);
	for (i = 0; i < nE; i++)
		assert_true(E[i] - (i ? E[i - 1] : 0) <= 1 * MiB);
	assert_true(secs < 60);
	sgt_stream_free(&res.s);
	free(E);
	sgt_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_basics),
		cmocka_unit_test(test_edge_cases),
		cmocka_unit_test(test_until_done_find),
		cmocka_unit_test(test_until_done_chunker),
		cmocka_unit_test(test_find_cached),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_corpus_after_done),
		cmocka_unit_test(test_big_event),
		cmocka_unit_test(test_live_stream),
		cmocka_unit_test(test_find_property),
		cmocka_unit_test(test_chunker_property),
	};

	return cmocka_run_group_tests_name("boundary_sse", tests, NULL, NULL);
}
