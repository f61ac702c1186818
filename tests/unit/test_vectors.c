/* test_vectors.c: the fixed streams in tests/vectors (see its README.md).
 *
 * Each vector is checked twice. First by a parser written here from the
 * field tables of frame.h and meta.h (checksums recomputed with libxxhash):
 * a valid vector must hold exactly the frames and metadata its README
 * describes, and a corrupt one must carry exactly the defect it is named
 * after. Then through libshared (sg_reader, sg_verify): valid vectors must
 * decode to their sources, corrupt ones must fail with the right message,
 * frame number and byte offset. The .hex dump beside each vector must hold
 * the same bytes.
 */
#include "sgtest.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MTIME_NS UINT64_C(1700000000000000000)
#define MODE_REG_644 0100644u

static const char *
vector_dir(void)
{
	const char *d = getenv("SG_VECTORS");

	return d != NULL && *d != '\0' ? d : "tests/vectors";
}

static sgt_buf
load(const char *name, const char *ext)
{
	char path[1024];
	sgt_buf b = { 0 };
	unsigned char chunk[4096];
	size_t n;
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s%s", vector_dir(), name, ext);
	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s (is SG_VECTORS set to tests/vectors?)", path);
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		sgt_buf_put(&b, chunk, n);
	fclose(fp);
	return b;
}

/* --- the spec parser ------------------------------------------------------ */

typedef struct vframe {
	size_t at, len;               /* wire position and length */
	uint32_t magic, frame_size;
	uint16_t hdr_len;
	uint8_t version, type, codec, reserved;
	uint16_t flags;
	uint32_t source, context;
	uint64_t seq, offset;
	uint32_t size, stored;
	uint64_t payload_sum, header_sum;
	const unsigned char *payload;
	int header_ok, payload_ok;    /* checksums as recomputed here */
} vframe;

/* Parse the frame at p[at..len). Returns 0 when it does not fit. */
static int
parse_frame(const unsigned char *p, size_t len, size_t at, vframe *f)
{
	const unsigned char *h = p + at;

	memset(f, 0, sizeof *f);
	if (len - at < 64)
		return 0;
	f->at = at;
	f->magic = (uint32_t)sgt_get(h, 4);
	f->frame_size = (uint32_t)sgt_get(h + 4, 4);
	f->hdr_len = (uint16_t)sgt_get(h + 8, 2);
	f->version = h[10];
	f->type = h[11];
	f->codec = h[12];
	f->reserved = h[13];
	f->flags = (uint16_t)sgt_get(h + 14, 2);
	f->source = (uint32_t)sgt_get(h + 16, 4);
	f->context = (uint32_t)sgt_get(h + 20, 4);
	f->seq = sgt_get(h + 24, 8);
	f->offset = sgt_get(h + 32, 8);
	f->size = (uint32_t)sgt_get(h + 40, 4);
	f->stored = (uint32_t)sgt_get(h + 44, 4);
	f->payload_sum = sgt_get(h + 48, 8);
	f->header_sum = sgt_get(h + 56, 8);
	if (f->hdr_len < 64 || f->hdr_len > 4096 || len - at < f->hdr_len)
		return 0;
	f->header_ok = sgt_spec_header_sum(h, f->hdr_len) == f->header_sum;
	f->len = (size_t)f->hdr_len + f->stored;
	if (len - at < f->len)
		return 0;
	f->payload = h + f->hdr_len;
	f->payload_ok = sgt_xxh3(f->payload, f->size) == f->payload_sum;
	return 1;
}

/* Start of frame k, walking the well-formed frames before it. */
static size_t
frame_start(const sgt_buf *b, size_t k)
{
	size_t at = 0, i;
	vframe f;

	for (i = 0; i < k; i++) {
		if (!parse_frame(b->p, b->len, at, &f))
			fail_msg("frame %zu before frame %zu does not parse", i, k);
		at += f.len;
	}
	return at;
}

/* Metadata: every field, known or not. */
typedef struct vmeta {
	size_t n;
	struct { unsigned tag; const unsigned char *v; size_t len; } f[32];
} vmeta;

static void
parse_meta(const vframe *fr, vmeta *m)
{
	size_t pos = 0;

	m->n = 0;
	while (pos < fr->size) {
		unsigned tag, len;

		assert_true(fr->size - pos >= 4);
		tag = (unsigned)sgt_get(fr->payload + pos, 2);
		len = (unsigned)sgt_get(fr->payload + pos + 2, 2);
		assert_true(fr->size - pos - 4 >= len);
		assert_true(m->n < 32);
		m->f[m->n].tag = tag;
		m->f[m->n].v = fr->payload + pos + 4;
		m->f[m->n].len = len;
		m->n++;
		pos += 4 + len;
	}
}

