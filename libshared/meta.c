#include "meta.h"

#include <stdio.h>
#include <string.h>

#include "frame.h"

static int
is_int_tag(unsigned tag)
{
	switch (tag) {
	case SG_META_SIZE: case SG_META_MTIME: case SG_META_MODE:
	case SG_META_CHUNK_SIZE: case SG_META_RECORDS: case SG_META_TOTAL:
	case SG_META_FRAMES: case SG_META_SOURCE_SUM: case SG_META_CONSUMED:
	case SG_META_INPUT_TOTAL:
		return 1;
	default:
		return 0;
	}
}

static uint64_t *
int_field(sg_meta *m, unsigned tag)
{
	switch (tag) {
	case SG_META_SIZE: return &m->size;
	case SG_META_MTIME: return (uint64_t *)&m->mtime_ns;
	case SG_META_CHUNK_SIZE: return &m->chunk_size;
	case SG_META_RECORDS: return &m->records;
	case SG_META_TOTAL: return &m->total;
	case SG_META_FRAMES: return &m->frames;
	case SG_META_SOURCE_SUM: return &m->source_sum;
	case SG_META_CONSUMED: return &m->consumed;
	case SG_META_INPUT_TOTAL: return &m->input_total;
	default: return NULL;
	}
}

static char *
word_field(sg_meta *m, unsigned tag)
{
	switch (tag) {
	case SG_META_STRATEGY: return m->strategy;
	case SG_META_OVERSIZE: return m->oversize;
	case SG_META_PART: return m->part;
	default: return NULL;
	}
}

void
sg_meta_clear(sg_meta *m)
{
	memset(m, 0, sizeof *m);
}

void
sg_meta_set_name(sg_meta *m, const char *name, size_t len)
{
	if (len > SG_META_NAME_MAX)
		len = SG_META_NAME_MAX;
	if (len != 0)
		memcpy(m->name, name, len);
	m->name[len] = '\0';
	m->name_len = len;
	m->have |= SG_META_HAS(SG_META_NAME);
}

void
sg_meta_set_job(sg_meta *m, const char *job, size_t len)
{
	if (len > SG_META_JOB_MAX)
		len = SG_META_JOB_MAX;
	if (len != 0)
		memcpy(m->job, job, len);
	m->job[len] = '\0';
	m->job_len = len;
	m->have |= SG_META_HAS(SG_META_JOB);
}

void
sg_meta_set_word(sg_meta *m, int tag, const char *word)
{
	char *dst = word_field(m, (unsigned)tag);

	if (dst == NULL)
		return;
	snprintf(dst, SG_META_WORD_MAX + 1, "%s", word);
	m->have |= SG_META_HAS(tag);
}

static int
put_field(unsigned char *out, size_t cap, size_t *pos, unsigned tag,
	  const void *val, size_t len, sg_err *e)
{
	if (len > 0xFFFF || cap - *pos < 4 + len)
		return sg_err_set(e, SG_EINTERNAL, "metadata does not fit");
	sg_put16(out + *pos, (uint16_t)tag);
	sg_put16(out + *pos + 2, (uint16_t)len);
	memcpy(out + *pos + 4, val, len);
	*pos += 4 + len;
	return 0;
}

int
sg_meta_encode(const sg_meta *m, unsigned char *out, size_t cap, sg_err *e)
{
	size_t pos = 0;
	unsigned tag;
	int rc;

	for (tag = 1; tag < 64; tag++) {
		unsigned char v[8];
		const char *w;

		if (!(m->have & SG_META_HAS(tag)))
			continue;
		if (tag == SG_META_NAME) {
			rc = put_field(out, cap, &pos, tag, m->name, m->name_len, e);
		} else if (tag == SG_META_JOB) {
			rc = put_field(out, cap, &pos, tag, m->job, m->job_len, e);
		} else if (tag == SG_META_MODE) {
			sg_put64(v, m->mode);
			rc = put_field(out, cap, &pos, tag, v, 8, e);
		} else if (is_int_tag(tag)) {
			sg_put64(v, *int_field((sg_meta *)m, tag));
			rc = put_field(out, cap, &pos, tag, v, 8, e);
		} else if ((w = word_field((sg_meta *)m, tag)) != NULL) {
			rc = put_field(out, cap, &pos, tag, w, strlen(w), e);
		} else {
			continue;
		}
		if (rc < 0)
			return rc;
	}
	return (int)pos;
}

int
sg_meta_decode(const unsigned char *p, size_t len, sg_meta *m, sg_err *e)
{
	size_t pos = 0;

	sg_meta_clear(m);
	while (pos < len) {
		unsigned tag, flen;
		const unsigned char *v;
		char *w;

		if (len - pos < 4)
			return sg_err_set(e, SG_EDATA, "metadata field header cut short at byte %zu", pos);
		tag = sg_le16(p + pos);
		flen = sg_le16(p + pos + 2);
		v = p + pos + 4;
		if (len - pos - 4 < flen)
			return sg_err_set(e, SG_EDATA, "metadata field %u runs past the payload", tag);
		pos += 4 + flen;
		if (tag == SG_META_NAME) {
			if (flen > SG_META_NAME_MAX)
				return sg_err_set(e, SG_EDATA, "source name of %u bytes is too long", flen);
			sg_meta_set_name(m, (const char *)v, flen);
		} else if (tag == SG_META_JOB) {
			if (flen > SG_META_JOB_MAX)
				return sg_err_set(e, SG_EDATA, "job field of %u bytes is too long", flen);
			sg_meta_set_job(m, (const char *)v, flen);
		} else if (is_int_tag(tag)) {
			uint64_t x;

			if (flen != 8)
				return sg_err_set(e, SG_EDATA, "metadata field %u has length %u, not 8", tag, flen);
			x = sg_le64(v);
			if (tag == SG_META_MODE)
				m->mode = (uint32_t)x;
			else
				*int_field(m, tag) = x;
			m->have |= SG_META_HAS(tag);
		} else if ((w = word_field(m, tag)) != NULL) {
			if (flen > SG_META_WORD_MAX)
				return sg_err_set(e, SG_EDATA, "metadata field %u of %u bytes is too long", tag, flen);
			memcpy(w, v, flen);
			w[flen] = '\0';
			m->have |= SG_META_HAS(tag);
		}
		/* any other tag: a newer writer's field, skipped */
	}
	return 0;
}
