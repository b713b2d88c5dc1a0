/*
 * check_proc.c -- worker processes: framing, fork and spawn starts, the
 * lanes they write, failures reported, and no child left behind.
 *
 * The spawn cases exec this test binary itself, so main() dispatches the
 * hidden worker argument exactly as parlab's main() does.  The worker body
 * used is the procs demo's (args INDEX TASK WORK_NS PAYLOAD), whose result
 * is a 16-byte header followed by the payload.
 */

#include "config.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parlab.h"

/* Whether this process has any child at all (running or zombie). */
static int
has_children(void)
{
	int	status;

	return !(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD);
}

/* Start one procs worker that sleeps ns and sends payload bytes. */
static void
start_worker(struct proc *p, enum proc_start how, struct trace *tr,
    unsigned lane, const char *ns, const char *payload)
{
	char			*args[4], *cause = NULL;
	struct proc_spec	 spec = { how, tr, lane, 1, 0, "procs", 4, args };

	args[0] = (char *)"0";
	args[1] = (char *)"io";
	args[2] = (char *)ns;
	args[3] = (char *)payload;
	ck_assert_msg(proc_start(p, &spec, &cause) == 0, "proc_start: %s", cause ? cause : "?");
}

/* Receive the worker's result and reap it. */
static void
finish_worker(struct proc *p, size_t payload)
{
	uint32_t	 type;
	size_t		 len;
	void		*body;
	char		*cause = NULL;

	ck_assert_int_eq(proc_recv(p->in, &type, &body, &len, &cause), 0);
	ck_assert_msg(type != PROC_MSG_ERROR, "worker failed: %s",
	    (char *)body);
	/* The procs result: index, counter, sent_ns, boot_ns (32 bytes),
	 * payload. */
	ck_assert_uint_eq(len, 32 + payload);
	free(body);
	ck_assert_msg(proc_wait(p, &cause) == 0, "%s", cause);
	ck_assert_int_eq(p->pid, -1);
}

/* Messages keep their type, length and bytes; an empty body works too. */
START_TEST(test_proc_framing)
{
	int		 fds[2];
	uint32_t	 type;
	size_t		 len;
	void		*body;
	char		*cause = NULL;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(proc_send(fds[1], 7, "hello", 5), 0);
	ck_assert_int_eq(proc_send(fds[1], 3, NULL, 0), 0);
	close(fds[1]);
	ck_assert_int_eq(proc_recv(fds[0], &type, &body, &len, &cause), 0);
	ck_assert_uint_eq(type, 7);
	ck_assert_uint_eq(len, 5);
	ck_assert_str_eq(body, "hello");
	free(body);
	ck_assert_int_eq(proc_recv(fds[0], &type, &body, &len, &cause), 0);
	ck_assert_uint_eq(type, 3);
	ck_assert_uint_eq(len, 0);
	free(body);
	ck_assert_int_eq(proc_recv(fds[0], &type, &body, &len, &cause), 1);
	close(fds[0]);
}
END_TEST

/* fork and spawn children both write their own lane, named by pid. */
START_TEST(test_proc_fork_and_spawn)
{
	struct trace	*tr;
	struct proc	 p[2];
	char		*cause = NULL, name[32], buf[32];
	pid_t		 pid[2];
	int		 i;

	tr = trace_create(2, 1, &cause);
	ck_assert_ptr_nonnull(tr);
	trace_lane_init(tr, 0, "P0", LANE_PROCESS);
	trace_lane_init(tr, 1, "P1", LANE_PROCESS);
	trace_shown(tr);	/* a child names its lane only by its pid */
	start_worker(&p[0], PROC_FORK, tr, 0, "1000000", "100");
	start_worker(&p[1], PROC_SPAWN, tr, 1, "1000000", "70000");
	pid[0] = p[0].pid;
	pid[1] = p[1].pid;
	ck_assert_uint_eq(proc_live(), 2);
	finish_worker(&p[0], 100);
	finish_worker(&p[1], 70000);
	ck_assert_uint_eq(proc_live(), 0);
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof name, "P%d", (int)pid[i]);
		ck_assert_str_eq(trace_lane_name(tr, i, buf, sizeof buf),
		    name);
		ck_assert_int_eq(trace_lane(tr, i)->pid, pid[i]);
		ck_assert_uint_eq(trace_lane(tr, i)->type, LANE_PROCESS);
		ck_assert_uint_eq(trace_lane(tr, i)->state, STATE_DONE);
		ck_assert_uint_gt(trace_lane(tr, i)->state_ns[STATE_STARTING],
		    0);
		ck_assert_uint_gt(trace_lane(tr, i)->state_ns[STATE_IO], 0);
	}
	ck_assert(!has_children());
	trace_destroy(tr);
}
END_TEST