static const unsigned char *
meta_get(const vmeta *m, unsigned tag, size_t *len)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->f[i].tag == tag) {
			*len = m->f[i].len;
			return m->f[i].v;
		}
	}
	fail_msg("metadata tag %u missing", tag);
	return NULL;
}

static void
meta_str_is(const vmeta *m, unsigned tag, const char *want)
{
	size_t len = 0;
	const unsigned char *v = meta_get(m, tag, &len);

	if (len != strlen(want) || memcmp(v, want, len) != 0)
		fail_msg("metadata tag %u is \"%.*s\", want \"%s\"", tag, (int)len, v, want);
}

static void
meta_u64_is(const vmeta *m, unsigned tag, uint64_t want)
{
	size_t len = 0;
	const unsigned char *v = meta_get(m, tag, &len);

	assert_int_equal(len, 8);
	if (sgt_get(v, 8) != want)
		fail_msg("metadata tag %u is %llu, want %llu", tag,
		    (unsigned long long)sgt_get(v, 8), (unsigned long long)want);
}

/* --- what the valid vectors hold ------------------------------------------ */

typedef struct vsrc {
	const char *name;
	const char *text;
	size_t len;
	uint64_t chunk_size;
	size_t cuts[4];       /* DATA payload sizes, 0-terminated */
	uint16_t flags[4];    /* their flags */
} vsrc;

typedef struct valid {
	const char *name;
	size_t nframes;
	size_t nsrc;
	vsrc src[2];
	int future;           /* v5: extras a v1 reader skips */
} valid;

static const valid valids[] = {
	{ "v1-hi", 3, 1, { { "hi.txt", "hi\n", 3, 1 << 20, { 3 }, { 0 } } }, 0 },
	{ "v2-two", 7, 2, {
		{ "hi.txt", "hi\n", 3, 8, { 3 }, { 0 } },
		{ "lines.txt", "one\ntwo\nthree\n", 14, 8, { 8, 6 }, { 0, 0 } } }, 0 },
	{ "v3-empty", 2, 1, { { "empty.txt", "", 0, 1 << 20, { 0 }, { 0 } } }, 0 },
	{ "v4-oversize", 4, 1, { { "wide.txt", "w\xC3\xB6rld \xF0\x9D\x84\x9E\n", 12, 8,
		{ 7, 5 }, { SG_FLAG_OVERSIZE, 0 } } }, 0 },
	{ "v5-forward", 5, 1, { { "fwd.txt", "fwd\n", 4, 1 << 20, { 4 }, { 0 } } }, 1 },
};

static void
check_common(const vframe *f, const char *name, size_t i)
{
	if (f->magic != 0x184D2A53u || f->version != 1 || f->reserved != 0 || f->codec != 0 ||
	    f->context != 0 || f->size != f->stored ||
	    f->frame_size != (uint32_t)(f->hdr_len - 8 + f->stored) ||
	    !f->header_ok || !f->payload_ok)
		fail_msg("%s frame %zu: not a well-formed v1 frame (magic %08x version %u "
		    "frame_size %u hdr_len %u header_ok %d payload_ok %d)", name, i, f->magic,
		    f->version, f->frame_size, f->hdr_len, f->header_ok, f->payload_ok);
}

