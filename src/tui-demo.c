/*
 * tui-demo.c -- the demo pane's runs: start, watch, stop, replay, export.
 *
 * A run executes on a thread of its own (the demo starts its own workers
 * from there).  The UI thread never waits on it while it goes on: each
 * frame, tui_demo_tick() picks up the trace once the demo has published it
 * (an acquire load of run->trace), folds in what the workers wrote
 * (timeline_update), and moves the timeline's end to "now" so running
 * lanes grow.  Once run->finished is set the thread has nothing left to do,
 * so joining it then costs nothing.  Stopping (x, q, leaving the page) asks
 * the run to stop and joins: demos notice within about a millisecond and
 * reap their own children.
 *
 * The last TUI_KEEP runs are kept, numbered in the order they ran: the
 * pane shows the current one under the one compared with (the one before,
 * unless c picked another pair, tui-compare.c), so a student who turns a
 * knob and reruns sees both on one time scale.  The playhead is
 * the trace time drawn up to: "now" while live, the end once done, and a
 * slowed-down clock during a replay.  The knobs are tui-knobs.c's.
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "parlab.h"

#define TUI_RUN_NICE	19	/* the run's threads, below the UI's 0 */

/*
 * The run thread: execute the demo to its end, at the lowest priority a
 * process may give itself.  Threads and processes the demo starts inherit
 * the value, so every worker keeps the same weight as the others (the
 * demo's story is unchanged) while the UI thread, when it wakes for a
 * frame, need not wait behind 256 runnable workers for a core.  Raising
 * one's own nice value needs no privilege; if it fails the run goes on as
 * before.  Measured with bench/ui.sh (race threads=256 at 200x80, the
 * longest frame of a session): 128-245 ms at nice 0, 9-54 ms at nice 10,
 * 13-53 ms with a median of 18 at nice 19 (5 runs each).
 */
static void *
tui_demo_thread(void *arg)
{
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), TUI_RUN_NICE);
	run_execute(arg);
	return NULL;
}

/* Stop (if needed), join and free one run. */
static void
tui_run_free(struct tui_run *tr)
{
	if (tr == NULL)
		return;
	tui_twin_stop_run(tr);	/* before the run it reads goes */
	if (!tr->joined) {
		run_request_stop(tr->run);
		pthread_join(tr->thread, NULL);
	}
	timeline_destroy(tr->tl);
	run_destroy(tr->run);
	free(tr->label);
	free(tr->twin_cause);
	free(tr);
}

