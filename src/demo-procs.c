/*
 * demo-procs.c -- processes on real cores, fork vs spawn, separate memory.
 *
 * `procs` worker processes each do work_ms of CPU work (calibrated units)
 * or of sleeping, then send a result back up a pipe, as Python's
 * multiprocessing.Process does with a Queue.  A process has its own
 * interpreter and so its own GIL: CPU work on two processes uses two cores,
 * which threads under a GIL cannot.  The same work is then run again, one
 * piece after another in parlab itself, and the ratio is the speedup.
 *
 * start=fork copies parlab (cheap: pages are shared copy-on-write);
 * start=spawn execs a fresh parlab that must map the trace, calibrate and
 * find its work by name before it can start.  Each child's lane shows that
 * as a `starting` segment, from the fork to the child's first event; its
 * median is start_ms.
 *
 * Separate memory: every child adds 1 to the global procs_counter at each
 * step of its work.  Each child sees its own copy climb; the parent's copy
 * still reads 0 at the end.  payload=N makes each result carry N bytes that
 * the child must build and the parent must read and check, so the cost of
 * sending data between processes (Python pickles it) shows on the lanes as
 * time spent in io after the work.
 *
 * parlab's own start is honestly cheaper than CPython's: a fork of parlab
 * copies a small C process, and a spawn execs it with no interpreter to
 * boot.  So each child also does, while its lane still shows `starting`,
 * calibrated CPU work standing for what CPython's multiprocessing spends
 * before the target runs: about 2 ms after a fork (the Process object,
 * pipes, a larger address space to copy) and about 50 ms after a spawn (an
 * interpreter starting, importing multiprocessing, unpickling the target),
 * from CPython 3.11 on a 2-core machine (doc reference figures).  start_ms
 * is the sum; the summary says which part was measured and which modelled.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

#define PROCS_STEP_NS	(10 * NS_PER_MS)	/* one counter step of work */
#define PROCS_BOOT_FORK_MS	2	/* modelled: CPython's start after fork */
#define PROCS_BOOT_SPAWN_MS	50	/* modelled: an interpreter's start-up */
#define PROCS_MSG_RESULT 1
/* payload x procs: what the children build at once and the parent reads. */
#define PROCS_PAYLOAD_TOTAL_MAX	(256 * 1024 * 1024)

enum procs_task { PROCS_CPU, PROCS_IO };

