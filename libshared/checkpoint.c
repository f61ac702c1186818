/* checkpoint.c: the resume checkpoint (checkpoint.h): its text, parsed
 * strictly, and saved by atomic replacement.
 *
 * The parser takes the keys in their one order, each exactly once, and
 * accepts only the text sg_ckpt_format writes: numbers without sign or
 * leading zeros, hashes of 16 lowercase digits, "\xHH" only for the bytes
 * that must be escaped, "-" only where it means "not known", and "0" for
 * the hash of a tail that is empty because length is 0 or of a BEGIN not
 * yet written. So a checkpoint has one spelling: format(parse(t)) == t.
 * A damaged file is refused, never repaired: resuming from a guess could
 * lose or duplicate bytes.
 */
#include "checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sum.h"

#define MAGIC "sg-checkpoint "

/* The keys, in the order of the file: line k + 2 holds key k. */
enum ckpt_key {
	K_OUTPUT, K_MODE, K_STATE, K_LENGTH, K_TAIL, K_OPTIONS, K_SOURCES,
	K_SOURCE, K_BEGUN, K_BEGIN, K_NAME, K_SIZE, K_MTIME, K_SEQ, K_OFFSET,
	K_CHAIN, K_CONSUMED, K_TOTAL, K_UPDATED, K_SUM, K_COUNT
};

static const char *const key_name[K_COUNT] = {
	"output", "mode", "state", "length", "tail", "options", "sources",
	"source", "begun", "begin", "name", "size", "mtime", "seq", "offset",
	"chain", "consumed", "total", "updated", "sum",
};

static const char *const state_name[] = { "fresh", "partial", "done" };
#define N_STATES (sizeof state_name / sizeof state_name[0])

/* A byte written as "\xHH" in a string value. */
static int
must_escape(unsigned char b)
{
	return b < 0x20 || b == 0x7f;
}

void
sg_ckpt_init(sg_ckpt *c)
{
	memset(c, 0, sizeof *c);
	c->state = SG_CKPT_FRESH;
	c->size = SG_CKPT_UNKNOWN;
	c->consumed = SG_CKPT_UNKNOWN;
	c->total = SG_CKPT_UNKNOWN;
}

const char *
sg_ckpt_state_name(int state)
{
	if (state < 0 || (size_t)state >= N_STATES)
		return "unknown";
	return state_name[state];
}

/* --- digests ------------------------------------------------------ */

uint64_t
sg_ckpt_chain(uint64_t chain, const sg_frame_hdr *h)
{
	unsigned char b[24];

	sg_put64(b, h->offset);
	sg_put32(b + 8, h->size);
	sg_put32(b + 12, h->context);
	sg_put64(b + 16, h->payload_sum);
	return sg_sum_seeded(b, sizeof b, chain);
}

uint64_t
sg_ckpt_digest(uint64_t digest, uint64_t begin_sum)
{
	unsigned char b[8];

	sg_put64(b, begin_sum);
	return sg_sum_seeded(b, sizeof b, digest);
}

/* --- format ------------------------------------------------------- */

/* The text being written; full once something did not fit. */
typedef struct wbuf {
	char *p;
	size_t cap, len;
	int full;
} wbuf;

