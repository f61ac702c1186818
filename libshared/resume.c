#include "resume.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "codec.h"
#include "io.h"
#include "meta.h"
#include "sum.h"
#include "transcode.h"

struct sg_resume {
	sg_resume_opts o;
	sg_ckpt cur;              /* the state after the last frame taken */
	int fd;                   /* OUTPUT, locked */
	uint64_t torn;            /* cut off when opened */
	int created;              /* OUTPUT did not exist */
	int caught_up;            /* a frame has been written since opening */
	uint64_t unsynced;        /* bytes written since the last sync */
	uint64_t kicked;          /* OUTPUT offset up to which writeback was started */
	int dirty;                /* cur changed since the last save */
	struct timespec last_sync;
	int replayed;             /* the current source's BEGIN came again ... */
	uint64_t replay_chain;    /* ... and these DATA frames after it */
	sg_meta meta;             /* a BEGIN's, decoded */
	unsigned char begin_buf[SG_FRAME_HDR_LEN + SG_FRAME_META_MAX];
	sg_codec *codec;          /* raw: decoding */
	sg_buf dec;
};

enum { DROP, WRITE };

#define WRITEBACK_STEP (8u << 20)

static double
since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (now.tv_nsec - t->tv_nsec) / 1e9;
}

static int
sys_err(sg_err *e, int code, const char *what, const char *path)
{
	return sg_err_set(e, code, "%s %s: %s", what, path, strerror(errno));
}

/* XXH3-64 of OUTPUT's bytes [from, from + n). */
static int
sum_range(int fd, uint64_t from, uint64_t n, uint64_t *sum, const char *path, sg_err *e)
{
	sg_sum_stream *s = sg_sum_stream_new();
	unsigned char *buf = malloc(1u << 20);
	int rc = 0;

	if (s == NULL || buf == NULL) {
		rc = sg_err_set(e, SG_ENOMEM, "out of memory");
		goto out;
	}
	while (n > 0) {
		size_t want = n < (1u << 20) ? (size_t)n : (1u << 20);
		ssize_t got = pread(fd, buf, want, (off_t)from);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			rc = got < 0 ? sys_err(e, SG_EIO, "cannot read", path)
			    : sg_err_set(e, SG_EDATA, "%s ends early", path);
			goto out;
		}
		sg_sum_stream_update(s, buf, (size_t)got);
		from += (uint64_t)got;
		n -= (uint64_t)got;
	}
	*sum = sg_sum_stream_digest(s);
out:
	free(buf);
	sg_sum_stream_free(s);
	return rc;
}

/* fsync the directory holding path, so a new file's name is durable. */
static int
sync_dir(const char *path, sg_err *e)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, rc = 0;

	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return sys_err(e, SG_EIO, "cannot open directory", dir);
	if (fsync(fd) < 0)
		rc = sys_err(e, SG_EIO, "cannot sync directory", dir);
	close(fd);
	return rc;
}

/* The checkpoint and OUTPUT of a job already started: do they go
 * together, and is OUTPUT whole up to the checkpoint? */
static int
check_output(sg_resume *r, const char *abs, uint64_t size, sg_err *e)
{
	const sg_ckpt *c = &r->cur;
	uint64_t sum = 0;
	int rc;

	if (strcmp(c->output, abs) != 0)
		return sg_err_set(e, SG_ERESUME, "the checkpoint belongs to %s, not to %s",
		    c->output, abs);
	if (c->raw != r->o.raw)
		return sg_err_set(e, SG_ERESUME, "the checkpoint was written %s --raw; "
		    "give the same options again", c->raw ? "with" : "without");
	if (size < c->length)
		return sg_err_set(e, SG_EDATA, "%s holds %" PRIu64 " bytes, fewer than the "
		    "%" PRIu64 " the checkpoint says are on disk: it was truncated or "
		    "replaced, and cannot be continued", abs, size, c->length);
	if (c->tail_len > 0) {
		if ((rc = sum_range(r->fd, c->length - c->tail_len, c->tail_len, &sum, abs, e)) < 0)
			return rc;
		if (sum != c->tail_sum)
			return sg_err_set(e, SG_EDATA, "%s changed before byte %" PRIu64
			    ": the %" PRIu64 " bytes that end there are not the ones the "
			    "checkpoint recorded", abs, c->length, c->tail_len);
	}
	if (size > c->length) {
		/* Written after the last checkpoint, by a run that stopped. */
		if (ftruncate(r->fd, (off_t)c->length) < 0 || fsync(r->fd) < 0)
			return sys_err(e, SG_EIO, "cannot truncate", abs);
		r->torn = size - c->length;
	}
	return 0;
}

