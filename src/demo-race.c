/*
 * demo-race.c -- a shared counter without and with a lock.
 *
 * N threads each add 1 to one shared counter `iters` times.  With
 * sync=none the increment is a relaxed atomic load followed by a relaxed
 * atomic store of value+1: well-defined C, yet two threads that read the
 * same value both write value+1 and one update is lost, exactly the
 * read-modify-write race of Python's `value = value + 1`.  lock (a pthread
 * mutex), atomic (fetch_add) and local (a private sum added once) are exact;
 * the summary shows what each costs.
 *
 * Each iteration first spends what CPython spends on a small statement
 * (about 50 ns, work_statement()), so a run lasts long enough, and a GIL
 * switches often enough, to show what CPython shows.
 *
 * The race only shows if threads overlap: on 2 cores a thread can finish a
 * million increments inside one time slice.  So every thread waits at a
 * start gate, spinning with sched_yield, until all exist; then they are
 * released together.
 *
 * Under a GIL (gil=new|old) the threads take the GIL-like lock and reach a
 * safe point at each loop back-edge.  body=plain has no safe point between
 * the read and the write, so no update is lost (CPython 3.11 loses none);
 * body=call makes a call in between, which is a safe point, so a switch can
 * fall between read and write and whole time slices of work are lost (as in
 * CPython).  A thread blocked on the mutex gives the GIL up while it waits,
 * as Lock.acquire does; otherwise it would wait forever for a holder that
 * waits for the GIL.  Under a GIL, sync=lock models `with lock:` as CPython
 * 3.11 runs it: its extra bytecodes cost RACE_WITH_HALVES / 2 statements,
 * and no safe point falls while the lock is held (the call of __exit__
 * checks for a switch only once it has returned, the lock released), so no
 * thread ever waits for the lock and the lock/no-lock wall ratio is what
 * the extra bytecodes cost, as in CPython.
 *
 * Every lock wait is timed and counted in the thread's wait time (wait_ms)
 * and in lock_waits; only waits of 20 us or more (the thread really slept)
 * are drawn as wait-lock spans, which keeps millions of brief hand-offs
 * from flooding the trace.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

enum race_sync { RACE_NONE, RACE_LOCK, RACE_ATOMIC, RACE_LOCAL };
enum race_body { RACE_PLAIN, RACE_CALL };

#define RACE_SHOWN_WAIT_NS	(20 * NS_PER_US)
/*
 * Statements `with lock:` adds to the loop, under a GIL: ten more bytecodes,
 * two of them calls of C methods through bound methods (BEFORE_WITH looks up
 * __enter__ and __exit__ and calls acquire; CALL runs release).  CPython
 * 3.11, where no lock is ever waited for: 168-174 ns a loop with it, 29-30
 * ns without on one thread, 171 and 33 ns with ten under its GIL (fastest
 * of 7 runs), so it adds 4.2-4.7 times the bare loop; the ten-thread twin
 * beside parlab in `make bench` adds 4.0-4.5 (lock/none 4.95-5.5).
 * parlab's bare loop is a statement (42-43 ns here) plus its real load,
 * store and safe-point check (about 3 ns), and its real trylock, unlock
 * and call add about 13 ns (10 M increments: 424-466 ms without the lock,
 * 567-595 ms with it and no statements): so 3.9-4.7 statements, 4.5 as
 * 9 every two loops.  Whole numbers miss: 5 made lock/none 6.1 against
 * CPython's 5.2 in one bench run, 4 made it 4.6-4.9 against 5.2-5.7.
 */
#define RACE_WITH_HALVES	9	/* statements x 2 */

