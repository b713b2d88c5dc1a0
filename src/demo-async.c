/*
 * demo-async.c -- an event loop, coroutines, await, gather; a blocking call
 * and its fix, a semaphore, a timeout, as_completed.
 *
 *	async def work(i):
 *	    async with sem:			# limit=N: asyncio.Semaphore(N)
 *	        await asyncio.sleep(1)		# a timer in the loop
 *	        await reader.read(1)		# a pipe becoming readable
 *	        return i * i
 *	results = await asyncio.gather(*(work(i) for i in range(3)))
 *
 * Each work(i) is a coro (coro.c) whose resume points are its awaits.  An
 * await registers what the task needs with the loop (evloop.c) and returns
 * CORO_AWAIT; the event's callback wakes the task, and the loop's
 * before-sleep hook resumes the ready tasks once per pass, as asyncio's
 * _run_once does.  While a task awaits, its lane is `io` and the thread is
 * free: three one-second sleeps overlap.  The read is a real fd, served by
 * aio.c's one-byte-per-request server.
 *
 * blocking=1 makes task 0 call time.sleep: the loop's only thread is inside
 * it, so no timer fires and no other task starts until it returns;
 * max_lag_ms, the longest stretch away from poll(), shows the stall.
 * offload=thread is the fix, asyncio.to_thread: a worker thread on its own
 * lane does the call and wakes the loop through a pipe, the loop stays
 * free.  Either way the sleep ends early on a stop request (aio_block).
 *
 * limit=N puts an asyncio.Semaphore(N) around each body: waiters queue in
 * FIFO order, drawn as wait-lock (coro.c draws every await as io, so the
 * new waiters are redrawn after each pass).  timeout_ms is
 * asyncio.wait(tasks, timeout) then cancel() of the pending ones: each is
 * taken out of what it waited in, woken with its cancelled flag set, and
 * ends at once (its lane's result mark is -1), releasing the semaphore;
 * results that arrived are kept.  A cancelled to_thread call cannot stop
 * its thread: the run ends when it returns, as asyncio.run waits for it.
 * order=as_completed reports results in completion order; sleeps=varied
 * gives task i sleep_ms * (tasks - i) / tasks, so the last finishes first.
 *
 * Lanes: a LANE_TASK per task (a dozen events each), the loop's LANE_LOOP
 * (running, or io in poll()), with offload=thread the worker's LANE_THREAD.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

#define ASYNC_MAX_TASKS		(TRACE_MAX_LANES - 1)
#define ASYNC_CRON_NS		(100 * NS_PER_MS)

enum async_point { ASYNC_START = 0, ASYNC_GO, ASYNC_SLEPT, ASYNC_REPLIED };
enum async_wait { AW_NONE = 0, AW_SLEEP, AW_READ, AW_SEM, AW_THREAD };

static const struct param_spec async_params[] = {
	{ "tasks", PARAM_INT, "3", 1, ASYNC_MAX_TASKS, NULL,
	    "coroutine tasks gathered on one event loop" },
	{ "sleep_ms", PARAM_INT, "1000", 1, 600000, NULL,
	    "how long each task awaits a sleep" },
	{ "blocking", PARAM_CHOICE, "0", 0, 0, "0|1",
	    "1: task 0 calls a blocking sleep instead of awaiting one" },
	{ "offload", PARAM_CHOICE, "none", 0, 0, "none|thread",
	    "thread: the blocking call runs on a worker thread (to_thread)" },
	{ "limit", PARAM_INT, "0", 0, ASYNC_MAX_TASKS, NULL,
	    "0: no limit; N: an asyncio.Semaphore(N) around each task" },
	{ "timeout_ms", PARAM_INT, "0", 0, 600000, NULL,
	    "0: none; else cancel the tasks still pending then" },
	{ "order", PARAM_CHOICE, "gather", 0, 0, "gather|as_completed",
	    "results in task order, or in the order tasks finished" },
	{ "sleeps", PARAM_CHOICE, "same", 0, 0, "same|varied",
	    "varied: task i sleeps sleep_ms * (tasks - i) / tasks" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

struct async;

struct async_frame {		/* one coroutine's locals */
	struct async	*as;
	int		 reply;		/* the byte it read, -1 before */
	enum async_wait	 wait;		/* what it awaits now */
	int64_t		 timer;		/* its sleep's timer, while AW_SLEEP */
	int		 holds_sem;
	int		 cancelled;
	struct coro	*fresh_next;	/* in sem_fresh */
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
	unsigned		 thread_lane;
	uint64_t		 sleep_ns;
	int			 blocking, offload, varied, as_completed;
	struct aio_server	 srv;		/* the replies the tasks read */

	struct aio_sem		 sem;		/* limit=N */
	struct coro		*sem_fresh;	/* began waiting this pass */

	int64_t			*completed;	/* task indices, as they finished */
	unsigned		 ncompleted, ncancelled;

	struct aio_thread	 thr;		/* offload=thread */

	long			 rss0_kb, rss_peak_kb;
	char			*cause;		/* why the loop gave up */
};