static const struct param_spec procs_params[] = {
	{ "procs", PARAM_INT, "2", 1, 256, NULL, "worker processes" },
	{ "start", PARAM_CHOICE, "fork", 0, 0, "fork|spawn",
	    "fork: copy parlab; spawn: exec a fresh parlab" },
	{ "task", PARAM_CHOICE, "cpu", 0, 0, "cpu|io",
	    "cpu: calibrated CPU work; io: sleep" },
	{ "work_ms", PARAM_INT, "1000", 1, 600000, NULL,
	    "work per process, in ms" },
	{ "payload", PARAM_INT, "0", 0, 64 * 1024 * 1024, NULL,
	    "bytes each process sends back with its result (payload x procs "
	    "at most 256 MiB)" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

/* What a child sends back, followed by the payload bytes. */
struct procs_result {
	int64_t		index;
	int64_t		counter;	/* the child's procs_counter at the end */
};

/* Incremented by the children, each in its own copy of memory. */
static int64_t	procs_counter;

/* The byte at offset i of child index's payload. */
static unsigned char
procs_payload_byte(size_t i, int64_t index)
{
	return (unsigned char)(i * 31 + (size_t)index * 7 + 1);
}

/*
 * Do ns of work as steps of PROCS_STEP_NS, adding 1 to *counter after each.
 * Returns -1 if the run was asked to stop.
 */
static int
procs_work(struct worker *w, enum procs_task task, uint64_t ns,
    int64_t *counter)
{
	uint64_t	step, units_per_ms = work_units_per_ms();

	while (ns > 0) {
		step = ns < PROCS_STEP_NS ? ns : PROCS_STEP_NS;
		if (task == PROCS_CPU) {
			if (work_cpu(w, step * units_per_ms / NS_PER_MS) != 0)
				return -1;
		} else {
			work_io(w, step);
			if (run_stopping(w->run))
				return -1;
		}
		(*counter)++;
		ns -= step;
	}
	trace_state(w->trace, w->lane, STATE_RUNNING);
	return 0;
}

/*
 * A worker process (fork or spawn): args are INDEX TASK WORK_NS PAYLOAD.
 * Work, then send the result and the payload up the pipe.
 */
static int
procs_worker(struct proc_ctx *ctx, int argc, char **argv, char **cause)
{
	struct procs_result	 res;
	enum procs_task		 task;
	unsigned char		*buf;
	uint64_t		 ns;
	size_t			 payload, i;
	int			 error;

	if (argc != 4) {
		xasprintf(cause, "procs worker: %d arguments, not 4", argc);
		return -1;
	}
	res.index = strtoll(argv[0], NULL, 10);
	task = strcmp(argv[1], "io") == 0 ? PROCS_IO : PROCS_CPU;
	ns = strtoull(argv[2], NULL, 10);
	payload = strtoull(argv[3], NULL, 10);
	/* The interpreter's start, modelled: still `starting`. */
	trace_state(ctx->trace, ctx->lane, STATE_STARTING);
	if (work_cpu(ctx->w, (uint64_t)(ctx->how == PROC_SPAWN ?
	    PROCS_BOOT_SPAWN_MS : PROCS_BOOT_FORK_MS) * work_units_per_ms()) != 0)
		return 0;
	trace_state(ctx->trace, ctx->lane, STATE_RUNNING);
	if (procs_work(ctx->w, task, ns, &procs_counter) != 0)
		return 0;
	res.counter = procs_counter;

	/* Serialise: build the result and its payload, then send it. */
	buf = xmalloc(sizeof res + payload);
	memcpy(buf, &res, sizeof res);
	for (i = 0; i < payload; i++)
		buf[sizeof res + i] = procs_payload_byte(i, res.index);
	trace_point(ctx->trace, ctx->lane, EV_RESULT, (int64_t)payload);
	trace_state(ctx->trace, ctx->lane, STATE_IO);
	error = proc_send(ctx->out, PROCS_MSG_RESULT, buf, sizeof res +
	    payload);
	free(buf);
	if (error != 0)
		xasprintf(cause, "procs worker: cannot send the result");
	return error;
}

/*
 * The rule across parameters: payload x procs at most
 * PROCS_PAYLOAD_TOTAL_MAX, since every child builds its payload at once
 * (procs=16 payload=64 MiB took 1.1 GB at peak).
 */
static int
procs_check(const struct params *p, char **cause)
{
	int64_t	total = params_int(p, "payload") * params_int(p, "procs");

	if (total <= PROCS_PAYLOAD_TOTAL_MAX)
		return 0;
	xasprintf(cause, "payload=%lld with procs=%lld is %lld bytes in all: "
	    "out of range, payload x procs is at most %d (256 MiB)",
	    (long long)params_int(p, "payload"),
	    (long long)params_int(p, "procs"), (long long)total,
	    PROCS_PAYLOAD_TOTAL_MAX);
	return -1;
}

/* Check one result message; fill counters[index]. */
static int
procs_take_result(struct run *r, uint32_t type, const unsigned char *body,
    size_t len, int64_t *counters, unsigned nprocs, char **cause)
{
	struct procs_result	res;
	size_t			payload = (size_t)params_int(&r->params,
				    "payload"), i;

	if (type == PROC_MSG_ERROR) {
		xasprintf(cause, "a worker failed: %s", (const char *)body);
		return -1;
	}
	if (type != PROCS_MSG_RESULT || len != sizeof res + payload) {
		xasprintf(cause, "a worker sent a bad result (%zu bytes)", len);
		return -1;
	}
	memcpy(&res, body, sizeof res);
	if (res.index < 0 || res.index >= (int64_t)nprocs) {
		xasprintf(cause, "a worker sent index %lld", (long long)res.index);
		return -1;
	}
	for (i = 0; i < payload; i++) {
		if (body[sizeof res + i] != procs_payload_byte(i, res.index)) {
			xasprintf(cause, "worker %lld's payload is corrupt at "
			    "byte %zu", (long long)res.index, i);
			return -1;
		}
	}
	counters[res.index] = res.counter;
	return 0;
}

/*
 * Start every child, then gather one result from each and reap it,
 * noticing a stop request at least every 50 ms.
 */
static int
procs_parallel(struct run *r, struct trace *tr, struct proc *ps,
    unsigned nprocs, int64_t *counters, char **cause)
{
	char		 sidx[24], sns[24], *args[4], *spay;
	struct proc_spec spec = { PROC_FORK, tr, 0, nprocs, 0, "procs", 4,
			     args };
	void		*body;
	size_t		 len;
	uint32_t	 type;
	unsigned	 i, got = 0;
	int		 k, rv;

	if (params_choice(&r->params, "start") != 0)
		spec.how = PROC_SPAWN;
	args[1] = (char *)params_text(&r->params, "task");
	snprintf(sns, sizeof sns, "%llu", (unsigned long long)
	    run_scaled_ns(r, (double)params_int(&r->params, "work_ms")));
	args[2] = sns;
	spay = (char *)params_text(&r->params, "payload");
	args[3] = spay;
	for (i = 0; i < nprocs; i++) {
		snprintf(sidx, sizeof sidx, "%u", i);
		args[0] = sidx;
		spec.lane = i;
		if (proc_start(&ps[i], &spec, cause) != 0)
			return -1;
	}
	while (got < nprocs) {
		if (run_stop_cause(r, cause) != 0)
			return -1;
		if ((k = proc_ready(ps, nprocs, 50)) < 0)
			continue;
		rv = proc_recv(ps[k].in, &type, &body, &len, cause);
		/* An end with no result: its exit status says why. */
		if (rv == 1 && proc_wait(&ps[k], cause) == 0)
			xasprintf(cause, "worker %d ended without a result", k);
		if (rv == 0)
			rv = procs_take_result(r, type, body, len, counters,
			    nprocs, cause);
		free(body);
		if (rv != 0 || proc_wait(&ps[k], cause) != 0)
			return -1;
		got++;
	}
	return 0;
}

/* The same work, one piece after another, on the baseline's worker. */
static int
procs_sequential(struct worker *w, void *arg)
{
	struct run	*r = arg;
	uint64_t	 ns = run_scaled_ns(r, (double)params_int(&r->params,
			     "work_ms"));
	int64_t		 steps = 0;
	unsigned	 i, nprocs = (unsigned)params_int(&r->params, "procs");

	for (i = 0; i < nprocs; i++)
		if (procs_work(w, (enum procs_task)params_choice(&r->params,
		    "task"), ns, &steps) != 0)
			return -1;
	return 0;
}

/* Report the figures: speedup, start latency, cores, the two memories. */
static void
procs_report(struct run *r, struct trace *tr, unsigned nprocs,
    uint64_t seq_ns, const int64_t *counters)
{
	struct lane_stats	 st;
	double			*starts, wall = (double)r->wall_ns / 1e6;
	double			 seq = (double)seq_ns / 1e6, start_ms;
	int			 spawn = params_choice(&r->params, "start") != 0;
	double			 boot = spawn ? PROCS_BOOT_SPAWN_MS :
				    PROCS_BOOT_FORK_MS;
	uint64_t		 cores = 0;
	unsigned		 i, ncores = 0;

	starts = xcalloc(nprocs, sizeof *starts);
	for (i = 0; i < nprocs; i++) {
		run_lane_stats(tr, i, &st);
		starts[i] = st.start_ms;
		cores |= st.cores;
	}
	start_ms = run_median(starts, nprocs);
	for (i = 0; i < TRACE_MAX_CORES; i++)
		ncores += (cores >> i) & 1;

	run_metric_float(r, "sequential_ms", seq);
	run_metric_float(r, "speedup", wall > 0 ? seq / wall : 0);
	run_metric_float(r, "start_ms", start_ms);
	run_metric_float(r, "start_ms_max", starts[nprocs - 1]);
	run_metric_float(r, "start_modelled_ms", boot);
	run_metric_float(r, "start_measured_ms", start_ms > boot ?
	    start_ms - boot : 0);
	run_metric_int(r, "cores_used", ncores);
	run_metric_int(r, "child_counter", counters[0]);
	run_metric_ints(r, "child_counters", counters, nprocs);
	run_metric_int(r, "parent_counter", procs_counter);
	run_metric_int(r, "payload_bytes", params_int(&r->params, "payload") *
	    (int64_t)nprocs);

	run_note(r, "%u processes (%s) in %.1f ms; the same work one after "
	    "another: %.1f ms; speedup %.2fx on %u core%s", nprocs,
	    params_text(&r->params, "start"), wall, seq, wall > 0 ?
	    seq / wall : 0, ncores, ncores == 1 ? "" : "s");
	run_note(r, "median start (%s to the child's first event): %.2f ms: "
	    "%.2f ms measured (parlab's own %s) and %.0f ms modelled (the "
	    "CPython interpreter's %s, calibrated work)",
	    params_text(&r->params, "start"), start_ms, start_ms > boot ?
	    start_ms - boot : 0, params_text(&r->params, "start"), boot,
	    spawn ? "start-up in a fresh process" : "set-up after a fork");
	run_note(r, "each child counted to %lld in its own memory; the "
	    "parent's counter still reads %lld", (long long)counters[0],
	    (long long)procs_counter);
	free(starts);
}

/* Run the procs demo. */
static int
procs_run(struct run *r, char **cause)
{
	struct trace		*tr;
	struct proc		*ps;
	struct run_baseline	 b;
	int64_t			*counters;
	unsigned		 i, nprocs = (unsigned)params_int(&r->params,
				     "procs");
	char			 name[32];
	int			 error;

	if ((tr = run_trace(r, nprocs, cause)) == NULL)
		return -1;
	for (i = 0; i < nprocs; i++) {
		snprintf(name, sizeof name, "P%u", i);
		trace_lane_init(tr, i, name, LANE_PROCESS);
	}
	ps = xcalloc(nprocs, sizeof *ps);
	counters = xcalloc(nprocs, sizeof *counters);

	run_begin(r);
	error = procs_parallel(r, tr, ps, nprocs, counters, cause);
	if (error != 0)
		proc_stop_all();	/* every child, even the good ones */
	run_end(r);
	if (error == 0)
		error = run_baseline(r, NULL, procs_sequential, r, &b, cause);
	if (error == 0)
		procs_report(r, tr, nprocs, b.ns, counters);
	free(counters);
	free(ps);
	return error;
}

const struct demo_class demo_procs_class = {
	.name = "procs",
	.summary = "processes on real cores, fork vs spawn",
	.params = procs_params,
	.run = procs_run,
	.check = procs_check,
	.worker = procs_worker,
};