static int
open_output(sg_resume *r, int have_ckpt, sg_err *e)
{
	char abs[PATH_MAX];
	struct stat st;
	int rc;

	if ((r->fd = open(r->o.output, O_RDWR | O_CLOEXEC)) < 0 && errno == ENOENT &&
	    (r->fd = open(r->o.output, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) >= 0)
		r->created = 1;
	if (r->fd < 0)
		return sys_err(e, SG_EOPEN, "cannot open", r->o.output);
	if (flock(r->fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK
		    ? sg_err_set(e, SG_ERESUME, "%s is in use by another sg-resume", r->o.output)
		    : sys_err(e, SG_EIO, "cannot lock", r->o.output);
	if (fstat(r->fd, &st) < 0)
		return sys_err(e, SG_EIO, "cannot stat", r->o.output);
	if (!S_ISREG(st.st_mode))
		return sg_err_set(e, SG_EUSAGE, "%s is not a regular file: sg-resume "
		    "needs one it can sync and truncate", r->o.output);
	if (realpath(r->o.output, abs) == NULL)
		return sys_err(e, SG_EIO, "cannot resolve", r->o.output);
	if (strlen(abs) > SG_CKPT_PATH_MAX)
		return sg_err_set(e, SG_EUSAGE, "the path of %s is too long", r->o.output);
	if (have_ckpt && r->cur.state != SG_CKPT_FRESH) {
		if ((rc = check_output(r, abs, (uint64_t)st.st_size, e)) < 0)
			return rc;
	} else {
		/* A new job: OUTPUT is new or empty, or the last run stopped
		 * before its first checkpoint after writing nothing durable. */
		if (st.st_size > 0 && !have_ckpt)
			return sg_err_set(e, SG_ERESUME, "%s already holds %jd bytes and %s "
			    "does not exist: not overwriting it (remove it, or give the "
			    "checkpoint that goes with it)", r->o.output,
			    (intmax_t)st.st_size, r->o.checkpoint);
		if (have_ckpt && (strcmp(r->cur.output, abs) != 0 || r->cur.raw != r->o.raw))
			return sg_err_set(e, SG_ERESUME, "the checkpoint belongs to %s%s, not to %s",
			    r->cur.output, r->cur.raw ? " (--raw)" : "", abs);
		if (st.st_size > 0) {
			if (ftruncate(r->fd, 0) < 0)
				return sys_err(e, SG_EIO, "cannot truncate", abs);
			r->torn = (uint64_t)st.st_size;
		}
		if (r->created && (rc = sync_dir(abs, e)) < 0)
			return rc;
		sg_ckpt_init(&r->cur);
		snprintf(r->cur.output, sizeof r->cur.output, "%s", abs);
		r->cur.raw = r->o.raw;
		r->dirty = 1;
		if ((rc = sg_resume_sync(r, e)) < 0)
			return rc;
	}
	if (lseek(r->fd, (off_t)r->cur.length, SEEK_SET) < 0)
		return sys_err(e, SG_EIO, "cannot seek in", abs);
	r->kicked = r->cur.length;
	return 0;
}

/* open_output, and a file it created is removed again when the job is
 * refused: a refusal leaves nothing behind. */
static int
open_or_undo(sg_resume *r, int have_ckpt, sg_err *e)
{
	int rc = open_output(r, have_ckpt, e);

	if (rc < 0 && r->created)
		unlink(r->o.output);
	return rc;
}

sg_resume *
sg_resume_open(const sg_resume_opts *o, sg_err *e)
{
	sg_resume *r = calloc(1, sizeof *r);
	int rc;

	if (r == NULL) {
		sg_err_set(e, SG_ENOMEM, "out of memory");
		return NULL;
	}
	r->o = *o;
	r->fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &r->last_sync);
	if (o->raw && (r->codec = sg_codec_new()) == NULL) {
		sg_err_set(e, SG_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = sg_ckpt_load(o->checkpoint, &r->cur, e)) < 0 ||
	    open_or_undo(r, rc == 1, e) < 0)
		goto fail;
	r->caught_up = r->cur.state == SG_CKPT_FRESH;
	return r;
fail:
	if (r->fd >= 0)
		close(r->fd);
	sg_codec_free(r->codec);
	free(r);
	return NULL;
}

uint64_t
sg_resume_torn(const sg_resume *r)
{
	return r->torn;
}

int
sg_resume_done(const sg_resume *r)
{
	return r->cur.state == SG_CKPT_DONE;
}

const sg_ckpt *
sg_resume_state(const sg_resume *r)
{
	return &r->cur;
}

/* A frame that does not continue OUTPUT. */
static int
not_next(const sg_resume *r, const sg_frame *f, const char *why, sg_err *e)
{
	const sg_ckpt *c = &r->cur;

	return sg_err_at(e, SG_ERESUME, f->index, f->at, "%s (source %" PRIu32 ", seq %"
	    PRIu64 "), but %s continues at source %" PRIu64 ", %s %" PRIu64 "; is "
	    "sg-chunk run with --resume %s?", why, f->h.source, f->h.seq, c->output,
	    c->source, c->begun ? "seq" : "BEGIN, seq", c->seq, r->o.checkpoint);
}

/* Where frame f falls against the output: DROP (before its end), WRITE
 * (next), or an error (past it). */
static int
place(sg_resume *r, const sg_frame *f, sg_err *e)
{
	const sg_frame_hdr *h = &f->h;
	sg_ckpt *c = &r->cur;

	/* A newer writer's frame carries no place of its own: it goes in
	 * only once the stream has caught up with OUTPUT's end. */
	if (h->type != SG_TYPE_BEGIN && h->type != SG_TYPE_DATA && h->type != SG_TYPE_END)
		return r->o.raw || !r->caught_up ? DROP : WRITE;
	if (h->source < c->source)
		return DROP;
	if (h->source > c->source)
		return not_next(r, f, "a frame of a later source", e);
	if (!c->begun)
		return h->type == SG_TYPE_BEGIN ? WRITE
		    : not_next(r, f, "a frame before its source's BEGIN", e);
	if (h->type == SG_TYPE_BEGIN) {
		/* The resumed upstream begins the source OUTPUT is in again. */
		if (h->payload_sum != c->begin_sum)
			return sg_err_at(e, SG_ERESUME, f->index, f->at, "the BEGIN of "
			    "source %" PRIu32 " differs from the one %s holds: the input "
			    "or sg-chunk's options changed, or sg-chunk runs without "
			    "--resume %s", h->source, c->output, r->o.checkpoint);
		r->replayed = 1;
		r->replay_chain = 0;
		return DROP;
	}
	if (h->seq < c->seq) {
		/* The stream sent again from the start: the chunks must be
		 * those OUTPUT holds. */
		if (h->type == SG_TYPE_DATA && r->replayed) {
			r->replay_chain = sg_ckpt_chain(r->replay_chain, h);
			if (h->seq + 1 == c->seq && r->replay_chain != c->chain)
				return sg_err_at(e, SG_ERESUME, f->index, f->at, "the chunks "
				    "sent again differ from those %s holds: the input changed",
				    c->output);
		}
		return DROP;
	}
	if (h->seq > c->seq)
		return not_next(r, f, "a gap: this frame", e);
	if (h->type == SG_TYPE_DATA && h->offset != c->offset)
		return sg_err_at(e, SG_ERESUME, f->index, f->at, "DATA at source offset %"
		    PRIu64 ", but %s continues at offset %" PRIu64, h->offset, c->output,
		    c->offset);
	return WRITE;
}

/* cur after frame f is written; m is a BEGIN's metadata. Cannot fail:
 * cur must always match what was written. */
static void
advance(sg_resume *r, const sg_frame *f, const sg_meta *mp)
{
	const sg_frame_hdr *h = &f->h;
	sg_ckpt *c = &r->cur;

	switch (h->type) {
	case SG_TYPE_BEGIN:
		c->state = SG_CKPT_PARTIAL;
		c->begun = 1;
		c->begin_sum = h->payload_sum;
		memcpy(c->name, mp->name, mp->name_len + 1);
		c->name_len = mp->name_len;
		c->size = (mp->have & SG_META_HAS(SG_META_SIZE)) ? mp->size : SG_CKPT_UNKNOWN;
		c->has_mtime = (mp->have & SG_META_HAS(SG_META_MTIME)) != 0;
		c->mtime_ns = c->has_mtime ? mp->mtime_ns : 0;
		c->seq = 1;
		c->offset = h->offset;
		c->chain = 0;
		r->replayed = 0;
		if (c->options_len == 0 && (mp->have & SG_META_HAS(SG_META_JOB))) {
			memcpy(c->options, mp->job, mp->job_len + 1);
			c->options_len = mp->job_len;
		}
		break;
	case SG_TYPE_DATA:
		c->chain = sg_ckpt_chain(c->chain, h);
		c->seq++;
		c->offset += h->size - h->context;
		break;
	case SG_TYPE_END:
		c->sources_digest = sg_ckpt_digest(c->sources_digest, c->begin_sum);
		c->sources_done++;
		c->source++;
		c->begun = 0;
		c->begin_sum = 0;
		c->name[0] = '\0';
		c->name_len = 0;
		c->size = SG_CKPT_UNKNOWN;
		c->has_mtime = 0;
		c->mtime_ns = 0;
		c->seq = 0;
		c->offset = 0;
		c->chain = 0;
		if (h->flags & SG_FLAG_LAST)
			c->state = SG_CKPT_DONE;
		break;
	}
	r->dirty = 1;
}

/* Append what frame f puts in OUTPUT. */
static int
write_frame(sg_resume *r, const sg_frame *f, sg_err *e)
{
	const unsigned char *p = f->raw;
	uint64_t n = sg_frame_wire_len(&f->h);
	int rc;

	if (!r->o.raw && (f->h.flags & SG_FLAG_RESUMED) && f->h.type == SG_TYPE_BEGIN &&
	    f->h.stored <= SG_FRAME_META_MAX) {
		/* A resumed stream's first BEGIN goes in as the uninterrupted
		 * run wrote it: without the flag. */
		sg_frame_hdr h = f->h;

		h.flags &= (uint16_t)~SG_FLAG_RESUMED;
		h.hdr_len = SG_FRAME_HDR_LEN;
		sg_frame_encode(&h, r->begin_buf);
		memcpy(r->begin_buf + SG_FRAME_HDR_LEN, f->payload, f->h.stored);
		p = r->begin_buf;
		n = SG_FRAME_HDR_LEN + (uint64_t)f->h.stored;
	}
	if (r->o.raw) {
		if (f->h.type != SG_TYPE_DATA)
			return 0;
		if ((rc = sg_transcode_decode(r->codec, &f->h, f->payload, &r->dec, &p, e)) < 0)
			return sg_err_at(e, rc, f->index, f->at, "%s", e->msg);
		p += f->h.context;
		n = f->h.size - f->h.context;
	}
	if (n == 0)
		return 0;
	if ((rc = sg_io_write_all(r->fd, p, (size_t)n, e)) < 0) {
		char why[sizeof e->msg];

		snprintf(why, sizeof why, "%s", e->msg);
		return sg_err_set(e, SG_EIO, "%s: at byte %" PRIu64 ": %s", r->o.output,
		    r->cur.length, why);
	}
	r->cur.length += n;
	/* Start writeback of each 8 MiB written, so that the fsync at the
	 * next checkpoint finds little left to do and the pipe keeps moving.
	 * Only a hint: its failure changes nothing. */
	if (r->cur.length - r->kicked >= WRITEBACK_STEP) {
		(void)sync_file_range(r->fd, (off_t)r->kicked, (off_t)(r->cur.length - r->kicked),
		    SYNC_FILE_RANGE_WRITE);
		r->kicked = r->cur.length;
	}
	r->cur.tail_len = n;
	r->cur.tail_sum = sg_sum(p, (size_t)n);
	r->unsynced += n;
	return 0;
}

int
sg_resume_frame(sg_resume *r, const sg_frame *f, sg_err *e)
{
	sg_meta *m = &r->meta;
	int rc;

	if (r->cur.state == SG_CKPT_DONE)
		return sg_err_at(e, SG_EDATA, f->index, f->at,
		    "a frame after the end of the stream (its last END)");
	if (f->h.type == SG_TYPE_PROGRESS) {
		if (sg_meta_decode(f->payload, f->h.size, m, e) == 0 &&
		    (m->have & SG_META_HAS(SG_META_CONSUMED))) {
			r->cur.consumed = m->consumed;
			r->cur.total = (m->have & SG_META_HAS(SG_META_INPUT_TOTAL))
			    ? m->input_total : SG_CKPT_UNKNOWN;
			r->dirty = 1;
		}
		sg_err_clear(e);
		return 0;
	}
	if ((rc = place(r, f, e)) <= DROP)
		return rc < 0 ? rc : 0;
	if (f->h.type == SG_TYPE_BEGIN && (rc = sg_meta_decode(f->payload, f->h.size, m, e)) < 0)
		return sg_err_at(e, rc, f->index, f->at, "bad BEGIN metadata: %s", e->msg);
	if ((rc = write_frame(r, f, e)) < 0)
		return rc;
	r->caught_up = 1;
	advance(r, f, m);
	if (f->h.type == SG_TYPE_END ||
	    (r->o.every_bytes > 0 && r->unsynced >= r->o.every_bytes) ||
	    (r->o.every_seconds > 0 && since(&r->last_sync) >= r->o.every_seconds))
		return sg_resume_sync(r, e);
	return 0;
}

int
sg_resume_pending(const sg_resume *r, int *ms_left)
{
	double left;

	if (!r->dirty)
		return 0;
	if (r->o.every_seconds <= 0) {
		*ms_left = -1;
		return 1;
	}
	left = r->o.every_seconds - since(&r->last_sync);
	*ms_left = left <= 0 ? 0 : (int)(left * 1000) + 1;
	return 1;
}

int
sg_resume_sync(sg_resume *r, sg_err *e)
{
	struct timespec now;
	int rc;

	if (r->unsynced > 0 && fdatasync(r->fd) < 0)
		return sg_err_set(e, SG_EIO, "cannot sync %s: %s", r->cur.output, strerror(errno));
	clock_gettime(CLOCK_REALTIME, &now);
	r->cur.updated_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	if ((rc = sg_ckpt_save(r->o.checkpoint, &r->cur, e)) < 0)
		return rc;
	r->unsynced = 0;
	r->dirty = 0;
	clock_gettime(CLOCK_MONOTONIC, &r->last_sync);
	return 0;
}

int
sg_resume_close(sg_resume *r, sg_err *e)
{
	int rc = 0;

	if (r == NULL)
		return 0;
	if (r->dirty)
		rc = sg_resume_sync(r, e);
	close(r->fd);
	sg_codec_free(r->codec);
	sg_buf_free(&r->dec);
	free(r);
	return rc;
}
