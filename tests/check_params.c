/*
 * check_params.c -- the key=value grammar, defaults, and its messages.
 */

#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

static const struct param_spec spec[] = {
	{ "threads", PARAM_INT, "10", 1, 1024, NULL, "threads" },
	{ "ratio", PARAM_FLOAT, "0.5", 0, 1, NULL, "a ratio" },
	{ "sync", PARAM_CHOICE, "none", 0, 0, "none|lock|atomic", "sync" },
	{ "durations", PARAM_LIST, "2000,3000", 1, 60000, NULL, "ms" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

/* Parse argv-style words; return the cause of a failure or NULL. */
static char *
try(struct params *p, int n, ...)
{
	char	*argv[8], *cause = NULL;
	va_list	 ap;
	int	 i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	if (params_parse(p, spec, n, argv, &cause) == 0)
		return NULL;
	return cause;
}

/* Defaults fill every parameter, the common ones included. */
START_TEST(test_params_defaults)
{
	struct params	p;

	ck_assert_ptr_null(try(&p, 0));
	ck_assert_int_eq(params_int(&p, "threads"), 10);
	ck_assert_double_eq(params_float(&p, "ratio"), 0.5);
	ck_assert_int_eq(params_choice(&p, "sync"), 0);
	ck_assert_str_eq(params_text(&p, "durations"), "2000,3000");
	ck_assert_double_eq(params_float(&p, "scale"), 1);
	ck_assert_int_eq(params_get(&p, "threads")->set, 0);
}
END_TEST

/* Given values replace the defaults and are marked as set. */
START_TEST(test_params_values)
{
	struct params	p;

	ck_assert_ptr_null(try(&p, 5, "threads=4", "ratio=0.25", "sync=lock",
	    "durations=1,2,3", "scale=0.1"));
	ck_assert_int_eq(params_int(&p, "threads"), 4);
	ck_assert_double_eq(params_float(&p, "ratio"), 0.25);
	ck_assert_int_eq(params_choice(&p, "sync"), 1);
	ck_assert_str_eq(params_text(&p, "sync"), "lock");
	ck_assert_uint_eq(params_get(&p, "durations")->nlist, 3);
	ck_assert_int_eq(params_get(&p, "durations")->list[2], 3);
	ck_assert_double_eq_tol(params_float(&p, "scale"), 0.1, 1e-9);
	ck_assert_int_eq(params_get(&p, "threads")->set, 1);
}
END_TEST

/* Each bad value names the parameter and its range or choices. */
START_TEST(test_params_errors)
{
	struct params	 p;
	char		*c;

	c = try(&p, 1, "threads=0");
	ck_assert_str_eq(c, "threads=0: out of range; threads is 1 to 1024");
	free(c);
	c = try(&p, 1, "threads=abc");
	ck_assert_str_eq(c, "threads=abc: not a whole number; threads is 1 to 1024");
	free(c);
	c = try(&p, 1, "threads=99999999999999999999999");
	ck_assert_ptr_nonnull(strstr(c, "out of range"));
	free(c);
	c = try(&p, 1, "threads=");
	ck_assert_ptr_nonnull(strstr(c, "not a whole number"));
	free(c);
	c = try(&p, 1, "sync=maybe");
	ck_assert_str_eq(c, "sync=maybe: not a choice; sync is one of none|lock|atomic");
	free(c);
	c = try(&p, 1, "ratio=nan");
	ck_assert_ptr_nonnull(strstr(c, "not a number"));
	free(c);
	c = try(&p, 1, "ratio=2");
	ck_assert_ptr_nonnull(strstr(c, "out of range"));
	free(c);
	c = try(&p, 1, "durations=1,,2");
	ck_assert_ptr_nonnull(strstr(c, "durations"));
	free(c);
	c = try(&p, 1, "durations=0");
	ck_assert_ptr_nonnull(strstr(c, "out of range"));
	free(c);
	c = try(&p, 1, "bogus=1");
	ck_assert_str_eq(c, "unknown parameter 'bogus'; known: threads, ratio, sync, durations, scale");
	free(c);
	c = try(&p, 1, "threads");
	ck_assert_str_eq(c, "'threads' is not key=value");
	free(c);
	c = try(&p, 1, "=4");
	ck_assert_ptr_nonnull(strstr(c, "key=value"));
	free(c);
}
END_TEST

/* A refused value leaves the earlier one in place. */
START_TEST(test_params_set_keeps_old)
{
	struct params	 p;
	char		*c = NULL;

	params_init(&p, spec);
	ck_assert_int_eq(params_set(&p, "threads=7", &c), 0);
	ck_assert_int_eq(params_set(&p, "threads=7000", &c), -1);
	free(c);
	ck_assert_int_eq(params_int(&p, "threads"), 7);
}
END_TEST

/* Long and odd inputs are refused, never overflowing a buffer. */
START_TEST(test_params_long)
{
	struct params	 p;
	char		 buf[4096], *c;

	memset(buf, '1', sizeof buf - 1);
	buf[sizeof buf - 1] = '\0';
	memcpy(buf, "durations=", 10);
	c = try(&p, 1, buf);
	ck_assert_ptr_nonnull(c);
	free(c);
	memcpy(buf, "sync=xxxxx", 10);
	c = try(&p, 1, buf);
	ck_assert_ptr_nonnull(c);
	free(c);
	c = try(&p, 1, "durations=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17");
	ck_assert_ptr_nonnull(strstr(c, "too many"));
	free(c);
}
END_TEST

/* Every demo's schema has valid defaults, ranges and help. */
START_TEST(test_params_every_demo)
{
	const struct demo_class *const	*dc;
	const struct param_spec		*s;
	struct params			 p;
	char				*d;

	for (dc = demo_classes; *dc != NULL; dc++) {
		params_init(&p, (*dc)->params);	/* fatal on a bad default */
		ck_assert_ptr_eq(demo_find((*dc)->name), *dc);
		for (s = (*dc)->params; s->name != NULL; s++) {
			ck_assert_ptr_nonnull(s->help);
			d = params_describe(s);
			ck_assert_ptr_nonnull(strstr(d, s->name));
			free(d);
		}
	}
	ck_assert_ptr_null(demo_find("nosuch"));
}
END_TEST

/* An unknown name is NULL for a lookup, not the end of the program. */
START_TEST(test_params_get_unknown)
{
	struct params	p;

	ck_assert_ptr_null(try(&p, 0));
	ck_assert_ptr_null(params_get(&p, "no-such-knob"));
	ck_assert_ptr_nonnull(params_get(&p, "scale"));
	ck_assert_int_eq(params_is_common(params_get(&p, "scale")->spec), 1);
	ck_assert_int_eq(params_is_common(params_get(&p, "sync")->spec), 0);
}
END_TEST

/* Step a parameter n times in dir; the final text (or "" at an end). */
static char *
step(struct params *p, const char *name, int dir, int n)
{
	char	*v = NULL, *cause = NULL, *kv;

	while (n-- > 0) {
		free(v);
		cause = NULL;
		if ((v = params_step(params_get(p, name), dir, &cause)) ==
		    NULL) {
			ck_assert_ptr_nonnull(cause);
			free(cause);
			return xstrdup("");
		}
		xasprintf(&kv, "%s=%s", name, v);
		ck_assert_int_eq(params_set(p, kv, &cause), 0);
		free(kv);
	}
	return v;
}

/* Numbers step on a 1-2-5 ladder within the range; choices cycle. */
START_TEST(test_params_step)
{
	struct params	p;
	char		*s;

	ck_assert_ptr_null(try(&p, 1, "threads=3"));
	ck_assert_str_eq(s = step(&p, "threads", 1, 1), "5");
	free(s);
	ck_assert_str_eq(s = step(&p, "threads", 1, 3), "50");
	free(s);
	ck_assert_str_eq(s = step(&p, "threads", -1, 2), "10");
	free(s);
	ck_assert_str_eq(s = step(&p, "threads", 1, 6), "1000");
	free(s);
	ck_assert_str_eq(s = step(&p, "threads", 1, 1), "1024");
	free(s);
	ck_assert_str_eq(s = step(&p, "threads", 1, 1), "");
	free(s);
	ck_assert_str_eq(s = step(&p, "ratio", 1, 1), "1");
	free(s);
	ck_assert_str_eq(s = step(&p, "ratio", -1, 2), "0.2");
	free(s);
	ck_assert_str_eq(s = step(&p, "sync", 1, 2), "atomic");
	free(s);
	ck_assert_str_eq(s = step(&p, "sync", 1, 1), "none");
	free(s);
	ck_assert_str_eq(s = step(&p, "sync", -1, 1), "atomic");
	free(s);
	ck_assert_str_eq(s = step(&p, "durations", 1, 1), "");
	free(s);
}
END_TEST

static Suite *
params_suite(void)
{
	Suite	*s = suite_create("params");
	TCase	*core = tcase_create("core"), *edge = tcase_create("edge");

	tcase_add_test(core, test_params_defaults);
	tcase_add_test(core, test_params_values);
	tcase_add_test(core, test_params_get_unknown);
	tcase_add_test(core, test_params_step);
	tcase_add_test(core, test_params_every_demo);
	tcase_add_test(edge, test_params_errors);
	tcase_add_test(edge, test_params_set_keeps_old);
	tcase_add_test(edge, test_params_long);
	suite_add_tcase(s, core);
	suite_add_tcase(s, edge);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(params_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
