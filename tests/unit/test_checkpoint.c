/* test_checkpoint.c: the resume checkpoint (checkpoint.h). Its text is
 * pinned by golden files written out here from the layout in the header;
 * every way a file can be wrong is refused with the line it is on (each
 * edited file resealed with a sum computed here, so that the check under
 * test, not the sum, is what refuses it); any one flipped bit is refused;
 * random checkpoints round trip; save replaces the file atomically and a
 * failed save leaves the old one and no temporary file; the chain and
 * digest fold in exactly the fields they document. Files go under a
 * mkdtemp directory. */
#include "sgtest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "checkpoint.h"

/* --- checkpoints and their text ----------------------------------------- */

/* The checkpoint of the golden text: every field set. */
static void
full_ckpt(sg_ckpt *c)
{
	sg_ckpt_init(c);
	strcpy(c->output, "/data/out.sg");
	c->state = SG_CKPT_PARTIAL;
	c->length = 4194560;
	c->tail_len = 1048640;
	c->tail_sum = 0x9f3c0a1e5b7d2c44u;
	strcpy(c->options, "strategy=json size=1M");
	c->options_len = strlen(c->options);
	c->sources_done = 2;
	c->sources_digest = 0x5d0e1f2a3b4c5d6eu;
	c->source = 2;
	c->begun = 1;
	c->begin_sum = 0x77aa0000bbcc1122u;
	memcpy(c->name, "big\tfile \\ \xc3\xa9.ndjson", 20);
	c->name_len = 20;
	c->size = 536870912;
	c->has_mtime = 1;
	c->mtime_ns = INT64_C(1763744400000000000);
	c->seq = 5;
	c->offset = 4194304;
	c->chain = 0x0c1d2e3f40516273u;
	c->consumed = 1048576;
	c->total = 9437184;
	c->updated_ns = INT64_C(1763744400123456789);
}

/* full_ckpt() as checkpoint.h lays it out. */
static const char golden_full[] =
	"sg-checkpoint 1\n"
	"output /data/out.sg\n"
	"mode frames\n"
	"state partial\n"
	"length 4194560\n"
	"tail 1048640 9f3c0a1e5b7d2c44\n"
	"options strategy=json size=1M\n"
	"sources 2 5d0e1f2a3b4c5d6e\n"
	"source 2\n"
	"begun 1\n"
	"begin 77aa0000bbcc1122\n"
	"name big\\x09file \\\\ \xc3\xa9.ndjson\n"
	"size 536870912\n"
	"mtime 1763744400000000000\n"
	"seq 5\n"
	"offset 4194304\n"
	"chain 0c1d2e3f40516273\n"
	"consumed 1048576\n"
	"total 9437184\n"
	"updated 1763744400123456789\n"
	"sum 410903e0b2a455a7\n";

/* sg_ckpt_init() with OUTPUT "/o", raw. */
static const char golden_fresh[] =
	"sg-checkpoint 1\n"
	"output /o\n"
	"mode raw\n"
	"state fresh\n"
	"length 0\n"
	"tail 0 0\n"
	"options -\n"
	"sources 0 0000000000000000\n"
	"source 0\n"
	"begun 0\n"
	"begin 0\n"
	"name -\n"
	"size -\n"
	"mtime -\n"
	"seq 0\n"
	"offset 0\n"
	"chain 0000000000000000\n"
	"consumed -\n"
	"total -\n"
	"updated 0\n"
	"sum 062882fd71d55d98\n";

/* Every field of a and b that the text carries. */
static void
assert_same(const sg_ckpt *a, const sg_ckpt *b)
{
	assert_string_equal(a->output, b->output);
	assert_int_equal(!!a->raw, !!b->raw);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->length, b->length);
	assert_int_equal(a->tail_len, b->tail_len);
	assert_int_equal(a->tail_sum, b->tail_sum);
	assert_int_equal(a->options_len, b->options_len);
	assert_memory_equal(a->options, b->options, a->options_len);
	assert_int_equal(a->sources_done, b->sources_done);
	assert_int_equal(a->sources_digest, b->sources_digest);
	assert_int_equal(a->source, b->source);
	assert_int_equal(!!a->begun, !!b->begun);
	assert_int_equal(a->begin_sum, b->begin_sum);
	if (a->begun) {
		assert_int_equal(a->name_len, b->name_len);
		assert_memory_equal(a->name, b->name, a->name_len);
	}
	assert_int_equal(a->size, b->size);
	assert_int_equal(!!a->has_mtime, !!b->has_mtime);
	if (a->has_mtime)
		assert_true(a->mtime_ns == b->mtime_ns);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->offset, b->offset);
	assert_int_equal(a->chain, b->chain);
	assert_int_equal(a->consumed, b->consumed);
	assert_int_equal(a->total, b->total);
	assert_true(a->updated_ns == b->updated_ns);
}

/* A text being edited, with room for any checkpoint and more. */
typedef struct text {
	char p[SG_CKPT_MAX + 64];
	size_t len;
} text;

static void
text_set(text *t, const char *s, size_t n)
{
	assert_true(n <= sizeof t->p);
	memcpy(t->p, s, n);
	t->len = n;
}

/* The text of c, which must format. */
static void
text_of(text *t, const sg_ckpt *c)
{
	sg_err e;
	int n;

	sg_err_clear(&e);
	n = sg_ckpt_format(c, t->p, sizeof t->p, &e);
	if (n < 0)
		fail_msg("format: %s", e.msg);
	t->len = (size_t)n;
}

/* Replace the first from[0..fn) with to[0..tn); it must be there. */
static void
subst_n(text *t, const char *from, size_t fn, const char *to, size_t tn)
{
	char *at = memmem(t->p, t->len, from, fn);
	size_t off;

	if (at == NULL)
		fail_msg("'%s' is not in the text", from);
	off = (size_t)(at - t->p);
	assert_true(t->len - fn + tn <= sizeof t->p);
	memmove(at + tn, at + fn, t->len - off - fn);
	memcpy(at, to, tn);
	t->len = t->len - fn + tn;
}

static void
subst(text *t, const char *from, const char *to)
{
	subst_n(t, from, strlen(from), to, strlen(to));
}

/* Write the sum line's value again, computed here (sgt_xxh3) over every
 * byte before that line. */
static void
reseal(text *t)
{
	size_t i;
	char hex[17];

	for (i = t->len; i-- > 0;)
		if (t->p[i] == '\n' && t->len - i > 21 && memcmp(t->p + i + 1, "sum ", 4) == 0)
			break;
	if (i == (size_t)-1)
		fail_msg("no sum line to reseal");
	snprintf(hex, sizeof hex, "%016llx", (unsigned long long)sgt_xxh3(t->p, i + 1));
	memcpy(t->p + i + 5, hex, 16);
}

/* A golden text, whose pinned sum must be XXH3-64 (computed here) of the
 * bytes before its line. */
static void
golden(text *t, const char *s)
{
	text *again = malloc(sizeof *again);

	text_set(t, s, strlen(s));
	*again = *t;
	reseal(again);
	assert_int_equal(again->len, t->len);
	assert_memory_equal(again->p, t->p, t->len);
	free(again);
}

