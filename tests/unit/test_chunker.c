/* test_chunker.c: the chunker's own contract (chunker.h): options, sources
 * and their metadata, errors from the emit callback, bounded buffering, and
 * the hard cap of --oversize=keep. The strategies' cuts are test_boundary's. */
#include "sgtest.h"

#include <stdlib.h>
#include <string.h>

#include "chunker.h"

#define MiB (1u << 20)

static void
test_new_checks(void **state)
{
	sgt_stream s;
	sg_chunker *c;
	sg_err e;

	(void)state;
	sgt_stream_init(&s);
	{
		sg_chunk_opts o = { .strategy = NULL, .size = 10 };

		sg_err_clear(&e);
		assert_null(sg_chunker_new(&o, sgt_emit, &s, &e));
		assert_int_equal(e.code, SG_EUSAGE);
	}
	{
		sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = SG_CHUNK_SIZE_MAX + 1 };

		sg_err_clear(&e);
		assert_null(sg_chunker_new(&o, sgt_emit, &s, &e));
		assert_int_equal(e.code, SG_EUSAGE);
	}
	{
		sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = SG_CHUNK_SIZE_MAX };

		sg_err_clear(&e);
		assert_non_null(c = sg_chunker_new(&o, sgt_emit, &s, &e));
		sg_chunker_free(c);
	}
	sg_chunker_free(NULL);
}

static void
test_oversize_names(void **state)
{
	(void)state;
	assert_int_equal(sg_oversize_parse("split"), SG_OVERSIZE_SPLIT);
	assert_int_equal(sg_oversize_parse("keep"), SG_OVERSIZE_KEEP);
	assert_int_equal(sg_oversize_parse("error"), SG_OVERSIZE_ERROR);
	assert_int_equal(sg_oversize_parse("Split"), -1);
	assert_int_equal(sg_oversize_parse(""), -1);
	assert_int_equal(sg_oversize_parse("keep "), -1);
	assert_string_equal(sg_oversize_name(SG_OVERSIZE_SPLIT), "split");
	assert_string_equal(sg_oversize_name(SG_OVERSIZE_KEEP), "keep");
	assert_string_equal(sg_oversize_name(SG_OVERSIZE_ERROR), "error");
}

/* Begin and end out of turn are the caller's bugs. */
static void
test_misuse(void **state)
{
	sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = 64 };
	sgt_stream s;
	sg_chunker *c;
	sg_meta m;
	sg_err e;

	(void)state;
	sgt_stream_init(&s);
	sg_err_clear(&e);
	c = sg_chunker_new(&o, sgt_emit, &s, &e);
	assert_int_equal(sg_chunker_end(c, 1, &e), SG_EINTERNAL);
	sg_meta_clear(&m);
	assert_int_equal(sg_chunker_begin(c, &m, &e), 0);
	sg_meta_clear(&m);
	assert_int_equal(sg_chunker_begin(c, &m, &e), SG_EINTERNAL);
	assert_int_equal(sg_chunker_end(c, 1, &e), 0);
	assert_int_equal(sg_chunker_end(c, 1, &e), SG_EINTERNAL);
	sg_chunker_free(c);
	sgt_stream_free(&s);
}

/* Sources are numbered from 0, each with its own sequence, offsets, auto
 * size and END totals; BEGIN says what the caller and the chunker know. */
