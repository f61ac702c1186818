/* test_ndjson.c: NDJSON frames (ndjson.c) read back through sg_reader.
 *
 * Random frames of every type are rendered with sg_list_frame() (payload
 * included), concatenated, perhaps with their keys shuffled, blanks added
 * and unknown keys inserted, and read back in random short reads: every
 * header field and payload must come back exactly. Then every kind of
 * malformed object must be refused as bad data naming its frame and an
 * offset, and an oversized payload must be refused without allocating
 * much more than the limit. */
#include "sgtest.h"

#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "list.h"
#include "meta.h"
#include "reader.h"

#if defined(__SANITIZE_ADDRESS__)
#define SGT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SGT_ASAN 1
#endif
#endif

#ifdef SGT_ASAN
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

/* Heap bytes in use now. */
static size_t
heap_in_use(void)
{
#ifdef SGT_ASAN
	return __sanitizer_get_current_allocated_bytes();
#else
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#endif
}

/* --- random frames -------------------------------------------------------- */

typedef struct gframe {
	sg_frame_hdr h;          /* what the reader must give back */
	unsigned shown_codec;    /* the codec the listed DATA frame had */
	sg_meta m;               /* BEGIN, END, PROGRESS */
	unsigned char *p;        /* the payload, h.size bytes */
} gframe;

/* Valid UTF-8 full of what JSON must escape: control characters, quotes,
 * backslashes, and characters of every length, astral ones included. */
static size_t
gen_text(sgt_rng *r, unsigned char *p, size_t max)
{
	static const char *const special[] = {
		"\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\x01", "\x1f", "\x7f",
		"\xC3\xA9", "\xDF\xBF", "\xE2\x82\xAC", "\xE2\x80\xA8", "\xEF\xBF\xBD",
		"\xEF\xBF\xBF", "\xF0\x9F\x98\x80", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF",
		"\\u0041", "\\ud800",
	};
	size_t n = 0;

	while (n < max) {
		if (sgt_chance(r, 60)) {
			p[n++] = (unsigned char)sgt_range(r, 0x20, 0x7E);
		} else if (sgt_chance(r, 5)) {
			p[n++] = 0; /* NUL is valid UTF-8 too */
		} else {
			const char *s = special[sgt_below(r, sizeof special / sizeof special[0])];
			size_t k = strlen(s);

			if (n + k > max)
				break;
			memcpy(p + n, s, k);
			n += k;
		}
	}
	return n;
}

static size_t
gen_payload(sgt_rng *r, unsigned char *p, size_t max)
{
	size_t n = (size_t)(sgt_chance(r, 5) ? sgt_below(r, max + 1) :
	    sgt_chance(r, 10) ? sgt_below(r, 3) : sgt_below(r, 600));
	size_t i;

	if (n > max)
		n = max;
	switch (sgt_below(r, 3)) {
	case 0:
		return gen_text(r, p, n);
	case 1: /* binary */
		for (i = 0; i < n; i++)
			p[i] = (unsigned char)sgt_next(r);
		return n;
	default: /* text with one damaged byte */
		n = gen_text(r, p, n);
		if (n > 0)
			p[sgt_below(r, n)] = (unsigned char)sgt_range(r, 0x80, 0xFF);
		return n;
	}
}

static void
gen_word(sgt_rng *r, char *w, size_t max)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t n = (size_t)sgt_range(r, 1, max), i;

	for (i = 0; i < n; i++)
		w[i] = abc[sgt_below(r, sizeof abc - 1)];
	w[n] = '\0';
}

static unsigned char *
dup_bytes(const void *p, size_t n)
{
	unsigned char *q = malloc(n ? n : 1);

	assert_non_null(q);
	if (n > 0)
		memcpy(q, p, n);
	return q;
}

static void
gen_meta_frame(sgt_rng *r, gframe *g, unsigned type)
{
	unsigned char buf[SG_FRAME_META_MAX];
	sg_meta *m = &g->m;
	sg_err e;
	int n;

	sg_meta_clear(m);
	if (type == SG_TYPE_BEGIN) {
		unsigned char name[300];
		/* (an empty name: test_empty_strings) */
		size_t len = gen_payload(r, name, sizeof name - 1);
		char w[32];

		if (len == 0)
			name[len++] = '-';
		sg_meta_set_name(m, (const char *)name, len);
		if (sgt_chance(r, 70)) {
			m->size = sgt_next(r) >> sgt_below(r, 64);
			m->have |= SG_META_HAS(SG_META_SIZE);
		}
		if (sgt_chance(r, 70)) {
			m->mtime_ns = (int64_t)sgt_below(r, UINT64_C(4000000000000000000));
			m->have |= SG_META_HAS(SG_META_MTIME);
		}
		if (sgt_chance(r, 70)) {
			m->mode = (uint32_t)sgt_next(r) >> sgt_below(r, 32);
			m->have |= SG_META_HAS(SG_META_MODE);
		}
		if (sgt_chance(r, 70)) {
			gen_word(r, w, SG_META_WORD_MAX);
			sg_meta_set_word(m, SG_META_STRATEGY, w);
		}
		if (sgt_chance(r, 70)) {
			m->chunk_size = sgt_next(r) >> sgt_below(r, 64);
			m->have |= SG_META_HAS(SG_META_CHUNK_SIZE);
		}
		if (sgt_chance(r, 70)) {
			m->records = sgt_next(r) >> sgt_below(r, 64);
			m->have |= SG_META_HAS(SG_META_RECORDS);
		}
		if (sgt_chance(r, 70)) {
			gen_word(r, w, SG_META_WORD_MAX);
			sg_meta_set_word(m, SG_META_OVERSIZE, w);
		}
	} else if (type == SG_TYPE_END) {
		m->total = sgt_next(r) >> sgt_below(r, 64);
		m->frames = sgt_next(r) >> sgt_below(r, 64);
		m->source_sum = sgt_next(r);
		m->have |= SG_META_HAS(SG_META_TOTAL) | SG_META_HAS(SG_META_FRAMES) |
		    SG_META_HAS(SG_META_SOURCE_SUM);
	} else {
		m->consumed = sgt_next(r) >> sgt_below(r, 64);
		m->have |= SG_META_HAS(SG_META_CONSUMED);
		if (sgt_chance(r, 50)) {
			m->input_total = sgt_next(r) >> sgt_below(r, 64);
			m->have |= SG_META_HAS(SG_META_INPUT_TOTAL);
		}
	}
	sg_err_clear(&e);
	n = sg_meta_encode(m, buf, sizeof buf, &e);
	assert_true(n >= 0);
	g->p = dup_bytes(buf, (size_t)n);
	g->h.size = (uint32_t)n;
}

