/*
 * check_trace.c -- the recorder: lanes, events, drops, accounting, readers.
 */

#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "parlab.h"

/* Events land on their lane in order, with fake-clock timestamps. */
START_TEST(test_trace_events)
{
	struct trace			*tr;
	const struct trace_event	*e;
	char				*cause = NULL;

	clock_fake_set(1000);
	tr = trace_create(2, 1, &cause);
	ck_assert_ptr_nonnull(tr);
	trace_lane_init(tr, 0, "T0", LANE_THREAD);
	trace_lane_init(tr, 1, "T1", LANE_THREAD);
	trace_state(tr, 0, STATE_STARTING);
	clock_fake_advance(500);
	trace_state(tr, 0, STATE_RUNNING);
	trace_point(tr, 1, EV_COUNTER, 42);
	ck_assert_uint_eq(trace_count(tr, 0), 2);
	ck_assert_uint_eq(trace_count(tr, 1), 1);
	e = trace_event(tr, 0, 0);
	ck_assert_uint_eq(e->ts, 0);
	ck_assert_uint_eq(e->state, STATE_STARTING);
	e = trace_event(tr, 0, 1);
	ck_assert_uint_eq(e->ts, 500);
	ck_assert_uint_eq(e->state, STATE_RUNNING);
	e = trace_event(tr, 1, 0);
	ck_assert_int_eq(e->kind, EV_COUNTER);
	ck_assert_int_eq(e->arg, 42);
	ck_assert_str_eq(trace_lane(tr, 1)->name, "T1");
	ck_assert_uint_eq(trace_total_events(tr), 3);
	trace_destroy(tr);
	clock_fake_off();
}
END_TEST

/* Time in each state is accounted at every change. */
START_TEST(test_trace_accounting)
{
	struct trace	*tr;
	char		*cause = NULL;

	clock_fake_set(0);
	tr = trace_create(1, 1, &cause);
	trace_state(tr, 0, STATE_RUNNING);
	clock_fake_advance(300);
	trace_state(tr, 0, STATE_WAIT_LOCK);
	clock_fake_advance(200);
	trace_state(tr, 0, STATE_RUNNING);
	clock_fake_advance(100);
	trace_state(tr, 0, STATE_DONE);
	ck_assert_uint_eq(trace_lane(tr, 0)->state_ns[STATE_RUNNING], 400);
	ck_assert_uint_eq(trace_lane(tr, 0)->state_ns[STATE_WAIT_LOCK], 200);
	trace_destroy(tr);
	clock_fake_off();
}
END_TEST

/* With recording off, nothing is stored but accounting goes on. */
START_TEST(test_trace_not_recording)
{
	struct trace	*tr;
	char		*cause = NULL;

	clock_fake_set(0);
	tr = trace_create(1, 0, &cause);
	trace_state(tr, 0, STATE_RUNNING);
	clock_fake_advance(1000);
	trace_state(tr, 0, STATE_DONE);
	ck_assert_uint_eq(trace_count(tr, 0), 0);
	ck_assert_uint_eq(trace_lane(tr, 0)->state_ns[STATE_RUNNING], 1000);
	ck_assert_int_eq(trace_recording(tr), 0);
	trace_destroy(tr);
	clock_fake_off();
}
END_TEST

/* A full lane counts drops and never blocks; other lanes go on. */
START_TEST(test_trace_full_lane_drops)
{
	struct trace	*tr;
	char		*cause = NULL;
	uint64_t	 cap, i;

	tr = trace_create(TRACE_MAX_LANES, 1, &cause);
	ck_assert_ptr_nonnull(tr);
	cap = trace_capacity(tr);
	for (i = 0; i < cap + 10; i++)
		trace_point(tr, 0, EV_YIELD, (int64_t)i);
	ck_assert_uint_eq(trace_count(tr, 0), cap);
	ck_assert_uint_eq(trace_total_dropped(tr), 10);
	trace_point(tr, 1, EV_YIELD, 0);
	ck_assert_uint_eq(trace_count(tr, 1), 1);
	trace_destroy(tr);
}
END_TEST

/* A busy lane takes chunks from the pool beyond an even share. */
START_TEST(test_trace_busy_lane)
{
	struct trace	*tr;
	char		*cause = NULL;
	uint64_t	 i, n = TRACE_BUDGET_EVENTS / 100 * 5;

	tr = trace_create(100, 1, &cause);
	ck_assert_ptr_nonnull(tr);
	ck_assert_uint_ge(trace_capacity(tr), n);
	for (i = 0; i < n; i++)
		trace_point(tr, 7, EV_COUNTER, (int64_t)i);
	ck_assert_uint_eq(trace_count(tr, 7), n);
	ck_assert_uint_eq(trace_total_dropped(tr), 0);
	for (i = 0; i < n; i += n / 7)
		ck_assert_int_eq(trace_event(tr, 7, i)->arg, (int64_t)i);
	trace_point(tr, 99, EV_COUNTER, 5);
	ck_assert_int_eq(trace_event(tr, 99, 0)->arg, 5);
	trace_destroy(tr);
}
END_TEST

/* Bad lane counts are refused with a cause. */
START_TEST(test_trace_bad_lanes)
{
	char	*cause = NULL;

	ck_assert_ptr_null(trace_create(0, 1, &cause));
	ck_assert_ptr_nonnull(cause);
	free(cause);
	cause = NULL;
	ck_assert_ptr_null(trace_create(TRACE_MAX_LANES + 1, 1, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "lanes"));
	free(cause);
}
END_TEST