/* Whether t holds s. */
static int
has(const text *t, const char *s)
{
	return memmem(t->p, t->len, s, strlen(s)) != NULL;
}

static int
parse(const text *t, sg_ckpt *c, sg_err *e)
{
	sg_err_clear(e);
	return sg_ckpt_parse(t->p, t->len, c, e);
}

/* t must be refused as bad data, on `line` (0: no line named), with a
 * message containing `what`. */
static void
refused(const text *t, unsigned line, const char *what)
{
	sg_ckpt *c = malloc(sizeof *c);
	char want[32];
	sg_err e;
	int rc;

	assert_non_null(c);
	rc = parse(t, c, &e);
	if (rc != SG_EDATA)
		fail_msg("want SG_EDATA for %s, got %d (%s)", what, rc, e.msg);
	if (line != 0) {
		snprintf(want, sizeof want, "line %u: ", line);
		if (strncmp(e.msg, want, strlen(want)) != 0)
			fail_msg("want '%s...', got '%s'", want, e.msg);
	}
	if (strstr(e.msg, what) == NULL)
		fail_msg("want '%s' in '%s'", what, e.msg);
	free(c);
}

/* --- the text ------------------------------------------------------------ */

/* The format is pinned: these exact bytes, and this exact sum. */
static void
test_golden(void **state)
{
	sg_ckpt *c = malloc(sizeof *c), *back = malloc(sizeof *back);
	text *want = malloc(sizeof *want), *got = malloc(sizeof *got);
	sg_err e;

	(void)state;
	full_ckpt(c);
	golden(want, golden_full);
	text_of(got, c);
	assert_int_equal(got->len, want->len);
	assert_memory_equal(got->p, want->p, want->len);
	assert_int_equal(parse(want, back, &e), 0);
	assert_same(c, back);

	sg_ckpt_init(c);
	strcpy(c->output, "/o");
	c->raw = 1;
	golden(want, golden_fresh);
	text_of(got, c);
	assert_int_equal(got->len, want->len);
	assert_memory_equal(got->p, want->p, want->len);
	assert_int_equal(parse(want, back, &e), 0);
	assert_same(c, back);
	free(c);
	free(back);
	free(want);
	free(got);
}

/* An init'ed checkpoint has no OUTPUT and cannot be written until it has. */
static void
test_init(void **state)
{
	sg_ckpt *c = malloc(sizeof *c), *back = malloc(sizeof *back);
	text *t = malloc(sizeof *t);
	sg_err e;

	(void)state;
	memset(c, 0xa5, sizeof *c);
	sg_ckpt_init(c);
	assert_int_equal(c->state, SG_CKPT_FRESH);
	assert_string_equal(c->output, "");
	assert_int_equal(c->length, 0);
	assert_int_equal(c->tail_len, 0);
	assert_int_equal(c->options_len, 0);
	assert_int_equal(c->source, 0);
	assert_int_equal(c->begun, 0);
	assert_int_equal(c->begin_sum, 0);
	assert_int_equal(c->name_len, 0);
	assert_int_equal(c->has_mtime, 0);
	assert_int_equal(c->seq, 0);
	assert_int_equal(c->offset, 0);
	assert_int_equal(c->chain, 0);
	assert_int_equal(c->size, SG_CKPT_UNKNOWN);
	assert_int_equal(c->consumed, SG_CKPT_UNKNOWN);
	assert_int_equal(c->total, SG_CKPT_UNKNOWN);
	sg_err_clear(&e);
	assert_int_equal(sg_ckpt_format(c, t->p, sizeof t->p, &e), SG_EINTERNAL);
	assert_non_null(strstr(e.msg, "no output path"));

	strcpy(c->output, "/a b/c");
	text_of(t, c);
	assert_int_equal(parse(t, back, &e), 0);
	assert_same(c, back);
	assert_string_equal(back->output, "/a b/c");
	free(c);
	free(back);
	free(t);
}

/* Each name survives, spelled as the header says. */
static void
test_names(void **state)
{
	static const struct {
		const char *name;
		size_t len;
		const char *line;   /* its name line */
	} cases[] = {
		{ "", 0, "\nname \n" },
		{ "-", 1, "\nname -\n" },
		{ "two words ", 10, "\nname two words \n" },
		{ "a\\b\\\\", 5, "\nname a\\\\b\\\\\\\\\n" },
		{ "l1\nl2\r\n", 7, "\nname l1\\x0al2\\x0d\\x0a\n" },
		{ "n\0ul\0", 5, "\nname n\\x00ul\\x00\n" },
		{ "del\x7f\x1f\x20", 6, "\nname del\\x7f\\x1f \n" },
		{ "\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80", 10, "\nname \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80\n" },
		{ "\xff\xfe\x80", 3, "\nname \xff\xfe\x80\n" },
		{ "\\x41", 4, "\nname \\\\x41\n" },
	};
	sg_ckpt *c = malloc(sizeof *c), *back = malloc(sizeof *back);
	text *t = malloc(sizeof *t);
	size_t i;
	sg_err e;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		full_ckpt(c);
		memcpy(c->name, cases[i].name, cases[i].len);
		c->name_len = cases[i].len;
		text_of(t, c);
		if (!has(t, cases[i].line))
			fail_msg("case %zu: no '%s' line", i, cases[i].line);
		assert_int_equal(parse(t, back, &e), 0);
		assert_int_equal(back->name_len, cases[i].len);
		assert_memory_equal(back->name, cases[i].name, cases[i].len);
		assert_int_equal(back->name[back->name_len], '\0');
		assert_same(c, back);
	}

	/* the same escapes in OUTPUT (no NUL there) and in the options */
	full_ckpt(c);
	strcpy(c->output, "/d\\ir/\n\x7f \xc3\xa9");
	memcpy(c->options, "a=\\ b=\n\0", 8);
	c->options_len = 8;
	text_of(t, c);
	assert_true(has(t, "\noutput /d\\\\ir/\\x0a\\x7f \xc3\xa9\n"));
	assert_true(has(t, "\noptions a=\\\\ b=\\x0a\\x00\n"));
	assert_int_equal(parse(t, back, &e), 0);
	assert_same(c, back);

	/* not begun: the name is "-" whatever c holds, and back it is empty */
	c->begun = 0;
	c->begin_sum = 0;
	text_of(t, c);
	assert_true(has(t, "\nbegin 0\nname -\n"));
	assert_int_equal(parse(t, back, &e), 0);
	assert_int_equal(back->begun, 0);
	assert_int_equal(back->name_len, 0);
	free(c);
	free(back);
	free(t);
}

