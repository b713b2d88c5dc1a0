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
 * boot.  So each child also replays, while its lane still shows `starting`,
 * what CPython's multiprocessing spends before the target runs (pyboot.c):
 * the pages a CPython child touches (copy-on-write after a fork, from a
 * parent holding a heap the size of CPython's; fresh after a spawn) and its
 * CPU as calibrated work (7 ms after a fork, 69 ms after a spawn); after a
 * fork the parent goes on writing to pages it shares with the child, as
 * CPython's Process.start() does; with spawn, multiprocessing's resource
 * tracker starts beside the first child.
 * start_ms is the sum; each child times its modelled part, and the summary
 * says which part was measured and which modelled.
 *
 * share=shm puts the payload in a named shared-memory segment
 * (multiprocessing.shared_memory) that the parent made: the child writes it
 * in place and sends only its small result, so nothing big crosses the
 * pipe.  transfer_ms is, per child, the time from its payload being ready
 * to the parent holding the result (both read CLOCK_MONOTONIC, one clock
 * for every process).
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parlab.h"

#define PROCS_STEP_NS	(10 * NS_PER_MS)	/* one counter step of work */
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
	{ "share", PARAM_CHOICE, "pickle", 0, 0, "pickle|shm",
	    "pickle: the payload goes through the pipe; shm: through shared "
	    "memory" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

/* What a child sends back, followed by the payload bytes. */
struct procs_result {
	int64_t		index;
	int64_t		counter;	/* the child's procs_counter at the end */
	uint64_t	sent_ns;	/* clock_ns() when its payload was ready */
	uint64_t	boot_ns;	/* its modelled start (pyboot.c) took */
};

/*
 * share=shm: each child's segment; per child, how long the result took,
 * and how long its modelled start did.
 */
struct procs_share {
	int		 shm;
	struct share	*seg;		/* one per child, shm only */
	uint64_t	*transfer_ns;
	uint64_t	*boot_ns;
};

static int	procs_send_shm(struct proc_ctx *, struct procs_result *,
		    const char *, size_t, char **);
static int	procs_shares_create(struct procs_share *, unsigned, size_t,
		    char **);
static void	procs_shares_free(struct procs_share *, unsigned);
static void	procs_report_share(struct run *, struct procs_share *,
		    unsigned);

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

	/* INDEX TASK NS PAYLOAD [SHM-NAME]: without a name, the pipe. */
	if (argc != 4 && argc != 5) {
		xasprintf(cause, "procs worker: %d arguments, not 4 or 5",
		    argc);
		return -1;
	}
	res.index = strtoll(argv[0], NULL, 10);
	task = strcmp(argv[1], "io") == 0 ? PROCS_IO : PROCS_CPU;
	ns = strtoull(argv[2], NULL, 10);
	payload = strtoull(argv[3], NULL, 10);
	/* The interpreter's start, modelled: still `starting`. */
	trace_state(ctx->trace, ctx->lane, STATE_STARTING);
	if (pyboot_run(ctx->w, ctx->how, &res.boot_ns) != 0)
		return 0;
	trace_state(ctx->trace, ctx->lane, STATE_RUNNING);
	if (procs_work(ctx->w, task, ns, &procs_counter) != 0)
		return 0;
	res.counter = procs_counter;
	if (argc == 5 && strcmp(argv[4], "-") != 0)
		return procs_send_shm(ctx, &res, argv[4], payload, cause);

	/* Serialise: build the result and its payload, then send it. */
	buf = xmalloc(sizeof res + payload);
	for (i = 0; i < payload; i++)
		buf[sizeof res + i] = procs_payload_byte(i, res.index);
	res.sent_ns = clock_ns();
	memcpy(buf, &res, sizeof res);
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
    size_t len, int64_t *counters, unsigned nprocs, struct procs_share *sh,
    char **cause)
{
	struct procs_result	res;
	size_t			payload = (size_t)params_int(&r->params,
				    "payload"), i, inpipe = sh->shm ? 0 : payload;
	uint64_t		now = clock_ns();
	const unsigned char	*data;

	if (type == PROC_MSG_ERROR) {
		xasprintf(cause, "a worker failed: %s", (const char *)body);
		return -1;
	}
	if (type != PROCS_MSG_RESULT || len != sizeof res + inpipe) {
		xasprintf(cause, "a worker sent a bad result (%zu bytes)", len);
		return -1;
	}
	memcpy(&res, body, sizeof res);
	if (res.index < 0 || res.index >= (int64_t)nprocs) {
		xasprintf(cause, "a worker sent index %lld", (long long)res.index);
		return -1;
	}
	sh->transfer_ns[res.index] = now > res.sent_ns ? now - res.sent_ns : 0;
	sh->boot_ns[res.index] = res.boot_ns;
	data = sh->shm ? sh->seg[res.index].base : body + sizeof res;
	for (i = 0; i < payload; i++) {
		if (data[i] != procs_payload_byte(i, res.index)) {
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
    unsigned nprocs, int64_t *counters, struct procs_share *sh, char **cause)
{
	char		 sidx[24], sns[24], *args[5], *spay, dash[] = "-";
	struct proc_spec spec = { PROC_FORK, tr, 0, nprocs, 0, "procs", 5,
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
	/* multiprocessing starts its resource tracker with the first spawned
	 * child (pyboot.c). */
	if (spec.how == PROC_SPAWN && pyboot_tracker_start(cause) != 0)
		return -1;
	for (i = 0; i < nprocs; i++) {
		snprintf(sidx, sizeof sidx, "%u", i);
		args[0] = sidx;
		args[4] = sh->shm ? sh->seg[i].name : dash;
		spec.lane = i;
		if (proc_start(&ps[i], &spec, cause) != 0)
			return -1;
		if (spec.how == PROC_FORK)
			pyboot_forked();	/* CPython's parent goes on */
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
			    nprocs, sh, cause);
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
    uint64_t seq_ns, const int64_t *counters, const uint64_t *boot_ns)
{
	struct lane_stats	 st;
	double			*starts, *boots, wall = (double)r->wall_ns / 1e6;
	double			 seq = (double)seq_ns / 1e6, start_ms, boot;
	int			 spawn = params_choice(&r->params, "start") != 0;
	uint64_t		 cores = 0;
	unsigned		 i, ncores = 0;

	starts = xcalloc(nprocs, sizeof *starts);
	boots = xcalloc(nprocs, sizeof *boots);
	for (i = 0; i < nprocs; i++) {
		run_lane_stats(tr, i, &st);
		starts[i] = st.start_ms;
		boots[i] = (double)boot_ns[i] / 1e6;
		cores |= st.cores;
	}
	start_ms = run_median(starts, nprocs);
	boot = run_median(boots, nprocs);
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
	    "%.2f ms measured (parlab's own %s) and %.2f ms modelled (what "
	    "a CPython child spends first: %s, and calibrated work%s)",
	    params_text(&r->params, "start"), start_ms, start_ms > boot ?
	    start_ms - boot : 0, params_text(&r->params, "start"), boot,
	    spawn ? "a fresh interpreter's pages touched" : "its pages "
	    "copied on write from a parent of CPython's size", spawn ?
	    ", beside multiprocessing's resource tracker starting" : "");
	run_note(r, "each child counted to %lld in its own memory; the "
	    "parent's counter still reads %lld", (long long)counters[0],
	    (long long)procs_counter);
	free(boots);
	free(starts);
}

/* Run the procs demo. */
static int
procs_run(struct run *r, char **cause)
{
	struct trace		*tr;
	struct proc		*ps;
	struct run_baseline	 b;
	struct procs_share	 sh;
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
	memset(&sh, 0, sizeof sh);
	sh.transfer_ns = xcalloc(nprocs, sizeof *sh.transfer_ns);
	sh.boot_ns = xcalloc(nprocs, sizeof *sh.boot_ns);
	if ((params_choice(&r->params, "share") == 1 && procs_shares_create(&sh,
	    nprocs, (size_t)params_int(&r->params, "payload"), cause) != 0) ||
	    (params_choice(&r->params, "start") == 0 &&
	    pyboot_heap_create(cause) != 0)) {
		procs_shares_free(&sh, sh.seg != NULL ? nprocs : 0);
		free(counters);
		free(ps);
		return -1;
	}

	run_begin(r);
	error = procs_parallel(r, tr, ps, nprocs, counters, &sh, cause);
	if (error != 0)
		proc_stop_all();	/* every child, even the good ones */
	run_end(r);
	pyboot_heap_free();	/* the forked children are gone */
	pyboot_tracker_join();
	if (error == 0)
		error = run_baseline(r, NULL, procs_sequential, r, &b, cause);
	if (error == 0)
		procs_report(r, tr, nprocs, b.ns, counters, sh.boot_ns);
	if (error == 0)
		procs_report_share(r, &sh, nprocs);
	procs_shares_free(&sh, nprocs);
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

/*
 * share=shm in the child: write the payload straight into the parent's
 * segment, then send only the result.
 */
static int
procs_send_shm(struct proc_ctx *ctx, struct procs_result *res,
    const char *name, size_t payload, char **cause)
{
	struct share	seg;
	size_t		i;

	if (share_attach(&seg, name, payload, cause) != 0)
		return -1;
	for (i = 0; i < payload; i++)
		seg.base[i] = procs_payload_byte(i, res->index);
	share_free(&seg);
	res->sent_ns = clock_ns();
	trace_point(ctx->trace, ctx->lane, EV_RESULT, (int64_t)payload);
	trace_state(ctx->trace, ctx->lane, STATE_IO);
	if (proc_send(ctx->out, PROCS_MSG_RESULT, res, sizeof *res) != 0) {
		xasprintf(cause, "procs worker: cannot send the result");
		return -1;
	}
	return 0;
}

/*
 * share=shm: one segment per child, named after parlab's pid.  -1 if one
 * cannot be made; those made are freed.
 */
static int
procs_shares_create(struct procs_share *sh, unsigned n, size_t payload,
    char **cause)
{
	char		name[64];
	unsigned	i, j;

	sh->seg = xcalloc(n, sizeof *sh->seg);
	sh->shm = 1;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "/parlab-%ld-%u", (long)getpid(), i);
		if (share_create(&sh->seg[i], name, payload, cause) != 0) {
			for (j = 0; j < i; j++)
				share_free(&sh->seg[j]);
			free(sh->seg);
			sh->seg = NULL;
			return -1;
		}
	}
	return 0;
}

/* Unmap and unlink the segments made so far. */
static void
procs_shares_free(struct procs_share *sh, unsigned n)
{
	unsigned	i;

	for (i = 0; sh->seg != NULL && i < n; i++)
		share_free(&sh->seg[i]);
	free(sh->seg);
	free(sh->transfer_ns);
	free(sh->boot_ns);
	sh->seg = NULL;
	sh->transfer_ns = NULL;
	sh->boot_ns = NULL;
}

/*
 * The payload's way back: pipe or shared memory, and how long it took.
 * The parent takes results one at a time, so a child may wait behind
 * another's check: the quickest child's time is the transfer itself.
 */
static void
procs_report_share(struct run *r, struct procs_share *sh, unsigned n)
{
	uint64_t	min = UINT64_MAX, max = 0;
	unsigned	i;

	for (i = 0; i < n; i++) {
		if (sh->transfer_ns[i] < min)
			min = sh->transfer_ns[i];
		if (sh->transfer_ns[i] > max)
			max = sh->transfer_ns[i];
	}
	run_metric_float(r, "transfer_ms", (double)min / 1e6);
	run_metric_float(r, "transfer_ms_max", (double)max / 1e6);
	run_note(r, "payload of %lld bytes each %s: %.2f ms from a child's "
	    "payload being ready to the parent holding it (%.2f ms for the "
	    "last in line)", (long long)params_int(&r->params, "payload"),
	    sh->shm ? "written in shared memory, only the result piped" :
	    "pickled through the pipe", (double)min / 1e6, (double)max / 1e6);
}
