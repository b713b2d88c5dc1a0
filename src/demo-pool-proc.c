/*
 * demo-pool-proc.c -- the pool demo's process backend (demo-pool.c).
 *
 * `workers` forked processes (proc.c), each its own interpreter, one lane
 * each.  The parent keeps the queue of submitted chunks; whenever a worker
 * is idle it sends that worker the next chunk down its task pipe, as a
 * message of the chunk's first item, its length and its inputs, and reads
 * the same message back with the results in place of the inputs.  Each
 * chunk so costs a round trip between processes, which is what chunksize
 * amortises.  Only the parent's one thread touches the futures, the queue
 * and the counter lane here, so no lock is needed.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/*
 * A pool worker process: args are FN WORK_NS.  Read a chunk, run it item by
 * item, send the results back; end at the end of the task pipe.
 */
int
pool_proc_worker(struct proc_ctx *ctx, int argc, char **argv, char **cause)
{
	enum pool_fn	 fn;
	uint64_t	 work_ns, *msg, first, n, i;
	int64_t		 fail;
	int64_t		*vals;
	uint32_t	 type;
	size_t		 len;
	void		*body;
	int		 rv;

	if (argc != 3) {
		xasprintf(cause, "pool worker: %d arguments, not 3", argc);
		return -1;
	}
	fn = (enum pool_fn)strtol(argv[0], NULL, 10);
	work_ns = strtoull(argv[1], NULL, 10);
	fail = strtoll(argv[2], NULL, 10);
	for (;;) {
		trace_state(ctx->trace, ctx->lane, STATE_QUEUE_WAIT);
		if ((rv = proc_recv(ctx->in, &type, &body, &len, cause)) != 0)
			return rv == 1 ? 0 : -1;
		trace_state(ctx->trace, ctx->lane, STATE_RUNNING);
		msg = body;
		if (type != POOL_MSG_CHUNK || len < 2 * sizeof *msg ||
		    len != (2 + msg[1]) * sizeof *msg) {
			free(body);
			xasprintf(cause, "pool worker: a bad task message");
			return -1;
		}
		first = msg[0];
		n = msg[1];
		vals = (int64_t *)(msg + 2);
		for (i = 0; i < n; i++) {
			trace_point(ctx->trace, ctx->lane, EV_LABEL,
			    (int64_t)(first + i));
			vals[i] = pool_call(ctx->w, fn, work_ns, vals[i], fail);
			trace_state(ctx->trace, ctx->lane, STATE_RUNNING);
		}
		rv = proc_send(ctx->out, POOL_MSG_RESULTS, body, len);
		free(body);
		if (rv != 0) {
			xasprintf(cause, "pool worker: cannot send results");
			return -1;
		}
	}
}

/* Fork the worker processes. */
static int
pool_proc_start(struct pool *p, char **cause)
{
	char			 sfn[8], sns[24], sfail[24];
	char			*args[3] = { sfn, sns, sfail };
	struct proc_spec	 spec = { PROC_FORK, p->tr, 0, p->nworkers, 1,
				     "pool", 3, args };
	unsigned		 i;

	p->procs = xcalloc(p->nworkers, sizeof *p->procs);
	p->busy = xcalloc(p->nworkers, sizeof *p->busy);
	snprintf(sfn, sizeof sfn, "%d", (int)p->fn);
	snprintf(sns, sizeof sns, "%llu", (unsigned long long)p->work_ns);
	snprintf(sfail, sizeof sfail, "%lld", (long long)p->fail);
	for (i = 0; i < p->nworkers; i++) {
		p->busy[i] = SIZE_MAX;
		p->procs[i].in = p->procs[i].out = -1;
		p->procs[i].pid = -1;
		spec.lane = i;
		if (proc_start(&p->procs[i], &spec, cause) != 0)
			return -1;
	}
	return 0;
}

