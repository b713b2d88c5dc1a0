/*
 * gil.c -- a GIL-like lock, modelled on CPython's ceval_gil.c.
 *
 * Threads run CPU work as "bytecode" units of about a microsecond and call
 * gil_safepoint() at loop back-edges and calls, as CPython 3.10+ checks its
 * eval breaker only there.  Nothing between two safe points can be
 * interrupted by another GIL holder, which is why a plain `x = x + 1` loses
 * no update under a GIL while one with a call between read and write does.
 *
 * Modes:
 *
 * new (CPython 3.2+).  A thread that finds the lock taken waits on `cond`
 * for the switch interval.  If it times out and no switch happened in the
 * meantime (switch_number unchanged), it sets drop_request.  The holder sees
 * the request at its next safe point, releases the lock and then waits on
 * `switch_cond` until switch_number moves: forced switching, so the thread
 * that asked gets the lock rather than the releaser taking it straight back.
 * A blocked I/O thread therefore waits about one interval for the lock after
 * each wake-up: the convoy effect.
 *
 * old (CPython 2).  The holder releases every `check` units and at once
 * takes the lock again.  A waiter is signalled but needs tens of
 * microseconds to wake; by then the releaser, still on its core, has the
 * lock back, so the waiter finds it taken and sleeps again.  Those are the
 * failed wake-ups Beazley measured, and on several cores the waiter starves.
 *
 * none (free-threaded).  Every call returns at once.
 *
 * Invariants: `locked` and `holder` change only under `mutex`; at most one
 * thread has locked == 1 set on its behalf; drop_request is cleared by the
 * thread that takes the lock.  The GIL lane of the trace is written only
 * under `mutex`, which gives it one writer at a time.  Statistics (switches,
 * drop requests, failed wake-ups, total and longest wait) live under `mutex`
 * too and are read after the workers are joined.  A worker's own lane only
 * records a state change, not each retake, so the old GIL's release every
 * `check` units costs no event.
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "parlab.h"

/* "none", "new", "old" to a mode; -1 if none of them. */
int
gil_mode_parse(const char *s)
{
	if (strcmp(s, "none") == 0)
		return GIL_NONE;
	if (strcmp(s, "new") == 0)
		return GIL_NEW;
	if (strcmp(s, "old") == 0)
		return GIL_OLD;
	return -1;
}

/*
 * Set up a GIL.  interval_ns is the new GIL's switch interval, check the old
 * GIL's units between releases; lane is the trace lane that shows the
 * holder, or -1.
 */
void
gil_init(struct gil *g, enum gil_mode mode, uint64_t interval_ns,
    unsigned check, struct trace *tr, int lane)
{
	pthread_condattr_t	attr;

	memset(g, 0, sizeof *g);
	g->mode = mode;
	g->interval_ns = interval_ns ? interval_ns : 5 * NS_PER_MS;
	g->check = check ? check : 100;
	g->trace = tr;
	g->lane = lane;
	g->holder = -1;
	atomic_init(&g->drop_request, 0);
	pthread_mutex_init(&g->mutex, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&g->cond, &attr);
	pthread_cond_init(&g->switch_cond, &attr);
	pthread_condattr_destroy(&attr);
}

/* Release a GIL's resources; no thread may use it any more. */
void
gil_free(struct gil *g)
{
	pthread_mutex_destroy(&g->mutex);
	pthread_cond_destroy(&g->cond);
	pthread_cond_destroy(&g->switch_cond);
}

/* Show a new holder on the GIL lane (lane -1: nobody). Under mutex. */
static void
gil_show_holder(struct gil *g, int lane)
{
	if (g->trace != NULL && g->lane >= 0)
		trace_point(g->trace, (unsigned)g->lane, EV_GIL_SWITCH, lane);
}

/*
 * Put the worker's lane in state st unless it is there already: the old GIL
 * retakes the lock every `check` units, and recording each retake would fill
 * the lane with events that change nothing.  Only the lane's own worker
 * calls this, so reading its current state is safe.
 */
