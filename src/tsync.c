/*
 * tsync.c -- Python's threading meeting points for worker threads under the
 * GIL model: Semaphore, Event, Condition (wait_for a predicate) and Barrier.
 *
 * Each is a pthread mutex and condition variable.  As in CPython, a thread
 * that must block releases the GIL first (a blocking acquire is a system
 * call) and takes it back once it may go on; its lane shows wait-lock while
 * it is blocked, then running.  The mutex itself is held only for a few
 * instructions and never while waiting for the GIL (gil_take comes after
 * the unlock), so taking it with the GIL held cannot deadlock.
 *
 * Waits are timed (TSYNC_POLL_NS) so that a stop request ends them: a
 * stopped wait returns -1 and the worker gives up its work.  The counters
 * (held, wakeups, arrivals) are kept under each object's mutex, and read
 * once every worker has been joined.
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "parlab.h"

#define TSYNC_POLL_NS	(20 * NS_PER_MS)

/* Wait on cv for at most TSYNC_POLL_NS (mu held); 1 if woken. */
static int
tsync_timedwait(pthread_cond_t *cv, pthread_mutex_t *mu)
{
	struct timespec	ts;
	uint64_t	ns;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns = (uint64_t)ts.tv_nsec + TSYNC_POLL_NS;
	ts.tv_sec += (time_t)(ns / NS_PER_SEC);
	ts.tv_nsec = (long)(ns % NS_PER_SEC);
	return pthread_cond_timedwait(cv, mu, &ts) == 0;
}

