/*
 * demo-meet.c -- threads that wait for a signal or for each other: Event,
 * Condition with a predicate, Barrier.
 *
 * prim=event:	 the threads start and wait on a threading.Event; main
 *		 sleeps work_ms, then sets it.  All are released at once,
 *		 but each needs the GIL back to go on, so under a GIL they
 *		 resume one after another: release_spread_ms measures it.
 * prim=condition: main produces threads*2 items, one every work_ms, under
 *		 a threading.Condition and notify_all(); each consumer waits
 *		 with cond.wait_for(lambda: items or done) and takes one.
 *		 notify_all wakes every waiter, one gets the item: the others
 *		 find the predicate false and wait again (false_wakeups).
 * prim=barrier: phases rounds of work; in round p thread i blocks for
 *		 work_ms * (1 + (i + p) % threads) / threads, then waits at a
 *		 threading.Barrier(threads).  Each round lasts as long as its
 *		 straggler (the last to arrive, a different thread each round);
 *		 the others are drawn waiting (wait-lock) meanwhile.
 *
 * The primitives are tsync.c's: real pthread mutexes and condition
 * variables, the GIL released while blocked (gil=none: free-threaded).
 * Lanes: T0.. for the threads, "main" for the run's own thread (it sets
 * the event or produces), then the GIL lane under a GIL.  Each lane has
 * one writer: its thread.
 */

#include "config.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

enum meet_prim { MEET_EVENT, MEET_CONDITION, MEET_BARRIER };

