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
	size_t back;          /* bytes kept free before head, for context */
	size_t ovl;           /* --overlap: bytes before head the next chunk repeats */
	unsigned char *hdr;   /* --header: the first record of the source */
	size_t hdr_len;
	int hdr_known;
	int stopped;          /* the strategy saw the end of its input */
	uint64_t dropped;     /* bytes held when it stopped, not emitted */
	size_t tail;          /* bytes left of a character an oversize split cut
	                       * (only with --size below 4): no safe cut among them */
	size_t size;          /* chunk size of the current source */

	int in_source;
	uint32_t source;      /* index of the current source */
	uint32_t next_source;
	uint64_t seq;         /* seq of the next frame */
	uint64_t offset;      /* source offset of buf[head] */
	uint64_t start;       /* source offset where this stream's part begins */
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

/* cdc sizes not given: from --avg when it is (a quarter, four times),
 * else the defaults. */
static void
cdc_defaults(sg_boundary_params *p)
{
	uint64_t avg = p->cdc_avg ? p->cdc_avg : SG_CDC_AVG_DEFAULT;

	if (p->cdc_avg == 0)
		p->cdc_avg = avg;
	if (p->cdc_min == 0)
		p->cdc_min = p->cdc_avg == SG_CDC_AVG_DEFAULT ? SG_CDC_MIN_DEFAULT : avg / 4;
	if (p->cdc_max == 0)
		p->cdc_max = p->cdc_avg == SG_CDC_AVG_DEFAULT ? SG_CDC_MAX_DEFAULT : avg * 4;
}

/* Each option only where its strategy reads it. */
static int
check_options(const sg_chunk_opts *o, sg_err *e)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ SG_BOPT_DELIM, "--delimiter" }, { SG_BOPT_ARRAY, "--array" },
		{ SG_BOPT_VALIDATE, "--validate" }, { SG_BOPT_UNTIL_DONE, "--until-done" },
		{ SG_BOPT_CDC, "--min/--avg/--max" }, { SG_BOPT_HEADER, "--header" },
		{ SG_BOPT_OVERLAP, "--overlap" },
	};
	const sg_boundary_params *p = &o->params;
	unsigned given = 0;
	size_t i;

	if (p->delim != NULL)
		given |= SG_BOPT_DELIM;
	if (p->json_array)
		given |= SG_BOPT_ARRAY;
	if (p->json_validate)
		given |= SG_BOPT_VALIDATE;
	if (p->until_done)
		given |= SG_BOPT_UNTIL_DONE;
	if (p->cdc_min || p->cdc_avg || p->cdc_max)
		given |= SG_BOPT_CDC;
	if (o->header)
		given |= SG_BOPT_HEADER;
	if (o->overlap)
		given |= SG_BOPT_OVERLAP;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if ((given & names[i].bit) && !(o->strategy->options & names[i].bit))
			return sg_err_set(e, SG_EUSAGE, "%s does not apply to strategy %s",
			    names[i].name, o->strategy->name);
	/* Against the chunk size when a source begins (auto depends on it). */
	if (o->overlap > SG_CHUNK_SIZE_MAX / 2)
		return sg_err_set(e, SG_EUSAGE, "--overlap above %u bytes", SG_CHUNK_SIZE_MAX / 2);
	if (o->strategy->options & SG_BOPT_CDC) {
		sg_boundary_params q = *p;

		cdc_defaults(&q);
		return o->strategy->check(&q, e);
	}
	return o->strategy->check != NULL ? o->strategy->check(p, e) : 0;
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
	if (check_options(o, e) < 0)
		return NULL;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return sg_err_set(e, SG_ENOMEM, "out of memory"), NULL;
	c->opt = *o;
	if (o->strategy->options & SG_BOPT_CDC) {
		cdc_defaults(&c->opt.params);
		c->opt.size = c->opt.params.cdc_max; /* a cdc chunk ends by --max */
	}
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
	free(c->hdr);
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
 * back + BUF_ALIGN the held bytes start; what is held, and the context
 * bytes before it, keep their place. */
