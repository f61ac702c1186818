/* test_resume.c: sg-resume's durable sink (resume.h).
 *
 * Frames come from a real chunker (codec none) and reach sg_resume_frame
 * as sg_reader gives them: the header as sg_frame_encode writes it, then
 * the payload. In a mkdtemp directory: a fresh job writes every frame but
 * PROGRESS and its state after each frame is the checkpoint folded here
 * from the frames; an interrupted job (a checkpoint older than OUTPUT, a
 * torn frame after it) is cut back and continued, by the frames sg-chunk
 * --resume sends or by the whole stream sent again, into exactly the
 * uninterrupted OUTPUT; OUTPUT and checkpoint that do not go together are
 * refused and left as they were; --raw writes only the new bytes of DATA
 * payloads; a second sink on the same OUTPUT is refused (flock); the
 * checkpoint on disk advances by the every_bytes / every_seconds rules and
 * at every END. An end-to-end test runs a real replay (sg-chunk --resume)
 * from the checkpoint on disk into the sink. */
#include "sgtest.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkpoint.h"
#include "chunker.h"
#include "replay.h"
#include "resume.h"

/* --- streams ------------------------------------------------------------- */

static const char *const lines_text[3] = {
	"alpha\nbeta\ngamma\n",
	"one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n"
	"eleven\ntwelve\nthirteen\n",
	"x\ny\nz\n",
};

static const char *const para_text[2] = {
	"a first paragraph\nof two lines\n\nthen one more\n\nand a third one, "
	"longer\nthan the others\n\nend\n",
	"second source\n\nwith paragraphs\nof its own\n\nthat overlap\n",
};

static const char *const csv_text[2] = {
	"id,name\n1,ann\n2,bob\n3,cyd\n4,dee\n5,eve\n6,fay\n7,gus\n",
	"k,v\nx,1\ny,2\nz,3\nw,4\n",
};

#define JOB "strategy=lines size=16"

typedef struct stream {
	sgt_stream s;
	const char *const *text;
	size_t n;
} stream;

/* Cut the n texts with o into st: reads of 7 bytes, a PROGRESS frame
 * after every read when progress is set. */
static void
make_stream(stream *st, const sg_chunk_opts *o, const char *const *text, size_t n,
	    int progress)
{
	sg_meta *m = malloc(sizeof *m);
	sg_chunker *c;
	sg_err e;
	size_t i, done = 0, total = 0;

	assert_non_null(m);
	st->text = text;
	st->n = n;
	sgt_stream_init(&st->s);
	sg_err_clear(&e);
	c = sg_chunker_new(o, sgt_emit, &st->s, &e);
	if (c == NULL)
		fail_msg("sg_chunker_new: %s", e.msg);
	for (i = 0; i < n; i++)
		total += strlen(text[i]);
	for (i = 0; i < n; i++) {
		char name[32];
		size_t len = strlen(text[i]), pos = 0;

		sg_meta_clear(m);
		snprintf(name, sizeof name, "src%u", (unsigned)i);
		sg_meta_set_name(m, name, strlen(name));
		m->size = len;
		m->have |= SG_META_HAS(SG_META_SIZE);
		sg_meta_set_job(m, JOB, strlen(JOB));
		if (sg_chunker_begin(c, m, &e) < 0)
			fail_msg("begin: %s", e.msg);
		while (pos < len) {
			unsigned char *p;
			size_t k = sg_chunker_space(c, &p);

			if (k > 7)
				k = 7;
			if (k > len - pos)
				k = len - pos;
			memcpy(p, text[i] + pos, k);
			pos += k;
			done += k;
			if (sg_chunker_commit(c, k, &e) < 0)
				fail_msg("commit: %s", e.msg);
			if (progress && sg_chunker_progress(c, done, total, &e) < 0)
				fail_msg("progress: %s", e.msg);
		}
		if (sg_chunker_end(c, i + 1 == n, &e) < 0)
			fail_msg("end: %s", e.msg);
	}
	sg_chunker_free(c);
	free(m);
}

static void
lines_stream(stream *st, int progress)
{
	sg_chunk_opts o = { .strategy = &sg_boundary_lines, .size = 16 };

	make_stream(st, &o, lines_text, 3, progress);
}

/* Frame i of s as sg_reader gives it. */
static void
frame_of(const sgt_stream *s, size_t i, sg_frame *f)
{
	memset(f, 0, sizeof *f);
	f->h = s->f[i].h;
	f->raw = s->wire.p + s->f[i].at;
	f->payload = f->raw + SG_FRAME_HDR_LEN;
	f->index = i;
	f->at = s->f[i].at;
}

/* Frame i of s with h changed by edit (flags added, or NULL), its raw
 * bytes built in buf (SG_FRAME_HDR_LEN + its payload). */
static void
frame_edited(const sgt_stream *s, size_t i, uint16_t add_flags, const sg_frame_hdr *edit,
	     unsigned char *buf, sg_frame *f)
{
	frame_of(s, i, f);
	if (edit != NULL)
		f->h = *edit;
	f->h.flags |= add_flags;
	sg_frame_encode(&f->h, buf);
	memcpy(buf + SG_FRAME_HDR_LEN, sgt_payload(s, i), f->h.stored);
	f->raw = buf;
	f->payload = buf + SG_FRAME_HDR_LEN;
}

/* What OUTPUT holds after frames [0, p) of s: the frames but PROGRESS,
 * or (raw) the new bytes of the DATA payloads. */
static void
expected(const sgt_stream *s, size_t p, int raw, sgt_buf *out)
{
	size_t i;

	out->len = 0;
	for (i = 0; i < p; i++) {
		const sg_frame_hdr *h = &s->f[i].h;

		if (h->type == SG_TYPE_PROGRESS)
			continue;
		if (!raw)
			sgt_buf_put(out, s->wire.p + s->f[i].at, s->f[i].len);
		else if (h->type == SG_TYPE_DATA)
			sgt_buf_put(out, sgt_payload(s, i) + h->context, h->size - h->context);
	}
}

/* The checkpoint state after frames [0, p) of s, folded here from the
 * frames (the sources' indexes, seqs and offsets as the frames say). */