static void
test_sources(void **state)
{
	static const struct { const char *name; int known; size_t len; uint64_t auto_size; } src[] = {
		{ "a", 1, 0, 64 * 1024 },
		{ "b", 1, 2 * MiB, 128 * 1024 },
		{ "-", 0, 300000, MiB },
		{ "d", 1, 100, 64 * 1024 },
	};
	sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = 0, .records = 3,
	    .oversize = SG_OVERSIZE_KEEP };
	sgt_stream s;
	sg_chunker *c;
	sgt_rng r;
	sg_err e;
	size_t i, k, f = 0;

	(void)state;
	sgt_rng_init(&r, "sources");
	sgt_stream_init(&s);
	sg_err_clear(&e);
	c = sg_chunker_new(&o, sgt_emit, &s, &e);
	for (i = 0; i < 4; i++) {
		unsigned char *in = malloc(src[i].len + 1);
		sg_meta m;

		for (k = 0; k < src[i].len; k++)
			in[k] = (unsigned char)(k % 50 == 49 ? '\n' : 'a' + k % 26);
		sg_meta_clear(&m);
		sg_meta_set_name(&m, src[i].name, strlen(src[i].name));
		if (src[i].known) {
			m.size = src[i].len;
			m.have |= SG_META_HAS(SG_META_SIZE);
		}
		m.mtime_ns = -5;
		m.mode = 0100600;
		m.have |= SG_META_HAS(SG_META_MTIME) | SG_META_HAS(SG_META_MODE);
		assert_int_equal(sg_chunker_begin(c, &m, &e), 0);
		assert_int_equal(sg_chunker_consumed(c), 0);
		assert_int_equal(sgt_feed(c, in, src[i].len, &r, 0, &e), 0);
		assert_int_equal(sg_chunker_consumed(c), src[i].len);
		assert_int_equal(sg_chunker_end(c, i == 3, &e), 0);
		/* the frames of this source */
		{
			size_t first = f, ndata = 0;
			uint64_t off = 0;
			sg_meta b, end;

			assert_int_equal(s.f[f].h.type, SG_TYPE_BEGIN);
			assert_int_equal(sg_meta_decode(sgt_payload(&s, f), s.f[f].h.size, &b, &e), 0);
			assert_int_equal(b.name_len, strlen(src[i].name));
			assert_memory_equal(b.name, src[i].name, b.name_len);
			assert_int_equal(!!(b.have & SG_META_HAS(SG_META_SIZE)), src[i].known);
			assert_true(b.mtime_ns == -5);
			assert_int_equal(b.mode, 0100600);
			assert_string_equal(b.strategy, "lines");
			assert_int_equal(b.chunk_size, src[i].auto_size);
			assert_int_equal(b.records, 3);
			assert_string_equal(b.oversize, "keep");
			for (f++; s.f[f].h.type == SG_TYPE_DATA; f++) {
				assert_int_equal(s.f[f].h.source, i);
				assert_int_equal(s.f[f].h.seq, f - first);
				assert_int_equal(s.f[f].h.offset, off);
				assert_true(s.f[f].h.size <= src[i].auto_size);
				assert_memory_equal(sgt_payload(&s, f), in + off, s.f[f].h.size);
				off += s.f[f].h.size;
				ndata++;
			}
			assert_int_equal(s.f[f].h.type, SG_TYPE_END);
			assert_int_equal(s.f[f].h.source, i);
			assert_int_equal(s.f[f].h.seq, f - first);
			assert_int_equal(s.f[f].h.flags, i == 3 ? SG_FLAG_LAST : 0);
			assert_int_equal(sg_meta_decode(sgt_payload(&s, f), s.f[f].h.size, &end, &e), 0);
			assert_int_equal(end.total, src[i].len);
			assert_int_equal(end.frames, ndata);
			assert_int_equal(end.source_sum, sgt_xxh3(in, src[i].len));
			f++;
		}
		free(in);
	}
	assert_int_equal(f, s.n);
	sg_chunker_free(c);
	sgt_stream_free(&s);
}

/* An error from the emit callback stops the chunker and comes back. */
static void
test_emit_error(void **state)
{
	static const char text[] = "one\ntwo\nsix\nten\n";
	size_t total, k;

	(void)state;
	/* how many frames a clean run makes */
	{
		sgt_stream s;
		sgt_rng r = { 7 };
		const unsigned char *src[1] = { (const unsigned char *)text };
		size_t len = sizeof text - 1;
		sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = 5 };
		sg_err e;

		sgt_stream_init(&s);
		assert_int_equal(sgt_make_stream(&s, &o, 1, src, &len, &r, &e), 0);
		total = s.n;
		sgt_stream_free(&s);
		assert_int_equal(total, 6);
	}
	for (k = 0; k < total; k++) {
		sgt_stream s;
		sgt_rng r = { 7 };
		const unsigned char *src[1] = { (const unsigned char *)text };
		size_t len = sizeof text - 1;
		sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = 5 };
		sg_err e;

		sgt_stream_init(&s);
		s.fail_at = (long)k;
		s.fail_code = SG_EPIPE;
		sg_err_clear(&e);
		assert_int_equal(sgt_make_stream(&s, &o, 1, src, &len, &r, &e), SG_EPIPE);
		assert_int_equal(e.code, SG_EPIPE);
		assert_int_equal(s.n, k);
		sgt_stream_free(&s);
	}
}