/* The extremes of every number. */
static void
test_numbers(void **state)
{
	sg_ckpt *c = malloc(sizeof *c), *back = malloc(sizeof *back);
	text *t = malloc(sizeof *t);
	sg_err e;

	(void)state;
	full_ckpt(c);
	c->length = UINT64_MAX;
	c->tail_len = UINT64_MAX;
	c->tail_sum = UINT64_MAX;
	c->sources_done = UINT64_MAX;
	c->sources_digest = 0;
	c->source = UINT64_MAX;
	c->begin_sum = 0;
	c->size = UINT64_MAX - 1;
	c->mtime_ns = INT64_MIN;
	c->seq = UINT64_MAX;
	c->offset = UINT64_MAX;
	c->chain = UINT64_MAX;
	c->consumed = 0;
	c->total = UINT64_MAX - 1;
	c->updated_ns = INT64_MAX;
	c->state = SG_CKPT_DONE;
	text_of(t, c);
	assert_true(has(t, "\nlength 18446744073709551615\n"));
	assert_true(has(t, "\nbegin 0000000000000000\n"));
	assert_true(has(t, "\nsize 18446744073709551614\n"));
	assert_true(has(t, "\nmtime -9223372036854775808\n"));
	assert_true(has(t, "\nconsumed 0\n"));
	assert_true(has(t, "\nupdated 9223372036854775807\n"));
	assert_true(has(t, "\nstate done\n"));
	assert_int_equal(parse(t, back, &e), 0);
	assert_same(c, back);

	c->mtime_ns = -1;
	c->updated_ns = INT64_MIN;
	c->length = 7;
	c->tail_len = 0;   /* an empty tail of a non-empty output */
	text_of(t, c);
	assert_true(has(t, "\ntail 0 ffffffffffffffff\n"));
	assert_int_equal(parse(t, back, &e), 0);
	assert_same(c, back);
	assert_true(back->mtime_ns == -1);
	free(c);
	free(back);
	free(t);
}

/* Random checkpoints: parse gives back every field, and formatting it
 * again gives the same bytes. */
static void
test_random_roundtrip(void **state)
{
	sg_ckpt *c = malloc(sizeof *c), *back = malloc(sizeof *back);
	text *t = malloc(sizeof *t), *again = malloc(sizeof *again);
	unsigned i, n = sgt_iters(3000);
	sgt_rng r;
	sg_err e;

	(void)state;
	sgt_rng_init(&r, "checkpoint_random_roundtrip");
	for (i = 0; i < n; i++) {
		size_t k, len;

		sg_ckpt_init(c);
		len = 1 + sgt_below(&r, sgt_chance(&r, 5) ? SG_CKPT_PATH_MAX : 40);
		c->output[0] = '/';
		for (k = 1; k < len; k++)
			c->output[k] = (char)sgt_range(&r, 1, 255);
		c->output[len] = '\0';
		c->raw = sgt_chance(&r, 50);
		c->state = (int)sgt_below(&r, 3);
		c->length = sgt_chance(&r, 20) ? 0 : sgt_next(&r) >> sgt_below(&r, 64);
		if (c->length > 0) {
			c->tail_len = sgt_below(&r, c->length) + (sgt_chance(&r, 10) ? 1 : 0);
			c->tail_sum = sgt_next(&r);
		}
		if (sgt_chance(&r, 80)) {
			c->options_len = 1 + sgt_below(&r, sgt_chance(&r, 5) ? SG_CKPT_OPTIONS_MAX : 60);
			for (k = 0; k < c->options_len; k++)
				c->options[k] = (char)sgt_below(&r, 256);
			if (c->options_len == 1 && c->options[0] == '-')
				c->options[0] = '+';
		}
		c->sources_done = sgt_next(&r) >> sgt_below(&r, 64);
		c->sources_digest = sgt_next(&r);
		c->source = sgt_next(&r) >> sgt_below(&r, 64);
		c->begun = sgt_chance(&r, 70);
		if (c->begun) {
			c->begin_sum = sgt_next(&r);
			c->name_len = sgt_below(&r, sgt_chance(&r, 5) ? SG_META_NAME_MAX + 1 : 50);
			for (k = 0; k < c->name_len; k++)
				c->name[k] = (char)sgt_below(&r, 256);
		}
		c->size = sgt_chance(&r, 30) ? SG_CKPT_UNKNOWN : sgt_next(&r) >> sgt_below(&r, 64);
		if (c->size == SG_CKPT_UNKNOWN && sgt_chance(&r, 50))
			c->size = 0;
		c->has_mtime = sgt_chance(&r, 70);
		if (c->has_mtime)
			c->mtime_ns = (int64_t)sgt_next(&r) >> sgt_below(&r, 64);
		c->seq = sgt_next(&r) >> sgt_below(&r, 64);
		c->offset = sgt_next(&r) >> sgt_below(&r, 64);
		c->chain = sgt_next(&r);
		if (sgt_chance(&r, 60)) {
			c->consumed = sgt_next(&r) >> sgt_below(&r, 64);
			c->total = sgt_next(&r) >> sgt_below(&r, 64);
			if (c->consumed == SG_CKPT_UNKNOWN)
				c->consumed = 1;
		}
		c->updated_ns = (int64_t)sgt_next(&r);

		text_of(t, c);
		assert_true(t->len <= SG_CKPT_MAX);
		if (parse(t, back, &e) != 0)
			fail_msg("iteration %u: %s", i, e.msg);
		assert_same(c, back);
		text_of(again, back);
		assert_int_equal(again->len, t->len);
		assert_memory_equal(again->p, t->p, t->len);
	}
	free(c);
	free(back);
	free(t);
	free(again);
}

/* The largest checkpoint (every string at its longest, every byte
 * escaped) fits in SG_CKPT_MAX; a buffer one byte short is refused. */
static void
test_format_cap(void **state)
{
	sg_ckpt *c = malloc(sizeof *c), *back = malloc(sizeof *back);
	text *t = malloc(sizeof *t);
	size_t cap;
	sg_err e;

	(void)state;
	full_ckpt(c);
	memset(c->output, '\x01', SG_CKPT_PATH_MAX);
	c->output[0] = '/';
	c->output[SG_CKPT_PATH_MAX] = '\0';
	memset(c->options, '\x02', SG_CKPT_OPTIONS_MAX);
	c->options_len = SG_CKPT_OPTIONS_MAX;
	memset(c->name, '\x7f', SG_META_NAME_MAX);
	c->name_len = SG_META_NAME_MAX;
	c->length = c->tail_len = c->seq = c->offset = c->source = UINT64_MAX;
	c->mtime_ns = c->updated_ns = INT64_MIN;
	sg_err_clear(&e);
	assert_true(sg_ckpt_format(c, t->p, SG_CKPT_MAX, &e) > 0);
	text_of(t, c);
	assert_true(t->len <= SG_CKPT_MAX);
	assert_true(t->len > 4 * (SG_CKPT_PATH_MAX + SG_CKPT_OPTIONS_MAX + SG_META_NAME_MAX) - 4);
	assert_int_equal(parse(t, back, &e), 0);
	assert_same(c, back);

	full_ckpt(c);
	text_of(t, c);
	for (cap = 0; cap < t->len; cap++) {
		char *buf = malloc(cap + 1);

		sg_err_clear(&e);
		assert_int_equal(sg_ckpt_format(c, buf, cap, &e), SG_EINTERNAL);
		assert_non_null(strstr(e.msg, "does not fit"));
		free(buf);
	}
	{
		char *buf = malloc(t->len);

		assert_int_equal(sg_ckpt_format(c, buf, t->len, &e), (int)t->len);
		assert_memory_equal(buf, t->p, t->len);
		free(buf);
	}
	free(c);
	free(back);
	free(t);
}

