/*
 * run.c -- one run of one demo: its parameters, its trace, its results.
 *
 * A run is created from a demo class and checked parameters, executed once
 * (headless on the calling thread, or on a thread of its own under the TUI),
 * then exported and destroyed.  The demo makes the trace with run_trace()
 * once it knows how many lanes it needs, names its lanes, and calls
 * run_begin(), which publishes the trace with a release store: the UI
 * thread starts drawing the moment it appears, and every lane's name and
 * type were written before it can look.
 *
 * Results are a list of named metrics, in the order the demo reports them,
 * so every export prints the demo's own figures without knowing the demo.
 * wall_ns is the demo's timed part between run_begin() and run_end(): a
 * sequential baseline measured in the same invocation stays outside it.
 */

#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* A run of cls with params p (already checked); traced 0 is --no-trace. */
struct run *
run_create(const struct demo_class *cls, const struct params *p, int traced)
{
	struct run	*r;

	r = xcalloc(1, sizeof *r);
	r->cls = cls;
	r->params = *p;
	r->scale = params_float(p, "scale");
	r->traced = traced;
	atomic_init(&r->trace, NULL);
	atomic_init(&r->stop, 0);
	atomic_init(&r->finished, 0);
	return r;
}

/* Free a run, its trace and its results. */
void
run_destroy(struct run *r)
{
	size_t	i;

	if (r == NULL)
		return;
	trace_destroy(r->made);
	for (i = 0; i < r->nmetrics; i++) {
		free(r->metrics[i].key);
		free(r->metrics[i].ints);
		free(r->metrics[i].text);
	}
	free(r->metrics);
	for (i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r->cause);
	compare_free(r->cpython);
	free(r);
}

/* Run the demo to the end; 0 on success, -1 with r->cause set. */
int
run_execute(struct run *r)
{
	char	*cause = NULL;

	work_calibrate();
	r->status = r->cls->run(r, &cause);
	if (r->status != 0) {
		r->cause = cause != NULL ? cause : xstrdup("the run failed");
		r->status = -1;
	}
	if (r->wall_ns == 0 && r->begin_ns != 0)
		run_end(r);
	if (r->status == 0)
		cores_report(r);	/* cores_available, and why it matters */
	atomic_store(&r->finished, 1);
	return r->status;
}

/* Make the run's trace with nlanes lanes; run_begin() publishes it. */
struct trace *
run_trace(struct run *r, unsigned nlanes, char **cause)
{
	struct trace	*tr;

	if ((tr = trace_create(nlanes, r->traced, cause)) == NULL)
		return NULL;
	trace_destroy(r->made);		/* a demo that made one before */
	r->made = tr;
	return tr;
}

/* Start the clock on the demo's timed part, and show readers the trace. */
void
run_begin(struct run *r)
{
	if (r->made != NULL) {
		trace_shown(r->made);
		atomic_store_explicit(&r->trace, r->made,
		    memory_order_release);
	}
	r->begin_ns = clock_ns();
	r->wall_ns = 0;
}

/* Stop the clock on the demo's timed part. */
void
run_end(struct run *r)
{
	struct trace	*tr = atomic_load(&r->trace);

	r->wall_ns = clock_ns() - r->begin_ns;
	if (tr != NULL)
		r->end_trace_ns = trace_now(tr);
}

/* A duration in ms from the parameters, scaled, in ns. */
uint64_t
run_scaled_ns(const struct run *r, double ms)
{
	double	ns = ms * r->scale * (double)NS_PER_MS;

	return ns < 1 ? 1 : (uint64_t)ns;
}

/* Whether someone asked the run to stop (the TUI's q, a signal). */
int
run_stopping(const struct run *r)
{
	return atomic_load_explicit(&r->stop, memory_order_relaxed);
}

/* Ask the run to stop; workers notice at their next check. */
void
run_request_stop(struct run *r)
{
	atomic_store(&r->stop, 1);
}

/* Append a metric slot named key. */
static struct metric *
run_metric_add(struct run *r, const char *key, enum metric_type type)
{
	struct metric	*m;

	r->metrics = xreallocarray(r->metrics, r->nmetrics + 1,
	    sizeof *r->metrics);
	m = &r->metrics[r->nmetrics++];
	memset(m, 0, sizeof *m);
	m->key = xstrdup(key);
	m->type = type;
	return m;
}

/* Report a whole-number result. */
void
run_metric_int(struct run *r, const char *key, int64_t v)
{
	run_metric_add(r, key, METRIC_INT)->i = v;
}

/* Report a measured figure. */
void
run_metric_float(struct run *r, const char *key, double v)
{
	run_metric_add(r, key, METRIC_FLOAT)->f = v;
}

