/*
 * check_timeline.c -- events to spans, spans to columns, values, cores.
 */

#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

static struct trace *tr;

/* A two-lane trace on the fake clock, starting at time 0. */
static void
setup(void)
{
	char	*cause = NULL;

	clock_fake_set(0);
	tr = trace_create(3, 1, &cause);
	trace_lane_init(tr, 0, "T0", LANE_THREAD);
	trace_lane_init(tr, 1, "T1", LANE_THREAD);
	trace_lane_init(tr, 2, "depth", LANE_COUNTER);
}

static void
teardown(void)
{
	trace_destroy(tr);
	clock_fake_off();
}

/* Move the fake clock to t and put lane into state st. */
static void
at(uint64_t t, unsigned lane, enum state st)
{
	clock_fake_set(t);
	trace_state(tr, lane, st);
}

/* State events make spans; the last one is open until the end. */
START_TEST(test_timeline_spans)
{
	struct timeline	*tl = timeline_create(tr);

	at(0, 0, STATE_RUNNING);
	at(100, 0, STATE_WAIT_LOCK);
	at(150, 0, STATE_RUNNING);
	ck_assert_int_eq(timeline_update(tl), 3);
	ck_assert_uint_eq(tl->lanes[0].nspans, 3);
	ck_assert_uint_eq(tl->lanes[0].spans[1].t0, 100);
	ck_assert_uint_eq(tl->lanes[0].spans[1].t1, 150);
	ck_assert_uint_eq(tl->lanes[0].spans[2].t1, UINT64_MAX);
	timeline_finish(tl, 400);
	ck_assert_uint_eq(timeline_state_ns(tl, 0, STATE_RUNNING), 350);
	ck_assert_uint_eq(timeline_state_ns(tl, 0, STATE_WAIT_LOCK), 50);
	/* Nothing new: an update folds nothing. */
	ck_assert_int_eq(timeline_update(tl), 0);
	timeline_destroy(tl);
}
END_TEST

/* Each column shows the state that covered most of it. */
START_TEST(test_timeline_fold_dominant)
{
	struct timeline	*tl = timeline_create(tr);
	uint8_t		 col[4];

	at(0, 0, STATE_RUNNING);
	at(250, 0, STATE_IO);		/* col 1 is 50/50... */
	at(260, 0, STATE_RUNNING);	/* ...no: io only 10 of 100 */
	at(500, 0, STATE_WAIT_LOCK);
	at(800, 0, STATE_DONE);
	timeline_finish(tl, 1000);
	timeline_fold(tl, 0, 0, 1000, 4, col);
	ck_assert_int_eq(col[0], STATE_RUNNING);
	ck_assert_int_eq(col[1], STATE_RUNNING);
	ck_assert_int_eq(col[2], STATE_WAIT_LOCK);
	ck_assert_int_eq(col[3], STATE_DONE);
	timeline_destroy(tl);
}
END_TEST

/* The state at an instant, since when and until when, spans joined. */
START_TEST(test_timeline_at)
{
	struct timeline	*tl = timeline_create(tr);
	uint64_t	 since, until;
	uint8_t		 st;

	at(100, 0, STATE_RUNNING);
	at(300, 0, STATE_RUNNING);	/* a second span of the same state */
	at(500, 0, STATE_WAIT_GIL);
	at(700, 0, STATE_RUNNING);
	timeline_finish(tl, 1000);
	ck_assert_int_eq(timeline_at(tl, 0, 50, &st, &since, &until), -1);
	ck_assert_int_eq(timeline_at(tl, 0, 350, &st, &since, &until), 0);
	ck_assert_int_eq(st, STATE_RUNNING);
	ck_assert_uint_eq(since, 100);
	ck_assert_uint_eq(until, 500);
	ck_assert_int_eq(timeline_at(tl, 0, 500, &st, &since, &until), 0);
	ck_assert_int_eq(st, STATE_WAIT_GIL);
	ck_assert_uint_eq(since, 500);
	ck_assert_uint_eq(until, 700);
	ck_assert_int_eq(timeline_at(tl, 0, 999, &st, &since, &until), 0);
	ck_assert_uint_eq(until, 1000);
	timeline_destroy(tl);
}
END_TEST