/* Memory is the buffer: held plus offered room never exceeds --size
 * (or the keep cap), whatever the reads. */
static void
test_bounded_buffer(void **state)
{
	sgt_rng r;
	unsigned it;

	(void)state;
	sgt_rng_init(&r, "bounded_buffer");
	for (it = 0; it < sgt_iters(200); it++) {
		sg_chunk_opts o = { .strategy = sg_boundary_all[sgt_below(&r, 3)],
		    .size = sgt_range(&r, 4, 5000), .oversize = (int)sgt_below(&r, 3) };
		size_t len = (size_t)sgt_range(&r, 0, 60000), pos = 0, k;
		size_t seen = 1, emitted = 0;  /* frames counted; their bytes */
		unsigned char *in = malloc(len + 1);
		/* A window and the few bytes of lookahead that settle its cut. */
		uint64_t cap = (o.oversize == SG_OVERSIZE_KEEP ? SG_CHUNK_KEEP_MAX : o.size) +
		    SG_CHUNK_LOOKAHEAD;
		sgt_stream s;
		sg_chunker *c;
		sg_meta m;
		sg_err e;
		int rc = 0;

		for (k = 0; k < len; k++)
			in[k] = sgt_chance(&r, 2) ? '\n' : (unsigned char)sgt_next(&r);
		sgt_stream_init(&s);
		sg_err_clear(&e);
		c = sg_chunker_new(&o, sgt_emit, &s, &e);
		sg_meta_clear(&m);
		assert_int_equal(sg_chunker_begin(c, &m, &e), 0);
		while (pos < len && rc == 0) {
			unsigned char *p;
			size_t room = sg_chunker_space(c, &p), n;

			for (; seen < s.n; seen++)
				emitted += s.f[seen].h.size;
			if (room == 0 || pos - emitted + room > cap)
				fail_msg("iteration %u: %zu bytes held and %zu offered, --size %llu",
				    it, pos - emitted, room, (unsigned long long)o.size);
			n = (size_t)sgt_range(&r, 1, room);
			if (n > len - pos)
				n = len - pos;
			memcpy(p, in + pos, n);
			pos += n;
			rc = sg_chunker_commit(c, n, &e);
			if (rc == 0 && sgt_chance(&r, 20))
				rc = sg_chunker_drain(c, &e);
		}
		if (rc == 0)
			rc = sg_chunker_end(c, 1, &e);
		assert_true(rc == 0 || (rc == SG_EDATA && o.oversize == SG_OVERSIZE_ERROR));
		sg_chunker_free(c);
		sgt_stream_free(&s);
		free(in);
	}
}

/* Feed len bytes of 'x' (and a final '\n' if nl) in the largest pieces
 * the chunker offers. Returns the first error. */
static int
feed_long_record(sg_chunker *c, size_t len, int nl, sg_err *e)
{
	size_t pos = 0, total = len + (nl ? 1 : 0);
	int rc;

	while (pos < total) {
		unsigned char *p;
		size_t room = sg_chunker_space(c, &p), n;

		if (room == 0)
			return sg_err_set(e, SG_ENOMEM, "no room");
		n = room < total - pos ? room : total - pos;
		memset(p, 'x', n);
		if (nl && pos + n == total)
			p[n - 1] = '\n';
		pos += n;
		if ((rc = sg_chunker_commit(c, n, e)) < 0)
			return rc;
	}
	return 0;
}

