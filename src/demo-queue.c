/*
 * demo-queue.c -- a thread-safe FIFO between producers and consumers.
 *
 * The queue is Python's queue.Queue in C: one mutex, and two condition
 * variables on it, not_empty (consumers wait there) and not_full
 * (producers wait there when capacity > 0).  A put waits while the queue
 * is full, appends, and signals not_empty; a get waits while it is empty,
 * takes the oldest item, and signals not_full.  capacity=0 is unbounded: the
 * ring buffer grows instead.
 *
 * Each producer puts `items` items, item = producer << 32 | seq, sleeping
 * produce_us before each (the time it takes to make one); each consumer
 * gets items and sleeps consume_us after each, until all producers*items
 * have been taken.  The consumer that takes the last item wakes the others
 * (broadcast), and a consumer waiting on an empty queue leaves once every
 * item has been taken: no busy wait, no hang.  Waits are timed (100 ms) only
 * so that a stop request (the TUI's q) is noticed.
 *
 * What the demo checks, under the queue mutex at each get: that every
 * producer's items come out in the order it put them (fifo_ok), and, in a
 * bitmap, that no item comes out twice; after the join, that none is
 * missing.  The queue's depth is a counter lane ("depth"), written under
 * the mutex, which gives that lane one writer at a time.  A thread blocked
 * on a full or an empty queue shows queue-wait.
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parlab.h"

#define QUEUE_STOP_CHECK_NS	(100 * NS_PER_MS)

static const struct param_spec queue_params[] = {
	{ "producers", PARAM_INT, "10", 1, 256, NULL,
	    "threads putting items" },
	{ "consumers", PARAM_INT, "1", 1, 256, NULL,
	    "threads getting items" },
	{ "items", PARAM_INT, "10", 1, 1000000, NULL,
	    "items each producer puts" },
	{ "capacity", PARAM_INT, "0", 0, 1000000, NULL,
	    "most items the queue holds (0: unbounded)" },
	{ "produce_us", PARAM_INT, "0", 0, 1000000, NULL,
	    "time to make one item (a sleep before each put)" },
	{ "consume_us", PARAM_INT, "0", 0, 1000000, NULL,
	    "time to use one item (a sleep after each get)" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

struct queue {
	struct run	*run;
	struct trace	*trace;
	unsigned	 depth_lane;
	unsigned	 nproducers, nconsumers;
	uint64_t	 items;		/* per producer */
	uint64_t	 total;		/* producers * items */
	size_t		 capacity;	/* 0: unbounded */
	uint64_t	 produce_ns, consume_ns;

	/* Everything below is under mutex. */
	pthread_mutex_t	 mutex;
	pthread_cond_t	 not_empty;
	pthread_cond_t	 not_full;
	uint64_t	*buf;		/* ring of bcap slots */
	size_t		 bcap, head, count;
	size_t		 max_depth;
	uint64_t	 put, got;
	uint64_t	*next_seq;	/* per producer: the seq due next */
	uint8_t		*seen;		/* bit per item */
	uint64_t	 duplicates;
	int		 fifo_ok;
	uint64_t	 put_wait_ns, get_wait_ns;
};

/*
 * Wait on cond (under mutex) for at most QUEUE_STOP_CHECK_NS, showing the
 * lane in queue-wait; the caller re-checks its condition.
 */
static void
queue_wait(struct queue *q, struct worker *w, pthread_cond_t *cond)
{
	struct timespec	ts;
	uint64_t	deadline;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec +
	    QUEUE_STOP_CHECK_NS;
	ts.tv_sec = (time_t)(deadline / NS_PER_SEC);
	ts.tv_nsec = (long)(deadline % NS_PER_SEC);
	trace_enter(w->trace, w->lane, STATE_QUEUE_WAIT);
	pthread_cond_timedwait(cond, &q->mutex, &ts);
}

/* Show the depth on the counter lane. Under mutex. */
static void
queue_show_depth(struct queue *q)
{
	trace_point(q->trace, q->depth_lane, EV_COUNTER, (int64_t)q->count);
}

/* Append v to the ring, growing it if it is full. Under mutex. */
static void
queue_push(struct queue *q, uint64_t v)
{
	uint64_t	*nbuf;
	size_t		 ncap, i;

	if (q->count == q->bcap) {
		ncap = q->bcap ? 2 * q->bcap : 64;
		nbuf = xcalloc(ncap, sizeof *nbuf);
		for (i = 0; i < q->count; i++)
			nbuf[i] = q->buf[(q->head + i) % q->bcap];
		free(q->buf);
		q->buf = nbuf;
		q->bcap = ncap;
		q->head = 0;
	}
	q->buf[(q->head + q->count) % q->bcap] = v;
	q->count++;
}

