/*
 * check_progress.c -- saved progress: round trip, atomic write, a damaged
 * file set aside, reset.  Each test points XDG_STATE_HOME at its own temp
 * directory.
 */

#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parlab.h"

static char	state[64];

/* A fresh state directory for each test. */
static void
setup(void)
{
	snprintf(state, sizeof state, "/tmp/check_progress.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(state));
	setenv("XDG_STATE_HOME", state, 1);
}

/* Remove the state directory and what is in it. */
static void
teardown(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", state);
	ck_assert_int_eq(system(cmd), 0);
}

/* Write text as the progress file. */
static void
write_file(const char *text)
{
	char	path[128];
	FILE	*f;

	snprintf(path, sizeof path, "%s/parlab", state);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/parlab/progress", state);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* The progress file's text (static buffer), or "" if none. */
static const char *
read_file(const char *suffix)
{
	static char	buf[4096];
	char		path[128];
	size_t		n;
	FILE		*f;

	snprintf(path, sizeof path, "%s/parlab/progress%s", state, suffix);
	if ((f = fopen(path, "r")) == NULL)
		return "";
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Pages seen and answers survive a save and a load. */
START_TEST(test_progress_round_trip)
{
	struct progress	*p;
	char		*warning, *cause = NULL;

	p = progress_load(&warning);
	ck_assert_ptr_null(warning);
	ck_assert_int_eq(progress_percent(p, "gil", 4), 0);
	progress_page_seen(p, "gil", 0, 4);
	progress_page_seen(p, "gil", 2, 4);
	progress_page_seen(p, "gil", 9, 4);	/* past the end: ignored */
	progress_answer(p, "gil", 2, 0);
	progress_answer(p, "gil", 2, 1);	/* the last answer counts */
	progress_page_seen(p, "race", 0, 1);
	ck_assert_int_eq(progress_percent(p, "gil", 4), 50);
	ck_assert_int_eq(progress_save(p, &cause), 0);
	progress_free(p);
	ck_assert_str_eq(read_file(""), "parlab-progress 1\n"
	    "gil 0,2 2 -\nrace 0 - -\n");

	p = progress_load(&warning);
	ck_assert_ptr_null(warning);
	ck_assert_int_eq(progress_percent(p, "gil", 4), 50);
	ck_assert_int_eq(progress_percent(p, "race", 1), 100);
	ck_assert_int_eq(progress_percent(p, "none", 3), 0);
	progress_page_seen(p, "gil", 1, 4);
	progress_page_seen(p, "gil", 3, 4);
	ck_assert_int_eq(progress_percent(p, "gil", 4), 100);
	ck_assert_int_eq(progress_save(p, &cause), 0);
	progress_free(p);
	ck_assert_str_eq(read_file(""), "parlab-progress 1\n"
	    "gil 0,1,2,3 2 -\nrace 0 - -\n");
}
END_TEST

/* A save leaves no temporary file behind and replaces the old file. */
START_TEST(test_progress_atomic)
{
	struct progress	*p;
	struct dirent	*de;
	DIR		*dp;
	char		*warning, *cause = NULL, dir[128];
	int		 files = 0;

	write_file("parlab-progress 1\nold 0 - -\n");
	p = progress_load(&warning);
	ck_assert_ptr_null(warning);
	progress_page_seen(p, "new", 1, 2);
	ck_assert_int_eq(progress_save(p, &cause), 0);
	progress_free(p);
	snprintf(dir, sizeof dir, "%s/parlab", state);
	ck_assert_ptr_nonnull(dp = opendir(dir));
	while ((de = readdir(dp)) != NULL)
		if (de->d_name[0] != '.') {
			ck_assert_str_eq(de->d_name, "progress");
			files++;
		}
	closedir(dp);
	ck_assert_int_eq(files, 1);
	ck_assert_str_eq(read_file(""), "parlab-progress 1\n"
	    "old 0 - -\nnew 1 - -\n");
}
END_TEST

/* The directory is made on the first save; reset removes the file. */
START_TEST(test_progress_reset)
{
	struct progress	*p;
	char		*warning, *cause = NULL;

	p = progress_load(&warning);
	progress_page_seen(p, "x", 0, 1);
	ck_assert_int_eq(progress_save(p, &cause), 0);
	progress_free(p);
	ck_assert_str_ne(read_file(""), "");
	ck_assert_int_eq(progress_reset(), 0);
	ck_assert_str_eq(read_file(""), "");
	ck_assert_int_eq(progress_reset(), 0);	/* nothing to remove: fine */
}
END_TEST

/* Each kind of damage is reported and the file moved aside. */
START_TEST(test_progress_corrupt)
{
	static const char *const bad[] = {
		"",
		"not progress\n",
		"parlab-progress 1\ngil 0,x - -\n",
		"parlab-progress 1\ngil 0 - - extra\n",
		"parlab-progress 1\ngil 0 - -\ngil 1 - -\n",
		"parlab-progress 1\ngil 99999 - -\n",
		"parlab-progress 1\ngil 0 - -",		/* cut short */
		"parlab-progress 1\nbad/id 0 - -\n",
		"parlab-progress 1\ngil -1 - -\n",
	};
	struct progress	*p;
	char		*warning;
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_file(bad[i]);
		p = progress_load(&warning);
		ck_assert_msg(warning != NULL, "no warning for '%s'", bad[i]);
		ck_assert_msg(strstr(warning, "damaged") != NULL &&
		    strstr(warning, "progress.corrupt") != NULL, "%s",
		    warning);
		ck_assert_int_eq(progress_percent(p, "gil", 1), 0);
		ck_assert_str_eq(read_file(""), "");
		ck_assert_str_eq(read_file(".corrupt"), bad[i]);
		free(warning);
		progress_free(p);
	}
}
END_TEST

/* No home at all: a warning, and saving says why it cannot. */
START_TEST(test_progress_no_home)
{
	struct progress	*p;
	char		*warning, *cause = NULL;

	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	p = progress_load(&warning);
	ck_assert_ptr_nonnull(warning);
	free(warning);
	ck_assert_int_eq(progress_save(p, &cause), -1);
	ck_assert_str_eq(cause, "neither XDG_STATE_HOME nor HOME is set");
	free(cause);
	progress_free(p);
}
END_TEST

static Suite *
progress_suite(void)
{
	Suite	*s = suite_create("progress");
	TCase	*core = tcase_create("core"), *edge = tcase_create("edge");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(edge, setup, teardown);
	tcase_add_test(core, test_progress_round_trip);
	tcase_add_test(core, test_progress_atomic);
	tcase_add_test(core, test_progress_reset);
	tcase_add_test(edge, test_progress_corrupt);
	tcase_add_test(edge, test_progress_no_home);
	suite_add_tcase(s, core);
	suite_add_tcase(s, edge);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(progress_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
