/* sgtest.c: helpers shared by the unit tests (see sgtest.h). */
#include "sgtest.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

/* --- PRNG ----------------------------------------------------------- */

void
sgt_rng_init(sgt_rng *r, const char *test)
{
	const char *env = getenv("SG_SEED");
	uint64_t seed;

	if (env != NULL && *env != '\0') {
		seed = strtoull(env, NULL, 0);
	} else {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^
		    (uint64_t)getpid() << 32;
	}
	r->s = seed;
	printf("[   SEED   ] %s: SG_SEED=0x%016llx\n", test, (unsigned long long)seed);
	fflush(stdout);
}

uint64_t
sgt_next(sgt_rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15u);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

uint64_t
sgt_below(sgt_rng *r, uint64_t n)
{
	return n == 0 ? 0 : sgt_next(r) % n;
}

uint64_t
sgt_range(sgt_rng *r, uint64_t lo, uint64_t hi)
{
	if (hi <= lo)
		return lo;
	if (lo == 0 && hi == UINT64_MAX)
		return sgt_next(r);
	return lo + sgt_below(r, hi - lo + 1);
}

int
sgt_chance(sgt_rng *r, unsigned percent)
{
	return sgt_below(r, 100) < percent;
}

unsigned
sgt_iters(unsigned base)
{
	const char *env = getenv("SG_ITER_SCALE");
	unsigned long pct = env != NULL ? strtoul(env, NULL, 10) : 100;
	unsigned long n = (unsigned long)base * pct / 100;

	return n > 0 ? (unsigned)n : 1;
}

/* --- buffer ----------------------------------------------------------- */

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL) {
		fprintf(stderr, "sgtest: out of memory (%zu bytes)\n", n);
		abort();
	}
	return q;
}

void
sgt_buf_put(sgt_buf *b, const void *p, size_t n)
{
	if (b->cap - b->len < n) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap - b->len < n)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

void
sgt_buf_byte(sgt_buf *b, unsigned char c)
{
	sgt_buf_put(b, &c, 1);
}

void
sgt_buf_str(sgt_buf *b, const char *s)
{
	sgt_buf_put(b, s, strlen(s));
}

void
sgt_buf_free(sgt_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* --- files ------------------------------------------------------------- */

unsigned char *
sgt_load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	sgt_buf b = { 0 };
	unsigned char tmp[65536];
	size_t n;

	if (f == NULL)
		return NULL;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		sgt_buf_put(&b, tmp, n);
	fclose(f);
	sgt_buf_byte(&b, 0);  /* so that empty files have a buffer */
	*len = b.len - 1;
	return b.p;
}

const char *
sgt_corpora(void)
{
	const char *d = getenv("SG_CORPORA");

	return d != NULL && *d != '\0' ? d : "../shared/corpora";
}

/* --- collected frames ---------------------------------------------------- */

void
sgt_stream_init(sgt_stream *s)
{
	memset(s, 0, sizeof *s);
	s->fail_at = -1;
}

void
sgt_stream_free(sgt_stream *s)
{
	sgt_buf_free(&s->wire);
	free(s->f);
	s->f = NULL;
	s->n = s->cap = 0;
}

int
sgt_emit(void *ctx, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e)
{
	sgt_stream *s = ctx;
	unsigned char hdr[SG_FRAME_HDR_LEN];

	if (s->fail_at >= 0 && (size_t)s->fail_at == s->n)
		return sg_err_set(e, s->fail_code ? s->fail_code : SG_EIO,
		    "test emit failure at frame %zu", s->n);
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->f = xrealloc(s->f, s->cap * sizeof *s->f);
	}
	sg_frame_encode(h, hdr);
	s->f[s->n].h = *h;
	s->f[s->n].h.hdr_len = SG_FRAME_HDR_LEN;
	s->f[s->n].h.version = SG_FRAME_VERSION;
	s->f[s->n].at = s->wire.len;
	s->f[s->n].len = SG_FRAME_HDR_LEN + (size_t)h->stored;
	s->n++;
	sgt_buf_put(&s->wire, hdr, sizeof hdr);
	sgt_buf_put(&s->wire, payload, h->stored);
	return 0;
}