static void
gil_show_state(struct worker *w, enum state st)
{
	trace_enter(w->trace, w->lane, st);
}

/* Wait on cond for at most ns; returns ETIMEDOUT if the time ran out. */
static int
gil_timedwait(struct gil *g, uint64_t ns)
{
	struct timespec	ts;
	uint64_t	deadline;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec + ns;
	ts.tv_sec = (time_t)(deadline / NS_PER_SEC);
	ts.tv_nsec = (long)(deadline % NS_PER_SEC);
	return pthread_cond_timedwait(&g->cond, &g->mutex, &ts);
}

/*
 * Take the GIL for worker w, waiting as the mode prescribes.  The worker's
 * lane shows wait-lock while it waits and running once it holds the lock.
 */
void
gil_take(struct gil *g, struct worker *w)
{
	uint64_t	t0, dt, sn;
	int		waited = 0;

	if (g == NULL || g->mode == GIL_NONE) {
		gil_show_state(w, STATE_RUNNING);
		return;
	}
	pthread_mutex_lock(&g->mutex);
	if (g->locked) {
		waited = 1;
		gil_show_state(w, STATE_WAIT_GIL);
		t0 = clock_ns();
		while (g->locked) {
			if (g->mode == GIL_NEW) {
				sn = g->switch_number;
				if (gil_timedwait(g, g->interval_ns) ==
				    ETIMEDOUT && g->locked &&
				    g->switch_number == sn &&
				    !atomic_load(&g->drop_request)) {
					atomic_store(&g->drop_request, 1);
					g->drop_requests++;
					if (g->trace != NULL && g->lane >= 0)
						trace_point(g->trace,
						    (unsigned)g->lane,
						    EV_GIL_DROP_REQUEST,
						    w->lane);
				}
			} else {
				pthread_cond_wait(&g->cond, &g->mutex);
				if (g->locked)
					g->failed_wakeups++;
			}
		}
		dt = clock_ns() - t0;
		g->wait_ns += dt;
		if (dt > g->max_wait_ns)
			g->max_wait_ns = dt;
	}
	g->locked = 1;
	g->switch_number++;
	if (g->holder != (int)w->lane) {
		if (g->holder != -1 || waited)
			g->switches++;
		g->holder = (int)w->lane;
		gil_show_holder(g, (int)w->lane);
	}
	atomic_store(&g->drop_request, 0);
	pthread_cond_signal(&g->switch_cond);
	pthread_mutex_unlock(&g->mutex);
	gil_show_state(w, STATE_RUNNING);
}

/* Release the lock under mutex and wake one waiter. */
static void
gil_release_locked(struct gil *g)
{
	g->locked = 0;
	pthread_cond_signal(&g->cond);
}

/*
 * Give the GIL up for I/O or at the end of the worker's work.  The caller
 * sets the lane's next state (io, done).
 */
void
gil_drop(struct gil *g, struct worker *w)
{
	if (g == NULL || g->mode == GIL_NONE)
		return;
	pthread_mutex_lock(&g->mutex);
	gil_release_locked(g);
	g->holder = -1;
	gil_show_holder(g, -1);
	pthread_mutex_unlock(&g->mutex);
}

/*
 * At a safe point: release the GIL and take it back.  Under the new GIL,
 * when another thread asked for it, wait until it has been taken (forced
 * switching); under the old one, retake at once.
 */
void
gil_yield(struct gil *g, struct worker *w)
{
	uint64_t	sn;

	if (g == NULL || g->mode == GIL_NONE)
		return;
	pthread_mutex_lock(&g->mutex);
	gil_release_locked(g);
	if (g->mode == GIL_NEW && atomic_load(&g->drop_request)) {
		/* From here the thread waits: first for the switch, then in
		 * gil_take() for its next turn. */
		gil_show_state(w, STATE_WAIT_GIL);
		sn = g->switch_number;
		while (g->switch_number == sn)
			pthread_cond_wait(&g->switch_cond, &g->mutex);
	}
	pthread_mutex_unlock(&g->mutex);
	gil_take(g, w);
}
