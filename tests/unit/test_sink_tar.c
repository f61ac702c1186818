/* test_sink_tar.c: sg_sink_tar_new, driven through its ops with synthetic
 * frames, its output read back with libarchive's reader. Sources of known
 * size stream, others (no size, --part) go through the spool; names,
 * sizes, modes, mtimes (negative too) and contents come back exactly;
 * context bytes are skipped; a size that does not match BEGIN, a source
 * cut short, a reader that went away and a spool that cannot be made are
 * errors, and a stream that failed has no end-of-archive blocks. */
#include "sgtest.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sink.h"

/* --- a temporary directory -------------------------------------------- */

static void
mktemp_dir(char *out, size_t cap)
{
	if (sgt_mkdtemp(out, cap, "tar") < 0)
		fail_msg("mkdtemp %s: %s", out, strerror(errno));
}

static void
rm_tree(const char *path)
{
	assert_int_equal(sgt_rmtree(path), 0);
}

/* Entries in dir other than . and .. */
static int
count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* --- sources ------------------------------------------------------------ */

typedef struct src {
	const char *name;      /* NULL: BEGIN has no NAME */
	size_t name_len;       /* 0: strlen(name) */
	size_t len;            /* bytes of the source */
	int sized;             /* BEGIN gives SIZE */
	int part;              /* BEGIN gives PART (and SIZE, of the whole file) */
	int has_mode;
	uint32_t mode;
	int has_mtime;
	int64_t mtime_ns;
	size_t step;           /* new bytes per DATA (0: one DATA) */
	uint32_t context;      /* earlier bytes repeated at the head of a DATA */
	/* expected in the tar */
	const char *want_name;
	unsigned want_perm;
} src;

static void
make_meta(sg_meta *m, const src *s)
{
	sg_meta_clear(m);
	if (s->name != NULL)
		sg_meta_set_name(m, s->name, s->name_len ? s->name_len : strlen(s->name));
	if (s->sized || s->part) {
		m->size = s->part ? s->len * 3 + 7 : s->len;
		m->have |= SG_META_HAS(SG_META_SIZE);
	}
	if (s->part)
		sg_meta_set_word(m, SG_META_PART, "2/3");
	if (s->has_mode) {
		m->mode = s->mode;
		m->have |= SG_META_HAS(SG_META_MODE);
	}
	if (s->has_mtime) {
		m->mtime_ns = s->mtime_ns;
		m->have |= SG_META_HAS(SG_META_MTIME);
	}
}

/* begin, each DATA, end, as sg-decode calls them. Returns begin's code
 * (SG_SINK_REFUSED: data and end were still called); the others must
 * return 0. */
static int
feed(sg_sink *k, const src *s, const unsigned char *p)
{
	sg_frame_hdr h = { .type = SG_TYPE_BEGIN };
	sg_meta m;
	sg_err e;
	size_t off = 0, step = s->step ? s->step : s->len;
	uint64_t frames = 0;
	int rc;

	make_meta(&m, s);
	sg_err_clear(&e);
	rc = k->ops->begin(k, &h, &m, &e);
	if (rc != 0 && rc != SG_SINK_REFUSED)
		fail_msg("begin '%s': %d %s", s->name, rc, e.msg);
	while (off < s->len) {
		size_t n = s->len - off < step ? s->len - off : step;
		uint32_t c = off < s->context ? (uint32_t)off : s->context;
		int r;

		memset(&h, 0, sizeof h);
		h.type = SG_TYPE_DATA;
		h.seq = ++frames;
		h.offset = off;
		h.context = c;
		h.size = (uint32_t)(c + n);
		if ((r = k->ops->data(k, &h, p + off - c, &e)) != 0)
			fail_msg("data '%s' at %zu: %d %s", s->name, off, r, e.msg);
		off += n;
	}
	memset(&h, 0, sizeof h);
	h.type = SG_TYPE_END;
	h.seq = frames + 1;
	sg_meta_clear(&m);
	m.total = s->len;
	m.frames = frames;
	m.have = SG_META_HAS(SG_META_TOTAL) | SG_META_HAS(SG_META_FRAMES);
	if (k->ops->end(k, &h, &m, &e) != 0)
		fail_msg("end '%s': %s", s->name, e.msg);
	return rc;
}