static void
gen_frame(sgt_rng *r, gframe *g, unsigned char *scratch, size_t max)
{
	unsigned k = (unsigned)sgt_below(r, 100);

	memset(&g->h, 0, sizeof g->h);
	sg_meta_clear(&g->m);
	g->h.hdr_len = SG_FRAME_HDR_LEN;
	g->h.version = SG_FRAME_VERSION;
	g->h.codec = SG_CODEC_NONE;
	g->h.source = (uint32_t)sgt_next(r);
	g->h.seq = sgt_next(r) >> sgt_below(r, 64);
	g->h.offset = sgt_next(r) >> sgt_below(r, 64);
	g->h.flags = (uint16_t)(sgt_chance(r, 50) ? sgt_below(r, 32) : sgt_next(r));
	g->shown_codec = SG_CODEC_NONE;
	if (k < 55) {
		g->h.type = SG_TYPE_DATA;
		g->h.size = (uint32_t)gen_payload(r, scratch, max);
		g->p = dup_bytes(scratch, g->h.size);
		g->shown_codec = (unsigned)sgt_below(r, 3);
	} else if (k < 90) {
		gen_meta_frame(r, g, k < 70 ? SG_TYPE_BEGIN : k < 80 ? SG_TYPE_END : SG_TYPE_PROGRESS);
		g->h.type = (uint8_t)(k < 70 ? SG_TYPE_BEGIN : k < 80 ? SG_TYPE_END : SG_TYPE_PROGRESS);
	} else {
		/* an unknown type: 0, or 5..255 */
		g->h.type = (uint8_t)(sgt_chance(r, 10) ? 0 : sgt_range(r, 5, 255));
		g->h.size = (uint32_t)gen_payload(r, scratch, max < 60000 ? max : 60000);
		g->p = dup_bytes(scratch, g->h.size);
	}
	g->h.stored = g->h.size;
	g->h.context = (uint32_t)sgt_below(r, (uint64_t)g->h.size + 1);
	g->h.payload_sum = sgt_xxh3(g->p, g->h.size);
}

/* The line sg-encode --json writes for g (at, its input offset, is only
 * shown; the reader does not read it back). */
static void
render(const gframe *g, uint64_t index, sgt_rng *r, sg_buf *out)
{
	sg_frame f;
	sg_err e;

	memset(&f, 0, sizeof f);
	f.h = g->h;
	f.index = index;
	f.at = sgt_next(r) >> 20;
	if (g->h.type == SG_TYPE_DATA && g->shown_codec != SG_CODEC_NONE) {
		/* a coded frame, shown with its decoded payload */
		f.h.codec = (uint8_t)g->shown_codec;
		f.h.stored = (uint32_t)sgt_range(r, 1, 1000);
	}
	sg_err_clear(&e);
	assert_int_equal(sg_list_frame(out, &f, &g->m, g->p, &e), 0);
}

/* --- reshaping a line: members shuffled, blanks, unknown keys --------------- */

static size_t
string_end(const unsigned char *p, size_t i, size_t n)
{
	assert_true(p[i] == '"');
	for (i++; i < n; i++) {
		if (p[i] == '\\')
			i++;
		else if (p[i] == '"')
			return i + 1;
	}
	fail_msg("unterminated string in a listed line");
	return n;
}

static size_t
value_end(const unsigned char *p, size_t i, size_t n)
{
	int depth = 0;

	while (i < n) {
		unsigned char c = p[i];

		if (c == '"') {
			i = string_end(p, i, n);
		} else if (c == '{' || c == '[') {
			depth++;
			i++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return i;
			depth--;
			i++;
		} else if (c == ',' && depth == 0) {
			return i;
		} else {
			i++;
		}
	}
	return i;
}

typedef struct member {
	const unsigned char *key, *val;
	size_t key_len, val_len;
} member;

/* Split a listed line ({...}\n) into its members. */
static size_t
split_members(const unsigned char *p, size_t n, member *m, size_t max)
{
	size_t i = 1, count = 0;

	assert_true(n >= 3 && p[0] == '{');
	while (i < n && p[i] != '}') {
		size_t k = string_end(p, i, n), v;

		assert_true(p[k] == ':');
		v = value_end(p, k + 1, n);
		assert_true(count < max);
		m[count].key = p + i;
		m[count].key_len = k - i;
		m[count].val = p + k + 1;
		m[count].val_len = v - (k + 1);
		count++;
		i = p[v] == ',' ? v + 1 : v;
	}
	return count;
}

static void
blanks(sgt_rng *r, sgt_buf *out)
{
	static const char ws[] = " \t\r\n";
	unsigned n = sgt_chance(r, 70) ? 0 : (unsigned)sgt_range(r, 1, 4);

	while (n-- > 0)
		sgt_buf_byte(out, (unsigned char)ws[sgt_below(r, 4)]);
}

/* Members of unknown keys, which the reader must skip whatever they hold. */
static const char *const unknown_members[] = {
	"\"note\":\"hello \\\"}{][\\\\ world\"",
	"\"meta\":{\"a\":[1,2,{\"b\":\"]}\\\"\"}],\"c\":null,\"d\":true,\"e\":{}}",
	"\"nested\":[[[[[[]]]]],{},[{}],[1,[2,[3]]]]",
	"\"num\":-12.5e-3",
	"\"t\":false",
	"\"empty\":\"\"",
	"\"u\":\"\\ud83d\\ude00\\u0000\\n\"",
	"\"frame\":12",
	"\"stored\":999",
	"\"codec\":\"zstd\"",
	"\"x\xC3\xA9\":[\"\xF0\x9F\x98\x80\"]",
};
#define NUNKNOWN (sizeof unknown_members / sizeof unknown_members[0])

/* Append the object of line[0..n) to out, reshaped: keys in random order
 * when shuffle, blanks around tokens, and unknown members inserted. */
