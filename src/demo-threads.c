/*
 * demo-threads.c -- threads for CPU work and for I/O work, under a GIL.
 *
 * Each of `threads` threads does work_ms of work:
 *
 * cpu: work_ms worth of calibrated "bytecode" units (work_cpu()), with a
 *   GIL safe point after each, as a CPU-bound Python loop.
 * io:  work_ms of blocking waits, in pieces of 10 ms (work_io(): the GIL is
 *   released while the thread sleeps, as in a blocking system call).
 * mix: threads-1 CPU threads as above, and one I/O thread that blocks for
 *   1 ms again and again until the CPU threads are done (for work_ms when
 *   there are none), timing how long each 1 ms wait really took, the GIL
 *   retaken.  Under the new GIL a CPU thread keeps the lock until the I/O
 *   thread has waited a whole switch interval, so a 1 ms wait takes about
 *   interval + 1 ms: the convoy effect CPython shows (6.24 ms at 5 ms).
 *
 * The threads wait at a start gate until all exist, then run together (as
 * in demo-race.c), so they really overlap.  After the parallel part, the
 * same work (the same units, pieces and waits, the same GIL mode) is done
 * again one piece after another on the calling thread, with a GIL of its
 * own and a private trace that records nothing: that is sequential_ms, and
 * speedup is sequential_ms / wall_ms.
 *
 * scale shortens work_ms.  The switch interval and the I/O thread's 1 ms
 * wait are not scaled: they are what the demo measures.
 *
 * Lanes: T0.. for the threads (the mix I/O thread is the last, "Tn-io"),
 * then, under a GIL, a GIL lane written by gil.c under its mutex: who holds
 * the lock, with the drop requests as marks.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

enum threads_task { TASK_CPU, TASK_IO, TASK_MIX };
enum threads_role { ROLE_CPU, ROLE_IO, ROLE_MIXIO };

#define THREADS_IO_PIECE_NS	(10 * NS_PER_MS)	/* task=io blocks */
#define THREADS_MIX_WAIT_NS	NS_PER_MS		/* the mix I/O wait */
#define THREADS_MIX_UNITS	5	/* the I/O loop's own bytecodes */