static void
check_valid_spec(const valid *v, const sgt_buf *b)
{
	size_t at = 0, i = 0, s, k;

	for (s = 0; s < v->nsrc; s++) {
		const vsrc *src = &v->src[s];
		uint64_t off = 0, seq = 0;
		vframe f;
		vmeta m;
		size_t ndata = 0;

		/* BEGIN */
		assert_true(parse_frame(b->p, b->len, at, &f));
		check_common(&f, v->name, i);
		assert_int_equal(f.type, 1);
		assert_int_equal(f.source, s);
		assert_int_equal(f.seq, seq++);
		assert_int_equal(f.offset, 0);
		assert_int_equal(f.flags, 0);
		assert_int_equal(f.hdr_len, 64);
		parse_meta(&f, &m);
		meta_str_is(&m, 1, src->name);
		meta_u64_is(&m, 2, src->len);
		meta_u64_is(&m, 3, MTIME_NS);
		meta_u64_is(&m, 4, MODE_REG_644);
		meta_str_is(&m, 5, "lines");
		meta_u64_is(&m, 6, src->chunk_size);
		meta_u64_is(&m, 7, 0);
		meta_str_is(&m, 8, "split");
		if (v->future)
			meta_str_is(&m, 40, "a field from a later version");
		assert_int_equal(m.n, v->future ? 9 : 8);
		at += f.len;
		i++;
		if (v->future) {
			/* PROGRESS, then a frame of unknown type 9 */
			assert_true(parse_frame(b->p, b->len, at, &f));
			check_common(&f, v->name, i);
			assert_int_equal(f.type, 4);
			parse_meta(&f, &m);
			meta_u64_is(&m, 32, 0);
			meta_u64_is(&m, 33, src->len);
			at += f.len;
			i++;
			assert_true(parse_frame(b->p, b->len, at, &f));
			check_common(&f, v->name, i);
			assert_int_equal(f.type, 9);
			at += f.len;
			i++;
		}
		/* DATA */
		for (k = 0; src->cuts[k] != 0; k++) {
			assert_true(parse_frame(b->p, b->len, at, &f));
			check_common(&f, v->name, i);
			assert_int_equal(f.type, 2);
			assert_int_equal(f.source, s);
			assert_int_equal(f.seq, seq++);
			assert_int_equal(f.offset, off);
			assert_int_equal(f.size, src->cuts[k]);
			assert_int_equal(f.flags, src->flags[k]);
			assert_int_equal(f.hdr_len, v->future && k == 0 ? 72 : 64);
			assert_memory_equal(f.payload, src->text + off, f.size);
			off += f.size;
			ndata++;
			at += f.len;
			i++;
		}
		assert_int_equal(off, src->len);
		/* END */
		assert_true(parse_frame(b->p, b->len, at, &f));
		check_common(&f, v->name, i);
		assert_int_equal(f.type, 3);
		assert_int_equal(f.source, s);
		assert_int_equal(f.seq, seq);
		assert_int_equal(f.offset, src->len);
		assert_int_equal(f.flags, s + 1 == v->nsrc ? SG_FLAG_LAST : 0);
		parse_meta(&f, &m);
		assert_int_equal(m.n, 3);
		meta_u64_is(&m, 16, src->len);
		meta_u64_is(&m, 17, ndata);
		meta_u64_is(&m, 18, sgt_xxh3(src->text, src->len));
		at += f.len;
		i++;
	}
	assert_int_equal(i, v->nframes);
	assert_int_equal(at, b->len);
}

/* The .hex dump holds the same bytes: hex pairs, '#' to end of line ignored. */
static void
check_hex(const char *name, const sgt_buf *bin)
{
	sgt_buf hex = load(name, ".hex"), bytes = { 0 };
	size_t i = 0;

	while (i < hex.len) {
		unsigned char c = hex.p[i];

		if (c == '#') {
			while (i < hex.len && hex.p[i] != '\n')
				i++;
		} else if (isspace(c)) {
			i++;
		} else {
			unsigned v;

			if (i + 1 >= hex.len || !isxdigit(hex.p[i]) || !isxdigit(hex.p[i + 1]) ||
			    (i + 2 < hex.len && !isspace(hex.p[i + 2])))
				fail_msg("%s.hex: stray text at byte %zu", name, i);
			sscanf((const char *)hex.p + i, "%2x", &v);
			sgt_buf_byte(&bytes, (unsigned char)v);
			i += 2;
		}
	}
	if (bytes.len != bin->len || memcmp(bytes.p, bin->p, bin->len) != 0)
		fail_msg("%s.hex does not match %s.sg", name, name);
	sgt_buf_free(&hex);
	sgt_buf_free(&bytes);
}

static void
test_valid_vectors(void **state)
{
	size_t i, s;

	(void)state;
	for (i = 0; i < sizeof valids / sizeof valids[0]; i++) {
		const valid *v = &valids[i];
		sgt_buf b = load(v->name, ".sg"), want = { 0 }, out = { 0 };
		sgt_rng r = { i };
		uint64_t frames;
		sg_err e;
		int rc, pass;

		check_valid_spec(v, &b);
		check_hex(v->name, &b);
		for (s = 0; s < v->nsrc; s++)
			sgt_buf_put(&want, v->src[s].text, v->src[s].len);
		for (pass = 0; pass < 2; pass++) {
			out.len = 0;
			rc = sgt_decode(b.p, b.len, pass ? &r : NULL, &out, &frames, &e);
			if (rc != 0)
				fail_msg("%s: refused by libshared: frame %llu: %s", v->name,
				    (unsigned long long)e.frame, e.msg);
			assert_int_equal(frames, v->nframes);
			assert_int_equal(out.len, want.len);
			if (want.len > 0)
				assert_memory_equal(out.p, want.p, want.len);
		}
		/* two copies make two streams, which decode like one */
		{
			sgt_buf two = { 0 };

			sgt_buf_put(&two, b.p, b.len);
			sgt_buf_put(&two, b.p, b.len);
			out.len = 0;
			assert_int_equal(sgt_decode(two.p, two.len, &r, &out, &frames, &e), 0);
			assert_int_equal(frames, 2 * v->nframes);
			assert_int_equal(out.len, 2 * want.len);
			sgt_buf_free(&two);
		}
		sgt_buf_free(&b);
		sgt_buf_free(&want);
		sgt_buf_free(&out);
	}
}