/* Show a run block's demo: its knobs start as the lesson set them. */
void
tui_demo_open(struct tui *t, const struct lesson_block *b)
{
	long	n = sysconf(_SC_NPROCESSORS_ONLN);

	tui_demo_close(t);
	t->demo.block = b;
	t->demo.params = b->params;
	t->demo.speed = 4;	/* R replays slowed down, as the hint says */
	t->demo.ncores = n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

/* Stop and forget the shown run block's runs. */
void
tui_demo_close(struct tui *t)
{
	size_t	i;

	tui_run_free(t->demo.cur);
	for (i = 0; i < TUI_KEEP - 1; i++)
		tui_run_free(t->demo.hist[i]);
	memset(&t->demo, 0, sizeof t->demo);
}

/* The n-th (from 0) run block of the current page, or NULL. */
static const struct lesson_block *
tui_demo_nth(const struct tui *t, size_t n)
{
	const struct lesson_page	*pg;
	size_t				 i;

	if (t->lesson == NULL || t->page >= t->lesson->npages)
		return NULL;
	pg = &t->lesson->pages[t->page];
	for (i = 0; i < pg->nblocks; i++)
		if (pg->blocks[i].type == LBLOCK_RUN && n-- == 0)
			return &pg->blocks[i];
	return NULL;
}

/* Stop and forget the runs of every run block of the page. */
void
tui_demo_close_page(struct tui *t)
{
	size_t	i;

	tui_demo_close(t);
	for (i = 0; i < t->nshelf; i++) {
		t->demo = t->shelf[i];
		tui_demo_close(t);
	}
	free(t->shelf);
	t->shelf = NULL;
	t->nshelf = t->demo_sel = 0;
}

/* Open the page's run blocks, showing the first. */
void
tui_demo_open_page(struct tui *t)
{
	size_t	n = 0;

	tui_demo_close_page(t);
	while (tui_demo_nth(t, n) != NULL)
		n++;
	if (n == 0)
		return;
	t->shelf = xcalloc(n, sizeof *t->shelf);
	t->nshelf = n;
	tui_demo_open(t, tui_demo_nth(t, 0));
}

/* [ ]: show the previous (dir -1) or next run block of the page. */
void
tui_demo_select(struct tui *t, int dir)
{
	size_t	n = t->nshelf, next;

	if (n < 2) {
		tui_message(t, 0, "This page has one run block.");
		return;
	}
	next = (t->demo_sel + n + (dir < 0 ? n - 1 : 1)) % n;
	t->shelf[t->demo_sel] = t->demo;
	memset(&t->demo, 0, sizeof t->demo);
	if (t->shelf[next].block != NULL) {
		t->demo = t->shelf[next];
		memset(&t->shelf[next], 0, sizeof t->shelf[next]);
	} else
		tui_demo_open(t, tui_demo_nth(t, next));
	t->demo_sel = next;
	tui_message(t, 0, "Run block %zu of %zu: %s. r runs it.", next + 1, n,
	    t->demo.block->demo->name);
}

/*
 * The run block that judges a prediction: the one it names (run: N), else
 * the nearest above it on the page, else the first below; NULL if none.
 */
const struct lesson_block *
tui_demo_judge(const struct tui *t, const struct lesson_block *ask)
{
	const struct lesson_page	*pg = &t->lesson->pages[t->page];
	const struct lesson_block	*above = NULL, *below = NULL;
	size_t				 i;

	if (ask->run_ref > 0)
		return tui_demo_nth(t, (size_t)ask->run_ref - 1);
	for (i = 0; i < pg->nblocks; i++) {
		if (&pg->blocks[i] == ask)
			continue;
		if (pg->blocks[i].type != LBLOCK_RUN)
			continue;
		if (&pg->blocks[i] < ask)
			above = &pg->blocks[i];
		else if (below == NULL)
			below = &pg->blocks[i];
	}
	return above != NULL ? above : below;
}

/* Whether the current run is still going. */
static int
tui_demo_running(const struct tui *t)
{
	return t->demo.cur != NULL && !t->demo.cur->joined;
}

/* Whether the pane is animating (a live run or a replay, not paused). */
int
tui_demo_live(const struct tui *t)
{
	return !t->demo.paused && (tui_demo_running(t) || t->demo.replaying);
}

/*
 * Make tr (a new run, or a recorded one) the current run: the last one
 * moves up to be compared with, the oldest kept goes, and so do the
 * marks of a comparison (they might name it).
 */
void
tui_demo_keep(struct tui *t, struct tui_run *tr)
{
	struct tui_demo	*d = &t->demo;

	tui_run_free(d->hist[TUI_KEEP - 2]);
	memmove(&d->hist[1], &d->hist[0], (TUI_KEEP - 2) * sizeof d->hist[0]);
	d->hist[0] = d->cur;
	d->prev = d->cur;
	d->cur = tr;
	d->cmp = 0;
	d->cmp_a = d->cmp_b = NULL;
}

/* Run the demo with the knobs as they are; the last run moves up. */
int
tui_demo_start(struct tui *t)
{
	struct tui_demo	*d = &t->demo;
	struct tui_run	*tr;
	int		 error;

	if (d->block == NULL || d->block->demo == NULL)
		return -1;
	if (tui_demo_running(t)) {
		tui_message(t, 0, "A run is going on: wait, or x stops it.");
		return -1;
	}
	if (show_needs_notice(t))
		return -1;
	tr = xcalloc(1, sizeof *tr);
	tr->run = run_create(d->block->demo, &d->params, 1);
	tr->label = tui_demo_diff(tr, NULL);	/* what was set */
	tr->seq = ++d->nruns;
	if ((error = pthread_create(&tr->thread, NULL, tui_demo_thread,
	    tr->run)) != 0) {
		tui_message(t, 1, "cannot start the run: %s", strerror(error));
		tr->joined = 1;
		tui_run_free(tr);
		return -1;
	}
	tui_demo_keep(t, tr);
	d->paused = d->replaying = 0;
	d->playhead = 0;
	d->zoom_span = 0;
	d->tick_ns = clock_ns();
	t->dirty = 1;
	return 0;
}

/*
 * The parameters in which run a differs from run b, as "k=v k=v" (all of
 * a's explicitly set ones when b is NULL); "the same knobs" if none.
 */
char *
tui_demo_diff(const struct tui_run *a, const struct tui_run *b)
{
	const struct params	*pa = &a->run->params, *pb;
	char			*s = xstrdup(""), *n;
	unsigned		 i;

	pb = b != NULL ? &b->run->params : NULL;
	for (i = 0; i < pa->n; i++) {
		if (pb != NULL ? i < pb->n && strcmp(pa->v[i].text,
		    pb->v[i].text) == 0 : !pa->v[i].set)
			continue;
		xasprintf(&n, "%s%s%s=%s", s, *s ? " " : "",
		    pa->v[i].spec->name, pa->v[i].text);
		free(s);
		s = n;
	}
	if (*s == '\0') {
		free(s);
		s = xstrdup(b != NULL ? "the same knobs" : "defaults");
	}
	return s;
}

/* Stop the current run now (it keeps what it drew). */
void
tui_demo_stop(struct tui *t)
{
	if (!tui_demo_running(t)) {
		tui_message(t, 0, "Nothing is running.");
		return;
	}
	run_request_stop(t->demo.cur->run);
	tui_message(t, 0, "Stopping the run...");
}

/* Compare predictions of this page with the figures of a finished run. */
static void
tui_demo_check(struct tui *t, const struct run *r)
{
	const struct metric	*m;
	struct tui_answer	*a;
	double			 v;
	size_t			 i;

	for (i = 0; i < t->nanswers; i++) {
		a = &t->answers[i];
		if (a->checked || a->block->predict == NULL ||
		    tui_demo_judge(t, a->block) != t->demo.block ||
		    (m = run_metric(r, a->block->predict)) == NULL)
			continue;
		v = m->type == METRIC_FLOAT ? m->f : (double)m->i;
		a->correct = fabs(a->value - v) <=
		    a->block->tolerance * fabs(v) + a->block->tol_abs + 1e-9;
		a->checked = 1;
		progress_answer(t->progress, t->lesson->id,
		    (unsigned)t->page, a->correct);
		tui_message(t, 0, "You predicted %s = %g; the run gave %g: %s",
		    a->block->predict, a->value, v, a->correct ? "right!" :
		    "off, see why below.");
	}
}

/* A run's thread ended: join it and fix its timeline's end. */
static void
tui_demo_finished(struct tui *t, struct tui_run *tr)
{
	pthread_join(tr->thread, NULL);
	tr->joined = 1;
	if (tr->tl == NULL && atomic_load(&tr->run->trace) != NULL)
		tr->tl = timeline_create(atomic_load(&tr->run->trace));
	if (tr->tl != NULL) {
		timeline_finish(tr->tl, tr->run->end_trace_ns);
		tr->t_total = tr->tl->t_end;
	}
	t->demo.playhead = tr->t_total;
	if (tr->run->status != 0)
		tui_message(t, 1, "%s: %s%s", tr->run->cls->name,
		    tr->run->cause, t->demo.block->fallback != NULL ?
		    "; F shows the recorded run" : "");
	else {
		tui_message(t, 0, "Done in %.1f ms. R replays at %s, z "
		    "zooms, e exports.", (double)tr->run->wall_ns / 1e6,
		    t->demo.speed == 1 ? "1x" : t->demo.speed == 4 ? "1/4" :
		    "1/16");
		tui_demo_check(t, tr->run);
		tui_cursor_witness(t, tr->run);
	}
}

/* One frame: fold new events, advance the playhead; 1 if it changed. */
int
tui_demo_tick(struct tui *t)
{
	struct tui_demo	*d = &t->demo;
	struct tui_run	*tr = d->cur;
	struct trace	*trace;
	uint64_t	 now = clock_ns(), dt = now - d->tick_ns, tnow;
	int		 changed = tui_twin_tick(t);

	d->tick_ns = now;
	if (tr != NULL && !tr->joined) {
		trace = atomic_load_explicit(&tr->run->trace,
		    memory_order_acquire);
		if (tr->tl == NULL && trace != NULL)
			tr->tl = timeline_create(trace);
		if (atomic_load(&tr->run->finished))
			tui_demo_finished(t, tr);
		else if (tr->tl != NULL) {
			timeline_update(tr->tl);
			tnow = trace_now(trace);
			tr->measuring = timeline_workers_done(tr->tl);
			if (tnow > tr->tl->t_end && !tr->measuring)
				tr->tl->t_end = tnow;
			tr->t_total = tr->tl->t_end;
			if (!d->paused)
				d->playhead = tr->t_total;
		}
		changed = 1;
	}
	if (d->replaying && !d->paused && tr != NULL) {
		d->playhead += dt / d->speed;
		if (d->playhead >= tr->t_total) {
			d->playhead = tr->t_total;
			d->replaying = 0;
		}
		changed = 1;
	}
	return changed;
}

/* Replay the current run from the start at the chosen speed. */
void
tui_demo_replay(struct tui *t)
{
	if (t->demo.cur == NULL || !t->demo.cur->joined ||
	    t->demo.cur->tl == NULL) {
		tui_message(t, 0, "Replay needs a finished run: r runs one.");
		return;
	}
	t->demo.playhead = 0;
	t->demo.replaying = 1;
	t->demo.paused = 0;
	t->demo.tick_ns = clock_ns();
	/* Said in the message line too: a short run replays in a blink. */
	tui_message(t, 0, "replay %s: p pauses, v changes the speed, R again",
	    t->demo.speed == 1 ? "1x" : t->demo.speed == 4 ? "1/4" : "1/16");
}

/* A number rounded up to 1, 2 or 5 times a power of ten. */
static uint64_t
tui_nice_up(uint64_t v)
{
	uint64_t	p = 1;

	while (p < v) {
		if (p * 2 >= v)
			return p * 2;
		if (p * 5 >= v)
			return p * 5;
		p *= 10;
	}
	return p;
}

/* The longest of the runs shown, in trace ns. */
static uint64_t
tui_demo_total(const struct tui *t)
{
	uint64_t	n = 0;

	if (t->demo.cur != NULL)
		n = t->demo.cur->t_total;
	if (t->demo.prev != NULL && t->demo.prev->t_total > n)
		n = t->demo.prev->t_total;
	return n;
}

/*
 * The time window drawn: the zoom, else all of the runs; while a run is
 * live, a round figure ahead of now, so lanes grow rightwards instead of
 * the picture shrinking every frame.
 */
void
tui_demo_window(const struct tui *t, uint64_t *t0, uint64_t *t1)
{
	uint64_t	total = tui_demo_total(t);

	if (t->demo.zoom_span != 0) {
		*t0 = t->demo.zoom_t0;
		*t1 = t->demo.zoom_t0 + t->demo.zoom_span;
		return;
	}
	*t0 = 0;
	if (tui_demo_running(t))
		total = tui_nice_up(total);
	*t1 = total < 1000 ? 1000 : total;
}

/* Zoom in (halve the window around its middle) or out. */
void
tui_demo_zoom(struct tui *t, int in)
{
	uint64_t	t0, t1, mid, span, total = tui_demo_total(t);

	if (t->demo.cur == NULL || t->demo.cur->tl == NULL) {
		tui_message(t, 0, "Zoom needs a run to look at: r runs one.");
		return;
	}
	tui_demo_window(t, &t0, &t1);
	mid = t0 + (t1 - t0) / 2;
	span = in ? (t1 - t0) / 2 : (t1 - t0) * 2;
	if (span < 1000) {
		tui_message(t, 0, "Zoomed in as far as it goes (1 us).");
		span = 1000;
	}
	if (!in && span >= total) {
		t->demo.zoom_span = 0;
		return;
	}
	t->demo.zoom_span = span;
	t->demo.zoom_t0 = mid > span / 2 ? mid - span / 2 : 0;
	tui_demo_pan(t, 0);
}

/* Pan the zoomed window by a quarter of its width (dir -1, 0, +1). */
void
tui_demo_pan(struct tui *t, int dir)
{
	struct tui_demo	*d = &t->demo;
	uint64_t	 total = tui_demo_total(t), step = d->zoom_span / 4;

	if (d->zoom_span == 0) {
		if (dir != 0)
			tui_message(t, 0, "z zooms in first; then < > pan.");
		return;
	}
	if (dir < 0)
		d->zoom_t0 = d->zoom_t0 > step ? d->zoom_t0 - step : 0;
	else if (dir > 0)
		d->zoom_t0 += step;
	if (total > d->zoom_span && d->zoom_t0 > total - d->zoom_span)
		d->zoom_t0 = total - d->zoom_span;
	else if (total <= d->zoom_span)
		d->zoom_t0 = 0;
}

/* Where exports go: $XDG_STATE_HOME/parlab, ~/.local/state/parlab, or ".". */
static char *
tui_demo_export_dir(void)
{
	const char	*xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char		*dir = NULL, *parent = NULL;

	if (xdg != NULL && *xdg == '/')
		parent = xstrdup(xdg);
	else if (home != NULL && *home == '/')
		xasprintf(&parent, "%s/.local/state", home);
	if (parent != NULL) {
		xasprintf(&dir, "%s/parlab", parent);
		if ((mkdir(parent, 0700) == 0 || errno == EEXIST) &&
		    (mkdir(dir, 0700) == 0 || errno == EEXIST) &&
		    access(dir, W_OK) == 0) {
			free(parent);
			return dir;
		}
		free(dir);
		free(parent);
	}
	return xstrdup(".");
}

/* e: write the current run as a Chrome trace and show where. */
void
tui_demo_export(struct tui *t)
{
	struct tui_run	*tr = t->demo.cur;
	char		*dir, *path, stamp[32];
	time_t		 now = time(NULL);
	FILE		*f;
	int		 ok;

	if (tr == NULL || !tr->joined || tr->run->status != 0) {
		tui_message(t, 0, "Export needs a finished run: r runs one.");
		return;
	}
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
	dir = tui_demo_export_dir();
	xasprintf(&path, "%s/parlab-%s-%s.json", dir, tr->run->cls->name,
	    stamp);
	if ((f = fopen(path, "w")) == NULL) {
		tui_message(t, 1, "cannot write %s: %s", path, strerror(errno));
	} else {
		ok = export_trace(f, tr->run) == 0;
		ok = fclose(f) == 0 && ok;
		if (ok)
			tui_message(t, 0, "Trace saved: %s (open it in "
			    "ui.perfetto.dev)", path);
		else
			tui_message(t, 1, "cannot write %s", path);
	}
	free(path);
	free(dir);
}
