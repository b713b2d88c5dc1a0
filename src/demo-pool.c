/*
 * demo-pool.c -- executors, submit/map, futures, chunks, and their overhead.
 *
 * One executor interface over two backends, which is the point of Python's
 * concurrent.futures: submit() turns a chunk of items into queued work and
 * gives a future per item (pending, then running, then done); map() submits
 * every chunk of `chunksize` items, waits, and returns the results in input
 * order whatever order they finished in.
 *
 * thread: `workers` threads take chunks from one queue (a mutex and a
 * condition variable) and run them under the GIL-like lock when gil=new, so
 * CPU work does not speed up while sleeping does (sleep releases the GIL).
 * process (demo-pool-proc.c): `workers` forked processes (proc.c), each
 * its own interpreter; the parent sends a chunk down a worker's task pipe
 * and reads its results back, then sends that worker the next chunk.  Each chunk costs a round
 * trip between processes, which is what chunksize amortises, and why tiny
 * tasks run slower on a process pool than in a plain loop.
 *
 * Each worker lane shows every item as its own labelled span (EV_LABEL);
 * a counter lane shows how many futures are done.  The sequential baseline
 * runs the same calls in a loop in the same invocation, after the pool.
 *
 * Futures and the queue live under the pool mutex in the thread backend,
 * which also orders the writers of the counter lane; in the process
 * backend only the parent thread touches them.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

#define POOL_DEFAULT_WORK_US	100000	/* cpu and sleep when work_us=0 */

