/*
 * step-exec.c -- running a step program one statement at a time.
 *
 * The state is plain data (struct step_state): the shared variables, each
 * thread's locals and program counter, who holds each lock, each
 * semaphore's count and each event's flag, and the schedule taken so far.
 * The student is the scheduler: step_take() runs the next statement of the
 * thread they pick, and only if that thread can run.
 *
 * Whether a thread is blocked is not stored but derived from the state
 * (its next statement is an acquire of a held lock or of a semaphore at 0,
 * or a wait on a clear event), so it can never disagree with the objects.
 * A deadlock is every unfinished thread blocked.  Its cycle is found in
 * the wait-for graph: an edge from a thread waiting for a lock to the
 * lock's holder; each node has at most one edge, so walking from each
 * thread finds any cycle in O(threads^2), which for four is nothing.
 *
 * Undo replays the schedule minus its last step from the start: the
 * program is deterministic and at most STEP_MAX_THREADS * STEP_MAX_CODE
 * statements long, so replaying is cheaper than keeping snapshots and
 * cannot drift from what a fresh run would do.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* Set st to the start of program p. */
void
step_reset(struct step_state *st, const struct step_program *p)
{
	unsigned	i;

	memset(st, 0, sizeof *st);
	st->p = p;
	for (i = 0; i < p->nshared; i++)
		st->shared[i] = p->shared_init[i];
	for (i = 0; i < p->nobj; i++) {
		st->holder[i] = -1;
		st->count[i] = p->obj[i].kind == STEP_SEMAPHORE ?
		    p->obj[i].init : 0;
	}
}

/* The value an operand reads in thread t. */
static int64_t
step_read(const struct step_state *st, unsigned t,
    const struct step_operand *o)
{
	switch (o->where) {
	case STEP_SHARED:
		return st->shared[o->index];
	case STEP_LOCAL:
		return st->local[t][o->index];
	case STEP_CONST:
		break;
	}
	return o->value;
}

/*
 * Can thread t take its next statement?  When it cannot, *why (if not
 * NULL) gets a sentence saying why, allocated.
 */
enum step_tstate
step_status(const struct step_state *st, unsigned t, char **why)
{
	const struct step_code		*c = &st->p->thread[t];
	const struct step_insn		*in;
	const struct step_object	*o;
	int				 h;

	if (why != NULL)
		*why = NULL;
	if (st->pc[t] >= c->n) {
		if (why != NULL)
			xasprintf(why, "T%u has finished", t);
		return STEP_DONE;
	}
	in = &c->insn[st->pc[t]];
	if (in->obj < 0)
		return STEP_READY;
	o = &st->p->obj[in->obj];
	h = st->holder[in->obj];
	switch (in->op) {
	case STEP_ACQUIRE:
		if (o->kind == STEP_SEMAPHORE && st->count[in->obj] == 0) {
			if (why != NULL)
				xasprintf(why, "T%u waits in %s: semaphore %s "
				    "is at 0 until someone releases it", t,
				    in->text, o->name);
			return STEP_BLOCKED;
		}
		if (o->kind == STEP_LOCK && h >= 0) {
			if (why != NULL && h == (int)t)
				xasprintf(why, "T%u waits in %s: it holds %s "
				    "itself, and a Lock is not reentrant", t,
				    in->text, o->name);
			else if (why != NULL)
				xasprintf(why, "T%u waits in %s: %s is held "
				    "by T%d", t, in->text, o->name, h);
			return STEP_BLOCKED;
		}
		return STEP_READY;
	case STEP_RELEASE:
		if (o->kind == STEP_LOCK && h != (int)t) {
			/* Python raises RuntimeError; here it cannot run. */
			if (why != NULL)
				xasprintf(why, "T%u cannot run %s: it does not "
				    "hold %s (Python raises RuntimeError)", t,
				    in->text, o->name);
			return STEP_BLOCKED;
		}
		return STEP_READY;
	case STEP_EVENT_WAIT:
		if (st->count[in->obj] == 0) {
			if (why != NULL)
				xasprintf(why, "T%u waits in %s until another "
				    "thread calls %s.set()", t, in->text,
				    o->name);
			return STEP_BLOCKED;
		}
		return STEP_READY;
	default:
		return STEP_READY;
	}
}

/*
 * Run the next statement of thread t.  A thread that is blocked, finished
 * or not in the program is refused: -1 with the reason in cause.
 */
