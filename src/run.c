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
	trace_destroy(r->made);		/* a demo that starts over */
	r->made = tr;
	return tr;
}

/* Start the clock on the demo's timed part, and show readers the trace. */
void
run_begin(struct run *r)
{
	if (r->made != NULL)
		atomic_store_explicit(&r->trace, r->made,
		    memory_order_release);
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

/*
 * Start n worker threads on fn, one struct worker each; each lane shows
 * `starting` from the moment its thread is asked for.  If one cannot be
 * made, the run is asked to stop, the started ones are joined, and -1 is
 * returned with a cause: a demo never leaves a thread behind.
 */
int
run_threads_start(struct run *r, pthread_t *tids, struct worker *w,
    unsigned n, void *(*fn)(void *), char **cause)
{
	unsigned	i;
	int		error;

	for (i = 0; i < n; i++) {
		/* The creator writes the lane's first event; pthread_create
		 * orders it before anything the new thread writes. */
		if (w[i].trace != NULL)
			trace_state(w[i].trace, w[i].lane, STATE_STARTING);
		error = pthread_create(&tids[i], NULL, fn, &w[i]);
		if (error != 0) {
			xasprintf(cause, "cannot start thread %u of %u: %s",
			    i + 1, n, strerror(error));
			run_request_stop(r);
			run_threads_join(tids, i);
			return -1;
		}
	}
	return 0;
}

/* Join n threads. */
void
run_threads_join(pthread_t *tids, unsigned n)
{
	unsigned	i;

	for (i = 0; i < n; i++)
		pthread_join(tids[i], NULL);
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