/* A stop ends children that would run for a minute, and reaps them. */
START_TEST(test_proc_stop_all)
{
	struct trace	*tr;
	struct proc	 p[3];
	char		*cause = NULL;
	uint64_t	 t0;
	int		 i;

	tr = trace_create(3, 1, &cause);
	for (i = 0; i < 3; i++)
		start_worker(&p[i], i == 2 ? PROC_SPAWN : PROC_FORK, tr,
		    (unsigned)i, "60000000000", "0");
	clock_sleep_ns(50 * NS_PER_MS);
	t0 = clock_ns();
	ck_assert_uint_eq(proc_stop_all(), 3);
	ck_assert_uint_lt(clock_ns() - t0, 5 * NS_PER_SEC);
	ck_assert_uint_eq(proc_live(), 0);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(p[i].pid, -1);
		ck_assert(WIFSIGNALED(p[i].status));
	}
	ck_assert(!has_children());
	ck_assert_uint_eq(proc_stop_all(), 0);
	trace_destroy(tr);
}
END_TEST

/* A worker body that does not exist fails, and says so to the parent. */
START_TEST(test_proc_unknown_worker)
{
	struct proc_spec spec = { PROC_FORK, NULL, 0, 1, 0, "nosuch", 0,
			     NULL };
	struct trace	*tr;
	struct proc	 p;
	uint32_t	 type;
	size_t		 len;
	void		*body;
	char		*cause = NULL;

	tr = trace_create(1, 1, &cause);
	spec.trace = tr;
	ck_assert_int_eq(proc_start(&p, &spec, &cause), 0);
	ck_assert_int_eq(proc_recv(p.in, &type, &body, &len, &cause), 0);
	ck_assert_uint_eq(type, PROC_MSG_ERROR);
	ck_assert_ptr_nonnull(strstr(body, "nosuch"));
	free(body);
	ck_assert_int_eq(proc_wait(&p, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "status 1"));
	free(cause);
	ck_assert(!has_children());
	trace_destroy(tr);
}
END_TEST

/* A message cut short or too long is an error, not a hang. */
START_TEST(test_proc_bad_messages)
{
	int		 fds[2];
	uint32_t	 hdr[2], type;
	size_t		 len;
	void		*body;
	char		*cause = NULL;

	ck_assert_int_eq(pipe(fds), 0);
	hdr[0] = 1;
	hdr[1] = 100;
	ck_assert_int_eq(write(fds[1], hdr, sizeof hdr), sizeof hdr);
	ck_assert_int_eq(write(fds[1], "abc", 3), 3);
	close(fds[1]);
	ck_assert_int_eq(proc_recv(fds[0], &type, &body, &len, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	close(fds[0]);

	ck_assert_int_eq(pipe(fds), 0);
	hdr[1] = PROC_MSG_MAX + 1;
	ck_assert_int_eq(write(fds[1], hdr, sizeof hdr), sizeof hdr);
	cause = NULL;
	ck_assert_int_eq(proc_recv(fds[0], &type, &body, &len, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "byte message"));
	free(cause);
	close(fds[0]);
	close(fds[1]);
	ck_assert_int_eq(proc_send(-1, 1, "x", 1), -1);
}
END_TEST

/* The hidden worker mode refuses a command line that is not its own. */
START_TEST(test_proc_worker_args)
{
	char	*bad[] = { (char *)PROC_WORKER_ARG, (char *)"x", NULL };
	char	*nofd[] = { (char *)PROC_WORKER_ARG, (char *)"999", (char *)"0",
		    (char *)"-1", NULL, (char *)"procs", NULL };
	char	 out[16], *cause = NULL;
	int	 fds[2];
	uint32_t type;
	size_t	 len;
	void	*body;

	ck_assert_int_eq(proc_worker_main(2, bad), 2);
	ck_assert_int_eq(pipe(fds), 0);
	snprintf(out, sizeof out, "%d", fds[1]);
	nofd[4] = out;
	ck_assert_int_eq(proc_worker_main(6, nofd), 1);
	ck_assert_int_eq(proc_recv(fds[0], &type, &body, &len, &cause), 0);
	ck_assert_uint_eq(type, PROC_MSG_ERROR);
	ck_assert_ptr_nonnull(strstr(body, "not a parlab trace"));
	free(body);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

static Suite *
proc_suite(void)
{
	Suite	*s = suite_create("proc");
	TCase	*core = tcase_create("core"), *edge = tcase_create("edge");

	tcase_add_test(core, test_proc_framing);
	tcase_add_test(core, test_proc_fork_and_spawn);
	tcase_add_test(core, test_proc_stop_all);
	tcase_add_test(edge, test_proc_unknown_worker);
	tcase_add_test(edge, test_proc_bad_messages);
	tcase_add_test(edge, test_proc_worker_args);
	tcase_set_timeout(core, 30);
	tcase_set_timeout(edge, 30);
	suite_add_tcase(s, core);
	suite_add_tcase(s, edge);
	return s;
}

int
main(int argc, char **argv)
{
	SRunner	*sr;
	int	 failed;

	/* A spawned worker is this binary exec'd again, as with parlab. */
	if (argc > 1 && strcmp(argv[1], PROC_WORKER_ARG) == 0)
		return proc_worker_main(argc - 1, argv + 1);
	work_calibrate();
	sr = srunner_create(proc_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
