#include "chunker.h"

#include <stdlib.h>
#include <string.h>

#include "sum.h"
#include "utf8.h"

struct sg_chunker {
	sg_chunk_opts opt;
	sg_emit_fn emit;
	void *ctx;
	void *state;          /* the strategy's per-source state */

	unsigned char *buf;   /* pending bytes of the current source: */
	size_t cap, head, len; /* buf[head..len), realigned before reads */
	int realign;          /* a cut was taken since the last realignment */
	size_t tail;          /* bytes left of a character an oversize split cut
	                       * (only with --size below 4): no safe cut among them */
	size_t size;          /* chunk size of the current source */

	int in_source;
	uint32_t source;      /* index of the current source */
	uint32_t next_source;
	uint64_t seq;         /* seq of the next frame */
	uint64_t offset;      /* source offset of buf[0] */
	uint64_t frames;      /* DATA frames of this source */
	uint64_t committed;   /* bytes committed for this source */
	sg_sum_stream *sum;   /* over the whole source */
	unsigned char meta[SG_FRAME_META_MAX];
};

int
sg_oversize_parse(const char *s)
{
	if (strcmp(s, "split") == 0)
		return SG_OVERSIZE_SPLIT;
	if (strcmp(s, "keep") == 0)
		return SG_OVERSIZE_KEEP;
	if (strcmp(s, "error") == 0)
		return SG_OVERSIZE_ERROR;
	return -1;
}

const char *
sg_oversize_name(int policy)
{
	switch (policy) {
	case SG_OVERSIZE_KEEP: return "keep";
	case SG_OVERSIZE_ERROR: return "error";
	default: return "split";
	}
}

uint64_t
sg_chunk_auto_size(uint64_t source_size)
{
	uint64_t want, size = SG_CHUNK_AUTO_MIN;

	if (source_size == UINT64_MAX)
		return SG_CHUNK_AUTO_STREAM;
	want = source_size / 16;
	while (size < want && size < SG_CHUNK_AUTO_MAX)
		size <<= 1;
	return size;
}

sg_chunker *
sg_chunker_new(const sg_chunk_opts *o, sg_emit_fn emit, void *ctx, sg_err *e)
{
	sg_chunker *c;

	if (o->strategy == NULL)
		return sg_err_set(e, SG_EUSAGE, "no strategy"), NULL;
	if (o->size > SG_CHUNK_SIZE_MAX)
		return sg_err_set(e, SG_EUSAGE, "chunk size above %u bytes", SG_CHUNK_SIZE_MAX), NULL;
	if (o->records > 0 && !o->strategy->has_records)
		return sg_err_set(e, SG_EUSAGE, "--records does not apply to strategy %s",
		    o->strategy->name), NULL;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return sg_err_set(e, SG_ENOMEM, "out of memory"), NULL;
	c->opt = *o;
	c->emit = emit;
	c->ctx = ctx;
	c->sum = sg_sum_stream_new();
	if (o->strategy->state_size > 0)
		c->state = calloc(1, o->strategy->state_size);
	if (c->sum == NULL || (o->strategy->state_size > 0 && c->state == NULL)) {
		sg_chunker_free(c);
		return sg_err_set(e, SG_ENOMEM, "out of memory"), NULL;
	}
	return c;
}

void
sg_chunker_free(sg_chunker *c)
{
	if (c == NULL)
		return;
	sg_sum_stream_free(c->sum);
	free(c->state);
	free(c->buf);
	free(c);
}

/* The buffer is page-aligned, and the bytes held are placed so that the
 * next read lands on a page boundary: copying from the page cache into a
 * misaligned buffer is several times slower. */
#define BUF_ALIGN 4096u
#define LOOKAHEAD SG_CHUNK_LOOKAHEAD

static size_t
round_up(size_t n)
{
	return (n + BUF_ALIGN - 1) & ~(size_t)(BUF_ALIGN - 1);
}

/* Make room for a window of want bytes and its lookahead, wherever below
 * BUF_ALIGN the held bytes start; what is held keeps its place. */
static int
grow(sg_chunker *c, size_t want, sg_err *e)
{
	size_t cap = round_up(want + LOOKAHEAD) + BUF_ALIGN;
	void *p;

	if (cap <= c->cap)
		return 0;
	if (posix_memalign(&p, BUF_ALIGN, cap) != 0)
		return sg_err_set(e, SG_ENOMEM, "out of memory for a %zu-byte buffer", cap);
	if (c->len > c->head)
		memcpy((unsigned char *)p + c->head, c->buf + c->head, c->len - c->head);
	free(c->buf);
	c->buf = p;
	c->cap = cap;
	return 0;
}