/* A forked child writes into the same mapping; the parent reads it. */
START_TEST(test_trace_fork_shares)
{
	struct trace	*tr;
	char		*cause = NULL;
	pid_t		 pid;
	int		 status;

	tr = trace_create(2, 1, &cause);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		trace_state(tr, 1, STATE_RUNNING);
		trace_point(tr, 1, EV_RESULT, 7);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ck_assert_uint_eq(trace_count(tr, 1), 2);
	ck_assert_int_eq(trace_event(tr, 1, 1)->arg, 7);
	trace_destroy(tr);
}
END_TEST

/*
 * A process lane is named "P<pid>" once its child sets the pid, without
 * the child writing the name a reader may be drawing.
 */
START_TEST(test_trace_process_name)
{
	struct trace	*tr;
	char		*cause = NULL, buf[32];

	tr = trace_create(2, 1, &cause);
	trace_lane_init(tr, 0, "P0", LANE_PROCESS);
	trace_lane_init(tr, 1, "T1", LANE_THREAD);
	trace_shown(tr);
	ck_assert_str_eq(trace_lane_name(tr, 0, buf, sizeof buf), "P0");
	ck_assert_int_eq(trace_lane(tr, 0)->pid, 0);
	ck_assert_int_eq(trace_lane(tr, 1)->pid, getpid());
	trace_lane_pid(tr, 0, 4242);
	ck_assert_str_eq(trace_lane_name(tr, 0, buf, sizeof buf), "P4242");
	ck_assert_str_eq(trace_lane_name(tr, 1, buf, sizeof buf), "T1");
	trace_destroy(tr);
}
END_TEST

/* Naming a lane after the trace was shown to readers is a bug, caught. */
START_TEST(test_trace_named_after_shown)
{
	struct trace	*tr;
	char		*cause = NULL;

	tr = trace_create(1, 1, &cause);
	trace_shown(tr);
	trace_lane_init(tr, 0, "T0", LANE_THREAD);	/* exits 1 */
}
END_TEST

/* A second mapping of the memfd (what a spawned child does) sees events. */
START_TEST(test_trace_attach)
{
	struct trace	*tr, *tr2;
	char		*cause = NULL;

	tr = trace_create(3, 1, &cause);
	if (trace_fd(tr) == -1) {
		trace_destroy(tr);
		return;		/* no memfd here: fork-only sharing */
	}
	tr2 = trace_attach(dup(trace_fd(tr)), &cause);
	ck_assert_ptr_nonnull(tr2);
	ck_assert_uint_eq(trace_lanes(tr2), 3);
	trace_point(tr2, 2, EV_RESULT, 99);
	ck_assert_uint_eq(trace_count(tr, 2), 1);
	ck_assert_int_eq(trace_event(tr, 2, 0)->arg, 99);
	trace_destroy(tr2);
	trace_destroy(tr);
	ck_assert_ptr_null(trace_attach(0, &cause));
	free(cause);
}
END_TEST

struct writer {
	struct trace	*tr;
	unsigned	 lane;
	unsigned	 n;
};

/* A writer thread for the concurrent-reader test. */
static void *
writer_main(void *arg)
{
	struct writer	*w = arg;
	unsigned	 i;

	for (i = 0; i < w->n; i++)
		trace_point(w->tr, w->lane, EV_COUNTER, (int64_t)i);
	return NULL;
}

/* A reader sees a consistent prefix while writers go on. */
START_TEST(test_trace_concurrent_reader)
{
	struct trace			*tr;
	struct writer			 w[2];
	pthread_t			 t[2];
	char				*cause = NULL;
	uint64_t			 n, i, seen = 0;
	int				 k, done = 0;

	tr = trace_create(2, 1, &cause);
	for (k = 0; k < 2; k++) {
		w[k] = (struct writer){ tr, (unsigned)k, 100000 };
		pthread_create(&t[k], NULL, writer_main, &w[k]);
	}
	while (!done) {
		n = trace_count(tr, 0);
		for (i = seen; i < n; i++)
			ck_assert_int_eq(trace_event(tr, 0, i)->arg, (int64_t)i);
		seen = n;
		done = n == 100000;
	}
	for (k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	ck_assert_uint_eq(trace_count(tr, 1), 100000);
	trace_destroy(tr);
}
END_TEST

/* Every state has a name, two glyphs and a help line. */
START_TEST(test_trace_state_table)
{
	int	s;

	for (s = 0; s < STATE_COUNT; s++) {
		ck_assert_ptr_nonnull(trace_states[s].name);
		ck_assert_ptr_nonnull(trace_states[s].utf8);
		ck_assert_ptr_nonnull(trace_states[s].help);
	}
	/* Drawn states are told apart by glyph alone (monochrome). */
	for (s = STATE_STARTING; s < STATE_DONE; s++) {
		int	o;
		for (o = s + 1; o < STATE_DONE; o++)
			ck_assert_int_ne(trace_states[s].ascii,
			    trace_states[o].ascii);
	}
}
END_TEST

static Suite *
trace_suite(void)
{
	Suite	*s = suite_create("trace");
	TCase	*core = tcase_create("core"), *edge = tcase_create("edge");

	tcase_add_test(core, test_trace_events);
	tcase_add_test(core, test_trace_accounting);
	tcase_add_test(core, test_trace_not_recording);
	tcase_add_test(core, test_trace_state_table);
	tcase_add_test(edge, test_trace_full_lane_drops);
	tcase_add_test(edge, test_trace_busy_lane);
	tcase_add_test(edge, test_trace_bad_lanes);
	tcase_add_test(edge, test_trace_fork_shares);
	tcase_add_test(edge, test_trace_attach);
	tcase_add_test(edge, test_trace_process_name);
	tcase_add_exit_test(edge, test_trace_named_after_shown, 1);
	tcase_add_test(edge, test_trace_concurrent_reader);
	tcase_set_timeout(edge, 30);
	suite_add_tcase(s, core);
	suite_add_tcase(s, edge);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(trace_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
