/* ndjson.c: NDJSON frames (list.h's format) back into sg frames.
 *
 * A streaming parser over the reader's buffer: a payload string is decoded
 * straight into the frame being built, so memory is one frame whatever the
 * line length (header room and payload, in one buffer), and no object may
 * exceed OBJECT_MAX bytes of text.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base64.h"
#include "meta.h"
#include "reader_internal.h"
#include "sum.h"

/* The longest object: a 64 MiB payload of control characters, each
 * written as \u00XX, plus room for the other keys. */
#define OBJECT_MAX ((uint64_t)SG_FRAME_PAYLOAD_MAX * 6 + (1u << 20))
#define KEY_MAX 256
#define WORD_MAX 64        /* type, codec, checksum, mtime, mode, ... */
#define SKIP_DEPTH 64      /* nesting allowed in values of unknown keys */
#define END_OF_INPUT 256

enum field {
	F_TYPE, F_TYPE_ID, F_SOURCE, F_SEQ, F_OFFSET, F_SIZE, F_CONTEXT, F_FLAGS,
	F_CHECKSUM, F_NAME, F_NAME_B64, F_SOURCE_SIZE, F_MTIME, F_MODE, F_STRATEGY,
	F_CHUNK_SIZE, F_RECORDS, F_OVERSIZE, F_TOTAL, F_FRAMES, F_SOURCE_SUM,
	F_CONSUMED, F_INPUT_TOTAL, F_TEXT, F_BASE64, F_PART, F_JOB, F_COUNT
};

enum kind { K_UINT, K_WORD, K_NAME, K_FLAGS, K_TEXT, K_BASE64, K_HEX, K_JOB };

static const struct {
	const char *key;
	enum kind kind;
	int nullable;
} fields[F_COUNT] = {
	[F_TYPE] = { "type", K_WORD, 0 },
	[F_TYPE_ID] = { "type_id", K_UINT, 0 },
	[F_SOURCE] = { "source", K_UINT, 0 },
	[F_SEQ] = { "seq", K_UINT, 0 },
	[F_OFFSET] = { "offset", K_UINT, 0 },
	[F_SIZE] = { "size", K_UINT, 0 },
	[F_CONTEXT] = { "context", K_UINT, 0 },
	[F_FLAGS] = { "flags", K_FLAGS, 0 },
	[F_CHECKSUM] = { "checksum", K_HEX, 0 },
	[F_NAME] = { "name", K_NAME, 0 },
	[F_NAME_B64] = { "name_base64", K_NAME, 0 },
	[F_SOURCE_SIZE] = { "source_size", K_UINT, 0 },
	[F_MTIME] = { "mtime", K_WORD, 1 },
	[F_MODE] = { "mode", K_WORD, 0 },
	[F_STRATEGY] = { "strategy", K_WORD, 0 },
	[F_CHUNK_SIZE] = { "chunk_size", K_UINT, 0 },
	[F_RECORDS] = { "records", K_UINT, 0 },
	[F_OVERSIZE] = { "oversize", K_WORD, 0 },
	[F_TOTAL] = { "total", K_UINT, 0 },
	[F_FRAMES] = { "frames", K_UINT, 0 },
	[F_SOURCE_SUM] = { "source_checksum", K_HEX, 0 },
	[F_CONSUMED] = { "consumed", K_UINT, 0 },
	[F_INPUT_TOTAL] = { "input_total", K_UINT, 1 },
	[F_TEXT] = { "text", K_TEXT, 0 },
	[F_BASE64] = { "base64", K_BASE64, 0 },
	[F_PART] = { "part", K_WORD, 0 },
	[F_JOB] = { "job", K_JOB, 0 },
};

