/* sink_extract.c: sg-decode --extract DIR. Each source becomes a file
 * under DIR, written by libarchive's disk writer with every secure flag:
 * a name that is absolute, has a ".." component or leads through a
 * symbolic link is refused (SG_SINK_REFUSED) and the run carries on.
 *
 * Names stay relative and are resolved from DIR: the process enters DIR
 * (fchdir) around each libarchive call that touches the disk and returns
 * to its working directory before the call returns. Prefixing the names
 * with DIR instead would make the symlink check apply to DIR's own path.
 * While a sink call runs, the process's working directory is DIR, so
 * nothing else in the process may resolve relative paths meanwhile.
 *
 * Files get BEGIN's mode without set-user-ID, set-group-ID and sticky
 * bits (0644 when BEGIN has none) and BEGIN's mtime. An existing file of
 * the same name is replaced. A source the run stops inside (an error, or
 * input that ends in it) is removed rather than left looking complete.
 */
#include "sink.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { X_IDLE, X_OPEN, X_SKIP };

typedef struct extract_sink {
	sg_sink base;
	struct archive *a;
	struct archive_entry *ent;
	int dirfd;              /* DIR */
	int cwdfd;              /* the working directory to return to */
	char *dir;              /* DIR as given, for messages */
	int state;              /* X_*: what the current source is doing */
	int failed;             /* a call returned an error (reported) */
	int closed;             /* finish has run */
	int sized;              /* BEGIN gave the size of the whole source */
	uint64_t want, got;     /* that size; new bytes so far */
	char name[SG_META_NAME_MAX + 1];
} extract_sink;

/* Into DIR, so that libarchive resolves the entry's name there. */
static int
enter(extract_sink *x, sg_err *e)
{
	if (fchdir(x->dirfd) < 0)
		return sg_err_set(e, SG_EIO, "cannot enter '%s': %s", x->dir, strerror(errno));
	return 0;
}

/* Back to the working directory; rc passes through unless this fails. */
static int
leave(extract_sink *x, int rc, sg_err *e)
{
	if (fchdir(x->cwdfd) < 0)
		return sg_err_set(e, SG_EIO, "cannot return to the working directory: %s",
		    strerror(errno));
	return rc;
}

static const char *
why(extract_sink *x)
{
	const char *s = archive_error_string(x->a);

	return s != NULL ? s : "unknown error";
}

static int
fail(extract_sink *x, int rc)
{
	x->failed = 1;
	return rc;
}

static int
x_begin(sg_sink *s, const sg_frame_hdr *h, const sg_meta *m, sg_err *e)
{
	extract_sink *x = (extract_sink *)s;
	const char *name = sg_sink_source_name(m);
	uint32_t mode = m->have & SG_META_HAS(SG_META_MODE) ? m->mode & 0777 : 0644;
	int r, rc;

	(void)h;
	if (x->failed || x->closed)
		return sg_err_set(e, SG_EINTERNAL, "extract sink used after an error");
	if (x->state != X_IDLE)
		return fail(x, sg_err_set(e, SG_EINTERNAL, "extract sink: BEGIN inside '%s'",
		    x->name));
	snprintf(x->name, sizeof x->name, "%s", name);
	x->got = 0;
	/* A path is a C string; the name in BEGIN may hold a NUL. */
	if (name == m->name && strlen(name) != m->name_len) {
		x->state = X_SKIP;
		return sg_err_set(e, SG_SINK_REFUSED, "refused '%s': the name holds a NUL byte",
		    name);
	}

	archive_entry_clear(x->ent);
	archive_entry_copy_pathname(x->ent, name);
	archive_entry_set_filetype(x->ent, AE_IFREG);
	archive_entry_set_perm(x->ent, (mode_t)mode);
	if (m->have & SG_META_HAS(SG_META_MTIME))
		sg_sink_entry_mtime(x->ent, m->mtime_ns);
	/* Unset, the size lets libarchive take any length (a --part stream
	 * gives the whole source's size but carries only part of it). */
	x->sized = (m->have & SG_META_HAS(SG_META_SIZE)) &&
	    !(m->have & SG_META_HAS(SG_META_PART));
	x->want = x->sized ? m->size : 0;
	if (x->sized)
		archive_entry_set_size(x->ent, (la_int64_t)m->size);

	if ((rc = enter(x, e)) != 0)
		return fail(x, rc);
	r = archive_write_header(x->a, x->ent);
	if (r >= ARCHIVE_WARN)
		x->state = X_OPEN;
	else if (r == ARCHIVE_FAILED)
		x->state = X_SKIP;
	if ((rc = leave(x, 0, e)) != 0)
		return fail(x, rc);
	if (r == ARCHIVE_FAILED)
		return sg_err_set(e, SG_SINK_REFUSED, "refused '%s': %s", name, why(x));
	if (r < ARCHIVE_FAILED)  /* the writer itself is broken: stop */
		return fail(x, sg_err_set(e, SG_EIO, "cannot extract '%s': %s", name, why(x)));
	return 0;  /* ARCHIVE_WARN too: the file is there */
}