static void
reshape(sgt_rng *r, const unsigned char *line, size_t n, int shuffle, sgt_buf *out)
{
	member m[64];
	size_t count = split_members(line, n, m, 64), i;

	if (shuffle) {
		for (i = count; i > 1; i--) {
			size_t k = (size_t)sgt_below(r, i);
			member t = m[i - 1];

			m[i - 1] = m[k];
			m[k] = t;
		}
	}
	sgt_buf_byte(out, '{');
	for (i = 0; i < count; i++) {
		if (sgt_chance(r, 10)) {
			const char *u = unknown_members[sgt_below(r, NUNKNOWN)];
			const char *colon = strchr(u + 1, ':');

			/* whitespace inside the unknown member too */
			blanks(r, out);
			while (colon != NULL && colon[-1] != '"')
				colon = strchr(colon + 1, ':');
			assert_non_null(colon);
			sgt_buf_put(out, u, (size_t)(colon - u));
			blanks(r, out);
			sgt_buf_byte(out, ':');
			blanks(r, out);
			sgt_buf_put(out, colon + 1, strlen(colon + 1));
			blanks(r, out);
			sgt_buf_byte(out, ',');
		}
		blanks(r, out);
		sgt_buf_put(out, m[i].key, m[i].key_len);
		blanks(r, out);
		sgt_buf_byte(out, ':');
		blanks(r, out);
		sgt_buf_put(out, m[i].val, m[i].val_len);
		blanks(r, out);
		if (i + 1 < count)
			sgt_buf_byte(out, ',');
	}
	sgt_buf_byte(out, '}');
}

/* --- reading back ------------------------------------------------------------ */

static void
check_frame(const sg_frame *f, const gframe *g, uint64_t index, uint64_t at)
{
	sg_frame_hdr h;
	sg_err e;

	assert_int_equal(f->index, index);
	assert_int_equal(f->at, at);
	assert_int_equal(f->h.type, g->h.type);
	assert_int_equal(f->h.source, g->h.source);
	assert_int_equal(f->h.seq, g->h.seq);
	assert_int_equal(f->h.offset, g->h.offset);
	assert_int_equal(f->h.size, g->h.size);
	assert_int_equal(f->h.context, g->h.context);
	/* a DATA frame is listed as it decodes: without "stored" */
	assert_int_equal(f->h.flags, g->h.type == SG_TYPE_DATA ?
	    g->h.flags & ~SG_FLAG_STORED : g->h.flags);
	if (f->h.payload_sum != g->h.payload_sum)
		fail_msg("frame %" PRIu64 " (type %u): payload_sum %016" PRIx64 ", want %016"
		    PRIx64, index, g->h.type, f->h.payload_sum, g->h.payload_sum);
	assert_int_equal(f->h.codec, SG_CODEC_NONE);
	assert_int_equal(f->h.stored, g->h.size);
	assert_int_equal(f->h.hdr_len, SG_FRAME_HDR_LEN);
	assert_int_equal(f->h.version, SG_FRAME_VERSION);
	if (g->h.size > 0)
		assert_memory_equal(f->payload, g->p, g->h.size);
	/* raw is a real frame: header, then the payload */
	sg_err_clear(&e);
	if (sg_frame_decode(f->raw, SG_FRAME_HDR_LEN, &h, &e) != 0)
		fail_msg("frame %" PRIu64 ": raw header does not decode: %s", index, e.msg);
	assert_ptr_equal(f->payload, f->raw + SG_FRAME_HDR_LEN);
	assert_true(h.payload_sum == g->h.payload_sum);
	assert_true(sgt_xxh3(f->payload, f->h.size) == f->h.payload_sum);
}

/* Read all of text: the frames must be g[0..n) at offsets at[0..n). */
static void
read_all(const unsigned char *text, size_t len, const gframe *g, const uint64_t *at,
	 size_t n, sgt_rng *r)
{
	sgt_mem mem = { .p = text, .len = len, .rng = r };
	sg_reader *rd = sg_reader_new(sgt_mem_read, &mem);
	sg_frame f;
	sg_err e;
	size_t i;

	assert_non_null(rd);
	for (i = 0; i < n; i++) {
		int rc;

		sg_err_clear(&e);
		rc = sg_reader_next(rd, &f, &e);
		if (rc != 1)
			fail_msg("frame %zu of %zu: rc %d: %s (frame %" PRIu64 ", offset %" PRIu64 ")",
			    i, n, rc, e.msg, e.frame, e.offset);
		assert_true(sg_reader_is_ndjson(rd));
		check_frame(&f, &g[i], i, at[i]);
	}
	sg_err_clear(&e);
	if (sg_reader_next(rd, &f, &e) != 0)
		fail_msg("after %zu frames: %s", n, e.msg);
	assert_int_equal(sg_reader_count(rd), n);
	assert_int_equal(sg_reader_tell(rd), len);
	sg_reader_free(rd);
}

static void
free_frames(gframe *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(g[i].p);
}

/* shape 0: lines as listed; 1: blanks and unknown keys; 2: also shuffled */
static void
round_trips(const char *name, int shape, unsigned iters)
{
	size_t max = 200000;
	unsigned char *scratch = malloc(max);
	sgt_rng r;
	unsigned it;

	assert_non_null(scratch);
	sgt_rng_init(&r, name);
	for (it = 0; it < sgt_iters(iters); it++) {
		size_t n = (size_t)sgt_below(&r, 12), i;
		gframe *g = calloc(n + 1, sizeof *g);
		uint64_t *at = calloc(n + 1, sizeof *at);
		sgt_buf text = { 0 };
		sg_buf line = SG_BUF_INIT;

		assert_non_null(g);
		assert_non_null(at);
		if (shape > 0)
			blanks(&r, &text);
		for (i = 0; i < n; i++) {
			gen_frame(&r, &g[i], scratch, max);
			line.len = 0;
			render(&g[i], i, &r, &line);
			assert_true(line.p[line.len - 1] == '\n');
			at[i] = text.len;
			if (shape == 0) {
				sgt_buf_put(&text, line.p, line.len);
			} else {
				reshape(&r, line.p, line.len, shape == 2, &text);
				/* between objects: a newline, blanks, or nothing */
				if (sgt_chance(&r, 80))
					sgt_buf_byte(&text, '\n');
				blanks(&r, &text);
			}
		}
		/* NDJSON mode needs '{' or a blank first: an empty stream is
		 * no frames in either mode */
		read_all(text.p, text.len, g, at, n, &r);
		free_frames(g, n);
		free(g);
		free(at);
		sgt_buf_free(&text);
		sg_buf_free(&line);
	}
	free(scratch);
}