struct sg_ndjson {
	uint32_t have;             /* bits of the fields seen */
	uint32_t null;             /* bits of those that were null */
	uint64_t num[F_COUNT];     /* K_UINT and K_HEX values */
	char word[F_COUNT][WORD_MAX + 1];
	uint16_t flags;
	sg_buf name;               /* the decoded name */
	sg_buf job;                /* the decoded job (BEGIN, sg-chunk --resume) */
	sg_buf frame;              /* the frame: room for its header, then the
	                            * payload, decoded straight into place */
	uint64_t start;            /* input offset of the object's '{' */
};

void
sg_ndjson_free(sg_reader *r)
{
	if (r->json == NULL)
		return;
	sg_buf_free(&r->json->name);
	sg_buf_free(&r->json->job);
	sg_buf_free(&r->json->frame);
	free(r->json);
	r->json = NULL;
}

#define BAD(...) sg_reader_fail(r, sg_err_set(e, SG_EDATA, __VA_ARGS__), e)

/* The next byte (0..255), END_OF_INPUT, or a negative error. */
static int
peek(sg_reader *r, sg_err *e)
{
	int rc;

	if (r->pos < r->len)
		return r->buf[r->pos];
	if ((rc = sg_reader_fill(r, 1, e)) < 0)
		return sg_reader_fail(r, rc, e);
	return rc == 0 ? END_OF_INPUT : r->buf[r->pos];
}

static void
skip(sg_reader *r, size_t n)
{
	r->pos += n;
	r->consumed += n;
}

/* Whether the current object has grown past the limit. */
static int
too_long(const sg_reader *r)
{
	return r->json != NULL && r->consumed - r->json->start > OBJECT_MAX;
}

/* Skip blanks, then return the next byte as peek() does. */
static int
peek_token(sg_reader *r, sg_err *e)
{
	int c;

	if (too_long(r))
		return BAD("NDJSON frame longer than %" PRIu64 " bytes", OBJECT_MAX);
	while ((c = peek(r, e)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		skip(r, 1);
	return c;
}

static int
expect(sg_reader *r, int want, const char *what, sg_err *e)
{
	int c = peek_token(r, e);

	if (c < 0)
		return c;
	if (c != want)
		return c == END_OF_INPUT ? BAD("truncated NDJSON frame (input ends before %s)", what)
		    : BAD("malformed NDJSON frame: expected %s", what);
	skip(r, 1);
	return 0;
}

static int
hex4(sg_reader *r, unsigned *v, sg_err *e)
{
	int i, rc;

	if ((rc = sg_reader_fill(r, 4, e)) < 0)
		return sg_reader_fail(r, rc, e);
	if (rc == 0)
		return BAD("truncated \\u escape");
	*v = 0;
	for (i = 0; i < 4; i++) {
		unsigned char c = r->buf[r->pos + (size_t)i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? c - 'a' + 10u
		    : c >= 'A' && c <= 'F' ? c - 'A' + 10u : 16u;

		if (d == 16)
			return BAD("malformed \\u escape");
		*v = *v << 4 | d;
	}
	skip(r, 4);
	return 0;
}

/* Where a string's bytes go: a buffer with a limit, through a base64
 * decoder when b64 is not NULL, or nowhere (out NULL: skipped). */
struct sink {
	sg_buf *out;
	size_t max;
	sg_base64_dec *b64;
};

static int
put(sg_reader *r, struct sink *s, const void *p, size_t n, sg_err *e)
{
	int rc;

	if (s->out == NULL)
		return 0;
	if (s->b64 != NULL) {
		if ((rc = sg_base64_dec_feed(s->b64, s->out, s->max, p, n, e)) < 0)
			return sg_reader_fail(r, rc, e);
		return 0;
	}
	if (s->out->len + n > s->max)
		return BAD("JSON string exceeds its limit of %zu bytes", s->max);
	if ((rc = sg_buf_append(s->out, p, n, e)) < 0)
		return sg_reader_fail(r, rc, e);
	return 0;
}

static int
put_code_point(sg_reader *r, struct sink *s, unsigned cp, sg_err *e)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 63));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 63));
		u[2] = (unsigned char)(0x80 | (cp & 63));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xF0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 63));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 63));
		u[3] = (unsigned char)(0x80 | (cp & 63));
		n = 4;
	}
	return put(r, s, u, n, e);
}

