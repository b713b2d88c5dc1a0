/*
 * check_clock.c -- clock_ns() reads CLOCK_MONOTONIC, however it reads it:
 * the calibrated TSC, clock_gettime(), a calibration adopted from another
 * process, and the fake clock.  Each test runs in its own process (fork
 * mode), so each starts uncalibrated.
 */

#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "parlab.h"

/* How far clock_ns() may be from CLOCK_MONOTONIC: the calibration's anchor
 * (tens of ns) and its rate's error over a test's age (well under 1 ms). */
#define SLACK_NS	(100 * 1000)

/* CLOCK_MONOTONIC, as the kernel reads it. */
static uint64_t
mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Assert that clock_ns() less off lies between two kernel reads. */
static void
assert_bracketed(uint64_t off)
{
	uint64_t	before, now, after;
	int		i;

	for (i = 0; i < 1000; i++) {
		before = mono();
		now = clock_ns() - off;
		after = mono();
		ck_assert_msg(now + SLACK_NS >= before && now <= after + SLACK_NS,
		    "clock_ns %llu outside [%llu, %llu]",
		    (unsigned long long)now, (unsigned long long)before,
		    (unsigned long long)after);
	}
}

/* Whichever way it reads, clock_ns() is CLOCK_MONOTONIC and never goes back. */
START_TEST(test_clock_monotonic)
{
	uint64_t	last, now;
	int		i;

	assert_bracketed(0);
	last = clock_ns();
	for (i = 0; i < 1000000; i++) {
		now = clock_ns();
		ck_assert_uint_ge(now, last);
		last = now;
	}
}
END_TEST

/* PARLAB_CLOCK=monotonic makes it clock_gettime(). */
START_TEST(test_clock_env)
{
	setenv("PARLAB_CLOCK", "monotonic", 1);
	ck_assert_int_eq(clock_kind(), CLOCK_KIND_MONOTONIC);
	assert_bracketed(0);
}
END_TEST

/* An adopted calibration is the one clock_ns() then reads by. */
START_TEST(test_clock_adopt)
{
	struct clock_cal	c;

	clock_save(&c);
	if (c.kind == CLOCK_KIND_TSC) {
		/* Another process's anchor a second later: its reading. */
		c.ns0 += NS_PER_SEC;
		clock_adopt(&c);
		assert_bracketed(NS_PER_SEC);
		ck_assert_int_eq(clock_kind(), CLOCK_KIND_TSC);
	}
	c.kind = CLOCK_KIND_MONOTONIC;
	clock_adopt(&c);
	ck_assert_int_eq(clock_kind(), CLOCK_KIND_MONOTONIC);
	assert_bracketed(0);
}
END_TEST

/* A spawned child's trace_attach() takes the creator's calibration. */
START_TEST(test_clock_attach)
{
	struct clock_cal	 mine, theirs;
	struct trace		*tr, *tr2;
	char			*cause = NULL;

	tr = trace_create(1, 1, &cause);
	ck_assert_ptr_nonnull(tr);
	if (trace_fd(tr) == -1) {
		trace_destroy(tr);
		return;		/* no memfd here: no spawned children */
	}
	clock_save(&mine);
	/* As if this process had chosen otherwise before attaching. */
	theirs = mine;
	theirs.kind = CLOCK_KIND_MONOTONIC;
	clock_adopt(&theirs);
	tr2 = trace_attach(dup(trace_fd(tr)), &cause);
	ck_assert_ptr_nonnull(tr2);
	clock_save(&theirs);
	ck_assert_int_eq(theirs.kind, mine.kind);
	ck_assert_uint_eq(theirs.mult, mine.mult);
	ck_assert_uint_eq(theirs.ns0, mine.ns0);
	assert_bracketed(0);
	trace_destroy(tr2);
	trace_destroy(tr);
}
END_TEST

/* The fake clock overrides either way, and the real one comes back. */
START_TEST(test_clock_fake)
{
	(void)clock_ns();
	clock_fake_set(1000);
	ck_assert_uint_eq(clock_ns(), 1000);
	clock_fake_advance(500);
	ck_assert_uint_eq(clock_ns(), 1500);
	clock_fake_off();
	assert_bracketed(0);
}
END_TEST

static Suite *
clock_suite(void)
{
	Suite	*s = suite_create("clock");
	TCase	*core = tcase_create("core"), *edge = tcase_create("edge");

	tcase_add_test(core, test_clock_monotonic);
	tcase_add_test(core, test_clock_fake);
	tcase_add_test(edge, test_clock_env);
	tcase_add_test(edge, test_clock_adopt);
	tcase_add_test(edge, test_clock_attach);
	tcase_set_timeout(core, 30);
	suite_add_tcase(s, core);
	suite_add_tcase(s, edge);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(clock_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