static int
x_data(sg_sink *s, const sg_frame_hdr *h, const unsigned char *payload, sg_err *e)
{
	extract_sink *x = (extract_sink *)s;
	const unsigned char *p = payload + h->context;
	size_t n;
	int rc;

	if (x->state == X_SKIP)
		return 0;
	if (x->failed || x->closed)
		return sg_err_set(e, SG_EINTERNAL, "extract sink used after an error");
	if (x->state != X_OPEN)
		return fail(x, sg_err_set(e, SG_EINTERNAL, "extract sink: DATA outside a source"));
	if (h->context > h->size)
		return fail(x, sg_err_set(e, SG_EINTERNAL,
		    "extract sink: context beyond the payload"));
	n = h->size - h->context;
	if (x->sized && n > x->want - x->got)
		return fail(x, sg_err_set(e, SG_EDATA, "'%s' is longer than the %llu bytes its "
		    "BEGIN gave", x->name, (unsigned long long)x->want));
	if ((rc = enter(x, e)) != 0)
		return fail(x, rc);
	while (n > 0) {
		/* Any negative count is a failure, ARCHIVE_WARN included: the
		 * disk writer reports a failed write(2) that way. */
		la_ssize_t w = archive_write_data(x->a, p, n);

		if (w <= 0) {
			rc = sg_err_set(e, SG_EIO, "cannot write '%s': %s", x->name, why(x));
			break;
		}
		p += w;
		n -= (size_t)w;
		x->got += (uint64_t)w;
	}
	if ((rc = leave(x, rc, e)) != 0)
		return fail(x, rc);
	return 0;
}

static int
x_end(sg_sink *s, const sg_frame_hdr *h, const sg_meta *m, sg_err *e)
{
	extract_sink *x = (extract_sink *)s;
	int r, rc;

	(void)h;
	(void)m;
	if (x->state == X_SKIP) {
		x->state = X_IDLE;
		return 0;
	}
	if (x->failed || x->closed)
		return sg_err_set(e, SG_EINTERNAL, "extract sink used after an error");
	if (x->state != X_OPEN)
		return fail(x, sg_err_set(e, SG_EINTERNAL, "extract sink: END outside a source"));
	/* Short, libarchive would pad the file with zeros to the size. */
	if (x->sized && x->got != x->want)
		return fail(x, sg_err_set(e, SG_EDATA, "'%s' has %llu bytes, not the %llu its "
		    "BEGIN gave", x->name, (unsigned long long)x->got,
		    (unsigned long long)x->want));
	if ((rc = enter(x, e)) != 0)
		return fail(x, rc);
	r = archive_write_finish_entry(x->a);
	x->state = X_IDLE;
	rc = r < ARCHIVE_WARN ? sg_err_set(e, SG_EIO, "cannot finish '%s': %s", x->name,
	    why(x)) : 0;
	if ((rc = leave(x, rc, e)) != 0)
		return fail(x, rc);
	return 0;
}

