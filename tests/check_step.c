/*
 * check_step.c -- step programs: parsing and its messages, the interpreter,
 * blocking, undo, deadlock cycles and goals.
 */

#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

static const char racy[] =
    "title: racy\n"
    "shared: value = 0\n"
    "goal: value == 1\n"
    "thread:\n"
    "    tmp = value\n"
    "    tmp = tmp + 1\n"
    "    value = tmp\n"
    "thread:\n"
    "    tmp = value\n"
    "    tmp = tmp + 1\n"
    "    value = tmp\n";

static const char locks[] =
    "lock: a\nlock: b\n"
    "thread:\n  a.acquire()\n  b.acquire()\n  b.release()\n  a.release()\n"
    "thread:\n  b.acquire()\n  a.acquire()\n  a.release()\n  b.release()\n";

/* Parse text as x.step; fail the test if it is refused. */
static struct step_program *
parse_ok(const char *text)
{
	struct step_program	*p;
	char			*cause = NULL;

	p = step_parse("x", "x.step", text, strlen(text), &cause);
	ck_assert_msg(p != NULL, "refused: %s", cause ? cause : "?");
	return p;
}

/* Parse text; it must be refused with exactly want. */
static void
parse_bad(const char *text, const char *want)
{
	struct step_program	*p;
	char			*cause = NULL;

	p = step_parse("x", "x.step", text, strlen(text), &cause);
	ck_assert_msg(p == NULL, "accepted: %s", text);
	ck_assert_str_eq(cause, want);
	free(cause);
}

/* Take each thread of script in turn; all must be accepted. */
static void
take_all(struct step_state *st, const char *script)
{
	char	*cause = NULL;

	for (; *script != '\0'; script++)
		ck_assert_msg(step_take(st, (unsigned)(*script - '0'),
		    &cause) == 0, "step %c refused: %s", *script, cause);
}

START_TEST(test_step_lost_update)
{
	struct step_program	*p = parse_ok(racy);
	struct step_state	 st;

	ck_assert_uint_eq(p->nthreads, 2);
	ck_assert_str_eq(p->thread[1].insn[1].text, "tmp = tmp + 1");
	step_reset(&st, p);
	take_all(&st, "010101");
	ck_assert_int_eq(st.shared[0], 1);
	ck_assert_int_eq(step_status(&st, 0, NULL), STEP_DONE);
	ck_assert_int_eq(step_goal_met(&st, &p->goal), 1);
	step_reset(&st, p);
	take_all(&st, "000111");
	ck_assert_int_eq(st.shared[0], 2);
	ck_assert_int_eq(step_goal_met(&st, &p->goal), 0);
	step_program_free(p);
}
END_TEST

START_TEST(test_step_goal_needs_all_done)
{
	struct step_program	*p = parse_ok(racy);
	struct step_state	 st;

	step_reset(&st, p);
	take_all(&st, "000");	/* value is 1, but T1 has not run */
	ck_assert_int_eq(st.shared[0], 1);
	ck_assert_int_eq(step_goal_met(&st, &p->goal), 0);
	step_program_free(p);
}
END_TEST

START_TEST(test_step_deadlock_cycle)
{
	struct step_program	*p = parse_ok(locks);
	struct step_state	 st;
	struct step_link	 l[STEP_MAX_THREADS];
	char			*why = NULL;

	step_reset(&st, p);
	take_all(&st, "0");
	ck_assert_int_eq(step_status(&st, 1, NULL), STEP_READY);
	take_all(&st, "1");
	ck_assert_int_eq(step_status(&st, 0, &why), STEP_BLOCKED);
	ck_assert_str_eq(why, "T0 waits in b.acquire(): b is held by T1");
	free(why);
	ck_assert_int_eq(step_deadlocked(&st), 1);
	ck_assert_uint_eq(step_cycle(&st, l), 2);
	ck_assert_int_eq(l[0].thread, 0);
	ck_assert_str_eq(p->obj[l[0].waits_obj].name, "b");
	ck_assert_int_eq(l[0].holder, 1);
	ck_assert_int_eq(l[1].thread, 1);
	ck_assert_int_eq(l[1].holder, 0);
	ck_assert_int_eq(step_take(&st, 0, &why), -1);
	ck_assert_ptr_nonnull(strstr(why, "held by T1"));
	free(why);
	ck_assert_uint_eq(st.nsched, 2);	/* the refusal changed nothing */
	step_program_free(p);
}
END_TEST

START_TEST(test_step_no_deadlock_in_order)
{
	struct step_program	*p = parse_ok(locks);
	struct step_state	 st;
	struct step_link	 l[STEP_MAX_THREADS];

	step_reset(&st, p);
	take_all(&st, "00001111");
	ck_assert_int_eq(step_deadlocked(&st), 0);
	ck_assert_uint_eq(step_cycle(&st, l), 0);
	ck_assert_int_eq(step_status(&st, 1, NULL), STEP_DONE);
	step_program_free(p);
}
END_TEST

START_TEST(test_step_undo)
{
	struct step_program	*p = parse_ok(racy);
	struct step_state	 st, ref;

	step_reset(&st, p);
	ck_assert_int_eq(step_undo(&st), -1);
	take_all(&st, "0101");
	step_reset(&ref, p);
	take_all(&ref, "010");
	ck_assert_int_eq(step_undo(&st), 0);
	ck_assert_int_eq(memcmp(&st, &ref, sizeof st), 0);
	step_program_free(p);
}
END_TEST