const unsigned char *
sgt_payload(const sgt_stream *s, size_t i)
{
	return s->wire.p + s->f[i].at + SG_FRAME_HDR_LEN;
}

size_t
sgt_begin_of(const sgt_stream *s, uint64_t src)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->f[i].h.type == SG_TYPE_BEGIN && s->f[i].h.source == src)
			return i;
	fail_msg("no BEGIN of source %llu", (unsigned long long)src);
	return 0;
}

static size_t
piece_size(sgt_rng *r, size_t room)
{
	switch (sgt_below(r, 4)) {
	case 0:
		return (size_t)sgt_range(r, 1, 16 < room ? 16 : room);
	case 1:
		return room;
	default:
		return (size_t)sgt_range(r, 1, room);
	}
}

int
sgt_feed_reads(sg_chunker *c, const unsigned char *in, size_t len, sgt_rng *r,
	       const sgt_reads *k, size_t *fed, sg_err *e)
{
	size_t pos = 0;
	int rc;

	while (pos < len && !(k->until_stopped && sg_chunker_stopped(c))) {
		unsigned char *p;
		size_t room = sg_chunker_space(c, &p), n;

		if (room == 0)
			return sg_err_set(e, SG_ENOMEM, "sg_chunker_space gave no room");
		n = k->step > 0 ? k->step : piece_size(r, room);
		if (n > room)
			n = room;
		if (n > len - pos)
			n = len - pos;
		memcpy(p, in + pos, n);
		pos += n;
		if (fed != NULL)
			*fed = pos;
		if ((rc = sg_chunker_commit(c, n, e)) < 0)
			return rc;
		if ((k->drain_each || (k->drain_pct > 0 && sgt_chance(r, k->drain_pct))) &&
		    (rc = sg_chunker_drain(c, e)) < 0)
			return rc;
	}
	return 0;
}

int
sgt_feed(sg_chunker *c, const unsigned char *in, size_t len, sgt_rng *r,
	 unsigned drain_pct, sg_err *e)
{
	sgt_reads k = { .drain_pct = drain_pct };

	return sgt_feed_reads(c, in, len, r, &k, NULL, e);
}

void
sgt_chunk(sgt_run *res, const sg_chunk_opts *o, const char *name,
	  const unsigned char *in, size_t len, sgt_rng *r, const sgt_reads *k)
{
	sg_chunker *c;
	sg_meta m;

	sgt_stream_init(&res->s);
	sg_err_clear(&res->e);
	res->stopped = 0;
	res->dropped = 0;
	res->fed = 0;
	if ((c = sg_chunker_new(o, sgt_emit, &res->s, &res->e)) == NULL) {
		res->rc = res->e.code;
		return;
	}
	sg_meta_clear(&m);
	if (name != NULL)
		sg_meta_set_name(&m, name, strlen(name));
	m.size = len;
	m.have |= SG_META_HAS(SG_META_SIZE);
	res->rc = sg_chunker_begin(c, &m, &res->e);
	if (res->rc == 0)
		res->rc = sgt_feed_reads(c, in, len, r, k, &res->fed, &res->e);
	if (res->rc == 0) {
		res->rc = sg_chunker_end(c, 1, &res->e);
		res->stopped = sg_chunker_stopped(c);
		res->dropped = sg_chunker_dropped(c);
	}
	sg_chunker_free(c);
}

const char *
sgt_check_whole(const sgt_stream *s, size_t i, size_t off, const unsigned char *in,
		size_t len, char *msg, size_t cap)
{
	sgt_buf out = { 0 };
	sg_err e;
	int rc, same;

	if (off != len) {
		snprintf(msg, cap, "the frames carry %zu of %zu bytes", off, len);
		return msg;
	}
	if (i != s->n - 1 || s->f[i].h.type != SG_TYPE_END) {
		snprintf(msg, cap, "no END after the DATA frames");
		return msg;
	}
	rc = sgt_decode(s->wire.p, s->wire.len, NULL, &out, NULL, &e);
	same = rc == 0 && out.len == len && (len == 0 || memcmp(out.p, in, len) == 0);
	sgt_buf_free(&out);
	if (!same) {
		snprintf(msg, cap, "decode: rc %d (%s), not the input", rc, e.msg);
		return msg;
	}
	return NULL;
}

