/*
 * check_runfile.c -- saved runs: a round trip keeps every figure, lane and
 * event; 1,000 truncations and mutations of a saved file are each refused
 * with a message (never a crash, never a run); a newer format, a file that
 * is not a run and an unknown demo are refused by name.
 */

#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

static char	dir[64], path[96], bad[96];
static char	*orig;		/* the saved file's bytes */
static size_t	 orig_len;

/* A small real run of demo with args, saved to path and read into orig. */
static struct run *
saved_run(const char *demo, int argc, char **argv)
{
	const struct demo_class	*cls = demo_find(demo);
	struct params		 p;
	struct run		*r;
	char			*cause = NULL;
	FILE			*f;

	ck_assert_ptr_nonnull(cls);
	ck_assert_int_eq(params_parse(&p, cls->params, argc, argv, &cause), 0);
	r = run_create(cls, &p, 1);
	ck_assert_int_eq(run_execute(r), 0);
	ck_assert_msg(runfile_write(path, r, &cause) == 0, "%s", cause);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	orig_len = (size_t)ftell(f);
	rewind(f);
	orig = malloc(orig_len);
	ck_assert_uint_eq(fread(orig, 1, orig_len, f), orig_len);
	fclose(f);
	return r;
}

/* A fresh directory for each test. */
static void
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/check_runfile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/run.bin", dir);
	snprintf(bad, sizeof bad, "%s/bad.bin", dir);
}

/* Remove the directory. */
static void
teardown(void)
{
	unlink(path);
	unlink(bad);
	rmdir(dir);
	free(orig);
	orig = NULL;
}

/*
 * Write n bytes of buf as the bad file and read it: it must be refused
 * with a message naming the file.  Returns the message (to free).
 */
