/*
 * demo-deadlock.c -- locks taken in opposite orders: a real deadlock, its
 * cycle, and the fix.
 *
 * Each thread takes two locks with a pause (hold_us, a time.sleep) between
 * them.  The threads and locks form a ring: thread i takes lock i, then
 * lock i+1 (mod the ring, which is min(threads, locks) long).  With
 * order=opposite every thread takes them in that order, so with two
 * threads T0 takes L0 then L1 while T1 takes L1 then L0: each ends up
 * holding the lock the other waits for, and none can go on.  With
 * order=same every thread takes the lower-numbered lock first, one global
 * order, so no thread can hold a later lock while waiting for an earlier
 * one and no cycle can form.
 *
 * The locks are parlab's own, so parlab can see the wait-for graph: one
 * mutex guards holder[] (each lock's holder) and waiting[] (the lock each
 * thread waits for), and a thread about to wait adds its edge and walks
 * the graph from itself.  A cycle can only appear when an edge is added,
 * so the thread that closes it is the one that finds it: checking at each
 * wait is enough, and nobody polls.  The first cycle found is the result.
 *
 * Nothing kills a thread.  Each wait is a timed wait (in slices of at most
 * 100 ms, so a stop request is seen) that gives up timeout_ms after it
 * began, like Python's lock.acquire(timeout=...) returning False: the
 * thread then releases what it holds and ends, and the others may finish.
 * A deadlock found is the lesson's result, not a failure: exit 0.
 */

#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parlab.h"

#define DL_MAX		8		/* threads, and locks */
#define DL_SLICE_NS	(100 * NS_PER_MS)	/* longest single wait */

enum dl_order { DL_OPPOSITE, DL_SAME };

