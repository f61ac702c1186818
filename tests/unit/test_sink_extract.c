/* test_sink_extract.c: sg_sink_extract_new, driven through its ops with
 * synthetic frames. Sources land under DIR with their contents, modes
 * (without set-ID and sticky bits) and mtimes; an existing file is
 * replaced; names that are absolute, climb with ".." or lead through a
 * symbolic link are refused and nothing appears outside DIR, while later
 * sources still extract; a size that does not match BEGIN and a source
 * the input stops inside leave no file; the working directory is the
 * same after every call. The test runs from a directory of its own that
 * must stay empty, so a write relative to the wrong directory shows. */
#include "sgtest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sink.h"

/* --- the test's directories ----------------------------------------------- */

typedef struct tdir {
	char home[PATH_MAX];   /* the working directory before the test */
	char root[PATH_MAX - 64]; /* a fresh temporary directory */
	char cwd[PATH_MAX];    /* root/cwd: the working directory meanwhile */
	char out[PATH_MAX];    /* root/out: DIR */
} tdir;

static void
tdir_make(tdir *t)
{
	assert_non_null(getcwd(t->home, sizeof t->home));
	if (sgt_mkdtemp(t->root, sizeof t->root, "extract") < 0)
		fail_msg("mkdtemp %s: %s", t->root, strerror(errno));
	snprintf(t->cwd, sizeof t->cwd, "%s/cwd", t->root);
	snprintf(t->out, sizeof t->out, "%s/out", t->root);
	assert_int_equal(mkdir(t->cwd, 0755), 0);
	assert_int_equal(chdir(t->cwd), 0);
}

static void
tdir_free(tdir *t)
{
	assert_int_equal(chdir(t->home), 0);
	assert_int_equal(sgt_rmtree(t->root), 0);
}

/* The entries of dir (not . and ..), sorted, joined by '|'. */
static void
list_dir(const char *dir, char *out, size_t cap)
{
	struct dirent **nl;
	int n = scandir(dir, &nl, NULL, alphasort), i;
	size_t len = 0;

	assert_true(n >= 0);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (strcmp(nl[i]->d_name, ".") != 0 && strcmp(nl[i]->d_name, "..") != 0)
			len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "|" : "",
			    nl[i]->d_name);
		free(nl[i]);
	}
	free(nl);
	assert_true(len < cap);
}

/* Whether any path under root has the basename name. */
static const char *find_name;
static int find_hits;

static int
find_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	find_hits += strcmp(path + f->base, find_name) == 0;
	return 0;
}

static int
count_named(const char *root, const char *name)
{
	find_name = name;
	find_hits = 0;
	assert_int_equal(nftw(root, find_one, 16, FTW_PHYS), 0);
	return find_hits;
}

/* The working directory must be t->cwd after every sink call. */
static void
same_cwd(const tdir *t)
{
	char now[PATH_MAX];

	assert_non_null(getcwd(now, sizeof now));
	assert_string_equal(now, t->cwd);
}

/* --- sources --------------------------------------------------------------- */

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
	/* expected under DIR */
	const char *want_path;
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

/* begin, each DATA, end, as sg-decode calls them, checking the working
 * directory after each. Returns begin's code (SG_SINK_REFUSED: data and
 * end were still called, and must drop what they get); e gets begin's
 * message. The other calls must return 0. */