static void
put(wbuf *w, const void *s, size_t n)
{
	if (w->full || w->cap - w->len < n) {
		w->full = 1;
		return;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

static void
put_str(wbuf *w, const char *s)
{
	put(w, s, strlen(s));
}

static void
put_key(wbuf *w, int k)
{
	put_str(w, key_name[k]);
	put(w, " ", 1);
}

/* One line "key value\n", each kind of value. */
static void
kv_str(wbuf *w, int k, const char *v)
{
	put_key(w, k);
	put_str(w, v);
	put(w, "\n", 1);
}

static void
kv_fmt(wbuf *w, int k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
kv_fmt(wbuf *w, int k, const char *fmt, ...)
{
	char v[48];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof v, fmt, ap);
	va_end(ap);
	kv_str(w, k, v);
}

static void
kv_u64(wbuf *w, int k, uint64_t v)
{
	kv_fmt(w, k, "%" PRIu64, v);
}

static void
kv_i64(wbuf *w, int k, int64_t v)
{
	kv_fmt(w, k, "%" PRId64, v);
}

static void
kv_hex(wbuf *w, int k, uint64_t v)
{
	kv_fmt(w, k, "%016" PRIx64, v);
}

/* a count and a hash */
static void
kv_pair(wbuf *w, int k, uint64_t n, uint64_t h)
{
	kv_fmt(w, k, "%" PRIu64 " %016" PRIx64, n, h);
}

/* a number that may be unknown */
static void
kv_opt(wbuf *w, int k, uint64_t v)
{
	if (v == SG_CKPT_UNKNOWN)
		kv_str(w, k, "-");
	else
		kv_u64(w, k, v);
}

/* s[0..n) escaped: runs of plain bytes are copied whole. */
static void
put_esc(wbuf *w, const char *s, size_t n)
{
	size_t i = 0, run;

	while (i < n) {
		unsigned char b;
		char x[8];

		for (run = i; run < n && s[run] != '\\' && !must_escape((unsigned char)s[run]); run++)
			;
		put(w, s + i, run - i);
		if (run == n)
			break;
		b = (unsigned char)s[run];
		if (b == '\\')
			put(w, "\\\\", 2);
		else
			put(w, x, (size_t)snprintf(x, sizeof x, "\\x%02x", b));
		i = run + 1;
	}
}

/* What the parser would refuse, refused before it is written: a bug in
 * the caller, never a checkpoint that cannot be read back. */
static int
check(const sg_ckpt *c, sg_err *e)
{
	size_t n = strnlen(c->output, sizeof c->output);

	if (n == 0)
		return sg_err_set(e, SG_EINTERNAL, "checkpoint has no output path");
	if (n == sizeof c->output)
		return sg_err_set(e, SG_EINTERNAL, "checkpoint output path is longer than %d bytes",
		    SG_CKPT_PATH_MAX);
	if (c->output[0] != '/')
		return sg_err_set(e, SG_EINTERNAL, "checkpoint output path is not absolute");
	if (c->state < 0 || (size_t)c->state >= N_STATES)
		return sg_err_set(e, SG_EINTERNAL, "checkpoint state %d is not known", c->state);
	if (c->tail_len > c->length)
		return sg_err_set(e, SG_EINTERNAL, "checkpoint tail is longer than its length");
	if (c->length == 0 && (c->tail_len != 0 || c->tail_sum != 0))
		return sg_err_set(e, SG_EINTERNAL, "checkpoint has a tail but no length");
	if (c->options_len > SG_CKPT_OPTIONS_MAX)
		return sg_err_set(e, SG_EINTERNAL, "checkpoint options are too long");
	if (c->options_len == 1 && c->options[0] == '-')
		return sg_err_set(e, SG_EINTERNAL, "checkpoint options cannot be \"-\"");
	if (!c->begun && c->begin_sum != 0)
		return sg_err_set(e, SG_EINTERNAL, "checkpoint has a BEGIN sum but no BEGIN");
	if (c->begun && c->name_len > SG_META_NAME_MAX)
		return sg_err_set(e, SG_EINTERNAL, "checkpoint source name is too long");
	return 0;
}

int
sg_ckpt_format(const sg_ckpt *c, char *out, size_t cap, sg_err *e)
{
	wbuf w = { out, cap, 0, 0 };
	char first[32];
	int rc;

	if ((rc = check(c, e)) < 0)
		return rc;
	snprintf(first, sizeof first, "%s%d\n", MAGIC, SG_CKPT_VERSION);
	put_str(&w, first);

	put_key(&w, K_OUTPUT);
	put_esc(&w, c->output, strlen(c->output));
	put_str(&w, "\n");
	kv_str(&w, K_MODE, c->raw ? "raw" : "frames");
	kv_str(&w, K_STATE, state_name[c->state]);
	kv_u64(&w, K_LENGTH, c->length);
	if (c->length == 0)
		kv_str(&w, K_TAIL, "0 0");
	else
		kv_pair(&w, K_TAIL, c->tail_len, c->tail_sum);
	put_key(&w, K_OPTIONS);
	if (c->options_len == 0)
		put_str(&w, "-");
	else
		put_esc(&w, c->options, c->options_len);
	put_str(&w, "\n");
	kv_pair(&w, K_SOURCES, c->sources_done, c->sources_digest);
	kv_u64(&w, K_SOURCE, c->source);
	kv_str(&w, K_BEGUN, c->begun ? "1" : "0");
	if (c->begun) {
		kv_hex(&w, K_BEGIN, c->begin_sum);
		put_key(&w, K_NAME);
		put_esc(&w, c->name, c->name_len);
		put_str(&w, "\n");
	} else {
		kv_str(&w, K_BEGIN, "0");
		kv_str(&w, K_NAME, "-");
	}
	kv_opt(&w, K_SIZE, c->size);
	if (c->has_mtime)
		kv_i64(&w, K_MTIME, c->mtime_ns);
	else
		kv_str(&w, K_MTIME, "-");
	kv_u64(&w, K_SEQ, c->seq);
	kv_u64(&w, K_OFFSET, c->offset);
	kv_hex(&w, K_CHAIN, c->chain);
	kv_opt(&w, K_CONSUMED, c->consumed);
	kv_opt(&w, K_TOTAL, c->total);
	kv_i64(&w, K_UPDATED, c->updated_ns);
	/* the sum covers every byte before its line */
	if (!w.full)
		kv_hex(&w, K_SUM, sg_sum(out, w.len));
	if (w.full)
		return sg_err_set(e, SG_EINTERNAL, "checkpoint does not fit in %zu bytes", cap);
	return (int)w.len;
}

/* --- parse -------------------------------------------------------- */

/* The text being parsed. */
typedef struct rd {
	const char *t;
	size_t len;
	size_t pos;     /* the start of the next line */
	unsigned line;  /* the line last read, from 1 */
	sg_err *e;
} rd;

/* SG_EDATA, "line N: ..." */
static int bad(const rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
bad(const rd *r, const char *fmt, ...)
{
	char m[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	return sg_err_set(r->e, SG_EDATA, "line %u: %s", r->line, m);
}

/* s[0..n) fit for a message: at most 24 bytes, each unprintable one '?'. */
static const char *
shown(const char *s, size_t n, char out[32])
{
	size_t i, k = n > 24 ? 24 : n;

	for (i = 0; i < k; i++) {
		unsigned char b = (unsigned char)s[i];

		out[i] = b > 0x20 && b < 0x7f ? (char)b : '?';
	}
	if (k < n) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
	return out;
}

/* The next line, without its LF, into *s and *n. */
static int
next_line(rd *r, const char **s, size_t *n, int k)
{
	const char *lf;

	r->line++;
	if (r->pos == r->len) {
		if (k < 0)
			return bad(r, "not a checkpoint: the file is empty");
		return bad(r, "missing key '%s': the file ends", key_name[k]);
	}
	lf = memchr(r->t + r->pos, '\n', r->len - r->pos);
	if (lf == NULL)
		return bad(r, "the file ends inside this line, with no newline");
	*s = r->t + r->pos;
	*n = (size_t)(lf - *s);
	r->pos += *n + 1;
	return 0;
}

static int
find_key(const char *s, size_t n)
{
	int k;

	for (k = 0; k < K_COUNT; k++)
		if (strlen(key_name[k]) == n && memcmp(key_name[k], s, n) == 0)
			return k;
	return -1;
}

/* Whether a line after the current one holds key k: tells a key out of
 * order from a missing one. */
static int
comes_later(const rd *r, int k)
{
	size_t n = strlen(key_name[k]), pos = r->pos;

	while (pos < r->len) {
		const char *s = r->t + pos, *lf = memchr(s, '\n', r->len - pos);
		size_t ln = lf != NULL ? (size_t)(lf - s) : r->len - pos;

		if (ln > n && memcmp(s, key_name[k], n) == 0 && s[n] == ' ')
			return 1;
		pos += ln + 1;
	}
	return 0;
}

/* Line k + 2: it must hold key k; its value into *v and *vn. */
static int
key_line(rd *r, int k, const char **v, size_t *vn)
{
	const char *s, *sp;
	size_t n, kn;
	char m[32];
	int got;
	int rc = next_line(r, &s, &n, k);

	if (rc < 0)
		return rc;
	sp = memchr(s, ' ', n);
	kn = sp != NULL ? (size_t)(sp - s) : n;
	got = find_key(s, kn);
	if (got < 0)
		return bad(r, "unknown key '%s' (expected '%s')", shown(s, kn, m), key_name[k]);
	if (got < k)
		return bad(r, "repeated key '%s'", key_name[got]);
	if (got > k) {
		if (comes_later(r, k))
			return bad(r, "key '%s' out of order (expected '%s')", key_name[got],
			    key_name[k]);
		return bad(r, "missing key '%s'", key_name[k]);
	}
	if (sp == NULL)
		return bad(r, "key '%s' has no value", key_name[k]);
	*v = sp + 1;
	*vn = n - kn - 1;
	return 0;
}

/* A decimal number: digits, no sign, no leading zero, no overflow. */
static int
dec_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || (s[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned)((unsigned char)s[i] - '0');

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* The same with an optional '-' (not "-0"). */
static int
dec_i64(const char *s, size_t n, int64_t *out)
{
	uint64_t v;

	if (n > 0 && s[0] == '-') {
		if (dec_u64(s + 1, n - 1, &v) < 0 || v == 0 || v > (uint64_t)INT64_MAX + 1)
			return -1;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
		return 0;
	}
	if (dec_u64(s, n, &v) < 0 || v > (uint64_t)INT64_MAX)
		return -1;
	*out = (int64_t)v;
	return 0;
}

static int
hex_digit(unsigned char b)
{
	if (b >= '0' && b <= '9')
		return b - '0';
	if (b >= 'a' && b <= 'f')
		return b - 'a' + 10;
	return -1;
}

/* Exactly 16 lowercase hex digits. */
static int
hex64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n != 16)
		return -1;
	for (i = 0; i < n; i++) {
		int d = hex_digit((unsigned char)s[i]);

		if (d < 0)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return 0;
}

/* "N HHHHHHHHHHHHHHHH" */
static int
count_hash(const char *s, size_t n, uint64_t *count, uint64_t *hash)
{
	const char *sp = memchr(s, ' ', n);

	if (sp == NULL)
		return -1;
	if (dec_u64(s, (size_t)(sp - s), count) < 0)
		return -1;
	return hex64(sp + 1, n - (size_t)(sp - s) - 1, hash);
}

static int
is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* Decode the escaped string s[0..n) into out (at most max bytes, then a
 * NUL); its length in *len. */
static int
unescape(const rd *r, const char *s, size_t n, char *out, size_t max, size_t *len,
	 const char *what)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned char b = (unsigned char)s[i];

		if (must_escape(b))
			return bad(r, "raw control byte 0x%02x in the %s", b, what);
		if (b == '\\') {
			int hi, lo;

			if (n - i >= 2 && s[i + 1] == '\\') {
				i += 2;
			} else if (n - i >= 4 && s[i + 1] == 'x' &&
			    (hi = hex_digit((unsigned char)s[i + 2])) >= 0 &&
			    (lo = hex_digit((unsigned char)s[i + 3])) >= 0 &&
			    must_escape((unsigned char)(hi << 4 | lo))) {
				b = (unsigned char)(hi << 4 | lo);
				i += 4;
			} else {
				return bad(r, "bad escape in the %s", what);
			}
		} else {
			i++;
		}
		if (o == max)
			return bad(r, "%s too long (more than %zu bytes)", what, max);
		out[o++] = (char)b;
	}
	out[o] = '\0';
	*len = o;
	return 0;
}

/* A number, into *x; "bad KEY" if it is not one. */
static int
num(const rd *r, int k, const char *v, size_t n, uint64_t *x)
{
	return dec_u64(v, n, x) < 0 ? bad(r, "bad %s", key_name[k]) : 0;
}

/* A number or "-" (SG_CKPT_UNKNOWN, which has no other spelling). */
static int
num_opt(const rd *r, int k, const char *v, size_t n, uint64_t *x)
{
	if (is(v, n, "-"))
		return 0;
	if (dec_u64(v, n, x) < 0 || *x == SG_CKPT_UNKNOWN)
		return bad(r, "bad %s", key_name[k]);
	return 0;
}

static int
hash(const rd *r, int k, const char *v, size_t n, uint64_t *x)
{
	return hex64(v, n, x) < 0 ? bad(r, "bad %s", key_name[k]) : 0;
}

/* The value v[0..n) of key k into c. */
static int
value(const rd *r, sg_ckpt *c, int k, const char *v, size_t n)
{
	size_t len;
	int rc;

	switch (k) {
	case K_OUTPUT:
		if ((rc = unescape(r, v, n, c->output, SG_CKPT_PATH_MAX, &len, "output path")) < 0)
			return rc;
		if (len == 0 || c->output[0] != '/')
			return bad(r, "the output path is not absolute");
		if (memchr(c->output, '\0', len) != NULL)
			return bad(r, "the output path holds a NUL byte");
		return 0;
	case K_MODE:
		if (!is(v, n, "frames") && !is(v, n, "raw"))
			return bad(r, "bad mode (frames or raw)");
		c->raw = is(v, n, "raw");
		return 0;
	case K_STATE:
		for (c->state = 0; (size_t)c->state < N_STATES; c->state++)
			if (is(v, n, state_name[c->state]))
				return 0;
		return bad(r, "bad state (fresh, partial or done)");
	case K_LENGTH:
		return num(r, k, v, n, &c->length);
	case K_TAIL:
		if (c->length == 0)
			return is(v, n, "0 0") ? 0 : bad(r, "bad tail (0 0 when length is 0)");
		if (count_hash(v, n, &c->tail_len, &c->tail_sum) < 0)
			return bad(r, "bad tail");
		if (c->tail_len > c->length)
			return bad(r, "the tail is longer than length");
		return 0;
	case K_OPTIONS:
		if (is(v, n, "-"))
			return 0;
		if (n == 0)
			return bad(r, "empty options (- when not known)");
		return unescape(r, v, n, c->options, SG_CKPT_OPTIONS_MAX, &c->options_len,
		    "options");
	case K_SOURCES:
		if (count_hash(v, n, &c->sources_done, &c->sources_digest) < 0)
			return bad(r, "bad sources");
		return 0;
	case K_SOURCE:
		return num(r, k, v, n, &c->source);
	case K_BEGUN:
		if (!is(v, n, "0") && !is(v, n, "1"))
			return bad(r, "bad begun (0 or 1)");
		c->begun = v[0] == '1';
		return 0;
	case K_BEGIN:
		if (!c->begun)
			return is(v, n, "0") ? 0 : bad(r, "bad begin (0 when not begun)");
		return hash(r, k, v, n, &c->begin_sum);
	case K_NAME:
		if (!c->begun)
			return is(v, n, "-") ? 0 : bad(r, "bad name (- when not begun)");
		return unescape(r, v, n, c->name, SG_META_NAME_MAX, &c->name_len, "name");
	case K_SIZE:
		return num_opt(r, k, v, n, &c->size);
	case K_MTIME:
		if (is(v, n, "-"))
			return 0;
		if (dec_i64(v, n, &c->mtime_ns) < 0)
			return bad(r, "bad mtime");
		c->has_mtime = 1;
		return 0;
	case K_SEQ:
		return num(r, k, v, n, &c->seq);
	case K_OFFSET:
		return num(r, k, v, n, &c->offset);
	case K_CHAIN:
		return hash(r, k, v, n, &c->chain);
	case K_CONSUMED:
		return num_opt(r, k, v, n, &c->consumed);
	case K_TOTAL:
		return num_opt(r, k, v, n, &c->total);
	case K_UPDATED:
		if (dec_i64(v, n, &c->updated_ns) < 0)
			return bad(r, "bad updated");
		return 0;
	}
	return sg_err_set(r->e, SG_EINTERNAL, "checkpoint key %d has no parser", k);
}

int
sg_ckpt_parse(const char *text, size_t len, sg_ckpt *c, sg_err *e)
{
	rd r = { text, len, 0, 0, e };
	const char *v;
	size_t n, start;
	uint64_t ver, want, got;
	int k, rc;

	sg_ckpt_init(c);
	if (len > SG_CKPT_MAX)
		return sg_err_set(e, SG_EDATA, "checkpoint is larger than %u KiB", SG_CKPT_MAX >> 10);
	if ((rc = next_line(&r, &v, &n, -1)) < 0)
		return rc;
	if (n < strlen(MAGIC) || memcmp(v, MAGIC, strlen(MAGIC)) != 0)
		return bad(&r, "not a checkpoint (no \"%s%d\" line)", MAGIC, SG_CKPT_VERSION);
	if (dec_u64(v + strlen(MAGIC), n - strlen(MAGIC), &ver) < 0)
		return bad(&r, "bad checkpoint version");
	if (ver != SG_CKPT_VERSION)
		return bad(&r, "checkpoint version %" PRIu64 " is not supported", ver);

	for (k = 0; k < K_SUM; k++) {
		if ((rc = key_line(&r, k, &v, &n)) < 0)
			return rc;
		if ((rc = value(&r, c, k, v, n)) < 0)
			return rc;
	}
	start = r.pos;
	if ((rc = key_line(&r, K_SUM, &v, &n)) < 0)
		return rc;
	if (hex64(v, n, &got) < 0)
		return bad(&r, "bad sum");
	want = sg_sum(text, start);
	if (got != want)
		return bad(&r, "wrong sum %016" PRIx64 ": the lines before it sum to %016" PRIx64,
		    got, want);
	if (r.pos != len) {
		r.line++;
		return bad(&r, "text after the sum line");
	}
	return 0;
}

/* --- files -------------------------------------------------------- */

/* Up to cap bytes of fd into buf; the count in *len. */
static int
read_all(int fd, char *buf, size_t cap, size_t *len, const char *path, sg_err *e)
{
	*len = 0;
	while (*len < cap) {
		ssize_t n = read(fd, buf + *len, cap - *len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sg_err_set(e, SG_EIO, "cannot read checkpoint %s: %s", path,
			    strerror(errno));
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	return 0;
}

int
sg_ckpt_load(const char *path, sg_ckpt *c, sg_err *e)
{
	char *buf;
	size_t len;
	int fd, rc;

	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0 && errno == ENOENT) {
		sg_ckpt_init(c);
		return 0;
	}
	if (fd < 0)
		return sg_err_set(e, SG_EOPEN, "cannot open checkpoint %s: %s", path,
		    strerror(errno));
	/* one byte more than the largest checkpoint, to see a larger one */
	if ((buf = malloc(SG_CKPT_MAX + 1)) == NULL) {
		close(fd);
		return sg_err_set(e, SG_ENOMEM, "out of memory");
	}
	rc = read_all(fd, buf, SG_CKPT_MAX + 1, &len, path, e);
	close(fd);
	if (rc == 0 && len > SG_CKPT_MAX)
		rc = sg_err_set(e, SG_EDATA, "checkpoint %s is larger than %u KiB", path,
		    SG_CKPT_MAX >> 10);
	if (rc == 0 && (rc = sg_ckpt_parse(buf, len, c, e)) < 0) {
		char m[sizeof e->msg];

		memcpy(m, e->msg, sizeof m);
		sg_err_set(e, rc, "checkpoint %s: %s", path, m);
	}
	free(buf);
	return rc < 0 ? rc : 1;
}

/* SG_EIO for step `what` on the temporary file, from errno; the file is
 * removed. */
static int
save_error(sg_err *e, const char *tmp, const char *what)
{
	int err = errno;

	unlink(tmp);
	return sg_err_set(e, SG_EIO, "cannot %s checkpoint %s: %s", what, tmp, strerror(err));
}

static int
write_file(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EIO; /* no progress and no reason given */
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
fsync_fd(int fd)
{
	int rc;

	do
		rc = fsync(fd);
	while (rc < 0 && errno == EINTR);
	return rc;
}

/* text[0..n) into a new file at tmp, fsynced and closed; on failure
 * there is no file at tmp. */
static int
write_tmp(const char *tmp, const char *text, size_t n, sg_err *e)
{
	const char *step = NULL;
	int fd;

	/* A symbolic link at path.tmp is refused, not followed: writing
	 * through it would clobber whatever it points to. */
	do
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return save_error(e, tmp, "create");
	if (write_file(fd, text, n) < 0)
		step = "write";
	else if (fsync_fd(fd) < 0)
		step = "fsync";
	if (step != NULL) {
		int err = errno;

		close(fd);
		errno = err;
		return save_error(e, tmp, step);
	}
	/* Linux releases fd even when close says EINTR, and the data is
	 * already fsynced: only a real error counts. */
	if (close(fd) < 0 && errno != EINTR)
		return save_error(e, tmp, "close");
	return 0;
}

/* The rename is durable only once the directory entry is: fsync the
 * directory. A file system that cannot fsync a directory says EINVAL,
 * and there is nothing more to do. */
static int
sync_dir(const char *path, sg_err *e)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, err;

	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	do
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return sg_err_set(e, SG_EIO, "cannot open the directory of checkpoint %s: %s",
		    path, strerror(errno));
	if (fsync_fd(fd) < 0 && errno != EINVAL) {
		err = errno;
		close(fd);
		return sg_err_set(e, SG_EIO, "cannot fsync the directory of checkpoint %s: %s",
		    path, strerror(err));
	}
	close(fd);
	return 0;
}

int
sg_ckpt_save(const char *path, const sg_ckpt *c, sg_err *e)
{
	char tmp[PATH_MAX];
	size_t plen = strlen(path);
	char *text;
	int n, rc;

	if (plen == 0)
		return sg_err_set(e, SG_EIO, "the checkpoint path is empty");
	if (plen + sizeof ".tmp" > sizeof tmp)
		return sg_err_set(e, SG_EIO, "the checkpoint path is too long (%zu bytes)", plen);
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp", sizeof ".tmp");
	if ((text = malloc(SG_CKPT_MAX)) == NULL)
		return sg_err_set(e, SG_ENOMEM, "out of memory");
	if ((n = sg_ckpt_format(c, text, SG_CKPT_MAX, e)) < 0) {
		free(text);
		return n;
	}

	rc = write_tmp(tmp, text, (size_t)n, e);
	free(text);
	if (rc < 0)
		return rc;
	if (rename(tmp, path) < 0) {
		int err = errno;

		unlink(tmp);
		return sg_err_set(e, SG_EIO, "cannot rename %s to checkpoint %s: %s", tmp, path,
		    strerror(err));
	}
	return sync_dir(path, e);
}