static void
test_round_trip_lines(void **state)
{
	(void)state;
	round_trips("ndjson_round_trip_lines", 0, 300);
}

static void
test_round_trip_reshaped(void **state)
{
	(void)state;
	round_trips("ndjson_round_trip_reshaped", 1, 300);
}

static void
test_round_trip_shuffled(void **state)
{
	(void)state;
	round_trips("ndjson_round_trip_shuffled", 2, 300);
}

/* A real stream: the chunker's frames (lines strategy), listed with their
 * payloads, decode to the same frames. */
static void
test_chunker_stream(void **state)
{
	static const unsigned char a[] = "first line\nsecond \"line\"\n\xF0\x9F\x98\x80\n";
	unsigned char b[5000];
	const unsigned char *src[2] = { a, b };
	size_t len[2] = { sizeof a - 1, sizeof b };
	sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = 16 };
	sgt_stream s;
	sgt_buf text = { 0 };
	sg_buf line = SG_BUF_INIT;
	gframe *g;
	uint64_t *at;
	sgt_rng r;
	sg_err e;
	size_t i;

	(void)state;
	sgt_rng_init(&r, "ndjson_chunker_stream");
	for (i = 0; i < sizeof b; i++)
		b[i] = (unsigned char)(sgt_chance(&r, 5) ? '\n' : sgt_next(&r));
	sgt_stream_init(&s);
	sg_err_clear(&e);
	assert_int_equal(sgt_make_stream(&s, &o, 2, src, len, &r, &e), 0);
	g = calloc(s.n, sizeof *g);
	at = calloc(s.n, sizeof *at);
	assert_non_null(g);
	assert_non_null(at);
	for (i = 0; i < s.n; i++) {
		sg_frame f;

		memset(&f, 0, sizeof f);
		g[i].h = s.f[i].h;
		g[i].p = dup_bytes(sgt_payload(&s, i), s.f[i].h.size);
		sg_meta_clear(&g[i].m);
		if (g[i].h.type != SG_TYPE_DATA)
			assert_int_equal(sg_meta_decode(g[i].p, g[i].h.size, &g[i].m, &e), 0);
		f.h = g[i].h;
		f.index = i;
		f.at = s.f[i].at;
		line.len = 0;
		assert_int_equal(sg_list_frame(&line, &f, &g[i].m, g[i].p, &e), 0);
		at[i] = text.len;
		sgt_buf_put(&text, line.p, line.len);
	}
	read_all(text.p, text.len, g, at, s.n, &r);
	/* the whole stream still verifies from NDJSON */
	{
		sgt_buf out = { 0 };
		uint64_t frames;

		if (sgt_decode(text.p, text.len, &r, &out, &frames, &e) != 0)
			fail_msg("decoding the NDJSON stream: %s", e.msg);
		assert_int_equal(frames, s.n);
		assert_int_equal(out.len, sizeof a - 1 + sizeof b);
		assert_memory_equal(out.p, a, sizeof a - 1);
		assert_memory_equal(out.p + sizeof a - 1, b, sizeof b);
		sgt_buf_free(&out);
	}
	free_frames(g, s.n);
	free(g);
	free(at);
	sgt_buf_free(&text);
	sg_buf_free(&line);
	sgt_stream_free(&s);
}

/* name_base64 carries the exact bytes whatever the order of the keys:
 * "A later name_base64 wins over name, whatever the order." */
static void
test_name_base64_first(void **state)
{
	static const char *const lines[] = {
		"{\"type\":\"begin\",\"source\":0,\"seq\":0,\"offset\":0,"
		"\"name\":\"a\\ufffdb\",\"name_base64\":\"Yf9i\"}\n",
		"{\"type\":\"begin\",\"source\":0,\"seq\":0,\"offset\":0,"
		"\"name_base64\":\"Yf9i\",\"name\":\"a\\ufffdb\"}\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		sgt_mem mem = { .p = (const unsigned char *)lines[i], .len = strlen(lines[i]) };
		sg_reader *rd = sg_reader_new(sgt_mem_read, &mem);
		sg_frame f;
		sg_meta m;
		sg_err e;

		assert_non_null(rd);
		sg_err_clear(&e);
		if (sg_reader_next(rd, &f, &e) != 1)
			fail_msg("line %zu: %s", i, e.msg);
		assert_int_equal(sg_meta_decode(f.payload, f.h.size, &m, &e), 0);
		if (m.name_len != 3 || memcmp(m.name, "a\xFF" "b", 3) != 0)
			fail_msg("line %zu (%s first): name is %zu bytes \"%.*s\", want a\\xFFb",
			    i, i == 0 ? "name" : "name_base64", m.name_len, (int)m.name_len, m.name);
		sg_reader_free(rd);
	}
}

/* The job field of sg-chunk --resume comes back from NDJSON exactly, so a
 * job can pass through sg-encode --json and still be resumed; one byte
 * past SG_META_JOB_MAX is refused. */
static void
test_job_field(void **state)
{
	static const char line[] = "{\"type\":\"begin\",\"source\":0,\"seq\":0,"
	    "\"offset\":0,\"name\":\"a\",\"job\":\"strategy=json delimiter=0a \\\"q\\\"\"}\n";
	char *big = malloc(SG_META_JOB_MAX + 200);
	sgt_mem mem = { .p = (const unsigned char *)line, .len = sizeof line - 1 };
	sg_reader *rd = sg_reader_new(sgt_mem_read, &mem);
	sg_frame f;
	sg_meta m;
	sg_err e;
	int n;

	(void)state;
	assert_non_null(rd);
	assert_non_null(big);
	sg_err_clear(&e);
	if (sg_reader_next(rd, &f, &e) != 1)
		fail_msg("%s", e.msg);
	assert_int_equal(sg_meta_decode(f.payload, f.h.size, &m, &e), 0);
	assert_true(m.have & SG_META_HAS(SG_META_JOB));
	assert_string_equal(m.job, "strategy=json delimiter=0a \"q\"");
	sg_reader_free(rd);

	n = snprintf(big, SG_META_JOB_MAX + 200, "{\"type\":\"begin\",\"source\":0,"
	    "\"seq\":0,\"offset\":0,\"job\":\"%0*d\"}\n", SG_META_JOB_MAX + 1, 0);
	mem = (sgt_mem){ .p = (const unsigned char *)big, .len = (size_t)n };
	rd = sg_reader_new(sgt_mem_read, &mem);
	assert_non_null(rd);
	assert_true(sg_reader_next(rd, &f, &e) < 0);
	sg_reader_free(rd);
	free(big);
}