int
step_take(struct step_state *st, unsigned t, char **cause)
{
	const struct step_insn	*in;
	int64_t			 a, b, *dst;

	if (t >= st->p->nthreads) {
		xasprintf(cause, "there is no thread T%u (this program has "
		    "T0 to T%u)", t, st->p->nthreads - 1);
		return -1;
	}
	if (step_status(st, t, cause) != STEP_READY)
		return -1;
	in = &st->p->thread[t].insn[st->pc[t]];
	switch (in->op) {
	case STEP_SET:
	case STEP_ADD:
	case STEP_SUB:
		a = step_read(st, t, &in->a);
		b = in->op == STEP_SET ? 0 : step_read(st, t, &in->b);
		/* Unsigned arithmetic: wraps instead of undefined overflow. */
		a = (int64_t)(in->op == STEP_SUB ? (uint64_t)a - (uint64_t)b :
		    (uint64_t)a + (uint64_t)b);
		if (in->dst.where == STEP_SHARED)
			dst = &st->shared[in->dst.index];
		else {
			dst = &st->local[t][in->dst.index];
			st->local_set[t][in->dst.index] = 1;
		}
		*dst = a;
		break;
	case STEP_ACQUIRE:
		if (st->p->obj[in->obj].kind == STEP_LOCK)
			st->holder[in->obj] = (int)t;
		else
			st->count[in->obj]--;
		break;
	case STEP_RELEASE:
		if (st->p->obj[in->obj].kind == STEP_LOCK)
			st->holder[in->obj] = -1;
		else
			st->count[in->obj]++;
		break;
	case STEP_EVENT_SET:
		st->count[in->obj] = 1;
		break;
	case STEP_EVENT_CLEAR:
		st->count[in->obj] = 0;
		break;
	case STEP_EVENT_WAIT:
		break;
	}
	st->pc[t]++;
	st->sched[st->nsched++] = (uint8_t)t;
	return 0;
}

/* Take back the last step; -1 if there is none. */
int
step_undo(struct step_state *st)
{
	uint8_t		sched[sizeof st->sched];
	unsigned	n = st->nsched, i;
	char		*cause = NULL;

	if (n == 0)
		return -1;
	memcpy(sched, st->sched, n);
	step_reset(st, st->p);
	for (i = 0; i + 1 < n; i++)
		if (step_take(st, sched[i], &cause) != 0)
			fatal("step: replay refused a step: %s", cause);
	return 0;
}

/* Is every unfinished thread blocked (and one at least unfinished)? */
int
step_deadlocked(const struct step_state *st)
{
	unsigned	t, blocked = 0;

	for (t = 0; t < st->p->nthreads; t++) {
		switch (step_status(st, t, NULL)) {
		case STEP_READY:
			return 0;
		case STEP_BLOCKED:
			blocked++;
			break;
		case STEP_DONE:
			break;
		}
	}
	return blocked > 0;
}

/* The thread t waits for (holder of the lock it wants), or -1. */
static int
step_waits_for(const struct step_state *st, unsigned t, int *obj)
{
	const struct step_insn	*in;

	if (step_status(st, t, NULL) != STEP_BLOCKED)
		return -1;
	in = &st->p->thread[t].insn[st->pc[t]];
	if (in->op != STEP_ACQUIRE ||
	    st->p->obj[in->obj].kind != STEP_LOCK)
		return -1;
	*obj = in->obj;
	return st->holder[in->obj];
}

/*
 * Fill links (STEP_MAX_THREADS of room) with a wait-for cycle among the
 * threads, starting from its lowest-numbered thread, and return its
 * length; 0 when no thread waits in a cycle of locks.
 */
unsigned
step_cycle(const struct step_state *st, struct step_link *links)
{
	unsigned	start, n, i, len;
	int		t, obj, path[STEP_MAX_THREADS + 1];

	for (start = 0; start < st->p->nthreads; start++) {
		t = (int)start;
		for (n = 0; n <= st->p->nthreads && t >= 0; n++) {
			path[n] = t;
			t = step_waits_for(st, (unsigned)t, &obj);
			if (t == (int)start) {
				len = n + 1;
				for (i = 0; i < len; i++) {
					links[i].thread = path[i];
					links[i].holder =
					    step_waits_for(st,
					    (unsigned)path[i],
					    &links[i].waits_obj);
				}
				return len;
			}
		}
	}
	return 0;
}

/* Has the state reached goal g (deadlock, or all done with the value)? */
int
step_goal_met(const struct step_state *st, const struct step_goal *g)
{
	unsigned	t;
	int		eq;

	switch (g->kind) {
	case STEP_GOAL_NONE:
		return 0;
	case STEP_GOAL_DEADLOCK:
		return step_deadlocked(st);
	case STEP_GOAL_VALUE:
		for (t = 0; t < st->p->nthreads; t++)
			if (step_status(st, t, NULL) != STEP_DONE)
				return 0;
		eq = st->shared[g->var] == g->value;
		return g->ne ? !eq : eq;
	}
	return 0;
}

/* One sentence stating goal g to the student, allocated; NULL if none. */
char *
step_goal_message(const struct step_goal *g)
{
	char	*s = NULL;

	switch (g->kind) {
	case STEP_GOAL_NONE:
		break;
	case STEP_GOAL_DEADLOCK:
		s = xstrdup("Goal: a deadlock, every thread waiting for "
		    "another.");
		break;
	case STEP_GOAL_VALUE:
		xasprintf(&s, "Goal: every thread done, with %s.", g->text);
		break;
	}
	return s;
}