/* Send one frame of the current source, next in sequence. */
static int
emit_frame(sg_chunker *c, int type, uint16_t flags, const unsigned char *payload,
	   size_t n, sg_err *e)
{
	sg_frame_hdr h = { 0 };

	h.type = (uint8_t)type;
	h.codec = SG_CODEC_NONE;
	h.flags = flags;
	h.source = c->source;
	h.seq = c->seq++;
	h.offset = c->offset;
	h.size = h.stored = (uint32_t)n;
	h.payload_sum = sg_sum(payload, n);
	return c->emit(c->ctx, &h, payload, e);
}

static int
emit_meta(sg_chunker *c, int type, uint16_t flags, const sg_meta *m, sg_err *e)
{
	int n = sg_meta_encode(m, c->meta, sizeof c->meta, e);

	return n < 0 ? n : emit_frame(c, type, flags, c->meta, (size_t)n, e);
}

int
sg_chunker_begin(sg_chunker *c, sg_meta *meta, sg_err *e)
{
	uint64_t known = (meta->have & SG_META_HAS(SG_META_SIZE)) ? meta->size : UINT64_MAX;
	int rc;

	if (c->in_source)
		return sg_err_set(e, SG_EINTERNAL, "begin inside a source");
	c->size = (size_t)(c->opt.size ? c->opt.size : sg_chunk_auto_size(known));
	if ((rc = grow(c, c->size, e)) < 0)
		return rc;
	c->source = c->next_source++;
	c->in_source = 1;
	c->head = c->len = 0;
	c->tail = 0;
	c->seq = 0;
	c->offset = 0;
	c->frames = 0;
	c->committed = 0;
	sg_sum_stream_reset(c->sum);
	if (c->state != NULL)
		memset(c->state, 0, c->opt.strategy->state_size);
	if (c->opt.strategy->reset != NULL)
		c->opt.strategy->reset(c->state, &c->opt.params);
	sg_meta_set_word(meta, SG_META_STRATEGY, c->opt.strategy->name);
	meta->chunk_size = c->size;
	meta->records = c->opt.records;
	meta->have |= SG_META_HAS(SG_META_CHUNK_SIZE) | SG_META_HAS(SG_META_RECORDS);
	sg_meta_set_word(meta, SG_META_OVERSIZE, sg_oversize_name(c->opt.oversize));
	return emit_meta(c, SG_TYPE_BEGIN, 0, meta, e);
}

size_t
sg_chunker_space(sg_chunker *c, unsigned char **p)
{
	size_t held = c->len - c->head;

	/* Realign after a cut, not after every read: a live input that
	 * trickles in must not move the same bytes again and again. */
	if (c->realign || c->len == c->cap) {
		size_t start = round_up(held) - held;

		memmove(c->buf + start, c->buf + c->head, held);
		c->head = start;
		c->len = start + held;
		c->realign = 0;
	}
	/* Keep mode may hold more than a window while a long record grows. */
	if (c->len == c->cap && c->cap - BUF_ALIGN < SG_CHUNK_KEEP_MAX) {
		size_t want = 2 * (c->cap - BUF_ALIGN);
		sg_err ignored;

		if (want > SG_CHUNK_KEEP_MAX)
			want = SG_CHUNK_KEEP_MAX;
		(void)grow(c, want, &ignored); /* on failure, 0 bytes of space */
	}
	*p = c->buf + c->len;
	/* Read no further than one window and its lookahead while cutting
	 * normally; head is below BUF_ALIGN here, so they fit. */
	if (held < c->size + LOOKAHEAD)
		return c->size + LOOKAHEAD - held;
	return c->cap - c->len;
}

static int
emit_data(sg_chunker *c, size_t n, uint16_t flags, sg_err *e)
{
	const unsigned char *p = c->buf + c->head;
	int rc;

	sg_sum_stream_update(c->sum, p, n);
	if ((rc = emit_frame(c, SG_TYPE_DATA, flags, p, n, e)) < 0)
		return rc;
	c->frames++;
	c->offset += n;
	c->head += n;
	c->realign = 1;
	if (c->opt.strategy->consumed != NULL)
		c->opt.strategy->consumed(c->state, n);
	return 0;
}

/* The rest of a character that an oversize split cut, already held whole.
 * Its end is a safe cut for utf8, but never a record end. */
static int
cut_tail(sg_chunker *c, sg_err *e)
{
	size_t cut = c->tail < c->size ? c->tail : c->size;
	int safe = cut == c->tail && !c->opt.strategy->has_records;
	int rc;

	c->tail -= cut;
	return (rc = emit_data(c, cut, safe ? 0 : SG_FLAG_OVERSIZE, e)) < 0 ? rc : 1;
}