static int
feed(const tdir *t, sg_sink *k, const src *s, const unsigned char *p, sg_err *e)
{
	sg_frame_hdr h = { .type = SG_TYPE_BEGIN };
	sg_meta m;
	sg_err e2;
	size_t off = 0, step = s->step ? s->step : s->len;
	uint64_t frames = 0;
	int rc;

	make_meta(&m, s);
	sg_err_clear(e);
	rc = k->ops->begin(k, &h, &m, e);
	same_cwd(t);
	if (rc != 0 && rc != SG_SINK_REFUSED)
		fail_msg("begin '%s': %d %s", s->name, rc, e->msg);
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
		r = k->ops->data(k, &h, p + off - c, &e2);
		same_cwd(t);
		if (r != 0)
			fail_msg("data '%s' at %zu: %d %s", s->name, off, r, e2.msg);
		off += n;
	}
	memset(&h, 0, sizeof h);
	h.type = SG_TYPE_END;
	h.seq = frames + 1;
	sg_meta_clear(&m);
	m.total = s->len;
	m.frames = frames;
	m.have = SG_META_HAS(SG_META_TOTAL) | SG_META_HAS(SG_META_FRAMES);
	if (k->ops->end(k, &h, &m, &e2) != 0)
		fail_msg("end '%s': %s", s->name, e2.msg);
	same_cwd(t);
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

static sg_sink *
new_extract(const tdir *t, const char *dir)
{
	sg_err e;
	sg_sink *k = sg_sink_extract_new(dir, &e);

	if (k == NULL)
		fail_msg("sg_sink_extract_new %s: %s", dir, e.msg);
	same_cwd(t);
	return k;
}

static void
finish_free(const tdir *t, sg_sink *k, int want)
{
	sg_err e;

	assert_int_equal(k->ops->finish(k, &e), want);
	same_cwd(t);
	k->ops->free(k);
	same_cwd(t);
}

/* DIR/rel holds exactly p[0..len), with mode perm and (when has_mtime)
 * that mtime. */
static void
expect_file(const tdir *t, const src *s, const unsigned char *p, time_t t0, time_t t1)
{
	char path[PATH_MAX + 64];
	struct stat st;
	unsigned char *got;
	size_t len;

	snprintf(path, sizeof path, "%s/%s", t->out, s->want_path);
	if (lstat(path, &st) != 0)
		fail_msg("%s: %s", path, strerror(errno));
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, s->want_perm);
	assert_int_equal(st.st_size, s->len);
	if (s->has_mtime) {
		int64_t sec = s->mtime_ns / 1000000000;
		long nsec = (long)(s->mtime_ns % 1000000000);

		if (nsec < 0) {
			nsec += 1000000000;
			sec--;
		}
		assert_int_equal(st.st_mtim.tv_sec, sec);
		assert_int_equal(st.st_mtim.tv_nsec, nsec);
	} else {
		assert_in_range(st.st_mtim.tv_sec, t0, t1);
	}
	got = sgt_load(path, &len);
	assert_non_null(got);
	assert_int_equal(len, s->len);
	assert_memory_equal(got, p, len);
	free(got);
}

/* --- tests ------------------------------------------------------------------ */

static const src many[] = {
	{ .name = "empty", .len = 0, .sized = 1, .has_mode = 1, .mode = 0100600,
	  .has_mtime = 1, .mtime_ns = INT64_C(1700000000123456789),
	  .want_path = "empty", .want_perm = 0600 },
	{ .name = "one", .len = 1, .sized = 1, .has_mode = 1, .mode = 0644,
	  .has_mtime = 1, .mtime_ns = INT64_C(1000000000),
	  .want_path = "one", .want_perm = 0644 },
	{ .name = "sub/dir/big.bin", .len = 100000, .sized = 1, .has_mode = 1,
	  .mode = 0100755, .has_mtime = 1, .mtime_ns = INT64_C(1600000000000000001),
	  .step = 7000, .context = 100, .want_path = "sub/dir/big.bin", .want_perm = 0755 },
	{ .name = "caf\xC3\xA9/\xE2\x82\xAC.txt", .len = 5000, .sized = 1, .has_mode = 1,
	  .mode = 0640, .has_mtime = 1, .mtime_ns = 5, .step = 999,
	  .want_path = "caf\xC3\xA9/\xE2\x82\xAC.txt", .want_perm = 0640 },
	/* stdin: no size, no mode, no mtime */
	{ .name = "-", .len = 300000, .step = 65536, .context = 10,
	  .want_path = "stdin", .want_perm = 0644 },
	{ .name = "part", .len = 20000, .part = 1, .has_mtime = 1, .mtime_ns = 77,
	  .step = 3000, .context = 7, .want_path = "part", .want_perm = 0644 },
	/* set-user-ID, set-group-ID and sticky bits are dropped */
	{ .name = "suid", .len = 2, .sized = 1, .has_mode = 1, .mode = 0107755, .has_mtime = 1,
	  .mtime_ns = 1, .want_path = "suid", .want_perm = 0755 },
	{ .name = "./dot/./x", .len = 3, .sized = 1, .has_mtime = 1, .mtime_ns = 2,
	  .want_path = "dot/x", .want_perm = 0644 },
	/* replaces the read-only file put there first */
	{ .name = "old.txt", .len = 3, .sized = 1, .has_mode = 1, .mode = 0640,
	  .has_mtime = 1, .mtime_ns = INT64_C(1234567890000000000),
	  .want_path = "old.txt", .want_perm = 0640 },
	{ .name = NULL, .len = 6, .sized = 1, .has_mtime = 1, .mtime_ns = 1,
	  .want_path = "stdin", .want_perm = 0644 },
};
#define NMANY (sizeof many / sizeof many[0])