/* A checkpoint that the parser would refuse is not written. */
static void
test_format_refuses(void **state)
{
	static const char *const why[] = {
		"not absolute", "longer than", "state 3", "tail is longer",
		"tail but no length", "options cannot", "options are too long",
		"BEGIN sum but no BEGIN", "name is too long",
	};
	sg_ckpt *c = malloc(sizeof *c);
	char out[512];
	size_t i;
	sg_err e;

	(void)state;
	for (i = 0; i < sizeof why / sizeof why[0]; i++) {
		full_ckpt(c);
		switch (i) {
		case 0: strcpy(c->output, "out.sg"); break;
		case 1: memset(c->output, 'o', sizeof c->output); c->output[0] = '/'; break;
		case 2: c->state = 3; break;
		case 3: c->tail_len = c->length + 1; break;
		case 4: c->length = 0; c->tail_len = 0; break;
		case 5: c->options[0] = '-'; c->options_len = 1; break;
		case 6: c->options_len = SG_CKPT_OPTIONS_MAX + 1; break;
		case 7: c->begun = 0; break;
		case 8: c->name_len = SG_META_NAME_MAX + 1; break;
		}
		sg_err_clear(&e);
		assert_int_equal(sg_ckpt_format(c, out, sizeof out, &e), SG_EINTERNAL);
		if (strstr(e.msg, why[i]) == NULL)
			fail_msg("case %zu: want '%s' in '%s'", i, why[i], e.msg);
	}
	free(c);
}

/* --- what parse refuses --------------------------------------------------- */

/* One edit of the golden text, resealed; refused on line with what. */
typedef struct edit {
	const char *from, *to;
	unsigned line;
	const char *what;
} edit;

static void
test_refused_edits(void **state)
{
	static const edit edits[] = {
		/* the first line */
		{ "sg-checkpoint 1\n", "sg-checkpoint 2\n", 1, "version 2 is not supported" },
		{ "sg-checkpoint 1\n", "sg-checkpoint 10\n", 1, "version 10 is not supported" },
		{ "sg-checkpoint 1\n", "sg-checkpoint 01\n", 1, "bad checkpoint version" },
		{ "sg-checkpoint 1\n", "sg-checkpoint 1 \n", 1, "bad checkpoint version" },
		{ "sg-checkpoint 1\n", "sg-checkpoint 1\r\n", 1, "bad checkpoint version" },
		{ "sg-checkpoint 1\n", "sg-checkpoint\n", 1, "not a checkpoint" },
		{ "sg-checkpoint 1\n", "SG-checkpoint 1\n", 1, "not a checkpoint" },
		{ "sg-checkpoint 1\n", "\nsg-checkpoint 1\n", 1, "not a checkpoint" },
		/* keys */
		{ "\nmode frames\n", "\n", 3, "missing key 'mode'" },
		{ "\nsum ", "\nsum2 ", 21, "unknown key 'sum2'" },
		{ "\nmode frames\n", "\nmode frames\nmode frames\n", 4, "repeated key 'mode'" },
		{ "\nupdated 1763744400123456789\n", "\nupdated 1763744400123456789\nupdated 1\n",
		  21, "repeated key 'updated'" },
		{ "\nmode frames\nstate partial\n", "\nstate partial\nmode frames\n", 3,
		  "key 'state' out of order (expected 'mode')" },
		{ "\nsize 536870912\n", "\n", 13, "missing key 'size'" },
		{ "\nmode frames\n", "\nmode frames\ncolor blue\n", 4, "unknown key 'color'" },
		{ "\nmode frames\n", "\nMode frames\n", 3, "unknown key 'Mode'" },
		{ "\nmode frames\n", "\n mode frames\n", 3, "unknown key ''" },
		{ "\nmode frames\n", "\nmode\n", 3, "key 'mode' has no value" },
		{ "\nmode frames\n", "\nmode\tframes\n", 3, "unknown key 'mode?frames'" },
		{ "\nmode frames\n", "\n\nmode frames\n", 3, "unknown key ''" },
		/* words */
		{ "\nmode frames\n", "\nmode  frames\n", 3, "bad mode" },
		{ "\nmode frames\n", "\nmode fast\n", 3, "bad mode" },
		{ "\nstate partial\n", "\nstate busy\n", 4, "bad state" },
		{ "\nstate partial\n", "\nstate partial \n", 4, "bad state" },
		{ "\nbegun 1\n", "\nbegun 2\n", 10, "bad begun" },
		{ "\nbegun 1\n", "\nbegun 01\n", 10, "bad begun" },
		/* numbers */
		{ "\nseq 5\n", "\nseq 5x\n", 15, "bad seq" },
		{ "\nseq 5\n", "\nseq +5\n", 15, "bad seq" },
		{ "\nseq 5\n", "\nseq -5\n", 15, "bad seq" },
		{ "\nseq 5\n", "\nseq \n", 15, "bad seq" },
		{ "\nseq 5\n", "\nseq 5 \n", 15, "bad seq" },
		{ "\nseq 5\n", "\nseq 05\n", 15, "bad seq" },
		{ "\nseq 5\n", "\nseq 00\n", 15, "bad seq" },
		{ "\nseq 5\n", "\nseq 0x5\n", 15, "bad seq" },
		{ "\noffset 4194304\n", "\noffset 18446744073709551616\n", 16, "bad offset" },
		{ "\noffset 4194304\n", "\noffset 99999999999999999999\n", 16, "bad offset" },
		{ "\noffset 4194304\n", "\noffset 184467440737095516150\n", 16, "bad offset" },
		{ "\nlength 4194560\n", "\nlength 4194560.0\n", 5, "bad length" },
		{ "\nsource 2\n", "\nsource -\n", 9, "bad source" },
		{ "\nsize 536870912\n", "\nsize 18446744073709551615\n", 13, "bad size" },
		{ "\nconsumed 1048576\n", "\nconsumed 18446744073709551615\n", 18, "bad consumed" },
		{ "\ntotal 9437184\n", "\ntotal --\n", 19, "bad total" },
		{ "\nmtime 1763744400000000000\n", "\nmtime -0\n", 14, "bad mtime" },
		{ "\nmtime 1763744400000000000\n", "\nmtime -01\n", 14, "bad mtime" },
		{ "\nmtime 1763744400000000000\n", "\nmtime 9223372036854775808\n", 14, "bad mtime" },
		{ "\nmtime 1763744400000000000\n", "\nmtime -9223372036854775809\n", 14, "bad mtime" },
		{ "\nupdated 1763744400123456789\n", "\nupdated -\n", 20, "bad updated" },
		{ "\nupdated 1763744400123456789\n", "\nupdated --1\n", 20, "bad updated" },
		/* hashes */
		{ "\nchain 0c1d2e3f40516273\n", "\nchain 0C1D2E3F40516273\n", 17, "bad chain" },
		{ "\nchain 0c1d2e3f40516273\n", "\nchain 0c1d2e3f4051627\n", 17, "bad chain" },
		{ "\nchain 0c1d2e3f40516273\n", "\nchain 0c1d2e3f405162730\n", 17, "bad chain" },
		{ "\nchain 0c1d2e3f40516273\n", "\nchain 0c1d2e3f4051627g\n", 17, "bad chain" },
		{ "\nchain 0c1d2e3f40516273\n", "\nchain 0\n", 17, "bad chain" },
		{ "\nbegin 77aa0000bbcc1122\n", "\nbegin 77AA0000BBCC1122\n", 11, "bad begin" },
		{ "\nbegin 77aa0000bbcc1122\n", "\nbegin 0\n", 11, "bad begin" },
		{ "\nsources 2 5d0e1f2a3b4c5d6e\n", "\nsources 2  5d0e1f2a3b4c5d6e\n", 8, "bad sources" },
		{ "\nsources 2 5d0e1f2a3b4c5d6e\n", "\nsources 2\n", 8, "bad sources" },
		{ "\nsources 2 5d0e1f2a3b4c5d6e\n", "\nsources 02 5d0e1f2a3b4c5d6e\n", 8, "bad sources" },
		{ "\nsum ", "\nsum x", 21, "bad sum" },
		/* the tail */
		{ "\ntail 1048640 9f3c0a1e5b7d2c44\n", "\ntail 4194561 9f3c0a1e5b7d2c44\n", 6,
		  "tail is longer than length" },
		{ "\ntail 1048640 9f3c0a1e5b7d2c44\n", "\ntail 1048640 9F3C0A1E5B7D2C44\n", 6, "bad tail" },
		{ "\ntail 1048640 9f3c0a1e5b7d2c44\n", "\ntail 1048640\n", 6, "bad tail" },
		{ "\nlength 4194560\ntail 1048640 9f3c0a1e5b7d2c44\n",
		  "\nlength 0\ntail 0 0000000000000000\n", 6, "bad tail (0 0 when length is 0)" },
		{ "\nlength 4194560\ntail 1048640 9f3c0a1e5b7d2c44\n",
		  "\nlength 0\ntail 1 9f3c0a1e5b7d2c44\n", 6, "bad tail" },
		/* not begun */
		{ "\nbegun 1\nbegin 77aa0000bbcc1122\n", "\nbegun 0\nbegin 77aa0000bbcc1122\n",
		  11, "bad begin (0 when not begun)" },
		{ "\nbegun 1\nbegin 77aa0000bbcc1122\n", "\nbegun 0\nbegin 0000000000000000\n",
		  11, "bad begin (0 when not begun)" },
		{ "\nbegun 1\nbegin 77aa0000bbcc1122\n", "\nbegun 0\nbegin 0\n", 12,
		  "bad name (- when not begun)" },
		/* strings */
		{ "\noutput /data/out.sg\n", "\noutput data/out.sg\n", 2, "not absolute" },
		{ "\noutput /data/out.sg\n", "\noutput \n", 2, "not absolute" },
		{ "\noutput /data/out.sg\n", "\noutput \\x2fdata\n", 2, "bad escape" },
		{ "\noutput /data/out.sg\n", "\noutput /data\\x00/out.sg\n", 2, "NUL byte" },
		{ "\noutput /data/out.sg\n", "\noutput /data/out.sg\r\n", 2, "raw control byte 0x0d" },
		{ "\noptions strategy=json size=1M\n", "\noptions \n", 7, "empty options" },
		{ "\noptions strategy=json size=1M\n", "\noptions \\x2d\n", 7, "bad escape" },
		{ "\noptions strategy=json size=1M\n", "\noptions a\tb\n", 7, "raw control byte 0x09" },
		{ "big\\x09file", "big\\qfile", 12, "bad escape in the name" },
		{ "big\\x09file", "big\\x9file", 12, "bad escape" },
		{ "big\\x09file", "big\\x0Afile", 12, "bad escape" },
		{ "big\\x09file", "big\\X09file", 12, "bad escape" },
		{ "big\\x09file", "big\\x41file", 12, "bad escape" },
		{ "big\\x09file", "big\\x80file", 12, "bad escape" },
		{ "big\\x09file", "big\\file", 12, "bad escape" },
		{ ".ndjson\n", ".ndjson\\\n", 12, "bad escape" },
		{ ".ndjson\n", ".ndjson\\x\n", 12, "bad escape" },
		{ ".ndjson\n", ".ndjson\\x0\n", 12, "bad escape" },
		{ "big\\x09file", "big\tfile", 12, "raw control byte 0x09" },
		{ "big\\x09file", "big\x7f" "file", 12, "raw control byte 0x7f" },
		{ "big\\x09file", "big\x1b" "file", 12, "raw control byte 0x1b" },
		/* after the sum */
		{ "\nsum ", "\nsum  ", 21, "bad sum" },
	};
	text *base = malloc(sizeof *base), *t = malloc(sizeof *t);
	sg_ckpt *c = malloc(sizeof *c);
	size_t i;
	sg_err e;

	(void)state;
	full_ckpt(c);
	text_of(base, c);
	assert_int_equal(parse(base, c, &e), 0);
	for (i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		*t = *base;
		subst(t, edits[i].from, edits[i].to);
		if (strcmp(edits[i].from, "\nsum ") != 0)
			reseal(t);
		refused(t, edits[i].line, edits[i].what);
	}
	free(base);
	free(t);
	free(c);
}

