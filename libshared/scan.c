#include "scan.h"

#include <stdlib.h>
#include <string.h>

#include "sum.h"

/* A header's first bytes: magic, frame_size and hdr_len, enough to check
 * the magic and learn how long the header is before gathering it. */
#define SCAN_PEEK 10u

enum scan_state {
	SCAN_HDR,    /* gathering a header */
	SCAN_META,   /* gathering a metadata payload */
	SCAN_SKIP,   /* passing over a payload */
};

struct sg_scan {
	sg_scan_fn fn;
	void *ctx;
	enum scan_state state;
	uint64_t off;         /* bytes followed */
	uint64_t frames;      /* frames whose header has passed */
	uint64_t at;          /* input offset of the current frame */
	uint64_t skip;        /* SCAN_SKIP: payload bytes still to pass */
	size_t have;          /* bytes gathered into hdr or meta */
	uint16_t hdr_len;     /* the current header's, once SCAN_PEEK bytes are in */
	sg_frame_hdr h;       /* the current frame's header, once decoded */
	int rc;               /* the error that spent the scanner, or 0 */
	sg_err err;           /* its message, repeated to later calls */
	sg_meta m;
	unsigned char hdr[SG_FRAME_HDR_MAX];
	unsigned char meta[SG_FRAME_META_MAX];
};

sg_scan *
sg_scan_new(sg_scan_fn fn, void *ctx)
{
	sg_scan *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->fn = fn;
	s->ctx = ctx;
	s->state = SCAN_HDR;
	sg_err_clear(&s->err);
	return s;
}

void
sg_scan_free(sg_scan *s)
{
	free(s);
}

uint64_t
sg_scan_offset(const sg_scan *s)
{
	return s->off;
}

uint64_t
sg_scan_frames(const sg_scan *s)
{
	return s->frames;
}

int
sg_scan_looks_like_frames(const unsigned char *p, size_t n)
{
	return n >= 4 && sg_le32(p) == SG_FRAME_MAGIC;
}

/* Mark s spent by rc (e already set), so that later calls repeat it. */
static int
spend(sg_scan *s, int rc, sg_err *e)
{
	s->rc = rc;
	s->err = *e;
	return rc;
}

/* A defect of frame number index, which starts at s->at: positioned the
 * way the reader positions it. */
static int
fail(sg_scan *s, int rc, uint64_t index, sg_err *e)
{
	e->frame = index;
	e->offset = s->at;
	return spend(s, rc, e);
}

static void
advance(sg_scan *s, const unsigned char **p, size_t *n, size_t k)
{
	*p += k;
	*n -= k;
	s->off += k;
}

/* The current frame has passed: the next one starts here. */
static void
next_frame(sg_scan *s)
{
	s->state = SCAN_HDR;
	s->have = 0;
	s->at = s->off;
}

static int
peek(sg_scan *s, const unsigned char *p, sg_err *e)
{
	uint32_t frame_size;
	int rc;

	if ((rc = sg_frame_peek(p, &frame_size, e)) < 0 ||
	    (rc = sg_frame_hdr_len(p, &s->hdr_len, e)) < 0)
		return fail(s, rc, s->frames, e);
	return 0;
}

static int
is_meta(unsigned type)
{
	return type == SG_TYPE_BEGIN || type == SG_TYPE_END || type == SG_TYPE_PROGRESS;
}

/* The metadata payload p[0..size) of the current frame has passed: check
 * it as the reader (checksum) and verify (syntax) do, then report it. */
static int
meta_done(sg_scan *s, const unsigned char *p, sg_err *e)
{
	uint64_t index = s->frames - 1;
	int rc;

	if (sg_sum(p, s->h.size) != s->h.payload_sum)
		return fail(s, sg_err_set(e, SG_EDATA, "payload checksum mismatch"), index, e);
	if (sg_meta_decode(p, s->h.size, &s->m, e) < 0) {
		char why[sizeof e->msg];

		memcpy(why, e->msg, sizeof why);
		return fail(s, sg_err_set(e, SG_EDATA, "%s metadata: %s",
		    sg_frame_type_name(s->h.type), why), index, e);
	}
	if ((rc = s->fn(s->ctx, &s->h, &s->m, s->at, e)) < 0)
		return spend(s, rc, e);
	next_frame(s);
	return 0;
}