int
sgt_same_cuts(const sgt_run *a, const sgt_run *b, int context, char *why, size_t cap)
{
	size_t i;

	if (a->rc != b->rc || a->s.n != b->s.n) {
		if (why != NULL)
			snprintf(why, cap, "rc %d vs %d, %zu vs %zu frames", a->rc, b->rc,
			    a->s.n, b->s.n);
		return 0;
	}
	for (i = 0; i < a->s.n; i++) {
		const sg_frame_hdr *x = &a->s.f[i].h, *y = &b->s.f[i].h;

		if (x->offset != y->offset || x->size != y->size || x->flags != y->flags ||
		    (context && x->context != y->context)) {
			if (why != NULL)
				snprintf(why, cap, "frame %zu: offset %llu size %u vs offset "
				    "%llu size %u", i, (unsigned long long)x->offset, x->size,
				    (unsigned long long)y->offset, y->size);
			return 0;
		}
	}
	return 1;
}

void
sgt_data_string(const sgt_stream *s, char *out, size_t cap)
{
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 1; i + 1 < s->n && o + 1 < cap; i++) {
		const sg_frame_hdr *h = &s->f[i].h;

		o += (size_t)snprintf(out + o, cap - o, "%s%s%.*s%s", o ? "|" : "",
		    h->context ? "^" : "", (int)h->size, (const char *)sgt_payload(s, i),
		    (h->flags & SG_FLAG_OVERSIZE) ? "*" : "");
	}
}

int
sgt_make_stream(sgt_stream *s, const sg_chunk_opts *o, size_t nsrc,
		const unsigned char *const *src, const size_t *len,
		sgt_rng *r, sg_err *e)
{
	sg_chunker *c = sg_chunker_new(o, sgt_emit, s, e);
	size_t i;
	int rc = 0;

	if (c == NULL)
		return e->code;
	for (i = 0; i < nsrc && rc == 0; i++) {
		char name[32];
		sg_meta m;

		sg_meta_clear(&m);
		snprintf(name, sizeof name, "src%zu", i);
		sg_meta_set_name(&m, name, strlen(name));
		m.size = len[i];
		m.have |= SG_META_HAS(SG_META_SIZE);
		if ((rc = sg_chunker_begin(c, &m, e)) < 0)
			break;
		if ((rc = sgt_feed(c, src[i], len[i], r, 0, e)) < 0)
			break;
		rc = sg_chunker_end(c, i + 1 == nsrc, e);
	}
	sg_chunker_free(c);
	return rc;
}

void
sgt_put_frame(sgt_buf *b, sg_frame_hdr h, const void *payload, int fix_sum)
{
	unsigned char hdr[SG_FRAME_HDR_LEN];

	if (fix_sum)
		h.payload_sum = sgt_xxh3(payload, h.size);
	sg_frame_encode(&h, hdr);
	sgt_buf_put(b, hdr, sizeof hdr);
	sgt_buf_put(b, payload, h.stored);
}

size_t
sgt_meta_bytes(const sg_meta *m, unsigned char *out)
{
	sg_err e;
	int n;

	sg_err_clear(&e);
	n = sg_meta_encode(m, out, SG_FRAME_META_MAX, &e);
	if (n < 0)
		fail_msg("sg_meta_encode: %s", e.msg);
	return (size_t)n;
}

void
sgt_small_stream(sgt_stream *s)
{
	static const unsigned char a[] = "hi\nthere\n";
	static const unsigned char b[] = "h\xC3\xA9llo\n\xF0\x9D\x84\x9E\n";
	const unsigned char *src[2] = { a, b };
	size_t len[2] = { sizeof a - 1, sizeof b - 1 };
	sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = 6 };
	sgt_rng r = { 1 };
	sg_err e;

	sgt_stream_init(s);
	sg_err_clear(&e);
	if (sgt_make_stream(s, &o, 2, src, len, &r, &e) != 0)
		fail_msg("small stream: %s", e.msg);
}