/* What the edits above cannot spell: NULs, sums, the end of the file,
 * lengths. */
static void
test_refused_other(void **state)
{
	text *base = malloc(sizeof *base), *t = malloc(sizeof *t);
	sg_ckpt *c = malloc(sizeof *c);
	char *big;
	size_t n;
	sg_err e;

	(void)state;
	full_ckpt(c);
	text_of(base, c);

	/* NUL bytes, raw, in a value, in a key, in the first line */
	*t = *base;
	subst_n(t, "big\\x09file", 11, "big\0file", 8);
	reseal(t);
	refused(t, 12, "raw control byte 0x00");
	*t = *base;
	subst_n(t, "\nseq 5\n", 7, "\nse\0 5\n", 7);
	reseal(t);
	refused(t, 15, "unknown key 'se?'");
	*t = *base;
	subst_n(t, "sg-checkpoint 1\n", 16, "sg-checkpoint\0 1\n", 17);
	reseal(t);
	refused(t, 1, "not a checkpoint");

	/* a wrong sum: an edit not resealed, or a sum off by one bit */
	*t = *base;
	subst(t, "\nseq 5\n", "\nseq 6\n");
	refused(t, 21, "wrong sum");
	*t = *base;
	t->p[t->len - 2] = t->p[t->len - 2] == '0' ? '1' : '0';
	refused(t, 21, "wrong sum");

	/* the end of the file */
	*t = *base;
	t->len--;
	refused(t, 21, "no newline");
	*t = *base;
	t->p[t->len++] = 'x';
	refused(t, 22, "text after the sum line");
	*t = *base;
	t->p[t->len++] = '\n';
	refused(t, 22, "text after the sum line");
	*t = *base;
	t->p[t->len++] = '\0';
	refused(t, 22, "text after the sum line");
	*t = *base;
	memcpy(t->p + t->len, t->p, t->len);
	t->len *= 2;
	refused(t, 22, "text after the sum line");
	*t = *base;
	t->len = (size_t)((char *)memmem(t->p, t->len, "\nsum ", 5) - t->p) + 1;
	refused(t, 21, "missing key 'sum': the file ends");
	*t = *base;
	t->len = (size_t)((char *)memmem(t->p, t->len, "\nseq ", 5) - t->p) + 1;
	refused(t, 15, "missing key 'seq': the file ends");
	t->len = 0;
	refused(t, 1, "the file is empty");
	text_set(t, "sg-checkpoint 1", 15);
	refused(t, 1, "no newline");

	/* too long: the file, and each string */
	big = malloc(SG_CKPT_MAX + 1);
	memset(big, '\n', SG_CKPT_MAX + 1);
	memcpy(big, base->p, base->len);
	sg_err_clear(&e);
	assert_int_equal(sg_ckpt_parse(big, SG_CKPT_MAX + 1, c, &e), SG_EDATA);
	assert_string_equal(e.msg, "checkpoint is larger than 64 KiB");
	/* exactly SG_CKPT_MAX gets as far as the text after the sum */
	assert_int_equal(sg_ckpt_parse(big, SG_CKPT_MAX, c, &e), SG_EDATA);
	assert_non_null(strstr(e.msg, "line 22: text after the sum line"));
	free(big);

	for (n = SG_META_NAME_MAX; n <= SG_META_NAME_MAX + 1; n++) {
		char *name = malloc(n + 1);

		memset(name, 'n', n);
		name[n] = '\0';
		*t = *base;
		subst(t, "big\\x09file \\\\ \xc3\xa9.ndjson", name);
		reseal(t);
		if (n == SG_META_NAME_MAX) {
			assert_int_equal(parse(t, c, &e), 0);
			assert_int_equal(c->name_len, n);
		} else {
			refused(t, 12, "name too long (more than 4096 bytes)");
		}
		/* an escape counts as its one byte */
		name[n - 1] = '\0';
		*t = *base;
		subst(t, "big\\x09file \\\\ \xc3\xa9.ndjson", name);
		subst(t, "\nsize", "\\x00\nsize");
		reseal(t);
		if (n == SG_META_NAME_MAX) {
			assert_int_equal(parse(t, c, &e), 0);
			assert_int_equal(c->name_len, n);
			assert_int_equal(c->name[n - 1], '\0');
		} else {
			refused(t, 12, "name too long");
		}
		free(name);
	}
	for (n = SG_CKPT_OPTIONS_MAX; n <= SG_CKPT_OPTIONS_MAX + 1; n++) {
		char *o = malloc(n + 1);

		memset(o, 'o', n);
		o[n] = '\0';
		*t = *base;
		subst(t, "strategy=json size=1M", o);
		reseal(t);
		if (n == SG_CKPT_OPTIONS_MAX)
			assert_int_equal(parse(t, c, &e), 0);
		else
			refused(t, 7, "options too long (more than 2048 bytes)");
		free(o);
	}
	for (n = SG_CKPT_PATH_MAX; n <= SG_CKPT_PATH_MAX + 1; n++) {
		char *o = malloc(n + 1);

		memset(o, 'p', n);
		o[0] = '/';
		o[n] = '\0';
		*t = *base;
		subst(t, "/data/out.sg", o);
		reseal(t);
		if (n == SG_CKPT_PATH_MAX)
			assert_int_equal(parse(t, c, &e), 0);
		else
			refused(t, 2, "output path too long (more than 4096 bytes)");
		free(o);
	}
	free(base);
	free(t);
	free(c);
}

