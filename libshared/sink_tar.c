/* sink_tar.c: sg-decode --tar. Each source becomes one regular-file entry
 * of a POSIX pax tar written to a file descriptor by libarchive.
 *
 * A tar header states the entry's size before its data. When BEGIN gives
 * the size (and the stream carries the whole source, not a --part), the
 * header goes out at BEGIN and the data streams straight through; END
 * then checks that exactly that many bytes came. Otherwise the source is
 * spooled to an unlinked temporary file and written at END, when its
 * size is known. Either way memory stays bounded.
 *
 * An entry cut short (an error, or input that stops inside a source)
 * leaves the stream without its end-of-archive blocks, so that no reader
 * takes it for a complete archive. Names go out as they are, absolute or
 * with "..": refusing them is the extracting tar's business.
 */
#include "sink.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io.h"

#define SPOOL_BUF (256u << 10)  /* copying a spooled source to the archive */

enum { T_IDLE, T_STREAM, T_SPOOL, T_SKIP };

typedef struct tar_sink {
	sg_sink base;
	int fd;                 /* the output; not ours to close */
	struct archive *a;
	struct archive_entry *ent;
	int state;              /* T_*: what the current source is doing */
	int broken;             /* abandoned: nothing more reaches fd */
	int closed;             /* finish has run */
	uint64_t want;          /* T_STREAM: the size the header gave */
	uint64_t got;           /* new bytes of the current source so far */
	int spool;              /* unlinked temporary file, or -1 */
	unsigned char *buf;     /* SPOOL_BUF bytes, with the spool */
	sg_err out;             /* why writing to fd failed (code 0: it did not) */
	struct timespec now;    /* mtime of sources whose BEGIN has none */
	char name[SG_META_NAME_MAX + 1];
} tar_sink;

/* libarchive's output, written with sg_io_write_all so that a reader
 * that went away is SG_EPIPE, not an I/O error. */
static la_ssize_t
tar_write(struct archive *a, void *ctx, const void *p, size_t n)
{
	tar_sink *t = ctx;

	if (t->broken)
		return (la_ssize_t)n;  /* abandoned: libarchive may still flush */
	if (sg_io_write_all(t->fd, p, n, &t->out) != 0) {
		archive_set_error(a, EIO, "%s", t->out.msg);
		return -1;
	}
	return (la_ssize_t)n;
}

/* Stop writing for good: whatever libarchive still writes (the rest of
 * an entry, the end-of-archive blocks) is dropped. */
static void
abandon(tar_sink *t)
{
	t->broken = 1;
}

/* A libarchive call on the current entry failed: say why, and abandon the
 * stream (a half-written entry cannot be mended). */
static int
tar_fail(tar_sink *t, sg_err *e)
{
	const char *why = archive_error_string(t->a);
	int rc;

	if (t->out.code == SG_EPIPE)
		rc = sg_err_set(e, SG_EPIPE, "broken pipe");
	else
		rc = sg_err_set(e, SG_EIO, "cannot write '%s' to the tar stream: %s", t->name,
		    t->out.code != 0 ? t->out.msg : why != NULL ? why : "unknown error");
	abandon(t);
	return rc;
}

