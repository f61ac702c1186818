/* test_pool.c: the ordered job pool (pool.h). Jobs with random sizes and
 * random small work delays, some passed through without work, must come
 * back in submission order with their own results, each work job run
 * exactly once, with 0, 1, 2 and 4 threads; in-flight jobs never exceed
 * the depth and their bytes never exceed the budget (unless alone). */
#include "sgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pool.h"

#define MAX_JOBS 20000u

/* What the test watches from inside the work function. */
struct watch {
	unsigned runs[MAX_JOBS];  /* times each job's work ran */
	unsigned live_workers;    /* worker states alive */
	unsigned made_workers;    /* worker_new calls */
	uint64_t state_jobs;      /* jobs run, as counted by the worker states */
	unsigned fail_at;         /* worker_new fails on this call (1-based), 0 never */
	unsigned running, max_running;
	unsigned wrong_state;     /* work ran with another pool's worker state */
	volatile int gate;        /* jobs with flags & GATED wait while 0 */
};

#define DELAY_MASK 0xFFFFu  /* job->flags: microseconds to spend working */
#define GATED 0x10000u

struct worker {
	struct watch *w;
	uint64_t jobs;            /* jobs run with this state */
};

static void *
worker_new(void *arg)
{
	struct watch *w = arg;
	struct worker *s;

	if (__atomic_add_fetch(&w->made_workers, 1, __ATOMIC_SEQ_CST) == w->fail_at)
		return NULL;
	s = calloc(1, sizeof *s);
	assert_non_null(s);
	s->w = w;
	__atomic_add_fetch(&w->live_workers, 1, __ATOMIC_SEQ_CST);
	return s;
}

static void
worker_free(void *v)
{
	struct worker *s = v;

	__atomic_sub_fetch(&s->w->live_workers, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&s->w->state_jobs, s->jobs, __ATOMIC_SEQ_CST);
	free(s);
}

/* The result a job must carry: a digest of its ticket and its input. */
static uint64_t
expected(uint64_t ticket, const unsigned char *in, size_t n)
{
	return sgt_xxh3(in, n) ^ (ticket * 0x9E3779B97F4A7C15u);
}

static void
pause_us(unsigned us)
{
	struct timespec ts = { 0, (long)us * 1000 };

	if (us > 0)
		nanosleep(&ts, NULL);
}