/* --oversize=keep holds a record whole up to SG_CHUNK_KEEP_MAX, no more. */
static int
keep_run(size_t len, int nl, sgt_stream *s, sg_err *e)
{
	sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = MiB,
	    .oversize = SG_OVERSIZE_KEEP };
	sg_chunker *c;
	sg_meta m;
	int rc;

	sgt_stream_init(s);
	sg_err_clear(e);
	c = sg_chunker_new(&o, sgt_emit, s, e);
	sg_meta_clear(&m);
	rc = sg_chunker_begin(c, &m, e);
	if (rc == 0)
		rc = feed_long_record(c, len, nl, e);
	if (rc == 0)
		rc = sg_chunker_end(c, 1, e);
	sg_chunker_free(c);
	return rc;
}

static void
test_keep_cap(void **state)
{
	sgt_stream s;
	sg_err e;
	int rc;
	size_t n;
	uint32_t size;

	(void)state;
	/* 64 MiB with its newline: one frame */
	rc = keep_run(SG_CHUNK_KEEP_MAX - 1, 1, &s, &e);
	n = s.n;
	size = n > 1 ? s.f[1].h.size : 0;
	sgt_stream_free(&s);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 3);
	assert_int_equal(size, SG_CHUNK_KEEP_MAX);
	/* one byte more, newline or not: refused, and nothing over the cap
	 * goes out (no frame may exceed SG_FRAME_PAYLOAD_MAX) */
	rc = keep_run(SG_CHUNK_KEEP_MAX, 1, &s, &e);
	n = s.n;
	size = n > 1 ? s.f[1].h.size : 0;
	sgt_stream_free(&s);
	if (rc != SG_EDATA)
		fail_msg("a %u-byte record with --oversize=keep: rc %d, %zu frames, "
		    "frame 1 of %u bytes", SG_CHUNK_KEEP_MAX + 1, rc, n, size);
	assert_non_null(strstr(e.msg, "--oversize=keep"));
	assert_int_equal(n, 1);
	rc = keep_run(SG_CHUNK_KEEP_MAX + 5, 0, &s, &e);
	n = s.n;
	sgt_stream_free(&s);
	assert_int_equal(rc, SG_EDATA);
	assert_int_equal(n, 1);
}

/* A last record of exactly SG_CHUNK_KEEP_MAX bytes without a newline is
 * within the cap, as it is with one. */
static void
test_keep_cap_last_record(void **state)
{
	sgt_stream s;
	sg_err e;
	int rc;
	size_t n;
	uint32_t size;

	(void)state;
	rc = keep_run(SG_CHUNK_KEEP_MAX, 0, &s, &e);
	n = s.n;
	size = n > 1 ? s.f[1].h.size : 0;
	sgt_stream_free(&s);
	if (rc != 0)
		fail_msg("a final %u-byte record (no newline) refused: %s", SG_CHUNK_KEEP_MAX, e.msg);
	assert_int_equal(n, 3);
	assert_int_equal(size, SG_CHUNK_KEEP_MAX);
}


/* Every byte of the space offered may be written, wherever the held bytes
 * sit: with a window just under or over a page and a held line of every
 * length up to a page, fill the whole space each time (ASan catches a
 * write past the buffer; the run must also stay exact). */
static void
test_space_is_writable(void **state)
{
	static const uint64_t sizes[] = { 4, 4092, 4093, 4095, 4096, 4097, 8192 };
	size_t si, held;

	(void)state;
	for (si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
		for (held = 0; held < 4100; held += held < 8 || held > 4080 ? 1 : 97) {
			sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = sizes[si] };
			sgt_stream s;
			sg_chunker *c;
			unsigned char *p;
			size_t room, i, total = 0;
			sg_meta m;
			sg_err e;

			sgt_stream_init(&s);
			sg_err_clear(&e);
			assert_non_null(c = sg_chunker_new(&o, sgt_emit, &s, &e));
			sg_meta_clear(&m);
			assert_int_equal(sg_chunker_begin(c, &m, &e), 0);
			/* A line ending at held % size, then bytes without newline. */
			for (i = 0; i < 3; i++) {
				room = sg_chunker_space(c, &p);
				assert_true(room > 0);
				memset(p, 'x', room);
				if (i == 0 && held % sizes[si] < room)
					p[held % sizes[si]] = '\n';
				assert_int_equal(sg_chunker_commit(c, room, &e), 0);
				total += room;
			}
			assert_int_equal(sg_chunker_end(c, 1, &e), 0);
			for (i = 0; i < s.n; i++)
				if (s.f[i].h.type == SG_TYPE_DATA)
					total -= s.f[i].h.size;
			assert_int_equal(total, 0);
			sg_chunker_free(c);
			sgt_stream_free(&s);
		}
	}
}