/* Before a lane's first event the columns are empty (STATE_NONE). */
START_TEST(test_timeline_fold_before_start)
{
	struct timeline	*tl = timeline_create(tr);
	uint8_t		 col[10];

	at(0, 0, STATE_RUNNING);
	at(700, 1, STATE_RUNNING);
	timeline_finish(tl, 1000);
	timeline_fold(tl, 1, 0, 1000, 10, col);
	ck_assert_int_eq(col[0], STATE_NONE);
	ck_assert_int_eq(col[6], STATE_NONE);
	ck_assert_int_eq(col[7], STATE_RUNNING);
	ck_assert_int_eq(col[9], STATE_RUNNING);
	timeline_destroy(tl);
}
END_TEST

/* A zoomed window folds only its part of the spans. */
START_TEST(test_timeline_fold_window)
{
	struct timeline	*tl = timeline_create(tr);
	uint8_t		 col[2];

	at(0, 0, STATE_RUNNING);
	at(100, 0, STATE_IO);
	at(200, 0, STATE_RUNNING);
	timeline_finish(tl, 300);
	timeline_fold(tl, 0, 100, 200, 2, col);
	ck_assert_int_eq(col[0], STATE_IO);
	ck_assert_int_eq(col[1], STATE_IO);
	timeline_destroy(tl);
}
END_TEST

/* A counter lane: the highest value per column, carried forward. */
START_TEST(test_timeline_counter)
{
	struct timeline	*tl = timeline_create(tr);
	int64_t		 v[4];

	clock_fake_set(10);
	trace_point(tr, 2, EV_COUNTER, 1);
	clock_fake_set(20);
	trace_point(tr, 2, EV_COUNTER, 3);
	clock_fake_set(30);
	trace_point(tr, 2, EV_COUNTER, 2);
	clock_fake_set(260);
	trace_point(tr, 2, EV_COUNTER, 0);
	timeline_finish(tl, 400);
	timeline_fold_counter(tl, 2, 0, 400, 4, v);
	ck_assert_int_eq(v[0], 3);
	ck_assert_int_eq(v[1], 2);	/* carried */
	ck_assert_int_eq(v[2], 0);
	ck_assert_int_eq(v[3], 0);
	timeline_destroy(tl);
}
END_TEST

/* The per-core view shows which worker ran where. */
START_TEST(test_timeline_cores)
{
	struct timeline	*tl;
	int32_t		 out[2 * 2];
	struct trace_event *e;

	at(0, 0, STATE_RUNNING);
	at(0, 1, STATE_RUNNING);
	tl = timeline_create(tr);
	/* Pin the cores: the test may run on any core. */
	e = (struct trace_event *)trace_event(tr, 0, 0);
	e->cpu = 0;
	e = (struct trace_event *)trace_event(tr, 1, 0);
	e->cpu = 1;
	timeline_finish(tl, 100);
	timeline_fold_cores(tl, 2, 0, 100, 2, out);
	ck_assert_int_eq(out[0], 0);
	ck_assert_int_eq(out[1], 0);
	ck_assert_int_eq(out[2], 1);
	ck_assert_int_eq(out[3], 1);
	timeline_destroy(tl);
}
END_TEST

/* A label splits the open span so each work item is its own span. */
START_TEST(test_timeline_labels)
{
	struct timeline	*tl = timeline_create(tr);

	at(0, 0, STATE_RUNNING);
	clock_fake_set(50);
	trace_point(tr, 0, EV_LABEL, 1);
	clock_fake_set(80);
	trace_point(tr, 0, EV_LABEL, 2);
	timeline_finish(tl, 100);
	ck_assert_uint_eq(tl->lanes[0].nspans, 3);
	ck_assert_int_eq(tl->lanes[0].spans[0].label, -1);
	ck_assert_int_eq(tl->lanes[0].spans[1].label, 1);
	ck_assert_int_eq(tl->lanes[0].spans[2].label, 2);
	ck_assert_int_eq(tl->lanes[0].spans[2].state, STATE_RUNNING);
	timeline_destroy(tl);
}
END_TEST