/* Task i's sleep: the same for all, or shorter for later tasks (>= 1). */
static uint64_t
async_sleep_of(const struct async *as, unsigned i)
{
	if (!as->varied)
		return as->sleep_ns;
	return (as->sleep_ns * (as->n - i) + as->n - 1) / as->n;
}

/* Give up: stop the loop with a cause (the first one wins). */
static void
async_fail(struct async *as, const char *what)
{
	if (as->cause == NULL)
		as->cause = xstrdup(what);
	evloop_stop(as->loop);
}

/* Wake a task that awaited something; it no longer waits on anything. */
static void
async_wake(struct async *as, struct coro *co)
{
	((struct async_frame *)co->frame)->wait = AW_NONE;
	coro_wake(&as->sched, co);
}

/* A timer's callback: the sleep a task awaited is over. */
static int64_t
async_on_timer(struct evloop *loop, int64_t id, void *arg)
{
	struct coro	*co = arg;

	(void)loop;
	(void)id;
	async_wake(((struct async_frame *)co->frame)->as, co);
	return EVLOOP_NOMORE;
}

/* The server's byte for co: the read it awaited is over. */
static void
async_on_reply(void *arg, struct coro *co, int byte)
{
	((struct async_frame *)co->frame)->reply = byte;
	async_wake(arg, co);
}

/* The to_thread call returned: task 0 goes on, unless cancelled. */
static void
async_on_thread(void *arg)
{
	struct async	*as = arg;
	struct coro	*co = &as->co[0];

	if (((struct async_frame *)co->frame)->wait == AW_THREAD)
		async_wake(as, co);
}

/* await asyncio.to_thread(time.sleep, s): start the worker, await it. */
static int
async_offload(struct async *as, struct coro *co)
{
	char	*cause = NULL;

	if (aio_thread_start(&as->thr, as->run, as->loop, as->thread_lane,
	    async_sleep_of(as, 0), async_on_thread, as, &cause) != 0) {
		async_fail(as, cause);
		free(cause);
		return -1;
	}
	((struct async_frame *)co->frame)->wait = AW_THREAD;
	return 0;
}

/* async with sem (enter): 1 if co holds it now, 0 if it must wait. */
static int
async_sem_acquire(struct async *as, struct coro *co)
{
	struct async_frame	*f = co->frame;

	if (!aio_sem_acquire(&as->sem, co)) {
		f->wait = AW_SEM;
		return 0;
	}
	f->holds_sem = 1;
	return 1;
}

/* async with sem (exit): the first waiter, if any, holds it now. */
static void
async_sem_release(struct async *as, struct coro *co)
{
	struct async_frame	*f = co->frame;
	struct coro		*next;

	if (!f->holds_sem)
		return;
	f->holds_sem = 0;
	if ((next = aio_sem_release(&as->sem)) != NULL) {
		((struct async_frame *)next->frame)->holds_sem = 1;
		async_wake(as, next);
	}
}

/* A task ends, with a result or cancelled: release, record the order. */
static enum coro_status
async_finish(struct async *as, struct coro *co)
{
	struct async_frame	*f = co->frame;

	async_sem_release(as, co);
	if (f->cancelled) {
		as->ncancelled++;
		co->result = -1;
	} else {
		as->completed[as->ncompleted++] = co->index;
		co->result = f->reply == AIO_REPLY ?
		    (int64_t)co->index * co->index : -1;
	}
	return CORO_DONE;
}

/*
 * One task, async def work(i): enter the semaphore, await a sleep (or,
 * blocking=1 for task 0, block in one or await a thread doing it), await a
 * reply byte, return i * i.  A cancelled task ends at its next resume.
 */