static unsigned char *
random_bytes(sgt_rng *r, size_t n)
{
	unsigned char *p = malloc(n + 1);
	size_t i;

	assert_non_null(p);
	for (i = 0; i < n; i++)
		p[i] = (unsigned char)sgt_next(r);
	return p;
}

/* --- reading a tar back --------------------------------------------------- */

static struct archive *
open_tar(const char *path)
{
	struct archive *r = archive_read_new();

	assert_non_null(r);
	assert_int_equal(archive_read_support_format_tar(r), ARCHIVE_OK);
	assert_int_equal(archive_read_open_filename(r, path, 10240), ARCHIVE_OK);
	return r;
}

/* The next entry: ARCHIVE_WARN is a name not in the C locale's charset. */
static struct archive_entry *
next_entry(struct archive *r)
{
	struct archive_entry *ent;
	int rc = archive_read_next_header(r, &ent);

	if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
		fail_msg("next header: %d %s", rc, archive_error_string(r));
	return ent;
}

/* The entry's data, which must be exactly want[0..len). */
static void
expect_data(struct archive *r, const unsigned char *want, size_t len)
{
	unsigned char *got = malloc(len + 65536);
	size_t n = 0;
	la_ssize_t k;

	assert_non_null(got);
	while ((k = archive_read_data(r, got + n, len + 65536 - n)) > 0)
		n += (size_t)k;
	assert_int_equal(k, 0);
	assert_int_equal(n, len);
	assert_memory_equal(got, want, len);
	free(got);
}

static void
split_ns(int64_t ns, int64_t *sec, long *nsec)
{
	*sec = ns / 1000000000;
	*nsec = (long)(ns % 1000000000);
	if (*nsec < 0) {
		*nsec += 1000000000;
		(*sec)--;
	}
}

static unsigned char *
load(const char *path, size_t *len)
{
	unsigned char *p = sgt_load(path, len);

	assert_non_null(p);
	return p;
}

static size_t
count_str(const unsigned char *p, size_t len, const char *s)
{
	size_t n = 0, k = strlen(s);
	const unsigned char *q = p, *end = p + len;

	while ((q = memmem(q, (size_t)(end - q), s, k)) != NULL) {
		n++;
		q += k;
	}
	return n;
}

/* --- tests ------------------------------------------------------------------ */

static const src many[] = {
	{ .name = "empty", .len = 0, .sized = 1, .has_mode = 1, .mode = 0100600,
	  .has_mtime = 1, .mtime_ns = INT64_C(1700000000123456789),
	  .want_name = "empty", .want_perm = 0600 },
	{ .name = "one", .len = 1, .sized = 1, .has_mode = 1, .mode = 0644,
	  .has_mtime = 1, .mtime_ns = INT64_C(1000000000),
	  .want_name = "one", .want_perm = 0644 },
	{ .name = "dir/big.bin", .len = 100000, .sized = 1, .has_mode = 1, .mode = 0100755,
	  .has_mtime = 1, .mtime_ns = INT64_C(1600000000000000001), .step = 7000, .context = 100,
	  .want_name = "dir/big.bin", .want_perm = 0755 },
	{ .name = "caf\xC3\xA9/\xE2\x82\xAC.txt", .len = 5000, .sized = 1, .has_mode = 1,
	  .mode = 0640, .has_mtime = 1, .mtime_ns = 5, .step = 999,
	  .want_name = "caf\xC3\xA9/\xE2\x82\xAC.txt", .want_perm = 0640 },
	{ .name = "bad\xFF", .len = 10, .sized = 1, .has_mode = 1, .mode = 0644,
	  .has_mtime = 1, .mtime_ns = 0, .want_name = "bad\xFF", .want_perm = 0644 },
	/* stdin: no size, no mode, no mtime; spooled through more than one
	 * copy buffer */
	{ .name = "-", .len = 600000, .step = 65536, .want_name = "stdin", .want_perm = 0644 },
	{ .name = "ctx", .len = 30000, .has_mode = 1, .mode = 0600, .has_mtime = 1,
	  .mtime_ns = 42, .step = 4096, .context = 50, .want_name = "ctx", .want_perm = 0600 },
	{ .name = "part", .len = 20000, .part = 1, .has_mtime = 1, .mtime_ns = 77,
	  .step = 3000, .context = 7, .want_name = "part", .want_perm = 0644 },
	{ .name = "neg", .len = 3, .sized = 1, .has_mode = 1, .mode = 0755, .has_mtime = 1,
	  .mtime_ns = INT64_C(-1500000000), .want_name = "neg", .want_perm = 0755 },
	{ .name = "suid", .len = 2, .sized = 1, .has_mode = 1, .mode = 0104755, .has_mtime = 1,
	  .mtime_ns = 1, .want_name = "suid", .want_perm = 04755 },
	{ .name = "/abs/name", .len = 4, .sized = 1, .has_mtime = 1, .mtime_ns = 1,
	  .want_name = "/abs/name", .want_perm = 0644 },
	{ .name = "../up", .len = 4, .has_mtime = 1, .mtime_ns = 1,
	  .want_name = "../up", .want_perm = 0644 },
	{ .name = NULL, .len = 6, .sized = 1, .has_mtime = 1, .mtime_ns = 1,
	  .want_name = "stdin", .want_perm = 0644 },
};
#define NMANY (sizeof many / sizeof many[0])