/* --- reading from memory ---------------------------------------------- */

ssize_t
sgt_mem_read(void *ctx, void *buf, size_t n, sg_err *e)
{
	sgt_mem *m = ctx;
	size_t k = m->len - m->pos;

	(void)e;
	if (k == 0 || n == 0)
		return 0;
	if (k > n)
		k = n;
	if (m->rng != NULL)
		k = piece_size(m->rng, k);
	memcpy(buf, m->p + m->pos, k);
	m->pos += k;
	m->served += k;
	m->reads++;
	return (ssize_t)k;
}

int
sgt_decode(const unsigned char *p, size_t len, sgt_rng *r, sgt_buf *out,
	   uint64_t *frames, sg_err *e)
{
	sgt_mem m = { .p = p, .len = len, .rng = r };
	sg_reader *rd = sg_reader_new(sgt_mem_read, &m);
	sg_verify *v = sg_verify_new();
	sg_frame f;
	int rc;

	sg_err_clear(e);
	if (rd == NULL || v == NULL) {
		rc = sg_err_set(e, SG_ENOMEM, "out of memory");
		goto done;
	}
	while ((rc = sg_reader_next(rd, &f, e)) > 0) {
		if (f.h.type == SG_TYPE_DATA && f.h.codec != SG_CODEC_NONE) {
			rc = sg_err_at(e, SG_EDATA, f.index, f.at, "codec not supported here");
			break;
		}
		if ((rc = sg_verify_frame(v, &f, f.payload, NULL, e)) < 0)
			break;
		if (out != NULL && f.h.type == SG_TYPE_DATA)
			sgt_buf_put(out, f.payload + f.h.context, f.h.size - f.h.context);
	}
	if (rc == 0)
		rc = sg_verify_finish(v, sg_reader_count(rd), sg_reader_tell(rd), e);
	if (frames != NULL)
		*frames = sg_reader_count(rd);
done:
	sg_reader_free(rd);
	sg_verify_free(v);
	return rc;
}

/* --- record ends ---------------------------------------------------------- */

