/*
 * demo-gen.c -- generator-style cooperative tasks and a round-robin loop.
 *
 * The lesson's Python:
 *
 *	def task(name, duration):
 *	    start = time.time()
 *	    steps = 0
 *	    while time.time() - start < duration:
 *	        time.sleep(0.3)		# a blocking piece of work
 *	        steps += 1
 *	        yield
 *	    return steps
 *
 *	ready = deque([task("A", 2), task("B", 3)])
 *	while ready:			# the round-robin loop
 *	    t = ready.popleft()
 *	    try: next(t); ready.append(t)
 *	    except StopIteration as e: results[t] = e.value
 *
 * Each task here is that generator written as a coro (coro.c): its frame
 * holds start and steps, its resume point is 0 before `start = ...` and 1
 * at the `yield`.  The round-robin loop is coro_sched_run().  One thread
 * runs everything, so exactly one task runs at any instant, and the others
 * are `ready`: their turn comes when the running one yields.
 *
 * Each step is drawn as `running`, although it is a sleep: whatever a
 * generator does between two yields, compute or block, it holds the only
 * thread and no other task can run, and that baton passing from lane to
 * lane is what this demo is for.  Drawing it as `io` would suggest the
 * thread was free meanwhile; freeing it while waiting is exactly what the
 * async demo adds (await instead of a blocking call).
 *
 * Two models of a task, chosen by until=:
 *
 *  - deadline (the seed article's task, above): each task's clock starts at
 *    its first step and keeps running while the others work, so a task of
 *    2000 ms finishes after about 2000 ms of wall time having done only its
 *    share of the steps: the whole run takes about the longest duration
 *    (plus at most one round), not the sum.
 *  - steps (fixed work): each task does the steps it would do alone,
 *    ceil(duration / step_ms) of them, whatever the others do:
 *
 *	def task(name, steps):
 *	    for _ in range(steps):
 *	        time.sleep(0.3)
 *	        yield
 *	    return steps
 *
 *    so the one thread does every step of every task in turn and the whole
 *    run takes the sum of the durations: taking turns saves no time.
 *
 * A step's sleep is cut into short slices against an absolute deadline so
 * a stop request (the TUI's x, SIGINT) ends it within GEN_STOP_NS while the
 * lane still shows one unbroken step; the slices add no drift.
 *
 * durations gives one duration per task, in order.  With fewer numbers
 * than tasks the last one repeats for the rest; with more, the extra ones
 * are left unused and the summary says so.  Refusing them instead would
 * break a lesson whose student turns the tasks knob down.
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parlab.h"

#define GEN_MAX_TASKS	64
#define GEN_STOP_NS	(20 * NS_PER_MS)	/* how soon a stop is seen */

enum gen_point { GEN_START = 0, GEN_AT_YIELD };

static const struct param_spec gen_params[] = {
	{ "tasks", PARAM_INT, "2", 1, GEN_MAX_TASKS, NULL,
	    "generator tasks taking turns on one thread" },
	{ "durations", PARAM_LIST, "2000,3000", 1, 600000, NULL,
	    "how long each task runs, in ms of wall time, in task order "
	    "(the last one repeats for further tasks; extra ones are unused)" },
	{ "step_ms", PARAM_INT, "300", 1, 60000, NULL,
	    "the blocking piece of work each step does before it yields" },
	{ "until", PARAM_CHOICE, "deadline", 0, 0, "deadline|steps",
	    "deadline: each task works until its duration has passed on the "
	    "wall clock (the seed's task); steps: each does a fixed number of "
	    "steps, duration / step_ms" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

struct gen_frame {		/* one generator's locals */
	const struct run *run;		/* to see a stop request */
	uint64_t	duration;	/* ns, scaled */
	uint64_t	step;		/* ns, scaled */
	uint64_t	start;		/* clock_ns() at its first step */
	int64_t		steps;
	int64_t		quota;		/* until=steps: steps to do; else 0 */
};

/*
 * Sleep ns on the monotonic clock, in slices, ending early when the run is
 * asked to stop; returns -1 if it was.
 */
static int
gen_sleep(const struct run *r, uint64_t ns)
{
	struct timespec	now, end, next;
	uint64_t	end_ns, next_ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	end_ns = (uint64_t)now.tv_sec * NS_PER_SEC + (uint64_t)now.tv_nsec +
	    ns;
	end.tv_sec = (time_t)(end_ns / NS_PER_SEC);
	end.tv_nsec = (long)(end_ns % NS_PER_SEC);
	for (;;) {
		if (run_stopping(r))
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		next_ns = (uint64_t)now.tv_sec * NS_PER_SEC +
		    (uint64_t)now.tv_nsec + GEN_STOP_NS;
		if (next_ns >= end_ns)
			break;
		next.tv_sec = (time_t)(next_ns / NS_PER_SEC);
		next.tv_nsec = (long)(next_ns % NS_PER_SEC);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
		    NULL) == EINTR && !run_stopping(r))
			;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &end, NULL) ==
	    EINTR && !run_stopping(r))
		;
	return run_stopping(r) ? -1 : 0;
}

/*
 * One next() of the generator: check the clock, do one blocking step and
 * yield, or return the number of steps done.
 */
