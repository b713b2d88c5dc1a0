/*
 * check_pyboot.c -- the modelled CPython start (pyboot.c): the parent's
 * side of Process.start() really copies its pages after a fork.
 *
 * Only page counts are checked (getrusage() minor faults), never times:
 * what a page costs depends on the machine, the count does not.
 */

#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parlab.h"

/* Minor page faults this process has taken so far. */
static long
minor_faults(void)
{
	struct rusage	ru;

	ck_assert_int_eq(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_minflt;
}

/* Without a heap (a spawn, or nothing yet created) the parent does nothing. */
START_TEST(test_pyboot_no_heap)
{
	long	before = minor_faults();

	pyboot_forked();
	ck_assert_int_lt(minor_faults() - before, 10);
}
END_TEST

/*
 * With a child holding the heap copy-on-write, the parent's side writes to
 * about 90 pages (PYBOOT_PARENT_PAGES), each a fault; once they are its
 * own copies, writing them again faults no more.
 */
START_TEST(test_pyboot_parent_copies)
{
	char	*cause = NULL, c;
	int	 fds[2], status;
	long	 before, first, again;
	pid_t	 pid;

	ck_assert_int_eq(pyboot_heap_create(&cause), 0);
	ck_assert_int_eq(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[1]);
		_exit(read(fds[0], &c, 1) == 0 ? 0 : 1);	/* hold the pages */
	}
	ck_assert_int_gt(pid, 0);
	close(fds[0]);
	before = minor_faults();
	pyboot_forked();
	first = minor_faults() - before;
	before = minor_faults();
	pyboot_forked();
	again = minor_faults() - before;
	close(fds[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	pyboot_heap_free();
	ck_assert_int_ge(first, 85);
	ck_assert_int_lt(again, 10);
}
END_TEST

static Suite *
pyboot_suite(void)
{
	Suite	*s = suite_create("pyboot");
	TCase	*core = tcase_create("core");

	tcase_add_test(core, test_pyboot_no_heap);
	tcase_add_test(core, test_pyboot_parent_copies);
	suite_add_tcase(s, core);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(pyboot_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