static int
grow(sg_chunker *c, size_t want, sg_err *e)
{
	size_t cap = round_up(c->back) + round_up(want + LOOKAHEAD) + BUF_ALIGN;
	size_t from = c->head - (c->head < c->back ? c->head : c->back);
	void *p;

	if (cap <= c->cap)
		return 0;
	if (posix_memalign(&p, BUF_ALIGN, cap) != 0)
		return sg_err_set(e, SG_ENOMEM, "out of memory for a %zu-byte buffer", cap);
	if (c->len > from)
		memcpy((unsigned char *)p + from, c->buf + from, c->len - from);
	free(c->buf);
	c->buf = p;
	c->cap = cap;
	return 0;
}

/* Send one frame of the current source, next in sequence. */
static int
emit_frame(sg_chunker *c, int type, uint16_t flags, const unsigned char *payload,
	   size_t n, size_t context, sg_err *e)
{
	sg_frame_hdr h = { 0 };

	h.type = (uint8_t)type;
	h.codec = SG_CODEC_NONE;
	h.flags = flags;
	h.context = (uint32_t)context;
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

	return n < 0 ? n : emit_frame(c, type, flags, c->meta, (size_t)n, 0, e);
}

int
sg_chunker_begin(sg_chunker *c, sg_meta *meta, sg_err *e)
{
	return sg_chunker_begin_at(c, meta, 0, e);
}

int
sg_chunker_begin_at(sg_chunker *c, sg_meta *meta, uint64_t start, sg_err *e)
{
	uint64_t known = (meta->have & SG_META_HAS(SG_META_SIZE)) ? meta->size : UINT64_MAX;
	int rc;

	if (c->in_source)
		return sg_err_set(e, SG_EINTERNAL, "begin inside a source");
	c->size = (size_t)(c->opt.size ? c->opt.size : sg_chunk_auto_size(known));
	if (c->opt.overlap * 2 > c->size)
		return sg_err_set(e, SG_EUSAGE, "--overlap %llu is more than half of "
		    "the %zu-byte chunk size", (unsigned long long)c->opt.overlap, c->size);
	/* Context (a repeated header, an overlap) sits just before head. */
	c->back = c->opt.header ? c->size / 2 : (size_t)c->opt.overlap;
	c->head = c->len = 0;
	if ((rc = grow(c, c->size, e)) < 0)
		return rc;
	if (c->opt.header && c->hdr == NULL && (c->hdr = malloc(c->back + 1)) == NULL)
		return sg_err_set(e, SG_ENOMEM, "out of memory");
	c->source = c->next_source++;
	c->in_source = 1;
	c->head = c->len = round_up(c->back);
	c->ovl = 0;
	c->hdr_len = 0;
	c->hdr_known = 0;
	c->stopped = 0;
	c->dropped = 0;
	c->tail = 0;
	c->seq = 0;
	c->offset = c->start = start;
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
		size_t start = round_up(c->back + held) - held;
		size_t keep = c->ovl; /* the overlap the next chunk repeats */

		memmove(c->buf + start - keep, c->buf + c->head - keep, keep + held);
		c->head = start;
		c->len = start + held;
		c->realign = 0;
	}
	/* Keep mode may hold more than a window while a long record grows. */
	if (c->len == c->cap && c->cap - BUF_ALIGN - round_up(c->back) < SG_CHUNK_KEEP_MAX) {
		size_t want = 2 * (c->cap - BUF_ALIGN - round_up(c->back));
		sg_err ignored;

		if (want > SG_CHUNK_KEEP_MAX)
			want = SG_CHUNK_KEEP_MAX;
		(void)grow(c, want, &ignored); /* on failure, 0 bytes of space */
	}
	*p = c->buf + c->len;
	/* Read no further than one window and its lookahead while cutting
	 * normally; head is below back + BUF_ALIGN here, so they fit. */
	if (held < c->size + LOOKAHEAD)
		return c->size + LOOKAHEAD - held;
	return c->cap - c->len;
}

/* Bytes the next chunk repeats before its new bytes. */
static size_t
context_len(const sg_chunker *c)
{
	if (c->opt.header)
		return c->frames > 0 && c->hdr_known ? c->hdr_len : 0;
	return c->ovl;
}

