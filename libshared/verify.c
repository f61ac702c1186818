#include "verify.h"

#include <stdlib.h>
#include <string.h>

#include "sum.h"

struct sg_verify {
	int seen_source;     /* any BEGIN at all */
	int in_source;
	int stream_open;     /* a source ended without the last flag */
	uint32_t source;     /* current (or last) source index */
	uint64_t seq;        /* expected seq of the next frame of the source */
	uint64_t offset;     /* expected offset of the next new byte */
	uint64_t total, frames;
	int resync;          /* a resumed BEGIN: take the next place as given */
	int partial;         /* the source resumed: END's totals are not ours */
	sg_sum_stream *sum;
	int skip_sums;       /* END's source checksum is left downstream */
	sg_meta scratch;
};

sg_verify *
sg_verify_new(void)
{
	sg_verify *v = calloc(1, sizeof *v);

	if (v == NULL)
		return NULL;
	if ((v->sum = sg_sum_stream_new()) == NULL) {
		free(v);
		return NULL;
	}
	return v;
}

void
sg_verify_free(sg_verify *v)
{
	if (v == NULL)
		return;
	sg_sum_stream_free(v->sum);
	free(v);
}

void
sg_verify_skip_source_sums(sg_verify *v)
{
	v->skip_sums = 1;
}

#define BAD(...) sg_err_at(e, SG_EDATA, f->index, f->at, __VA_ARGS__)

static int
check_place(sg_verify *v, const sg_frame *f, sg_err *e)
{
	const sg_frame_hdr *h = &f->h;

	if (!v->in_source)
		return BAD("%s frame of source %u outside any source (BEGIN missing)",
		    sg_frame_type_name(h->type), h->source);
	if (h->source != v->source)
		return BAD("frame of source %u inside source %u", h->source, v->source);
	if (v->resync && h->seq >= v->seq && h->offset >= v->offset) {
		v->resync = 0;
		v->partial = 1;
		v->seq = h->seq;
		v->offset = h->offset;
	}
	if (h->seq != v->seq)
		return BAD("sequence %llu where %llu was expected (frames %s)",
		    (unsigned long long)h->seq, (unsigned long long)v->seq,
		    h->seq > v->seq ? "missing" : "repeated or reordered");
	if (h->offset != v->offset)
		return BAD("source offset %llu where %llu was expected",
		    (unsigned long long)h->offset, (unsigned long long)v->offset);
	return 0;
}

static int
begin(sg_verify *v, const sg_frame *f, const sg_meta *m, sg_err *e)
{
	uint32_t want = v->stream_open ? v->source + 1 : 0;
	int resumed = (f->h.flags & SG_FLAG_RESUMED) != 0;

	(void)m;
	/* sg-chunk --resume: the sources before are in the sink already. */
	if (resumed && !v->in_source && f->h.source >= want)
		want = f->h.source;
	if (v->in_source)
		return BAD("BEGIN of source %u inside source %u (END missing)",
		    f->h.source, v->source);
	if (f->h.source != want)
		return BAD("BEGIN of source %u where source %u was expected%s",
		    f->h.source, want, f->h.source > want ? " (sources missing)" : "");
	if (f->h.seq != 0)
		return BAD("BEGIN with sequence %llu, not 0", (unsigned long long)f->h.seq);
	v->in_source = 1;
	v->seen_source = 1;
	v->source = f->h.source;
	v->seq = 1;
	v->offset = f->h.offset;
	v->total = v->frames = 0;
	v->resync = resumed;
	v->partial = 0;
	sg_sum_stream_reset(v->sum);
	return 0;
}

static int
data(sg_verify *v, const sg_frame *f, const unsigned char *payload, sg_err *e)
{
	size_t fresh = f->h.size - f->h.context;
	int rc;

	if ((rc = check_place(v, f, e)) < 0)
		return rc;
	if (!v->skip_sums)
		sg_sum_stream_update(v->sum, payload + f->h.context, fresh);
	v->seq++;
	v->offset += fresh;
	v->total += fresh;
	v->frames++;
	return 0;
}

static int
end(sg_verify *v, const sg_frame *f, const sg_meta *m, sg_err *e)
{
	static const uint64_t need = SG_META_HAS(SG_META_TOTAL) |
	    SG_META_HAS(SG_META_FRAMES) | SG_META_HAS(SG_META_SOURCE_SUM);
	uint64_t sum;
	int rc;

	if ((rc = check_place(v, f, e)) < 0)
		return rc;
	if ((m->have & need) != need)
		return BAD("END of source %u lacks its totals", v->source);
	if (v->partial)
		goto ended;  /* the source's start went to the sink earlier */
	if (m->total != v->total)
		return BAD("END says %llu bytes, the source carried %llu",
		    (unsigned long long)m->total, (unsigned long long)v->total);
	if (m->frames != v->frames)
		return BAD("END says %llu data frames, the source carried %llu",
		    (unsigned long long)m->frames, (unsigned long long)v->frames);
	sum = sg_sum_stream_digest(v->sum);
	if (!v->skip_sums && m->source_sum != sum)
		return BAD("whole-source checksum mismatch (END %016llx, data %016llx)",
		    (unsigned long long)m->source_sum, (unsigned long long)sum);
ended:
	v->in_source = 0;
	v->resync = v->partial = 0;
	v->stream_open = !(f->h.flags & SG_FLAG_LAST);
	return 0;
}

int
sg_verify_frame(sg_verify *v, const sg_frame *f, const unsigned char *payload,
		sg_meta *meta, sg_err *e)
{
	sg_meta *m = meta != NULL ? meta : &v->scratch;
	int rc;

	if (f->h.type == SG_TYPE_DATA)
		return data(v, f, payload, e);
	if (f->h.type != SG_TYPE_BEGIN && f->h.type != SG_TYPE_END &&
	    f->h.type != SG_TYPE_PROGRESS)
		return 0; /* a newer writer's frame type: passed over */
	if ((rc = sg_meta_decode(f->payload, f->h.size, m, e)) < 0) {
		char why[sizeof e->msg];

		memcpy(why, e->msg, sizeof why);
		return BAD("%s metadata: %s", sg_frame_type_name(f->h.type), why);
	}
	if (f->h.type == SG_TYPE_BEGIN)
		return begin(v, f, m, e);
	if (f->h.type == SG_TYPE_END)
		return end(v, f, m, e);
	return 0;
}

int
sg_verify_finish(sg_verify *v, uint64_t frames, uint64_t at, sg_err *e)
{
	if (!v->seen_source)
		return sg_err_at(e, SG_EDATA, frames, at,
		    frames == 0 ? "empty input: no sg frames" : "no source in the input (no BEGIN)");
	if (v->in_source)
		return sg_err_at(e, SG_EDATA, frames, at,
		    "truncated: input ends inside source %u (no END)", v->source);
	if (v->stream_open)
		return sg_err_at(e, SG_EDATA, frames, at,
		    "truncated: input ends after source %u, which is not the last of its stream",
		    v->source);
	return 0;
}