/* The whole header lies at p: check it, then report a DATA or unknown
 * frame at once, or go on to gather a metadata payload. */
static int
header_done(sg_scan *s, const unsigned char *p, sg_err *e)
{
	int rc;

	if ((rc = sg_frame_decode(p, s->hdr_len, &s->h, e)) < 0)
		return fail(s, rc, s->frames, e);
	s->frames++;
	s->have = 0;
	if (is_meta(s->h.type)) {
		/* sg_frame_decode refuses anything else, but meta[] relies on
		 * it: a change there must not become an overflow here. */
		if (s->h.codec != SG_CODEC_NONE || s->h.size > SG_FRAME_META_MAX ||
		    s->h.stored != s->h.size)
			return fail(s, sg_err_set(e, SG_EINTERNAL,
			    "%s frame with codec %u, %u of %u bytes passed the header check",
			    sg_frame_type_name(s->h.type), s->h.codec, s->h.stored,
			    s->h.size), s->frames - 1, e);
		s->state = SCAN_META;
		return s->h.size == 0 ? meta_done(s, s->meta, e) : 0;
	}
	if ((rc = s->fn(s->ctx, &s->h, NULL, s->at, e)) < 0)
		return spend(s, rc, e);
	if (s->h.stored == 0) {
		next_frame(s);
	} else {
		s->state = SCAN_SKIP;
		s->skip = s->h.stored;
	}
	return 0;
}

static int
header(sg_scan *s, const unsigned char **p, size_t *n, sg_err *e)
{
	int rc;

	if (s->have == 0 && *n >= SCAN_PEEK) {
		/* The usual case: check the header where it lies. */
		if ((rc = peek(s, *p, e)) < 0)
			return rc;
		if (*n >= s->hdr_len) {
			const unsigned char *h = *p;

			advance(s, p, n, s->hdr_len);
			return header_done(s, h, e);
		}
	}
	/* The header straddles blocks: gather its first SCAN_PEEK bytes, then
	 * the rest of hdr_len. */
	while (*n > 0) {
		size_t want = s->have < SCAN_PEEK ? SCAN_PEEK : s->hdr_len;
		size_t k = want - s->have < *n ? want - s->have : *n;

		memcpy(s->hdr + s->have, *p, k);
		s->have += k;
		advance(s, p, n, k);
		if (s->have < want)
			return 0;
		if (want > SCAN_PEEK)
			return header_done(s, s->hdr, e);
		if ((rc = peek(s, s->hdr, e)) < 0)
			return rc;
	}
	return 0;
}

static int
metadata(sg_scan *s, const unsigned char **p, size_t *n, sg_err *e)
{
	size_t want = s->h.size, k;

	if (s->have == 0 && *n >= want) {
		const unsigned char *m = *p;

		advance(s, p, n, want);
		return meta_done(s, m, e);
	}
	k = want - s->have < *n ? want - s->have : *n;
	memcpy(s->meta + s->have, *p, k);
	s->have += k;
	advance(s, p, n, k);
	return s->have < want ? 0 : meta_done(s, s->meta, e);
}

int
sg_scan_feed(sg_scan *s, const unsigned char *p, size_t n, sg_err *e)
{
	int rc = 0;

	if (s->rc < 0) {
		*e = s->err;
		return s->rc;
	}
	while (n > 0 && rc == 0) {
		size_t k;

		switch (s->state) {
		case SCAN_SKIP:
			/* DATA payloads are counted past, never looked at. */
			k = s->skip < n ? (size_t)s->skip : n;
			s->skip -= k;
			advance(s, &p, &n, k);
			if (s->skip == 0)
				next_frame(s);
			break;
		case SCAN_META:
			rc = metadata(s, &p, &n, e);
			break;
		default:
			rc = header(s, &p, &n, e);
			break;
		}
	}
	return rc;
}

int
sg_scan_finish(sg_scan *s, sg_err *e)
{
	int hdr = s->state == SCAN_HDR;

	if (s->rc < 0) {
		*e = s->err;
		return s->rc;
	}
	if (hdr && s->have == 0)
		return 0;
	return fail(s, sg_err_set(e, SG_EDATA,
	    "truncated frame %s (input ends after %llu of its bytes)",
	    hdr ? "header" : "payload", (unsigned long long)(s->off - s->at)),
	    hdr ? s->frames : s->frames - 1, e);
}