static void
test_tar_sources(void **state)
{
	char root[512], path[600], spool[600];
	unsigned char *data[NMANY], *file;
	const char *old_tmp = getenv("TMPDIR");
	char *saved = old_tmp != NULL ? strdup(old_tmp) : NULL;
	struct timespec t0, t1;
	struct archive *r;
	sgt_rng rng;
	sg_sink *k;
	sg_err e;
	size_t i, flen;
	int fd;

	(void)state;
	sgt_rng_init(&rng, "tar_sources");
	mktemp_dir(root, sizeof root);
	snprintf(path, sizeof path, "%s/out.tar", root);
	snprintf(spool, sizeof spool, "%s/spool", root);
	assert_int_equal(mkdir(spool, 0700), 0);
	/* The spool goes to $TMPDIR, and is never seen there. */
	assert_int_equal(setenv("TMPDIR", spool, 1), 0);
	for (i = 0; i < NMANY; i++)
		data[i] = random_bytes(&rng, many[i].len);

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	clock_gettime(CLOCK_REALTIME, &t0);
	k = sg_sink_tar_new(fd, &e);
	clock_gettime(CLOCK_REALTIME, &t1);
	if (k == NULL)
		fail_msg("sg_sink_tar_new: %s", e.msg);
	for (i = 0; i < NMANY; i++) {
		assert_int_equal(feed(k, &many[i], data[i]), 0);
		assert_int_equal(count_entries(spool), 0);
	}
	assert_int_equal(k->ops->finish(k, &e), 0);
	k->ops->free(k);
	assert_int_equal(close(fd), 0);
	assert_int_equal(count_entries(spool), 0);
	if (saved != NULL)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);

	r = open_tar(path);
	for (i = 0; i < NMANY; i++) {
		const src *s = &many[i];
		struct archive_entry *ent = next_entry(r);
		int64_t sec;
		long nsec;

		assert_string_equal(archive_entry_pathname(ent), s->want_name);
		assert_int_equal(archive_entry_filetype(ent), AE_IFREG);
		assert_int_equal(archive_entry_perm(ent), s->want_perm);
		assert_true(archive_entry_size_is_set(ent));
		assert_int_equal(archive_entry_size(ent), s->len);
		assert_true(archive_entry_mtime_is_set(ent));
		if (s->has_mtime) {
			split_ns(s->mtime_ns, &sec, &nsec);
			assert_int_equal(archive_entry_mtime(ent), sec);
			assert_int_equal(archive_entry_mtime_nsec(ent), nsec);
		} else {
			/* No MTIME: the time the sink was made. */
			assert_in_range(archive_entry_mtime(ent), t0.tv_sec, t1.tv_sec);
		}
		expect_data(r, data[i], s->len);
	}
	assert_int_equal(archive_read_next_header(r, &(struct archive_entry *){ NULL }),
	    ARCHIVE_EOF);
	assert_int_equal(archive_format(r) & ARCHIVE_FORMAT_BASE_MASK, ARCHIVE_FORMAT_TAR);
	archive_read_free(r);

	/* pax: a UTF-8 name goes out as UTF-8, only the one that is not
	 * UTF-8 as raw bytes; the end-of-archive blocks are there. */
	file = load(path, &flen);
	assert_int_equal(count_str(file, flen, "path=caf\xC3\xA9/\xE2\x82\xAC.txt\n"), 1);
	assert_int_equal(count_str(file, flen, "hdrcharset=BINARY"), 1);
	assert_int_equal(flen % 512, 0);
	assert_true(flen >= 1024);
	for (i = flen - 1024; i < flen; i++)
		assert_int_equal(file[i], 0);
	free(file);

	for (i = 0; i < NMANY; i++)
		free(data[i]);
	rm_tree(root);
}

