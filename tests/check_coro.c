/*
 * check_coro.c -- resumable tasks and the round-robin scheduler: the order
 * of turns, results, switch counts, await and wake, and the lanes they
 * draw.  The generator of the gen lesson is replayed on the fake clock, so
 * its 300 ms steps take no time.
 */

#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

#define MS	NS_PER_MS

static int	order[256];
static unsigned	norder;

struct counted {		/* a task that yields `left` times */
	int	left;
};

/* Log the task's index, yield until left runs out, return 100 + index. */
static enum coro_status
counted_step(struct coro *co)
{
	struct counted	*c = co->frame;

	if (norder < 256)
		order[norder++] = (int)co->index;
	if (c->left-- > 0)
		return CORO_YIELD;
	co->result = 100 + co->index;
	return CORO_DONE;
}

struct timed {			/* the gen lesson's generator */
	uint64_t	duration, start;
	int64_t		steps;
};

/* while elapsed < duration: step 300 ms (on the fake clock); yield. */
static enum coro_status
timed_step(struct coro *co)
{
	struct timed	*t = co->frame;

	switch (co->state) {
	case 0:
		t->start = clock_ns();
		co->state = 1;
		/* FALLTHROUGH */
	case 1:
		if (clock_ns() - t->start >= t->duration)
			break;
		clock_fake_advance(300 * MS);
		t->steps++;
		return CORO_YIELD;
	}
	co->result = t->steps;
	return CORO_DONE;
}

/* Await once (resume point 0 -> 1), then return 42. */
static enum coro_status
waiter_step(struct coro *co)
{
	if (co->state == 0) {
		co->state = 1;
		return CORO_AWAIT;
	}
	co->result = 42;
	return CORO_DONE;
}

static void
setup(void)
{
	norder = 0;
	clock_fake_set(NS_PER_SEC);
}

static void
teardown(void)
{
	clock_fake_off();
}

/* Tasks take turns in spawn order; a finished one drops out. */
START_TEST(test_coro_round_robin)
{
	static const int	 want[] = { 0, 1, 2, 0, 1, 2, 0, 2, 2 };
	struct coro_sched	 s;
	struct coro		 co[3];
	struct counted		 c[3] = { { 2 }, { 1 }, { 3 } };
	unsigned		 i;

	coro_sched_init(&s, NULL, -1);
	for (i = 0; i < 3; i++) {
		coro_init(&co[i], counted_step, &c[i], i, i);
		coro_spawn(&s, &co[i]);
	}
	ck_assert_int_eq(coro_sched_run(&s, NULL), 0);
	ck_assert_uint_eq(norder, 9);
	for (i = 0; i < 9; i++)
		ck_assert_int_eq(order[i], want[i]);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(co[i].done, 1);
		ck_assert_int_eq(co[i].result, 100 + (int)i);
	}
	ck_assert_uint_eq(s.nlive, 0);
	ck_assert_uint_eq(s.resumes, 9);
	/* 0 1 2 0 1 2 0 2 2: every change of task is a switch, 7 of them. */
	ck_assert_uint_eq(s.switches, 7);
}
END_TEST

/*
 * The lesson's example, durations 2000 and 3000 ms, steps of 300 ms: each
 * clock runs while the other works, so A does 4 steps and B 7, and the
 * whole takes 3.3 s, not 5.
 */
START_TEST(test_coro_generator_results)
{
	struct coro_sched	s;
	struct coro		co[2];
	struct timed		t[2];
	uint64_t		t0 = clock_ns();
	unsigned		i;

	memset(t, 0, sizeof t);
	t[0].duration = 2000 * MS;
	t[1].duration = 3000 * MS;
	coro_sched_init(&s, NULL, -1);
	for (i = 0; i < 2; i++) {
		coro_init(&co[i], timed_step, &t[i], i, i);
		coro_spawn(&s, &co[i]);
	}
	ck_assert_int_eq(coro_sched_run(&s, NULL), 0);
	ck_assert_int_eq(co[0].result, 4);
	ck_assert_int_eq(co[1].result, 7);
	ck_assert_uint_eq(clock_ns() - t0, 3300 * MS);
	/* A B A B A B A B A(done) B B B B: 13 next() calls, 9 changes. */
	ck_assert_uint_eq(s.resumes, 13);
	ck_assert_uint_eq(s.switches, 9);
}
END_TEST