size_t
sgt_count_le(const size_t *E, size_t nE, size_t x)
{
	size_t lo = 0, hi = nE;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (E[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t
sgt_ends_in(const size_t *E, size_t nE, size_t lo, size_t hi)
{
	return hi > lo ? sgt_count_le(E, nE, hi) - sgt_count_le(E, nE, lo) : 0;
}

int
sgt_is_end(const size_t *E, size_t nE, size_t at)
{
	return at > 0 && sgt_ends_in(E, nE, at - 1, at) > 0;
}

size_t
sgt_ref_cut(const size_t *E, size_t nE, size_t off, size_t w, uint64_t max)
{
	size_t first = sgt_count_le(E, nE, off), last = sgt_count_le(E, nE, off + w);

	if (last == first)
		return 0;
	if (max > 0 && last - first > max)
		last = first + (size_t)max;
	return E[last - 1] - off;
}

/* --- chunker property runs --------------------------------------------------- */

int
sgt_note(sgt_prop *p, const char *fmt, ...)
{
	va_list ap;

	if (p->first[0] == '\0') {
		size_t n;

		va_start(ap, fmt);
		vsnprintf(p->first, sizeof p->first, fmt, ap);
		va_end(ap);
		n = strlen(p->first);
		snprintf(p->first + n, sizeof p->first - n, " (%s)", p->where);
	}
	return -1;
}

int
sgt_check_cut(sgt_prop *p, const size_t *E, size_t nE, size_t len, uint64_t size,
	      uint64_t records, int oversize, size_t i, size_t off, size_t n, int over)
{
	size_t w = len - off < size ? len - off : (size_t)size;
	size_t want = sgt_ref_cut(E, nE, off, w, records);

	if (want > 0) {
		if (over || n != want)
			return sgt_note(p, "frame %zu at %zu: %zu bytes%s, want %zu", i, off, n,
			    over ? " flagged" : "", want);
	} else if (oversize == SG_OVERSIZE_KEEP) {
		if (n != sgt_ref_cut(E, nE, off, len - off, 1))
			return sgt_note(p, "frame %zu at %zu: kept %zu bytes, want the first "
			    "record", i, off, n);
	} else if (!over) {
		return sgt_note(p, "frame %zu at %zu: no record end within %zu bytes, yet not "
		    "flagged", i, off, w);
	}
	return 0;
}

size_t
sgt_random_len(sgt_rng *r)
{
	switch (sgt_below(r, 10)) {
	case 0: return (size_t)sgt_range(r, 0, 8);
	case 1: case 2: return (size_t)sgt_range(r, 9, 200);
	case 3: case 4: case 5: return (size_t)sgt_range(r, 201, 4096);
	case 6: case 7: case 8: return (size_t)sgt_range(r, 4097, 65536);
	default: return (size_t)sgt_range(r, 65537, 300 * 1024);
	}
}

uint64_t
sgt_random_size(sgt_rng *r, size_t len)
{
	unsigned x = (unsigned)sgt_below(r, 100);

	if (x < 10)
		return sgt_range(r, 1, 3);
	if (x < 35)
		return sgt_range(r, 4, 64);
	if (x < 55)
		return sgt_range(r, len > 8 ? len - 4 : 4, len + 4);
	if (x < 58)
		return 0;
	return sgt_range(r, 4, (uint64_t)16 << sgt_below(r, 13));
}

void
sgt_len_size(sgt_rng *r, size_t x, size_t *len, uint64_t *size)
{
	switch (sgt_below(r, 6)) {
	case 0: *len = (size_t)sgt_range(r, 0, 64); break;
	case 1: case 2: *len = (size_t)sgt_range(r, 65, 4096); break;
	case 3: case 4: *len = (size_t)sgt_range(r, 4097, 40000); break;
	default: *len = (size_t)sgt_range(r, 40001, 150000); break;
	}
	if (x < 5)
		*size = sgt_range(r, 1, 3);
	else if (x < 35)
		*size = sgt_range(r, 4, 40);
	else if (x < 50)
		*size = sgt_range(r, *len > 7 ? *len - 3 : 4, *len + 3);
	else
		*size = sgt_range(r, 4, (uint64_t)64 << sgt_below(r, 11));
	if (*size <= 40 && *len > 20000)
		*len = (size_t)sgt_range(r, 0, 20000);
}

/* --- reference UTF-8 ------------------------------------------------------ */

/* RFC 3629, section 4, one alternative per row:
 *   UTF8-1 = %x00-7F
 *   UTF8-2 = %xC2-DF UTF8-tail
 *   UTF8-3 = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) /
 *            %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
 *   UTF8-4 = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) /
 *            %xF4 %x80-8F 2( UTF8-tail )
 *   UTF8-tail = %x80-BF */
static const struct {
	unsigned n;
	unsigned char lo[4], hi[4];
} rfc3629[] = {
	{ 1, { 0x00 }, { 0x7F } },
	{ 2, { 0xC2, 0x80 }, { 0xDF, 0xBF } },
	{ 3, { 0xE0, 0xA0, 0x80 }, { 0xE0, 0xBF, 0xBF } },
	{ 3, { 0xE1, 0x80, 0x80 }, { 0xEC, 0xBF, 0xBF } },
	{ 3, { 0xED, 0x80, 0x80 }, { 0xED, 0x9F, 0xBF } },
	{ 3, { 0xEE, 0x80, 0x80 }, { 0xEF, 0xBF, 0xBF } },
	{ 4, { 0xF0, 0x90, 0x80, 0x80 }, { 0xF0, 0xBF, 0xBF, 0xBF } },
	{ 4, { 0xF1, 0x80, 0x80, 0x80 }, { 0xF3, 0xBF, 0xBF, 0xBF } },
	{ 4, { 0xF4, 0x80, 0x80, 0x80 }, { 0xF4, 0x8F, 0xBF, 0xBF } },
};

int
sgt_ref_char(const unsigned char *buf, size_t len, size_t i)
{
	size_t a, k;

	for (a = 0; a < sizeof rfc3629 / sizeof rfc3629[0]; a++) {
		unsigned n = rfc3629[a].n;
		int ok = 1;

		for (k = 0; k < n && i + k < len; k++) {
			if (buf[i + k] < rfc3629[a].lo[k] || buf[i + k] > rfc3629[a].hi[k]) {
				ok = 0;
				break;
			}
		}
		if (!ok)
			continue;
		return len - i >= n ? (int)n : 0;
	}
	return -1;
}

void
sgt_ref_inside(const unsigned char *buf, size_t len, unsigned char *inside)
{
	size_t i = 0, k;

	memset(inside, 0, len + 1);
	while (i < len) {
		int c = sgt_ref_char(buf, len, i);

		if (c > 1) {
			for (k = 1; k < (size_t)c; k++)
				inside[i + k] = 1;
			i += (size_t)c;
		} else {
			i++;
		}
	}
}

/* --- misc ------------------------------------------------------------- */

uint64_t
sgt_xxh3(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

uint64_t
sgt_spec_header_sum(const unsigned char *p, size_t hdr_len)
{
	uint64_t s = XXH3_64bits(p, 56);

	if (hdr_len > 64)
		s = XXH3_64bits_withSeed(p + 64, hdr_len - 64, s);
	return s;
}

void
sgt_seal(unsigned char *p, size_t hdr_len)
{
	sgt_set(p + 56, 8, sgt_spec_header_sum(p, hdr_len));
}

uint64_t
sgt_get(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

void
sgt_set(unsigned char *p, size_t n, uint64_t v)
{
	size_t i;

	for (i = 0; i < n; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

int
sgt_mkdtemp(char *dir, size_t cap, const char *name)
{
	const char *tmp = getenv("TMPDIR");
	int n = snprintf(dir, cap, "%s/sg-test-%s-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp", name);

	if (n < 0 || (size_t)n >= cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
sgt_rmtree(const char *dir)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
sgt_ckpt_fold(sg_ckpt *c, const sgt_stream *s, size_t i, sg_meta *m)
{
	const sg_frame_hdr *h = &s->f[i].h;
	sg_err e;

	switch (h->type) {
	case SG_TYPE_BEGIN:
		sg_err_clear(&e);
		assert_int_equal(sg_meta_decode(sgt_payload(s, i), h->size, m, &e), 0);
		c->state = SG_CKPT_PARTIAL;
		c->begun = 1;
		c->source = h->source;
		c->begin_sum = h->payload_sum;
		memcpy(c->name, m->name, m->name_len + 1);
		c->name_len = m->name_len;
		c->size = (m->have & SG_META_HAS(SG_META_SIZE)) ? m->size : SG_CKPT_UNKNOWN;
		c->seq = 1;
		c->offset = h->offset;
		c->chain = 0;
		if (c->options_len == 0 && (m->have & SG_META_HAS(SG_META_JOB))) {
			memcpy(c->options, m->job, m->job_len + 1);
			c->options_len = m->job_len;
		}
		return 1;
	case SG_TYPE_DATA:
		c->chain = sg_ckpt_chain(c->chain, h);
		c->seq = h->seq + 1;
		c->offset = h->offset + (h->size - h->context);
		return 1;
	case SG_TYPE_END:
		c->sources_digest = sg_ckpt_digest(c->sources_digest, c->begin_sum);
		c->sources_done++;
		c->source = (uint64_t)h->source + 1;
		c->begun = 0;
		c->begin_sum = 0;
		c->name[0] = '\0';
		c->name_len = 0;
		c->size = SG_CKPT_UNKNOWN;
		c->seq = 0;
		c->offset = 0;
		c->chain = 0;
		if (h->flags & SG_FLAG_LAST)
			c->state = SG_CKPT_DONE;
		return 1;
	default:
		return 0;
	}
}