/* The tar at path has no end-of-archive blocks (1024 zero bytes): it
 * was abandoned. */
static void
expect_unended(const char *path)
{
	size_t len, i, zeros = 0;
	unsigned char *p = load(path, &len);

	for (i = len > 1024 ? len - 1024 : 0; i < len; i++)
		zeros += p[i] == 0;
	assert_true(len < 1024 || zeros < 1024);
	free(p);
}

/* Reading the tar at path back fails inside an entry (its header gives
 * more data than follows). Returns the complete entries before it. */
static int
expect_cut_entry(const char *path)
{
	struct archive *r = open_tar(path);
	struct archive_entry *ent;
	char buf[65536];
	int n = 0, rc;

	for (;;) {
		la_ssize_t k;

		rc = archive_read_next_header(r, &ent);
		if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
			break;
		while ((k = archive_read_data(r, buf, sizeof buf)) > 0)
			;
		if (k < 0) {
			rc = (int)k;
			break;
		}
		n++;
	}
	assert_true(rc < ARCHIVE_WARN);
	archive_read_free(r);
	return n;
}

static sg_sink *
new_tar(const char *path, int *fd)
{
	sg_sink *k;
	sg_err e;

	*fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(*fd >= 0);
	k = sg_sink_tar_new(*fd, &e);
	if (k == NULL)
		fail_msg("sg_sink_tar_new: %s", e.msg);
	return k;
}

static void
test_tar_size_mismatch(void **state)
{
	static const src good = { .name = "good", .len = 50000, .sized = 1, .step = 20000,
		.want_name = "good", .want_perm = 0644 };
	unsigned char buf[100000];
	char root[512], path[600];
	sg_frame_hdr h = { .type = SG_TYPE_BEGIN };
	sg_meta m;
	sg_err e;
	sg_sink *k;
	int fd;

	(void)state;
	memset(buf, 'x', sizeof buf);
	mktemp_dir(root, sizeof root);
	snprintf(path, sizeof path, "%s/short.tar", root);

	/* Fewer bytes than BEGIN gave: END fails. */
	k = new_tar(path, &fd);
	assert_int_equal(feed(k, &good, buf), 0);
	sg_meta_clear(&m);
	sg_meta_set_name(&m, "short/file", 10);
	m.size = 30000;
	m.have |= SG_META_HAS(SG_META_SIZE);
	assert_int_equal(k->ops->begin(k, &h, &m, &e), 0);
	h.type = SG_TYPE_DATA;
	h.size = 29999;
	assert_int_equal(k->ops->data(k, &h, buf, &e), 0);
	h.type = SG_TYPE_END;
	assert_int_equal(k->ops->end(k, &h, &m, &e), SG_EDATA);
	assert_non_null(strstr(e.msg, "'short/file'"));
	assert_non_null(strstr(e.msg, "29999"));
	assert_non_null(strstr(e.msg, "30000"));
	/* The error was reported; finish adds none, and ends nothing. */
	assert_int_equal(k->ops->finish(k, &e), 0);
	k->ops->free(k);
	close(fd);
	assert_int_equal(expect_cut_entry(path), 1);
	expect_unended(path);

	/* More bytes than BEGIN gave: DATA fails. */
	k = new_tar(path, &fd);
	h.type = SG_TYPE_BEGIN;
	sg_meta_set_name(&m, "long", 4);
	m.size = 10;
	assert_int_equal(k->ops->begin(k, &h, &m, &e), 0);
	h.type = SG_TYPE_DATA;
	h.size = 8;
	assert_int_equal(k->ops->data(k, &h, buf, &e), 0);
	h.size = 5;
	h.context = 2;  /* 3 new bytes: 11 in all */
	assert_int_equal(k->ops->data(k, &h, buf, &e), SG_EDATA);
	assert_non_null(strstr(e.msg, "'long'"));
	assert_int_equal(k->ops->finish(k, &e), 0);
	k->ops->free(k);
	close(fd);
	assert_int_equal(expect_cut_entry(path), 0);
	expect_unended(path);

	/* Exactly 10 with the context skipped is fine. */
	k = new_tar(path, &fd);
	h.type = SG_TYPE_BEGIN;
	h.context = 0;
	assert_int_equal(k->ops->begin(k, &h, &m, &e), 0);
	h.type = SG_TYPE_DATA;
	h.size = 8;
	assert_int_equal(k->ops->data(k, &h, buf, &e), 0);
	h.size = 4;
	h.context = 2;
	assert_int_equal(k->ops->data(k, &h, buf, &e), 0);
	h.type = SG_TYPE_END;
	assert_int_equal(k->ops->end(k, &h, &m, &e), 0);
	assert_int_equal(k->ops->finish(k, &e), 0);
	k->ops->free(k);
	close(fd);
	{
		struct archive *r = open_tar(path);
		struct archive_entry *ent = next_entry(r);

		assert_string_equal(archive_entry_pathname(ent), "long");
		expect_data(r, buf, 10);
		archive_read_free(r);
	}
	rm_tree(root);
}