/* --- context, stop, failure, flags: a mock strategy ----------------- */

/* Lines, accepting --header and --overlap, stopping after a line "STOP",
 * failing at a line "BAD", and flagging chunks that hold a '#'. */
struct mock_state {
	uint64_t lines_seen;
	int stopped;
	size_t bad_at;
};

static size_t
mock_find(void *st, const unsigned char *buf, size_t len, size_t avail, int eof,
	  uint64_t max_records)
{
	struct mock_state *m = st;
	size_t p = 0, last = 0;
	uint64_t n = 0;

	while (p < len && (max_records == 0 || n < max_records)) {
		const unsigned char *nl = memchr(buf + p, '\n', len - p);
		size_t end = nl != NULL ? (size_t)(nl - buf) + 1 : 0;

		if (len - p >= 3 && memcmp(buf + p, "BAD", 3) == 0) {
			if (last > 0)
				return last;
			m->bad_at = p;
			return SG_BOUNDARY_FAIL;
		}
		if (end == 0)
			return eof && len == avail ? len : last;
		n++;
		last = p = end;
		if (end >= 5 && memcmp(buf + end - 5, "STOP\n", 5) == 0)
			return last; /* never past the stop line */
	}
	return last;
}

static void
mock_consumed(void *st, size_t n)
{
	struct mock_state *m = st;

	(void)n;
	m->lines_seen++;
}

static uint16_t
mock_flags(void *st, const unsigned char *buf, size_t n)
{
	(void)st;
	return memchr(buf, '#', n) != NULL ? SG_FLAG_ARRAY : 0;
}

static int
mock_error(void *st, uint64_t base, sg_err *e)
{
	struct mock_state *m = st;

	return sg_err_set(e, SG_EDATA, "bad line at byte %llu",
	    (unsigned long long)(base + m->bad_at));
}

static size_t
mock_overlap(const unsigned char *buf, size_t n, size_t max)
{
	(void)buf;
	return n < max ? n : max;
}

static int stop_seen; /* mock_stopped reads the last chunk via this flag */

static int
mock_stopped(void *st)
{
	(void)st;
	return stop_seen;
}

static int
emit_watch(void *ctx, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e)
{
	if (h->type == SG_TYPE_DATA && h->size >= 5 &&
	    memcmp(payload + h->size - 5, "STOP\n", 5) == 0)
		stop_seen = 1;
	return sgt_emit(ctx, h, payload, e);
}

static const sg_boundary_ops mock = {
	.name = "mock", .summary = "test", .has_records = 1,
	.options = SG_BOPT_HEADER | SG_BOPT_OVERLAP | SG_BOPT_UNTIL_DONE,
	.state_size = sizeof(struct mock_state),
	.find = mock_find, .consumed = mock_consumed, .flags = mock_flags,
	.error = mock_error, .stopped = mock_stopped, .overlap = mock_overlap,
};

/* Chunk in through the mock with o, fed in random pieces (drains when
 * drain_pct > 0), starting at source offset start. */
static int
mock_run(sg_chunk_opts *o, const char *in, uint64_t start, unsigned drain_pct,
	 sgt_rng *r, sgt_stream *s, sg_err *e)
{
	sg_chunker *c;
	sg_meta m;
	int rc;

	o->strategy = &mock;
	stop_seen = 0;
	sgt_stream_init(s);
	sg_err_clear(e);
	if ((c = sg_chunker_new(o, emit_watch, s, e)) == NULL)
		return e->code;
	sg_meta_clear(&m);
	rc = sg_chunker_begin_at(c, &m, start, e);
	if (rc == 0)
		rc = sgt_feed(c, (const unsigned char *)in, strlen(in), r, drain_pct, e);
	if (rc == 0)
		rc = sg_chunker_end(c, 1, e);
	sg_chunker_free(c);
	return rc;
}

