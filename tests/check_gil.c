/*
 * check_gil.c -- the GIL-like lock, driven by real threads.
 *
 * The GIL waits on condition variables with real timeouts, so these tests
 * use real threads and check invariants rather than exact schedules: at
 * most one holder at a time (a counter raised inside the critical section
 * must never exceed 1), no lost wake-up (every take of N threads x M takes
 * completes before Check's timeout), forced switching under `new` (a
 * waiter gets the lock within a few intervals while the holder spins
 * through safe points, and not before one interval), failed wake-ups under
 * `old`, the lock released around blocking I/O, and `none` never blocking.
 * Time bounds are generous multiples of the interval, never a speed.
 */

#include "config.h"

#include <check.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

#define T_MAX_THREADS	8

/* A GIL, a trace for its users' lanes, and what the threads observed. */
struct tgil {
	struct gil	 g;
	struct trace	*tr;
	struct worker	 w[T_MAX_THREADS];
	pthread_t	 t[T_MAX_THREADS];
	unsigned	 n;
	unsigned	 takes;		/* per thread */
	unsigned	 steps;		/* safe points per take */
	atomic_int	 in_cs;		/* threads inside the critical section */
	atomic_int	 violations;	/* times in_cs was seen above 1 */
	atomic_uint	 done;		/* takes completed */
	atomic_uint	 arrived;
	atomic_int	 stop;		/* tell spinners to give up */
	_Atomic uint64_t counter;	/* a racy read-modify-write counter */
	int		 pin;		/* one core per thread */
	atomic_uint	 pinned;	/* threads that got their own core */
};

/* Set up n workers on a GIL of mode; the GIL lane is lane n. */
static void
tgil_init(struct tgil *t, unsigned n, enum gil_mode mode, uint64_t interval,
    unsigned check)
{
	char		*cause = NULL;
	unsigned	 i;

	memset(t, 0, sizeof *t);
	t->n = n;
	t->tr = trace_create(n + 1, 1, &cause);
	ck_assert_msg(t->tr != NULL, "trace: %s", cause);
	for (i = 0; i < n; i++) {
		trace_lane_init(t->tr, i, "T", LANE_THREAD);
		t->w[i].trace = t->tr;
		t->w[i].lane = i;
		t->w[i].index = i;
		t->w[i].gil = &t->g;
		t->w[i].arg = t;
	}
	trace_lane_init(t->tr, n, "GIL", LANE_GIL);
	gil_init(&t->g, mode, interval, check, t->tr, (int)n);
}

/* Free what tgil_init() made. */
static void
tgil_free(struct tgil *t)
{
	gil_free(&t->g);
	trace_destroy(t->tr);
}

/* Start every worker on fn, then join them all. */
static void
tgil_run(struct tgil *t, void *(*fn)(void *))
{
	unsigned	i;

	for (i = 0; i < t->n; i++)
		ck_assert_int_eq(pthread_create(&t->t[i], NULL, fn,
		    &t->w[i]), 0);
	for (i = 0; i < t->n; i++)
		pthread_join(t->t[i], NULL);
}

/* Wait until all n threads are here, so that they overlap. */
static void
tgil_gate(struct tgil *t)
{
	atomic_fetch_add(&t->arrived, 1);
	while (atomic_load(&t->arrived) < t->n)
		sched_yield();
}

/* Enter the critical section: count a violation if someone is inside. */
static void
tgil_enter(struct tgil *t)
{
	if (atomic_fetch_add(&t->in_cs, 1) != 0)
		atomic_fetch_add(&t->violations, 1);
}

/* Leave the critical section (before any safe point). */
static void
tgil_leave(struct tgil *t)
{
	atomic_fetch_sub(&t->in_cs, 1);
}

/*
 * takes x (take; steps x (enter, a unit, a racy increment, leave, safe
 * point); drop), every few takes blocking briefly in I/O.
 */
static void *
tgil_taker(void *arg)
{
	struct worker	*w = arg;
	struct tgil	*t = w->arg;
	unsigned	 i, k;
	uint64_t	 v;

	tgil_gate(t);
	for (i = 0; i < t->takes; i++) {
		gil_take(w->gil, w);
		for (k = 0; k < t->steps; k++) {
			tgil_enter(t);
			v = atomic_load_explicit(&t->counter,
			    memory_order_relaxed);
			work_unit();
			atomic_store_explicit(&t->counter, v + 1,
			    memory_order_relaxed);
			tgil_leave(t);
			gil_safepoint(w->gil, w);
		}
		if (i % 16 == 15)
			work_io(w, 20 * NS_PER_US);
		gil_drop(w->gil, w);
		atomic_fetch_add(&t->done, 1);
	}
	return NULL;
}

