/*
 * bench_trace.c -- what recording costs, and what folding a frame costs.
 *
 * Prints one JSON object of medians over 5 trials:
 *   clock_tsc       1 if clock_ns() reads the calibrated TSC, 0 if
 *                   clock_gettime() (clock.c; PARLAB_CLOCK=monotonic)
 *   clock_ns        one clock_ns() read
 *   event_ns        one trace_point() into a lane (clock + core + store),
 *                   pages already touched: the steady cost of recording
 *   event_cold_ns   the same into fresh pages: each new 4 KiB page of the
 *                   shared mapping costs a page fault on first touch
 *   state_ns        one trace_state() (the same plus state accounting)
 *   untraced_ns     one trace_state() with recording switched off
 *   update_ms       timeline_update() ingesting 1,000,000 events
 *   fold_ms         timeline_fold() of those spans into a 200-column frame,
 *                   the first fold of that window (nothing kept yet)
 *   refold_ms       a live frame's fold: 1,000 more events after a fold of
 *                   a window twice as long as the run, then the same window
 *                   folded again (timeline-fold.c adds only what is new)
 * and, once, how well clock_ns() keeps to CLOCK_MONOTONIC:
 *   clock_offset_ns clock_ns() less CLOCK_MONOTONIC at the end of the run
 *   clock_age_ms    ... that long after calibration
 *   cross_cpu_ns    a bound on how far apart two CPUs' clock_ns() read at
 *                   one moment: stamps passed between threads pinned to
 *                   CPUs 0 and 1, the smaller of the two directions' least
 *                   receive-minus-send (the one-way trip and the skew add
 *                   in one direction, subtract in the other); -1 with one CPU
 *   cpu_skew_ns     the skew those two directions imply (their half
 *                   difference, if the trip takes as long either way)
 * Processes compare clock_ns() with the same calibration (clock.c), so
 * cross_cpu_ns bounds the error of a worker process's stamps too.
 */

#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "parlab.h"

#define TRIALS	5
#define N	1000000u
#define TRIPS	20000	/* stamps passed each way between two CPUs */

/* What the two pinned threads share: the last stamp and whose turn. */
struct pingpong {
	_Atomic uint64_t	stamp;
	_Atomic int		turn;
	int64_t			least[2];	/* by the receiving thread */
	int			pinned[2];
};
struct pinned {
	struct pingpong	*pp;
	int		 me;
};

/* Sort helper for medians. */
static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of TRIALS values (sorts them). */
static double
median(double *v)
{
	qsort(v, TRIALS, sizeof *v, cmp_double);
	return v[TRIALS / 2];
}

/* A fresh 4-lane trace: each lane holds 1,000,000 events. */
static struct trace *
fresh(int recording)
{
	char	*cause = NULL;
	struct trace *tr = trace_create(4, recording, &cause);

	if (tr == NULL)
		fatal("%s", cause);
	return tr;
}

/* One of the pair: on its CPU, send a stamp on its turns, time the rest. */
static void *
pingpong_run(void *arg)
{
	struct pinned	*p = arg;
	struct pingpong	*pp = p->pp;
	cpu_set_t	 set;
	uint64_t	 now;
	int64_t		 d;
	int		 r, spins;

	CPU_ZERO(&set);
	CPU_SET(p->me, &set);
	pp->pinned[p->me] = pthread_setaffinity_np(pthread_self(), sizeof set,
	    &set) == 0;
	pp->least[p->me] = INT64_MAX;
	/* Round r: its sender stamps at turn 2r, its receiver reads at
	 * 2r + 1; the two threads send on alternate rounds. */
	for (r = 0; r < 2 * TRIPS; r++) {
		int	send = (r & 1) == p->me, at = 2 * r + !send;

		spins = 0;
		while (atomic_load(&pp->turn) != at)
			if (++spins % 4096 == 0)
				sched_yield();	/* the other is preempted */
		if (send)
			atomic_store(&pp->stamp, clock_ns());
		else {
			now = clock_ns();
			d = (int64_t)(now - atomic_load(&pp->stamp));
			if (d < pp->least[p->me])
				pp->least[p->me] = d;
		}
		atomic_store(&pp->turn, at + 1);
	}
	return NULL;
}

/*
 * Pass stamps between CPUs 0 and 1 and bound their clocks' difference;
 * -1 if there is no second CPU to pin to.
 */