/* Report a yes/no result. */
void
run_metric_bool(struct run *r, const char *key, int v)
{
	run_metric_add(r, key, METRIC_BOOL)->i = v != 0;
}

/* Report a list of whole numbers (results in order). */
void
run_metric_ints(struct run *r, const char *key, const int64_t *v, size_t n)
{
	struct metric	*m = run_metric_add(r, key, METRIC_INTS);

	m->ints = xcalloc(n ? n : 1, sizeof *m->ints);
	if (n)
		memcpy(m->ints, v, n * sizeof *v);
	m->nints = n;
}

/* Report a word or a sentence. */
void
run_metric_text(struct run *r, const char *key, const char *v)
{
	run_metric_add(r, key, METRIC_TEXT)->text = xstrdup(v);
}

/* Report a structured result (a list, objects) as JSON text. */
void
run_metric_json(struct run *r, const char *key, const char *json)
{
	run_metric_add(r, key, METRIC_JSON)->text = xstrdup(json);
}

/* A reported metric by name, or NULL. */
const struct metric *
run_metric(const struct run *r, const char *key)
{
	size_t	i;

	for (i = 0; i < r->nmetrics; i++)
		if (strcmp(r->metrics[i].key, key) == 0)
			return &r->metrics[i];
	return NULL;
}

/* Add a line to the text summary (what the figures mean). */
void
run_note(struct run *r, const char *fmt, ...)
{
	va_list	ap;

	r->notes = xreallocarray(r->notes, r->nnotes + 1, sizeof *r->notes);
	va_start(ap, fmt);
	xvasprintf(&r->notes[r->nnotes++], fmt, ap);
	va_end(ap);
}

/* If someone asked the run to stop, say so in *cause and return -1. */
int
run_stop_cause(const struct run *r, char **cause)
{
	if (!run_stopping(r))
		return 0;
	if (*cause == NULL)
		*cause = xstrdup("stopped before the end");
	return -1;
}

/*
 * A team of n worker threads on lanes 0..n-1 of tr, named prefix0.., each
 * with the team's GIL (NULL: none) and the demo's arg.  A demo may rename
 * lanes and renumber w[i].index before run_workers_start().
 */
void
run_workers_init(struct run_workers *ws, struct run *r, struct trace *tr,
    unsigned n, const char *prefix, struct gil *g, void *arg)
{
	char		name[32];
	unsigned	i;

	memset(ws, 0, sizeof *ws);
	ws->run = r;
	ws->n = n;
	ws->w = xcalloc(n, sizeof *ws->w);
	ws->tids = xcalloc(n, sizeof *ws->tids);
	ws->started = xcalloc(n, sizeof *ws->started);
	atomic_init(&ws->arrived, 0);
	atomic_init(&ws->go, 0);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "%s%u", prefix, i);
		trace_lane_init(tr, i, name, LANE_THREAD);
		ws->w[i].run = r;
		ws->w[i].trace = tr;
		ws->w[i].lane = i;
		ws->w[i].index = i;
		ws->w[i].gil = g;
		ws->w[i].arg = arg;
		ws->w[i].team = ws;
	}
}

/* Free what run_workers_init() made (after the join). */
void
run_workers_free(struct run_workers *ws)
{
	free(ws->started);
	free(ws->tids);
	free(ws->w);
}

/*
 * Start workers [first, first + n) on fn; each lane shows `starting` from
 * the moment its thread is asked for.  If one cannot be made, every started
 * worker is released (the run stopped, the gate opened, the demo's wake
 * hook called) and joined, and -1 is returned with a cause naming which
 * thread and why: a demo never leaves a thread behind.
 */
int
run_workers_start(struct run_workers *ws, unsigned first, unsigned n,
    void *(*fn)(void *), char **cause)
{
	unsigned	i;
	int		error;

	for (i = first; i < first + n; i++) {
		/* The creator writes the lane's first event; pthread_create
		 * orders it before anything the new thread writes. */
		trace_state(ws->w[i].trace, ws->w[i].lane, STATE_STARTING);
		error = pthread_create(&ws->tids[i], NULL, fn, &ws->w[i]);
		if (error != 0) {
			xasprintf(cause, "could not start thread %u of %u: %s",
			    i + 1, ws->n, strerror(error));
			run_request_stop(ws->run);
			atomic_store_explicit(&ws->go, 1,
			    memory_order_release);
			if (ws->wake != NULL)
				ws->wake(ws->wake_arg);
			run_workers_join(ws);
			return -1;
		}
		ws->started[i] = 1;
	}
	return 0;
}

