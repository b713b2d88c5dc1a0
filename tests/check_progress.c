/*
 * check_progress.c -- saved progress: round trip, atomic write, a damaged
 * file set aside, reset.  Each test points XDG_STATE_HOME at its own temp
 * directory.
 */

#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
	ck_assert_str_eq(read_file(""), "parlab-progress 2\nlast race\n"
	    "lesson gil 0,2 2 - 2\nlesson race 0 - - 0\n");

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
	ck_assert_str_eq(read_file(""), "parlab-progress 2\nlast gil\n"
	    "lesson gil 0,1,2,3 2 - 3\nlesson race 0 - - 0\n");
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
		if (de->d_name[0] != '.' &&
		    strcmp(de->d_name, "progress.lock") != 0) {
			ck_assert_str_eq(de->d_name, "progress");
			files++;
		}
	closedir(dp);
	ck_assert_int_eq(files, 1);
	ck_assert_str_eq(read_file(""), "parlab-progress 2\nlast new\n"
	    "lesson old 0 - - -\nlesson new 1 - - 1\n");
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
		"parlab-progress 2\ngil 0 - -\n",
		"parlab-progress 2\nlesson gil 0 - - x\n",
		"parlab-progress 2\nanswer gil 0 0 -1 abc\n",
		"parlab-progress 2\nanswer gil 0 0 1 2.5\n",
		"parlab-progress 2\nlast bad/id\n",
	};
	struct progress	*p;
	char		*warning, suffix[32];
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
		if (i == 0)
			ck_assert_str_eq(read_file(".corrupt"), bad[i]);
		else {
			/* No earlier corrupt file is overwritten. */
			snprintf(suffix, sizeof suffix, ".corrupt.%zu", i);
			ck_assert_str_eq(read_file(suffix), bad[i]);
			ck_assert_str_eq(read_file(".corrupt"), bad[0]);
		}
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

/* The progress file's path (static buffer). */
static const char *
file_path(const char *suffix)
{
	static char	path[128];

	snprintf(path, sizeof path, "%s/parlab/progress%s", state, suffix);
	return path;
}

/* Answers, the last page and the last lesson survive a save and a load. */
START_TEST(test_progress_answers)
{
	struct progress	*p;
	char		*warning, *cause = NULL;
	double		 value;
	int		 choice;

	p = progress_load(&warning);
	progress_page_seen(p, "gil", 3, 5);
	progress_choice(p, "gil", 3, 2, 1, 0);
	progress_choice(p, "gil", 3, 4, -1, 1.9);
	progress_choice(p, "gil", 3, 2, 0, 0);	/* the last answer counts */
	progress_page_seen(p, "race", 1, 2);
	ck_assert_int_eq(progress_save(p, &cause), 0);
	progress_free(p);

	p = progress_load(&warning);
	ck_assert_ptr_null(warning);
	ck_assert_str_eq(progress_last_lesson(p), "race");
	ck_assert_int_eq(progress_last_page(p, "gil"), 3);
	ck_assert_int_eq(progress_last_page(p, "race"), 1);
	ck_assert_int_eq(progress_last_page(p, "none"), -1);
	ck_assert_int_eq(progress_choice_get(p, "gil", 3, 2, &choice, &value),
	    0);
	ck_assert_int_eq(choice, 0);
	ck_assert_int_eq(progress_choice_get(p, "gil", 3, 4, &choice, &value),
	    0);
	ck_assert_int_eq(choice, -1);
	ck_assert(value == 1.9);
	ck_assert_int_eq(progress_choice_get(p, "gil", 3, 3, &choice, &value),
	    -1);
	progress_free(p);
}
END_TEST

/* Two instances loaded at once, each saving: every change is kept, and
 * the later change to the same page wins. */
START_TEST(test_progress_merge)
{
	struct progress	*a, *b, *c;
	char		*warning, *cause = NULL;
	double		 value;
	int		 choice;

	a = progress_load(&warning);
	b = progress_load(&warning);
	progress_page_seen(a, "gil", 0, 2);
	progress_answer(a, "gil", 0, 1);
	progress_choice(a, "gil", 0, 1, 2, 0);
	progress_page_seen(b, "race", 1, 2);
	progress_answer(b, "race", 1, 0);
	ck_assert_int_eq(progress_save(a, &cause), 0);
	ck_assert_int_eq(progress_save(b, &cause), 0);
	/* b adopted what a saved. */
	ck_assert_int_eq(progress_percent(b, "gil", 2), 50);
	progress_answer(a, "race", 1, 1);	/* later: right this time */
	ck_assert_int_eq(progress_save(a, &cause), 0);
	ck_assert_int_eq(progress_save(b, &cause), 0);	/* nothing new */
	progress_free(a);
	progress_free(b);

	c = progress_load(&warning);
	ck_assert_ptr_null(warning);
	ck_assert_int_eq(progress_percent(c, "gil", 2), 50);
	ck_assert_int_eq(progress_percent(c, "race", 2), 50);
	ck_assert_int_eq(progress_choice_get(c, "gil", 0, 1, &choice, &value),
	    0);
	ck_assert_int_eq(choice, 2);
	ck_assert_str_eq(read_file(""), "parlab-progress 2\nlast race\n"
	    "lesson gil 0 0 - 0\nanswer gil 0 1 2 -\n"
	    "lesson race 1 1 - 1\n");
	progress_free(c);
}
END_TEST

