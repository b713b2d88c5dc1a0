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
 * Each task's clock starts at its first step and keeps running while the
 * others work, so a task of 2000 ms finishes after about 2000 ms of wall
 * time having done only its share of the steps: the whole run takes about
 * the longest duration (plus at most one round), not the sum.
 *
 * durations gives one duration per task, in order.  With fewer numbers
 * than tasks the last one repeats for the rest; with more, the extra ones
 * are left unused and the summary says so.  Refusing them instead would
 * break a lesson whose student turns the tasks knob down.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

#define GEN_MAX_TASKS	64

enum gen_point { GEN_START = 0, GEN_AT_YIELD };

static const struct param_spec gen_params[] = {
	{ "tasks", PARAM_INT, "2", 1, GEN_MAX_TASKS, NULL,
	    "generator tasks taking turns on one thread" },
	{ "durations", PARAM_LIST, "2000,3000", 1, 600000, NULL,
	    "how long each task runs, in ms of wall time, in task order "
	    "(the last one repeats for further tasks; extra ones are unused)" },
	{ "step_ms", PARAM_INT, "300", 1, 60000, NULL,
	    "the blocking piece of work each step does before it yields" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

struct gen_frame {		/* one generator's locals */
	uint64_t	duration;	/* ns, scaled */
	uint64_t	step;		/* ns, scaled */
	uint64_t	start;		/* clock_ns() at its first step */
	int64_t		steps;
};

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
		if (clock_ns() - f->start >= f->duration)
			break;
		clock_sleep_ns(f->step);	/* holds the one thread */
		f->steps++;
		return CORO_YIELD;
	}
	co->result = f->steps;
	return CORO_DONE;
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
	run_metric_float(r, "wall_per_longest", wall / ((double)longest /
	    1e6));
	run_note(r, "%u tasks took turns on one thread: %llu resumes, %llu "
	    "switches between tasks; results are the steps each task did",
	    n, (unsigned long long)s->resumes,
	    (unsigned long long)s->switches);
	run_note(r, "wall %.1f ms, about the longest duration (%.1f ms), not "
	    "the sum (%.1f ms): each task's clock ran while the others "
	    "worked", wall, (double)longest / 1e6, (double)sum / 1e6);
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
	int				 error;

	n = (unsigned)params_int(&r->params, "tasks");
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
		f[i].duration = run_scaled_ns(r, (double)d->list[i < d->nlist ?
		    i : d->nlist - 1]);
		f[i].step = run_scaled_ns(r, (double)params_int(&r->params,
		    "step_ms"));
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