/* The payload of DATA frame k (0-based among DATA frames). */
static const sgt_frame *
data_frame(const sgt_stream *s, size_t k, const unsigned char **payload)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (s->f[i].h.type != SG_TYPE_DATA)
			continue;
		if (k-- == 0) {
			*payload = sgt_payload(s, i);
			return &s->f[i];
		}
	}
	fail_msg("no DATA frame %zu", k);
	return NULL;
}

static size_t
data_count(const sgt_stream *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		n += s->f[i].h.type == SG_TYPE_DATA;
	return n;
}

static void
check_decodes(const sgt_stream *s, const char *in, sgt_rng *r)
{
	sgt_buf out = { 0 };
	sg_err e;

	assert_int_equal(sgt_decode(s->wire.p, s->wire.len, r, &out, NULL, &e), 0);
	assert_int_equal(out.len, strlen(in));
	assert_memory_equal(out.p, in, out.len);
	sgt_buf_free(&out);
}

static void
test_header_repeats(void **state)
{
	const char *in = "id,name\n1,a\n2,b\n3,c\n4,d\n5,e\n";
	sg_chunk_opts o = { .size = 20, .header = 1, .records = 2 };
	const unsigned char *p;
	const sgt_frame *f;
	sgt_stream s;
	sgt_rng r;
	sg_err e;
	unsigned drain;

	(void)state;
	sgt_rng_init(&r, "header_repeats");
	for (drain = 0; drain <= 100; drain += 50) {
		assert_int_equal(mock_run(&o, in, 0, drain, &r, &s, &e), 0);
		/* The first chunk holds the header and two records, the
		 * later ones a copy of the header and up to two records. */
		f = data_frame(&s, 0, &p);
		if (drain == 0) {
			assert_int_equal(f->h.context, 0);
			assert_int_equal(f->h.size, 16);
			assert_memory_equal(p, "id,name\n1,a\n2,b\n", 16);
			assert_int_equal(data_count(&s), 3);
		}
		for (size_t k = 1; k < data_count(&s); k++) {
			f = data_frame(&s, k, &p);
			assert_int_equal(f->h.context, 8);
			assert_true(f->h.flags & SG_FLAG_HEADER);
			assert_memory_equal(p, "id,name\n", 8);
			assert_true(f->h.size <= 20);
		}
		check_decodes(&s, in, &r);
		sgt_stream_free(&s);
	}
	/* A header longer than half of --size is refused. */
	o.size = 12;
	o.records = 0;
	assert_int_equal(mock_run(&o, "a-long-header\n1\n", 0, 0, &r, &s, &e), SG_EDATA);
	assert_non_null(strstr(e.msg, "header"));
	sgt_stream_free(&s);
}

static void
test_overlap_repeats(void **state)
{
	const char *in = "aaaa\nbbbb\ncccc\ndddd\neeee\n";
	sg_chunk_opts o = { .size = 12, .overlap = 3 };
	const unsigned char *p, *prev;
	const sgt_frame *f, *pf;
	sgt_stream s;
	sgt_rng r;
	sg_err e;

	(void)state;
	sgt_rng_init(&r, "overlap_repeats");
	assert_int_equal(mock_run(&o, in, 0, 0, &r, &s, &e), 0);
	assert_true(data_count(&s) >= 3);
	pf = data_frame(&s, 0, &prev);
	assert_int_equal(pf->h.context, 0);
	for (size_t k = 1; k < data_count(&s); k++) {
		f = data_frame(&s, k, &p);
		assert_int_equal(f->h.context, 3);
		assert_true(f->h.flags & SG_FLAG_OVERLAP);
		assert_true(f->h.size <= 12);
		/* The context is the previous chunk's last 3 bytes. */
		assert_memory_equal(p, prev + pf->h.size - 3, 3);
		pf = f;
		prev = p;
	}
	check_decodes(&s, in, &r);
	sgt_stream_free(&s);
	/* More than half of --size is refused up front. */
	o.overlap = 7;
	assert_int_equal(mock_run(&o, in, 0, 0, &r, &s, &e), SG_EUSAGE);
	sgt_stream_free(&s);
}