/* The one-holder and no-lost-wake-up checks for one mode. */
static void
tgil_check_mode(enum gil_mode mode, uint64_t interval, unsigned check)
{
	struct tgil	t;

	tgil_init(&t, 6, mode, interval, check);
	t.takes = 300;
	t.steps = 50;
	tgil_run(&t, tgil_taker);
	ck_assert_int_eq(atomic_load(&t.violations), 0);
	ck_assert_uint_eq(atomic_load(&t.done), 6 * 300);
	/* No switch may fall inside a read-modify-write: nothing lost. */
	ck_assert_uint_eq(atomic_load(&t.counter), 6 * 300 * 50);
	ck_assert_int_eq(t.g.locked, 0);
	ck_assert_int_eq(t.g.holder, -1);
	ck_assert_uint_gt(t.g.switches, 0);
	tgil_free(&t);
}

START_TEST(test_gil_mode_parse)
{
	ck_assert_int_eq(gil_mode_parse("none"), GIL_NONE);
	ck_assert_int_eq(gil_mode_parse("new"), GIL_NEW);
	ck_assert_int_eq(gil_mode_parse("old"), GIL_OLD);
	ck_assert_int_eq(gil_mode_parse("NEW"), -1);
	ck_assert_int_eq(gil_mode_parse(""), -1);
}
END_TEST

/* new: one holder at a time, every take completes, nothing lost. */
START_TEST(test_gil_new_one_holder)
{
	tgil_check_mode(GIL_NEW, 50 * NS_PER_US, 0);
}
END_TEST

/* old: the same invariants with a release every 10 units. */
START_TEST(test_gil_old_one_holder)
{
	tgil_check_mode(GIL_OLD, 0, 10);
}
END_TEST

/* A holder that spins through safe points until told to stop (or 2 s). */
static void *
tgil_spinner(void *arg)
{
	struct worker	*w = arg;
	struct tgil	*t = w->arg;
	uint64_t	 end = clock_ns() + 2 * NS_PER_SEC;

	gil_take(w->gil, w);
	atomic_fetch_add(&t->arrived, 1);
	while (!atomic_load(&t->stop) && clock_ns() < end) {
		tgil_enter(t);
		work_unit();
		tgil_leave(t);
		gil_safepoint(w->gil, w);
	}
	gil_drop(w->gil, w);
	return NULL;
}

/*
 * new: while T0 spins with safe points and never lets go by itself, the
 * main thread asks for the lock.  It must wait at least one interval (no
 * request before the timeout), get it within a few intervals (the drop
 * request is honoured), and the GIL lane must show the request.
 */
START_TEST(test_gil_new_forced_switch)
{
	struct tgil			 t;
	const struct trace_event	*e;
	uint64_t			 interval = 2 * NS_PER_MS, t0, waited;
	uint64_t			 i, requests = 0;

	tgil_init(&t, 2, GIL_NEW, interval, 0);
	t.n = 1;
	ck_assert_int_eq(pthread_create(&t.t[0], NULL, tgil_spinner,
	    &t.w[0]), 0);
	while (atomic_load(&t.arrived) == 0)
		sched_yield();
	t0 = clock_ns();
	gil_take(&t.g, &t.w[1]);
	waited = clock_ns() - t0;
	tgil_enter(&t);
	ck_assert_int_eq(t.g.holder, 1);
	tgil_leave(&t);
	gil_drop(&t.g, &t.w[1]);
	atomic_store(&t.stop, 1);
	pthread_join(t.t[0], NULL);

	ck_assert_msg(waited >= interval * 9 / 10,
	    "got the lock after %llu ns, before one interval",
	    (unsigned long long)waited);
	ck_assert_msg(waited < 50 * interval,
	    "waited %llu ns: the drop request was not honoured",
	    (unsigned long long)waited);
	ck_assert_uint_ge(t.g.drop_requests, 1);
	ck_assert_uint_ge(t.g.switches, 1);
	ck_assert_int_eq(atomic_load(&t.violations), 0);
	for (i = 0; i < trace_count(t.tr, 2); i++) {
		e = trace_event(t.tr, 2, i);
		if (e->kind == EV_GIL_DROP_REQUEST && e->arg == 1)
			requests++;
	}
	ck_assert_uint_eq(requests, t.g.drop_requests);
	tgil_free(&t);
}
END_TEST