/* --- what the reader must refuse ---------------------------------------------- */

static char abc_sum[17];
static char valid_line[256];

static void
init_valid(void)
{
	snprintf(abc_sum, sizeof abc_sum, "%016" PRIx64, sgt_xxh3("abc", 3));
	snprintf(valid_line, sizeof valid_line,
	    "{\"type\":\"data\",\"source\":1,\"seq\":2,\"offset\":3,\"size\":3,"
	    "\"checksum\":\"%s\",\"text\":\"abc\"}\n", abc_sum);
}

/* nvalid good frames, then bad: frames 0..nvalid-1 come back, then
 * SG_EDATA naming frame nvalid at an offset inside the bad object (or at
 * the end of the input). Read whole and in random short reads. */
static void
refused_after(const char *what, const char *bad, size_t badlen, unsigned nvalid, sgt_rng *r)
{
	sgt_buf text = { 0 };
	unsigned i, pass;
	size_t start;

	for (i = 0; i < nvalid; i++)
		sgt_buf_put(&text, valid_line, strlen(valid_line));
	start = text.len;
	sgt_buf_put(&text, bad, badlen);
	for (pass = 0; pass < 3; pass++) {
		sgt_mem mem = { .p = text.p, .len = text.len, .rng = pass ? r : NULL };
		sg_reader *rd = sg_reader_new(sgt_mem_read, &mem);
		sg_frame f;
		sg_err e;
		int rc;

		assert_non_null(rd);
		for (i = 0; i < nvalid; i++) {
			sg_err_clear(&e);
			if ((rc = sg_reader_next(rd, &f, &e)) != 1)
				fail_msg("%s: valid frame %u: rc %d: %s", what, i, rc, e.msg);
		}
		sg_err_clear(&e);
		rc = sg_reader_next(rd, &f, &e);
		if (rc != SG_EDATA)
			fail_msg("%s: rc %d, want SG_EDATA (%.*s)", what, rc, (int)badlen, bad);
		assert_int_equal(e.code, SG_EDATA);
		assert_true(e.msg[0] != '\0');
		if (e.frame != nvalid)
			fail_msg("%s: error names frame %" PRIu64 ", want %u", what, e.frame, nvalid);
		if (e.offset == SG_NOPOS || e.offset < start || e.offset > text.len)
			fail_msg("%s: error offset %" PRIu64 " outside %zu..%zu", what, e.offset,
			    start, text.len);
		/* the reader is spent */
		assert_true(sg_reader_next(rd, &f, &e) < 0);
		sg_reader_free(rd);
	}
	sgt_buf_free(&text);
}

static void
refused(const char *what, const char *bad, sgt_rng *r)
{
	refused_after(what, bad, strlen(bad), 0, r);
	refused_after(what, bad, strlen(bad), 2, r);
}

/* A valid DATA object with text replaced: {"type":"data",...,"text":TEXT} */
static void
refused_text(const char *what, const char *text_json, sgt_rng *r)
{
	char buf[512];

	snprintf(buf, sizeof buf, "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
	    "\"text\":%s}\n", text_json);
	refused(what, buf, r);
}

static void
accepted(const char *what, const char *line)
{
	sgt_mem mem = { .p = (const unsigned char *)line, .len = strlen(line) };
	sg_reader *rd = sg_reader_new(sgt_mem_read, &mem);
	sg_frame f;
	sg_err e;
	int rc;

	assert_non_null(rd);
	sg_err_clear(&e);
	while ((rc = sg_reader_next(rd, &f, &e)) > 0)
		;
	if (rc != 0)
		fail_msg("%s: %s", what, e.msg);
	sg_reader_free(rd);
}

static void
test_truncated(void **state)
{
	sgt_rng r;
	size_t len, cut;

	(void)state;
	sgt_rng_init(&r, "ndjson_truncated");
	init_valid();
	len = strlen(valid_line);
	/* every cut after the '{' and before the final '}' is refused */
	for (cut = 1; cut < len - 1; cut++)
		refused_after("truncated object", valid_line, cut, 1, &r);
	/* a base64 object and a BEGIN object too */
	{
		const char *b = "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"base64\":\"YWJj\"}";
		const char *m = "{\"type\":\"begin\",\"source\":0,\"seq\":0,\"offset\":0,"
		    "\"name\":\"x\\u00e9\",\"mtime\":\"2023-11-14T22:13:20.123456789Z\"}";

		accepted("base64 object", b);
		accepted("begin object", m);
		for (cut = 1; cut < strlen(b); cut++)
			refused_after("truncated base64 object", b, cut, 0, &r);
		for (cut = 1; cut < strlen(m); cut++)
			refused_after("truncated begin object", m, cut, 0, &r);
	}
}

static void
test_bad_strings(void **state)
{
	static const struct { const char *what, *json; } bad[] = {
		{ "bad escape \\x", "\"a\\xb\"" },
		{ "bad escape \\'", "\"a\\'b\"" },
		{ "bad escape \\U", "\"\\U0041\"" },
		{ "bad escape \\0", "\"\\0\"" },
		{ "bad hex digit", "\"\\u12G4\"" },
		{ "short \\u", "\"\\u12\"" },
		{ "lone high surrogate", "\"\\ud800\"" },
		{ "lone high surrogate, text after", "\"\\ud800abc\"" },
		{ "high surrogate, other escape after", "\"\\ud800\\n\"" },
		{ "high surrogate, BMP after", "\"\\ud800\\u0041\"" },
		{ "two high surrogates", "\"\\udbff\\udbff\"" },
		{ "lone low surrogate", "\"\\udc00\"" },
		{ "reversed surrogates", "\"\\ude00\\ud83d\"" },
		{ "raw control character", "\"a\x01" "b\"" },
		{ "raw newline", "\"a\nb\"" },
		{ "raw tab", "\"a\tb\"" },
		{ "unquoted", "abc" },
		{ "number", "12" },
		{ "null", "null" },
		{ "array", "[\"abc\"]" },
	};
	sgt_rng r;
	size_t i;

	(void)state;
	sgt_rng_init(&r, "ndjson_bad_strings");
	init_valid();
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		refused_text(bad[i].what, bad[i].json, &r);
	/* the same escapes are fine where they are valid */
	accepted("surrogate pair", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
	    "\"text\":\"\\ud83d\\ude00\\u0000\\/\\b\\f\\n\\r\\t\\\"\\\\\"}");
	/* bad escapes in a key and in an unknown key's value */
	refused("bad escape in a key", "{\"ty\\qpe\":\"data\"}", &r);
	refused("lone surrogate in an unknown value",
	    "{\"type\":\"data\",\"x\":[\"\\ud800\"],\"source\":0,\"seq\":1,\"offset\":0,"
	    "\"text\":\"\"}", &r);
}