static int
escape(sg_reader *r, struct sink *s, sg_err *e)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	unsigned cp, lo;
	int c, rc;

	if ((c = peek(r, e)) < 0)
		return c;
	if (c == END_OF_INPUT)
		return BAD("truncated JSON string");
	skip(r, 1);
	if (c != 'u') {
		if (c == 0 || (hit = strchr(from, c)) == NULL)
			return BAD("invalid escape \\%c in a JSON string", c);
		return put(r, s, &to[hit - from], 1, e);
	}
	if ((rc = hex4(r, &cp, e)) < 0)
		return rc;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return BAD("lone low surrogate \\u%04x in a JSON string", cp);
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if ((rc = sg_reader_fill(r, 2, e)) < 0)
			return sg_reader_fail(r, rc, e);
		if (rc == 0 || r->buf[r->pos] != '\\' || r->buf[r->pos + 1] != 'u')
			return BAD("lone high surrogate \\u%04x in a JSON string", cp);
		skip(r, 2);
		if ((rc = hex4(r, &lo, e)) < 0)
			return rc;
		if (lo < 0xDC00 || lo > 0xDFFF)
			return BAD("high surrogate \\u%04x without its low half", cp);
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	return put_code_point(r, s, cp, e);
}

/* A JSON string (the opening quote is next) into s. */
static int
string(sg_reader *r, struct sink *s, sg_err *e)
{
	int c, rc;

	if ((rc = expect(r, '"', "a string", e)) < 0)
		return rc;
	for (;;) {
		size_t run = r->pos;

		/* Copy the run of plain bytes in the buffer in one go. */
		while (run < r->len && r->buf[run] != '"' && r->buf[run] != '\\' &&
		    r->buf[run] >= 0x20)
			run++;
		if (run > r->pos) {
			size_t n = run - r->pos;

			if ((rc = put(r, s, r->buf + r->pos, n, e)) < 0)
				return rc;
			skip(r, n);
			if (too_long(r))
				return BAD("NDJSON frame longer than %" PRIu64 " bytes", OBJECT_MAX);
		}
		if ((c = peek(r, e)) < 0)
			return c;
		if (c == END_OF_INPUT)
			return BAD("truncated JSON string");
		if (c != '"' && c != '\\' && c >= 0x20)
			continue; /* more plain bytes, after a refill */
		skip(r, 1);
		if (c == '"')
			return 0;
		if (c == '\\') {
			if ((rc = escape(r, s, e)) < 0)
				return rc;
		} else if (c < 0x20)
			return BAD("control character 0x%02x in a JSON string", c);
	}
}

/* A short string into buf[0..cap], NUL-terminated; longer is an error. */
static int
word(sg_reader *r, char *buf, size_t cap, const char *key, sg_err *e)
{
	sg_buf b = SG_BUF_INIT;
	struct sink s = { &b, cap, NULL };
	int rc = string(r, &s, e);

	if (rc == 0) {
		if (b.len != 0 && memchr(b.p, 0, b.len) != NULL)
			rc = BAD("NUL in the value of \"%s\"", key);
		else {
			if (b.len != 0)
				memcpy(buf, b.p, b.len);
			buf[b.len] = '\0';
		}
	}
	sg_buf_free(&b);
	return rc;
}

