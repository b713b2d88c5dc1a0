/*
 * timeline.c -- events become spans per lane, spans become columns.
 *
 * This is the one timeline model: the TUI, the text export and the trace
 * export all read it.  timeline_update() folds in whatever the writers have
 * published since the last call (it never waits for them), so the UI can
 * call it once per frame while a run goes on.
 *
 * A lane is a sequence of spans, each one state from t0 to t1.  A state
 * event closes the open span and opens the next; a change of core (EV_CPU)
 * or of work item (EV_LABEL) splits the open span so that the per-core view
 * and labelled pool tasks can be drawn.  The last span of a lane is open:
 * its t1 is UINT64_MAX and readers clamp it to t_end, the latest time known
 * (the UI moves t_end to "now" each frame so a running lane keeps growing).
 * Other point events are kept as marks.
 *
 * Folding a time window into N columns gives each column the state that
 * covered most of it, so a column never lies about what dominated there.
 * Every TL_BLOCK closed spans are also summed per state, so a column that
 * holds whole blocks adds their sums instead of visiting each span: a
 * million spans fold into a frame in well under a millisecond, which a
 * plain O(spans) walk could not promise at 30 frames a second.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parlab.h"

/* A timeline over a trace; nothing is read until timeline_update(). */
struct timeline *
timeline_create(struct trace *tr)
{
	struct timeline	*tl;
	unsigned	 i;

	tl = xcalloc(1, sizeof *tl);
	tl->trace = tr;
	tl->nlanes = trace_lanes(tr);
	tl->lanes = xcalloc(tl->nlanes, sizeof *tl->lanes);
	for (i = 0; i < tl->nlanes; i++) {
		tl->lanes[i].label = -1;
		tl->lanes[i].cpu = -1;
	}
	return tl;
}

/* Free a timeline (not its trace). */
void
timeline_destroy(struct timeline *tl)
{
	unsigned	i;

	if (tl == NULL)
		return;
	for (i = 0; i < tl->nlanes; i++) {
		free(tl->lanes[i].spans);
		free(tl->lanes[i].blocks);
		free(tl->lanes[i].marks);
	}
	free(tl->lanes);
	free(tl);
}

/* Sum the last TL_BLOCK spans (all closed now) into a new block. */
static void
timeline_block(struct tl_lane *ll)
{
	const struct tl_span	*sp = &ll->spans[ll->nspans - TL_BLOCK];
	uint64_t		*sum;
	size_t			 i;

	if (ll->nblocks == ll->blocks_cap) {
		ll->blocks_cap = ll->blocks_cap ? ll->blocks_cap * 2 : 16;
		ll->blocks = xreallocarray(ll->blocks, ll->blocks_cap,
		    sizeof *ll->blocks);
	}
	sum = ll->blocks[ll->nblocks++];
	memset(sum, 0, sizeof *ll->blocks);
	for (i = 0; i < TL_BLOCK; i++)
		sum[sp[i].state] += sp[i].t1 - sp[i].t0;
}

/* Close a lane's open span at ts and open one in state st. */
static void
timeline_open(struct tl_lane *ll, uint64_t ts, uint8_t st)
{
	struct tl_span	*sp;

	if (ll->nspans > 0) {
		sp = &ll->spans[ll->nspans - 1];
		if (sp->t1 == UINT64_MAX)
			sp->t1 = ts < sp->t0 ? sp->t0 : ts;
		if (ll->nspans % TL_BLOCK == 0)
			timeline_block(ll);
	}
	if (ll->nspans == ll->spans_cap) {
		ll->spans_cap = ll->spans_cap ? ll->spans_cap * 2 : 16;
		ll->spans = xreallocarray(ll->spans, ll->spans_cap,
		    sizeof *ll->spans);
	}
	sp = &ll->spans[ll->nspans++];
	sp->t0 = ts;
	sp->t1 = UINT64_MAX;
	sp->state = st;
	sp->cpu = ll->cpu;
	sp->label = ll->label;
}

/* Keep a point event as a mark. */
static void
timeline_mark(struct tl_lane *ll, const struct trace_event *e)
{
	struct tl_mark	*m;

	if (ll->nmarks == ll->marks_cap) {
		ll->marks_cap = ll->marks_cap ? ll->marks_cap * 2 : 16;
		ll->marks = xreallocarray(ll->marks, ll->marks_cap,
		    sizeof *ll->marks);
	}
	m = &ll->marks[ll->nmarks++];
	m->ts = e->ts;
	m->kind = e->kind;
	m->arg = e->arg;
}

