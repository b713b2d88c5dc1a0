/*
 * check_theme.c -- theme files: roles, colours, errors, the shipped themes.
 */

#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

/* The shipped theme at data/themes/NAME in the source tree. */
static char *
shipped(const char *name)
{
	char	*path;

	xasprintf(&path, "%s/data/themes/%s", PARLAB_SRCDIR, name);
	return path;
}

/* Every role has a distinct name; state roles use trace_states' names. */
START_TEST(test_theme_names)
{
	int	a, b;

	for (a = 0; a < ROLE_COUNT; a++) {
		ck_assert_ptr_nonnull(theme_role_name(a));
		for (b = a + 1; b < ROLE_COUNT; b++)
			ck_assert_str_ne(theme_role_name(a), theme_role_name(b));
	}
	ck_assert_str_eq(theme_role_name(ROLE_STATE + STATE_WAIT_LOCK),
	    trace_states[STATE_WAIT_LOCK].name);
	ck_assert_ptr_null(theme_role_name(ROLE_COUNT));
	ck_assert_ptr_null(theme_role_name(-1));
}
END_TEST

/* A file sets the roles it names and leaves the rest at the default. */
START_TEST(test_theme_parse)
{
	struct theme	t, d;
	char		*cause = NULL;

	theme_default(&d);
	ck_assert_int_eq(theme_parse(&t, "x", "# a comment\n\n"
	    "  heading = bright-red 17 bold underline  # trailing\n"
	    "running=default\n"
	    "wait-lock = 200\n", &cause), 0);
	ck_assert_int_eq(t.role[ROLE_HEADING].fg, 9);
	ck_assert_int_eq(t.role[ROLE_HEADING].bg, 17);
	ck_assert_uint_eq(t.role[ROLE_HEADING].flags, THEME_BOLD |
	    THEME_UNDERLINE);
	ck_assert_int_eq(t.role[ROLE_STATE + STATE_RUNNING].fg, -1);
	ck_assert_int_eq(t.role[ROLE_STATE + STATE_WAIT_LOCK].fg, 200);
	ck_assert_int_eq(t.role[ROLE_STATE + STATE_WAIT_LOCK].bg, -1);
	ck_assert_int_eq(t.role[ROLE_CODE].fg, d.role[ROLE_CODE].fg);
	ck_assert_ptr_null(cause);
}
END_TEST

/* The shipped themes load, by name through the search path, and differ. */
START_TEST(test_theme_shipped)
{
	static const char *const names[] = { "default", "light", "contrast" };
	struct theme	t[3];
	char		*cause = NULL, *path;
	int		 i;

	for (i = 0; i < 3; i++) {
		path = shipped(names[i]);
		ck_assert_msg(theme_load(&t[i], path, &cause) == 0, "%s: %s",
		    names[i], cause ? cause : "");
		free(path);
	}
	ck_assert(memcmp(t[0].role, t[1].role, sizeof t[0].role) != 0);
	ck_assert(memcmp(t[0].role, t[2].role, sizeof t[0].role) != 0);
	ck_assert_int_eq(t[2].role[ROLE_NORMAL].bg, 0);
	path = theme_find("contrast");
	ck_assert_ptr_nonnull(path);
	free(path);
}
END_TEST

/* A bad line refuses the whole file with FILE:LINE and keeps the default. */
START_TEST(test_theme_errors)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "heading = red\nfrobs = red\n", "t.theme:2: unknown role 'frobs'" },
		{ "code = purple\n", "t.theme:1: 'purple' is not a colour" },
		{ "code = 256\n", "'256' is not a colour" },
		{ "code = red blue green\n", "at most two colours" },
		{ "code red\n", "t.theme:1: expected 'role = colour" },
		{ "a b = red\n", "expected one role name" },
		{ "none = red\n", "unknown role 'none'" },
	};
	struct theme	t, d;
	char		*cause;
	size_t		 i;

	theme_default(&d);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = NULL;
		ck_assert_int_eq(theme_parse(&t, "t.theme", cases[i].text,
		    &cause), -1);
		ck_assert_ptr_nonnull(cause);
		ck_assert_msg(strstr(cause, cases[i].want) != NULL,
		    "got '%s', want '%s'", cause, cases[i].want);
		ck_assert(memcmp(t.role, d.role, sizeof t.role) == 0);
		free(cause);
	}
}
END_TEST

/* A missing or binary theme file: a clear message and the default. */
START_TEST(test_theme_missing)
{
	struct theme	t, d;
	char		*cause = NULL;
	FILE		*f;
	char		 path[] = "/tmp/parlab-theme-XXXXXX";
	int		 fd;

	theme_default(&d);
	ck_assert_int_eq(theme_load(&t, "no-such-theme", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "no theme 'no-such-theme'"));
	ck_assert_ptr_nonnull(strstr(cause, "using the default"));
	ck_assert(memcmp(t.role, d.role, sizeof t.role) == 0);
	free(cause);
	cause = NULL;
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fwrite("code = red\0\x01", 1, 12, f);
	fclose(f);
	ck_assert_int_eq(theme_load(&t, path, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not a theme file"));
	free(cause);
	unlink(path);
}
END_TEST

static Suite *
theme_suite(void)
{
	Suite	*s = suite_create("theme");
	TCase	*core = tcase_create("core"), *edge = tcase_create("edge");

	tcase_add_test(core, test_theme_names);
	tcase_add_test(core, test_theme_parse);
	tcase_add_test(core, test_theme_shipped);
	tcase_add_test(edge, test_theme_errors);
	tcase_add_test(edge, test_theme_missing);
	suite_add_tcase(s, core);
	suite_add_tcase(s, edge);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(theme_suite());
	int	 failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