/* A mutex and a condition variable whose waits use the monotonic clock. */
static void
tsync_init_pair(pthread_mutex_t *mu, pthread_cond_t *cv)
{
	pthread_condattr_t	ca;

	pthread_mutex_init(mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(cv, &ca);
	pthread_condattr_destroy(&ca);
}

/* Block for w until ready(arg) holds (mu held): GIL released, drawn. */
static int
tsync_block(struct worker *w, pthread_mutex_t *mu, pthread_cond_t *cv,
    int (*ready)(void *), void *arg, unsigned *wakeups)
{
	if (ready(arg))
		return 0;
	gil_drop(w->gil, w);
	trace_state(w->trace, w->lane, STATE_WAIT_LOCK);
	while (!ready(arg) && !run_stopping(w->run)) {
		/* Only a real wake-up counts, not the stop-check timeout. */
		if (tsync_timedwait(cv, mu) && wakeups != NULL)
			(*wakeups)++;
	}
	return ready(arg) ? 1 : -1;
}

/* A threading.Semaphore(limit); limit 0: no limit. */
void
tsync_sem_init(struct tsync_sem *s, unsigned limit)
{
	memset(s, 0, sizeof *s);
	tsync_init_pair(&s->mu, &s->cv);
	s->limit = limit;
}

/* Free a semaphore nobody waits on. */
void
tsync_sem_free(struct tsync_sem *s)
{
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
}

/* Whether the semaphore has room (mu held). */
static int
tsync_sem_room(void *arg)
{
	struct tsync_sem	*s = arg;

	return s->limit == 0 || s->held < s->limit;
}

/* sem.acquire(): 0 when held, -1 if the run stopped meanwhile. */
int
tsync_sem_acquire(struct tsync_sem *s, struct worker *w)
{
	int	blocked;

	pthread_mutex_lock(&s->mu);
	blocked = tsync_block(w, &s->mu, &s->cv, tsync_sem_room, s, NULL);
	if (blocked != -1 && ++s->held > s->max_held)
		s->max_held = s->held;
	pthread_mutex_unlock(&s->mu);
	if (blocked != 0)
		gil_take(w->gil, w);
	return blocked == -1 ? -1 : 0;
}

/* sem.release(): one more may enter. */
void
tsync_sem_release(struct tsync_sem *s)
{
	pthread_mutex_lock(&s->mu);
	s->held--;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* A threading.Event, not set. */
void
tsync_event_init(struct tsync_event *e)
{
	memset(e, 0, sizeof *e);
	tsync_init_pair(&e->mu, &e->cv);
}

/* Free an event nobody waits on. */
void
tsync_event_free(struct tsync_event *e)
{
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->cv);
}

/* Whether the event is set (mu held). */
static int
tsync_event_isset(void *arg)
{
	return ((struct tsync_event *)arg)->set;
}

/* event.wait(): 0 once set, -1 if the run stopped first. */
int
tsync_event_wait(struct tsync_event *e, struct worker *w)
{
	int	blocked;

	pthread_mutex_lock(&e->mu);
	blocked = tsync_block(w, &e->mu, &e->cv, tsync_event_isset, e, NULL);
	pthread_mutex_unlock(&e->mu);
	if (blocked != 0)
		gil_take(w->gil, w);
	return blocked == -1 ? -1 : 0;
}

/* event.set(): every waiter goes on at once. */
void
tsync_event_set(struct tsync_event *e)
{
	pthread_mutex_lock(&e->mu);
	e->set = 1;
	e->set_ns = clock_ns();
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
}

/* A threading.Condition guarding the caller's state. */
void
tsync_cond_init(struct tsync_cond *c)
{
	memset(c, 0, sizeof *c);
	tsync_init_pair(&c->mu, &c->cv);
}

/* Free a condition nobody waits on. */
void
tsync_cond_free(struct tsync_cond *c)
{
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
}

/*
 * with cond: cond.wait_for(pred); act(arg) -- act runs under the lock once
 * pred holds.  Every wake-up counts; those that found pred false are the
 * re-checks wait_for exists for.  -1 if the run stopped first.
 */
int
tsync_cond_wait_for(struct tsync_cond *c, struct worker *w,
    int (*pred)(void *), void (*act)(void *), void *arg)
{
	unsigned	wakeups = 0;
	int		blocked;

	pthread_mutex_lock(&c->mu);
	blocked = tsync_block(w, &c->mu, &c->cv, pred, arg, &wakeups);
	c->wakeups += wakeups;
	if (blocked == 1 && wakeups > 0)
		c->false_wakeups += wakeups - 1;
	if (blocked != -1 && act != NULL)
		act(arg);
	pthread_mutex_unlock(&c->mu);
	if (blocked != 0)
		gil_take(w->gil, w);
	return blocked == -1 ? -1 : 0;
}

/* with cond: act(arg); cond.notify_all(). */
void
tsync_cond_notify_all(struct tsync_cond *c, struct worker *w,
    void (*act)(void *), void *arg)
{
	pthread_mutex_lock(&c->mu);
	act(arg);
	c->notifies++;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

/* A threading.Barrier(parties). */
void
tsync_barrier_init(struct tsync_barrier *b, unsigned parties)
{
	memset(b, 0, sizeof *b);
	tsync_init_pair(&b->mu, &b->cv);
	b->parties = parties;
}

/* Free a barrier nobody waits at. */
void
tsync_barrier_free(struct tsync_barrier *b)
{
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->cv);
}

/* What a waiter at the barrier watches: its generation has passed. */
struct tsync_gen {
	struct tsync_barrier	*b;
	unsigned		 gen;
};

/* Whether the waiter's phase is over (mu held). */
static int
tsync_barrier_passed(void *arg)
{
	struct tsync_gen	*g = arg;

	return g->b->generation != g->gen;
}

/*
 * barrier.wait(): returns the arrival index (0 first, parties-1 last: the
 * last one opens the barrier for everyone), -1 if the run stopped first.
 */
int
tsync_barrier_wait(struct tsync_barrier *b, struct worker *w)
{
	struct tsync_gen	g = { b, 0 };
	int			index, blocked = 0;

	pthread_mutex_lock(&b->mu);
	g.gen = b->generation;
	index = (int)b->count;
	if (++b->count == b->parties) {
		b->count = 0;
		b->generation++;
		b->opened_ns = clock_ns();
		pthread_cond_broadcast(&b->cv);
	} else
		blocked = tsync_block(w, &b->mu, &b->cv,
		    tsync_barrier_passed, &g, NULL);
	pthread_mutex_unlock(&b->mu);
	if (blocked != 0)
		gil_take(w->gil, w);
	return blocked == -1 ? -1 : index;
}