/* A literal (true, false, null) or a number: its characters, up to 31. */
static int
scalar(sg_reader *r, char *buf, size_t cap, sg_err *e)
{
	size_t n = 0;
	int c;

	while ((c = peek(r, e)) >= 0 && c != END_OF_INPUT &&
	    (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9') ||
	     (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
		if (n + 1 >= cap)
			return BAD("JSON number or literal too long");
		buf[n++] = (char)c;
		skip(r, 1);
	}
	if (c < 0)
		return c;
	buf[n] = '\0';
	if (n == 0)
		return c == END_OF_INPUT ? BAD("truncated NDJSON frame") : BAD("malformed JSON value");
	return 0;
}

static int
uint_value(sg_reader *r, const char *key, uint64_t *v, int *is_null, sg_err *e)
{
	char buf[32];
	size_t i;
	int rc;

	if ((rc = peek_token(r, e)) < 0)
		return rc;
	if ((rc = scalar(r, buf, sizeof buf, e)) < 0)
		return rc;
	if (is_null != NULL && strcmp(buf, "null") == 0) {
		*is_null = 1;
		return 0;
	}
	if (buf[0] == '\0' || (buf[0] == '0' && buf[1] != '\0'))
		return BAD("\"%s\" is not an unsigned integer", key);
	*v = 0;
	for (i = 0; buf[i] != '\0'; i++) {
		unsigned d = (unsigned)(buf[i] - '0');

		if (d > 9)
			return BAD("\"%s\" is not an unsigned integer", key);
		if (*v > (UINT64_MAX - d) / 10)
			return BAD("\"%s\" is out of range", key);
		*v = *v * 10 + d;
	}
	return 0;
}

/* Skip any JSON value, arrays and objects included, without storing it. */
static int
skip_value(sg_reader *r, sg_err *e)
{
	struct sink none = { NULL, 0, NULL };
	char buf[32];
	int depth = 0, c, rc;

	for (;;) {
		if ((c = peek_token(r, e)) < 0)
			return c;
		if (c == '"') {
			if ((rc = string(r, &none, e)) < 0)
				return rc;
		} else if (c == '[' || c == '{') {
			if (++depth > SKIP_DEPTH)
				return BAD("JSON value nested deeper than %d", SKIP_DEPTH);
			skip(r, 1);
			continue;
		} else if (c == ']' || c == '}') {
			if (depth == 0)
				return BAD("malformed JSON value");
			depth--;
			skip(r, 1);
		} else if ((rc = scalar(r, buf, sizeof buf, e)) < 0)
			return rc;
		if (depth == 0)
			return 0;
		/* Inside a container: a separator, or its end, follows. */
		if ((c = peek_token(r, e)) < 0)
			return c;
		if (c == ',' || c == ':')
			skip(r, 1);
	}
}

static int
flags_value(sg_reader *r, struct sg_ndjson *j, sg_err *e)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "oversize", SG_FLAG_OVERSIZE }, { "overlap", SG_FLAG_OVERLAP },
		{ "header", SG_FLAG_HEADER }, { "last", SG_FLAG_LAST },
		{ "stored", SG_FLAG_STORED }, { "array", SG_FLAG_ARRAY },
		{ "resumed", SG_FLAG_RESUMED },
	};
	char w[WORD_MAX + 1];
	size_t i;
	int c, rc;

	j->flags = 0;
	if ((rc = expect(r, '[', "an array of flags", e)) < 0)
		return rc;
	if ((c = peek_token(r, e)) < 0)
		return c;
	if (c == ']') {
		skip(r, 1);
		return 0;
	}
	for (;;) {
		unsigned long bit = 0;
		char *end;

		if ((rc = word(r, w, WORD_MAX, "flags", e)) < 0)
			return rc;
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strcmp(w, names[i].name) == 0)
				bit = names[i].bit;
		if (bit == 0 && strncmp(w, "0x", 2) == 0) {
			bit = strtoul(w + 2, &end, 16);
			if (*end != '\0' || bit == 0 || bit > 0x8000 || (bit & (bit - 1)))
				bit = 0;
		}
		if (bit == 0)
			return BAD("unknown flag \"%s\"", w);
		j->flags |= (uint16_t)bit;
		if ((c = peek_token(r, e)) < 0)
			return c;
		if (c == END_OF_INPUT)
			return BAD("truncated NDJSON frame (input ends inside the flags)");
		skip(r, 1);
		if (c == ']')
			return 0;
		if (c != ',')
			return BAD("malformed array of flags");
	}
}