static void
fold(const sgt_stream *s, size_t p, int raw, sg_ckpt *c)
{
	sg_meta *m = malloc(sizeof *m);
	size_t i;

	assert_non_null(m);
	sg_ckpt_init(c);
	c->raw = raw;
	for (i = 0; i < p; i++) {
		const sg_frame_hdr *h = &s->f[i].h;
		const unsigned char *w = NULL;
		size_t n = 0;

		if (!sgt_ckpt_fold(c, s, i, m))
			continue;
		if (!raw) {
			w = s->wire.p + s->f[i].at;
			n = s->f[i].len;
		} else if (h->type == SG_TYPE_DATA) {
			w = sgt_payload(s, i) + h->context;
			n = h->size - h->context;
		}
		if (n > 0) {
			c->length += n;
			c->tail_len = n;
			c->tail_sum = sgt_xxh3(w, n);
		}
	}
	free(m);
}

/* The fields of the state that say where OUTPUT is. */
static void
assert_position(const sg_ckpt *got, const sg_ckpt *want, const char *where)
{
	if (got->state != want->state || got->length != want->length ||
	    got->tail_len != want->tail_len || got->tail_sum != want->tail_sum ||
	    got->sources_done != want->sources_done ||
	    got->sources_digest != want->sources_digest || got->source != want->source ||
	    !got->begun != !want->begun || got->begin_sum != want->begin_sum ||
	    got->name_len != want->name_len || memcmp(got->name, want->name, got->name_len) != 0 ||
	    got->size != want->size || got->seq != want->seq || got->offset != want->offset ||
	    got->chain != want->chain || !got->raw != !want->raw ||
	    got->options_len != want->options_len ||
	    memcmp(got->options, want->options, got->options_len) != 0)
		fail_msg("%s: state %s length %llu source %llu begun %d seq %llu offset %llu, "
		    "want %s length %llu source %llu begun %d seq %llu offset %llu (or a "
		    "tail, digest, chain, name, size or options differs)", where,
		    sg_ckpt_state_name(got->state), (unsigned long long)got->length,
		    (unsigned long long)got->source, got->begun, (unsigned long long)got->seq,
		    (unsigned long long)got->offset, sg_ckpt_state_name(want->state),
		    (unsigned long long)want->length, (unsigned long long)want->source,
		    want->begun, (unsigned long long)want->seq, (unsigned long long)want->offset);
}

/* --- the job directory ----------------------------------------------------- */

typedef struct fixture {
	char top[1024];
	char out[1100];      /* top/out.sg */
	char out2[1100];     /* top/other.sg */
	char ck[1100];       /* top/job.ckpt */
	char abs[PATH_MAX + 16]; /* out, resolved */
} fixture;

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	char dir[PATH_MAX];

	if (f == NULL)
		return -1;
	if (sgt_mkdtemp(f->top, sizeof f->top, "resume") < 0 || realpath(f->top, dir) == NULL)
		return -1;
	snprintf(f->out, sizeof f->out, "%s/out.sg", f->top);
	snprintf(f->out2, sizeof f->out2, "%s/other.sg", f->top);
	snprintf(f->ck, sizeof f->ck, "%s/job.ckpt", f->top);
	snprintf(f->abs, sizeof f->abs, "%s/out.sg", dir);
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

