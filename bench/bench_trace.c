/*
 * bench_trace.c -- what recording costs, and what folding a frame costs.
 *
 * Prints one JSON object of medians over 5 trials:
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
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

#define TRIALS	5
#define N	1000000u

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
	printf("{\"clock_ns\":%.1f,\"event_ns\":%.1f,\"event_cold_ns\":%.1f,"
	    "\"state_ns\":%.1f,\"untraced_ns\":%.1f,\"update_ms\":%.2f,"
	    "\"fold_ms\":%.2f,\"refold_ms\":%.3f}\n", median(clk), median(ev),
	    median(cold), median(st), median(un), median(upd), median(fold),
	    median(refold));
	return sink == 42;
}