/* Close the disk writer; remove a file the run stopped inside. */
static int
shut(extract_sink *x, sg_err *e)
{
	int was_open = x->state == X_OPEN;
	int r = ARCHIVE_FATAL, rc = 0;

	x->closed = 1;
	if ((rc = enter(x, e)) == 0) {
		r = archive_write_close(x->a);
		rc = leave(x, 0, e);
	}
	if (rc == 0 && r < ARCHIVE_WARN)
		rc = sg_err_set(e, SG_EIO, "cannot finish extracting into '%s': %s", x->dir, why(x));
	x->state = X_IDLE;
	if (was_open) {
		/* The name passed libarchive's checks when the file was made. */
		(void)unlinkat(x->dirfd, x->name, 0);
		if (rc == 0)
			rc = sg_err_set(e, SG_EDATA, "'%s' is incomplete: removed it", x->name);
	}
	return rc;
}

static int
x_finish(sg_sink *s, sg_err *e)
{
	extract_sink *x = (extract_sink *)s;
	int rc;

	if (x->closed)
		return 0;
	rc = shut(x, e);
	return x->failed ? 0 : rc;  /* after an error, that error was reported */
}

static void
x_free(sg_sink *s)
{
	extract_sink *x = (extract_sink *)s;
	sg_err e;

	if (x == NULL)
		return;
	if (x->a != NULL) {
		if (!x->closed && x->dirfd >= 0 && x->cwdfd >= 0)
			(void)shut(x, &e);
		archive_write_free(x->a);  /* no disk access once closed */
	}
	if (x->ent != NULL)
		archive_entry_free(x->ent);
	if (x->dirfd >= 0)
		close(x->dirfd);
	if (x->cwdfd >= 0)
		close(x->cwdfd);
	free(x->dir);
	free(x);
}

static const sg_sink_ops extract_ops = {
	.begin = x_begin,
	.data = x_data,
	.end = x_end,
	.finish = x_finish,
	.free = x_free,
};

sg_sink *
sg_sink_extract_new(const char *dir, sg_err *e)
{
	extract_sink *x = calloc(1, sizeof *x);
	int flags = ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	    ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_TIME |
	    ARCHIVE_EXTRACT_PERM;

#ifdef ARCHIVE_EXTRACT_SAFE_WRITES
	flags |= ARCHIVE_EXTRACT_SAFE_WRITES;
#endif
	if (x == NULL) {
		sg_err_set(e, SG_ENOMEM, "out of memory");
		return NULL;
	}
	x->base.ops = &extract_ops;
	x->dirfd = x->cwdfd = -1;
	if ((x->dir = strdup(dir)) == NULL) {
		sg_err_set(e, SG_ENOMEM, "out of memory");
		goto fail;
	}
	/* One level: the directory's parent must exist. */
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		sg_err_set(e, SG_EIO, "cannot create directory '%s': %s", dir, strerror(errno));
		goto fail;
	}
	if ((x->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		sg_err_set(e, SG_EIO, "cannot open directory '%s': %s", dir, strerror(errno));
		goto fail;
	}
	if ((x->cwdfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		sg_err_set(e, SG_EIO, "cannot open the working directory (needed to return to "
		    "it from '%s'): %s", dir, strerror(errno));
		goto fail;
	}
	if ((x->a = archive_write_disk_new()) == NULL || (x->ent = archive_entry_new()) == NULL) {
		sg_err_set(e, SG_ENOMEM, "out of memory");
		goto fail;
	}
	if (archive_write_disk_set_options(x->a, flags) != ARCHIVE_OK) {
		sg_err_set(e, SG_EINTERNAL, "cannot set up the disk writer: %s", why(x));
		goto fail;
	}
	return &x->base;
fail:
	x->closed = 1;  /* nothing was extracted: nothing to close */
	x_free(&x->base);
	return NULL;
}