static const struct param_spec threads_params[] = {
	{ "threads", PARAM_INT, "2", 1, 64, NULL,
	    "threads doing the work" },
	{ "task", PARAM_CHOICE, "cpu", 0, 0, "cpu|io|mix",
	    "cpu: CPU-bound units; io: blocking waits; mix: threads-1 CPU "
	    "threads and one thread that blocks for 1 ms again and again" },
	{ "work_ms", PARAM_INT, "1000", 1, 600000, NULL,
	    "each thread's work in ms (of one idle core, or of blocking)" },
	{ "gil", PARAM_CHOICE, "new", 0, 0, "new|old|none",
	    "new: CPython 3.2+ switch interval; old: CPython 2 release every "
	    "check units; none: free-threaded" },
	{ "interval_us", PARAM_INT, "5000", 1, 1000000, NULL,
	    "new GIL: how long a waiter waits before asking for a switch" },
	{ "check", PARAM_INT, "100", 1, 1000000, NULL,
	    "old GIL: units between releases" },
	{ "limit", PARAM_INT, "0", 0, 64, NULL,
	    "task=io: a threading.Semaphore(N) around each thread's work; "
	    "0: none" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

struct threads {
	struct run		*run;
	enum threads_task	 task;
	enum gil_mode		 mode;
	unsigned		 nthreads;
	uint64_t		 interval_ns;
	unsigned		 check;
	uint64_t		 units;		/* per CPU thread */
	uint64_t		 work_ns;	/* per I/O thread */
	struct gil		 gil;
	atomic_uint		 cpu_left;	/* CPU threads not done yet */
	struct tsync_sem	 sem;		/* limit=N */

	/* The mix I/O thread's waits in ms, written by it alone, read after
	 * the join. */
	double			*lat;
	size_t			 nlat, lat_cap;
};

static void	threads_io_limited(struct threads *, struct worker *);
static void	threads_report_limit(struct threads *, struct run *);

/* What the thread with this index does. */
static enum threads_role
threads_role(const struct threads *th, unsigned index)
{
	if (th->task == TASK_CPU)
		return ROLE_CPU;
	if (th->task == TASK_IO)
		return ROLE_IO;
	return index == th->nthreads - 1 ? ROLE_MIXIO : ROLE_CPU;
}

/* Block for ns in pieces, GIL released; -1 if the run was stopped. */
static int
threads_io(struct worker *w, uint64_t ns)
{
	uint64_t	piece;

	while (ns > 0) {
		if (run_stopping(w->run))
			return -1;
		piece = ns < THREADS_IO_PIECE_NS ? ns : THREADS_IO_PIECE_NS;
		work_io(w, piece);
		ns -= piece;
	}
	return 0;
}

/*
 * One turn of the mix I/O loop: block for 1 ms, take the GIL back, run the
 * loop's few bytecodes.  Returns how long the wait really took, in ns.
 */
static uint64_t
threads_mix_turn(struct worker *w)
{
	uint64_t	t0, dt;

	t0 = clock_ns();
	work_io(w, THREADS_MIX_WAIT_NS);
	dt = clock_ns() - t0;
	work_cpu(w, THREADS_MIX_UNITS);
	return dt;
}

/*
 * The mix I/O thread: turns until the CPU threads are done (or work_ms of
 * them if there are none), each wait's length kept.
 */
static void
threads_mixio(struct threads *th, struct worker *w)
{
	uint64_t	dt, want = 0;

	if (th->nthreads == 1)
		want = (th->work_ns + THREADS_MIX_WAIT_NS - 1) /
		    THREADS_MIX_WAIT_NS;
	while (!run_stopping(th->run)) {
		if (want != 0 ? th->nlat >= want :
		    atomic_load(&th->cpu_left) == 0)
			break;
		dt = threads_mix_turn(w);
		if (th->nlat == th->lat_cap) {
			th->lat_cap = th->lat_cap ? 2 * th->lat_cap : 256;
			th->lat = xreallocarray(th->lat, th->lat_cap,
			    sizeof *th->lat);
		}
		th->lat[th->nlat++] = (double)dt / 1e6;
	}
}

/* One thread: its share of the work, the GIL held except while blocked. */
static void *
threads_worker(void *arg)
{
	struct worker	*w = arg;
	struct threads	*th = w->arg;

	run_workers_gate(w);
	gil_take(w->gil, w);
	switch (threads_role(th, w->index)) {
	case ROLE_CPU:
		work_cpu(w, th->units);
		atomic_fetch_sub(&th->cpu_left, 1);
		break;
	case ROLE_IO:
		threads_io_limited(th, w);
		break;
	case ROLE_MIXIO:
		threads_mixio(th, w);
		break;
	}
	gil_drop(w->gil, w);
	run_worker_done(w);
	return NULL;
}

/*
 * The same work one piece after another on the baseline's worker (its GIL
 * of the same mode): -1 if the run was stopped.
 */
static int
threads_sequential(struct worker *w, void *arg)
{
	struct threads	*th = arg;
	uint64_t	 k;
	unsigned	 i;
	int		 error = 0;

	for (i = 0; i < th->nthreads && error == 0; i++) {
		switch (threads_role(th, i)) {
		case ROLE_CPU:
			error = work_cpu(w, th->units);
			break;
		case ROLE_IO:
			error = threads_io(w, th->work_ns);
			break;
		case ROLE_MIXIO:
			for (k = 0; k < th->nlat && error == 0; k++) {
				threads_mix_turn(w);
				error = run_stopping(th->run) ? -1 : 0;
			}
			break;
		}
	}
	return error;
}

/* Report the figures, and what they mean. */
static void
threads_report(struct threads *th, struct run *r,
    const struct run_baseline *b)
{
	double	wall = (double)r->wall_ns / 1e6, seq = (double)b->ns / 1e6;
	double	speedup = wall > 0 ? seq / wall : 0, p50, p99;

	run_metric_float(r, "sequential_ms", seq);
	run_metric_float(r, "speedup", speedup);
	run_metric_float(r, "sequential_cpu_ms", (double)b->cpu_ns / 1e6);
	run_metric_int(r, "gil_switches", (int64_t)th->gil.switches);
	run_metric_float(r, "gil_wait_ms", (double)th->gil.wait_ns / 1e6);
	run_metric_int(r, "gil_failed_wakeups",
	    (int64_t)th->gil.failed_wakeups);
	run_metric_int(r, "gil_drop_requests", (int64_t)th->gil.drop_requests);
	run_metric_float(r, "gil_longest_wait_ms",
	    (double)th->gil.max_wait_ns / 1e6);
	run_note(r, "%u %s threads: %.1f ms together, %.1f ms one after "
	    "another: speedup %.2f", th->nthreads,
	    params_text(&r->params, "task"), wall, seq, speedup);
	if (th->task == TASK_MIX) {
		p50 = run_percentile(th->lat, th->nlat, 50);
		p99 = run_percentile(th->lat, th->nlat, 99);
		run_metric_int(r, "io_waits", (int64_t)th->nlat);
		run_metric_float(r, "io_latency_p50_ms", p50);
		run_metric_float(r, "io_latency_p99_ms", p99);
		run_note(r, "the I/O thread's 1 ms waits took %.2f ms at the "
		    "median, %.2f ms at p99 (%zu waits)", p50, p99, th->nlat);
		if (th->mode == GIL_NEW && p50 > 2)
			run_note(r, "convoy effect: after each wait it needs "
			    "the GIL back, and the CPU thread keeps it for a "
			    "whole switch interval");
	}
	switch (th->mode) {
	case GIL_NEW:
		run_note(r, "new GIL: %llu switches, %llu drop requests, "
		    "%.1f ms waiting for the lock in all",
		    (unsigned long long)th->gil.switches,
		    (unsigned long long)th->gil.drop_requests,
		    (double)th->gil.wait_ns / 1e6);
		break;
	case GIL_OLD:
		run_note(r, "old GIL: %llu failed wake-ups (a waiter woke and "
		    "found the lock taken again); longest wait %.1f ms",
		    (unsigned long long)th->gil.failed_wakeups,
		    (double)th->gil.max_wait_ns / 1e6);
		break;
	case GIL_NONE:
		run_note(r, "no GIL: CPU threads run on every core at once");
		break;
	}
}

/* Read the parameters into th. */
static void
threads_setup(struct threads *th, struct run *r)
{
	uint64_t	ns;

	th->run = r;
	th->nthreads = (unsigned)params_int(&r->params, "threads");
	th->task = (enum threads_task)params_choice(&r->params, "task");
	th->mode = (enum gil_mode)gil_mode_parse(params_text(&r->params,
	    "gil"));
	th->interval_ns = (uint64_t)params_int(&r->params, "interval_us") *
	    NS_PER_US;
	th->check = (unsigned)params_int(&r->params, "check");
	tsync_sem_init(&th->sem, th->task == TASK_IO ?
	    (unsigned)params_int(&r->params, "limit") : 0);
	ns = run_scaled_ns(r, (double)params_int(&r->params, "work_ms"));
	th->work_ns = ns;
	th->units = ns * work_units_per_ms() / NS_PER_MS;
	if (th->units == 0)
		th->units = 1;
}

/* Run the threads demo. */
static int
threads_run(struct run *r, char **cause)
{
	struct threads		 th;
	struct run_workers	 ws;
	struct run_baseline	 b;
	struct trace		*tr;
	struct gil		 seq_gil;
	char			 name[32];
	unsigned		 i, ncpu = 0;
	int			 use_gil, error;

	memset(&th, 0, sizeof th);
	threads_setup(&th, r);
	use_gil = th.mode != GIL_NONE;
	if ((tr = run_trace(r, th.nthreads + (use_gil ? 1 : 0), cause)) ==
	    NULL)
		return -1;
	gil_init(&th.gil, th.mode, th.interval_ns, th.check, tr,
	    use_gil ? (int)th.nthreads : -1);
	if (use_gil)
		trace_lane_init(tr, th.nthreads, "GIL", LANE_GIL);
	run_workers_init(&ws, r, tr, th.nthreads, "T", use_gil ? &th.gil :
	    NULL, &th);
	for (i = 0; i < th.nthreads; i++) {
		if (threads_role(&th, i) == ROLE_MIXIO) {
			snprintf(name, sizeof name, "T%u-io", i);
			trace_lane_init(tr, i, name, LANE_THREAD);
		}
		if (threads_role(&th, i) == ROLE_CPU)
			ncpu++;
	}
	atomic_init(&th.cpu_left, ncpu);

	run_begin(r);
	error = run_workers_start(&ws, 0, th.nthreads, threads_worker, cause);
	if (error == 0)
		error = run_workers_finish(&ws, cause);
	run_end(r);

	if (error == 0) {
		/* A GIL of the same mode, untraced, for the baseline. */
		gil_init(&seq_gil, th.mode, th.interval_ns, th.check, NULL,
		    -1);
		error = run_baseline(r, use_gil ? &seq_gil : NULL,
		    threads_sequential, &th, &b, cause);
		gil_free(&seq_gil);
	}
	if (error == 0) {
		threads_report(&th, r, &b);
		threads_report_limit(&th, r);
	}
	tsync_sem_free(&th.sem);
	run_workers_free(&ws);
	gil_free(&th.gil);
	free(th.lat);
	return error;
}

/*
 * task=io under limit=N: with sem: time.sleep(work_ms) -- a
 * threading.Semaphore(N) lets N threads at a time into one blocking call
 * (timed by the clock, so wakeup slack does not add up over pieces).
 */
static void
threads_io_limited(struct threads *th, struct worker *w)
{
	if (th->sem.limit == 0) {
		threads_io(w, th->work_ns);
		return;
	}
	if (tsync_sem_acquire(&th->sem, w) != 0)
		return;
	gil_drop(w->gil, w);
	trace_state(w->trace, w->lane, STATE_IO);
	aio_block(w->run, th->work_ns);
	tsync_sem_release(&th->sem);
	gil_take(w->gil, w);
}

/* The semaphore's figure: how many threads were inside at most. */
static void
threads_report_limit(struct threads *th, struct run *r)
{
	if (th->sem.limit == 0)
		return;
	run_metric_int(r, "max_in_flight", th->sem.max_held);
	run_note(r, "threading.Semaphore(%u): at most %u threads blocked in "
	    "I/O at once, the others waited for it (wait-lock)",
	    th->sem.limit, th->sem.max_held);
}

const struct demo_class demo_threads_class = {
	.name = "threads",
	.summary = "threads for CPU vs I/O work under a GIL",
	.params = threads_params,
	.run = threads_run,
};
