/* test_buf.c: sg_buf (buf.h), the growable buffer, against a plain model
 * kept by the test: contents survive growth, storage is page-aligned,
 * growth is geometric, trim frees only what exceeds its limit, and a
 * committed buffer is resident as soon as it is allocated. */
#include "sgtest.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf.h"

#define ALIGN 4096u

static void
check_aligned(const sg_buf *b)
{
	if (b->p != NULL && (uintptr_t)b->p % ALIGN != 0)
		fail_msg("buffer at %p is not %u-aligned", (void *)b->p, ALIGN);
}

static void
test_empty(void **state)
{
	sg_buf b = SG_BUF_INIT;
	sg_err e;

	(void)state;
	sg_err_clear(&e);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(sg_buf_reserve(&b, 0, &e), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(sg_buf_append(&b, NULL, 0, &e), 0);
	assert_int_equal(b.len, 0);
	sg_buf_trim(&b, 0);
	assert_int_equal(b.len, 0);
	sg_buf_free(&b);
	assert_null(b.p);
	assert_int_equal(b.cap, 0);
	/* free twice is harmless */
	sg_buf_free(&b);
	assert_int_equal(e.code, SG_OK);
}

/* reserve gives room without touching len or the bytes held. */
static void
test_reserve(void **state)
{
	sg_buf b = SG_BUF_INIT;
	sg_err e;
	size_t n;

	(void)state;
	sg_err_clear(&e);
	assert_int_equal(sg_buf_append(&b, "hello", 5, &e), 0);
	for (n = 1; n < (4u << 20); n = n * 3 + 1) {
		unsigned char *p;

		assert_int_equal(sg_buf_reserve(&b, n, &e), 0);
		assert_true(b.cap >= n);
		assert_int_equal(b.len, 5);
		assert_memory_equal(b.p, "hello", 5);
		check_aligned(&b);
		/* the room is writable (ASan checks) */
		p = b.p;
		p[b.cap - 1] = 1;
		/* a smaller reserve changes nothing */
		assert_int_equal(sg_buf_reserve(&b, n / 2, &e), 0);
		assert_ptr_equal(b.p, p);
	}
	sg_buf_free(&b);
}

/* Random appends and printfs against a model. */
static void
test_random_appends(void **state)
{
	sgt_rng r;
	unsigned it;

	(void)state;
	sgt_rng_init(&r, "buf_random_appends");
	for (it = 0; it < sgt_iters(200); it++) {
		sg_buf b = SG_BUF_INIT;
		sgt_buf model = { 0 };
		unsigned ops = (unsigned)sgt_range(&r, 1, 60), k;
		sg_err e;

		sg_err_clear(&e);
		for (k = 0; k < ops; k++) {
			unsigned char chunk[9000];
			size_t n = sgt_chance(&r, 10) ? 0 : (size_t)sgt_below(&r, sizeof chunk), i;

			for (i = 0; i < n; i++)
				chunk[i] = (unsigned char)sgt_next(&r);
			if (sgt_chance(&r, 30)) {
				char want[64];
				unsigned long long v = sgt_next(&r);
				int w = snprintf(want, sizeof want, "[%llu|%s|%5.2f]", v, "x",
				    (double)(v % 1000) / 7);

				assert_int_equal(sg_buf_printf(&b, &e, "[%llu|%s|%5.2f]", v, "x",
				    (double)(v % 1000) / 7), 0);
				sgt_buf_put(&model, want, (size_t)w);
			} else {
				assert_int_equal(sg_buf_append(&b, chunk, n, &e), 0);
				sgt_buf_put(&model, chunk, n);
			}
			assert_int_equal(b.len, model.len);
			assert_true(b.cap >= b.len);
			check_aligned(&b);
			if (model.len > 0)
				assert_memory_equal(b.p, model.p, model.len);
		}
		assert_int_equal(e.code, SG_OK);
		sg_buf_free(&b);
		sgt_buf_free(&model);
	}
}

/* printf of a string longer than any initial capacity, after data. */
static void
test_printf_long(void **state)
{
	sg_buf b = SG_BUF_INIT;
	char *s = malloc(100001);
	sg_err e;

	(void)state;
	assert_non_null(s);
	memset(s, 'q', 100000);
	s[100000] = '\0';
	sg_err_clear(&e);
	assert_int_equal(sg_buf_append(&b, "ab", 2, &e), 0);
	assert_int_equal(sg_buf_printf(&b, &e, "<%s>%d", s, 42), 0);
	assert_int_equal(b.len, 2 + 1 + 100000 + 1 + 2);
	assert_memory_equal(b.p, "ab<", 3);
	assert_memory_equal(b.p + 3, s, 100000);
	assert_memory_equal(b.p + 100003, ">42", 3);
	/* an empty format appends nothing */
	assert_int_equal(sg_buf_printf(&b, &e, "%s", ""), 0);
	assert_int_equal(b.len, 100006);
	free(s);
	sg_buf_free(&b);
}

/* Growth is geometric: a megabyte appended a byte at a time moves the
 * storage only a logarithmic number of times. */
static void
test_geometric(void **state)
{
	sg_buf b = SG_BUF_INIT;
	unsigned char *last = NULL;
	size_t i, moves = 0, caps = 0, last_cap = 0;
	sg_err e;

	(void)state;
	sg_err_clear(&e);
	for (i = 0; i < (1u << 20); i++) {
		unsigned char c = (unsigned char)(i * 7);

		assert_int_equal(sg_buf_append(&b, &c, 1, &e), 0);
		if (b.p != last) {
			moves++;
			last = b.p;
		}
		if (b.cap != last_cap) {
			caps++;
			last_cap = b.cap;
		}
	}
	assert_true(caps <= 24);
	assert_true(moves <= caps);
	for (i = 0; i < (1u << 20); i++)
		if (b.p[i] != (unsigned char)(i * 7))
			fail_msg("byte %zu changed across growth", i);
	sg_buf_free(&b);
}

/* trim empties the buffer, keeping storage up to keep bytes. */
static void
test_trim(void **state)
{
	sg_buf b = SG_BUF_INIT;
	unsigned char *p;
	size_t cap;
	sg_err e;

	(void)state;
	sg_err_clear(&e);
	assert_int_equal(sg_buf_append(&b, "0123456789", 10, &e), 0);
	p = b.p;
	cap = b.cap;
	sg_buf_trim(&b, cap);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.p, p);
	assert_int_equal(b.cap, cap);
	/* reused without reallocation */
	assert_int_equal(sg_buf_append(&b, "xy", 2, &e), 0);
	assert_ptr_equal(b.p, p);
	assert_memory_equal(b.p, "xy", 2);
	/* larger than keep: storage given back */
	sg_buf_trim(&b, cap - 1);
	assert_int_equal(b.len, 0);
	assert_null(b.p);
	assert_int_equal(b.cap, 0);
	/* and usable again */
	assert_int_equal(sg_buf_append(&b, "z", 1, &e), 0);
	assert_int_equal(b.len, 1);
	assert_memory_equal(b.p, "z", 1);
	sg_buf_free(&b);
}