static void
test_extract_sources(void **state)
{
	unsigned char *data[NMANY];
	char path[PATH_MAX + 64], list[1024];
	struct timespec t0, t1;
	sgt_rng rng;
	tdir t;
	sg_sink *k;
	sg_err e;
	size_t i;
	int fd;

	(void)state;
	sgt_rng_init(&rng, "extract_sources");
	tdir_make(&t);
	for (i = 0; i < NMANY; i++)
		data[i] = random_bytes(&rng, many[i].len);

	/* DIR is made; an existing file in it is replaced, even read-only. */
	clock_gettime(CLOCK_REALTIME, &t0);
	k = new_extract(&t, t.out);
	snprintf(path, sizeof path, "%s/old.txt", t.out);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0444);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "old contents, longer", 20), 20);
	close(fd);

	/* The last source (no name) replaces the first stdin. */
	for (i = 0; i < NMANY; i++)
		assert_int_equal(feed(&t, k, &many[i], data[i], &e), 0);
	finish_free(&t, k, 0);
	clock_gettime(CLOCK_REALTIME, &t1);

	for (i = 0; i < NMANY; i++)
		if (i != 4)
			expect_file(&t, &many[i], data[i], t0.tv_sec, t1.tv_sec);
	list_dir(t.out, list, sizeof list);
	assert_string_equal(list, "caf\xC3\xA9|dot|empty|old.txt|one|part|stdin|sub|suid");
	list_dir(t.root, list, sizeof list);
	assert_string_equal(list, "cwd|out");
	list_dir(t.cwd, list, sizeof list);
	assert_string_equal(list, "");

	/* Again into the existing DIR, named relative to the working
	 * directory, with the stdin source of unknown size. */
	k = new_extract(&t, "../out");
	assert_int_equal(feed(&t, k, &many[4], data[4], &e), 0);
	finish_free(&t, k, 0);
	expect_file(&t, &many[4], data[4], t0.tv_sec, time(NULL));
	list_dir(t.cwd, list, sizeof list);
	assert_string_equal(list, "");

	for (i = 0; i < NMANY; i++)
		free(data[i]);
	tdir_free(&t);
}