static void
test_bad_base64(void **state)
{
	static const char *const bad[] = { "\"YWJ!\"", "\"YW=j\"", "\"YWJjZ\"", "\"=\"",
	    "\"YWJj\\n\"", "\"YWJ\"", "\"Y===\"", "\"YQ==YQ==\"", "\"YWJj \"", "12" };
	sgt_rng r;
	size_t i;

	(void)state;
	sgt_rng_init(&r, "ndjson_bad_base64");
	init_valid();
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char buf[256];

		snprintf(buf, sizeof buf, "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"base64\":%s}\n", bad[i]);
		refused(bad[i], buf, &r);
		snprintf(buf, sizeof buf, "{\"type\":\"begin\",\"source\":0,\"seq\":0,\"offset\":0,"
		    "\"name\":\"x\",\"name_base64\":%s}\n", bad[i]);
		refused(bad[i], buf, &r);
	}
	/* an escape is decoded before base64 sees it: "\u0059" is 'Y' */
	accepted("escaped base64 letter", "{\"type\":\"data\",\"source\":0,\"seq\":1,"
	    "\"offset\":0,\"base64\":\"\\u0059WJj\"}");
}

static void
test_bad_fields(void **state)
{
	static const struct { const char *what, *line; } bad[] = {
		{ "checksum mismatch", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"size\":3,\"checksum\":\"0000000000000000\",\"text\":\"abc\"}" },
		{ "checksum not hex", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"checksum\":\"zz00000000000000\",\"text\":\"abc\"}" },
		{ "checksum too short", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"checksum\":\"00\",\"text\":\"abc\"}" },
		{ "size larger", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"size\":4,\"text\":\"abc\"}" },
		{ "size smaller", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"size\":2,\"base64\":\"YWJj\"}" },
		{ "missing type", "{\"source\":0,\"seq\":1,\"offset\":0,\"text\":\"abc\"}" },
		{ "type null", "{\"type\":null,\"source\":0,\"seq\":1,\"offset\":0,\"text\":\"abc\"}" },
		{ "unknown type name", "{\"type\":\"blob\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"text\":\"abc\"}" },
		{ "unknown type without type_id", "{\"type\":\"unknown\",\"source\":0,\"seq\":1,"
		    "\"offset\":0,\"text\":\"abc\"}" },
		{ "type_id of a known type", "{\"type\":\"unknown\",\"type_id\":2,\"source\":0,"
		    "\"seq\":1,\"offset\":0,\"text\":\"abc\"}" },
		{ "type_id too large", "{\"type\":\"unknown\",\"type_id\":256,\"source\":0,"
		    "\"seq\":1,\"offset\":0,\"text\":\"abc\"}" },
		{ "missing source", "{\"type\":\"data\",\"seq\":1,\"offset\":0,\"text\":\"abc\"}" },
		{ "missing seq", "{\"type\":\"data\",\"source\":0,\"offset\":0,\"text\":\"abc\"}" },
		{ "missing offset", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"text\":\"abc\"}" },
		{ "missing payload", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0}" },
		{ "both text and base64", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"text\":\"abc\",\"base64\":\"YWJj\"}" },
		{ "both base64 and text", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"base64\":\"YWJj\",\"text\":\"abc\"}" },
		{ "text twice", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"text\":\"abc\",\"text\":\"abc\"}" },
		{ "key twice", "{\"type\":\"data\",\"source\":0,\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"text\":\"abc\"}" },
		{ "source out of range", "{\"type\":\"data\",\"source\":4294967296,\"seq\":1,"
		    "\"offset\":0,\"text\":\"abc\"}" },
		{ "seq overflows", "{\"type\":\"data\",\"source\":0,\"seq\":18446744073709551616,"
		    "\"offset\":0,\"text\":\"abc\"}" },
		{ "negative offset", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":-1,"
		    "\"text\":\"abc\"}" },
		{ "leading zero", "{\"type\":\"data\",\"source\":0,\"seq\":01,\"offset\":0,"
		    "\"text\":\"abc\"}" },
		{ "fraction", "{\"type\":\"data\",\"source\":0,\"seq\":1.5,\"offset\":0,"
		    "\"text\":\"abc\"}" },
		{ "seq as string", "{\"type\":\"data\",\"source\":0,\"seq\":\"1\",\"offset\":0,"
		    "\"text\":\"abc\"}" },
		{ "context beyond size", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"context\":4,\"text\":\"abc\"}" },
		{ "unknown flag", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"flags\":[\"shiny\"],\"text\":\"abc\"}" },
		{ "flag not a bit", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"flags\":[\"0x0003\"],\"text\":\"abc\"}" },
		{ "flags not an array", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"flags\":\"last\",\"text\":\"abc\"}" },
		{ "mtime not RFC 3339", "{\"type\":\"begin\",\"source\":0,\"seq\":0,\"offset\":0,"
		    "\"name\":\"x\",\"mtime\":\"yesterday\"}" },
		{ "mode not octal", "{\"type\":\"begin\",\"source\":0,\"seq\":0,\"offset\":0,"
		    "\"name\":\"x\",\"mode\":\"0789\"}" },
		{ "strategy too long", "{\"type\":\"begin\",\"source\":0,\"seq\":0,\"offset\":0,"
		    "\"name\":\"x\",\"strategy\":\"abcdefghijabcdefghijabcdefghijabc\"}" },
		{ "unknown type payload over the metadata limit", NULL },
		{ "empty object", "{}" },
		{ "missing colon", "{\"type\" \"data\"}" },
		{ "missing comma", "{\"type\":\"data\" \"source\":0}" },
		{ "trailing comma", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
		    "\"text\":\"abc\",}" },
		{ "key not a string", "{type:\"data\"}" },
		{ "not an object", "[1,2]" },
		{ "garbage between objects", "x" },
		{ "closing brace alone", "}" },
	};
	sgt_rng r;
	size_t i;

	(void)state;
	sgt_rng_init(&r, "ndjson_bad_fields");
	init_valid();
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (bad[i].line != NULL) {
			refused(bad[i].what, bad[i].line, &r);
			continue;
		}
		/* 70000 bytes of base64 payload in an unknown frame type: more
		 * than a non-DATA frame may carry */
		{
			size_t n = 70000 / 3 * 4, k;
			char *s = malloc(n + 200);

			assert_non_null(s);
			k = (size_t)snprintf(s, 200, "{\"type\":\"unknown\",\"type_id\":9,\"source\":0,"
			    "\"seq\":1,\"offset\":0,\"base64\":\"");
			memset(s + k, 'A', n);
			memcpy(s + k + n, "\"}", 3);
			refused(bad[i].what, s, &r);
			free(s);
		}
	}
	/* the valid forms of the same fields */
	accepted("checksum upper case", "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
	    "\"checksum\":\"2D06800538D394C2\",\"text\":\"\"}");
	accepted("flags by name and by bit", "{\"type\":\"data\",\"source\":0,\"seq\":1,"
	    "\"offset\":0,\"flags\":[\"oversize\",\"0x8000\",\"stored\"],\"text\":\"\"}");
	accepted("largest numbers", "{\"type\":\"data\",\"source\":4294967295,"
	    "\"seq\":18446744073709551615,\"offset\":18446744073709551615,\"text\":\"\"}");
	accepted("input_total null", "{\"type\":\"progress\",\"source\":0,\"seq\":0,\"offset\":0,"
	    "\"consumed\":5,\"input_total\":null}");
	accepted("blanks only", " \n\t\r\n ");
	accepted("nothing", "");
}

