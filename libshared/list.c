#include "list.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "frame.h"
#include "base64.h"
#include "json.h"
#include "utf8.h"

static void
list_flags(sg_buf *out, unsigned flags, sg_err *e)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ SG_FLAG_OVERSIZE, "oversize" },
		{ SG_FLAG_OVERLAP, "overlap" },
		{ SG_FLAG_HEADER, "header" },
		{ SG_FLAG_LAST, "last" },
		{ SG_FLAG_STORED, "stored" },
		{ SG_FLAG_ARRAY, "array" },
		{ SG_FLAG_RESUMED, "resumed" },
	};
	const char *sep = "";
	unsigned bit;
	size_t i;

	sg_buf_append(out, ",\"flags\":[", 10, e);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (flags & names[i].bit) {
			sg_buf_printf(out, e, "%s\"%s\"", sep, names[i].name);
			sep = ",";
		}
	}
	for (bit = 1; bit <= 0x8000; bit <<= 1) {
		if ((flags & bit) && !(SG_FLAG_KNOWN & bit)) {
			sg_buf_printf(out, e, "%s\"0x%04x\"", sep, bit);
			sep = ",";
		}
	}
	sg_buf_append(out, "]", 1, e);
}

static void
list_mtime(sg_buf *out, int64_t ns, sg_err *e)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;
	char buf[64];

	if (ns < 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		sg_buf_printf(out, e, ",\"mtime\":null");
		return;
	}
	sg_buf_printf(out, e, ",\"mtime\":\"%s.%09" PRId64 "Z\"", buf, ns % 1000000000);
}

static void
list_begin(sg_buf *out, const sg_meta *m, sg_err *e)
{
	sg_buf_printf(out, e, ",\"name\":");
	sg_json_string(out, m->name, m->name_len, e);
	if (!sg_utf8_valid(m->name, m->name_len)) {
		/* The exact bytes, where "name" had to replace some. */
		sg_buf_printf(out, e, ",\"name_base64\":\"");
		sg_base64_encode(out, m->name, m->name_len, e);
		sg_buf_append(out, "\"", 1, e);
	}
	if (m->have & SG_META_HAS(SG_META_SIZE))
		sg_buf_printf(out, e, ",\"source_size\":%" PRIu64, m->size);
	if (m->have & SG_META_HAS(SG_META_MTIME))
		list_mtime(out, m->mtime_ns, e);
	if (m->have & SG_META_HAS(SG_META_MODE))
		sg_buf_printf(out, e, ",\"mode\":\"%o\"", (unsigned)m->mode);
	if (m->have & SG_META_HAS(SG_META_STRATEGY)) {
		sg_buf_printf(out, e, ",\"strategy\":");
		sg_json_string(out, m->strategy, strlen(m->strategy), e);
	}
	if (m->have & SG_META_HAS(SG_META_CHUNK_SIZE))
		sg_buf_printf(out, e, ",\"chunk_size\":%" PRIu64, m->chunk_size);
	if (m->have & SG_META_HAS(SG_META_RECORDS))
		sg_buf_printf(out, e, ",\"records\":%" PRIu64, m->records);
	if (m->have & SG_META_HAS(SG_META_OVERSIZE)) {
		sg_buf_printf(out, e, ",\"oversize\":");
		sg_json_string(out, m->oversize, strlen(m->oversize), e);
	}
	if (m->have & SG_META_HAS(SG_META_PART)) {
		sg_buf_printf(out, e, ",\"part\":");
		sg_json_string(out, m->part, strlen(m->part), e);
	}
	if (m->have & SG_META_HAS(SG_META_JOB)) {
		sg_buf_printf(out, e, ",\"job\":");
		sg_json_string(out, m->job, m->job_len, e);
	}
}

/* The payload of a DATA frame (decoded) or an unknown frame: as text when it
 * is valid UTF-8, else as base64. */
static void
list_payload(sg_buf *out, const unsigned char *data, size_t n, sg_err *e)
{
	if (sg_utf8_valid(data, n)) {
		sg_buf_printf(out, e, ",\"text\":");
		sg_json_string(out, data, n, e);
		return;
	}
	sg_buf_printf(out, e, ",\"base64\":\"");
	sg_base64_encode(out, data, n, e);
	sg_buf_append(out, "\"", 1, e);
}

int
sg_list_frame(sg_buf *out, const sg_frame *f, const sg_meta *m,
	      const unsigned char *data, sg_err *e)
{
	const sg_frame_hdr *h = &f->h;
	int known = strcmp(sg_frame_type_name(h->type), "unknown") != 0;
	/* With the payload in the line, a DATA frame is shown as it decodes. */
	int decoded = data != NULL && h->type == SG_TYPE_DATA;
	sg_err scratch;

	/* Appends can fail only for memory; remember the first failure. */
	sg_err_clear(&scratch);
	if (e == NULL)
		e = &scratch;
	sg_err_clear(e);
	sg_buf_printf(out, e, "{\"frame\":%" PRIu64 ",\"at\":%" PRIu64 ",\"type\":\"%s\"",
	    f->index, f->at, sg_frame_type_name(h->type));
	if (!known)
		sg_buf_printf(out, e, ",\"type_id\":%u", h->type);
	sg_buf_printf(out, e, ",\"source\":%" PRIu32 ",\"seq\":%" PRIu64 ",\"offset\":%" PRIu64
	    ",\"size\":%" PRIu32 ",\"stored\":%" PRIu32 ",\"context\":%" PRIu32
	    ",\"codec\":\"%s\"", h->source, h->seq, h->offset, h->size,
	    decoded ? h->size : h->stored, h->context,
	    sg_frame_codec_name(decoded ? SG_CODEC_NONE : h->codec));
	list_flags(out, decoded ? h->flags & ~SG_FLAG_STORED : h->flags, e);
	sg_buf_printf(out, e, ",\"checksum\":\"%016" PRIx64 "\"", h->payload_sum);
	if (h->type == SG_TYPE_BEGIN)
		list_begin(out, m, e);
	else if (h->type == SG_TYPE_END)
		sg_buf_printf(out, e, ",\"total\":%" PRIu64 ",\"frames\":%" PRIu64
		    ",\"source_checksum\":\"%016" PRIx64 "\"", m->total, m->frames,
		    m->source_sum);
	else if (h->type == SG_TYPE_PROGRESS) {
		sg_buf_printf(out, e, ",\"consumed\":%" PRIu64, m->consumed);
		if (m->have & SG_META_HAS(SG_META_INPUT_TOTAL))
			sg_buf_printf(out, e, ",\"input_total\":%" PRIu64, m->input_total);
		else
			sg_buf_printf(out, e, ",\"input_total\":null");
	}
	if (data != NULL && (decoded || !known))
		list_payload(out, data, h->size, e);
	sg_buf_append(out, "}\n", 2, e);
	return e->code;
}