static const struct param_spec pool_params[] = {
	{ "backend", PARAM_CHOICE, "thread", 0, 0, "thread|process",
	    "run the tasks on threads or on forked processes" },
	{ "workers", PARAM_INT, "4", 1, 256, NULL, "threads or processes" },
	{ "items", PARAM_INT, "5", 1, 100000, NULL,
	    "inputs 1..items mapped through fn" },
	{ "fn", PARAM_CHOICE, "square", 0, 0, "square|cube|cpu|sleep",
	    "square: x*x; cube: x*x*x; cpu: CPU work, then x*x; "
	    "sleep: sleep, then x" },
	{ "work_us", PARAM_INT, "0", 0, 60000000, NULL,
	    "work per item in us (0: none for square and cube, 100000 for "
	    "cpu and sleep)" },
	{ "chunksize", PARAM_INT, "1", 1, 100000, NULL,
	    "items sent to a worker as one task" },
	{ "gil", PARAM_CHOICE, "new", 0, 0, "new|none",
	    "thread backend: run under the GIL-like lock, or without" },
	{ "fail", PARAM_INT, "0", 0, 100000, NULL,
	    "the input whose call raises ValueError (0: none)" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

/*
 * Call fn on x as one task: the work, then the result.  A Python call of a
 * small function costs about two statements, so even square costs that.
 */
int64_t
pool_call(struct worker *w, enum pool_fn fn, uint64_t work_ns, int64_t x,
    int64_t fail)
{
	work_statement();
	work_statement();
	if (x == fail)		/* raise ValueError(f"item {x} failed") */
		return POOL_RAISED;
	if (fn == POOL_SLEEP) {
		work_io(w, work_ns);
		return x;
	}
	if (work_ns > 0)
		work_cpu(w, work_ns * work_units_per_ms() / NS_PER_MS);
	return fn == POOL_CUBE ? x * x * x : x * x;
}

/*
 * The futures' lives are also written on the counter lane, so any view can
 * list them: EV_SPAWN when a future is made (pending), EV_LABEL when a
 * worker starts it (running), EV_RESULT when it is done; all under the
 * pool mutex for threads, by the parent alone for processes.
 */

/* A future finished (under the mutex for threads): count and show it. */
void
pool_future_done(struct pool *p, size_t item, int64_t result, int worker)
{
	p->futures[item].result = result;
	p->futures[item].worker = worker;
	p->futures[item].state = result == POOL_RAISED ? FUT_FAILED : FUT_DONE;
	p->ndone++;
	/* A failed future's mark is -(item + 1): done, with an exception. */
	trace_point(p->tr, p->counter_lane, EV_RESULT, result == POOL_RAISED ?
	    -(int64_t)item - 1 : (int64_t)item);
	trace_point(p->tr, p->counter_lane, EV_COUNTER, (int64_t)p->ndone);
}

/* A chunk was submitted: its futures exist, pending. */
void
pool_chunk_submitted(struct pool *p, size_t c)
{
	size_t	i;

	for (i = 0; i < p->chunks[c].n; i++)
		trace_point(p->tr, p->counter_lane, EV_SPAWN,
		    (int64_t)(p->chunks[c].first + i));
}

/* Mark a chunk's futures running on a worker. */
void
pool_chunk_running(struct pool *p, size_t c, int worker)
{
	size_t	i;

	for (i = 0; i < p->chunks[c].n; i++) {
		p->futures[p->chunks[c].first + i].state = FUT_RUNNING;
		p->futures[p->chunks[c].first + i].worker = worker;
		trace_point(p->tr, p->counter_lane, EV_LABEL,
		    (int64_t)(p->chunks[c].first + i));
	}
	p->per_worker[worker]++;
}

/* --- thread backend ------------------------------------------------ */

/* One pool thread: take chunks until the pool closes. */
static void *
pool_thread(void *arg)
{
	struct worker	*w = arg;
	struct pool	*p = w->arg;
	size_t		 c, i, item;
	int64_t		 v;

	for (;;) {
		pthread_mutex_lock(&p->mutex);
		if (p->qhead == p->qtail && !p->closing)
			trace_state(w->trace, w->lane, STATE_QUEUE_WAIT);
		while (p->qhead == p->qtail && !p->closing)
			pthread_cond_wait(&p->work_cond, &p->mutex);
		if (p->qhead == p->qtail || run_stopping(p->run)) {
			pthread_mutex_unlock(&p->mutex);
			break;
		}
		c = p->queue[p->qhead++];
		pool_chunk_running(p, c, (int)w->index);
		pthread_mutex_unlock(&p->mutex);

		gil_take(w->gil, w);
		for (i = 0; i < p->chunks[c].n; i++) {
			item = p->chunks[c].first + i;
			trace_point(w->trace, w->lane, EV_LABEL, (int64_t)item);
			v = pool_call(w, p->fn, p->work_ns,
			    p->futures[item].arg, p->fail);
			trace_state(w->trace, w->lane, STATE_RUNNING);
			pthread_mutex_lock(&p->mutex);
			pool_future_done(p, item, v, (int)w->index);
			pthread_cond_signal(&p->done_cond);
			pthread_mutex_unlock(&p->mutex);
		}
		gil_drop(w->gil, w);
	}
	run_worker_done(w);
	return NULL;
}

/* Close the queue: every thread leaves at its next look. */
static void
pool_thread_close(void *arg)
{
	struct pool	*p = arg;

	pthread_mutex_lock(&p->mutex);
	p->closing = 1;
	pthread_cond_broadcast(&p->work_cond);
	pthread_mutex_unlock(&p->mutex);
}

/*
 * Start the threads (their team was made before the trace was published);
 * if one cannot start, the queue closes on the rest.
 */
static int
pool_thread_start(struct pool *p, char **cause)
{
	p->ws.wake = pool_thread_close;
	p->ws.wake_arg = p;
	p->started = 1;
	return run_workers_start(&p->ws, 0, p->nworkers, pool_thread, cause);
}

/* Queue a chunk and wake a thread for it. */
static void
pool_thread_submit(struct pool *p, size_t c)
{
	pthread_mutex_lock(&p->mutex);
	p->queue[p->qtail++] = c;
	pool_chunk_submitted(p, c);
	pthread_cond_signal(&p->work_cond);
	pthread_mutex_unlock(&p->mutex);
}

/* Wait until every future is done, or the run is stopped. */
static int
pool_thread_wait(struct pool *p, char **cause)
{
	struct timespec	ts;
	int		error = 0;

	pthread_mutex_lock(&p->mutex);
	while (p->ndone < p->nitems) {
		if ((error = run_stop_cause(p->run, cause)) != 0)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * (long)NS_PER_MS;
		if (ts.tv_nsec >= (long)NS_PER_SEC) {
			ts.tv_sec++;
			ts.tv_nsec -= (long)NS_PER_SEC;
		}
		pthread_cond_timedwait(&p->done_cond, &p->mutex, &ts);
	}
	pthread_mutex_unlock(&p->mutex);
	return error;
}

/* Close the queue and join every thread. */
static void
pool_thread_shutdown(struct pool *p, int failed)
{
	(void)failed;	/* threads stop at their next chunk either way */
	if (!p->started)
		return;
	pool_thread_close(p);
	run_workers_join(&p->ws);
	run_workers_free(&p->ws);
}

static const struct pool_backend pool_threads = {
	pool_thread_start, pool_thread_submit, pool_thread_wait,
	pool_thread_shutdown
};

/* --- the executor -------------------------------------------------- */

/*
 * Submit items [first, first + n) as one task and return the first item's
 * future; the futures stay pending until a worker takes the chunk.
 */
static struct pool_future *
pool_submit(struct pool *p, size_t first, size_t n)
{
	size_t	c = p->nchunks++;

	p->chunks[c].first = first;
	p->chunks[c].n = n;
	p->be->submit(p, c);
	return &p->futures[first];
}

/*
 * map(fn, 1..items, chunksize): submit every chunk, wait for every future,
 * and copy the results out in input order.
 */
static int
pool_map(struct pool *p, size_t chunksize, int64_t *results, char **cause)
{
	size_t	i, n;

	for (i = 0; i < p->nitems; i += n) {
		n = p->nitems - i < chunksize ? p->nitems - i : chunksize;
		pool_submit(p, i, n);
	}
	if (p->be->wait(p, cause) != 0)
		return -1;
	for (i = 0; i < p->nitems; i++)
		results[i] = p->futures[i].result;
	return 0;
}

/* The same calls in a plain loop on the baseline's worker. */
static int
pool_sequential(struct worker *w, void *arg)
{
	struct pool	*p = arg;
	size_t		 i;

	for (i = 0; i < p->nitems && !run_stopping(p->run); i++)
		p->check[i] = pool_call(w, p->fn, p->work_ns,
		    p->futures[i].arg, p->fail);
	return 0;
}

static void	pool_report_errors(struct pool *, const int64_t *);

/* Report the results, the futures and the cost against the plain loop. */
static void
pool_report(struct pool *p, const int64_t *results, uint64_t seq_ns)
{
	struct run	*r = p->run;
	double		 wall = (double)r->wall_ns / 1e6;
	double		 seq = (double)seq_ns / 1e6;
	double		 speedup = wall > 0 ? seq / wall : 0;
	size_t		 i, nstate[4] = { 0, 0, 0, 0 };

	for (i = 0; i < p->nitems; i++)
		nstate[p->futures[i].state]++;
	if (p->fail == 0 || p->fail > (int64_t)p->nitems)
		run_metric_ints(r, "results", results, p->nitems);
	else
		pool_report_errors(p, results);
	run_metric_float(r, "sequential_ms", seq);
	run_metric_float(r, "speedup", speedup);
	run_metric_int(r, "futures", (int64_t)p->nitems);
	run_metric_int(r, "futures_done", (int64_t)nstate[FUT_DONE]);
	run_metric_int(r, "futures_pending", (int64_t)nstate[FUT_PENDING]);
	run_metric_int(r, "chunks", (int64_t)p->nchunks);
	run_metric_ints(r, "chunks_per_worker", p->per_worker, p->nworkers);
	if (p->be == &pool_proc_backend)
		run_metric_int(r, "messages", (int64_t)p->messages);
	if (p->use_gil)
		run_metric_int(r, "gil_switches", (int64_t)p->gil.switches);

	run_note(r, "map over %zu items in %zu chunks on %u %s: %.1f ms; "
	    "a plain loop: %.1f ms; speedup %.2fx", p->nitems, p->nchunks,
	    p->nworkers, p->be == &pool_proc_backend ? "processes" : "threads",
	    wall, seq, speedup);
	run_note(r, "futures: %zu done, %zu running, %zu pending; results "
	    "come back in input order", nstate[FUT_DONE], nstate[FUT_RUNNING],
	    nstate[FUT_PENDING]);
	if (speedup < 1 && p->be == &pool_proc_backend)
		run_note(r, "parallel is not free: starting processes and "
		    "sending each chunk and its results cost more than the "
		    "work (try a larger chunksize or more work per item)");
	else if (speedup < 1.2 && p->use_gil && p->fn != POOL_SLEEP)
		run_note(r, "the threads take turns holding the GIL: CPU work "
		    "does not run in parallel");
}

/*
 * fail=K: item K raised ValueError.  submit + result(): every other future
 * has its result, and K's result() re-raises in the caller; map: the
 * iterator yields the results before K, then raises.  Exit 0: the
 * exception is the lesson, not a failure of the demo.
 */
static void
pool_report_errors(struct pool *p, const int64_t *results)
{
	struct run	*r = p->run;
	int64_t		*ok = xcalloc(p->nitems, sizeof *ok), k = p->fail;
	char		*exc;
	size_t		 i, n = 0;

	for (i = 0; i < p->nitems; i++)
		if (results[i] != POOL_RAISED)
			ok[n++] = results[i];
	xasprintf(&exc, "ValueError: item %lld failed", (long long)k);
	run_metric_ints(r, "results", ok, n);
	run_metric_ints(r, "map_results", results, (size_t)k - 1);
	run_metric_ints(r, "errors", &k, 1);
	run_metric_text(r, "exception", exc);
	run_metric_int(r, "futures_failed", 1);
	run_note(r, "for x in ex.map(f, items): yielded %lld result%s, then "
	    "raised:", (long long)k - 1, k - 1 == 1 ? "" : "s");
	run_note(r, "Traceback (most recent call last): ... %s", exc);
	run_note(r, "submit + result(): future %lld's result() re-raised %s "
	    "in the caller; the other %zu futures finished with their "
	    "results", (long long)k, exc, n);
	free(exc);
	free(ok);
}

/* Run the pool demo. */
static int
pool_run(struct run *r, char **cause)
{
	struct pool		 p;
	struct run_baseline	 b;
	int64_t			*results;
	uint64_t		 work_us;
	unsigned		 i, nlanes;
	char			 name[32];
	int			 error;

	memset(&p, 0, sizeof p);
	p.run = r;
	p.be = params_choice(&r->params, "backend") == 0 ? &pool_threads :
	    &pool_proc_backend;
	p.nworkers = (unsigned)params_int(&r->params, "workers");
	p.nitems = (size_t)params_int(&r->params, "items");
	p.fn = (enum pool_fn)params_choice(&r->params, "fn");
	work_us = (uint64_t)params_int(&r->params, "work_us");
	if (work_us == 0 && (p.fn == POOL_CPU || p.fn == POOL_SLEEP))
		work_us = POOL_DEFAULT_WORK_US;
	p.work_ns = work_us ? run_scaled_ns(r, (double)work_us / 1000) : 0;
	p.use_gil = p.be == &pool_threads &&
	    params_choice(&r->params, "gil") == 0;

	nlanes = p.nworkers + 1 + (p.use_gil ? 1 : 0);
	if ((p.tr = run_trace(r, nlanes, cause)) == NULL)
		return -1;
	/*
	 * Every lane is named here, before run_begin() shows the trace to the
	 * UI: naming the thread team's lanes in its start would write what the
	 * UI is already reading.
	 */
	if (p.be == &pool_threads)
		run_workers_init(&p.ws, r, p.tr, p.nworkers, "T",
		    p.use_gil ? &p.gil : NULL, &p);
	else
		for (i = 0; i < p.nworkers; i++) {
			snprintf(name, sizeof name, "P%u", i);
			trace_lane_init(p.tr, i, name, LANE_PROCESS);
		}
	p.counter_lane = p.nworkers;
	trace_lane_init(p.tr, p.counter_lane, "futures", LANE_COUNTER);
	if (p.use_gil)
		trace_lane_init(p.tr, p.nworkers + 1, "GIL", LANE_GIL);
	gil_init(&p.gil, p.use_gil ? GIL_NEW : GIL_NONE, 0, 0, p.tr,
	    p.use_gil ? (int)p.nworkers + 1 : -1);
	p.fail = params_int(&r->params, "fail");
	pthread_mutex_init(&p.mutex, NULL);
	pthread_cond_init(&p.work_cond, NULL);
	pthread_cond_init(&p.done_cond, NULL);
	p.futures = xcalloc(p.nitems, sizeof *p.futures);
	for (i = 0; i < p.nitems; i++) {
		p.futures[i].arg = (int64_t)i + 1;
		p.futures[i].worker = -1;
	}
	p.chunks = xcalloc(p.nitems, sizeof *p.chunks);
	p.queue = xcalloc(p.nitems, sizeof *p.queue);
	p.per_worker = xcalloc(p.nworkers, sizeof *p.per_worker);
	results = xcalloc(p.nitems, sizeof *results);
	p.check = xcalloc(p.nitems, sizeof *p.check);

	run_begin(r);
	error = p.be->start(&p, cause);
	if (error == 0)
		error = pool_map(&p, (size_t)params_int(&r->params,
		    "chunksize"), results, cause);
	p.be->shutdown(&p, error != 0);
	run_end(r);
	if (error == 0)
		error = run_baseline(r, NULL, pool_sequential, &p, &b, cause);
	if (error == 0 && memcmp(results, p.check, p.nitems *
	    sizeof *results) != 0) {
		*cause = xstrdup("the pool's results differ from the loop's");
		error = -1;
	}
	if (error == 0)
		pool_report(&p, results, b.ns);

	free(p.check);
	free(results);
	free(p.per_worker);
	free(p.queue);
	free(p.chunks);
	free(p.futures);
	pthread_cond_destroy(&p.done_cond);
	pthread_cond_destroy(&p.work_cond);
	pthread_mutex_destroy(&p.mutex);
	gil_free(&p.gil);
	return error;
}

const struct demo_class demo_pool_class = {
	.name = "pool",
	.summary = "executors, submit/map, futures, chunks",
	.params = pool_params,
	.run = pool_run,
	.worker = pool_proc_worker,
};
