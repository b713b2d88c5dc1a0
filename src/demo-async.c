/*
 * demo-async.c -- an event loop, coroutines, await, gather; a blocking call.
 *
 * The lesson's Python:
 *
 *	async def work(i):
 *	    await asyncio.sleep(1)		# a timer in the loop
 *	    await reader.read(1)		# a pipe becoming readable
 *	    return i * i
 *
 *	results = await asyncio.gather(*(work(i) for i in range(3)))
 *
 * Each work(i) is a coro (coro.c) whose resume points are the two awaits.
 * An await registers the event the task needs with the loop (evloop.c) and
 * returns CORO_AWAIT; the event's callback wakes the task (coro_wake), and
 * the loop's before-sleep hook resumes the ready tasks once per pass, as
 * asyncio's _run_once does with its _ready queue.  While a task awaits, its
 * lane is `io`, and the thread is free: the three one-second sleeps
 * overlap, so the gather takes about one second, not three.
 *
 * The sleep is a timer.  The read is a real fd: a "server" timer writes one
 * reply byte per task into a non-blocking pipe when the sleeps end (and
 * retries a millisecond later if the pipe is full); tasks that await a
 * reply queue up in FIFO order, and the read handler is registered only
 * while someone waits, as asyncio's add_reader/remove_reader do, since a
 * readable fd nobody reads would wake the loop forever.
 *
 * gather: the loop runs until no task is left; results are then read in
 * task order, whatever order the tasks finished in.
 *
 * blocking=1 makes task 0 call a blocking sleep (time.sleep, not
 * asyncio.sleep): the loop's only thread is inside that call, so no timer
 * fires, no fd is polled and no other task even starts until it returns.
 * The total grows by a whole sleep, and max_lag_ms, the longest stretch the
 * loop spent away from poll(), shows the stall; max_timer_late_ms is how
 * late the loop's 100 ms housekeeping timer fired meanwhile.
 *
 * Lanes: one LANE_TASK per task (starting from the coroutine's creation
 * until gather schedules it, then ready, running, io while awaiting, done:
 * a dozen events each, so ten thousand tasks fit in the trace) and the
 * loop's LANE_LOOP lane: running while it runs callbacks and tasks, io
 * while it waits in poll().  The one thread writes them all.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "parlab.h"

#define ASYNC_MAX_TASKS		(TRACE_MAX_LANES - 1)
#define ASYNC_CRON_NS		(100 * NS_PER_MS)
#define ASYNC_RETRY_NS		NS_PER_MS
#define ASYNC_REPLY		'r'

enum async_point { ASYNC_START = 0, ASYNC_SLEPT, ASYNC_REPLIED };

static const struct param_spec async_params[] = {
	{ "tasks", PARAM_INT, "3", 1, ASYNC_MAX_TASKS, NULL,
	    "coroutine tasks gathered on one event loop" },
	{ "sleep_ms", PARAM_INT, "1000", 1, 600000, NULL,
	    "how long each task awaits a sleep" },
	{ "blocking", PARAM_CHOICE, "0", 0, 0, "0|1",
	    "1: task 0 calls a blocking sleep instead of awaiting one" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

struct async;

struct async_frame {		/* one coroutine's locals */
	struct async	*as;
	int		 reply;		/* the byte it read, -1 before */
};

struct async {
	struct run		*run;
	struct trace		*tr;
	struct evloop		*loop;
	struct coro_sched	 sched;
	struct coro		*co;
	struct async_frame	*frames;
	unsigned		 n;
	unsigned		 loop_lane;
	uint64_t		 sleep_ns;
	int			 blocking;
	int			 pipe[2];	/* read end, write end */
	struct coro		*readers;	/* awaiting a reply, FIFO */
	struct coro		*readers_tail;
	int			 reading;	/* read handler registered */
	size_t			 unwritten;	/* reply bytes still to write */
	char			*cause;		/* why the loop gave up */
};