static int
has(const struct sg_ndjson *j, int f)
{
	return (j->have & 1u << f) && !(j->null & 1u << f);
}

static int
field_value(sg_reader *r, struct sg_ndjson *j, int f, sg_err *e)
{
	struct sink s = { NULL, 0, NULL };
	sg_base64_dec dec;
	int is_null = 0, rc = 0, c;

	switch (fields[f].kind) {
	case K_UINT:
		rc = uint_value(r, fields[f].key, &j->num[f], fields[f].nullable ? &is_null : NULL, e);
		break;
	case K_FLAGS:
		rc = flags_value(r, j, e);
		break;
	case K_WORD:
	case K_HEX:
		if ((c = peek_token(r, e)) < 0)
			return c;
		if (c == 'n' && fields[f].nullable) {
			char buf[32];

			if ((rc = scalar(r, buf, sizeof buf, e)) < 0)
				return rc;
			if (strcmp(buf, "null") != 0)
				return BAD("malformed value of \"%s\"", fields[f].key);
			is_null = 1;
			break;
		}
		if ((rc = word(r, j->word[f], WORD_MAX, fields[f].key, e)) < 0)
			return rc;
		if (fields[f].kind == K_HEX) {
			char *end;

			if (strlen(j->word[f]) != 16 || strspn(j->word[f], "0123456789abcdefABCDEF") != 16)
				return BAD("\"%s\" is not 16 hex digits", fields[f].key);
			j->num[f] = strtoull(j->word[f], &end, 16);
		}
		break;
	case K_NAME:
		if (f == F_NAME && (j->have & 1u << F_NAME_B64)) {
			/* The exact bytes came first: skip the lossy text. */
			rc = string(r, &s, e);
			break;
		}
		j->name.len = 0;
		s.out = &j->name;
		s.max = SG_META_NAME_MAX;
		if (f == F_NAME_B64) {
			sg_base64_dec_init(&dec);
			s.b64 = &dec;
			s.max = SG_META_NAME_MAX;
		}
		if ((rc = string(r, &s, e)) < 0)
			return rc;
		if (s.b64 != NULL && (rc = sg_base64_dec_finish(&dec, e)) < 0)
			return sg_reader_fail(r, rc, e);
		break;
	case K_JOB:
		j->job.len = 0;
		s.out = &j->job;
		s.max = SG_META_JOB_MAX;
		rc = string(r, &s, e);
		break;
	case K_TEXT:
	case K_BASE64:
		if (j->have & (1u << F_TEXT | 1u << F_BASE64))
			return BAD("both \"text\" and \"base64\", or one twice");
		s.out = &j->frame;
		s.max = SG_FRAME_HDR_LEN + SG_FRAME_PAYLOAD_MAX;
		/* A "size" seen first sizes the buffer exactly. */
		if (has(j, F_SIZE) && j->num[F_SIZE] <= SG_FRAME_PAYLOAD_MAX &&
		    (rc = sg_buf_reserve(&j->frame, SG_FRAME_HDR_LEN + (size_t)j->num[F_SIZE], e)) < 0)
			return sg_reader_fail(r, rc, e);
		if (fields[f].kind == K_BASE64) {
			sg_base64_dec_init(&dec);
			s.b64 = &dec;
		}
		if ((rc = string(r, &s, e)) < 0)
			return rc;
		if (s.b64 != NULL && (rc = sg_base64_dec_finish(&dec, e)) < 0)
			return sg_reader_fail(r, rc, e);
		break;
	}
	if (rc < 0)
		return rc;
	/* A later name_base64 wins over name, whatever the order. */
	if (f == F_NAME && (j->have & 1u << F_NAME_B64))
		return 0;
	if (f == F_NAME_B64)
		j->have &= ~(1u << F_NAME);
	j->have |= 1u << f;
	if (is_null)
		j->null |= 1u << f;
	return 0;
}