/*
 * Pin the calling thread to the index-th core it may run on, so that two
 * threads really run on two cores even when other work crowds the machine;
 * returns 0 if there are not that many cores.
 */
static int
tgil_pin(unsigned index)
{
	cpu_set_t	set, one;
	int		cpu, seen = 0;

	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return 0;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set) || seen++ != (int)index)
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		return pthread_setaffinity_np(pthread_self(), sizeof one,
		    &one) == 0;
	}
	return 0;
}

/* Spin through n units with safe points, the GIL held. */
static void *
tgil_worker_units(void *arg)
{
	struct worker	*w = arg;
	struct tgil	*t = w->arg;
	unsigned	 k;

	if (t->pin && tgil_pin(w->index))
		atomic_fetch_add(&t->pinned, 1);
	tgil_gate(t);
	gil_take(w->gil, w);
	for (k = 0; k < t->steps; k++) {
		tgil_enter(t);
		work_unit();
		tgil_leave(t);
		gil_safepoint(w->gil, w);
	}
	gil_drop(w->gil, w);
	atomic_fetch_add(&t->done, 1);
	return NULL;
}

/*
 * old: two threads, each on a core of its own, releasing every 10 units
 * and taking straight back.  A waiter woken by a release mostly finds the
 * lock taken again: failed wake-ups are counted; both still finish (the
 * holder lets go at the end).  (Sharing one core, the woken waiter would
 * preempt the releaser and win: the single-core behaviour.)
 */
START_TEST(test_gil_old_failed_wakeups)
{
	struct tgil	t;

	tgil_init(&t, 2, GIL_OLD, 0, 10);
	t.steps = 100000;
	t.pin = 1;
	tgil_run(&t, tgil_worker_units);
	ck_assert_uint_eq(atomic_load(&t.done), 2);
	ck_assert_int_eq(atomic_load(&t.violations), 0);
	if (atomic_load(&t.pinned) == 2)
		ck_assert_uint_gt(t.g.failed_wakeups, 0);
	ck_assert_uint_eq(t.g.drop_requests, 0);
	tgil_free(&t);
}
END_TEST

/* Whether lane is waiting for the GIL (its state is written under mutex). */
static int
tgil_is_waiting(struct tgil *t, unsigned lane)
{
	int	waiting;

	pthread_mutex_lock(&t->g.mutex);
	waiting = trace_lane(t->tr, lane)->state == STATE_WAIT_GIL;
	pthread_mutex_unlock(&t->g.mutex);
	return waiting;
}

/* Take the GIL once and let it go. */
static void *
tgil_take_once(void *arg)
{
	struct worker	*w = arg;

	gil_take(w->gil, w);
	gil_drop(w->gil, w);
	return NULL;
}

/*
 * old, scripted: T1 waits for the lock; five times the holder releases it,
 * signals, and takes it back before T1 can run (all under the GIL's mutex,
 * as a releaser on another core wins the race).  Each wake-up finds the lock
 * taken: five failed wake-ups, then a real release lets T1 in.
 */
START_TEST(test_gil_old_scripted_failures)
{
	struct tgil	t;
	unsigned	i;
	uint64_t	n;

	tgil_init(&t, 2, GIL_OLD, 0, 100);
	gil_take(&t.g, &t.w[0]);
	ck_assert_int_eq(pthread_create(&t.t[1], NULL, tgil_take_once,
	    &t.w[1]), 0);
	while (!tgil_is_waiting(&t, 1))
		sched_yield();
	for (i = 0; i < 5; i++) {
		pthread_mutex_lock(&t.g.mutex);
		t.g.locked = 0;
		pthread_cond_signal(&t.g.cond);
		t.g.locked = 1;
		pthread_mutex_unlock(&t.g.mutex);
		do {	/* until T1 has woken, looked, and sleeps again */
			pthread_mutex_lock(&t.g.mutex);
			n = t.g.failed_wakeups;
			pthread_mutex_unlock(&t.g.mutex);
			sched_yield();
		} while (n < i + 1);
	}
	ck_assert_int_eq(t.g.holder, 0);
	gil_drop(&t.g, &t.w[0]);
	pthread_join(t.t[1], NULL);
	/* A spurious wake-up would add one; none may be missing. */
	ck_assert_uint_ge(t.g.failed_wakeups, 5);
	ck_assert_uint_eq(t.g.switches, 1);
	ck_assert_uint_gt(t.g.max_wait_ns, 0);
	tgil_free(&t);
}
END_TEST