/* A timer's callback: the sleep a task awaited is over. */
static int64_t
async_on_timer(struct evloop *loop, int64_t id, void *arg)
{
	struct coro	*co = arg;
	struct async	*as = ((struct async_frame *)co->frame)->as;

	(void)loop;
	(void)id;
	coro_wake(&as->sched, co);
	return EVLOOP_NOMORE;
}

/* Give up: stop the loop with a cause (the first one wins). */
static void
async_fail(struct async *as, const char *what)
{
	if (as->cause == NULL)
		xasprintf(&as->cause, "%s", what);
	evloop_stop(as->loop);
}

/*
 * The pipe is readable: hand one byte to each waiting task, in the order
 * they began to wait.  Stop watching when nobody waits.
 */
static void
async_on_readable(struct evloop *loop, int fd, int mask, void *arg)
{
	struct async	*as = arg;
	struct coro	*co;
	unsigned char	 buf[4096];
	size_t		 want = 0;
	ssize_t		 got, i;

	(void)mask;
	for (co = as->readers; co != NULL && want < sizeof buf; co = co->next)
		want++;
	got = read(fd, buf, want);
	if (got == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (got <= 0) {
		async_fail(as, got == 0 ? "the reply pipe closed" :
		    "cannot read the reply pipe");
		return;
	}
	for (i = 0; i < got; i++) {
		co = as->readers;
		as->readers = co->next;
		if (as->readers == NULL)
			as->readers_tail = NULL;
		((struct async_frame *)co->frame)->reply = buf[i];
		coro_wake(&as->sched, co);
	}
	if (as->readers == NULL) {
		evloop_file_del(loop, fd, EVLOOP_READ);
		as->reading = 0;
	}
}

/* await reader.read(1): queue for a reply byte, watching the pipe. */
static void
async_await_reply(struct async *as, struct coro *co)
{
	char	*cause = NULL;

	co->next = NULL;
	if (as->readers_tail != NULL)
		as->readers_tail->next = co;
	else
		as->readers = co;
	as->readers_tail = co;
	if (!as->reading) {
		if (evloop_file_add(as->loop, as->pipe[0], EVLOOP_READ,
		    async_on_readable, as, &cause) != 0) {
			async_fail(as, cause);
			free(cause);
			return;
		}
		as->reading = 1;
	}
}

/*
 * The "server": write the replies, one byte per task.  If the pipe is
 * full, come back in a millisecond for the rest.
 */
static int64_t
async_on_server(struct evloop *loop, int64_t id, void *arg)
{
	struct async	*as = arg;
	char		 buf[4096];
	size_t		 want;
	ssize_t		 put;

	(void)loop;
	(void)id;
	memset(buf, ASYNC_REPLY, sizeof buf);
	while (as->unwritten > 0) {
		want = as->unwritten < sizeof buf ? as->unwritten : sizeof buf;
		put = write(as->pipe[1], buf, want);
		if (put == -1 && errno == EINTR)
			continue;
		if (put == -1 && errno == EAGAIN)
			return (int64_t)ASYNC_RETRY_NS;
		if (put <= 0) {
			async_fail(as, "cannot write the reply pipe");
			return EVLOOP_NOMORE;
		}
		as->unwritten -= (size_t)put;
	}
	return EVLOOP_NOMORE;
}

/* Housekeeping every 100 ms: notice a request to stop mid-sleep. */
static int64_t
async_on_cron(struct evloop *loop, int64_t id, void *arg)
{
	struct async	*as = arg;

	(void)loop;
	(void)id;
	if (run_stopping(as->run))
		async_fail(as, "stopped before the end");
	return (int64_t)ASYNC_CRON_NS;
}

/*
 * One task, async def work(i): await a sleep (or, blocking=1 for task 0,
 * block in one), await a reply byte, return i * i.
 */
static enum coro_status
async_work(struct coro *co)
{
	struct async_frame	*f = co->frame;
	struct async		*as = f->as;

	switch (co->state) {
	case ASYNC_START:
		co->state = ASYNC_SLEPT;
		if (!as->blocking || co->index != 0) {
			evloop_timer_add(as->loop, as->sleep_ns, async_on_timer,
			    co);
			return CORO_AWAIT;
		}
		/* time.sleep(): the loop's one thread is stuck in here. */
		trace_state(as->tr, co->lane, STATE_IO);
		clock_sleep_ns(as->sleep_ns);
		trace_state(as->tr, co->lane, STATE_RUNNING);
		/* FALLTHROUGH */
	case ASYNC_SLEPT:
		co->state = ASYNC_REPLIED;
		async_await_reply(as, co);
		return CORO_AWAIT;
	case ASYNC_REPLIED:
	default:
		break;
	}
	co->result = f->reply == ASYNC_REPLY ?
	    (int64_t)co->index * co->index : -1;
	return CORO_DONE;
}

/*
 * Before the loop waits: run the ready tasks once; stop when all are done
 * (the gather is complete).  More ready tasks mean: do not block.
 */
static int
async_before(struct evloop *loop, void *arg)
{
	struct async	*as = arg;

	coro_sched_pass(&as->sched);
	if (as->sched.nlive == 0) {
		evloop_stop(loop);
		return 0;
	}
	if (as->sched.nready > 0)
		return 1;
	trace_state(as->tr, as->loop_lane, STATE_IO);
	return 0;
}

/* poll() returned: the loop runs callbacks now. */
static int
async_after(struct evloop *loop, void *arg)
{
	struct async	*as = arg;

	(void)loop;
	if (trace_lane(as->tr, as->loop_lane)->state != STATE_RUNNING)
		trace_state(as->tr, as->loop_lane, STATE_RUNNING);
	return 0;
}

/* Report the gathered results and what the loop went through. */
static void
async_report(struct async *as, struct run *r)
{
	struct evloop_stats	 st;
	struct rusage		 ru;
	int64_t			*results = xcalloc(as->n, sizeof *results);
	double			 wall = (double)r->wall_ns / 1e6;
	double			 sleep = (double)as->sleep_ns / 1e6;
	double			 lag, late;
	unsigned		 i, bad = 0;

	for (i = 0; i < as->n; i++) {
		results[i] = as->co[i].result;
		if (results[i] != (int64_t)i * i)
			bad++;
	}
	evloop_stats(as->loop, &st);
	lag = (double)st.max_busy_ns / 1e6;
	late = (double)st.max_late_ns / 1e6;
	getrusage(RUSAGE_SELF, &ru);
	run_metric_ints(r, "results", results, as->n);
	run_metric_float(r, "max_lag_ms", lag);
	run_metric_float(r, "max_timer_late_ms", late);
	run_metric_float(r, "wall_per_sleep", wall / sleep);
	run_metric_int(r, "loop_passes", (int64_t)st.passes);
	run_metric_int(r, "timers_fired", (int64_t)st.timers_fired);
	run_metric_int(r, "peak_rss_kb", (int64_t)ru.ru_maxrss);
	run_metric_int(r, "task_bytes", (int64_t)(sizeof(struct coro) +
	    sizeof(struct async_frame)));
	run_note(r, "%u tasks each awaited a %.0f ms sleep and a pipe read on "
	    "one thread: gather took %.1f ms (%.2fx one sleep), results in "
	    "task order%s", as->n, sleep, wall, wall / sleep,
	    bad ? " (some replies were wrong)" : "");
	if (as->blocking)
		run_note(r, "task0 called a blocking sleep instead of awaiting "
		    "one: the loop could not run for %.1f ms, so no timer "
		    "fired and no other task started meanwhile", lag);
	else
		run_note(r, "the loop was never away from poll() for more "
		    "than %.1f ms", lag);
	run_note(r, "each task is a %zu-byte frame; peak RSS %ld KB with the "
	    "trace.  Threads could not do %u sleepers this cheaply: each "
	    "needs a stack (8 MB reserved) and a kernel thread, about 40 us "
	    "to start", sizeof(struct coro) + sizeof(struct async_frame),
	    ru.ru_maxrss, as->n);
	free(results);
}

/* Make the reply pipe, both ends non-blocking and close-on-exec. */
static int
async_pipe(int fds[2], char **cause)
{
	int	i, fl;

	if (pipe(fds) == -1) {
		xasprintf(cause, "cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < 2; i++) {
		fl = fcntl(fds[i], F_GETFL);
		fcntl(fds[i], F_SETFL, fl | O_NONBLOCK);
		fcntl(fds[i], F_SETFD, FD_CLOEXEC);
	}
	return 0;
}

/* Run the async demo. */
static int
async_run(struct run *r, char **cause)
{
	struct async	 as;
	char		 name[32];
	unsigned	 i;
	int		 error = 0;

	memset(&as, 0, sizeof as);
	as.run = r;
	as.n = (unsigned)params_int(&r->params, "tasks");
	as.sleep_ns = run_scaled_ns(r, (double)params_int(&r->params,
	    "sleep_ms"));
	as.blocking = params_choice(&r->params, "blocking");
	as.loop_lane = as.n;
	if ((as.tr = run_trace(r, as.n + 1, cause)) == NULL)
		return -1;
	if (async_pipe(as.pipe, cause) != 0)
		return -1;
	as.loop = evloop_create((as.pipe[0] > as.pipe[1] ? as.pipe[0] :
	    as.pipe[1]) + 1);
	as.co = xcalloc(as.n, sizeof *as.co);
	as.frames = xcalloc(as.n, sizeof *as.frames);
	coro_sched_init(&as.sched, as.tr, -1);
	trace_lane_init(as.tr, as.loop_lane, "loop", LANE_LOOP);
	for (i = 0; i < as.n; i++) {
		snprintf(name, sizeof name, "task%u", i);
		trace_lane_init(as.tr, i, name, LANE_TASK);
		as.frames[i].as = &as;
		as.frames[i].reply = -1;
		coro_init(&as.co[i], async_work, &as.frames[i], i, i);
		/* The coroutine object exists; gather has not scheduled it.
		 * Recording this now also faults in the lane's first trace
		 * page (a few us each) before the clock starts, so ten
		 * thousand tasks time the loop, not the recorder. */
		trace_state(as.tr, i, STATE_STARTING);
	}
	evloop_set_before(as.loop, async_before, &as);
	evloop_set_after(as.loop, async_after, &as);

	run_begin(r);
	trace_state(as.tr, as.loop_lane, STATE_RUNNING);
	as.unwritten = as.n;
	evloop_timer_add(as.loop, as.sleep_ns, async_on_server, &as);
	evloop_timer_add(as.loop, ASYNC_CRON_NS, async_on_cron, &as);
	for (i = 0; i < as.n; i++)
		coro_spawn(&as.sched, &as.co[i]);
	evloop_run(as.loop);
	run_end(r);
	trace_state(as.tr, as.loop_lane, STATE_DONE);

	if (as.cause == NULL && as.sched.nlive != 0)
		as.cause = xstrdup("the loop ran dry with tasks still waiting");
	if (as.cause != NULL) {
		*cause = as.cause;
		error = -1;
	} else
		async_report(&as, r);
	evloop_destroy(as.loop);
	close(as.pipe[0]);
	close(as.pipe[1]);
	free(as.frames);
	free(as.co);
	return error;
}

const struct demo_class demo_async_class = {
	.name = "async",
	.summary = "an event loop, coroutines, await, gather; a blocking call",
	.params = async_params,
	.run = async_run,
};