START_TEST(test_step_semaphore_event)
{
	struct step_program	*p;
	struct step_state	 st;
	char			*why = NULL;

	p = parse_ok("semaphore: s = 1\nevent: e\nshared: x = 0\n"
	    "thread:\n s.acquire()\n e.wait()\n x = 7\n s.release()\n"
	    "thread:\n s.acquire()\n s.release()\n"
	    "thread:\n e.set()\n");
	step_reset(&st, p);
	take_all(&st, "0");
	ck_assert_int_eq(step_status(&st, 1, &why), STEP_BLOCKED);
	ck_assert_ptr_nonnull(strstr(why, "semaphore s is at 0"));
	free(why);
	ck_assert_int_eq(step_status(&st, 0, &why), STEP_BLOCKED);
	ck_assert_ptr_nonnull(strstr(why, "e.set()"));
	free(why);
	ck_assert_int_eq(step_deadlocked(&st), 0);	/* T2 can run */
	take_all(&st, "200011");
	ck_assert_int_eq(st.shared[0], 7);
	step_program_free(p);
}
END_TEST

START_TEST(test_step_goal_parse)
{
	struct step_program	*p = parse_ok(racy);
	struct step_goal	 g;
	char			*cause = NULL;

	ck_assert_int_eq(step_goal_parse(p, "value != 2", &g, &cause), 0);
	ck_assert_int_eq(g.kind, STEP_GOAL_VALUE);
	ck_assert_int_eq(g.ne, 1);
	free(g.text);
	ck_assert_int_eq(step_goal_parse(p, "deadlock", &g, &cause), 0);
	ck_assert_int_eq(g.kind, STEP_GOAL_DEADLOCK);
	free(g.text);
	ck_assert_int_eq(step_goal_parse(p, "tmp == 1", &g, &cause), -1);
	free(cause);
	ck_assert_int_eq(step_goal_parse(p, "value < 1", &g, &cause), -1);
	free(cause);
	step_program_free(p);
}
END_TEST

START_TEST(test_step_errors)
{
	parse_bad("shared: v = 0\nthread:\n  v = v + 1\n",
	    "x.step: error: a program has two to four threads, not 1");
	parse_bad("shared: v = 0\nthread:\n  v = t\nthread:\n  v = 1\n",
	    "x.step:3: error: 't' is read before this thread sets it "
	    "(shared variables are declared with `shared:`)");
	parse_bad("lock: l\nthread:\n  l.set()\nthread:\n  l.release()\n",
	    "x.step:3: error: lock l has no method set() (a lock or "
	    "semaphore: acquire, release; an event: set, clear, wait)");
	parse_bad("thread:\n  q.acquire()\nthread:\n  x = 1\n",
	    "x.step:2: error: no lock, semaphore or event named 'q'");
	parse_bad("shared: v\n", "x.step:1: error: expected 'v = N'");
	parse_bad("lock: l\nlock: l\n", "x.step:2: error: 'l' is declared "
	    "twice");
	parse_bad("colour: red\n", "x.step:1: error: unknown key 'colour' "
	    "(title, shared, lock, semaphore, event, goal, thread)");
	parse_bad("thread:\nthread:\n  x = 1\n",
	    "x.step: error: thread T0 has no statement");
	parse_bad("shared: v = 0\nthread:\n  v = v + 1 + 1\nthread:\n  v = 1\n",
	    "x.step:3: error: unexpected '+ 1' (one + or - at most: a "
	    "statement is one small step)");
	parse_bad("  x = 1\n", "x.step:1: error: an indented statement "
	    "belongs under a `thread:` line");
	parse_bad("shared: v = 0\ngoal: w == 1\n", "x.step:2: error: a goal "
	    "is `deadlock` or SHARED == N (or !=) over a shared variable, "
	    "not 'w == 1'");
}
END_TEST

START_TEST(test_step_builtins)
{
	const char		*want[] = { "racy-counter", "locked-counter",
				    "two-locks", "two-locks-ordered" };
	struct step_program	*p;
	char			**v, *cause = NULL;
	size_t			 n, i, k;

	v = step_builtins(&n);
	for (k = 0; k < 4; k++) {
		for (i = 0; i < n && strcmp(v[i], want[k]) != 0; i++)
			;
		ck_assert_msg(i < n, "no built-in %s", want[k]);
	}
	for (i = 0; i < n; i++) {
		p = step_load(v[i], &cause);
		ck_assert_msg(p != NULL, "%s: %s", v[i], cause);
		step_program_free(p);
		free(v[i]);
	}
	free(v);
}
END_TEST

static Suite *
step_suite(void)
{
	Suite	*s = suite_create("step");
	TCase	*core = tcase_create("core"), *edge = tcase_create("edge");

	tcase_add_test(core, test_step_lost_update);
	tcase_add_test(core, test_step_goal_needs_all_done);
	tcase_add_test(core, test_step_deadlock_cycle);
	tcase_add_test(core, test_step_no_deadlock_in_order);
	tcase_add_test(core, test_step_undo);
	tcase_add_test(core, test_step_semaphore_event);
	tcase_add_test(core, test_step_builtins);
	tcase_add_test(edge, test_step_goal_parse);
	tcase_add_test(edge, test_step_errors);
	suite_add_tcase(s, core);
	suite_add_tcase(s, edge);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(step_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