/* A save waits for another instance's lock, then goes ahead. */
START_TEST(test_progress_lock)
{
	struct progress	*p;
	char		*warning, *cause = NULL;
	int		 fd, ready[2], status;
	pid_t		 pid;
	char		 c;

	p = progress_load(&warning);
	progress_page_seen(p, "gil", 1, 2);
	ck_assert_int_eq(pipe(ready), 0);
	if ((pid = fork()) == 0) {
		fd = progress_file_lock(file_path(""), &cause);
		(void)!write(ready[1], "x", 1);
		usleep(300 * 1000);	/* hold it while the parent saves */
		close(open(file_path(".released"), O_WRONLY | O_CREAT, 0600));
		progress_file_unlock(fd);
		_exit(fd == -1);
	}
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	ck_assert_int_eq(progress_save(p, &cause), 0);
	/* The save could only finish once the holder let go. */
	ck_assert_int_eq(access(file_path(".released"), F_OK), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
	ck_assert_int_eq(progress_percent(p, "gil", 2), 50);
	progress_free(p);
	close(ready[0]);
	close(ready[1]);
}
END_TEST

/* A file parlab may not read or write is left alone: one warning at load,
 * progress kept in memory, the file untouched by saves. */
START_TEST(test_progress_leave_alone)
{
	struct progress	*p;
	struct stat	 sb;
	char		*warning, *cause = NULL;

	write_file("parlab-progress 2\nlesson gil 0 - - 0\n");
	ck_assert_int_eq(chmod(file_path(""), 0), 0);
	p = progress_load(&warning);
	ck_assert_ptr_nonnull(warning);
	ck_assert_msg(strstr(warning, "session only") != NULL, "%s", warning);
	free(warning);
	progress_page_seen(p, "race", 0, 1);
	ck_assert_int_eq(progress_percent(p, "race", 1), 100);
	ck_assert_int_eq(progress_save(p, &cause), 0);
	progress_free(p);
	ck_assert_int_eq(stat(file_path(""), &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0);
	chmod(file_path(""), 0600);
	ck_assert_str_eq(read_file(""), "parlab-progress 2\n"
	    "lesson gil 0 - - 0\n");
}
END_TEST

/* A FIFO as the progress file is refused at once, never opened blocking. */
START_TEST(test_progress_fifo)
{
	struct progress	*p;
	struct stat	 sb;
	char		*warning, *cause = NULL;

	write_file("");
	unlink(file_path(""));
	ck_assert_int_eq(mkfifo(file_path(""), 0600), 0);
	p = progress_load(&warning);	/* would hang in open() before */
	ck_assert_ptr_nonnull(warning);
	ck_assert_msg(strstr(warning, "not a regular file") != NULL, "%s",
	    warning);
	free(warning);
	progress_page_seen(p, "gil", 0, 1);
	ck_assert_int_eq(progress_save(p, &cause), 0);
	progress_free(p);
	ck_assert_int_eq(lstat(file_path(""), &sb), 0);
	ck_assert(S_ISFIFO(sb.st_mode));
}
END_TEST

/* A symlinked progress file is followed: the link stays, its target is
 * replaced. */
START_TEST(test_progress_symlink)
{
	struct progress	*p;
	struct stat	 sb;
	char		*warning, *cause = NULL, target[160];

	write_file("parlab-progress 2\nlesson gil 0 - - 0\n");
	snprintf(target, sizeof target, "%s/real-progress", state);
	ck_assert_int_eq(rename(file_path(""), target), 0);
	ck_assert_int_eq(symlink(target, file_path("")), 0);
	p = progress_load(&warning);
	ck_assert_ptr_null(warning);
	progress_page_seen(p, "gil", 1, 2);
	ck_assert_int_eq(progress_save(p, &cause), 0);
	progress_free(p);
	ck_assert_int_eq(lstat(file_path(""), &sb), 0);
	ck_assert(S_ISLNK(sb.st_mode));
	ck_assert_str_eq(read_file(""), "parlab-progress 2\nlast gil\n"
	    "lesson gil 0,1 - - 1\n");
}
END_TEST

/* A relative HOME is not used (the XDG rule): progress is not saved. */
START_TEST(test_progress_relative_home)
{
	char	*cause = NULL;

	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "relative/home", 1);
	ck_assert_ptr_null(progress_path(&cause));
	ck_assert_msg(strstr(cause, "not an absolute path") != NULL, "%s",
	    cause);
	free(cause);
	setenv("XDG_STATE_HOME", "also/relative", 1);
	ck_assert_ptr_null(progress_path(&cause));
	free(cause);
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
	tcase_add_test(core, test_progress_answers);
	tcase_add_test(core, test_progress_merge);
	tcase_add_test(core, test_progress_lock);
	tcase_add_test(edge, test_progress_leave_alone);
	tcase_add_test(edge, test_progress_fifo);
	tcase_add_test(edge, test_progress_symlink);
	tcase_add_test(edge, test_progress_relative_home);
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