static char *
expect_refused(const char *buf, size_t n, const char *what)
{
	struct runfile_info	 info;
	struct run		*r;
	char			*cause = NULL;
	FILE			*f = fopen(bad, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
	fclose(f);
	r = runfile_read(bad, &info, &cause);
	ck_assert_msg(r == NULL, "%s: a damaged file read as a run", what);
	ck_assert_msg(cause != NULL && strstr(cause, bad) == cause &&
	    strlen(cause) > strlen(bad) + 4, "%s: no message", what);
	return cause;
}

START_TEST(test_runfile_round_trip)
{
	char			*args[] = { "threads=3", "iters=20000" };
	struct runfile_info	 info;
	struct run		*a = saved_run("race", 2, args), *b;
	struct trace		*ta, *tb;
	char			*cause = NULL;
	unsigned		 lane;
	uint64_t		 i;
	size_t			 m;

	b = runfile_read(path, &info, &cause);
	ck_assert_msg(b != NULL, "%s", cause);
	ck_assert_str_eq(b->cls->name, "race");
	ck_assert_int_eq(params_int(&b->params, "threads"), 3);
	ck_assert_int_eq(params_int(&b->params, "iters"), 20000);
	ck_assert_uint_eq(b->wall_ns, a->wall_ns);
	ck_assert_uint_eq(b->end_trace_ns, a->end_trace_ns);
	ck_assert_uint_eq(b->nmetrics, a->nmetrics);
	for (m = 0; m < a->nmetrics; m++) {
		ck_assert_str_eq(b->metrics[m].key, a->metrics[m].key);
		ck_assert_int_eq(b->metrics[m].i, a->metrics[m].i);
	}
	ta = atomic_load(&a->trace);
	tb = atomic_load(&b->trace);
	ck_assert_uint_eq(trace_lanes(tb), trace_lanes(ta));
	for (lane = 0; lane < trace_lanes(ta); lane++) {
		ck_assert_str_eq(trace_lane(tb, lane)->name,
		    trace_lane(ta, lane)->name);
		ck_assert_uint_eq(trace_lane(tb, lane)->cores,
		    trace_lane(ta, lane)->cores);
		ck_assert_uint_eq(trace_count(tb, lane), trace_count(ta, lane));
		for (i = 0; i < trace_count(ta, lane); i++)
			ck_assert_mem_eq(trace_event(tb, lane, i),
			    trace_event(ta, lane, i), 19);
	}
	ck_assert_str_eq(info.version, PACKAGE_VERSION);
	ck_assert_uint_gt(info.cores, 0);
	ck_assert_int_gt(info.date, 1700000000);
	runfile_info_free(&info);
	run_destroy(a);
	run_destroy(b);
}
END_TEST

START_TEST(test_runfile_damaged)
{
	char		*args[] = { "tasks=2", "durations=300,500",
			    "step_ms=10" };
	struct run	*r = saved_run("gen", 3, args);
	char		*buf, what[64];
	size_t		 k, n, j, at;

	run_destroy(r);
	buf = malloc(orig_len + 1);
	srand(1);
	/* 500 truncations: every length in the header, then spread out. */
	for (k = 0; k < 500; k++) {
		n = k < 200 ? k : (size_t)rand() % orig_len;
		snprintf(what, sizeof what, "truncated to %zu", n);
		free(expect_refused(orig, n, what));
	}
	/* 500 mutations of one to three bytes anywhere. */
	for (k = 0; k < 500; k++) {
		memcpy(buf, orig, orig_len);
		n = 1 + (size_t)rand() % 3;
		for (j = 0; j < n; j++) {
			at = (size_t)rand() % orig_len;
			buf[at] = (char)(buf[at] ^ (1 + rand() % 255));
		}
		snprintf(what, sizeof what, "mutation %zu", k);
		free(expect_refused(buf, orig_len, what));
	}
	free(buf);
}
END_TEST

/* Rewrite the last 8 bytes of buf with the checksum of the bytes before. */
static void
fix_sum(char *buf, size_t n)
{
	uint64_t	h = 0xcbf29ce484222325ULL;
	size_t		i;

	for (i = 0; i < n - 8; i++)
		h = (h ^ (unsigned char)buf[i]) * 0x100000001b3ULL;
	for (i = 0; i < 8; i++)
		buf[n - 8 + i] = (char)(h >> (8 * i));
}

/*
 * Mutations behind a correct checksum reach the parser itself: each is
 * refused with a message or reads as a run that both exports print.
 */
START_TEST(test_runfile_parser)
{
	char			*args[] = { "producers=3", "items=4" };
	struct run		*r = saved_run("queue", 2, args);
	struct runfile_info	 info;
	char			*buf, *cause;
	size_t			 k, j, n, at;
	int			 refused = 0;
	FILE			*f, *out = fopen("/dev/null", "w");

	run_destroy(r);
	buf = malloc(orig_len);
	srand(2);
	for (k = 0; k < 1000; k++) {
		memcpy(buf, orig, orig_len);
		n = 1 + (size_t)rand() % 4;
		for (j = 0; j < n; j++) {
			at = (size_t)rand() % (orig_len - 8);
			buf[at] = (char)(k % 3 == 0 ? 0xff : rand());
		}
		fix_sum(buf, orig_len);
		cause = NULL;
		f = fmemopen(buf, orig_len, "rb");
		r = runfile_read_file(f, "mutated", &info, &cause);
		fclose(f);
		if (r == NULL) {
			ck_assert_msg(cause != NULL, "mutation %zu: no message",
			    k);
			free(cause);
			refused++;
			continue;
		}
		ck_assert_int_eq(export_json(out, r), 0);
		ck_assert_int_eq(export_text(out, r), 0);
		run_destroy(r);
		runfile_info_free(&info);
	}
	ck_assert_int_gt(refused, 100);
	fclose(out);
	free(buf);
}
END_TEST

START_TEST(test_runfile_refused)
{
	char			*args[] = { "threads=2", "iters=1000" };
	struct run		*r = saved_run("race", 2, args);
	struct runfile_info	 info;
	char			*cause = NULL;

	run_destroy(r);
	/* A newer format says so (the version follows the 8-byte magic). */
	orig[8] = 2;
	cause = expect_refused(orig, orig_len, "newer");
	ck_assert_msg(strstr(cause, "newer parlab") != NULL, "%s", cause);
	free(cause);
	cause = expect_refused("---\nid: x\n---\n# A lesson\n", 25, "lesson");
	ck_assert_msg(strstr(cause, "not a saved parlab run") != NULL, "%s",
	    cause);
	free(cause);
	free(expect_refused("", 0, "empty"));
	ck_assert_ptr_null(runfile_read("/nonexistent/run", &info, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "/nonexistent/run"));
	free(cause);
}
END_TEST

static Suite *
runfile_suite(void)
{
	Suite	*s = suite_create("runfile");
	TCase	*core = tcase_create("core"), *edge = tcase_create("edge");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(edge, setup, teardown);
	tcase_set_timeout(edge, 60);
	tcase_add_test(core, test_runfile_round_trip);
	tcase_add_test(edge, test_runfile_damaged);
	tcase_add_test(edge, test_runfile_refused);
	tcase_add_test(edge, test_runfile_parser);
	suite_add_tcase(s, core);
	suite_add_tcase(s, edge);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(runfile_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