static const struct param_spec deadlock_params[] = {
	{ "threads", PARAM_INT, "2", 2, DL_MAX, NULL,
	    "threads, each taking two locks" },
	{ "locks", PARAM_INT, "2", 2, DL_MAX, NULL,
	    "locks in the ring (at most one per thread is used)" },
	{ "order", PARAM_CHOICE, "opposite", 0, 0, "opposite|same",
	    "opposite: thread i takes lock i then lock i+1, a ring; same: "
	    "every thread takes the lower-numbered lock first" },
	{ "hold_us", PARAM_INT, "20000", 0, 1000000, NULL,
	    "pause between taking the first lock and the second" },
	{ "timeout_ms", PARAM_INT, "1000", 1, 60000, NULL,
	    "a waiting acquire gives up after this long" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

struct dl {
	struct run	*run;
	unsigned	 nthreads;
	unsigned	 ring;		/* locks in use: min(threads, locks) */
	enum dl_order	 order;
	uint64_t	 hold_ns, timeout_ns;
	pthread_mutex_t	 mu;		/* guards everything below */
	pthread_cond_t	 cv;		/* a lock was released */
	int		 holder[DL_MAX];	/* thread holding each lock, -1 */
	int		 waiting[DL_MAX];	/* lock each thread waits for, -1 */
	int		 cycle[DL_MAX];		/* the first cycle found */
	int		 cycle_lock[DL_MAX];	/* the lock cycle[i] waits for */
	unsigned	 ncycle;
	uint64_t	 found_ns;	/* trace time it was found */
	unsigned	 gave_up, completed;
};

/*
 * Walk the wait-for graph from thread self, which has just started to
 * wait; keep the cycle if it closes one and none was kept.  Under dl->mu.
 */
static void
dl_detect(struct dl *dl, int self, uint64_t now)
{
	int		path[DL_MAX], t = self, lock, low = 0;
	unsigned	n = 0, i;

	while (n < dl->nthreads) {
		path[n++] = t;
		if ((lock = dl->waiting[t]) < 0 || (t = dl->holder[lock]) < 0)
			return;
		if (t == self)
			break;
	}
	if (t != self || dl->ncycle > 0)
		return;
	/* Keep it starting from its lowest thread, in wait-for order. */
	for (i = 1; i < n; i++)
		if (path[i] < path[low])
			low = (int)i;
	for (i = 0; i < n; i++) {
		dl->cycle[i] = path[(low + (int)i) % (int)n];
		dl->cycle_lock[i] = dl->waiting[dl->cycle[i]];
	}
	dl->ncycle = n;
	dl->found_ns = now;
}

/*
 * Take lock; wait (timed, never spinning) while another thread holds it.
 * Returns -1 when the wait gave up after timeout_ns or the run stops.
 */
static int
dl_acquire(struct dl *dl, struct worker *w, int lock)
{
	struct timespec	ts;
	uint64_t	start, now, until;
	int		self = (int)w->index, got;

	pthread_mutex_lock(&dl->mu);
	if (dl->holder[lock] < 0) {
		dl->holder[lock] = self;
		pthread_mutex_unlock(&dl->mu);
		trace_point(w->trace, w->lane, EV_LOCK_ACQUIRE, lock);
		return 0;
	}
	trace_state(w->trace, w->lane, STATE_WAIT_LOCK);
	dl->waiting[self] = lock;
	dl_detect(dl, self, trace_now(w->trace));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	start = (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
	now = start;
	while (dl->holder[lock] >= 0 && now - start < dl->timeout_ns &&
	    !run_stopping(dl->run)) {
		until = start + dl->timeout_ns;
		if (until > now + DL_SLICE_NS)
			until = now + DL_SLICE_NS;
		ts.tv_sec = (time_t)(until / NS_PER_SEC);
		ts.tv_nsec = (long)(until % NS_PER_SEC);
		pthread_cond_timedwait(&dl->cv, &dl->mu, &ts);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
	}
	dl->waiting[self] = -1;
	if ((got = dl->holder[lock] < 0))
		dl->holder[lock] = self;
	pthread_mutex_unlock(&dl->mu);
	trace_state(w->trace, w->lane, STATE_RUNNING);
	if (got)
		trace_point(w->trace, w->lane, EV_LOCK_ACQUIRE, lock);
	return got ? 0 : -1;
}

/* Release lock and wake its waiters. */
static void
dl_release(struct dl *dl, struct worker *w, int lock)
{
	pthread_mutex_lock(&dl->mu);
	dl->holder[lock] = -1;
	pthread_cond_broadcast(&dl->cv);
	pthread_mutex_unlock(&dl->mu);
	trace_point(w->trace, w->lane, EV_LOCK_RELEASE, lock);
}

/* One thread: take the first lock, pause, take the second, let go. */
static void *
dl_worker(void *arg)
{
	struct worker	*w = arg;
	struct dl	*dl = w->arg;
	int		 a = (int)(w->index % dl->ring);
	int		 b = (int)((w->index + 1) % dl->ring), t, done = 0;

	if (dl->order == DL_SAME && b < a) {
		t = a;
		a = b;
		b = t;
	}
	run_workers_gate(w);
	trace_state(w->trace, w->lane, STATE_RUNNING);
	if (dl_acquire(dl, w, a) == 0) {
		work_io(w, dl->hold_ns);
		trace_state(w->trace, w->lane, STATE_RUNNING);
		if (dl_acquire(dl, w, b) == 0) {
			done = 1;
			dl_release(dl, w, b);
		}
		dl_release(dl, w, a);
	}
	pthread_mutex_lock(&dl->mu);
	if (done)
		dl->completed++;
	else
		dl->gave_up++;
	pthread_mutex_unlock(&dl->mu);
	run_worker_done(w);
	return NULL;
}

/* Report the cycle (or its absence) in figures and in plain words. */
static void
dl_report(struct dl *dl, struct run *r)
{
	char		*json, *words, *s;
	unsigned	 i;
	int		 t, next;

	json = xstrdup("[");
	words = xstrdup("");
	for (i = 0; i < dl->ncycle; i++) {
		t = dl->cycle[i];
		next = dl->cycle[(i + 1) % dl->ncycle];
		xasprintf(&s, "%s%s\"T%d\"", json, i ? "," : "", t);
		free(json);
		json = s;
		xasprintf(&s, "%s%sT%d holds L%d and waits for L%d, held by "
		    "T%d", words, i ? "; " : "", t,
		    dl->cycle_lock[(i + dl->ncycle - 1) % dl->ncycle],
		    dl->cycle_lock[i], next);
		free(words);
		words = s;
	}
	xasprintf(&s, "%s]", json);
	free(json);
	run_metric_bool(r, "deadlocked", dl->ncycle > 0);
	run_metric_json(r, "cycle", s);
	run_metric_int(r, "completed", dl->completed);
	run_metric_int(r, "gave_up", dl->gave_up);
	free(s);
	if (dl->ncycle > 0) {
		run_metric_float(r, "found_ms", (double)dl->found_ns / 1e6);
		run_note(r, "Deadlock: %s, around a cycle, so none of them "
		    "could go on.", words);
		run_note(r, "parlab saw the cycle in its wait-for graph at "
		    "%.1f ms; each waiting acquire gave up after timeout_ms "
		    "(%u of %u threads gave up and let go of their lock, %u "
		    "finished).", (double)dl->found_ns / 1e6, dl->gave_up,
		    dl->nthreads, dl->completed);
		if (dl->order == DL_OPPOSITE)
			run_note(r, "The fix: take the locks in one global "
			    "order (order=same), so no thread holds a later "
			    "lock while waiting for an earlier one.");
	} else if (dl->order == DL_SAME)
		run_note(r, "No deadlock: every thread took the lower-numbered "
		    "lock first, so a thread holding a lock only ever waits "
		    "for a later one and no cycle can form (%u of %u threads "
		    "finished).", dl->completed, dl->nthreads);
	else
		run_note(r, "No deadlock this time: the threads did not each "
		    "hold their first lock at once (a longer hold_us makes "
		    "the overlap certain).");
	free(words);
}

/* Run the deadlock demo. */
static int
deadlock_run(struct run *r, char **cause)
{
	struct dl		 dl;
	struct trace		*tr;
	struct run_workers	 ws;
	pthread_condattr_t	 ca;
	unsigned		 i, locks;
	int			 error;

	memset(&dl, 0, sizeof dl);
	dl.run = r;
	dl.nthreads = (unsigned)params_int(&r->params, "threads");
	locks = (unsigned)params_int(&r->params, "locks");
	dl.ring = locks < dl.nthreads ? locks : dl.nthreads;
	dl.order = (enum dl_order)params_choice(&r->params, "order");
	dl.hold_ns = run_scaled_ns(r, (double)params_int(&r->params,
	    "hold_us") / 1000.0);
	dl.timeout_ns = run_scaled_ns(r, (double)params_int(&r->params,
	    "timeout_ms"));
	for (i = 0; i < DL_MAX; i++)
		dl.holder[i] = dl.waiting[i] = -1;
	if ((tr = run_trace(r, dl.nthreads, cause)) == NULL)
		return -1;
	pthread_mutex_init(&dl.mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&dl.cv, &ca);
	pthread_condattr_destroy(&ca);

	run_workers_init(&ws, r, tr, dl.nthreads, "T", NULL, &dl);
	run_begin(r);
	/* Behind the gate, so every thread takes its first lock at once. */
	error = run_workers_start(&ws, 0, dl.nthreads, dl_worker, cause);
	if (error == 0)
		error = run_workers_finish(&ws, cause);
	run_end(r);
	if (error == 0) {
		if (locks > dl.ring)
			run_note(r, "locks=%u, but a ring of %u threads uses "
			    "%u of them", locks, dl.nthreads, dl.ring);
		dl_report(&dl, r);
	}
	pthread_cond_destroy(&dl.cv);
	pthread_mutex_destroy(&dl.mu);
	run_workers_free(&ws);
	return error == 0 ? 0 : -1;
}

const struct demo_class demo_deadlock_class = {
	.name = "deadlock",
	.summary = "two locks taken in opposite orders; the cycle; the fix",
	.params = deadlock_params,
	.run = deadlock_run,
};