/* Degenerate windows and widths do not crash and leave columns empty. */
START_TEST(test_timeline_degenerate)
{
	struct timeline	*tl = timeline_create(tr);
	uint8_t		 col[3] = { 9, 9, 9 };
	int64_t		 v[3];

	timeline_finish(tl, 0);
	timeline_fold(tl, 0, 0, 0, 3, col);
	ck_assert_int_eq(col[0], STATE_NONE);
	timeline_fold(tl, 0, 0, 100, 0, col);
	timeline_fold_counter(tl, 2, 5, 5, 3, v);
	ck_assert(v[0] == TL_NOVALUE);
	timeline_destroy(tl);
}
END_TEST

/* Folding 1,000,000 events' worth of spans stays cheap (no quadratic). */
START_TEST(test_timeline_many)
{
	struct timeline	*tl = timeline_create(tr);
	uint8_t		 col[200];
	uint64_t	 i;

	for (i = 0; i < 1000000; i++)
		at(i * 10, 0, i & 1 ? STATE_RUNNING : STATE_WAIT_LOCK);
	timeline_finish(tl, 10000000);
	ck_assert_uint_eq(tl->lanes[0].nspans, trace_count(tr, 0));
	timeline_fold(tl, 0, 0, 10000000, 200, col);
	ck_assert(col[0] == STATE_RUNNING || col[0] == STATE_WAIT_LOCK);
	timeline_destroy(tl);
}
END_TEST

/* The dominant state of [a, b) on lane 0, span by span (the reference). */
static uint8_t
naive_column(const struct timeline *tl, uint64_t a, uint64_t b)
{
	const struct tl_lane	*ll = &tl->lanes[0];
	uint64_t		 acc[STATE_COUNT] = { 0 }, x, y, best = 0;
	size_t			 i;
	uint8_t			 out = STATE_NONE;
	int			 s;

	for (i = 0; i < ll->nspans; i++) {
		x = ll->spans[i].t0 > a ? ll->spans[i].t0 : a;
		y = ll->spans[i].t1 == UINT64_MAX ? tl->t_end : ll->spans[i].t1;
		y = y < b ? y : b;
		if (y > x)
			acc[ll->spans[i].state] += y - x;
	}
	for (s = 0; s < STATE_COUNT; s++)
		if (acc[s] > best) {
			best = acc[s];
			out = (uint8_t)s;
		}
	return out;
}

/* Folding through block sums gives what a span-by-span fold gives. */
START_TEST(test_timeline_blocks_match)
{
	struct timeline	*tl = timeline_create(tr);
	uint8_t		 col[37];
	uint64_t	 t = 0, w0, w1, a, b;
	unsigned	 i, c, k;

	srand(7);
	for (i = 0; i < 20000; i++) {
		/* Bursts of one state so columns have clear winners. */
		at(t, 0, (i / 300) % 3 == 0 ? STATE_RUNNING :
		    (i / 300) % 3 == 1 ? STATE_IO : STATE_WAIT_LOCK);
		t += 1 + (uint64_t)(rand() % 50);
	}
	timeline_finish(tl, t);
	ck_assert_uint_gt(tl->lanes[0].nblocks, 50);
	for (k = 0; k < 20; k++) {
		w0 = k == 0 ? 0 : (uint64_t)rand() % (t / 2);
		w1 = k == 0 ? t : w0 + 1 + (uint64_t)rand() % (t - w0);
		timeline_fold(tl, 0, w0, w1, 37, col);
		for (c = 0; c < 37; c++) {
			a = w0 + (uint64_t)c * (w1 - w0) / 37;
			b = w0 + (uint64_t)(c + 1) * (w1 - w0) / 37;
			ck_assert_msg(col[c] == naive_column(tl, a, b),
			    "window %d column %u: %d vs %d", k, c, col[c],
			    naive_column(tl, a, b));
		}
	}
	timeline_destroy(tl);
}
END_TEST

