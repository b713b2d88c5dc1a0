/*
 * coro.c -- generator-style resumable tasks and a round-robin scheduler.
 *
 * A Python generator is a frame that remembers where it stopped: calling
 * next() runs it from there to the next `yield` and hands control back.
 * Here a task is the same thing written out by hand: a step function (the
 * code), a frame (the locals, kept by the caller) and an explicit resume
 * point, `state`, which the step function switches on and sets before it
 * returns.  So
 *
 *	def task(duration):		switch (co->state) {
 *	    start = time.time()		case 0: f->start = now; co->state = 1;
 *	    while elapsed < duration:	case 1: if (elapsed >= duration)
 *	        work()				return CORO_DONE;
 *	        yield				work(); return CORO_YIELD; }
 *
 * is one generator, and each coro_resume() is one next().  A task says why
 * it stopped: CORO_YIELD (runnable again at once: a generator), CORO_AWAIT
 * (waiting for an event; whoever delivers the event calls coro_wake(), as a
 * future's callback does in asyncio) or CORO_DONE (returned; its result is
 * set).  No stacks are switched and no threads are involved, so a task
 * costs only its frame: ten thousand of them fit in a megabyte.
 *
 * The scheduler is a FIFO of ready tasks, like asyncio's _ready deque.
 * Everything runs on one thread, so exactly one task runs at any instant
 * and it runs until it stops by itself: nothing can preempt it, which is
 * why a task that blocks (a sleep, a long computation) stalls every other.
 * coro_sched_pass() resumes only the tasks that were ready when it began,
 * so tasks that yield or are woken during a pass wait for the next one and
 * an event loop gets to poll between passes.
 *
 * Each task is a LANE_TASK lane: ready, running, io while it awaits, done.
 * The scheduler's LANE_LOOP lane (written by coro_sched_run() only; an event
 * loop draws its own) is running while it picks the next task and ready
 * while a task has the thread, waiting for it to give control back.  The
 * one thread is the single writer of every one of these lanes.
 */

#include "config.h"

#include "parlab.h"

/* Record a lane's state, if the scheduler records. */
static void
coro_trace_state(struct coro_sched *s, int lane, enum state st)
{
	if (s->trace != NULL && lane >= 0)
		trace_state(s->trace, (unsigned)lane, st);
}

/* Record a point event, if the scheduler records. */
static void
coro_trace_point(struct coro_sched *s, int lane, enum ev_kind kind,
    int64_t arg)
{
	if (s->trace != NULL && lane >= 0)
		trace_point(s->trace, (unsigned)lane, kind, arg);
}

/* Make a task that will run fn on frame; it starts at resume point 0. */
void
coro_init(struct coro *co, coro_fn *fn, void *frame, unsigned index,
    unsigned lane)
{
	co->fn = fn;
	co->frame = frame;
	co->state = 0;
	co->done = 0;
	co->awaiting = 0;
	co->result = 0;
	co->index = index;
	co->lane = lane;
	co->resumes = 0;
	co->next = NULL;
}

/* An empty scheduler; trace may be NULL, loop_lane -1 for none. */
void
coro_sched_init(struct coro_sched *s, struct trace *tr, int loop_lane)
{
	s->trace = tr;
	s->loop_lane = loop_lane;
	s->head = s->tail = NULL;
	s->nready = 0;
	s->nlive = 0;
	s->last = NULL;
	s->resumes = 0;
	s->switches = 0;
}

/* Append a task to the ready queue. */
static void
coro_enqueue(struct coro_sched *s, struct coro *co)
{
	co->next = NULL;
	if (s->tail != NULL)
		s->tail->next = co;
	else
		s->head = co;
	s->tail = co;
	s->nready++;
}

/* Take the task at the head of the ready queue, or NULL. */
static struct coro *
coro_dequeue(struct coro_sched *s)
{
	struct coro	*co = s->head;

	if (co == NULL)
		return NULL;
	s->head = co->next;
	if (s->head == NULL)
		s->tail = NULL;
	co->next = NULL;
	s->nready--;
	return co;
}

/* Start a task: it is ready, and runs when its turn comes. */
void
coro_spawn(struct coro_sched *s, struct coro *co)
{
	s->nlive++;
	coro_trace_state(s, (int)co->lane, STATE_READY);
	coro_enqueue(s, co);
}

/*
 * Deliver the event a task awaits: it becomes ready.  Waking a task that
 * is not awaiting is a bug (a lost or doubled wake-up).
 */
void
coro_wake(struct coro_sched *s, struct coro *co)
{
	if (!co->awaiting || co->done)
		fatal("coro_wake: task %u is not awaiting", co->index);
	co->awaiting = 0;
	coro_trace_state(s, (int)co->lane, STATE_READY);
	coro_enqueue(s, co);
}

/*
 * Run a task (not on the ready queue) up to its next pause, as next() runs
 * a generator, and file it by why it stopped.
 */
enum coro_status
coro_resume(struct coro_sched *s, struct coro *co)
{
	enum coro_status	st;

	if (co->done || co->awaiting)
		fatal("coro_resume: task %u cannot run now", co->index);
	if (s->last != NULL && s->last != co)
		s->switches++;
	s->last = co;
	s->resumes++;
	co->resumes++;
	coro_trace_state(s, (int)co->lane, STATE_RUNNING);
	st = co->fn(co);
	switch (st) {
	case CORO_YIELD:
		coro_trace_point(s, (int)co->lane, EV_YIELD, co->state);
		coro_trace_state(s, (int)co->lane, STATE_READY);
		coro_enqueue(s, co);
		break;
	case CORO_AWAIT:
		/* Awaiting is waiting on an event, as a sleep or a read is. */
		co->awaiting = 1;
		coro_trace_point(s, (int)co->lane, EV_AWAIT, co->state);
		coro_trace_state(s, (int)co->lane, STATE_IO);
		break;
	case CORO_DONE:
		co->done = 1;
		s->nlive--;
		coro_trace_point(s, (int)co->lane, EV_RESULT, co->result);
		coro_trace_state(s, (int)co->lane, STATE_DONE);
		break;
	}
	return st;
}

/*
 * Resume once each task that is ready now; returns how many ran.  Tasks
 * that become ready meanwhile wait for the next pass.
 */
size_t
coro_sched_pass(struct coro_sched *s)
{
	size_t		n = s->nready, i;
	struct coro	*co;

	for (i = 0; i < n && (co = coro_dequeue(s)) != NULL; i++)
		coro_resume(s, co);
	return i;
}

/*
 * The round-robin loop of the generator lesson: take the first ready task,
 * run it to its next yield, put it at the back, until none is ready.  Tasks
 * left awaiting stay so (nobody here can wake them).  Returns -1 if the run
 * r (may be NULL) was asked to stop first.
 */
int
coro_sched_run(struct coro_sched *s, const struct run *r)
{
	struct coro	*co;

	coro_trace_state(s, s->loop_lane, STATE_RUNNING);
	while ((co = coro_dequeue(s)) != NULL) {
		if (r != NULL && run_stopping(r)) {
			coro_enqueue(s, co);
			coro_trace_state(s, s->loop_lane, STATE_DONE);
			return -1;
		}
		coro_trace_state(s, s->loop_lane, STATE_READY);
		coro_resume(s, co);
		coro_trace_state(s, s->loop_lane, STATE_RUNNING);
	}
	coro_trace_state(s, s->loop_lane, STATE_DONE);
	return 0;
}