static enum coro_status
async_work(struct coro *co)
{
	struct async_frame	*f = co->frame;
	struct async		*as = f->as;

	if (f->cancelled)
		return async_finish(as, co);
	switch (co->state) {
	case ASYNC_START:
		co->state = ASYNC_GO;
		if (!async_sem_acquire(as, co)) {
			/* Redrawn as wait-lock once the pass is over. */
			f->fresh_next = as->sem_fresh;
			as->sem_fresh = co;
			return CORO_AWAIT;
		}
		/* FALLTHROUGH */
	case ASYNC_GO:
		co->state = ASYNC_SLEPT;
		if (!as->blocking || co->index != 0) {
			f->wait = AW_SLEEP;
			f->timer = evloop_timer_add(as->loop,
			    async_sleep_of(as, co->index), async_on_timer, co);
			return CORO_AWAIT;
		}
		if (as->offload)
			return async_offload(as, co) == 0 ? CORO_AWAIT :
			    async_finish(as, co);
		/* time.sleep(): the loop's one thread is stuck in here. */
		trace_state(as->tr, co->lane, STATE_IO);
		aio_block(as->run, async_sleep_of(as, 0));
		trace_state(as->tr, co->lane, STATE_RUNNING);
		/* FALLTHROUGH */
	case ASYNC_SLEPT:
		co->state = ASYNC_REPLIED;
		f->wait = AW_READ;
		aio_server_request(&as->srv, co);
		return CORO_AWAIT;
	case ASYNC_REPLIED:
	default:
		break;
	}
	return async_finish(as, co);
}

/*
 * The timeout: cancel every task still pending.  Each leaves what it waits
 * in and is woken to end at once; one already ready ends when it runs.
 */
static int64_t
async_on_timeout(struct evloop *loop, int64_t id, void *arg)
{
	struct async		*as = arg;
	struct async_frame	*f;
	struct coro		*co;
	unsigned		 i;

	(void)id;
	for (i = 0; i < as->n; i++) {
		co = &as->co[i];
		f = co->frame;
		if (co->done || f->cancelled)
			continue;
		f->cancelled = 1;
		switch (f->wait) {
		case AW_SLEEP:
			evloop_timer_del(loop, f->timer);
			break;
		case AW_READ:
			aio_server_cancel(&as->srv, co);
			break;
		case AW_SEM:
			aio_fifo_unlink(&as->sem.waiters, co);
			break;
		case AW_THREAD:		/* the thread runs on regardless */
			break;
		case AW_NONE:		/* ready (or running): ends when run */
			continue;
		}
		async_wake(as, co);
	}
	return EVLOOP_NOMORE;
}

/*
 * Before the loop waits: run the ready tasks once; stop when all are done
 * (the gather is complete).  More ready tasks mean: do not block.
 */