/* The input stops inside a source (sized or spooled): finish says so and
 * the stream has no end-of-archive blocks; free without finish too. */
static void
test_tar_incomplete(void **state)
{
	static const src first = { .name = "first", .len = 30000, .sized = 1, .step = 20000,
		.want_name = "first", .want_perm = 0644 };
	unsigned char buf[100000];
	char root[512], path[600];
	sg_frame_hdr h;
	sg_meta m;
	sg_err e;
	sg_sink *k;
	int fd, sized;

	(void)state;
	memset(buf, 'y', sizeof buf);
	mktemp_dir(root, sizeof root);
	snprintf(path, sizeof path, "%s/cut.tar", root);
	for (sized = 0; sized < 2; sized++) {
		k = new_tar(path, &fd);
		assert_int_equal(feed(k, &first, buf), 0);
		sg_meta_clear(&m);
		sg_meta_set_name(&m, "cut", 3);
		if (sized) {
			m.size = 90000;
			m.have |= SG_META_HAS(SG_META_SIZE);
		}
		memset(&h, 0, sizeof h);
		h.type = SG_TYPE_BEGIN;
		assert_int_equal(k->ops->begin(k, &h, &m, &e), 0);
		h.type = SG_TYPE_DATA;
		h.size = 60000;
		assert_int_equal(k->ops->data(k, &h, buf, &e), 0);
		assert_int_equal(k->ops->finish(k, &e), SG_EDATA);
		assert_non_null(strstr(e.msg, "'cut'"));
		assert_int_equal(k->ops->finish(k, &e), 0);  /* once only */
		k->ops->free(k);
		close(fd);
		expect_unended(path);
		if (sized)  /* streamed: its header and 60000 bytes are out */
			assert_int_equal(expect_cut_entry(path), 1);
	}

	/* free without finish: no end blocks either. */
	k = new_tar(path, &fd);
	assert_int_equal(feed(k, &first, buf), 0);
	k->ops->free(k);
	close(fd);
	expect_unended(path);
	{
		/* what was complete is all there */
		struct archive *r = open_tar(path);
		struct archive_entry *ent = next_entry(r);

		assert_string_equal(archive_entry_pathname(ent), "first");
		expect_data(r, buf, 30000);
		archive_read_free(r);
	}

	/* And an empty run is an empty archive. */
	k = new_tar(path, &fd);
	assert_int_equal(k->ops->finish(k, &e), 0);
	k->ops->free(k);
	close(fd);
	{
		struct archive *r = open_tar(path);
		struct archive_entry *ent;

		assert_int_equal(archive_read_next_header(r, &ent), ARCHIVE_EOF);
		archive_read_free(r);
	}
	rm_tree(root);
}