/* Queue a chunk; the wait loop hands it to the next idle worker. */
static void
pool_proc_submit(struct pool *p, size_t c)
{
	p->queue[p->qtail++] = c;
	pool_chunk_submitted(p, c);
}

/* Send queued chunks to idle workers. */
static int
pool_proc_dispatch(struct pool *p, char **cause)
{
	uint64_t	*msg;
	size_t		 c, i, len;
	unsigned	 k;
	int		 rv;

	for (k = 0; k < p->nworkers && p->qhead < p->qtail; k++) {
		if (p->busy[k] != SIZE_MAX)
			continue;
		c = p->queue[p->qhead++];
		len = (2 + p->chunks[c].n) * sizeof *msg;
		msg = xmalloc(len);
		msg[0] = p->chunks[c].first;
		msg[1] = p->chunks[c].n;
		for (i = 0; i < p->chunks[c].n; i++)
			memcpy(&msg[2 + i], &p->futures[msg[0] + i].arg,
			    sizeof msg[i]);
		rv = proc_send(p->procs[k].out, POOL_MSG_CHUNK, msg, len);
		free(msg);
		if (rv != 0) {
			xasprintf(cause, "cannot send a task to worker %u", k);
			return -1;
		}
		p->messages++;
		p->busy[k] = c;
		pool_chunk_running(p, c, (int)k);
	}
	return 0;
}

/* Take one worker's results; its futures are done. */
static int
pool_proc_results(struct pool *p, unsigned k, char **cause)
{
	uint64_t	*msg;
	uint32_t	 type;
	size_t		 len, c = p->busy[k], i;
	void		*body;
	int		 rv;

	if ((rv = proc_recv(p->procs[k].in, &type, &body, &len, cause)) != 0) {
		/* An end with no result: its exit status says why. */
		if (rv == 1 && proc_wait(&p->procs[k], cause) == 0)
			xasprintf(cause, "worker %u ended early", k);
		return -1;
	}
	msg = body;
	if (type == PROC_MSG_ERROR) {
		xasprintf(cause, "worker %u failed: %s", k, (char *)body);
		free(body);
		return -1;
	}
	if (type != POOL_MSG_RESULTS || c == SIZE_MAX ||
	    len != (2 + p->chunks[c].n) * sizeof *msg ||
	    msg[0] != p->chunks[c].first || msg[1] != p->chunks[c].n) {
		free(body);
		xasprintf(cause, "worker %u sent results it was not asked "
		    "for", k);
		return -1;
	}
	p->messages++;
	for (i = 0; i < msg[1]; i++)
		pool_future_done(p, msg[0] + i, ((int64_t *)msg)[2 + i],
		    (int)k);
	free(body);
	p->busy[k] = SIZE_MAX;
	return 0;
}

/* Hand out chunks and gather results until every future is done. */
static int
pool_proc_wait(struct pool *p, char **cause)
{
	int	k;

	while (p->ndone < p->nitems) {
		if (pool_proc_dispatch(p, cause) != 0)
			return -1;
		if (run_stop_cause(p->run, cause) != 0)
			return -1;
		if ((k = proc_ready(p->procs, p->nworkers, 50)) < 0)
			continue;
		if (pool_proc_results(p, (unsigned)k, cause) != 0)
			return -1;
	}
	return 0;
}

/* End the workers: in order (end of tasks, then reap), or by force. */
static void
pool_proc_shutdown(struct pool *p, int failed)
{
	char		*cause = NULL;
	unsigned	 i;

	if (failed)
		proc_stop_all();
	for (i = 0; i < p->nworkers; i++) {
		proc_close_tasks(&p->procs[i]);
		if (proc_wait(&p->procs[i], &cause) != 0) {
			run_note(p->run, "%s", cause);
			free(cause);
			cause = NULL;
		}
	}
	free(p->procs);
	free(p->busy);
}

const struct pool_backend pool_proc_backend = {
	pool_proc_start, pool_proc_submit, pool_proc_wait, pool_proc_shutdown
};