/* Cut one chunk from the front of the buffer. Returns 1 if a chunk went out,
 * 0 if more input is needed first, or an error. */
static int
cut_one(sg_chunker *c, int eof, sg_err *e)
{
	const sg_boundary_ops *s = c->opt.strategy;
	size_t held = c->len - c->head;
	size_t w = held < c->size ? held : c->size;
	const unsigned char *p = c->buf + c->head;
	size_t cut, u;
	int rc;

	if (c->tail > 0)
		return cut_tail(c, e);
	/* Cut only with LOOKAHEAD bytes past the window (or at the end of
	 * input), so that the cuts never depend on how reads split the input:
	 * a record that exactly fills the window may end there, and a UTF-8
	 * sequence across its edge may be a character or invalid bytes. */
	if (held < c->size + LOOKAHEAD && !eof)
		return 0;
	if ((cut = s->find(c->state, p, w, held, eof, c->opt.records)) > 0)
		return (rc = emit_data(c, cut, 0, e)) < 0 ? rc : 1;
	/* One record is larger than the window. */
	switch (c->opt.oversize) {
	case SG_OVERSIZE_ERROR:
		return sg_err_set(e, SG_EDATA,
		    "record at source offset %llu is larger than --size %zu "
		    "(--oversize=error)", (unsigned long long)c->offset, c->size);
	case SG_OVERSIZE_KEEP:
		w = held < SG_CHUNK_KEEP_MAX ? held : SG_CHUNK_KEEP_MAX;
		cut = s->find(c->state, p, w, held, eof, 1);
		if (cut > 0)
			return (rc = emit_data(c, cut, 0, e)) < 0 ? rc : 1;
		if (held > SG_CHUNK_KEEP_MAX)
			return sg_err_set(e, SG_EDATA,
			    "record at source offset %llu exceeds the %u MiB cap of "
			    "--oversize=keep", (unsigned long long)c->offset,
			    SG_CHUNK_KEEP_MAX >> 20);
		return 0;
	default:
		if ((cut = sg_utf8_cut_ahead(p, w, held, eof)) == 0) {
			/* The window holds only the start of one character. */
			u = sg_utf8_unit(p, held);
			if (u == 0 && !eof)
				return 0; /* wait for the whole character */
			cut = w;
			if (u > w)
				c->tail = u - w;
		}
		return (rc = emit_data(c, cut, SG_FLAG_OVERSIZE, e)) < 0 ? rc : 1;
	}
}

int
sg_chunker_commit(sg_chunker *c, size_t n, sg_err *e)
{
	int rc;

	c->len += n;
	c->committed += n;
	while (c->len - c->head >= c->size + LOOKAHEAD)
		if ((rc = cut_one(c, 0, e)) <= 0)
			return rc;
	return 0;
}

int
sg_chunker_drain(sg_chunker *c, sg_err *e)
{
	const sg_boundary_ops *s = c->opt.strategy;
	int rc;

	while (c->len > c->head) {
		size_t held = c->len - c->head;
		size_t w = held < c->size ? held : c->size;
		size_t cut;

		if (c->tail > 0) {
			if ((rc = cut_tail(c, e)) < 0)
				return rc;
			continue;
		}
		if ((cut = s->find(c->state, c->buf + c->head, w, held, 0, c->opt.records)) == 0)
			return 0;
		if ((rc = emit_data(c, cut, 0, e)) < 0)
			return rc;
	}
	return 0;
}

int
sg_chunker_end(sg_chunker *c, int last, sg_err *e)
{
	sg_meta m;
	int rc;

	if (!c->in_source)
		return sg_err_set(e, SG_EINTERNAL, "end outside a source");
	while (c->len > c->head) {
		if ((rc = cut_one(c, 1, e)) < 0)
			return rc;
		if (rc == 0)
			return sg_err_set(e, SG_EINTERNAL, "no cut at end of input");
	}
	sg_meta_clear(&m);
	m.total = c->offset;
	m.frames = c->frames;
	m.source_sum = sg_sum_stream_digest(c->sum);
	m.have = SG_META_HAS(SG_META_TOTAL) | SG_META_HAS(SG_META_FRAMES) |
	    SG_META_HAS(SG_META_SOURCE_SUM);
	c->in_source = 0;
	return emit_meta(c, SG_TYPE_END, last ? SG_FLAG_LAST : 0, &m, e);
}

uint64_t
sg_chunker_consumed(const sg_chunker *c)
{
	return c->committed;
}