static int
work(void *worker, sg_job *j, void *arg)
{
	struct worker *s = worker;
	struct watch *w = arg;
	unsigned now = __atomic_add_fetch(&w->running, 1, __ATOMIC_SEQ_CST), max;
	uint64_t v;
	sg_err e;

	/* the highest concurrency seen */
	max = __atomic_load_n(&w->max_running, __ATOMIC_SEQ_CST);
	while (now > max && !__atomic_compare_exchange_n(&w->max_running, &max, now, 0,
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	/* no cmocka asserts here: this runs on worker threads */
	if (s->w != w)
		__atomic_add_fetch(&w->wrong_state, 1, __ATOMIC_SEQ_CST);
	s->jobs++;
	if (j->index < MAX_JOBS)
		__atomic_add_fetch(&w->runs[j->index], 1, __ATOMIC_SEQ_CST);
	while ((j->flags & GATED) && !__atomic_load_n(&w->gate, __ATOMIC_SEQ_CST))
		pause_us(100);
	pause_us(j->flags & DELAY_MASK);
	v = expected(j->index, j->in.p, j->in.len);
	sg_err_clear(&e);
	j->out.len = 0;
	__atomic_sub_fetch(&w->running, 1, __ATOMIC_SEQ_CST);
	if (sg_buf_append(&j->out, &v, sizeof v, &e) < 0)
		return e.code;
	/* a job's rc comes back to the caller */
	return (int)(j->index % 7);
}

static sg_pool *
new_pool(unsigned threads, unsigned depth, size_t budget, struct watch *w)
{
	sg_err e;
	sg_pool *p;

	sg_err_clear(&e);
	p = sg_pool_new(threads, depth, budget, work, w, worker_new, worker_free, &e);
	if (p == NULL)
		fail_msg("sg_pool_new: %s", e.msg);
	assert_int_equal(w->live_workers, threads ? threads : 1);
	return p;
}

/* The caller's model of what is in flight. */
struct flight {
	uint64_t ticket[MAX_JOBS];
	size_t bytes[MAX_JOBS];
	int work[MAX_JOBS];
	uint64_t hash[MAX_JOBS];
	size_t head, tail, sum;
};

/* Take the oldest job back and check it. */
static void
take(sg_pool *p, struct flight *m)
{
	sg_job *j = sg_pool_oldest(p, 1);
	size_t k = m->head;

	assert_non_null(j);
	assert_true(m->head < m->tail);
	if (j->index != m->ticket[k])
		fail_msg("job %llu came back where job %llu was due",
		    (unsigned long long)j->index, (unsigned long long)m->ticket[k]);
	assert_int_equal(j->in.len, m->bytes[k]);
	assert_int_equal(sgt_xxh3(j->in.p, j->in.len), m->hash[k]);
	if (m->work[k]) {
		uint64_t v;

		assert_int_equal(j->rc, (int)(j->index % 7));
		assert_int_equal(j->out.len, sizeof v);
		memcpy(&v, j->out.p, sizeof v);
		assert_true(v == expected(j->index, j->in.p, j->in.len));
	} else {
		assert_int_equal(j->rc, 0);
		assert_int_equal(j->out.len, 0);
	}
	/* asking again without retiring gives the same job */
	assert_ptr_equal(sg_pool_oldest(p, 0), j);
	sg_pool_retire(p);
	m->sum -= m->bytes[k];
	m->head++;
	assert_int_equal(sg_pool_inflight(p), m->tail - m->head);
}

static void
run_random(unsigned threads, unsigned depth, size_t budget, unsigned njobs,
	   unsigned pass_pct, sgt_rng *r)
{
	struct watch *w = calloc(1, sizeof *w);
	struct flight *m = calloc(1, sizeof *m);
	unsigned char data[4096];
	sg_pool *p;
	unsigned t, maxin = 0;
	sg_err e;

	assert_non_null(w);
	assert_non_null(m);
	assert_true(njobs <= MAX_JOBS);
	sg_err_clear(&e);
	w->gate = 1;
	p = new_pool(threads, depth, budget, w);
	for (t = 0; t < njobs; t++) {
		size_t n = (size_t)(sgt_chance(r, 5) ? sgt_below(r, sizeof data + 1) :
		    sgt_below(r, 300));
		int needs = !sgt_chance(r, pass_pct);
		sg_job *j;
		size_t i;

		for (i = 0; i < n; i++)
			data[i] = (unsigned char)sgt_next(r);
		/* admission: refused exactly when the depth or the budget
		 * would be exceeded, and never when nothing is in flight */
		{
			unsigned in = (unsigned)(m->tail - m->head);
			int want_full = in >= depth || (in > 0 && m->sum + n > budget);

			assert_int_equal(sg_pool_full(p, n) != 0, want_full);
		}
		while (sg_pool_full(p, n))
			take(p, m);
		j = sg_pool_slot(p);
		assert_non_null(j);
		assert_int_equal(j->in.len, 0);
		assert_int_equal(j->out.len, 0);
		assert_int_equal(j->aux.len, 0);
		assert_int_equal(j->flags, 0);
		j->index = t;
		assert_int_equal(sg_buf_append(&j->in, data, n, &e), 0);
		if (needs && sgt_chance(r, 20))
			j->flags = (uint32_t)sgt_range(r, 1, 60);
		m->ticket[m->tail] = t;
		m->bytes[m->tail] = n;
		m->work[m->tail] = needs;
		m->hash[m->tail] = sgt_xxh3(data, n);
		m->tail++;
		m->sum += n;
		sg_pool_submit(p, j, needs);
		if (!needs && m->tail - m->head == 1)
			/* passed through into an empty pool: done at once */
			assert_ptr_equal(sg_pool_oldest(p, 0), j);
		if (sg_pool_inflight(p) > maxin)
			maxin = sg_pool_inflight(p);
		assert_int_equal(sg_pool_inflight(p), m->tail - m->head);
		assert_true(sg_pool_inflight(p) <= depth);
		assert_true(m->sum <= budget || sg_pool_inflight(p) == 1);
		/* now and then, the caller drains a little */
		if (sgt_chance(r, 10)) {
			sg_job *o = sg_pool_oldest(p, 0);

			if (o != NULL)
				take(p, m);
		}
	}
	while (m->head < m->tail)
		take(p, m);
	assert_null(sg_pool_oldest(p, 0));
	assert_null(sg_pool_oldest(p, 1));
	assert_int_equal(sg_pool_inflight(p), 0);
	sg_pool_free(p);
	assert_int_equal(w->live_workers, 0);
	/* each work job ran once, each passed-through job never (job t
	 * was the t-th submitted) */
	for (t = 0; t < njobs; t++)
		if (w->runs[t] != (unsigned)m->work[t])
			fail_msg("%u threads, depth %u: job %u ran %u times, want %d", threads,
			    depth, t, w->runs[t], m->work[t]);
	assert_int_equal(w->wrong_state, 0);
	{
		uint64_t want = 0;

		for (t = 0; t < njobs; t++)
			want += (uint64_t)m->work[t];
		assert_int_equal(w->state_jobs, want);
	}
	assert_true(w->max_running <= (threads ? threads : 1));
	assert_true(maxin <= depth);
	free(w);
	free(m);
}

static void
test_order(void **state)
{
	static const unsigned threads[] = { 0, 1, 2, 4 };
	sgt_rng r;
	size_t k;

	(void)state;
	sgt_rng_init(&r, "pool_order");
	for (k = 0; k < sizeof threads / sizeof threads[0]; k++) {
		/* a deep pool with a large budget, a shallow one, and one
		 * that the byte budget limits long before the depth */
		run_random(threads[k], 16, 1u << 20, sgt_iters(10000), 20, &r);
		run_random(threads[k], 2, 1u << 20, sgt_iters(2000), 20, &r);
		run_random(threads[k], 64, 1500, sgt_iters(3000), 20, &r);
	}
}

/* A job passed through (work 0) is done at once but keeps its place:
 * behind a job still working, it waits for it. */
static void
test_pass_through_keeps_place(void **state)
{
	static const unsigned threads[] = { 1, 2, 4 };
	size_t k;

	(void)state;
	for (k = 0; k < sizeof threads / sizeof threads[0]; k++) {
		struct watch *w = calloc(1, sizeof *w);
		sg_pool *p;
		sg_job *slow, *pass, *j;

		assert_non_null(w);
		p = new_pool(threads[k], 4, 1u << 20, w);
		slow = sg_pool_slot(p);
		slow->index = 0;
		slow->flags = GATED;
		sg_pool_submit(p, slow, 1);
		pass = sg_pool_slot(p);
		assert_true(pass != slow);
		pass->index = 1;
		sg_pool_submit(p, pass, 0);
		assert_int_equal(sg_pool_inflight(p), 2);
		/* the gated job cannot be done: nothing to take yet */
		pause_us(2000);
		assert_null(sg_pool_oldest(p, 0));
		__atomic_store_n(&w->gate, 1, __ATOMIC_SEQ_CST);
		j = sg_pool_oldest(p, 1);
		assert_ptr_equal(j, slow);
		assert_int_equal(j->index, 0);
		sg_pool_retire(p);
		/* the passed-through job is there at once, without waiting */
		j = sg_pool_oldest(p, 0);
		assert_ptr_equal(j, pass);
		assert_int_equal(j->index, 1);
		assert_int_equal(j->out.len, 0);
		sg_pool_retire(p);
		assert_null(sg_pool_oldest(p, 0));
		sg_pool_free(p);
		assert_int_equal(w->runs[0], 1);
		assert_int_equal(w->runs[1], 0);
		assert_int_equal(w->live_workers, 0);
		free(w);
	}
}

/* Jobs passed through while the workers sleep, more of them than the
 * pool is deep, then one job with work: it must run exactly once. */
static void
test_pass_through_then_work(void **state)
{
	static const unsigned threads[] = { 0, 1, 2 };
	size_t k;

	(void)state;
	for (k = 0; k < sizeof threads / sizeof threads[0]; k++) {
		struct watch *w = calloc(1, sizeof *w);
		unsigned depth = 4, t;
		sg_pool *p;
		sg_job *j;

		assert_non_null(w);
		w->gate = 1;
		p = new_pool(threads[k], depth, 1u << 20, w);
		for (t = 0; t < 2 * depth; t++) {
			while (sg_pool_full(p, 0)) {
				assert_non_null(sg_pool_oldest(p, 1));
				sg_pool_retire(p);
			}
			j = sg_pool_slot(p);
			j->index = t;
			sg_pool_submit(p, j, 0);
		}
		while (sg_pool_full(p, 0)) {
			assert_non_null(sg_pool_oldest(p, 1));
			sg_pool_retire(p);
		}
		j = sg_pool_slot(p);
		j->index = t;
		sg_pool_submit(p, j, 1);
		while ((j = sg_pool_oldest(p, 1)) != NULL)
			sg_pool_retire(p);
		sg_pool_free(p);
		if (w->runs[2 * depth] != 1)
			fail_msg("%u threads: the work job ran %u times, want 1", threads[k],
			    w->runs[2 * depth]);
		for (t = 0; t < 2 * depth; t++)
			assert_int_equal(w->runs[t], 0);
		free(w);
	}
}

/* sg_pool_commit: every slot's named buffers come committed to the size
 * asked, however small the jobs; the others are left alone. */
static void
test_commit(void **state)
{
	const size_t commit = 256u << 10;
	struct watch *w = calloc(1, sizeof *w);
	sg_pool *p;
	unsigned t;
	sg_err e;

	(void)state;
	assert_non_null(w);
	p = new_pool(2, 4, 1u << 20, w);
	sg_pool_commit(p, SG_POOL_IN | SG_POOL_OUT, commit);
	sg_err_clear(&e);
	for (t = 0; t < 8; t++) {
		sg_job *j;

		while (sg_pool_full(p, 100)) {
			assert_non_null(sg_pool_oldest(p, 1));
			sg_pool_retire(p);
		}
		j = sg_pool_slot(p);
		j->index = t;
		assert_int_equal(sg_buf_append(&j->in, "0123456789", 10, &e), 0);
		sg_pool_submit(p, j, 1);
	}
	for (t = 0; t < 4; t++) {
		sg_job *j = sg_pool_oldest(p, 1);

		assert_non_null(j);
		assert_int_equal(j->in.cap, commit);
		assert_int_equal(j->out.cap, commit);
		assert_int_equal(j->out.len, sizeof(uint64_t));
		assert_int_equal(j->aux.commit, 0);
		assert_null(j->aux.p);
		sg_pool_retire(p);
	}
	assert_null(sg_pool_oldest(p, 1));
	sg_pool_free(p);
	free(w);
}

/* A worker_new failure: no pool, every state made so far freed. */
static void
test_worker_new_fails(void **state)
{
	struct watch *w = calloc(1, sizeof *w);
	sg_pool *p;
	sg_err e;

	(void)state;
	assert_non_null(w);
	w->fail_at = 3;
	sg_err_clear(&e);
	p = sg_pool_new(4, 8, 1u << 20, work, w, worker_new, worker_free, &e);
	assert_null(p);
	assert_int_equal(e.code, SG_ENOMEM);
	assert_int_equal(w->made_workers, 3); /* it stopped at the failure */
	assert_int_equal(w->live_workers, 0);
	free(w);
}

/* Freeing a pool with work still queued stops the workers cleanly. */
static void
test_free_busy(void **state)
{
	struct watch *w = calloc(1, sizeof *w);
	sg_pool *p;
	unsigned t;

	(void)state;
	assert_non_null(w);
	w->gate = 1;
	p = new_pool(2, 8, 1u << 20, w);
	for (t = 0; t < 8; t++) {
		sg_job *j = sg_pool_slot(p);

		j->index = t;
		j->flags = 500;
		sg_pool_submit(p, j, 1);
	}
	sg_pool_free(p);
	assert_int_equal(w->live_workers, 0);
	for (t = 0; t < 8; t++)
		assert_true(w->runs[t] <= 1);
	free(w);
}

static void
test_cpus(void **state)
{
	unsigned n = sg_pool_cpus();

	(void)state;
	assert_true(n >= 1 && n <= 256);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_pass_through_keeps_place),
		cmocka_unit_test(test_pass_through_then_work),
		cmocka_unit_test(test_commit),
		cmocka_unit_test(test_worker_new_fails),
		cmocka_unit_test(test_free_busy),
		cmocka_unit_test(test_cpus),
	};

	return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