/* A worker waits here until every worker exists (or the run stops). */
void
run_workers_gate(struct worker *w)
{
	struct run_workers	*ws = w->team;

	atomic_fetch_add(&ws->arrived, 1);
	while (!atomic_load_explicit(&ws->go, memory_order_acquire) &&
	    !run_stopping(w->run))
		sched_yield();
}

/* Join every started worker (a worker not started is skipped). */
void
run_workers_join(struct run_workers *ws)
{
	unsigned	i;

	for (i = 0; i < ws->n; i++) {
		if (ws->started[i])
			pthread_join(ws->tids[i], NULL);
		ws->started[i] = 0;
	}
}

/*
 * Release the gated workers together once all have arrived, join them, and
 * turn a stop request into -1 with a cause.
 */
int
run_workers_finish(struct run_workers *ws, char **cause)
{
	run_workers_release(ws);
	run_workers_join(ws);
	return run_stop_cause(ws->run, cause);
}

/*
 * Open the gate once every worker has arrived (or the run stops), for a
 * demo whose own thread has a part to play before the join.
 */
void
run_workers_release(struct run_workers *ws)
{
	while (atomic_load(&ws->arrived) < ws->n && !run_stopping(ws->run))
		sched_yield();
	atomic_store_explicit(&ws->go, 1, memory_order_release);
}

/* A worker's last words: its CPU time, then done. */
void
run_worker_done(struct worker *w)
{
	trace_lane_cpu(w->trace, w->lane, clock_thread_cpu_ns());
	trace_state(w->trace, w->lane, STATE_DONE);
}

/*
 * The sequential baseline: fn(w, arg) on this thread with a worker of its
 * own on a scratch trace that records nothing, under g (NULL: no GIL; the
 * caller makes it, untraced).  Fills *b; -1 with a cause if fn failed or
 * the run was stopped.
 */
int
run_baseline(struct run *r, struct gil *g, int (*fn)(struct worker *,
    void *), void *arg, struct run_baseline *b, char **cause)
{
	struct trace	*tr;
	struct worker	 w;
	uint64_t	 t0, c0;
	int		 error;

	if ((tr = trace_create(1, 0, cause)) == NULL)
		return -1;
	trace_lane_init(tr, 0, "seq", LANE_THREAD);
	memset(&w, 0, sizeof w);
	w.run = r;
	w.trace = tr;
	w.gil = g;
	t0 = clock_ns();
	c0 = clock_thread_cpu_ns();
	gil_take(w.gil, &w);
	error = fn(&w, arg);
	gil_drop(w.gil, &w);
	b->ns = clock_ns() - t0;
	b->cpu_ns = clock_thread_cpu_ns() - c0;
	trace_destroy(tr);
	if (b->ns == 0)
		b->ns = 1;
	if (run_stop_cause(r, cause) != 0)
		return -1;
	if (error != 0 && *cause == NULL)
		*cause = xstrdup("the sequential baseline failed");
	return error != 0 ? -1 : 0;
}

/* Compare two doubles, for qsort. */
int
run_cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sort v[0..n) and return its p-th percentile (nearest rank); 0 if empty. */
double
run_percentile(double *v, size_t n, unsigned p)
{
	size_t	rank;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, run_cmp_double);
	rank = (n * p + 99) / 100;
	return v[(rank < 1 ? 1 : rank) - 1];
}

/* Sort v[0..n) and return its median (the mean of the middle two). */
double
run_median(double *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, run_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Whether a lane is a worker (thread, process, task), not synthetic. */
int
run_is_worker_lane(const struct trace *tr, unsigned lane)
{
	uint32_t	t = trace_lane(tr, lane)->type;

	return t == LANE_THREAD || t == LANE_PROCESS || t == LANE_TASK;
}

/*
 * What a worker lane did, from the lane's own accounting (kept whether or
 * not events were recorded).  cpu_ms is the thread's or process's CPU time
 * when the worker reported it, else its time in the running state.
 */
void
run_lane_stats(const struct trace *tr, unsigned lane, struct lane_stats *st)
{
	const struct trace_lane	*l = trace_lane(tr, lane);

	st->cpu_ms = (double)(l->cpu_ns ? l->cpu_ns :
	    l->state_ns[STATE_RUNNING]) / 1e6;
	st->wait_ms = (double)(l->state_ns[STATE_WAIT_LOCK] +
	    l->state_ns[STATE_WAIT_GIL] + l->state_ns[STATE_QUEUE_WAIT] + l->state_ns[STATE_READY]) / 1e6;
	st->io_ms = (double)l->state_ns[STATE_IO] / 1e6;
	st->start_ms = (double)l->state_ns[STATE_STARTING] / 1e6;
	st->cores = l->cores;
}