/* Any one flipped bit anywhere is refused (the sum sees what the parser
 * lets through), and so is every prefix, each parsed from a buffer of
 * exactly its size so that a read past the end shows under ASan. */
static void
test_flips_and_cuts(void **state)
{
	text *base = malloc(sizeof *base), *t = malloc(sizeof *t);
	sg_ckpt *c = malloc(sizeof *c);
	size_t i, k, bit;
	sg_err e;

	(void)state;
	for (k = 0; k < 2; k++) {
		if (k == 0) {
			full_ckpt(c);
		} else {
			sg_ckpt_init(c);
			strcpy(c->output, "/o");
		}
		text_of(base, c);
		for (i = 0; i < base->len; i++) {
			for (bit = 0; bit < 8; bit++) {
				*t = *base;
				t->p[i] ^= (char)(1u << bit);
				if (parse(t, c, &e) != SG_EDATA)
					fail_msg("byte %zu bit %zu flipped: accepted (%s)", i, bit, e.msg);
			}
		}
		for (i = 0; i < base->len; i++) {
			char *p = malloc(i == 0 ? 1 : i);

			memcpy(p, base->p, i);
			sg_err_clear(&e);
			assert_int_equal(sg_ckpt_parse(p, i, c, &e), SG_EDATA);
			free(p);
		}
	}
	free(base);
	free(t);
	free(c);
}

/* --- files ------------------------------------------------------------------ */

typedef struct fixture {
	char top[1024];   /* the mkdtemp directory */
	char path[1100];  /* top/job.ckpt */
	char tmp[1100];   /* top/job.ckpt.tmp */
} fixture;

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	if (sgt_mkdtemp(f->top, sizeof f->top, "ckpt") < 0)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/job.ckpt", f->top);
	snprintf(f->tmp, sizeof f->tmp, "%s/job.ckpt.tmp", f->top);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;

	sgt_rmtree(f->top);
	free(f);
	return 0;
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* The names in dir, joined by '|' (there are only a few). */
static void
names_in(const char *dir, char *out, size_t cap)
{
	struct dirent **ent;
	int n, i;

	out[0] = '\0';
	n = scandir(dir, &ent, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		if (strcmp(ent[i]->d_name, ".") != 0 && strcmp(ent[i]->d_name, "..") != 0) {
			if (out[0] != '\0')
				strncat(out, "|", cap - strlen(out) - 1);
			strncat(out, ent[i]->d_name, cap - strlen(out) - 1);
		}
		free(ent[i]);
	}
	free(ent);
}

static void
write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
}

/* The file holds exactly the text of c. */
static void
assert_file_is(const char *path, const sg_ckpt *c)
{
	text *want = malloc(sizeof *want);
	size_t len;
	unsigned char *got = sgt_load(path, &len);

	assert_non_null(got);
	text_of(want, c);
	assert_int_equal(len, want->len);
	assert_memory_equal(got, want->p, len);
	free(got);
	free(want);
}