/* none: two threads "hold" it at once and meet at a barrier inside. */
static pthread_barrier_t	tgil_barrier;

static void *
tgil_none_holder(void *arg)
{
	struct worker	*w = arg;

	gil_take(w->gil, w);
	pthread_barrier_wait(&tgil_barrier);
	gil_safepoint(w->gil, w);
	gil_yield(w->gil, w);
	gil_drop(w->gil, w);
	return NULL;
}

START_TEST(test_gil_none_never_blocks)
{
	struct tgil	t;

	tgil_init(&t, 2, GIL_NONE, 0, 0);
	pthread_barrier_init(&tgil_barrier, NULL, 2);
	tgil_run(&t, tgil_none_holder);
	pthread_barrier_destroy(&tgil_barrier);
	ck_assert_uint_eq(t.g.switches, 0);
	ck_assert_uint_eq(t.g.wait_ns, 0);
	ck_assert_int_eq(t.g.locked, 0);
	ck_assert_uint_eq(trace_lane(t.tr, 0)->state, STATE_RUNNING);
	/* A NULL GIL behaves the same. */
	gil_take(NULL, &t.w[0]);
	gil_safepoint(NULL, &t.w[0]);
	gil_drop(NULL, &t.w[0]);
	tgil_free(&t);
}
END_TEST

/* Hold the GIL, then block in I/O for 300 ms. */
static void *
tgil_io_holder(void *arg)
{
	struct worker	*w = arg;
	struct tgil	*t = w->arg;

	gil_take(w->gil, w);
	atomic_fetch_add(&t->arrived, 1);
	work_io(w, 300 * NS_PER_MS);
	gil_drop(w->gil, w);
	return NULL;
}

/*
 * Blocking I/O gives the lock up: with a 10 s interval (no drop request
 * possible), the main thread still gets it long before T0's sleep ends.
 */
START_TEST(test_gil_io_releases)
{
	struct tgil	t;
	uint64_t	t0, waited;

	tgil_init(&t, 2, GIL_NEW, 10 * NS_PER_SEC, 0);
	ck_assert_int_eq(pthread_create(&t.t[0], NULL, tgil_io_holder,
	    &t.w[0]), 0);
	while (atomic_load(&t.arrived) == 0)
		sched_yield();
	clock_sleep_ns(10 * NS_PER_MS);
	t0 = clock_ns();
	gil_take(&t.g, &t.w[1]);
	waited = clock_ns() - t0;
	ck_assert_int_eq(t.g.holder, 1);
	gil_drop(&t.g, &t.w[1]);
	pthread_join(t.t[0], NULL);
	ck_assert_msg(waited < 200 * NS_PER_MS, "waited %llu ns for a lock "
	    "whose holder was blocked in I/O", (unsigned long long)waited);
	ck_assert_uint_eq(t.g.drop_requests, 0);
	ck_assert_uint_eq(trace_lane(t.tr, 0)->state_ns[STATE_IO] > 0, 1);
	tgil_free(&t);
}
END_TEST

/* Many threads, a 1 us interval: constant drop requests, still no loss. */
START_TEST(test_gil_new_stress)
{
	struct tgil	t;

	tgil_init(&t, T_MAX_THREADS, GIL_NEW, NS_PER_US, 0);
	t.takes = 100;
	t.steps = 100;
	tgil_run(&t, tgil_taker);
	ck_assert_int_eq(atomic_load(&t.violations), 0);
	ck_assert_uint_eq(atomic_load(&t.done), T_MAX_THREADS * 100);
	ck_assert_uint_eq(atomic_load(&t.counter), T_MAX_THREADS * 100 * 100);
	ck_assert_uint_gt(t.g.drop_requests, 0);
	tgil_free(&t);
}
END_TEST