/* Fold one event into its lane. */
static void
timeline_event(struct tl_lane *ll, const struct trace_event *e)
{
	struct tl_span	*open = ll->nspans ? &ll->spans[ll->nspans - 1] : NULL;

	if (e->cpu >= 0)
		ll->cpu = e->cpu;
	switch (e->kind) {
	case EV_STATE:
		timeline_open(ll, e->ts, e->state);
		break;
	case EV_CPU:
	case EV_LABEL:
		if (e->kind == EV_LABEL)
			ll->label = e->arg;
		if (open != NULL && open->t1 == UINT64_MAX &&
		    (open->cpu != ll->cpu || open->label != ll->label))
			timeline_open(ll, e->ts, open->state);
		if (e->kind == EV_LABEL)
			timeline_mark(ll, e);
		break;
	default:
		timeline_mark(ll, e);
		break;
	}
}

/* Fold in every event published since the last call; returns how many. */
int
timeline_update(struct timeline *tl)
{
	const struct trace_event	*ev;
	struct tl_lane			*ll;
	uint64_t			 n, i, count = 0;
	unsigned			 lane;

	for (lane = 0; lane < tl->nlanes; lane++) {
		ll = &tl->lanes[lane];
		n = trace_count(tl->trace, lane);
		if (n == ll->consumed)
			continue;
		for (i = ll->consumed; i < n; i++) {
			ev = trace_event(tl->trace, lane, i);
			timeline_event(ll, ev);
			if (ev->ts > tl->t_end)
				tl->t_end = ev->ts;
		}
		count += n - ll->consumed;
		ll->consumed = n;
	}
	return count > INT32_MAX ? INT32_MAX : (int)count;
}

/* Fold in the last events and fix the end of time at end_ns (if later). */
void
timeline_finish(struct timeline *tl, uint64_t end_ns)
{
	timeline_update(tl);
	if (end_ns > tl->t_end)
		tl->t_end = end_ns;
	tl->finished = 1;
}

/* The end of a span, open spans clamped to the latest time known. */
static inline uint64_t
timeline_span_end(const struct timeline *tl, const struct tl_span *sp)
{
	return sp->t1 == UINT64_MAX ? (tl->t_end > sp->t0 ? tl->t_end : sp->t0)
	    : sp->t1;
}