/* Bytes of [p, p + n) in resident pages, from mincore(2). */
static size_t
resident(const unsigned char *p, size_t n)
{
	size_t pages = (n + ALIGN - 1) / ALIGN, i, in = 0;
	unsigned char *v = malloc(pages);

	assert_non_null(v);
	assert_int_equal(mincore((void *)p, pages * ALIGN, v), 0);
	for (i = 0; i < pages; i++)
		in += v[i] & 1;
	free(v);
	return in * ALIGN;
}

/* A committed buffer: its first allocation is the committed size however
 * little was asked, every page resident at once (so a long run's RSS is a
 * short run's); growth past it keeps the contents and is resident too;
 * after a trim the next allocation is the committed size again. 8 MiB:
 * more than any earlier test used, so the storage is fresh, and would not
 * be resident had the buffer not touched it. */
static void
test_commit(void **state)
{
	const size_t commit = 8u << 20;
	sg_buf b = SG_BUF_INIT;
	sg_err e;

	(void)state;
	sg_err_clear(&e);
	b.commit = commit;
	assert_int_equal(sg_buf_append(&b, "abc", 3, &e), 0);
	check_aligned(&b);
	assert_int_equal(b.cap, commit);
	assert_int_equal(resident(b.p, b.cap), commit);
	assert_int_equal(sg_buf_reserve(&b, commit + 1, &e), 0);
	assert_true(b.cap > commit);
	assert_memory_equal(b.p, "abc", 3);
	assert_int_equal(resident(b.p, b.cap), (b.cap + ALIGN - 1) / ALIGN * ALIGN);
	sg_buf_trim(&b, commit);
	assert_null(b.p);
	assert_int_equal(b.commit, commit);
	assert_int_equal(sg_buf_append(&b, "z", 1, &e), 0);
	assert_int_equal(b.cap, commit);
	assert_int_equal(resident(b.p, b.cap), commit);
	sg_buf_free(&b);
}

/* An append whose size overflows fails cleanly and leaves the buffer. */
static void
test_overflow(void **state)
{
	sg_buf b = SG_BUF_INIT;
	sg_err e;

	(void)state;
	sg_err_clear(&e);
	assert_int_equal(sg_buf_append(&b, "abc", 3, &e), 0);
	assert_int_equal(sg_buf_append(&b, "x", SIZE_MAX - 1, &e), SG_ENOMEM);
	assert_int_equal(e.code, SG_ENOMEM);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.p, "abc", 3);
	sg_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit), /* first: its storage must be fresh */
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_random_appends),
		cmocka_unit_test(test_printf_long),
		cmocka_unit_test(test_geometric),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_overflow),
	};

	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