/* --- the corrupt vectors ---------------------------------------------------- */

enum { AT_FRAME, AT_END };  /* where the error points: a frame's start, or EOF */

typedef struct corrupt {
	const char *name;
	const char *base;     /* the valid vector it was made from */
	uint64_t frame;       /* the frame the error names */
	int where;
	const char *why;      /* in the message */
} corrupt;

static const corrupt corrupts[] = {
	{ "c1-payload-flip", "v1-hi", 1, AT_FRAME, "payload checksum mismatch" },
	{ "c2-header-flip", "v1-hi", 1, AT_FRAME, "header checksum mismatch" },
	{ "c3-truncated", "v1-hi", 1, AT_FRAME, "truncated frame payload" },
	{ "c4-no-end", "v1-hi", 2, AT_END, "no END" },
	{ "c5-no-last", "v1-hi", 3, AT_END, "not the last of its stream" },
	{ "c6-bad-magic", "v1-hi", 0, AT_FRAME, "bad magic" },
	{ "c7-foreign-skippable", "v1-hi", 0, AT_FRAME, "foreign skippable frame" },
	{ "c8-4gib", "v1-hi", 1, AT_FRAME, "payload size 4294967295 exceeds the limit" },
	{ "c9-hdr-4097", "v1-hi", 1, AT_FRAME, "header length 4097 out of range" },
	{ "c10-reordered", "v2-two", 4, AT_FRAME, "sequence 2 where 1 was expected" },
	{ "c11-source-sum", "v1-hi", 2, AT_FRAME, "whole-source checksum mismatch" },
};

/* The vector carries the defect its name says, and nothing else changed. */
static void
check_defect(const corrupt *c, const sgt_buf *b, const sgt_buf *base)
{
	size_t f1 = frame_start(base, 1), f2 = frame_start(base, 2);
	vframe f;
	size_t i, diff = 0;

	if (strcmp(c->name, "c1-payload-flip") == 0 || strcmp(c->name, "c2-header-flip") == 0) {
		size_t where = c->name[1] == '1' ? f1 + 64 : f1 + 32;

		/* one bit differs from the base, where the name says */
		assert_int_equal(b->len, base->len);
		for (i = 0; i < b->len; i++) {
			unsigned x = b->p[i] ^ base->p[i];

			if (x != 0) {
				assert_int_equal(i, where);
				assert_int_equal(x & (x - 1), 0);
				diff++;
			}
		}
		assert_int_equal(diff, 1);
		assert_true(parse_frame(b->p, b->len, f1, &f));
		if (c->name[1] == '1')
			assert_true(f.header_ok && !f.payload_ok);
		else
			assert_true(!f.header_ok && f.payload_ok);
	} else if (strcmp(c->name, "c3-truncated") == 0) {
		assert_int_equal(b->len, f1 + 64 + 1);
		assert_memory_equal(b->p, base->p, b->len);
	} else if (strcmp(c->name, "c4-no-end") == 0) {
		assert_int_equal(b->len, f2);
		assert_memory_equal(b->p, base->p, b->len);
	} else if (strcmp(c->name, "c5-no-last") == 0) {
		assert_int_equal(b->len, base->len);
		assert_memory_equal(b->p, base->p, f2 + 14);
		assert_true(parse_frame(b->p, b->len, f2, &f));
		assert_true(f.header_ok && f.payload_ok);
		assert_int_equal(f.type, 3);
		assert_int_equal(f.flags, 0);
	} else if (strcmp(c->name, "c6-bad-magic") == 0 ||
	    strcmp(c->name, "c7-foreign-skippable") == 0) {
		assert_int_equal(b->len, base->len);
		assert_int_equal(sgt_get(b->p, 4), c->name[1] == '6' ? 0xFD2FB528u : 0x184D2A50u);
		assert_memory_equal(b->p + f1, base->p + f1, b->len - f1);
	} else if (strcmp(c->name, "c8-4gib") == 0) {
		assert_true(parse_frame(b->p, b->len, f1, &f) == 0);  /* it cannot fit */
		assert_int_equal(sgt_get(b->p + f1 + 40, 4), UINT32_MAX);
		assert_int_equal(sgt_get(b->p + f1 + 44, 4), UINT32_MAX);
		assert_int_equal(sgt_get(b->p + f1 + 56, 8), sgt_spec_header_sum(b->p + f1, 64));
		assert_memory_equal(b->p, base->p, f1);
	} else if (strcmp(c->name, "c9-hdr-4097") == 0) {
		assert_int_equal(sgt_get(b->p + f1 + 8, 2), 4097);
		assert_memory_equal(b->p, base->p, f1);
	} else if (strcmp(c->name, "c10-reordered") == 0) {
		size_t a3 = frame_start(base, 3), a4 = frame_start(base, 4), a5 = frame_start(base, 5),
		    a6 = frame_start(base, 6);

		/* frames 4 and 5 of v2 swapped, the rest as it was */
		assert_int_equal(b->len, base->len);
		assert_memory_equal(b->p, base->p, a4);
		assert_memory_equal(b->p + a4, base->p + a5, a6 - a5);
		assert_memory_equal(b->p + a4 + (a6 - a5), base->p + a4, a5 - a4);
		assert_memory_equal(b->p + a6, base->p + a6, b->len - a6);
		(void)a3;
	} else if (strcmp(c->name, "c11-source-sum") == 0) {
		vmeta m;
		size_t len = 0;
		const unsigned char *v;

		assert_memory_equal(b->p, base->p, f2);
		assert_true(parse_frame(b->p, b->len, f2, &f));
		assert_true(f.header_ok && f.payload_ok);
		parse_meta(&f, &m);
		v = meta_get(&m, 18, &len);
		assert_int_equal(len, 8);
		assert_int_equal(sgt_get(v, 8), sgt_xxh3("hi\n", 3) ^ 1);
	} else {
		fail_msg("no defect described for %s", c->name);
	}
}