/* Unknown keys may nest 64 deep, not 65. */
static void
test_nesting(void **state)
{
	sgt_rng r;
	int depth;

	(void)state;
	sgt_rng_init(&r, "ndjson_nesting");
	init_valid();
	for (depth = 60; depth <= 200; depth += depth < 70 ? 1 : 65) {
		sgt_buf b = { 0 };
		int k;
		char head[] = "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,\"deep\":";

		sgt_buf_put(&b, head, strlen(head));
		for (k = 0; k < depth; k++)
			sgt_buf_put(&b, k % 2 ? "{\"k\":" : "[", k % 2 ? 5 : 1);
		sgt_buf_put(&b, "1", 1);
		for (k = depth - 1; k >= 0; k--)
			sgt_buf_byte(&b, k % 2 ? '}' : ']');
		sgt_buf_put(&b, ",\"text\":\"abc\"}\n", 15);
		sgt_buf_byte(&b, '\0');
		if (depth <= 64)
			accepted("nesting within the limit", (const char *)b.p);
		else
			refused("nesting deeper than 64", (const char *)b.p, &r);
		sgt_buf_free(&b);
	}
}

/* --- an oversized payload ------------------------------------------------------ */

/* A read function that makes up {"type":"data",...,"text":"aaaa..."} (or
 * base64 "QUFB...") on the fly, so the input itself costs no memory, and
 * watches the heap at every read. */
struct huge {
	const char *head, *tail;
	size_t head_len, tail_len, body_len;
	char fill[4];
	size_t pos, base, peak;
};

static ssize_t
huge_read(void *ctx, void *buf, size_t n, sg_err *e)
{
	struct huge *h = ctx;
	unsigned char *out = buf;
	size_t total = h->head_len + h->body_len + h->tail_len, done = 0, now;

	(void)e;
	now = heap_in_use();
	if (now > h->base && now - h->base > h->peak)
		h->peak = now - h->base;
	if (n > (1u << 20))
		n = 1u << 20;
	while (done < n && h->pos < total) {
		if (h->pos < h->head_len) {
			out[done++] = (unsigned char)h->head[h->pos++];
		} else if (h->pos < h->head_len + h->body_len) {
			size_t k = h->head_len + h->body_len - h->pos, i, at;

			if (k > n - done)
				k = n - done;
			at = h->pos - h->head_len;
			for (i = 0; i < k; i++)
				out[done + i] = (unsigned char)h->fill[(at + i) % 4];
			done += k;
			h->pos += k;
		} else {
			out[done++] = (unsigned char)h->tail[h->pos - h->head_len - h->body_len];
			h->pos++;
		}
	}
	return (ssize_t)done;
}

static void
huge_payload(const char *key, const char fill[4], size_t body_len)
{
	static char head[128];
	struct huge h;
	sg_reader *rd;
	sg_frame f;
	sg_err e;
	int rc;

	memset(&h, 0, sizeof h);
	snprintf(head, sizeof head, "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
	    "\"%s\":\"", key);
	h.head = head;
	h.head_len = strlen(head);
	h.tail = "\"}\n";
	h.tail_len = 3;
	h.body_len = body_len;
	memcpy(h.fill, fill, 4);
	h.base = heap_in_use();
	rd = sg_reader_new(huge_read, &h);
	assert_non_null(rd);
	sg_err_clear(&e);
	rc = sg_reader_next(rd, &f, &e);
	/* what the reader still holds once it gave up counts too */
	{
		size_t now = heap_in_use();

		if (now > h.base && now - h.base > h.peak)
			h.peak = now - h.base;
	}
	if (rc != SG_EDATA)
		fail_msg("\"%s\" payload of %zu characters: rc %d, want SG_EDATA", key, body_len, rc);
	assert_int_equal(e.frame, 0);
	assert_true(e.offset != SG_NOPOS && e.offset <= h.head_len + body_len);
	sg_reader_free(rd);
	printf("[   INFO   ] \"%s\" over the limit: refused at offset %" PRIu64 ", heap peak "
	    "%.1f MiB above the start\n", key, e.offset, (double)h.peak / (1 << 20));
	if (h.peak > SG_FRAME_PAYLOAD_MAX + (8u << 20))
		fail_msg("\"%s\": %.1f MiB allocated for a payload limited to %u MiB", key,
		    (double)h.peak / (1 << 20), SG_FRAME_PAYLOAD_MAX >> 20);
}