static void
cross_cpu(double *bound, double *skew)
{
	struct pingpong	pp;
	struct pinned	p[2];
	pthread_t	t[2];
	int		i;

	*bound = *skew = -1;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	memset(&pp, 0, sizeof pp);
	for (i = 0; i < 2; i++) {
		p[i].pp = &pp;
		p[i].me = i;
		if (pthread_create(&t[i], NULL, pingpong_run, &p[i]) != 0)
			fatal("cannot start a thread");
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	if (!pp.pinned[0] || !pp.pinned[1])
		return;
	*bound = (double)(pp.least[0] < pp.least[1] ? pp.least[0] :
	    pp.least[1]);
	if (*bound < 0)
		*bound = -*bound;
	*skew = (double)(pp.least[1] - pp.least[0]) / 2;
}

/* clock_ns() less CLOCK_MONOTONIC now, and how long since calibration. */
static void
clock_offset(double *offset, double *age_ms)
{
	struct clock_cal c;
	struct timespec	 ts;
	uint64_t	 a, b, m, best = UINT64_MAX;
	int		 i;

	*offset = 0;
	for (i = 0; i < 100; i++) {
		a = clock_ns();
		clock_gettime(CLOCK_MONOTONIC, &ts);
		b = clock_ns();
		m = (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
		if (b - a < best) {
			best = b - a;
			*offset = (double)(int64_t)(a + (b - a) / 2 - m);
		}
	}
	clock_save(&c);
	*age_ms = c.kind == CLOCK_KIND_TSC ? (double)(clock_ns() - c.ns0) /
	    1e6 : 0;
}

int
main(void)
{
	struct trace	*tr;
	struct timeline	*tl;
	double		 clk[TRIALS], ev[TRIALS], st[TRIALS], un[TRIALS];
	double		 cold[TRIALS];
	double		 upd[TRIALS], fold[TRIALS], refold[TRIALS];
	volatile uint64_t sink = 0;
	uint8_t		 cols[200];
	double		 offset, age_ms, bound, skew;
	uint64_t	 t0, w;
	unsigned	 i, k;

	if (trace_capacity(fresh(1)) < N + 1000)
		fatal("lane capacity below %u", N + 1000);
	for (k = 0; k < TRIALS; k++) {
		t0 = clock_ns();
		for (i = 0; i < N; i++)
			sink += clock_ns();
		clk[k] = (double)(clock_ns() - t0) / N;

		tr = fresh(1);
		t0 = clock_ns();
		for (i = 0; i < N; i++)
			trace_point(tr, 0, EV_COUNTER, i);
		cold[k] = (double)(clock_ns() - t0) / N;
		/* Rewind (no writer is running) and write again. */
		trace_rewind(tr);
		t0 = clock_ns();
		for (i = 0; i < N; i++)
			trace_point(tr, 0, EV_COUNTER, i);
		ev[k] = (double)(clock_ns() - t0) / N;
		trace_destroy(tr);

		tr = fresh(0);
		t0 = clock_ns();
		for (i = 0; i < N; i++)
			trace_state(tr, 0, i & 1 ? STATE_RUNNING :
			    STATE_WAIT_LOCK);
		un[k] = (double)(clock_ns() - t0) / N;
		trace_destroy(tr);

		tr = fresh(1);
		t0 = clock_ns();
		for (i = 0; i < N; i++)
			trace_state(tr, 0, i & 1 ? STATE_RUNNING :
			    STATE_WAIT_LOCK);
		st[k] = (double)(clock_ns() - t0) / N;

		tl = timeline_create(tr);
		t0 = clock_ns();
		timeline_update(tl);
		upd[k] = (double)(clock_ns() - t0) / 1e6;
		t0 = clock_ns();
		timeline_fold(tl, 0, 0, tl->t_end, sizeof cols, cols);
		fold[k] = (double)(clock_ns() - t0) / 1e6;
		/* A live window (wider than the run), folded once, then again
		 * after the writer went on. */
		w = 2 * tl->t_end;
		timeline_fold(tl, 0, 0, w, sizeof cols, cols);
		for (i = 0; i < 1000; i++)
			trace_state(tr, 0, i & 1 ? STATE_RUNNING :
			    STATE_WAIT_LOCK);
		timeline_update(tl);
		t0 = clock_ns();
		timeline_fold(tl, 0, 0, w, sizeof cols, cols);
		refold[k] = (double)(clock_ns() - t0) / 1e6;
		timeline_destroy(tl);
		trace_destroy(tr);
	}
	cross_cpu(&bound, &skew);
	clock_offset(&offset, &age_ms);
	printf("{\"clock_tsc\":%d,\"clock_offset_ns\":%.0f,"
	    "\"clock_age_ms\":%.0f,\"cross_cpu_ns\":%.0f,\"cpu_skew_ns\":%.0f,",
	    clock_kind() == CLOCK_KIND_TSC, offset, age_ms, bound, skew);
	printf("\"clock_ns\":%.1f,\"event_ns\":%.1f,\"event_cold_ns\":%.1f,"
	    "\"state_ns\":%.1f,\"untraced_ns\":%.1f,\"update_ms\":%.2f,"
	    "\"fold_ms\":%.2f,\"refold_ms\":%.3f}\n", median(clk), median(ev),
	    median(cold), median(st), median(un), median(upd), median(fold),
	    median(refold));
	return sink == 42;
}