/* Start over: no OUTPUT, no checkpoint. */
static void
reset(const fixture *f)
{
	char tmp[1200];

	unlink(f->out);
	unlink(f->out2);
	unlink(f->ck);
	snprintf(tmp, sizeof tmp, "%s.tmp", f->ck);
	unlink(tmp);
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static sg_resume_opts
opts(const fixture *f, int raw)
{
	sg_resume_opts o = { .checkpoint = f->ck, .output = f->out, .raw = raw };

	return o;
}

static sg_resume *
open_ok(const sg_resume_opts *o)
{
	sg_resume *r;
	sg_err e;

	sg_err_clear(&e);
	if ((r = sg_resume_open(o, &e)) == NULL)
		fail_msg("sg_resume_open: %s", e.msg);
	return r;
}

/* sg_resume_open refused with code, the message holding what. */
static void
assert_open_refused(const sg_resume_opts *o, int code, const char *what)
{
	sg_resume *r;
	sg_err e;

	sg_err_clear(&e);
	r = sg_resume_open(o, &e);
	if (r != NULL)
		fail_msg("sg_resume_open took a job it should refuse (%s)", what);
	if (e.code != code || strstr(e.msg, what) == NULL)
		fail_msg("sg_resume_open: code %d '%s', want %d and '%s'", e.code, e.msg, code, what);
}

static void
close_ok(sg_resume *r)
{
	sg_err e;

	sg_err_clear(&e);
	if (sg_resume_close(r, &e) != 0)
		fail_msg("sg_resume_close: %s", e.msg);
}

static void
take(sg_resume *r, const sg_frame *f, const char *where)
{
	sg_err e;
	int rc;

	sg_err_clear(&e);
	if ((rc = sg_resume_frame(r, f, &e)) != 0)
		fail_msg("%s: frame %llu (%s seq %llu of source %u): rc %d: %s", where,
		    (unsigned long long)f->index, sg_frame_type_name(f->h.type),
		    (unsigned long long)f->h.seq, f->h.source, rc, e.msg);
}

/* Frames [from, to) of s into r. */
static void
take_range(sg_resume *r, const sgt_stream *s, size_t from, size_t to, const char *where)
{
	size_t i;

	for (i = from; i < to; i++) {
		sg_frame f;

		frame_of(s, i, &f);
		take(r, &f, where);
	}
}

/* f refused with code (message holding what), OUTPUT and the state as
 * they were. */
static void
assert_frame_refused(sg_resume *r, const sg_frame *f, int code, const char *what,
		     const fixture *fx)
{
	sg_ckpt *before = malloc(sizeof *before);
	struct stat st0, st1;
	sg_err e;
	int rc;

	assert_non_null(before);
	*before = *sg_resume_state(r);
	assert_int_equal(stat(fx->out, &st0), 0);
	sg_err_clear(&e);
	rc = sg_resume_frame(r, f, &e);
	if (rc != code || e.code != code || strstr(e.msg, what) == NULL)
		fail_msg("frame %s seq %llu of source %u: rc %d '%s', want %d and '%s'",
		    sg_frame_type_name(f->h.type), (unsigned long long)f->h.seq, f->h.source, rc,
		    e.msg, code, what);
	assert_int_equal(stat(fx->out, &st1), 0);
	assert_int_equal(st1.st_size, st0.st_size);
	assert_position(sg_resume_state(r), before, "after a refused frame");
	free(before);
}

/* OUTPUT must hold exactly want. */
static void
assert_file(const char *path, const sgt_buf *want, const char *where)
{
	size_t len, i;
	unsigned char *got = sgt_load(path, &len);

	if (got == NULL)
		fail_msg("%s: cannot read %s", where, path);
	if (len != want->len || (len > 0 && memcmp(got, want->p, len) != 0)) {
		for (i = 0; i < len && i < want->len && got[i] == want->p[i]; i++)
			;
		free(got);
		fail_msg("%s: OUTPUT differs at byte %zu (%zu bytes, want %zu)", where, i, len,
		    want->len);
	}
	free(got);
}

static void
load_ckpt(const char *path, sg_ckpt *c)
{
	sg_err e;

	sg_err_clear(&e);
	if (sg_ckpt_load(path, c, &e) != 1)
		fail_msg("sg_ckpt_load %s: %s", path, e.msg);
}

static void
append_bytes(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static off_t
file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* --- a fresh job ---------------------------------------------------------------- */

static void
test_fresh_job(void **state)
{
	fixture *fx = *state;
	sg_resume_opts o = opts(fx, 0);
	sg_ckpt *want = malloc(sizeof *want), *disk = malloc(sizeof *disk);
	sgt_buf exp = { 0 };
	stream st;
	sg_resume *r;
	sg_reader *rd;
	sgt_mem mem;
	sgt_rng rng;
	sg_frame f;
	sg_err e;
	size_t p = 0, progress = 0;
	sg_meta *m = malloc(sizeof *m);
	uint64_t consumed = 0, total = 0;
	int rc;

	assert_non_null(want);
	assert_non_null(disk);
	assert_non_null(m);
	sgt_rng_init(&rng, "fresh_job");
	lines_stream(&st, 1);
	assert_false(exists(fx->out));
	r = open_ok(&o);
	/* OUTPUT made, empty, and a fresh checkpoint for it saved at once */
	assert_int_equal(file_size(fx->out), 0);
	load_ckpt(fx->ck, disk);
	assert_int_equal(disk->state, SG_CKPT_FRESH);
	assert_string_equal(disk->output, fx->abs);
	assert_int_equal(disk->raw, 0);
	assert_int_equal(disk->length, 0);
	assert_int_equal(sg_resume_torn(r), 0);
	assert_false(sg_resume_done(r));
	assert_string_equal(sg_resume_state(r)->output, fx->abs);

	/* the frames as a real reader hands them over, in random reads */
	mem = (sgt_mem){ .p = st.s.wire.p, .len = st.s.wire.len, .rng = &rng };
	rd = sg_reader_new(sgt_mem_read, &mem);
	assert_non_null(rd);
	sg_err_clear(&e);
	while ((rc = sg_reader_next(rd, &f, &e)) == 1) {
		char where[48];

		assert_int_equal(f.index, p);
		snprintf(where, sizeof where, "frame %zu", p);
		if (f.h.type == SG_TYPE_PROGRESS) {
			progress++;
			assert_int_equal(sg_meta_decode(f.payload, f.h.size, m, &e), 0);
			consumed = m->consumed;
			total = m->input_total;
		}
		take(r, &f, where);
		p++;
		fold(&st.s, p, 0, want);
		assert_position(sg_resume_state(r), want, where);
		assert_int_equal(sg_resume_done(r), p == st.s.n);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(p, st.s.n);
	assert_true(progress > 3);
	sg_reader_free(rd);

	/* done: the checkpoint on disk says so, OUTPUT is the frames but
	 * PROGRESS, and the last PROGRESS figures are in the checkpoint */
	assert_true(sg_resume_done(r));
	load_ckpt(fx->ck, disk);
	assert_int_equal(disk->state, SG_CKPT_DONE);
	expected(&st.s, st.s.n, 0, &exp);
	assert_true(exp.len < st.s.wire.len);
	assert_int_equal(disk->length, exp.len);
	assert_int_equal(disk->consumed, consumed);
	assert_int_equal(disk->total, total);
	assert_int_equal(disk->options_len, strlen(JOB));
	assert_string_equal(disk->options, JOB);
	assert_file(fx->out, &exp, "done");
	/* nothing after the stream's end */
	frame_of(&st.s, st.s.n - 1, &f);
	assert_frame_refused(r, &f, SG_EDATA, "after the end of the stream", fx);
	close_ok(r);

	/* opened again: done, nothing cut */
	r = open_ok(&o);
	assert_true(sg_resume_done(r));
	assert_int_equal(sg_resume_torn(r), 0);
	close_ok(r);
	assert_file(fx->out, &exp, "reopened");

	sgt_buf_free(&exp);
	sgt_stream_free(&st.s);
	free(want);
	free(disk);
	free(m);
}

/* --- interrupted and continued --------------------------------------------------- */

/* A job that stopped after frames [0, p) of s were durable, and had
 * written more after them: the frames up to the next END (or end), and
 * half a frame. The checkpoint is the one saved at p. Returns the bytes
 * written after the checkpoint. */
static uint64_t
interrupted_job(const fixture *fx, int raw, const sgt_stream *s, size_t p)
{
	sg_resume_opts o = opts(fx, raw);
	sg_resume *r;
	sg_err e;
	size_t q, ck_len = 0;
	unsigned char *ck_text;
	uint64_t length;
	FILE *fp;

	reset(fx);
	r = open_ok(&o);
	take_range(r, s, 0, p, "before the interruption");
	sg_err_clear(&e);
	assert_int_equal(sg_resume_sync(r, &e), 0);
	length = sg_resume_state(r)->length;
	ck_text = sgt_load(fx->ck, &ck_len);
	assert_non_null(ck_text);
	for (q = p; q < s->n && s->f[q].h.type != SG_TYPE_END; q++)
		;
	take_range(r, s, p, q, "after the checkpoint");
	close_ok(r);
	/* the checkpoint of p, as if the run had stopped before its next */
	fp = fopen(fx->ck, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(ck_text, 1, ck_len, fp), ck_len);
	fclose(fp);
	free(ck_text);
	/* half a frame, torn by the crash */
	append_bytes(fx->out, s->wire.p, SG_FRAME_HDR_LEN / 2);
	return (uint64_t)file_size(fx->out) - length;
}

/* What sg-chunk --resume sends after frames [0, p) of s are durable: the
 * current source's BEGIN flagged RESUMED, then the frames after p (or
 * the next source's BEGIN flagged, then the frames after it). */
static void
take_resumed(sg_resume *r, const sgt_stream *s, size_t p, const fixture *fx)
{
	const sg_ckpt *c = sg_resume_state(r);
	unsigned char *buf = malloc(SG_FRAME_HDR_LEN + SG_FRAME_META_MAX);
	size_t b, from;
	sg_frame f;

	assert_non_null(buf);
	if (c->state == SG_CKPT_DONE) {
		free(buf);
		return;
	}
	if (c->begun) {
		uint64_t len = c->length;

		b = sgt_begin_of(s, c->source);
		from = p;
		frame_edited(s, b, SG_FLAG_RESUMED, NULL, buf, &f);
		take(r, &f, "the repeated BEGIN");
		/* dropped: OUTPUT holds it */
		assert_int_equal(sg_resume_state(r)->length, len);
		assert_int_equal(file_size(fx->out), (off_t)len);
	} else {
		b = sgt_begin_of(s, c->source);
		assert_true(b >= p);
		from = b + 1;
		frame_edited(s, b, SG_FLAG_RESUMED, NULL, buf, &f);
		take(r, &f, "the next source's BEGIN");
		/* written as the uninterrupted run wrote it: without the flag
		 * (with --raw a BEGIN puts nothing in OUTPUT) */
		if (!sg_resume_state(r)->raw) {
			assert_int_equal(sg_resume_state(r)->tail_len, s->f[b].len);
			assert_int_equal(sg_resume_state(r)->tail_sum,
			    sgt_xxh3(s->wire.p + s->f[b].at, s->f[b].len));
		}
	}
	take_range(r, s, from, s->n, "the resumed frames");
	free(buf);
}

/* Every position of s, interrupted and continued (raw or framed). */
static void
every_interruption(const fixture *fx, const sgt_stream *s, int raw)
{
	sg_resume_opts o = opts(fx, raw);
	sg_ckpt *want = malloc(sizeof *want);
	sgt_buf exp = { 0 }, all = { 0 };
	size_t p;
	unsigned kinds = 0;

	assert_non_null(want);
	expected(s, s->n, raw, &all);
	for (p = 1; p < s->n; p++) {
		char where[64];
		uint64_t after;
		sg_resume *r;

		snprintf(where, sizeof where, "%s, interrupted at frame %zu", raw ? "raw" : "framed",
		    p);
		after = interrupted_job(fx, raw, s, p);
		r = open_ok(&o);
		/* the torn tail is cut, and said */
		assert_int_equal(sg_resume_torn(r), after);
		assert_true(after >= SG_FRAME_HDR_LEN / 2);
		expected(s, p, raw, &exp);
		assert_file(fx->out, &exp, where);
		fold(s, p, raw, want);
		assert_position(sg_resume_state(r), want, where);
		kinds |= 1u << (want->state == SG_CKPT_DONE ? 0 : !want->begun ? 1
		    : want->seq == 1 ? 2 : 3);
		take_resumed(r, s, p, fx);
		assert_true(sg_resume_done(r));
		close_ok(r);
		assert_file(fx->out, &all, where);
	}
	/* between sources, only BEGIN durable, mid-source */
	assert_int_equal(kinds & 0xe, 0xe);
	sgt_buf_free(&exp);
	sgt_buf_free(&all);
	free(want);
}

static void
test_interrupted(void **state)
{
	stream st;

	lines_stream(&st, 1);
	every_interruption(*state, &st.s, 0);
	sgt_stream_free(&st.s);
}

/* OUTPUT shorter than the checkpoint, or gone: refused with SG_EDATA,
 * left as it was. */
static void
test_short_output(void **state)
{
	fixture *fx = *state;
	sg_resume_opts o = opts(fx, 0);
	unsigned char *before, *after;
	size_t n0, n1, p;
	sg_ckpt *c = malloc(sizeof *c);
	stream st;

	assert_non_null(c);
	lines_stream(&st, 0);
	p = sgt_begin_of(&st.s, 1) + 3;
	(void)interrupted_job(fx, 0, &st.s, p);
	load_ckpt(fx->ck, c);
	assert_true(c->length > 0);
	assert_int_equal(truncate(fx->out, (off_t)c->length - 1), 0);
	before = sgt_load(fx->ck, &n0);
	assert_open_refused(&o, SG_EDATA, "fewer than the");
	assert_int_equal(file_size(fx->out), (off_t)c->length - 1);
	after = sgt_load(fx->ck, &n1);
	assert_int_equal(n1, n0);
	assert_memory_equal(after, before, n0);
	free(after);
	/* gone: not made again */
	assert_int_equal(unlink(fx->out), 0);
	assert_open_refused(&o, SG_EDATA, "fewer than the");
	assert_false(exists(fx->out));
	/* exactly the length: taken, nothing torn */
	(void)interrupted_job(fx, 0, &st.s, p);
	load_ckpt(fx->ck, c);
	assert_int_equal(truncate(fx->out, (off_t)c->length), 0);
	{
		sg_resume *r = open_ok(&o);

		assert_int_equal(sg_resume_torn(r), 0);
		close_ok(r);
	}
	free(before);
	free(c);
	sgt_stream_free(&st.s);
}

/* A byte changed in the checkpoint's tail: SG_EDATA, nothing cut. A byte
 * changed after the checkpoint (in the torn tail): cut with it. */
static void
test_tail_changed(void **state)
{
	fixture *fx = *state;
	sg_resume_opts o = opts(fx, 0);
	sg_ckpt *c = malloc(sizeof *c);
	stream st;
	size_t p, tried = 0;

	assert_non_null(c);
	lines_stream(&st, 0);
	for (p = 1; p < st.s.n; p += 2) {
		uint64_t at, size;
		int fd;
		unsigned char b;

		(void)interrupted_job(fx, 0, &st.s, p);
		load_ckpt(fx->ck, c);
		size = (uint64_t)file_size(fx->out);
		/* the first, then the last byte of the tail */
		for (at = c->length - c->tail_len; at < c->length; at += c->tail_len - 1) {
			fd = open(fx->out, O_RDWR);
			assert_true(fd >= 0);
			assert_int_equal(pread(fd, &b, 1, (off_t)at), 1);
			b ^= 0x20;
			assert_int_equal(pwrite(fd, &b, 1, (off_t)at), 1);
			assert_open_refused(&o, SG_EDATA, "changed before byte");
			assert_int_equal((uint64_t)file_size(fx->out), size);
			b ^= 0x20;
			assert_int_equal(pwrite(fd, &b, 1, (off_t)at), 1);
			close(fd);
			tried++;
			if (c->tail_len == 1)
				break;
		}
		/* the last byte of OUTPUT, after the checkpoint */
		fd = open(fx->out, O_RDWR);
		assert_true(fd >= 0);
		assert_int_equal(pwrite(fd, "\xff", 1, (off_t)size - 1), 1);
		close(fd);
		{
			sg_resume *r = open_ok(&o);

			assert_int_equal(sg_resume_torn(r), size - c->length);
			close_ok(r);
		}
		assert_int_equal((uint64_t)file_size(fx->out), c->length);
	}
	assert_true(tried > 8);
	free(c);
	sgt_stream_free(&st.s);
}

/* A BEGIN of the current source with another payload, a frame past the
 * position, DATA at another offset, a later source, DATA before BEGIN:
 * refused, nothing written. */
static void
test_refused_frames(void **state)
{
	fixture *fx = *state;
	sg_resume_opts o = opts(fx, 0);
	unsigned char *buf = malloc(SG_FRAME_HDR_LEN + SG_FRAME_META_MAX);
	stream st, other;
	sg_resume *r;
	sg_frame f;
	sg_frame_hdr h;
	size_t p, b;
	const char *alt[3] = { lines_text[0], "one\ntwo\n", lines_text[2] };

	assert_non_null(buf);
	lines_stream(&st, 0);
	make_stream(&other, &(sg_chunk_opts){ .strategy = &sg_boundary_lines, .size = 16 }, alt,
	    3, 0);

	/* mid-source 1, after its DATA seq 3 */
	b = sgt_begin_of(&st.s, 1);
	p = b + 4;
	assert_int_equal(st.s.f[p - 1].h.seq, 3);
	(void)interrupted_job(fx, 0, &st.s, p);
	r = open_ok(&o);
	/* a BEGIN of source 1 with another size */
	frame_of(&other.s, sgt_begin_of(&other.s, 1), &f);
	assert_int_not_equal(f.h.payload_sum, st.s.f[b].h.payload_sum);
	assert_frame_refused(r, &f, SG_ERESUME, "differs from the one", fx);
	/* and flagged RESUMED, as sg-chunk --resume would send it */
	frame_edited(&other.s, sgt_begin_of(&other.s, 1), SG_FLAG_RESUMED, NULL, buf, &f);
	assert_frame_refused(r, &f, SG_ERESUME, "differs from the one", fx);
	/* a gap: DATA seq 5, the END */
	frame_of(&st.s, p + 1, &f);
	assert_int_equal(f.h.seq, 5);
	assert_frame_refused(r, &f, SG_ERESUME, "a gap", fx);
	frame_of(&st.s, sgt_begin_of(&st.s, 2) - 1, &f);
	assert_int_equal(f.h.type, SG_TYPE_END);
	assert_frame_refused(r, &f, SG_ERESUME, "a gap", fx);
	/* seq 4 at another offset */
	h = st.s.f[p].h;
	h.offset++;
	frame_edited(&st.s, p, 0, &h, buf, &f);
	assert_frame_refused(r, &f, SG_ERESUME, "DATA at source offset", fx);
	/* a later source */
	frame_of(&st.s, sgt_begin_of(&st.s, 2), &f);
	assert_frame_refused(r, &f, SG_ERESUME, "a later source", fx);
	/* and the right frame still goes on */
	frame_of(&st.s, p, &f);
	take(r, &f, "the next frame");
	close_ok(r);

	/* between sources 0 and 1: DATA of source 1 before its BEGIN */
	p = b;
	(void)interrupted_job(fx, 0, &st.s, p);
	r = open_ok(&o);
	assert_false(sg_resume_state(r)->begun);
	frame_of(&st.s, b + 1, &f);
	assert_frame_refused(r, &f, SG_ERESUME, "before its source's BEGIN", fx);
	frame_of(&st.s, sgt_begin_of(&st.s, 2), &f);
	assert_frame_refused(r, &f, SG_ERESUME, "a later source", fx);
	/* frames of source 0 are dropped: OUTPUT holds them */
	take_range(r, &st.s, 0, b, "source 0 again");
	assert_int_equal(sg_resume_state(r)->length, (uint64_t)st.s.f[b].at);
	close_ok(r);

	free(buf);
	sgt_stream_free(&st.s);
	sgt_stream_free(&other.s);
}

/* The whole stream sent again from the start: dropped up to the
 * position, the current source's chunks checked against the chain. */
static void
test_resent_from_start(void **state)
{
	fixture *fx = *state;
	sg_resume_opts o = opts(fx, 0);
	sgt_buf all = { 0 };
	stream st, changed;
	size_t p, refused = 0;
	char text1[256];
	const char *alt[3];

	lines_stream(&st, 1);
	expected(&st.s, st.s.n, 0, &all);
	/* source 1 with one byte changed near its start */
	snprintf(text1, sizeof text1, "%s", lines_text[1]);
	text1[1] = 'N';
	alt[0] = lines_text[0];
	alt[1] = text1;
	alt[2] = lines_text[2];
	make_stream(&changed, &(sg_chunk_opts){ .strategy = &sg_boundary_lines, .size = 16 },
	    alt, 3, 1);
	for (p = 1; p < st.s.n; p++) {
		char where[48];
		sg_resume *r;
		const sg_ckpt *c;
		size_t i;
		int rc = 0;

		snprintf(where, sizeof where, "sent again after frame %zu", p);
		(void)interrupted_job(fx, 0, &st.s, p);
		r = open_ok(&o);
		take_range(r, &st.s, 0, st.s.n, where);
		assert_true(sg_resume_done(r));
		close_ok(r);
		assert_file(fx->out, &all, where);

		/* the changed stream, when the position is past the change */
		(void)interrupted_job(fx, 0, &st.s, p);
		r = open_ok(&o);
		c = sg_resume_state(r);
		if (c->source == 1 && c->begun && c->seq > 1) {
			uint64_t len = c->length;

			for (i = 0; i < changed.s.n && rc == 0; i++) {
				sg_frame f;
				sg_err e;

				frame_of(&changed.s, i, &f);
				sg_err_clear(&e);
				rc = sg_resume_frame(r, &f, &e);
			}
			assert_int_equal(rc, SG_ERESUME);
			assert_int_equal(sg_resume_state(r)->length, len);
			assert_int_equal(file_size(fx->out), (off_t)len);
			refused++;
		}
		close_ok(r);
	}
	assert_true(refused >= 3);
	sgt_buf_free(&all);
	sgt_stream_free(&st.s);
	sgt_stream_free(&changed.s);
}

/* --raw: the new bytes of DATA payloads, context skipped; continued
 * after every interruption. */
static void
test_raw(void **state)
{
	fixture *fx = *state;
	sg_resume_opts o = opts(fx, 1), framed = opts(fx, 0);
	sg_chunk_opts para = { .strategy = &sg_boundary_paragraph, .size = 40, .overlap = 12 };
	sg_chunk_opts csv = { .strategy = &sg_boundary_csv, .size = 32, .header = 1 };
	stream st[2];
	int k;

	make_stream(&st[0], &para, para_text, 2, 1);
	make_stream(&st[1], &csv, csv_text, 2, 0);
	for (k = 0; k < 2; k++) {
		sgt_buf want = { 0 };
		size_t i, ctx = 0;
		sg_resume *r;
		sg_ckpt *disk = malloc(sizeof *disk);

		assert_non_null(disk);
		for (i = 0; i < st[k].n; i++)
			sgt_buf_str(&want, st[k].text[i]);
		for (i = 0; i < st[k].s.n; i++)
			ctx += st[k].s.f[i].h.context;
		assert_true(ctx > 0);   /* there was context to skip */
		reset(fx);
		r = open_ok(&o);
		take_range(r, &st[k].s, 0, st[k].s.n, "raw");
		assert_true(sg_resume_done(r));
		close_ok(r);
		assert_file(fx->out, &want, "raw");
		load_ckpt(fx->ck, disk);
		assert_int_equal(disk->raw, 1);
		assert_int_equal(disk->length, want.len);
		every_interruption(fx, &st[k].s, 1);
		/* the raw job is not a framed one */
		(void)interrupted_job(fx, 1, &st[k].s, 3);
		assert_open_refused(&framed, SG_ERESUME, "--raw");
		free(disk);
		sgt_buf_free(&want);
		sgt_stream_free(&st[k].s);
	}
}

/* A second sink on the same OUTPUT while the first holds it. */
static void
test_lock(void **state)
{
	fixture *fx = *state;
	sg_resume_opts o = opts(fx, 0);
	sgt_buf exp = { 0 };
	stream st;
	sg_resume *r, *r2;

	lines_stream(&st, 0);
	reset(fx);
	r = open_ok(&o);
	take_range(r, &st.s, 0, 5, "first");
	assert_open_refused(&o, SG_ERESUME, "in use");
	/* the refused one left OUTPUT alone: the first goes on */
	take_range(r, &st.s, 5, st.s.n, "first, after");
	close_ok(r);
	expected(&st.s, st.s.n, 0, &exp);
	assert_file(fx->out, &exp, "after the lock");
	/* released */
	r2 = open_ok(&o);
	assert_true(sg_resume_done(r2));
	close_ok(r2);
	sgt_buf_free(&exp);
	sgt_stream_free(&st.s);
}

/* OUTPUT that holds something, with no checkpoint: not overwritten. An
 * empty one is a new job. */
static void
test_existing_output(void **state)
{
	fixture *fx = *state;
	sg_resume_opts o = opts(fx, 0);
	sgt_buf keep = { 0 };
	sg_resume *r;
	FILE *fp;

	reset(fx);
	sgt_buf_str(&keep, "precious data\n");
	fp = fopen(fx->out, "wb");
	assert_non_null(fp);
	fputs("precious data\n", fp);
	fclose(fp);
	assert_open_refused(&o, SG_ERESUME, "not overwriting it");
	assert_file(fx->out, &keep, "refused");
	assert_false(exists(fx->ck));
	/* a damaged checkpoint: refused, OUTPUT as it was */
	fp = fopen(fx->ck, "wb");
	assert_non_null(fp);
	fputs("sg-checkpoint 1\nnot a checkpoint\n", fp);
	fclose(fp);
	assert_open_refused(&o, SG_EDATA, "line 2");
	assert_file(fx->out, &keep, "damaged checkpoint");
	assert_int_equal(unlink(fx->ck), 0);
	/* empty: taken */
	assert_int_equal(truncate(fx->out, 0), 0);
	r = open_ok(&o);
	close_ok(r);
	assert_true(exists(fx->ck));
	sgt_buf_free(&keep);
}

/* A run that stopped before its first checkpoint after the fresh one,
 * having written frames: they are all torn, and the job starts over. */
static void
test_fresh_torn(void **state)
{
	fixture *fx = *state;
	sg_resume_opts o = opts(fx, 0);
	sgt_buf all = { 0 };
	unsigned char *ck_text;
	size_t ck_len;
	stream st;
	sg_resume *r;
	sg_ckpt *c = malloc(sizeof *c);
	FILE *fp;
	off_t size;

	assert_non_null(c);
	lines_stream(&st, 0);
	expected(&st.s, st.s.n, 0, &all);
	reset(fx);
	r = open_ok(&o);
	ck_text = sgt_load(fx->ck, &ck_len);
	assert_non_null(ck_text);
	take_range(r, &st.s, 0, 3, "before the crash");
	close_ok(r);
	fp = fopen(fx->ck, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(ck_text, 1, ck_len, fp), ck_len);
	fclose(fp);
	free(ck_text);
	load_ckpt(fx->ck, c);
	assert_int_equal(c->state, SG_CKPT_FRESH);
	size = file_size(fx->out);
	assert_true(size > 0);
	r = open_ok(&o);
	assert_int_equal(sg_resume_torn(r), (uint64_t)size);
	assert_int_equal(file_size(fx->out), 0);
	take_range(r, &st.s, 0, st.s.n, "started over");
	assert_true(sg_resume_done(r));
	close_ok(r);
	assert_file(fx->out, &all, "started over");
	sgt_buf_free(&all);
	sgt_stream_free(&st.s);
	free(c);
}

/* A checkpoint of another OUTPUT: refused, and OUTPUT left as it was (or
 * not made). */
static void
test_other_output(void **state)
{
	fixture *fx = *state;
	sg_resume_opts o = opts(fx, 0);
	sgt_buf keep = { 0 };
	stream st;
	sg_resume *r;
	FILE *fp;

	lines_stream(&st, 0);
	o.output = fx->out2;
	/* a job under way */
	(void)interrupted_job(fx, 0, &st.s, 6);
	assert_open_refused(&o, SG_ERESUME, "belongs to");
	assert_false(exists(fx->out2));
	fp = fopen(fx->out2, "wb");
	assert_non_null(fp);
	fputs("other", fp);
	fclose(fp);
	sgt_buf_str(&keep, "other");
	assert_open_refused(&o, SG_ERESUME, "belongs to");
	assert_file(fx->out2, &keep, "other, refused");
	/* a fresh checkpoint */
	reset(fx);
	{
		sg_resume_opts first = opts(fx, 0);

		r = open_ok(&first);
		close_ok(r);
	}
	assert_open_refused(&o, SG_ERESUME, "belongs to");
	assert_false(exists(fx->out2));
	sgt_buf_free(&keep);
	sgt_stream_free(&st.s);
}

/* The checkpoint on disk after each frame, by the rules: synced once
 * every_bytes were written since the last sync, at every END, and (with
 * every_seconds) by time. */
static void
test_sync_rules(void **state)
{
	fixture *fx = *state;
	static const uint64_t every[] = { 0, 1, 100, 300, 1000 };
	sg_ckpt *disk = malloc(sizeof *disk);
	stream st;
	size_t k, i;

	assert_non_null(disk);
	lines_stream(&st, 1);
	for (k = 0; k < sizeof every / sizeof every[0]; k++) {
		sg_resume_opts o = opts(fx, 0);
		uint64_t synced = 0, unsynced = 0, advanced = 0, held = 0;
		sg_resume *r;
		int ms;

		o.every_bytes = every[k];
		reset(fx);
		r = open_ok(&o);
		assert_int_equal(sg_resume_pending(r, &ms), 0);
		for (i = 0; i < st.s.n; i++) {
			const sg_frame_hdr *h = &st.s.f[i].h;
			sg_frame f;
			char where[64];

			frame_of(&st.s, i, &f);
			take(r, &f, "sync rules");
			snprintf(where, sizeof where, "every %llu bytes, frame %zu",
			    (unsigned long long)every[k], i);
			if (h->type != SG_TYPE_PROGRESS)
				unsynced += st.s.f[i].len;
			if (h->type == SG_TYPE_END || (every[k] > 0 && unsynced >= every[k])) {
				synced = sg_resume_state(r)->length;
				unsynced = 0;
				advanced++;
			} else if (h->type != SG_TYPE_PROGRESS) {
				held++;
			}
			load_ckpt(fx->ck, disk);
			if (disk->length != synced)
				fail_msg("%s: %llu bytes durable, want %llu", where,
				    (unsigned long long)disk->length, (unsigned long long)synced);
			/* what is not durable is pending, with no time rule */
			if (disk->length != sg_resume_state(r)->length) {
				assert_int_equal(sg_resume_pending(r, &ms), 1);
				assert_int_equal(ms, -1);
			}
			/* at END the whole state is durable */
			if (h->type == SG_TYPE_END) {
				assert_int_equal(disk->source, (uint64_t)h->source + 1);
				assert_int_equal(disk->sources_done, (uint64_t)h->source + 1);
				assert_false(disk->begun);
				assert_int_equal(sg_resume_pending(r, &ms), 0);
			}
		}
		assert_true(advanced >= 3);
		if (every[k] == 1)
			assert_int_equal(held, 0);
		else
			assert_true(held > 0);
		close_ok(r);
	}

	/* by time: a rule already due syncs at every frame written; a far one
	 * leaves them pending, with the time left */
	{
		sg_resume_opts o = opts(fx, 0);
		sg_resume *r;
		int ms = -5;

		o.every_seconds = 1e-9;
		reset(fx);
		r = open_ok(&o);
		for (i = 0; i < st.s.n; i++) {
			sg_frame f;

			frame_of(&st.s, i, &f);
			take(r, &f, "every 1ns");
			load_ckpt(fx->ck, disk);
			assert_int_equal(disk->length, sg_resume_state(r)->length);
		}
		close_ok(r);

		o.every_seconds = 3600;
		reset(fx);
		r = open_ok(&o);
		take_range(r, &st.s, 0, 4, "every hour");
		load_ckpt(fx->ck, disk);
		assert_int_equal(disk->length, 0);
		assert_int_equal(sg_resume_pending(r, &ms), 1);
		assert_true(ms > 3590 * 1000 && ms <= 3600 * 1000 + 1);
		{
			sg_err e;

			sg_err_clear(&e);
			assert_int_equal(sg_resume_sync(r, &e), 0);
		}
		assert_int_equal(sg_resume_pending(r, &ms), 0);
		load_ckpt(fx->ck, disk);
		assert_int_equal(disk->length, sg_resume_state(r)->length);
		close_ok(r);
	}
	free(disk);
	sgt_stream_free(&st.s);
}

/* --- end to end: sg-chunk --resume into the sink ---------------------------------- */

typedef struct pipe_ctx {
	sg_resume *r;
	unsigned char *buf;
	uint64_t index;
} pipe_ctx;

/* sg_replay's downstream: each frame, encoded, into the sink. */
static int
to_sink(void *ctx, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e)
{
	pipe_ctx *pc = ctx;
	sg_frame f;

	memset(&f, 0, sizeof f);
	f.h = *h;
	f.h.hdr_len = SG_FRAME_HDR_LEN;
	f.h.version = SG_FRAME_VERSION;
	sg_frame_encode(&f.h, pc->buf);
	memcpy(pc->buf + SG_FRAME_HDR_LEN, payload, h->stored);
	f.raw = pc->buf;
	f.payload = pc->buf + SG_FRAME_HDR_LEN;
	f.index = pc->index++;
	return sg_resume_frame(pc->r, &f, e);
}

static void
test_end_to_end(void **state)
{
	fixture *fx = *state;
	sg_chunk_opts co = { .strategy = &sg_boundary_lines, .size = 16 };
	sg_ckpt *ck = malloc(sizeof *ck);
	sg_meta *m = malloc(sizeof *m);
	sg_replay *rp = malloc(sizeof *rp);
	pipe_ctx pc = { .buf = malloc(SG_FRAME_HDR_LEN + (1u << 17)) };
	sgt_buf all = { 0 };
	stream st;
	sgt_rng rng;
	size_t p;

	assert_non_null(ck);
	assert_non_null(m);
	sgt_rng_init(&rng, "end_to_end");
	assert_non_null(rp);
	assert_non_null(pc.buf);
	lines_stream(&st, 0);
	expected(&st.s, st.s.n, 0, &all);
	for (p = 1; p < st.s.n; p++) {
		sg_resume_opts o = opts(fx, 0);
		sg_chunker *c;
		sg_err e;
		size_t i;
		int rc = 0;
		char where[48];

		snprintf(where, sizeof where, "resumed run after frame %zu", p);
		(void)interrupted_job(fx, 0, &st.s, p);
		pc.r = open_ok(&o);
		pc.index = 0;
		/* sg-chunk --resume reads the checkpoint sg-resume saved */
		load_ckpt(fx->ck, ck);
		sg_err_clear(&e);
		assert_int_equal(sg_replay_check_job(ck, JOB, &e), 0);
		sg_replay_init(rp, ck, to_sink, &pc);
		c = sg_chunker_new(&co, sg_replay_emit, rp, &e);
		assert_non_null(c);
		for (i = 0; i < 3 && rc == 0; i++) {
			char name[32];
			const char *t = lines_text[i];

			sg_meta_clear(m);
			snprintf(name, sizeof name, "src%u", (unsigned)i);
			sg_meta_set_name(m, name, strlen(name));
			m->size = strlen(t);
			m->have |= SG_META_HAS(SG_META_SIZE);
			sg_meta_set_job(m, JOB, strlen(JOB));
			if ((rc = sg_chunker_begin(c, m, &e)) < 0)
				break;
			if (sg_replay_skips(rp, i)) {
				sg_chunker_abandon(c);
				continue;
			}
			if ((rc = sgt_feed(c, (const unsigned char *)t, strlen(t), &rng, 0, &e)) == 0)
				rc = sg_chunker_end(c, i == 2, &e);
		}
		if (rc == 0)
			rc = sg_replay_finish(rp, &e);
		if (rc != 0)
			fail_msg("%s: rc %d: %s", where, rc, e.msg);
		sg_chunker_free(c);
		assert_true(sg_resume_done(pc.r));
		close_ok(pc.r);
		assert_file(fx->out, &all, where);
	}
	sgt_buf_free(&all);
	sgt_stream_free(&st.s);
	free(pc.buf);
	free(ck);
	free(m);
	free(rp);
}

/* A newer writer's frame (type 9) has no place of its own: sent again with
 * the stream from the start, it is not written a second time. */
static void
unknown_at(const sgt_buf *w, size_t at, sg_frame *f, uint64_t idx)
{
	sg_err e;

	memset(f, 0, sizeof *f);
	assert_int_equal(sg_frame_decode(w->p + at, SG_FRAME_HDR_LEN, &f->h, &e), 0);
	f->raw = w->p + at;
	f->payload = f->raw + SG_FRAME_HDR_LEN;
	f->index = idx;
	f->at = at;
}

static void
test_unknown_type_once(void **state)
{
	const fixture *fx = *state;
	sg_resume_opts o = opts(fx, 0);
	sgt_stream s;
	sgt_buf w = { 0 };
	size_t i, at[64], n = 0, len;
	unsigned char *got;
	sg_resume *r;
	sg_frame f;

	sgt_small_stream(&s);
	for (i = 0; i < s.n && n < 62; i++) {
		at[n++] = w.len;
		sgt_buf_put(&w, s.wire.p + s.f[i].at, s.f[i].len);
		if (i == 2) {
			sg_frame_hdr h = s.f[1].h;

			h.type = 9;
			h.size = h.stored = 3;
			at[n++] = w.len;
			sgt_put_frame(&w, h, "xyz", 1);
		}
	}
	r = open_ok(&o);
	for (i = 0; i < 6; i++) {
		unknown_at(&w, at[i], &f, i);
		take(r, &f, "first run");
	}
	close_ok(r);
	r = open_ok(&o);
	for (i = 0; i < n; i++) {
		unknown_at(&w, at[i], &f, i);
		take(r, &f, "sent again");
	}
	assert_true(sg_resume_done(r));
	close_ok(r);
	got = sgt_load(fx->out, &len);
	assert_non_null(got);
	assert_int_equal(len, w.len);
	assert_memory_equal(got, w.p, w.len);
	free(got);
	sgt_buf_free(&w);
	sgt_stream_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fresh_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tail_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resent_from_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_existing_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fresh_torn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end_to_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_type_once, setup, teardown),
	};

	return cmocka_run_group_tests_name("resume", tests, NULL, NULL);
}