static void
test_huge_text(void **state)
{
	(void)state;
	/* 64 MiB of text is the limit; one byte more is refused */
	huge_payload("text", "aaaa", (size_t)SG_FRAME_PAYLOAD_MAX + 1);
}

/* Exactly 64 MiB is allowed, and comes back whole. */
static void
test_limit_payload(void **state)
{
	static const char head[] = "{\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
	    "\"text\":\"";
	struct huge h;
	sg_reader *rd;
	sg_frame f;
	sg_err e;
	size_t i, now;
	int rc;

	(void)state;
	memset(&h, 0, sizeof h);
	h.head = head;
	h.head_len = strlen(head);
	h.tail = "\"}\n";
	h.tail_len = 3;
	h.body_len = SG_FRAME_PAYLOAD_MAX;
	memcpy(h.fill, "abcd", 4);
	h.base = heap_in_use();
	rd = sg_reader_new(huge_read, &h);
	assert_non_null(rd);
	sg_err_clear(&e);
	rc = sg_reader_next(rd, &f, &e);
	if (rc != 1)
		fail_msg("a payload of exactly the limit: rc %d: %s", rc, e.msg);
	now = heap_in_use();
	if (now > h.base && now - h.base > h.peak)
		h.peak = now - h.base;
	printf("[   INFO   ] a 64 MiB payload: heap peak %.1f MiB above the start\n",
	    (double)h.peak / (1 << 20));
	assert_int_equal(f.h.size, SG_FRAME_PAYLOAD_MAX);
	for (i = 0; i < SG_FRAME_PAYLOAD_MAX; i++)
		if (f.payload[i] != (unsigned char)"abcd"[i % 4])
			fail_msg("byte %zu of the payload is wrong", i);
	assert_true(f.h.payload_sum == sgt_xxh3(f.payload, f.h.size));
	assert_int_equal(sg_reader_next(rd, &f, &e), 0);
	sg_reader_free(rd);
}

static void
test_huge_base64(void **state)
{
	(void)state;
	/* 64 MiB + 3 bytes of payload as base64 */
	huge_payload("base64", "QUFB", (size_t)SG_FRAME_PAYLOAD_MAX / 3 * 4 + 8);
}

/* An mtime whose nanoseconds do not fit in 64 bits (before 1678 or after
 * 2262) is bad data, not an overflow (UBSan in make unit-san). */
static void
test_mtime_range(void **state)
{
	static const char *const bad[] = { "1000-01-01T00:00:00Z", "1677-09-21T00:12:43Z",
	    "2262-04-11T23:47:17Z", "2262-04-11T23:47:16.854775808Z",
	    "9999-12-31T23:59:59.999999999Z" };
	sgt_rng r;
	size_t i;

	(void)state;
	sgt_rng_init(&r, "ndjson_mtime_range");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char line[256];

		snprintf(line, sizeof line, "{\"type\":\"begin\",\"source\":0,\"seq\":0,"
		    "\"offset\":0,\"name\":\"x\",\"mtime\":\"%s\"}\n", bad[i]);
		refused(bad[i], line, &r);
	}
	/* the extremes that fit are read exactly */
	{
		static const char *const good[] = { "1677-09-21T00:12:44Z",
		    "2262-04-11T23:47:16.854775807Z", "1970-01-01T00:00:00Z" };
		static const int64_t want[] = { INT64_C(-9223372036000000000),
		    INT64_C(9223372036854775807), 0 };

		for (i = 0; i < 3; i++) {
			char line[256];
			sgt_mem mem = { .p = (const unsigned char *)line };
			sg_reader *rd;
			sg_frame f;
			sg_meta m;
			sg_err e;

			snprintf(line, sizeof line, "{\"type\":\"begin\",\"source\":0,\"seq\":0,"
			    "\"offset\":0,\"name\":\"x\",\"mtime\":\"%s\"}\n", good[i]);
			mem.len = strlen(line);
			rd = sg_reader_new(sgt_mem_read, &mem);
			assert_non_null(rd);
			sg_err_clear(&e);
			if (sg_reader_next(rd, &f, &e) != 1)
				fail_msg("%s: %s", good[i], e.msg);
			assert_int_equal(sg_meta_decode(f.payload, f.h.size, &m, &e), 0);
			assert_true(m.have & SG_META_HAS(SG_META_MTIME));
			assert_true(m.mtime_ns == want[i]);
			sg_reader_free(rd);
		}
	}
}

/* Empty strings where the parser keeps a word (an empty key, an empty
 * type) or a name: valid JSON, to be read or refused as bad data, without
 * passing a NULL buffer to memchr/memcpy (UBSan in make unit-san). Last in
 * the list, as a sanitizer abort ends the run. */
static void
test_empty_strings(void **state)
{
	sgt_rng r;

	(void)state;
	sgt_rng_init(&r, "ndjson_empty_strings");
	accepted("empty key", "{\"\":0,\"type\":\"data\",\"source\":0,\"seq\":1,\"offset\":0,"
	    "\"text\":\"\"}");
	accepted("empty name", "{\"type\":\"begin\",\"source\":0,\"seq\":0,\"offset\":0,"
	    "\"name\":\"\"}");
	refused("empty type", "{\"type\":\"\",\"source\":0,\"seq\":1,\"offset\":0,"
	    "\"text\":\"\"}", &r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_lines),
		cmocka_unit_test(test_round_trip_reshaped),
		cmocka_unit_test(test_round_trip_shuffled),
		cmocka_unit_test(test_chunker_stream),
		cmocka_unit_test(test_name_base64_first),
		cmocka_unit_test(test_job_field),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_bad_base64),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_huge_text),
		cmocka_unit_test(test_limit_payload),
		cmocka_unit_test(test_huge_base64),
		cmocka_unit_test(test_mtime_range),
		cmocka_unit_test(test_empty_strings),
	};

	return cmocka_run_group_tests_name("ndjson", tests, NULL, NULL);
}