static void
test_save_load(void **state)
{
	fixture *f = *state;
	sg_ckpt *c = malloc(sizeof *c), *back = malloc(sizeof *back);
	char names[256];
	struct stat st;
	sg_err e;

	full_ckpt(c);
	sg_err_clear(&e);
	assert_int_equal(sg_ckpt_save(f->path, c, &e), 0);
	assert_file_is(f->path, c);
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	names_in(f->top, names, sizeof names);
	assert_string_equal(names, "job.ckpt");
	memset(back, 0x5a, sizeof *back);
	assert_int_equal(sg_ckpt_load(f->path, back, &e), 1);
	assert_same(c, back);

	/* replaced, not appended to; no temporary file left */
	sg_ckpt_init(c);
	strcpy(c->output, "/o");
	assert_int_equal(sg_ckpt_save(f->path, c, &e), 0);
	assert_file_is(f->path, c);
	names_in(f->top, names, sizeof names);
	assert_string_equal(names, "job.ckpt");
	assert_int_equal(sg_ckpt_load(f->path, back, &e), 1);
	assert_same(c, back);

	/* a stale temporary file from a crash is overwritten and gone */
	write_file(f->tmp, "stale stale stale stale stale stale stale stale stale", 53);
	full_ckpt(c);
	assert_int_equal(sg_ckpt_save(f->path, c, &e), 0);
	assert_file_is(f->path, c);
	assert_false(exists(f->tmp));
	free(c);
	free(back);
}

/* A path in the working directory: the directory to fsync is ".". */
static void
test_save_relative(void **state)
{
	fixture *f = *state;
	sg_ckpt *c = malloc(sizeof *c), *back = malloc(sizeof *back);
	char home[PATH_MAX], names[256];
	sg_err e;
	int rc, lrc;

	full_ckpt(c);
	assert_non_null(getcwd(home, sizeof home));
	assert_int_equal(chdir(f->top), 0);
	sg_err_clear(&e);
	rc = sg_ckpt_save("rel.ckpt", c, &e);
	lrc = sg_ckpt_load("rel.ckpt", back, &e);
	assert_int_equal(chdir(home), 0);
	assert_int_equal(rc, 0);
	assert_int_equal(lrc, 1);
	assert_same(c, back);
	names_in(f->top, names, sizeof names);
	assert_string_equal(names, "rel.ckpt");
	free(c);
	free(back);
}

static void
test_load_missing(void **state)
{
	fixture *f = *state;
	sg_ckpt *c = malloc(sizeof *c);
	sg_err e;

	memset(c, 0x5a, sizeof *c);
	sg_err_clear(&e);
	assert_int_equal(sg_ckpt_load(f->path, c, &e), 0);
	assert_int_equal(e.code, SG_OK);
	assert_int_equal(c->state, SG_CKPT_FRESH);
	assert_string_equal(c->output, "");
	assert_int_equal(c->length, 0);
	assert_int_equal(c->size, SG_CKPT_UNKNOWN);
	assert_int_equal(c->begun, 0);
	free(c);
}

static void
test_load_bad(void **state)
{
	fixture *f = *state;
	sg_ckpt *c = malloc(sizeof *c);
	text *t = malloc(sizeof *t);
	char *big, path[PATH_MAX];
	sg_err e;

	/* a directory */
	sg_err_clear(&e);
	assert_int_equal(sg_ckpt_load(f->top, c, &e), SG_EIO);
	assert_non_null(strstr(e.msg, "cannot read checkpoint"));
	assert_non_null(strstr(e.msg, strerror(EISDIR)));

	/* a path through a regular file: not "does not exist" */
	write_file(f->path, "x", 1);
	snprintf(path, sizeof path, "%s/sub", f->path);
	assert_int_equal(sg_ckpt_load(path, c, &e), SG_EOPEN);
	assert_non_null(strstr(e.msg, "cannot open checkpoint"));
	assert_non_null(strstr(e.msg, strerror(ENOTDIR)));

	/* larger than 64 KiB, though it begins well */
	full_ckpt(c);
	text_of(t, c);
	big = malloc(SG_CKPT_MAX + 1);
	memset(big, '\n', SG_CKPT_MAX + 1);
	memcpy(big, t->p, t->len);
	write_file(f->path, big, SG_CKPT_MAX + 1);
	assert_int_equal(sg_ckpt_load(f->path, c, &e), SG_EDATA);
	assert_non_null(strstr(e.msg, "is larger than 64 KiB"));
	free(big);

	/* bad data names the file and the line */
	subst(t, "\nseq 5\n", "\nseq 05\n");
	reseal(t);
	write_file(f->path, t->p, t->len);
	assert_int_equal(sg_ckpt_load(f->path, c, &e), SG_EDATA);
	snprintf(path, sizeof path, "checkpoint %s: line 15: bad seq", f->path);
	assert_string_equal(e.msg, path);
	write_file(f->path, "", 0);
	assert_int_equal(sg_ckpt_load(f->path, c, &e), SG_EDATA);
	assert_non_null(strstr(e.msg, "line 1: not a checkpoint"));
	free(c);
	free(t);
}

/* A failed save: SG_EIO naming the step, the old checkpoint as it was
 * (old: NULL when there was none), no temporary file (unless the test
 * put something there itself), and names the files in the directory. */
static void
failed_save(const char *path, const sg_ckpt *c, const sg_ckpt *old, const char *what)
{
	sg_ckpt *back = malloc(sizeof *back);
	sg_err e;

	sg_err_clear(&e);
	assert_int_equal(sg_ckpt_save(path, c, &e), SG_EIO);
	if (strstr(e.msg, what) == NULL)
		fail_msg("want '%s' in '%s'", what, e.msg);
	if (old != NULL) {
		assert_int_equal(sg_ckpt_load(path, back, &e), 1);
		assert_same(old, back);
		assert_file_is(path, old);
	}
	free(back);
}

