/* test_reader.c: sg_reader on streams built in memory by the chunker and
 * by hand, read back through random short reads. The reader alone must
 * catch every defect a single frame can show, name the frame and its byte
 * offset, and never allocate what a header merely declares. */
#include "sgtest.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "reader.h"

/* Read all of p[0..len): the frames must be exactly those of s. */
static void
read_back(const sgt_stream *s, sgt_rng *r)
{
	sgt_mem m = { .p = s->wire.p, .len = s->wire.len, .rng = r };
	sg_reader *rd = sg_reader_new(sgt_mem_read, &m);
	sg_frame f;
	sg_err e;
	size_t i;

	assert_non_null(rd);
	for (i = 0; i < s->n; i++) {
		const sgt_frame *w = &s->f[i];
		int rc;

		sg_err_clear(&e);
		rc = sg_reader_next(rd, &f, &e);
		if (rc != 1)
			fail_msg("frame %zu: rc %d: %s", i, rc, e.msg);
		assert_int_equal(f.index, i);
		assert_int_equal(f.at, w->at);
		assert_int_equal(f.h.hdr_len, 64);
		assert_int_equal(f.h.version, 1);
		assert_int_equal(f.h.type, w->h.type);
		assert_int_equal(f.h.flags, w->h.flags);
		assert_int_equal(f.h.source, w->h.source);
		assert_int_equal(f.h.seq, w->h.seq);
		assert_int_equal(f.h.offset, w->h.offset);
		assert_int_equal(f.h.size, w->h.size);
		assert_int_equal(f.h.stored, w->h.stored);
		assert_int_equal(f.h.payload_sum, w->h.payload_sum);
		assert_ptr_equal(f.payload, f.raw + 64);
		assert_memory_equal(f.raw, s->wire.p + w->at, w->len);
		assert_int_equal(sg_reader_count(rd), i + 1);
		assert_int_equal(sg_reader_tell(rd), w->at + w->len);
	}
	sg_err_clear(&e);
	assert_int_equal(sg_reader_next(rd, &f, &e), 0);
	assert_int_equal(sg_reader_next(rd, &f, &e), 0);
	assert_int_equal(sg_reader_count(rd), s->n);
	assert_int_equal(sg_reader_tell(rd), s->wire.len);
	sg_reader_free(rd);
}

static void
random_bytes(sgt_rng *r, unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(sgt_chance(r, 10) ? '\n' : sgt_next(r));
}

static void
test_read_back(void **state)
{
	static const sg_boundary_ops *strat[] = {
		&sg_boundary_bytes, &sg_boundary_utf8, &sg_boundary_lines,
	};
	sgt_rng r;
	unsigned it;

	(void)state;
	sgt_rng_init(&r, "read_back");
	for (it = 0; it < sgt_iters(150); it++) {
		size_t nsrc = (size_t)sgt_range(&r, 1, 4), i;
		unsigned char *src[4];
		size_t len[4];
		sg_chunk_opts o = { .strategy = strat[sgt_below(&r, 3)],
		    .size = sgt_range(&r, 4, 5000) };
		sgt_stream s;
		sg_err e;

		for (i = 0; i < nsrc; i++) {
			len[i] = sgt_chance(&r, 20) ? 0 : (size_t)sgt_range(&r, 1, 40000);
			src[i] = malloc(len[i] + 1);
			random_bytes(&r, src[i], len[i]);
		}
		sgt_stream_init(&s);
		sg_err_clear(&e);
		assert_int_equal(sgt_make_stream(&s, &o, nsrc, (const unsigned char *const *)src,
		    len, &r, &e), 0);
		read_back(&s, &r);
		read_back(&s, NULL);
		sgt_stream_free(&s);
		for (i = 0; i < nsrc; i++)
			free(src[i]);
	}
}