static const struct param_spec meet_params[] = {
	{ "prim", PARAM_CHOICE, "event", 0, 0, "event|condition|barrier",
	    "what the threads wait for: an Event, a Condition's predicate, "
	    "each other at a Barrier" },
	{ "threads", PARAM_INT, "4", 2, 64, NULL,
	    "threads that wait" },
	{ "work_ms", PARAM_INT, "100", 1, 60000, NULL,
	    "event: the wait before set(); condition: between items; "
	    "barrier: the longest share of a round" },
	{ "phases", PARAM_INT, "3", 1, 100, NULL,
	    "barrier: rounds of work" },
	{ "gil", PARAM_CHOICE, "new", 0, 0, "new|old|none",
	    "the GIL model (none: free-threaded)" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

struct meet {
	struct run		*run;
	enum meet_prim		 prim;
	unsigned		 n, phases;
	uint64_t		 work_ns;
	struct gil		 gil;
	struct tsync_event	 event;
	struct tsync_cond	 cond;
	struct tsync_barrier	 barrier;
	uint64_t		*resumed;	/* event: each thread's resume */
	uint64_t		*phase_end;	/* barrier: when each round ended */
	int64_t			*straggler;	/* barrier: last in, per round */
	unsigned		 items, made, taken, total;	/* under cond */
	int			 done;		/* condition: no more items */
	int64_t			*took;		/* items each consumer took */
};

/* A consumer's view of the shared items. */
struct meet_taker {
	struct meet	*m;
	int		 got;		/* it took an item this time */
};

/* Whether a consumer may go on: an item is there, or there will be none. */
static int
meet_has_item(void *arg)
{
	struct meet	*m = ((struct meet_taker *)arg)->m;

	return m->items > 0 || m->done;
}

/* Under the condition's lock: take the item, if there is one. */
static void
meet_take(void *arg)
{
	struct meet_taker	*t = arg;

	t->got = t->m->items > 0;
	if (t->got) {
		t->m->items--;
		t->m->taken++;
	}
}

/* Under the condition's lock: one more item (or, at the end, none). */
static void
meet_put(void *arg)
{
	struct meet	*m = arg;

	if (m->made < m->total) {
		m->items++;
		m->made++;
	} else
		m->done = 1;
}

/* A consumer: wait_for an item, take it, use it; until none will come. */
static void
meet_consume(struct meet *m, struct worker *w)
{
	struct meet_taker	t = { m, 0 };

	for (;;) {
		if (tsync_cond_wait_for(&m->cond, w, meet_has_item, meet_take,
		    &t) != 0 || !t.got)
			return;
		m->took[w->index]++;
		work_cpu(w, work_units_per_ms());	/* use the item: 1 ms */
	}
}

/* The barrier rounds: block for this thread's share, then wait. */
static void
meet_rounds(struct meet *m, struct worker *w)
{
	unsigned	p;
	int		idx;

	for (p = 0; p < m->phases; p++) {
		gil_drop(w->gil, w);
		trace_state(w->trace, w->lane, STATE_IO);
		aio_block(w->run, m->work_ns * (1 + (w->index + p) % m->n) /
		    m->n);
		gil_take(w->gil, w);
		if ((idx = tsync_barrier_wait(&m->barrier, w)) < 0)
			return;
		/* The last to arrive opens the round: it is the straggler.
		 * Its own clock, not opened_ns: the next round's straggler
		 * may be writing that under the barrier's mutex already. */
		if ((unsigned)idx == m->n - 1) {
			m->straggler[p] = w->index;
			m->phase_end[p] = clock_ns();
		}
	}
}

/* One thread: wait as prim says. */
static void *
meet_worker(void *arg)
{
	struct worker	*w = arg;
	struct meet	*m = w->arg;

	run_workers_gate(w);
	gil_take(w->gil, w);
	switch (m->prim) {
	case MEET_EVENT:
		if (tsync_event_wait(&m->event, w) == 0)
			m->resumed[w->index] = clock_ns();
		break;
	case MEET_CONDITION:
		meet_consume(m, w);
		break;
	case MEET_BARRIER:
		meet_rounds(m, w);
		break;
	}
	gil_drop(w->gil, w);
	run_worker_done(w);
	return NULL;
}

/* main's part: set the event, or produce the items, GIL released. */
static void
meet_main(struct meet *m, struct worker *w)
{
	unsigned	i;

	gil_take(w->gil, w);
	if (m->prim == MEET_BARRIER)
		goto out;
	for (i = 0; i < (m->prim == MEET_EVENT ? 1 : m->total + 1); i++) {
		gil_drop(w->gil, w);
		trace_state(w->trace, w->lane, STATE_IO);
		if (i < (m->prim == MEET_EVENT ? 1 : m->total))
			aio_block(m->run, m->work_ns);
		gil_take(w->gil, w);
		if (run_stopping(m->run))
			break;
		if (m->prim == MEET_EVENT)
			tsync_event_set(&m->event);
		else
			tsync_cond_notify_all(&m->cond, w, meet_put, m);
	}
out:
	gil_drop(w->gil, w);
	trace_state(w->trace, w->lane, STATE_DONE);
}

/* The event's figures: how long after set() each thread went on. */
static void
meet_report_event(struct meet *m, struct run *r)
{
	uint64_t	lo = UINT64_MAX, hi = 0;
	unsigned	i;

	for (i = 0; i < m->n; i++) {
		if (m->resumed[i] < lo)
			lo = m->resumed[i];
		if (m->resumed[i] > hi)
			hi = m->resumed[i];
	}
	run_metric_float(r, "release_first_ms",
	    (double)(lo - m->event.set_ns) / 1e6);
	run_metric_float(r, "release_spread_ms", (double)(hi - lo) / 1e6);
	run_note(r, "event.set() released %u waiting threads: the first went "
	    "on %.3f ms later, the last %.3f ms after the first%s", m->n,
	    (double)(lo - m->event.set_ns) / 1e6, (double)(hi - lo) / 1e6,
	    m->gil.mode != GIL_NONE ? " (each needed the GIL back)" : "");
}

/* The condition's figures: notifications, wake-ups, wasted wake-ups. */
static void
meet_report_cond(struct meet *m, struct run *r)
{
	run_metric_int(r, "items", m->taken);
	run_metric_ints(r, "taken", m->took, m->n);
	run_metric_int(r, "notifies", m->cond.notifies);
	run_metric_int(r, "wakeups", m->cond.wakeups);
	run_metric_int(r, "false_wakeups", m->cond.false_wakeups);
	run_note(r, "%u items, %u notify_all() calls, %u wake-ups: %u found "
	    "the predicate false and waited again (wait_for re-checks it)",
	    m->taken, m->cond.notifies, m->cond.wakeups,
	    m->cond.false_wakeups);
}

/* The barrier's figures: each round's length and its straggler. */
static void
meet_report_barrier(struct meet *m, struct run *r)
{
	int64_t		*ms = xcalloc(m->phases, sizeof *ms);
	uint64_t	 prev = r->begin_ns;
	unsigned	 p;

	for (p = 0; p < m->phases; p++) {
		ms[p] = (int64_t)((m->phase_end[p] - prev) / NS_PER_MS);
		prev = m->phase_end[p];
	}
	run_metric_ints(r, "phase_ms", ms, m->phases);
	run_metric_ints(r, "straggler", m->straggler, m->phases);
	run_note(r, "%u rounds at a Barrier(%u): each lasted as long as its "
	    "slowest thread (%.0f ms of %.0f ms work), the others waited; "
	    "stragglers by round in JSON `straggler`", m->phases, m->n,
	    (double)m->work_ns / 1e6, (double)m->work_ns / 1e6);
	free(ms);
}

/* Set up lanes and primitives from the parameters. */
static int
meet_setup(struct meet *m, struct run *r, struct trace **tr, char **cause)
{
	int	use_gil;

	m->run = r;
	m->prim = (enum meet_prim)params_choice(&r->params, "prim");
	m->n = (unsigned)params_int(&r->params, "threads");
	m->phases = (unsigned)params_int(&r->params, "phases");
	m->work_ns = run_scaled_ns(r, (double)params_int(&r->params,
	    "work_ms"));
	m->total = m->n * 2;
	use_gil = gil_mode_parse(params_text(&r->params, "gil")) != GIL_NONE;
	if ((*tr = run_trace(r, m->n + 1 + (use_gil ? 1 : 0), cause)) == NULL)
		return -1;
	gil_init(&m->gil, (enum gil_mode)gil_mode_parse(params_text(
	    &r->params, "gil")), 5000 * NS_PER_US, 100, *tr,
	    use_gil ? (int)m->n + 1 : -1);
	if (use_gil)
		trace_lane_init(*tr, m->n + 1, "GIL", LANE_GIL);
	trace_lane_init(*tr, m->n, "main", LANE_THREAD);
	tsync_event_init(&m->event);
	tsync_cond_init(&m->cond);
	tsync_barrier_init(&m->barrier, m->n);
	m->resumed = xcalloc(m->n, sizeof *m->resumed);
	m->took = xcalloc(m->n, sizeof *m->took);
	m->phase_end = xcalloc(m->phases, sizeof *m->phase_end);
	m->straggler = xcalloc(m->phases, sizeof *m->straggler);
	return 0;
}

/* Run the meet demo. */
static int
meet_run(struct run *r, char **cause)
{
	struct meet	 m;
	struct trace	*tr;
	struct run_workers ws;
	struct worker	 mw;
	int		 error;

	memset(&m, 0, sizeof m);
	if (meet_setup(&m, r, &tr, cause) != 0)
		return -1;
	run_workers_init(&ws, r, tr, m.n, "T", m.gil.mode != GIL_NONE ?
	    &m.gil : NULL, &m);
	mw = ws.w[0];
	mw.lane = m.n;
	mw.index = m.n;

	run_begin(r);
	trace_state(tr, m.n, STATE_RUNNING);
	error = run_workers_start(&ws, 0, m.n, meet_worker, cause);
	if (error == 0) {
		/* Every thread exists before main plays its part. */
		run_workers_release(&ws);
		meet_main(&m, &mw);
		error = run_workers_finish(&ws, cause);
	}
	run_end(r);
	if (error == 0 && m.prim == MEET_EVENT)
		meet_report_event(&m, r);
	else if (error == 0 && m.prim == MEET_CONDITION)
		meet_report_cond(&m, r);
	else if (error == 0)
		meet_report_barrier(&m, r);
	tsync_event_free(&m.event);
	tsync_cond_free(&m.cond);
	tsync_barrier_free(&m.barrier);
	gil_free(&m.gil);
	free(m.resumed);
	free(m.took);
	free(m.phase_end);
	free(m.straggler);
	run_workers_free(&ws);
	return error == 0 ? 0 : -1;
}

const struct demo_class demo_meet_class = {
	.name = "meet",
	.summary = "threads meeting: Event, Condition with a predicate, Barrier",
	.params = meet_params,
	.run = meet_run,
};