static void
test_options_refused(void **state)
{
	sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = 64 };
	sgt_stream s;
	sg_err e;

	(void)state;
	sgt_stream_init(&s);
	o.header = 1;
	assert_null(sg_chunker_new(&o, sgt_emit, &s, &e));
	assert_int_equal(e.code, SG_EUSAGE);
	assert_non_null(strstr(e.msg, "--header"));
	o.header = 0;
	o.params.json_validate = 1;
	assert_null(sg_chunker_new(&o, sgt_emit, &s, &e));
	assert_non_null(strstr(e.msg, "--validate"));
	o.params.json_validate = 0;
	o.overlap = 4;
	assert_null(sg_chunker_new(&o, sgt_emit, &s, &e));
	assert_non_null(strstr(e.msg, "--overlap"));
	sgt_stream_free(&s);
}

static void
test_stop_drops_rest(void **state)
{
	const char *in = "one\nSTOP\nafter\nmore\n";
	sg_chunk_opts o = { .size = 1024 };
	sgt_stream s;
	sgt_buf out = { 0 };
	sgt_rng r;
	sg_err e;

	(void)state;
	sgt_rng_init(&r, "stop_drops_rest");
	assert_int_equal(mock_run(&o, in, 0, 0, &r, &s, &e), 0);
	/* What went out decodes to the input up to the stop line. */
	assert_int_equal(sgt_decode(s.wire.p, s.wire.len, &r, &out, NULL, &e), 0);
	assert_int_equal(out.len, 9);
	assert_memory_equal(out.p, "one\nSTOP\n", 9);
	sgt_buf_free(&out);
	sgt_stream_free(&s);
}

static void
test_failure_names_offset(void **state)
{
	const char *in = "ok\nfine\nBAD line\nnever\n";
	sg_chunk_opts o = { .size = 1024, .records = 1 };
	sgt_stream s;
	sgt_rng r;
	sg_err e;

	(void)state;
	sgt_rng_init(&r, "failure_names_offset");
	assert_int_equal(mock_run(&o, in, 100, 0, &r, &s, &e), SG_EDATA);
	assert_non_null(strstr(e.msg, "byte 108"));
	/* The good records before it went out. */
	assert_int_equal(data_count(&s), 2);
	sgt_stream_free(&s);
}

static void
test_flags_and_start(void **state)
{
	const char *in = "a\n#b\nc\n";
	sg_chunk_opts o = { .size = 1024, .records = 1 };
	const unsigned char *p;
	sgt_stream s;
	sgt_rng r;
	sg_err e;

	(void)state;
	sgt_rng_init(&r, "flags_and_start");
	assert_int_equal(mock_run(&o, in, 5000, 0, &r, &s, &e), 0);
	assert_int_equal(data_count(&s), 3);
	assert_int_equal(data_frame(&s, 0, &p)->h.flags & SG_FLAG_ARRAY, 0);
	assert_int_equal(data_frame(&s, 1, &p)->h.flags & SG_FLAG_ARRAY, SG_FLAG_ARRAY);
	assert_int_equal(data_frame(&s, 0, &p)->h.offset, 5000);
	assert_int_equal(data_frame(&s, 2, &p)->h.offset, 5005);
	assert_int_equal(s.f[0].h.offset, 5000); /* BEGIN says where the part starts */
	check_decodes(&s, in, &r);
	sgt_stream_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_checks),
		cmocka_unit_test(test_oversize_names),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_emit_error),
		cmocka_unit_test(test_bounded_buffer),
		cmocka_unit_test(test_keep_cap),
		cmocka_unit_test(test_keep_cap_last_record),
		cmocka_unit_test(test_space_is_writable),
		cmocka_unit_test(test_header_repeats),
		cmocka_unit_test(test_overlap_repeats),
		cmocka_unit_test(test_options_refused),
		cmocka_unit_test(test_stop_drops_rest),
		cmocka_unit_test(test_failure_names_offset),
		cmocka_unit_test(test_flags_and_start),
	};

	return cmocka_run_group_tests_name("chunker", tests, NULL, NULL);
}