/* Frames far larger than the reader's first buffer. */
static void
test_big_frames(void **state)
{
	size_t len = (9u << 20) + 12345;
	unsigned char *src = malloc(len);
	sg_chunk_opts o = { .strategy = &sg_boundary_bytes, .size = 4u << 20 };
	const unsigned char *srcs[1] = { src };
	sgt_stream s;
	sgt_rng r;
	sg_err e;

	(void)state;
	sgt_rng_init(&r, "big_frames");
	random_bytes(&r, src, len);
	sgt_stream_init(&s);
	sg_err_clear(&e);
	assert_int_equal(sgt_make_stream(&s, &o, 1, srcs, &len, &r, &e), 0);
	assert_int_equal(s.n, 5);
	read_back(&s, &r);
	sgt_stream_free(&s);
	free(src);
}

/* Read p[0..len) until an error; returns it (0 at a clean end). */
static int
read_all(const unsigned char *p, size_t len, sgt_rng *r, sg_err *e, uint64_t *frames)
{
	sgt_mem m = { .p = p, .len = len, .rng = r };
	sg_reader *rd = sg_reader_new(sgt_mem_read, &m);
	sg_frame f;
	int rc;

	assert_non_null(rd);
	sg_err_clear(e);
	while ((rc = sg_reader_next(rd, &f, e)) > 0)
		;
	if (frames != NULL)
		*frames = sg_reader_count(rd);
	if (rc < 0) {
		/* the reader is spent after an error */
		sg_err e2;

		sg_err_clear(&e2);
		assert_int_equal(sg_reader_next(rd, &f, &e2), SG_EINTERNAL);
	}
	sg_reader_free(rd);
	return rc;
}

/* The frame holding byte pos of s. */
static size_t
frame_of(const sgt_stream *s, size_t pos)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (pos >= s->f[i].at && pos < s->f[i].at + s->f[i].len)
			return i;
	fail_msg("byte %zu is in no frame", pos);
	return 0;
}

