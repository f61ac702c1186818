#include "list.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "frame.h"
#include "json.h"

static void
list_flags(FILE *out, unsigned flags)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ SG_FLAG_OVERSIZE, "oversize" },
		{ SG_FLAG_OVERLAP, "overlap" },
		{ SG_FLAG_HEADER, "header" },
		{ SG_FLAG_LAST, "last" },
	};
	const char *sep = "";
	unsigned bit;
	size_t i;

	fputs(",\"flags\":[", out);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (flags & names[i].bit) {
			fprintf(out, "%s\"%s\"", sep, names[i].name);
			sep = ",";
		}
	}
	for (bit = 1; bit <= 0x8000; bit <<= 1) {
		if ((flags & bit) && !(SG_FLAG_KNOWN & bit)) {
			fprintf(out, "%s\"0x%04x\"", sep, bit);
			sep = ",";
		}
	}
	putc(']', out);
}

static void
list_mtime(FILE *out, int64_t ns)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;
	char buf[64];

	if (ns < 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		fprintf(out, ",\"mtime\":null");
		return;
	}
	fprintf(out, ",\"mtime\":\"%s.%09" PRId64 "Z\"", buf, ns % 1000000000);
}

static void
list_begin(FILE *out, const sg_meta *m)
{
	fputs(",\"name\":", out);
	sg_json_string(out, m->name, m->name_len);
	if (m->have & SG_META_HAS(SG_META_SIZE))
		fprintf(out, ",\"source_size\":%" PRIu64, m->size);
	if (m->have & SG_META_HAS(SG_META_MTIME))
		list_mtime(out, m->mtime_ns);
	if (m->have & SG_META_HAS(SG_META_MODE))
		fprintf(out, ",\"mode\":\"%o\"", (unsigned)m->mode);
	if (m->have & SG_META_HAS(SG_META_STRATEGY)) {
		fputs(",\"strategy\":", out);
		sg_json_string(out, m->strategy, strlen(m->strategy));
	}
	if (m->have & SG_META_HAS(SG_META_CHUNK_SIZE))
		fprintf(out, ",\"chunk_size\":%" PRIu64, m->chunk_size);
	if (m->have & SG_META_HAS(SG_META_RECORDS))
		fprintf(out, ",\"records\":%" PRIu64, m->records);
	if (m->have & SG_META_HAS(SG_META_OVERSIZE)) {
		fputs(",\"oversize\":", out);
		sg_json_string(out, m->oversize, strlen(m->oversize));
	}
}

void
sg_list_frame(FILE *out, const sg_frame *f, const sg_meta *m)
{
	const sg_frame_hdr *h = &f->h;

	fprintf(out, "{\"frame\":%" PRIu64 ",\"at\":%" PRIu64 ",\"type\":\"%s\"",
	    f->index, f->at, sg_frame_type_name(h->type));
	if (strcmp(sg_frame_type_name(h->type), "unknown") == 0)
		fprintf(out, ",\"type_id\":%u", h->type);
	fprintf(out, ",\"source\":%" PRIu32 ",\"seq\":%" PRIu64 ",\"offset\":%" PRIu64
	    ",\"size\":%" PRIu32 ",\"stored\":%" PRIu32 ",\"context\":%" PRIu32
	    ",\"codec\":\"%s\"", h->source, h->seq, h->offset, h->size, h->stored,
	    h->context, sg_frame_codec_name(h->codec));
	list_flags(out, h->flags);
	fprintf(out, ",\"checksum\":\"%016" PRIx64 "\"", h->payload_sum);
	if (h->type == SG_TYPE_BEGIN)
		list_begin(out, m);
	else if (h->type == SG_TYPE_END)
		fprintf(out, ",\"total\":%" PRIu64 ",\"frames\":%" PRIu64
		    ",\"source_checksum\":\"%016" PRIx64 "\"", m->total, m->frames,
		    m->source_sum);
	else if (h->type == SG_TYPE_PROGRESS) {
		fprintf(out, ",\"consumed\":%" PRIu64, m->consumed);
		if (m->have & SG_META_HAS(SG_META_INPUT_TOTAL))
			fprintf(out, ",\"input_total\":%" PRIu64, m->input_total);
		else
			fputs(",\"input_total\":null", out);
	}
	fputs("}\n", out);
}
