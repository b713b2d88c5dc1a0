/*
 * tui-twin.c -- P in the demo pane: real CPython beside the model.
 *
 * P runs the CPython twin of the current run (compare_python(), the same
 * as `parlab run DEMO ... --compare python`) with that run's parameters.
 * The twin takes up to seconds, so it runs on a thread of its own and the
 * UI thread only polls: the thread sets twin_state to ENDED (a release
 * store) once r->cpython or twin_cause is written, and tui_twin_tick()
 * joins it, so nothing reads r->cpython while the thread may write it.
 *
 * Stopping (P again, x, a page change, q, a new run pushing the run out)
 * asks the run to stop: compare.c polls for that every 50 ms and kills the
 * twin's process group, so joining costs at most that and no child is
 * left behind.  Without Python the cause is one line in the message bar,
 * and nothing else changes.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* The twin's thread: run it, keep its figures or the cause, say so. */
static void *
tui_twin_thread(void *arg)
{
	struct tui_run	*tr = arg;
	char		*cause = NULL;

	if (compare_python(tr->run, &cause) != 0)
		tr->twin_cause = cause;
	atomic_store_explicit(&tr->twin_state, TUI_TWIN_ENDED,
	    memory_order_release);
	return NULL;
}

/* Stop a run's twin if it is going, and join its thread. */
void
tui_twin_stop_run(struct tui_run *tr)
{
	int	state = atomic_load_explicit(&tr->twin_state,
		    memory_order_acquire);

	if (state != TUI_TWIN_RUNNING && state != TUI_TWIN_ENDED)
		return;
	/* The run itself has ended: its stop flag now speaks to the twin. */
	run_request_stop(tr->run);
	pthread_join(tr->twin_thread, NULL);
	atomic_store(&tr->twin_state, TUI_TWIN_READ);
}

/* The runs of the demo pane, the current one first; how many. */
static size_t
tui_twin_runs(const struct tui *t, struct tui_run **runs)
{
	size_t	n = 0, i;

	if (t->demo.cur != NULL)
		runs[n++] = t->demo.cur;
	for (i = 0; i < TUI_KEEP - 1; i++)
		if (t->demo.hist[i] != NULL)
			runs[n++] = t->demo.hist[i];
	return n;
}

/* x, P again: stop the pane's twins; 1 if one was going. */
int
tui_twin_stop(struct tui *t)
{
	struct tui_run	*runs[TUI_KEEP];
	size_t		 n = tui_twin_runs(t, runs), i;
	int		 stopped = 0;

	for (i = 0; i < n; i++)
		if (atomic_load(&runs[i]->twin_state) == TUI_TWIN_RUNNING) {
			tui_twin_stop_run(runs[i]);
			free(runs[i]->twin_cause);
			runs[i]->twin_cause = NULL;
			stopped = 1;
		}
	if (stopped)
		tui_message(t, 0, "CPython twin stopped: P runs it again.");
	return stopped;
}

/* P: run the current run's twin, or stop it if it is going. */
void
tui_twin_key(struct tui *t)
{
	struct tui_run	*tr = t->demo.cur;
	int		 error;

	if (tui_twin_stop(t))
		return;
	if (tr == NULL || !tr->joined || tr->run->status != 0 ||
	    tr->seq == 0) {
		tui_message(t, 0, "CPython runs beside a finished run of this "
		    "pane: r runs one, then P.");
		return;
	}
	if (tui_twin_figures(tr) != NULL) {
		tui_message(t, 0, "CPython %s figures are in: f shows them "
		    "beside parlab's.", tr->run->cpython->version);
		return;
	}
	tui_twin_stop_run(tr);	/* join a failed attempt's thread */
	free(tr->twin_cause);
	tr->twin_cause = NULL;
	atomic_store(&tr->run->stop, 0);	/* an earlier P's stop */
	atomic_store(&tr->twin_state, TUI_TWIN_RUNNING);
	if ((error = pthread_create(&tr->twin_thread, NULL, tui_twin_thread,
	    tr)) != 0) {
		atomic_store(&tr->twin_state, TUI_TWIN_NONE);
		tui_message(t, 1, "cannot start the CPython twin: %s",
		    strerror(error));
		return;
	}
	tui_message(t, 0, "CPython runs the twin of %s with run %u's knobs... "
	    "P again stops it.", tr->run->cls->name, tr->seq);
}

/* Each frame: join twins that ended and say what came of them. */
int
tui_twin_tick(struct tui *t)
{
	struct tui_run	*runs[TUI_KEEP], *tr;
	size_t		 n = tui_twin_runs(t, runs), i;
	int		 changed = 0;

	for (i = 0; i < n; i++) {
		tr = runs[i];
		if (atomic_load_explicit(&tr->twin_state,
		    memory_order_acquire) != TUI_TWIN_ENDED)
			continue;
		pthread_join(tr->twin_thread, NULL);
		atomic_store(&tr->twin_state, TUI_TWIN_READ);
		if (tr->twin_cause != NULL)
			tui_message(t, 1, "%s", tr->twin_cause);
		else
			tui_message(t, 0, "CPython %s ran the twin of run %u: "
			    "f shows its figures beside parlab's.",
			    tr->run->cpython->version, tr->seq);
		changed = 1;
	}
	return changed;
}

/* Whether a twin of the pane is going (the loop then polls its end). */
int
tui_twin_busy(const struct tui *t)
{
	struct tui_run	*runs[TUI_KEEP];
	size_t		 n = tui_twin_runs(t, runs), i;
	int		 state;

	for (i = 0; i < n; i++) {
		state = atomic_load(&runs[i]->twin_state);
		if (state == TUI_TWIN_RUNNING || state == TUI_TWIN_ENDED)
			return 1;
	}
	return 0;
}

/* A run's CPython figures, once its twin's thread has been joined. */
const struct compare *
tui_twin_figures(const struct tui_run *tr)
{
	if (tr == NULL || atomic_load_explicit(&tr->twin_state,
	    memory_order_acquire) != TUI_TWIN_READ)
		return NULL;
	return tr->run->cpython;
}