static void
test_corrupt_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof corrupts / sizeof corrupts[0]; i++) {
		const corrupt *c = &corrupts[i];
		sgt_buf b = load(c->name, ".sg"), base = load(c->base, ".sg");
		uint64_t want_off;
		sgt_rng r = { i };
		int pass;

		check_defect(c, &b, &base);
		check_hex(c->name, &b);
		want_off = c->where == AT_END ? b.len : frame_start(&b, c->frame);
		for (pass = 0; pass < 2; pass++) {
			sg_err e;
			int rc = sgt_decode(b.p, b.len, pass ? &r : NULL, NULL, NULL, &e);

			if (rc != SG_EDATA)
				fail_msg("%s: rc %d, want SG_EDATA", c->name, rc);
			if (strstr(e.msg, c->why) == NULL)
				fail_msg("%s: \"%s\" does not say \"%s\"", c->name, e.msg, c->why);
			if (e.frame != c->frame || e.offset != want_off)
				fail_msg("%s: named frame %llu at %llu, want frame %llu at %llu",
				    c->name, (unsigned long long)e.frame,
				    (unsigned long long)e.offset, (unsigned long long)c->frame,
				    (unsigned long long)want_off);
		}
		sgt_buf_free(&b);
		sgt_buf_free(&base);
	}
}

/* Every vector in the directory is one of those above. */
static void
test_all_described(void **state)
{
	DIR *d = opendir(vector_dir());
	struct dirent *de;
	size_t seen = 0;

	(void)state;
	if (d == NULL)
		fail_msg("cannot open %s", vector_dir());
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name), i;
		int known = 0;

		if (n < 4 || strcmp(de->d_name + n - 3, ".sg") != 0)
			continue;
		for (i = 0; i < sizeof valids / sizeof valids[0]; i++)
			known |= strncmp(de->d_name, valids[i].name, n - 3) == 0 &&
			    strlen(valids[i].name) == n - 3;
		for (i = 0; i < sizeof corrupts / sizeof corrupts[0]; i++)
			known |= strncmp(de->d_name, corrupts[i].name, n - 3) == 0 &&
			    strlen(corrupts[i].name) == n - 3;
		if (!known)
			fail_msg("%s has no expectations in test_vectors.c", de->d_name);
		seen++;
	}
	closedir(d);
	assert_int_equal(seen, sizeof valids / sizeof valids[0] +
	    sizeof corrupts / sizeof corrupts[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_vectors),
		cmocka_unit_test(test_corrupt_vectors),
		cmocka_unit_test(test_all_described),
	};

	return cmocka_run_group_tests_name("vectors", tests, NULL, NULL);
}