/* Take the oldest item off the ring. Under mutex, count > 0. */
static uint64_t
queue_pop(struct queue *q)
{
	uint64_t	v = q->buf[q->head];

	q->head = (q->head + 1) % q->bcap;
	q->count--;
	return v;
}

/* Put v, waiting while the queue is full; -1 if the run was stopped. */
static int
queue_put(struct queue *q, struct worker *w, uint64_t v)
{
	uint64_t	t0 = 0;
	int		waited = 0;

	pthread_mutex_lock(&q->mutex);
	while (q->capacity != 0 && q->count >= q->capacity) {
		if (run_stopping(q->run)) {
			pthread_mutex_unlock(&q->mutex);
			return -1;
		}
		if (!waited)
			t0 = clock_ns();
		waited = 1;
		queue_wait(q, w, &q->not_full);
	}
	if (waited) {
		q->put_wait_ns += clock_ns() - t0;
		trace_state(w->trace, w->lane, STATE_RUNNING);
	}
	queue_push(q, v);
	q->put++;
	if (q->count > q->max_depth)
		q->max_depth = q->count;
	trace_point(w->trace, w->lane, EV_QUEUE_PUT, (int64_t)q->count);
	queue_show_depth(q);
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->mutex);
	return 0;
}

/* Check a got item's order and uniqueness. Under mutex. */
static void
queue_check(struct queue *q, uint64_t v)
{
	uint64_t	p = v >> 32, seq = v & 0xffffffffu, bit;

	if (p >= q->nproducers || seq >= q->items) {
		q->fifo_ok = 0;
		return;
	}
	if (seq != q->next_seq[p])
		q->fifo_ok = 0;
	q->next_seq[p] = seq + 1;
	bit = p * q->items + seq;
	if (q->seen[bit / 8] & (1u << (bit % 8)))
		q->duplicates++;
	q->seen[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/*
 * Get the oldest item into *v, waiting while the queue is empty.  Returns
 * 0 with an item, 1 once every item has been taken, -1 if stopped.
 */
static int
queue_get(struct queue *q, struct worker *w, uint64_t *v)
{
	uint64_t	t0 = 0;
	int		waited = 0, rc = 0;

	pthread_mutex_lock(&q->mutex);
	while (q->count == 0 && q->got < q->total) {
		if (run_stopping(q->run)) {
			rc = -1;
			break;
		}
		if (!waited)
			t0 = clock_ns();
		waited = 1;
		queue_wait(q, w, &q->not_empty);
	}
	if (waited) {
		q->get_wait_ns += clock_ns() - t0;
		trace_state(w->trace, w->lane, STATE_RUNNING);
	}
	if (rc == 0 && q->count == 0)
		rc = 1;
	if (rc == 0) {
		*v = queue_pop(q);
		q->got++;
		queue_check(q, *v);
		trace_point(w->trace, w->lane, EV_QUEUE_GET,
		    (int64_t)q->count);
		queue_show_depth(q);
		pthread_cond_signal(&q->not_full);
		/* The last item: the other consumers may leave. */
		if (q->got == q->total)
			pthread_cond_broadcast(&q->not_empty);
	}
	pthread_mutex_unlock(&q->mutex);
	return rc;
}

/* A producer: items puts, each after produce_us. */
static void *
queue_producer(void *arg)
{
	struct worker	*w = arg;
	struct queue	*q = w->arg;
	uint64_t	 seq;

	run_workers_gate(w);
	trace_state(w->trace, w->lane, STATE_RUNNING);
	for (seq = 0; seq < q->items && !run_stopping(q->run); seq++) {
		if (q->produce_ns != 0)
			work_io(w, q->produce_ns);
		trace_point(w->trace, w->lane, EV_LABEL, (int64_t)seq);
		if (queue_put(q, w, (uint64_t)w->index << 32 | seq) != 0)
			break;
	}
	run_worker_done(w);
	return NULL;
}

/* A consumer: gets until every item has been taken, each used consume_us. */
static void *
queue_consumer(void *arg)
{
	struct worker	*w = arg;
	struct queue	*q = w->arg;
	uint64_t	 v;

	run_workers_gate(w);
	trace_state(w->trace, w->lane, STATE_RUNNING);
	while (queue_get(q, w, &v) == 0) {
		trace_point(w->trace, w->lane, EV_LABEL, (int64_t)(v &
		    0xffffffffu));
		if (q->consume_ns != 0)
			work_io(w, q->consume_ns);
	}
	run_worker_done(w);
	return NULL;
}

/* Items the bitmap says never came out. */
static uint64_t
queue_missing(const struct queue *q)
{
	uint64_t	i, n = 0;

	for (i = 0; i < q->total; i++)
		if (!(q->seen[i / 8] & (1u << (i % 8))))
			n++;
	return n;
}

/* Report the counts, the order check, and the blocked times. */
static void
queue_report(struct queue *q, struct run *r)
{
	uint64_t	missing = queue_missing(q);
	int		fifo_ok = q->fifo_ok && missing == 0 &&
			    q->duplicates == 0;

	run_metric_int(r, "items_put", (int64_t)q->put);
	run_metric_int(r, "items_got", (int64_t)q->got);
	run_metric_int(r, "max_depth", (int64_t)q->max_depth);
	run_metric_bool(r, "fifo_ok", fifo_ok);
	run_metric_int(r, "items_lost", (int64_t)missing);
	run_metric_int(r, "items_duplicated", (int64_t)q->duplicates);
	run_metric_float(r, "put_wait_ms", (double)q->put_wait_ns / 1e6);
	run_metric_float(r, "get_wait_ms", (double)q->get_wait_ns / 1e6);
	run_note(r, "%u producers x %llu items: %llu put, %llu got by %u "
	    "consumer%s; deepest %zu%s", q->nproducers,
	    (unsigned long long)q->items, (unsigned long long)q->put,
	    (unsigned long long)q->got, q->nconsumers,
	    q->nconsumers == 1 ? "" : "s", q->max_depth,
	    q->capacity ? " (bounded)" : " (unbounded)");
	run_note(r, "%s; producers blocked %.1f ms on a full queue, "
	    "consumers %.1f ms on an empty one",
	    fifo_ok ? "every producer's items came out in the order it put "
	    "them, none lost or twice" : "ORDER BROKEN or items lost",
	    (double)q->put_wait_ns / 1e6, (double)q->get_wait_ns / 1e6);
}

/* Read the parameters into q and set the queue up. */
static void
queue_setup(struct queue *q, struct run *r)
{
	pthread_condattr_t	attr;

	q->run = r;
	q->nproducers = (unsigned)params_int(&r->params, "producers");
	q->nconsumers = (unsigned)params_int(&r->params, "consumers");
	q->items = (uint64_t)params_int(&r->params, "items");
	q->total = q->nproducers * q->items;
	q->capacity = (size_t)params_int(&r->params, "capacity");
	q->produce_ns = params_int(&r->params, "produce_us") == 0 ? 0 :
	    run_scaled_ns(r, (double)params_int(&r->params, "produce_us") /
	    1000);
	q->consume_ns = params_int(&r->params, "consume_us") == 0 ? 0 :
	    run_scaled_ns(r, (double)params_int(&r->params, "consume_us") /
	    1000);
	q->fifo_ok = 1;
	q->next_seq = xcalloc(q->nproducers, sizeof *q->next_seq);
	q->seen = xcalloc(q->total / 8 + 1, 1);
	pthread_mutex_init(&q->mutex, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&q->not_empty, &attr);
	pthread_cond_init(&q->not_full, &attr);
	pthread_condattr_destroy(&attr);
}

/* Free what queue_setup() and the run made. */
static void
queue_free(struct queue *q)
{
	pthread_mutex_destroy(&q->mutex);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
	free(q->buf);
	free(q->next_seq);
	free(q->seen);
}

/* Run the queue demo. */
static int
queue_run(struct run *r, char **cause)
{
	struct queue		 q;
	struct run_workers	 ws;
	char			 name[32];
	unsigned		 i, n;
	int			 error;

	memset(&q, 0, sizeof q);
	queue_setup(&q, r);
	n = q.nproducers + q.nconsumers;
	if ((q.trace = run_trace(r, n + 1, cause)) == NULL) {
		queue_free(&q);
		return -1;
	}
	q.depth_lane = n;
	trace_lane_init(q.trace, n, "depth", LANE_COUNTER);
	trace_point(q.trace, n, EV_COUNTER, 0);
	run_workers_init(&ws, r, q.trace, n, "P", NULL, &q);
	for (i = q.nproducers; i < n; i++) {
		snprintf(name, sizeof name, "C%u", i - q.nproducers);
		trace_lane_init(q.trace, i, name, LANE_THREAD);
		ws.w[i].index = i - q.nproducers;
	}

	run_begin(r);
	/* Producers and consumers are one team: two entry points. */
	error = run_workers_start(&ws, 0, q.nproducers, queue_producer, cause);
	if (error == 0)
		error = run_workers_start(&ws, q.nproducers, q.nconsumers,
		    queue_consumer, cause);
	if (error == 0)
		error = run_workers_finish(&ws, cause);
	run_end(r);
	if (error == 0)
		queue_report(&q, r);
	run_workers_free(&ws);
	queue_free(&q);
	return error;
}

const struct demo_class demo_queue_class = {
	.name = "queue",
	.summary = "a thread-safe FIFO, producers and consumers",
	.params = queue_params,
	.run = queue_run,
};
