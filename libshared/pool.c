#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* A slot buffer above this is freed at retire: rare huge frames must not
 * keep their memory for the whole run. */
#define SLOT_KEEP (16u << 20)

struct sg_pool {
	pthread_mutex_t mu;
	pthread_cond_t work_cv, done_cv;
	sg_job *slots;
	unsigned depth, threads, started;
	uint64_t head, tail, next; /* oldest in flight, next to fill, next to work on */
	size_t budget, inflight_bytes;
	int stop;
	int efd;                   /* eventfd: a job is done */
	sg_pool_fn fn;
	void *arg;
	void **workers;
	void (*worker_free)(void *);
	pthread_t *tids;
};

static sg_job *
at(const sg_pool *p, uint64_t ticket)
{
	return &p->slots[ticket % p->depth];
}

static void *
worker_main(void *v)
{
	void **self = v;
	sg_pool *p = self[0];
	void *state = self[1];

	pthread_mutex_lock(&p->mu);
	for (;;) {
		sg_job *j;

		/* Jobs without work may have been retired before any worker
		 * looked at them: never look behind the oldest in flight. */
		if (p->next < p->head)
			p->next = p->head;
		while (p->next < p->tail && !at(p, p->next)->work)
			p->next++;
		if (p->next == p->tail) {
			if (p->stop)
				break;
			pthread_cond_wait(&p->work_cv, &p->mu);
			continue;
		}
		j = at(p, p->next++);
		pthread_mutex_unlock(&p->mu);
		j->rc = p->fn(state, j, p->arg);
		pthread_mutex_lock(&p->mu);
		j->done = 1;
		pthread_cond_broadcast(&p->done_cv);
		if (p->efd >= 0) {
			uint64_t one = 1;

			(void)!write(p->efd, &one, sizeof one);
		}
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

sg_pool *
sg_pool_new(unsigned threads, unsigned depth, size_t budget, sg_pool_fn fn,
	    void *arg, void *(*worker_new)(void *), void (*worker_free)(void *),
	    sg_err *e)
{
	unsigned nstate = threads ? threads : 1, i;
	sg_pool *p = calloc(1, sizeof *p);

	if (p == NULL)
		goto nomem;
	p->depth = depth ? depth : 1;
	p->threads = threads;
	p->budget = budget;
	p->fn = fn;
	p->arg = arg;
	p->worker_free = worker_free;
	p->efd = threads ? eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) : -1;
	if (threads && p->efd < 0) {
		free(p);
		sg_err_set(e, SG_ENOMEM, "cannot create an eventfd");
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work_cv, NULL);
	pthread_cond_init(&p->done_cv, NULL);
	p->slots = calloc(p->depth, sizeof *p->slots);
	p->workers = calloc(nstate, 2 * sizeof *p->workers);
	p->tids = calloc(nstate, sizeof *p->tids);
	if (p->slots == NULL || p->workers == NULL || p->tids == NULL)
		goto nomem;
	for (i = 0; i < nstate; i++) {
		p->workers[2 * i] = p;
		if ((p->workers[2 * i + 1] = worker_new(arg)) == NULL)
			goto nomem;
	}
	for (i = 0; i < threads; i++) {
		if (pthread_create(&p->tids[i], NULL, worker_main, &p->workers[2 * i]) != 0) {
			sg_pool_free(p);
			sg_err_set(e, SG_ENOMEM, "cannot start a worker thread");
			return NULL;
		}
		p->started++;
	}
	return p;
nomem:
	sg_pool_free(p);
	sg_err_set(e, SG_ENOMEM, "out of memory for %u workers", nstate);
	return NULL;
}

void
sg_pool_free(sg_pool *p)
{
	unsigned i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	if (p->next < p->head)
		p->next = p->head;
	p->tail = p->next; /* abandon queued work */
	pthread_cond_broadcast(&p->work_cv);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->started; i++)
		pthread_join(p->tids[i], NULL);
	if (p->workers != NULL)
		for (i = 0; i < (p->threads ? p->threads : 1); i++)
			if (p->workers[2 * i + 1] != NULL)
				p->worker_free(p->workers[2 * i + 1]);
	if (p->slots != NULL)
		for (i = 0; i < p->depth; i++) {
			sg_buf_free(&p->slots[i].in);
			sg_buf_free(&p->slots[i].out);
			sg_buf_free(&p->slots[i].aux);
		}
	if (p->efd >= 0)
		close(p->efd);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work_cv);
	pthread_cond_destroy(&p->done_cv);
	free(p->slots);
	free(p->workers);
	free(p->tids);
	free(p);
}

void
sg_pool_commit(sg_pool *p, unsigned bufs, size_t bytes)
{
	unsigned i;

	for (i = 0; i < p->depth; i++) {
		if (bufs & SG_POOL_IN)
			p->slots[i].in.commit = bytes;
		if (bufs & SG_POOL_OUT)
			p->slots[i].out.commit = bytes;
		if (bufs & SG_POOL_AUX)
			p->slots[i].aux.commit = bytes;
	}
}

int
sg_pool_full(const sg_pool *p, size_t bytes)
{
	if (p->tail - p->head >= p->depth)
		return 1;
	return p->tail != p->head && p->inflight_bytes + bytes > p->budget;
}

sg_job *
sg_pool_slot(sg_pool *p)
{
	sg_job *j = at(p, p->tail);

	j->in.len = j->out.len = j->aux.len = 0;
	j->flags = 0;
	j->rc = 0;
	sg_err_clear(&j->err);
	return j;
}

void
sg_pool_submit(sg_pool *p, sg_job *j, int work)
{
	j->work = work;
	j->done = !work;
	if (work && p->threads == 0) {
		j->rc = p->fn(p->workers[1], j, p->arg);
		j->done = 1;
		j->work = 0;
	}
	pthread_mutex_lock(&p->mu);
	p->inflight_bytes += j->in.len;
	p->tail++;
	if (j->work)
		pthread_cond_signal(&p->work_cv);
	pthread_mutex_unlock(&p->mu);
}

sg_job *
sg_pool_oldest(sg_pool *p, int wait)
{
	sg_job *j;
	int done;

	if (p->head == p->tail)
		return NULL;
	j = at(p, p->head);
	pthread_mutex_lock(&p->mu);
	while (!j->done && wait)
		pthread_cond_wait(&p->done_cv, &p->mu);
	done = j->done;
	pthread_mutex_unlock(&p->mu);
	return done ? j : NULL;
}

void
sg_pool_retire(sg_pool *p)
{
	sg_job *j = at(p, p->head);

	pthread_mutex_lock(&p->mu);
	p->inflight_bytes -= j->in.len;
	p->head++;
	pthread_mutex_unlock(&p->mu);
	sg_buf_trim(&j->in, SLOT_KEEP);
	sg_buf_trim(&j->out, SLOT_KEEP);
	sg_buf_trim(&j->aux, SLOT_KEEP);
}

unsigned
sg_pool_inflight(const sg_pool *p)
{
	return (unsigned)(p->tail - p->head);
}

int
sg_pool_event_fd(const sg_pool *p)
{
	return p->efd;
}

void
sg_pool_event_clear(sg_pool *p)
{
	uint64_t n;

	if (p->efd >= 0)
		(void)!read(p->efd, &n, sizeof n);
}

unsigned
sg_pool_cpus(void)
{
	cpu_set_t set;
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	/* Respect taskset and cgroup CPU pinning when the kernel says. */
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}