static int
async_before(struct evloop *loop, void *arg)
{
	struct async		*as = arg;
	struct coro		*co;
	struct async_frame	*f;

	coro_sched_pass(&as->sched);
	/* coro.c drew the new semaphore waiters as io; they wait on a lock. */
	for (co = as->sem_fresh; co != NULL; co = f->fresh_next) {
		f = co->frame;
		if (f->wait == AW_SEM)
			trace_state(as->tr, co->lane, STATE_WAIT_LOCK);
	}
	as->sem_fresh = NULL;
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

/* Housekeeping every 100 ms: notice a stop request; sample the RSS. */
static int64_t
async_on_cron(struct evloop *loop, int64_t id, void *arg)
{
	struct async	*as = arg;

	(void)loop;
	(void)id;
	as->rss_peak_kb = aio_rss_max(as->rss_peak_kb);
	if (run_stopping(as->run))
		async_fail(as, "stopped before the end");
	return (int64_t)ASYNC_CRON_NS;
}

/* Report the results and what the loop went through, all measured. */
static void
async_report(struct async *as, struct run *r)
{
	struct evloop_stats	 st;
	int64_t			*results = xcalloc(as->n, sizeof *results);
	int64_t			*idx = xcalloc(as->n, sizeof *idx);
	double			 wall = (double)r->wall_ns / 1e6;
	double			 sleep = (double)as->sleep_ns / 1e6;
	double			 lag;
	unsigned		 i, bad = 0, nres = 0;
	size_t			 stack = 0;
	pthread_attr_t		 attr;

	for (i = 0; i < as->n; i++) {
		if (!((struct async_frame *)as->co[i].frame)->cancelled &&
		    as->co[i].result != (int64_t)i * i)
			bad++;
		if (!as->as_completed)
			results[nres++] = as->co[i].result;
	}
	for (i = 0; as->as_completed && i < as->ncompleted; i++)
		results[nres++] = as->co[as->completed[i]].result;
	evloop_stats(as->loop, &st);
	lag = (double)st.max_busy_ns / 1e6;
	run_metric_ints(r, "results", results, nres);
	run_metric_ints(r, "completed", as->completed, as->ncompleted);
	for (i = 0, nres = 0; i < as->n; i++)
		if (((struct async_frame *)as->co[i].frame)->cancelled)
			idx[nres++] = i;
	run_metric_ints(r, "cancelled", idx, nres);
	run_metric_float(r, "max_lag_ms", lag);
	run_metric_float(r, "max_timer_late_ms", (double)st.max_late_ns / 1e6);
	run_metric_float(r, "wall_per_sleep", wall / sleep);
	run_metric_int(r, "loop_passes", (int64_t)st.passes);
	run_metric_int(r, "timers_fired", (int64_t)st.timers_fired);
	run_metric_int(r, "max_in_flight", as->sem.max_held);
	run_metric_int(r, "peak_rss_kb", as->rss_peak_kb);
	run_metric_int(r, "rss_growth_kb", as->rss_peak_kb - as->rss0_kb);
	run_metric_int(r, "task_bytes", (int64_t)(sizeof(struct coro) +
	    sizeof(struct async_frame)));
	run_note(r, "%u tasks each awaited a %.0f ms sleep%s and a pipe read "
	    "on one thread: %s took %.1f ms (%.2fx one sleep), results in %s "
	    "order%s", as->n, sleep, as->varied ? " or less" : "",
	    as->as_completed ? "as_completed" : "gather", wall, wall / sleep,
	    as->as_completed ? "completion" : "task",
	    bad ? " (some replies were wrong)" : "");
	if (as->sem.limit)
		run_note(r, "asyncio.Semaphore(%u): at most %u tasks were in "
		    "flight at once; the others waited their turn",
		    as->sem.limit, as->sem.max_held);
	if (as->ncancelled)
		run_note(r, "the timeout cancelled %u task%s (CancelledError); "
		    "the %u results that arrived in time are kept",
		    as->ncancelled, as->ncancelled == 1 ? "" : "s",
		    as->ncompleted);
	if (as->blocking && as->thr.started) {
		run_metric_float(r, "thread_start_us",
		    (double)(as->thr.began_ns - as->thr.asked_ns) / 1e3);
		run_note(r, "task0 ran its blocking sleep on a worker thread "
		    "(asyncio.to_thread): %.1f ms there, while the loop was "
		    "never away from poll() for more than %.1f ms; the thread "
		    "took %.0f us to start", (double)as->thr.slept_ns / 1e6,
		    lag, (double)(as->thr.began_ns - as->thr.asked_ns) / 1e3);
	} else if (as->blocking)
		run_note(r, "task0 called a blocking sleep instead of awaiting "
		    "one: the loop could not run for %.1f ms, so no timer "
		    "fired and no other task started meanwhile", lag);
	else
		run_note(r, "the loop was never away from poll() for more "
		    "than %.1f ms", lag);
	/* Measured here, not quoted: this system's default thread stack. */
	if (pthread_attr_init(&attr) == 0 &&
	    pthread_attr_getstacksize(&attr, &stack) == 0)
		pthread_attr_destroy(&attr);
	run_note(r, "each task is a %zu-byte frame, a thread reserves a %zu KB "
	    "stack here; the resident set grew %ld KB during the run, trace "
	    "included (peak %ld KB)", sizeof(struct coro) +
	    sizeof(struct async_frame), stack / 1024,
	    as->rss_peak_kb - as->rss0_kb, as->rss_peak_kb);
	free(idx);
	free(results);
}

/* Set up the demo from its parameters: lanes, pipes, loop, tasks. */
static int
async_setup(struct async *as, struct run *r, char **cause)
{
	char		 name[32];
	unsigned	 i;
	int		 maxfd;

	as->run = r;
	as->n = (unsigned)params_int(&r->params, "tasks");
	as->sleep_ns = run_scaled_ns(r, (double)params_int(&r->params,
	    "sleep_ms"));
	as->blocking = params_choice(&r->params, "blocking");
	as->offload = params_choice(&r->params, "offload");
	aio_sem_init(&as->sem, (unsigned)params_int(&r->params, "limit"));
	as->as_completed = params_choice(&r->params, "order");
	as->varied = params_choice(&r->params, "sleeps");
	as->loop_lane = as->n;
	as->thread_lane = as->n + 1;
	as->srv.pipe[0] = as->srv.pipe[1] = -1;
	as->thr.wake[0] = as->thr.wake[1] = -1;
	if ((as->tr = run_trace(r, as->n + 1 + (as->blocking && as->offload),
	    cause)) == NULL)
		return -1;
	if (aio_server_init(&as->srv, cause) != 0 ||
	    aio_thread_init(&as->thr, cause) != 0)
		return -1;
	maxfd = as->srv.pipe[0] > as->srv.pipe[1] ? as->srv.pipe[0] :
	    as->srv.pipe[1];
	if (as->thr.wake[0] > maxfd)
		maxfd = as->thr.wake[0];
	as->loop = evloop_create(maxfd + 1);
	as->srv.loop = as->loop;
	as->srv.deliver = async_on_reply;
	as->srv.arg = as;
	as->co = xcalloc(as->n, sizeof *as->co);
	as->frames = xcalloc(as->n, sizeof *as->frames);
	as->completed = xcalloc(as->n, sizeof *as->completed);
	coro_sched_init(&as->sched, as->tr, -1);
	trace_lane_init(as->tr, as->loop_lane, "loop", LANE_LOOP);
	if (as->blocking && as->offload)
		trace_lane_init(as->tr, as->thread_lane, "thread",
		    LANE_THREAD);
	for (i = 0; i < as->n; i++) {
		snprintf(name, sizeof name, "task%u", i);
		trace_lane_init(as->tr, i, name, LANE_TASK);
		as->frames[i].as = as;
		as->frames[i].reply = -1;
		coro_init(&as->co[i], async_work, &as->frames[i], i, i);
		/* Created, not yet scheduled; this also faults in the lane's
		 * first trace page before the clock starts. */
		trace_state(as->tr, i, STATE_STARTING);
	}
	evloop_set_before(as->loop, async_before, as);
	evloop_set_after(as->loop, async_after, as);
	return 0;
}

/* Free what async_setup() made. */
static void
async_teardown(struct async *as)
{
	evloop_destroy(as->loop);
	aio_server_free(&as->srv);
	aio_thread_free(&as->thr);
	free(as->completed);
	free(as->frames);
	free(as->co);
}

/* Run the async demo. */
static int
async_run(struct run *r, char **cause)
{
	struct async	 as;
	unsigned	 i;
	int64_t		 timeout_ms;

	memset(&as, 0, sizeof as);
	as.rss0_kb = as.rss_peak_kb = aio_rss_kb();
	if (async_setup(&as, r, cause) != 0) {
		async_teardown(&as);
		return -1;
	}
	run_begin(r);
	trace_state(as.tr, as.loop_lane, STATE_RUNNING);
	evloop_timer_add(as.loop, ASYNC_CRON_NS, async_on_cron, &as);
	if ((timeout_ms = params_int(&r->params, "timeout_ms")) > 0)
		evloop_timer_add(as.loop, run_scaled_ns(r,
		    (double)timeout_ms), async_on_timeout, &as);
	for (i = 0; i < as.n; i++)
		coro_spawn(&as.sched, &as.co[i]);
	evloop_run(as.loop);
	/* asyncio.run waits for the executor's thread, cancelled or not. */
	if (as.thr.started)
		trace_state(as.tr, as.loop_lane, STATE_IO);
	aio_thread_join(&as.thr);
	run_end(r);
	as.rss_peak_kb = aio_rss_max(as.rss_peak_kb);
	trace_state(as.tr, as.loop_lane, STATE_DONE);

	if (as.cause == NULL && as.srv.cause != NULL)
		as.cause = xstrdup(as.srv.cause);
	if (as.cause == NULL && run_stopping(r))
		as.cause = xstrdup("stopped before the end");
	if (as.cause == NULL && as.sched.nlive != 0)
		as.cause = xstrdup("the loop ran dry with tasks still waiting");
	if (as.cause == NULL)
		async_report(&as, r);
	else
		*cause = as.cause;
	async_teardown(&as);
	return as.cause == NULL ? 0 : -1;
}

/* With a worker thread, one lane is the thread's: one task fewer fits. */
static int
async_check(const struct params *p, char **cause)
{
	if (params_choice(p, "blocking") && params_choice(p, "offload") &&
	    params_int(p, "tasks") > ASYNC_MAX_TASKS - 1) {
		xasprintf(cause, "tasks: at most %d with blocking=1 "
		    "offload=thread (the worker thread has a lane too)",
		    ASYNC_MAX_TASKS - 1);
		return -1;
	}
	return 0;
}

const struct demo_class demo_async_class = {
	.name = "async",
	.summary = "an event loop, coroutines, await, gather; a blocking call",
	.params = async_params,
	.run = async_run,
	.check = async_check,
};
