/* input.c: a file or stdin as plain bytes, or through libarchive as the
 * decompressed bytes or the entries of an archive (see input.h). */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"
#include "io.h"

#define BLOCK (256u << 10) /* what one read callback reads */
#define TAR_BLOCK 512

struct sg_input {
	int fd;
	int regular;            /* a regular file: seekable, with a size */
	uint64_t file_size;     /* of a regular file */
	int64_t mtime_ns;
	uint32_t mode;
	unsigned flags;
	enum sg_input_kind kind;
	const char *path;       /* as given; the caller keeps it alive */

	struct archive *a;
	struct archive_entry *entry;
	int pending;            /* entry holds a header not yet handed out */
	int done;               /* no more sources */
	int sources;            /* sources handed out */
	char *entry_name;       /* the current entry's, for messages */
	int between;            /* reading the header after entry_name's */

	/* The probe of a non-seekable input: bytes read before deciding,
	 * served again first (to libarchive, or to plain reads). */
	unsigned char *probe;
	size_t probe_len, probe_pos, probe_cap;
	unsigned char *block;   /* the read callback's buffer */
	uint64_t pos;           /* offset in the underlying input */
	int read_errno;         /* a read callback's failure */

	uint64_t dirs, others;
};

/* --- libarchive's view of the input ------------------------------------ */

static la_ssize_t
cb_read(struct archive *a, void *ctx, const void **buf)
{
	sg_input *in = ctx;
	ssize_t n;

	(void)a;
	if (in->probe_pos < in->probe_len) {
		*buf = in->probe + in->probe_pos;
		n = (ssize_t)(in->probe_len - in->probe_pos);
		in->probe_pos = in->probe_len;
		in->pos += (uint64_t)n;
		return n;
	}
	/* libarchive is done with the probe once it asks for more. */
	free(in->probe);
	in->probe = NULL;
	in->probe_len = in->probe_pos = 0;
	do
		n = read(in->fd, in->block, BLOCK);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		in->read_errno = errno;
		archive_set_error(a, errno, "read error: %s", strerror(errno));
		return ARCHIVE_FATAL;
	}
	*buf = in->block;
	in->pos += (uint64_t)n;
	return n;
}

static la_int64_t
cb_seek(struct archive *a, void *ctx, la_int64_t off, int whence)
{
	sg_input *in = ctx;
	off_t r = lseek(in->fd, (off_t)off, whence);

	if (r < 0) {
		archive_set_error(a, errno, "seek error: %s", strerror(errno));
		return ARCHIVE_FATAL;
	}
	in->pos = (uint64_t)r;
	return r;
}

static la_int64_t
cb_skip(struct archive *a, void *ctx, la_int64_t request)
{
	sg_input *in = ctx;
	off_t here = lseek(in->fd, 0, SEEK_CUR), to;

	(void)a;
	if (here < 0 || (uint64_t)here >= in->file_size)
		return 0; /* libarchive reads past what it cannot skip */
	to = here + request;
	if ((uint64_t)to > in->file_size)
		to = (off_t)in->file_size;
	if (lseek(in->fd, to, SEEK_SET) < 0)
		return 0;
	in->pos = (uint64_t)to;
	return to - here;
}

/* Which formats a reader looks for: none (raw bytes, or empty), every
 * archive format sg reads, or one ARCHIVE_FORMAT_* code that a probe found. */
#define FORMATS_NONE 0
#define FORMATS_ALL (-1)

/* A reader for the filters the flags allow and the formats asked for. */
static struct archive *
new_reader(unsigned flags, int formats)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		return NULL;
	/* Each filter on its own: _all would add uudecode, which rewrites
	 * a text file that happens to hold "begin 644". A filter that needs
	 * an external program (lrzip, grzip) warns here and is still used. */
	if (!(flags & SG_INPUT_NO_DECOMPRESS)) {
		(void)archive_read_support_filter_bzip2(a);
		(void)archive_read_support_filter_compress(a);
		(void)archive_read_support_filter_grzip(a);
		(void)archive_read_support_filter_gzip(a);
		(void)archive_read_support_filter_lrzip(a);
		(void)archive_read_support_filter_lz4(a);
		(void)archive_read_support_filter_lzip(a);
		(void)archive_read_support_filter_lzma(a);
		(void)archive_read_support_filter_lzop(a);
		(void)archive_read_support_filter_xz(a);
		(void)archive_read_support_filter_zstd(a);
	}
	/* Reading, only the format found: with iso9660's large read-ahead
	 * in the race, libarchive 3.6 takes a tar cut inside a header for a
	 * clean end. */
	if (formats > 0) {
		(void)archive_read_support_format_by_code(a, formats);
		return a;
	}
	/* The archive formats by name: _all would add mtree and warc, text
	 * formats that ordinary text can look like. */
	if (formats == FORMATS_ALL) {
		(void)archive_read_support_format_7zip(a);
		(void)archive_read_support_format_ar(a);
		(void)archive_read_support_format_cab(a);
		(void)archive_read_support_format_cpio(a);
		(void)archive_read_support_format_iso9660(a);
		(void)archive_read_support_format_lha(a);
		(void)archive_read_support_format_rar(a);
		(void)archive_read_support_format_rar5(a);
		(void)archive_read_support_format_tar(a);
		(void)archive_read_support_format_xar(a);
		(void)archive_read_support_format_zip(a);
	}
	(void)archive_read_support_format_empty(a);
	(void)archive_read_support_format_raw(a);
	return a;
}