/* Every single-bit flip is caught by the reader, at the frame it hit. */
static void
test_every_bit_flip(void **state)
{
	sgt_stream s;
	sgt_rng r;
	size_t bit;

	(void)state;
	sgt_rng_init(&r, "reader_every_bit_flip");
	sgt_small_stream(&s);
	assert_in_range(s.wire.len, 300, 2000);
	for (bit = 0; bit < s.wire.len * 8; bit++) {
		unsigned char *p = malloc(s.wire.len);
		size_t k = frame_of(&s, bit / 8);
		sg_err e;
		int rc;

		memcpy(p, s.wire.p, s.wire.len);
		p[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		rc = read_all(p, s.wire.len, &r, &e, NULL);
		free(p);
		if (rc != SG_EDATA)
			fail_msg("flip of bit %zu (byte %zu, frame %zu) not caught: rc %d",
			    bit, bit / 8, k, rc);
		if (e.frame != k || e.offset != s.f[k].at)
			fail_msg("flip in frame %zu at %zu reported as frame %llu at %llu: %s",
			    k, s.f[k].at, (unsigned long long)e.frame,
			    (unsigned long long)e.offset, e.msg);
	}
	sgt_stream_free(&s);
}

/* A cut between frames is a clean end for the reader (verify judges it);
 * a cut inside a frame is a truncated frame, named. */
static void
test_every_truncation(void **state)
{
	sgt_stream s;
	sgt_rng r;
	size_t cut;

	(void)state;
	sgt_rng_init(&r, "reader_every_truncation");
	sgt_small_stream(&s);
	for (cut = 0; cut < s.wire.len; cut++) {
		size_t k = frame_of(&s, cut);
		uint64_t frames;
		sg_err e;
		int rc = read_all(s.wire.p, cut, &r, &e, &frames);

		if (cut == s.f[k].at) {
			assert_int_equal(rc, 0);
			assert_int_equal(frames, k);
		} else {
			if (rc != SG_EDATA || strstr(e.msg, "truncated") == NULL)
				fail_msg("cut at %zu: rc %d \"%s\"", cut, rc, e.msg);
			assert_int_equal(e.frame, k);
			assert_int_equal(e.offset, s.f[k].at);
			assert_int_equal(frames, k);
		}
	}
	sgt_stream_free(&s);
}

/* An endless source: a header, then zeros. Counts what it hands out. */
typedef struct endless {
	unsigned char hdr[64];
	size_t served, limit;
} endless;

static ssize_t
endless_read(void *ctx, void *buf, size_t n, sg_err *e)
{
	endless *x = ctx;
	size_t i;

	(void)e;
	if (x->served >= x->limit)
		return 0;
	if (n > x->limit - x->served)
		n = x->limit - x->served;
	for (i = 0; i < n; i++)
		((unsigned char *)buf)[i] = x->served + i < 64 ? x->hdr[x->served + i] : 0;
	x->served += n;
	return (ssize_t)n;
}

/* A sealed header (spec layout, checksum by libxxhash) with these sizes. */
static void
spec_header(unsigned char *p, uint8_t type, uint8_t codec, uint32_t size,
	    uint32_t stored, uint32_t frame_size)
{
	memset(p, 0, 64);
	sgt_set(p, 4, 0x184D2A53u);
	sgt_set(p + 4, 4, frame_size);
	sgt_set(p + 8, 2, 64);
	p[10] = 1;
	p[11] = type;
	p[12] = codec;
	sgt_set(p + 40, 4, size);
	sgt_set(p + 44, 4, stored);
	sgt_seal(p, 64);
}

/* A header declaring 4 GiB is refused from the header alone: the reader
 * must not try to buffer (or allocate) what it declares. The source has
 * 8 MiB to give; a reader that believed the header would drain it and
 * report a truncated payload instead, or abort in ASan's allocator. */
static void
test_huge_declared_size(void **state)
{
	static const struct { uint8_t type, codec; uint32_t size, stored, fs; const char *why; } c[] = {
		{ 2, 0, UINT32_MAX, UINT32_MAX, 56u + UINT32_MAX, "payload size" },
		{ 2, 0, UINT32_MAX, UINT32_MAX, UINT32_MAX, "payload size" },
		{ 2, 1, 100, UINT32_MAX, 56, "stored size" },
		{ 2, 1, UINT32_MAX, 100, 56, "payload size" },
		{ 2, 0, SG_FRAME_PAYLOAD_MAX + 1, SG_FRAME_PAYLOAD_MAX + 1,
		  56 + SG_FRAME_PAYLOAD_MAX + 1, "payload size" },
		{ 1, 0, 65537, 65537, 56 + 65537, "exceeds" },
		{ 9, 0, 1u << 30, 1u << 30, 56 + (1u << 30), "exceeds" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		endless x = { .limit = 8u << 20 };
		sg_reader *rd = sg_reader_new(endless_read, &x);
		sg_frame f;
		sg_err e;
		int rc;

		spec_header(x.hdr, c[i].type, c[i].codec, c[i].size, c[i].stored, c[i].fs);
		sg_err_clear(&e);
		rc = sg_reader_next(rd, &f, &e);
		sg_reader_free(rd);
		if (rc != SG_EDATA || strstr(e.msg, c[i].why) == NULL)
			fail_msg("case %zu: rc %d \"%s\"", i, rc, e.msg);
		assert_int_equal(e.frame, 0);
		assert_int_equal(e.offset, 0);
		if (x.served > (1u << 20))
			fail_msg("case %zu: the reader pulled %zu bytes for a refused header",
			    i, x.served);
	}
	/* hdr_len beyond the limit: refused after its first 10 bytes */
	{
		endless x = { .limit = 8u << 20 };
		sg_reader *rd = sg_reader_new(endless_read, &x);
		sg_frame f;
		sg_err e;

		spec_header(x.hdr, 2, 0, 0, 0, 56);
		sgt_set(x.hdr + 8, 2, 0xFFFF);
		sg_err_clear(&e);
		assert_int_equal(sg_reader_next(rd, &f, &e), SG_EDATA);
		assert_non_null(strstr(e.msg, "header length"));
		assert_true(x.served <= (1u << 20));
		sg_reader_free(rd);
	}
}

static void
test_empty_input(void **state)
{
	uint64_t frames = 99;
	sg_err e;

	(void)state;
	assert_int_equal(read_all((const unsigned char *)"", 0, NULL, &e, &frames), 0);
	assert_int_equal(frames, 0);
}

/* Not sg at all, or sg followed by junk. */
static void
test_garbage(void **state)
{
	static const char *junk[] = {
		"hello world\n", "\x28\xB5\x2F\xFD\x00\x00", "\x50\x2A\x4D\x18\x00\x00\x00\x00\x00\x00",
		"\x53\x2A\x4D\x18\x38\x00\x00\x00\x40\x00\x01\x02",
	};
	sgt_stream s;
	sgt_rng r;
	size_t i, n;

	(void)state;
	sgt_rng_init(&r, "reader_garbage");
	/* blank input is an empty NDJSON stream: a clean end, no frame */
	for (i = 0; i < 4; i++) {
		uint64_t frames;
		sg_err e;

		assert_int_equal(read_all((const unsigned char *)" \t\r\n" + i, 4 - i, &r, &e,
		    &frames), 0);
		assert_int_equal(frames, 0);
	}
	for (i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		uint64_t frames;
		sg_err e;

		assert_int_equal(read_all((const unsigned char *)junk[i], strlen(junk[i]), &r,
		    &e, &frames), SG_EDATA);
		assert_int_equal(e.frame, 0);
		assert_int_equal(e.offset, 0);
		assert_int_equal(frames, 0);
	}
	/* junk after a whole stream: named at the stream's end */
	sgt_small_stream(&s);
	for (n = 1; n < 80; n += 7) {
		unsigned char *p = malloc(s.wire.len + n);
		uint64_t frames;
		sg_err e;

		memcpy(p, s.wire.p, s.wire.len);
		memset(p + s.wire.len, 'x', n);
		assert_int_equal(read_all(p, s.wire.len + n, &r, &e, &frames), SG_EDATA);
		assert_int_equal(e.frame, s.n);
		assert_int_equal(e.offset, s.wire.len);
		assert_int_equal(frames, s.n);
		free(p);
	}
	/* random bytes, and random damage to a valid stream: never a crash,
	 * and always an error with a position; except bytes that are all JSON
	 * whitespace, which are an NDJSON stream with no record in it and end
	 * cleanly with no frame, as an empty input does (a short draw, such as
	 * the single byte 0x09, makes one about once in 60 runs) */
	for (i = 0; i < sgt_iters(3000); i++) {
		size_t len = (size_t)sgt_range(&r, 1, 2000), k;
		unsigned char *p = malloc(len > s.wire.len ? len : s.wire.len);
		uint64_t frames;
		sg_err e;
		int rc, blank;

		if (sgt_chance(&r, 50)) {
			for (k = 0; k < len; k++)
				p[k] = (unsigned char)sgt_next(&r);
			if (sgt_chance(&r, 50))
				sgt_set(p, 4, 0x184D2A53u);
		} else {
			len = s.wire.len;
			memcpy(p, s.wire.p, len);
			for (k = sgt_range(&r, 1, 8); k > 0; k--)
				p[sgt_below(&r, len)] = (unsigned char)sgt_next(&r);
			if (memcmp(p, s.wire.p, len) == 0) {
				free(p);
				continue;
			}
		}
		for (k = 0, blank = 1; k < len && blank; k++)
			blank = strchr(" \t\r\n", p[k]) != NULL && p[k] != '\0';
		rc = read_all(p, len, &r, &e, &frames);
		free(p);
		if (blank) {
			if (rc != 0 || frames != 0)
				fail_msg("iteration %zu: %zu blank bytes: rc %d, %llu frames", i,
				    len, rc, (unsigned long long)frames);
			continue;
		}
		if (rc != SG_EDATA)
			fail_msg("iteration %zu: rc %d", i, rc);
		assert_true(e.frame != SG_NOPOS && e.offset != SG_NOPOS);
	}
	sgt_stream_free(&s);
}

/* Errors of the read function come back with the position. */
typedef struct failing {
	sgt_mem m;
	size_t fail_after;
} failing;

static ssize_t
failing_read(void *ctx, void *buf, size_t n, sg_err *e)
{
	failing *x = ctx;

	if (x->m.served >= x->fail_after)
		return sg_err_set(e, SG_EIO, "read error: test");
	if (n > x->fail_after - x->m.served)
		n = x->fail_after - x->m.served;
	return sgt_mem_read(&x->m, buf, n, e);
}

static void
test_read_error(void **state)
{
	sgt_stream s;
	size_t after;

	(void)state;
	sgt_small_stream(&s);
	for (after = 0; after < s.wire.len; after += 13) {
		failing x = { .m = { .p = s.wire.p, .len = s.wire.len }, .fail_after = after };
		sg_reader *rd = sg_reader_new(failing_read, &x);
		size_t got = 0;
		sg_frame f;
		sg_err e;
		int rc;

		sg_err_clear(&e);
		while ((rc = sg_reader_next(rd, &f, &e)) > 0)
			got++;
		assert_int_equal(rc, SG_EIO);
		assert_int_equal(e.code, SG_EIO);
		assert_int_equal(e.frame, got);
		assert_int_equal(e.offset, got < s.n ? s.f[got].at : s.wire.len);
		assert_true(got == s.n || s.f[got].at + s.f[got].len > after);
		sg_reader_free(rd);
	}
	sgt_stream_free(&s);
}

/* What a v1 reader must take in its stride: a longer header, a zstd
 * payload after the skippable frame, unknown types, PROGRESS. */
static void
test_forward_compatible(void **state)
{
	static const char text[] = "compressible compressible compressible\n";
	unsigned char ext[200], z[256], meta[64];
	sgt_buf b = { 0 };
	size_t zlen, at[4];
	sgt_rng r;
	int pass;

	(void)state;
	sgt_rng_init(&r, "forward_compatible");
	/* 0: DATA with hdr_len 200, inline */
	memset(ext, 0, sizeof ext);
	sgt_set(ext, 4, 0x184D2A53u);
	sgt_set(ext + 4, 4, 200 - 8 + 5);
	sgt_set(ext + 8, 2, 200);
	ext[10] = 1;
	ext[11] = SG_TYPE_DATA;
	sgt_set(ext + 24, 8, 1);
	sgt_set(ext + 40, 4, 5);
	sgt_set(ext + 44, 4, 5);
	sgt_set(ext + 48, 8, sgt_xxh3("hello", 5));
	memset(ext + 64, 0x5A, 136);
	sgt_seal(ext, 200);
	at[0] = b.len;
	sgt_buf_put(&b, ext, sizeof ext);
	sgt_buf_put(&b, "hello", 5);
	/* 1: DATA with a real zstd frame after the skippable frame */
	zlen = ZSTD_compress(z, sizeof z, text, sizeof text - 1, 3);
	assert_false(ZSTD_isError(zlen));
	{
		sg_frame_hdr h = { .type = SG_TYPE_DATA, .codec = SG_CODEC_ZSTD, .seq = 2,
		    .offset = 5, .size = sizeof text - 1, .stored = (uint32_t)zlen,
		    .payload_sum = sgt_xxh3(text, sizeof text - 1) };

		at[1] = b.len;
		sgt_put_frame(&b, h, z, 0);
	}
	/* 2: an unknown type; 3: PROGRESS */
	{
		sg_frame_hdr h = { .type = 77, .size = 3, .stored = 3 };
		sg_meta m;
		size_t n;

		at[2] = b.len;
		sgt_put_frame(&b, h, "???", 1);
		sg_meta_clear(&m);
		m.consumed = 10;
		m.have = SG_META_HAS(SG_META_CONSUMED);
		n = sgt_meta_bytes(&m, meta);
		h.type = SG_TYPE_PROGRESS;
		h.size = h.stored = (uint32_t)n;
		at[3] = b.len;
		sgt_put_frame(&b, h, meta, 1);
	}
	for (pass = 0; pass < 20; pass++) {
		sgt_mem m = { .p = b.p, .len = b.len, .rng = pass ? &r : NULL };
		sg_reader *rd = sg_reader_new(sgt_mem_read, &m);
		sg_frame f;
		sg_err e;

		sg_err_clear(&e);
		assert_int_equal(sg_reader_next(rd, &f, &e), 1);
		assert_int_equal(f.h.hdr_len, 200);
		assert_int_equal(f.at, at[0]);
		assert_ptr_equal(f.payload, f.raw + 200);
		assert_memory_equal(f.payload, "hello", 5);
		assert_int_equal(sg_reader_next(rd, &f, &e), 1);
		assert_int_equal(f.at, at[1]);
		assert_int_equal(f.h.codec, SG_CODEC_ZSTD);
		assert_int_equal(f.h.stored, zlen);
		{
			char out[128];
			size_t n = ZSTD_decompress(out, sizeof out, f.payload, f.h.stored);

			assert_int_equal(n, sizeof text - 1);
			assert_memory_equal(out, text, n);
		}
		assert_int_equal(sg_reader_next(rd, &f, &e), 1);
		assert_int_equal(f.at, at[2]);
		assert_int_equal(f.h.type, 77);
		assert_int_equal(sg_reader_next(rd, &f, &e), 1);
		assert_int_equal(f.at, at[3]);
		assert_int_equal(f.h.type, SG_TYPE_PROGRESS);
		assert_int_equal(sg_reader_next(rd, &f, &e), 0);
		assert_int_equal(sg_reader_tell(rd), b.len);
		sg_reader_free(rd);
	}
	/* the extension is covered by the header checksum */
	{
		uint64_t frames;
		sg_err e;

		b.p[at[0] + 150] ^= 1;
		assert_int_equal(read_all(b.p, b.len, NULL, &e, &frames), SG_EDATA);
		assert_non_null(strstr(e.msg, "header checksum"));
		assert_int_equal(frames, 0);
	}
	sgt_buf_free(&b);
}

/* sg_reader_fd over a real file. */
static void
test_reader_fd(void **state)
{
	char path[] = "/tmp/sg-test-reader-XXXXXX";
	sgt_stream s;
	sg_reader *rd;
	sg_frame f;
	sg_err e;
	size_t n = 0;
	int fd, rc;

	(void)state;
	sgt_small_stream(&s);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, s.wire.p, s.wire.len), (ssize_t)s.wire.len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	rd = sg_reader_new(sg_reader_fd, &fd);
	sg_err_clear(&e);
	while ((rc = sg_reader_next(rd, &f, &e)) > 0) {
		assert_int_equal(f.at, s.f[n].at);
		n++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, s.n);
	sg_reader_free(rd);
	close(fd);
	/* a bad descriptor is an I/O error */
	fd = -1;
	rd = sg_reader_new(sg_reader_fd, &fd);
	sg_err_clear(&e);
	assert_int_equal(sg_reader_next(rd, &f, &e), SG_EIO);
	sg_reader_free(rd);
	sgt_stream_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_back),
		cmocka_unit_test(test_big_frames),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_huge_declared_size),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_forward_compatible),
		cmocka_unit_test(test_reader_fd),
	};

	return cmocka_run_group_tests_name("reader", tests, NULL, NULL);
}