/* An awaiting task is skipped until woken; a pass runs only the ready. */
START_TEST(test_coro_await_wake)
{
	struct coro_sched	s;
	struct coro		w, c;
	struct counted		cc = { 5 };

	coro_sched_init(&s, NULL, -1);
	coro_init(&w, waiter_step, NULL, 0, 0);
	coro_init(&c, counted_step, &cc, 1, 1);
	coro_spawn(&s, &w);
	coro_spawn(&s, &c);
	ck_assert_uint_eq(coro_sched_pass(&s), 2);
	ck_assert_int_eq(w.awaiting, 1);
	ck_assert_uint_eq(s.nready, 1);		/* c yielded, w awaits */
	ck_assert_uint_eq(coro_sched_pass(&s), 1);
	ck_assert_uint_eq(w.resumes, 1);
	coro_wake(&s, &w);
	ck_assert_uint_eq(s.nready, 2);
	ck_assert_uint_eq(coro_sched_pass(&s), 2);
	ck_assert_int_eq(w.done, 1);
	ck_assert_int_eq(w.result, 42);
	ck_assert_uint_eq(s.nlive, 1);
	/* The loop of the gen lesson leaves nothing awaiting behind. */
	ck_assert_int_eq(coro_sched_run(&s, NULL), 0);
	ck_assert_uint_eq(s.nlive, 0);
}
END_TEST

/* One task alone never switches; an empty scheduler returns at once. */
START_TEST(test_coro_single)
{
	struct coro_sched	s;
	struct coro		co;
	struct counted		c = { 4 };

	coro_sched_init(&s, NULL, -1);
	ck_assert_int_eq(coro_sched_run(&s, NULL), 0);
	ck_assert_uint_eq(coro_sched_pass(&s), 0);
	coro_init(&co, counted_step, &c, 0, 0);
	coro_spawn(&s, &co);
	coro_sched_run(&s, NULL);
	ck_assert_uint_eq(s.resumes, 5);
	ck_assert_uint_eq(s.switches, 0);
}
END_TEST

/* Lanes: each task ends done with its result; the loop lane is written. */
START_TEST(test_coro_lanes)
{
	struct coro_sched	 s;
	struct coro		 co[2];
	struct counted		 c[2] = { { 1 }, { 1 } };
	struct trace		*tr;
	char			*cause = NULL;
	uint64_t		 n, k, running = 0, results = 0;
	unsigned		 i;

	clock_fake_off();
	tr = trace_create(3, 1, &cause);
	ck_assert_ptr_nonnull(tr);
	coro_sched_init(&s, tr, 2);
	for (i = 0; i < 2; i++) {
		coro_init(&co[i], counted_step, &c[i], i, i);
		coro_spawn(&s, &co[i]);
	}
	coro_sched_run(&s, NULL);
	for (i = 0; i < 2; i++) {
		ck_assert_uint_eq(trace_lane(tr, i)->state, STATE_DONE);
		n = trace_count(tr, i);
		ck_assert_int_eq(trace_event(tr, i, 0)->state, STATE_READY);
		for (k = 0; k < n; k++) {
			if (trace_event(tr, i, k)->kind == EV_STATE &&
			    trace_event(tr, i, k)->state == STATE_RUNNING)
				running++;
			if (trace_event(tr, i, k)->kind == EV_RESULT) {
				results++;
				ck_assert_int_eq(trace_event(tr, i, k)->arg, 100 + (int)i);
			}
		}
	}
	ck_assert_uint_eq(running, 4);
	ck_assert_uint_eq(results, 2);
	ck_assert_uint_eq(trace_lane(tr, 2)->state, STATE_DONE);
	ck_assert_uint_gt(trace_count(tr, 2), 4);
	trace_destroy(tr);
}
END_TEST

/* A run asked to stop ends the loop before the next resume. */
START_TEST(test_coro_stop)
{
	struct coro_sched	 s;
	struct coro		 co;
	struct counted		 c = { 100 };
	struct run		*r = xcalloc(1, sizeof *r);

	atomic_init(&r->stop, 1);
	coro_sched_init(&s, NULL, -1);
	coro_init(&co, counted_step, &c, 0, 0);
	coro_spawn(&s, &co);
	ck_assert_int_eq(coro_sched_run(&s, r), -1);
	ck_assert_uint_eq(s.resumes, 0);
	free(r);
}
END_TEST

static Suite *
coro_suite(void)
{
	Suite	*s = suite_create("coro");
	TCase	*core = tcase_create("core"), *edge = tcase_create("edge");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(edge, setup, teardown);
	tcase_add_test(core, test_coro_round_robin);
	tcase_add_test(core, test_coro_generator_results);
	tcase_add_test(core, test_coro_await_wake);
	tcase_add_test(edge, test_coro_single);
	tcase_add_test(edge, test_coro_lanes);
	tcase_add_test(edge, test_coro_stop);
	suite_add_tcase(s, core);
	suite_add_tcase(s, edge);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(coro_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