static int
la_error(sg_input *in, struct archive *a, int code, const char *what, sg_err *e)
{
	const char *why = archive_error_string(a);

	if (why == NULL)
		why = in->read_errno ? strerror(in->read_errno) : "unknown error";
	if (in->entry_name != NULL)
		return sg_err_set(e, code, "%sentry '%s': %s", in->between ? "after " : "",
		    in->entry_name, why);
	return sg_err_set(e, code, "%s: %s", what, why);
}

static int
is_compressed(struct archive *a)
{
	int i, n = archive_filter_count(a);

	for (i = 0; i < n; i++)
		if (archive_filter_code(a, i) != ARCHIVE_FILTER_NONE)
			return 1;
	return 0;
}

static int
format_is_archive(struct archive *a)
{
	int f = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;

	return f != 0 && f != ARCHIVE_FORMAT_RAW && f != ARCHIVE_FORMAT_EMPTY;
}

/* What the probe's first header says: an archive unless the format is raw
 * or empty, or tar found no entry at all (a run of zero blocks: tar calls
 * that an empty archive, but it is as likely a file of zeros). */
static int
probe_says_archive(struct archive *a, int rc)
{
	if (!format_is_archive(a))
		return 0;
	if (rc == ARCHIVE_EOF &&
	    (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_TAR)
		return 0;
	return 1;
}

/* What a probe reader found: whether the input is compressed, and the
 * archive format to read it with (FORMATS_NONE: none, FORMATS_ALL: not
 * known yet). opened says whether archive_read_open succeeded. */
static void
probe_result(sg_input *in, struct archive *a, int opened, int *compressed, int *formats)
{
	int rc = opened ? archive_read_next_header(a, &in->entry) : ARCHIVE_FATAL;

	/* Only a filter that cannot decode the start fails the open (raw
	 * takes any byte, empty no byte): reading will say why. */
	*compressed = !opened || is_compressed(a);
	*formats = FORMATS_NONE;
	in->entry = NULL;
	if (in->flags & SG_INPUT_NO_ARCHIVE)
		return;
	if (probe_says_archive(a, rc))
		*formats = archive_format(a);
	/* Compressed, but what arrived did not decode far enough to name
	 * the format (a bzip2 block is up to 900 KiB): all of it will. */
	else if (*compressed && rc < ARCHIVE_WARN && archive_format(a) == 0)
		*formats = FORMATS_ALL;
}

static int
open_reader(sg_input *in, int formats, sg_err *e)
{
	if ((in->a = new_reader(in->flags, formats)) == NULL)
		return sg_err_set(e, SG_ENOMEM, "out of memory");
	archive_read_set_callback_data(in->a, in);
	archive_read_set_read_callback(in->a, cb_read);
	if (in->regular) {
		archive_read_set_seek_callback(in->a, cb_seek);
		archive_read_set_skip_callback(in->a, cb_skip);
	}
	if (archive_read_open1(in->a) != ARCHIVE_OK)
		return la_error(in, in->a, SG_EDATA, "cannot read", e);
	return 0;
}

static void
free_reader(sg_input *in)
{
	if (in->a != NULL)
		archive_read_free(in->a);
	in->a = NULL;
	in->entry = NULL;
}

/* A regular file is probed in place (seekable: zip's central directory,
 * 7z), then rewound. */
static int
probe_regular(sg_input *in, int *compressed, int *formats, sg_err *e)
{
	int opened;

	if ((in->a = new_reader(in->flags, FORMATS_ALL)) == NULL)
		return sg_err_set(e, SG_ENOMEM, "out of memory");
	archive_read_set_callback_data(in->a, in);
	archive_read_set_read_callback(in->a, cb_read);
	archive_read_set_seek_callback(in->a, cb_seek);
	archive_read_set_skip_callback(in->a, cb_skip);
	opened = archive_read_open1(in->a) == ARCHIVE_OK;
	probe_result(in, in->a, opened, compressed, formats);
	free_reader(in);
	in->pos = 0;
	if (lseek(in->fd, 0, SEEK_SET) < 0)
		return sg_err_set(e, SG_EIO, "cannot rewind: %s", strerror(errno));
	return 0;
}

/* Read into the probe until it holds want bytes or the input ends; only
 * the first read waits, unless block says to wait for all of them. */
static int
fill_probe(sg_input *in, size_t want, int block, int *eof, sg_err *e)
{
	if (want > in->probe_cap) {
		unsigned char *p = realloc(in->probe, want);

		if (p == NULL)
			return sg_err_set(e, SG_ENOMEM, "out of memory");
		in->probe = p;
		in->probe_cap = want;
	}
	while (in->probe_len < want) {
		ssize_t n;

		if (!block && in->probe_len > 0 && !sg_io_input_waiting(in->fd))
			break;
		if ((n = sg_io_read(in->fd, in->probe + in->probe_len,
		    want - in->probe_len, e)) < 0)
			return (int)n;
		if (n == 0) {
			*eof = 1;
			break;
		}
		in->probe_len += (size_t)n;
	}
	return 0;
}

/* Anything else is probed on what has arrived, without waiting for more;
 * those bytes are read again from memory. A compressed start that does
 * not decode yet (a bzip2 or lz4 block is read whole) waits for more, up
 * to SG_INPUT_PROBE_GROW; plain bytes never wait. */
static int
probe_stream(sg_input *in, int *compressed, int *formats, sg_err *e)
{
	size_t want = SG_INPUT_PROBE_MAX;
	int eof = 0, rc = fill_probe(in, want, 0, &eof, e);

	while (rc == 0) {
		struct archive *a = new_reader(in->flags, FORMATS_ALL);
		int opened;

		if (a == NULL)
			return sg_err_set(e, SG_ENOMEM, "out of memory");
		opened = archive_read_open_memory(a, in->probe, in->probe_len) == ARCHIVE_OK;
		if (opened || eof || want >= SG_INPUT_PROBE_GROW) {
			probe_result(in, a, opened, compressed, formats);
			archive_read_free(a);
			return 0;
		}
		archive_read_free(a);
		want *= 2;
		rc = fill_probe(in, want, 1, &eof, e);
	}
	return rc;
}

/* Open the reader for what the probe found, and read the first header. */
static int
start_reading(sg_input *in, int compressed, int formats, sg_err *e)
{
	int rc;

	if (!compressed && formats == FORMATS_NONE) {
		in->kind = SG_INPUT_PLAIN;
		return 0;
	}
	if (in->block == NULL && (in->block = malloc(BLOCK)) == NULL)
		return sg_err_set(e, SG_ENOMEM, "out of memory");
	if ((rc = open_reader(in, formats, e)) < 0)
		return rc;
	rc = archive_read_next_header(in->a, &in->entry);
	if (rc < ARCHIVE_WARN && rc != ARCHIVE_EOF)
		return la_error(in, in->a, SG_EDATA, "cannot read", e);
	if (rc == ARCHIVE_EOF)
		in->entry = NULL;
	in->kind = formats != FORMATS_NONE && probe_says_archive(in->a, rc)
	    ? SG_INPUT_ARCHIVE : SG_INPUT_COMPRESSED;
	if (in->kind == SG_INPUT_COMPRESSED && format_is_archive(in->a)) {
		/* Compressed zero blocks, seen only now: one source after all,
		 * read again from the start where the input can be rewound. */
		free_reader(in);
		if (!in->regular)
			return sg_err_set(e, SG_EDATA, "cannot read: compressed zero "
			    "blocks on a pipe (an empty tar?); use --raw to read them");
		in->pos = 0;
		if (lseek(in->fd, 0, SEEK_SET) < 0)
			return sg_err_set(e, SG_EIO, "cannot rewind: %s", strerror(errno));
		return start_reading(in, 1, FORMATS_NONE, e);
	}
	in->pending = rc != ARCHIVE_EOF || in->kind == SG_INPUT_COMPRESSED;
	in->done = rc == ARCHIVE_EOF && in->kind == SG_INPUT_ARCHIVE;
	return 0;
}

sg_input *
sg_input_open(const char *path, unsigned flags, sg_err *e)
{
	sg_input *in = calloc(1, sizeof *in);
	struct stat st;
	int rc = 0;

	if (in == NULL) {
		sg_err_set(e, SG_ENOMEM, "out of memory");
		return NULL;
	}
	in->path = path;
	in->flags = flags;
	if ((in->fd = sg_io_open_input(path, e)) < 0) {
		free(in);
		return NULL;
	}
	if (fstat(in->fd, &st) == 0) {
		in->regular = S_ISREG(st.st_mode);
		in->file_size = in->regular ? (uint64_t)st.st_size : 0;
		in->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
		in->mode = st.st_mode;
	}
	if (in->regular)
		(void)posix_fadvise(in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (flags & SG_INPUT_NO_DECOMPRESS)
		in->kind = SG_INPUT_PLAIN;
	else {
		int compressed, formats;

		if ((in->block = malloc(BLOCK)) == NULL)
			rc = sg_err_set(e, SG_ENOMEM, "out of memory");
		else if (in->regular)
			rc = probe_regular(in, &compressed, &formats, e);
		else
			rc = probe_stream(in, &compressed, &formats, e);
		if (rc == 0)
			rc = start_reading(in, compressed, formats, e);
	}
	if (rc < 0) {
		sg_input_close(in);
		return NULL;
	}
	return in;
}

void
sg_input_close(sg_input *in)
{
	if (in == NULL)
		return;
	free_reader(in);
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	free(in->probe);
	free(in->block);
	free(in->entry_name);
	free(in);
}

enum sg_input_kind
sg_input_kind(const sg_input *in)
{
	return in->kind;
}

int
sg_input_fd(const sg_input *in)
{
	return in->fd;
}

/* --- sources -------------------------------------------------------------- */

/* The name of a compressed file's content: the name without the
 * compression's suffix (events.jsonl.gz holds events.jsonl). */
static size_t
strip_suffix(const char *name)
{
	static const char *const suffixes[] = {
		".gz", ".bz2", ".bz", ".xz", ".lzma", ".lz", ".lzo", ".zst",
		".zstd", ".lz4", ".Z", ".z", ".lrz", ".grz", NULL,
	};
	size_t len = strlen(name), i;

	for (i = 0; suffixes[i] != NULL; i++) {
		size_t s = strlen(suffixes[i]);

		if (len > s && strcmp(name + len - s, suffixes[i]) == 0 &&
		    name[len - s - 1] != '/')
			return len - s;
	}
	return len;
}

static void
describe_file(const sg_input *in, sg_meta *m)
{
	if (in->kind == SG_INPUT_COMPRESSED)
		sg_meta_set_name(m, in->path, strip_suffix(in->path));
	else
		sg_meta_set_name(m, in->path, strlen(in->path));
	if (in->kind == SG_INPUT_PLAIN && in->regular) {
		m->size = in->file_size;
		m->have |= SG_META_HAS(SG_META_SIZE);
	}
	/* A pipe's mode and time say nothing about the data. */
	if (in->regular) {
		m->mtime_ns = in->mtime_ns;
		m->mode = in->mode;
		m->have |= SG_META_HAS(SG_META_MTIME) | SG_META_HAS(SG_META_MODE);
	}
}

static int
describe_entry(sg_input *in, sg_meta *m, sg_err *e)
{
	struct archive_entry *en = in->entry;
	/* In the C.UTF-8 locale sg-chunk sets, the multibyte name is the
	 * UTF-8 one, without another conversion. */
	const char *name = archive_entry_pathname(en);

	if (name == NULL)
		name = archive_entry_pathname_utf8(en);
	if (name == NULL)
		name = "";
	free(in->entry_name);
	if ((in->entry_name = strdup(name)) == NULL)
		return sg_err_set(e, SG_ENOMEM, "out of memory");
	sg_meta_set_name(m, name, strlen(name));
	if (archive_entry_size_is_set(en) && archive_entry_size(en) >= 0) {
		m->size = (uint64_t)archive_entry_size(en);
		m->have |= SG_META_HAS(SG_META_SIZE);
	}
	if (archive_entry_mtime_is_set(en)) {
		m->mtime_ns = (int64_t)archive_entry_mtime(en) * 1000000000 +
		    archive_entry_mtime_nsec(en);
		m->have |= SG_META_HAS(SG_META_MTIME);
	}
	m->mode = (uint32_t)archive_entry_mode(en);
	m->have |= SG_META_HAS(SG_META_MODE);
	return 0;
}

/* Whether the entry is a file with data of its own: a hard link to an
 * earlier entry carries none. */
static int
regular_entry(sg_input *in)
{
	struct archive_entry *en = in->entry;

	if (archive_entry_filetype(en) == AE_IFDIR) {
		in->dirs++;
		return 0;
	}
	if (archive_entry_filetype(en) != AE_IFREG ||
	    (archive_entry_hardlink(en) != NULL &&
	    (!archive_entry_size_is_set(en) || archive_entry_size(en) == 0))) {
		in->others++;
		return 0;
	}
	return 1;
}

static int
next_entry(sg_input *in, sg_meta *m, sg_err *e)
{
	for (;;) {
		int rc;

		if (!in->pending) {
			in->between = 1;
			rc = archive_read_next_header(in->a, &in->entry);
			if (rc == ARCHIVE_EOF) {
				in->done = 1;
				return 0;
			}
			if (rc < ARCHIVE_WARN) {
				in->done = 1;
				return la_error(in, in->a, SG_EDATA, "cannot read", e);
			}
		}
		in->pending = 0;
		in->between = 0;
		if (regular_entry(in))
			return describe_entry(in, m, e) < 0 ? SG_ENOMEM : 1;
	}
}

int
sg_input_next(sg_input *in, sg_meta *m, sg_err *e)
{
	sg_meta_clear(m);
	if (in->done)
		return 0;
	if (in->kind == SG_INPUT_ARCHIVE)
		return next_entry(in, m, e);
	if (in->sources++ > 0) {
		in->done = 1;
		return 0;
	}
	in->pending = 0;
	describe_file(in, m);
	return 1;
}

ssize_t
sg_input_read(sg_input *in, void *buf, size_t n, sg_err *e)
{
	la_ssize_t r;

	if (in->kind == SG_INPUT_PLAIN) {
		if (in->probe_pos < in->probe_len) {
			size_t k = in->probe_len - in->probe_pos;

			if (k > n)
				k = n;
			memcpy(buf, in->probe + in->probe_pos, k);
			in->probe_pos += k;
			if (in->probe_pos == in->probe_len) {
				free(in->probe);
				in->probe = NULL;
				in->probe_len = in->probe_pos = 0;
			}
			return (ssize_t)k;
		}
		return sg_io_read(in->fd, buf, n, e);
	}
	if (in->entry == NULL && in->kind == SG_INPUT_COMPRESSED)
		return 0; /* compressed and empty: no header to read data of */
	r = archive_read_data(in->a, buf, n);
	if (r < 0)
		return la_error(in, in->a, in->read_errno ? SG_EIO : SG_EDATA, "cannot read", e);
	return (ssize_t)r;
}

int
sg_input_seek(sg_input *in, uint64_t off, sg_err *e)
{
	if (in->kind != SG_INPUT_PLAIN || !in->regular)
		return sg_err_set(e, SG_EUSAGE, "--part needs a plain regular file, "
		    "not %s input", in->kind == SG_INPUT_PLAIN ? "streamed"
		    : in->kind == SG_INPUT_COMPRESSED ? "compressed" : "archive");
	if (lseek(in->fd, (off_t)off, SEEK_SET) < 0)
		return sg_err_set(e, SG_EIO, "cannot seek: %s", strerror(errno));
	return 0;
}

int
sg_input_progress(const sg_input *in, uint64_t *consumed, uint64_t *total)
{
	if (in->kind == SG_INPUT_PLAIN)
		return 0;
	*total = in->regular ? in->file_size : UINT64_MAX;
	*consumed = in->pos;
	/* Once every source is out the input is consumed, though libarchive
	 * leaves a tar's zero padding unread. */
	if (in->done && in->regular)
		*consumed = in->file_size;
	if (*total != UINT64_MAX && *consumed > *total)
		*consumed = *total;
	return 1;
}

void
sg_input_skipped(const sg_input *in, uint64_t *dirs, uint64_t *others)
{
	*dirs = in->dirs;
	*others = in->others;
}

const char *
sg_input_filter_name(const sg_input *in)
{
	return in->a != NULL ? archive_filter_name(in->a, 0) : "none";
}

const char *
sg_input_format_name(const sg_input *in)
{
	return in->a != NULL ? archive_format_name(in->a) : "plain";
}