static int
emit_data(sg_chunker *c, size_t n, uint16_t flags, sg_err *e)
{
	const sg_boundary_ops *s = c->opt.strategy;
	unsigned char *p = c->buf + c->head;
	size_t ctx = context_len(c);
	int rc;

	if (s->flags != NULL)
		flags |= s->flags(c->state, p, n);
	if (ctx > 0) {
		if (c->opt.header) {
			memcpy(p - ctx, c->hdr, ctx);
			flags |= SG_FLAG_HEADER;
		} else {
			flags |= SG_FLAG_OVERLAP;
		}
	}
	sg_sum_stream_update(c->sum, p, n);
	if ((rc = emit_frame(c, SG_TYPE_DATA, flags, p - ctx, n + ctx, ctx, e)) < 0)
		return rc;
	c->frames++;
	c->offset += n;
	c->head += n;
	c->realign = 1;
	if (c->opt.overlap > 0)
		c->ovl = s->overlap(p, n, (size_t)c->opt.overlap);
	if (s->consumed != NULL)
		s->consumed(c->state, n);
	if (s->stopped != NULL && s->stopped(c->state))
		c->stopped = 1;
	return 0;
}

/* find, with a failure turned into the strategy's error. */
static int
find_cut(sg_chunker *c, size_t w, int eof, uint64_t records, size_t *cut, sg_err *e)
{
	size_t held = c->len - c->head;

	*cut = c->opt.strategy->find(c->state, c->buf + c->head, w, held, eof, records);
	if (*cut == SG_BOUNDARY_FAIL)
		return c->opt.strategy->error(c->state, c->offset, e);
	return 0;
}

/* --header: the first record of the source, found in the first window
 * (1), not yet (0), or an error. */
static int
learn_header(sg_chunker *c, size_t w, int eof, sg_err *e)
{
	size_t cut;
	int rc;

	if ((rc = find_cut(c, w, eof, 1, &cut, e)) < 0)
		return rc;
	if (cut == 0) {
		if (w < c->size && !eof)
			return 0;
		return sg_err_set(e, SG_EDATA, "the header record at source offset %llu "
		    "is larger than --size %zu", (unsigned long long)c->offset, c->size);
	}
	if (cut > c->back)
		return sg_err_set(e, SG_EDATA, "the header record (%zu bytes) is larger "
		    "than half of --size %zu", cut, c->size);
	memcpy(c->hdr, c->buf + c->head, cut);
	c->hdr_len = cut;
	c->hdr_known = 1;
	return 1;
}

/* The window of new bytes the next chunk may take, and its record limit. */
static size_t
window(const sg_chunker *c, size_t held, uint64_t *records)
{
	size_t room = c->size - context_len(c);

	*records = c->opt.records;
	/* The first chunk holds the header record besides its records. */
	if (c->opt.header && c->frames == 0 && *records > 0)
		(*records)++;
	return held < room ? held : room;
}

/* The next cut at a record end in the window *w (0: none there yet),
 * once the header is known. Returns 1, 0 while the header is still
 * incomplete, or an error. */
static int
record_cut(sg_chunker *c, int eof, size_t *w, size_t *cut, sg_err *e)
{
	size_t held = c->len - c->head;
	uint64_t records;
	int rc;

	if (c->opt.header && !c->hdr_known &&
	    (rc = learn_header(c, held < c->size ? held : c->size, eof, e)) <= 0)
		return rc;
	*w = window(c, held, &records);
	return (rc = find_cut(c, *w, eof, records, cut, e)) < 0 ? rc : 1;
}

/* The rest of a character that an oversize split cut, already held whole.
 * Its end is a safe cut for utf8, but never a record end. */