/* A reader that went away is SG_EPIPE, not an I/O error. */
static void
test_tar_epipe(void **state)
{
	sg_frame_hdr h = { .type = SG_TYPE_BEGIN };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sg_meta m;
	sg_err e;
	sg_sink *k;
	int p[2];

	(void)state;
	assert_int_equal(sigaction(SIGPIPE, &ign, &old), 0);
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	k = sg_sink_tar_new(p[1], &e);
	assert_non_null(k);
	sg_meta_clear(&m);
	sg_meta_set_name(&m, "x", 1);
	m.size = 200000;
	m.have |= SG_META_HAS(SG_META_SIZE);
	/* Unblocked, the header is the first write. */
	assert_int_equal(k->ops->begin(k, &h, &m, &e), SG_EPIPE);
	assert_int_equal(k->ops->finish(k, &e), 0);
	k->ops->free(k);
	close(p[1]);

	/* With nothing but the end blocks to write, finish meets it. */
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	k = sg_sink_tar_new(p[1], &e);
	assert_non_null(k);
	assert_int_equal(k->ops->finish(k, &e), SG_EPIPE);
	k->ops->free(k);
	close(p[1]);
	assert_int_equal(sigaction(SIGPIPE, &old, NULL), 0);
}

/* No spool file can be made: an I/O error naming the source. */
static void
test_tar_spool_error(void **state)
{
	const char *old_tmp = getenv("TMPDIR");
	char *saved = old_tmp != NULL ? strdup(old_tmp) : NULL;
	sg_frame_hdr h = { .type = SG_TYPE_BEGIN };
	char root[512], path[600];
	sg_meta m;
	sg_err e;
	sg_sink *k;
	int fd;

	(void)state;
	mktemp_dir(root, sizeof root);
	snprintf(path, sizeof path, "%s/x.tar", root);
	k = new_tar(path, &fd);
	assert_int_equal(setenv("TMPDIR", "/nonexistent/sg-test", 1), 0);
	sg_meta_clear(&m);
	sg_meta_set_name(&m, "unsized", 7);
	assert_int_equal(k->ops->begin(k, &h, &m, &e), SG_EIO);
	assert_non_null(strstr(e.msg, "'unsized'"));
	assert_non_null(strstr(e.msg, "/nonexistent/sg-test"));
	assert_int_equal(k->ops->finish(k, &e), 0);
	k->ops->free(k);
	close(fd);
	if (saved != NULL)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	rm_tree(root);
}

/* A name holding a NUL cannot be a tar name: refused, its data and END
 * dropped, and the run goes on. */
static void
test_tar_refused(void **state)
{
	static const src bad = { .name = "a\0b", .name_len = 3, .len = 100, .sized = 1,
		.want_name = "a", .want_perm = 0644 };
	static const src after = { .name = "after", .len = 100, .step = 30, .sized = 1,
		.want_name = "after", .want_perm = 0644 };
	unsigned char buf[100];
	char root[512], path[600];
	sg_frame_hdr h = { .type = SG_TYPE_BEGIN };
	struct archive *r;
	struct archive_entry *ent;
	sg_meta m;
	sg_err e;
	sg_sink *k;
	int fd;

	(void)state;
	memset(buf, 'z', sizeof buf);
	mktemp_dir(root, sizeof root);
	snprintf(path, sizeof path, "%s/x.tar", root);
	k = new_tar(path, &fd);
	make_meta(&m, &bad);
	assert_int_equal(k->ops->begin(k, &h, &m, &e), SG_SINK_REFUSED);
	assert_non_null(strstr(e.msg, "refused 'a'"));
	assert_non_null(strstr(e.msg, "NUL"));
	h.type = SG_TYPE_DATA;
	h.size = 100;
	assert_int_equal(k->ops->data(k, &h, buf, &e), 0);
	h.type = SG_TYPE_END;
	assert_int_equal(k->ops->end(k, &h, &m, &e), 0);
	assert_int_equal(feed(k, &after, buf), 0);
	assert_int_equal(feed(k, &bad, buf), SG_SINK_REFUSED);
	assert_int_equal(k->ops->finish(k, &e), 0);
	k->ops->free(k);
	close(fd);
	r = open_tar(path);
	ent = next_entry(r);
	assert_string_equal(archive_entry_pathname(ent), "after");
	expect_data(r, buf, 100);
	assert_int_equal(archive_read_next_header(r, &ent), ARCHIVE_EOF);
	archive_read_free(r);
	rm_tree(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tar_sources),
		cmocka_unit_test(test_tar_size_mismatch),
		cmocka_unit_test(test_tar_incomplete),
		cmocka_unit_test(test_tar_epipe),
		cmocka_unit_test(test_tar_spool_error),
		cmocka_unit_test(test_tar_refused),
	};

	return cmocka_run_group_tests_name("sink_tar", tests, NULL, NULL);
}