/* Index of the first span of a lane that ends after t. */
static size_t
timeline_first_span(const struct timeline *tl, const struct tl_lane *ll,
    uint64_t t)
{
	size_t	lo = 0, hi = ll->nspans, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (timeline_span_end(tl, &ll->spans[mid]) <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A time window [t0, t1) cut into ncols equal columns. */
struct tl_window {
	uint64_t	t0, t1, width;
	unsigned	ncols;
};

/*
 * Clip a span to the window: [a, b) and its first and last columns.
 * Returns 0 when no part of the span lies inside.
 */
static int
timeline_clip(const struct timeline *tl, const struct tl_window *w,
    const struct tl_span *sp, uint64_t *a, uint64_t *b, unsigned *c0,
    unsigned *c1)
{
	*a = sp->t0 < w->t0 ? w->t0 : sp->t0;
	*b = timeline_span_end(tl, sp);
	if (*b > w->t1)
		*b = w->t1;
	if (*b <= *a)
		return 0;
	*c0 = (unsigned)((*a - w->t0) * w->ncols / w->width);
	*c1 = (unsigned)((*b - 1 - w->t0) * w->ncols / w->width);
	if (*c1 >= w->ncols)
		*c1 = w->ncols - 1;
	return 1;
}

/* How much of [a, b) falls in column c. */
static uint64_t
timeline_overlap(const struct tl_window *w, uint64_t a, uint64_t b,
    unsigned c)
{
	uint64_t	ca = w->t0 + (uint64_t)c * w->width / w->ncols;
	uint64_t	cb = w->t0 + (uint64_t)(c + 1) * w->width / w->ncols;

	return (b < cb ? b : cb) - (a > ca ? a : ca);
}

/*
 * Fold a lane's window [t0, t1) into ncols columns: out[c] is the state that
 * covered most of column c, STATE_NONE where nothing did.
 */
void
timeline_fold(const struct timeline *tl, unsigned lane, uint64_t t0,
    uint64_t t1, unsigned ncols, uint8_t *out)
{
	const struct tl_lane	*ll = &tl->lanes[lane];
	const struct tl_span	*sp;
	struct tl_window	 win = { t0, t1, t1 - t0, ncols };
	uint64_t		(*acc)[STATE_COUNT];
	uint64_t		 a, b, best, covered, width = t1 - t0;
	size_t			 i;
	unsigned		 c, c0, c1, s;

	if (ncols == 0)
		return;
	memset(out, STATE_NONE, ncols);
	if (t1 <= t0)
		return;
	acc = xcalloc(ncols, sizeof *acc);
	for (i = timeline_first_span(tl, ll, t0); i < ll->nspans; i++) {
		sp = &ll->spans[i];
		if (sp->t0 >= t1)
			break;
		if (i % TL_BLOCK == 0 && i / TL_BLOCK < ll->nblocks &&
		    sp->t0 >= t0 && sp[TL_BLOCK - 1].t1 <= t1) {
			/* A whole block inside one column: add its sums. */
			c0 = (unsigned)((sp->t0 - t0) * ncols / width);
			c1 = (unsigned)((sp[TL_BLOCK - 1].t1 - 1 - t0) *
			    ncols / width);
			if (c0 == c1 && sp[TL_BLOCK - 1].t1 > sp->t0) {
				for (s = 0; s < STATE_COUNT; s++)
					acc[c0][s] += ll->blocks[i / TL_BLOCK][s];
				i += TL_BLOCK - 1;
				continue;
			}
		}
		if (!timeline_clip(tl, &win, sp, &a, &b, &c0, &c1))
			continue;
		for (c = c0; c <= c1; c++)
			acc[c][sp->state] += timeline_overlap(&win, a, b, c);
	}
	for (c = 0; c < ncols; c++) {
		/* Time no span covered is STATE_NONE's. */
		covered = 0;
		for (s = 1; s < STATE_COUNT; s++)
			covered += acc[c][s];
		a = timeline_overlap(&win, t0, t1, c);
		acc[c][STATE_NONE] += a > covered ? a - covered : 0;
		best = 0;
		for (s = 0; s < STATE_COUNT; s++) {
			if (acc[c][s] > best) {
				best = acc[c][s];
				out[c] = (uint8_t)s;
			}
		}
	}
	free(acc);
}

/*
 * Fold a value lane: out[c] is the value in column c, carried from before
 * it when nothing changed there, TL_NOVALUE before the first value and after
 * the latest time known.  A counter (EV_COUNTER, a queue's depth) shows the
 * highest value in the column; the GIL lane (EV_GIL_SWITCH, the holder's
 * lane or -1 for nobody) shows the last.
 */
void
timeline_fold_counter(const struct timeline *tl, unsigned lane, uint64_t t0,
    uint64_t t1, unsigned ncols, int64_t *out)
{
	const struct tl_lane	*ll = &tl->lanes[lane];
	const struct tl_mark	*m;
	int64_t			 carry = TL_NOVALUE, *last;
	size_t			 i;
	unsigned		 c;

	for (c = 0; c < ncols; c++)
		out[c] = TL_NOVALUE;
	if (t1 <= t0 || ncols == 0)
		return;
	last = xcalloc(ncols, sizeof *last);	/* what carries past a column */
	for (i = 0; i < ll->nmarks; i++) {
		m = &ll->marks[i];
		if (m->kind != EV_COUNTER && m->kind != EV_GIL_SWITCH)
			continue;
		if (m->ts < t0) {
			carry = m->arg;
			continue;
		}
		if (m->ts >= t1)
			break;
		c = (unsigned)((m->ts - t0) * ncols / (t1 - t0));
		if (m->kind == EV_GIL_SWITCH || out[c] == TL_NOVALUE ||
		    out[c] < m->arg)
			out[c] = m->arg;
		last[c] = m->arg;
	}
	for (c = 0; c < ncols; c++) {
		if (out[c] == TL_NOVALUE)
			out[c] = carry;
		else
			carry = last[c];
		if (t0 + (uint64_t)c * (t1 - t0) / ncols > tl->t_end)
			out[c] = TL_NOVALUE;
	}
	free(last);
}

/*
 * The per-core view: out[core * ncols + c] is the worker lane that ran
 * longest on that core in column c (judged span by span), or -1; util, if
 * not NULL, gets the share of the column's time workers ran on that core,
 * in thousandths (the busy time of every worker, not mere presence).
 */
static void
timeline_fold_cores_util(const struct timeline *tl, unsigned ncores,
    uint64_t t0, uint64_t t1, unsigned ncols, int32_t *out, uint16_t *util)
{
	struct tl_window	 win = { t0, t1, t1 - t0, ncols };
	const struct tl_span	*sp;
	uint64_t		*best, *busy, a, b, ov, cw;
	size_t			 i, n = (size_t)ncores * ncols;
	unsigned		 lane, c, c0, c1, k;

	for (i = 0; i < n; i++)
		out[i] = -1;
	if (util != NULL)
		memset(util, 0, n * sizeof *util);
	if (t1 <= t0 || n == 0)
		return;
	best = xcalloc(n, sizeof *best);
	busy = xcalloc(n, sizeof *busy);
	for (lane = 0; lane < tl->nlanes; lane++) {
		if (!timeline_lane_is_worker(tl, lane))
			continue;
		const struct tl_lane *ll = &tl->lanes[lane];
		for (i = timeline_first_span(tl, ll, t0); i < ll->nspans;
		    i++) {
			sp = &ll->spans[i];
			if (sp->t0 >= t1)
				break;
			if (sp->state != STATE_RUNNING || sp->cpu < 0 ||
			    (unsigned)sp->cpu >= ncores)
				continue;
			if (!timeline_clip(tl, &win, sp, &a, &b, &c0, &c1))
				continue;
			for (c = c0; c <= c1; c++) {
				ov = timeline_overlap(&win, a, b, c);
				k = (unsigned)sp->cpu * ncols + c;
				busy[k] += ov;
				if (ov > best[k]) {
					best[k] = ov;
					out[k] = (int32_t)lane;
				}
			}
		}
	}
	for (i = 0; util != NULL && i < n; i++) {
		c = (unsigned)(i % ncols);
		cw = timeline_overlap(&win, t0, t1, c);
		util[i] = (uint16_t)(cw == 0 ? 0 : busy[i] >= cw ? 1000 :
		    busy[i] * 1000 / cw);
	}
	free(best);
	free(busy);
}

/* Which worker ran longest on each core in each column, or -1. */
void
timeline_fold_cores(const struct timeline *tl, unsigned ncores, uint64_t t0,
    uint64_t t1, unsigned ncols, int32_t *out)
{
	timeline_fold_cores_util(tl, ncores, t0, t1, ncols, out, NULL);
}

/* The same, with each core's busy share per column in thousandths. */
void
timeline_fold_util(const struct timeline *tl, unsigned ncores, uint64_t t0,
    uint64_t t1, unsigned ncols, int32_t *out, uint16_t *util)
{
	timeline_fold_cores_util(tl, ncores, t0, t1, ncols, out, util);
}

/*
 * Where labelled work items begin: out[c] is the label (a pool's item) of
 * a span that starts in column c with a label other than the span before
 * it, TL_NOVALUE elsewhere.  Views print it over the lane.
 */
void
timeline_fold_labels(const struct timeline *tl, unsigned lane, uint64_t t0,
    uint64_t t1, unsigned ncols, int64_t *out)
{
	const struct tl_lane	*ll = &tl->lanes[lane];
	const struct tl_span	*sp;
	int64_t			 prev = -1;
	size_t			 i;
	unsigned		 c;

	for (c = 0; c < ncols; c++)
		out[c] = TL_NOVALUE;
	if (t1 <= t0 || ncols == 0)
		return;
	i = timeline_first_span(tl, ll, t0);
	if (i > 0 && i < ll->nspans)
		prev = ll->spans[i - 1].label;
	for (; i < ll->nspans; i++) {
		sp = &ll->spans[i];
		if (sp->t0 >= t1)
			break;
		if (sp->label >= 0 && sp->label != prev) {
			c = sp->t0 <= t0 ? 0 :
			    (unsigned)((sp->t0 - t0) * ncols / (t1 - t0));
			if (out[c] == TL_NOVALUE)
				out[c] = sp->label;
		}
		prev = sp->label;
	}
}

/*
 * The futures a lane announced by time t: st[item] is pending (EV_SPAWN),
 * running (EV_LABEL) or done (EV_RESULT), for items below n.  Returns how
 * many were announced by t (0: the lane does not speak of futures).
 */
size_t
timeline_futures(const struct timeline *tl, unsigned lane, uint64_t t,
    uint8_t *st, size_t n)
{
	const struct tl_lane	*ll = &tl->lanes[lane];
	const struct tl_mark	*m;
	size_t			 i, made = 0;

	for (i = 0; i < ll->nmarks; i++) {
		m = &ll->marks[i];
		if (m->ts > t)
			break;
		if (m->kind == EV_SPAWN)
			made++;
		/* A result mark of -(item + 1): the future raised. */
		if (m->kind == EV_RESULT && m->arg < 0 &&
		    (uint64_t)(-(m->arg + 1)) < n) {
			st[-(m->arg + 1)] = TL_FUTURE_FAILED;
			continue;
		}
		if (m->arg < 0 || (uint64_t)m->arg >= n)
			continue;
		if (m->kind == EV_SPAWN)
			st[m->arg] = TL_FUTURE_PENDING;
		else if (m->kind == EV_LABEL)
			st[m->arg] = TL_FUTURE_RUNNING;
		else if (m->kind == EV_RESULT)
			st[m->arg] = TL_FUTURE_DONE;
	}
	return made;
}

/* Total time a lane spent in one state, as the timeline knows it. */
uint64_t
timeline_state_ns(const struct timeline *tl, unsigned lane, enum state st)
{
	const struct tl_lane	*ll = &tl->lanes[lane];
	uint64_t		 n = 0;
	size_t			 i;

	for (i = 0; i < ll->nspans; i++)
		if (ll->spans[i].state == st)
			n += timeline_span_end(tl, &ll->spans[i]) -
			    ll->spans[i].t0;
	return n;
}

/*
 * Whether every worker lane has finished (its last state is done).  A demo
 * may go on after that (a sequential baseline), and a live view stops its
 * clock there rather than stretch the picture over time nothing happens in.
 */
int
timeline_workers_done(const struct timeline *tl)
{
	const struct tl_lane	*ll;
	unsigned		 lane, workers = 0;

	for (lane = 0; lane < tl->nlanes; lane++) {
		if (!timeline_lane_is_worker(tl, lane))
			continue;
		ll = &tl->lanes[lane];
		if (ll->nspans == 0 ||
		    ll->spans[ll->nspans - 1].state != STATE_DONE)
			return 0;
		workers++;
	}
	return workers > 0;
}

/* Whether a lane is a worker (thread, process, task), not a synthetic one. */
int
timeline_lane_is_worker(const struct timeline *tl, unsigned lane)
{
	return run_is_worker_lane(tl->trace, lane);
}

/*
 * The state of a lane at time t, and the stretch of that state around it
 * (neighbouring spans of the same state joined): *since and *until.  -1
 * when no span covers t (before the lane starts, or a value lane).
 */
int
timeline_at(const struct timeline *tl, unsigned lane, uint64_t t,
    uint8_t *state, uint64_t *since, uint64_t *until)
{
	const struct tl_lane	*ll = &tl->lanes[lane];
	size_t			 i, j;

	i = timeline_first_span(tl, ll, t);
	while (i < ll->nspans && timeline_span_end(tl, &ll->spans[i]) <= t)
		i++;
	if (i >= ll->nspans || ll->spans[i].t0 > t)
		return -1;
	*state = ll->spans[i].state;
	for (j = i; j > 0 && ll->spans[j - 1].state == *state &&
	    ll->spans[j - 1].t1 >= ll->spans[j].t0; j--)
		;
	*since = ll->spans[j].t0;
	for (j = i; j + 1 < ll->nspans && ll->spans[j + 1].state == *state &&
	    ll->spans[j + 1].t0 <= ll->spans[j].t1; j++)
		;
	*until = timeline_span_end(tl, &ll->spans[j]);
	return 0;
}