static int
cut_tail(sg_chunker *c, sg_err *e)
{
	size_t room = c->size - context_len(c);
	size_t cut = c->tail < room ? c->tail : room;
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
	size_t held = c->len - c->head;
	const unsigned char *p = c->buf + c->head;
	size_t w, cut, u;
	int rc;

	if (c->stopped)
		return 0;
	if (c->tail > 0)
		return cut_tail(c, e);
	/* Cut only with LOOKAHEAD bytes past the window (or at the end of
	 * input), so that the cuts never depend on how reads split the input:
	 * a record that exactly fills the window may end there, and a UTF-8
	 * sequence across its edge may be a character or invalid bytes. */
	if (held < c->size + LOOKAHEAD && !eof)
		return 0;
	if ((rc = record_cut(c, eof, &w, &cut, e)) <= 0)
		return rc;
	if (cut > 0)
		return (rc = emit_data(c, cut, 0, e)) < 0 ? rc : 1;
	/* One record is larger than the window. */
	switch (c->opt.oversize) {
	case SG_OVERSIZE_ERROR:
		return sg_err_set(e, SG_EDATA,
		    "record at source offset %llu is larger than --size %zu "
		    "(--oversize=error)", (unsigned long long)c->offset, c->size);
	case SG_OVERSIZE_KEEP:
		u = SG_CHUNK_KEEP_MAX - context_len(c);
		w = held < u ? held : u;
		if ((rc = find_cut(c, w, eof, 1, &cut, e)) < 0)
			return rc;
		if (cut > 0)
			return (rc = emit_data(c, cut, 0, e)) < 0 ? rc : 1;
		if (held > u)
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
	int rc;

	while (c->len > c->head && !c->stopped) {
		size_t w, cut;

		if (c->tail > 0) {
			if ((rc = cut_tail(c, e)) < 0)
				return rc;
			continue;
		}
		if ((rc = record_cut(c, 0, &w, &cut, e)) <= 0 || cut == 0)
			return rc < 0 ? rc : 0;
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
	while (c->len > c->head && !c->stopped) {
		if ((rc = cut_one(c, 1, e)) < 0)
			return rc;
		if (rc == 0)
			return sg_err_set(e, SG_EINTERNAL, "no cut at end of input");
	}
	/* A strategy that can refuse input sees the end once more, with
	 * nothing held: an input with no record at all, or one whose last
	 * bytes went out in live drains, may still be malformed. */
	if (!c->stopped && c->opt.strategy->error != NULL) {
		size_t cut;

		if ((rc = find_cut(c, 0, 1, c->opt.records, &cut, e)) < 0)
			return rc;
	}
	if (c->stopped)
		c->dropped = c->len - c->head;
	c->head = c->len;
	sg_meta_clear(&m);
	m.total = c->offset - c->start;
	m.frames = c->frames;
	m.source_sum = sg_sum_stream_digest(c->sum);
	m.have = SG_META_HAS(SG_META_TOTAL) | SG_META_HAS(SG_META_FRAMES) |
	    SG_META_HAS(SG_META_SOURCE_SUM);
	c->in_source = 0;
	return emit_meta(c, SG_TYPE_END, last ? SG_FLAG_LAST : 0, &m, e);
}

void
sg_chunker_abandon(sg_chunker *c)
{
	c->head = c->len;
	c->in_source = 0;
}

int
sg_chunker_progress(sg_chunker *c, uint64_t consumed, uint64_t total, sg_err *e)
{
	sg_frame_hdr h = { 0 };
	sg_meta m;
	int n;

	sg_meta_clear(&m);
	m.consumed = consumed;
	m.have = SG_META_HAS(SG_META_CONSUMED);
	if (total != UINT64_MAX) {
		m.input_total = total;
		m.have |= SG_META_HAS(SG_META_INPUT_TOTAL);
	}
	if ((n = sg_meta_encode(&m, c->meta, sizeof c->meta, e)) < 0)
		return n;
	h.type = SG_TYPE_PROGRESS;
	h.codec = SG_CODEC_NONE;
	h.source = c->source;
	h.size = h.stored = (uint32_t)n;
	h.payload_sum = sg_sum(c->meta, (size_t)n);
	return c->emit(c->ctx, &h, c->meta, e);
}

uint64_t
sg_chunker_consumed(const sg_chunker *c)
{
	return c->committed;
}

int
sg_chunker_stopped(const sg_chunker *c)
{
	return c->stopped;
}

uint64_t
sg_chunker_dropped(const sg_chunker *c)
{
	return c->dropped;
}