/* RFC 3339 as list.c writes it: 2026-11-21T10:00:00.123456789Z. */
static int
parse_mtime(const char *s, int64_t *ns)
{
	struct tm tm;
	const char *p;
	int64_t frac = 0;
	int digits = 0;

	memset(&tm, 0, sizeof tm);
	if ((p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return -1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9' && digits < 9; p++, digits++)
			frac = frac * 10 + (*p - '0');
	if (strcmp(p, "Z") != 0)
		return -1;
	for (; digits < 9; digits++)
		frac *= 10;
	/* Nanoseconds in 64 bits reach from 1677 to 2262. */
	if (__builtin_mul_overflow((int64_t)timegm(&tm), INT64_C(1000000000), ns) ||
	    __builtin_add_overflow(*ns, frac, ns))
		return -1;
	return 0;
}

static int
build_meta(sg_reader *r, struct sg_ndjson *j, unsigned type, sg_meta *m, sg_err *e)
{
	static const struct { unsigned type; int field, tag; } nums[] = {
		{ SG_TYPE_BEGIN, F_SOURCE_SIZE, SG_META_SIZE },
		{ SG_TYPE_BEGIN, F_CHUNK_SIZE, SG_META_CHUNK_SIZE },
		{ SG_TYPE_BEGIN, F_RECORDS, SG_META_RECORDS },
		{ SG_TYPE_END, F_TOTAL, SG_META_TOTAL },
		{ SG_TYPE_END, F_FRAMES, SG_META_FRAMES },
		{ SG_TYPE_END, F_SOURCE_SUM, SG_META_SOURCE_SUM },
		{ SG_TYPE_PROGRESS, F_CONSUMED, SG_META_CONSUMED },
		{ SG_TYPE_PROGRESS, F_INPUT_TOTAL, SG_META_INPUT_TOTAL },
	};
	uint64_t *slot[] = { &m->size, &m->chunk_size, &m->records, &m->total,
	    &m->frames, &m->source_sum, &m->consumed, &m->input_total };
	size_t i;

	sg_meta_clear(m);
	for (i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		/* Only the fields of this frame's type: the others are keys
		 * this type does not have, and are ignored. */
		if (nums[i].type == type && has(j, nums[i].field)) {
			*slot[i] = j->num[nums[i].field];
			m->have |= SG_META_HAS(nums[i].tag);
		}
	}
	if (type != SG_TYPE_BEGIN)
		return 0;
	if (j->have & (1u << F_NAME | 1u << F_NAME_B64))
		sg_meta_set_name(m, (const char *)j->name.p, j->name.len);
	if (has(j, F_JOB))
		sg_meta_set_job(m, (const char *)j->job.p, j->job.len);
	if (has(j, F_MTIME)) {
		if (parse_mtime(j->word[F_MTIME], &m->mtime_ns) < 0)
			return BAD("\"mtime\" is not an RFC 3339 UTC time from 1677 to 2262");
		m->have |= SG_META_HAS(SG_META_MTIME);
	}
	if (has(j, F_MODE)) {
		char *end;
		unsigned long mode = strtoul(j->word[F_MODE], &end, 8);

		if (*end != '\0' || j->word[F_MODE][0] == '\0' || mode > UINT32_MAX)
			return BAD("\"mode\" is not an octal number");
		m->mode = (uint32_t)mode;
		m->have |= SG_META_HAS(SG_META_MODE);
	}
	if (has(j, F_STRATEGY)) {
		if (strlen(j->word[F_STRATEGY]) > SG_META_WORD_MAX)
			return BAD("\"strategy\" is too long");
		sg_meta_set_word(m, SG_META_STRATEGY, j->word[F_STRATEGY]);
	}
	if (has(j, F_OVERSIZE)) {
		if (strlen(j->word[F_OVERSIZE]) > SG_META_WORD_MAX)
			return BAD("\"oversize\" is too long");
		sg_meta_set_word(m, SG_META_OVERSIZE, j->word[F_OVERSIZE]);
	}
	if (has(j, F_PART)) {
		if (strlen(j->word[F_PART]) > SG_META_WORD_MAX)
			return BAD("\"part\" is too long");
		sg_meta_set_word(m, SG_META_PART, j->word[F_PART]);
	}
	return 0;
}

static int
frame_type(sg_reader *r, struct sg_ndjson *j, unsigned *type, sg_err *e)
{
	static const unsigned known[] = { SG_TYPE_BEGIN, SG_TYPE_DATA, SG_TYPE_END,
	    SG_TYPE_PROGRESS };
	size_t i;

	if (!has(j, F_TYPE))
		return BAD("NDJSON frame without \"type\"");
	for (i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (strcmp(j->word[F_TYPE], sg_frame_type_name(known[i])) == 0) {
			*type = known[i];
			return 0;
		}
	}
	if (strcmp(j->word[F_TYPE], "unknown") != 0)
		return BAD("unknown frame type \"%s\"", j->word[F_TYPE]);
	if (!has(j, F_TYPE_ID) || j->num[F_TYPE_ID] > 255)
		return BAD("frame of unknown type without a valid \"type_id\"");
	*type = (unsigned)j->num[F_TYPE_ID];
	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (*type == known[i])
			return BAD("\"type_id\" %u is a known type", *type);
	return 0;
}

/* Turn the parsed fields into a frame in j->frame. */
static int
build(sg_reader *r, struct sg_ndjson *j, sg_frame *f, sg_err *e)
{
	static const int common[] = { F_SOURCE, F_SEQ, F_OFFSET };
	const unsigned char *payload;
	sg_frame_hdr h;
	sg_meta m;
	size_t i, len;
	unsigned type = 0;
	int rc;

	memset(&h, 0, sizeof h);
	if ((rc = frame_type(r, j, &type, e)) < 0)
		return rc;
	h.type = (uint8_t)type;
	for (i = 0; i < sizeof common / sizeof common[0]; i++)
		if (!has(j, common[i]))
			return BAD("NDJSON frame without \"%s\"", fields[common[i]].key);
	if (j->num[F_SOURCE] > UINT32_MAX)
		return BAD("\"source\" is out of range");
	h.source = (uint32_t)j->num[F_SOURCE];
	h.seq = j->num[F_SEQ];
	h.offset = j->num[F_OFFSET];
	h.flags = j->flags;
	if (h.type == SG_TYPE_BEGIN || h.type == SG_TYPE_END || h.type == SG_TYPE_PROGRESS) {
		j->frame.len = SG_FRAME_HDR_LEN;
		if ((rc = sg_buf_reserve(&j->frame, SG_FRAME_HDR_LEN + SG_FRAME_META_MAX, e)) < 0)
			return sg_reader_fail(r, rc, e);
		if ((rc = build_meta(r, j, h.type, &m, e)) < 0)
			return rc;
		if ((rc = sg_meta_encode(&m, j->frame.p + SG_FRAME_HDR_LEN, SG_FRAME_META_MAX, e)) < 0)
			return sg_reader_fail(r, rc, e);
		j->frame.len += (size_t)rc;
	} else {
		if (!(j->have & (1u << F_TEXT | 1u << F_BASE64)))
			return BAD("%s frame without \"text\" or \"base64\"",
			    sg_frame_type_name(h.type));
		if (has(j, F_SIZE) && j->num[F_SIZE] != j->frame.len - SG_FRAME_HDR_LEN)
			return BAD("\"size\" is %" PRIu64 " but the payload holds %zu bytes",
			    j->num[F_SIZE], j->frame.len - SG_FRAME_HDR_LEN);
	}
	payload = j->frame.p + SG_FRAME_HDR_LEN;
	len = j->frame.len - SG_FRAME_HDR_LEN;
	h.size = h.stored = (uint32_t)len;
	h.codec = SG_CODEC_NONE;
	h.context = has(j, F_CONTEXT) ? (uint32_t)(j->num[F_CONTEXT] > UINT32_MAX ?
	    UINT32_MAX : j->num[F_CONTEXT]) : 0;
	h.payload_sum = sg_sum(payload, len);
	if (h.type == SG_TYPE_DATA && has(j, F_CHECKSUM) && j->num[F_CHECKSUM] != h.payload_sum)
		return BAD("payload checksum mismatch (\"checksum\" %016" PRIx64 ", payload %016"
		    PRIx64 ")", j->num[F_CHECKSUM], h.payload_sum);
	h.hdr_len = SG_FRAME_HDR_LEN;
	h.version = SG_FRAME_VERSION;
	sg_frame_encode(&h, j->frame.p);
	/* The same checks as a binary header: limits, context, lengths. */
	if ((rc = sg_frame_decode(j->frame.p, SG_FRAME_HDR_LEN, &f->h, e)) < 0)
		return sg_reader_fail(r, rc, e);
	f->raw = j->frame.p;
	f->payload = j->frame.p + SG_FRAME_HDR_LEN;
	f->index = r->frames++;
	f->at = j->start;
	return 1;
}

static int
lookup(const char *key)
{
	int f;

	for (f = 0; f < F_COUNT; f++)
		if (strcmp(key, fields[f].key) == 0)
			return f;
	return -1;
}

int
sg_ndjson_next(sg_reader *r, sg_frame *f, sg_err *e)
{
	struct sg_ndjson *j = r->json;
	char key[KEY_MAX + 1];
	int c, rc, fld;

	if (j == NULL && (j = r->json = calloc(1, sizeof *j)) == NULL)
		return sg_reader_fail(r, sg_err_set(e, SG_ENOMEM, "out of memory"), e);
	if ((c = peek_token(r, e)) < 0)
		return c;
	if (c == END_OF_INPUT)
		return 0;
	j->start = r->consumed;
	j->have = j->null = 0;
	j->flags = 0;
	j->name.len = 0;
	j->job.len = 0;
	/* The payload goes in after room for the header. */
	j->frame.len = 0;
	if ((rc = sg_buf_reserve(&j->frame, SG_FRAME_HDR_LEN, e)) < 0)
		return sg_reader_fail(r, rc, e);
	j->frame.len = SG_FRAME_HDR_LEN;
	if ((rc = expect(r, '{', "'{' (an NDJSON frame)", e)) < 0)
		return rc;
	if ((c = peek_token(r, e)) < 0)
		return c;
	if (c == '}') {
		skip(r, 1);
		return BAD("empty NDJSON object");
	}
	for (;;) {
		if ((rc = word(r, key, KEY_MAX, "key", e)) < 0)
			return rc;
		if ((rc = expect(r, ':', "':'", e)) < 0)
			return rc;
		fld = lookup(key);
		if (fld >= 0 && (j->have & 1u << fld) && fld != F_TEXT && fld != F_BASE64)
			return BAD("key \"%s\" appears twice", key);
		rc = fld >= 0 ? field_value(r, j, fld, e) : skip_value(r, e);
		if (rc < 0)
			return rc;
		if ((c = peek_token(r, e)) < 0)
			return c;
		if (c == END_OF_INPUT)
			return BAD("truncated NDJSON frame (input ends before '}')");
		skip(r, 1);
		if (c == '}')
			break;
		if (c != ',')
			return BAD("malformed NDJSON frame: expected ',' or '}'");
	}
	return build(r, j, f, e);
}