static const struct param_spec race_params[] = {
	{ "threads", PARAM_INT, "10", 1, PARLAB_MAX_WORKERS, NULL,
	    "threads incrementing the counter" },
	{ "iters", PARAM_INT, "1000000", 1, 100000000, NULL,
	    "increments per thread" },
	{ "sync", PARAM_CHOICE, "none", 0, 0, "none|lock|atomic|local",
	    "none: racy read then write; lock: a mutex; atomic: fetch_add; "
	    "local: a private sum added at the end" },
	{ "gil", PARAM_CHOICE, "none", 0, 0, "none|new|old",
	    "run the threads under a GIL-like lock" },
	{ "body", PARAM_CHOICE, "plain", 0, 0, "plain|call",
	    "plain: read, add, write; call: a function call between the "
	    "read and the write (a GIL safe point)" },
	{ "witness", PARAM_INT, "0", 0, 1, NULL,
	    "1: record every read and write of the counter and show a lost "
	    "update caught in the act (iters up to 100000)" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

struct race {
	struct run		*run;
	enum race_sync		 sync;
	enum race_body		 body;
	uint64_t		 iters;
	unsigned		 nthreads;
	struct gil		 gil;
	int			 use_gil;
	pthread_mutex_t		 mutex;
	_Atomic uint64_t	 counter;
	uint64_t		 lock_waits;	/* every wait, under mutex */
	uint64_t		 lock_waits_shown;	/* drawn ones, under mutex */
	struct witness		*witness;	/* witness=1: every step */
};

/*
 * The call in body=call: a function call is a safe point, where a GIL
 * holder may be asked to let another thread run.
 */
static __attribute__((noinline)) void
race_call(struct worker *w)
{
	gil_safepoint(w->gil, w);
	__asm__ __volatile__("" ::: "memory");
}

/*
 * Take the mutex.  A thread that cannot have it at once gives up the GIL
 * while it blocks; the wait is timed and counted whatever its length, and
 * drawn only when the thread really slept.
 */
static void
race_lock(struct race *rc, struct worker *w)
{
	uint64_t	t0, t1;

	if (pthread_mutex_trylock(&rc->mutex) == 0)
		return;
	t0 = trace_now(w->trace);
	gil_drop(w->gil, w);
	pthread_mutex_lock(&rc->mutex);
	t1 = trace_now(w->trace);
	rc->lock_waits++;
	if (t1 - t0 >= RACE_SHOWN_WAIT_NS) {
		trace_state_at(w->trace, w->lane, STATE_WAIT_LOCK, t0);
		trace_state_at(w->trace, w->lane, STATE_RUNNING, t1);
		rc->lock_waits_shown++;
	} else
		trace_account(w->trace, w->lane, STATE_WAIT_LOCK, t1 - t0);
	if (w->gil != NULL) {
		/* Not under the mutex: the GIL holder may want it next. */
		pthread_mutex_unlock(&rc->mutex);
		gil_take(w->gil, w);
		race_lock(rc, w);
	}
}

/*
 * value = value + 1, as three steps: a relaxed load, (a call), a relaxed
 * store.  Nothing stops another thread's store between the first and the
 * last, which is the whole lesson.
 */
static inline void
race_increment(struct race *rc, struct worker *w)
{
	uint64_t	v, t = 0;

	v = atomic_load_explicit(&rc->counter, memory_order_relaxed);
	if (rc->witness != NULL)
		t = trace_now(w->trace);
	if (rc->body == RACE_CALL)
		race_call(w);
	atomic_store_explicit(&rc->counter, v + 1, memory_order_relaxed);
	if (rc->witness != NULL)	/* race-witness.c */
		witness_note(rc->witness, w->index, t, trace_now(w->trace), v);
}

/* n statements' worth of interpreter work. */
static void
race_statements(unsigned n)
{
	while (n-- > 0)
		work_statement();
}

/* One thread: iters increments of the shared counter. */
static void *
race_worker(void *arg)
{
	struct worker	*w = arg;
	struct race	*rc = w->arg;
	uint64_t	 i, local = 0;
	unsigned	 halves = rc->use_gil ? RACE_WITH_HALVES : 0, with;

	run_workers_gate(w);
	gil_take(w->gil, w);
	for (i = 0; i < rc->iters; i++) {
		work_statement();	/* what the interpreter spends per loop */
		switch (rc->sync) {
		case RACE_NONE:
			race_increment(rc, w);
			break;
		case RACE_LOCK:
			/* `with lock:` costs CPython RACE_WITH_HALVES / 2
			 * statements under a GIL (a half on every other
			 * loop): entering it (load, look up and call
			 * __enter__) before the lock is held, the call of
			 * __exit__ while it still is.  gil=none keeps the
			 * bare mutex of C threads. */
			with = (halves + (unsigned)(i & 1)) / 2;
			race_statements(with - with / 2);
			race_lock(rc, w);
			race_increment(rc, w);
			race_statements(with / 2);
			pthread_mutex_unlock(&rc->mutex);
			/* The CALL of __exit__ checks for a switch after the
			 * call has returned: a safe point, the lock free. */
			race_call(w);
			break;
		case RACE_ATOMIC:
			if (rc->body == RACE_CALL)
				race_call(w);
			atomic_fetch_add_explicit(&rc->counter, 1,
			    memory_order_relaxed);
			break;
		case RACE_LOCAL:
			if (rc->body == RACE_CALL)
				race_call(w);
			local++;
			break;
		}
		/* CPython spends about as long after the call (its return,
		 * the add, the store) as before it: a drop request that
		 * arrives then is honoured at the back-edge, outside the
		 * read-write window, so only about half the switches lose. */
		if (rc->body == RACE_CALL)
			work_statement();
		/* The loop's back-edge: two bytecodes' worth of ticks for the
		 * old GIL, one safe point. */
		w->ticks++;
		gil_safepoint(w->gil, w);
		if ((i & 0xffff) == 0xffff) {
			trace_point(w->trace, w->lane, EV_CPU, 0);
			if (run_stopping(rc->run))
				break;
		}
	}
	if (rc->sync == RACE_LOCAL)
		atomic_fetch_add(&rc->counter, local);
	gil_drop(w->gil, w);
	run_worker_done(w);
	return NULL;
}

/* Report what arrived, what was lost, and what it cost. */
static void
race_report(struct race *rc, struct run *r)
{
	uint64_t	expected = (uint64_t)rc->nthreads * rc->iters;
	uint64_t	actual = atomic_load(&rc->counter);
	uint64_t	lost = expected > actual ? expected - actual : 0;
	double		ms = (double)r->wall_ns / 1e6;

	run_metric_int(r, "expected", (int64_t)expected);
	run_metric_int(r, "actual", (int64_t)actual);
	run_metric_int(r, "lost", (int64_t)lost);
	run_metric_float(r, "lost_pct", expected ? 100.0 * (double)lost /
	    (double)expected : 0);
	run_metric_float(r, "ns_per_increment", (double)r->wall_ns /
	    (double)(expected ? expected : 1));
	if (rc->use_gil) {
		run_metric_int(r, "gil_switches", (int64_t)rc->gil.switches);
		run_metric_float(r, "gil_wait_ms", (double)rc->gil.wait_ns /
		    1e6);
	}
	if (rc->sync == RACE_LOCK) {
		run_metric_int(r, "lock_waits", (int64_t)rc->lock_waits);
		run_metric_int(r, "lock_waits_shown",
		    (int64_t)rc->lock_waits_shown);
	}
	run_note(r, "%u threads x %llu increments: expected %llu, "
	    "counted %llu, lost %llu (%.1f %%) in %.1f ms",
	    rc->nthreads, (unsigned long long)rc->iters,
	    (unsigned long long)expected, (unsigned long long)actual,
	    (unsigned long long)lost,
	    expected ? 100.0 * (double)lost / (double)expected : 0.0, ms);
	if (lost > 0)
		run_note(r, "two threads read the same value and both wrote "
		    "value+1: each such pair loses an update");
	if (rc->witness != NULL)
		witness_report(rc->witness, r, lost);
	else if (rc->sync == RACE_NONE && rc->use_gil)
		run_note(r, "no switch can fall between the read and the "
		    "write: the GIL only changes hands at safe points");
	if (rc->sync == RACE_LOCK && rc->use_gil)
		run_note(r, "under the GIL no thread ever waits for the lock "
		    "(%llu waits): `with lock:` holds it between safe points, "
		    "as in CPython 3.11; what it costs is its extra bytecodes, "
		    "modelled as %.1f statements an increment (calibrated "
		    "work)", (unsigned long long)rc->lock_waits,
		    RACE_WITH_HALVES / 2.0);
	if (rc->sync == RACE_ATOMIC)
		run_note(r, "sync=atomic has no Python equivalent: CPython "
		    "offers no atomic increment of an int; this is what C, "
		    "Java or Rust programs do (in Python, use a lock)");
}

/* Run the race demo. */
static int
race_run(struct run *r, char **cause)
{
	struct race		 rc;
	struct run_workers	 ws;
	struct trace		*tr;
	int			 error;

	memset(&rc, 0, sizeof rc);
	rc.run = r;
	rc.nthreads = (unsigned)params_int(&r->params, "threads");
	rc.iters = (uint64_t)params_int(&r->params, "iters");
	rc.sync = (enum race_sync)params_choice(&r->params, "sync");
	rc.body = (enum race_body)params_choice(&r->params, "body");
	rc.use_gil = gil_mode_parse(params_text(&r->params, "gil")) != GIL_NONE;
	if ((tr = run_trace(r, rc.nthreads + (rc.use_gil ? 1 : 0), cause)) ==
	    NULL)
		return -1;
	gil_init(&rc.gil, gil_mode_parse(params_text(&r->params, "gil")), 0, 0,
	    tr, rc.use_gil ? (int)rc.nthreads : -1);
	if (rc.use_gil)
		trace_lane_init(tr, rc.nthreads, "GIL", LANE_GIL);
	pthread_mutex_init(&rc.mutex, NULL);
	atomic_init(&rc.counter, 0);
	run_workers_init(&ws, r, tr, rc.nthreads, "T",
	    rc.use_gil ? &rc.gil : NULL, &rc);
	if (params_int(&r->params, "witness"))
		rc.witness = witness_create(rc.nthreads, rc.iters);

	run_begin(r);
	error = run_workers_start(&ws, 0, rc.nthreads, race_worker, cause);
	if (error == 0)
		error = run_workers_finish(&ws, cause);
	run_end(r);
	if (error == 0)
		race_report(&rc, r);
	run_workers_free(&ws);
	pthread_mutex_destroy(&rc.mutex);
	witness_destroy(rc.witness);
	gil_free(&rc.gil);
	return error;
}

/* witness=1 keeps every step in memory: small runs only. */
static int
race_check(const struct params *p, char **cause)
{
	if (params_int(p, "witness") && params_int(p, "iters") > 100000) {
		xasprintf(cause, "witness=1 records every step: iters=1 to "
		    "100000 with it, not %lld",
		    (long long)params_int(p, "iters"));
		return -1;
	}
	if (params_int(p, "witness") && params_int(p, "threads") *
	    params_int(p, "iters") > 4000000) {
		xasprintf(cause, "witness=1 records every step: threads x "
		    "iters at most 4000000 (threads=%lld iters=%lld)",
		    (long long)params_int(p, "threads"),
		    (long long)params_int(p, "iters"));
		return -1;
	}
	return 0;
}

const struct demo_class demo_race_class = {
	.name = "race",
	.summary = "a shared counter without and with a lock",
	.params = race_params,
	.run = race_run,
	.check = race_check,
};