static void
test_extract_refused(void **state)
{
	static const char *evil[] = { "../evil", "/abs/evil", "a/../../evil", "link/evil",
		"link/sub/evil", "../out/evil" };
	static const unsigned char bytes[] = "some bytes that must not land anywhere";
	char outside[PATH_MAX + 16], path[PATH_MAX + 64], list[1024], want[1024];
	size_t i, wl = 0;
	tdir t;
	sg_sink *k;
	sg_err e;

	(void)state;
	tdir_make(&t);
	snprintf(outside, sizeof outside, "%s/outside", t.root);
	assert_int_equal(mkdir(outside, 0755), 0);
	assert_int_equal(mkdir(t.out, 0755), 0);
	snprintf(path, sizeof path, "%s/link", t.out);
	assert_int_equal(symlink(outside, path), 0);

	k = new_extract(&t, t.out);
	for (i = 0; i < sizeof evil / sizeof evil[0]; i++) {
		src bad = { .name = evil[i], .len = sizeof bytes - 1, .step = 10, .sized = 1 };
		src good = { .len = sizeof bytes - 1, .sized = 1, .step = 7, .has_mode = 1,
			.mode = 0600, .has_mtime = 1, .mtime_ns = 123, .want_perm = 0600 };
		char gname[32], prefix[64];

		assert_int_equal(feed(&t, k, &bad, bytes, &e), SG_SINK_REFUSED);
		snprintf(prefix, sizeof prefix, "refused '%s': ", evil[i]);
		assert_int_equal(strncmp(e.msg, prefix, strlen(prefix)), 0);
		assert_true(strlen(e.msg) > strlen(prefix));  /* libarchive's reason */
		assert_int_equal(e.code, SG_SINK_REFUSED);
		/* the next source is not affected */
		snprintf(gname, sizeof gname, "good%zu", i);
		good.name = good.want_path = gname;
		assert_int_equal(feed(&t, k, &good, bytes, &e), 0);
		expect_file(&t, &good, bytes, 0, 0);
		wl += (size_t)snprintf(want + wl, sizeof want - wl, "%s|", gname);
	}
	/* A name with a NUL is refused by the sink itself. */
	{
		src nul = { .name = "ok\0../../evil", .name_len = 13, .len = 5, .sized = 1 };

		assert_int_equal(feed(&t, k, &nul, bytes, &e), SG_SINK_REFUSED);
		assert_non_null(strstr(e.msg, "refused 'ok'"));
	}
	finish_free(&t, k, 0);

	assert_int_equal(count_named(t.root, "evil"), 0);
	assert_int_equal(count_named(t.root, "ok"), 0);
	assert_int_not_equal(access("/abs/evil", F_OK), 0);
	list_dir(outside, list, sizeof list);
	assert_string_equal(list, "");
	list_dir(t.root, list, sizeof list);
	assert_string_equal(list, "cwd|out|outside");
	list_dir(t.cwd, list, sizeof list);
	assert_string_equal(list, "");
	list_dir(t.out, list, sizeof list);
	snprintf(want + wl, sizeof want - wl, "link");
	/* "a/../../evil" may leave an empty "a" behind; nothing else */
	if (strncmp(list, "a|", 2) == 0)
		memmove(list, list + 2, strlen(list + 2) + 1);
	assert_string_equal(list, want);
	tdir_free(&t);
}

static void
test_extract_bad_dir(void **state)
{
	char path[PATH_MAX + 64];
	tdir t;
	sg_err e;
	int fd;

	(void)state;
	tdir_make(&t);
	/* DIR is a regular file */
	snprintf(path, sizeof path, "%s/file", t.root);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(fd >= 0);
	close(fd);
	sg_err_clear(&e);
	assert_null(sg_sink_extract_new(path, &e));
	assert_int_equal(e.code, SG_EIO);
	assert_non_null(strstr(e.msg, path));
	same_cwd(&t);
	/* DIR's parent is missing: one level only */
	snprintf(path, sizeof path, "%s/no/such", t.root);
	sg_err_clear(&e);
	assert_null(sg_sink_extract_new(path, &e));
	assert_int_equal(e.code, SG_EIO);
	assert_non_null(strstr(e.msg, path));
	assert_int_not_equal(access(path, F_OK), 0);
	same_cwd(&t);

	/* The working directory cannot be opened: fail at once, clearly. */
	if (geteuid() != 0) {
		assert_int_equal(chmod(t.cwd, 0311), 0);
		sg_err_clear(&e);
		assert_null(sg_sink_extract_new(t.out, &e));
		assert_int_equal(e.code, SG_EIO);
		assert_non_null(strstr(e.msg, "working directory"));
		assert_int_equal(chmod(t.cwd, 0755), 0);
	}
	tdir_free(&t);
}