/* n bytes of entry data into the archive. */
static int
put(tar_sink *t, const unsigned char *p, size_t n, sg_err *e)
{
	while (n > 0) {
		la_ssize_t w = archive_write_data(t->a, p, n);

		if (w <= 0)
			return tar_fail(t, e);
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Source names are bytes, nearly always UTF-8, and pax wants UTF-8.
 * libarchive converts from the locale's charset, which it reads once per
 * archive (here). Under C.UTF-8 a valid UTF-8 name is written as it is
 * and any other as raw bytes under hdrcharset=BINARY, whatever the
 * process's locale; without C.UTF-8 the process's locale decides. */
static void
names_as_utf8(struct archive *a)
{
	locale_t u = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	locale_t old;

	if (u == (locale_t)0)
		return;
	old = uselocale(u);
	(void)archive_write_set_options(a, "hdrcharset=UTF-8");
	uselocale(old);
	freelocale(u);
}

static int
spool_open(tar_sink *t, sg_err *e)
{
	const char *dir = getenv("TMPDIR");
	size_t len;
	char *path;
	int fd;

	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	if (t->buf == NULL && (t->buf = malloc(SPOOL_BUF)) == NULL)
		return sg_err_set(e, SG_ENOMEM, "out of memory");
#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0) {
		t->spool = fd;
		return 0;
	}
#endif
	/* No O_TMPFILE here (or not on this file system): a named file, at
	 * once unlinked. */
	len = strlen(dir) + sizeof "/sg-decode-XXXXXX";
	if ((path = malloc(len)) == NULL)
		return sg_err_set(e, SG_ENOMEM, "out of memory");
	snprintf(path, len, "%s/sg-decode-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		free(path);
		return sg_err_set(e, SG_EIO, "cannot create a temporary file in '%s' for '%s': %s",
		    dir, t->name, strerror(err));
	}
	(void)unlink(path);
	free(path);
	t->spool = fd;
	return 0;
}

/* Write the spooled source: header with its real size, then the bytes. */
static int
spool_copy(tar_sink *t, sg_err *e)
{
	uint64_t off = 0;
	int rc = 0;

	archive_entry_set_size(t->ent, (la_int64_t)t->got);
	if (archive_write_header(t->a, t->ent) < ARCHIVE_WARN)
		return tar_fail(t, e);
	while (rc == 0 && off < t->got) {
		size_t n = t->got - off < SPOOL_BUF ? (size_t)(t->got - off) : SPOOL_BUF;
		ssize_t r = pread(t->spool, t->buf, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = sg_err_set(e, SG_EIO, "cannot read back the temporary file of '%s': %s",
			    t->name, r < 0 ? strerror(errno) : "it is shorter than written");
			abandon(t);
			break;
		}
		rc = put(t, t->buf, (size_t)r, e);
		off += (uint64_t)r;
	}
	/* Free the space now; the file is reused for the next spooled source. */
	if (ftruncate(t->spool, 0) < 0 || lseek(t->spool, 0, SEEK_SET) < 0) {
		close(t->spool);
		t->spool = -1;
	}
	return rc;
}

static int
tar_begin(sg_sink *s, const sg_frame_hdr *h, const sg_meta *m, sg_err *e)
{
	tar_sink *t = (tar_sink *)s;
	const char *name = sg_sink_source_name(m);
	uint32_t mode = m->have & SG_META_HAS(SG_META_MODE) ? m->mode & 07777 : 0644;

	(void)h;
	if (t->broken || t->closed)
		return sg_err_set(e, SG_EINTERNAL, "tar sink used after an error");
	if (t->state != T_IDLE)
		return sg_err_set(e, SG_EINTERNAL, "tar sink: BEGIN inside '%s'", t->name);
	snprintf(t->name, sizeof t->name, "%s", name);
	t->got = 0;
	/* A tar name is a C string; the name in BEGIN may hold a NUL. */
	if (name == m->name && strlen(name) != m->name_len) {
		t->state = T_SKIP;
		return sg_err_set(e, SG_SINK_REFUSED, "refused '%s': the name holds a NUL byte",
		    name);
	}

	archive_entry_clear(t->ent);
	archive_entry_copy_pathname(t->ent, name);
	archive_entry_set_filetype(t->ent, AE_IFREG);
	archive_entry_set_perm(t->ent, (mode_t)mode);
	if (m->have & SG_META_HAS(SG_META_MTIME))
		sg_sink_entry_mtime(t->ent, m->mtime_ns);
	else
		archive_entry_set_mtime(t->ent, t->now.tv_sec, t->now.tv_nsec);

	if ((m->have & SG_META_HAS(SG_META_SIZE)) && !(m->have & SG_META_HAS(SG_META_PART))) {
		t->state = T_STREAM;
		t->want = m->size;
		archive_entry_set_size(t->ent, (la_int64_t)m->size);
		/* ARCHIVE_WARN: a name that is not UTF-8, written as raw bytes. */
		if (archive_write_header(t->a, t->ent) < ARCHIVE_WARN)
			return tar_fail(t, e);
		return 0;
	}
	t->state = T_SPOOL;
	if (t->spool < 0 && spool_open(t, e) != 0) {
		abandon(t);
		return e->code;
	}
	return 0;
}

static int
tar_data(sg_sink *s, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e)
{
	tar_sink *t = (tar_sink *)s;
	const unsigned char *p = payload + h->context;
	size_t n;
	sg_err we;

	if (t->state == T_SKIP)
		return 0;
	if (t->broken || t->closed)
		return sg_err_set(e, SG_EINTERNAL, "tar sink used after an error");
	if (t->state == T_IDLE)
		return sg_err_set(e, SG_EINTERNAL, "tar sink: DATA outside a source");
	if (h->context > h->size)
		return sg_err_set(e, SG_EINTERNAL, "tar sink: context beyond the payload");
	n = h->size - h->context;
	if (t->state == T_STREAM) {
		if (n > t->want - t->got) {
			abandon(t);
			return sg_err_set(e, SG_EDATA, "'%s' is longer than the %llu bytes its "
			    "BEGIN gave", t->name, (unsigned long long)t->want);
		}
		t->got += n;
		return put(t, p, n, e);
	}
	if (sg_io_write_all(t->spool, p, n, &we) != 0) {
		abandon(t);
		return sg_err_set(e, SG_EIO, "cannot spool '%s' to a temporary file: %s",
		    t->name, we.msg);
	}
	t->got += n;
	return 0;
}

static int
tar_end(sg_sink *s, const sg_frame_hdr *h, const sg_meta *m, sg_err *e)
{
	tar_sink *t = (tar_sink *)s;
	int state = t->state;
	int rc;

	(void)h;
	(void)m;
	if (state == T_SKIP) {
		t->state = T_IDLE;
		return 0;
	}
	if (t->broken || t->closed)
		return sg_err_set(e, SG_EINTERNAL, "tar sink used after an error");
	if (state == T_IDLE)
		return sg_err_set(e, SG_EINTERNAL, "tar sink: END outside a source");
	if (state == T_STREAM && t->got != t->want) {
		abandon(t);
		return sg_err_set(e, SG_EDATA, "'%s' has %llu bytes, not the %llu its BEGIN gave",
		    t->name, (unsigned long long)t->got, (unsigned long long)t->want);
	}
	if (state == T_SPOOL && (rc = spool_copy(t, e)) != 0)
		return rc;
	if (archive_write_finish_entry(t->a) < ARCHIVE_WARN)
		return tar_fail(t, e);
	t->state = T_IDLE;
	return 0;
}

static int
tar_finish(sg_sink *s, sg_err *e)
{
	tar_sink *t = (tar_sink *)s;

	if (t->closed)
		return 0;
	t->closed = 1;
	if (t->broken)
		return 0;  /* the error that broke it was reported */
	if (t->state == T_STREAM || t->state == T_SPOOL) {
		abandon(t);
		return sg_err_set(e, SG_EDATA, "'%s' is incomplete: the tar stream ends "
		    "without it", t->name);
	}
	if (archive_write_close(t->a) < ARCHIVE_WARN) {
		const char *why = archive_error_string(t->a);

		abandon(t);
		if (t->out.code == SG_EPIPE)
			return sg_err_set(e, SG_EPIPE, "broken pipe");
		return sg_err_set(e, SG_EIO, "cannot end the tar stream: %s",
		    t->out.code != 0 ? t->out.msg : why != NULL ? why : "unknown error");
	}
	return 0;
}

static void
tar_free(sg_sink *s)
{
	tar_sink *t = (tar_sink *)s;

	if (t == NULL)
		return;
	if (t->a != NULL) {
		/* Without finish the stream is unfinished: no end blocks. */
		if (!t->closed)
			abandon(t);
		/* archive_write_free skips the close after a failed write, and
		 * the close is what releases the output's state. */
		(void)archive_write_close(t->a);
		archive_write_free(t->a);
	}
	if (t->ent != NULL)
		archive_entry_free(t->ent);
	if (t->spool >= 0)
		close(t->spool);
	free(t->buf);
	free(t);
}

static const sg_sink_ops tar_ops = {
	.begin = tar_begin,
	.data = tar_data,
	.end = tar_end,
	.finish = tar_finish,
	.free = tar_free,
};

sg_sink *
sg_sink_tar_new(int fd, sg_err *e)
{
	tar_sink *t = calloc(1, sizeof *t);

	if (t == NULL) {
		sg_err_set(e, SG_ENOMEM, "out of memory");
		return NULL;
	}
	t->base.ops = &tar_ops;
	t->fd = fd;
	t->spool = -1;
	sg_err_clear(&t->out);
	clock_gettime(CLOCK_REALTIME, &t->now);
	if ((t->a = archive_write_new()) == NULL || (t->ent = archive_entry_new()) == NULL) {
		sg_err_set(e, SG_ENOMEM, "out of memory");
		goto fail;
	}
	if (archive_write_set_format_pax(t->a) != ARCHIVE_OK) {
		sg_err_set(e, SG_EINTERNAL, "cannot set up a pax writer: %s",
		    archive_error_string(t->a));
		goto fail;
	}
	names_as_utf8(t->a);
	/* Unblocked: each write goes straight to fd, so a consumer sees a
	 * source as soon as it is decoded (not 10240-byte records later), and
	 * a stream abandoned after an error ends where its last write did. */
	if (archive_write_set_bytes_per_block(t->a, 0) != ARCHIVE_OK) {
		sg_err_set(e, SG_EINTERNAL, "cannot set up a pax writer: %s",
		    archive_error_string(t->a));
		goto fail;
	}
	if (archive_write_open2(t->a, t, NULL, tar_write, NULL, NULL) != ARCHIVE_OK) {
		sg_err_set(e, SG_EIO, "cannot start the tar stream: %s",
		    archive_error_string(t->a));
		goto fail;
	}
	return &t->base;
fail:
	tar_free(&t->base);
	return NULL;
}