/*
 * A fold kept from frame to frame (only the spans closed since are added)
 * gives, cell for cell, what a fold of a new timeline over the same events
 * gives: lanes, the cores' longest runner and their busy shares, through a
 * live window, a zoom and back.
 */
START_TEST(test_timeline_fold_incremental)
{
	static const enum state	 sts[] = { STATE_RUNNING, STATE_WAIT_LOCK,
	    STATE_IO, STATE_RUNNING };
	struct timeline		*live = timeline_create(tr), *fresh;
	struct trace_event	*e;
	uint8_t			 a[61], b[61];
	int32_t			 wa[2 * 61], wb[2 * 61];
	uint16_t		 ua[2 * 61], ub[2 * 61];
	uint64_t		 t = 0, w0, w1;
	unsigned		 frame, i, lane, c;

	srand(11);
	for (frame = 0; frame < 40; frame++) {
		for (i = 0; i < 100 + (unsigned)rand() % 1200; i++) {
			lane = (unsigned)rand() % 2;
			clock_fake_set(t);
			trace_state(tr, lane, sts[rand() % 4]);
			e = (struct trace_event *)trace_event(tr, lane,
			    trace_count(tr, lane) - 1);
			e->cpu = (int16_t)(rand() % 2);
			t += 1 + (uint64_t)(rand() % 40);
		}
		timeline_update(live);
		live->t_end = t;	/* as the UI moves it to "now" */
		fresh = timeline_create(tr);
		timeline_update(fresh);
		fresh->t_end = t;
		/* The live window (a column holds a few frames' events); a
		 * zoom every 7th frame, then back. */
		w0 = frame % 7 == 6 ? t / 3 : 0;
		w1 = frame % 7 == 6 ? t / 2 : 2000000;
		for (lane = 0; lane < 2; lane++) {
			timeline_fold(live, lane, w0, w1, 61, a);
			timeline_fold(fresh, lane, w0, w1, 61, b);
			for (c = 0; c < 61; c++)
				ck_assert_msg(a[c] == b[c], "frame %u lane %u "
				    "column %u: %d kept vs %d afresh", frame,
				    lane, c, a[c], b[c]);
		}
		timeline_fold_util(live, 2, w0, w1, 61, wa, ua);
		timeline_fold_util(fresh, 2, w0, w1, 61, wb, ub);
		for (c = 0; c < 2 * 61; c++) {
			ck_assert_msg(wa[c] == wb[c] && ua[c] == ub[c],
			    "frame %u cell %u: lane %d/%d, util %u/%u", frame,
			    c, wa[c], wb[c], ua[c], ub[c]);
		}
		timeline_destroy(fresh);
	}
	ck_assert_uint_gt(live->lanes[0].nblocks, 5);
	timeline_destroy(live);
}
END_TEST

static Suite *
timeline_suite(void)
{
	Suite	*s = suite_create("timeline");
	TCase	*core = tcase_create("core"), *edge = tcase_create("edge");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(edge, setup, teardown);
	tcase_add_test(core, test_timeline_spans);
	tcase_add_test(core, test_timeline_fold_dominant);
	tcase_add_test(core, test_timeline_at);
	tcase_add_test(core, test_timeline_fold_before_start);
	tcase_add_test(core, test_timeline_fold_window);
	tcase_add_test(core, test_timeline_counter);
	tcase_add_test(core, test_timeline_cores);
	tcase_add_test(core, test_timeline_labels);
	tcase_add_test(edge, test_timeline_degenerate);
	tcase_add_test(edge, test_timeline_many);
	tcase_add_test(edge, test_timeline_blocks_match);
	tcase_add_test(edge, test_timeline_fold_incremental);
	tcase_set_timeout(edge, 30);
	suite_add_tcase(s, core);
	suite_add_tcase(s, edge);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(timeline_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