/* A source whose size is not BEGIN's, or that the input stops inside,
 * leaves no file that looks complete. */
static void
test_extract_incomplete(void **state)
{
	unsigned char buf[70000];
	char path[PATH_MAX + 64], list[1024];
	sg_frame_hdr h;
	sg_meta m;
	sg_err e;
	sg_sink *k;
	tdir t;
	int how;

	(void)state;
	memset(buf, 'q', sizeof buf);
	tdir_make(&t);
	snprintf(path, sizeof path, "%s/cut/file", t.out);
	/* 0: short at END; 1: long at DATA; 2: finish inside, sized;
	 * 3: finish inside, unsized; 4: free inside, without finish */
	for (how = 0; how < 5; how++) {
		k = new_extract(&t, t.out);
		sg_meta_clear(&m);
		sg_meta_set_name(&m, "cut/file", 8);
		if (how != 3) {
			m.size = 60000;
			m.have |= SG_META_HAS(SG_META_SIZE);
		}
		m.mtime_ns = 1;
		m.have |= SG_META_HAS(SG_META_MTIME);
		memset(&h, 0, sizeof h);
		h.type = SG_TYPE_BEGIN;
		assert_int_equal(k->ops->begin(k, &h, &m, &e), 0);
		same_cwd(&t);
		h.type = SG_TYPE_DATA;
		h.size = 50000;
		assert_int_equal(k->ops->data(k, &h, buf, &e), 0);
		same_cwd(&t);
		assert_int_equal(access(path, F_OK), 0);
		if (how == 0) {
			h.type = SG_TYPE_END;
			assert_int_equal(k->ops->end(k, &h, &m, &e), SG_EDATA);
			assert_non_null(strstr(e.msg, "'cut/file'"));
			assert_non_null(strstr(e.msg, "50000"));
			assert_non_null(strstr(e.msg, "60000"));
			finish_free(&t, k, 0);  /* reported already */
		} else if (how == 1) {
			h.size = 10010;
			h.context = 9;  /* 10001 new: one too many */
			assert_int_equal(k->ops->data(k, &h, buf, &e), SG_EDATA);
			assert_non_null(strstr(e.msg, "'cut/file'"));
			finish_free(&t, k, 0);
		} else if (how < 4) {
			assert_int_equal(k->ops->finish(k, &e), SG_EDATA);
			assert_non_null(strstr(e.msg, "'cut/file'"));
			same_cwd(&t);
			k->ops->free(k);
			same_cwd(&t);
		} else {
			k->ops->free(k);
			same_cwd(&t);
		}
		if (access(path, F_OK) == 0)
			fail_msg("case %d: the incomplete file is still there", how);
		list_dir(t.cwd, list, sizeof list);
		assert_string_equal(list, "");
	}

	/* With the context skipped, exactly 60000 is fine. */
	k = new_extract(&t, t.out);
	h.type = SG_TYPE_BEGIN;
	m.have |= SG_META_HAS(SG_META_SIZE);
	assert_int_equal(k->ops->begin(k, &h, &m, &e), 0);
	h.type = SG_TYPE_DATA;
	h.context = 0;
	h.size = 50000;
	assert_int_equal(k->ops->data(k, &h, buf, &e), 0);
	h.context = 9;
	h.size = 10009;
	assert_int_equal(k->ops->data(k, &h, buf, &e), 0);
	h.type = SG_TYPE_END;
	assert_int_equal(k->ops->end(k, &h, &m, &e), 0);
	finish_free(&t, k, 0);
	{
		struct stat st;

		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_size, 60000);
	}
	tdir_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extract_sources),
		cmocka_unit_test(test_extract_refused),
		cmocka_unit_test(test_extract_bad_dir),
		cmocka_unit_test(test_extract_incomplete),
	};

	return cmocka_run_group_tests_name("sink_extract", tests, NULL, NULL);
}