static void
test_save_fails(void **state)
{
	fixture *f = *state;
	sg_ckpt *c = malloc(sizeof *c), *old = malloc(sizeof *old);
	char path[PATH_MAX], msg[PATH_MAX + 100], names[256];
	struct rlimit lim, small;
	int rc;
	sg_err e;

	full_ckpt(c);
	c->seq = 6;
	full_ckpt(old);

	/* no such directory: nothing is made */
	snprintf(path, sizeof path, "%s/nodir/job.ckpt", f->top);
	snprintf(msg, sizeof msg, "cannot create checkpoint %s.tmp: %s", path, strerror(ENOENT));
	failed_save(path, c, NULL, msg);
	names_in(f->top, names, sizeof names);
	assert_string_equal(names, "");

	/* a directory that is a regular file */
	write_file(f->path, "x", 1);
	snprintf(path, sizeof path, "%s/job.ckpt", f->path);
	failed_save(path, c, NULL, strerror(ENOTDIR));
	names_in(f->top, names, sizeof names);
	assert_string_equal(names, "job.ckpt");
	assert_int_equal(unlink(f->path), 0);

	/* the temporary file cannot be made (a directory holds its name,
	 * which no one, root included, can open for writing or unlink) */
	sg_err_clear(&e);
	assert_int_equal(sg_ckpt_save(f->path, old, &e), 0);
	assert_int_equal(mkdir(f->tmp, 0755), 0);
	snprintf(path, sizeof path, "%s/keep", f->tmp);
	write_file(path, "k", 1);
	snprintf(msg, sizeof msg, "cannot create checkpoint %s: %s", f->tmp, strerror(EISDIR));
	failed_save(f->path, c, old, msg);
	assert_true(exists(path));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(f->tmp), 0);

	/* a symbolic link at path.tmp is not followed (and is removed) */
	snprintf(path, sizeof path, "%s/victim", f->top);
	write_file(path, "v", 1);
	assert_int_equal(symlink(path, f->tmp), 0);
	snprintf(msg, sizeof msg, "cannot create checkpoint %s: %s", f->tmp, strerror(ELOOP));
	failed_save(f->path, c, old, msg);
	assert_false(exists(f->tmp));
	{
		size_t vlen;
		unsigned char *v = sgt_load(path, &vlen);

		assert_non_null(v);
		assert_int_equal(vlen, 1);
		assert_int_equal(v[0], 'v');
		free(v);
	}
	assert_int_equal(unlink(path), 0);

	/* the write fails (a file size limit, which binds root too): the
	 * partial temporary file is removed */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &lim), 0);
	small = lim;
	small.rlim_cur = 100;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	sg_err_clear(&e);
	rc = sg_ckpt_save(f->path, c, &e);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(rc, SG_EIO);
	snprintf(msg, sizeof msg, "cannot write checkpoint %s: %s", f->tmp, strerror(EFBIG));
	assert_string_equal(e.msg, msg);
	assert_file_is(f->path, old);
	names_in(f->top, names, sizeof names);
	assert_string_equal(names, "job.ckpt");

	/* the rename fails (a non-empty directory is in the way): the
	 * temporary file is removed, the directory untouched */
	snprintf(path, sizeof path, "%s/dir.ckpt", f->top);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(msg, sizeof msg, "%s/dir.ckpt/keep", f->top);
	write_file(msg, "k", 1);
	failed_save(path, c, NULL, "cannot rename");
	assert_true(exists(msg));
	names_in(f->top, names, sizeof names);
	assert_string_equal(names, "dir.ckpt|job.ckpt");
	assert_file_is(f->path, old);

	/* a checkpoint that cannot be formatted is not saved at all */
	c->output[0] = '\0';
	sg_err_clear(&e);
	assert_int_equal(sg_ckpt_save(f->path, c, &e), SG_EINTERNAL);
	assert_file_is(f->path, old);
	assert_false(exists(f->tmp));

	/* paths too long for path.tmp, and none */
	memset(path, 'a', sizeof path - 1);
	path[0] = '/';
	path[sizeof path - 1] = '\0';
	full_ckpt(c);
	failed_save(path, c, NULL, "too long");
	path[PATH_MAX - 4] = '\0';  /* one byte too many for path.tmp */
	failed_save(path, c, NULL, "the checkpoint path is too long (4092 bytes)");
	failed_save("", c, NULL, "empty");
	names_in(f->top, names, sizeof names);
	assert_string_equal(names, "dir.ckpt|job.ckpt");
	free(c);
	free(old);
}

/* --- the digests ------------------------------------------------------------ */

static void
test_chain(void **state)
{
	sg_frame_hdr a = { 0 }, b;
	uint64_t base, x;
	unsigned char buf[24];

	(void)state;
	a.type = SG_TYPE_DATA;
	a.offset = 4096;
	a.size = 1000;
	a.context = 10;
	a.payload_sum = 0x1122334455667788u;
	base = sg_ckpt_chain(0, &a);

	/* the documented fold, spelled out here */
	sgt_set(buf, 8, a.offset);
	sgt_set(buf + 8, 4, a.size);
	sgt_set(buf + 12, 4, a.context);
	sgt_set(buf + 16, 8, a.payload_sum);
	assert_int_equal(base, XXH3_64bits_withSeed(buf, 24, 0));
	assert_int_equal(sg_ckpt_chain(77, &a), XXH3_64bits_withSeed(buf, 24, 77));

	/* each folded field counts */
	b = a; b.offset++;
	assert_int_not_equal(sg_ckpt_chain(0, &b), base);
	b = a; b.offset ^= UINT64_C(1) << 63;
	assert_int_not_equal(sg_ckpt_chain(0, &b), base);
	b = a; b.size++;
	assert_int_not_equal(sg_ckpt_chain(0, &b), base);
	b = a; b.context++;
	assert_int_not_equal(sg_ckpt_chain(0, &b), base);
	b = a; b.payload_sum ^= UINT64_C(1) << 40;
	assert_int_not_equal(sg_ckpt_chain(0, &b), base);
	/* size and context are not interchangeable */
	b = a; b.size = a.context; b.context = a.size;
	assert_int_not_equal(sg_ckpt_chain(0, &b), base);
	assert_int_not_equal(sg_ckpt_chain(1, &a), base);

	/* what sg-encode or the stream position change does not */
	b = a;
	b.flags = SG_FLAG_STORED | SG_FLAG_OVERSIZE;
	b.codec = SG_CODEC_ZSTD;
	b.stored = 321;
	b.seq = 99;
	b.source = 3;
	b.hdr_len = 72;
	assert_int_equal(sg_ckpt_chain(0, &b), base);

	/* the order of frames counts */
	b = a;
	b.offset += a.size;
	b.payload_sum = 0x99;
	x = sg_ckpt_chain(sg_ckpt_chain(0, &a), &b);
	assert_int_not_equal(x, sg_ckpt_chain(sg_ckpt_chain(0, &b), &a));
	assert_int_not_equal(x, sg_ckpt_chain(0, &b));
	assert_int_equal(x, sg_ckpt_chain(base, &b));
}

static void
test_digest(void **state)
{
	unsigned char buf[8];
	uint64_t d1, d2;

	(void)state;
	sgt_set(buf, 8, 0xabcdefu);
	assert_int_equal(sg_ckpt_digest(0, 0xabcdefu), XXH3_64bits_withSeed(buf, 8, 0));
	assert_int_equal(sg_ckpt_digest(5, 0xabcdefu), XXH3_64bits_withSeed(buf, 8, 5));
	assert_int_not_equal(sg_ckpt_digest(0, 0xabcdefu), sg_ckpt_digest(0, 0xabcdeeu));
	assert_int_not_equal(sg_ckpt_digest(0, 0), 0);
	d1 = sg_ckpt_digest(sg_ckpt_digest(0, 1), 2);
	d2 = sg_ckpt_digest(sg_ckpt_digest(0, 2), 1);
	assert_int_not_equal(d1, d2);
	assert_int_not_equal(d1, sg_ckpt_digest(0, 2));
}

static void
test_state_name(void **state)
{
	(void)state;
	assert_string_equal(sg_ckpt_state_name(SG_CKPT_FRESH), "fresh");
	assert_string_equal(sg_ckpt_state_name(SG_CKPT_PARTIAL), "partial");
	assert_string_equal(sg_ckpt_state_name(SG_CKPT_DONE), "done");
	assert_string_equal(sg_ckpt_state_name(3), "unknown");
	assert_string_equal(sg_ckpt_state_name(-1), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_random_roundtrip),
		cmocka_unit_test(test_format_cap),
		cmocka_unit_test(test_format_refuses),
		cmocka_unit_test(test_refused_edits),
		cmocka_unit_test(test_refused_other),
		cmocka_unit_test(test_flips_and_cuts),
		cmocka_unit_test_setup_teardown(test_save_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_relative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_fails, setup, teardown),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_state_name),
	};

	return cmocka_run_group_tests_name("checkpoint", tests, NULL, NULL);
}