static enum coro_status
gen_step(struct coro *co)
{
	struct gen_frame	*f = co->frame;

	switch (co->state) {
	case GEN_START:
		f->start = clock_ns();
		f->steps = 0;
		co->state = GEN_AT_YIELD;
		/* FALLTHROUGH */
	case GEN_AT_YIELD:
		if (f->quota > 0 ? f->steps >= f->quota :
		    clock_ns() - f->start >= f->duration)
			break;
		/* Holds the one thread; a stop leaves the step unfinished and
		 * the loop sees the stop before the next resume. */
		if (gen_sleep(f->run, f->step) == 0)
			f->steps++;
		return CORO_YIELD;
	}
	co->result = f->steps;
	return CORO_DONE;
}

/* The steps each task did, "10, 15", allocated. */
static char *
gen_steps_text(const int64_t *v, unsigned n)
{
	char		*out = xstrdup(""), *t;
	unsigned	 i;

	for (i = 0; i < n; i++) {
		xasprintf(&t, "%s%s%lld", out, i ? ", " : "", (long long)v[i]);
		free(out);
		out = t;
	}
	return out;
}

/* Report the results in task order, and what they show. */
static void
gen_report(struct run *r, struct coro_sched *s, struct coro *co,
    struct gen_frame *f, unsigned n)
{
	const struct param_value	*d = params_get(&r->params,
					    "durations");
	int64_t				*results = xcalloc(n, sizeof *results);
	uint64_t			 longest = 0, sum = 0;
	double				 wall = (double)r->wall_ns / 1e6;
	unsigned			 i;
	int				 took_sum;
	char				*steps;

	for (i = 0; i < n; i++) {
		results[i] = co[i].result;
		sum += f[i].duration;
		if (f[i].duration > longest)
			longest = f[i].duration;
	}
	run_metric_ints(r, "results", results, n);
	run_metric_int(r, "switches", (int64_t)s->switches);
	run_metric_int(r, "resumes", (int64_t)s->resumes);
	run_metric_float(r, "longest_ms", (double)longest / 1e6);
	run_metric_float(r, "sum_ms", (double)sum / 1e6);
	run_metric_float(r, "wall_per_longest", wall / ((double)longest /
	    1e6));
	run_metric_float(r, "wall_per_sum", wall / ((double)sum / 1e6));
	took_sum = fabs(wall - (double)sum / 1e6) <
	    fabs(wall - (double)longest / 1e6);
	run_metric_text(r, "took", took_sum ? "sum" : "longest");
	steps = gen_steps_text(results, n);
	run_note(r, "%u tasks took turns on one thread: %llu resumes, %llu "
	    "switches between tasks; steps done per task: %s",
	    n, (unsigned long long)s->resumes,
	    (unsigned long long)s->switches, steps);
	free(steps);
	if (f[0].quota > 0)
		run_note(r, "until=steps: each task did a fixed number of "
		    "steps (duration / step_ms), whoever else was running");
	else
		run_note(r, "until=deadline: each task worked until its "
		    "duration had passed on the wall clock, while the others "
		    "worked too, so it did only its share of the steps");
	run_note(r, "wall %.1f ms, about the %s (longest %.1f ms, sum %.1f "
	    "ms)%s", wall, took_sum ? "sum" : "longest", (double)longest / 1e6,
	    (double)sum / 1e6, took_sum ? ": one thread did every step of "
	    "every task in turn" : ": each task's clock ran while the others "
	    "worked");
	run_note(r, "only one task ran at any instant; the others were "
	    "ready, waiting for the running one to yield");
	if (d->nlist > n)
		run_note(r, "durations: only the first %u of %u were used "
		    "(tasks=%u)", n, d->nlist, n);
	else if (d->nlist < n)
		run_note(r, "durations: the last one, %lld ms, was used for "
		    "tasks %u to %u too", (long long)d->list[d->nlist - 1],
		    d->nlist, n - 1);
	free(results);
}

/* Run the gen demo. */
static int
gen_run(struct run *r, char **cause)
{
	const struct param_value	*d;
	struct coro_sched		 s;
	struct coro			*co;
	struct gen_frame		*f;
	struct trace			*tr;
	char				 name[32];
	unsigned			 n, i;
	int				 error, fixed;
	int64_t				 ms, step_ms;

	n = (unsigned)params_int(&r->params, "tasks");
	step_ms = params_int(&r->params, "step_ms");
	fixed = strcmp(params_text(&r->params, "until"), "steps") == 0;
	d = params_get(&r->params, "durations");
	if ((tr = run_trace(r, n + 1, cause)) == NULL)
		return -1;
	co = xcalloc(n, sizeof *co);
	f = xcalloc(n, sizeof *f);
	coro_sched_init(&s, tr, (int)n);
	trace_lane_init(tr, n, "loop", LANE_LOOP);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "task%u", i);
		trace_lane_init(tr, i, name, LANE_TASK);
		ms = d->list[i < d->nlist ? i : d->nlist - 1];
		f[i].run = r;
		f[i].duration = run_scaled_ns(r, (double)ms);
		f[i].step = run_scaled_ns(r, (double)step_ms);
		/* What the task would do alone: a step at 0, step_ms, ...
		 * while less than the duration has passed. */
		f[i].quota = fixed ? (ms + step_ms - 1) / step_ms : 0;
		coro_init(&co[i], gen_step, &f[i], i, i);
	}
	run_begin(r);
	for (i = 0; i < n; i++)
		coro_spawn(&s, &co[i]);
	error = coro_sched_run(&s, r);
	run_end(r);
	if (error != 0)
		*cause = xstrdup("stopped before the end");
	else
		gen_report(r, &s, co, f, n);
	free(f);
	free(co);
	return error;
}

const struct demo_class demo_gen_class = {
	.name = "gen",
	.summary = "generator-style tasks and a round-robin loop",
	.params = gen_params,
	.run = gen_run,
};