/* check=1 under old: a release at every safe point, still one holder. */
START_TEST(test_gil_old_check_one)
{
	tgil_check_mode(GIL_OLD, 0, 1);
}
END_TEST

/* The GIL lane's holder events, in order, into out; returns how many. */
static unsigned
tgil_holders(struct tgil *t, int64_t *out, unsigned max)
{
	const struct trace_event	*e;
	uint64_t			 i;
	unsigned			 k = 0;

	for (i = 0; i < trace_count(t->tr, t->n) && k < max; i++) {
		e = trace_event(t->tr, t->n, i);
		if (e->kind == EV_GIL_SWITCH)
			out[k++] = e->arg;
	}
	return k;
}

/*
 * A scripted interleaving on one thread, two workers: no one ever waits,
 * so every step is deterministic.  The GIL lane shows each holder once, a
 * retake by the same thread adds nothing, and the old GIL's releases at
 * every `check` units do not flood the worker's lane with running events.
 */
START_TEST(test_gil_scripted)
{
	struct tgil	t;
	int64_t		h[8];
	unsigned	i;

	tgil_init(&t, 2, GIL_OLD, 0, 3);
	gil_take(&t.g, &t.w[0]);
	ck_assert_int_eq(t.g.holder, 0);
	for (i = 0; i < 300; i++)
		gil_safepoint(&t.g, &t.w[0]);	/* 100 release-retakes */
	ck_assert_int_eq(t.g.holder, 0);
	ck_assert_uint_eq(trace_count(t.tr, 0), 1);	/* running, once */
	gil_drop(&t.g, &t.w[0]);
	ck_assert_int_eq(t.g.holder, -1);
	ck_assert_int_eq(t.g.locked, 0);
	gil_take(&t.g, &t.w[1]);
	gil_drop(&t.g, &t.w[1]);
	ck_assert_uint_eq(tgil_holders(&t, h, 8), 4);
	ck_assert_int_eq(h[0], 0);
	ck_assert_int_eq(h[1], -1);
	ck_assert_int_eq(h[2], 1);
	ck_assert_int_eq(h[3], -1);
	ck_assert_uint_eq(t.g.failed_wakeups, 0);
	ck_assert_uint_eq(t.g.wait_ns, 0);
	tgil_free(&t);

	/* new: a safe point with no drop request costs nothing. */
	tgil_init(&t, 1, GIL_NEW, NS_PER_MS, 0);
	gil_take(&t.g, &t.w[0]);
	for (i = 0; i < 1000; i++)
		gil_safepoint(&t.g, &t.w[0]);
	ck_assert_uint_eq(t.g.switch_number, 1);
	ck_assert_uint_eq(t.g.drop_requests, 0);
	gil_drop(&t.g, &t.w[0]);
	tgil_free(&t);
}
END_TEST

/* Zero interval and check fall back to CPython's defaults. */
START_TEST(test_gil_defaults)
{
	struct gil	g;

	gil_init(&g, GIL_NEW, 0, 0, NULL, -1);
	ck_assert_uint_eq(g.interval_ns, 5 * NS_PER_MS);
	ck_assert_uint_eq(g.check, 100);
	ck_assert_int_eq(g.holder, -1);
	gil_free(&g);
}
END_TEST

static Suite *
gil_suite(void)
{
	Suite	*s = suite_create("gil");
	TCase	*core = tcase_create("core"), *edge = tcase_create("edge");

	tcase_add_test(core, test_gil_mode_parse);
	tcase_add_test(core, test_gil_new_one_holder);
	tcase_add_test(core, test_gil_old_one_holder);
	tcase_add_test(core, test_gil_new_forced_switch);
	tcase_add_test(core, test_gil_old_failed_wakeups);
	tcase_add_test(core, test_gil_old_scripted_failures);
	tcase_add_test(core, test_gil_none_never_blocks);
	tcase_add_test(core, test_gil_io_releases);
	tcase_add_test(edge, test_gil_new_stress);
	tcase_add_test(edge, test_gil_old_check_one);
	tcase_add_test(edge, test_gil_defaults);
	tcase_add_test(edge, test_gil_scripted);
	tcase_set_timeout(core, 20);
	tcase_set_timeout(edge, 20);
	suite_add_tcase(s, core);
	suite_add_tcase(s, edge);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(gil_suite());
	int	 failed;

	work_calibrate();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
